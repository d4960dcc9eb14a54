"""Ejercicios del capítulo 10: redes convolucionales."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close

# 10.1 — Parámetros de una Conv2D: (f·f·C_entrada + 1)·filtros.

_CONV_CASES = [(5, 3, 8), (5, 8, 16), (3, 1, 32), (3, 64, 128), (1, 16, 4)]


def conv2d_params(f, c_in, filters):
    return (f * f * c_in + 1) * filters


def _verify_conv2d_params(function):
    for f, c_in, filters in _CONV_CASES:
        got = call(function, f, c_in, filters)
        expect_close(
            got,
            conv2d_params(f, c_in, filters),
            name=f"el número de parámetros con f = {f}, {c_in} canales de entrada y {filters} filtros",
            mistakes=[
                (f * f * c_in * filters, "te faltan los sesgos: cada filtro tiene además un sesgo b (el «+ 1»)."),
                ((f * f + 1) * filters, "cada filtro abarca TODOS los canales de entrada: tiene f·f·C_entrada pesos, "
                                        "no f·f."),
                ((f * f + 1) * c_in * filters, "hay un sesgo por filtro, no uno por canal de entrada: "
                                               "(f·f·C_entrada + 1)·filtros."),
                (f * f * c_in + filters, "cada uno de los filtros tiene sus propios f·f·C_entrada pesos: hay que "
                                         "multiplicar por el número de filtros."),
            ],
        )


# 10.2 — Agrupación máxima 2×2 con paso 2 sobre un lote NHWC.

def max_pool_2x2(x):
    x = np.asarray(x, dtype=float)
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def _avg_pool_2x2(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))


def _wrong_reshape_pool(x):
    # Agrupa píxeles que no son vecinos: reshape sin separar filas y columnas de la ventana.
    n, h, w, c = x.shape
    return x.reshape(n, 2, h // 2, 2, w // 2, c).max(axis=(1, 3))


def _verify_max_pool(function):
    x = np.random.default_rng(10).normal(size=(2, 6, 4, 3))
    got = call(function, x.copy())
    expected = max_pool_2x2(x)
    got_array = np.asarray(got, dtype=float) if not isinstance(got, str) else None
    if got_array is not None and got_array.shape == (2, 3, 2):
        raise Incorrect(
            "la salida tiene forma (N, alto/2, ancho/2) sin canales: el max pooling actúa en cada canal por separado "
            "y conserva la profundidad."
        )
    expect_close(
        got,
        expected,
        name="la salida",
        mistakes=[
            (_avg_pool_2x2(x), "calculaste la media de cada ventana (average pooling); se pide el máximo."),
            (_wrong_reshape_pool(x), "los máximos salen de píxeles que no son vecinos: con reshape, cada ventana "
                                     "2×2 debe quedar en ejes propios, x.reshape(N, alto//2, 2, ancho//2, 2, C)."),
        ],
    )


# 10.3 — Campo receptivo: r ← r + (f − 1)·j ; j ← j·s.

def receptive_field(layers):
    r, j = 1, 1
    for f, s in layers:
        r, j = r + (f - 1) * j, j * s
    return r


_RF_CASES = [
    [(5, 1), (2, 2), (5, 1), (2, 2)],
    [(3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2)],
    [(3, 2), (3, 2), (3, 2)],
    [(7, 2), (3, 2), (3, 1)],
]


def _rf_without_jumps(layers):
    return 1 + sum(f - 1 for f, _ in layers)


def _rf_jump_updated_first(layers):
    r, j = 1, 1
    for f, s in layers:
        j = j * s
        r = r + (f - 1) * j
    return r


def _verify_receptive_field(function):
    for layers in _RF_CASES:
        got = call(function, list(layers))
        expect_close(
            got,
            receptive_field(layers),
            name=f"el campo receptivo de {layers}",
            mistakes=[
                (_rf_without_jumps(layers), "olvidaste el salto j: tras una capa con paso s, dos neuronas vecinas están "
                                            "a s píxeles (acumulados) en la entrada; suma (f − 1)·j, no (f − 1)."),
                (_rf_jump_updated_first(layers), "actualizas el salto antes de usarlo: la capa l suma (f − 1)·j de la "
                                                 "capa ANTERIOR y después j ← j·s."),
                (int(np.prod([f for f, _ in layers])), "los tamaños de ventana no se multiplican: cada capa añade "
                                                       "(f − 1)·j al campo receptivo."),
            ],
        )


# 10.4 — Qué da el max pooling (errata CNN-06).

def _verify_pooling_choice(answer):
    if isinstance(answer, str):
        answer = answer.strip().lower()
    expect_choice(
        answer,
        "b",
        ("a", "b", "c", "d"),
        explanations={
            "a": "es una idea muy extendida pero falsa: el max pooling solo da una leve tolerancia a desplazamientos "
                 "pequeños; la robustez a rotaciones, escalas o iluminación viene del aumento de datos y del "
                 "aprendizaje (en el cuaderno, un dígito girado 90° se clasifica casi al azar).",
            "c": "el max pooling actúa en cada canal por separado: reduce alto y ancho, pero la profundidad no cambia.",
            "d": "el pooling no añade nada al coste y no tiene parámetros; las penalizaciones son L1 y L2 (capítulo 12).",
        },
    )


EXERCISES = [
    Exercise(
        id="10.1",
        title="Parámetros de una capa Conv2D",
        verify=_verify_conv2d_params,
        solution=conv2d_params,
        hint="cada filtro tiene f·f·C_entrada pesos y un sesgo; hay tantos filtros como canales de salida.",
        mistakes=[
            (lambda f, c, k: f * f * c * k, "te faltan los sesgos"),
            (lambda f, c, k: (f * f + 1) * k, "TODOS los canales de entrada"),
            (lambda f, c, k: (f * f + 1) * c * k, "un sesgo por filtro"),
            (lambda f, c, k: f * f * c + k, "multiplicar por el número de filtros"),
        ],
    ),
    Exercise(
        id="10.2",
        title="Agrupación máxima 2×2",
        verify=_verify_max_pool,
        solution=max_pool_2x2,
        hint="x.reshape(N, alto // 2, 2, ancho // 2, 2, C) y después el máximo en los ejes 2 y 4.",
        mistakes=[
            (_avg_pool_2x2, "average pooling"),
            (_wrong_reshape_pool, "no son vecinos"),
            (lambda x: max_pool_2x2(x).max(axis=3), "conserva la profundidad"),
            (lambda x: x[:, ::2, ::2, :], "no coincide"),
        ],
    ),
    Exercise(
        id="10.3",
        title="Campo receptivo",
        verify=_verify_receptive_field,
        solution=receptive_field,
        hint="empieza con r = 1 y j = 1; para cada (f, s): r ← r + (f − 1)·j y luego j ← j·s.",
        mistakes=[
            (_rf_without_jumps, "olvidaste el salto j"),
            (_rf_jump_updated_first, "actualizas el salto antes de usarlo"),
        ],
    ),
    Exercise(
        id="10.4",
        title="Qué hace el max pooling",
        verify=_verify_pooling_choice,
        solution="b",
        hint="piensa en qué pasa con la profundidad, con los parámetros y con un dígito girado 90°.",
        mistakes=[
            ("a", "leve tolerancia"),
            ("c", "cada canal por separado"),
            ("d", "no añade nada al coste"),
            ("e", "debe ser una de"),
        ],
    ),
]
