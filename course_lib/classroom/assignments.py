"""Tareas de nbgrader generadas desde los ejercicios (``make tareas``).

Para cada capítulo con ejercicios se escribe un cuaderno fuente de nbgrader,
``<curso>/source/capNN/capNN.ipynb``, con la celda de preparación del capítulo (sus ``import``) y
su sección de ejercicios:

- cada celda de respuesta es una **celda de solución**: el código del estudiante tal como está en
  el cuaderno y, entre ``### BEGIN SOLUTION`` y ``### END SOLUTION``, la solución de referencia
  copiada de ``course_lib/exercises/capNN.py`` (la única fuente de verdad);
- cada celda ``check(...)`` es una **celda de prueba calificada** (1 punto, bloqueada): muestra al
  estudiante lo que su edición puede revisar (el formato) y lleva, entre ``### BEGIN HIDDEN TESTS``
  y ``### END HIDDEN TESTS``, qué respuesta se califica. La nota la decide
  :class:`.calificacion.CalificarFueraDelNucleo`, fuera del núcleo del estudiante, con las entradas
  de prueba de la edición completa (que el estudiante no tiene) y la solución de referencia.

``nbgrader generate_assignment capNN`` quita las soluciones y las pruebas ocultas y deja la versión
del estudiante; ``nbgrader autograde capNN`` califica con el ``nbgrader_config.py`` que se escribe aquí.
"""

import argparse
import ast
import copy
import json
import re
from pathlib import Path

from .. import checks
from .calificacion import hidden_test
from .release import COLAB_CELL_MARK, ROOT, chapters
from .source import literal, reference_source

CHECK_CALL = re.compile(r'check\(\s*"(\d\d\.\d+)"\s*,\s*([A-Za-z_]\w*)\s*\)')
STUB = "# Escribe aquí tu solución"
POINTS = 1
STUDENT_PYTHON = ROOT / "build" / "entorno-estudiante" / "bin" / "python"

NBGRADER_CONFIG = '''"""Configuración de nbgrader para las tareas del curso (generada por make tareas).

La nota de cada ejercicio la decide course_lib.classroom.calificacion fuera del núcleo del
estudiante (docs/despliegue.md, «Tareas con nbgrader»). Las entregas se ejecutan con el entorno
del estudiante (solo la edición de aula) y, si se indica, con un usuario del sistema sin permisos.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

from course_lib.classroom import aislamiento
from course_lib.classroom.calificacion import CalificarFueraDelNucleo

c = get_config()  # noqa: F821  (nbgrader define get_config al leer este fichero)

c.CourseDirectory.course_id = "fundamentos-aprendizaje-profundo"
# Lo que ve el estudiante en lugar de la solución (nbgrader lo sangra como el marcador).
c.ClearSolutions.code_stub = {{"python": "{stub}"}}
c.ClearSolutions.text_stub = "Escribe aquí tu respuesta."
# Cada celda se ejecuta con un límite de tiempo: un bucle infinito no bloquea la calificación.
c.Execute.timeout = 120

# El Python del entorno del estudiante (make entorno-estudiante) y, opcionalmente, un usuario del
# sistema sin permisos con el que se ejecutan las entregas (hay que calificar como root:
# sudo -E nbgrader autograde capNN).
PYTHON_ESTUDIANTE = os.environ.get("CURSO_PYTHON_ESTUDIANTE", "{student_python}")
USUARIO_CALIFICADOR = os.environ.get("CURSO_CALIFICADOR", "")

# 1. El núcleo con que nbgrader ejecuta cada entrega (para la retroalimentación): el del estudiante,
#    con una carpeta temporal suya dentro de CURSO_NUCLEOS, que se borra al terminar.
if "CURSO_NUCLEOS" not in os.environ:
    os.environ["CURSO_NUCLEOS"] = tempfile.mkdtemp(prefix="curso-nucleos-")
    os.chmod(os.environ["CURSO_NUCLEOS"], 0o711)
    atexit.register(shutil.rmtree, os.environ["CURSO_NUCLEOS"], True)
_jupyter = Path(__file__).resolve().parent / ".jupyter"
aislamiento.write_kernelspec(_jupyter / "kernels", PYTHON_ESTUDIANTE, USUARIO_CALIFICADOR)
os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(_jupyter), os.environ.get("JUPYTER_PATH")]))
c.Execute.kernel_name = "curso-estudiante"

# 2. La nota: fuera del núcleo, justo después de que nbgrader lo ejecute.
c.CalificarFueraDelNucleo.python = PYTHON_ESTUDIANTE
c.CalificarFueraDelNucleo.usuario = USUARIO_CALIFICADOR
_pasos = list(Autograde.class_traits()["autograde_preprocessors"].default())
_pasos.insert(_pasos.index(Execute) + 1, CalificarFueraDelNucleo)
c.Autograde.autograde_preprocessors = _pasos
'''

INTRO = """# Tarea {chapter} · {title}

Esta tarea reúne los ejercicios del cuaderno `{notebook}`. Escribe tu respuesta en cada celda que
lo indica y ejecuta la celda de comprobación que la sigue: te dice si tu respuesta tiene el formato
esperado (tu edición del curso no lleva las respuestas). Cada ejercicio vale {points} punto, y la
nota se pone al calificar la entrega: tu respuesta se ejecuta con entradas de prueba que no ves y
se compara con la de referencia. Las celdas de comprobación están bloqueadas.

Guarda a menudo (Ctrl+S). Si el núcleo se reinicia, vuelve a ejecutar la primera celda de código.
"""


def _nbgrader(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def _cell(cell_type, source, nbgrader=None):
    cell = {"cell_type": cell_type, "metadata": {}, "source": source}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    if nbgrader:
        cell["metadata"]["nbgrader"] = nbgrader
    return cell


def _source(cell):
    return "".join(cell["source"])


def solution_cell(source, name, solution):
    """La celda de respuesta con la solución de referencia entre los marcadores de nbgrader."""
    lines = [line for line in source.splitlines() if line.strip() != STUB]
    tree = ast.parse("\n".join(lines))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            body = node.body
            first = body[1] if len(body) > 1 and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) else body[0]
            indent = " " * first.col_offset
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            params += [f"*{node.args.vararg.arg}"] if node.args.vararg else []
            params += [f"{a.arg}={a.arg}" for a in node.args.kwonlyargs]
            params += [f"**{node.args.kwarg.arg}"] if node.args.kwarg else []
            call = f"return {solution.__name__}({', '.join(params)})"
            region = ["### BEGIN SOLUTION", *reference_source(solution).splitlines(), call, "### END SOLUTION"]
            at = first.lineno - 1
            break
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            indent = ""
            region = ["### BEGIN SOLUTION", f"{name} = {literal(solution)}", "### END SOLUTION"]
            at = node.end_lineno
            break
    else:
        raise ValueError(f"no encuentro la definición de {name!r} en la celda de respuesta:\n{source}")
    region = [indent + line if line else line for line in region]
    return "\n".join(lines[:at] + region + lines[at:])


def test_cell(exercise_id, name):
    """La celda de comprobación: lo que ve el estudiante y, ocultas, qué se califica fuera del núcleo."""
    return (
        "from course_lib.checks import check\n\n"
        f'display(check("{exercise_id}", {name}))\n'
        + hidden_test(exercise_id, name)
    )


def source_notebook(notebook_path):
    """El cuaderno fuente de nbgrader del capítulo (como diccionario nbformat)."""
    notebook = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    # La celda que instala el curso en Colab (scripts/colab.py) no pinta nada en una tarea.
    cells = [c for c in notebook["cells"] if c.get("metadata", {}).get("curso") != COLAB_CELL_MARK]
    chapter = Path(notebook_path).name[:2]
    title = _source(cells[0]).splitlines()[0].lstrip("# ").split("·", 1)[-1].strip()
    check_at = {i: CHECK_CALL.search(_source(c)) for i, c in enumerate(cells) if c["cell_type"] == "code"}
    check_at = {i: m for i, m in check_at.items() if m}
    headings = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and "## Ejercicios" in _source(c)]
    last = max(check_at)
    start = headings[-1] if headings and headings[-1] < last else min(check_at) - 2
    setup = next(c for c in cells if c["cell_type"] == "code")
    out = [
        _cell("markdown", INTRO.format(chapter=chapter, title=title, notebook=Path(notebook_path).name, points=POINTS)),
        _cell("code", _source(setup), _nbgrader("preparacion", locked=True)),
    ]
    answers = {i - 1 for i in check_at if i - 1 >= start}
    for i in range(start, last + 1):
        cell = cells[i]
        text = _source(cell)
        if i in check_at:
            exercise_id, name = check_at[i].groups()
            gid = exercise_id.replace(".", "_")
            out.append(_cell("code", test_cell(exercise_id, name),
                             _nbgrader(f"comprobacion_{gid}", grade=True, locked=True, points=POINTS)))
        elif i in answers:
            exercise_id, name = check_at[i + 1].groups()
            solution = checks.get_exercise(exercise_id).solution
            out.append(_cell("code", solution_cell(text, name, solution),
                             _nbgrader(f"respuesta_{exercise_id.replace('.', '_')}", solution=True)))
        elif cell["cell_type"] == "markdown":
            out.append(_cell("markdown", text))
        else:
            out.append(_cell("code", text, _nbgrader(f"celda_{i}", locked=True)))
    for n, cell in enumerate(out):  # nbformat 4.5 pide un id único en cada celda
        cell["id"] = cell["metadata"].get("nbgrader", {}).get("grade_id", f"texto_{n}").replace("_", "-")
    result = copy.deepcopy({k: v for k, v in notebook.items() if k != "cells"})
    result["cells"] = out
    return result


def chapter_notebook(chapter):
    found = sorted((ROOT / "notebooks").glob(f"{chapter}_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no hay cuaderno para el capítulo {chapter}")
    return found[0]


def build(course_dir, selected=None):
    """Escribe ``nbgrader_config.py`` y ``source/capNN/capNN.ipynb`` en ``course_dir``."""
    course_dir = Path(course_dir)
    course_dir.mkdir(parents=True, exist_ok=True)
    (course_dir / "nbgrader_config.py").write_text(
        NBGRADER_CONFIG.format(stub=STUB, student_python=STUDENT_PYTHON), encoding="utf-8")
    written = []
    for chapter in selected or chapters():
        target = course_dir / "source" / f"cap{chapter}" / f"cap{chapter}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = source_notebook(chapter_notebook(chapter))
        target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(f"cap{chapter}")
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description="Construye las tareas de nbgrader de cada capítulo.")
    parser.add_argument("course_dir", nargs="?", default=str(ROOT / "build" / "tareas"))
    parser.add_argument("--chapters", nargs="*", help="capítulos (por defecto, todos los que tienen ejercicios)")
    args = parser.parse_args(argv)
    for name in build(args.course_dir, args.chapters):
        print(f"{args.course_dir}/source/{name}/{name}.ipynb")


if __name__ == "__main__":
    main()
