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
    assert notebook.metadata["rise"]["scroll"] is True
    # Idempotente: aplicar las reglas dos veces da lo mismo.
    assert diapositivas.with_slides(notebook) == notebook
