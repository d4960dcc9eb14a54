"""Pruebas de entrenamiento de extremo a extremo: redes de verdad con datos de verdad.

Cada prueba tarda pocos segundos en 2 núcleos.
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_lib import data
from course_lib.nn import (
    SGD,
    Adam,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    EarlyStopping,
    Flatten,
    MaxPooling2D,
    Sequential,
    TrainingWarning,
)

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


@pytest.fixture(scope="module")
def penguins():
    """Pingüinos sin faltantes, división estratificada 70/30 y estandarización ajustada solo con entrenamiento."""
    df = data.load_penguins().dropna()
    X = df[FEATURES].to_numpy()
    y = df["species"].astype("category").cat.codes.to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def penguin_network():
    """La red de los apuntes: 4 entradas, dos capas ocultas de 5 neuronas y 3 salidas (73 parámetros)."""
    return Sequential([
        Dense(5, activation="relu", input_shape=(4,)),
        Dense(5, activation="relu"),
        Dense(3, activation="softmax"),
    ])


def test_penguin_network_reaches_97_percent(penguins):
    X_train, X_test, y_train, y_test = penguins
    model = penguin_network()
    assert model.count_params() == 73
    model.compile(optimizer=Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=100, batch_size=16, verbose=0, seed=0)
    loss, accuracy = model.evaluate(X_test, y_test)
    assert accuracy >= 0.97
    assert history.history["loss"][-1] < history.history["loss"][0] / 5
    # La exactitud de evaluate es la de las predicciones.
    assert accuracy == pytest.approx(np.mean(model.predict(X_test).argmax(axis=1) == y_test))


def test_small_cnn_on_digits_reaches_97_percent():
    X, y = data.load_digits_images() if hasattr(data, "load_digits_images") else _digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    model = Sequential([
        Conv2D(16, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
        MaxPooling2D(2),
        Flatten(),
        Dense(64, activation="relu"),
        Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=Adam(learning_rate=0.002), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=20, batch_size=16, verbose=0, seed=0)
    assert model.evaluate(X_test, y_test)[1] >= 0.97


def _digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    return (digits.images / 16.0)[..., None], digits.target


def _train_with_dropout(penguins, seed):
    X_train, _, y_train, _ = penguins
    model = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dropout(0.3), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=5, batch_size=32, verbose=0, seed=seed)
    return history.history, model.get_weights()


def test_fit_is_reproducible_with_seed(penguins):
    """Misma semilla: mismos pesos iniciales, mismo barajado, mismas máscaras de Dropout."""
    history_a, weights_a = _train_with_dropout(penguins, seed=7)
    history_b, weights_b = _train_with_dropout(penguins, seed=7)
    history_c, weights_c = _train_with_dropout(penguins, seed=8)
    assert history_a == history_b
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_array_equal(a, b)
    assert history_a != history_c
    assert any(not np.array_equal(a, c) for a, c in zip(weights_a, weights_c))


def test_early_stopping_stops_and_restores_best_weights(penguins):
    """Con etiquetas de validación barajadas, val_loss empeora pronto: la parada temprana corta el
    entrenamiento tras ``patience`` épocas sin mejora y devuelve los pesos de la mejor época."""
    X_train, X_test, y_train, y_test = penguins
    y_val_wrong = np.random.default_rng(0).permutation(y_test)
    model = penguin_network()
    model.compile(optimizer=Adam(learning_rate=0.02), loss="sparse_categorical_crossentropy")
    stopper = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = model.fit(X_train, y_train, epochs=200, batch_size=16, validation_data=(X_test, y_val_wrong),
                        callbacks=[stopper], verbose=0, seed=0)
    val_losses = history.history["val_loss"]
    best_epoch = int(np.argmin(val_losses))
    assert len(val_losses) < 200
    assert len(val_losses) == best_epoch + 1 + 3  # se detuvo tras 3 épocas sin mejorar
    assert stopper.stopped_epoch == len(val_losses) - 1 and stopper.best_epoch == best_epoch
    assert model.evaluate(X_test, y_val_wrong) == pytest.approx(val_losses[best_epoch], rel=1e-6)


def test_early_stopping_message_in_spanish(penguins, capsys):
    X_train, X_test, y_train, y_test = penguins
    model = penguin_network()
    model.compile(optimizer=Adam(learning_rate=0.02), loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=100, validation_data=(X_test, np.roll(y_test, 1)),
              callbacks=[EarlyStopping(patience=1, verbose=1)], verbose=0, seed=0)
    assert "Parada temprana en la época" in capsys.readouterr().out


def test_nan_guard_stops_and_keeps_finite_weights(penguins):
    """Con η enorme la pérdida explota: fit avisa en español, se detiene y conserva pesos finitos."""
    X_train, _, y_train, _ = penguins
    X_unscaled = X_train * 1000.0
    model = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dense(1)])
    model.compile(optimizer=SGD(learning_rate=10.0), loss="mse")
    with pytest.warns(TrainingWarning) as record:
        history = model.fit(X_unscaled, y_train.astype(float), epochs=20, batch_size=16, verbose=0, seed=0)
    messages = [str(w.message) for w in record if issubclass(w.category, TrainingWarning)]
    assert len(messages) == 1
    message = messages[0]
    assert re.search(r"La pérdida se volvió (NaN|infinita) en la época \d+, lote \d+", message)
    assert "tasa de aprendizaje (ahora 10)" in message
    assert len(history.history.get("loss", [])) < 20
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())
    assert np.isfinite(model.evaluate(X_unscaled, y_train.astype(float)))


def test_training_uses_training_mode(penguins):
    """BatchNormalization solo actualiza sus medias móviles en modo entrenamiento (training=True)."""
    X_train, _, y_train, _ = penguins
    model = Sequential([Dense(6, input_shape=(4,)), BatchNormalization(), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.predict(X_train)
    bn = model.layers[1]
    np.testing.assert_array_equal(bn.state["moving_mean"], 0)
    model.fit(X_train, y_train, epochs=2, verbose=0, seed=0)
    assert np.all(bn.state["moving_mean"] != 0)


def test_verbose_prints_one_spanish_line_per_epoch(penguins, capsys):
    X_train, X_test, y_train, y_test = penguins
    model = penguin_network()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=3, validation_data=(X_test, y_test), seed=0)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    pattern = (r"Época 2/3 - pérdida: \d,\d{4} - exactitud: \d,\d{4} - "
               r"val_pérdida: \d,\d{4} - val_exactitud: \d,\d{4}")
    assert re.fullmatch(pattern, lines[1])  # coma decimal, como todo lo que lee el estudiante
    assert f"{history.history['val_accuracy'][1]:.4f}".replace(".", ",") in lines[1]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2]
    model.fit(X_train, y_train, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""


def test_validation_split_takes_the_last_examples(penguins):
    """Como Keras: validation_split=0.25 reserva el último 25 % (antes de barajar)."""
    X_train, _, y_train, _ = penguins
    model = penguin_network()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=1, validation_split=0.25, verbose=0, seed=0)
    n_val = len(X_train) - int(np.floor(len(X_train) * 0.75))  # Keras: entrenamiento = ⌊m·(1 − 0,25)⌋
    expected = model.evaluate(X_train[-n_val:], y_train[-n_val:])
    assert history.history["val_loss"][0] == pytest.approx(expected[0], rel=1e-6)
    assert history.history["val_accuracy"][0] == pytest.approx(expected[1])


def test_regularization_is_added_to_the_loss(penguins):
    from course_lib.nn import L2, losses

    X_train, _, y_train, _ = penguins
    model = Sequential([Dense(5, activation="relu", kernel_regularizer=L2(0.1), input_shape=(4,)),
                        Dense(3, activation="softmax", kernel_regularizer=L2(0.1))])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    data_loss = losses.SparseCategoricalCrossentropy()(y_train, model.predict(X_train))
    penalty = 0.1 * sum(np.sum(layer.params["W"].astype(np.float64) ** 2) for layer in model.layers)
    assert model.evaluate(X_train, y_train) == pytest.approx(data_loss + penalty, rel=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X_train, y_train, epochs=30, verbose=0, seed=0)
    # L2 encoge los pesos: con λ = 0,1 quedan mucho más pequeños que sin regularización.
    assert np.abs(model.layers[0].params["W"]).max() < 1.5


def test_nan_guard_also_watches_the_last_update_of_an_epoch():
    """Si la última actualización de la época deja pesos no finitos, se restauran los anteriores."""
    x = np.array([[1.0], [2.0]])
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(optimizer=SGD(learning_rate=1e30), loss="mse")
    with pytest.warns(TrainingWarning, match="Los pesos se volvieron NaN o infinitos tras el lote 1 de la época 1"):
        history = model.fit(x, np.array([1e10, -1e10]), epochs=3, batch_size=2, verbose=0, shuffle=False)
    assert history.history == {}
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())
