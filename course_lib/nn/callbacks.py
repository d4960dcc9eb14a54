"""Callbacks: objetos a los que ``fit``, ``evaluate`` y ``predict`` avisan en cada momento, como en Keras.

El protocolo es el de ``keras.callbacks.Callback``: ``fit`` llama a ``set_model(modelo)`` y
``set_params({"verbose", "epochs", "steps"})`` y después, en orden::

    on_train_begin(logs)
      on_epoch_begin(epoch, logs)
        on_train_batch_begin(batch, logs)    # cada mini-lote
        on_train_batch_end(batch, logs)      # logs: medias de la época hasta este lote
        (validación: on_test_begin, on_test_batch_begin/end, on_test_end)
      on_epoch_end(epoch, logs)              # logs: {"loss": …, "val_loss": …, métricas}
    on_train_end(logs)

``evaluate`` llama a los ``on_test_*`` y ``predict`` a los ``on_predict_*``. Un callback detiene el
entrenamiento con ``self.model.stop_training = True`` (se mira tras cada lote y cada época). El bucle
que los llama está en ``callback_list.py`` y ``trainer.py``.

- :class:`History` guarda la pérdida y las métricas de cada época (``fit`` lo devuelve).
- :class:`EarlyStopping` (parada temprana) detiene el entrenamiento cuando la magnitud vigilada
  (por defecto la pérdida de validación) deja de mejorar durante ``patience`` épocas, y puede
  restaurar los pesos de la mejor época.
"""

import numpy as np

from .validation import CourseError, check_number, check_positive_int


class Callback:
    """Base: métodos vacíos que ``fit``, ``evaluate`` y ``predict`` llaman en cada momento.

    Las subclases redefinen los que necesiten; ``self.model`` es el modelo y ``self.params`` los
    parámetros del entrenamiento (``{"verbose": …, "epochs": …, "steps": …}``).
    """

    def __init__(self):
        self.model = None
        self.params = None
        self.validation_data = None

    def set_model(self, model):

        """Guarda el modelo que se entrena (``self.model``)."""
        self.model = model

    def set_params(self, params):

        """Guarda los parámetros del bucle (``self.params``: verbose, epochs, steps)."""
        self.params = params

    # ---- entrenamiento
    def on_train_begin(self, logs=None):
        """Al empezar ``fit``."""

    def on_train_end(self, logs=None):
        """Al terminar ``fit``; ``logs`` son los de la última época."""

    def on_epoch_begin(self, epoch, logs=None):
        """Al empezar la época ``epoch`` (0, 1, 2…)."""

    def on_epoch_end(self, epoch, logs=None):
        """Al terminar la época ``epoch``; ``logs`` tiene la pérdida, las métricas y las de validación."""

    def on_train_batch_begin(self, batch, logs=None):
        """Antes de cada mini-lote de entrenamiento (``batch`` = 0, 1, 2… dentro de la época)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Tras cada mini-lote; ``logs`` tiene las medias de la época hasta ese lote."""
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        """Nombre antiguo de ``on_train_batch_begin`` (Keras lo conserva)."""

    def on_batch_end(self, batch, logs=None):
        """Nombre antiguo de ``on_train_batch_end`` (Keras lo conserva)."""

    # ---- evaluación (también la validación de fit)
    def on_test_begin(self, logs=None):
        """Al empezar ``evaluate`` (o la validación de una época)."""

    def on_test_end(self, logs=None):
        """Al terminar ``evaluate``; ``logs`` tiene la pérdida y las métricas."""

    def on_test_batch_begin(self, batch, logs=None):
        """Antes de cada lote de ``evaluate``."""

    def on_test_batch_end(self, batch, logs=None):
        """Tras cada lote de ``evaluate``; ``logs`` tiene las medias hasta ese lote."""

    # ---- predicción
    def on_predict_begin(self, logs=None):
        """Al empezar ``predict``."""

    def on_predict_end(self, logs=None):
        """Al terminar ``predict``."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Antes de cada lote de ``predict``."""

    def on_predict_batch_end(self, batch, logs=None):
        """Tras cada lote de ``predict``; ``logs = {"outputs": predicciones del lote}``."""


class History(Callback):
    """Historial del entrenamiento, como en Keras.

    ``history.history`` es un diccionario {"loss": [...], "val_loss": [...], "accuracy": [...], …}
    con un valor por época, ``history.epoch`` la lista de épocas (0, 1, 2, …) y ``history.params``
    los parámetros del entrenamiento.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self

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
