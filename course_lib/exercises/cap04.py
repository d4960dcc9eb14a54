"""Ejercicios del capítulo 04: descenso de gradiente."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_close, explain_exception

# --------------------------------------------------------------------------------------------
# 04.1 — Un paso del descenso de gradiente: θ ← θ − η·∇J(θ).
# --------------------------------------------------------------------------------------------

_STEP_CASES = [
    (np.array([1.0, -2.0, 0.5]), np.array([0.4, -1.0, 2.0]), 0.1),
    (np.array([[0.3, -0.7], [1.2, 0.0]]), np.array([[1.0, 2.0], [-3.0, 0.5]]), 0.05),
    (np.array([2.5]), np.array([-4.0]), 0.5),
]


def gradient_step(theta, grad, eta):
    """θ ← θ − η·∇J(θ)."""
    return theta - eta * grad


def _step_in_place(theta, grad, eta):
    """Error típico: ``theta -= …`` devuelve lo correcto pero cambia el array de quien llama."""
    theta -= eta * grad
    return theta


def _fresh_step(rng):
    shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 3))))
    return rng.normal(size=shape), rng.normal(size=shape), float(rng.uniform(0.001, 1.0))


def _verify_gradient_step(function):
    for theta, grad, eta in _STEP_CASES:
        got = call(function, theta.copy(), grad.copy(), eta)
        expect_close(
            got,
            theta - eta * grad,
            name="θ nuevo",
            mistakes=[
                (theta + eta * grad, "sumaste el gradiente: el gradiente apunta cuesta ARRIBA, así que hay "
                                     "que restarlo (θ − η·∇J)."),
                (theta - grad, "falta multiplicar el gradiente por la tasa de aprendizaje η."),
                (-eta * grad, "devolviste solo el incremento −η·∇J; falta sumárselo a θ."),
                (eta * grad, "devolviste solo η·∇J; el resultado es θ − η·∇J."),
                (theta - eta, "restaste η sin multiplicarla por el gradiente."),
            ],
        )


# --------------------------------------------------------------------------------------------
# 04.2 — Gradiente del EAM de la regresión lineal (una pérdida distinta de la del cuaderno):
#        ∇J = (1/m)·Xᵀ·signo(Xw − y).
# --------------------------------------------------------------------------------------------

def _mae_case(rng, m, n):
    X = rng.normal(size=(m, n))
    X[:, -1] = 1.0  # columna de unos: el sesgo
    return X, rng.normal(size=m), rng.normal(size=n)


def _mae_cases():
    rng = np.random.default_rng(42)
    return [_mae_case(rng, m, n) for m, n in [(7, 3), (12, 2), (5, 4)]]


_MAE_CASES = _mae_cases()


def mae_gradient(X, y, w):
    """∇_w J = (1/m)·Xᵀ·signo(Xw − y) para J = (1/m)·Σ |Xw − y| (fuera de los puntos con error 0)."""
    return X.T @ np.sign(X @ w - y) / len(y)


def _verify_mae_gradient(function):
    for X, y, w in _MAE_CASES:
        m = len(y)
        try:
            got = call(function, X.copy(), y.copy(), w.copy())
        except ValueError as exc:
            text = str(exc)
            if "matmul" in text or "not aligned" in text or "broadcast" in text:
                raise Incorrect(
                    f"{explain_exception(exc)} Aquí X tiene forma {X.shape}, y, forma ({m},), y w, forma "
                    f"({X.shape[1]},): el vector de errores tiene un valor por ejemplo, y el gradiente, uno por peso."
                ) from None
            raise
        error = X @ w - y
        expected = X.T @ np.sign(error) / m
        expect_close(
            got,
            expected,
            name="el gradiente",
            m=m,
            mistakes=[
                (2 / m * X.T @ error, "ese es el gradiente del ECM, (2/m)·Xᵀ(Xw − y); la derivada de |e| no es "
                                      "2e sino el signo de e."),
                (X.T @ error / m, "la derivada de |e| es signo(e), no e: usa np.sign(X @ w − y)."),
                (2 / m * X.T @ np.sign(error), "sobra el factor 2: sale de derivar e², pero aquí se deriva |e|."),
                (X.T @ np.sign(y - X @ w) / m, "el signo está cambiado: el error es ŷ − y = Xw − y."),
                (np.mean(np.sign(error)) * np.ones_like(w), "promediaste el signo sin multiplicarlo por X: cada "
                                                            "peso recibe (1/m)·Σ signo(eᵢ)·xᵢⱼ, es decir, Xᵀ·signo(e)/m."),
                (np.full_like(w, np.mean(np.abs(error))), "devolviste el coste (el EAM), no su gradiente."),
            ],
        )


# --------------------------------------------------------------------------------------------
# 04.3 — Límite de estabilidad en una cuadrática: converge si y solo si 0 < η < 2/λ_max(A)
#        (el supremo 2/λ_max no se alcanza: ahí oscila sin converger).
# --------------------------------------------------------------------------------------------

A_EXERCISE = np.array([[3.0, 2.0], [2.0, 6.0]])
_EIGENVALUES = np.linalg.eigvalsh(A_EXERCISE)  # 2 y 7
ETA_MAX = 2 / _EIGENVALUES.max()


def _verify_eta_max(answer):
    if isinstance(answer, (list, tuple, np.ndarray)) and np.size(answer) != 1:
        raise Incorrect("se esperaba un único número: el límite η_lím de las tasas que convergen.")
    expect_close(
        answer,
        ETA_MAX,
        name="el límite η_lím",
        mistakes=[
            (1 / _EIGENVALUES.max(), "1/λ_max es la tasa que converge más rápido en la dirección más curva, "
                                     "pero el límite de estabilidad es el doble: |1 − ηλ| < 1 ⇔ η < 2/λ."),
            (2 / _EIGENVALUES.min(), "usaste el valor propio más pequeño: el límite lo pone la dirección más "
                                     "curva, λ_max (con η < 2/λ_min, esa dirección diverge)."),
            (2 / np.diag(A_EXERCISE).max(), "usaste el mayor elemento de la diagonal; con A no diagonal hay que "
                                            "usar sus valores propios (np.linalg.eigvalsh)."),
            (_EIGENVALUES.max(), "ese es λ_max; el límite de la tasa es 2/λ_max."),
            (2 / np.trace(A_EXERCISE), "la traza es la suma de los valores propios; el límite usa solo el mayor."),
        ],
    )


EXERCISES = [
    Exercise(
        id="04.1",
        title="Un paso del descenso de gradiente",
        verify=_verify_gradient_step,
        solution=gradient_step,
        hint=("el gradiente apunta hacia donde J crece más deprisa; para bajar hay que moverse en sentido contrario, "
              "con un paso proporcional a la tasa de aprendizaje η.",
              "la función recibe theta y grad con la misma forma y devuelve un array nuevo con esa forma: una sola "
              "operación de NumPy entre ellos, sin bucles y sin modificar theta (nada de `-=`)."),
        mistakes=[
            (lambda theta, grad, eta: theta + eta * grad, "sumaste el gradiente"),
            (lambda theta, grad, eta: theta - grad, "falta multiplicar el gradiente por la tasa"),
            (lambda theta, grad, eta: -eta * grad, "devolviste solo el incremento"),
            (lambda theta, grad, eta: theta - eta, "restaste η sin multiplicarla"),
            (lambda theta, grad, eta: (theta - eta * grad).ravel(), "forma"),
            (_step_in_place, "en su sitio"),
        ],
        fresh=_fresh_step,
    ),
    Exercise(
        id="04.2",
        title="Gradiente del error absoluto medio de una regresión lineal",
        verify=_verify_mae_gradient,
        solution=mae_gradient,
        hint=("la derivada de |e| respecto a e es el signo de e (fuera de e = 0); lo demás es la misma regla de la "
              "cadena que da el gradiente del ECM.",
              "calcula primero el vector de errores, uno por ejemplo (forma (m,)); el gradiente tiene un valor por "
              "peso (forma (n,)) y cada peso wⱼ recibe la media sobre los ejemplos de signo(eᵢ)·xᵢⱼ: ¿qué producto "
              "de matrices hace esa suma sobre los ejemplos?"),
        mistakes=[
            (lambda X, y, w: 2 / len(y) * X.T @ (X @ w - y), "gradiente del ECM"),
            (lambda X, y, w: X.T @ np.sign(X @ w - y), "dividir entre m"),
            (lambda X, y, w: X.T @ np.sign(y - X @ w) / len(y), "el signo está cambiado"),
            (lambda X, y, w: 2 / len(y) * X.T @ np.sign(X @ w - y), "sobra el factor 2"),
            (lambda X, y, w: (X.T @ np.sign(X @ w - y) / len(y)).reshape(-1, 1), "forma"),
            (lambda X, y, w: X @ np.sign(X @ w - y) / len(y), "no encajan"),
        ],
        fresh=lambda rng: _mae_case(rng, int(rng.integers(5, 15)), int(rng.integers(2, 5))),
    ),
    Exercise(
        id="04.3",
        title="El límite de estabilidad de la tasa de aprendizaje",
        verify=_verify_eta_max,
        solution=ETA_MAX,
        hint=("en la base de los vectores propios de A, cada coordenada de θ evoluciona sola: en cada paso se "
              "multiplica por (1 − ηλ), con λ su valor propio. Converge si |1 − ηλ| < 1 en todas las direcciones.",
              "calcula los valores propios de A_ej (`np.linalg.eigvalsh`) y resuelve |1 − ηλ| < 1 para η: una de "
              "las direcciones pone la condición más exigente."),
        mistakes=[
            (1 / _EIGENVALUES.max(), "el límite de estabilidad es el doble"),
            (2 / _EIGENVALUES.min(), "usaste el valor propio más pequeño"),
            (2 / np.diag(A_EXERCISE).max(), "mayor elemento de la diagonal"),
            ([0.1, 0.2], "un único número"),
            (np.diag(A_EXERCISE), "un único número"),
            ("0,29", "más precisión"),
            ("dos séptimos", "debería ser un número"),
        ],
    ),
]
