"""Servidores y navegador reales para las pruebas en navegador y benchmarks/navegador.py.

JupyterLab y Voilà arrancan como los arranca un usuario (``python -m jupyter lab``, ``python -m
voila``) en un puerto libre de localhost, con los ajustes del curso (jupyter/ajustes: interfaz en
español) y carpetas de ajustes de usuario temporales (los del usuario no cuentan ni se tocan).
Chromium es el de Debian (/usr/bin/chromium), manejado con Playwright.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
COURSE_LAB_SETTINGS = ROOT / "jupyter" / "ajustes"
TOKEN = "prueba-del-curso"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# El estado de la demostración (cuántas actualizaciones lleva) y su imagen, buscados desde la salida.
UPDATED = """([out, n]) => {
    const s = out.querySelector('.course-demo-status');
    return s && Number(s.getAttribute('data-updates')) > n;
}"""
# La imagen nueva, además, ya cargada: mientras el navegador decodifica el PNG nuevo la etiqueta
# puede medir 0 × 0 px (y Playwright la da por invisible).
IMAGE_CHANGED = """([out, src]) => {
    const img = out.querySelector('.widget-image');
    return img && img.getAttribute('src') !== src && img.complete && img.naturalWidth > 0;
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_all_demos_notebook(folder, names):
    """Un cuaderno con una celda por demostración (``demo_<nombre> = demos.<nombre>()``)."""
    cells = [nbformat.v4.new_code_cell("from course_lib import demos")]
    for name in names:
        cells.append(nbformat.v4.new_code_cell(f"demo_{name} = demos.{name}()\ndemo_{name}"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = Path(folder) / "todas_las_demos.ipynb"
    nbformat.write(notebook, path)
    return path


@contextmanager
def server(command, ready_url, workdir, env=None, timeout=90):
    """Arranca ``command``, espera a que ``ready_url`` responda y lo detiene al salir."""
    log_path = Path(tempfile.mkdtemp(prefix="curso-servidor-")) / "servidor.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                                   env=dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", **(env or {})))
        try:
            deadline = time.time() + timeout
            while True:
                try:
                    urllib.request.urlopen(ready_url, timeout=2)
                    break
                except OSError:
                    if process.poll() is not None or time.time() > deadline:
                        raise RuntimeError(f"El servidor no arrancó: {log_path.read_text()[-2000:]}") from None
                    time.sleep(0.5)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def jupyterlab(root):
    """JupyterLab del curso sobre la carpeta ``root``; devuelve su URL base."""
    root = Path(root)
    port = free_port()
    env = {"JUPYTERLAB_SETTINGS_DIR": str(root / ".ajustes-usuario"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".espacios")}
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
               "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
               f"--LabApp.app_settings_dir={COURSE_LAB_SETTINGS}", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    url = f"http://127.0.0.1:{port}"
    with server(command, f"{url}/api/status?token={TOKEN}", root, env):
        yield url


@contextmanager
def voila(notebook):
    """Voilà sirviendo ``notebook`` como lo hace ``make clase``; devuelve la URL de la página."""
    notebook = Path(notebook)
    port = free_port()
    command = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
               "--theme=light", "--VoilaConfiguration.show_tracebacks=False", str(notebook)]
    url = f"http://127.0.0.1:{port}/"
    with server(command, url, notebook.parent):
        yield url


CAPTURAS = ROOT / "build" / "capturas"   # las capturas de pantalla de las pruebas


def require_browser():
    """El módulo ``playwright.sync_api`` si hay Playwright y Chromium; si no, la prueba se omite (o falla en CI,
    donde no puede omitirse en silencio)."""
    import pytest

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        message = "No hay Chromium (/usr/bin/chromium): instálalo con scripts/install_browser.sh."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return sync_api


@contextmanager
def chromium_de_prueba():
    """Chromium para una prueba (se omite si no hay, ver ``require_browser``), con la carpeta de capturas creada."""
    sync_api = require_browser()
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p, chromium(p) as navegador_chromium:
        yield navegador_chromium


@contextmanager
def chromium(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def wait_idle(page, timeout_ms=120_000):
    """El indicador del núcleo en la barra inferior de JupyterLab dice «Idle» (o «Inactivo»)."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-StatusBar-TextItem, .jp-StatusBar-Item')]
                .some(e => /\\|\\s*(Idle|Inactivo)/.test(e.textContent))""",
        timeout=timeout_ms,
    )


def updates(output):
    return int(output.locator(".course-demo-status").get_attribute("data-updates") or 0)


def move_slider_and_wait(page, output, presses=3, timeout_ms=120_000):
    """Mueve con el teclado el primer deslizador de la demostración de ``output`` y espera a que
    la demostración se actualice y la imagen mostrada cambie."""
    before_src = output.locator(".widget-image").first.get_attribute("src")
    before_updates = updates(output)
    handle = output.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    element = output.element_handle()
    page.wait_for_function(UPDATED, arg=[element, before_updates], timeout=timeout_ms)
    page.wait_for_function(IMAGE_CHANGED, arg=[element, before_src], timeout=timeout_ms)


def drag_slider_and_wait(page, output, pixels=-60, timeout_ms=120_000):
    """Arrastra con el ratón el primer deslizador de la demostración de ``output`` y espera a que la
    demostración se actualice y la imagen mostrada cambie (en RISE las flechas cambian de
    diapositiva, así que allí el deslizador se mueve como lo mueve quien presenta: con el ratón)."""
    before_src = output.locator(".widget-image").first.get_attribute("src")
    before_updates = updates(output)
    box = output.locator(".widget-slider .noUi-handle").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels, y, steps=5)
    page.mouse.up()
    element = output.element_handle()
    page.wait_for_function(UPDATED, arg=[element, before_updates], timeout=timeout_ms)
    page.wait_for_function(IMAGE_CHANGED, arg=[element, before_src], timeout=timeout_ms)
