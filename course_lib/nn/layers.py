"""Todas las capas del motor en un solo sitio.

``LAYER_CLASSES`` relaciona el nombre de cada clase con la clase, para que ``load_model`` pueda
reconstruir un modelo guardado: ``LAYER_CLASSES[nombre](**capa.get_config())``.
"""

from .activations import Activation
from .attention import MultiHeadAttention
from .convolution import Conv2D
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
from .layer import Layer
from .merging import Add, Concatenate
from .normalization import BatchNormalization, LayerNormalization
from .pooling import AveragePooling2D, GlobalAveragePooling1D, MaxPooling2D
from .recurrent import LSTM, SimpleRNN
from .reshaping import Flatten, Reshape

LAYER_CLASSES = {
    "Dense": Dense,
    "Conv2D": Conv2D,
    "MaxPooling2D": MaxPooling2D,
    "AveragePooling2D": AveragePooling2D,
    "Flatten": Flatten,
    "Dropout": Dropout,
    "BatchNormalization": BatchNormalization,
    "Activation": Activation,
    "SimpleRNN": SimpleRNN,
    "LSTM": LSTM,
    "Embedding": Embedding,
    "GlobalAveragePooling1D": GlobalAveragePooling1D,
    "Reshape": Reshape,
    "LayerNormalization": LayerNormalization,
    "MultiHeadAttention": MultiHeadAttention,
    "Add": Add,
    "Concatenate": Concatenate,
}

__all__ = ["Layer", *LAYER_CLASSES, "LAYER_CLASSES"]

# keras.layers.Input: la entrada de un modelo (la misma función que keras.Input).
from .input_layer import Input  # noqa: E402

__all__ += ["Input"]
