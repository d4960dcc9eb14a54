"""Dropout (desactivación aleatoria), en su versión «invertida» (la de Keras y PyTorch)."""

from . import config
from .layer import Layer
from .validation import check_number


class Dropout(Layer):
    """Durante el entrenamiento pone a 0 cada valor con probabilidad ``rate`` y escala el resto.

    Con una máscara aleatoria m (m = 1 con probabilidad 1 − rate, si no 0):

        entrenamiento:  y = x ⊙ m / (1 − rate)        inferencia (training=False):  y = x

    Dividir entre (1 − rate) mantiene el valor esperado de cada salida igual a x, así que en la
    inferencia la capa no hace nada. En el paso hacia atrás, ∂L/∂x = ∂L/∂y ⊙ m / (1 − rate).
    Las máscaras salen del generador del motor: ``set_seed`` las hace reproducibles.
    """

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_number(rate, "Dropout: rate (fracción de valores que se anulan)", low=0.0, high=1.0,
                                 high_inclusive=False)

    def forward(self, x, training=False):
        """x: (N, ...) -> y: (N, ...)."""
        x = self._prepare_input(x)
        if not training or self.rate == 0.0:
            self._cache = 1.0  # la capa es la identidad: ∂L/∂x = ∂L/∂y
            return x
        keep = config.rng().random(x.shape) >= self.rate
        scale = keep.astype(x.dtype) / (1.0 - self.rate)   # m / (1 − rate)
        self._cache = scale
        return x * scale

    def backward(self, grad_y):
        """∂L/∂y: (N, ...) -> ∂L/∂x = ∂L/∂y ⊙ m / (1 − rate) (o ∂L/∂y si fue una pasada de inferencia)."""
        grad_y = self._check_backward(grad_y)
        return grad_y * self._cache

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
