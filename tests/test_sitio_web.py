"""El sitio web, como lo ve un estudiante: se construye con ``make web`` (avisos = errores), cada
enlace interno e imagen existe, todo está en español, cada capítulo tiene sus botones de Colab y
Binder y sus figuras, las demostraciones se ven como imagen fija con «cómo moverla», y Chromium
abre la portada y dos capítulos y encuentra sus figuras cargadas.

Se ejecuta DESPUÉS de los cuadernos (``make test`` lo lanza en un segundo paso): reutiliza las
copias ejecutadas que guardó nbval en build/ejecutados; si faltan, el script las ejecuta.
"""

import functools
import http.server
import importlib
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
            # Los enlaces «[docs]» de las páginas de código (viewcode) a nombres reexportados apuntan a
            # anclas que autodoc no crea: llevan a la página correcta, aunque no al nombre.
            elif (target.fragment and path.suffix == ".html" and target.fragment not in _parse(path).ids
                  and "_modules" not in page.relative_to(site).parts):
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
    # Las figuras de los cuadernos dicen qué muestran (leído de la propia figura: título y ejes).
    outputs = [alt for page in (site / "notebooks").glob("*.html") for src, alt in _parse(page).images
               if "_images/" in src and not src.split("/")[-1].startswith("capitulo_")]
    described = [alt for alt in outputs if alt.startswith("Figura") and not alt.startswith("Figura del capítulo")]
    with_axes = [alt for alt in described if " eje " in alt]
    print(f"{len(described)} de {len(outputs)} figuras con descripción leída de la figura ({len(with_axes)} con "
          f"sus ejes; las demás son diagramas o imágenes sin ejes); {len(set(outputs))} textos distintos")
    assert len(described) >= 0.9 * len(outputs), [a for a in outputs if a not in described][:10]


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
            assert 'class="course-demo-still' in page and "Demostración interactiva" in page, chapter.name


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


# Las frases en inglés que dejaban el tema y Sphinx (y las de su clase: botones, barras, descargas…).
ENGLISH = re.compile(r"\b(Search|Toggle|Launch|Link to|Copyright|Download|Print|Fullscreen|Repository|Source|"
                     r"Skip to|Back to|Close|Copy|Copied|Edit|Open in|Main|Page|Home|Breadcrumb|Previous|"
                     r"Next|Contents|Theme|Light|Dark|System|sidebar|heading|logo|Suggest|issue)\b")
INTERFACE_ATTRIBUTES = ("title", "aria-label", "placeholder", "data-bs-title", "aria-valuetext")


class _Interface(HTMLParser):
    """Lo que un lector encuentra de la interfaz: atributos de ayuda en toda la página, y textos y
    textos alternativos fuera del artículo (dentro, el curso puede citar títulos en inglés)."""

    def __init__(self):
        super().__init__()
        self.found, self.article, self.skip = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.article += 1
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if value and (name in INTERFACE_ATTRIBUTES or (name == "alt" and not self.article)):
                self.found.append(f'{tag} {name}="{value}"')

    def handle_endtag(self, tag):
        if tag == "article":
            self.article -= 1
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.article and not self.skip and data.strip():
            self.found.append(data.strip())


def test_no_english_where_a_reader_meets_the_site(site):
    english = set()
    for page in _pages(site):
        parser = _Interface()
        parser.feed(page.read_text(encoding="utf-8"))
        english.update(f"{page.relative_to(site)}: {text}" for text in parser.found if ENGLISH.search(text))
    assert not english, "interfaz en inglés:\n" + "\n".join(sorted(english)[:40])
    options = (site / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    assert "LANGUAGE: 'es'" in options


def test_every_demo_moves_with_precomputed_frames_within_budget(site):
    """Cada demostración de cada capítulo lleva sus cuadros y un deslizador en español; el sitio
    entero cabe en 60 MB y los cuadros de una demostración en 3 MB."""
    for chapter in CHAPTERS:
        page = (site / "notebooks" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        stills = page.count('class="course-demo-still')
        moving = page.count('class="course-demo-still course-demo-frames"')
        assert moving == stills, f"{chapter.name}: {stills - moving} demostraciones sin cuadros"
        for label in re.findall(r'<label for="demo-[^"]+">([^<]+)</label>', page):
            assert not ENGLISH.search(label), label
    folders = [f for f in (site / "_static" / "demos").iterdir() if f.is_dir()]
    sizes = {f.name: sum(p.stat().st_size for p in f.rglob("*.png")) for f in folders}
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"Sitio: {total / 1e6:.1f} MB; cuadros de {len(folders)} demostraciones: {sum(sizes.values()) / 1e6:.1f} MB "
          f"(la mayor, {max(sizes, key=sizes.get)}: {max(sizes.values()) / 1e6:.2f} MB)")
    assert total < 60e6, f"el sitio ocupa {total / 1e6:.1f} MB"
    assert max(sizes.values()) < 3e6, sizes


def test_a_demo_slider_changes_its_image_with_no_network(server):
    import navegador
    from test_browser import _require_browser

    sync_api = _require_browser()
    with sync_api.sync_playwright() as p, navegador.chromium(p) as browser:
        page, blocked = _offline_page(browser)
        page.goto(f"{server}/notebooks/{CHAPTERS[1].stem}.html")
        figure = page.locator("figure.course-demo-frames").first
        slider = figure.locator("input[type=range]").first
        label = figure.locator("label").first.inner_text()
        before = figure.locator("img").get_attribute("src")
        caption = figure.locator(".course-demo-caption").inner_text()
        slider.focus()
        page.keyboard.press("Home")  # con el teclado, como un lector sin ratón
        page.wait_for_function("([img, src]) => img.getAttribute('src') !== src && img.complete && img.naturalWidth > 0",
                               arg=[figure.locator("img").element_handle(), before], timeout=10_000)
        after = figure.locator("img").get_attribute("src")
        print(f"«{label}»: {before} → {after}; pie: «{caption}» → «{figure.locator('.course-demo-caption').inner_text()}»")
        assert after != before and slider.get_attribute("aria-valuetext")
        assert not blocked, blocked


def test_the_reference_of_course_lib_is_generated_from_the_code(site):
    """Cada nombre público (capas, pérdidas, optimizadores, retrollamadas, datos, gráficas, demos)
    tiene su entrada con firma, docstring y enlace a su código; Conv2D dice qué acepta."""
    import referencia_web

    documented = set()
    for page in (site / "referencia").glob("*.html"):
        documented |= {i for i in _parse(page).ids if i.startswith("course_lib.")}
    def resolve(dotted):
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)

    objects = set()
    for name in documented:
        try:
            objects.add(id(resolve(name)))
        except (ImportError, AttributeError):  # métodos documentados con su clase (Sequential.fit)
            pass
    missing = []
    for _, _, module_name, _, fixed in referencia_web.SECTIONS:
        module = importlib.import_module(module_name)
        # Un alias (AvgPool2D = AveragePooling2D) cuenta como documentado con su nombre principal.
        missing += [f"{module_name}.{n}" for n in referencia_web.public_names(module, fixed)
                    if id(getattr(module, n)) not in objects]
    assert not missing, missing
    layers = (site / "referencia" / "capas.html").read_text(encoding="utf-8")
    conv = layers[layers.index('id="course_lib.nn.layers.Conv2D"'):][:6000]
    signature = re.sub(r"<[^>]+>", "", conv[:conv.index("</dt>")])
    assert "filters, kernel_size, strides=1" in signature, signature  # la firma de verdad, no (*args, **kwargs)
    assert "viewcode-link" in conv and "docstring-curso" in conv
    assert (site / "_modules" / "course_lib" / "nn" / "convolution.html").exists()


def test_a_public_name_without_docstring_stops_the_reference(monkeypatch):
    import referencia_web
    from course_lib import plots

    def nueva_grafica():
        pass

    nueva_grafica.__module__ = "course_lib.plots"
    monkeypatch.setattr(plots, "nueva_grafica", nueva_grafica, raising=False)
    with pytest.raises(SystemExit, match="course_lib.plots.nueva_grafica"):
        referencia_web.pages()


# Contraste de cada texto visible con su fondo efectivo (WCAG 2: luminancia relativa).
CONTRAST = """() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255}; };
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('mjx-container, svg, .visually-hidden, .sr-only') || !el.getClientRects().length) continue;
    const text = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
    const style = getComputedStyle(el);
    if (!text || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const [a, b] = [lum(parse(style.color)), lum(background(el))].sort((x, y) => y - x);
    found.push({ratio: Math.round((a + 0.05) / (b + 0.05) * 100) / 100, text: text.slice(0, 50),
                element: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '')});
  }
  return found.sort((x, y) => x.ratio - y.ratio).slice(0, 8);
}"""
AXE = ROOT / ".web" / "node_modules" / "axe-core" / "axe.min.js"


def test_accessibility_dark_mode_axe_and_favicon(server):
    """Modo oscuro con contraste ≥ 4,5:1 en todo texto, axe-core (WCAG 2 A y AA) sin fallos graves ni
    críticos en la portada, un capítulo con demostración y una página de la referencia, y favicon."""
    import navegador
    from test_browser import _require_browser

    sync_api = _require_browser()
    chapter = f"notebooks/{CHAPTERS[1].stem}.html"
    with sync_api.sync_playwright() as p, navegador.chromium(p) as browser:
        page, blocked = _offline_page(browser)
        page.emulate_media(color_scheme="dark")
        page.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
        page.goto(f"{server}/{chapter}")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        worst = page.evaluate(CONTRAST)
        print("Contraste más bajo en modo oscuro:", worst[:3])
        assert worst[0]["ratio"] >= 4.5, worst
        icon = page.evaluate("document.querySelector('link[rel~=icon]').href")
        assert page.request.get(icon).ok, icon
        counts = {}
        for path in ["index.html", chapter, "referencia/capas.html"]:
            assert page.goto(f"{server}/{path}").ok, path
            page.add_script_tag(path=str(AXE))
            # WCAG 2.0 y 2.1 A y AA, más «label-content-name-mismatch» (experimental en axe: la que
            # fallaba en los botones de búsqueda del tema).
            result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
                                   "'experimental']})")
            violations = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]]
            counts[path] = {"aprobadas": len(result["passes"]), "fallos": violations,
                            "incompletas": len(result["incomplete"])}
        print("axe-core 4.11.0:", counts)
        grave = {path: [v for v in c["fallos"] if v[1] in ("serious", "critical")] for path, c in counts.items()}
        assert not any(grave.values()), grave
        assert not blocked, blocked
