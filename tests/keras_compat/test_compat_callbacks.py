"""Compatibilidad con Keras: callbacks (keras.callbacks) con las firmas de Keras: cada gancho
recibe ``logs``, se llaman también los de cada lote, y ``self.model.stop_training`` detiene fit."""

import csv
import os
import tempfile

import numpy as np

from arnes import datos, enteros, fragmento, pesos_fijos, prueba

X = datos((20, 3), semilla=30)
Y = datos((20, 1), semilla=31)


def _modelo(keras, eta=0.05, optimizer=None):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    pesos_fijos(model, escala=0.5)
    model.compile(optimizer=optimizer or keras.optimizers.SGD(eta), loss="mse", metrics=["mae"])
    return model


def _registro(keras):
    class Registro(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.eventos = []

        def _anotar(self, nombre, logs):
            self.eventos.append(f"{nombre}:{','.join(sorted(logs or {}))}")

        def on_train_begin(self, logs=None):
            self._anotar("train_begin", logs)

        def on_train_end(self, logs=None):
            self._anotar("train_end", logs)

        def on_epoch_begin(self, epoch, logs=None):
            self._anotar(f"epoch_begin{epoch}", logs)

        def on_epoch_end(self, epoch, logs=None):
            self._anotar(f"epoch_end{epoch}", logs)

        def on_train_batch_begin(self, batch, logs=None):
            self._anotar(f"batch_begin{batch}", logs)

        def on_train_batch_end(self, batch, logs=None):
            self._anotar(f"batch_end{batch}", logs)

        def on_test_begin(self, logs=None):
            self._anotar("test_begin", logs)

        def on_test_end(self, logs=None):
            self._anotar("test_end", logs)

    return Registro()


@fragmento("un Callback propio: qué ganchos llama fit, en qué orden y con qué claves en logs")
def ganchos_fit(keras):
    model = _modelo(keras)
    registro = _registro(keras)
    model.fit(X, Y, epochs=2, batch_size=10, callbacks=[registro], verbose=0)
    return registro.eventos


@fragmento("ganchos de fit con validación: on_test_begin/end dentro de cada época")
def ganchos_con_validacion(keras):
    model = _modelo(keras)
    registro = _registro(keras)
    model.fit(X, Y, epochs=1, batch_size=10, validation_split=0.5, callbacks=[registro], verbose=0)
    return registro.eventos


@fragmento("ganchos de evaluate: on_test_begin, lotes y on_test_end")
def ganchos_evaluate(keras):
    class Prueba(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.eventos = []

        def on_test_begin(self, logs=None):
            self.eventos.append("test_begin")

        def on_test_batch_end(self, batch, logs=None):
            self.eventos.append(f"test_batch_end{batch}")

        def on_test_end(self, logs=None):
            self.eventos.append(f"test_end:{','.join(sorted(logs or {}))}")

    model = _modelo(keras)
    cb = Prueba()
    model.evaluate(X, Y, batch_size=8, callbacks=[cb], verbose=0)
    return cb.eventos


@fragmento("ganchos de predict: on_predict_begin y on_predict_end")
def ganchos_predict(keras):
    class Prediccion(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.eventos = []

        def on_predict_begin(self, logs=None):
            self.eventos.append("predict_begin")

        def on_predict_batch_end(self, batch, logs=None):
            self.eventos.append(f"predict_batch_end{batch}")

        def on_predict_end(self, logs=None):
            self.eventos.append("predict_end")

    model = _modelo(keras)
    cb = Prediccion()
    model.predict(X, batch_size=8, callbacks=[cb], verbose=0)
    return cb.eventos


@fragmento("logs de cada lote: la media de la época hasta ese lote")
def logs_de_lote(keras):
    class Perdidas(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.valores = []

        def on_train_batch_end(self, batch, logs=None):
            self.valores.append(logs["loss"])

    model = _modelo(keras)
    cb = Perdidas()
    model.fit(X, Y, epochs=1, batch_size=5, shuffle=False, callbacks=[cb], verbose=0)
    return cb.valores


@fragmento("self.model.stop_training = True en on_epoch_end detiene fit")
def stop_training(keras):
    class ParaEnLaSegunda(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    model = _modelo(keras)
    historia = model.fit(X, Y, epochs=10, callbacks=[ParaEnLaSegunda()], verbose=0)
    return historia.epoch


@fragmento("self.model dentro del callback: leer los pesos al acabar cada época")
def callback_lee_modelo(keras):
    class Normas(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.normas = []

        def on_epoch_end(self, epoch, logs=None):
            self.normas.append(float(np.linalg.norm(self.model.get_weights()[0])))

    model = _modelo(keras)
    cb = Normas()
    model.fit(X, Y, epochs=3, batch_size=5, shuffle=False, callbacks=[cb], verbose=0)
    return cb.normas


@fragmento("model.history es el History del último fit")
def model_history(keras):
    model = _modelo(keras)
    historia = model.fit(X, Y, epochs=2, verbose=0)
    return {"mismo": model.history is historia, "claves": sorted(model.history.history)}


# ----------------------------------------------------------------------------- callbacks de Keras
@fragmento("EarlyStopping(monitor='val_loss', patience, restore_best_weights=True)")
def early_stopping(keras):
    model = _modelo(keras, eta=0.5)
    parada = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    historia = model.fit(X, Y, epochs=30, batch_size=4, validation_split=0.3, shuffle=False, callbacks=[parada], verbose=0)
    return {"epocas": historia.epoch, "parada": parada.stopped_epoch, "pesos": model.get_weights()}


@fragmento("EarlyStopping(start_from_epoch=3): no para antes de la época 3")
def early_stopping_desde(keras):
    model = _modelo(keras, eta=0.5)
    parada = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0, start_from_epoch=3)
    historia = model.fit(X, Y, epochs=10, batch_size=4, shuffle=False, callbacks=[parada], verbose=0)
    return historia.epoch


@fragmento("EarlyStopping(monitor='val_mae', mode='min', baseline)")
def early_stopping_baseline(keras):
    model = _modelo(keras)
    parada = keras.callbacks.EarlyStopping(monitor="val_mae", mode="min", patience=2, baseline=0.01)
    historia = model.fit(X, Y, epochs=10, batch_size=4, validation_split=0.25, shuffle=False, callbacks=[parada], verbose=0)
    return historia.epoch


@fragmento("ModelCheckpoint(save_best_only=True): el archivo guardado es el de la mejor época")
def model_checkpoint(keras):
    model = _modelo(keras, eta=0.3)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "mejor.keras")
        cb = keras.callbacks.ModelCheckpoint(ruta, monitor="val_loss", save_best_only=True)
        historia = model.fit(X, Y, epochs=6, batch_size=4, validation_split=0.25, shuffle=False, callbacks=[cb], verbose=0)
        mejor = keras.models.load_model(ruta)
        perdida = mejor.evaluate(X[-5:], Y[-5:], verbose=0)
    return {"val_loss_minima": min(historia.history["val_loss"]), "perdida_del_guardado": perdida[0]}


@fragmento("ModelCheckpoint con {epoch:02d} en el nombre: un archivo por época")
def model_checkpoint_por_epoca(keras):
    model = _modelo(keras)
    with tempfile.TemporaryDirectory() as carpeta:
        cb = keras.callbacks.ModelCheckpoint(os.path.join(carpeta, "modelo_{epoch:02d}.keras"))
        model.fit(X, Y, epochs=3, callbacks=[cb], verbose=0)
        return sorted(os.listdir(carpeta))


@fragmento("ModelCheckpoint(save_weights_only=True) y load_weights")
def model_checkpoint_pesos(keras):
    model = _modelo(keras)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "pesos.weights.h5")
        model.fit(X, Y, epochs=2, batch_size=5, shuffle=False, verbose=0,
                  callbacks=[keras.callbacks.ModelCheckpoint(ruta, save_weights_only=True)])
        otro = _modelo(keras)
        otro.load_weights(ruta)
        return bool(np.allclose(otro.predict(X, verbose=0), model.predict(X, verbose=0)))


@fragmento("ReduceLROnPlateau(monitor='loss', factor, patience, min_lr)")
def reduce_lr(keras):
    model = _modelo(keras, eta=0.5)
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=0.05, min_lr=0.01)
    historia = model.fit(X, Y, epochs=6, batch_size=4, shuffle=False, callbacks=[cb], verbose=0)
    return {"loss": historia.history["loss"], "eta": float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))}


@fragmento("LearningRateScheduler(schedule(epoch, lr))")
def lr_scheduler(keras):
    def programa(epoch, lr):
        return lr if epoch < 2 else lr * 0.5

    model = _modelo(keras, eta=0.1)
    historia = model.fit(X, Y, epochs=4, batch_size=5, shuffle=False, verbose=0,
                         callbacks=[keras.callbacks.LearningRateScheduler(programa)])
    return {"loss": historia.history["loss"], "eta": float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)),
            "claves": sorted(historia.history)}


@fragmento("CSVLogger escribe una fila por época")
def csv_logger(keras):
    model = _modelo(keras)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "entrenamiento.csv")
        model.fit(X, Y, epochs=3, batch_size=5, shuffle=False, verbose=0, callbacks=[keras.callbacks.CSVLogger(ruta)])
        with open(ruta, newline="") as f:
            filas = list(csv.DictReader(f))
    return {"columnas": sorted(filas[0]), "epocas": [int(f["epoch"]) for f in filas],
            "loss": [float(f["loss"]) for f in filas]}


@fragmento("CSVLogger(append=True) añade al archivo")
def csv_logger_append(keras):
    model = _modelo(keras)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = os.path.join(carpeta, "log.csv")
        for _ in range(2):
            model.fit(X, Y, epochs=2, verbose=0, callbacks=[keras.callbacks.CSVLogger(ruta, append=True)])
        with open(ruta) as f:
            return len(f.read().strip().splitlines())


@fragmento("LambdaCallback(on_epoch_end=lambda epoch, logs: …)")
def lambda_callback(keras):
    vistas = []
    cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: vistas.append((epoch, round(logs["loss"], 5))),
                                        on_train_end=lambda logs: vistas.append("fin"))
    model = _modelo(keras)
    model.fit(X, Y, epochs=2, batch_size=5, shuffle=False, callbacks=[cb], verbose=0)
    return vistas


@fragmento("LambdaCallback(on_batch_end=…) cuenta los lotes")
def lambda_callback_lotes(keras):
    lotes = []
    cb = keras.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: lotes.append(batch))
    _modelo(keras).fit(X, Y, epochs=1, batch_size=6, callbacks=[cb], verbose=0)
    return lotes


@fragmento("TerminateOnNaN detiene un entrenamiento que diverge")
def terminate_on_nan(keras):
    model = _modelo(keras, eta=1e6)
    historia = model.fit(X * 100, Y * 100, epochs=5, batch_size=2, shuffle=False, verbose=0,
                         callbacks=[keras.callbacks.TerminateOnNaN()])
    return {"paro_antes": len(historia.epoch) < 5 or bool(model.stop_training)}


@fragmento("varios callbacks a la vez en una lista")
def varios_callbacks(keras):
    model = _modelo(keras, eta=0.3)
    with tempfile.TemporaryDirectory() as carpeta:
        cbs = [keras.callbacks.EarlyStopping(monitor="loss", patience=2),
               keras.callbacks.CSVLogger(os.path.join(carpeta, "log.csv")),
               keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=1)]
        historia = model.fit(X, Y, epochs=3, batch_size=5, shuffle=False, callbacks=cbs, verbose=0)
    return historia.history["loss"]


@fragmento("keras.callbacks.History y Callback son clases del módulo")
def clases_del_modulo(keras):
    return [hasattr(keras.callbacks, n) for n in ("Callback", "History", "EarlyStopping", "ModelCheckpoint")]


@fragmento("un callback que guarda la exactitud de validación de un clasificador")
def callback_clasificador(keras):
    class Mejor(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.mejor = -1.0

        def on_epoch_end(self, epoch, logs=None):
            self.mejor = max(self.mejor, logs["val_accuracy"])

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(3, activation="softmax")])
    pesos_fijos(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    cb = Mejor()
    model.fit(X, enteros((20,), 3), epochs=3, batch_size=5, validation_split=0.25, shuffle=False, callbacks=[cb],
              verbose=0)
    return cb.mejor


test_fragmento = prueba("callbacks")
