"""Cambiar el tamaño de imágenes y secuencias sin parámetros, como en Keras.

- ``UpSampling2D(size=(2, 2))``: cada píxel se repite en un bloque de 2 × 2 (vecino más próximo,
  ``interpolation="nearest"``) o se interpola entre vecinos (``"bilinear"``);
- ``UpSampling1D(size=2)``: cada paso de la secuencia se repite ``size`` veces;
- ``Resizing(alto, ancho)``: a cualquier tamaño, más grande o más pequeño (bilineal o vecino más próximo);
- ``CenterCrop(alto, ancho)``: el recorte central de ese tamaño.

``UpSampling2D`` es la alternativa a ``Conv2DTranspose`` en los decodificadores (U-Net, autocodificadores):
agrandar y después una ``Conv2D`` normal evita el patrón de tablero de ajedrez de la convolución traspuesta.

Todas son lineales: y = A_h·x·A_wᵀ en cada canal, con matrices de interpolación A (una fila por píxel de
salida, con los pesos de sus vecinos en la entrada), y hacia atrás ∂L/∂x = A_hᵀ·∂L/∂y·A_w.
"""

import numpy as np

from .convolution import as_pair, check_channels_last
from .layer import Layer
from .validation import CourseError, check_positive_int


def resize_matrix(n_in, n_out, interpolation="bilinear", dtype=np.float64):
    """Matriz A (n_out, n_in) que lleva n_in píxeles a n_out con centros de píxel (``resize`` de TensorFlow 2 y
    de Keras, PyTorch con ``align_corners=False``, sin antialias): la salida o mira la posición
    s = (o + ½)·n_in/n_out − ½ de la entrada.

    - ``"bilinear"``: s recortada a [0, n_in − 1] y mezcla de sus dos vecinos, y_o = (1 − w)·x_⌊s⌋ + w·x_⌊s⌋+1,
      con w = s − ⌊s⌋;
    - ``"nearest"``: el píxel ⌊s + ½⌋ = ⌊(o + ½)·n_in/n_out⌋.
    """
    out = np.arange(n_out)
    A = np.zeros((n_out, n_in), dtype=dtype)
    if interpolation == "nearest":
        A[out, np.minimum(np.floor((out + 0.5) * n_in / n_out).astype(int), n_in - 1)] = 1.0
        return A
    source = np.clip((out + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, n_in - 1)
    weight = source - low
    np.add.at(A, (out, low), 1.0 - weight)
    np.add.at(A, (out, high), weight)
    return A


def interpolation_matrix(n_in, factor, dtype=np.float64):
    """La matriz de :func:`resize_matrix` para agrandar ``factor`` veces con interpolación lineal."""
    return resize_matrix(n_in, n_in * factor, "bilinear", dtype)


def resize_images(x, A_h, A_w):
    """x: (N, H, W, C) -> A_h·x·A_wᵀ en cada imagen y canal: (N, Ho, Wo, C), con dos productos por lotes."""
    N, H, W, C = x.shape
    rows = np.matmul(A_h, x.reshape(N, H, W * C))                                   # (N, Ho, W·C)
    Ho, Wo = A_h.shape[0], A_w.shape[0]
    return np.matmul(A_w, rows.reshape(N * Ho, W, C)).reshape(N, Ho, Wo, C)


def resize_images_backward(grad_y, A_h, A_w):
    """∂L/∂y: (N, Ho, Wo, C) -> ∂L/∂x = A_hᵀ·∂L/∂y·A_w: (N, H, W, C)."""
    N, Ho, Wo, C = grad_y.shape
    H, W = A_h.shape[1], A_w.shape[1]
    cols = np.matmul(A_w.T, grad_y.reshape(N * Ho, Wo, C))                          # (N·Ho, W, C)
    return np.matmul(A_h.T, cols.reshape(N, Ho, W * C)).reshape(N, H, W, C)


class UpSampling2D(Layer):
    """Agranda cada imagen ``size`` = (fh, fw) veces, como ``keras.layers.UpSampling2D``.

    x: (N, H, W, C) -> y: (N, fh·H, fw·W, C).
    - ``interpolation="nearest"``: y[n, i, j, c] = x[n, ⌊i/fh⌋, ⌊j/fw⌋, c]. Hacia atrás, cada píxel recibe
      la suma de los gradientes de su bloque fh × fw.
    - ``interpolation="bilinear"``: y = A_h · x · A_wᵀ en cada canal, con las matrices de
      :func:`interpolation_matrix`; hacia atrás, ∂L/∂x = A_hᵀ · ∂L/∂y · A_w.
    """

    INTERPOLATIONS = ("nearest", "bilinear")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, "UpSampling2D")
        self.size = as_pair(size, "size", "UpSampling2D")
        if interpolation not in self.INTERPOLATIONS:
            raise CourseError(
                f"UpSampling2D: interpolation debe ser 'nearest' o 'bilinear' (las de este motor); se recibió "
                f"{interpolation!r}."
            )
        self.interpolation = interpolation

    def check_input_shape(self, input_shape):
        if len(input_shape) != 3:
            raise CourseError(
                "UpSampling2D esperaba un lote de imágenes de forma (N, alto, ancho, canales), pero recibió un array "
                f"de forma {self._received(input_shape)}."
            )

    def compute_output_shape(self, input_shape):
        H, W, C = input_shape
        return (None if H is None else H * self.size[0], None if W is None else W * self.size[1], C)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> y: (N, fh·H, fw·W, C)."""
        x = self._prepare_input(x)
        fh, fw = self.size
        if self.interpolation == "nearest":
            self._cache = x.shape
            return np.repeat(np.repeat(x, fh, axis=1), fw, axis=2)
        A_h = interpolation_matrix(x.shape[1], fh, x.dtype)
        A_w = interpolation_matrix(x.shape[2], fw, x.dtype)
        self._cache = (A_h, A_w)
        return resize_images(x, A_h, A_w)

    def backward(self, grad_y):
        """∂L/∂y: (N, fh·H, fw·W, C) -> ∂L/∂x: (N, H, W, C)."""
        grad_y = self._check_backward(grad_y)
        fh, fw = self.size
        if self.interpolation == "nearest":
            N, H, W, C = self._cache
            return grad_y.reshape(N, H, fh, W, fw, C).sum(axis=(2, 4))
        return resize_images_backward(grad_y, *self._cache)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "interpolation": self.interpolation}


class UpSampling1D(Layer):
    """Repite cada paso de la secuencia ``size`` veces, como ``keras.layers.UpSampling1D``.

    x: (N, T, C) -> y: (N, size·T, C), con y[n, t, c] = x[n, ⌊t/size⌋, c]. Hacia atrás, cada paso recibe la
    suma de los gradientes de sus ``size`` copias.
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = check_positive_int(size, "UpSampling1D: size")

    def check_input_shape(self, input_shape):
        if len(input_shape) != 2:
            raise CourseError(
                "UpSampling1D esperaba secuencias de forma (N, pasos, canales), pero recibió un array de forma "
                f"{self._received(input_shape)}."
            )

    def compute_output_shape(self, input_shape):
        return (None if input_shape[0] is None else input_shape[0] * self.size, input_shape[1])

    def forward(self, x, training=False):
        """x: (N, T, C) -> y: (N, size·T, C)."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return np.repeat(x, self.size, axis=1)

    def backward(self, grad_y):
        """∂L/∂y: (N, size·T, C) -> ∂L/∂x: (N, T, C)."""
        grad_y = self._check_backward(grad_y)
        N, T, C = self._cache
        return grad_y.reshape(N, T, self.size, C).sum(axis=2)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class Resizing(Layer):
    """Cambia el tamaño de cada imagen a (``height``, ``width``), como ``keras.layers.Resizing``:
    y = A_h·x·A_wᵀ con las matrices de :func:`resize_matrix` (``interpolation`` "bilinear" o "nearest").

    Con ``crop_to_aspect_ratio=True`` primero recorta, centrada, la ventana más grande con la proporción
    de destino (la imagen no se deforma) y después cambia el tamaño. x: (N, H, W, C) -> (N, height, width, C).
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, type(self).__name__)
        self.height = check_positive_int(height, f"{type(self).__name__}: height")
        self.width = check_positive_int(width, f"{type(self).__name__}: width")
        if interpolation not in ("bilinear", "nearest"):
            raise CourseError(
                f"{type(self).__name__}: interpolation debe ser 'bilinear' o 'nearest' (las de este motor); se "
                f"recibió {interpolation!r}."
            )
        if pad_to_aspect_ratio:
            raise CourseError(
                f"{type(self).__name__}: este motor no tiene pad_to_aspect_ratio; usa crop_to_aspect_ratio=True (recorta "
                "en vez de rellenar) o ZeroPadding2D antes."
            )
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)

    def check_input_shape(self, input_shape):
        if len(input_shape) != 3:
            raise CourseError(
                f"{type(self).__name__} esperaba un lote de imágenes de forma (N, alto, ancho, canales), pero recibió "
                f"un array de forma {self._received(input_shape)}."
            )

    def compute_output_shape(self, input_shape):
        return (self.height, self.width, input_shape[-1])

    def _crop_box(self, H, W):
        """(fila, columna, alto, ancho) del recorte central con la proporción de destino (las cuentas de Keras)."""
        if not self.crop_to_aspect_ratio:
            return 0, 0, H, W
        crop_h = max(min(H, int(float(W * self.height) / self.width)), 1)
        crop_w = max(min(W, int(float(H * self.width) / self.height)), 1)
        return int(float(H - crop_h) / 2), int(float(W - crop_w) / 2), crop_h, crop_w

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> y: (N, height, width, C)."""
        x = self._prepare_input(x)
        top, left, h, w = self._crop_box(*x.shape[1:3])
        A_h = resize_matrix(h, self.height, self.interpolation, x.dtype)
        A_w = resize_matrix(w, self.width, self.interpolation, x.dtype)
        self._cache = (A_h, A_w, (top, left), x.shape)
        return resize_images(x[:, top:top + h, left:left + w], A_h, A_w)

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x = A_hᵀ·∂L/∂y·A_w (y ceros fuera del recorte)."""
        grad_y = self._check_backward(grad_y)
        A_h, A_w, (top, left), shape = self._cache
        grad_crop = resize_images_backward(grad_y, A_h, A_w)
        if grad_crop.shape == shape:
            return grad_crop
        grad_x = np.zeros(shape, dtype=grad_y.dtype)
        grad_x[:, top:top + grad_crop.shape[1], left:left + grad_crop.shape[2]] = grad_crop
        return grad_x

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio}


class CenterCrop(Resizing):
    """El recorte central de (``height``, ``width``) de cada imagen, como ``keras.layers.CenterCrop``: empieza en
    ⌊(H − height)/2⌋ y ⌊(W − width)/2⌋. Si la imagen es más pequeña que eso, como Keras, recorta la ventana
    central con esa proporción y la agranda (bilineal). Hacia atrás, ∂L/∂x es ∂L/∂y en su sitio y 0 fuera.
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(height, width, interpolation="bilinear", crop_to_aspect_ratio=True, data_format=data_format,
                         **kwargs)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> y: (N, height, width, C)."""
        x = self._prepare_input(x)
        H, W = x.shape[1:3]
        if H < self.height or W < self.width:
            return super().forward(x, training)
        top, left = (H - self.height) // 2, (W - self.width) // 2
        self._cache = (None, None, (top, left), x.shape)
        return np.ascontiguousarray(x[:, top:top + self.height, left:left + self.width])

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x: ∂L/∂y en el recorte y 0 fuera."""
        if self._cache is not None and self._cache[0] is not None:
            return super().backward(grad_y)
        grad_y = self._check_backward(grad_y)
        _, _, (top, left), shape = self._cache
        grad_x = np.zeros(shape, dtype=grad_y.dtype)
        grad_x[:, top:top + self.height, left:left + self.width] = grad_y
        return grad_x

    def get_config(self):
        config_ = super().get_config()
        for key in ("interpolation", "crop_to_aspect_ratio"):
            config_.pop(key)
        return config_
