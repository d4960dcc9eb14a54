"""Las capas de la parte 3 como las usa un tutorial de Keras: todas se reconstruyen desde su configuración
y se guardan y cargan dentro de un modelo; los inicializadores como objetos (con semilla); las activaciones
por nombre en todas partes; formas y número de parámetros como Keras; y errores en español."""

import json

import numpy as np
import pytest

from course_lib import nn
from course_lib.nn import activations, config, initializers
from course_lib.nn import layers as L
from course_lib.nn.validation import CourseError


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# ----------------------------------------------------------------------------- configuración y guardado
#: Una capa de cada clase de LAYER_CLASSES, con argumentos que no son los de por defecto, y sus entradas.
EXAMPLES = {
    "Dense": (lambda: L.Dense(3, activation="selu", use_bias=False, kernel_initializer=initializers.HeNormal(seed=2)),
              [(4, 5)]),
    "Conv2D": (lambda: L.Conv2D(2, 3, padding="same", dilation_rate=2, bias_initializer=initializers.Constant(0.1)),
               [(2, 6, 6, 3)]),
    "MaxPooling2D": (lambda: L.MaxPooling2D(3, strides=2, padding="same"), [(2, 6, 6, 2)]),
    "AveragePooling2D": (lambda: L.AveragePooling2D(2), [(2, 6, 6, 2)]),
    "Flatten": (lambda: L.Flatten(), [(2, 3, 3, 2)]),
    "Dropout": (lambda: L.Dropout(0.3, noise_shape=(None, 1), seed=3), [(2, 5)]),
    "BatchNormalization": (lambda: L.BatchNormalization(momentum=0.9), [(4, 3)]),
    "Activation": (lambda: L.Activation("softplus"), [(2, 5)]),
    "SimpleRNN": (lambda: L.SimpleRNN(3, return_sequences=True, go_backwards=True, dropout=0.2), [(2, 5, 3)]),
    "LSTM": (lambda: L.LSTM(3, recurrent_dropout=0.1, return_state=True), [(2, 5, 3)]),
    "Embedding": (lambda: L.Embedding(10, 4, input_length=6), [(2, 6)]),
    "GlobalAveragePooling1D": (lambda: L.GlobalAveragePooling1D(keepdims=True), [(2, 5, 3)]),
    "Reshape": (lambda: L.Reshape((-1, 2)), [(2, 4, 3)]),
    "LayerNormalization": (lambda: L.LayerNormalization(), [(2, 3, 4)]),
    "MultiHeadAttention": (lambda: L.MultiHeadAttention(2, 3), [(2, 4, 5), (2, 4, 5)]),
    "Add": (lambda: L.Add(), [(2, 3), (2, 3)]),
    "Concatenate": (lambda: L.Concatenate(axis=1), [(2, 3, 2), (2, 4, 2)]),
    "Conv1D": (lambda: L.Conv1D(3, 3, padding="causal", dilation_rate=2, activation="elu"), [(2, 8, 2)]),
    "Conv1DTranspose": (lambda: L.Conv1DTranspose(2, 3, strides=2, padding="same"), [(2, 5, 3)]),
    "Conv2DTranspose": (lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1), [(2, 3, 4, 3)]),
    "MaxPooling1D": (lambda: L.MaxPooling1D(3, strides=2, padding="same"), [(2, 7, 2)]),
    "AveragePooling1D": (lambda: L.AveragePooling1D(2), [(2, 7, 2)]),
    "GlobalMaxPooling1D": (lambda: L.GlobalMaxPooling1D(), [(2, 5, 3)]),
    "GlobalAveragePooling2D": (lambda: L.GlobalAveragePooling2D(), [(2, 3, 4, 3)]),
    "GlobalMaxPooling2D": (lambda: L.GlobalMaxPooling2D(keepdims=True), [(2, 3, 4, 3)]),
    "GRU": (lambda: L.GRU(3, reset_after=False, return_sequences=True), [(2, 5, 3)]),
    "Bidirectional": (lambda: L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum"), [(2, 5, 3)]),
    "TimeDistributed": (lambda: L.TimeDistributed(L.Dense(2, activation="relu")), [(2, 4, 3)]),
    "UpSampling1D": (lambda: L.UpSampling1D(3), [(2, 4, 2)]),
    "UpSampling2D": (lambda: L.UpSampling2D(2, interpolation="bilinear"), [(2, 3, 3, 2)]),
    "ZeroPadding1D": (lambda: L.ZeroPadding1D((1, 2)), [(2, 4, 2)]),
    "ZeroPadding2D": (lambda: L.ZeroPadding2D(((1, 0), (0, 2))), [(2, 3, 3, 2)]),
    "Cropping1D": (lambda: L.Cropping1D((1, 0)), [(2, 4, 2)]),
    "Cropping2D": (lambda: L.Cropping2D(1), [(2, 4, 4, 2)]),
    "RepeatVector": (lambda: L.RepeatVector(3), [(2, 4)]),
    "Permute": (lambda: L.Permute((2, 1)), [(2, 3, 4)]),
    "ReLU": (lambda: L.ReLU(max_value=6.0), [(2, 5)]),
    "LeakyReLU": (lambda: L.LeakyReLU(negative_slope=0.2), [(2, 5)]),
    "PReLU": (lambda: L.PReLU(alpha_initializer=initializers.Constant(0.25), shared_axes=[1]), [(2, 3, 4)]),
    "ELU": (lambda: L.ELU(alpha=0.5), [(2, 5)]),
    "Softmax": (lambda: L.Softmax(axis=1), [(2, 4, 3)]),
    "Rescaling": (lambda: L.Rescaling(1 / 255, offset=-1.0), [(2, 5)]),
    "Normalization": (lambda: L.Normalization(axis=-1), [(2, 5)]),
    "Subtract": (lambda: L.Subtract(), [(2, 3), (2, 3)]),
    "Multiply": (lambda: L.Multiply(), [(2, 3), (2, 3)]),
    "Average": (lambda: L.Average(), [(2, 3), (2, 3), (2, 3)]),
    "Maximum": (lambda: L.Maximum(), [(2, 3), (2, 3)]),
    "Minimum": (lambda: L.Minimum(), [(2, 3), (2, 3)]),
    "Dot": (lambda: L.Dot(axes=(2, 2), normalize=True), [(2, 3, 4), (2, 5, 4)]),
    "SpatialDropout1D": (lambda: L.SpatialDropout1D(0.2), [(2, 5, 3)]),
    "SpatialDropout2D": (lambda: L.SpatialDropout2D(0.2), [(2, 3, 3, 2)]),
    "GaussianNoise": (lambda: L.GaussianNoise(0.1), [(2, 5)]),
    "GaussianDropout": (lambda: L.GaussianDropout(0.2), [(2, 5)]),
    "DepthwiseConv1D": (lambda: L.DepthwiseConv1D(3, depth_multiplier=2, padding="same"), [(2, 6, 3)]),
    "DepthwiseConv2D": (lambda: L.DepthwiseConv2D(3, strides=2, depthwise_regularizer="l2"), [(2, 7, 7, 2)]),
    "SeparableConv1D": (lambda: L.SeparableConv1D(4, 3, dilation_rate=2), [(2, 9, 3)]),
    "SeparableConv2D": (lambda: L.SeparableConv2D(4, 3, padding="same", activation="relu"), [(2, 5, 5, 3)]),
    "Resizing": (lambda: L.Resizing(3, 5, interpolation="nearest", crop_to_aspect_ratio=True), [(2, 4, 4, 1)]),
    "CenterCrop": (lambda: L.CenterCrop(2, 3), [(2, 4, 4, 1)]),
    "Identity": (lambda: L.Identity(), [(2, 4)]),
    "RandomFlip": (lambda: L.RandomFlip("horizontal", seed=1), [(2, 4, 4, 1)]),
    "RandomTranslation": (lambda: L.RandomTranslation(0.1, (-0.2, 0.1), fill_mode="constant"), [(2, 4, 4, 1)]),
    "RandomRotation": (lambda: L.RandomRotation(0.1, interpolation="nearest"), [(2, 4, 4, 1)]),
    "RandomZoom": (lambda: L.RandomZoom(0.2, 0.1, fill_value=1.0), [(2, 4, 4, 1)]),
    "RandomContrast": (lambda: L.RandomContrast(0.2), [(2, 4, 4, 1)]),
    "RandomBrightness": (lambda: L.RandomBrightness((-0.1, 0.2), value_range=(0, 1)), [(2, 4, 4, 1)]),
}


def test_every_layer_class_has_a_round_trip_example():
    assert set(EXAMPLES) == set(L.LAYER_CLASSES)


def _call(layer, arrays):
    if isinstance(layer, L.MultiHeadAttention):
        return layer(*arrays)
    return layer(arrays[0] if len(arrays) == 1 else arrays)


@pytest.mark.parametrize("name", EXAMPLES)
def test_get_config_is_json_and_rebuilds_the_same_layer(name):
    make, shapes = EXAMPLES[name]
    arrays = [randn(*s, seed=i) if name != "Embedding" else np.arange(np.prod(s)).reshape(s) % 10
              for i, s in enumerate(shapes)]
    layer = make()
    _call(layer, arrays)
    if name == "Normalization":
        layer.adapt(randn(20, 5, seed=9))
    config_ = json.loads(json.dumps(layer.get_config()))   # tipos de JSON, sin objetos
    rebuilt = L.LAYER_CLASSES[name](**{**config_, "name": layer.name + "_copia"})
    _call(rebuilt, arrays)
    for store in ("params", "state"):
        mine, theirs = getattr(layer, store), getattr(rebuilt, store)
        assert list(mine) == list(theirs) and all(mine[k].shape == theirs[k].shape for k in mine)
        for key in mine:
            theirs[key] = mine[key].copy()
    np.testing.assert_array_equal(np.asarray(_call(rebuilt, arrays), dtype=object).shape,
                                  np.asarray(_call(layer, arrays), dtype=object).shape)
    for a, b in zip(_flat(_call(layer, arrays)), _flat(_call(rebuilt, arrays))):
        np.testing.assert_array_equal(a, b)
    stripped = {k: v for k, v in rebuilt.get_config().items() if k != "name"}
    assert stripped == {k: v for k, v in config_.items() if k != "name"}


def _flat(value):
    return value if isinstance(value, list) else [value]


def test_new_layers_save_and_load_inside_models(tmp_path):
    x_seq = randn(16, 8, 3, seed=1)
    y = np.random.default_rng(2).integers(0, 3, 16)
    model = nn.Sequential([
        L.Conv1D(4, 3, padding="causal", input_shape=(8, 3)),
        L.PReLU(),
        L.Bidirectional(L.LSTM(3, return_sequences=True)),
        L.TimeDistributed(L.Dense(4)),
        L.MaxPooling1D(2),
        L.GRU(5, dropout=0.1, recurrent_dropout=0.1),
        L.RepeatVector(2),
        L.Flatten(),
        L.Dense(3, activation="softmax", kernel_initializer=initializers.GlorotNormal(seed=4)),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_seq, y, epochs=2, batch_size=8, verbose=0, seed=0)
    model.save(tmp_path / "secuencias.npz")
    loaded = nn.load_model(tmp_path / "secuencias.npz")
    np.testing.assert_array_equal(loaded.predict(x_seq), model.predict(x_seq))
    # seguir entrenando da lo mismo (estado del optimizador y pesos de las capas envueltas)
    model.fit(x_seq, y, epochs=1, batch_size=8, verbose=0, seed=5)
    loaded.fit(x_seq, y, epochs=1, batch_size=8, verbose=0, seed=5)
    np.testing.assert_array_equal(loaded.predict(x_seq), model.predict(x_seq))

    image = nn.Input(shape=(8, 8, 1))
    rescaled = L.Rescaling(1 / 255)(image)
    down = L.Conv2D(4, 3, strides=2, padding="same", activation="relu")(rescaled)
    up = L.Conv2DTranspose(4, 3, strides=2, padding="same")(down)
    skip = L.Conv2D(4, 1)(rescaled)
    merged = L.add([up, skip])
    gated = L.multiply([merged, L.Activation("sigmoid")(L.Conv2D(4, 1)(merged))])
    pooled = L.GlobalAveragePooling2D()(L.UpSampling2D(interpolation="bilinear")(gated))
    out = L.Dense(1)(pooled)
    functional = nn.Model(image, out)
    functional.compile("adam", "mse")
    x_img = 255 * np.random.default_rng(3).random((12, 8, 8, 1))
    functional.fit(x_img, randn(12, 1, seed=4), epochs=1, verbose=0, seed=0)
    functional.save(tmp_path / "unet.npz")
    loaded = nn.load_model(tmp_path / "unet.npz")
    np.testing.assert_array_equal(loaded.predict(x_img), functional.predict(x_img))


def test_dropout_noise_shape_and_seed_like_keras():
    x = np.ones((3, 6, 4))
    y = L.Dropout(0.5, noise_shape=(None, 1, 4))(x, training=True)
    assert np.all(y == y[:, :1, :])                 # la misma máscara en los 6 pasos
    first = L.Dropout(0.5, seed=7)(x, training=True)
    np.testing.assert_array_equal(L.Dropout(0.5, seed=7)(x, training=True), first)
    with pytest.raises(CourseError, match="noise_shape"):
        L.Dropout(0.5, noise_shape=(None, 1))(x, training=True)


def test_normalization_state_is_saved_and_not_trained(tmp_path):
    data = 5.0 + 3.0 * randn(64, 4, seed=6)
    norm = L.Normalization(input_shape=(4,))
    norm.adapt(data)
    model = nn.Sequential([norm, L.Dense(1)])
    model.compile("sgd", "mse")
    before = {k: v.copy() for k, v in norm.state.items()}
    model.fit(data, randn(64, 1, seed=7), epochs=2, verbose=0, seed=0)
    for key in before:
        np.testing.assert_array_equal(norm.state[key], before[key])
    assert model.count_params() == 4 + 1 + 4 + 4 + 1     # Dense(1) + media, varianza y recuento, como Keras
    model.save(tmp_path / "norm.npz")
    np.testing.assert_allclose(nn.load_model(tmp_path / "norm.npz").layers[0].state["mean"], data.mean(axis=0),
                               rtol=1e-5)


# ----------------------------------------------------------------------------- inicializadores y activaciones
def test_initializer_objects_with_seed_make_identical_layers():
    first = L.Dense(8, kernel_initializer=initializers.HeNormal(seed=11))
    second = L.Dense(8, kernel_initializer=initializers.HeNormal(seed=11))
    first.build((20,))
    config.set_seed(123)             # la semilla del motor no cambia nada: manda la del objeto
    second.build((20,))
    np.testing.assert_array_equal(first.params["W"], second.params["W"])
    third = L.Dense(8, kernel_initializer=initializers.HeNormal(seed=12))
    third.build((20,))
    assert not np.array_equal(first.params["W"], third.params["W"])


def test_initializer_objects_follow_their_formulas():
    config.set_seed(0)
    big = (400, 300)
    assert initializers.Constant(0.3)(big).max() == pytest.approx(0.3)
    assert initializers.RandomNormal(mean=1.0, stddev=0.02)(big).std() == pytest.approx(0.02, rel=0.02)
    truncated = initializers.TruncatedNormal(stddev=0.1)(big)
    assert np.abs(truncated).max() <= 0.2
    lecun = initializers.LecunNormal()(big)
    assert lecun.std() == pytest.approx(np.sqrt(1 / 400), rel=0.03)
    uniform = initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform")(big)
    assert np.abs(uniform).max() <= np.sqrt(3 * 2.0 / 300) and uniform.std() == pytest.approx(np.sqrt(2 / 300), rel=0.03)
    q = initializers.Orthogonal(gain=2.0)((6, 6))
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(6), atol=1e-5)
    np.testing.assert_array_equal(initializers.Identity()((3, 3)), np.eye(3))
    assert initializers.get("HeNormal").get_config() == {} and isinstance(initializers.get(initializers.Ones), initializers.Ones)


def test_lowercase_initializer_names_work_as_in_keras_and_as_in_the_notebooks():
    """En Keras 3, ``he_normal`` es otro nombre de ``HeNormal``; los cuadernos la llaman con una forma."""
    assert isinstance(initializers.he_normal(seed=3), initializers.HeNormal)
    assert initializers.random_normal(stddev=0.1).stddev == 0.1
    assert initializers.glorot_uniform((4, 5)).shape == (4, 5)
    np.testing.assert_array_equal(initializers.he_normal((6, 3), seed=2), initializers.HeNormal(seed=2)((6, 3)))
    layer = L.Dense(3, kernel_initializer=initializers.he_uniform(seed=1), bias_initializer=initializers.constant(0.5))
    layer.build((4,))
    np.testing.assert_array_equal(layer.params["b"], 0.5)


def test_named_initializers_keep_the_bits_of_the_old_functions():
    """glorot_uniform y he_normal (clases nuevas) sortean exactamente lo mismo que las funciones de antes:
    los cuadernos y sus afirmaciones no cambian."""
    config.set_seed(5)
    new = initializers.get("glorot_uniform")((30, 20))
    rng = np.random.default_rng(5)
    limit = np.sqrt(6.0 / (30 + 20))
    np.testing.assert_array_equal(new, rng.uniform(-limit, limit, size=(30, 20)).astype(new.dtype))


@pytest.mark.parametrize("name", ["selu", "softplus", "elu", "softsign", "mish", "hard_sigmoid", "relu6"])
def test_new_activation_names_work_everywhere(name):
    x_seq, x_vec = randn(2, 5, 3, seed=1), randn(4, 3, seed=2)
    for layer, x in ((L.Dense(2, activation=name), x_vec), (L.Conv1D(2, 2, activation=name), x_seq),
                     (L.SimpleRNN(2, activation=name), x_seq), (L.GRU(2, recurrent_activation=name), x_seq),
                     (L.Activation(name), x_vec)):
        y = layer(x)
        assert np.all(np.isfinite(y)) and np.all(np.isfinite(layer.backward(np.ones_like(y))))


def test_activation_functions_by_keras_name_are_accepted():
    """``activation=keras.activations.relu`` (una función con ese nombre) es la activación 'relu'."""
    def relu(x):
        return np.maximum(x, 0)

    assert isinstance(L.Dense(2, activation=relu).activation, activations.ReLU)
    with pytest.raises(CourseError, match="derivada"):
        L.Dense(2, activation=lambda z: z ** 2)
    with pytest.raises(CourseError, match=r"¿Quisiste decir 'softplus'\?"):   # antes sugería 'softmax'
        activations.get("softpluss")


def test_activation_functions_work_on_arrays_layers_and_symbolic_tensors():
    z = np.array([[-2.0, 0.5, 3.0]])
    np.testing.assert_allclose(activations.relu(z, max_value=1.0), [[0.0, 0.5, 1.0]])
    np.testing.assert_allclose(activations.leaky_relu([-1.0, 1.0]), [-0.2, 1.0])   # listas y la pendiente de Keras
    assert L.Dense(2, activation=activations.leaky_relu).activation.alpha == 0.2
    assert L.Dense(2, activation=activations.gelu).activation.approximate is False
    x = nn.Input(shape=(3,))
    model = nn.Model(x, activations.softplus(L.Dense(2)(x)))   # la función sobre un tensor simbólico: una capa
    y = model.predict(randn(4, 3))
    assert y.shape == (4, 2) and np.all(y > 0)


def test_gelu_approximation_and_its_derivative():
    gelu = activations.GELU(approximate=True)
    z = np.linspace(-4, 4, 33) + 0.013
    numerical = (gelu(z + 1e-6) - gelu(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(gelu.derivative(z), numerical, rtol=1e-7, atol=1e-9)
    assert np.max(np.abs(gelu(z) - activations.GELU()(z))) < 1e-3      # la aproximación es buena
    assert activations.get(activations.serialize(gelu)).approximate


# ----------------------------------------------------------------------------- como Keras
def test_output_shapes_and_parameter_counts_match_keras():
    keras = pytest.importorskip("keras")
    K = keras.layers

    def both(make, input_shape):
        course = nn.Sequential(make(L))
        course.build(input_shape)
        theirs = keras.Sequential([keras.Input(input_shape), *make(K)])
        for mine, ref in zip(course.layers, theirs.layers):
            assert tuple(mine.output_shape) == tuple(ref.output.shape[1:]), type(mine).__name__
            assert mine.count_params() == ref.count_params(), type(mine).__name__

    both(lambda m: [m.Conv1D(8, 5, padding="causal", dilation_rate=2), m.MaxPooling1D(2), m.Conv1D(4, 3, strides=2),
                    m.GlobalMaxPooling1D(), m.Dense(3)], (40, 2))
    both(lambda m: [m.Bidirectional(m.GRU(6, return_sequences=True)), m.Bidirectional(m.LSTM(4), merge_mode="sum"),
                    m.RepeatVector(3), m.GRU(2, return_sequences=True, reset_after=False), m.TimeDistributed(m.Dense(5))],
         (7, 3))
    both(lambda m: [m.ZeroPadding2D(1), m.Conv2D(4, 3, dilation_rate=2), m.Conv2DTranspose(3, 3, strides=2, padding="same"),
                    m.UpSampling2D((2, 1)), m.Cropping2D(((1, 2), (0, 1))), m.PReLU(shared_axes=[1, 2]),
                    m.GlobalAveragePooling2D(), m.Dense(2)], (9, 8, 1))
    both(lambda m: [m.SeparableConv2D(8, 3, padding="same", depth_multiplier=2), m.DepthwiseConv2D(3, strides=2),
                    m.BatchNormalization(), m.ReLU(max_value=6.0), m.SeparableConv2D(4, 3), m.GlobalMaxPooling2D()],
         (12, 12, 3))


def test_keras_aliases_are_the_same_layers():
    keras = pytest.importorskip("keras")
    for alias in L.ALIASES:
        assert hasattr(keras.layers, alias)
        assert getattr(keras.layers, alias).__name__ == getattr(L, alias).__name__ or \
            getattr(keras.layers, alias) is getattr(keras.layers, getattr(L, alias).__name__)


# ----------------------------------------------------------------------------- errores en español
@pytest.mark.parametrize("make, pattern", [
    (lambda: L.Conv1D(2, 3, padding="causall"), r"¿Quisiste decir 'causal'\?"),
    (lambda: L.Conv2D(2, 3, padding="causal"), r"padding de Conv2D.*'same', 'valid'"),
    (lambda: L.Conv2D(2, 3, data_format="channels_first"), r"canales al final.*np.transpose"),
    (lambda: L.Conv2D(2, 3, groups=2), r"grupos"),
    (lambda: L.GRU(3, stateful=True), r"stateful.*initial_state"),
    (lambda: L.LSTM(3, dropout=1.0), r"dropout debe ser un número en \[0.0, 1.0\)"),
    (lambda: L.Embedding(100, 8, mask_zero=True), r"no propaga máscaras.*padding='pre'"),
    (lambda: L.Bidirectional(L.Dense(3)), r"recurrente.*go_backwards"),
    (lambda: L.Bidirectional(L.LSTM(3), merge_mode="concatenate"), r"merge_mode"),
    (lambda: L.UpSampling2D(interpolation="bicubic"), r"'nearest' o 'bilinear'"),
    (lambda: L.Dot(axes=0), r"nunca el 0"),
    (lambda: L.Permute((1, 3)), r"permutación de 1, 2"),
    (lambda: L.ZeroPadding2D(((1, 2, 3), (0, 0))), r"padding debe ser un entero"),
    (lambda: L.Conv2DTranspose(2, 3, strides=2, output_padding=2), r"output_padding.*menor que strides"),
    (lambda: L.Normalization(mean=[1.0, 2.0]), r"también variance"),
    (lambda: L.Dense(3, kernel_initializer="he_norml"), r"¿Quisiste decir 'he_normal'\?"),
    (lambda: initializers.VarianceScaling(mode="fan_medio"), r"mode de VarianceScaling"),
    (lambda: L.PReLU(shared_axes=[0]), r"shared_axes"),
])
def test_bad_arguments_are_explained_in_spanish(make, pattern):
    with pytest.raises(CourseError, match=pattern):
        make()


@pytest.mark.parametrize("make, x, pattern", [
    (lambda: L.Conv1D(2, 3), randn(4, 10), r"secuencias de forma \(N, pasos, canales\).*x\[\.\.\., None\]"),
    (lambda: L.GRU(3), randn(4, 10), r"\(ejemplos, pasos, características\)"),
    (lambda: L.GlobalAveragePooling2D(), randn(2, 5, 3), r"\(N, alto, ancho, canales\)"),
    (lambda: L.Cropping1D((3, 3)), randn(2, 5, 2), r"no se pueden recortar 3 \+ 3"),
    (lambda: L.Subtract(), [randn(2, 3), randn(2, 3), randn(2, 3)], r"exactamente 2"),
    (lambda: L.Multiply(), [randn(2, 3), randn(2, 4)], r"misma forma.*\(None, 3\), \(None, 4\)"),
    (lambda: L.Dot(axes=1), [randn(2, 3), randn(2, 4)], r"mismo tamaño"),
    (lambda: L.TimeDistributed(L.Dense(2)), randn(4), r"lote de ejemplos"),
    (lambda: L.Softmax(axis=3), randn(2, 4), r"axis=3 no es un eje"),
])
def test_bad_inputs_are_explained_in_spanish(make, x, pattern):
    with pytest.raises(CourseError, match=pattern):
        make()(x)


def test_recurrent_initial_state_with_the_wrong_shape_is_explained():
    layer = L.LSTM(4)
    with pytest.raises(CourseError, match=r"lista de 2 estados \(\[h_0, c_0\]\)"):
        layer(randn(2, 5, 3), initial_state=[np.zeros((2, 4))])
    with pytest.raises(CourseError, match=r"forma \(2, 4\)"):
        layer(randn(2, 5, 3), initial_state=[np.zeros((2, 3)), np.zeros((2, 4))])
    with pytest.raises(CourseError, match="no propaga máscaras"):
        layer(randn(2, 5, 3), mask=np.ones((2, 5), dtype=bool))
