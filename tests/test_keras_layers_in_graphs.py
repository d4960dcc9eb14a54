"""Las capas de la parte 3 dentro de grafos: un codificador–decodificador con ``return_state`` e
``initial_state``, una ``Bidirectional`` compartida por dos entradas, secuencias de longitud variable
(``Input(shape=(None, …))``) y las salidas de ``Bidirectional(..., merge_mode=None, return_state=True)``.
Gradientes del modelo entero frente a los numéricos, en float64.

Usan los nodos con varias salidas, las capas compartidas y los ejes de tamaño variable del grafo de la
parte 3 (``course_lib.nn.symbolic``); sin él, se omiten.
"""

import numpy as np
import pytest

pytest.importorskip("course_lib.nn.symbolic")

from course_lib import nn  # noqa: E402
from course_lib.nn import layers as L  # noqa: E402
from course_lib.nn.gradient_check import numerical_gradient, relative_error  # noqa: E402

pytestmark = pytest.mark.usefixtures("float64")


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def check_model_gradients(model, inputs, tolerance=1e-7):
    """∂L/∂θ de cada parámetro y ∂L/∂x de cada entrada frente a los numéricos, con L = Σ salida ⊙ R."""
    x = inputs[0] if len(inputs) == 1 else inputs
    y = model.forward(x)
    upstream = randn(*y.shape, seed=99)

    def loss():
        return float(np.sum(model.forward(x) * upstream))

    loss()
    grads = model.backward(upstream)
    grads = grads if isinstance(grads, list) else [grads]
    errors = {name: relative_error(model.grads[name], numerical_gradient(loss, value))
              for name, value in model.params.items()}
    for i, (g, a) in enumerate(zip(grads, inputs)):
        errors[f"entrada {i}"] = relative_error(g, numerical_gradient(loss, a))
    assert max(errors.values()) < tolerance, errors


def test_encoder_decoder_with_states_trains_and_has_exact_gradients():
    encoder_input, decoder_input = nn.Input(shape=(5, 3)), nn.Input(shape=(4, 2))
    _, h, c = L.LSTM(3, return_state=True)(encoder_input)
    decoded = L.LSTM(3, return_sequences=True)(decoder_input, initial_state=[h, c])
    output = L.TimeDistributed(L.Dense(4, activation="softmax"))(decoded)
    model = nn.Model([encoder_input, decoder_input], output)
    x_enc, x_dec = randn(3, 5, 3, seed=1), randn(3, 4, 2, seed=2)
    check_model_gradients(model, [x_enc, x_dec])
    # la salida es la de las capas llamadas a mano, con el estado del codificador de punto de partida
    encoder, decoder, head = (layer for layer in model.layers if not getattr(layer, "is_input", False)
                              and not isinstance(layer, nn.InputLayer))
    _, h_val, c_val = encoder(x_enc)
    np.testing.assert_allclose(model.predict([x_enc, x_dec]), head(decoder(x_dec, initial_state=[h_val, c_val])),
                               rtol=1e-12)
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit([x_enc, x_dec], np.random.default_rng(3).integers(0, 4, (3, 4)), epochs=3, verbose=0, seed=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_a_shared_bidirectional_layer_sums_the_gradients_of_both_calls():
    shared = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="ave")
    left, right = nn.Input(shape=(4, 3)), nn.Input(shape=(4, 3))
    difference = L.subtract([L.GlobalMaxPooling1D()(shared(left)), L.GlobalAveragePooling1D()(shared(right))])
    model = nn.Model([left, right], L.Dense(1)(difference))
    check_model_gradients(model, [randn(2, 4, 3, seed=4), randn(2, 4, 3, seed=5)])


def test_variable_length_sequences():
    tokens = nn.Input(shape=(None,))
    embedded = L.Embedding(30, 4)(tokens)
    convolved = L.Conv1D(3, 3, padding="causal", activation="relu")(embedded)
    features = L.concatenate([L.GlobalMaxPooling1D()(convolved), L.Bidirectional(L.SimpleRNN(2))(embedded)])
    model = nn.Model(tokens, L.Dense(1, activation="sigmoid")(features))
    model.compile("adam", "binary_crossentropy")
    rng = np.random.default_rng(6)
    model.fit(rng.integers(0, 30, (8, 7)), rng.integers(0, 2, 8), epochs=1, verbose=0, seed=0)
    for length in (3, 7, 12):
        assert model.predict(rng.integers(0, 30, (2, length))).shape == (2, 1)


def test_bidirectional_without_merge_returns_every_output():
    x = nn.Input(shape=(5, 3))
    forward_seq, backward_seq, h_f, c_f, h_b, c_b = L.Bidirectional(
        L.LSTM(2, return_sequences=True, return_state=True), merge_mode=None)(x)
    assert [t.shape for t in (forward_seq, backward_seq, h_f, c_f, h_b, c_b)] == \
        [(None, 5, 2), (None, 5, 2), (None, 2), (None, 2), (None, 2), (None, 2)]
    model = nn.Model(x, L.Dense(1)(L.concatenate([L.GlobalAveragePooling1D()(forward_seq), h_b, c_f])))
    check_model_gradients(model, [randn(2, 5, 3, seed=7)])
