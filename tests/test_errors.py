"""Errores en la frontera de la API: cada entrada mala da un CourseError en español que dice qué se
esperaba y qué se recibió (y, para los nombres desconocidos, sugiere el más cercano)."""

import numpy as np
import pytest

from course_lib.nn import (
    SGD,
    Adam,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CourseError,
    CourseTypeError,
    Dense,
    EarlyStopping,
    MeanSquaredError,
    Sequential,
    SparseCategoricalCrossentropy,
    losses,
    optimizers,
    to_categorical,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 4))
Y = RNG.integers(0, 3, size=20)


def compiled_model(loss="sparse_categorical_crossentropy", metrics=("accuracy",)):
    model = Sequential([Dense(5, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss=loss, metrics=list(metrics))
    return model


# ---------------------------------------------------------------- fit, predict y evaluate
def test_fit_before_compile():
    model = Sequential([Dense(3, input_shape=(4,))])
    with pytest.raises(CourseError, match=r"Antes de entrenar hay que compilar.*model\.compile\("):
        model.fit(X, Y)
    with pytest.raises(CourseError, match="Antes de evaluar hay que compilar"):
        model.evaluate(X, Y)


def test_x_and_y_of_different_lengths():
    with pytest.raises(CourseError, match="mismo número de ejemplos: x tiene 20 y y tiene 19"):
        compiled_model().fit(X, Y[:-1], verbose=0)


def test_wrong_number_of_features():
    model = compiled_model()
    with pytest.raises(CourseError, match=r"espera ejemplos de forma \(4,\).*forma \(5,\).*características"):
        model.fit(RNG.normal(size=(20, 5)), Y, verbose=0)
    with pytest.raises(CourseError, match=r"espera ejemplos de forma \(4,\).*forma \(3,\)"):
        model.predict(np.ones((2, 3)))


@pytest.mark.parametrize("value, pattern", [(np.nan, "1 valor NaN"), (np.inf, "1 valor infinito")])
def test_nan_or_inf_in_inputs(value, pattern):
    bad = X.copy()
    bad[3, 1] = value
    with pytest.raises(CourseError, match=f"x: contiene.*{pattern}.*Se esperaban solo números finitos"):
        compiled_model().fit(bad, Y, verbose=0)


def test_nan_in_labels():
    y = Y.astype(float)
    y[0] = np.nan
    with pytest.raises(CourseError, match="NaN"):
        compiled_model().fit(X, y, verbose=0)


def test_strings_in_inputs():
    bad = X.astype(object)
    bad[0, 0] = "Adelie"
    with pytest.raises(CourseTypeError, match="se esperaban números, pero se recibió texto.*'Adelie'"):
        compiled_model().fit(bad, Y, verbose=0)


def test_python_lists_are_accepted():
    model = compiled_model()
    history = model.fit(X.tolist(), Y.tolist(), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(X[:2].tolist()).shape == (2, 3)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"epochs": 0}, r"epochs \(número de épocas\) debe ser un número entero mayor o igual que 1; se recibió 0"),
    ({"epochs": 2.5}, "epochs.*se recibió 2.5"),
    ({"batch_size": 0}, r"batch_size \(tamaño del mini-lote\) debe ser un número entero mayor o igual que 1"),
    ({"validation_split": 1.0}, r"validation_split debe ser un número en \[0.0, 1.0\); se recibió 1.0"),
    ({"validation_split": -0.1}, r"validation_split debe ser un número en \[0.0, 1.0\)"),
    ({"validation_split": 0.99}, "deja 20 para validación y 0 para entrenamiento"),
    ({"validation_data": X}, r"validation_data debe ser una tupla \(x_val, y_val\); se recibió un array"),
    ({"callbacks": "early"}, "callbacks debe ser una lista de callbacks"),
])
def test_bad_fit_arguments(kwargs, pattern):
    with pytest.raises(CourseError, match=pattern):
        compiled_model().fit(X, Y, verbose=0, **kwargs)


def test_early_stopping_on_validation_without_validation_data():
    with pytest.raises(CourseError, match="se pidió vigilar 'val_loss'.*validation_data o validation_split"):
        compiled_model().fit(X, Y, epochs=2, callbacks=[EarlyStopping()], verbose=0)


def test_model_output_must_be_a_matrix():
    from course_lib.nn import Conv2D

    model = Sequential([Conv2D(2, 3, input_shape=(5, 5, 1))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(CourseError, match=r"salida de la red tiene forma \(None, 3, 3, 2\).*Flatten"):
        model.fit(np.zeros((4, 5, 5, 1)), np.zeros((4, 3)), verbose=0)


def test_sequential_accepts_only_layers():
    with pytest.raises(CourseTypeError, match="se esperaba una lista de capas"):
        Sequential(Dense(3))
    with pytest.raises(CourseTypeError, match="se esperaba una capa.*se recibió un valor de tipo str"):
        Sequential(["relu"])
    with pytest.raises(CourseTypeError, match=r"clase Dense, no una capa.*paréntesis"):
        Sequential().add(Dense)


def test_compile_without_loss():
    with pytest.raises(CourseError, match="falta la pérdida.*'mse'"):
        Sequential([Dense(1, input_shape=(2,))]).compile(optimizer="adam")


@pytest.mark.parametrize("bad", [0, -0.01])
def test_non_positive_learning_rate(bad):
    with pytest.raises(CourseError, match=f"learning_rate.*debe ser un número positivo.*se recibió {bad}"):
        Adam(learning_rate=bad)


# ---------------------------------------------------------------- etiquetas
def test_integer_labels_given_to_categorical_crossentropy():
    model = compiled_model(loss="categorical_crossentropy")
    with pytest.raises(CourseError) as info:
        model.fit(X, Y, verbose=0)
    message = str(info.value)
    assert "se esperaban etiquetas one-hot de forma (20, 3)" in message
    assert "recibiste enteros de forma (20,)" in message
    assert "SparseCategoricalCrossentropy" in message and "to_categorical" in message
    with pytest.raises(CourseError, match=r"recibiste enteros de forma \(20, 1\)"):
        model.fit(X, Y[:, None], verbose=0)


def test_one_hot_given_to_sparse_categorical_crossentropy():
    with pytest.raises(CourseError, match=r"se esperaban etiquetas enteras de forma \(20,\).*matriz de forma "
                                          r"\(20, 3\), que parece one-hot.*CategoricalCrossentropy"):
        compiled_model().fit(X, to_categorical(Y, 3), verbose=0)


def test_class_index_beyond_the_number_of_outputs():
    y = Y.copy()
    y[5] = 3
    with pytest.raises(CourseError, match="la red tiene 3 salidas, así que las clases van de 0 a 2; se recibió la clase 3"):
        compiled_model().fit(X, y, verbose=0)
    with pytest.raises(CourseError, match="se recibió la clase -1"):
        SparseCategoricalCrossentropy()([-1, 0], [[0.5, 0.5], [0.5, 0.5]])


def test_non_integer_class_labels():
    with pytest.raises(CourseError, match="números enteros de clase"):
        SparseCategoricalCrossentropy()([0.5, 1], [[0.5, 0.5], [0.5, 0.5]])


def test_binary_labels_outside_0_1():
    with pytest.raises(CourseError, match=r"etiquetas deben estar en \[0, 1\].*entre 0 y 2"):
        BinaryCrossentropy()([0, 1, 2], [[0.1], [0.5], [0.9]])


def test_labels_that_do_not_match_the_predictions():
    with pytest.raises(CourseError, match=r"forma de las predicciones, \(4, 3\); se recibió un array de forma \(4, 2\)"):
        MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(CourseError, match=r"la red tiene 3 salidas, pero las etiquetas tienen una sola columna"):
        BinaryCrossentropy()(np.zeros((4, 1)), np.full((4, 3), 0.5))


def test_nan_predictions_in_a_direct_call():
    with pytest.raises(CourseError, match="y_pred: contiene valores NaN"):
        CategoricalCrossentropy()([[1, 0]], [[np.nan, 0.5]])


def test_to_categorical_rejects_bad_labels():
    with pytest.raises(CourseError, match="enteros no negativos"):
        to_categorical([0, -1])
    with pytest.raises(CourseError, match="num_classes=2, pero hay una etiqueta 2"):
        to_categorical([0, 2], num_classes=2)


# ---------------------------------------------------------------- nombres desconocidos
def test_unknown_activation_suggests_relu():
    with pytest.raises(CourseError, match="'rleu'. ¿Quisiste decir 'relu'?"):
        Dense(3, activation="rleu")


def test_unknown_optimizer_suggests_adam():
    with pytest.raises(CourseError, match="Optimizador desconocido: 'adm'. ¿Quisiste decir 'adam'?"):
        compiled_model().compile(optimizer="adm", loss="mse")
    with pytest.raises(CourseError, match="se esperaba el nombre de un optimizador"):
        optimizers.get(3)


def test_unknown_loss_suggests_the_closest_name():
    with pytest.raises(CourseError, match="'categorical_crossentropi'. ¿Quisiste decir 'categorical_crossentropy'?"):
        compiled_model(loss="categorical_crossentropi")
    with pytest.raises(CourseError, match="se esperaba el nombre de una pérdida"):
        losses.get(42)


def test_unknown_metric_suggests_accuracy():
    with pytest.raises(CourseError, match="Métrica desconocida: 'acuracy'. ¿Quisiste decir 'accuracy'?"):
        compiled_model(metrics=["acuracy"])


def test_bad_optimizer_hyperparameters():
    with pytest.raises(CourseError, match=r"momentum debe ser un número en \[0.0, 1.0\); se recibió 1.5"):
        SGD(momentum=1.5)


def test_save_into_a_missing_folder(tmp_path):
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(CourseError, match="la carpeta .* no existe"):
        model.save(tmp_path / "no_hay" / "modelo.npz")
