"""La clase en JupyterHub: quién entra, qué Python usan los estudiantes, sus novedades, su aspecto y su trabajo.

Todo pasa en un JupyterHub real (``jupyterhub_config.py``) con configurable-http-proxy de npm,
nbgitpuller, servidores de Jupyter y, para el aspecto, Chromium. El modo ``sistema`` (el de una
clase real) necesita root: crea usuarios y grupos del sistema con contraseña y los borra al acabar.

- Solo entra la clase: un estudiante del grupo sí; una cuenta de la máquina que no es de la clase,
  no (con su contraseña correcta); la contraseña común no se admite en este modo.
- Los núcleos de los estudiantes usan el entorno del estudiante (sin soluciones) y no leen la
  carpeta del profesorado; un estudiante no lee el trabajo de otro; lo guardado sobrevive.
- Las novedades llegan: versión 1, el estudiante la trae y cambia un cuaderno, versión 2, la trae
  otra vez y conserva su cambio (nbgitpuller de verdad, con el repositorio del profesorado).
- JupyterLab en español, sin el aviso de noticias, y las extensiones de nbgrader para corregir,
  solo para el profesorado.
"""

import asyncio
import importlib.util
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("jupyterhub", reason="JupyterHub va en el extra [docente]: pip install -e .[docente]")
if not (ROOT / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy").exists() and not shutil.which(
        "configurable-http-proxy"):
    pytest.skip("falta configurable-http-proxy (make hub lo instala con npm)", allow_module_level=True)

import aula_entregas as entregas  # noqa: E402  (tests/aula_entregas.py)

# benchmarks/clase.py (el hub, su API y un núcleo por WebSocket), sin poner benchmarks/ en sys.path:
# allí hay otro navegador.py que taparía el de tests/.
_spec = importlib.util.spec_from_file_location("clase", ROOT / "benchmarks" / "clase.py")
clase = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(clase)
from course_lib.classroom import release  # noqa: E402

TIMEOUT_MS = 180_000


class TestFastBenchmark:  # una clase: con --dist loadscope puede ir a otro proceso que el modo sistema
    def test_fast_class_benchmark(self, tmp_path):
        """La versión rápida de benchmarks/clase.py: 2 estudiantes, un capítulo corto, sin restos."""
        out = tmp_path / "clase.json"
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "clase.py"), "--alumnos", "2", "--capitulo", "02",
             "--actualizaciones", "10", "--limite", "300", "--resultados", str(out)],
            capture_output=True, text=True, timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        figures = json.loads(out.read_text())
        assert figures["leftovers"] == []
        assert figures["machine"]["cores"] == os.cpu_count() and figures["versions"]["jupyterhub"]
        (row,) = figures["rows"]
        assert row["n"] == 2
        assert 0 < row["ready_s"] < 120 and 0 < row["notebook_s"] < 300
        assert 0 < row["update_p50_ms"] <= row["update_p95_ms"]
        assert 50 < row["memory_mib"] < 4000 and row["kernel_peak_mib"] > 50
        assert "Procesos que quedan vivos: 0." in done.stdout


# --- Usuarios y grupos del sistema (necesita root) ------------------------------------------------

def make_group(name):
    subprocess.run(["groupadd", name], check=True)


def make_user(name, password, groups=()):
    command = ["useradd", "--create-home", "--shell", "/bin/bash"]
    if groups:
        command += ["--groups", ",".join(groups)]
    subprocess.run(command + [name], check=True)
    subprocess.run(["chpasswd"], input=f"{name}:{password}", text=True, check=True)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    return home


def drop_user(name):
    subprocess.run(["userdel", "--remove", name], capture_output=True)


def drop_group(name):
    subprocess.run(["groupdel", name], capture_output=True)


class Classroom:
    """Un hub en modo sistema con dos estudiantes, una profesora y una cuenta que no es de la clase."""

    def __init__(self, workdir):
        suffix = secrets.token_hex(3)
        self.students_group, self.teachers_group = f"curso{suffix}", f"docentes{suffix}"
        self.alumna, self.alumno = f"alumna{suffix}", f"alumno{suffix}"
        self.profe, self.ajeno = f"profe{suffix}", f"ajeno{suffix}"
        self.password = secrets.token_urlsafe(12)
        self.users = []
        self.groups = []
        self.hub = None
        self.mounts = []
        self.setup = entregas.StudentSetup(git=True)  # la edición de aula: un repositorio (versión 1)
        for group in (self.students_group, self.teachers_group):
            make_group(group)
            self.groups.append(group)
        self.homes = {}
        for user, groups in ((self.alumna, [self.students_group]), (self.alumno, [self.students_group]),
                             (self.profe, [self.teachers_group]), (self.ajeno, [])):
            self.homes[user] = make_user(user, self.password, groups)
            self.users.append(user)
        # Lo que el estudiante no debe leer: una carpeta del profesorado con las tareas y sus soluciones.
        self.teacher_dir = Path(tempfile.mkdtemp(prefix="tareas-profesorado-"))
        (self.teacher_dir / "soluciones.txt").write_text("solo para el profesorado\n")
        self.full_dir = self.homes[self.alumno] / "lleno"
        self.full_dir.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(self.full_dir)],
                          capture_output=True).returncode == 0:
            shutil.chown(self.full_dir, self.alumno, self.alumno)
            self.mounts.append(self.full_dir)
        else:
            self.full_dir = None
        self.hub = clase.Hub(workdir, self.setup.aula, self.setup.aula, mode="sistema", extra_env={
            "CURSO_HUB_PYTHON": str(self.setup.python), "CURSO_HUB_GRUPO": self.students_group,
            "CURSO_HUB_DOCENTES": self.teachers_group, **self.setup.env})
        self.hub.start()
        self.api = clase.Api(self.hub)

    def close(self):
        leftovers = self.hub.stop() if self.hub is not None else []
        for mounted in self.mounts:
            subprocess.run(["umount", str(mounted)], capture_output=True)
        for user in self.users:
            drop_user(user)
        for group in self.groups:
            drop_group(group)
        shutil.rmtree(self.teacher_dir, ignore_errors=True)
        self.setup.remove()
        return leftovers


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("crear usuarios del sistema necesita root")
    room = Classroom(tmp_path_factory.mktemp("hub"))
    yield room
    assert room.close() == []


def run(coroutine):
    return asyncio.run(coroutine)


async def ready(api, user):
    """Arranca (si hace falta) el servidor de ``user`` con la ficha del servicio y espera a que esté listo."""
    info = json.loads((await api.request("GET", f"/hub/api/users/{user}", raise_error=False)).body or b"{}")
    if not info.get("name"):
        await api.request("POST", f"/hub/api/users/{user}")
    if not info.get("servers", {}).get("", {}).get("ready"):
        await api.request("POST", f"/hub/api/users/{user}/server", raise_error=False)
    for _ in range(720):
        info = json.loads((await api.request("GET", f"/hub/api/users/{user}")).body)
        if info.get("servers", {}).get("", {}).get("ready"):
            return info
        await asyncio.sleep(0.25)
    raise TimeoutError(user)


async def user_token(api, user):
    response = await api.request("POST", f"/hub/api/users/{user}/tokens", {"note": "prueba", "expires_in": 600})
    return json.loads(response.body)["token"]


async def as_user(api, token, method, path, body=None):
    from tornado.httpclient import HTTPRequest
    request = HTTPRequest(api.hub.url + path, method=method, headers={"Authorization": f"token {token}"},
                          body=None if body is None else json.dumps(body), follow_redirects=True,
                          request_timeout=300)
    return await api.client.fetch(request, raise_error=False)


async def login(hub, username, password):
    """Entrar por el formulario del hub, como una persona: (código HTTP, a dónde lleva)."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    client = AsyncHTTPClient()
    page = await client.fetch(f"{hub.url}/hub/login", raise_error=False)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.body.decode()).group(1)
    cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("Set-Cookie"))
    response = await client.fetch(HTTPRequest(
        f"{hub.url}/hub/login", method="POST", body=urlencode({"username": username, "password": password,
                                                                "_xsrf": xsrf}),
        headers={"Cookie": cookies}, follow_redirects=False), raise_error=False)
    return response.code, response.headers.get("Location", ""), response.body.decode(errors="replace")


async def run_in_kernel(api, user, code):
    kernel = clase.Kernel(api, user)
    await kernel.open()
    try:
        await kernel.execute(code)
        return kernel.output
    finally:
        kernel.close()


# --- Quién entra ---------------------------------------------------------------------------------------

def test_only_the_class_can_log_in(classroom):
    async def scenario():
        hub = classroom.hub
        code, location, _ = await login(hub, classroom.alumna, classroom.password)
        assert code == 302 and "/hub/login" not in location, (code, location)
        code, _, body = await login(hub, classroom.ajeno, classroom.password)  # su contraseña es correcta
        assert code != 302 and "incorrectos" in body, code
        code, _, _ = await login(hub, classroom.alumno, "otra-contraseña")
        assert code != 302
        users = json.loads((await classroom.api.request("GET", "/hub/api/users")).body)
        assert classroom.ajeno not in {u["name"] for u in users}
        assert classroom.alumna in {u["name"] for u in users}
    run(scenario())


def test_the_shared_password_is_refused_in_system_mode(tmp_path):
    hub = clase.Hub(tmp_path, tmp_path, tmp_path, mode="sistema", extra_env={"CURSO_HUB_CLAVE": "de-toda-la-clase"})
    with pytest.raises(RuntimeError):
        hub.start(timeout=60)
    hub.stop()
    assert "no se admite la contraseña común" in (tmp_path / "jupyterhub.log").read_text()


# --- El entorno, el aislamiento y el trabajo guardado ---------------------------------------------------------

NOTEBOOK = {"type": "notebook", "format": "json", "content": {
    "cells": [{"cell_type": "code", "source": "respuesta = 42", "metadata": {}, "outputs": [],
               "execution_count": None}],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}}


def test_student_kernels_run_the_student_environment(classroom):
    async def scenario():
        await ready(classroom.api, classroom.alumna)
        code = (
            "import sys, json, os, importlib.util\n"
            "from course_lib import checks\n"
            "def readable(p):\n"
            "    try:\n        open(p).read(); return True\n"
            "    except OSError:\n        return False\n"
            f"print(json.dumps({{'python': sys.executable, 'file': checks.__file__,"
            f" 'solution': checks.show_solution('03.3'), 'uid': os.getuid(),"
            f" 'finder': importlib.util.find_spec('__editable___course_lib_0_1_0_finder') is not None,"
            f" 'teacher': readable({str(classroom.teacher_dir / 'soluciones.txt')!r})}}))"
        )
        return json.loads(await run_in_kernel(classroom.api, classroom.alumna, code))
    out = run(scenario())
    assert Path(out["python"]).parent == Path(classroom.setup.python).parent
    assert out["file"].startswith(str(classroom.setup.aula))
    assert out["solution"].startswith("En la edición de aula las soluciones no se distribuyen")
    assert out["uid"] == pwd.getpwnam(classroom.alumna).pw_uid
    assert not out["finder"] and not out["teacher"]


def test_students_are_isolated_and_saved_work_survives(classroom):
    api, alumna, alumno = classroom.api, classroom.alumna, classroom.alumno
    home_a = classroom.homes[alumna]

    async def scenario():
        info = await ready(api, alumna)
        token_a = await user_token(api, alumna)
        # 1. El trabajo guardado sobrevive a la muerte y al reinicio del núcleo.
        saved = await as_user(api, token_a, "PUT", f"/user/{alumna}/api/contents/trabajo.ipynb", NOTEBOOK)
        assert saved.code in (200, 201), saved.body
        kernel = clase.Kernel(api, alumna)
        await kernel.open()
        await kernel.execute("import os; print(os.getpid(), os.getuid())")
        kernel_pid, uid = map(int, kernel.output.split())
        assert uid == pwd.getpwnam(alumna).pw_uid
        os.kill(kernel_pid, signal.SIGKILL)
        kernel.close()
        # El servidor nota la muerte y reinicia el núcleo él solo; mientras lo hace, «Restart» puede fallar.
        for _ in range(60):
            await asyncio.sleep(1)
            restarted = await api.request("POST", f"/user/{alumna}/api/kernels/{kernel.id}/restart", {},
                                          raise_error=False)
            if restarted.code == 200:
                break
        assert restarted.code == 200, restarted.code
        again = await as_user(api, token_a, "GET", f"/user/{alumna}/api/contents/trabajo.ipynb")
        assert json.loads(again.body)["content"]["cells"][0]["source"] == "respuesta = 42"
        assert (home_a / "trabajo.ipynb").stat().st_uid == pwd.getpwnam(alumna).pw_uid

        # 2. Un estudiante no puede leer el trabajo de otra: ni con su núcleo ni con su ficha.
        await ready(api, alumno)
        token_b = await user_token(api, alumno)
        output = await run_in_kernel(api, alumno,
                                     f"try:\n    open({str(home_a / 'trabajo.ipynb')!r}).read(); print('LEÍDO')\n"
                                     f"except PermissionError:\n    print('DENEGADO')")
        assert output.strip() == "DENEGADO"
        foreign = await as_user(api, token_b, "GET", f"/user/{alumna}/api/contents/trabajo.ipynb")
        assert foreign.code in (403, 404), foreign.code

        # 3. Disco lleno: un mensaje claro, en español, y lo guardado antes sigue ahí.
        if classroom.full_dir is not None:
            big = json.loads(json.dumps(NOTEBOOK))
            big["content"]["cells"][0]["source"] = "x = '" + "a" * 3_000_000 + "'"
            failed = await as_user(api, token_b, "PUT", f"/user/{alumno}/api/contents/lleno/grande.ipynb", big)
            assert failed.code == 507, (failed.code, failed.body[:300])
            assert "espacio en disco está lleno" in json.loads(failed.body)["message"]

        # 4. Servidor muerto: el hub lo detecta y explica en español qué ha pasado.
        os.kill(info["servers"][""]["state"]["pid"], signal.SIGKILL)
        for _ in range(120):
            state = json.loads((await api.request("GET", f"/hub/api/users/{alumna}")).body)
            if not state.get("servers"):
                break
            await asyncio.sleep(0.5)
        page = await as_user(api, token_a, "GET", f"/hub/user/{alumna}/lab")
        text = page.body.decode()
        assert "Tu servidor está detenido" in text and "Lo que guardaste está a salvo" in text, text[-800:]
        assert (home_a / "trabajo.ipynb").exists()
    run(scenario())


# --- Las novedades del curso llegan a mitad de curso ----------------------------------------------------------

async def pull(api, user, repo):
    link = {"repo": str(repo), "branch": "main", "targetpath": "curso"}
    response = await api.request("GET", f"/user/{user}/git-pull/api?" + urlencode(link))
    assert b'"phase": "finished"' in response.body, response.body[-600:]


def _edit_notebook(path, change):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    change(notebook["cells"])
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def test_course_updates_reach_students_and_keep_their_work(classroom, monkeypatch):
    api, student = classroom.api, classroom.alumno
    repo = classroom.setup.aula
    clone = classroom.homes[student] / "curso"
    edited = "04_descenso_del_gradiente.ipynb"
    updated = "05_retropropagacion.ipynb"
    mark = "# Mi intento (estudiante): no lo pierdas"

    async def first_pull_and_edit():
        await ready(api, student)
        await pull(api, student, repo)
        path = f"/user/{student}/api/contents/curso/notebooks/{edited}"
        model = json.loads((await api.request("GET", path)).body)
        cells = model["content"]["cells"]
        answer = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and "Escribe" in c["source"])
        cells[answer]["source"] += "\n" + mark
        body = {"type": "notebook", "format": "json", "content": model["content"]}
        assert (await api.request("PUT", path, body)).code == 200

    run(first_pull_and_edit())
    assert mark in (clone / "notebooks" / edited).read_text(encoding="utf-8")

    # El profesorado publica la versión 2: un cambio en otro cuaderno y en el README (make aula).
    real_build = release.build

    def build_v2(target):
        summary = real_build(target)
        _edit_notebook(Path(target) / "notebooks" / updated,
                       lambda cells: cells[0].__setitem__("source", "".join(cells[0]["source"]) + "\n\nNovedad de la versión 2."))
        return summary

    monkeypatch.setattr(release, "build", build_v2)
    monkeypatch.setattr(release, "README", release.README + "\nVersión 2 del curso.\n")
    _, commit = release.publish(repo, "versión 2")
    subprocess.run(["chmod", "-R", "a+rX", str(repo)], check=True)
    assert commit and subprocess.run(["git", "rev-list", "--count", "main"], cwd=repo, capture_output=True,
                                     text=True).stdout.strip() == "2"

    run(pull(api, student, repo))
    assert mark in (clone / "notebooks" / edited).read_text(encoding="utf-8")  # su trabajo sigue ahí
    assert "Novedad de la versión 2." in (clone / "notebooks" / updated).read_text(encoding="utf-8")
    assert "Versión 2 del curso." in (clone / "README.md").read_text(encoding="utf-8")
    assert all(p.stat().st_uid == pwd.getpwnam(student).pw_uid for p in (clone / "notebooks").iterdir())


# --- El aspecto, en Chromium -------------------------------------------------------------------------------

def _browser_or_skip():
    from navegador import CHROMIUM  # tests/navegador.py
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("No hay Chromium (/usr/bin/chromium): instálalo con scripts/install_browser.sh.")
        pytest.skip("No hay Chromium (/usr/bin/chromium)")


def _open_lab(browser, hub, user, password, screenshot):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{hub.url}/hub/login", timeout=TIMEOUT_MS)
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_selector(".lm-MenuBar-item", timeout=TIMEOUT_MS)
    page.wait_for_function("document.querySelector('.lm-MenuBar-content').textContent.includes('Archivo')",
                           timeout=TIMEOUT_MS)
    page.wait_for_timeout(3000)  # el aviso de noticias sale unos segundos después de abrir
    menus = [item.inner_text() for item in page.locator(".lm-MenuBar-item").all()]
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    nbgrader = []
    if "Nbgrader" in menus:
        page.locator(".lm-MenuBar-item", has_text="Nbgrader").click()
        page.wait_for_selector(".lm-Menu-itemLabel", timeout=TIMEOUT_MS)
        nbgrader = [t.strip() for t in page.locator(".lm-Menu .lm-Menu-itemLabel").all_inner_texts() if t.strip()]
        page.keyboard.press("Escape")
    page.screenshot(path=screenshot)
    page.close()
    return menus, toasts, nbgrader


def test_the_hub_looks_like_the_course(classroom, tmp_path):
    _browser_or_skip()
    from playwright import sync_api

    import navegador
    with sync_api.sync_playwright() as p, navegador.chromium(p) as browser:
        menus, toasts, student_items = _open_lab(browser, classroom.hub, classroom.alumna, classroom.password,
                                                 str(tmp_path / "estudiante.png"))
        _, _, teacher_items = _open_lab(browser, classroom.hub, classroom.profe, classroom.password,
                                        str(tmp_path / "profesora.png"))
    for spanish in ("Archivo", "Editar", "Ver", "Ejecutar", "Núcleo", "Configuración", "Ayuda"):
        assert spanish in menus, menus
    assert not any(re.search(r"news|noticias", t, re.I) for t in toasts), toasts
    student_items, teacher_items = ({item.lower() for item in items} for items in (student_items, teacher_items))
    teacher_only = {"formgrader", "create assignment", "course list"}
    assert "assignment list" in student_items and not teacher_only & student_items, student_items
    assert teacher_only <= teacher_items, teacher_items
