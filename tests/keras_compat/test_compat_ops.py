"""Compatibilidad con Keras: keras.ops, las operaciones que usan los tutoriales (sobre arrays).

``keras.ops`` de Keras 3 devuelve tensores del motor (aquí, de PyTorch); el arnés los convierte a
NumPy antes de comparar. Las operaciones dentro de ``call`` de una capa propia están en
test_compat_subclases.py.
"""

import numpy as np

from arnes import datos, fragmento, prueba

A = datos((3, 4), semilla=1)
B = datos((4, 2), semilla=2)


@fragmento("ops.mean, ops.sum, ops.max y ops.min sobre un eje")
def reducciones(keras):
    ops = keras.ops
    return {"mean": ops.mean(A, axis=1), "sum": ops.sum(A, axis=0), "max": ops.max(A, axis=-1),
            "min": ops.min(A), "mean_keepdims": ops.mean(A, axis=1, keepdims=True)}


@fragmento("ops.argmax y ops.argmin (enteros)")
def argmax(keras):
    return {"argmax": keras.ops.argmax(A, axis=-1), "argmin": keras.ops.argmin(A, axis=0)}


@fragmento("ops.square, ops.sqrt, ops.exp, ops.log y ops.abs elemento a elemento")
def elementales(keras):
    ops = keras.ops
    positivos = np.abs(A) + 0.1
    return {"square": ops.square(A), "sqrt": ops.sqrt(positivos), "exp": ops.exp(A), "log": ops.log(positivos),
            "abs": ops.abs(A)}


@fragmento("ops.matmul y el operador @ de los arrays")
def matmul(keras):
    return keras.ops.matmul(A, B)


@fragmento("ops.transpose (con y sin axes) y ops.reshape")
def transpose_reshape(keras):
    ops = keras.ops
    x = datos((2, 3, 4))
    return {"t": ops.transpose(A), "t_axes": ops.transpose(x, axes=(0, 2, 1)), "reshape": ops.reshape(x, (2, 12)),
            "reshape_menos1": ops.reshape(x, (-1, 4))}


@fragmento("ops.concatenate y ops.stack")
def concatenate_stack(keras):
    ops = keras.ops
    return {"concat": ops.concatenate([A, A], axis=-1), "stack": ops.stack([A, A], axis=0)}


@fragmento("ops.expand_dims y ops.squeeze")
def expand_squeeze(keras):
    ops = keras.ops
    return {"expand": ops.expand_dims(A, axis=-1).shape, "squeeze": ops.squeeze(A[:, :1], axis=-1)}


@fragmento("ops.softmax, ops.relu, ops.sigmoid y ops.tanh")
def activaciones(keras):
    ops = keras.ops
    return {"softmax": ops.softmax(A, axis=-1), "relu": ops.relu(A), "sigmoid": ops.sigmoid(A), "tanh": ops.tanh(A)}


@fragmento("ops.one_hot de índices enteros")
def one_hot(keras):
    return keras.ops.one_hot(np.array([0, 2, 1]), 3)


@fragmento("ops.convert_to_numpy y ops.convert_to_tensor")
def convertir(keras):
    t = keras.ops.convert_to_tensor(A)
    vuelta = keras.ops.convert_to_numpy(t)
    return {"es_ndarray": isinstance(vuelta, np.ndarray), "valores": vuelta}


@fragmento("ops.arange, ops.zeros, ops.ones y ops.linspace")
def crear(keras):
    ops = keras.ops
    return {"arange": ops.arange(0, 5), "zeros": ops.zeros((2, 3)), "ones": ops.ones((2,)),
            "linspace": ops.linspace(0.0, 1.0, 5)}


@fragmento("ops.shape devuelve la forma como tupla")
def shape(keras):
    return tuple(keras.ops.shape(A))


@fragmento("ops.cast a otro tipo")
def cast(keras):
    r = keras.ops.convert_to_numpy(keras.ops.cast(np.array([1.7, -0.2]), "int32"))
    return {"valores": r, "tipo": str(r.dtype)}


@fragmento("ops.clip, ops.maximum y ops.minimum")
def clip(keras):
    ops = keras.ops
    return {"clip": ops.clip(A, -0.5, 0.5), "maximum": ops.maximum(A, 0.0), "minimum": ops.minimum(A, 0.0)}


@fragmento("ops.where y ops.sign")
def where(keras):
    ops = keras.ops
    return {"where": ops.where(A > 0, A, 0.0), "sign": ops.sign(A)}


@fragmento("ops.power, ops.multiply, ops.add, ops.subtract y ops.divide")
def aritmetica(keras):
    ops = keras.ops
    return {"power": ops.power(np.abs(A), 2.0), "multiply": ops.multiply(A, 2.0), "add": ops.add(A, A),
            "subtract": ops.subtract(A, 1.0), "divide": ops.divide(A, 4.0)}


@fragmento("ops.einsum para la atención (consultas por claves)")
def einsum(keras):
    q = datos((2, 3, 4), semilla=3)
    k = datos((2, 5, 4), semilla=4)
    return keras.ops.einsum("bqd,bkd->bqk", q, k)


@fragmento("ops.tile, ops.repeat y ops.take")
def tile_repeat(keras):
    ops = keras.ops
    return {"tile": ops.tile(A[:1], (2, 1)), "repeat": ops.repeat(A[:1], 2, axis=0),
            "take": ops.take(A, np.array([2, 0]), axis=0)}


@fragmento("ops.sort, ops.argsort y ops.cumsum")
def ordenar(keras):
    ops = keras.ops
    return {"sort": ops.sort(A, axis=-1), "argsort": ops.argsort(A[0]), "cumsum": ops.cumsum(A, axis=1)}


@fragmento("ops.logsumexp y ops.log_softmax estables")
def logsumexp(keras):
    ops = keras.ops
    grandes = A * 100
    return {"lse": ops.logsumexp(grandes, axis=-1), "log_softmax": ops.log_softmax(grandes, axis=-1)}


@fragmento("ops.norm: norma L2 de cada fila")
def norma(keras):
    return keras.ops.norm(A, axis=-1)


test_fragmento = prueba("ops")
