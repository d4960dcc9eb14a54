"""El camino de ejecución del sitio web (``scripts/construir_web.py``, nbclient) funciona con los
widgets que usan los capítulos: el que toma ``make web`` en un clon limpio (sin las copias de
``make test``) y tras editar un capítulo sin volver a pasar las pruebas.

Para no ejecutar nada dos veces (el presupuesto de ``make test`` es de 15 minutos):

- un cuaderno pequeño con cada clase de widget que usan los capítulos (``interact`` con
  deslizador, ``interactive`` con desplegable, ``Output`` como contexto, una demostración del
  curso) se ejecuta aquí en unos segundos;
- el capítulo 00, que los usa casi todos, se ejecuta por este camino y NO con nbval (``make test``
  lo excluye con ``--ignore``): su copia ejecutada queda en build/ejecutados, con la huella de su
  fuente, y el sitio la reutiliza como reutiliza las de nbval.
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

pytest.importorskip("myst_nb", reason="el sitio necesita requirements-web.txt (make web las instala)")

import construir_web  # noqa: E402

# El capítulo que ejecuta el camino del sitio en vez de nbval (el Makefile lo excluye de nbval).
CHAPTER = ROOT / "notebooks" / "00_introduccion.ipynb"

WIDGET_CELLS = [
    "import ipywidgets as widgets\nfrom ipywidgets import Dropdown, IntSlider, interactive\n"
    "import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
    "import matplotlib.pyplot as plt",
    # cap. 00: @interact con un FloatSlider que dibuja
    "@widgets.interact(a=widgets.FloatSlider(value=1.0, min=0.0, max=2.0, description='a'))\n"
    "def curva(a):\n    plt.plot([0, 1], [0, a])\n    plt.show()",
    # cap. 07, 14 y 15: interactive(...) con desplegable y deslizador entero, mostrado como resultado
    "def agrupar(metodo, k):\n    print(metodo, k)\n\n"
    "interactive(agrupar, metodo=Dropdown(options=['KMeans', 'GaussianMixture'], description='método'),\n"
    "            k=IntSlider(value=3, min=2, max=6, description='k'))",
    # un Output usado como contexto y como destino de display
    "salida = widgets.Output()\nwith salida:\n    print('dentro del Output')\n"
    "salida.append_display_data('también así')\nsalida",
    # una demostración del curso (widget + imagen fija)
    "from course_lib import demos\ndemos.neuron()",
]


def _small_notebook(folder):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in WIDGET_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = Path(folder) / "widgets.ipynb"
    nbformat.write(notebook, path)
    return path


def test_every_widget_kind_executes_on_the_site_path(tmp_path):
    source = _small_notebook(tmp_path)
    construir_web.execute(source, tmp_path / "ejecutados")
    executed = nbformat.read(tmp_path / "ejecutados" / source.name, as_version=4)
    assert executed.metadata["curso"]["fuente_sha256"] == construir_web.source_fingerprint(source)
    outputs = [out for cell in executed.cells for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    widgets_shown = [out for out in outputs if construir_web.WIDGET in out.get("data", {})]
    assert len(widgets_shown) >= 4, "cada celda de widget muestra su vista"
    # La copia del sitio: sin estado de widgets, la demo como imagen fija, los interact con su línea.
    site = construir_web.site_notebook(tmp_path / "ejecutados" / source.name, "00_widgets.ipynb")
    assert "widgets" not in site.metadata
    html = "\n".join(out.get("data", {}).get("text/html", "") for cell in site.cells if cell.cell_type == "code"
                     for out in cell.outputs)
    assert "course-demo-still" in html
    assert html.count("course-demo-live") >= 2


def test_chapter_00_executes_on_the_site_path_for_the_site():
    construir_web.execute(CHAPTER)
    copy = construir_web.EXECUTED_DIR / CHAPTER.name
    assert construir_web._is_current(copy, CHAPTER), "el sitio reutiliza esta copia"
    executed = nbformat.read(copy, as_version=4)
    assert not [out for cell in executed.cells if cell.cell_type == "code" for out in cell.outputs
                if out.output_type == "error"]
