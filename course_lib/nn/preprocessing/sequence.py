"""``keras.preprocessing.sequence``: rellenar secuencias (``pad_sequences``, de ``keras.utils``)."""

from ..utils import pad_sequences

__all__ = ["pad_sequences"]
