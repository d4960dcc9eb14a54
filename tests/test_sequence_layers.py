"""Capas de secuencias, atención y normalización: gradientes numéricos (float64, error < 1e-7),
comparación con PyTorch en float64, uso dentro de Sequential, guardado y errores en español."""

import numpy as np
import pytest

from course_lib.nn import (
    LSTM,
    Dense,
    Embedding,
    GlobalAveragePooling1D,
    LayerNormalization,
    MultiHeadAttention,
    Reshape,
    Sequential,
    SimpleRNN,
    config,
    load_model,
)
from course_lib.nn.gradient_check import gradient_check, numerical_gradient, relative_error
from course_lib.nn.validation import CourseError

TOLERANCE = 1e-7
pytestmark = pytest.mark.usefixtures("float64")


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def randomize_biases(layer, seed=7):
    for key, value in layer.params.items():
        if key.startswith("b") or key in ("gamma", "beta"):
            value[...] += 0.5 * randn(*value.shape, seed=seed)


# ----------------------------------------------------------------------------- gradientes, una entrada
SINGLE_INPUT_CASES = {
    "simple_rnn_ultimo": (lambda: SimpleRNN(5), (3, 6, 4)),
    "simple_rnn_secuencia": (lambda: SimpleRNN(4, return_sequences=True), (2, 5, 3)),
    "simple_rnn_relu": (lambda: SimpleRNN(4, activation="relu", return_sequences=True), (2, 4, 3)),
    "lstm_ultimo": (lambda: LSTM(5), (3, 6, 4)),
    "lstm_secuencia": (lambda: LSTM(3, return_sequences=True), (2, 7, 2)),
    # Con otras activaciones la LSTM no usa el atajo σ(z) = (1 + tanh(z/2))/2: se prueban los dos caminos.
    "lstm_otras_activaciones": (lambda: LSTM(4, activation="swish", recurrent_activation="tanh",
                                             return_sequences=True), (2, 5, 3)),
    "layer_norm_vectores": (lambda: LayerNormalization(), (4, 6)),
    "layer_norm_secuencias": (lambda: LayerNormalization(epsilon=1e-5), (2, 3, 5)),
    "global_average_pooling_1d": (lambda: GlobalAveragePooling1D(), (3, 5, 4)),
    "reshape": (lambda: Reshape((-1, 2)), (3, 4, 3)),
}


@pytest.mark.parametrize("name", SINGLE_INPUT_CASES)
def test_new_layer_gradients_match_numerical(name):
    make, shape = SINGLE_INPUT_CASES[name]
    layer = make()
    layer.build(shape[1:])
    randomize_biases(layer)
    result = gradient_check(layer, randn(*shape, seed=1))
    assert set(result.errors) == set(layer.params) | {"x"}
    assert result.max_error < TOLERANCE, repr(result)


def test_embedding_gradient_accumulates_repeated_indices():
    layer = Embedding(6, 3)
    k = np.array([[1, 4, 1], [0, 1, 5]])
    y = layer(k)
    np.testing.assert_array_equal(y, layer.params["W"][k])
    upstream = randn(*y.shape, seed=2)
    assert layer.backward(upstream) is None
    numerical = numerical_gradient(lambda: np.sum(layer.forward(k) * upstream), layer.params["W"])
    assert relative_error(layer.grads["W"], numerical) < TOLERANCE
    np.testing.assert_allclose(layer.grads["W"][1], upstream[0, 0] + upstream[0, 2] + upstream[1, 1])
    np.testing.assert_array_equal(layer.grads["W"][[2, 3]], 0.0)


def test_lstm_keras_layout_and_forget_bias():
    layer = LSTM(4)
    layer.build((5, 3))
    assert layer.params["W"].shape == (3, 16) and layer.params["U"].shape == (4, 16)
    np.testing.assert_array_equal(layer.params["b"], np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    U = layer.params["U"][:, 4:8]  # cada bloque de U es ortogonal, como el recurrent_initializer de Keras
    np.testing.assert_allclose(U.T @ U, np.eye(4), atol=1e-12)


# ----------------------------------------------------------------------------- atención
def check_attention(mha, inputs, **kwargs):
    """Gradientes de MultiHeadAttention frente a los numéricos: parámetros y cada entrada."""
    arrays = [np.array(a) for a in inputs]
    y = mha(*arrays[:2], **({"key": arrays[2]} if len(arrays) == 3 else {}), **kwargs)
    upstream = randn(*y.shape, seed=3)

    def loss():
        out = mha.forward(*arrays[:2], **({"key": arrays[2]} if len(arrays) == 3 else {}), **kwargs)
        return float(np.sum(out * upstream))

    loss()
    grads = mha.backward(upstream)
    assert len(grads) == len(arrays)
    errors = {}
    for name, value in mha.params.items():
        numerical = numerical_gradient(loss, value)
        if name == "bk":  # sumar lo mismo a todas las claves no cambia el softmax: ∂L/∂bk = 0 exactamente
            assert np.abs(numerical).max() < 1e-8 and np.abs(mha.grads[name]).max() < 1e-12
            continue
        errors[name] = relative_error(mha.grads[name], numerical)
    for i, (g, a) in enumerate(zip(grads, arrays)):
        errors[f"entrada {i}"] = relative_error(g, numerical_gradient(loss, a))
    assert max(errors.values()) < TOLERANCE, errors
    return grads


@pytest.mark.parametrize("causal", [False, True], ids=["sin_mascara", "causal"])
def test_self_attention_gradients(causal):
    mha = MultiHeadAttention(num_heads=2, key_dim=3)
    x = randn(2, 5, 4, seed=4)
    mha(x, x)
    randomize_biases(mha)
    check_attention(mha, [x, x.copy()], use_causal_mask=causal)
    # El mismo array como query y value: su gradiente es la suma de los dos que devuelve backward.
    y = mha(x, x, use_causal_mask=causal)
    upstream = randn(*y.shape, seed=3)
    d_query, d_value = mha.backward(upstream)
    numerical = numerical_gradient(lambda: np.sum(mha.forward(x, x, use_causal_mask=causal) * upstream), x)
    assert relative_error(d_query + d_value, numerical) < TOLERANCE


def test_cross_attention_gradients_with_separate_key_and_value_dim():
    mha = MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4)
    q, v, k = randn(2, 3, 5, seed=5), randn(2, 6, 4, seed=6), randn(2, 6, 3, seed=7)
    mha(q, v, key=k)
    randomize_biases(mha)
    check_attention(mha, [q, v, k])
    assert mha.last_attention_scores.shape == (2, 3, 3, 6)
    np.testing.assert_allclose(mha.last_attention_scores.sum(axis=-1), 1.0)
    assert mha.params["Wq"].shape == (5, 6) and mha.params["Wk"].shape == (3, 6)
    assert mha.params["Wv"].shape == (4, 12) and mha.params["Wo"].shape == (12, 5)


def test_attention_dropout_gradients_and_causal_weights():
    mha = MultiHeadAttention(num_heads=2, key_dim=2, dropout=0.3)
    x = randn(2, 4, 3, seed=8)
    mha(x, x)
    state = config.rng().bit_generator.state

    def loss_fixed_mask(out_fn):
        config.rng().bit_generator.state = state
        return out_fn()

    y = loss_fixed_mask(lambda: mha(x, x, training=True))
    upstream = randn(*y.shape, seed=9)
    dq, dv = mha.backward(upstream)
    num = numerical_gradient(lambda: loss_fixed_mask(lambda: np.sum(mha.forward(x, x, training=True) * upstream)), x)
    assert relative_error(dq + dv, num) < TOLERANCE
    y, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(scores[0, 0], k=1) == 0)


# ----------------------------------------------------------------------------- PyTorch en float64
def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_layers_match_pytorch(kind, return_sequences):
    torch = _torch()
    x = randn(3, 7, 4, seed=10)
    layer = (SimpleRNN if kind == "SimpleRNN" else LSTM)(5, return_sequences=return_sequences)
    y = layer(x)
    randomize_biases(layer)
    y = layer(x)
    upstream = randn(*y.shape, seed=11)
    dx = layer.backward(upstream)
    net = (torch.nn.RNN if kind == "SimpleRNN" else torch.nn.LSTM)(4, 5, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # PyTorch: W_ih = Wᵀ, W_hh = Uᵀ, mismo orden de puertas (i, f, g, o), b = b_ih + b_hh
        net.weight_ih_l0.copy_(torch.tensor(layer.params["W"].T))
        net.weight_hh_l0.copy_(torch.tensor(layer.params["U"].T))
        net.bias_ih_l0.copy_(torch.tensor(layer.params["b"]) - 0.25)
        net.bias_hh_l0.fill_(0.25)
    xt = torch.tensor(x, requires_grad=True)
    out = net(xt)[0]
    out = out if return_sequences else out[:, -1]
    out.backward(torch.tensor(upstream))
    np.testing.assert_allclose(y, out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], net.weight_ih_l0.grad.numpy().T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layer.grads["U"], net.weight_hh_l0.grad.numpy().T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], net.bias_ih_l0.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_layer_normalization_and_embedding_match_pytorch():
    torch = _torch()
    x = randn(2, 3, 6, seed=12)
    layer = LayerNormalization(epsilon=1e-3)
    layer.build((3, 6))
    randomize_biases(layer)
    y = layer(x)
    upstream = randn(*y.shape, seed=13)
    dx = layer.backward(upstream)
    xt = torch.tensor(x, requires_grad=True)
    g = torch.tensor(layer.params["gamma"], requires_grad=True)
    b = torch.tensor(layer.params["beta"], requires_grad=True)
    out = torch.nn.functional.layer_norm(xt, (6,), g, b, eps=1e-3)
    out.backward(torch.tensor(upstream))
    np.testing.assert_allclose(y, out.detach().numpy(), rtol=1e-10, atol=1e-12)
    for mine, theirs in ((dx, xt), (layer.grads["gamma"], g), (layer.grads["beta"], b)):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-9, atol=1e-12)

    emb = Embedding(7, 4)
    k = np.array([[1, 6, 1, 0], [3, 3, 2, 6]])
    y = emb(k)
    upstream = randn(*y.shape, seed=14)
    emb.backward(upstream)
    W = torch.tensor(emb.params["W"], requires_grad=True)
    out = torch.nn.functional.embedding(torch.tensor(k), W)
    out.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(y, out.detach().numpy())
    np.testing.assert_allclose(emb.grads["W"], W.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("case", ["self", "self_causal", "cross"])
def test_multi_head_attention_matches_pytorch(case):
    torch = _torch()
    heads, model_dim = 2, 6
    q = randn(2, 5, model_dim, seed=15)
    if case == "cross":
        v, k = randn(2, 4, 3, seed=16), randn(2, 4, 5, seed=17)
    else:
        v = k = q
    causal = case == "self_causal"
    mha = MultiHeadAttention(num_heads=heads, key_dim=model_dim // heads)
    key_arg = {"key": k} if case == "cross" else {}
    mha(q, v, **key_arg)
    randomize_biases(mha)
    y = mha(q, v, use_causal_mask=causal, **key_arg)
    upstream = randn(*y.shape, seed=18)
    grads = mha.backward(upstream)

    from torch_equivalents import torch_multihead_attention

    net = torch_multihead_attention(mha, k.shape[-1], v.shape[-1])
    tensors = [torch.tensor(a, requires_grad=True) for a in ((q, v, k) if case == "cross" else (q,))]
    tq, tv, tk = tensors if case == "cross" else tensors * 3
    mask = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1) if causal else None
    out, weights = net(tq, tk, tv, attn_mask=mask, need_weights=True, average_attn_weights=False)
    out.backward(torch.tensor(upstream))
    np.testing.assert_allclose(y, out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mha.last_attention_scores, weights.detach().numpy(), rtol=1e-10, atol=1e-12)
    if case == "cross":
        for mine, theirs in zip(grads, (tq, tv, tk)):
            np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-9, atol=1e-12)
    else:
        np.testing.assert_allclose(grads[0] + grads[1], tq.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(mha.grads["Wo"], net.out_proj.weight.grad.numpy().T, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- dentro de Sequential
def test_sequence_layers_train_inside_sequential_and_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 8, (64, 6))
    y = (x[:, 0] > 3).astype(int)
    model = Sequential([Embedding(8, 4), LSTM(6, return_sequences=True), LayerNormalization(),
                        SimpleRNN(5, return_sequences=True), Reshape((6, 5)), GlobalAveragePooling1D(),
                        Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, seed=1)
    assert np.all(np.isfinite(history.history["loss"]))
    model.save(tmp_path / "secuencias.npz")
    loaded = load_model(tmp_path / "secuencias.npz")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]


# ----------------------------------------------------------------------------- errores en español
def test_recurrent_layer_explains_the_expected_shape():
    with pytest.raises(CourseError, match=r"\(ejemplos, pasos, características\).*\(4, 10\).*x\[\.\.\., None\]"):
        LSTM(3)(np.zeros((4, 10)))


def test_embedding_rejects_out_of_range_and_non_integer_indices():
    with pytest.raises(CourseError, match="input_dim=5.*de 0 a 4.*índice 7"):
        Embedding(5, 2)(np.array([[1, 7]]))
    with pytest.raises(CourseError, match="índices enteros.*0.5"):
        Embedding(5, 2)(np.array([[1, 0.5]]))


def test_causal_mask_needs_query_and_key_of_the_same_length():
    mha = MultiHeadAttention(2, 2)
    with pytest.raises(CourseError, match="máscara causal.*query con 3 pasos y key con 5"):
        mha(np.zeros((1, 3, 4)), np.zeros((1, 5, 4)), use_causal_mask=True)


# ----------------------------------------------------------------------------- float32
@pytest.mark.parametrize("name", ["lstm", "lstm_otras", "simple_rnn", "autoatencion", "atencion_cruzada", "layer_norm"])
def test_float32_stays_float32(name):
    """Con floatx = float32 nada se pasa a float64 por el camino (un escalar de NumPy en float64, como
    np.sqrt(16), basta para promover un array entero y hacer la capa el doble de lenta)."""
    config.set_floatx("float32")
    try:
        x = randn(2, 5, 4, seed=11).astype(np.float32)
        if name in ("autoatencion", "atencion_cruzada"):
            layer = MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2)
            other = x if name == "autoatencion" else randn(2, 7, 3, seed=12).astype(np.float32)
            y = layer(x, other)
        else:
            layer = {"lstm": lambda: LSTM(3, return_sequences=True),
                     "lstm_otras": lambda: LSTM(3, activation="swish", recurrent_activation="tanh"),
                     "simple_rnn": lambda: SimpleRNN(3, return_sequences=True),
                     "layer_norm": lambda: LayerNormalization()}[name]()
            y = layer(x)
        grads = layer.backward(np.ones_like(y))
        grads = grads if isinstance(grads, tuple) else (grads,)
        assert y.dtype == np.float32
        assert all(g.dtype == np.float32 for g in grads)
        assert {key: g.dtype for key, g in layer.grads.items()} == {key: np.dtype(np.float32) for key in layer.params}
    finally:
        config.set_floatx("float64")
