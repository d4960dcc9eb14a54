"""Cada ejercicio acepta su respuesta correcta escrita de cualquier forma normal.

Se alimenta a TODOS los ejercicios de todos los capítulos con variantes de su solución:

- textos en mayúsculas, con espacios alrededor, sin tildes o envueltos en paréntesis: correctos;
- números (o las salidas numéricas de una función) redondeados o truncados a 3 cifras
  significativas: correctos; redondeados a 2: correctos o «más precisión, por favor», nunca
  otro diagnóstico.
"""

import unicodedata

import numpy as np
import pytest

from course_lib import checks
from course_lib.checks import CORRECT, MORE_PRECISION, _round_significant
from course_lib.exercises import all_exercises

EXERCISES = all_exercises()


def _strip_accents(text):
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))


def _text_variants(text):
    return {text.upper(), f"  {text} ", text.title(), _strip_accents(text).upper(), f"{text})", f"«{text}»"}


def _is_number(value):
    return isinstance(value, (float, np.floating)) or (
        isinstance(value, np.ndarray) and value.dtype.kind == "f")


def _rounded(value, figures, mode=np.round):
    """Redondea los números reales de ``value`` (también dentro de tuplas y listas)."""
    if _is_number(value):
        result = _round_significant(value, figures, mode)
        return result if isinstance(value, np.ndarray) else float(result)
    if isinstance(value, (tuple, list)):
        return type(value)(_rounded(v, figures, mode) for v in value)
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
NUMERIC = [ex for ex in EXERCISES if _has_numbers(ex.solution)]


def test_every_kind_of_answer_is_covered():
    assert TEXT and NUMERIC
    assert {ex.id for ex in TEXT} | {ex.id for ex in NUMERIC} == {ex.id for ex in EXERCISES}


@pytest.mark.parametrize("exercise", TEXT, ids=lambda ex: ex.id)
def test_text_answers_ignore_case_spaces_and_accents(exercise):
    if isinstance(exercise.solution, str):
        variants = _text_variants(exercise.solution)
    else:
        variants = []
        for key, value in exercise.solution.items():
            for variant in _text_variants(value) if isinstance(value, str) else []:
                variants.append({**exercise.solution, key: variant})
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
