"""Demostraciones interactivas del curso (ipywidgets + matplotlib), una por módulo.

Cada función crea una demostración con ``.controls`` (nombre → widget), ``.figure`` (la figura
de matplotlib) y ``.widget`` (lo que se muestra en el cuaderno)::

    from course_lib import demos
    demos.gradient_descent(learning_rate=0.1)
"""

import importlib
import sys
import types

DEMO_NAMES = [
    "neuron",
    "activations",
    "losses",
    "gradient_descent",
    "optimizers",
    "convolution",
    "pooling",
    "capacity",
    "regularization",
    "playground",
]


def __getattr__(name):
    # Cada demostración se importa al usarla: así «from course_lib import demos» es instantáneo.
    if name in DEMO_NAMES:
        return getattr(importlib.import_module(f"{__name__}.{name}"), name)
    raise AttributeError(f"course_lib.demos no tiene {name!r}. Demostraciones: {', '.join(DEMO_NAMES)}.")


def __dir__():
    return sorted(list(globals()) + DEMO_NAMES)


class _DemosPackage(types.ModuleType):
    """Al importar el submódulo ``demos.neuron``, Python guarda el *módulo* en el atributo
    ``neuron`` del paquete; así ``demos.neuron`` seguiría siendo la función que crea la demo."""

    def __getattribute__(self, name):
        value = super().__getattribute__(name)
        if name in DEMO_NAMES and isinstance(value, types.ModuleType):
            return getattr(value, name)
        return value


sys.modules[__name__].__class__ = _DemosPackage
