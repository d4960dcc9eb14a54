"""Lo que comparten las pruebas del aula: la edición y el entorno del estudiante, y entregas de adversario.

- :func:`student_setup`: la edición de aula y un entorno del estudiante (``entorno.create_view``) en
  una carpeta de ``/tmp`` legible por todos (el usuario ``nobody`` con que se califica las ejecuta);
- las entregas: la de quien no hace nada, la de quien parchea ``check`` o IPython, la de quien
  arma una tabla con todo lo que trae la edición de aula, la de quien intenta leer las soluciones
  y la de quien comete un error típico.
"""

import copy
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from course_lib.classroom import entorno, release
from course_lib.classroom.codec import encode

SANDBOX_USER = "nobody" if os.geteuid() == 0 else ""


class StudentSetup:
    """Una edición de aula y un entorno del estudiante, en una carpeta de /tmp que todos pueden leer."""

    def __init__(self, git=False):
        self.root = Path(tempfile.mkdtemp(prefix="aula-pruebas-", dir="/tmp"))
        self.root.chmod(0o755)
        self.aula = self.root / "aula"
        if git:
            release.publish(self.aula)
        else:
            release.build(self.aula)
        self.python, self.env = entorno.create_view(self.root / "entorno", self.aula)
        subprocess.run(["chmod", "-R", "a+rX", str(self.root)], check=True)

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


# --- Celdas de la tarea ---------------------------------------------------------------------------

def _meta(cell):
    return cell["metadata"].get("nbgrader", {})


def answer_cells(notebook):
    """Ejercicio → celda de respuesta (la celda de solución que precede a su comprobación)."""
    found, pending = {}, None
    for cell in notebook["cells"]:
        if _meta(cell).get("solution"):
            pending = cell
        grade_id = _meta(cell).get("grade_id", "")
        if grade_id.startswith("comprobacion_") and pending is not None:
            found[grade_id.removeprefix("comprobacion_").replace("_", ".")] = pending
            pending = None
    return found


def answer_names(notebook):
    """Ejercicio → nombre de la respuesta, leído de las celdas de comprobación."""
    from course_lib.classroom import assignments

    names = {}
    for cell in notebook["cells"]:
        match = assignments.CHECK_CALL.search("".join(cell["source"]))
        if match and _meta(cell).get("grade"):
            names[match.group(1)] = match.group(2)
    return names


def with_code(notebook, codes):
    """Una copia de la entrega con ``codes[ejercicio]`` añadido al final de su celda de respuesta."""
    notebook = copy.deepcopy(notebook)
    cells = answer_cells(notebook)
    for exercise_id, code in codes.items():
        cell = cells[exercise_id]
        cell["source"] = "".join(cell["source"]) + "\n\n" + code + "\n"
    return notebook


def prefixed(notebook, code):
    """Una copia de la entrega con ``code`` al principio de su primera celda de respuesta."""
    notebook = copy.deepcopy(notebook)
    first = next(c for c in notebook["cells"] if _meta(c).get("solution"))
    first["source"] = code + "\n" + "".join(first["source"])
    return notebook


# --- Adversarios ---------------------------------------------------------------------------------

PATCH_CHECK = """
import builtins
import course_lib.checks as _checks
def _siempre_bien(exercise_id, answer):
    return _checks.Feedback(exercise_id, _checks.CORRECT, "¡bien hecho!")
_checks.check = _siempre_bien
builtins.check = _siempre_bien
get_ipython().user_ns["check"] = _siempre_bien
"""

# Ni rastro de los errores: sin traza y cada celda siguiente envuelta en try/except.
PATCH_IPYTHON = """
_ip = get_ipython()
_ip.showtraceback = lambda *args, **kwargs: None
_ip._showtraceback = lambda *args, **kwargs: None
def _sin_errores(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]
_ip.input_transformers_post.append(_sin_errores)
"""


def read_solutions(course, chapter):
    """Una celda que intenta leer las soluciones: el cuaderno fuente, la base de notas y la edición completa."""
    targets = [str(course / "source" / f"cap{chapter}" / f"cap{chapter}.ipynb"), str(course / "gradebook.db")]
    return f"""
import os
for _ruta in {targets!r}:
    try:
        open(_ruta).read()
        print("LEÍDO", _ruta)
    except OSError:
        print("DENEGADO", _ruta)
from course_lib.exercises.cap{chapter} import EXERCISES as _ej
_con = [e.id for e in _ej if type(e.solution).__name__ != "Withheld"]
print("CON SOLUCIÓN", _con if _con else "ninguno")
print("UID", os.getuid())
"""


def _dummy(spec):
    """Algo con el formato ``spec`` (lo único que la edición de aula dice de la respuesta)."""
    import numpy as np

    kind = spec.get("t") if spec else None
    if kind == "numero":
        return 0.0
    if kind == "array":
        return np.zeros(spec.get("forma", [1]))
    if kind == "secuencia":
        return tuple(_dummy(s) for s in spec.get("elementos") or [{"t": "numero"}] * spec.get("n", 1))
    if kind == "diccionario":
        from course_lib.classroom.codec import decode

        return {decode(k): "a" for k in spec["claves"]}
    if kind == "texto":
        return "a"
    return None


def lookup_tables(aula):
    """Lo que un estudiante puede sacar de la edición de aula para cada ejercicio, como respuesta.

    Recorre los datos de todos los capítulos. Si alguno guardara pares entrada → resultado
    (``args``/``result``, como la edición anterior) o una respuesta (``expected_answer``,
    ``respuesta``, ``valor``), la tabla los usaría; si no, devuelve algo con el formato descrito.
    Devuelve ejercicio → código de la celda (una función que consulta la tabla, o un valor).
    """
    tables = {}
    for path in sorted((Path(aula) / "course_lib" / "classroom" / "data").glob("cap*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("ejercicios") or data.get("exercises") or []:
            rows, answer = _harvest(item)
            probe = item.get("prueba") or {}
            spec = probe.get("formato") or item.get("formato")
            tables[item["id"]] = {"rows": rows, "answer": answer, "dummy": encode(_dummy(spec)),
                                  "function": item.get("tipo") == "funcion" or item.get("kind") == "function"}
    return tables


def _harvest(item):
    """Pares (entrada, resultado) y respuestas que haya en cualquier parte de los datos de un ejercicio."""
    rows, answers = [], []

    def walk(value):
        if isinstance(value, dict):
            if "args" in value and ("result" in value or "resultado" in value):
                rows.append([value["args"], value.get("kwargs", {}), value.get("result", value.get("resultado"))])
            for key in ("expected_answer", "respuesta", "valor"):
                if key in value:
                    answers.append(value[key])
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(item)
    return rows, answers[0] if answers else None


def lookup_code(name, table):
    """La celda de quien responde con la tabla (sin resolver nada)."""
    blob = json.dumps(table)
    if not table["function"]:
        return (f"from course_lib.classroom.codec import decode as _decode\nimport json as _json\n"
                f"_t = _json.loads({blob!r})\n{name} = _decode(_t['answer'] if _t['answer'] is not None else _t['dummy'])")
    return f"""
from course_lib.classroom.codec import decode as _decode, encode as _encode
import json as _json
_tabla_{name} = _json.loads({blob!r})
def {name}(*args, **kwargs):
    clave = _json.dumps(_encode([list(args), kwargs]))
    for entrada, kw, resultado in _tabla_{name}["rows"]:
        if _json.dumps([entrada, kw]) == clave:
            return _decode(resultado)
    return _decode(_tabla_{name}["dummy"])
"""


def mistake_code(exercise, name, k):
    """La celda de quien comete el error típico ``k`` del ejercicio (con las entradas de la calificación).

    Para una función, una tabla con lo que da el error típico en cada llamada de la comprobación
    (la prueba es el profesorado: conoce esas entradas); para un valor, el valor.
    """
    wrong, fragment = exercise.mistakes[k]
    if not callable(wrong):
        return (f"from course_lib.classroom.codec import decode as _d\nimport json as _json\n"
                f"{name} = _d(_json.loads({json.dumps(encode(wrong))!r}))"), fragment
    rows = []

    def spy(*args, **kwargs):
        key = [encode(list(args)), encode(kwargs)]
        result = wrong(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        rows.append([*key, encode(result)])
        return result

    try:
        exercise.verify(spy)
    except Exception:  # noqa: BLE001 — la comprobación rechaza el error: ya se tienen sus llamadas
        pass
    return lookup_code(name, {"rows": rows, "answer": None, "dummy": None, "function": True}), fragment
