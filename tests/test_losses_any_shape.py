"""Pérdidas sobre salidas de cualquier forma, con la reducción de Keras, y las pérdidas nuevas.

Se comprueba contra Keras 3 (sobre PyTorch) con los mismos números: la pérdida de cada posición se
reduce en el último eje y la media del lote cuenta todas las posiciones; con pesos por ejemplo o por
posición, Σ w·L / (número de posiciones). Y cada gradiente, contra el numérico en float64.
"""

import numpy as np
import pytest

from course_lib import frameworks
from course_lib.nn import CourseError, losses
from course_lib.nn.gradient_check import numerical_gradient, relative_error

keras = frameworks.load_keras()
needs_keras = pytest.mark.skipif(keras is None, reason="Keras no está instalado")


def probabilities(rng, *shape):
    p = rng.random(shape) + 0.05
    return p / p.sum(axis=-1, keepdims=True)


CASES = [
    ("mse", lambda: losses.MeanSquaredError(), lambda: keras.losses.MeanSquaredError(), "real"),
    ("mae", lambda: losses.MeanAbsoluteError(), lambda: keras.losses.MeanAbsoluteError(), "real"),
    ("huber", lambda: losses.Huber(), lambda: keras.losses.Huber(), "real"),
    ("huber_0.3", lambda: losses.Huber(delta=0.3), lambda: keras.losses.Huber(delta=0.3), "real"),
    ("log_cosh", lambda: losses.LogCosh(), lambda: keras.losses.LogCosh(), "real"),
    ("mape", lambda: losses.MeanAbsolutePercentageError(), lambda: keras.losses.MeanAbsolutePercentageError(), "real"),
    ("msle", lambda: losses.MeanSquaredLogarithmicError(), lambda: keras.losses.MeanSquaredLogarithmicError(),
     "positive"),
    ("poisson", lambda: losses.Poisson(), lambda: keras.losses.Poisson(), "positive"),
    ("kld", lambda: losses.KLDivergence(), lambda: keras.losses.KLDivergence(), "onehot"),
    ("bce", lambda: losses.BinaryCrossentropy(), lambda: keras.losses.BinaryCrossentropy(), "binary"),
    ("bce_logits_ls", lambda: losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2),
     lambda: keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2), "binary_logits"),
    ("bce_ls", lambda: losses.BinaryCrossentropy(label_smoothing=0.1),
     lambda: keras.losses.BinaryCrossentropy(label_smoothing=0.1), "binary"),
    ("cce", lambda: losses.CategoricalCrossentropy(), lambda: keras.losses.CategoricalCrossentropy(), "onehot"),
    ("cce_ls", lambda: losses.CategoricalCrossentropy(label_smoothing=0.1),
     lambda: keras.losses.CategoricalCrossentropy(label_smoothing=0.1), "onehot"),
    ("cce_logits_ls", lambda: losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2),
     lambda: keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), "onehot_logits"),
    ("scce", lambda: losses.SparseCategoricalCrossentropy(), lambda: keras.losses.SparseCategoricalCrossentropy(),
     "sparse"),
    ("scce_logits", lambda: losses.SparseCategoricalCrossentropy(from_logits=True),
     lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True), "sparse_logits"),
]


def data(kind, shape, rng):
    """(y, ŷ) de forma ``shape`` = (N, …, K) para cada tipo de pérdida."""
    if kind == "real":
        return rng.standard_normal(shape), rng.standard_normal(shape)
    if kind == "positive":
        return rng.random(shape) * 3, rng.random(shape) * 3 + 0.1
    if kind in ("binary", "binary_logits"):
        y = rng.integers(0, 2, shape).astype(float)
        return y, (rng.standard_normal(shape) if kind == "binary_logits" else rng.random(shape) * 0.9 + 0.05)
    labels = rng.integers(0, shape[-1], shape[:-1])
    logits = rng.standard_normal(shape)
    if kind.startswith("sparse"):
        return labels, logits if kind.endswith("logits") else probabilities(rng, *shape)
    onehot = np.eye(shape[-1])[labels]
    return onehot, logits if kind.endswith("logits") else probabilities(rng, *shape)


SHAPES = [(6, 3), (4, 5, 3), (2, 3, 4, 3)]


@needs_keras
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name, ours, theirs, kind", CASES, ids=[c[0] for c in CASES])
def test_loss_on_any_shape_matches_keras(name, ours, theirs, kind, shape):
    rng = np.random.default_rng(len(shape))
    y, p = data(kind, shape, rng)
    expected = float(theirs()(y, p))
    assert ours()(y, p) == pytest.approx(expected, rel=1e-5, abs=1e-6)


@needs_keras
@pytest.mark.parametrize("name, ours, theirs, kind", CASES, ids=[c[0] for c in CASES])
def test_weights_per_position_match_keras(name, ours, theirs, kind):
    """Pesos de la forma de las Lᵢ (N, T): Σ w·L / (N·T), como Keras."""
    rng = np.random.default_rng(7)
    y, p = data(kind, (4, 5, 3), rng)
    w = rng.random((4, 5))
    expected = float(theirs()(y, p, sample_weight=w))
    assert ours()(y, p, sample_weight=w) == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_weights_per_example_broadcast_over_the_positions():
    """Un peso por ejemplo (N,) con una pérdida por posición (N, T) vale para todas sus posiciones
    (Keras 3, con el objeto pérdida suelto, no lo difunde; fit sí lo necesita para secuencias)."""
    rng = np.random.default_rng(3)
    y, p = data("sparse", (4, 5, 3), rng)
    w = np.array([1.0, 0.0, 2.0, 0.5])
    loss = losses.SparseCategoricalCrossentropy()
    per_position = loss.elementwise(loss.prepare_targets(y, p.shape), p)
    assert loss(y, p, sample_weight=w) == pytest.approx(np.sum(per_position * w[:, None]) / 20)


@needs_keras
def test_language_model_loss_of_the_issue():
    """Entropía cruzada con etiquetas enteras sobre (N, T, V) contra (N, T), y ECM sobre (N, T, D)."""
    rng = np.random.default_rng(0)
    logits, labels = rng.standard_normal((3, 7, 11)), rng.integers(0, 11, (3, 7))
    ours = losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    assert ours == pytest.approx(float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)),
                                 rel=1e-6)
    a, b = rng.standard_normal((3, 7, 2)), rng.standard_normal((3, 7, 2))
    assert losses.MeanSquaredError()(a, b) == pytest.approx(np.mean((a - b) ** 2))


@needs_keras
def test_ignore_class_leaves_padding_out_of_the_mean():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 5, (4, 6))
    labels[:, 4:] = 0
    logits = rng.standard_normal((4, 6, 5))
    ours = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    theirs = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    assert ours(labels, logits) == pytest.approx(float(theirs(labels, logits)), rel=1e-5)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name, ours, theirs, kind", CASES, ids=[c[0] for c in CASES])
def test_gradient_on_any_shape_matches_numerical(name, ours, theirs, kind, shape):
    rng = np.random.default_rng(11)
    y, p = data(kind, shape, rng)
    w = rng.random(shape[:-1])
    loss = ours()
    p = p.astype(np.float64)
    analytic = loss.gradient(y, p, sample_weight=w)
    numeric = numerical_gradient(lambda: loss(y, p, sample_weight=w), p)
    assert analytic.shape == p.shape
    assert relative_error(analytic, numeric) < 1e-6


def test_ignore_class_gradient_matches_numerical():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 4, (3, 5))
    labels[0, :2] = 3
    logits = rng.standard_normal((3, 5, 4))
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3)
    analytic = loss.gradient(labels, logits)
    assert relative_error(analytic, numerical_gradient(lambda: loss(labels, logits), logits)) < 1e-7
    assert np.all(analytic[labels == 3] == 0)


def test_reductions():
    y, p = np.zeros((2, 3, 1)), np.ones((2, 3, 1))
    assert losses.MeanSquaredError(reduction="sum")(y, p) == 6.0
    assert losses.MeanSquaredError()(y, p) == 1.0
    assert losses.MeanSquaredError(reduction="none")(y, p).shape == (2, 3)
    w = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    assert losses.MeanSquaredError(reduction="mean_with_sample_weight")(y, p, sample_weight=w) == 1.0
    with pytest.raises(CourseError, match="reduction debe ser"):
        losses.MeanSquaredError(reduction="media")


def test_loss_functions_and_names_like_keras():
    y, p = np.zeros((2, 3)), np.ones((2, 3))
    assert losses.mean_squared_error(y, p).shape == (2,)
    assert isinstance(losses.get("mae"), losses.MeanAbsoluteError)
    assert isinstance(losses.get("huber"), losses.Huber)
    assert isinstance(losses.get(losses.mean_absolute_error), losses.MeanAbsoluteError)
    assert losses.Huber().name == "huber_loss" and losses.MeanAbsoluteError().name == "mean_absolute_error"
    assert isinstance(losses.get(lambda y_true, y_pred: y_true - y_pred), losses.LossFunctionWrapper)


def test_sequence_labels_are_checked_in_spanish():
    loss = losses.SparseCategoricalCrossentropy()
    with pytest.raises(CourseError, match=r"forma \(2, 3, 4\).*etiqueta entera por posición, de forma \(2, 3\)"):
        loss(np.zeros((2, 4)), np.full((2, 3, 4), 0.25))
    with pytest.raises(CourseError, match=r"forma de las predicciones, \(2, 3, 4\).*Flatten"):
        losses.MeanSquaredError()(np.zeros((2, 4)), np.zeros((2, 3, 4)))
    with pytest.raises(CourseError, match="label_smoothing"):
        losses.CategoricalCrossentropy(label_smoothing=1.5)


def test_to_categorical_on_sequences():
    onehot = losses.to_categorical(np.array([[0, 2], [1, 1]]), 3)
    assert onehot.shape == (2, 2, 3) and onehot[0, 1, 2] == 1 and onehot.sum() == 4


def quartic(y_true, y_pred):
    """Una pérdida propia, como las de los tutoriales: (y − ŷ)⁴ con la aritmética de tensores."""
    d = (y_true - y_pred) * (y_true - y_pred)
    return d * d


def test_a_loss_written_as_a_function_is_traced_and_derived():
    loss = losses.get(quartic)
    rng = np.random.default_rng(0)
    y, p, w = rng.standard_normal((5, 2)), rng.standard_normal((5, 2)), rng.random(5)
    assert loss(y, p, sample_weight=w) == pytest.approx(np.sum((y - p) ** 4 * w[:, None]) / 10)
    analytic = loss.gradient(y, p, sample_weight=w)
    assert relative_error(analytic, numerical_gradient(lambda: loss(y, p, sample_weight=w), p)) < 1e-7


def test_a_loss_subclass_with_call_like_keras():
    class HalfSquare(losses.Loss):
        def call(self, y_true, y_pred):
            return (y_pred - y_true) * (y_pred - y_true) * 0.5

    rng = np.random.default_rng(1)
    y, p = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    loss = HalfSquare(name="media_del_cuadrado")
    assert loss(y, p) == pytest.approx(0.5 * np.mean((y - p) ** 2))
    np.testing.assert_allclose(loss.gradient(y, p), (p - y) / y.size, rtol=1e-12)


def test_a_loss_function_that_uses_numpy_is_explained():
    with pytest.raises(CourseError, match="np.absolute sobre un tensor simbólico.*keras.ops"):
        def numpy_loss(y_true, y_pred):
            return np.abs(y_true - y_pred)

        losses.get(numpy_loss)(np.zeros((2, 1)), np.ones((2, 1)))
