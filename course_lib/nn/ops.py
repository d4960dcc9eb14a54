"""``keras.ops``: las operaciones con tensores que usan los tutoriales, con los nombres de Keras.

En Keras 3, ``keras.ops`` es la API común a sus motores (parecida a la de NumPy). Aquí el motor
es NumPy, así que sobre arrays cada operación es la de NumPy con los argumentos de Keras
(``ops.mean(x, axis=1)`` es ``np.mean(x, axis=1)``) y devuelve un array de NumPy.

Sobre un **tensor simbólico** (dentro de un modelo funcional o en el ``call`` de una capa propia)
las operaciones que se derivan no calculan nada: anotan un nodo del grafo, cuya pasada hacia atrás
está escrita a mano en ``operations.py``, igual que las capas. Las que no se derivan (``argmax``,
``sort``…) dan sobre un tensor simbólico un error en español que dice qué hacer.
"""

import builtins
import numbers

import numpy as np

from . import config
from .operations import Cast, Compare, Einsum, Extremum, Join, OneHot, Reduction, ShapeOp, Softmax, Take, Unary, Where
from .symbolic import Elementwise, KerasTensor, MatMul, _constant, flatten, is_tracing
from .validation import CourseError, CourseTypeError, describe

__all__ = [
    # conversión y creación
    "convert_to_numpy", "convert_to_tensor", "cast", "shape", "arange", "linspace", "zeros", "ones", "full",
    "zeros_like", "ones_like", "full_like", "eye",
    # elemento a elemento
    "add", "subtract", "multiply", "divide", "power", "negative", "square", "sqrt", "exp", "log", "log1p", "abs",
    "sign", "maximum", "minimum", "clip", "where", "round", "floor", "ceil", "sin", "cos",
    "greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_and", "logical_or",
    "logical_not", "isnan",
    # activaciones
    "relu", "sigmoid", "tanh", "softmax", "log_softmax", "softplus", "elu", "selu", "gelu", "silu", "swish",
    "leaky_relu",
    # reducciones
    "sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "any", "all", "logsumexp", "norm",
    "cumsum",
    # forma
    "reshape", "transpose", "swapaxes", "expand_dims", "squeeze", "concatenate", "stack", "split", "tile",
    "repeat", "flip", "pad", "take", "take_along_axis", "one_hot",
    # álgebra
    "matmul", "dot", "einsum",
    # orden
    "sort", "argsort", "top_k",
]


def _is_symbolic(*values):
    """¿Hay que anotar un nodo del grafo? Sí si algún argumento es un tensor simbólico, o si se está
    trazando el ``call`` de una capa propia (entonces también los arrays son constantes del grafo)."""
    # builtins.any: este módulo define su propia any (la de keras.ops).
    return is_tracing() or builtins.any(isinstance(leaf, KerasTensor) for leaf in flatten(list(values)))


def _operand(value):
    """Un operando de una operación con grafo: el tensor tal cual; un número o array, como constante."""
    return value if isinstance(value, KerasTensor) else _constant(value)


def _np(x):
    """Un array de NumPy a partir de un array, un número, una lista o un tensor de otra biblioteca."""
    if hasattr(x, "detach"):  # un tensor de PyTorch
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _float(x):
    """Como :func:`_np`, y los enteros pasan a la precisión del motor (np.exp(3) no es un entero)."""
    x = _np(x)
    return x if x.dtype.kind in "fc" else x.astype(config.dtype())


# ----------------------------------------------------------------------------- conversión y creación
def convert_to_numpy(x):
    """El array de NumPy de ``x`` (aquí los tensores ya son arrays de NumPy)."""
    return _np(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` como array de NumPy (el tipo de tensor de este motor), con ``dtype`` si se da.

    Como en Keras, una lista o un número con decimales toma la precisión del motor (float32).
    """
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    array = _np(x)
    if dtype is not None:
        return array.astype(dtype)
    if array.dtype == np.float64 and not isinstance(x, np.ndarray):
        return array.astype(config.dtype())
    return array


def cast(x, dtype):
    """``x`` convertido al tipo ``dtype`` ("float32", "int32"…); de real a entero se trunca hacia 0."""
    if _is_symbolic(x):
        return Cast("cast", dtype=str(np.dtype(dtype)))(_operand(x))
    return _np(x).astype(dtype)


def shape(x):
    """La forma de ``x`` como tupla (en un tensor simbólico, con None en el eje del lote)."""
    return tuple(x.shape if hasattr(x, "shape") else np.shape(x))


def arange(start, stop=None, step=None, dtype=None):
    """start, start + step, … (sin llegar a stop), como ``np.arange``; enteros si los extremos lo son."""
    return np.arange(start, stop, 1 if step is None else step, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` valores equiespaciados de start a stop (incluido si ``endpoint``)."""
    return np.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=dtype or config.floatx(), axis=axis)


def zeros(shape, dtype=None):
    """Un array de ceros de forma ``shape``."""
    return np.zeros(shape, dtype=dtype or config.floatx())


def ones(shape, dtype=None):
    """Un array de unos de forma ``shape``."""
    return np.ones(shape, dtype=dtype or config.floatx())


def full(shape, fill_value, dtype=None):
    """Un array de forma ``shape`` con todos sus valores iguales a ``fill_value``."""
    return np.full(shape, fill_value, dtype=dtype or config.floatx())


def zeros_like(x, dtype=None):
    """Ceros con la forma (y el tipo, si no se da otro) de ``x``."""
    return np.zeros_like(_np(x), dtype=dtype)


def ones_like(x, dtype=None):
    """Unos con la forma (y el tipo, si no se da otro) de ``x``."""
    return np.ones_like(_np(x), dtype=dtype)


def full_like(x, fill_value, dtype=None):
    """``fill_value`` con la forma (y el tipo, si no se da otro) de ``x``."""
    return np.full_like(_np(x), fill_value, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - los nombres de Keras
    """La matriz identidad N×M (unos en la diagonal ``k``)."""
    return np.eye(N, M, k, dtype=dtype or config.floatx())


# ----------------------------------------------------------------------------- elemento a elemento
def add(x1, x2):
    """x1 + x2 elemento a elemento (con difusión, *broadcasting*, como en NumPy)."""
    if _is_symbolic(x1, x2):
        return Elementwise("add")(x1, x2)
    return np.add(_np(x1), _np(x2))


def subtract(x1, x2):
    """x1 − x2 elemento a elemento (con difusión)."""
    if _is_symbolic(x1, x2):
        return Elementwise("subtract")(x1, x2)
    return np.subtract(_np(x1), _np(x2))


def multiply(x1, x2):
    """x1 · x2 elemento a elemento (con difusión); no es el producto de matrices (:func:`matmul`)."""
    if _is_symbolic(x1, x2):
        return Elementwise("multiply")(x1, x2)
    return np.multiply(_np(x1), _np(x2))


def divide(x1, x2):
    """x1 / x2 elemento a elemento (con difusión), siempre con decimales."""
    if _is_symbolic(x1, x2):
        return Elementwise("divide")(x1, x2)
    return np.true_divide(_float(x1), _np(x2))


def power(x1, x2):
    """x1 elevado a x2 elemento a elemento."""
    if _is_symbolic(x1, x2):
        if not isinstance(x2, numbers.Real):
            raise CourseTypeError("ops.power dentro de un modelo admite un exponente numérico fijo (p. ej. "
                                  f"ops.power(x, 2)); se recibió {describe(x2)}.")
        return Unary("power", exponent=float(x2))(_operand(x1))
    return np.power(_np(x1), _np(x2))


def negative(x):
    """−x."""
    if _is_symbolic(x):
        return Unary("negative")(_operand(x))
    return np.negative(_np(x))


def square(x):
    """x² elemento a elemento."""
    if _is_symbolic(x):
        return Unary("square")(_operand(x))
    return np.square(_np(x))


def sqrt(x):
    """√x elemento a elemento."""
    if _is_symbolic(x):
        return Unary("sqrt")(_operand(x))
    return np.sqrt(_float(x))


def exp(x):
    """eˣ elemento a elemento."""
    if _is_symbolic(x):
        return Unary("exp")(_operand(x))
    return np.exp(_float(x))


def log(x):
    """ln x (logaritmo natural) elemento a elemento."""
    if _is_symbolic(x):
        return Unary("log")(_operand(x))
    return np.log(_float(x))


def log1p(x):
    """ln(1 + x), exacto también para x muy pequeño."""
    if _is_symbolic(x):
        return Unary("log1p")(_operand(x))
    return np.log1p(_float(x))


def abs(x):  # noqa: A001 - el nombre de Keras
    """|x| elemento a elemento."""
    if _is_symbolic(x):
        return Unary("abs")(_operand(x))
    return np.abs(_np(x))


def sign(x):
    """−1, 0 o 1 según el signo de cada elemento."""
    if _is_symbolic(x):
        return Unary("sign")(_operand(x))
    return np.sign(_np(x))


def maximum(x1, x2):
    """max(x1, x2) elemento a elemento (con difusión): ``maximum(x, 0)`` es ReLU."""
    if _is_symbolic(x1, x2):
        return Extremum("maximum")(_operand(x1), _operand(x2))
    return np.maximum(_np(x1), _np(x2))


def minimum(x1, x2):
    """min(x1, x2) elemento a elemento (con difusión)."""
    if _is_symbolic(x1, x2):
        return Extremum("minimum")(_operand(x1), _operand(x2))
    return np.minimum(_np(x1), _np(x2))


def clip(x, x_min, x_max):
    """Cada elemento recortado al intervalo [x_min, x_max]."""
    if _is_symbolic(x):
        return Unary("clip", x_min=float(x_min), x_max=float(x_max))(_operand(x))
    return np.clip(_np(x), x_min, x_max)


def where(condition, x1=None, x2=None):
    """x1 donde ``condition`` es cierta y x2 donde no (con difusión); sin x1 ni x2, los índices ciertos."""
    if x1 is None and x2 is None:
        return np.nonzero(_np(condition))
    if _is_symbolic(condition, x1, x2):
        return Where("where")(_operand(condition), _operand(x1), _operand(x2))
    return np.where(_np(condition), _np(x1), _np(x2))


def round(x, decimals=0):  # noqa: A001
    """Redondeo a ``decimals`` decimales (al par más cercano en los empates, como NumPy)."""
    if _is_symbolic(x) and decimals == 0:
        return Unary("round")(_operand(x))
    return np.round(_np(x), decimals)


def floor(x):
    """⌊x⌋: el entero inmediatamente inferior."""
    if _is_symbolic(x):
        return Unary("floor")(_operand(x))
    return np.floor(_float(x))


def ceil(x):
    """⌈x⌉: el entero inmediatamente superior."""
    if _is_symbolic(x):
        return Unary("ceil")(_operand(x))
    return np.ceil(_float(x))


def sin(x):
    """sen x (x en radianes)."""
    if _is_symbolic(x):
        return Unary("sin")(_operand(x))
    return np.sin(_float(x))


def cos(x):
    """cos x (x en radianes)."""
    if _is_symbolic(x):
        return Unary("cos")(_operand(x))
    return np.cos(_float(x))


def greater(x1, x2):
    """x1 > x2 elemento a elemento (booleanos)."""
    if _is_symbolic(x1, x2):
        return Compare("greater")(_operand(x1), _operand(x2))
    return np.greater(_np(x1), _np(x2))


def greater_equal(x1, x2):
    """x1 ≥ x2 elemento a elemento."""
    if _is_symbolic(x1, x2):
        return Compare("greater_equal")(_operand(x1), _operand(x2))
    return np.greater_equal(_np(x1), _np(x2))


def less(x1, x2):
    """x1 < x2 elemento a elemento."""
    if _is_symbolic(x1, x2):
        return Compare("less")(_operand(x1), _operand(x2))
    return np.less(_np(x1), _np(x2))


def less_equal(x1, x2):
    """x1 ≤ x2 elemento a elemento."""
    if _is_symbolic(x1, x2):
        return Compare("less_equal")(_operand(x1), _operand(x2))
    return np.less_equal(_np(x1), _np(x2))


def equal(x1, x2):
    """x1 == x2 elemento a elemento."""
    if _is_symbolic(x1, x2):
        return Compare("equal")(_operand(x1), _operand(x2))
    return np.equal(_np(x1), _np(x2))


def not_equal(x1, x2):
    """x1 ≠ x2 elemento a elemento."""
    if _is_symbolic(x1, x2):
        return Compare("not_equal")(_operand(x1), _operand(x2))
    return np.not_equal(_np(x1), _np(x2))


def logical_and(x1, x2):
    """«y» lógico elemento a elemento."""
    if _is_symbolic(x1, x2):
        return Compare("logical_and")(_operand(x1), _operand(x2))
    return np.logical_and(_np(x1), _np(x2))


def logical_or(x1, x2):
    """«o» lógico elemento a elemento."""
    if _is_symbolic(x1, x2):
        return Compare("logical_or")(_operand(x1), _operand(x2))
    return np.logical_or(_np(x1), _np(x2))


def logical_not(x):
    """«no» lógico elemento a elemento."""
    return np.logical_not(_np(x))


def isnan(x):
    """¿Es NaN cada elemento?"""
    return np.isnan(_np(x))


# ----------------------------------------------------------------------------- activaciones
def relu(x):
    """ReLU: max(0, x)."""
    if _is_symbolic(x):
        return Unary("relu")(_operand(x))
    return np.maximum(_float(x), 0)


def sigmoid(x):
    """σ(x) = 1 / (1 + e⁻ˣ), estable para |x| grande."""
    if _is_symbolic(x):
        return Unary("sigmoid")(_operand(x))
    x = _float(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def tanh(x):
    """tanh x = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)."""
    if _is_symbolic(x):
        return Unary("tanh")(_operand(x))
    return np.tanh(_float(x))


def softmax(x, axis=-1):
    """softmax(x)ₖ = e^(xₖ − m) / Σⱼ e^(xⱼ − m) sobre ``axis`` (m = el máximo, para que no desborde)."""
    if _is_symbolic(x):
        return Softmax("softmax", axis=axis)(_operand(x))
    x = _float(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """log softmax(x) = x − logsumexp(x), estable."""
    if _is_symbolic(x):
        return Softmax("log_softmax", axis=axis)(_operand(x))
    x = _float(x)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softplus(x):
    """softplus(x) = ln(1 + eˣ), estable: max(x, 0) + ln(1 + e^(−|x|))."""
    if _is_symbolic(x):
        return Unary("softplus")(_operand(x))
    x = _float(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def elu(x, alpha=1.0):
    """ELU: x si x > 0; α(eˣ − 1) si no."""
    if _is_symbolic(x):
        return Unary("elu", alpha=float(alpha))(_operand(x))
    x = _float(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def selu(x):
    """SELU: λ·ELU(x, α) con λ ≈ 1,0507 y α ≈ 1,6733 (Klambauer et al., 2017)."""
    if _is_symbolic(x):
        return Unary("selu")(_operand(x))
    return 1.0507009873554805 * elu(x, 1.6732632423543772)


def gelu(x, approximate=True):
    """GELU: x·Φ(x); con ``approximate=True`` (lo de Keras por defecto) 0,5·x·(1 + tanh(√(2/π)(x + 0,044715x³)))."""
    if _is_symbolic(x):
        return Unary("gelu", approximate=bool(approximate))(_operand(x))
    x = _float(x)
    if approximate:
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    from scipy.special import erf

    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def silu(x):
    """SiLU (también llamada swish): x·σ(x)."""
    if _is_symbolic(x):
        return Unary("silu")(_operand(x))
    return _float(x) * sigmoid(x)


swish = silu


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: x si x ≥ 0; pendiente·x si no (Keras usa 0,2 por defecto)."""
    if _is_symbolic(x):
        return Unary("leaky_relu", negative_slope=float(negative_slope))(_operand(x))
    x = _float(x)
    return np.where(x >= 0, x, negative_slope * x)


# ----------------------------------------------------------------------------- reducciones
def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Σ de los elementos a lo largo de ``axis`` (todos si es None)."""
    if _is_symbolic(x):
        return _reduction("sum", x, axis, keepdims)
    return np.sum(_np(x), axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Media (1/n)·Σ a lo largo de ``axis``."""
    if _is_symbolic(x):
        return _reduction("mean", x, axis, keepdims)
    return np.mean(_float(x), axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """Máximo a lo largo de ``axis``."""
    if _is_symbolic(x) and initial is None:
        return _reduction("max", x, axis, keepdims)
    kwargs = {} if initial is None else {"initial": initial}
    return np.max(_np(x), axis=axis, keepdims=keepdims, **kwargs)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """Mínimo a lo largo de ``axis``."""
    if _is_symbolic(x) and initial is None:
        return _reduction("min", x, axis, keepdims)
    kwargs = {} if initial is None else {"initial": initial}
    return np.min(_np(x), axis=axis, keepdims=keepdims, **kwargs)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Producto Π de los elementos a lo largo de ``axis``."""
    return np.prod(_np(x), axis=axis, keepdims=keepdims, dtype=dtype)


def std(x, axis=None, keepdims=False):
    """Desviación típica (de población, dividiendo entre n) a lo largo de ``axis``."""
    if _is_symbolic(x):
        return _reduction("std", x, axis, keepdims)
    return np.std(_float(x), axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Varianza (de población, dividiendo entre n) a lo largo de ``axis``."""
    if _is_symbolic(x):
        return _reduction("var", x, axis, keepdims)
    return np.var(_float(x), axis=axis, keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    """Índice del máximo a lo largo de ``axis`` (el primero si hay empate)."""
    return np.argmax(_np(x), axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    """Índice del mínimo a lo largo de ``axis``."""
    return np.argmin(_np(x), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """¿Algún elemento es cierto (distinto de 0)?"""
    return np.any(_np(x), axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """¿Todos los elementos son ciertos (distintos de 0)?"""
    return np.all(_np(x), axis=axis, keepdims=keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """ln Σ eˣ a lo largo de ``axis``, calculado como m + ln Σ e^(x − m) (m = máximo) para no desbordar."""
    if _is_symbolic(x):
        return _reduction("logsumexp", x, axis, keepdims)
    x = _float(x)
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """Norma de un vector (L2 por defecto: √Σx²) o de una matriz, como ``np.linalg.norm``."""
    if _is_symbolic(x) and ord in (None, 2) and (axis is None or isinstance(axis, (int, np.integer))):
        return sqrt(sum(square(x), axis=axis, keepdims=keepdims))
    return np.linalg.norm(_float(x), ord=ord, axis=axis, keepdims=keepdims)


def cumsum(x, axis=None, dtype=None):
    """Sumas acumuladas: yᵢ = x₀ + … + xᵢ a lo largo de ``axis``."""
    return np.cumsum(_np(x), axis=axis, dtype=dtype)


# ----------------------------------------------------------------------------- forma
def reshape(x, newshape):
    """Los mismos elementos con otra forma (−1 en un eje: el que haga falta)."""
    if _is_symbolic(x):
        return ShapeOp("reshape", newshape=[None if n is None else int(n) for n in newshape])(_operand(x))
    return np.reshape(_np(x), newshape)


def transpose(x, axes=None):
    """Ejes permutados (invertidos si ``axes`` es None): la traspuesta de una matriz."""
    if _is_symbolic(x):
        return ShapeOp("transpose", axes=None if axes is None else [int(a) for a in axes])(_operand(x))
    return np.transpose(_np(x), axes)


def swapaxes(x, axis1, axis2):
    """Intercambia dos ejes."""
    if _is_symbolic(x):
        return ShapeOp("swapaxes", axis1=int(axis1), axis2=int(axis2))(_operand(x))
    return np.swapaxes(_np(x), axis1, axis2)


def expand_dims(x, axis):
    """Añade un eje de tamaño 1 en la posición ``axis``."""
    if _is_symbolic(x):
        return ShapeOp("expand_dims", axis=int(axis))(_operand(x))
    return np.expand_dims(_np(x), axis)


def squeeze(x, axis=None):
    """Quita los ejes de tamaño 1 (solo ``axis`` si se da)."""
    if _is_symbolic(x):
        return ShapeOp("squeeze", axis=axis)(_operand(x))
    return np.squeeze(_np(x), axis)


def concatenate(xs, axis=0):
    """Une los arrays de ``xs`` a lo largo de un eje que ya existe (por defecto el 0, como en Keras)."""
    if _is_symbolic(*xs):
        return Join("concatenate", axis=int(axis))([_operand(x) for x in xs])
    return np.concatenate([_np(x) for x in xs], axis=axis)


def stack(x, axis=0):
    """Apila los arrays de ``x`` en un eje nuevo."""
    if _is_symbolic(*x):
        return Join("stack", axis=int(axis))([_operand(a) for a in x])
    return np.stack([_np(a) for a in x], axis=axis)


def split(x, indices_or_sections, axis=0):
    """Parte ``x`` en trozos a lo largo de ``axis`` (una lista de arrays)."""
    return np.split(_np(x), indices_or_sections, axis=axis)


def tile(x, repeats):
    """Repite el array entero ``repeats`` veces por eje."""
    return np.tile(_np(x), repeats)


def repeat(x, repeats, axis=None):
    """Repite cada elemento ``repeats`` veces a lo largo de ``axis``."""
    return np.repeat(_np(x), repeats, axis=axis)


def flip(x, axis=None):
    """Invierte el orden de los elementos a lo largo de ``axis`` (de todos si es None)."""
    return np.flip(_np(x), axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    """Rellena los bordes de ``x`` (``pad_width`` = [(antes, después)] por eje)."""
    kwargs = {} if constant_values is None else {"constant_values": constant_values}
    return np.pad(_np(x), pad_width, mode=mode, **kwargs)


def take(x, indices, axis=None):
    """Los elementos de ``x`` en las posiciones ``indices`` a lo largo de ``axis`` (como una búsqueda en una tabla)."""
    if _is_symbolic(x, indices):
        return Take("take", axis=axis)(_operand(x), _operand(indices))
    return np.take(_np(x), _np(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    """Un elemento por posición, elegido por ``indices`` a lo largo de ``axis``."""
    return np.take_along_axis(_np(x), _np(indices), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Codificación one-hot: cada entero k pasa a ser eₖ, un vector de ``num_classes`` con un 1 en k."""
    if _is_symbolic(x):
        return OneHot("one_hot", num_classes=int(num_classes), axis=int(axis),
                      dtype=str(np.dtype(dtype or config.floatx())))(_operand(x))
    labels = _np(x)
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind != "f" or np.any(labels != np.round(labels)):
            raise CourseTypeError(f"one_hot: se esperaban enteros (índices de clase); se recibió {describe(labels)}.")
        labels = labels.astype(np.int64)
    out = (labels[..., None] == np.arange(num_classes)).astype(dtype or config.floatx())
    return np.moveaxis(out, -1, axis) if axis != -1 else out


# ----------------------------------------------------------------------------- álgebra
def matmul(x1, x2):
    """Producto de matrices x1·x2 (sobre los dos últimos ejes, con difusión de los demás)."""
    if _is_symbolic(x1, x2):
        return MatMul()(x1, x2)
    return np.matmul(_np(x1), _np(x2))


def dot(x1, x2):
    """Producto escalar de vectores o producto de matrices, como ``np.dot``."""
    if _is_symbolic(x1, x2):
        return MatMul()(x1, x2)
    return np.dot(_np(x1), _np(x2))


def einsum(subscripts, *operands, **kwargs):
    """Suma de Einstein: ``einsum("bqd,bkd->bqk", q, k)`` es Σ_d q[b,q,d]·k[b,k,d]."""
    if _is_symbolic(*operands):
        if len(operands) != 2 or "->" not in subscripts:
            raise CourseError("ops.einsum dentro de un modelo admite dos tensores y una salida explícita, p. ej. "
                              f"einsum('bqd,bkd->bqk', q, k); se recibió {subscripts!r} con {len(operands)} tensores.")
        return Einsum("einsum", subscripts=subscripts)(*[_operand(o) for o in operands])
    return np.einsum(subscripts, *[_np(o) for o in operands], **kwargs)


# ----------------------------------------------------------------------------- orden
def sort(x, axis=-1):
    """Los elementos ordenados de menor a mayor a lo largo de ``axis``."""
    return np.sort(_np(x), axis=axis)


def argsort(x, axis=-1):
    """Los índices que ordenan ``x`` de menor a mayor a lo largo de ``axis``."""
    return np.argsort(_np(x), axis=axis, kind="stable")


def top_k(x, k, sorted=True):  # noqa: A002
    """Los ``k`` mayores valores del último eje y sus índices: (valores, índices), de mayor a menor."""
    x = _np(x)
    if not 1 <= k <= x.shape[-1]:
        raise CourseError(f"top_k: k debe estar entre 1 y {x.shape[-1]} (el tamaño del último eje); se recibió {k}.")
    indices = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, indices, axis=-1), indices



def _reduction(kind, x, axis, keepdims):
    """La reducción como nodo del grafo (ver ``operations.Reduction``)."""
    axis = axis if axis is None or isinstance(axis, (int, np.integer)) else [int(a) for a in axis]
    return Reduction(kind, axis=None if axis is None else (int(axis) if isinstance(axis, (int, np.integer)) else axis),
                     keepdims=bool(keepdims))(_operand(x))
