"""Valores de Python y de NumPy como JSON, y comparaciones entre respuestas.

JSON no distingue tuplas de listas ni guarda arrays, así que cada valor que no es un número, un
texto, ``None`` o una lista se guarda con una etiqueta: ``{"__nd__": ...}`` (array),
``{"__tuple__": [...]}``, ``{"__dict__": [[clave, valor], ...]}``, ``{"__np__": ...}`` (escalar
de NumPy, para no perder si era entero o real), ``{"__table__": ...}`` (una :class:`Table`). Lo que no se puede guardar así (un modelo, una
función) lanza :class:`Unstorable`.
"""

import numpy as np


class Unstorable(TypeError):
    """El valor no se puede guardar como datos (por ejemplo, un objeto o una función)."""


class Table:
    """Una función de dominio finito guardada como tabla: argumentos → resultado.

    Así se guardan los argumentos que son funciones de un comparador cuando se sabe con qué
    argumentos puede llamarlas (por ejemplo, ``explain`` de ``checks.expect_choices``: una
    pregunta, la opción elegida y la correcta). Se llama como la función original.
    """

    def __init__(self, rows):
        self.rows = [(tuple(args), result) for args, result in rows]

    @classmethod
    def of(cls, function, domain):
        """La tabla de ``function`` en cada tupla de argumentos de ``domain`` (sin las que lanzan)."""
        rows = []
        for args in domain:
            try:
                rows.append((args, function(*args)))
            except Exception:  # noqa: BLE001 — la función original también fallaría con esos argumentos
                continue
        return cls(rows)

    def __call__(self, *args):
        for known, result in self.rows:
            if same(known, args, strict=True):
                return result
        raise LookupError(f"la tabla grabada no tiene resultado para {args!r}.")


def encode(value):
    """Valor de Python → estructura que ``json.dumps`` acepta."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUS":
            raise Unstorable(f"array de tipo {value.dtype}")
        return {"__nd__": value.dtype.str, "shape": list(value.shape), "data": value.ravel().tolist()}
    if isinstance(value, np.generic):
        return {"__np__": value.dtype.str, "value": value.item()}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"__set__": [encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, Table):
        return {"__table__": [[encode(list(args)), encode(result)] for args, result in value.rows]}
    raise Unstorable(f"un valor de tipo {type(value).__name__}")


def decode(data):
    """Inverso de :func:`encode`."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "__nd__" in data:
        return np.array(data["data"], dtype=np.dtype(data["__nd__"])).reshape(data["shape"])
    if "__np__" in data:
        return np.dtype(data["__np__"]).type(data["value"])
    if "__tuple__" in data:
        return tuple(decode(v) for v in data["__tuple__"])
    if "__dict__" in data:
        return {_hashable(decode(k)): decode(v) for k, v in data["__dict__"]}
    if "__set__" in data:
        return {decode(v) for v in data["__set__"]}
    if "__table__" in data:
        return Table([(decode(args), decode(result)) for args, result in data["__table__"]])
    raise ValueError(f"etiqueta desconocida en los datos de la edición de aula: {sorted(data)}")


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


# --- Comparaciones ------------------------------------------------------------------------------

def _kind(value):
    """Clase de valor para la comparación estricta: no confunde 5 con 5.0 ni True con 1."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, np.ndarray):
        return "array-" + value.dtype.kind
    return type(value).__name__


def same(a, b, strict=False, rtol=1e-7, atol=1e-10):
    """¿Son iguales dos respuestas? ``strict`` distingue además tipos (tupla/lista, entero/real)."""
    if strict and _kind(a) != _kind(b):
        return False
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and set(map(repr, a)) == set(map(repr, b))
                and all(same(a[k], b[k], strict, rtol, atol) for k in a))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y, strict, rtol, atol) for x, y in zip(a, b))
    if isinstance(a, (str, bytes, set, frozenset)) or isinstance(b, (str, bytes, set, frozenset)):
        return type(a) is type(b) and a == b
    if a is None or b is None:
        return a is b
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if x.shape != y.shape:
        return False
    return bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True))


def is_placeholder(value):
    return value is None or value is Ellipsis


def difference(got, expected, where="", rtol=1e-5, atol=1e-8):
    """Primera diferencia entre la respuesta y lo esperado, en español, o ``None`` si coinciden.

    Compara con tolerancia y sin exigir el mismo tipo de contenedor (tupla o lista).
    """
    place = f" ({where})" if where else ""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"se esperaba un diccionario{place} y recibí {describe(got)}."
        missing = [k for k in expected if k not in got]
        if missing:
            return f"faltan las claves {', '.join(map(repr, missing))}{place}."
        for key, value in expected.items():
            found = difference(got[key], value, f"clave {key!r}", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, (tuple, list)) and not _numeric_sequence(expected):
        if not isinstance(got, (tuple, list, np.ndarray)) or len(got) != len(expected):
            return f"se esperaba {describe(expected)}{place} y recibí {describe(got)}."
        for i, (g, e) in enumerate(zip(got, expected)):
            found = difference(g, e, f"elemento {i}" + (f" de {where}" if where else ""), rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, str):
        if got != expected:
            return f"tu respuesta{place} ({got!r}) no es la correcta."
        return None
    try:
        g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return f"se esperaba {describe(expected)}{place} y recibí {describe(got)}."
    if g.shape != e.shape:
        return f"se esperaba {describe(expected)}{place} y recibí {describe(got)}."
    if not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True):
        return f"el valor{place} no coincide con el esperado."
    return None


def _numeric_sequence(value):
    return all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in value)


def describe(value):
    """Descripción breve y en español de la forma de un valor (sin mostrar su contenido)."""
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "un booleano"
    if isinstance(value, (int, np.integer)):
        return "un entero"
    if isinstance(value, (float, np.floating)):
        return "un número real"
    if isinstance(value, str):
        return "un texto"
    if isinstance(value, np.ndarray):
        return f"un array de forma {value.shape}"
    if isinstance(value, tuple):
        return f"una tupla de {len(value)} elementos"
    if isinstance(value, list):
        return f"una lista de {len(value)} elementos"
    if isinstance(value, dict):
        return f"un diccionario de {len(value)} claves"
    return f"un valor de tipo {type(value).__name__}"
