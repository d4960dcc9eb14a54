"""Lo que ``compile`` deja preparado para el bucle: una pérdida y un peso por salida, y las métricas.

Como ``keras/src/trainers/compile_utils.py``:

- ``CompileLoss``: con una salida, J = pérdida + regularización. Con varias, ``loss`` puede ser una
  sola pérdida (para todas), una lista (una por salida, en el orden de ``outputs``) o un dict por el
  nombre de cada salida; ``loss_weights`` da el peso λ de cada una:

      J = Σₛ λₛ·Jₛ + regularización

  y el historial guarda además cada Jₛ sin ponderar como ``"<salida>_loss"``.
- ``CompileMetrics``: las métricas de cada salida, con los nombres de Keras (``"accuracy"``; con
  varias salidas, ``"<salida>_accuracy"``). ``metrics`` no usa ``sample_weight``; ``weighted_metrics``
  sí (como en Keras).
"""

import numpy as np

from . import losses as losses_module
from . import metrics as metrics_module
from .validation import CourseError, CourseTypeError, check_number, describe


def _per_output(value, output_names, what):
    """Reparte ``value`` (uno para todas, una lista en orden o un dict por nombre) en una lista por salida."""
    n = len(output_names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in output_names]
        if unknown:
            raise CourseError(
                f"compile: {what} tiene la clave {unknown[0]!r}, que no es el nombre de ninguna salida del modelo. "
                f"Las salidas se llaman {output_names} (el nombre de la capa que produce cada una)."
            )
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise CourseError(
                f"compile: el modelo tiene {n} salida{'s' if n > 1 else ''} ({', '.join(output_names)}), así que {what} "
                f"debe ser una lista de {n} elemento{'s' if n > 1 else ''} (uno por salida, en orden) o un dict por "
                f"nombre; se recibió una lista de {len(value)}."
            )
        return list(value)
    return [value] * n


class CompileLoss:
    """Una pérdida y un peso por salida (``loss`` y ``loss_weights`` de ``compile``)."""

    def __init__(self, loss, loss_weights=None):
        if loss is None:
            raise CourseError(
                "compile: falta la pérdida. Por ejemplo loss='mse' (regresión), "
                "'binary_crossentropy', 'categorical_crossentropy' o 'sparse_categorical_crossentropy'."
            )
        if loss_weights is not None and not isinstance(loss_weights, (list, tuple, dict, int, float)):
            raise CourseTypeError(
                "compile: loss_weights debe ser un número (una salida), una lista (una por salida) o un dict por "
                f"nombre de salida; se recibió {describe(loss_weights)}."
            )
        self.user_loss = loss
        self.user_loss_weights = loss_weights
        # Se valida ya lo que no depende de las salidas (nombres de pérdidas desconocidos…).
        for item in (loss.values() if isinstance(loss, dict) else loss if isinstance(loss, (list, tuple)) else [loss]):
            if item is not None:
                losses_module.get(item)
        self.entries = None   # [(nombre de la salida, pérdida o None, peso)], al conocer las salidas

    def build(self, output_names):

        """Reparte ``loss`` y ``loss_weights`` entre las salidas (cuando ya se conocen)."""
        losses = _per_output(self.user_loss, output_names, "loss")
        weights = _per_output(1.0 if self.user_loss_weights is None else self.user_loss_weights, output_names,
                              "loss_weights")
        self.entries = []
        for name, loss, weight in zip(output_names, losses, weights):
            weight = 1.0 if weight is None else check_number(weight, f"compile: loss_weights de '{name}'")
            self.entries.append((name, None if loss is None else losses_module.get(loss), weight))
        if all(loss is None for _, loss, _ in self.entries):
            raise CourseError("compile: ninguna salida tiene pérdida; indica al menos una en loss.")
        return self

    @property
    def losses(self):
        """La pérdida de cada salida (None si no tiene)."""
        return [loss for _, loss, _ in self.entries]

    def compute(self, targets, predictions, sample_weights):
        """(J ponderada, [Jₛ sin ponderar o None]) de un lote."""
        total, parts = 0.0, []
        for (_, loss, weight), t, p, w in zip(self.entries, targets, predictions, sample_weights):
            if loss is None:
                parts.append(None)
                continue
            value = loss.value(t, p, w)
            parts.append(value)
            total += weight * value
        return total, parts

    def gradients(self, targets, predictions, sample_weights):
        """∂J/∂ŷₛ = λₛ·∂Jₛ/∂ŷₛ para cada salida (None en las que no tienen pérdida)."""
        grads = []
        for (_, loss, weight), t, p, w in zip(self.entries, targets, predictions, sample_weights):
            if loss is None:
                grads.append(None)
                continue
            g = loss.grad(t, p, w)
            grads.append(g if weight == 1.0 else (g * weight).astype(g.dtype, copy=False))
        return grads


class CompileMetrics:
    """Las métricas de cada salida, con los nombres que usa Keras en el historial."""

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics=None):
        for what, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value is not None and not isinstance(value, (list, tuple, dict)):
                if isinstance(value, (str, metrics_module.Metric)):
                    continue
                raise CourseError(
                    f"compile: {what} debe ser una lista como ['accuracy'] (o un dict por salida); se recibió "
                    f"{describe(value)}."
                )
        self.user_metrics = [metrics] if isinstance(metrics, (str, metrics_module.Metric)) else metrics
        self.user_weighted = ([weighted_metrics] if isinstance(weighted_metrics, (str, metrics_module.Metric))
                              else weighted_metrics)
        for group in (self.user_metrics, self.user_weighted):
            for item in _leaves(group):
                if not isinstance(item, str) or item.strip().lower() not in ("accuracy", "acc"):
                    metrics_module.get(item) if not isinstance(item, str) else _check_name(item)
        self.built = False
        self.output_names = None

    def build(self, output_names, targets, predictions, losses):
        """Crea las métricas de cada salida (la exactitud se elige viendo las etiquetas y ŷ del primer lote)."""
        self.output_names = output_names
        self.plain = self._build_group(self.user_metrics, output_names, targets, predictions, losses, "metrics")
        self.weighted = self._build_group(self.user_weighted, output_names, targets, predictions, losses,
                                          "weighted_metrics")
        self.built = True

    def _build_group(self, user, output_names, targets, predictions, losses, what):
        if not user:
            return [[] for _ in output_names]
        if len(output_names) == 1:
            per_output = [list(_leaves(user))]
        elif isinstance(user, (list, tuple)) and len(user) != len(output_names):
            per_output = [list(user)] * len(output_names)   # la misma lista para todas las salidas
        else:
            per_output = _per_output(user, output_names, what)
            per_output = [[] if m is None else (list(m) if isinstance(m, (list, tuple)) else [m]) for m in per_output]
        return [[_named(metrics_module.get(m, t, p, loss), m) for m in group]
                for group, t, p, loss in zip(per_output, targets, predictions, losses)]

    @property
    def metrics(self):
        """Todas las métricas (objetos), salida a salida."""
        if not self.built:
            return []
        return [m for group in self.plain + self.weighted for m in group]

    def reset(self):

        """Pone a cero todas las métricas."""
        for metric in self.metrics:
            metric.reset_state()

    def update(self, targets, predictions, sample_weights):

        """Acumula un lote: ``metrics`` sin pesos y ``weighted_metrics`` con ``sample_weight``."""
        for group, t, p in zip(self.plain, targets, predictions):
            for metric in group:
                metric._update(t, p, None)
        for group, t, p, w in zip(self.weighted, targets, predictions, sample_weights):
            for metric in group:
                metric._update(t, p, w)

    def result(self):
        """Un dict con el valor de cada métrica, con los nombres de Keras (prefijo de salida si hay varias)."""
        results, counts = {}, {}
        prefix = len(self.output_names) > 1
        for weighted, groups in ((False, self.plain), (True, self.weighted)):
            for output, group in zip(self.output_names, groups):
                for metric in group:
                    name = f"{output}_{metric.name}" if prefix else metric.name
                    if name in counts:
                        if weighted:
                            name = f"{output}_weighted_{metric.name}" if prefix else f"weighted_{metric.name}"
                        if name in counts:
                            counts[name] += 1
                            name = f"{name}_{counts[name] - 1}"
                    counts.setdefault(name, 1)
                    results[name] = float(metric.result())
        return results

    def display_names(self):
        """Nombre del historial -> (nombre en español, salida o None), para las líneas de fit."""
        names = {}
        keys = list(self.result())
        metrics = [(output, metric) for groups in (self.plain, self.weighted)
                   for output, group in zip(self.output_names, groups) for metric in group]
        for key, (output, metric) in zip(keys, metrics):
            names[key] = (metric.display_name, output if len(self.output_names) > 1 else None)
        return names


def _leaves(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _check_name(name):
    """Error temprano (al compilar) si el nombre de una métrica no existe."""
    if name.strip().lower() not in metrics_module.NAMES and name not in metrics_module.METRIC_CLASSES:
        metrics_module.get(name)


def _named(metric, identifier):
    """Como Keras: una métrica pedida por su nombre se llama como se pidió ("acc", "mae")."""
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


def standardize(value, output_names, what):
    """Etiquetas o pesos por salida: un array (una salida), una lista en orden o un dict por nombre."""
    n = len(output_names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in output_names]
        missing = [name for name in output_names if name not in value]
        if unknown:
            raise CourseError(
                f"{what}: la clave {unknown[0]!r} no es el nombre de ninguna salida; las salidas se llaman "
                f"{output_names}."
            )
        return [value.get(name) for name in output_names] if not missing or what.startswith("sample") else \
            _missing(what, missing, output_names)
    if n > 1 and isinstance(value, (list, tuple)) and not isinstance(value, np.ndarray):
        if len(value) != n:
            raise CourseError(
                f"El modelo tiene {n} salidas ({', '.join(output_names)}), así que {what} debe ser una lista de {n} "
                f"arrays (uno por salida, en orden) o un dict por nombre; se recibió una lista de {len(value)}."
            )
        return list(value)
    if n > 1 and what.startswith("sample"):
        return [value] * n   # un mismo peso por ejemplo para todas las salidas, como Keras
    if n > 1:
        raise CourseError(
            f"El modelo tiene {n} salidas ({', '.join(output_names)}), así que {what} debe ser una lista de {n} "
            f"arrays o un dict por nombre; se recibió {describe(value)}."
        )
    return [value]


def _missing(what, missing, output_names):
    raise CourseError(
        f"{what}: faltan las etiquetas de la salida {missing[0]!r}; se esperaba un dict con una clave por salida "
        f"({output_names})."
    )
