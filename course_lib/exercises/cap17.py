"""Ejercicios del capítulo 17: modelos generativos (autocodificador, VAE, DCGAN).

Cada ejercicio aplica una idea del cuaderno a un caso que el cuaderno no resuelve: el KL entre dos
normales diagonales cualesquiera (el cuaderno lo calcula solo contra la normal estándar), el tamaño de
la salida de una convolución traspuesta con el relleno y el ``output_padding`` de PyTorch (el cuaderno
usa el «same» de Keras) y la pérdida del discriminador de la DCGAN sobre *logits*, estable y con el
suavizado de etiquetas por un lado (el cuaderno la usa ya hecha).
"""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_close

# 17.1 — KL(N(μ_q, σ_q²) ‖ N(μ_p, σ_p²)) de dos normales diagonales, sumado sobre las dimensiones:
#   ½ Σ_j [log σ_p² − log σ_q² + (σ_q² + (μ_q − μ_p)²)/σ_p² − 1].


def kl_normales(mu_q, log_var_q, mu_p, log_var_p):
    """Arrays (n, d) → (n,): el KL de cada fila."""
    mu_q, log_var_q, mu_p, log_var_p = (np.asarray(a, dtype=float) for a in (mu_q, log_var_q, mu_p, log_var_p))
    por_dimension = log_var_p - log_var_q + (np.exp(log_var_q) + (mu_q - mu_p) ** 2) / np.exp(log_var_p) - 1
    return 0.5 * por_dimension.sum(axis=-1)


def _kl_al_reves(mu_q, log_var_q, mu_p, log_var_p):
    return kl_normales(mu_p, log_var_p, mu_q, log_var_q)


def _kl_estandar(mu_q, log_var_q, mu_p, log_var_p):
    """Error típico: usar la fórmula contra N(0, I) del cuaderno, ignorando p."""
    return kl_normales(mu_q, log_var_q, np.zeros_like(mu_q), np.zeros_like(log_var_q))


def _kl_sin_medio(mu_q, log_var_q, mu_p, log_var_p):
    return 2 * kl_normales(mu_q, log_var_q, mu_p, log_var_p)


def _kl_sin_dividir(mu_q, log_var_q, mu_p, log_var_p):
    """Error típico: no dividir entre σ_p² (vale solo si σ_p = 1)."""
    por_dimension = log_var_p - log_var_q + np.exp(log_var_q) + (mu_q - mu_p) ** 2 - 1
    return 0.5 * por_dimension.sum(axis=-1)


def _kl_sigma_no_varianza(mu_q, log_var_q, mu_p, log_var_p):
    """Error típico: tratar log σ² como log σ (exp(log_var) es la varianza, no la desviación)."""
    return kl_normales(mu_q, 2 * log_var_q, mu_p, 2 * log_var_p)


def _kl_sin_sumar(mu_q, log_var_q, mu_p, log_var_p):
    por_dimension = log_var_p - log_var_q + (np.exp(log_var_q) + (mu_q - mu_p) ** 2) / np.exp(log_var_p) - 1
    return 0.5 * por_dimension


def _caso_kl(rng=None):
    rng = np.random.default_rng(17) if rng is None else rng
    n, d = int(rng.integers(2, 6)), int(rng.integers(1, 5))
    return (rng.normal(size=(n, d)), rng.normal(0, 0.7, (n, d)), rng.normal(size=(n, d)), rng.normal(0, 0.7, (n, d)))


def _verificar_kl(funcion):
    args = _caso_kl()
    obtenido = call(funcion, *(a.copy() for a in args))
    expect_close(
        obtenido, kl_normales(*args), name="el KL de cada fila",
        mistakes=[
            (_kl_al_reves(*args), "calculaste KL(p ‖ q), al revés: el KL no es simétrico. El primer argumento es la "
                                  "distribución del codificador, q; el promedio se toma sobre q."),
            (_kl_estandar(*args), "tu resultado no depende de μ_p ni de log σ_p²: es el KL contra la normal estándar "
                                  "del cuaderno. Aquí la segunda normal es cualquiera."),
            (_kl_sin_medio(*args), "te falta el factor ½ delante de la suma."),
            (_kl_sin_dividir(*args), "el término (σ_q² + (μ_q − μ_p)²) va dividido entre la varianza de p, σ_p²; "
                                     "con la normal estándar esa división no se ve porque σ_p² = 1."),
            (_kl_sigma_no_varianza(*args), "exp(log_var) ya es la varianza σ², no la desviación típica σ: no la "
                                           "eleves al cuadrado."),
            (_kl_sin_sumar(*args), "devuelve un número por fila: suma el KL de cada dimensión (las dimensiones son "
                                   "independientes, así que sus KL se suman)."),
        ],
    )
    cero = call(funcion, args[0].copy(), args[1].copy(), args[0].copy(), args[1].copy())
    expect_close(cero, np.zeros(len(args[0])), name="el KL de una normal consigo misma",
                 mistakes=[])


# 17.2 — Lado de la salida de ConvTranspose2d de PyTorch: (n − 1)·s − 2p + k + o.


def lado_traspuesta(n, k, s, p, o):
    """Lado de la salida de ``torch.nn.ConvTranspose2d`` (sin dilatación)."""
    return (n - 1) * s - 2 * p + k + o


def _lado_convolucion(n, k, s, p, o):
    """Error típico: la fórmula de la convolución directa, ⌊(n + 2p − k)/s⌋ + 1."""
    return (n + 2 * p - k) // s + 1


_CASOS_LADO = [(7, 4, 2, 1, 0), (14, 3, 2, 1, 1), (5, 5, 3, 2, 0), (4, 4, 1, 0, 0), (9, 3, 2, 0, 1)]


def _verificar_lado(funcion):
    obtenidos, esperados = [], []
    for caso in _CASOS_LADO:
        obtenidos.append(call(funcion, *caso))
        esperados.append(lado_traspuesta(*caso))
    t = list(zip(*_CASOS_LADO))
    n, k, s, p, o = (np.array(v) for v in t)
    try:
        obtenidos = np.asarray(obtenidos, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("la función debe devolver un número entero (el lado de la salida).") from None
    expect_close(
        obtenidos, esperados, name="el lado de la salida",
        mistakes=[
            ((n + 2 * p - k) // s + 1, "esa es la fórmula de la convolución directa, que reduce; la traspuesta "
                                       "agranda: cada uno de los n píxeles pinta una ventana k×k cada s píxeles."),
            (n * s, "n·s es el lado con padding=\"same\" de Keras; aquí el relleno p y el output_padding o de PyTorch "
                    "cambian el resultado."),
            ((n - 1) * s + k + o, "falta el recorte del relleno: p quita p píxeles de CADA borde de la salida."),
            ((n - 1) * s - p + k + o, "el relleno p se recorta por los dos lados: resta p dos veces."),
            ((n - 1) * s - 2 * p + k, "falta el output_padding o, que añade o filas al final."),
            (n * s - 2 * p + k + o, "la salida completa mide (n − 1)·s + k, no n·s + k: la última ventana empieza "
                                    "en (n − 1)·s."),
        ],
    )


# 17.3 — Pérdida del discriminador sobre logits, estable, con suavizado por un lado:
#   J = media_i ℓ(s_real_i, etiqueta) + media_j ℓ(s_falsa_j, 0),  ℓ(s, y) = máx(s, 0) − s·y + log(1 + e^(−|s|)).


def _bce_logits(s, y):
    return np.maximum(s, 0) - s * y + np.log1p(np.exp(-np.abs(s)))


def perdida_discriminador(s_real, s_falsa, etiqueta_real=0.9):
    s_real, s_falsa = np.asarray(s_real, dtype=float), np.asarray(s_falsa, dtype=float)
    return float(_bce_logits(s_real, etiqueta_real).mean() + _bce_logits(s_falsa, 0.0).mean())


def _perdida_dos_lados(s_real, s_falsa, etiqueta_real=0.9):
    """Error típico: suavizar también las generadas (etiqueta 1 − 0,9 = 0,1)."""
    return float(_bce_logits(np.asarray(s_real), etiqueta_real).mean()
                 + _bce_logits(np.asarray(s_falsa), 1 - etiqueta_real).mean())


def _perdida_sin_suavizar(s_real, s_falsa, etiqueta_real=0.9):
    return perdida_discriminador(s_real, s_falsa, 1.0)


def _perdida_al_reves(s_real, s_falsa, etiqueta_real=0.9):
    return perdida_discriminador(s_falsa, s_real, etiqueta_real)


def _perdida_media_unica(s_real, s_falsa, etiqueta_real=0.9):
    """Error típico: una sola media sobre los dos lotes juntos (la mitad si son del mismo tamaño)."""
    s_real, s_falsa = np.asarray(s_real, dtype=float), np.asarray(s_falsa, dtype=float)
    return float(np.concatenate([_bce_logits(s_real, etiqueta_real), _bce_logits(s_falsa, 0.0)]).mean())


def _perdida_ingenua(s_real, s_falsa, etiqueta_real=0.9):
    """Con la sigmoide y el logaritmo por separado: inf o NaN con logits grandes."""
    with np.errstate(all="ignore"):
        def bce(s, y):
            p = 1 / (1 + np.exp(-np.asarray(s, dtype=float)))
            return -(y * np.log(p) + (1 - y) * np.log(1 - p))
        return float(bce(s_real, etiqueta_real).mean() + bce(s_falsa, 0.0).mean())


def _caso_perdida(rng=None):
    rng = np.random.default_rng(170) if rng is None else rng
    return rng.normal(1.0, 2.0, int(rng.integers(3, 9))), rng.normal(-1.0, 2.0, int(rng.integers(3, 9))), \
        float(rng.choice([0.8, 0.9, 0.95]))


def _verificar_perdida(funcion):
    s_real, s_falsa, etiqueta = _caso_perdida()
    obtenido = call(funcion, s_real.copy(), s_falsa.copy(), etiqueta)
    args = (s_real, s_falsa, etiqueta)
    expect_close(
        obtenido, perdida_discriminador(*args), name="la pérdida del discriminador",
        mistakes=[
            (_perdida_dos_lados(*args), "suavizaste también las generadas: el suavizado es por UN lado, solo la "
                                        "etiqueta de las reales baja de 1; las generadas siguen con etiqueta 0."),
            (_perdida_sin_suavizar(*args), "usaste la etiqueta 1 para las reales: aplica el argumento etiqueta_real."),
            (_perdida_al_reves(*args), "intercambiaste los lotes: los logits reales llevan la etiqueta etiqueta_real "
                                       "y los de las generadas, 0."),
            (_perdida_media_unica(*args), "hiciste una sola media de los dos lotes juntos; la pérdida es la media de "
                                          "las reales MÁS la media de las generadas (cada lote pesa lo mismo "
                                          "aunque tengan distinto tamaño)."),
        ],
    )
    extremos = (np.array([1000.0, -1000.0, 3.0]), np.array([-1000.0, 1000.0]), 0.9)
    valor = call(funcion, *(a.copy() if isinstance(a, np.ndarray) else a for a in extremos))
    try:
        valor = float(np.asarray(valor, dtype=float))
    except (TypeError, ValueError):
        raise Incorrect("la función debe devolver un solo número (la pérdida del lote).") from None
    if not np.isfinite(valor):
        raise Incorrect("con logits de ±1000 tu pérdida da inf o NaN: σ(1000) redondea a 1 y log(1 − 1) = −∞. "
                        "Escribe la entropía cruzada directamente con el logit, sin calcular la sigmoide, de forma "
                        "que nunca se exponencie un número grande y positivo (como hace el capítulo 03).")
    expect_close(valor, perdida_discriminador(*extremos), name="la pérdida con logits de ±1000")


EXERCISES = [
    Exercise(
        id="17.1",
        title="El KL entre dos normales diagonales",
        verify=_verificar_kl,
        solution=kl_normales,
        hint=("el KL es la esperanza, bajo q, de log q(z) − log p(z). Con normales diagonales las dimensiones son "
              "independientes: basta con hacerlo en una dimensión y sumar.",
              "en una dimensión, escribe log q(z) y log p(z) de la normal y toma la esperanza bajo q usando "
              "E_q[(z − μ_q)²] = σ_q² y E_q[(z − μ_p)²] = σ_q² + (μ_q − μ_p)². Recuerda que exp(log_var) es una "
              "varianza."),
        mistakes=[
            (_kl_al_reves, "al revés"),
            (_kl_estandar, "no depende de μ_p"),
            (_kl_sin_medio, "factor ½"),
            (_kl_sin_dividir, "dividido entre la varianza de p"),
            (_kl_sigma_no_varianza, "ya es la varianza"),
            (_kl_sin_sumar, "un número por fila"),
        ],
        fresh=_caso_kl,
    ),
    Exercise(
        id="17.2",
        title="El tamaño de una convolución traspuesta en PyTorch",
        verify=_verificar_lado,
        solution=lado_traspuesta,
        hint=("empieza por la salida completa, sin relleno: cada uno de los n píxeles de la entrada pinta una "
              "ventana de k píxeles y las ventanas empiezan cada s. ¿Dónde empieza la última y dónde acaba?",
              "después, el relleno p de PyTorch recorta la salida completa por los dos bordes y el output_padding "
              "o añade filas solo por un lado. Compruébalo con el caso del cuaderno: k = 4, s = 2 y «same» en Keras "
              "duplica el lado."),
        mistakes=[
            (_lado_convolucion, "convolución directa"),
            (lambda n, k, s, p, o: n * s, "padding=\"same\" de Keras"),
            (lambda n, k, s, p, o: (n - 1) * s + k + o, "falta el recorte"),
            (lambda n, k, s, p, o: (n - 1) * s - p + k + o, "resta p dos veces"),
            (lambda n, k, s, p, o: (n - 1) * s - 2 * p + k, "falta el output_padding"),
        ],
        fresh=lambda rng: (int(rng.integers(1, 30)), int(rng.integers(1, 8)), int(rng.integers(1, 4)),
                           int(rng.integers(0, 3)), int(rng.integers(0, 2))),
    ),
    Exercise(
        id="17.3",
        title="La pérdida del discriminador, estable y suavizada",
        verify=_verificar_perdida,
        solution=perdida_discriminador,
        hint=("son dos entropías cruzadas binarias sobre logits, una por lote, cada una con su etiqueta. Para que "
              "sea estable, no calcules la sigmoide y luego su logaritmo: escribe −log σ(s) y −log(1 − σ(s)) "
              "directamente en función de s.",
              "vuelve a la estabilidad numérica del capítulo 03: allí la entropía cruzada de un logit se reescribe "
              "de forma que nunca se exponencia un número positivo grande. Aquí la etiqueta no tiene por qué ser 0 "
              "o 1: puede ser cualquier número entre los dos, así que parte de −y·log σ(s) − (1 − y)·log(1 − σ(s))."),
        mistakes=[
            (_perdida_dos_lados, "por UN lado"),
            (_perdida_sin_suavizar, "etiqueta_real"),
            (_perdida_al_reves, "intercambiaste"),
            (_perdida_media_unica, "una sola media"),
            (_perdida_ingenua, "inf o NaN"),
        ],
        fresh=_caso_perdida,
        forbidden=("course_lib.nn.BinaryCrossentropy", "torch.nn.functional.binary_cross_entropy_with_logits",
                   "course_lib.generativos.entropia_cruzada_binaria_logits"),
    ),
]
