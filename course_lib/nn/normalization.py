"""Normalización por lotes (``BatchNormalization``) y por capa (``LayerNormalization``), como en Keras."""

import numpy as np

from . import initializers
from .layer import Layer
from .validation import CourseError, check_number


class BatchNormalization(Layer):
    """Normaliza cada característica (o cada canal) con la media y la varianza del lote.

    Para cada característica c (el último eje; en imágenes NHWC, cada canal, con la estadística
    calculada sobre el lote y todos los píxeles):

        x̂ = (x − μ) / √(σ² + ε),    y = γ·x̂ + β

    - En entrenamiento (``training=True``) μ y σ² son la media y la varianza (sin corregir, 1/m)
      del lote, y se actualizan las medias móviles:
      media_móvil ← momentum·media_móvil + (1 − momentum)·μ  (igual con la varianza).
    - En inferencia (``training=False``) se usan las medias móviles, así que la salida de un
      ejemplo no depende del resto del lote.

    Parámetros entrenables: ``params["gamma"]`` (escala, empieza en 1) y ``params["beta"]``
    (desplazamiento, empieza en 0), de forma (C,). Estado no entrenable, que hay que guardar con
    el modelo: ``state["moving_mean"]`` (empieza en 0) y ``state["moving_variance"]`` (empieza en 1).
    """

    def __init__(self, momentum=0.99, epsilon=1e-3, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.momentum = check_number(momentum, "BatchNormalization: momentum", low=0.0, high=1.0)
        self.epsilon = check_number(epsilon, "BatchNormalization: epsilon", low=0.0, low_inclusive=False)
        if axis != -1:
            raise CourseError(
                "BatchNormalization: este motor normaliza siempre el último eje (las características, o los "
                f"canales en imágenes NHWC), es decir, axis=-1; se recibió axis={axis!r}."
            )
        self.axis = -1

    def create_params(self, input_shape):
        channels = input_shape[-1]
        self.params["gamma"] = initializers.ones((channels,))
        self.params["beta"] = initializers.zeros((channels,))
        self.state["moving_mean"] = initializers.zeros((channels,))
        self.state["moving_variance"] = initializers.ones((channels,))

    def check_input_shape(self, input_shape):
        if self.built and input_shape[-1] != self.params["gamma"].shape[0]:
            raise CourseError(
                f"BatchNormalization esperaba entradas con {self.params['gamma'].shape[0]} características "
                f"(o canales) en el último eje, pero recibió {input_shape[-1]} (capa '{self.name}')."
            )

    def forward(self, x, training=False):
        """x: (N, C) o (N, H, W, C) -> y: la misma forma."""
        x = self._prepare_input(x)
        axes = tuple(range(x.ndim - 1))  # todos menos el de las características
        if training:
            mean = x.mean(axis=axes)
            variance = x.var(axis=axes)
            m = self.momentum
            self.state["moving_mean"] = m * self.state["moving_mean"] + (1 - m) * mean
            self.state["moving_variance"] = m * self.state["moving_variance"] + (1 - m) * variance
        else:
            mean, variance = self.state["moving_mean"], self.state["moving_variance"]
        inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        x_hat = (x - mean) * inv_std
        y = self.params["gamma"] * x_hat + self.params["beta"]
        self._cache = (x_hat, inv_std, training)
        return y.astype(x.dtype, copy=False)

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x, misma forma. Rellena grads["gamma"] y grads["beta"].

        ∂L/∂γ = Σ ∂L/∂y ⊙ x̂,  ∂L/∂β = Σ ∂L/∂y,  ∂L/∂x̂ = γ ⊙ ∂L/∂y (sumas sobre lote y píxeles). En
        entrenamiento μ y σ² dependen de x, y con m valores por característica queda
        ∂L/∂x = (1/√(σ²+ε)) · (∂L/∂x̂ − media(∂L/∂x̂) − x̂ ⊙ media(∂L/∂x̂ ⊙ x̂));
        en inferencia, simplemente ∂L/∂x = ∂L/∂x̂ / √(σ²+ε).
        """
        grad_y = self._check_backward(grad_y)
        x_hat, inv_std, training = self._cache
        axes = tuple(range(grad_y.ndim - 1))
        self.grads["gamma"] = np.sum(grad_y * x_hat, axis=axes)
        self.grads["beta"] = np.sum(grad_y, axis=axes)
        grad_x_hat = grad_y * self.params["gamma"]
        if not training:
            return grad_x_hat * inv_std
        return inv_std * (grad_x_hat - grad_x_hat.mean(axis=axes)
                          - x_hat * np.mean(grad_x_hat * x_hat, axis=axes))

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon, "axis": self.axis}


def _mean_last_axis(a, b=None):
    """media_d(a) o media_d(a ⊙ b) sobre el último eje, con ese eje de tamaño 1 (para restar o multiplicar).

    Con einsum: NumPy reduce el último eje fila a fila, y con filas cortas (64 números) es el doble de lento.
    """
    total = np.einsum("...d->...", a) if b is None else np.einsum("...d,...d->...", a, b)
    return (total / a.shape[-1])[..., None]


class LayerNormalization(Layer):
    """Normaliza cada ejemplo (cada posición de una secuencia) sobre sus características, como
    ``keras.layers.LayerNormalization``; es la normalización de los Transformers.

    Para cada vector x del último eje, con D componentes:

        μ = (1/D) Σ_d x_d,   σ² = (1/D) Σ_d (x_d − μ)²,   x̂ = (x − μ) / √(σ² + ε),   y = γ ⊙ x̂ + β

    A diferencia de BatchNormalization, no mezcla ejemplos del lote: se comporta igual en
    entrenamiento y en inferencia, y no tiene medias móviles. Parámetros ``gamma`` (empieza en 1)
    y ``beta`` (empieza en 0), de forma (D,).
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        if axis != -1:
            raise CourseError(
                f"LayerNormalization: este motor normaliza siempre el último eje (axis=-1); se recibió axis={axis!r}."
            )
        self.axis = -1
        self.epsilon = check_number(epsilon, "LayerNormalization: epsilon", low=0.0, low_inclusive=False)
        self.center = bool(center)
        self.scale = bool(scale)

    def create_params(self, input_shape):
        if self.scale:
            self.params["gamma"] = initializers.ones((input_shape[-1],))
        if self.center:
            self.params["beta"] = initializers.zeros((input_shape[-1],))

    def check_input_shape(self, input_shape):
        size = next(iter(self.params.values())).shape[0] if self.built and self.params else None
        if size is not None and input_shape[-1] != size:
            raise CourseError(
                f"LayerNormalization ('{self.name}') esperaba {size} características en el último eje, pero "
                f"recibió {input_shape[-1]} (forma {self._received(input_shape)})."
            )

    def forward(self, x, training=False):
        """x: (N, ..., D) -> y: la misma forma."""
        x = self._prepare_input(x)
        mean = _mean_last_axis(x)
        x_hat = x - mean
        inv_std = 1.0 / np.sqrt(_mean_last_axis(x_hat, x_hat) + self.epsilon)
        x_hat *= inv_std
        y = x_hat * self.params["gamma"] if self.scale else x_hat.copy()
        if self.center:
            y += self.params["beta"]
        self._cache = (x_hat, inv_std)
        return y

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x, misma forma. Rellena grads["gamma"] y grads["beta"].

        ∂L/∂γ = Σ ∂L/∂y ⊙ x̂,  ∂L/∂β = Σ ∂L/∂y (sumas sobre todo salvo el último eje),  ∂L/∂x̂ = γ ⊙ ∂L/∂y,
        ∂L/∂x = (1/√(σ²+ε)) · (∂L/∂x̂ − media_d(∂L/∂x̂) − x̂ ⊙ media_d(∂L/∂x̂ ⊙ x̂))  (medias sobre el último eje).
        """
        grad_y = self._check_backward(grad_y)
        x_hat, inv_std = self._cache
        D = grad_y.shape[-1]
        if self.scale:
            self.grads["gamma"] = np.einsum("nd,nd->d", grad_y.reshape(-1, D), x_hat.reshape(-1, D))
        if self.center:
            self.grads["beta"] = grad_y.reshape(-1, D).sum(axis=0)
        grad_x_hat = grad_y * self.params["gamma"] if self.scale else grad_y
        grad_x = grad_x_hat - _mean_last_axis(grad_x_hat)
        grad_x -= x_hat * _mean_last_axis(grad_x_hat, x_hat)
        grad_x *= inv_std
        return grad_x

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale}
