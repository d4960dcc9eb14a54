"""Agrupación (pooling) 2D sobre lotes NHWC: máximo (max pooling) o promedio de cada ventana.

Con ventanas de p × p y paso s (por defecto s = p, ventanas que no se solapan):

    y[n, i, j, c] = max_{u, v < p} x[n, i·s + u, j·s + v, c]      (MaxPooling2D)
    y[n, i, j, c] = media_{u, v < p} x[n, i·s + u, j·s + v, c]    (AveragePooling2D)

Cada canal se agrupa por separado (la salida tiene los mismos canales) y no hay parámetros.
El tamaño de salida sigue las reglas de Conv2D ("valid" o "same"); con "same", el relleno no cuenta:
en el máximo se rellena con −∞ y en el promedio se divide solo entre los valores reales, como TensorFlow.

La implementación recorre los desplazamientos (u, v) de la ventana; cada paso procesa a la vez
todas las ventanas de todo el lote (sin bucles sobre píxeles ni ejemplos). Las ventanas pueden
solaparse (s < p), como en AlexNet (p = 3, s = 2).
"""

import numpy as np

from .convolution import check_fits, check_padding, as_pair, padding_amounts
from .layer import Layer
from .validation import CourseError


class _Pooling2D(Layer):
    """Lo común a los dos tipos de pooling: argumentos, formas y la geometría de las ventanas."""

    def __init__(self, pool_size=2, strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.pool_size = as_pair(pool_size, "pool_size", who)
        self.strides = self.pool_size if strides is None else as_pair(strides, "strides", who)
        self.padding = check_padding(padding, who)

    def check_input_shape(self, input_shape):
        if len(input_shape) != 3:
            hint = (" Si son imágenes en escala de grises sin eje de canales, añádelo con x[..., None]."
                    if len(input_shape) == 2 else "")
            raise CourseError(
                f"{type(self).__name__} esperaba un lote de imágenes o mapas de características de forma "
                f"(N, alto, ancho, canales), pero recibió un array de forma {self._received(input_shape)}.{hint}"
            )
        check_fits(input_shape[:2], self.pool_size, self.strides, self.padding, f"{type(self).__name__} ('{self.name}')")

    def compute_output_shape(self, input_shape):
        H, W, C = input_shape
        Ho = padding_amounts(H, self.pool_size[0], self.strides[0], self.padding)[2]
        Wo = padding_amounts(W, self.pool_size[1], self.strides[1], self.padding)[2]
        return (Ho, Wo, C)

    def _pad(self, x, fill):
        """x: (N, H, W, C) -> x rellenado con ``fill`` según padding, y los rellenos (arriba, izquierda)."""
        N, H, W, C = x.shape
        top, bottom, _ = padding_amounts(H, self.pool_size[0], self.strides[0], self.padding)
        left, right, _ = padding_amounts(W, self.pool_size[1], self.strides[1], self.padding)
        if top == bottom == left == right == 0:
            return x, (0, 0)
        padded = np.full((N, H + top + bottom, W + left + right, C), fill, dtype=x.dtype)
        padded[:, top:top + H, left:left + W, :] = x
        return padded, (top, left)

    def _windows(self):
        """Para cada desplazamiento (u, v) de la ventana, los índices de la rebanada de x que le tocan."""
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        Ho, Wo, _ = self.output_shape
        for u in range(ph):
            for v in range(pw):
                yield (slice(None), slice(u, u + sh * (Ho - 1) + 1, sh), slice(v, v + sw * (Wo - 1) + 1, sw))

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding}


def _axis_windows(axis, size, stride, n_out):
    """Para cada desplazamiento u < size de la ventana en el eje ``axis``, el índice de la rebanada
    x[..., u::stride, ...] con las n_out posiciones de salida."""
    for u in range(size):
        index = [slice(None)] * 4
        index[axis] = slice(u, u + stride * (n_out - 1) + 1, stride)
        yield u, tuple(index)


def _max_along(x, axis, size, stride, n_out):
    """Máximo de ventanas de ``size`` con paso ``stride`` en un solo eje, y en qué posición u estaba."""
    best, where_best = None, None
    for u, index in _axis_windows(axis, size, stride, n_out):
        candidate = x[index]
        if best is None:
            # int8 basta para ventanas de hasta 127 posiciones; las mayores necesitan un entero más ancho.
            index_type = np.int8 if size <= 127 else np.int32
            best, where_best = candidate.copy(), np.zeros(candidate.shape, dtype=index_type)
        else:
            better = candidate > best  # estricto: en un empate se queda la primera posición
            np.maximum(best, candidate, out=best)
            # where_best = u donde better, escrito con aritmética (np.where o copyto son ~20 veces más lentos aquí)
            where_best *= ~better
            where_best += better * where_best.dtype.type(u)
    return best, where_best


def _max_along_backward(grad, where_best, input_shape, axis, size, stride):
    """Inversa de :func:`_max_along`: cada gradiente va a la posición u que fue el máximo."""
    grad_input = np.zeros(input_shape, dtype=grad.dtype)
    for u, index in _axis_windows(axis, size, stride, grad.shape[axis]):
        if stride >= size:  # ventanas sin solapamiento: cada elemento recibe de una sola ventana
            np.multiply(grad, where_best == u, out=grad_input[index])
        else:               # ventanas solapadas: hay que sumar lo que llega de cada una
            grad_input[index] += grad * (where_best == u)
    return grad_input


class MaxPooling2D(_Pooling2D):
    """Max pooling: y = máximo de cada ventana de ``pool_size`` (``keras.layers.MaxPooling2D``).

    x: (N, H, W, C) -> y: (N, Ho, Wo, C). El gradiente de cada salida va entero al elemento de la
    ventana que fue el máximo; los demás reciben 0. Si hay empates, va a uno solo, el primero
    recorriendo la ventana por filas (la primera fila empatada y, en ella, la primera columna),
    como PyTorch y el núcleo de CPU de TensorFlow.
    """

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> y: (N, Ho, Wo, C); guarda dónde estaba el máximo de cada ventana."""
        x = self._prepare_input(x)
        padded, pads = self._pad(x, -np.inf)
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        Ho, Wo, _ = self.output_shape
        # El máximo de una ventana rectangular es separable: primero el máximo a lo largo del ancho
        # (en cada fila, la primera columna empatada) y luego del alto (la primera fila empatada):
        # así un empate se resuelve recorriendo la ventana por filas, como PyTorch y TensorFlow.
        cols, best_col = _max_along(padded, 2, pw, sw, Wo)      # (N, H, Wo, C)
        y, best_row = _max_along(cols, 1, ph, sh, Ho)           # (N, Ho, Wo, C)
        self._cache = (best_row, best_col, cols.shape, padded.shape, pads, x.shape)
        return y

    def backward(self, grad_y):
        """∂L/∂y: (N, Ho, Wo, C) -> ∂L/∂x: (N, H, W, C); cada gradiente va a su máximo."""
        grad_y = self._check_backward(grad_y)
        best_row, best_col, cols_shape, padded_shape, (top, left), (N, H, W, C) = self._cache
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        grad_cols = _max_along_backward(grad_y, best_row, cols_shape, 1, ph, sh)
        grad_padded = _max_along_backward(grad_cols, best_col, padded_shape, 2, pw, sw)
        return grad_padded[:, top:top + H, left:left + W, :]


class AveragePooling2D(_Pooling2D):
    """Average pooling: y = media de cada ventana de ``pool_size`` (``keras.layers.AveragePooling2D``).

    El gradiente de cada salida se reparte a partes iguales entre los elementos de su ventana.
    """

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> y: (N, Ho, Wo, C), la media de los valores reales de cada ventana."""
        x = self._prepare_input(x)
        padded, pads = self._pad(x, 0.0)
        ones, _ = self._pad(np.ones((1, *x.shape[1:3], 1), dtype=x.dtype), 0.0)  # 1 = valor real, 0 = relleno
        total, count = 0.0, 0.0
        for window in self._windows():
            total = total + padded[window]
            count = count + ones[window]
        y = total / count
        self._cache = (count, padded.shape, pads, x.shape)
        return y

    def backward(self, grad_y):
        """∂L/∂y: (N, Ho, Wo, C) -> ∂L/∂x: cada elemento recibe ∂L/∂y / (tamaño de su ventana)."""
        grad_y = self._check_backward(grad_y)
        count, padded_shape, (top, left), (N, H, W, C) = self._cache
        share = grad_y / count
        grad_padded = np.zeros(padded_shape, dtype=grad_y.dtype)
        for window in self._windows():
            grad_padded[window] += share
        return grad_padded[:, top:top + H, left:left + W, :]


class GlobalAveragePooling1D(Layer):
    """Media sobre el eje del tiempo, como ``keras.layers.GlobalAveragePooling1D``.

    x: (N, T, F) -> y: (N, F), con y[n, f] = (1/T) Σ_t x[n, t, f]. Resume una secuencia de cualquier
    longitud en un vector de tamaño fijo. Hacia atrás, cada paso recibe ∂L/∂y / T.
    """

    def check_input_shape(self, input_shape):
        if len(input_shape) != 2:
            raise CourseError(
                "GlobalAveragePooling1D esperaba secuencias de forma (ejemplos, pasos, características), pero "
                f"recibió un array de forma {self._received(input_shape)}."
            )

    def compute_output_shape(self, input_shape):
        return (input_shape[1],)

    def forward(self, x, training=False):
        """x: (N, T, F) -> y: (N, F)."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return x.mean(axis=1)

    def backward(self, grad_y):
        """∂L/∂y: (N, F) -> ∂L/∂x: (N, T, F), cada paso con ∂L/∂y / T."""
        grad_y = self._check_backward(grad_y)
        N, T, F = self._cache
        return np.broadcast_to(grad_y[:, None, :] / T, (N, T, F)).copy()
