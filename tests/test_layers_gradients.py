"""Los gradientes de cada capa y cada activación coinciden con los numéricos (diferencias centrales).

Para cada capa se comprueban ∂L/∂θ de todos sus parámetros y ∂L/∂x, con L = Σ(y ⊙ R) + penalización
y R aleatorio, en float64, con error relativo < 1e-7.
"""

import numpy as np
import pytest

from course_lib.nn import activations
from course_lib.nn.gradient_check import gradient_check, numerical_gradient, relative_error
from course_lib.nn.layers import (
    Activation,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPooling2D,
)
from course_lib.nn.regularizers import L1, L1L2, L2
from course_lib.nn.validation import CourseError

TOLERANCE = 1e-7


pytestmark = pytest.mark.usefixtures("float64")  # ver conftest.py


def random_input(shape, seed=100):
    return np.random.default_rng(seed).standard_normal(shape)


def assert_gradients_match(layer, x, training=True):
    result = gradient_check(layer, x, training=training)
    expected_keys = set(layer.params) | {"x"}
    assert set(result.errors) == expected_keys
    assert result.max_error < TOLERANCE, repr(result)
    return result


LAYER_CASES = {
    "dense": (lambda: Dense(3), (5, 4)),
    "dense_sin_sesgo": (lambda: Dense(3, use_bias=False), (5, 4)),
    "dense_relu": (lambda: Dense(6, activation="relu"), (7, 4)),
    "dense_softmax": (lambda: Dense(4, activation="softmax"), (5, 3)),
    "conv_valid_s1": (lambda: Conv2D(4, 3), (2, 6, 7, 3)),
    "conv_same_s1_impar": (lambda: Conv2D(3, 3, padding="same", activation="tanh"), (2, 5, 7, 2)),
    "conv_same_s1_kernel_par": (lambda: Conv2D(2, 4, padding="same"), (2, 6, 5, 2)),
    "conv_valid_s2_impar": (lambda: Conv2D(4, 3, strides=2), (2, 7, 9, 3)),
    "conv_valid_s2_par": (lambda: Conv2D(2, 2, strides=2), (2, 6, 8, 2)),
    "conv_same_s2_impar": (lambda: Conv2D(3, 3, strides=2, padding="same"), (2, 7, 5, 2)),
    "conv_same_s2_par": (lambda: Conv2D(3, 3, strides=2, padding="same"), (2, 8, 6, 3)),
    "conv_rectangular": (lambda: Conv2D(2, (3, 2), strides=(2, 1), padding="same"), (2, 7, 6, 2)),
    "conv_un_canal": (lambda: Conv2D(5, 5, activation="relu"), (3, 9, 9, 1)),
    "maxpool_2": (lambda: MaxPooling2D(2), (2, 6, 6, 3)),
    "maxpool_2_impar": (lambda: MaxPooling2D(2), (2, 7, 5, 2)),
    "maxpool_solapado_3_2": (lambda: MaxPooling2D(3, strides=2), (2, 9, 7, 3)),
    "maxpool_same": (lambda: MaxPooling2D(2, padding="same"), (2, 5, 7, 2)),
    "maxpool_solapado_same": (lambda: MaxPooling2D(3, strides=2, padding="same"), (2, 6, 7, 2)),
    "avgpool_2": (lambda: AveragePooling2D(2), (2, 6, 6, 2)),
    "avgpool_solapado_same": (lambda: AveragePooling2D(3, strides=2, padding="same"), (2, 7, 6, 2)),
    "flatten": (lambda: Flatten(), (3, 4, 2, 3)),
    "dropout": (lambda: Dropout(0.4), (6, 5)),
    "dropout_imagenes": (lambda: Dropout(0.5), (2, 4, 4, 3)),
    "batchnorm_vectores": (lambda: BatchNormalization(), (8, 5)),
    "batchnorm_imagenes": (lambda: BatchNormalization(momentum=0.9), (4, 3, 3, 2)),
}


@pytest.mark.parametrize("name", LAYER_CASES)
def test_layer_gradients_match_numerical(name):
    make_layer, shape = LAYER_CASES[name]
    layer = make_layer()
    layer.build(shape[1:])
    if "b" in layer.params:  # sesgos no nulos para que también cuenten en la comprobación
        layer.params["b"][...] = random_input(layer.params["b"].shape, seed=7)
    if "gamma" in layer.params:
        layer.params["gamma"][...] = 1 + 0.5 * random_input(layer.params["gamma"].shape, seed=8)
        layer.params["beta"][...] = random_input(layer.params["beta"].shape, seed=9)
    assert_gradients_match(layer, random_input(shape))


def test_batchnorm_inference_gradients_use_moving_statistics():
    layer = BatchNormalization()
    x = random_input((6, 4))
    layer.forward(x, training=True)  # mueve las medias móviles lejos de (0, 1)
    layer.state["moving_variance"] *= 2.5
    assert_gradients_match(layer, x, training=False)


@pytest.mark.parametrize("name", [n for n in activations.ACTIVATIONS if n not in ("step", "silu")])
def test_activation_layer_gradients(name):
    x = 1.5 * random_input((4, 6))
    assert_gradients_match(Activation(name), x)


@pytest.mark.parametrize("name", [n for n in activations.ACTIVATIONS if n not in ("step", "silu")])
def test_dense_and_conv_with_each_activation(name):
    assert_gradients_match(Dense(4, activation=name), random_input((5, 3)))
    assert_gradients_match(Conv2D(3, 2, strides=2, padding="same", activation=name), random_input((2, 5, 4, 2)))


@pytest.mark.parametrize("name", [n for n, f in activations.ACTIVATIONS.items() if n != "step" and f.elementwise])
def test_activation_derivative_matches_numerical(name):
    f = activations.get(name)
    z = np.linspace(-4, 4, 41) + 0.013  # evita z = 0 exacto (ReLU y familia no son derivables ahí)
    numerical = (f(z + 1e-6) - f(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(f.derivative(z), numerical, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_derivative_is_the_jacobian(name):
    softmax = activations.get(name)
    z = random_input((3, 4))
    jacobian = softmax.derivative(z)
    for n in range(3):
        numerical = np.stack([(softmax(z[n] + e) - softmax(z[n] - e)) / 2e-6 for e in 1e-6 * np.eye(4)], axis=1)
        np.testing.assert_allclose(jacobian[n], numerical, rtol=1e-6, atol=1e-9)


def test_step_cannot_be_backpropagated():
    layer = Activation("step")
    y = layer.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(y, [[0.0, 1.0, 1.0]])
    with pytest.raises(CourseError, match="escalón.*descenso de gradiente"):
        layer.backward(np.ones_like(y))


@pytest.mark.parametrize("regularizer", [L1(0.05), L2(0.03), L1L2(l1=0.02, l2=0.04)], ids=repr)
@pytest.mark.parametrize("make_layer, shape", [
    (lambda reg: Dense(3, activation="tanh", kernel_regularizer=reg), (5, 4)),
    (lambda reg: Conv2D(2, 3, padding="same", kernel_regularizer=reg), (2, 5, 5, 2)),
])
def test_regularized_layer_gradient_includes_penalty(regularizer, make_layer, shape):
    layer = make_layer(regularizer)
    result = assert_gradients_match(layer, random_input(shape))
    assert layer.regularization_loss() > 0
    # Sin la penalización en L el gradiente de W ya no coincidiría: la prueba sí la mide.
    penalty_gradient = regularizer.gradient(layer.params["W"])
    assert relative_error(result.analytic["W"] - penalty_gradient, result.numerical["W"]) > 1e-4


def test_regularizer_formulas_follow_keras():
    W = np.array([[1.0, -2.0], [0.0, 3.0]])
    assert L1(0.1)(W) == pytest.approx(0.1 * 6)
    assert L2(0.1)(W) == pytest.approx(0.1 * 14)  # sin el factor ½, como Keras
    np.testing.assert_allclose(L1L2(0.1, 0.2).gradient(W), 0.1 * np.sign(W) + 2 * 0.2 * W)


def test_gradient_check_of_a_function_and_of_a_dict_of_parameters():
    A = random_input((3, 3))
    theta = random_input(3)
    good = gradient_check(lambda t: 0.5 * t @ A @ t, theta, lambda t: 0.5 * (A + A.T) @ t)
    assert good.max_error < TOLERANCE and good.passed
    wrong = gradient_check(lambda t: 0.5 * t @ A @ t, theta, A @ theta)  # olvida la simetrización
    assert wrong.max_error > 1e-3 and not wrong.passed
    assert "NO coinciden" in repr(wrong)

    params = {"w": random_input(4, seed=1), "b": np.array([0.3])}
    x, y = random_input((10, 4), seed=2), random_input(10, seed=3)

    def cost(p):
        residual = x @ p["w"] + p["b"][0] - y
        return np.mean(residual ** 2)

    residual = x @ params["w"] + params["b"][0] - y
    grads = {"w": 2 * x.T @ residual / 10, "b": np.array([2 * residual.mean()])}
    assert gradient_check(cost, params, grads).max_error < TOLERANCE
    missing_factor = {"w": x.T @ residual / 10, "b": grads["b"]}  # falta el 2
    assert gradient_check(cost, params, missing_factor).max_error > 1e-2


def test_numerical_gradient_restores_the_parameters():
    theta = random_input(5)
    before = theta.copy()
    numerical_gradient(lambda: np.sum(theta ** 3), theta)
    np.testing.assert_array_equal(theta, before)


def test_gradient_check_rejects_integer_parameters():
    with pytest.raises(CourseError, match="float64"):
        gradient_check(lambda p: float(np.sum(p["w"] ** 2)), {"w": np.arange(3)}, {"w": 2 * np.arange(3)})
