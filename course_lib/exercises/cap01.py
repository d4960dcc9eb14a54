"""Ejercicios del capítulo 01: la neurona artificial y la red neuronal."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close
from ._comun import PARAMETER_COUNTERS

# 01.1 — Capa de salida y pérdida para clasificar tres especies.

OUTPUT_OPTIONS = ("a", "b", "c", "d")
OUTPUT_EXPLANATIONS = {
    "a": "una neurona lineal con ECM es la salida de una regresión (un número real), no de una "
    "clasificación en tres clases.",
    "b": "una neurona sigmoide da la probabilidad de UNA clase frente a otra (clasificación binaria); "
    "con tres especies hacen falta tres probabilidades que sumen 1.",
    "d": "la función escalón tiene derivada 0, así que no se puede entrenar con descenso de gradiente; "
    "y el ECM no es la pérdida habitual para clasificar.",
}


def _verify_output(answer):
    expect_choice(answer, "c", OUTPUT_OPTIONS, OUTPUT_EXPLANATIONS)


# 01.2 — Preactivación de una neurona: z = w·x + b.

def preactivation(x, w, b):
    return np.dot(w, x) + b


PREACTIVATION_CASES = [
    (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), 0.5),
    (np.array([39.1, 18.7, 181.0, 3750.0]), np.array([0.02, -0.1, 0.01, 0.0005]), -2.0),
    (np.array([-1.0, 0.0]), np.array([3.0, 4.0]), 1.0),
]


def _verify_preactivation(function):
    for x, w, b in PREACTIVATION_CASES:
        got = call(function, x.copy(), w.copy(), b)
        expected = float(np.dot(w, x) + b)
        expect_close(
            got,
            expected,
            name="z",
            mistakes=[
                (np.dot(w, x), "falta sumar el sesgo b: z = w·x + b."),
                (np.dot(w, x) - b, "el sesgo se suma, no se resta: z = w·x + b."),
                (w * x + b, "z debe ser un solo número: multiplica elemento a elemento y SUMA los productos "
                 "(np.dot(w, x)), y después suma b."),
                (np.sum(w * x + b), "sumaste el sesgo una vez por cada entrada: b se suma una sola vez, después de "
                 "sumar los productos."),
                (np.sum(w) * np.sum(x) + b, "no es (Σw)·(Σx): cada entrada xᵢ se multiplica por SU peso wᵢ y "
                 "luego se suman los productos."),
            ],
        )


def _fresh_preactivation(rng):
    n = int(rng.integers(2, 7))
    return rng.normal(size=n), rng.normal(size=n), float(rng.normal())


# 01.3 — Número de parámetros de una red densa (un recuento: exacto).

def count_parameters(layer_sizes):
    return sum((n_in + 1) * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


PARAMETER_CASES = [[4, 5, 5, 3], [2, 1], [784, 128, 10], [3, 8, 8, 8, 1], [3072, 512, 256, 10]]


def _verify_count(function):
    for sizes in PARAMETER_CASES:
        got = call(function, list(sizes))
        pairs = list(zip(sizes[:-1], sizes[1:]))
        expect_close(
            got,
            count_parameters(sizes),
            name=f"el número de parámetros de la red {sizes}",
            mistakes=[
                (sum(a * b for a, b in pairs), "has contado solo los pesos: cada neurona (salvo las de entrada) "
                 "tiene además un sesgo."),
                (sum(sizes), "has contado neuronas, no parámetros: los parámetros son los pesos de las conexiones "
                 "y los sesgos."),
                (sum(a * b for a, b in pairs) + len(pairs), "cada neurona tiene su propio sesgo, no uno por capa: "
                 "una capa de n_entrada → n_salida tiene (n_entrada + 1)·n_salida parámetros."),
                (sum(a * (b + 1) for a, b in pairs), "los sesgos son uno por neurona de la capa de SALIDA de cada "
                 "par: (n_entrada + 1)·n_salida, no n_entrada·(n_salida + 1)."),
                (sum(a * b for a, b in pairs) + sum(sizes), "contaste también un sesgo para cada neurona de la "
                 "capa de entrada: las entradas no son neuronas, no tienen sesgo."),
            ],
        )


def _fresh_count(rng):
    return ([int(n) for n in rng.integers(1, 300, size=int(rng.integers(2, 6)))],)


# 01.4 — Un paso del perceptrón con etiquetas −1/+1 (la convención de Rosenblatt): un caso nuevo.
#        ŷ = +1 si w·x + b ≥ 0 y −1 si no; solo si ŷ ≠ y:  w ← w + η·y·x,  b ← b + η·y.


def perceptron_step(w, b, x, y, eta):
    y_hat = 1 if np.dot(w, x) + b >= 0 else -1
    if y_hat == y:
        return w, b
    return w + eta * y * x, b + eta * y


PERCEPTRON_CASES = [
    # (w, b, x, y, η): mal clasificado como −1, mal clasificado como +1, bien clasificado, frontera z = 0
    (np.array([0.5, -1.0]), -0.5, np.array([1.0, 0.5]), 1, 0.1),
    (np.array([1.0, 1.0]), 0.0, np.array([2.0, -1.0]), -1, 0.5),
    (np.array([1.0, 1.0]), 0.0, np.array([2.0, 1.0]), 1, 0.5),
    (np.array([0.0, 0.0, 0.0]), 0.0, np.array([1.0, -2.0, 3.0]), -1, 1.0),
]


def _verify_perceptron(function):
    for w, b, x, y, eta in PERCEPTRON_CASES:
        result = call(function, w.copy(), b, x.copy(), y, eta)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Incorrect("la función debe devolver dos cosas, los pesos y el sesgo nuevos: return w_nuevo, b_nuevo.")
        w_new, b_new = result
        z = np.dot(w, x) + b
        wrong = (1 if z >= 0 else -1) != y
        w_expected, b_expected = (w + eta * y * x, b + eta * y) if wrong else (w, b)
        strict_wrong = (1 if z > 0 else -1) != y     # quien escribe > en lugar de ≥
        strict = [] if strict_wrong == wrong else [
            (w + eta * y * x if strict_wrong else w, "con w·x + b = 0 la neurona debe predecir ŷ = +1: la regla es "
             "ŷ = +1 si w·x + b ≥ 0 (≥, no >)."),
        ]
        y_hat = 1 if z >= 0 else -1
        expect_close(
            w_new,
            w_expected,
            name="w_nuevo",
            mistakes=strict + [
                (w + 2 * eta * y * x if wrong else w,
                 "con etiquetas −1/+1, y − ŷ vale ±2: la fórmula de las etiquetas 0/1, w + η·(y − ŷ)·x, da el doble de "
                 "paso. Aquí la regla es w ← w + η·y·x, y solo si el ejemplo está mal clasificado."),
                (w - eta * y * x, "signo cambiado: la regla es w ← w + η·y·x (hacia la clase correcta)."),
                (w + eta * y * x, "si el ejemplo ya está bien clasificado (ŷ = y), los pesos no cambian."),
                (w + y * x, "falta multiplicar por la tasa de aprendizaje η."),
                (w + eta * y_hat * x, "el paso va en la dirección de la etiqueta real y, no de la predicción ŷ."),
            ],
        )
        expect_close(
            b_new,
            b_expected,
            name="b_nuevo",
            mistakes=[
                (b, "el sesgo también se actualiza cuando hay error: b ← b + η·y."),
                (b - eta * y, "signo cambiado en el sesgo: b ← b + η·y."),
                (b + 2 * eta * y, "con etiquetas −1/+1 el sesgo cambia η·y, no η·(y − ŷ) = 2η·y."),
            ],
        )


def _perceptron_no_bias(w, b, x, y, eta):
    return perceptron_step(w, b, x, y, eta)[0], b


def _perceptron_strict(w, b, x, y, eta):
    y_hat = 1 if np.dot(w, x) + b > 0 else -1
    return (w, b) if y_hat == y else (w + eta * y * x, b + eta * y)


def _perceptron_zero_one_rule(w, b, x, y, eta):
    y_hat = 1 if np.dot(w, x) + b >= 0 else -1
    return w + eta * (y - y_hat) * x, b + eta * (y - y_hat)


def _perceptron_in_place(w, b, x, y, eta):
    """Error típico: ``w += …`` cambia el array de quien llama (el enunciado lo prohíbe)."""
    if (1 if np.dot(w, x) + b >= 0 else -1) != y:
        w += eta * y * x
        b += eta * y
    return w, b


def _fresh_perceptron(rng):
    n = int(rng.integers(2, 6))
    return rng.normal(size=n), float(rng.normal()), rng.normal(size=n), int(rng.choice([-1, 1])), \
        float(rng.uniform(0.05, 1.0))


EXERCISES = [
    Exercise(
        id="01.1",
        title="La capa de salida para tres especies",
        verify=_verify_output,
        solution="c",
        hint=("¿cuántos números debe dar la red para un pingüino, y qué deben cumplir entre todos?",
              "una probabilidad por especie: cada una entre 0 y 1 y todas juntas sumando 1. ¿Qué activación de la "
              "sección 5 hace eso, y con qué pérdida se entrena?"),
        mistakes=[
            ("a", "regresión"),
            ("b", "binaria"),
            ("d", "escalón"),
            ("e", "debe ser una de"),
        ],
    ),
    Exercise(
        id="01.2",
        title="La preactivación de una neurona",
        verify=_verify_preactivation,
        solution=preactivation,
        hint=("cada entrada se multiplica por su propio peso, se suman todos los productos y al final se añade el "
              "sesgo, una sola vez.",
              "NumPy hace «multiplicar elemento a elemento y sumar» en un solo paso: es el producto escalar de dos "
              "vectores (busca np.dot o el operador @)."),
        mistakes=[
            (lambda x, w, b: np.dot(w, x), "falta sumar el sesgo"),
            (lambda x, w, b: np.dot(w, x) - b, "se suma, no se resta"),
            (lambda x, w, b: w * x + b, "un solo número"),
            (lambda x, w, b: np.sum(w * x + b), "una vez por cada entrada"),
            (lambda x, w, b: np.sum(w) * np.sum(x) + b, "SU peso"),
        ],
        fresh=_fresh_preactivation,
    ),
    Exercise(
        id="01.3",
        title="Contar los parámetros de una red densa",
        verify=_verify_count,
        solution=count_parameters,
        hint=("cada neurona (salvo las de entrada) tiene un peso por cada neurona de la capa anterior y un sesgo "
              "propio.",
              "recorre las parejas de capas consecutivas, por ejemplo con `zip(capas[:-1], capas[1:])`, y suma lo "
              "que aporta cada pareja; para [4, 5, 5, 3], la primera pareja (4, 5) aporta 25."),
        mistakes=[
            (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "solo los pesos"),
            (lambda s: sum(s), "has contado neuronas"),
            (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])) + len(s) - 1, "no uno por capa"),
            (lambda s: sum(a * (b + 1) for a, b in zip(s[:-1], s[1:])), "n_entrada·(n_salida + 1)"),
            (lambda s: float(f"{count_parameters(s):.3g}"), "recuento"),
        ],
        fresh=_fresh_count,
        forbidden=PARAMETER_COUNTERS,
    ),
    Exercise(
        id="01.4",
        title="Un paso del perceptrón con etiquetas −1/+1",
        verify=_verify_perceptron,
        solution=perceptron_step,
        hint=("primero la predicción ŷ (±1) con el signo de w·x + b; después, la regla solo actúa si ŷ ≠ y.",
              "con etiquetas ±1, para mover la frontera hacia la clase correcta basta sumar a w un múltiplo de x con "
              "el signo de la etiqueta real; piensa qué le pasa al sesgo, que es el peso de una entrada que vale "
              "siempre 1. Y no cambies w en su sitio: crea un array nuevo."),
        mistakes=[
            (_perceptron_zero_one_rule, "da el doble de paso"),
            (lambda w, b, x, y, eta: (w + eta * y * x, b + eta * y), "bien clasificado"),
            (_perceptron_no_bias, "el sesgo también se actualiza"),
            (_perceptron_strict, "≥, no >"),
            (_perceptron_in_place, "en su sitio"),
            (lambda w, b, x, y, eta: w + eta * x, "dos cosas"),
        ],
        fresh=_fresh_perceptron,
    ),
]
