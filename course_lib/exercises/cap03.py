"""Ejercicios del capítulo 03: funciones de pérdida y de coste."""

import numpy as np

from ..checks import Exercise, Incorrect, as_array, call, expect_close

# 03.1 — Un caso nuevo: la pérdida CUANTIL (pinball), para predecir un percentil en vez de la media.
#        Con e = y − ŷ:  L_τ(e) = τ·e si e ≥ 0  y  (τ − 1)·e si e < 0  (= max(τ·e, (τ − 1)·e));  J = media.

QUANTILE_CASES = [
    (np.array([12.0, 30.0, 25.0, 18.0, 40.0]), np.array([15.0, 22.0, 25.0, 20.0, 31.0]), 0.9),
    (np.array([1.0, -2.0, 0.5, 3.0]), np.array([0.0, -1.0, 1.5, 2.0]), 0.5),
    (np.array([3.0, 7.0, 2.0, 9.0, 4.0, 6.0]), np.array([5.0, 5.0, 5.0, 5.0, 5.0, 5.0]), 0.1),
]


def quantile_loss(y, y_hat, tau):
    """J = media de max(τ·e, (τ − 1)·e), con e = y − ŷ: quedarse corto cuesta τ por unidad; pasarse, 1 − τ."""
    e = np.asarray(y, dtype=float) - np.asarray(y_hat, dtype=float)
    return np.mean(np.maximum(tau * e, (tau - 1) * e))


def _verify_quantile(function):
    for y, y_hat, tau in QUANTILE_CASES:
        got = call(function, y.copy(), y_hat.copy(), tau)
        e = y - y_hat
        expect_close(
            got,
            quantile_loss(y, y_hat, tau),
            name=f"la pérdida cuantil con τ = {tau:g}".replace(".", ","),
            mistakes=[
                (np.mean(np.maximum(tau * -e, (tau - 1) * -e)), "el error está al revés: con e = ŷ − y castigas "
                 "pasarse en lugar de quedarse corto (sale la pérdida de τ' = 1 − τ). Aquí e = y − ŷ: si la "
                 "predicción se queda corta (ŷ < y), e > 0 y cuesta τ·e."),
                (np.mean(tau * np.abs(e)), "multiplicaste los dos lados por τ: así el error por arriba y por debajo "
                 "cuestan lo mismo (es el EAM por τ). Si e < 0 el peso es 1 − τ: (τ − 1)·e."),
                (np.mean(np.where(e >= 0, tau * e, (1 - tau) * e)), "con e < 0 el término (1 − τ)·e es negativo: una "
                 "pérdida no puede restar. Usa (τ − 1)·e, que es positivo cuando e < 0."),
                (np.mean(np.abs(e)), "ese es el error absoluto medio (EAM): la pérdida cuantil pesa distinto los "
                 "errores por arriba (τ) y por debajo (1 − τ)."),
                (np.mean(e ** 2), "ese es el ECM; la pérdida cuantil es lineal en el error, con pesos τ y 1 − τ."),
            ],
            m=len(y),
        )


def _fresh_quantile(rng):
    m = int(rng.integers(4, 12))
    y = rng.normal(10, 5, size=m)
    return y, y + rng.normal(0, 3, size=m), float(rng.choice([0.1, 0.25, 0.75, 0.9, 0.95]))


# 03.2 — Entropía cruzada binaria PONDERADA (clases desequilibradas): un caso nuevo.
#        L = −(1/m)·Σ [w₁·y·log p + (1 − y)·log(1 − p)]  (como pos_weight de PyTorch).

BCE_CASES = [
    (np.array([1.0, 0.0, 1.0, 1.0]), np.array([0.9, 0.2, 0.6, 0.35]), 3.0),
    (np.array([0.0, 0.0, 1.0]), np.array([0.01, 0.5, 0.99]), 10.0),
    (np.array([1.0, 0.0, 0.0, 0.0, 1.0]), np.array([0.7, 0.1, 0.4, 0.2, 0.55]), 1.0),
]


def weighted_binary_crossentropy(y, p, w_pos):
    """−media de w₁·y·log p + (1 − y)·log(1 − p): los positivos (y = 1) pesan w₁ veces más."""
    return -np.mean(w_pos * y * np.log(p) + (1 - y) * np.log(1 - p))


def _verify_bce(function):
    for y, p, w_pos in BCE_CASES:
        got = call(function, y.copy(), p.copy(), w_pos)
        positive, negative = y * np.log(p), (1 - y) * np.log(1 - p)
        expect_close(
            got,
            -np.mean(w_pos * positive + negative),
            name=f"la entropía cruzada ponderada (w₁ = {w_pos:g})",
            mistakes=[
                (-np.mean(positive + w_pos * negative), "el peso w₁ multiplica el término de la clase POSITIVA, "
                 "y·log p (la clase rara que queremos que cuente más), no el de la negativa."),
                (-np.mean(w_pos * (positive + negative)), "el peso multiplica solo el término de los positivos; "
                 "multiplicar toda la pérdida por w₁ no cambia nada salvo la escala."),
                (-np.mean(w_pos * positive), "falta el término de la clase negativa, (1 − y)·log(1 − p): sin él, los "
                 "ejemplos con y = 0 no cuentan."),
                (-np.mean(positive + negative), "falta el peso w₁ en el término de los positivos."),
                (-np.sum(w_pos * positive + negative) / (w_pos * y.sum() + (1 - y).sum()),
                 "divides entre la suma de pesos; aquí se pide la media sobre los m ejemplos (como PyTorch con "
                 "pos_weight): divide entre m."),
                (-np.mean(w_pos * y * np.log10(p) + (1 - y) * np.log10(1 - p)), "usa el logaritmo natural (np.log), "
                 "no el decimal (np.log10)."),
            ],
            m=len(y),
        )


# 03.3 — Entropía cruzada a partir de logits, estable (log-sum-exp).

LOGITS_MODERATE = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.0, 0.0, 0.0], [1.0, -1.0, 3.0]])
LABELS_MODERATE = np.array([0, 1, 2, 0])
LOGITS_LARGE = np.array([[1000.0, 0.0, -1000.0], [10.0, 1010.0, 1000.0]])
LABELS_LARGE = np.array([0, 2])


def crossentropy_from_logits(z, y):
    m = z.shape[0]
    z_max = z.max(axis=1, keepdims=True)
    log_sum_exp = z_max[:, 0] + np.log(np.exp(z - z_max).sum(axis=1))
    return np.mean(log_sum_exp - z[np.arange(m), y])


def _verify_ce_logits(function):
    for z, y, large in ((LOGITS_MODERATE, LABELS_MODERATE, False), (LOGITS_LARGE, LABELS_LARGE, True)):
        got = as_array(call(function, z.copy(), y.copy()), "la entropía cruzada")
        if large and got.size == 1 and not np.all(np.isfinite(got)):
            raise Incorrect(
                "con logits como 1000 tu función da NaN o infinito: e^1000 desborda. Calcula log Σ e^(zⱼ) con el "
                "truco log-sum-exp: M + log Σ e^(zⱼ − M), con M el máximo de la fila."
            )
        m = z.shape[0]
        z_max = z.max(axis=1, keepdims=True)
        per_example = z_max[:, 0] + np.log(np.exp(z - z_max).sum(axis=1)) - z[np.arange(m), y]
        without_max = np.log(np.exp(z - z_max).sum(axis=1)) - z[np.arange(m), y]
        expect_close(
            got,
            np.mean(per_example),
            name="la entropía cruzada media",
            mistakes=[
                (np.mean(without_max), "restaste el máximo M dentro de la exponencial, pero no lo volviste a sumar: "
                 "log Σ e^(zⱼ) = M + log Σ e^(zⱼ − M)."),
                (per_example, "se esperaba un solo número, la media sobre los m ejemplos (el coste J), no la pérdida "
                 "de cada ejemplo."),
                (np.mean(per_example + 2 * z[np.arange(m), y]), "revisa el signo del logit de la clase correcta: "
                 "L = log Σⱼ e^(zⱼ) − z_c."),
            ],
            m=m,
        )


# 03.4 — Gradiente de softmax + entropía cruzada respecto a los logits: (ŷ − y)/m.

GRAD_LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [1.0, -1.0, 3.0], [0.0, 0.2, -0.2]])
GRAD_ONEHOT = np.eye(3)[[0, 1, 0, 2]]


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def smoothed_crossentropy_gradient(z, y_onehot, epsilon):
    """∂J/∂z con suavizado de etiquetas: objetivo y' = (1 − ε)·y + ε/K, y ∂J/∂z = (softmax(z) − y')/m."""
    targets = (1 - epsilon) * y_onehot + epsilon / y_onehot.shape[1]
    return (_softmax(z) - targets) / z.shape[0]


GRAD_EPSILONS = (0.1, 0.3)


def _verify_gradient(function):
    m, K = GRAD_ONEHOT.shape
    y_hat = _softmax(GRAD_LOGITS)
    for epsilon in GRAD_EPSILONS:
        got = call(function, GRAD_LOGITS.copy(), GRAD_ONEHOT.copy(), epsilon)
        targets = (1 - epsilon) * GRAD_ONEHOT + epsilon / K
        expect_close(
            got,
            (y_hat - targets) / m,
            name=f"∂J/∂z con ε = {epsilon:g}".replace(".", ","),
            mistakes=[
                ((y_hat - GRAD_ONEHOT) / m, "ese es el gradiente sin suavizar: el objetivo ya no es y sino "
                 "y' = (1 − ε)·y + ε/K, y ∂J/∂z = (ŷ − y')/m."),
                ((y_hat - ((1 - epsilon) * GRAD_ONEHOT + epsilon)) / m, "el ε se reparte entre las K clases: "
                 "y' = (1 − ε)·y + ε/K (así cada fila de y' sigue sumando 1)."),
                ((y_hat - (GRAD_ONEHOT + epsilon / K)) / m, "falta el factor (1 − ε) delante de y: las filas de y' "
                 "deben sumar 1."),
                (y_hat - targets, "falta dividir entre m: el coste es la media de los m ejemplos."),
                ((targets - y_hat) / m, "el signo está cambiado: ∂J/∂z = (ŷ − y')/m."),
                ((GRAD_LOGITS - targets) / m, "hay que restar y' a las probabilidades ŷ = softmax(z), no a los logits z."),
            ],
            m=m,
        )


def _ce_naive(z, y):
    with np.errstate(all="ignore"):
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return -np.mean(np.log(p[np.arange(len(y)), y]))


def _ce_without_max(z, y):
    z_max = z.max(axis=1, keepdims=True)
    return np.mean(np.log(np.exp(z - z_max).sum(axis=1)) - z[np.arange(len(y)), y])


def _ce_per_example(z, y):
    z_max = z.max(axis=1, keepdims=True)
    return z_max[:, 0] + np.log(np.exp(z - z_max).sum(axis=1)) - z[np.arange(len(y)), y]


def _ce_sum(z, y):
    return len(y) * crossentropy_from_logits(z, y)


def _fresh_bce(rng):
    m = int(rng.integers(4, 15))
    return rng.integers(0, 2, size=m).astype(float), rng.uniform(0.02, 0.98, size=m), float(rng.uniform(1, 10))


def _fresh_logits(rng):
    m = int(rng.integers(2, 7))
    return rng.normal(0, 3, size=(m, 4)) + rng.choice([0.0, 900.0]), rng.integers(0, 4, size=m)


def _fresh_smoothed(rng):
    m = int(rng.integers(2, 7))
    return rng.normal(0, 2, size=(m, 4)), np.eye(4)[rng.integers(0, 4, m)], float(rng.uniform(0.05, 0.4))


EXERCISES = [
    Exercise(
        id="03.1",
        title="La pérdida cuantil (pinball)",
        verify=_verify_quantile,
        solution=quantile_loss,
        hint=("la pérdida castiga distinto quedarse corto y pasarse: con τ = 0,9, quedarse corto (ŷ < y) cuesta 9 "
              "veces más que pasarse lo mismo, y por eso el mínimo se alcanza en el percentil 90.",
              "calcula el vector e = y − ŷ y elige elemento a elemento entre los dos tramos (con `np.where`, o "
              "fijándote en que la pérdida de cada ejemplo es el MAYOR de τ·e y (τ − 1)·e); después, la media."),
        mistakes=[
            (lambda y, p, t: np.mean(np.maximum(t * (p - y), (t - 1) * (p - y))), "el error está al revés"),
            (lambda y, p, t: np.mean(t * np.abs(y - p)), "los dos lados por τ"),
            (lambda y, p, t: np.mean(np.abs(y - p)), "error absoluto medio"),
            (lambda y, p, t: np.sum(np.maximum(t * (y - p), (t - 1) * (y - p))), "dividir entre m"),
        ],
        fresh=_fresh_quantile,
        forbidden=("sklearn.metrics.mean_pinball_loss",),
    ),
    Exercise(
        id="03.2",
        title="La entropía cruzada binaria ponderada",
        verify=_verify_bce,
        solution=weighted_binary_crossentropy,
        hint=("es la entropía cruzada binaria de la sección 3 con un cambio: el término de los ejemplos positivos "
              "(y = 1) se multiplica por w₁; el de los negativos queda igual.",
              "calcula, para cada ejemplo a la vez con arrays, el término de los positivos (y·log p) y el de los "
              "negativos ((1 − y)·log(1 − p)); pondera solo el primero y no olvides el signo menos ni la media."),
        mistakes=[
            (lambda y, p, w: -np.mean(y * np.log(p) + w * (1 - y) * np.log(1 - p)), "clase POSITIVA"),
            (lambda y, p, w: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), "falta el peso"),
            (lambda y, p, w: np.mean(w * y * np.log(p) + (1 - y) * np.log(1 - p)), "signo"),
            (lambda y, p, w: -np.sum(w * y * np.log(p) + (1 - y) * np.log(1 - p)), "dividir entre m"),
        ],
        fresh=_fresh_bce,
    ),
    Exercise(
        id="03.3",
        title="Entropía cruzada estable a partir de logits",
        verify=_verify_ce_logits,
        solution=crossentropy_from_logits,
        hint=("la pérdida de un ejemplo es −log softmax(z)_c = log Σⱼ e^(zⱼ) − z_c: no hace falta calcular el "
              "softmax. El problema es e^1000, que desborda; resta antes el máximo de cada fila y vuelve a sumarlo "
              "fuera del logaritmo.",
              "`z[np.arange(m), y]` toma de cada fila el logit de su clase correcta; el máximo por filas con "
              "`keepdims=True` encaja con z al restar. Al final, un solo número: la media."),
        mistakes=[
            (_ce_naive, "desborda"),
            (_ce_without_max, "no lo volviste a sumar"),
            (_ce_per_example, "un solo número"),
            (_ce_sum, "dividir entre m"),
        ],
        fresh=_fresh_logits,
        forbidden=("course_lib.nn.SparseCategoricalCrossentropy", "course_lib.nn.CategoricalCrossentropy",
                   "course_lib.nn.losses.Loss.__call__", "sklearn.metrics.log_loss", "scipy.special.logsumexp",
                   "scipy.special.log_softmax", "torch.nn.functional.cross_entropy"),
    ),
    Exercise(
        id="03.4",
        title="El gradiente de softmax + entropía cruzada con etiquetas suavizadas",
        verify=_verify_gradient,
        solution=smoothed_crossentropy_gradient,
        hint=("en la deducción de ∂J/∂z = (ŷ − y)/m del cuaderno nunca se usó que y fuera one-hot, solo que cada fila de y suma 1. "
              "¿Suman 1 las filas del objetivo suavizado?",
              "construye primero el objetivo suavizado y' (K es el número de columnas de y_onehot) y repite esa cuenta "
              "con y' en lugar de y; no olvides el promedio sobre los m ejemplos."),
        mistakes=[
            (lambda z, y, e: (_softmax(z) - y) / z.shape[0], "sin suavizar"),
            (lambda z, y, e: (_softmax(z) - ((1 - e) * y + e)) / z.shape[0], "entre las K clases"),
            (lambda z, y, e: _softmax(z) - ((1 - e) * y + e / y.shape[1]), "dividir entre m"),
            (lambda z, y, e: (((1 - e) * y + e / y.shape[1]) - _softmax(z)) / z.shape[0], "signo"),
        ],
        fresh=_fresh_smoothed,
        forbidden=("course_lib.nn.CategoricalCrossentropy", "course_lib.nn.SparseCategoricalCrossentropy",
                   "course_lib.nn.losses.Loss.gradient"),
    ),
]
