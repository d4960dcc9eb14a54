"""Demostraciones interactivas del curso (ipywidgets + matplotlib), una por módulo.

Cada función crea una demostración con ``.controls`` (nombre → widget), ``.figure`` (la figura
de matplotlib) y ``.widget`` (lo que se muestra en el cuaderno)::

    from course_lib import demos
    demos.gradient_descent(learning_rate=0.1)
"""

from .activations import activations
from .capacity import capacity
from .convolution import convolution
from .gradient_descent import gradient_descent
from .losses import losses
from .neuron import neuron
from .optimizers import optimizers
from .playground import playground
from .pooling import pooling
from .regularization import regularization
from .scaling import scaling
from .rnn_gradient import rnn_gradient
from .latent_space import latent_space

# Los nombres públicos del paquete: las funciones que crean las demostraciones.
DEMO_NAMES = [
    "neuron",
    "activations",
    "losses",
    "gradient_descent",
    "optimizers",
    "scaling",
    "convolution",
    "pooling",
    "capacity",
    "regularization",
    "playground",
    "rnn_gradient",
    "latent_space",
]

__all__ = DEMO_NAMES
