"""La clase base ``Layer``: el protocolo que comparten todas las capas del motor.

Una capa transforma un lote ``x`` de forma (N, ...) en una salida ``y`` de forma (N, ...):

- ``build(input_shape)`` crea los parámetros para entradas de esa forma (sin el eje del lote).
  ``forward`` la llama sola la primera vez. Fija ``built``, ``input_shape`` y ``output_shape``.
- ``forward(x, training=False) -> y`` calcula la salida y guarda en ``self._cache`` lo que
  necesitará el paso hacia atrás. ``training=True`` solo cambia algo en Dropout y BatchNormalization.
- ``backward(grad_y) -> grad_x`` recibe ∂L/∂y, rellena ``self.grads`` (∂L/∂θ para cada parámetro θ)
  y devuelve ∂L/∂x, que es el ``grad_y`` de la capa anterior.
- ``params`` y ``grads``: diccionarios de arrays con las mismas claves y formas ("W", "b";
  "gamma", "beta"). Vacíos en las capas sin parámetros.
- ``state``: arrays que no se entrenan pero forman parte del modelo (las medias móviles de
  BatchNormalization); hay que guardarlos al guardar el modelo.
- ``get_config()``: los argumentos del constructor, en tipos que caben en JSON, de modo que
  ``type(capa)(**capa.get_config())`` crea una capa igual (sin pesos).

Las capas leen ``self.params["W"]`` en cada llamada, así que un optimizador puede actualizar los
arrays en su sitio (``-=``) o sustituirlos por otros nuevos.
"""

import re

import numpy as np

from . import config
from .validation import CourseError, as_float_array

_NAME_COUNTS = {}


def _snake_case(class_name):
    """Dense -> dense, MaxPooling2D -> max_pooling2d, BatchNormalization -> batch_normalization."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """Nombres automáticos como en Keras: "dense", "dense_1", "dense_2"…"""
    count = _NAME_COUNTS.get(base, 0)
    _NAME_COUNTS[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def reset_names():
    """Reinicia la numeración de los nombres automáticos (como ``keras.backend.clear_session()``)."""
    _NAME_COUNTS.clear()


def _as_shape(shape, who):
    """Convierte ``shape`` (entero o secuencia de enteros positivos) en una tupla de enteros."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(int(n) for n in shape)
        ok = len(shape) > 0 and all(n > 0 for n in shape)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise CourseError(
            f"{who}: input_shape debe ser una tupla de enteros positivos sin el eje del lote, "
            f"por ejemplo (4,) o (28, 28, 1); se recibió {shape!r}."
        )
    return shape


class Layer:
    """Base de todas las capas. Las subclases definen, según lo que necesiten:

    ``check_input_shape``, ``create_params``, ``compute_output_shape``, ``forward`` y ``backward``.
    """

    def __init__(self, name=None, input_shape=None):
        if name is not None and not isinstance(name, str):
            raise CourseError(f"name debe ser un texto; se recibió {name!r}.")
        self.name = name or unique_name(_snake_case(type(self).__name__))
        self.params = {}
        self.grads = {}
        self.state = {}
        self.built = False
        # Antes de construir: la forma declarada con input_shape= (o None). Después: la real.
        self.input_shape = None if input_shape is None else _as_shape(input_shape, type(self).__name__)
        self.output_shape = None
        self.kernel_regularizer = None
        self.trainable = True         # False congela los parámetros: el optimizador no los toca
        self._node = None             # el nodo del grafo si la capa se llamó sobre un tensor simbólico
        self._cache = None
        self._workspaces = {}         # arrays de trabajo que se reutilizan de una llamada a otra
        self._batch_size = None       # N de la última pasada hacia delante
        self._incoming_batch = None   # N de la entrada que se está validando (para los mensajes)

    # ---------------------------------------------------------------- construcción
    def build(self, input_shape):
        """Crea los parámetros para entradas de forma ``input_shape`` (sin el eje del lote)."""
        input_shape = _as_shape(input_shape, type(self).__name__)
        self.check_input_shape(input_shape)
        self.create_params(input_shape)
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.input_shape = input_shape
        self.output_shape = self.compute_output_shape(input_shape)
        self.built = True

    def check_input_shape(self, input_shape):
        """Lanza un CourseError en español si la capa no admite entradas de esa forma."""

    def create_params(self, input_shape):
        """Crea ``self.params`` (y ``self.state``). Las capas sin parámetros no hacen nada."""

    def compute_output_shape(self, input_shape):
        """Forma de la salida (sin el eje del lote) para una entrada de forma ``input_shape``."""
        return tuple(input_shape)

    def symbolic_output_shape(self, input_shape, **kwargs):
        """Forma de la salida para una llamada simbólica (API funcional), sin crear los pesos."""
        if isinstance(input_shape, list):
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') recibe un solo tensor, pero se le pasó una lista de "
                f"{len(input_shape)}. Para juntar tensores usa Add()([a, b]) o Concatenate()([a, b])."
            )
        input_shape = tuple(input_shape)
        self.check_input_shape(input_shape)
        return tuple(self.compute_output_shape(input_shape))

    def forward(self, x, training=False):
        """x: (N, ...) -> y: (N, ...). Cada capa la define; empieza con ``x = self._prepare_input(x)``."""
        raise NotImplementedError(f"{type(self).__name__} no define forward.")

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x, rellenando ``self.grads``. Cada capa la define."""
        raise NotImplementedError(f"{type(self).__name__} no define backward.")

    def __call__(self, *args, **kwargs):
        """``capa(x)`` es ``capa.forward(x)``, como en Keras. Con un tensor simbólico (``Input``) no
        calcula nada: añade la capa al grafo de un modelo funcional y devuelve el tensor de su salida."""
        from .graph import is_symbolic_call, symbolic_call
        if is_symbolic_call(args, kwargs):
            return symbolic_call(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # ---------------------------------------------------------------- ayudas de forward/backward
    def _workspace(self, name, shape, dtype):
        """Un array de trabajo sin inicializar que la capa reutiliza en cada llamada (nunca se devuelve).

        Pedir al sistema megas nuevos en cada paso cuesta fallos de página al escribirlos por primera vez;
        en el bucle de una LSTM eso pesaba tanto como la aritmética.
        """
        array = self._workspaces.get(name)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._workspaces[name] = np.empty(shape, dtype=dtype)
        return array

    def _prepare_input(self, x):
        """Convierte ``x`` a un array de ``floatx()``, valida su forma y construye la capa si hace falta."""
        if not (isinstance(x, np.ndarray) and x.dtype == config.dtype()):
            x = as_float_array(x, f"La entrada de la capa {type(self).__name__} ('{self.name}')")
        if x.ndim < 2:
            raise CourseError(
                f"{type(self).__name__} esperaba un lote de ejemplos de forma (N, ...) con el eje del "
                f"lote primero, pero recibió un array de forma {x.shape}. Para un solo ejemplo usa "
                "x[None, ...] (o x.reshape(1, -1) si es un vector de características)."
            )
        shape = x.shape[1:]
        self._incoming_batch = x.shape[0]  # para que los mensajes de error muestren la forma completa
        try:
            if not self.built:
                self.build(shape)
            elif shape != self.input_shape:
                self.check_input_shape(shape)  # p. ej. Dense con otro número de características: error
                self.input_shape = shape
                self.output_shape = self.compute_output_shape(shape)
        finally:
            self._incoming_batch = None
        self._batch_size = x.shape[0]
        return x

    def _received(self, input_shape):
        """Forma recibida para los mensajes de error: (5, 28, 28) si se conoce el lote, si no (N, 28, 28)."""
        batch = "N" if self._incoming_batch is None else str(self._incoming_batch)
        return "(" + ", ".join([batch, *map(str, input_shape)]) + ")"

    def _check_backward(self, grad_y):
        """Comprueba que ya hubo un forward y que ∂L/∂y tiene la forma de la última salida."""
        if self._cache is None:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}'): llama a forward(x) antes que a backward(grad_y); "
                "backward usa lo que guardó la última pasada hacia delante."
            )
        grad_y = np.asarray(grad_y, dtype=config.dtype())
        expected = (self._batch_size,) + tuple(self.output_shape)
        if grad_y.shape != expected:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}'): backward esperaba grad_y con la forma de la "
                f"última salida, {expected}, pero recibió {grad_y.shape}."
            )
        return grad_y

    # ---------------------------------------------------------------- regularización y recuentos
    def regularization_loss(self):
        """Penalización del regularizador del núcleo (p. ej. λ·Σ W²); 0.0 si no hay regularizador."""
        if self.kernel_regularizer is None or "W" not in self.params:
            return 0.0
        return float(self.kernel_regularizer(self.params["W"]))

    def _add_regularization_gradient(self):
        """Suma ∂(penalización)/∂W a grads["W"] (se llama al final de backward)."""
        if self.kernel_regularizer is not None:
            self.grads["W"] += self.kernel_regularizer.gradient(self.params["W"])

    def count_params(self):
        """Número de valores de la capa: parámetros entrenables más ``state`` (como en Keras)."""
        if not self.built:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') aún no está construida, así que no se sabe cuántos "
                "parámetros tiene: indica input_shape= en la primera capa o pasa datos por el modelo."
            )
        return int(sum(p.size for p in self.params.values()) + sum(s.size for s in self.state.values()))

    # ---------------------------------------------------------------- guardado
    def get_config(self):
        """Argumentos del constructor (tipos JSON) para reconstruir la capa sin sus pesos."""
        config_ = {"name": self.name}
        if self.input_shape is not None:
            config_["input_shape"] = list(self.input_shape)
        return config_

    def __repr__(self):
        shape = "sin construir" if self.output_shape is None else f"salida (None, {', '.join(map(str, self.output_shape))})"
        return f"<{type(self).__name__} '{self.name}', {shape}>"
