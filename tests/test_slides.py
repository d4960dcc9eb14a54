"""Cada cuaderno lleva las diapositivas (RISE) que su estructura pide, generadas por
scripts/diapositivas.py: si falta o está viejo, la prueba dice qué orden lo regenera."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
_spec = importlib.util.spec_from_file_location("diapositivas", ROOT / "scripts" / "diapositivas.py")
diapositivas = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(diapositivas)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slide_metadata_is_present_and_up_to_date(path):
    relative = path.relative_to(ROOT)
    assert not diapositivas.stale(path), (
        f"{relative}: diapositivas sin generar o viejas. Regenera con "
        f"`python scripts/diapositivas.py {relative}` (o `make diapositivas` para todos)."
    )


def test_the_rules_give_sections_slides_and_skip_the_setup():
    cells = [
        nbformat.v4.new_markdown_cell("# 99 · Título"),
        nbformat.v4.new_code_cell("import numpy as np\nfrom course_lib import demos  # demos\n\nuse_course_style()"),
        nbformat.v4.new_markdown_cell("## 1. Sección"),
        nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(30))),
        nbformat.v4.new_code_cell("y = 1"),
        nbformat.v4.new_markdown_cell("### Subsección"),
        nbformat.v4.new_markdown_cell("Prueba a mover η."),
        nbformat.v4.new_code_cell("demos.scaling()"),
    ]
    assert diapositivas.slide_types(cells) == ["slide", "skip", "slide", "subslide", "subslide", "subslide",
                                               "subslide", "-"]
    notebook = diapositivas.with_slides(nbformat.v4.new_notebook(cells=cells))
    assert notebook.cells[0].metadata["slideshow"] == {"slide_type": "slide"}
    assert notebook.metadata["rise"]["scroll"] is True and notebook.metadata["rise"]["center"] is False
    # Idempotente: aplicar las reglas dos veces da lo mismo.
    assert diapositivas.with_slides(notebook) == notebook


def test_the_height_of_outputs_splits_a_slide_that_would_not_fit():
    """Dos celdas cortas caben juntas; si la primera dibuja una figura de 450 px de alto (en la copia
    ejecutada), la segunda ya no cabe y empieza una subdiapositiva. Un párrafo que presenta el código
    siguiente se va con él."""
    cells = [
        nbformat.v4.new_markdown_cell("## 1. Sección"),
        nbformat.v4.new_code_cell("plt.plot([1, 2])"),
        nbformat.v4.new_markdown_cell("Ahora la tabla:"),
        nbformat.v4.new_code_cell("tabla"),
    ]
    assert diapositivas.slide_types(cells) == ["slide", "-", "-", "-"]
    assert diapositivas.slide_types(cells, [0, 450, 0, 0]) == ["slide", "-", "-", "-"]
    assert diapositivas.slide_types(cells, [0, 520, 0, 120]) == ["slide", "-", "subslide", "-"]


def test_heights_come_from_the_executed_copy_while_the_code_is_the_same(tmp_path):
    import base64
    import struct
    import zlib

    def png(width, height):
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        chunk = b"IHDR" + header
        raw = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
        return base64.b64encode(raw).decode()

    code = nbformat.v4.new_code_cell("plt.plot([1, 2])", id="figura1")
    notebook = nbformat.v4.new_notebook(cells=[code])
    executed = nbformat.from_dict(notebook)
    executed.cells[0].outputs = [nbformat.v4.new_output("display_data", data={"image/png": png(800, 450)}),
                                 nbformat.v4.new_output("stream", text="hola\nadiós\n")]
    (px,) = diapositivas.measured_outputs(notebook, "99_x", {}, executed)
    figure = 450 * diapositivas.CLASS_MODE_FIGURE_SCALE
    assert figure + 2 * diapositivas.OUTPUT_LINE_PX < px < figure + 2 * diapositivas.OUTPUT_LINE_PX + 40
    # Registrada, sirve sin copia ejecutada; si el código cambia, ya no vale.
    recorded = {"99_x": {"figura1": f"{diapositivas.source_key(code)}:{px}"}}
    assert diapositivas.measured_outputs(notebook, "99_x", recorded) == [px]
    notebook.cells[0].source = "plt.plot([3, 4])"
    assert diapositivas.measured_outputs(notebook, "99_x", recorded) == [0]
