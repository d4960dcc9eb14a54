"""Ejercicios del capítulo 06: optimizadores."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close, significant_figures_matched

# --------------------------------------------------------------------------------------------
# 06.1 — Qué combina Adam (errata OPT-01 de los apuntes).
# --------------------------------------------------------------------------------------------

_ADAM_OPTIONS = ("a", "b", "c", "d")
_ADAM_EXPLANATIONS = {
    "a": "eso dicen los apuntes, pero es falso: el SGD es el propio descenso de gradiente aplicado por "
         "mini-lotes. Adam combina el momento (media móvil de g) con RMSProp (media móvil de g²).",
    "c": "Adam no acumula la suma de g² como Adagrad (usa una media móvil exponencial) ni usa el gradiente "
         "adelantado de Nesterov (eso es NAdam).",
    "d": "la tasa de Adam es adaptativa (cada parámetro se divide por √v̂), y la regularización no forma parte "
         "de Adam (AdamW añade un decaimiento de pesos aparte).",
}


def _verify_adam_choice(answer):
    expect_choice(answer, "b", _ADAM_OPTIONS, _ADAM_EXPLANATIONS)


# --------------------------------------------------------------------------------------------
# 06.2 — Un paso de RMSProp centrado (RMSprop(centered=True) en Keras y PyTorch): un caso nuevo.
# --------------------------------------------------------------------------------------------

def _centered_cases():
    rng = np.random.default_rng(3)
    cases = []
    for shape, eta, rho, eps in [((4,), 0.01, 0.9, 1e-8), ((2, 3), 0.1, 0.8, 1e-8), ((3,), 0.05, 0.95, 0.3)]:
        m = rng.normal(size=shape) * 0.5
        r = m ** 2 + np.abs(rng.normal(size=shape))        # r ≥ m²: la varianza estimada no es negativa
        cases.append((rng.normal(size=shape), r, m, rng.normal(size=shape), eta, rho, eps))
    return cases


_CENTERED_CASES = _centered_cases()


def centered_rmsprop_step(theta, r, m, g, eta, rho, eps):
    """r ← ρr + (1 − ρ)g²;  m ← ρm + (1 − ρ)g;  θ ← θ − η·g / (√(r − m²) + ε)."""
    r = rho * r + (1 - rho) * g ** 2
    m = rho * m + (1 - rho) * g
    return theta - eta * g / (np.sqrt(r - m ** 2) + eps), r, m


def _as_tuple(result, names, n):
    if not isinstance(result, (tuple, list)) or len(result) != n:
        raise Incorrect(f"se esperaba una tupla de {n} arrays: ({names}).")
    return result


def _verify_centered_rmsprop(function):
    for theta, r, m, g, eta, rho, eps in _CENTERED_CASES:
        got_theta, got_r, got_m = _as_tuple(
            call(function, theta.copy(), r.copy(), m.copy(), g.copy(), eta, rho, eps),
            "theta_nuevo, r_nuevo, m_nuevo", 3)
        r_new = rho * r + (1 - rho) * g ** 2
        m_new = rho * m + (1 - rho) * g
        expect_close(got_r, r_new, name="r_nuevo", mistakes=[
            (r + g ** 2, "eso es el acumulador de Adagrad (suma de todos los g²); aquí r es una media móvil "
                         "exponencial: r ← ρ·r + (1 − ρ)·g²."),
            (rho * r + (1 - rho) * g, "r acumula g² (el segundo momento), no g."),
            ((1 - rho) * r + rho * g ** 2, "intercambiaste ρ y 1 − ρ: el pasado pesa ρ y el gradiente nuevo 1 − ρ."),
        ])
        expect_close(got_m, m_new, name="m_nuevo", mistakes=[
            (m, "m también se actualiza en cada paso: m ← ρ·m + (1 − ρ)·g."),
            (rho * m + (1 - rho) * g ** 2, "m es la media móvil de g (sin elevar al cuadrado); la de g² es r."),
        ])
        expected = theta - eta * g / (np.sqrt(r_new - m_new ** 2) + eps)
        with np.errstate(invalid="ignore"):  # √(r − m) puede no existir: ese error típico da NaN
            wrong_variance = theta - eta * g / (np.sqrt(r_new - m_new) + eps)
        expect_close(got_theta, expected, name="theta_nuevo", mistakes=[
            (theta - eta * g / (np.sqrt(r_new) + eps), "eso es RMSProp sin centrar: la versión centrada divide por "
                                                       "√(r − m²), la desviación típica estimada del gradiente."),
            (theta - eta * g / (np.sqrt(r - m ** 2) + eps), "usaste r y m viejos: primero se actualizan los dos y "
                                                            "después θ con los nuevos."),
            (wrong_variance, "se resta m² (el cuadrado de la media), no m: "
                                                               "la varianza es E[g²] − (E[g])²."),
            (theta - eta * g / (r_new - m_new ** 2 + eps), "falta la raíz cuadrada: se divide por √(r − m²)."),
            (theta + eta * g / (np.sqrt(r_new - m_new ** 2) + eps), "el signo está cambiado: θ se mueve en contra "
                                                                    "del gradiente."),
            (theta - eta * m_new / (np.sqrt(r_new - m_new ** 2) + eps), "el numerador es el gradiente g, no su media "
                                                                        "m (con m sería un método con momento)."),
        ])


# --------------------------------------------------------------------------------------------
# 06.3 — Un paso de Adam, encadenado con un estado {"m", "v", "t"}.
# --------------------------------------------------------------------------------------------

def adam_step(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """t ← t + 1; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ); θ ← θ − η·m̂/(√v̂ + ε)."""
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps)


def _adam_sequences():
    rng = np.random.default_rng(11)
    theta = rng.normal(size=(2, 3))
    grads = [rng.normal(size=(2, 3)) for _ in range(4)]
    return [
        (theta, grads, dict(eta=0.01, beta1=0.9, beta2=0.999, eps=1e-8)),
        (theta[0], [g[0] for g in grads], dict(eta=0.1, beta1=0.8, beta2=0.99, eps=0.5)),  # ε grande: se nota dónde va
    ]


_ADAM_SEQUENCES = _adam_sequences()


def _adam_variants(theta, g, m, v, t, eta, beta1, beta2, eps):
    """Resultados de los errores típicos en este paso, partiendo del estado correcto (m, v, t antes del paso)."""
    t1 = t + 1
    m1 = beta1 * m + (1 - beta1) * g
    v1 = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m1 / (1 - beta1 ** t1), v1 / (1 - beta2 ** t1)
    return [
        (theta - eta * m1 / (np.sqrt(v1) + eps), "falta la corrección de sesgo: m̂ = m/(1 − β₁ᵗ) y v̂ = v/(1 − β₂ᵗ)."),
        (theta - eta * m_hat / (v_hat + eps), "falta la raíz cuadrada: el paso es η·m̂ / (√v̂ + ε)."),
        (theta - eta * m_hat / np.sqrt(v_hat + eps), "ε va fuera de la raíz: η·m̂ / (√v̂ + ε)."),
        (theta - eta * m_hat / (np.sqrt(v1) + eps), "corregiste m pero no v: también v̂ = v/(1 − β₂ᵗ)."),
        (theta - eta * m1 / (1 - beta1 ** t1) / (np.sqrt(v1 / (1 - beta1 ** t1)) + eps),
         "v se corrige con β₂: v̂ = v/(1 − β₂ᵗ), no con β₁."),
        (theta - eta * g / (np.sqrt(g ** 2) + eps) if t > 0 else None,
         "tu paso usa solo el gradiente actual (m̂ = g, v̂ = g²), como si cada paso fuera el primero: "
         "¿guardas en `estado` los nuevos m, v y t? Adam promedia todos los gradientes con medias móviles."),
        (theta + eta * m_hat / (np.sqrt(v_hat) + eps), "el signo está cambiado: θ se mueve en contra del gradiente."),
    ]


def _verify_adam_step(function):
    for theta0, grads, hyper in _ADAM_SEQUENCES:
        state = {"m": np.zeros_like(theta0), "v": np.zeros_like(theta0), "t": 0}
        ref = {"m": np.zeros_like(theta0), "v": np.zeros_like(theta0), "t": 0}
        theta_student, theta_ref = theta0.copy(), theta0.copy()
        for step, g in enumerate(grads, start=1):
            mistakes = [(wrong, msg) for wrong, msg in _adam_variants(theta_ref, g, ref["m"], ref["v"], ref["t"], **hyper)
                        if wrong is not None]
            with np.errstate(all="ignore"):
                got = call(function, theta_student.copy(), g.copy(), state, **hyper)
            theta_ref = adam_step(theta_ref, g, ref, **hyper)
            got_array = np.asarray(got, dtype=float) if not isinstance(got, (tuple, list, dict)) else None
            if got_array is None:
                raise Incorrect("se esperaba que devolvieras solo theta nuevo (un array); m, v y t se guardan en `estado`.")
            if got_array.shape == theta_ref.shape and not np.all(np.isfinite(got_array)):
                raise Incorrect(
                    f"en el paso {step} salen NaN o infinitos: ¿usas t = 0? Hay que incrementar estado['t'] ANTES "
                    "de corregir el sesgo, para que t empiece en 1; con t = 0, 1 − β⁰ = 0 y se divide entre cero "
                    "(el error del pseudocódigo de los apuntes)."
                )
            rounded = significant_figures_matched(got_array, theta_ref) is not None  # lo juzga expect_close
            if step > 1 and not rounded and not np.allclose(got_array, theta_ref, rtol=1e-5, atol=1e-8):
                for wrong, msg in mistakes:
                    if got_array.shape == wrong.shape and np.allclose(got_array, wrong, rtol=1e-5, atol=1e-8):
                        raise Incorrect(msg)
                raise Incorrect(
                    f"el paso 1 es correcto, pero el paso {step} no: ¿guardas en `estado` los nuevos m, v y t? "
                    "Cada paso debe partir de lo que dejó el anterior."
                )
            expect_close(got_array, theta_ref, name=f"theta tras el paso {step}", mistakes=mistakes)
            theta_student = theta_ref.copy()


def _adam_no_increment(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    state["t"] += 1
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps)


def _adam_no_correction(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
    return theta - eta * state["m"] / (np.sqrt(state["v"]) + eps)


def _adam_no_sqrt(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return theta - eta * m_hat / (v_hat + eps)


def _adam_eps_inside(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return theta - eta * m_hat / np.sqrt(v_hat + eps)


def _adam_forgets_state(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    local = {"m": state["m"].copy(), "v": state["v"].copy(), "t": state["t"]}
    return adam_step(theta, g, local, eta, beta1, beta2, eps)


EXERCISES = [
    Exercise(
        id="06.1",
        title="Qué combina Adam",
        verify=_verify_adam_choice,
        solution="b",
        hint="piensa en qué guarda Adam para cada parámetro: una media móvil de g y otra de g².",
        mistakes=[
            ("a", "eso dicen los apuntes, pero es falso"),
            ("c", "NAdam"),
            ("d", "adaptativa"),
            ("e", "la respuesta debe ser una de"),
        ],
    ),
    Exercise(
        id="06.2",
        title="Un paso de RMSProp centrado",
        verify=_verify_centered_rmsprop,
        solution=centered_rmsprop_step,
        hint="actualiza primero r (con g²) y m (con g), las dos con ρ y 1 − ρ; la varianza estimada es r − m², "
             "y θ se mueve η·g / (√(r − m²) + ε).",
        mistakes=[
            (lambda theta, r, m, g, eta, rho, eps: (
                theta - eta * g / (np.sqrt(rho * r + (1 - rho) * g ** 2) + eps),
                rho * r + (1 - rho) * g ** 2, rho * m + (1 - rho) * g), "sin centrar"),
            (lambda theta, r, m, g, eta, rho, eps: (theta, r + g ** 2, m), "Adagrad"),
            (lambda theta, r, m, g, eta, rho, eps: (
                theta - eta * g / (np.sqrt(r - m ** 2) + eps),
                rho * r + (1 - rho) * g ** 2, rho * m + (1 - rho) * g), "viejos"),
            (lambda theta, r, m, g, eta, rho, eps: centered_rmsprop_step(theta, r, m, g, eta, rho, eps)[:2], "tupla de 3"),
        ],
    ),
    Exercise(
        id="06.3",
        title="Un paso de Adam",
        verify=_verify_adam_step,
        solution=adam_step,
        hint="orden: estado['t'] += 1; actualiza estado['m'] y estado['v']; m̂ = m / (1 - beta1**t), "
             "v̂ = v / (1 - beta2**t); devuelve theta - eta * m̂ / (np.sqrt(v̂) + eps).",
        mistakes=[
            (_adam_no_increment, "t = 0"),
            (_adam_no_correction, "falta la corrección de sesgo"),
            (_adam_no_sqrt, "falta la raíz cuadrada"),
            (_adam_eps_inside, "ε va fuera de la raíz"),
            (_adam_forgets_state, "guardas en `estado`"),
        ],
    ),
]
