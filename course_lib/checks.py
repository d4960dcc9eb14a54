"""Corrección automática de ejercicios con mensajes en español.

Uso en un cuaderno::

    from course_lib.checks import check, pista

    def derivada_sigmoide(z):
        return None          # ← escribe aquí tu solución

    check("02.1", derivada_sigmoide)   # ⏳ pendiente · ❌ incorrecto, con un diagnóstico · ✅ correcto
    pista("02.1")                      # solo si la pides: primero la idea; si la vuelves a pedir, un empujón

``check`` responde con uno de tres estados y nunca lanza una excepción por una respuesta:

- **pendiente**: todavía no hay respuesta (``None``, ``...`` o una función que devuelve ``None`` o
  lanza ``NotImplementedError``). Dice cómo pedir una pista y no muestra ninguna.
- **correcto**: la respuesta coincide con la solución (escrita de cualquier forma normal: «0,2857»,
  «B)», «sub-ajuste», «underfitting», «a, b, d y f», «MSE»…).
- **incorrecto**: con el diagnóstico del error típico que explica la respuesta (forma equivocada,
  matriz traspuesta, signo cambiado, falta 1/m…) y, si no hay uno, un diagnóstico genérico.
  **Ningún mensaje devuelve el valor esperado** ni un redondeo suyo.

Cómo se escribe un ejercicio (capítulos 16–18 incluidos)
--------------------------------------------------------
Cada capítulo tiene ``course_lib/exercises/capNN.py`` con una lista ``EXERCISES`` de
:class:`Exercise`. Un ejercicio reúne:

- ``id`` estable (``"04.2"``; si se cambia el enunciado, se conserva), ``title``;
- ``verify(respuesta)``: no devuelve nada si la respuesta es correcta y lanza :class:`Incorrect`
  (o :class:`Pending`) con el diagnóstico en español. Se escribe con las herramientas de abajo:
  :func:`call` para llamar a la función del estudiante, :func:`expect_close` para números y
  arrays, :func:`expect_choice`, :func:`expect_choices` y :func:`expect_letters` para opciones;
- ``solution``: la respuesta de referencia (única fuente de verdad; ``show_solution``);
- ``hint``: las pistas por niveles, una tupla de al menos dos textos: **la idea** y después **un
  empujón** (un paso concreto). Nunca la solución: ni la fórmula completa ni el código;
- ``mistakes``: errores típicos ``(respuesta_equivocada, fragmento_del_diagnóstico)``. Las pruebas
  comprueban que cada uno recibe su diagnóstico; el genérico «no coincide» es el último recurso;
- ``fresh(rng) -> args`` (opcional, para funciones): entradas nuevas al azar. Tras superar los casos
  fijos, ``check`` llama a la función con ellas y la compara con ``solution``: así una tabla de
  resultados escrita a mano para los casos fijos no pasa. Si el ejercicio admite varias respuestas
  correctas, ``fresh_check(resultado, *args)`` las juzga en lugar de comparar con la solución.
  ``verify`` es determinista (casos fijos); lo aleatorio vive en ``fresh``;
- ``forbidden`` (opcional): herramientas que el ejercicio pide no usar porque ya hacen el trabajo
  (``"course_lib.nn.BatchNormalization.backward"``, ``"sklearn.metrics.mean_squared_error"``). Si la
  función del estudiante las llama, la respuesta es incorrecta;
- ``worked_example=True`` para un ejemplo resuelto a propósito en su capítulo (como el 00.1): se
  corrige igual, pero no cuenta como ejercicio ni se califica.

Además, :func:`call` comprueba que la función del estudiante no cambia en su sitio los arrays que
recibe (``theta -= …``): quien la llama perdería sus datos. Las excepciones del código del
estudiante se explican en español (:func:`explain_exception`), sin el mensaje en inglés de NumPy.
"""

import contextlib
import contextvars
import copy
import fractions
import html
import importlib
import inspect
import re
import sys
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

PENDING, CORRECT, INCORRECT = "pendiente", "correcto", "incorrecto"
_ICONS = {PENDING: "⏳", CORRECT: "✅", INCORRECT: "❌"}
_COLORS = {PENDING: "#8a6d00", CORRECT: "#1b7f3b", INCORRECT: "#b00020"}


class Pending(Exception):
    """La respuesta todavía no está escrita."""


class Incorrect(Exception):
    """La respuesta es incorrecta; el mensaje es el diagnóstico en español."""


def hint_call(exercise_id):
    """Cómo se pide la pista de un ejercicio, tal cual se escribe en una celda: ``pista("04.2")``."""
    return f'pista("{exercise_id}")'


@dataclass
class Feedback:
    """Resultado de comprobar un ejercicio: ``status`` y ``message`` (el diagnóstico) en español.

    Si el ejercicio está pendiente o es incorrecto, al mostrarse añade cómo pedir una pista
    (``invitation``), pero nunca la pista misma.
    """

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self):
        return self.status == CORRECT

    @property
    def invitation(self):
        if self.status == CORRECT:
            return ""
        return f"Cuando quieras una pista: {hint_call(self.exercise_id)}"

    def __repr__(self):
        text = f"{_ICONS[self.status]} Ejercicio {self.exercise_id} — {self.status}: {self.message}"
        return f"{text}\n{self.invitation}" if self.invitation else text

    def _repr_html_(self):
        color = _COLORS[self.status]
        invitation = ""
        if self.invitation:
            invitation = (f'<div style="margin-top:4px;font-size:92%;">Cuando quieras una pista: '
                          f"<code>{html.escape(hint_call(self.exercise_id))}</code></div>")
        return (
            f'<div style="border-left:6px solid {color};padding:6px 10px;margin:4px 0;">'
            f"<b>{_ICONS[self.status]} Ejercicio {html.escape(self.exercise_id)} — {self.status}</b>"
            f"<br>{html.escape(self.message)}{invitation}</div>"
        )


# --- Pistas por niveles ----------------------------------------------------------------------

_LEVEL_NAMES = {1: "la idea"}


def _markdown_code_to_html(text):
    """``texto con `código` `` → HTML con <code> (el resto, escapado)."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))


@dataclass(frozen=True)
class Pista:
    """Una pista de un ejercicio, que JupyterLab muestra como texto con formato (no como una cadena)."""

    exercise_id: str
    level: int
    total: int
    text: str

    @property
    def label(self):
        return _LEVEL_NAMES.get(self.level, "un empujón")

    def _next_parts(self):
        """(texto antes del código, código, texto después) de la línea final de la pista."""
        if self.level < self.total:
            return ("¿Necesitas más? Vuelve a ejecutar ", hint_call(self.exercise_id),
                    f" para la pista {self.level + 1} de {self.total}.")
        return ("Es la última pista. Si sigues atascado, relee el diagnóstico de ",
                f'check("{self.exercise_id}", …)', ": dice qué parte de tu respuesta falla.")

    def __str__(self):
        return self.text

    def __repr__(self):
        before, code, after = self._next_parts()
        return (f"💡 Pista {self.level} de {self.total} del ejercicio {self.exercise_id} ({self.label}): "
                f"{self.text}\n{before}{code}{after}")

    def _repr_markdown_(self):
        before, code, after = self._next_parts()
        return (f"**💡 Pista {self.level} de {self.total} · ejercicio {self.exercise_id}** ({self.label})\n\n"
                f"{self.text}\n\n*{before}`{code}`{after}*")

    def _repr_html_(self):
        before, code, after = (html.escape(part) for part in self._next_parts())
        return (f'<div style="border-left:6px solid #1f4e79;padding:6px 10px;margin:4px 0;">'
                f"<b>💡 Pista {self.level} de {self.total} · ejercicio {html.escape(self.exercise_id)}</b> "
                f"({self.label})<br>{_markdown_code_to_html(self.text)}"
                f'<div style="margin-top:4px;font-size:92%;"><i>{before}<code>{code}</code>{after}</i></div></div>')


_HINTS_SHOWN = {}  # id del ejercicio → mayor nivel mostrado en esta sesión


def pista(exercise_id, nivel=None):
    """La pista de un ejercicio, solo cuando se pide, por niveles: primero la idea, después un empujón.

    ``pista("04.2")`` da el nivel siguiente al último que has visto en esta sesión (la primera vez,
    la idea; al volver a pedirla, un paso concreto). ``pista("04.2", 2)`` da directamente el nivel 2.
    Ninguna pista es la solución.
    """
    exercise = get_exercise(exercise_id)
    hints = exercise.hints
    if not hints:
        raise ValueError(f"El ejercicio {exercise.id} no tiene pistas.")
    if nivel is None:
        nivel = min(_HINTS_SHOWN.get(exercise.id, 0) + 1, len(hints))
    if isinstance(nivel, bool) or not isinstance(nivel, (int, np.integer)) or not 1 <= nivel <= len(hints):
        raise ValueError(f"El ejercicio {exercise.id} tiene {len(hints)} pistas: pide un nivel entre 1 y "
                         f"{len(hints)}, por ejemplo pista({exercise.id!r}, 1); se recibió {nivel!r}.")
    nivel = int(nivel)
    _HINTS_SHOWN[exercise.id] = max(_HINTS_SHOWN.get(exercise.id, 0), nivel)
    return Pista(exercise.id, nivel, len(hints), _capitalized(hints[nivel - 1]))


def _capitalized(text):
    """La primera letra en mayúscula (también tras «¿» o «¡»)."""
    i = 1 if text[:1] in "¿¡" else 0
    return text[:i] + text[i:i + 1].upper() + text[i + 1:]


def hint(exercise_id, nivel=None):
    """Nombre en inglés de :func:`pista` (se conserva para el código anterior)."""
    return pista(exercise_id, nivel)


# --- Ejercicios ------------------------------------------------------------------------------

@dataclass
class Exercise:
    """Un ejercicio: ``verify(answer)`` lanza :class:`Incorrect` (o :class:`Pending`) o no hace nada.

    Ver el docstring del módulo: ``solution`` es la fuente única de verdad, ``hint`` las pistas por
    niveles (una tupla; un texto suelto cuenta como un solo nivel), ``mistakes`` los errores típicos,
    ``fresh`` las entradas nuevas al azar, ``forbidden`` las herramientas que no se pueden usar.
    """

    id: str
    title: str
    verify: Callable[[Any], None]
    solution: Any
    hint: Any = ()
    mistakes: list = field(default_factory=list)
    fresh: Callable[[np.random.Generator], tuple] = None
    fresh_check: Callable[..., None] = None
    forbidden: tuple = ()
    worked_example: bool = False

    def __post_init__(self):
        if isinstance(self.hint, str):
            self.hint = (self.hint,) if self.hint else ()
        self.hint = tuple(self.hint or ())

    @property
    def hints(self):
        return self.hint


def chapter_exercises(chapter):
    """Los ejercicios del capítulo ``chapter`` (``"02"``), en orden, como diccionario id → Exercise."""
    try:
        module = importlib.import_module(f"course_lib.exercises.cap{chapter}")
    except ModuleNotFoundError:
        return {}
    return {ex.id: ex for ex in module.EXERCISES}


def get_exercise(exercise_id):
    """El :class:`Exercise` con ese identificador (``"04.2"``), o un error claro si no existe."""
    exercise_id = str(exercise_id)
    exercises = chapter_exercises(exercise_id.split(".")[0].zfill(2))
    if exercise_id not in exercises:
        known = ", ".join(exercises) or "ninguno"
        raise KeyError(f"No existe el ejercicio {exercise_id!r}. Ejercicios de ese capítulo: {known}.")
    return exercises[exercise_id]


def show_solution(exercise_id):
    """Para el profesorado: el código (o el valor) de la solución de un ejercicio."""
    solution = get_exercise(exercise_id).solution
    if callable(solution):
        try:
            return inspect.getsource(solution)
        except (OSError, TypeError):
            pass
    return repr(solution)


# --- Comprobar una respuesta -----------------------------------------------------------------

def _is_placeholder(answer):
    return answer is None or answer is Ellipsis


_ACTIVE = contextvars.ContextVar("ejercicio_en_comprobacion", default=None)


@contextlib.contextmanager
def _checking(exercise):
    """Durante la comprobación: herramientas prohibidas vigiladas y sin avisos de NumPy en inglés."""
    token = _ACTIVE.set(_resolve_forbidden(exercise.forbidden))
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        _ACTIVE.reset(token)


def check(exercise_id, answer):
    """Comprueba la respuesta a un ejercicio y devuelve un :class:`Feedback` en español.

    El cuaderno lo muestra con color si es la última expresión de la celda. Nunca lanza
    excepciones por una respuesta equivocada o pendiente, ni por un fallo del código del estudiante.
    """
    exercise = get_exercise(exercise_id)
    if _is_placeholder(answer):
        return Feedback(exercise.id, PENDING, "todavía no hay respuesta.")
    with _checking(exercise):
        try:
            exercise.verify(answer)
            _verify_fresh(exercise, answer)
        except Pending as exc:
            return Feedback(exercise.id, PENDING, str(exc))
        except Incorrect as exc:
            return Feedback(exercise.id, INCORRECT, str(exc))
        except Exception as exc:  # un fallo inesperado en el código del estudiante
            return Feedback(exercise.id, INCORRECT, explain_exception(exc))
    return Feedback(exercise.id, CORRECT, "¡bien hecho!")


FRESH_CALLS = 2
LOOKUP_TABLE = ("con otras entradas, generadas al azar en cada comprobación, tu función no da lo correcto "
                "(aunque sí con los casos fijos): ¿calcula a partir de sus argumentos o depende de esos casos "
                "concretos?")


def _verify_fresh(exercise, answer):
    """Tras los casos fijos, entradas nuevas al azar: una tabla de resultados escrita a mano no pasa."""
    if exercise.fresh is None or not callable(answer) or not callable(exercise.solution):
        return
    rng = np.random.default_rng()  # entropía del sistema: cada comprobación, datos distintos
    for _ in range(FRESH_CALLS):
        args = exercise.fresh(rng)
        got = call(answer, *copy.deepcopy(args))
        try:
            if exercise.fresh_check is not None:
                exercise.fresh_check(got, *args)
            else:
                _expect_same_output(got, exercise.solution(*copy.deepcopy(args)))
        except Incorrect as exc:
            raise Incorrect(f"{LOOKUP_TABLE} Con los datos nuevos: {exc}") from None


def _expect_same_output(got, expected, name="el resultado"):
    """Compara una salida (número, array, o tupla/lista de ellos) con la de referencia."""
    if isinstance(expected, (tuple, list)) and not _is_numeric_sequence(expected):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise Incorrect(f"se esperaba una tupla de {len(expected)} elementos.")
        for i, (g, e) in enumerate(zip(got, expected)):
            _expect_same_output(g, e, name=f"el elemento {i} del resultado")
        return
    if isinstance(expected, (bool, np.bool_)) or (isinstance(expected, np.ndarray) and expected.dtype == bool):
        got_array = np.asarray(got)
        if got_array.shape != np.shape(expected) or not np.array_equal(got_array.astype(bool), expected):
            raise Incorrect(f"{name} no coincide.")
        return
    _compare_close(got, expected, name=name)


def _is_numeric_sequence(value):
    return all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in value)


# --- Llamar a la función del estudiante ------------------------------------------------------

def call(function, *args, **kwargs):
    """Llama a la función del estudiante: ``Pending`` si devuelve ``None`` o no está escrita.

    Además, es :class:`Incorrect` que la función cambie en su sitio un array que recibe (directamente
    o dentro de una lista o tupla) y que use una herramienta prohibida por el ejercicio.
    """
    if not callable(function):
        raise Incorrect(f"se esperaba una función, pero se recibió un valor de tipo {type(function).__name__}.")
    snapshots = _snapshots(args, kwargs)
    watch = _ForbiddenWatch(_ACTIVE.get())
    try:
        with watch:
            result = function(*args, **kwargs)
    except NotImplementedError:
        raise Pending("la función todavía no está escrita.") from None
    watch.raise_if_used()
    _check_unchanged(function, snapshots)
    if result is None:
        raise Pending("todavía no hay respuesta: tu función devuelve None (si ya la escribiste, ¿falta el return?).")
    return result


def _snapshots(args, kwargs):
    """Copias de los arrays recibidos (sueltos o dentro de listas y tuplas), para ver si cambian."""
    found = []
    for position, value in list(enumerate(args)) + list(kwargs.items()):
        items = [(None, value)] if isinstance(value, np.ndarray) else (
            list(enumerate(value)) if isinstance(value, (list, tuple)) else [])
        for index, item in items:
            if isinstance(item, np.ndarray):
                found.append((position, index, item, item.copy()))
    return found


def _parameter_name(function, position):
    if isinstance(position, str):
        return position
    try:
        names = [p.name for p in inspect.signature(function).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        return names[position]
    except (TypeError, ValueError, IndexError):
        return f"n.º {position + 1}"


def _same_array(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def _check_unchanged(function, snapshots):
    for position, index, array, before in snapshots:
        if not _same_array(array, before):
            name = _parameter_name(function, position)
            where = f"el array {index} de la lista «{name}»" if index is not None else f"el array «{name}»"
            raise Incorrect(
                f"tu función cambió en su sitio {where} que recibió (con -=, += o una asignación a sus "
                "elementos): quien la llama pierde sus valores. No modifiques los argumentos: calcula un "
                "array nuevo (por ejemplo, theta - eta * grad en lugar de theta -= eta * grad)."
            )


# --- Herramientas prohibidas (el motor o una biblioteca que ya hace el ejercicio) -------------

def _resolve(path):
    """El objeto de un nombre con puntos (``"sklearn.metrics.log_loss"``) si su módulo ya está cargado.

    Los módulos de course_lib se importan si hace falta; los de otras bibliotecas, no: si el
    estudiante no los ha importado, su función no puede usarlos.
    """
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        module = sys.modules.get(module_name)
        if module is None and module_name.startswith("course_lib"):
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                module = None
        if module is not None:
            obj = module
            try:
                for attribute in parts[cut:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                return None
            return obj
    return None


def _codes(obj):
    """Los objetos de código de una función, un método o los métodos propios de una clase."""
    if isinstance(obj, type):
        found = []
        for value in vars(obj).values():
            found += _codes(value)
        return found
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if isinstance(obj, property):
        return [c for f in (obj.fget, obj.fset) if f for c in _codes(f)]
    try:
        obj = inspect.unwrap(obj)
    except ValueError:
        pass
    obj = getattr(obj, "__func__", obj)
    code = getattr(obj, "__code__", None)
    return [code] if code is not None else []


def _readable(path):
    """Nombre corto de una herramienta para un mensaje: ``course_lib.nn.losses.Loss.__call__`` → ``nn.Loss``."""
    parts = [p for p in path.split(".") if not (p.startswith("__") and p.endswith("__"))]
    for i, part in enumerate(parts):
        if part[:1].isupper():
            prefix = "nn." if parts[0] == "course_lib" else parts[0] + "."
            return prefix + ".".join(parts[i:])
    if parts[0] == "course_lib":
        return ".".join(parts[1:2] + parts[-1:])
    return ".".join(parts)


def _resolve_forbidden(paths):
    """``{objeto de código: nombre legible}`` de las herramientas prohibidas ya cargadas."""
    codes = {}
    for path in paths:
        obj = _resolve(path)
        if obj is not None:
            for code in _codes(obj):
                codes.setdefault(code, _readable(path))
    return codes


class _ForbiddenWatch:
    """Vigila (con ``sys.setprofile``) si la función del estudiante llama a una herramienta prohibida."""

    def __init__(self, codes):
        self.codes = codes or {}
        self.used = None
        self._previous = None

    def _profile(self, frame, event, arg):
        if event == "call" and self.used is None and frame.f_code in self.codes:
            self.used = self.codes[frame.f_code]

    def __enter__(self):
        if self.codes:
            self._previous = sys.getprofile()
            sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        if self.codes:
            sys.setprofile(self._previous)
        return False

    def raise_if_used(self):
        if self.used is not None:
            raise Incorrect(
                f"tu función usa {self.used}, que ya hace el trabajo que pide el ejercicio: escríbelo tú "
                "(después puedes comparar tu resultado con esa herramienta)."
            )


# --- Explicar en español un error del código del estudiante ------------------------------------

def _shapes(text):
    return re.findall(r"\(\d+(?:,\s*\d+)*,?\)|\(\)", text)


def explain_exception(exc):
    """Un error de Python o de NumPy en el código del estudiante, explicado en español.

    Los errores de formas de NumPy (difusión, producto de matrices), de índices y de nombres se
    traducen; cualquier otro se nombra y se cita su mensaje original, que está en inglés.
    """
    kind, text = type(exc).__name__, str(exc)
    if isinstance(exc, ValueError):
        if "could not be broadcast" in text:
            shapes = _shapes(text.split("remapped shapes")[0])
            listed = " y ".join(shapes[:2]) if len(shapes) >= 2 else "distintas"
            return (f"las formas {listed} no se pueden combinar elemento a elemento (la difusión, broadcasting, "
                    "de NumPy solo junta ejes iguales o de tamaño 1): revisa la forma de cada array con .shape.")
        match = re.search(r"size (\d+) is different from (\d+)", text)
        if "matmul" in text and match:
            return (f"las formas no encajan en el producto de matrices @: una dimensión interior vale "
                    f"{match.group(1)} y la otra {match.group(2)}. En A @ B, el número de columnas de A debe "
                    "ser el número de filas de B: ¿falta trasponer (.T) alguno?")
        match = re.search(r"shapes (\(.*?\)) and (\(.*?\)) not aligned", text)
        if match:
            return (f"las formas {match.group(1)} y {match.group(2)} no encajan en el producto np.dot: el número "
                    "de columnas del primero debe ser el de filas del segundo. ¿Falta trasponer (.T)?")
        match = re.search(r"cannot reshape array of size (\d+) into shape (\(.*?\))", text)
        if match:
            return (f"no se puede cambiar la forma de un array de {match.group(1)} elementos a {match.group(2)}: "
                    "el número de elementos tiene que ser el mismo.")
        if "truth value of an array" in text:
            return ("usas un array de varios elementos donde Python espera un solo sí o no (en un if o con "
                    "and/or): para elegir elemento a elemento, usa np.where, & o |.")
    if isinstance(exc, IndexError):
        match = re.search(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", text)
        if match:
            index, axis, size = match.groups()
            return (f"el índice {index} se sale del array (eje {axis}, de tamaño {size}: los índices válidos van "
                    f"de 0 a {int(size) - 1}).")
        match = re.search(r"array is (\d+)-dimensional, but (\d+) were indexed", text)
        if match:
            return f"usas {match.group(2)} índices con un array de {match.group(1)} dimensión(es)."
        if "list index out of range" in text:
            return "un índice se sale de la lista."
    if isinstance(exc, NameError):
        match = re.search(r"name '(\w+)' is not defined", text)
        if match:
            return (f"usas el nombre «{match.group(1)}», que no está definido: ¿una errata, o una variable de otra "
                    "celda que no has ejecutado?")
    if isinstance(exc, ZeroDivisionError):
        return "tu código divide entre cero."
    if isinstance(exc, KeyError):
        return f"la clave {text} no está en el diccionario."
    if isinstance(exc, AttributeError):
        match = re.search(r"'(\w+)' object has no attribute '(\w+)'", text)
        if match:
            return (f"un valor de tipo {match.group(1)} no tiene el atributo «{match.group(2)}»"
                    + (": ¿querías un array de NumPy (np.asarray)?" if match.group(1) in ("list", "tuple") else "."))
    if isinstance(exc, TypeError):
        match = re.search(r"unsupported operand type\(s\) for (\S+): '(\w+)' and '(\w+)'", text)
        if match:
            return (f"no se puede aplicar «{match.group(1)}» a un {match.group(2)} y un {match.group(3)}"
                    + (": ¿convertiste las listas en arrays con np.asarray?" if "list" in match.groups() else "."))
        match = re.search(r"missing (\d+) required positional argument", text)
        if match or "positional argument" in text:
            return ("tu función no acepta los argumentos con los que se la llama: revisa que tenga los "
                    "parámetros del enunciado, en ese orden.")
    if isinstance(exc, RecursionError):
        return "tu función se llama a sí misma sin parar (recursión infinita)."
    if type(exc).__module__.startswith("course_lib"):
        return f"course_lib dio este error al ejecutar tu código: {text}"
    return f"tu código lanzó {kind} (mensaje original de Python, en inglés: «{text}»)."


# --- Números: la respuesta puede venir como texto («0,2857», «2/7») ---------------------------

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def parse_number(text):
    """Un número escrito como texto: «0,2857», «0.2857», «2/7», «−3», «17 603», «1e-3». None si no lo es."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip().replace("−", "-").replace("\u202f", "").replace("\u00a0", "")
    cleaned = re.sub(r"(?<=\d) (?=\d{3}\b)", "", cleaned)  # separador de miles con espacio
    if re.fullmatch(r"[+-]?\d+\s*/\s*\d+", cleaned):
        numerator, denominator = (int(part) for part in cleaned.split("/"))
        return float(fractions.Fraction(numerator, denominator)) if denominator else None
    if _NUMBER.fullmatch(cleaned):
        return float(cleaned.replace(",", "."))
    return None


def as_array(value, name):
    """Convierte la respuesta en array de números o lanza :class:`Incorrect` explicando por qué.

    Un texto que es un número («0,2857», «2/7») vale como ese número.
    """
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise Incorrect(f"{name} debería ser un número; recibí el texto {value!r}.")
        return np.asarray(number)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{name} debería ser un número o un array de números; recibí {type(value).__name__}.") from None
    return array


def _number(value, spec):
    """Número para un mensaje en español: coma decimal (0,25)."""
    return format(value, spec).replace(".", ",")


# --- Números: redondear a 3 cifras significativas no es un error --------------------------------

ACCEPTED_SIGNIFICANT_FIGURES = 3
MORE_PRECISION = "más precisión, por favor"


def _round_significant(values, figures, mode=np.round):
    """``values`` redondeado (o truncado, con ``mode=np.trunc``) a ``figures`` cifras significativas."""
    values = np.asarray(values, dtype=float)
    magnitude = np.floor(np.log10(np.where(values == 0, 1.0, np.abs(values))))
    scale = 10.0 ** (figures - 1 - magnitude)
    return mode(values * scale) / scale


def significant_figures_matched(got, expected, max_figures=8):
    """Cuántas cifras significativas de ``expected`` reproduce ``got`` redondeando o truncando.

    Para cada elemento, la mayor precisión n (1…``max_figures``) con la que ``got`` es ``expected``
    redondeado o truncado a n cifras; devuelve la menor de todas, o None si algún elemento no es
    un redondeo de ``expected``.
    """
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape or not np.all(np.isfinite(got)) or not np.all(np.isfinite(expected)):
        return None
    figures_per_element = np.full(got.shape, -1)
    for figures in range(1, max_figures + 1):  # se queda con la mayor precisión que coincide
        for mode in (np.round, np.trunc):
            match = np.isclose(got, _round_significant(expected, figures, mode), rtol=1e-9, atol=1e-12)
            figures_per_element = np.where(match, figures, figures_per_element)
    exact = np.isclose(got, expected, rtol=1e-9, atol=1e-12)
    figures_per_element = np.where(exact, max_figures, figures_per_element)
    if np.any(figures_per_element < 0):
        return None
    return int(figures_per_element.min())


def _simple_ratio(ratio):
    """¿Es ``ratio`` un factor que un error de constantes produce (p/q con p, q ≤ 12, o 10ᵏ)?"""
    if ratio == 0 or not np.isfinite(ratio):  # una respuesta de ceros no es «un factor constante»
        return False
    for q in range(1, 13):
        p = ratio * q
        if abs(p - round(p)) < 1e-6 * max(1.0, abs(p)) and 1 <= abs(round(p)) <= 12:
            return True
    exponent = np.log10(abs(ratio))
    return abs(exponent - round(exponent)) < 1e-9


def _is_integer_valued(expected):
    """¿Es ``expected`` un recuento (enteros de Python o de NumPy, no reales que valen un entero)?"""
    if isinstance(expected, (bool, np.bool_)):
        return False
    if isinstance(expected, (int, np.integer)):
        return True
    if isinstance(expected, (list, tuple)):
        return len(expected) > 0 and all(_is_integer_valued(v) for v in expected)
    if isinstance(expected, np.ndarray):
        return expected.dtype.kind in "iu"
    return False


def expect_close(got, expected, name="el resultado", mistakes=(), m=None, rtol=1e-5, atol=1e-8):
    """Compara ``got`` con ``expected`` y, si difieren, diagnostica el error más probable.

    Orden: coincidencia (con ``rtol``/``atol``) → errores propios del ejercicio (``mistakes``:
    pares ``(valor_que_daría_el_error, diagnóstico)``) → redondeo → errores genéricos: forma,
    matriz traspuesta, NaN, signo cambiado, promedio 1/m (``m``: tamaño del conjunto) y factor
    constante (solo con al menos dos valores distintos y un factor sencillo: p/q con p, q ≤ 12, o
    10ᵏ; con un solo número cualquier error parecería «un factor»).

    Redondeo: si ``expected`` es un recuento (enteros), la respuesta tiene que ser exacta; si es
    real, vale redondeada o truncada a 3 o más cifras significativas, y con 1 o 2 se pide «más
    precisión». Ningún mensaje dice el valor esperado ni un redondeo suyo.
    """
    _compare_close(got, expected, name=name, mistakes=mistakes, m=m, rtol=rtol, atol=atol)


def _compare_close(got, expected, name="el resultado", mistakes=(), m=None, rtol=1e-5, atol=1e-8):
    integer = _is_integer_valued(expected)
    got = as_array(got, name)
    expected = np.asarray(expected, dtype=float)
    if integer:
        rtol, atol = 0.0, 1e-9

    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)

    if close(got, expected):
        return
    for wrong, diagnosis in mistakes:
        if close(got, np.asarray(wrong, dtype=float)):
            raise Incorrect(diagnosis)
    figures = significant_figures_matched(got, expected)
    if figures is not None:
        if integer:
            raise Incorrect(f"{name} es un recuento: tiene que ser exacto, sin redondear (calcúlalo con enteros).")
        if figures >= ACCEPTED_SIGNIFICANT_FIGURES:
            return
        raise Incorrect(
            f"{MORE_PRECISION}: da {name} con al menos {ACCEPTED_SIGNIFICANT_FIGURES} cifras significativas "
            "(o deja que Python calcule el número, sin redondearlo)."
        )
    if got.shape != expected.shape:
        if got.ndim == 2 and got.shape == expected.T.shape and close(got.T, expected):
            raise Incorrect(f"{name} tiene forma {got.shape} pero se esperaba {expected.shape}: parece la traspuesta.")
        if got.size == expected.size and close(got.reshape(expected.shape), expected):
            raise Incorrect(
                f"los valores de {name} son correctos, pero la forma es {got.shape} y se esperaba "
                f"{expected.shape} (revisa el reshape o las dimensiones)."
            )
        raise Incorrect(f"{name} tiene forma {got.shape}, pero se esperaba {expected.shape}.")
    if not np.all(np.isfinite(got)):
        raise Incorrect(f"{name} contiene NaN o infinitos: revisa divisiones entre cero o exponenciales enormes.")
    if close(-got, expected):
        raise Incorrect(f"{name} tiene el signo cambiado.")
    if m is not None and m != 1 and close(got / m, expected):
        raise Incorrect(f"{name} es {m} veces mayor de lo esperado: ¿falta dividir entre m = {m} (el promedio 1/m)?")
    if m is not None and m != 1 and close(got * m, expected):
        raise Incorrect(f"{name} es {m} veces menor de lo esperado: ¿divides entre m = {m} cuando no toca?")
    nonzero = np.abs(expected) > 1e-12
    if len(np.unique(expected[nonzero])) >= 2 and np.all(np.abs(got[~nonzero]) < 1e-12):
        ratios = got[nonzero] / expected[nonzero]
        ratio = ratios.flat[0]
        if np.allclose(ratios, ratio, rtol=1e-6) and _simple_ratio(ratio):
            raise Incorrect(f"{name} difiere de lo esperado en un factor constante {_number(ratio, '.4g')}: revisa las constantes.")
    if got.size == 1:
        raise Incorrect(f"{name} vale {_number(got.item(), '.6g')}, y ese no es el valor correcto.")
    wrong = int(np.sum(~np.isclose(got, expected, rtol=rtol, atol=atol)))
    raise Incorrect(f"{name} no coincide con lo esperado ({wrong} de {got.size} valores son distintos).")


def validation_accuracy_after_training(model, X_train, y_train, X_val, y_val, epochs):
    """Para los ejercicios que piden construir un clasificador: exige que la salida sean
    probabilidades (softmax), lo compila con Adam (η = 0,01) y la entropía cruzada dispersa, lo
    entrena ``epochs`` épocas con semilla fija y devuelve su exactitud en validación."""
    from . import nn

    probe = model.predict(X_val[:10])
    if np.any(probe < 0) or not np.allclose(probe.sum(axis=1), 1, atol=1e-4):
        raise Incorrect("las salidas no son probabilidades que sumen 1: la última capa debe usar activation='softmax'.")
    model.compile(optimizer=nn.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0, seed=0)
    return model.evaluate(X_val, y_val, verbose=0)[1]


# --- Textos: mayúsculas, espacios, tildes, guiones y muletillas no cambian la respuesta --------

_WRAPPERS = "\"'«»“”‘’()[].:;!¡?¿`"
_FILLERS = ("opcion", "opciones", "respuesta", "la", "el", "los", "las", "lo", "un", "una", "conjunto", "de", "del",
            "con", "es", "letra", "letras")


def normalize_text(text, accents=False):
    """Forma canónica de una respuesta escrita: sin espacios alrededor ni mayúsculas.

    Quita también las comillas, paréntesis o el punto que la envuelvan (``"b)"`` → ``"b"``), cambia
    guiones y guiones bajos por espacios y reduce los espacios interiores a uno. Con
    ``accents=False`` quita además las tildes (``"Autosupervisádo"`` → ``"autosupervisado"``); úsalo
    solo si ninguna opción se distingue de otra por una tilde (``expect_choice`` lo comprueba).
    """
    text = str(text).replace("_", " ").replace("‐", "-").replace("–", "-")
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    text = " ".join(text.split()).casefold().strip(_WRAPPERS + " ")
    if not accents:
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text)


def _keys(text, accents):
    """Claves de comparación de un texto, de la más fiel a la más tolerante.

    1. normalizado; 2. además sin espacios (``"sub ajuste"`` = ``"subajuste"``); 3. además sin
    muletillas al principio (``"la opción b"``, ``"el conjunto de entrenamiento"``).
    """
    base = normalize_text(text, accents)
    words = base.split()
    while len(words) > 1 and words[0].strip(_WRAPPERS) in _FILLERS:
        words = words[1:]
    stripped = " ".join(words).strip(_WRAPPERS + " ")
    return [base, base.replace(" ", ""), stripped.replace(" ", "")]


def match_option(answer, options, synonyms=None):
    """La opción de ``options`` que ``answer`` escribe, o None.

    Ignora mayúsculas, espacios, comillas, paréntesis, guiones («sub-ajuste») y muletillas al
    principio («la opción b», «el conjunto de entrenamiento»). ``synonyms`` (texto → opción) añade
    otras formas válidas: términos en inglés («underfitting»), alias de Keras («MSE»)… Las tildes
    solo se ignoran si quitarlas no confunde dos opciones (p. ej. «sí» y «si»); cada nivel de
    tolerancia se usa solo si no confunde dos opciones.
    """
    if not isinstance(answer, str):
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            return answer if answer in options else None
        return answer if any(answer is o for o in options) else None
    text_options = [o for o in options if isinstance(o, str)]
    forms = [(o, o) for o in text_options] + [(alias, option) for alias, option in (synonyms or {}).items()]
    accents = len({normalize_text(o) for o in text_options}) < len(text_options)
    for level in range(3):
        table = {}
        ambiguous = set()
        for form, option in forms:
            key = _keys(form, accents)[level]
            if key in table and table[key] != option:
                ambiguous.add(key)
            table.setdefault(key, option)
        key = _keys(answer, accents)[level]
        if key in table and key not in ambiguous:
            return table[key]
    return None


def _options_list(options):
    return ", ".join(repr(o) for o in options)


def expect_choice(answer, correct, options, explanations=None, synonyms=None):
    """Comprueba una pregunta de opción múltiple; ``explanations`` dice por qué falla cada opción.

    Una respuesta de texto se compara con :func:`match_option`: «B», « b », «b)» y «opción b» son
    la opción «b»; ``synonyms`` añade otras formas válidas de escribir una opción.
    """
    chosen = match_option(answer, options, synonyms)
    if chosen is None:
        raise Incorrect(f"la respuesta debe ser una de {_options_list(options)}; recibí {answer!r}.")
    if chosen != correct:
        reason = (explanations or {}).get(chosen, "no es la opción correcta.")
        raise Incorrect(f"«{chosen}»: {reason}")


def _match_key(key, keys):
    """La clave de ``keys`` que escribe ``key`` (sin mayúsculas ni tildes; basta el texto antes de « ( »)."""
    if key in keys:
        return key
    if not isinstance(key, str):
        return None
    wanted = normalize_text(key)
    for candidate in keys:
        if isinstance(candidate, str) and wanted in (normalize_text(candidate),
                                                     normalize_text(candidate.split(" (")[0])):
            return candidate
    return None


def expect_choices(answer, correct, options, explain, key_name="pregunta", synonyms=None):
    """Varias preguntas de opción múltiple a la vez: ``answer`` es un diccionario pregunta → opción.

    ``correct`` da la opción buena de cada pregunta; cada respuesta se compara como en
    :func:`expect_choice`. Las claves también valen sin mayúsculas ni tildes («a» por «A»). Si
    alguna falta, el ejercicio sigue «pendiente». ``explain(pregunta, elegida, correcta)`` devuelve
    el diagnóstico en español de la primera elección equivocada.
    """
    if not isinstance(answer, dict):
        raise Incorrect(f"se esperaba un diccionario {key_name} → opción; recibí {type(answer).__name__}.")
    given = {}
    for key, value in answer.items():
        matched = _match_key(key, list(correct))
        if matched is None:
            raise Incorrect(f"no hay ninguna {key_name} llamada {key!r}; las claves son {_options_list(correct)}.")
        given[matched] = value
    missing = [str(key) for key in correct if _is_placeholder(given.get(key))]
    if len(missing) == len(correct):
        raise Pending("todavía no has respondido ninguna.")
    if missing:
        raise Pending(f"te falta responder: {', '.join(missing)}.")
    for key, right in correct.items():
        chosen = match_option(given[key], options, synonyms)
        if chosen is None:
            raise Incorrect(f"«{key}»: responde con una de {_options_list(options)}; recibí {given[key]!r}.")
        if chosen != right:
            raise Incorrect(f"«{key}»: {explain(key, chosen, right)}")


_CONNECTORS = {"y", "e", "o", "and", "&", "+"}


def parse_letters(answer, letters):
    """Las letras de opción que nombra una respuesta: «a, b, d y f», «a b d f», ['a', 'B'], «(a), (d)».

    Devuelve un conjunto de letras en minúscula; lanza :class:`Incorrect` si algo no es una de
    ``letters``. «e» cuenta siempre como letra (no como conjunción) si es una opción.
    """
    if isinstance(answer, str):
        text = normalize_text(answer).replace(",", " ").replace(";", " ").replace("/", " ")
        tokens = [token.strip(_WRAPPERS + " ") for token in text.split()]
        tokens = [t for t in tokens if t and t not in _FILLERS]
        tokens = [t for t in tokens if t in letters or t not in _CONNECTORS]
    else:
        try:
            tokens = [normalize_text(item) for item in answer]
        except TypeError:
            raise Incorrect(f"se esperaba un texto como \"a, b\" o una lista de letras; recibí {type(answer).__name__}.") from None
    unknown = sorted({t for t in tokens if t not in letters})
    if unknown:
        raise Incorrect(f"las opciones son las letras {', '.join(letters)}; no entiendo {', '.join(unknown)}.")
    return set(tokens)


def expect_letters(answer, valid, letters, explanations, missing):
    """Una pregunta de «marca todas las válidas»: ``valid`` es el conjunto de letras correctas.

    ``explanations`` da, para cada letra que NO es válida, por qué falla; ``missing`` es el mensaje
    cuando faltan letras válidas (sin decir cuáles: eso sería dar la solución).
    """
    chosen = parse_letters(answer, letters)
    if not chosen:
        raise Incorrect("no has elegido ninguna letra.")
    for letter in sorted(chosen - set(valid)):
        raise Incorrect(f"«{letter}»: {explanations[letter]}")
    if set(valid) - chosen:
        raise Incorrect(missing)
