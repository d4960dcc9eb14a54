"""Construir la edición de aula: el curso sin el código de ninguna solución.

Uso (``make aula``)::

    python -m course_lib.classroom.release build/aula

Copia el repositorio que verá el estudiante (``course_lib``, ``notebooks``, ``data``, licencia) y
cambia cada ``course_lib/exercises/capNN.py`` por un módulo de tres líneas que lee
``course_lib/classroom/data/capNN.json``: las entradas, los resultados esperados y los
diagnósticos que :mod:`.record` grabó al ejecutar cada comprobación con su solución de
referencia. El directorio resultante es un repositorio git (para repartirlo con nbgitpuller) y
un paquete instalable con ``pip install``.
"""

import argparse
import ast
import inspect
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from .. import checks
from ..exercises import all_exercises
from . import source
from .record import record_chapter

ROOT = Path(__file__).resolve().parents[2]
COLAB_CELL_MARK = "instalar-en-colab"  # metadata["curso"] de la celda de Colab (scripts/colab.py)
STUB = '''"""Ejercicios del capítulo {chapter} (edición de aula: se comprueban con datos, sin soluciones)."""

from ..classroom.replay import load_chapter

EXERCISES = load_chapter(__name__)
'''
STUB_WITH_CHECKS = '''"""Ejercicios del capítulo {chapter} (edición de aula: se comprueban con datos, sin soluciones).

Las comprobaciones de {ids} no comparan con una solución (revisan una regla, como entrenar el modelo
del estudiante y medir su exactitud): van aquí tal cual, sin ninguna solución.
"""

from ..classroom.replay import load_chapter

{code}


EXERCISES = load_chapter(__name__, globals())
'''
README = """# Fundamentos de aprendizaje profundo — edición de aula

Esta es la edición del curso para una clase con tareas calificadas. Es igual que la edición de
autoestudio salvo en una cosa: **no contiene las soluciones de los ejercicios**. `check(...)`
sigue diciéndote en español si tu respuesta es correcta y, si no, qué falla; `hint(...)` da la
pista; `show_solution(...)` explica que las soluciones las publica tu profesor o profesora.

Instalación: `pip install -e .` (o ábrela en el JupyterHub de tu clase).
"""


def _forbidden():
    """Los objetos que una comprobación copiada no puede usar: soluciones y errores típicos."""
    objects = []
    for exercise in all_exercises():
        objects.append(exercise.solution)
        objects += [wrong for wrong, _ in exercise.mistakes]
    return {id(o) for o in objects if o is not None and not isinstance(o, (bool, int, float, str))}


def ship_checks(data):
    """Lleva a la edición las comprobaciones que no se pueden repetir con datos pero no usan ninguna solución.

    Cambia su ``mode`` a ``"code"`` (con el nombre de la función) y devuelve su código, o ``""``.
    """
    collector = source.Collector(_forbidden())
    for item in data["exercises"]:
        if item["mode"] == "replay":
            continue
        verify = checks.get_exercise(item["id"]).verify
        trial = source.Collector(collector.forbidden)
        trial.seen = set(collector.seen)
        try:
            trial.add(verify)
        except source.Forbidden:
            continue  # se queda «se comprueba al calificar»
        collector.add(verify)
        item["mode"], item["check"] = "code", verify.__name__
    return collector.source() if collector.functions else ""


def chapters():
    """Los capítulos que tienen ejercicios (``["00", "01", …]``)."""
    return sorted({ex.id.split(".")[0] for ex in all_exercises()})


def _copy_tree(source, target):
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))


def _drop_colab_cell(path):
    """Quita la celda que, en Colab, instalaría la edición de autoestudio (con soluciones) del repositorio.

    La edición de aula se usa en el JupyterHub de la clase, que ya la tiene instalada.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if c.get("metadata", {}).get("curso") != COLAB_CELL_MARK]
    if len(cells) != len(notebook["cells"]):
        notebook["cells"] = cells
        path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def build(target):
    """Escribe la edición de aula en ``target`` (se borra antes si existe). Devuelve un resumen."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    _copy_tree(ROOT / "course_lib", target / "course_lib")
    _copy_tree(ROOT / "notebooks", target / "notebooks")
    for notebook in (target / "notebooks").glob("*.ipynb"):
        _drop_colab_cell(notebook)
    _copy_tree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "LICENSE", target / "LICENSE")
    # repo2docker (Binder, Zero to JupyterHub) construye la imagen con estos dos ficheros.
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    (target / "requirements.txt").write_text(
        requirements + "# Para el servidor de cada estudiante en JupyterHub\njupyterhub==6.1.1\nnbgitpuller==1.3.0\n",
        encoding="utf-8")
    (target / "postBuild").write_text("#!/bin/bash\nset -e\npip install --no-deps -e .\n", encoding="utf-8")
    (target / "postBuild").chmod(0o755)
    (target / "README.md").write_text(README, encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r'^version = "([^"]+)"', r'version = "\1+aula"', pyproject, count=1, flags=re.M)
    pyproject = re.sub(r"\n\[project\.optional-dependencies\].*?(?=\n\[)", "\n", pyproject, flags=re.S)
    pyproject += '\n[tool.setuptools.package-data]\n"course_lib.classroom" = ["data/*.json"]\n'
    (target / "pyproject.toml").write_text(pyproject, encoding="utf-8")

    exercises_dir = target / "course_lib" / "exercises"
    data_dir = target / "course_lib" / "classroom" / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    opaque = []
    for module in exercises_dir.glob("cap*.py"):
        module.unlink()
    for chapter in chapters():
        data = record_chapter(chapter)
        code = ship_checks(data)
        opaque += [(ex["id"], ex["reason"], ex["mode"]) for ex in data["exercises"] if ex["mode"] != "replay"]
        (data_dir / f"cap{chapter}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        ids = ", ".join(ex["id"] for ex in data["exercises"] if ex["mode"] == "code")
        stub = STUB_WITH_CHECKS.format(chapter=chapter, ids=ids, code=code) if code else STUB.format(chapter=chapter)
        (exercises_dir / f"cap{chapter}.py").write_text(stub, encoding="utf-8")
    return {"chapters": chapters(), "opaque": opaque}


def solution_bodies():
    """Cuerpo (sin la línea ``def`` ni la docstring) de cada solución que es código: lo que no debe salir."""
    bodies = {}
    for exercise in all_exercises():
        if not callable(exercise.solution):
            continue
        source = textwrap.dedent(inspect.getsource(exercise.solution))
        function = ast.parse(source).body[0]
        statements = function.body
        if statements and isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
            statements = statements[1:]  # la docstring (la fórmula) no es la solución
        if statements:
            lines = source.splitlines()[statements[0].lineno - 1:statements[-1].end_lineno]
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


def init_git(target):
    """Convierte la edición en un repositorio git con un único commit (lo que nbgitpuller reparte)."""
    env = {"GIT_AUTHOR_NAME": "curso", "GIT_AUTHOR_EMAIL": "curso@localhost",
           "GIT_COMMITTER_NAME": "curso", "GIT_COMMITTER_EMAIL": "curso@localhost", "PATH": "/usr/bin:/bin"}
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                    ["git", "commit", "-q", "-m", "Edición de aula del curso"]):
        subprocess.run(command, cwd=target, check=True, env=env)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Construye la edición de aula (sin soluciones).")
    parser.add_argument("target", nargs="?", default=str(ROOT / "build" / "aula"))
    parser.add_argument("--git", action="store_true", help="además, hacer de la edición un repositorio git")
    args = parser.parse_args(argv)
    summary = build(args.target)
    added = sorted(set(find_leaks(args.target)) - set(content_leaks(args.target)))
    if added:
        sys.exit(f"La edición de aula contiene soluciones: {added}")
    if args.git:
        init_git(args.target)
    print(f"Edición de aula en {args.target}: capítulos {', '.join(summary['chapters'])}, sin soluciones.")
    for exercise_id, path in content_leaks(args.target):
        print(f"  Aviso: la solución de {exercise_id} ya está en el material del curso: {path}")
    for exercise_id, reason, mode in summary["opaque"]:
        if mode == "code":
            print(f"  {exercise_id}: no se puede repetir con datos ({reason}); su comprobación, que no usa la "
                  "solución, va en la edición tal cual.")
        else:
            print(f"  {exercise_id}: se comprueba solo al calificar ({reason}).")


if __name__ == "__main__":
    main()
