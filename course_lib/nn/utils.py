"""``keras.utils``: utilidades para preparar los datos y el entorno, con los nombres de Keras.

- :func:`to_categorical`: etiquetas enteras → one-hot (de cualquier forma, como en Keras).
- :func:`pad_sequences`: secuencias de longitudes distintas → un array (N, maxlen), rellenando y
  recortando por delante o por detrás.
- :func:`normalize`: cada vector dividido entre su norma.
- :func:`set_random_seed`: una semilla para todo (el motor, NumPy y ``random``).
- :func:`clear_session`: los nombres automáticos de las capas vuelven a empezar.
- :func:`plot_model`: un dibujo del modelo (con matplotlib; Keras usa graphviz, que aquí no hace falta).
"""

import random

import numpy as np

from . import config
from .backend import clear_session
from .losses import to_categorical as _one_hot_vector
from .model_plot import plot_model
from .validation import CourseError, CourseTypeError, check_positive_int, describe

__all__ = ["to_categorical", "pad_sequences", "normalize", "set_random_seed", "clear_session", "plot_model"]


def to_categorical(x, num_classes=None):
    """Codificación one-hot de etiquetas enteras, como ``keras.utils.to_categorical``.

    Una etiqueta k pasa a ser el vector eₖ de longitud K (1 en la posición k, 0 en el resto). ``x``
    puede tener cualquier forma: el resultado añade un eje al final, (…) → (…, K); un último eje de
    tamaño 1, como en (N, 1), se sustituye. K es ``num_classes`` o, si no se da, max(x) + 1.

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    if hasattr(x, "to_numpy"):  # pandas
        x = x.to_numpy()
    try:
        arr = np.asarray(x)
    except ValueError:
        raise CourseError(
            f"to_categorical: se esperaban etiquetas enteras en un array rectangular; se recibió {describe(x)} "
            "con filas de longitudes distintas."
        ) from None
    shape = arr.shape[:-1] if arr.ndim > 1 and arr.shape[-1] == 1 else arr.shape
    one_hot = _one_hot_vector(arr.reshape(-1), num_classes)
    return one_hot.reshape(tuple(shape) + (one_hot.shape[1],))


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Secuencias de longitudes distintas → un array (N, maxlen), como ``keras.utils.pad_sequences``.

    Cada secuencia más corta que ``maxlen`` se rellena con ``value`` (por delante con
    ``padding="pre"``, lo que hace Keras por defecto, o por detrás con ``"post"``); cada secuencia
    más larga se recorta quitando los primeros elementos (``truncating="pre"``) o los últimos
    (``"post"``). Sin ``maxlen``, se usa la longitud de la secuencia más larga.

    >>> pad_sequences([[1, 2, 3], [4, 5]], maxlen=4)
    array([[0, 1, 2, 3],
           [0, 0, 4, 5]], dtype=int32)
    """
    for name, option in (("padding", padding), ("truncating", truncating)):
        if option not in ("pre", "post"):
            raise CourseError(
                f"pad_sequences: {name} debe ser 'pre' (por delante) o 'post' (por detrás); se recibió {option!r}."
            )
    if isinstance(sequences, np.ndarray) and sequences.dtype != object and sequences.ndim >= 2:
        sequences = list(sequences)
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
        raise CourseTypeError(
            "pad_sequences: se esperaba una lista de secuencias (p. ej. [[1, 2, 3], [4, 5]]); "
            f"se recibió {describe(sequences)}."
        )
    arrays = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise CourseTypeError(
                f"pad_sequences: cada elemento debe ser una secuencia (lista o array); el {i} es {describe(seq)}. "
                "Si tienes una sola secuencia, pásala dentro de una lista: pad_sequences([secuencia])."
            )
        arrays.append(np.asarray(seq))
    lengths = [len(a) for a in arrays]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    else:
        maxlen = check_positive_int(maxlen, "pad_sequences: maxlen")
    # Forma de cada elemento (vacía para secuencias de números; (d,) si cada paso es un vector).
    sample_shape = next((a.shape[1:] for a in arrays if len(a)), ())
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if isinstance(value, str) and not is_text:
        raise CourseError(
            f"pad_sequences: value={value!r} es texto, pero dtype={dtype!r} es numérico; usa dtype=object "
            "para rellenar secuencias de texto."
        )
    out = np.full((len(arrays), maxlen) + tuple(sample_shape), value, dtype=dtype)
    for i, a in enumerate(arrays):
        if not len(a):
            continue
        if a.shape[1:] != tuple(sample_shape):
            raise CourseError(
                f"pad_sequences: cada paso de la secuencia {i} tiene forma {a.shape[1:]}, pero los de las anteriores "
                f"tienen forma {tuple(sample_shape)}; deben coincidir."
            )
        trunc = a[-maxlen:] if truncating == "pre" else a[:maxlen]
        if padding == "post":
            out[i, :len(trunc)] = trunc
        else:
            out[i, maxlen - len(trunc):] = trunc
    return out


def normalize(x, axis=-1, order=2):
    """Cada vector de ``x`` a lo largo de ``axis`` dividido entre su norma: x / ‖x‖ₚ (p = ``order``).

    Un vector de ceros se deja igual (norma 0 → se divide entre 1), como en Keras.
    """
    arr = np.asarray(x, dtype=np.result_type(np.asarray(x).dtype, np.float32))
    norm = np.atleast_1d(np.linalg.norm(arr, order, axis))
    norm[norm == 0] = 1
    return arr / np.expand_dims(norm, axis if axis is not None else -1)


def set_random_seed(seed):
    """Fija la semilla de todo lo aleatorio, como ``keras.utils.set_random_seed``.

    El generador del motor (pesos iniciales, barajado de ``fit``, máscaras de Dropout), el global de
    NumPy (``np.random``) y el de Python (``random``): misma semilla, mismos resultados.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CourseError(f"set_random_seed: la semilla debe ser un entero no negativo; se recibió {seed!r}.")
    config.set_seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    random.seed(int(seed))
