"""Convoluciones en profundidad (*depthwise*) y separables, las de MobileNet y Xception, como en Keras:
``DepthwiseConv2D`` / ``DepthwiseConv1D`` y ``SeparableConv2D`` / ``SeparableConv1D``.

Una ``Conv2D`` mezcla a la vez el espacio (la ventana kh × kw) y los canales (C entradas en F salidas):
kh·kw·C·F pesos. Las separables lo hacen en dos pasos mucho más baratos:

1. **en profundidad**: cada canal c se filtra por separado con sus propios ``depth_multiplier`` = M
   filtros kh × kw, sin mezclar canales: z[i, j, c·M + m] = Σ_{u, v} x[i·s + u, j·s + v, c]·K[u, v, c, m];
2. **punto a punto**: una convolución 1 × 1 (una Dense en cada píxel) mezcla los C·M canales en F.

Pesos: kh·kw·C·M + C·M·F en vez de kh·kw·C·F (con 3 × 3, 64 canales y 128 filtros: 8 768 frente a
73 728). La implementación reutiliza ``im2col``: con las ventanas en columnas (kh·kw, C, posiciones), el
paso en profundidad es un producto por canal (``einsum``), y el paso hacia atrás el mismo con los
papeles cambiados, más ``col2im``.
"""

import numpy as np

from . import activations, initializers, regularizers
from .convolution import (
    as_tuple,
    check_channels_last,
    check_fits,
    check_padding,
    col2im,
    effective_size,
    im2col,
    padding_amounts,
)
from .layer import Layer
from .validation import CourseError, check_positive_int


def depthwise_forward(cols, kernel):
    """cols: (kh·kw·C, P) de im2col y kernel: (kh, kw, C, M) -> z: (P, C·M), con z[p, c·M + m] =
    Σ_{u, v} cols[(u, v, c), p]·K[u, v, c, m] (cada canal con sus propios filtros)."""
    kh, kw, C, M = kernel.shape
    cols3 = cols.reshape(kh * kw, C, -1)
    return np.einsum("ucp,ucm->pcm", cols3, kernel.reshape(kh * kw, C, M), optimize=True).reshape(-1, C * M)


def depthwise_backward(cols, kernel, grad_z):
    """grad_z = ∂L/∂z: (P, C·M) -> (∂L/∂K (kh, kw, C, M), ∂L/∂cols (kh·kw·C, P)): los mismos productos por
    canal con los papeles cambiados."""
    kh, kw, C, M = kernel.shape
    cols3 = cols.reshape(kh * kw, C, -1)
    G3 = grad_z.reshape(-1, C, M)
    grad_kernel = np.einsum("ucp,pcm->ucm", cols3, G3, optimize=True).reshape(kernel.shape)
    grad_cols = np.einsum("ucm,pcm->ucp", kernel.reshape(kh * kw, C, M), G3, optimize=True).reshape(kh * kw * C, -1)
    return grad_kernel, grad_cols


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

    def _windows(self, x):
        """x: (N, …, C) -> cols (kh·kw·C, P) y la geometría (en la vista 2D)."""
        x4 = x if self.rank == 2 else x[:, None]
        return im2col(x4, self._as2d(self.kernel_size), self._as2d(self.strides), self.padding,
                      self._as2d(self.dilation_rate))

    def _to_image(self, z, geometry):
        """(P, canales) en el orden (Ho, Wo, N) de im2col -> (N, Ho, Wo, canales) (o (N, To, canales))."""
        N = geometry["input_shape"][0]
        Ho, Wo = geometry["output_hw"]
        image = np.ascontiguousarray(z.reshape(Ho, Wo, N, -1).transpose(2, 0, 1, 3))
        return image if self.rank == 2 else image[:, 0]

    def _to_matrix(self, grad):
        """La inversa de ``_to_image``: (N, Ho, Wo, canales) -> (P, canales)."""
        grad4 = grad if self.rank == 2 else grad[:, None]
        return grad4.transpose(1, 2, 0, 3).reshape(-1, grad4.shape[-1])

    def _to_input(self, grad_cols, geometry):
        grad_x = col2im(grad_cols, self._as2d(self.kernel_size), self._as2d(self.strides), geometry)
        return grad_x if self.rank == 2 else grad_x[:, 0]

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
        cols, geometry = self._windows(x)
        kernel = self.params["W"] if self.rank == 2 else self.params["W"][None]
        z = depthwise_forward(cols, kernel)
        if self.use_bias:
            z += self.params["b"]
        z = self._to_image(z, geometry)
        a = self.activation.forward(z)
        self._cache = (cols, geometry, z, a)
        return a

    def backward(self, grad_y):
        """∂L/∂a -> ∂L/∂x; rellena grads["W"] (por canal) y grads["b"]."""
        grad_a = self._check_backward(grad_y)
        cols, geometry, z, a = self._cache
        G = self._to_matrix(self.activation.backward(grad_a, z, a))
        kernel = self.params["W"] if self.rank == 2 else self.params["W"][None]
        grad_kernel, grad_cols = depthwise_backward(cols, kernel, G)
        self.grads["W"] = grad_kernel.reshape(self.params["W"].shape)
        if self.use_bias:
            self.grads["b"] = G.sum(axis=0)
        self._add_regularization_gradient()
        return self._to_input(grad_cols, geometry)

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
        cols, geometry = self._windows(x)
        depthwise = self.params["W_depthwise"] if self.rank == 2 else self.params["W_depthwise"][None]
        d = depthwise_forward(cols, depthwise)                           # (P, C·M)
        pointwise = self.params["W_pointwise"].reshape(-1, self.filters)
        z = d @ pointwise
        if self.use_bias:
            z += self.params["b"]
        z = self._to_image(z, geometry)
        a = self.activation.forward(z)
        self._cache = (cols, geometry, d, z, a)
        return a

    def backward(self, grad_y):
        """∂L/∂a -> ∂L/∂x; rellena grads["W_depthwise"], grads["W_pointwise"] y grads["b"]."""
        grad_a = self._check_backward(grad_y)
        cols, geometry, d, z, a = self._cache
        G = self._to_matrix(self.activation.backward(grad_a, z, a))      # (P, filters)
        pointwise = self.params["W_pointwise"].reshape(-1, self.filters)
        self.grads["W_pointwise"] = (d.T @ G).reshape(self.params["W_pointwise"].shape)
        if self.use_bias:
            self.grads["b"] = G.sum(axis=0)
        depthwise = self.params["W_depthwise"] if self.rank == 2 else self.params["W_depthwise"][None]
        grad_depthwise, grad_cols = depthwise_backward(cols, depthwise, G @ pointwise.T)
        self.grads["W_depthwise"] = grad_depthwise.reshape(self.params["W_depthwise"].shape)
        for key, regularizer in (("W_depthwise", self.depthwise_regularizer), ("W_pointwise", self.pointwise_regularizer)):
            if regularizer is not None:
                self.grads[key] += regularizer.gradient(self.params[key])
        return self._to_input(grad_cols, geometry)

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
