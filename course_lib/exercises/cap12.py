"""Ejercicios del capítulo 12: regularización."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_close

# 12.1 — Dropout invertido con una máscara dada: a ⊙ m / (1 − p).


def apply_dropout(a, mask, p):
    return np.asarray(a, dtype=float) * mask / (1.0 - p)


def _dropout_case():
    rng = np.random.default_rng(12)
    a = rng.random((4, 6)) + 0.1
    mask = rng.random((4, 6)) >= 0.3
    return a, mask, 0.3


def _verify_dropout(function):
    a, mask, p = _dropout_case()
    got = call(function, a.copy(), mask.copy(), p)
    expect_close(
        got,
        apply_dropout(a, mask, p),
        name="la salida del dropout",
        mistakes=[
            (a * mask, "falta escalar por 1/(1 − p): sin ese factor el valor esperado de la salida baja a (1 − p)·a "
                       "y la red se comportaría distinto en inferencia."),
            (a * mask / p, "hay que dividir entre la probabilidad de CONSERVAR, 1 − p, no entre p."),
            (a * mask * (1 - p), "eso es multiplicar por (1 − p); el dropout invertido DIVIDE entre (1 − p) en "
                                 "entrenamiento para no tener que tocar nada en inferencia."),
            (a * ~mask / (1 - p), "la máscara vale True para las unidades que se CONSERVAN: anulaste las que había "
                                  "que mantener."),
            (a, "devolviste las activaciones sin cambios: eso es lo que hace el dropout en inferencia, no en "
                "entrenamiento."),
        ],
    )


# 12.2 — Penalización L2 de Keras y su gradiente: (λ·Σw², 2λ·W).


def l2_penalty(W, lam):
    W = np.asarray(W, dtype=float)
    return float(lam * np.sum(W ** 2)), 2 * lam * W


def _verify_l2(function):
    W = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]])
    lam = 0.01
    got = call(function, W.copy(), lam)
    try:
        penalty, gradient = got
    except (TypeError, ValueError):
        raise Incorrect("penalizacion_l2 debe devolver una tupla (penalización, gradiente).") from None
    expect_close(
        penalty,
        lam * np.sum(W ** 2),
        name="la penalización",
        mistakes=[
            (lam / 2 * np.sum(W ** 2), "usaste la convención λ/2·Σw²; en Keras (y en course_lib.nn) es λ·Σw², sin ½."),
            (lam * np.sum(np.abs(W)), "eso es la penalización L1 (Σ|w|); L2 suma los cuadrados."),
            (lam * np.sqrt(np.sum(W ** 2)), "no hace falta la raíz: la penalización es λ·Σw², no λ·‖W‖."),
            (lam * np.mean(W ** 2), "es la SUMA de los cuadrados, no la media."),
        ],
    )
    expect_close(
        gradient,
        2 * lam * W,
        name="el gradiente",
        mistakes=[
            (lam * W, "la derivada de λ·w² es 2λ·w; λ·w sería el gradiente de la convención con ½."),
            (lam * np.sign(W), "eso es el gradiente de L1; el de L2 es 2λ·W."),
            (np.full_like(W, lam * np.sum(W ** 2)), "el gradiente es un array con la forma de W (2λ·W), no la "
                                                    "penalización repetida."),
        ],
    )


# 12.3 — Normalización por lotes (entrenamiento): y = γ·(x − μ_B)/√(σ²_B + ε) + β.


def batch_norm_forward(x, gamma, beta, eps):
    x = np.asarray(x, dtype=float)
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


def _bn_case():
    rng = np.random.default_rng(3)
    x = rng.normal(loc=[2.0, -1.0, 0.0, 5.0], scale=[1.0, 0.05, 3.0, 0.5], size=(6, 4))
    return x, np.array([1.0, 2.0, 0.5, 1.5]), np.array([0.0, 1.0, -1.0, 0.5]), 1e-3


def _verify_batch_norm(function):
    x, gamma, beta, eps = _bn_case()
    got = call(function, x.copy(), gamma.copy(), beta.copy(), eps)
    mu, var = x.mean(axis=0), x.var(axis=0)
    expect_close(
        got,
        batch_norm_forward(x, gamma, beta, eps),
        name="y",
        mistakes=[
            (gamma * (x - mu) / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta,
             "usaste la varianza corregida (ddof=1, divide entre N − 1); la del lote divide entre N (np.var por defecto)."),
            (gamma * (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps) + beta,
             "normalizaste cada EJEMPLO (axis=1); hay que normalizar cada característica con las estadísticas del "
             "lote (axis=0)."),
            ((x - mu) / np.sqrt(var + eps), "falta aplicar la escala γ y el desplazamiento β: y = γ·x̂ + β."),
            (gamma * (x - mu) / np.sqrt(var) + beta, "falta ε dentro de la raíz: √(σ² + ε) evita dividir entre 0."),
            (gamma * (x - mu) / (var + eps) + beta, "hay que dividir entre la DESVIACIÓN típica √(σ² + ε), no entre "
                                                    "la varianza."),
        ],
    )


# 12.4 — Parada temprana: (época de parada, mejor época), desde 0.


def early_stopping(losses, patience):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(losses):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(losses) - 1, best_epoch


_ES_CASES = [
    ([1.0, 0.8, 0.7, 0.72, 0.71, 0.75, 0.9, 0.6], 3),
    ([1.0, 0.9, 0.95, 0.85, 0.86, 0.87, 0.84, 0.9], 2),
    ([0.5, 0.4, 0.3, 0.2], 2),
    ([0.5, 0.5, 0.5, 0.5, 0.5], 3),
]


def _es_last_epoch_restore(losses, patience):
    stop, _ = early_stopping(losses, patience)
    return stop, stop


def _es_off_by_one(losses, patience):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(losses):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait > patience:
                return epoch, best_epoch
    return len(losses) - 1, best_epoch


def _es_non_strict(losses, patience):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(losses):
        if loss <= best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(losses) - 1, best_epoch


def _es_one_based(losses, patience):
    stop, best = early_stopping(losses, patience)
    return stop + 1, best + 1


def _verify_early_stopping(function):
    for losses, patience in _ES_CASES:
        got = call(function, list(losses), patience)
        try:
            stop, best = (int(v) for v in got)
        except (TypeError, ValueError):
            raise Incorrect("cuando_parar debe devolver una tupla de dos enteros (época_de_parada, mejor_época).") from None
        exp_stop, exp_best = early_stopping(losses, patience)
        if (stop, best) == (exp_stop, exp_best):
            continue
        context = f"con pérdidas {losses} y paciencia {patience}"
        if (stop, best) == (exp_stop + 1, exp_best + 1):
            raise Incorrect(f"{context} devolviste ({stop}, {best}): parece que cuentas las épocas desde 1; "
                            "se piden desde 0, como los índices de la lista.")
        if (stop, best) == _es_non_strict(losses, patience):
            raise Incorrect(f"{context}: una pérdida IGUAL a la mejor no es una mejora; la comparación debe ser "
                            "estricta (<).")
        if stop == exp_stop and best == exp_stop:
            raise Incorrect(f"{context}: la mejor época es la de menor pérdida ({exp_best}), no la de parada; "
                            "restaurar los pesos de la última época es justo lo que se quiere evitar.")
        if (stop, best) == _es_off_by_one(losses, patience):
            raise Incorrect(f"{context} paraste en la época {stop} en vez de la {exp_stop}: se para en cuanto se "
                            "acumulan «paciencia» épocas sin mejora (espera ≥ paciencia), no una más.")
        raise Incorrect(f"{context} se esperaba ({exp_stop}, {exp_best}) y devolviste ({stop}, {best}).")


EXERCISES = [
    Exercise(
        id="12.1",
        title="Dropout invertido",
        verify=_verify_dropout,
        solution=apply_dropout,
        hint="multiplica por la máscara y divide entre la probabilidad de conservar, 1 − p.",
        mistakes=[
            (lambda a, m, p: a * m, "falta escalar por 1/(1 − p)"),
            (lambda a, m, p: a * m / p, "no entre p"),
            (lambda a, m, p: a * m * (1 - p), "DIVIDE entre (1 − p)"),
            (lambda a, m, p: a * ~m / (1 - p), "las que había que mantener"),
            (lambda a, m, p: a, "en inferencia"),
        ],
    ),
    Exercise(
        id="12.2",
        title="Penalización L2 (convención de Keras)",
        verify=_verify_l2,
        solution=l2_penalty,
        hint="penalización = lam·Σ W²; gradiente = 2·lam·W (un array con la forma de W).",
        mistakes=[
            (lambda W, lam: (lam / 2 * np.sum(W ** 2), lam * W), "sin ½"),
            (lambda W, lam: (lam * np.sum(np.abs(W)), lam * np.sign(W)), "penalización L1"),
            (lambda W, lam: (lam * np.sum(W ** 2), lam * W), "2λ·w"),
            (lambda W, lam: (lam * np.mean(W ** 2), 2 * lam * W), "no la media"),
            (lambda W, lam: lam, "tupla"),
        ],
    ),
    Exercise(
        id="12.3",
        title="Normalización por lotes (pasada hacia delante)",
        verify=_verify_batch_norm,
        solution=batch_norm_forward,
        hint="μ = x.mean(axis=0), σ² = x.var(axis=0); x̂ = (x − μ)/√(σ² + ε); y = γ·x̂ + β.",
        mistakes=[
            (lambda x, g, b, e: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + e) + b, "ddof=1"),
            (lambda x, g, b, e: g * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + e) + b,
             "axis=0"),
            (lambda x, g, b, e: (x - x.mean(0)) / np.sqrt(x.var(0) + e), "falta aplicar la escala γ"),
            (lambda x, g, b, e: g * (x - x.mean(0)) / np.sqrt(x.var(0)) + b, "falta ε"),
            (lambda x, g, b, e: g * (x - x.mean(0)) / (x.var(0) + e) + b, "DESVIACIÓN típica"),
        ],
    ),
    Exercise(
        id="12.4",
        title="Parada temprana",
        verify=_verify_early_stopping,
        solution=early_stopping,
        hint="guarda la mejor pérdida, su época y un contador de épocas sin mejora; para cuando el contador "
             "llegue a la paciencia.",
        mistakes=[
            (_es_last_epoch_restore, "no la de parada"),
            (_es_off_by_one, "no una más"),
            (_es_non_strict, "estricta"),
            (_es_one_based, "desde 1"),
            (lambda losses, patience: 3, "tupla de dos enteros"),
        ],
    ),
]
