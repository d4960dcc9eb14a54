"""Funciones de pérdida (loss functions), con los nombres y la semántica de Keras.

Notación: ŷ es la predicción de la red (``y_pred``) e y la etiqueta (``y_true``). Las predicciones
pueden tener cualquier forma (N, …, K): una salida por ejemplo (N, K), una por paso de una secuencia
(N, T, K), una imagen (N, H, W, C)… Como en Keras, cada pérdida se calcula en dos pasos:

1. la pérdida de cada posición, Lᵢ, **reduciendo solo el último eje** (el de las K salidas o clases):
   una por ejemplo si ŷ es (N, K), una por ejemplo y paso si ŷ es (N, T, K);
2. la reducción del lote (``reduction="sum_over_batch_size"``, la de Keras): la media de todas ellas,
   con pesos por ejemplo si los hay (``sample_weight``, w):

       J = Σᵢ wᵢ·Lᵢ / (número de posiciones)

   ``"sum"`` no divide; ``"mean_with_sample_weight"`` divide por Σ wᵢ.

``loss.gradient`` devuelve dJ/dŷ con la forma de ŷ: es lo que recibe ``backward`` de la última capa.

Dos caminos:
- ``loss(y_true, y_pred, sample_weight=None)`` y ``loss.gradient(...)`` validan las entradas y dan
  errores en español (la API para el estudiante);
- ``loss.prepare_targets(y, forma_de_ŷ)`` valida las etiquetas una sola vez, y ``loss.value`` /
  ``loss.grad`` calculan sin volver a validar (lo usa ``fit`` en cada mini-lote).

Cada pérdida define ``elementwise`` (Lᵢ) y ``elementwise_grad`` (∂Lᵢ/∂ŷ); la reducción es común.
"""

import math

import numpy as np

from . import config
from .graph import Graph
from .symbolic import KerasTensor, flatten, placeholder, tracing
from .validation import CourseError, as_float_array, check_number, describe, unknown_name_error

#: Como ``keras.backend.epsilon()``: las probabilidades se recortan a [ε, 1 − ε].
EPSILON = 1e-7

REDUCTIONS = ("sum_over_batch_size", "sum", "mean_with_sample_weight", "none", None)


def _sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), estable para z muy negativos y muy positivos."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log_softmax(z):
    """log softmax(z)ₖ = zₖ − log Σⱼ e^(zⱼ) sobre el último eje, restando el máximo (log-sum-exp estable)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _gather_last(z, labels):
    """z[..., c] para la clase c de cada posición (con índices planos: más rápido que take_along_axis)."""
    flat = z.reshape(-1, z.shape[-1])
    return flat[np.arange(flat.shape[0]), labels.ravel()].reshape(labels.shape)


def _scatter_add_last(g, labels, values):
    """g[..., c] += values en la clase c de cada posición (en su sitio)."""
    flat = g.reshape(-1, g.shape[-1])
    flat[np.arange(flat.shape[0]), labels.ravel()] += values.ravel()
    return g


def _as_predictions(y_pred):
    """ŷ como array de coma flotante de al menos 2 ejes ((N,) se lee como (N, 1)); no se exige que sea
    finito (la guarda de NaN de fit lo vigila)."""
    if hasattr(y_pred, "to_numpy"):
        y_pred = y_pred.to_numpy()
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind not in "biuf":
        raise CourseError(f"y_pred: se esperaban números reales, pero se recibió {describe(y_pred)}.")
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float64)
    if y_pred.ndim == 0:
        raise CourseError("y_pred: se esperaba un lote de predicciones, de forma (N, ...); se recibió un solo número.")
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    return y_pred


def _broadcast_weights(sample_weight, shape):
    """Pesos por ejemplo (N,), por posición (N, T) o con un eje final de 1, con la forma de las Lᵢ."""
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim > len(shape) and w.shape[-1] == 1:
        w = w[..., 0]
    if w.ndim > len(shape) or w.shape != tuple(shape[:w.ndim]):
        raise CourseError(
            f"sample_weight debe tener un peso por ejemplo, de forma ({shape[0]},), o uno por posición, de forma "
            f"{tuple(shape)}; se recibió un array de forma {np.shape(sample_weight)}."
        )
    return w.reshape(w.shape + (1,) * (len(shape) - w.ndim))


class Loss:
    """Base común: validación en la frontera, la interfaz ``loss(y_true, y_pred)`` y la reducción del lote."""

    #: Nombre de Keras (el que se usa en ``compile(loss="...")``).
    name = "loss"
    #: Las pérdidas de clasificación pueden recibir logits en vez de probabilidades.
    from_logits = False

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
        if reduction not in REDUCTIONS:
            raise CourseError(
                f"{type(self).__name__}: reduction debe ser 'sum_over_batch_size' (la media, por defecto), 'sum', "
                f"'mean_with_sample_weight' o 'none'; se recibió {reduction!r}."
            )
        self.reduction = reduction
        if name is not None:
            self.name = str(name)

    # --- API para el estudiante (valida y calcula) ---
    def __call__(self, y_true, y_pred, sample_weight=None):
        """Coste del lote J (un ``float``); con ``reduction="none"``, el array de las Lᵢ."""
        y_pred = _as_predictions(y_pred)
        if not np.all(np.isfinite(y_pred)):
            raise CourseError("y_pred: contiene valores NaN o infinitos; se esperaban solo números finitos.")
        targets = self.prepare_targets(y_true, y_pred.shape)
        if self.reduction in ("none", None):
            losses = self.elementwise(targets, y_pred)
            return losses if sample_weight is None else losses * _broadcast_weights(sample_weight, losses.shape)
        return self.value(targets, y_pred, sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        """dJ/dŷ, con la forma de ``y_pred`` (incluye la división de la media del lote)."""
        y_pred_arr = _as_predictions(y_pred)
        grad = self.grad(self.prepare_targets(y_true, y_pred_arr.shape), y_pred_arr, sample_weight)
        return grad.reshape(np.shape(y_pred))

    # --- la reducción del lote, común a todas ---
    def _weights(self, targets, losses_shape, sample_weight):
        """Pesos efectivos de cada Lᵢ y el divisor de la reducción."""
        if sample_weight is None and self.reduction == "sum_over_batch_size" and self._mask(targets) is None:
            return None, float(math.prod(losses_shape) or 1)   # el caso de siempre, sin más cuentas
        w = None if sample_weight is None else _broadcast_weights(sample_weight, losses_shape)
        mask = self._mask(targets)
        size = math.prod(losses_shape)
        if mask is not None:   # como Keras: las posiciones ignoradas no cuentan en la media
            mask = mask.astype(np.float64)
            valid = mask.sum()
            mask = mask * (size / valid if valid else 0.0) if self.reduction == "sum_over_batch_size" else mask
            w = mask if w is None else w * mask
        if self.reduction == "sum":
            divisor = 1.0
        elif self.reduction == "mean_with_sample_weight" and w is not None:
            divisor = float(np.sum(w * np.ones(losses_shape)))
        else:
            divisor = float(size)
        if self.reduction in ("none", None):
            raise CourseError(
                f"{type(self).__name__}(reduction='none') devuelve una pérdida por posición, no un número: sirve para "
                "mirarlas, no para entrenar. Para compile usa la reducción por defecto."
            )
        return w, divisor or 1.0

    def _mask(self, targets):
        """Posiciones que cuentan (None: todas). SparseCategoricalCrossentropy(ignore_class=…) la usa."""
        return None

    def value(self, y_true, y_pred, sample_weight=None):
        """J = Σᵢ wᵢ·Lᵢ / divisor, con etiquetas ya preparadas."""
        losses = self.elementwise(y_true, y_pred)
        w, divisor = self._weights(y_true, losses.shape, sample_weight)
        total = np.sum(losses) if w is None else np.sum(losses * w)
        return float(total / divisor)

    def grad(self, y_true, y_pred, sample_weight=None):
        """dJ/dŷ = wᵢ·∂Lᵢ/∂ŷ / divisor, con la forma y el tipo de ŷ."""
        if self._has_call():
            return self._traced_grad(y_true, y_pred, sample_weight)
        g = self.elementwise_grad(y_true, y_pred)
        w, divisor = self._weights(y_true, y_pred.shape[:-1], sample_weight)
        if w is not None:
            g = g * w[..., None]
        return (g / divisor).astype(y_pred.dtype, copy=False)

    # --- a implementar por cada pérdida (o, como en Keras, solo ``call``) ---
    def prepare_targets(self, y_true, output_shape):
        """Valida las etiquetas para predicciones de forma ``output_shape`` (N, …, K) y las devuelve listas.

        Por defecto: números reales con la forma de ŷ (o sin su último eje si vale 1), como Keras.
        """
        y = as_float_array(y_true, "y_true (etiquetas)", dtype=np.float64)
        shape = tuple(output_shape)
        if y.ndim == len(shape) - 1 and shape[-1] == 1 and y.shape == shape[:-1]:
            y = y[..., None]
        if y.shape[:1] != shape[:1]:
            raise CourseError(f"{type(self).__name__}: hay {shape[0]} predicciones y {len(y)} etiquetas.")
        return y

    def elementwise(self, y_true, y_pred):
        """Lᵢ: la pérdida de cada posición, de forma ``y_pred.shape[:-1]`` (en float64).

        Una subclase que solo define ``call(y_true, y_pred)`` (como en Keras) se traza en un grafo.
        """
        if not self._has_call():
            raise NotImplementedError(f"{type(self).__name__} no define elementwise ni call.")
        return np.asarray(self._traced(y_true, y_pred).forward([y_true, y_pred])[0], dtype=np.float64)

    def elementwise_grad(self, y_true, y_pred):
        """∂Lᵢ/∂ŷ, de la forma de ŷ (en float64)."""
        raise NotImplementedError(f"{type(self).__name__} no define elementwise_grad.")

    # --- pérdidas escritas con la aritmética de tensores (call o una función): se trazan ---
    def _has_call(self):
        return callable(getattr(self, "call", None))

    def flat_layers(self):
        """Una pérdida no tiene capas (lo pide la traza para comprobar que no se usan pesos a mano)."""
        return []

    def _traced(self, y_true, y_pred):
        """El grafo de ``call`` para etiquetas y predicciones de estas formas (se traza una vez por forma)."""
        key = (np.shape(y_true)[1:], np.shape(y_pred)[1:])
        graphs = self.__dict__.setdefault("_graphs", {})
        if key not in graphs:
            t = placeholder((None,) + key[0])
            p = placeholder((None,) + key[1])
            try:
                with tracing(self):
                    out = self.call(t, p)
            except CourseError:
                raise
            except Exception as exc:
                raise CourseError(
                    f"No se pudo convertir en grafo la pérdida {self.name!r}: {type(exc).__name__}: {exc}. El motor la "
                    "ejecuta una vez con tensores simbólicos para derivarla: usa la aritmética de tensores (+, -, *, /) "
                    "y keras.ops, no cuentas de NumPy."
                ) from exc
            if not isinstance(out, KerasTensor):
                raise CourseError(
                    f"La pérdida {self.name!r} debe devolver un tensor calculado a partir de y_true e y_pred; devolvió "
                    f"{describe(out)}."
                )
            graphs[key] = Graph([t, p], [out])
        return graphs[key]

    def _traced_grad(self, y_true, y_pred, sample_weight):
        """dJ/dŷ de una pérdida trazada: el grafo hacia atrás desde ∂J/∂Lᵢ = wᵢ / divisor."""
        graph = self._traced(y_true, y_pred)
        losses = np.asarray(graph.forward([y_true, y_pred])[0])
        w, divisor = self._weights(y_true, losses.shape, sample_weight)
        upstream = np.broadcast_to(np.ones(losses.shape) if w is None else w, losses.shape) / divisor
        grads = graph.backward([upstream.astype(y_pred.dtype)])
        grad = grads[1] if grads[1] is not None else np.zeros_like(y_pred)
        return np.asarray(grad, dtype=y_pred.dtype).reshape(y_pred.shape)

    # --- configuración ---
    def get_config(self):
        """Los argumentos de la pérdida en tipos JSON (para guardar el modelo compilado)."""
        config_ = {"class_name": type(self).__name__}
        if self.reduction != "sum_over_batch_size":
            config_["reduction"] = self.reduction
        if self.name != type(self).name:
            config_["name"] = self.name
        return config_

    def __repr__(self):
        extra = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "class_name")
        return f"{type(self).__name__}({extra})"


# --------------------------------------------------------------------------------------
# Validación de etiquetas (compartida)
# --------------------------------------------------------------------------------------
def _dense_targets(y_true, output_shape, loss_name):
    """Etiquetas con la misma forma que ŷ, (N, …, K). Admite que falte el último eje cuando K = 1."""
    y = as_float_array(y_true, "y_true (etiquetas)", dtype=np.float64)
    shape = tuple(output_shape)
    k = shape[-1]
    if y.ndim == len(shape) - 1 and k == 1 and y.shape == shape[:-1]:
        y = y[..., None]
    if y.shape != shape and y.ndim == len(shape) and y.shape[:-1] == shape[:-1] and y.shape[-1] == 1 and k > 1:
        raise CourseError(
            f"{loss_name}: la red tiene {k} salidas, pero las etiquetas tienen una sola columna "
            f"(forma {y.shape}). Comprueba la última capa o la codificación de las etiquetas."
        )
    if y.shape != shape:
        hint = ""
        if y.ndim < len(shape) and len(shape) > 2:
            hint = (f" La salida de la red tiene forma {(None,) + shape[1:]}: si querías una salida por ejemplo, "
                    "añade Flatten() (o GlobalAveragePooling1D()) y una capa Dense al final.")
        raise CourseError(
            f"{loss_name}: las etiquetas deben tener la forma de las predicciones, {shape}; "
            f"se recibió un array de forma {y.shape}.{hint}"
        )
    return y


def _looks_like_integer_labels(y, output_shape):
    """True si ``y`` son enteros con un eje menos que ŷ (o un último eje de 1): clases, no one-hot."""
    arr = np.asarray(y)
    if arr.dtype.kind not in "biuf" or arr.size == 0:
        return False
    shape = tuple(output_shape)
    if not (arr.shape == shape[:-1] or arr.shape == shape[:-1] + (1,)):
        return False
    return bool(np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))


def _check_in_unit_interval(y, loss_name):
    if y.size and (y.min() < 0 or y.max() > 1):
        raise CourseError(
            f"{loss_name}: las etiquetas deben estar en [0, 1] (probabilidades o 0/1); "
            f"se recibieron valores entre {y.min():g} y {y.max():g}."
        )


def _check_label_smoothing(value, who):
    return check_number(value, f"{who}: label_smoothing", low=0.0, high=1.0)


# --------------------------------------------------------------------------------------
# Regresión
# --------------------------------------------------------------------------------------
class _Regression(Loss):
    """Pérdidas de regresión: etiquetas reales con la forma de ŷ."""

    def prepare_targets(self, y_true, output_shape):
        return _dense_targets(y_true, output_shape, type(self).__name__)


class MeanSquaredError(_Regression):
    """Error cuadrático medio (ECM, *mean squared error*), para regresión.

    Lᵢ = (1/K) Σₖ (ŷᵢₖ − yᵢₖ)²      ∂Lᵢ/∂ŷ = 2 (ŷ − y) / K
    (con la media del lote: J = la media de todos los cuadrados, como Keras)
    """

    name = "mean_squared_error"

    def elementwise(self, y_true, y_pred):
        return np.mean((y_pred.astype(np.float64) - y_true) ** 2, axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        return 2.0 * (y_pred.astype(np.float64) - y_true) / y_pred.shape[-1]


class MeanAbsoluteError(_Regression):
    """Error absoluto medio (EAM, *mean absolute error*): menos sensible a los valores atípicos que el ECM.

    Lᵢ = (1/K) Σₖ |ŷᵢₖ − yᵢₖ|      ∂Lᵢ/∂ŷ = signo(ŷ − y) / K   (0 donde ŷ = y, como Keras y PyTorch)
    """

    name = "mean_absolute_error"

    def elementwise(self, y_true, y_pred):
        return np.mean(np.abs(y_pred.astype(np.float64) - y_true), axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        return np.sign(y_pred.astype(np.float64) - y_true) / y_pred.shape[-1]


class Huber(_Regression):
    """Pérdida de Huber: cuadrática cerca de 0 y lineal lejos (robusta a valores atípicos).

    Con e = ŷ − y y el umbral δ (``delta``):
        ℓ(e) = ½e²            si |e| ≤ δ          ℓ'(e) = e
        ℓ(e) = δ(|e| − ½δ)    si |e| > δ          ℓ'(e) = δ·signo(e)
    Lᵢ = (1/K) Σₖ ℓ(eᵢₖ)
    """

    name = "huber_loss"

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
        self.delta = check_number(delta, "Huber: delta", low=0.0, low_inclusive=False)

    def elementwise(self, y_true, y_pred):
        e = np.abs(y_pred.astype(np.float64) - y_true)
        return np.mean(np.where(e <= self.delta, 0.5 * e * e, self.delta * e - 0.5 * self.delta ** 2), axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        e = y_pred.astype(np.float64) - y_true
        return np.where(np.abs(e) <= self.delta, e, self.delta * np.sign(e)) / y_pred.shape[-1]

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class MeanAbsolutePercentageError(_Regression):
    """Error porcentual absoluto medio: Lᵢ = (100/K) Σₖ |ŷ − y| / max(|y|, ε)."""

    name = "mean_absolute_percentage_error"

    def elementwise(self, y_true, y_pred):
        return 100.0 * np.mean(np.abs(y_pred.astype(np.float64) - y_true) / np.maximum(np.abs(y_true), EPSILON), axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        e = y_pred.astype(np.float64) - y_true
        return 100.0 * np.sign(e) / np.maximum(np.abs(y_true), EPSILON) / y_pred.shape[-1]


class MeanSquaredLogarithmicError(_Regression):
    """Error cuadrático logarítmico medio: Lᵢ = (1/K) Σₖ (log(1 + max(ŷ, ε)) − log(1 + max(y, ε)))²."""

    name = "mean_squared_logarithmic_error"

    def elementwise(self, y_true, y_pred):
        d = np.log1p(np.maximum(y_pred.astype(np.float64), EPSILON)) - np.log1p(np.maximum(y_true, EPSILON))
        return np.mean(d * d, axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        p = y_pred.astype(np.float64)
        d = np.log1p(np.maximum(p, EPSILON)) - np.log1p(np.maximum(y_true, EPSILON))
        return np.where(p > EPSILON, 2.0 * d / (1.0 + p), 0.0) / y_pred.shape[-1]


class LogCosh(_Regression):
    """Logaritmo del coseno hiperbólico: Lᵢ = (1/K) Σₖ log cosh(ŷ − y); ∂/∂ŷ = tanh(ŷ − y) / K.

    Se calcula como e + log(1 + e^(−2e)) − log 2 con e = |ŷ − y| (estable para errores grandes).
    """

    name = "log_cosh"

    def elementwise(self, y_true, y_pred):
        e = np.abs(y_pred.astype(np.float64) - y_true)
        return np.mean(e + np.log1p(np.exp(-2.0 * e)) - np.log(2.0), axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        return np.tanh(y_pred.astype(np.float64) - y_true) / y_pred.shape[-1]


class Poisson(_Regression):
    """Pérdida de Poisson (para conteos): Lᵢ = (1/K) Σₖ (ŷ − y·log(ŷ + ε))."""

    name = "poisson"

    def elementwise(self, y_true, y_pred):
        p = y_pred.astype(np.float64)
        return np.mean(p - y_true * np.log(p + EPSILON), axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        p = y_pred.astype(np.float64)
        return (1.0 - y_true / (p + EPSILON)) / y_pred.shape[-1]


class KLDivergence(_Regression):
    """Divergencia de Kullback-Leibler: Lᵢ = Σₖ y·log(y / ŷ), con y y ŷ recortadas a [ε, 1]."""

    name = "kl_divergence"

    def elementwise(self, y_true, y_pred):
        y = np.clip(y_true, EPSILON, 1.0)
        p = np.clip(y_pred.astype(np.float64), EPSILON, 1.0)
        return np.sum(y * np.log(y / p), axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        p = y_pred.astype(np.float64)
        y = np.clip(y_true, EPSILON, 1.0)
        return np.where((p > EPSILON) & (p < 1.0), -y / np.clip(p, EPSILON, 1.0), 0.0)


# --------------------------------------------------------------------------------------
# Clasificación
# --------------------------------------------------------------------------------------
class BinaryCrossentropy(Loss):
    """Entropía cruzada binaria, para una o varias salidas sí/no independientes.

    Con suavizado de etiquetas (``label_smoothing`` = s): y ← y·(1 − s) + s/2.
    Con probabilidades (``from_logits=False``), ŷ recortada a [ε, 1 − ε] como en Keras:
        ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)]
        dℓ/dŷ = (ŷ − y) / (ŷ (1 − ŷ))   (0 donde el recorte actúa)
    Con logits z (``from_logits=True``), en forma estable:
        ℓ = max(z, 0) − z·y + log(1 + e^(−|z|))
        dℓ/dz = σ(z) − y
    Lᵢ es la media de ℓ sobre las K salidas.
    """

    name = "binary_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size", name=None,
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
        self.from_logits = _check_from_logits(from_logits)
        self.label_smoothing = _check_label_smoothing(label_smoothing, type(self).__name__)
        _check_last_axis(axis, type(self).__name__)

    def prepare_targets(self, y_true, output_shape):
        y = _dense_targets(y_true, output_shape, "BinaryCrossentropy")
        _check_in_unit_interval(y, "BinaryCrossentropy")
        return y.astype(np.float64, copy=False)

    def _smooth(self, y):
        return y * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing if self.label_smoothing else y

    def elementwise(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            z = y_pred.astype(np.float64)
            losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        else:
            p = np.clip(y_pred.astype(np.float64), EPSILON, 1 - EPSILON)
            losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        return np.mean(losses, axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            g = _sigmoid(y_pred.astype(np.float64)) - y
        else:
            p = y_pred.astype(np.float64)
            inside = (p > EPSILON) & (p < 1 - EPSILON)
            pc = np.clip(p, EPSILON, 1 - EPSILON)
            g = np.where(inside, (pc - y) / (pc * (1 - pc)), 0.0)
        return g / y_pred.shape[-1]

    def get_config(self):
        config_ = {**super().get_config(), "from_logits": self.from_logits}
        if self.label_smoothing:
            config_["label_smoothing"] = self.label_smoothing
        return config_


class CategoricalCrossentropy(Loss):
    """Entropía cruzada categórica, con etiquetas one-hot de la forma de ŷ, (N, …, K).

    Con suavizado de etiquetas (``label_smoothing`` = s): y ← y·(1 − s) + s/K.
    Con probabilidades (``from_logits=False``, p. ej. tras softmax), ŷ recortada a [ε, 1 − ε]:
        Lᵢ = −Σₖ yₖ log ŷₖ          ∂Lᵢ/∂ŷₖ = −yₖ / ŷₖ   (0 donde el recorte actúa)
    Con logits z (``from_logits=True``), con log-sum-exp estable:
        Lᵢ = −Σₖ yₖ log softmax(z)ₖ = (Σₖ yₖ)·log Σⱼ e^(zⱼ) − Σₖ yₖ zₖ
        ∂Lᵢ/∂z = (Σₖ yₖ)·softmax(z) − y   (= softmax(z) − y cuando y suma 1)
    (Keras, además, divide ŷ por su suma sobre el último eje; tras softmax esa suma ya es 1.)
    """

    name = "categorical_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size", name=None,
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
        self.from_logits = _check_from_logits(from_logits)
        self.label_smoothing = _check_label_smoothing(label_smoothing, type(self).__name__)
        _check_last_axis(axis, type(self).__name__)

    def prepare_targets(self, y_true, output_shape):
        shape = tuple(output_shape)
        k = shape[-1]
        if k > 1 and _looks_like_integer_labels(y_true, shape):
            raise CourseError(
                f"CategoricalCrossentropy: se esperaban etiquetas one-hot de forma {shape}, "
                f"pero recibiste enteros de forma {np.shape(y_true)} (una clase por ejemplo). "
                "Usa SparseCategoricalCrossentropy (loss='sparse_categorical_crossentropy') "
                "o convierte las etiquetas con to_categorical(y, num_classes)."
            )
        y = _dense_targets(y_true, shape, "CategoricalCrossentropy")
        _check_in_unit_interval(y, "CategoricalCrossentropy")
        return y.astype(np.float64, copy=False)

    def _smooth(self, y):
        return y * (1.0 - self.label_smoothing) + self.label_smoothing / y.shape[-1] if self.label_smoothing else y

    def elementwise(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            log_p = _log_softmax(y_pred.astype(np.float64))
        else:
            log_p = np.log(np.clip(y_pred.astype(np.float64), EPSILON, 1 - EPSILON))
        return -np.sum(y * log_p, axis=-1)

    def elementwise_grad(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            # (Σₖ yₖ)·softmax − y: la derivada exacta de la pérdida también si y no suma 1.
            return np.exp(_log_softmax(y_pred.astype(np.float64))) * y.sum(axis=-1, keepdims=True) - y
        p = y_pred.astype(np.float64)
        inside = (p > EPSILON) & (p < 1 - EPSILON)
        return np.where(inside, -y / np.clip(p, EPSILON, 1 - EPSILON), 0.0)

    def get_config(self):
        config_ = {**super().get_config(), "from_logits": self.from_logits}
        if self.label_smoothing:
            config_["label_smoothing"] = self.label_smoothing
        return config_


class SparseCategoricalCrossentropy(Loss):
    """Entropía cruzada categórica con etiquetas enteras (la clase de cada posición, 0 … K − 1).

    Es la misma pérdida que :class:`CategoricalCrossentropy`, sin construir el one-hot: para ŷ de
    forma (N, …, K) las etiquetas tienen forma (N, …) (p. ej. (N, T) para un modelo de lenguaje).
        Lᵢ = −log ŷᵢ,c  (c = clase correcta)    o, con logits,    Lᵢ = log Σⱼ e^(zᵢⱼ) − zᵢ,c
        ∂Lᵢ/∂ŷ = −1/ŷᵢ,c en la clase c y 0 en las demás;   con logits, ∂Lᵢ/∂z = softmax(zᵢ) − one-hot(c)
    ``ignore_class`` (p. ej. 0 para el relleno de secuencias) deja fuera de la media las posiciones
    con esa etiqueta, como Keras.
    """

    name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits=False, ignore_class=None, axis=-1, reduction="sum_over_batch_size", name=None,
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
        self.from_logits = _check_from_logits(from_logits)
        if ignore_class is not None and (isinstance(ignore_class, bool) or not isinstance(ignore_class, (int, np.integer))):
            raise CourseError(f"SparseCategoricalCrossentropy: ignore_class debe ser un entero o None; se recibió {ignore_class!r}.")
        self.ignore_class = None if ignore_class is None else int(ignore_class)
        _check_last_axis(axis, type(self).__name__)

    def prepare_targets(self, y_true, output_shape):
        """Devuelve las clases como enteros de forma (N, …), tras validarlas."""
        shape = tuple(output_shape)
        k = shape[-1]
        raw = np.asarray(y_true.to_numpy() if hasattr(y_true, "to_numpy") else y_true)
        if raw.shape == shape and k > 1:
            raise CourseError(
                f"SparseCategoricalCrossentropy: se esperaban etiquetas enteras de forma {shape[:-1]} "
                f"(la clase de cada posición), pero se recibió una matriz de forma {raw.shape}, "
                "que parece one-hot. Usa CategoricalCrossentropy "
                "(loss='categorical_crossentropy') o pasa y.argmax(axis=-1)."
            )
        y = as_float_array(raw, "y_true (etiquetas)", dtype=np.float64)
        if y.shape == shape[:-1] + (1,):
            y = y[..., 0]
        if y.shape != shape[:-1]:
            raise CourseError(
                f"SparseCategoricalCrossentropy: las predicciones tienen forma {shape}, así que se esperaba una "
                f"etiqueta entera por posición, de forma {shape[:-1]}; se recibió un array de forma {np.shape(raw)}."
            )
        if np.any(y != np.round(y)):
            raise CourseError(
                "SparseCategoricalCrossentropy: las etiquetas deben ser números enteros de clase "
                f"(0, 1, …, {k - 1}); se recibieron valores no enteros como {y[y != np.round(y)][0]:g}."
            )
        labels = y.astype(np.int64)
        counted = labels if self.ignore_class is None else labels[labels != self.ignore_class]
        if counted.size and (counted.min() < 0 or counted.max() > k - 1):
            bad = counted[(counted < 0) | (counted > k - 1)][0]
            raise CourseError(
                f"SparseCategoricalCrossentropy: la red tiene {k} salidas, así que las clases van de 0 "
                f"a {k - 1}; se recibió la clase {int(bad)}. Revisa el número de unidades de la "
                "última capa o la codificación de las etiquetas."
            )
        return labels

    def _mask(self, labels):
        return None if self.ignore_class is None else labels != self.ignore_class

    def _classes(self, labels, k):
        """Las clases como índices válidos (las ignoradas, a 0; su pérdida no cuenta)."""
        return labels if self.ignore_class is None else np.where(labels == self.ignore_class, 0, labels) % k

    def elementwise(self, y_true, y_pred):
        z = y_pred.astype(np.float64)
        c = self._classes(y_true, z.shape[-1])
        if self.from_logits:
            losses = np.log(np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=-1)) + z.max(axis=-1) - _gather_last(z, c)
        else:
            losses = -np.log(np.clip(_gather_last(z, c), EPSILON, 1 - EPSILON))
        return losses if self.ignore_class is None else np.where(self._mask(y_true), losses, 0.0)

    def elementwise_grad(self, y_true, y_pred):
        z = y_pred.astype(np.float64)
        c = self._classes(y_true, z.shape[-1])
        if self.from_logits:
            g = np.exp(_log_softmax(z))
            _scatter_add_last(g, c, np.full(c.shape, -1.0))
        else:
            p_c = _gather_last(z, c)
            inside = (p_c > EPSILON) & (p_c < 1 - EPSILON)
            g = np.zeros_like(z)
            _scatter_add_last(g, c, np.where(inside, -1.0 / np.clip(p_c, EPSILON, 1 - EPSILON), 0.0))
        if self.ignore_class is not None:
            g *= self._mask(y_true)[..., None]
        return g

    def get_config(self):
        config_ = {**super().get_config(), "from_logits": self.from_logits}
        if self.ignore_class is not None:
            config_["ignore_class"] = self.ignore_class
        return config_


def _check_from_logits(value):
    if not isinstance(value, (bool, np.bool_)):
        raise CourseError(f"from_logits debe ser True o False; se recibió {value!r}.")
    return bool(value)


def _check_last_axis(axis, who):
    if axis != -1:
        raise CourseError(f"{who}: este motor calcula la pérdida sobre el último eje (axis=-1); se recibió axis={axis!r}.")


def to_categorical(y, num_classes=None):
    """Codificación one-hot de etiquetas enteras (como ``keras.utils.to_categorical``).

    Para etiquetas de forma (N, …) devuelve (N, …, num_classes).

    >>> to_categorical([0, 2, 1], 3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    arr = as_float_array(y, "to_categorical: y", dtype=np.float64)
    if arr.ndim >= 2 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim == 0:
        raise CourseError(f"to_categorical: se esperaba un array de etiquetas enteras de forma (N,); se recibió un número.")
    if arr.size and (np.any(arr != np.round(arr)) or arr.min() < 0):
        raise CourseError(
            "to_categorical: las etiquetas deben ser enteros no negativos (0, 1, 2, …); "
            f"se recibieron valores entre {arr.min():g} y {arr.max():g}."
        )
    labels = arr.astype(np.int64)
    needed = int(labels.max()) + 1 if labels.size else 0
    if num_classes is None:
        num_classes = needed
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise CourseError(f"to_categorical: num_classes debe ser un entero positivo; se recibió {num_classes!r}.")
    elif needed > num_classes:
        raise CourseError(
            f"to_categorical: num_classes={num_classes}, pero hay una etiqueta {needed - 1} "
            f"(las clases deben ir de 0 a {num_classes - 1})."
        )
    one_hot = np.zeros(labels.shape + (int(num_classes),), dtype=config.dtype())
    np.put_along_axis(one_hot, labels[..., None], 1, axis=-1)
    return one_hot


class LossFunctionWrapper(Loss):
    """Una pérdida escrita como función ``fn(y_true, y_pred)`` con la aritmética de tensores y ``keras.ops``
    (como ``compile(loss=mi_funcion)`` en Keras). No se deriva a ciegas: se traza en un grafo la primera vez,
    como el ``call`` de una capa, y cada operación usa su propio paso hacia atrás."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(reduction=reduction, name=name or getattr(fn, "__name__", "loss"), dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        """La pérdida de cada posición: ``fn(y_true, y_pred)``."""
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def get_config(self):
        raise CourseError(
            f"La pérdida {self.name!r} es una función propia: para cargar el modelo compilado, vuelve a compilarlo "
            "con ella (load_model(ruta, compile=False) y después model.compile(...))."
        )


# --------------------------------------------------------------------------------------
# Funciones (como keras.losses.mean_squared_error): la pérdida de cada posición, sin reducir
# --------------------------------------------------------------------------------------
def _function(cls, doc):
    def loss_function(y_true, y_pred, **kwargs):
        return cls(reduction="none", **kwargs)(y_true, y_pred)
    loss_function.__name__ = loss_function.__qualname__ = cls.name
    loss_function.__doc__ = doc
    loss_function.loss_class = cls
    return loss_function


mean_squared_error = _function(MeanSquaredError, "Lᵢ del ECM para cada posición (sin la media del lote), como Keras.")
mean_absolute_error = _function(MeanAbsoluteError, "Lᵢ del EAM para cada posición (sin la media del lote).")
huber = _function(Huber, "Lᵢ de Huber para cada posición (sin la media del lote).")
binary_crossentropy = _function(BinaryCrossentropy, "Lᵢ de la entropía cruzada binaria para cada posición.")
categorical_crossentropy = _function(CategoricalCrossentropy, "Lᵢ de la entropía cruzada categórica por posición.")
sparse_categorical_crossentropy = _function(SparseCategoricalCrossentropy,
                                            "Lᵢ de la entropía cruzada con etiquetas enteras por posición.")

#: Nombres de Keras → clase.
LOSSES = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber,
    "huber_loss": Huber,
    "mape": MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "log_cosh": LogCosh,
    "logcosh": LogCosh,
    "poisson": Poisson,
    "kld": KLDivergence,
    "kl_divergence": KLDivergence,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}

LOSS_CLASSES = {cls.__name__: cls for cls in LOSSES.values()}


def get(identifier):
    """Devuelve una pérdida a partir de su nombre de Keras (``"mse"``…), de una función de pérdida
    (``losses.mean_squared_error``) o de un objeto ya creado."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier) and hasattr(identifier, "loss_class"):
        return identifier.loss_class()
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        if key in LOSSES:
            return LOSSES[key]()
        if identifier in LOSS_CLASSES:
            return LOSS_CLASSES[identifier]()
        raise unknown_name_error("pérdida", identifier, LOSSES)
    if callable(identifier):   # una función propia de (y_true, y_pred): se traza en un grafo
        return LossFunctionWrapper(identifier)
    raise CourseError(
        "loss: se esperaba el nombre de una pérdida (p. ej. 'mse' o 'categorical_crossentropy') "
        f"o un objeto como CategoricalCrossentropy(); se recibió {describe(identifier)}."
    )


def from_config(config_):
    """Reconstruye una pérdida a partir de :meth:`Loss.get_config` (lo usa ``load_model``)."""
    config_ = dict(config_)
    cls = LOSS_CLASSES[config_.pop("class_name")]
    return cls(**config_)
