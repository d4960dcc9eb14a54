"""Clasificación de series temporales con una red totalmente convolucional 1-D (como el ejemplo de
keras.io «Timeseries classification from scratch»), con puntos de control (ModelCheckpoint) y
una tasa de aprendizaje que decae con un programa (CosineDecay).

Cambia solo la línea del import para usar course_lib:  from course_lib import nn as keras
Datos: series sintéticas de 64 pasos; las de clase 1 llevan escondido un pulso corto de alta
frecuencia en un lugar al azar (en vez de FordA, que habría que descargar).
"""

import numpy as np

import keras
from keras import layers

length = 64
rng = np.random.default_rng(5)


def make_series(n):
    t = np.arange(length)
    x = 0.5 * np.sin(2 * np.pi * t / rng.uniform(20, 40, size=(n, 1)) + rng.uniform(0, 6, size=(n, 1)))
    x += 0.3 * rng.standard_normal((n, length))
    y = rng.integers(0, 2, size=n)
    for i in np.flatnonzero(y):
        start = rng.integers(0, length - 8)
        x[i, start:start + 8] += 1.5 * np.sin(np.pi * np.arange(8) / 2)
    return x[..., np.newaxis].astype("float32"), y


x_train, y_train = make_series(400)
x_test, y_test = make_series(200)
num_classes = len(np.unique(y_train))
print("Series de entrenamiento:", x_train.shape, "- clases:", num_classes)


def make_model(input_shape):
    input_layer = keras.layers.Input(input_shape)

    conv1 = keras.layers.Conv1D(filters=16, kernel_size=3, padding="same")(input_layer)
    conv1 = keras.layers.BatchNormalization()(conv1)
    conv1 = keras.layers.ReLU()(conv1)

    conv2 = keras.layers.Conv1D(filters=16, kernel_size=3, padding="same")(conv1)
    conv2 = keras.layers.BatchNormalization()(conv2)
    conv2 = keras.layers.ReLU()(conv2)

    conv3 = keras.layers.Conv1D(filters=16, kernel_size=3, padding="same")(conv2)
    conv3 = keras.layers.BatchNormalization()(conv3)
    conv3 = keras.layers.ReLU()(conv3)

    gap = keras.layers.GlobalAveragePooling1D()(conv3)

    output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)

    return keras.models.Model(inputs=input_layer, outputs=output_layer)


keras.utils.set_random_seed(6)
model = make_model(input_shape=x_train.shape[1:])

epochs = 8
batch_size = 32
steps = epochs * int(np.ceil(0.8 * len(x_train) / batch_size))
schedule = keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.01, decay_steps=steps, alpha=0.1)

callbacks = [
    keras.callbacks.ModelCheckpoint("best_model.keras", save_best_only=True, monitor="val_loss"),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, verbose=1),
]
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=schedule),
    loss="sparse_categorical_crossentropy",
    metrics=["sparse_categorical_accuracy"],
)
history = model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    callbacks=callbacks,
    validation_split=0.2,
    verbose=0,
)

# El mejor modelo guardado (menor pérdida de validación), evaluado con los datos de prueba.
model = keras.models.load_model("best_model.keras")
test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
print("Exactitud en la prueba:", test_acc)
print("Pérdida en la prueba:", test_loss)
