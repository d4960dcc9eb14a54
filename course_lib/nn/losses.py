"""Funciones de pérdida (loss functions), con los nombres y la semántica de Keras.

Notación: ŷ es la predicción de la red (``y_pred``), y la etiqueta (``y_true``),
m el número de ejemplos del lote y K el número de salidas (clases).
Cada pérdida devuelve el coste del lote J = (1/m) Σᵢ L⁽ⁱ⁾ (la media sobre el lote)
y su gradiente dJ/dŷ, con la misma forma que ŷ: es lo que recibe ``backward``
de la última capa.

Dos caminos:
- ``loss(y_true, y_pred)`` y ``loss.gradient(y_true, y_pred)`` validan las
  entradas y dan errores en español (la API para el estudiante);
- ``loss.prepare_targets(y, output_shape)`` valida las etiquetas una sola vez, y
  ``loss.value`` / ``loss.grad`` calculan sin volver a validar (lo usa ``fit``
  en cada mini-lote).
"""

import numpy as np

from .validation import CourseError, as_float_array, describe, unknown_name_error

#: Como ``keras.backend.epsilon()``: las probabilidades se recortan a [ε, 1 − ε].
EPSILON = 1e-7


def _sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), estable para z muy negativos y muy positivos."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log_softmax(z):
    """log softmax(z)ₖ = zₖ − log Σⱼ e^(zⱼ), restando el máximo (log-sum-exp estable)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _as_predictions(y_pred):
    """ŷ como array de coma flotante; no se exige que sea finito (la guarda de NaN de fit lo vigila)."""
    if hasattr(y_pred, "to_numpy"):
        y_pred = y_pred.to_numpy()
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind not in "biuf":
        raise CourseError(f"y_pred: se esperaban números reales, pero se recibió {describe(y_pred)}.")
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float64)
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_pred.ndim != 2:
        raise CourseError(
            f"y_pred: se esperaba una matriz de forma (N, K) (un ejemplo por fila); "
            f"se recibió un array de forma {y_pred.shape}."
        )
    return y_pred


class Loss:
    """Base común: validación en la frontera y la interfaz ``loss(y_true, y_pred)``."""

    #: Nombre de Keras (el que se usa en ``compile(loss="...")``).
    name = "loss"

    def __init__(self, from_logits=False):
        if not isinstance(from_logits, (bool, np.bool_)):
            raise CourseError(f"from_logits debe ser True o False; se recibió {from_logits!r}.")
        self.from_logits = bool(from_logits)

    # --- API para el estudiante (valida y calcula) ---
    def __call__(self, y_true, y_pred):
        """Coste del lote J = (1/m) Σᵢ L⁽ⁱ⁾, como un ``float``."""
        y_pred = _as_predictions(y_pred)
        if not np.all(np.isfinite(y_pred)):
            raise CourseError("y_pred: contiene valores NaN o infinitos; se esperaban solo números finitos.")
        return self.value(self.prepare_targets(y_true, y_pred.shape), y_pred)

    def gradient(self, y_true, y_pred):
        """dJ/dŷ, con la forma de ``y_pred`` (incluye el 1/m de la media del lote)."""
        y_pred_arr = _as_predictions(y_pred)
        grad = self.grad(self.prepare_targets(y_true, y_pred_arr.shape), y_pred_arr)
        return grad.reshape(np.shape(y_pred))

    def get_config(self):
        return {"class_name": type(self).__name__, "from_logits": self.from_logits}

    def __repr__(self):
        extra = "from_logits=True" if self.from_logits else ""
        return f"{type(self).__name__}({extra})"

    # --- a implementar por cada pérdida ---
    def prepare_targets(self, y_true, output_shape):
        """Valida las etiquetas para salidas de forma ``output_shape`` = (N, K) y las devuelve listas para usar."""
        raise NotImplementedError

    def value(self, y_true, y_pred):
        raise NotImplementedError

    def grad(self, y_true, y_pred):
        raise NotImplementedError


# --------------------------------------------------------------------------------------
# Validación de etiquetas (compartida)
# --------------------------------------------------------------------------------------
def _dense_targets(y_true, output_shape, loss_name):
    """Etiquetas con la misma forma que ŷ, (N, K). Admite (N,) cuando K = 1."""
    y = as_float_array(y_true, "y_true (etiquetas)", dtype=np.float64)
    n, k = output_shape
    if y.ndim == 1 and k == 1:
        y = y[:, None]
    if y.shape != (n, k) and y.ndim == 2 and y.shape[0] == n and y.shape[1] == 1 and k > 1:
        raise CourseError(
            f"{loss_name}: la red tiene {k} salidas, pero las etiquetas tienen una sola columna "
            f"(forma {y.shape}). Comprueba la última capa o la codificación de las etiquetas."
        )
    if y.shape != (n, k):
        raise CourseError(
            f"{loss_name}: las etiquetas deben tener la forma de las predicciones, {(n, k)}; "
            f"se recibió un array de forma {y.shape}."
        )
    return y


def _looks_like_integer_labels(y):
    """True si ``y`` es un vector (o una columna) de enteros: etiquetas de clase, no one-hot."""
    arr = np.asarray(y)
    if arr.dtype.kind not in "biuf" or arr.size == 0:
        return False
    if not (arr.ndim == 1 or (arr.ndim == 2 and arr.shape[1] == 1)):
        return False
    return bool(np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))


def _check_in_unit_interval(y, loss_name):
    if y.min() < 0 or y.max() > 1:
        raise CourseError(
            f"{loss_name}: las etiquetas deben estar en [0, 1] (probabilidades o 0/1); "
            f"se recibieron valores entre {y.min():g} y {y.max():g}."
        )


# --------------------------------------------------------------------------------------
# Pérdidas
# --------------------------------------------------------------------------------------
class MeanSquaredError(Loss):
    """Error cuadrático medio (ECM, *mean squared error*), para regresión.

    J = (1/(m·K)) Σᵢ Σₖ (ŷᵢₖ − yᵢₖ)²   (media sobre ejemplos y salidas, como Keras)
    dJ/dŷ = 2 (ŷ − y) / (m·K)
    """

    name = "mean_squared_error"

    def __init__(self):
        super().__init__(from_logits=False)

    def get_config(self):
        return {"class_name": type(self).__name__}

    def prepare_targets(self, y_true, output_shape):
        return _dense_targets(y_true, output_shape, "MeanSquaredError").astype(np.float64, copy=False)

    def value(self, y_true, y_pred):
        return float(np.mean((y_pred - y_true) ** 2))

    def grad(self, y_true, y_pred):
        return (2.0 * (y_pred - y_true) / y_pred.size).astype(y_pred.dtype, copy=False)


class BinaryCrossentropy(Loss):
    """Entropía cruzada binaria, para una o varias salidas sí/no independientes.

    Con probabilidades (``from_logits=False``), ŷ recortada a [ε, 1 − ε] como en Keras:
        L = −[y log ŷ + (1 − y) log(1 − ŷ)]
        dL/dŷ = (ŷ − y) / (ŷ (1 − ŷ))   (0 donde el recorte actúa)
    Con logits z (``from_logits=True``), en forma estable:
        L = max(z, 0) − z·y + log(1 + e^(−|z|))
        dL/dz = σ(z) − y
    J es la media de L sobre ejemplos y salidas.
    """

    name = "binary_crossentropy"

    def prepare_targets(self, y_true, output_shape):
        y = _dense_targets(y_true, output_shape, "BinaryCrossentropy")
        _check_in_unit_interval(y, "BinaryCrossentropy")
        return y.astype(np.float64, copy=False)

    def value(self, y_true, y_pred):
        if self.from_logits:
            z = y_pred.astype(np.float64)
            losses = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
        else:
            p = np.clip(y_pred.astype(np.float64), EPSILON, 1 - EPSILON)
            losses = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
        return float(np.mean(losses))

    def grad(self, y_true, y_pred):
        if self.from_logits:
            g = _sigmoid(y_pred.astype(np.float64)) - y_true
        else:
            p = y_pred.astype(np.float64)
            inside = (p > EPSILON) & (p < 1 - EPSILON)
            pc = np.clip(p, EPSILON, 1 - EPSILON)
            g = np.where(inside, (pc - y_true) / (pc * (1 - pc)), 0.0)
        return (g / y_pred.size).astype(y_pred.dtype, copy=False)


class CategoricalCrossentropy(Loss):
    """Entropía cruzada categórica, con etiquetas one-hot de forma (N, K).

    Con probabilidades (``from_logits=False``, p. ej. tras softmax), ŷ recortada a [ε, 1 − ε]:
        L = −Σₖ yₖ log ŷₖ          dL/dŷₖ = −yₖ / ŷₖ   (0 donde el recorte actúa)
    Con logits z (``from_logits=True``), con log-sum-exp estable:
        L = −Σₖ yₖ log softmax(z)ₖ = (Σₖ yₖ)·log Σⱼ e^(zⱼ) − Σₖ yₖ zₖ
        dL/dz = (Σₖ yₖ)·softmax(z) − y   (= softmax(z) − y cuando la fila de y suma 1)
    J es la media de L sobre los m ejemplos del lote.
    (Keras, además, divide cada fila de ŷ por su suma; tras softmax esa suma ya es 1.)
    """

    name = "categorical_crossentropy"

    def prepare_targets(self, y_true, output_shape):
        n, k = output_shape
        if k > 1 and _looks_like_integer_labels(y_true):
            shape = np.shape(y_true)
            raise CourseError(
                f"CategoricalCrossentropy: se esperaban etiquetas one-hot de forma ({n}, {k}), "
                f"pero recibiste enteros de forma {shape} (una clase por ejemplo). "
                "Usa SparseCategoricalCrossentropy (loss='sparse_categorical_crossentropy') "
                "o convierte las etiquetas con to_categorical(y, num_classes)."
            )
        y = _dense_targets(y_true, output_shape, "CategoricalCrossentropy")
        _check_in_unit_interval(y, "CategoricalCrossentropy")
        return y.astype(np.float64, copy=False)

    def value(self, y_true, y_pred):
        if self.from_logits:
            log_p = _log_softmax(y_pred.astype(np.float64))
        else:
            log_p = np.log(np.clip(y_pred.astype(np.float64), EPSILON, 1 - EPSILON))
        return float(np.mean(-np.sum(y_true * log_p, axis=1)))

    def grad(self, y_true, y_pred):
        m = y_pred.shape[0]
        if self.from_logits:
            # (Σₖ yₖ)·softmax − y: la derivada exacta de la pérdida también si la fila de y no suma 1.
            g = np.exp(_log_softmax(y_pred.astype(np.float64))) * y_true.sum(axis=1, keepdims=True) - y_true
        else:
            p = y_pred.astype(np.float64)
            inside = (p > EPSILON) & (p < 1 - EPSILON)
            g = np.where(inside, -y_true / np.clip(p, EPSILON, 1 - EPSILON), 0.0)
        return (g / m).astype(y_pred.dtype, copy=False)


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Entropía cruzada categórica con etiquetas enteras (la clase de cada ejemplo, 0 … K − 1).

    Es la misma pérdida que :class:`CategoricalCrossentropy`, sin construir el one-hot:
        L = −log ŷ_c (c = clase correcta)   o, con logits,   L = log Σⱼ e^(zⱼ) − z_c
    """

    name = "sparse_categorical_crossentropy"

    def prepare_targets(self, y_true, output_shape):
        """Devuelve la matriz one-hot (N, K) equivalente, tras validar las clases."""
        n, k = output_shape
        raw = np.asarray(y_true.to_numpy() if hasattr(y_true, "to_numpy") else y_true)
        if raw.ndim == 2 and raw.shape[1] == k and k > 1:
            raise CourseError(
                f"SparseCategoricalCrossentropy: se esperaban etiquetas enteras de forma ({n},) "
                f"(la clase de cada ejemplo), pero se recibió una matriz de forma {raw.shape}, "
                "que parece one-hot. Usa CategoricalCrossentropy "
                "(loss='categorical_crossentropy') o pasa y.argmax(axis=1)."
            )
        y = as_float_array(raw, "y_true (etiquetas)", dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or y.shape[0] != n:
            raise CourseError(
                f"SparseCategoricalCrossentropy: se esperaban {n} etiquetas enteras, de forma ({n},); "
                f"se recibió un array de forma {np.shape(raw)}."
            )
        if np.any(y != np.round(y)):
            raise CourseError(
                "SparseCategoricalCrossentropy: las etiquetas deben ser números enteros de clase "
                f"(0, 1, …, {k - 1}); se recibieron valores no enteros como {y[y != np.round(y)][0]:g}."
            )
        if y.min() < 0 or y.max() > k - 1:
            bad = y[(y < 0) | (y > k - 1)][0]
            raise CourseError(
                f"SparseCategoricalCrossentropy: la red tiene {k} salidas, así que las clases van de 0 "
                f"a {k - 1}; se recibió la clase {int(bad)}. Revisa el número de unidades de la "
                "última capa o la codificación de las etiquetas."
            )
        return to_categorical(y.astype(np.int64), num_classes=k).astype(np.float64)


def to_categorical(y, num_classes=None):
    """Codificación one-hot de etiquetas enteras (como ``keras.utils.to_categorical``).

    >>> to_categorical([0, 2, 1], 3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    from .config import dtype

    arr = as_float_array(y, "to_categorical: y", dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise CourseError(
            f"to_categorical: se esperaba un vector de etiquetas enteras de forma (N,); "
            f"se recibió un array de forma {arr.shape}."
        )
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
    one_hot = np.zeros((labels.size, int(num_classes)), dtype=dtype())
    one_hot[np.arange(labels.size), labels] = 1
    return one_hot


#: Nombres de Keras → clase.
LOSSES = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}

LOSS_CLASSES = {cls.__name__: cls for cls in set(LOSSES.values())}


def get(identifier):
    """Devuelve una pérdida a partir de su nombre de Keras (``"mse"``…) o de un objeto ya creado."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        if key in LOSSES:
            return LOSSES[key]()
        if identifier in LOSS_CLASSES:
            return LOSS_CLASSES[identifier]()
        raise unknown_name_error("pérdida", identifier, LOSSES)
    raise CourseError(
        "loss: se esperaba el nombre de una pérdida (p. ej. 'mse' o 'categorical_crossentropy') "
        f"o un objeto como CategoricalCrossentropy(); se recibió {describe(identifier)}."
    )


def from_config(config):
    """Reconstruye una pérdida a partir de :meth:`Loss.get_config` (lo usa ``load_model``)."""
    config = dict(config)
    cls = LOSS_CLASSES[config.pop("class_name")]
    return cls(**config)
