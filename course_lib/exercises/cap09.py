"""Ejercicios del capítulo 09: la operación de convolución.

Los tres ejercicios de programar aplican las ideas del cuaderno (el tamaño de la salida, el recuento de
parámetros, recorrer la imagen con el filtro) a variantes que el cuaderno no resuelve y que se usan de
verdad: la convolución dilatada (WaveNet, DeepLab), la separable en profundidad (MobileNet, Xception) y la
traspuesta (los decodificadores, las U-Net y los generadores de las GAN).
"""

import math

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close
from ._comun import PARAMETER_COUNTERS

# --- 09.1 — ¿Qué es kernel_size? -------------------------------------------------------------------

OPCIONES_KERNEL = [
    "el alto y el ancho del filtro",
    "el tamaño del mapa de características",
    "el número de filtros",
    "el número de píxeles que avanza el filtro",
]
SINONIMOS_KERNEL = {
    "el tamaño del filtro": "el alto y el ancho del filtro",
    "las dimensiones del filtro": "el alto y el ancho del filtro",
    "el tamaño del kernel": "el alto y el ancho del filtro",
    "alto y ancho del kernel": "el alto y el ancho del filtro",
    "el lado del filtro": "el alto y el ancho del filtro",
    "el tamaño de la ventana": "el alto y el ancho del filtro",
    "kernel size": "el alto y el ancho del filtro",
    "filter size": "el alto y el ancho del filtro",
    "el tamaño de la salida": "el tamaño del mapa de características",
    "el tamaño del mapa de activación": "el tamaño del mapa de características",
    "filters": "el número de filtros",
    "el número de canales de salida": "el número de filtros",
    "el paso": "el número de píxeles que avanza el filtro",
    "strides": "el número de píxeles que avanza el filtro",
    "stride": "el número de píxeles que avanza el filtro",
}
EXPLICACIONES_KERNEL = {
    "el tamaño del mapa de características": (
        "el mapa de características es la SALIDA de aplicar el filtro; su tamaño sale de ⌊(n + 2p − f)/s⌋ + 1."
    ),
    "el número de filtros": "el número de filtros es el argumento filters (el primero de Conv2D).",
    "el número de píxeles que avanza el filtro": "eso es el paso, strides.",
}


def _verify_kernel(answer):
    expect_choice(answer, "el alto y el ancho del filtro", OPCIONES_KERNEL, EXPLICACIONES_KERNEL,
                  synonyms=SINONIMOS_KERNEL)


# --- 09.2 — Tamaño de la salida de una convolución DILATADA ---------------------------------------------
#      Un filtro f×f con dilatación d deja d − 1 huecos entre sus pesos: cubre una ventana de lado
#      f_ef = d·(f − 1) + 1, y la salida mide ⌊(n + 2p − f_ef)/s⌋ + 1 (con d = 1, la fórmula de siempre).

def tamano_salida_dilatada(n, f, p=0, s=1, d=1):
    """Lado de la salida de una convolución con dilatación d: ⌊(n + 2p − d·(f − 1) − 1)/s⌋ + 1."""
    return (n + 2 * p - d * (f - 1) - 1) // s + 1


# (n, f, p, s, d): casos con d = 1 (la fórmula de la sección 6), dilataciones y divisiones no exactas.
_CASOS_TAMANO = [(7, 3, 0, 1, 1), (7, 3, 0, 1, 2), (7, 3, 2, 1, 2), (32, 3, 0, 1, 4), (28, 5, 0, 2, 2),
                 (10, 3, 1, 3, 2), (64, 3, 6, 1, 6), (9, 2, 0, 1, 3), (224, 7, 3, 2, 1)]


def _tamanos(formula):
    return [formula(*caso) for caso in _CASOS_TAMANO]


def _verify_tamano(function):
    got = [call(function, n, f, p, s, d) for n, f, p, s, d in _CASOS_TAMANO]
    expect_close(
        got,
        _tamanos(tamano_salida_dilatada),
        name="el tamaño de salida",
        mistakes=[
            (_tamanos(lambda n, f, p, s, d: (n + 2 * p - f) // s + 1),
             "ignoras la dilatación d: con d > 1 el filtro sigue teniendo f×f pesos, pero ocupa una ventana más "
             "grande de la entrada, y esa ventana es la que tiene que caber."),
            (_tamanos(lambda n, f, p, s, d: (n + 2 * p - d * f) // s + 1),
             "la ventana no mide d·f: entre f pesos hay f − 1 huecos, y cada hueco ocupa d − 1 píxeles. Dibuja un "
             "filtro de 3 con d = 2 y cuenta los píxeles que cubre."),
            (_tamanos(lambda n, f, p, s, d: (n + 2 * p - d * (f - 1)) // s + 1),
             "te sobra una posición: la ventana de un filtro dilatado mide d·(f − 1) + 1 píxeles (con d = 1 debe "
             "salir la fórmula de siempre, con f)."),
            (_tamanos(lambda n, f, p, s, d: (n + 2 * p - f) // (s * d) + 1),
             "la dilatación no cambia el paso: separa los pesos del filtro, no las posiciones en las que se aplica."),
            ([(n + 2 * p - d * (f - 1) - 1) / s + 1 for n, f, p, s, d in _CASOS_TAMANO],
             "falta redondear hacia abajo: si el último salto no cabe entero, esa posición no existe (⌊·⌋, la "
             "división entera //)."),
            (_tamanos(lambda n, f, p, s, d: math.ceil((n + 2 * p - d * (f - 1) - 1) / s) + 1),
             "redondeas hacia arriba: es ⌊·⌋ (hacia abajo), porque la ventana tiene que caber entera."),
        ],
    )
    no_enteros = [valor for valor in got if not isinstance(valor, (int, np.integer)) or isinstance(valor, bool)]
    if no_enteros:
        raise Incorrect(f"los valores son correctos, pero devuelves {type(no_enteros[0]).__name__} ({no_enteros[0]!r}) "
                        "y se pide un entero (int): un lado mide 5 píxeles, no 5.0. Usa la división entera // o int(...).")


def _fresh_tamano(rng):
    f = int(rng.integers(1, 8))
    d = int(rng.integers(1, 6))
    return int(rng.integers(d * (f - 1) + 1, 300)), f, int(rng.integers(0, 4)), int(rng.integers(1, 4)), d


# --- 09.3 — Parámetros de una convolución SEPARABLE en profundidad (SeparableConv2D de Keras) ----------
#      Parte en profundidad: un filtro f×f por canal de entrada (f·f·C). Parte punto a punto: una
#      convolución 1×1 que mezcla los C canales en los F filtros (C·F pesos + F sesgos). Keras pone sesgos
#      solo en la parte punto a punto.

def parametros_separable(f, canales_entrada, filtros):
    """f·f·C (en profundidad, sin sesgo) + C·F + F (punto a punto, con un sesgo por filtro)."""
    return f * f * canales_entrada + canales_entrada * filtros + filtros


_CASOS_SEPARABLE = [(3, 3, 8), (3, 32, 64), (5, 16, 16), (1, 8, 4), (7, 3, 32), (3, 64, 128)]


def _verify_separable(function):
    got = [call(function, f, c, k) for f, c, k in _CASOS_SEPARABLE]
    expect_close(
        got,
        [parametros_separable(*caso) for caso in _CASOS_SEPARABLE],
        name="el número de parámetros",
        mistakes=[
            ([(f * f * c + 1) * k for f, c, k in _CASOS_SEPARABLE],
             "eso es una Conv2D normal (la sección 7): cada uno de los F filtros mira los C canales a la vez. La "
             "separable hace dos pasos: un filtro f×f por canal, y después una 1×1 que mezcla los canales."),
            ([f * f * c + c + c * k + k for f, c, k in _CASOS_SEPARABLE],
             "contaste también un sesgo por canal en la parte en profundidad: es lo que sale si la construyes con dos "
             "capas con sesgo (DepthwiseConv2D + Conv2D 1×1); SeparableConv2D solo lleva los sesgos de la parte "
             "punto a punto, uno por filtro."),
            ([f * f * c + c * k for f, c, k in _CASOS_SEPARABLE],
             "olvidaste los sesgos de la parte punto a punto: uno por filtro de salida."),
            ([f * f * c * k + c * k + k for f, c, k in _CASOS_SEPARABLE],
             "en la parte en profundidad hay UN filtro f×f por canal de entrada, no uno por canal y filtro de salida."),
            ([f * f * c + k for f, c, k in _CASOS_SEPARABLE],
             "falta la parte punto a punto: la convolución 1×1 que convierte los C canales en F tiene C·F pesos."),
            ([f * c + c * k + k for f, c, k in _CASOS_SEPARABLE],
             "el filtro de la parte en profundidad es f×f: f·f pesos por canal, no f."),
        ],
    )


def _fresh_separable(rng):
    return int(rng.choice([1, 3, 5, 7])), int(rng.integers(1, 200)), int(rng.integers(1, 300))


# --- 09.4 — La convolución TRASPUESTA de un canal, con paso s ------------------------------------------
#      Cada píxel de la entrada reparte su valor, multiplicado por el filtro, sobre una ventana de la
#      salida; la ventana del píxel (i, j) empieza en (i·s, j·s) y, donde se solapan, se suma.
#      Salida: ((alto − 1)·s + fh) × ((ancho − 1)·s + fw). Es ConvTranspose2d de PyTorch sin relleno.

def convolucion_traspuesta(x, filtro, s):
    x = np.asarray(x, dtype=float)
    filtro = np.asarray(filtro, dtype=float)
    fh, fw = filtro.shape
    salida = np.zeros(((x.shape[0] - 1) * s + fh, (x.shape[1] - 1) * s + fw))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            salida[i * s:i * s + fh, j * s:j * s + fw] += x[i, j] * filtro
    return salida


def _traspuesta_sin_sumar(x, filtro, s):
    """Error típico: escribir cada ventana con = en lugar de sumarla con +=."""
    fh, fw = filtro.shape
    salida = np.zeros(((x.shape[0] - 1) * s + fh, (x.shape[1] - 1) * s + fw))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            salida[i * s:i * s + fh, j * s:j * s + fw] = x[i, j] * filtro
    return salida


def _traspuesta_sin_paso(x, filtro, s):
    return convolucion_traspuesta(x, filtro, 1)


def _casos_traspuesta():
    rng = np.random.default_rng(9)
    return [
        (rng.integers(-3, 4, (3, 3)).astype(float), np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 1.0], [0.0, 1.0, -2.0]]), 2),
        (rng.normal(size=(2, 4)), np.array([[1.0, -1.0], [2.0, 0.5]]), 2),
        (rng.normal(size=(3, 2)), np.array([[0.5, 1.0, -1.0], [2.0, 0.0, 1.0]]), 1),
        (rng.normal(size=(2, 3)), np.array([[1.0, 2.0], [3.0, -1.0]]), 3),
    ]


def _verify_traspuesta(function):
    for x, filtro, s in _casos_traspuesta():
        got = np.asarray(call(function, x.copy(), filtro.copy(), s), dtype=float)
        expected = convolucion_traspuesta(x, filtro, s)
        if got.shape != expected.shape:
            if got.shape == (x.shape[0] * s, x.shape[1] * s):
                raise Incorrect(f"la salida mide {got.shape}: (alto·s, ancho·s) solo vale cuando el filtro mide lo "
                                "mismo que el paso. La última ventana empieza en (alto − 1)·s y ocupa fh píxeles.")
            if x.shape[0] > filtro.shape[0] and got.shape == (x.shape[0] - filtro.shape[0] + 1,
                                                              x.shape[1] - filtro.shape[1] + 1):
                raise Incorrect("la salida es más pequeña que la entrada: eso es una convolución normal. La traspuesta "
                                "agranda: cada píxel de la entrada se reparte sobre una ventana de la salida.")
            raise Incorrect(f"con una entrada {x.shape}, un filtro {filtro.shape} y paso {s}, la forma de la salida "
                            f"{got.shape} no es correcta: la ventana del último píxel empieza en (alto − 1)·s.")
        expect_close(
            got,
            expected,
            name=f"la convolución traspuesta de una entrada {x.shape} con un filtro {filtro.shape} y paso {s}",
            mistakes=[
                (_traspuesta_sin_sumar(x, filtro, s),
                 "donde las ventanas se solapan hay que SUMAR las contribuciones (+=); con = cada ventana borra lo que "
                 "dejó la anterior."),
                (convolucion_traspuesta(x, filtro[::-1, ::-1], s),
                 "volteaste el filtro: la traspuesta de las redes (ConvTranspose2d, Conv2DTranspose) usa el filtro tal "
                 "cual; es la operación que lleva el gradiente de una correlación cruzada de vuelta a su entrada."),
            ],
        )


def _fresh_traspuesta(rng):
    return (rng.normal(size=(int(rng.integers(1, 5)), int(rng.integers(1, 5)))),
            rng.normal(size=(int(rng.integers(1, 4)), int(rng.integers(1, 4)))), int(rng.integers(1, 4)))


EXERCISES = [
    Exercise(
        id="09.1",
        title="¿Qué es kernel_size?",
        verify=_verify_kernel,
        solution="el alto y el ancho del filtro",
        hint=("en Conv2D(32, kernel_size=3), ¿qué es lo que mide 3×3?",
              "repasa la lista de argumentos de Conv2D de la sección 6: uno dice cuántos filtros hay, otro cuánto "
              "avanza cada uno y otro cómo es cada filtro."),
        mistakes=[
            ("el tamaño del mapa de características", "SALIDA"),
            ("el número de filtros", "filters"),
            ("strides", "paso"),
            ("3x3", "debe ser una de"),
        ],
    ),
    Exercise(
        id="09.2",
        title="Tamaño de la salida de una convolución dilatada",
        verify=_verify_tamano,
        solution=tamano_salida_dilatada,
        hint=("la dilatación no cambia cuántos pesos tiene el filtro, sino cuánto espacio de la entrada ocupa; la "
              "fórmula de la sección 6 sigue valiendo si pones en lugar de f el lado de esa ventana.",
              "dibuja un filtro de 3 pesos con d = 2 sobre una fila de píxeles y cuenta cuántos píxeles hay desde el "
              "primer peso hasta el último, huecos incluidos; generaliza a f y d. Con d = 1 debe salir f."),
        mistakes=[
            (lambda n, f, p=0, s=1, d=1: (n + 2 * p - f) // s + 1, "ignoras la dilatación"),
            (lambda n, f, p=0, s=1, d=1: (n + 2 * p - d * f) // s + 1, "no mide d·f"),
            (lambda n, f, p=0, s=1, d=1: (n + 2 * p - d * (f - 1)) // s + 1, "sobra una posición"),
            (lambda n, f, p=0, s=1, d=1: (n + 2 * p - f) // (s * d) + 1, "no cambia el paso"),
            (lambda n, f, p=0, s=1, d=1: (n + 2 * p - d * (f - 1) - 1) / s + 1, "redondear hacia abajo"),
            (lambda n, f, p=0, s=1, d=1: float((n + 2 * p - d * (f - 1) - 1) // s + 1), "se pide un entero"),
        ],
        fresh=_fresh_tamano,
        forbidden=("course_lib.nn.conv2d_output_size", "course_lib.nn.padding_amounts"),
    ),
    Exercise(
        id="09.3",
        title="Parámetros de una convolución separable",
        verify=_verify_separable,
        solution=parametros_separable,
        hint=("cuenta por separado las dos capas en que se descompone: la de «en profundidad» (un filtro f×f para "
              "cada canal de entrada, que no mezcla canales) y la de «punto a punto» (una Conv2D 1×1).",
              "para la parte punto a punto vale la fórmula de la sección 7 con f = 1; para la parte en profundidad, "
              "piensa cuántos filtros hay y cuántos pesos tiene cada uno. Los sesgos, solo donde dice el enunciado."),
        mistakes=[
            (lambda f, c, k: (f * f * c + 1) * k, "Conv2D normal"),
            (lambda f, c, k: f * f * c + c + c * k + k, "un sesgo por canal"),
            (lambda f, c, k: f * f * c + c * k, "olvidaste los sesgos"),
            (lambda f, c, k: f * f * c * k + c * k + k, "UN filtro f×f por canal"),
            (lambda f, c, k: f * f * c + k, "falta la parte punto a punto"),
        ],
        fresh=_fresh_separable,
        forbidden=PARAMETER_COUNTERS,
    ),
    Exercise(
        id="09.4",
        title="La convolución traspuesta",
        verify=_verify_traspuesta,
        solution=convolucion_traspuesta,
        hint=("al revés que una convolución: en lugar de que cada píxel de SALIDA recoja una ventana de la entrada, "
              "cada píxel de ENTRADA reparte su valor, multiplicado por el filtro, sobre una ventana de la salida.",
              "empieza por la forma de la salida (¿dónde empieza la ventana del último píxel y cuánto mide?) y crea "
              "un array de ceros; recorre los píxeles de x y suma en cada ventana su contribución, porque las "
              "ventanas se solapan cuando s < f."),
        mistakes=[
            (_traspuesta_sin_sumar, "SUMAR"),
            (lambda x, k, s: convolucion_traspuesta(x, k[::-1, ::-1], s), "volteaste el filtro"),
            (_traspuesta_sin_paso, "la forma de la salida"),
            (lambda x, k, s: np.kron(x, np.ones((s, s))), "(alto·s, ancho·s)"),
        ],
        fresh=_fresh_traspuesta,
        forbidden=("scipy.signal.convolve2d", "scipy.signal.correlate2d", "scipy.signal.convolve",
                   "scipy.ndimage.convolve", "torch.nn.functional.conv_transpose2d",
                   "course_lib.nn.Conv2DTranspose", "course_lib.nn.conv2d"),
    ),
]
