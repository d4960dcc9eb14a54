"""Demostraciones interactivas del curso (ipywidgets + matplotlib), una por módulo.

Cada función crea una demostración con ``.controls`` (nombre → widget), ``.figure`` (la figura
de matplotlib) y ``.widget`` (lo que se muestra en el cuaderno)::

    from course_lib import demos
    demos.gradient_descent(learning_rate=0.1)
"""

from .activations import activations
from .backpropagation import backpropagation
from .capacity import capacity
from .convolution import convolution
from .families import families
from .gradient_descent import gradient_descent
from .gradient_flow import gradient_flow
from .language_model import language_model
from .losses import losses
from .neuron import neuron
from .optimizers import optimizers
from .playground import playground
from .pooling import pooling
from .regularization import regularization
from .scaling import scaling
from .threshold_cost import threshold_cost
from .rnn_gradient import rnn_gradient
from .latent_space import latent_space

# Los nombres públicos del paquete: las funciones que crean las demostraciones.
DEMO_NAMES = [
    "neuron",
    "activations",
    "losses",
    "gradient_descent",
    "backpropagation",
    "optimizers",
    "scaling",
    "convolution",
    "pooling",
    "capacity",
    "regularization",
    "playground",
    "rnn_gradient",
    "families",
    "threshold_cost",
    "language_model",
    "latent_space",
    "gradient_flow",
]

__all__ = DEMO_NAMES
