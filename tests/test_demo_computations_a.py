"""El cálculo de cinco demostraciones (neuron, activations, losses, gradient_descent, optimizers),
probado sin widgets: lo que la figura enseña tiene que ser verdad."""

import warnings

import numpy as np
import pytest

from course_lib import demos
from course_lib.data import make_classification_2d
from course_lib.demos.activations import ACTIVATION_CHOICES, break_jumps, evaluate, vanishing_mask
from course_lib.demos.drive import random_changes
from course_lib.demos.gradient_descent import (
    BOUND,
    SURFACES,
    classify_trajectory,
    descend,
    make_regression_data,
    mse_cost,
    sgd_linear_regression,
    steps_to_reach,
)
from course_lib.demos.losses import Y_TRUE, gradient_curves, loss_curves, loss_values, prediction_vector
from course_lib.demos.neuron import count_misclassified, decision_line, neuron_output, predict_class
from course_lib.demos.optimizers import OPTIMIZERS, optimize_path
from course_lib.demos.optimizers import SURFACES as OPTIMIZER_SURFACES
from course_lib.nn import optimizers as engine_optimizers
from course_lib.nn.losses import CategoricalCrossentropy, MeanSquaredError
from course_lib.nn.validation import CourseError

NEURON_ACTIVATIONS = ["step", "sigmoid", "tanh", "relu", "linear"]


# --- neuron -------------------------------------------------------------------------------------

def test_misclassification_count_on_a_hand_made_case():
    # Frontera x₁ = 0 (w = (1, 0), b = 0): los dos primeros puntos están bien, el tercero no.
    X = np.array([[1.0, 0.0], [-1.0, 3.0], [2.0, 1.0], [-2.0, -1.0]])
    y = np.array([1, 0, 0, 0])
    for activation in NEURON_ACTIVATIONS:
        assert count_misclassified(X, y, (1.0, 0.0), 0.0, activation) == 1
    # Con el sesgo b = −3 la frontera pasa a x₁ = 3: todos son clase 0 y solo falla el primero.
    assert count_misclassified(X, y, (1.0, 0.0), -3.0, "sigmoid") == 1
    assert count_misclassified(X, 1 - y, (1.0, 0.0), -3.0, "sigmoid") == 3


@pytest.mark.parametrize("activation", NEURON_ACTIVATIONS)
def test_the_threshold_on_a_is_the_same_as_z_at_least_zero(activation):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 3, (500, 2))
    z, a = neuron_output(X, (0.7, -1.3), 0.4, activation)
    expected = (z > 0) if activation == "relu" else (z >= 0)
    np.testing.assert_array_equal(predict_class(a, activation), expected.astype(int))


def test_a_point_on_the_boundary_is_class_one_except_with_relu():
    X = np.zeros((1, 2))
    assert [int(predict_class(neuron_output(X, (1, 1), 0, name)[1], name)[0]) for name in NEURON_ACTIVATIONS] == [
        1, 1, 1, 0, 1]


def test_decision_line_points_satisfy_the_equation_and_w_zero_has_no_line():
    for w, b in [((1.0, 2.0), -1.5), ((3.0, 0.0), 2.0), ((0.0, -1.0), 0.5), ((-2.0, 0.3), 4.0)]:
        x1, x2 = decision_line(w, b)
        np.testing.assert_allclose(w[0] * np.asarray(x1) + w[1] * np.asarray(x2) + b, 0.0, atol=1e-9)
    assert decision_line((0.0, 0.0), 1.0) is None


def test_no_line_separates_xor_but_one_separates_the_gaussians():
    grid = np.linspace(-3, 3, 13)
    best = {}
    for name in ("gaussianas", "xor"):
        X, y = make_classification_2d(name, n=100, seed=0)
        best[name] = min(count_misclassified(X, y, (w1, w2), b, "sigmoid")
                         for w1 in grid for w2 in grid for b in np.linspace(-6, 6, 13))
    assert best["gaussianas"] <= 3
    assert best["xor"] >= 20  # la mejor recta falla al menos uno de cada cinco (≈ 25 % en teoría)


def test_neuron_demo_explains_w_zero_without_a_line():
    demo = demos.neuron(w1=0.0, w2=0.0, b=-1.0)
    assert not demo.line.get_visible() and demo.no_line.get_visible()
    assert "no hay frontera" in demo.no_line.get_text()
    assert demo.errors == 50  # todo a la clase 0: falla la mitad de las dos nubes
    assert demo.failures == []


# --- activations --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [name for _, name in ACTIVATION_CHOICES if name != "step"])
def test_derivatives_match_finite_differences(name):
    z = np.linspace(-5, 5, 201)
    z = z[np.abs(z) > 1e-3]  # lejos del pliegue de ReLU y Leaky ReLU en 0
    h = 1e-6
    numeric = (evaluate(name, z + h)[0] - evaluate(name, z - h)[0]) / (2 * h)
    np.testing.assert_allclose(evaluate(name, z)[1], numeric, atol=1e-6)


def test_softmax_of_z_and_zero_is_the_sigmoid():
    z = np.linspace(-6, 6, 61)
    np.testing.assert_allclose(evaluate("softmax", z)[0], evaluate("sigmoid", z)[0], atol=1e-12)
    np.testing.assert_allclose(evaluate("softmax", z)[1], evaluate("sigmoid", z)[1], atol=1e-12)


def test_the_sigmoid_gradient_vanishes_beyond_about_4_6():
    z = np.array([0.0, 4.5, 4.7, -4.7])
    np.testing.assert_array_equal(vanishing_mask(evaluate("sigmoid", z)[1], 0.01), [False, False, True, True])
    assert not vanishing_mask(evaluate("linear", z)[1]).any()


@pytest.mark.parametrize("name, z_min, f_min", [("swish", -1.28, -0.278), ("gelu", -0.75, -0.170)])
def test_the_minima_quoted_in_the_notes(name, z_min, f_min):
    from course_lib.demos.activations import NOTES

    z = np.linspace(-4, 0, 40001)
    f = evaluate(name, z)[0]
    assert z[np.argmin(f)] == pytest.approx(z_min, abs=0.005)
    assert f.min() == pytest.approx(f_min, abs=0.0005)
    assert f"{f_min:.3f}".replace(".", ",").replace("-", "−") in NOTES[name]


def test_the_step_is_drawn_without_a_vertical_segment():
    z = np.linspace(-1, 1, 11)
    xs, ys = break_jumps(z, evaluate("step", z)[0])
    assert np.isnan(ys).sum() == 1 and len(xs) == len(z) + 1


def test_activations_demo_reports_values_at_the_marker():
    demo = demos.activations(function="tanh", z=0.0)
    assert "f(0,00) = 0,000, f'(0,00) = 1,000" in demo.status.value.replace("&#x27;", "'")
    demo.controls["z"].value = 1.0
    assert "f(1,00) = 0,762" in demo.status.value


# --- losses -------------------------------------------------------------------------------------

def test_the_notes_example_gives_the_review_numbers():
    values = loss_values(Y_TRUE, prediction_vector(0.4, 0.5))
    assert round(values["mse"], 2) == 0.18
    assert round(values["categorical"], 3) == 0.916
    assert values["binary"] == pytest.approx(values["categorical"])


def test_the_notes_example_checkbox_sets_and_releases_the_example():
    demo = demos.losses(probability=0.8)
    demo.controls["notes_example"].value = True
    assert demo.controls["probability"].value == pytest.approx(0.4)
    assert "ECM = 0,18" in demo.status.value and "0,916" in demo.status.value
    assert "0,6² + 0,3² + 0,3²" in demo.values_text.get_text()
    demo.controls["probability"].value = 0.9
    assert demo.controls["notes_example"].value is False
    assert demo.failures == []


@pytest.mark.parametrize("p, split", [(0.05, 0.5), (0.4, 0.2), (0.93, 1.0)])
def test_closed_forms_agree_with_the_engine(p, split):
    curves = loss_curves(np.array([p]), split)
    engine = loss_values(Y_TRUE, prediction_vector(p, split))
    for key in curves:
        assert curves[key][0] == pytest.approx(engine[key], rel=1e-6)
    grads = gradient_curves(np.array([p]), split, "prediction")
    y_pred = prediction_vector(p, split)[None, :]
    assert grads["mse"][0] == pytest.approx(MeanSquaredError().gradient(Y_TRUE[None, :], y_pred)[0, 0])
    assert grads["categorical"][0] == pytest.approx(CategoricalCrossentropy().gradient(Y_TRUE[None, :], y_pred)[0, 0])


@pytest.mark.parametrize("p, split", [(0.05, 0.5), (0.4, 0.3), (0.9, 0.8)])
def test_gradients_with_respect_to_the_logit_match_finite_differences(p, split):
    z = np.log(prediction_vector(p, split))
    h = 1e-6

    def losses_at(z1):
        logits = z.copy()
        logits[0] = z1
        probabilities = np.exp(logits) / np.exp(logits).sum()
        return np.mean((probabilities - Y_TRUE) ** 2), -np.log(probabilities[0])

    plus, minus = losses_at(z[0] + h), losses_at(z[0] - h)
    grads = gradient_curves(np.array([p]), split, "logits")
    assert grads["mse"][0] == pytest.approx((plus[0] - minus[0]) / (2 * h), abs=1e-7)
    assert grads["categorical"][0] == pytest.approx((plus[1] - minus[1]) / (2 * h), abs=1e-7)


def test_the_mse_gradient_vanishes_when_the_prediction_is_very_wrong():
    """Errata LOS-03: con softmax, el gradiente del ECM → 0 si p → 0; el de la entropía cruzada, no."""
    grads = gradient_curves(np.array([0.01, 0.5]), 0.5, "logits")
    assert abs(grads["mse"][0]) < 0.1 * abs(grads["mse"][1])
    assert grads["categorical"][0] == pytest.approx(-0.99)


# --- gradient_descent ---------------------------------------------------------------------------

def test_descend_on_the_parabola_follows_the_closed_form():
    path = descend(lambda t: 2 * t, [3.0], 0.1, 20)
    np.testing.assert_allclose(path[:, 0], 3.0 * 0.8 ** np.arange(21))


@pytest.mark.parametrize("key", ["bowl", "elongated"])
@pytest.mark.parametrize("eta, verdict", [(0.01, "converge"), (0.5, "converge"), (0.95, "converge"), (1.0, "oscila"),
                                          (1.05, "diverge"), (2.0, "diverge")])
def test_verdict_changes_at_two_over_lambda_max(key, eta, verdict):
    surface = SURFACES[key]
    assert 2 / surface.curvature == 1.0
    path = descend(surface.gradient, [3.0, 2.0], eta, 40)
    assert classify_trajectory(surface.excess(path), path) == verdict


def test_small_learning_rate_reaches_the_minimum_and_counts_steps():
    surface = SURFACES["bowl"]
    losses = surface.excess(descend(surface.gradient, [3.0, 2.0], 0.25, 30))
    # θₜ = 0,5ᵗ·θ₀, J = 13·0,25ᵗ < 10⁻⁶ desde t = 12.
    assert steps_to_reach(losses) == 12


def test_divergence_is_capped_without_nan_or_warnings():
    surface = SURFACES["double_well"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = descend(surface.gradient, [3.0], 3.0, 100)
        losses = surface.excess(path)
    assert len(path) < 101 and np.abs(path[-1]).max() > BOUND
    assert np.all(np.isfinite(path)) and np.all(np.isfinite(losses))
    assert classify_trajectory(losses) == "diverge"


def test_nonconvex_start_decides_which_minimum():
    surface = SURFACES["nonconvex"]
    right = descend(surface.gradient, [2.5, 2.0], 0.1, 300)[-1]
    left = descend(surface.gradient, [-1.0, 0.0], 0.1, 300)[-1]
    np.testing.assert_allclose(right, surface.local_minimum, atol=1e-4)
    np.testing.assert_allclose(left, surface.minimum, atol=1e-4)
    assert surface.loss(surface.local_minimum) > surface.minimum_value + 0.5


def test_full_batch_sgd_is_gradient_descent_and_small_batches_are_noisy():
    x, y = make_regression_data()
    m = len(x)
    path, costs = sgd_linear_regression(x, y, (3.0, 2.0), 0.5, 40, batch_size=m)

    def gradient(theta):
        errors = theta[0] * x + theta[1] - y
        return 2 * np.array([np.mean(errors * x), np.mean(errors)])

    np.testing.assert_allclose(path, descend(gradient, (3.0, 2.0), 0.5, 40))
    optimum = mse_cost(x, y, *np.polyfit(x, y, 1))
    assert costs[-1] - optimum < 1e-6
    noisy_path, noisy_costs = sgd_linear_regression(x, y, (3.0, 2.0), 0.05, 20, batch_size=1)
    assert len(noisy_path) == 20 * m + 1 and len(noisy_costs) == 21
    assert 1e-6 < noisy_costs[-1] - optimum < 0.05  # cerca del mínimo, pero con el ruido del ejemplo suelto


def test_classify_trajectory_on_plain_sequences():
    assert classify_trajectory([5, 3, 2, 1.5, 1.2, 1.1]) == "converge"
    assert classify_trajectory([5, 1, 6, 1, 6, 1, 6, 1]) == "oscila"
    assert classify_trajectory([1, 2, 4, 8, 16]) == "diverge"
    assert classify_trajectory([1, np.inf]) == "diverge"
    with pytest.raises(CourseError):
        descend(lambda t: t, [1.0], -0.1, 10)


def test_gradient_descent_demo_diverges_cleanly_in_every_mode():
    demo = demos.gradient_descent(learning_rate=3.0, steps=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for key in ["parabola", "double_well", "bowl", "elongated", "nonconvex", "sgd_regression"]:
            demo.controls["surface"].value = key
            assert demo.result == "diverge", key
            assert np.all(np.isfinite(demo.path_line.get_xydata())) and np.all(np.isfinite(demo.loss_line.get_xydata()))
            assert "diverge" in demo.status.value
        random_changes(demo, 40, seed=5)
    assert demo.failures == []


# --- optimizers ---------------------------------------------------------------------------------

def test_adam_reaches_the_minimum_of_the_bowl():
    surface = SURFACES["bowl"]
    path = optimize_path("adam", surface.gradient, (3.0, 2.0), 300, learning_rate=0.05)
    assert np.linalg.norm(path[-1]) < 1e-3
    # Primer paso de Adam: m̂ = g y v̂ = g², así que cada coordenada se mueve η en contra del signo de g.
    np.testing.assert_allclose(path[1] - path[0], [-0.05, -0.05], rtol=1e-5)


def test_momentum_beats_sgd_on_the_elongated_bowl():
    surface = OPTIMIZER_SURFACES["elongated"]
    final = {name: surface.excess(optimize_path(name, surface.gradient, (-2.8, 2.0), 100, learning_rate=0.05))[-1]
             for name in ("sgd", "momentum")}
    assert final["momentum"] < 1e-3 * final["sgd"]


def test_a_start_on_the_ridge_of_the_saddle_never_escapes():
    surface = OPTIMIZER_SURFACES["saddle"]
    for name in OPTIMIZERS:
        path = optimize_path(name, surface.gradient, (-2.5, 0.0), 200, learning_rate=0.05)
        assert np.all(path[:, 1] == 0.0), name  # el gradiente en θ₂ es 0 sobre el eje
    escaped = optimize_path("sgd", surface.gradient, (-2.5, 0.05), 200, learning_rate=0.05)[-1]
    np.testing.assert_allclose(escaped, surface.minimum, atol=1e-3)


class _Parameter:
    """Una «capa» mínima para los optimizadores del motor: un solo parámetro θ con su gradiente."""

    def __init__(self, theta):
        self.params = {"W": np.array(theta, dtype=float)}
        self.grads = {"W": np.zeros_like(self.params["W"])}


@pytest.mark.parametrize("name, engine", [
    ("sgd", lambda: engine_optimizers.SGD(learning_rate=1e-3)),
    ("momentum", lambda: engine_optimizers.SGD(learning_rate=1e-3, momentum=0.9)),
    ("rmsprop", lambda: engine_optimizers.RMSprop(learning_rate=1e-2, rho=0.9, epsilon=1e-12)),
    ("adagrad", lambda: engine_optimizers.Adagrad(learning_rate=1e-1, initial_accumulator_value=0.0, epsilon=1e-12)),
    ("adam", lambda: engine_optimizers.Adam(learning_rate=1e-2, beta_1=0.9, beta_2=0.999, epsilon=1e-12)),
])
def test_update_rules_agree_with_the_engine_optimizers(name, engine):
    surface = OPTIMIZER_SURFACES["rosenbrock"]
    optimizer = engine()
    layer = _Parameter([-1.2, 1.0])
    expected = [layer.params["W"].copy()]
    for _ in range(25):
        layer.grads["W"] = surface.gradient(layer.params["W"])
        optimizer.step([layer])
        expected.append(layer.params["W"].copy())
    hyper = dict(learning_rate=optimizer.learning_rate, epsilon=1e-12)
    if name == "momentum":
        hyper["momentum"] = 0.9
    path = optimize_path(name, surface.gradient, (-1.2, 1.0), 25, **hyper)
    np.testing.assert_allclose(path, np.array(expected), rtol=1e-6, atol=1e-9)


def test_diverging_optimizer_stops_finite_and_demo_says_so():
    surface = OPTIMIZER_SURFACES["rosenbrock"]
    path = optimize_path("momentum", surface.gradient, (-1.5, 2.5), 300, learning_rate=0.002)
    assert len(path) < 301 and np.all(np.isfinite(path))
    demo = demos.optimizers(surface="rosenbrock", start_x=-1.5, start_y=2.5, learning_rate=0.002, steps=300)
    assert demo.results["momentum"][0] == "diverge" and "momento (β = 0,9): diverge" in demo.status.value


def test_optimizers_demo_without_any_optimizer_shows_a_message():
    demo = demos.optimizers()
    for key in ("sgd", "momentum_on", "rmsprop", "adagrad", "adam"):
        demo.controls[key].value = False
    assert "Marca al menos un optimizador" in demo.message.value
    assert demo.failures == []
