"""Ejercicios del capítulo 00: introducción (IA, aprendizaje automático y cómo usar el curso)."""

import numpy as np

from ..checks import Exercise, call, expect_choice, expect_choices, expect_close

# 00.1 — Ejemplo resuelto (sección 5.3 del cuaderno): la regla escrita a mano, al revés que en la
#        sección 3.1: de Fahrenheit a Celsius, C = (F − 32) / 1,8. Muestra cómo funciona check.

FAHRENHEIT_TEST = np.array([-40.0, 14.0, 32.0, 54.5, 98.6, 212.0])


def celsius(fahrenheit):
    return (fahrenheit - 32) / 1.8


def _verify_celsius(function):
    got = call(function, FAHRENHEIT_TEST.copy())
    expect_close(
        got,
        (FAHRENHEIT_TEST - 32) / 1.8,
        name="la temperatura en grados Celsius",
        mistakes=[
            (FAHRENHEIT_TEST - 32 / 1.8, "faltan paréntesis: primero se resta 32 y después se divide el resultado "
                                         "entre 1,8, C = (F − 32) / 1,8."),
            (FAHRENHEIT_TEST / 1.8, "falta restar 32: la regla es C = (F − 32) / 1,8."),
            (FAHRENHEIT_TEST - 32, "falta dividir entre 1,8 (= 9/5): la regla es C = (F − 32) / 1,8."),
            (1.8 * FAHRENHEIT_TEST + 32, "esa es la conversión de Celsius a Fahrenheit; aquí se pide la inversa."),
            ((FAHRENHEIT_TEST - 32) * 1.8, "hay que dividir entre 1,8, no multiplicar: C = (F − 32) / 1,8."),
            (FAHRENHEIT_TEST / 1.8 - 32, "el orden no es ese: primero se resta 32 y después se divide entre 1,8."),
        ],
    )


# 00.2 — IA, aprendizaje automático y aprendizaje profundo.

NESTING_OPTIONS = ("a", "b", "c", "d")
NESTING_EXPLANATIONS = {
    "a": "no son sinónimos: el aprendizaje profundo es solo una parte del aprendizaje automático, "
    "que a su vez es una parte de la IA.",
    "c": "es al revés: la IA es el campo más amplio y contiene al aprendizaje automático.",
    "d": "el aprendizaje profundo no es una rama aparte: es un subcampo del aprendizaje automático "
    "basado en redes neuronales con muchas capas.",
}


def _verify_nesting(answer):
    expect_choice(answer, "b", NESTING_OPTIONS, NESTING_EXPLANATIONS)


# 00.3 — Tipos de aprendizaje.

LEARNING_KINDS = ("supervisado", "no supervisado", "por refuerzo", "autosupervisado")
KIND_SYNONYMS = {
    "supervised": "supervisado", "supervised learning": "supervisado",
    "unsupervised": "no supervisado", "unsupervised learning": "no supervisado",
    "refuerzo": "por refuerzo", "reinforcement": "por refuerzo", "reinforcement learning": "por refuerzo",
    "self-supervised": "autosupervisado", "self supervised learning": "autosupervisado",
    "aprendizaje supervisado": "supervisado", "aprendizaje no supervisado": "no supervisado",
    "aprendizaje por refuerzo": "por refuerzo", "aprendizaje autosupervisado": "autosupervisado",
}
SCENARIOS = {
    "a": "supervisado",       # especie a partir de medidas etiquetadas
    "b": "no supervisado",    # agrupar clientes sin etiquetas
    "c": "por refuerzo",      # robot que recibe recompensas
    "d": "autosupervisado",   # predecir la palabra tapada de textos sin etiquetar
}
SCENARIO_REASONS = {
    "a": "hay una etiqueta conocida (la especie) para cada ejemplo: es aprendizaje supervisado.",
    "b": "no hay etiquetas: se buscan grupos en los datos, es aprendizaje no supervisado.",
    "c": "el robot no ve respuestas correctas, solo recompensas por sus acciones: es aprendizaje por refuerzo.",
    "d": "la etiqueta (la palabra tapada) sale de los propios datos, sin anotar nada a mano: es aprendizaje autosupervisado.",
}


def _verify_scenarios(answer):
    expect_choices(answer, SCENARIOS, LEARNING_KINDS, lambda case, chosen, right: SCENARIO_REASONS[case],
                   key_name="caso", synonyms=KIND_SYNONYMS)


# 00.4 — ¿Quién inventó el aprendizaje profundo?

HISTORY_OPTIONS = ("a", "b", "c", "d")
HISTORY_EXPLANATIONS = {
    "a": "Hinton es una figura clave (retropropagación en 1986, redes de creencia profundas en 2006), "
    "pero el aprendizaje profundo no tiene un único inventor.",
    "c": "McCulloch y Pitts propusieron en 1943 un modelo de neurona, no el aprendizaje profundo: "
    "su neurona ni siquiera aprendía sus pesos.",
    "d": "el perceptrón de Rosenblatt (1958) tenía una sola capa de pesos ajustables; faltaban décadas "
    "de trabajo hasta las redes profundas.",
}


def _verify_history(answer):
    expect_choice(answer, "b", HISTORY_OPTIONS, HISTORY_EXPLANATIONS)


# 00.5 — Un caso nuevo para la exactitud: la EXACTITUD EQUILIBRADA (clases desequilibradas).
#        La media, sobre las clases reales, de la fracción de aciertos dentro de cada clase.

def balanced_accuracy(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.mean([np.mean(y_pred[y_true == c] == c) for c in np.unique(y_true)])


BALANCED_CASES = [
    # 8 Adelie y 2 Gentoo; el clasificador dice casi siempre «Adelie».
    (np.array(["Adelie"] * 8 + ["Gentoo"] * 2), np.array(["Adelie"] * 8 + ["Adelie", "Gentoo"])),
    (np.array([0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 0]), np.array([0, 0, 0, 1, 0, 0, 1, 2, 2, 2, 0, 0])),
    (np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]), np.array([1, 0, 0, 0, 0, 0, 0, 0, 1, 0])),
]


def _accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def _mean_over_predicted(y_true, y_pred):
    """Error típico: promediar sobre las clases PREDICHAS (eso es la precisión media por clase)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean([np.mean(y_true[y_pred == c] == c) for c in np.unique(y_pred)]))


def _sum_of_recalls(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.sum([np.mean(y_pred[y_true == c] == c) for c in np.unique(y_true)]))


def _verify_balanced(function):
    for y_true, y_pred in BALANCED_CASES:
        got = call(function, y_true.copy(), y_pred.copy())
        expected = balanced_accuracy(y_true, y_pred)
        expect_close(
            got,
            expected,
            name="la exactitud equilibrada",
            mistakes=[
                (_accuracy(y_true, y_pred), "esa es la exactitud de siempre (aciertos/total): con clases "
                 "desequilibradas la clase grande manda. Calcula la exactitud DENTRO de cada clase real y "
                 "promedia esas cifras, todas con el mismo peso."),
                (_mean_over_predicted(y_true, y_pred), "agrupaste los ejemplos por la clase PREDICHA (eso mide "
                 "la precisión de cada clase); agrúpalos por la clase REAL, y_true."),
                (_sum_of_recalls(y_true, y_pred), "sumaste las exactitudes de cada clase: falta dividir entre el "
                 "número de clases (la media)."),
                (100 * expected, "devolviste un porcentaje; se pide una fracción entre 0 y 1."),
                (1 - expected, "calculaste la tasa de error equilibrada (fallos), no la exactitud."),
            ],
        )


def _fresh_balanced(rng):
    n = int(rng.integers(12, 40))
    y_true = rng.choice(3, size=n, p=[0.7, 0.2, 0.1])
    y_true[:3] = [0, 1, 2]
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, 3, size=n))
    return y_true, y_pred


EXERCISES = [
    Exercise(
        id="00.1",
        title="Programación clásica: de Fahrenheit a Celsius (ejemplo resuelto)",
        verify=_verify_celsius,
        solution=celsius,
        hint=("la regla de la sección 3.1 va de Celsius a Fahrenheit, F = 1,8·C + 32; aquí hay que despejar C.",
              "deshaz las operaciones en orden inverso: lo último que se hizo a C fue sumar 32, así que eso es lo "
              "primero que hay que deshacer (y los paréntesis importan)."),
        mistakes=[
            (lambda f: f - 32 / 1.8, "faltan paréntesis"),
            (lambda f: f / 1.8, "falta restar 32"),
            (lambda f: f - 32, "falta dividir entre 1,8"),
            (lambda f: 1.8 * f + 32, "aquí se pide la inversa"),
            (lambda f: (f - 32) * 1.8, "no multiplicar"),
            (lambda f: (f - 30) / 2, "no coincide con lo esperado"),
        ],
        fresh=lambda rng: (rng.uniform(-60, 250, size=int(rng.integers(3, 9))),),
        worked_example=True,
    ),
    Exercise(
        id="00.2",
        title="IA, aprendizaje automático y aprendizaje profundo",
        verify=_verify_nesting,
        solution="b",
        hint=("piensa en tres círculos, uno dentro de otro: ¿cuál es el más grande y cuál el más pequeño?",
              "¿puede haber IA sin aprendizaje (un programa de ajedrez con reglas escritas a mano)? ¿Y "
              "aprendizaje automático sin redes profundas (el árbol de decisión de la sección 3)?"),
        mistakes=[
            ("a", "no son sinónimos"),
            ("c", "es al revés"),
            ("d", "subcampo del aprendizaje automático"),
            ("e", "debe ser una de"),
        ],
    ),
    Exercise(
        id="00.3",
        title="Tipos de aprendizaje",
        verify=_verify_scenarios,
        solution=dict(SCENARIOS),
        hint=("pregúntate en cada caso quién pone las «respuestas correctas» de las que se aprende.",
              "alguien etiquetó cada ejemplo; la etiqueta sale de los propios datos (una parte tapada); solo hay "
              "una puntuación por lo que se hace; o no hay nada de eso: son los cuatro tipos."),
        mistakes=[
            ({**SCENARIOS, "a": "no supervisado"}, "«a»"),
            ({**SCENARIOS, "c": "supervisado"}, "recompensas"),
            ({**SCENARIOS, "d": "no supervisado"}, "autosupervisado"),
            ({**SCENARIOS, "b": "clustering"}, "responde con una de"),
            (["supervisado"], "diccionario"),
        ],
    ),
    Exercise(
        id="00.4",
        title="¿Quién inventó el aprendizaje profundo?",
        verify=_verify_history,
        solution="b",
        hint=("repasa la cronología de la sección 2: ¿cuántos nombres y cuántas décadas aparecen?",
              "para cada persona de las opciones, mira qué aportó exactamente y si eso, por sí solo, ya era "
              "aprendizaje profundo."),
        mistakes=[
            ("a", "no tiene un único inventor"),
            ("c", "McCulloch y Pitts"),
            ("d", "perceptrón de Rosenblatt"),
        ],
    ),
    Exercise(
        id="00.5",
        title="La exactitud equilibrada",
        verify=_verify_balanced,
        solution=balanced_accuracy,
        hint=("la exactitud cuenta aciertos sobre todos los ejemplos; la equilibrada calcula la exactitud por "
              "separado dentro de cada clase real y da a cada clase el mismo peso.",
              "con `y_true == c` seleccionas los ejemplos de la clase c, y `np.unique(y_true)` da las clases; "
              "para cada una, ¿qué fracción de esos ejemplos tiene la predicción c?"),
        mistakes=[
            (_accuracy, "exactitud de siempre"),
            (_mean_over_predicted, "clase PREDICHA"),
            (_sum_of_recalls, "sumaste"),
            (lambda y, p: 100 * balanced_accuracy(y, p), "porcentaje"),
        ],
        fresh=_fresh_balanced,
        forbidden=("sklearn.metrics.balanced_accuracy_score", "sklearn.metrics.recall_score"),
    ),
]
