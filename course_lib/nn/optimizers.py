"""Optimizadores: SGD (con momento y Nesterov), Adagrad, RMSprop y Adam.

Las fórmulas y los valores por defecto son los de Keras 3, para que lo aprendido aquí
se traslade tal cual. Notación: θ es un parámetro (un peso W o un sesgo b, da igual:
**todos** se actualizan con la misma regla), g = ∂J/∂θ su gradiente en el mini-lote,
η la tasa de aprendizaje y t el número de paso (t = 1, 2, …: cuenta mini-lotes, no épocas).

Uso: ``optimizer.step(layers)`` aplica una actualización a cada parámetro de esas capas
a partir de ``layer.grads``. El estado de cada parámetro (velocidad, acumulador, m, v)
se guarda en un diccionario con clave (capa, nombre del parámetro).

Recorte de gradientes (*gradient clipping*), con los argumentos y la semántica de Keras 3, antes
de la regla de cada optimizador (solo se admite uno de los tres):

- ``clipnorm=c``: cada gradiente por separado (cada W, cada b) se reescala si su norma es mayor
  que c:  g ← g·c / max(‖g‖₂, c).
- ``global_clipnorm=c``: todos los gradientes juntos, como un solo vector:
  g ← g·c / max(‖(g₁, g₂, …)‖₂, c)  (lo que hace ``torch.nn.utils.clip_grad_norm_``).
- ``clipvalue=c``: cada componente se recorta a [−c, c].
"""

import numpy as np

from .validation import CourseError, check_number, describe, unknown_name_error


class Optimizer:
    """Base común: tasa de aprendizaje, contador de pasos y estado por parámetro."""

    def __init__(self, learning_rate, clipnorm=None, clipvalue=None, global_clipnorm=None):
        self.learning_rate = _check_learning_rate(learning_rate)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        given = [name for name, value in clips.items() if value is not None]
        if len(given) > 1:
            raise CourseError(
                f"{type(self).__name__}: solo se puede usar una forma de recorte de gradientes a la vez, "
                f"pero se recibieron {' y '.join(given)}. Elige una: clipnorm (cada gradiente por "
                "separado), global_clipnorm (todos juntos) o clipvalue (cada componente)."
            )
        for name, value in clips.items():
            if value is not None:
                check_number(value, f"{type(self).__name__}: {name}", low=0.0, low_inclusive=False)
        self.clipnorm = None if clipnorm is None else float(clipnorm)
        self.clipvalue = None if clipvalue is None else float(clipvalue)
        self.global_clipnorm = None if global_clipnorm is None else float(global_clipnorm)
        self.iterations = 0  # pasos ya dados (como optimizer.iterations en Keras)
        self._slots = {}  # (id(capa), nombre del parámetro, ranura) -> array

    def slot(self, layer, key, name, like, fill=0.0):
        """El array de estado ``name`` del parámetro ``layer.params[key]`` (se crea con la forma de θ)."""
        slot_key = (id(layer), key, name)
        if slot_key not in self._slots:
            self._slots[slot_key] = np.full_like(like, fill)
        return self._slots[slot_key]

    def step(self, layers):
        """Una actualización de todos los parámetros (pesos y sesgos) de ``layers``."""
        self.learning_rate = _check_learning_rate(self.learning_rate)  # por si se cambió a mano
        entries = []
        for layer in layers:
            for key, theta in layer.params.items():
                grad = layer.grads.get(key)
                if grad is None:
                    raise CourseError(
                        f"{type(self).__name__}: la capa {getattr(layer, 'name', layer)!r} no tiene "
                        f"gradiente para {key!r}. Llama a backward antes de step."
                    )
                if grad.shape != theta.shape:
                    raise CourseError(
                        f"{type(self).__name__}: el gradiente de {key!r} tiene forma {grad.shape}, "
                        f"pero el parámetro tiene forma {theta.shape}; deben coincidir."
                    )
                entries.append((layer, key, theta, grad.astype(theta.dtype, copy=False)))
        grads = self.clip_gradients([g for *_, g in entries])
        for (layer, key, theta, _), g in zip(entries, grads):
            self.update(layer, key, theta, g)
        self.iterations += 1

    def clip_gradients(self, grads):
        """Recorta la lista de gradientes según clipnorm, global_clipnorm o clipvalue (como Keras 3)."""
        if self.clipnorm is not None:
            return [(g * (self.clipnorm / max(float(np.sqrt(np.sum(g * g))), self.clipnorm))).astype(g.dtype, copy=False)
                    for g in grads]
        if self.global_clipnorm is not None:
            norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
            scale = self.global_clipnorm / max(norm, self.global_clipnorm)
            return [(g * scale).astype(g.dtype, copy=False) for g in grads]
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def update(self, layer, key, theta, g):
        """Actualiza ``theta`` en su sitio (in place) con el gradiente ``g``."""
        raise NotImplementedError

    def reset(self):
        """Olvida el estado acumulado (velocidades, momentos) y vuelve a t = 0."""
        self.iterations = 0
        self._slots = {}

    def get_config(self):
        config = {"class_name": type(self).__name__}
        config.update({k: getattr(self, k) for k in self._config_keys})
        config.update({k: getattr(self, k) for k in _CLIP_KEYS if getattr(self, k) is not None})
        return config

    def __repr__(self):
        keys = list(self._config_keys) + [k for k in _CLIP_KEYS if getattr(self, k) is not None]
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in keys)
        return f"{type(self).__name__}({args})"


_CLIP_KEYS = ("clipnorm", "global_clipnorm", "clipvalue")


def _check_learning_rate(value):
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value <= 0:
        raise CourseError(
            "learning_rate (la tasa de aprendizaje η) debe ser un número positivo, "
            f"típicamente entre 1e-4 y 1e-1; se recibió {value!r}."
        )
    return float(value)


def _check_fraction(value, name):
    """Factores de decaimiento (momento, β, ρ) en [0, 1)."""
    return check_number(value, name, low=0.0, high=1.0, high_inclusive=False)


class SGD(Optimizer):
    """Descenso de gradiente estocástico (por mini-lotes), con momento opcional.

    Sin momento:        θ ← θ − η·g
    Con momento μ:      v ← μ·v − η·g ;   θ ← θ + v
    Nesterov:           v ← μ·v − η·g ;   θ ← θ + μ·v − η·g
    (v empieza en 0; es la forma de Keras, equivalente a v ← μv + g, θ ← θ − ηv con η fija).
    """

    _config_keys = ("learning_rate", "momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False,
                 clipnorm=None, clipvalue=None, global_clipnorm=None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm)
        self.momentum = _check_fraction(momentum, "momentum")
        self.nesterov = bool(nesterov)

    def update(self, layer, key, theta, g):
        eta = self.learning_rate
        if self.momentum == 0:
            theta -= eta * g
            return
        v = self.slot(layer, key, "velocity", theta)
        v *= self.momentum
        v -= eta * g
        if self.nesterov:
            theta += self.momentum * v - eta * g
        else:
            theta += v


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): cada parámetro acumula la suma de sus gradientes al cuadrado.

    G ← G + g²   (G empieza en ``initial_accumulator_value``)
    θ ← θ − η·g / √(G + ε)
    Como G solo crece, el paso efectivo de cada parámetro solo puede disminuir.
    """

    _config_keys = ("learning_rate", "initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 clipnorm=None, clipvalue=None, global_clipnorm=None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm)
        self.initial_accumulator_value = check_number(initial_accumulator_value, "initial_accumulator_value", low=0.0)
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)

    def update(self, layer, key, theta, g):
        G = self.slot(layer, key, "accumulator", theta, fill=self.initial_accumulator_value)
        G += g * g
        theta -= self.learning_rate * g / np.sqrt(G + self.epsilon)


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): media móvil exponencial de los gradientes al cuadrado.

    r ← ρ·r + (1 − ρ)·g²           (r empieza en 0)
    Δ = η·g / √(r + ε)
    sin momento: θ ← θ − Δ ;  con momento μ: s ← μ·s + Δ ;  θ ← θ − s
    """

    _config_keys = ("learning_rate", "rho", "momentum", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 clipnorm=None, clipvalue=None, global_clipnorm=None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm)
        self.rho = _check_fraction(rho, "rho")
        self.momentum = _check_fraction(momentum, "momentum")
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)

    def update(self, layer, key, theta, g):
        r = self.slot(layer, key, "velocity", theta)
        r *= self.rho
        r += (1 - self.rho) * g * g
        increment = self.learning_rate * g / np.sqrt(r + self.epsilon)
        if self.momentum > 0:
            s = self.slot(layer, key, "momentum", theta)
            s *= self.momentum
            s += increment
            theta -= s
        else:
            theta -= increment


class Adam(Optimizer):
    """Adam (Kingma y Ba, 2015): momento (1.er momento m) + RMSprop (2.º momento v) + corrección de sesgo.

    Para cada parámetro θ (pesos y sesgos), con t = 1, 2, … (t empieza en 1: nunca se divide entre 0):
        m ← β₁·m + (1 − β₁)·g
        v ← β₂·v + (1 − β₂)·g²
        θ ← θ − α_t·m / (√v + ε),   con α_t = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
    Es la forma de Keras; equivale a θ ← θ − η·m̂ / (√v̂ + ε̂) con m̂ = m/(1 − β₁ᵗ),
    v̂ = v/(1 − β₂ᵗ) (salvo que ε va dentro del paréntesis sin corregir).
    En el primer paso m̂ = g y v̂ = g², así que cada parámetro se mueve ≈ η·signo(g).
    """

    _config_keys = ("learning_rate", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 clipnorm=None, clipvalue=None, global_clipnorm=None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm)
        self.beta_1 = _check_fraction(beta_1, "beta_1")
        self.beta_2 = _check_fraction(beta_2, "beta_2")
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)

    def update(self, layer, key, theta, g):
        t = self.iterations + 1  # este paso
        alpha = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m = self.slot(layer, key, "m", theta)
        v = self.slot(layer, key, "v", theta)
        m += (1 - self.beta_1) * (g - m)
        v += (1 - self.beta_2) * (g * g - v)
        theta -= alpha * m / (np.sqrt(v) + self.epsilon)


#: Nombres de Keras → clase.
OPTIMIZERS = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam}
OPTIMIZER_CLASSES = {cls.__name__: cls for cls in OPTIMIZERS.values()}


def get(identifier):
    """Devuelve un optimizador a partir de su nombre (``"adam"``…) o de un objeto ya creado."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        if key in OPTIMIZERS:
            return OPTIMIZERS[key]()
        raise unknown_name_error("optimizador", identifier, OPTIMIZERS, masculine=True)
    raise CourseError(
        "optimizer: se esperaba el nombre de un optimizador ('sgd', 'adam', 'rmsprop', 'adagrad') "
        f"o un objeto como Adam(learning_rate=0.001); se recibió {describe(identifier)}."
    )


def from_config(config):
    """Reconstruye un optimizador a partir de :meth:`Optimizer.get_config` (lo usa ``load_model``)."""
    config = dict(config)
    cls = OPTIMIZER_CLASSES[config.pop("class_name")]
    return cls(**config)
