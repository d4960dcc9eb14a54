"""La API de Keras sobre los modelos: ``Input`` al principio de una pila, entradas de longitud variable y
de enteros, pesos con nombre (``model.weights``, ``get_weights``, ``add_weight``), ``get_layer``,
``pop``, ``inputs``/``outputs``/``capa.output`` en Sequential, ``save_weights``/``load_weights`` y
entradas y salidas con nombre (dicts).
"""

import numpy as np
import pytest

from course_lib import frameworks
from course_lib import nn
from course_lib.nn import CourseError, Input, Model, Sequential, load_model
from course_lib.nn.gradient_check import numerical_gradient, relative_error
from course_lib.nn.layers import LSTM, BatchNormalization, Dense, Embedding, GlobalAveragePooling1D, Layer

keras = frameworks.load_keras()
needs_keras = pytest.mark.skipif(keras is None, reason="Keras no está instalado")


def test_input_as_first_element_of_sequential_and_with_add(capsys):
    model = Sequential([Input(shape=(4,)), Dense(5, activation="relu"), Dense(3)])
    assert model.input_shape == (None, 4) and model.count_params() == 4 * 5 + 5 + 5 * 3 + 3
    other = Sequential()
    other.add(Input(shape=(4,)))
    other.add(Dense(2))
    assert [layer.name for layer in other.layers] == [other.layers[0].name]   # la entrada no es una capa
    assert other.inputs[0].shape == (None, 4) and other.outputs[0].shape == (None, 2)
    other.summary()
    assert "(None, 2)" in capsys.readouterr().out
    with pytest.raises(CourseError, match="primer elemento"):
        other.add(Input(shape=(2,)))


def test_sequential_inputs_outputs_and_layer_output_for_feature_extraction():
    model = Sequential([Input(shape=(3,)), Dense(4, activation="relu", name="oculta"), Dense(2, name="salida")])
    extractor = Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
    x = np.random.default_rng(0).standard_normal((5, 3))
    hidden, out = extractor.predict(x)
    np.testing.assert_allclose(out, model.predict(x), rtol=1e-6)
    assert hidden.shape == (5, 4) and model.get_layer("oculta").output.shape == (None, 4)
    assert model.get_layer(index=1).name == "salida"
    with pytest.raises(CourseError, match="no tiene ninguna capa llamada 'otra'.*'oculta'"):
        model.get_layer("otra")


def test_pop_removes_the_last_layer_and_rebuilds():
    model = Sequential([Input(shape=(3,)), Dense(4), Dense(2)])
    model.build()
    removed = model.pop()
    assert removed.units == 2 and len(model.layers) == 1 and model.outputs[0].shape == (None, 4)
    model.add(Dense(7))
    assert model.predict(np.zeros((2, 3))).shape == (2, 7)


def test_variable_length_sequences():
    """Input(shape=(None,), dtype="int32"): frases de cualquier longitud (como el LSTM bidireccional de Keras)."""
    nn.set_seed(0)
    inputs = Input(shape=(None,), dtype="int32")
    x = Embedding(30, 8)(inputs)
    x = LSTM(6)(x)
    model = Model(inputs, Dense(1, activation="sigmoid")(x))
    assert model.count_params() == 30 * 8 + (8 * 24 + 6 * 24 + 24) + 7
    model.compile(optimizer="adam", loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    for length in (5, 9):
        x_batch = rng.integers(0, 30, (16, length))
        model.fit(x_batch, rng.integers(0, 2, 16), epochs=1, verbose=0)
        assert model.predict(x_batch).shape == (16, 1)
    with pytest.raises(CourseError, match="enteros.*decimales"):
        model.predict(np.full((2, 4), 0.5))


def test_variable_length_in_a_sequence_to_sequence_model():
    inputs = Input(shape=(None, 3))
    model = Model(inputs, Dense(2)(inputs))
    assert model.output_shape == (None, None, 2)
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(1)
    for length in (4, 6):
        model.fit(rng.standard_normal((8, length, 3)), rng.standard_normal((8, length, 2)), verbose=0)


@needs_keras
def test_weights_have_keras_names_order_and_shapes():
    def model(lib):
        return lib.Sequential([lib.Input(shape=(6,)), lib.layers.Embedding(10, 3), lib.layers.LSTM(4),
                               lib.layers.BatchNormalization(), lib.layers.Dense(2)])

    ours, theirs = model(nn), model(keras)
    ours.build()
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert [v.shape for v in ours.weights] == [tuple(v.shape) for v in theirs.weights]
    assert len(ours.trainable_weights) == len(theirs.trainable_weights)
    assert len(ours.non_trainable_weights) == len(theirs.non_trainable_weights)
    dense = ours.layers[-1]
    kernel, bias = dense.get_weights()
    dense.set_weights([np.ones_like(kernel), np.zeros_like(bias)])
    assert np.all(dense.weights[0].numpy() == 1) and dense.weights[0].path == f"{dense.name}/kernel"
    ours.layers[0].trainable = False
    assert len(ours.trainable_weights) == len(theirs.trainable_weights) - 1


class Linear(Layer):
    """La capa de la guía de Keras «Making new layers and models via subclassing»."""

    def __init__(self, units=32, input_dim=32, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(input_dim, units), initializer="glorot_normal", trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return inputs @ self.w + self.b


class LinearBuiltLazily(Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return inputs @ self.w + self.b


def test_add_weight_in_a_subclassed_layer(float64):
    layer = Linear(4, 3)
    x = np.random.default_rng(0).standard_normal((5, 3))
    np.testing.assert_allclose(layer(x), x @ layer.w.numpy() + layer.b.numpy(), rtol=1e-12)
    assert [v.shape for v in layer.weights] == [(3, 4), (4,)]
    upstream = np.random.default_rng(1).standard_normal((5, 4))

    def loss():
        return float(np.sum(layer.forward(x) * upstream))

    loss()
    grad_x = layer.backward(upstream)
    assert relative_error(grad_x, numerical_gradient(loss, x)) < 1e-7
    for key, value in layer.params.items():
        assert relative_error(layer.grads[key], numerical_gradient(loss, value)) < 1e-7


def test_add_weight_in_build_trains_inside_a_model():
    nn.set_seed(0)
    x = np.random.default_rng(0).standard_normal((64, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    model = Sequential([Input(shape=(3,)), LinearBuiltLazily(1)])
    model.compile(optimizer=nn.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, epochs=30, verbose=0, seed=0)
    assert history.history["loss"][-1] < 1e-3
    np.testing.assert_allclose(model.layers[0].w.numpy().ravel(), [1.0, -2.0, 0.5], atol=0.05)


def test_save_weights_and_load_weights(tmp_path):
    def model():
        return Sequential([Input(shape=(4,)), Dense(3, activation="relu"), BatchNormalization(), Dense(2)])

    first = model()
    x = np.random.default_rng(0).standard_normal((6, 4))
    first.compile(optimizer="adam", loss="mse")
    first.fit(x, np.zeros((6, 2)), epochs=2, verbose=0)
    path = tmp_path / "pesos.weights.h5"
    first.save_weights(path)
    second = model()
    second.load_weights(path)
    np.testing.assert_array_equal(second.predict(x), first.predict(x))
    third = Sequential([Input(shape=(4,)), Dense(5), Dense(2)])
    with pytest.raises(CourseError, match="forma esperada"):
        third.load_weights(path)
    with pytest.raises(CourseError, match="overwrite=False"):
        first.save_weights(path, overwrite=False)


def test_dict_inputs_and_outputs_by_name(tmp_path):
    title, body = Input(shape=(3,), name="titulo"), Input(shape=(2,), name="cuerpo")
    h = nn.layers.Concatenate()([title, body])
    model = Model(inputs={"titulo": title, "cuerpo": body},
                  outputs={"prioridad": Dense(1, name="p")(h), "departamento": Dense(4, activation="softmax")(h)})
    assert model.output_names == ["prioridad", "departamento"]
    rng = np.random.default_rng(0)
    x = {"titulo": rng.standard_normal((10, 3)), "cuerpo": rng.standard_normal((10, 2))}
    y = {"prioridad": rng.standard_normal((10, 1)), "departamento": rng.integers(0, 4, 10)}
    model.compile(optimizer="adam", loss={"prioridad": "mse", "departamento": "sparse_categorical_crossentropy"},
                  loss_weights={"prioridad": 1.0, "departamento": 0.2}, metrics={"departamento": ["accuracy"]})
    history = model.fit(x, y, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "prioridad_loss", "departamento_loss", "departamento_accuracy"}
    prediction = model.predict(x)
    assert set(prediction) == {"prioridad", "departamento"} and prediction["departamento"].shape == (10, 4)
    path = tmp_path / "dicts.npz"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x)["prioridad"], prediction["prioridad"])
    with pytest.raises(CourseError, match=r"entradas del modelo se llaman.*'titulo'"):
        Model(inputs=[title, body], outputs=h).predict({"titulo": x["titulo"]})


def test_evaluate_return_dict_and_metrics_names():
    model = Sequential([Input(shape=(3,)), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    x, y = np.random.default_rng(0).standard_normal((8, 3)), np.arange(8) % 2
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy"]
    assert model.evaluate(x, y, verbose=0) == [logs["loss"], logs["accuracy"]]
    assert model.test_on_batch(x, y) == [logs["loss"], logs["accuracy"]]


def test_keras_weight_attributes_and_spanish_errors_for_missing_attributes():
    dense = Dense(3)
    dense.build((2,))
    assert dense.kernel.shape == (2, 3) and dense.bias.path == f"{dense.name}/bias"
    assert not hasattr(dense, "no_existe")
    with pytest.raises(AttributeError, match="no tiene el atributo 'kernal'"):
        dense.kernal
    with pytest.raises(CourseError, match="no tiene el atributo 'summari'"):
        Sequential([Input(shape=(2,)), dense]).summari()


def test_overriding_train_step_is_not_silently_ignored():
    class GAN(Model):
        def __init__(self):
            super().__init__()
            self.dense = Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            return {}

    model = GAN()
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(CourseError, match="redefine train_step.*a mano"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)
    with pytest.raises(AttributeError, match="train_step"):
        Sequential([Input(shape=(2,)), Dense(1)]).train_step


def test_get_config_from_config_to_json_and_clone_model():
    from course_lib.nn.loading import clone_model, model_from_json

    model = Sequential([Input(shape=(3,)), Dense(4, activation="relu", name="oculta"), Dense(2)])
    copy = Sequential.from_config(model.get_config())
    assert [type(layer).__name__ for layer in copy.layers] == ["Dense", "Dense"] and copy.count_params() == 26
    assert [layer.name for layer in model_from_json(model.to_json()).layers][0] == "oculta"
    clone = clone_model(model)
    assert clone is not model and clone.count_params() == model.count_params()
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])   # pesos nuevos
    dense = Dense(7, activation="relu", name="d")
    assert Dense.from_config(dense.get_config()).units == 7


def test_training_with_a_loss_function_and_saving_it(tmp_path):
    def quartic(y_true, y_pred):
        d = (y_true - y_pred) * (y_true - y_pred)
        return d * d

    model = Sequential([Input(shape=(2,)), Dense(2)])
    model.compile(optimizer="sgd", loss=quartic, metrics=[quartic])
    rng = np.random.default_rng(0)
    history = model.fit(rng.standard_normal((8, 2)), rng.standard_normal((8, 2)), epochs=2, verbose=0)
    assert set(history.history) == {"loss", "quartic"}
    model.save(tmp_path / "cuartica.npz")
    assert load_model(tmp_path / "cuartica.npz", custom_objects={"quartic": quartic}).compiled
    with pytest.raises(CourseError, match="custom_objects=.*compile=False"):
        load_model(tmp_path / "cuartica.npz")
    assert not load_model(tmp_path / "cuartica.npz", compile=False).compiled


@needs_keras
def test_weight_names_of_wrappers_and_new_layers_follow_keras():
    """Las capas que saben su nombre de Keras (``keras_weight_name``) lo dan en ``model.weights``."""
    def model(lib):
        L = lib.layers
        return lib.Sequential([lib.Input(shape=(6,)), L.Embedding(10, 3), L.Bidirectional(L.GRU(4, return_sequences=True)),
                               L.Conv1D(2, 3), L.GlobalMaxPooling1D(), L.Dense(2)])

    ours, theirs = model(nn), model(keras)
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert [v.shape for v in ours.weights] == [tuple(v.shape) for v in theirs.weights]
