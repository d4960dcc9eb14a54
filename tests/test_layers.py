"""Las capas del motor: formas, valores frente a implementaciones de referencia y errores en español."""

import json

import numpy as np
import pytest
from scipy.signal import correlate2d

from course_lib.nn import activations, config, initializers, regularizers
from course_lib.nn.convolution import conv2d, conv2d_output_size, padding_amounts
from course_lib.nn.layer import reset_names
from course_lib.nn.layers import (
    LAYER_CLASSES,
    Activation,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPooling2D,
)
from course_lib.nn.validation import CourseError


pytestmark = pytest.mark.usefixtures("float64")  # ver conftest.py


def random_input(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# ----------------------------------------------------------------------------- referencias lentas
def slow_conv2d(x, W, b, stride, pad_top, pad_left, out_h, out_w):
    """Convolución evidente con bucles: z[n,i,j,f] = Σ_{u,v,c} xp[n, i·s+u, j·s+v, c]·W[u,v,c,f] + b[f]."""
    N, H, Wd, C = x.shape
    kh, kw, _, F = W.shape
    padded = np.zeros((N, H + kh + stride, Wd + kw + stride, C))
    padded[:, pad_top:pad_top + H, pad_left:pad_left + Wd, :] = x
    z = np.zeros((N, out_h, out_w, F))
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                for f in range(F):
                    window = padded[n, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
                    z[n, i, j, f] = np.sum(window * W[:, :, :, f]) + b[f]
    return z


def slow_pool(x, pool, stride, reduce):
    N, H, W, C = x.shape
    out_h, out_w = (H - pool) // stride + 1, (W - pool) // stride + 1
    y = np.zeros((N, out_h, out_w, C))
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                for c in range(C):
                    y[n, i, j, c] = reduce(x[n, i * stride:i * stride + pool, j * stride:j * stride + pool, c])
    return y


# ----------------------------------------------------------------------------- Dense
def test_dense_computes_xW_plus_b_and_its_shapes():
    layer = Dense(3, activation="relu", input_shape=(4,))
    x = random_input((5, 4))
    y = layer.forward(x)
    assert layer.params["W"].shape == (4, 3) and layer.params["b"].shape == (3,)
    assert layer.output_shape == (3,) and layer.input_shape == (4,)
    np.testing.assert_allclose(y, np.maximum(x @ layer.W + layer.b, 0))
    assert layer.count_params() == 4 * 3 + 3
    assert layer.backward(np.ones_like(y)).shape == x.shape
    assert {k: g.shape for k, g in layer.grads.items()} == {k: p.shape for k, p in layer.params.items()}


def test_dense_rejects_wrong_number_of_features_in_spanish():
    layer = Dense(2)
    layer.forward(np.ones((3, 4)))
    with pytest.raises(CourseError, match="Dense esperaba entradas con 4 características, pero recibió 3"):
        layer.forward(np.ones((3, 3)))


def test_dense_on_images_suggests_flatten():
    with pytest.raises(CourseError, match=r"\(N, características\).*Flatten"):
        Dense(2).forward(np.ones((2, 4, 4, 1)))


def test_single_example_without_batch_axis_is_explained():
    with pytest.raises(CourseError, match="eje del lote"):
        Dense(2).forward(np.ones(4))


def test_text_input_is_rejected_in_spanish():
    with pytest.raises(CourseError, match="texto"):
        Dense(2).forward(np.array([["a", "b"]]))


def test_backward_before_forward_and_wrong_gradient_shape():
    layer = Dense(2)
    with pytest.raises(CourseError, match="antes que a backward"):
        layer.backward(np.ones((1, 2)))
    layer.forward(np.ones((3, 4)))
    with pytest.raises(CourseError, match=r"\(3, 2\).*\(3, 5\)"):
        layer.backward(np.ones((3, 5)))


def test_bad_constructor_arguments():
    with pytest.raises(CourseError, match="units"):
        Dense(0)
    with pytest.raises(CourseError, match="¿Quisiste decir 'relu'"):
        Dense(3, activation="rleu")
    with pytest.raises(CourseError, match="¿Quisiste decir 'same'"):
        Conv2D(3, 3, padding="sme")
    with pytest.raises(CourseError, match="input_shape"):
        Dense(3, input_shape=(0, 2))
    with pytest.raises(CourseError, match="¿Quisiste decir 'he_normal'"):
        Dense(3, kernel_initializer="he_norml")
    with pytest.raises(CourseError, match="Regularización desconocida: 'l3'"):
        Dense(3, kernel_regularizer="l3")


# ----------------------------------------------------------------------------- Conv2D
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("size, kernel", [((7, 8), 3), ((6, 5), 2), ((9, 9), 5), ((5, 6), 4)])
def test_conv2d_matches_slow_loop_reference(padding, stride, size, kernel):
    x = random_input((2, *size, 3))
    layer = Conv2D(4, kernel, strides=stride, padding=padding)
    z = layer.forward(x)
    layer.params["b"][...] = random_input(4, seed=1)
    z = layer.forward(x)
    (top, _, out_h), (left, _, out_w) = (padding_amounts(n, kernel, stride, padding) for n in size)
    expected = slow_conv2d(x, layer.W, layer.b, stride, top, left, out_h, out_w)
    assert z.shape == (2, out_h, out_w, 4) == (2, *layer.output_shape)
    np.testing.assert_allclose(z, expected, atol=1e-12)


def test_conv2d_matches_scipy_correlate2d():
    x = random_input((2, 9, 7, 3))
    W = random_input((3, 4, 3, 2), seed=1)
    z = conv2d(x, W)
    for n in range(2):
        for f in range(2):
            expected = sum(correlate2d(x[n, :, :, c], W[:, :, c, f], mode="valid") for c in range(3))
            np.testing.assert_allclose(z[n, :, :, f], expected, atol=1e-12)
    # Con "same", paso 1 y filtro impar, el relleno es simétrico: igual que correlate2d(mode="same").
    W3 = random_input((3, 3, 1, 1), seed=2)
    z_same = conv2d(x[..., :1], W3, padding="same")
    np.testing.assert_allclose(z_same[0, :, :, 0], correlate2d(x[0, :, :, 0], W3[:, :, 0, 0], mode="same"),
                               atol=1e-12)


def test_same_padding_follows_tensorflow_hand_computed_example():
    # Filtro par 2×2 de unos, paso 1, 'same' en 4×4: p_total = 1, todo abajo/derecha (TensorFlow).
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    z = conv2d(x, np.ones((2, 2, 1, 1)), padding="same")[0, :, :, 0]
    expected = np.array([[10, 14, 18, 10], [26, 30, 34, 18], [42, 46, 50, 26], [25, 27, 29, 15]])
    np.testing.assert_array_equal(z, expected)
    # 3×3 de unos, paso 2, 'same' en 6×6: salida 3×3, p_total = 1 -> 0 arriba, 1 abajo.
    x = np.arange(36.0).reshape(1, 6, 6, 1)
    z = conv2d(x, np.ones((3, 3, 1, 1)), strides=2, padding="same")[0, :, :, 0]
    assert z[0, 0] == x[0, 0:3, 0:3, 0].sum()           # sin relleno arriba ni a la izquierda
    assert z[2, 2] == x[0, 4:6, 4:6, 0].sum()           # la fila y columna de relleno están al final
    assert padding_amounts(6, 3, 2, "same") == (0, 1, 3)
    assert padding_amounts(5, 3, 2, "same") == (1, 1, 3)
    assert padding_amounts(7, 1, 2, "same") == (0, 0, 4)


@pytest.mark.parametrize("n", [1, 4, 5, 7, 8, 28, 31])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("s", [1, 2, 3])
def test_same_output_size_is_ceil_n_over_s_and_valid_follows_formula(n, k, s):
    layer_same = Conv2D(2, k, strides=s, padding="same")
    assert layer_same.compute_output_shape((n, n, 1)) == (-(-n // s), -(-n // s), 2)
    if k <= n:
        layer_valid = Conv2D(2, k, strides=s)
        assert layer_valid.compute_output_shape((n, n, 1))[0] == conv2d_output_size(n, k, 0, s)


def test_conv2d_output_size_examples_of_the_course():
    assert conv2d_output_size(7, 3) == 5
    assert conv2d_output_size(7, 3, p=1) == 7
    assert conv2d_output_size(7, 3, s=2) == 3
    assert conv2d_output_size(7, 3, p=1, s=2) == 4
    assert conv2d_output_size(32, 5) == 28 and conv2d_output_size(14, 5) == 10
    with pytest.raises(CourseError, match="mayor que la entrada"):
        conv2d_output_size(3, 5)


def test_conv2d_without_channel_axis_suggests_adding_it():
    with pytest.raises(CourseError, match=r"\(N, alto, ancho, canales\).*\(5, 28, 28\).*x\[\.\.\., None\]"):
        Conv2D(4, 3).forward(np.zeros((5, 28, 28)))


def test_conv2d_wrong_channels_and_too_large_kernel():
    layer = Conv2D(4, 3)
    layer.forward(np.zeros((1, 8, 8, 3)))
    with pytest.raises(CourseError, match="3 canales, pero recibió 1"):
        layer.forward(np.zeros((1, 8, 8, 1)))
    with pytest.raises(CourseError, match="filtro.*mayor que la entrada"):
        Conv2D(2, 5).forward(np.zeros((1, 4, 8, 1)))
    Conv2D(2, 5, padding="same").forward(np.zeros((1, 4, 8, 1)))  # con relleno sí cabe


def test_lenet_parameter_counts_match_the_review():
    # Variante de LeNet-5 con 6 filtros y 1 canal: 61 706 parámetros (anexo C de la revisión).
    layers = [Conv2D(6, 5), MaxPooling2D(2), Conv2D(16, 5), MaxPooling2D(2), Flatten(), Dense(120), Dense(84),
              Dense(10)]
    shape = (32, 32, 1)
    for layer in layers:
        layer.build(shape)
        shape = layer.output_shape
    assert [layer.output_shape for layer in layers[:4]] == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16)]
    assert sum(layer.count_params() for layer in layers) == 61706


# ----------------------------------------------------------------------------- pooling
@pytest.mark.parametrize("pool, stride, size", [(2, 2, (6, 8)), (2, 2, (7, 5)), (3, 2, (9, 7)), (3, 1, (5, 6))])
def test_pooling_matches_slow_loop_reference(pool, stride, size):
    x = random_input((2, *size, 3))
    np.testing.assert_allclose(MaxPooling2D(pool, strides=stride).forward(x), slow_pool(x, pool, stride, np.max))
    np.testing.assert_allclose(AveragePooling2D(pool, strides=stride).forward(x),
                               slow_pool(x, pool, stride, np.mean), atol=1e-12)


def test_max_pooling_same_ignores_padding_even_for_negative_values():
    x = -1 - np.abs(random_input((1, 3, 3, 1)))  # todos negativos: un relleno con 0 daría máximos falsos
    y = MaxPooling2D(2, padding="same").forward(x)
    assert y.shape == (1, 2, 2, 1)
    assert y[0, 1, 1, 0] == x[0, 2, 2, 0]
    assert y[0, 0, 1, 0] == x[0, 0:2, 2, 0].max()
    y_avg = AveragePooling2D(2, padding="same").forward(x)
    assert y_avg[0, 1, 1, 0] == pytest.approx(x[0, 2, 2, 0])  # media solo de los valores reales


def test_max_pooling_gradient_goes_to_the_argmax_and_ties_to_one_element():
    x = np.array([[1.0, 5.0, 2.0, 2.0],
                  [3.0, 4.0, 2.0, 2.0]]).reshape(1, 2, 4, 1)
    layer = MaxPooling2D(2)
    y = layer.forward(x)
    np.testing.assert_array_equal(y.ravel(), [5.0, 2.0])
    grad_x = layer.backward(np.array([10.0, 7.0]).reshape(1, 1, 2, 1))
    expected = np.array([[0.0, 10.0, 7.0, 0.0],   # empate de cuatro 2: solo el primero recibe el gradiente
                         [0.0, 0.0, 0.0, 0.0]]).reshape(1, 2, 4, 1)
    np.testing.assert_array_equal(grad_x, expected)


def test_overlapping_max_pooling_accumulates_gradients():
    x = np.zeros((1, 3, 5, 1))
    x[0, 1, 2, 0] = 9.0  # el centro es el máximo de las dos ventanas 3×3 (paso 2) que lo contienen
    layer = MaxPooling2D(3, strides=2)
    assert layer.forward(x).shape == (1, 1, 2, 1)
    grad_x = layer.backward(np.array([1.5, 2.0]).reshape(1, 1, 2, 1))
    assert grad_x[0, 1, 2, 0] == 3.5 and np.count_nonzero(grad_x) == 1


def test_pooling_without_channel_axis_is_explained():
    with pytest.raises(CourseError, match=r"x\[\.\.\., None\]"):
        MaxPooling2D(2).forward(np.zeros((2, 8, 8)))


# ----------------------------------------------------------------------------- Flatten
def test_flatten_keeps_batch_axis_and_order():
    x = random_input((3, 2, 2, 5))
    layer = Flatten()
    y = layer.forward(x)
    assert y.shape == (3, 20) and layer.output_shape == (20,)
    np.testing.assert_array_equal(y[1], x[1].ravel())
    assert layer.backward(y).shape == x.shape


# ----------------------------------------------------------------------------- Dropout
def test_dropout_is_identity_at_inference():
    x = random_input((10, 6))
    layer = Dropout(0.5)
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))


def test_dropout_drops_the_rate_and_preserves_the_mean():
    x = np.ones((200, 500))
    y = Dropout(0.3).forward(x, training=True)
    assert np.mean(y == 0) == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(y[y != 0], 1 / 0.7)
    assert y.mean() == pytest.approx(1.0, abs=0.01)


def test_dropout_mask_is_reproducible_with_set_seed():
    x = np.ones((4, 8))
    config.set_seed(5)
    first = Dropout(0.5).forward(x, training=True)
    config.set_seed(5)
    second = Dropout(0.5).forward(x, training=True)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, Dropout(0.5).forward(x, training=True))


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_dropout_rejects_rate_outside_0_1(rate):
    with pytest.raises(CourseError, match="rate"):
        Dropout(rate)


# ----------------------------------------------------------------------------- BatchNormalization
def test_batchnorm_training_normalizes_and_updates_moving_statistics():
    x = 3.0 + 2.0 * random_input((500, 4))
    layer = BatchNormalization(momentum=0.9)
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-3))
    np.testing.assert_allclose(layer.state["moving_mean"], 0.1 * x.mean(axis=0))
    np.testing.assert_allclose(layer.state["moving_variance"], 0.9 + 0.1 * x.var(axis=0))


def test_batchnorm_inference_uses_moving_statistics():
    layer = BatchNormalization()
    x = random_input((6, 2, 2, 3))
    layer.build(x.shape[1:])
    layer.state["moving_mean"][...] = [1.0, -2.0, 0.5]
    layer.state["moving_variance"][...] = [4.0, 1.0, 0.25]
    layer.params["gamma"][...] = [2.0, 1.0, 1.0]
    layer.params["beta"][...] = [0.0, 0.0, 3.0]
    y = layer.forward(x, training=False)
    expected = layer.params["gamma"] * (x - layer.state["moving_mean"]) / np.sqrt(
        layer.state["moving_variance"] + 1e-3) + layer.params["beta"]
    np.testing.assert_allclose(y, expected)
    # En inferencia la salida de un ejemplo no depende del resto del lote.
    np.testing.assert_allclose(layer.forward(x[:1], training=False), expected[:1])
    assert layer.count_params() == 12 and sorted(layer.state) == ["moving_mean", "moving_variance"]


def test_batchnorm_only_supports_last_axis():
    with pytest.raises(CourseError, match="axis=-1"):
        BatchNormalization(axis=1)


# ----------------------------------------------------------------------------- activaciones
def test_activation_values():
    z = np.array([-2.0, -0.5, 0.0, 1.0])
    get = activations.get
    np.testing.assert_allclose(get("relu")(z), [0, 0, 0, 1])
    np.testing.assert_allclose(get("leaky_relu")(z), [-0.02, -0.005, 0, 1])
    np.testing.assert_allclose(get("elu")(z), [np.exp(-2) - 1, np.exp(-0.5) - 1, 0, 1])
    np.testing.assert_allclose(get("sigmoid")(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(get("step")(z), [0, 0, 1, 1])
    np.testing.assert_allclose(get("tanh")(z), 2 * get("sigmoid")(2 * z) - 1, atol=1e-15)
    assert get("sigmoid")(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]
    grid = np.linspace(-3, 0, 300001)
    assert grid[np.argmin(get("swish")(grid))] == pytest.approx(-1.2785, abs=1e-4)
    assert get("swish")(grid).min() == pytest.approx(-0.2785, abs=1e-4)
    assert grid[np.argmin(get("gelu")(grid))] == pytest.approx(-0.7518, abs=1e-4)
    assert get("gelu")(grid).min() == pytest.approx(-0.1700, abs=1e-4)
    assert get("sigmoid").derivative(np.array([0.0]))[0] == 0.25


def test_softmax_is_stable_and_sums_to_one():
    softmax = activations.get("softmax")
    z = np.array([[1000.0, 1001.0, 1002.0], [-5.0, 0.0, 5.0]])
    a = softmax(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    np.testing.assert_allclose(a[0], softmax(np.array([0.0, 1.0, 2.0])))


def test_activation_layer_and_unknown_name():
    layer = Activation("tanh")
    np.testing.assert_allclose(layer.forward(np.array([[0.5]])), np.tanh([[0.5]]))
    with pytest.raises(CourseError, match="Activación desconocida: 'sigmod'. ¿Quisiste decir 'sigmoid'"):
        Activation("sigmod")


# ----------------------------------------------------------------------------- nombres, semillas y configuración
def test_keras_style_automatic_names():
    reset_names()
    names = [Dense(2).name, Dense(2).name, Conv2D(1, 1).name, MaxPooling2D().name, BatchNormalization().name]
    assert names == ["dense", "dense_1", "conv2d", "max_pooling2d", "batch_normalization"]
    assert Dense(2, name="salida").name == "salida"


def test_set_seed_makes_initial_weights_reproducible():
    config.set_seed(3)
    first = Conv2D(4, 3, input_shape=(5, 5, 2))
    first.build(first.input_shape)
    config.set_seed(3)
    second = Conv2D(4, 3)
    second.build((5, 5, 2))
    np.testing.assert_array_equal(first.W, second.W)


def test_initializers_have_the_keras_scale():
    config.set_seed(0)
    fan_in, fan_out = 3 * 3 * 40, 3 * 3 * 60
    glorot = initializers.get("glorot_uniform")((3, 3, 40, 60))
    assert np.abs(glorot).max() <= np.sqrt(6 / (fan_in + fan_out))
    assert glorot.std() == pytest.approx(np.sqrt(2 / (fan_in + fan_out)), rel=0.05)
    he = initializers.get("he_normal")((3, 3, 40, 60))
    assert he.std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.05)
    assert np.abs(he).max() <= 2 * np.sqrt(2 / fan_in) / 0.8796 + 1e-12
    assert initializers.get("he_uniform")((500, 100)).std() == pytest.approx(np.sqrt(2 / 500), rel=0.05)
    assert glorot.dtype == np.float64


def test_float32_is_used_when_selected():
    config.set_floatx("float32")
    layer = Dense(3)
    y = layer.forward(np.ones((2, 4)))
    assert layer.W.dtype == np.float32 and y.dtype == np.float32
    assert layer.backward(np.ones((2, 3))).dtype == np.float32


@pytest.mark.parametrize("make_layer, shape", [
    (lambda: Dense(3, activation="leaky_relu", kernel_regularizer=regularizers.L1L2(0.01, 0.02),
                   kernel_initializer="he_normal", input_shape=(4,)), (2, 4)),
    (lambda: Conv2D(2, (3, 2), strides=2, padding="same", activation="relu", kernel_regularizer="l2"), (1, 6, 6, 3)),
    (lambda: MaxPooling2D(3, strides=2, padding="same"), (1, 6, 6, 2)),
    (lambda: AveragePooling2D(2), (1, 6, 6, 2)),
    (lambda: Flatten(), (1, 3, 3, 2)),
    (lambda: Dropout(0.25), (2, 5)),
    (lambda: BatchNormalization(momentum=0.9, epsilon=1e-5), (3, 4)),
    (lambda: Activation(activations.LeakyReLU(alpha=0.1)), (2, 3)),
])
def test_get_config_rebuilds_an_equivalent_layer(make_layer, shape):
    layer = make_layer()
    x = random_input(shape)
    y = layer.forward(x)
    config_ = json.loads(json.dumps(layer.get_config()))  # tiene que caber en JSON
    clone = LAYER_CLASSES[type(layer).__name__](**config_)
    clone.build(tuple(config_["input_shape"]))
    for key in layer.params:
        clone.params[key][...] = layer.params[key]
    for key in layer.state:
        clone.state[key][...] = layer.state[key]
    np.testing.assert_allclose(clone.forward(x), y)
    assert clone.get_config() == config_
    assert clone.regularization_loss() == layer.regularization_loss()


def test_activation_functions_accept_lists_for_the_notebooks():
    relu = activations.get("relu")
    np.testing.assert_array_equal(relu([-1, 0, 2]), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(relu.derivative([-1, 2]), [0.0, 1.0])
    assert activations.get("leaky_relu", alpha=0.1)(-2) == pytest.approx(-0.2)
    with pytest.raises(CourseError, match="alpha"):
        activations.get("elu", alpha=-1)


def test_conv2d_accepts_a_single_grey_image_and_filter():
    image = random_input((6, 5))
    vertical_edges = np.array([[1.0, 0.0, -1.0]] * 3)
    z = conv2d(image, vertical_edges)
    np.testing.assert_allclose(z, correlate2d(image, vertical_edges, mode="valid"), atol=1e-12)
    assert conv2d(image, vertical_edges, b=[0.5], padding="same").shape == (6, 5)
