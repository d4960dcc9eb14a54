"""Los cálculos puros de las demostraciones de convolución, pooling, capacidad, regularización y
del laboratorio tipo Playground, comprobados contra referencias independientes (scipy, el motor
del curso, bucles obvios, sklearn) y los botones y el Play del laboratorio."""

import numpy as np
import pytest
from scipy.signal import correlate2d

from course_lib import nn
from course_lib.demos.capacity import error_curves, fit_polynomial, verdict
from course_lib.demos.convolution import KERNELS, convolve2d, output_size, parse_kernel
from course_lib.demos.playground import PlaygroundTrainer, playground
from course_lib.demos.pooling import pool2d, pool_output_size
from course_lib.demos.regularization import (
    STRENGTHS,
    PolynomialFeatures,
    dropout_cost,
    dropout_equivalent_ridge,
    lasso_weights,
    penalized_cost,
    ridge_weights,
)
from course_lib.data import make_regression_1d

RNG = np.random.default_rng(0)


# --- Convolución -------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [7, 10])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 1, 2])
def test_convolve2d_matches_scipy_correlate2d(n, stride, padding):
    image = RNG.normal(size=(n, n + 3))
    kernel = RNG.normal(size=(3, 3))
    expected = correlate2d(np.pad(image, padding), kernel, mode="valid")[::stride, ::stride]
    result = convolve2d(image, kernel, stride, padding)
    np.testing.assert_allclose(result, expected, atol=1e-12)
    assert result.shape[0] == output_size(n, 3, stride, padding)


def test_convolution_is_a_cross_correlation_not_a_flipped_convolution():
    image = np.arange(25.0).reshape(5, 5)
    kernel = np.array(KERNELS["Sobel vertical"], dtype=float)  # no simétrico
    from scipy.signal import convolve2d as true_convolution

    assert not np.allclose(convolve2d(image, kernel), true_convolution(image, kernel, mode="valid"))
    np.testing.assert_allclose(convolve2d(image, kernel), true_convolution(image, kernel[::-1, ::-1], mode="valid"))


@pytest.mark.parametrize("stride,padding", [(1, "valid"), (2, "valid"), (3, "valid"), (1, "same")])
def test_convolve2d_matches_the_engine_conv2d(stride, padding):
    nn.set_floatx("float64")
    try:
        image = RNG.normal(size=(9, 9))
        kernel = RNG.normal(size=(3, 3))
        layer = nn.Conv2D(1, 3, strides=stride, padding=padding)
        layer.build((9, 9, 1))
        layer.params["W"] = kernel[:, :, None, None].copy()
        layer.params["b"] = np.zeros(1)
        engine = layer.forward(image[None, :, :, None])[0, :, :, 0]
    finally:
        nn.set_floatx("float32")
    np.testing.assert_allclose(convolve2d(image, kernel, stride, padding), engine, atol=1e-10)


def test_output_size_formula_examples_from_the_notes():
    # 7×7 con filtro 3×3: p=0,s=1 → 5; p=1 → 7; s=2 → 3; p=1,s=2 → 4 (revisión de fuentes, cap. 7)
    assert [output_size(7, 3, s, p) for s, p in [(1, 0), (1, 1), (2, 0), (2, 1)]] == [5, 7, 3, 4]
    assert output_size(7, 3, 1, "same") == 7 and output_size(7, 3, 1, "valid") == 5


@pytest.mark.parametrize("text", ["", "abc", "1, 2", "1 2\n3 4\n5 6", "nan 0 0\n0 0 0\n0 0 0",
                                  "1e309 0 0\n0 0 0\n0 0 0", "1 2 3\n4 5 6"])
def test_parse_kernel_rejects_bad_text_with_a_spanish_message(text):
    with pytest.raises(ValueError, match="filtro|fila"):
        parse_kernel(text)


def test_parse_kernel_accepts_spaces_commas_and_decimal_commas():
    np.testing.assert_allclose(parse_kernel("1 0 -1\n2,5 0 -2\n1 0 -1"), [[1, 0, -1], [2.5, 0, -2], [1, 0, -1]])
    np.testing.assert_allclose(parse_kernel("1,0,-1; 2,0,-2; 1,0,-1"), [[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def test_convolution_demo_shows_a_message_for_a_bad_kernel_and_recovers():
    from course_lib.demos.convolution import convolution

    demo = convolution(kernel="editable 3×3")
    demo.controls["custom_kernel"].value = "1 2\n3"
    assert "filtro" in demo.message.value and demo.failures == []
    demo.controls["custom_kernel"].value = "0 0 0\n0 2 0\n0 0 0"
    assert demo.message.value == "" and demo.failures == []


def test_convolution_demo_cell_sliders_follow_the_output_size():
    from course_lib.demos.convolution import convolution

    demo = convolution(row=5, column=5)
    demo.controls["stride"].value = 2  # 7×7, p = 0, s = 2 → 3×3
    assert demo.controls["row"].max == 3 and demo.controls["row"].value == 3
    assert demo.failures == []


# --- Pooling -----------------------------------------------------------------------------------

def _pool_loop(x, f, s, reduce):
    n_rows, n_cols = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
    return np.array([[reduce(x[i * s:i * s + f, j * s:j * s + f]) for j in range(n_cols)] for i in range(n_rows)])


@pytest.mark.parametrize("f", [2, 3, 4])
@pytest.mark.parametrize("s", [1, 2, 3, 4])
def test_pool2d_matches_an_obvious_loop(f, s):
    x = RNG.integers(0, 10, (9, 8)).astype(float)
    out_max, where = pool2d(x, f, s, "max")
    np.testing.assert_array_equal(out_max, _pool_loop(x, f, s, np.max))
    np.testing.assert_allclose(pool2d(x, f, s, "media")[0], _pool_loop(x, f, s, np.mean))
    assert out_max.shape == (pool_output_size(9, f, s), pool_output_size(8, f, s))
    # Cada posición marcada está dentro de su ventana y tiene el valor máximo
    for i in range(out_max.shape[0]):
        for j in range(out_max.shape[1]):
            r, c = where[i, j]
            assert i * s <= r < i * s + f and j * s <= c < j * s + f
            assert x[r, c] == out_max[i, j]


def test_pool2d_matches_the_engine_pooling_layers():
    x = RNG.normal(size=(8, 8))
    engine_max = nn.MaxPooling2D(3, strides=2).forward(x[None, :, :, None].astype("float32"))[0, :, :, 0]
    engine_avg = nn.AveragePooling2D(2).forward(x[None, :, :, None].astype("float32"))[0, :, :, 0]
    np.testing.assert_allclose(pool2d(x, 3, 2, "max")[0], engine_max, atol=1e-6)
    np.testing.assert_allclose(pool2d(x, 2, None, "media")[0], engine_avg, atol=1e-6)  # float32


# --- Capacidad ---------------------------------------------------------------------------------

def test_training_error_decreases_with_degree_and_validation_error_turns_up():
    x, y = make_regression_1d(n=20, noise=0.3, seed=0)
    x_val, y_val = make_regression_1d(n=300, noise=0.3, seed=1)
    train, val = error_curves(x, y, x_val, y_val)
    assert np.all(np.diff(train) <= 1e-9), train  # modelos anidados: más grado, nunca más error
    best = int(np.argmin(val)) + 1
    assert 3 <= best <= 8, best  # sin(2πx) necesita al menos grado 3
    assert val[-1] > 3 * val[best - 1]  # grado 15 con 20 puntos sobreajusta
    assert verdict(1, train, val) == "subajuste"
    assert verdict(best, train, val) == "buen ajuste"
    assert verdict(15, train, val) == "sobreajuste"


def test_a_near_perfect_fit_of_noiseless_data_is_not_overfitting():
    x, y = make_regression_1d(n=20, noise=0.0, seed=0)
    x_val, y_val = make_regression_1d(n=300, noise=0.0, seed=1)
    train, val = error_curves(x, y, x_val, y_val)
    assert val[14] < 1e-3  # grado 15 sin ruido: error de validación despreciable
    assert verdict(15, train, val) == "buen ajuste"
    assert verdict(1, train, val) == "subajuste"


def test_fit_polynomial_recovers_an_exact_polynomial():
    x = np.linspace(0, 1, 12)
    p = fit_polynomial(x, 1 - 2 * x + 3 * x ** 3, 3)
    np.testing.assert_allclose(p.convert().coef, [1, -2, 0, 3], atol=1e-8)


# --- Regularización ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def poly_problem():
    x, y = make_regression_1d(n=20, noise=0.3, seed=10)
    return x, y, PolynomialFeatures(x)(x)


def test_features_are_standardized_and_least_squares_is_the_polynomial_fit(poly_problem):
    x, y, X = poly_problem
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(X.std(axis=0), 1, atol=1e-10)
    w = ridge_weights(X, y, 0.0)
    np.testing.assert_allclose(y.mean() + X @ w, fit_polynomial(x, y, 12)(x), atol=1e-6)
    assert np.abs(w).max() > 100  # sin regularizar, pesos enormes: la marca del sobreajuste


def test_ridge_matches_sklearn_and_is_the_minimum(poly_problem):
    from sklearn.linear_model import Ridge

    _, y, X = poly_problem
    strength = 0.01
    w = ridge_weights(X, y, strength)
    # sklearn Ridge minimiza ‖y − Xw‖² + α‖w‖²; el nuestro es (1/m)·eso con α = m·λ
    np.testing.assert_allclose(w, Ridge(alpha=len(y) * strength).fit(X, y).coef_, atol=1e-8)
    best = penalized_cost(X, y, w, "L2", strength)
    for _ in range(20):
        assert penalized_cost(X, y, w + RNG.normal(0, 1e-3, w.shape), "L2", strength) >= best - 1e-12


def test_lasso_satisfies_the_optimality_conditions(poly_problem):
    """Condiciones de optimalidad (KKT) de J = (1/m)‖y − ȳ − Xw‖² + λ‖w‖₁, sin usar otro solver:
    g = (2/m)·Xᵀ(y − ȳ − Xw) vale λ·signo(wⱼ) donde wⱼ ≠ 0 y cumple |gⱼ| ≤ λ donde wⱼ = 0."""
    _, y, X = poly_problem
    path = lasso_weights(X, y, STRENGTHS)
    for strength in STRENGTHS[1:]:
        w = path[strength]
        g = 2 / len(y) * X.T @ (y - y.mean() - X @ w)
        active = w != 0
        np.testing.assert_allclose(g[active], strength * np.sign(w[active]), atol=1e-3 * strength + 1e-6)
        assert np.all(np.abs(g[~active]) <= strength * (1 + 1e-3) + 1e-6)


def test_l1_gives_exact_zeros_and_l2_none(poly_problem):
    _, y, X = poly_problem
    path = lasso_weights(X, y, STRENGTHS)
    for strength in [0.001, 0.01, 0.1, 1.0]:
        assert np.count_nonzero(ridge_weights(X, y, strength) == 0) == 0
        assert 0 < np.count_nonzero(path[strength] == 0) < 12
    # más λ, pesos más pequeños (en norma)
    norms = [np.abs(ridge_weights(X, y, lam)).sum() for lam in STRENGTHS]
    assert all(a >= b for a, b in zip(norms, norms[1:]))


def test_lasso_with_dropout_ridge_term_matches_sklearn_elastic_net(poly_problem):
    from sklearn.linear_model import ElasticNet

    _, y, X = poly_problem
    l1, l2 = 0.01, dropout_equivalent_ridge(0.3)
    w = lasso_weights(X, y, [l1], ridge=l2)[l1]
    # ElasticNet: (1/2m)‖·‖² + α·r‖w‖₁ + (α(1 − r)/2)‖w‖²
    # →  α·r = λ₁/2 y α(1 − r) = λ₂
    alpha = l1 / 2 + l2
    model = ElasticNet(alpha=alpha, l1_ratio=(l1 / 2) / alpha, tol=1e-10, max_iter=100_000).fit(X, y - y.mean())
    np.testing.assert_allclose(w, model.coef_, atol=1e-4)


def test_dropout_equals_l2_with_p_over_1_minus_p_on_average(poly_problem):
    _, y, X = poly_problem
    rate = 0.3
    w = ridge_weights(X, y, 0.05)
    masks = (RNG.random((20_000,) + X.shape) >= rate).astype(float)
    expected = penalized_cost(X, y, w, "L2", dropout_equivalent_ridge(rate))
    assert dropout_cost(X, y, w, rate, masks) == pytest.approx(expected, rel=0.02)


# --- Laboratorio tipo Playground ---------------------------------------------------------------

def test_trainer_learns_gaussians():
    trainer = PlaygroundTrainer("gaussianas", hidden=(4, 2), learning_rate=0.03, seed=0)
    start = trainer.losses()[1]
    trainer.run_epochs(100)
    assert trainer.epoch == 100
    assert trainer.losses()[1] < 0.1 < start


def test_too_high_learning_rate_saturates_and_only_a_reset_recovers():
    """Lo que dice el ejemplo «tasa de aprendizaje demasiado alta» del laboratorio, con 3 semillas."""
    for seed in range(3):
        trainer = PlaygroundTrainer("gaussianas", hidden=(4, 4), learning_rate=10, activation="tanh", seed=seed)
        trainer.run_epochs(30)
        trainer.set_learning_rate(0.03)
        trainer.run_epochs(60)
        assert trainer.losses()[1] > 0.6                    # bajar η no basta: se queda cerca de ln 2
        fresh = PlaygroundTrainer("gaussianas", hidden=(4, 4), learning_rate=0.03, activation="tanh", seed=seed)
        fresh.run_epochs(20)
        assert fresh.losses()[1] < 0.2                      # reiniciada con η = 0,03, converge en 20 épocas


def test_xor_is_linear_with_the_product_feature():
    trainer = PlaygroundTrainer("xor", features=("X1·X2",), hidden=(), learning_rate=0.3, seed=0)
    start = trainer.losses()[1]
    trainer.run_epochs(100)
    assert trainer.losses()[1] < 0.5 * start
    accuracy = np.mean((trainer.predict(trainer.x_test) > 0.5) == trainer.y_test)
    assert accuracy > 0.95


def test_regression_trainer_reduces_the_mse():
    trainer = PlaygroundTrainer("regresión: plano", hidden=(2,), learning_rate=0.03, seed=0)
    start = trainer.losses()[0]
    trainer.run_epochs(50)
    assert trainer.losses()[0] < 0.2 * start


def test_too_high_learning_rate_diverges_without_raising():
    trainer = PlaygroundTrainer("círculo", hidden=(8, 8), activation="ReLU", learning_rate=10, seed=0,
                                regularization="L2", regularization_rate=10)
    trainer.run_epochs(50)
    assert trainer.diverged


def test_demo_learning_rate_keeps_the_network_and_other_changes_reset_it():
    demo = playground()
    demo.step_button.click()
    trained = demo.trainer.weights()
    assert demo.trainer.epoch == 1
    demo.controls["learning_rate"].value = 0.1
    assert demo.trainer.epoch == 1 and demo.trainer.optimizer.learning_rate == 0.1
    assert all(np.array_equal(a, b) for a, b in zip(trained, demo.trainer.weights()))
    for name, value in [("batch_size", 5), ("activation", "ReLU"), ("x1_sq", True), ("noise", 10)]:
        demo.step_button.click()
        before = demo.trainer.weights()
        demo.controls[name].value = value
        assert demo.trainer.epoch == 0, name
        assert not all(np.array_equal(a, b) for a, b in zip(before, demo.trainer.weights())), name
    assert demo.failures == []


def test_demo_play_step_and_reset():
    demo = playground()
    for tick in range(1, 6):
        demo.controls["play"].value = tick
    assert demo.trainer.epoch == 5
    first = demo.trainer.history["loss"][0]
    assert demo.trainer.history["loss"][-1] < first
    demo.step_button.click()
    assert demo.trainer.epoch == 6
    demo.reset_button.click()
    assert demo.trainer.epoch == 0 and len(demo.trainer.history["loss"]) == 1
    assert demo.failures == []


def test_demo_presets_apply_their_settings_and_divergence_is_a_message():
    demo = playground()
    demo.controls["preset"].value = "xor con X1·X2: lineal basta"
    assert demo.trainer.features == ("X1·X2",) and demo.trainer.hidden == () and demo.trainer.dataset == "xor"
    demo.controls["preset"].value = "tasa de aprendizaje demasiado alta"
    assert demo.trainer.optimizer.learning_rate == 10 and demo.trainer.dataset == "gaussianas"
    for tick in range(1, 10):
        demo.controls["play"].value = tick
    assert demo.failures == [] and max(demo.trainer.history["loss"]) > 1  # la pérdida salta muy arriba
    for name in ["x1", "x2"]:
        demo.controls[name].value = False
    assert "característica" in demo.message.value and demo.failures == []


def test_demo_divergence_is_a_spanish_message_not_an_exception():
    demo = playground(dataset="círculo", hidden_layers=2, neurons=8, activation="ReLU", learning_rate=10,
                      regularization="L2", regularization_rate=10)
    for tick in range(1, 60):
        demo.controls["play"].value = tick
        if demo.trainer.diverged:
            break
    assert demo.trainer.diverged
    assert "divergió" in demo.message.value and demo.failures == []
    demo.controls["play"].value = tick + 1  # seguir pulsando Play no lanza nada
    assert "divergió" in demo.message.value and demo.failures == []
    demo.reset_button.click()
    assert not demo.trainer.diverged and demo.message.value == ""


def test_demo_display_options_do_not_reset_the_network():
    demo = playground()
    demo.step_button.click()
    weights = demo.trainer.weights()
    image = bytes(demo.image.value)
    demo.controls["discretize"].value = True
    demo.controls["show_test"].value = True
    assert demo.trainer.epoch == 1
    assert all(np.array_equal(a, b) for a, b in zip(weights, demo.trainer.weights()))
    assert bytes(demo.image.value) != image
    assert demo.failures == []
