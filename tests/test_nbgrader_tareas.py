"""Tareas de nbgrader: generadas desde los ejercicios y calificadas con la línea de órdenes de nbgrader.

Para tres capítulos: ``nbgrader generate_assignment`` quita las soluciones; ``nbgrader autograde``
da la nota máxima a las soluciones de referencia, cero a una entrega en blanco (sin fallar) y,
para cada error típico declarado en el ejercicio, cero puntos en ese ejercicio con su diagnóstico
en la retroalimentación de ``nbgrader generate_feedback``.
"""

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="nbgrader va en el extra [docente]: pip install -e .[docente]")

from nbgrader.api import Gradebook  # noqa: E402

from course_lib import checks  # noqa: E402
from course_lib.classroom import assignments, release  # noqa: E402

BIN = Path(sys.executable).parent


def nbgrader(course, *args):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def submit(course, student, name, notebook):
    target = course / "submitted" / student / name / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


def answer_names(notebook):
    """Ejercicio → nombre de la respuesta, leído de las celdas de prueba."""
    found = {}
    for cell in notebook["cells"]:
        match = assignments.CHECK_CALL.search("".join(cell["source"]))
        if match and cell["metadata"].get("nbgrader", {}).get("grade"):
            found[match.group(1)] = match.group(2)
    return found


def with_mistake(released, k):
    """La entrega de quien comete el error típico número k de cada ejercicio (si lo hay)."""
    notebook = json.loads(json.dumps(released))
    names = answer_names(notebook)
    committed = {}
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if not grade_id.startswith("respuesta_"):
            continue
        exercise_id = grade_id.removeprefix("respuesta_").replace("_", ".")
        mistakes = checks.get_exercise(exercise_id).mistakes
        if k < len(mistakes):
            cell["source"] = "".join(cell["source"]) + (
                f"\n\nfrom course_lib.checks import get_exercise\n"
                f'{names[exercise_id]} = get_exercise("{exercise_id}").mistakes[{k}][0]\n'
            )
            committed[exercise_id] = mistakes[k][1]
    return notebook, committed


def scores(course, name, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(name, student)
        grades = {g.name.removeprefix("comprobacion_").replace("_", "."): g.score
                  for nb in submission.notebooks for g in nb.grades}
        return grades, submission.max_score


def feedback_text(course, name, student):
    return html.unescape((course / "feedback" / student / name / f"{name}.html").read_text(encoding="utf-8"))


def generate_and_grade(chapter, tmp_path):
    course = tmp_path / "curso"
    name = f"cap{chapter}"
    assignments.build(course, [chapter])
    source = json.loads((course / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    nbgrader(course, "generate_assignment", name, "--force")

    released_path = course / "release" / name / f"{name}.ipynb"
    released = json.loads(released_path.read_text(encoding="utf-8"))
    exercises = checks.chapter_exercises(chapter)
    bodies = {k: v for k, v in release.solution_bodies().items() if k in exercises}
    assert "BEGIN SOLUTION" in released_path.parent.parent.parent.joinpath("source", name, f"{name}.ipynb").read_text()
    assert release.find_leaks(course / "release", bodies) == []
    assert "### BEGIN SOLUTION" not in released_path.read_text(encoding="utf-8")

    submit(course, "referencia", name, source)
    submit(course, "en_blanco", name, released)
    rounds = max(len(ex.mistakes) for ex in exercises.values())
    committed = {}
    for k in range(rounds):
        notebook, committed[k] = with_mistake(released, k)
        submit(course, f"error_{k}", name, notebook)
    nbgrader(course, "autograde", name)
    nbgrader(course, "generate_feedback", name)

    grades, max_score = scores(course, name, "referencia")
    assert set(grades) == set(exercises) and max_score == len(exercises)
    assert all(score == 1 for score in grades.values()), grades
    grades, _ = scores(course, name, "en_blanco")
    assert all(score == 0 for score in grades.values()), grades
    assert "pendiente" in feedback_text(course, name, "en_blanco")
    for k, mistakes in committed.items():
        grades, _ = scores(course, name, f"error_{k}")
        text = feedback_text(course, name, f"error_{k}")
        for exercise_id, fragment in mistakes.items():
            assert grades[exercise_id] == 0, (k, exercise_id)
            assert fragment in text, (k, exercise_id, fragment)


# Una clase por capítulo: con pytest-xdist (--dist loadscope) cada una puede ir a un proceso distinto.
class TestCap01:
    def test_nbgrader_generates_and_grades_the_chapter(self, tmp_path):
        generate_and_grade("01", tmp_path)


class TestCap04:
    def test_nbgrader_generates_and_grades_the_chapter(self, tmp_path):
        generate_and_grade("04", tmp_path)


class TestCap10:
    def test_nbgrader_generates_and_grades_the_chapter(self, tmp_path):
        generate_and_grade("10", tmp_path)
