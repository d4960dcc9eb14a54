"""Los modelos: ``Model`` (API funcional, un grafo de capas) y ``Sequential`` (una pila de capas),
que se entrenan con ``compile`` y ``fit``, como en Keras.

El grafo (qué tensor lee cada capa) vive en ``graph.py``; aquí está el bucle de entrenamiento, escrito
una sola vez para los dos. El bucle de ``fit`` es el de la teoría, sin atajos:

    para cada época:
        barajar los ejemplos
        para cada mini-lote B:
            ŷ = red(x_B)                               (pasada hacia delante, training=True)
            J = pérdida(y_B, ŷ) + regularización        (coste del lote)
            ∂J/∂ŷ → backward capa a capa, en orden inverso (retropropagación)
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
from .attention import MultiHeadAttention
from .graph import Graph, Input, InputLayer, KerasTensor
from .layer import Layer, _snake_case, unique_name
from .merging import Add, Concatenate
from .validation import (
    CourseError,
    CourseTypeError,
    as_float_array,
    check_number,
    check_positive_int,
    check_same_length,
    describe,
)

#: Identifica los archivos que escribe ``model.save`` (la versión 1 solo guardaba Sequential).
FILE_FORMAT = "course_lib.nn.Model"
FILE_FORMATS = (FILE_FORMAT, "course_lib.nn.Sequential")
FILE_VERSION = 2

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


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _take(xs, idx):
    """Los ejemplos ``idx`` de cada array de entrada."""
    return [x[idx] for x in xs]


class Model(Layer):
    """Un modelo: capas conectadas en un grafo, con el bucle de entrenamiento de Keras.

    API funcional (como ``keras.Model``)::

        x = Input(shape=(16,))
        h = Dense(16, activation="relu")(x)
        y = Dense(1)(Add()([x, h]))            # conexión residual
        model = Model(inputs=x, outputs=y)     # o inputs=[x1, x2] con varias entradas

    :class:`Sequential` es el caso de un grafo con un solo camino. Los dos comparten este mismo bucle
    (``compile``, ``fit``, ``train_on_batch``, ``evaluate``, ``predict``, ``save``…): el grafo sabe
    calcular hacia delante y hacia atrás (``forward``/``backward``), y el bucle, de lotes, épocas y
    callbacks. Un modelo es también una capa: se puede llamar dentro de otro modelo, y
    ``model.trainable = False`` congela todos sus pesos.

    Como ``Sequential``, los pesos se crean en el primer uso (o con ``model.build()``), de modo que
    ``fit(seed=…)`` fija también los pesos iniciales. El conjunto de pesos que entrena ``fit`` se fija
    al compilar (como en Keras 2): si cambias ``trainable``, vuelve a compilar.
    """

    def __init__(self, inputs=None, outputs=None, name=None):
        self.name = name or unique_name("functional" if type(self) is Model else _snake_case(type(self).__name__))
        self.kernel_regularizer = None
        self.state = {}
        self._node = None
        self._cache = None
        self._trainable = True
        self.optimizer = None
        self.loss = None
        self.metrics = []
        self._metric_names = []
        self._compiled_layers = None
        self.stop_training = False
        self._last_finite_weights = None  # copia de seguridad de la guarda de NaN de fit
        self.history = None
        if type(self) is Model:
            self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        if inputs is None or outputs is None:
            raise CourseError(
                "Model: se esperaba Model(inputs, outputs), con tensores creados con Input(...) y salidas de "
                "capas llamadas sobre ellos; por ejemplo x = Input(shape=(4,)); y = Dense(3)(x); Model(x, y). "
                "Para una pila de capas usa Sequential([...])."
            )
        self._single_input = not isinstance(inputs, (list, tuple))
        self._single_output = not isinstance(outputs, (list, tuple))
        self.inputs, self.outputs = _as_list(inputs), _as_list(outputs)
        for what, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise CourseTypeError(
                        f"Model: {what} debe contener tensores simbólicos (de Input(...) o de llamar a una capa "
                        f"sobre ellos); se recibió {describe(t)}."
                    )
        for t in self.inputs:
            if not isinstance(t.node.layer, InputLayer):
                raise CourseError(
                    f"Model: cada entrada debe venir directamente de Input(...); '{t.name}' es la salida de una capa."
                )
        self._graph = Graph(self.inputs, self.outputs)
        names = [layer.name for layer in self._graph.layers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise CourseError(
                f"Model: dos capas del modelo se llaman igual ({', '.join(repeated)}); cada capa necesita un nombre "
                "único para guardar el modelo. Cambia name= en una de ellas."
            )
        self.layers = self._graph.layers

    # ------------------------------------------------------------------ el modelo como capa
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Como Keras: congelar (o descongelar) un modelo lo hace con todas sus capas."""
        self._trainable = bool(value)
        for layer in self.layers:
            layer.trainable = self._trainable

    def flat_layers(self):
        """Las capas «hoja» (no modelos), recorriendo los modelos anidados en profundidad."""
        for layer in self.layers:
            if isinstance(layer, Model):
                yield from layer.flat_layers()
            else:
                yield layer

    def _weight_owners(self):
        """(ruta, capa) de cada capa hoja: "3" o, dentro de un modelo anidado, "3/0"."""
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Model):
                for path, leaf in layer._weight_owners():
                    yield f"{i}/{path}", leaf
            else:
                yield str(i), layer

    @property
    def params(self):
        """Todos los parámetros, con claves "capa/W": los mismos arrays de las capas (no copias)."""
        return {f"{layer.name}/{key}": value for layer in self.flat_layers() for key, value in layer.params.items()}

    @property
    def grads(self):
        return {f"{layer.name}/{key}": value for layer in self.flat_layers() for key, value in layer.grads.items()}

    def zero_grads(self):
        for layer in self.flat_layers():
            layer.grads = {key: np.zeros_like(value) for key, value in layer.params.items()}

    @property
    def trainable_layers(self):
        """Capas hoja con parámetros y ``trainable=True`` (en este momento)."""
        return [layer for layer in self.flat_layers() if layer.params and layer.trainable]

    # ------------------------------------------------------------------ formas y construcción
    @property
    def input_shape(self):
        shapes = [t.example_shape for t in self.inputs]
        return shapes[0] if self._single_input else shapes

    @property
    def output_shape(self):
        shapes = [t.example_shape for t in self.outputs]
        return shapes[0] if self._single_output else shapes

    @property
    def built(self):
        return bool(self.layers) and all(layer.built for layer in self.layers)

    def _input_shapes(self):
        return [t.example_shape for t in self.inputs]

    def build(self, input_shape=None):
        """Crea los pesos de todas las capas, en orden topológico (una pasada con un lote de ceros)."""
        if not self.built:
            zeros = [np.zeros((1,) + tuple(shape), dtype=config.dtype()) for shape in self._input_shapes()]
            self.forward(zeros[0] if self._single_input else zeros)
        return self

    def symbolic_output_shape(self, input_shape, **kwargs):
        """Forma de la salida cuando el modelo se usa como capa dentro de otro modelo."""
        if not self._single_output:
            raise CourseError(
                f"El modelo '{self.name}' tiene varias salidas, y dentro de otro modelo cada capa devuelve un solo "
                "tensor. Usa como capa un modelo con una sola salida."
            )
        shapes = [input_shape] if self._single_input else list(input_shape)
        expected = self._input_shapes()
        if len(shapes) != len(expected) or any(tuple(a) != tuple(b) for a, b in zip(shapes, expected)):
            raise CourseError(
                f"El modelo '{self.name}' espera entradas de forma {[(None,) + tuple(s) for s in expected]}, pero se "
                f"le pasó {[(None,) + tuple(s) for s in shapes]}."
            )
        return self.output_shape

    # ------------------------------------------------------------------ pasadas
    def forward(self, x, training=False):
        """ŷ: la pasada hacia delante por el grafo (una entrada o una lista de entradas)."""
        values = [x] if self._single_input else _as_list(x)
        outputs = self._graph.forward(values, training=training)
        self._cache = True
        return outputs[0] if self._single_output else outputs

    def backward(self, grad):
        """Retropropagación por el grafo: ∂J/∂ŷ -> ∂J/∂x (una por entrada), rellenando los grads de cada capa."""
        grads = self._graph.backward([grad] if self._single_output else _as_list(grad))
        return grads[0] if self._single_input else grads

    def regularization_loss(self):
        """Suma de las penalizaciones L1/L2 de todas las capas (se añade a la pérdida)."""
        return float(sum(layer.regularization_loss() for layer in self.flat_layers()))

    # ------------------------------------------------------------------ compilar
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Elige optimizador, pérdida y métricas (objetos o nombres de Keras como "adam", "mse").

        Fija también qué capas entrena este modelo: las que tienen ``trainable=True`` ahora.
        """
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
        self._compiled_layers = [layer for layer in self.flat_layers() if layer.trainable]
        return self

    def _output_units(self):
        shape = self.output_shape
        return shape[-1] if shape else None

    def _check_compiled(self, action):
        if self.loss is None or self.optimizer is None:
            raise CourseError(
                f"Antes de {action} hay que compilar el modelo, por ejemplo: model.compile("
                "optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])."
            )

    # ------------------------------------------------------------------ datos
    def _prepare_x(self, x, name="x"):
        """Valida las entradas y devuelve una lista con un array (floatx) por entrada del modelo."""
        expected = self._input_shapes()
        if len(expected) > 1 and (not isinstance(x, (list, tuple)) or len(x) != len(expected)):
            raise CourseError(
                f"El modelo tiene {len(expected)} entradas, así que {name} debe ser una lista de {len(expected)} "
                f"arrays (uno por entrada, en el orden de inputs); se recibió {describe(x)}."
            )
        values = _as_list(x) if len(expected) > 1 else [x]
        arrays = []
        for i, (value, shape) in enumerate(zip(values, expected)):
            label = name if len(expected) == 1 else f"{name}[{i}]"
            arr = as_float_array(value, label)
            if arr.ndim == 1 and len(shape) == 1 and shape[0] == 1:
                arr = arr[:, None]
            if arr.ndim == 0 or arr.shape[0] == 0:
                raise CourseError(f"{label}: se esperaba al menos un ejemplo; se recibió {describe(arr)}.")
            if arr.shape[1:] != tuple(shape):
                raise CourseError(
                    f"La entrada '{self.inputs[i].name}' espera ejemplos de forma {tuple(shape)} (lote de forma "
                    f"{_shape_text(shape)}), pero {label} trae ejemplos de forma {arr.shape[1:]}. Comprueba {label} "
                    "o el shape de Input."
                )
            arrays.append(arr)
        if len({len(a) for a in arrays}) > 1:
            raise CourseError(f"Las entradas de {name} deben tener el mismo número de ejemplos; tienen {[len(a) for a in arrays]}.")
        self.build()
        return arrays

    def _model_input(self, xs):
        """La lista interna de arrays, en la forma que espera ``forward``."""
        return xs[0] if len(xs) == 1 else xs

    def _prepare_xy(self, x, y, x_name="x", y_name="y"):
        """Valida x e y una sola vez y devuelve la lista de entradas y las etiquetas listas para la pérdida."""
        if y is None:
            raise CourseError(f"Faltan las etiquetas {y_name}: se esperaba fit(x, y, ...).")
        xs = self._prepare_x(x, x_name)
        y_arr = y.to_numpy() if hasattr(y, "to_numpy") else y
        if not hasattr(y_arr, "__len__"):
            raise CourseError(f"{y_name}: se esperaba un array de etiquetas; se recibió {describe(y)}.")
        check_same_length(xs[0], y_arr, x_name, y_name)
        output_shape = self.output_shape
        if not isinstance(output_shape, tuple):
            raise CourseError("Este motor entrena modelos con una sola salida; el modelo tiene varias.")
        if len(output_shape) != 1:
            raise CourseError(
                f"La salida de la red tiene forma {_shape_text(output_shape)}, pero las pérdidas esperan "
                "(N, K). Añade Flatten() (o GlobalAveragePooling1D()) y una capa Dense al final."
            )
        targets = self.loss.prepare_targets(y_arr, (len(xs[0]), output_shape[0]))
        return xs, targets

    @staticmethod
    def _batches(n, batch_size, order=None):
        order = np.arange(n) if order is None else order
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]

    # ------------------------------------------------------------------ entrenar
    def _train_step(self, xs, targets):
        """Un paso de descenso de gradiente en un lote: forward, pérdida, backward y optimizador.

        Devuelve (pérdida, ŷ), o (pérdida no finita, None) sin actualizar nada.
        """
        y_pred = self.forward(self._model_input(xs), training=True)
        loss = self.loss.value(targets, y_pred) + self.regularization_loss()
        if not np.isfinite(loss):
            return loss, None
        # Guarda los pesos que dieron una pérdida finita, por si la actualización los estropea.
        self._last_finite_weights = self.get_weights()
        self.backward(self.loss.grad(targets, y_pred))
        self.optimizer.step([layer for layer in self._compiled_layers if layer.params])
        return loss, y_pred

    def train_on_batch(self, x, y):
        """Un solo paso de entrenamiento con el lote (x, y), como en Keras.

        Devuelve la pérdida del lote (antes de la actualización) o ``[pérdida, métrica1, …]``.
        """
        self._check_compiled("entrenar")
        xs, targets = self._prepare_xy(x, y)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, y_pred = self._train_step(xs, targets)
        if y_pred is None:
            warnings.warn("train_on_batch: la pérdida no es finita; no se actualizaron los pesos. Prueba a bajar "
                          "la tasa de aprendizaje o a escalar las entradas.", TrainingWarning, stacklevel=2)
            return float(loss)
        values = [float(loss)] + [metric(targets, y_pred) for metric in self.metrics]
        return values[0] if len(values) == 1 else values

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

        xs, targets = self._prepare_xy(x, y)
        n = len(xs[0])
        if validation_data is not None:
            x_val, y_val = self._unpack_validation(validation_data)
            xs_val, val_targets = self._prepare_xy(x_val, y_val, "x de validación", "y de validación")
        elif validation_split > 0:
            n_val = n - int(np.floor(n * (1.0 - validation_split)))  # el mismo reparto que Keras
            if n_val == 0 or n_val == n:
                raise CourseError(
                    f"validation_split={validation_split} con {n} ejemplos deja {n_val} para validación "
                    f"y {n - n_val} para entrenamiento; se necesitan ejemplos en ambos."
                )
            # Como Keras: la validación son los ÚLTIMOS ejemplos, tomados antes de barajar.
            xs, xs_val = [a[:-n_val] for a in xs], [a[-n_val:] for a in xs]
            targets, val_targets = targets[:-n_val], targets[-n_val:]
        else:
            xs_val = val_targets = None

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
            order = config.rng().permutation(len(xs[0])) if shuffle else None
            logs = self._train_epoch(xs, targets, batch_size, order, epoch)
            if logs is None:  # la pérdida dejó de ser finita: se detiene el entrenamiento
                break
            if xs_val is not None:
                val_logs = self._evaluate_prepared(xs_val, val_targets, batch_size)
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

    def _train_epoch(self, xs, targets, batch_size, order, epoch):
        """Una época de mini-lotes. Devuelve los promedios de la época, o None si la pérdida no es finita."""
        totals = {"loss": 0.0, **{name: 0.0 for name in self._metric_keys()}}
        n = len(xs[0])
        for batch_number, idx in enumerate(self._batches(n, batch_size, order), start=1):
            yb = targets[idx]
            # Los desbordamientos de NumPy no se avisan uno a uno: la guarda de NaN de abajo
            # detecta su consecuencia (una pérdida no finita) y lo explica en español.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                loss, y_pred = self._train_step(_take(xs, idx), yb)
            if y_pred is None:
                self._handle_non_finite(loss, epoch, batch_number)
                return None
            totals["loss"] += loss * len(idx)
            for name, metric in zip(self._metric_keys(), self.metrics):
                totals[name] += metric(yb, y_pred) * len(idx)
        # La última actualización de la época no tiene un lote siguiente que la vigile.
        if not all(np.all(np.isfinite(p)) for layer in self._compiled_layers for p in layer.params.values()):
            self._handle_non_finite(None, epoch, batch_number)
            return None
        return {name: total / n for name, total in totals.items()}

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
        xs = self._prepare_x(x)
        batch_size = 1024 if batch_size is None else check_positive_int(batch_size, "batch_size")
        return self._predict_prepared(xs, batch_size)

    def _predict_prepared(self, xs, batch_size):
        outputs = [self.forward(self._model_input(_take(xs, idx)), training=False)
                   for idx in self._batches(len(xs[0]), batch_size)]
        if isinstance(outputs[0], list):
            return [np.concatenate(parts, axis=0) for parts in zip(*outputs)]
        return np.concatenate(outputs, axis=0)

    def evaluate(self, x, y=None, batch_size=None, verbose=0):
        """Pérdida (y métricas) en un conjunto: un ``float`` sin métricas, o ``[pérdida, métrica1, …]``."""
        self._check_compiled("evaluar")
        xs, targets = self._prepare_xy(x, y)
        batch_size = 1024 if batch_size is None else check_positive_int(batch_size, "batch_size")
        logs = self._evaluate_prepared(xs, targets, batch_size)
        if verbose:
            print(" - ".join(f"{_SPANISH.get(k, k)}: {v:.4f}" for k, v in logs.items()))
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_prepared(self, xs, targets, batch_size):
        """Pérdida (con regularización, como Keras) y métricas, promediadas sobre todos los ejemplos."""
        y_pred = self._predict_prepared(xs, max(batch_size, 256))
        with np.errstate(all="ignore"):
            logs = {"loss": self.loss.value(targets, y_pred) + self.regularization_loss()}
        for name, metric in zip(self._metric_keys(), self.metrics):
            logs[name] = metric(targets, y_pred)
        return logs

    # ------------------------------------------------------------------ pesos
    def get_weights(self):
        """Copia de todos los arrays del modelo, capa a capa: parámetros y después ``state``."""
        weights = []
        for layer in self.flat_layers():
            weights += [p.copy() for p in layer.params.values()]
            weights += [s.copy() for s in layer.state.values()]
        return weights

    def set_weights(self, weights):
        """Copia ``weights`` (en el orden de :meth:`get_weights`) en los arrays del modelo."""
        targets = []
        for layer in self.flat_layers():
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
        return int(sum(layer.count_params() for layer in self.flat_layers()))

    def _check_built_for(self, action):
        if not self.built:
            self.build()

    # ------------------------------------------------------------------ resumen
    def _summary_rows(self):
        """Filas (capa, forma de salida, conectada a) del resumen."""
        rows = []
        for layer in self.layers:
            node = layer._node
            connected = ", ".join(f"{t.name}[0][0]" for t in node.inputs) if node is not None else ""
            shape = node.output.shape if node is not None else (None,) + tuple(layer.output_shape)
            rows.append((layer, "(" + ", ".join(str(n) for n in shape) + ")", connected or "-"))
        return rows

    def _show_connections(self):
        return True

    def summary(self):
        """Imprime una tabla como la de Keras: capas, formas de salida, parámetros (y a qué se conecta cada una)."""
        self._check_built_for("mostrar el resumen")
        connections = self._show_connections()
        header = ("Capa (tipo)", "Forma de salida", "Parámetros") + (("Conectada a",) if connections else ())
        rows = [header]
        trainable = non_trainable = trainable_bytes = non_trainable_bytes = 0
        for layer, shape, connected in self._summary_rows():
            leaves = list(layer.flat_layers()) if isinstance(layer, Model) else [layer]
            n_layer = 0
            for leaf in leaves:
                n_params = sum(p.size for p in leaf.params.values())
                n_state = sum(s.size for s in leaf.state.values())
                bytes_params = sum(p.nbytes for p in leaf.params.values())
                bytes_state = sum(s.nbytes for s in leaf.state.values())
                if leaf.trainable:
                    trainable += n_params
                    trainable_bytes += bytes_params
                else:
                    non_trainable += n_params
                    non_trainable_bytes += bytes_params
                non_trainable += n_state
                non_trainable_bytes += bytes_state
                n_layer += n_params + n_state
            row = (f"{layer.name} ({type(layer).__name__})", shape, _format_thousands(n_layer))
            rows.append(row + ((connected,) if connections else ()))
        minimums = (28, 22, 14, 20)[:len(header)]
        widths = [max(minimum, max(len(r[i]) for r in rows) + 3) for i, minimum in enumerate(minimums)]
        width = sum(widths)

        def line(row):
            text = row[0].ljust(widths[0]) + row[1].ljust(widths[1]) + row[2].rjust(widths[2] - 3)
            return text + ("   " + row[3] if len(row) > 3 else "")

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
    def architecture(self):
        """La arquitectura en tipos JSON: capas, sus argumentos y qué tensores lee cada una."""
        layers = []
        for layer in self.layers:
            node = layer._node
            entry = _layer_entry(layer)
            if not isinstance(layer, InputLayer):
                entry["inbound"] = {"args": _serialize_call(node.args), "kwargs": _serialize_call(node.kwargs)}
            layers.append(entry)
        return {
            "class_name": "Model",
            "name": self.name,
            "trainable": self.trainable,
            "layers": layers,
            "inputs": [t.name for t in self.inputs] if not self._single_input else self.inputs[0].name,
            "outputs": [t.name for t in self.outputs] if not self._single_output else self.outputs[0].name,
        }

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
            "floatx": config.floatx(),
            **self.architecture(),
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
        path_of = {}
        for owner_path, layer in self._weight_owners():
            path_of[id(layer)] = owner_path
            for key, value in layer.params.items():
                arrays[f"layers/{owner_path}/params/{key}"] = value
            for key, value in layer.state.items():
                arrays[f"layers/{owner_path}/state/{key}"] = value
        if self.optimizer is not None:
            for (layer_id, key, slot), value in self.optimizer._slots.items():
                if layer_id in path_of:
                    arrays[f"optimizer/{path_of[layer_id]}/{key}/{slot}"] = value
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
        return f"<{type(self).__name__} '{self.name}' con {len(self.layers)} capas>"


class Sequential(Model):
    """Una red como pila de capas: la salida de cada capa es la entrada de la siguiente.

    Es un :class:`Model` cuyo grafo tiene un solo camino: comparte con él todo el bucle de
    entrenamiento. Los pesos se crean en el primer uso (``fit``, ``predict``…), de modo que
    ``fit(seed=…)`` fija también los pesos iniciales; ``model.build()`` los crea antes, para verlos o
    cambiarlos. (Keras, en cambio, los crea en cuanto conoce ``input_shape``.)

    >>> model = Sequential([Dense(5, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x_train, y_train, epochs=50, validation_split=0.2)
    """

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self.layers = []
        self._single_input = self._single_output = True
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
        if isinstance(layer, (MultiHeadAttention, Add, Concatenate)):
            raise CourseError(
                f"{type(layer).__name__} recibe varios tensores, así que no cabe en una pila Sequential: usa el API "
                "funcional (Input, capas llamadas sobre tensores y Model(inputs, outputs))."
            )
        self.layers.append(layer)

    @property
    def input_shape(self):
        """Forma de un ejemplo de entrada (sin el eje del lote), o None si aún no se conoce."""
        return self.layers[0].input_shape if self.layers else None

    @property
    def output_shape(self):
        return self.layers[-1].output_shape if self.built else None

    def _input_shapes(self):
        return [self.input_shape]

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

    def symbolic_output_shape(self, input_shape, **kwargs):
        """La forma a la salida de la pila, capa a capa, sin crear pesos (para usarla dentro de un Model)."""
        shape = tuple(input_shape)
        expected = self.input_shape
        if expected is not None and tuple(expected) != shape:
            raise CourseError(
                f"El modelo '{self.name}' espera ejemplos de forma {tuple(expected)}, pero se le pasó un tensor "
                f"de forma {(None,) + shape}."
            )
        for layer in self.layers:
            shape = layer.symbolic_output_shape(shape)
        return shape

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

    def _prepare_x(self, x, name="x"):
        if not self.layers:
            raise CourseError("El modelo no tiene capas: añade alguna con model.add(...) antes de usarlo.")
        x = as_float_array(x, name)
        if x.ndim == 0 or x.shape[0] == 0:
            raise CourseError(f"{name}: se esperaba al menos un ejemplo; se recibió {describe(x)}.")
        hint = ""
        if x.ndim == 1:  # un vector de N números = N ejemplos de una sola característica
            x = x[:, None]
            hint = (f" Si {name} es un solo ejemplo con {x.shape[0]} características, pásalo como "
                    "lote de uno: x.reshape(1, -1).")
        self._ensure_built(x.shape[1:], name, hint)
        return [x]

    # ------------------------------------------------------------------ pasadas
    def forward(self, x, training=False):
        """ŷ = f_L(… f_2(f_1(x))): la pasada hacia delante por todas las capas."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        self._cache = True
        return x

    def backward(self, grad):
        """Retropropagación: ∂J/∂ŷ recorre las capas de la última a la primera."""
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

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

    # ------------------------------------------------------------------ resumen y guardado
    def _summary_rows(self):
        return [(layer, _shape_text(layer.output_shape), "") for layer in self.layers]

    def _show_connections(self):
        return False

    def architecture(self):
        return {
            "class_name": "Sequential",
            "name": self.name,
            "trainable": self.trainable,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "layers": [_layer_entry(layer) for layer in self.layers],
        }

    def __repr__(self):
        return f"<Sequential '{self.name}' con {len(self.layers)} capas>"


# ----------------------------------------------------------------------------- (de)serialización
def _layer_entry(layer):
    if isinstance(layer, Model):
        return {"class_name": type(layer).__name__, "config": layer.architecture()}
    entry = {"class_name": type(layer).__name__, "config": layer.get_config()}
    if not layer.trainable:
        entry["trainable"] = False
    return entry


def _serialize_call(structure):
    """Argumentos de una llamada en JSON: cada tensor se guarda como {"tensor": nombre de su capa}."""
    if isinstance(structure, KerasTensor):
        return {"tensor": structure.name}
    if isinstance(structure, (list, tuple)):
        return [_serialize_call(item) for item in structure]
    if isinstance(structure, dict):
        return {"dict": {key: _serialize_call(value) for key, value in structure.items()}}
    return structure


def _deserialize_call(structure, tensors):
    if isinstance(structure, list):
        return [_deserialize_call(item, tensors) for item in structure]
    if isinstance(structure, dict) and "tensor" in structure:
        return tensors[structure["tensor"]]
    if isinstance(structure, dict) and "dict" in structure:
        return {key: _deserialize_call(value, tensors) for key, value in structure["dict"].items()}
    return structure


def _layer_from_entry(entry):
    from .layers import LAYER_CLASSES

    name = entry["class_name"]
    if name in ("Model", "Sequential"):
        return _model_from_architecture(entry["config"])
    if name not in LAYER_CLASSES:
        raise CourseError(f"load_model: tipo de capa desconocido {name!r}.")
    layer = LAYER_CLASSES[name](**entry["config"])
    layer.trainable = entry.get("trainable", True)
    return layer


def _model_from_architecture(arch):
    """Reconstruye un modelo (sin pesos) a partir de :meth:`Model.architecture`."""
    if arch.get("class_name", "Sequential") == "Sequential":
        model = Sequential([_layer_from_entry(entry) for entry in arch["layers"]], name=arch.get("name"))
        if arch.get("input_shape") is not None:
            model.build(tuple(arch["input_shape"]))
    else:
        tensors = {}
        for entry in arch["layers"]:
            if entry["class_name"] == "InputLayer":
                tensors[entry["config"]["name"]] = Input(**entry["config"])
                continue
            layer = _layer_from_entry(entry)
            args = _deserialize_call(entry["inbound"]["args"], tensors)
            kwargs = _deserialize_call(entry["inbound"]["kwargs"], tensors)
            tensors[layer.name] = layer(*args, **kwargs)
        pick = (lambda names: [tensors[n] for n in names] if isinstance(names, list) else tensors[names])
        model = Model(pick(arch["inputs"]), pick(arch["outputs"]), name=arch.get("name"))
    if not arch.get("trainable", True):
        model._trainable = False
    return model


def _write_npz(file, arrays):
    """Escribe los arrays en formato .npz (comprimido). Separado para poder simular fallos en los tests."""
    np.savez_compressed(file, **arrays)


def load_model(path):
    """Carga un modelo guardado con ``model.save(ruta)`` (Sequential o funcional, con modelos anidados):
    arquitectura, pesos, compilación y estado del optimizador."""
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
    if not isinstance(model_config, dict) or model_config.get("format") not in FILE_FORMATS:
        raise CourseError(f"load_model: {path!r} no tiene el formato {FILE_FORMAT!r}; se esperaba {expected}.")

    previous_floatx = config.floatx()
    try:
        config.set_floatx(model_config["floatx"])  # los pesos se crean con la precisión con que se guardaron
        model = _model_from_architecture(model_config)
        model._check_built_for("cargar sus pesos")
        owners = dict(model._weight_owners())
        for owner_path, layer in owners.items():
            for group, store in (("params", layer.params), ("state", layer.state)):
                for key in store:
                    saved = arrays.get(f"layers/{owner_path}/{group}/{key}")
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
                    owner_path, key, slot = name[len("optimizer/"):].rsplit("/", 2)
                    model.optimizer._slots[(id(owners[owner_path]), key, slot)] = value.copy()
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
