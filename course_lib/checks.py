"""Corrección automática de ejercicios con mensajes en español.

Uso en un cuaderno::

    from course_lib.checks import check, hint

    def sigmoid_derivative(z):
        return None          # ← escribe aquí tu solución

    check("02.1", sigmoid_derivative)

``check`` responde con uno de tres estados:

- **pendiente**: todavía no hay respuesta (``None``, ``...`` o una función que devuelve ``None``
  o lanza ``NotImplementedError``). No es un error: el cuaderno sigue ejecutándose.
- **correcto**: la respuesta coincide con la solución.
- **incorrecto**: con un diagnóstico concreto del error probable (forma equivocada, matriz
  traspuesta, signo cambiado, falta el factor 1/m…).

Cada ejercicio vive en ``course_lib/exercises/capNN.py`` (NN = capítulo) como un objeto
:class:`Exercise` con su comprobación, su pista, su solución (la única fuente de verdad, para el
profesorado: ``show_solution("02.1")``) y los errores típicos que los tests verifican.
"""

import html
import importlib
import inspect
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


@dataclass
class Feedback:
    """Resultado de comprobar un ejercicio: ``status`` y ``message`` en español."""

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self):
        return self.status == CORRECT

    def __repr__(self):
        return f"{_ICONS[self.status]} Ejercicio {self.exercise_id} — {self.status}: {self.message}"

    def _repr_html_(self):
        color = _COLORS[self.status]
        return (
            f'<div style="border-left:6px solid {color};padding:6px 10px;margin:4px 0;">'
            f"<b>{_ICONS[self.status]} Ejercicio {html.escape(self.exercise_id)} — {self.status}</b>"
            f"<br>{html.escape(self.message)}</div>"
        )


@dataclass
class Exercise:
    """Un ejercicio: ``verify(answer)`` lanza :class:`Incorrect` (o :class:`Pending`) o no hace nada.

    - ``solution``: la respuesta de referencia (valor o función), fuente única de verdad.
    - ``mistakes``: errores típicos ``(respuesta_equivocada, fragmento_del_diagnóstico)``; los
      tests comprueban que cada uno recibe ese diagnóstico.
    """

    id: str
    title: str
    verify: Callable[[Any], None]
    solution: Any
    hint: str = ""
    mistakes: list = field(default_factory=list)


# --- Búsqueda de ejercicios -------------------------------------------------------------------

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


# --- Comprobación -----------------------------------------------------------------------------

def _is_placeholder(answer):
    return answer is None or answer is Ellipsis


def check(exercise_id, answer):
    """Comprueba la respuesta a un ejercicio y devuelve un :class:`Feedback` en español.

    El cuaderno lo muestra con color si es la última expresión de la celda. Nunca lanza
    excepciones por una respuesta equivocada o pendiente, ni por un fallo del código del estudiante.
    """
    exercise = get_exercise(exercise_id)
    if _is_placeholder(answer):
        return Feedback(exercise.id, PENDING, "todavía no hay respuesta. " + _hint_sentence(exercise))
    try:
        exercise.verify(answer)
    except Pending as exc:
        return Feedback(exercise.id, PENDING, f"{exc} {_hint_sentence(exercise)}".strip())
    except Incorrect as exc:
        return Feedback(exercise.id, INCORRECT, str(exc))
    except Exception as exc:  # un fallo inesperado en el código del estudiante
        return Feedback(exercise.id, INCORRECT, f"tu código lanzó {type(exc).__name__}: {exc}")
    return Feedback(exercise.id, CORRECT, "¡bien hecho!")


def _hint_sentence(exercise):
    return f"Pista: {exercise.hint}" if exercise.hint else ""


def hint(exercise_id):
    """La pista de un ejercicio."""
    exercise = get_exercise(exercise_id)
    return exercise.hint or "Este ejercicio no tiene pista."


def show_solution(exercise_id):
    """Para el profesorado: el código (o el valor) de la solución de un ejercicio."""
    solution = get_exercise(exercise_id).solution
    if callable(solution):
        try:
            return inspect.getsource(solution)
        except (OSError, TypeError):
            pass
    return repr(solution)


# --- Herramientas para escribir comprobaciones --------------------------------------------------

def call(function, *args, **kwargs):
    """Llama a la función del estudiante: ``Pending`` si devuelve ``None`` o no está escrita."""
    if not callable(function):
        raise Incorrect(f"se esperaba una función, pero se recibió un valor de tipo {type(function).__name__}.")
    try:
        result = function(*args, **kwargs)
    except NotImplementedError:
        raise Pending("la función todavía no está escrita.") from None
    if result is None:
        raise Pending("tu función devuelve None: ¿falta el return?")
    return result


def as_array(value, name):
    """Convierte la respuesta en array de números o lanza :class:`Incorrect` explicando por qué."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{name} debería ser un número o un array de números; recibí {type(value).__name__}.") from None
    return array


def _number(value, spec):
    """Número para un mensaje en español: coma decimal (0,25)."""
    return format(value, spec).replace(".", ",")


def expect_close(got, expected, name="el resultado", mistakes=(), m=None, rtol=1e-5, atol=1e-8):
    """Compara ``got`` con ``expected`` y, si difieren, diagnostica el error más probable.

    ``mistakes``: pares ``(valor_que_daría_el_error, diagnóstico)`` propios del ejercicio (por
    ejemplo, devolver σ(z) en vez de σ'(z)). ``m``: tamaño del conjunto, para reconocer un
    promedio olvidado (falta 1/m) o sobrante. Después se prueban los errores genéricos: forma,
    matriz traspuesta, NaN, signo cambiado y factor constante.
    """
    got = as_array(got, name)
    expected = np.asarray(expected, dtype=float)

    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)

    if close(got, expected):
        return
    for wrong, diagnosis in mistakes:
        if close(got, np.asarray(wrong, dtype=float)):
            raise Incorrect(diagnosis)
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
    if m is not None and close(got / m, expected):
        raise Incorrect(f"{name} es {m} veces mayor de lo esperado: ¿falta dividir entre m = {m} (el promedio 1/m)?")
    if m is not None and close(got * m, expected):
        raise Incorrect(f"{name} es {m} veces menor de lo esperado: ¿divides entre m = {m} cuando no toca?")
    nonzero = np.abs(expected) > 1e-12
    if np.any(nonzero) and np.all(np.abs(got[~nonzero]) < 1e-12):
        ratios = got[nonzero] / expected[nonzero]
        if np.allclose(ratios, ratios.flat[0], rtol=1e-6):
            raise Incorrect(f"{name} difiere de lo esperado en un factor constante {_number(ratios.flat[0], '.4g')}: revisa las constantes.")
    error = np.max(np.abs(got - expected))
    if got.size == 1:
        raise Incorrect(f"{name} vale {_number(got.item(), '.6g')}, pero se esperaba {_number(expected.item(), '.6g')}.")
    raise Incorrect(f"{name} no coincide con lo esperado (diferencia máxima {_number(error, '.3g')}).")


def expect_choice(answer, correct, options, explanations=None):
    """Comprueba una pregunta de opción múltiple; ``explanations`` dice por qué falla cada opción."""
    if answer not in options:
        raise Incorrect(f"la respuesta debe ser una de {', '.join(map(repr, options))}; recibí {answer!r}.")
    if answer != correct:
        reason = (explanations or {}).get(answer, "no es la opción correcta.")
        raise Incorrect(f"«{answer}»: {reason}")
