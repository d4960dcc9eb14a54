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

import csv
import os

import numpy as np

from .validation import CourseError, CourseTypeError, check_number, check_positive_int


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


# ----------------------------------------------------------------------------- vigilar una magnitud
#: Magnitudes que se quieren altas (modo "max"); las demás que se reconocen, bajas (modo "min").
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "f1", "r2", "true_positives", "true_negatives")
_LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "mape", "msle", "crossentropy", "hinge", "divergence", "huber")


def _monitor_mode(who, monitor, mode):
    """"min" o "max": el que se pidió, o con mode="auto" el que corresponde al nombre (como Keras)."""
    if mode in ("min", "max"):
        return mode
    name = monitor.lower().removeprefix("val_")
    if any(word in name for word in _HIGHER_IS_BETTER):
        return "max"
    if any(word in name for word in _LOWER_IS_BETTER):
        return "min"
    raise CourseError(
        f"{who}: no se sabe si {monitor!r} es mejor cuanto más alta o cuanto más baja. Indica mode='max' "
        "(p. ej. para una exactitud) o mode='min' (p. ej. para una pérdida o un error)."
    )


class _MonitorCallback(Callback):
    """Base de los callbacks que vigilan una magnitud de ``logs`` (como ``MonitorCallback`` de Keras).

    Mejora significa bajar más de ``min_delta`` (modo "min", p. ej. "val_loss") o subir más de
    ``min_delta`` (modo "max", p. ej. "val_accuracy"); el modo "auto" lo deduce del nombre.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0.0):
        super().__init__()
        who = type(self).__name__
        if not isinstance(monitor, str):
            raise CourseError(f"{who}: monitor debe ser un nombre como 'val_loss'; se recibió {monitor!r}.")
        if mode not in ("auto", "min", "max"):
            raise CourseError(f"{who}: mode debe ser 'auto', 'min' o 'max'; se recibió {mode!r}.")
        self.monitor = monitor
        self.mode = _monitor_mode(who, monitor, mode)
        self.min_delta = abs(check_number(min_delta, f"{who}: min_delta"))
        self.baseline = None if baseline is None else check_number(baseline, f"{who}: baseline")
        self.best = self.baseline

    def _is_improvement(self, current, reference):
        """¿Es ``current`` mejor que ``reference`` por más de ``min_delta``? (Sin referencia, sí.)"""
        if reference is None:
            return True
        if self.mode == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def _monitor_value(self, logs):
        """El valor vigilado en ``logs``, o un error en español que dice cuáles hay."""
        logs = logs or {}
        if self.monitor not in logs:
            available = ", ".join(f"'{k}'" for k in logs) or "ninguna"
            hint = (" Para vigilar 'val_…' hace falta pasar validation_data o validation_split a fit."
                    if self.monitor.startswith("val_") else "")
            raise CourseError(
                f"{type(self).__name__}: se pidió vigilar {self.monitor!r}, pero fit no la calcula. "
                f"Magnitudes disponibles: {available}.{hint}"
            )
        return float(logs[self.monitor])


class EarlyStopping(_MonitorCallback):
    """Parada temprana (*early stopping*): para cuando ``monitor`` no mejora en ``patience`` épocas.

    Al final de cada época: si ``monitor`` mejoró (ver :class:`_MonitorCallback`), se guarda como la
    mejor y la cuenta de espera vuelve a 0; si no, la espera crece en 1, y al llegar a ``patience``
    se detiene el entrenamiento. Como en Keras 3:

    - ``baseline``: la espera solo vuelve a 0 si además se supera ese valor;
    - ``start_from_epoch``: las primeras épocas (de calentamiento) no cuentan;
    - ``restore_best_weights=True``: al terminar, el modelo recupera los pesos de la mejor época.
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, baseline=None, min_delta=min_delta)
        self.baseline = None if baseline is None else check_number(baseline, "EarlyStopping: baseline")
        self.patience = check_positive_int(patience, "EarlyStopping: patience", minimum=0)
        self.start_from_epoch = check_positive_int(start_from_epoch, "EarlyStopping: start_from_epoch", minimum=0)
        self.restore_best_weights = bool(restore_best_weights)
        self.verbose = verbose

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = self._monitor_value(logs)
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()  # la primera época vigilada, por si ninguna mejora
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            best = f" ({self.monitor} = {self.best:.4f})" if self.best is not None else ""
            print(
                f"Parada temprana en la época {self.stopped_epoch + 1}: {self.monitor} no mejoró "
                f"en {self.patience} épocas; la mejor fue la época {self.best_epoch + 1}{best}."
            )
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
            if self.verbose:
                print(f"Se restauraron los pesos de la época {self.best_epoch + 1}.")


# ----------------------------------------------------------------------------- guardar durante el entrenamiento
class ModelCheckpoint(_MonitorCallback):
    """Guarda el modelo (o solo sus pesos) durante el entrenamiento, como ``keras.callbacks.ModelCheckpoint``.

    ``filepath`` puede llevar campos que se rellenan en cada guardado: ``{epoch}`` (la época, desde 1)
    y cualquier magnitud de ``logs``, p. ej. ``"modelo_{epoch:02d}_{val_loss:.2f}.keras"``.

    - ``save_best_only=True``: solo guarda cuando ``monitor`` mejora (el archivo es siempre el de la
      mejor época hasta ahora); ``initial_value_threshold`` es el valor que hay que superar al principio.
    - ``save_weights_only=True``: ``model.save_weights`` en vez de ``model.save``.
    - ``save_freq``: ``"epoch"`` (al final de cada época) o un número n de lotes (cada n lotes).

    El archivo es el de ``model.save`` (cárgalo con ``keras.models.load_model``) o ``model.save_weights``.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        if save_freq != "epoch":
            save_freq = check_positive_int(save_freq, "ModelCheckpoint: save_freq (\"epoch\" o un número de lotes)")
        self.save_freq = save_freq
        self._batches_since_saving = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_saving += 1
        if self._batches_since_saving >= self.save_freq:
            self._batches_since_saving = 0
            self._save(self._current_epoch, logs, batch=batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, logs)

    def _file_path(self, epoch, logs, batch=None):
        fields = dict(logs or {})
        if batch is not None:
            fields.setdefault("batch", batch + 1)
        try:
            return self.filepath.format(epoch=epoch + 1, **fields)
        except (KeyError, IndexError, ValueError) as exc:
            raise CourseError(
                f"ModelCheckpoint: no se pudo rellenar el nombre {self.filepath!r} ({type(exc).__name__}: {exc}). "
                f"Los campos posibles son {{epoch}} y las magnitudes de logs: {', '.join(sorted(fields)) or 'ninguna'}."
            ) from None

    def _save(self, epoch, logs, batch=None):
        path = self._file_path(epoch, logs, batch)
        if self.save_best_only:
            current = self._monitor_value(logs)
            best_text = "ninguno" if self.best is None else f"{self.best:.5f}"
            if not self._is_improvement(current, self.best):
                if self.verbose:
                    print(f"Época {epoch + 1}: {self.monitor} no mejoró (el mejor es {best_text}).")
                return
            if self.verbose:
                print(f"Época {epoch + 1}: {self.monitor} mejoró de {best_text} a {current:.5f}; se guarda en {path}.")
            self.best = current
        elif self.verbose:
            print(f"Época {epoch + 1}: se guarda el modelo en {path}.")
        folder = os.path.dirname(path)
        if folder and not os.path.isdir(folder):
            os.makedirs(folder)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


# ----------------------------------------------------------------------------- la tasa de aprendizaje
def _current_learning_rate(model):
    return float(model.optimizer.learning_rate)


class ReduceLROnPlateau(_MonitorCallback):
    """Reduce la tasa de aprendizaje cuando ``monitor`` se estanca, como ``keras.callbacks.ReduceLROnPlateau``.

    Si ``monitor`` no mejora en ``patience`` épocas: η ← max(η·``factor``, ``min_lr``); después espera
    ``cooldown`` épocas antes de volver a contar. Añade ``learning_rate`` a los logs de cada época
    (y al historial). Valores por defecto de Keras: factor 0,1, patience 10, min_delta 1e-4.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if kwargs:
            raise CourseError(f"ReduceLROnPlateau no tiene el argumento {next(iter(kwargs))!r}.")
        self.factor = check_number(factor, "ReduceLROnPlateau: factor", low=0.0, high=1.0, low_inclusive=False,
                                   high_inclusive=False)
        self.patience = check_positive_int(patience, "ReduceLROnPlateau: patience", minimum=0)
        self.cooldown = check_positive_int(cooldown, "ReduceLROnPlateau: cooldown", minimum=0)
        self.min_lr = check_number(min_lr, "ReduceLROnPlateau: min_lr", low=0.0)
        self.verbose = verbose

    def on_train_begin(self, logs=None):
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self):
        """True mientras quedan épocas de espera (``cooldown``) tras la última reducción de η."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _current_learning_rate(self.model)
        current = self._monitor_value(logs)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old = _current_learning_rate(self.model)
                if old > float(np.float32(self.min_lr)):
                    new = max(old * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new
                    if self.verbose:
                        print(f"Época {epoch + 1}: ReduceLROnPlateau baja la tasa de aprendizaje a {new:g}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Fija la tasa de aprendizaje al empezar cada época: η ← ``schedule(época, η)``.

    ``schedule`` recibe la época (desde 0) y la tasa actual y devuelve la nueva (un número); también
    vale ``schedule(época)``. Añade ``learning_rate`` a los logs de cada época. Para cambiar η en
    cada *paso* (mini-lote) usa un programa de ``keras.optimizers.schedules`` como learning_rate.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise CourseTypeError(
                "LearningRateScheduler: schedule debe ser una función schedule(epoch, lr) que devuelve la tasa; "
                f"se recibió {schedule!r}."
            )
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = _current_learning_rate(self.model)
        try:
            new = self.schedule(epoch, lr)
        except TypeError:  # schedule(epoch), con un solo argumento
            new = self.schedule(epoch)
        if isinstance(new, bool) or not isinstance(new, (int, float, np.floating, np.integer)):
            raise CourseTypeError(
                f"LearningRateScheduler: schedule({epoch}, {lr:g}) debe devolver un número (la tasa); devolvió {new!r}."
            )
        self.model.optimizer.learning_rate = float(new)
        if self.verbose:
            print(f"Época {epoch + 1}: LearningRateScheduler fija la tasa de aprendizaje en {float(new):g}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _current_learning_rate(self.model)


# ----------------------------------------------------------------------------- registros y atajos
class CSVLogger(Callback):
    """Escribe una fila por época en un archivo CSV: ``epoch`` (desde 0) y cada magnitud de logs.

    Como ``keras.callbacks.CSVLogger``: columnas en orden alfabético, ``separator`` entre valores y,
    con ``append=True``, añade al archivo (sin repetir la cabecera) en vez de sobrescribirlo. El archivo
    se abre con pandas (``pd.read_csv``) o con ``csv.DictReader``.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = bool(append)
        self.keys = None
        self._file = None
        self._writer = None

    def on_train_begin(self, logs=None):
        write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as f:
                write_header = not f.readline()
        self._close()
        self._file = open(self.filename, "a" if self.append else "w", newline="", encoding="utf-8")  # noqa: SIM115
        self._write_header = write_header
        self._writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]  # columnas fijas aunque no haya validación
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self.keys, delimiter=self.sep)
            if self._write_header:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self.keys}})
        self._file.flush()

    def on_train_end(self, logs=None):
        self._close()

    def _close(self):
        if self._file is not None and not self._file.closed:
            self._file.close()
        self._writer = None


class LambdaCallback(Callback):
    """Un callback hecho de funciones sueltas, como ``keras.callbacks.LambdaCallback``::

        LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))

    Cada argumento ``on_…`` es la función de ese gancho, con su firma: ``on_epoch_begin/end(epoch,
    logs)``, ``on_train_begin/end(logs)``, ``on_train_batch_begin/end(batch, logs)`` (o sus nombres
    antiguos ``on_batch_begin/end``), y también los de ``evaluate`` (``on_test_…``) y ``predict``
    (``on_predict_…``).
    """

    HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
             "on_train_batch_end", "on_batch_begin", "on_batch_end", "on_test_begin", "on_test_end",
             "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
             "on_predict_batch_begin", "on_predict_batch_end")

    def __init__(self, **functions):
        super().__init__()
        for name, function in functions.items():
            if name not in self.HOOKS:
                raise CourseError(f"LambdaCallback no tiene el gancho {name!r}. Los que hay: {', '.join(self.HOOKS)}.")
            if function is not None and not callable(function):
                raise CourseTypeError(f"LambdaCallback: {name} debe ser una función; se recibió {function!r}.")
        self.functions = {name: f for name, f in functions.items() if f is not None}

    def _run(self, hook, *args):
        function = self.functions.get(hook)
        if function is not None:
            function(*args)

    def on_train_begin(self, logs=None):
        self._run("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._run("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._run("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._run("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._run("on_train_batch_begin", batch, logs)
        self._run("on_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._run("on_train_batch_end", batch, logs)
        self._run("on_batch_end", batch, logs)

    def on_test_begin(self, logs=None):
        self._run("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._run("on_test_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._run("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._run("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs=None):
        self._run("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._run("on_predict_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._run("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._run("on_predict_batch_end", batch, logs)


class TerminateOnNaN(Callback):
    """Detiene el entrenamiento en cuanto la pérdida de un lote es NaN o infinita.

    (``fit`` ya se detiene solo ante una pérdida no finita y restaura los últimos pesos finitos; este
    callback es el de Keras, para los programas que lo usan.) Con ``raise_error=True`` lanza un error.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = bool(raise_error)

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            if self.raise_error:
                raise RuntimeError(f"Pérdida {loss} (NaN o infinita) en el lote {batch}: se detiene el entrenamiento.")
            print(f"Lote {batch}: la pérdida no es finita; se detiene el entrenamiento.")
            self.model.stop_training = True
