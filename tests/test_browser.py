"""Las demostraciones en un JupyterLab real, manejado con Chromium sin pantalla (Playwright).

Arranca JupyterLab en un puerto libre de localhost, abre un cuaderno que muestra todas las
demostraciones, ejecuta todas las celdas, mueve con el teclado un deslizador de cada una y
comprueba que la figura mostrada cambia y que no aparece ninguna salida de error. Las capturas
quedan en ``build/capturas/`` (ignorada por git).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from course_lib.demos import DEMO_NAMES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "capturas"
TOKEN = "prueba-del-curso"
TIMEOUT_MS = 120_000


def _require_browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        message = "No hay Chromium (/usr/bin/chromium): instálalo con scripts/install_browser.sh."
        if os.environ.get("CI"):
            pytest.fail(message)  # en CI la prueba no puede omitirse en silencio
        pytest.skip(message)
    return playwright


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_notebook(folder):
    cells = [nbformat.v4.new_code_cell("from course_lib import demos")]
    for name in DEMO_NAMES:
        cells.append(nbformat.v4.new_code_cell(f"demo_{name} = demos.{name}()\ndemo_{name}"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "todas_las_demos.ipynb")


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    _require_browser()
    root = tmp_path_factory.mktemp("lab")
    _write_notebook(root)
    # Sin el aviso «¿quieres recibir noticias de Jupyter?», que tapa parte de la página.
    settings = root / ".ajustes" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = _free_port()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(root / ".ajustes"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".espacios"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    log = open(root / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab no arrancó en 60 s: " + (root / "jupyterlab.log").read_text()[-2000:])
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def _wait_idle(page):
    # El indicador de estado del núcleo en la barra inferior dice «Idle» cuando ha terminado.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-StatusBar-TextItem, .jp-StatusBar-Item')]
                .some(e => /\\|\\s*Idle/.test(e.textContent))""",
        timeout=TIMEOUT_MS,
    )


def _updates(output):
    return int(output.locator(".course-demo-status").get_attribute("data-updates") or 0)


# El widget HTML reemplaza su contenido en cada cambio: se busca de nuevo desde la salida.
UPDATED = """([out, n]) => {
    const s = out.querySelector('.course-demo-status');
    return s && Number(s.getAttribute('data-updates')) > n;
}"""
IMAGE_CHANGED = """([out, src]) => {
    const img = out.querySelector('.widget-image');
    return img && img.getAttribute('src') !== src;
}"""


def test_every_demo_answers_the_keyboard_in_jupyterlab(jupyterlab):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{jupyterlab}/lab/tree/todas_las_demos.ipynb?reset&token={TOKEN}", timeout=TIMEOUT_MS)
        page.wait_for_selector(".jp-Notebook", timeout=TIMEOUT_MS)
        _wait_idle(page)

        # Ejecutar todo: menú «Run» → «Run All Cells».
        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item:has-text('Run All Cells')")
        page.wait_for_function(
            f"document.querySelectorAll('.course-demo-status').length >= {len(DEMO_NAMES)}",
            timeout=TIMEOUT_MS,
        )
        _wait_idle(page)
        page.screenshot(path=str(SCREENSHOTS / "00_todas.png"))

        outputs = page.locator(".jp-OutputArea-output").filter(has=page.locator(".course-demo-status"))
        assert outputs.count() == len(DEMO_NAMES)
        for index, name in enumerate(DEMO_NAMES):
            output = outputs.nth(index)
            output.scroll_into_view_if_needed()
            before_src = output.locator(".widget-image").first.get_attribute("src")
            before_updates = _updates(output)

            handle = output.locator(".widget-slider .noUi-handle").first
            assert handle.count() == 1, f"la demostración «{name}» no tiene deslizadores"
            handle.focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            element = output.element_handle()
            page.wait_for_function(UPDATED, arg=[element, before_updates], timeout=TIMEOUT_MS)
            _wait_idle(page)
            page.wait_for_function(IMAGE_CHANGED, arg=[element, before_src], timeout=TIMEOUT_MS)
            output.screenshot(path=str(SCREENSHOTS / f"{index + 1:02d}_{name}.png"))
            assert "No se pudo" not in output.inner_text(), f"«{name}» mostró un error interno"

        # El laboratorio entrena con «Play» en el navegador sin bloquear el núcleo.
        lab = outputs.nth(DEMO_NAMES.index("playground"))
        lab.scroll_into_view_if_needed()
        lab.locator(".widget-play button").first.click()
        page.wait_for_function(
            """out => /Época [1-9]/.test(out.querySelector('.course-demo-status').textContent)""",
            arg=lab.element_handle(), timeout=TIMEOUT_MS,
        )
        lab.locator(".widget-play button").nth(1).click()  # pausa
        _wait_idle(page)
        lab.screenshot(path=str(SCREENSHOTS / "11_playground_entrenando.png"))

        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText.jp-mod-error"
        )
        assert errors.count() == 0, errors.first.inner_text()
        browser.close()
