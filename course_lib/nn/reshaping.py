"""Capa de aplanado (flatten): convierte los mapas de características de cada ejemplo en un vector."""

import numpy as np

from .layer import Layer


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
