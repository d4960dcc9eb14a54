"""Ejercicios del capítulo 08: construir una red (capas, parámetros, compilar y entrenar)."""

import numpy as np

from .. import nn
from ..checks import (Exercise, Incorrect, Pending, _match_key, _is_placeholder, call, expect_close, match_option,
                      validation_accuracy_after_training)
from ._comun import PARAMETER_COUNTERS

# --- 08.1 — Una Dense sobre una entrada con varios ejes (un caso nuevo del recuento de parámetros) -------
#      En Keras y en course_lib, Dense(u) sobre una entrada de forma (…, n) aplica LA MISMA capa a cada
#      posición de los ejes anteriores: salida (…, u) y (n + 1)·u parámetros, como sobre un vector de n.

def densa_nd(forma_entrada, unidades):
    """(forma de la salida, parámetros) de Dense(unidades) sobre una entrada de forma ``forma_entrada`` (sin el lote)."""
    forma_entrada = tuple(forma_entrada)
    return forma_entrada[:-1] + (unidades,), (forma_entrada[-1] + 1) * unidades


_CASOS_DENSA = [((10, 8), 16), ((4,), 3), ((28, 28, 3), 5), ((50, 300), 64), ((7, 1), 1)]


def _verify_densa_nd(function):
    for forma, unidades in _CASOS_DENSA:
        result = call(function, tuple(forma), unidades)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Incorrect("devuelve una pareja (forma_salida, parámetros), por ejemplo ((10, 16), 144).")
        forma_salida, parametros = result
        try:
            forma_salida = tuple(int(n) for n in forma_salida)
        except TypeError:
            raise Incorrect(f"la forma de la salida debe ser una tupla de enteros, como (10, 16); recibí "
                            f"{forma_salida!r}.") from None
        esperada, n_params = densa_nd(forma, unidades)
        todas = int(np.prod(forma))
        if forma_salida != esperada:
            if forma_salida == (unidades,) and len(forma) > 1:
                raise Incorrect(f"con una entrada de forma {forma}, la salida no es un solo vector de {unidades}: la "
                                "Dense actúa sobre el último eje y deja los demás como estaban (cada paso o cada "
                                "píxel recibe su propio vector de salida).")
            if forma_salida == forma[:-1] + (forma[-1],) and forma[-1] != unidades:
                raise Incorrect("la salida conserva la forma de la entrada: el último eje pasa a tener tantos "
                                "valores como neuronas (unidades).")
            raise Incorrect(f"para la entrada {forma} con {unidades} unidades, la forma de la salida {forma_salida} "
                            "no es correcta: piensa qué ejes toca la capa y cuáles deja igual.")
        expect_close(
            parametros,
            n_params,
            name=f"el número de parámetros de Dense({unidades}) sobre {forma}",
            mistakes=[
                ((todas + 1) * unidades, "contaste un peso por cada número de la entrada, como si se aplanara antes: "
                                         "la misma capa (los mismos pesos) se aplica a cada posición, así que solo "
                                         "cuenta el tamaño del último eje."),
                (todas // forma[-1] * (forma[-1] + 1) * unidades, "multiplicaste por el número de posiciones: todas "
                                                                  "comparten los mismos pesos, que se cuentan una "
                                                                  "sola vez."),
                (forma[-1] * unidades, "olvidaste los sesgos: uno por neurona."),
                (forma[-1] * (unidades + 1), "hay un sesgo por neurona (unidad), no uno por entrada."),
            ],
        )


def _fresh_densa(rng):
    forma = tuple(int(n) for n in rng.integers(1, 40, size=int(rng.integers(1, 4))))
    return forma, int(rng.integers(1, 100))


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

# Otras formas válidas de escribir lo mismo: los alias de Keras (keras.activations.get y keras.losses.get los
# aceptan), los nombres de sus clases y el nombre en español.
SINONIMOS_ACTIVACION = {
    "lineal": "linear", "identidad": "linear", "identity": "linear", "ninguna": "linear", "none": "linear",
    "sigmoide": "sigmoid", "logistica": "sigmoid", "tangente hiperbolica": "tanh", "rectificador": "relu",
}
SINONIMOS_PERDIDA = {
    "mean_squared_error": "mse", "MeanSquaredError": "mse", "ECM": "mse", "error cuadrático medio": "mse",
    "BinaryCrossentropy": "binary_crossentropy", "bce": "binary_crossentropy",
    "entropía cruzada binaria": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy", "entropía cruzada categórica": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "entropía cruzada categórica dispersa": "sparse_categorical_crossentropy",
}


def _nombre(valor, opciones, sinonimos):
    """La opción que escribe ``valor``: un texto (con alias), None (= lineal, como en Keras) o un objeto de pérdida."""
    if valor is None and "linear" in opciones:
        return "linear"
    if not isinstance(valor, str):
        valor = getattr(valor, "__name__", None) or type(valor).__name__
    return match_option(valor, opciones, sinonimos)


def _verify_eleccion(answer):
    if not isinstance(answer, dict):
        raise Incorrect(f"se esperaba un diccionario problema → (activación, pérdida); recibí {type(answer).__name__}.")
    dado = {}
    for clave, valor in answer.items():
        problema = _match_key(clave, list(PROBLEMAS))
        if problema is None:
            raise Incorrect(f"no hay ningún problema llamado {clave!r}: usa las claves del enunciado.")
        dado[problema] = valor
    answer = dado
    faltan = [p for p in PROBLEMAS if _is_placeholder(answer.get(p))]
    if len(faltan) == len(PROBLEMAS):
        raise Pending("todavía no has elegido nada.")
    if faltan:
        raise Pending(f"te falta elegir para: {', '.join(faltan)}.")
    for problema, (activacion_ok, perdidas_ok) in PROBLEMAS.items():
        eleccion = answer[problema]
        if not (isinstance(eleccion, (tuple, list)) and len(eleccion) == 2):
            raise Incorrect(f"«{problema}»: escribe una tupla (activación, pérdida), p. ej. ('linear', 'mse').")
        activacion = _nombre(eleccion[0], ACTIVACIONES_SALIDA, SINONIMOS_ACTIVACION)
        perdida = _nombre(eleccion[1], PERDIDAS, SINONIMOS_PERDIDA)
        if activacion is None:
            raise Incorrect(f"«{problema}»: la activación debe ser una de {', '.join(ACTIVACIONES_SALIDA)}; "
                            f"recibí {eleccion[0]!r}.")
        if perdida is None:
            raise Incorrect(f"«{problema}»: la pérdida debe ser una de {', '.join(PERDIDAS)}; recibí {eleccion[1]!r}.")
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


def _fresh_red_bn(rng):
    return ([int(n) for n in rng.integers(1, 200, size=int(rng.integers(2, 6)))],)


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
        raise Incorrect(f"tras 60 épocas la exactitud en validación es {100 * accuracy:.0f} % (se pide al menos 90 %)"
                        f"{_consejo_entrenamiento(model)}")


def _consejo_entrenamiento(model):
    """Qué mirar cuando un modelo bien formado no aprende lo bastante (sin adivinar una causa que no está)."""
    densas = [layer for layer in model.layers if isinstance(layer, nn.Dense)]
    ocultas = densas[:-1]
    if any(isinstance(layer, nn.Dropout) and layer.rate >= 0.5 for layer in model.layers):
        return ": un dropout tan alto en una red tan pequeña le quita demasiada información; bájalo o quítalo."
    if ocultas and min(layer.units for layer in ocultas) < 4:
        return ": alguna capa oculta tiene menos de 4 neuronas, un cuello de botella para separar 3 especies."
    activaciones = {getattr(getattr(layer, "activation", None), "name", "") for layer in ocultas}
    if activaciones & {"sigmoid", "tanh"}:
        return (": con sigmoide o tanh y tan pocas épocas la red aprende despacio; prueba con ReLU o con algunas "
                "neuronas más.")
    return ": prueba con más neuronas ocultas (unas decenas bastan con 4 entradas)."


EXERCISES = [
    Exercise(
        id="08.1",
        title="Una capa densa sobre una entrada con varios ejes",
        verify=_verify_densa_nd,
        solution=densa_nd,
        hint=("piensa en una Dense de n entradas aplicada a un solo vector; ahora la entrada tiene un eje más, y la "
              "capa se aplica igual, con los mismos pesos, a cada posición de ese eje.",
              "si los pesos son los mismos en todas las posiciones, ¿cuántas veces se cuentan? ¿Qué eje de la "
              "entrada determina cuántos pesos tiene cada neurona, y cuál de la salida cambia?"),
        mistakes=[
            (lambda f, u: ((u,), (int(np.prod(f)) + 1) * u), "no es un solo vector"),
            (lambda f, u: (tuple(f)[:-1] + (u,), (int(np.prod(f)) + 1) * u), "como si se aplanara"),
            (lambda f, u: (tuple(f)[:-1] + (u,), int(np.prod(f[:-1])) * (f[-1] + 1) * u), "número de posiciones"),
            (lambda f, u: (tuple(f)[:-1] + (u,), f[-1] * u), "olvidaste los sesgos"),
            (lambda f, u: (tuple(f)[:-1] + (u,), float(f"{(f[-1] + 1) * u:.2g}")), "recuento"),
            (lambda f, u: (f[-1] + 1) * u, "pareja"),
        ],
        fresh=_fresh_densa,
        forbidden=PARAMETER_COUNTERS + ("course_lib.nn.Dense.build", "course_lib.nn.Dense.compute_output_shape"),
    ),
    Exercise(
        id="08.2",
        title="Activación y pérdida de la capa de salida",
        verify=_verify_eleccion,
        solution=ELECCION_CORRECTA,
        hint=("pregúntate qué valores debe poder dar la salida en cada problema: cualquier número real, una "
              "probabilidad, K probabilidades que suman 1 o varias probabilidades independientes.",
              "la pérdida va con la salida: el ECM para números reales, y para probabilidades la entropía cruzada "
              "que corresponde; en la de clases excluyentes, fíjate en cómo vienen las etiquetas."),
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
            (_cambia("precio de una vivienda", ("linear", "mae")), "la pérdida debe ser una de"),
        ],
    ),
    Exercise(
        id="08.3",
        title="Parámetros de una red con normalización por lotes",
        verify=_verify_parametros_red_bn,
        solution=parametros_red_bn,
        hint=("cuenta las Dense como siempre y añade lo de cada normalización por lotes; repasa en la sección de los tipos "
              "de capas qué guarda una BatchNormalization por cada neurona que normaliza.",
              "una BatchNormalization guarda cuatro números por neurona: dos los mueve el gradiente y dos se "
              "actualizan con medias móviles. Y va detrás de las capas ocultas, no de la de salida."),
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
        fresh=_fresh_red_bn,
        forbidden=PARAMETER_COUNTERS,
    ),
    Exercise(
        id="08.4",
        title="Construir una red para los pingüinos",
        verify=_verify_modelo,
        solution=construir_modelo,
        hint=("una red necesita al menos una capa oculta con activación no lineal entre la entrada y la salida; la "
              "salida da una probabilidad por especie.",
              "empieza pequeño y cuenta los parámetros antes de entrenar (`model.count_params()`): con 4 entradas, "
              "unas decenas de neuronas ocultas bastan y quedan muy por debajo de 2000."),
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
