"""Ejercicios del capítulo 03: funciones de pérdida y de coste."""

import numpy as np

from ..checks import Exercise, Incorrect, as_array, call, expect_close

# 03.1 — Error cuadrático medio: J = (1/m) Σ (yᵢ − ŷᵢ)².

MSE_CASES = [
    (np.array([1.0, 0.0, 0.0]), np.array([0.4, 0.3, 0.3])),  # el ejemplo de los apuntes: 0,18
    (np.array([3.0, -0.5, 2.0, 7.0, 4.2]), np.array([2.5, 0.0, 2.0, 8.0, 3.1])),
    (np.array([10.0, 20.0]), np.array([12.0, 17.0])),
]


def mean_squared_error(y, y_hat):
    return np.mean((y - y_hat) ** 2)


def _verify_mse(function):
    for y, y_hat in MSE_CASES:
        got = call(function, y.copy(), y_hat.copy())
        e = y - y_hat
        expect_close(
            got,
            np.mean(e**2),
            name="el ECM",
            mistakes=[
                (np.mean(e), "falta elevar al cuadrado: la media de los errores con signo puede ser pequeña aunque "
                 "las predicciones sean malas, porque los errores positivos y negativos se cancelan."),
                (np.mean(np.abs(e)), "eso es el error absoluto medio (EAM); el ECM eleva los errores al cuadrado."),
                (np.sqrt(np.mean(e**2)), "eso es la raíz del ECM (RECM, RMSE); el ECM no lleva raíz cuadrada."),
                (0.5 * np.mean(e**2), "sobra el factor ½: algunos textos lo usan para simplificar la derivada, pero "
                 "el ECM de Keras y scikit-learn es (1/m) Σ (yᵢ − ŷᵢ)²."),
                (np.mean(e) ** 2, "eleva al cuadrado cada error antes de promediar, no la media de los errores."),
            ],
            m=len(y),
        )


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


EXERCISES = [
    Exercise(
        id="03.1",
        title="El error cuadrático medio",
        verify=_verify_mse,
        solution=mean_squared_error,
        hint="calcula los errores y − ŷ, elévalos al cuadrado y haz la media con np.mean.",
        mistakes=[
            (lambda y, p: np.mean(y - p), "falta elevar al cuadrado"),
            (lambda y, p: np.mean(np.abs(y - p)), "error absoluto medio"),
            (lambda y, p: np.sqrt(np.mean((y - p) ** 2)), "raíz"),
            (lambda y, p: np.sum((y - p) ** 2), "dividir entre m"),
            (lambda y, p: 0.5 * np.mean((y - p) ** 2), "factor ½"),
        ],
    ),
    Exercise(
        id="03.2",
        title="La entropía cruzada binaria ponderada",
        verify=_verify_bce,
        solution=weighted_binary_crossentropy,
        hint="para cada ejemplo, −[w₁·y·log p + (1 − y)·log(1 − p)]; después, la media (np.mean).",
        mistakes=[
            (lambda y, p, w: -np.mean(y * np.log(p) + w * (1 - y) * np.log(1 - p)), "clase POSITIVA"),
            (lambda y, p, w: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), "falta el peso"),
            (lambda y, p, w: np.mean(w * y * np.log(p) + (1 - y) * np.log(1 - p)), "signo"),
            (lambda y, p, w: -np.sum(w * y * np.log(p) + (1 - y) * np.log(1 - p)), "dividir entre m"),
        ],
    ),
    Exercise(
        id="03.3",
        title="Entropía cruzada estable a partir de logits",
        verify=_verify_ce_logits,
        solution=crossentropy_from_logits,
        hint="para cada fila, L = log Σⱼ e^(zⱼ) − z_c, con log Σⱼ e^(zⱼ) = M + log Σⱼ e^(zⱼ − M) y M = máx z; "
        "z[np.arange(m), y] toma el logit de la clase correcta de cada ejemplo.",
        mistakes=[
            (_ce_naive, "desborda"),
            (_ce_without_max, "no lo volviste a sumar"),
            (_ce_per_example, "un solo número"),
            (_ce_sum, "dividir entre m"),
        ],
    ),
    Exercise(
        id="03.4",
        title="El gradiente de softmax + entropía cruzada con etiquetas suavizadas",
        verify=_verify_gradient,
        solution=smoothed_crossentropy_gradient,
        hint="construye el objetivo suavizado y' = (1 − ε)·y + ε/K (K = número de columnas) y devuelve "
             "(softmax(z) − y')/m: la misma cuenta del cuaderno con otro objetivo.",
        mistakes=[
            (lambda z, y, e: (_softmax(z) - y) / z.shape[0], "sin suavizar"),
            (lambda z, y, e: (_softmax(z) - ((1 - e) * y + e)) / z.shape[0], "entre las K clases"),
            (lambda z, y, e: _softmax(z) - ((1 - e) * y + e / y.shape[1]), "dividir entre m"),
            (lambda z, y, e: (((1 - e) * y + e / y.shape[1]) - _softmax(z)) / z.shape[0], "signo"),
        ],
    ),
]
