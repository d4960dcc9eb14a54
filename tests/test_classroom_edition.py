"""La edición de aula: ninguna respuesta en ninguna forma, y lo que la comprobación del estudiante sí revisa.

- Ninguna respuesta viaja: ni el código de las soluciones, ni los valores (en texto, con coma
  decimal, como JSON o como huella MD5/SHA), ni los resultados esperados de ninguna llamada, ni las
  entradas con que se califica; ni en la edición de aula ni en las tareas que reparte nbgrader
  (``nbgrader generate_assignment`` de todos los capítulos). La búsqueda se prueba a sí misma con
  una edición con fugas.
- La comprobación del estudiante no contradice nunca a la de la calificación: la solución y sus
  variantes aceptadas nunca salen «incorrectas»; un formato equivocado sí.
- Instalada en el entorno del estudiante, la edición no tiene soluciones ni llega a las del profesorado.
- Cada ``make aula`` es un commit nuevo de la misma rama.
- Los datos viajan entre procesos sin pickle, y el proceso que ejecuta una entrega solo devuelve datos.
"""

import copy
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import aula_entregas as entregas  # tests/aula_entregas.py
from course_lib import checks, nn
from course_lib.checks import CORRECT, INCORRECT, PENDING
from course_lib.classroom import assignments, calificacion, release
from course_lib.classroom.codec import Unstorable, decode, encode
from course_lib.classroom.estudiante import WITHHELD, exercise_from_data
from course_lib.exercises import all_exercises

EXERCISES = all_exercises()
# Un ejemplo resuelto (el 00.1: su capítulo enseña check() con él) viaja con su solución a propósito.
GRADED = [ex for ex in EXERCISES if not release.is_worked_example(ex)]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    root = tmp_path_factory.mktemp("aula") / "aula"
    release.build(root)
    return root


# --- Huellas de las respuestas --------------------------------------------------------------------------

def _calls(exercise):
    """(entradas, resultado de la referencia) de cada llamada que hace la comprobación."""
    found = []

    def spy(*args, **kwargs):
        given = copy.deepcopy((list(args), kwargs))
        result = exercise.solution(*args, **kwargs)
        found.append((given, copy.deepcopy(result)))
        return result

    exercise.verify(spy)
    return found


def _leaves(value):
    """Lo que hay dentro de listas, tuplas y diccionarios anidados (números, arrays, textos…)."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


def _numbers(value):
    for leaf in _leaves(value):
        if isinstance(leaf, (float, np.floating)) or (isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f"):
            yield from np.ravel(leaf).tolist()


def _arrays(value):
    return (leaf for leaf in _leaves(value) if isinstance(leaf, np.ndarray))


def _hashes(text):
    data = text.encode("utf-8")
    return [getattr(hashlib, name)(data).hexdigest() for name in ("md5", "sha1", "sha256")]


def needles(exercise):
    """Formas en que la respuesta de un ejercicio (o sus entradas de calificación) podría estar escrita.

    (texto, si cuenta en los cuadernos): los números de los cuadernos son materia del curso, así que
    allí solo se buscan huellas, JSON y arrays codificados.
    """
    found = []

    def number(x):
        if not np.isfinite(x) or float(x).is_integer():
            return
        for text in (f"{x:.5g}", f"{x:.6g}", repr(float(x))):
            digits = text.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
            if len(digits) >= 5:  # 0,5 o 2 salen en cualquier parte: solo números con 5 cifras o más
                found.extend([(text, False), (text.replace(".", ","), False)])

    def encoded(value):
        try:
            text = json.dumps(encode(value), ensure_ascii=False)
        except Unstorable:
            return
        if len(text) >= 12:  # '"b"' sale en cualquier parte; '{"a": "supervisado", …}' no
            found.append((text, True))
        found.extend((h, True) for h in _hashes(text))
        for array in _arrays(value):
            distinct = len(np.unique(array))
            # Un array de ceros, o una matriz one-hot de 3×2, no es de nadie: sale en cualquier parte.
            if array.size >= 4 and distinct > 1 and (distinct >= 3 or array.size >= 16):
                found.append((encode(np.ascontiguousarray(array))["b64"], True))

    if callable(exercise.solution):
        for (args, kwargs), result in _calls(exercise):
            encoded(result)  # también la arquitectura de una red de referencia
            encoded(args)  # las entradas de la calificación tampoco viajan
            for x in _numbers(result):
                number(x)
        return found
    value = exercise.solution
    if not isinstance(value, str):  # un texto suelto es una de las opciones del enunciado: solo sus huellas
        encoded(value)
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, dict):
        texts = [v for v in value.values() if isinstance(v, str)]
    else:
        texts = []
    for text in texts + [repr(value), str(value)]:
        found.extend((h, True) for h in _hashes(text))
        found.extend((h, True) for h in _hashes(checks.normalize_text(text)))
    for x in _numbers(value):
        number(x)
    return found


@functools.lru_cache(maxsize=None)
def cached_needles(exercise_id):
    """Las huellas de un ejercicio, calculadas una vez (hay que llamar a la solución con cada entrada)."""
    return tuple(needles(checks.get_exercise(exercise_id)))


def searchable(root):
    """(ruta, texto, es un cuaderno) de cada fichero de texto de la edición, salvo los datos del curso."""
    for path in sorted(root.rglob("*")):
        if not path.is_file() or ".git" in path.parts or path.parts[len(root.parts)] == "data":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        yield path, text, path.suffix == ".ipynb"


def leaks(root, exercises=GRADED, every_needle_in_notebooks=False):
    """Las huellas de respuestas que aparecen en ``root``.

    En los cuadernos de la edición (capítulos enteros) no se buscan los números sueltos, que son
    materia del curso; en las tareas de nbgrader (solo la preparación y los ejercicios), sí.
    """
    texts = list(searchable(root))
    found = []
    for exercise in exercises:
        for needle, in_notebooks in cached_needles(exercise.id):
            for path, text, notebook in texts:
                if (in_notebooks or every_needle_in_notebooks or not notebook) and needle in text:
                    found.append((exercise.id, needle[:40], str(path.relative_to(root))))
    return found


def test_no_answer_in_any_encoding(edition):
    assert leaks(edition) == []


def test_no_answer_in_the_nbgrader_release(tmp_path):
    """Lo que nbgrader reparte (release/) tampoco lleva respuestas: ni valores ni código de referencia."""
    pytest.importorskip("nbgrader", reason="nbgrader va en el extra [docente]: pip install -e .[docente]")
    course = tmp_path / "curso"
    assignments.build(course)
    bin_dir = Path(sys.executable).parent
    done = subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", "cap*", "--force"], cwd=course,
                          capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert done.returncode == 0, done.stdout + done.stderr
    released = course / "release"
    sources = sorted(path.name for path in (course / "source").iterdir())
    assert sorted(path.name for path in released.iterdir()) == sources
    assert len(list(released.glob("cap*/cap*.ipynb"))) == len(release.chapters())
    for path in released.rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path
    assert leaks(released, every_needle_in_notebooks=True) == []
    assert release.find_leaks(released) == []


def test_the_search_finds_an_answer_hidden_in_the_edition(edition, tmp_path):
    """La búsqueda de arriba encuentra lo que una edición con fugas (como la anterior) guardaría."""
    leaky = tmp_path / "con_fugas"
    shutil.copytree(edition / "course_lib", leaky / "course_lib")
    step, limit, choice = (checks.get_exercise(i) for i in ("04.1", "04.3", "08.2"))
    (leaky / "course_lib" / "fuga1.json").write_text(json.dumps(
        {"calls": [{"args": encode(a), "result": encode(r)} for (a, _), r in _calls(step)]}))
    (leaky / "course_lib" / "fuga2.json").write_text(json.dumps({"expected_answer": encode(limit.solution)}))
    (leaky / "course_lib" / "fuga3.txt").write_text(hashlib.sha256(repr(choice.solution).encode()).hexdigest())
    found = {exercise_id for exercise_id, _, _ in leaks(leaky, [step, limit, choice])}
    assert found == {"04.1", "04.3", "08.2"}


def test_no_solution_code_and_no_teacher_tool_reaches_the_edition(edition):
    bodies = release.solution_bodies()
    assert len(bodies) >= 25
    # Tampoco en el material del curso: ningún cuaderno ni el motor resuelven un ejercicio de otro capítulo.
    assert release.content_leaks(edition) == [], "un cuaderno o el motor contienen la solución de un ejercicio"
    assert release.find_leaks(edition, bodies) == []
    notebooks = sorted((edition / "notebooks").glob("*.ipynb"))
    assert notebooks and not any(release.COLAB_CELL_MARK in path.read_text(encoding="utf-8") for path in notebooks)
    shipped = {path.name for path in (edition / "course_lib" / "classroom").glob("*.py")}
    assert shipped == {"__init__.py", "codec.py", "contents.py", "ejecutor.py", "estudiante.py"}


@pytest.mark.parametrize("exercise", [ex for ex in EXERCISES if callable(ex.solution)], ids=lambda ex: ex.id)
def test_the_student_probe_is_not_a_grading_input(exercise):
    data = release.exercise_data(exercise, release.source.Collector(release._forbidden()))
    if data["modo"] != "formato":
        return
    assert data["prueba"] is not None, f"{exercise.id}: sin entradas de prueba para revisar el formato"
    probe = decode(data["prueba"]["args"]), decode(data["prueba"]["kwargs"])
    for (args, kwargs), _ in _calls(exercise):
        assert json.dumps(encode([args, kwargs])) != json.dumps(encode(list(probe))), exercise.id


# --- La comprobación del estudiante frente a la de la calificación -----------------------------------

def _text_variants(text):
    return [text.upper(), f"  {text} ", f"«{text}»"]


def _rounded(value, figures=3):
    if isinstance(value, (float, np.floating)) or (isinstance(value, np.ndarray) and value.dtype.kind == "f"):
        result = checks._round_significant(value, figures)
        return result if isinstance(value, np.ndarray) else float(result)
    if isinstance(value, (tuple, list)):
        return type(value)(_rounded(v, figures) for v in value)
    return value


def accepted_variants(exercise):
    """La solución y formas de escribirla que la comprobación completa acepta."""
    solution = exercise.solution
    variants = [solution]
    if callable(solution):
        def rounded(*args, **kwargs):
            return _rounded(solution(*args, **kwargs))
        def as_lists(*args, **kwargs):
            result = solution(*args, **kwargs)
            return list(result) if isinstance(result, tuple) else result
        variants += [rounded, as_lists]
    elif isinstance(solution, str):
        variants += _text_variants(solution)
    elif isinstance(solution, dict):
        variants += [{k: (v.upper() if isinstance(v, str) else v) for k, v in solution.items()}]
    else:
        variants += [_rounded(solution), str(solution).replace(".", ",")]
    return [v for v in variants if checks.check(exercise.id, v).status == CORRECT]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.id)
def test_the_student_check_never_contradicts_the_grading(exercise, monkeypatch):
    collector = release.source.Collector(release._forbidden())
    data = json.loads(json.dumps(release.exercise_data(exercise, collector)))
    namespace = {}
    if data["modo"] != "formato":
        exec(compile(collector.source(), "capitulo_de_aula", "exec"), namespace)
    copy_ = exercise_from_data(data, namespace)
    assert copy_.mistakes == []
    assert (repr(copy_.solution) == WITHHELD) == (data["modo"] != "ejemplo")
    variants = accepted_variants(exercise) if data["modo"] == "formato" else [exercise.solution]
    assert variants, exercise.id
    monkeypatch.setattr(checks, "get_exercise", lambda _id: copy_)
    assert checks.check(exercise.id, None).status == PENDING
    for variant in variants:
        feedback = checks.check(exercise.id, variant)
        expected = PENDING if data["modo"] == "formato" else CORRECT
        assert feedback.status == expected, (exercise.id, feedback.message)
    if data["modo"] == "formato":  # sin la respuesta, un error típico nunca sale «correcto»
        with np.errstate(all="ignore"):
            assert all(checks.check(exercise.id, wrong).status != CORRECT for wrong, _ in exercise.mistakes)


def test_a_wrong_format_is_caught_without_the_answer(edition, monkeypatch):
    cases = {"04.1": (lambda theta, grad, eta: (theta - eta * grad).reshape(-1, 1), "forma"),
             "04.3": ([0.1, 0.2], "único número"),
             "02.1": (lambda z: np.full_like(z, np.nan), "NaN"),
             "08.3": (lambda sizes: 5, "pareja")}
    copies = {i: exercise_from_data(json.loads(json.dumps(release.exercise_data(checks.get_exercise(i)))))
              for i in cases}
    for exercise_id, (answer, fragment) in cases.items():
        copy_ = copies[exercise_id]
        monkeypatch.setattr(checks, "get_exercise", lambda _id, c=copy_: c)
        feedback = checks.check(exercise_id, answer)
        assert feedback.status == INCORRECT and fragment in feedback.message, (exercise_id, feedback.message)


# --- Instalada en el entorno del estudiante --------------------------------------------------------------

def test_the_student_environment_has_only_the_classroom_edition():
    setup = entregas.StudentSetup()
    try:
        script = textwrap.dedent(f"""
            import importlib.util, json, numpy as np
            from course_lib import checks, nn
            from course_lib.exercises import cap04
            out = {{
                "file": checks.__file__,
                "solution": checks.show_solution("04.1"),
                "callable": callable(checks.get_exercise("04.2").solution),
                "mistakes": len(checks.get_exercise("04.2").mistakes),
                "reference_names": [n for n in ("gradient_step", "mae_gradient", "ETA_MAX") if hasattr(cap04, n)],
                "finder": importlib.util.find_spec("__editable___course_lib_0_1_0_finder") is not None,
                "right": checks.check("04.1", lambda theta, grad, eta: theta - eta * grad).status,
                "shape": checks.check("04.1", lambda theta, grad, eta: (theta - eta * grad)[None]).status,
                "model": checks.check("08.4", lambda: nn.Sequential([
                    nn.Dense(16, activation="relu", input_shape=(4,)), nn.Dense(3, activation="softmax")])).status,
                "logistic": checks.check("08.4", lambda: nn.Sequential([
                    nn.Dense(3, activation="softmax", input_shape=(4,))])).message,
            }}
            print(json.dumps(out))
        """)
        done = subprocess.run([str(setup.python), "-c", script], cwd=setup.root, capture_output=True, text=True,
                              env={**os.environ, **setup.env, "PYTHONPATH": ""}, timeout=300)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout.splitlines()[-1])
        assert out["file"].startswith(str(setup.aula))
        assert out["solution"] == WITHHELD and not out["callable"] and out["mistakes"] == 0
        assert out["reference_names"] == [] and not out["finder"]
        assert (out["right"], out["shape"], out["model"]) == (PENDING, INCORRECT, CORRECT)
        assert "regresión logística" in out["logistic"]
    finally:
        setup.remove()


# --- Historia continua -----------------------------------------------------------------------------------

def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


def test_each_publication_is_a_new_commit_on_the_same_branch(tmp_path, monkeypatch):
    repo = tmp_path / "aula"
    _, first = release.publish(repo, "versión 1")
    _, again = release.publish(repo, "sin cambios")
    assert first and again is None
    monkeypatch.setattr(release, "README", release.README + "\nNovedad de la segunda versión.\n")
    _, second = release.publish(repo, "versión 2")
    assert second and second != first
    assert _git(repo, "rev-list", "--count", "main") == "2"
    assert _git(repo, "rev-parse", f"{second}^") == first  # un solo padre: el commit anterior
    assert _git(repo, "symbolic-ref", "--short", "HEAD") == "main"
    assert "Novedad" in (repo / "README.md").read_text(encoding="utf-8")
    assert _git(repo, "status", "--porcelain") == ""


def test_an_edition_with_a_solved_exercise_is_not_published(tmp_path, monkeypatch):
    """Si un cuaderno resolviera un ejercicio (de su capítulo o de otro), make aula se niega antes del commit."""
    body = release.solution_bodies()["09.2"]

    def build_with_a_solution(target):
        notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                               "source": "def salida(n, f, p=0, s=1, d=1):\n    " + "\n    ".join(body)}],
                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (Path(target) / "notebooks").mkdir(parents=True)
        (Path(target) / "notebooks" / "10_redes_convolucionales.ipynb").write_text(json.dumps(notebook))
        return {}

    monkeypatch.setattr(release, "build", build_with_a_solution)
    with pytest.raises(release.SolutionLeak, match="09.2"):
        release.publish(tmp_path / "aula")
    assert not (tmp_path / "aula").exists()


# --- Datos entre procesos y el proceso que ejecuta la entrega ---------------------------------------------

def test_answers_travel_as_data_only():
    values = [None, True, 3, 2.5, float("nan"), "texto", [1, (2, 3)], {"a": (1, 2), 3: [4]}, {1, 2},
              np.arange(6, dtype=np.int32).reshape(2, 3), np.float32(1.5), np.array([True, False]),
              np.linspace(0, 1, 5)]
    for value in values:
        back = decode(json.loads(json.dumps(encode(value))))
        assert type(back) is type(value)
        if isinstance(value, np.ndarray):
            assert back.dtype == value.dtype and np.array_equal(back, value)
        elif value == value:
            assert back == value
    model = nn.Sequential([nn.Dense(5, activation="relu", input_shape=(4,)), nn.Dense(3, activation="softmax")])
    back = decode(json.loads(json.dumps(encode(model))))
    assert isinstance(back, nn.Sequential) and back.input_shape == model.input_shape
    assert [type(layer).__name__ for layer in back.layers] == ["Dense", "Dense"]

    class Own(nn.Dense):
        pass

    for unstorable in (lambda: 1, object(), np.array([object()]), nn.Sequential([Own(3, input_shape=(2,))])):
        with pytest.raises(Unstorable):
            encode(unstorable)
    # Lo que el proceso del estudiante podría inventarse para ejecutar código en el que califica.
    popen = {"class_name": "Popen", "module": "subprocess", "qualname": "Popen", "config": {"args": ["true"]}}
    for forged in ({"__nd__": "|O", "shape": [1], "b64": ""}, {"py/object": "os.system"}, {"__np__": "|V8", "value": 0},
                   {"__red__": popen}, {"__red__": {"class_name": "Sequential", "config": {
                       "class_name": "Sequential", "layers": [popen]}}},
                   {"__red__": {"class_name": "Popen", "config": {"args": ["true"]}}}):
        with pytest.raises(ValueError):
            decode(forged)


def _notebook(cells):
    """Un cuaderno mínimo con celdas de código y, para cada (ejercicio, nombre), su celda de comprobación."""
    out = []
    for cell in cells:
        if isinstance(cell, tuple):
            exercise_id, name = cell
            out.append({"cell_type": "code", "source": calificacion.hidden_test(exercise_id, name), "outputs": [],
                        "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": exercise_id}}})
        else:
            out.append({"cell_type": "code", "source": cell, "outputs": [], "metadata": {}})
    return {"cells": out}


def test_the_runner_returns_only_outcomes_and_survives_attacks():
    """Errores del estudiante conservados (el ValueError de 04.2 tiene su diagnóstico), un proceso que se
    muere o se cuelga cuenta como fallo, y un cambio en su sitio vuelve al proceso que califica."""
    python = sys.executable
    same_course = {"PYTHONPATH": str(Path(checks.__file__).resolve().parents[1])}  # el course_lib de esta prueba
    notebook = _notebook([
        "import numpy as np\nimport os",
        "def paso(theta, grad, eta):\n    theta -= eta * grad\n    return theta",  # en su sitio
        ("04.1", "paso"),
        "def gradiente(X, y, w):\n    return X @ np.sign(X @ w - y) / len(y)",  # X en vez de X.T
        ("04.2", "gradiente"),
        "eta = 2 / 7",
        ("04.3", "eta"),
        ("04.3", "no_existe"),
    ])
    verdicts = calificacion.grade_notebook(notebook, python, call_timeout=20, extra_env=same_course)
    by_cell = [verdicts[i] for i in sorted(verdicts)]

    def paso(theta, grad, eta):
        theta -= eta * grad
        return theta

    # El mismo veredicto que en este proceso: también para un cambio en su sitio (vuelve al que califica).
    local = [checks.check("04.1", paso), checks.check("04.2", lambda X, y, w: X @ np.sign(X @ w - y) / len(y)),
             checks.check("04.3", 2 / 7)]
    assert [(f.status, f.message) for f in by_cell[:3]] == [(f.status, f.message) for f in local]
    assert by_cell[1].status == INCORRECT and by_cell[2].status == CORRECT
    assert by_cell[3].status == INCORRECT and "no encuentro «no_existe»" in by_cell[3].message

    dying = _notebook(["def paso(theta, grad, eta):\n    os._exit(0)", "import os", ("04.1", "paso"),
                       "eta = 2 / 7", ("04.3", "eta")])
    first, second = (calificacion.grade_notebook(dying, python, extra_env=same_course)[i] for i in (2, 4))
    assert first.status == INCORRECT and "terminó" in first.message
    assert second.status == CORRECT  # el proceso se vuelve a arrancar para el siguiente ejercicio

    # Una herramienta que el ejercicio prohíbe se vigila donde corre la función (si el ejercicio prohíbe alguna).
    if "sklearn.metrics.balanced_accuracy_score" in getattr(checks.get_exercise("00.5"), "forbidden", ()):
        code = ("from sklearn.metrics import balanced_accuracy_score\n"
                "def exactitud(y_true, y_pred):\n    return balanced_accuracy_score(y_true, y_pred)")
        (verdict,) = calificacion.grade_notebook(_notebook([code, ("00.5", "exactitud")]), python,
                                                 extra_env=same_course).values()
        namespace = {}
        exec(code, namespace)
        local = checks.check("00.5", namespace["exactitud"])
        assert verdict.status == local.status == INCORRECT and verdict.message == local.message

    hanging = _notebook(["def paso(theta, grad, eta):\n    while True:\n        pass", ("04.1", "paso")])
    (verdict,) = calificacion.grade_notebook(hanging, python, call_timeout=3, extra_env=same_course).values()
    assert verdict.status == INCORRECT and "no terminó en 3 s" in verdict.message
