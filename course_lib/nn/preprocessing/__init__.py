"""``keras.preprocessing``: el nombre que usan los tutoriales anteriores a Keras 3.

Solo ``keras.preprocessing.sequence.pad_sequences`` (que es ``keras.utils.pad_sequences``).
"""

from . import sequence

__all__ = ["sequence"]
