"""Ejecutar el código de una entrega lejos de lo que protege la nota.

Al calificar, el código del estudiante se ejecuta dos veces: en el núcleo de nbgrader (para la
retroalimentación, celda a celda) y en el proceso de :mod:`.ejecutor` (para la nota). Las dos veces:

- con el **entorno del estudiante** (su Python, con la edición de aula: sin soluciones, sin el
  repositorio del profesorado);
- si se configura un **usuario del sistema sin permisos** (``calificador``) y se califica como
  root (``sudo -E nbgrader autograde capNN``), con ese usuario, en una carpeta temporal suya y con
  un entorno de variables mínimo: no puede leer la carpeta del curso (las fuentes con las soluciones,
  ``gradebook.db``) ni escribir en ella, ni tocar el entorno del profesorado.

El núcleo de nbgrader se arranca con un *kernelspec* cuyo primer paso es este módulo::

    python -m course_lib.classroom.aislamiento nucleo --python PY_ESTUDIANTE [--usuario U] FICHERO_DE_CONEXIÓN
"""

import argparse
import json
import os
import pwd
import shutil
import sys
import tempfile
from pathlib import Path

# Variables que pasan al código del estudiante; el resto (rutas del profesorado, fichas…) no.
KEPT_VARIABLES = ("LANG", "LC_ALL", "TZ", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                  "KERAS_BACKEND", "PYDEVD_DISABLE_FILE_VALIDATION", "NBGRADER_EXECUTION", "LD_LIBRARY_PATH",
                  "JPY_PARENT_PID", "JPY_SESSION_NAME")


class SinPermiso(RuntimeError):
    """Se pidió un usuario aislado, pero este proceso no puede cambiar de usuario."""


def account(user):
    """(uid, gid, nombre) del usuario aislado, o None si no se pidió ninguno."""
    if not user:
        return None
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        raise SinPermiso(f"no existe el usuario del sistema «{user}» para calificar; créalo "
                         f"(useradd --system --no-create-home {user}) o no lo configures.") from None
    if os.geteuid() != 0:
        raise SinPermiso(f"para ejecutar las entregas con el usuario «{user}» hay que calificar como root "
                         "(sudo -E nbgrader autograde …); si no, quita el usuario de la configuración y las "
                         "entregas se ejecutarán con tu usuario.")
    return entry.pw_uid, entry.pw_gid, user


def private_directory(owner, prefix="calificacion-", parent=None):
    """Una carpeta temporal nueva (0700) del usuario aislado (o de quien califica, si no hay)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    if owner is not None:
        os.chown(path, owner[0], owner[1])
    return path


def minimal_environment(home, extra=None):
    """Las variables con las que corre el código del estudiante."""
    env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    env.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "MPLCONFIGDIR": str(home),
                "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    env.setdefault("LANG", "C.UTF-8")
    env.update(extra or {})
    return env


def popen_arguments(owner):
    """Argumentos de ``subprocess.Popen`` para arrancar un proceso con el usuario aislado."""
    if owner is None:
        return {}
    return {"user": owner[0], "group": owner[1], "extra_groups": []}


def drop_privileges(owner):
    """Este proceso pasa a ser el usuario aislado, sin grupos adicionales (no hay vuelta atrás)."""
    os.setgroups([])
    os.setgid(owner[1])
    os.setuid(owner[0])


def can_read(owner, path):
    """¿Puede el usuario aislado leer ``path``? (se comprueba en un proceso hijo con su usuario)."""
    if owner is None:
        return os.access(path, os.R_OK)
    pid = os.fork()
    if pid == 0:  # el hijo cambia de usuario y prueba; el padre solo espera su respuesta
        try:
            drop_privileges(owner)
            os._exit(0 if os.access(path, os.R_OK) else 1)
        except BaseException:  # noqa: BLE001
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def start_kernel(python, user, connection_file, extra=()):
    """Arranca ipykernel con el Python del estudiante (y su usuario aislado); no vuelve."""
    from .entorno import variables

    owner = account(user)
    command = [python, "-m", "ipykernel_launcher", "-f"]
    # Dentro de CURSO_NUCLEOS si existe: la carpeta que el nbgrader_config.py del curso borra al terminar
    # (este proceso se convierte en el núcleo con exec y no puede borrar la suya).
    home = private_directory(owner, prefix="nucleo-", parent=os.environ.get("CURSO_NUCLEOS") or None)
    if owner is None:  # con el usuario de quien califica, pero sin sus variables (PYTHONPATH, VIRTUAL_ENV…)
        os.execve(python, command + [connection_file, *extra], minimal_environment(home, variables(python)))
    copy = home / "conexion.json"
    copy.write_text(Path(connection_file).read_text(encoding="utf-8"), encoding="utf-8")
    os.chown(copy, owner[0], owner[1])
    copy.chmod(0o600)
    os.chdir(home)
    env = minimal_environment(home, variables(python))
    drop_privileges(owner)
    os.execve(python, command + [str(copy), *extra], env)


def kernelspec(python, user, teacher_python=None):
    """El ``kernel.json`` del núcleo con que nbgrader ejecuta las entregas."""
    argv = [teacher_python or sys.executable, "-m", "course_lib.classroom.aislamiento", "nucleo",
            "--python", str(python)]
    if user:
        argv += ["--usuario", user]
    return {"argv": argv + ["{connection_file}"], "display_name": "Python 3 (entorno del estudiante)",
            "language": "python", "metadata": {"debugger": False}}


def write_kernelspec(directory, python, user, name="curso-estudiante"):
    """Escribe el kernelspec en ``directory/name/kernel.json`` y devuelve ``directory``."""
    target = Path(directory) / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    (target / "kernel.json").write_text(json.dumps(kernelspec(python, user), indent=1), encoding="utf-8")
    return Path(directory)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Arranca el núcleo de calificación en el entorno del estudiante.")
    sub = parser.add_subparsers(dest="orden", required=True)
    kernel = sub.add_parser("nucleo")
    kernel.add_argument("--python", required=True)
    kernel.add_argument("--usuario", default="")
    kernel.add_argument("connection_file")
    args, extra = parser.parse_known_args(argv)  # lo que añada nbgrader (p. ej. --HistoryManager…) va a ipykernel
    try:
        start_kernel(args.python, args.usuario, args.connection_file, extra)
    except SinPermiso as exc:
        sys.exit(f"No se puede arrancar el núcleo de calificación: {exc}")


if __name__ == "__main__":
    main()
