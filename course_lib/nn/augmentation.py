"""Aumento de datos (*data augmentation*) dentro del modelo, como las capas de Keras: ``RandomFlip``,
``RandomTranslation``, ``RandomRotation``, ``RandomZoom``, ``RandomContrast`` y ``RandomBrightness``.

Solo actúan en el entrenamiento (``training=True``, lo que hace ``fit``): cada lote ve versiones nuevas de
sus imágenes, volteadas, desplazadas, giradas… y el modelo aprende que la clase no depende de eso. En la
inferencia (``predict``, ``evaluate``) son la identidad. Los sorteos salen del generador del motor (o de
``seed=``), así que ``fit(seed=…)`` los repite.

Las transformaciones geométricas muestrean la imagen de entrada en otras posiciones: la salida en el
píxel (i, j) es la entrada en un punto (i', j') que no suele caer en un píxel. Con ``interpolation=
"bilinear"`` se mezclan los cuatro vecinos, pesados por la distancia; con ``"nearest"``, el más cercano.
Los puntos que caen fuera se rellenan según ``fill_mode`` (la imagen se extiende antes de muestrear):

- ``"reflect"`` (por defecto): espejo sobre el borde, (d c b a | a b c d | d c b a);
- ``"wrap"``: la imagen se repite, (a b c d | a b c d | a b c d);
- ``"nearest"``: se repite el borde, (a a a a | a b c d | d d d d);
- ``"constant"``: ``fill_value`` (0 por defecto).

Todo es lineal en x, así que el paso hacia atrás devuelve cada gradiente a los píxeles de los que salió la
salida, con los mismos pesos (``np.add.at`` suma los que coinciden).
"""

import numpy as np

from . import config
from .convolution import check_channels_last
from .layer import Layer
from .validation import CourseError, check_number

FILL_MODES = ("reflect", "wrap", "nearest", "constant")
INTERPOLATIONS = ("bilinear", "nearest")


def _fill_index(index, n, fill_mode):
    """Índices enteros fuera de [0, n) llevados dentro según el modo de relleno (y si son válidos)."""
    if fill_mode == "reflect":
        period = 2 * n
        index = np.mod(index, period)
        return np.where(index >= n, period - 1 - index, index), None
    if fill_mode == "wrap":
        return np.mod(index, n), None
    inside = (index >= 0) & (index < n)
    return np.clip(index, 0, n - 1), (None if fill_mode == "nearest" else inside)


def sample_images(x, rows, cols, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Muestrea cada imagen de x: (N, H, W, C) en los puntos (rows, cols): (N, Ho, Wo) -> y: (N, Ho, Wo, C).

    y[n, i, j] = Σ_k w_k · x[n, fila_k, col_k] sobre los vecinos k del punto (4 con bilineal, 1 con vecino más
    próximo), con los índices llevados dentro de la imagen según ``fill_mode``. Devuelve también lo que
    necesita :func:`sample_images_backward`.
    """
    N, H, W, C = x.shape
    batch = np.arange(N)[:, None, None]
    if interpolation == "nearest":
        corners = [(np.floor(rows + 0.5).astype(np.int64), np.floor(cols + 0.5).astype(np.int64), None)]
    else:
        r0, c0 = np.floor(rows).astype(np.int64), np.floor(cols).astype(np.int64)
        wr, wc = (rows - r0).astype(x.dtype), (cols - c0).astype(x.dtype)
        corners = [(r0, c0, (1 - wr) * (1 - wc)), (r0, c0 + 1, (1 - wr) * wc),
                   (r0 + 1, c0, wr * (1 - wc)), (r0 + 1, c0 + 1, wr * wc)]
    y = np.zeros(rows.shape + (C,), dtype=x.dtype)
    used = []
    for r, c, weight in corners:
        r, inside_r = _fill_index(r, H, fill_mode)
        c, inside_c = _fill_index(c, W, fill_mode)
        weight = np.ones(rows.shape, dtype=x.dtype) if weight is None else weight
        if inside_r is not None:         # "constant": lo de fuera pesa fill_value, no un píxel
            inside = inside_r & inside_c
            if fill_value:
                y += (weight * ~inside)[..., None] * x.dtype.type(fill_value)
            weight = weight * inside
        y += weight[..., None] * x[batch, r, c]
        used.append((r, c, weight))
    return y, (x.shape, used)


def sample_images_backward(grad_y, cache):
    """∂L/∂y: (N, Ho, Wo, C) -> ∂L/∂x: (N, H, W, C): cada ∂L/∂y[n, i, j] vuelve a sus vecinos con su peso."""
    shape, used = cache
    batch = np.broadcast_to(np.arange(shape[0])[:, None, None], used[0][0].shape)
    grad_x = np.zeros(shape, dtype=grad_y.dtype)
    for r, c, weight in used:
        np.add.at(grad_x, (batch, r, c), weight[..., None] * grad_y)
    return grad_x


def _factor_range(factor, name, who):
    """Un número f -> (−f, f); una pareja (a, b) -> (a, b), como los factores de Keras."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise CourseError(f"{who}: {name} debe ser un número o una pareja (mínimo, máximo); se recibió {factor!r}.")
        low, high = (check_number(v, f"{who}: {name}") for v in factor)
    else:
        high = abs(check_number(factor, f"{who}: {name}"))
        low = -high
    if low > high:
        raise CourseError(f"{who}: en {name} el mínimo ({low}) es mayor que el máximo ({high}).")
    return low, high


class _RandomLayer(Layer):
    """Lo común: imágenes (N, H, W, C), identidad en la inferencia y el generador de sorteos."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, type(self).__name__)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise CourseError(f"{type(self).__name__}: seed debe ser un entero no negativo o None; se recibió {seed!r}.")
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def _generator(self):
        return self._rng if self._rng is not None else config.rng()

    def check_input_shape(self, input_shape):
        if len(input_shape) != 3:
            raise CourseError(
                f"{type(self).__name__} esperaba un lote de imágenes de forma (N, alto, ancho, canales), pero recibió "
                f"un array de forma {self._received(input_shape)}."
            )

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> y: (N, H, W, C), transformada al azar si training, x tal cual si no."""
        x = self._prepare_input(x)
        if not training:
            self._cache = None, None
            return x
        y, cache = self.transform(x)
        self._cache = True, cache
        return y

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x (la misma transformación lineal, traspuesta)."""
        grad_y = self._check_backward(grad_y)
        transformed, cache = self._cache
        return self.transform_backward(grad_y, cache) if transformed else grad_y

    def transform(self, x):
        """La transformación al azar de un lote: (y, lo que necesita ``transform_backward``)."""
        raise NotImplementedError

    def transform_backward(self, grad_y, cache):
        """∂L/∂y -> ∂L/∂x de la última transformación."""
        raise NotImplementedError

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class RandomFlip(_RandomLayer):
    """Voltea cada imagen al azar (con probabilidad ½), como ``keras.layers.RandomFlip``.

    ``mode``: "horizontal" (izquierda ↔ derecha), "vertical" (arriba ↔ abajo) o "horizontal_and_vertical"
    (cada una con su sorteo). Hacia atrás, el gradiente se voltea igual.
    """

    MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode="horizontal_and_vertical", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if mode not in self.MODES:
            raise CourseError(
                f"RandomFlip: mode debe ser 'horizontal', 'vertical' o 'horizontal_and_vertical'; se recibió {mode!r}."
            )
        self.mode = mode

    def _flip(self, x, flips):
        horizontal, vertical = flips
        y = x.copy()
        if horizontal is not None:
            y[horizontal] = y[horizontal][:, :, ::-1]
        if vertical is not None:
            y[vertical] = y[vertical][:, ::-1]
        return y

    def transform(self, x):
        rng, N = self._generator(), x.shape[0]
        horizontal = rng.random(N) < 0.5 if self.mode != "vertical" else None
        vertical = rng.random(N) < 0.5 if self.mode != "horizontal" else None
        return self._flip(x, (horizontal, vertical)), (horizontal, vertical)

    def transform_backward(self, grad_y, flips):
        return self._flip(grad_y, flips)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


class _Geometric(_RandomLayer):
    """Transformaciones que mueven los píxeles: cada subclase da, para cada imagen, el punto de entrada que va
    a cada píxel de salida (``source_points``); aquí se muestrea y se deshace hacia atrás."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        who = type(self).__name__
        if fill_mode not in FILL_MODES:
            raise CourseError(f"{who}: fill_mode debe ser uno de {', '.join(map(repr, FILL_MODES))}; se recibió {fill_mode!r}.")
        if interpolation not in INTERPOLATIONS:
            raise CourseError(f"{who}: interpolation debe ser 'bilinear' o 'nearest'; se recibió {interpolation!r}.")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.fill_value = check_number(fill_value, f"{who}: fill_value")

    @staticmethod
    def _grid(N, H, W):
        """Filas y columnas de cada píxel de salida, centradas en el centro de la imagen: (N, H, W) cada una."""
        rows = np.broadcast_to((np.arange(H) - (H - 1) / 2)[None, :, None], (N, H, W))
        cols = np.broadcast_to((np.arange(W) - (W - 1) / 2)[None, None, :], (N, H, W))
        return rows, cols

    def source_points(self, rng, N, H, W):
        """Para cada imagen, la fila y la columna de la entrada que se leen en cada píxel de salida."""
        raise NotImplementedError

    def transform(self, x):
        N, H, W, _ = x.shape
        rows, cols = self.source_points(self._generator(), N, H, W)
        return sample_images(x, rows + (H - 1) / 2, cols + (W - 1) / 2, self.interpolation, self.fill_mode,
                             self.fill_value)

    def transform_backward(self, grad_y, cache):
        return sample_images_backward(grad_y, cache)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}


class RandomTranslation(_Geometric):
    """Desplaza cada imagen al azar, como ``keras.layers.RandomTranslation``: dy ~ U(height_factor)·alto y
    dx ~ U(width_factor)·ancho píxeles (positivo: hacia abajo y hacia la derecha), y[i, j] = x[i − dy, j − dx].

    Cada factor es una fracción del tamaño: 0,1 sortea entre −10 % y +10 %; (a, b), entre a y b.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = _factor_range(height_factor, "height_factor", "RandomTranslation")
        self.width_factor = _factor_range(width_factor, "width_factor", "RandomTranslation")

    def source_points(self, rng, N, H, W):
        dy = rng.uniform(*self.height_factor, size=N)[:, None, None] * H
        dx = rng.uniform(*self.width_factor, size=N)[:, None, None] * W
        rows, cols = self._grid(N, H, W)
        return rows - dy, cols - dx

    def get_config(self):
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": list(self.width_factor)}


class RandomRotation(_Geometric):
    """Gira cada imagen alrededor de su centro, como ``keras.layers.RandomRotation``: θ ~ U(factor)·2π
    (positivo: en sentido contrario a las agujas del reloj). ``factor=0.1`` gira hasta ±36°.

    Cada píxel de salida p lee la entrada en R(−θ)·p (coordenadas respecto del centro).
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = _factor_range(factor, "factor", "RandomRotation")

    def source_points(self, rng, N, H, W):
        theta = 2 * np.pi * rng.uniform(*self.factor, size=N)[:, None, None]
        rows, cols = self._grid(N, H, W)
        # Con x = columna e y = −fila (el eje y hacia arriba), girar el contenido θ en sentido antihorario es
        # leer en R(−θ)·p: x' = x·cos θ + y·sen θ, y' = −x·sen θ + y·cos θ; de vuelta en filas y columnas:
        cos, sin = np.cos(theta), np.sin(theta)
        return cos * rows + sin * cols, cos * cols - sin * rows

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor)}


class RandomZoom(_Geometric):
    """Acerca o aleja cada imagen al azar, como ``keras.layers.RandomZoom``: zy ~ U(height_factor) y
    zx ~ U(width_factor) (sin ``width_factor``, el mismo que en alto: se conserva la proporción). Un factor
    positivo aleja (la imagen se ve más pequeña: el píxel p lee la entrada en p·(1 + z)); negativo, acerca.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = _factor_range(height_factor, "height_factor", "RandomZoom")
        self.width_factor = None if width_factor is None else _factor_range(width_factor, "width_factor", "RandomZoom")
        if min(self.height_factor) <= -1 or (self.width_factor is not None and min(self.width_factor) <= -1):
            raise CourseError("RandomZoom: los factores deben ser mayores que −1 (−1 sería acercar infinitamente).")

    def source_points(self, rng, N, H, W):
        zy = rng.uniform(*self.height_factor, size=N)[:, None, None]
        zx = zy if self.width_factor is None else rng.uniform(*self.width_factor, size=N)[:, None, None]
        rows, cols = self._grid(N, H, W)
        return rows * (1 + zy), cols * (1 + zx)

    def get_config(self):
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": None if self.width_factor is None else list(self.width_factor)}


class RandomContrast(_RandomLayer):
    """Cambia el contraste de cada imagen al azar, como ``keras.layers.RandomContrast``:

        y = recorte((x − μ_c)·k + μ_c, value_range),   k ~ U(1 − factor, 1 + factor) por imagen

    con μ_c la media de cada canal de la imagen. Hacia atrás (donde no se recortó):
    ∂L/∂x = k·∂L/∂y + (1 − k)·media(∂L/∂y) de su canal.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        # Como Keras: f -> k ~ U(1 − f, 1 + f); (a, b) -> k ~ U(1 − a, 1 + b).
        low, high = _factor_range(factor, "factor", "RandomContrast")
        self.factor = (low, high) if isinstance(factor, (tuple, list)) else (high, high)
        if not all(0 <= f <= 1 for f in self.factor):
            raise CourseError(f"RandomContrast: factor debe estar entre 0 y 1; se recibió {factor!r}.")
        self.value_range = tuple(float(v) for v in value_range)

    def transform(self, x):
        k = self._generator().uniform(1 - self.factor[0], 1 + self.factor[1], size=(x.shape[0], 1, 1, 1)).astype(x.dtype)
        mean = x.mean(axis=(1, 2), keepdims=True)
        y = (x - mean) * k + mean
        kept = (y >= self.value_range[0]) & (y <= self.value_range[1])
        return np.clip(y, *self.value_range).astype(x.dtype, copy=False), (k, kept)

    def transform_backward(self, grad_y, cache):
        k, kept = cache
        g = grad_y * kept
        return k * g + (1 - k) * g.mean(axis=(1, 2), keepdims=True)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomBrightness(_RandomLayer):
    """Cambia el brillo de cada imagen al azar, como ``keras.layers.RandomBrightness``:

        y = recorte(x + δ, value_range),   δ ~ U(factor)·(máx − mín) por imagen

    (``factor=0.2`` suma hasta ±20 % del rango de valores). Hacia atrás, ∂L/∂x = ∂L/∂y donde no se recortó.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = _factor_range(factor, "factor", "RandomBrightness")
        if min(self.factor) < -1 or max(self.factor) > 1:
            raise CourseError(f"RandomBrightness: factor debe estar entre −1 y 1; se recibió {factor!r}.")
        self.value_range = tuple(float(v) for v in value_range)

    def transform(self, x):
        span = self.value_range[1] - self.value_range[0]
        delta = (self._generator().uniform(*self.factor, size=(x.shape[0], 1, 1, 1)) * span).astype(x.dtype)
        y = x + delta
        kept = (y >= self.value_range[0]) & (y <= self.value_range[1])
        return np.clip(y, *self.value_range).astype(x.dtype, copy=False), kept

    def transform_backward(self, grad_y, kept):
        return grad_y * kept

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}
