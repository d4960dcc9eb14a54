"""La nota de una tarea, decidida fuera del núcleo del estudiante.

Un núcleo puede cambiar cualquier cosa dentro de sí mismo: la función ``check``, NumPy o la forma
en que IPython muestra un error (y entonces una celda que falla no deja rastro). Por eso la nota
no sale de lo que el núcleo escribe en el cuaderno, sino de dos procesos:

1. :mod:`.ejecutor`, en el **entorno del estudiante** (sin soluciones) y, si se configura, con un
   usuario sin permisos: ejecuta las celdas de la entrega (la preparación y el contexto, del
   profesorado; las respuestas, del estudiante) y, cuando se le pide, llama a la función del
   estudiante y devuelve **solo datos**: números, arrays, textos (:mod:`.codec`);
2. este proceso (el de ``nbgrader autograde``, con la edición completa del curso): ejecuta la
   comprobación de cada ejercicio (``course_lib.checks.check``, la misma de la edición de
   autoestudio) con sus entradas de prueba, que el estudiante no tiene, contra la solución de
   referencia; cada vez que la comprobación llama a la respuesta, la llamada viaja al otro proceso
   (:class:`RemoteFunction`).

Con nbgrader, :class:`CalificarFueraDelNucleo` es un preprocesador de ``nbgrader autograde``: después
de que nbgrader ejecute el cuaderno, **sustituye las salidas de cada celda de comprobación** por el
diagnóstico de este proceso (y un error si no es correcta), que es lo que nbgrader puntúa y lo que
``generate_feedback`` muestra. Cada celda de comprobación lleva, entre ``### BEGIN HIDDEN TESTS`` y
``### END HIDDEN TESTS``, la línea que dice qué se califica::

    # calificar fuera del núcleo: ejercicio 04.2, respuesta gradiente_eam_lineal
"""

import builtins
import inspect
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import time
from pathlib import Path

from .. import checks
from . import aislamiento
from .codec import Unstorable, decode, encode

MARK = re.compile(r"#\s*calificar fuera del núcleo:\s*ejercicio\s+(\d\d\.\d+),\s*respuesta\s+([A-Za-z_]\w*)")
MAX_MESSAGE = 512 * 1024 * 1024


FAILSAFE = ("Esta celda la califica course_lib.classroom.calificacion fuera del núcleo. Si ves este error en la "
            "retroalimentación, nbgrader no ha usado el nbgrader_config.py del curso: revisa su registro.")


def hidden_test(exercise_id, name):
    """Las líneas de pruebas ocultas de una celda de comprobación (lo que lee este módulo).

    Dentro del núcleo, al calificar, lanzan un error a propósito: si por un fallo de configuración
    nbgrader no usara :class:`CalificarFueraDelNucleo`, la celda valdría 0 en vez de lo que el núcleo
    quisiera mostrar. Con la configuración del curso, sus salidas se sustituyen por el veredicto.
    """
    return (f"### BEGIN HIDDEN TESTS\n"
            f"# calificar fuera del núcleo: ejercicio {exercise_id}, respuesta {name}\n"
            f"import os as _os\n"
            f"if _os.environ.get(\"NBGRADER_EXECUTION\") == \"autograde\":\n"
            f"    raise RuntimeError({FAILSAFE!r})\n"
            f"### END HIDDEN TESTS")


class ProcesoTerminado(RuntimeError):
    """El proceso que ejecuta la entrega terminó (``sys.exit``, ``os._exit``, memoria agotada…)."""


class TiempoAgotado(RuntimeError):
    """La entrega no respondió a tiempo (un bucle infinito, un cálculo enorme)."""


class NoSeSabeCalificar(RuntimeError):
    """La comprobación pasa a la respuesta algo que no es un dato: hay que calificar a mano."""


# --- El proceso del estudiante ---------------------------------------------------------------------

class Runner:
    """El proceso de :mod:`.ejecutor` de una entrega: lo arranca, le habla y lo para."""

    def __init__(self, python, cells, user="", cell_timeout=300, call_timeout=60, extra_env=None):
        self.python = str(python)
        self.cells = list(cells)
        self.owner = aislamiento.account(user)
        self.cell_timeout = cell_timeout
        self.call_timeout = call_timeout
        from .entorno import variables

        self.extra_env = {**variables(python), **(extra_env or {})}
        self.process = None
        self.cell_errors = []
        self._buffer = b""

    def start(self):
        home = aislamiento.private_directory(self.owner)
        self.home = home
        self.process = subprocess.Popen(
            [self.python, "-m", "course_lib.classroom.ejecutor"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=home, env=aislamiento.minimal_environment(home, self.extra_env),
            start_new_session=True, **aislamiento.popen_arguments(self.owner))
        reply = self._exchange({"celdas": self.cells, "directorio": str(home)}, self.cell_timeout)
        if not reply.get("listo"):
            raise ProcesoTerminado(f"el proceso de calificación no arrancó: {reply}")
        self.cell_errors = reply["errores"]
        return self

    def request(self, message, timeout=None):
        if self.process is None or self.process.poll() is not None:
            raise ProcesoTerminado("el proceso que ejecuta tu código terminó antes de tiempo "
                                   "(¿sys.exit, os._exit o memoria agotada?)")
        return self._exchange(message, timeout or self.call_timeout)

    def _exchange(self, message, timeout):
        try:
            self.process.stdin.write((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            raise ProcesoTerminado("el proceso que ejecuta tu código terminó antes de tiempo "
                                   "(¿sys.exit, os._exit o memoria agotada?)") from None
        line = self._readline(timeout)
        try:
            return json.loads(line)
        except ValueError:
            self.stop()
            raise ProcesoTerminado("el proceso que ejecuta tu código respondió algo que no es un dato") from None

    def _readline(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.stop()
                    raise TiempoAgotado(f"tu código no terminó en {timeout:.0f} s (¿un bucle que no acaba?)")
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    self.stop()
                    raise ProcesoTerminado("el proceso que ejecuta tu código terminó antes de tiempo "
                                           "(¿sys.exit, os._exit o memoria agotada?)")
                self._buffer += chunk
                if len(self._buffer) > MAX_MESSAGE:
                    self.stop()
                    raise ProcesoTerminado("tu código devolvió una respuesta demasiado grande")
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8")

    def stop(self):
        """Para el proceso y todo lo que haya arrancado (su grupo de procesos)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.process.stdin.write(b'{"op": "fin"}\n')
                self.process.stdin.flush()
                self.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.process = None
        shutil.rmtree(self.home, ignore_errors=True)  # su carpeta temporal, con lo que haya dejado


# --- La respuesta del estudiante, vista desde aquí ----------------------------------------------------

def _rebuilt_exception(info):
    """Una excepción de aquí con el tipo (nombre) y el mensaje de la que lanzó el código del estudiante."""
    base = getattr(builtins, info.get("base", "Exception"), Exception)
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception
    message = str(info.get("mensaje", ""))
    cls = type(str(info.get("tipo", "Exception")), (base,), {"__str__": lambda self: message})
    return cls(message)


def opaque(type_name):
    """Un objeto que no es un dato: solo se sabe el nombre de su tipo (como lo ve la comprobación)."""
    return type(type_name, (), {"__repr__": lambda self: f"<{type_name}>"})()


def _write_back(original, after):
    """Aplica en su sitio a ``original`` los cambios que la función del estudiante hizo en su copia."""
    import numpy as np

    if after is None:
        return
    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if after.shape == original.shape:
            original[...] = after
    elif isinstance(original, dict) and isinstance(after, dict):
        original.clear()
        original.update(after)
    elif isinstance(original, list) and isinstance(after, list):
        original[:] = after


def _raise_forbidden(tool):
    """El mismo diagnóstico que ``course_lib.checks`` da a quien usa una herramienta prohibida."""
    watch = getattr(checks, "_ForbiddenWatch", None)
    if watch is not None:
        found = watch({})
        found.used = str(tool)
        found.raise_if_used()
    raise checks.Incorrect(f"tu función usa {tool}, que el ejercicio pide no usar.")


class RemoteFunction:
    """La función del estudiante: cada llamada se hace en el proceso de :mod:`.ejecutor`."""

    def __init__(self, runner, name, type_name="function", parameters=None, forbidden=()):
        self.runner, self.name, self.type_name = runner, name, type_name
        self.forbidden = list(forbidden or ())
        self.__name__ = name
        if parameters:  # la firma de la función del estudiante: los mensajes nombran sus parámetros
            self.__signature__ = inspect.Signature([
                inspect.Parameter(str(p), getattr(inspect.Parameter, str(kind), inspect.Parameter.POSITIONAL_OR_KEYWORD))
                for p, kind in parameters])

    def __call__(self, *args, **kwargs):
        try:
            message = {"op": "llamar", "nombre": self.name, "args": encode(list(args)), "kwargs": encode(kwargs),
                       "prohibidas": self.forbidden}
        except Unstorable as exc:
            raise NoSeSabeCalificar(f"la comprobación pasa a la respuesta {exc}, que no es un dato") from None
        reply = self.runner.request(message)
        if "excepcion" in reply:
            raise _rebuilt_exception(reply["excepcion"])
        if "prohibida" in reply:
            _raise_forbidden(reply["prohibida"])
        if "no_transferible" in reply:
            return opaque(reply["no_transferible"])
        if "error" in reply:
            raise ProcesoTerminado(f"el proceso de calificación falló: {reply['error']}")
        for position, after in (decode(reply.get("args_despues")) or {}).items():
            _write_back(args[int(position)], after)
        for key, after in (decode(reply.get("kwargs_despues")) or {}).items():
            _write_back(kwargs[key], after)
        return decode(reply["resultado"])

    def __repr__(self):
        return f"<función {self.name}>"


def remote_answer(runner, name, forbidden=()):
    """La respuesta ``name`` de la entrega: una :class:`RemoteFunction`, un valor o None si no existe."""
    info = runner.request({"op": "describir", "nombre": name})
    if not info.get("existe"):
        return _MISSING
    if info["invocable"]:
        kind = info.get("tipo", "function")
        try:
            return RemoteFunction(runner, name, kind, info.get("parametros"), forbidden)
        except (TypeError, ValueError):  # una firma que no se puede reconstruir: sin ella
            return RemoteFunction(runner, name, kind, None, forbidden)
    reply = runner.request({"op": "valor", "nombre": name})
    if "no_transferible" in reply:
        return opaque(reply["no_transferible"])
    return decode(reply["valor"])


_MISSING = object()


def grade_answer(runner, exercise_id, name):
    """El :class:`course_lib.checks.Feedback` de la respuesta ``name`` al ejercicio ``exercise_id``."""
    forbidden = getattr(checks.get_exercise(exercise_id), "forbidden", ())
    try:
        answer = remote_answer(runner, name, forbidden)
    except (ProcesoTerminado, TiempoAgotado) as exc:
        return checks.Feedback(exercise_id, checks.INCORRECT, str(exc))
    if answer is _MISSING:
        return checks.Feedback(exercise_id, checks.INCORRECT,
                               f"no encuentro «{name}» en tu cuaderno: ¿borraste o renombraste su definición, "
                               "o falló la celda donde la escribiste?")
    try:
        return checks.check(exercise_id, answer)
    except NoSeSabeCalificar as exc:  # un fallo de la herramienta, no del estudiante
        return checks.Feedback(exercise_id, checks.INCORRECT, f"no se pudo calificar automáticamente ({exc}): "
                                                              "tu profesor o profesora lo revisará a mano.")


# --- El cuaderno ----------------------------------------------------------------------------------------

def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_cells(notebook):
    """Índice → (ejercicio, respuesta) de cada celda de comprobación que se califica fuera del núcleo."""
    found = {}
    for index, cell in enumerate(notebook["cells"]):
        meta = _meta(cell)
        if cell["cell_type"] == "code" and meta.get("grade") and not meta.get("solution"):
            match = MARK.search(_source(cell))
            if match:
                found[index] = match.groups()
    return found


def _source(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def answer_cells(notebook, graded):
    """Las celdas de código que se ejecutan para obtener las respuestas: todas menos las de comprobación."""
    return [_source(cell) for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code" and index not in graded and not _meta(cell).get("grade")]


def grade_notebook(notebook, python, user="", cell_timeout=300, call_timeout=60, extra_env=None):
    """Índice de celda → Feedback de cada celda de comprobación del cuaderno (ya con las celdas del profesorado)."""
    graded = graded_cells(notebook)
    if not graded:
        return {}
    runner = Runner(python, answer_cells(notebook, graded), user, cell_timeout, call_timeout, extra_env)
    results = {}
    try:
        try:
            runner.start()
        except (ProcesoTerminado, TiempoAgotado) as exc:
            failure = str(exc)
            return {index: checks.Feedback(ex_id, checks.INCORRECT, failure) for index, (ex_id, _) in graded.items()}
        for index, (exercise_id, name) in graded.items():
            if runner.process is None:  # murió con la respuesta anterior: otra vez desde el principio
                runner = Runner(python, runner.cells, user, cell_timeout, call_timeout, extra_env)
                try:
                    runner.start()
                except (ProcesoTerminado, TiempoAgotado) as exc:
                    results[index] = checks.Feedback(exercise_id, checks.INCORRECT, str(exc))
                    continue
            results[index] = grade_answer(runner, exercise_id, name)
    finally:
        runner.stop()
    return results


def feedback_outputs(feedback):
    """Las salidas de la celda de comprobación: el diagnóstico y, si no es correcta, un error (0 puntos)."""
    outputs = [{"output_type": "display_data", "metadata": {},
                "data": {"text/html": feedback._repr_html_(), "text/plain": repr(feedback)}}]
    if not feedback.passed:
        outputs.append({"output_type": "error", "ename": "EjercicioNoSuperado",
                        "evalue": f"Ejercicio {feedback.exercise_id} — {feedback.status}: {feedback.message}",
                        "traceback": [f"Calificado fuera de tu núcleo: ejercicio {feedback.exercise_id} — "
                                      f"{feedback.status}: {feedback.message}"]})
    return outputs


# --- nbgrader ------------------------------------------------------------------------------------

def _preprocessor_base():
    from nbgrader.preprocessors import NbGraderPreprocessor

    return NbGraderPreprocessor


try:
    from traitlets import Float, Unicode

    _Base = _preprocessor_base()
except ImportError:  # sin nbgrader (la edición de aula no lo usa)
    _Base = None

if _Base is not None:
    class CalificarFueraDelNucleo(_Base):
        """Preprocesador de ``nbgrader autograde``: la nota de cada celda de comprobación, decidida fuera."""

        python = Unicode(
            "", help="El Python del entorno del estudiante (solo la edición de aula) que ejecuta las respuestas."
        ).tag(config=True)
        usuario = Unicode(
            "", help="Usuario del sistema sin permisos con el que se ejecutan (hay que calificar como root)."
        ).tag(config=True)
        tiempo_celdas = Float(300, help="Segundos para ejecutar las celdas de la entrega.").tag(config=True)
        tiempo_llamada = Float(60, help="Segundos para cada llamada a una función del estudiante.").tag(config=True)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Las referencias, importadas antes de que se ejecute el código de ninguna entrega.
            _load_all_exercises()

        def preprocess(self, nb, resources):
            python = self.python or os.environ.get("CURSO_PYTHON_ESTUDIANTE", "")
            if not python or not Path(python).exists():
                raise RuntimeError(
                    "Falta el entorno del estudiante para calificar (c.CalificarFueraDelNucleo.python o "
                    f"CURSO_PYTHON_ESTUDIANTE; ahora: {python!r}). Créalo con make entorno-estudiante.")
            verdicts = grade_notebook(nb, python, self.usuario, self.tiempo_celdas, self.tiempo_llamada)
            for index, feedback in verdicts.items():
                cell = nb.cells[index]
                # Lo que decía el núcleo queda anotado (para quien revise), pero no cuenta.
                cell.metadata["calificacion_fuera"] = {"estado": feedback.status,
                                                       "nucleo_con_error": _shows_error(cell.outputs),
                                                       "nucleo_decia": _plain_text(cell.outputs)[:500]}
                cell.outputs = [_node(o) for o in feedback_outputs(feedback)]
                self.log.info("Ejercicio %s: %s", feedback.exercise_id, feedback.status)
            return nb, resources

    def _node(output):
        from nbformat import from_dict

        return from_dict(output)


def _shows_error(outputs):
    """¿Hay en las salidas del núcleo algo que nbgrader puntuaría con 0 (un error o texto en stderr)?"""
    return any(o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
               for o in outputs)


def _plain_text(outputs):
    """El texto de las salidas del núcleo (lo que vio quien ejecutó la celda)."""
    parts = []
    for output in outputs:
        text = output.get("text") or output.get("data", {}).get("text/plain") or output.get("evalue") or ""
        parts.append("".join(text) if isinstance(text, list) else str(text))
    return "\n".join(parts)


def _load_all_exercises():
    """Importa ya todos los ejercicios (las referencias): antes de que se ejecute ningún código de una entrega."""
    from ..exercises import all_exercises

    all_exercises()
