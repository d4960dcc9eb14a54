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


# 11.3 — Cuatro curvas de entrenamiento: diagnóstico y remedio (incluye una η demasiado grande, del capítulo 04).

REMEDIOS = ("más capacidad", "regularizar o parar antes", "bajar la tasa de aprendizaje", "nada: buen ajuste")


def curvas_11_3():
    """Cuatro historias esquemáticas de 40 épocas, {"A": {"loss": …, "val_loss": …}, …}, deterministas."""
    epocas = np.arange(1, 41)
    rng = np.random.default_rng(113)
    ruido = lambda escala: escala * rng.normal(size=epocas.size)  # noqa: E731
    a_ent = 2.3 * np.exp(-epocas / 5) + 0.01
    a_val = 0.45 + 2.0 * np.exp(-epocas / 4.5) + 0.012 * np.maximum(epocas - 12, 0) + ruido(0.01)
    b_ent = np.clip(1.7 + 0.5 * np.sin(1.7 * epocas) + ruido(0.25), 0.8, None)
    b_val = np.clip(1.8 + 0.6 * np.sin(1.7 * epocas + 1) + ruido(0.3), 0.8, None)
    c_ent = 1.10 + 1.2 * np.exp(-epocas / 3) + ruido(0.01)
    c_val = 1.14 + 1.2 * np.exp(-epocas / 3) + ruido(0.01)
    d_ent = 0.06 + 2.2 * np.exp(-epocas / 4) + ruido(0.005)
    d_val = 0.12 + 2.2 * np.exp(-epocas / 4) + ruido(0.008)
    return {"A": {"loss": a_ent, "val_loss": a_val}, "B": {"loss": b_ent, "val_loss": b_val},
            "C": {"loss": c_ent, "val_loss": c_val}, "D": {"loss": d_ent, "val_loss": d_val}}


REMEDIOS_CORRECTOS = {"A": "regularizar o parar antes", "B": "bajar la tasa de aprendizaje",
                      "C": "más capacidad", "D": "nada: buen ajuste"}

_EXPLICACIONES_11_3 = {
    "A": "la pérdida de entrenamiento llega casi a 0 mientras la de validación, tras su mínimo hacia la época 12, "
         "SUBE: es sobreajuste. Se combate regularizando (dropout, L2, más datos) o parando en el mínimo "
         "(parada temprana, capítulo 12).",
    "B": "las dos pérdidas suben y bajan a saltos desde el principio y ni siquiera la de entrenamiento baja: el "
         "descenso de gradiente rebota de un lado a otro del valle. Es el síntoma de una tasa de aprendizaje "
         "demasiado grande (capítulo 04); ni más capacidad ni regularizar lo arreglan.",
    "C": "las dos pérdidas se estancan juntas en ≈ 1,1, lejos de 0: es subajuste. Que la brecha sea pequeña no "
         "basta; hace falta más capacidad (más neuronas o capas), y regularizar lo empeoraría.",
    "D": "ambas pérdidas son bajas y cercanas: es un buen ajuste y no hay nada que corregir.",
}


def _verify_remedies(answer):
    from ..checks import expect_choices

    expect_choices(answer, REMEDIOS_CORRECTOS, REMEDIOS, key_name="curva",
                   explain=lambda curva, elegido, correcto: f"«{elegido}» no es el remedio; "
                                                            f"{_EXPLICACIONES_11_3[curva]}")


def _cambia_11_3(curva, remedio):
    return {**REMEDIOS_CORRECTOS, curva: remedio}


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
        title="Diagnosticar una curva y elegir el remedio",
        verify=_verify_remedies,
        solution=REMEDIOS_CORRECTOS,
        hint="para cada curva mira tres cosas: ¿baja la pérdida de entrenamiento?, ¿a qué nivel se queda? y ¿sube la "
             "de validación después de un mínimo?",
        mistakes=[
            (_cambia_11_3("A", "más capacidad"), "SUBE: es sobreajuste"),
            (_cambia_11_3("B", "más capacidad"), "tasa de aprendizaje demasiado grande"),
            (_cambia_11_3("B", "regularizar o parar antes"), "rebota"),
            (_cambia_11_3("C", "regularizar o parar antes"), "es subajuste"),
            (_cambia_11_3("C", "nada: buen ajuste"), "la brecha sea pequeña no basta"),
            (_cambia_11_3("D", "más capacidad"), "buen ajuste"),
            (_cambia_11_3("A", "quizá"), "responde con una de"),
            (["A"], "diccionario"),
        ],
    ),
]
