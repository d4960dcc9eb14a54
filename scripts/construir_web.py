"""Construye el sitio web del curso (``make web``) en build/web/html.

1. Cada cuaderno ``notebooks/NN_*.ipynb``, ya ejecutado: se reutiliza la copia que guardó nbval
   en build/ejecutados (``make test``; ver conftest.py) si corresponde al cuaderno actual (misma
   huella SHA-256); si no, se ejecuta aquí con nbclient (dos a la vez) y se guarda allí.
2. Fuentes del sitio en build/web/fuente: los cuadernos ejecutados con los botones «Abrir en
   Colab / Binder» bajo el título, texto alternativo en español para cada figura y los enlaces a
   ficheros del repositorio que no son capítulos convertidos en enlaces a GitHub; ``index.md`` (el
   índice del curso, notebooks/README.md) con la tabla de contenidos de TODOS los capítulos que
   haya, y images/.
3. ``sphinx-build -W`` (los avisos son errores) con la configuración de web/conf.py.

    python scripts/construir_web.py            # usa las copias ejecutadas que sirvan
    python scripts/construir_web.py --ejecutar # vuelve a ejecutar todos los cuadernos
"""

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from colab import binder_url, colab_url, repository_url  # noqa: E402

def _root_conftest():
    """El conftest.py de la raíz (dónde y con qué huella guarda nbval las copias ejecutadas), por su
    ruta: dentro de pytest, «conftest» puede ser ya el de tests/."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("conftest_de_la_raiz", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_CONFTEST = _root_conftest()
EXECUTED_DIR, source_fingerprint = _CONFTEST.EXECUTED_DIR, _CONFTEST.source_fingerprint
import cuadros_demos  # noqa: E402
import referencia_web  # noqa: E402
from imagenes import DESCRIPTIONS  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build" / "web"
SOURCE = BUILD / "fuente"
HTML = BUILD / "html"
# Lo que el sitio sirve él mismo (web/conf.py lo añade a html_static_path): MathJax, sin CDN.
STATIC = BUILD / "estaticos"
NODE_MODULES = ROOT / ".web" / "node_modules"
# De MathJax 3 (npm, fijado en el Makefile): el componente TeX → HTML, sus fuentes y las extensiones
# que carga al vuelo (TeX, menú, accesibilidad). Sin la salida SVG ni la voz (sre): ≈ 4 MB.
MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml.js", "output/chtml", "a11y", "ui", "adaptors"]
WIDGET = "application/vnd.jupyter.widget-view+json"
LIVE_LINE = ('<p class="course-demo-live"><em>Controles interactivos: la figura de arriba es su estado inicial. '
             'Para moverlos, abre el cuaderno en Colab o Binder (botones del principio) o en JupyterLab '
             'y ejecuta sus celdas.</em></p>')
LINK = re.compile(r"(\]\()([^)\s]+)(\))")
# Una ejecución de cuaderno con un hilo de BLAS por proceso: dos procesos en dos núcleos.
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "torch"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def chapters():
    """Todos los capítulos que existan (los nuevos aparecen solos en el sitio)."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _is_current(executed, source):
    if not executed.exists():
        return False
    metadata = nbformat.read(executed, as_version=4).metadata.get("curso", {})
    return metadata.get("fuente_sha256") == source_fingerprint(source)


def execute(source, destination=EXECUTED_DIR):
    """Ejecuta un cuaderno con nbclient (en su carpeta) y guarda la copia en ``destination``.

    ``store_widget_state`` se queda en True (lo de nbclient por omisión): con False, nbclient 0.11
    lanza ``KeyError`` con el id de cada widget ``Output`` (los ``interact`` de ipywidgets lo
    usan), porque su ``OutputWidget`` escribe en ``widget_state[comm_id]`` sin comprobar la opción.
    El estado guardado no llega al sitio: ``site_notebook`` lo quita.
    """
    from nbclient import NotebookClient

    os.environ.update(THREADS)
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    notebook.metadata["curso"] = {"fuente_sha256": source_fingerprint(source)}
    Path(destination).mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, Path(destination) / source.name)
    return source.name


def executed_notebooks(force=False):
    """La copia ejecutada de cada capítulo, ejecutando solo las que falten o estén desfasadas."""
    missing = [p for p in chapters() if force or not _is_current(EXECUTED_DIR / p.name, p)]
    reused = len(chapters()) - len(missing)
    print(f"Cuadernos ejecutados reutilizados: {reused}; por ejecutar: {len(missing)}", flush=True)
    if missing:
        with ProcessPoolExecutor(max_workers=2) as pool:
            for name in pool.map(execute, missing):
                print(f"  ejecutado {name}", flush=True)
    return [EXECUTED_DIR / p.name for p in chapters()]


def _rewrite_links(text, folder, index_name):
    """Enlaces relativos: capítulos e imágenes se quedan; el índice apunta a la portada; el
    resto de ficheros del repositorio (código, docs) se abre en GitHub."""
    def replace(match):
        target = match.group(2)
        if re.match(r"^[a-z]+:|^#|^/", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = (folder / path).resolve()
        relative = resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else None
        if relative is None:
            return match.group(0)
        if relative == "notebooks/README.md":
            new = index_name
        elif re.fullmatch(r"notebooks/\d\d_[^/]+\.ipynb", relative) or relative.startswith("images/"):
            return match.group(0)
        else:
            kind = "tree" if resolved.is_dir() else "blob"
            new = f"{repository_url()}/{kind}/main/{relative}"
        return f"{match.group(1)}{new}{'#' + anchor if anchor else ''}{match.group(3)}"

    return LINK.sub(replace, text)


# Lo que se descarga desde el sitio: el curso en un zip (lo que un estudiante necesita para trabajar
# en su equipo) y cada cuaderno sin ejecutar (el de notebooks/, sin salidas).
COURSE_ZIP = "curso-aprendizaje-profundo.zip"
ZIP_CONTENTS = ["notebooks", "course_lib", "data", "images", "jupyter", "requirements.txt", "pyproject.toml",
                "README.md", "LICENSE", "Makefile"]


def _buttons(notebook_name, prefix="../"):
    """Abrir en Colab o Binder, descargar el cuaderno y el curso, proponer un cambio o avisar de un
    problema (en GitHub, con la dirección de [project.urls] de pyproject.toml)."""
    url = repository_url()
    title = notebook_name.removesuffix(".ipynb")
    issue = f"{url}/issues/new?title={quote(f'Capítulo {title}: ')}"
    links = [(colab_url(url, notebook_name), "Abrir en Colab", ""),
             (binder_url(url, notebook_name), "Abrir en Binder", ""),
             (f"{prefix}_static/cuadernos/{notebook_name}", "Descargar el cuaderno (.ipynb)", f' download="{notebook_name}"'),
             (f"{prefix}_static/{COURSE_ZIP}", "Descargar el curso (.zip)", " download"),
             (f"{url}/edit/main/notebooks/{notebook_name}", "Proponer un cambio", ""),
             (issue, "Informar de un problema", "")]
    return ('<div class="curso-botones">'
            + "".join(f'<a href="{html.escape(href)}"{extra}>{text}</a>' for href, text, extra in links) + "</div>")


def downloads():
    """Los cuadernos sin ejecutar y el zip del curso, en build/web/estaticos (van a _static)."""
    import zipfile

    (STATIC / "cuadernos").mkdir(parents=True, exist_ok=True)
    for path in chapters():
        shutil.copy2(path, STATIC / "cuadernos" / path.name)
    try:  # los ficheros del repositorio (sin build/, .venv ni cachés)
        listed = subprocess.run(["git", "ls-files", "-z", "--", *ZIP_CONTENTS], cwd=ROOT, capture_output=True,
                                check=True).stdout.decode().split("\0")
        files = [ROOT / name for name in listed if name and (ROOT / name).is_file()]
    except (OSError, subprocess.CalledProcessError):
        files = [p for name in ZIP_CONTENTS for p in ([ROOT / name] if (ROOT / name).is_file()
                 else sorted((ROOT / name).rglob("*"))) if p.is_file() and "__pycache__" not in p.parts
                 and ".ipynb_checkpoints" not in p.parts]
    with zipfile.ZipFile(STATIC / COURSE_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, f"curso/{path.relative_to(ROOT).as_posix()}")


def _has_image(cell):
    return any("image/png" in out.get("data", {}) or "image/jpeg" in out.get("data", {})
               for out in cell.get("outputs", []) if out.get("output_type") in ("display_data", "execute_result"))


def _figure_descriptions(cell):
    """Lo que cada figura dice de sí misma (course_lib.plots.describe_figure: título, ejes y qué
    dibuja), que viaja como su forma de texto junto al PNG. MyST-NB pone un solo texto alternativo
    por celda: si la celda dibuja varias figuras, van todas, en orden."""
    found = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        text = data.get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else text
        if ("image/png" in data or "image/jpeg" in data) and text.startswith("Figura"):
            found.append(text.strip())
    return " — ".join(found)


def _alt_text(chapter, section, source):
    """Texto alternativo en español: capítulo, sección y, si la celda lo dice, qué dibuja."""
    comment = next((line.lstrip("# ").strip() for line in source.splitlines()
                    if line.startswith("#") and not line.startswith("#!") and len(line.strip()) > 3), "")
    text = f"Figura del capítulo {chapter}, sección «{section}»"
    return f"{text}: {comment}" if comment else text


def site_notebook(executed, name):
    """La copia del cuaderno para el sitio: botones, texto alternativo y enlaces."""
    notebook = nbformat.read(executed, as_version=4)
    # Sin el estado de los widgets: el sitio muestra su imagen fija y no carga ipywidgets de una CDN.
    notebook.metadata.pop("widgets", None)
    chapter = name[:2]
    section = "introducción"
    title_index = None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            cell.source = _rewrite_links(cell.source, NOTEBOOKS, "../index.md")
            headings = re.findall(r"^(#{1,3})\s+(.+)$", cell.source, flags=re.M)
            if headings:
                section = headings[-1][1].strip()
            if title_index is None and any(level == "#" for level, _ in headings):
                title_index = index
        elif cell.cell_type == "code":
            if _has_image(cell):
                alt = _figure_descriptions(cell) or _alt_text(chapter, section, cell.source)
                cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
            for output in cell.outputs:
                data = output.get("data", {})
                # Un widget sin imagen propia (interact de ipywidgets): en vez de su forma de texto
                # («interactive(children=…)»), una línea que dice cómo usarlo.
                if WIDGET in data and "text/html" not in data and "image/png" not in data:
                    data["text/html"] = LIVE_LINE
    header = _buttons(name)
    picture = f"capitulo_{chapter}.png"
    if (ROOT / "images" / picture).exists():
        header += f"\n\n![{DESCRIPTIONS[picture]}](../images/{picture})"
    notebook.cells.insert(0 if title_index is None else title_index + 1, nbformat.v4.new_markdown_cell(header))
    return notebook


def index_page():
    """Portada: el índice del curso (notebooks/README.md), con el cartel y los botones."""
    text = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    text = LINK.sub(lambda m: f"{m.group(1)}notebooks/{m.group(2)}{m.group(3)}"
                    if re.fullmatch(r"\d\d_[^/#]+\.ipynb(#.*)?", m.group(2)) else m.group(0), text)
    text = _rewrite_links(text, NOTEBOOKS, "index.md")
    lines = text.splitlines()
    title = lines[0] if lines and lines[0].startswith("# ") else "# Índice del curso"
    body = "\n".join(lines[1:] if lines and lines[0].startswith("# ") else lines)
    banner = ""
    if (ROOT / "images" / "banner.png").exists():
        banner = f"\n![{DESCRIPTIONS['banner.png']}](images/banner.png)\n"
    toctree = "\n".join(f"notebooks/{p.stem}" for p in chapters())
    return (f"# Fundamentos de aprendizaje profundo\n{banner}\n{_buttons('00_introduccion.ipynb', prefix='')}\n\n"
            f"## {title.lstrip('# ').strip()}\n{body}\n\n"
            f"```{{toctree}}\n:hidden:\n:caption: Capítulos\n\n{toctree}\n```\n\n"
            f"```{{toctree}}\n:hidden:\n:caption: Referencia\n\nreferencia/index\n```\n")


def _demo_stills(notebook):
    """(celda, salida) y HTML de cada imagen fija de una demostración del cuaderno."""
    for c, cell in enumerate(notebook.cells):
        for o, output in enumerate(cell.get("outputs", [])):
            text = output.get("data", {}).get("text/html")
            text = "".join(text) if isinstance(text, list) else text
            if text and 'class="course-demo-still"' in text:
                yield (c, o), text


def prepare_sources(executed):
    """Fuentes del sitio; las demostraciones, con sus cuadros (cuadros_demos) en build/web/estaticos."""
    if SOURCE.exists():
        shutil.rmtree(SOURCE)
    (SOURCE / "notebooks").mkdir(parents=True)
    if (ROOT / "images").is_dir():
        shutil.copytree(ROOT / "images", SOURCE / "images", ignore=shutil.ignore_patterns("*.md"))
    notebooks = {path.name: site_notebook(path, path.name) for path in executed}
    start = time.perf_counter()
    moving = cuadros_demos.frames_for_pages(
        {name: list(_demo_stills(notebook)) for name, notebook in notebooks.items()}, STATIC)
    for (name, (c, o)), fragment in moving.items():
        notebooks[name].cells[c].outputs[o]["data"]["text/html"] = fragment
    print(f"Demostraciones con cuadros: {len(moving)} ({time.perf_counter() - start:.0f} s)", flush=True)
    for name, notebook in notebooks.items():
        nbformat.write(notebook, SOURCE / "notebooks" / name)
    (SOURCE / "index.md").write_text(index_page(), encoding="utf-8")
    (SOURCE / "referencia").mkdir()
    for filename, text in referencia_web.pages().items():
        (SOURCE / "referencia" / filename).write_text(text, encoding="utf-8")


def offline_assets():
    """MathJax de .web/node_modules (``make web`` lo instala con npm) en build/web/estaticos."""
    mathjax = NODE_MODULES / "mathjax" / "es5"
    if not (mathjax / "tex-chtml.js").exists():
        raise SystemExit("Falta MathJax en .web/node_modules: ejecuta «make web» (lo instala con npm).")
    if STATIC.exists():
        shutil.rmtree(STATIC)
    for part in MATHJAX_PARTS:
        origin, target = mathjax / part, STATIC / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target)
        else:
            shutil.copy2(origin, target)


# Lo que las plantillas del tema y de Sphinx escriben en inglés sin pasar por su catálogo (o con un
# catálogo español sin esa frase): valor de un atributo (title, aria-label, placeholder, alt) → español.
INTERFACE = {
    "Link to this heading": "Enlace a este encabezado",
    "Link to this image": "Enlace a esta imagen",
    "Link to this table": "Enlace a esta tabla",
    "Link to this code": "Enlace a este código",
    "Link to this equation": "Enlace a esta ecuación",
    "Link to this definition": "Enlace a esta definición",
    "Toggle primary sidebar": "Mostrar u ocultar el índice del curso",
    "Toggle secondary sidebar": "Mostrar u ocultar el índice de la página",
    "Launch interactive content": "Abrir en un entorno interactivo",
    "Main": "Navegación principal",
    "Page": "Navegación de la página",
    "Search": "Buscar",
    "Search...": "Buscar en el curso…",
    "Back to top": "Volver arriba",
    "Skip to main content": "Saltar al contenido principal",
    "Breadcrumb": "Ruta de navegación",
    "Home": "Portada",
    "Close": "Cerrar",
}
ATTRIBUTE = re.compile(r'\b(title|aria-label|placeholder|alt|data-bs-title)="([^"]*)"')
TEXT = {">Back to top<": ">Volver arriba<", "© Copyright ": "© ", "Launch on ": "Abrir en "}


def _spanish_attribute(match):
    name, value = match.groups()
    if name == "alt":
        value = re.sub(r"^Abrir en (\w+) logo$", r"Logotipo de \1", value)  # iconos de Colab y Binder
    value = INTERFACE.get(value, value)
    if value.startswith("Launch on "):
        value = "Abrir en " + value.removeprefix("Launch on ")
    return f'{name}="{value}"'


def spanish_interface():
    """Tooltips, etiquetas para lectores de pantalla, marcadores de posición y pie, en español."""
    for page in HTML.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = ATTRIBUTE.sub(_spanish_attribute, text)
        for english, spanish in TEXT.items():
            fixed = fixed.replace(english, spanish)
        # axe «label-content-name-mismatch»: el botón de búsqueda dice «Búsqueda Ctrl+K» y su
        # aria-label solo «Búsqueda»; sin aria-label, su nombre es lo que se ve.
        fixed = re.sub(r'(<button class="btn search-button-field[^>]*?) aria-label="[^"]*"', r"\1", fixed)
        # axe «summary-name»: el desplegable de un apartado del índice (solo un icono) sin nombre.
        fixed = fixed.replace('<summary><span class="toctree-toggle"',
                              '<summary aria-label="Mostrar u ocultar sus páginas"><span class="toctree-toggle"')
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def folder_size(folder):
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ejecutar", action="store_true", help="ejecuta todos los cuadernos de nuevo")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    executed = executed_notebooks(force=args.ejecutar)
    offline_assets()
    downloads()
    prepare_sources(executed)
    if HTML.exists():
        shutil.rmtree(HTML)
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-j", "2",
               "-c", str(ROOT / "web"), "-d", str(BUILD / "doctrees"), str(SOURCE), str(HTML)]
    result = subprocess.run(command)
    if result.returncode:
        return result.returncode
    spanish_interface()
    (HTML / ".nojekyll").touch()  # GitHub Pages: servir también las carpetas que empiezan por _
    seconds = time.perf_counter() - start
    size = f"{folder_size(HTML) / 1e6:.1f}".replace(".", ",")
    print(f"Sitio en {HTML.relative_to(ROOT)}/index.html: {len(executed)} capítulos, {size} MB, {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
