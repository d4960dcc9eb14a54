"""Utilidades comunes de las pruebas."""

import sys
from pathlib import Path

import pytest

from course_lib.nn import config


@pytest.fixture
def float64():
    """Cálculos en float64 (para comparar con fórmulas y gradientes numéricos) y semilla fija;
    al terminar se restaura la precisión anterior."""
    previous = config.floatx()
    config.set_floatx("float64")
    config.set_seed(2024)
    yield
    config.set_floatx(previous)


# tests/navegador.py (servidores y Chromium) se importa como «navegador» en las pruebas en navegador.
sys.path.insert(0, str(Path(__file__).resolve().parent))


# El recuento de la prueba de compatibilidad con Keras (tests/keras_compat) al final de pytest.
from keras_compat.resumen import pytest_terminal_summary  # noqa: E402,F401
