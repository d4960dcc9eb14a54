"""Pruebas del modelo Sequential: resumen y recuentos de parámetros, guardado y carga."""

import os

import numpy as np
import pytest

from course_lib.nn import (
    SGD,
    Adam,
    BatchNormalization,
    Conv2D,
    CourseError,
    Dense,
    Dropout,
    Flatten,
    MaxPooling2D,
    Sequential,
    config,
    load_model,
    losses,
    optimizers,
)
from course_lib.nn import saving as saving_module
from course_lib.nn import summary as summary_module


def keras_example_of_the_notes(input_dim=4, output_dim=3):
    """El Sequential de los apuntes (errata PRA-01 corregida): 3 capas ocultas, dropout y salida softmax."""
    return Sequential([
        Dense(64, activation="relu", input_shape=(input_dim,)),
        Dense(128, activation="relu"),
        Dense(64, activation="relu"),
        Dropout(0.2),
        Dense(output_dim, activation="softmax"),
    ])


def cnn_example_32x32x3(filters=(8, 16), channels=3):
    """El ejemplo CNN corregido del capítulo 7 (errata CNN-15): conv 5×5 → pool → conv 5×5 → pool → 120 → 84 → 10."""
    return Sequential([
        Conv2D(filters[0], 5, activation="relu", input_shape=(32, 32, channels)),
        MaxPooling2D(2),
        Conv2D(filters[1], 5, activation="relu"),
        MaxPooling2D(2),
        Flatten(),
        Dense(120, activation="relu"),
        Dense(84, activation="relu"),
        Dense(10, activation="softmax"),
    ])


# ---------------------------------------------------------------- recuentos y resumen
def test_keras_example_has_17091_parameters(capsys):
    model = keras_example_of_the_notes()
    assert model.count_params() == 320 + 8320 + 8256 + 195 == 17091
    model.summary()
    out = capsys.readouterr().out
    assert "Capa (tipo)" in out and "Forma de salida" in out and "Parámetros" in out
    assert "Parámetros totales: 17 091" in out
    assert "Parámetros entrenables: 17 091" in out
    assert "Parámetros no entrenables: 0" in out
    assert "(None, 128)" in out and "8320" in out and "8256" in out  # 4 cifras: sin separar (RAE)


def test_cnn_example_has_62958_parameters(capsys):
    model = cnn_example_32x32x3()
    assert model.count_params() == 608 + 3216 + 48120 + 10164 + 850 == 62958
    model.summary()
    out = capsys.readouterr().out
    assert "Parámetros totales: 62 958" in out
    for shape in ["(None, 28, 28, 8)", "(None, 14, 14, 8)", "(None, 10, 10, 16)", "(None, 5, 5, 16)",
                  "(None, 400)", "(None, 10)"]:
        assert shape in out
    for count in ["608", "3216", "48 120", "10 164", "850"]:
        assert count in out
    # Anexo C: la variante con 6 filtros e imágenes en gris tiene 61 706 parámetros.
    assert cnn_example_32x32x3(filters=(6, 16), channels=1).count_params() == 61706


def test_penguin_network_has_73_parameters():
    model = Sequential([Dense(5, activation="relu", input_shape=(4,)), Dense(5, activation="relu"), Dense(3)])
    assert model.count_params() == 73


def test_batch_normalization_statistics_are_non_trainable(capsys):
    model = Sequential([Dense(10, input_shape=(4,)), BatchNormalization(), Dense(2)])
    model.summary()
    out = capsys.readouterr().out
    assert model.count_params() == 50 + 40 + 22
    assert "Parámetros entrenables: 92" in out and "Parámetros no entrenables: 20" in out


def test_summary_needs_the_input_shape_then_works_after_fit(capsys):
    model = Sequential([Dense(4, activation="relu"), Dense(1)])
    with pytest.raises(CourseError, match="input_shape"):
        model.summary()
    with pytest.raises(CourseError, match="input_shape"):
        model.count_params()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 3)), np.zeros(8), epochs=1, verbose=0)
    model.summary()
    assert "Parámetros totales: 21" in capsys.readouterr().out


def test_thousands_are_grouped_the_spanish_way():
    assert summary_module.format_thousands(9999) == "9999"
    assert summary_module.format_thousands(17091) == "17 091"
    assert summary_module.format_thousands(1234567) == "1 234 567"


# ---------------------------------------------------------------- guardar y cargar
@pytest.fixture
def trained_model():
    """Una CNN pequeña con BatchNormalization y Dropout, entrenada un poco."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6, 6, 2))
    y = rng.integers(0, 3, size=64)
    model = Sequential([
        Conv2D(4, 3, padding="same", activation="relu", input_shape=(6, 6, 2)),
        BatchNormalization(),
        MaxPooling2D(2),
        Flatten(),
        Dropout(0.25),
        Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy", metrics=["acc"])
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, seed=0)
    return model, x, y


def test_save_and_load_round_trip_is_bit_exact(trained_model, tmp_path):
    model, x, y = trained_model
    bn = model.layers[1]
    assert np.any(bn.state["moving_mean"] != 0) and np.any(bn.state["moving_variance"] != 1)
    path = tmp_path / "modelo.npz"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    # La compilación también viaja: optimizador, pérdida y métricas.
    assert isinstance(loaded.optimizer, optimizers.Adam) and loaded.optimizer.learning_rate == 0.01
    assert isinstance(loaded.loss, losses.SparseCategoricalCrossentropy)
    assert loaded.evaluate(x, y) == model.evaluate(x, y)


def test_training_continues_identically_after_loading(trained_model, tmp_path):
    """También se guarda el estado del optimizador (m, v y t de Adam)."""
    model, x, y = trained_model
    model.save(tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.optimizer.iterations == model.optimizer.iterations == 12
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, seed=5)
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0, seed=5)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_float64_model_keeps_its_precision(tmp_path):
    config.set_floatx("float64")
    try:
        model = Sequential([Dense(3, input_shape=(2,))])
        model.save(tmp_path / "f64.npz")
    finally:
        config.set_floatx("float32")
    loaded = load_model(tmp_path / "f64.npz")
    assert loaded.layers[0].params["W"].dtype == np.float64
    assert config.floatx() == "float32"
    np.testing.assert_array_equal(loaded.layers[0].params["W"], model.layers[0].params["W"])


def test_save_uncompiled_model(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.save(tmp_path / "sin_compilar.npz")
    loaded = load_model(tmp_path / "sin_compilar.npz")
    assert loaded.loss is None
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 3))), model.predict(np.ones((1, 3))))


def test_file_holds_no_pickle(trained_model, tmp_path):
    model, _, _ = trained_model
    model.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)


def test_save_is_atomic(trained_model, tmp_path, monkeypatch):
    """Un fallo a mitad de escritura deja intacto el archivo anterior y no deja temporales."""
    model, x, _ = trained_model
    path = tmp_path / "modelo.npz"
    model.save(path)
    expected = model.predict(x)

    other = Sequential([Dense(1, input_shape=(3,))])

    def crash_while_writing(file, arrays):
        file.write(b"PK\x03\x04 medio archivo")
        raise OSError("disco lleno (simulado)")

    monkeypatch.setattr(saving_module, "_write_npz", crash_while_writing)
    with pytest.raises(OSError, match="simulado"):
        other.save(path)
    assert os.listdir(tmp_path) == ["modelo.npz"]
    np.testing.assert_array_equal(load_model(path).predict(x), expected)


def test_load_missing_file(tmp_path):
    with pytest.raises(CourseError, match="no existe el archivo.*se esperaba un modelo guardado"):
        load_model(tmp_path / "no_existe.npz")


def test_load_truncated_file(trained_model, tmp_path):
    model, _, _ = trained_model
    model.save(tmp_path / "m.npz")
    content = (tmp_path / "m.npz").read_bytes()
    (tmp_path / "truncado.npz").write_bytes(content[: len(content) // 2])
    with pytest.raises(CourseError, match="(?i)dañado o truncado.*se esperaba un modelo guardado"):
        load_model(tmp_path / "truncado.npz")


def test_load_foreign_files(tmp_path):
    np.savez(tmp_path / "ajeno.npz", a=np.arange(3), b=np.ones((2, 2)))
    with pytest.raises(CourseError, match="no contiene la configuración de un modelo"):
        load_model(tmp_path / "ajeno.npz")
    (tmp_path / "texto.npz").write_text("esto no es un modelo\n", encoding="utf-8")
    with pytest.raises(CourseError, match="(?i)se esperaba un modelo guardado"):
        load_model(tmp_path / "texto.npz")
    np.save(tmp_path / "array.npy", np.arange(5))
    with pytest.raises(CourseError, match="(?i)se esperaba un modelo guardado"):
        load_model(tmp_path / "array.npy")
    np.savez(tmp_path / "otro_formato.npz", __config__=np.array('{"format": "otra cosa"}'))
    with pytest.raises(CourseError, match="no tiene el formato"):
        load_model(tmp_path / "otro_formato.npz")


def test_get_and_set_weights(trained_model):
    model, x, _ = trained_model
    weights = model.get_weights()
    before = model.predict(x)
    model.set_weights([w * 0 for w in weights])
    assert not np.array_equal(model.predict(x), before)
    model.set_weights(weights)
    np.testing.assert_array_equal(model.predict(x), before)
    with pytest.raises(CourseError, match="arrays de pesos"):
        model.set_weights(weights[:-1])


def test_optimizer_and_loss_accept_objects_and_names():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer=SGD(learning_rate=0.1, momentum=0.9), loss=losses.MeanSquaredError(), metrics=["mae"])
    assert model.optimizer.momentum == 0.9
    model.compile(optimizer="adam", loss="mean_squared_error", metrics=["mse", "mae"])
    result = model.evaluate(np.ones((4, 2)), np.zeros(4))
    assert isinstance(result, list) and len(result) == 3
    assert result[1] == pytest.approx(result[0])  # sin regularización, la pérdida ECM es la métrica mse


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "mse"])
def test_whole_network_gradient_matches_numerical(loss):
    """El gradiente que usa fit (pérdida → backward por todas las capas, con L2) es el numérico."""
    from course_lib.nn import L2, gradient_check

    config.set_floatx("float64")
    try:
        config.set_seed(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(6, 4))
        y = np.eye(3)[rng.integers(0, 3, size=6)]
        model = Sequential([
            Dense(5, activation="tanh", kernel_regularizer=L2(0.01), input_shape=(4,)),
            BatchNormalization(),
            Dense(3, activation="softmax", kernel_regularizer=L2(0.01)),
        ])
        model.compile(optimizer="sgd", loss=loss)
        targets = model.loss.prepare_targets(y, (6, 3))

        def cost(_params):
            return model.loss.value(targets, model.forward(x, training=True)) + model.regularization_loss()

        model.backward(model.loss.grad(targets, model.forward(x, training=True)))
        params = {f"{i}/{k}": v for i, layer in enumerate(model.layers) for k, v in layer.params.items()}
        grads = {f"{i}/{k}": v.copy() for i, layer in enumerate(model.layers) for k, v in layer.grads.items()}
        result = gradient_check(cost, params, grads)
        assert result.max_error < 1e-7, result
    finally:
        config.set_floatx("float32")


def test_load_file_with_incomplete_configuration(tmp_path):
    np.savez(tmp_path / "incompleto.npz", __config__=np.array('{"format": "course_lib.nn.Sequential"}'))
    with pytest.raises(CourseError, match="configuración guardada .* no es válida"):
        load_model(tmp_path / "incompleto.npz")
    assert config.floatx() == "float32"


def test_build_creates_the_weights_before_fit():
    """Las capas se construyen al usarlas (así fit(seed=…) fija también los pesos iniciales);
    model.build() las crea antes, para inspeccionarlas o cambiarlas."""
    model = Sequential([Dense(5, activation="relu", input_shape=(4,)), Dense(3)])
    assert not model.built
    model.build()
    assert model.built
    assert model.layers[0].params["W"].shape == (4, 5)
    assert model.count_params() == 4 * 5 + 5 + 5 * 3 + 3
