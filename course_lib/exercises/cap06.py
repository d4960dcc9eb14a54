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


def _fresh_centered(rng):
    shape = (int(rng.integers(1, 5)),)
    m = rng.normal(size=shape) * 0.5
    return (rng.normal(size=shape), m ** 2 + np.abs(rng.normal(size=shape)), m, rng.normal(size=shape),
            float(rng.uniform(0.001, 0.1)), float(rng.uniform(0.8, 0.99)), 1e-8)


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
# 06.3 — Un caso nuevo: un paso de AdamW (Loshchilov y Hutter, 2019), el Adam con decaimiento de pesos
#        DESACOPLADO que usan casi todos los Transformer. El decaimiento no pasa por el gradiente:
#        θ ← θ − η·(m̂/(√v̂ + ε) + λ·θ), con el θ de antes del paso (como AdamW de Keras y de PyTorch).
# --------------------------------------------------------------------------------------------

def adamw_step(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """t ← t + 1; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ);
    θ ← θ − η·(m̂/(√v̂ + ε) + λθ)."""
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return theta - eta * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * theta)


def _adamw_sequences():
    rng = np.random.default_rng(11)
    theta = rng.normal(size=(2, 3))
    grads = [rng.normal(size=(2, 3)) for _ in range(4)]
    return [
        (theta, grads, dict(eta=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.5)),
        (theta[0], [g[0] for g in grads], dict(eta=0.05, beta1=0.8, beta2=0.99, eps=0.5, weight_decay=0.2)),
    ]


_ADAMW_SEQUENCES = _adamw_sequences()


def _adamw_variants(theta, g, m, v, t, eta, beta1, beta2, eps, weight_decay):
    """Resultados de los errores típicos en este paso, partiendo del estado correcto (m, v, t antes del paso)."""
    t1 = t + 1
    m1 = beta1 * m + (1 - beta1) * g
    v1 = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m1 / (1 - beta1 ** t1), v1 / (1 - beta2 ** t1)
    adam = m_hat / (np.sqrt(v_hat) + eps)
    g_l2 = g + weight_decay * theta                           # L2 acoplada: la penalización entra en el gradiente
    m_l2 = beta1 * m + (1 - beta1) * g_l2
    v_l2 = beta2 * v + (1 - beta2) * g_l2 ** 2
    coupled = theta - eta * (m_l2 / (1 - beta1 ** t1)) / (np.sqrt(v_l2 / (1 - beta2 ** t1)) + eps)
    return [
        (coupled, "eso es Adam con la penalización L2 dentro del gradiente (g + λθ): así la penalización pasa por "
                  "m y v y se divide por √v̂, y los pesos con gradientes grandes apenas decaen. AdamW la DESACOPLA: "
                  "el paso de Adam se calcula con g tal cual y λθ se resta aparte."),
        (theta - eta * adam, "falta el decaimiento de pesos: AdamW resta además η·λ·θ en cada paso."),
        (theta - eta * adam - weight_decay * theta, "el decaimiento también se multiplica por la tasa η: "
                                                     "θ ← θ − η·(m̂/(√v̂ + ε) + λθ)."),
        ((theta - eta * adam) * (1 - eta * weight_decay), "aplicaste el decaimiento al θ ya actualizado; se aplica al "
                                                         "θ de partida, el de antes del paso."),
        (theta - eta * (m1 / (np.sqrt(v1) + eps) + weight_decay * theta),
         "falta la corrección de sesgo: m̂ = m/(1 − β₁ᵗ) y v̂ = v/(1 − β₂ᵗ)."),
        (theta - eta * (m_hat / np.sqrt(v_hat + eps) + weight_decay * theta), "ε va fuera de la raíz: √v̂ + ε."),
        (theta - eta * (g / (np.sqrt(g ** 2) + eps) + weight_decay * theta) if t > 0 else None,
         "tu paso usa solo el gradiente actual (m̂ = g, v̂ = g²), como si cada paso fuera el primero: ¿guardas en "
         "`estado` los nuevos m, v y t? Adam promedia todos los gradientes con medias móviles."),
        (theta + eta * (adam + weight_decay * theta), "el signo está cambiado: θ se mueve en contra del gradiente y "
                                                      "el decaimiento lo acerca a 0."),
    ]


def _verify_adamw_step(function):
    for theta0, grads, hyper in _ADAMW_SEQUENCES:
        state = {"m": np.zeros_like(theta0), "v": np.zeros_like(theta0), "t": 0}
        ref = {"m": np.zeros_like(theta0), "v": np.zeros_like(theta0), "t": 0}
        theta_student, theta_ref = theta0.copy(), theta0.copy()
        for step, g in enumerate(grads, start=1):
            mistakes = [(wrong, msg) for wrong, msg in _adamw_variants(theta_ref, g, ref["m"], ref["v"], ref["t"],
                                                                       **hyper) if wrong is not None]
            got = call(function, theta_student.copy(), g.copy(), state, **hyper)
            theta_ref = adamw_step(theta_ref, g, ref, **hyper)
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


def _adamw_no_increment(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    state["t"] += 1
    return theta - eta * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * theta)


def _adam_with_l2(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """Error típico: Adam con L2 en el gradiente (lo que hace Adam(weight_decay=…) de PyTorch, no AdamW)."""
    return adamw_step(theta, g + weight_decay * theta, state, eta, beta1, beta2, eps, weight_decay=0.0)


def _adamw_decay_without_eta(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    return adamw_step(theta, g, state, eta, beta1, beta2, eps, weight_decay=0.0) - weight_decay * theta


def _adamw_decay_after(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    return adamw_step(theta, g, state, eta, beta1, beta2, eps, weight_decay=0.0) * (1 - eta * weight_decay)


def _adamw_forgets_state(theta, g, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    local = {"m": state["m"].copy(), "v": state["v"].copy(), "t": state["t"]}
    return adamw_step(theta, g, local, eta, beta1, beta2, eps, weight_decay)


def _fresh_adamw(rng):
    """Un paso desde un estado cualquiera (t > 0, v ≥ 0): θ, g, estado, η, β₁, β₂, ε, λ."""
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    state = {"m": rng.normal(size=shape), "v": rng.uniform(0.1, 2.0, size=shape), "t": int(rng.integers(1, 20))}
    return (rng.normal(size=shape), rng.normal(size=shape), state, float(rng.uniform(0.01, 0.2)), 0.9, 0.999, 1e-8,
            float(rng.uniform(0.05, 0.5)))


EXERCISES = [
    Exercise(
        id="06.1",
        title="Qué combina Adam",
        verify=_verify_adam_choice,
        solution="b",
        hint=("piensa en qué guarda Adam para cada parámetro entre un paso y el siguiente.",
              "Adam guarda dos medias móviles, una de g y otra de g²: ¿qué método de la sección 2 usa cada una?"),
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
        hint=("es el RMSProp de la sección 2 con una media móvil más, la de g: r − m² estima la VARIANZA del "
              "gradiente (E[g²] − E[g]²), y se divide por su raíz en lugar de por √r.",
              "actualiza primero r y m (las dos con ρ y 1 − ρ) y usa los valores NUEVOS para mover θ; devuelve la "
              "tupla (theta_nuevo, r_nuevo, m_nuevo)."),
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
        fresh=_fresh_centered,
        forbidden=("course_lib.nn.RMSprop",),
    ),
    Exercise(
        id="06.3",
        title="Un paso de AdamW",
        verify=_verify_adamw_step,
        solution=adamw_step,
        hint=("AdamW es Adam (las dos medias móviles con su corrección de sesgo) más un decaimiento de pesos que NO "
              "pasa por el gradiente: se resta aparte, proporcional al propio θ.",
              "orden: primero el contador t del estado (para que empiece en 1), después m y v, después sus "
              "correcciones; el nuevo θ resta η veces la suma de dos términos, el de Adam y el del decaimiento, "
              "ambos calculados con el θ de partida."),
        mistakes=[
            (_adamw_no_increment, "t = 0"),
            (_adam_with_l2, "DESACOPLA"),
            (_adamw_decay_without_eta, "se multiplica por la tasa"),
            (_adamw_decay_after, "θ ya actualizado"),
            (_adamw_forgets_state, "guardas en `estado`"),
        ],
        fresh=_fresh_adamw,
        forbidden=("course_lib.nn.Adam", "course_lib.nn.AdamW", "torch.optim.AdamW",
                   "torch.optim.Adam"),
    ),
]
