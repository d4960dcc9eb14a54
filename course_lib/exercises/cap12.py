"""Ejercicios del capítulo 12: regularización."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_close, expect_letters

# 12.1 — Elegir λ con la validación y dar la prueba UNA vez (regresión ridge, convención de Keras).

LAMBDAS_12_1 = (0.0, 0.001, 0.01, 0.1, 1.0, 10.0)


def ridge(X, y, lam):
    """w, b que minimizan (1/m)·Σ(y − Xw − b)² + λ·Σw² (el sesgo no se penaliza): fórmula cerrada."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    mu_x, mu_y = X.mean(axis=0), y.mean()
    Xc = X - mu_x
    w = np.linalg.solve(Xc.T @ Xc / len(X) + lam * np.eye(X.shape[1]), Xc.T @ (y - mu_y) / len(X))
    return w, mu_y - mu_x @ w


def _mse(X, y, w, b):
    return float(np.mean((y - X @ w - b) ** 2))


def choose_lambda(X_train, y_train, X_val, y_val, X_test, y_test, lambdas):
    """Ajusta con cada λ en entrenamiento, elige la de menor ECM de VALIDACIÓN y solo entonces mide la prueba."""
    ajustes = {lam: ridge(X_train, y_train, lam) for lam in lambdas}
    elegida = min(lambdas, key=lambda lam: _mse(X_val, y_val, *ajustes[lam]))
    return elegida, _mse(X_test, y_test, *ajustes[elegida])


def _ridge_data(seed=112):
    """Pocos ejemplos (30) y muchas características (20), de las que solo 4 importan: λ importa."""
    rng = np.random.default_rng(seed)
    w_true = np.zeros(20)
    w_true[:4] = [2.0, -1.5, 1.0, 0.5]

    def sample(m):
        X = rng.normal(size=(m, 20))
        return X, X @ w_true + 1.0 + rng.normal(0, 1.0, m)

    return (*sample(30), *sample(30), *sample(2000))


def _by_split(split):
    """Error típico: elegir λ con otro conjunto (``split`` = 0 entrenamiento, 2 prueba)."""
    def choose(X_train, y_train, X_val, y_val, X_test, y_test, lambdas):
        pares = [(X_train, y_train), (X_val, y_val), (X_test, y_test)]
        ajustes = {lam: ridge(X_train, y_train, lam) for lam in lambdas}
        elegida = min(lambdas, key=lambda lam: _mse(*pares[split], *ajustes[lam]))
        return elegida, _mse(X_test, y_test, *ajustes[elegida])
    return choose


def _reports_validation(*args):
    X_train, y_train, X_val, y_val, X_test, y_test, lambdas = args
    elegida, _ = choose_lambda(*args)
    return elegida, _mse(X_val, y_val, *ridge(X_train, y_train, elegida))


def _verify_choose_lambda(function):
    datos = _ridge_data()
    got = call(function, *(a.copy() for a in datos), LAMBDAS_12_1)
    try:
        lam, error = got
    except (TypeError, ValueError):
        raise Incorrect("ajustar_lambda debe devolver una tupla (λ elegida, ECM de prueba).") from None
    elegida, error_prueba = choose_lambda(*datos, LAMBDAS_12_1)
    por_prueba = _by_split(2)(*datos, LAMBDAS_12_1)[0]
    por_entrenamiento = _by_split(0)(*datos, LAMBDAS_12_1)[0]
    if not np.isclose(lam, elegida):
        if np.isclose(lam, por_prueba):
            raise Incorrect(f"elegiste λ = {lam} mirando la PRUEBA: así la prueba deja de ser una estimación fiable "
                            "(sale optimista). λ se elige con la validación; la prueba se mide una vez, al final.")
        if np.isclose(lam, por_entrenamiento):
            raise Incorrect(f"elegiste λ = {lam} con el error de ENTRENAMIENTO, que siempre prefiere la λ más "
                            "pequeña (menos penalización, mejor ajuste a lo ya visto). Elige con la validación.")
        if not any(np.isclose(lam, candidata) for candidata in LAMBDAS_12_1):
            raise Incorrect(f"λ = {lam} no es ninguna de las de la lista `lambdas`: hay que elegir una de ellas.")
        raise Incorrect(f"λ = {lam} no es la de menor ECM de validación: ajusta con cada λ en el entrenamiento y "
                        "compara los ECM en la validación.")
    expect_close(
        error,
        error_prueba,
        name="el ECM de prueba",
        mistakes=[(_reports_validation(*datos, LAMBDAS_12_1)[1],
                   "ese es el ECM de VALIDACIÓN del modelo elegido: es optimista, porque lo usaste para elegir. "
                   "Da el de prueba.")],
    )


# 12.2 — Penalización L2 de Keras y su gradiente: (λ·Σw², 2λ·W).


def l2_penalty(W, lam):
    W = np.asarray(W, dtype=float)
    return float(lam * np.sum(W ** 2)), 2 * lam * W


def _verify_l2(function):
    W = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]])
    lam = 0.01
    got = call(function, W.copy(), lam)
    try:
        penalty, gradient = got
    except (TypeError, ValueError):
        raise Incorrect("penalizacion_l2 debe devolver una tupla (penalización, gradiente).") from None
    expect_close(
        penalty,
        lam * np.sum(W ** 2),
        name="la penalización",
        mistakes=[
            (lam / 2 * np.sum(W ** 2), "usaste la convención λ/2·Σw²; en Keras (y en course_lib.nn) es λ·Σw², sin ½."),
            (lam * np.sum(np.abs(W)), "eso es la penalización L1 (Σ|w|); L2 suma los cuadrados."),
            (lam * np.sqrt(np.sum(W ** 2)), "no hace falta la raíz: la penalización es λ·Σw², no λ·‖W‖."),
            (lam * np.mean(W ** 2), "es la SUMA de los cuadrados, no la media."),
        ],
    )
    expect_close(
        gradient,
        2 * lam * W,
        name="el gradiente",
        mistakes=[
            (lam * W, "la derivada de λ·w² es 2λ·w; λ·w sería el gradiente de la convención con ½."),
            (lam * np.sign(W), "eso es el gradiente de L1; el de L2 es 2λ·W."),
            (np.full_like(W, lam * np.sum(W ** 2)), "el gradiente es un array con la forma de W (2λ·W), no la "
                                                    "penalización repetida."),
        ],
    )


# 12.3 — Un caso nuevo: la retropropagación de la normalización POR GRUPOS (Wu y He, 2018), la alternativa a la
#        normalización por lotes cuando los lotes son pequeños. Cada ejemplo se normaliza por separado, en grupos
#        de K = C/G características consecutivas: x̂ = (x − μ_g)/√(σ_g² + ε), con μ_g y σ_g² del grupo; y = γ·x̂ + β.
#        Con sumas sobre las K características del grupo, y dx̂ = g·γ:
#        ∂L/∂β = Σ_lote g;  ∂L/∂γ = Σ_lote g·x̂;  ∂L/∂x = (K·dx̂ − Σ_grupo dx̂ − x̂·Σ_grupo dx̂·x̂) / (K·√(σ_g² + ε)).


def group_norm_forward(x, gamma, beta, groups, eps):
    """La pasada hacia delante (la da el enunciado): x (N, C) con C divisible entre ``groups``."""
    x = np.asarray(x, dtype=float)
    n, c = x.shape
    xg = x.reshape(n, groups, c // groups)
    x_hat = (xg - xg.mean(axis=2, keepdims=True)) / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    return gamma * x_hat.reshape(n, c) + beta


def group_norm_backward(g, x, gamma, groups, eps):
    """(∂L/∂x, ∂L/∂γ, ∂L/∂β) de la normalización por grupos; las estadísticas dependen de cada x del grupo."""
    x, g = np.asarray(x, dtype=float), np.asarray(g, dtype=float)
    n, c = x.shape
    k = c // groups
    xg = x.reshape(n, groups, k)
    inv_std = 1.0 / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    x_hat = (xg - xg.mean(axis=2, keepdims=True)) * inv_std
    dgamma = (g * x_hat.reshape(n, c)).sum(axis=0)
    dbeta = g.sum(axis=0)
    dx_hat = (g * gamma).reshape(n, groups, k)
    dx = inv_std / k * (k * dx_hat - dx_hat.sum(axis=2, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=2, keepdims=True))
    return dx.reshape(n, c), dgamma, dbeta


def _gn_parts(x, groups, eps):
    n, c = x.shape
    xg = x.reshape(n, groups, c // groups)
    inv_std = 1.0 / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    return xg, inv_std, (xg - xg.mean(axis=2, keepdims=True)) * inv_std


def _gn_constant_stats(g, x, gamma, groups, eps):
    n, c = x.shape
    _, inv_std, _ = _gn_parts(x, groups, eps)
    dx = ((g * gamma).reshape(n, groups, c // groups) * inv_std).reshape(n, c)
    return (dx,) + group_norm_backward(g, x, gamma, groups, eps)[1:]


def _gn_no_variance_term(g, x, gamma, groups, eps):
    n, c = x.shape
    k = c // groups
    _, inv_std, _ = _gn_parts(x, groups, eps)
    dx_hat = (g * gamma).reshape(n, groups, k)
    dx = inv_std / k * (k * dx_hat - dx_hat.sum(axis=2, keepdims=True))
    return (dx.reshape(n, c),) + group_norm_backward(g, x, gamma, groups, eps)[1:]


def _gn_gamma_outside(g, x, gamma, groups, eps):
    """Error típico: sacar γ fuera de las sumas (vale en la de lotes, donde γ es la misma en toda la suma)."""
    n, c = x.shape
    k = c // groups
    _, inv_std, x_hat = _gn_parts(x, groups, eps)
    gg = g.reshape(n, groups, k)
    inner = inv_std / k * (k * gg - gg.sum(axis=2, keepdims=True) - x_hat * (gg * x_hat).sum(axis=2, keepdims=True))
    return (inner.reshape(n, c) * gamma,) + group_norm_backward(g, x, gamma, groups, eps)[1:]


def _gn_batch_formula(g, x, gamma, groups, eps):
    """Error típico: la fórmula de la normalización por LOTES (estadísticas sobre el eje de los ejemplos)."""
    n = len(x)
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dgamma, dbeta = (g * x_hat).sum(axis=0), g.sum(axis=0)
    return gamma * inv_std / n * (n * g - dbeta - x_hat * dgamma), dgamma, dbeta


def _gn_case():
    rng = np.random.default_rng(123)
    x = rng.normal(loc=1.0, scale=2.0, size=(4, 6)) + rng.normal(size=6)
    g = rng.normal(size=(4, 6))
    return g, x, rng.uniform(0.5, 2.0, size=6) * rng.choice([-1.0, 1.0], size=6), 2, 1e-3


def _verify_gn_backward(function):
    g, x, gamma, groups, eps = _gn_case()
    got = call(function, g.copy(), x.copy(), gamma.copy(), groups, eps)
    try:
        dx, dgamma, dbeta = got
    except (TypeError, ValueError):
        raise Incorrect("retro_grupos debe devolver una tupla (dx, dgamma, dbeta).") from None
    exp_dx, exp_dgamma, exp_dbeta = group_norm_backward(g, x, gamma, groups, eps)
    _, _, x_hat = _gn_parts(x, groups, eps)
    expect_close(dbeta, exp_dbeta, name="∂L/∂β",
                 mistakes=[(g.mean(axis=0), "∂L/∂β es la SUMA de g sobre el lote (β se suma a cada ejemplo), no la media."),
                           (g.sum(axis=1), "∂L/∂β tiene una componente por característica (forma (C,)): se suma sobre "
                                           "los ejemplos (axis=0), no sobre las características.")])
    expect_close(dgamma, exp_dgamma, name="∂L/∂γ",
                 mistakes=[(g.sum(axis=0), "γ multiplica a x̂: ∂L/∂γ = Σ g·x̂, no Σ g."),
                           ((g * x).sum(axis=0), "γ multiplica a x̂ (la entrada ya normalizada), no a x: Σ g·x̂."),
                           ((g * x_hat.reshape(x.shape)).mean(axis=0), "es una suma sobre el lote, no una media."),
                           ((g * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)).sum(axis=0),
                            "calculaste x̂ con la media y la varianza del LOTE (por columnas), como en la normalización "
                            "por lotes; aquí cada ejemplo se normaliza con las de cada uno de sus grupos.")])
    expect_close(dx, exp_dx, name="∂L/∂x",
                 mistakes=[(_gn_batch_formula(g, x, gamma, groups, eps)[0],
                            "esa es la fórmula de la normalización por LOTES: sus sumas recorren los ejemplos del lote. "
                            "Aquí cada ejemplo se normaliza solo, dentro de cada grupo de K características: las sumas "
                            "recorren las características del grupo."),
                           (_gn_constant_stats(g, x, gamma, groups, eps)[0],
                            "trataste μ_g y σ_g como constantes. Dependen de TODAS las características del grupo, así "
                            "que cada x influye también a través de ellas: faltan los términos −Σ dx̂ y −x̂·Σ dx̂·x̂."),
                           (_gn_no_variance_term(g, x, gamma, groups, eps)[0],
                            "tienes el término de la media (−Σ dx̂) pero falta el de la varianza, −x̂·Σ(dx̂·x̂)."),
                           (_gn_gamma_outside(g, x, gamma, groups, eps)[0],
                            "sacaste γ fuera de las sumas. En la normalización por lotes se puede, porque la suma "
                            "recorre ejemplos y γ es la misma para todos; aquí recorre características del grupo, cada "
                            "una con su γ: las sumas van sobre dx̂ = g·γ.")])


def _fresh_gn(rng):
    groups = int(rng.integers(1, 4))
    c = groups * int(rng.integers(2, 5))
    n = int(rng.integers(2, 6))
    return rng.normal(size=(n, c)), rng.normal(2, 3, size=(n, c)), rng.normal(size=c), groups, 1e-3


# 12.4 — Aumento de datos en otro dominio: señales de tráfico.

AUMENTOS_SENALES = {
    "a": "desplazar la imagen unos píxeles",
    "b": "girarla ±10°",
    "c": "voltearla horizontalmente (en espejo)",
    "d": "cambiar el brillo y el contraste",
    "e": "girarla 180°",
    "f": "añadir un poco de ruido",
}
AUMENTOS_VALIDOS = {"a", "b", "d", "f"}


_EXPLICACIONES_12_4 = {
    "a": "desplazar unos píxeles no cambia qué señal es.",
    "b": "un giro pequeño no cambia qué señal es.",
    "c": "voltear en espejo cambia la clase de muchas señales: «giro obligatorio a la izquierda» se convierte en "
         "«a la derecha». Con fotos de animales sí valdría; aquí no.",
    "d": "la luz cambia a lo largo del día, pero la señal es la misma.",
    "e": "girar 180° cambia el sentido de las flechas (↑ pasa a ↓) y pone boca abajo el triángulo de «ceda el "
         "paso»: no conserva la etiqueta.",
    "f": "un poco de ruido no cambia qué señal es.",
}


def _verify_augmentations(answer):
    expect_letters(answer, sorted(AUMENTOS_VALIDOS), sorted(AUMENTOS_SENALES), _EXPLICACIONES_12_4,
                   missing="hay más aumentos que conservan la etiqueta: repasa las opciones que no marcaste y piensa "
                           "en cómo ve las señales una cámara (algo movidas, inclinadas, con otra luz, con ruido).")


EXERCISES = [
    Exercise(
        id="12.1",
        title="Elegir λ con la validación",
        verify=_verify_choose_lambda,
        solution=choose_lambda,
        hint=("cada conjunto tiene un papel: el entrenamiento ajusta los pesos, la validación elige λ y la prueba da "
              "la cifra final, una vez.",
              "para cada λ, ajusta con `ridge` en el entrenamiento y guarda su ECM de validación; quédate con la λ de "
              "menor ECM de validación, y solo entonces mide el ECM de prueba de ESE modelo."),
        mistakes=[
            (_by_split(2), "mirando la PRUEBA"),
            (_by_split(0), "ENTRENAMIENTO"),
            (_reports_validation, "VALIDACIÓN del modelo elegido"),
            (lambda *args: 0.1, "tupla"),
        ],
        fresh=lambda rng: (*_ridge_data(int(rng.integers(10 ** 6))), LAMBDAS_12_1),
    ),
    Exercise(
        id="12.2",
        title="Penalización L2 (convención de Keras)",
        verify=_verify_l2,
        solution=l2_penalty,
        hint=("la penalización es un número (λ por la suma de los cuadrados de todos los pesos) y su gradiente es un "
              "array con la forma de W: la derivada respecto a cada peso.",
              "deriva λ·w² respecto a w para un solo peso; el gradiente aplica eso a cada elemento de W a la vez. "
              "Ojo con la convención: Keras no lleva el ½."),
        mistakes=[
            (lambda W, lam: (lam / 2 * np.sum(W ** 2), lam * W), "sin ½"),
            (lambda W, lam: (lam * np.sum(np.abs(W)), lam * np.sign(W)), "penalización L1"),
            (lambda W, lam: (lam * np.sum(W ** 2), lam * W), "2λ·w"),
            (lambda W, lam: (lam * np.mean(W ** 2), 2 * lam * W), "no la media"),
            (lambda W, lam: lam, "tupla"),
        ],
        fresh=lambda rng: (rng.normal(size=(int(rng.integers(1, 5)), int(rng.integers(1, 5)))), float(rng.uniform(1e-4, 1))),
        forbidden=("course_lib.nn.L1L2", "course_lib.nn.L2"),
    ),
    Exercise(
        id="12.3",
        title="Retropropagación de la normalización por grupos",
        verify=_verify_gn_backward,
        solution=group_norm_backward,
        hint=("las estadísticas de cada grupo dependen de todas sus características, así que cada x llega a la "
              "pérdida por tres caminos: directamente a través de su x̂, a través de μ_g y a través de σ_g²; la regla "
              "de la cadena suma los tres.",
              "trabaja con la forma (N, G, K) (`x.reshape(N, G, C // G)`) y suma con `axis=2, keepdims=True` para las "
              "estadísticas del grupo; empieza por dx̂ = g·γ, porque aquí γ cambia dentro del grupo. Comprueba tu "
              "resultado con `nn.gradient_check`."),
        mistakes=[
            (_gn_batch_formula, "LOTE"),
            (_gn_constant_stats, "como constantes"),
            (_gn_no_variance_term, "falta el de la varianza"),
            (_gn_gamma_outside, "fuera de las sumas"),
            (lambda g, x, gm, G, e: (group_norm_backward(g, x, gm, G, e)[0], group_norm_backward(g, x, gm, G, e)[1],
                                     np.asarray(g).mean(axis=0)), "no la media"),
            (lambda g, x, gm, G, e: 1.0, "tupla"),
        ],
        fresh=_fresh_gn,
        forbidden=("course_lib.nn.BatchNormalization.backward",
                   "course_lib.nn.LayerNormalization.backward",
                   "course_lib.nn.GroupNormalization", "torch.autograd.backward", "torch.autograd.grad"),
    ),
    Exercise(
        id="12.4",
        title="Aumento de datos para señales de tráfico",
        verify=_verify_augmentations,
        solution="a, b, d, f",
        hint=("un aumento vale si la imagen transformada sigue siendo, sin duda, de la MISMA clase.",
              "imagina cada transformación aplicada a una señal con una flecha o con un texto: ¿seguiría diciendo lo "
              "mismo? ¿Y podría la cámara del coche verla así de verdad?"),
        mistakes=[
            ("a, b, c, d, f", "en espejo"),
            ("a, b, d, e, f", "180°"),
            ("a, d, f", "hay más aumentos"),
            ("a, b, d, f, z", "las opciones son las letras"),
            (3, "se esperaba un texto"),
        ],
    ),
]
