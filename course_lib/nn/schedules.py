"""Programas de la tasa de aprendizaje (*learning-rate schedules*), como ``keras.optimizers.schedules``.

Un programa es una función del número de paso t = 0, 1, 2… (``optimizer.iterations``: cuenta
mini-lotes, no épocas) que da la tasa η_t de ese paso. Se pasa donde va una tasa::

    programa = ExponentialDecay(initial_learning_rate=0.1, decay_steps=1000, decay_rate=0.5)
    model.compile(optimizer=SGD(learning_rate=programa), loss="mse")

y el optimizador lo consulta antes de cada paso. Las fórmulas, los argumentos y los valores por
defecto son los de Keras 3 (η₀ = ``initial_learning_rate``, T = ``decay_steps``):

- :class:`ExponentialDecay`: η₀·r^(t/T) (con ``staircase``, r^⌊t/T⌋: escalones);
- :class:`InverseTimeDecay`: η₀ / (1 + r·t/T);
- :class:`PolynomialDecay`: (η₀ − η_fin)·(1 − t/T)^p + η_fin;
- :class:`PiecewiseConstantDecay`: un valor fijo en cada tramo de pasos;
- :class:`CosineDecay`: η₀·((1 − α)·½(1 + cos(π·t/T)) + α), con calentamiento lineal opcional;
- :class:`CosineDecayRestarts`: el coseno, reiniciado cada vez con periodos más largos (SGDR).

Un programa propio es una subclase de :class:`LearningRateSchedule` con ``__call__(self, step)``.
"""

import math

from .validation import CourseError, check_number, describe

__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay", "PolynomialDecay",
           "PiecewiseConstantDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize"]


def _step(step):
    """El paso como número real (acepta enteros de NumPy o tensores de un solo valor)."""
    try:
        return float(step)
    except (TypeError, ValueError):
        raise CourseError(f"Un programa de la tasa se evalúa en un número de paso; se recibió {describe(step)}.") from None


def _positive(value, name):
    return check_number(value, name, low=0.0, low_inclusive=False)


class LearningRateSchedule:
    """Base de los programas: ``programa(paso)`` devuelve la tasa η de ese paso (un número real).

    Para escribir uno propio, hereda de esta clase y define ``__call__(self, step)``; ``get_config``
    (los argumentos del constructor) permite guardarlo con el modelo.
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"El programa de la tasa '{type(self).__name__}' debe definir __call__(self, step), que devuelve la tasa "
            "de aprendizaje del paso step."
        )

    def get_config(self):
        """Los argumentos del constructor (para guardar el programa con el modelo)."""
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """Decaimiento exponencial: η_t = η₀ · r^(t/T); con ``staircase=True``, η_t = η₀ · r^⌊t/T⌋.

    Cada T pasos la tasa se multiplica por r (``decay_rate``): con r = 0,5, se divide entre 2.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        self.initial_learning_rate = _positive(initial_learning_rate, "ExponentialDecay: initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "ExponentialDecay: decay_steps")
        self.decay_rate = _positive(decay_rate, "ExponentialDecay: decay_rate")
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step):
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate**p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """Decaimiento inverso en el tiempo: η_t = η₀ / (1 + r · t/T) (con ``staircase``, ⌊t/T⌋)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate = _positive(initial_learning_rate, "InverseTimeDecay: initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "InverseTimeDecay: decay_steps")
        self.decay_rate = check_number(decay_rate, "InverseTimeDecay: decay_rate", low=0.0)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step):
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decaimiento polinómico de η₀ a η_fin en T pasos: η_t = (η₀ − η_fin)·(1 − t/T)^p + η_fin.

    Sin ``cycle``, a partir de T la tasa se queda en η_fin; con ``cycle=True``, T se alarga al
    siguiente múltiplo de T que cubra t (T·⌈t/T⌉), y la tasa vuelve a subir y bajar.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        self.initial_learning_rate = _positive(initial_learning_rate, "PolynomialDecay: initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "PolynomialDecay: decay_steps")
        self.end_learning_rate = check_number(end_learning_rate, "PolynomialDecay: end_learning_rate", low=0.0)
        self.power = check_number(power, "PolynomialDecay: power", low=0.0)
        self.cycle = bool(cycle)
        self.name = name

    def __call__(self, step):
        t, decay_steps = _step(step), self.decay_steps
        if self.cycle:
            decay_steps *= 1.0 if t == 0 else math.ceil(t / self.decay_steps)
        else:
            t = min(t, decay_steps)
        p = t / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power + self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """Tasa constante por tramos: ``values[0]`` hasta el paso ``boundaries[0]`` (incluido),
    ``values[1]`` hasta ``boundaries[1]``… y ``values[-1]`` después del último límite.

    >>> PiecewiseConstantDecay(boundaries=[100, 200], values=[0.1, 0.01, 0.001])(150)
    0.01
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if not isinstance(boundaries, (list, tuple)) or not isinstance(values, (list, tuple)):
            raise CourseError(
                "PiecewiseConstantDecay: boundaries y values deben ser listas, p. ej. boundaries=[100, 200] y "
                f"values=[0.1, 0.01, 0.001]; se recibieron {describe(boundaries)} y {describe(values)}."
            )
        if len(boundaries) != len(values) - 1:
            raise CourseError(
                f"PiecewiseConstantDecay: hace falta un valor más que límites (un valor por tramo); se recibieron "
                f"{len(boundaries)} límites y {len(values)} valores."
            )
        if list(boundaries) != sorted(boundaries):
            raise CourseError(f"PiecewiseConstantDecay: los límites deben ir en orden creciente; se recibió {boundaries}.")
        self.boundaries = [float(check_number(b, "PiecewiseConstantDecay: boundaries")) for b in boundaries]
        self.values = [_positive(v, "PiecewiseConstantDecay: values") for v in values]
        self.name = name

    def __call__(self, step):
        t = _step(step)
        for boundary, value in zip(self.boundaries, self.values):
            if t <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Decaimiento coseno (Loshchilov y Hutter, 2017), con calentamiento (*warmup*) opcional.

    Sin calentamiento, η_t = η₀·((1 − α)·½(1 + cos(π·t/T)) + α) para t ≤ T, y η₀·α después: la
    tasa baja suavemente de η₀ a α·η₀. Con ``warmup_target`` y ``warmup_steps`` = W, primero sube en
    línea recta de η₀ a ``warmup_target`` en W pasos y después decae desde ``warmup_target``.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = check_number(initial_learning_rate, "CosineDecay: initial_learning_rate", low=0.0)
        self.decay_steps = _positive(decay_steps, "CosineDecay: decay_steps")
        self.alpha = check_number(alpha, "CosineDecay: alpha", low=0.0, high=1.0)
        self.warmup_target = None if warmup_target is None else _positive(warmup_target, "CosineDecay: warmup_target")
        self.warmup_steps = check_number(warmup_steps, "CosineDecay: warmup_steps", low=0.0)
        if self.warmup_target is None and self.initial_learning_rate == 0:
            raise CourseError("CosineDecay: initial_learning_rate = 0 solo tiene sentido con calentamiento "
                              "(warmup_target y warmup_steps); si no, la tasa sería 0 siempre.")
        self.name = name

    def _decay(self, t, start):
        completed = t / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * completed))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        t = _step(step)
        if self.warmup_target is None:
            return self._decay(min(t, self.decay_steps), self.initial_learning_rate)
        t = min(t, self.decay_steps + self.warmup_steps)
        if t < self.warmup_steps:
            fraction = t / self.warmup_steps
            return (self.warmup_target - self.initial_learning_rate) * fraction + self.initial_learning_rate
        return self._decay(t - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Coseno con reinicios (SGDR, Loshchilov y Hutter, 2017): el primer ciclo dura T pasos
    (``first_decay_steps``), cada uno siguiente ``t_mul`` veces más, y cada reinicio empieza en
    ``m_mul`` veces la tasa del anterior. Dentro de un ciclo, como :class:`CosineDecay`.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        self.initial_learning_rate = _positive(initial_learning_rate, "CosineDecayRestarts: initial_learning_rate")
        self.first_decay_steps = _positive(first_decay_steps, "CosineDecayRestarts: first_decay_steps")
        self._t_mul = _positive(t_mul, "CosineDecayRestarts: t_mul")
        self._m_mul = _positive(m_mul, "CosineDecayRestarts: m_mul")
        self.alpha = check_number(alpha, "CosineDecayRestarts: alpha", low=0.0, high=1.0)
        self.name = name

    def __call__(self, step):
        completed = _step(step) / self.first_decay_steps
        if self._t_mul == 1.0:
            restart = math.floor(completed)
            completed -= restart
        else:  # ciclos de longitud T, T·t_mul, T·t_mul², …: el reinicio i empieza en T·(1 − t_mulⁱ)/(1 − t_mul)
            restart = math.floor(math.log(1.0 - completed * (1.0 - self._t_mul)) / math.log(self._t_mul))
            before = (1.0 - self._t_mul**restart) / (1.0 - self._t_mul)
            completed = (completed - before) / self._t_mul**restart
        cosine = 0.5 * self._m_mul**restart * (1.0 + math.cos(math.pi * completed))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


SCHEDULE_CLASSES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay, PolynomialDecay,
                                                  PiecewiseConstantDecay, CosineDecay, CosineDecayRestarts)}


def serialize(schedule):
    """Un dict JSON ``{"class_name", "config"}`` que :func:`deserialize` convierte en el mismo programa."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config, custom_objects=None):
    """El programa descrito por :func:`serialize` (las clases propias, en ``custom_objects``)."""
    classes = dict(SCHEDULE_CLASSES, **(custom_objects or {}))
    name = config.get("class_name")
    if name not in classes:
        raise CourseError(
            f"No se conoce el programa de la tasa {name!r}. Si es una clase propia, pásala en "
            f"custom_objects={{{name!r}: {name}}}."
        )
    return classes[name].from_config(config.get("config", {}))
