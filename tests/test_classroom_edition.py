"""Edición de aula: las comprobaciones se repiten con datos y ninguna solución llega al estudiante."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from course_lib import checks
from course_lib.checks import CORRECT, INCORRECT, PENDING
from course_lib.classroom import release
from course_lib.classroom.record import record_exercise
from course_lib.classroom.replay import WITHHELD, exercise_from_data
from course_lib.exercises import all_exercises
from course_lib.nn import config

EXERCISES = all_exercises()


def replayed(exercise):
    """El ejercicio tal como lo ve la edición de aula (grabado, pasado por JSON y repetido)."""
    return exercise_from_data(json.loads(json.dumps(record_exercise(exercise))))


def check_with(exercise, answer, monkeypatch):
    monkeypatch.setattr(checks, "get_exercise", lambda _id: exercise)
    return checks.check(exercise.id, answer)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.id)
def test_replayed_check_agrees_with_the_original(exercise, monkeypatch):
    copy = replayed(exercise)
    if copy.verify.data["mode"] != "replay":
        pytest.skip(copy.verify.data["reason"])
    assert check_with(copy, exercise.solution, monkeypatch).status == CORRECT
    assert check_with(copy, None, monkeypatch).status == PENDING
    for wrong, fragment in exercise.mistakes:
        feedback = check_with(copy, wrong, monkeypatch)
        assert feedback.status == INCORRECT, (exercise.id, fragment, feedback)
        assert fragment in feedback.message, (exercise.id, fragment, feedback.message)


def test_only_object_valued_exercises_cannot_be_replayed():
    opaque = {ex.id: replayed(ex).verify.data for ex in EXERCISES if replayed(ex).verify.data["mode"] != "replay"}
    for data in opaque.values():
        assert "no se puede guardar como datos" in data["reason"]
    assert len(opaque) <= len(EXERCISES) // 5, opaque


def test_unseen_wrong_answers_get_generic_diagnoses(monkeypatch):
    step, folds, scenarios = (replayed(checks.get_exercise(i)) for i in ("04.1", "11.2", "00.3"))
    feedback = check_with(step, lambda theta, grad, eta: 2 * (theta - eta * grad), monkeypatch)
    assert feedback.status == INCORRECT and "factor constante 2" in feedback.message
    feedback = check_with(step, lambda theta, grad, eta: (theta - eta * grad).T[None], monkeypatch)
    assert feedback.status == INCORRECT and "forma" in feedback.message
    # 11.2 compara los pliegues con su propio código: lo grabado solo son los resultados esperados.
    assert folds.verify.data["uncovered"]
    feedback = check_with(folds, lambda grupos, k: [(list(range(len(grupos))), [])] * k, monkeypatch)
    assert feedback.status == INCORRECT and f"prueba 1 de {len(folds.verify.data['calls'])}" in feedback.message
    assert check_with(scenarios, {"a": "supervisado", "b": None, "c": None, "d": None}, monkeypatch).status == PENDING


def test_unseen_wrong_choice_gets_its_explanation(monkeypatch):
    """expect_choices explica cada elección con una función: se graba como tabla (pregunta, elegida, correcta)."""
    from course_lib.exercises import cap14

    groups = checks.get_exercise("14.1")
    copy = replayed(groups)
    answer = dict(groups.solution)
    plotly = next(key for key in answer if key.startswith("Plotly"))
    answer[plotly] = "sistema"
    assert answer not in [wrong for wrong, _ in groups.mistakes]  # un error que no está entre los típicos
    original = check_with(groups, answer, monkeypatch)
    feedback = check_with(copy, answer, monkeypatch)
    assert feedback.status == INCORRECT and feedback.message == original.message
    assert cap14._POR_QUE[plotly] in feedback.message


def test_state_shared_between_calls_is_replayed(monkeypatch):
    """Adam guarda m, v y t en un diccionario que la comprobación pasa una y otra vez."""
    adam = replayed(checks.get_exercise("06.3"))
    calls = adam.verify.data["calls"]
    assert any(call["aliases"] for call in calls)


@pytest.fixture(scope="module")
def classroom_release(tmp_path_factory):
    root = tmp_path_factory.mktemp("aula") / "aula"
    release.build(root)
    installed = tmp_path_factory.mktemp("instalada")
    source = tmp_path_factory.mktemp("copia") / "aula"  # pip construye dentro del árbol: mejor en una copia
    shutil.copytree(root, source)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(installed),
                    str(source)], check=True, capture_output=True)
    return root, installed


def test_no_solution_reaches_the_release(classroom_release):
    root, installed = classroom_release
    bodies = release.solution_bodies()
    assert len(bodies) >= 25
    allowed = set(release.content_leaks(root))
    assert sorted(set(release.find_leaks(root, bodies)) - allowed) == []
    # Ni la celda de Colab, que instalaría la edición de autoestudio (con las soluciones).
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    assert notebooks and not any(release.COLAB_CELL_MARK in path.read_text(encoding="utf-8") for path in notebooks)
    # Lo instalado: ni los ejercicios ni los datos contienen el cuerpo de una solución.
    package = installed / "course_lib"
    assert (package / "classroom" / "data" / "cap04.json").exists()
    assert release.find_leaks(package / "exercises", bodies) == []
    assert release.find_leaks(package / "classroom", bodies) == []
    installed_leaks = {(ex, os.path.relpath(path, installed)) for ex, path in release.find_leaks(package, bodies)}
    assert installed_leaks <= {(ex, os.path.relpath(path, root)) for ex, path in allowed}


def test_installed_classroom_edition_checks_without_solutions(classroom_release):
    _, installed = classroom_release
    script = textwrap.dedent(f"""
        import inspect
        import numpy as np
        from course_lib import checks
        assert checks.__file__.startswith(r"{installed}")
        print(checks.show_solution("04.1"))
        solution = checks.get_exercise("04.2").solution
        print(callable(solution))
        print(checks.check("04.1", lambda theta, grad, eta: theta - eta * grad).status)
        print(checks.check("04.1", lambda theta, grad, eta: theta + eta * grad).message)
        print(checks.check("04.2", None).status)
        print(checks.check("02.2", "b").status)
        # 08.4 y 10.2 (un modelo entrenado) no se repiten con datos: su comprobación, sin solución, va tal cual.
        from course_lib import nn
        print(checks.check("08.4", lambda: nn.Sequential([nn.Dense(3, activation="softmax", input_shape=(4,))])).message)
        print(checks.check("10.2", lambda: nn.Sequential([nn.Flatten(input_shape=(28, 28, 1)),
                                                          nn.Dense(10, activation="softmax")])).message)
    """)
    env = {**os.environ, "PYTHONPATH": str(installed)}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=installed, capture_output=True, text=True,
                         check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == WITHHELD
    assert lines[1] == "False"
    assert lines[2:] == [CORRECT, lines[3], PENDING, CORRECT, lines[6], lines[7]]
    assert "sumaste el gradiente" in lines[3]
    assert "regresión logística" in lines[6] and "ninguna Conv2D" in lines[7]
    shipped = (installed / "course_lib" / "exercises" / "cap10.py").read_text(encoding="utf-8")
    assert "def _verify_cnn_design" in shipped and "def design_cnn" not in shipped


def test_a_shipped_check_trains_the_students_model(classroom_release):
    """Como lo instala la clase (pip install -e ., con data/ al lado): el 08.4 entrena el modelo y lo da por bueno."""
    root, _ = classroom_release
    script = textwrap.dedent(f"""
        from course_lib import checks, nn
        assert checks.__file__.startswith(r"{root}")
        print(checks.check("08.4", lambda: nn.Sequential([
            nn.Dense(16, activation="relu", input_shape=(4,)), nn.Dense(3, activation="softmax")])).status)
    """)
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [CORRECT]


@pytest.mark.parametrize("chapter", release.chapters())
def test_every_assignment_source_passes_its_own_tests(chapter, monkeypatch):
    """Cada tarea de nbgrader: sus celdas de solución (la referencia entre marcadores) superan sus pruebas."""
    from course_lib.classroom import assignments

    notebook = assignments.source_notebook(assignments.chapter_notebook(chapter))
    graded = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    solutions = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    assert len(graded) == len(solutions) >= 1
    assert all("### BEGIN SOLUTION" in "".join(c["source"]) for c in solutions)
    namespace = {"display": lambda *args: None}
    previous_floatx = config.floatx()  # la celda de preparación de algún capítulo pasa a float64
    try:
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                exec(compile("".join(cell["source"]), f"tarea{chapter}", "exec"), namespace)  # falla si una prueba falla
    finally:
        config.set_floatx(previous_floatx)


def test_only_checks_that_use_no_solution_are_shipped_as_code():
    """08.4 y 10.2 (entrenan el modelo del estudiante) van como código; una comprobación que usa su solución, no."""
    data = {"exercises": [{"id": i, "mode": "opaque", "reason": "prueba"} for i in ("08.4", "10.2", "14.3")]}
    code = release.ship_checks(data)
    modes = {item["id"]: item["mode"] for item in data["exercises"]}
    assert modes == {"08.4": "code", "10.2": "code", "14.3": "opaque"}  # 14.3 calcula lo esperado con la solución
    assert "def _verify_modelo" in code and "def _verify_cnn_design" in code
    assert "def construir_modelo" not in code and "def design_cnn" not in code
    namespace = {}
    exec(compile(code, "capitulo_de_aula", "exec"), namespace)  # funciona fuera del paquete (import absolutos)
    assert callable(namespace["_verify_cnn_design"])
