"""Los pesos vistos como en Keras: ``model.weights``, ``layer.add_weight``…

Una :class:`Variable` no guarda una copia: señala el array ``capa.params[clave]`` (o ``capa.state``),
así que ``v.numpy()`` da siempre el valor actual y ``v.assign(x)`` cambia el peso de la capa. Sus
nombres son los de Keras (``kernel``, ``bias``, ``recurrent_kernel``, ``embeddings``…), aunque dentro
del motor las claves sean las del curso (``"W"``, ``"b"``, ``"U"``).

Dentro del ``call`` de una capa compuesta, una variable creada con ``add_weight`` se puede usar en la
aritmética de tensores (``x @ self.w + self.b``): el grafo la lee con un nodo :class:`WeightRead`,
cuyo paso hacia atrás suma ∂L/∂w en ``capa.grads`` (el optimizador la actualiza como a cualquier peso).
"""

import numpy as np

from .symbolic import KerasTensor, Node, Operation, is_tracing, unbroadcast, unique_name
from .validation import CourseError

#: Claves del motor -> nombres de Keras.
KERAS_NAMES = {"W": "kernel", "b": "bias", "U": "recurrent_kernel"}
_ATTENTION = {"q": "query", "k": "key", "v": "value", "o": "attention_output"}


def keras_name(layer, key):
    """El nombre de Keras de un peso: "kernel", "bias", "embeddings", "query/kernel"…

    Una capa que lo sabe mejor lo dice con su método ``keras_weight_name(clave)``.
    """
    method = getattr(type(layer), "keras_weight_name", None)
    if method is not None:
        return method(layer, key)
    if type(layer).__name__ == "Embedding" and key == "W":
        return "embeddings"
    if type(layer).__name__ == "MultiHeadAttention" and len(key) == 2 and key[1] in _ATTENTION:
        return f"{_ATTENTION[key[1]]}/{KERAS_NAMES.get(key[0], key[0])}"
    return KERAS_NAMES.get(key, key)


class Variable:
    """Un peso de una capa: ``name``, ``path``, ``shape``, ``dtype``, ``trainable``, ``numpy()`` y ``assign``."""

    def __init__(self, layer, key, group="params"):
        self.layer, self.key, self.group = layer, key, group

    @property
    def value(self):
        """El array del peso (el mismo que usa la capa, no una copia)."""
        return getattr(self.layer, self.group)[self.key]

    @property
    def name(self):
        """El nombre de Keras del peso (``kernel``, ``bias``…)."""
        return keras_name(self.layer, self.key)

    @property
    def path(self):
        """``capa/nombre``, como ``variable.path`` en Keras."""
        return f"{self.layer.name}/{self.name}"

    @property
    def shape(self):
        """La forma del peso."""
        return self.value.shape

    @property
    def dtype(self):
        """El tipo del peso (``float32`` o ``float64``)."""
        return str(self.value.dtype)

    @property
    def ndim(self):
        """Número de ejes del peso."""
        return self.value.ndim

    @property
    def trainable(self):
        """True si el optimizador lo actualiza."""
        return self.group == "params" and self.layer.trainable

    def numpy(self):
        """Una copia del valor actual."""
        return self.value.copy()

    def assign(self, value):
        """Copia ``value`` en el peso (con la misma forma)."""
        value = np.asarray(value)
        if value.shape != self.shape:
            raise CourseError(f"assign: el peso {self.path!r} tiene forma {self.shape}; se recibió {value.shape}.")
        self.value[...] = value

    def assign_add(self, delta):

        """w ← w + delta."""
        self.assign(self.value + np.asarray(delta))

    def assign_sub(self, delta):

        """w ← w − delta."""
        self.assign(self.value - np.asarray(delta))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)

    def __repr__(self):
        return f"<Variable path={self.path}, forma={self.shape}, tipo={self.dtype}>"

    # ---- dentro de call: la variable entra en el grafo
    def _symbolic(self):
        """El tensor simbólico de este peso (un nodo WeightRead sin entradas)."""
        if self.group != "params":
            raise CourseError(f"El peso {self.path!r} no es entrenable y no se puede usar dentro de call().")
        operation = WeightRead(self)
        node = Node(operation, (), {}, [])
        node.outputs = [KerasTensor(self.shape, self.dtype, node, 0)]
        operation._inbound_nodes.append(node)
        return node.outputs[0]

    def _operand(self):
        return self._symbolic() if is_tracing() else self.value

    def __add__(self, other):
        return self._operand() + other

    def __radd__(self, other):
        return other + self._operand()

    def __sub__(self, other):
        return self._operand() - other

    def __rsub__(self, other):
        return other - self._operand()

    def __mul__(self, other):
        return self._operand() * other

    def __rmul__(self, other):
        return other * self._operand()

    def __truediv__(self, other):
        return self._operand() / other

    def __matmul__(self, other):
        return self._operand() @ other

    def __rmatmul__(self, other):
        return other @ self._operand()

    def __neg__(self):
        return -self._operand()


class WeightRead(Operation):
    """Lee un peso dentro del grafo de una capa compuesta. Hacia atrás: ``grads[clave] += ∂L/∂w``
    (el grafo pone ese gradiente a cero antes de cada pasada hacia atrás, ``reset_gradient``)."""

    def __init__(self, variable):
        super().__init__(name=unique_name("weight_read"))
        self.variable = variable

    def compute_output_spec(self):
        return self.variable.shape

    def forward(self, training=False):
        return self.variable.value

    def reset_gradient(self):

        """∂L/∂w ← 0 antes de cada pasada hacia atrás del grafo."""
        layer, key = self.variable.layer, self.variable.key
        layer.grads[key] = np.zeros_like(layer.params[key])

    def backward(self, grad):
        layer, key = self.variable.layer, self.variable.key
        layer.grads[key] = layer.grads[key] + unbroadcast(np.asarray(grad), layer.params[key].shape)
        return []
