"""Un entrenamiento con callbacks propios (como la guía de keras.io «Writing your own callbacks»):
uno que anota la pérdida de cada lote, una parada temprana propia que recupera los mejores pesos,
un programa propio de la tasa de aprendizaje por épocas y un LambdaCallback.

Cambia solo la línea del import para usar course_lib:  from course_lib import nn as keras
Datos: 2 000 dígitos de data/mnist_10k.npz del curso, aplanados a vectores de 784 valores.
"""

import numpy as np

import keras

from course_lib.data import load_mnist

x, y = load_mnist()
order = np.random.default_rng(9).permutation(len(x))
x = x[order].reshape(-1, 784).astype("float32")
y = y[order]
x_train, y_train = x[:1600], y[:1600]
x_test, y_test = x[1600:2000], y[1600:2000]


def get_model():
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class LossPerBatch(keras.callbacks.Callback):
    """Anota la pérdida que llega en los logs de cada lote."""

    def on_train_begin(self, logs=None):
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(logs["loss"])


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    """Para cuando la pérdida deja de bajar durante `patience` épocas y recupera los mejores pesos."""

    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Época {self.stopped_epoch + 1}: parada temprana")


class CustomLearningRateScheduler(keras.callbacks.Callback):
    """Cambia la tasa de aprendizaje al empezar cada época según `schedule(época, tasa)`."""

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        scheduled_lr = self.schedule(epoch, lr)
        self.model.optimizer.learning_rate = scheduled_lr
        print(f"Época {epoch + 1}: la tasa de aprendizaje es {scheduled_lr:.4f}.")


LR_SCHEDULE = [(3, 0.05), (5, 0.02)]  # (época desde la que vale, tasa)


def lr_schedule(epoch, lr):
    for start, rate in LR_SCHEDULE:
        if epoch == start:
            return rate
    return lr


keras.utils.set_random_seed(10)
model = get_model()
loss_per_batch = LossPerBatch()
epoch_log = []
history = model.fit(
    x_train,
    y_train,
    batch_size=64,
    epochs=6,
    verbose=0,
    validation_split=0.1,
    callbacks=[
        loss_per_batch,
        EarlyStoppingAtMinLoss(patience=1),
        CustomLearningRateScheduler(lr_schedule),
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: epoch_log.append(logs["val_accuracy"])),
        keras.callbacks.CSVLogger("training.csv"),
    ],
)
final_lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"{len(loss_per_batch.losses)} lotes; exactitud en la prueba: {accuracy:.3f}; tasa final: {final_lr}")
