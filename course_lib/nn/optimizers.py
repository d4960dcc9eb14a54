"""Optimizadores: SGD (con momento y Nesterov), Adagrad, RMSprop, Adam, AdamW, Nadam y Adamax.

Las fórmulas y los valores por defecto son los de Keras 3, para que lo aprendido aquí
se traslade tal cual. Notación: θ es un parámetro (un peso W o un sesgo b, da igual:
**todos** se actualizan con la misma regla), g = ∂J/∂θ su gradiente en el mini-lote,
η la tasa de aprendizaje y t el número de paso (t = 1, 2, …: cuenta mini-lotes, no épocas).

La tasa η puede ser un número o un programa (``schedules.ExponentialDecay(…)``, …): entonces
η_t = programa(iterations) se consulta antes de cada paso, y ``optimizer.learning_rate`` da la del
paso actual.

Decaimiento de pesos (*weight decay*), ``weight_decay=λ`` en cualquier optimizador (como en Keras 3):
antes de cada paso, θ ← θ − η·λ·θ, en todos los parámetros. Con Adam es AdamW (Loshchilov y
Hutter, 2019): el decaimiento va aparte, no dentro del gradiente (que sería una penalización L2).

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

from . import schedules
from .schedules import LearningRateSchedule
from .validation import CourseError, CourseTypeError, check_number, describe, unknown_name_error

#: Argumentos de los optimizadores de Keras 3 que este motor no tiene.
_KERAS_ONLY = {
    "use_ema": "la media móvil exponencial de los pesos",
    "ema_momentum": "la media móvil exponencial de los pesos",
    "ema_overwrite_frequency": "la media móvil exponencial de los pesos",
    "loss_scale_factor": "el escalado de la pérdida (para precisión mixta)",
    "gradient_accumulation_steps": "la acumulación de gradientes (usa un batch_size mayor)",
}


class Optimizer:
    """Base común: tasa de aprendizaje (o su programa), recorte, decaimiento de pesos, contador de
    pasos y estado por parámetro."""

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 name=None, **kwargs):
        for key in kwargs:
            if key in _KERAS_ONLY:
                raise CourseError(
                    f"{type(self).__name__}: course_lib no tiene {_KERAS_ONLY[key]} ({key}=…, un argumento de Keras)."
                )
            raise CourseTypeError(f"{type(self).__name__} no tiene el argumento {key!r}.")
        self.name = name or type(self).__name__.lower()
        self.learning_rate = learning_rate
        self.weight_decay = None if weight_decay is None else check_number(
            weight_decay, f"{type(self).__name__}: weight_decay", low=0.0)
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

    @property
    def learning_rate(self):
        """η del paso que viene: el número fijado o, con un programa, programa(iterations)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return float(self._learning_rate(self.iterations))
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule):
            self._learning_rate = value
            return
        if isinstance(getattr(self, "_learning_rate", None), LearningRateSchedule):
            raise CourseTypeError(
                f"{type(self).__name__}: este optimizador se creó con un programa de la tasa "
                f"({type(self._learning_rate).__name__}), que decide η en cada paso, así que no se le puede fijar "
                "otro número (en Keras tampoco). Crea el optimizador con un número si quieres cambiarla a mano o "
                "con un callback (LearningRateScheduler, ReduceLROnPlateau)."
            )
        self._learning_rate = _check_learning_rate(value)

    def slot(self, layer, key, name, like, fill=0.0):
        """El array de estado ``name`` del parámetro ``layer.params[key]`` (se crea con la forma de θ)."""
        slot_key = (id(layer), key, name)
        if slot_key not in self._slots:
            self._slots[slot_key] = np.full_like(like, fill)
        return self._slots[slot_key]

    def step(self, layers):
        """Una actualización de todos los parámetros (pesos y sesgos) de ``layers``.

        Recorta los gradientes, aplica el decaimiento de pesos θ ← θ − η·λ·θ (si hay ``weight_decay``)
        y después la regla del optimizador, todo con la η de este paso.
        """
        eta = self.learning_rate
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
        self.prepare_step()
        for (layer, key, theta, _), g in zip(entries, grads):
            if self.weight_decay:
                theta -= (eta * self.weight_decay) * theta
            self.update(layer, key, theta, g, eta)
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

    def prepare_step(self):
        """Lo que el optimizador calcula una vez por paso, antes de actualizar los parámetros (Nadam)."""

    def update(self, layer, key, theta, g, eta):
        """Actualiza ``theta`` en su sitio (in place) con el gradiente ``g`` y la tasa ``eta`` de este paso."""
        raise NotImplementedError

    def reset(self):
        """Olvida el estado acumulado (velocidades, momentos) y vuelve a t = 0."""
        self.iterations = 0
        self._slots = {}

    def get_config(self):
        """Los argumentos del constructor en tipos JSON (un programa de la tasa, como dict)."""
        config = {"class_name": type(self).__name__}
        config.update({k: getattr(self, k) for k in self._config_keys})
        if isinstance(self._learning_rate, LearningRateSchedule):
            config["learning_rate"] = schedules.serialize(self._learning_rate)
        config.update({k: getattr(self, k) for k in _OPTIONAL_KEYS if getattr(self, k) is not None})
        return config

    def __repr__(self):
        keys = list(self._config_keys) + [k for k in _OPTIONAL_KEYS if getattr(self, k) is not None]
        values = {k: getattr(self, k) for k in keys}
        if isinstance(self._learning_rate, LearningRateSchedule):
            values["learning_rate"] = self._learning_rate
        args = ", ".join(f"{k}={v!r}" for k, v in values.items())
        return f"{type(self).__name__}({args})"


_CLIP_KEYS = ("clipnorm", "global_clipnorm", "clipvalue")
_OPTIONAL_KEYS = ("weight_decay",) + _CLIP_KEYS


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

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum = _check_fraction(momentum, "momentum")
        self.nesterov = bool(nesterov)

    def update(self, layer, key, theta, g, eta):
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

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = check_number(initial_accumulator_value, "initial_accumulator_value", low=0.0)
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)

    def update(self, layer, key, theta, g, eta):
        G = self.slot(layer, key, "accumulator", theta, fill=self.initial_accumulator_value)
        G += g * g
        theta -= eta * g / np.sqrt(G + self.epsilon)


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): media móvil exponencial de los gradientes al cuadrado.

    r ← ρ·r + (1 − ρ)·g²           (r empieza en 0)
    Δ = η·g / √(r + ε)
    sin momento: θ ← θ − Δ ;  con momento μ: s ← μ·s + Δ ;  θ ← θ − s
    """

    _config_keys = ("learning_rate", "rho", "momentum", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = _check_fraction(rho, "rho")
        self.momentum = _check_fraction(momentum, "momentum")
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)

    def update(self, layer, key, theta, g, eta):
        r = self.slot(layer, key, "velocity", theta)
        r *= self.rho
        r += (1 - self.rho) * g * g
        increment = eta * g / np.sqrt(r + self.epsilon)
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

    AMSGrad (``amsgrad=True``, Reddi et al., 2018): en el denominador va v_max ← max(v_max, v), el
    mayor v visto hasta ahora, así que el paso de cada parámetro nunca vuelve a crecer por culpa de v.
    """

    _config_keys = ("learning_rate", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check_fraction(beta_1, "beta_1")
        self.beta_2 = _check_fraction(beta_2, "beta_2")
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)
        self.amsgrad = bool(amsgrad)

    def update(self, layer, key, theta, g, eta):
        t = self.iterations + 1  # este paso
        alpha = eta * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m = self.slot(layer, key, "m", theta)
        v = self.slot(layer, key, "v", theta)
        m += (1 - self.beta_1) * (g - m)
        v += (1 - self.beta_2) * (g * g - v)
        if self.amsgrad:
            v_max = self.slot(layer, key, "v_max", theta)
            np.maximum(v_max, v, out=v_max)
            v = v_max
        theta -= alpha * m / (np.sqrt(v) + self.epsilon)

    def get_config(self):
        config = super().get_config()
        if self.amsgrad:
            config["amsgrad"] = True
        return config


class AdamW(Adam):
    """AdamW (Loshchilov y Hutter, 2019): Adam con decaimiento de pesos desacoplado.

    Antes del paso de Adam, cada parámetro encoge un poco: θ ← θ − η·λ·θ (λ = ``weight_decay``,
    0,004 por defecto como en Keras). A diferencia de una penalización L2 en la pérdida, el
    decaimiento no pasa por m y v, así que Adam no lo reescala.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        if weight_decay is None:
            raise CourseError("AdamW: weight_decay no puede ser None (sería Adam); usa Adam si no quieres decaimiento.")
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         weight_decay=weight_decay, **kwargs)


class Nadam(Optimizer):
    """Nadam (Dozat, 2016): Adam con el momento de Nesterov, con la fórmula de Keras 3.

    El coeficiente de momento varía con el paso t: μ_t = β₁·(1 − ½·0,96ᵗ), y Π_t = μ₁·μ₂·…·μ_t.
        m ← β₁·m + (1 − β₁)·g ;   v ← β₂·v + (1 − β₂)·g²
        m̂ = μ_{t+1}·m / (1 − Π_t·μ_{t+1}) + (1 − μ_t)·g / (1 − Π_t)       (mira un paso adelante)
        v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η·m̂ / (√v̂ + ε)
    """

    _config_keys = ("learning_rate", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check_fraction(beta_1, "beta_1")
        self.beta_2 = _check_fraction(beta_2, "beta_2")
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)
        self._mu_product = 1.0  # Π_t, el producto de los μ de los pasos ya dados (y del actual)

    def _mu(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96**t)

    def prepare_step(self):
        """Π_t ← Π_{t−1}·μ_t, una vez por paso (es común a todos los parámetros)."""
        self._mu_product *= self._mu(self.iterations + 1)

    def update(self, layer, key, theta, g, eta):
        t = self.iterations + 1
        mu_t, mu_next = self._mu(t), self._mu(t + 1)
        m = self.slot(layer, key, "m", theta)
        v = self.slot(layer, key, "v", theta)
        m += (1 - self.beta_1) * (g - m)
        v += (1 - self.beta_2) * (g * g - v)
        m_hat = mu_next * m / (1 - self._mu_product * mu_next) + (1 - mu_t) * g / (1 - self._mu_product)
        v_hat = v / (1 - self.beta_2**t)
        theta -= eta * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def reset(self):
        super().reset()
        self._mu_product = 1.0


class Adamax(Optimizer):
    """Adamax (Kingma y Ba, 2015): Adam con la norma infinito en lugar de la media de g².

        m ← β₁·m + (1 − β₁)·g ;   u ← max(β₂·u, |g|)
        θ ← θ − η·m / ((1 − β₁ᵗ)·(u + ε))
    """

    _config_keys = ("learning_rate", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check_fraction(beta_1, "beta_1")
        self.beta_2 = _check_fraction(beta_2, "beta_2")
        self.epsilon = check_number(epsilon, "epsilon", low=0.0)

    def update(self, layer, key, theta, g, eta):
        t = self.iterations + 1
        m = self.slot(layer, key, "m", theta)
        u = self.slot(layer, key, "u", theta)
        m += (1 - self.beta_1) * (g - m)
        np.maximum(self.beta_2 * u, np.abs(g), out=u)
        theta -= eta * m / ((1 - self.beta_1**t) * (u + self.epsilon))


#: Nombres de Keras → clase.
OPTIMIZERS = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "nadam": Nadam,
              "adamax": Adamax}
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
        "optimizer: se esperaba el nombre de un optimizador ('sgd', 'adam', 'adamw', 'rmsprop'…) "
        f"o un objeto como Adam(learning_rate=0.001); se recibió {describe(identifier)}."
    )


def from_config(config, custom_objects=None):
    """Reconstruye un optimizador a partir de :meth:`Optimizer.get_config` (lo usa ``load_model``)."""
    config = dict(config)
    cls = OPTIMIZER_CLASSES[config.pop("class_name")]
    if isinstance(config.get("learning_rate"), dict):
        config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
    return cls(**config)
