"""Capas que juntan varios tensores en uno: ``Add`` (suma) y ``Concatenate`` (concatenación).

Se llaman con una lista, como en Keras: ``Add()([a, b])``, ``Concatenate(axis=-1)([a, b])``.
``backward(grad)`` devuelve una lista con un gradiente por tensor de entrada, en el mismo orden.
"""

import numpy as np

from . import config
from .layer import Layer
from .validation import CourseError, as_float_array, describe


class _Merge(Layer):
    """Lo común: validar la lista de entradas y construir la capa (no tiene parámetros)."""

    def _check_list(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') espera una lista de al menos dos tensores, p. ej. "
                f"{type(self).__name__}()([a, b]); se recibió {describe(inputs)}."
            )

    def symbolic_output_shape(self, input_shapes, **kwargs):
        self._check_list(input_shapes)
        return self.compute_output_shape([tuple(s) for s in input_shapes])

    def build(self, input_shapes):
        self.input_shape = [tuple(s) for s in input_shapes]
        self.output_shape = self.compute_output_shape(self.input_shape)
        self.built = True

    def _prepare_inputs(self, inputs):
        self._check_list(inputs)
        arrays = [x if isinstance(x, np.ndarray) and x.dtype == config.dtype()
                  else as_float_array(x, f"{type(self).__name__} ('{self.name}'): entrada {i}")
                  for i, x in enumerate(inputs)]
        if len({a.shape[0] if a.ndim else None for a in arrays}) != 1 or arrays[0].ndim < 2:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}'): todas las entradas deben ser lotes con el mismo número de "
                f"ejemplos; se recibieron formas {[a.shape for a in arrays]}."
            )
        self.build([a.shape[1:] for a in arrays])
        self._batch_size = arrays[0].shape[0]
        return arrays

    def get_config(self):
        config_ = super().get_config()
        config_.pop("input_shape", None)
        return config_


class Add(_Merge):
    """Suma elemento a elemento de tensores con la misma forma: y = a + b (+ …), como ``keras.layers.Add``.

    Es la conexión residual (*skip connection*) de las ResNet y los Transformers: y = x + F(x).
    Hacia atrás, cada sumando recibe el gradiente entero: ∂L/∂a = ∂L/∂b = ∂L/∂y.
    """

    def compute_output_shape(self, input_shapes):
        if any(tuple(s) != tuple(input_shapes[0]) for s in input_shapes):
            shapes = ", ".join(str((None,) + tuple(s)) for s in input_shapes)
            raise CourseError(
                f"Add ('{self.name}') suma elemento a elemento, así que todos los tensores deben tener la misma "
                f"forma; se recibieron {shapes}. Ajusta una de las ramas (p. ej. con una capa Dense del mismo "
                "número de unidades) o usa Concatenate para juntarlos en vez de sumarlos."
            )
        return tuple(input_shapes[0])

    def forward(self, inputs, training=False):
        """[a, b, …] todos de forma (N, ...) -> y = a + b + …: (N, ...)."""
        arrays = self._prepare_inputs(inputs)
        self._cache = len(arrays)
        return np.sum(arrays, axis=0) if len(arrays) > 2 else arrays[0] + arrays[1]

    def backward(self, grad_y):
        """∂L/∂y -> [∂L/∂a, ∂L/∂b, …], todos iguales a ∂L/∂y."""
        grad_y = self._check_backward(grad_y)
        return [grad_y] + [grad_y.copy() for _ in range(self._cache - 1)]


class Concatenate(_Merge):
    """Concatena tensores a lo largo de ``axis`` (por defecto el último), como ``keras.layers.Concatenate``.

    Las formas deben coincidir en todos los ejes salvo ``axis``. Hacia atrás, ∂L/∂y se corta en trozos
    del tamaño de cada entrada.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or axis == 0:
            raise CourseError(
                f"Concatenate: axis debe ser un entero distinto de 0 (el eje 0 es el del lote), p. ej. -1; "
                f"se recibió {axis!r}."
            )
        self.axis = int(axis)

    def _example_axis(self, ndim):
        """El eje dentro de la forma de un ejemplo (sin el lote)."""
        axis = self.axis if self.axis < 0 else self.axis - 1
        if not -ndim <= axis < ndim:
            raise CourseError(f"Concatenate ('{self.name}'): axis={self.axis} no existe en tensores de {ndim + 1} ejes.")
        return axis % ndim

    def compute_output_shape(self, input_shapes):
        ndims = {len(s) for s in input_shapes}
        shapes = ", ".join(str((None,) + tuple(s)) for s in input_shapes)
        if len(ndims) != 1:
            raise CourseError(f"Concatenate ('{self.name}'): los tensores deben tener los mismos ejes; se recibieron {shapes}.")
        axis = self._example_axis(ndims.pop())
        rest = {tuple(n for i, n in enumerate(s) if i != axis) for s in input_shapes}
        if len(rest) != 1:
            raise CourseError(
                f"Concatenate ('{self.name}', axis={self.axis}): las formas deben coincidir en todos los ejes salvo "
                f"el de concatenación; se recibieron {shapes}."
            )
        out = list(input_shapes[0])
        out[axis] = sum(s[axis] for s in input_shapes)
        return tuple(out)

    def forward(self, inputs, training=False):
        """[a, b, …] -> y = [a | b | …] a lo largo de ``axis``."""
        arrays = self._prepare_inputs(inputs)
        axis = self._example_axis(arrays[0].ndim - 1) + 1
        self._cache = (axis, np.cumsum([a.shape[axis] for a in arrays])[:-1])
        return np.concatenate(arrays, axis=axis)

    def backward(self, grad_y):
        """∂L/∂y -> [∂L/∂a, ∂L/∂b, …]: los trozos de ∂L/∂y que corresponden a cada entrada."""
        grad_y = self._check_backward(grad_y)
        axis, cuts = self._cache
        return [np.ascontiguousarray(g) for g in np.split(grad_y, cuts, axis=axis)]

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
