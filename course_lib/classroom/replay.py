"""Repetir una comprobación grabada con la respuesta del estudiante (edición de aula).

Con los datos de :mod:`.record`, la comprobación de un ejercicio se repite así:

1. se llama a la función del estudiante con las mismas entradas, en el mismo orden (y con el
   mismo objeto cuando la comprobación original reutilizaba uno, como el estado de Adam);
2. si sus resultados coinciden con la huella de un error típico, se da el diagnóstico que ese
   error recibe en la edición de autoestudio;
3. si no, se repite cada comparación (``expect_close``, ``expect_choice``…) de
   :mod:`course_lib.checks` con el valor del estudiante en lugar del de la referencia: los mismos
   diagnósticos genéricos (forma, traspuesta, signo, 1/m…) y los de los errores típicos;
4. por último, los resultados que ninguna comparación miraba se comparan con los esperados.

La solución no está en ninguna parte: solo sus resultados para esas entradas.
"""

import json
from pathlib import Path

import numpy as np

from .. import checks
from .codec import decode, describe, difference, is_placeholder, same

DATA_DIR = Path(__file__).with_name("data")

WITHHELD = (
    "En la edición de aula las soluciones no se distribuyen: tu profesor o profesora las publicará "
    "cuando se cierre la entrega. Mientras tanto, usa hint(...) y los mensajes de check(...)."
)
OPAQUE = ("este ejercicio se comprueba al calificar la entrega: la edición de aula no puede repetir su "
          "comprobación sin la solución.")


class Withheld:
    """Lo que ``show_solution`` muestra en la edición de aula: una frase, no el código."""

    def __repr__(self):
        return WITHHELD


class _StudentRun:
    """Las llamadas a la respuesta del estudiante, hechas una vez, en orden, y guardadas."""

    def __init__(self, answer, calls):
        self.answer = answer
        self.calls = calls
        self.args = []        # objetos pasados en cada llamada (para los alias)
        self.outcomes = []    # ("ok", resultado) o ("error", excepción)

    def result(self, k):
        while len(self.outcomes) <= k:
            self._next()
        kind, value = self.outcomes[k]
        if kind == "error":
            raise value
        return value

    def _next(self):
        if self.outcomes and self.outcomes[-1][0] == "error":
            self.outcomes.append(self.outcomes[-1])
            self.args.append({})
            return
        call = self.calls[len(self.outcomes)]
        args = decode(call["args"])
        kwargs = decode(call["kwargs"])
        for pos, (k, earlier_pos) in call["aliases"].items():
            if pos.isdigit():
                args[int(pos)] = self.args[k][earlier_pos]
            else:
                kwargs[pos] = self.args[k][earlier_pos]
        self.args.append({**{str(i): a for i, a in enumerate(args)}, **kwargs})
        try:
            with np.errstate(all="ignore"):
                self.outcomes.append(("ok", checks.call(self.answer, *args, **kwargs)))
        except Exception as exc:  # Pending, Incorrect o un fallo del código del estudiante
            self.outcomes.append(("error", exc))

    def resolve(self, path, expected_shape_of):
        """El valor del estudiante en ese camino; Incorrect si su respuesta no tiene esa estructura."""
        if path["from"] == "sequence":
            return [self.resolve(item, expected_shape_of) for item in path["items"]]
        value = self.answer if path["from"] == "answer" else self.result(path["index"])
        reference = expected_shape_of(path)
        for depth, key in enumerate(path["keys"]):
            try:
                value = value[key]
            except (TypeError, KeyError, IndexError):
                raise checks.Incorrect(
                    f"se esperaba {describe(reference[depth])} y recibí {describe(value)}."
                ) from None
        return value


class ReplayedCheck:
    """La función ``verify`` de un ejercicio de la edición de aula."""

    def __init__(self, data):
        self.data = data

    def _reference_chain(self, path):
        """Los valores de referencia a lo largo de un camino, para los mensajes de estructura."""
        if path["from"] == "answer":
            value = decode(self.data.get("expected_answer"))
        else:
            value = decode(self.data["calls"][path["index"]]["result"])
        chain = [value]
        for key in path["keys"]:
            try:
                value = value[key]
            except (TypeError, KeyError, IndexError):
                value = None
            chain.append(value)
        return chain

    def __call__(self, answer):
        data = self.data
        if data["mode"] != "replay":
            raise checks.Pending(OPAQUE)
        if data["kind"] == "value" and isinstance(answer, dict):
            missing = [repr(k) for k, v in answer.items() if is_placeholder(v)]
            if missing:
                raise checks.Pending(f"todavía falta responder: {', '.join(missing)}.")
        run = _StudentRun(answer, data["calls"])
        self._match_fingerprints(run, answer)
        for step in data["steps"]:
            if step["op"] == "call":
                run.result(step["index"])
                continue
            got = run.resolve(step["got"], self._reference_chain)
            comparator = getattr(checks, step["function"])
            comparator(got, *decode(step["args"]), **decode(step["kwargs"]))
        for k in data["uncovered"]:
            found = difference(run.result(k), decode(data["calls"][k]["result"]))
            if found:
                raise checks.Incorrect(f"en la prueba {k + 1} de {len(data['calls'])}: {found}")
        if "expected_answer" in data:
            found = difference(answer, decode(data["expected_answer"]))
            if found:
                raise checks.Incorrect(found)

    def _match_fingerprints(self, run, answer):
        for outcome in self.data["outcomes"]:
            if self.data["kind"] == "value":
                matched = same(answer, decode(outcome["answer"]), strict=True)
            else:
                matched = True
                for k, expected in enumerate(outcome["results"]):
                    try:
                        got = run.result(k)
                    except Exception:
                        matched = False
                        break
                    if not same(got, decode(expected), strict=True):
                        matched = False
                        break
                if matched and outcome.get("raised"):
                    matched = self._raises_like(run, len(outcome["results"]), outcome["raised"])
            if matched:
                error = checks.Pending if outcome["status"] == checks.PENDING else checks.Incorrect
                raise error(outcome["message"])


    @staticmethod
    def _raises_like(run, k, raised):
        """¿La llamada k de la respuesta lanza la misma excepción que el error típico?"""
        try:
            run.result(k)
        except Exception as exc:
            return type(exc).__name__ == raised["type"] and str(exc) == raised["message"]
        return False


def exercise_from_data(data, namespace=None):
    """Un :class:`course_lib.checks.Exercise` que comprueba con datos grabados y no tiene solución.

    Si ``data["mode"]`` es ``"code"``, la comprobación es la función ``data["check"]`` de
    ``namespace`` (el módulo del capítulo en la edición de aula, que la trae sin la solución).
    """
    verify = namespace[data["check"]] if data["mode"] == "code" else ReplayedCheck(data)
    return checks.Exercise(
        id=data["id"],
        title=data["title"],
        verify=verify,
        solution=Withheld(),
        hint=data["hint"],
    )


def load_chapter(module_name, namespace=None):
    """Los ejercicios de un capítulo de la edición de aula (``EXERCISES`` de ``capNN.py``).

    ``namespace``: las variables del módulo, si trae comprobaciones como código (``mode`` ``"code"``).
    """
    chapter = module_name.rsplit(".", 1)[-1].removeprefix("cap")
    data = json.loads((DATA_DIR / f"cap{chapter}.json").read_text(encoding="utf-8"))
    return [exercise_from_data(item, namespace) for item in data["exercises"]]
