"""Los extremos de cada control (mínimo, máximo, cada opción) no producen avisos ni errores.

Los valores al azar de test_demos.py casi nunca caen justo en un extremo (p = 0,01, r = 0, η máxima…),
que es donde aparecen los ``divide by zero encountered in log`` de NumPy. Aquí cualquier aviso falla.
"""

import ipywidgets as widgets
import pytest

from course_lib import demos

# Cualquier aviso es un error, salvo los DeprecationWarning que nacen dentro de otra biblioteca
# (ipywidgets 7 con ipykernel reciente, matplotlib 3.8 con pyparsing reciente en el entorno de versiones
# mínimas): Python no se los enseña al estudiante (base.reaches_a_student). Los de course_lib, sí.
pytestmark = pytest.mark.filterwarnings(
    "error", "ignore::DeprecationWarning", "ignore::PendingDeprecationWarning",
    "error::DeprecationWarning:course_lib", "error::PendingDeprecationWarning:course_lib")


def extreme_values(control):
    """Los valores extremos admisibles de un control: sus límites o todas sus opciones."""
    if isinstance(control, (widgets.Dropdown, widgets.RadioButtons, widgets.ToggleButtons, widgets.Select,
                            widgets.SelectionSlider)):
        options = [option[1] if isinstance(option, tuple) else option for option in control.options]
        # Un deslizador de valores (p. ej. w de −3 a 3 en 121 paradas) tiene dos extremos; una lista, todos.
        return [options[0], options[-1]] if isinstance(control, widgets.SelectionSlider) else options
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return [True, False]
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max]
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider, widgets.BoundedIntText,
                            widgets.BoundedFloatText, widgets.Play)):
        return [control.min, control.max]
    if isinstance(control, (widgets.IntRangeSlider, widgets.FloatRangeSlider)):
        return [(control.min, control.min), (control.max, control.max), (control.min, control.max)]
    return []


@pytest.mark.parametrize("name", demos.DEMO_NAMES)
def test_every_control_at_its_extremes(name):
    demo = getattr(demos, name)()
    controls = list(demo.controls.items())
    # Cada control a cada extremo, con los demás primero en su mínimo y después en su máximo.
    for position in (0, -1):
        for _, control in controls:
            values = extreme_values(control)
            if values:
                control.value = values[position]
        for control_name, control in controls:
            for value in extreme_values(control):
                control.value = value
                assert demo.failures == [], (control_name, value, demo.failures)
                assert "No se pudo" not in demo.message.value, (control_name, value, demo.message.value)
