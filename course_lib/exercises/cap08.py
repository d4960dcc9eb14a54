"""Ejercicios del capítulo 08: construir una red (capas, parámetros, compilar y entrenar)."""

import numpy as np

from .. import nn
from ..checks import Exercise, Incorrect, Pending, call, expect_close, validation_accuracy_after_training

# --- 08.1 — Parámetros de una capa densa ----------------------------------------------------------

def parametros_densa(n_entradas, n_neuronas):
    """Parámetros de una capa densa: n_entradas·n_neuronas pesos + n_neuronas sesgos = (n_entradas + 1)·n_neuronas."""
    return (n_entradas + 1) * n_neuronas


_PARES_DENSA = [(4, 64), (64, 128), (128, 64), (64, 3), (3072, 120), (1, 1), (10, 7)]


def _verify_parametros_densa(function):
    entradas = np.array([p[0] for p in _PARES_DENSA])
    neuronas = np.array([p[1] for p in _PARES_DENSA])
    got = [call(function, int(n_in), int(n_out)) for n_in, n_out in _PARES_DENSA]
    expect_close(
        got,
        (entradas + 1) * neuronas,
        name="el número de parámetros",
        mistakes=[
            (entradas * neuronas, "olvidaste los sesgos: cada neurona tiene, además de sus pesos, un sesgo b "
                                  "(n_entradas·n_neuronas + n_neuronas)."),
            (entradas * (neuronas + 1), "hay un sesgo por neurona, no uno por entrada: (n_entradas + 1)·n_neuronas."),
            (entradas + neuronas, "sumaste entradas y neuronas: cada neurona se conecta con TODAS las entradas, "
                                  "así que los pesos son n_entradas·n_neuronas."),
            (entradas * neuronas + 1, "hay un sesgo por neurona, no uno solo para toda la capa."),
        ],
    )


# --- 08.2 — Activación y pérdida de la capa de salida -----------------------------------------------

ACTIVACIONES_SALIDA = ("linear", "sigmoid", "softmax", "relu", "tanh")
PERDIDAS = ("mse", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")

PROBLEMAS = {
    "precio de una vivienda": ("linear", {"mse"}),
    "correo basura o no": ("sigmoid", {"binary_crossentropy"}),
    "especie de pingüino (3 clases, etiquetas 0, 1, 2)": ("softmax", {"sparse_categorical_crossentropy"}),
    "objetos presentes en una foto (varios a la vez)": ("sigmoid", {"binary_crossentropy"}),
}

ELECCION_CORRECTA = {problema: (act, sorted(perdidas)[0]) for problema, (act, perdidas) in PROBLEMAS.items()}


def _verify_eleccion(answer):
    if not isinstance(answer, dict):
        raise Incorrect(f"se esperaba un diccionario problema → (activación, pérdida); recibí {type(answer).__name__}.")
    faltan = [p for p in PROBLEMAS if p not in answer or answer[p] is None]
    if len(faltan) == len(PROBLEMAS):
        raise Pending("todavía no has elegido nada.")
    if faltan:
        raise Pending(f"te falta elegir para: {', '.join(faltan)}.")
    for problema, (activacion_ok, perdidas_ok) in PROBLEMAS.items():
        eleccion = answer[problema]
        if not (isinstance(eleccion, (tuple, list)) and len(eleccion) == 2):
            raise Incorrect(f"«{problema}»: escribe una tupla (activación, pérdida), p. ej. ('linear', 'mse').")
        activacion, perdida = eleccion
        if activacion not in ACTIVACIONES_SALIDA:
            raise Incorrect(f"«{problema}»: la activación debe ser una de {', '.join(ACTIVACIONES_SALIDA)}; recibí {activacion!r}.")
        if perdida not in PERDIDAS:
            raise Incorrect(f"«{problema}»: la pérdida debe ser una de {', '.join(PERDIDAS)}; recibí {perdida!r}.")
        if activacion == activacion_ok and perdida in perdidas_ok:
            continue
        if problema.startswith("precio"):
            if activacion in ("relu", "sigmoid", "tanh", "softmax"):
                raise Incorrect(f"«{problema}»: una regresión usa salida lineal; {activacion} limita o deforma el "
                                "rango de valores que puede predecir la red.")
            raise Incorrect(f"«{problema}»: es una regresión; la pérdida habitual es el error cuadrático medio ('mse').")
        if problema.startswith("correo"):
            if activacion == "softmax":
                raise Incorrect(f"«{problema}»: con una sola neurona de salida, softmax siempre da 1; para dos clases "
                                "se usa una neurona sigmoide (la probabilidad de «basura»).")
            if activacion != "sigmoid":
                raise Incorrect(f"«{problema}»: la salida debe ser una probabilidad entre 0 y 1: sigmoide.")
            raise Incorrect(f"«{problema}»: con salida sigmoide, la pérdida es la entropía cruzada binaria.")
        if problema.startswith("especie"):
            if activacion != "softmax":
                raise Incorrect(f"«{problema}»: con 3 clases excluyentes la salida es softmax (K = 3 probabilidades "
                                "que suman 1).")
            if perdida == "categorical_crossentropy":
                raise Incorrect(f"«{problema}»: las etiquetas son enteros 0, 1, 2, no one-hot: usa "
                                "'sparse_categorical_crossentropy' (o convierte a one-hot antes).")
            raise Incorrect(f"«{problema}»: para clases excluyentes, entropía cruzada categórica (aquí la «sparse»).")
        if problema.startswith("objetos"):
            if activacion == "softmax":
                raise Incorrect(f"«{problema}»: softmax obliga a que las probabilidades sumen 1, como si solo hubiera "
                                "un objeto; con varios a la vez, una sigmoide por etiqueta.")
            if activacion != "sigmoid":
                raise Incorrect(f"«{problema}»: cada etiqueta es un sí/no independiente: una sigmoide por etiqueta.")
            raise Incorrect(f"«{problema}»: cada etiqueta es un problema binario: entropía cruzada binaria.")


def _cambia(problema, valor):
    answer = dict(ELECCION_CORRECTA)
    answer[problema] = valor
    return answer


_ESPECIE = "especie de pingüino (3 clases, etiquetas 0, 1, 2)"
_OBJETOS = "objetos presentes en una foto (varios a la vez)"


# --- 08.3 — Parámetros de una red con normalización por lotes ---------------------------------------

def parametros_red_bn(tamanos):
    """Red densa [n_0, …, n_L] con BatchNormalization tras cada capa OCULTA (no tras la salida).

    Entrenables: Σ (n_{l−1} + 1)·n_l de las Dense más 2·n_l (γ, β) por cada capa oculta.
    No entrenables: 2·n_l (media y varianza móviles) por cada capa oculta.
    """
    densas = sum((n_in + 1) * n_out for n_in, n_out in zip(tamanos[:-1], tamanos[1:]))
    ocultas = sum(tamanos[1:-1])
    return densas + 2 * ocultas, 2 * ocultas


_REDES = [[4, 64, 128, 64, 3], [4, 5, 5, 3], [400, 120, 84, 10], [2, 8, 1], [784, 256, 10]]


def _verify_parametros_red_bn(function):
    got = [call(function, list(t)) for t in _REDES]
    for t, respuesta in zip(_REDES, got):
        if not (isinstance(respuesta, (tuple, list)) and len(respuesta) == 2):
            raise Incorrect(
                f"para la red {t} se esperaba una pareja (entrenables, no_entrenables), por ejemplo "
                f"(17603, 512); se recibió {respuesta!r}."
            )
    densas = [sum((a + 1) * b for a, b in zip(t[:-1], t[1:])) for t in _REDES]
    ocultas = [sum(t[1:-1]) for t in _REDES]
    todas = [sum(t[1:]) for t in _REDES]
    expect_close(
        [r[0] for r in got],
        [d + 2 * h for d, h in zip(densas, ocultas)],
        name="los parámetros entrenables",
        mistakes=[
            (densas, "faltan γ y β: cada BatchNormalization tiene 2 parámetros entrenables por neurona."),
            ([d + 4 * h for d, h in zip(densas, ocultas)],
             "las medias y varianzas móviles no se entrenan (no las mueve el gradiente): van en el segundo número."),
            ([d + 2 * n for d, n in zip(densas, todas)],
             "la normalización va tras las capas ocultas, no tras la capa de salida."),
            ([d + h for d, h in zip(densas, ocultas)], "BatchNormalization tiene dos parámetros entrenables por "
                                                       "neurona (γ y β), no uno."),
        ],
    )
    expect_close(
        [r[1] for r in got],
        [2 * h for h in ocultas],
        name="los parámetros no entrenables",
        mistakes=[
            ([0 for _ in _REDES], "las medias y varianzas móviles (2 por neurona oculta) son parámetros no "
                                  "entrenables: se guardan con el modelo aunque el gradiente no las mueva."),
            ([2 * n for n in todas], "la normalización va tras las capas ocultas, no tras la capa de salida."),
            ([4 * h for h in ocultas], "no entrenables son solo la media y la varianza móviles: γ y β sí se entrenan."),
        ],
    )


# --- 08.4 — Construir una red para los pingüinos ---------------------------------------------------------

MAX_PARAMETROS = 2000


def construir_modelo():
    """Una red pequeña para los pingüinos: 4 entradas → 16 ReLU → 3 softmax (131 parámetros)."""
    return nn.Sequential([
        nn.Dense(16, activation="relu", input_shape=(4,)),
        nn.Dense(3, activation="softmax"),
    ])


def _datos_pinguinos():
    from ..data import penguins_xy, standardize, train_val_test_split

    X, y = penguins_xy()
    X_train, X_val, _, y_train, y_val, _ = train_val_test_split(X, y, seed=0)
    X_train, X_val, _ = standardize(X_train, X_val)
    return X_train, X_val, y_train, y_val


def _no_lineal(layer):
    """¿Aplica la capa una activación no lineal (una Dense con activación o una capa Activation)?"""
    activation = getattr(layer, "activation", None)
    return activation is not None and getattr(activation, "name", "linear") != "linear"


def _exige_capa_oculta_no_lineal(model):
    """Una red de verdad: al menos una capa densa oculta y una no linealidad antes de la capa de salida."""
    densas = [i for i, layer in enumerate(model.layers) if isinstance(layer, nn.Dense)]
    if len(densas) < 2:
        raise Incorrect("eso es una regresión logística (multinomial): sin capa oculta, las fronteras entre especies "
                        "son rectas. Se pide una red: añade al menos una capa oculta, p. ej. "
                        "nn.Dense(16, activation='relu'), antes de la de salida.")
    if not any(_no_lineal(layer) for layer in model.layers[:densas[-1]]):
        raise Incorrect("tus capas ocultas no tienen activación: una composición de capas lineales es otra capa "
                        "lineal, así que el modelo sigue siendo una regresión logística. Dales activation='relu'.")


def _verify_modelo(function):
    nn.set_seed(0)
    model = call(function)
    if not isinstance(model, nn.Sequential):
        raise Incorrect(f"se esperaba un nn.Sequential; recibí {type(model).__name__}.")
    if not model.layers:
        raise Incorrect("el modelo no tiene capas.")
    declared = None if model.input_shape is None else tuple(n for n in model.input_shape if n is not None)
    if declared is not None and declared != (4,):
        raise Incorrect(f"la primera capa declara input_shape={declared}, pero cada pingüino "
                        "tiene 4 características: input_shape=(4,).")
    try:
        model.build((4,))
    except nn.CourseError as exc:
        raise Incorrect(f"el modelo no acepta ejemplos de 4 características: {exc}") from None
    if tuple(model.output_shape)[1:] != (3,):   # output_shape lleva el eje del lote, como en Keras: (None, 3)
        raise Incorrect(f"la salida tiene forma {tuple(model.output_shape)[1:]}, pero hay 3 especies: la última capa debe "
                        "ser Dense(3, ...), una neurona por clase.")
    _exige_capa_oculta_no_lineal(model)
    n_params = model.count_params()
    if n_params > MAX_PARAMETROS:
        raise Incorrect(f"el modelo tiene {n_params} parámetros y el máximo es {MAX_PARAMETROS}: empieza con menos "
                        "neuronas; para 4 entradas bastan unas pocas decenas.")
    X_train, X_val, y_train, y_val = _datos_pinguinos()
    accuracy = validation_accuracy_after_training(model, X_train, y_train, X_val, y_val, epochs=60)
    if accuracy < 0.9:
        raise Incorrect(f"tras 60 épocas la exactitud en validación es {accuracy:.0%} (se pide al menos 90 %): "
                        "¿tienen las capas ocultas una activación no lineal como 'relu'?")


EXERCISES = [
    Exercise(
        id="08.1",
        title="Parámetros de una capa densa",
        verify=_verify_parametros_densa,
        solution=parametros_densa,
        hint="cada neurona tiene un peso por entrada y un sesgo.",
        mistakes=[
            (lambda a, b: a * b, "olvidaste los sesgos"),
            (lambda a, b: a * (b + 1), "un sesgo por neurona, no uno por entrada"),
            (lambda a, b: a + b, "sumaste entradas y neuronas"),
            (lambda a, b: a * b + 1, "no uno solo para toda la capa"),
        ],
    ),
    Exercise(
        id="08.2",
        title="Activación y pérdida de la capa de salida",
        verify=_verify_eleccion,
        solution=ELECCION_CORRECTA,
        hint="pregúntate qué valores puede tomar la salida: cualquier número, una probabilidad, K probabilidades "
             "que suman 1 o varias probabilidades independientes.",
        mistakes=[
            (_cambia("precio de una vivienda", ("relu", "mse")), "salida lineal"),
            (_cambia("precio de una vivienda", ("linear", "binary_crossentropy")), "'mse'"),
            (_cambia("correo basura o no", ("softmax", "binary_crossentropy")), "softmax siempre da 1"),
            (_cambia(_ESPECIE, ("softmax", "categorical_crossentropy")), "no one-hot"),
            (_cambia(_ESPECIE, ("sigmoid", "sparse_categorical_crossentropy")), "softmax (K = 3"),
            (_cambia(_OBJETOS, ("softmax", "categorical_crossentropy")), "una sigmoide por etiqueta"),
            (_cambia(_OBJETOS, ("sigmoid", "mse")), "entropía cruzada binaria"),
            (_cambia("precio de una vivienda", "linear"), "tupla"),
            ("mse", "diccionario"),
        ],
    ),
    Exercise(
        id="08.3",
        title="Parámetros de una red con normalización por lotes",
        verify=_verify_parametros_red_bn,
        solution=parametros_red_bn,
        hint="cuenta las Dense como siempre, (n_in + 1)·n_out, y suma lo de cada BatchNormalization tras las capas "
             "ocultas: 2 entrenables (γ, β) y 2 no entrenables (medias y varianzas móviles) por neurona.",
        mistakes=[
            (lambda t: (sum((a + 1) * b for a, b in zip(t[:-1], t[1:])), 2 * sum(t[1:-1])), "faltan γ y β"),
            (lambda t: (sum((a + 1) * b for a, b in zip(t[:-1], t[1:])) + 4 * sum(t[1:-1]), 2 * sum(t[1:-1])),
             "no se entrenan"),
            (lambda t: (sum((a + 1) * b for a, b in zip(t[:-1], t[1:])) + 2 * sum(t[1:-1]), 0),
             "no entrenables"),
            (lambda t: (sum((a + 1) * b for a, b in zip(t[:-1], t[1:])) + 2 * sum(t[1:]), 2 * sum(t[1:])),
             "no tras la capa de salida"),
            (lambda t: sum((a + 1) * b for a, b in zip(t[:-1], t[1:])), "pareja"),
        ],
    ),
    Exercise(
        id="08.4",
        title="Construir una red para los pingüinos",
        verify=_verify_modelo,
        solution=construir_modelo,
        hint="nn.Sequential([nn.Dense(…, activation='relu', input_shape=(4,)), nn.Dense(3, activation='softmax')]).",
        mistakes=[
            (lambda: nn.Sequential([nn.Dense(16, activation="relu", input_shape=(4,)), nn.Dense(1, activation="sigmoid")]),
             "una neurona por clase"),
            (lambda: nn.Sequential([nn.Dense(16, activation="relu", input_shape=(4,)), nn.Dense(3)]), "softmax"),
            (lambda: nn.Sequential([nn.Dense(64, activation="relu", input_shape=(4,)), nn.Dense(64, activation="relu"),
                                    nn.Dense(3, activation="softmax")]), "el máximo es"),
            (lambda: nn.Sequential([nn.Dense(16, activation="relu", input_shape=(5,)), nn.Dense(3, activation="softmax")]),
             "4 características"),
            (lambda: [nn.Dense(3, activation="softmax")], "nn.Sequential"),
            (lambda: nn.Sequential([nn.Dense(3, activation="softmax", input_shape=(4,))]), "regresión logística"),
            (lambda: nn.Sequential([nn.Dense(16, input_shape=(4,)), nn.Dense(3, activation="softmax")]),
             "composición de capas lineales"),
        ],
    ),
]
