"""Dropout (desactivación aleatoria), en su versión «invertida» (la de Keras y PyTorch), y sus parientes:
``SpatialDropout1D``/``2D`` (canales enteros), ``GaussianNoise`` (ruido aditivo) y ``GaussianDropout``
(ruido multiplicativo). Todas actúan solo en entrenamiento (``training=True``)."""

import numpy as np

from . import config
from .layer import Layer
from .validation import CourseError, check_number


class Dropout(Layer):
    """Durante el entrenamiento pone a 0 cada valor con probabilidad ``rate`` y escala el resto.

    Con una máscara aleatoria m (m = 1 con probabilidad 1 − rate, si no 0):

        entrenamiento:  y = x ⊙ m / (1 − rate)        inferencia (training=False):  y = x

    Dividir entre (1 − rate) mantiene el valor esperado de cada salida igual a x, así que en la
    inferencia la capa no hace nada. En el paso hacia atrás, ∂L/∂x = ∂L/∂y ⊙ m / (1 − rate).
    Las máscaras salen del generador del motor: ``set_seed`` las hace reproducibles (o de ``seed=``).
    ``noise_shape`` (como Keras) da la forma de la máscara: (None, 1, None) repite la misma en todos los pasos.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_number(rate, "Dropout: rate (fracción de valores que se anulan)", low=0.0, high=1.0,
                                 high_inclusive=False)
        if noise_shape is not None:
            try:
                noise_shape = tuple(None if n is None else int(n) for n in noise_shape)
            except (TypeError, ValueError):
                raise CourseError(
                    f"Dropout: noise_shape debe ser una tupla con la forma de la máscara (con el lote), p. ej. "
                    f"(None, 1, 64); se recibió {noise_shape!r}."
                ) from None
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def _mask_shape(self, shape):
        """La forma de la máscara: la de x, o ``noise_shape`` (None = el tamaño de ese eje en x; 1 = la misma
        máscara a lo largo de ese eje, como SpatialDropout)."""
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise CourseError(
                f"Dropout ('{self.name}'): noise_shape={self.noise_shape} tiene {len(self.noise_shape)} ejes y la "
                f"entrada {len(shape)} (forma {shape})."
            )
        return tuple(n if m is None else m for m, n in zip(self.noise_shape, shape))

    def forward(self, x, training=False):
        """x: (N, ...) -> y: (N, ...)."""
        x = self._prepare_input(x)
        if not training or self.rate == 0.0:
            self._cache = 1.0  # la capa es la identidad: ∂L/∂x = ∂L/∂y
            return x
        rng = self._rng if self._rng is not None else config.rng()
        keep = rng.random(self._mask_shape(x.shape)) >= self.rate
        scale = keep.astype(x.dtype) / (1.0 - self.rate)   # m / (1 − rate)
        self._cache = scale
        return x * scale

    def backward(self, grad_y):
        """∂L/∂y: (N, ...) -> ∂L/∂x = ∂L/∂y ⊙ m / (1 − rate) (o ∂L/∂y si fue una pasada de inferencia)."""
        grad_y = self._check_backward(grad_y)
        return grad_y * self._cache

    def get_config(self):
        config_ = {**super().get_config(), "rate": self.rate}
        if self.noise_shape is not None:
            config_["noise_shape"] = list(self.noise_shape)
        if self.seed is not None:
            config_["seed"] = self.seed
        return config_


class SpatialDropout1D(Dropout):
    """Dropout de canales enteros en secuencias, como ``keras.layers.SpatialDropout1D``: en entrenamiento,
    cada canal de cada ejemplo se anula **en todos los pasos a la vez** con probabilidad ``rate``.

    x: (N, T, C); máscara m de forma (N, 1, C): y = x ⊙ m / (1 − rate). Tras una Conv1D los pasos vecinos
    están muy correlacionados, y anular valores sueltos apenas regulariza; anular el canal entero sí.
    """

    #: Los ejes (sin el lote) en que la máscara se repite.
    shared_axes = (1,)

    def check_input_shape(self, input_shape):
        if len(input_shape) != len(self.shared_axes) + 1:
            what = "secuencias (N, pasos, canales)" if len(self.shared_axes) == 1 else "imágenes (N, alto, ancho, canales)"
            raise CourseError(
                f"{type(self).__name__} esperaba {what}, pero recibió un array de forma {self._received(input_shape)}."
            )

    def _mask_shape(self, shape):
        """Una máscara por ejemplo y canal: (N, 1, C) o (N, 1, 1, C)."""
        return tuple(1 if axis in self.shared_axes else n for axis, n in enumerate(shape))


class SpatialDropout2D(SpatialDropout1D):
    """Dropout de canales enteros en imágenes, como ``keras.layers.SpatialDropout2D``: cada mapa de
    características (N, H, W, c) se anula entero con probabilidad ``rate``; máscara de forma (N, 1, 1, C)."""

    shared_axes = (1, 2)


class GaussianNoise(Layer):
    """Suma ruido normal en entrenamiento, como ``keras.layers.GaussianNoise``: y = x + ε, ε ~ N(0, stddev²).

    En inferencia no hace nada. Es una forma de aumento de datos (y de regularización); ∂L/∂x = ∂L/∂y.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = check_number(stddev, "GaussianNoise: stddev", low=0.0)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def forward(self, x, training=False):
        """x: (N, ...) -> x + ε en entrenamiento, x en inferencia."""
        x = self._prepare_input(x)
        self._cache = True
        if not training or self.stddev == 0.0:
            return x
        rng = self._rng or config.rng()
        return x + rng.normal(0.0, self.stddev, size=x.shape).astype(x.dtype)

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x = ∂L/∂y (sumar ruido no cambia la derivada)."""
        return self._check_backward(grad_y)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Dropout multiplicativo con ruido normal, como ``keras.layers.GaussianDropout``: en entrenamiento,
    y = x ⊙ m con m ~ N(1, rate/(1 − rate)) (la misma media y varianza que la máscara de Dropout); en
    inferencia, y = x. Hacia atrás, ∂L/∂x = ∂L/∂y ⊙ m."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_number(rate, "GaussianDropout: rate", low=0.0, high=1.0, high_inclusive=False)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def forward(self, x, training=False):
        """x: (N, ...) -> x ⊙ m en entrenamiento, x en inferencia."""
        x = self._prepare_input(x)
        if not training or self.rate == 0.0:
            self._cache = 1.0
            return x
        rng = self._rng or config.rng()
        self._cache = rng.normal(1.0, np.sqrt(self.rate / (1.0 - self.rate)), size=x.shape).astype(x.dtype)
        return x * self._cache

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x = ∂L/∂y ⊙ m."""
        grad_y = self._check_backward(grad_y)
        return grad_y * self._cache

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
