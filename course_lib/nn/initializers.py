"""Inicialización de pesos (Glorot/Xavier, He, ceros), con las fórmulas de Keras.

Los valores aleatorios salen del generador del motor, ``config.rng()``: después de
``set_seed(s)`` los pesos iniciales son reproducibles.

fan_in y fan_out son el número de entradas y de salidas de cada neurona:
- núcleo de Dense, forma (entradas, unidades): fan_in = entradas, fan_out = unidades;
- núcleo de Conv2D, forma (kh, kw, canales, filtros): fan_in = kh·kw·canales, fan_out = kh·kw·filtros.
"""

import numpy as np

from . import config
from .validation import CourseTypeError, unknown_name_error


def compute_fans(shape):
    """(fan_in, fan_out) de un núcleo de forma ``shape``, como en Keras."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = int(np.prod(shape[:-2]))  # kh·kw en una convolución; 1 en una capa densa
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def zeros(shape):
    """Todos los valores a 0 (sesgos y beta)."""
    return np.zeros(shape, dtype=config.dtype())


def ones(shape):
    """Todos los valores a 1 (gamma de la normalización por lotes)."""
    return np.ones(shape, dtype=config.dtype())


def glorot_uniform(shape):
    """Glorot/Xavier uniforme (defecto de Keras): U(−l, l) con l = √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = compute_fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return config.rng().uniform(-limit, limit, size=shape).astype(config.dtype())


def glorot_normal(shape):
    """Glorot/Xavier normal: normal truncada en ±2σ con varianza 2 / (fan_in + fan_out)."""
    fan_in, fan_out = compute_fans(shape)
    return _truncated_normal(shape, np.sqrt(2.0 / (fan_in + fan_out)))


def he_uniform(shape):
    """He uniforme (para ReLU): U(−l, l) con l = √(6 / fan_in)."""
    fan_in, _ = compute_fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return config.rng().uniform(-limit, limit, size=shape).astype(config.dtype())


def he_normal(shape):
    """He normal (para ReLU): normal truncada en ±2σ con varianza 2 / fan_in."""
    fan_in, _ = compute_fans(shape)
    return _truncated_normal(shape, np.sqrt(2.0 / fan_in))


def orthogonal(shape):
    """Ortogonal (defecto de Keras para la matriz recurrente U): Q de la descomposición QR de una
    matriz normal, con el signo de la diagonal de R para que la distribución sea uniforme.

    Las columnas (o filas) de Q son ortonormales: multiplicar por U no encoge ni estira el estado.
    """
    rows, cols = int(np.prod(shape[:-1])), shape[-1]
    a = config.rng().normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return q.reshape(shape).astype(config.dtype())


def uniform(shape):
    """Uniforme U(−0,05, 0,05) (``keras.initializers.RandomUniform()``, el de Embedding)."""
    return config.rng().uniform(-0.05, 0.05, size=shape).astype(config.dtype())


def _truncated_normal(shape, std):
    """Normal de media 0 truncada en ±2σ cuya desviación típica final es ``std`` (como Keras).

    Truncar en ±2σ reduce la desviación típica en un factor 0,8796; por eso se sortea con σ = std / 0,8796
    y se vuelven a sortear los valores que caen fuera de ±2σ.
    """
    sigma = std / 0.87962566103423978
    values = config.rng().normal(0.0, sigma, size=shape)
    outside = np.abs(values) > 2 * sigma
    while outside.any():
        values[outside] = config.rng().normal(0.0, sigma, size=int(outside.sum()))
        outside = np.abs(values) > 2 * sigma
    return values.astype(config.dtype())


INITIALIZERS = {
    "zeros": zeros,
    "ones": ones,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "orthogonal": orthogonal,
    "uniform": uniform,
    "random_uniform": uniform,
}


def get(identifier):
    """Devuelve la función de inicialización ``f(shape) -> array`` a partir de su nombre (o la misma función)."""
    if callable(identifier):
        return identifier
    if not isinstance(identifier, str):
        raise CourseTypeError(
            "El inicializador debe ser un nombre como 'glorot_uniform' o 'he_normal', o una función "
            f"f(shape) -> array; se recibió un valor de tipo {type(identifier).__name__}."
        )
    if identifier.lower() not in INITIALIZERS:
        raise unknown_name_error("inicialización", identifier, INITIALIZERS)
    return INITIALIZERS[identifier.lower()]


def serialize(initializer):
    """Nombre del inicializador para guardarlo en JSON (las funciones propias se guardan por su nombre)."""
    return initializer if isinstance(initializer, str) else getattr(initializer, "__name__", str(initializer))
