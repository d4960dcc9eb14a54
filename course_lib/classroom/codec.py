"""Respuestas como datos: valores de Python, arrays de NumPy y redes del motor en JSON, sin pickle.

Lo usan dos procesos que no se fían el uno del otro: el que ejecuta el código del estudiante
(:mod:`.ejecutor`) y el que califica (:mod:`.calificacion`). Por eso solo viajan **datos**:
números, textos, ``None``, listas, tuplas, conjuntos, diccionarios, arrays de números o textos y la
arquitectura de una red de ``course_lib.nn`` (sus capas y su configuración, nunca su código). Un
objeto de cualquier otro tipo lanza :class:`Unstorable`, y :func:`decode` rechaza cualquier cosa
que :func:`encode` no haya podido escribir: leer una respuesta nunca ejecuta código.

Cada valor que JSON no distingue lleva una etiqueta: ``{"__nd__": …}`` (array), ``{"__np__": …}``
(escalar de NumPy: se conserva si era entero o real), ``{"__tuple__": […]}``, ``{"__set__": […]}``,
``{"__dict__": [[clave, valor], …]}`` y ``{"__red__": …}`` (una capa o una red, por su arquitectura).
"""

import base64

import numpy as np

MAX_ELEMENTS = 20_000_000   # elementos de todos los arrays de un mensaje (160 MB en float64)
MAX_DEPTH = 32
_ARRAY_KINDS = "biufU"      # booleanos, enteros, reales y textos; nunca objetos ni estructuras


class Unstorable(TypeError):
    """El valor no se puede enviar como datos (una función, un objeto, un array de objetos…)."""


def encode(value):
    """Valor de Python → estructura que ``json.dumps`` acepta (lanza :class:`Unstorable`)."""
    return _Encoder().encode(value, 0)


class _Encoder:
    def __init__(self):
        self.elements = 0

    def _count(self, n):
        self.elements += n
        if self.elements > MAX_ELEMENTS:
            raise Unstorable(f"una respuesta con más de {MAX_ELEMENTS} números")

    def encode(self, value, depth):
        if depth > MAX_DEPTH:
            raise Unstorable(f"una estructura con más de {MAX_DEPTH} niveles")
        if isinstance(value, np.ndarray):
            return self._array(value)
        if isinstance(value, np.generic):  # antes que float: np.float64 es una subclase de float
            if value.dtype.kind not in _ARRAY_KINDS:
                raise Unstorable(f"un escalar de NumPy de tipo {value.dtype}")
            return {"__np__": value.dtype.str, "value": value.item()}
        if value is None or type(value) in (bool, int, float, str):
            return value
        if isinstance(value, (bool, int, float, str)):
            return _plain(value)
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, list):
            return [self.encode(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {"__dict__": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        if isinstance(value, (set, frozenset)):
            return {"__set__": [self.encode(v, depth + 1) for v in sorted(value, key=repr)]}
        if type(value).__module__.startswith("course_lib.nn"):
            return _engine_object(value)
        raise Unstorable(f"un valor de tipo {type(value).__name__}")

    def _array(self, value):
        if value.dtype.kind not in _ARRAY_KINDS:
            raise Unstorable(f"un array de tipo {value.dtype}")
        self._count(value.size)
        data = np.ascontiguousarray(value)
        return {"__nd__": data.dtype.str, "shape": list(data.shape),
                "b64": base64.b64encode(data.tobytes()).decode("ascii")}


def _plain(value):
    """Subclases de bool, int, float o str (por ejemplo, un IntEnum) como el tipo básico."""
    for base in (bool, int, float, str):
        if isinstance(value, base):
            return base(value)
    raise Unstorable(f"un valor de tipo {type(value).__name__}")


def _engine_object(value):
    """Una red o una capa de ``course_lib.nn`` por su arquitectura (clases del motor y configuración).

    Una subclase propia (de una capa o de un modelo) no viaja: reconstruirla exigiría importar su
    módulo, es decir, ejecutar código de la entrega en el proceso que califica.
    """
    from ..nn.layer import Layer

    layer_entry, _ = _serialization()
    if not isinstance(value, Layer):
        raise Unstorable(f"un valor de tipo {type(value).__name__}")
    try:
        entry = layer_entry(value)
        _check_entry(entry)
    except ValueError as exc:
        raise Unstorable(f"una red que no se puede enviar como datos ({exc})") from None
    except Exception as exc:  # noqa: BLE001 — una red a medio construir, por ejemplo
        raise Unstorable(f"una red que no se puede describir ({type(exc).__name__}: {exc})") from None
    return {"__red__": entry}


_CONTAINERS = ("Sequential", "Model", "Functional")


def _serialization():
    """(layer_entry, model_from_architecture) del motor: su JSON de arquitectura, de ida y vuelta."""
    try:
        from ..nn.serialization import layer_entry, model_from_architecture
    except ImportError:  # el motor antes de serialization.py
        from ..nn.loading import _model_from_architecture as model_from_architecture
        from ..nn.saving import layer_entry
    return layer_entry, model_from_architecture


def _check_entry(entry, depth=0):
    """Solo clases del motor, por su nombre: ni módulos, ni subclases, ni nada que haya que importar."""
    from ..nn.layers import LAYER_CLASSES
    from ..nn.symbolic import OPERATION_CLASSES

    if depth > MAX_DEPTH or not isinstance(entry, dict):
        raise ValueError("estructura de red no reconocida")
    if "module" in entry or "qualname" in entry or "init" in entry:
        raise ValueError(f"usa una clase propia ({entry.get('class_name')!r}), no del motor del curso")
    if "operation" in entry:
        if entry["operation"] not in OPERATION_CLASSES:
            raise ValueError(f"operación desconocida {entry['operation']!r}")
        return
    name = entry.get("class_name")
    if name in _CONTAINERS:
        config = entry.get("config", entry)
        if "module" in config or "qualname" in config or "init" in config:
            raise ValueError(f"usa una clase propia ({config.get('class_name')!r}), no del motor del curso")
        for child in config.get("layers", []):
            _check_entry(child, depth + 1)
        return
    if name != "InputLayer" and name not in LAYER_CLASSES:
        raise ValueError(f"tipo de capa desconocido {name!r}")
    if not isinstance(entry.get("config", {}), dict):
        raise ValueError("configuración de capa no reconocida")


def decode(data, depth=0):
    """Inverso de :func:`encode`; rechaza (``ValueError``) lo que no tenga esa forma."""
    if depth > MAX_DEPTH:
        raise ValueError("estructura demasiado profunda")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2, 3):
        raise ValueError(f"dato no reconocido: {type(data).__name__}")
    if "__nd__" in data:
        dtype = np.dtype(data["__nd__"])
        if dtype.kind not in _ARRAY_KINDS or dtype.hasobject:
            raise ValueError(f"tipo de array no admitido: {dtype}")
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["b64"], validate=True)
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if "__np__" in data:
        dtype = np.dtype(data["__np__"])
        if dtype.kind not in _ARRAY_KINDS:
            raise ValueError(f"tipo de escalar no admitido: {dtype}")
        return dtype.type(data["value"])
    if "__tuple__" in data:
        return tuple(decode(v, depth + 1) for v in data["__tuple__"])
    if "__set__" in data:
        return {decode(v, depth + 1) for v in data["__set__"]}
    if "__dict__" in data:
        return {_key(decode(k, depth + 1)): decode(v, depth + 1) for k, v in data["__dict__"]}
    if "__red__" in data:
        return _rebuild(data["__red__"])
    raise ValueError(f"etiqueta no reconocida: {sorted(data)}")


def _key(value):
    """Las claves de un diccionario deben poder usarse como claves (una lista no)."""
    hash(value)
    return value


def _rebuild(entry):
    """Reconstruye con las clases del motor una red o una capa enviada por :func:`_engine_object`.

    Antes, :func:`_check_entry` comprueba que solo nombra clases del motor. Sin construir los pesos:
    se crean al usarla, como con la red recién escrita (así la comprobación que fija la semilla y
    entrena da lo mismo que en la edición de autoestudio).
    """
    from ..nn.layers import LAYER_CLASSES

    _check_entry(entry)
    _, model_from_architecture = _serialization()
    if entry.get("class_name") in _CONTAINERS:
        arch = dict(entry["config"])
        arch["input_shape"] = None  # la red del estudiante, tal como la escribió: sin construir
        return model_from_architecture(arch, {})
    layer = LAYER_CLASSES[entry["class_name"]](**entry.get("config", {}))
    layer.trainable = entry.get("trainable", True)
    return layer
