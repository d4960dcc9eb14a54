"""Ejercicios del capítulo 12: regularización."""

import re

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_close, normalize_text

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


def _ridge_data():
    """Pocos ejemplos (30) y muchas características (20), de las que solo 4 importan: λ importa."""
    rng = np.random.default_rng(112)
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
            raise Incorrect(f"elegiste λ = {lam} mirando la PRUEBA: así la prueba deja de ser una estimación honesta "
                            "(sale optimista). λ se elige con la validación; la prueba se mide una vez, al final.")
        if np.isclose(lam, por_entrenamiento):
            raise Incorrect(f"elegiste λ = {lam} con el error de ENTRENAMIENTO, que siempre prefiere la λ más "
                            "pequeña (menos penalización, mejor ajuste a lo ya visto). Elige con la validación.")
        raise Incorrect(f"se esperaba λ = {elegida} (la de menor ECM de validación) y devolviste {lam}.")
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


# 12.3 — Retropropagación de la normalización por lotes (entrenamiento).


def batch_norm_backward(g, x, gamma, eps):
    """(∂L/∂x, ∂L/∂γ, ∂L/∂β) de y = γ·x̂ + β, x̂ = (x − μ_B)/√(σ_B² + ε), con μ_B y σ_B² del lote.

    ∂L/∂β = Σ g; ∂L/∂γ = Σ g·x̂; ∂L/∂x = γ/(N·√(σ² + ε)) · (N·g − Σ g − x̂·Σ g·x̂) (sumas sobre el lote).
    """
    x, g = np.asarray(x, dtype=float), np.asarray(g, dtype=float)
    n = len(x)
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dgamma, dbeta = (g * x_hat).sum(axis=0), g.sum(axis=0)
    dx = gamma * inv_std / n * (n * g - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def _bn_backward_case():
    rng = np.random.default_rng(123)
    x = rng.normal(loc=[1.0, -2.0, 0.5], scale=[2.0, 0.5, 1.0], size=(8, 3))
    g = rng.normal(size=(8, 3))
    return g, x, np.array([1.5, 0.5, -1.0]), 1e-3


def _bn_constant_stats(g, x, gamma, eps):
    dx, dgamma, dbeta = batch_norm_backward(g, x, gamma, eps)
    return g * gamma / np.sqrt(np.asarray(x).var(axis=0) + eps), dgamma, dbeta


def _bn_no_xhat_term(g, x, gamma, eps):
    dx, dgamma, dbeta = batch_norm_backward(g, x, gamma, eps)
    n = len(x)
    return gamma / np.sqrt(np.asarray(x).var(axis=0) + eps) / n * (n * g - g.sum(axis=0)), dgamma, dbeta


def _verify_bn_backward(function):
    g, x, gamma, eps = _bn_backward_case()
    got = call(function, g.copy(), x.copy(), gamma.copy(), eps)
    try:
        dx, dgamma, dbeta = got
    except (TypeError, ValueError):
        raise Incorrect("retro_normalizacion debe devolver una tupla (dx, dgamma, dbeta).") from None
    exp_dx, exp_dgamma, exp_dbeta = batch_norm_backward(g, x, gamma, eps)
    expect_close(dbeta, exp_dbeta, name="∂L/∂β",
                 mistakes=[(g.mean(axis=0), "∂L/∂β es la SUMA de g sobre el lote (β se suma a cada ejemplo), no la media.")])
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    expect_close(dgamma, exp_dgamma, name="∂L/∂γ",
                 mistakes=[(g.sum(axis=0), "γ multiplica a x̂: ∂L/∂γ = Σ g·x̂, no Σ g."),
                           ((g * x).sum(axis=0), "γ multiplica a x̂ (la entrada ya normalizada), no a x: Σ g·x̂."),
                           ((g * x_hat).mean(axis=0), "es una suma sobre el lote, no una media.")])
    expect_close(dx, exp_dx, name="∂L/∂x",
                 mistakes=[(_bn_constant_stats(g, x, gamma, eps)[0],
                            "trataste μ_B y σ_B como constantes. Dependen de TODOS los ejemplos del lote, así que cada "
                            "x_i influye también a través de ellas: faltan los términos −Σg y −x̂·Σ(g·x̂)."),
                           (_bn_no_xhat_term(g, x, gamma, eps)[0],
                            "tienes el término de la media (−Σg) pero falta el de la varianza, −x̂·Σ(g·x̂).")])


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


def _letters(answer):
    if isinstance(answer, str):
        return set(re.findall(r"[a-z]", normalize_text(answer)))
    try:
        return {str(x).strip().lower() for x in answer}
    except TypeError:
        raise Incorrect(f"se esperaba un texto como \"a, b\" o una lista de letras; recibí {type(answer).__name__}.") from None


def _verify_augmentations(answer):
    chosen = _letters(answer)
    unknown = chosen - set(AUMENTOS_SENALES)
    if unknown:
        raise Incorrect(f"las opciones son las letras a–f; no entiendo {', '.join(sorted(unknown))}.")
    if "c" in chosen:
        raise Incorrect("voltear en espejo cambia la clase de muchas señales: «giro obligatorio a la izquierda» se "
                        "convierte en «a la derecha». Con fotos de animales sí valdría; aquí no.")
    if "e" in chosen:
        raise Incorrect("girar 180° cambia el sentido de las flechas (↑ pasa a ↓) y pone boca abajo el triángulo de "
                        "«ceda el paso»: no conserva la etiqueta.")
    missing = AUMENTOS_VALIDOS - chosen
    if missing:
        raise Incorrect(f"te faltan aumentos que conservan la etiqueta: {', '.join(AUMENTOS_SENALES[m] for m in sorted(missing))}. "
                        "Una cámara ve las señales algo movidas, inclinadas, con otra luz y con ruido.")


EXERCISES = [
    Exercise(
        id="12.1",
        title="Elegir λ con la validación",
        verify=_verify_choose_lambda,
        solution=choose_lambda,
        hint="ajusta con cada λ (ridge sobre el entrenamiento), calcula el ECM de validación de cada una, quédate con "
             "la menor y solo entonces calcula el ECM de prueba de ESE modelo.",
        mistakes=[
            (_by_split(2), "mirando la PRUEBA"),
            (_by_split(0), "ENTRENAMIENTO"),
            (_reports_validation, "VALIDACIÓN del modelo elegido"),
            (lambda *args: 0.1, "tupla"),
        ],
    ),
    Exercise(
        id="12.2",
        title="Penalización L2 (convención de Keras)",
        verify=_verify_l2,
        solution=l2_penalty,
        hint="penalización = lam·Σ W²; gradiente = 2·lam·W (un array con la forma de W).",
        mistakes=[
            (lambda W, lam: (lam / 2 * np.sum(W ** 2), lam * W), "sin ½"),
            (lambda W, lam: (lam * np.sum(np.abs(W)), lam * np.sign(W)), "penalización L1"),
            (lambda W, lam: (lam * np.sum(W ** 2), lam * W), "2λ·w"),
            (lambda W, lam: (lam * np.mean(W ** 2), 2 * lam * W), "no la media"),
            (lambda W, lam: lam, "tupla"),
        ],
    ),
    Exercise(
        id="12.3",
        title="Retropropagación de la normalización por lotes",
        verify=_verify_bn_backward,
        solution=batch_norm_backward,
        hint="∂L/∂β = Σg; ∂L/∂γ = Σ g·x̂; y como μ_B y σ_B dependen de todo el lote, "
             "∂L/∂x = γ/(N·√(σ² + ε))·(N·g − Σg − x̂·Σ(g·x̂)), con las sumas sobre el lote (axis=0).",
        mistakes=[
            (_bn_constant_stats, "como constantes"),
            (_bn_no_xhat_term, "falta el de la varianza"),
            (lambda g, x, gm, e: (batch_norm_backward(g, x, gm, e)[0], batch_norm_backward(g, x, gm, e)[1],
                                  np.asarray(g).mean(axis=0)), "no la media"),
            (lambda g, x, gm, e: (batch_norm_backward(g, x, gm, e)[0], np.asarray(g).sum(axis=0),
                                  np.asarray(g).sum(axis=0)), "no Σ g"),
            (lambda g, x, gm, e: 1.0, "tupla"),
        ],
    ),
    Exercise(
        id="12.4",
        title="Aumento de datos para señales de tráfico",
        verify=_verify_augmentations,
        solution="a, b, d, f",
        hint="para cada transformación, pregúntate si una persona seguiría leyendo la MISMA señal.",
        mistakes=[
            ("a, b, c, d, f", "en espejo"),
            ("a, b, d, e, f", "180°"),
            ("a, d, f", "te faltan"),
            ("a, b, d, f, z", "letras a–f"),
            (3, "se esperaba un texto"),
        ],
    ),
]
