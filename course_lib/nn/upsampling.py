"""Sobremuestreo (*upsampling*): agrandar una imagen o una secuencia sin parámetros, como en Keras.

- ``UpSampling2D(size=(2, 2))``: cada píxel se repite en un bloque de 2 × 2 (vecino más próximo,
  ``interpolation="nearest"``) o se interpola entre vecinos (``"bilinear"``);
- ``UpSampling1D(size=2)``: cada paso de la secuencia se repite ``size`` veces.

Es la alternativa a ``Conv2DTranspose`` en los decodificadores (U-Net, autocodificadores): agrandar y
después una ``Conv2D`` normal evita el patrón de tablero de ajedrez de la convolución traspuesta.
"""

import numpy as np

from .convolution import as_pair, check_channels_last
from .layer import Layer
from .validation import CourseError, check_positive_int


def interpolation_matrix(n_in, factor, dtype=np.float64):
    """Matriz A (n_in·factor, n_in) de la interpolación lineal con centros de píxel (la de ``resize`` en
    TensorFlow 2 y en PyTorch con ``align_corners=False``): la salida o toma la posición
    s = (o + ½)/factor − ½ de la entrada, recortada a [0, n_in − 1], y mezcla sus dos vecinos:
    y_o = (1 − w)·x_⌊s⌋ + w·x_⌊s⌋+1, con w = s − ⌊s⌋.
    """
    out = np.arange(n_in * factor)
    source = np.clip((out + 0.5) / factor - 0.5, 0, n_in - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, n_in - 1)
    weight = source - low
    A = np.zeros((n_in * factor, n_in), dtype=dtype)
    np.add.at(A, (out, low), 1.0 - weight)
    np.add.at(A, (out, high), weight)
    return A


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
        N, H, W, C = x.shape
        A_h = interpolation_matrix(H, fh, x.dtype)
        A_w = interpolation_matrix(W, fw, x.dtype)
        self._cache = (A_h, A_w, x.shape)
        # Dos productos de matrices por lotes: primero las filas (A_h·x), luego las columnas (·A_wᵀ).
        rows = np.matmul(A_h, x.reshape(N, H, W * C))                          # (N, Ho, W·C)
        return np.matmul(A_w, rows.reshape(N * H * fh, W, C)).reshape(N, H * fh, W * fw, C)

    def backward(self, grad_y):
        """∂L/∂y: (N, fh·H, fw·W, C) -> ∂L/∂x: (N, H, W, C)."""
        grad_y = self._check_backward(grad_y)
        fh, fw = self.size
        if self.interpolation == "nearest":
            N, H, W, C = self._cache
            return grad_y.reshape(N, H, fh, W, fw, C).sum(axis=(2, 4))
        A_h, A_w, (N, H, W, C) = self._cache
        cols = np.matmul(A_w.T, grad_y.reshape(N * H * fh, W * fw, C))          # (N·Ho, W, C)
        return np.matmul(A_h.T, cols.reshape(N, H * fh, W * C)).reshape(N, H, W, C)

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
