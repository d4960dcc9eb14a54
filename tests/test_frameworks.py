"""Keras y PyTorch en las pruebas: están instalados y Keras usa PyTorch como motor; también las
bibliotecas del capítulo 14 que se ejecutan en las pruebas.

Si faltaran, sus celdas en los cuadernos solo imprimirían «no está instalado»
y nbval las daría por buenas sin haber comprobado nada.
"""

import os
import sys

import pytest

from course_lib import frameworks


@pytest.mark.parametrize("module", ["torch", "keras"])
def test_test_environment_has_the_frameworks(module):
    assert frameworks.is_installed(module), f"falta {module}: instala requirements-test.txt"


# Las del capítulo 14 que las pruebas ejecutan de verdad (TensorFlow, CatBoost e ydata-profiling, no).
@pytest.mark.parametrize("module", ["xgboost", "lightgbm", "nltk", "gensim", "statsmodels"])
def test_test_environment_has_the_chapter_14_libraries(module):
    assert frameworks.is_installed(module), f"falta {module}: instala requirements-test.txt"


def test_backend_defaults_to_pytorch(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "")          # registrada: monkeypatch la restaura al terminar
    monkeypatch.delenv("KERAS_BACKEND")
    assert frameworks.choose_keras_backend() == "torch"
    assert os.environ["KERAS_BACKEND"] == "torch"


def test_backend_chosen_by_the_user_is_respected(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert frameworks.choose_keras_backend() == "jax"


def test_keras_without_its_backend_is_none_not_an_error(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "un_motor_que_no_existe")
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    assert frameworks.load_keras() is None


def test_missing_library_is_none():
    assert not frameworks.is_installed("una_biblioteca_que_no_existe")
