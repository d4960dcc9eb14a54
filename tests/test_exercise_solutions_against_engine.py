"""Las soluciones de referencia de los ejercicios son correctas: se comparan con el motor, con PyTorch, con Keras,
con scikit-learn o con una cuenta independiente, nunca consigo mismas.

Que la solución pase su propia comprobación no prueba nada si la comprobación compara con ella; por eso cada
ejercicio que programa algo que una biblioteca también hace se contrasta aquí con esa biblioteca.
"""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from course_lib import nn
from course_lib.exercises import cap00, cap02, cap03, cap05, cap06, cap08, cap09, cap10, cap11, cap12, cap13, cap14, cap15


def _torch():
    return pytest.importorskip("torch")


def _keras():
    return pytest.importorskip("keras")


# --- 00, 03: métricas y pérdidas frente a scikit-learn --------------------------------------------------

def test_balanced_accuracy_matches_scikit_learn():
    from sklearn.metrics import balanced_accuracy_score

    rng = np.random.default_rng(0)
    for _ in range(20):
        args = cap00._fresh_balanced(rng)
        assert np.isclose(cap00.balanced_accuracy(*args), balanced_accuracy_score(*args))
    for y_true, y_pred in cap00.BALANCED_CASES:
        assert np.isclose(cap00.balanced_accuracy(y_true, y_pred), balanced_accuracy_score(y_true, y_pred))


def test_quantile_loss_matches_scikit_learns_pinball_loss():
    from sklearn.metrics import mean_pinball_loss

    rng = np.random.default_rng(1)
    for _ in range(20):
        y, y_hat, tau = cap03._fresh_quantile(rng)
        assert np.isclose(cap03.quantile_loss(y, y_hat, tau), mean_pinball_loss(y, y_hat, alpha=tau))


def test_the_quantile_loss_is_minimised_by_the_quantile():
    """Por qué se usa: la constante que minimiza la pérdida cuantil con τ es el cuantil τ de los datos."""
    y = np.random.default_rng(2).exponential(size=400)
    grid = np.linspace(0, 5, 2001)
    for tau in (0.1, 0.5, 0.9):
        best = grid[np.argmin([cap03.quantile_loss(y, np.full_like(y, c), tau) for c in grid])]
        assert abs(best - np.quantile(y, tau)) < 0.02


def test_crossentropy_and_its_smoothed_gradient_match_pytorch():
    torch = _torch()
    rng = np.random.default_rng(3)
    z, y = cap03._fresh_logits(rng)
    expected = torch.nn.functional.cross_entropy(torch.from_numpy(z), torch.from_numpy(y)).item()
    assert np.isclose(cap03.crossentropy_from_logits(z, y), expected)
    assert np.isclose(cap03.crossentropy_from_logits(z, y),
                      nn.SparseCategoricalCrossentropy(from_logits=True)(y, z), rtol=1e-5)
    z, y_onehot, epsilon = cap03._fresh_smoothed(rng)
    logits = torch.tensor(z, requires_grad=True)
    torch.nn.functional.cross_entropy(logits, torch.from_numpy(y_onehot.argmax(axis=1)),
                                      label_smoothing=epsilon).backward()
    assert np.allclose(cap03.smoothed_crossentropy_gradient(z, y_onehot, epsilon), logits.grad.numpy())


# --- 02, 05: derivadas y recorte frente al motor y a PyTorch --------------------------------------------

def test_activation_derivatives_match_the_engine():
    z = np.linspace(-6, 6, 25)
    assert np.allclose(cap02.sigmoid_derivative(z), nn.activations.get("sigmoid").derivative(z))
    z = cap02.Z_NONZERO
    for alpha in (0.01, 0.2):
        assert np.allclose(cap02.leaky_relu_derivative(z, alpha), nn.activations.LeakyReLU(alpha).derivative(z))


def test_global_clip_matches_the_engine_and_pytorch():
    torch = _torch()
    rng = np.random.default_rng(4)
    for gradients, c in cap05._CLIP_CASES + [cap05._fresh_clip(rng) for _ in range(5)]:
        mine = cap05.global_clip([g.copy() for g in gradients], c)
        engine = nn.SGD(global_clipnorm=c).clip_gradients([g.copy() for g in gradients])
        tensors = [torch.tensor(g, requires_grad=True) for g in gradients]
        for tensor, g in zip(tensors, gradients):
            tensor.grad = torch.from_numpy(g.copy())
        torch.nn.utils.clip_grad_norm_(tensors, c)
        for a, b, t in zip(mine, engine, tensors):
            assert np.allclose(a, b) and np.allclose(a, t.grad.numpy())


# --- 06: AdamW frente a PyTorch y Keras ------------------------------------------------------------------

def test_adamw_step_matches_pytorch_and_keras():
    torch = _torch()
    keras = _keras()
    rng = np.random.default_rng(5)
    theta0 = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(4)]
    hyper = dict(eta=0.05, beta1=0.9, beta2=0.99, eps=1e-7, weight_decay=0.3)
    state = {"m": np.zeros_like(theta0), "v": np.zeros_like(theta0), "t": 0}
    theta = theta0.copy()
    for g in grads:
        theta = cap06.adamw_step(theta, g, state, **hyper)

    parameter = torch.nn.Parameter(torch.from_numpy(theta0.copy()))
    optimizer = torch.optim.AdamW([parameter], lr=hyper["eta"], betas=(hyper["beta1"], hyper["beta2"]),
                                  eps=hyper["eps"], weight_decay=hyper["weight_decay"])
    for g in grads:
        parameter.grad = torch.from_numpy(g.copy())
        optimizer.step()
    assert np.allclose(theta, parameter.detach().numpy(), atol=1e-10)

    variable = keras.Variable(theta0.astype("float32"))
    adamw = keras.optimizers.AdamW(learning_rate=hyper["eta"], beta_1=hyper["beta1"], beta_2=hyper["beta2"],
                                   epsilon=hyper["eps"], weight_decay=hyper["weight_decay"])
    for g in grads:
        adamw.apply_gradients([(keras.ops.convert_to_tensor(g.astype("float32")), variable)])
    assert np.allclose(theta, keras.ops.convert_to_numpy(variable), atol=1e-5)


# --- 08: Dense sobre varios ejes frente al motor y a Keras ------------------------------------------------

def test_dense_on_several_axes_matches_the_engine_and_keras():
    keras = _keras()
    rng = np.random.default_rng(6)
    for shape, units in cap08._CASOS_DENSA + [cap08._fresh_densa(rng) for _ in range(5)]:
        out_shape, n_params = cap08.densa_nd(shape, units)
        if len(shape) <= 2:                      # el motor acepta vectores y secuencias (pasos, características)
            layer = nn.Dense(units)
            layer.build(tuple(shape))
            assert layer.count_params() == n_params
            assert layer.forward(np.zeros((2,) + tuple(shape))).shape == (2,) + out_shape
        k = keras.layers.Dense(units)
        k.build((None,) + tuple(shape))
        assert k.count_params() == n_params and k.compute_output_shape((None,) + tuple(shape))[1:] == out_shape


# --- 09: dilatada, separable y traspuesta frente a PyTorch y Keras ---------------------------------------

def test_dilated_output_size_matches_pytorch():
    torch = _torch()
    rng = np.random.default_rng(7)
    cases = cap09._CASOS_TAMANO + [cap09._fresh_tamano(rng) for _ in range(40)]
    for n, f, p, s, d in cases:
        n = min(n, 80)
        if d * (f - 1) + 1 > n + 2 * p:
            continue
        out = torch.nn.functional.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, f, f), stride=s, padding=p,
                                         dilation=d)
        assert out.shape[-1] == cap09.tamano_salida_dilatada(n, f, p, s, d), (n, f, p, s, d)


def test_separable_parameters_match_keras_and_pytorch():
    torch = _torch()
    keras = _keras()
    for f, c, k in cap09._CASOS_SEPARABLE:
        layer = keras.layers.SeparableConv2D(k, f)
        layer.build((None, 16, 16, c))
        assert layer.count_params() == cap09.parametros_separable(f, c, k)
        depthwise = torch.nn.Conv2d(c, c, f, groups=c, bias=False)
        pointwise = torch.nn.Conv2d(c, k, 1)
        assert sum(p.numel() for m in (depthwise, pointwise) for p in m.parameters()) == cap09.parametros_separable(f, c, k)


def test_transposed_convolution_matches_pytorch():
    torch = _torch()
    rng = np.random.default_rng(8)
    for x, kernel, s in cap09._casos_traspuesta() + [cap09._fresh_traspuesta(rng) for _ in range(10)]:
        expected = torch.nn.functional.conv_transpose2d(torch.from_numpy(x)[None, None],
                                                        torch.from_numpy(kernel)[None, None], stride=s)[0, 0]
        assert np.allclose(cap09.convolucion_traspuesta(x, kernel, s), expected.numpy())


def test_transposed_convolution_is_the_gradient_of_a_strided_convolution():
    """La traspuesta lleva el gradiente de una correlación con paso s de vuelta a su entrada (con el motor)."""
    rng = np.random.default_rng(9)
    kernel = rng.normal(size=(3, 3))
    layer = nn.Conv2D(1, 3, strides=2, use_bias=False)
    layer.build((9, 9, 1))
    layer.params["W"][...] = kernel[:, :, None, None]
    out = layer.forward(rng.normal(size=(1, 9, 9, 1)), training=True)
    g = rng.normal(size=out.shape)
    assert np.allclose(layer.backward(g)[0, :, :, 0], cap09.convolucion_traspuesta(g[0, :, :, 0], kernel, 2), atol=1e-5)


# --- 10: agrupación promedio y campo receptivo ---------------------------------------------------------------

def test_average_pooling_backward_matches_the_engine():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 6, 4, 3))
    layer = nn.AveragePooling2D(2)
    y = layer.forward(x, training=True)
    g = rng.normal(size=y.shape)
    assert np.allclose(cap10.avg_pool_backward(g), layer.backward(g), atol=1e-6)


@pytest.mark.parametrize("f", [3, 5, 7])
def test_blocks_needed_follows_the_closed_form_receptive_field(f):
    # Tras k bloques [conv f×f + pool 2×2], el campo receptivo es 1 + f·(2^k − 1).
    for n in range(1, 300):
        k = cap10.blocks_needed(n, f)
        assert 1 + f * (2 ** k - 1) >= n
        assert k == 0 or 1 + f * (2 ** (k - 1) - 1) < n


def test_blocks_needed_agrees_with_the_engine_gradient_footprint():
    # Dos bloques conv 5×5 + pool 2×2: un solo valor de salida depende de una ventana 16×16 (= 1 + 5·3).
    model = nn.Sequential([nn.Conv2D(1, 5, input_shape=(32, 32, 1)), nn.AveragePooling2D(2),
                           nn.Conv2D(1, 5), nn.AveragePooling2D(2)])
    out = model.forward(np.random.default_rng(1).random((1, 32, 32, 1)))
    grad = np.zeros_like(out)
    grad[0, 2, 2, 0] = 1.0
    footprint = np.abs(model.backward(grad)[0, :, :, 0]) > 0
    rows, cols = np.flatnonzero(footprint.any(axis=1)), np.flatnonzero(footprint.any(axis=0))
    assert np.ptp(rows) + 1 == np.ptp(cols) + 1 == 16
    assert cap10.blocks_needed(16, 5) == 2 and cap10.blocks_needed(17, 5) == 3


# --- 11: pliegues por grupos: la comprobación acepta los de scikit-learn ------------------------------------

def test_scikit_learns_group_folds_pass_the_check_and_a_plain_kfold_does_not():
    from sklearn.model_selection import GroupKFold, KFold

    for groups, k in cap11._group_cases():
        folds = list(GroupKFold(n_splits=k).split(np.zeros(len(groups)), groups=groups))
        cap11._check_group_folds(folds, groups, k)           # cualquier reparto válido vale, no solo el nuestro
        cap11._check_group_folds(cap11.group_folds(groups, k), groups, k)
        plain = list(KFold(n_splits=k).split(np.zeros(len(groups))))
        with pytest.raises(Exception, match="Reparte GRUPOS"):
            cap11._check_group_folds(plain, groups, k)


# --- 12: ridge, λ y normalización por grupos -------------------------------------------------------------------

def test_group_norm_backward_matches_pytorch_autograd():
    torch = _torch()
    rng = np.random.default_rng(10)
    for _ in range(10):
        g, x, gamma, groups, eps = cap12._fresh_gn(rng)
        beta = rng.normal(size=gamma.shape)
        xt = torch.tensor(x, requires_grad=True)
        wt = torch.tensor(gamma, requires_grad=True)
        bt = torch.tensor(beta, requires_grad=True)
        y = torch.nn.functional.group_norm(xt, groups, wt, bt, eps=eps)
        assert np.allclose(y.detach().numpy(), cap12.group_norm_forward(x, gamma, beta, groups, eps))
        y.backward(torch.from_numpy(g))
        dx, dgamma, dbeta = cap12.group_norm_backward(g, x, gamma, groups, eps)
        assert np.allclose(dx, xt.grad.numpy()) and np.allclose(dgamma, wt.grad.numpy())
        assert np.allclose(dbeta, bt.grad.numpy())


def test_group_norm_backward_passes_the_engines_gradient_check():
    g, x, gamma, groups, eps = cap12._gn_case()
    beta = np.zeros_like(gamma)
    dx = cap12.group_norm_backward(g, x, gamma, groups, eps)[0]
    nn.gradient_check(lambda xx: float(np.sum(g * cap12.group_norm_forward(xx, gamma, beta, groups, eps))),
                      x.copy(), dx)


def test_group_norm_with_one_feature_per_group_is_not_batch_norm():
    """Con G = C cada grupo tiene una sola característica: x̂ = 0 y el gradiente respecto a x es 0."""
    g, x, gamma, _, eps = cap12._gn_case()
    dx, dgamma, _ = cap12.group_norm_backward(g, x, gamma, x.shape[1], eps)
    assert np.allclose(dx, 0) and np.allclose(dgamma, 0)


def test_ridge_helper_matches_scikit_learn_with_alpha_m_lambda():
    X_train, y_train, *_ = cap12._ridge_data()
    for lam in (0.01, 1.0):
        w, b = cap12.ridge(X_train, y_train, lam)
        sk = Ridge(alpha=len(X_train) * lam).fit(X_train, y_train)
        assert np.allclose(w, sk.coef_) and np.isclose(b, sk.intercept_)


def test_choosing_lambda_by_validation_differs_from_the_typical_mistakes():
    data = cap12._ridge_data()
    chosen = cap12.choose_lambda(*data, cap12.LAMBDAS_12_1)[0]
    assert chosen != cap12._by_split(2)(*data, cap12.LAMBDAS_12_1)[0]   # elegir con la prueba
    assert chosen != cap12._by_split(0)(*data, cap12.LAMBDAS_12_1)[0]   # elegir con el entrenamiento


# --- 13: GRU frente a Keras (la variante de Cho et al., reset_after=False) ---------------------------------------

def test_gru_step_matches_keras_with_reset_after_false():
    keras = _keras()
    x, h, W, U, b = cap13._gru_case()
    layer = keras.layers.GRU(len(h), reset_after=False)
    layer.build((None, 1, len(x)))
    layer.set_weights([np.concatenate([W[k] for k in "zrh"], axis=1).astype("float32"),
                       np.concatenate([U[k] for k in "zrh"], axis=1).astype("float32"),
                       np.concatenate([b[k] for k in "zrh"]).astype("float32")])
    out = keras.ops.convert_to_numpy(layer(x[None, None].astype("float32"), initial_state=[h[None].astype("float32")]))
    assert np.allclose(out[0], cap13.gru_step(x, h, W, U, b), atol=1e-5)
    assert not np.allclose(out[0], cap13._gru_reset_after(x, h, W, U, b), atol=1e-3)


def test_lstm_parameters_match_the_engine():
    for features, units in cap13._LSTM_CASES:
        layer = nn.LSTM(units)
        layer.build((5, features))
        assert layer.count_params() == cap13.lstm_params(features, units)


def test_causal_attention_matches_pytorch():
    torch = _torch()
    Q, K, V = cap13._attention_case()
    expected = torch.nn.functional.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (Q, K, V)),
                                                                is_causal=True)
    assert np.allclose(cap13.causal_attention(Q, K, V), expected.numpy())


# --- 14: filtros de PyTorch en una Conv2D del motor ---------------------------------------------------------------

def test_converted_kernels_make_the_engine_compute_what_pytorch_computes():
    torch = _torch()
    rng = np.random.default_rng(11)
    for weight, bias in cap14._casos_kernel():
        out_c, in_c, kh, kw = weight.shape
        x = rng.normal(size=(2, 9, 10, in_c))
        expected = torch.nn.functional.conv2d(torch.from_numpy(x).permute(0, 3, 1, 2), torch.from_numpy(weight),
                                              torch.from_numpy(bias)).permute(0, 2, 3, 1).numpy()
        W, b = cap14.kernel_torch_a_keras(weight, bias)
        layer = nn.Conv2D(out_c, (kh, kw))
        layer.build(x.shape[1:])
        layer.params["W"][...] = W
        layer.params["b"][...] = b
        assert np.allclose(layer.forward(x), expected, atol=1e-6)


# --- 15: el umbral de la teoría de la decisión y el proyecto -----------------------------------------------------

def test_the_decision_threshold_minimises_the_expected_cost():
    rng = np.random.default_rng(12)
    grid = np.linspace(0.0005, 0.9995, 2000)
    for costes in cap15._CASOS_COSTES + [cap15._fresh_costes(rng)[0] for _ in range(20)]:
        threshold = cap15.umbral_optimo(costes)
        positive = grid * costes["VP"] + (1 - grid) * costes["FP"]      # coste esperado de decir «positivo»
        negative = grid * costes["FN"] + (1 - grid) * costes["VN"]      # y de decir «negativo»
        assert np.all((positive <= negative) == (grid >= threshold - 1e-12))
        if costes["VP"] == costes["VN"] == 0:
            assert np.isclose(threshold, costes["FP"] / (costes["FP"] + costes["FN"]))


def test_the_reference_project_never_looks_at_the_test_labels():
    for X_ent, y_ent, X_pru, y_pru in cap15._problemas().values():
        first = cap15.proyecto(X_ent, y_ent, X_pru, y_pru, 3.0, 1.0)
        other = cap15.proyecto(X_ent, y_ent, X_pru, 1 - y_pru, 3.0, 1.0)
        assert first["umbral"] == other["umbral"]
        assert np.array_equal(first["probabilidades_prueba"], other["probabilidades_prueba"])
