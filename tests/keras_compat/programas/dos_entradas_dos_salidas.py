"""Un modelo funcional con dos entradas y dos salidas (como el ejemplo de la guía de la API funcional
de keras.io: ordenar las incidencias que llegan a un servicio de atención).

Cambia solo la línea del import para usar course_lib:  from course_lib import nn as keras
Entradas: el título de la incidencia (una secuencia de palabras) y sus etiquetas (un vector
binario). Salidas: la prioridad (un número entre 0 y 1) y el departamento que debe atenderla.
Datos sintéticos en los que las dos salidas dependen de las entradas.
"""

import numpy as np

import keras
from keras import layers

num_tags = 8  # etiquetas posibles
num_words = 40  # palabras del vocabulario
num_departments = 3
title_length = 10
n = 600
rng = np.random.default_rng(7)

# Datos: el departamento depende de qué palabras clave hay en el título; la prioridad, de las etiquetas.
title_data = rng.integers(3, num_words, size=(n, title_length))
dept_targets = rng.integers(0, num_departments, size=n)
title_data[np.arange(n), rng.integers(0, title_length, size=n)] = dept_targets  # palabra clave 0, 1 o 2
tags_data = rng.integers(0, 2, size=(n, num_tags)).astype("float32")
priority_targets = (tags_data[:, :3].sum(axis=1, keepdims=True) / 3).astype("float32")
dept_targets = keras.utils.to_categorical(dept_targets, num_departments)

keras.utils.set_random_seed(8)
title_input = keras.Input(shape=(title_length,), name="title")
tags_input = keras.Input(shape=(num_tags,), name="tags")

# Cada palabra del título, un vector de 16 dimensiones; la secuencia, un vector de 16 (LSTM).
title_features = layers.Embedding(num_words, 16)(title_input)
title_features = layers.LSTM(16)(title_features)

# Juntar las características del título y las etiquetas.
x = layers.concatenate([title_features, tags_input])
x = layers.Dense(32, activation="relu")(x)

# Una regresión logística para la prioridad y un clasificador para el departamento.
priority_pred = layers.Dense(1, activation="sigmoid", name="priority")(x)
department_pred = layers.Dense(num_departments, activation="softmax", name="department")(x)

model = keras.Model(inputs=[title_input, tags_input], outputs=[priority_pred, department_pred])
model.summary()

model.compile(
    optimizer=keras.optimizers.Adam(0.01),
    loss={"priority": keras.losses.MeanSquaredError(), "department": keras.losses.CategoricalCrossentropy()},
    loss_weights={"priority": 1.0, "department": 0.5},
    metrics={"department": ["accuracy"]},
)
history = model.fit(
    {"title": title_data[:500], "tags": tags_data[:500]},
    {"priority": priority_targets[:500], "department": dept_targets[:500]},
    epochs=8,
    batch_size=32,
    verbose=0,
)
results = model.evaluate(
    {"title": title_data[500:], "tags": tags_data[500:]},
    {"priority": priority_targets[500:], "department": dept_targets[500:]},
    return_dict=True,
    verbose=0,
)
print("Resultados en los datos apartados:", results)
priority, department = model.predict({"title": title_data[500:], "tags": tags_data[500:]}, verbose=0)
print("Predicciones:", priority.shape, department.shape)
