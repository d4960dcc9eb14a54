"""Metadatos de diapositivas (RISE) de los cuadernos, calculados de su estructura.

Uso:
    python scripts/diapositivas.py notebooks/[0-9][0-9]_*.ipynb           # escribe los que cambian
    python scripts/diapositivas.py --comprobar notebooks/[0-9][0-9]_*.ipynb  # solo dice cuáles faltan

Reglas (las mismas para todos los cuadernos; se recalculan desde cero cada vez, así que volver a
ejecutar el script no cambia nada y un cuaderno editado recibe sus diapositivas nuevas):

- el título (``# ``) y cada sección (``## ``) empiezan una diapositiva (``slide``);
- cada subsección (``### ``), cada «Prueba a…» de una demostración y cada ejercicio
  («**Ejercicio NN.k**») empiezan una subdiapositiva (``subslide``, se llega con ↓);
- si lo acumulado desde el último comienzo pasa de ``MAX_LINES`` líneas, la celda siguiente empieza
  otra subdiapositiva: las celdas largas no se salen de la pantalla;
- las celdas de preparación (solo ``import``, estilos, semillas, la celda ``parameters`` de la semilla,
  la instalación en Colab) se omiten (``skip``): se ejecutan, pero no se proyectan;
- el resto continúa la diapositiva en curso (``-``).
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

MAX_LINES = 24
RISE_SETTINGS = {"scroll": True, "transition": "none", "start_slideshow_at": "beginning"}
SETUP_LINE = re.compile(
    r"^\s*(#.*|import\s.+|from\s+\S+\s+import\s.+|[\w, ]+,?|\)|%.*|!.*"
    r"|[\w.]+\.(seed|set_seed|manual_seed)\(.*\)|\w+ = np\.random\.default_rng\(.*\)|use_course_style\(.*\)"
    r"|threadpool_limits\(.*\)|[\w.]+\.set_floatx\(.*\)"
    r"|warnings\.\w+\(.*\)|plt\.rcParams.*|np\.set_printoptions\(.*\)|.*google\.colab.*|)$"
)


def _lines(cell):
    return max(1, cell.source.count("\n") + 1)


def is_setup_cell(cell):
    """Una celda de código que solo importa, fija estilos o semillas, o instala en Colab; también la celda
    ``parameters`` de papermill (``SEMILLA = 0``) y la que solo deriva de ella los generadores aleatorios."""
    if cell.cell_type != "code" or not cell.source.strip():
        return False
    if "google.colab" in cell.source or "parameters" in cell.metadata.get("tags", []):
        return True
    lines = [re.sub(r"\s+#[^\"']*$", "", line) for line in cell.source.splitlines()]  # sin comentarios finales
    return all(SETUP_LINE.match(line) for line in lines) and re.search(
        r"^\s*(import|from)\s|^\s*\w+ = np\.random\.default_rng\(|^\s*[\w.]+\.(seed|set_seed|manual_seed)\(",
        cell.source, flags=re.M) is not None


def slide_types(cells):
    """El tipo de diapositiva de cada celda (``slide``, ``subslide``, ``skip`` o ``-``)."""
    kinds, shown = [], 0
    for cell in cells:
        text = cell.source.lstrip()
        lines = _lines(cell)
        if is_setup_cell(cell):
            kinds.append("skip")
            continue
        if cell.cell_type == "markdown" and re.match(r"#{1,2}\s", text):
            kind = "slide"
        elif cell.cell_type == "markdown" and (re.match(r"#{3,}\s", text) or text.startswith("Prueba a")
                                               or re.match(r"\*\*Ejercicio \d\d\.\d+", text)):
            kind = "subslide"
        elif shown and shown + lines > MAX_LINES:
            kind = "subslide"
        else:
            kind = "-"
        shown = lines if kind != "-" else shown + lines
        kinds.append(kind)
    return kinds


def with_slides(notebook):
    """Una copia del cuaderno con los metadatos de diapositivas que le tocan."""
    notebook = nbformat.from_dict(notebook)
    for cell, kind in zip(notebook.cells, slide_types(notebook.cells)):
        cell.metadata["slideshow"] = {"slide_type": kind}
    notebook.metadata["rise"] = dict(RISE_SETTINGS)
    return notebook


def stale(path):
    """¿Le faltan al cuaderno sus metadatos de diapositivas o están viejos?"""
    text = Path(path).read_text(encoding="utf-8")
    return text != nbformat.writes(with_slides(nbformat.reads(text, as_version=4))) + "\n"


def write(path):
    """Escribe los metadatos si cambian; devuelve True si el archivo cambió."""
    if not stale(path):
        return False
    notebook = with_slides(nbformat.read(path, as_version=4))
    Path(path).write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description="Metadatos de diapositivas (RISE) de los cuadernos.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--comprobar", action="store_true", help="no escribe: falla si alguno está viejo")
    args = parser.parse_args(argv)
    if args.comprobar:
        old = [str(path) for path in args.notebooks if stale(path)]
        for path in old:
            print(f"{path}: diapositivas sin generar o viejas; ejecuta: python scripts/diapositivas.py {path}")
        return 1 if old else 0
    for path in args.notebooks:
        print(f"{path}: {'actualizado' if write(path) else 'sin cambios'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
