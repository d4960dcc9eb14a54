"""formato.cientifico: la notación científica de un texto en español (7,47·10⁻¹¹, no 7.47e-11)."""

import numpy as np
import pytest

from course_lib.formato import cientifico


@pytest.mark.parametrize(
    "args, expected",
    [
        ((7.4712e-11, 3), "7,47·10⁻¹¹"),
        ((1.23e5, 1), "10⁵"),
        ((9.6e4, 1), "10⁵"),                 # el redondeo sube el exponente
        ((3993.2,), "4,0·10³"),
        ((-3.2e-5,), "-3,2·10⁻⁵"),
        ((np.float64(2.5e-7), 2), "2,5·10⁻⁷"),
        ((np.float32(6.2e39 / 1e30), 2), "6,2·10⁹"),
        ((1e-12, 1), "10⁻¹²"),
        ((-1e3, 1), "-10³"),
        ((42,), "4,2·10¹"),
        ((0.0,), "0"),
        ((float("inf"),), "∞"),
        ((float("nan"),), "NaN"),
    ],
)
def test_cientifico_writes_a_power_of_ten_with_decimal_comma(args, expected):
    assert cientifico(*args) == expected
    assert "." not in cientifico(*args) and "e" not in cientifico(*args)


def test_cientifico_refuses_what_is_not_a_number():
    with pytest.raises(TypeError, match="número real"):
        cientifico("1e5")
    with pytest.raises(TypeError, match="número real"):
        cientifico(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="cifras"):
        cientifico(1.0, 0)


@pytest.mark.parametrize(
    "args, expected",
    [
        ((1.26,), "1,3"),
        ((0.0421,), "0,042"),
        ((3993.2,), "4,0·10³"),
        ((1.8e-4,), "1,8·10⁻⁴"),
        ((999.7,), "1,0·10³"),
        ((12.0, 3), "12"),
        ((-0.5,), "-0,5"),
        ((0.0,), "0"),
    ],
)
def test_legible_uses_the_power_of_ten_only_when_needed(args, expected):
    from course_lib.formato import legible

    assert legible(*args) == expected
