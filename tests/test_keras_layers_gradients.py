"""Las capas de la parte 3 del motor (issue 18): gradientes numéricos en float64 (error relativo < 1e-7)
de cada capa nueva y de cada argumento nuevo (dilatación, padding causal, dropout de las RNN, go_backwards,
estados iniciales y finales, modos de Bidirectional…), también las que reciben o devuelven varios tensores."""

import numpy as np
import pytest

from course_lib.nn import config
from course_lib.nn import layers as L
from course_lib.nn.gradient_check import gradient_check, numerical_gradient, relative_error
from course_lib.nn.layers import (
    ELU,
    GRU,
    LSTM,
    Add,
    Average,
    AveragePooling1D,
    Bidirectional,
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Cropping1D,
    Cropping2D,
    Dense,
    DepthwiseConv1D,
    DepthwiseConv2D,
    Dot,
    Dropout,
    GaussianDropout,
    GaussianNoise,
    RandomBrightness,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    LeakyReLU,
    Maximum,
    MaxPooling1D,
    Minimum,
    Multiply,
    Normalization,
    Permute,
    PReLU,
    ReLU,
    RepeatVector,
    Rescaling,
    SeparableConv1D,
    SeparableConv2D,
    SimpleRNN,
    Softmax,
    SpatialDropout1D,
    SpatialDropout2D,
    Subtract,
    TimeDistributed,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)

TOLERANCE = 1e-7
pytestmark = pytest.mark.usefixtures("float64")


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def randomize(layer, seed=7):
    """Sesgos y demás parámetros que empiezan en 0 (o en 1), con valores cualesquiera: así también cuentan.
    (Los regularizadores L1 no son derivables en 0; aquí ningún peso vale 0.)"""
    for key, value in layer.params.items():
        if key.endswith("b") or key in ("alpha",):
            value[...] = 0.5 * randn(*value.shape, seed=seed)


def adapted_normalization(axis, shape):
    layer = Normalization(axis=axis)
    layer.adapt(3.0 + 2.0 * randn(*shape, seed=9))
    return layer


SINGLE_INPUT_CASES = {
    # convoluciones
    "conv1d_valid": (lambda: Conv1D(3, 3), (2, 9, 2)),
    "conv1d_same_s2": (lambda: Conv1D(3, 4, strides=2, padding="same", activation="tanh"), (2, 9, 2)),
    "conv1d_causal_dilatada": (lambda: Conv1D(2, 3, padding="causal", dilation_rate=2), (2, 10, 3)),
    "conv2d_dilatada_valid": (lambda: Conv2D(2, 3, dilation_rate=2), (2, 8, 9, 2)),
    "conv2d_dilatada_same": (lambda: Conv2D(2, (3, 2), padding="same", dilation_rate=(2, 3)), (2, 7, 8, 2)),
    "conv2d_transpose_valid_s1": (lambda: Conv2DTranspose(3, 3), (2, 4, 5, 2)),
    "conv2d_transpose_same_s2": (lambda: Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu"), (2, 4, 3, 2)),
    "conv2d_transpose_valid_s2": (lambda: Conv2DTranspose(2, 3, strides=2), (2, 3, 4, 2)),
    "conv2d_transpose_k_menor_que_s": (lambda: Conv2DTranspose(2, 2, strides=3, padding="same"), (1, 3, 3, 2)),
    "conv2d_transpose_output_padding": (lambda: Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1),
                                        (2, 3, 4, 2)),
    "conv2d_transpose_dilatada": (lambda: Conv2DTranspose(2, 2, dilation_rate=2, padding="same"), (1, 4, 4, 2)),
    "conv1d_transpose": (lambda: Conv1DTranspose(3, 4, strides=2, padding="same"), (2, 5, 2)),
    "depthwise_conv2d": (lambda: DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu"), (2, 5, 4, 3)),
    "depthwise_conv2d_s2_dilatada": (lambda: DepthwiseConv2D((3, 2), strides=2, dilation_rate=(1, 2)), (2, 7, 7, 2)),
    "depthwise_conv1d": (lambda: DepthwiseConv1D(3, depth_multiplier=3), (2, 8, 2)),
    "separable_conv2d": (lambda: SeparableConv2D(4, 3, padding="same", depth_multiplier=2,
                                                 depthwise_regularizer="l2", pointwise_regularizer="l1"), (2, 5, 5, 3)),
    "separable_conv1d": (lambda: SeparableConv1D(3, 3, strides=2), (2, 9, 2)),
    # pooling
    "max_pooling1d": (lambda: MaxPooling1D(2), (2, 7, 3)),
    "max_pooling1d_solapado_same": (lambda: MaxPooling1D(3, strides=2, padding="same"), (2, 8, 2)),
    "average_pooling1d_same": (lambda: AveragePooling1D(3, strides=2, padding="same"), (2, 7, 2)),
    "global_max_pooling1d": (lambda: GlobalMaxPooling1D(), (3, 5, 4)),
    "global_max_pooling2d_keepdims": (lambda: GlobalMaxPooling2D(keepdims=True), (2, 3, 4, 3)),
    "global_average_pooling2d": (lambda: GlobalAveragePooling2D(), (2, 3, 4, 3)),
    "global_average_pooling1d_keepdims": (lambda: GlobalAveragePooling1D(keepdims=True), (2, 5, 3)),
    # recurrentes
    "gru_ultimo": (lambda: GRU(4), (3, 6, 3)),
    "gru_secuencia": (lambda: GRU(3, return_sequences=True), (2, 5, 4)),
    "gru_reset_before": (lambda: GRU(3, return_sequences=True, reset_after=False), (2, 5, 3)),
    "gru_otras_activaciones": (lambda: GRU(3, activation="relu", recurrent_activation="hard_sigmoid",
                                           return_sequences=True), (2, 4, 3)),
    "gru_sin_sesgo": (lambda: GRU(3, use_bias=False), (2, 4, 3)),
    "simple_rnn_hacia_atras": (lambda: SimpleRNN(3, go_backwards=True, return_sequences=True), (2, 5, 3)),
    "lstm_hacia_atras": (lambda: LSTM(3, go_backwards=True), (2, 5, 3)),
    "gru_hacia_atras": (lambda: GRU(3, go_backwards=True, return_sequences=True), (2, 5, 3)),
    "simple_rnn_dropout": (lambda: SimpleRNN(4, dropout=0.3, recurrent_dropout=0.4, return_sequences=True), (3, 5, 3)),
    "lstm_dropout": (lambda: LSTM(4, dropout=0.3, recurrent_dropout=0.4), (3, 5, 3)),
    "gru_dropout": (lambda: GRU(4, dropout=0.3, recurrent_dropout=0.4, return_sequences=True), (3, 5, 3)),
    "gru_reset_before_dropout": (lambda: GRU(3, reset_after=False, recurrent_dropout=0.5), (3, 5, 3)),
    # envoltorios
    "bidirectional_lstm_concat": (lambda: Bidirectional(LSTM(3, return_sequences=True)), (2, 5, 3)),
    "bidirectional_gru_sum": (lambda: Bidirectional(GRU(3), merge_mode="sum"), (2, 5, 3)),
    "bidirectional_rnn_mul": (lambda: Bidirectional(SimpleRNN(3, return_sequences=True), merge_mode="mul"), (2, 4, 3)),
    "bidirectional_lstm_ave": (lambda: Bidirectional(LSTM(2, return_sequences=True), merge_mode="ave"), (2, 4, 3)),
    "time_distributed_dense": (lambda: TimeDistributed(Dense(3, activation="tanh")), (2, 4, 5)),
    "time_distributed_conv2d": (lambda: TimeDistributed(Conv2D(2, 2, padding="same")), (2, 3, 4, 4, 2)),
    # forma y tamaño
    "upsampling1d": (lambda: UpSampling1D(3), (2, 4, 2)),
    "resizing_reducir": (lambda: L.Resizing(3, 4), (2, 5, 7, 2)),
    "resizing_agrandar_vecino": (lambda: L.Resizing(8, 5, interpolation="nearest"), (2, 3, 4, 1)),
    "resizing_proporcion": (lambda: L.Resizing(4, 4, crop_to_aspect_ratio=True), (2, 5, 8, 2)),
    "center_crop": (lambda: L.CenterCrop(3, 4), (2, 6, 7, 2)),
    "center_crop_pequena": (lambda: L.CenterCrop(6, 4), (2, 4, 5, 1)),
    "identity": (lambda: L.Identity(), (3, 4)),
    "upsampling2d_vecino": (lambda: UpSampling2D((2, 3)), (2, 3, 2, 2)),
    "upsampling2d_bilineal": (lambda: UpSampling2D(2, interpolation="bilinear"), (2, 3, 4, 2)),
    "zero_padding1d": (lambda: ZeroPadding1D((1, 2)), (2, 4, 3)),
    "zero_padding2d": (lambda: ZeroPadding2D(((1, 0), (2, 1))), (2, 3, 3, 2)),
    "cropping1d": (lambda: Cropping1D((1, 2)), (2, 6, 3)),
    "cropping2d": (lambda: Cropping2D(((1, 0), (0, 2))), (2, 4, 5, 2)),
    "repeat_vector": (lambda: RepeatVector(4), (3, 5)),
    "permute": (lambda: Permute((2, 1)), (2, 3, 4)),
    # activaciones como capas
    "relu_con_argumentos": (lambda: ReLU(max_value=1.0, negative_slope=0.1, threshold=0.3), (4, 7)),
    "leaky_relu": (lambda: LeakyReLU(), (4, 7)),
    "elu": (lambda: ELU(alpha=0.7), (4, 7)),
    "softmax_eje_1": (lambda: Softmax(axis=1), (2, 4, 3)),
    "prelu": (lambda: PReLU(), (4, 6)),
    "prelu_compartida": (lambda: PReLU(shared_axes=[1, 2]), (2, 3, 3, 2)),
    # preprocesamiento y regularización
    "rescaling": (lambda: Rescaling(1 / 255, offset=-0.5), (3, 4)),
    "normalization": (lambda: adapted_normalization(-1, (20, 4)), (3, 4)),
    "normalization_imagenes_invert": (lambda: Normalization(mean=[1.0, 2.0], variance=[4.0, 0.25], invert=True),
                                      (2, 3, 3, 2)),
    "dropout_noise_shape": (lambda: Dropout(0.4, noise_shape=(None, 1, 4)), (3, 5, 4)),
    "spatial_dropout1d": (lambda: SpatialDropout1D(0.5), (3, 6, 4)),
    "spatial_dropout2d": (lambda: SpatialDropout2D(0.5), (2, 3, 3, 4)),
    "gaussian_dropout": (lambda: GaussianDropout(0.3), (3, 4)),
    "gaussian_noise": (lambda: GaussianNoise(0.5), (3, 4)),
    # aumento de datos (en entrenamiento: gradient_check repite los mismos sorteos en cada pasada)
    "random_flip": (lambda: RandomFlip(), (4, 3, 4, 2)),
    "random_translation_reflect": (lambda: RandomTranslation(0.3, 0.4), (3, 5, 6, 2)),
    "random_rotation_constant": (lambda: RandomRotation(0.2, fill_mode="constant", fill_value=0.5), (3, 5, 5, 2)),
    "random_rotation_wrap_nearest": (lambda: RandomRotation(0.1, fill_mode="wrap", interpolation="nearest"),
                                     (2, 6, 5, 1)),
    "random_zoom": (lambda: RandomZoom((-0.3, 0.4), fill_mode="nearest"), (3, 5, 6, 2)),
    "random_contrast": (lambda: RandomContrast(0.5, value_range=(-10, 10)), (3, 4, 4, 2)),
    "random_brightness": (lambda: RandomBrightness(0.2, value_range=(-10, 10)), (3, 4, 4, 2)),
}


@pytest.mark.parametrize("name", SINGLE_INPUT_CASES)
def test_new_layer_gradients_match_numerical(name):
    make, shape = SINGLE_INPUT_CASES[name]
    layer = make()
    layer.build(shape[1:])
    randomize(layer)
    x = randn(*shape, seed=1)
    if "prelu" in name:   # α < 0 y α > 0 a la vez: que el gradiente de α no sea trivial
        layer.params["alpha"][...] = randn(*layer.params["alpha"].shape, seed=5)
    result = gradient_check(layer, x, training=True)
    assert set(result.errors) == set(layer.params) | {"x"}
    assert result.max_error < TOLERANCE, repr(result)


# ----------------------------------------------------------------------------- varias entradas o salidas
def check_multi(layer, inputs, call=None, upstream_seed=3):
    """Gradientes de una capa con varias entradas o salidas frente a los numéricos.

    L = Σ_k Σ(salida_k ⊙ R_k); ``call(layer, arrays)`` hace la pasada hacia delante (por defecto
    ``layer(arrays)``). Compara cada parámetro y cada entrada; devuelve los gradientes de las entradas.
    """
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    call = call or (lambda lyr, xs: lyr(xs))
    outputs = call(layer, arrays)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    upstream = [randn(*o.shape, seed=upstream_seed + k) for k, o in enumerate(outputs)]

    def loss():
        outs = call(layer, arrays)
        outs = outs if isinstance(outs, list) else [outs]
        return float(sum(np.sum(o * u) for o, u in zip(outs, upstream)))

    loss()
    grads = layer.backward(upstream if len(upstream) > 1 else upstream[0])
    grads = grads if isinstance(grads, list) else [grads]
    errors = {name: relative_error(layer.grads[name], numerical_gradient(loss, value))
              for name, value in layer.params.items()}
    for i, (g, a) in enumerate(zip(grads, arrays)):
        errors[f"entrada {i}"] = relative_error(g, numerical_gradient(loss, a))
    assert max(errors.values(), default=0.0) < TOLERANCE, errors
    return grads


MERGE_CASES = {
    "subtract": (lambda: Subtract(), [(3, 4), (3, 4)]),
    "multiply_tres": (lambda: Multiply(), [(3, 4), (3, 4), (3, 4)]),
    "multiply_difusion": (lambda: Multiply(), [(2, 5, 3), (2, 5, 1)]),
    "add_difusion": (lambda: Add(), [(2, 1, 3), (2, 4, 3)]),
    "average": (lambda: Average(), [(3, 4), (3, 4), (3, 4)]),
    "maximum": (lambda: Maximum(), [(3, 4), (3, 4)]),
    "minimum": (lambda: Minimum(), [(3, 4), (3, 4), (3, 4)]),
    "dot_vectores": (lambda: Dot(axes=1), [(4, 5), (4, 5)]),
    "dot_secuencias": (lambda: Dot(axes=2), [(2, 3, 4), (2, 5, 4)]),
    "dot_ejes_distintos": (lambda: Dot(axes=(1, 2)), [(2, 3, 4), (2, 5, 3)]),
    "dot_coseno": (lambda: Dot(axes=-1, normalize=True), [(2, 3, 4), (2, 5, 4)]),
}


@pytest.mark.parametrize("name", MERGE_CASES)
def test_merge_layer_gradients_match_numerical(name):
    make, shapes = MERGE_CASES[name]
    inputs = [randn(*shape, seed=10 + i) for i, shape in enumerate(shapes)]
    check_multi(make(), inputs)


@pytest.mark.parametrize("kind", [SimpleRNN, LSTM, GRU])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_return_state_and_initial_state_gradients(kind, return_sequences):
    """Con return_state la capa devuelve [salida, h (, c)]; con initial_state, backward devuelve también
    ∂L/∂h_0 (y ∂L/∂c_0): los gradientes que un decodificador devuelve a su codificador."""
    layer = kind(3, return_sequences=return_sequences, return_state=True)
    x = randn(2, 4, 3, seed=20)
    n_states = 2 if kind is LSTM else 1
    states = [randn(2, 3, seed=21 + k) for k in range(n_states)]
    layer.build(x.shape[1:])
    randomize(layer)
    grads = check_multi(layer, [x] + states, call=lambda lyr, xs: lyr(xs[0], initial_state=xs[1:]))
    assert len(grads) == 1 + n_states


def test_recurrent_state_gradients_accept_none_for_unused_outputs():
    """En un grafo, un estado final que nadie lee no recibe gradiente: backward acepta None en su lugar."""
    layer = LSTM(3, return_state=True)
    x = randn(2, 4, 3, seed=22)
    out, h, c = layer(x)
    upstream = randn(*out.shape, seed=23)
    grad_all = layer.backward([upstream, np.zeros_like(h), np.zeros_like(c)])
    grad_none = layer.backward([upstream, None, None])
    np.testing.assert_allclose(grad_none, grad_all)
    numerical = numerical_gradient(lambda: float(np.sum(layer(x)[0] * upstream)), x)
    assert relative_error(grad_none, numerical) < TOLERANCE


def test_bidirectional_with_states_and_no_merge():
    layer = Bidirectional(GRU(3, return_sequences=True, return_state=True), merge_mode=None)
    x = randn(2, 4, 3, seed=24)
    layer.build(x.shape[1:])
    randomize(layer)
    states = [randn(2, 3, seed=25), randn(2, 3, seed=26)]
    outputs = layer(x, initial_state=states)
    assert [o.shape for o in outputs] == [(2, 4, 3), (2, 4, 3), (2, 3), (2, 3)]
    grads = check_multi(layer, [x] + states, call=lambda lyr, xs: lyr(xs[0], initial_state=xs[1:]))
    assert len(grads) == 3


def test_recurrent_dropout_masks_are_the_same_at_every_step():
    """Dropout variacional: con recurrent_dropout = dropout = 0 en la inferencia, la salida no cambia; en el
    entrenamiento, la máscara de x anula la misma característica en todos los pasos."""
    layer = SimpleRNN(3, dropout=0.5, return_sequences=True, activation="linear", recurrent_initializer="zeros",
                      use_bias=False)
    x = randn(4, 6, 5, seed=27)
    y_inference = layer(x)
    np.testing.assert_allclose(layer(x, training=False), y_inference)
    y = layer(x, training=True)
    # Con U = 0 y activación lineal, y_t = (x_t ⊙ m)·W: la misma m en todos los pasos.
    (mask, *_), _ = layer._cache
    np.testing.assert_allclose(y, (x * mask[:, None, :]) @ layer.params["W"])
    assert set(np.unique(mask)) <= {0.0, 2.0}
    assert not np.allclose(y, y_inference)


def test_upsampling_bilinear_matches_hand_computed_values():
    """1D de 2 a 4 valores con centros de píxel: [a, b] -> [a, ¾a + ¼b, ¼a + ¾b, b]."""
    layer = UpSampling2D((1, 2), interpolation="bilinear")
    y = layer(np.array([[[[1.0], [5.0]]]]))
    np.testing.assert_allclose(y[0, 0, :, 0], [1.0, 2.0, 4.0, 5.0])


def test_global_max_pooling_splits_ties_like_keras():
    layer = GlobalMaxPooling1D()
    x = np.array([[[1.0], [3.0], [3.0], [0.0]]])
    layer(x)
    np.testing.assert_allclose(layer.backward(np.array([[1.0]]))[:, :, 0], [[0.0, 0.5, 0.5, 0.0]])


def test_causal_convolution_never_looks_ahead():
    layer = Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = randn(1, 12, 2, seed=30)
    y = layer(x)
    x_changed = x.copy()
    x_changed[:, 7:] += 10.0           # cambiar el futuro a partir de t = 7…
    y_changed = layer(x_changed)
    np.testing.assert_array_equal(y[:, :7], y_changed[:, :7])   # …no cambia las salidas anteriores
    assert not np.allclose(y[:, 7:], y_changed[:, 7:])
    assert y.shape == (1, 12, 2)


@pytest.mark.parametrize("name", [*SINGLE_INPUT_CASES, *MERGE_CASES])
def test_float32_stays_float32_in_the_new_layers(name):
    """Nada se promueve a float64 (hacia delante ni hacia atrás): un escalar o un entero de NumPy mezclado
    con un array float32 lo convierte entero, y el motor va la mitad de rápido."""
    config.set_floatx("float32")
    if name in SINGLE_INPUT_CASES:
        make, shapes = SINGLE_INPUT_CASES[name][0], [SINGLE_INPUT_CASES[name][1]]
    else:
        make, shapes = MERGE_CASES[name]
    layer = make()
    inputs = [randn(*shape, seed=i).astype(np.float32) for i, shape in enumerate(shapes)]
    y = layer(inputs[0] if len(inputs) == 1 else inputs, training=True)
    assert y.dtype == np.float32
    grads = layer.backward(np.ones_like(y))
    for g in (grads if isinstance(grads, list) else [grads]):
        assert g.dtype == np.float32
    for key, value in {**layer.params, **layer.grads, **layer.state}.items():
        assert value.dtype == np.float32, key


def test_augmentation_is_the_identity_at_inference_and_random_in_training():
    x = randn(4, 6, 6, 3, seed=31)
    for layer in (RandomFlip(), RandomTranslation(0.2, 0.2), RandomRotation(0.1), RandomZoom(0.2),
                  RandomContrast(0.3, value_range=(-5, 5)), RandomBrightness(0.1, value_range=(-5, 5))):
        np.testing.assert_array_equal(layer(x), x)
        np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))
        assert not np.allclose(layer(x, training=True), x), type(layer).__name__


def test_deterministic_augmentations_move_pixels_exactly():
    x = randn(2, 6, 6, 1, seed=32)
    quarter = RandomRotation((0.25, 0.25), interpolation="nearest")(x, training=True)    # 90° antihorario
    np.testing.assert_array_equal(quarter[:, :, :, 0], np.rot90(x[:, :, :, 0], axes=(1, 2)))
    shifted = RandomTranslation((1 / 3, 1 / 3), (0, 0), fill_mode="constant")(x, training=True)   # 2 filas abajo
    np.testing.assert_allclose(shifted[:, 2:], x[:, :-2], atol=1e-12)
    np.testing.assert_array_equal(shifted[:, :2], 0.0)
    np.testing.assert_allclose(RandomZoom(0.0)(x, training=True), x, atol=1e-12)
    flipped = RandomFlip("horizontal", seed=0)(x, training=True)
    for n in range(2):
        assert np.array_equal(flipped[n], x[n]) or np.array_equal(flipped[n], x[n, :, ::-1])


def test_augmentation_seed_and_engine_seed_repeat_the_draws():
    x = randn(3, 5, 5, 1, seed=33)
    np.testing.assert_array_equal(RandomRotation(0.2, seed=4)(x, training=True),
                                  RandomRotation(0.2, seed=4)(x, training=True))
    config.set_seed(9)
    first = RandomZoom(0.3)(x, training=True)
    config.set_seed(9)
    np.testing.assert_array_equal(RandomZoom(0.3)(x, training=True), first)
