"""El mecanismo de ejercicios: pendiente, correcto y diagnósticos concretos."""

import numpy as np
import pytest

from course_lib import checks
from course_lib.checks import CORRECT, INCORRECT, PENDING, Incorrect, expect_close
from course_lib.exercises import all_exercises

EXERCISES = all_exercises()


def diagnosis(got, expected, **kwargs):
    with pytest.raises(Incorrect) as info:
        expect_close(got, expected, **kwargs)
    return str(info.value)


def test_expect_close_accepts_right_answer():
    expect_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))


def test_expect_close_diagnoses_transposed_matrix():
    expected = np.arange(6.0).reshape(2, 3)
    assert "traspuesta" in diagnosis(expected.T, expected)


def test_expect_close_diagnoses_sign_error():
    assert "signo" in diagnosis([-1.0, 2.0], [1.0, -2.0])


def test_expect_close_diagnoses_missing_mean():
    expected = np.array([0.5, -1.5])
    assert "1/m" in diagnosis(expected * 8, expected, m=8)


def test_expect_close_diagnoses_wrong_shape_and_reshape():
    assert "forma" in diagnosis(np.zeros(4), np.zeros((2, 3)))
    assert "reshape" in diagnosis(np.arange(6.0), np.arange(6.0).reshape(2, 3))


def test_expect_close_diagnoses_nan_and_constant_factor():
    assert "NaN" in diagnosis([np.nan, 1.0], [1.0, 1.0])
    assert "factor constante 2" in diagnosis([2.0, 4.0], [1.0, 2.0])


def test_expect_close_prefers_exercise_specific_mistakes():
    message = diagnosis([0.5, 0.7], [0.25, 0.21], mistakes=[([0.5, 0.7], "devolviste σ(z)")])
    assert message == "devolviste σ(z)"


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="No existe el ejercicio"):
        checks.check("99.9", 1)


def test_there_are_exercises():
    assert len(EXERCISES) >= 3


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.id)
def test_solution_passes_its_check(exercise):
    feedback = checks.check(exercise.id, exercise.solution)
    assert feedback.status == CORRECT, feedback.message


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.id)
def test_unanswered_exercise_is_pending(exercise):
    assert checks.check(exercise.id, None).status == PENDING


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.id)
def test_typical_mistakes_get_their_diagnosis(exercise):
    assert exercise.mistakes, f"el ejercicio {exercise.id} no declara errores típicos"
    for wrong, fragment in exercise.mistakes:
        feedback = checks.check(exercise.id, wrong)
        assert feedback.status == INCORRECT, (exercise.id, fragment)
        assert fragment in feedback.message, (exercise.id, feedback.message)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.id)
def test_exercise_ids_are_stable_and_solution_is_shown(exercise):
    chapter, number = exercise.id.split(".")
    assert len(chapter) == 2 and number.isdigit()
    assert checks.show_solution(exercise.id)
