"""Pruebas de los optimizadores: cada actualización frente a su fórmula de libro, paso a paso.

Las fórmulas de referencia se escriben aquí de otra forma (la de los libros y del Anexo B de la
revisión), no copiando el código del motor, y se aplican a pesos W **y** sesgos b.
"""

import numpy as np
import pytest

from course_lib.nn import config, optimizers
from course_lib.nn.dense import Dense
from course_lib.nn.sequential import Sequential
from course_lib.nn.optimizers import SGD, Adagrad, Adam, RMSprop
from course_lib.nn.validation import CourseError

STEPS = 5


pytestmark = pytest.mark.usefixtures("float64")  # ver conftest.py


def make_layers(seed=0):
    """Dos capas densas construidas, con sus gradientes por rellenar."""
    config.set_seed(seed)
    first, second = Dense(3), Dense(2)
    first.build((4,))
    second.build((3,))
    return [first, second]


def run(optimizer, reference_update, seed=0):
    """Aplica STEPS pasos con gradientes aleatorios y compara con ``reference_update``.

    ``reference_update(theta, g, state, t)`` devuelve el nuevo θ según la fórmula de libro;
    ``state`` es un dict propio de cada parámetro (para sus velocidades y momentos).
    """
    layers = make_layers(seed)
    expected = {(i, k): v.copy() for i, layer in enumerate(layers) for k, v in layer.params.items()}
    states = {key: {} for key in expected}
    rng = np.random.default_rng(seed + 1)
    for t in range(1, STEPS + 1):
        for i, layer in enumerate(layers):
            for key, theta in layer.params.items():
                g = rng.normal(size=theta.shape)
                layer.grads[key] = g
                expected[(i, key)] = reference_update(expected[(i, key)], g, states[(i, key)], t)
        optimizer.step(layers)
        for (i, key), value in expected.items():
            np.testing.assert_allclose(layers[i].params[key], value, rtol=1e-12, atol=1e-14,
                                       err_msg=f"paso {t}, capa {i}, parámetro {key}")
    assert optimizer.iterations == STEPS
    assert {key for _, key in expected} == {"W", "b"}  # se comprobaron pesos y sesgos


def test_sgd_plain():
    eta = 0.1
    run(SGD(learning_rate=eta), lambda theta, g, s, t: theta - eta * g)


def test_sgd_momentum_textbook_form():
    """Anexo A: v ← μv + g; θ ← θ − ηv (equivale a la forma de Keras con η fija)."""
    eta, mu = 0.05, 0.9

    def update(theta, g, s, t):
        s["v"] = mu * s.get("v", 0.0) + g
        return theta - eta * s["v"]

    run(SGD(learning_rate=eta, momentum=mu), update)


def test_sgd_nesterov_textbook_form():
    """Nesterov (forma de PyTorch): u ← μu + g; θ ← θ − η(g + μu)."""
    eta, mu = 0.05, 0.8

    def update(theta, g, s, t):
        s["u"] = mu * s.get("u", 0.0) + g
        return theta - eta * (g + mu * s["u"])

    run(SGD(learning_rate=eta, momentum=mu, nesterov=True), update)


def test_adagrad():
    """G ← G + g² (G₀ = 0,1); θ ← θ − η·g/√(G + ε)."""
    eta, g0, eps = 0.1, 0.1, 1e-7

    def update(theta, g, s, t):
        s["G"] = s.get("G", g0) + g**2
        return theta - eta * g / np.sqrt(s["G"] + eps)

    run(Adagrad(learning_rate=eta), update)


def test_rmsprop():
    """r ← ρr + (1 − ρ)g²; θ ← θ − η·g/√(r + ε)."""
    eta, rho, eps = 0.01, 0.9, 1e-7

    def update(theta, g, s, t):
        s["r"] = rho * s.get("r", 0.0) + (1 - rho) * g**2
        return theta - eta * g / np.sqrt(s["r"] + eps)

    run(RMSprop(learning_rate=eta), update)


def test_rmsprop_with_momentum():
    eta, rho, mu, eps = 0.01, 0.8, 0.5, 1e-7

    def update(theta, g, s, t):
        s["r"] = rho * s.get("r", 0.0) + (1 - rho) * g**2
        s["m"] = mu * s.get("m", 0.0) + eta * g / np.sqrt(s["r"] + eps)
        return theta - s["m"]

    run(RMSprop(learning_rate=eta, rho=rho, momentum=mu), update)


def test_adam_textbook_form_with_bias_correction():
    """Kingma y Ba: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), θ ← θ − η·m̂/(√v̂ + ε̂), t = 1, 2, …

    Keras escribe lo mismo como θ ← θ − α_t·m/(√v + ε) con α_t = η√(1 − β₂ᵗ)/(1 − β₁ᵗ);
    las dos coinciden con ε̂ = ε/√(1 − β₂ᵗ).
    """
    eta, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7

    def update(theta, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g**2
        m_hat = s["m"] / (1 - b1**t)
        v_hat = s["v"] / (1 - b2**t)
        eps_hat = eps / np.sqrt(1 - b2**t)
        return theta - eta * m_hat / (np.sqrt(v_hat) + eps_hat)

    run(Adam(learning_rate=eta), update)


def test_adam_first_step_moves_each_parameter_by_eta_times_sign():
    """En el primer paso m̂ = g y v̂ = g²: cada parámetro (pesos y sesgos) se mueve ≈ η·signo(g)."""
    layers = make_layers()
    before = [{k: v.copy() for k, v in layer.params.items()} for layer in layers]
    rng = np.random.default_rng(3)
    for layer in layers:
        # |g| entre 0,005 y 200: el paso no depende del tamaño del gradiente, solo de su signo.
        layer.grads = {k: rng.choice([-1, 1], size=v.shape) * rng.uniform(0.5, 2, size=v.shape)
                       * 10.0 ** rng.integers(-2, 3, size=v.shape) for k, v in layer.params.items()}
    Adam(learning_rate=0.001).step(layers)
    for layer, old in zip(layers, before):
        for key in layer.params:
            step = layer.params[key] - old[key]
            np.testing.assert_allclose(step, -0.001 * np.sign(layer.grads[key]), rtol=1e-3)


def test_adam_step_one_has_no_nan_even_with_zero_gradient():
    """Errata OPT-02: con t = 0 se dividiría entre 1 − β⁰ = 0. Aquí t empieza en 1."""
    layers = make_layers()
    before = [layer.params["W"].copy() for layer in layers]
    for layer in layers:
        layer.grads = {k: np.zeros_like(v) for k, v in layer.params.items()}
    Adam().step(layers)
    for layer, old in zip(layers, before):
        assert np.all(np.isfinite(layer.params["W"]))
        np.testing.assert_array_equal(layer.params["W"], old)


def test_each_parameter_has_its_own_state():
    """Dos capas con el mismo gradiente pero historias distintas dan pasos distintos."""
    layers = make_layers()
    opt = Adam(learning_rate=0.1)
    for layer in layers:
        layer.grads = {k: np.ones_like(v) for k, v in layer.params.items()}
    opt.step(layers[:1])  # solo la primera capa da un paso
    w0 = layers[1].params["b"].copy()
    layers[0].grads = {k: -np.ones_like(v) for k, v in layers[0].params.items()}
    b_first = layers[0].params["b"].copy()
    opt.step(layers)
    # La segunda capa da su primer paso de Adam (≈ η), aunque el contador global vaya por t = 2.
    assert np.all(layers[1].params["b"] - w0 < 0)
    # La primera capa, con m aún positivo por su historia, se mueve mucho menos de η al invertirse g.
    assert np.all(np.abs(layers[0].params["b"] - b_first) < 0.1)


def test_keras_defaults():
    assert SGD().get_config() == {"class_name": "SGD", "learning_rate": 0.01, "momentum": 0.0, "nesterov": False}
    assert Adam().get_config() == {"class_name": "Adam", "learning_rate": 0.001, "beta_1": 0.9,
                                   "beta_2": 0.999, "epsilon": 1e-7}
    assert RMSprop().get_config() == {"class_name": "RMSprop", "learning_rate": 0.001, "rho": 0.9,
                                      "momentum": 0.0, "epsilon": 1e-7}
    assert Adagrad().get_config() == {"class_name": "Adagrad", "learning_rate": 0.001,
                                      "initial_accumulator_value": 0.1, "epsilon": 1e-7}


@pytest.mark.parametrize("name, cls", [("sgd", SGD), ("adam", Adam), ("RMSprop", RMSprop), ("adagrad", Adagrad)])
def test_get_by_name(name, cls):
    assert type(optimizers.get(name)) is cls


@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), "0.1", None])
def test_learning_rate_must_be_positive(bad):
    with pytest.raises(CourseError, match="tasa de aprendizaje"):
        SGD(learning_rate=bad)


# ---------------------------------------------------------------- Anexo B: regresión de juguete
@pytest.mark.parametrize("optimizer", [
    SGD(learning_rate=0.01), SGD(learning_rate=0.01, momentum=0.9), Adagrad(learning_rate=0.5),
    RMSprop(learning_rate=0.01), Adam(learning_rate=0.01),
], ids=repr)
def test_all_optimizers_recover_the_toy_regression(optimizer):
    """Anexo B: y = X·[2, −1, 0,5] + 0,7 + ruido; todos recuperan w y b con una neurona lineal."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3))
    y = X @ np.array([2.0, -1.0, 0.5]) + 0.7 + 0.05 * rng.normal(size=500)
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(X, y, epochs=50, batch_size=32, verbose=0, seed=0)
    layer = model.layers[0]
    np.testing.assert_allclose(layer.params["W"][:, 0], [2.0, -1.0, 0.5], atol=0.05)
    assert layer.params["b"][0] == pytest.approx(0.7, abs=0.05)
    assert model.evaluate(X, y) < 0.005
