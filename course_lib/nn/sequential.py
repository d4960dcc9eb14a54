"""``Sequential``: una red como pila de capas (la salida de cada capa es la entrada de la siguiente).

Es un :class:`Model` cuyo grafo tiene un solo camino: en cuanto se conoce la forma de la entrada
(``Input(shape=…)`` como primer elemento, ``input_shape=`` en la primera capa, ``model.build`` o los
primeros datos) la pila se convierte en un grafo llamando a cada capa sobre la salida de la anterior,
y desde ahí comparte con el API funcional todo lo demás: el bucle de entrenamiento, el resumen,
``model.inputs``/``model.outputs``, ``capa.output`` y el guardado.

Los pesos se crean en el primer uso (``fit``, ``predict``…), de modo que ``fit(seed=…)`` fija también
los pesos iniciales; ``model.build()`` los crea antes, para verlos o cambiarlos. (Keras, en cambio,
los crea en cuanto conoce la forma de la entrada.)
"""

import numpy as np

from . import merging
from .attention import MultiHeadAttention
from .input_layer import Input, InputLayer
from .layer import Layer
from .model import Model
from .symbolic import KerasTensor, TensorShape, flatten, shape_text
from .validation import CourseError, CourseTypeError, as_float_array, describe


class Sequential(Model):
    """Una pila de capas, como ``keras.Sequential``.

    >>> model = Sequential([Input(shape=(4,)), Dense(5, activation="relu"), Dense(3, activation="softmax")])
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x_train, y_train, epochs=50, validation_split=0.2)
    """

    _is_sequential = True

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(name=name, trainable=trainable)
        self._layers = []
        self._input_spec = None      # (forma de un ejemplo, tipo) si se dio con Input o build
        self._own_nodes = []         # los nodos que anotó esta pila (se borran al rehacer el grafo)
        if layers is not None:
            if isinstance(layers, (Layer, KerasTensor)) or not isinstance(layers, (list, tuple)):
                raise CourseTypeError(
                    "Sequential: se esperaba una lista de capas, p. ej. Sequential([Dense(5), Dense(3)]); "
                    f"se recibió {describe(layers)}."
                )
            for layer in layers:
                self.add(layer)

    # ------------------------------------------------------------------ construcción
    def add(self, layer):
        """Añade una capa al final de la pila (o, como primer elemento, un ``Input(shape=…)``)."""
        if isinstance(layer, KerasTensor) or isinstance(layer, InputLayer):
            operation = layer.node.operation if isinstance(layer, KerasTensor) else layer
            if not getattr(operation, "is_input", False):
                raise CourseTypeError(
                    f"add: se recibió un tensor ({layer!r}), no una capa. En Sequential solo cabe un tensor: "
                    "Input(shape=…) como primer elemento."
                )
            if self._layers:
                raise CourseError(
                    "add: Input(shape=…) tiene que ser el primer elemento de la pila, antes de cualquier capa."
                )
            self._input_spec = (tuple(operation.input_shape), operation.dtype)
            self._reset_graph()
            return
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise CourseTypeError(
                f"add: se recibió la clase {layer.__name__}, no una capa. ¿Olvidaste los paréntesis y "
                f"los argumentos? Por ejemplo: {layer.__name__}(...)."
            )
        if not isinstance(layer, Layer):
            raise CourseTypeError(
                f"add: se esperaba una capa (Dense, Conv2D, Dropout…); se recibió {describe(layer)}."
            )
        if isinstance(layer, (MultiHeadAttention, merging._Merge)):
            raise CourseError(
                f"{type(layer).__name__} recibe varios tensores, así que no cabe en una pila Sequential: usa el API "
                "funcional (Input, capas llamadas sobre tensores y Model(inputs, outputs))."
            )
        self._layers.append(layer)
        self._reset_graph()
        if self._example_input_shape() is not None:
            self._ensure_graph()   # como Keras: con la entrada conocida, cada capa se llama ya (los errores salen aquí)

    def pop(self):
        """Quita la última capa de la pila (como ``model.pop()`` en Keras)."""
        if not self._layers:
            raise CourseError("pop: el modelo no tiene capas que quitar.")
        layer = self._layers.pop()
        self._reset_graph()
        if self._layers and self._example_input_shape() is not None:
            self._ensure_graph()
        return layer

    @property
    def layers(self):
        """Las capas de la pila, en orden (sin la capa de entrada, como en Keras)."""
        return list(self._layers)

    def _sublayers(self):
        return list(self._layers)

    def _reset_graph(self):
        """Olvida el grafo (al añadir o quitar capas); se rehará cuando haga falta."""
        for node in self._own_nodes:
            if node in node.operation._inbound_nodes:
                node.operation._inbound_nodes.remove(node)
        self._own_nodes = []
        self._graph = None
        self.inputs = self.outputs = None
        self._functional = False

    def _example_input_shape(self):
        """Forma de un ejemplo de entrada (sin el eje del lote), o None si aún no se conoce."""
        if self._input_spec is not None:
            return self._input_spec[0]
        return self._layers[0].input_shape if self._layers else None

    def _input_dtype(self):
        return None if self._input_spec is None else self._input_spec[1]

    def _ensure_graph(self, example_shape=None, dtype=None):
        """Convierte la pila en un grafo: Input de esa forma y cada capa llamada sobre la salida anterior."""
        if self._graph is not None:
            return
        if not self._layers:
            raise CourseError("El modelo no tiene capas: añade alguna con model.add(...) antes de usarlo.")
        shape = self._example_input_shape() if example_shape is None else tuple(example_shape)
        if shape is None:
            raise CourseError(
                "No se conoce la forma de la entrada: empieza la pila con Input(shape=(4,)), indica input_shape= en "
                "la primera capa (p. ej. Dense(5, input_shape=(4,))) o llama a model.build((4,))."
            )
        dtype = dtype or self._input_dtype()
        before = {id(layer): len(layer._inbound_nodes) for layer in self._layers}
        tensor = first = Input(shape=shape, dtype=dtype)
        try:
            for layer in self._layers:
                tensor = layer(tensor)
                if not isinstance(tensor, KerasTensor):
                    raise CourseError(
                        f"{type(layer).__name__} ('{layer.name}') devuelve varios tensores, así que no cabe en una pila "
                        "Sequential: usa el API funcional."
                    )
        finally:
            self._own_nodes = [first.node] + [node for layer in self._layers
                                              for node in layer._inbound_nodes[before[id(layer)]:]]
        self._init_graph(first, tensor)

    def build(self, input_shape=None, dtype=None):
        """Crea los parámetros de todas las capas para ejemplos de forma ``input_shape``.

        Sin argumento usa la forma de ``Input`` o el ``input_shape=`` de la primera capa. Admite la forma
        de un ejemplo, ``build((4,))``, o la de Keras con el lote, ``build((None, 4))``.
        """
        if not self._layers:
            raise CourseError("El modelo no tiene capas: añade alguna con model.add(...) antes de construirlo.")
        if input_shape is not None:
            shape = tuple(input_shape)
            if shape and shape[0] is None:
                shape = shape[1:]
            if self._graph is not None and tuple(self.inputs[0].example_shape) != shape:
                self._reset_graph()
            if self._graph is None:
                self._input_spec = (shape, dtype or self._input_dtype())
        self._ensure_graph()
        self._graph.build()
        return self

    def _require_graph(self, action):
        if self._graph is None and self._example_input_shape() is not None:
            self._ensure_graph()
        elif self._graph is None:
            self._check_built_for(action)

    def _check_built_for(self, action):
        if self._graph is None:
            if self._example_input_shape() is None:
                raise CourseError(
                    f"Para {action} hay que conocer la forma de la entrada: empieza la pila con Input(shape=(4,)), "
                    "indica input_shape= en la primera capa (p. ej. Dense(64, activation='relu', input_shape=(4,))), "
                    "llama a model.build((4,)) o entrena antes con fit."
                )
            self._ensure_graph()
        if not self.built:
            self._graph.build()

    def _trace(self, args, kwargs):
        """Usada como capa (o llamada con datos) antes de conocer su entrada: la forma sale de la llamada."""
        leaf = next(x for x in flatten([args, kwargs]) if isinstance(x, (KerasTensor, TensorShape, np.ndarray)))
        if isinstance(leaf, KerasTensor):
            self._ensure_graph(leaf.example_shape, leaf.dtype if leaf.dtype.startswith("int") else None)
        elif isinstance(leaf, TensorShape):
            self._ensure_graph(tuple(leaf)[1:])
        else:
            self._ensure_graph(leaf.shape[1:])

    def _prepare_x(self, x, name="x"):
        """Una pila tiene una sola entrada: un array (o lista de números) de forma (N, …)."""
        if not self._layers:
            raise CourseError("El modelo no tiene capas: añade alguna con model.add(...) antes de usarlo.")
        if isinstance(x, dict):
            return Model._prepare_x(self, x, name)
        arr = as_float_array(x, name)
        if arr.ndim == 0 or arr.shape[0] == 0:
            raise CourseError(f"{name}: se esperaba al menos un ejemplo; se recibió {describe(arr)}.")
        hint = ""
        if arr.ndim == 1:  # un vector de N números = N ejemplos de una sola característica
            hint = (f" Si {name} es un solo ejemplo con {arr.shape[0]} características, pásalo como "
                    "lote de uno: x.reshape(1, -1).")
            arr = arr[:, None]
        expected = self.inputs[0].example_shape if self._graph is not None else self._example_input_shape()
        if expected is not None and not _fits(arr.shape[1:], expected):
            raise CourseError(
                f"La red espera ejemplos de forma {tuple(expected)} (lote de forma "
                f"{shape_text((None,) + tuple(expected))}), pero {name} trae ejemplos de forma "
                f"{tuple(arr.shape[1:])}. Comprueba el número de características (columnas) de {name} o el "
                f"input_shape de la primera capa.{hint}"
            )
        self._ensure_graph(arr.shape[1:] if expected is None else expected)
        return Model._prepare_x(self, arr, name)

    def __repr__(self):
        return f"<Sequential '{self.name}' con {len(self._layers)} capas>"


def _fits(shape, expected):
    return len(shape) == len(expected) and all(e is None or s == e for s, e in zip(shape, expected))
