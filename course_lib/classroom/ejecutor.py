"""Ejecuta las respuestas de una entrega en un proceso aparte y solo devuelve datos.

Es la mitad no fiable de la calificación (la otra es :mod:`.calificacion`). Se arranca con el
Python del **entorno del estudiante** (la edición de aula: sin soluciones) y, si se configura,
con un usuario del sistema sin permisos (``calificador``)::

    python -m course_lib.classroom.ejecutor

Protocolo: una línea JSON por mensaje, por la entrada y la salida estándar originales (el código
del estudiante escribe en /dev/null). El primer mensaje trae las celdas de código de la entrega,
en orden (la preparación y el contexto del profesorado, las respuestas del estudiante; nunca las
celdas de comprobación), y este proceso las ejecuta como lo haría un núcleo de IPython. Después
atiende peticiones:

- ``{"op": "describir", "nombre": n}``: si existe y si es una función;
- ``{"op": "valor", "nombre": n}``: su valor, como datos (:mod:`.codec`);
- ``{"op": "llamar", "nombre": n, "args": …, "kwargs": …}``: llama a la función con esos
  argumentos y devuelve el resultado, el estado de los argumentos después de la llamada (por si
  la función los cambió en su sitio) o la excepción que lanzó (tipo y mensaje).

No decide nada: el código del estudiante puede cambiar lo que quiera de este proceso, pero lo único
que sale de aquí son los resultados de su función con entradas que no ha visto, y la comparación
con la referencia la hace otro proceso.
"""

import contextlib
import json
import os
import sys
import traceback

from .codec import Unstorable, decode, encode

_MUTABLE = (list, dict)


def _channels():
    """Entrada y salida del protocolo; el código del estudiante lee y escribe en /dev/null."""
    protocol_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(null, fd)
    os.close(null)
    return protocol_in, protocol_out


def _shell():
    """Un intérprete de IPython (sin núcleo): entiende ``%matplotlib inline`` y las demás magias."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # sin base de datos del historial en disco
    shell = InteractiveShell.instance(config=config)
    shell.user_ns.setdefault("display", __import__("IPython.display", fromlist=["display"]).display)
    return shell


def _run_cells(shell, cells):
    """Ejecuta las celdas en orden; un error no para las siguientes (como nbgrader). Devuelve los errores."""
    errors = []
    for index, source in enumerate(cells):
        result = shell.run_cell(source, store_history=False)
        failure = result.error_before_exec or result.error_in_exec
        if failure is not None:
            errors.append({"celda": index, "error": f"{type(failure).__name__}: {failure}"})
    return errors


def _is_mutable(value):
    import numpy as np

    return isinstance(value, (*_MUTABLE, np.ndarray))


def _forbidden_watch(paths):
    """La vigilancia de las herramientas que el ejercicio prohíbe (``course_lib.checks``), si las hay.

    Es la misma de la edición de autoestudio, aquí porque la función del estudiante corre aquí. Quien
    la desactive a propósito solo se salta una regla del enunciado: la nota sigue exigiendo el
    resultado correcto con entradas que no ha visto.
    """
    if not paths:
        return None
    from course_lib import checks

    if not hasattr(checks, "_ForbiddenWatch"):
        return None
    return checks._ForbiddenWatch(checks._resolve_forbidden(paths))


def _parameters(value):
    """Nombre y tipo de cada parámetro de una función (para que los mensajes la nombren igual), o None."""
    import inspect

    if not callable(value):
        return None
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name] for p in signature.parameters.values()]


def _exception(exc):
    return {"excepcion": {"tipo": type(exc).__name__, "mensaje": str(exc),
                          "base": next((c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"),
                                       "Exception")}}


def _answer(shell, request):
    name = request.get("nombre")
    if not isinstance(name, str) or name not in shell.user_ns:
        return {"existe": False}
    value = shell.user_ns[name]
    op = request["op"]
    if op == "describir":
        return {"existe": True, "invocable": callable(value), "tipo": type(value).__name__,
                "parametros": _parameters(value)}
    if op == "valor":
        return _encoded({"valor": value})
    if op == "llamar":
        args = decode(request["args"])
        kwargs = decode(request["kwargs"])
        watch = _forbidden_watch(request.get("prohibidas"))
        try:
            with watch or contextlib.nullcontext():
                result = value(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 — también SystemExit o KeyboardInterrupt del estudiante
            return _exception(exc)
        if watch is not None and watch.used is not None:
            return {"prohibida": watch.used}
        after_args = {str(i): a for i, a in enumerate(args) if _is_mutable(a)}
        after_kwargs = {k: v for k, v in kwargs.items() if _is_mutable(v)}
        return _encoded({"resultado": result, "args_despues": after_args, "kwargs_despues": after_kwargs})
    return {"error": f"operación desconocida: {op!r}"}


def _encoded(fields):
    """Los campos codificados como datos; si el resultado no es un dato, solo su tipo."""
    out = {}
    for key, value in fields.items():
        try:
            out[key] = encode(value)
        except Unstorable as exc:
            if key in ("resultado", "valor"):
                return {"no_transferible": type(value).__name__, "motivo": str(exc)}
            out[key] = None  # un argumento que ya no se puede enviar: no se devuelve su estado
    return out


def serve(protocol_in, protocol_out):
    """Ejecuta las celdas del primer mensaje y atiende peticiones hasta ``{"op": "fin"}``."""
    def send(message):
        protocol_out.write(json.dumps(message, ensure_ascii=False, allow_nan=True) + "\n")
        protocol_out.flush()

    first = json.loads(protocol_in.readline())
    if first.get("directorio"):
        os.chdir(first["directorio"])
    shell = _shell()
    send({"listo": True, "errores": _run_cells(shell, first["celdas"])})
    for line in protocol_in:
        request = json.loads(line)
        if request.get("op") == "fin":
            break
        try:
            send(_answer(shell, request))
        except Exception as exc:  # noqa: BLE001 — un fallo de este proceso, no del estudiante
            send({"error": "".join(traceback.format_exception_only(type(exc), exc)).strip()})


def main():
    protocol_in, protocol_out = _channels()
    serve(protocol_in, protocol_out)
    protocol_out.close()
    sys.stdout.flush()
    os._exit(0)  # sin esperar a hilos que el estudiante haya dejado abiertos


if __name__ == "__main__":
    main()
