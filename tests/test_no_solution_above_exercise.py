"""Ningún ejercicio tiene su solución escrita en el cuaderno por encima de él, ni repite a otro.

Regla mecánica (issue 12): las «líneas clave» de la solución de referencia de un ejercicio no
aparecen en ninguna celda de código anterior al enunciado del ejercicio en su cuaderno.

- La solución es la función de ``course_lib/exercises/capNN.py`` (``Exercise.solution``); su
  código se lee con ``inspect``. Las soluciones que son un valor (una letra, un número) no tienen
  código que copiar y quedan fuera de esta regla.
- Cada línea se normaliza con ``tokenize``: sin espacios ni comentarios, y con los nombres propios
  (variables, parámetros) cambiados por ``_``, de modo que renombrar ``y_true`` por ``y`` no
  esconde una copia. Se conservan las palabras de Python, las funciones integradas, los módulos
  habituales (``np``, ``keras``…) y los atributos (``.mean``, ``.T``).
- Una línea es clave si tiene contenido: al menos ``MIN_CONTENT`` piezas que no sean ``_``, ni
  signos de puntuación, ni palabras de estructura (``for``, ``in``, ``return``…). Así
  ``return 2 / len(X) * X.T @ (X @ w - y)`` es clave, y ``m = len(y)`` o ``for i in range(n):``
  no lo son (aparecen en cualquier cuaderno sin regalar nada).
- Hay copia si **al menos la mitad** de las líneas clave (y al menos una) aparece antes: una pieza
  suelta ya enseñada (p. ej. la media móvil de g² dentro de un RMSProp centrado) puede reaparecer
  en un ejercicio que pide algo nuevo; la mayor parte de la solución, no.
- El ejercicio empieza en la primera celda que dice «Ejercicio NN.k» (o, si no, en la primera que
  llama a ``check("NN.k", …)``).

La misma medida detecta ejercicios duplicados: dos soluciones que comparten al menos la mitad de
las líneas clave de la más corta.

Los cuadernos que todavía no existen (p. ej. los capítulos 13–15 antes de llegar) se saltan.
"""

import builtins
import inspect
import io
import keyword
import re
import textwrap
import tokenize
from pathlib import Path

import nbformat
import pytest

from course_lib.checks import chapter_exercises

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTERS = [f"{n:02d}" for n in range(16)]
MIN_CONTENT = 4
KEPT_NAMES = set(dir(builtins)) | set(keyword.kwlist) | {
    "np", "numpy", "math", "plt", "pd", "keras", "layers", "torch", "nn", "F", "optim"}
STRUCTURE = {"for", "in", "return", "if", "else", "elif", "while", "not", "and", "or", "is", "range", "len",
             "enumerate", "zip", "float", "int", "list", "tuple", "True", "False", "None", "pass", "yield"}
PUNCTUATION = set("()[]{},:.;=") | {"->", "**=", "+=", "-=", "*=", "/="}
_SKIPPED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT,
                   tokenize.DEDENT}

# Ejercicios que aún incumplen la regla y su responsable está rehaciendo (issue 12).
# strict=True: en cuanto uno se arregla, la prueba falla para que se saque de aquí.
KNOWN_VIOLATIONS = set()
# Parejas de ejercicios que se repiten y se están rehaciendo (hoy ninguna: 10.1 ya no repite 09.3 ni
# 08.3 repite 01.3). Si se añade alguna, la prueba pide sacarla de aquí en cuanto deje de repetirse.
KNOWN_DUPLICATES = set()


def normalized_tokens(line):
    """Las piezas de una línea de Python, con los nombres propios cambiados por ``_``."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip()).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    result, previous = [], None
    for token in tokens:
        if token.type in _SKIPPED_TOKENS:
            continue
        text = token.string
        if token.type == tokenize.NAME and text not in KEPT_NAMES and previous != ".":
            text = "_"
        result.append(text)
        previous = token.string
    return result


def content(tokens):
    """Cuántas piezas con significado tiene la línea (ni ``_``, ni puntuación, ni estructura)."""
    return sum(1 for t in tokens if t != "_" and t not in PUNCTUATION and t not in STRUCTURE)


def key_lines(function):
    """Las líneas clave (normalizadas) del código de una función solución."""
    source = textwrap.dedent(inspect.getsource(function))
    lines = []
    for raw in source.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith(("def ", "#", "@", "import ", "from ", '"""', "'''")):
            continue
        tokens = normalized_tokens(stripped)
        if content(tokens) >= MIN_CONTENT:
            lines.append(" ".join(tokens))
    return lines


def exercise_start(cells, exercise_id):
    """Índice de la celda donde empieza el enunciado del ejercicio, o None."""
    statement = re.compile(rf"Ejercicio\s+{re.escape(exercise_id)}\b")
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and statement.search(cell.source):
            return i
    for i, cell in enumerate(cells):
        if f'check("{exercise_id}"' in cell.source:
            return i
    return None


def _cases():
    for chapter in CHAPTERS:
        for exercise in chapter_exercises(chapter).values():
            marks = [pytest.mark.xfail(strict=True, reason="solución aún por encima del ejercicio")] \
                if exercise.id in KNOWN_VIOLATIONS else []
            yield pytest.param(chapter, exercise, id=exercise.id, marks=marks)


def _notebook(chapter):
    found = sorted(NOTEBOOK_DIR.glob(f"{chapter}_*.ipynb"))
    return found[0] if found else None


@pytest.mark.parametrize("chapter, exercise", list(_cases()))
def test_solution_key_lines_do_not_appear_above_the_exercise(chapter, exercise):
    path = _notebook(chapter)
    if path is None:
        pytest.skip(f"el cuaderno del capítulo {chapter} todavía no existe")
    if not callable(exercise.solution):
        pytest.skip("la solución es un valor, no código")
    cells = nbformat.read(path, as_version=4).cells
    start = exercise_start(cells, exercise.id)
    assert start is not None, f"{path.name}: no encuentro el enunciado del ejercicio {exercise.id}"
    earlier = {}
    for index, cell in enumerate(cells[:start]):
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                earlier.setdefault(" ".join(normalized_tokens(line)), (index, line.strip()))
    keys = key_lines(exercise.solution)
    copied = [(earlier[k][0], earlier[k][1]) for k in keys if k in earlier]
    assert not copied or 2 * len(copied) < len(keys), (
        f"{path.name}: {len(copied)} de las {len(keys)} líneas clave de la solución de {exercise.id} ya están "
        "escritas antes del ejercicio: "
        + "; ".join(f"celda {i}: «{line}»" for i, line in copied)
    )


def test_the_rule_sees_a_renamed_copy_and_ignores_trivial_lines():
    def solution(y_true, y_pred):
        m = len(y_true)
        return np.mean(np.asarray(y_true) == np.asarray(y_pred)) * m / m

    np = None  # noqa: F841 — solo se lee el código fuente
    lines = key_lines(solution)
    assert lines == [" ".join(normalized_tokens("return np.mean(np.asarray(a) == np.asarray(b)) * k / k"))]
    assert content(normalized_tokens("for i in range(n):")) < MIN_CONTENT


def _callable_exercises():
    for chapter in CHAPTERS:
        for exercise in chapter_exercises(chapter).values():
            if callable(exercise.solution):
                yield exercise


def is_input_conversion(key):
    """¿La línea clave solo convierte entradas con np.asarray (``a, b = np.asarray(a), np.asarray(b)``)?

    Es la misma preparación en muchos ejercicios distintos: compartirla no es repetir un ejercicio.
    """
    rest = re.sub(r"np \. asarray \( _ (, _ = _ )?\)", "", key)
    return set(rest.split()) <= {"_", ",", "="}


def test_input_conversion_is_not_a_shared_idea():
    assert is_input_conversion(" ".join(normalized_tokens("y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)")))
    assert not is_input_conversion(" ".join(normalized_tokens("return np.mean(np.asarray(a) == b)")))


def test_no_exercise_duplicates_another():
    """Dos ejercicios no comparten la mayor parte de sus líneas clave (p. ej. 10.1 repitiendo 09.3)."""
    exercises = list(_callable_exercises())
    keys = {ex.id: set(key_lines(ex.solution)) for ex in exercises}
    duplicated = []
    for i, first in enumerate(exercises):
        for second in exercises[i + 1:]:
            a, b = keys[first.id], keys[second.id]
            shared = {line for line in a & b if not is_input_conversion(line)}
            if shared and 2 * len(shared) >= min(len(a), len(b)):
                duplicated.append((first.id, second.id, sorted(shared)))
    unexpected = [d for d in duplicated if (d[0], d[1]) not in KNOWN_DUPLICATES]
    assert not unexpected, f"ejercicios que repiten a otro: {unexpected}"
    present = {exercise.id for exercise in exercises}
    stale = {pair for pair in KNOWN_DUPLICATES if set(pair) <= present} - {(d[0], d[1]) for d in duplicated}
    assert not stale, f"ya no se repiten; sácalos de KNOWN_DUPLICATES: {sorted(stale)}"
