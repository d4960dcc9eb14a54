"""Callbacks: objetos a los que ``fit`` avisa al empezar, al terminar cada época y al acabar.

- :class:`History` guarda la pérdida y las métricas de cada época (``fit`` lo devuelve).
- :class:`EarlyStopping` (parada temprana) detiene el entrenamiento cuando la magnitud vigilada
  (por defecto la pérdida de validación) deja de mejorar durante ``patience`` épocas, y puede
  restaurar los pesos de la mejor época.
"""

import numpy as np

from .validation import CourseError, check_number, check_positive_int


class Callback:
    """Base: métodos vacíos que ``fit`` llama en cada momento del entrenamiento."""

    def __init__(self):
        self.model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class History(Callback):
    """Historial del entrenamiento, como en Keras.

    ``history.history`` es un diccionario {"loss": [...], "val_loss": [...], "accuracy": [...], …}
    con un valor por época, y ``history.epoch`` la lista de épocas (0, 1, 2, …).
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.history = {}
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        keys = ", ".join(self.history)
        return f"<History: {len(self.epoch)} épocas; claves: {keys}>"


class EarlyStopping(Callback):
    """Parada temprana (*early stopping*): para cuando ``monitor`` no mejora en ``patience`` épocas.

    Mejora significa bajar más de ``min_delta`` (modo "min", p. ej. "val_loss") o subir más de
    ``min_delta`` (modo "max", p. ej. "val_accuracy"); el modo "auto" lo deduce del nombre.
    Con ``restore_best_weights=True``, al terminar se recuperan los pesos de la mejor época.
    """

    def __init__(self, monitor="val_loss", patience=0, min_delta=0.0, mode="auto",
                 restore_best_weights=False, verbose=0):
        super().__init__()
        if not isinstance(monitor, str):
            raise CourseError(f"EarlyStopping: monitor debe ser un nombre como 'val_loss'; se recibió {monitor!r}.")
        if mode not in ("auto", "min", "max"):
            raise CourseError(f"EarlyStopping: mode debe ser 'auto', 'min' o 'max'; se recibió {mode!r}.")
        self.monitor = monitor
        self.patience = check_positive_int(patience, "EarlyStopping: patience", minimum=0)
        self.min_delta = abs(check_number(min_delta, "EarlyStopping: min_delta"))
        self.restore_best_weights = bool(restore_best_weights)
        self.verbose = verbose
        if mode == "auto":
            mode = "max" if ("acc" in monitor or monitor.endswith("auc")) else "min"
        self.mode = mode

    def _is_improvement(self, current, best):
        if self.mode == "min":
            return current < best - self.min_delta
        return current > best + self.min_delta

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = None
        self.best = np.inf if self.mode == "min" else -np.inf
        self.best_epoch = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            available = ", ".join(f"'{k}'" for k in logs) or "ninguna"
            hint = (" Para vigilar 'val_…' hace falta pasar validation_data o validation_split a fit."
                    if self.monitor.startswith("val_") else "")
            raise CourseError(
                f"EarlyStopping: se pidió vigilar {self.monitor!r}, pero fit no la calcula. "
                f"Magnitudes disponibles: {available}.{hint}"
            )
        current = logs[self.monitor]
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch is not None and self.verbose:
            print(
                f"Parada temprana en la época {self.stopped_epoch + 1}: {self.monitor} no mejoró "
                f"en {self.patience} épocas; la mejor fue la época {self.best_epoch + 1} "
                f"({self.monitor} = {self.best:.4f})."
            )
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
            if self.verbose:
                print(f"Se restauraron los pesos de la época {self.best_epoch + 1}.")
