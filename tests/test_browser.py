"""Las demostraciones en un JupyterLab real, en la sala de Voilà y en diapositivas RISE, manejadas con
Chromium sin pantalla (Playwright).

- JupyterLab del curso (ajustes de jupyter/ajustes): el menú está en español; un cuaderno con todas
  las demostraciones se ejecuta entero, se mueve con el teclado un deslizador de cada una y la
  figura cambia, sin ninguna salida de error. El laboratorio entrena con «Play».
- La sala de demostraciones (``make clase``, Voilà): cada capítulo abre su demostración y esta
  responde al teclado, sin trazas.
- Un cuaderno del curso abierto como diapositivas RISE llega a la diapositiva de su demostración,
  la ejecuta y la demostración responde al deslizador.

Las capturas quedan en ``build/capturas/`` (ignorada por git). Servidores y navegador:
tests/navegador.py (los mismos que usa benchmarks/navegador.py).
"""

import re
import shutil

import pytest

from course_lib.demos import DEMO_NAMES
from course_lib.demos.room import ROOM

import navegador

SCREENSHOTS = navegador.CAPTURAS
TIMEOUT_MS = 120_000
ERRORS = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText.jp-mod-error"
RISE_NOTEBOOK = "07_datos_y_preprocesamiento.ipynb"  # su celda de demostración no depende de las anteriores


_require_browser = navegador.require_browser


@pytest.fixture(scope="module")
def browser():
    with navegador.chromium_de_prueba() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory, browser):
    root = tmp_path_factory.mktemp("lab")
    navegador.write_all_demos_notebook(root, DEMO_NAMES)
    # Una copia: RISE guarda el cuaderno que presenta, y el del repositorio no debe cambiar.
    shutil.copy(navegador.ROOT / "notebooks" / RISE_NOTEBOOK, root / RISE_NOTEBOOK)
    with navegador.jupyterlab(root) as url:
        yield url


def test_jupyterlab_menu_reads_in_spanish(browser, jupyterlab):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{jupyterlab}/lab?reset&token={navegador.TOKEN}", timeout=TIMEOUT_MS)
    page.wait_for_selector(".lm-MenuBar-item", timeout=TIMEOUT_MS)
    page.wait_for_function("document.querySelector('.lm-MenuBar-content').textContent.includes('Archivo')",
                           timeout=TIMEOUT_MS)
    menus = [item.inner_text() for item in page.locator(".lm-MenuBar-item").all()]
    page.screenshot(path=str(SCREENSHOTS / "jupyterlab_en_espanol.png"))
    for spanish in ("Archivo", "Editar", "Ver", "Ejecutar", "Núcleo", "Pestañas", "Configuración", "Ayuda"):
        assert spanish in menus, menus
    # Ningún menú en inglés: «Run», «Kernel» y «Tabs» los traducen los ajustes del curso (el paquete de
    # idioma 4.5 no los tiene).
    assert not {"File", "Edit", "View", "Run", "Kernel", "Tabs", "Settings", "Help"} & set(menus), menus
    page.close()


def test_every_demo_answers_the_keyboard_in_jupyterlab(browser, jupyterlab):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{jupyterlab}/lab/tree/todas_las_demos.ipynb?reset&token={navegador.TOKEN}", timeout=TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook", timeout=TIMEOUT_MS)
    navegador.wait_idle(page)

    # Ejecutar todo desde el menú, como un usuario: «Run»/«Ejecutar» → «Ejecutar todas las celdas».
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^\s*(Run|Ejecutar)\s*$")).click()
    page.locator(".lm-Menu-item", has_text=re.compile(r"^\s*(Run All Cells|Ejecutar todas las celdas)")).first.click()
    page.wait_for_function(
        f"document.querySelectorAll('.course-demo-status').length >= {len(DEMO_NAMES)}", timeout=TIMEOUT_MS)
    navegador.wait_idle(page)
    page.screenshot(path=str(SCREENSHOTS / "00_todas.png"))

    outputs = page.locator(".jp-OutputArea-output").filter(has=page.locator(".course-demo-status"))
    assert outputs.count() == len(DEMO_NAMES)
    for index, name in enumerate(DEMO_NAMES):
        output = outputs.nth(index)
        output.scroll_into_view_if_needed()
        assert output.locator(".widget-slider .noUi-handle").count() >= 1, f"«{name}» no tiene deslizadores"
        navegador.move_slider_and_wait(page, output)
        navegador.wait_idle(page)
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
    navegador.wait_idle(page)
    lab.screenshot(path=str(SCREENSHOTS / "playground_entrenando.png"))

    errors = page.locator(ERRORS)
    assert errors.count() == 0, errors.first.inner_text()
    page.close()


def _visible_box(page, locator, attempts=20):
    """La caja de un elemento visible. Una demostración que termina un ajuste en segundo plano (familias)
    reescribe su línea de estado: entre esperar y medir, el elemento puede haber sido sustituido."""
    for _ in range(attempts):
        locator.wait_for(state="visible", timeout=TIMEOUT_MS)
        box = locator.bounding_box()
        if box is not None:
            return box
        page.wait_for_timeout(100)
    return None


def test_the_demo_room_opens_every_chapter_and_each_demo_answers(browser):
    with navegador.voila(navegador.ROOT / "clase" / "sala_de_demostraciones.ipynb") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url, timeout=TIMEOUT_MS)
        page.wait_for_selector(".course-demo-status", timeout=TIMEOUT_MS)
        page.screenshot(path=str(SCREENSHOTS / "sala_00_inicio.png"))
        buttons = page.locator(".course-room-chapters button")
        assert buttons.count() == len(ROOM)
        outside = {(1024, 768): 0, (1280, 720): 0}
        narrow = []   # pistas de deslizador de menos de 120 px: (demostración, índice, ancho)
        for index, (chapter, _, name, hint) in enumerate(ROOM):
            buttons.nth(index).click()
            page.wait_for_function("hint => document.querySelector('.course-room').innerText.includes(hint)",
                                   arg=hint, timeout=TIMEOUT_MS)
            demo = page.locator(".course-room .widget-vbox").filter(has=page.locator(".course-demo-status")).last
            demo.wait_for(timeout=TIMEOUT_MS)
            navegador.move_slider_and_wait(page, demo)
            page.screenshot(path=str(SCREENSHOTS / f"sala_{chapter}_{name}.png"))
            text = page.locator(".course-room").inner_text()
            assert "No se pudo" not in text and "Traceback" not in text, f"«{name}»: {text[:500]}"
            # En un proyector de 1024×768 y de 1280×720, sin desplazarse: controles, figura y estado.
            for width, height in ((1024, 768), (1280, 720)):
                page.set_viewport_size({"width": width, "height": height})
                page.evaluate("window.scrollTo(0, 0)")
                parts = {"controles": demo.locator(".widget-slider").first, "figura": demo.locator(".widget-image").first,
                         "estado": demo.locator(".course-demo-status").first}
                for part, locator in parts.items():
                    box = _visible_box(page, locator)
                    assert box is not None, f"{width}×{height} · {chapter} {name}: {part} no se ve"
                    outside[(width, height)] += box["y"] + box["height"] > height + 1 or box["x"] + box["width"] > width + 1
                    if box["y"] + box["height"] > height + 1:
                        print(f"{width}×{height} · {chapter} {name}: {part} acaba en y = {box['y'] + box['height']:.0f}")
            page.set_viewport_size({"width": 1280, "height": 720})
            # Ninguna pista de deslizador aplastada (la de «Puntos de entrenamiento m:» medía unos píxeles).
            tracks = demo.locator(".widget-slider .noUi-target")
            for k in range(tracks.count()):
                if tracks.nth(k).bounding_box()["width"] < 120:
                    narrow.append((name, k, round(tracks.nth(k).bounding_box()["width"])))
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        page.close()
    print(f"Partes fuera de la pantalla en la sala: {outside}; pistas estrechas: {narrow}")
    assert outside == {(1024, 768): 0, (1280, 720): 0} and narrow == []


def test_a_notebook_as_rise_slides_reaches_its_demo_slide_and_the_demo_answers(browser, jupyterlab):
    """Como en clase: se abre el cuaderno en RISE, se va a la diapositiva de la demo, se ejecuta su
    celda con Ctrl+Intro (Mayús+Intro pasaría a la diapositiva siguiente) y se arrastra un
    deslizador con el ratón (en la presentación las flechas del teclado cambian de diapositiva).
    Los widgets se pintan gracias a jupyter/labextensions/curso-widgets-en-rise."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    try:
        page.goto(f"{jupyterlab}/rise/{RISE_NOTEBOOK}?token={navegador.TOKEN}", timeout=TIMEOUT_MS)
        page.wait_for_selector(".reveal .slides section", timeout=TIMEOUT_MS)
        slide = page.evaluate(
            """() => [...document.querySelectorAll('.reveal .slides section')]
                     .filter(s => !s.querySelector('section') && s.textContent.includes('demos.scaling()'))
                     .map(s => s.id)[0]""")
        assert slide, "ninguna diapositiva tiene la demostración"
        page.evaluate("id => { location.hash = '#/' + id; }", slide)
        page.wait_for_selector(f"#{slide}.present", timeout=TIMEOUT_MS)
        # La instrucción («Prueba a…») va en la diapositiva de la demo o, si las dos no caben juntas, justo antes.
        instruccion = page.evaluate(
            """id => { const all = [...document.querySelectorAll('.reveal .slides section')].filter(s => !s.querySelector('section'));
                       const i = all.findIndex(s => s.id === id);
                       return all.slice(Math.max(0, i - 1), i + 1).map(s => s.textContent).join(' '); }""", slide)
        assert "Prueba a" in instruccion
        cell = page.locator(f"#{slide} .jp-CodeCell").filter(has_text="demos.scaling()").first
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+Enter")
        output = page.locator(f"#{slide} .jp-OutputArea-output").last
        output.wait_for(timeout=TIMEOUT_MS)
        # O se pinta la demo, o sale su texto «VBox(…)» (el gestor de widgets no cargó en RISE).
        page.wait_for_function(
            "out => out.querySelector('.course-demo-status') || out.innerText.includes('VBox(')",
            arg=output.element_handle(), timeout=TIMEOUT_MS)
        page.screenshot(path=str(SCREENSHOTS / "rise_diapositiva_de_la_demo.png"))
        console_errors = [m for m in messages if "Shared module @jupyterlab/console doesn't exist" in m]
        assert output.locator(".course-demo-status").count() == 1, (
            f"la demo salió como texto en RISE: ¿falta curso-widgets-en-rise? {console_errors}")
        assert not console_errors, console_errors
        navegador.drag_slider_and_wait(page, output)
        assert page.locator(f"#{slide}.present").count() == 1, "la presentación cambió de diapositiva"
        page.screenshot(path=str(SCREENSHOTS / "rise_demo_responde.png"))
    finally:
        page.close()
