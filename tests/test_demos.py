"""Todas las demostraciones: se crean, responden a cualquier combinación de controles sin lanzar
excepciones y la figura cambia al mover los controles (sin navegador)."""

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from course_lib import demos
from course_lib.demos.drive import random_changes

# Ningún aviso (de NumPy, de matplotlib…) puede llegar a un estudiante: aquí cualquier aviso falla.
# Cualquier aviso es un error, salvo los DeprecationWarning que nacen dentro de otra biblioteca
# (ipywidgets 7 con ipykernel reciente, matplotlib 3.8 con pyparsing reciente en el entorno de versiones
# mínimas): Python no se los enseña al estudiante (base.reaches_a_student). Los de course_lib, sí.
pytestmark = pytest.mark.filterwarnings(
    "error", "ignore::DeprecationWarning", "ignore::PendingDeprecationWarning",
    "error::DeprecationWarning:course_lib", "error::PendingDeprecationWarning:course_lib")


@pytest.fixture(params=demos.DEMO_NAMES, scope="module")
def demo(request):
    """Una demostración por módulo (crear algunas cuesta segundos: ajustes, pesos); las pruebas se ejecutan
    en su orden, así que el contrato se comprueba sobre la demostración recién creada."""
    return getattr(demos, request.param)()


def test_demo_follows_the_contract(demo):
    assert isinstance(demo.figure, Figure)
    assert demo.controls and all(isinstance(c, widgets.Widget) for c in demo.controls.values())
    assert isinstance(demo.widget, widgets.Box)
    assert demo.image.value, "la figura inicial no se dibujó"
    assert demo.failures == [], demo.failures


def test_demo_never_raises_and_the_figure_changes(demo):
    images = {bytes(demo.image.value)}
    updates_before = demo.updates
    applied = random_changes(demo, 60, seed=1234)
    # Cada cambio real de valor actualiza la demostración una vez, sin excepciones escapadas.
    assert demo.failures == [], (demo.failures, applied)
    assert demo.updates > updates_before
    images.add(bytes(demo.image.value))
    more = random_changes(demo, 20, seed=99)
    images.add(bytes(demo.image.value))
    assert demo.failures == [], (demo.failures, more)
    assert len(images) >= 2, "la figura no cambió al mover los controles"


def test_every_control_changes_something(demo):
    """Cada control, movido por sí solo, cambia la imagen o el mensaje mostrado."""
    import numpy as np

    from course_lib.demos.drive import random_value

    rng = np.random.default_rng(7)
    for name, control in demo.controls.items():
        before = (bytes(demo.image.value), demo.message.value, demo.status.value)
        for _ in range(10):
            value = random_value(control, rng)
            if value is None or value == control.value:
                continue
            control.value = value
            break
        else:
            continue
        after = (bytes(demo.image.value), demo.message.value, demo.status.value)
        assert after != before, f"mover «{name}» no cambió nada"
    assert demo.failures == []


def test_only_warnings_a_student_would_see_count_as_failures():
    from warnings import WarningMessage

    from course_lib.demos.base import reaches_a_student

    library = "/venv/lib/python3.11/site-packages/matplotlib/_mathtext.py"
    assert not reaches_a_student(WarningMessage("obsoleto", DeprecationWarning, library, 1))
    assert reaches_a_student(WarningMessage("log(0)", RuntimeWarning, library, 1))
    assert reaches_a_student(WarningMessage("obsoleto", DeprecationWarning, "/repo/course_lib/demos/losses.py", 1))
