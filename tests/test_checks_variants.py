"""Los correctores aciertan en los dos sentidos: aceptan toda forma normal de escribir una respuesta correcta
y rechazan las incorrectas de cada tipo.

Dos partes:

- **Generales**, para TODOS los ejercicios de todos los capítulos: textos en mayúsculas, con espacios, sin
  tildes, con guiones en lugar de espacios, envueltos en paréntesis o con una muletilla («la opción b»): correctos;
  números (y las salidas reales de una función) redondeados o truncados a 3 cifras significativas: correctos; a 2:
  correctos o «más precisión, por favor», nunca otro diagnóstico; un número escrito como texto con coma decimal:
  correcto. Los recuentos (enteros) son exactos: redondeados a 3 cifras, incorrectos.
- **Los casos de la issue 17** («Checkers»), uno por uno, y su tipo: sinónimos, alias de Keras, listas en prosa,
  términos en inglés, claves en minúscula…
"""

import copy
import re
import unicodedata

import numpy as np
import pytest

from course_lib import checks, nn
from course_lib.checks import CORRECT, INCORRECT, MORE_PRECISION, _round_significant
from course_lib.exercises import all_exercises
from course_lib.exercises import cap00, cap08, cap11, cap14, cap15

EXERCISES = all_exercises()


def _strip_accents(text):
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))


def _text_variants(text):
    variants = {text.upper(), f"  {text} ", text.title(), _strip_accents(text).upper(), f"{text})", f"«{text}»",
                f"{text}."}
    if re.search(r"(?<=\w) (?=\w)", text):
        variants.add(re.sub(r"(?<=\w) (?=\w)", "-", text))
    if len(text) == 1:
        variants |= {f"opción {text}", f"La {text.upper()}", f"({text})", f"respuesta: {text}"}
    return variants


def _is_number(value):
    return isinstance(value, (float, np.floating)) or (
        isinstance(value, np.ndarray) and value.dtype.kind == "f")


def _rounded(value, figures, mode=np.round):
    """Redondea los números reales de ``value`` (también dentro de tuplas, listas y diccionarios)."""
    if _is_number(value):
        result = _round_significant(value, figures, mode)
        return result if isinstance(value, np.ndarray) else float(result)
    if isinstance(value, (tuple, list)):
        return type(value)(_rounded(v, figures, mode) for v in value)
    if isinstance(value, dict):
        return {k: _rounded(v, figures, mode) for k, v in value.items()}
    return value


def _rounded_solution(solution, figures, mode=np.round):
    if callable(solution):
        def rounded(*args, **kwargs):
            return _rounded(solution(*args, **kwargs), figures, mode)
        return rounded
    return _rounded(solution, figures, mode)


def _has_numbers(solution):
    return callable(solution) or _is_number(solution) or (
        isinstance(solution, (tuple, list)) and any(_is_number(v) for v in solution))


TEXT = [ex for ex in EXERCISES if isinstance(ex.solution, (str, dict))]
# 15.2 decide con sus propias probabilidades: redondearlas cambia la decisión y el coste (no es un redondeo del
# resultado); 08.4 y 10.2 devuelven un modelo.
NUMERIC = [ex for ex in EXERCISES if _has_numbers(ex.solution) and ex.id not in {"08.4", "10.2", "15.2"}]


def test_every_kind_of_answer_is_covered():
    assert TEXT and NUMERIC
    assert {ex.id for ex in TEXT} | {ex.id for ex in NUMERIC} | {"08.4", "10.2", "15.2"} == {ex.id for ex in EXERCISES}


@pytest.mark.parametrize("exercise", TEXT, ids=lambda ex: ex.id)
def test_text_answers_ignore_case_spaces_accents_and_hyphens(exercise):
    if isinstance(exercise.solution, str):
        variants = _text_variants(exercise.solution)
    else:
        variants = []
        for key, value in exercise.solution.items():
            for variant in _text_variants(value) if isinstance(value, str) else []:
                variants.append({**exercise.solution, key: variant})
            if isinstance(key, str):                   # las claves también, en minúsculas o mayúsculas
                variants.append({(k.swapcase() if k == key else k): v for k, v in exercise.solution.items()})
    for variant in variants:
        feedback = checks.check(exercise.id, variant)
        assert feedback.status == CORRECT, (variant, feedback.message)


@pytest.mark.parametrize("exercise", NUMERIC, ids=lambda ex: ex.id)
def test_three_significant_figures_are_accepted(exercise):
    for mode in (np.round, np.trunc):
        feedback = checks.check(exercise.id, _rounded_solution(exercise.solution, 3, mode))
        assert feedback.status == CORRECT, feedback.message


@pytest.mark.parametrize("exercise", NUMERIC, ids=lambda ex: ex.id)
def test_two_significant_figures_ask_for_precision_never_a_wrong_diagnosis(exercise):
    feedback = checks.check(exercise.id, _rounded_solution(exercise.solution, 2))
    assert feedback.status == CORRECT or MORE_PRECISION in feedback.message, feedback.message


VALUES = [ex for ex in EXERCISES if isinstance(ex.solution, float)]


@pytest.mark.parametrize("exercise", VALUES, ids=lambda ex: ex.id)
def test_a_number_written_with_a_decimal_comma_is_accepted(exercise):
    for text in (f"{exercise.solution:.4f}".replace(".", ","), f"{exercise.solution:.6g}", f" {exercise.solution} "):
        assert checks.check(exercise.id, text).status == CORRECT, text


def _integer_outputs(exercise):
    """¿Devuelve la solución recuentos (enteros de Python o de NumPy)?"""
    outputs = []

    def recorder(*args, **kwargs):
        result = exercise.solution(*args, **kwargs)
        outputs.append(result)
        return result

    exercise.verify(recorder)
    flat = [v for o in outputs for v in (o if isinstance(o, (tuple, list)) else [o])]
    return flat and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in flat) and \
        any(abs(v) >= 1000 for v in flat)


COUNTS = [ex for ex in EXERCISES if callable(ex.solution) and ex.id not in {"08.4", "10.2", "15.2"}
          and _integer_outputs(ex)]


def test_the_counting_exercises_are_found():
    assert {"01.3", "08.3", "09.3", "13.3"} <= {ex.id for ex in COUNTS}


@pytest.mark.parametrize("exercise", COUNTS, ids=lambda ex: ex.id)
def test_counts_rounded_to_three_significant_figures_are_rejected(exercise):
    def rounded(*args, **kwargs):
        result = exercise.solution(*args, **kwargs)
        if isinstance(result, (tuple, list)):
            return type(result)(float(f"{v:.3g}") for v in result)
        return float(f"{result:.3g}")

    feedback = checks.check(exercise.id, rounded)
    assert feedback.status == INCORRECT and "recuento" in feedback.message, feedback.message


# --- Los casos de la issue 17, uno por uno -----------------------------------------------------------

def _08_2(**changes):
    answer = dict(cap08.ELECCION_CORRECTA)
    answer.update(changes)
    return answer


_PRICE = "precio de una vivienda"
_SPAM = "correo basura o no"
_SPECIES = cap08._ESPECIE


ACCEPTED = [
    ("08.2", _08_2(**{_PRICE: ("linear", "MSE")})),
    ("08.2", _08_2(**{_PRICE: ("Linear", "mse")})),
    ("08.2", _08_2(**{_PRICE: ("linear", "mean_squared_error")})),
    ("08.2", _08_2(**{_PRICE: ("lineal", "MeanSquaredError")})),
    ("08.2", _08_2(**{_PRICE: (None, "mse")})),                     # activation=None es la lineal en Keras
    ("08.2", _08_2(**{_PRICE: ["linear", "mse"]})),
    ("08.2", _08_2(**{_SPAM: ("sigmoide", "BinaryCrossentropy")})),
    ("08.2", _08_2(**{_SPECIES: ("softmax", "SparseCategoricalCrossentropy")})),
    ("08.2", {k.upper(): v for k, v in cap08.ELECCION_CORRECTA.items()}),
    ("12.4", "a, b, d y f"),
    ("12.4", "a, b, d, f"),
    ("12.4", ["a", "b", "d", "f"]),
    ("12.4", "las opciones a, b, d y f"),
    ("04.3", "0,2857"),
    ("04.3", "2/7"),
    ("04.3", "0.286"),
    ("07.1", "el conjunto de entrenamiento"),
    ("07.1", "entrenamiento."),
    ("07.1", "training"),
    ("07.1", "train"),
    ("07.1", "solo el de entrenamiento"),
    ("11.1", "sub-ajuste"),
    ("11.1", "underfitting"),
    ("11.1", "Subajuste."),
    ("11.3", {k.lower(): v for k, v in cap11.REMEDIOS_CORRECTOS.items()}),
    ("11.3", {"A": "regularizar", "B": "bajar η", "C": "más neuronas", "D": "nada"}),
    ("10.4", "opción b"),
    ("10.4", "la b"),
    ("10.4", "(B)"),
    ("00.3", {**cap00.SCENARIOS, "d": "auto-supervisado"}),
    ("00.3", {**cap00.SCENARIOS, "b": "no-supervisado", "c": "refuerzo"}),
    ("00.3", {"A": "supervised", "B": "unsupervised", "C": "reinforcement learning", "D": "self-supervised"}),
    ("09.1", "el tamaño del filtro"),
    ("09.1", "kernel size"),
    ("14.1", {**cap14.GRUPO_CORRECTO, cap14._JAX: "deep learning", cap14._SPACY: "NLP"}),
    ("14.1", {k.split(" (")[0]: v for k, v in cap14.GRUPO_CORRECTO.items()}),   # basta el nombre de la biblioteca
    ("15.3", "a, c, d y g"),
    ("15.1", lambda costes: (costes["FP"] - costes["VN"]) / (costes["FP"] - costes["VN"] + costes["FN"] - costes["VP"])),
]


@pytest.mark.parametrize("exercise_id, answer", ACCEPTED, ids=[f"{i}-{n}" for n, (i, _) in enumerate(ACCEPTED)])
def test_right_answers_of_every_kind_are_accepted(exercise_id, answer):
    feedback = checks.check(exercise_id, answer)
    assert feedback.status == CORRECT, (answer, feedback.message)


def _count_rounded(capas):
    return float(f"{cap00.np.sum([(a + 1) * b for a, b in zip(capas[:-1], capas[1:])]):.3g}")


def _perceptron_in_place(w, b, x, y, eta):
    if (1 if np.dot(w, x) + b >= 0 else -1) != y:
        w += eta * y * x
        b += eta * y
    return w, b


def _step_in_place(theta, grad, eta):
    theta -= eta * grad
    return theta


def _cnn_1x1():
    return nn.Sequential([nn.Conv2D(4, 1, activation="relu", input_shape=(28, 28, 1)), nn.MaxPooling2D(4),
                          nn.Flatten(), nn.Dense(10, activation="softmax")])       # 1978 parámetros: en presupuesto


REJECTED = [
    ("01.3", _count_rounded, "recuento"),
    ("10.2", _cnn_1x1, "1×1"),
    ("01.4", _perceptron_in_place, "en su sitio"),
    ("04.1", _step_in_place, "en su sitio"),
    ("07.1", "validación", "debe ser una de"),
    ("07.1", "test", "solo se usa al final"),
    ("11.1", "overfitting", "sobreajuste"),
    ("12.4", "a, b, d, f y e", "«e»"),
    ("12.4", "a, b, d", "hay más aumentos"),
    ("10.4", "opción a", "leve tolerancia"),
    ("08.2", _08_2(**{_PRICE: ("relu", "MSE")}), "salida lineal"),
    ("08.2", _08_2(**{_PRICE: ("linear", "mae")}), "la pérdida debe ser una de"),
    ("04.3", "0,28", MORE_PRECISION),
    ("04.3", "0,3333", "no es el valor correcto"),
    ("15.3", "a, b, c, d, g", "«b»"),
]


@pytest.mark.parametrize("exercise_id, answer, fragment", REJECTED,
                         ids=[f"{i}-{n}" for n, (i, _, _) in enumerate(REJECTED)])
def test_wrong_answers_of_every_kind_are_rejected_with_their_diagnosis(exercise_id, answer, fragment):
    feedback = checks.check(exercise_id, answer)
    assert feedback.status == INCORRECT and fragment in feedback.message, (answer, feedback.message)


def test_15_2_accepts_other_valid_projects():
    """El 15.2 no tiene una única solución: valen p* sin más, o la red del curso, si la prueba se usa una vez."""
    from sklearn.linear_model import LogisticRegression

    def with_p_star(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp):
        escala = np.where(X_ent.std(axis=0) > 0, X_ent.std(axis=0), 1.0)
        modelo = LogisticRegression(max_iter=5000).fit(X_ent / escala, y_ent)
        umbral = coste_fp / (coste_fp + coste_fn)
        p = modelo.predict_proba(X_pru / escala)[:, 1]
        return {"Umbral": umbral, "probabilidades_prueba": p,
                "coste_prueba": cap15.coste_total(y_pru, p, umbral, coste_fn, coste_fp)}

    feedback = checks.check("15.2", with_p_star)
    assert feedback.status == CORRECT, feedback.message


def test_15_2_rejects_peeking_even_through_a_copy():
    def peeking(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp):
        result = cap15.proyecto(X_ent, y_ent, X_pru, copy.deepcopy(y_pru), coste_fn, coste_fp)
        umbral = 0.3 if y_pru[:20].sum() % 2 else 0.4          # una decisión que depende de la prueba
        p = result["probabilidades_prueba"]
        return {**result, "umbral": umbral, "coste_prueba": cap15.coste_total(y_pru, p, umbral, coste_fn, coste_fp)}

    feedback = checks.check("15.2", peeking)
    assert feedback.status == INCORRECT and "PRUEBA" in feedback.message
