"""Ejercicios del capítulo 05: retropropagación y bucle de entrenamiento."""

import math

import numpy as np

from ..checks import Incorrect, Exercise, call, expect_close

# --------------------------------------------------------------------------------------------
# 05.1 — Iteraciones totales: épocas · ⌈m/B⌉.
# --------------------------------------------------------------------------------------------

_ITERATION_CASES = [(238, 16, 60), (1000, 32, 10), (342, 1, 3), (100, 100, 7), (50, 64, 4), (1797, 128, 5)]


def total_iterations(m, B, epochs):
    """Cada época recorre los m ejemplos en ⌈m/B⌉ mini-lotes (el último puede ser más pequeño)."""
    return epochs * math.ceil(m / B)


def _verify_total_iterations(function):
    for m, B, epochs in _ITERATION_CASES:
        got = call(function, m, B, epochs)
        expect_close(
            got,
            epochs * math.ceil(m / B),
            name=f"el número de iteraciones con m = {m}, B = {B} y {epochs} épocas",
            mistakes=[
                (epochs * (m // B), "redondeaste hacia abajo (m // B): el último mini-lote, aunque esté "
                                    "incompleto, también es una iteración. Usa ⌈m/B⌉ (math.ceil)."),
                (epochs * m / B, "m/B no siempre es entero: el número de lotes es ⌈m/B⌉ (math.ceil)."),
                ((epochs * m) // B, "calculaste (épocas·m) // B, como si los ejemplos de una época continuaran en "
                                    "la siguiente; cada época termina con su propio último lote: épocas·⌈m/B⌉."),
                (math.ceil(epochs * m / B), "calculaste ⌈épocas·m/B⌉, como si los ejemplos de una época continuaran "
                                            "en la siguiente; cada época termina con su propio último lote: épocas·⌈m/B⌉."),
                (math.ceil(m / B), "eso son las iteraciones de UNA época; multiplica por el número de épocas."),
                (epochs, "una época no es una iteración: en cada época hay ⌈m/B⌉ actualizaciones."),
                (epochs * m, "eso sería con B = 1 (SGD puro); con lotes de B ejemplos hay ⌈m/B⌉ por época."),
            ],
        )


# --------------------------------------------------------------------------------------------
# 05.2 — Regla de la cadena en una neurona: ∂L/∂w = 2(ŷ − y)·σ'(z)·x.
# --------------------------------------------------------------------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _neuron_cases():
    rng = np.random.default_rng(7)
    return [(rng.normal(size=6), rng.uniform(0, 1, size=6), 0.8, -0.3),
            (rng.normal(size=4), rng.integers(0, 2, size=4).astype(float), -1.2, 0.5)]


_NEURON_CASES = _neuron_cases()


def neuron_weight_derivative(x, y, w, b):
    """∂L/∂w = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w = 2(ŷ − y) · ŷ(1 − ŷ) · x."""
    y_hat = 1.0 / (1.0 + np.exp(-(w * x + b)))
    return 2 * (y_hat - y) * y_hat * (1 - y_hat) * x


def _verify_neuron_weight_derivative(function):
    for x, y, w, b in _NEURON_CASES:
        got = call(function, x.copy(), y.copy(), w, b)
        y_hat = _sigmoid(w * x + b)
        slope = y_hat * (1 - y_hat)
        expect_close(
            got,
            2 * (y_hat - y) * slope * x,
            name="∂L/∂w",
            mistakes=[
                (2 * (y_hat - y) * x, "falta la derivada de la activación: ∂ŷ/∂z = σ'(z) = ŷ(1 − ŷ)."),
                (2 * (y_hat - y) * slope, "falta el último eslabón ∂z/∂w = x (eso es ∂L/∂b)."),
                ((y_hat - y) * slope * x, "falta el factor 2 de derivar el cuadrado: d(ŷ − y)²/dŷ = 2(ŷ − y)."),
                (2 * (y_hat - y) * _sigmoid(x) * (1 - _sigmoid(x)) * x,
                 "calculaste σ'(x); la derivada de la activación se evalúa en z = w·x + b."),
                (2 * (y_hat - y) * y_hat * x, "σ'(z) = σ(z)(1 − σ(z)): falta el factor (1 − ŷ)."),
                (2 * (y_hat - y) * slope * x * w, "multiplicaste también por w: ∂z/∂w = x, no x·w."),
            ],
        )


# --------------------------------------------------------------------------------------------
# 05.3 — Pasada hacia atrás de una red de dos capas (tanh + softmax con entropía cruzada).
# --------------------------------------------------------------------------------------------

def _two_layer_case(m, n, H, K, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    W1, b1 = rng.normal(scale=0.7, size=(n, H)), rng.normal(scale=0.1, size=H)
    W2, b2 = rng.normal(scale=0.7, size=(H, K)), rng.normal(scale=0.1, size=K)
    Y = np.eye(K)[rng.integers(0, K, size=m)]
    A1 = np.tanh(X @ W1 + b1)
    Z2 = A1 @ W2 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return X, Y, A1, W2, P


_BACKWARD_CASES = [_two_layer_case(8, 3, 5, 4, seed=1), _two_layer_case(11, 4, 6, 3, seed=2)]


def two_layer_backward(X, Y, A1, W2, P):
    """Hacia atrás: dZ2 = (P − Y)/m; dW2 = A1ᵀdZ2; db2 = Σ dZ2; dZ1 = (dZ2 W2ᵀ)⊙(1 − A1²); dW1 = XᵀdZ1; db1 = Σ dZ1."""
    m = len(X)
    dZ2 = (P - Y) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * (1 - A1 ** 2)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return dW1, db1, dW2, db2


RELU_DERIVATIVE = ("usaste la derivada de ReLU (1 si z > 0, si no 0), la del perceptrón multicapa desde cero del cuaderno; aquí la capa "
                   "oculta es tanh, cuya derivada es tanh'(z) = 1 − tanh²(z) = 1 − A1².")


def _relu_backward(X, Y, A1, W2, P):
    """Error típico: copiar el dZ1 de la sección 4, escrito para ReLU."""
    dW1, db1, dW2, db2 = two_layer_backward(X, Y, A1, W2, P)
    dZ1 = ((P - Y) / len(X) @ W2.T) * (A1 > 0)
    return X.T @ dZ1, dZ1.sum(axis=0), dW2, db2


def _verify_two_layer_backward(function):
    names = ("dW1", "db1", "dW2", "db2")
    for X, Y, A1, W2, P in _BACKWARD_CASES:
        m = len(X)
        got = call(function, X.copy(), Y.copy(), A1.copy(), W2.copy(), P.copy())
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            raise Incorrect("se esperaba una tupla de cuatro arrays: (dW1, db1, dW2, db2).")
        dW1, db1, dW2, db2 = two_layer_backward(X, Y, A1, W2, P)
        dZ2 = (P - Y) / m
        dZ1_no_derivative = dZ2 @ W2.T
        mistakes = {
            "dW1": [
                (X.T @ dZ1_no_derivative, "falta la derivada de la activación oculta: dZ1 = (dZ2·W2ᵀ) ⊙ (1 − A1²)."),
                (X.T @ (dZ1_no_derivative * (1 - np.tanh(A1) ** 2)),
                 "aplicaste tanh otra vez: A1 ya es tanh(Z1), así que tanh'(Z1) = 1 − A1²."),
                (X.T @ (dZ1_no_derivative * A1 * (1 - A1)),
                 "esa es la derivada de la sigmoide; la de tanh es 1 − A1²."),
                (X.T @ (dZ1_no_derivative * (A1 > 0)), RELU_DERIVATIVE),
            ],
            "db1": [
                (dZ1_no_derivative.sum(axis=0), "falta la derivada de la activación oculta: dZ1 = (dZ2·W2ᵀ) ⊙ (1 − A1²)."),
                ((dZ1_no_derivative * (A1 > 0)).sum(axis=0), RELU_DERIVATIVE),
            ],
            "dW2": [
                (A1.T @ (P - Y), "falta dividir entre m: el coste es un promedio, dZ2 = (P − Y)/m."),
                (A1.T @ (Y - P) / m, "el signo está cambiado: dZ2 = (P − Y)/m, predicción menos etiqueta."),
            ],
            "db2": [],
        }
        for name, got_array, expected in zip(names, got, (dW1, db1, dW2, db2)):
            shape = np.shape(got_array)
            if name.startswith("db") and len(shape) == 1 and shape[0] == m and m != expected.shape[0]:
                raise Incorrect(f"{name} tiene forma ({m},): sumaste sobre el eje equivocado. El gradiente del "
                                "sesgo suma sobre los ejemplos: .sum(axis=0).")
            expect_close(got_array, expected, name=name, mistakes=mistakes[name], m=m)


# --------------------------------------------------------------------------------------------
# 05.4 — Recorte por norma global: todos los gradientes por el mismo factor c / max(N, c).
# --------------------------------------------------------------------------------------------

def _clip_cases():
    rng = np.random.default_rng(12)
    big = [rng.normal(size=(4, 3)) * 5, rng.normal(size=3) * 5, rng.normal(size=(3, 2)) * 5]
    small = [rng.normal(size=(2, 2)) * 0.01, rng.normal(size=2) * 0.01]
    return [(big, 1.0), (big, 4.0), (small, 1.0)]


_CLIP_CASES = _clip_cases()


def global_clip(gradients, c):
    """g_j ← g_j · c / max(N, c) con N = √(Σ_j ‖g_j‖²): la norma de todos los gradientes juntos."""
    total_norm = np.sqrt(sum(np.sum(np.square(g)) for g in gradients))
    return [g * (c / max(total_norm, c)) for g in gradients]


def _clip_mistakes(originals, c):
    """Lo que darían los errores típicos del recorte global, cada uno como lista completa de arrays."""
    norms = [np.linalg.norm(g) for g in originals]
    norm = np.sqrt(sum(n ** 2 for n in norms))
    return [
        ([g * c / max(sum(norms), c) for g in originals],
         "sumaste las normas de los gradientes, N = Σ‖g_j‖: la norma global trata todos los gradientes como UN solo "
         "vector, así que suma los CUADRADOS de todos sus componentes y después hace la raíz, N = √(Σ‖g_j‖²)."),
        ([g * c / max(n, c) for g, n in zip(originals, norms)],
         "recortaste cada gradiente con su propia norma (eso es clipnorm); el recorte global usa la norma de TODOS "
         "juntos, N = √(Σ‖g_j‖²), y un único factor."),
        ([g * c / max(max(norms), c) for g in originals],
         "usaste la mayor de las normas de los gradientes; la norma global es la de todos juntos, como un solo "
         "vector: N = √(Σ‖g_j‖²)."),
        ([np.clip(g, -c, c) for g in originals],
         "eso es clipvalue (recortar cada componente a [−c, c]); aquí se reescala todo por c / max(N, c) y la "
         "dirección no cambia."),
        ([g * c / norm for g in originals], "si N ≤ c los gradientes no cambian: el factor es c / max(N, c), no c / N."),
        ([g / norm for g in originals], "el factor es c / max(N, c): falta multiplicar por c, y si N ≤ c no se toca."),
    ]


def _all_close(got, arrays):
    return all(np.shape(g) == a.shape and np.allclose(np.asarray(g, dtype=float), a, rtol=1e-5, atol=1e-8)
               for g, a in zip(got, arrays))


def _verify_global_clip(function):
    for gradients, c in _CLIP_CASES:
        originals = [g.copy() for g in gradients]
        got = call(function, [g.copy() for g in gradients], c)
        if not isinstance(got, (list, tuple)) or len(got) != len(gradients):
            raise Incorrect(f"se esperaba una lista con {len(gradients)} arrays, uno por gradiente; "
                            f"recibí {type(got).__name__}.")
        expected = global_clip(originals, c)
        if not _all_close(got, expected):
            for wrong, diagnosis in _clip_mistakes(originals, c):
                if _all_close(got, wrong):
                    raise Incorrect(diagnosis)
        for j, (g_got, g_expected) in enumerate(zip(got, expected)):
            expect_close(g_got, g_expected, name=f"el gradiente {j} (con c = {c:g})".replace(".", ","))


def _fresh_neuron(rng):
    m = int(rng.integers(3, 10))
    return rng.normal(size=m), rng.uniform(0, 1, size=m), float(rng.normal()), float(rng.normal())


def _fresh_clip(rng):
    scale = rng.choice([0.01, 5.0])
    gradients = [rng.normal(size=tuple(int(n) for n in rng.integers(1, 5, size=2))) * scale
                 for _ in range(int(rng.integers(1, 4)))]
    return gradients, float(rng.uniform(0.5, 3.0))


EXERCISES = [
    Exercise(
        id="05.1",
        title="Iteraciones de un entrenamiento",
        verify=_verify_total_iterations,
        solution=total_iterations,
        hint=("cada mini-lote da una actualización de los pesos; una época recorre los m ejemplos una vez.",
              "¿cuántos mini-lotes de B ejemplos hacen falta para recorrer m ejemplos si el último puede quedar "
              "incompleto? Piensa en m = 10 y B = 4 (`math.ceil` redondea hacia arriba)."),
        mistakes=[
            (lambda m, B, epochs: epochs * (m // B), "redondeaste hacia abajo"),
            (lambda m, B, epochs: math.ceil(m / B), "multiplica por el número de épocas"),
            (lambda m, B, epochs: epochs, "una época no es una iteración"),
            (lambda m, B, epochs: epochs * m, "eso sería con B = 1"),
            (lambda m, B, epochs: epochs * m // B, "como si los ejemplos de una época continuaran"),
        ],
        fresh=lambda rng: (int(rng.integers(10, 5000)), int(rng.integers(1, 300)), int(rng.integers(1, 50))),
    ),
    Exercise(
        id="05.2",
        title="La regla de la cadena en una neurona",
        verify=_verify_neuron_weight_derivative,
        solution=neuron_weight_derivative,
        hint=("sigue el camino de w a L: w → z = w·x + b → ŷ = σ(z) → L = (ŷ − y)²; la derivada es el producto de "
              "las tres derivadas locales de ese camino.",
              "calcula primero ŷ con una pasada hacia delante; la derivada de la sigmoide se escribe con ŷ (capítulo "
              "02), y la de z respecto a w es lo que multiplica a w."),
        mistakes=[
            (lambda x, y, w, b: 2 * (_sigmoid(w * x + b) - y) * x, "falta la derivada de la activación"),
            (lambda x, y, w, b: 2 * (_sigmoid(w * x + b) - y) * _sigmoid(w * x + b) * (1 - _sigmoid(w * x + b)),
             "falta el último eslabón"),
            (lambda x, y, w, b: -neuron_weight_derivative(x, y, w, b), "signo"),
            (lambda x, y, w, b: 2 * (_sigmoid(w * x + b) - y) * _sigmoid(x) * (1 - _sigmoid(x)) * x, "calculaste σ'(x)"),
        ],
        fresh=_fresh_neuron,
    ),
    Exercise(
        id="05.3",
        title="Pasada hacia atrás de una red de dos capas",
        verify=_verify_two_layer_backward,
        solution=two_layer_backward,
        hint=("ve de la salida hacia la entrada, como en el perceptrón multicapa desde cero del cuaderno, con dos "
              "cambios: la activación oculta es "
              "tanh (no ReLU) y solo tienes A1, no Z1.",
              "empieza por el gradiente de los logits de salida (softmax + entropía cruzada, promediado sobre m); "
              "cada dW es (entrada de su capa)ᵀ por su dZ; para pasar a la capa oculta necesitas tanh'(Z1), y "
              "tanh'(Z1) se puede escribir solo con A1. Comprueba las formas en cada paso."),
        mistakes=[
            (lambda X, Y, A1, W2, P: tuple(g * len(X) for g in two_layer_backward(X, Y, A1, W2, P)), "1/m"),
            (lambda X, Y, A1, W2, P: (lambda g: (g[0].T, g[1], g[2], g[3]))(two_layer_backward(X, Y, A1, W2, P)),
             "traspuesta"),
            (lambda X, Y, A1, W2, P: (X.T @ (((P - Y) / len(X)) @ W2.T),) + two_layer_backward(X, Y, A1, W2, P)[1:],
             "falta la derivada de la activación oculta"),
            (lambda X, Y, A1, W2, P: (lambda g: (g[0], g[1], A1.T @ (P - Y), g[3]))(two_layer_backward(X, Y, A1, W2, P)),
             "falta dividir entre m"),
            (lambda X, Y, A1, W2, P: (lambda g: (g[0], ((P - Y) / len(X) @ W2.T * (1 - A1 ** 2)).sum(axis=1), g[2], g[3]))(
                two_layer_backward(X, Y, A1, W2, P)), "eje equivocado"),
            (_relu_backward, "derivada de ReLU"),
            (lambda X, Y, A1, W2, P: two_layer_backward(X, Y, A1, W2, P)[:2], "tupla de cuatro arrays"),
        ],
        fresh=lambda rng: _two_layer_case(int(rng.integers(4, 12)), int(rng.integers(2, 5)), int(rng.integers(2, 7)),
                                          int(rng.integers(2, 5)), seed=int(rng.integers(1000, 10 ** 6))),
    ),
    Exercise(
        id="05.4",
        title="Recorte del gradiente por norma global",
        verify=_verify_global_clip,
        solution=global_clip,
        hint=("imagina todos los gradientes puestos en fila como un único vector: N es la norma de ese vector, y "
              "si pasa de c, todo el vector se encoge en la misma proporción (la dirección no cambia).",
              "la norma de un vector es la raíz de la suma de los cuadrados de sus componentes: aquí los componentes "
              "están repartidos entre varios arrays. Calcula N una vez y después el mismo factor para todos; "
              "devuelve arrays nuevos."),
        mistakes=[
            (lambda gs, c: [g * c / max(np.linalg.norm(g), c) for g in gs], "clipnorm"),
            (lambda gs, c: [np.clip(g, -c, c) for g in gs], "clipvalue"),
            (lambda gs, c: [g * c / np.sqrt(sum(np.sum(h ** 2) for h in gs)) for g in gs], "no cambian"),
            (lambda gs, c: [g * c / max(sum(np.linalg.norm(h) for h in gs), c) for g in gs], "sumaste las normas"),
            (lambda gs, c: [g * c / max(max(np.linalg.norm(h) for h in gs), c) for g in gs], "la mayor de las normas"),
            (lambda gs, c: gs[0], "lista con"),
        ],
        fresh=_fresh_clip,
        forbidden=("course_lib.nn.optimizers.Optimizer.clip_gradients", "torch.nn.utils.clip_grad_norm_",
                   "torch.nn.utils.clip_grad.clip_grad_norm_"),
    ),
]
