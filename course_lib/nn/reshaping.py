"""Capas que solo cambian la forma: Flatten (aplanar) y Reshape (reordenar en otra forma)."""

import numpy as np

from .layer import Layer
from .validation import CourseError


class Flatten(Layer):
    """Aplana cada ejemplo: x: (N, d1, d2, ...) -> y: (N, d1·d2·…). El eje del lote se conserva.

    Se usa entre la última capa convolucional o de pooling y la primera capa densa
    (``keras.layers.Flatten``). El orden es el de NumPy (por filas), el mismo que en Keras con NHWC.
    """

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def forward(self, x, training=False):
        """x: (N, ...) -> y: (N, producto de las demás dimensiones)."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_y):
        """∂L/∂y: (N, D) -> ∂L/∂x: la misma forma que x (aplanar no cambia los valores)."""
        grad_y = self._check_backward(grad_y)
        return grad_y.reshape(self._cache)


class Reshape(Layer):
    """Da a cada ejemplo la forma ``target_shape`` (sin el eje del lote), como ``keras.layers.Reshape``.

    x: (N, d1, d2, …) -> y: (N, *target_shape), con el mismo número de valores por ejemplo y el orden
    de NumPy (por filas). Un −1 en ``target_shape`` (uno como mucho) se deduce del resto.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            shape = tuple(int(n) for n in target_shape)
        except (TypeError, ValueError):
            shape = None
        if not shape or shape.count(-1) > 1 or any(n == 0 or n < -1 for n in shape):
            raise CourseError(
                "Reshape: target_shape debe ser una tupla de enteros positivos (sin el eje del lote), con un "
                f"−1 como mucho para la dimensión que se deduce, p. ej. (7, 7, 1) o (-1, 16); se recibió {target_shape!r}."
            )
        self.target_shape = shape

    def _resolved(self, input_shape):
        size = int(np.prod(input_shape))
        known = int(np.prod([n for n in self.target_shape if n != -1]))
        shape = tuple(size // known if n == -1 else n for n in self.target_shape)
        if int(np.prod(shape)) != size:
            raise CourseError(
                f"Reshape ('{self.name}'): cada ejemplo tiene {size} valores (forma {tuple(input_shape)}), que no "
                f"caben en la forma {self.target_shape}. El producto de target_shape debe ser {size}."
            )
        return shape

    def check_input_shape(self, input_shape):
        self._resolved(input_shape)

    def compute_output_shape(self, input_shape):
        return self._resolved(input_shape)

    def forward(self, x, training=False):
        """x: (N, ...) -> y: (N, *target_shape)."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return x.reshape((x.shape[0],) + self.output_shape)

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x: los mismos valores con la forma de x."""
        grad_y = self._check_backward(grad_y)
        return grad_y.reshape(self._cache)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}
