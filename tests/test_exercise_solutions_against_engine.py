"""Las soluciones de referencia de los ejercicios de transferencia (10.1, 10.3, 12.1, 12.3) son correctas:
se comparan con el motor, con una fórmula cerrada o con scikit-learn, no consigo mismas."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from course_lib import nn
from course_lib.exercises import cap10, cap12


def test_average_pooling_backward_matches_the_engine():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 6, 4, 3))
    layer = nn.AveragePooling2D(2)
    y = layer.forward(x, training=True)
    g = rng.normal(size=y.shape)
    assert np.allclose(cap10.avg_pool_backward(g), layer.backward(g), atol=1e-6)


@pytest.mark.parametrize("f", [3, 5, 7])
def test_blocks_needed_follows_the_closed_form_receptive_field(f):
    # Tras k bloques [conv f×f + pool 2×2], el campo receptivo es 1 + f·(2^k − 1).
    for n in range(1, 300):
        k = cap10.blocks_needed(n, f)
        assert 1 + f * (2 ** k - 1) >= n
        assert k == 0 or 1 + f * (2 ** (k - 1) - 1) < n


def test_blocks_needed_agrees_with_the_engine_gradient_footprint():
    # Dos bloques conv 5×5 + pool 2×2: un solo valor de salida depende de una ventana 16×16 (= 1 + 5·3).
    model = nn.Sequential([nn.Conv2D(1, 5, input_shape=(32, 32, 1)), nn.AveragePooling2D(2),
                           nn.Conv2D(1, 5), nn.AveragePooling2D(2)])
    out = model.forward(np.random.default_rng(1).random((1, 32, 32, 1)))
    grad = np.zeros_like(out)
    grad[0, 2, 2, 0] = 1.0
    footprint = np.abs(model.backward(grad)[0, :, :, 0]) > 0
    rows, cols = np.flatnonzero(footprint.any(axis=1)), np.flatnonzero(footprint.any(axis=0))
    assert np.ptp(rows) + 1 == np.ptp(cols) + 1 == 16
    assert cap10.blocks_needed(16, 5) == 2 and cap10.blocks_needed(17, 5) == 3


def test_batch_norm_backward_matches_the_engine():
    rng = np.random.default_rng(3)
    x = rng.normal(loc=2.0, scale=3.0, size=(16, 5))
    layer = nn.BatchNormalization(epsilon=1e-3)
    layer.build((5,))
    layer.params["gamma"][:] = rng.normal(size=5)
    layer.forward(x, training=True)
    g = rng.normal(size=(16, 5))
    dx = layer.backward(g)
    mine = cap12.batch_norm_backward(g, x, layer.params["gamma"], 1e-3)
    assert np.allclose(mine[0], dx, atol=1e-8)
    assert np.allclose(mine[1], layer.grads["gamma"], atol=1e-8)
    assert np.allclose(mine[2], layer.grads["beta"], atol=1e-8)


def test_ridge_helper_matches_scikit_learn_with_alpha_m_lambda():
    X_train, y_train, *_ = cap12._ridge_data()
    for lam in (0.01, 1.0):
        w, b = cap12.ridge(X_train, y_train, lam)
        sk = Ridge(alpha=len(X_train) * lam).fit(X_train, y_train)
        assert np.allclose(w, sk.coef_) and np.isclose(b, sk.intercept_)


def test_choosing_lambda_by_validation_differs_from_the_typical_mistakes():
    data = cap12._ridge_data()
    chosen = cap12.choose_lambda(*data, cap12.LAMBDAS_12_1)[0]
    assert chosen != cap12._by_split(2)(*data, cap12.LAMBDAS_12_1)[0]   # elegir con la prueba
    assert chosen != cap12._by_split(0)(*data, cap12.LAMBDAS_12_1)[0]   # elegir con el entrenamiento
