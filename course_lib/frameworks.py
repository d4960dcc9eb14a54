"""Keras y PyTorch, si están instalados: los cuadernos ejecutan su código solo cuando existen.

No son dependencias del curso (los instalan las pruebas, ``requirements-test.txt``). Uso::

    from course_lib.frameworks import load_keras, load_torch

    keras = load_keras()      # Keras 3 sobre PyTorch, o None si falta Keras o su motor
    if keras is None:
        print("Keras no está instalado: el código es solo para leer.")

Keras 3 es multimotor (*multi-backend*): TensorFlow, JAX o PyTorch. El motor se elige **antes**
de importarlo, con la variable de entorno ``KERAS_BACKEND`` (o el archivo ``~/.keras/keras.json``,
que por defecto dice ``"tensorflow"``). Si nadie lo ha elegido, ``load_keras`` elige PyTorch
cuando está instalado, que es el motor con el que se prueba el curso.
"""

import importlib
import importlib.util
import os
import sys

BACKENDS = ("torch", "jax", "tensorflow")


def is_installed(module):
    """¿Se puede importar ``module`` (``"torch"``, ``"xgboost"``…)? Sin importarlo."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def load_torch():
    """El módulo ``torch`` (con un solo hilo: las redes del curso son diminutas), o ``None``."""
    if not is_installed("torch"):
        return None
    import torch

    torch.set_num_threads(1)
    return torch


def choose_keras_backend():
    """El motor de Keras que se usará: ``KERAS_BACKEND`` si está fijado; si no, el primero
    instalado de ``BACKENDS`` (PyTorch antes que JAX y TensorFlow), que queda fijado en
    ``KERAS_BACKEND``. Devuelve ``None`` si no hay ninguno."""
    chosen = os.environ.get("KERAS_BACKEND")
    if chosen:
        return chosen
    for backend in BACKENDS:
        if is_installed(backend):
            os.environ["KERAS_BACKEND"] = backend
            return backend
    return None


def load_keras():
    """El módulo ``keras`` (Keras 3) listo para usar, o ``None`` si falta Keras o su motor.

    Si Keras ya se había importado, lo devuelve tal cual (el motor no puede cambiarse sin
    reiniciar el núcleo).
    """
    if "keras" in sys.modules:
        return sys.modules["keras"]
    if not is_installed("keras"):
        return None
    backend = choose_keras_backend()
    if backend is None or not is_installed(backend):
        return None
    try:
        keras = importlib.import_module("keras")
    except ImportError:
        return None
    if keras.backend.backend() == "torch":
        load_torch()                                   # un solo hilo también para el motor de Keras
    return keras
