"""Todas las capas del motor en un solo sitio.

``LAYER_CLASSES`` relaciona el nombre de cada clase con la clase, para que ``load_model`` pueda
reconstruir un modelo guardado: ``LAYER_CLASSES[nombre](**capa.get_config())``.
"""

from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .augmentation import (
    RandomBrightness,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
)
from .activations import Activation
from .attention import MultiHeadAttention
from .convolution import Conv1D, Conv2D
from .convolution_depthwise import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from .convolution_transpose import Conv1DTranspose, Conv2DTranspose
from .dense import Dense
from .dropout import Dropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D
from .embedding import Embedding
from .layer import Layer
from .merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling1D,
    MaxPooling2D,
)
from .preprocessing_layers import Normalization, Rescaling
from .recurrent import GRU, LSTM, SimpleRNN
from .reshaping import (
    Cropping1D,
    Cropping2D,
    Flatten,
    Identity,
    Permute,
    RepeatVector,
    Reshape,
    ZeroPadding1D,
    ZeroPadding2D,
)
from .upsampling import CenterCrop, Resizing, UpSampling1D, UpSampling2D
from .wrappers import Bidirectional, TimeDistributed

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
    # Motor, parte 3 (issue 18): las capas de Keras que usan los tutoriales.
    "Conv1D": Conv1D,
    "Conv1DTranspose": Conv1DTranspose,
    "Conv2DTranspose": Conv2DTranspose,
    "MaxPooling1D": MaxPooling1D,
    "AveragePooling1D": AveragePooling1D,
    "GlobalMaxPooling1D": GlobalMaxPooling1D,
    "GlobalAveragePooling2D": GlobalAveragePooling2D,
    "GlobalMaxPooling2D": GlobalMaxPooling2D,
    "GRU": GRU,
    "Bidirectional": Bidirectional,
    "TimeDistributed": TimeDistributed,
    "UpSampling1D": UpSampling1D,
    "UpSampling2D": UpSampling2D,
    "ZeroPadding1D": ZeroPadding1D,
    "ZeroPadding2D": ZeroPadding2D,
    "Cropping1D": Cropping1D,
    "Cropping2D": Cropping2D,
    "RepeatVector": RepeatVector,
    "Permute": Permute,
    "ReLU": ReLU,
    "LeakyReLU": LeakyReLU,
    "PReLU": PReLU,
    "ELU": ELU,
    "Softmax": Softmax,
    "Rescaling": Rescaling,
    "Normalization": Normalization,
    "Subtract": Subtract,
    "Multiply": Multiply,
    "Average": Average,
    "Maximum": Maximum,
    "Minimum": Minimum,
    "Dot": Dot,
    "SpatialDropout1D": SpatialDropout1D,
    "SpatialDropout2D": SpatialDropout2D,
    "GaussianNoise": GaussianNoise,
    "GaussianDropout": GaussianDropout,
    "RandomFlip": RandomFlip,
    "RandomTranslation": RandomTranslation,
    "RandomRotation": RandomRotation,
    "RandomZoom": RandomZoom,
    "RandomContrast": RandomContrast,
    "RandomBrightness": RandomBrightness,
    "DepthwiseConv1D": DepthwiseConv1D,
    "DepthwiseConv2D": DepthwiseConv2D,
    "SeparableConv1D": SeparableConv1D,
    "SeparableConv2D": SeparableConv2D,
    "Resizing": Resizing,
    "CenterCrop": CenterCrop,
    "Identity": Identity,
}

#: Las funciones de Keras que crean una capa de fusión y la llaman: ``add([a, b])`` = ``Add()([a, b])``.
MERGE_FUNCTIONS = ["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot"]

#: Otros nombres de Keras para las mismas capas (``keras.layers.MaxPool2D`` es ``MaxPooling2D``).
Convolution1D, Convolution2D, Convolution1DTranspose, Convolution2DTranspose = Conv1D, Conv2D, Conv1DTranspose, Conv2DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
ALIASES = ["Convolution1D", "Convolution2D", "Convolution1DTranspose", "Convolution2DTranspose",
           "SeparableConvolution1D", "SeparableConvolution2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D"]

__all__ = ["Layer", *LAYER_CLASSES, *MERGE_FUNCTIONS, *ALIASES, "LAYER_CLASSES"]

# keras.layers.Input: la entrada de un modelo (la misma función que keras.Input).
from .input_layer import Input  # noqa: E402

__all__ += ["Input"]
