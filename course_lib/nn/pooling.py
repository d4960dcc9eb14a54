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

from .convolution import as_tuple, check_channels_last, check_fits, check_padding, padding_amounts
from .layer import Layer
from .validation import CourseError


class _Pooling(Layer):
    """Lo común a los pooling 1D y 2D: argumentos, formas y la geometría de las ventanas.

    El pooling 1D es el 2D sobre una imagen de alto 1: (N, T, C) se ve como (N, 1, T, C), con ventanas de
    1 × pool_size. Así hay una sola implementación (la 2D) y dos caras.
    """

    rank = 2

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        check_channels_last(data_format, who)
        self.pool_size = as_tuple(pool_size, self.rank, "pool_size", who)
        self.strides = self.pool_size if strides is None else as_tuple(strides, self.rank, "strides", who)
        self.padding = check_padding(padding, who)

    @property
    def _pool2(self):
        """(alto, ancho) de la ventana en la vista 2D."""
        return self.pool_size if self.rank == 2 else (1,) + self.pool_size

    @property
    def _strides2(self):
        return self.strides if self.rank == 2 else (1,) + self.strides

    def check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 1:
            if self.rank == 2:
                expected = "imágenes o mapas de características de forma (N, alto, ancho, canales)"
                hint = (" Si son imágenes en escala de grises sin eje de canales, añádelo con x[..., None]."
                        if len(input_shape) == 2 else "")
            else:
                expected = "secuencias de forma (N, pasos, canales)"
                hint = " Si cada ejemplo es una sola serie de números, añade el eje de canales con x[..., None]." \
                    if len(input_shape) == 1 else ""
            raise CourseError(
                f"{type(self).__name__} esperaba un lote de {expected}, pero recibió un array de forma "
                f"{self._received(input_shape)}.{hint}"
            )
        hw = tuple(input_shape[:2]) if self.rank == 2 else (1, input_shape[0])
        check_fits(hw, self._pool2, self._strides2, self.padding, f"{type(self).__name__} ('{self.name}')")

    def compute_output_shape(self, input_shape):
        shape = _pooled_shape(tuple(input_shape) if self.rank == 2 else (1,) + tuple(input_shape),
                              self._pool2, self._strides2, self.padding)
        return shape if self.rank == 2 else shape[1:]

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> y: (N, Ho, Wo, C)   (1D: x: (N, T, C) -> y: (N, To, C))."""
        x = self._prepare_input(x)
        y, self._cache = self._pool(x if self.rank == 2 else x[:, None])
        return y if self.rank == 2 else y[:, 0]

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x, con la forma de x."""
        grad_y = self._check_backward(grad_y)
        grad_x = self._unpool(grad_y if self.rank == 2 else grad_y[:, None], self._cache)
        return grad_x if self.rank == 2 else grad_x[:, 0]

    def _pad(self, x, fill):
        """x: (N, H, W, C) -> x rellenado con ``fill`` según padding, y los rellenos (arriba, izquierda)."""
        N, H, W, C = x.shape
        (ph, pw), (sh, sw) = self._pool2, self._strides2
        top, bottom, _ = padding_amounts(H, ph, sh, self.padding)
        left, right, _ = padding_amounts(W, pw, sw, self.padding)
        if top == bottom == left == right == 0:
            return x, (0, 0)
        padded = np.full((N, H + top + bottom, W + left + right, C), fill, dtype=x.dtype)
        padded[:, top:top + H, left:left + W, :] = x
        return padded, (top, left)

    def _windows(self, output_hw):
        """Para cada desplazamiento (u, v) de la ventana, los índices de la rebanada de x que le tocan."""
        (ph, pw), (sh, sw) = self._pool2, self._strides2
        Ho, Wo = output_hw
        for u in range(ph):
            for v in range(pw):
                yield (slice(None), slice(u, u + sh * (Ho - 1) + 1, sh), slice(v, v + sw * (Wo - 1) + 1, sw))

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding}


def _pooled_shape(input_shape, pool, strides, padding):
    """(H, W, C) -> (Ho, Wo, C) con las reglas de tamaño de Conv2D."""
    H, W, C = input_shape
    Ho = None if H is None else padding_amounts(H, pool[0], strides[0], padding)[2]
    Wo = None if W is None else padding_amounts(W, pool[1], strides[1], padding)[2]
    return (Ho, Wo, C)


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


class _MaxPooling(_Pooling):
    """Max pooling: y = máximo de cada ventana. El gradiente de cada salida va entero al elemento de la
    ventana que fue el máximo; los demás reciben 0. Si hay empates, va a uno solo, el primero recorriendo
    la ventana por filas (la primera fila empatada y, en ella, la primera columna), como PyTorch y el
    núcleo de CPU de TensorFlow."""

    def _pool(self, x):
        """x: (N, H, W, C) -> y: (N, Ho, Wo, C) y lo que necesita el paso hacia atrás (dónde estaba el máximo)."""
        padded, pads = self._pad(x, -np.inf)
        (ph, pw), (sh, sw) = self._pool2, self._strides2
        Ho, Wo, _ = _pooled_shape(x.shape[1:], self._pool2, self._strides2, self.padding)
        # El máximo de una ventana rectangular es separable: primero el máximo a lo largo del ancho
        # (en cada fila, la primera columna empatada) y luego del alto (la primera fila empatada):
        # así un empate se resuelve recorriendo la ventana por filas, como PyTorch y TensorFlow.
        cols, best_col = _max_along(padded, 2, pw, sw, Wo)      # (N, H, Wo, C)
        y, best_row = _max_along(cols, 1, ph, sh, Ho)           # (N, Ho, Wo, C)
        return y, (best_row, best_col, cols.shape, padded.shape, pads, x.shape)

    def _unpool(self, grad_y, cache):
        """∂L/∂y: (N, Ho, Wo, C) -> ∂L/∂x: (N, H, W, C); cada gradiente va a su máximo."""
        best_row, best_col, cols_shape, padded_shape, (top, left), (N, H, W, C) = cache
        (ph, pw), (sh, sw) = self._pool2, self._strides2
        grad_cols = _max_along_backward(grad_y, best_row, cols_shape, 1, ph, sh)
        grad_padded = _max_along_backward(grad_cols, best_col, padded_shape, 2, pw, sw)
        return grad_padded[:, top:top + H, left:left + W, :]


class _AveragePooling(_Pooling):
    """Average pooling: y = media de los valores reales de cada ventana (el relleno de "same" no cuenta,
    como en TensorFlow). El gradiente de cada salida se reparte a partes iguales entre su ventana."""

    def _pool(self, x):
        """x: (N, H, W, C) -> y: (N, Ho, Wo, C), la media de los valores reales de cada ventana."""
        padded, pads = self._pad(x, 0.0)
        ones, _ = self._pad(np.ones((1, *x.shape[1:3], 1), dtype=x.dtype), 0.0)  # 1 = valor real, 0 = relleno
        output_hw = _pooled_shape(x.shape[1:], self._pool2, self._strides2, self.padding)[:2]
        total, count = 0.0, 0.0
        for window in self._windows(output_hw):
            total = total + padded[window]
            count = count + ones[window]
        return total / count, (count, padded.shape, pads, x.shape, output_hw)

    def _unpool(self, grad_y, cache):
        """∂L/∂y: (N, Ho, Wo, C) -> ∂L/∂x: cada elemento recibe ∂L/∂y / (tamaño de su ventana)."""
        count, padded_shape, (top, left), (N, H, W, C), output_hw = cache
        share = grad_y / count
        grad_padded = np.zeros(padded_shape, dtype=grad_y.dtype)
        for window in self._windows(output_hw):
            grad_padded[window] += share
        return grad_padded[:, top:top + H, left:left + W, :]


class MaxPooling2D(_MaxPooling):
    """Max pooling 2D, como ``keras.layers.MaxPooling2D``: y[n, i, j, c] = máx_{u, v} x[n, i·s + u, j·s + v, c].

    x: (N, H, W, C) -> y: (N, Ho, Wo, C). Ventanas de ``pool_size`` (2 × 2 por defecto) con paso
    ``strides`` (por defecto, el tamaño de la ventana) y ``padding`` "valid" o "same".
    """


class AveragePooling2D(_AveragePooling):
    """Average pooling 2D, como ``keras.layers.AveragePooling2D``: y = media de cada ventana de ``pool_size``.

    x: (N, H, W, C) -> y: (N, Ho, Wo, C).
    """


class MaxPooling1D(_MaxPooling):
    """Max pooling 1D, como ``keras.layers.MaxPooling1D``: y[n, t, c] = máx_{u < p} x[n, t·s + u, c].

    x: (N, T, C) -> y: (N, To, C), con To = ⌊(T − p)/s⌋ + 1 ("valid") o ⌈T/s⌉ ("same").
    """

    rank = 1


class AveragePooling1D(_AveragePooling):
    """Average pooling 1D, como ``keras.layers.AveragePooling1D``: y[n, t, c] = media_{u < p} x[n, t·s + u, c].

    x: (N, T, C) -> y: (N, To, C).
    """

    rank = 1


class _GlobalPooling(Layer):
    """Pooling global: resume cada canal de todo el ejemplo en un número (la media o el máximo sobre los
    pasos, o sobre el alto y el ancho). Sin parámetros. ``keepdims=True`` conserva los ejes reducidos con
    tamaño 1, como Keras: (N, 1, C) o (N, 1, 1, C)."""

    rank = 1

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)

    @property
    def _axes(self):
        """Los ejes que se reducen, contando el del lote: (1,) o (1, 2)."""
        return tuple(range(1, self.rank + 1))

    def check_input_shape(self, input_shape):
        if len(input_shape) != self.rank + 1:
            expected = ("secuencias de forma (ejemplos, pasos, características)" if self.rank == 1
                        else "imágenes o mapas de características de forma (N, alto, ancho, canales)")
            raise CourseError(
                f"{type(self).__name__} esperaba {expected}, pero recibió un array de forma "
                f"{self._received(input_shape)}."
            )

    def compute_output_shape(self, input_shape):
        return (1,) * self.rank + (input_shape[-1],) if self.keepdims else (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class _GlobalAveragePooling(_GlobalPooling):
    def forward(self, x, training=False):
        """x: (N, ..., C) -> y: (N, C), la media de cada canal."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return x.mean(axis=self._axes, keepdims=self.keepdims)

    def backward(self, grad_y):
        """∂L/∂y: (N, C) -> ∂L/∂x: cada posición recibe ∂L/∂y / (número de posiciones)."""
        grad_y = self._check_backward(grad_y)
        shape = self._cache
        positions = int(np.prod([shape[a] for a in self._axes]))
        grad_y = grad_y.reshape((shape[0],) + (1,) * self.rank + (shape[-1],))
        return np.broadcast_to(grad_y / positions, shape).copy()


class _GlobalMaxPooling(_GlobalPooling):
    def forward(self, x, training=False):
        """x: (N, ..., C) -> y: (N, C), el máximo de cada canal."""
        x = self._prepare_input(x)
        y = x.max(axis=self._axes, keepdims=True)
        self._cache = x == y          # dónde está el máximo (más de un sitio si hay empate)
        return y if self.keepdims else y.reshape(x.shape[0], x.shape[-1])

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x: el gradiente de cada canal va a la posición del máximo; en un empate se reparte a
        partes iguales entre las posiciones empatadas (como la derivada de ``max`` en TensorFlow y de
        ``amax`` en PyTorch, las que usa Keras)."""
        grad_y = self._check_backward(grad_y)
        is_max = self._cache
        ties = is_max.sum(axis=self._axes, keepdims=True).astype(grad_y.dtype)
        grad_y = grad_y.reshape((is_max.shape[0],) + (1,) * self.rank + (is_max.shape[-1],))
        return is_max * (grad_y / ties)


class GlobalAveragePooling1D(_GlobalAveragePooling):
    """Media sobre el eje del tiempo, como ``keras.layers.GlobalAveragePooling1D``.

    x: (N, T, F) -> y: (N, F), con y[n, f] = (1/T) Σ_t x[n, t, f]. Resume una secuencia de cualquier
    longitud en un vector de tamaño fijo. Hacia atrás, cada paso recibe ∂L/∂y / T.
    """


class GlobalMaxPooling1D(_GlobalMaxPooling):
    """Máximo sobre el eje del tiempo, como ``keras.layers.GlobalMaxPooling1D``.

    x: (N, T, F) -> y: (N, F), con y[n, f] = máx_t x[n, t, f]: «¿apareció este patrón en algún punto
    de la secuencia?» (tras una Conv1D, la clasificación de textos clásica). Hacia atrás, ∂L/∂y va al
    paso del máximo.
    """


class GlobalAveragePooling2D(_GlobalAveragePooling):
    """Media de cada canal sobre toda la imagen, como ``keras.layers.GlobalAveragePooling2D``.

    x: (N, H, W, C) -> y: (N, C), con y[n, c] = (1/(H·W)) Σ_{i, j} x[n, i, j, c]. Sustituye a Flatten +
    Dense al final de las CNN modernas (ResNet, MobileNet): sin parámetros y válida para cualquier tamaño
    de imagen. Hacia atrás, cada píxel recibe ∂L/∂y / (H·W).
    """

    rank = 2


class GlobalMaxPooling2D(_GlobalMaxPooling):
    """Máximo de cada canal sobre toda la imagen, como ``keras.layers.GlobalMaxPooling2D``.

    x: (N, H, W, C) -> y: (N, C), con y[n, c] = máx_{i, j} x[n, i, j, c]. Hacia atrás, ∂L/∂y va al píxel
    del máximo (repartido a partes iguales si hay empate).
    """

    rank = 2
