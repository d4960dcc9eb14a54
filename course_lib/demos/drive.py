"""Mover los controles de una demostración al azar (para los tests y los benchmarks).

Cada control recibe un valor válido para su tipo de widget: un punto de su rango, una de sus
opciones, un booleano o, en los cuadros de texto, a veces texto sin sentido (la demostración
debe responder con un mensaje, nunca con una excepción).
"""

import ipywidgets as widgets
import numpy as np

GARBAGE_TEXT = ["", "abc", "1, 2", "1 2 3\n4 5 6\n7 8 9", "nan nan nan\n0 0 0\n1 1 1", "1e309 0 0\n0 0 0\n0 0 0"]


def random_value(control, rng):
    """Un valor aleatorio admisible para ``control`` (o ``None`` si no tiene valor que mover)."""
    if isinstance(control, (widgets.Dropdown, widgets.RadioButtons, widgets.ToggleButtons,
                            widgets.Select, widgets.SelectionSlider)):
        options = list(control.options)
        choice = options[rng.integers(len(options))]
        return choice[1] if isinstance(choice, tuple) else choice
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return bool(rng.integers(2))
    if isinstance(control, widgets.FloatLogSlider):
        exponent = rng.uniform(control.min, control.max)  # min y max son exponentes
        return float(control.base ** exponent)
    if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText, widgets.Play)):
        return int(rng.integers(control.min, control.max + 1))
    if isinstance(control, (widgets.FloatSlider, widgets.BoundedFloatText)):
        return float(rng.uniform(control.min, control.max))
    if isinstance(control, (widgets.IntRangeSlider,)):
        a, b = sorted(rng.integers(control.min, control.max + 1, 2))
        return (int(a), int(b))
    if isinstance(control, (widgets.FloatRangeSlider,)):
        a, b = sorted(rng.uniform(control.min, control.max, 2))
        return (float(a), float(b))
    if isinstance(control, widgets.IntText):
        return int(rng.integers(-5, 50))
    if isinstance(control, widgets.FloatText):
        return float(rng.uniform(-10, 10))
    if isinstance(control, (widgets.Text, widgets.Textarea)):
        if rng.random() < 0.5:
            return GARBAGE_TEXT[rng.integers(len(GARBAGE_TEXT))]
        return "\n".join(" ".join(f"{v:.2f}" for v in row) for row in rng.normal(size=(3, 3)))
    return None


def random_changes(demo, n, seed=0):
    """Aplica ``n`` cambios aleatorios de un control cada vez; devuelve [(nombre, valor)]."""
    rng = np.random.default_rng(seed)
    names = [name for name, control in demo.controls.items() if random_value(control, rng) is not None]
    applied = []
    for _ in range(n):
        name = names[rng.integers(len(names))]
        value = random_value(demo.controls[name], rng)
        demo.controls[name].value = value
        applied.append((name, value))
    return applied
