"""``CallbackList``: avisa a todos los callbacks de un ``fit``, ``evaluate`` o ``predict``, en orden.

Como ``keras.callbacks.CallbackList``: añade al final el :class:`History` (así ve lo que los demás
callbacks añadan a ``logs``, p. ej. la tasa de aprendizaje), pasa a cada callback el modelo y los
parámetros del bucle, y le reenvía cada aviso con el **mismo** dict ``logs``.

Los avisos por lote (``on_*_batch_*``) solo se envían, y sus ``logs`` solo se calculan, si algún
callback los redefine: la mayoría no los usa y así no cuestan nada.
"""

from .callbacks import Callback, History
from .validation import CourseTypeError, describe


def _redefines(callback, *methods):
    return any(getattr(type(callback), name) is not getattr(Callback, name) for name in methods)


class CallbackList:
    """Los callbacks de una llamada a ``fit``/``evaluate``/``predict``, más el ``History`` de ``fit``."""

    def __init__(self, callbacks=None, model=None, add_history=False, **params):
        self.callbacks = _check_callbacks(callbacks)
        self.history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if add_history and self.history is None:
            self.history = History()
            self.callbacks.append(self.history)
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)
            callback.set_model(model)
        if model is not None and self.history is not None:
            model.history = self.history
        self.wants_train_batches = any(
            _redefines(c, "on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
            for c in self.callbacks)
        self.wants_test_batches = any(_redefines(c, "on_test_batch_begin", "on_test_batch_end") for c in self.callbacks)
        self.wants_predict_batches = any(
            _redefines(c, "on_predict_batch_begin", "on_predict_batch_end") for c in self.callbacks)

    def __iter__(self):
        return iter(self.callbacks)

    def _call(self, method, *args):
        for callback in self.callbacks:
            getattr(callback, method)(*args)

    def on_train_begin(self, logs=None):
        """Avisa a todos los callbacks: ``on_train_begin``."""
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        """Avisa a todos los callbacks: ``on_train_end``."""
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        """Avisa a todos los callbacks: ``on_epoch_begin``."""
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        """Avisa a todos los callbacks: ``on_epoch_end``."""
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        """Avisa a todos los callbacks: ``on_train_batch_begin``."""
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """Avisa a todos los callbacks: ``on_train_batch_end``."""
        self._call("on_train_batch_end", batch, logs)

    def on_test_begin(self, logs=None):
        """Avisa a todos los callbacks: ``on_test_begin``."""
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        """Avisa a todos los callbacks: ``on_test_end``."""
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Avisa a todos los callbacks: ``on_test_batch_begin``."""
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        """Avisa a todos los callbacks: ``on_test_batch_end``."""
        self._call("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs=None):
        """Avisa a todos los callbacks: ``on_predict_begin``."""
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        """Avisa a todos los callbacks: ``on_predict_end``."""
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        """Avisa a todos los callbacks: ``on_predict_batch_begin``."""
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        """Avisa a todos los callbacks: ``on_predict_batch_end``."""
        self._call("on_predict_batch_end", batch, logs)


def _check_callbacks(callbacks):
    """Una lista de callbacks (o uno suelto, o None); si no, un error en español."""
    if callbacks is None:
        return []
    if isinstance(callbacks, CallbackList):
        return list(callbacks.callbacks)
    if isinstance(callbacks, Callback):
        return [callbacks]
    if not isinstance(callbacks, (list, tuple)) or not all(isinstance(c, Callback) for c in callbacks):
        bad = next((c for c in callbacks if not isinstance(c, Callback)), callbacks) \
            if isinstance(callbacks, (list, tuple)) else callbacks
        hint = (" ¿Pasaste la clase sin crear el objeto? Escribe EarlyStopping(...) con paréntesis."
                if isinstance(bad, type) else "")
        raise CourseTypeError(
            "callbacks debe ser una lista de callbacks (objetos de subclases de Callback), p. ej. "
            f"[EarlyStopping(patience=5)]; se recibió {describe(bad)}.{hint}"
        )
    return list(callbacks)
