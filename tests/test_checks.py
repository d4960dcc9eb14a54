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


def test_rounded_number_is_accepted_or_asked_for_precision():
    expect_close(0.286, 2 / 7)            # 3 cifras significativas: correcto
    expect_close(0.285, 2 / 7)            # truncado a 3 cifras: correcto
    expect_close([0.667, 1.33], [2 / 3, 4 / 3])
    assert checks.MORE_PRECISION in diagnosis(0.29, 2 / 7)
    assert checks.MORE_PRECISION in diagnosis([0.7, 1.3], [2 / 3, 4 / 3])


def test_constant_factor_only_where_it_means_something():
    # Un solo número siempre «difiere en un factor»: se dice el valor, no un diagnóstico falso.
    assert "factor" not in diagnosis(0.3, 2 / 7)
    # Un factor raro (no p/q sencillo) tampoco es «revisa las constantes».
    assert "factor" not in diagnosis([1.2345, 2.469], [1.0, 2.0])
    assert "factor constante 0,5" in diagnosis([0.5, 1.5], [1.0, 3.0])


def test_text_answers_ignore_case_spaces_and_accents_unless_they_matter():
    assert checks.normalize_text("  Autosupervisádo ") == "autosupervisado"
    assert checks.match_option(" B) ", ("a", "b")) == "b"
    assert checks.match_option("ENTRENAMIENTO", ("entrenamiento", "prueba")) == "entrenamiento"
    # «sí» y «si» solo se distinguen por la tilde: ahí la tilde cuenta.
    assert checks.match_option("Sí", ("sí", "si")) == "sí"
    assert checks.match_option("si", ("sí", "si")) == "si"
    assert checks.match_option("no", ("sí", "si")) is None


def test_perceptron_with_strict_inequality_gets_the_right_diagnosis():
    from course_lib.exercises.cap01 import _perceptron_strict

    feedback = checks.check("01.4", _perceptron_strict)
    assert feedback.status == INCORRECT and "≥, no >" in feedback.message
