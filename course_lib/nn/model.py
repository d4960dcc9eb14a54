"""``Model``: capas conectadas en un grafo que se entrena (como ``keras.Model``).

Tres maneras de construirlo, las de Keras:

- **API funcional**: ``Model(inputs, outputs)`` con tensores de :func:`Input` y capas llamadas sobre ellos::

      x = Input(shape=(16,))
      h = Dense(16, activation="relu")(x)
      y = Dense(1)(x + h)                    # conexión residual
      model = Model(inputs=x, outputs=y)     # o listas / dicts de entradas y salidas

- **subclase**: ``__init__`` crea las capas y ``call`` dice cómo se combinan; el motor traza ``call``
  la primera vez que el modelo ve datos (o con ``model.build(forma)``) y obtiene el mismo grafo;
- **pila**: :class:`Sequential` (``sequential.py``), un grafo con un solo camino.

Un modelo es también una capa (se llama dentro de otro modelo, y ``model.trainable = False`` congela
todas sus capas). El bucle de entrenamiento (``compile``, ``fit``…) está en ``trainer.py``; el resumen
en ``summary.py``; guardar y cargar en ``saving.py``.

Como en Sequential, los pesos se crean en el primer uso (o con ``model.build()``), de modo que
``fit(seed=…)`` fija también los pesos iniciales.
"""

import json

import numpy as np

from .graph import Graph
from .layer import _TENSOR, Layer, _leaves_by_template
from .saving import ModelSaving
from .serialization import architecture, model_from_architecture
from .summary import print_summary
from .symbolic import KerasTensor, flatten, map_structure, pack_like, shape_text, snake_case, unique_name
from .trainer import Trainer, TrainingWarning  # noqa: F401 (TrainingWarning se exporta desde aquí)
from .validation import CourseError, CourseTypeError, as_float_array, describe


def _as_input_array(value, tensor, label):
    """Los datos de una entrada como array del tipo de su ``Input`` (reales, o enteros para índices)."""
    if tensor.dtype.startswith(("int", "uint")):
        raw = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value)
        if raw.dtype.kind in "iu":
            return raw
        arr = as_float_array(raw, label, dtype=np.float64)
        if np.any(arr != np.round(arr)):
            raise CourseError(f"{label}: la entrada '{tensor.name}' es de enteros ({tensor.dtype}), pero se recibieron "
                              "valores con decimales.")
        return arr.astype(tensor.dtype)
    return as_float_array(value, label)


def _fits(shape, expected):
    """True si una forma de ejemplo encaja con la esperada (None en la esperada admite cualquier tamaño)."""
    return len(shape) == len(expected) and all(e is None or s == e for s, e in zip(shape, expected))


class Model(Trainer, ModelSaving, Layer):
    """Un modelo: capas conectadas en un grafo, con el bucle de entrenamiento de Keras (``trainer.py``)."""

    _is_container = True

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        default = "functional" if type(self) is Model else snake_case(type(self).__name__)
        Layer.__init__(self, name=name or unique_name(default), trainable=trainable, **kwargs)
        self._init_trainer()
        self.inputs = self.outputs = None
        self._functional = False
        if inputs is not None or outputs is not None:
            self._init_graph(inputs, outputs)
        elif type(self) is Model:
            raise CourseError(
                "Model: se esperaba Model(inputs, outputs), con tensores creados con Input(...) y salidas de "
                "capas llamadas sobre ellos; por ejemplo x = Input(shape=(4,)); y = Dense(3)(x); Model(x, y). "
                "Para una pila de capas usa Sequential([...]); para un modelo propio, una subclase con call()."
            )

    def _init_graph(self, inputs, outputs):
        if inputs is None or outputs is None:
            raise CourseError("Model: faltan inputs u outputs; se esperaba Model(inputs, outputs).")
        # Como Keras: una lista de un solo tensor es ese tensor (model.predict(x) devuelve un array).
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            inputs = inputs[0]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        flat_inputs, flat_outputs = flatten(inputs), flatten(outputs)
        for what, tensors in (("inputs", flat_inputs), ("outputs", flat_outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise CourseTypeError(
                        f"Model: {what} debe contener tensores simbólicos (de Input(...) o de llamar a una capa "
                        f"sobre ellos); se recibió {describe(t)}."
                    )
        for t in flat_inputs:
            if not getattr(t.node.operation, "is_input", False):
                raise CourseError(
                    f"Model: cada entrada debe venir directamente de Input(...); '{t.name}' es la salida de una capa."
                )
        graph = Graph(flat_inputs, flat_outputs)
        names = [op.name for op in graph.operations if isinstance(op, Layer)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise CourseError(
                f"Model: dos capas del modelo se llaman igual ({', '.join(repeated)}); cada capa necesita un nombre "
                "único para guardar el modelo. Cambia name= en una de ellas."
            )
        self._graph = graph
        self._input_template = ((map_structure(inputs, lambda t: _TENSOR),), {})
        self._input_structure = inputs
        self._output_structure = outputs
        self.inputs, self.outputs = flat_inputs, flat_outputs
        self._functional = True

    # ------------------------------------------------------------------ estructura
    @property
    def inputs(self):
        """Los tensores de entrada (lista plana), como ``model.inputs`` en Keras; None si aún no se conocen."""
        if self._graph is None and getattr(self, "_is_sequential", False) and self._example_input_shape() is not None:
            self._ensure_graph()
        return self._inputs

    @inputs.setter
    def inputs(self, value):
        self._inputs = value

    @property
    def outputs(self):
        """Los tensores de salida (lista plana); None si aún no se conocen."""
        self.inputs   # una pila con la entrada conocida construye aquí su grafo
        return self._outputs

    @outputs.setter
    def outputs(self, value):
        self._outputs = value

    @property
    def layers(self):
        """Las capas del modelo: en uno funcional, en orden topológico empezando por las de entrada (como
        ``model.layers`` en Keras; la aritmética ``a + b`` no es una capa); en una subclase, las de sus atributos."""
        if self._functional:
            return [op for op in self._graph.operations if isinstance(op, Layer)]
        return self._tracked_layers()

    def _sublayers(self):
        if self._functional:
            return [layer for layer in self.layers if not getattr(layer, "is_input", False)]
        return Layer._sublayers(self)

    def get_layer(self, name=None, index=None):
        """La capa llamada ``name`` (o la de posición ``index`` en ``model.layers``), como en Keras."""
        layers = self.layers
        if index is not None:
            if name is not None:
                raise CourseError("get_layer: indica name o index, no los dos.")
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not -len(layers) <= index < len(layers):
                raise CourseError(f"get_layer: el modelo tiene {len(layers)} capas; index={index!r} no existe.")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise CourseError(
            f"get_layer: el modelo '{self.name}' no tiene ninguna capa llamada {name!r}. Sus capas son: "
            f"{', '.join(repr(layer.name) for layer in layers) or 'ninguna'}."
        )

    @property
    def output_names(self):
        """El nombre de cada salida: el de la capa que la produce (o la clave, si las salidas son un dict)."""
        self._require_graph("conocer sus salidas")
        if isinstance(self._output_structure, dict):
            return list(self._output_structure)
        return [t.name for t in self.outputs]

    @property
    def input_names(self):
        """Los nombres de las entradas (los de ``Input(name=…)``)."""
        self._require_graph("conocer sus entradas")
        return [t.name for t in self.inputs]

    def _weight_owners(self):
        """(ruta, capa) de cada capa con pesos: "3" o, dentro de un modelo o capa compuesta, "3/0"."""
        seen = set()
        for i, layer in enumerate(self.layers):
            if layer._graph_backed:
                owners = layer._weight_owners() if hasattr(layer, "_weight_owners") else \
                    Model._weight_owners_of(layer)
                for path, leaf in owners:
                    if id(leaf) not in seen:
                        seen.add(id(leaf))
                        yield f"{i}/{path}", leaf
            elif id(layer) not in seen:
                seen.add(id(layer))
                yield str(i), layer

    @staticmethod
    def _weight_owners_of(layer):
        """Lo mismo para una capa compuesta (no modelo): sus capas en el orden del grafo."""
        for i, sub in enumerate(layer._sublayers()):
            if sub._graph_backed:
                owners = sub._weight_owners() if hasattr(sub, "_weight_owners") else Model._weight_owners_of(sub)
                for path, leaf in owners:
                    yield f"{i}/{path}", leaf
            else:
                yield str(i), sub

    @property
    def trainable_layers(self):
        """Capas hoja con parámetros y ``trainable=True`` (en este momento)."""
        return [layer for layer in self.flat_layers() if layer.params and layer.trainable]

    # ------------------------------------------------------------------ formas y construcción
    @property
    def input_shape(self):
        """Forma de la entrada con el eje del lote, como en Keras: ``(None, 4)``; una lista si hay varias
        (None si aún no se conoce). Ojo: en una capa, ``capa.input_shape`` es la forma sin el lote."""
        if self.inputs is None:
            return None
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if isinstance(self._input_structure, KerasTensor) else shapes

    @input_shape.setter
    def input_shape(self, value):
        pass   # Layer.__init__ lo fija; en un modelo se deduce de sus entradas

    @property
    def output_shape(self):
        """Forma de la salida con el eje del lote, como en Keras: ``(None, 3)``; una lista si hay varias."""
        if self.outputs is None:
            return None
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if isinstance(self._output_structure, KerasTensor) else shapes

    @output_shape.setter
    def output_shape(self, value):
        pass

    @property
    def built(self):
        """True si se conoce el grafo y todas las capas tienen sus pesos."""
        return self._graph is not None and all(layer.built for layer in self.flat_layers())

    @built.setter
    def built(self, value):
        pass   # un modelo está construido cuando lo están todas sus capas

    def build(self, input_shape=None):
        """Crea los pesos de todas las capas, en orden topológico, a partir de las formas de sus entradas.

        En una subclase, ``input_shape`` es la forma con el eje del lote, como en Keras: ``build((None, 4))``.
        """
        if self._graph is None:
            if input_shape is None:
                raise CourseError(
                    f"El modelo '{self.name}' aún no sabe la forma de su entrada: llama a model.build((None, 4)) "
                    "(con None para el lote) o pásale datos (fit, predict o model(x))."
                )
            self._trace_from_shapes(input_shape)
        self._graph.build()
        return self

    def _trace_from_shapes(self, input_shape):
        from .symbolic import TensorShape
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        specs = []
        for shape in shapes:
            if not isinstance(shape, (list, tuple)):
                raise CourseError(f"build: se esperaba una forma como (None, 4); se recibió {describe(shape)}.")
            specs.append(TensorShape(tuple(shape)))
        self._trace((specs if isinstance(input_shape, list) else specs[0],), {})

    def _trace(self, args, kwargs):
        Layer._trace(self, args, kwargs)
        self.inputs = list(self._graph.inputs)
        self.outputs = list(self._graph.outputs)
        self._input_structure = pack_like(self._input_template[0][0], self.inputs, lambda leaf: leaf is _TENSOR)

    def _require_graph(self, action):
        """El grafo (sin crear pesos): lo necesitan los nombres de las salidas, ``inputs``, ``outputs``…"""
        if self._graph is None:
            self._check_built_for(action)

    def _check_built_for(self, action):
        if self._graph is None:
            raise CourseError(
                f"Para {action} el modelo '{self.name}' tiene que conocer la forma de su entrada: llama a "
                "model.build((None, 4)) (con None para el lote) o pásale datos (fit, predict o model(x))."
            )
        if not self.built:
            self.build()

    def _graph_output_spec(self, args, kwargs):
        """Forma de la salida cuando el modelo se usa como capa dentro de otro modelo."""
        if self._graph is not None and self.inputs is not None:
            given = _leaves_by_template((args, kwargs), self._input_template, f"la llamada al modelo '{self.name}'")
            expected = [t.shape for t in self.inputs]
            if len(given) != len(expected) or any(not _fits(tuple(g)[1:], e[1:]) for g, e in zip(given, expected)):
                raise CourseError(
                    f"El modelo '{self.name}' espera entradas de forma {[shape_text(s) for s in expected]}, pero se "
                    f"le pasó {[shape_text(tuple(s)) for s in given]}."
                )
        return Layer._graph_output_spec(self, args, kwargs)

    # ------------------------------------------------------------------ pasadas
    def _standardize_inputs(self, x):
        """Un dict {nombre de la entrada: array} pasa a la estructura de ``inputs`` (como en Keras)."""
        if isinstance(x, dict) and self.inputs is not None and not isinstance(self._input_structure, dict):
            names = [t.name for t in self.inputs]
            unknown = [key for key in x if key not in names]
            missing = [name for name in names if name not in x]
            if unknown or missing:
                raise CourseError(
                    f"Las entradas del modelo se llaman {names}; el dict de datos tiene las claves {list(x)}. "
                    "Usa como claves los nombres de Input(name=...)."
                )
            values = [x[name] for name in names]
            return values[0] if isinstance(self._input_structure, KerasTensor) else values
        return x

    def forward(self, x, training=False):
        """ŷ: la pasada hacia delante por el grafo (una entrada, una lista o un dict de entradas)."""
        return self._graph_forward((self._standardize_inputs(x),), {}, training)

    def backward(self, grad):
        """Retropropagación por el grafo: ∂J/∂ŷ -> ∂J/∂x (una por entrada), rellenando los grads de cada capa."""
        if isinstance(grad, dict) and isinstance(self._output_structure, dict):
            grad = [grad[key] for key in self._output_structure]
        return self._graph_backward(grad)

    def __call__(self, *args, **kwargs):
        if args and isinstance(args[0], dict) and not any(isinstance(v, KerasTensor) for v in flatten(args[0])):
            args = (self._standardize_inputs(args[0]),) + args[1:]
        return Layer.__call__(self, *args, **kwargs)

    def _forward_flat(self, xs, training):
        """La pasada hacia delante con una lista plana de arrays (uno por entrada) -> una por salida."""
        outputs = self._graph.forward(xs, training=training)
        self._cache = True
        return outputs

    def _backward_flat(self, grads):
        return self._graph.backward(grads)

    def _pack_outputs(self, flat):
        """Las salidas en la estructura de ``outputs`` (un array, una lista o un dict)."""
        return pack_like(self._output_structure, flat, lambda leaf: isinstance(leaf, KerasTensor))

    # ------------------------------------------------------------------ datos
    def _build_from_data(self, x, name):
        """Una subclase aún sin grafo lo traza con la forma de los datos (como Keras en la primera llamada)."""
        arrays = map_structure(x, lambda v: v if isinstance(v, np.ndarray) else
                               (as_float_array(v, name) if not isinstance(v, (str, bytes)) else v))
        self._trace((arrays,), {})

    def _prepare_x(self, x, name="x"):
        """Valida las entradas y devuelve una lista plana con un array por entrada del modelo."""
        if x is None:
            raise CourseError(f"Faltan los datos {name}: se esperaba fit(x, y, ...) o predict(x).")
        if self._graph is None:
            self._build_from_data(x, name)
        x = self._standardize_inputs(x)
        expected = self.inputs
        try:
            values = _leaves_by_template(((x,), {}), (self._input_template[0], {}), name)
        except CourseError:
            n = len(expected)
            raise CourseError(
                f"El modelo tiene {n} entrada{'s' if n > 1 else ''}, así que {name} debe ser "
                f"{'una lista de ' + str(n) + ' arrays (uno por entrada, en el orden de inputs) o un dict por nombre' if n > 1 else 'un array'}; "
                f"se recibió {describe(x)}."
            ) from None
        arrays = []
        for i, (value, tensor) in enumerate(zip(values, expected)):
            label = name if len(expected) == 1 else f"{name}[{i}]"
            arr = _as_input_array(value, tensor, label)
            shape = tensor.example_shape
            if arr.ndim == 1 and shape == (1,):
                arr = arr[:, None]
            if arr.ndim == 0 or arr.shape[0] == 0:
                raise CourseError(f"{label}: se esperaba al menos un ejemplo; se recibió {describe(arr)}.")
            if not _fits(arr.shape[1:], shape):
                raise CourseError(
                    f"La entrada '{tensor.name}' espera ejemplos de forma {shape} (lote de forma "
                    f"{shape_text((None,) + tuple(shape))}), pero {label} trae ejemplos de forma {arr.shape[1:]}. "
                    f"Comprueba {label} o el shape de Input."
                )
            arrays.append(arr)
        if len({len(a) for a in arrays}) > 1:
            raise CourseError(f"Las entradas de {name} deben tener el mismo número de ejemplos; tienen {[len(a) for a in arrays]}.")
        self.build()
        return arrays

    def _output_shapes_for(self, xs):
        """Las formas de las salidas para estas entradas (con sus ejes variables ya resueltos)."""
        return self._graph.output_shapes([a.shape for a in xs])

    # ------------------------------------------------------------------ pesos
    @property
    def input(self):
        """Las entradas simbólicas (un tensor, una lista o un dict, como se pasaron a Model)."""
        self._require_graph("conocer sus entradas")
        return self._input_structure

    @property
    def output(self):
        """Las salidas simbólicas (un tensor, una lista o un dict)."""
        self._require_graph("conocer sus salidas")
        return self._output_structure

    @property
    def weights(self):
        """Todos los pesos (:class:`Variable`), como Keras; si se conoce la forma de la entrada, los crea ya."""
        self._build_if_possible()
        return Layer.weights.fget(self)

    def _build_if_possible(self):
        """Como Keras, que crea los pesos en cuanto conoce la entrada: los crea si ya se conoce."""
        if not self.built and (self._graph is not None or (getattr(self, "_is_sequential", False)
                                                          and self._example_input_shape() is not None)):
            self._check_built_for("crear sus pesos")

    def count_params(self):
        """Número total de valores del modelo (entrenables y no entrenables), como Keras."""
        self._check_built_for("contar sus parámetros")
        return int(sum(layer.count_params() for layer in self.flat_layers()))

    # ------------------------------------------------------------------ arquitectura en JSON
    def get_config(self):
        """La arquitectura en tipos JSON (capas, sus argumentos y qué tensores lee cada una), como Keras."""
        return architecture(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Un modelo nuevo (sin pesos) con la arquitectura de ``model.get_config()``."""
        return model_from_architecture(config, custom_objects, cls)

    def to_json(self, **kwargs):
        """La arquitectura como texto JSON (``keras.models.model_from_json`` la vuelve a convertir en modelo)."""
        return json.dumps(self.get_config(), **kwargs)

    # ------------------------------------------------------------------ resumen
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Imprime una tabla como la de Keras: capas, formas de salida, parámetros (y a qué se conecta cada una)."""
        self._check_built_for("mostrar el resumen")
        print_summary(self, print_fn=print_fn)

    def __repr__(self):
        return f"<{type(self).__name__} '{self.name}' con {len(self.layers)} capas>"

