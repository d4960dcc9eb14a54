"""``Input``: la entrada de un modelo, como ``keras.Input``.

``Input(shape=(28, 28, 1))`` devuelve un tensor simbólico de forma (None, 28, 28, 1) (None es el eje
del lote) sobre el que se llaman las capas (API funcional) o que abre una pila ``Sequential``.
``shape`` puede tener None en los ejes de tamaño variable: ``Input(shape=(None,), dtype="int32")``
es una secuencia de índices de cualquier longitud, la entrada típica de una capa ``Embedding``.
"""

import numpy as np

from .layer import Layer, _as_shape
from .symbolic import KerasTensor, Node, unique_name
from .validation import CourseError, CourseTypeError, describe

#: Tipos que admite Input(dtype=…): reales (los datos) y enteros (índices para Embedding).
_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")


class InputLayer(Layer):
    """La capa de entrada de un modelo (la crea :func:`Input`): no transforma nada."""

    is_input = True

    def __init__(self, shape=None, dtype=None, name=None, batch_size=None, input_shape=None, **kwargs):
        super().__init__(name=name or unique_name("input_layer"), **kwargs)
        shape = input_shape if shape is None else shape
        self.input_shape = self.output_shape = _as_shape(shape, "Input", allow_none=True)
        self.dtype = _check_dtype(dtype)
        self.batch_size = batch_size
        self.built = True

    def forward(self, x, training=False):
        return x

    def backward(self, grad_y):
        return grad_y

    def get_config(self):
        config_ = {"shape": list(self.input_shape), "name": self.name}
        if self.dtype is not None:
            config_["dtype"] = self.dtype
        return config_


def _check_dtype(dtype):
    if dtype is None:
        return None
    name = getattr(dtype, "name", None) or str(np.dtype(dtype)) if not isinstance(dtype, str) else dtype
    if name not in _DTYPES:
        raise CourseError(
            f"Input: dtype debe ser un tipo numérico como 'float32' (datos) o 'int32' (índices para Embedding); "
            f"se recibió {dtype!r}."
        )
    return name


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False):
    """Entrada de un modelo, como ``keras.Input``: ``shape`` es la forma de un ejemplo (sin el eje del
    lote), p. ej. ``Input(shape=(28, 28, 1))``, ``Input(shape=(None, 8))`` (secuencias de longitud variable)
    o ``Input(shape=(40,), dtype="int32")`` (índices). ``batch_shape`` da la forma con el lote,
    ``(None, 28, 28, 1)``."""
    if sparse or tensor is not None or optional:
        what = "sparse=True" if sparse else ("tensor=…" if tensor is not None else "optional=True")
        raise CourseError(
            f"Input: course_lib no admite {what} (tensores dispersos, tensores ya hechos o entradas opcionales de "
            "Keras). Crea la entrada con Input(shape=…) y pasa los datos como arrays de NumPy."
        )
    if batch_shape is not None:
        if shape is not None:
            raise CourseError("Input: indica shape (sin el lote) o batch_shape (con el lote), no los dos.")
        if not isinstance(batch_shape, (list, tuple)) or len(batch_shape) < 2:
            raise CourseTypeError(
                f"Input: batch_shape es la forma con el eje del lote, p. ej. (None, 28, 28, 1); se recibió "
                f"{describe(batch_shape)}."
            )
        batch_size, shape = batch_shape[0], tuple(batch_shape[1:])
    if shape is None:
        raise CourseError("Input: falta shape, la forma de un ejemplo sin el eje del lote, p. ej. Input(shape=(4,)).")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                   or batch_size < 1):
        raise CourseError(f"Input: batch_size debe ser un entero positivo o None; se recibió {batch_size!r}.")
    layer = InputLayer(shape, dtype=dtype, name=name, batch_size=batch_size)
    node = Node(layer, (), {}, [])
    node.outputs = [KerasTensor((None,) + layer.output_shape, layer.dtype, node, 0)]
    layer._inbound_nodes.append(node)
    return node.outputs[0]
