"""Aprendizaje de verdad con las redes del capítulo 13, en segundos y con semillas fijas.

- Una LSTM recuerda el primer símbolo de una secuencia de 40 pasos (4 de 5 semillas aquí); una
  SimpleRNN del mismo tamaño, entrenada igual, se queda en el azar (0 de 5).
- Un Transformer pequeño (incrustaciones de símbolos y posiciones, autoatención, conexiones
  residuales, normalización por capa y red densa) aprende una tarea de secuencias (≥ 95 %).
- Un MLP residual de 22 capas entrena donde el mismo MLP sin atajos se queda parado.
- Un autocodificador denso reconstruye los dígitos mucho mejor que la imagen media.
- Una GAN, escrita como en Keras (discriminador congelado dentro del modelo combinado), lleva sus
  muestras sobre la distribución de los datos.
"""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_moons

from course_lib.nn import (
    LSTM,
    SGD,
    Adam,
    Add,
    Dense,
    Embedding,
    GlobalAveragePooling1D,
    Input,
    LayerNormalization,
    Model,
    MultiHeadAttention,
    Sequential,
    SimpleRNN,
    config,
)


# ----------------------------------------------------------------------------- memoria larga
def first_symbol_task(n, steps=40, seed=0):
    """En cada paso, un símbolo ±1 al azar; una marca en el primer paso. Etiqueta: el primer símbolo."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, steps, 2), dtype="float32")
    x[:, :, 0] = rng.choice([-1.0, 1.0], (n, steps))
    x[:, 0, 1] = 1.0
    return x, (x[:, 0, 0] > 0).astype(int)


def test_lstm_remembers_the_first_symbol_where_simple_rnn_fails():
    """Cinco semillas, mismo tamaño (8 unidades), mismo optimizador y mismas épocas para las dos redes.

    La LSTM lo resuelve en casi todas (con alguna semilla se queda en el azar: el aprendizaje de la
    puerta de entrada tiene una meseta); la SimpleRNN, como mucho en alguna suelta (con su U ortogonal
    puede guardar el símbolo si acierta a ignorar los 39 siguientes, pero rara vez lo aprende).
    """
    x_train, y_train = first_symbol_task(512, seed=1)
    x_test, y_test = first_symbol_task(256, seed=2)
    accuracy = {"LSTM": [], "SimpleRNN": []}
    for kind in (LSTM, SimpleRNN):
        for seed in range(5):
            model = Sequential([kind(8), Dense(2, activation="softmax")])
            model.compile(optimizer=Adam(0.005, clipnorm=1.0), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0, seed=seed)
            accuracy[kind.__name__].append(model.evaluate(x_test, y_test)[1])
    # Medido aquí (semillas 0–4): LSTM 0,51 / 1,00 / 1,00 / 0,98 / 1,00; SimpleRNN 0,56 / 0,53 / 0,50 / 0,50 / 0,50.
    # Los umbrales dejan margen para otra CPU u otro BLAS, sin dejar de exigir la diferencia.
    assert sum(a >= 0.95 for a in accuracy["LSTM"]) >= 3, accuracy
    assert sum(a >= 0.95 for a in accuracy["SimpleRNN"]) <= 1, accuracy
    assert np.median(accuracy["SimpleRNN"]) <= 0.65, accuracy
    assert np.mean(accuracy["LSTM"]) - np.mean(accuracy["SimpleRNN"]) >= 0.25, accuracy


# ----------------------------------------------------------------------------- Transformer
def transformer_encoder(steps, vocabulary, size=16, heads=2):
    tokens, positions = Input(shape=(steps,)), Input(shape=(steps,))
    h = Add()([Embedding(vocabulary, size)(tokens), Embedding(steps, size)(positions)])  # posición aprendida
    h = LayerNormalization()(Add()([h, MultiHeadAttention(num_heads=heads, key_dim=size // heads)(h, h)]))
    feed_forward = Dense(size)(Dense(2 * size, activation="relu")(h))
    h = LayerNormalization()(Add()([h, feed_forward]))
    outputs = Dense(vocabulary, activation="softmax")(GlobalAveragePooling1D()(h))
    return Model([tokens, positions], outputs)


def test_small_transformer_encoder_learns_which_symbol_came_first():
    """Tras promediar las posiciones, solo la atención y la posición dicen qué símbolo iba primero."""
    steps, vocabulary = 10, 5

    def data(n, seed):
        x = np.random.default_rng(seed).integers(0, vocabulary, (n, steps))
        return [x, np.tile(np.arange(steps), (n, 1))], x[:, 0]

    x_train, y_train = data(1000, 1)
    x_test, y_test = data(500, 2)
    model = transformer_encoder(steps, vocabulary)
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=6, batch_size=32, verbose=0, seed=0)
    assert model.evaluate(x_test, y_test)[1] >= 0.95


# ----------------------------------------------------------------------------- red residual profunda
def deep_mlp(residual, blocks=10, width=16):
    """1 + 2·blocks + 1 = 22 capas densas con sigmoide; con residual=True, h ← h + F(h) en cada bloque."""
    inputs = Input(shape=(2,))
    h = Dense(width)(inputs)
    for _ in range(blocks):
        branch = Dense(width)(Dense(width, activation="sigmoid")(h))
        h = Add()([h, branch]) if residual else branch
    return Model(inputs, Dense(1, activation="sigmoid")(h))


def test_deep_residual_mlp_trains_where_the_plain_one_stalls():
    x, y = make_moons(600, noise=0.15, random_state=0)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    results = {}
    for residual in (False, True):
        model = deep_mlp(residual)
        assert sum(isinstance(layer, Dense) for layer in model.layers) == 22
        model.compile(optimizer=SGD(0.02, momentum=0.9), loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=15, batch_size=32, verbose=0, seed=0)
        results[residual] = (history.history["loss"][-1], history.history["accuracy"][-1])
    assert results[False][0] > 0.65 and results[False][1] < 0.6, results     # ln 2 ≈ 0,693: no aprende
    assert results[True][0] < 0.35 and results[True][1] > 0.85, results    # medido: 0,24 y 0,90


# ----------------------------------------------------------------------------- autocodificador
def test_dense_autoencoder_reconstructs_the_digits():
    x = load_digits().data / 16.0
    order = np.random.default_rng(0).permutation(len(x))
    train, test = x[order[:1400]], x[order[1400:]]
    autoencoder = Sequential([
        Dense(32, activation="relu", input_shape=(64,)), Dense(8, activation="relu"),   # codificador: 64 → 8
        Dense(32, activation="relu"), Dense(64, activation="sigmoid"),                  # decodificador: 8 → 64
    ])
    autoencoder.compile(optimizer=Adam(0.01), loss="mse")
    autoencoder.fit(train, train, epochs=20, batch_size=64, verbose=0, seed=0)
    mean_image_error = np.mean((test - train.mean(axis=0)) ** 2)
    assert autoencoder.evaluate(test, test) < 0.5 * mean_image_error


# ----------------------------------------------------------------------------- GAN
def test_gan_moves_its_samples_onto_the_data():
    config.set_seed(0)
    mean, std = np.array([2.0, -1.0]), np.array([0.5, 0.2])
    generator = Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(16, activation="relu"), Dense(2)],
                           name="generador")
    discriminator = Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(16, activation="relu"),
                                Dense(1, activation="sigmoid")], name="discriminador")
    discriminator.compile(optimizer=Adam(0.005, beta_1=0.5), loss="binary_crossentropy")
    discriminator.trainable = False   # dentro de la GAN solo aprende el generador
    z = Input(shape=(2,))
    gan = Model(z, discriminator(generator(z)), name="gan")
    gan.compile(optimizer=Adam(0.005, beta_1=0.5), loss="binary_crossentropy")

    rng = np.random.default_rng(0)
    noise = rng.standard_normal((500, 2))

    def inside_data(samples):  # fracción de muestras dentro de la elipse de 3σ de los datos
        return np.mean(np.sum(((samples - mean) / std) ** 2, axis=1) < 9)

    before = generator.predict(noise)
    batch = 64
    for _ in range(500):
        real = mean + std * rng.standard_normal((batch, 2))
        fake = generator.predict(rng.standard_normal((batch, 2)))
        discriminator.train_on_batch(np.concatenate([real, fake]), np.r_[np.ones(batch), np.zeros(batch)])
        gan.train_on_batch(rng.standard_normal((batch, 2)), np.ones(batch))
    after = generator.predict(noise)
    assert inside_data(before) < 0.1 and inside_data(after) > 0.8
    assert np.linalg.norm(after.mean(axis=0) - mean) < 0.25 * np.linalg.norm(before.mean(axis=0) - mean)


pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")
