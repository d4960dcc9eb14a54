"""Ejercicios del capítulo 11: subajuste y sobreajuste."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice

# 11.1 — Diagnóstico a partir de las pérdidas finales: ambas altas y juntas = subajuste.

_OPTIONS_11_1 = ("subajuste", "buen ajuste", "sobreajuste")


_SYNONYMS_11_1 = {
    "underfitting": "subajuste", "underfit": "subajuste", "infraajuste": "subajuste", "sesgo alto": "subajuste",
    "overfitting": "sobreajuste", "overfit": "sobreajuste", "sobreentrenamiento": "sobreajuste",
    "varianza alta": "sobreajuste", "good fit": "buen ajuste", "ajuste correcto": "buen ajuste",
    "bien ajustado": "buen ajuste",
}


def _verify_diagnosis(answer):
    expect_choice(
        answer,
        "subajuste",
        _OPTIONS_11_1,
        synonyms=_SYNONYMS_11_1,
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


# 11.2 — Un caso nuevo de la validación cruzada: pliegues POR GRUPOS. Cuando varios ejemplos vienen del
#        mismo paciente (o la misma máquina, el mismo hablante…), un grupo entero tiene que caer en el mismo
#        pliegue: si no, el modelo valida con casi-copias de lo que entrenó (fuga de datos). Se acepta
#        cualquier reparto válido: k pliegues, cada ejemplo valida una sola vez, ningún grupo partido.

def group_folds(groups, k):
    """k pares (entrenamiento, validación): los grupos (en el orden de np.unique) se reparten en k trozos
    consecutivos como hace KFold con los ejemplos, y cada pliegue valida con todos los ejemplos de sus grupos."""
    groups = np.asarray(groups)
    unique = np.unique(groups)
    sizes = [len(unique) // k + (1 if i < len(unique) % k else 0) for i in range(k)]
    result, start = [], 0
    for size in sizes:
        in_fold = np.isin(groups, unique[start:start + size])
        result.append((np.flatnonzero(~in_fold), np.flatnonzero(in_fold)))
        start += size
    return result


def _folds_by_examples(groups, k):
    """Error típico: KFold sobre los ejemplos, sin mirar los grupos."""
    m = len(groups)
    sizes = [m // k + (1 if i < m % k else 0) for i in range(k)]
    result, start = [], 0
    for size in sizes:
        validation = np.arange(start, start + size)
        result.append((np.setdiff1d(np.arange(m), validation), validation))
        start += size
    return result


def _folds_with_leak(groups, k):
    return [(np.arange(len(groups)), validation) for _, validation in group_folds(groups, k)]


def _group_cases():
    rng = np.random.default_rng(112)
    cases = [(np.repeat([3, 1, 4, 1, 5, 9, 2, 6][:6], [3, 2, 4, 1, 2, 3]), 3),
             (np.array([10, 10, 11, 12, 12, 12, 13, 14, 14, 15]), 5)]
    groups = rng.integers(0, 12, size=40)
    cases.append((groups, 4))
    return cases


def _check_group_folds(got, groups, k):
    """Lanza Incorrect si ``got`` no es un reparto válido en k pliegues por grupos."""
    m = len(groups)
    try:
        got = [(np.asarray(a, dtype=int).ravel(), np.asarray(b, dtype=int).ravel()) for a, b in got]
    except (TypeError, ValueError):
        raise Incorrect("devuelve una lista de pares (índices_entrenamiento, índices_validación).") from None
    if len(got) != k:
        raise Incorrect(f"con k = {k} se esperaban {k} pliegues y devolviste {len(got)}.")
    seen = np.concatenate([validation for _, validation in got])
    for i, (training, validation) in enumerate(got):
        if validation.size == 0:
            raise Incorrect(f"el pliegue {i} no valida con ningún ejemplo: reparte los grupos entre los {k} pliegues.")
        if np.intersect1d(training, validation).size:
            raise Incorrect("hay índices a la vez en entrenamiento y en validación: eso es fuga de datos. Cada pliegue "
                            "entrena con todos los ejemplos que NO valida.")
        if not np.array_equal(np.sort(np.concatenate([training, validation])), np.arange(m)):
            raise Incorrect(f"en el pliegue {i}, entrenamiento y validación juntos no son exactamente los índices 0…m−1: "
                            "se entrena con todos los que no se validan.")
        shared = np.intersect1d(groups[training], groups[validation])
        if shared.size:
            raise Incorrect(f"el grupo {shared[0]} tiene ejemplos en el entrenamiento y en la validación del pliegue {i}: "
                            "el modelo validaría con casi-copias de lo que ya vio (fuga de datos). Reparte GRUPOS "
                            "enteros, no ejemplos.")
    if len(seen) != m or not np.array_equal(np.sort(seen), np.arange(m)):
        raise Incorrect("cada ejemplo debe validarse exactamente una vez entre todos los pliegues.")


def _verify_group_folds(function):
    for groups, k in _group_cases():
        _check_group_folds(call(function, groups.copy(), k), groups, k)


def _fresh_groups(rng):
    """Grupos nuevos en cada comprobación (cualquier reparto válido se acepta: ver ``fresh_check``)."""
    groups = rng.integers(0, int(rng.integers(6, 30)), size=int(rng.integers(20, 80)))
    return groups, int(rng.integers(2, min(6, len(np.unique(groups))) + 1))


def _check_fresh_group_folds(got, groups, k):
    _check_group_folds(got, groups, k)


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


SINONIMOS_REMEDIOS = {
    "aumentar la capacidad": "más capacidad", "más neuronas": "más capacidad", "más capas": "más capacidad",
    "una red más grande": "más capacidad", "red más grande": "más capacidad", "more capacity": "más capacidad",
    "regularizar": "regularizar o parar antes", "regularización": "regularizar o parar antes",
    "parar antes": "regularizar o parar antes", "parada temprana": "regularizar o parar antes",
    "early stopping": "regularizar o parar antes", "dropout": "regularizar o parar antes",
    "más datos": "regularizar o parar antes",
    "bajar η": "bajar la tasa de aprendizaje", "bajar eta": "bajar la tasa de aprendizaje",
    "reducir la tasa de aprendizaje": "bajar la tasa de aprendizaje",
    "una tasa de aprendizaje más pequeña": "bajar la tasa de aprendizaje",
    "bajar el learning rate": "bajar la tasa de aprendizaje", "lower learning rate": "bajar la tasa de aprendizaje",
    "nada": "nada: buen ajuste", "buen ajuste": "nada: buen ajuste", "ninguno": "nada: buen ajuste",
    "no hacer nada": "nada: buen ajuste",
}


def _verify_remedies(answer):
    from ..checks import expect_choices

    expect_choices(answer, REMEDIOS_CORRECTOS, REMEDIOS, key_name="curva", synonyms=SINONIMOS_REMEDIOS,
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
        hint=("no basta con mirar la brecha entre las dos pérdidas: mira también a qué NIVEL se quedan.",
              "compara 1,10 y 1,14 con la pérdida de adivinar al azar (2,30) y con la de una buena red (0,10): ¿a cuál "
              "se parecen más? ¿Qué dice eso del modelo?"),
        mistakes=[
            ("buen ajuste", "ambas altas es subajuste"),
            ("sobreajuste", "casi iguales y ambas altas"),
            ("tal vez", "debe ser una de"),
        ],
    ),
    Exercise(
        id="11.2",
        title="Pliegues por grupos",
        verify=_verify_group_folds,
        solution=group_folds,
        hint=("lo que se reparte entre los pliegues ya no son ejemplos sino GRUPOS: primero decide qué grupos valida "
              "cada pliegue, y después toma todos los ejemplos de esos grupos.",
              "`np.unique(grupos)` da la lista de grupos; repártela en k trozos (como KFold reparte índices) y, para "
              "cada trozo, `np.isin(grupos, trozo)` marca los ejemplos que validan; los demás entrenan."),
        mistakes=[
            (_folds_by_examples, "Reparte GRUPOS"),
            (_folds_with_leak, "fuga de datos"),
            (lambda g, k: group_folds(g, k)[:-1], "se esperaban"),
            (lambda g, k: [(v, t) for t, v in group_folds(g, k)], "validarse exactamente una vez"),
        ],
        fresh=_fresh_groups,
        fresh_check=_check_fresh_group_folds,
        forbidden=("sklearn.model_selection.GroupKFold", "sklearn.model_selection._split.GroupKFold",
                   "sklearn.model_selection.LeaveOneGroupOut", "sklearn.model_selection.StratifiedGroupKFold"),
    ),
    Exercise(
        id="11.3",
        title="Diagnosticar una curva y elegir el remedio",
        verify=_verify_remedies,
        solution=REMEDIOS_CORRECTOS,
        hint=("para cada curva mira tres cosas: ¿baja la pérdida de entrenamiento?, ¿a qué nivel se queda? y ¿sube "
              "la de validación después de un mínimo?",
              "una curva que sube y baja a saltos desde el principio no se parece a ninguna de las de este capítulo: "
              "¿qué hiperparámetro del capítulo 04 produce oscilaciones así?"),
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
