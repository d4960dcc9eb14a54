"""course_lib.nn: un motor de redes neuronales escrito desde cero con NumPy, con la API de Keras.

Lo que aprendas aquí se traslada tal cual a Keras::

    from course_lib.nn import Sequential, Dense

    model = Sequential([
        Dense(5, activation="relu", input_shape=(4,)),
        Dense(5, activation="relu"),
        Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=100, validation_split=0.2)
    model.evaluate(x_test, y_test)

Las capas de Keras que usan los tutoriales, cada concepto en su módulo: ``recurrent`` (también GRU,
``dropout``, ``return_state``, ``go_backwards``), ``convolution`` (Conv1D y Conv2D con dilatación),
``convolution_transpose``, ``convolution_depthwise`` (DepthwiseConv2D, SeparableConv2D), ``pooling``
(1D, 2D y globales), ``upsampling``, ``wrappers`` (Bidirectional, TimeDistributed), ``merging``
(Add, Multiply, Dot… y ``add``, ``concatenate``…), ``activation_layers`` (ReLU, LeakyReLU… como
capas), ``preprocessing_layers`` (Rescaling, Normalization) y ``augmentation`` (RandomFlip,
RandomRotation…); todas en ``layers.py``.

Módulos (uno por concepto): ``layer`` (la base), ``activations``, ``initializers``,
``regularizers``, ``dense``, ``convolution``, ``pooling``, ``reshaping``, ``dropout``,
``normalization``, ``recurrent`` (SimpleRNN, LSTM), ``embedding``, ``attention``
(MultiHeadAttention), ``merging`` (Add, Concatenate), ``losses``, ``optimizers``, ``metrics``,
``callbacks`` y ``callback_list``, ``symbolic`` (tensores simbólicos, nodos y la aritmética de
tensores), ``graph`` (el grafo: orden topológico, hacia delante y hacia atrás), ``input_layer``
(Input), ``model`` (Model: funcional o subclase), ``sequential``, ``trainer`` (compile, fit,
evaluate, predict), ``compile_utils`` (pérdidas y métricas por salida), ``summary``, ``saving`` y
``loading`` (guardar y cargar), ``config`` y ``errors`` y ``gradient_check``.
"""

from . import activations, callbacks, initializers, losses, metrics, optimizers, regularizers
from .activations import Activation
from .callbacks import Callback, EarlyStopping, History
from .config import floatx, rng, set_floatx, set_seed
from .convolution import conv2d, conv2d_output_size, padding_amounts
from .gradient_check import gradient_check
from .layer import reset_names
from .input_layer import Input, InputLayer
from .symbolic import KerasTensor
from .layers import (
    LAYER_CLASSES,
    Add,
    Concatenate,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    LSTM,
    Embedding,
    GlobalAveragePooling1D,
    Layer,
    LayerNormalization,
    MaxPooling2D,
    MultiHeadAttention,
    Reshape,
    SimpleRNN,
    # Motor, parte 3: las capas de Keras que usan los tutoriales
    GRU,
    Average,
    AveragePooling1D,
    Bidirectional,
    Conv1D,
    Conv1DTranspose,
    Conv2DTranspose,
    Cropping1D,
    Cropping2D,
    Dot,
    ELU,
    GaussianDropout,
    GaussianNoise,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    LeakyReLU,
    MaxPooling1D,
    Maximum,
    Minimum,
    Multiply,
    Normalization,
    Permute,
    PReLU,
    ReLU,
    RepeatVector,
    Rescaling,
    Softmax,
    SpatialDropout1D,
    SpatialDropout2D,
    Subtract,
    TimeDistributed,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
    RandomBrightness,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
    CenterCrop,
    Identity,
    Resizing,
)
from .losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    to_categorical,
)
from .loading import load_model
from .model import Model
from .sequential import Sequential
from .trainer import TrainingWarning
from .optimizers import SGD, Adagrad, Adam, RMSprop
from .regularizers import L1, L1L2, L2
from .validation import CourseError, CourseTypeError

__all__ = [
    "conv2d",
    "conv2d_output_size",
    "padding_amounts",
    "reset_names",
    # capas
    "Layer", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dropout",
    "BatchNormalization", "Activation", "LAYER_CLASSES",
    "SimpleRNN", "LSTM", "Embedding", "GlobalAveragePooling1D", "Reshape", "LayerNormalization",
    "MultiHeadAttention", "Add", "Concatenate",
    "GRU", "Bidirectional", "TimeDistributed", "Conv1D", "Conv1DTranspose", "Conv2DTranspose", "MaxPooling1D",
    "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "UpSampling1D",
    "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "RepeatVector", "Permute",
    "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Rescaling", "Normalization", "Subtract", "Multiply",
    "Average", "Maximum", "Minimum", "Dot", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise",
    "GaussianDropout", "RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomContrast",
    "RandomBrightness", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "Resizing",
    "CenterCrop", "Identity",
    # modelo y entrenamiento
    "Sequential", "Model", "Input", "InputLayer", "KerasTensor", "load_model", "Callback", "History", "EarlyStopping", "TrainingWarning",
    # pérdidas, optimizadores, regularizadores
    "MeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "SGD", "Adagrad", "RMSprop", "Adam", "L1", "L2", "L1L2",
    # utilidades
    "to_categorical", "gradient_check", "set_floatx", "floatx", "set_seed", "rng",
    "CourseError", "CourseTypeError",
    # módulos
    "activations", "callbacks", "initializers", "losses", "metrics", "optimizers", "regularizers",
]

# ----------------------------------------------------------------------------- la superficie de Keras
# Los espacios de nombres de Keras 3 (keras.utils, keras.models, keras.ops…): un programa de Keras
# corre cambiando solo «import keras» por «from course_lib import nn as keras».
from . import backend, models, ops, preprocessing, random, utils  # noqa: E402
from . import config  # noqa: E402,F401  (keras.config.floatx(), keras.config.set_floatx(…))
from . import missing as _missing  # noqa: E402
import sys as _sys  # noqa: E402

__all__ += ["backend", "config", "models", "ops", "preprocessing", "random", "utils"]

# keras.saving.load_model y save_model: saving.py escribe los archivos y loading.py (que importa saving)
# los lee; el espacio de nombres de Keras reúne los dos.
from . import saving  # noqa: E402
saving.load_model = load_model
saving.save_model = models.save_model

# Un nombre de Keras que course_lib no tiene da un error en español que dice qué usar (missing.py).
for _module, _path in [
    (_sys.modules[__name__], ""), (layers, "layers"), (models, "models"), (utils, "utils"), (losses, "losses"),
    (metrics, "metrics"), (optimizers, "optimizers"), (callbacks, "callbacks"), (activations, "activations"),
    (initializers, "initializers"), (regularizers, "regularizers"), (backend, "backend"), (config, "config"),
    (preprocessing, "preprocessing"), (preprocessing.sequence, "preprocessing.sequence"), (ops, "ops"),
    (optimizers.schedules, "optimizers.schedules"), (random, "random"), (saving, "saving"),
]:
    _missing.install(_module, _path)
del _module, _path
