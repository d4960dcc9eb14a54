"""Configuración de Sphinx + MyST-NB para el sitio web del curso (``make web``).

scripts/construir_web.py prepara las fuentes en build/web/fuente (los cuadernos ya ejecutados e
``index.md``) y llama a sphinx-build con ``-c web``; este fichero solo describe el sitio: en español, sin ejecutar nada, con botones de Colab y Binder.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from colab import BRANCH, repository_url  # noqa: E402  la dirección, en un solo sitio

project = "Fundamentos de aprendizaje profundo"
author = "Curso de aprendizaje profundo"
copyright = "2026, autores del curso (código MIT)"
language = "es"  # interfaz, búsqueda (raíces en español) y «anterior/siguiente»
root_doc = "index"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# Los cuadernos llegan ya ejecutados (por nbval en make test, o por construir_web.py).
nb_execution_mode = "off"
nb_merge_streams = True
# Una demostración ofrece su widget vivo y, además, una imagen fija con una línea que dice cómo
# moverla (text/html): en una página estática no hay núcleo, así que se muestra la imagen.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
# _static del curso y lo que construir_web.py deja en build/web/estaticos (MathJax de npm).
html_static_path = ["_static", str(ROOT / "build" / "web" / "estaticos")]
# Las fórmulas sin red: MathJax 3 servido por el propio sitio (relativo a _static).
mathjax_path = "mathjax/tex-chtml.js"
html_css_files = ["curso.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False  # sin copias de los cuadernos ejecutados (12 MB): se abren en Colab/Binder
html_theme_options = {
    "repository_url": repository_url(),
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
}


def _spanish_launch_buttons(app, pagename, templatename, context, doctree):
    """Los botones del tema dicen «Colab» y «Binder»; aquí dicen qué hacen, en español."""
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if isinstance(group, dict) else []:
            if button.get("text") in ("Colab", "Binder"):
                button["text"] = f"Abrir en {button['text']}"


def setup(app):
    app.connect("html-page-context", _spanish_launch_buttons, priority=900)
