"""Convolución traspuesta (``Conv2DTranspose``, ``Conv1DTranspose``): la que agranda los mapas de
características en los decodificadores, los autocodificadores y los generadores de las GAN.

Es la convolución «al revés»: cada píxel de la entrada x[i, j, :] reparte su valor por una ventana
kh × kw de la salida, pesado por el filtro, y las ventanas (con paso s) se solapan y se suman:

    y_completa[i·s + u·d, j·s + v·d, f] += Σ_c x[i, j, c] · K[u, v, f, c]

que es exactamente el paso hacia atrás de una convolución respecto de su entrada (por eso se llama
traspuesta: si la convolución es y = A·x, esta es y = Aᵀ·x). Con paso s la salida es unas s veces más
grande que la entrada. El núcleo tiene la forma de Keras, (kh, kw, filters, canales_entrada): los dos
últimos ejes, al revés que en Conv2D.

Tamaño de la salida (como Keras, con k_ef = (k − 1)·d + 1 el tamaño efectivo del filtro):
- ``"valid"``: (n − 1)·s + max(k_ef, s) (toda la y_completa, más ceros si s > k_ef);
- ``"same"``: n·s (se recorta y_completa, un poco más por delante si sobra un número impar);
- con ``output_padding=p``: (n − 1)·s + k_ef + p en "valid" y (n − 1)·s + k_ef mod 2 + p en "same".

La implementación reutiliza las piezas de la convolución: hacia delante, un producto de matrices y
``col2im`` (que suma cada ventana en su sitio); hacia atrás, ``im2col`` sobre el gradiente de la salida y
dos productos de matrices: la convolución traspuesta de una convolución traspuesta es la convolución.
"""

import numpy as np

from . import activations, initializers, regularizers
from .convolution import (
    as_tuple,
    check_channels_last,
    check_padding,
    col2im,
    effective_size,
    gather_windows,
)
from .layer import Layer
from .validation import CourseError, check_positive_int


def transposed_geometry(n, k, s, d, padding, output_padding=None):
    """Para un eje de tamaño n: (recorte por delante, tamaño de la salida) de la convolución traspuesta.

    La y_completa mide (n − 1)·s + k_ef; Keras (como JAX) la recorta por delante k_ef − 1 − antes y por
    detrás k_ef − 1 − después, donde (antes, después) es el relleno de la convolución equivalente; un
    recorte negativo por detrás añade ceros.
    """
    if n is None:                 # eje de tamaño variable: se sabrá con los datos
        return 0, None
    k_eff = effective_size(k, d)
    if padding == "valid":
        if output_padding is None:
            output_padding = max(k_eff, s) - k_eff
        before, after = k_eff - 1, k_eff - 1 + output_padding
    else:
        total = s + k_eff - 2 if output_padding is None else k_eff + k_eff % 2 - 2 + output_padding
        before = min(total // 2 + total % 2, k_eff - 1)
        after = total - before
    crop_front = k_eff - 1 - before
    length = (n - 1) * s + k_eff - crop_front - (k_eff - 1 - after)
    return crop_front, length


class _ConvTranspose(Layer):
    """Lo común a Conv1DTranspose y Conv2DTranspose (la 1D es la 2D con alto 1, como en Conv1D)."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        check_channels_last(data_format, who)
        self.filters = check_positive_int(filters, f"{who}: filters (número de filtros)")
        self.kernel_size = as_tuple(kernel_size, self.rank, "kernel_size", who)
        self.strides = as_tuple(strides, self.rank, "strides", who)
        self.dilation_rate = as_tuple(dilation_rate, self.rank, "dilation_rate", who)
        self.padding = check_padding(padding, who)
        if output_padding is None:
            self.output_padding = None
        else:
            if self.rank == 1 and not isinstance(output_padding, (tuple, list)):
                output_padding = (output_padding,)
            elif isinstance(output_padding, (int, np.integer)):
                output_padding = (output_padding,) * self.rank
            try:
                self.output_padding = tuple(check_positive_int(p, f"{who}: output_padding", minimum=0)
                                            for p in output_padding)
            except TypeError:
                self.output_padding = ()
            if len(self.output_padding) != self.rank or any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise CourseError(
                    f"{who}: output_padding debe ser un entero (o {self.rank} enteros) ≥ 0 y menor que strides "
                    f"{self.strides}; se recibió {output_padding!r}."
                )
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)

    @property
    def W(self):
        return self.params["W"]

    @property
    def b(self):
        return self.params["b"]

    def _as2d(self, values, fill=1):
        return tuple(values) if self.rank == 2 else (fill,) + tuple(values)

    def _geometry(self, spatial):
        """[(recorte, tamaño de salida)] por eje de la vista 2D."""
        output_padding = self.output_padding or (None,) * self.rank
        kernel, strides = self._as2d(self.kernel_size), self._as2d(self.strides)
        dilation, extra = self._as2d(self.dilation_rate), self._as2d(output_padding, fill=None)
        if self.rank == 1:      # el eje de alto 1 de la vista 2D: sin recorte ni relleno
            return [(0, 1), transposed_geometry(spatial[-1], kernel[1], strides[1], dilation[1], self.padding, extra[1])]
        return [transposed_geometry(n, k, s, d, self.padding, p)
                for n, k, s, d, p in zip(spatial, kernel, strides, dilation, extra)]

    def check_input_shape(self, input_shape):
        who = type(self).__name__
        if len(input_shape) != self.rank + 1:
            what = ("imágenes o mapas de forma (N, alto, ancho, canales)" if self.rank == 2
                    else "secuencias de forma (N, pasos, canales)")
            raise CourseError(f"{who} esperaba un lote de {what}, pero recibió un array de forma "
                              f"{self._received(input_shape)}.")
        if self.built and input_shape[-1] != self.params["W"].shape[-1]:
            raise CourseError(
                f"{who} ('{self.name}') esperaba {self.params['W'].shape[-1]} canales, pero recibió {input_shape[-1]}."
            )
        for _, length in self._geometry(self._as2d(input_shape[:-1])):
            if length is not None and length < 1:
                raise CourseError(f"{who} ('{self.name}'): con estos argumentos la salida quedaría vacía.")

    def create_params(self, input_shape):
        self.params["W"] = self.kernel_initializer((*self.kernel_size, self.filters, input_shape[-1]))
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.filters,))

    def compute_output_shape(self, input_shape):
        sizes = [length for _, length in self._geometry(self._as2d(input_shape[:-1]))]
        return (*(sizes if self.rank == 2 else sizes[1:]), self.filters)

    def _col_geometry(self, x4):
        """La geometría de col2im/im2col: la salida de esta capa hace el papel de la entrada de una convolución."""
        N, H, W, _ = x4.shape
        (kh, kw), (sh, sw), (dh, dw) = self._as2d(self.kernel_size), self._as2d(self.strides), self._as2d(self.dilation_rate)
        (top, Lh), (left, Lw) = self._geometry((H, W))
        full_h, full_w = (H - 1) * sh + effective_size(kh, dh), (W - 1) * sw + effective_size(kw, dw)
        return {"input_shape": (N, Lh, Lw, self.filters), "pads": (top, left), "output_hw": (H, W),
                "padded_shape": (self.filters, max(full_h, top + Lh), max(full_w, left + Lw), N), "dilation": (dh, dw)}

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> a: (N, Ho, Wo, filters): cada píxel de x reparte x·Kᵀ por su ventana (col2im).
        (1D: x: (N, T, C) -> a: (N, To, filters).)"""
        x = self._prepare_input(x)
        x4 = x if self.rank == 2 else x[:, None]
        N, H, W, C = x4.shape
        kernel = self.params["W"] if self.rank == 2 else self.params["W"][None]
        geometry = self._col_geometry(x4)
        x_matrix = x4.transpose(3, 1, 2, 0).reshape(C, H * W * N)            # columnas en el orden (i, j, n)
        contributions = kernel.reshape(-1, C) @ x_matrix                      # (kh·kw·filters, H·W·N)
        z = col2im(contributions, self._as2d(self.kernel_size), self._as2d(self.strides), geometry)
        if self.use_bias:
            z += self.params["b"]
        if self.rank == 1:
            z = z[:, 0]
        a = self.activation.forward(z)
        self._cache = (x_matrix, geometry, z, a)
        return a

    def backward(self, grad_y):
        """∂L/∂a -> ∂L/∂x. Con G = im2col(∂L/∂z) (kh·kw·filters, H·W·N), la matriz que vio cada píxel de x:
        ∂L/∂K = G·xᵀ,  ∂L/∂x = Kᵀ·G,  ∂L/∂b = Σ ∂L/∂z."""
        grad_a = self._check_backward(grad_y)
        x_matrix, geometry, z, a = self._cache
        grad_z = self.activation.backward(grad_a, z, a)
        if self.rank == 1:
            grad_z = grad_z[:, None]
        N, Lh, Lw, F = geometry["input_shape"]
        top, left = geometry["pads"]
        padded = np.zeros(geometry["padded_shape"], dtype=grad_z.dtype)
        padded[:, top:top + Lh, left:left + Lw, :] = grad_z.transpose(3, 1, 2, 0)
        G = gather_windows(padded, self._as2d(self.kernel_size), self._as2d(self.strides), geometry)
        kernel_matrix = self.params["W"].reshape(-1, x_matrix.shape[0])          # (kh·kw·filters, C)
        self.grads["W"] = (G @ x_matrix.T).reshape(self.params["W"].shape)
        if self.use_bias:
            self.grads["b"] = grad_z.sum(axis=(0, 1, 2))
        self._add_regularization_gradient()
        H, W = geometry["output_hw"]
        grad_x = (kernel_matrix.T @ G).reshape(-1, H, W, N).transpose(3, 1, 2, 0)
        grad_x = np.ascontiguousarray(grad_x)
        return grad_x if self.rank == 2 else grad_x[:, 0]

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "output_padding": None if self.output_padding is None else list(self.output_padding),
            "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
        }


class Conv2DTranspose(_ConvTranspose):
    """Convolución 2D traspuesta, como ``keras.layers.Conv2DTranspose``: agranda la imagen.

    x: (N, H, W, C) -> a: (N, Ho, Wo, filters), con y_completa[i·s + u, j·s + v, f] += Σ_c x[i, j, c]·K[u, v, f, c],
    el recorte de ``padding`` y a = f(y + b). Con ``strides=2, padding="same"``: Ho = 2H y Wo = 2W.
    K tiene forma (kh, kw, filters, C) y b forma (filters,), como Keras.
    """


class Conv1DTranspose(_ConvTranspose):
    """Convolución 1D traspuesta, como ``keras.layers.Conv1DTranspose``: alarga la secuencia.

    x: (N, T, C) -> a: (N, To, filters); K de forma (k, filters, C).
    """

    rank = 1
