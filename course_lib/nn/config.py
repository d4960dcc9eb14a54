"""Precisión numérica del motor (como ``keras.backend.set_floatx``)."""

import numpy as np

from .validation import CourseError

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
