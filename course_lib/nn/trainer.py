"""El entrenador: ``compile``, ``fit``, ``evaluate``, ``predict`` y sus versiones de un lote, como en
``keras/src/trainers/trainer.py``. ``Model`` lo hereda; el grafo (qué capa lee qué tensor) es cosa del modelo.

El bucle de ``fit`` es el de la teoría, sin atajos:

    para cada época:
        barajar los ejemplos
        para cada mini-lote B:
            ŷ = red(x_B)                                    (pasada hacia delante, training=True)
            J = Σₛ λₛ·pérdidaₛ(y_B, ŷ, w_B) + regularización (coste del lote; w: pesos por ejemplo)
            ∂J/∂ŷ → backward capa a capa, en orden inverso  (retropropagación)
            optimizador.step(capas)                         (θ ← θ − η·… para cada parámetro)
        pérdida y métricas de validación

con los avisos a los callbacks de Keras en cada momento (``callbacks.py``).
"""

import warnings

import numpy as np

from . import config
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .callback_list import CallbackList
from .compile_utils import CompileLoss, CompileMetrics, standardize
from .symbolic import flatten
from .validation import CourseError, CourseTypeError, as_float_array, check_number, check_positive_int, describe

#: Nombres en español de lo que imprime ``fit`` (las claves del historial siguen a Keras).
_SPANISH = {"loss": "pérdida"}


class TrainingWarning(RuntimeWarning):
    """Aviso de ``fit`` cuando el entrenamiento se detiene por un problema numérico."""


# Que el aviso se vea siempre, también al repetir la misma celda de un cuaderno.
warnings.filterwarnings("always", category=TrainingWarning)


def _take(arrays, idx):
    """Los ejemplos ``idx`` de cada array (None se queda None)."""
    return [None if a is None else a[idx] for a in arrays]


def _batches(n, batch_size, order=None):
    order = np.arange(n) if order is None else order
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise CourseError(f"verbose debe ser 0 (nada), 1 o 2 (una línea por época) o 'auto'; se recibió {verbose!r}.")
    return int(verbose)


class Trainer:
    """El bucle de entrenamiento de Keras, escrito una vez para todos los modelos."""

    def _init_trainer(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self._compile_loss = None
        self._compile_metrics = None
        self._compile_arguments = None
        self._loss_tracker = None
        self._output_loss_trackers = []
        self._trainable_at_compile = {}
        self.stop_training = False
        self.history = None
        self._last_finite_weights = None   # copia de seguridad de la guarda de NaN de fit

    # ------------------------------------------------------------------ compilar
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Elige optimizador, pérdida y métricas (objetos o nombres de Keras como "adam", "mse", "accuracy").

        Con varias salidas, ``loss``, ``loss_weights`` y ``metrics`` pueden ser listas (una por salida) o
        dicts por el nombre de cada salida. Fija también qué capas entrena este modelo: las que tienen
        ``trainable=True`` ahora (como Keras 2: si cambias ``trainable``, vuelve a compilar).
        ``run_eagerly``, ``steps_per_execution``, ``jit_compile`` y ``auto_scale_loss`` se aceptan por
        compatibilidad y no cambian nada (este motor siempre ejecuta paso a paso, en NumPy).
        """
        self.optimizer = optimizers_module.get(optimizer)
        self._compile_loss = CompileLoss(loss, loss_weights)
        self._compile_metrics = (CompileMetrics(metrics, weighted_metrics)
                                 if metrics is not None or weighted_metrics is not None else None)
        self._compile_arguments = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                                   "weighted_metrics": weighted_metrics}
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_loss_trackers = []
        # Qué capas entrena este modelo: las que son entrenables ahora (las que aparezcan después, p. ej. los pesos
        # que una capa compuesta crea al construirse, según su trainable de entonces).
        self._trainable_at_compile = {id(layer): (layer, layer.trainable) for layer in self.flat_layers()}
        self.compiled = True
        self.loss = self._resolved_loss(loss)
        if self._graph is not None:   # si ya se conocen las salidas, los errores de loss salen aquí
            self._build_compile()
        return self

    @staticmethod
    def _resolved_loss(loss):
        if isinstance(loss, dict):
            return {k: None if v is None else losses_module.get(v) for k, v in loss.items()}
        if isinstance(loss, (list, tuple)):
            return [None if v is None else losses_module.get(v) for v in loss]
        return losses_module.get(loss)

    def _check_compiled(self, action):
        for method in ("train_step", "test_step", "predict_step", "compute_loss"):
            if any(method in vars(cls) for cls in type(self).__mro__) and self._defined_by_user(method):
                raise CourseError(
                    f"{type(self).__name__} redefine {method}, y course_lib no lo usaría: su fit tiene el paso de "
                    "entrenamiento escrito a mano (forward, pérdida, backward y optimizador), no con GradientTape. "
                    "Para un paso propio (una GAN, un VAE), escribe el bucle con model.forward, model.backward y "
                    "optimizer.step, o usa train_on_batch en cada modelo."
                )
        if not self.compiled:
            raise CourseError(
                f"Antes de {action} hay que compilar el modelo, por ejemplo: model.compile("
                "optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])."
            )

    def _build_compile(self):
        """Reparte pérdidas y pesos por salida cuando ya se conocen las salidas del modelo."""
        if self._compile_loss.entries is None:
            self._compile_loss.build(self.output_names)
            if len([e for e in self._compile_loss.entries if e[1] is not None]) > 1:
                self._output_loss_trackers = [metrics_module.Mean(name=f"{name}_loss")
                                              for name, loss, _ in self._compile_loss.entries if loss is not None]

    @property
    def metrics(self):
        """Las métricas del modelo (objetos con estado), como ``model.metrics`` en Keras."""
        if not self.compiled:
            return []
        found = [self._loss_tracker]
        if self._compile_metrics is not None:
            found.append(self._compile_metrics)
        return found + list(self._output_loss_trackers)

    @property
    def metrics_names(self):
        """Los nombres de ``model.metrics``, como en Keras 3: ``['loss', 'compile_metrics', …]``.

        Para saber qué es cada valor de la lista de ``evaluate``, usa ``evaluate(..., return_dict=True)``.
        """
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Pone a cero la pérdida y las métricas acumuladas (fit lo hace al empezar cada época)."""
        for metric in [self._loss_tracker, *self._output_loss_trackers]:
            if metric is not None:
                metric.reset_state()
        if self._compile_metrics is not None and self._compile_metrics.built:
            self._compile_metrics.reset()

    # ------------------------------------------------------------------ datos
    def _prepare_targets(self, y, n, xs, name="y"):
        """Etiquetas listas para cada pérdida: una por salida, validadas una sola vez."""
        if y is None:
            raise CourseError(f"Faltan las etiquetas {name}: se esperaba fit(x, y, ...).")
        values = standardize(y, self.output_names, name)
        shapes = self._output_shapes_for(xs)
        targets = []
        for output, value, shape, (_, loss, _) in zip(self.output_names, values, shapes,
                                                      self._compile_loss.entries):
            label = name if len(values) == 1 else f"{name}['{output}']"
            if value is None:
                if loss is not None:
                    raise CourseError(f"Faltan las etiquetas de la salida '{output}' en {name}.")
                targets.append(None)
                continue
            value = value.to_numpy() if hasattr(value, "to_numpy") else value
            if not hasattr(value, "__len__"):
                raise CourseError(f"{label}: se esperaba un array de etiquetas; se recibió {describe(value)}.")
            if len(value) != n:
                raise CourseError(
                    f"x y {label} deben tener el mismo número de ejemplos: x tiene {n} y {label} tiene {len(value)}."
                )
            targets.append(loss.prepare_targets(value, shape) if loss is not None
                           else as_float_array(value, label, dtype=np.float64))
        return targets

    def _prepare_sample_weights(self, sample_weight, class_weight, targets, n, name="sample_weight"):
        """Pesos por ejemplo de cada salida (o None): ``sample_weight`` o los de ``class_weight``."""
        if class_weight is not None:
            if sample_weight is not None:
                raise CourseError("fit: usa sample_weight o class_weight, no los dos a la vez.")
            if len(self.output_names) > 1:
                raise CourseError(
                    "fit: class_weight solo se admite con una salida (como en Keras). Con varias, pasa sample_weight "
                    "como un dict por salida."
                )
            return [_class_weights(class_weight, targets[0])]
        if sample_weight is None:
            return [None] * len(self.output_names)
        weights = []
        for output, value in zip(self.output_names, standardize(sample_weight, self.output_names, name)):
            if value is None:
                weights.append(None)
                continue
            w = as_float_array(value, name, dtype=np.float64)
            if w.ndim == 0 or len(w) != n:
                raise CourseError(
                    f"{name} debe tener un peso por ejemplo ({n}); se recibió {describe(w)}."
                )
            if np.any(w < 0):
                raise CourseError(f"{name}: los pesos deben ser no negativos; hay un {w.min():g}.")
            weights.append(w)
        return weights

    def _unpack_validation(self, validation_data):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise CourseError(
                f"validation_data debe ser una tupla (x_val, y_val); se recibió {describe(validation_data)}. "
                "Con pesos por ejemplo, (x_val, y_val, pesos_val)."
            )
        return tuple(validation_data) + (None,) * (3 - len(validation_data))

    # ------------------------------------------------------------------ un paso
    def _prepare_steps(self):
        """Listas que cada paso necesita (capas con pesos, las regularizadas), calculadas una vez por llamada."""
        leaves = list(self.flat_layers())
        self._weight_arrays = [a for layer in leaves for a in (*layer.params.values(), *layer.state.values())]
        self._regularized = [layer for layer in leaves if layer.kernel_regularizer is not None]
        self._updated = [layer for layer in leaves if layer.params
                         and self._trainable_at_compile.get(id(layer), (layer, layer.trainable))[1]]

    def _regularization(self):
        return float(sum(layer.regularization_loss() for layer in self._regularized))

    def _train_step(self, xs, targets, weights):
        """Un paso de descenso de gradiente en un lote: forward, pérdida, backward y optimizador.

        Devuelve (pérdida, pérdidas por salida, predicciones), o (pérdida no finita, None, None) sin actualizar.
        """
        predictions = self._forward_flat(xs, training=True)
        total, parts = self._compile_loss.compute(targets, predictions, weights)
        loss = total + self._regularization()
        if not np.isfinite(loss):
            return loss, None, None
        # Guarda los pesos que dieron una pérdida finita, por si la actualización los estropea.
        self._last_finite_weights = [a.copy() for a in self._weight_arrays]
        self._backward_flat(self._compile_loss.gradients(targets, predictions, weights))
        self.optimizer.step(self._updated)
        return loss, parts, predictions

    def _track(self, loss, parts, targets, predictions, weights, n):
        """Acumula la pérdida (ponderada por el tamaño del lote, como Keras) y las métricas de un lote."""
        self._loss_tracker._add(loss, n)
        for tracker, part in zip(self._output_loss_trackers, [p for p in parts if p is not None]):
            tracker._add(part, n)
        if self._compile_metrics is not None:
            if not self._compile_metrics.built:
                self._compile_metrics.build(self.output_names, targets, predictions, self._compile_loss.losses)
            self._compile_metrics.update(targets, predictions, weights)

    def _logs(self):
        """Pérdida y métricas acumuladas, con los nombres de Keras: {"loss", métricas, "<salida>_loss"}."""
        logs = {"loss": float(self._loss_tracker.result())}
        if self._compile_metrics is not None and self._compile_metrics.built:
            logs.update(self._compile_metrics.result())
        for tracker in self._output_loss_trackers:
            logs[tracker.name] = float(tracker.result())
        return logs

    # ------------------------------------------------------------------ entrenar
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """Un solo paso de entrenamiento con el lote (x, y), como en Keras.

        Devuelve la pérdida del lote (antes de la actualización) o ``[pérdida, métrica1, …]``.
        """
        self._check_compiled("entrenar")
        xs = self._prepare_x(x)
        self._build_compile()
        targets = self._prepare_targets(y, len(xs[0]), xs)
        weights = self._prepare_sample_weights(sample_weight, class_weight, targets, len(xs[0]))
        self.reset_metrics()
        self._prepare_steps()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, parts, predictions = self._train_step(xs, targets, weights)
        if predictions is None:
            warnings.warn("train_on_batch: la pérdida no es finita; no se actualizaron los pesos. Prueba a bajar "
                          "la tasa de aprendizaje o a escalar las entradas.", TrainingWarning, stacklevel=2)
            return float(loss)
        self._track(loss, parts, targets, predictions, weights, len(xs[0]))
        return self._result(self._logs(), return_dict)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1, seed=None):
        """Entrena la red con descenso de gradiente por mini-lotes y devuelve un :class:`History`.

        ``verbose=1`` (o "auto", 2) imprime una línea por época; ``verbose=0``, nada. ``seed`` (de este
        motor, no de Keras) fija la semilla del motor (pesos iniciales si aún no existen, barajado y
        máscaras de Dropout): misma semilla, mismo resultado. ``class_weight`` ({clase: peso}) y
        ``sample_weight`` (un peso por ejemplo) ponderan la pérdida; ``initial_epoch`` continúa un
        entrenamiento (las épocas van de ``initial_epoch`` a ``epochs`` − 1).
        """
        self._check_compiled("entrenar")
        for name, value in (("steps_per_epoch", steps_per_epoch), ("validation_steps", validation_steps)):
            if value is not None:
                raise CourseError(
                    f"fit: {name} sirve en Keras para datos que llegan por lotes (generadores, tf.data); este motor "
                    "entrena con arrays completos y recorre todos los ejemplos en cada época. Quita ese argumento."
                )
        epochs = check_positive_int(epochs, "epochs (número de épocas)")
        initial_epoch = check_positive_int(initial_epoch, "initial_epoch", minimum=0)
        batch_size = 32 if batch_size is None else check_positive_int(batch_size, "batch_size (tamaño del mini-lote)")
        validation_freq = check_positive_int(validation_freq, "validation_freq")
        validation_split = check_number(validation_split, "validation_split", low=0.0, high=1.0,
                                        high_inclusive=False)
        verbose = _verbose(verbose)
        if seed is not None:
            config.set_seed(seed)

        xs = self._prepare_x(x)
        self._build_compile()
        n = len(xs[0])
        targets = self._prepare_targets(y, n, xs)
        weights = self._prepare_sample_weights(sample_weight, class_weight, targets, n)
        if validation_data is not None:
            x_val, y_val, w_val = self._unpack_validation(validation_data)
            xs_val = self._prepare_x(x_val, "x de validación")
            val_targets = self._prepare_targets(y_val, len(xs_val[0]), xs_val, "y de validación")
            val_weights = self._prepare_sample_weights(w_val, None, val_targets, len(xs_val[0]),
                                                       "peso de validación")
        elif validation_split > 0:
            n_val = n - int(np.floor(n * (1.0 - validation_split)))  # el mismo reparto que Keras
            if n_val == 0 or n_val == n:
                raise CourseError(
                    f"validation_split={validation_split} con {n} ejemplos deja {n_val} para validación "
                    f"y {n - n_val} para entrenamiento; se necesitan ejemplos en ambos."
                )
            # Como Keras: la validación son los ÚLTIMOS ejemplos, tomados antes de barajar.
            split = (lambda arrays: ([None if a is None else a[:-n_val] for a in arrays],
                                     [None if a is None else a[-n_val:] for a in arrays]))
            (xs, xs_val), (targets, val_targets), (weights, val_weights) = split(xs), split(targets), split(weights)
        else:
            xs_val = val_targets = val_weights = None
        n_train = len(xs[0])

        steps = -(-n_train // batch_size)
        callback_list = CallbackList(callbacks, model=self, add_history=True, verbose=verbose, epochs=epochs,
                                     steps=steps)
        self.stop_training = False
        self._last_finite_weights = None
        self._prepare_steps()
        callback_list.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            order = config.rng().permutation(n_train) if shuffle else None
            logs = self._train_epoch(xs, targets, weights, batch_size, order, epoch, callback_list)
            if logs is None:  # la pérdida dejó de ser finita: se detiene el entrenamiento
                break
            epoch_logs = dict(logs)
            if xs_val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_prepared(xs_val, val_targets, val_weights,
                                                   validation_batch_size or max(batch_size, 256), callback_list)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            if verbose:
                print(self._epoch_line(epoch, epochs, epoch_logs))
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callback_list.on_train_end(epoch_logs)
        return self.history

    def _train_epoch(self, xs, targets, weights, batch_size, order, epoch, callback_list):
        """Una época de mini-lotes. Devuelve los logs de la época, o None si la pérdida no es finita."""
        n = len(xs[0])
        batch_hooks = callback_list.wants_train_batches
        batch_number = 0
        for batch_number, idx in enumerate(_batches(n, batch_size, order), start=1):
            if batch_hooks:
                callback_list.on_train_batch_begin(batch_number - 1)
            xb, tb, wb = _take(xs, idx), _take(targets, idx), _take(weights, idx)
            # Los desbordamientos de NumPy no se avisan uno a uno: la guarda de NaN de abajo
            # detecta su consecuencia (una pérdida no finita) y lo explica en español.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                loss, parts, predictions = self._train_step(xb, tb, wb)
            if predictions is None:
                self._handle_non_finite(loss, epoch, batch_number)
                return None
            self._track(loss, parts, tb, predictions, wb, len(idx))
            if batch_hooks:
                callback_list.on_train_batch_end(batch_number - 1, self._logs())
            if self.stop_training:
                break
        # La última actualización de la época no tiene un lote siguiente que la vigile.
        if not all(np.all(np.isfinite(p)) for layer in self._updated for p in layer.params.values()):
            self._handle_non_finite(None, epoch, batch_number)
            return None
        return self._logs()

    def _handle_non_finite(self, loss, epoch, batch_number):
        """Guarda de NaN: restaura los últimos pesos con pérdida finita y avisa en español.

        ``loss`` es la pérdida no finita, o None si lo que dejó de ser finito fueron los pesos.
        """
        restored = self._last_finite_weights is not None
        if restored:
            self.set_weights(self._last_finite_weights)
        lr = getattr(self.optimizer, "learning_rate", None)
        lr_text = f" (ahora {lr:g})" if isinstance(lr, (int, float)) else ""
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

    def _epoch_line(self, epoch, epochs, logs):
        return f"Época {epoch + 1}/{epochs} - " + self._logs_line(logs)

    def _logs_line(self, logs):
        """'pérdida: 0,1234 - exactitud: 0,9000 - val_pérdida: …' (nombres en español)."""
        names = self._compile_metrics.display_names() if (self._compile_metrics is not None
                                                          and self._compile_metrics.built) else {}

        def spanish(key):
            prefix = "val_" if key.startswith("val_") else ""
            base = key[4:] if prefix else key
            if base in _SPANISH:
                return prefix + _SPANISH[base]
            if base.endswith("_loss") and base[:-5] in self.output_names:
                return f"{prefix}pérdida ({base[:-5]})"
            display, output = names.get(base, (base, None))
            return prefix + display + (f" ({output})" if output else "")

        # Coma decimal, como todo lo que lee el estudiante (nn no importa nada del resto del curso).
        return " - ".join(f"{spanish(k)}: " + f"{v:.4f}".replace(".", ",") for k, v in logs.items())

    # ------------------------------------------------------------------ evaluar y predecir
    def _result(self, logs, return_dict):
        """Como Keras: el dict, o una lista en el orden de ``metrics_names`` (un número si solo hay pérdida)."""
        if return_dict:
            return logs
        names = ["loss"]
        if self._compile_metrics is not None and self._compile_metrics.built:
            names += [m.name for m in self._compile_metrics.metrics]
        names += [t.name for t in self._output_loss_trackers]
        values = [logs[name] for name in names if name in logs]
        values += [logs[key] for key in sorted(logs) if key not in names]
        return values[0] if len(values) == 1 else values

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """Pérdida (y métricas) en un conjunto: un ``float`` sin métricas, ``[pérdida, métrica1, …]`` o, con
        ``return_dict=True``, un dict como el de ``history.history``. Como en Keras, imprime una línea con
        los resultados salvo con ``verbose=0``."""
        self._check_compiled("evaluar")
        if steps is not None:
            raise CourseError("evaluate: steps es para datos que llegan por lotes; este motor evalúa arrays completos.")
        xs = self._prepare_x(x)
        self._build_compile()
        targets = self._prepare_targets(y, len(xs[0]), xs)
        weights = self._prepare_sample_weights(sample_weight, None, targets, len(xs[0]))
        batch_size = 1024 if batch_size is None else check_positive_int(batch_size, "batch_size")
        callback_list = CallbackList(callbacks, model=self, verbose=_verbose(verbose), epochs=1,
                                     steps=-(-len(xs[0]) // batch_size))
        logs = self._evaluate_prepared(xs, targets, weights, batch_size, callback_list)
        if _verbose(verbose):
            print(self._logs_line(logs))
        return self._result(logs, return_dict)

    def _evaluate_prepared(self, xs, targets, weights, batch_size, callback_list):
        """Pérdida (con regularización, como Keras) y métricas, acumuladas lote a lote sobre todos los ejemplos."""
        self.reset_metrics()
        callback_list.on_test_begin()
        batch_hooks = callback_list.wants_test_batches
        self._prepare_steps()
        regularization = self._regularization()
        for batch, idx in enumerate(_batches(len(xs[0]), batch_size)):
            if batch_hooks:
                callback_list.on_test_batch_begin(batch)
            xb, tb, wb = _take(xs, idx), _take(targets, idx), _take(weights, idx)
            predictions = self._forward_flat(xb, training=False)
            with np.errstate(all="ignore"):
                total, parts = self._compile_loss.compute(tb, predictions, wb)
            self._track(total + regularization, parts, tb, predictions, wb, len(idx))
            if batch_hooks:
                callback_list.on_test_batch_end(batch, self._logs())
        logs = self._logs()
        callback_list.on_test_end(logs)
        return logs

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """La pérdida (y las métricas) de un solo lote, sin entrenar, como en Keras."""
        self._check_compiled("evaluar")
        xs = self._prepare_x(x)
        self._build_compile()
        targets = self._prepare_targets(y, len(xs[0]), xs)
        weights = self._prepare_sample_weights(sample_weight, None, targets, len(xs[0]))
        logs = self._evaluate_prepared(xs, targets, weights, len(xs[0]), CallbackList())
        return self._result(logs, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """ŷ para cada ejemplo de x (sin Dropout y con las medias móviles de BatchNormalization).

        Con varias salidas devuelve una lista (o un dict, si las salidas del modelo son un dict).
        """
        if steps is not None:
            raise CourseError("predict: steps es para datos que llegan por lotes; este motor predice arrays completos.")
        xs = self._prepare_x(x)
        batch_size = 1024 if batch_size is None else check_positive_int(batch_size, "batch_size")
        callback_list = CallbackList(callbacks, model=self, verbose=_verbose(verbose), epochs=1,
                                     steps=-(-len(xs[0]) // batch_size))
        callback_list.on_predict_begin()
        outputs = []
        for batch, idx in enumerate(_batches(len(xs[0]), batch_size)):
            if callback_list.wants_predict_batches:
                callback_list.on_predict_batch_begin(batch)
            outputs.append(self._forward_flat(_take(xs, idx), training=False))
            if callback_list.wants_predict_batches:
                callback_list.on_predict_batch_end(batch, {"outputs": self._pack_outputs(outputs[-1])})
        flat = [np.concatenate(parts, axis=0) for parts in zip(*outputs)]
        callback_list.on_predict_end()
        return self._pack_outputs(flat)

    def predict_on_batch(self, x):
        """ŷ de un solo lote (como ``predict`` sin partirlo en lotes)."""
        xs = self._prepare_x(x)
        return self._pack_outputs(self._forward_flat(xs, training=False))


def _class_weights(class_weight, targets):
    """Peso de cada ejemplo (o posición) según su clase: {clase: peso}; 1 para las clases que no aparecen."""
    if not isinstance(class_weight, dict):
        raise CourseTypeError(
            f"class_weight debe ser un dict {{clase: peso}}, p. ej. {{0: 1.0, 1: 5.0}}; se recibió {describe(class_weight)}."
        )
    table = {}
    for key, value in class_weight.items():
        if isinstance(key, bool) or not isinstance(key, (int, np.integer)) or key < 0:
            raise CourseError(f"class_weight: las claves deben ser las clases (enteros 0, 1, …); se recibió {key!r}.")
        table[int(key)] = check_number(value, f"class_weight[{key}]", low=0.0)
    labels = np.asarray(targets)
    if labels.dtype.kind == "f":   # etiquetas densas: one-hot (argmax) o binarias (redondeo)
        labels = np.argmax(labels, axis=-1) if labels.shape[-1] > 1 else np.round(labels[..., 0])
    labels = labels.astype(np.int64)
    lookup = np.ones(max(int(labels.max(initial=0)), max(table, default=0)) + 1)
    for key, value in table.items():
        lookup[key] = value
    return lookup[labels]
