"""``keras.random``: números aleatorios con los nombres de Keras, sacados del generador del motor.

Sin ``seed``, cada llamada usa el generador del motor (el que fija ``keras.utils.set_random_seed``),
así que un programa con semilla es reproducible. Con ``seed=entero``, la llamada es reproducible
por sí sola (misma semilla, mismos números). Los números no coinciden con los de Keras: cada
biblioteca tiene su propio generador.
"""

import numpy as np

from . import config
from .validation import CourseError, check_number

__all__ = ["normal", "uniform", "randint", "truncated_normal", "shuffle", "dropout", "categorical", "SeedGenerator"]


class SeedGenerator:
    """Un generador con su propia semilla (``keras.random.SeedGenerator``): pásalo como ``seed=`` para
    que una serie de llamadas sea reproducible sin tocar el generador del motor."""

    def __init__(self, seed=None, name=None, **kwargs):
        self.seed = seed
        self.name = name
        self.generator = np.random.default_rng(seed)


def _generator(seed):
    if seed is None:
        return config.rng()
    if isinstance(seed, SeedGenerator):
        return seed.generator
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CourseError(f"seed debe ser un entero no negativo, un SeedGenerator o None; se recibió {seed!r}.")
    return np.random.default_rng(int(seed))


def _shape(shape):
    try:
        shape = tuple(int(n) for n in (shape if hasattr(shape, "__len__") else (shape,)))
    except (TypeError, ValueError):
        shape = None
    if shape is None or any(n < 0 for n in shape):
        raise CourseError(
            "shape debe ser una tupla de enteros conocidos, p. ej. (32, 10); con un tensor simbólico, cuyo lote "
            "aún no se conoce, escribe una capa propia que sortee el ruido en su forward."
        )
    return shape


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Muestras de una normal N(mean, stddev²) con la forma ``shape``."""
    check_number(stddev, "normal: stddev", low=0.0)
    values = _generator(seed).normal(mean, stddev, size=_shape(shape))
    return values.astype(dtype or config.floatx())


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Muestras uniformes en [minval, maxval) con la forma ``shape``."""
    values = _generator(seed).uniform(minval, maxval, size=_shape(shape))
    return values.astype(dtype or config.floatx())


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Enteros uniformes en [minval, maxval) con la forma ``shape``."""
    return _generator(seed).integers(minval, maxval, size=_shape(shape)).astype(dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal N(mean, stddev²) truncada: las muestras a más de 2 desviaciones de la media se vuelven a sortear."""
    shape, generator = _shape(shape), _generator(seed)
    values = generator.normal(size=shape)
    outside = np.abs(values) > 2
    while np.any(outside):
        values[outside] = generator.normal(size=int(outside.sum()))
        outside = np.abs(values) > 2
    return (mean + stddev * values).astype(dtype or config.floatx())


def shuffle(x, axis=0, seed=None):
    """Los elementos de ``x`` en otro orden a lo largo de ``axis`` (una permutación al azar)."""
    x = np.asarray(x)
    order = _generator(seed).permutation(x.shape[axis])
    return np.take(x, order, axis=axis)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Dropout invertido: cada valor se anula con probabilidad ``rate`` y los demás se dividen entre 1 − rate."""
    rate = check_number(rate, "dropout: rate", low=0.0, high=1.0, high_inclusive=False)
    inputs = np.asarray(inputs)
    keep = _generator(seed).random(noise_shape or inputs.shape) >= rate
    return np.where(keep, inputs / (1 - rate), 0).astype(inputs.dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Para cada fila de ``logits`` (N, K), ``num_samples`` clases sorteadas con probabilidad softmax(logits)."""
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise CourseError(f"categorical: logits debe tener forma (N, K); se recibió forma {logits.shape}.")
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    # Muestreo por la inversa de la distribución acumulada: la clase k si F(k−1) ≤ u < F(k), u ~ U[0, 1).
    cumulative = np.cumsum(probabilities, axis=1)
    u = _generator(seed).random((len(logits), num_samples))
    classes = np.sum(u[:, :, None] >= cumulative[:, None, :], axis=-1)
    return np.minimum(classes, logits.shape[1] - 1).astype(dtype)
