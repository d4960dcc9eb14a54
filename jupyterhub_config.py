"""JupyterHub para una clase del curso en esta máquina (``make hub``; ver docs/despliegue.md).

Cada estudiante entra con su usuario, JupyterHub le arranca un servidor de Jupyter propio con el
**entorno del estudiante** (un Python con la edición de aula: sin soluciones) y su primera página
es un enlace de nbgitpuller que copia el curso en ``~/curso`` (o trae las novedades sin pisar lo que
el estudiante cambió) y abre el capítulo 00. JupyterLab sale en español, con los ajustes del curso y
sin el aviso de noticias; las extensiones de nbgrader para corregir y crear tareas, solo para el
profesorado.

Variables de entorno (todas opcionales):

- ``CURSO_HUB_MODO``: ``prueba`` (por defecto) o ``sistema``.
  * ``prueba``: cualquier nombre entra con la contraseña ``CURSO_HUB_CLAVE``; los servidores corren
    con el usuario que arrancó el hub, cada uno en ``<CURSO_HUB_DIR>/homes/<nombre>`` (0700).
    Sirve para probar y medir; NO aísla a unos estudiantes de otros.
  * ``sistema``: un usuario del sistema por estudiante, con su contraseña (PAM); solo entran los
    miembros de los grupos de la clase. Su servidor corre con SU usuario y en SU carpeta personal,
    que debe ser 0700: el núcleo de Linux impide que un estudiante lea el trabajo de otro. Necesita
    arrancar el hub como root, y un entorno del estudiante que no sea el del hub. La contraseña
    común no se admite en este modo.
- ``CURSO_HUB_GRUPO``: el grupo del sistema de los estudiantes (``curso``).
- ``CURSO_HUB_DOCENTES``: el grupo del profesorado (``curso-docentes``): entran, administran el hub
  y tienen las extensiones de nbgrader para corregir.
- ``CURSO_HUB_CLAVE``: contraseña común del modo ``prueba``.
- ``CURSO_HUB_PUERTO``: puerto en 127.0.0.1 (8000).
- ``CURSO_HUB_DIR``: estado del hub: base de datos, secreto de las cookies, carpetas (``.hub``).
- ``CURSO_AULA``: la edición de aula (``build/aula``, la que escribe ``make aula``).
- ``CURSO_HUB_REPO``: repositorio git que reparte nbgitpuller (por defecto, ``CURSO_AULA``).
- ``CURSO_HUB_PYTHON``: el Python del entorno del estudiante (``build/entorno-estudiante``).
- ``CURSO_HUB_PYTHON_DOCENTE``: el Python con que arrancan los servidores del profesorado (por defecto,
  el del estudiante). Para calificar desde Formgrader hace falta el entorno del profesorado (la
  edición completa), que la profesora pueda ejecutar.
- ``CURSO_HUB_TOKEN``: ficha de la API para el servicio ``banco-de-pruebas`` (benchmarks/clase.py).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlencode

c = get_config()  # noqa: F821  (JupyterHub define get_config al leer este fichero)

REPO_ROOT = Path(__file__).resolve().parent
STATE = Path(os.environ.get("CURSO_HUB_DIR", REPO_ROOT / ".hub")).resolve()
MODE = os.environ.get("CURSO_HUB_MODO", "prueba")
PASSWORD = os.environ.get("CURSO_HUB_CLAVE", "")
STUDENTS = os.environ.get("CURSO_HUB_GRUPO", "curso")
TEACHERS = os.environ.get("CURSO_HUB_DOCENTES", "curso-docentes")
AULA = Path(os.environ.get("CURSO_AULA", REPO_ROOT / "build" / "aula")).resolve()
COURSE_REPO = os.environ.get("CURSO_HUB_REPO", str(AULA))
STUDENT_PYTHON = os.environ.get("CURSO_HUB_PYTHON", str(REPO_ROOT / "build" / "entorno-estudiante" / "bin" / "python"))
STATE.mkdir(parents=True, exist_ok=True)


class ConfiguracionInsegura(SystemExit):
    """Una configuración que dejaría entrar a quien no es de la clase, o leer las soluciones."""


if MODE not in ("prueba", "sistema"):
    raise ConfiguracionInsegura(f"CURSO_HUB_MODO debe ser «prueba» o «sistema»; recibí {MODE!r}.")
if MODE == "sistema" and PASSWORD:
    raise ConfiguracionInsegura(
        "En el modo sistema no se admite la contraseña común (CURSO_HUB_CLAVE): dejaría entrar a "
        "cualquier cuenta de la máquina. Cada estudiante entra con su usuario y su contraseña, y solo "
        f"los de los grupos «{STUDENTS}» y «{TEACHERS}». Quita CURSO_HUB_CLAVE.")
if not Path(STUDENT_PYTHON).exists():
    if MODE == "sistema":
        raise ConfiguracionInsegura(
            f"Falta el entorno del estudiante ({STUDENT_PYTHON}): créalo con make entorno-estudiante o "
            "indica CURSO_HUB_PYTHON. En el modo sistema los estudiantes no usan el entorno del hub, que "
            "tiene la edición completa del curso (con las soluciones).")
    STUDENT_PYTHON = ""  # modo prueba sin entorno del estudiante: el del hub, con la edición de aula delante
elif MODE == "sistema" and Path(STUDENT_PYTHON).resolve().parent == Path(sys.executable).resolve().parent:
    raise ConfiguracionInsegura("CURSO_HUB_PYTHON es el Python del hub, que tiene la edición completa del curso "
                                "(con las soluciones): usa el entorno del estudiante (make entorno-estudiante).")

# --- Red, estado y proxy -----------------------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("CURSO_HUB_PUERTO", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
_proxy = REPO_ROOT / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"  # make hub lo instala (npm)
if _proxy.exists():
    c.ConfigurableHTTPProxy.command = [str(_proxy)]
# Páginas del hub en español (entrar, servidor detenido).
c.JupyterHub.template_paths = [str(REPO_ROOT / "jupyterhub_plantillas")]
# Al parar el hub se paran también los servidores de los estudiantes y el proxy.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- Quién entra -------------------------------------------------------------------------------
if MODE == "prueba":
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = PASSWORD or "curso-de-prueba"
    c.Authenticator.allow_all = True
    c.Authenticator.admin_users = {"profesora"}
else:
    # Usuarios del sistema con su contraseña; solo entran los de la clase y su profesorado.
    c.JupyterHub.authenticator_class = "pam"
    c.Authenticator.allow_all = False
    c.PAMAuthenticator.allowed_groups = {STUDENTS, TEACHERS}
    c.PAMAuthenticator.admin_groups = {TEACHERS}
    c.PAMAuthenticator.open_sessions = False

# --- El servidor de cada estudiante ------------------------------------------------------------
c.Spawner.cmd = [STUDENT_PYTHON or sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/git-pull?" + urlencode({
    "repo": COURSE_REPO,
    "branch": "main",
    "targetpath": "curso",
    "urlpath": "lab/tree/curso/notebooks/00_introduccion.ipynb",
})
c.Spawner.environment = {
    "OPENBLAS_NUM_THREADS": "1",      # un hilo de BLAS por núcleo: muchos estudiantes, pocos núcleos
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PATH": f"{Path(STUDENT_PYTHON or sys.executable).parent}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
}
if STUDENT_PYTHON:
    from course_lib.classroom.entorno import variables

    c.Spawner.environment.update(variables(STUDENT_PYTHON))  # p. ej. LD_LIBRARY_PATH de un Python copiado
else:
    c.Spawner.environment["PYTHONPATH"] = str(AULA)  # solo en el modo prueba: la edición de aula delante

# git no deja clonar un repositorio de otro usuario («dubious ownership»): para el del curso, sí.
# La configuración global de git del estudiante la incluye (y sigue valiendo la suya, ~/.gitconfig).
if Path(COURSE_REPO, ".git").is_dir():
    _gitconfig = Path(COURSE_REPO, ".git", "curso-estudiantes.gitconfig")
    _gitconfig.write_text(f"[include]\n\tpath = ~/.gitconfig\n[safe]\n\tdirectory = {Path(COURSE_REPO, '.git')}\n",
                          encoding="utf-8")
    _gitconfig.chmod(0o644)
    c.Spawner.environment["GIT_CONFIG_GLOBAL"] = str(_gitconfig)

c.Spawner.args = [
    # Disco lleno: un mensaje en español que dice qué se ha guardado y qué hacer.
    "--ServerApp.contents_manager_class=course_lib.classroom.contents.CourseContentsManager",
    # JupyterLab del curso: en español, sus ajustes, sin noticias ni avisos de versiones nuevas.
    f"--LabApp.app_settings_dir={AULA / 'jupyter' / 'ajustes'}",
    "--LabApp.news_url=",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
c.Spawner.start_timeout = 120
c.Spawner.poll_interval = 10  # el hub nota en segundos que un servidor ha muerto
c.Spawner.http_timeout = 120


TEACHER_PYTHON = os.environ.get("CURSO_HUB_PYTHON_DOCENTE", "")


def _by_role(spawner):
    """Antes de arrancar un servidor: sin las extensiones de nbgrader del profesorado si no es docente;
    con el entorno del profesorado si es docente y se ha indicado (CURSO_HUB_PYTHON_DOCENTE)."""
    environment = dict(spawner.environment)
    if not spawner.user.admin:
        environment["JUPYTER_CONFIG_PATH"] = str(AULA / "jupyter" / "estudiante")
    elif TEACHER_PYTHON:
        spawner.cmd = [TEACHER_PYTHON, "-m", "jupyterhub.singleuser"]
        environment["PATH"] = f"{Path(TEACHER_PYTHON).parent}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
    spawner.environment = environment


if MODE == "sistema":
    c.JupyterHub.spawner_class = "localprocess"  # el servidor corre con el usuario del estudiante
    c.Spawner.notebook_dir = "~"
    c.Spawner.pre_spawn_hook = _by_role
else:
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")

    def _private_home_by_role(spawner):
        """La carpeta del estudiante, solo para su dueño (0700), antes de arrancar su servidor."""
        home = Path(spawner.home_dir)
        home.mkdir(parents=True, exist_ok=True)
        home.chmod(0o700)
        _by_role(spawner)

    c.Spawner.pre_spawn_hook = _private_home_by_role
    if os.geteuid() == 0:  # en un contenedor de pruebas: el servidor corre como root
        c.Spawner.args.append("--allow-root")

# --- Servicio para medir la clase (benchmarks/clase.py) ------------------------------------------
_token = os.environ.get("CURSO_HUB_TOKEN")
if _token:
    c.JupyterHub.services = [{"name": "banco-de-pruebas", "api_token": _token}]
    c.JupyterHub.load_roles = [{
        "name": "banco-de-pruebas",
        "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users", "tokens"],
        "services": ["banco-de-pruebas"],
    }]
