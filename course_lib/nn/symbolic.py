"""Cálculo simbólico: tensores sin valores, nodos y operaciones (la base de las capas).

Como en Keras 3, llamar a una operación (una capa, o ``a + b``) sobre un tensor simbólico no
calcula nada: anota un **nodo** (qué operación lee qué tensores) y devuelve el tensor simbólico de
su salida, que solo conoce su forma::

    x = Input(shape=(16,))          # KerasTensor de forma (None, 16): None es el eje del lote
    h = Dense(16)(x)                # un nodo: Dense lee x
    y = x + h                       # otro nodo: la suma lee x y h (conexión residual)

Aquí viven:

- ``KerasTensor`` (forma, tipo y el nodo que lo produce) con la aritmética de Keras (``+``, ``-``,
  ``*``, ``/``, ``@``, ``x[:, -1]``), que crea nodos de operaciones, no arrays;
- ``Node`` (una llamada dentro del grafo) y ``Operation`` (lo que un nodo sabe llamar: ``forward``,
  ``backward`` y la forma de su salida). ``Layer`` (``layer.py``) es una operación con parámetros;
- el modo **traza**: mientras ``Layer`` convierte en grafo el ``call`` de una subclase, toda capa
  llamada dentro anota un nodo, también sobre arrays constantes (``self.pos_emb(np.arange(T))``);
- las operaciones aritméticas, cada una con su paso hacia atrás escrito a mano.

El recorrido del grafo (orden topológico, hacia delante y hacia atrás) está en ``graph.py``.
"""

import contextlib
import numbers
import re

import numpy as np

from . import config
from .validation import CourseError, CourseTypeError, describe

# ----------------------------------------------------------------------------- nombres automáticos
_NAME_COUNTS = {}


def snake_case(class_name):
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


# ----------------------------------------------------------------------------- estructuras
class TensorShape(tuple):
    """La forma completa de un tensor (con el eje del lote) cuando ocupa su lugar en una llamada: es
    una hoja, no una tupla de argumentos (así ``compute_output_spec`` distingue formas de opciones)."""


def flatten(structure):
    """Las hojas de una estructura de listas, tuplas y dicts, en orden (los dicts, en su orden)."""
    if isinstance(structure, TensorShape):
        return [structure]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(structure, fn):
    """Aplica ``fn`` a cada hoja, conservando listas, tuplas y dicts."""
    if isinstance(structure, TensorShape):
        return fn(structure)
    if isinstance(structure, list):
        return [map_structure(item, fn) for item in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(item, fn) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(value, fn) for key, value in structure.items()}
    return fn(structure)


def pack_like(structure, leaves, is_leaf):
    """Sustituye, en orden, las hojas de ``structure`` para las que ``is_leaf`` es cierto por ``leaves``."""
    leaves = iter(leaves)
    return map_structure(structure, lambda leaf: next(leaves) if is_leaf(leaf) else leaf)


# ----------------------------------------------------------------------------- formas
def shape_text(shape):
    """(None, 28, 28, 1) -> '(None, 28, 28, 1)'."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def broadcast_shapes(a, b, who):
    """Forma de ``a ∘ b`` con las reglas de difusión (*broadcasting*) de NumPy; None es «desconocido»."""
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for da, db in zip(a, b):
        if da == 1:
            out.append(db)
        elif db == 1 or da == db:
            out.append(da)
        elif da is None or db is None:
            out.append(da if db is None else db)
        else:
            raise CourseError(
                f"{who}: las formas {shape_text(a)} y {shape_text(b)} no se pueden combinar elemento a elemento "
                "(cada eje debe coincidir o valer 1). Comprueba las formas de los dos tensores."
            )
    return tuple(out)


def unbroadcast(grad, shape):
    """Deshace la difusión hacia atrás: suma ∂L/∂y sobre los ejes que se repitieron para llegar a ``shape``."""
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(extra))) if extra > 0 else grad
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


# ----------------------------------------------------------------------------- el modo traza
class SymbolicTraining:
    """El valor de ``training`` mientras se traza ``call``: se decide al ejecutar, no al trazar."""

    def __bool__(self):
        raise CourseError(
            "Dentro de call(), training todavía no tiene valor: el motor convierte call en un grafo una sola vez "
            "y decide training en cada ejecución (True en fit, False en predict y evaluate). No escribas "
            "«if training:»; pásalo a las capas que lo usan, p. ej. self.dropout(x, training=training)."
        )

    def __repr__(self):
        return "<training simbólico>"


TRAINING = SymbolicTraining()
_TRACING = []  # pila de las capas cuyo call se está trazando


@contextlib.contextmanager
def tracing(layer):
    """Mientras dura, toda capa llamada anota un nodo (también sobre arrays: se vuelven constantes)."""
    _TRACING.append(layer)
    try:
        yield
    finally:
        _TRACING.pop()


def is_tracing():
    """True mientras se traza el ``call`` de una capa compuesta."""
    return bool(_TRACING)


def _check_not_a_weight(array):
    """Un array de pesos usado a mano dentro de call no recibiría gradiente: error en español."""
    for layer in _TRACING:
        for sub in layer.flat_layers():
            for key, value in getattr(sub, "params", {}).items():
                if value is array:
                    raise CourseError(
                        f"Dentro de call() de '{layer.name}' se usó el array de pesos {key!r} de '{sub.name}' "
                        "directamente. El motor convierte call en un grafo de capas con su paso hacia atrás escrito "
                        "a mano, y esa cuenta con NumPy no se podría derivar. Crea el peso con self.add_weight(...) "
                        "y úsalo con la aritmética de tensores (x @ self.w + self.b), o usa una capa (Dense, Conv2D…)."
                    )


# ----------------------------------------------------------------------------- tensores y nodos
class KerasTensor:
    """Tensor simbólico: la forma (con None en los ejes desconocidos, el del lote el primero), el
    tipo y el nodo que lo produce. No tiene valores; sirve para construir el grafo."""

    # NumPy no debe tratarlo como un número: np.exp(x), x.sum()… darán un error en español.
    __array_priority__ = 1000

    def __init__(self, shape, dtype=None, node=None, index=0):
        self.shape = tuple(None if n is None else int(n) for n in shape)
        self.dtype = str(np.dtype(dtype or config.floatx()))
        self.node = node
        self.index = index   # qué salida del nodo es (las capas con varias salidas devuelven varias)

    @property
    def ndim(self):
        """Número de ejes (con el del lote)."""
        return len(self.shape)

    @property
    def example_shape(self):
        """La forma sin el eje del lote (el protocolo de las capas)."""
        return self.shape[1:]

    @property
    def name(self):
        """El nombre de la operación que produce el tensor."""
        return self.node.operation.name

    def __repr__(self):
        return f"<KerasTensor forma={shape_text(self.shape)}, tipo={self.dtype}, de '{self.name}'>"

    # ---- aritmética de Keras: cada operación anota un nodo
    def __add__(self, other):
        return Elementwise("add")(self, other)

    def __radd__(self, other):
        return Elementwise("add")(other, self)

    def __sub__(self, other):
        return Elementwise("subtract")(self, other)

    def __rsub__(self, other):
        return Elementwise("subtract")(other, self)

    def __mul__(self, other):
        return Elementwise("multiply")(self, other)

    def __rmul__(self, other):
        return Elementwise("multiply")(other, self)

    def __truediv__(self, other):
        return Elementwise("divide")(self, other)

    def __rtruediv__(self, other):
        return Elementwise("divide")(other, self)

    def __neg__(self):
        return Elementwise("multiply")(self, -1.0)

    def __matmul__(self, other):
        return MatMul()(self, other)

    def __rmatmul__(self, other):
        return MatMul()(other, self)

    def __getitem__(self, key):
        return GetItem(key)(self)

    # ---- lo que no se puede hacer con un tensor sin valores
    def _refuse(self, what, instead):
        raise CourseTypeError(
            f"{what} sobre un tensor simbólico ({self!r}): este tensor aún no tiene valores, solo sirve para "
            f"construir el grafo del modelo. {instead}"
        )

    def __array__(self, dtype=None, copy=None):
        self._refuse("Convertirlo en un array de NumPy", "Usa capas (Dense, Activation…) y la aritmética de tensores "
                     "(+, -, *, /, @); para cuentas con NumPy, llama al modelo sobre datos de verdad.")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        operations = {np.add: "add", np.subtract: "subtract", np.multiply: "multiply", np.true_divide: "divide"}
        if method == "__call__" and ufunc in operations and len(inputs) == 2 and not kwargs:
            return Elementwise(operations[ufunc])(*inputs)
        if method == "__call__" and ufunc is np.matmul and len(inputs) == 2 and not kwargs:
            return MatMul()(*inputs)
        self._refuse(f"np.{ufunc.__name__}", "Usa la capa equivalente (p. ej. Activation('relu') o "
                     "Activation('exponential')) o las operaciones de keras.ops.")

    def __array_function__(self, func, types, args, kwargs):
        self._refuse(f"np.{func.__name__}", "Usa las capas del motor (Concatenate, Reshape, Dense…), la aritmética "
                     "de tensores (+, -, *, /, @) o keras.ops.")

    def __bool__(self):
        self._refuse("Usarlo como condición (if/while)", "Un grafo no puede tomar un camino u otro según los datos.")

    def __len__(self):
        self._refuse("Pedir su longitud con len()", "Su forma está en x.shape (None si se desconoce).")

    def __iter__(self):
        self._refuse("Recorrerlo con un for", "Usa x[:, i] para un elemento o x.shape para su forma.")


class Node:
    """Una llamada dentro del grafo: la operación, sus argumentos (con tensores) y sus salidas."""

    def __init__(self, operation, args, kwargs, inputs):
        self.operation = operation
        self.args = args            # estructura de la llamada, con KerasTensor donde irán los arrays
        self.kwargs = kwargs
        self.inputs = inputs        # los KerasTensor de la llamada, en orden (aplanados)
        self.outputs = []           # uno por salida de la operación
        self.multiple_outputs = False

    @property
    def index(self):
        """Qué llamada de su operación es (0 la primera; una capa compartida tiene varias)."""
        return next(i for i, node in enumerate(self.operation._inbound_nodes) if node is self)

    def output_structure(self):
        """El tensor de salida, o la lista de salidas si la operación devuelve varias."""
        return list(self.outputs) if self.multiple_outputs else self.outputs[0]


# ----------------------------------------------------------------------------- operaciones
class Operation:
    """Lo que un nodo del grafo sabe llamar. Protocolo (el mismo de las capas):

    - ``forward(*args, training=False)`` calcula con arrays y guarda en ``self._cache`` lo que
      necesite ``backward``;
    - ``backward(grad)`` recibe ∂L/∂salida y devuelve ∂L/∂entrada (una lista si hay varias entradas
      tensoriales, en el orden de la llamada);
    - ``compute_output_spec(*formas)`` da la forma de la salida a partir de las formas completas de
      las entradas (con el eje del lote), sin calcular nada.
    """

    #: True solo en las entradas del grafo (Input y las de los grafos internos).
    is_input = False

    def __init__(self, name=None):
        self.name = name or unique_name(snake_case(type(self).__name__))
        self._inbound_nodes = []
        self._cache = None

    def __call__(self, *args, **kwargs):
        """Con arrays calcula (``forward``); con tensores simbólicos, o mientras se traza, anota un nodo."""
        if is_tracing() or any(isinstance(leaf, KerasTensor) for leaf in flatten([args, kwargs])):
            return symbolic_call(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        """Formas completas de las entradas (tuplas en lugar de tensores) -> forma completa de la salida."""
        raise NotImplementedError(f"{type(self).__name__} no define compute_output_spec.")

    def forward(self, *args, training=False, **kwargs):

        """Calcula con arrays y guarda en ``self._cache`` lo que necesite ``backward``."""
        raise NotImplementedError(f"{type(self).__name__} no define forward.")

    def backward(self, grad):

        """∂L/∂salida -> ∂L/∂entrada (una lista si hay varias entradas tensoriales)."""
        raise NotImplementedError(f"{type(self).__name__} no define backward.")

    # Lo que una llamada deja para su backward. Una operación usada en dos nodos (una capa compartida)
    # guarda y recupera esto por nodo, para que la segunda llamada no borre lo de la primera.
    _CALL_STATE = ("_cache",)

    def get_call_state(self):

        """Lo que dejó la última llamada para su backward (para capas compartidas)."""
        return {name: getattr(self, name) for name in self._CALL_STATE}

    def set_call_state(self, state):

        """Recupera lo que dejó una llamada anterior (``get_call_state``)."""
        for name, value in state.items():
            setattr(self, name, value)

    def new_call_state(self):
        """El estado de una llamada que aún no ha ocurrido."""
        return {**self.get_call_state(), "_cache": None}

    def get_config(self):

        """Los argumentos para volver a crear la operación, en tipos JSON."""
        return {"name": self.name}


def _constant(value):
    """Un array (o número) usado dentro de un grafo: un nodo sin entradas que siempre da ese valor."""
    _check_not_a_weight(value)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise CourseTypeError(f"Solo se pueden usar números dentro de un modelo; se recibió {describe(value)}.")
    # Los reales (y los números sueltos) toman la precisión del motor; un array de enteros (índices) se queda así.
    if array.dtype.kind == "f" or not isinstance(value, np.ndarray):
        array = array.astype(config.dtype())
    return symbolic_call(Constant(array), (), {})


def symbolic_call(operation, args, kwargs):
    """``operación(tensores)``: añade un nodo al grafo y devuelve el tensor (o los tensores) de la salida."""
    kwargs = dict(kwargs)
    if kwargs.get("training") is TRAINING:
        del kwargs["training"]        # se decidirá al ejecutar el grafo
    arrays = [leaf for leaf in flatten([args, kwargs]) if isinstance(leaf, np.ndarray)]
    if arrays and not is_tracing():
        raise CourseTypeError(
            f"{type(operation).__name__} ('{operation.name}'): no se pueden mezclar tensores simbólicos (de Input) con "
            f"arrays de datos en la misma llamada; se recibió {describe(arrays[0])}. En un modelo funcional todas "
            "las entradas salen de Input(...)."
        )
    if arrays:   # dentro de call(): los arrays son constantes del grafo
        args, kwargs = map_structure((args, kwargs), lambda leaf: _constant(leaf) if isinstance(leaf, np.ndarray) else leaf)
    inputs = [leaf for leaf in flatten([args, kwargs]) if isinstance(leaf, KerasTensor)]
    spec_args = map_structure(args, lambda t: TensorShape(t.shape) if isinstance(t, KerasTensor) else t)
    spec_kwargs = map_structure(kwargs, lambda t: TensorShape(t.shape) if isinstance(t, KerasTensor) else t)
    spec_kwargs.pop("training", None)
    output_shape = operation.compute_output_spec(*spec_args, **spec_kwargs)
    node = Node(operation, args, kwargs, inputs)
    dtypes = getattr(operation, "output_dtype", None)
    if isinstance(output_shape, list):
        node.multiple_outputs = True
        node.outputs = [KerasTensor(shape, dtypes, node, i) for i, shape in enumerate(output_shape)]
    else:
        node.outputs = [KerasTensor(output_shape, dtypes, node, 0)]
    operation._inbound_nodes.append(node)
    return node.output_structure()


class Placeholder(Operation):
    """La entrada de un grafo interno (el de una capa cuyo ``call`` se traza): no calcula nada."""

    is_input = True

    def forward(self, x, training=False):
        return x

    def backward(self, grad):
        return grad


def placeholder(shape, dtype=None, name=None):
    """Un tensor simbólico de entrada de forma ``shape`` (completa, con el eje del lote)."""
    operation = Placeholder(name=name or unique_name("placeholder"))
    node = Node(operation, (), {}, [])
    node.outputs = [KerasTensor(shape, dtype, node, 0)]
    operation._inbound_nodes.append(node)
    return node.outputs[0]


class Constant(Operation):
    """Un valor fijo dentro del grafo (un array que se usó dentro de ``call``). No recibe gradiente."""

    def __init__(self, value, name=None):
        super().__init__(name=name)
        self.value = value
        self.output_dtype = str(value.dtype)

    def compute_output_spec(self):
        return self.value.shape

    def forward(self, training=False):
        return self.value

    def backward(self, grad):
        return []

    def get_config(self):
        return {"name": self.name, "value": self.value.tolist(), "dtype": str(self.value.dtype)}


def _as_operand(value, who):
    """Un operando de la aritmética: un tensor simbólico, o un número o array que se vuelve constante."""
    if isinstance(value, KerasTensor):
        return value
    if hasattr(value, "_symbolic"):                  # una variable de add_weight
        return value._symbolic()
    if isinstance(value, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        return value
    raise CourseTypeError(f"{who}: no se puede operar un tensor simbólico con {describe(value)}.")


class _Arithmetic(Operation):
    """Base de las operaciones aritméticas: se llaman con dos operandos, tensores o números."""

    def __call__(self, a, b=None):
        a, b = _as_operand(a, self._symbol), _as_operand(b, self._symbol)
        if not any(isinstance(v, KerasTensor) for v in (a, b)) and not is_tracing():
            return self.forward(a, b)
        # Los números y arrays se vuelven constantes del grafo (también fuera de una traza).
        a, b = [v if isinstance(v, KerasTensor) else _constant(v) for v in (a, b)]
        return symbolic_call(self, (a, b), {})


class Elementwise(_Arithmetic):
    """y = a ∘ b elemento a elemento (∘ = +, −, ×, ÷), con difusión como en NumPy.

    Hacia atrás (y después se suma sobre los ejes difundidos, ``unbroadcast``):
        suma:  ∂L/∂a = g,        ∂L/∂b = g
        resta: ∂L/∂a = g,        ∂L/∂b = −g
        producto: ∂L/∂a = g·b,   ∂L/∂b = g·a
        cociente: ∂L/∂a = g/b,   ∂L/∂b = −g·a/b²
    """

    SYMBOLS = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/"}
    TYPE_NAMES = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply", "divide": "TrueDivide"}

    def __init__(self, kind, name=None):
        if kind not in self.SYMBOLS:
            raise CourseError(f"Operación aritmética desconocida: {kind!r}.")
        self.kind = kind
        self._symbol = f"La operación {self.SYMBOLS[kind]}"
        super().__init__(name=name or unique_name("true_divide" if kind == "divide" else kind))

    @property
    def type_name(self):
        """El nombre del tipo en el resumen, como Keras: Add, Subtract, Multiply, TrueDivide."""
        return self.TYPE_NAMES[self.kind]

    def compute_output_spec(self, a, b):
        return broadcast_shapes(a, b, self._symbol)

    def forward(self, a, b, training=False):
        """a, b: arrays que se difunden a una forma común -> y = a ∘ b."""
        self._cache = (a, b)
        if self.kind == "add":
            return a + b
        if self.kind == "subtract":
            return a - b
        if self.kind == "multiply":
            return a * b
        return a / b

    def backward(self, grad):
        """g = ∂L/∂y -> [∂L/∂a, ∂L/∂b], cada uno con la forma de su operando."""
        a, b = self._cache
        if self.kind == "add":
            ga, gb = grad, grad
        elif self.kind == "subtract":
            ga, gb = grad, -grad
        elif self.kind == "multiply":
            ga, gb = grad * b, grad * a
        else:
            ga, gb = grad / b, -grad * a / (b * b)
        return [unbroadcast(ga, np.shape(a)), unbroadcast(gb, np.shape(b))]

    def get_config(self):
        return {"name": self.name, "kind": self.kind}


class MatMul(_Arithmetic):
    """y = a · b (producto de matrices sobre los dos últimos ejes, como ``a @ b`` de NumPy).

    El caso típico: x (N, …, D) por un peso W (D, U). Hacia atrás:
        ∂L/∂a = g · bᵀ,    ∂L/∂b = aᵀ · g   (sumando sobre los ejes del lote y la difusión)
    """

    _symbol = "El producto de matrices @"

    def compute_output_spec(self, a, b):
        if len(a) < 1 or len(b) < 1:
            raise CourseError(f"{self._symbol} necesita al menos un eje en cada operando.")
        k_a, k_b = a[-1], (b[-2] if len(b) > 1 else b[0])
        if k_a is not None and k_b is not None and k_a != k_b:
            raise CourseError(
                f"{self._symbol}: el último eje de {shape_text(a)} ({k_a}) debe coincidir con el penúltimo de "
                f"{shape_text(b)} ({k_b})."
            )
        if len(b) == 1:
            return tuple(a[:-1])
        if len(a) == 1:
            return tuple(b[:-2]) + (b[-1],)
        return broadcast_shapes(a[:-2], b[:-2], self._symbol) + (a[-2], b[-1])

    def forward(self, a, b, training=False):
        """a: (…, M, K), b: (…, K, P) -> y = a·b: (…, M, P)."""
        self._cache = (a, b)
        return a @ b

    def backward(self, grad):
        a, b = self._cache
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = grad.reshape(grad.shape + (1,)) if b.ndim == 1 else grad
        g2 = g2[..., None, :] if a.ndim == 1 else g2
        ga = g2 @ np.swapaxes(b2, -1, -2)
        gb = np.swapaxes(a2, -1, -2) @ g2
        ga = ga.reshape(ga.shape[:-2] + (ga.shape[-1],)) if a.ndim == 1 else ga
        gb = gb[..., 0] if b.ndim == 1 else gb
        return [unbroadcast(ga, a.shape), unbroadcast(gb, b.shape)]


class GetItem(Operation):
    """y = x[clave]: cortes como ``x[:, -1]`` o ``x[:, :, 0:4]`` (el eje del lote se conserva entero).

    Hacia atrás, ∂L/∂x vale ∂L/∂y en las posiciones elegidas y 0 en el resto.
    """

    def __init__(self, key, name=None):
        super().__init__(name=name or unique_name("get_item"))
        key = key if isinstance(key, tuple) else (key,)
        for part in key:
            if not (part is Ellipsis or isinstance(part, (int, np.integer, slice)) or part is None):
                raise CourseTypeError(
                    f"x[…] sobre un tensor simbólico admite enteros, cortes (a:b), None y «...»; se recibió "
                    f"{describe(part)}."
                )
        if not key or not (key[0] == slice(None) or key[0] is Ellipsis and len(key) == 1):
            raise CourseError(
                "x[…] sobre un tensor simbólico debe conservar el eje del lote entero: empieza la clave por «:», "
                "p. ej. x[:, -1] (el último paso de una secuencia) o x[:, 0:4]."
            )
        self.key = key

    def compute_output_spec(self, shape):
        key = list(self.key)
        if Ellipsis in key:
            i = key.index(Ellipsis)
            key[i:i + 1] = [slice(None)] * (len(shape) - (len(key) - 1 - key.count(None)))
        out, axis = [], 0
        for part in key:
            if part is None:
                out.append(1)
                continue
            if axis >= len(shape):
                raise CourseError(f"x[…]: la clave {self.key!r} tiene más ejes que el tensor de forma {shape_text(shape)}.")
            n = shape[axis]
            if isinstance(part, slice):
                if n is None:
                    out.append(None)
                else:
                    out.append(len(range(*part.indices(n))))
            elif n is not None and not -n <= part < n:
                raise CourseError(f"x[…]: el índice {part} está fuera del eje {axis} de tamaño {n}.")
            axis += 1
        return tuple(out) + tuple(shape[axis:])

    def forward(self, x, training=False):
        self._cache = (x.shape, x.dtype)
        return x[self.key]

    def backward(self, grad):
        shape, dtype = self._cache
        full = np.zeros(shape, dtype=grad.dtype)
        full[self.key] = grad
        return full

    def get_config(self):
        def encode(part):
            if isinstance(part, slice):
                return {"slice": [part.start, part.stop, part.step]}
            return "..." if part is Ellipsis else part
        return {"name": self.name, "key": [encode(part) for part in self.key]}

    @staticmethod
    def decode_key(parts):
        def decode(part):
            if isinstance(part, dict):
                return slice(*part["slice"])
            return Ellipsis if part == "..." else part
        return tuple(decode(part) for part in parts)


#: Operaciones que no son capas, por nombre de clase (para reconstruir un modelo guardado).
OPERATION_CLASSES = {"Constant": Constant, "Elementwise": Elementwise, "MatMul": MatMul, "GetItem": GetItem}
