"""Inicialización de pesos (Glorot/Xavier, He, LeCun, ortogonal, constantes…), con las fórmulas de Keras.

Dos formas de pedir una inicialización, como en Keras:

- por su nombre: ``Dense(64, kernel_initializer="he_normal")``;
- como objeto, con sus argumentos: ``Dense(64, kernel_initializer=initializers.HeNormal(seed=0))``,
  ``RandomNormal(mean=0.0, stddev=0.02)``, ``Constant(0.1)``…

Cada objeto se llama con una forma y devuelve un array de ``floatx()``: ``HeNormal()((3, 3))``.
Sin ``seed``, los valores salen del generador del motor, ``config.rng()``: después de ``set_seed(s)``
los pesos iniciales son reproducibles. Con ``seed=s``, como en Keras 3, el objeto da **los mismos
valores cada vez que se le llama** (dos capas con el mismo objeto con semilla empiezan iguales).

fan_in y fan_out son el número de entradas y de salidas de cada neurona:
- núcleo de Dense, forma (entradas, unidades): fan_in = entradas, fan_out = unidades;
- núcleo de Conv2D, forma (kh, kw, canales, filtros): fan_in = kh·kw·canales, fan_out = kh·kw·filtros.

Los nombres en minúsculas sirven para dos cosas: con una forma dan los valores (``glorot_uniform((256, 128))``,
lo que usan los cuadernos para ver la varianza de cada regla) y sin ella crean el objeto, como en Keras 3
(``he_normal(seed=1)`` es ``HeNormal(seed=1)``).
"""

import numpy as np

from . import config
from .validation import CourseError, CourseTypeError, check_number, unknown_name_error


def compute_fans(shape):
    """(fan_in, fan_out) de un núcleo de forma ``shape``, como en Keras."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = int(np.prod(shape[:-2]))  # kh·kw en una convolución; 1 en una capa densa
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _check_shape(shape, who):
    """``shape`` como tupla de enteros no negativos (un entero vale por una tupla de uno)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        shape = None
    if shape is None or any(n < 0 for n in shape):
        raise CourseError(f"{who}: la forma debe ser una tupla de enteros, p. ej. (784, 64); se recibió {shape!r}.")
    return shape


def _check_seed(seed, who):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CourseError(f"{who}: seed debe ser un entero no negativo o None; se recibió {seed!r}.")
    return int(seed)


def _truncated(rng, shape, sigma):
    """Normal de media 0 y desviación σ (antes de truncar) truncada en ±2σ: se vuelven a sortear los valores de fuera."""
    values = rng.normal(0.0, sigma, size=shape)
    outside = np.abs(values) > 2 * sigma
    while outside.any():
        values[outside] = rng.normal(0.0, sigma, size=int(outside.sum()))
        outside = np.abs(values) > 2 * sigma
    return values


# ----------------------------------------------------------------------------- los objetos
class Initializer:
    """Base de las inicializaciones: ``init(shape, dtype=None) -> array`` de esa forma.

    Las subclases definen ``sample(shape, rng)`` (valores en float64) y, si tienen argumentos,
    ``get_config``. ``rng`` es el generador de la semilla propia o, sin semilla, el del motor.
    """

    def __init__(self, seed=None):
        self.seed = _check_seed(seed, type(self).__name__)

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape, type(self).__name__)
        rng = config.rng() if self.seed is None else np.random.default_rng(self.seed)
        return np.asarray(self.sample(shape, rng)).astype(dtype or config.dtype())

    def sample(self, shape, rng):
        """Los valores (float64) de un array de forma ``shape``, sorteados con ``rng`` si la regla es aleatoria."""
        raise NotImplementedError

    def get_config(self):
        """Argumentos del constructor (para guardar el modelo)."""
        return {} if self.seed is None else {"seed": self.seed}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """Todos los valores a 0 (sesgos, beta de la normalización)."""

    def __init__(self):
        super().__init__()

    def sample(self, shape, rng):
        return np.zeros(shape)


class Ones(Initializer):
    """Todos los valores a 1 (gamma de la normalización)."""

    def __init__(self):
        super().__init__()

    def sample(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    """Todos los valores iguales a ``value``: w = c."""

    def __init__(self, value=0.0):
        super().__init__()
        self.value = check_number(value, "Constant: value")

    def sample(self, shape, rng):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal: w ~ N(mean, stddev²); por defecto N(0; 0,05²), como Keras."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = check_number(mean, "RandomNormal: mean")
        self.stddev = check_number(stddev, "RandomNormal: stddev", low=0.0)

    def sample(self, shape, rng):
        return rng.normal(self.mean, self.stddev, size=shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(Initializer):
    """Uniforme: w ~ U(minval, maxval); por defecto U(−0,05; 0,05), como Keras (la de Embedding)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval = check_number(minval, "RandomUniform: minval")
        self.maxval = check_number(maxval, "RandomUniform: maxval", low=self.minval)

    def sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class TruncatedNormal(Initializer):
    """Normal N(mean, stddev²) truncada: los valores a más de 2·stddev de la media se vuelven a sortear."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = check_number(mean, "TruncatedNormal: mean")
        self.stddev = check_number(stddev, "TruncatedNormal: stddev", low=0.0)

    def sample(self, shape, rng):
        return self.mean + _truncated(rng, shape, self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class VarianceScaling(Initializer):
    """Varianza proporcional al tamaño de la capa, la regla común de Glorot, He y LeCun:

        Var(w) = scale / n,   n = fan_in, fan_out o (fan_in + fan_out)/2 según ``mode``
        ("fan_in", "fan_out", "fan_avg"); ``distribution``:
        - "truncated_normal": normal truncada en ±2σ con σ = √(scale/n) / 0,8796 (truncar en ±2σ reduce la
          desviación típica en un factor 0,87962566, así que la final es √(scale/n));
        - "untruncated_normal": N(0, scale/n);
        - "uniform": U(−l, l) con l = √(3·scale/n).
    """

    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        self.scale = check_number(scale, "VarianceScaling: scale", low=0.0, low_inclusive=False)
        if mode not in self.MODES:
            raise unknown_name_error("opción mode de VarianceScaling", mode, self.MODES)
        if distribution == "normal":   # nombre antiguo de Keras 2
            distribution = "truncated_normal"
        if distribution not in self.DISTRIBUTIONS:
            raise unknown_name_error("opción distribution de VarianceScaling", distribution, self.DISTRIBUTIONS)
        self.mode, self.distribution = mode, distribution

    def sample(self, shape, rng):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        n = max(1.0, n)
        # Una sola división por fórmula (3·scale/n y no 3·(scale/n)): da los mismos bits que √(6/(fan_in + fan_out)).
        if self.distribution == "truncated_normal":
            return _truncated(rng, shape, np.sqrt(self.scale / n) / 0.87962566103423978)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, np.sqrt(self.scale / n), size=shape)
        limit = np.sqrt(3.0 * self.scale / n)
        return rng.uniform(-limit, limit, size=shape)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, **super().get_config()}


class _NamedVarianceScaling(VarianceScaling):
    """Una regla con nombre propio: solo admite ``seed`` (la escala, el modo y la distribución son fijos)."""

    RULE = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None):
        super().__init__(*self.RULE, seed=seed)

    def get_config(self):
        return {} if self.seed is None else {"seed": self.seed}


class GlorotUniform(_NamedVarianceScaling):
    """Glorot/Xavier uniforme (defecto de Keras): U(−l, l) con l = √(6 / (fan_in + fan_out))."""

    RULE = (1.0, "fan_avg", "uniform")


class GlorotNormal(_NamedVarianceScaling):
    """Glorot/Xavier normal: normal truncada en ±2σ con varianza 2 / (fan_in + fan_out)."""

    RULE = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_NamedVarianceScaling):
    """He normal (para ReLU): normal truncada en ±2σ con varianza 2 / fan_in."""

    RULE = (2.0, "fan_in", "truncated_normal")


class HeUniform(_NamedVarianceScaling):
    """He uniforme (para ReLU): U(−l, l) con l = √(6 / fan_in)."""

    RULE = (2.0, "fan_in", "uniform")


class LecunNormal(_NamedVarianceScaling):
    """LeCun normal (la de SELU): normal truncada en ±2σ con varianza 1 / fan_in."""

    RULE = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_NamedVarianceScaling):
    """LeCun uniforme: U(−l, l) con l = √(3 / fan_in)."""

    RULE = (1.0, "fan_in", "uniform")


class Orthogonal(Initializer):
    """Ortogonal (defecto de Keras para la matriz recurrente U): gain·Q, con Q de la descomposición QR de
    una matriz normal y el signo de la diagonal de R para que la distribución sea uniforme.

    Las columnas (o filas) de Q son ortonormales: multiplicar por U no encoge ni estira el estado.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = check_number(gain, "Orthogonal: gain")

    def sample(self, shape, rng):
        if len(shape) < 2:
            raise CourseError(f"Orthogonal necesita una forma de al menos dos ejes; se recibió {shape}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = rng.normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


class Identity(Initializer):
    """Matriz identidad (multiplicada por ``gain``); solo para núcleos 2-D."""

    def __init__(self, gain=1.0):
        super().__init__()
        self.gain = check_number(gain, "Identity: gain")

    def sample(self, shape, rng):
        if len(shape) != 2:
            raise CourseError(f"Identity solo crea matrices (formas de dos ejes); se recibió {shape}.")
        return self.gain * np.eye(*shape)

    def get_config(self):
        return {"gain": self.gain}


# ----------------------------------------------------------------------------- nombres en minúsculas
def _lowercase(name, cls):
    """``he_normal`` y compañía, con los dos usos que tienen:

    - con una forma (tupla o lista), los valores: ``he_normal((256, 128))`` (los cuadernos; el generador del motor);
    - como en Keras 3, donde son otro nombre de la clase: ``he_normal()`` o ``he_normal(seed=1)`` crean el objeto.
    """
    def initializer(*args, **kwargs):
        if args and isinstance(args[0], (tuple, list)):
            shape, *rest = args
            return cls(*rest, **{k: v for k, v in kwargs.items() if k != "dtype"})(shape, kwargs.get("dtype"))
        return cls(*args, **kwargs)
    initializer.__name__ = initializer.__qualname__ = name
    initializer.__doc__ = (f"``{name}(forma)`` -> array con la regla de :class:`{cls.__name__}`; ``{name}(…)`` sin forma "
                           f"crea un {cls.__name__}(…), como en Keras 3. {cls.__doc__.splitlines()[0]}")
    return initializer


zeros = _lowercase("zeros", Zeros)
ones = _lowercase("ones", Ones)
constant = _lowercase("constant", Constant)
glorot_uniform = _lowercase("glorot_uniform", GlorotUniform)
glorot_normal = _lowercase("glorot_normal", GlorotNormal)
he_uniform = _lowercase("he_uniform", HeUniform)
he_normal = _lowercase("he_normal", HeNormal)
lecun_uniform = _lowercase("lecun_uniform", LecunUniform)
lecun_normal = _lowercase("lecun_normal", LecunNormal)
orthogonal = _lowercase("orthogonal", Orthogonal)
identity = _lowercase("identity", Identity)
random_normal = _lowercase("random_normal", RandomNormal)
random_uniform = _lowercase("random_uniform", RandomUniform)
uniform = _lowercase("uniform", RandomUniform)
truncated_normal = _lowercase("truncated_normal", TruncatedNormal)
variance_scaling = _lowercase("variance_scaling", VarianceScaling)


#: Nombre de Keras → clase. ``get(nombre)`` crea la inicialización con los argumentos por defecto.
INITIALIZERS = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
    "identity": Identity,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
}

#: Nombre de cada clase (para reconstruir las guardadas con :func:`serialize`).
CLASSES = {cls.__name__: cls for cls in INITIALIZERS.values()}


def get(identifier):
    """La inicialización pedida: un nombre ("he_normal"), un objeto (``HeNormal(seed=1)``), el dict de
    :func:`serialize` o una función propia ``f(shape) -> array``."""
    if isinstance(identifier, Initializer) or (callable(identifier) and not isinstance(identifier, type)):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()        # keras.initializers.HeNormal sin paréntesis: Keras también lo admite
    if isinstance(identifier, dict) and identifier.get("class_name") in CLASSES:
        return CLASSES[identifier["class_name"]](**identifier.get("config", {}))
    if not isinstance(identifier, str):
        raise CourseTypeError(
            "El inicializador debe ser un nombre como 'glorot_uniform' o 'he_normal', un objeto como "
            "initializers.HeNormal(), o una función f(shape) -> array; se recibió un valor de tipo "
            f"{type(identifier).__name__}."
        )
    name = identifier.lower()
    if name not in INITIALIZERS:
        # También los nombres de clase de Keras escritos como texto: "HeNormal", "GlorotUniform".
        by_class = {cls.lower(): cls for cls in CLASSES}
        if name in by_class:
            return CLASSES[by_class[name]]()
        raise unknown_name_error("inicialización", identifier, INITIALIZERS)
    return INITIALIZERS[name]()


def serialize(initializer):
    """El inicializador en tipos JSON: su nombre si es el de Keras sin argumentos ("he_normal"), un dict
    {"class_name", "config"} si tiene argumentos, o el nombre de una función propia."""
    if isinstance(initializer, str):
        return initializer
    if isinstance(initializer, Initializer):
        config_ = initializer.get_config()
        if not config_:
            for name, cls in INITIALIZERS.items():
                if type(initializer) is cls and name != "uniform":
                    return name
        return {"class_name": type(initializer).__name__, "config": config_}
    return getattr(initializer, "__name__", str(initializer))
