"""Ejercicios del capítulo 00: introducción (IA, aprendizaje automático y cómo usar el curso)."""

import numpy as np

from ..checks import Exercise, Incorrect, Pending, call, expect_choice, expect_close, match_option

# 00.1 — Programación clásica: la regla escrita a mano, al revés que en el cuaderno (ejemplo resuelto):
#        de Fahrenheit a Celsius, C = (F − 32) / 1,8.

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
    if not isinstance(answer, dict):
        raise Incorrect(
            f"se esperaba un diccionario como {{'a': 'supervisado', ...}}; recibí un valor de tipo {type(answer).__name__}."
        )
    missing = [key for key in SCENARIOS if key not in answer]
    if missing:
        raise Incorrect(f"faltan los casos {', '.join(missing)}: el diccionario debe tener las claves 'a', 'b', 'c' y 'd'.")
    for key, expected in SCENARIOS.items():
        value = answer[key]
        if value is None or value is Ellipsis:
            raise Pending(f"todavía falta responder el caso {key!r}.")
        kind = match_option(value, LEARNING_KINDS) if isinstance(value, str) else None
        if kind is None:
            raise Incorrect(
                f"caso {key!r}: la respuesta debe ser una de {', '.join(map(repr, LEARNING_KINDS))}; recibí {value!r}."
            )
        if kind != expected:
            raise Incorrect(f"caso {key!r}: {SCENARIO_REASONS[key]}")


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


# 00.5 — La exactitud: qué fracción de predicciones acierta.

def accuracy(y_true, y_pred):
    return np.mean(np.asarray(y_true) == np.asarray(y_pred))


ACCURACY_CASES = [
    (np.array([0, 1, 1, 0, 1, 2, 2, 0]), np.array([0, 1, 0, 0, 1, 2, 1, 0])),
    (np.array([1, 1, 1, 1, 0]), np.array([1, 0, 1, 1, 0])),
    (np.array(["Adelie", "Gentoo", "Chinstrap"]), np.array(["Adelie", "Gentoo", "Gentoo"])),
]


def _verify_accuracy(function):
    for y_true, y_pred in ACCURACY_CASES:
        got = call(function, y_true.copy(), y_pred.copy())
        hits = float(np.sum(y_true == y_pred))
        m = len(y_true)
        expected = hits / m
        expect_close(
            got,
            expected,
            name="la exactitud",
            mistakes=[
                (1 - expected, "calculaste la tasa de error (fallos/total), no la exactitud (aciertos/total)."),
                (100 * expected, "devolviste un porcentaje; la exactitud se expresa como fracción entre 0 y 1."),
            ],
            m=m,
        )


EXERCISES = [
    Exercise(
        id="00.1",
        title="Programación clásica: de Fahrenheit a Celsius",
        verify=_verify_celsius,
        solution=celsius,
        hint="despeja C en F = 1,8·C + 32: C = (F − 32) / 1,8. Funciona igual con un número que con un array.",
        mistakes=[
            (lambda f: f - 32 / 1.8, "faltan paréntesis"),
            (lambda f: f / 1.8, "falta restar 32"),
            (lambda f: f - 32, "falta dividir entre 1,8"),
            (lambda f: 1.8 * f + 32, "aquí se pide la inversa"),
            (lambda f: (f - 32) * 1.8, "no multiplicar"),
            (lambda f: (f - 30) / 2, "no coincide con lo esperado"),
        ],
    ),
    Exercise(
        id="00.2",
        title="IA, aprendizaje automático y aprendizaje profundo",
        verify=_verify_nesting,
        solution="b",
        hint="piensa en tres círculos, uno dentro de otro: ¿cuál es el más grande?",
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
        hint="pregúntate en cada caso: ¿hay etiquetas puestas por alguien?, ¿salen de los propios datos?, "
        "¿hay solo recompensas?",
        mistakes=[
            ({**SCENARIOS, "a": "no supervisado"}, "caso 'a'"),
            ({**SCENARIOS, "c": "supervisado"}, "recompensas"),
            ({**SCENARIOS, "d": "no supervisado"}, "autosupervisado"),
            ({**SCENARIOS, "b": "clustering"}, "debe ser una de"),
            ({"a": "supervisado"}, "faltan los casos"),
            (["supervisado"], "diccionario"),
        ],
    ),
    Exercise(
        id="00.4",
        title="¿Quién inventó el aprendizaje profundo?",
        verify=_verify_history,
        solution="b",
        hint="repasa la cronología de la sección 2.",
        mistakes=[
            ("a", "no tiene un único inventor"),
            ("c", "McCulloch y Pitts"),
            ("d", "perceptrón de Rosenblatt"),
        ],
    ),
    Exercise(
        id="00.5",
        title="La exactitud de un clasificador",
        verify=_verify_accuracy,
        solution=accuracy,
        hint="compara los dos arrays elemento a elemento con == y calcula la media de los aciertos.",
        mistakes=[
            (lambda y, p: np.sum(y == p), "dividir entre m"),
            (lambda y, p: np.mean(y != p), "tasa de error"),
            (lambda y, p: 100 * np.mean(y == p), "porcentaje"),
            (lambda y, p: y == p, "forma"),
        ],
    ),
]
