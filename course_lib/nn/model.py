"""El modelo ``Sequential``: una pila de capas que se entrena con ``compile`` y ``fit``, como en Keras.

El bucle de entrenamiento de ``fit`` es el de la teoría, sin atajos:

    para cada época:
        barajar los ejemplos
        para cada mini-lote B:
            ŷ = red(x_B)                               (pasada hacia delante, training=True)
            J = pérdida(y_B, ŷ) + regularización        (coste del lote)
            ∂J/∂ŷ → backward capa a capa, de la última a la primera (retropropagación)
            optimizador.step(capas)                    (θ ← θ − η·… para cada parámetro)
        pérdida y métricas de validación

Guardado: ``model.save(ruta)`` escribe un único archivo ``.npz`` (arrays de NumPy, sin pickle)
con la arquitectura y la compilación en JSON; ``load_model(ruta)`` lo reconstruye.
"""

import json
import os
import tempfile
import warnings
import zipfile

import numpy as np

from . import callbacks as callbacks_module
from . import config
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .layer import Layer
from .validation import (
    CourseError,
    CourseTypeError,
    as_float_array,
    check_number,
    check_positive_int,
    check_same_length,
    describe,
)

#: Identifica los archivos que escribe ``Sequential.save``.
FILE_FORMAT = "course_lib.nn.Sequential"
FILE_VERSION = 1

#: Nombres en español de lo que imprime ``fit`` (las claves del historial siguen a Keras).
_SPANISH = {"loss": "pérdida"}


class TrainingWarning(RuntimeWarning):
    """Aviso de ``fit`` cuando el entrenamiento se detiene por un problema numérico."""


# Que el aviso se vea siempre, también al repetir la misma celda de un cuaderno.
warnings.filterwarnings("always", category=TrainingWarning)


def _format_thousands(n):
    """17091 -> '17 091' (norma del español: grupos de tres cifras separados por un espacio, desde 10 000)."""
    digits = str(int(n))
    if len(digits) <= 4:
        return digits
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return " ".join(groups)


def _format_bytes(n_bytes):
    """Tamaño en memoria con coma decimal: '66,76 KB'."""
    size, unit = float(n_bytes), "B"
    for next_unit in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, next_unit
    return f"{size:.2f}".replace(".", ",") + f" {unit}"


def _shape_text(shape):
    return "(None, " + ", ".join(str(n) for n in shape) + ")"


class Sequential:
    """Una red como pila de capas: la salida de cada capa es la entrada de la siguiente.

    Los pesos se crean en el primer uso (``fit``, ``predict``…), de modo que ``fit(seed=…)`` fija
    también los pesos iniciales; ``model.build()`` los crea antes, para verlos o cambiarlos.
    (Keras, en cambio, los crea en cuanto conoce ``input_shape``.)

    >>> model = Sequential([Dense(5, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x_train, y_train, epochs=50, validation_split=0.2)
    """

    def __init__(self, layers=None, name="sequential"):
        self.name = name
        self.layers = []
        self.optimizer = None
        self.loss = None
        self.metrics = []
        self._metric_names = []
        self.stop_training = False
        self._last_finite_weights = None  # copia de seguridad de la guarda de NaN de fit
        self.history = None
        if layers is not None:
            if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
                raise CourseTypeError(
                    "Sequential: se esperaba una lista de capas, p. ej. Sequential([Dense(5), Dense(3)]); "
                    f"se recibió {describe(layers)}."
                )
            for layer in layers:
                self.add(layer)

    # ------------------------------------------------------------------ construcción
    def add(self, layer):
        """Añade una capa al final de la pila."""
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise CourseTypeError(
                f"add: se recibió la clase {layer.__name__}, no una capa. ¿Olvidaste los paréntesis y "
                f"los argumentos? Por ejemplo: {layer.__name__}(...)."
            )
        if not isinstance(layer, Layer):
            raise CourseTypeError(
                f"add: se esperaba una capa (Dense, Conv2D, Dropout…); se recibió {describe(layer)}."
            )
        self.layers.append(layer)

    @property
    def input_shape(self):
        """Forma de un ejemplo de entrada (sin el eje del lote), o None si aún no se conoce."""
        return self.layers[0].input_shape if self.layers else None

    @property
    def built(self):
        return bool(self.layers) and all(layer.built for layer in self.layers)

    @property
    def output_shape(self):
        return self.layers[-1].output_shape if self.built else None

    def build(self, input_shape=None):
        """Crea los parámetros de todas las capas para ejemplos de forma ``input_shape``.

        Sin argumento usa el ``input_shape=`` de la primera capa.
        """
        if not self.layers:
            raise CourseError("El modelo no tiene capas: añade alguna con model.add(...) antes de construirlo.")
        if input_shape is None:
            input_shape = self.input_shape
        if input_shape is None:
            raise CourseError(
                "No se conoce la forma de la entrada: indica input_shape= en la primera capa "
                "(p. ej. Dense(5, input_shape=(4,))) o llama a model.build((4,))."
            )
        shape = input_shape
        for layer in self.layers:
            if not layer.built:
                layer.build(shape)
            elif tuple(shape) != tuple(layer.input_shape):
                layer.check_input_shape(tuple(shape))
            shape = layer.output_shape
        return self

    def _ensure_built(self, example_shape, name="x", hint=""):
        """Construye el modelo para ejemplos de esa forma, o comprueba que coincide con la esperada."""
        expected = self.input_shape
        if expected is not None and tuple(example_shape) != tuple(expected):
            raise CourseError(
                f"La red espera ejemplos de forma {tuple(expected)} (lote de forma {_shape_text(expected)}), "
                f"pero {name} trae ejemplos de forma {tuple(example_shape)}. Comprueba el número de "
                f"características (columnas) de {name} o el input_shape de la primera capa.{hint}"
            )
        if not self.built:
            self.build(tuple(example_shape))

    # ------------------------------------------------------------------ pasadas
    def forward(self, x, training=False):
        """ŷ = f_L(… f_2(f_1(x))): la pasada hacia delante por todas las capas."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, grad):
        """Retropropagación: ∂J/∂ŷ recorre las capas de la última a la primera."""
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def regularization_loss(self):
        """Suma de las penalizaciones L1/L2 de todas las capas (se añade a la pérdida)."""
        return float(sum(layer.regularization_loss() for layer in self.layers))

    @property
    def trainable_layers(self):
        return [layer for layer in self.layers if layer.params and getattr(layer, "trainable", True)]

    # ------------------------------------------------------------------ compilar
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Elige optimizador, pérdida y métricas (objetos o nombres de Keras como "adam", "mse")."""
        if loss is None:
            raise CourseError(
                "compile: falta la pérdida. Por ejemplo loss='mse' (regresión), "
                "'binary_crossentropy', 'categorical_crossentropy' o 'sparse_categorical_crossentropy'."
            )
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses_module.get(loss)
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, metrics_module.Metric)):
            metrics = [metrics]
        elif not isinstance(metrics, (list, tuple)):
            raise CourseError(f"compile: metrics debe ser una lista como ['accuracy']; se recibió {describe(metrics)}.")
        self._metric_names = list(metrics)
        self.metrics = [metrics_module.get(m, self.loss, self._output_units()) for m in metrics]
        return self

    def _output_units(self):
        shape = self.layers[-1].output_shape if self.layers else None
        if shape is None and self.layers and hasattr(self.layers[-1], "units"):
            return self.layers[-1].units
        return shape[-1] if shape else None

    def _check_compiled(self, action):
        if self.loss is None or self.optimizer is None:
            raise CourseError(
                f"Antes de {action} hay que compilar el modelo, por ejemplo: model.compile("
                "optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])."
            )

    # ------------------------------------------------------------------ datos
    def _prepare_x(self, x, name="x"):
        x = as_float_array(x, name)
        if x.ndim == 0 or x.shape[0] == 0:
            raise CourseError(f"{name}: se esperaba al menos un ejemplo; se recibió {describe(x)}.")
        hint = ""
        if x.ndim == 1:  # un vector de N números = N ejemplos de una sola característica
            x = x[:, None]
            hint = (f" Si {name} es un solo ejemplo con {x.shape[0]} características, pásalo como "
                    "lote de uno: x.reshape(1, -1).")
        self._ensure_built(x.shape[1:], name, hint)
        return x

    def _prepare_xy(self, x, y, x_name="x", y_name="y"):
        """Valida x e y una sola vez y devuelve x (floatx) y las etiquetas listas para la pérdida."""
        if y is None:
            raise CourseError(f"Faltan las etiquetas {y_name}: se esperaba fit(x, y, ...).")
        x = self._prepare_x(x, x_name)
        y_arr = y.to_numpy() if hasattr(y, "to_numpy") else y
        if not hasattr(y_arr, "__len__"):
            raise CourseError(f"{y_name}: se esperaba un array de etiquetas; se recibió {describe(y)}.")
        check_same_length(x, y_arr, x_name, y_name)
        output_shape = self.layers[-1].output_shape
        if len(output_shape) != 1:
            raise CourseError(
                f"La salida de la red tiene forma {_shape_text(output_shape)}, pero las pérdidas esperan "
                "(N, K). Añade Flatten() y una capa Dense al final."
            )
        targets = self.loss.prepare_targets(y_arr, (x.shape[0], output_shape[0]))
        return x, targets

    @staticmethod
    def _batches(n, batch_size, order=None):
        order = np.arange(n) if order is None else order
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]

    # ------------------------------------------------------------------ entrenar
    def fit(self, x, y=None, epochs=1, batch_size=32, validation_data=None, validation_split=0.0,
            callbacks=None, shuffle=True, verbose=1, seed=None):
        """Entrena la red con descenso de gradiente por mini-lotes y devuelve un :class:`History`.

        ``verbose=1`` imprime una línea por época; ``verbose=0``, nada. ``seed`` fija la semilla del
        motor (pesos iniciales si aún no existen, barajado y máscaras de Dropout): misma semilla,
        mismo resultado.
        """
        self._check_compiled("entrenar")
        epochs = check_positive_int(epochs, "epochs (número de épocas)")
        batch_size = check_positive_int(batch_size, "batch_size (tamaño del mini-lote)")
        validation_split = check_number(validation_split, "validation_split", low=0.0, high=1.0,
                                        high_inclusive=False)
        if seed is not None:
            config.set_seed(seed)
        callbacks = self._prepare_callbacks(callbacks)

        x, targets = self._prepare_xy(x, y)
        if validation_data is not None:
            x_val, y_val = self._unpack_validation(validation_data)
            x_val, val_targets = self._prepare_xy(x_val, y_val, "x de validación", "y de validación")
        elif validation_split > 0:
            n_val = len(x) - int(np.floor(len(x) * (1.0 - validation_split)))  # el mismo reparto que Keras
            if n_val == 0 or n_val == len(x):
                raise CourseError(
                    f"validation_split={validation_split} con {len(x)} ejemplos deja {n_val} para validación "
                    f"y {len(x) - n_val} para entrenamiento; se necesitan ejemplos en ambos."
                )
            # Como Keras: la validación son los ÚLTIMOS ejemplos, tomados antes de barajar.
            x, x_val = x[:-n_val], x[-n_val:]
            targets, val_targets = targets[:-n_val], targets[-n_val:]
        else:
            x_val = val_targets = None

        history = callbacks_module.History()
        all_callbacks = [history] + callbacks
        for callback in all_callbacks:
            callback.set_model(self)
        self.stop_training = False
        self._last_finite_weights = None
        self.history = history
        for callback in all_callbacks:
            callback.on_train_begin()

        for epoch in range(epochs):
            for callback in all_callbacks:
                callback.on_epoch_begin(epoch)
            order = config.rng().permutation(len(x)) if shuffle else None
            logs = self._train_epoch(x, targets, batch_size, order, epoch, epochs)
            if logs is None:  # la pérdida dejó de ser finita: se detiene el entrenamiento
                break
            if x_val is not None:
                val_logs = self._evaluate_prepared(x_val, val_targets, batch_size)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            if verbose:
                print(self._epoch_line(epoch, epochs, logs))
            for callback in all_callbacks:
                callback.on_epoch_end(epoch, logs)
            if self.stop_training:
                break

        for callback in all_callbacks:
            callback.on_train_end()
        return history

    def _train_epoch(self, x, targets, batch_size, order, epoch, epochs):
        """Una época de mini-lotes. Devuelve los promedios de la época, o None si la pérdida no es finita."""
        totals = {"loss": 0.0, **{name: 0.0 for name in self._metric_keys()}}
        layers = self.trainable_layers
        for batch_number, idx in enumerate(self._batches(len(x), batch_size, order), start=1):
            xb, yb = x[idx], targets[idx]
            # Los desbordamientos de NumPy no se avisan uno a uno: la guarda de NaN de abajo
            # detecta su consecuencia (una pérdida no finita) y lo explica en español.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                y_pred = self.forward(xb, training=True)
                loss = self.loss.value(yb, y_pred) + self.regularization_loss()
                if not np.isfinite(loss):
                    self._handle_non_finite(loss, epoch, batch_number)
                    return None
                # Guarda los pesos que dieron una pérdida finita, por si la actualización los estropea.
                self._last_finite_weights = self.get_weights()
                self.backward(self.loss.grad(yb, y_pred))
                self.optimizer.step(layers)
            totals["loss"] += loss * len(idx)
            for name, metric in zip(self._metric_keys(), self.metrics):
                totals[name] += metric(yb, y_pred) * len(idx)
        # La última actualización de la época no tiene un lote siguiente que la vigile.
        if not all(np.all(np.isfinite(p)) for layer in layers for p in layer.params.values()):
            self._handle_non_finite(None, epoch, batch_number)
            return None
        return {name: total / len(x) for name, total in totals.items()}

    def _handle_non_finite(self, loss, epoch, batch_number):
        """Guarda de NaN: restaura los últimos pesos con pérdida finita y avisa en español.

        ``loss`` es la pérdida no finita, o None si lo que dejó de ser finito fueron los pesos.
        """
        restored = self._last_finite_weights is not None
        if restored:
            self.set_weights(self._last_finite_weights)
        lr = getattr(self.optimizer, "learning_rate", None)
        lr_text = f" (ahora {lr:g})" if lr is not None else ""
        if loss is None:
            what = f"Los pesos se volvieron NaN o infinitos tras el lote {batch_number} de la época {epoch + 1}"
        else:
            what = (f"La pérdida se volvió {'NaN' if np.isnan(loss) else 'infinita'} en la época {epoch + 1}, "
                    f"lote {batch_number}")
        message = (
            f"{what}; se detiene el entrenamiento. Prueba a bajar la tasa de aprendizaje{lr_text} o a "
            "escalar las entradas (estandarizarlas)."
        )
        if restored:
            message += " El modelo conserva los últimos pesos con pérdida finita."
        warnings.warn(message, TrainingWarning, stacklevel=4)  # señala la llamada a fit
        self.stop_training = True

    def _metric_keys(self):
        return [str(name) if isinstance(name, str) else metric.name
                for name, metric in zip(self._metric_names, self.metrics)]

    def _epoch_line(self, epoch, epochs, logs):
        def spanish(key):
            prefix = "val_" if key.startswith("val_") else ""
            base = key[4:] if prefix else key
            if base in _SPANISH:
                return prefix + _SPANISH[base]
            metric = next((m for k, m in zip(self._metric_keys(), self.metrics) if k == base), None)
            return prefix + (metric.display_name if metric is not None else base)

        parts = [f"Época {epoch + 1}/{epochs}"] + [f"{spanish(k)}: {v:.4f}" for k, v in logs.items()]
        return " - ".join(parts)

    @staticmethod
    def _unpack_validation(validation_data):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise CourseError(
                "validation_data debe ser una tupla (x_val, y_val); "
                f"se recibió {describe(validation_data)}."
            )
        return validation_data

    @staticmethod
    def _prepare_callbacks(callbacks):
        if callbacks is None:
            return []
        if isinstance(callbacks, callbacks_module.Callback):
            callbacks = [callbacks]
        if not isinstance(callbacks, (list, tuple)) or not all(
                isinstance(c, callbacks_module.Callback) for c in callbacks):
            raise CourseTypeError(
                "callbacks debe ser una lista de callbacks, p. ej. [EarlyStopping(patience=5)]; "
                f"se recibió {describe(callbacks)}."
            )
        return list(callbacks)

    # ------------------------------------------------------------------ predecir y evaluar
    def predict(self, x, batch_size=None, verbose=0):
        """ŷ para cada ejemplo de x (sin Dropout y con las medias móviles de BatchNormalization)."""
        if not self.layers:
            raise CourseError("El modelo no tiene capas: añade alguna con model.add(...) antes de predecir.")
        x = self._prepare_x(x)
        batch_size = 1024 if batch_size is None else check_positive_int(batch_size, "batch_size")
        outputs = [self.forward(x[idx], training=False) for idx in self._batches(len(x), batch_size)]
        return np.concatenate(outputs, axis=0)

    def evaluate(self, x, y=None, batch_size=None, verbose=0):
        """Pérdida (y métricas) en un conjunto: un ``float`` sin métricas, o ``[pérdida, métrica1, …]``."""
        self._check_compiled("evaluar")
        x, targets = self._prepare_xy(x, y)
        batch_size = 1024 if batch_size is None else check_positive_int(batch_size, "batch_size")
        logs = self._evaluate_prepared(x, targets, batch_size)
        if verbose:
            print(" - ".join(f"{_SPANISH.get(k, k)}: {v:.4f}" for k, v in logs.items()))
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_prepared(self, x, targets, batch_size):
        """Pérdida (con regularización, como Keras) y métricas, promediadas sobre todos los ejemplos."""
        y_pred = np.concatenate(
            [self.forward(x[idx], training=False) for idx in self._batches(len(x), max(batch_size, 256))], axis=0)
        with np.errstate(all="ignore"):
            logs = {"loss": self.loss.value(targets, y_pred) + self.regularization_loss()}
        for name, metric in zip(self._metric_keys(), self.metrics):
            logs[name] = metric(targets, y_pred)
        return logs

    # ------------------------------------------------------------------ pesos
    def get_weights(self):
        """Copia de todos los arrays del modelo, capa a capa: parámetros y después ``state``."""
        weights = []
        for layer in self.layers:
            weights += [p.copy() for p in layer.params.values()]
            weights += [s.copy() for s in layer.state.values()]
        return weights

    def set_weights(self, weights):
        """Copia ``weights`` (en el orden de :meth:`get_weights`) en los arrays del modelo."""
        targets = []
        for layer in self.layers:
            targets += list(layer.params.values()) + list(layer.state.values())
        if len(weights) != len(targets):
            raise CourseError(
                f"set_weights: el modelo tiene {len(targets)} arrays de pesos y se recibieron {len(weights)}."
            )
        for target, value in zip(targets, weights):
            value = np.asarray(value)
            if value.shape != target.shape:
                raise CourseError(
                    f"set_weights: se esperaba un array de forma {target.shape} y se recibió {value.shape}."
                )
            target[...] = value

    def count_params(self):
        """Número total de valores del modelo (entrenables y no entrenables), como Keras."""
        self._check_built_for("contar sus parámetros")
        return int(sum(layer.count_params() for layer in self.layers))

    def _check_built_for(self, action):
        if not self.built:
            if self.input_shape is not None:
                self.build()
            else:
                raise CourseError(
                    f"Para {action} hay que conocer la forma de la entrada: indica input_shape= en la "
                    "primera capa (p. ej. Dense(64, activation='relu', input_shape=(4,))), "
                    "llama a model.build((4,)) o entrena antes con fit."
                )

    # ------------------------------------------------------------------ resumen
    def summary(self):
        """Imprime una tabla como la de Keras: capas, formas de salida y número de parámetros."""
        self._check_built_for("mostrar el resumen")
        rows = [("Capa (tipo)", "Forma de salida", "Parámetros")]
        trainable = non_trainable = 0
        trainable_bytes = non_trainable_bytes = 0
        for layer in self.layers:
            n_train = sum(p.size for p in layer.params.values())
            n_state = sum(s.size for s in layer.state.values())
            trainable += n_train
            non_trainable += n_state
            trainable_bytes += sum(p.nbytes for p in layer.params.values())
            non_trainable_bytes += sum(s.nbytes for s in layer.state.values())
            rows.append((f"{layer.name} ({type(layer).__name__})", _shape_text(layer.output_shape),
                         _format_thousands(n_train + n_state)))
        widths = [max(minimum, max(len(r[i]) for r in rows) + 3) for i, minimum in enumerate((28, 22, 14))]
        width = sum(widths)

        def line(row):
            return row[0].ljust(widths[0]) + row[1].ljust(widths[1]) + row[2].rjust(widths[2] - 3)

        out = [f'Modelo: "{self.name}"', "_" * width, line(rows[0]), "=" * width]
        for i, row in enumerate(rows[1:]):
            out.append(line(row))
            out.append("_" * width if i < len(rows) - 2 else "=" * width)
        out += [
            f"Parámetros totales: {_format_thousands(trainable + non_trainable)} "
            f"({_format_bytes(trainable_bytes + non_trainable_bytes)})",
            f"Parámetros entrenables: {_format_thousands(trainable)} ({_format_bytes(trainable_bytes)})",
            f"Parámetros no entrenables: {_format_thousands(non_trainable)} ({_format_bytes(non_trainable_bytes)})",
            "_" * width,
        ]
        print("\n".join(out))

    # ------------------------------------------------------------------ guardar
    def get_config(self):
        """Arquitectura y compilación del modelo en tipos JSON."""
        compile_config = None
        if self.loss is not None and self.optimizer is not None:
            compile_config = {
                "optimizer": self.optimizer.get_config(),
                "loss": self.loss.get_config(),
                "metrics": [m if isinstance(m, str) else m.name for m in self._metric_names],
            }
        return {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "name": self.name,
            "floatx": config.floatx(),
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()} for layer in self.layers],
            "compile": compile_config,
            "optimizer_iterations": getattr(self.optimizer, "iterations", 0),
        }

    def save(self, path):
        """Guarda arquitectura, pesos (incluidas las medias móviles), compilación y estado del optimizador.

        Un único archivo ``.npz`` (sin pickle), escrito de forma atómica: primero en un archivo temporal
        de la misma carpeta y luego renombrado, así que un fallo a mitad nunca deja un archivo a medias.
        """
        self._check_built_for("guardar el modelo")
        path = os.fspath(path)
        arrays = {"__config__": np.array(json.dumps(self.get_config(), ensure_ascii=False))}
        index_of = {}
        for i, layer in enumerate(self.layers):
            index_of[id(layer)] = i
            for key, value in layer.params.items():
                arrays[f"layers/{i}/params/{key}"] = value
            for key, value in layer.state.items():
                arrays[f"layers/{i}/state/{key}"] = value
        if self.optimizer is not None:
            for (layer_id, key, slot), value in self.optimizer._slots.items():
                if layer_id in index_of:
                    arrays[f"optimizer/{index_of[layer_id]}/{key}/{slot}"] = value
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise CourseError(f"save: la carpeta {folder!r} no existe; créala antes (os.makedirs) o elige otra ruta.")
        fd, tmp_path = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                _write_npz(f, arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp_path, path)
        except BaseException:
            if os.path.exists(tmp_path):
                os.remove(tmp_path)
            raise

    def __repr__(self):
        return f"<Sequential '{self.name}' con {len(self.layers)} capas>"


def _write_npz(file, arrays):
    """Escribe los arrays en formato .npz (comprimido). Separado para poder simular fallos en los tests."""
    np.savez_compressed(file, **arrays)


def load_model(path):
    """Carga un modelo guardado con ``model.save(ruta)``: arquitectura, pesos, compilación y optimizador."""
    from .layers import LAYER_CLASSES

    path = os.fspath(path)
    expected = "un modelo guardado con model.save(ruta) (un archivo .npz de course_lib.nn)"
    if not os.path.exists(path):
        raise CourseError(f"load_model: no existe el archivo {path!r}; se esperaba {expected}.")
    try:
        with np.load(path, allow_pickle=False) as data:
            if "__config__" not in data.files:
                raise CourseError(
                    f"load_model: {path!r} es un archivo .npz, pero no contiene la configuración de un modelo "
                    f"(falta '__config__'); se esperaba {expected}."
                )
            model_config = json.loads(str(data["__config__"]))
            arrays = {name: data[name] for name in data.files if name != "__config__"}
    except CourseError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, json.JSONDecodeError,
            AttributeError, TypeError) as exc:
        raise CourseError(
            f"load_model: no se pudo leer {path!r} ({type(exc).__name__}); el archivo está dañado o truncado, "
            f"o no es de este formato. Se esperaba {expected}."
        ) from None
    if not isinstance(model_config, dict) or model_config.get("format") != FILE_FORMAT:
        raise CourseError(f"load_model: {path!r} no tiene el formato {FILE_FORMAT!r}; se esperaba {expected}.")

    previous_floatx = config.floatx()
    try:
        config.set_floatx(model_config["floatx"])  # los pesos se crean con la precisión con que se guardaron
        layers = []
        for entry in model_config["layers"]:
            if entry["class_name"] not in LAYER_CLASSES:
                raise CourseError(f"load_model: tipo de capa desconocido {entry['class_name']!r} en {path!r}.")
            layers.append(LAYER_CLASSES[entry["class_name"]](**entry["config"]))
        model = Sequential(layers, name=model_config.get("name", "sequential"))
        if model_config["input_shape"] is not None:
            model.build(tuple(model_config["input_shape"]))
        for i, layer in enumerate(model.layers):
            for group, store in (("params", layer.params), ("state", layer.state)):
                for key in store:
                    saved = arrays.get(f"layers/{i}/{group}/{key}")
                    if saved is None or saved.shape != store[key].shape:
                        raise CourseError(
                            f"load_model: faltan los pesos {key!r} de la capa {layer.name!r} o no tienen la "
                            f"forma esperada en {path!r}; el archivo está incompleto o dañado."
                        )
                    store[key] = saved.astype(store[key].dtype)
        compile_config = model_config.get("compile")
        if compile_config:
            model.compile(
                optimizer=optimizers_module.from_config(compile_config["optimizer"]),
                loss=losses_module.from_config(compile_config["loss"]),
                metrics=compile_config["metrics"],
            )
            model.optimizer.iterations = int(model_config.get("optimizer_iterations", 0))
            for name, value in arrays.items():
                if name.startswith("optimizer/"):
                    _, i, key, slot = name.split("/")
                    model.optimizer._slots[(id(model.layers[int(i)]), key, slot)] = value.copy()
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CourseError):
            raise
        raise CourseError(
            f"load_model: la configuración guardada en {path!r} no es válida ({type(exc).__name__}: {exc}); "
            f"se esperaba {expected}."
        ) from None
    finally:
        config.set_floatx(previous_floatx)
    return model
