"""Ejercicios del capítulo 14: las bibliotecas (grupos, pesos entre motores, agrupamiento)."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choices, expect_close

# --- 14.1 — Cada biblioteca en su grupo -----------------------------------------------------------

GRUPOS = ("aprendizaje profundo", "gradient boosting", "lenguaje natural", "scikit-learn", "gráficas",
          "tablas y cálculo", "sistema", "informes y estadística")

_JAX = "JAX (diferenciación automática y compilación para GPU y TPU)"
_SPACY = "spaCy (análisis sintáctico y entidades en textos)"
_PLOTLY = "Plotly (gráficos interactivos)"
_POLARS = "Polars (tablas muy rápidas, como pandas)"
_PATHLIB = "pathlib (rutas de archivos)"
_DBSCAN = "DBSCAN (agrupamiento por densidad)"

GRUPO_CORRECTO = {
    _JAX: "aprendizaje profundo",
    _SPACY: "lenguaje natural",
    _PLOTLY: "gráficas",
    _POLARS: "tablas y cálculo",
    _PATHLIB: "sistema",
    _DBSCAN: "scikit-learn",
}

_POR_QUE = {
    _JAX: "JAX calcula gradientes automáticamente y compila para GPU y TPU, como TensorFlow o PyTorch: es uno de "
          "los tres motores de Keras 3, así que va con el aprendizaje profundo.",
    _SPACY: "spaCy procesa texto (tokeniza, etiqueta, reconoce entidades), como NLTK: lenguaje natural.",
    _PLOTLY: "Plotly dibuja gráficos (interactivos), como matplotlib o seaborn: gráficas.",
    _POLARS: "Polars maneja tablas (data frames), como pandas: tablas y cálculo.",
    _PATHLIB: "pathlib trabaja con rutas y archivos del sistema operativo, como os: sistema.",
    _DBSCAN: "DBSCAN es un algoritmo de agrupamiento de sklearn.cluster, junto a KMeans: scikit-learn.",
}


def _explica_grupo(biblioteca, grupo, correcto):
    if grupo == "gradient boosting":
        return (f"el gradient boosting son sumas de árboles de decisión (XGBoost, LightGBM, CatBoost) y esta "
                f"biblioteca no entrena árboles. {_POR_QUE[biblioteca]}")
    return f"no es de «{grupo}». {_POR_QUE[biblioteca]}"


def _verify_grupos(answer):
    expect_choices(answer, GRUPO_CORRECTO, GRUPOS, _explica_grupo, key_name="biblioteca")


def _cambia_grupo(biblioteca, grupo):
    return {**GRUPO_CORRECTO, biblioteca: grupo}


# --- 14.2 — Pesos de PyTorch a Keras --------------------------------------------------------------

def pesos_torch_a_keras(weight, bias):
    """torch.nn.Linear guarda weight (neuronas, entradas); Dense de Keras espera W (entradas, neuronas): W = weightᵀ."""
    return np.asarray(weight).T, np.asarray(bias)


def _verify_pesos(function):
    rng = np.random.default_rng(14)
    for entradas, neuronas in [(4, 16), (16, 3), (5, 5)]:
        weight = rng.normal(size=(neuronas, entradas))
        bias = rng.normal(size=neuronas)
        result = call(function, weight.copy(), bias.copy())
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Incorrect("devuelve una tupla (W, b) con dos arrays.")
        W, b = result
        if np.shape(W) == bias.shape and np.shape(b) in (weight.shape, weight.T.shape):
            raise Incorrect("devolviste (b, W): el orden de Keras es primero los pesos W y luego los sesgos b.")
        if np.shape(W) == weight.shape and np.allclose(W, weight) and entradas != neuronas:
            raise Incorrect(f"W tiene forma {np.shape(W)}, la de PyTorch (neuronas, entradas); Keras espera "
                            f"(entradas, neuronas) = {weight.T.shape}: traspón weight con weight.T.")
        if entradas == neuronas and np.allclose(W, weight) and not np.allclose(weight, weight.T):
            raise Incorrect("con una capa cuadrada (5 → 5) la forma no delata el error, pero W es weight sin "
                            "trasponer: Keras calcula x·W y PyTorch x·weightᵀ, así que W = weight.T.")
        if np.shape(W) == weight.T.shape and np.allclose(W, weight.reshape(weight.T.shape)) and entradas != neuronas:
            raise Incorrect("usaste reshape: cambia la forma pero deja los números en el orden de antes, así que "
                            "las conexiones quedan mezcladas; para trasponer, weight.T.")
        expect_close(W, weight.T, name="W")
        expect_close(b, bias, name="b", mistakes=[(np.zeros_like(bias), "b debe ser el bias de PyTorch, no ceros.")])


# --- 14.3 — Exactitud de un agrupamiento ----------------------------------------------------------

def exactitud_agrupamiento(grupos, clases):
    """Cada grupo recibe la clase más frecuente entre sus miembros; devuelve la fracción de aciertos."""
    grupos, clases = np.asarray(grupos), np.asarray(clases)
    aciertos = sum(np.bincount(clases[grupos == g]).max() for g in np.unique(grupos))
    return aciertos / len(clases)


# Casos con la numeración de los grupos cambiada, grupos de más y grupos que juntan clases.
_CASOS = [
    (np.array([2, 2, 2, 0, 0, 1, 1, 1, 1, 0]), np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 1])),
    (np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]), np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2])),
    (np.array([0, 1, 2, 3, 3, 1, 0, 2]), np.array([1, 1, 0, 0, 0, 1, 1, 0])),
]


def _al_reves(grupos, clases):
    """El error de asignar a cada clase su grupo más frecuente (el sentido contrario)."""
    grupos, clases = np.asarray(grupos), np.asarray(clases)
    return sum(np.bincount(grupos[clases == c]).max() for c in np.unique(clases)) / len(clases)


def _verify_agrupamiento(function):
    got = [call(function, g.copy(), c.copy()) for g, c in _CASOS]
    n = [len(c) for _, c in _CASOS]
    expected = [exactitud_agrupamiento(g, c) for g, c in _CASOS]
    expect_close(
        got,
        expected,
        name="la exactitud",
        mistakes=[
            ([np.mean(g == c) for g, c in _CASOS],
             "comparaste los números de los grupos con las clases directamente, pero la numeración de un "
             "agrupamiento es arbitraria: asigna antes a cada grupo la clase más frecuente entre sus miembros."),
            ([e * m for e, m in zip(expected, n)], "devolviste el número de aciertos: divide entre el número de ejemplos."),
            ([_al_reves(g, c) for g, c in _CASOS],
             "asignaste a cada clase su grupo más frecuente; es al revés: cada grupo recibe la clase más frecuente "
             "entre sus miembros (así, con más grupos que clases, cada grupo sigue teniendo una clase)."),
        ],
    )


EXERCISES = [
    Exercise(
        id="14.1",
        title="Cada biblioteca en su grupo",
        verify=_verify_grupos,
        solution=GRUPO_CORRECTO,
        hint="pregúntate a cuál de las bibliotecas del mapa se parece cada una: ¿entrena redes, procesa texto, "
             "dibuja, maneja tablas, toca archivos o es un algoritmo de scikit-learn?",
        mistakes=[
            (_cambia_grupo(_JAX, "tablas y cálculo"), "motores de Keras 3"),
            (_cambia_grupo(_JAX, "gradient boosting"), "no entrena árboles"),
            (_cambia_grupo(_SPACY, "aprendizaje profundo"), "lenguaje natural"),
            (_cambia_grupo(_POLARS, "informes y estadística"), "como pandas"),
            (_cambia_grupo(_DBSCAN, "gradient boosting"), "no entrena árboles"),
            (_cambia_grupo(_PATHLIB, "gráfica"), "responde con una de"),
            ("sistema", "diccionario"),
        ],
    ),
    Exercise(
        id="14.2",
        title="Pesos de PyTorch a Keras",
        verify=_verify_pesos,
        solution=pesos_torch_a_keras,
        hint="compara las formas: PyTorch (neuronas, entradas), Keras (entradas, neuronas).",
        mistakes=[
            (lambda w, b: (w, b), "traspón weight"),
            (lambda w, b: (b, w.T), "(b, W)"),
            (lambda w, b: (w.T, np.zeros_like(b)), "no ceros"),
            (lambda w, b: w.T, "tupla (W, b)"),
            (lambda w, b: (w.reshape(w.shape[1], w.shape[0]), b), "reshape"),
        ],
    ),
    Exercise(
        id="14.3",
        title="Exactitud de un agrupamiento",
        verify=_verify_agrupamiento,
        solution=exactitud_agrupamiento,
        hint="recorre np.unique(grupos); para cada grupo, np.bincount(clases[grupos == g]).max() son sus aciertos.",
        mistakes=[
            (lambda g, c: np.mean(np.asarray(g) == np.asarray(c)), "numeración de un agrupamiento es arbitraria"),
            (lambda g, c: exactitud_agrupamiento(g, c) * len(c), "divide entre el número de ejemplos"),
            (_al_reves, "es al revés"),
        ],
    ),
]
