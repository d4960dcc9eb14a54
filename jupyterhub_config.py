"""JupyterHub para una clase del curso en esta máquina (``make hub``; ver docs/despliegue.md).

Cada estudiante entra con su nombre, JupyterHub le arranca un servidor de Jupyter propio con el
entorno del curso (el Python que ejecuta este hub, con la edición de aula de ``course_lib``) y su
primera página es un enlace de nbgitpuller que copia el curso en ``~/curso`` (o trae las novedades
sin pisar lo que el estudiante cambió) y abre el capítulo 00.

Variables de entorno (todas opcionales):

- ``CURSO_HUB_MODO``: ``prueba`` (por defecto) o ``sistema``.
  * ``prueba``: cualquier nombre entra con la contraseña ``CURSO_HUB_CLAVE``; los servidores corren
    con el usuario que arrancó el hub, cada uno en ``<CURSO_HUB_DIR>/homes/<nombre>`` (0700).
    Sirve para probar y medir; NO aísla a unos estudiantes de otros.
  * ``sistema``: un usuario del sistema por estudiante (PAM, o ``CURSO_HUB_CLAVE`` para pruebas);
    su servidor corre con SU usuario y en SU carpeta personal, que debe ser 0700: el núcleo de
    Linux impide que un estudiante lea el trabajo de otro. Necesita arrancar el hub como root.
- ``CURSO_HUB_GRUPO``: con PAM, el grupo del sistema cuyos miembros pueden entrar (``curso``).
- ``CURSO_HUB_CLAVE``: contraseña común (solo para pruebas; en una clase real, PAM u OAuth).
- ``CURSO_HUB_PUERTO``: puerto en 127.0.0.1 (8000).
- ``CURSO_HUB_DIR``: estado del hub: base de datos, secreto de las cookies, carpetas (``.hub``).
- ``CURSO_HUB_REPO``: repositorio git que reparte nbgitpuller (la edición de aula, ``build/aula``).
- ``CURSO_AULA``: dónde está la edición de aula de ``course_lib`` que importan los núcleos.
- ``CURSO_HUB_PYTHON``: el Python del entorno del curso (por defecto, el que ejecuta el hub).
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
AULA = os.environ.get("CURSO_AULA", str(REPO_ROOT / "build" / "aula"))
COURSE_REPO = os.environ.get("CURSO_HUB_REPO", AULA)
ENV_BIN = Path(sys.executable).parent  # el entorno del curso es el mismo Python que ejecuta el hub
STATE.mkdir(parents=True, exist_ok=True)

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
# Páginas del hub en español (servidor detenido).
c.JupyterHub.template_paths = [str(REPO_ROOT / "jupyterhub_plantillas")]
# Al parar el hub se paran también los servidores de los estudiantes y el proxy.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- Quién entra -------------------------------------------------------------------------------
if PASSWORD or MODE == "prueba":
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = PASSWORD or "curso-de-prueba"
    c.Authenticator.allow_all = True
else:
    # Usuarios del sistema con su contraseña; solo entran los del grupo de la clase.
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {os.environ.get("CURSO_HUB_GRUPO", "curso")}
    c.Authenticator.admin_users = {"profesora"}  # un usuario del sistema con ese nombre administra el hub

# --- El servidor de cada estudiante ------------------------------------------------------------
c.Spawner.cmd = [os.environ.get("CURSO_HUB_PYTHON", sys.executable), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/git-pull?" + urlencode({
    "repo": COURSE_REPO,
    "branch": "main",
    "targetpath": "curso",
    "urlpath": "lab/tree/curso/notebooks/00_introduccion.ipynb",
})
c.Spawner.environment = {
    "PYTHONPATH": AULA,               # la edición de aula: comprueba sin soluciones
    "OPENBLAS_NUM_THREADS": "1",      # un hilo de BLAS por núcleo: muchos estudiantes, pocos núcleos
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PATH": f"{ENV_BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
}
# Un entorno del curso en otro sitio (CURSO_HUB_PYTHON) puede necesitar estas tres.
for _name in ("LD_LIBRARY_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PATH"):
    if _name in os.environ:
        c.Spawner.environment[_name] = os.environ[_name]
# Disco lleno: un mensaje en español que dice qué se ha guardado y qué hacer.
c.Spawner.args = ["--ServerApp.contents_manager_class=course_lib.classroom.contents.CourseContentsManager"]
c.Spawner.start_timeout = 120
c.Spawner.poll_interval = 10  # el hub nota en segundos que un servidor ha muerto
c.Spawner.http_timeout = 120

if MODE == "sistema":
    c.JupyterHub.spawner_class = "localprocess"  # el servidor corre con el usuario del estudiante
    c.Spawner.notebook_dir = "~"
else:
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")

    def _private_home(spawner):
        """La carpeta del estudiante, solo para su dueño (0700), antes de arrancar su servidor."""
        home = Path(spawner.home_dir)
        home.mkdir(parents=True, exist_ok=True)
        home.chmod(0o700)

    c.Spawner.pre_spawn_hook = _private_home
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
