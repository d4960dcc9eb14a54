"""Ejercicios del capítulo 02: funciones de activación."""

import numpy as np

from ..checks import Exercise, Incorrect, as_array, call, expect_choice, expect_close

Z_TEST = np.linspace(-6.0, 6.0, 25)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# 02.1 — Derivada de la sigmoide: σ'(z) = σ(z)·(1 − σ(z)).

def sigmoid_derivative(z):
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 - s)


def _verify_sigmoid_derivative(function):
    got = call(function, Z_TEST.copy())
    s = _sigmoid(Z_TEST)
    expect_close(
        got,
        s * (1 - s),
        name="σ'(z)",
        mistakes=[
            (s, "devolviste σ(z), no su derivada σ'(z) = σ(z)·(1 − σ(z))."),
            (Z_TEST * (1 - Z_TEST), "aplicaste la fórmula a z en lugar de a σ(z): σ'(z) = σ(z)·(1 − σ(z))."),
            (s * (1 + s), "revisa el signo: es σ(z)·(1 − σ(z)), no σ(z)·(1 + σ(z))."),
        ],
    )


EXERCISES = [
    Exercise(
        id="02.1",
        title="Derivada de la sigmoide",
        verify=_verify_sigmoid_derivative,
        solution=sigmoid_derivative,
        hint=("la derivada de la sigmoide se puede escribir con la propia sigmoide: deriva 1/(1 + e^(−z)) con la "
              "regla de la cadena y verás aparecer σ(z) dos veces.",
              "guarda primero s = σ(z) en una variable; la derivada es s multiplicada por una expresión muy sencilla "
              "de s (comprueba tu fórmula en z = 0, donde σ'(0) = 0,25)."),
        mistakes=[
            (_sigmoid, "devolviste σ(z)"),
            (lambda z: z * (1 - z), "aplicaste la fórmula a z"),
            (lambda z: _sigmoid(z) * (1 + _sigmoid(z)), "revisa el signo"),
            (lambda z: _sigmoid(z)[:-1], "forma"),
            (lambda z: "hola", "número"),
        ],
        fresh=lambda rng: (rng.normal(0, 4, size=int(rng.integers(5, 30))),),
        forbidden=("course_lib.nn.activations.Sigmoid.derivative", "course_lib.nn.activations.Sigmoid.backward"),
    ),
]


# 02.2 — El rango de una activación nueva: ReLU6(z) = min(max(0, z), 6) (MobileNet; relu6 en Keras).

RANGE_OPTIONS = ("a", "b", "c", "d")
RANGE_EXPLANATIONS = {
    "a": "[0, 1] es el rango de una probabilidad (o del escalón); ReLU6 deja pasar z tal cual entre 0 y 6: "
         "ReLU6(3) = 3.",
    "c": "[0, +∞) es el rango de ReLU; ReLU6 se recorta arriba: min(·, 6) nunca pasa de 6 (ReLU6(100) = 6).",
    "d": "el max(0, ·) impide los valores negativos: ReLU6(−3) = 0.",
}


def _verify_relu_range(answer):
    expect_choice(answer, "b", RANGE_OPTIONS, RANGE_EXPLANATIONS)


# 02.3 — Derivada de Leaky ReLU: f'(z) = 1 si z > 0 y α si z < 0.

Z_NONZERO = np.array([-5.0, -2.5, -1.0, -0.3, -0.01, 0.01, 0.4, 1.0, 3.0, 7.5])


def leaky_relu_derivative(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha)


def _verify_leaky_relu_derivative(function):
    for alpha in (0.01, 0.2):
        got = call(function, Z_NONZERO.copy(), alpha=alpha)
        expect_close(
            got,
            np.where(Z_NONZERO > 0, 1.0, alpha),
            name=f"f'(z) con α = {alpha}",
            mistakes=[
                (np.where(Z_NONZERO > 0, 1.0, 0.0), "esa es la derivada de ReLU: en Leaky ReLU la pendiente para z < 0 "
                 "es α, no 0 (por eso la neurona no muere)."),
                (np.where(Z_NONZERO > 0, Z_NONZERO, alpha * Z_NONZERO), "devolviste la función f(z), no su derivada f'(z)."),
                (np.where(Z_NONZERO > 0, 1.0, -alpha), "la pendiente para z < 0 es +α (la función baja hacia la "
                 "izquierda, pero su pendiente es positiva)."),
                (np.where(Z_NONZERO > 0, 1.0, 0.01), "usa el argumento alpha que recibe la función en lugar de un "
                 "valor fijo de 0,01."),
                (np.where(Z_NONZERO > 0, 1.0, 0.2), "usa el argumento alpha que recibe la función en lugar de un "
                 "valor fijo de 0,2."),
            ],
        )


# 02.4 — Log-softmax estable: log softmax(z)ₖ = zₖ − m − log Σⱼ e^(zⱼ − m), con m = máxⱼ zⱼ.
# La idea del cuaderno (restar el máximo) aplicada a un caso nuevo: el logaritmo del softmax, que es
# lo que usa la entropía cruzada (capítulo 03) y lo que devuelve ``log_softmax`` en PyTorch.

LOG_SOFTMAX_MODERATE = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 1.0], [2.0, 2.0, -1.0]])
LOG_SOFTMAX_LARGE = np.array([[1000.0, 1001.0, 1002.0], [0.0, -1000.0, 5.0]])


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def _log_of_softmax(z):
    with np.errstate(all="ignore"):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return np.log(e / e.sum(axis=1, keepdims=True))


def _log_softmax_without_max(z):
    with np.errstate(all="ignore"):
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _log_softmax_wrong_axis(z):
    m = z.max(axis=0, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=0, keepdims=True))


def _verify_log_softmax(function):
    for z, large in ((LOG_SOFTMAX_MODERATE, False), (LOG_SOFTMAX_LARGE, True)):
        got = as_array(call(function, z.copy()), "log_softmax(z)")
        if large and got.shape == z.shape and not np.all(np.isfinite(got)):
            if np.all(np.isfinite(got[0])):
                raise Incorrect(
                    "con z = [0, −1000, 5] sale −∞: calculaste log(softmax(z)), y el softmax de −1000 es tan "
                    "pequeño que se redondea a 0 (log 0 = −∞). No pases por el softmax: "
                    "log softmax(z)ₖ = zₖ − m − log Σⱼ e^(zⱼ − m), con m el máximo de la fila."
                )
            raise Incorrect(
                "con z = [1000, 1001, 1002] sale NaN o infinito: e^1000 desborda. Resta el máximo de cada fila "
                "antes de exponenciar: log Σⱼ e^(zⱼ) = m + log Σⱼ e^(zⱼ − m)."
            )
        m = z.max(axis=1, keepdims=True)
        e = np.exp(z - m)
        expect_close(
            got,
            log_softmax(z),
            name="log_softmax(z)",
            mistakes=[
                (_log_softmax_wrong_axis(z), "normalizaste por columnas (axis=0): cada FILA es un ejemplo; usa "
                                             "axis=1 y keepdims=True."),
                (e / e.sum(axis=1, keepdims=True), "devolviste el softmax, no su logaritmo."),
                (z - m - e.sum(axis=1, keepdims=True), "falta el logaritmo de la suma: "
                                                       "log softmax(z)ₖ = zₖ − m − log Σⱼ e^(zⱼ − m)."),
                (z - np.log(e.sum(axis=1, keepdims=True)), "restaste el máximo dentro de la exponencial pero "
                 "no fuera: log Σⱼ e^(zⱼ) = m + log Σⱼ e^(zⱼ − m), así que también hay que restar m."),
            ],
        )


def _fresh_leaky(rng):
    z = rng.normal(0, 3, size=12)
    return np.where(np.abs(z) < 1e-3, 1.0, z), float(rng.uniform(0.01, 0.5))


EXERCISES += [
    Exercise(
        id="02.2",
        title="El rango de ReLU6",
        verify=_verify_relu_range,
        solution="b",
        hint=("calcula a mano ReLU6(−3), ReLU6(0), ReLU6(3) y ReLU6(1000): ¿cuál es el menor valor posible y cuál "
              "el mayor?",
              "el max(0, ·) actúa sobre los negativos y el min(·, 6) sobre los valores grandes; entre los dos, la "
              "función deja pasar z tal cual."),
        mistakes=[
            ("a", "probabilidad"),
            ("c", "rango de ReLU"),
            ("d", "valores negativos"),
        ],
    ),
    Exercise(
        id="02.3",
        title="Derivada de Leaky ReLU",
        verify=_verify_leaky_relu_derivative,
        solution=leaky_relu_derivative,
        hint=("Leaky ReLU es una recta de pendiente 1 para z > 0 y otra de pendiente α para z < 0: su derivada es la "
              "pendiente de cada tramo.",
              "`np.where(condición, a, b)` elige elemento a elemento entre dos valores; usa el argumento alpha, no un "
              "número fijo."),
        mistakes=[
            (lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.0), "derivada de ReLU"),
            (lambda z, alpha=0.01: np.where(z > 0, z, alpha * z), "devolviste la función"),
            (lambda z, alpha=0.01: np.where(z > 0, 1.0, -alpha), "+α"),
            (lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01), "usa el argumento alpha"),
        ],
        fresh=_fresh_leaky,
        forbidden=("course_lib.nn.activations.LeakyReLU.derivative", "course_lib.nn.activations.LeakyReLU.backward"),
    ),
    Exercise(
        id="02.4",
        title="Log-softmax estable",
        verify=_verify_log_softmax,
        solution=log_softmax,
        hint=("aplica al logaritmo la misma idea que hace estable al softmax: restar a cada fila su máximo no cambia "
              "el resultado y evita que e^z desborde; además hay que evitar log(0).",
              "no calcules el softmax para después tomar su logaritmo: simplifica primero "
              "log softmax(z)ₖ = log(e^(zₖ) / Σⱼ e^(zⱼ)) y aplica el truco del máximo solo a la suma (con "
              "`keepdims=True`, para que las formas encajen)."),
        mistakes=[
            (_log_of_softmax, "log 0 = −∞"),
            (_log_softmax_without_max, "desborda"),
            (_log_softmax_wrong_axis, "por columnas"),
            (lambda z: np.exp(z - z.max(axis=1, keepdims=True))
             / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True), "no su logaritmo"),
        ],
        fresh=lambda rng: (rng.normal(0, 3, size=(int(rng.integers(2, 6)), int(rng.integers(2, 6))))
                           + rng.choice([0.0, 800.0], size=(1, 1)),),
        forbidden=("scipy.special.log_softmax", "scipy.special.logsumexp", "scipy.special.softmax"),
    ),
]
