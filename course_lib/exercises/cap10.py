"""Ejercicios del capítulo 10: redes convolucionales."""

import numpy as np

from ..checks import (Exercise, Incorrect, as_array, call, expect_choice, expect_close,
                      validation_accuracy_after_training)

# 10.1 — Retropropagación de la agrupación PROMEDIO 2×2 (el cuaderno hace la del máximo).

def avg_pool_backward(grad_y):
    """∂L/∂x de una agrupación promedio 2×2 con paso 2: cada gradiente de salida se reparte a partes
    iguales (1/4) entre los 4 píxeles de su ventana. (N, h, w, C) → (N, 2h, 2w, C)."""
    grad_y = np.asarray(grad_y, dtype=float)
    return np.repeat(np.repeat(grad_y, 2, axis=1), 2, axis=2) / 4


def _max_pool_style_backward(grad_y):
    """Error típico: todo el gradiente a un solo píxel de la ventana (como si fuera la del máximo)."""
    grad_y = np.asarray(grad_y, dtype=float)
    n, h, w, c = grad_y.shape
    grad_x = np.zeros((n, 2 * h, 2 * w, c))
    grad_x[:, ::2, ::2, :] = grad_y
    return grad_x


def _verify_avg_pool_backward(function):
    rng = np.random.default_rng(10)
    grad_y = rng.normal(size=(2, 3, 4, 5))
    got = as_array(call(function, grad_y.copy()), "el gradiente")
    expected = avg_pool_backward(grad_y)
    if got.shape == grad_y.shape:
        raise Incorrect(f"devolviste un array de forma {got.shape}, la de la SALIDA de la agrupación; ∂L/∂x tiene la "
                        f"forma de la ENTRADA: {expected.shape} (el doble de alto y de ancho).")
    expect_close(
        got,
        expected,
        name="∂L/∂x",
        mistakes=[
            (4 * expected, "falta dividir entre 4: cada salida es la MEDIA de 4 píxeles, y=(x₁+x₂+x₃+x₄)/4, así que "
                           "∂y/∂xᵢ = 1/4."),
            (2 * expected, "la ventana tiene 2×2 = 4 píxeles: se divide entre 4, no entre 2."),
            (_max_pool_style_backward(grad_y), "eso es la retropropagación de la agrupación MÁXIMA (todo a un píxel); "
                                               "en la media, los 4 píxeles de la ventana influyen por igual."),
        ],
    )


# 10.2 — Diseñar una CNN con un presupuesto de parámetros (MNIST 28×28).

PRESUPUESTO_CNN = 3000


def design_cnn():
    """Dos bloques convolución + ReLU + max pooling y una densa de salida: 2202 parámetros.

    28×28×1 → conv 5×5 (4) → 24×24×4 → pool → 12×12×4 → conv 5×5 (8) → 8×8×8 → pool → 4×4×8 = 128 → 10.
    """
    from .. import nn

    return nn.Sequential([
        nn.Conv2D(4, 5, activation="relu", input_shape=(28, 28, 1)),
        nn.MaxPooling2D(2),
        nn.Conv2D(8, 5, activation="relu"),
        nn.MaxPooling2D(2),
        nn.Flatten(), nn.Dense(10, activation="softmax"),
    ])


def _mnist_small():
    from ..data import load_mnist, train_val_test_split

    X, y = load_mnist()
    X_train, X_val, _, y_train, y_val, _ = train_val_test_split(X, y, val_size=0.1, test_size=0.2, seed=0)
    return X_train[:DIGITOS_10_2], y_train[:DIGITOS_10_2], X_val[:500], y_val[:500]


# Con 2000 dígitos y 3 épocas, las CNN pequeñas razonables (de 570 a 3000 parámetros, con o sin ReLU, con
# pooling o con paso 2) aciertan entre el 87 y el 95 % de la validación; con 1000 dígitos, alguna válida
# quedaba por debajo del 80 % (medido con nn.set_seed(0); ver docs/decisiones.md, «Ejercicios»).
DIGITOS_10_2 = 2000
EXACTITUD_10_2 = 0.8


def _verify_cnn_design(function):
    from .. import nn

    nn.set_seed(0)
    model = call(function)
    if not isinstance(model, nn.Sequential):
        raise Incorrect(f"se esperaba un nn.Sequential; recibí {type(model).__name__}.")
    try:
        model.build((28, 28, 1))
    except nn.CourseError as exc:
        raise Incorrect(f"el modelo no acepta imágenes 28×28×1: {exc}") from None
    if not any(isinstance(layer, nn.Conv2D) for layer in model.layers):
        raise Incorrect("no hay ninguna Conv2D: un MLP que cabe en el presupuesto tiene que estrujar los 784 píxeles "
                        "en muy pocas neuronas. Se pide una red convolucional.")
    if tuple(model.output_shape)[1:] != (10,):   # output_shape lleva el eje del lote, como en Keras: (None, 10)
        raise Incorrect(f"la salida tiene forma {tuple(model.output_shape)[1:]}; hay 10 dígitos: termina con "
                        "Dense(10, ...).")
    n_params = model.count_params()
    if n_params > PRESUPUESTO_CNN:
        densas = [(layer, layer.count_params()) for layer in model.layers if isinstance(layer, nn.Dense)]
        mayor = max((c for _, c in densas), default=0)
        consejo = (" Casi todos están en una capa densa: reduce el mapa antes de aplanar (más max pooling o menos "
                   "filtros en la última convolución)." if mayor > n_params / 2 else " Usa menos filtros.")
        raise Incorrect(f"el modelo tiene {n_params} parámetros y el presupuesto es {PRESUPUESTO_CNN}.{consejo}")

    # Una «CNN» necesita al menos un filtro espacial: con solo convoluciones 1×1 es una regresión logística disfrazada.
    if all(np.prod(layer.kernel_size) == 1 for layer in model.layers if isinstance(layer, nn.Conv2D)):
        raise Incorrect("todas tus convoluciones son de 1×1: cada salida mira un solo píxel, así que no detectan "
                        "bordes ni formas y el modelo es, en el fondo, una regresión logística sobre píxeles sueltos. "
                        "Una CNN necesita filtros que cubran una zona, como 3×3 o 5×5.")
    X_train, y_train, X_val, y_val = _mnist_small()
    accuracy = validation_accuracy_after_training(model, X_train, y_train, X_val, y_val, epochs=3)
    if accuracy < EXACTITUD_10_2:
        raise Incorrect(f"cumple el presupuesto ({n_params} parámetros), pero tras 3 épocas con {DIGITOS_10_2} dígitos "
                        f"acierta solo el {100 * accuracy:.0f} % de la validación (se pide un "
                        f"{100 * EXACTITUD_10_2:.0f} %). {_consejo_cnn(model)}")


def _consejo_cnn(model):
    """Qué mirar cuando una CNN dentro del presupuesto aprende poco (sin afirmar una causa que no se ha visto)."""
    from .. import nn

    flatten = next((i for i, layer in enumerate(model.layers) if isinstance(layer, nn.Flatten)), None)
    if flatten is not None:
        forma = tuple(model.layers[flatten].output_shape)
        aplanados = int(np.prod([n for n in forma if n is not None]))   # sin el eje del lote, si lo lleva
        if aplanados < 40:
            return (f"Solo llegan {aplanados} números a la capa densa: reduces el mapa demasiado (mucho pooling o pasos "
                    "grandes) o usas muy pocos filtros en la última convolución.")
    densas = [layer for layer in model.layers if isinstance(layer, nn.Dense)][:-1]
    if densas and min(layer.units for layer in densas) < 10:
        return "Una capa densa oculta con menos de 10 neuronas es un cuello de botella para 10 clases."
    return ("Prueba con algo más de filtros en la primera convolución (4–8) y con menos reducción antes de aplanar, "
            "sin pasarte del presupuesto.")


def _mlp_in_budget():
    from .. import nn

    return nn.Sequential([nn.Flatten(input_shape=(28, 28, 1)), nn.Dense(3, activation="relu"),
                          nn.Dense(10, activation="softmax")])


def _cnn_without_pooling():
    from .. import nn

    return nn.Sequential([nn.Conv2D(4, 5, activation="relu", input_shape=(28, 28, 1)), nn.Flatten(),
                          nn.Dense(10, activation="softmax")])


def _cnn_too_many_filters():
    from .. import nn

    return nn.Sequential([nn.Conv2D(16, 5, activation="relu", input_shape=(28, 28, 1)), nn.MaxPooling2D(2),
                          nn.Conv2D(32, 5, activation="relu"), nn.MaxPooling2D(2), nn.Flatten(),
                          nn.Dense(10, activation="softmax")])


def _cnn_1x1():
    """Error típico: «convoluciones» de 1×1, una regresión logística disfrazada de CNN."""
    from .. import nn

    return nn.Sequential([nn.Conv2D(3, 1, activation="relu", input_shape=(28, 28, 1)), nn.MaxPooling2D(4), nn.Flatten(),
                          nn.Dense(10, activation="softmax")])


def _cnn_without_softmax():
    from .. import nn

    return nn.Sequential([nn.Conv2D(4, 5, activation="relu", input_shape=(28, 28, 1)), nn.MaxPooling2D(2),
                          nn.Conv2D(8, 5, activation="relu"), nn.MaxPooling2D(2), nn.Flatten(), nn.Dense(10)])


# 10.3 — Cuántos bloques hacen falta para que una neurona vea todo el dígito.

def blocks_needed(n, f):
    """Mínimo de bloques [conv f×f, paso 1] + [max pool 2×2, paso 2] con campo receptivo ≥ n.

    Cada bloque suma f·j al campo receptivo ((f − 1)·j la convolución y 1·j el pooling) y duplica el
    salto j: tras k bloques, r = 1 + f·(2^k − 1).
    """
    r, j, k = 1, 1, 0
    while r < n:
        r, j, k = r + f * j, 2 * j, k + 1
    return k


def _blocks_without_jumps(n, f):
    r, k = 1, 0
    while r < n:
        r, k = r + f, k + 1
    return k


def _blocks_conv_only(n, f):
    r, j, k = 1, 1, 0
    while r < n:
        r, j, k = r + (f - 1) * j, 2 * j, k + 1
    return k


def _blocks_strict(n, f):
    r, j, k = 1, 1, 0
    while r <= n:
        r, j, k = r + f * j, 2 * j, k + 1
    return k


_BLOCK_CASES = [(28, 5), (28, 3), (32, 5), (16, 5), (100, 3), (6, 5), (7, 3), (224, 7), (1, 3)]


def _verify_blocks(function):
    got = [call(function, n, f) for n, f in _BLOCK_CASES]
    expected = [blocks_needed(n, f) for n, f in _BLOCK_CASES]
    expect_close(
        got,
        expected,
        name="el número de bloques",
        mistakes=[
            ([_blocks_without_jumps(n, f) for n, f in _BLOCK_CASES],
             "sumas siempre f píxeles por bloque: olvidaste el salto j, que se duplica tras cada pooling y hace "
             "crecer el campo receptivo cada vez más deprisa."),
            ([_blocks_conv_only(n, f) for n, f in _BLOCK_CASES],
             "el max pooling 2×2 también agranda el campo receptivo (suma (2 − 1)·j), no solo la convolución."),
            ([_blocks_strict(n, f) for n, f in _BLOCK_CASES],
             "basta con que el campo receptivo sea IGUAL a n (r ≥ n); tú exiges que lo supere."),
        ],
        rtol=0,
        atol=0,
    )


# 10.4 — Qué da el max pooling (errata CNN-06).

def _verify_pooling_choice(answer):
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
        title="Retropropagación de la agrupación promedio",
        verify=_verify_avg_pool_backward,
        solution=avg_pool_backward,
        hint=("en la agrupación máxima, todo el gradiente de una ventana va al píxel que ganó; en la promedio, los "
              "cuatro píxeles influyeron en la salida: ¿cuánto influye cada uno? (deriva y respecto a x₁).",
              "cada valor de g se reparte en su ventana 2×2 de la entrada: la salida tiene el doble de alto y de "
              "ancho. `np.repeat` en los ejes de alto y ancho copia cada valor en su ventana; falta el factor."),
        mistakes=[
            (lambda g: np.repeat(np.repeat(np.asarray(g, float), 2, axis=1), 2, axis=2), "falta dividir entre 4"),
            (lambda g: np.repeat(np.repeat(np.asarray(g, float), 2, axis=1), 2, axis=2) / 2, "no entre 2"),
            (_max_pool_style_backward, "agrupación MÁXIMA"),
            (lambda g: np.asarray(g, float) / 4, "forma de la ENTRADA"),
        ],
        fresh=lambda rng: (rng.normal(size=(int(rng.integers(1, 3)), int(rng.integers(1, 5)), int(rng.integers(1, 5)),
                                            int(rng.integers(1, 4)))),),
        forbidden=("course_lib.nn.AveragePooling2D.backward",),
    ),
    Exercise(
        id="10.2",
        title="Una CNN con un presupuesto de parámetros",
        verify=_verify_cnn_design,
        solution=design_cnn,
        hint=("casi todos los parámetros de una CNN pequeña están en la capa densa tras el aplanado, y esa capa "
              "cuesta más cuanto más grande es el mapa que se aplana.",
              "calcula, capa a capa, el tamaño de los mapas con la fórmula del capítulo 09 y los parámetros de cada "
              "capa (`model.count_params()` te lo confirma); reduce el mapa antes de aplanar con pooling y usa pocos "
              "filtros (entre 2 y 8)."),
        mistakes=[
            (_mlp_in_budget, "no hay ninguna Conv2D"),
            (_cnn_without_pooling, "reduce el mapa antes de aplanar"),
            (_cnn_too_many_filters, "el presupuesto es"),
            (_cnn_without_softmax, "softmax"),
            (lambda: "cnn", "nn.Sequential"),
            (_cnn_1x1, "1×1"),
        ],
    ),
    Exercise(
        id="10.3",
        title="Bloques para ver el dígito entero",
        verify=_verify_blocks,
        solution=blocks_needed,
        hint=("usa la recurrencia del campo receptivo de la sección 8 capa a capa: lo que suma cada capa depende del "
              "salto j acumulado, y cada pooling de paso 2 lo duplica.",
              "lleva dos variables, el campo receptivo r (empieza en 1) y el salto j (empieza en 1); aplica un bloque "
              "entero (la convolución y después el pooling) cada vez, hasta que r llegue a n, y cuenta los bloques."),
        mistakes=[
            (_blocks_without_jumps, "olvidaste el salto j"),
            (_blocks_conv_only, "también agranda"),
            (_blocks_strict, "IGUAL a n"),
        ],
        fresh=lambda rng: (int(rng.integers(1, 500)), int(rng.choice([2, 3, 5, 7]))),
    ),
    Exercise(
        id="10.4",
        title="Qué hace el max pooling",
        verify=_verify_pooling_choice,
        solution="b",
        hint=("piensa en tres cosas: qué pasa con la profundidad de la salida, si la capa tiene algo que aprender y "
              "qué le ocurrió al dígito girado 90° de la sección 10.",
              "el max pooling elige el máximo de cada ventana 2×2 dentro de cada canal por separado."),
        mistakes=[
            ("a", "leve tolerancia"),
            ("c", "cada canal por separado"),
            ("d", "no añade nada al coste"),
            ("e", "debe ser una de"),
        ],
    ),
]
