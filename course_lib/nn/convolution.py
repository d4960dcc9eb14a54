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
    "causal" (Conv1D): todo el relleno antes, k − 1, para que la salida en t solo vea x hasta t.
    Con dilatación d, k es el tamaño efectivo del filtro, (k − 1)·d + 1.
    Devuelve ``(antes, después, salida)``; la salida es 0 o negativa si la ventana no cabe.
    """
    if padding == "valid":
        return 0, 0, (n - k) // s + 1
    if padding == "causal":
        return k - 1, 0, (n - 1) // s + 1
    out = math.ceil(n / s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2, out


def effective_size(k, d):
    """Tamaño que abarca un filtro de k posiciones con dilatación d: (k − 1)·d + 1."""
    return (k - 1) * d + 1


def as_pair(value, name, who):
    """Convierte 3 en (3, 3) y valida (3, 2)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise CourseError(f"{who}: {name} debe ser un entero o una tupla de dos enteros (alto, ancho); se recibió {value!r}.")
    return tuple(check_positive_int(v, f"{who}: {name}") for v in value)


def check_padding(padding, who, options=("valid", "same")):
    """Devuelve la opción de padding en minúsculas ("valid", "same" o, en Conv1D, "causal"); cualquier otra
    cosa es un error que sugiere la opción más parecida."""
    if not isinstance(padding, str) or padding.lower() not in options:
        raise unknown_name_error(f"opción de padding de {who}", padding, list(options))
    return padding.lower()


def im2col(x, kernel_size, strides, padding, dilation=(1, 1)):
    """Copia las ventanas de x: (N, H, W, C) en las columnas de cols: (kh·kw·C, Ho·Wo·N).

    La fila (u, v, c) de ``cols`` contiene, para cada posición de salida (i, j) y ejemplo n, el
    valor x[n, i·s + u·d, j·s + v·d, c] (ya con el relleno; d es la dilatación, 1 sin ella).
    Devuelve ``cols`` y la geometría.
    """
    N, H, W, C = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, strides, dilation
    top, bottom, Ho = padding_amounts(H, effective_size(kh, dh), sh, padding)
    left, right, Wo = padding_amounts(W, effective_size(kw, dw), sw, padding)
    # Se trabaja en el orden (C, H, W, N): con el lote al final, cada desplazamiento (u, v) del filtro
    # es una copia de bloques contiguos largos (mucho más rápida que copiar píxel a píxel).
    padded = np.zeros((C, H + top + bottom, W + left + right, N), dtype=x.dtype)
    padded[:, top:top + H, left:left + W, :] = x.transpose(3, 1, 2, 0)
    geometry = {"input_shape": x.shape, "padded_shape": padded.shape, "pads": (top, left), "output_hw": (Ho, Wo),
                "dilation": (dh, dw)}
    return gather_windows(padded, kernel_size, strides, geometry), geometry


def gather_windows(padded, kernel_size, strides, geometry):
    """La parte de :func:`im2col` que copia: padded (C, Hp, Wp, N) ya rellenado -> cols (kh·kw·C, Ho·Wo·N)."""
    C, _, _, N = padded.shape
    Ho, Wo = geometry["output_hw"]
    dh, dw = geometry.get("dilation", (1, 1))
    (kh, kw), (sh, sw) = kernel_size, strides
    cols = np.empty((kh, kw, C, Ho, Wo, N), dtype=padded.dtype)
    for u in range(kh):          # bucle sobre los kh·kw desplazamientos del filtro, no sobre píxeles
        for v in range(kw):
            i, j = u * dh, v * dw
            cols[u, v] = padded[:, i:i + sh * (Ho - 1) + 1:sh, j:j + sw * (Wo - 1) + 1:sw, :]
    return cols.reshape(kh * kw * C, Ho * Wo * N)


def col2im(dcols, kernel_size, strides, geometry):
    """Inversa «sumando» de :func:`im2col`: dcols (kh·kw·C, Ho·Wo·N) -> dx (N, H, W, C).

    Cada valor de x aparece en varias ventanas; su gradiente es la suma de los gradientes de
    todas sus copias (los píxeles del relleno se descartan al final).
    """
    N, H, W, C = geometry["input_shape"]
    Ho, Wo = geometry["output_hw"]
    top, left = geometry["pads"]
    dh, dw = geometry.get("dilation", (1, 1))
    (kh, kw), (sh, sw) = kernel_size, strides
    dcols = dcols.reshape(kh, kw, C, Ho, Wo, N)
    dpadded = np.zeros(geometry["padded_shape"], dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            i, j = u * dh, v * dw
            dpadded[:, i:i + sh * (Ho - 1) + 1:sh, j:j + sw * (Wo - 1) + 1:sw, :] += dcols[u, v]
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


def check_fits(hw, kernel_size, strides, padding, who, dilation=(1, 1)):
    """Error en español si el filtro no cabe en la imagen (con su relleno)."""
    for n, k, s, d, axis in zip(hw, kernel_size, strides, dilation, ("alto", "ancho")):
        if n is None:            # eje de tamaño variable (Input(shape=(None, …))): se comprobará con los datos
            continue
        before, after, out = padding_amounts(n, effective_size(k, d), s, padding)
        if out < 1:
            size = f"{k}" if d == 1 else f"{effective_size(k, d)} con la dilatación"
            raise CourseError(
                f"{who}: el filtro ({size} de {axis}) es mayor que la entrada ({n} de {axis}"
                f"{'' if padding == 'valid' else f', {n + before + after} con relleno'}). "
                "Usa un filtro más pequeño, padding='same' o quita capas de pooling anteriores."
            )


# ----------------------------------------------------------------------------- las capas
def as_tuple(value, rank, name, who):
    """Un entero o una tupla de ``rank`` enteros positivos, como tupla: 3 -> (3,) o (3, 3)."""
    if rank == 2:
        return as_pair(value, name, who)
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    return (check_positive_int(value, f"{who}: {name}"),)


def check_channels_last(data_format, who):
    """Este motor trabaja siempre con los canales al final (NHWC), el valor por defecto de Keras."""
    if data_format not in (None, "channels_last"):
        raise CourseError(
            f"{who}: este motor trabaja con los canales al final (data_format='channels_last', el valor por "
            f"defecto de Keras); se recibió data_format={data_format!r}. Pon los canales al final, p. ej. con "
            "np.transpose(x, (0, 2, 3, 1)) para imágenes (N, C, H, W)."
        )


class _Conv(Layer):
    """Lo común a Conv1D y Conv2D. La convolución 1D es la 2D sobre una imagen de alto 1: (N, T, C) se ve
    como (N, 1, T, C) y su núcleo (k, C, F) como (1, k, C, F) (vistas, sin copiar). Una sola implementación,
    dos caras, como el pooling."""

    rank = 2
    paddings = ("valid", "same")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        check_channels_last(data_format, who)
        if groups != 1:
            raise CourseError(
                f"{who}: este motor no tiene convoluciones por grupos (groups={groups!r}); usa groups=1, el valor "
                "por defecto."
            )
        self.filters = check_positive_int(filters, f"{who}: filters (número de filtros)")
        self.kernel_size = as_tuple(kernel_size, self.rank, "kernel_size", who)
        self.strides = as_tuple(strides, self.rank, "strides", who)
        self.dilation_rate = as_tuple(dilation_rate, self.rank, "dilation_rate", who)
        self.padding = check_padding(padding, who, self.paddings)
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
        """(k,) -> (1, k) en la vista 2D; en Conv2D, tal cual."""
        return tuple(values) if self.rank == 2 else (fill,) + tuple(values)

    def check_input_shape(self, input_shape):
        who = type(self).__name__
        if len(input_shape) != self.rank + 1:
            received = self._received(input_shape)
            if self.rank == 2:
                hint = (" Si son imágenes en escala de grises sin eje de canales, añádelo con x[..., None]."
                        if len(input_shape) == 2 else "")
                raise CourseError(
                    f"{who} esperaba un lote de imágenes de forma (N, alto, ancho, canales), pero recibió "
                    f"un array de forma {received}.{hint}"
                )
            hint = (" Si cada ejemplo es una sola serie de números, añade el eje de canales con x[..., None]."
                    if len(input_shape) == 1 else "")
            raise CourseError(
                f"{who} esperaba un lote de secuencias de forma (N, pasos, canales), pero recibió un array de "
                f"forma {received}.{hint}"
            )
        if self.built and input_shape[-1] != self.params["W"].shape[-2]:
            what = "imágenes" if self.rank == 2 else "secuencias"
            raise CourseError(
                f"{who} esperaba {what} con {self.params['W'].shape[-2]} canales, pero recibió "
                f"{input_shape[-1]} (capa '{self.name}', forma de cada ejemplo {input_shape})."
            )
        check_fits(self._as2d(input_shape[:-1]), self._as2d(self.kernel_size), self._as2d(self.strides),
                   self.padding, f"{who} ('{self.name}')", self._as2d(self.dilation_rate))

    def create_params(self, input_shape):
        kernel_shape = (*self.kernel_size, input_shape[-1], self.filters)
        self.params["W"] = self.kernel_initializer(kernel_shape)
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.filters,))

    def compute_output_shape(self, input_shape):
        sizes = [None if n is None else padding_amounts(n, effective_size(k, d), s, self.padding)[2]
                 for n, k, s, d in zip(input_shape[:-1], self.kernel_size, self.strides, self.dilation_rate)]
        return (*sizes, self.filters)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> a: (N, Ho, Wo, F), con z = colsᵀ·W + b (im2col) y a = f(z).
        (Conv1D: x: (N, T, C) -> a: (N, To, F).)"""
        x = self._prepare_input(x)
        x4 = x if self.rank == 2 else x[:, None]
        kernel = self.params["W"] if self.rank == 2 else self.params["W"][None]
        cols, geometry = im2col(x4, self._as2d(self.kernel_size), self._as2d(self.strides), self.padding,
                                self._as2d(self.dilation_rate))
        z = _cols_times_kernel(cols, kernel, self.params.get("b"), geometry)
        if self.rank == 1:
            z = z[:, 0]
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
        if self.rank == 1:
            grad_z = grad_z[:, None]
        G = grad_z.transpose(1, 2, 0, 3).reshape(-1, self.filters)  # mismo orden (Ho, Wo, N) que cols
        W_matrix = self.params["W"].reshape(-1, self.filters)
        self.grads["W"] = (cols @ G).reshape(self.params["W"].shape)
        if self.use_bias:
            # Σ_m G[m, f] escrita como producto (1, …, 1)·G: con pocas columnas, G.sum(axis=0) es 10 veces más lenta.
            self.grads["b"] = np.ones(len(G), dtype=G.dtype) @ G
        self._add_regularization_gradient()
        grad_x = col2im(W_matrix @ G.T, self._as2d(self.kernel_size), self._as2d(self.strides), geometry)
        return grad_x if self.rank == 2 else grad_x[:, 0]

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
        }


class Conv2D(_Conv):
    """Capa convolucional 2D: ``filters`` filtros de tamaño ``kernel_size`` que recorren la imagen.

    x: (N, alto, ancho, canales) -> a: (N, alto_sal, ancho_sal, filters), con z = conv(x, W) + b y
    a = f(z). W tiene forma (kh, kw, canales, filters) y b forma (filters,), como ``keras.layers.Conv2D``.
    Con ``dilation_rate=d`` (convolución dilatada o *atrous*), el filtro lee píxeles separados d posiciones:
    z[i, j, f] = Σ_{u, v, c} x[i·s + u·d, j·s + v·d, c]·W[u, v, c, f] + b[f]; abarca (k − 1)·d + 1 píxeles
    con los mismos k × k pesos.
    """


class Conv1D(_Conv):
    """Capa convolucional 1D sobre secuencias, como ``keras.layers.Conv1D``:

        z[t, f] = Σ_{u < k, c} x[t·s + u·d, c]·W[u, c, f] + b[f],   a = f(z)

    x: (N, T, C) -> a: (N, To, filters); W de forma (kernel_size, C, filters) y b de forma (filters,).
    ``padding``: "valid", "same" o "causal" (todo el relleno, (k − 1)·d ceros, al principio: la salida en el
    paso t solo depende de x hasta t, como en WaveNet y en las series temporales). ``dilation_rate=d``
    salta d pasos entre las posiciones del filtro.
    """

    rank = 1
    paddings = ("valid", "same", "causal")
