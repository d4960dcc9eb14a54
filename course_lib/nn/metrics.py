"""Métricas: miden la calidad del modelo para las personas; no se derivan ni se optimizan.

Como en Keras, una métrica es un objeto **con estado** que acumula sobre varios lotes:

    m = SparseCategoricalAccuracy()
    m.update_state(y_lote1, p_lote1)
    m.update_state(y_lote2, p_lote2)
    m.result()          # la exactitud de los dos lotes juntos
    m.reset_state()     # vuelve a empezar (fit lo hace al comienzo de cada época)

``m(y, p)`` hace ``update_state`` y devuelve ``result()``. Dos familias:

- **medias** (exactitud, EAM, ECM, entropía cruzada…): cada posición aporta un valor vᵢ (reduciendo
  el último eje, como las pérdidas) y el resultado es Σ wᵢ·vᵢ / Σ wᵢ sobre todos los ejemplos vistos;
- **de la matriz de confusión** (precisión, exhaustividad, AUC): acumulan verdaderos y falsos
  positivos y negativos, porque no se pueden promediar lote a lote (el AUC de una época no es la
  media de los AUC de sus lotes).

``metrics=["accuracy"]`` elige la exactitud que corresponde a la forma de las etiquetas y de ŷ, con la
regla de Keras: binaria si ŷ tiene una sola salida, con etiquetas enteras si las etiquetas tienen un eje
menos, categórica (one-hot) si no.
"""

import numpy as np

from . import losses as losses_module
from .symbolic import snake_case, unique_name
from .validation import CourseError, as_float_array, check_number, closest, describe

#: ε de Keras: evita dividir por cero.
EPSILON = 1e-7


class MetricValue(float):
    """El resultado de una métrica: un ``float`` que además entiende ``.numpy()``, como el tensor de Keras."""

    def numpy(self):

        """El valor como ``np.float32``, como ``tensor.numpy()`` en Keras."""
        return np.float32(self)


def _arrays(y_true, y_pred):
    """y y ŷ como arrays de números (ŷ de al menos 2 ejes: (N,) se lee como (N, 1))."""
    y_true = as_float_array(y_true, "y_true (etiquetas)", dtype=np.float64)
    y_pred = as_float_array(y_pred, "y_pred (predicciones)", dtype=np.float64)
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
        if y_true.ndim == 1:
            y_true = y_true[:, None]
    if y_true.ndim == 0 or y_true.shape[0] != y_pred.shape[0]:
        raise CourseError(
            f"Las etiquetas y las predicciones deben tener el mismo número de ejemplos; se recibieron formas "
            f"{y_true.shape} y {y_pred.shape}."
        )
    return y_true, y_pred


def _same_rank(y_true, y_pred):
    """Como Keras: si a y le sobra o le falta un último eje de tamaño 1 respecto de ŷ, se ajusta."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return y_true, y_pred


class Metric:
    """Base: ``update_state(y_true, y_pred, sample_weight=None)``, ``result()``, ``reset_state()``."""

    #: Nombre en español para las líneas que imprime ``fit``.
    display_name = "métrica"

    def __init__(self, name=None, dtype=None):
        if name is not None and not isinstance(name, str):
            raise CourseError(f"name debe ser un texto; se recibió {name!r}.")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):

        """Acumula un lote (con pesos por ejemplo opcionales)."""
        y_true, y_pred = _arrays(y_true, y_pred)
        self._update(y_true, y_pred, None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64))

    def _update(self, y_true, y_pred, sample_weight):
        raise NotImplementedError

    def result(self):

        """El valor de la métrica con todo lo acumulado."""
        raise NotImplementedError

    def reset_state(self):

        """Olvida lo acumulado (``fit`` lo hace al empezar cada época)."""
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Acumula el lote y devuelve el resultado hasta ahora (como en Keras)."""
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self):

        """Los argumentos de la métrica en tipos JSON."""
        return {"name": self.name}

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


# ----------------------------------------------------------------------------- medias
class Mean(Metric):
    """Media (ponderada) de los valores que recibe: Σ wᵢ·vᵢ / Σ wᵢ. ``update_state(valores, sample_weight)``."""

    display_name = "media"

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values = as_float_array(values, "Mean: valores", dtype=np.float64)
        self._accumulate(values, None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64))

    def _add(self, value, weight):
        """Suma ``value`` con peso ``weight`` (la pérdida de un lote, ponderada por su tamaño)."""
        self.total += value * weight
        self.count += weight

    def _accumulate(self, values, sample_weight):
        """Reduce los valores a uno por ejemplo (media de los demás ejes) y los suma, como Keras."""
        if sample_weight is None and values.ndim == 1:   # el caso de siempre
            self.total += float(values.sum())
            self.count += values.shape[0]
            return
        if sample_weight is not None:
            w = sample_weight
            if w.ndim == values.ndim + 1 and w.shape[-1] == 1:
                w = w[..., 0]
            if values.ndim > w.ndim:
                values = values.mean(axis=tuple(range(w.ndim, values.ndim)))
            w = np.broadcast_to(w, values.shape)
            values = values * w
            if w.ndim > 1:
                w = w.mean(axis=tuple(range(1, w.ndim)))
        if values.ndim > 1:
            values = values.mean(axis=tuple(range(1, values.ndim)))
        self.total += float(np.sum(values))
        if sample_weight is not None:
            self.count += float(np.sum(w))
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self):
        return MetricValue(self.total / self.count if self.count else 0.0)


class MeanMetricWrapper(Mean):
    """Una media de ``fn(y_true, y_pred)``, el valor de cada posición (la base de las métricas de media)."""

    def __init__(self, fn=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if fn is not None:
            self.fn = fn

    def update_state(self, y_true, y_pred, sample_weight=None):

        """Acumula los valores de ``fn`` en un lote (con pesos opcionales)."""
        Metric.update_state(self, y_true, y_pred, sample_weight)

    def _update(self, y_true, y_pred, sample_weight):
        self._accumulate(self.fn(y_true, y_pred), sample_weight)


def _binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _same_rank(y_true, y_pred)
    return np.mean((y_pred > threshold).astype(np.float64) == y_true, axis=-1)


def _categorical_accuracy(y_true, y_pred):
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _sparse_labels(y_true, y_pred):
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise CourseError(
            f"Para predicciones de forma {y_pred.shape} se esperaba una etiqueta entera por posición, de forma "
            f"{y_pred.shape[:-1]}; se recibió {y_true.shape}. Con etiquetas one-hot usa CategoricalAccuracy."
        )
    return y_true.astype(np.int64)


def _sparse_categorical_accuracy(y_true, y_pred):
    return (_sparse_labels(y_true, y_pred) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _in_top_k(labels, y_pred, k):
    """1 si la clase correcta está entre las k predicciones más altas (empates a favor, como Keras)."""
    score = np.take_along_axis(y_pred, labels[..., None], axis=-1)
    return (np.sum(y_pred > score, axis=-1) < k).astype(np.float64)


class Accuracy(MeanMetricWrapper):
    """Exactitud exacta: fracción de posiciones con ŷ == y (para predicciones que ya son clases)."""

    display_name = "exactitud"

    def fn(self, y_true, y_pred):

        """1 donde ŷ == y (media sobre el último eje)."""
        y_true, y_pred = _same_rank(y_true, y_pred)
        return np.mean(y_true == y_pred, axis=-1)


class BinaryAccuracy(MeanMetricWrapper):
    """Exactitud binaria: fracción de salidas con [ŷ > umbral] == y (umbral 0,5 con probabilidades)."""

    display_name = "exactitud"

    def __init__(self, name=None, dtype=None, threshold=0.5):
        super().__init__(name=name, dtype=dtype)
        self.threshold = check_number(threshold, "BinaryAccuracy: threshold")

    def fn(self, y_true, y_pred):

        """1 donde [ŷ > umbral] == y (media sobre el último eje)."""
        return _binary_accuracy(y_true, y_pred, self.threshold)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """Exactitud categórica: fracción de posiciones con argmax(ŷ) == argmax(y) (etiquetas one-hot)."""

    display_name = "exactitud"

    def fn(self, y_true, y_pred):

        """1 donde argmax(ŷ) == argmax(y)."""
        return _categorical_accuracy(y_true, y_pred)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """Exactitud con etiquetas enteras: fracción de posiciones con argmax(ŷ) == y."""

    display_name = "exactitud"

    def fn(self, y_true, y_pred):

        """1 donde argmax(ŷ) == y."""
        return _sparse_categorical_accuracy(y_true, y_pred)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """Fracción de posiciones cuya clase correcta (one-hot) está entre las ``k`` de ŷ más altas."""

    display_name = "exactitud top-k"

    def __init__(self, k=5, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.k = int(k)

    def fn(self, y_true, y_pred):

        """1 si la clase correcta está entre las k mayores de ŷ."""
        return _in_top_k(np.argmax(y_true, axis=-1), y_pred, self.k)


class SparseTopKCategoricalAccuracy(TopKCategoricalAccuracy):
    """Fracción de posiciones cuya clase correcta (un entero) está entre las ``k`` de ŷ más altas."""

    def fn(self, y_true, y_pred):

        """1 si la clase correcta (un entero) está entre las k mayores de ŷ."""
        return _in_top_k(_sparse_labels(y_true, y_pred), y_pred, self.k)


class MeanSquaredError(MeanMetricWrapper):
    """Error cuadrático medio (ECM): media de (ŷ − y)²."""

    display_name = "ECM"

    def fn(self, y_true, y_pred):

        """(ŷ − y)² (media sobre el último eje)."""
        y_true, y_pred = _same_rank(y_true, y_pred)
        return np.mean((y_pred - y_true) ** 2, axis=-1)


class MeanAbsoluteError(MeanMetricWrapper):
    """Error absoluto medio (EAM): media de |ŷ − y|."""

    display_name = "EAM"

    def fn(self, y_true, y_pred):

        """|ŷ − y| (media sobre el último eje)."""
        y_true, y_pred = _same_rank(y_true, y_pred)
        return np.mean(np.abs(y_pred - y_true), axis=-1)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Error porcentual absoluto medio: media de 100·|ŷ − y| / max(|y|, ε)."""

    display_name = "EPAM"

    def fn(self, y_true, y_pred):

        """100·|ŷ − y| / max(|y|, ε) (media sobre el último eje)."""
        y_true, y_pred = _same_rank(y_true, y_pred)
        return 100.0 * np.mean(np.abs(y_pred - y_true) / np.maximum(np.abs(y_true), EPSILON), axis=-1)


class RootMeanSquaredError(MeanSquaredError):
    """Raíz del error cuadrático medio: √(media de (ŷ − y)²), en las unidades de y."""

    display_name = "RECM"

    def result(self):
        return MetricValue(np.sqrt(self.total / self.count) if self.count else 0.0)


class _LossMetric(MeanMetricWrapper):
    """Una pérdida usada como métrica: la media de sus Lᵢ."""

    loss_class = None
    display_name = "entropía cruzada"

    def __init__(self, name=None, dtype=None, **loss_kwargs):
        super().__init__(name=name, dtype=dtype)
        self.loss = self.loss_class(**loss_kwargs)

    def fn(self, y_true, y_pred):
        return self.loss.elementwise(self.loss.prepare_targets(y_true, y_pred.shape), y_pred)


class BinaryCrossentropy(_LossMetric):
    """Entropía cruzada binaria como métrica (la media de la pérdida)."""

    loss_class = losses_module.BinaryCrossentropy


class CategoricalCrossentropy(_LossMetric):
    """Entropía cruzada categórica como métrica (la media de la pérdida)."""

    loss_class = losses_module.CategoricalCrossentropy


class SparseCategoricalCrossentropy(_LossMetric):
    """Entropía cruzada con etiquetas enteras como métrica (la media de la pérdida)."""

    loss_class = losses_module.SparseCategoricalCrossentropy


# ----------------------------------------------------------------------------- matriz de confusión
class _Confusion(Metric):
    """Acumula, para cada umbral t, los verdaderos y falsos positivos y negativos con «positivo» = ŷ > t.

    Todas las salidas cuentan por igual (como Keras con ``multi_label=False``); ``from_logits`` aplica σ antes.
    """

    def __init__(self, thresholds=None, name=None, dtype=None, from_logits=False):
        self.thresholds = np.atleast_1d(np.asarray(0.5 if thresholds is None else thresholds, dtype=np.float64))
        self.from_logits = bool(from_logits)
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives, self.false_positives = np.zeros(n), np.zeros(n)
        self.true_negatives, self.false_negatives = np.zeros(n), np.zeros(n)

    def _update(self, y_true, y_pred, sample_weight):
        y_true, y_pred = _same_rank(y_true, y_pred)
        if y_true.shape != y_pred.shape:
            raise CourseError(
                f"{type(self).__name__}: las etiquetas (0/1) deben tener la forma de las predicciones; se recibieron "
                f"{y_true.shape} y {y_pred.shape}."
            )
        if self.from_logits:
            y_pred = losses_module._sigmoid(y_pred)
        w = np.ones_like(y_pred) if sample_weight is None else np.broadcast_to(
            sample_weight.reshape(sample_weight.shape + (1,) * (y_pred.ndim - sample_weight.ndim)), y_pred.shape)
        p, positive, w = y_pred.ravel(), (y_true > 0.5).ravel(), w.ravel()
        # Para cada umbral, el peso de las predicciones por encima (ŷ > t): sumas acumuladas sobre ŷ ordenada.
        order = np.argsort(p)
        p, positive, w = p[order], positive[order], w[order]
        above_pos = np.concatenate([np.cumsum((w * positive)[::-1])[::-1], [0.0]])
        above_neg = np.concatenate([np.cumsum((w * ~positive)[::-1])[::-1], [0.0]])
        first_above = np.searchsorted(p, self.thresholds, side="right")
        tp, fp = above_pos[first_above], above_neg[first_above]
        self.true_positives += tp
        self.false_positives += fp
        self.false_negatives += above_pos[0] - tp
        self.true_negatives += above_neg[0] - fp

    def get_config(self):
        return {**super().get_config(), "thresholds": self.thresholds.tolist()}


def _divide(a, b):
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float64), where=b != 0)


class Precision(_Confusion):
    """Precisión: de lo que el modelo marca como positivo, cuánto lo es. TP / (TP + FP), con umbral 0,5."""

    display_name = "precisión"

    def result(self):
        value = _divide(self.true_positives, self.true_positives + self.false_positives)
        return MetricValue(value[0]) if value.size == 1 else value


class Recall(_Confusion):
    """Exhaustividad (*recall*, sensibilidad): de los positivos, cuántos encuentra. TP / (TP + FN)."""

    display_name = "exhaustividad"

    def result(self):
        value = _divide(self.true_positives, self.true_positives + self.false_negatives)
        return MetricValue(value[0]) if value.size == 1 else value


class _Count(_Confusion):
    kind = "true_positives"
    display_name = "recuento"

    def result(self):
        value = getattr(self, self.kind)
        return MetricValue(value[0]) if value.size == 1 else value


class TruePositives(_Count):
    """Verdaderos positivos: peso total de los ejemplos positivos con ŷ > umbral."""

    kind = "true_positives"


class FalsePositives(_Count):
    """Falsos positivos: peso total de los ejemplos negativos con ŷ > umbral."""

    kind = "false_positives"


class TrueNegatives(_Count):
    """Verdaderos negativos: peso total de los ejemplos negativos con ŷ ≤ umbral."""

    kind = "true_negatives"


class FalseNegatives(_Count):
    """Falsos negativos: peso total de los ejemplos positivos con ŷ ≤ umbral."""

    kind = "false_negatives"


class AUC(_Confusion):
    """Área bajo la curva ROC (o la de precisión-exhaustividad, ``curve="PR"``), como ``keras.metrics.AUC``.

    Con ``num_thresholds`` umbrales repartidos en [0, 1] (más −ε y 1 + ε) se acumulan TP, FP, TN y FN; la
    curva ROC une los puntos (FPR, TPR) = (FP/(FP+TN), TP/(TP+FN)) y el área se suma por trapecios
    (``summation_method="interpolation"``). La de PR usa la interpolación de Davis y Goadrich (2006).
    """

    display_name = "AUC"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        if multi_label or label_weights is not None:
            raise CourseError("AUC: course_lib calcula un solo AUC con todas las salidas juntas (multi_label=False).")
        if str(curve).upper() not in ("ROC", "PR"):
            raise CourseError(f"AUC: curve debe ser 'ROC' o 'PR'; se recibió {curve!r}.")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise CourseError(f"AUC: summation_method debe ser 'interpolation', 'minoring' o 'majoring'; se recibió "
                              f"{summation_method!r}.")
        self.curve, self.summation_method = str(curve).upper(), summation_method
        if thresholds is None:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) or num_thresholds < 2:
                raise CourseError(f"AUC: num_thresholds debe ser un entero mayor que 1; se recibió {num_thresholds!r}.")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        else:
            inner = sorted(float(t) for t in np.atleast_1d(thresholds))
        self.num_thresholds = len(inner) + 2
        super().__init__(thresholds=[0.0 - EPSILON] + inner + [1.0 + EPSILON], name=name, dtype=dtype,
                         from_logits=from_logits)

    def result(self):
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        if self.curve == "PR" and self.summation_method == "interpolation":
            return MetricValue(self._interpolate_pr_auc())
        recall = _divide(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide(fp, fp + tn), recall
        else:
            x, y = recall, _divide(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return MetricValue(np.sum((x[:-1] - x[1:]) * heights))

    def _interpolate_pr_auc(self):
        """Área de PR suponiendo que TP y P = TP + FP varían linealmente entre umbrales (Davis y Goadrich)."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), _divide(p[:-1], np.maximum(p[1:], 0)), 1.0)
        increments = _divide(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
        return float(np.sum(increments))

    def get_config(self):
        return {"name": self.name, "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "from_logits": self.from_logits}


# ----------------------------------------------------------------------------- por nombre
_BY_NAME = {
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mape": MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "rmse": RootMeanSquaredError,
    "root_mean_squared_error": RootMeanSquaredError,
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "auc": AUC,
    "precision": Precision,
    "recall": Recall,
}
NAMES = ("accuracy", "acc", *_BY_NAME)
METRIC_CLASSES = {cls.__name__: cls for cls in (
    Mean, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    RootMeanSquaredError, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Precision,
    Recall, AUC, TruePositives, FalsePositives, TrueNegatives, FalseNegatives)}


def accuracy_for(name, y_true, y_pred, loss=None):
    """La exactitud que Keras elige para ``metrics=["accuracy"]`` según las formas de y y ŷ.

    Binaria si ŷ tiene una sola salida; con etiquetas enteras si y tiene un eje menos (o un último eje
    de 1 y ŷ varios); categórica si no. Con una entropía cruzada binaria sobre logits el umbral es 0,
    porque σ(z) > 0,5 ⇔ z > 0 (Keras deja 0,5, que sobre logits no tiene sentido).
    """
    y_rank, p_rank = np.ndim(y_true), np.ndim(y_pred)
    is_binary = np.shape(y_pred)[-1] == 1
    is_sparse = y_rank < p_rank or (np.shape(y_true)[-1] == 1 and np.shape(y_pred)[-1] > 1)
    if is_binary:
        logits = isinstance(loss, losses_module.BinaryCrossentropy) and loss.from_logits
        return BinaryAccuracy(name=name, threshold=0.0 if logits else 0.5)
    if is_sparse:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get(identifier, y_true=None, y_pred=None, loss=None):
    """Resuelve una métrica por su nombre de Keras (como ``compile(metrics=[...])``) o devuelve el objeto dado.

    "accuracy"/"acc" necesita las etiquetas y las predicciones (o sus formas) para elegir la exactitud.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier) and hasattr(identifier, "loss_class"):      # losses.mean_squared_error…
        name = identifier.__name__
        return MeanMetricWrapper(lambda y, p, loss=identifier.loss_class(): loss.elementwise(
            loss.prepare_targets(y, p.shape), p), name=name)
    if callable(identifier) and not isinstance(identifier, str):   # una función propia: la media de sus valores
        return MeanMetricWrapper(lambda y, p: np.asarray(identifier(y, p), dtype=np.float64),
                                 name=getattr(identifier, "__name__", None))
    if not isinstance(identifier, str):
        raise CourseError(
            "metrics: se esperaba una lista de nombres de métricas (p. ej. ['accuracy']) u objetos como "
            f"keras.metrics.AUC(); uno de los elementos es {describe(identifier)}."
        )
    name = identifier.strip().lower()
    if name in ("accuracy", "acc"):
        if y_true is None:
            raise CourseError("metrics: 'accuracy' se resuelve al entrenar, cuando se conocen las etiquetas.")
        return accuracy_for(identifier, y_true, y_pred, loss)
    if name in _BY_NAME:
        return _BY_NAME[name](name=identifier)
    if identifier in METRIC_CLASSES:
        return METRIC_CLASSES[identifier](name=snake_case(identifier))
    suggestion = closest(name, NAMES)
    hint = f" ¿Quisiste decir '{suggestion}'?" if suggestion else ""
    valid = ", ".join(f"'{n}'" for n in NAMES)
    raise CourseError(f"Métrica desconocida: {identifier!r}.{hint} Opciones válidas: {valid}.")
