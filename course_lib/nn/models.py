"""``keras.models``: las clases de modelo y cómo guardarlos y cargarlos, con los nombres de Keras.

``keras.models.Sequential``, ``keras.models.Model`` y ``keras.models.load_model`` son los mismos
objetos que ``keras.Sequential``, ``keras.Model`` y ``keras.saving.load_model``; ``clone_model`` y
``model_from_json`` reconstruyen un modelo a partir de su arquitectura (``serialization.py``).
"""

from . import Model, Sequential, load_model
from .serialization import clone_model, model_from_json

__all__ = ["Model", "Sequential", "load_model", "save_model", "clone_model", "model_from_json"]


def save_model(model, filepath):
    """Guarda el modelo en ``filepath``, como ``model.save(filepath)`` (arquitectura, pesos y compilación)."""
    return model.save(filepath)
