"""Una LSTM bidireccional para clasificar secuencias (como el ejemplo de keras.io «Bidirectional
LSTM on IMDB»).

Cambia solo la línea del import para usar course_lib:  from course_lib import nn as keras
Datos: secuencias sintéticas de palabras; la clase depende del ORDEN de dos palabras clave (si la
palabra 3 aparece antes que la 4), algo que una bolsa de palabras no puede ver y una red
recurrente sí.
"""

import numpy as np

import keras
from keras import layers

max_features = 30  # palabras del vocabulario
maxlen = 12  # longitud de cada secuencia (se rellena o recorta)
rng = np.random.default_rng(3)


def make_data(n):
    sequences, labels = [], []
    for _ in range(n):
        length = rng.integers(6, maxlen + 1)
        seq = list(rng.integers(5, max_features, size=length))
        i, j = sorted(rng.choice(length, size=2, replace=False))
        first, second = (3, 4) if rng.random() < 0.5 else (4, 3)
        seq[i], seq[j] = first, second
        sequences.append(seq)
        labels.append(int(first == 3))
    return sequences, np.array(labels)


x_train, y_train = make_data(600)
x_val, y_val = make_data(200)
print(len(x_train), "secuencias de entrenamiento")
x_train = keras.preprocessing.sequence.pad_sequences(x_train, maxlen=maxlen)
x_val = keras.preprocessing.sequence.pad_sequences(x_val, maxlen=maxlen)

# Entrada de enteros de longitud variable.
keras.utils.set_random_seed(4)
inputs = keras.Input(shape=(None,), dtype="int32")
# Cada entero, un vector de 16 dimensiones.
x = layers.Embedding(max_features, 16)(inputs)
# Dos LSTM bidireccionales.
x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(16))(x)
# Un clasificador.
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()

model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=6, validation_data=(x_val, y_val), verbose=0)
val_loss, val_accuracy = model.evaluate(x_val, y_val, verbose=0)
print(f"Exactitud en validación: {val_accuracy:.3f}")
