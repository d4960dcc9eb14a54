"""La edición de aula: el curso que recibe una clase con tareas calificadas, sin ninguna respuesta.

Uso (``make aula``)::

    python -m course_lib.classroom.release build/aula

Copia lo que ve el estudiante (``course_lib``, ``notebooks``, ``data``, los ajustes de JupyterLab,
licencia) y cambia cada ``course_lib/exercises/capNN.py`` por un módulo que lee
``course_lib/classroom/data/capNN.json``. Ese fichero **no guarda ninguna respuesta**: ni valores,
ni resultados esperados, ni huellas, ni código de referencia, ni lo que dan los errores típicos.
Guarda lo que la comprobación del estudiante puede revisar sin ella (:mod:`.estudiante`): el
título y las pistas de cada ejercicio, el formato de su respuesta y, para las funciones, unas
entradas de prueba propias (las de la calificación, alteradas) con el formato del resultado. Los
ejercicios cuya respuesta es una red (08.4, 10.2) llevan su comprobación como código, porque es una
regla (entrenarla y medir su exactitud) que no usa ninguna solución.

La edición es un repositorio git con **historia continua**: cada ``make aula`` es un commit nuevo
en la rama ``main`` (si algo cambió), así nbgitpuller puede traer las novedades a quien ya tiene el
curso sin pisar lo que ha cambiado.
"""

import argparse
import ast
import copy
import functools
import inspect
import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zlib
from dataclasses import fields
from pathlib import Path

import numpy as np

from .. import checks
from ..exercises import all_exercises
from . import source
from .codec import Unstorable, encode

ROOT = Path(__file__).resolve().parents[2]
FORMAT_VERSION = 2
COLAB_CELL_MARK = "instalar-en-colab"  # metadata["curso"] de la celda de Colab (scripts/colab.py)
BRANCH = "main"
# Módulos de course_lib/classroom que son herramientas del profesorado: no van a la edición de aula.
TEACHER_MODULES = ("release.py", "assignments.py", "calificacion.py", "aislamiento.py", "source.py", "entorno.py")
FIELDS_NOT_SHIPPED = {"id", "verify", "solution", "mistakes"}

STUB = '''"""Ejercicios del capítulo {chapter} (edición de aula: sin respuestas; se califican al entregar)."""

from ..classroom.estudiante import load_chapter

EXERCISES = load_chapter(__name__)
'''
STUB_WITH_CODE = '''"""Ejercicios del capítulo {chapter} (edición de aula: sin respuestas; se califican al entregar).

Van aquí tal cual, porque no contienen ninguna respuesta: {what}.
"""

from ..classroom.estudiante import load_chapter

{code}


EXERCISES = load_chapter(__name__, globals())
'''
README = """# Fundamentos de aprendizaje profundo — edición de aula

Esta es la edición del curso para una clase con tareas calificadas. Los capítulos, las
demostraciones y el motor son los mismos que en la edición de autoestudio; lo que cambia son los
ejercicios: **esta edición no contiene ninguna respuesta**.

- `check(...)` revisa lo que se puede revisar sin la respuesta: que tu función se ejecute y
  devuelva algo con la forma y el tipo esperados (con unas entradas de prueba propias), que tu
  respuesta sea un número, un texto o un diccionario con las claves pedidas. Si eso está bien, dice
  que el ejercicio **se califica al entregar**. Los ejercicios que piden construir una red sí se
  comprueban del todo: se entrena tu red y se mide su exactitud.
- `pista(...)` da las pistas, como siempre.
- `show_solution(...)` explica que las soluciones las publica tu profesor o profesora.

La nota la pone la calificación de la entrega: ejecuta tus respuestas con entradas que no ves y
las compara con la referencia, en otro proceso.

Instalación: ábrela en el JupyterHub de tu clase (o `pip install -r requirements.txt` y
`pip install .`).
"""

# Configuración de Jupyter para el servidor de un estudiante (la usa jupyterhub_config.py):
# sin las extensiones de nbgrader del profesorado (corregir, crear tareas).
STUDENT_SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
}}}
STUDENT_PAGE_CONFIG = {"disabledExtensions": {
    "@jupyter/nbgrader:formgrader": True,
    "@jupyter/nbgrader:create-assignment": True,
    "@jupyter/nbgrader:course-list": True,
}}


# --- Qué se guarda de cada ejercicio --------------------------------------------------------------

def describe_value(value, depth=0, sizes=True):
    """El formato de un valor, sin el valor: tipo y, si ``sizes``, forma o número de elementos.

    Más allá del segundo nivel no se guardan tamaños (en una lista de pliegues, el tamaño de cada
    pliegue ya es parte de la respuesta); en las respuestas que son un valor, tampoco: su formato lo
    dice el enunciado.
    """
    if isinstance(value, str):
        return {"t": "texto"}
    if isinstance(value, (bool, int, float, np.number)) or (isinstance(value, np.ndarray) and value.ndim == 0
                                                            and value.dtype.kind in "biuf"):
        return {"t": "numero", "finito": bool(np.isfinite(float(value)))}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        spec = {"t": "array", "finito": bool(np.all(np.isfinite(value.astype(float))))}
        if sizes and depth < 2:
            spec["forma"] = list(value.shape)
        return spec
    if isinstance(value, (tuple, list)):
        spec = {"t": "secuencia"}
        if sizes and depth < 2 and not all(isinstance(v, str) for v in value):
            spec["n"] = len(value)
            spec["elementos"] = [describe_value(v, depth + 1, sizes) for v in value]
        return spec
    if isinstance(value, dict):
        return {"t": "diccionario", "claves": [encode(k) for k in value]}
    if type(value).__name__ in ("Sequential", "Model") and type(value).__module__.startswith("course_lib.nn"):
        return {"t": "red"}
    return {"t": "otro"}


class _Captured(BaseException):
    """Corta la comprobación en cuanto ha hecho su primera llamada (ya se tiene lo que hacía falta)."""


def first_call(exercise):
    """(args, kwargs, resultado de la referencia) de la primera llamada que hace la comprobación, o None."""
    solution = exercise.solution
    captured = {}

    @functools.wraps(solution)
    def spy(*args, **kwargs):
        captured.update(args=copy.deepcopy(args), kwargs=copy.deepcopy(kwargs))
        captured["result"] = solution(*args, **kwargs)
        raise _Captured

    try:
        with np.errstate(all="ignore"):
            exercise.verify(spy)
    except _Captured:
        return captured["args"], captured["kwargs"], captured["result"]
    except Exception:  # noqa: BLE001 — una comprobación que no llama así a la respuesta
        return None
    return None


def grading_inputs(exercise):
    """Las entradas (codificadas como texto JSON) de cada llamada de la comprobación: no sirven de prueba."""
    solution, seen = exercise.solution, set()

    @functools.wraps(solution)
    def spy(*args, **kwargs):
        try:
            seen.add(json.dumps(encode([list(args), dict(kwargs)]), sort_keys=True))
        except Unstorable:
            pass
        return solution(*args, **kwargs)

    try:
        with np.errstate(all="ignore"):
            exercise.verify(spy)
    except Exception:  # noqa: BLE001 — lo visto hasta el fallo basta
        pass
    return seen


def _perturbed(value, rng, mode):
    """``value`` con sus números alterados y si cambió algo.

    ``mode="todo"``: cada real que no es entero, ±5 % (los enteros, como una columna de unos o un
    cero, no se tocan), y las filas de cada array de enteros o de textos (etiquetas, una matriz
    one-hot, una imagen de enteros), barajadas; ``mode="reales"`` y ``mode="barajar"``: solo una de las dos cosas;
    ``mode="mas_uno"``: cada entero positivo suelto (un tamaño, un número de pliegues), +1;
    ``mode="mas_dos"``: +2 (para los tamaños que deben ser pares, como la d de las posiciones sinusoidales).
    """
    reals, shuffle = mode in ("todo", "reales"), mode in ("todo", "barajar")
    if isinstance(value, np.ndarray):
        integral = value.dtype.kind in "iubUS" or (value.dtype.kind == "f" and np.all(value == np.round(value)))
        if shuffle and integral and value.size > 1:
            return _shuffled(value, rng)
        if reals and value.dtype.kind == "f" and not integral:
            changes = value != np.round(value)
            factor = 1 + 0.05 * rng.uniform(-1, 1, size=value.shape)
            return np.where(changes, value * factor, value).astype(value.dtype), True
        return value.copy(), False
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value, False
    if isinstance(value, float) and reals and not float(value).is_integer():
        return type(value)(value * (1 + 0.05 * rng.uniform(-1, 1))), True
    if isinstance(value, (int, float)) and mode in ("mas_uno", "mas_dos") and value >= 1 and float(value).is_integer():
        return type(value)(value + (1 if mode == "mas_uno" else 2)), True
    if isinstance(value, (tuple, list)):
        items = [_perturbed(v, rng, mode) for v in value]
        return type(value)(v for v, _ in items), any(c for _, c in items)
    if isinstance(value, dict):
        items = {k: _perturbed(v, rng, mode) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(c for _, c in items.values())
    return value, False


def _shuffled(value, rng, tries=8):
    """Las filas de ``value`` en otro orden (o, si todas son iguales, sus elementos), y si cambió."""
    for permute in ((lambda v: rng.permutation(v)) if value.ndim >= 1 and len(value) > 1 else None,
                    lambda v: rng.permutation(v.ravel()).reshape(v.shape)):
        for _ in range(tries if permute else 0):
            shuffled = permute(value)
            if not np.array_equal(shuffled, value):
                return shuffled, True
    return value.copy(), False  # un array constante: no dice nada de ninguna entrada


def _same_format(original, new):
    """¿Es ``new`` del mismo tipo que ``original``, sin perder números finitos donde los había?

    Las formas pueden cambiar: dependen de las entradas (con un pliegue más, una lista más larga).
    """
    if original["t"] != new["t"]:
        return False
    if original.get("finito") and not new.get("finito"):
        return False
    return all(_same_format(a, b) for a, b in zip(original.get("elementos") or [], new.get("elementos") or []))


def probe(exercise):
    """Entradas de prueba para la comprobación del estudiante y el formato del resultado esperado.

    Salen de la primera llamada de la comprobación, con sus números alterados (:func:`_perturbed`):
    así no son las entradas de la calificación. Se descartan si la referencia falla con ellas o su
    resultado cambia de formato (otra forma, NaN donde había números). Devuelve None si no
    hay entradas que sirvan (el estudiante solo sabrá que su función existe).
    """
    call = first_call(exercise)
    if call is None:
        return None
    args, kwargs, result = call
    original = describe_value(result)
    rng = np.random.default_rng(zlib.crc32(exercise.id.encode()))  # la misma edición en cada make aula
    graded = None
    for mode in ("todo", "reales", "barajar", "mas_uno", "mas_dos"):
        (new_args, new_kwargs), changed = _perturbed((list(args), dict(kwargs)), rng, mode)
        if not changed:
            continue
        if mode in ("mas_uno", "mas_dos"):  # un tamaño +1 puede ser el de otra llamada de la calificación
            graded = grading_inputs(exercise) if graded is None else graded
            try:
                if json.dumps(encode([new_args, new_kwargs]), sort_keys=True) in graded:
                    continue
            except Unstorable:
                continue
        try:
            with np.errstate(all="ignore"):
                reference = exercise.solution(*copy.deepcopy(new_args), **copy.deepcopy(new_kwargs))
            spec = describe_value(reference)
            if original["t"] == "otro":
                return None
            if not _same_format(original, spec):
                continue
            return {"args": encode(new_args), "kwargs": encode(new_kwargs), "formato": spec}
        except (Exception, Unstorable):  # noqa: BLE001 — con estas entradas no sirve
            continue
    return None


def _shipped_fields(exercise):
    """Los campos del ejercicio que sí viajan (título, pistas…), como datos."""
    shipped = {}
    for field in fields(exercise):
        if field.name in FIELDS_NOT_SHIPPED:
            continue
        try:
            shipped[field.name] = encode(getattr(exercise, field.name))
        except Unstorable:
            continue  # p. ej. una función: se queda con su valor por defecto
    return shipped


def is_worked_example(exercise):
    """¿Es un ejemplo resuelto a propósito en su capítulo (el cuaderno ya muestra la solución)?"""
    return bool(getattr(exercise, "worked_example", False))


def _forbidden():
    """Los objetos que una comprobación copiada no puede usar: soluciones y errores típicos.

    Los de un ejemplo resuelto (00.1) no: su capítulo ya los muestra, y viajan tal cual.
    """
    objects = []
    for exercise in all_exercises():
        if is_worked_example(exercise):
            continue
        objects.append(exercise.solution)
        objects += [wrong for wrong, _ in exercise.mistakes]
    return {id(o) for o in objects if o is not None and not isinstance(o, (bool, int, float, str))}


def exercise_data(exercise, collector=None):
    """Lo que la edición de aula guarda de un ejercicio (sin respuesta)."""
    base = {"id": exercise.id, "campos": _shipped_fields(exercise)}
    if is_worked_example(exercise) and collector is not None:
        # Un ejemplo resuelto: su capítulo enseña check() con él (un intento equivocado, la respuesta
        # buena). No se califica y su solución ya está en el cuaderno: viaja entero.
        collector.add(exercise.verify)
        if callable(exercise.solution):
            collector.add(exercise.solution)
            solution = {"funcion": exercise.solution.__name__}
        else:
            solution = {"valor": encode(exercise.solution)}
        return {**base, "modo": "ejemplo", "comprobacion": exercise.verify.__name__, "solucion": solution}
    if not callable(exercise.solution):
        return {**base, "modo": "formato", "tipo": "valor", "formato": describe_value(exercise.solution, sizes=False)}
    call = first_call(exercise)
    if collector is not None and call is not None and describe_value(call[2])["t"] == "red":
        trial = source.Collector(collector.forbidden)
        trial.seen = set(collector.seen)
        try:
            trial.add(exercise.verify)
        except source.Forbidden:
            pass  # su comprobación usa una solución: solo se revisa el formato
        else:
            collector.add(exercise.verify)
            return {**base, "modo": "regla", "comprobacion": exercise.verify.__name__}
    return {**base, "modo": "formato", "tipo": "funcion", "prueba": probe(exercise)}


IMPORT_FROM_EXERCISES = re.compile(r"from[ \t]+course_lib\.exercises\.cap(\d\d)[ \t]+import[ \t]+(?:\(([\w\s,]+)\)|([\w \t,]+))")


def notebook_imports(chapter):
    """Los nombres que algún cuaderno importa de ``course_lib.exercises.capNN`` (datos para un enunciado)."""
    names = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            for found, in_parentheses, in_line in IMPORT_FROM_EXERCISES.findall("".join(cell["source"])):
                imported = in_parentheses or in_line
                if found == chapter:
                    names += [n.strip() for n in imported.split(",") if n.strip() and n.strip() not in names]
    return names


def _ship_imports(chapter, collector):
    """Lleva a la edición lo que importan los cuadernos del módulo del capítulo; falla si es una respuesta."""
    module = sys.modules[f"course_lib.exercises.cap{chapter}"]
    for name in notebook_imports(chapter):
        value = getattr(module, name)
        if id(value) in collector.forbidden:
            raise RuntimeError(f"un cuaderno importa {name} de course_lib.exercises.cap{chapter}, y es una respuesta")
        if callable(value):
            try:
                collector.add(value)
            except source.Forbidden as exc:
                raise RuntimeError(f"un cuaderno importa {name} de course_lib.exercises.cap{chapter}, "
                                   f"y usa una respuesta ({exc})") from None
        else:
            collector.seen.add(name)
            collector.constants.append(f"{name} = {source.literal(value)}")


def chapter_data(chapter):
    """(datos del capítulo, código que viaja: las comprobaciones que son reglas y lo que importan los cuadernos)."""
    collector = source.Collector(_forbidden())
    exercises = [exercise_data(ex, collector) for ex in checks.chapter_exercises(chapter).values()]
    _ship_imports(chapter, collector)
    code = collector.source() if collector.functions or collector.constants else ""
    return {"formato": FORMAT_VERSION, "capitulo": chapter, "ejercicios": exercises}, code


def chapters():
    """Los capítulos que tienen ejercicios (``["00", "01", …]``)."""
    return sorted({ex.id.split(".")[0] for ex in all_exercises()})


# --- Construir la edición --------------------------------------------------------------------------

def _copy_tree(origin, target):
    shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))


def _drop_colab_cell(path):
    """Quita la celda que, en Colab, instalaría la edición de autoestudio (con soluciones) del repositorio."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if c.get("metadata", {}).get("curso") != COLAB_CELL_MARK]
    if len(cells) != len(notebook["cells"]):
        notebook["cells"] = cells
        path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _pyproject():
    """El ``pyproject.toml`` del repositorio para la edición: otra versión y sin los extras."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r'^version = "([^"]+)"', r'version = "\1+aula"', text, count=1, flags=re.M)
    text = re.sub(r"\n\[project\.optional-dependencies\].*?(?=\n\[)", "\n", text, flags=re.S)
    return text + '\n[tool.setuptools.package-data]\n"course_lib.classroom" = ["data/*.json"]\n'


def student_extra():
    """Las dependencias del servidor de cada estudiante (el extra ``aula`` de pyproject.toml)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r"^aula = \[(.*?)\]", text, flags=re.M | re.S)
    return re.findall(r'"([^"]+)"', found.group(1)) if found else []


def build(target):
    """Escribe la edición de aula en ``target`` (que se borra antes si existe). Devuelve un resumen."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    _copy_tree(ROOT / "course_lib", target / "course_lib")
    for name in TEACHER_MODULES:
        (target / "course_lib" / "classroom" / name).unlink(missing_ok=True)
    _copy_tree(ROOT / "notebooks", target / "notebooks")
    for notebook in (target / "notebooks").glob("*.ipynb"):
        _drop_colab_cell(notebook)
    _copy_tree(ROOT / "data", target / "data")
    _copy_tree(ROOT / "jupyter" / "ajustes", target / "jupyter" / "ajustes")
    student = target / "jupyter" / "estudiante"
    (student / "labconfig").mkdir(parents=True)
    (student / "jupyter_server_config.json").write_text(json.dumps(STUDENT_SERVER_CONFIG, indent=1) + "\n")
    (student / "labconfig" / "page_config.json").write_text(json.dumps(STUDENT_PAGE_CONFIG, indent=1) + "\n")
    shutil.copy(ROOT / "LICENSE", target / "LICENSE")
    # repo2docker (Binder, Zero to JupyterHub) construye la imagen con estos dos ficheros.
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    extra = "\n".join(student_extra())
    (target / "requirements.txt").write_text(
        f"{requirements}# Para el servidor de cada estudiante en JupyterHub (extra «aula» del curso)\n{extra}\n",
        encoding="utf-8")
    (target / "postBuild").write_text("#!/bin/bash\nset -e\npip install --no-deps .\n", encoding="utf-8")
    (target / "postBuild").chmod(0o755)
    (target / "README.md").write_text(README, encoding="utf-8")
    (target / "pyproject.toml").write_text(_pyproject(), encoding="utf-8")

    exercises_dir = target / "course_lib" / "exercises"
    data_dir = target / "course_lib" / "classroom" / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    for module in exercises_dir.glob("cap*.py"):
        module.unlink()
    summary = {"chapters": chapters(), "rules": [], "examples": [], "without_probe": []}
    for chapter in chapters():
        data, code = chapter_data(chapter)
        (data_dir / f"cap{chapter}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")
        rules = [ex["id"] for ex in data["ejercicios"] if ex["modo"] == "regla"]
        examples = [ex["id"] for ex in data["ejercicios"] if ex["modo"] == "ejemplo"]
        summary["rules"] += rules
        summary["examples"] += examples
        summary["without_probe"] += [ex["id"] for ex in data["ejercicios"]
                                     if ex["modo"] == "formato" and ex["tipo"] == "funcion" and not ex["prueba"]]
        shipped = [f"las comprobaciones de {', '.join(rules)} (reglas, como entrenar la red del estudiante y "
                   "medir su exactitud)"] if rules else []
        exported = notebook_imports(chapter)
        shipped += [f"lo que importa el cuaderno ({', '.join(exported)})"] if exported else []
        shipped += [f"el ejemplo resuelto {', '.join(examples)}, con su solución, que el cuaderno ya muestra"
                    ] if examples else []
        stub = (STUB_WITH_CODE.format(chapter=chapter, what="; ".join(shipped), code=code) if code
                else STUB.format(chapter=chapter))
        (exercises_dir / f"cap{chapter}.py").write_text(stub, encoding="utf-8")
    return summary


# --- Publicarla: un repositorio con historia continua -------------------------------------------------

GIT_ENV = {"GIT_AUTHOR_NAME": "curso", "GIT_AUTHOR_EMAIL": "curso@localhost", "GIT_COMMITTER_NAME": "curso",
           "GIT_COMMITTER_EMAIL": "curso@localhost", "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/nonexistent",
           "GIT_CONFIG_NOSYSTEM": "1"}


def _git(target, *args, check=True):
    return subprocess.run(["git", *args], cwd=target, env=GIT_ENV, check=check, capture_output=True, text=True)


def _source_revision():
    """El commit del repositorio del curso del que sale la edición (para el mensaje), o ''."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


class SolutionLeak(RuntimeError):
    """La edición contendría el código de una solución (de los ejercicios, de un cuaderno o del motor)."""


def publish(target, message=None):
    """Construye la edición y la guarda como un commit nuevo de ``main`` en el repositorio ``target``.

    Si ``target`` no es aún un repositorio, lo crea. El contenido se sustituye entero (lo que ya no
    está en el curso desaparece también de la edición); si nada cambió, no hay commit. Devuelve
    (resumen, commit o None).
    """
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="aula-") as tmp:
        fresh = Path(tmp) / "aula"
        summary = build(fresh)
        found = [(exercise_id, str(Path(path).relative_to(fresh))) for exercise_id, path in find_leaks(fresh)]
        if found:  # antes del commit: una edición con soluciones no llega a publicarse
            raise SolutionLeak(f"La edición de aula contendría soluciones (ejercicio, fichero): {sorted(found)}. "
                               "Si están en un cuaderno o en el motor, hay que quitarlas de allí.")
        if not (target / ".git").exists():
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            _git(target, "init", "-q", "-b", BRANCH)
        elif _git(target, "symbolic-ref", "--short", "HEAD").stdout.strip() != BRANCH:
            _git(target, "checkout", "-q", BRANCH)
        for entry in target.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        shutil.copytree(fresh, target, dirs_exist_ok=True)
    _git(target, "add", "-A")
    if _git(target, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return summary, None
    revision = _source_revision()
    text = message or f"Edición de aula del curso{f' (curso en {revision})' if revision else ''}"
    _git(target, "commit", "-q", "-m", text)
    return summary, _git(target, "rev-parse", "HEAD").stdout.strip()


# --- Comprobaciones: ninguna solución en la edición ---------------------------------------------------

def solution_bodies():
    """Cuerpo (sin la línea ``def`` ni la docstring) de cada solución que es código: lo que no debe salir."""
    bodies = {}
    for exercise in all_exercises():
        if not callable(exercise.solution) or is_worked_example(exercise):
            continue  # un valor no es código; un ejemplo resuelto viaja con su solución a propósito
        text = textwrap.dedent(inspect.getsource(exercise.solution))
        function = ast.parse(text).body[0]
        statements = function.body
        if statements and isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
            statements = statements[1:]  # la docstring (la fórmula) no es la solución
        if statements:
            lines = text.splitlines()[statements[0].lineno - 1:statements[-1].end_lineno]
            bodies[exercise.id] = _code_lines("\n".join(lines))
    return bodies


def _code_lines(text):
    """Líneas de código sin espacios a los lados, sin líneas vacías ni comentarios."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def release_texts(root):
    """(ruta, líneas de código) de cada fichero de texto de una edición; de los cuadernos, sus celdas."""
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or path.suffix in {".pyc", ".png", ".npz", ".whl", ".gz"} or ".git" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".ipynb":
            cells = json.loads(text)["cells"]
            text = "\n".join("".join(cell["source"]) for cell in cells)
        yield path, _code_lines(text)


def find_leaks(root, bodies=None):
    """Las soluciones cuyo cuerpo aparece entero (líneas seguidas) en algún fichero de ``root``."""
    bodies = solution_bodies() if bodies is None else bodies
    leaks = []
    for path, lines in release_texts(root):
        joined = "\n".join(lines)
        for exercise_id, body in bodies.items():
            if "\n".join(body) in joined:
                leaks.append((exercise_id, str(path)))
    return leaks


def content_leaks(target):
    """Cuerpos de soluciones que ya están en el material del curso (cuadernos, motor), no en los ejercicios.

    Devuelve los pares (ejercicio, ruta dentro de ``target``) de la edición de aula cuyo fichero de
    origen en el repositorio ya contiene ese cuerpo: un ejemplo resuelto a propósito, o un enunciado
    cuya respuesta el cuaderno muestra antes (eso hay que corregirlo en el cuaderno, no aquí).
    """
    target = Path(target)
    found = []
    for exercise_id, path in find_leaks(ROOT / "notebooks") + find_leaks(ROOT / "course_lib"):
        relative = Path(path).relative_to(ROOT)
        if relative.parts[:2] != ("course_lib", "exercises"):
            found.append((exercise_id, str(target / relative)))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description="Construye y publica la edición de aula (sin respuestas).")
    parser.add_argument("target", nargs="?", default=str(ROOT / "build" / "aula"))
    parser.add_argument("-m", "--mensaje", help="mensaje del commit (por defecto, el commit del curso)")
    args = parser.parse_args(argv)
    try:
        summary, commit = publish(args.target, args.mensaje)
    except SolutionLeak as exc:
        sys.exit(str(exc))
    state = f"commit {commit[:10]} en la rama {BRANCH}" if commit else "sin cambios desde el último commit"
    print(f"Edición de aula en {args.target} ({state}): capítulos {', '.join(summary['chapters'])}, sin respuestas.")
    if summary["rules"]:
        print(f"  Se comprueban del todo (una regla, sin respuesta): {', '.join(summary['rules'])}.")
    if summary["examples"]:
        print(f"  Ejemplos resueltos (no se califican; viajan con su solución): {', '.join(summary['examples'])}.")
    if summary["without_probe"]:
        print(f"  Sin entradas de prueba para revisar el formato: {', '.join(summary['without_probe'])}.")


if __name__ == "__main__":
    main()
