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


SINONIMOS_GRUPOS = {
    "deep learning": "aprendizaje profundo", "redes neuronales": "aprendizaje profundo",
    "boosting": "gradient boosting", "árboles": "gradient boosting",
    "nlp": "lenguaje natural", "pln": "lenguaje natural", "procesamiento del lenguaje natural": "lenguaje natural",
    "texto": "lenguaje natural", "sklearn": "scikit-learn", "scikit learn": "scikit-learn",
    "aprendizaje automático clásico": "scikit-learn",
    "gráficos": "gráficas", "visualización": "gráficas", "plotting": "gráficas",
    "tablas": "tablas y cálculo", "dataframes": "tablas y cálculo", "cálculo": "tablas y cálculo",
    "archivos": "sistema", "sistema operativo": "sistema", "utilidades del sistema": "sistema",
    "informes": "informes y estadística", "estadística": "informes y estadística",
}


def _verify_grupos(answer):
    expect_choices(answer, GRUPO_CORRECTO, GRUPOS, _explica_grupo, key_name="biblioteca", synonyms=SINONIMOS_GRUPOS)


def _cambia_grupo(biblioteca, grupo):
    return {**GRUPO_CORRECTO, biblioteca: grupo}


# --- 14.2 — Los filtros de una convolución, de PyTorch a Keras ------------------------------------------------
#      torch.nn.Conv2d guarda weight con forma (filtros, canales_entrada, alto, ancho), porque sus tensores son
#      (N, C, H, W); Conv2D de Keras y de course_lib espera (alto, ancho, canales_entrada, filtros). Las dos
#      calculan la correlación cruzada (sin voltear el filtro): basta con reordenar los ejes.

def kernel_torch_a_keras(weight, bias):
    """(W, b) para set_weights de una Conv2D de Keras a partir de los de torch.nn.Conv2d: W = weight con los ejes (2, 3, 1, 0)."""
    return np.transpose(np.asarray(weight), (2, 3, 1, 0)), np.asarray(bias)


def _casos_kernel():
    rng = np.random.default_rng(14)
    # (filtros, canales de entrada, alto, ancho): uno normal, uno con entradas = filtros y uno con filtro no cuadrado
    return [(rng.normal(size=(8, 3, 3, 3)), rng.normal(size=8)),
            (rng.normal(size=(4, 4, 5, 5)), rng.normal(size=4)),
            (rng.normal(size=(6, 2, 3, 5)), rng.normal(size=6))]


def _verify_kernel(function):
    for weight, bias in _casos_kernel():
        result = call(function, weight.copy(), bias.copy())
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Incorrect("devuelve una tupla (W, b) con dos arrays.")
        W, b = (np.asarray(v, dtype=float) for v in result)
        expected = np.transpose(weight, (2, 3, 1, 0))
        out_c, in_c, kh, kw = weight.shape
        if W.shape == bias.shape:
            raise Incorrect("devolviste (b, W): el orden de Keras es primero los pesos W y luego los sesgos b.")
        if W.shape == weight.shape:
            raise Incorrect(f"W tiene la forma de PyTorch {weight.shape}, (filtros, entrada, alto, ancho); Keras espera "
                            f"(alto, ancho, entrada, filtros) = {expected.shape}: hay que reordenar los ejes.")
        if W.shape == expected.shape and np.allclose(W, weight.reshape(expected.shape)):
            raise Incorrect("usaste reshape: cambia la forma pero deja los números en el orden de antes, así que cada "
                            "peso acaba en la posición de otro; para cambiar el orden de los ejes, np.transpose con el "
                            "orden de ejes que toca.")
        if W.shape == expected.shape and np.allclose(W, expected[::-1, ::-1]):
            raise Incorrect("volteaste el filtro: PyTorch y Keras calculan los dos la correlación cruzada (capítulo 09), "
                            "así que el filtro se copia tal cual; solo cambia el orden de los ejes.")
        if W.shape == (kw, kh, in_c, out_c) and np.allclose(W, weight.T):
            raise Incorrect("con .T (o transpose sin argumentos) se invierten TODOS los ejes: los canales quedan bien, "
                            "pero el alto y el ancho del filtro quedan intercambiados (el filtro, traspuesto). Keras pone "
                            "el alto antes que el ancho, igual que PyTorch.")
        if W.shape == (kh, kw, out_c, in_c) and np.allclose(W, np.transpose(weight, (2, 3, 0, 1))):
            raise Incorrect("los dos últimos ejes están al revés: Keras pone primero los canales de ENTRADA y después los "
                            "filtros (salida), (alto, ancho, entrada, filtros).")
        expect_close(W, expected, name="W")
        expect_close(b, bias, name="b", mistakes=[(np.zeros_like(bias), "b debe ser el bias de PyTorch, no ceros.")])


def _fresh_kernel(rng):
    shape = tuple(int(n) for n in rng.integers(1, 6, size=4))
    return rng.normal(size=shape), rng.normal(size=shape[0])


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


def _fresh_agrupamiento(rng):
    m = int(rng.integers(8, 40))
    return rng.integers(0, int(rng.integers(2, 6)), size=m), rng.integers(0, 3, size=m)


EXERCISES = [
    Exercise(
        id="14.1",
        title="Cada biblioteca en su grupo",
        verify=_verify_grupos,
        solution=GRUPO_CORRECTO,
        hint=("pregúntate a cuál de las bibliotecas del mapa de la sección 1 se parece cada una.",
              "para cada una: ¿entrena redes (calcula gradientes), procesa texto, dibuja, maneja tablas, toca archivos "
              "o es un algoritmo de los módulos de scikit-learn?"),
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
        title="Los filtros de una convolución, de PyTorch a Keras",
        verify=_verify_kernel,
        solution=kernel_torch_a_keras,
        hint=("las dos bibliotecas calculan lo mismo con los mismos números; solo los guardan en otro orden de ejes, "
              "porque PyTorch pone los canales antes que el alto y el ancho (N, C, H, W) y Keras después (N, H, W, C).",
              "escribe las dos formas una debajo de la otra, (filtros, entrada, alto, ancho) y (alto, ancho, entrada, "
              "filtros), y busca para cada eje de Keras en qué posición estaba en PyTorch: `np.transpose(weight, "
              "orden)` reordena los ejes. Ni reshape ni .T."),
        mistakes=[
            (lambda w, b: (w, b), "la forma de PyTorch"),
            (lambda w, b: (b, np.transpose(w, (2, 3, 1, 0))), "(b, W)"),
            (lambda w, b: (np.asarray(w).reshape(w.shape[2], w.shape[3], w.shape[1], w.shape[0]), b), "reshape"),
            (lambda w, b: (np.asarray(w).T, b), "intercambiados"),
            (lambda w, b: (np.transpose(w, (2, 3, 0, 1)), b), "al revés"),
            (lambda w, b: (np.transpose(w, (2, 3, 1, 0))[::-1, ::-1], b), "volteaste el filtro"),
            (lambda w, b: (np.transpose(w, (2, 3, 1, 0)), np.zeros_like(b)), "no ceros"),
            (lambda w, b: np.transpose(w, (2, 3, 1, 0)), "tupla (W, b)"),
        ],
        fresh=_fresh_kernel,
    ),
    Exercise(
        id="14.3",
        title="Exactitud de un agrupamiento",
        verify=_verify_agrupamiento,
        solution=exactitud_agrupamiento,
        hint=("como los números de los grupos no significan nada, primero hay que decidir qué clase «representa» cada "
              "grupo: la más frecuente entre sus miembros. Después se cuenta como en una exactitud normal.",
              "recorre `np.unique(grupos)`; para cada grupo, mira las clases de sus miembros (`clases[grupos == g]`) "
              "y cuenta cuántos tienen la clase más frecuente (`np.bincount` ayuda). Al final, divide entre el total."),
        mistakes=[
            (lambda g, c: np.mean(np.asarray(g) == np.asarray(c)), "numeración de un agrupamiento es arbitraria"),
            (lambda g, c: exactitud_agrupamiento(g, c) * len(c), "divide entre el número de ejemplos"),
            (_al_reves, "es al revés"),
        ],
        fresh=_fresh_agrupamiento,
        forbidden=("sklearn.metrics.confusion_matrix", "scipy.optimize.linear_sum_assignment",
                   "sklearn.metrics.cluster.contingency_matrix"),
    ),
]
