"""Capas que juntan varios tensores en uno, como en Keras: ``Add`` (suma), ``Subtract`` (resta),
``Multiply`` (producto), ``Average`` (media), ``Maximum`` y ``Minimum`` elemento a elemento,
``Concatenate`` (concatenación) y ``Dot`` (producto escalar por ejemplo).

Se llaman con una lista, como en Keras: ``Add()([a, b])``, ``Concatenate(axis=-1)([a, b])``; las
funciones en minúsculas (``add([a, b])``, ``concatenate([a, b])``…) crean la capa y la llaman, como
``keras.layers.add``. ``backward(grad)`` devuelve una lista con un gradiente por tensor de entrada, en
el mismo orden.

Las operaciones elemento a elemento admiten, como Keras, tensores con los mismos ejes que se difunden
(*broadcasting*) donde uno tiene tamaño 1: (N, T, D) ⊙ (N, T, 1). Hacia atrás, el gradiente de ese
tensor suma lo que llega por todas las posiciones a las que se difundió.
"""

import numpy as np

from . import config
from .layer import Layer
from .validation import CourseError, as_float_array, describe


class _Merge(Layer):
    """Lo común: validar la lista de entradas y construir la capa (no tiene parámetros)."""

    def _check_list(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') espera una lista de al menos dos tensores, p. ej. "
                f"{type(self).__name__}()([a, b]); se recibió {describe(inputs)}."
            )

    def symbolic_output_shape(self, input_shapes, **kwargs):
        self._check_list(input_shapes)
        return self.compute_output_shape([tuple(s) for s in input_shapes])

    def build(self, input_shapes):
        self.input_shape = [tuple(s) for s in input_shapes]
        self.output_shape = self.compute_output_shape(self.input_shape)
        self.built = True

    def _prepare_inputs(self, inputs):
        self._check_list(inputs)
        arrays = [x if isinstance(x, np.ndarray) and x.dtype == config.dtype()
                  else as_float_array(x, f"{type(self).__name__} ('{self.name}'): entrada {i}")
                  for i, x in enumerate(inputs)]
        if len({a.shape[0] if a.ndim else None for a in arrays}) != 1 or arrays[0].ndim < 2:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}'): todas las entradas deben ser lotes con el mismo número de "
                f"ejemplos; se recibieron formas {[a.shape for a in arrays]}."
            )
        self.build([a.shape[1:] for a in arrays])
        self._batch_size = arrays[0].shape[0]
        return arrays

    def get_config(self):
        config_ = super().get_config()
        config_.pop("input_shape", None)
        return config_


def _unbroadcast(grad, shape):
    """Suma ∂L/∂y sobre los ejes en que la entrada, de forma ``shape`` (con el lote), se difundió."""
    axes = tuple(i for i, (g, n) in enumerate(zip(grad.shape, shape)) if n == 1 and g != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


class _ElementwiseMerge(_Merge):
    """Lo común a las capas elemento a elemento: la forma de salida (con difusión) y la comprobación."""

    #: Cuántas entradas exactamente (Subtract: 2), o None si valen dos o más.
    n_inputs = None

    def _check_list(self, inputs):
        super()._check_list(inputs)
        if self.n_inputs is not None and len(inputs) != self.n_inputs:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') recibe exactamente {self.n_inputs} tensores, p. ej. "
                f"{type(self).__name__}()([a, b]); se recibieron {len(inputs)}."
            )

    def compute_output_shape(self, input_shapes):
        shapes = [tuple(s) for s in input_shapes]
        try:
            if len({len(s) for s in shapes}) != 1:
                raise ValueError
            output = np.broadcast_shapes(*shapes)
        except ValueError:
            shown = ", ".join(str((None,) + s) for s in shapes)
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') opera elemento a elemento, así que todos los tensores deben "
                f"tener la misma forma (o tamaño 1 donde difieran); se recibieron {shown}. Ajusta una de las ramas "
                "(p. ej. con una capa Dense del mismo número de unidades) o usa Concatenate para juntarlos."
            ) from None
        return tuple(output)

    def combine(self, arrays):
        """La operación: [a, b, …] -> y (con difusión)."""
        raise NotImplementedError

    def partials(self, grad_y, arrays, y):
        """[∂L/∂a, ∂L/∂b, …] con la forma de y (backward les quita después la difusión)."""
        raise NotImplementedError

    def forward(self, inputs, training=False):
        """[a, b, …], cada uno (N, ...) -> y = a ∘ b ∘ …: (N, ...)."""
        arrays = self._prepare_inputs(inputs)
        y = self.combine(arrays)
        self._cache = (arrays, y)
        return y

    def backward(self, grad_y):
        """∂L/∂y -> [∂L/∂a, ∂L/∂b, …] (cada uno con la forma de su entrada)."""
        grad_y = self._check_backward(grad_y)
        arrays, y = self._cache
        return [_unbroadcast(g, a.shape) for g, a in zip(self.partials(grad_y, arrays, y), arrays)]


class Add(_ElementwiseMerge):
    """Suma elemento a elemento de tensores con la misma forma: y = a + b (+ …), como ``keras.layers.Add``.

    Es la conexión residual (*skip connection*) de las ResNet y los Transformers: y = x + F(x).
    Hacia atrás, cada sumando recibe el gradiente entero: ∂L/∂a = ∂L/∂b = ∂L/∂y.
    """

    def combine(self, arrays):
        return np.sum(np.broadcast_arrays(*arrays), axis=0) if len(arrays) > 2 else arrays[0] + arrays[1]

    def forward(self, inputs, training=False):
        """[a, b, …] todos de forma (N, ...) -> y = a + b + …: (N, ...)."""
        arrays = self._prepare_inputs(inputs)
        self._cache = [a.shape for a in arrays]
        return self.combine(arrays)

    def backward(self, grad_y):
        """∂L/∂y -> [∂L/∂a, ∂L/∂b, …], todos iguales a ∂L/∂y."""
        grad_y = self._check_backward(grad_y)
        shapes = self._cache
        return [_unbroadcast(grad_y if i == 0 else grad_y.copy(), shape) for i, shape in enumerate(shapes)]


class Subtract(_ElementwiseMerge):
    """Resta de dos tensores: y = a − b, como ``keras.layers.Subtract``.

    Hacia atrás: ∂L/∂a = ∂L/∂y y ∂L/∂b = −∂L/∂y.
    """

    n_inputs = 2

    def combine(self, arrays):
        return arrays[0] - arrays[1]

    def partials(self, grad_y, arrays, y):
        return [grad_y, -grad_y]


class Multiply(_ElementwiseMerge):
    """Producto elemento a elemento: y = a ⊙ b (⊙ …), como ``keras.layers.Multiply`` (puertas, atención).

    Hacia atrás, cada factor recibe ∂L/∂y por el producto de los demás: ∂L/∂a = ∂L/∂y ⊙ b.
    """

    def combine(self, arrays):
        y = arrays[0]
        for a in arrays[1:]:
            y = y * a
        return y

    def partials(self, grad_y, arrays, y):
        partials = []
        for i in range(len(arrays)):
            others = grad_y
            for j, a in enumerate(arrays):
                if j != i:
                    others = others * a
            partials.append(others)
        return partials


class Average(_ElementwiseMerge):
    """Media elemento a elemento: y = (a + b + …)/k, como ``keras.layers.Average`` (promediar modelos).

    Hacia atrás, cada entrada recibe ∂L/∂y / k.
    """

    def combine(self, arrays):
        return self._sum(arrays) / len(arrays)

    @staticmethod
    def _sum(arrays):
        y = arrays[0]
        for a in arrays[1:]:
            y = y + a
        return y

    def partials(self, grad_y, arrays, y):
        return [grad_y / len(arrays) for _ in arrays]


class Maximum(_ElementwiseMerge):
    """Máximo elemento a elemento: y = máx(a, b, …), como ``keras.layers.Maximum``.

    Hacia atrás, ∂L/∂y va entero a la entrada que dio el máximo en cada posición (la primera, si empatan).
    """

    def combine(self, arrays):
        y = arrays[0]
        for a in arrays[1:]:
            y = np.maximum(y, a)
        return y

    def partials(self, grad_y, arrays, y):
        taken = np.zeros(grad_y.shape, dtype=bool)
        partials = []
        for a in arrays:
            mine = (a == y) & ~taken
            taken |= mine
            partials.append(grad_y * mine)
        return partials


class Minimum(Maximum):
    """Mínimo elemento a elemento: y = mín(a, b, …), como ``keras.layers.Minimum``.

    Hacia atrás, ∂L/∂y va entero a la entrada que dio el mínimo en cada posición (la primera, si empatan).
    """

    def combine(self, arrays):
        y = arrays[0]
        for a in arrays[1:]:
            y = np.minimum(y, a)
        return y


class Concatenate(_Merge):
    """Concatena tensores a lo largo de ``axis`` (por defecto el último), como ``keras.layers.Concatenate``.

    Las formas deben coincidir en todos los ejes salvo ``axis``. Hacia atrás, ∂L/∂y se corta en trozos
    del tamaño de cada entrada.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or axis == 0:
            raise CourseError(
                f"Concatenate: axis debe ser un entero distinto de 0 (el eje 0 es el del lote), p. ej. -1; "
                f"se recibió {axis!r}."
            )
        self.axis = int(axis)

    def _example_axis(self, ndim):
        """El eje dentro de la forma de un ejemplo (sin el lote)."""
        axis = self.axis if self.axis < 0 else self.axis - 1
        if not -ndim <= axis < ndim:
            raise CourseError(f"Concatenate ('{self.name}'): axis={self.axis} no existe en tensores de {ndim + 1} ejes.")
        return axis % ndim

    def compute_output_shape(self, input_shapes):
        ndims = {len(s) for s in input_shapes}
        shapes = ", ".join(str((None,) + tuple(s)) for s in input_shapes)
        if len(ndims) != 1:
            raise CourseError(f"Concatenate ('{self.name}'): los tensores deben tener los mismos ejes; se recibieron {shapes}.")
        axis = self._example_axis(ndims.pop())
        rest = {tuple(n for i, n in enumerate(s) if i != axis) for s in input_shapes}
        if len(rest) != 1:
            raise CourseError(
                f"Concatenate ('{self.name}', axis={self.axis}): las formas deben coincidir en todos los ejes salvo "
                f"el de concatenación; se recibieron {shapes}."
            )
        out = list(input_shapes[0])
        out[axis] = sum(s[axis] for s in input_shapes)
        return tuple(out)

    def forward(self, inputs, training=False):
        """[a, b, …] -> y = [a | b | …] a lo largo de ``axis``."""
        arrays = self._prepare_inputs(inputs)
        axis = self._example_axis(arrays[0].ndim - 1) + 1
        self._cache = (axis, np.cumsum([a.shape[axis] for a in arrays])[:-1])
        return np.concatenate(arrays, axis=axis)

    def backward(self, grad_y):
        """∂L/∂y -> [∂L/∂a, ∂L/∂b, …]: los trozos de ∂L/∂y que corresponden a cada entrada."""
        grad_y = self._check_backward(grad_y)
        axis, cuts = self._cache
        return [np.ascontiguousarray(g) for g in np.split(grad_y, cuts, axis=axis)]

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(_Merge):
    """Producto escalar de dos tensores por ejemplo, como ``keras.layers.Dot`` (el ``batch_dot`` de Keras):

        y[n, …x, …y] = Σ_d a[n, …x, d] · b[n, d, …y]

    sumando sobre el eje ``axes`` de a y el de b (un entero para los dos, o una pareja). Con vectores
    (N, D)·(N, D) da (N, 1); con secuencias (N, T, D) y (N, S, D) y ``axes=2`` da la matriz (N, T, S) de
    productos de cada paso con cada paso (las puntuaciones de una atención). Con ``normalize=True`` cada
    vector se divide antes por su norma: y es la similitud del coseno.

    Hacia atrás, como en un producto de matrices por ejemplo: ∂L/∂a = ∂L/∂y·bᵀ y ∂L/∂b = aᵀ·∂L/∂y; con
    normalize, ∂L/∂a = (∂L/∂â − â (â·∂L/∂â)) / ‖a‖.
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = (axes, axes) if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool) else axes
        try:
            pair = tuple(int(a) for a in pair)
        except (TypeError, ValueError):
            pair = ()
        if len(pair) != 2 or 0 in pair:
            raise CourseError(
                "Dot: axes debe ser un entero o una pareja de enteros (el eje que se suma en cada tensor, nunca el 0, "
                f"que es el lote), p. ej. axes=1 o axes=(2, 2); se recibió {axes!r}."
            )
        self.axes = pair
        self.normalize = bool(normalize)

    def _check_list(self, inputs):
        super()._check_list(inputs)
        if len(inputs) != 2:
            raise CourseError(f"Dot ('{self.name}') recibe exactamente 2 tensores; se recibieron {len(inputs)}.")

    def _resolved_axes(self, ndims):
        """Los ejes contados con el lote (1, 2, …), como los cuenta Keras."""
        axes = []
        for axis, ndim in zip(self.axes, ndims):
            full = axis + ndim + 1 if axis < 0 else axis
            if not 1 <= full <= ndim:
                raise CourseError(f"Dot ('{self.name}'): axes={self.axes} no existe en un tensor de {ndim + 1} ejes.")
            axes.append(full)
        return axes

    def compute_output_shape(self, input_shapes):
        a, b = (tuple(s) for s in input_shapes)
        ia, ib = self._resolved_axes((len(a), len(b)))
        if a[ia - 1] != b[ib - 1]:
            raise CourseError(
                f"Dot ('{self.name}'): los ejes que se multiplican deben tener el mismo tamaño; con axes={self.axes}, "
                f"{(None,) + a} tiene {a[ia - 1]} y {(None,) + b} tiene {b[ib - 1]}."
            )
        rest = a[:ia - 1] + a[ia:] + b[:ib - 1] + b[ib:]
        return rest if rest else (1,)

    @staticmethod
    def _normalized(x, axis):
        """x̂ = x / ‖x‖ a lo largo de ``axis`` (‖x‖ ≥ 10⁻⁷, como Keras), y 1/‖x‖."""
        inverse = np.minimum(1.0 / np.sqrt(np.sum(x * x, axis=axis, keepdims=True)), 1e7)
        return x * inverse, inverse

    def forward(self, inputs, training=False):
        """[a, b] -> y = Σ_d a[…, d, …]·b[…, d, …] por ejemplo."""
        a, b = self._prepare_inputs(inputs)
        ia, ib = self._resolved_axes((a.ndim - 1, b.ndim - 1))
        norms = None
        if self.normalize:
            (a, inv_a), (b, inv_b) = self._normalized(a, ia), self._normalized(b, ib)
            norms = (inv_a, inv_b)
        A = np.moveaxis(a, ia, -1)                    # (N, …x, D)
        B = np.moveaxis(b, ib, 1)                     # (N, D, …y)
        N, D = A.shape[0], A.shape[-1]
        y = A.reshape(N, -1, D) @ B.reshape(N, D, -1)  # (N, Px, Py): un producto de matrices por ejemplo
        self._cache = (a, b, A.shape, B.shape, ia, ib, norms)
        return y.reshape((N,) + self.output_shape)

    def backward(self, grad_y):
        """∂L/∂y -> [∂L/∂a, ∂L/∂b]."""
        grad_y = self._check_backward(grad_y)
        a, b, A_shape, B_shape, ia, ib, norms = self._cache
        N, D = A_shape[0], A_shape[-1]
        A, B = np.moveaxis(a, ia, -1).reshape(N, -1, D), np.moveaxis(b, ib, 1).reshape(N, D, -1)
        G = grad_y.reshape(N, A.shape[1], B.shape[2])
        grad_a = np.moveaxis((G @ B.transpose(0, 2, 1)).reshape(A_shape), -1, ia)
        grad_b = np.moveaxis((A.transpose(0, 2, 1) @ G).reshape(B_shape), 1, ib)
        if norms is not None:   # de ∂L/∂x̂ a ∂L/∂x: (g − x̂ (x̂·g)) / ‖x‖
            inv_a, inv_b = norms
            grad_a = (grad_a - a * np.sum(a * grad_a, axis=ia, keepdims=True)) * inv_a
            grad_b = (grad_b - b * np.sum(b * grad_b, axis=ib, keepdims=True)) * inv_b
        return [np.ascontiguousarray(grad_a), np.ascontiguousarray(grad_b)]

    def get_config(self):
        return {**super().get_config(), "axes": list(self.axes), "normalize": self.normalize}


# ----------------------------------------------------------------------------- funciones de Keras
def add(inputs, **kwargs):
    """``add([a, b])`` = ``Add()([a, b])``: la suma elemento a elemento (como ``keras.layers.add``)."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """``subtract([a, b])`` = ``Subtract()([a, b])``: a − b."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """``multiply([a, b])`` = ``Multiply()([a, b])``: el producto elemento a elemento."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """``average([a, b])`` = ``Average()([a, b])``: la media elemento a elemento."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """``maximum([a, b])`` = ``Maximum()([a, b])``: el máximo elemento a elemento."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """``minimum([a, b])`` = ``Minimum()([a, b])``: el mínimo elemento a elemento."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """``concatenate([a, b], axis=-1)`` = ``Concatenate(axis)([a, b])``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """``dot([a, b], axes)`` = ``Dot(axes, normalize)([a, b])``: el producto escalar por ejemplo."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
