"""Compatibilidad con Keras: activaciones, inicializadores y regularizadores (keras.activations,
keras.initializers, keras.regularizers), por nombre y como objetos."""

import numpy as np

from arnes import datos, fragmento, prueba, pesos_fijos

Z = np.linspace(-3, 3, 13, dtype="float32").reshape(1, -1)


def _dense_con(keras, activation):
    """Una Dense(4) con pesos fijos y la activación pedida, aplicada a un lote fijo."""
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation=activation)])
    pesos_fijos(model, escala=1.0)
    return model.predict(datos((5, 3)), verbose=0)


@fragmento("keras.activations.relu, sigmoid, tanh y softmax como funciones")
def funciones_basicas(keras):
    a = keras.activations
    return {"relu": a.relu(Z), "sigmoid": a.sigmoid(Z), "tanh": a.tanh(Z), "softmax": a.softmax(Z)}


@fragmento("keras.activations.elu, selu, softplus y swish")
def funciones_nuevas(keras):
    a = keras.activations
    return {"elu": a.elu(Z), "selu": a.selu(Z), "softplus": a.softplus(Z), "swish": a.swish(Z)}


@fragmento("keras.activations.gelu (la aproximada de Keras por defecto) y leaky_relu")
def gelu_leaky(keras):
    a = keras.activations
    return {"gelu": a.gelu(Z), "leaky_relu": a.leaky_relu(Z, negative_slope=0.1)}


@fragmento("keras.activations.relu con max_value y threshold")
def relu_argumentos(keras):
    return keras.activations.relu(Z, max_value=1.5)


@fragmento("Dense(activation='relu') con pesos fijos")
def dense_relu(keras):
    return _dense_con(keras, "relu")


@fragmento("Dense(activation='selu') por nombre")
def dense_selu(keras):
    return _dense_con(keras, "selu")


@fragmento("Dense(activation='softplus') por nombre")
def dense_softplus(keras):
    return _dense_con(keras, "softplus")


@fragmento("Dense(activation='elu') por nombre")
def dense_elu(keras):
    return _dense_con(keras, "elu")


@fragmento("Dense(activation='gelu') por nombre")
def dense_gelu(keras):
    return _dense_con(keras, "gelu")


@fragmento("Dense(activation=keras.activations.swish): una función como activación")
def dense_activacion_funcion(keras):
    return _dense_con(keras, keras.activations.swish)


@fragmento("Dense(activation='softmax') da filas que suman 1")
def dense_softmax(keras):
    return _dense_con(keras, "softmax").sum(axis=1)


# ----------------------------------------------------------------------------- inicializadores
@fragmento("kernel_initializer=keras.initializers.HeNormal(): forma y escala de los pesos")
def he_normal(keras):
    keras.utils.set_random_seed(0)
    capa = keras.layers.Dense(400, kernel_initializer=keras.initializers.HeNormal())
    model = keras.Sequential([keras.Input(shape=(200,)), capa])
    w = model.get_weights()[0]
    return {"forma": w.shape, "desviacion_aprox": round(float(w.std()) / np.sqrt(2 / 200), 1)}


@fragmento("kernel_initializer por nombre: 'he_uniform', 'glorot_normal', 'zeros', 'ones'")
def inicializadores_por_nombre(keras):
    # Desviación típica de la muestra dividida entre la teórica: √(2/fan_in) en He, √(2/(fan_in + fan_out))
    # en Glorot; con 3 000 pesos la razón está a ±0,02 de 1, así que redondeada a una cifra es 1,0.
    teorica = {"he_uniform": np.sqrt(2 / 50), "glorot_normal": np.sqrt(2 / 110)}
    resultado = {}
    for nombre in ("he_uniform", "glorot_normal", "zeros", "ones"):
        model = keras.Sequential([keras.Input(shape=(50,)), keras.layers.Dense(60, kernel_initializer=nombre)])
        w = model.get_weights()[0]
        if nombre in teorica:
            resultado[nombre] = round(float(w.std()) / teorica[nombre], 1)
        else:
            resultado[nombre] = [float(w.min()), float(w.max())]
    return resultado


@fragmento("keras.initializers.Zeros(), Ones() y Constant(0.5) llamados con shape")
def inicializadores_constantes(keras):
    i = keras.initializers
    return {"zeros": i.Zeros()(shape=(2, 2)), "ones": i.Ones()(shape=(3,)), "constant": i.Constant(0.5)(shape=(2,))}


@fragmento("bias_initializer=keras.initializers.Constant(0.1)")
def bias_constante(keras):
    model = keras.Sequential([keras.Input(shape=(3,)),
                              keras.layers.Dense(2, bias_initializer=keras.initializers.Constant(0.1))])
    return model.get_weights()[1]


@fragmento("keras.initializers.RandomNormal(mean, stddev, seed): misma semilla, mismos pesos")
def random_normal_semilla(keras):
    a = keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=7)(shape=(30, 30))
    b = keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=7)(shape=(30, 30))
    a, b = keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)
    return {"iguales": bool(np.allclose(a, b)), "std": round(float(a.std()), 2)}


@fragmento("keras.initializers.GlorotUniform y Orthogonal: límites y ortogonalidad")
def glorot_orthogonal(keras):
    g = keras.ops.convert_to_numpy(keras.initializers.GlorotUniform(seed=1)(shape=(20, 30)))
    q = keras.ops.convert_to_numpy(keras.initializers.Orthogonal(seed=1)(shape=(8, 8)))
    limite = np.sqrt(6 / 50)
    return {"dentro": bool(np.abs(g).max() <= limite + 1e-6), "ortogonal": bool(np.allclose(q.T @ q, np.eye(8), atol=1e-5))}


# ----------------------------------------------------------------------------- regularizadores
@fragmento("kernel_regularizer=keras.regularizers.l2(0.01): la pérdida incluye la penalización")
def l2_minuscula(keras):
    model = keras.Sequential([keras.Input(shape=(3,)),
                              keras.layers.Dense(2, kernel_regularizer=keras.regularizers.l2(0.01))])
    pesos_fijos(model)
    model.compile(optimizer="sgd", loss="mse")
    return model.evaluate(datos((4, 3)), datos((4, 2), semilla=1), verbose=0)


@fragmento("keras.regularizers.l1 y l1_l2 en minúscula")
def l1_minuscula(keras):
    r = keras.regularizers
    w = datos((3, 2))
    return {"l1": float(r.l1(0.1)(w)), "l1_l2": float(r.l1_l2(l1=0.1, l2=0.2)(w)), "L2": float(r.L2(0.3)(w))}


@fragmento("kernel_regularizer='l2' por nombre")
def l2_por_nombre(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, kernel_regularizer="l2")])
    pesos_fijos(model)
    model.compile(optimizer="sgd", loss="mse")
    return model.evaluate(datos((4, 3)), datos((4, 2), semilla=1), verbose=0)


test_fragmento = prueba("funciones")
