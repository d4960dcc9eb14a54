"""Las diapositivas como las ve el aula, en Chromium sin pantalla (Playwright) y un JupyterLab real
con los ajustes del curso (README, «Para dar clase»).

- Empezar: en el cuaderno, Alt+R abre la presentación en su pestaña, con el mismo núcleo, y el
  teclado ya funciona sin hacer clic; F pone la pantalla completa; Espacio avanza; W muestra el mapa.
  Las teclas que el README promete son las que se prueban aquí (``README_KEYS``).
- Tipografía: texto de 22 px y código de 18 px medidos en pantalla a 1024×768.
- Salida que crece: una demostración ejecutada con Ctrl+Intro después de entrar en la diapositiva
  se alcanza desplazando la diapositiva (RISE solo ponía barra al entrar).
- El recorrido: cada diapositiva de cada capítulo, a 1024×768 y a 1280×720, con sus salidas (las de
  la copia ejecutada que dejó nbval en build/ejecutados: no se ejecuta nada otra vez); falla si algo
  queda fuera de alcance (fuera de la pantalla sin barra para llegar, o cortado a lo ancho).

``make test`` la ejecuta después de los cuadernos (necesita sus copias ejecutadas).
"""

import json
import os
import shutil
import time
import urllib.request

import nbformat
import pytest

import navegador

ROOT = navegador.ROOT
SCREENSHOTS = navegador.CAPTURAS
EXECUTED = ROOT / "build" / "ejecutados"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# make test recorre una muestra fija (CURSO_DIAPOSITIVAS_CAPITULOS=05,07,…: la que más diapositivas tiene, las
# que más se desplazan, las de las demostraciones más altas y las más nuevas) para caber en sus 15 minutos;
# make browser, todas.
_ONLY = [c.strip() for c in os.environ.get("CURSO_DIAPOSITIVAS_CAPITULOS", "").split(",") if c.strip()]
WALKED = [p for p in NOTEBOOKS if not _ONLY or p.name[:2] in _ONLY]
TIMEOUT_MS = 120_000
# make test recorre solo 1024×768 (el proyector; CURSO_DIAPOSITIVAS_TAMANOS=1024x768) para caber en sus 15 minutos;
# make browser, los dos tamaños (y todos los capítulos: ver WALKED).
SIZES = [tuple(int(n) for n in tamano.split("x"))
         for tamano in os.environ.get("CURSO_DIAPOSITIVAS_TAMANOS", "1024x768,1280x720").split(",")]
START_NOTEBOOK = "07_datos_y_preprocesamiento.ipynb"
# Lo que el README dice que hace cada tecla en la presentación; cada una se prueba abajo.
# (Inicio y Fin no se prometen: en una diapositiva que se desplaza, el navegador las usa para desplazarla.)
README_KEYS = ["Alt+R", "F", "Espacio", "Mayús+Espacio", "Ctrl+Intro", "W"]


@pytest.fixture(scope="module")
def browser():
    with navegador.chromium_de_prueba() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    """JupyterLab del curso sobre una carpeta con copias (RISE guarda lo que presenta) y rise.css."""
    root = tmp_path_factory.mktemp("diapositivas")
    shutil.copy(ROOT / "notebooks" / "rise.css", root / "rise.css")
    shutil.copy(ROOT / "notebooks" / START_NOTEBOOK, root / START_NOTEBOOK)
    with navegador.jupyterlab(root) as url:
        yield url, root


def _rise_url(url, name):
    return f"{url}/rise/{name}?token={navegador.TOKEN}"


def _open_rise(page, url, name):
    page.goto(_rise_url(url, name), timeout=TIMEOUT_MS)
    page.wait_for_selector(".reveal .slides section.present", timeout=TIMEOUT_MS)
    page.wait_for_selector("body[data-curso-presentacion='lista']", timeout=TIMEOUT_MS)


def _focus_in_notebook(page):
    return page.evaluate("() => !!document.activeElement && !!document.activeElement.closest('.jp-Notebook')")


def _present(page):
    return page.evaluate("() => location.hash")


def test_readme_lists_the_real_keys_and_not_the_old_ones():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Para dar clase", 1)[1].split("\n## ", 1)[0]
    for key in README_KEYS:
        assert f"**{key}**" in section, f"el README no dice qué hace {key}"
    assert "**O**" not in section and "**Esc** o" not in section, "el mapa de diapositivas es W, no Esc ni O"
    assert "make presentar" in section


def test_alt_r_then_f_starts_the_show_full_screen_with_the_keyboard_working(browser, lab):
    """Como en clase: el cuaderno abierto en JupyterLab, Alt+R, F; y las teclas del README responden."""
    url, root = lab
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(f"{url}/lab/tree/{START_NOTEBOOK}?reset&token={navegador.TOKEN}", timeout=TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=TIMEOUT_MS)
    navegador.wait_idle(page)
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")  # modo de órdenes, como tras ejecutar las celdas de preparación
    with context.expect_page(timeout=TIMEOUT_MS) as opened:
        page.keyboard.press("Alt+r")
    show = opened.value
    show.wait_for_selector(".reveal .slides section.present", timeout=TIMEOUT_MS)
    show.wait_for_selector("body[data-curso-presentacion='lista']", timeout=TIMEOUT_MS)
    show.wait_for_function("() => document.activeElement && document.activeElement.closest('.jp-Notebook')",
                           timeout=10_000)
    assert "/rise/" in show.url
    # El mismo núcleo: lo que se ejecutó en el cuaderno (las celdas de preparación) vale en la presentación.
    with urllib.request.urlopen(f"{url}/api/sessions?token={navegador.TOKEN}") as answer:
        sessions = [s for s in json.load(answer) if s["path"].endswith(START_NOTEBOOK)]
    assert len({s["kernel"]["id"] for s in sessions}) == 1, sessions

    show.keyboard.press("f")
    show.wait_for_function("() => !!document.fullscreenElement", timeout=10_000)
    assert _focus_in_notebook(show), "tras la pantalla completa el teclado no llega a las diapositivas"
    first = _present(show)
    show.keyboard.press("Space")
    show.wait_for_function("h => location.hash !== h", arg=first, timeout=10_000)
    show.keyboard.press("Shift+Space")
    show.wait_for_function("h => location.hash === h", arg=first, timeout=10_000)
    show.keyboard.press("w")
    show.wait_for_selector(".reveal.overview", timeout=10_000)
    show.screenshot(path=str(SCREENSHOTS / "diapositivas_mapa.png"))
    show.keyboard.press("w")
    show.wait_for_selector(".reveal:not(.overview)", timeout=10_000)
    show.keyboard.press("f")
    show.wait_for_function("() => !document.fullscreenElement", timeout=10_000)
    assert _focus_in_notebook(show)
    context.close()


def _grow_notebook(folder):
    """Una diapositiva corta que, al ejecutar su celda, recibe una demostración más alta que la pantalla."""
    cells = [nbformat.v4.new_markdown_cell("# Prueba\n\nUna diapositiva que crece."),
             nbformat.v4.new_markdown_cell("## La demostración\n\n" + "Texto de la diapositiva.\n\n" * 8),
             nbformat.v4.new_code_cell("from course_lib import demos\n\ndemos.scaling()")]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell, kind in zip(cells, ["slide", "slide", "-"]):
        cell.metadata["slideshow"] = {"slide_type": kind}
    notebook.metadata["rise"] = {"scroll": True, "center": False, "transition": "none",
                                 "start_slideshow_at": "beginning"}
    nbformat.write(notebook, folder / "crece.ipynb")


def test_fonts_on_screen_and_output_that_grows_after_entering_a_slide_is_reachable(browser, lab):
    url, root = lab
    _grow_notebook(root)
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    _open_rise(page, url, "crece.ipynb")
    page.keyboard.press("Space")
    page.wait_for_selector("section.present .jp-CodeCell", timeout=TIMEOUT_MS)
    sizes = page.evaluate("""() => {
        const s = document.querySelector('section.present > section.present');
        const px = e => parseFloat(getComputedStyle(e).fontSize);
        return {text: px(s.querySelector('.jp-RenderedMarkdown p')), code: px(s.querySelector('.cm-line')),
                heading: px(s.querySelector('.jp-RenderedMarkdown h2'))};
    }""")
    print(f"\ntipografía medida a 1024×768: texto {sizes['text']} px, código {sizes['code']} px, "
          f"título {sizes['heading']} px")
    assert 21 <= sizes["text"] <= 24 and 17 <= sizes["code"] <= 20, sizes
    before = page.evaluate("() => document.querySelector('section.present > section.present').scrollHeight")
    page.locator("section.present .jp-CodeCell").first.click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("section.present .widget-image", timeout=TIMEOUT_MS)
    page.wait_for_function("""() => { const i = document.querySelector('section.present .widget-image');
                                     return i && i.getBoundingClientRect().height > 100; }""", timeout=TIMEOUT_MS)
    reach = page.evaluate("""() => {
        const s = document.querySelector('section.present > section.present');
        s.scrollTop = s.scrollHeight;
        const img = s.querySelector('.widget-image').getBoundingClientRect();
        return {grown: s.scrollHeight, client: s.clientHeight, overflow: getComputedStyle(s).overflowY,
                imgBottom: img.bottom, viewport: innerHeight};
    }""")
    page.screenshot(path=str(SCREENSHOTS / "diapositiva_que_crece.png"))
    assert reach["grown"] > reach["client"] and reach["grown"] > before, reach  # de verdad no cabía
    assert reach["overflow"] in ("auto", "scroll"), reach
    assert reach["imgBottom"] <= reach["viewport"], f"la figura de la demo no se alcanza: {reach}"
    page.close()


# --- El recorrido de todas las diapositivas --------------------------------------------------------

def _with_executed_outputs(source_path):
    """El cuaderno fuente (sus diapositivas de hoy) con las salidas de la copia ejecutada, celda a celda
    (misma id y mismo código). Devuelve el cuaderno y cuántas celdas de código quedaron sin salida."""
    notebook = nbformat.read(source_path, as_version=4)
    copy = EXECUTED / source_path.name
    executed = nbformat.read(copy, as_version=4) if copy.exists() else None
    by_id = {c.get("id"): c for c in executed.cells} if executed else {}
    missing = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        twin = by_id.get(cell.get("id"))
        if twin is not None and twin.source == cell.source:
            cell.outputs = twin.outputs
        elif cell.metadata.get("slideshow", {}).get("slide_type") != "skip":
            missing += 1
    return notebook, missing, executed is not None


WALK = """async (ids) => {
    const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const out = [];
    for (const id of ids) {
        location.hash = '#/' + id;
        const s = document.getElementById(id);
        const until = Date.now() + 10000;  // con la CPU compartida un cambio puede tardar
        // Reveal reescribe la dirección poco después de cada cambio y puede pisar la nueva: se repite.
        for (let i = 1; !s.classList.contains('present') && Date.now() < until; i++) {
            await frame();
            if (i % 10 === 0) location.hash = '#/' + id;
        }
        await frame();
        const r = s.getBoundingClientRect();
        const style = getComputedStyle(s);
        const scrolls = ['auto', 'scroll'].includes(style.overflowY);
        const tall = s.scrollHeight > s.clientHeight + 1;
        const problems = [];
        if (!s.classList.contains('present')) problems.push('no se llegó a ella');
        if (r.top < -1 || r.bottom > innerHeight + 1) problems.push(`fuera de la pantalla (${Math.round(r.top)}–${Math.round(r.bottom)} px)`);
        if (tall && !scrolls) problems.push(`${s.scrollHeight - s.clientHeight} px abajo sin barra`);
        if (s.scrollWidth > s.clientWidth + 1) problems.push(`${s.scrollWidth - s.clientWidth} px cortados a lo ancho`);
        out.push({id, tall, problems});
    }
    return out;
}"""


@pytest.mark.parametrize("path", WALKED, ids=lambda p: p.stem)
def test_every_slide_is_within_reach_at_both_sizes(browser, lab, path):
    """Las diapositivas del capítulo con las salidas de su copia ejecutada: una carga de la
    presentación (su núcleo no ejecuta nada) y un recorrido por tamaño de pantalla."""
    url, root = lab
    notebook, missing, has_copy = _with_executed_outputs(path)
    if not has_copy:
        message = f"No hay copia ejecutada de {path.name} en build/ejecutados: ejecuta antes los cuadernos (make test)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = "recorrido_" + path.name
    nbformat.write(notebook, root / name)
    page = browser.new_page(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    started = time.time()
    _open_rise(page, url, name)
    ids = page.evaluate("() => [...document.querySelectorAll('.reveal .slides > section > section[id]')].map(s => s.id)")
    loaded = time.time() - started
    failures, lines = [], []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(0.3)
        results = page.evaluate(WALK, ids)
        bad = [f"{width}×{height} {r['id']}: {', '.join(r['problems'])}" for r in results if r["problems"]]
        failures += bad
        lines.append(f"{width}×{height}: {len(results)} diapositivas, {sum(r['tall'] for r in results)} se "
                     f"desplazan, {len(bad)} fuera de alcance")
    page.close()
    _shut_down_kernels(url, name)
    note = f"; {missing} celdas sin salida en la copia" if missing else ""
    print(f"\n{path.stem}: " + "; ".join(lines) + f" (carga {loaded:.0f} s, recorrido "
          f"{time.time() - started - loaded:.0f} s{note})")
    assert not failures, f"{path.stem}: diapositivas fuera de alcance:\n" + "\n".join(failures)


def _shut_down_kernels(url, name):
    """Cierra la sesión (y el núcleo) que abrió la presentación: un núcleo por capítulo sobraría."""
    with urllib.request.urlopen(f"{url}/api/sessions?token={navegador.TOKEN}") as answer:
        sessions = [s for s in json.load(answer) if s["path"].endswith(name)]
    for session in sessions:
        request = urllib.request.Request(f"{url}/api/sessions/{session['id']}?token={navegador.TOKEN}",
                                         method="DELETE")
        urllib.request.urlopen(request).close()
