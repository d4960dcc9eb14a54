"""Convoluciones en profundidad (*depthwise*) y separables, las de MobileNet y Xception, como en Keras:
``DepthwiseConv2D`` / ``DepthwiseConv1D`` y ``SeparableConv2D`` / ``SeparableConv1D``.

Una ``Conv2D`` mezcla a la vez el espacio (la ventana kh × kw) y los canales (C entradas en F salidas):
kh·kw·C·F pesos. Las separables lo hacen en dos pasos mucho más baratos:

1. **en profundidad**: cada canal c se filtra por separado con sus propios ``depth_multiplier`` = M
   filtros kh × kw, sin mezclar canales: z[i, j, c·M + m] = Σ_{u, v} x[i·s + u, j·s + v, c]·K[u, v, c, m];
2. **punto a punto**: una convolución 1 × 1 (una Dense en cada píxel) mezcla los C·M canales en F.

Pesos: kh·kw·C·M + C·M·F en vez de kh·kw·C·F (con 3 × 3, 64 canales y 128 filtros: 8 768 frente a
73 728). Como cada canal va por su lado, no hace falta ``im2col``: el paso en profundidad es una suma
sobre los kh·kw desplazamientos del filtro de (trozo de la imagen) ⊙ (pesos de ese desplazamiento), y
el paso hacia atrás, el mismo recorrido devolviendo cada gradiente a su trozo.
"""

import numpy as np

from . import activations, initializers, regularizers
from .convolution import as_tuple, check_channels_last, check_fits, check_padding, effective_size, padding_amounts
from .layer import Layer
from .validation import CourseError, check_positive_int


def _offsets(kernel_size, strides, dilation, output_hw):
    """Para cada desplazamiento (u, v) del filtro, la rebanada de la imagen rellenada que le toca."""
    (kh, kw), (sh, sw), (dh, dw), (Ho, Wo) = kernel_size, strides, dilation, output_hw
    for u in range(kh):
        for v in range(kw):
            yield u, v, (slice(None), slice(u * dh, u * dh + sh * (Ho - 1) + 1, sh),
                         slice(v * dw, v * dw + sw * (Wo - 1) + 1, sw))


def depthwise_forward(padded, kernel, strides, dilation, output_hw):
    """padded: (N, Hp, Wp, C) ya rellenada, kernel: (kh, kw, C, M) -> z: (N, Ho, Wo, C·M), con
    z[n, i, j, c·M + m] = Σ_{u, v} padded[n, i·s + u·d, j·s + v·d, c]·K[u, v, c, m]: cada canal con sus filtros."""
    kh, kw, C, M = kernel.shape
    N, Ho, Wo = padded.shape[0], *output_hw
    z = np.zeros((N, Ho, Wo, C, M), dtype=padded.dtype)
    flat = z[..., 0] if M == 1 else None          # con M = 1 (lo habitual), sin el eje de más
    for u, v, window in _offsets((kh, kw), strides, dilation, output_hw):   # kh·kw pasos, no uno por píxel
        if flat is not None:
            flat += padded[window] * kernel[u, v, :, 0]
        else:
            z += padded[window][..., None] * kernel[u, v]
    return z.reshape(N, Ho, Wo, C * M)


def depthwise_backward(padded, kernel, grad_z, strides, dilation):
    """grad_z = ∂L/∂z: (N, Ho, Wo, C·M) -> (∂L/∂K (kh, kw, C, M), ∂L/∂padded (N, Hp, Wp, C)): el mismo
    recorrido; ∂L/∂K[u, v] = Σ_{n, i, j} trozo ⊙ ∂L/∂z y cada trozo recibe Σ_m ∂L/∂z·K[u, v, :, m]."""
    kh, kw, C, M = kernel.shape
    N, Ho, Wo, _ = grad_z.shape
    G = grad_z.reshape(N, Ho, Wo, C, M)
    grad_kernel = np.empty_like(kernel)
    grad_padded = np.zeros_like(padded)
    for u, v, window in _offsets((kh, kw), strides, dilation, (Ho, Wo)):
        if M == 1:
            grad_kernel[u, v, :, 0] = np.einsum("nijc,nijc->c", padded[window], G[..., 0])
            grad_padded[window] += G[..., 0] * kernel[u, v, :, 0]
        else:
            grad_kernel[u, v] = np.einsum("nijc,nijcm->cm", padded[window], G)
            grad_padded[window] += np.einsum("nijcm,cm->nijc", G, kernel[u, v])
    return grad_kernel, grad_padded


class _DepthwiseBase(Layer):
    """Lo común: la ventana (kernel_size, strides, padding, dilation_rate), el multiplicador y las formas.
    La versión 1D es la 2D con alto 1, como en ``Conv1D``."""

    rank = 2

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        check_channels_last(data_format, who)
        self.kernel_size = as_tuple(kernel_size, self.rank, "kernel_size", who)
        self.strides = as_tuple(strides, self.rank, "strides", who)
        self.dilation_rate = as_tuple(dilation_rate, self.rank, "dilation_rate", who)
        self.padding = check_padding(padding, who)
        self.depth_multiplier = check_positive_int(depth_multiplier, f"{who}: depth_multiplier")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)

    def _as2d(self, values):
        return tuple(values) if self.rank == 2 else (1,) + tuple(values)

    def keras_weight_name(self, key):
        """El nombre de Keras de cada peso: ``kernel`` y ``bias`` en DepthwiseConv2D (Keras 3 llama así a su
        núcleo en profundidad); ``depthwise_kernel``, ``pointwise_kernel`` y ``bias`` en SeparableConv2D."""
        return {"W": "kernel", "W_depthwise": "depthwise_kernel", "W_pointwise": "pointwise_kernel", "b": "bias"}[key]

    def _channels(self):
        return self.params["W_depthwise" if "W_depthwise" in self.params else "W"].shape[-2]

    def check_input_shape(self, input_shape):
        who = type(self).__name__
        if len(input_shape) != self.rank + 1:
            what = ("imágenes de forma (N, alto, ancho, canales)" if self.rank == 2
                    else "secuencias de forma (N, pasos, canales)")
            raise CourseError(f"{who} esperaba un lote de {what}, pero recibió un array de forma "
                              f"{self._received(input_shape)}.")
        if self.built and input_shape[-1] != self._channels():
            raise CourseError(f"{who} ('{self.name}') esperaba {self._channels()} canales, pero recibió {input_shape[-1]}.")
        check_fits(self._as2d(input_shape[:-1]), self._as2d(self.kernel_size), self._as2d(self.strides), self.padding,
                   f"{who} ('{self.name}')", self._as2d(self.dilation_rate))

    def _spatial_output(self, input_shape):
        return tuple(None if n is None else padding_amounts(n, effective_size(k, d), s, self.padding)[2]
                     for n, k, s, d in zip(input_shape[:-1], self.kernel_size, self.strides, self.dilation_rate))

    def _pad(self, x):
        """x: (N, …, C) -> la imagen rellenada (N, Hp, Wp, C) de la vista 2D y la geometría."""
        x4 = x if self.rank == 2 else x[:, None]
        N, H, W, C = x4.shape
        (kh, kw), (sh, sw), (dh, dw) = self._as2d(self.kernel_size), self._as2d(self.strides), self._as2d(self.dilation_rate)
        top, bottom, Ho = padding_amounts(H, effective_size(kh, dh), sh, self.padding)
        left, right, Wo = padding_amounts(W, effective_size(kw, dw), sw, self.padding)
        padded = np.pad(x4, ((0, 0), (top, bottom), (left, right), (0, 0))) if top + bottom + left + right else x4
        return padded, (top, left, H, W, Ho, Wo)

    def _depthwise(self, padded, kernel, geometry):
        """El paso en profundidad en la vista 2D: (N, Ho, Wo, C·M)."""
        kernel = kernel if self.rank == 2 else kernel[None]
        return depthwise_forward(padded, kernel, self._as2d(self.strides), self._as2d(self.dilation_rate), geometry[4:])

    def _depthwise_backward(self, padded, kernel, grad_z, geometry):
        """∂L/∂z (N, Ho, Wo, C·M) -> (∂L/∂núcleo con su forma, ∂L/∂x con la forma de x)."""
        kernel4 = kernel if self.rank == 2 else kernel[None]
        grad_kernel, grad_padded = depthwise_backward(padded, kernel4, grad_z, self._as2d(self.strides),
                                                      self._as2d(self.dilation_rate))
        top, left, H, W = geometry[:4]
        grad_x = np.ascontiguousarray(grad_padded[:, top:top + H, left:left + W])
        return grad_kernel.reshape(kernel.shape), (grad_x if self.rank == 2 else grad_x[:, 0])

    def _view(self, z):
        """De la vista 2D a la forma de la capa: (N, Ho, Wo, F) o, en 1D, (N, To, F)."""
        return z if self.rank == 2 else z[:, 0]

    def _view2d(self, grad):
        return grad if self.rank == 2 else grad[:, None]

    def get_config(self):
        return {**super().get_config(), "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding, "depth_multiplier": self.depth_multiplier,
                "dilation_rate": list(self.dilation_rate), "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias}


class DepthwiseConv2D(_DepthwiseBase):
    """Convolución en profundidad, como ``keras.layers.DepthwiseConv2D``: cada canal con sus propios
    ``depth_multiplier`` filtros, sin mezclar canales.

    x: (N, H, W, C) -> a: (N, Ho, Wo, C·M), z[…, c·M + m] = Σ_{u, v} x[i·s + u, j·s + v, c]·W[u, v, c, m] + b,
    a = f(z). W de forma (kh, kw, C, M) y b de forma (C·M,), como Keras.
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, **kwargs)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(depthwise_regularizer)

    def create_params(self, input_shape):
        C, M = input_shape[-1], self.depth_multiplier
        self.params["W"] = self.depthwise_initializer((*self.kernel_size, C, M))
        if self.use_bias:
            self.params["b"] = self.bias_initializer((C * M,))

    def compute_output_shape(self, input_shape):
        return self._spatial_output(input_shape) + (input_shape[-1] * self.depth_multiplier,)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> a: (N, Ho, Wo, C·M)."""
        x = self._prepare_input(x)
        padded, geometry = self._pad(x)
        z = self._depthwise(padded, self.params["W"], geometry)
        if self.use_bias:
            z += self.params["b"]
        z = self._view(z)
        a = self.activation.forward(z)
        self._cache = (padded, geometry, z, a)
        return a

    def backward(self, grad_y):
        """∂L/∂a -> ∂L/∂x; rellena grads["W"] (por canal) y grads["b"]."""
        grad_a = self._check_backward(grad_y)
        padded, geometry, z, a = self._cache
        grad_z = self._view2d(self.activation.backward(grad_a, z, a))
        self.grads["W"], grad_x = self._depthwise_backward(padded, self.params["W"], grad_z, geometry)
        if self.use_bias:
            self.grads["b"] = grad_z.sum(axis=(0, 1, 2))
        self._add_regularization_gradient()
        return grad_x

    def get_config(self):
        return {**super().get_config(),
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer)}


class DepthwiseConv1D(DepthwiseConv2D):
    """Convolución en profundidad sobre secuencias, como ``keras.layers.DepthwiseConv1D``:
    x: (N, T, C) -> (N, To, C·M); W de forma (k, C, M)."""

    rank = 1


class SeparableConv2D(_DepthwiseBase):
    """Convolución separable, como ``keras.layers.SeparableConv2D`` (Xception, MobileNet): una convolución en
    profundidad seguida de una 1 × 1 que mezcla los canales.

        d = en_profundidad(x, W_depthwise)            (N, Ho, Wo, C·M)
        z = d·W_pointwise + b,   a = f(z)             (N, Ho, Wo, filters)

    Pesos como Keras: ``W_depthwise`` (kh, kw, C, M), ``W_pointwise`` (1, 1, C·M, filters) y ``b`` (filters,).
    Hacia atrás: ∂L/∂W_pointwise = dᵀ·∂L/∂z, ∂L/∂d = ∂L/∂z·W_pointwiseᵀ y el paso en profundidad.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, **kwargs)
        self.filters = check_positive_int(filters, f"{type(self).__name__}: filters (número de filtros)")
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)

    def create_params(self, input_shape):
        C, M = input_shape[-1], self.depth_multiplier
        self.params["W_depthwise"] = self.depthwise_initializer((*self.kernel_size, C, M))
        self.params["W_pointwise"] = self.pointwise_initializer((1,) * self.rank + (C * M, self.filters))
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.filters,))

    def compute_output_shape(self, input_shape):
        return self._spatial_output(input_shape) + (self.filters,)

    def regularization_loss(self):
        """Penalización de los dos núcleos (``depthwise_regularizer`` y ``pointwise_regularizer``)."""
        total = 0.0
        for key, regularizer in (("W_depthwise", self.depthwise_regularizer), ("W_pointwise", self.pointwise_regularizer)):
            if regularizer is not None:
                total += float(regularizer(self.params[key]))
        return total

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> a: (N, Ho, Wo, filters)."""
        x = self._prepare_input(x)
        padded, geometry = self._pad(x)
        d = self._depthwise(padded, self.params["W_depthwise"], geometry)          # (N, Ho, Wo, C·M)
        z = d @ self.params["W_pointwise"].reshape(-1, self.filters)                # 1 × 1: una Dense por píxel
        if self.use_bias:
            z += self.params["b"]
        z = self._view(z)
        a = self.activation.forward(z)
        self._cache = (padded, geometry, d, z, a)
        return a

    def backward(self, grad_y):
        """∂L/∂a -> ∂L/∂x; rellena grads["W_depthwise"], grads["W_pointwise"] y grads["b"]."""
        grad_a = self._check_backward(grad_y)
        padded, geometry, d, z, a = self._cache
        G = self._view2d(self.activation.backward(grad_a, z, a))                   # (N, Ho, Wo, filters)
        pointwise = self.params["W_pointwise"].reshape(-1, self.filters)
        self.grads["W_pointwise"] = (d.reshape(-1, d.shape[-1]).T @ G.reshape(-1, self.filters)).reshape(
            self.params["W_pointwise"].shape)
        if self.use_bias:
            self.grads["b"] = G.sum(axis=(0, 1, 2))
        self.grads["W_depthwise"], grad_x = self._depthwise_backward(padded, self.params["W_depthwise"],
                                                                     G @ pointwise.T, geometry)
        for key, regularizer in (("W_depthwise", self.depthwise_regularizer), ("W_pointwise", self.pointwise_regularizer)):
            if regularizer is not None:
                self.grads[key] += regularizer.gradient(self.params[key])
        return grad_x

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer)}


class SeparableConv1D(SeparableConv2D):
    """Convolución separable sobre secuencias, como ``keras.layers.SeparableConv1D``: x: (N, T, C) -> (N, To,
    filters); W_depthwise (k, C, M) y W_pointwise (1, C·M, filters)."""

    rank = 1
