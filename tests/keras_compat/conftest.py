"""Fijaciones de la prueba de compatibilidad con Keras (ver arnes.py)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import arnes  # noqa: E402


@pytest.fixture(scope="session")
def motores():
    """(keras, course_lib.nn): Keras 3 importado una sola vez por proceso (None si no está instalado)."""
    return arnes.cargar_keras(), arnes.cargar_course_lib()


@pytest.fixture(params=["keras", "course_lib"])
def keras(request, motores):
    """Cada motor con el nombre ``keras``, como lo ve el programa tras cambiar la línea del import."""
    motor = motores[0] if request.param == "keras" else motores[1]
    if motor is None:
        pytest.skip("Keras 3 no está instalado en este entorno")
    arnes.preparar(motor)
    yield motor
    arnes.preparar(motor)


def pytest_collection_modifyitems(items):
    """Los avisos internos de Keras (conversiones de NumPy 2, input_shape= desaconsejado) no son de
    course_lib: se ocultan en esta carpeta para que el informe de pytest no se llene de ellos."""
    for item in items:
        if "keras_compat" in item.nodeid:
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning:keras"))
            item.add_marker(pytest.mark.filterwarnings("ignore::UserWarning:keras"))
