"""Compatibilidad con Keras: los espacios de nombres (keras.utils, keras.models, keras.backend…).

Cada fragmento recibe el motor como ``keras`` (Keras 3 o course_lib.nn) y devuelve lo que se
compara; ver arnes.py.
"""

import os
import tempfile

import numpy as np

from arnes import datos, fragmento, prueba


# ----------------------------------------------------------------------------- el nivel superior
@fragmento("keras.Input, keras.Model y keras.Sequential en el nivel superior")
def nivel_superior(keras):
    x = keras.Input(shape=(3,))
    y = keras.layers.Dense(2)(x)
    funcional = keras.Model(inputs=x, outputs=y)
    pila = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    return {"funcional": funcional.count_params(), "pila": pila.count_params()}


@fragmento("los módulos de keras que usa un tutorial existen con su nombre")
def modulos(keras):
    nombres = ["layers", "models", "utils", "ops", "losses", "metrics", "optimizers", "callbacks",
               "activations", "initializers", "regularizers", "backend", "preprocessing"]
    return {n: hasattr(keras, n) for n in nombres}


@fragmento("keras.layers.Input crea la entrada de un modelo funcional")
def layers_input(keras):
    entrada = keras.layers.Input(shape=(4,))
    salida = keras.layers.Dense(2)(entrada)
    return {"entrada": entrada.shape, "salida": salida.shape}


@fragmento("forma del tensor simbólico: .shape con None en el eje del lote")
def forma_simbolica(keras):
    x = keras.Input(shape=(28, 28, 1))
    return {"shape": x.shape, "ndim": len(x.shape)}


# ----------------------------------------------------------------------------- keras.models
@fragmento("keras.models.Sequential y keras.models.Model")
def models_clases(keras):
    pila = keras.models.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(3)])
    x = keras.Input(shape=(5,))
    funcional = keras.models.Model(x, keras.layers.Dense(3)(x))
    return {"pila": pila.output_shape, "funcional": funcional.output_shape}


@fragmento("keras.models.load_model recupera el modelo guardado con model.save")
def models_load_model(keras):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = datos((6, 4))
    antes = model.predict(x, verbose=0)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "modelo.keras")
        model.save(ruta)
        cargado = keras.models.load_model(ruta)
    despues = cargado.predict(x, verbose=0)
    return {"igual": bool(np.allclose(antes, despues, atol=1e-6)), "capas": len(cargado.layers)}


@fragmento("keras.saving.load_model es el mismo cargador")
def saving_load_model(keras):
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "m.keras")
        model.save(ruta)
        cargado = keras.saving.load_model(ruta)
    return cargado.count_params()


# ----------------------------------------------------------------------------- keras.utils
@fragmento("keras.utils.to_categorical con num_classes")
def to_categorical(keras):
    return keras.utils.to_categorical([0, 2, 1, 2], num_classes=4)


@fragmento("keras.utils.to_categorical deduce el número de clases")
def to_categorical_sin_num(keras):
    return keras.utils.to_categorical(np.array([3, 0, 1]))


@fragmento("keras.utils.to_categorical con etiquetas en columna (N, 1)")
def to_categorical_columna(keras):
    return keras.utils.to_categorical(np.array([[1], [0], [2]]))


@fragmento("keras.utils.pad_sequences: relleno y recorte por delante (lo que hace por defecto)")
def pad_sequences_defecto(keras):
    return keras.utils.pad_sequences([[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]], maxlen=4)


@fragmento("keras.utils.pad_sequences con padding='post' y truncating='post'")
def pad_sequences_post(keras):
    return keras.utils.pad_sequences([[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]], maxlen=4, padding="post",
                                     truncating="post")


@fragmento("keras.utils.pad_sequences sin maxlen: la secuencia más larga")
def pad_sequences_sin_maxlen(keras):
    resultado = keras.utils.pad_sequences([[1], [2, 3, 4], [5, 6]])
    return {"valores": resultado, "tipo": str(resultado.dtype)}


@fragmento("keras.utils.pad_sequences con value y dtype")
def pad_sequences_valor(keras):
    resultado = keras.utils.pad_sequences([[1.5, 2.5], [3.5]], value=-1.0, dtype="float32")
    return {"valores": resultado, "tipo": str(resultado.dtype)}


@fragmento("keras.preprocessing.sequence.pad_sequences (el nombre de los tutoriales antiguos)")
def preprocessing_sequence(keras):
    return keras.preprocessing.sequence.pad_sequences([[7, 8], [9]], maxlen=3)


@fragmento("keras.utils.set_random_seed hace reproducibles los pesos iniciales")
def set_random_seed(keras):
    def pesos():
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4)])
        return model.get_weights()[0]

    return bool(np.array_equal(pesos(), pesos()))


@fragmento("keras.utils.normalize: cada fila con norma L2 igual a 1")
def utils_normalize(keras):
    return keras.utils.normalize(np.array([[3.0, 4.0], [1.0, 0.0]]), axis=-1, order=2)


# ----------------------------------------------------------------------------- keras.backend y keras.config
@fragmento("keras.backend.clear_session reinicia los nombres automáticos")
def clear_session(keras):
    keras.layers.Dense(2)
    segunda = keras.layers.Dense(2).name
    keras.backend.clear_session()
    return {"antes": segunda, "despues": keras.layers.Dense(2).name}


@fragmento("keras.utils.clear_session (el otro camino al mismo sitio)")
def utils_clear_session(keras):
    keras.layers.Dense(2)
    keras.utils.clear_session()
    return keras.layers.Dense(2).name


@fragmento("keras.backend.floatx y keras.config.floatx")
def floatx(keras):
    return {"backend": keras.backend.floatx(), "config": keras.config.floatx()}


@fragmento("keras.backend.set_floatx('float64') cambia la precisión de los pesos nuevos")
def set_floatx(keras):
    keras.backend.set_floatx("float64")
    try:
        model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
        return str(model.get_weights()[0].dtype)
    finally:
        keras.backend.set_floatx("float32")


@fragmento("keras.config.set_floatx, la forma de Keras 3")
def config_set_floatx(keras):
    keras.config.set_floatx("float64")
    try:
        return keras.config.floatx()
    finally:
        keras.config.set_floatx("float32")


@fragmento("keras.backend.epsilon: el ε de las pérdidas")
def epsilon(keras):
    return keras.backend.epsilon()


# ----------------------------------------------------------------------------- get por nombre
@fragmento("keras.optimizers.get('adam') devuelve un Adam con sus valores por defecto")
def optimizers_get(keras):
    opt = keras.optimizers.get("adam")
    return {"clase": type(opt).__name__, "eta": float(opt.learning_rate)}


@fragmento("keras.losses.get y keras.metrics.get por su nombre")
def losses_get(keras):
    y = np.array([[1.0], [0.0]])
    p = np.array([[0.5], [0.25]])
    perdida = keras.losses.get("mean_squared_error")
    return float(keras.ops.convert_to_numpy(perdida(y, p)).mean())


@fragmento("keras.activations.get('relu') aplicada a un array")
def activations_get(keras):
    return keras.activations.get("relu")(np.array([[-1.0, 2.0]], dtype="float32"))


@fragmento("keras.initializers.get('zeros') crea un array de ceros")
def initializers_get(keras):
    return keras.initializers.get("zeros")(shape=(2, 3))


# ----------------------------------------------------------------------------- keras.random
@fragmento("keras.random.normal y uniform: forma, tipo y límites (los números dependen del generador)")
def random_formas(keras):
    n = keras.ops.convert_to_numpy(keras.random.normal(shape=(200, 3), mean=1.0, stddev=0.5, seed=1))
    u = keras.ops.convert_to_numpy(keras.random.uniform(shape=(50,), minval=-2.0, maxval=2.0, seed=2))
    return {"forma": n.shape, "tipo": str(n.dtype), "media_aprox": round(float(n.mean()), 0),
            "dentro": bool(u.min() >= -2 and u.max() < 2)}


@fragmento("keras.random.randint y shuffle")
def random_enteros(keras):
    r = keras.ops.convert_to_numpy(keras.random.randint((20,), 0, 4, seed=3))
    s = keras.ops.convert_to_numpy(keras.random.shuffle(np.arange(10), seed=4))
    return {"forma": r.shape, "rango": bool(r.min() >= 0 and r.max() < 4), "permutacion": sorted(s.tolist())}


test_fragmento = prueba("nombres")
