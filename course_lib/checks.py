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
import unicodedata
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


def pista(exercise_id):
    """La pista de un ejercicio, solo cuando se pide (nombre en español de :func:`hint`)."""
    return hint(exercise_id)


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


# --- Textos: mayúsculas, espacios y tildes no cambian la respuesta -------------------------------

_WRAPPERS = "\"'«»“”‘’()[]."


def normalize_text(text, accents=False):
    """Forma canónica de una respuesta escrita: sin espacios alrededor ni mayúsculas.

    Quita también las comillas, paréntesis o el punto que la envuelvan (``"b)"`` → ``"b"``) y
    reduce los espacios interiores a uno. Con ``accents=False`` quita además las tildes
    (``"Autosupervisádo"`` → ``"autosupervisado"``); úsalo solo si ninguna opción se distingue
    de otra por una tilde (``expect_choice`` lo comprueba).
    """
    text = " ".join(str(text).split()).casefold().strip(_WRAPPERS + " ")
    if not accents:
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text)


def match_option(answer, options):
    """La opción de ``options`` que ``answer`` escribe (ignorando mayúsculas, espacios y tildes), o None.

    Las tildes solo se ignoran si quitarlas no confunde dos opciones (p. ej. «sí» y «si»).
    """
    if not isinstance(answer, str):
        return answer if answer in options else None
    text_options = [o for o in options if isinstance(o, str)]
    accents = len({normalize_text(o) for o in text_options}) < len(text_options)
    canonical = {normalize_text(o, accents=accents): o for o in text_options}
    return canonical.get(normalize_text(answer, accents=accents))


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
    for q in range(1, 13):
        p = ratio * q
        if abs(p - round(p)) < 1e-6 * max(1.0, abs(p)) and 1 <= abs(round(p)) <= 12:
            return True
    exponent = np.log10(abs(ratio))
    return abs(exponent - round(exponent)) < 1e-9


def expect_close(got, expected, name="el resultado", mistakes=(), m=None, rtol=1e-5, atol=1e-8):
    """Compara ``got`` con ``expected`` y, si difieren, diagnostica el error más probable.

    Orden: coincidencia (con ``rtol``/``atol``) → errores propios del ejercicio (``mistakes``:
    pares ``(valor_que_daría_el_error, diagnóstico)``) → redondeo: ``expected`` redondeado o
    truncado a 3 o más cifras significativas se acepta, y a 1 o 2 se contesta «más precisión,
    por favor» → errores genéricos: forma, matriz traspuesta, NaN, signo cambiado, promedio 1/m
    (``m``: tamaño del conjunto) y factor constante. Este último solo cuando significa algo: un
    array con al menos dos valores distintos, todos multiplicados por el mismo factor sencillo
    (p/q con p, q ≤ 12, o una potencia de diez); con un solo número, cualquier error parecería
    «un factor constante».
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
    figures = significant_figures_matched(got, expected)
    if figures is not None:
        if figures >= ACCEPTED_SIGNIFICANT_FIGURES:
            return
        raise Incorrect(
            f"{MORE_PRECISION}: {name} coincide con lo esperado redondeado a {figures} "
            f"cifra{'s' if figures > 1 else ''} significativa{'s' if figures > 1 else ''}; "
            f"da al menos {ACCEPTED_SIGNIFICANT_FIGURES} (o deja que Python calcule el número)."
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
    if m is not None and close(got / m, expected):
        raise Incorrect(f"{name} es {m} veces mayor de lo esperado: ¿falta dividir entre m = {m} (el promedio 1/m)?")
    if m is not None and close(got * m, expected):
        raise Incorrect(f"{name} es {m} veces menor de lo esperado: ¿divides entre m = {m} cuando no toca?")
    nonzero = np.abs(expected) > 1e-12
    if len(np.unique(expected[nonzero])) >= 2 and np.all(np.abs(got[~nonzero]) < 1e-12):
        ratios = got[nonzero] / expected[nonzero]
        ratio = ratios.flat[0]
        if np.allclose(ratios, ratio, rtol=1e-6) and _simple_ratio(ratio):
            raise Incorrect(f"{name} difiere de lo esperado en un factor constante {_number(ratio, '.4g')}: revisa las constantes.")
    error = np.max(np.abs(got - expected))
    if got.size == 1:
        raise Incorrect(f"{name} vale {_number(got.item(), '.6g')}, pero se esperaba {_number(expected.item(), '.6g')}.")
    raise Incorrect(f"{name} no coincide con lo esperado (diferencia máxima {_number(error, '.3g')}).")


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


def expect_choices(answer, correct, options, explain, key_name="pregunta"):
    """Varias preguntas de opción múltiple a la vez: ``answer`` es un diccionario pregunta → opción.

    ``correct`` da la opción buena de cada pregunta; cada respuesta se compara como en
    :func:`expect_choice` (sin mayúsculas, espacios ni tildes que cuenten). Si alguna falta, el
    ejercicio sigue «pendiente». ``explain(pregunta, elegida, correcta)`` devuelve el diagnóstico
    en español de la primera elección equivocada.
    """
    if not isinstance(answer, dict):
        raise Incorrect(f"se esperaba un diccionario {key_name} → opción; recibí {type(answer).__name__}.")
    missing = [str(key) for key in correct if answer.get(key) is None]
    if len(missing) == len(correct):
        raise Pending("todavía no has respondido ninguna.")
    if missing:
        raise Pending(f"te falta responder: {', '.join(missing)}.")
    for key, right in correct.items():
        chosen = match_option(answer[key], options)
        if chosen is None:
            raise Incorrect(f"«{key}»: responde con una de {', '.join(map(repr, options))}; "
                            f"recibí {answer[key]!r}.")
        if chosen != right:
            raise Incorrect(f"«{key}»: {explain(key, chosen, right)}")


def expect_choice(answer, correct, options, explanations=None):
    """Comprueba una pregunta de opción múltiple; ``explanations`` dice por qué falla cada opción.

    Una respuesta de texto se compara sin mayúsculas, espacios alrededor ni tildes
    (:func:`match_option`): «B», « b » y «b)» son la opción «b».
    """
    chosen = match_option(answer, options)
    if chosen is None:
        raise Incorrect(f"la respuesta debe ser una de {', '.join(map(repr, options))}; recibí {answer!r}.")
    if chosen != correct:
        reason = (explanations or {}).get(chosen, "no es la opción correcta.")
        raise Incorrect(f"«{chosen}»: {reason}")
