"""Ejercicios del capítulo 11: subajuste y sobreajuste."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close

# 11.1 — Diagnóstico a partir de las pérdidas finales: ambas altas y juntas = subajuste.

_OPTIONS_11_1 = ("subajuste", "buen ajuste", "sobreajuste")


def _verify_diagnosis(answer):
    if isinstance(answer, str):
        answer = answer.strip().lower()
    expect_choice(
        answer,
        "subajuste",
        _OPTIONS_11_1,
        explanations={
            "buen ajuste": (
                "la brecha es pequeña, pero eso no basta: las dos pérdidas (≈ 1,1) son altas, a medio camino "
                "entre adivinar al azar (2,30) y una buena red (0,10). Un buen ajuste exige pérdidas BAJAS y "
                "cercanas; ambas altas es subajuste."
            ),
            "sobreajuste": (
                "en el sobreajuste la pérdida de entrenamiento es mucho menor que la de validación, o la de "
                "validación sube; aquí son casi iguales y ambas altas."
            ),
        },
    )


# 11.2 — Pliegues de la validación cruzada sin barajar (como sklearn.model_selection.KFold).

def folds(m, k):
    sizes = [m // k + (1 if i < m % k else 0) for i in range(k)]
    result, start = [], 0
    for size in sizes:
        validation = np.arange(start, start + size)
        training = np.concatenate([np.arange(0, start), np.arange(start + size, m)]).astype(int)
        result.append((training, validation))
        start += size
    return result


def _folds_dropping_remainder(m, k):
    size = m // k
    return [(np.concatenate([np.arange(0, i * size), np.arange((i + 1) * size, m)]).astype(int),
             np.arange(i * size, (i + 1) * size)) for i in range(k)]


def _folds_with_leak(m, k):
    return [(np.arange(m), validation) for _, validation in folds(m, k)]


def _folds_remainder_last(m, k):
    size = m // k
    result = []
    for i in range(k):
        stop = (i + 1) * size if i < k - 1 else m
        validation = np.arange(i * size, stop)
        result.append((np.setdiff1d(np.arange(m), validation), validation))
    return result


def _verify_folds(function):
    for m, k in [(20, 5), (23, 5), (10, 3), (7, 7)]:
        got = call(function, m, k)
        expected = folds(m, k)
        try:
            got = [(np.asarray(a), np.asarray(b)) for a, b in got]
        except (TypeError, ValueError):
            raise Incorrect(
                "pliegues(m, k) debe devolver una lista de pares (índices_entrenamiento, índices_validación)."
            ) from None
        if len(got) != k:
            raise Incorrect(f"con m = {m} y k = {k} se esperaban {k} pliegues y devolviste {len(got)}.")
        all_validation = np.concatenate([b for _, b in got]) if got else np.array([])
        for (training, validation), (exp_training, exp_validation) in zip(got, expected):
            if np.intersect1d(training, validation).size:
                raise Incorrect(
                    "hay índices que están a la vez en entrenamiento y en validación: eso es fuga de datos. "
                    "El pliegue de validación debe quedar fuera del entrenamiento."
                )
        if len(all_validation) != m or not np.array_equal(np.sort(all_validation), np.arange(m)):
            if len(all_validation) < m:
                raise Incorrect(
                    f"con m = {m} y k = {k} tus pliegues de validación cubren {len(all_validation)} ejemplos, no "
                    f"{m}: parece que descartas el resto de m // k. Reparte los m mod k ejemplos sobrantes, uno "
                    "por pliegue, en los primeros pliegues."
                )
            raise Incorrect("cada índice 0…m−1 debe aparecer exactamente una vez en validación.")
        for i, ((training, validation), (exp_training, exp_validation)) in enumerate(zip(got, expected)):
            if not np.array_equal(validation, exp_validation):
                raise Incorrect(
                    f"con m = {m} y k = {k} el pliegue {i} debería validar con {exp_validation.tolist()} y valida "
                    f"con {validation.tolist()}. Recuerda: trozos consecutivos y los m mod k PRIMEROS llevan un "
                    "ejemplo más (como KFold)."
                )
            if not np.array_equal(np.sort(training), exp_training):
                raise Incorrect(f"el pliegue {i} debe entrenar con todos los índices que no son de validación.")


# 11.3 — Sesgo² y varianza promediados sobre los puntos.

def bias_variance(P, f):
    P = np.asarray(P, dtype=float)
    mean = P.mean(axis=0)
    return float(np.mean((mean - f) ** 2)), float(np.mean(P.var(axis=0)))


def _test_case():
    rng = np.random.default_rng(11)
    x = np.linspace(0, 1, 7)
    f = np.sin(2 * np.pi * x)
    P = f + 0.4 * x + rng.normal(0, 0.5, (6, 7))
    return P, f


def _verify_bias_variance(function):
    P, f = _test_case()
    got = call(function, P.copy(), f.copy())
    try:
        got = tuple(float(v) for v in got)
    except (TypeError, ValueError):
        raise Incorrect("sesgo_varianza debe devolver una tupla de dos números (sesgo2, varianza).") from None
    if len(got) != 2:
        raise Incorrect(f"se esperaban dos números (sesgo2, varianza) y devolviste {len(got)}.")
    bias2, variance = bias_variance(P, f)
    mean = P.mean(axis=0)
    expect_close(
        got[0],
        bias2,
        name="el sesgo²",
        mistakes=[
            (np.mean(mean - f), "el sesgo² debe elevar al cuadrado la diferencia (media de las predicciones − f) "
                                "en cada punto ANTES de promediar sobre los puntos."),
            (np.mean(mean - f) ** 2, "primero eleva al cuadrado (ȳ(x) − f(x)) en cada punto y después promedia; "
                                     "no al revés."),
            (np.sqrt(bias2), "devolviste la raíz del sesgo²: no hace falta la raíz."),
            (np.mean((P - f) ** 2), "eso es sesgo² + varianza (el error medio frente a f), no solo el sesgo²."),
        ],
    )
    expect_close(
        got[1],
        variance,
        name="la varianza",
        mistakes=[
            (np.mean(P.var(axis=0, ddof=1)), "dividiste entre R − 1; en la sección 4 la varianza divide entre R "
                                            "(np.var con ddof=0)."),
            (np.mean(P.var(axis=1)), "calculaste la varianza a lo largo de los puntos (axis=1); debe ser a lo largo "
                                     "de los R modelos (axis=0), en cada punto."),
            (np.mean(P.std(axis=0)), "devolviste la desviación típica; la varianza es su cuadrado."),
        ],
    )


EXERCISES = [
    Exercise(
        id="11.1",
        title="Diagnóstico con dos pérdidas",
        verify=_verify_diagnosis,
        solution="subajuste",
        hint="no basta con mirar la brecha: compara también el nivel de las pérdidas con 2,30 (azar) y 0,10.",
        mistakes=[
            ("buen ajuste", "ambas altas es subajuste"),
            ("sobreajuste", "casi iguales y ambas altas"),
            ("tal vez", "debe ser una de"),
        ],
    ),
    Exercise(
        id="11.2",
        title="Pliegues de la validación cruzada",
        verify=_verify_folds,
        solution=folds,
        hint="calcula el tamaño de cada trozo (m // k, más 1 en los m % k primeros) y avanza un índice de inicio.",
        mistakes=[
            (_folds_dropping_remainder, "descartas el resto"),
            (_folds_with_leak, "fuga de datos"),
            (_folds_remainder_last, "los m mod k PRIMEROS"),
            (lambda m, k: folds(m, k)[:-1], "se esperaban"),
        ],
    ),
    Exercise(
        id="11.3",
        title="Sesgo² y varianza",
        verify=_verify_bias_variance,
        solution=bias_variance,
        hint="ȳ = P.mean(axis=0); sesgo² = media de (ȳ − f)²; varianza = media de P.var(axis=0).",
        mistakes=[
            (lambda P, f: (np.mean(P.mean(0) - f), np.mean(P.var(0))), "ANTES de promediar"),
            (lambda P, f: (np.mean((P - f) ** 2), np.mean(P.var(0))), "sesgo² + varianza"),
            (lambda P, f: (bias_variance(P, f)[0], np.mean(P.var(axis=0, ddof=1))), "R − 1"),
            (lambda P, f: (bias_variance(P, f)[0], np.mean(P.var(axis=1))), "axis=0"),
            (lambda P, f: (bias_variance(P, f)[0], np.mean(P.std(axis=0))), "desviación típica"),
            (lambda P, f: 0.5, "tupla de dos números"),
        ],
    ),
]
