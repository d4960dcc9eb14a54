"""Las piezas del trabajo de latencia: el PNG con paleta y la red del laboratorio en un solo dibujo."""

import io

import numpy as np
from PIL import Image

from course_lib import demos
from course_lib.demos.network_view import MAP_SIDE


def test_the_png_is_a_palette_image_of_the_whole_figure():
    demo = demos.neuron()
    image = Image.open(io.BytesIO(bytes(demo.image.value)))
    width, height = demo.figure.canvas.get_width_height()
    assert image.format == "PNG" and image.mode == "P" and image.size == (width, height)
    # La paleta conserva la figura: blanco de fondo y los colores de la frontera y los puntos.
    colors = np.asarray(image.convert("RGB")).reshape(-1, 3)
    assert (colors >= 250).all(axis=1).mean() > 0.2  # el fondo casi blanco (la paleta redondea 255 → 254)
    assert len(np.unique(colors, axis=0)) > 50


def test_the_playground_draws_every_neuron_and_every_weight():
    demo = demos.playground(hidden_layers=2, neurons=3)
    trainer, view = demo.trainer, demo.network
    sizes = [len(trainer.features), 3, 3, 1]
    assert sorted(view.boxes) == [(c, j) for c, size in enumerate(sizes) for j in range(size)]
    weights = [layer.params["W"] for layer in trainer.model.layers]
    assert len(view.lines.get_segments()) == sum(W.size for W in weights)
    widths = np.asarray(view.lines.get_linewidths())
    flat = np.concatenate([W.ravel() for W in weights])
    assert widths[np.argmax(np.abs(flat))] == widths.max()  # el peso mayor, la línea más gruesa
    maps = trainer.neuron_maps(demo.small_grid, MAP_SIDE)
    assert [len(m) for m in maps] == sizes and all(np.abs(m).max() <= 1 for m in maps)
    # Elegir una neurona la amplía: el mapa grande deja de ser la salida de la red.
    before = demo.heat.get_array().copy()
    demo.controls["neuron"].value = "1:2"
    assert demo.failures == [] and not np.allclose(demo.heat.get_array(), before)
    assert demo.network.boxes[(2, 2)]
