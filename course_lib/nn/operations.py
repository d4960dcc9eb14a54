"""Las operaciones de ``keras.ops`` como nodos del grafo, cada una con su paso hacia atrás a mano.

Dentro de un modelo (sobre un tensor de ``Input``, o en el ``call`` de una capa propia mientras se
traza) ``ops.mean(x, axis=-1)`` no calcula nada: anota un nodo con una de estas operaciones, igual
que una capa. Cada una sigue el protocolo de ``symbolic.Operation``:

- ``compute_output_spec(formas)``: la forma de la salida (con el eje del lote) sin calcular;
- ``forward(arrays)``: la cuenta con NumPy, guardando en ``_cache`` lo que necesita backward;
- ``backward(∂L/∂y)``: ∂L/∂x de cada entrada (None si una entrada no recibe gradiente).

La suma, la resta, el producto y el cociente con difusión, y el producto de matrices, son los de
``symbolic.py`` (los mismos de ``a + b``, ``a * b``, ``a @ b``). Las cuentas sobre arrays, sin grafo,
están en ``ops.py``.
"""

import numpy as np

from . import activations
from .symbolic import OPERATION_CLASSES, Operation, broadcast_shapes, shape_text, unbroadcast, unique_name
from .validation import CourseError


def axes_tuple(axis, ndim):
    """``axis`` (None, un entero o varios) como tupla ordenada de ejes no negativos."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise CourseError(f"El eje {a} no existe en un tensor de {ndim} ejes (van de {-ndim} a {ndim - 1}).")
        out.append(int(a) % ndim)
    return tuple(sorted(set(out)))


def _softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


class KerasOperation(Operation):
    """Base: el tipo de operación (``kind``) y sus opciones, que se guardan con el modelo."""

    def __init__(self, kind, name=None, **options):
        self.kind = kind
        self.options = options
        super().__init__(name=name or unique_name(kind))

    @property
    def type_name(self):
        """El nombre que muestra ``summary``: Mean, Square, Softmax…"""
        return "".join(part.capitalize() for part in self.kind.split("_"))

    def get_config(self):
        return {"name": self.name, "kind": self.kind, **self.options}


# ----------------------------------------------------------------------------- una entrada, elemento a elemento
class Unary(KerasOperation):
    """y = f(x) elemento a elemento; hacia atrás, ∂L/∂x = ∂L/∂y · f'(x).

    Con y = f(x): x² → 2x;  √x → 1/(2y);  eˣ → y;  ln x → 1/x;  ln(1 + x) → 1/(1 + x);  |x| → signo(x);
    −x → −1;  sen x → cos x;  cos x → −sen x;  xᵖ → p·xᵖ⁻¹;  recorte a [a, b] → 1 dentro y 0 fuera;
    softplus → σ(x);  SELU → λ si x > 0 y λ·α·eˣ si no;  GELU aproximada (tanh) → 0,5(1 + t) +
    0,5·x(1 − t²)·√(2/π)(1 + 3·0,044715x²). Las demás activaciones (relu, sigmoid, tanh, elu, silu,
    leaky_relu, GELU exacta) usan las de ``activations.py``.
    Signo y redondeos son escalones: derivada 0.
    """

    FUNCTIONS = {"square": np.square, "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "log1p": np.log1p,
                 "abs": np.abs, "negative": np.negative, "sin": np.sin, "cos": np.cos, "sign": np.sign,
                 "round": np.round, "floor": np.floor, "ceil": np.ceil}
    ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "elu": "elu", "silu": "swish",
                   "leaky_relu": "leaky_relu"}
    SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

    def compute_output_spec(self, shape):
        return tuple(shape)

    @property
    def _is_activation(self):
        """¿La calcula una activación de activations.py? (La GELU exacta sí; la aproximada, aquí.)"""
        return self.kind in self.ACTIVATIONS or (self.kind == "gelu" and not self.options.get("approximate", True))

    def _activation(self):
        if self.kind == "gelu":
            return activations.get("gelu")
        if self.kind == "leaky_relu":
            return activations.get("leaky_relu", alpha=self.options.get("negative_slope", 0.2))
        if self.kind == "elu":
            return activations.get("elu", alpha=self.options.get("alpha", 1.0))
        return activations.get(self.ACTIVATIONS[self.kind])

    def forward(self, x, training=False):
        x = np.asarray(x)
        o = self.options
        if self._is_activation:
            y = self._activation().forward(x)
        elif self.kind == "gelu":
            y = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
        elif self.kind == "softplus":
            y = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
        elif self.kind == "selu":
            y = self.SELU_SCALE * np.where(x > 0, x, self.SELU_ALPHA * np.expm1(np.minimum(x, 0)))
        elif self.kind == "power":
            y = np.power(x, o["exponent"])
        elif self.kind == "clip":
            y = np.clip(x, o["x_min"], o["x_max"])
        else:
            y = self.FUNCTIONS[self.kind](x)
        self._cache = (x, y)
        return y

    def backward(self, grad):
        x, y = self._cache
        o = self.options
        if self._is_activation:
            return self._activation().backward(grad, x, y)
        if self.kind == "gelu":
            c = np.sqrt(2 / np.pi)
            t = np.tanh(c * (x + 0.044715 * x**3))
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x))
        if self.kind == "softplus":
            e = np.exp(-np.abs(x))
            return grad * np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        if self.kind == "selu":
            return grad * self.SELU_SCALE * np.where(x > 0, 1, self.SELU_ALPHA * np.exp(np.minimum(x, 0)))
        if self.kind == "power":
            return grad * o["exponent"] * np.power(x, o["exponent"] - 1)
        if self.kind == "clip":
            return grad * ((x >= o["x_min"]) & (x <= o["x_max"]))
        derivative = {
            "square": lambda: 2 * x, "sqrt": lambda: 0.5 / y, "exp": lambda: y, "log": lambda: 1 / x,
            "log1p": lambda: 1 / (1 + x), "abs": lambda: np.sign(x), "negative": lambda: -np.ones_like(x),
            "sin": lambda: np.cos(x), "cos": lambda: -np.sin(x),
        }.get(self.kind)
        return grad * derivative() if derivative else np.zeros_like(x)


# ----------------------------------------------------------------------------- dos o tres entradas
class Extremum(KerasOperation):
    """y = max(a, b) (``kind="maximum"``) o min(a, b) elemento a elemento, con difusión.

    Hacia atrás el gradiente va entero al operando que ganó: en el máximo, ∂L/∂a = g·[a ≥ b] y
    ∂L/∂b = g·[a < b] (sumados sobre los ejes difundidos).
    """

    def compute_output_spec(self, a, b):
        return broadcast_shapes(a, b, f"ops.{self.kind}")

    def forward(self, a, b, training=False):
        a, b = np.asarray(a), np.asarray(b)
        self._cache = (a, b)
        return np.maximum(a, b) if self.kind == "maximum" else np.minimum(a, b)

    def backward(self, grad):
        a, b = self._cache
        wins = (a >= b) if self.kind == "maximum" else (a <= b)
        return [unbroadcast(grad * wins, np.shape(a)), unbroadcast(grad * ~wins, np.shape(b))]


class Where(KerasOperation):
    """y = x1 donde la condición es cierta y x2 donde no (con difusión); la condición no recibe gradiente."""

    def compute_output_spec(self, condition, x1, x2):
        return broadcast_shapes(broadcast_shapes(condition, x1, "ops.where"), x2, "ops.where")

    def forward(self, condition, x1, x2, training=False):
        condition = np.asarray(condition).astype(bool)
        self._cache = (condition, np.shape(x1), np.shape(x2))
        return np.where(condition, x1, x2)

    def backward(self, grad):
        condition, shape1, shape2 = self._cache
        return [None, unbroadcast(np.where(condition, grad, 0), shape1), unbroadcast(np.where(condition, 0, grad), shape2)]


class Compare(KerasOperation):
    """Comparaciones y lógica elemento a elemento (greater, less, equal, logical_and…), con difusión.

    Dan booleanos: sirven de condición (``ops.where``) o de máscara, pero no se derivan.
    """

    FUNCTIONS = {"greater": np.greater, "greater_equal": np.greater_equal, "less": np.less,
                 "less_equal": np.less_equal, "equal": np.equal, "not_equal": np.not_equal,
                 "logical_and": np.logical_and, "logical_or": np.logical_or}
    output_dtype = "bool"

    def compute_output_spec(self, a, b):
        return broadcast_shapes(a, b, f"ops.{self.kind}")

    def forward(self, a, b, training=False):
        return self.FUNCTIONS[self.kind](a, b)

    def backward(self, grad):
        return [None, None]


# ----------------------------------------------------------------------------- reducciones
class Reduction(KerasOperation):
    """Reducción a lo largo de ``axis``: sum, mean, max, min, var, std o logsumexp.

    Hacia atrás, ∂L/∂y se extiende a la forma de x: suma → g;  media → g/n;  máximo y mínimo → g en los
    elementos que lo alcanzan (repartido a partes iguales si empatan);  varianza (de población) →
    g·2(x − μ)/n;  desviación típica → g·(x − μ)/(n·σ);  logsumexp → g·softmax(x).
    """

    def compute_output_spec(self, shape):
        axes = axes_tuple(self.options.get("axis"), len(shape))
        if self.options.get("keepdims"):
            return tuple(1 if i in axes else n for i, n in enumerate(shape))
        return tuple(n for i, n in enumerate(shape) if i not in axes)

    def forward(self, x, training=False):
        x = np.asarray(x)
        axes = axes_tuple(self.options.get("axis"), x.ndim)
        if self.kind == "logsumexp":
            m = np.max(x, axis=axes, keepdims=True)
            y = m + np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True))
        else:
            y = getattr(np, self.kind)(x, axis=axes, keepdims=True)
        self._cache = (x, y, axes)
        return y if self.options.get("keepdims") else np.squeeze(y, axis=axes)

    def backward(self, grad):
        x, y, axes = self._cache
        g = np.reshape(grad, y.shape)   # los ejes reducidos con tamaño 1, para difundir sobre x
        n = int(np.prod([x.shape[a] for a in axes]))
        if self.kind == "sum":
            return np.broadcast_to(g, x.shape).copy()
        if self.kind == "mean":
            return np.broadcast_to(g / n, x.shape).copy()
        if self.kind in ("max", "min"):
            winners = x == y
            return g * winners / np.sum(winners, axis=axes, keepdims=True)
        if self.kind == "logsumexp":
            return g * np.exp(x - y)
        centred = x - np.mean(x, axis=axes, keepdims=True)
        if self.kind == "var":
            return g * 2 * centred / n
        return g * centred / (n * np.where(y == 0, 1, y))   # std


class Softmax(KerasOperation):
    """softmax o log_softmax sobre ``axis``. Hacia atrás, con p = softmax(x):
    softmax → p·(g − Σⱼ gⱼ·pⱼ);  log_softmax → g − p·Σⱼ gⱼ."""

    def compute_output_spec(self, shape):
        return tuple(shape)

    def forward(self, x, training=False):
        x, axis = np.asarray(x), self.options["axis"]
        p = _softmax(x, axis)
        self._cache = p
        return p if self.kind == "softmax" else np.log(np.maximum(p, np.finfo(p.dtype).tiny))

    def backward(self, grad):
        p, axis = self._cache, self.options["axis"]
        if self.kind == "softmax":
            return p * (grad - np.sum(grad * p, axis=axis, keepdims=True))
        return grad - p * np.sum(grad, axis=axis, keepdims=True)


# ----------------------------------------------------------------------------- forma
class ShapeOp(KerasOperation):
    """Cambios de forma sin cuentas: reshape, transpose, swapaxes, expand_dims y squeeze.

    ``newshape`` y ``axes`` cuentan el eje del lote, como en Keras (``ops.reshape(x, (-1, 4, 3))``).
    Hacia atrás se deshace el cambio: ∂L/∂x es ∂L/∂y con la forma (o el orden de ejes) de x.
    """

    def _source_axes(self, ndim):
        """De qué eje de x viene cada eje de y (None si es nuevo)."""
        o = self.options
        order = list(range(ndim))
        if self.kind == "transpose":
            return list(o["axes"]) if o.get("axes") is not None else order[::-1]
        if self.kind == "swapaxes":
            a, b = o["axis1"] % ndim, o["axis2"] % ndim
            order[a], order[b] = order[b], order[a]
            return order
        if self.kind == "expand_dims":
            axis = o["axis"] % (ndim + 1)
            return order[:axis] + [None] + order[axis:]
        removed = axes_tuple(o["axis"], ndim) if o.get("axis") is not None else None
        return order if removed is None else [i for i in order if i not in removed]   # squeeze

    def compute_output_spec(self, shape):
        shape = tuple(shape)
        if self.kind == "reshape":
            newshape = tuple(self.options["newshape"])
            if sum(n in (-1, None) for n in newshape) > 1:
                raise CourseError(f"ops.reshape: solo un eje puede ser −1 (o None); se pidió {newshape}.")
            known = [n for n in shape if n is not None]
            if None in shape:   # el eje −1 (el del lote, normalmente) sigue siendo desconocido
                return tuple(None if n in (-1, None) else n for n in newshape)
            total, rest = int(np.prod(known)), int(np.prod([n for n in newshape if n not in (-1, None)]))
            if total % max(rest, 1):
                raise CourseError(f"ops.reshape: {shape_text(shape)} no cabe en {newshape}.")
            return tuple(total // rest if n in (-1, None) else n for n in newshape)
        if self.kind == "squeeze" and self.options.get("axis") is None:
            return tuple(n for n in shape if n != 1)
        return tuple(shape[src] if src is not None else 1 for src in self._source_axes(len(shape)))

    def forward(self, x, training=False):
        x, o = np.asarray(x), self.options
        self._cache = x.shape
        if self.kind == "reshape":
            return np.reshape(x, tuple(-1 if n is None else n for n in o["newshape"]))
        if self.kind == "transpose":
            return np.transpose(x, o.get("axes"))
        if self.kind == "swapaxes":
            return np.swapaxes(x, o["axis1"], o["axis2"])
        if self.kind == "expand_dims":
            return np.expand_dims(x, o["axis"])
        return np.squeeze(x, o.get("axis"))

    def backward(self, grad):
        if self.kind == "transpose":
            axes = self.options.get("axes")
            return np.transpose(grad, None if axes is None else np.argsort(axes))
        if self.kind == "swapaxes":
            return np.swapaxes(grad, self.options["axis1"], self.options["axis2"])
        return np.reshape(grad, self._cache)


class Join(KerasOperation):
    """concatenate (a lo largo de un eje que existe) o stack (en un eje nuevo) de varios tensores.

    Hacia atrás, ∂L/∂y se parte en los trozos que vinieron de cada entrada.
    """

    def compute_output_spec(self, shapes):
        shapes = [tuple(s) for s in shapes]
        axis, ndim = self.options["axis"], len(shapes[0])
        if any(len(s) != ndim for s in shapes):
            raise CourseError(f"ops.{self.kind}: los tensores deben tener los mismos ejes; se recibieron "
                              f"{', '.join(shape_text(s) for s in shapes)}.")
        if self.kind == "stack":
            out = list(shapes[0])
            out.insert(axis % (ndim + 1), len(shapes))
            return tuple(out)
        axis %= ndim
        for s in shapes[1:]:
            if any(a != b and None not in (a, b) for i, (a, b) in enumerate(zip(s, shapes[0])) if i != axis):
                raise CourseError(
                    f"ops.concatenate: los tensores deben tener la misma forma salvo en el eje {axis}; se recibieron "
                    f"{', '.join(shape_text(x) for x in shapes)}."
                )
        total = None if any(s[axis] is None for s in shapes) else sum(s[axis] for s in shapes)
        return tuple(total if i == axis else n for i, n in enumerate(shapes[0]))

    def forward(self, xs, training=False):
        xs = [np.asarray(x) for x in xs]
        self._cache = [x.shape for x in xs]
        axis = self.options["axis"]
        return np.concatenate(xs, axis=axis) if self.kind == "concatenate" else np.stack(xs, axis=axis)

    def backward(self, grad):
        shapes, axis = self._cache, self.options["axis"]
        if self.kind == "stack":
            return [np.take(grad, i, axis=axis) for i in range(len(shapes))]
        axis %= grad.ndim
        return np.split(grad, np.cumsum([s[axis] for s in shapes])[:-1], axis=axis)


class Take(KerasOperation):
    """y = x[índices] a lo largo de ``axis`` (buscar filas en una tabla, como hace Embedding).

    Hacia atrás, cada trozo de ∂L/∂y se suma a la fila de x de la que salió (``np.add.at``: una fila
    elegida dos veces recibe los dos gradientes); los índices no reciben gradiente.
    """

    def compute_output_spec(self, x, indices):
        axis = self.options.get("axis")
        if axis is None:
            return tuple(indices)
        axis %= len(x)
        return tuple(x[:axis]) + tuple(indices) + tuple(x[axis + 1:])

    def forward(self, x, indices, training=False):
        x, indices = np.asarray(x), np.asarray(indices).astype(np.int64)
        self._cache = (x.shape, indices)
        return np.take(x, indices, axis=self.options.get("axis"))

    def backward(self, grad):
        shape, indices = self._cache
        axis = self.options.get("axis")
        full = np.zeros(shape, dtype=grad.dtype)
        if axis is None:
            np.add.at(full.reshape(-1), indices.reshape(-1), grad.reshape(-1))
        else:
            axis %= len(shape)
            g = np.moveaxis(grad, list(range(axis, axis + indices.ndim)), list(range(indices.ndim)))
            np.add.at(np.moveaxis(full, axis, 0), indices, g)
        return [full, None]


class Einsum(KerasOperation):
    """einsum de dos tensores. Hacia atrás, cada gradiente es otro einsum con ∂L/∂y y el otro operando:
    con "ab,bc->ac", ∂L/∂A = einsum("ac,bc->ab", g, B) y ∂L/∂B = einsum("ab,ac->bc", A, g)."""

    def _parts(self):
        inputs, output = self.options["subscripts"].replace(" ", "").split("->")
        a, b = inputs.split(",")
        for letter in a + b:
            if letter not in output and (letter not in a or letter not in b):
                raise CourseError(
                    f"ops.einsum({self.options['subscripts']!r}): el índice {letter!r} está en un solo operando y no "
                    "en la salida (se suma sobre él); el motor no tiene paso hacia atrás para esa forma. Suma antes ese "
                    "eje con ops.sum."
                )
        return a, b, output

    def compute_output_spec(self, a, b):
        sa, sb, so = self._parts()
        sizes = {}
        for letters, shape in ((sa, a), (sb, b)):
            for letter, n in zip(letters, shape):
                if sizes.get(letter) is None:
                    sizes[letter] = n
        return tuple(sizes.get(letter) for letter in so)

    def forward(self, a, b, training=False):
        a, b = np.asarray(a), np.asarray(b)
        self._cache = (a, b)
        return np.einsum(self.options["subscripts"], a, b)

    def backward(self, grad):
        a, b = self._cache
        sa, sb, so = self._parts()
        return [np.einsum(f"{so},{sb}->{sa}", grad, b), np.einsum(f"{sa},{so}->{sb}", a, grad)]


class Cast(KerasOperation):
    """Cambio de tipo. Entre reales, ∂L/∂x = ∂L/∂y (en el tipo de x); desde o hacia enteros, nada."""

    def compute_output_spec(self, shape):
        return tuple(shape)

    @property
    def output_dtype(self):
        return str(np.dtype(self.options["dtype"]))

    def forward(self, x, training=False):
        x = np.asarray(x)
        self._cache = x.dtype
        return x.astype(self.options["dtype"])

    def backward(self, grad):
        if np.dtype(self.options["dtype"]).kind != "f" or self._cache.kind != "f":
            return None
        return grad.astype(self._cache)


class OneHot(KerasOperation):
    """One-hot de índices enteros dentro del grafo (no se deriva: los índices no son continuos)."""

    def compute_output_spec(self, shape):
        out = list(shape)
        out.insert(self.options["axis"] % (len(shape) + 1), self.options["num_classes"])
        return tuple(out)

    def forward(self, x, training=False):
        x = np.asarray(x).astype(np.int64)
        out = (x[..., None] == np.arange(self.options["num_classes"])).astype(self.options["dtype"])
        return np.moveaxis(out, -1, self.options["axis"])

    def backward(self, grad):
        return None


#: load_model reconstruye estas operaciones por su nombre, como las de symbolic.py.
OPERATION_CLASSES.update({cls.__name__: cls for cls in (Unary, Extremum, Where, Compare, Reduction, Softmax, ShapeOp, Join,
                                                         Take, Einsum, Cast, OneHot)})
