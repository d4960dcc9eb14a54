"""El grafo del API funcional: tensores simbólicos, ``Input`` y el recorrido hacia delante y hacia atrás.

Como en Keras, una capa llamada sobre un tensor simbólico no calcula nada: apunta en un nodo qué
capa lee qué tensores y devuelve el tensor simbólico de su salida (con su forma)::

    x = Input(shape=(16,))
    h = Dense(16, activation="relu")(x)
    y = Add()([x, h])                  # conexión residual: x tiene dos lectores
    model = Model(x, y)

``Graph`` ordena los nodos una vez (orden topológico, como ``backward`` de micrograd) y:

- ``forward``: recorre los nodos en orden, cada capa con los valores de sus tensores de entrada;
- ``backward``: los recorre al revés y **suma** el gradiente que llega a cada tensor por cada uno de
  sus lectores (un tensor leído dos veces, como x arriba, recibe ∂L/∂x = Σ de sus lectores).

El grafo no sabe nada de lotes, épocas ni callbacks: eso es del bucle de entrenamiento (``model.py``).
"""

import numpy as np

from .layer import Layer, _as_shape
from .validation import CourseError, CourseTypeError, describe


class KerasTensor:
    """Tensor simbólico: la forma de un lote (``shape``, con None en el eje del lote) y la capa que lo produce."""

    def __init__(self, example_shape, node):
        self.example_shape = tuple(example_shape)
        self.node = node

    @property
    def shape(self):
        return (None,) + self.example_shape

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def name(self):
        return self.node.layer.name

    def __repr__(self):
        return f"<KerasTensor forma={self.shape}, de la capa '{self.name}'>"


class Node:
    """Una llamada a una capa dentro del grafo: la capa, sus argumentos (con tensores) y su salida."""

    def __init__(self, layer, args, kwargs, inputs):
        self.layer = layer
        self.args = args            # estructura de la llamada, con KerasTensor donde iban arrays
        self.kwargs = kwargs
        self.inputs = inputs        # los KerasTensor de la llamada, en orden (aplanados)
        self.output = None


class InputLayer(Layer):
    """La capa de entrada de un modelo funcional (la crea :func:`Input`); no transforma nada."""

    def __init__(self, shape, name=None):
        super().__init__(name=name)
        self.input_shape = self.output_shape = _as_shape(shape, "Input")
        self.built = True

    def forward(self, x, training=False):
        return x

    def backward(self, grad_y):
        return grad_y

    def get_config(self):
        return {"shape": list(self.input_shape), "name": self.name}


def Input(shape, name=None):
    """Entrada de un modelo funcional, como ``keras.Input``: ``shape`` es la forma de un ejemplo
    (sin el eje del lote), p. ej. ``Input(shape=(28, 28, 1))`` o ``Input(shape=(40,))`` para índices."""
    layer = InputLayer(shape, name=name or _unique_input_name())
    node = Node(layer, (), {}, [])
    node.output = KerasTensor(layer.output_shape, node)
    layer._node = node
    return node.output


def _unique_input_name():
    from .layer import unique_name
    return unique_name("input_layer")


# ----------------------------------------------------------------------------- llamadas simbólicas
def _flatten(structure):
    """Los KerasTensor (o arrays) de una estructura de listas, tuplas y dicts, en orden."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in _flatten(structure[key])]
    return [structure]


def _map(structure, fn):
    """Aplica ``fn`` a cada hoja de la estructura, conservando listas, tuplas y dicts."""
    if isinstance(structure, list):
        return [_map(item, fn) for item in structure]
    if isinstance(structure, tuple):
        return tuple(_map(item, fn) for item in structure)
    if isinstance(structure, dict):
        return {key: _map(value, fn) for key, value in structure.items()}
    return fn(structure)


def is_symbolic_call(args, kwargs):
    """True si algún argumento de la llamada es un tensor simbólico."""
    return any(isinstance(leaf, KerasTensor) for leaf in _flatten([args, kwargs]))


def symbolic_call(layer, args, kwargs):
    """``capa(tensor_simbólico)``: añade un nodo al grafo y devuelve el tensor de la salida."""
    leaves = [leaf for leaf in _flatten([args, kwargs]) if leaf is not None and not isinstance(leaf, (bool, str))]
    arrays = [leaf for leaf in leaves if isinstance(leaf, (np.ndarray, list))]
    if arrays:
        raise CourseTypeError(
            f"{type(layer).__name__} ('{layer.name}'): no se pueden mezclar tensores simbólicos (de Input) con "
            f"arrays de datos en la misma llamada; se recibió {describe(arrays[0])}. En un modelo funcional todas "
            "las entradas salen de Input(...)."
        )
    if getattr(layer, "_node", None) is not None:
        raise CourseError(
            f"La capa '{layer.name}' ya se usó en un modelo funcional. Este motor no admite capas compartidas "
            "(la misma capa, con los mismos pesos, llamada dos veces): crea otra capa igual o, si de verdad "
            "quieres compartir pesos, aplica la capa a un tensor con Concatenate(axis=0)."
        )
    inputs = [leaf for leaf in _flatten([args, kwargs]) if isinstance(leaf, KerasTensor)]
    shapes_args = _map(args, lambda t: t.example_shape if isinstance(t, KerasTensor) else t)
    shapes_kwargs = _map(kwargs, lambda t: t.example_shape if isinstance(t, KerasTensor) else t)
    shapes_kwargs.pop("training", None)
    output_shape = layer.symbolic_output_shape(*shapes_args, **shapes_kwargs)
    node = Node(layer, args, kwargs, inputs)
    node.output = KerasTensor(output_shape, node)
    layer._node = node
    return node.output


# ----------------------------------------------------------------------------- el grafo
class Graph:
    """Nodos de un modelo funcional en orden topológico, con su pasada hacia delante y hacia atrás."""

    def __init__(self, inputs, outputs):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.nodes = self._topological_order()

    def _topological_order(self):
        """Orden topológico de los nodos de los que dependen las salidas (DFS en postorden)."""
        input_ids = {id(t) for t in self.inputs}
        order, visited = [], set()

        def visit(tensor):
            if id(tensor) in visited:
                return
            if id(tensor) in input_ids:
                visited.add(id(tensor))
                order.append(tensor.node)
                return
            if isinstance(tensor.node.layer, InputLayer):
                raise CourseError(
                    f"Las salidas del modelo dependen de la entrada '{tensor.name}', que no está en inputs. "
                    "Pásala también en Model(inputs=[...], outputs=...), o construye las salidas a partir de "
                    "las entradas que sí pasaste."
                )
            for parent in tensor.node.inputs:
                visit(parent)
            visited.add(id(tensor))
            order.append(tensor.node)

        for output in self.outputs:
            visit(output)
        used = {id(node.output) for node in order}
        for tensor in self.inputs:
            if id(tensor) not in used:
                raise CourseError(
                    f"Las salidas del modelo no dependen de la entrada '{tensor.name}': ningún camino de capas "
                    "lleva de ella a las salidas. Comprueba que construiste las salidas llamando a las capas sobre "
                    "esa entrada (y = Dense(…)(x)) y que pasas los tensores correctos a Model(inputs, outputs)."
                )
        return order

    @property
    def layers(self):
        """Las capas en orden topológico, empezando por las de entrada (como ``model.layers`` en Keras)."""
        return [node.layer for node in self.nodes]

    def forward(self, values, training=False):
        """values: un array por entrada -> un array por salida."""
        store = {id(t): v for t, v in zip(self.inputs, values)}
        for node in self.nodes:
            if id(node.output) in store:
                continue
            args = _map(node.args, lambda t: store[id(t)] if isinstance(t, KerasTensor) else t)
            kwargs = _map(node.kwargs, lambda t: store[id(t)] if isinstance(t, KerasTensor) else t)
            kwargs.setdefault("training", training)   # salvo que la llamada fijara training=…
            store[id(node.output)] = node.layer.forward(*args, **kwargs)
        return [store[id(t)] for t in self.outputs]

    def backward(self, output_grads):
        """Un ∂L/∂salida por salida -> un ∂L/∂entrada por entrada (None si no le llega gradiente).

        En orden topológico inverso, cada capa recibe la suma de lo que llegó a su salida y reparte el
        gradiente entre sus entradas; si un tensor tiene varios lectores, sus gradientes se suman.
        """
        grads = {}

        def accumulate(tensor, grad):
            if grad is None:
                return
            grads[id(tensor)] = grad if id(tensor) not in grads else grads[id(tensor)] + grad

        for tensor, grad in zip(self.outputs, output_grads):
            accumulate(tensor, grad)
        input_ids = {id(t) for t in self.inputs}
        for node in reversed(self.nodes):
            if id(node.output) in input_ids:
                continue
            grad = grads.get(id(node.output))
            if grad is None:          # esta rama no influye en la pérdida: sus gradientes son 0
                _zero_grads(node.layer)
                continue
            result = node.layer.backward(grad)
            results = [result] if len(node.inputs) == 1 else list(result)
            for tensor, g in zip(node.inputs, results):
                accumulate(tensor, g)
        return [grads.get(id(t)) for t in self.inputs]


def _zero_grads(layer):
    if hasattr(layer, "zero_grads"):
        layer.zero_grads()
    else:
        layer.grads = {key: np.zeros_like(value) for key, value in layer.params.items()}
