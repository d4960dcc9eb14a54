"""Colab y Binder: la primera celda de cada cuaderno y las insignias del README.

La dirección del repositorio vive en un solo sitio, ``[project.urls] Repositorio`` de
pyproject.toml. Este script (idempotente) la copia donde hace falta:

- una celda de código de cada ``notebooks/NN_*.ipynb``, tras el título y los objetivos y antes de
  cualquier otra celda de código, plegada: instala el curso **solo** si el cuaderno corre en
  Google Colab (en JupyterLab, Binder o las pruebas no hace nada);
- el bloque de insignias «Abrir en Colab» y «Binder» del README, entre sus marcas.

    python scripts/colab.py              # escribe lo que haya cambiado
    python scripts/colab.py --comprobar  # solo comprueba (sale con 1 si algo está desfasado)
"""

import argparse
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BRANCH = "main"
CELL_MARK = "instalar-en-colab"  # metadata["curso"] de la celda generada
BADGES_START = "<!-- insignias: generado por scripts/colab.py -->"
BADGES_END = "<!-- fin de las insignias -->"
COMMAND = "python scripts/colab.py"

CELL_TEMPLATE = '''\
# @title Solo en Google Colab: instala el curso (en otro entorno no hace nada)
import sys
if "google.colab" in sys.modules:
    import os, subprocess
    if not os.path.isdir("/content/curso"):
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", "{url}", "/content/curso"], check=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", "/content/curso"], check=True)
    sys.path.insert(0, "/content/curso")  # importable ya, sin reiniciar la sesión
    os.chdir("/content/curso/notebooks")'''
# Plegada: en JupyterLab (source_hidden) y en Colab (cellView «form» muestra solo el título).
CELL_METADATA = {"curso": CELL_MARK, "tags": ["remove-cell"], "jupyter": {"source_hidden": True},
                 "cellView": "form"}


def repository_url():
    """La dirección del repositorio (``https://github.com/dueño/nombre``) de pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        url = tomllib.load(file)["project"]["urls"]["Repositorio"].rstrip("/")
    if not url.startswith("https://github.com/") or url.count("/") != 4:
        raise SystemExit(f"pyproject.toml: se esperaba Repositorio = \"https://github.com/dueño/nombre\"; hay {url!r}.")
    return url


def github_path(url):
    return url.removeprefix("https://github.com/")


def colab_url(url, notebook):
    return f"https://colab.research.google.com/github/{github_path(url)}/blob/{BRANCH}/notebooks/{notebook}"


def binder_url(url, notebook=None):
    base = f"https://mybinder.org/v2/gh/{github_path(url)}/{BRANCH}"
    return f"{base}?urlpath=lab/tree/notebooks/{notebook}" if notebook else base


def notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def colab_cell(url, metadata=None):
    cell = nbformat.v4.new_code_cell(CELL_TEMPLATE.format(url=url))
    # En el sitio web no se muestra (sus botones ya abren Colab); en los cuadernos, plegada. Se
    # conservan las claves que añaden otros generadores (la de diapositivas: «slideshow»).
    cell.metadata = {**(metadata or {}), **CELL_METADATA}
    return cell


def colab_position(cells):
    """Dónde va la celda: tras el título y los objetivos (lo primero que ve el estudiante es el
    capítulo) y antes de cualquier otra celda de código."""
    position = 0
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            break
        text = cell.source.lstrip()
        if text.startswith("# ") or text.startswith("## Objetivos"):
            position = index + 1
        else:
            break
    return position


def _is_colab(cell):
    return cell.get("metadata", {}).get("curso") == CELL_MARK


def update_notebook(path, url):
    """Pone (o actualiza) la celda de Colab tras el título y los objetivos; devuelve True si el
    cuaderno cambió."""
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    existing = [i for i, c in enumerate(cells) if _is_colab(c)]
    wanted = colab_cell(url, cells[existing[0]].metadata if existing else None)
    others = [c for c in cells if not _is_colab(c)]
    position = colab_position(others)
    if (existing == [position] and cells[position].source == wanted.source
            and cells[position].metadata == wanted.metadata):
        return False
    if existing:
        wanted.id = cells[existing[0]].get("id", wanted.id)  # conserva el id: diffs limpios
    others.insert(position, wanted)
    notebook.cells = others
    nbformat.write(notebook, path)
    return True


def badges(url):
    return "\n".join([
        BADGES_START,
        f"[![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({colab_url(url, '00_introduccion.ipynb')})",
        f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(url, '00_introduccion.ipynb')})",
        BADGES_END,
    ])


def update_readme(url):
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if BADGES_START in text:
        before, rest = text.split(BADGES_START, 1)
        after = rest.split(BADGES_END, 1)[1]
    else:  # la primera vez, bajo el título
        title, _, body = text.partition("\n")
        before, after = title + "\n\n", "\n" + body
    new = before + badges(url) + after
    if new == text:
        return False
    readme.write_text(new, encoding="utf-8")
    return True


def stale_files(url):
    """Los ficheros cuya celda de Colab o insignias no corresponden a la dirección actual."""
    stale = []
    for path in notebooks():
        cells = nbformat.read(path, as_version=4).cells
        marked = [i for i, c in enumerate(cells) if _is_colab(c)]
        position = colab_position([c for c in cells if not _is_colab(c)])
        if (marked != [position] or cells[position].source != colab_cell(url).source
                or any(cells[position].metadata.get(k) != v for k, v in CELL_METADATA.items())):
            stale.append(path.relative_to(ROOT))
    if badges(url) not in (ROOT / "README.md").read_text(encoding="utf-8"):
        stale.append(Path("README.md"))
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comprobar", action="store_true", help="no escribe; sale con 1 si algo está desfasado")
    args = parser.parse_args(argv)
    url = repository_url()
    if args.comprobar:
        stale = stale_files(url)
        for path in stale:
            print(f"desfasado: {path}")
        if stale:
            print(f"Regenera con: {COMMAND}")
        return 1 if stale else 0
    changed = [p.name for p in notebooks() if update_notebook(p, url)]
    if update_readme(url):
        changed.append("README.md")
    print(f"Actualizados: {', '.join(changed)}" if changed else "Todo al día.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
