"""Una demostración se ve viva donde hay núcleo y como imagen fija (con «cómo moverla») en un
visor estático: ``Demo._repr_mimebundle_`` ofrece las dos cosas y cada visor elige."""

import base64
import re

import pytest
from IPython.core.formatters import DisplayFormatter

from course_lib import demos


@pytest.mark.parametrize("name", ["neuron", "gradient_descent"])
def test_a_demo_offers_its_live_widget_and_a_still_of_its_initial_state(name):
    demo = getattr(demos, name)()
    data, _ = DisplayFormatter().format(demo)  # lo que IPython envía al cuaderno
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == demo.widget.model_id
    png = base64.b64decode(data["image/png"])
    assert png == demo.image.value and png.startswith(b"\x89PNG")
    page = data["text/html"]
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Estado inicial de la demostración', page)
    assert "abre el cuaderno en Colab o Binder" in page
    assert data["text/plain"].startswith("Estado inicial de la demostración")
