"""keras.ops dentro de un modelo: cada operación es un nodo del grafo con su paso hacia atrás a mano.

Para cada operación: (1) sobre un tensor simbólico da lo mismo que sobre arrays (la cara de NumPy);
(2) sus gradientes coinciden con los numéricos en float64 (``gradient_check`` del modelo, que
incluye una Dense delante para comprobar también los gradientes de los pesos); (3) un modelo que la
usa se guarda y se carga. Las que no se derivan dan un error en español sobre un tensor simbólico.
Al final, las mismas operaciones dentro de una pérdida escrita como función (que el motor traza).
"""

import numpy as np
import pytest

from course_lib import nn as keras
from course_lib.nn import gradient_check, ops
from course_lib.nn.validation import CourseError

RNG = np.random.default_rng(0)


def _modelo(funcion, forma=(3, 4), densa=True):
    """x → [Dense] → funcion(·): un modelo con la operación en medio del grafo."""
    x = keras.Input(shape=forma)
    h = keras.layers.Dense(forma[-1])(x) if densa else x
    return keras.Model(x, funcion(h))


def _datos(forma, positivos=False):
    x = RNG.normal(size=(2, *forma))
    return np.abs(x) + 0.5 if positivos else x


UNARIAS = {
    "square": (ops.square, False), "sqrt": (ops.sqrt, True), "exp": (ops.exp, False), "log": (ops.log, True),
    "log1p": (ops.log1p, True), "abs": (ops.abs, False), "negative": (ops.negative, False),
    "sin": (ops.sin, False), "cos": (ops.cos, False),
    "relu": (ops.relu, False), "sigmoid": (ops.sigmoid, False), "tanh": (ops.tanh, False),
    "softplus": (ops.softplus, False), "elu": (ops.elu, False), "selu": (ops.selu, False),
    "gelu": (ops.gelu, False), "gelu_exacta": (lambda t: ops.gelu(t, approximate=False), False),
    "silu": (ops.silu, False), "leaky_relu": (lambda t: ops.leaky_relu(t, negative_slope=0.1), False),
    "power": (lambda t: ops.power(t, 3), False), "clip": (lambda t: ops.clip(t, -0.3, 0.4), False),
    "softmax": (lambda t: ops.softmax(t, axis=-1), False), "log_softmax": (lambda t: ops.log_softmax(t, axis=-1), False),
    "sum": (lambda t: ops.sum(t, axis=-1), False), "mean": (lambda t: ops.mean(t, axis=1, keepdims=True), False),
    "max": (lambda t: ops.max(t, axis=-1), False), "min": (lambda t: ops.min(t, axis=(1, 2)), False),
    "var": (lambda t: ops.var(t, axis=-1), False), "std": (lambda t: ops.std(t, axis=-1, keepdims=True), False),
    "logsumexp": (lambda t: ops.logsumexp(t, axis=-1), False), "norm": (lambda t: ops.norm(t, axis=-1), False),
    "reshape": (lambda t: ops.reshape(t, (-1, 12)), False), "transpose": (lambda t: ops.transpose(t, (0, 2, 1)), False),
    "swapaxes": (lambda t: ops.swapaxes(t, 1, 2), False), "expand_dims": (lambda t: ops.expand_dims(t, 1), False),
    "squeeze": (lambda t: ops.squeeze(ops.expand_dims(t, -1), axis=-1), False),
    "cast": (lambda t: ops.cast(t, "float64"), False),
    "estandarizar": (lambda t: (t - ops.mean(t, axis=-1, keepdims=True))
                     / ops.sqrt(ops.var(t, axis=-1, keepdims=True) + 1e-3), False),
    "maximum_escalar": (lambda t: ops.maximum(t, 0.1), False), "minimum_escalar": (lambda t: ops.minimum(0.2, t), False),
    "where": (lambda t: ops.where(ops.greater(t, 0), t, ops.square(t)), False),
    "concatenate": (lambda t: ops.concatenate([t, ops.square(t)], axis=-1), False),
    "stack": (lambda t: ops.stack([t, ops.exp(t)], axis=1), False),
    "matmul": (lambda t: ops.matmul(t, ops.transpose(t, (0, 2, 1))), False),
    "einsum": (lambda t: ops.einsum("bqd,bkd->bqk", t, ops.tanh(t)), False),
    "take": (lambda t: ops.take(t, np.array([2, 0, 2]), axis=1), False),
}


@pytest.mark.parametrize("caso", UNARIAS)
def test_gradientes_de_cada_operacion(caso, float64):
    funcion, positivos = UNARIAS[caso]
    if caso in ("sqrt", "log", "log1p"):
        model = _modelo(lambda t: funcion(ops.square(t) + 0.5))
    else:
        model = _modelo(funcion)
    x = _datos((3, 4), positivos)
    resultado = gradient_check(model, x)
    assert resultado.passed, f"{caso}:\n{resultado}"


@pytest.mark.parametrize("caso", ["square", "exp", "relu", "gelu", "softmax", "mean", "max", "reshape", "transpose",
                                  "concatenate", "einsum", "take", "norm", "logsumexp", "clip", "where"])
def test_en_el_grafo_da_lo_mismo_que_sobre_arrays(caso, float64):
    funcion, _ = UNARIAS[caso]
    model = _modelo(funcion, densa=False)
    x = _datos((3, 4))
    np.testing.assert_allclose(model.predict(x, verbose=0), funcion(x), rtol=1e-6, atol=1e-7)


def test_dos_entradas_con_difusion(float64):
    a, b = keras.Input(shape=(3, 4)), keras.Input(shape=(1, 4))
    y = ops.maximum(a, b) * ops.divide(a, ops.exp(b)) - ops.minimum(b, a)
    model = keras.Model([a, b], y)
    xa, xb = _datos((3, 4)), _datos((1, 4))
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0),
                               np.maximum(xa, xb) * xa / np.exp(xb) - np.minimum(xb, xa), rtol=1e-10)
    model.forward([xa, xb])
    g = RNG.normal(size=(2, 3, 4))
    ga, gb = model.backward(g)

    def perdida():
        return float(np.sum(model.forward([xa, xb]) * g))

    from course_lib.nn.gradient_check import numerical_gradient

    np.testing.assert_allclose(ga, numerical_gradient(perdida, xa), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gb, numerical_gradient(perdida, xb), rtol=1e-6, atol=1e-8)


def test_un_modelo_con_operaciones_se_guarda_y_se_carga(tmp_path):
    x = keras.Input(shape=(5,))
    h = keras.layers.Dense(4)(x)
    y = ops.softmax(ops.concatenate([ops.relu(h), ops.mean(ops.square(h), axis=-1, keepdims=True)], axis=-1))
    model = keras.Model(x, ops.reshape(y, (-1, 5, 1)))
    datos = RNG.normal(size=(3, 5)).astype("float32")
    antes = model.predict(datos, verbose=0)
    model.save(tmp_path / "ops.keras")
    cargado = keras.models.load_model(tmp_path / "ops.keras")
    np.testing.assert_allclose(cargado.predict(datos, verbose=0), antes, rtol=1e-6)


def test_una_capa_propia_con_ops_aprende():
    class Escalar(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.densa = keras.layers.Dense(1)

        def call(self, x):
            return ops.sigmoid(self.densa(ops.tanh(x)))

    keras.utils.set_random_seed(0)
    x = RNG.normal(size=(64, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input(shape=(3,)), Escalar()])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    historia = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert historia.history["loss"][-1] < 0.5 * historia.history["loss"][0]


def test_lo_que_no_se_deriva_da_un_error_en_espanol():
    x = keras.Input(shape=(4,))
    with pytest.raises(CourseError, match="tensor simbólico"):
        ops.argmax(x, axis=-1)
    with pytest.raises(CourseError, match="exponente numérico"):
        ops.power(x, x)
    with pytest.raises(CourseError, match="dos tensores"):
        ops.einsum("bi,bi,bi->b", x, x, x)
    with pytest.raises(CourseError, match="solo un eje puede ser −1"):
        ops.reshape(x, (-1, -1))


def test_formas_simbolicas():
    x = keras.Input(shape=(6, 4))
    assert ops.mean(x, axis=-1).shape == (None, 6)
    assert ops.sum(x).shape == ()
    assert ops.reshape(x, (-1, 2, 12)).shape == (None, 2, 12)
    assert ops.transpose(x, (0, 2, 1)).shape == (None, 4, 6)
    assert ops.expand_dims(x, -1).shape == (None, 6, 4, 1)
    assert ops.concatenate([x, x], axis=1).shape == (None, 12, 4)
    assert ops.stack([x, x], axis=1).shape == (None, 2, 6, 4)
    assert ops.one_hot(ops.cast(ops.sum(x, axis=-1), "int32"), 5).shape == (None, 6, 5)
    assert ops.take(x, np.array([0, 1]), axis=1).shape == (None, 2, 4)
    assert ops.shape(x) == (None, 6, 4)


# ----------------------------------------------------------------------------- pérdidas propias (funciones)
def _mse_propia(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def test_una_funcion_de_perdida_da_lo_mismo_que_la_de_keras(float64):
    propia = keras.losses.get(_mse_propia)
    mse = keras.losses.MeanSquaredError()
    y, p = RNG.normal(size=(6, 3)), RNG.normal(size=(6, 3))
    w = RNG.uniform(size=6)
    assert propia(y, p) == pytest.approx(mse(y, p), rel=1e-12)
    assert propia(y, p, sample_weight=w) == pytest.approx(mse(y, p, sample_weight=w), rel=1e-12)
    np.testing.assert_allclose(propia.gradient(y, p, sample_weight=w), mse.gradient(y, p, sample_weight=w), rtol=1e-12)


def test_el_gradiente_de_una_funcion_de_perdida_es_el_numerico(float64):
    def huber_casera(y_true, y_pred):
        d = ops.abs(y_true - y_pred)
        return ops.mean(ops.where(ops.less(d, 1.0), 0.5 * ops.square(d), d - 0.5), axis=-1)

    perdida = keras.losses.get(huber_casera)
    y, p = RNG.normal(size=(5, 4)) * 2, RNG.normal(size=(5, 4)) * 2
    analitico = perdida.gradient(y, p)
    from course_lib.nn.gradient_check import numerical_gradient

    numerico = numerical_gradient(lambda: perdida(y, p), p)
    np.testing.assert_allclose(analitico, numerico, rtol=1e-6, atol=1e-9)


def test_una_funcion_que_devuelve_un_numero_es_la_perdida_del_lote(float64):
    perdida = keras.losses.get(lambda y_true, y_pred: ops.sum(ops.square(y_true - y_pred)))
    y, p = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 2))
    assert perdida(y, p) == pytest.approx(np.sum((y - p) ** 2))
    np.testing.assert_allclose(perdida.gradient(y, p), 2 * (p - y))


def test_una_funcion_de_perdida_con_numpy_da_un_error_en_espanol():
    def con_numpy(y_true, y_pred):
        return np.mean(np.square(y_true - y_pred), axis=-1)

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=con_numpy)
    with pytest.raises(CourseError, match="keras.ops|tensor simbólico"):
        model.fit(RNG.normal(size=(4, 2)), RNG.normal(size=(4, 1)), verbose=0)
