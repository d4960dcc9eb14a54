"""Los optimizadores y los programas de la tasa de course_lib dan los mismos números que los de Keras 3.

Cada optimizador da 12 pasos sobre los mismos parámetros con el gradiente de una función fija,
g = 2·(θ − θ*) + 0,1·θ³ (que depende de θ, así que un paso distinto desviaría todos los siguientes),
en float64 en los dos motores (también la tasa y los programas de Keras, que usan floatx). Los
programas se comparan paso a paso. Sin Keras, se omiten.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from course_lib.frameworks import load_keras
from course_lib.nn import optimizers, schedules
from course_lib.nn.validation import CourseError

keras = load_keras()
necesita_keras = pytest.mark.skipif(keras is None, reason="Keras 3 no está instalado")


@pytest.fixture(autouse=True)
def keras_en_float64():
    """Keras guarda la tasa (y evalúa los programas) en floatx: en float64, para comparar sin redondeos."""
    if keras is None:
        yield
        return
    anterior = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(anterior)

RNG = np.random.default_rng(0)
INICIO = {"W": RNG.normal(size=(3, 4)), "b": RNG.normal(size=(4,))}
OBJETIVO = {k: RNG.normal(size=v.shape) for k, v in INICIO.items()}


def _gradiente(clave, theta):
    return 2 * (theta - OBJETIVO[clave]) + 0.1 * theta**3


def _pasos_course_lib(optimizer, pasos=12):
    capa = SimpleNamespace(name="capa", params={k: v.copy() for k, v in INICIO.items()}, grads={})
    for _ in range(pasos):
        capa.grads = {k: _gradiente(k, v) for k, v in capa.params.items()}
        optimizer.step([capa])
    return capa.params


def _pasos_keras(optimizer, pasos=12):
    variables = {k: keras.Variable(v.copy(), dtype="float64") for k, v in INICIO.items()}
    for _ in range(pasos):
        grads = [keras.ops.convert_to_tensor(_gradiente(k, keras.ops.convert_to_numpy(v)), dtype="float64")
                 for k, v in variables.items()]
        optimizer.apply_gradients(zip(grads, variables.values()))
    return {k: keras.ops.convert_to_numpy(v) for k, v in variables.items()}


CASOS = {
    "sgd": ("SGD", {"learning_rate": 0.05}),
    "sgd_momento": ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd_weight_decay": ("SGD", {"learning_rate": 0.05, "weight_decay": 0.1}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.01}),
    "rmsprop_momento": ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5}),
    "adagrad": ("Adagrad", {"learning_rate": 0.1}),
    "adam": ("Adam", {"learning_rate": 0.05}),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    "adam_weight_decay": ("Adam", {"learning_rate": 0.05, "weight_decay": 0.2}),
    "adamw": ("AdamW", {"learning_rate": 0.05}),
    "adamw_decaimiento": ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.3}),
    "nadam": ("Nadam", {"learning_rate": 0.05}),
    "nadam_betas": ("Nadam", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.99}),
    "adamax": ("Adamax", {"learning_rate": 0.05}),
    "adam_clipnorm": ("Adam", {"learning_rate": 0.05, "clipnorm": 0.5}),
    "adamw_global_clipnorm": ("AdamW", {"learning_rate": 0.05, "global_clipnorm": 1.0}),
}


@necesita_keras
@pytest.mark.parametrize("caso", CASOS)
def test_optimizador_igual_que_keras(caso):
    clase, argumentos = CASOS[caso]
    nuestro = _pasos_course_lib(getattr(optimizers, clase)(**argumentos))
    suyo = _pasos_keras(getattr(keras.optimizers, clase)(**argumentos))
    # El recorte de Keras sobre PyTorch pierde algo de precisión (diferencias relativas de 1e-8 en float64).
    rtol = 1e-7 if "clip" in caso else 1e-9
    for clave in nuestro:
        np.testing.assert_allclose(nuestro[clave], suyo[clave], rtol=rtol, atol=1e-12, err_msg=f"{caso}: {clave}")


PROGRAMAS = {
    "exponential": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}),
    "exponential_escalera": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7,
                                                  "decay_rate": 0.3, "staircase": True}),
    "inverse": ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}),
    "inverse_escalera": ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 1.0,
                                              "staircase": True}),
    "polynomial": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 50, "end_learning_rate": 0.01,
                                       "power": 2.0}),
    "polynomial_ciclo": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 30, "cycle": True}),
    "piecewise": ("PiecewiseConstantDecay", {"boundaries": [10, 50], "values": [0.1, 0.01, 0.001]}),
    "cosine": ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 60, "alpha": 0.1}),
    "cosine_calentamiento": ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 50, "warmup_target": 0.1,
                                             "warmup_steps": 20}),
    "restarts": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 20}),
    "restarts_iguales": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 15,
                                                 "t_mul": 1.0, "m_mul": 0.5, "alpha": 0.05}),
}
PASOS = [0, 1, 2, 5, 9, 10, 11, 19, 20, 21, 35, 49, 50, 51, 60, 70, 99, 140, 200]


@necesita_keras
@pytest.mark.parametrize("caso", PROGRAMAS)
def test_programa_igual_que_keras(caso):
    clase, argumentos = PROGRAMAS[caso]
    nuestro = getattr(schedules, clase)(**argumentos)
    suyo = getattr(keras.optimizers.schedules, clase)(**argumentos)
    for paso in PASOS:
        esperado = float(keras.ops.convert_to_numpy(suyo(paso)))
        assert nuestro(paso) == pytest.approx(esperado, rel=1e-12, abs=1e-15), f"{caso}, paso {paso}"


@necesita_keras
@pytest.mark.parametrize("clase", ["SGD", "Adam", "AdamW", "Nadam"])
def test_optimizador_con_programa_igual_que_keras(clase):
    argumentos = {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}
    nuestro = _pasos_course_lib(getattr(optimizers, clase)(learning_rate=schedules.ExponentialDecay(**argumentos)))
    suyo = _pasos_keras(getattr(keras.optimizers, clase)(
        learning_rate=keras.optimizers.schedules.ExponentialDecay(**argumentos)))
    for clave in nuestro:
        np.testing.assert_allclose(nuestro[clave], suyo[clave], rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- sin Keras
def test_la_tasa_del_optimizador_sigue_al_programa():
    programa = schedules.PiecewiseConstantDecay([2, 4], [0.1, 0.01, 0.001])
    opt = optimizers.SGD(learning_rate=programa)
    vistas = []
    capa = SimpleNamespace(name="c", params={"W": np.ones(2)}, grads={"W": np.ones(2)})
    for _ in range(6):
        vistas.append(opt.learning_rate)
        opt.step([capa])
    assert vistas == [0.1, 0.1, 0.1, 0.01, 0.01, 0.001]
    # θ ← θ − η_t·g con g = 1: el total descontado es la suma de las tasas usadas.
    np.testing.assert_allclose(capa.params["W"], 1 - sum(vistas))


def test_no_se_fija_un_numero_sobre_un_programa():
    opt = optimizers.Adam(learning_rate=schedules.CosineDecay(0.1, 10))
    with pytest.raises(CourseError, match="programa de la tasa"):
        opt.learning_rate = 0.01
    opt = optimizers.Adam(0.1)
    opt.learning_rate = 0.01
    assert opt.learning_rate == 0.01
    with pytest.raises(CourseError, match="número positivo"):
        opt.learning_rate = -1


def test_argumentos_de_keras_que_no_hay_dan_error_en_espanol():
    with pytest.raises(CourseError, match="media móvil exponencial"):
        optimizers.Adam(use_ema=True)
    with pytest.raises(TypeError, match="no tiene el argumento 'momentun'"):
        optimizers.SGD(momentun=0.9)
    with pytest.raises(CourseError, match="sería Adam"):
        optimizers.AdamW(weight_decay=None)


def test_get_config_y_from_config_con_programa():
    opt = optimizers.AdamW(learning_rate=schedules.ExponentialDecay(0.1, 5, 0.5, staircase=True), weight_decay=0.01)
    copia = optimizers.from_config(opt.get_config())
    assert type(copia) is optimizers.AdamW and copia.weight_decay == 0.01
    assert [copia.learning_rate] == [opt.learning_rate]
    copia.iterations = opt.iterations = 12
    assert copia.learning_rate == opt.learning_rate == pytest.approx(0.1 * 0.25)


def test_nombres_de_los_nuevos_optimizadores():
    assert type(optimizers.get("adamw")) is optimizers.AdamW
    assert type(optimizers.get("nadam")) is optimizers.Nadam
    assert type(optimizers.get("adamax")) is optimizers.Adamax


@pytest.mark.parametrize("crear, mensaje", [
    (lambda: schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01]), "un valor más que límites"),
    (lambda: schedules.PiecewiseConstantDecay([20, 10], [0.1, 0.01, 0.001]), "orden creciente"),
    (lambda: schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5), "decay_steps"),
    (lambda: schedules.CosineDecay(0.0, 10), "warmup"),
    (lambda: schedules.CosineDecay(0.1, 10, alpha=2.0), "alpha"),
])
def test_errores_de_los_programas(crear, mensaje):
    with pytest.raises(CourseError, match=mensaje):
        crear()


def test_un_programa_propio_necesita_call():
    class SinCall(schedules.LearningRateSchedule):
        pass

    opt = optimizers.SGD(learning_rate=SinCall())
    with pytest.raises(NotImplementedError, match="debe definir __call__"):
        opt.learning_rate
