"""Ejercicios del capítulo 18: redes convolucionales modernas.

Cada uno aplica una idea del cuaderno a un caso que el cuaderno no resuelve: los parámetros del bloque
«cuello de botella» de ResNet-50 (el cuaderno cuenta el bloque básico), el bloque de compresión y
excitación de SENet (usa el pooling global promedio para dar un peso a cada canal), fundir la
normalización por lotes en la convolución para la inferencia (el cuaderno la usa en entrenamiento) y
qué estrategia de transferencia elegir con pocos datos de otro dominio.
"""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close
from ._comun import PARAMETER_COUNTERS

# 18.1 — Parámetros de un bloque cuello de botella (ResNet-50; He et al., 2016), convoluciones sin sesgo:
#   1×1 (c_entrada → c_medio), BN, ReLU → 3×3 (c_medio → c_medio, con el paso), BN, ReLU → 1×1 (c_medio → c_salida), BN
#   atajo: proyección 1×1 (c_entrada → c_salida, con el paso) + BN si cambian los canales o el paso; si no, identidad.
#   Como count_params() de Keras: cada BN cuenta 4 números por canal (γ, β, media y varianza móviles).


def bottleneck_params(c_in, c_mid, c_out, stride):
    convolutions = c_in * c_mid + 3 * 3 * c_mid * c_mid + c_mid * c_out
    batchnorms = 4 * (c_mid + c_mid + c_out)
    if stride != 1 or c_in != c_out:
        convolutions += c_in * c_out
        batchnorms += 4 * c_out
    return convolutions + batchnorms


def _needs_projection(c_in, c_out, stride):
    return stride != 1 or c_in != c_out


def _bottleneck_variant(c_in, c_mid, c_out, stride, bn_per_channel=4, projection="auto", bias=False,
                        three_by_three_in=False, all_three_by_three=False):
    """El recuento con uno de los errores típicos."""
    k_first = 9 if all_three_by_three else 1
    middle_in = c_in if three_by_three_in else c_mid
    convolutions = k_first * c_in * c_mid + 9 * middle_in * c_mid + k_first * c_mid * c_out
    channels = [c_mid, c_mid, c_out]
    use_projection = _needs_projection(c_in, c_out, stride) if projection == "auto" else projection
    if use_projection:
        convolutions += c_in * c_out
        channels.append(c_out)
    total = convolutions + bn_per_channel * sum(channels)
    if bias:
        total += sum(channels)
    return total


_BOTTLENECK_CASES = [(64, 64, 256, 1), (256, 64, 256, 1), (256, 128, 512, 2), (512, 128, 512, 1), (32, 8, 32, 2)]


def _fresh_bottleneck(rng):
    # c_medio entre 9 y 60: nunca el de un caso fijo (8, 64, 128), así que una tabla de esos casos no acierta.
    c_mid = int(rng.integers(9, 61))
    c_out = 4 * c_mid
    c_in = int(rng.choice([c_out, c_out // 2, c_mid]))
    return c_in, c_mid, c_out, int(rng.choice([1, 2]))


def _verify_bottleneck(function):
    for case in _BOTTLENECK_CASES:
        c_in, c_mid, c_out, stride = case
        got = call(function, *case)
        shortcut = ("con proyección" if _needs_projection(c_in, c_out, stride) else "con atajo identidad")
        expect_close(
            got,
            bottleneck_params(*case),
            name=f"el número de parámetros con c_entrada = {c_in}, c_medio = {c_mid}, c_salida = {c_out} y paso "
                 f"{stride} ({shortcut})",
            mistakes=[
                (_bottleneck_variant(*case, bn_per_channel=2),
                 "contaste 2 números por canal en cada normalización por lotes (γ y β); count_params() de Keras "
                 "cuenta también la media y la varianza móviles, que no se entrenan pero se guardan: 4 por canal."),
                (_bottleneck_variant(*case, bn_per_channel=0),
                 "faltan las normalizaciones por lotes: cada convolución va seguida de una BN con 4 números por "
                 "canal de su salida (también la de la proyección)."),
                (_bottleneck_variant(*case, projection=not _needs_projection(c_in, c_out, stride)),
                 "el atajo lleva proyección (convolución 1×1 + BN) solo cuando cambian los canales o el paso; "
                 "si la forma no cambia, el atajo es la identidad y no tiene parámetros."),
                (_bottleneck_variant(*case, bias=True),
                 "las convoluciones de ResNet no llevan sesgo (use_bias=False): la BN que las sigue resta la media "
                 "de cada canal y su β hace de sesgo."),
                (_bottleneck_variant(*case, three_by_three_in=True),
                 "la convolución 3×3 va de c_medio a c_medio canales (la 1×1 anterior ya redujo los canales): "
                 "ese es el ahorro del cuello de botella."),
                (_bottleneck_variant(*case, all_three_by_three=True),
                 "la primera y la última convolución de la rama son de 1×1 (c_entrada·c_medio y c_medio·c_salida "
                 "pesos), no de 3×3."),
                (_bottleneck_variant(*case, projection="auto") - 4 * c_out * _needs_projection(c_in, c_out, stride),
                 "la proyección del atajo también lleva su BN (4 números por canal de salida)."),
            ],
        )


# 18.2 — Bloque de compresión y excitación (Squeeze-and-Excitation; Hu, Shen y Sun, 2018):
#   s = media de x sobre el alto y el ancho (pooling global promedio)      (N, C)
#   e = ReLU(s·W1 + b1)                                                   (N, C/r)
#   a = σ(e·W2 + b2)                                                      (N, C), entre 0 y 1
#   salida = x ⊙ a (cada canal de cada ejemplo multiplicado por su peso)  (N, H, A, C)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def squeeze_excitation(x, W1, b1, W2, b2):
    x = np.asarray(x, dtype=float)
    squeezed = x.mean(axis=(1, 2))
    excitation = np.maximum(squeezed @ W1 + b1, 0.0)
    weights = _sigmoid(excitation @ W2 + b2)
    return x * weights[:, None, None, :]


def _se_variant(x, W1, b1, W2, b2, squeeze="mean", relu=True, gate="sigmoid", combine="multiply"):
    squeezed = {"mean": lambda: x.mean(axis=(1, 2)), "max": lambda: x.max(axis=(1, 2)),
                "batch": lambda: x.mean(axis=(0, 1, 2))[None, :].repeat(len(x), axis=0)}[squeeze]()
    hidden = squeezed @ W1 + b1
    if relu:
        hidden = np.maximum(hidden, 0.0)
    logits = hidden @ W2 + b2
    if gate == "sigmoid":
        weights = _sigmoid(logits)
    elif gate == "softmax":
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        weights = shifted / shifted.sum(axis=1, keepdims=True)
    else:
        weights = logits
    if combine == "weights":
        return weights
    return x + weights[:, None, None, :] if combine == "add" else x * weights[:, None, None, :]


def _se_case():
    rng = np.random.default_rng(18)
    N, H, A, C, r = 3, 4, 5, 8, 2
    x = rng.normal(0.5, 1.0, size=(N, H, A, C)) * rng.uniform(0.5, 2.0, size=(N, 1, 1, C))
    return (x, rng.normal(0, 1.0, (C, C // r)), rng.normal(0.1, 0.2, C // r),
            rng.normal(0, 1.0, (C // r, C)), rng.normal(0, 0.2, C))


def _fresh_se(rng):
    N, H, A = (int(v) for v in rng.integers(1, 5, 3))
    r = int(rng.choice([2, 4]))
    C = r * int(rng.integers(1, 5))
    return (rng.normal(size=(N, H, A, C)), rng.normal(0, 1.0, (C, C // r)), rng.normal(0.1, 0.2, C // r),
            rng.normal(0, 1.0, (C // r, C)), rng.normal(0, 0.2, C))


def _verify_squeeze_excitation(function):
    x, W1, b1, W2, b2 = _se_case()
    got = call(function, x.copy(), W1.copy(), b1.copy(), W2.copy(), b2.copy())
    if np.shape(got) == (x.shape[0], x.shape[-1]):
        raise Incorrect(f"tu función devuelve un array de forma {np.shape(got)}: un peso por canal y ejemplo. Falta el "
                        "último paso: multiplicar cada canal de x por su peso, para devolver un array con la forma de "
                        f"x, {x.shape}.")
    args = (x, W1, b1, W2, b2)
    expect_close(
        got,
        squeeze_excitation(*args),
        name="la salida del bloque",
        mistakes=[
            (_se_variant(*args, squeeze="max"), "comprimiste con el máximo de cada mapa; SENet usa la MEDIA (el "
                                                "pooling global promedio)."),
            (_se_variant(*args, squeeze="batch"), "la media va sobre el alto y el ancho de CADA ejemplo (axis=(1, 2)), "
                                                  "no también sobre el lote: cada imagen tiene sus propios pesos."),
            (_se_variant(*args, relu=False), "falta la ReLU tras la primera capa densa: e = ReLU(s·W1 + b1)."),
            (_se_variant(*args, gate="softmax"), "los pesos de los canales se calculan con la SIGMOIDE, cada uno entre "
                                                 "0 y 1 por su cuenta; con softmax competirían entre ellos y sumarían 1."),
            (_se_variant(*args, gate="none"), "falta la sigmoide final: los pesos de los canales deben quedar entre 0 "
                                              "y 1."),
            (_se_variant(*args, combine="add"), "los pesos MULTIPLICAN cada canal (x ⊙ a); sumarlos sería otra cosa "
                                                "(no es un atajo residual)."),
        ],
    )


# 18.3 — Fundir la normalización por lotes en la convolución anterior, para la inferencia:
#   BN(z) = γ·(z − μ)/√(σ² + ε) + β con z = W*x + b  ⇒  W' = W·s, b' = (b − μ)·s + β, con s = γ/√(σ² + ε) por filtro.


def fold_batchnorm(W, b, gamma, beta, mean, variance, eps):
    """W: (kh, kw, C, F); b, gamma, beta, mean, variance: (F,). Devuelve (W', b')."""
    scale = np.asarray(gamma, dtype=float) / np.sqrt(np.asarray(variance, dtype=float) + eps)
    return np.asarray(W, dtype=float) * scale, (np.asarray(b, dtype=float) - mean) * scale + beta


def _fold_case():
    rng = np.random.default_rng(83)
    kh, kw, C, F = 3, 3, 2, 5
    return (rng.normal(size=(kh, kw, C, F)), rng.normal(0, 0.5, F), rng.uniform(0.5, 1.5, F), rng.normal(0, 0.5, F),
            rng.normal(0, 0.5, F), rng.uniform(0.2, 2.0, F), 1e-3)


def _fresh_fold(rng):
    kh = int(rng.choice([1, 3, 5]))
    C, F = (int(v) for v in rng.integers(1, 6, 2))
    return (rng.normal(size=(kh, kh, C, F)), rng.normal(0, 0.5, F), rng.uniform(0.5, 1.5, F), rng.normal(0, 0.5, F),
            rng.normal(0, 0.5, F), rng.uniform(0.2, 2.0, F), float(rng.choice([1e-3, 1e-5, 0.1])))


def _verify_fold(function):
    W, b, gamma, beta, mean, variance, eps = _fold_case()
    got = call(function, W.copy(), b.copy(), gamma.copy(), beta.copy(), mean.copy(), variance.copy(), eps)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Incorrect("se esperaba una tupla de dos elementos: (W fundida, b fundido).")
    scale = gamma / np.sqrt(variance + eps)
    W_ok, b_ok = fold_batchnorm(W, b, gamma, beta, mean, variance, eps)
    expect_close(
        got[0], W_ok, name="la W fundida",
        mistakes=[
            (W * gamma / np.sqrt(variance), "falta ε dentro de la raíz: s = γ/√(σ² + ε), como en la normalización."),
            (W * gamma / (variance + eps), "falta la raíz cuadrada: se divide entre la desviación típica √(σ² + ε), no "
                                           "entre la varianza."),
            (W / scale, "al revés: la W se MULTIPLICA por s = γ/√(σ² + ε)."),
            (W, "la W también cambia: cada filtro f se multiplica por su s_f = γ_f/√(σ²_f + ε)."),
        ],
    )
    expect_close(
        got[1], b_ok, name="el b fundido",
        mistakes=[
            ((b - mean) * gamma / np.sqrt(variance) + beta, "falta ε dentro de la raíz en el sesgo."),
            ((b + mean) * scale + beta, "el signo de la media: la BN resta μ, así que b' = (b − μ)·s + β."),
            ((b - mean) * scale, "falta sumar β al final: b' = (b − μ)·s + β."),
            (b * scale + beta, "falta restar la media móvil μ antes de escalar: b' = (b − μ)·s + β."),
            (b - mean * scale + beta, "el sesgo b también se escala: b' = (b − μ)·s + β, no b − μ·s + β."),
            (b, "el sesgo también cambia: b' = (b − μ)·s + β."),
        ],
    )


# 18.4 — Qué estrategia de transferencia elegir con pocos datos de otro dominio.


def _verify_transfer_choice(answer):
    expect_choice(
        answer,
        "b",
        ("a", "b", "c", "d"),
        explanations={
            "a": "con 400 imágenes, entrenar desde cero los 23 millones de parámetros de ResNet-50 es la receta del "
                 "sobreajuste; la red preentrenada ya sabe bordes y texturas que aquí sirven.",
            "c": "con la cabeza nueva todavía al azar, sus gradientes grandes con η = 0,1 destrozan en pocos pasos lo "
                 "que la base aprendió; y en modo entrenamiento, la BN cambia sus medias por las de lotes de 8 "
                 "radiografías. Primero se entrena la cabeza con la base congelada; el ajuste fino, después y con "
                 "una η pequeña.",
            "d": "las radiografías de tórax no se pueden voltear en espejo sin cambiar la anatomía (el corazón está "
                 "a un lado), ni girar 180°; el aumento tiene que conservar la etiqueta. Y aumentar la validación "
                 "la convierte en otra cosa: se mide con datos reales.",
        },
    )


EXERCISES = [
    Exercise(
        id="18.1",
        title="Parámetros de un bloque cuello de botella",
        verify=_verify_bottleneck,
        solution=bottleneck_params,
        hint=("suma las tres convoluciones de la rama, sus tres normalizaciones por lotes y, solo si la forma cambia, "
              "la proyección del atajo con su normalización; cuenta como count_params() de Keras.",
              "una convolución sin sesgo de k×k que va de C a F canales tiene k·k·C·F pesos; una BN sobre F canales "
              "guarda 4 números por canal. La rama es 1×1 → 3×3 → 1×1, y la del medio trabaja con c_medio canales a "
              "la entrada y a la salida."),
        mistakes=[
            (lambda ci, cm, co, s: _bottleneck_variant(ci, cm, co, s, bn_per_channel=2), "4 por canal"),
            (lambda ci, cm, co, s: _bottleneck_variant(ci, cm, co, s, bn_per_channel=0),
             "faltan las normalizaciones"),
            (lambda ci, cm, co, s: _bottleneck_variant(ci, cm, co, s, projection=True), "solo cuando cambian"),
            (lambda ci, cm, co, s: _bottleneck_variant(ci, cm, co, s, bias=True), "no llevan sesgo"),
            (lambda ci, cm, co, s: _bottleneck_variant(ci, cm, co, s, three_by_three_in=True), "de c_medio a c_medio"),
            (lambda ci, cm, co, s: _bottleneck_variant(ci, cm, co, s, all_three_by_three=True), "son de 1×1"),
        ],
        fresh=_fresh_bottleneck,
        forbidden=PARAMETER_COUNTERS,
    ),
    Exercise(
        id="18.2",
        title="Un bloque de compresión y excitación",
        verify=_verify_squeeze_excitation,
        solution=squeeze_excitation,
        hint=("tres pasos: comprimir cada mapa a un número (el pooling global promedio de la sección 2.2), pasar esos "
              "C números por dos capas densas que dan un peso entre 0 y 1 por canal, y reescalar cada canal de x por "
              "su peso.",
              "la media sobre los ejes del alto y del ancho (1 y 2) da un array (N, C); tras las dos capas tienes otra "
              "vez (N, C), y para multiplicar x (N, H, A, C) canal a canal hay que añadirle dos ejes de tamaño 1 en "
              "medio. Después de la primera densa va ReLU; después de la segunda, la sigmoide."),
        mistakes=[
            (lambda x, W1, b1, W2, b2: _se_variant(x, W1, b1, W2, b2, squeeze="max"), "MEDIA"),
            (lambda x, W1, b1, W2, b2: _se_variant(x, W1, b1, W2, b2, squeeze="batch"), "no también sobre el lote"),
            (lambda x, W1, b1, W2, b2: _se_variant(x, W1, b1, W2, b2, relu=False), "falta la ReLU"),
            (lambda x, W1, b1, W2, b2: _se_variant(x, W1, b1, W2, b2, gate="softmax"), "SIGMOIDE"),
            (lambda x, W1, b1, W2, b2: _se_variant(x, W1, b1, W2, b2, gate="none"), "falta la sigmoide"),
            (lambda x, W1, b1, W2, b2: _se_variant(x, W1, b1, W2, b2, combine="add"), "MULTIPLICAN"),
            (lambda x, W1, b1, W2, b2: _se_variant(x, W1, b1, W2, b2, combine="weights"), "Falta el último paso"),
        ],
        fresh=_fresh_se,
    ),
    Exercise(
        id="18.3",
        title="Fundir la normalización por lotes en la convolución",
        verify=_verify_fold,
        solution=fold_batchnorm,
        hint=("en inferencia, la BN usa números fijos (γ, β y las medias móviles μ y σ²), así que BN(W*x + b) es otra "
              "vez una función afín de x: escribe BN(z) con z = W*x + b y agrupa lo que multiplica a x y lo que no.",
              "llama s = γ/√(σ² + ε), un número por filtro (forma (F,)). BN(z) = s·z + (β − s·μ); sustituye z = W*x + b. "
              "Como el último eje de W son los filtros, multiplicar W por un array (F,) escala cada filtro por su s."),
        mistakes=[
            (lambda W, b, g, be, m, v, e: (W * g / np.sqrt(v), (b - m) * g / np.sqrt(v) + be), "falta ε"),
            (lambda W, b, g, be, m, v, e: (W * g / (v + e), (b - m) * g / (v + e) + be), "falta la raíz"),
            (lambda W, b, g, be, m, v, e: (W * g / np.sqrt(v + e), (b + m) * g / np.sqrt(v + e) + be),
             "el signo de la media"),
            (lambda W, b, g, be, m, v, e: (W * g / np.sqrt(v + e), (b - m) * g / np.sqrt(v + e)), "falta sumar β"),
            (lambda W, b, g, be, m, v, e: (W * g / np.sqrt(v + e), b), "el sesgo también cambia"),
            (lambda W, b, g, be, m, v, e: (W, (b - m) * g / np.sqrt(v + e) + be), "la W también cambia"),
        ],
        fresh=_fresh_fold,
        forbidden=("course_lib.nn.BatchNormalization.forward",),
    ),
    Exercise(
        id="18.4",
        title="Qué hacer con 400 radiografías",
        verify=_verify_transfer_choice,
        solution="b",
        hint=("piensa en cuántos parámetros hay que ajustar con cuántos ejemplos, y en qué le pasa a una base "
              "preentrenada cuando le llegan los gradientes de una cabeza que todavía da respuestas al azar.",
              "la sección 6 hace lo mismo con los dígitos 0–4 y 5–9; la guía de Keras sobre transferencia recomienda "
              "un orden concreto de dos pasos y una forma de llamar a la base durante el ajuste fino."),
        mistakes=[("a", "sobreajuste"), ("c", "destrozan"), ("d", "conservar la etiqueta")],
    ),
]
