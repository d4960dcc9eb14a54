"""La demostración del capítulo 13: la norma del gradiente a través del tiempo es la de la
retropropagación a través del tiempo (comprobada con diferencias finitas) y, con activación lineal,
exactamente ρ^k."""

import numpy as np
import pytest

from course_lib.demos.rnn_gradient import orthogonal_matrix, rnn_gradient, rnn_gradient_norms, scientific
from course_lib.nn import activations


def test_orthogonal_matrix_is_orthogonal():
    q = orthogonal_matrix(16, seed=3)
    np.testing.assert_allclose(q @ q.T, np.eye(16), atol=1e-12)


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.3])
def test_linear_rnn_gradient_norm_is_rho_to_the_k(rho):
    _, norms = rnn_gradient_norms(rho, "linear", steps=30, input_scale=1.0)
    np.testing.assert_allclose(norms, rho ** np.arange(1, 31), rtol=1e-9)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_norms_match_finite_differences_of_the_recurrence(activation):
    rho, steps, units, k = 1.2, 12, 16, 5
    h, norms = rnn_gradient_norms(rho, activation, steps=steps, input_scale=0.8, units=units)
    f = activations.get(activation)
    U = rho * orthogonal_matrix(units, 0)
    x = 0.8 * np.random.default_rng(1).normal(size=(steps, units))

    def run_from(state, start):
        for t in range(start, steps):
            state = f(state @ U + x[t])
        return state

    start = steps - k
    eps = 1e-6
    jacobian = np.empty((units, units))
    for i in range(units):
        plus, minus = h[start].copy(), h[start].copy()
        plus[i] += eps
        minus[i] -= eps
        jacobian[:, i] = (run_from(plus, start) - run_from(minus, start)) / (2 * eps)
    np.testing.assert_allclose(norms[k - 1], np.linalg.norm(jacobian, 2), rtol=1e-5)


def test_tanh_never_exceeds_the_linear_bound():
    for rho in (0.7, 1.0, 2.0):
        _, norms = rnn_gradient_norms(rho, "tanh", steps=60, input_scale=1.5)
        assert np.all(norms <= rho ** np.arange(1, 61) * (1 + 1e-9))


def test_scientific_notation_uses_decimal_comma():
    assert scientific(3.2e-5) == "3,2·10⁻⁵"
    assert scientific(6.2e39) == "6,2·10³⁹"
    assert scientific(49.56) == "49,56"


def test_demo_shows_vanishing_and_exploding():
    demo = rnn_gradient(rho=0.9, activation="tanh", steps=50)
    assert "se desvanece" in demo.status.value
    demo.controls["activation"].value = "linear"
    demo.controls["rho"].value = 1.5
    assert "explota" in demo.status.value
    demo.controls["steps"].value = 0
    assert "al menos 1 paso" in demo.message.value and demo.failures == []


def test_what_the_notebook_asks_to_try():
    """Lo que el cuaderno 13 pide probar con la demostración es lo que se ve."""
    # tanh con ρ = 1,5, entradas y T = 100: el estado se satura y el gradiente se desvanece aunque
    # ρ > 1; con ρ = 2,5, en cambio, explota (con tanh pueden pasar las dos cosas).
    _, norms = rnn_gradient_norms(1.5, "tanh", steps=100, input_scale=1.0)
    assert norms[-1] < 1e-3
    _, norms = rnn_gradient_norms(2.5, "tanh", steps=100, input_scale=1.0)
    assert norms[-1] > 1e3
    # Sin entradas, h se queda en 0, tanh'(0) = 1 y el gradiente crece como ρ^k.
    _, norms = rnn_gradient_norms(1.2, "tanh", steps=50, input_scale=0.0)
    np.testing.assert_allclose(norms, 1.2 ** np.arange(1, 51), rtol=1e-9)
    # Sigmoide: σ' ≤ 0,25, así que incluso con el ρ máximo del control (2,5) se desvanece.
    _, norms = rnn_gradient_norms(2.5, "sigmoid", steps=50, input_scale=1.0)
    assert np.all(norms <= 0.625 ** np.arange(1, 51) * (1 + 1e-9))


def test_right_panel_shows_the_mean_derivative_that_explains_saturation():
    """El panel derecho enseña la media de f'(z_t): 1 con f lineal, ≤ 0,25 con la sigmoide, y con tanh
    baja al crecer la entrada (saturación). Las leyendas se pintan encima de las curvas."""
    demo = rnn_gradient(activation="linear", steps=40)
    np.testing.assert_allclose(demo.derivative_line.get_ydata(), 1.0)
    demo.controls["activation"].value = "sigmoid"
    assert np.all(np.asarray(demo.derivative_line.get_ydata()) <= 0.25 + 1e-12)
    demo.controls["activation"].value = "tanh"
    means = []
    for scale in (0.2, 1.0, 3.0):
        demo.controls["input_scale"].value = scale
        h, _, derivatives = rnn_gradient_norms(demo.controls["rho"].value, "tanh", 40, scale, with_derivatives=True)
        np.testing.assert_allclose(derivatives, 1 - h[1:] ** 2, atol=1e-12)      # tanh' = 1 − tanh²
        np.testing.assert_allclose(demo.derivative_line.get_ydata(), derivatives.mean(axis=1))
        means.append(float(np.mean(demo.derivative_line.get_ydata())))
    assert means[0] > means[1] > means[2]
    animated = demo._animated
    assert animated.index(demo.legend) > animated.index(demo.norm_line)
    assert animated.index(demo.derivative_legend) > animated.index(demo.derivative_line)
    assert "Media de f′" in demo.status.value and demo.failures == []
