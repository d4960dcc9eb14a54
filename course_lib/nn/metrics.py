"""Métricas: exactitud (accuracy), EAM (mae) y ECM (mse).

Una métrica mide la calidad del modelo para las personas; no se deriva ni se optimiza.
Como en Keras, ``metrics=["accuracy"]`` elige la exactitud adecuada según la pérdida:
binaria (umbral 0,5), categórica (one-hot) o con etiquetas enteras (*sparse*).

Todas reciben las etiquetas ya preparadas por la pérdida (``loss.prepare_targets``),
con la forma de ŷ (N, K): las etiquetas enteras llegan ya en one-hot.
"""

import numpy as np

from . import losses as losses_module
from .validation import CourseError, closest, describe


class Metric:
    """Una métrica: ``metric(y_true, y_pred) -> float`` (media sobre el lote)."""

    #: Nombre con el que aparece en ``history.history`` (el que escribió el usuario).
    name = "metric"
    #: Nombre en español para las líneas que imprime ``fit``.
    display_name = "métrica"

    def __call__(self, y_true, y_pred):
        raise NotImplementedError

    def __repr__(self):
        return f"<métrica {self.name}>"


class BinaryAccuracy(Metric):
    """Exactitud binaria: fracción de salidas con (ŷ > umbral) == y.

    Con probabilidades el umbral es 0,5; con logits (``from_logits=True``) es 0,
    porque σ(z) > 0,5 ⇔ z > 0.
    """

    display_name = "exactitud"

    def __init__(self, name="binary_accuracy", threshold=0.5):
        self.name = name
        self.threshold = threshold

    def __call__(self, y_true, y_pred):
        return float(np.mean((y_pred > self.threshold) == (y_true > 0.5)))


class CategoricalAccuracy(Metric):
    """Exactitud categórica: fracción de ejemplos con argmax(ŷ) == argmax(y)."""

    display_name = "exactitud"

    def __init__(self, name="categorical_accuracy"):
        self.name = name

    def __call__(self, y_true, y_pred):
        return float(np.mean(np.argmax(y_pred, axis=1) == np.argmax(y_true, axis=1)))


class MeanAbsoluteError(Metric):
    """Error absoluto medio (EAM, *mean absolute error*): (1/(m·K)) Σ |ŷ − y|."""

    display_name = "EAM"

    def __init__(self, name="mae"):
        self.name = name

    def __call__(self, y_true, y_pred):
        return float(np.mean(np.abs(y_pred - y_true)))


class MeanSquaredError(Metric):
    """Error cuadrático medio (ECM, *mean squared error*): (1/(m·K)) Σ (ŷ − y)²."""

    display_name = "ECM"

    def __init__(self, name="mse"):
        self.name = name

    def __call__(self, y_true, y_pred):
        return float(np.mean((y_pred - y_true) ** 2))


_SIMPLE = {
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": CategoricalAccuracy,
}
NAMES = ("accuracy", "acc", *_SIMPLE)


def get(identifier, loss, output_units):
    """Resuelve una métrica por su nombre, como ``compile(metrics=[...])`` en Keras.

    "accuracy"/"acc" se convierte en exactitud binaria o categórica según la pérdida
    (y, si la pérdida no lo aclara, según el número de salidas ``output_units``).
    """
    if isinstance(identifier, Metric):
        return identifier
    if not isinstance(identifier, str):
        raise CourseError(
            "metrics: se esperaba una lista de nombres de métricas (p. ej. ['accuracy']); "
            f"uno de los elementos es {describe(identifier)}."
        )
    name = identifier.strip().lower()
    if name in ("accuracy", "acc"):
        if isinstance(loss, losses_module.BinaryCrossentropy):
            return BinaryAccuracy(name, threshold=0.0 if loss.from_logits else 0.5)
        if isinstance(loss, losses_module.CategoricalCrossentropy) or (output_units or 1) > 1:
            return CategoricalAccuracy(name)  # también la versión sparse: llega en one-hot
        return BinaryAccuracy(name)
    if name in _SIMPLE:
        return _SIMPLE[name](name)
    suggestion = closest(name, NAMES)
    hint = f" ¿Quisiste decir '{suggestion}'?" if suggestion else ""
    valid = ", ".join(f"'{n}'" for n in NAMES)
    raise CourseError(f"Métrica desconocida: {identifier!r}.{hint} Opciones válidas: {valid}.")
