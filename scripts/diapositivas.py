"""Metadatos de diapositivas (RISE) de los cuadernos, calculados de su estructura y de la altura de
cada celda en el proyector.

Uso:
    python scripts/diapositivas.py notebooks/[0-9][0-9]_*.ipynb           # escribe los que cambian
    python scripts/diapositivas.py --comprobar notebooks/[0-9][0-9]_*.ipynb  # solo dice cuáles faltan
    python scripts/diapositivas.py --informe notebooks/[0-9][0-9]_*.ipynb    # diapositivas por capítulo

Reglas (las mismas para todos los cuadernos; se recalculan desde cero cada vez, así que volver a
ejecutar el script no cambia nada y un cuaderno editado recibe sus diapositivas nuevas):

- el título (``# ``) y cada sección (``## ``) empiezan una diapositiva (``slide``);
- cada subsección (``### ``), cada «Prueba a…» de una demostración y cada ejercicio
  («**Ejercicio NN.k**») empiezan una subdiapositiva (``subslide``, se llega con ↓);
- si lo acumulado desde el último comienzo no cabe en la pantalla (``SCREEN_PX`` de alto a 1024×768
  con la tipografía de ``notebooks/rise.css``), la celda siguiente empieza otra subdiapositiva. La
  altura de cada celda es la de su texto o código (líneas partidas al ancho de la diapositiva) más
  la de sus salidas: figuras, tablas y texto impreso, medidas en la copia ejecutada
  (``build/ejecutados/``, la que deja ``make test``) y guardadas en ``scripts/diapositivas_salidas.json``
  para que la comprobación no dependa de haber ejecutado nada. Un párrafo que presenta el código que
  le sigue pasa con él a la subdiapositiva nueva: la idea y su resultado se ven juntos;
- las celdas de preparación (solo ``import``, estilos, semillas, la celda ``parameters`` de la semilla,
  la instalación en Colab) se omiten (``skip``): se ejecutan, pero no se proyectan;
- el resto continúa la diapositiva en curso (``-``).

Una celda que sola no cabe en la pantalla se desplaza (``rise.css``); ``--informe`` las lista.
"""

import argparse
import base64
import hashlib
import json
import math
import re
import struct
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = ROOT / "build" / "ejecutados"
OUTPUT_HEIGHTS = Path(__file__).resolve().parent / "diapositivas_salidas.json"

RISE_SETTINGS = {"scroll": True, "center": False, "transition": "none", "start_slideshow_at": "beginning",
                 "controls": True, "progress": True, "slideNumber": True}

# La pantalla del proyector más pequeña que admitimos (1024×768) con la tipografía de notebooks/rise.css,
# medida en Chromium: texto de 22 px en líneas de 28,6 px (unos 85 caracteres en 1003 px, contando negritas y cortes de palabra),
# código de 18 px en líneas de 25,2 px (91 caracteres) y salidas de texto de 18 px en líneas de 23,4 px.
# SCREEN_PX deja 68 px para el relleno inferior y la barra de progreso.
SCREEN_PX = 700
TEXT_LINE_PX, TEXT_CHARS = 28.6, 85
CODE_LINE_PX, CODE_CHARS = 25.2, 91
OUTPUT_LINE_PX = 23.4
HEADING_PX = {1: 100, 2: 90, 3: 70}
CELL_PADDING_PX = 16
SLIDE_WIDTH_PX = 1000
CLASS_MODE_FIGURE_SCALE = 5 / 4.5  # modo clase: figuras de 9 × 5 in en vez de 8 × 4,5 (course_lib.plots)
WIDGET_PX = 560  # una demostración (controles y figura), que la copia ejecutada no guarda
SETUP_LINE = re.compile(
    r"^\s*(#.*|import\s.+|from\s+\S+\s+import\s.+|[\w, ]+,?|\)|%.*|!.*"
    r"|[\w.]+\.(seed|set_seed|manual_seed)\(.*\)|\w+ = np\.random\.default_rng\(.*\)|use_course_style\(.*\)"
    r"|threadpool_limits\(.*\)|[\w.]+\.set_floatx\(.*\)"
    r"|warnings\.\w+\(.*\)|plt\.rcParams.*|np\.set_printoptions\(.*\)|.*google\.colab.*|)$"
)




def _wrapped_lines(text, width):
    return sum(max(1, math.ceil(len(line) / width)) for line in text.splitlines() or [""])


def _png_size(data):
    """Ancho y alto de una imagen PNG (en base64) leídos de su cabecera."""
    raw = base64.b64decode(data[:64] if isinstance(data, str) else data)
    width, height = struct.unpack(">II", raw[16:24])
    return width, height


def output_height(output):
    """Altura en píxeles de una salida en la diapositiva."""
    data = output.get("data", {})
    if output.get("output_type") == "stream":
        return _wrapped_lines(output.get("text", ""), CODE_CHARS) * OUTPUT_LINE_PX + 8
    if "application/vnd.jupyter.widget-view+json" in data:
        return WIDGET_PX
    if "image/png" in data:
        width, height = _png_size(data["image/png"])
        width, height = width * CLASS_MODE_FIGURE_SCALE, height * CLASS_MODE_FIGURE_SCALE
        return height * min(1.0, SLIDE_WIDTH_PX / width) + 10  # rise.css la estrecha si no cabe a lo ancho
    if "text/html" in data:
        html = "".join(data["text/html"])
        rows = html.count("<tr")
        return (rows * 40 if rows else _wrapped_lines(re.sub(r"<[^>]+>", "", html), TEXT_CHARS) * TEXT_LINE_PX) + 10
    if "text/markdown" in data:
        return _markdown_height("".join(data["text/markdown"]))
    if "text/plain" in data:
        return _wrapped_lines("".join(data["text/plain"]), CODE_CHARS) * OUTPUT_LINE_PX + 8
    return 0


def _markdown_height(text):
    height, in_math = 0.0, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("$$"):
            if stripped.count("$$") == 1:
                in_math = not in_math
            height += 40 if not in_math else 0
            continue
        if in_math:
            height += 14
        elif not stripped:
            height += 20  # entre párrafos
        elif re.match(r"#{1,6}\s", stripped):
            height += HEADING_PX.get(len(stripped) - len(stripped.lstrip("#")), 48)
        elif stripped.startswith("|"):
            height += 0 if re.match(r"\|[\s:|-]+\|$", stripped) else 40
        else:
            plain = re.sub(r"\]\([^)]*\)|[*`_]|\$", "", stripped)  # sin enlaces ni marcas
            height += _wrapped_lines(plain, TEXT_CHARS - 6 * stripped.startswith(("-", "*", "1"))) * TEXT_LINE_PX
    return height + CELL_PADDING_PX


def source_key(cell):
    """La huella del código de una celda: su salida medida solo vale mientras el código no cambie."""
    return hashlib.sha256(cell.source.encode()).hexdigest()[:16]


def cell_height(cell, outputs_px=0.0):
    """Altura estimada de la celda en la diapositiva: su texto o código más sus salidas."""
    if cell.cell_type == "markdown":
        return _markdown_height(cell.source)
    if cell.cell_type != "code":
        return 0.0
    return _wrapped_lines(cell.source, CODE_CHARS) * CODE_LINE_PX + CELL_PADDING_PX + outputs_px


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


def _starts(cell):
    """``slide``, ``subslide`` o ``None`` según la estructura (títulos, «Prueba a…», ejercicios)."""
    text = cell.source.lstrip()
    if cell.cell_type == "markdown" and re.match(r"#{1,2}\s", text):
        return "slide"
    if cell.cell_type == "markdown" and (re.match(r"#{3,}\s", text) or text.startswith("Prueba a")
                                         or re.match(r"\*\*Ejercicio \d\d\.\d+", text)):
        return "subslide"
    return None


def slide_types(cells, outputs_px=None):
    """El tipo de diapositiva de cada celda (``slide``, ``subslide``, ``skip`` o ``-``).

    ``outputs_px``: altura de las salidas de cada celda (lista paralela a ``cells``; 0 si no se sabe).
    """
    outputs_px = outputs_px or [0.0] * len(cells)
    heights = [cell_height(cell, px) for cell, px in zip(cells, outputs_px)]
    setup = [is_setup_cell(cell) for cell in cells]
    kinds, shown = [], 0.0
    for i, cell in enumerate(cells):
        if setup[i]:
            kinds.append("skip")
            continue
        kind = _starts(cell)
        if kind is None and shown:
            following = next((j for j in range(i + 1, len(cells)) if not setup[j]), None)
            together = heights[i]
            # Un párrafo que presenta el código siguiente va con él (y no se queda solo al final).
            if (cell.cell_type == "markdown" and following is not None and _starts(cells[following]) is None
                    and cells[following].cell_type == "code"):
                together += heights[following]
            if shown + together > SCREEN_PX:
                kind = "subslide"
        kind = kind or "-"
        shown = heights[i] if kind != "-" else shown + heights[i]
        kinds.append(kind)
    return kinds


def _load_heights():
    if OUTPUT_HEIGHTS.exists():
        return json.loads(OUTPUT_HEIGHTS.read_text(encoding="utf-8"))
    return {}


def measured_outputs(notebook, stem, recorded, executed=None):
    """Altura de las salidas de cada celda: de la copia ejecutada si la hay (y su código es el mismo),
    si no de lo registrado en ``diapositivas_salidas.json``; 0 para las que no se conocen."""
    by_id = {}
    if executed is not None:
        for cell in executed.cells:
            if cell.cell_type == "code" and cell.get("id"):
                by_id[cell.id] = (source_key(cell), sum(output_height(o) for o in cell.get("outputs", [])))
    mine = recorded.get(stem, {})
    heights = []
    for cell in notebook.cells:
        key = source_key(cell) if cell.cell_type == "code" else None
        for table in (by_id, mine):
            entry = table.get(cell.get("id", ""))
            if isinstance(entry, str):  # registrado: "huella:píxeles"
                entry = (entry.split(":")[0], float(entry.split(":")[1]))
            if key and entry and entry[0] == key:
                heights.append(round(entry[1]))
                break
        else:
            heights.append(0)
    return heights


def with_slides(notebook, outputs_px=None):
    """Una copia del cuaderno con los metadatos de diapositivas que le tocan."""
    notebook = nbformat.from_dict(notebook)
    for cell, kind in zip(notebook.cells, slide_types(notebook.cells, outputs_px)):
        cell.metadata["slideshow"] = {"slide_type": kind}
    notebook.metadata["rise"] = dict(RISE_SETTINGS)
    return notebook


def _read(path):
    return nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4)


def _executed(path):
    copy = EXECUTED / Path(path).name
    return nbformat.read(copy, as_version=4) if copy.exists() else None


def expected(path, recorded=None, use_executed=False):
    """El cuaderno con sus diapositivas, con las alturas registradas (y las de la copia ejecutada si
    ``use_executed``; la comprobación no las usa, para no depender de haber ejecutado nada)."""
    notebook = _read(path)
    recorded = _load_heights() if recorded is None else recorded
    heights = measured_outputs(notebook, Path(path).stem, recorded, _executed(path) if use_executed else None)
    return with_slides(notebook, heights), heights


def stale(path):
    """¿Le faltan al cuaderno sus metadatos de diapositivas o están viejos?"""
    text = Path(path).read_text(encoding="utf-8")
    return text != nbformat.writes(expected(path)[0]) + "\n"


def write(path, recorded):
    """Escribe los metadatos si cambian (y registra en ``recorded`` las alturas de las salidas);
    devuelve True si el archivo cambió."""
    notebook, heights = expected(path, recorded, use_executed=True)
    recorded[Path(path).stem] = {cell.id: f"{source_key(cell)}:{px}" for cell, px in zip(notebook.cells, heights)
                                 if cell.cell_type == "code" and px and cell.get("id")}
    text = nbformat.writes(notebook) + "\n"
    if Path(path).read_text(encoding="utf-8") == text:
        return False
    Path(path).write_text(text, encoding="utf-8")
    return True


def report(path):
    """Diapositivas de un cuaderno y las celdas que solas no caben en la pantalla."""
    notebook, heights = expected(path)
    kinds = [cell.metadata["slideshow"]["slide_type"] for cell in notebook.cells]
    tall = [(i, round(cell_height(cell, px))) for i, (cell, px) in enumerate(zip(notebook.cells, heights))
            if kinds[i] != "skip" and cell_height(cell, px) > SCREEN_PX]
    return sum(kind in ("slide", "subslide") for kind in kinds), tall


def main(argv=None):
    parser = argparse.ArgumentParser(description="Metadatos de diapositivas (RISE) de los cuadernos.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--comprobar", action="store_true", help="no escribe: falla si alguno está viejo")
    parser.add_argument("--informe", action="store_true", help="no escribe: diapositivas por capítulo")
    args = parser.parse_args(argv)
    if args.comprobar:
        old = [str(path) for path in args.notebooks if stale(path)]
        for path in old:
            print(f"{path}: diapositivas sin generar o viejas; ejecuta: python scripts/diapositivas.py {path}")
        return 1 if old else 0
    if args.informe:
        for path in args.notebooks:
            count, tall = report(path)
            cells = ", ".join(f"celda {i} ({px} px)" for i, px in tall) or "ninguna"
            print(f"{path.stem}: {count} diapositivas; no caben solas en 1024×768: {cells}")
        return 0
    recorded = _load_heights()
    for path in args.notebooks:
        print(f"{path}: {'actualizado' if write(path, recorded) else 'sin cambios'}")
    OUTPUT_HEIGHTS.write_text(json.dumps(dict(sorted(recorded.items())), indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
