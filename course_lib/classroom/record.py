"""Grabar la comprobación de un ejercicio para repetirla sin la solución.

Se ejecuta ``exercise.verify`` con la solución de referencia mientras se sustituyen, en el módulo
del ejercicio, ``call`` y los comparadores de :mod:`course_lib.checks` (``expect_close``,
``expect_choice`` y cualquier otro ``expect_*``) por versiones que anotan:

- cada llamada a la función del estudiante: argumentos, resultado de la referencia y qué
  argumentos son el MISMO objeto que en una llamada anterior (un estado que el estudiante debe
  actualizar, como el de Adam);
- cada comparación: de qué resultado sale el valor comparado (``got``) y el resto de argumentos,
  que son datos: valor esperado, errores típicos con su diagnóstico, nombre, tolerancias…

Después se ejecuta igual cada error típico declarado en ``exercise.mistakes`` y se anota su
«huella»: los resultados que dio y el diagnóstico que recibió. Todo es JSON (:mod:`.codec`).
El mecanismo es genérico: no sabe nada de ningún ejercicio concreto.
"""

import contextlib
import importlib
import inspect

import numpy as np

from .. import checks
from .codec import Table, Unstorable, encode, same

FORMAT_VERSION = 1


class Unsupported(Exception):
    """La comprobación no se puede grabar como datos (se explica por qué)."""


def _walk(value, path, depth=2):
    """Pares (camino, subvalor): el valor y, hasta ``depth`` niveles, sus elementos."""
    yield path, value
    if depth == 0:
        return
    if isinstance(value, (tuple, list)) and len(value) <= 16:
        for i, item in enumerate(value):
            yield from _walk(item, path + [i], depth - 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, (str, int)):
                yield from _walk(item, path + [key], depth - 1)


_MISSING = object()


def _at(value, keys):
    """``value[k0][k1]…`` o ``_MISSING`` si ese camino no existe."""
    for key in keys:
        try:
            value = value[key]
        except (TypeError, KeyError, IndexError):
            return _MISSING
    return value


# Argumentos de los comparadores de course_lib.checks que son funciones y con qué argumentos las llama
# el comparador: se guardan como una tabla (codec.Table) con sus resultados en ese dominio finito.
TABULATED = {
    "expect_choices": {
        # explain(pregunta, elegida, correcta) para cada opción equivocada de cada pregunta
        "explain": lambda a: [(key, option, right) for key, right in a["correct"].items()
                              for option in a["options"] if option != right],
    },
}


def _tabulated(name, original, got, args, kwargs):
    """Los argumentos de una comparación con sus funciones de dominio finito cambiadas por tablas."""
    if name not in TABULATED:
        return args, kwargs
    bound = inspect.signature(original).bind(got, *args, **kwargs)
    for parameter, domain in TABULATED[name].items():
        function = bound.arguments.get(parameter)
        if callable(function) and not isinstance(function, Table):
            bound.arguments[parameter] = Table.of(function, domain(bound.arguments))
    return bound.args[1:], bound.kwargs


class _Recorder:
    """Anota las llamadas y comparaciones de una ejecución de ``verify``."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []       # por llamada: args, kwargs, aliases (codificados)
        self.results = []     # resultados tal cual (para localizar ``got``)
        self.steps = []
        self._seen = {}       # id(objeto mutable) → [llamada, posición]
        self._alive = []      # mantiene vivos los objetos para que su id no se reutilice
        self.raised = None    # la excepción de la respuesta en la última llamada, si la hubo

    # --- llamadas ----------------------------------------------------------------------------
    def call(self, function, *args, **kwargs):
        index = len(self.calls)
        positions = [(str(i), v) for i, v in enumerate(args)] + list(kwargs.items())
        aliases = {pos: self._seen[id(v)] for pos, v in positions
                   if isinstance(v, (dict, list, np.ndarray)) and id(v) in self._seen}
        try:
            entry = {"args": encode(list(args)), "kwargs": encode(dict(kwargs)), "aliases": aliases}
        except Unstorable as exc:
            raise Unsupported(f"la función del estudiante recibe {exc}, que no se puede guardar como datos") from None
        for pos, v in positions:
            if isinstance(v, (dict, list, np.ndarray)) and id(v) not in self._seen:
                self._seen[id(v)] = [index, pos]
                self._alive.append(v)
        self.calls.append(entry)
        self.steps.append({"op": "call", "index": index})
        try:
            result = _CALL(function, *args, **kwargs)
        except (checks.Pending, checks.Incorrect):
            raise
        except Exception as exc:  # la comprobación original puede capturarla y dar un diagnóstico
            self.raised = {"type": type(exc).__name__, "message": str(exc)}
            raise
        self.results.append(result)
        return result

    # --- comparaciones -------------------------------------------------------------------------
    def comparator(self, name, original):
        def compare(got, *args, **kwargs):
            args, kwargs = _tabulated(name, original, got, args, kwargs)
            try:
                data = {"args": encode(list(args)), "kwargs": encode(dict(kwargs))}
            except Unstorable as exc:
                raise Unsupported(f"{name} recibe {exc}, que no se puede guardar como datos") from None
            self.steps.append({"op": "compare", "function": name, "got": self.locate(got), **data})
            return original(got, *args, **kwargs)
        return compare

    def _candidates(self):
        for k in reversed(range(len(self.results))):
            yield {"from": "result", "index": k}, self.results[k]
        yield {"from": "answer"}, self.answer

    def _find(self, got, test):
        for base, value in self._candidates():
            for keys, item in _walk(value, []):
                if test(item, got):
                    return {**base, "keys": keys}
        return None

    def _sequence(self, got):
        """``got`` es una lista con un valor de cada una de las últimas llamadas, en orden.

        El valor puede ser el resultado entero o una parte suya con el mismo camino en todas
        (``[r[0] for r in resultados]``): se prueba con cada camino del primero de esos resultados.
        """
        if not isinstance(got, (list, tuple)) or not 0 < len(got) <= len(self.results):
            return None
        first = len(self.results) - len(got)
        tail = self.results[first:]
        for keys, _ in _walk(tail[0], []):
            parts = [_at(result, keys) for result in tail]
            if all(p is not _MISSING and (p is g or same(p, g, strict=True)) for p, g in zip(parts, got)):
                return {"from": "sequence",
                        "items": [{"from": "result", "index": first + i, "keys": keys} for i in range(len(got))]}
        return None

    def locate(self, got):
        """De dónde sale ``got``: un resultado (o un elemento suyo), la respuesta, o una lista de ellos."""
        found = self._find(got, lambda item, g: item is g)
        if found is None:
            found = self._sequence(got)
        if found is None:
            found = self._find(got, lambda item, g: same(item, g))
        if found is None:
            raise Unsupported("un valor comparado no sale directamente de lo que devuelve la función del estudiante")
        return found


_CALL = checks.call


@contextlib.contextmanager
def _patched(module, recorder):
    """Sustituye ``call`` y los ``expect_*`` por los del grabador en el módulo del ejercicio y en checks.

    En checks también, para las comprobaciones que los importan al ejecutarse
    (``from ..checks import expect_choices`` dentro de la función).
    """
    saved = []
    for target in (module, checks):
        for name, value in vars(target).items():
            if value is _CALL or (callable(value) and getattr(value, "__module__", None) == checks.__name__
                                  and name.startswith("expect_")):
                saved.append((target, name, value))
    try:
        for target, name, value in saved:
            setattr(target, name, recorder.call if value is _CALL else recorder.comparator(value.__name__, value))
        yield
    finally:
        for target, name, value in saved:
            setattr(target, name, value)


def _run(exercise, answer):
    """Ejecuta ``verify`` con ``answer`` grabando. Devuelve (grabador, estado, mensaje)."""
    module = importlib.import_module(exercise.verify.__module__)
    recorder = _Recorder(answer)
    with _patched(module, recorder), np.errstate(all="ignore"):
        try:
            exercise.verify(answer)
        except Unsupported:
            raise
        except checks.Pending as exc:
            return recorder, checks.PENDING, str(exc)
        except checks.Incorrect as exc:
            return recorder, checks.INCORRECT, str(exc)
        except Exception as exc:  # como checks.check: un fallo en el código de la respuesta
            return recorder, checks.INCORRECT, f"tu código lanzó {type(exc).__name__}: {exc}"
    return recorder, checks.CORRECT, ""


def record_exercise(exercise):
    """La comprobación de un ejercicio como datos JSON (sin su solución ni su código)."""
    base = {"id": exercise.id, "title": exercise.title, "hint": exercise.hint}
    try:
        return {**base, **_record(exercise)}
    except Unsupported as exc:
        return {**base, "mode": "opaque", "reason": str(exc)}


def _record(exercise):
    kind = "function" if callable(exercise.solution) else "value"
    reference, status, message = _run(exercise, exercise.solution)
    if status != checks.CORRECT:
        raise RuntimeError(f"la solución de {exercise.id} no supera su propia comprobación: {message}")
    if kind == "function" and not reference.calls:
        raise Unsupported("la comprobación no llama a la función del estudiante con checks.call")
    try:
        ref_results = [encode(r) for r in reference.results]
    except Unstorable as exc:
        raise Unsupported(f"la función devuelve {exc}, que no se puede guardar como datos") from None
    covered = {step["got"].get("index") for step in reference.steps if step["op"] == "compare"}
    covered |= {item["index"] for step in reference.steps if step["op"] == "compare"
                for item in step["got"].get("items", [])}
    answer_compared = any(step["got"].get("from") == "answer" for step in reference.steps if step["op"] == "compare")
    data = {
        "mode": "replay",
        "kind": kind,
        "calls": [{**call, "result": result} for call, result in zip(reference.calls, ref_results)],
        "steps": reference.steps,
        "uncovered": [k for k in range(len(ref_results)) if k not in covered],
        "outcomes": [],
    }
    if kind == "value" and not answer_compared:
        data["expected_answer"] = encode(exercise.solution)
    for wrong, _fragment in exercise.mistakes:
        outcome = _fingerprint(exercise, kind, wrong, reference)
        if outcome is not None:
            data["outcomes"].append(outcome)
    return data


def _fingerprint(exercise, kind, wrong, reference):
    """La huella de un error típico: sus resultados y el diagnóstico que recibe (o None)."""
    try:
        run, status, message = _run(exercise, wrong)
    except Unsupported:
        return None
    if status == checks.CORRECT:
        return None
    try:
        results = [encode(r) for r in run.results]
        answer = encode(wrong) if kind == "value" else None
    except Unstorable:
        return None
    if kind == "function":
        same_as_reference = all(same(a, b, strict=True) for a, b in zip(run.results, reference.results))
        if (not run.results and run.raised is None) or (same_as_reference and run.raised is None):
            return None  # la huella no distinguiría esta respuesta de una correcta
    return {"results": results, "raised": run.raised, "answer": answer, "status": status, "message": message}


def record_chapter(chapter):
    """Los datos de todos los ejercicios de un capítulo (``"04"``)."""
    return {
        "format": FORMAT_VERSION,
        "chapter": chapter,
        "exercises": [record_exercise(ex) for ex in checks.chapter_exercises(chapter).values()],
    }
