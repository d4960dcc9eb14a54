"""Validación de entradas en la frontera de la API, con una sola voz.

Cada error dice qué se esperaba, qué se recibió y, cuando se puede, qué probar.
Las comprobaciones se hacen aquí, una vez, y no en lo profundo de NumPy.
"""

import difflib

import numpy as np

from . import config
from .errors import CourseAttributeError, CourseError, CourseTypeError  # noqa: F401 (el motor los importa de aquí)
from .keras_api import KERAS_API


def is_keras_identifier(name):
    """¿Es ``name`` un nombre que Keras 3 acepta como texto ('mae', 'softplus', 'adamw'…)?"""
    name = str(name).strip().lower()
    return any(name in names for names in KERAS_API["identifiers"].values())


def closest(name, options):
    """Devuelve la opción válida más parecida a ``name`` (o ``None``).

    Un nombre que ya es de Keras no es una errata: 'mae' no se corrige a 'mse', ni 'softplus' a 'softmax'.
    """
    if is_keras_identifier(name):
        return None
    matches = difflib.get_close_matches(str(name).lower(), [str(o) for o in options], n=1, cutoff=0.5)
    return matches[0] if matches else None


def unknown_name_error(kind, name, options, masculine=False):
    """Construye el error para un nombre desconocido, sugiriendo el más cercano.

    ``masculine`` concuerda el adjetivo con ``kind`` («optimizador desconocido»).

    >>> str(unknown_name_error("activación", "rleu", ["relu", "tanh"]))[:40]
    "Activación desconocida: 'rleu'. ¿Quisist"
    """
    valid = ", ".join(f"'{o}'" for o in sorted(options))
    suggestion = closest(name, options)
    hint = f" ¿Quisiste decir '{suggestion}'?" if suggestion else ""
    if is_keras_identifier(name):
        hint = " Es un nombre de Keras, pero course_lib no lo tiene."
    adjective = "desconocido" if masculine else "desconocida"
    return CourseError(f"{kind[0].upper()}{kind[1:]} {adjective}: {name!r}.{hint} Opciones válidas: {valid}.")


def describe(x):
    """Descripción breve de lo recibido, para los mensajes de error."""
    if isinstance(x, np.ndarray):
        return f"un array de forma {x.shape} y tipo {x.dtype}"
    if isinstance(x, (list, tuple)):
        return f"una {'lista' if isinstance(x, list) else 'tupla'} de longitud {len(x)}"
    return f"un valor de tipo {type(x).__name__}"


def as_float_array(x, name, dtype=None):
    """Convierte ``x`` (array, lista, DataFrame…) en un array de números reales finitos.

    Errores claros si hay texto, valores que no son números, NaN o infinitos.
    """
    if dtype is None:
        dtype = config.floatx()
    if hasattr(x, "to_numpy"):  # pandas
        x = x.to_numpy()
    try:
        raw = np.asarray(x)
    except ValueError as exc:  # listas de longitudes distintas
        raise CourseError(
            f"{name}: no se pudo convertir en un array rectangular ({exc}). "
            "Comprueba que todas las filas tienen el mismo número de elementos."
        ) from None
    if raw.dtype.kind in "USO":
        try:
            raw = raw.astype(dtype)
        except (ValueError, TypeError):
            example = next((v for v in raw.ravel() if not _is_number(v)), None)
            extra = f" (por ejemplo {str(example)!r})" if example is not None else ""
            raise CourseTypeError(
                f"{name}: se esperaban números, pero se recibió texto u objetos{extra}. "
                "Convierte las columnas categóricas a números (por ejemplo con one-hot) "
                "antes de entrenar."
            ) from None
    if raw.dtype.kind not in "biuf":
        raise CourseTypeError(f"{name}: se esperaban números reales, pero se recibió {describe(raw)}.")
    arr = raw.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise CourseError(
            f"{name}: contiene {_count(n_nan, 'valor NaN', 'valores NaN')} y "
            f"{_count(n_inf, 'valor infinito', 'valores infinitos')}. Se esperaban solo números "
            "finitos. Imputa o elimina los valores faltantes antes de entrenar "
            "(por ejemplo con SimpleImputer o DataFrame.dropna())."
        )
    return arr


def _is_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _count(n, singular, plural):
    return f"{n} {singular if n == 1 else plural}"


def check_positive_int(value, name, minimum=1):
    """Comprueba que ``value`` es un entero >= ``minimum`` y lo devuelve como ``int``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise CourseError(f"{name} debe ser un número entero mayor o igual que {minimum}; se recibió {value!r}.")
    return int(value)


def check_number(value, name, low=None, high=None, low_inclusive=True, high_inclusive=True):
    """Comprueba que ``value`` es un número real finito dentro del intervalo indicado."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = ok and np.isfinite(value)
    if ok and low is not None:
        ok = value >= low if low_inclusive else value > low
    if ok and high is not None:
        ok = value <= high if high_inclusive else value < high
    if not ok:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        interval = f"{left}{'-∞' if low is None else low}, {'+∞' if high is None else high}{right}"
        raise CourseError(f"{name} debe ser un número en {interval}; se recibió {value!r}.")
    return float(value)


def check_same_length(x, y, x_name="x", y_name="y"):
    """Comprueba que entradas y etiquetas tienen el mismo número de ejemplos."""
    if len(x) != len(y):
        raise CourseError(
            f"{x_name} y {y_name} deben tener el mismo número de ejemplos: "
            f"{x_name} tiene {len(x)} y {y_name} tiene {len(y)}."
        )
