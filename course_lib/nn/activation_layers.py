"""Activaciones como capas con nombre propio, como en Keras: ``ReLU``, ``LeakyReLU``, ``ELU``, ``Softmax``
y ``PReLU`` (la única con parámetros: la pendiente de la parte negativa se aprende).

Las cuatro primeras son la capa :class:`Activation` con la función de ``activations.py`` y los argumentos
(y valores por defecto) de la capa de Keras: ``ReLU()`` es ``Activation("relu")``; ``LeakyReLU()`` usa
la pendiente 0,3 de la capa de Keras (la función ``"leaky_relu"`` del curso usa 0,01, la de los apuntes).
"""

import numpy as np

from . import activations, initializers, regularizers
from .activations import Activation
from .validation import CourseError, check_number


class ReLU(Activation):
    """Capa ReLU, como ``keras.layers.ReLU``: f(z) = max(0, z) con los valores por defecto.

    Con argumentos: f(z) = ``max_value`` si z ≥ max_value; z si ``threshold`` ≤ z < max_value;
    ``negative_slope``·(z − threshold) si z < threshold (``ReLU(max_value=6)`` es la ReLU6 de MobileNet).
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(activations.ReLU(negative_slope=negative_slope, max_value=max_value, threshold=threshold),
                         **kwargs)

    def get_config(self):
        f = self.activation
        config_ = super().get_config()
        del config_["activation"]
        return {**config_, "max_value": f.max_value, "negative_slope": f.negative_slope, "threshold": f.threshold}


class LeakyReLU(Activation):
    """Capa Leaky ReLU, como ``keras.layers.LeakyReLU``: f(z) = z si z > 0 y α·z si no, con
    α = ``negative_slope`` = 0,3 por defecto (el de Keras). ``alpha=`` es el nombre antiguo (Keras 2)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(activations.LeakyReLU(alpha=negative_slope), **kwargs)

    def get_config(self):
        config_ = super().get_config()
        del config_["activation"]
        return {**config_, "negative_slope": self.activation.alpha}


class ELU(Activation):
    """Capa ELU, como ``keras.layers.ELU``: f(z) = z si z > 0 y α(e^z − 1) si no (α = 1 por defecto)."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(activations.ELU(alpha=alpha), **kwargs)

    def get_config(self):
        config_ = super().get_config()
        del config_["activation"]
        return {**config_, "alpha": self.activation.alpha}


class Softmax(Activation):
    """Capa softmax, como ``keras.layers.Softmax``: a = e^z / Σ e^z a lo largo de ``axis`` (el último por
    defecto). Útil para sacar probabilidades de un modelo entrenado con ``from_logits=True``."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(activations.Softmax(axis=axis), **kwargs)

    def check_input_shape(self, input_shape):
        axis = self.activation.axis
        if not -(len(input_shape) + 1) <= axis <= len(input_shape) or axis in (0, -(len(input_shape) + 1)):
            raise CourseError(
                f"Softmax ('{self.name}'): axis={axis} no es un eje de los ejemplos (forma "
                f"{self._received(input_shape)}; el eje 0 es el del lote). Usa axis=-1 para el último."
            )

    def get_config(self):
        config_ = super().get_config()
        del config_["activation"]
        return {**config_, "axis": self.activation.axis}


class PReLU(Activation):
    """ReLU paramétrica (He et al., 2015), como ``keras.layers.PReLU``: f(z) = z si z > 0 y α·z si no,
    con α **aprendida**, una por posición de la entrada (``params["alpha"]``, de forma la de un ejemplo).

    ``shared_axes`` comparte α a lo largo de esos ejes (contados con el lote como eje 0): con imágenes
    (N, H, W, C), ``shared_axes=[1, 2]`` deja una α por canal. α empieza en 0 (``alpha_initializer``).

    Hacia atrás: ∂L/∂z = ∂L/∂a si z > 0 y α·∂L/∂a si no;  ∂L/∂α = Σ ∂L/∂a·min(z, 0) (sumando sobre el
    lote y los ejes compartidos).
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, shared_axes=None, **kwargs):
        super().__init__("linear", **kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        if shared_axes is None:
            shared = []
        else:
            shared = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
        if any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) or a < 1 for a in shared):
            raise CourseError(
                "PReLU: shared_axes debe ser una lista de ejes (enteros ≥ 1, el 0 es el lote), p. ej. [1, 2] con "
                f"imágenes; se recibió {shared_axes!r}."
            )
        self.shared_axes = sorted(int(a) for a in shared)

    def check_input_shape(self, input_shape):
        if self.shared_axes and self.shared_axes[-1] > len(input_shape):
            raise CourseError(
                f"PReLU ('{self.name}'): shared_axes={self.shared_axes} no cabe en entradas de forma "
                f"{self._received(input_shape)}."
            )
        if self.built:
            expected = self._alpha_shape(input_shape)
            if expected != self.params["alpha"].shape:
                raise CourseError(
                    f"PReLU ('{self.name}') se construyó para ejemplos de otra forma: α tiene forma "
                    f"{self.params['alpha'].shape} y la entrada es {self._received(input_shape)}."
                )

    def _alpha_shape(self, input_shape):
        return tuple(1 if i + 1 in self.shared_axes else n for i, n in enumerate(input_shape))

    def create_params(self, input_shape):
        self.params["alpha"] = self.alpha_initializer(self._alpha_shape(input_shape))

    def regularization_loss(self):
        return 0.0 if self.alpha_regularizer is None else float(self.alpha_regularizer(self.params["alpha"]))

    def forward(self, x, training=False):
        """x: (N, ...) -> a = max(x, 0) + α·min(x, 0): (N, ...)."""
        x = self._prepare_input(x)
        negative = np.minimum(x, 0)
        self._cache = negative
        return np.maximum(x, 0) + self.params["alpha"] * negative

    def backward(self, grad_y):
        """∂L/∂a -> ∂L/∂x; rellena grads["alpha"] = Σ ∂L/∂a·min(x, 0) sobre el lote y los ejes compartidos."""
        grad_y = self._check_backward(grad_y)
        negative = self._cache
        alpha = self.params["alpha"]
        summed_axes = (0,) + tuple(self.shared_axes)
        self.grads["alpha"] = (grad_y * negative).sum(axis=summed_axes, keepdims=True)[0]
        if self.alpha_regularizer is not None:
            self.grads["alpha"] += self.alpha_regularizer.gradient(alpha)
        return grad_y * np.where(negative < 0, alpha, 1.0).astype(grad_y.dtype, copy=False)

    def get_config(self):
        config_ = super().get_config()
        del config_["activation"]
        return {**config_, "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "shared_axes": self.shared_axes or None}
