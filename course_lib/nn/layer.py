"""La clase base ``Layer``: el protocolo que comparten todas las capas del motor.

Una capa transforma un lote ``x`` de forma (N, ...) en una salida ``y`` de forma (N, ...):

- ``build(input_shape)`` crea los parámetros para entradas de esa forma (sin el eje del lote; puede
  tener None en los ejes de tamaño variable, como la longitud de una secuencia). ``forward`` la llama
  sola la primera vez. Fija ``built``, ``input_shape`` y ``output_shape``.
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

**Capas compuestas**, como en Keras: una subclase que define ``call`` en vez de ``forward`` y
``backward`` combina otras capas y la aritmética de tensores::

    class BloqueResidual(Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.oculta = Dense(units, activation="relu")
            self.salida = Dense(units)

        def call(self, x):
            return x + self.salida(self.oculta(x))

El motor no deriva ``call`` a ciegas: lo **traza** una vez con tensores simbólicos (cada capa llamada
dentro anota un nodo, ``x + …`` anota una suma) y obtiene un grafo como el del API funcional. Desde
entonces ``forward`` y ``backward`` recorren ese grafo, y cada capa de dentro usa su propio paso hacia
atrás escrito a mano. Lo que no se puede trazar (cuentas con NumPy sobre los tensores, ``if`` según
los datos) da un error en español que dice por qué y qué hacer.
"""

import difflib
import inspect

import numpy as np

from . import config, initializers
from .graph import Graph
from .symbolic import (
    TRAINING,
    KerasTensor,
    Operation,
    TensorShape,
    flatten,
    map_structure,
    pack_like,
    placeholder,
    reset_names,
    shape_text,
    snake_case,
    tracing,
    unique_name,
)
from .missing import keras_attribute_error
from .validation import CourseAttributeError, CourseError, CourseTypeError, as_float_array, describe
from .variables import Variable, keras_name

__all__ = ["Layer", "reset_names", "unique_name"]

_snake_case = snake_case   # nombre anterior, por compatibilidad


def _as_shape(shape, who, allow_none=False, allow_empty=False):
    """Convierte ``shape`` (entero o secuencia de enteros positivos) en una tupla de enteros.

    Con ``allow_none``, None marca un eje de tamaño variable (p. ej. la longitud de una secuencia); con
    ``allow_empty``, ``()`` es un número por ejemplo (p. ej. los índices (N,) de una Embedding).
    """
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(None if (n is None and allow_none) else int(n) for n in shape)
        ok = (len(shape) > 0 or allow_empty) and all(n is None or n > 0 for n in shape)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        extra = " (None para un eje de tamaño variable)" if allow_none else ""
        raise CourseError(
            f"{who}: input_shape debe ser una tupla de enteros positivos{extra} sin el eje del lote, "
            f"por ejemplo (4,) o (28, 28, 1); se recibió {shape!r}."
        )
    return shape


class _TensorSlot:
    """Marca, en la plantilla de una llamada, el sitio de un tensor."""

    def __repr__(self):
        return "<tensor>"


_TENSOR = _TensorSlot()


def _is_tensor_leaf(leaf):
    return isinstance(leaf, (KerasTensor, np.ndarray, TensorShape))


def _leaves_by_template(structure, template, where="la llamada"):
    """Los valores de ``structure`` que ocupan, en ``template``, el sitio de un tensor (en orden)."""
    if template is _TENSOR:
        return [structure]
    if isinstance(template, (list, tuple)):
        if not isinstance(structure, (list, tuple)) or len(structure) != len(template):
            raise CourseError(
                f"En {where} se esperaba una lista de {len(template)} elementos, como la primera vez que se llamó; "
                f"se recibió {describe(structure)}."
            )
        return [leaf for s, t in zip(structure, template) for leaf in _leaves_by_template(s, t, where)]
    if isinstance(template, dict):
        if not isinstance(structure, dict) or set(structure) != set(template):
            raise CourseError(
                f"En {where} se esperaba un dict con las claves {sorted(template)}, como la primera vez que se "
                f"llamó; se recibió {describe(structure)}."
            )
        return [leaf for key in template for leaf in _leaves_by_template(structure[key], template[key], where)]
    return []


class _FromSublayers:
    """``params`` y ``grads`` de una capa compuesta: los de todas sus capas, con claves "capa/W" (los mismos
    arrays, no copias). En una capa simple son un dict propio de la instancia, que manda sobre esto
    (un descriptor sin ``__set__``), así que leer ``self.params["W"]`` no cuesta nada extra."""

    def __init__(self, attribute):
        self.attribute = attribute

    def __get__(self, layer, owner=None):
        if layer is None:
            return self
        if not layer._graph_backed:
            raise AttributeError(self.attribute)   # capa simple sin __init__: lo explica __getattr__
        return {f"{sub.name}/{key}": value for sub in layer.flat_layers()
                for key, value in getattr(sub, self.attribute).items()}


class Layer(Operation):
    """Base de todas las capas. Las subclases definen, según lo que necesiten:

    ``check_input_shape``, ``create_params``, ``compute_output_shape``, ``forward`` y ``backward``
    (una capa con su propio paso hacia atrás); o bien ``call`` (una capa compuesta de otras, que el
    motor traza en un grafo).
    """

    _CALL_STATE = ("_cache", "_batch_size", "_workspaces", "input_shape", "output_shape")
    params = _FromSublayers("params")
    grads = _FromSublayers("grads")
    #: True en los modelos: sus pesos son los de sus capas (y no se entrenan como una capa suelta).
    _is_container = False

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        layer._init_args = (args, dict(kwargs))   # para get_config de las capas compuestas
        return layer

    def __init__(self, name=None, input_shape=None, trainable=True, dtype=None, **kwargs):
        if name is not None and not isinstance(name, str):
            raise CourseError(f"name debe ser un texto; se recibió {name!r}.")
        _check_unknown_kwargs(self, kwargs)
        if dtype is not None and str(dtype) not in ("float16", "float32", "float64", "mixed_float16"):
            raise CourseError(
                f"{type(self).__name__}: dtype debe ser el de coma flotante del motor (p. ej. 'float32'); se recibió "
                f"{dtype!r}. La precisión de todo el motor se cambia con set_floatx('float64')."
            )
        super().__init__(name=name or unique_name(snake_case(type(self).__name__)))
        self._layer_initialized = True
        if not self._graph_backed:
            self.params = {}
            self.grads = {}
        self.state = {}
        self.built = False
        # Antes de construir: la forma declarada con input_shape= (o None). Después: la real.
        self.input_shape = None if input_shape is None else _as_shape(input_shape, type(self).__name__, True)
        self.output_shape = None
        self.kernel_regularizer = None
        self._trainable = bool(trainable)   # False congela los parámetros: el optimizador no los toca
        self._workspaces = {}         # arrays de trabajo que se reutilizan de una llamada a otra
        self._batch_size = None       # N de la última pasada hacia delante
        self._incoming_batch = None   # N de la entrada que se está validando (para los mensajes)
        self._graph = None            # capas compuestas: el grafo trazado de call
        self._input_template = None
        self._output_structure = None

    def __getattr__(self, name):
        # Solo se llega aquí si el atributo no existe de verdad.
        if "_layer_initialized" not in self.__dict__ and name in _BASE_ATTRIBUTES:
            raise CourseError(
                f"{type(self).__name__}: la capa no está inicializada. En el __init__ de una subclase de Layer o "
                "Model, llama primero a super().__init__(**kwargs)."
            )
        if name.startswith("__") or "_layer_initialized" not in self.__dict__:
            raise AttributeError(name)
        for group in ("params", "state"):   # los pesos por su nombre de Keras: dense.kernel, dense.bias…
            for key in self.__dict__.get(group, {}):
                if keras_name(self, key) == name:
                    return Variable(self, key, group)
        keras_error = keras_attribute_error(self, name)   # un nombre de Keras: qué usar en su lugar
        if keras_error is not None:
            raise keras_error
        raise CourseAttributeError(_missing_attribute_message(self, name))

    # ---------------------------------------------------------------- capas simples y compuestas
    @property
    def _graph_backed(self):
        """True si la capa es un grafo de otras capas (un modelo, o una subclase que define ``call``)."""
        return self._is_container or type(self).call is not Layer.call

    def call(self, *args, **kwargs):
        """En una capa compuesta: la salida en función de las entradas, con capas y aritmética de tensores."""
        raise NotImplementedError(f"{type(self).__name__} no define call.")

    @property
    def trainable(self):
        """False congela los parámetros de la capa (y, en una compuesta o un modelo, los de todas sus capas)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Como Keras: congelar (o descongelar) una capa compuesta o un modelo lo hace con todas sus capas."""
        self._trainable = bool(value)
        if self._graph_backed:
            for layer in self._sublayers():
                layer.trainable = self._trainable

    def _sublayers(self):
        """Las capas de las que está hecha esta: las de sus atributos, en orden (como Keras ordena sus
        pesos), y después las del grafo trazado que no sean atributos."""
        tracked = self._tracked_layers()
        if self._graph is None:
            return tracked
        known = {id(layer) for layer in tracked}
        return tracked + [op for op in self._graph.operations if isinstance(op, Layer) and id(op) not in known
                          and not getattr(op, "is_input", False)]

    def _tracked_layers(self):
        """Las capas guardadas como atributos (también en listas y dicts), en orden y sin repetir.

        No mira los atributos internos del motor (los que empiezan por «_», salvo los pesos de ``add_weight``).
        """
        found, seen = [], set()
        for attribute, value in vars(self).items():
            if attribute.startswith("_") and attribute != "_own_weights":
                continue
            for leaf in flatten(value) if isinstance(value, (list, tuple, dict)) else [value]:
                if isinstance(leaf, Layer) and id(leaf) not in seen and leaf is not self:
                    seen.add(id(leaf))
                    found.append(leaf)
        return found

    def flat_layers(self):
        """Las capas «hoja» (las que tienen su propio backward), recorriendo las compuestas en profundidad."""
        if not self._graph_backed:
            yield self
            return
        seen = set()
        for layer in self._sublayers():
            for leaf in (layer.flat_layers() if layer._graph_backed else [layer]):
                if id(leaf) not in seen:
                    seen.add(id(leaf))
                    yield leaf

    def zero_grads(self):

        """Pone a cero los gradientes de todas las capas hoja."""
        for layer in self.flat_layers():
            layer.grads = {key: np.zeros_like(value) for key, value in layer.params.items()}

    # ---------------------------------------------------------------- construcción
    def build(self, input_shape):
        """Crea los parámetros para entradas de forma ``input_shape`` (sin el eje del lote)."""
        input_shape = _as_shape(input_shape, type(self).__name__, allow_none=True, allow_empty=True)
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

    def compute_output_spec(self, *args, **kwargs):
        """Formas completas (con el eje del lote) de la llamada -> forma completa de la salida."""
        if self._graph_backed:
            return self._graph_output_spec(args, kwargs)
        shapes = [leaf for leaf in flatten([args, kwargs]) if isinstance(leaf, TensorShape)]
        batch = shapes[0][0] if shapes else None
        strip = (lambda s: tuple(s[1:]) if isinstance(s, TensorShape) else s)
        try:
            out = self.symbolic_output_shape(*map_structure(args, strip), **map_structure(kwargs, strip))
        except TypeError as exc:
            if any(None in s[1:] for s in shapes):
                raise CourseError(
                    f"{type(self).__name__} ('{self.name}') no admite ejes de tamaño variable (None): recibió "
                    f"{', '.join(shape_text(s) for s in shapes)}. Da un tamaño fijo en Input(shape=…)."
                ) from exc
            raise
        if isinstance(out, list):
            return [(batch,) + tuple(o) for o in out]
        return (batch,) + tuple(out)

    def build_from_spec(self, *args, **kwargs):
        """Crea los pesos a partir de las formas completas de los tensores de la llamada (un nodo del grafo).

        Como en Keras 3, los tensores posicionales pasan a ``build`` en orden y los de palabra clave como
        ``<nombre>_shape`` (p. ej. ``build(query_shape, value_shape)``).
        """
        if self._graph_backed:
            if self._graph is None:
                self._graph_output_spec(args, kwargs)
            self._build_user_weights(args, kwargs)
            self._graph.build()
            return
        if self.built:
            return
        strip = (lambda s: tuple(s[1:]) if isinstance(s, TensorShape) else s)
        positional = [map_structure(a, strip) for a in args if any(isinstance(x, TensorShape) for x in flatten(a))]
        named = {f"{k}_shape": map_structure(v, strip) for k, v in kwargs.items()
                 if any(isinstance(x, TensorShape) for x in flatten(v))}
        try:
            self.build(*positional, **named)
        except TypeError as exc:
            if any(None in s[1:] for s in flatten([args, kwargs]) if isinstance(s, TensorShape)):
                raise CourseError(
                    f"{type(self).__name__} ('{self.name}') no admite ejes de tamaño variable (None). Da un tamaño "
                    "fijo en Input(shape=…)."
                ) from exc
            raise

    # ---------------------------------------------------------------- capas compuestas: traza de call
    def _accepts_training(self):
        parameters = inspect.signature(self.call).parameters.values()
        return any(p.name == "training" or p.kind is p.VAR_KEYWORD for p in parameters)

    def _defined_by_user(self, method):
        """True si ``method`` lo define una subclase escrita fuera del motor (no Layer, Model ni Sequential)."""
        owner = next(cls for cls in type(self).__mro__ if method in vars(cls))
        return not owner.__module__.startswith("course_lib.nn")

    def _build_user_weights(self, args, kwargs):
        """Una capa compuesta que redefine build (para add_weight) lo recibe con la forma completa, como en Keras."""
        if self._defined_by_user("build") and not self.built:
            shapes = [s for s in flatten([args, kwargs]) if isinstance(s, (TensorShape, KerasTensor))]
            shapes = [tuple(s.shape) if isinstance(s, KerasTensor) else tuple(s) for s in shapes]
            self.build(shapes[0] if len(shapes) == 1 else shapes)
        self.built = True

    def _trace(self, args, kwargs):
        """Ejecuta ``call`` una vez con tensores simbólicos de las formas de la llamada y guarda el grafo."""
        template = map_structure((args, kwargs), lambda leaf: _TENSOR if _is_tensor_leaf(leaf) else leaf)

        def fresh_input(leaf):
            if isinstance(leaf, KerasTensor):
                return placeholder(leaf.shape, leaf.dtype)
            if isinstance(leaf, TensorShape):
                return placeholder(tuple(leaf))
            return placeholder((None,) + tuple(leaf.shape[1:]), leaf.dtype if leaf.dtype.kind in "iu" else None)

        call_args, call_kwargs = map_structure((args, kwargs),
                                               lambda leaf: fresh_input(leaf) if _is_tensor_leaf(leaf) else leaf)
        call_kwargs = dict(call_kwargs)
        call_kwargs.pop("training", None)
        if self._accepts_training():
            call_kwargs["training"] = TRAINING
        inputs = [leaf for leaf in flatten([call_args, call_kwargs]) if isinstance(leaf, KerasTensor)]
        self._build_user_weights(call_args, call_kwargs)
        try:
            with tracing(self):
                outputs = self.call(*call_args, **call_kwargs)
        except CourseError:
            raise
        except Exception as exc:
            raise CourseError(
                f"No se pudo convertir en grafo el call() de '{self.name}' ({type(self).__name__}): "
                f"{type(exc).__name__}: {exc}. El motor ejecuta call una vez con tensores simbólicos, que conocen su "
                "forma pero no tienen valores: dentro de call usa capas y la aritmética de tensores (+, -, *, /, @, "
                "x[:, i]), no cuentas de NumPy ni decisiones según los datos."
            ) from exc
        leaves = flatten(outputs)
        bad = [leaf for leaf in leaves if not isinstance(leaf, KerasTensor)]
        if bad or not leaves:
            raise CourseError(
                f"El call() de '{self.name}' ({type(self).__name__}) debe devolver tensores calculados con capas a "
                f"partir de sus entradas; devolvió {describe(bad[0]) if bad else 'nada'}. Si hiciste cuentas con "
                "NumPy sobre los pesos o los datos, usa capas o la aritmética de tensores."
            )
        self._graph = Graph(inputs, leaves)
        self._input_template = template
        self._output_structure = outputs
        self._cache = None

    def _graph_output_spec(self, args, kwargs):
        """Forma de la salida de una capa compuesta (la traza la primera vez)."""
        if self._graph is None:
            self._trace(args, kwargs)
            shapes = [t.shape for t in flatten(self._output_structure)]
        else:
            given = _leaves_by_template((args, kwargs), self._input_template, f"la llamada a '{self.name}'")
            shapes = self._graph.output_shapes([tuple(s) for s in given])
        if isinstance(self._output_structure, KerasTensor):
            return shapes[0]
        if isinstance(self._output_structure, (list, tuple)) and len(flatten(self._output_structure)) == len(
                self._output_structure):
            return list(shapes)
        raise CourseError(
            f"'{self.name}' devuelve una estructura anidada de tensores; dentro de otro modelo una capa puede "
            "devolver un tensor o una lista de tensores."
        )

    def _graph_forward(self, args, kwargs, training):
        """La pasada hacia delante de una capa compuesta: los valores de las entradas recorren su grafo."""
        if self._graph is None:
            self._trace(args, kwargs)
        values = _leaves_by_template((args, kwargs), self._input_template, f"la llamada a '{self.name}'")
        outputs = self._graph.forward(values, training=training)
        self._cache = True
        return pack_like(self._output_structure, outputs, lambda leaf: isinstance(leaf, KerasTensor))

    def _graph_backward(self, grad):
        """∂L/∂salidas -> ∂L/∂entradas, recorriendo el grafo al revés (cada capa con su propio backward)."""
        if self._cache is None:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}'): llama a forward(x) antes que a backward(grad_y); "
                "backward usa lo que guardó la última pasada hacia delante."
            )
        grads = [grad] if isinstance(self._output_structure, KerasTensor) else flatten(grad)
        results = self._graph.backward(grads)
        return results[0] if len(results) == 1 else results

    def get_call_state(self):
        if self._graph_backed and self._graph is not None:
            return {"graph": self._graph.get_call_state(), "_cache": self._cache}
        return super().get_call_state()

    def set_call_state(self, state):
        if "graph" in state:
            self._graph.set_call_state(state["graph"])
            self._cache = state["_cache"]
        else:
            super().set_call_state(state)

    def new_call_state(self):
        if self._graph_backed and self._graph is not None:
            return {"graph": self._graph.new_call_state(), "_cache": None}
        return {**super().new_call_state(), "_workspaces": {}, "_batch_size": None}

    def forward(self, *args, training=False, **kwargs):
        """x: (N, ...) -> y: (N, ...). Cada capa simple la define; en una compuesta recorre el grafo de call."""
        if self._graph_backed:
            return self._graph_forward(args, kwargs, training)
        raise NotImplementedError(f"{type(self).__name__} no define forward ni call.")

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x, rellenando ``self.grads``. Cada capa simple la define; una compuesta recorre su grafo."""
        if self._graph_backed:
            return self._graph_backward(grad_y)
        raise NotImplementedError(f"{type(self).__name__} no define backward.")

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
        if self._graph_backed:
            return float(sum(layer.regularization_loss() for layer in self.flat_layers()))
        if self.kernel_regularizer is None or "W" not in self.params:
            return 0.0
        return float(self.kernel_regularizer(self.params["W"]))

    def _add_regularization_gradient(self):
        """Suma ∂(penalización)/∂W a grads["W"] (se llama al final de backward)."""
        if self.kernel_regularizer is not None:
            self.grads["W"] += self.kernel_regularizer.gradient(self.params["W"])

    def count_params(self):
        """Número de valores de la capa: parámetros entrenables más ``state`` (como en Keras)."""
        if self._graph_backed:
            return int(sum(layer.count_params() for layer in self.flat_layers()))
        self._build_from_node()
        if not self.built:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') aún no está construida, así que no se sabe cuántos "
                "parámetros tiene: indica input_shape= en la primera capa o pasa datos por el modelo."
            )
        return int(sum(p.size for p in self.params.values()) + sum(s.size for s in self.state.values()))

    # ---------------------------------------------------------------- pesos como en Keras
    def add_weight(self, shape=None, initializer="glorot_uniform", dtype=None, trainable=True, name=None,
                   regularizer=None, constraint=None, **kwargs):
        """Crea un peso de la capa y devuelve su :class:`Variable` (como ``Layer.add_weight`` de Keras).

        En una capa simple queda en ``params`` (o en ``state`` si ``trainable=False``); en una compuesta, la
        variable se usa dentro de ``call`` con la aritmética de tensores: ``x @ self.w + self.b``.
        """
        if regularizer is not None or constraint is not None:
            raise CourseError(
                "add_weight: course_lib no admite regularizer ni constraint aquí; usa kernel_regularizer en una capa "
                "Dense o Conv2D."
            )
        if shape is None:
            shape = ()
        owner = self
        if self._graph_backed:   # los pesos propios de una capa compuesta los guarda una capa interna
            if "_own_weights" not in self.__dict__:
                self._own_weights = _OwnWeights(name=unique_name(f"{self.name}_pesos"))
            owner = self._own_weights
        key = name or f"variable_{len(owner.params) + len(owner.state)}"
        if key in owner.params or key in owner.state:
            raise CourseError(f"add_weight: la capa '{self.name}' ya tiene un peso llamado {key!r}.")
        value = initializers.get(initializer)(tuple(int(n) for n in shape))
        if trainable:
            owner.params[key] = value
            owner.grads[key] = np.zeros_like(value)
        else:
            owner.state[key] = value
        owner.built = True
        return Variable(owner, key, "params" if trainable else "state")

    def _build_from_node(self):
        """Una capa ya llamada sobre un tensor simbólico conoce la forma de su entrada: crea sus pesos (como Keras)."""
        if not self.built and self._inbound_nodes:
            node = self._inbound_nodes[0]
            spec = (lambda t: TensorShape(t.shape) if isinstance(t, KerasTensor) else t)
            kwargs = map_structure(dict(node.kwargs), spec)
            kwargs.pop("training", None)
            self.build_from_spec(*map_structure(node.args, spec), **kwargs)

    @property
    def weights(self):
        """Todos los pesos (:class:`Variable`), capa a capa: los entrenables y después ``state``, como Keras."""
        leaves = list(self.flat_layers())
        for layer in leaves:
            layer._build_from_node()
        return [Variable(layer, key, group) for layer in leaves
                for group in ("params", "state") for key in getattr(layer, group)]

    @property
    def trainable_weights(self):
        """Los pesos que entrena el optimizador (de capas con ``trainable=True``)."""
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        """Los pesos que no se entrenan: ``state`` y los de capas congeladas."""
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self):
        """Lo mismo que ``weights`` (en Keras incluye además el estado de las métricas)."""
        return self.weights

    def get_weights(self):
        """Copia de todos los arrays de la capa (o del modelo), en el orden de ``weights``."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Copia ``weights`` (en el orden de :meth:`get_weights`) en los arrays de la capa."""
        targets = self.weights
        if len(weights) != len(targets):
            raise CourseError(
                f"set_weights: '{self.name}' tiene {len(targets)} arrays de pesos y se recibieron {len(weights)}."
            )
        for target, value in zip(targets, weights):
            value = np.asarray(value)
            if value.shape != target.shape:
                raise CourseError(
                    f"set_weights: se esperaba un array de forma {target.shape} para {target.path!r} y se recibió "
                    f"{value.shape}."
                )
            target.value[...] = value

    def _only_node(self, what):
        if len(self._inbound_nodes) != 1:
            raise CourseError(
                f"'{self.name}'.{what}: la capa se ha llamado {len(self._inbound_nodes)} veces sobre tensores "
                "simbólicos, así que no tiene una sola entrada y salida. Guarda el tensor que devuelve cada llamada."
                if self._inbound_nodes else
                f"'{self.name}'.{what}: la capa aún no se ha llamado sobre un tensor simbólico (Input)."
            )
        return self._inbound_nodes[0]

    @property
    def input(self):
        """El tensor simbólico de entrada de la capa (si se llamó una sola vez en un modelo)."""
        node = self._only_node("input")
        return node.inputs[0] if len(node.inputs) == 1 else list(node.inputs)

    @property
    def output(self):
        """El tensor simbólico de salida de la capa (si se llamó una sola vez en un modelo)."""
        return self._only_node("output").output_structure()

    # ---------------------------------------------------------------- guardado
    def get_config(self):
        """Argumentos del constructor (tipos JSON) para reconstruir la capa sin sus pesos."""
        config_ = {"name": self.name}
        if self.input_shape is not None and not self._graph_backed:
            config_["input_shape"] = list(self.input_shape)
        return config_

    @classmethod
    def from_config(cls, config):
        """Una capa nueva (sin pesos) a partir de ``capa.get_config()``, como en Keras."""
        return cls(**config)

    def __repr__(self):
        if self._graph_backed:
            return f"<{type(self).__name__} '{self.name}'>"
        shape = "sin construir" if self.output_shape is None else f"salida (None, {', '.join(map(str, self.output_shape))})"
        return f"<{type(self).__name__} '{self.name}', {shape}>"


class _OwnWeights(Layer):
    """Los pesos que una capa compuesta crea con ``add_weight`` (su grafo los lee con ``WeightRead``)."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.built = True

    def get_config(self):
        return {"name": self.name}


def _missing_attribute_message(layer, name):
    """Un atributo que no existe: qué es, que course_lib no lo tiene y qué usar (o el nombre parecido)."""
    kind = type(layer).__name__
    public = [attr for attr in dir(type(layer)) if not attr.startswith("_")]
    public += [keras_name(layer, key) for group in ("params", "state") for key in layer.__dict__.get(group, {})]
    # Solo nombres muy parecidos (una errata): una sugerencia lejana confunde más de lo que ayuda.
    suggestion = difflib.get_close_matches(name, public, n=1, cutoff=0.8)
    hint = f" ¿Quisiste decir '{suggestion[0]}'?" if suggestion else ""
    return (f"'{kind}' ('{layer.name}') no tiene el atributo '{name}'.{hint} Tampoco es un nombre de Keras "
            "(los que course_lib no tiene dan otro error): mira la ayuda de la clase con help() para ver lo que sí tiene.")


_BASE_ATTRIBUTES = {"params", "grads", "state", "built", "input_shape", "output_shape", "kernel_regularizer",
                    "_trainable", "_workspaces", "_batch_size", "_incoming_batch", "_graph", "_input_template",
                    "_output_structure", "name", "_inbound_nodes", "_cache"}

#: Argumentos de Keras que admite toda capa; los demás los define cada subclase.
_LAYER_KWARGS = ("name", "input_shape", "trainable", "dtype")


def _check_unknown_kwargs(layer, kwargs):
    if kwargs:
        name = next(iter(kwargs))
        raise CourseTypeError(
            f"{type(layer).__name__}: argumento desconocido {name!r}. Además de los suyos, toda capa admite "
            f"{', '.join(_LAYER_KWARGS)}. Revisa el nombre (los de este motor son los de Keras)."
        )
