"""Una red convolucional sencilla para MNIST (como el ejemplo «Simple MNIST convnet» de keras.io).

Cambia solo la línea del import para usar course_lib:  from course_lib import nn as keras
Datos: los 10 000 dígitos de data/mnist_10k.npz del curso (aquí, una parte, para que vaya rápido).
"""

import numpy as np

import keras
from keras import layers

from course_lib.data import load_mnist

# Los datos: imágenes (N, 28, 28, 1) en [0, 1] y etiquetas 0–9, barajadas y divididas.
num_classes = 10
input_shape = (28, 28, 1)
x, y = load_mnist()
order = np.random.default_rng(0).permutation(len(x))
x, y = x[order].astype("float32"), y[order]
x_train, y_train = x[:1500], y[:1500]
x_test, y_test = x[1500:2000], y[1500:2000]
print("x_train:", x_train.shape, "-", x_train.shape[0], "ejemplos de entrenamiento,", x_test.shape[0], "de prueba")

# Las etiquetas en one-hot, para la entropía cruzada categórica.
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

# El modelo: dos bloques convolución + max pooling, aplanar, dropout y softmax.
keras.utils.set_random_seed(1)
model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
model.summary()

# Entrenar, reservando el 10 % para validación.
batch_size = 64
epochs = 3
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0)

# Evaluar con los datos de prueba.
score = model.evaluate(x_test, y_test, verbose=0)
print("Pérdida en la prueba:", score[0])
print("Exactitud en la prueba:", score[1])
