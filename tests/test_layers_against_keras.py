"""Las capas de la parte 3 del motor frente a las de Keras 3 (motor PyTorch) y frente a PyTorch, en float64.

Cada capa de Keras recibe los mismos pesos que la del curso (``set_weights`` con los arrays de ``params`` y
``state``, en el mismo orden y con la misma forma: la prueba también comprueba la disposición de los pesos);
se comparan la salida y, con la retropropagación automática de PyTorch a través de Keras, ∂L/∂x y ∂L/∂θ
para L = Σ salida ⊙ R. Tolerancia: 1e-9 relativa. Se omite si Keras o PyTorch no están instalados.
"""

import os

import numpy as np
import pytest

from course_lib.nn import activations, config, initializers
from course_lib.nn import layers as cl

os.environ.setdefault("KERAS_BACKEND", "torch")
torch = pytest.importorskip("torch")
keras = pytest.importorskip("keras")
if keras.backend.backend() != "torch":
    pytest.skip("estas pruebas usan Keras sobre PyTorch (KERAS_BACKEND=torch)", allow_module_level=True)
K = keras.layers
CLOSE = {"rtol": 1e-9, "atol": 1e-11}


@pytest.fixture(autouse=True)
def float64_everywhere(float64):
    """Keras en float64 de verdad. Con floatx = "float64" Keras 3 sigue calculando en float32 las operaciones
    de dos tensores (matmul, mean…): su regla de promoción de tipos convierte float64 en float32, como JAX por
    defecto (``BIT64_TO_BIT32_DTYPE``). Durante la prueba se vacía esa tabla; si Keras la quita o la cambia,
    la prueba lo dice en vez de comparar en float32 sin avisar."""
    from unittest import mock
    from keras.src.backend.common import dtypes
    assert dtypes.result_type("float64", "float64") in ("float32", "float64")
    previous, previous_policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    # La política de tipos global se fija la primera vez que alguien crea una capa de Keras (en otra prueba,
    # con float32): cambiar floatx después no la cambia, así que se fija también aquí.
    keras.config.set_dtype_policy("float64")
    try:
        with mock.patch.dict(dtypes.BIT64_TO_BIT32_DTYPE, clear=True):
            assert dtypes.result_type("float64", "float64") == "float64", "Keras ya no promueve float64 como antes"
            yield
    finally:
        keras.config.set_floatx(previous)
        keras.config.set_dtype_policy(previous_policy)


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def run_course(layer, inputs, upstream, **call_kwargs):
    outputs = as_list(layer(inputs[0] if len(inputs) == 1 else inputs, training=True, **call_kwargs))
    if upstream is None:
        upstream = [randn(*o.shape, seed=50 + k) for k, o in enumerate(outputs)]
    grads = layer.backward(upstream if len(upstream) > 1 else upstream[0])
    return outputs, as_list(grads), [g.copy() for g in layer.grads.values()], upstream


def run_keras(layer, inputs, weights, upstream, **call_kwargs):
    """Salidas, ∂L/∂entradas y ∂L/∂(pesos entrenables) de una capa de Keras, con autograd de PyTorch."""
    tensors = [torch.tensor(x, requires_grad=True) for x in inputs]
    call_inputs = tensors[0] if len(tensors) == 1 else tensors
    if "initial_state" in call_kwargs:   # los estados iniciales son entradas de la prueba: también con gradiente
        n = len(call_kwargs["initial_state"])
        call_inputs, call_kwargs = tensors[0], {**call_kwargs, "initial_state": tensors[-n:]}
    layer(call_inputs, **call_kwargs)           # construye la capa
    if weights:
        layer.set_weights(weights)
    outputs = as_list(layer(call_inputs, training=True, **call_kwargs))
    loss = sum((o * torch.tensor(u)).sum() for o, u in zip(outputs, upstream))
    loss.backward()
    weight_grads = [v.value.grad.numpy() for v in layer.trainable_weights]
    return [o.detach().numpy() for o in outputs], [t.grad.numpy() for t in tensors], weight_grads


def compare(course_layer, keras_layer, input_shapes, *, seed=1, call_kwargs=None, randomize=True):
    """Misma salida, mismos gradientes de las entradas y de los pesos (en el orden de Keras)."""
    call_kwargs = call_kwargs or {}
    inputs = [randn(*shape, seed=seed + i) for i, shape in enumerate(input_shapes)]
    if "initial_state" in call_kwargs:
        n = call_kwargs["initial_state"]
        states = [randn(inputs[0].shape[0], course_layer_units(course_layer), seed=40 + k) for k in range(n)]
        inputs = inputs + states
        course_kwargs = {"initial_state": states}
        call_kwargs = {"initial_state": states}
        course_inputs = inputs[:1]
    else:
        course_kwargs, course_inputs = call_kwargs, inputs
    course_layer(course_inputs[0] if len(course_inputs) == 1 else course_inputs, **course_kwargs)   # construye
    if randomize:
        for key, value in course_layer.params.items():
            if key.endswith("b") or key == "alpha":
                value[...] = 0.5 * randn(*value.shape, seed=7)
    outputs, grads, weight_grads, upstream = run_course(course_layer, course_inputs, None, **course_kwargs)
    weights = [*course_layer.params.values(), *course_layer.state.values()]
    k_outputs, k_grads, k_weight_grads = run_keras(keras_layer, inputs, weights, upstream, **call_kwargs)
    assert len(outputs) == len(k_outputs)
    for mine, theirs in zip(outputs, k_outputs):
        np.testing.assert_allclose(mine, theirs, **CLOSE)
    for mine, theirs in zip(grads, k_grads):
        np.testing.assert_allclose(mine, theirs, **CLOSE)
    assert len(weight_grads) == len(k_weight_grads)
    for mine, theirs in zip(weight_grads, k_weight_grads):
        np.testing.assert_allclose(mine, theirs, **CLOSE)


def course_layer_units(layer):
    return layer.forward_layer.units if hasattr(layer, "forward_layer") else layer.units


# ----------------------------------------------------------------------------- capas de una entrada
CASES = {
    "conv1d_valid": (lambda m: m.Conv1D(3, 3), (2, 9, 2)),
    "conv1d_same_s2": (lambda m: m.Conv1D(3, 4, strides=2, padding="same", activation="tanh"), (2, 9, 2)),
    "conv1d_causal_dilatada": (lambda m: m.Conv1D(2, 3, padding="causal", dilation_rate=2), (2, 10, 3)),
    "conv2d_dilatada": (lambda m: m.Conv2D(2, 3, dilation_rate=2, activation="relu"), (2, 8, 9, 2)),
    "conv2d_dilatada_same": (lambda m: m.Conv2D(2, (3, 2), padding="same", dilation_rate=(2, 3)), (2, 7, 8, 2)),
    "conv2d_transpose_same_s2": (lambda m: m.Conv2DTranspose(3, 3, strides=2, padding="same"), (2, 4, 3, 2)),
    "conv2d_transpose_valid_s2": (lambda m: m.Conv2DTranspose(2, 3, strides=2), (2, 3, 4, 2)),
    "conv2d_transpose_same_k4_s2": (lambda m: m.Conv2DTranspose(2, 4, strides=2, padding="same"), (2, 3, 3, 2)),
    "conv2d_transpose_k_menor_que_s": (lambda m: m.Conv2DTranspose(2, 2, strides=3, padding="same"), (1, 3, 3, 2)),
    "conv2d_transpose_valid_k1_s2": (lambda m: m.Conv2DTranspose(2, 1, strides=2), (1, 3, 3, 2)),
    "conv2d_transpose_output_padding": (lambda m: m.Conv2DTranspose(2, 3, strides=2, padding="same",
                                                                    output_padding=1), (2, 3, 4, 2)),
    "conv2d_transpose_valid_output_padding": (lambda m: m.Conv2DTranspose(2, 3, strides=2, output_padding=1),
                                              (1, 3, 3, 2)),
    "conv2d_transpose_dilatada": (lambda m: m.Conv2DTranspose(2, 3, dilation_rate=2, padding="same"), (1, 4, 5, 2)),
    "conv1d_transpose": (lambda m: m.Conv1DTranspose(3, 4, strides=2, padding="same"), (2, 5, 2)),
    "depthwise_conv2d": (lambda m: m.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu"),
                         (2, 5, 4, 3)),
    "depthwise_conv2d_s2_dilatada": (lambda m: m.DepthwiseConv2D((3, 2), strides=2, dilation_rate=(1, 2)), (2, 7, 7, 2)),
    "depthwise_conv1d": (lambda m: m.DepthwiseConv1D(3, depth_multiplier=3), (2, 8, 2)),
    "separable_conv2d": (lambda m: m.SeparableConv2D(4, 3, padding="same", depth_multiplier=2), (2, 5, 5, 3)),
    "separable_conv1d": (lambda m: m.SeparableConv1D(3, 3, strides=2, activation="tanh"), (2, 9, 2)),
    "max_pooling1d": (lambda m: m.MaxPooling1D(2), (2, 7, 3)),
    "max_pooling1d_same": (lambda m: m.MaxPooling1D(3, strides=2, padding="same"), (2, 8, 2)),
    "average_pooling1d": (lambda m: m.AveragePooling1D(3, strides=2), (2, 9, 2)),
    "average_pooling1d_same_simetrico": (lambda m: m.AveragePooling1D(3, strides=1, padding="same"), (2, 6, 2)),
    "global_max_pooling1d": (lambda m: m.GlobalMaxPooling1D(), (3, 5, 4)),
    "global_max_pooling2d": (lambda m: m.GlobalMaxPooling2D(keepdims=True), (2, 3, 4, 3)),
    "global_average_pooling2d": (lambda m: m.GlobalAveragePooling2D(), (2, 3, 4, 3)),
    "global_average_pooling1d_keepdims": (lambda m: m.GlobalAveragePooling1D(keepdims=True), (2, 5, 3)),
    "gru": (lambda m: m.GRU(4), (3, 6, 3)),
    "gru_secuencia": (lambda m: m.GRU(3, return_sequences=True), (2, 5, 4)),
    "gru_reset_before": (lambda m: m.GRU(3, return_sequences=True, reset_after=False), (2, 5, 3)),
    "gru_sin_sesgo": (lambda m: m.GRU(3, use_bias=False, return_sequences=True), (2, 4, 3)),
    "simple_rnn_hacia_atras": (lambda m: m.SimpleRNN(3, go_backwards=True, return_sequences=True), (2, 5, 3)),
    "lstm_hacia_atras": (lambda m: m.LSTM(3, go_backwards=True, return_sequences=True), (2, 5, 3)),
    "gru_hacia_atras": (lambda m: m.GRU(3, go_backwards=True), (2, 5, 3)),
    "bidirectional_lstm": (lambda m: m.Bidirectional(m.LSTM(3, return_sequences=True)), (2, 5, 3)),
    "bidirectional_gru_sum": (lambda m: m.Bidirectional(m.GRU(3), merge_mode="sum"), (2, 5, 3)),
    "bidirectional_rnn_mul": (lambda m: m.Bidirectional(m.SimpleRNN(3, return_sequences=True), merge_mode="mul"),
                              (2, 4, 3)),
    "bidirectional_lstm_ave": (lambda m: m.Bidirectional(m.LSTM(2), merge_mode="ave"), (2, 4, 3)),
    "bidirectional_sin_fusion": (lambda m: m.Bidirectional(m.GRU(2, return_sequences=True), merge_mode=None),
                                 (2, 4, 3)),
    "time_distributed_dense": (lambda m: m.TimeDistributed(m.Dense(3, activation="tanh")), (2, 4, 5)),
    "time_distributed_conv2d": (lambda m: m.TimeDistributed(m.Conv2D(2, 2, padding="same")), (2, 3, 4, 4, 2)),
    "upsampling1d": (lambda m: m.UpSampling1D(3), (2, 4, 2)),
    "resizing_reducir": (lambda m: m.Resizing(3, 4), (2, 5, 7, 2)),
    "resizing_agrandar": (lambda m: m.Resizing(8, 10), (1, 5, 7, 1)),
    "resizing_vecino": (lambda m: m.Resizing(8, 5, interpolation="nearest"), (2, 3, 7, 1)),
    "resizing_proporcion": (lambda m: m.Resizing(4, 4, crop_to_aspect_ratio=True), (2, 5, 8, 2)),
    "center_crop": (lambda m: m.CenterCrop(3, 4), (2, 6, 7, 2)),
    "center_crop_pequena": (lambda m: m.CenterCrop(6, 4), (2, 4, 5, 1)),
    "identity": (lambda m: m.Identity(), (3, 4)),
    "upsampling2d": (lambda m: m.UpSampling2D((2, 3)), (2, 3, 2, 2)),
    "upsampling2d_bilineal": (lambda m: m.UpSampling2D(2, interpolation="bilinear"), (2, 3, 4, 2)),
    "upsampling2d_bilineal_3": (lambda m: m.UpSampling2D((3, 2), interpolation="bilinear"), (1, 3, 5, 1)),
    "zero_padding1d": (lambda m: m.ZeroPadding1D((1, 2)), (2, 4, 3)),
    "zero_padding2d": (lambda m: m.ZeroPadding2D(((1, 0), (2, 1))), (2, 3, 3, 2)),
    "zero_padding2d_entero": (lambda m: m.ZeroPadding2D(2), (1, 3, 3, 1)),
    "cropping1d": (lambda m: m.Cropping1D((1, 2)), (2, 6, 3)),
    "cropping2d": (lambda m: m.Cropping2D(((1, 0), (0, 2))), (2, 4, 5, 2)),
    "repeat_vector": (lambda m: m.RepeatVector(4), (3, 5)),
    "permute": (lambda m: m.Permute((2, 1)), (2, 3, 4)),
    "permute_3d": (lambda m: m.Permute((3, 1, 2)), (2, 3, 4, 2)),
    "relu": (lambda m: m.ReLU(), (4, 7)),
    "relu_con_argumentos": (lambda m: m.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.3), (4, 7)),
    "leaky_relu": (lambda m: m.LeakyReLU(), (4, 7)),
    "leaky_relu_pendiente": (lambda m: m.LeakyReLU(negative_slope=0.05), (4, 7)),
    "elu": (lambda m: m.ELU(alpha=0.7), (4, 7)),
    "softmax_eje_1": (lambda m: m.Softmax(axis=1), (2, 4, 3)),
    "prelu": (lambda m: m.PReLU(), (4, 6)),
    "prelu_compartida": (lambda m: m.PReLU(shared_axes=[1, 2]), (2, 3, 3, 2)),
    "rescaling": (lambda m: m.Rescaling(1 / 255, offset=-0.5), (3, 4)),
    "normalization_dada": (lambda m: m.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.25]), (2, 3, 3, 2)),
    "normalization_invert": (lambda m: m.Normalization(mean=3.0, variance=2.0, invert=True, axis=None), (3, 4)),
    "dense_input_dim": (lambda m: m.Dense(3, input_dim=4) if m is cl else m.Dense(3), (5, 4)),
    # aumento de datos con un sorteo fijo (factor (a, a)): los puntos de muestreo y los rellenos de Keras
    "random_rotation_30": (lambda m: m.RandomRotation((1 / 12, 1 / 12), fill_mode="constant", fill_value=0.5),
                           (2, 7, 6, 2)),
    "random_rotation_reflect": (lambda m: m.RandomRotation((-0.3, -0.3)), (2, 6, 7, 1)),
    "random_rotation_wrap": (lambda m: m.RandomRotation((0.1, 0.1), fill_mode="wrap"), (1, 6, 6, 2)),
    "random_translation_nearest": (lambda m: m.RandomTranslation((0.37, 0.37), (-0.61, -0.61), fill_mode="nearest",
                                                                 interpolation="nearest"), (2, 9, 7, 2)),
    # (Keras sortea el factor en float32: con factores que float32 representa exactamente no hay redondeo)
    "random_translation_reflect": (lambda m: m.RandomTranslation((-0.25, -0.25), (0.375, 0.375)), (2, 5, 6, 1)),
    "random_zoom": (lambda m: m.RandomZoom((-0.25, -0.25), (0.75, 0.75), fill_mode="wrap"), (2, 6, 6, 2)),
    "random_zoom_constant": (lambda m: m.RandomZoom((0.5, 0.5), fill_mode="constant"), (1, 5, 7, 1)),
}


@pytest.mark.parametrize("name", CASES)
def test_layer_matches_keras(name):
    make, shape = CASES[name]
    course, theirs = make(cl), make(K)
    if name.startswith("prelu"):
        course.build(shape[1:])
        course.params["alpha"][...] = randn(*course.params["alpha"].shape, seed=5)
    compare(course, theirs, [shape], randomize=not name.startswith("prelu"))


MERGE_CASES = {
    "subtract": (lambda m: m.Subtract(), [(3, 4), (3, 4)]),
    "multiply": (lambda m: m.Multiply(), [(3, 4), (3, 4), (3, 4)]),
    "multiply_difusion": (lambda m: m.Multiply(), [(2, 5, 3), (2, 5, 1)]),
    "add_difusion": (lambda m: m.Add(), [(2, 1, 3), (2, 4, 3)]),
    "average": (lambda m: m.Average(), [(3, 4), (3, 4), (3, 4)]),
    "maximum": (lambda m: m.Maximum(), [(3, 4), (3, 4)]),
    "minimum": (lambda m: m.Minimum(), [(3, 4), (3, 4), (3, 4)]),
    "concatenate_eje_1": (lambda m: m.Concatenate(axis=1), [(2, 3, 4), (2, 5, 4)]),
    "dot_vectores": (lambda m: m.Dot(axes=1), [(4, 5), (4, 5)]),
    "dot_secuencias": (lambda m: m.Dot(axes=2), [(2, 3, 4), (2, 5, 4)]),
    "dot_ejes_distintos": (lambda m: m.Dot(axes=(1, 2)), [(2, 3, 4), (2, 5, 3)]),
    "dot_coseno": (lambda m: m.Dot(axes=-1, normalize=True), [(2, 3, 4), (2, 5, 4)]),
}


@pytest.mark.parametrize("name", MERGE_CASES)
def test_merge_layer_matches_keras(name):
    make, shapes = MERGE_CASES[name]
    compare(make(cl), make(K), shapes)


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_recurrent_states_match_keras(kind):
    """return_state e initial_state: las salidas [y, h (, c)] y los gradientes de x y de los estados iniciales."""
    n_states = 2 if kind == "LSTM" else 1
    make = (lambda m: getattr(m, kind)(3, return_sequences=True, return_state=True))
    compare(make(cl), make(K), [(2, 4, 3)], call_kwargs={"initial_state": n_states})


def test_bidirectional_with_states_matches_keras():
    make = (lambda m: m.Bidirectional(m.LSTM(2, return_sequences=True, return_state=True)))
    compare(make(cl), make(K), [(2, 4, 3)], call_kwargs={"initial_state": 4})


def test_bidirectional_names_weights_like_keras():
    course, theirs = cl.Bidirectional(cl.LSTM(4)), K.Bidirectional(K.LSTM(4))
    course.build((5, 3))
    theirs.build((None, 5, 3))
    assert [w.shape for w in course.params.values()] == [tuple(w.shape) for w in theirs.weights]
    assert list(course.params) == ["forward_W", "forward_U", "forward_b", "backward_W", "backward_U", "backward_b"]
    assert course.forward_layer.name.startswith("forward_") and course.backward_layer.name.startswith("backward_")
    assert course.backward_layer.go_backwards and course.count_params() == theirs.count_params()


@pytest.mark.parametrize("name", ["gru", "bidirectional_lstm", "time_distributed_dense", "depthwise_conv2d",
                                  "separable_conv2d", "prelu", "conv2d_transpose_same_s2", "normalization_dada"])
def test_weights_have_the_keras_names_in_the_keras_order(name):
    """``keras_weight_name`` da el nombre que Keras pone a cada peso ("kernel", "depthwise_kernel"…), y los
    pesos del curso van en el orden de los de Keras (``params`` y después ``state``)."""
    from course_lib.nn.wrappers import keras_weight_name

    make, shape = CASES[name]
    course, theirs = make(cl), make(K)
    course.build(shape[1:])
    theirs.build((None,) + shape[1:])
    mine = [keras_weight_name(course, key) for key in [*course.params, *course.state]]
    assert mine == [w.name for w in theirs.weights]


def test_normalization_adapt_matches_keras():
    data = 3.0 + 2.0 * randn(50, 4, 3, seed=3)
    for axis in (-1, (1, 2), None):
        course, theirs = cl.Normalization(axis=axis), K.Normalization(axis=axis)
        course.adapt(data)
        theirs.adapt(data)
        keras_mean, keras_variance = (np.asarray(w) for w in theirs.get_weights()[:2])
        np.testing.assert_allclose(course.state["mean"], keras_mean, **CLOSE)
        np.testing.assert_allclose(course.state["variance"], keras_variance, **CLOSE)
        x = randn(2, 4, 3, seed=4)
        np.testing.assert_allclose(course(x), keras.ops.convert_to_numpy(theirs(x)), **CLOSE)
        assert course.count_params() == theirs.count_params()


def test_normalization_adapt_on_batches_equals_adapt_on_everything():
    data = randn(40, 3, seed=5) * [1.0, 10.0, 0.1] + [0.0, 5.0, -2.0]
    whole, batched = cl.Normalization(), cl.Normalization()
    whole.adapt(data)
    batched.adapt([data[:7], data[7:25], data[25:]])
    np.testing.assert_allclose(batched.state["mean"], whole.state["mean"], rtol=1e-12)
    np.testing.assert_allclose(batched.state["variance"], whole.state["variance"], rtol=1e-12)


# ----------------------------------------------------------------------------- activaciones e inicializadores
@pytest.mark.parametrize("name", [n for n in activations.ACTIVATIONS if n not in ("step", "linear")])
def test_activation_names_match_keras(name):
    """Cada nombre de activación calcula lo mismo que la función de Keras con ese nombre (leaky_relu con la
    pendiente del curso, 0,01, que se pasa a Keras explícitamente)."""
    z = np.linspace(-7, 7, 57).reshape(3, 19) + 0.013
    kwargs = {"negative_slope": 0.01} if name == "leaky_relu" else {}
    theirs = keras.ops.convert_to_numpy(getattr(keras.activations, name)(keras.ops.convert_to_tensor(z), **kwargs))
    np.testing.assert_allclose(activations.get(name)(z), theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, kwargs", [
    ("relu", {}), ("relu", {"negative_slope": 0.1, "max_value": 2.0, "threshold": 0.5}), ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.05}), ("elu", {"alpha": 0.5}), ("gelu", {}), ("gelu", {"approximate": True}),
    ("softmax", {"axis": 0}), ("silu", {}), ("swish", {}), ("hard_swish", {}), ("log_softmax", {}), ("linear", {}),
])
def test_activation_functions_match_keras(name, kwargs):
    """``keras.activations.f(x, **argumentos)`` y ``course_lib.nn.activations.f``: los mismos valores por
    defecto (leaky_relu como función usa 0,2, el de Keras) y los mismos argumentos."""
    z = np.linspace(-4, 4, 24).reshape(4, 6) + 0.013
    theirs = keras.ops.convert_to_numpy(getattr(keras.activations, name)(keras.ops.convert_to_tensor(z), **kwargs))
    np.testing.assert_allclose(getattr(activations, name)(z, **kwargs), theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(set(initializers.INITIALIZERS) - {"uniform", "identity", "constant"}))
def test_initializer_names_exist_in_keras_with_the_same_scale(name):
    """Cada nombre existe en Keras y da la misma media y desviación típica (con 40 000 valores, al 5 %)."""
    shape = (200, 200)
    config.set_seed(0)
    mine = initializers.get(name)(shape)
    theirs = keras.ops.convert_to_numpy(keras.initializers.get(name)(shape))
    assert mine.shape == theirs.shape
    assert abs(mine.mean() - theirs.mean()) < 0.05 * max(theirs.std(), 1e-12) + 1e-12
    assert mine.std() == pytest.approx(theirs.std(), rel=0.05, abs=1e-12)


@pytest.mark.parametrize("name", ["HeNormal", "HeUniform", "GlorotUniform", "GlorotNormal", "LecunNormal",
                                  "LecunUniform", "RandomNormal", "RandomUniform", "TruncatedNormal", "Orthogonal",
                                  "Zeros", "Ones", "Constant", "VarianceScaling", "Identity"])
def test_initializer_classes_exist_like_in_keras(name):
    """Las clases de ``keras.initializers`` con el mismo nombre; las que tienen semilla dan los mismos valores
    en cada llamada (como Keras 3) y valores distintos con otra semilla."""
    assert hasattr(keras.initializers, name)
    cls = getattr(initializers, name)
    shape = (30, 30)
    if "seed" in cls.__init__.__code__.co_varnames:
        first, again, other = cls(seed=3)(shape), cls(seed=3)(shape), cls(seed=4)(shape)
        np.testing.assert_array_equal(first, again)
        assert not np.array_equal(first, other)
    initializer = cls()
    rebuilt = initializers.get(initializers.serialize(initializer))
    assert type(rebuilt) is type(initializer) and rebuilt.get_config() == initializer.get_config()


# ----------------------------------------------------------------------------- PyTorch
def test_gru_matches_pytorch():
    """PyTorch usa el orden de bloques (r, z, n) y la misma fórmula que reset_after=True."""
    layer = cl.GRU(5, return_sequences=True)
    x = randn(3, 6, 4, seed=60)
    layer.build(x.shape[1:])
    layer.params["b"][...] = randn(2, 15, seed=61)
    y = layer(x)
    upstream = randn(*y.shape, seed=62)
    dx = layer.backward(upstream)
    u = 5

    def reorder(M):   # Keras (z, r, h) -> PyTorch (r, z, n)
        return np.concatenate([M[..., u:2 * u], M[..., :u], M[..., 2 * u:]], axis=-1)

    net = torch.nn.GRU(4, 5, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(reorder(layer.params["W"]).T))
        net.weight_hh_l0.copy_(torch.tensor(reorder(layer.params["U"]).T))
        net.bias_ih_l0.copy_(torch.tensor(reorder(layer.params["b"][0])))
        net.bias_hh_l0.copy_(torch.tensor(reorder(layer.params["b"][1])))
    xt = torch.tensor(x, requires_grad=True)
    out = net(xt)[0]
    out.backward(torch.tensor(upstream))
    np.testing.assert_allclose(y, out.detach().numpy(), **CLOSE)
    np.testing.assert_allclose(dx, xt.grad.numpy(), **CLOSE)
    np.testing.assert_allclose(reorder(layer.grads["W"]), net.weight_ih_l0.grad.numpy().T, **CLOSE)
    np.testing.assert_allclose(reorder(layer.grads["U"]), net.weight_hh_l0.grad.numpy().T, **CLOSE)
    np.testing.assert_allclose(reorder(layer.grads["b"][0]), net.bias_ih_l0.grad.numpy(), **CLOSE)
    np.testing.assert_allclose(reorder(layer.grads["b"][1]), net.bias_hh_l0.grad.numpy(), **CLOSE)


def test_random_transposed_convolutions_match_pytorch():
    """Convoluciones traspuestas "valid" al azar (filtro, paso y dilatación de 1 a 3) frente a
    ``torch.nn.functional.conv_transpose2d`` (mismo núcleo con los ejes en el orden de PyTorch, (C, filtros, kh, kw))."""
    rng = np.random.default_rng(2027)
    F = torch.nn.functional
    for _ in range(15):
        kh, kw, sh, sw, dh, dw = (int(v) for v in rng.integers(1, 4, 6))
        N, H, W, C, filters = (int(v) for v in rng.integers(1, 4, 5))
        layer = cl.Conv2DTranspose(filters, (kh, kw), strides=(sh, sw), dilation_rate=(dh, dw))
        x = rng.standard_normal((N, H, W, C))
        layer.build(x.shape[1:])
        layer.params["b"][...] = rng.standard_normal(filters)
        y = layer(x)
        upstream = rng.standard_normal(y.shape)
        dx = layer.backward(upstream)
        xt = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)
        Wt = torch.tensor(layer.params["W"].transpose(3, 2, 0, 1).copy(), requires_grad=True)
        bt = torch.tensor(layer.params["b"].copy(), requires_grad=True)
        # "valid": toda la salida de PyTorch, más ceros al final si el paso es mayor que el filtro.
        extra = [max(d * (k - 1) + 1, st) - (d * (k - 1) + 1) for k, st, d in ((kh, sh, dh), (kw, sw, dw))]
        yt = F.conv_transpose2d(xt, Wt, bt, stride=(sh, sw), dilation=(dh, dw), output_padding=tuple(extra))
        yt = yt.permute(0, 2, 3, 1)
        yt.backward(torch.tensor(upstream))
        np.testing.assert_allclose(y, yt.detach().numpy(), **CLOSE)
        np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 3, 1), **CLOSE)
        np.testing.assert_allclose(layer.grads["W"], Wt.grad.numpy().transpose(2, 3, 1, 0), **CLOSE)
        np.testing.assert_allclose(layer.grads["b"], bt.grad.numpy(), **CLOSE)


def test_random_1d_convolutions_match_pytorch():
    """Conv1D al azar (causal, dilatada, con paso) frente a ``torch.nn.functional.conv1d`` con el relleno a mano."""
    rng = np.random.default_rng(2028)
    F = torch.nn.functional
    for _ in range(20):
        k, s, d = (int(v) for v in rng.integers(1, 4, 3))
        padding = str(rng.choice(["valid", "causal"]))
        N, C, filters = (int(v) for v in rng.integers(1, 4, 3))
        T = (k - 1) * d + 1 + int(rng.integers(0, 6))
        layer = cl.Conv1D(filters, k, strides=s, dilation_rate=d, padding=padding)
        x = rng.standard_normal((N, T, C))
        layer.build(x.shape[1:])
        layer.params["b"][...] = rng.standard_normal(filters)
        y = layer(x)
        upstream = rng.standard_normal(y.shape)
        dx = layer.backward(upstream)
        xt = torch.tensor(x.transpose(0, 2, 1).copy(), requires_grad=True)
        Wt = torch.tensor(layer.params["W"].transpose(2, 1, 0).copy(), requires_grad=True)
        left = (k - 1) * d if padding == "causal" else 0
        yt = F.conv1d(F.pad(xt, (left, 0)), Wt, torch.tensor(layer.params["b"]), stride=s, dilation=d).permute(0, 2, 1)
        yt.backward(torch.tensor(upstream))
        np.testing.assert_allclose(y, yt.detach().numpy(), **CLOSE)
        np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 1), **CLOSE)
        np.testing.assert_allclose(layer.grads["W"], Wt.grad.numpy().transpose(2, 1, 0), **CLOSE)
