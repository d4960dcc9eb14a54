"""Los callbacks de course_lib deciden lo mismo que los de Keras 3 ante los mismos ``logs``.

Cada caso lleva a los dos callbacks (el de Keras y el de course_lib) por la misma secuencia de
épocas con los mismos ``logs``, sobre un modelo de mentira que solo anota lo que se le pide
(pesos, guardados, tasa de aprendizaje), y compara las decisiones: cuándo para, qué época guarda,
qué tasa fija, qué escribe. Así se prueba la lógica sin depender de entrenar dos redes iguales.
La prueba con entrenamientos de verdad está en tests/keras_compat/test_compat_callbacks.py.
"""

import csv
from types import SimpleNamespace

import numpy as np
import pytest

from course_lib.frameworks import load_keras
from course_lib.nn import callbacks as cb
from course_lib.nn.validation import CourseError

keras = load_keras()
necesita_keras = pytest.mark.skipif(keras is None, reason="Keras 3 no está instalado")


class ModeloFalso:
    """Lo que un callback le pide a un modelo: pesos, guardar, optimizador y stop_training."""

    def __init__(self, learning_rate=0.1):
        self.optimizer = SimpleNamespace(learning_rate=learning_rate)
        self.stop_training = False
        self.epoch = -1
        self.guardados = []
        self.restaurados = []

    def get_weights(self):
        return [np.array([self.epoch], dtype=float)]

    def set_weights(self, weights):
        self.restaurados.append(int(weights[0][0]))

    def save(self, path, overwrite=True):
        self.guardados.append(path)

    def save_weights(self, path, overwrite=True):
        self.guardados.append(("pesos", path))


def _recorrer(callback, logs_por_epoca, lr=0.1):
    """Lleva al callback por las épocas; devuelve lo observado (paradas, guardados, tasas…)."""
    model = ModeloFalso(lr)
    callback.set_model(model)
    callback.on_train_begin({})
    tasas, vistas = [], []
    for epoch, logs in enumerate(logs_por_epoca):
        model.epoch = epoch
        callback.on_epoch_begin(epoch, {})
        tasas.append(float(np.asarray(model.optimizer.learning_rate)))
        logs = dict(logs)
        callback.on_epoch_end(epoch, logs)
        vistas.append(sorted(logs))
        if model.stop_training:
            break
    callback.on_train_end({})
    return {"epocas": epoch + 1, "parada": model.stop_training, "guardados": model.guardados,
            "restaurados": model.restaurados, "tasas": tasas,
            "lr_final": float(np.asarray(model.optimizer.learning_rate)), "claves": vistas}


def _perdidas(*valores, clave="val_loss"):
    return [{"loss": 1.0, clave: v} for v in valores]


SERIE = _perdidas(1.0, 0.8, 0.85, 0.7, 0.71, 0.72, 0.73, 0.6, 0.9, 0.95, 0.96, 0.97)
SERIE_ACC = _perdidas(0.5, 0.6, 0.6, 0.65, 0.64, 0.66, 0.62, 0.61, clave="val_accuracy")

PARADAS = {
    "paciencia_0": {"patience": 0},
    "paciencia_2": {"patience": 2},
    "paciencia_2_restaurar": {"patience": 2, "restore_best_weights": True},
    "min_delta": {"patience": 1, "min_delta": 0.05},
    "baseline": {"patience": 2, "baseline": 0.75},
    "start_from_epoch": {"patience": 1, "start_from_epoch": 4},
    "restaurar_sin_parar": {"patience": 20, "restore_best_weights": True},
}


@necesita_keras
@pytest.mark.parametrize("caso", PARADAS)
def test_early_stopping_como_keras(caso):
    argumentos = PARADAS[caso]
    nuestro = _recorrer(cb.EarlyStopping(**argumentos), SERIE)
    suyo = _recorrer(keras.callbacks.EarlyStopping(**argumentos), SERIE)
    assert nuestro == suyo


@necesita_keras
def test_early_stopping_con_exactitud_modo_max():
    nuestro = _recorrer(cb.EarlyStopping(monitor="val_accuracy", patience=2, mode="max"), SERIE_ACC)
    suyo = _recorrer(keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2, mode="max"), SERIE_ACC)
    assert nuestro == suyo
    # En modo "auto", course_lib deduce "max" del nombre (Keras lo deduce de la métrica compilada).
    assert _recorrer(cb.EarlyStopping(monitor="val_accuracy", patience=2), SERIE_ACC) == nuestro


REDUCCIONES = {
    "defecto": {"monitor": "val_loss", "patience": 1},
    "factor_min_lr": {"monitor": "val_loss", "factor": 0.5, "patience": 0, "min_lr": 0.03},
    "cooldown": {"monitor": "val_loss", "factor": 0.5, "patience": 1, "cooldown": 2},
    "min_delta": {"monitor": "val_loss", "factor": 0.2, "patience": 0, "min_delta": 0.05},
}


@necesita_keras
@pytest.mark.parametrize("caso", REDUCCIONES)
def test_reduce_lr_on_plateau_como_keras(caso):
    argumentos = REDUCCIONES[caso]
    nuestro = _recorrer(cb.ReduceLROnPlateau(**argumentos), SERIE)
    suyo = _recorrer(keras.callbacks.ReduceLROnPlateau(**argumentos), SERIE)
    assert nuestro["tasas"] == pytest.approx(suyo["tasas"], rel=1e-6)
    assert nuestro["lr_final"] == pytest.approx(suyo["lr_final"], rel=1e-6)
    assert nuestro["claves"] == suyo["claves"]  # learning_rate en los logs de cada época


@necesita_keras
@pytest.mark.parametrize("programa", [
    lambda epoch, lr: lr if epoch < 3 else lr * 0.5,
    lambda epoch: 0.1 / (1 + epoch),
])
def test_learning_rate_scheduler_como_keras(programa):
    nuestro = _recorrer(cb.LearningRateScheduler(programa), SERIE[:6])
    suyo = _recorrer(keras.callbacks.LearningRateScheduler(programa), SERIE[:6])
    assert nuestro["tasas"] == pytest.approx(suyo["tasas"], rel=1e-6)
    assert nuestro["claves"] == suyo["claves"]


GUARDADOS = {
    "cada_epoca": {"filepath": "m_{epoch:02d}.keras"},
    "el_mejor": {"filepath": "mejor.keras", "save_best_only": True},
    "el_mejor_con_valor": {"filepath": "m_{epoch}_{val_loss:.2f}.keras", "save_best_only": True},
    "umbral_inicial": {"filepath": "m.keras", "save_best_only": True, "initial_value_threshold": 0.75},
    "solo_pesos": {"filepath": "p_{epoch}.weights.h5", "save_weights_only": True, "save_best_only": True},
}


@necesita_keras
@pytest.mark.parametrize("caso", GUARDADOS)
def test_model_checkpoint_guarda_lo_mismo_que_keras(caso):
    argumentos = GUARDADOS[caso]
    nuestro = _recorrer(cb.ModelCheckpoint(**argumentos), SERIE)
    suyo = _recorrer(keras.callbacks.ModelCheckpoint(**argumentos), SERIE)
    assert nuestro["guardados"] == suyo["guardados"]


@necesita_keras
@pytest.mark.parametrize("append", [False, True])
def test_csv_logger_escribe_lo_mismo_que_keras(tmp_path, append):
    filas = {}
    for nombre, clase in (("nuestro", cb.CSVLogger), ("suyo", keras.callbacks.CSVLogger)):
        ruta = tmp_path / f"{nombre}.csv"
        for _ in range(2 if append else 1):
            _recorrer(clase(str(ruta), append=append), SERIE[:3])
        with open(ruta, newline="") as f:
            filas[nombre] = list(csv.reader(f))
    assert filas["nuestro"] == filas["suyo"]


@necesita_keras
def test_csv_logger_sin_validacion_y_con_otro_separador(tmp_path):
    logs = [{"loss": 0.5, "accuracy": 0.25}, {"loss": 0.4, "accuracy": 0.5}]
    textos = []
    for clase in (cb.CSVLogger, keras.callbacks.CSVLogger):
        ruta = tmp_path / "log.csv"
        _recorrer(clase(str(ruta), separator=";"), logs)
        textos.append(ruta.read_text())
    assert textos[0] == textos[1]


@necesita_keras
def test_terminate_on_nan_como_keras(capsys):
    for clase in (cb.TerminateOnNaN, keras.callbacks.TerminateOnNaN):
        model = ModeloFalso()
        callback = clase()
        callback.set_model(model)
        callback.on_train_batch_end(0, {"loss": 0.5})
        assert not model.stop_training
        callback.on_train_batch_end(1, {"loss": float("nan")})
        assert model.stop_training
    assert "la pérdida no es finita" in capsys.readouterr().out


# ----------------------------------------------------------------------------- sin Keras
def test_lambda_callback_llama_a_cada_funcion():
    vistas = []
    callback = cb.LambdaCallback(on_epoch_end=lambda epoch, logs: vistas.append(("fin", epoch, logs["loss"])),
                                 on_batch_end=lambda batch, logs: vistas.append(("lote", batch)),
                                 on_train_end=lambda logs: vistas.append("acabado"))
    callback.set_model(ModeloFalso())
    callback.on_train_begin({})
    callback.on_train_batch_end(0, {"loss": 1.0})
    callback.on_epoch_end(0, {"loss": 0.5})
    callback.on_train_end({})
    assert vistas == [("lote", 0), ("fin", 0, 0.5), "acabado"]


def test_lambda_callback_errores():
    with pytest.raises(CourseError, match="no tiene el gancho 'on_epoch_fin'"):
        cb.LambdaCallback(on_epoch_fin=print)
    with pytest.raises(CourseError, match="debe ser una función"):
        cb.LambdaCallback(on_epoch_end=3)


def test_terminate_on_nan_con_error():
    callback = cb.TerminateOnNaN(raise_error=True)
    callback.set_model(ModeloFalso())
    with pytest.raises(RuntimeError, match="NaN o infinita"):
        callback.on_train_batch_end(3, {"loss": float("inf")})


@pytest.mark.parametrize("crear, mensaje", [
    (lambda: cb.ReduceLROnPlateau(factor=1.5), "factor"),
    (lambda: cb.ReduceLROnPlateau(monitor="val_loss", epsilon=1e-4), "no tiene el argumento 'epsilon'"),
    (lambda: cb.EarlyStopping(monitor="val_rareza"), "mode='max'"),
    (lambda: cb.EarlyStopping(mode="menor"), "'auto', 'min' o 'max'"),
    (lambda: cb.ModelCheckpoint("m.keras", save_freq="lote"), "save_freq"),
    (lambda: cb.LearningRateScheduler(0.1), "debe ser una función"),
])
def test_errores_en_espanol(crear, mensaje):
    with pytest.raises(CourseError, match=mensaje):
        crear()


def test_model_checkpoint_nombre_con_un_campo_que_no_existe():
    callback = cb.ModelCheckpoint("m_{val_acuracy:.2f}.keras")
    with pytest.raises(CourseError, match="no se pudo rellenar el nombre"):
        _recorrer(callback, SERIE[:1])


def test_monitor_que_fit_no_calcula():
    with pytest.raises(CourseError, match="hace falta pasar validation_data"):
        _recorrer(cb.ReduceLROnPlateau(monitor="val_loss"), [{"loss": 1.0}])


def test_learning_rate_scheduler_que_no_devuelve_un_numero():
    with pytest.raises(CourseError, match="debe devolver un número"):
        _recorrer(cb.LearningRateScheduler(lambda epoch, lr: "0.1"), SERIE[:1])


def test_model_checkpoint_cada_n_lotes():
    model = ModeloFalso()
    callback = cb.ModelCheckpoint("m_{epoch}_{batch}.keras", save_freq=3)
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch in range(2):
        callback.on_epoch_begin(epoch, {})
        for batch in range(4):
            callback.on_train_batch_end(batch, {"loss": 1.0})
        callback.on_epoch_end(epoch, {"loss": 1.0})
    assert model.guardados == ["m_1_3.keras", "m_2_2.keras"]
