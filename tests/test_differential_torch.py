"""Prueba diferencial aleatoria (con semilla) frente a PyTorch, en float64.

Cada prueba sortea decenas de configuraciones (formas, tamaños de filtro, pasos, rellenos, tamaños
de pooling, formas de las etiquetas, hiperparámetros de los optimizadores) y compara la salida y
todos los gradientes del motor con los de PyTorch. Así se encontraron los tres defectos que corrige
el issue 8 (entropía cruzada con etiquetas que no suman 1, pooling ≥ 129, empates del pooling).
Se omite si PyTorch no está instalado.
"""

import numpy as np
import pytest

from course_lib.nn import (
    LSTM,
    SGD,
    Adagrad,
    Adam,
    AveragePooling2D,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Conv2D,
    Dense,
    Embedding,
    LayerNormalization,
    MaxPooling2D,
    MeanSquaredError,
    MultiHeadAttention,
    RMSprop,
    SimpleRNN,
    SparseCategoricalCrossentropy,
)
from course_lib.nn.convolution import padding_amounts

torch = pytest.importorskip("torch")
from torch_equivalents import torch_multihead_attention  # noqa: E402  (después de saber que hay torch)
F = torch.nn.functional
pytestmark = pytest.mark.usefixtures("float64")
CLOSE = {"rtol": 1e-9, "atol": 1e-11}


def T(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def nhwc_to_nchw(a):
    return a.permute(0, 3, 1, 2)


def tf_pad(x_nchw, kernel, strides, padding, value=0.0):
    """El relleno de TensorFlow ("same": lo que sobra va abajo y a la derecha) aplicado a mano."""
    if padding == "valid":
        return x_nchw
    (top, bottom, _), (left, right, _) = (padding_amounts(x_nchw.shape[2 + i], kernel[i], strides[i], "same")
                                          for i in range(2))
    return F.pad(x_nchw, (left, right, top, bottom), value=value)


def test_random_convolutions_match_pytorch():
    rng = np.random.default_rng(2026)
    for _ in range(25):
        kh, kw = rng.integers(1, 5, 2)
        sh, sw = rng.integers(1, 4, 2)
        padding = str(rng.choice(["valid", "same"]))
        H, W = kh + rng.integers(0, 6), kw + rng.integers(0, 6)
        N, C, Fi = rng.integers(1, 4), rng.integers(1, 4), rng.integers(1, 5)
        layer = Conv2D(int(Fi), (int(kh), int(kw)), strides=(int(sh), int(sw)), padding=padding)
        x = rng.standard_normal((N, H, W, C))
        layer.build(x.shape[1:])
        layer.params["b"][...] = rng.standard_normal(Fi)
        y = layer.forward(x)
        upstream = rng.standard_normal(y.shape)
        dx = layer.backward(upstream)
        xt, bt = T(x, True), T(layer.params["b"], True)
        Wt = T(layer.params["W"].transpose(3, 2, 0, 1).copy(), True)   # PyTorch: (filtros, canales, kh, kw)
        padded = tf_pad(nhwc_to_nchw(xt), (kh, kw), (sh, sw), padding)
        yt = F.conv2d(padded, Wt, bt, stride=(int(sh), int(sw))).permute(0, 2, 3, 1)
        yt.backward(T(upstream))
        np.testing.assert_allclose(y, yt.detach().numpy(), **CLOSE)
        np.testing.assert_allclose(layer.grads["W"], Wt.grad.numpy().transpose(2, 3, 1, 0), **CLOSE)
        for mine, theirs in ((dx, xt), (layer.grads["b"], bt)):
            np.testing.assert_allclose(mine, theirs.grad.numpy(), **CLOSE)


def test_random_poolings_match_pytorch():
    rng = np.random.default_rng(7)
    for i in range(30):
        ph, pw = rng.integers(1, 5, 2)
        sh, sw = rng.integers(1, 5, 2)
        kind = MaxPooling2D if i % 2 == 0 else AveragePooling2D
        padding = str(rng.choice(["valid", "same"])) if kind is MaxPooling2D else "valid"
        H, W = ph + rng.integers(0, 6), pw + rng.integers(0, 6)
        x = rng.integers(-3, 4, (2, H, W, 3)).astype(float) if i % 4 == 0 else rng.standard_normal((2, H, W, 3))
        layer = kind((int(ph), int(pw)), strides=(int(sh), int(sw)), padding=padding)
        y = layer.forward(x)
        upstream = rng.standard_normal(y.shape)
        dx = layer.backward(upstream)
        xt = T(x, True)
        padded = tf_pad(nhwc_to_nchw(xt), (ph, pw), (sh, sw), padding, value=-np.inf)
        pool = F.max_pool2d if kind is MaxPooling2D else F.avg_pool2d
        yt = pool(padded, (int(ph), int(pw)), (int(sh), int(sw))).permute(0, 2, 3, 1)
        yt.backward(T(upstream))
        np.testing.assert_allclose(y, yt.detach().numpy(), **CLOSE)
        np.testing.assert_allclose(dx, xt.grad.numpy(), **CLOSE)   # con empates (i % 4 == 0) incluidos


TORCH_ACTIVATIONS = {
    "linear": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01), "elu": F.elu, "swish": F.silu, "gelu": F.gelu,
    "softmax": lambda z: F.softmax(z, dim=-1),
}


def test_random_dense_layers_with_every_activation_match_pytorch():
    rng = np.random.default_rng(11)
    for name, torch_activation in TORCH_ACTIVATIONS.items():
        n, d_in, units = rng.integers(1, 6), rng.integers(1, 6), rng.integers(1, 6)
        layer = Dense(int(units), activation=name)
        x = rng.standard_normal((n, d_in)) * 2
        layer.build((int(d_in),))
        layer.params["b"][...] = rng.standard_normal(units)
        y = layer.forward(x)
        upstream = rng.standard_normal(y.shape)
        dx = layer.backward(upstream)
        xt, Wt, bt = T(x, True), T(layer.params["W"], True), T(layer.params["b"], True)
        yt = torch_activation(xt @ Wt + bt)
        yt.backward(T(upstream))
        np.testing.assert_allclose(y, yt.detach().numpy(), err_msg=name, **CLOSE)
        for mine, theirs in ((dx, xt), (layer.grads["W"], Wt), (layer.grads["b"], bt)):
            np.testing.assert_allclose(mine, theirs.grad.numpy(), err_msg=name, **CLOSE)


def test_random_losses_and_label_forms_match_pytorch():
    rng = np.random.default_rng(3)
    for _ in range(10):
        n, k = int(rng.integers(1, 6)), int(rng.integers(2, 6))
        z = rng.standard_normal((n, k)) * 2
        p = F.softmax(T(z), dim=1).numpy()
        y_int = rng.integers(0, k, n)
        y_soft = rng.uniform(0, 1, (n, k))                       # etiquetas suaves que no suman 1
        y_bin = rng.integers(0, 2, (n, k)).astype(float)
        cases = [
            (MeanSquaredError(), y_soft, z, lambda t: F.mse_loss(t, T(y_soft))),
            (BinaryCrossentropy(from_logits=True), y_soft, z,
             lambda t: F.binary_cross_entropy_with_logits(t, T(y_soft))),
            (BinaryCrossentropy(), y_bin, 1 / (1 + np.exp(-z)), lambda t: F.binary_cross_entropy(t, T(y_bin))),
            (CategoricalCrossentropy(from_logits=True), y_soft, z,
             lambda t: -(T(y_soft) * F.log_softmax(t, dim=1)).sum(dim=1).mean()),
            (CategoricalCrossentropy(), y_soft, p, lambda t: -(T(y_soft) * torch.log(t)).sum(dim=1).mean()),
            (SparseCategoricalCrossentropy(from_logits=True), y_int, z,
             lambda t: F.cross_entropy(t, torch.tensor(y_int))),
            (SparseCategoricalCrossentropy(), y_int, p, lambda t: F.nll_loss(torch.log(t), torch.tensor(y_int))),
        ]
        for loss, labels, prediction, torch_loss in cases:
            pt = T(prediction, True)
            value = torch_loss(pt)
            value.backward()
            assert loss(labels, prediction) == pytest.approx(value.item(), rel=1e-10), repr(loss)
            np.testing.assert_allclose(loss.gradient(labels, prediction), pt.grad.numpy(), err_msg=repr(loss), **CLOSE)


def test_random_optimizer_hyperparameters_match_pytorch():
    """Con ε = 0 las fórmulas de Keras y de PyTorch coinciden exactamente (ε va en sitios distintos)."""
    rng = np.random.default_rng(5)
    for _ in range(6):
        lr, mu = float(rng.uniform(0.001, 0.2)), float(rng.uniform(0, 0.95))
        rho, b1, b2 = float(rng.uniform(0.5, 0.99)), float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.9, 0.9999))
        acc0 = float(rng.uniform(0.01, 1.0))
        pairs = [
            (SGD(lr), lambda p: torch.optim.SGD(p, lr=lr)),
            (SGD(lr, momentum=mu), lambda p: torch.optim.SGD(p, lr=lr, momentum=mu)),
            (SGD(lr, momentum=mu, nesterov=True), lambda p: torch.optim.SGD(p, lr=lr, momentum=mu, nesterov=True)),
            (Adagrad(lr, initial_accumulator_value=acc0, epsilon=0.0),
             lambda p: torch.optim.Adagrad(p, lr=lr, initial_accumulator_value=acc0, eps=0.0)),
            (RMSprop(lr, rho=rho, momentum=mu, epsilon=0.0),
             lambda p: torch.optim.RMSprop(p, lr=lr, alpha=rho, momentum=mu, eps=0.0)),
            (Adam(lr, beta_1=b1, beta_2=b2, epsilon=0.0), lambda p: torch.optim.Adam(p, lr=lr, betas=(b1, b2), eps=0.0)),
        ]
        for ours, make_torch in pairs:
            layer = Dense(3)
            layer.build((4,))
            torch_params = {k: T(v, True) for k, v in layer.params.items()}
            theirs = make_torch(list(torch_params.values()))
            for _ in range(4):
                grads = {k: rng.standard_normal(v.shape) for k, v in layer.params.items()}
                layer.grads = {k: g.copy() for k, g in grads.items()}
                ours.step([layer])
                for k, t in torch_params.items():
                    t.grad = T(grads[k])
                theirs.step()
            for k, t in torch_params.items():
                np.testing.assert_allclose(layer.params[k], t.detach().numpy(), err_msg=repr(ours), **CLOSE)


def test_random_sequence_and_attention_layers_match_pytorch():
    rng = np.random.default_rng(9)
    for _ in range(8):
        n, steps, features, units = (int(v) for v in rng.integers(1, 5, 4))
        return_sequences = bool(rng.integers(0, 2))
        for kind, torch_kind in ((SimpleRNN, torch.nn.RNN), (LSTM, torch.nn.LSTM)):
            layer = kind(units, return_sequences=return_sequences)
            x = rng.standard_normal((n, steps, features))
            layer.build(x.shape[1:])
            layer.params["b"][...] += rng.standard_normal(layer.params["b"].shape)
            y = layer.forward(x)
            upstream = rng.standard_normal(y.shape)
            dx = layer.backward(upstream)
            net = torch_kind(features, units, batch_first=True, dtype=torch.float64)
            with torch.no_grad():
                net.weight_ih_l0.copy_(T(layer.params["W"].T))
                net.weight_hh_l0.copy_(T(layer.params["U"].T))
                net.bias_ih_l0.copy_(T(layer.params["b"]))
                net.bias_hh_l0.zero_()
            xt = T(x, True)
            out = net(xt)[0]
            out = out if return_sequences else out[:, -1]
            out.backward(T(upstream))
            np.testing.assert_allclose(y, out.detach().numpy(), **CLOSE)
            np.testing.assert_allclose(dx, xt.grad.numpy(), **CLOSE)
            np.testing.assert_allclose(layer.grads["U"], net.weight_hh_l0.grad.numpy().T, **CLOSE)

        norm = LayerNormalization(epsilon=float(rng.choice([1e-3, 1e-5])))
        x = rng.standard_normal((n, steps, features + 1))
        y = norm.forward(x)
        xt = T(x, True)
        yt = F.layer_norm(xt, (features + 1,), eps=norm.epsilon)
        upstream = rng.standard_normal(y.shape)
        yt.backward(T(upstream))
        np.testing.assert_allclose(y, yt.detach().numpy(), **CLOSE)
        np.testing.assert_allclose(norm.backward(upstream), xt.grad.numpy(), **CLOSE)

        emb = Embedding(int(units) + 2, features)
        k = rng.integers(0, units + 2, (n, steps))
        y = emb.forward(k)
        Wt = T(emb.params["W"], True)
        upstream = rng.standard_normal(y.shape)
        F.embedding(torch.tensor(k), Wt).backward(T(upstream))
        emb.backward(upstream)
        np.testing.assert_allclose(emb.grads["W"], Wt.grad.numpy(), **CLOSE)

        heads = int(rng.integers(1, 4))
        head_size = int(rng.integers(1, 4))
        causal = bool(rng.integers(0, 2))
        mha = MultiHeadAttention(heads, head_size)
        q = rng.standard_normal((n, steps, heads * head_size))
        v = q if causal else rng.standard_normal((n, int(rng.integers(1, 5)), features))
        y = mha(q, v, use_causal_mask=causal)
        upstream = rng.standard_normal(y.shape)
        d_query, d_value = mha.backward(upstream)
        net = torch_multihead_attention(mha, v.shape[-1], v.shape[-1])
        qt = T(q, True)
        vt = qt if causal else T(v, True)
        mask = torch.triu(torch.ones(steps, steps, dtype=torch.bool), diagonal=1) if causal else None
        out, _ = net(qt, vt, vt, attn_mask=mask)
        out.backward(T(upstream))
        np.testing.assert_allclose(y, out.detach().numpy(), **CLOSE)
        if causal:
            np.testing.assert_allclose(d_query + d_value, qt.grad.numpy(), **CLOSE)
        else:
            np.testing.assert_allclose(d_query, qt.grad.numpy(), **CLOSE)
            np.testing.assert_allclose(d_value, vt.grad.numpy(), **CLOSE)
