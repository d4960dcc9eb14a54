"""¿Se está dando clase? El «modo clase» que pone ``make presentar`` (``CURSO_MODO_CLASE=1``).

En modo clase las figuras estáticas (``plots.use_course_style``) y las demostraciones
(``demos.base.display_mode``) se dibujan para el proyector: textos de 20 px o más. Vive aparte para
que las demostraciones, que no usan pyplot, lo consulten sin importarlo.
"""

import os

CLASS_MODE_VARIABLE = "CURSO_MODO_CLASE"  # `make presentar` la pone a 1 en el núcleo


def class_mode_on():
    """¿Está activo el «modo clase»? Lo activa la variable de entorno ``CURSO_MODO_CLASE=1``, que
    pone ``make presentar`` (JupyterLab para dar clase) en todos sus núcleos."""
    return os.environ.get(CLASS_MODE_VARIABLE, "").strip().lower() in {"1", "si", "sí", "true", "yes"}
