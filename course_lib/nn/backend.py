"""``keras.backend``: el estado global del motor, con los nombres de Keras.

En Keras 3 casi todo esto vive también en ``keras.config`` (``keras.config.floatx()``…); aquí los
dos caminos llevan a ``config.py``.
"""

from .config import floatx, set_floatx
from .layer import reset_names
from .losses import EPSILON

__all__ = ["backend", "clear_session", "epsilon", "floatx", "set_floatx", "image_data_format"]


def backend():
    """El motor que hace las cuentas: ``"numpy"`` (en Keras sería "tensorflow", "jax" o "torch")."""
    return "numpy"


def clear_session(free_memory=True):
    """Empieza de cero: los nombres automáticos de las capas vuelven a «dense», «dense_1»…

    ``free_memory`` se acepta por compatibilidad con Keras (aquí no hay memoria que liberar).
    """
    reset_names()


def epsilon():
    """El ε con que las pérdidas recortan las probabilidades a [ε, 1 − ε] (1e-7, como en Keras)."""
    return EPSILON


def image_data_format():
    """Cómo se ordenan los ejes de una imagen: siempre ``"channels_last"`` (N, alto, ancho, canales)."""
    return "channels_last"
