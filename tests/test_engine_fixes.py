"""Los tres defectos que encontró la comparación aleatoria con PyTorch, y el recorte de gradientes.

- CategoricalCrossentropy(from_logits=True): el gradiente es la derivada de la pérdida que se
  devuelve también cuando una fila de etiquetas no suma 1.
- MaxPooling2D admite ventanas de 129 posiciones o más (antes: OverflowError con int8).
- En un empate, el gradiente del max pooling va al primer máximo recorriendo la ventana por filas.
- clipnorm, global_clipnorm y clipvalue en todos los optimizadores, con la semántica de Keras 3.
"""

import numpy as np
import pytest

from course_lib.nn import config
from course_lib.nn.dense import Dense
from course_lib.nn.gradient_check import numerical_gradient
from course_lib.nn.losses import CategoricalCrossentropy
from course_lib.nn.optimizers import SGD, Adagrad, Adam, RMSprop
from course_lib.nn.pooling import MaxPooling2D
from course_lib.nn.validation import CourseError

pytestmark = pytest.mark.usefixtures("float64")


# ----------------------------------------------------------------------------- entropía cruzada
def test_categorical_crossentropy_gradient_with_labels_that_do_not_sum_to_one():
    loss = CategoricalCrossentropy(from_logits=True)
    z = np.array([[0.3, -1.2, 2.0]])
    y = np.array([[1.0, 1.0, 0.0]])
    softmax = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(loss.gradient(y, z), 2 * softmax - y, rtol=1e-12)  # (Σy)·softmax − y
    numerical = numerical_gradient(lambda: loss(y, z), z)
    np.testing.assert_allclose(loss.gradient(y, z), numerical, rtol=1e-8, atol=1e-10)


def test_categorical_crossentropy_loss_and_gradient_always_agree():
    rng = np.random.default_rng(5)
    for from_logits in (True, False):
        loss = CategoricalCrossentropy(from_logits=from_logits)
        z = rng.standard_normal((4, 5))
        y_pred = z if from_logits else rng.uniform(0.05, 0.95, (4, 5))
        y = rng.uniform(0, 1, (4, 5))  # etiquetas suaves que no suman 1
        numerical = numerical_gradient(lambda: loss(y, y_pred), y_pred)
        np.testing.assert_allclose(loss.gradient(y, y_pred), numerical, rtol=1e-7, atol=1e-10)


# ----------------------------------------------------------------------------- max pooling
def test_max_pooling_with_a_window_of_129_or_more_positions():
    x = np.random.default_rng(0).standard_normal((2, 130, 3, 2))
    layer = MaxPooling2D(pool_size=(130, 1))
    y = layer.forward(x)
    np.testing.assert_array_equal(y[:, 0], x.max(axis=1))
    grad_x = layer.backward(np.ones_like(y))
    np.testing.assert_array_equal(grad_x, (x == x.max(axis=1, keepdims=True)).astype(float))


def test_max_pooling_ties_go_to_the_first_maximum_in_row_order():
    # Ventana 2×2 [[1, 5], [5, 2]]: por filas el primer 5 es (0, 1); por columnas sería (1, 0).
    x = np.array([[1.0, 5.0], [5.0, 2.0]]).reshape(1, 2, 2, 1)
    layer = MaxPooling2D(2)
    layer.forward(x)
    grad_x = layer.backward(np.ones((1, 1, 1, 1)))
    np.testing.assert_array_equal(grad_x.reshape(2, 2), [[0.0, 1.0], [0.0, 0.0]])


def test_max_pooling_ties_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for pool, stride in ((2, 2), (3, 2), (3, 1), ((2, 3), (1, 2))):
        x = rng.integers(0, 3, (2, 7, 8, 3)).astype(np.float64)  # muchos empates
        layer = MaxPooling2D(pool, strides=stride)
        y = layer.forward(x)
        upstream = rng.standard_normal(y.shape)
        grad_x = layer.backward(upstream)
        xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
        yt = torch.nn.functional.max_pool2d(xt, pool, stride)
        yt.backward(torch.tensor(upstream.transpose(0, 3, 1, 2)))
        np.testing.assert_array_equal(y, yt.detach().numpy().transpose(0, 2, 3, 1))
        np.testing.assert_allclose(grad_x, xt.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------- recorte de gradientes
def _layers_with_grads(grads):
    """Dos capas densas construidas con los gradientes dados ({"W": …, "b": …} por capa)."""
    config.set_seed(0)
    layers = [Dense(2), Dense(1)]
    layers[0].build((3,))
    layers[1].build((2,))
    for layer, g in zip(layers, grads):
        layer.grads = {k: np.array(v, dtype=float) for k, v in g.items()}
    return layers


GRADS = [{"W": [[3.0, 0.0], [0.0, 4.0], [0.0, 0.0]], "b": [0.1, -0.2]},   # ‖W‖ = 5, ‖b‖ ≈ 0,224
         {"W": [[6.0], [-8.0]], "b": [-12.0]}]                             # ‖W‖ = 10, ‖b‖ = 12


def _applied_gradients(optimizer):
    """Con SGD(η = 1) sin momento, θ_antes − θ_después es exactamente el gradiente recortado."""
    layers = _layers_with_grads(GRADS)
    before = [{k: v.copy() for k, v in layer.params.items()} for layer in layers]
    optimizer.step(layers)
    return [{k: before[i][k] - layer.params[k] for k in layer.params} for i, layer in enumerate(layers)]


def test_clipnorm_rescales_each_gradient_by_its_own_norm():
    applied = _applied_gradients(SGD(learning_rate=1.0, clipnorm=2.0))
    np.testing.assert_allclose(applied[0]["W"], np.array(GRADS[0]["W"]) * 2 / 5)
    np.testing.assert_allclose(applied[0]["b"], GRADS[0]["b"])          # norma < 2: intacto
    np.testing.assert_allclose(applied[1]["W"], np.array(GRADS[1]["W"]) * 2 / 10)
    np.testing.assert_allclose(applied[1]["b"], [-2.0])


def test_global_clipnorm_rescales_all_gradients_together():
    total = np.sqrt(25 + 0.05 + 100 + 144)
    applied = _applied_gradients(SGD(learning_rate=1.0, global_clipnorm=3.0))
    for got, g in zip(applied, GRADS):
        for key in g:
            np.testing.assert_allclose(got[key], np.array(g[key]) * 3 / total, rtol=1e-12)


def test_clipvalue_clips_each_component():
    applied = _applied_gradients(SGD(learning_rate=1.0, clipvalue=0.15))
    np.testing.assert_allclose(applied[0]["b"], [0.1, -0.15])
    np.testing.assert_allclose(applied[1]["W"], [[0.15], [-0.15]])


def test_clipping_matches_torch_clip_grad_norm():
    torch = pytest.importorskip("torch")
    grads = [np.array(g[k]) for g in GRADS for k in ("W", "b")]
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_norm_(tensors, max_norm=3.0)
    applied = _applied_gradients(SGD(learning_rate=1.0, global_clipnorm=3.0))
    ours = [a[k] for a in applied for k in ("W", "b")]
    for mine, theirs in zip(ours, tensors):  # PyTorch divide entre (norma + 1e-6)
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-5)
    for t, g in zip(tensors, grads):       # clipnorm = clip_grad_norm_ de cada tensor por separado
        t.grad = torch.tensor(g)
        torch.nn.utils.clip_grad_norm_([t], max_norm=2.0)
    applied = _applied_gradients(SGD(learning_rate=1.0, clipnorm=2.0))
    for mine, theirs in zip([a[k] for a in applied for k in ("W", "b")], tensors):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-5)


@pytest.mark.parametrize("make", [
    lambda **c: SGD(0.1, momentum=0.9, **c), lambda **c: Adagrad(0.1, **c),
    lambda **c: RMSprop(0.01, **c), lambda **c: Adam(0.01, **c)], ids=["sgd", "adagrad", "rmsprop", "adam"])
def test_every_optimizer_clips_before_its_own_rule(make):
    """Con el gradiente ya recortado a mano y sin recorte, el optimizador llega a los mismos pesos."""
    for clip in ({"clipnorm": 2.0}, {"global_clipnorm": 3.0}, {"clipvalue": 0.5}):
        clipped = make(**clip)
        plain = make()
        a, b = _layers_with_grads(GRADS), _layers_with_grads(GRADS)
        for _ in range(3):
            expected = clipped.clip_gradients([l.grads[k] for l in a for k in l.params])
            clipped.step(a)
            for layer, (key, g) in zip([l for l in b for _ in l.params], zip([k for l in b for k in l.params], expected)):
                layer.grads[key] = g
            plain.step(b)
            for la, lb in zip(a, b):
                for key in la.params:
                    np.testing.assert_allclose(la.params[key], lb.params[key], rtol=1e-12)
            for layer, g in zip(a + b, GRADS + GRADS):
                layer.grads = {k: np.array(v, dtype=float) for k, v in g.items()}


def test_only_one_kind_of_clipping_and_it_must_be_positive():
    with pytest.raises(CourseError, match="solo se puede usar una forma de recorte"):
        Adam(clipnorm=1.0, clipvalue=0.5)
    with pytest.raises(CourseError, match="clipnorm debe ser un número"):
        SGD(clipnorm=0.0)


def test_clipping_is_saved_with_the_optimizer_config():
    from course_lib.nn.optimizers import from_config
    opt = from_config(RMSprop(0.01, global_clipnorm=1.5).get_config())
    assert opt.global_clipnorm == 1.5 and opt.clipnorm is None
    assert "global_clipnorm=1.5" in repr(opt)
