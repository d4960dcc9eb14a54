"""El grafo de un modelo: los nodos en orden topológico y sus pasadas hacia delante y hacia atrás.

Los nodos los anotan las llamadas simbólicas (``symbolic.py``): ``Dense(4)(x)`` dice «Dense lee x».
``Graph`` los ordena una vez (orden topológico, como ``backward`` de micrograd) y:

- ``forward``: recorre los nodos en orden, cada operación con los valores de sus tensores de entrada;
- ``backward``: los recorre al revés y **suma** el gradiente que llega a cada tensor por cada uno de
  sus lectores (un tensor leído dos veces, como x en una conexión residual, recibe la suma);
- **capas compartidas**: una capa llamada en dos nodos (la misma capa, los mismos pesos) guarda lo que
  cada llamada necesita para su backward por separado, y sus gradientes se **suman** sobre las llamadas:
  ∂L/∂W = Σ_llamadas ∂L/∂W|llamada, porque W interviene en la pérdida por cada camino.

El grafo no sabe nada de lotes, épocas ni callbacks: eso es del bucle de entrenamiento (``trainer.py``).
"""

import numpy as np

from .symbolic import KerasTensor, TensorShape, flatten, map_structure
from .validation import CourseError


def _input_node(node):
    return node.operation.is_input


class _Step:
    """Lo que el recorrido necesita de un nodo, calculado una vez (el bucle de cada lote debe ser ligero)."""

    __slots__ = ("node", "operation", "simple", "args", "kwargs", "inputs", "outputs", "shared")

    def __init__(self, node, shared):
        self.node = node
        self.operation = node.operation
        self.shared = shared
        tensor_kwargs = any(isinstance(leaf, KerasTensor) for leaf in flatten(node.kwargs))
        # El caso común, capa(x) o capa(x, opción=…): los argumentos son tensores sueltos.
        self.simple = all(isinstance(a, KerasTensor) for a in node.args) and not tensor_kwargs
        self.args = [id(a) for a in node.args] if self.simple else None
        self.kwargs = dict(node.kwargs)
        self.inputs = [id(t) for t in node.inputs]
        self.outputs = [id(t) for t in node.outputs]


def _leaves_with_weights(operation):
    """Las capas con parámetros que contiene una operación (ella misma, o las de un modelo o capa compuesta)."""
    if getattr(operation, "_graph_backed", False):
        return [layer for layer in operation.flat_layers() if layer.params]
    return [operation] if getattr(operation, "params", None) else []


def zero_grads(operation):
    """Pone a cero los gradientes de una operación a la que no llega gradiente (una rama sin efecto en L)."""
    for layer in _leaves_with_weights(operation):
        layer.grads = {key: np.zeros_like(value) for key, value in layer.params.items()}


class Graph:
    """Los nodos de los que dependen ``outputs``, en orden topológico, con su pasada hacia delante y hacia atrás.

    ``inputs`` y ``outputs`` son listas planas de ``KerasTensor``.
    """

    def __init__(self, inputs, outputs):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.nodes = self._topological_order()
        self.operations = []
        seen = {}
        for node in self.nodes:
            key = id(node.operation)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] == 1:
                self.operations.append(node.operation)
        self._shared = {key for key, count in seen.items() if count > 1}
        self._steps = [_Step(node, id(node.operation) in self._shared) for node in self.nodes if not _input_node(node)]
        self._weight_reads = [op for op in self.operations if hasattr(op, "reset_gradient")]
        self._input_ids = [id(t) for t in self.inputs]
        self._output_ids = [id(t) for t in self.outputs]
        self._states = {}           # id(nodo) -> lo que guardó la última llamada de una operación compartida
        self._output_shapes = {}    # id(tensor) -> forma de la última salida (para las capas con varias salidas)

    def _topological_order(self):
        """Orden topológico de los nodos de los que dependen las salidas (DFS en postorden)."""
        input_ids = {id(t) for t in self.inputs}
        order, visited = [], set()

        def visit(tensor):
            node = tensor.node
            if id(node) in visited:
                return
            if id(tensor) in input_ids:
                visited.add(id(node))
                order.append(node)
                return
            if _input_node(node):
                raise CourseError(
                    f"Las salidas del modelo dependen de la entrada '{tensor.name}', que no está en inputs. "
                    "Pásala también en Model(inputs=[...], outputs=...), o construye las salidas a partir de "
                    "las entradas que sí pasaste."
                )
            for parent in node.inputs:
                visit(parent)
            visited.add(id(node))
            order.append(node)

        for output in self.outputs:
            visit(output)
        for tensor in self.inputs:
            if id(tensor.node) not in visited:
                raise CourseError(
                    f"Las salidas del modelo no dependen de la entrada '{tensor.name}': ningún camino de capas "
                    "lleva de ella a las salidas. Comprueba que construiste las salidas llamando a las capas sobre "
                    "esa entrada (y = Dense(…)(x)) y que pasas los tensores correctos a Model(inputs, outputs)."
                )
        return order

    def is_shared(self, operation):
        """True si la operación aparece en más de un nodo de este grafo (una capa compartida)."""
        return id(operation) in self._shared

    # ------------------------------------------------------------------ formas y construcción
    def _node_specs(self, node, shapes):
        args = map_structure(node.args, lambda t: TensorShape(shapes[id(t)]) if isinstance(t, KerasTensor) else t)
        kwargs = map_structure(node.kwargs, lambda t: TensorShape(shapes[id(t)]) if isinstance(t, KerasTensor) else t)
        kwargs.pop("training", None)
        return args, kwargs

    def output_shapes(self, input_shapes):
        """Formas (completas) de las salidas para entradas de otras formas, sin calcular ni crear pesos."""
        shapes = {id(t): tuple(s) for t, s in zip(self.inputs, input_shapes)}
        for node in self.nodes:
            if all(id(t) in shapes for t in node.outputs):
                continue
            args, kwargs = self._node_specs(node, shapes)
            out = node.operation.compute_output_spec(*args, **kwargs)
            for t, shape in zip(node.outputs, out if node.multiple_outputs else [out]):
                shapes[id(t)] = tuple(shape)
        return [shapes[id(t)] for t in self.outputs]

    def build(self):
        """Crea los pesos de cada capa, en orden topológico, a partir de las formas de sus tensores de entrada."""
        shapes = {id(t): t.shape for node in self.nodes for t in node.outputs}
        for node in self.nodes:
            build = getattr(node.operation, "build_from_spec", None)
            if build is not None and not _input_node(node):
                args, kwargs = self._node_specs(node, shapes)
                build(*args, **kwargs)

    # ------------------------------------------------------------------ pasadas
    def forward(self, values, training=False):
        """values: un array por entrada -> un array por salida."""
        store = dict(zip(self._input_ids, values))
        for step in self._steps:
            operation = step.operation
            if step.simple:
                args = [store[i] for i in step.args]
                kwargs = step.kwargs
            else:
                args = map_structure(step.node.args, lambda t: store[id(t)] if isinstance(t, KerasTensor) else t)
                kwargs = map_structure(step.node.kwargs, lambda t: store[id(t)] if isinstance(t, KerasTensor) else t)
            if "training" not in kwargs:   # salvo que la llamada fijara training=…
                kwargs = {**kwargs, "training": training}
            if step.shared:   # cada llamada de una capa compartida trabaja con lo suyo
                state = self._states.get(id(step.node))
                operation.set_call_state(state if state is not None else operation.new_call_state())
            result = operation.forward(*args, **kwargs)
            if step.shared:
                self._states[id(step.node)] = operation.get_call_state()
            if step.node.multiple_outputs:
                for key, value in zip(step.outputs, result):
                    store[key] = value
                    self._output_shapes[key] = (np.shape(value), getattr(value, "dtype", None))
            else:
                store[step.outputs[0]] = result
        return [store[i] for i in self._output_ids]

    def backward(self, output_grads):
        """Un ∂L/∂salida por salida -> un ∂L/∂entrada por entrada (None si no le llega gradiente).

        En orden topológico inverso, cada operación recibe la suma de lo que llegó a su salida y reparte el
        gradiente entre sus entradas; si un tensor tiene varios lectores, sus gradientes se suman. Los
        gradientes de los pesos de una capa compartida se suman sobre todas sus llamadas.
        """
        grads = {}
        for operation in self._weight_reads:   # los pesos de add_weight acumulan su gradiente desde cero
            operation.reset_gradient()

        def accumulate(key, grad):
            if grad is not None:
                grads[key] = grad if key not in grads else grads[key] + grad

        for key, grad in zip(self._output_ids, output_grads):
            accumulate(key, grad)
        shared_sums = {}   # id(capa hoja) -> (capa, {clave: Σ gradientes})
        for step in reversed(self._steps):
            operation = step.operation
            incoming = [grads.get(key) for key in step.outputs]
            if all(g is None for g in incoming):   # esta llamada no influye en la pérdida
                if not step.shared:
                    zero_grads(operation)
                continue
            if step.node.multiple_outputs:   # las salidas que no llegan a la pérdida tienen gradiente 0
                incoming = [g if g is not None else np.zeros(*self._output_shapes[key])
                            for g, key in zip(incoming, step.outputs)]
            if step.shared:
                operation.set_call_state(self._states[id(step.node)])
            result = operation.backward(incoming if step.node.multiple_outputs else incoming[0])
            if step.shared:
                for layer in _leaves_with_weights(operation):
                    _, sums = shared_sums.setdefault(id(layer), (layer, {}))
                    for key, g in layer.grads.items():
                        sums[key] = g.copy() if key not in sums else sums[key] + g
            if len(step.inputs) == 1:
                accumulate(step.inputs[0], result)
            else:
                for key, g in zip(step.inputs, result if result is not None else [None] * len(step.inputs)):
                    accumulate(key, g)
        if self._shared:
            for operation in self.operations:
                if id(operation) in self._shared:
                    for layer in _leaves_with_weights(operation):
                        if id(layer) in shared_sums:
                            layer.grads = shared_sums[id(layer)][1]
                        else:
                            layer.grads = {key: np.zeros_like(value) for key, value in layer.params.items()}
        return [grads.get(key) for key in self._input_ids]

    # ------------------------------------------------------------------ estado por llamada (grafos anidados)
    def get_call_state(self):
        """Lo que dejó la última pasada de todas las operaciones del grafo (para un modelo compartido)."""
        return {"operations": [(op, op.get_call_state()) for op in self.operations],
                "shared": dict(self._states), "outputs": dict(self._output_shapes)}

    def set_call_state(self, state):

        """Recupera lo que dejó una pasada anterior del grafo (``get_call_state``)."""
        for op, op_state in state["operations"]:
            op.set_call_state(op_state)
        self._states = dict(state["shared"])
        self._output_shapes = dict(state["outputs"])

    def new_call_state(self):

        """El estado de una pasada que aún no ha ocurrido (cada operación, vacía)."""
        return {"operations": [(op, op.new_call_state()) for op in self.operations], "shared": {}, "outputs": {}}
