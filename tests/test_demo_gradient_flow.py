"""La demostración del capítulo 18: el flujo del gradiente por una red convolucional con y sin atajos.

Su convolución y su normalización por lotes están escritas con NumPy para que cada actualización tarde
milisegundos; aquí se comprueban contra las capas del motor (hacia delante y hacia atrás), la red entera
contra la misma red montada con capas del motor, y lo que el cuaderno pide probar contra lo que se ve.
"""

import numpy as np
import pytest

from course_lib import nn
from course_lib.demos.gradient_flow import (MAX_BLOCKS, batchnorm, batchnorm_backward, block_weights, conv3x3,
                                            conv3x3_backward, digit_batch, gradient_flow, gradient_flow_norms)


@pytest.fixture
def float64():
    nn.set_floatx("float64")
    yield
    nn.set_floatx("float32")


def _conv_layer(W):
    layer = nn.Conv2D(W.shape[-1], 3, padding="same", use_bias=False)
    layer.build((None, None, W.shape[2]))
    layer.params["W"][...] = W
    return layer


def test_the_convolution_is_the_engines_forward_and_backward(float64):
    rng = np.random.default_rng(0)
    x, W, g = rng.normal(size=(3, 6, 5, 4)), rng.normal(size=(3, 3, 4, 7)), rng.normal(size=(3, 6, 5, 7))
    layer = _conv_layer(W)
    z, columns = conv3x3(x, W)
    np.testing.assert_allclose(z, layer.forward(x, training=True), atol=1e-12)
    grad_x, grad_W = conv3x3_backward(g, columns, W, x.shape)
    np.testing.assert_allclose(grad_x, layer.backward(g), atol=1e-12)
    np.testing.assert_allclose(grad_W, layer.grads["W"], atol=1e-12)


def test_the_batch_normalization_is_the_engines_in_training(float64):
    rng = np.random.default_rng(1)
    x, g = rng.normal(2.0, 3.0, size=(4, 5, 5, 6)), rng.normal(size=(4, 5, 5, 6))
    layer = nn.BatchNormalization()
    y, cache = batchnorm(x)
    np.testing.assert_allclose(y, layer.forward(x, training=True), atol=1e-12)
    np.testing.assert_allclose(batchnorm_backward(g, cache), layer.backward(g), atol=1e-11)


def _engine_network(depth, initialization, batchnorm_on, residual):
    """La misma red con capas del motor (y los mismos pesos): la referencia de la versión rápida."""
    stem_W, blocks, dense_W = block_weights(depth, initialization)
    stem = _conv_layer(stem_W)
    layers = []
    for W1, W2 in blocks:
        layers.append((_conv_layer(W1), nn.BatchNormalization() if batchnorm_on else None, nn.Activation("relu"),
                       _conv_layer(W2), nn.BatchNormalization() if batchnorm_on else None, nn.Activation("relu")))
    dense = nn.Dense(10, use_bias=False)
    dense.build((None, 8))
    dense.params["W"][...] = dense_W
    return stem, layers, nn.GlobalAveragePooling2D(), dense


def _engine_norms(depth, initialization, batchnorm_on, residual):
    images, labels = digit_batch()
    stem, blocks, gap, dense = _engine_network(depth, initialization, batchnorm_on, residual)
    stem_relu = nn.Activation("relu")
    h = stem_relu.forward(stem.forward(images, training=True))
    for conv1, bn1, relu1, conv2, bn2, relu2 in blocks:
        z = conv1.forward(h, training=True)
        z = bn1.forward(z, training=True) if bn1 else z
        z = conv2.forward(relu1.forward(z), training=True)
        z = bn2.forward(z, training=True) if bn2 else z
        h = relu2.forward(z + h if residual else z)
    loss = nn.SparseCategoricalCrossentropy(from_logits=True)
    g = gap.backward(dense.backward(loss.gradient(labels, dense.forward(gap.forward(h)))))
    activations, weights = [], []
    for conv1, bn1, relu1, conv2, bn2, relu2 in reversed(blocks):
        activations.append(np.linalg.norm(g))
        g_sum = relu2.backward(g)
        g_branch = bn2.backward(g_sum) if bn2 else g_sum
        g_branch = relu1.backward(conv2.backward(g_branch))
        g_branch = bn1.backward(g_branch) if bn1 else g_branch
        g_in = conv1.backward(g_branch)
        weights.append(np.linalg.norm(conv1.grads["W"]))
        g = g_in + g_sum if residual else g_in
    return np.array(activations[::-1]), np.array(weights[::-1])


@pytest.mark.parametrize("initialization", ["he", "glorot", "small"])
@pytest.mark.parametrize("batchnorm_on", [True, False])
@pytest.mark.parametrize("residual", [True, False])
def test_the_whole_network_matches_the_same_network_built_with_engine_layers(float64, initialization, batchnorm_on,
                                                                             residual):
    fast = gradient_flow_norms(4, initialization, batchnorm_on, residual)
    activations, weights = _engine_norms(4, initialization, batchnorm_on, residual)
    np.testing.assert_allclose(fast["activations"], activations, rtol=1e-8)
    np.testing.assert_allclose(fast["weights"], weights, rtol=1e-8)


def test_the_gradient_is_the_numerical_one_for_a_block_weight(float64):
    """∂J/∂W de una componente del primer bloque, por diferencias centrales, frente al motor."""
    stem, blocks, dense = block_weights(3, "glorot")

    def loss_with(delta):
        W1 = blocks[0][0].copy()
        W1[1, 1, 2, 3] += delta
        return gradient_flow_norms(3, weights=(stem, [(W1, blocks[0][1]), *blocks[1:]], dense))["loss"]

    eps = 1e-6
    numerical = (loss_with(eps) - loss_with(-eps)) / (2 * eps)
    images, labels = digit_batch()
    stem_layer, layers, gap, dense_layer = _engine_network(3, "glorot", True, True)
    h = nn.Activation("relu").forward(stem_layer.forward(images, training=True))
    for conv1, bn1, relu1, conv2, bn2, relu2 in layers:
        z = bn2.forward(conv2.forward(relu1.forward(bn1.forward(conv1.forward(h, training=True), training=True)),
                                      training=True), training=True)
        h = relu2.forward(z + h)
    loss = nn.SparseCategoricalCrossentropy(from_logits=True)
    g = gap.backward(dense_layer.backward(loss.gradient(labels, dense_layer.forward(gap.forward(h)))))
    for conv1, bn1, relu1, conv2, bn2, relu2 in reversed(layers):
        g_sum = relu2.backward(g)
        g = conv1.backward(bn1.backward(relu1.backward(conv2.backward(bn2.backward(g_sum))))) + g_sum
    np.testing.assert_allclose(layers[0][0].grads["W"][1, 1, 2, 3], numerical, rtol=1e-6)


def _ratio(run, measure="activations"):
    return run[measure][0] / run[measure][-1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_what_the_notebook_asks_to_try(seed):
    """Lo que el cuaderno 18 dice que se verá con la demostración, con la semilla de la demo y con otras."""
    def run(depth, initialization, batchnorm_on, residual):
        return gradient_flow_norms(depth, initialization, batchnorm_on, residual, seed=seed)

    # Glorot sin BN: la red plana pierde el gradiente exponencialmente (≈ 2^(−2L)); la residual lo conserva.
    assert _ratio(run(10, "glorot", False, False)) < 1e-2
    assert _ratio(run(30, "glorot", False, False)) < 1e-7
    assert 0.1 < _ratio(run(30, "glorot", False, True)) < 1e3
    assert run(30, "glorot", False, False)["std"][-1] < 1e-8 < run(30, "glorot", False, True)["std"][-1]
    # Normal pequeña sin BN: la plana no recibe nada; la residual es casi la identidad y el gradiente pasa entero.
    assert _ratio(run(30, "small", False, False)) < 1e-50
    assert 0.3 < _ratio(run(30, "small", False, True)) < 3
    # He sin BN: la plana conserva más o menos su gradiente; la residual explota hacia delante y hacia atrás.
    assert 1e-4 < _ratio(run(30, "he", False, False)) < 1e2
    he_residual = run(30, "he", False, True)
    assert he_residual["std"][-1] > 100 and _ratio(he_residual) > 1e3
    # Con BN: en la plana el gradiente crece hacia la entrada (miles de veces con 30 bloques); en la residual, decenas.
    for initialization in ("he", "glorot", "small"):
        assert _ratio(run(30, initialization, True, False)) > 1e3
        assert _ratio(run(30, initialization, True, True)) < 100


def test_the_blocks_weights_do_not_depend_on_the_total_depth():
    _, ten, _ = block_weights(10, "he")
    _, thirty, _ = block_weights(MAX_BLOCKS, "he")
    assert all(np.array_equal(a, b) for pair_a, pair_b in zip(ten, thirty[:10]) for a, b in zip(pair_a, pair_b))


def test_the_demo_answers_each_control_and_writes_in_spanish():
    demo = gradient_flow(depth=20, initialization="glorot", batchnorm=False)
    assert "20 bloques" in demo.status.value and "sin BN" in demo.status.value
    demo.controls["batchnorm"].value = True
    assert "con BN" in demo.status.value
    demo.controls["measure"].value = "weights"
    assert "gradiente de los pesos" in demo.status.value
    demo.controls["initialization"].value = "small"
    demo.controls["depth"].value = 2
    assert "2 bloques" in demo.status.value and demo.failures == []
    assert "." not in demo.status.value.split("es ×")[1].split("el del último")[0].replace("·", "")
