"""Las comprobaciones de la edición de aula: lo que se puede revisar sin tener la respuesta.

La edición de aula (la que recibe una clase con tareas calificadas) no lleva ninguna respuesta:
ni valores, ni resultados esperados, ni huellas, ni código de referencia. ``check(...)`` hace ahí
lo que puede sin ella:

- **formato**: que una función se pueda llamar, no falle y devuelva lo que se espera en tipo,
  forma y números finitos con unas entradas de prueba propias (distintas de las que se usan al
  calificar); que una respuesta sea un número, un texto o un diccionario con las claves pedidas;
- **reglas** que no necesitan ninguna respuesta: un ejercicio que pide construir una red se
  comprueba entrenándola y midiendo su exactitud (su comprobación viaja tal cual);

y en los demás casos dice que el ejercicio **se califica al entregar**. El estado es «pendiente»:
ni «correcto» (no se sabe) ni «incorrecto» (el formato está bien).

Los datos de cada capítulo (``classroom/data/capNN.json``) los escribe ``make aula``
(:mod:`.release`) a partir de la edición completa.
"""

import json
from pathlib import Path

import numpy as np

from .. import checks
from .codec import decode

DATA_DIR = Path(__file__).with_name("data")

WITHHELD = (
    "En la edición de aula las soluciones no se distribuyen: tu profesor o profesora las publicará "
    "cuando se cierre la entrega. Mientras tanto, pide una pista con pista(...) y fíjate en lo que dice check(...)."
)
GRADED_LATER = ("si es correcta lo dirá la calificación de la entrega: esta edición del curso no lleva las "
                "respuestas, así que aquí solo se revisa el formato.")


class Withheld:
    """Lo que ``show_solution`` muestra en la edición de aula: una frase, no el código."""

    def __repr__(self):
        return WITHHELD


# --- Describir un formato --------------------------------------------------------------------------

def _shape_text(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def describe(spec):
    """El formato en palabras: «un array de forma (3,)», «un número», «una pareja»…"""
    kind = spec["t"]
    if kind == "numero":
        return "un número"
    if kind == "array":
        return f"un array de forma {_shape_text(spec['forma'])}" if "forma" in spec else "un array de números"
    if kind == "secuencia":
        if "n" not in spec:
            return "una secuencia"
        return {1: "una secuencia de un elemento", 2: "una pareja", 3: "una terna"}.get(
            spec["n"], f"una secuencia de {spec['n']} elementos")
    if kind == "diccionario":
        return f"un diccionario con {len(spec['claves'])} claves"
    if kind == "texto":
        return "un texto"
    return "un valor"


def _number_like(value):
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, (int, float, np.number)):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf"


def _numbers(value):
    """``value`` como array de reales, o None si no son números."""
    if isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def format_problem(value, spec, name):
    """Qué falla en el formato de ``value`` (una frase), o None si tiene el formato de ``spec``.

    Solo se señala lo que la comprobación de la entrega también rechazaría: otro tipo de dato,
    otra forma, otro número de elementos, NaN o infinitos donde la respuesta es finita.
    """
    kind = spec["t"]
    if kind == "numero":
        if isinstance(value, str):
            return None  # un número escrito como texto («0,25»): lo decide la calificación
        array = _numbers(value)
        if array is None:
            return f"{name} debería ser un número; recibí {type(value).__name__}."
        if array.shape != ():
            return f"{name} debería ser un único número; recibí {array.size} valores (forma {_shape_text(array.shape)})."
        if spec.get("finito") and not np.isfinite(array):
            return f"{name} es {array.item()}: revisa divisiones entre cero o exponenciales enormes."
        return None
    if kind == "array":
        array = _numbers(value)
        if array is None:
            return f"{name} debería ser un array de números; recibí {type(value).__name__}."
        if "forma" in spec and list(array.shape) != list(spec["forma"]):
            return (f"{name} tiene forma {_shape_text(array.shape)}, pero se espera {_shape_text(spec['forma'])} "
                    "con estas entradas.")
        if spec.get("finito") and not np.all(np.isfinite(array)):
            return f"{name} contiene NaN o infinitos: revisa divisiones entre cero o exponenciales enormes."
        return None
    if kind == "secuencia":
        if not isinstance(value, (tuple, list)):
            return f"{name} debería ser {describe(spec)} (una tupla o una lista); recibí {type(value).__name__}."
        if "n" in spec and len(value) != spec["n"]:
            return f"{name} debería ser {describe(spec)}; recibí {len(value)} elementos."
        for k, (item, item_spec) in enumerate(zip(value, spec.get("elementos") or [])):
            problem = format_problem(item, item_spec, f"el elemento {k} de {name}")
            if problem:
                return problem
        return None
    if kind == "diccionario":
        if not isinstance(value, dict):
            return f"{name} debería ser un diccionario; recibí {type(value).__name__}."
        return None
    if kind == "texto":
        if not isinstance(value, str):
            return f"{name} debería ser un texto (entre comillas); recibí {type(value).__name__}."
        if not value.strip():
            return f"{name} está vacía."
        return None
    return None


def _missing_keys(answer, spec):
    """Las claves de un diccionario de respuestas que faltan o siguen en None (en el orden del enunciado)."""
    keys = [decode(k) for k in spec["claves"]]
    return [k for k in keys if answer.get(k) is None]


# --- La comprobación ------------------------------------------------------------------------------

class FormatCheck:
    """La función ``verify`` de un ejercicio en la edición de aula."""

    def __init__(self, data):
        self.data = data

    def __call__(self, answer):
        data = self.data
        if data["tipo"] == "funcion":
            self._function(answer, data.get("prueba"))
        else:
            self._value(answer, data["formato"])

    def _function(self, answer, probe):
        if not callable(answer):
            raise checks.Incorrect(f"se esperaba una función; recibí un valor de tipo {type(answer).__name__}.")
        if probe is None:
            raise checks.Pending("tu función está definida; " + GRADED_LATER)
        result = checks.call(answer, *decode(probe["args"]), **decode(probe["kwargs"]))
        problem = format_problem(result, probe["formato"], "el resultado")
        if problem:
            raise checks.Incorrect(problem + " (Con unas entradas de prueba propias, no las de la calificación.)")
        raise checks.Pending(f"con unas entradas de prueba, tu función devuelve {describe(probe['formato'])}"
                             f"{' con números finitos' if probe['formato'].get('finito') else ''}, como se espera; "
                             + GRADED_LATER)

    def _value(self, answer, spec):
        if spec["t"] == "diccionario" and isinstance(answer, dict):
            missing = _missing_keys(answer, spec)
            if len(missing) == len(spec["claves"]):
                raise checks.Pending("todavía no has respondido ninguna.")
            if missing:
                raise checks.Pending(f"te falta responder: {', '.join(map(str, missing))}.")
        problem = format_problem(answer, spec, "tu respuesta")
        if problem:
            raise checks.Incorrect(problem)
        raise checks.Pending(f"tu respuesta es {describe(spec)}, como se espera; " + GRADED_LATER)


def exercise_from_data(data, namespace=None):
    """Un :class:`course_lib.checks.Exercise` de la edición de aula (sin solución ni errores típicos).

    ``data["campos"]`` trae los demás campos del ejercicio (título, pistas…) tal como los tiene la
    edición completa. Si ``data["modo"]`` es ``"regla"``, la comprobación es la función
    ``data["comprobacion"]`` de ``namespace`` (el módulo del capítulo, que la trae como código); si
    es ``"ejemplo"`` (un ejemplo resuelto en su capítulo), también la solución.
    """
    fields = {name: decode(value) for name, value in data["campos"].items()}
    solution = Withheld()
    if data["modo"] == "formato":
        verify = FormatCheck(data)
    else:
        verify = namespace[data["comprobacion"]]
    if data["modo"] == "ejemplo":  # un ejemplo resuelto en su capítulo: se comprueba como siempre
        shipped = data["solucion"]
        solution = namespace[shipped["funcion"]] if "funcion" in shipped else decode(shipped["valor"])
    return checks.Exercise(id=data["id"], verify=verify, solution=solution, **fields)


def load_chapter(module_name, namespace=None):
    """Los ejercicios de un capítulo de la edición de aula (``EXERCISES`` de ``capNN.py``)."""
    chapter = module_name.rsplit(".", 1)[-1].removeprefix("cap")
    data = json.loads((DATA_DIR / f"cap{chapter}.json").read_text(encoding="utf-8"))
    return [exercise_from_data(item, namespace) for item in data["ejercicios"]]
