"""Cada demostración de la sala, dibujada para el proyector: ningún texto por debajo de 20 px, ninguno
cortado por el borde de la figura o de su recuadro, ninguno encima de otro (issue 23).

Se mide en la figura dibujada, no en los parámetros: los textos de matplotlib por su tamaño y su
caja en la imagen; los que pintan con PIL (``rastertext``) por la letra con que se pintaron y si la
línea más larga cabe en su recuadro. Cada demostración se recorre por sus controles (extremos de
cada deslizador, cada opción de cada desplegable) porque hay textos que solo salen en un estado.
"""

import itertools
from unittest import mock

import ipywidgets as widgets
import pytest
from matplotlib.text import Text

from course_lib import demos
from course_lib.demos.base import ROOM_MIN_PX, ROOM_WIDTH_PX, projector_mode
from course_lib.demos.rastertext import CellLabels, RasterText, TextStamps
from course_lib.demos.room import ROOM

NAMES = [name for _, _, name, _ in ROOM]


def _raster_parts(demo, depth=3):
    """Los objetos de ``rastertext`` que usa la demostración (en sus atributos, listas y diccionarios)."""
    found, seen = [], set()

    def visit(value, level):
        if id(value) in seen or level > depth:
            return
        seen.add(id(value))
        if isinstance(value, (RasterText, CellLabels, TextStamps)):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item, level + 1)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item, level + 1)
        elif hasattr(value, "__dict__") and type(value).__module__.startswith("course_lib"):
            for item in vars(value).values():
                visit(item, level + 1)

    visit(demo, 0)
    return found


def _drawn_texts(demo):
    """Los textos que de verdad se pintan en la imagen (matplotlib crea también marcas fuera de los
    límites de los ejes, que no se dibujan): se dibuja la figura entera anotando cada ``Text.draw``.
    Solo los de esta figura: el hilo de ajustes de una demostración anterior (las familias) puede
    redibujar la suya a la vez, y sus textos no están en esta imagen."""
    drawn = []
    original = Text.draw

    def recording(text, renderer):
        if text.figure is demo.figure and text.get_visible() and text.get_text().strip() \
                and (text.get_alpha() is None or text.get_alpha() > 0):
            drawn.append(text)
        return original(text, renderer)

    with mock.patch.object(Text, "draw", recording):
        demo.redraw_all()
        demo.draw()
    return list(dict.fromkeys(drawn))


def _problems(demo, state):
    """Lo que no se leería desde el fondo del aula en este estado de la demostración."""
    problems = []
    figure = demo.figure
    renderer = figure.canvas.get_renderer()
    width, height = figure.bbox.width, figure.bbox.height
    boxes = []
    for text in _drawn_texts(demo):
        label = f"{state}: «{text.get_text()[:40]}»"
        if text.get_fontsize() * figure.dpi / 72 < ROOM_MIN_PX - 0.01:
            problems.append(f"{label} mide {text.get_fontsize():.0f} px")
        box = text.get_window_extent(renderer)
        if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
            problems.append(f"{label} se sale de la figura ({box.x0:.0f}, {box.y0:.0f}, {box.x1:.0f}, {box.y1:.0f})")
        boxes.append((label, box))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if overlap_x > 2 and overlap_y > 2:
            problems.append(f"{a} pisa {b.split(': ', 1)[1]}")
    for part in _raster_parts(demo):
        size = part.smallest_px()
        if size is not None and size < ROOM_MIN_PX:
            problems.append(f"{state}: {type(part).__name__} pintó texto de {size} px")
        if isinstance(part, RasterText) and part.overflows():
            problems.append(f"{state}: «{part.last_text[:40]}» no cabe en su recuadro")
    return problems


def _states(demo):
    """Recorre los controles: extremos de los deslizadores, opciones de los desplegables, casillas."""
    yield "inicio"
    for name, control in list(demo.controls.items()):
        if isinstance(control, widgets.Play):
            continue
        original = control.value
        if hasattr(control, "options") and not isinstance(control, widgets.SelectionRangeSlider):
            values = [value for _, value in _pairs(control.options)][:6]
        elif isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
            values = [not original]
        elif hasattr(control, "min") and hasattr(control, "max") and not isinstance(original, tuple):
            values = [control.max, control.min]
        else:
            continue
        for value in values:
            control.value = value
            yield f"{name} = {value!r}"
        control.value = original


def _pairs(options):
    pairs = []
    for option in options:
        pairs.append(option if isinstance(option, tuple) else (option, option))
    return pairs


@pytest.mark.parametrize("name", NAMES)
def test_every_text_of_the_room_demo_reads_from_the_back_of_the_room(name):
    with projector_mode():
        demo = getattr(demos, name)()
    assert demo.figure.bbox.width == ROOM_WIDTH_PX
    problems = []
    for state in _states(demo):
        assert demo.failures == [], f"{name}, {state}: {demo.failures}"
        problems += _problems(demo, state)
    unique = list(dict.fromkeys(problems))
    assert not unique, f"«{name}» en la sala ({len(unique)}):\n" + "\n".join(unique[:25])
