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
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.viewcode", "sphinx_copybutton"]
# Botón «Copiar» en el código de las celdas (no en sus salidas ni en la referencia); sin «>>> ».
copybutton_selector = "div.cell_input pre"
copybutton_exclude = ".linenos, .gp, .go"
# La referencia de course_lib (scripts/referencia_web.py): firmas y docstrings del código.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
add_module_names = False
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
html_favicon = "_static/favicon.svg"
# _static del curso y lo que construir_web.py deja en build/web/estaticos (MathJax de npm).
html_static_path = ["_static", str(ROOT / "build" / "web" / "estaticos")]
# Las fórmulas sin red: MathJax 3 servido por el propio sitio (relativo a _static).
mathjax_path = "mathjax/tex-chtml.js"
html_css_files = ["curso.css"]
html_js_files = ["demos.js"]  # los deslizadores de las demostraciones (cuadros precalculados)
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False  # sin copias de los cuadernos ejecutados (12 MB): se abren en Colab/Binder
html_theme_options = {
    "repository_url": repository_url(),
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": False,
    "search_bar_text": "Buscar en el curso…",
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
}


# Textos del tema sin traducción en su catálogo español (tooltips y etiquetas de botones).
BUTTON_TEXTS = {
    "Launch interactive content": "Abrir en un entorno interactivo",
    "Repository": "Repositorio",
    "Source repositories": "Repositorio del curso",
    "Download this page": "Descargar esta página",
    "Download source file": "Descargar el cuaderno (.ipynb)",
    "Print to PDF": "Imprimir o guardar en PDF",
    "Fullscreen mode": "Pantalla completa",
}


def _spanish(text):
    if isinstance(text, str) and text.startswith("Launch on "):
        return "Abrir en " + text.removeprefix("Launch on ")
    return BUTTON_TEXTS.get(text, text)


def _spanish_launch_buttons(app, pagename, templatename, context, doctree):
    """Los botones del tema dicen «Colab» y «Binder»; aquí dicen qué hacen, en español, también en
    sus tooltips y en lo que lee un lector de pantalla."""
    for group in context.get("header_buttons", []):
        if not isinstance(group, dict):
            continue
        for button in [group, *group.get("buttons", [])]:
            if button.get("text") in ("Colab", "Binder"):
                button["text"] = f"Abrir en {button['text']}"
            for key in ("tooltip", "text"):
                if key in button:
                    button[key] = _spanish(button[key])


def _docstring_as_written(app, what, name, obj, options, lines):
    """Los docstrings de course_lib están escritos para leerse con ``help()`` (fórmulas con |z|,
    sangrías, subíndices), no en reStructuredText: se muestran tal cual, como texto."""
    if lines and name.startswith("course_lib"):
        text = [line.rstrip() for line in lines]
        lines[:] = [".. code-block:: none", "   :class: docstring-curso", ""] + [f"   {line}" for line in text] + [""]


def _real_signature(app, what, name, obj, options, signature, return_annotation):
    """Las capas y modelos pasan por una metaclase con ``__call__(*args, **kwargs)`` (validación en
    español) y autodoc tomaría esa firma: se usa la de ``inspect.signature``, la de su ``__init__``."""
    import inspect

    if what == "class" and name.startswith("course_lib"):
        try:
            return str(inspect.signature(obj)), return_annotation
        except (TypeError, ValueError):
            pass
    return signature, return_annotation


def setup(app):
    app.connect("autodoc-process-signature", _real_signature)
    app.connect("html-page-context", _spanish_launch_buttons, priority=900)
    app.connect("autodoc-process-docstring", _docstring_as_written)
