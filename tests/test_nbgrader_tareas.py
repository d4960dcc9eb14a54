"""Tareas de nbgrader: calificadas fuera del núcleo, con la línea de órdenes de nbgrader.

Para dos capítulos (el 04 con todos los adversarios; el 08, con la tabla), ``nbgrader
generate_assignment`` quita las soluciones y las pruebas ocultas, y ``nbgrader autograde`` (con el
``nbgrader_config.py`` que escribe ``make tareas``) califica:

- la solución de referencia saca la nota máxima y una entrega sin tocar, 0;
- un error típico pierde su punto, con su diagnóstico en la retroalimentación;
- los adversarios sacan 0 en sus ejercicios: una tabla hecha con todo lo que trae la edición de
  aula; quien sustituye ``course_lib.checks.check`` por una función que siempre aprueba; quien
  hace que IPython no muestre ningún error (y envuelve cada celda en ``try/except``); quien intenta
  leer el cuaderno fuente, la base de notas o las soluciones. Para los parches, la prueba comprueba
  también que engañan al núcleo (es lo que nbgrader puntuaría sin la calificación fuera).

Las entregas se ejecutan con el entorno del estudiante y, como root, con el usuario ``nobody``.
Además, el cuaderno fuente (las soluciones) de cada uno de los demás capítulos se califica fuera del
núcleo con la nota máxima.
"""

import html
import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="nbgrader va en el extra [docente]: pip install -e .[docente]")

from nbgrader.api import Gradebook  # noqa: E402

import aula_entregas as entregas  # noqa: E402  (tests/aula_entregas.py)
from course_lib import checks  # noqa: E402
from course_lib.classroom import assignments, calificacion, release  # noqa: E402

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def setup():
    student = entregas.StudentSetup()
    yield student
    student.remove()


def nbgrader(course, python, *args):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "CURSO_PYTHON_ESTUDIANTE": str(python), "CURSO_CALIFICADOR": entregas.SANDBOX_USER}
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Exception while loading config file" not in done.stderr, done.stderr
    return done


def submit(course, student, name, notebook):
    target = course / "submitted" / student / name / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


def scores(course, name, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(name, student)
        return {g.name.removeprefix("comprobacion_").replace("_", "."): g.score
                for nb in submission.notebooks for g in nb.grades}, submission.max_score


def autograded(course, name, student):
    return json.loads((course / "autograded" / student / name / f"{name}.ipynb").read_text(encoding="utf-8"))


def graded_metadata(notebook):
    """Ejercicio → lo que anotó la calificación fuera del núcleo (y lo que decía el núcleo)."""
    found = {}
    for cell in notebook["cells"]:
        meta = cell["metadata"]
        if "calificacion_fuera" in meta:
            found[meta["nbgrader"]["grade_id"].removeprefix("comprobacion_").replace("_", ".")] = meta["calificacion_fuera"]
    return found


def feedback_text(course, name, student):
    return html.unescape((course / "feedback" / student / name / f"{name}.html").read_text(encoding="utf-8"))


def cell_text(notebook, fragment):
    """El texto que imprimió la celda (del núcleo) cuyo código contiene ``fragment``."""
    for cell in notebook["cells"]:
        if fragment in "".join(cell["source"]):
            texts = [o.get("text", "") for o in cell.get("outputs", [])]
            return "".join("".join(t) if isinstance(t, list) else t for t in texts)
    raise AssertionError(fragment)


ADVERSARIES = ("en_blanco", "tabla", "parchea_check", "parchea_ipython", "lee_soluciones", "error_tipico")


def grade_chapter(chapter, tmp_path, setup, adversaries=ADVERSARIES):
    course = tmp_path / "curso"
    name = f"cap{chapter}"
    assignments.build(course, [chapter])
    source = json.loads((course / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    nbgrader(course, setup.python, "generate_assignment", name, "--force")

    released_path = course / "release" / name / f"{name}.ipynb"
    released = json.loads(released_path.read_text(encoding="utf-8"))
    exercises = checks.chapter_exercises(chapter)
    bodies = {k: v for k, v in release.solution_bodies().items() if k in exercises}
    assert release.find_leaks(course / "release", bodies) == []
    text = released_path.read_text(encoding="utf-8")
    assert "### BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "calificar fuera" not in text

    names = entregas.answer_names(released)
    assert set(names) == set(exercises)
    tables = entregas.lookup_tables(setup.aula)
    submissions = {
        "referencia": source,
        "en_blanco": released,
        "tabla": entregas.with_code(released, {i: entregas.lookup_code(n, tables[i]) for i, n in names.items()}),
        "parchea_check": entregas.prefixed(released, entregas.PATCH_CHECK),
        "parchea_ipython": entregas.prefixed(released, entregas.PATCH_IPYTHON),
        "lee_soluciones": entregas.prefixed(released, entregas.read_solutions(course, chapter)),
    }
    mistakes = {}
    for exercise_id, name_ in names.items():
        code, fragment = entregas.mistake_code(exercises[exercise_id], name_, 0)
        mistakes[exercise_id] = (code, fragment)
    submissions["error_tipico"] = entregas.with_code(released, {i: code for i, (code, _) in mistakes.items()})
    for student, notebook in submissions.items():
        if student == "referencia" or student in adversaries:
            submit(course, student, name, notebook)
    nbgrader(course, setup.python, "autograde", name)
    nbgrader(course, setup.python, "generate_feedback", name)

    grades, max_score = scores(course, name, "referencia")
    assert set(grades) == set(exercises) and max_score == len(exercises)
    assert all(score == 1 for score in grades.values()), grades
    for student in adversaries:
        grades, _ = scores(course, name, student)
        assert all(score == 0 for score in grades.values()), (student, grades)
        assert set(graded_metadata(autograded(course, name, student))) == set(exercises), student
    if "en_blanco" in adversaries:
        assert "pendiente" in feedback_text(course, name, "en_blanco")
    if "error_tipico" in adversaries:
        text = feedback_text(course, name, "error_tipico")
        for exercise_id, (_, fragment) in mistakes.items():
            assert fragment in text, (exercise_id, fragment)

    if "parchea_check" not in adversaries:
        return course
    # Los parches engañan al núcleo (sin la calificación fuera, nbgrader les daría puntos)...
    patched = autograded(course, name, "parchea_ipython")
    assert not any(meta["nucleo_con_error"] for meta in graded_metadata(patched).values())
    patched = autograded(course, name, "parchea_check")
    assert all("correcto: ¡bien hecho!" in meta["nucleo_decia"] for meta in graded_metadata(patched).values())
    # ...pero la nota sale de otro proceso; y el núcleo no llega a las soluciones.
    spy = autograded(course, name, "lee_soluciones")
    printed = cell_text(spy, "print(\"UID\"")
    assert "LEÍDO" not in printed and "CON SOLUCIÓN ninguno" in printed, printed
    if entregas.SANDBOX_USER:
        assert f"UID {pwd.getpwnam(entregas.SANDBOX_USER).pw_uid}" in printed, printed
        assert printed.count("DENEGADO") == 2, printed
    return course


class TestCap04:
    def test_graded_outside_the_kernel_with_nbgrader(self, tmp_path, setup):
        grade_chapter("04", tmp_path, setup)


class TestCap08:
    def test_graded_outside_the_kernel_with_nbgrader(self, tmp_path, setup):
        course = grade_chapter("08", tmp_path, setup, adversaries=("tabla",))  # el resto, en el 04
        # 08.4 es una red: viaja como arquitectura y se entrena aquí (la referencia aprueba, la tabla no).
        assert scores(course, "cap08", "referencia")[0]["08.4"] == 1


def grade_every_reference(chapters, setup):
    """Cada ejercicio de esos capítulos se puede calificar en el otro proceso (sus datos viajan bien)."""
    failures = []
    for chapter in chapters:
        notebook = assignments.source_notebook(assignments.chapter_notebook(chapter))
        verdicts = calificacion.grade_notebook(notebook, setup.python, entregas.SANDBOX_USER)
        graded = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
        assert len(verdicts) == len(graded) >= 1, chapter
        failures += [(f.exercise_id, f.message) for f in verdicts.values() if not f.passed]
    assert failures == []


# Los capítulos 04 y 08 ya pasan por nbgrader arriba; los demás, en dos mitades (dos procesos de xdist).
OTHERS = [c for c in release.chapters() if c not in ("04", "08")]


class TestReferenciasPrimeraMitad:
    def test_every_reference_is_graded_correct_outside_the_kernel(self, setup):
        grade_every_reference(OTHERS[: len(OTHERS) // 2], setup)


class TestReferenciasSegundaMitad:
    def test_every_reference_is_graded_correct_outside_the_kernel(self, setup):
        grade_every_reference(OTHERS[len(OTHERS) // 2:], setup)
