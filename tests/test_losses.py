"""Pruebas de las funciones de pérdida: valores, gradientes y nombres de Keras."""

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_squared_error

from course_lib.nn import activations, losses
from course_lib.nn.gradient_check import gradient_check
from course_lib.nn.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    to_categorical,
)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def rng():
    return np.random.default_rng(42)


# ---------------------------------------------------------------- el ejemplo de los apuntes
def test_verified_example_mse_is_0_18():
    """Anexo C: ŷ = [0,4, 0,3, 0,3] frente a y = [1, 0, 0] da ECM = 0,54 / 3 = 0,18."""
    assert MeanSquaredError()([[1, 0, 0]], [[0.4, 0.3, 0.3]]) == pytest.approx(0.18, abs=1e-12)


def test_verified_example_cross_entropy_is_minus_log_0_4():
    """Anexo C: la entropía cruzada del mismo ejemplo es −ln 0,4 ≈ 0,9163."""
    value = CategoricalCrossentropy()([[1, 0, 0]], [[0.4, 0.3, 0.3]])
    assert value == pytest.approx(-np.log(0.4), abs=1e-12)
    assert round(value, 4) == 0.9163
    assert SparseCategoricalCrossentropy()([0], [[0.4, 0.3, 0.3]]) == pytest.approx(value, abs=1e-12)


# ---------------------------------------------------------------- valores frente a fórmulas y sklearn
def test_mse_matches_sklearn_and_formula(rng):
    y, y_hat = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    value = MeanSquaredError()(y, y_hat)
    assert value == pytest.approx(mean_squared_error(y, y_hat), rel=1e-12)
    assert value == pytest.approx(np.sum((y - y_hat) ** 2) / y.size, rel=1e-12)


def test_mse_accepts_vector_targets_for_one_output(rng):
    y, y_hat = rng.normal(size=10), rng.normal(size=(10, 1))
    assert MeanSquaredError()(y, y_hat) == pytest.approx(np.mean((y - y_hat[:, 0]) ** 2))


def test_binary_crossentropy_matches_sklearn(rng):
    y = rng.integers(0, 2, size=50)
    p = rng.uniform(0.05, 0.95, size=50)
    assert BinaryCrossentropy()(y, p[:, None]) == pytest.approx(log_loss(y, p), rel=1e-10)


def test_binary_crossentropy_from_logits_equals_probabilities(rng):
    y = rng.integers(0, 2, size=(30, 2)).astype(float)
    z = rng.normal(scale=3, size=(30, 2))
    expected = -np.mean(y * np.log(sigmoid(z)) + (1 - y) * np.log(1 - sigmoid(z)))
    assert BinaryCrossentropy(from_logits=True)(y, z) == pytest.approx(expected, rel=1e-10)
    assert BinaryCrossentropy()(y, sigmoid(z)) == pytest.approx(expected, rel=1e-6)


def test_categorical_crossentropy_matches_sklearn(rng):
    labels = rng.integers(0, 4, size=40)
    p = softmax(rng.normal(size=(40, 4)))
    expected = log_loss(labels, p, labels=[0, 1, 2, 3])
    assert CategoricalCrossentropy()(to_categorical(labels, 4), p) == pytest.approx(expected, rel=1e-6)
    assert SparseCategoricalCrossentropy()(labels, p) == pytest.approx(expected, rel=1e-6)


def test_categorical_from_logits_is_log_sum_exp(rng):
    labels = rng.integers(0, 3, size=25)
    z = rng.normal(scale=2, size=(25, 3))
    expected = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(25), labels])
    assert SparseCategoricalCrossentropy(from_logits=True)(labels, z) == pytest.approx(expected, rel=1e-12)
    assert CategoricalCrossentropy(from_logits=True)(np.eye(3)[labels], z) == pytest.approx(expected, rel=1e-12)


def test_from_logits_is_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0]])
    assert CategoricalCrossentropy(from_logits=True)([[0, 1, 0]], z) == pytest.approx(2000.0)
    assert BinaryCrossentropy(from_logits=True)([[0.0]], [[800.0]]) == pytest.approx(800.0)
    assert np.all(np.isfinite(CategoricalCrossentropy(from_logits=True).gradient([[0, 1, 0]], z)))


def test_probabilities_are_clipped_like_keras():
    """Con ŷ = 0 para la clase correcta, la pérdida es −log(1e−7) ≈ 16,12 y no infinita."""
    assert CategoricalCrossentropy()([[1, 0]], [[0.0, 1.0]]) == pytest.approx(-np.log(1e-7))
    assert BinaryCrossentropy()([[1.0]], [[0.0]]) == pytest.approx(-np.log(1e-7), rel=1e-6)
    assert np.all(BinaryCrossentropy().gradient([[1.0]], [[0.0]]) == 0)  # el recorte anula el gradiente


def test_loss_is_mean_over_batch(rng):
    """J es la media de las pérdidas L de los ejemplos: duplicar el lote no la cambia."""
    labels = rng.integers(0, 3, size=8)
    p = softmax(rng.normal(size=(8, 3)))
    loss = SparseCategoricalCrossentropy()
    assert loss(np.tile(labels, 2), np.vstack([p, p])) == pytest.approx(loss(labels, p))


# ---------------------------------------------------------------- gradientes numéricos (float64)
CASES = [
    (MeanSquaredError(), "real"),
    (BinaryCrossentropy(), "binary"),
    (BinaryCrossentropy(from_logits=True), "binary"),
    (CategoricalCrossentropy(), "one_hot"),
    (CategoricalCrossentropy(from_logits=True), "one_hot"),
    (SparseCategoricalCrossentropy(), "sparse"),
    (SparseCategoricalCrossentropy(from_logits=True), "sparse"),
]


def _data(kind, from_logits, rng, n=6, k=4):
    labels = rng.integers(0, k, size=n)
    if kind == "real":
        return rng.normal(size=(n, k)), rng.normal(size=(n, k))
    if kind == "binary":
        y = rng.integers(0, 2, size=(n, k)).astype(float)
        z = rng.normal(size=(n, k))
        return y, (z if from_logits else sigmoid(z))
    z = rng.normal(size=(n, k))
    y = np.eye(k)[labels] if kind == "one_hot" else labels
    return y, (z if from_logits else softmax(z))


@pytest.mark.parametrize("loss, kind", CASES, ids=lambda c: repr(c) if not isinstance(c, str) else c)
def test_gradient_matches_numerical_gradient(loss, kind, rng):
    y, y_pred = _data(kind, loss.from_logits, rng)
    y_pred = np.ascontiguousarray(y_pred, dtype=np.float64)
    result = gradient_check(lambda p: loss(y, p), y_pred, loss.gradient(y, y_pred))
    assert result.max_error < 1e-7, result


def test_gradient_has_prediction_shape_and_dtype(rng):
    y, p = _data("one_hot", False, rng)
    grad = CategoricalCrossentropy().gradient(y, p.astype(np.float32))
    assert grad.shape == p.shape and grad.dtype == np.float32
    assert MeanSquaredError().gradient(np.zeros(5), np.ones(5)).shape == (5,)


def test_softmax_then_crossentropy_gradient_is_y_hat_minus_y(rng):
    """Anexo A: el gradiente respecto a los logits de softmax + entropía cruzada es (ŷ − y)/m."""
    labels = rng.integers(0, 3, size=5)
    z = rng.normal(size=(5, 3))
    y_hat = softmax(z)
    y = np.eye(3)[labels]
    grad_y_hat = CategoricalCrossentropy().gradient(y, y_hat)
    grad_z = activations.get("softmax").backward(grad_y_hat, z, y_hat)
    np.testing.assert_allclose(grad_z, (y_hat - y) / 5, atol=1e-12)
    np.testing.assert_allclose(CategoricalCrossentropy(from_logits=True).gradient(y, z), (y_hat - y) / 5,
                               atol=1e-12)


# ---------------------------------------------------------------- nombres y utilidades
@pytest.mark.parametrize("name, cls", [
    ("mse", MeanSquaredError), ("mean_squared_error", MeanSquaredError),
    ("binary_crossentropy", BinaryCrossentropy), ("categorical_crossentropy", CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", SparseCategoricalCrossentropy),
])
def test_get_by_keras_name(name, cls):
    loss = losses.get(name)
    assert type(loss) is cls and not loss.from_logits


def test_get_returns_the_same_object():
    loss = CategoricalCrossentropy(from_logits=True)
    assert losses.get(loss) is loss


def test_config_round_trip():
    loss = BinaryCrossentropy(from_logits=True)
    again = losses.from_config(loss.get_config())
    assert type(again) is BinaryCrossentropy and again.from_logits


def test_to_categorical():
    np.testing.assert_array_equal(to_categorical([2, 0, 1]), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert to_categorical(np.array([[1], [0]]), num_classes=4).shape == (2, 4)
    assert to_categorical([1, 0]).dtype == np.float32
