"""La coma decimal: al imprimir (numero, coma) y en las marcas de las figuras del curso."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.formato import ESPACIO, FormateadorComa, coma, matriz, numero
from course_lib.plots import use_course_style


@pytest.mark.parametrize(
    "args, expected",
    [
        ((2 / 7, 3), "0,286"),
        ((0.5,), "0,5"),
        ((-1.25, 1), "-1,2"),
        ((3,), "3"),
        ((np.float64(0.125), 2), "0,12"),
        ((np.int64(42),), "42"),
        ((np.array([0.5, 1.25]), 2), "[0,50; 1,25]"),
        ((np.nan,), "NaN"),
        ((float("inf"),), "∞"),
    ],
)
def test_numero_writes_the_decimal_comma(args, expected):
    assert numero(*args) == expected


def test_numero_significant_figures_and_errors():
    assert numero(0.000123456, cifras=3) == "0,000123"
    with pytest.raises(ValueError, match="no las dos"):
        numero(1.0, decimales=2, cifras=3)
    with pytest.raises(TypeError, match="se esperaba un número"):
        numero("0.5")


def test_coma_in_f_strings():
    assert f"{coma(0.98567):.3f}" == "0,986"
    assert f"{coma(0.25):.1%}" == f"25,0{ESPACIO}%"
    assert f"{coma(1234567.891):,.1f}" == f"1{ESPACIO}234{ESPACIO}567,9"
    assert f"{coma(np.array([0.5, 1.25])):.2f}" == "[0,50; 1,25]"
    assert f"{coma(7)}" == "7" and f"{coma(0.1 + 0.2)}" == "0,3"
    assert f"{coma(np.float32(2.5)):>6.2f}" == "  2,50"


def test_formatter_writes_commas_and_keeps_positions():
    formatter = FormateadorComa()
    fig, ax = plt.subplots()
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlim(0, 1)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "0,4" in labels and not any("." in label for label in labels)
    plt.close(fig)


def test_course_style_gives_every_linear_axis_comma_ticks():
    use_course_style()
    fig, (ax, image_ax) = plt.subplots(1, 2)
    ax.plot([0, 1], [0.0, 0.3])
    image = image_ax.imshow(np.linspace(0, 1, 16).reshape(4, 4))
    colorbar = fig.colorbar(image)
    fig.canvas.draw()
    texts = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels() + colorbar.ax.get_yticklabels()]
    assert any("," in t for t in texts)
    assert not any("." in t for t in texts), texts
    assert isinstance(ax.yaxis.get_major_formatter(), FormateadorComa)
    # Un eje logarítmico conserva su formateador propio (potencias de diez).
    ax.set_yscale("log")
    assert not isinstance(ax.yaxis.get_major_formatter(), FormateadorComa)
    plt.close(fig)


def test_course_style_shows_pandas_tables_with_comma():
    import pandas as pd

    use_course_style()
    try:
        texto = pd.DataFrame({"masa_corporal_g": [3750.0, 3800.5], "pico_mm": [39.1, 39.5]}).to_string()
        assert "3800,5" in texto and "39,1" in texto and "." not in texto
    finally:
        pd.reset_option("display.float_format")


def test_matriz_aligns_rows_with_the_decimal_comma():
    assert matriz(np.array([[30.0, 0.0], [-30.0, 2.5]])) == "[[ 30    0]\n [-30  2,5]]"
    assert matriz([[0.123, 1.0]], 2) == "[[0,12  1,00]]"
    assert matriz(np.array([[-0.0, 1]])) == "[[0  1]]"
    assert matriz(np.eye(2, dtype=int)) == "[[1  0]\n [0  1]]"
    with pytest.raises(ValueError, match="2 dimensiones"):
        matriz(np.array([1.0, 2.0]))
