"""Compatibilidad con Keras: guardar y cargar modelos y pesos, copiar y reconstruir modelos.

Cada motor guarda en su propio formato (Keras un .keras, course_lib un .npz con ese nombre): lo
que se compara es que el modelo vuelva igual, no los bytes del archivo.
"""

import os
import tempfile

import numpy as np

from arnes import datos, fragmento, pesos_fijos, prueba

X = datos((6, 4), semilla=40)
Y = datos((6, 2), semilla=41)


def _modelo(keras):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    pesos_fijos(model, positivos=True)
    return model


@fragmento("model.save('modelo.keras') y load_model: mismas predicciones y compilación")
def save_load(keras):
    model = _modelo(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(X, Y, epochs=1, batch_size=3, shuffle=False, verbose=0)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "modelo.keras")
        model.save(ruta)
        cargado = keras.models.load_model(ruta)
    return {"pred": cargado.predict(X, verbose=0), "eval": cargado.evaluate(X, Y, verbose=0),
            "optimizador": type(cargado.optimizer).__name__}


@fragmento("load_model de un modelo funcional con dos entradas")
def save_load_funcional(keras):
    layers = keras.layers
    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(2,), name="b")
    model = keras.Model([a, b], layers.Dense(1)(layers.concatenate([a, b])))
    pesos_fijos(model)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "f.keras")
        model.save(ruta)
        cargado = keras.models.load_model(ruta)
    return cargado.predict([X[:, :2], X[:, 2:]], verbose=0)


@fragmento("save_weights y load_weights (.weights.h5)")
def save_load_weights(keras):
    model = _modelo(keras)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "modelo.weights.h5")
        model.save_weights(ruta)
        otro = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(5, activation="relu"),
                                 keras.layers.BatchNormalization(), keras.layers.Dense(2)])
        otro.load_weights(ruta)
    return otro.predict(X, verbose=0)


@fragmento("seguir entrenando tras cargar (el estado del optimizador vuelve)")
def seguir_entrenando(keras):
    model = _modelo(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(X, Y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "m.keras")
        model.save(ruta)
        cargado = keras.models.load_model(ruta)
    a = model.fit(X, Y, epochs=1, batch_size=3, shuffle=False, verbose=0).history["loss"]
    b = cargado.fit(X, Y, epochs=1, batch_size=3, shuffle=False, verbose=0).history["loss"]
    return {"original": a, "cargado": b}


@fragmento("keras.models.clone_model: misma arquitectura, pesos nuevos")
def clone_model(keras):
    model = _modelo(keras)
    copia = keras.models.clone_model(model)
    copia.set_weights(model.get_weights())
    return {"parametros": copia.count_params(), "pred": copia.predict(X, verbose=0),
            "otra_instancia": copia is not model}


@fragmento("model.get_config() y Sequential.from_config")
def from_config(keras):
    model = _modelo(keras)
    copia = keras.Sequential.from_config(model.get_config())
    return {"capas": [type(c).__name__ for c in copia.layers], "parametros": copia.count_params()}


@fragmento("layer.get_config() y Dense.from_config")
def capa_from_config(keras):
    capa = keras.layers.Dense(7, activation="relu", name="d")
    config = capa.get_config()
    otra = keras.layers.Dense.from_config(config)
    return {"units": config["units"], "activation": config["activation"], "nombre": otra.name, "units_otra": otra.units}


@fragmento("load_model de un modelo con una Layer propia (custom_objects)")
def custom_objects(keras):
    class Doble(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2), Doble()])
    pesos_fijos(model)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "c.keras")
        model.save(ruta)
        cargado = keras.models.load_model(ruta, custom_objects={"Doble": Doble})
    return cargado.predict(X[:, :3], verbose=0)


@fragmento("model.to_json y keras.models.model_from_json")
def to_json(keras):
    model = _modelo(keras)
    copia = keras.models.model_from_json(model.to_json())
    return [type(c).__name__ for c in copia.layers]


@fragmento("los pesos guardados no cambian al volver a cargarlos dos veces")
def cargar_dos_veces(keras):
    model = _modelo(keras)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "m.keras")
        model.save(ruta)
        a = keras.models.load_model(ruta).get_weights()
        b = keras.models.load_model(ruta).get_weights()
    return bool(all(np.array_equal(x, y) for x, y in zip(a, b)))


test_fragmento = prueba("guardado")
