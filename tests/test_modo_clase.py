"""El «modo clase» de las figuras: textos de ≥ 20 px en pantalla y figuras que caben en una
diapositiva de 1024×768 (se mide en la figura dibujada, no en los parámetros)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plots  # noqa: E402
from course_lib.modo_clase import CLASS_MODE_VARIABLE  # noqa: E402


@pytest.fixture(autouse=True)
def _restaura_el_estilo():
    saved = mpl.rcParams.copy()
    yield
    mpl.rcParams.update(saved)
    plt.close("all")


def _text_heights_px(modo_clase):
    """Alto en píxeles (en la imagen que ve el aula) de cada texto de una figura típica del curso."""
    plots.use_course_style(modo_clase=modo_clase)
    fig, ax = plt.subplots()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x ** 2, label="pérdida")
    ax.set(xlabel="época", ylabel="valor", title="Curva de aprendizaje")
    ax.legend()
    fig.canvas.draw()
    texts = ax.get_xticklabels() + ax.get_yticklabels() + [ax.xaxis.label, ax.yaxis.label, ax.title]
    texts += ax.get_legend().get_texts()
    sizes = {text.get_text(): text.get_fontsize() * fig.dpi / 72 for text in texts if text.get_text()}
    width, height = fig.get_size_inches() * fig.dpi
    return sizes, width, height


def test_modo_clase_gives_every_label_at_least_20_px_and_fits_a_1024_slide():
    sizes, width, height = _text_heights_px(modo_clase=True)
    assert min(sizes.values()) >= 20, sizes
    assert width <= 960 and height <= 560, (width, height)


def test_without_modo_clase_the_figures_keep_the_reading_size():
    sizes, width, _ = _text_heights_px(modo_clase=False)
    assert min(sizes.values()) < 20  # el modo clase cambia algo de verdad
    assert width == 800


def test_the_environment_variable_turns_it_on(monkeypatch):
    monkeypatch.setenv(CLASS_MODE_VARIABLE, "1")
    plots.use_course_style()
    assert mpl.rcParams["xtick.labelsize"] == plots.CLASS_MODE_STYLE["xtick.labelsize"]
    monkeypatch.setenv(CLASS_MODE_VARIABLE, "0")
    plots.use_course_style()  # y se apaga sin dejar restos
    assert mpl.rcParams["xtick.labelsize"] == mpl.rcParamsDefault["xtick.labelsize"]
    assert mpl.rcParams["font.size"] == plots.COURSE_STYLE["font.size"]


def test_the_course_drawings_with_fixed_sizes_also_grow_in_modo_clase():
    """draw_network y show_images escriben con tamaño fijo (11 y 10 pt en un cuaderno): en modo clase,
    tampoco ellas por debajo de 20 px."""
    for modo_clase, smallest in ((False, 10), (True, 20)):
        plots.use_course_style(modo_clase=modo_clase)
        ax = plots.draw_network([3, 4, 2])
        fig = plots.show_images(np.zeros((3, 8, 8)), titles=["cero", "uno", "dos"])
        texts = [t for t in ax.texts] + [a.title for a in fig.axes if a.get_title()]
        px = [t.get_fontsize() * t.figure.dpi / 72 for t in texts]
        assert len(px) == 6
        if modo_clase:
            assert min(px) >= smallest, px
        else:
            assert min(px) < 20 and max(px) < 20  # en el cuaderno no cambian
        plt.close("all")


def test_in_modo_clase_the_demos_are_drawn_for_the_projector(monkeypatch):
    """Con ``make presentar`` (CURSO_MODO_CLASE=1) las demostraciones de un cuaderno salen como en la sala:
    figura de 990 px y letra ≥ 20 px; sin la variable, la figura de cuaderno."""
    from course_lib import demos
    from course_lib.demos.base import NOTEBOOK_MODE, ROOM_MODE, ROOM_WIDTH_PX, display_mode, projector_mode

    monkeypatch.setenv(CLASS_MODE_VARIABLE, "1")
    assert display_mode() == ROOM_MODE
    demo = demos.losses()
    assert demo.mode == ROOM_MODE and demo.figure.bbox.width == ROOM_WIDTH_PX
    with projector_mode(NOTEBOOK_MODE):
        assert display_mode() == NOTEBOOK_MODE
    assert display_mode() == ROOM_MODE  # al salir del bloque vuelve el modo por defecto
    monkeypatch.setenv(CLASS_MODE_VARIABLE, "0")
    demo = demos.losses()
    assert demo.mode == NOTEBOOK_MODE and demo.figure.bbox.width < ROOM_WIDTH_PX
