"""Lo que imprime gradient_check lo lee un estudiante: en español y con coma decimal (7,47e-11)."""

import re

import numpy as np

from course_lib.nn import gradient_check


def test_the_report_writes_numbers_with_decimal_comma():
    theta = {"w": np.array([0.3, -1.2]), "b": np.array([0.5])}
    J = lambda p: float(np.sum(p["w"] ** 2) + 3 * p["b"][0])
    grads = {"w": 2 * theta["w"], "b": np.array([3.0])}
    texto = repr(gradient_check(J, theta, grads))
    assert "los gradientes coinciden" in texto
    assert not re.search(r"\d\.\d", texto), texto              # ningún punto decimal
    assert re.search(r"error relativo \d,\d\de-\d\d", texto), texto
    assert "ε = 1e-05" in texto and "tolerancia 1e-07" in texto


def test_a_wrong_gradient_is_flagged_in_spanish():
    theta = {"w": np.array([0.3, -1.2])}
    texto = repr(gradient_check(lambda p: float(np.sum(p["w"] ** 2)), theta, {"w": theta["w"].copy()}))
    assert "REVISAR" in texto and "NO coinciden" in texto
    assert not re.search(r"\d\.\d", texto), texto
