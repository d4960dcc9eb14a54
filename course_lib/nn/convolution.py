"""Convolución 2D (en realidad correlación cruzada, como en Keras y PyTorch) sobre lotes NHWC.

Para una imagen x de forma (alto, ancho, canales) y un filtro W[:, :, :, f] de forma (kh, kw, canales):

    z[i, j, f] = Σ_{u, v, c} x[i·s + u, j·s + v, c] · W[u, v, c, f] + b[f]

Tamaño de la salida con relleno p y paso s:  salida = ⌊(n + 2p − f) / s⌋ + 1  (:func:`conv2d_output_size`).
Keras y TensorFlow no piden p, sino ``padding``:
- ``"valid"``: sin relleno; salida = ⌊(n − k) / s⌋ + 1.
- ``"same"``: salida = ⌈n / s⌉; se rellena con ceros lo justo, p_total = max((salida − 1)·s + k − n, 0),
  con ⌊p_total/2⌋ arriba/izquierda y el resto abajo/derecha (:func:`padding_amounts`).

La implementación es vectorizada con «im2col»: se copian todas las ventanas de la imagen en las
columnas de una matriz y la convolución entera se convierte en un único producto de matrices.
La versión lenta y evidente, con bucles sobre los píxeles, está en las pruebas y en el cuaderno 09.
"""

import math

import numpy as np

from . import activations, config, initializers, regularizers
from .layer import Layer
from .validation import CourseError, check_positive_int, unknown_name_error


# ----------------------------------------------------------------------------- funciones puras
def conv2d_output_size(n, f, p=0, s=1):
    """Tamaño de salida de una convolución: ⌊(n + 2p − f) / s⌋ + 1.

    n: tamaño de la entrada, f: tamaño del filtro, p: relleno por cada lado, s: paso.
    Ejemplo: 7×7 con f = 3, p = 1, s = 2 → ⌊(7 + 2 − 3)/2⌋ + 1 = 4.
    """
    n = check_positive_int(n, "n (tamaño de la entrada)")
    f = check_positive_int(f, "f (tamaño del filtro)")
    p = check_positive_int(p, "p (relleno)", minimum=0)
    s = check_positive_int(s, "s (paso)")
    if n + 2 * p < f:
        raise CourseError(
            f"El filtro ({f}) es mayor que la entrada con relleno (n + 2p = {n} + 2·{p} = {n + 2 * p}): "
            "no cabe ninguna ventana. Usa un filtro más pequeño o más relleno."
        )
    return (n + 2 * p - f) // s + 1


def padding_amounts(n, k, s, padding):
    """Relleno (antes, después) y tamaño de salida en un eje, con la semántica de TensorFlow.

    "valid": (0, 0) y salida ⌊(n − k)/s⌋ + 1.  "same": salida ⌈n/s⌉,
    p_total = max((salida − 1)·s + k − n, 0), antes = ⌊p_total/2⌋ y el resto después.
    Devuelve ``(antes, después, salida)``; la salida es 0 o negativa si la ventana no cabe.
    """
    if padding == "valid":
        return 0, 0, (n - k) // s + 1
    out = math.ceil(n / s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2, out


def as_pair(value, name, who):
    """Convierte 3 en (3, 3) y valida (3, 2)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise CourseError(f"{who}: {name} debe ser un entero o una tupla de dos enteros (alto, ancho); se recibió {value!r}.")
    return tuple(check_positive_int(v, f"{who}: {name}") for v in value)


def check_padding(padding, who):
    """Devuelve "valid" o "same" (en minúsculas); cualquier otra cosa es un error que sugiere la opción más parecida."""
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise unknown_name_error(f"opción de padding de {who}", padding, ["valid", "same"])
    return padding.lower()


def im2col(x, kernel_size, strides, padding):
    """Copia las ventanas de x: (N, H, W, C) en las columnas de cols: (kh·kw·C, Ho·Wo·N).

    La fila (u, v, c) de ``cols`` contiene, para cada posición de salida (i, j) y ejemplo n, el
    valor x[n, i·s + u, j·s + v, c] (ya con el relleno). Devuelve ``cols`` y la geometría.
    """
    N, H, W, C = x.shape
    (kh, kw), (sh, sw) = kernel_size, strides
    top, bottom, Ho = padding_amounts(H, kh, sh, padding)
    left, right, Wo = padding_amounts(W, kw, sw, padding)
    # Se trabaja en el orden (C, H, W, N): con el lote al final, cada desplazamiento (u, v) del filtro
    # es una copia de bloques contiguos largos (mucho más rápida que copiar píxel a píxel).
    padded = np.zeros((C, H + top + bottom, W + left + right, N), dtype=x.dtype)
    padded[:, top:top + H, left:left + W, :] = x.transpose(3, 1, 2, 0)
    cols = np.empty((kh, kw, C, Ho, Wo, N), dtype=x.dtype)
    for u in range(kh):          # bucle sobre los kh·kw desplazamientos del filtro, no sobre píxeles
        for v in range(kw):
            cols[u, v] = padded[:, u:u + sh * (Ho - 1) + 1:sh, v:v + sw * (Wo - 1) + 1:sw, :]
    geometry = {"input_shape": x.shape, "padded_shape": padded.shape, "pads": (top, left), "output_hw": (Ho, Wo)}
    return cols.reshape(kh * kw * C, Ho * Wo * N), geometry


def col2im(dcols, kernel_size, strides, geometry):
    """Inversa «sumando» de :func:`im2col`: dcols (kh·kw·C, Ho·Wo·N) -> dx (N, H, W, C).

    Cada valor de x aparece en varias ventanas; su gradiente es la suma de los gradientes de
    todas sus copias (los píxeles del relleno se descartan al final).
    """
    N, H, W, C = geometry["input_shape"]
    Ho, Wo = geometry["output_hw"]
    top, left = geometry["pads"]
    (kh, kw), (sh, sw) = kernel_size, strides
    dcols = dcols.reshape(kh, kw, C, Ho, Wo, N)
    dpadded = np.zeros(geometry["padded_shape"], dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            dpadded[:, u:u + sh * (Ho - 1) + 1:sh, v:v + sw * (Wo - 1) + 1:sw, :] += dcols[u, v]
    return np.ascontiguousarray(dpadded[:, top:top + H, left:left + W, :].transpose(3, 1, 2, 0))


def conv2d(x, W, b=None, strides=1, padding="valid"):
    """Convolución de un lote x: (N, H, W, C) con filtros W: (kh, kw, C, F) -> z: (N, Ho, Wo, F).

    Función pura (sin capa ni gradientes), útil en los cuadernos para aplicar un filtro a mano.
    También acepta una sola imagen en gris x: (H, W) y un solo filtro W: (kh, kw), y entonces
    devuelve el mapa de características z: (Ho, Wo).
    """
    x = np.asarray(x, dtype=config.dtype())
    W = np.asarray(W, dtype=config.dtype())
    if x.ndim == 2 and W.ndim == 2:  # una imagen y un filtro: se añaden los ejes que faltan
        return conv2d(x[None, :, :, None], W[:, :, None, None], b, strides, padding)[0, :, :, 0]
    if b is not None:
        b = np.asarray(b, dtype=config.dtype()).reshape(-1)
        if b.shape != W.shape[-1:]:
            raise CourseError(f"conv2d: b debe tener un sesgo por filtro, forma {W.shape[-1:]}; se recibió {b.shape}.")
    if x.ndim != 4 or W.ndim != 4 or x.shape[-1] != W.shape[2]:
        raise CourseError(
            "conv2d esperaba x de forma (N, alto, ancho, canales) y W de forma (kh, kw, canales, filtros) "
            f"con los mismos canales; se recibió x {x.shape} y W {W.shape}."
        )
    padding = check_padding(padding, "conv2d")
    strides = as_pair(strides, "strides", "conv2d")
    kernel_size = W.shape[:2]
    check_fits(x.shape[1:3], kernel_size, strides, padding, "conv2d")
    cols, geometry = im2col(x, kernel_size, strides, padding)
    return _cols_times_kernel(cols, W, b, geometry)


def _cols_times_kernel(cols, W, b, geometry):
    """z = colsᵀ·W (+ b), reordenado de (Ho, Wo, N, F) a (N, Ho, Wo, F) en una sola copia."""
    N = geometry["input_shape"][0]
    Ho, Wo = geometry["output_hw"]
    F = W.shape[-1]
    z_matrix = cols.T @ W.reshape(-1, F)                                    # (Ho·Wo·N, F)
    z = np.ascontiguousarray(z_matrix.reshape(Ho, Wo, N, F).transpose(2, 0, 1, 3))
    if b is not None:
        z += b  # sumar después de la copia contigua es el doble de rápido que sumar al reordenar
    return z


def check_fits(hw, kernel_size, strides, padding, who):
    """Error en español si el filtro no cabe en la imagen (con su relleno)."""
    for n, k, s, axis in zip(hw, kernel_size, strides, ("alto", "ancho")):
        before, after, out = padding_amounts(n, k, s, padding)
        if out < 1:
            raise CourseError(
                f"{who}: el filtro ({k} de {axis}) es mayor que la entrada ({n} de {axis}"
                f"{'' if padding == 'valid' else f', {n + before + after} con relleno'}). "
                "Usa un filtro más pequeño, padding='same' o quita capas de pooling anteriores."
            )


# ----------------------------------------------------------------------------- la capa
class Conv2D(Layer):
    """Capa convolucional 2D: ``filters`` filtros de tamaño ``kernel_size`` que recorren la imagen.

    x: (N, alto, ancho, canales) -> a: (N, alto_sal, ancho_sal, filters), con z = conv(x, W) + b y
    a = f(z). W tiene forma (kh, kw, canales, filters) y b forma (filters,), como ``keras.layers.Conv2D``.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.filters = check_positive_int(filters, "Conv2D: filters (número de filtros)")
        self.kernel_size = as_pair(kernel_size, "kernel_size", "Conv2D")
        self.strides = as_pair(strides, "strides", "Conv2D")
        self.padding = check_padding(padding, "Conv2D")
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

    def check_input_shape(self, input_shape):
        if len(input_shape) != 3:
            received = self._received(input_shape)
            hint = (" Si son imágenes en escala de grises sin eje de canales, añádelo con x[..., None]."
                    if len(input_shape) == 2 else "")
            raise CourseError(
                "Conv2D esperaba un lote de imágenes de forma (N, alto, ancho, canales), pero recibió "
                f"un array de forma {received}.{hint}"
            )
        if self.built and input_shape[-1] != self.params["W"].shape[2]:
            raise CourseError(
                f"Conv2D esperaba imágenes con {self.params['W'].shape[2]} canales, pero recibió "
                f"{input_shape[-1]} (capa '{self.name}', forma de cada imagen {input_shape})."
            )
        check_fits(input_shape[:2], self.kernel_size, self.strides, self.padding, f"Conv2D ('{self.name}')")

    def create_params(self, input_shape):
        kernel_shape = (*self.kernel_size, input_shape[-1], self.filters)
        self.params["W"] = self.kernel_initializer(kernel_shape)
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.filters,))

    def compute_output_shape(self, input_shape):
        H, W, _ = input_shape
        Ho = padding_amounts(H, self.kernel_size[0], self.strides[0], self.padding)[2]
        Wo = padding_amounts(W, self.kernel_size[1], self.strides[1], self.padding)[2]
        return (Ho, Wo, self.filters)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> a: (N, Ho, Wo, F), con z = colsᵀ·W + b (im2col) y a = f(z)."""
        x = self._prepare_input(x)
        cols, geometry = im2col(x, self.kernel_size, self.strides, self.padding)
        z = _cols_times_kernel(cols, self.params["W"], self.params.get("b"), geometry)
        a = self.activation.forward(z)
        self._cache = (cols, geometry, z, a)
        return a

    def backward(self, grad_y):
        """∂L/∂a: (N, Ho, Wo, F) -> ∂L/∂x: (N, H, W, C). Rellena grads["W"] y grads["b"].

        Con G = ∂L/∂z como matriz (Ho·Wo·N, F):  ∂L/∂W = cols·G,  ∂L/∂b = Σ G,
        ∂L/∂cols = W·Gᵀ, y col2im suma cada columna en la ventana de x de la que salió.
        """
        grad_a = self._check_backward(grad_y)
        cols, geometry, z, a = self._cache
        grad_z = self.activation.backward(grad_a, z, a)
        G = grad_z.transpose(1, 2, 0, 3).reshape(-1, self.filters)  # mismo orden (Ho, Wo, N) que cols
        W_matrix = self.params["W"].reshape(-1, self.filters)
        self.grads["W"] = (cols @ G).reshape(self.params["W"].shape)
        if self.use_bias:
            # Σ_m G[m, f] escrita como producto (1, …, 1)·G: con pocas columnas, G.sum(axis=0) es 10 veces más lenta.
            self.grads["b"] = np.ones(len(G), dtype=G.dtype) @ G
        self._add_regularization_gradient()
        return col2im(W_matrix @ G.T, self.kernel_size, self.strides, geometry)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
        }
