"""El bucle de entrenamiento contra Keras 3: mismos pesos iniciales, mismos datos sin barajar, y se comparan
historiales, ``evaluate``, ``metrics_names`` y los avisos a los callbacks.

Varias salidas con ``loss``/``loss_weights``/``metrics`` en lista o dict, entradas por nombre (dict),
``sample_weight``, ``class_weight``, ``initial_epoch``, ``evaluate(return_dict=True)``, ``test_on_batch``,
un modelo de secuencias con la pérdida por paso, y las métricas con estado sueltas.
"""

import numpy as np
import pytest

from course_lib import frameworks
from course_lib import nn
from course_lib.nn import CourseError, config

keras = frameworks.load_keras()
pytestmark = pytest.mark.skipif(keras is None, reason="Keras no está instalado")


@pytest.fixture
def float64_both():
    """Los dos motores en float64, para comparar hasta el último decimal que importa."""
    previous, previous_keras = config.floatx(), keras.backend.floatx()
    config.set_floatx("float64")
    keras.backend.set_floatx("float64")
    yield
    config.set_floatx(previous)
    keras.backend.set_floatx(previous_keras)


def two_outputs(lib):
    """Dos entradas con nombre y dos salidas (una clase y un valor), en course_lib o en Keras."""
    a, b = lib.Input(shape=(3,), name="numeros"), lib.Input(shape=(2,), name="extra")
    h = lib.layers.Dense(4, activation="tanh", name="oculta")(lib.layers.Concatenate()([a, b]))
    c = lib.layers.Dense(3, activation="softmax", name="clase")(h)
    v = lib.layers.Dense(1, name="valor")(h)
    return lib.Model(inputs=[a, b], outputs=[c, v])


def same_weights(ours, theirs):
    ours.build()
    theirs.set_weights([np.reshape(w, v.shape) for w, v in zip(ours.get_weights(), theirs.weights)])


def assert_same_history(ours, theirs, rel=1e-6):
    assert sorted(ours.history) == sorted(theirs.history)
    for key in theirs.history:
        np.testing.assert_allclose(ours.history[key], theirs.history[key], rtol=rel, atol=1e-7, err_msg=key)


DATA = np.random.default_rng(0)
XA, XB = DATA.standard_normal((20, 3)), DATA.standard_normal((20, 2))
YC, YV = DATA.integers(0, 3, 20), DATA.standard_normal((20, 1))
SW = DATA.random(20)


@pytest.mark.parametrize("by", ["list", "dict"])
def test_two_outputs_with_weights_and_metrics_like_keras(by, float64_both):
    ours, theirs = two_outputs(nn), two_outputs(keras)
    same_weights(ours, theirs)
    if by == "list":
        arguments = dict(loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.3])
        ours_metrics = theirs_metrics = [["accuracy"], ["mae"]]
        y, weights = [YC, YV], SW
    else:
        arguments = dict(loss={"clase": "sparse_categorical_crossentropy", "valor": "mse"},
                         loss_weights={"clase": 2.0, "valor": 0.5})
        ours_metrics = {"clase": ["accuracy", nn.metrics.SparseTopKCategoricalAccuracy(k=2)], "valor": ["mse"]}
        theirs_metrics = {"clase": ["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2)], "valor": ["mse"]}
        y, weights = {"clase": YC, "valor": YV}, None   # Keras 3.15 falla con loss en dict y sample_weight
    ours.compile(optimizer=nn.optimizers.SGD(0.1), metrics=ours_metrics, **arguments)
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), metrics=theirs_metrics, **arguments)
    x = {"numeros": XA, "extra": XB}
    common = dict(batch_size=8, epochs=2, shuffle=False, verbose=0, sample_weight=weights,
                  validation_data=([XA, XB], y))
    assert_same_history(ours.fit(x, y, **common), theirs.fit(x, y, **common))
    np.testing.assert_allclose(ours.evaluate([XA, XB], y, verbose=0), theirs.evaluate([XA, XB], y, verbose=0),
                               rtol=1e-6)
    ours_dict = ours.evaluate(x, y, verbose=0, return_dict=True)
    theirs_dict = theirs.evaluate(x, y, verbose=0, return_dict=True)
    assert ours_dict.keys() == theirs_dict.keys()
    assert ours.metrics_names == theirs.metrics_names == ["loss", "compile_metrics", "clase_loss", "valor_loss"]
    predictions = ours.predict(x)
    assert isinstance(predictions, list) and [p.shape for p in predictions] == [(20, 3), (20, 1)]


def test_class_weight_and_initial_epoch_like_keras(float64_both):
    def model(lib):
        x = lib.Input(shape=(3,))
        return lib.Model(x, lib.layers.Dense(3, activation="softmax")(lib.layers.Dense(5, activation="relu")(x)))

    ours, theirs = model(nn), model(keras)
    same_weights(ours, theirs)
    for m, opt in ((ours, nn.optimizers.SGD(0.2)), (theirs, keras.optimizers.SGD(0.2))):
        m.compile(optimizer=opt, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], weighted_metrics=["accuracy"])
    weights = {0: 1.0, 1: 4.0, 2: 0.5}
    common = dict(batch_size=6, epochs=4, initial_epoch=1, shuffle=False, verbose=0, class_weight=weights)
    ho, hk = ours.fit(XA, YC, **common), theirs.fit(XA, YC, **common)
    assert ho.epoch == hk.epoch == [1, 2, 3]
    assert_same_history(ho, hk)
    assert "weighted_accuracy" in ho.history


def test_train_and_test_on_batch_like_keras(float64_both):
    ours, theirs = two_outputs(nn), two_outputs(keras)
    same_weights(ours, theirs)
    ours.compile(optimizer=nn.optimizers.SGD(0.1), loss=["sparse_categorical_crossentropy", "mse"])
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss=["sparse_categorical_crossentropy", "mse"])
    for _ in range(2):
        np.testing.assert_allclose(ours.train_on_batch([XA, XB], [YC, YV]),
                                   theirs.train_on_batch([XA, XB], [YC, YV]), rtol=1e-6)
    np.testing.assert_allclose(ours.test_on_batch([XA, XB], [YC, YV]), theirs.test_on_batch([XA, XB], [YC, YV]),
                               rtol=1e-6)
    assert ours.test_on_batch([XA, XB], [YC, YV], return_dict=True).keys() == \
        theirs.test_on_batch([XA, XB], [YC, YV], return_dict=True).keys()


def test_sequence_model_with_a_loss_per_step_like_keras(float64_both):
    """Etiquetado por pasos (N, T) con una salida (N, T, V): Embedding → LSTM(return_sequences) → Dense."""
    def model(lib):
        return lib.Sequential([lib.Input(shape=(7,)), lib.layers.Embedding(10, 4),
                               lib.layers.LSTM(5, return_sequences=True), lib.layers.Dense(6)])

    ours, theirs = model(nn), model(keras)
    same_weights(ours, theirs)
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 10, (12, 7)), rng.integers(0, 6, (12, 7))
    for m, lib in ((ours, nn), (theirs, keras)):
        m.compile(optimizer=lib.optimizers.SGD(0.3),
                  loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    common = dict(batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert_same_history(ours.fit(x, y, **common), theirs.fit(x, y, **common))
    assert ours.predict(x).shape == (12, 7, 6)


def test_mse_on_a_sequence_output_like_keras(float64_both):
    def model(lib):
        return lib.Sequential([lib.Input(shape=(5, 3)), lib.layers.Dense(2)])

    ours, theirs = model(nn), model(keras)
    same_weights(ours, theirs)
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((8, 5, 3)), rng.standard_normal((8, 5, 2))
    for m, lib in ((ours, nn), (theirs, keras)):
        m.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    assert_same_history(ours.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0),
                        theirs.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0))


# ----------------------------------------------------------------------------- métricas sueltas
METRICS = [
    ("auc", lambda lib: lib.metrics.AUC(), "binary"),
    ("auc_pr", lambda lib: lib.metrics.AUC(curve="PR"), "binary"),
    ("auc_20", lambda lib: lib.metrics.AUC(num_thresholds=20), "binary"),
    ("precision", lambda lib: lib.metrics.Precision(), "binary"),
    ("recall", lambda lib: lib.metrics.Recall(), "binary"),
    ("precision_0.3", lambda lib: lib.metrics.Precision(thresholds=0.3), "binary"),
    ("binary_accuracy", lambda lib: lib.metrics.BinaryAccuracy(), "binary"),
    ("true_positives", lambda lib: lib.metrics.TruePositives(), "binary"),
    ("false_negatives", lambda lib: lib.metrics.FalseNegatives(), "binary"),
    ("sparse_accuracy", lambda lib: lib.metrics.SparseCategoricalAccuracy(), "sparse"),
    ("categorical_accuracy", lambda lib: lib.metrics.CategoricalAccuracy(), "onehot"),
    ("top2", lambda lib: lib.metrics.SparseTopKCategoricalAccuracy(k=2), "sparse"),
    ("mae", lambda lib: lib.metrics.MeanAbsoluteError(), "real"),
    ("rmse", lambda lib: lib.metrics.RootMeanSquaredError(), "real"),
    ("scce", lambda lib: lib.metrics.SparseCategoricalCrossentropy(), "sparse"),
]


def metric_data(kind, rng, n=30):
    if kind == "binary":
        return rng.integers(0, 2, (n, 2)).astype(float), rng.random((n, 2))
    if kind == "real":
        return rng.standard_normal((n, 2)), rng.standard_normal((n, 2))
    p = rng.random((n, 4)) + 0.01
    p /= p.sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, n)
    return (labels if kind == "sparse" else np.eye(4)[labels]), p


@pytest.mark.parametrize("name, make, kind", METRICS, ids=[m[0] for m in METRICS])
def test_stateful_metrics_like_keras(name, make, kind):
    ours, theirs = make(nn), make(keras)
    rng = np.random.default_rng(3)
    for batch in range(3):
        y, p = metric_data(kind, rng)
        w = rng.random(len(y)) if batch == 1 else None
        ours.update_state(y, p, sample_weight=w)
        theirs.update_state(y, p, sample_weight=w)
    assert float(ours.result()) == pytest.approx(float(theirs.result()), rel=1e-5, abs=1e-6)
    ours.reset_state()
    theirs.reset_state()
    y, p = metric_data(kind, rng)
    assert float(ours(y, p)) == pytest.approx(float(theirs(y, p)), rel=1e-5, abs=1e-6)
    assert ours.result().numpy() == pytest.approx(float(theirs.result()), rel=1e-5, abs=1e-6)


def test_metric_names_are_keras_names():
    nn.reset_names()
    assert [nn.metrics.AUC().name, nn.metrics.AUC().name] == ["auc", "auc_1"]
    assert nn.metrics.SparseCategoricalAccuracy().name == "sparse_categorical_accuracy"
    assert nn.metrics.RootMeanSquaredError().name == "root_mean_squared_error"


def test_metrics_in_compile_use_the_keras_history_names():
    x = nn.Input(shape=(3,))
    model = nn.Model(x, nn.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["accuracy", nn.metrics.AUC(name="area"), "mae", nn.metrics.Precision()])
    history = model.fit(XA, (YC > 0).astype(float), epochs=1, verbose=0)
    assert list(history.history) == ["loss", "accuracy", "area", "mae", "precision"]


# ----------------------------------------------------------------------------- callbacks
class Recorder:
    """Un callback (de course_lib o de Keras) que apunta cada aviso: método, argumentos y claves de logs."""

    @staticmethod
    def make(base):
        class Recording(base):
            def __init__(self):
                super().__init__()
                self.calls = []

            def _note(self, name, *args, logs=None):
                self.calls.append((name, *args, tuple(sorted(logs)) if logs else ()))

        for name in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
                     "on_predict_end"):
            setattr(Recording, name, (lambda n: lambda self, logs=None: self._note(n, logs=logs))(name))
        for name in ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
                     "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin"):
            setattr(Recording, name, (lambda n: lambda self, i, logs=None: self._note(n, i, logs=logs))(name))
        return Recording()


def test_callbacks_receive_the_same_calls_as_in_keras():
    def model(lib):
        x = lib.Input(shape=(3,))
        m = lib.Model(x, lib.layers.Dense(1)(x))
        m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        return m

    ours, theirs = Recorder.make(nn.callbacks.Callback), Recorder.make(keras.callbacks.Callback)
    for m, callback in ((model(nn), ours), (model(keras), theirs)):
        m.fit(XA[:10], YV[:10], batch_size=4, epochs=2, verbose=0, validation_data=(XA[10:], YV[10:]),
              validation_batch_size=4, callbacks=[callback])
        m.evaluate(XA, YV, batch_size=8, verbose=0, callbacks=[callback])
        m.predict(XA, batch_size=8, verbose=0, callbacks=[callback])
        assert callback.model is m and callback.params["epochs"] == 1
    assert ours.calls == theirs.calls


def test_stop_training_from_a_batch_hook_and_history_sees_what_callbacks_add():
    class StopAfterThreeBatches(nn.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            if self.batches == 3:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs["tasa"] = 0.5   # como ReduceLROnPlateau añade "learning_rate"

    x = nn.Input(shape=(3,))
    model = nn.Model(x, nn.layers.Dense(1)(x))
    model.compile(optimizer="sgd", loss="mse")
    callback = StopAfterThreeBatches()
    history = model.fit(XA, YV, batch_size=2, epochs=5, verbose=0, callbacks=[callback])
    assert callback.batches == 3 and history.epoch == [0]
    assert history.history["tasa"] == [0.5] and model.history is history


def test_callbacks_are_checked_in_spanish():
    x = nn.Input(shape=(3,))
    model = nn.Model(x, nn.layers.Dense(1)(x))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(CourseError, match="paréntesis"):
        model.fit(XA, YV, verbose=0, callbacks=[nn.callbacks.EarlyStopping])
    with pytest.raises(CourseError, match="class_weight solo se admite con una salida"):
        two = two_outputs(nn)
        two.compile(optimizer="sgd", loss=["sparse_categorical_crossentropy", "mse"])
        two.fit([XA, XB], [YC, YV], verbose=0, class_weight={0: 1.0})
    with pytest.raises(CourseError, match=r"salidas se llaman \['clase', 'valor'\]"):
        two.compile(optimizer="sgd", loss={"clase": "mse", "precio": "mse"})
