"""El API funcional: Input, capas sobre tensores simbólicos, Add, Concatenate y Model.

Se prueba que el grafo suma los gradientes de un tensor con varios lectores (conexión residual,
autoatención), que un Model equivalente a un Sequential entrena igual hasta el último bit, que los
modelos se anidan y se congelan como en Keras, y que guardar y cargar es exacto.
"""

import numpy as np
import pytest

from course_lib.nn import (
    LSTM,
    Adam,
    Add,
    Concatenate,
    CourseError,
    Dense,
    Dropout,
    Embedding,
    GlobalAveragePooling1D,
    Input,
    LayerNormalization,
    Model,
    MultiHeadAttention,
    Sequential,
    config,
    load_model,
)
from course_lib.nn.gradient_check import gradient_check, numerical_gradient, relative_error

TOLERANCE = 1e-7


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def residual_model():
    x = Input(shape=(4,))
    h = Dense(4, activation="tanh")(x)
    h = Dense(4)(h)
    y = Dense(2)(Add()([x, h]))   # x tiene dos lectores: Dense y Add
    return Model(x, y)


# ----------------------------------------------------------------------------- gradientes del grafo
def test_residual_block_gradients_sum_both_paths(float64):
    model = residual_model()
    model.build()
    for key, value in model.params.items():
        if key.endswith("/b"):
            value[...] = randn(*value.shape, seed=3)
    result = gradient_check(model, randn(5, 4, seed=1))
    assert result.max_error < TOLERANCE, repr(result)
    assert "x" in result.errors and len(result.errors) == 7


def test_two_input_graph_gradients(float64):
    a, b = Input(shape=(3,)), Input(shape=(2,))
    h = Concatenate()([Dense(4, activation="tanh")(a), b])
    y = Dense(1)(Add()([h, Dense(6)(b)]))
    model = Model([a, b], y)
    xa, xb = randn(6, 3, seed=2), randn(6, 2, seed=3)
    out = model.forward([xa, xb])
    upstream = randn(*out.shape, seed=4)

    def loss():
        return float(np.sum(model.forward([xa, xb]) * upstream))

    loss()
    grad_a, grad_b = model.backward(upstream)
    for key, value in model.params.items():
        assert relative_error(model.grads[key], numerical_gradient(loss, value)) < TOLERANCE, key
    assert relative_error(grad_a, numerical_gradient(loss, xa)) < TOLERANCE
    assert relative_error(grad_b, numerical_gradient(loss, xb)) < TOLERANCE


def test_transformer_block_with_self_attention_gradients(float64):
    """mha(x, x) pasa el mismo tensor dos veces: el grafo suma ∂L/∂query y ∂L/∂value."""
    x = Input(shape=(5, 4))
    attended = MultiHeadAttention(num_heads=2, key_dim=2, name="atencion")(x, x, use_causal_mask=True)
    h = LayerNormalization()(Add()([x, attended]))
    h = LayerNormalization()(Add()([h, Dense(4)(Dense(6, activation="relu")(h))]))
    model = Model(x, Dense(3)(GlobalAveragePooling1D()(h)))
    result = gradient_check(model, randn(2, 5, 4, seed=5))
    # ∂L/∂bk es exactamente 0 (el softmax no cambia si todas las claves se desplazan igual): el numérico
    # solo trae ruido de redondeo, ~1e-11, y su error relativo no significa nada.
    bk = "atencion/bk"
    assert np.abs(result.analytic[bk]).max() < 1e-12 and np.abs(result.numerical[bk]).max() < 1e-8
    assert max(e for name, e in result.errors.items() if name != bk) < TOLERANCE, repr(result)


def test_eager_multi_input_calling_convention():
    a, b = randn(2, 3, seed=1), randn(2, 3, seed=2)
    add, cat = Add(), Concatenate(axis=-1)
    np.testing.assert_allclose(add([a, b]), a + b, rtol=1e-6)
    grads = add.backward(np.ones((2, 3)))
    assert len(grads) == 2 and all(np.all(g == 1) for g in grads)
    y = cat([a, b[:, :2]])
    assert y.shape == (2, 5)
    ga, gb = cat.backward(np.arange(10.0).reshape(2, 5))
    np.testing.assert_array_equal(ga, [[0, 1, 2], [5, 6, 7]])
    np.testing.assert_array_equal(gb, [[3, 4], [8, 9]])


# ----------------------------------------------------------------------------- un solo bucle
def test_functional_model_trains_bit_for_bit_like_sequential():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((60, 4)), rng.integers(0, 3, 60)

    def train(model):
        model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.2, verbose=0, seed=7)
        return history.history, model.get_weights()

    seq = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dropout(0.3), Dense(3, activation="softmax")])
    inputs = Input(shape=(4,))
    outputs = Dense(3, activation="softmax")(Dropout(0.3)(Dense(8, activation="relu")(inputs)))
    history_seq, weights_seq = train(seq)
    history_fun, weights_fun = train(Model(inputs, outputs))
    assert history_seq == history_fun
    for a, b in zip(weights_seq, weights_fun):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- anidar y congelar
def make_gan():
    generator = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dense(2)], name="generador")
    discriminator = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dense(1, activation="sigmoid")],
                               name="discriminador")
    discriminator.compile(optimizer=Adam(0.01), loss="binary_crossentropy")
    discriminator.trainable = False            # congelado dentro del modelo combinado, como en Keras
    z = Input(shape=(2,))
    gan = Model(z, discriminator(generator(z)), name="gan")
    gan.compile(optimizer=Adam(0.01), loss="binary_crossentropy")
    return generator, discriminator, gan


def test_nested_models_and_trainable_false_like_keras():
    config.set_seed(0)
    generator, discriminator, gan = make_gan()
    gan.build()
    z = np.random.default_rng(1).standard_normal((16, 2))
    d_before, g_before = discriminator.get_weights(), generator.get_weights()
    gan.train_on_batch(z, np.ones(16))
    for a, b in zip(d_before, discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)       # el discriminador congelado no cambia
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, generator.get_weights()))
    loss = discriminator.train_on_batch(z, np.zeros(16))   # compilado antes de congelarlo: sí entrena
    assert np.isfinite(loss)
    assert any(not np.array_equal(a, b) for a, b in zip(d_before, discriminator.get_weights()))
    assert gan.count_params() == generator.count_params() + discriminator.count_params()


def test_summary_has_connections_and_counts_frozen_weights(capsys):
    _, discriminator, gan = make_gan()
    gan.summary()
    out = capsys.readouterr().out
    assert "Conectada a" in out and "generador[0][0]" in out and "(Sequential)" in out
    assert f"Parámetros no entrenables: {discriminator.count_params()}" in out


# ----------------------------------------------------------------------------- guardar y cargar
def test_save_and_load_functional_and_nested_models_bit_exactly(tmp_path):
    rng = np.random.default_rng(0)
    tokens, labels = rng.integers(0, 10, (40, 6)), rng.integers(0, 2, 40)
    encoder = Sequential([Embedding(10, 4, input_shape=(6,)), LSTM(5, return_sequences=True)], name="codificador")
    x = Input(shape=(6,))
    h = encoder(x)
    h = LayerNormalization()(Add()([h, MultiHeadAttention(2, 3)(h, h)]))
    model = Model(x, Dense(2, activation="softmax")(GlobalAveragePooling1D()(h)))
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(tokens, labels, epochs=1, batch_size=8, verbose=0, seed=3)
    model.save(tmp_path / "modelo.npz")
    loaded = load_model(tmp_path / "modelo.npz")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(tokens), model.predict(tokens))
    # El optimizador también se guarda: seguir entrenando da exactamente lo mismo.
    model.fit(tokens, labels, epochs=1, batch_size=8, verbose=0, seed=4)
    loaded.fit(tokens, labels, epochs=1, batch_size=8, verbose=0, seed=4)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_and_load_a_frozen_gan(tmp_path):
    _, discriminator, gan = make_gan()
    gan.build()
    gan.save(tmp_path / "gan.npz")
    loaded = load_model(tmp_path / "gan.npz")
    z = np.random.default_rng(2).standard_normal((5, 2))
    np.testing.assert_array_equal(loaded.predict(z), gan.predict(z))
    assert [layer.trainable for layer in loaded.flat_layers()] == [layer.trainable for layer in gan.flat_layers()]


# ----------------------------------------------------------------------------- errores en español
def test_add_of_different_shapes_is_explained():
    a, b = Input(shape=(4,)), Input(shape=(3,))
    with pytest.raises(CourseError, match=r"Add .*misma forma.*\(None, 4\), \(None, 3\).*Concatenate"):
        Add()([a, b])
    with pytest.raises(CourseError, match="misma forma"):
        Add()([np.ones((2, 4)), np.ones((2, 3))])


def test_model_whose_outputs_do_not_depend_on_its_inputs():
    a, b = Input(shape=(4,)), Input(shape=(4,))
    with pytest.raises(CourseError, match="no está en inputs"):
        Model(a, Dense(2)(b))
    c = Input(shape=(4,))
    with pytest.raises(CourseError, match="no dependen de la entrada"):
        Model([a, c], Dense(2)(a))


def test_functional_model_checks_the_input_shape_and_multi_input_layers():
    model = residual_model()
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(CourseError, match=r"espera ejemplos de forma \(4,\).*\(3,\)"):
        model.predict(np.zeros((2, 3)))
    with pytest.raises(CourseError, match="varios tensores.*API funcional"):
        Sequential([Dense(2), Add()])


def test_functional_model_nested_in_another_one_and_two_input_errors(float64):
    a, b = Input(shape=(3,)), Input(shape=(2,))
    inner = Model([a, b], Dense(4, activation="tanh")(Concatenate()([a, b])), name="interno")
    x1, x2 = Input(shape=(3,)), Input(shape=(2,))
    outer = Model([x1, x2], Dense(1)(inner([x1, x2])))
    xa, xb = randn(5, 3, seed=1), randn(5, 2, seed=2)
    out = outer.forward([xa, xb])
    upstream = randn(*out.shape, seed=3)

    def loss():
        return float(np.sum(outer.forward([xa, xb]) * upstream))

    loss()
    grad_a, grad_b = outer.backward(upstream)
    assert relative_error(grad_a, numerical_gradient(loss, xa)) < TOLERANCE
    assert relative_error(grad_b, numerical_gradient(loss, xb)) < TOLERANCE
    for key, value in outer.params.items():
        assert relative_error(outer.grads[key], numerical_gradient(loss, value)) < TOLERANCE, key
    outer.compile(optimizer="sgd", loss="mse")
    with pytest.raises(CourseError, match="2 entradas.*lista de 2 arrays"):
        outer.fit(xa, np.zeros(5), verbose=0)
