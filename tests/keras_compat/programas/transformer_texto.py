"""Clasificación de texto con un bloque Transformer (como el ejemplo de keras.io «Text
classification with Transformer»), con el bloque y las incrustaciones escritos como capas propias.

Cambia solo la línea del import para usar course_lib:  from course_lib import nn as keras
Datos: «reseñas» sintéticas de palabras al azar; la clase es 1 si hay más palabras del grupo
positivo que del negativo (en vez de IMDB, que habría que descargar).
"""

import numpy as np

import keras
from keras import layers, ops


# El bloque Transformer: autoatención, atajo y normalización; red densa, atajo y normalización.
class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


# Incrustaciones de las palabras y de sus posiciones, sumadas.
class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


# Los datos: secuencias de longitud variable, rellenadas a maxlen con pad_sequences.
vocab_size = 60
maxlen = 24
rng = np.random.default_rng(0)
positive, negative = np.arange(2, 12), np.arange(12, 22)


def make_reviews(n):
    reviews, labels = [], []
    for _ in range(n):
        length = rng.integers(8, maxlen + 1)
        review = rng.integers(22, vocab_size, size=length)
        n_pos, n_neg = rng.integers(0, 5, size=2)
        places = rng.choice(length, size=min(length, n_pos + n_neg), replace=False)
        review[places[:n_pos]] = rng.choice(positive, size=len(places[:n_pos]))
        review[places[n_pos:]] = rng.choice(negative, size=len(places[n_pos:]))
        reviews.append(list(review))
        labels.append(int(n_pos > n_neg))
    return reviews, np.array(labels)


x_train, y_train = make_reviews(800)
x_val, y_val = make_reviews(200)
x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)
print(len(x_train), "secuencias de entrenamiento,", len(x_val), "de validación")

# El modelo.
embed_dim = 16  # tamaño de la incrustación de cada palabra
num_heads = 2  # cabezas de atención
ff_dim = 32  # neuronas de la red densa dentro del bloque

keras.utils.set_random_seed(2)
inputs = layers.Input(shape=(maxlen,))
embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
x = embedding_layer(inputs)
transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim)
x = transformer_block(x)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dropout(0.1)(x)
x = layers.Dense(20, activation="relu")(x)
x = layers.Dropout(0.1)(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)

# Entrenar y evaluar.
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=4, validation_data=(x_val, y_val), verbose=0)
loss, accuracy = model.evaluate(x_val, y_val, verbose=0)
print(f"Exactitud en validación: {accuracy:.3f}")
