"""Capas que solo cambian la forma o el tamaño, sin parámetros: ``Identity`` (nada), ``Flatten`` (aplanar), ``Reshape``
(reordenar en otra forma), ``Permute`` (reordenar los ejes), ``RepeatVector`` (repetir un vector en el
tiempo), ``ZeroPadding1D``/``2D`` (añadir ceros en los bordes) y ``Cropping1D``/``2D`` (recortarlos).

Como no calculan nada, su paso hacia atrás solo devuelve cada gradiente a su sitio (o suma los de las
copias, en RepeatVector)."""

import numpy as np

from .convolution import check_channels_last
from .layer import Layer
from .validation import CourseError, check_positive_int


class Flatten(Layer):
    """Aplana cada ejemplo: x: (N, d1, d2, ...) -> y: (N, d1·d2·…). El eje del lote se conserva.

    Se usa entre la última capa convolucional o de pooling y la primera capa densa
    (``keras.layers.Flatten``). El orden es el de NumPy (por filas), el mismo que en Keras con NHWC.
    """

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def forward(self, x, training=False):
        """x: (N, ...) -> y: (N, producto de las demás dimensiones)."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_y):
        """∂L/∂y: (N, D) -> ∂L/∂x: la misma forma que x (aplanar no cambia los valores)."""
        grad_y = self._check_backward(grad_y)
        return grad_y.reshape(self._cache)


class Reshape(Layer):
    """Da a cada ejemplo la forma ``target_shape`` (sin el eje del lote), como ``keras.layers.Reshape``.

    x: (N, d1, d2, …) -> y: (N, *target_shape), con el mismo número de valores por ejemplo y el orden
    de NumPy (por filas). Un −1 en ``target_shape`` (uno como mucho) se deduce del resto.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            shape = tuple(int(n) for n in target_shape)
        except (TypeError, ValueError):
            shape = None
        if not shape or shape.count(-1) > 1 or any(n == 0 or n < -1 for n in shape):
            raise CourseError(
                "Reshape: target_shape debe ser una tupla de enteros positivos (sin el eje del lote), con un "
                f"−1 como mucho para la dimensión que se deduce, p. ej. (7, 7, 1) o (-1, 16); se recibió {target_shape!r}."
            )
        self.target_shape = shape

    def _resolved(self, input_shape):
        size = int(np.prod(input_shape))
        known = int(np.prod([n for n in self.target_shape if n != -1]))
        shape = tuple(size // known if n == -1 else n for n in self.target_shape)
        if int(np.prod(shape)) != size:
            raise CourseError(
                f"Reshape ('{self.name}'): cada ejemplo tiene {size} valores (forma {tuple(input_shape)}), que no "
                f"caben en la forma {self.target_shape}. El producto de target_shape debe ser {size}."
            )
        return shape

    def check_input_shape(self, input_shape):
        self._resolved(input_shape)

    def compute_output_shape(self, input_shape):
        return self._resolved(input_shape)

    def forward(self, x, training=False):
        """x: (N, ...) -> y: (N, *target_shape)."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return x.reshape((x.shape[0],) + self.output_shape)

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x: los mismos valores con la forma de x."""
        grad_y = self._check_backward(grad_y)
        return grad_y.reshape(self._cache)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Identity(Layer):
    """La capa que no hace nada, como ``keras.layers.Identity``: y = x y ∂L/∂x = ∂L/∂y (útil para dejar el hueco
    de una capa opcional en un bloque)."""

    def forward(self, x, training=False):
        """x: (N, ...) -> y = x."""
        x = self._prepare_input(x)
        self._cache = True
        return x

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x = ∂L/∂y."""
        return self._check_backward(grad_y)


class RepeatVector(Layer):
    """Repite un vector n veces a lo largo de un eje nuevo de tiempo, como ``keras.layers.RepeatVector``.

    x: (N, F) -> y: (N, n, F), con y[:, t] = x para t = 1 … n. Convierte el resumen de un codificador en la
    secuencia de entrada de un decodificador (el autocodificador LSTM). Hacia atrás, ∂L/∂x = Σ_t ∂L/∂y[:, t].
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = check_positive_int(n, "RepeatVector: n (número de repeticiones)")

    def check_input_shape(self, input_shape):
        if len(input_shape) != 1:
            raise CourseError(
                f"RepeatVector esperaba vectores de forma (N, características), pero recibió un array de forma "
                f"{self._received(input_shape)}."
            )

    def compute_output_shape(self, input_shape):
        return (self.n, input_shape[0])

    def forward(self, x, training=False):
        """x: (N, F) -> y: (N, n, F)."""
        x = self._prepare_input(x)
        self._cache = True
        return np.repeat(x[:, None, :], self.n, axis=1)

    def backward(self, grad_y):
        """∂L/∂y: (N, n, F) -> ∂L/∂x: (N, F), la suma sobre las n copias."""
        grad_y = self._check_backward(grad_y)
        return grad_y.sum(axis=1)

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Reordena los ejes de cada ejemplo, como ``keras.layers.Permute``: ``dims`` numera los ejes desde 1 (el 0
    es el lote, que no se mueve). ``Permute((2, 1))`` convierte (N, T, F) en (N, F, T). Hacia atrás se aplica
    la permutación inversa."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            dims = tuple(int(d) for d in dims)
        except (TypeError, ValueError):
            dims = ()
        if not dims or sorted(dims) != list(range(1, len(dims) + 1)):
            raise CourseError(
                "Permute: dims debe ser una permutación de 1, 2, …, k (los ejes de un ejemplo; el 0 es el lote), "
                f"p. ej. (2, 1); se recibió {dims!r}."
            )
        self.dims = dims

    def check_input_shape(self, input_shape):
        if len(input_shape) != len(self.dims):
            raise CourseError(
                f"Permute ('{self.name}'): dims={self.dims} reordena {len(self.dims)} ejes, pero cada ejemplo tiene "
                f"{len(input_shape)} (forma {self._received(input_shape)})."
            )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[d - 1] for d in self.dims)

    def forward(self, x, training=False):
        """x: (N, d1, …, dk) -> y: (N, d_{dims[0]}, …)."""
        x = self._prepare_input(x)
        self._cache = True
        return np.ascontiguousarray(x.transpose((0,) + self.dims))

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x con la permutación inversa."""
        grad_y = self._check_backward(grad_y)
        inverse = np.argsort((0,) + self.dims)
        return np.ascontiguousarray(grad_y.transpose(inverse))

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


def _pairs(value, rank, name, who):
    """El relleno (o recorte) de cada eje como ((antes, después), …), con las formas que admite Keras:
    un entero (el mismo en todos los lados), uno por eje, o una pareja (antes, después) por eje."""
    def check(n):
        return check_positive_int(n, f"{who}: {name}", minimum=0)
    try:
        if isinstance(value, (int, np.integer)):
            return ((check(value),) * 2,) * rank
        value = tuple(value)
        if rank == 1 and len(value) == 2 and all(isinstance(v, (int, np.integer)) for v in value):
            return ((check(value[0]), check(value[1])),)
        if len(value) == rank and all(isinstance(v, (int, np.integer)) for v in value):
            return tuple((check(v), check(v)) for v in value)
        if len(value) == rank and all(len(v) == 2 for v in value):
            return tuple((check(v[0]), check(v[1])) for v in value)
    except TypeError:
        pass
    example = "2 o (1, 2)" if rank == 1 else "1, (1, 2) o ((1, 0), (2, 2))"
    raise CourseError(f"{who}: {name} debe ser un entero o tuplas de enteros ≥ 0, p. ej. {example}; se recibió {value!r}.")


class _Padding(Layer):
    """Lo común a ZeroPadding y Cropping: ``amounts`` = ((antes, después), …) por eje espacial."""

    rank = 2
    argument = "padding"

    def _check_rank(self, input_shape):
        if len(input_shape) != self.rank + 1:
            what = "imágenes de forma (N, alto, ancho, canales)" if self.rank == 2 else "secuencias de forma (N, pasos, canales)"
            raise CourseError(
                f"{type(self).__name__} esperaba {what}, pero recibió un array de forma {self._received(input_shape)}."
            )

    def get_config(self):
        value = [list(p) for p in self.amounts] if self.rank == 2 else list(self.amounts[0])
        return {**super().get_config(), self.argument: value}


class ZeroPadding2D(_Padding):
    """Añade ceros alrededor de cada imagen, como ``keras.layers.ZeroPadding2D``.

    x: (N, H, W, C) -> y: (N, arriba + H + abajo, izquierda + W + derecha, C). ``padding``: 1 (un píxel en
    cada lado), (1, 2) (1 arriba y abajo, 2 a los lados) o ((arriba, abajo), (izquierda, derecha)).
    Hacia atrás, ∂L/∂x es la parte central de ∂L/∂y.
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, type(self).__name__)
        self.amounts = _pairs(padding, self.rank, "padding", type(self).__name__)

    def check_input_shape(self, input_shape):
        self._check_rank(input_shape)

    def compute_output_shape(self, input_shape):
        return tuple(None if n is None else n + a + b
                     for n, (a, b) in zip(input_shape[:-1], self.amounts)) + (input_shape[-1],)

    def forward(self, x, training=False):
        """x -> y con ceros alrededor."""
        x = self._prepare_input(x)
        self._cache = x.shape
        return np.pad(x, ((0, 0), *self.amounts, (0, 0)))

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x: la parte de ∂L/∂y que corresponde a x (los ceros no dependen de x)."""
        grad_y = self._check_backward(grad_y)
        index = (slice(None),) + tuple(slice(a, a + n) for (a, _), n in zip(self.amounts, self._cache[1:-1]))
        return np.ascontiguousarray(grad_y[index])


class ZeroPadding1D(ZeroPadding2D):
    """Añade ceros al principio y al final de cada secuencia, como ``keras.layers.ZeroPadding1D``.

    x: (N, T, C) -> y: (N, antes + T + después, C); ``padding``: 1 o (antes, después).
    """

    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding=padding, **kwargs)


class Cropping2D(_Padding):
    """Recorta los bordes de cada imagen, como ``keras.layers.Cropping2D`` (la inversa de ZeroPadding2D).

    x: (N, H, W, C) -> y: (N, H − arriba − abajo, W − izquierda − derecha, C). ``cropping``: 1, (1, 2) o
    ((arriba, abajo), (izquierda, derecha)). Hacia atrás, ∂L/∂x es ∂L/∂y rodeado de ceros (los bordes
    recortados no influyen en la pérdida). Ajusta los tamaños antes de juntar ramas (la U-Net).
    """

    argument = "cropping"

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, type(self).__name__)
        self.amounts = _pairs(cropping, self.rank, "cropping", type(self).__name__)

    def check_input_shape(self, input_shape):
        self._check_rank(input_shape)
        for n, (a, b) in zip(input_shape[:-1], self.amounts):
            if n is not None and a + b >= n:
                raise CourseError(
                    f"{type(self).__name__} ('{self.name}'): no se pueden recortar {a} + {b} posiciones de un eje de "
                    f"tamaño {n} (forma {self._received(input_shape)})."
                )

    def compute_output_shape(self, input_shape):
        return tuple(None if n is None else n - a - b
                     for n, (a, b) in zip(input_shape[:-1], self.amounts)) + (input_shape[-1],)

    def forward(self, x, training=False):
        """x -> y: la parte central."""
        x = self._prepare_input(x)
        self._cache = x.shape
        index = (slice(None),) + tuple(slice(a, n - b) for (a, b), n in zip(self.amounts, x.shape[1:-1]))
        return np.ascontiguousarray(x[index])

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x: ∂L/∂y en el centro y ceros en los bordes recortados."""
        grad_y = self._check_backward(grad_y)
        return np.pad(grad_y, ((0, 0), *self.amounts, (0, 0)))


class Cropping1D(Cropping2D):
    """Recorta el principio y el final de cada secuencia, como ``keras.layers.Cropping1D``.

    x: (N, T, C) -> y: (N, T − antes − después, C); ``cropping``: 1 o (antes, después).
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping=cropping, **kwargs)
