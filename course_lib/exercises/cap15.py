"""Ejercicios del capítulo 15: el proyecto final (métricas de un diagnóstico, umbral y conjuntos)."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choices, expect_close

# --- 15.1 — Sensibilidad y especificidad -------------------------------------------------------------

def sensibilidad_especificidad(y_real, y_pred):
    """Sensibilidad = VP/(VP + FN) (positivos detectados); especificidad = VN/(VN + FP) (negativos respetados)."""
    y_real, y_pred = np.asarray(y_real), np.asarray(y_pred)
    vp = np.sum((y_real == 1) & (y_pred == 1))
    fn = np.sum((y_real == 1) & (y_pred == 0))
    vn = np.sum((y_real == 0) & (y_pred == 0))
    fp = np.sum((y_real == 0) & (y_pred == 1))
    return vp / (vp + fn), vn / (vn + fp)


# Casos con sensibilidad, especificidad, precisión y exactitud distintas entre sí.
_CASOS_METRICAS = [
    (np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]), np.array([1, 1, 1, 0, 0, 0, 0, 0, 1, 1])),
    (np.array([0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0]), np.array([0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0])),
]


def _otras_metricas(y_real, y_pred):
    y_real, y_pred = np.asarray(y_real), np.asarray(y_pred)
    vp = np.sum((y_real == 1) & (y_pred == 1))
    fp = np.sum((y_real == 0) & (y_pred == 1))
    return {"precisión": vp / (vp + fp), "exactitud": np.mean(y_real == y_pred)}


def _verify_metricas(function):
    for y_real, y_pred in _CASOS_METRICAS:
        result = call(function, y_real.copy(), y_pred.copy())
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Incorrect("devuelve una tupla (sensibilidad, especificidad) con dos números.")
        sens, espec = sensibilidad_especificidad(y_real, y_pred)
        otras = _otras_metricas(y_real, y_pred)
        got_sens, got_espec = (float(np.asarray(v)) for v in result)
        if np.isclose(got_sens, espec) and np.isclose(got_espec, sens):
            raise Incorrect("intercambiaste las dos: la sensibilidad mira los positivos reales (VP/(VP + FN)) y la "
                            "especificidad los negativos reales (VN/(VN + FP)).")
        if np.isclose(got_sens, otras["precisión"]):
            raise Incorrect("eso es la precisión, VP/(VP + FP) (de los señalados, cuántos son positivos); la "
                            "sensibilidad es VP/(VP + FN): de los positivos reales, cuántos detectas.")
        if np.isclose(got_sens, otras["exactitud"]) or np.isclose(got_espec, otras["exactitud"]):
            raise Incorrect("devolviste la exactitud (aciertos/total), que mezcla las dos clases; calcula cada "
                            "métrica solo con los ejemplos de su clase real.")
        expect_close([got_sens, got_espec], [sens, espec], name="(sensibilidad, especificidad)")


# --- 15.2 — El umbral de menor coste ----------------------------------------------------------------

UMBRALES = np.round(np.arange(0.01, 1.0, 0.01), 2)


def umbral_de_menor_coste(y_real, probabilidades, coste_fn, coste_fp):
    """El umbral u de UMBRALES que minimiza coste_fn·FN + coste_fp·FP al decidir positivo si p ≥ u (empate: el menor)."""
    y_real, probabilidades = np.asarray(y_real), np.asarray(probabilidades)
    costes = []
    for u in UMBRALES:
        positivo = probabilidades >= u
        costes.append(coste_fn * np.sum(~positivo & (y_real == 1)) + coste_fp * np.sum(positivo & (y_real == 0)))
    return float(UMBRALES[np.argmin(costes)])


def _costes(y_real, p, coste_fn, coste_fp, estricto=False):
    positivo = p[None, :] > UMBRALES[:, None] if estricto else p[None, :] >= UMBRALES[:, None]
    return coste_fn * np.sum(~positivo & (y_real == 1), axis=1) + coste_fp * np.sum(positivo & (y_real == 0), axis=1)


def _caso_umbral():
    rng = np.random.default_rng(15)
    y_real = (rng.random(200) < 0.3).astype(int)
    # Probabilidades con dos decimales, algunas justo en un umbral (para notar > frente a ≥).
    p = np.clip(np.round(np.where(y_real == 1, rng.beta(5, 2, 200), rng.beta(2, 5, 200)), 2), 0.0, 1.0)
    return y_real, p


_COSTES_PRUEBA = [(10, 1), (1, 1), (3, 2)]


def _alternativas(y_real, p, coste_fn, coste_fp):
    """Lo que darían los errores típicos, para reconocerlos."""
    c = _costes(y_real, p, coste_fn, coste_fp)
    exactitud = [np.mean((p >= u) == y_real) for u in UMBRALES]
    return {
        "el más alto": float(UMBRALES[len(c) - 1 - np.argmin(c[::-1])]),
        "costes cambiados": float(UMBRALES[np.argmin(_costes(y_real, p, coste_fp, coste_fn))]),
        "exactitud": float(UMBRALES[np.argmax(exactitud)]),
        "estricto": float(UMBRALES[np.argmin(_costes(y_real, p, coste_fn, coste_fp, estricto=True))]),
    }


def _verify_umbral(function):
    y_real, p = _caso_umbral()
    got = [call(function, y_real.copy(), p.copy(), fn, fp) for fn, fp in _COSTES_PRUEBA]
    expected = [umbral_de_menor_coste(y_real, p, fn, fp) for fn, fp in _COSTES_PRUEBA]
    alternativas = [_alternativas(y_real, p, fn, fp) for fn, fp in _COSTES_PRUEBA]
    mistakes = [
        ([a["costes cambiados"] for a in alternativas], "intercambiaste los costes: un falso negativo (un positivo que "
         "se decide negativo) cuesta coste_fn; un falso positivo, coste_fp."),
        ([a["exactitud"] for a in alternativas], "maximizaste la exactitud, que trata igual los dos errores; aquí cada "
         "error tiene su coste: minimiza coste_fn·FN + coste_fp·FP."),
        ([a["el más alto"] for a in alternativas], "entre umbrales empatados devolviste el más alto; se pide el más "
         "bajo (np.argmin devuelve el primer mínimo)."),
        ([a["estricto"] for a in alternativas], "decides «positivo» cuando p > umbral; se pide p ≥ umbral."),
    ]
    if any(np.ndim(g) != 0 for g in got):
        raise Incorrect("devuelve un solo número: el umbral elegido.")
    if not all(np.any(np.isclose(float(g), UMBRALES)) for g in got):
        raise Incorrect("el umbral debe ser uno de los de UMBRALES (0,01, 0,02, …, 0,99).")
    expect_close(got, expected, name="el umbral", mistakes=mistakes)


# --- 15.3 — ¿Con qué conjunto? -----------------------------------------------------------------------

CONJUNTOS = ("entrenamiento", "validación", "prueba")

CONJUNTO_CORRECTO = {
    "calcular la media y la desviación para estandarizar": "entrenamiento",
    "ajustar los pesos de la red": "entrenamiento",
    "decidir cuándo para la parada temprana": "validación",
    "elegir entre 2 o 3 capas ocultas": "validación",
    "elegir el umbral de decisión": "validación",
    "dar la cifra de sensibilidad del informe final": "prueba",
}

_POR_QUE_CONJUNTO = {
    ("calcular la media y la desviación para estandarizar", "validación"):
        "el escalador aprende de los datos como los pesos: se ajusta solo con el entrenamiento y luego se aplica, "
        "tal cual, a la validación y a la prueba.",
    ("calcular la media y la desviación para estandarizar", "prueba"):
        "usar la prueba para el escalador es fuga de datos: la prueba debe ser datos que el modelo nunca ha visto.",
    ("ajustar los pesos de la red", "validación"):
        "si los pesos se ajustan con la validación, ya no puede medir la generalización.",
    ("ajustar los pesos de la red", "prueba"):
        "entrenar con la prueba es la peor fuga: la estimación final saldría optimista.",
    ("decidir cuándo para la parada temprana", "entrenamiento"):
        "la pérdida de entrenamiento casi siempre sigue bajando; la parada temprana vigila la de validación.",
    ("elegir entre 2 o 3 capas ocultas", "entrenamiento"):
        "con el entrenamiento ganaría siempre la red más grande (la que más memoriza): se elige con la validación.",
    ("elegir el umbral de decisión", "entrenamiento"):
        "en el entrenamiento las probabilidades son demasiado buenas (la red ya vio esos casos): el umbral saldría "
        "demasiado optimista; se elige con la validación.",
    ("dar la cifra de sensibilidad del informe final", "validación"):
        "la validación ya se usó para decidir (umbral, arquitectura), así que su cifra es optimista; la del informe "
        "sale de la prueba.",
    ("dar la cifra de sensibilidad del informe final", "entrenamiento"):
        "la del entrenamiento mide la memoria, no la generalización: el informe usa la prueba.",
}


def _explica_conjunto(decision, elegido, correcto):
    if (decision, elegido) in _POR_QUE_CONJUNTO:
        return _POR_QUE_CONJUNTO[decision, elegido]
    if elegido == "prueba":
        return ("la prueba no decide nada; solo se usa una vez, al final, para estimar el rendimiento. Si decide "
                "algo, deja de ser una estimación honesta.")
    return f"aquí toca el conjunto de {correcto}."


def _verify_conjuntos(answer):
    expect_choices(answer, CONJUNTO_CORRECTO, CONJUNTOS, _explica_conjunto, key_name="decisión")


def _cambia_conjunto(decision, conjunto):
    return {**CONJUNTO_CORRECTO, decision: conjunto}


EXERCISES = [
    Exercise(
        id="15.1",
        title="Sensibilidad y especificidad",
        verify=_verify_metricas,
        solution=sensibilidad_especificidad,
        hint="VP = np.sum((y_real == 1) & (y_pred == 1)); igual para FN, VN y FP.",
        mistakes=[
            (lambda r, p: sensibilidad_especificidad(r, p)[::-1], "intercambiaste"),
            (lambda r, p: (_otras_metricas(r, p)["precisión"], sensibilidad_especificidad(r, p)[1]), "precisión"),
            (lambda r, p: (np.mean(np.asarray(r) == np.asarray(p)),) * 2, "exactitud"),
            (lambda r, p: sensibilidad_especificidad(r, p)[0], "tupla"),
        ],
    ),
    Exercise(
        id="15.2",
        title="El umbral de menor coste",
        verify=_verify_umbral,
        solution=umbral_de_menor_coste,
        hint="para cada u de UMBRALES: positivo = probabilidades >= u; FN = positivos reales con positivo False; "
             "guarda los costes en una lista y usa np.argmin.",
        mistakes=[
            (lambda y, p, fn, fp: umbral_de_menor_coste(y, p, fp, fn), "intercambiaste los costes"),
            (lambda y, p, fn, fp: float(UMBRALES[np.argmax([np.mean((p >= u) == y) for u in UMBRALES])]),
             "maximizaste la exactitud"),
            (lambda y, p, fn, fp: float(UMBRALES[::-1][np.argmin(_costes(y, p, fn, fp)[::-1])]), "el más alto"),
            (lambda y, p, fn, fp: float(UMBRALES[np.argmin(_costes(y, p, fn, fp, estricto=True))]), "p > umbral"),
            (lambda y, p, fn, fp: 0.5, "no coincide"),
        ],
    ),
    Exercise(
        id="15.3",
        title="¿Con qué conjunto?",
        verify=_verify_conjuntos,
        solution=CONJUNTO_CORRECTO,
        hint="entrenamiento: lo que aprende de los datos; validación: lo que decides tú; prueba: la cifra final.",
        mistakes=[
            (_cambia_conjunto("calcular la media y la desviación para estandarizar", "prueba"), "fuga de datos"),
            (_cambia_conjunto("elegir el umbral de decisión", "prueba"), "la prueba no decide nada"),
            (_cambia_conjunto("elegir entre 2 o 3 capas ocultas", "entrenamiento"), "la red más grande"),
            (_cambia_conjunto("dar la cifra de sensibilidad del informe final", "validación"), "optimista"),
            (_cambia_conjunto("decidir cuándo para la parada temprana", "entrenamiento"), "vigila la de validación"),
            (_cambia_conjunto("ajustar los pesos de la red", "validación"), "ya no puede medir"),
            (_cambia_conjunto("elegir el umbral de decisión", "test"), "responde con una de"),
        ],
    ),
]
