"""Guarda cada cuaderno que nbval ejecuta, con sus salidas, para el sitio web.

``make test`` ya ejecuta todos los cuadernos con nbval (que conserva las salidas de cada celda en
``IPyNbCell.test_outputs``). Al terminar, cada cuaderno que se ejecutó entero y sin errores se
escribe en ``build/ejecutados/NN_tema.ipynb`` con la huella (SHA-256) del cuaderno fuente; el
sitio (``scripts/construir_web.py``) reutiliza esas copias en vez de ejecutar otra vez.
"""

import hashlib
import os
from pathlib import Path

import nbformat

EXECUTED_DIR = Path(__file__).resolve().parent / "build" / "ejecutados"


def source_fingerprint(path):
    """SHA-256 del cuaderno fuente: una copia ejecutada solo vale mientras no cambie."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _executed_notebook(notebook_item, cells):
    notebook = nbformat.read(str(notebook_item.fspath), as_version=4)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    by_number = {cell.cell_num: cell for cell in cells}
    if len(code_cells) != len(by_number):
        return None  # una selección parcial de celdas (-k, ::Cell 3…)
    for number, cell in enumerate(code_cells):
        item = by_number[number]
        outputs = item.test_outputs
        if outputs is None:
            if item.options.get("skip"):
                continue
            return None  # no llegó a ejecutarse
        if any(out.get("output_type") == "error" for out in outputs):
            return None
        cell.outputs = [nbformat.from_dict(dict(out)) for out in outputs]
        cell.execution_count = number + 1
        for out in cell.outputs:
            if out.output_type == "execute_result":
                out.execution_count = number + 1
    notebook.metadata["curso"] = {"fuente_sha256": source_fingerprint(notebook_item.fspath)}
    return notebook


def pytest_sessionfinish(session):
    if os.environ.get("CURSO_NO_GUARDAR_EJECUTADOS"):  # la prueba de compatibilidad no los pisa
        return
    notebooks = {}
    for item in getattr(session, "items", []):
        if type(item).__name__ == "IPyNbCell":
            notebooks.setdefault(item.parent, []).append(item)
    for notebook_item, cells in notebooks.items():
        notebook = _executed_notebook(notebook_item, cells)
        if notebook is not None:
            EXECUTED_DIR.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, str(EXECUTED_DIR / Path(str(notebook_item.fspath)).name))
