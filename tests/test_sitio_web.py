"""El sitio web, como lo ve un estudiante: se construye con ``make web`` (avisos = errores), cada
enlace interno e imagen existe, todo está en español, cada capítulo tiene sus botones de Colab y
Binder y sus figuras, las demostraciones se ven como imagen fija con «cómo moverla», y Chromium
abre la portada y dos capítulos y encuentra sus figuras cargadas.

Se ejecuta DESPUÉS de los cuadernos (``make test`` lo lanza en un segundo paso): reutiliza las
copias ejecutadas que guardó nbval en build/ejecutados; si faltan, el script las ejecuta.
"""

import functools
import http.server
import re
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "build" / "web" / "html"
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))
from colab import repository_url  # noqa: E402

pytest.importorskip("myst_nb", reason="el sitio necesita requirements-web.txt (make web las instala)")


class _Page(HTMLParser):
    """Enlaces, imágenes (con su texto alternativo) e ids de una página."""

    def __init__(self):
        super().__init__()
        self.links, self.images, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "img":
            self.images.append((attrs.get("src", ""), attrs.get("alt")))
        elif tag in ("link", "script") and (attrs.get("href") or attrs.get("src")):
            self.links.append(attrs.get("href") or attrs.get("src"))


@functools.cache
def _parse(page):
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site():
    result = subprocess.run([sys.executable, "scripts/construir_web.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"la construcción falló (avisos = errores):\n{result.stdout}\n{result.stderr}"
    print(result.stdout)
    return HTML


def _pages(site):
    """Las páginas del sitio (no las plantillas que el tema deja en _static)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def test_every_chapter_is_a_page_of_the_table_of_contents(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in index
    for chapter in CHAPTERS:
        assert (site / "notebooks" / f"{chapter.stem}.html").exists(), f"falta la página de {chapter.name}"
        assert f'href="notebooks/{chapter.stem}.html"' in index, f"{chapter.name} no está en el índice"


def test_every_internal_link_and_image_resolves(site):
    broken = []
    for page in _pages(site):
        parsed = _parse(page)
        for url in parsed.links + [src for src, _ in parsed.images]:
            target = urlparse(url)
            if target.scheme or url.startswith(("//", "mailto:", "data:")):
                continue
            path = page if not target.path else (page.parent / unquote(target.path)).resolve()
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(site)} → {url}")
            elif target.fragment and path.suffix == ".html" and target.fragment not in _parse(path).ids:
                broken.append(f"{page.relative_to(site)} → {url} (sin ese ancla)")
    assert not broken, "enlaces rotos:\n" + "\n".join(broken[:30])


def test_every_image_has_spanish_alt_text(site):
    missing = []
    for page in _pages(site):
        for src, alt in _parse(page).images:
            text = (alt or "").strip()
            if len(text) < 8 or re.search(r"\.(png|svg|jpe?g)$|\blogo\b", text):
                missing.append(f"{page.relative_to(site)}: {src[:60]} → alt={alt!r}")
    assert not missing, "imágenes sin texto alternativo en español:\n" + "\n".join(missing[:30])


def test_spanish_interface_search_and_navigation(site):
    chapter = (site / "notebooks" / f"{CHAPTERS[1].stem}.html").read_text(encoding="utf-8")
    assert "anterior" in chapter and "siguiente" in chapter  # navegación entre capítulos
    assert "Búsqueda" in chapter
    assert "SpanishStemmer" in (site / "_static" / "language_data.js").read_text(encoding="utf-8")


def test_chapters_show_outputs_buttons_and_demo_stills(site):
    url = repository_url()
    for chapter in CHAPTERS:
        page = (site / "notebooks" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        colab = f"https://colab.research.google.com/github/{url.removeprefix('https://github.com/')}/blob/main/notebooks/{chapter.name}"
        assert f'href="{colab}"' in page and ">Abrir en Colab<" in page, chapter.name
        assert "mybinder.org/v2/gh/" in page and ">Abrir en Binder<" in page, chapter.name
        assert 'class="cell_output' in page, f"{chapter.name}: sin salidas"
        assert "_images/" in page, f"{chapter.name}: sin figuras"
        # Nunca la forma de texto de un widget ni una traza de error.
        assert not re.search(r"(VBox|HBox|interactive)\(children=", page), chapter.name
        assert "Traceback (most recent call last)" not in page, chapter.name
        code = "\n".join(c.source for c in nbformat.read(chapter, as_version=4).cells if c.cell_type == "code")
        if re.search(r"demos\.\w+\(", code):
            assert 'class="course-demo-still"' in page and "Demostración interactiva" in page, chapter.name


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


FIGURES_LOADED = """() => {
    const imgs = [...document.querySelectorAll('main img, article img, .bd-article img')];
    return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0) ? imgs.length : 0;
}"""


def test_chromium_opens_the_home_page_and_two_chapters(server):
    import navegador
    from test_browser import _require_browser

    sync_api = _require_browser()
    with sync_api.sync_playwright() as p, navegador.chromium(p) as browser:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        for path, minimum in [("index.html", 1), (f"notebooks/{CHAPTERS[1].stem}.html", 4),
                              (f"notebooks/{CHAPTERS[9].stem}.html", 4)]:
            page.goto(f"{server}/{path}")
            page.wait_for_load_state("load")
            count = page.evaluate(FIGURES_LOADED)
            assert count >= minimum, f"{path}: {count} figuras cargadas (se esperaban ≥ {minimum})"
            assert page.locator(".curso-botones a:has-text('Abrir en Colab')").is_visible(), path
        # La búsqueda funciona sin servidor y entiende español (plural → singular).
        page.goto(f"{server}/search.html?q=neuronas")
        page.wait_for_selector("#search-results li", timeout=30_000)
        assert "neurona" in page.locator("#search-results").inner_text().lower()


def _offline_page(browser):
    """Una página que solo llega a localhost: cualquier otra petición se bloquea y se anota."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    blocked = []

    def route(request_route):
        url = request_route.request.url
        if urlparse(url).hostname in ("127.0.0.1", "localhost") or url.startswith("data:"):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return page, blocked


TYPESET = """() => window.MathJax && MathJax.startup && MathJax.startup.promise.then(() => ({
    typeset: document.querySelectorAll('mjx-container').length,
    raw: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container')).length,
    errors: document.querySelectorAll('mjx-merror').length,
}))"""


def test_formulas_are_typeset_with_no_network(server):
    """MathJax viene del propio sitio (npm, fijado): sin red, las fórmulas se ven compuestas."""
    import navegador
    from test_browser import _require_browser

    sync_api = _require_browser()
    chapter = next(p for p in CHAPTERS if p.name.startswith("03_"))
    with sync_api.sync_playwright() as p, navegador.chromium(p) as browser:
        page, blocked = _offline_page(browser)
        page.goto(f"{server}/notebooks/{chapter.stem}.html")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        result = page.evaluate(TYPESET)
        print(f"{chapter.stem}: {result['typeset']} fórmulas compuestas sin red; peticiones bloqueadas: {blocked}")
        assert result["typeset"] >= 20, result
        assert result["raw"] == 0 and result["errors"] == 0, result
        assert not blocked, f"el capítulo pide recursos de fuera: {blocked}"
