"""Subclases de Layer y Model cuyo ``call`` combina capas y aritmética de tensores, capas compartidas y
la aritmética simbólica (``a + b``, ``a * b``, ``x[:, -1]``…).

El motor traza ``call`` una vez en un grafo; se comprueba que hacia delante da lo mismo que llamar a las
capas a mano, que los gradientes coinciden con los numéricos en float64 (también los de una capa usada
dos veces, que se suman), que se entrena, se guarda y se carga, y que lo que no se puede trazar da un
error en español que explica por qué.
"""

import re

import numpy as np
import pytest

from course_lib import nn
from course_lib.nn import CourseError, Input, Model, Sequential, load_model
from course_lib import frameworks
from course_lib.nn.gradient_check import gradient_check, numerical_gradient, relative_error
from course_lib.nn.optimizers import SGD, Adam
from course_lib.nn.layers import (
    Add,
    Dense,
    Dropout,
    Embedding,
    GlobalAveragePooling1D,
    Layer,
    LayerNormalization,
    MultiHeadAttention,
)

TOLERANCE = 1e-7


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


class Residual(Layer):
    """x + W₂·relu(W₁·x): la conexión residual escrita como en la guía de Keras."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.hidden = Dense(units, activation="relu")
        self.out = Dense(units)

    def call(self, x):
        return x + self.out(self.hidden(x))


class TransformerBlock(Layer):
    """El bloque del ejemplo de Keras «Text classification with Transformer» (sin cambiar una línea de call)."""

    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = Sequential([Dense(ff_dim, activation="relu"), Dense(embed_dim)])
        self.layernorm1 = LayerNormalization(epsilon=1e-6)
        self.layernorm2 = LayerNormalization(epsilon=1e-6)
        self.dropout1 = Dropout(rate)
        self.dropout2 = Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        positions = self.pos_emb(np.arange(x.shape[-1]))   # (T,) índices constantes dentro de call, como Keras
        return self.token_emb(x) + positions


class TwoTower(Model):
    """Un modelo subclase: dos ramas que comparten la misma capa (los mismos pesos)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.shared = Dense(4, activation="tanh")
        self.head = Dense(1)

    def call(self, inputs):
        a, b = inputs
        return self.head(self.shared(a) * self.shared(b))


# ----------------------------------------------------------------------------- capas compuestas
def test_composite_layer_computes_the_same_as_its_layers_by_hand(float64):
    block = Residual(3)
    x = randn(5, 3)
    y = block(x)
    expected = x + block.out.forward(block.hidden.forward(x))
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    assert set(block.params) == {f"{block.hidden.name}/W", f"{block.hidden.name}/b", f"{block.out.name}/W",
                                 f"{block.out.name}/b"}


def test_composite_layer_gradients(float64):
    block = Residual(3)
    block(randn(2, 3))
    for value in block.params.values():
        value[...] = randn(*value.shape, seed=value.size)
    result = gradient_check(block, randn(5, 3, seed=1))
    assert result.max_error < TOLERANCE, repr(result)


def test_transformer_block_written_as_a_subclass_gradients(float64):
    block = TransformerBlock(8, 2, 16, rate=0.0)
    x = randn(3, 5, 8, seed=2)
    result = gradient_check(block, x)
    # ∂L/∂bk es exactamente 0 (desplazar todas las claves no cambia el softmax): su «error relativo» es ruido.
    assert max(e for k, e in result.errors.items() if not k.endswith("/bk")) < 1e-6, repr(result)


def test_transformer_text_classifier_trains_and_summarises(capsys):
    nn.set_seed(0)
    maxlen, vocab = 8, 12
    inputs = Input(shape=(maxlen,))
    x = TokenAndPositionEmbedding(maxlen, vocab, 8)(inputs)
    x = TransformerBlock(8, 2, 16)(x)
    x = GlobalAveragePooling1D()(x)
    outputs = Dense(2, activation="softmax")(x)
    model = Model(inputs=inputs, outputs=outputs)
    rng = np.random.default_rng(0)
    X = rng.integers(0, vocab, (256, maxlen))
    y = (X == 1).any(axis=1).astype(int)   # ¿aparece el símbolo 1? (con semillas 0–3 llega a 1,00 en 6 épocas)
    model.compile(optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X, y, batch_size=32, epochs=8, verbose=0, seed=0)
    assert history.history["accuracy"][-1] > 0.95
    model.summary()
    text = capsys.readouterr().out
    assert re.search(r"transformer_block(_\d+)? \(TransformerBlock\)", text) and "(None, 8, 8)" in text
    attention = 3 * (8 * 16 + 16) + (16 * 8 + 8)
    n_block = attention + (8 * 16 + 16) + (16 * 8 + 8) + 2 * (8 + 8)
    assert f"{n_block}" in text.replace(" ", "")


@pytest.mark.skipif(frameworks.load_keras() is None, reason="Keras no está instalado")
def test_transformer_classifier_matches_keras_with_the_same_weights():
    """El ejemplo de Keras (Embedding de símbolos y posiciones + bloque Transformer, ambos subclases): con los
    mismos pesos, las mismas predicciones y el mismo paso de SGD que Keras 3."""
    keras = frameworks.load_keras()
    L = keras.layers

    class KerasBlock(L.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, **kwargs):
            super().__init__(**kwargs)
            self.att = L.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential([L.Dense(ff_dim, activation="relu"), L.Dense(embed_dim)])
            self.layernorm1, self.layernorm2 = L.LayerNormalization(epsilon=1e-6), L.LayerNormalization(epsilon=1e-6)

        def call(self, inputs):
            out1 = self.layernorm1(inputs + self.att(inputs, inputs))
            return self.layernorm2(out1 + self.ffn(out1))

    class KerasEmbedding(L.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.token_emb, self.pos_emb = L.Embedding(vocab_size, embed_dim), L.Embedding(maxlen, embed_dim)

        def call(self, x):
            return self.token_emb(x) + self.pos_emb(keras.ops.arange(0, keras.ops.shape(x)[-1]))

    maxlen, vocab, size = 6, 10, 8
    i = Input(shape=(maxlen,))
    x = GlobalAveragePooling1D()(TransformerBlock(size, 2, 12, rate=0.0)(TokenAndPositionEmbedding(maxlen, vocab, size)(i)))
    ours = Model(i, Dense(3, activation="softmax")(x))
    k = keras.Input(shape=(maxlen,))
    kx = L.GlobalAveragePooling1D()(KerasBlock(size, 2, 12)(KerasEmbedding(maxlen, vocab, size)(k)))
    theirs = keras.Model(k, L.Dense(3, activation="softmax")(kx))
    ours.build()
    theirs.set_weights([np.reshape(w, v.shape) for w, v in zip(ours.get_weights(), theirs.weights)])  # mismo orden
    rng = np.random.default_rng(0)
    X, y = rng.integers(0, vocab, (5, maxlen)), rng.integers(0, 3, 5)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X, verbose=0), atol=1e-6)
    ours.compile(optimizer=SGD(0.5), loss="sparse_categorical_crossentropy")
    theirs.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    assert ours.train_on_batch(X, y) == pytest.approx(float(theirs.train_on_batch(X, y)), rel=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(np.reshape(a, b.shape), b, atol=1e-5)


def test_dropout_inside_call_follows_training():
    """training se decide al ejecutar: en fit (True) Dropout actúa, en predict (False) no."""
    block = TransformerBlock(4, 1, 8, rate=0.5)
    x = randn(2, 3, 4)
    np.testing.assert_array_equal(block(x), block(x))                       # inferencia: determinista
    assert not np.allclose(block(x, training=True), block(x, training=True))  # entrenamiento: máscaras


def test_composite_layer_is_traced_once_and_reused_with_other_lengths():
    block = Residual(4)
    a, b = Input(shape=(None, 4)), Input(shape=(6, 4))
    assert block(a).shape == (None, None, 4)
    assert block(b).shape == (None, 6, 4)
    assert block(randn(2, 9, 4)).shape == (2, 9, 4)


def test_shared_layer_gradients_are_summed_over_its_calls(float64):
    """La misma Dense en dos ramas: ∂L/∂W = Σ de las dos llamadas (la comprobación numérica lo confirma)."""
    a, b = Input(shape=(3,)), Input(shape=(3,))
    shared = Dense(3, activation="tanh")
    y = Dense(2)(shared(a) + shared(shared(b)))   # tres llamadas, una de ellas sobre su propia salida
    model = Model([a, b], y)
    xa, xb = randn(4, 3, seed=1), randn(4, 3, seed=2)
    out = model.forward([xa, xb])
    upstream = randn(*out.shape, seed=3)

    def loss():
        return float(np.sum(model.forward([xa, xb]) * upstream))

    loss()
    grad_a, grad_b = model.backward(upstream)
    for key, value in model.params.items():
        assert relative_error(model.grads[key], numerical_gradient(loss, value)) < TOLERANCE, key
    assert relative_error(grad_a, numerical_gradient(loss, xa)) < TOLERANCE
    assert relative_error(grad_b, numerical_gradient(loss, xb)) < TOLERANCE
    assert len(model.layers) == 4 and len(shared._inbound_nodes) == 3


def test_shared_model_siamese(float64):
    """Un modelo entero usado dos veces (red siamesa): sus pesos reciben la suma de las dos ramas."""
    encoder = Sequential([Input(shape=(4,)), Dense(3, activation="tanh"), Dense(2)])
    a, b = Input(shape=(4,)), Input(shape=(4,))
    distance = Dense(1)(encoder(a) - encoder(b))
    model = Model([a, b], distance)
    xa, xb = randn(5, 4, seed=4), randn(5, 4, seed=5)
    upstream = randn(5, 1, seed=6)

    def loss():
        return float(np.sum(model.forward([xa, xb]) * upstream))

    loss()
    model.backward(upstream)
    for key, value in model.params.items():
        assert relative_error(model.grads[key], numerical_gradient(loss, value)) < TOLERANCE, key


def test_subclassed_model_with_shared_layer_trains_saves_and_loads(tmp_path):
    nn.set_seed(1)
    model = TwoTower()
    rng = np.random.default_rng(0)
    xa, xb = rng.standard_normal((64, 3)), rng.standard_normal((64, 3))
    y = (xa * xb).sum(axis=1, keepdims=True)
    model.compile(optimizer="adam", loss="mse")
    first = model.fit([xa, xb], y, epochs=3, verbose=0, seed=1).history["loss"]
    assert first[-1] < first[0]
    assert [layer.name for layer in model.layers] == [model.shared.name, model.head.name]
    path = tmp_path / "torres.npz"
    model.save(path)
    loaded = load_model(path, custom_objects={"TwoTower": TwoTower})
    np.testing.assert_array_equal(loaded.predict([xa, xb]), model.predict([xa, xb]))
    assert type(loaded) is TwoTower


def test_subclassed_model_builds_with_a_keras_shape():
    model = TwoTower()
    with pytest.raises(CourseError, match=r"build\(\(None, 4\)\)"):
        model.summary()
    model.build([(None, 3), (None, 3)])
    assert model.count_params() == 4 * 3 + 4 + 4 + 1


# ----------------------------------------------------------------------------- aritmética simbólica
def test_symbolic_arithmetic_matches_numpy(float64):
    a, b = Input(shape=(2, 3)), Input(shape=(1, 3))
    outputs = [a + b, a - b, a * b, a / (b * b + 1.0), 2.0 - a, -a, a[:, -1], a[:, :, 0:2], a * 0.5 + 1]
    model = Model([a, b], outputs)
    xa, xb = randn(4, 2, 3, seed=1), randn(4, 1, 3, seed=2)
    got = model.predict([xa, xb])
    expected = [xa + xb, xa - xb, xa * xb, xa / (xb ** 2 + 1), 2 - xa, -xa,
                xa[:, -1], xa[:, :, 0:2], xa * 0.5 + 1]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12)


def test_symbolic_arithmetic_gradients(float64):
    a, b = Input(shape=(2, 3)), Input(shape=(1, 3))
    y = Dense(2)((a * b - a / (b * b + 1.0))[:, -1] + (a @ np.ones((3, 3)))[:, 0])
    model = Model([a, b], y)
    xa, xb = randn(4, 2, 3, seed=1), randn(4, 1, 3, seed=2)
    upstream = randn(4, 2, seed=3)

    def loss():
        return float(np.sum(model.forward([xa, xb]) * upstream))

    loss()
    grad_a, grad_b = model.backward(upstream)
    assert relative_error(grad_a, numerical_gradient(loss, xa)) < TOLERANCE
    assert relative_error(grad_b, numerical_gradient(loss, xb)) < TOLERANCE


def test_arithmetic_shows_in_summary_but_not_in_layers(capsys):
    a = Input(shape=(4,))
    h = Dense(4)(a)
    model = Model(a, Dense(1)(a + h))
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    model.summary()
    text = capsys.readouterr().out
    assert re.search(r"add(_\d+)? \(Add\)", text) and "dense" in text


def test_functional_model_with_arithmetic_saves_and_loads(tmp_path):
    a = Input(shape=(4,))
    h = Dense(4, activation="tanh")(a)
    model = Model(a, Dense(2)((a + h) * 0.5)[:, 0:1])
    x = randn(3, 4)
    path = tmp_path / "aritmetica.npz"
    model.save(path)
    np.testing.assert_array_equal(load_model(path).predict(x), model.predict(x))


# ----------------------------------------------------------------------------- errores en español
class UsesNumpyOnWeights(Layer):
    def __init__(self):
        super().__init__()
        self.dense = Dense(2)

    def call(self, x):
        return x @ self.dense.params["W"]


class BranchesOnTraining(Layer):
    def call(self, x, training=False):
        return x * 2.0 if training else x


class CallsNumpy(Layer):
    def call(self, x):
        return np.exp(x)


class ForgetsSuperInit(Layer):
    def __init__(self):
        self.dense = Dense(2)

    def call(self, x):
        return self.dense(x)


def test_numpy_on_weights_inside_call_is_explained():
    layer = UsesNumpyOnWeights()
    layer.dense.build((3,))
    with pytest.raises(CourseError, match=r"pesos 'W' de 'dense(_\d+)?'.*add_weight"):
        layer(Input(shape=(3,)))


def test_branching_on_training_is_explained():
    with pytest.raises(CourseError, match="training todavía no tiene valor.*self.dropout"):
        BranchesOnTraining()(Input(shape=(3,)))


def test_numpy_functions_on_symbolic_tensors_are_explained():
    with pytest.raises(CourseError, match="np.exp sobre un tensor simbólico.*Activation"):
        CallsNumpy()(randn(2, 3))


def test_forgetting_super_init_is_explained():
    with pytest.raises(CourseError, match=r"super\(\).__init__"):
        ForgetsSuperInit()(randn(2, 3))


def test_unknown_layer_argument_is_explained():
    with pytest.raises(CourseError, match="argumento desconocido 'unidades'"):
        Dense(3, unidades=4)


def test_add_layer_and_plus_give_the_same_model_output(float64):
    a = Input(shape=(3,))
    h = Dense(3)(a)
    x = randn(4, 3)
    with_layer = Model(a, Add()([a, h]))
    with_plus = Model(a, a + h)
    np.testing.assert_array_equal(with_layer.predict(x), with_plus.predict(x))


def test_layers_of_a_subclassed_model_are_its_attributes_also_after_compiling():
    class Classifier(Model):
        def __init__(self):
            super().__init__()
            self.block = Residual(4)
            self.out = Dense(1)

        def call(self, x):
            return self.out(self.block(x))

    model = Classifier()
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((4, 4)), np.zeros((4, 1)), verbose=0)
    assert model.layers == [model.block, model.out]
    assert len(model.weights) == 6   # las dos Dense del bloque residual y la de salida
