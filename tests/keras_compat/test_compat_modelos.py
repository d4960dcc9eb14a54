"""Compatibilidad con Keras: construir modelos (Sequential, API funcional, modelos anidados, capas
compartidas) y mirarlos por dentro (pesos, capas, entradas y salidas)."""

import contextlib
import io

import numpy as np

from arnes import datos, formas, fragmento, pesos_fijos, prueba


# ----------------------------------------------------------------------------- Sequential
@fragmento("Sequential([keras.Input(shape), …]): el modismo de Keras 3")
def sequential_con_input(keras):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    return {"forma": model.output_shape, "parametros": model.count_params(), "capas": len(model.layers)}


@fragmento("model.add(keras.Input(shape)) y después model.add(capas)")
def sequential_add_input(keras):
    model = keras.Sequential()
    model.add(keras.Input(shape=(5,)))
    model.add(keras.layers.Dense(2, activation="relu"))
    model.add(keras.layers.Dense(1))
    return {"forma": model.output_shape, "parametros": model.count_params(), "capas": len(model.layers)}


@fragmento("Sequential sin forma de entrada: se construye al llamarlo")
def sequential_diferido(keras):
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    y = model(datos((2, 4)))
    return {"forma": tuple(y.shape), "parametros": model.count_params()}


@fragmento("Sequential.build((None, d)) crea los pesos")
def sequential_build(keras):
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    model.build((None, 6))
    return {"parametros": model.count_params(), "pesos": formas(model.get_weights())}


@fragmento("Sequential(name=…) y model.name")
def sequential_nombre(keras):
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)], name="mi_modelo")
    return model.name


@fragmento("model.pop() quita la última capa")
def sequential_pop(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.pop()
    return {"capas": len(model.layers), "forma": model.output_shape}


@fragmento("model.layers[i].output y model.inputs/outputs en un Sequential: extraer características")
def sequential_extraer(keras):
    layers = keras.layers
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5, activation="relu", name="oculta"),
                              layers.Dense(2, name="salida")])
    extractor = keras.Model(inputs=model.inputs, outputs=model.get_layer("oculta").output)
    pesos_fijos(model)
    return {"forma": extractor.output_shape, "salida": extractor.predict(datos((3, 4)), verbose=0)}


@fragmento("Sequential extractor de todas las capas: outputs=[layer.output for layer in model.layers]")
def sequential_todas_las_salidas(keras):
    layers = keras.layers
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(2)])
    extractor = keras.Model(inputs=model.inputs, outputs=[capa.output for capa in model.layers])
    return [r.shape for r in extractor.predict(datos((2, 3)), verbose=0)]


@fragmento("model.summary() se ejecuta (el texto lo escribe cada motor a su manera)")
def summary(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    with contextlib.redirect_stdout(io.StringIO()):
        resultado = model.summary()
    return resultado


# ----------------------------------------------------------------------------- API funcional
@fragmento("API funcional: Input → Dense → Dense, Model(inputs, outputs)")
def funcional_basico(keras):
    layers = keras.layers
    inputs = keras.Input(shape=(784,), name="digitos")
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist")
    return {"forma": model.output_shape, "parametros": model.count_params(), "nombre": model.name,
            "capas": len(model.layers)}


@fragmento("una conexión residual con layers.add")
def funcional_residual(keras):
    layers = keras.layers
    inputs = keras.Input(shape=(8, 8, 3))
    x = layers.Conv2D(3, 3, padding="same", activation="relu")(inputs)
    x = layers.add([x, inputs])
    outputs = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, outputs)
    pesos_fijos(model)
    return {"forma": model.output_shape, "salida": model.predict(datos((2, 8, 8, 3)), verbose=0)}


@fragmento("dos entradas y dos salidas con nombre")
def funcional_varias(keras):
    layers = keras.layers
    titulo = keras.Input(shape=(6,), name="titulo")
    cuerpo = keras.Input(shape=(4,), name="cuerpo")
    x = layers.concatenate([layers.Dense(3)(titulo), layers.Dense(3)(cuerpo)])
    prioridad = layers.Dense(1, name="prioridad")(x)
    departamento = layers.Dense(3, activation="softmax", name="departamento")(x)
    model = keras.Model(inputs=[titulo, cuerpo], outputs=[prioridad, departamento])
    pesos_fijos(model)
    p, d = model.predict([datos((2, 6)), datos((2, 4), semilla=1)], verbose=0)
    return {"formas": model.output_shape, "p": p, "d": d, "n_entradas": len(model.inputs)}


@fragmento("entradas como diccionario {nombre: array} en predict")
def funcional_dict_entradas(keras):
    layers = keras.layers
    a = keras.Input(shape=(2,), name="a")
    b = keras.Input(shape=(3,), name="b")
    model = keras.Model(inputs={"a": a, "b": b}, outputs=layers.Dense(1)(layers.concatenate([a, b])))
    pesos_fijos(model)
    return model.predict({"a": datos((2, 2)), "b": datos((2, 3), semilla=1)}, verbose=0)


@fragmento("salidas como diccionario: predict devuelve un dict")
def funcional_dict_salidas(keras):
    layers = keras.layers
    x = keras.Input(shape=(3,))
    model = keras.Model(x, {"uno": layers.Dense(1)(x), "dos": layers.Dense(2)(x)})
    pesos_fijos(model)
    resultado = model.predict(datos((2, 3)), verbose=0)
    return {k: v.shape for k, v in resultado.items()}


@fragmento("un modelo dentro de otro, como capa")
def modelo_anidado(keras):
    layers = keras.layers
    codificador = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(3)], name="codificador")
    x = keras.Input(shape=(6,))
    y = layers.Dense(6)(codificador(x))
    model = keras.Model(x, y)
    pesos_fijos(model)
    return {"parametros": model.count_params(), "salida": model.predict(datos((2, 6)), verbose=0)}


@fragmento("una capa compartida: la misma Dense sobre dos entradas")
def capa_compartida(keras):
    layers = keras.layers
    compartida = layers.Dense(4, activation="relu")
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    model = keras.Model([a, b], layers.concatenate([compartida(a), compartida(b)]))
    pesos_fijos(model)
    return {"parametros": model.count_params(), "salida": model.predict([datos((2, 3)), datos((2, 3), semilla=1)],
                                                                        verbose=0)}


@fragmento("una capa Embedding compartida por dos secuencias")
def embedding_compartido(keras):
    layers = keras.layers
    emb = layers.Embedding(20, 4)
    a, b = keras.Input(shape=(5,)), keras.Input(shape=(5,))
    pa, pb = layers.GlobalAveragePooling1D()(emb(a)), layers.GlobalAveragePooling1D()(emb(b))
    model = keras.Model([a, b], layers.Dot(axes=1)([pa, pb]))
    return {"parametros": model.count_params(), "pesos": len(model.weights)}


@fragmento("suma y producto de tensores simbólicos: a + b, a * b, a - b")
def aritmetica_simbolica(keras):
    layers = keras.layers
    x = keras.Input(shape=(3,))
    a, b = layers.Dense(3)(x), layers.Dense(3)(x)
    model = keras.Model(x, [a + b, a * b, a - b])
    pesos_fijos(model)
    return model.predict(datos((2, 3)), verbose=0)


@fragmento("Input(shape=(None, d)): secuencias de longitud variable")
def longitud_variable(keras):
    layers = keras.layers
    x = keras.Input(shape=(None, 3))
    y = layers.GlobalAveragePooling1D()(layers.Dense(2)(x))
    model = keras.Model(x, y)
    pesos_fijos(model)
    return {"forma_entrada": x.shape, "corta": model.predict(datos((2, 4, 3)), verbose=0),
            "larga": model.predict(datos((2, 7, 3)), verbose=0)}


@fragmento("Input(shape=(None,), dtype='int32') para índices de palabras")
def input_dtype(keras):
    x = keras.Input(shape=(None,), dtype="int32")
    y = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(10, 3)(x))
    model = keras.Model(x, y)
    return {"dtype": str(x.dtype).replace("torch.", ""), "forma": model.output_shape}


# ----------------------------------------------------------------------------- introspección
@fragmento("model.weights, trainable_weights y non_trainable_weights")
def pesos_listas(keras):
    layers = keras.layers
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(1)])
    return {"todos": len(model.weights), "entrenables": len(model.trainable_weights),
            "no_entrenables": len(model.non_trainable_weights),
            "formas": [tuple(w.shape) for w in model.trainable_weights]}


@fragmento("layer.weights y layer.kernel / layer.bias de una Dense")
def kernel_bias(keras):
    capa = keras.layers.Dense(2)
    keras.Sequential([keras.Input(shape=(3,)), capa])
    return {"n": len(capa.weights), "kernel": tuple(capa.kernel.shape), "bias": tuple(capa.bias.shape)}


@fragmento("model.get_layer(name) y model.get_layer(index)")
def get_layer(keras):
    layers = keras.layers
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, name="primera"), layers.Dense(1, name="ultima")])
    return {"por_nombre": model.get_layer("ultima").name, "por_indice": model.get_layer(index=0).name}


@fragmento("model.layers en un modelo funcional (incluye la capa de entrada)")
def capas_funcional(keras):
    x = keras.Input(shape=(3,))
    model = keras.Model(x, keras.layers.Dense(1)(keras.layers.Dense(2)(x)))
    return [type(capa).__name__ for capa in model.layers]


@fragmento("model.inputs, model.outputs, model.input_shape y model.output_shape")
def entradas_salidas(keras):
    x = keras.Input(shape=(3,))
    model = keras.Model(x, keras.layers.Dense(2)(x))
    return {"inputs": [t.shape for t in model.inputs], "outputs": [t.shape for t in model.outputs],
            "input_shape": model.input_shape, "output_shape": model.output_shape}


@fragmento("model.get_weights() y set_weights() copian todos los pesos de un modelo a otro igual")
def copiar_pesos(keras):
    def construir():
        return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4), keras.layers.Dense(1)])

    a, b = construir(), construir()
    b.set_weights(a.get_weights())
    x = datos((5, 3))
    return bool(np.allclose(a.predict(x, verbose=0), b.predict(x, verbose=0)))


@fragmento("llamar al modelo como función: model(x) y model(x, training=False)")
def llamar_modelo(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    pesos_fijos(model)
    x = datos((2, 3))
    return {"llamada": model(x), "inferencia": model(x, training=False)}


@fragmento("model.trainable = False congela todo el modelo")
def modelo_congelado(keras):
    base = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4)])
    base.trainable = False
    x = keras.Input(shape=(3,))
    model = keras.Model(x, keras.layers.Dense(1)(base(x)))
    return {"entrenables": len(model.trainable_weights), "no_entrenables": len(model.non_trainable_weights)}


@fragmento("model.count_params() en una red convolucional pequeña")
def count_params_cnn(keras):
    layers = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    return {"parametros": model.count_params(), "forma": model.output_shape}


test_fragmento = prueba("modelos")
