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


# 03.2 — Entropía cruzada binaria media.

BCE_CASES = [
    (np.array([1.0, 0.0, 1.0, 1.0]), np.array([0.9, 0.2, 0.6, 0.35])),
    (np.array([0.0, 0.0, 1.0]), np.array([0.01, 0.5, 0.99])),
]


def binary_crossentropy(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _verify_bce(function):
    for y, p in BCE_CASES:
        got = call(function, y.copy(), p.copy())
        terms = y * np.log(p) + (1 - y) * np.log(1 - p)
        expect_close(
            got,
            -np.mean(terms),
            name="la entropía cruzada binaria",
            mistakes=[
                (-np.mean(y * np.log(p)), "falta el término de la clase negativa, (1 − y)·log(1 − p): sin él, los "
                 "ejemplos con y = 0 no cuentan."),
                (-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)), "usa el logaritmo natural (np.log), no el "
                 "decimal (np.log10)."),
                (-np.mean(p * np.log(y + 1e-300) + (1 - p) * np.log(1 - y + 1e-300)), "has intercambiado las etiquetas y las probabilidades: el "
                 "logaritmo se aplica a la probabilidad predicha p."),
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


def crossentropy_logits_gradient(z, y_onehot):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    y_hat = e / e.sum(axis=1, keepdims=True)
    return (y_hat - y_onehot) / z.shape[0]


def _verify_gradient(function):
    got = call(function, GRAD_LOGITS.copy(), GRAD_ONEHOT.copy())
    m = GRAD_LOGITS.shape[0]
    y_hat = _softmax(GRAD_LOGITS)
    expect_close(
        got,
        (y_hat - GRAD_ONEHOT) / m,
        name="∂J/∂z",
        mistakes=[
            (y_hat / m, "falta restar las etiquetas: ∂J/∂z = (ŷ − y)/m."),
            ((GRAD_LOGITS - GRAD_ONEHOT) / m, "hay que restar y a las probabilidades ŷ = softmax(z), no a los logits z."),
            (-GRAD_ONEHOT / y_hat / m, "eso es ∂J/∂ŷ (el gradiente respecto a las probabilidades); al encadenarlo con "
             "la jacobiana de softmax queda ∂J/∂z = (ŷ − y)/m."),
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
        title="La entropía cruzada binaria",
        verify=_verify_bce,
        solution=binary_crossentropy,
        hint="L = −[y·log p + (1 − y)·log(1 − p)] para cada ejemplo; después, la media.",
        mistakes=[
            (lambda y, p: -np.mean(y * np.log(p)), "(1 − y)·log(1 − p)"),
            (lambda y, p: np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), "signo"),
            (lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)), "dividir entre m"),
            (lambda y, p: -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)), "np.log10"),
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
        title="El gradiente de softmax + entropía cruzada",
        verify=_verify_gradient,
        solution=crossentropy_logits_gradient,
        hint="calcula ŷ = softmax(z) por filas y devuelve (ŷ − y)/m, con m el número de filas.",
        mistakes=[
            (lambda z, y: _softmax(z) - y, "dividir entre m"),
            (lambda z, y: (y - _softmax(z)) / z.shape[0], "signo"),
            (lambda z, y: _softmax(z) / z.shape[0], "falta restar las etiquetas"),
            (lambda z, y: (z - y) / z.shape[0], "no a los logits"),
        ],
    ),
]
