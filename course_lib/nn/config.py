"""Precisión numérica del motor (como ``keras.backend.set_floatx``)."""

import numpy as np

from .errors import CourseError

_FLOATX = "float32"


def floatx():
    """Nombre del tipo de coma flotante en uso: ``"float32"`` (por defecto) o ``"float64"``."""
    return _FLOATX


def set_floatx(value):
    """Cambia la precisión de los parámetros que se creen a partir de ahora y de los cálculos.

    float64 es útil para comprobar gradientes; float32 es más rápido y es el valor por defecto.
    """
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise CourseError(f"set_floatx: se esperaba 'float32' o 'float64'; se recibió {value!r}.")
    _FLOATX = value


def dtype():
    """El tipo de NumPy correspondiente a :func:`floatx`."""
    return np.dtype(_FLOATX)


# Generador de números aleatorios del motor: lo usan la inicialización de pesos y Dropout.
_RNG = np.random.default_rng()


def set_seed(seed):
    """Fija la semilla del generador aleatorio del motor para obtener resultados reproducibles.

    Afecta a todo lo que se sortee después: pesos iniciales de las capas que se construyan
    y máscaras de Dropout. Equivale a ``keras.utils.set_random_seed(seed)``.
    """
    global _RNG
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CourseError(f"set_seed: la semilla debe ser un entero no negativo; se recibió {seed!r}.")
    _RNG = np.random.default_rng(int(seed))


def rng():
    """El ``numpy.random.Generator`` actual del motor (cambia cada vez que se llama a :func:`set_seed`)."""
    return _RNG
