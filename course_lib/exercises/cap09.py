"""Ejercicios del capítulo 09: la operación de convolución."""

import math

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close

# --- 09.1 — ¿Qué es kernel_size? -------------------------------------------------------------------

OPCIONES_KERNEL = [
    "el alto y el ancho del filtro",
    "el tamaño del mapa de características",
    "el número de filtros",
    "el número de píxeles que avanza el filtro",
]
EXPLICACIONES_KERNEL = {
    "el tamaño del mapa de características": (
        "el mapa de características es la SALIDA de aplicar el filtro; su tamaño sale de ⌊(n + 2p − f)/s⌋ + 1."
    ),
    "el número de filtros": "el número de filtros es el argumento filters (el primero de Conv2D).",
    "el número de píxeles que avanza el filtro": "eso es el paso, strides.",
}


def _verify_kernel(answer):
    expect_choice(answer, "el alto y el ancho del filtro", OPCIONES_KERNEL, EXPLICACIONES_KERNEL)


# --- 09.2 — Tamaño de salida -------------------------------------------------------------------------

def tamano_salida(n, f, p=0, s=1):
    """Lado de la salida de una convolución: ⌊(n + 2p − f)/s⌋ + 1."""
    return (n + 2 * p - f) // s + 1


# (n, f, p, s): los ejemplos de los apuntes (7×7 con f = 3) y casos en que la división no es exacta.
_CASOS_TAMANO = [(7, 3, 0, 1), (7, 3, 1, 1), (7, 3, 0, 2), (7, 3, 1, 2), (8, 3, 0, 2), (32, 5, 0, 1),
                 (28, 5, 2, 1), (10, 4, 1, 3), (224, 7, 3, 2)]


def _verify_tamano(function):
    got = [call(function, n, f, p, s) for n, f, p, s in _CASOS_TAMANO]
    expected = [tamano_salida(*caso) for caso in _CASOS_TAMANO]
    expect_close(
        got,
        expected,
        name="el tamaño de salida",
        mistakes=[
            ([(n + 2 * p - f) / s + 1 for n, f, p, s in _CASOS_TAMANO],
             "falta redondear hacia abajo: cuando (n + 2p − f)/s no es entero, el filtro no cabe en una posición "
             "más; usa la división entera // (⌊·⌋)."),
            ([(n + p - f) // s + 1 for n, f, p, s in _CASOS_TAMANO],
             "el relleno p se añade a CADA lado: la entrada rellenada mide n + 2p, no n + p."),
            ([(n + 2 * p - f) // s for n, f, p, s in _CASOS_TAMANO],
             "falta el + 1: la primera posición del filtro también cuenta (7 − 3 = 4 saltos, pero 5 posiciones)."),
            ([math.ceil((n + 2 * p - f) / s) + 1 for n, f, p, s in _CASOS_TAMANO],
             "redondeas hacia arriba: es ⌊·⌋ (hacia abajo), porque el filtro tiene que caber entero."),
            ([(n + 2 * p - f + 1) // s for n, f, p, s in _CASOS_TAMANO],
             "el + 1 va fuera de la división: ⌊(n + 2p − f)/s⌋ + 1."),
            ([(n - 2 * p - f) // s + 1 for n, f, p, s in _CASOS_TAMANO],
             "el relleno agranda la entrada: se suma 2p, no se resta."),
        ],
    )
    no_enteros = [valor for valor in got if not isinstance(valor, (int, np.integer)) or isinstance(valor, bool)]
    if no_enteros:
        raise Incorrect(f"los valores son correctos, pero devuelves {type(no_enteros[0]).__name__} ({no_enteros[0]!r}) "
                        "y se pide un entero (int): un lado mide 5 píxeles, no 5.0. Usa la división entera // o int(...).")


# --- 09.3 — Parámetros de una capa convolucional -------------------------------------------------------

def parametros_conv(f, canales_entrada, filtros):
    """Parámetros de Conv2D con filtros f×f: (f·f·C_entrada + 1)·filtros (un sesgo por filtro)."""
    return (f * f * canales_entrada + 1) * filtros


_CASOS_CONV = [(5, 3, 8), (5, 8, 16), (3, 1, 32), (3, 64, 128), (1, 16, 4), (7, 3, 64)]


def _verify_parametros_conv(function):
    got = [call(function, f, c, k) for f, c, k in _CASOS_CONV]
    expect_close(
        got,
        [parametros_conv(*caso) for caso in _CASOS_CONV],
        name="el número de parámetros",
        mistakes=[
            ([(f * f + 1) * k for f, c, k in _CASOS_CONV],
             "olvidaste la profundidad del filtro: cada filtro tiene f·f pesos POR CANAL de entrada (f·f·C_entrada)."),
            ([f * f * c * k for f, c, k in _CASOS_CONV],
             "olvidaste los sesgos: uno por filtro (+ filtros)."),
            ([(f * f + 1) * c * k for f, c, k in _CASOS_CONV],
             "hay un sesgo por filtro, no uno por canal y filtro: (f·f·C_entrada + 1)·filtros."),
            ([(f * f * c + 1) for f, c, k in _CASOS_CONV], "eso es un solo filtro: multiplica por el número de filtros."),
            ([(2 * f * c + 1) * k for f, c, k in _CASOS_CONV], "el filtro es f×f (f·f pesos por canal), no 2·f."),
        ],
    )


# --- 09.4 — Convolución 2-D de un canal ------------------------------------------------------------------

def convolucion2d(imagen, filtro):
    """Correlación cruzada «valid» con paso 1: S[i, j] = Σ_m Σ_n I[i + m, j + n]·K[m, n]."""
    imagen = np.asarray(imagen, dtype=float)
    filtro = np.asarray(filtro, dtype=float)
    fh, fw = filtro.shape
    alto, ancho = imagen.shape[0] - fh + 1, imagen.shape[1] - fw + 1
    salida = np.zeros((alto, ancho))
    for i in range(alto):
        for j in range(ancho):
            salida[i, j] = np.sum(imagen[i:i + fh, j:j + fw] * filtro)
    return salida


def _convolucion_same(imagen, filtro):
    fh, fw = filtro.shape
    rellena = np.pad(imagen, ((fh // 2, fh // 2), (fw // 2, fw // 2)))
    return convolucion2d(rellena, filtro)


def _casos_convolucion():
    rng = np.random.default_rng(9)
    return [
        (rng.integers(0, 10, (5, 6)).astype(float), np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])),
        (rng.integers(0, 10, (7, 7)).astype(float), np.array([[0.0, 1.0, 2.0], [-1.0, 3.0, 0.5], [2.0, -2.0, 1.0]])),
        (rng.normal(size=(6, 8)), np.array([[1.0, -1.0], [0.5, 2.0]])),
    ]


def _verify_convolucion(function):
    for imagen, filtro in _casos_convolucion():
        got = np.asarray(call(function, imagen.copy(), filtro.copy()), dtype=float)
        expected = convolucion2d(imagen, filtro)
        alto, ancho = expected.shape
        if got.shape == imagen.shape:
            raise Incorrect(f"la salida tiene la forma de la entrada {imagen.shape}: se pide la convolución «valid», "
                            f"sin relleno, que mide (n − f + 1) en cada eje: {expected.shape}.")
        if got.shape == (alto - 1, ancho - 1):
            raise Incorrect(f"la salida tiene forma {got.shape} y debería ser {expected.shape}: te falta la última "
                            "posición; los bucles deben recorrer range(n − f + 1).")
        expect_close(
            got,
            expected,
            name=f"la convolución de una imagen {imagen.shape} con un filtro {filtro.shape}",
            mistakes=[
                (convolucion2d(imagen, filtro[::-1, ::-1]),
                 "volteaste el filtro: eso es la convolución matemática (scipy.signal.convolve2d). Las redes usan la "
                 "correlación cruzada, sin voltear: S[i, j] = Σ I[i + m, j + n]·K[m, n]."),
                (convolucion2d(imagen, filtro.T) if filtro.shape[0] == filtro.shape[1] else np.full(expected.shape, np.nan),
                 "usaste el filtro traspuesto: K[m, n] multiplica a I[i + m, j + n] (m filas, n columnas)."),
            ],
        )


EXERCISES = [
    Exercise(
        id="09.1",
        title="¿Qué es kernel_size?",
        verify=_verify_kernel,
        solution="el alto y el ancho del filtro",
        hint="en Conv2D(32, kernel_size=3), ¿qué mide 3×3?",
        mistakes=[
            ("el tamaño del mapa de características", "SALIDA"),
            ("el número de filtros", "filters"),
            ("el número de píxeles que avanza el filtro", "strides"),
            ("3x3", "debe ser una de"),
        ],
    ),
    Exercise(
        id="09.2",
        title="Tamaño de la salida de una convolución",
        verify=_verify_tamano,
        solution=tamano_salida,
        hint="⌊(n + 2p − f)/s⌋ + 1; en Python, la división entera es //.",
        mistakes=[
            (lambda n, f, p=0, s=1: (n + 2 * p - f) / s + 1, "redondear hacia abajo"),
            (lambda n, f, p=0, s=1: (n + p - f) // s + 1, "CADA lado"),
            (lambda n, f, p=0, s=1: (n + 2 * p - f) // s, "falta el + 1"),
            (lambda n, f, p=0, s=1: math.ceil((n + 2 * p - f) / s) + 1, "hacia arriba"),
            (lambda n, f, p=0, s=1: (n + 2 * p - f + 1) // s, "fuera de la división"),
            (lambda n, f, p=0, s=1: (n - 2 * p - f) // s + 1, "se suma 2p"),
            (lambda n, f, p=0, s=1: float((n + 2 * p - f) // s + 1), "se pide un entero"),
            (lambda n, f, p=0, s=1: np.floor((n + 2 * p - f) / s) + 1, "se pide un entero"),
        ],
    ),
    Exercise(
        id="09.3",
        title="Parámetros de una capa convolucional",
        verify=_verify_parametros_conv,
        solution=parametros_conv,
        hint="cada filtro tiene f·f·C_entrada pesos y un sesgo.",
        mistakes=[
            (lambda f, c, k: (f * f + 1) * k, "profundidad del filtro"),
            (lambda f, c, k: f * f * c * k, "olvidaste los sesgos"),
            (lambda f, c, k: (f * f + 1) * c * k, "uno por canal"),
            (lambda f, c, k: f * f * c + 1, "un solo filtro"),
            (lambda f, c, k: (2 * f * c + 1) * k, "no 2·f"),
        ],
    ),
    Exercise(
        id="09.4",
        title="Convolución 2-D de un canal",
        verify=_verify_convolucion,
        solution=convolucion2d,
        hint="recorre i en range(alto − fh + 1) y j en range(ancho − fw + 1) y suma imagen[i:i+fh, j:j+fw] * filtro.",
        mistakes=[
            (lambda im, k: convolucion2d(im, k[::-1, ::-1]), "volteaste el filtro"),
            (lambda im, k: convolucion2d(im, k.T), "traspuesto"),
            (_convolucion_same, "«valid»"),
            (lambda im, k: convolucion2d(im, k)[:-1, :-1], "última posición"),
            (lambda im, k: convolucion2d(im, k).T, "traspuesta"),
        ],
    ),
]
