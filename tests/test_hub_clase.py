"""La clase en JupyterHub: una medida rápida y la fiabilidad (trabajo guardado, mensajes, aislamiento).

Todo pasa en un JupyterHub real (``jupyterhub_config.py``), con configurable-http-proxy de npm,
nbgitpuller y servidores de Jupyter de verdad, solo en 127.0.0.1.
"""

import asyncio
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
pytest.importorskip("jupyterhub", reason="JupyterHub va en el extra [docente]: pip install -e .[docente]")
if not (ROOT / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy").exists() and not shutil.which(
        "configurable-http-proxy"):
    pytest.skip("falta configurable-http-proxy (make hub-proxy lo instala con npm)", allow_module_level=True)

import clase  # noqa: E402  (benchmarks/clase.py)


class TestFastBenchmark:  # una clase: con --dist loadscope puede ir a otro proceso que el aislamiento
    def test_fast_class_benchmark(self, tmp_path):
        fast_class_benchmark(tmp_path)


def fast_class_benchmark(tmp_path):
    """La versión rápida de benchmarks/clase.py: 2 estudiantes, un capítulo corto, sin restos."""
    out = tmp_path / "clase.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "clase.py"), "--alumnos", "2", "--capitulo", "02",
         "--actualizaciones", "10", "--limite", "300", "--json", str(out)],
        capture_output=True, text=True, timeout=420,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(out.read_text())
    assert figures["leftovers"] == []
    (row,) = figures["rows"]
    assert row["n"] == 2
    assert 0 < row["ready_s"] < 120 and 0 < row["notebook_s"] < 300
    assert 0 < row["update_p50_ms"] <= row["update_p95_ms"]
    assert 50 < row["memory_mib"] < 4000
    assert "Procesos que quedan vivos: 0." in done.stdout


# --- Fiabilidad y aislamiento: usuarios del sistema (necesita root) ---------------------------------

def make_user(name):
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    return home


def drop_user(name):
    subprocess.run(["userdel", "--remove", name], capture_output=True)


async def ready(api, user):
    await api.request("POST", f"/hub/api/users/{user}")
    await api.request("POST", f"/hub/api/users/{user}/server")
    for _ in range(480):
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
                          request_timeout=120)
    return await api.client.fetch(request, raise_error=False)


NOTEBOOK = {"type": "notebook", "format": "json", "content": {
    "cells": [{"cell_type": "code", "source": "respuesta = 42", "metadata": {}, "outputs": [],
               "execution_count": None}],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}}


async def scenario(hub, alumna, alumno, home_a, full_dir):
    api = clase.Api(hub)
    info = await ready(api, alumna)
    token_a = await user_token(api, alumna)

    # 1. El trabajo guardado sobrevive a la muerte y al reinicio del núcleo.
    saved = await as_user(api, token_a, "PUT", f"/user/{alumna}/api/contents/trabajo.ipynb", NOTEBOOK)
    assert saved.code in (200, 201), saved.body
    kernel = clase.Kernel(api, alumna)
    await kernel.open()
    await kernel.execute("import os; print(os.getpid(), os.getuid())")
    kernel_pid, uid = map(int, kernel.output.split())
    assert uid == pwd.getpwnam(alumna).pw_uid  # el núcleo corre con el usuario de la estudiante
    os.kill(kernel_pid, signal.SIGKILL)
    kernel.close()
    await asyncio.sleep(1)
    restarted = await api.request("POST", f"/user/{alumna}/api/kernels/{kernel.id}/restart", {})
    assert restarted.code == 200
    again = await as_user(api, token_a, "GET", f"/user/{alumna}/api/contents/trabajo.ipynb")
    assert json.loads(again.body)["content"]["cells"][0]["source"] == "respuesta = 42"
    assert (home_a / "trabajo.ipynb").stat().st_uid == pwd.getpwnam(alumna).pw_uid

    # 2. Un estudiante no puede leer el trabajo de otra: ni con su núcleo ni con su ficha.
    await ready(api, alumno)
    token_b = await user_token(api, alumno)
    spy = clase.Kernel(api, alumno)
    await spy.open()
    await spy.execute(
        f"try:\n    open({str(home_a / 'trabajo.ipynb')!r}).read(); print('LEÍDO')\n"
        f"except PermissionError:\n    print('DENEGADO')")
    spy.close()
    assert spy.output.strip() == "DENEGADO"
    foreign = await as_user(api, token_b, "GET", f"/user/{alumna}/api/contents/trabajo.ipynb")
    assert foreign.code in (403, 404), foreign.code

    # 3. Disco lleno: un mensaje claro, en español, y lo guardado antes sigue ahí.
    if full_dir is not None:
        big = json.loads(json.dumps(NOTEBOOK))
        big["content"]["cells"][0]["source"] = "x = '" + "a" * 3_000_000 + "'"
        path = f"/user/{alumno}/api/contents/{full_dir.name}/grande.ipynb"
        failed = await as_user(api, token_b, "PUT", path, big)
        assert failed.code == 507, (failed.code, failed.body[:300])
        assert "espacio en disco está lleno" in json.loads(failed.body)["message"]

    # 4. Servidor muerto: el hub lo detecta y explica en español qué ha pasado.
    server_pid = info["servers"][""]["state"]["pid"]
    os.kill(server_pid, signal.SIGKILL)
    for _ in range(120):
        state = json.loads((await api.request("GET", f"/hub/api/users/{alumna}")).body)
        if not state.get("servers"):
            break
        await asyncio.sleep(0.5)
    page = await as_user(api, token_a, "GET", f"/hub/user/{alumna}/lab")
    text = page.body.decode()
    assert "Tu servidor está detenido" in text and "Lo que guardaste está a salvo" in text, text[-800:]
    assert (home_a / "trabajo.ipynb").exists()


def readable_by_everyone(path):
    """¿Puede cualquier usuario llegar a ``path`` (x en cada carpeta) y leerlo?"""
    path = Path(path)
    return all(p.stat().st_mode & 0o001 for p in path.parents) and path.stat().st_mode & 0o004


def course_python_for_students(shared, mounts):
    """El Python del curso tal como pueden ejecutarlo los estudiantes (y las variables que necesita).

    Si el intérprete vive en una carpeta privada de root (pyenv en /root), se copia su biblioteca
    estándar a ``shared`` y se crea allí un entorno que usa los paquetes del entorno del curso; si
    también esos paquetes están en una carpeta privada, se montan (``mount --bind``) en ``shared``.
    """
    real = Path(os.path.realpath(sys.executable))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = Path(sys.prefix) / "lib" / version / "site-packages"
    if readable_by_everyone(real) and readable_by_everyone(site):
        return {}
    if not readable_by_everyone(site):
        visible = shared / "site-packages"
        visible.mkdir()
        if subprocess.run(["mount", "--bind", str(site), str(visible)], capture_output=True).returncode:
            pytest.skip("el entorno del curso está en una carpeta que los estudiantes no pueden leer")
        mounts.append(visible)
        site = visible
    base = Path(sys.base_prefix)
    copy = shared / "python"
    (copy / "bin").mkdir(parents=True)
    shutil.copy2(real, copy / "bin" / version)
    shutil.copytree(base / "lib" / version, copy / "lib" / version,
                    ignore=shutil.ignore_patterns("site-packages", "test", "__pycache__", "idlelib", "tkinter"))
    for lib in (base / "lib").glob("libpython*"):
        shutil.copy2(lib, copy / "lib" / lib.name, follow_symlinks=True)
    env = {"LD_LIBRARY_PATH": str(copy / "lib")}
    venv = shared / "venv"
    subprocess.run([str(copy / "bin" / version), "-m", "venv", "--without-pip", str(venv)], check=True,
                   env={**os.environ, **env})
    (venv / "lib" / version / "site-packages" / "curso.pth").write_text(str(site) + "\n")
    return {**env, "CURSO_HUB_PYTHON": str(venv / "bin" / "python"),
            "JUPYTER_CONFIG_PATH": str(Path(sys.prefix) / "etc" / "jupyter"),
            "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}


@pytest.mark.skipif(os.geteuid() != 0, reason="crear usuarios del sistema necesita root")
def test_students_are_isolated_and_saved_work_survives(tmp_path):
    from course_lib.classroom import release

    suffix = secrets.token_hex(3)
    alumna, alumno = f"alumna{suffix}", f"alumno{suffix}"
    shared = Path(tempfile.mkdtemp(prefix="aula-", dir="/tmp"))  # legible por los estudiantes
    hub = None
    full_dir = None
    mounts = []
    try:
        aula = shared / "aula"
        release.build(aula)
        release.init_git(aula)
        subprocess.run(["chmod", "-R", "a+rX", str(shared)], check=True)
        extra_env = course_python_for_students(shared, mounts)  # lo que crea ya es legible (umask 022)
        home_a = make_user(alumna)
        home_b = make_user(alumno)
        assert oct(home_a.stat().st_mode & 0o777) == "0o700"
        full_dir = home_b / "lleno"
        full_dir.mkdir()
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(full_dir)],
                                 capture_output=True).returncode == 0
        if mounted:
            shutil.chown(full_dir, alumno, alumno)
        else:
            full_dir = None
        hub = clase.Hub(tmp_path, aula, aula, mode="sistema", extra_env=extra_env)
        hub.start()
        asyncio.run(scenario(hub, alumna, alumno, home_a, full_dir))
    finally:
        if hub is not None:
            assert hub.stop() == []
        for mounted_dir in ([full_dir] if full_dir is not None else []) + mounts:
            subprocess.run(["umount", str(mounted_dir)], capture_output=True)
        drop_user(alumna)
        drop_user(alumno)
        shutil.rmtree(shared, ignore_errors=True)
