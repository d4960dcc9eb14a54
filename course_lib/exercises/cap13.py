"""Ejercicios del capítulo 13: tipos de redes (recurrentes, atención, residuales, autocodificadores).

Cada ejercicio aplica una idea del cuaderno a un caso que el cuaderno no resuelve: un paso de una
GRU (el cuaderno programa la RNN simple y explica la LSTM), la atención con máscara causal (el
cuaderno la programa sin máscara), los parámetros de una LSTM, el gradiente a través de una cadena
residual escalar y qué familia elegir para un problema nuevo.
"""

import functools

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close
from ._comun import PARAMETER_COUNTERS


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# 13.1 — Un paso de una GRU (Cho et al., 2014), con la convención de Keras y PyTorch:
#   z = σ(x·W_z + h·U_z + b_z),  r = σ(x·W_r + h·U_r + b_r),
#   h̃ = tanh(x·W_h + (r ⊙ h)·U_h + b_h),  h_nuevo = z ⊙ h + (1 − z) ⊙ h̃.


def gru_step(x, h, W, U, b):
    """x: (características,), h: (unidades,); W, U, b: diccionarios con las claves "z", "r", "h"."""
    x, h = np.asarray(x, dtype=float), np.asarray(h, dtype=float)
    z = _sigmoid(x @ W["z"] + h @ U["z"] + b["z"])
    r = _sigmoid(x @ W["r"] + h @ U["r"] + b["r"])
    candidate = np.tanh(x @ W["h"] + (r * h) @ U["h"] + b["h"])
    return z * h + (1.0 - z) * candidate


def _gru_parts(x, h, W, U, b):
    z = _sigmoid(x @ W["z"] + h @ U["z"] + b["z"])
    r = _sigmoid(x @ W["r"] + h @ U["r"] + b["r"])
    return z, r


def _gru_swapped(x, h, W, U, b):
    z, r = _gru_parts(x, h, W, U, b)
    candidate = np.tanh(x @ W["h"] + (r * h) @ U["h"] + b["h"])
    return (1.0 - z) * h + z * candidate


def _gru_reset_after(x, h, W, U, b):
    z, r = _gru_parts(x, h, W, U, b)
    candidate = np.tanh(x @ W["h"] + r * (h @ U["h"]) + b["h"])
    return z * h + (1.0 - z) * candidate


def _gru_no_reset(x, h, W, U, b):
    z, _ = _gru_parts(x, h, W, U, b)
    candidate = np.tanh(x @ W["h"] + h @ U["h"] + b["h"])
    return z * h + (1.0 - z) * candidate


def _gru_tanh_gates(x, h, W, U, b):
    z = np.tanh(x @ W["z"] + h @ U["z"] + b["z"])
    r = np.tanh(x @ W["r"] + h @ U["r"] + b["r"])
    candidate = np.tanh(x @ W["h"] + (r * h) @ U["h"] + b["h"])
    return z * h + (1.0 - z) * candidate


def _gru_candidate_only(x, h, W, U, b):
    _, r = _gru_parts(x, h, W, U, b)
    return np.tanh(x @ W["h"] + (r * h) @ U["h"] + b["h"])


def _gru_z_for_r(x, h, W, U, b):
    """Error típico: usar la puerta de actualización z también en el candidato, en lugar de r."""
    z, _ = _gru_parts(x, h, W, U, b)
    candidate = np.tanh(x @ W["h"] + (z * h) @ U["h"] + b["h"])
    return z * h + (1.0 - z) * candidate


def _gru_without_bias(x, h, W, U, b):
    return gru_step(x, h, W, U, {k: np.zeros_like(v) for k, v in b.items()})


def _gru_case():
    rng = np.random.default_rng(13)
    features, units = 3, 4
    W = {k: rng.normal(0, 0.8, (features, units)) for k in "zrh"}
    U = {k: rng.normal(0, 0.8, (units, units)) for k in "zrh"}
    b = {k: rng.normal(0, 0.3, units) for k in "zrh"}
    return rng.normal(size=features), rng.uniform(-0.9, 0.9, units), W, U, b


def _fresh_gru(rng):
    features, units = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    W = {k: rng.normal(0, 0.8, (features, units)) for k in "zrh"}
    U = {k: rng.normal(0, 0.8, (units, units)) for k in "zrh"}
    b = {k: rng.normal(0, 0.3, units) for k in "zrh"}
    return rng.normal(size=features), rng.uniform(-0.9, 0.9, units), W, U, b


def _copy(d):
    return {k: v.copy() for k, v in d.items()}


def _verify_gru(function):
    x, h, W, U, b = _gru_case()
    got = call(function, x.copy(), h.copy(), _copy(W), _copy(U), _copy(b))
    args = (x, h, W, U, b)
    expect_close(
        got,
        gru_step(*args),
        name="el nuevo estado h",
        mistakes=[
            (_gru_swapped(*args), "intercambiaste z y 1 − z: la puerta de actualización z multiplica al estado "
                                  "ANTERIOR (h_nuevo = z ⊙ h + (1 − z) ⊙ h̃); con z ≈ 1 la GRU conserva su memoria."),
            (_gru_reset_after(*args), "aplicaste r después del producto, r ⊙ (h·U_h): es la variante reset_after "
                                      "(la de cuDNN y la opción por defecto de Keras); aquí se pide la de Cho et al., "
                                      "(r ⊙ h)·U_h."),
            (_gru_no_reset(*args), "falta la puerta de reinicio r en el candidato: h̃ = tanh(x·W_h + (r ⊙ h)·U_h + b_h)."),
            (_gru_tanh_gates(*args), "las puertas z y r usan la sigmoide (valores entre 0 y 1, una fracción que deja "
                                     "pasar), no tanh; tanh es solo para el candidato h̃."),
            (_gru_candidate_only(*args), "devolviste el candidato h̃; el nuevo estado mezcla el anterior y el candidato "
                                         "con la puerta z."),
            (h, "devolviste el estado anterior sin cambios."),
            (_gru_z_for_r(*args), "en el candidato va la puerta de REINICIO r, no la de actualización z: r decide "
                                  "cuánto del estado anterior se usa para proponer h̃; z decide después cuánto se "
                                  "conserva."),
            (_gru_without_bias(*args), "faltan los sesgos b_z, b_r y b_h dentro de cada sigmoide y de la tanh."),
        ],
    )


# 13.2 — Atención con máscara causal: softmax(Q·Kᵀ/√d + M)·V, con M = −∞ por encima de la diagonal.


def _softmax(s, axis=-1):
    s = s - s.max(axis=axis, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=axis, keepdims=True)


def causal_attention(Q, K, V):
    """Q, K: (n, d); V: (n, d_v). La posición i solo atiende a las posiciones j ≤ i."""
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    n, d = Q.shape
    scores = Q @ K.T / np.sqrt(d)
    scores = np.where(np.tril(np.ones((n, n), dtype=bool)), scores, -np.inf)
    return _softmax(scores) @ V


def _attention_case():
    rng = np.random.default_rng(31)
    n, d, dv = 5, 4, 3
    return rng.normal(size=(n, d)), rng.normal(size=(n, d)), rng.normal(size=(n, dv))


def _strict_mask_attention(Q, K, V):
    """Error típico: np.tril(…, k=−1) tapa también la diagonal; la fila 0 queda entera a −∞ (NaN)."""
    n, d = Q.shape
    with np.errstate(all="ignore"):
        return _softmax(np.where(np.tril(np.ones((n, n), dtype=bool), k=-1), Q @ K.T / np.sqrt(d), -np.inf)) @ V


def _fresh_attention(rng):
    n, d, dv = int(rng.integers(2, 7)), int(rng.integers(1, 6)), int(rng.integers(1, 5))
    return rng.normal(size=(n, d)), rng.normal(size=(n, d)), rng.normal(size=(n, dv))


def _verify_causal_attention(function):
    Q, K, V = _attention_case()
    n, d = Q.shape
    got = call(function, Q.copy(), K.copy(), V.copy())
    got_array = np.asarray(got, dtype=float)
    if got_array.shape == (n, V.shape[1]) and not np.all(np.isfinite(got_array)):
        rows = [i for i in range(n) if not np.all(np.isfinite(got_array[i]))]
        which = (f"la fila {rows[0]} de la salida tiene" if len(rows) == 1 else
                 f"las filas {', '.join(map(str, rows[:-1]))} y {rows[-1]} de la salida tienen")
        raise Incorrect(
            f"{which} NaN: ahí la máscara tapó TODAS las puntuaciones "
            "(todas −∞), y la softmax de una fila entera de −∞ es 0/0. Cada posición debe poder verse al menos a "
            "sí misma: la máscara permite j ≤ i, con la diagonal incluida (np.tril sin k = −1)."
            if rows == [0] or rows == list(range(len(rows))) else
            f"{which} NaN: alguna fila de puntuaciones quedó entera a −∞ (todo tapado) "
            "o hay un desbordamiento; revisa la máscara, que debe dejar ver j ≤ i, y resta el máximo de cada fila "
            "antes de exponenciar."
        )
    lower = np.tril(np.ones((n, n), dtype=bool))
    scores = Q @ K.T / np.sqrt(d)
    weights_after = _softmax(scores) * lower
    expect_close(
        got,
        causal_attention(Q, K, V),
        name="la salida de la atención",
        mistakes=[
            (_softmax(scores) @ V, "falta la máscara: cada posición está mirando también a las posiciones FUTURAS "
                                   "(j > i); pon −∞ en esas puntuaciones antes de la softmax."),
            (weights_after @ V, "anulaste los pesos futuros DESPUÉS de la softmax y ya no suman 1; la máscara "
                                "(−∞) va antes de la softmax, que así reparte el peso entre las posiciones j ≤ i."),
            (_softmax(np.where(lower.T, scores, -np.inf)) @ V,
             "la máscara está al revés: la posición i debe ver las posiciones j ≤ i (triangular INFERIOR, np.tril), "
             "no las futuras."),
            (_softmax(np.where(lower, Q @ K.T, -np.inf)) @ V, "falta dividir las puntuaciones entre √d antes de la "
                                                              "softmax."),
            (_softmax(np.where(lower, Q @ K.T / d, -np.inf)) @ V, "se divide entre √d (la raíz de la dimensión de "
                                                                  "las claves), no entre d."),
            (_softmax(np.where(lower, scores, -np.inf), axis=0) @ V,
             "la softmax va a lo largo de cada FILA (axis=-1): los pesos de cada consulta sobre las claves suman 1."),
            (_softmax(np.where(lower, Q @ K.T / np.sqrt(V.shape[1]), -np.inf)) @ V,
             "se divide entre √d, con d la dimensión de las CONSULTAS y las claves (columnas de Q y K), no la de V."),
            (_softmax(np.where(lower, K @ Q.T / np.sqrt(d), -np.inf)) @ V,
             "las puntuaciones son Q·Kᵀ (fila i: la consulta i contra todas las claves), no K·Qᵀ."),
            (np.where(lower, scores, 0.0) @ V,
             "falta la softmax: las puntuaciones se convierten en pesos positivos que suman 1 antes de multiplicar "
             "por V."),
        ],
    )


# 13.3 — Parámetros de una capa LSTM de Keras: 4·(unidades·(características + unidades) + unidades).


def lstm_params(features, units):
    return 4 * (units * (features + units) + units)


_LSTM_CASES = [(1, 32), (16, 64), (300, 128), (8, 3)]


def _verify_lstm_params(function):
    for features, units in _LSTM_CASES:
        got = call(function, features, units)
        expect_close(
            got,
            lstm_params(features, units),
            name=f"el número de parámetros con {features} características y {units} unidades",
            mistakes=[
                (units * (features + units) + units, "eso es una SimpleRNN: la LSTM tiene cuatro bloques de pesos "
                                                     "(puertas de entrada, olvido y salida y el candidato), así que "
                                                     "todo va por 4."),
                (4 * units * (features + units), "te faltan los sesgos: un sesgo por unidad en cada uno de los cuatro "
                                                 "bloques (4·unidades)."),
                (4 * (units * (features + units) + 2 * units), "contaste dos sesgos por bloque: así lo hace PyTorch "
                                                               "(b_ih y b_hh, que se suman); Keras y course_lib usan "
                                                               "uno."),
                (3 * (units * (features + units) + units), "tres bloques es una GRU; la LSTM tiene cuatro (i, f, c, o)."),
                (4 * (features * units + units), "falta la matriz recurrente U (unidades × unidades): cada bloque ve "
                                                 "también el estado anterior h_{t−1}."),
                (4 * units * (features + units) + units, "cada uno de los cuatro bloques tiene sus propios sesgos "
                                                         "(unidades por bloque), no uno común."),
                (4 * (features * units + features + units), "los sesgos son uno por UNIDAD en cada bloque, no uno por "
                                                             "característica de entrada."),
            ],
        )


# 13.4 — Gradiente a través de una cadena escalar de L capas tanh, con o sin atajos residuales:
#   simple:   h_l = tanh(w_l·h_{l−1})             → ∂h_l/∂h_{l−1} = w_l·tanh'(z_l)
#   residual: h_l = h_{l−1} + tanh(w_l·h_{l−1})   → ∂h_l/∂h_{l−1} = 1 + w_l·tanh'(z_l)


def chain_gradient(weights, x, residual):
    h, gradient = float(x), 1.0
    for w in weights:
        z = w * h
        local = w * (1.0 - np.tanh(z) ** 2)
        gradient *= (1.0 + local) if residual else local
        h = h + np.tanh(z) if residual else np.tanh(z)
    return gradient


def _chain_mistake(weights, x, residual, identity=True, at_preactivation=True, with_w=True, forward_shortcut=True):
    """chain_gradient con uno de los errores típicos: sin el «1 +» del atajo, tanh' evaluada en h en vez de en
    z = w·h, sin el factor w_l, o la pasada hacia delante sin sumar el atajo."""
    h, gradient = float(x), 1.0
    for w in weights:
        z = w * h
        local = (w if with_w else 1.0) * (1.0 - np.tanh(z if at_preactivation else h) ** 2)
        gradient *= (1.0 + local) if residual and identity else local
        h = h + np.tanh(z) if residual and forward_shortcut else np.tanh(z)
    return gradient


_chain_no_identity = functools.partial(_chain_mistake, identity=False)
_chain_derivative_at_h = functools.partial(_chain_mistake, at_preactivation=False)
_chain_no_w = functools.partial(_chain_mistake, with_w=False)
_chain_plain_forward = functools.partial(_chain_mistake, forward_shortcut=False)


def _chain_sum(weights, x, residual):
    """Error típico: sumar las derivadas locales en lugar de multiplicarlas."""
    h, total = float(x), 0.0
    for w in weights:
        z = w * h
        local = w * (1.0 - np.tanh(z) ** 2)
        total += (1.0 + local) if residual else local
        h = h + np.tanh(z) if residual else np.tanh(z)
    return total


def _fresh_chain(rng):
    return [float(w) for w in rng.normal(0, 1.5, size=int(rng.integers(1, 12)))], float(rng.normal()), \
        bool(rng.integers(0, 2))


_CHAIN_CASES = [
    ([0.5, -1.2, 2.0, 0.8, -0.3, 1.5], 0.7),
    ([1.5] * 10, -0.4),
    ([0.9, 0.2, -2.5, 1.1], 1.3),
]


def _verify_chain_gradient(function):
    for weights, x in _CHAIN_CASES:
        for residual in (False, True):
            got = call(function, list(weights), x, residual)
            kind = "con atajos residuales" if residual else "sin atajos"
            expected = chain_gradient(weights, x, residual)
            expect_close(
                got,
                expected,
                name=f"∂h_L/∂x {kind} (pesos {weights}, x = {x})",
                mistakes=[
                    (_chain_no_identity(weights, x, residual),
                     "con el atajo, la derivada local es 1 + w·tanh'(z): el «+ 1» viene de derivar h_{l−1}, el "
                     "sumando del atajo. Ese 1 es lo que impide que el gradiente se desvanezca."),
                    (_chain_derivative_at_h(weights, x, residual),
                     "tanh' se evalúa en la preactivación z_l = w_l·h_{l−1}, no en h_{l−1}."),
                    (_chain_no_w(weights, x, residual),
                     "falta el factor w_l de la regla de la cadena: ∂z_l/∂h_{l−1} = w_l."),
                    (_chain_plain_forward(weights, x, residual),
                     "las derivadas locales están bien, pero la pasada hacia delante debe sumar también el atajo: "
                     "h_l = h_{l−1} + tanh(w_l·h_{l−1}); si no, las z_l salen distintas."),
                    (1.0 / expected if expected != 0 else np.nan,
                     "devolviste el inverso del gradiente."),
                    (chain_gradient(weights, x, not residual),
                     "ignoras el argumento residual (o lo usas al revés): con residual=True hay atajos y con False no."),
                    (_chain_sum(weights, x, residual),
                     "sumaste las derivadas locales; la regla de la cadena las MULTIPLICA capa a capa."),
                ],
            )


# 13.5 — Qué familia elegir para un caso nuevo: detectar anomalías sin etiquetas.


def _verify_family_choice(answer):
    expect_choice(
        answer,
        "b",
        ("a", "b", "c", "d"),
        explanations={
            "a": "una CNN clasificadora necesita ejemplos etiquetados de las dos clases, y aquí casi no hay averías "
                 "registradas; no se puede entrenar un clasificador supervisado sin ejemplos de la clase «avería».",
            "c": "una GAN aprende a generar muestras parecidas a las reales; su generador no da una medida de cuán "
                 "anómala es una señal concreta, y su entrenamiento es el más inestable de todos.",
            "d": "la longitud no es el problema, y un Transformer que predice una etiqueta sigue necesitando "
                 "etiquetas: el problema es que no hay ejemplos de averías.",
        },
    )


EXERCISES = [
    Exercise(
        id="13.1",
        title="Un paso de una GRU",
        verify=_verify_gru,
        solution=gru_step,
        hint=("programa las ecuaciones en el orden del enunciado: primero las dos puertas, después el candidato (que "
              "usa la puerta de reinicio) y al final la mezcla del estado anterior con el candidato.",
              "con x de forma (características,) y W[\"z\"] de forma (características, unidades), `x @ W[\"z\"]` da "
              "un vector (unidades,), igual que `h @ U[\"z\"]`; ⊙ es el producto elemento a elemento, `*`. La "
              "sigmoide va en las puertas y tanh en el candidato."),
        mistakes=[
            (_gru_swapped, "intercambiaste z y 1 − z"),
            (_gru_reset_after, "reset_after"),
            (_gru_no_reset, "falta la puerta de reinicio"),
            (_gru_tanh_gates, "usan la sigmoide"),
            (_gru_candidate_only, "devolviste el candidato"),
            (lambda x, h, W, U, b: h, "estado anterior sin cambios"),
            (_gru_z_for_r, "puerta de REINICIO"),
        ],
        fresh=_fresh_gru,
        forbidden=("course_lib.nn.GRU", "torch.nn.GRUCell", "torch.nn.GRU"),
    ),
    Exercise(
        id="13.2",
        title="Atención con máscara causal",
        verify=_verify_causal_attention,
        solution=causal_attention,
        hint=("es la atención del cuaderno con un paso más: antes de la softmax, las puntuaciones de las "
              "posiciones futuras (j > i) se ponen a −∞, para que su peso sea e^(−∞) = 0.",
              "construye una matriz booleana (n, n) que diga qué pares (i, j) están permitidos (`np.tril` da la parte "
              "triangular inferior) y usa `np.where` para poner −np.inf en los demás; la softmax, por filas y "
              "restando el máximo."),
        mistakes=[
            (lambda Q, K, V: _softmax(Q @ K.T / np.sqrt(Q.shape[1])) @ V, "falta la máscara"),
            (lambda Q, K, V: (_softmax(Q @ K.T / np.sqrt(Q.shape[1])) * np.tril(np.ones((len(Q),) * 2))) @ V,
             "DESPUÉS de la softmax"),
            (lambda Q, K, V: _softmax(np.where(np.triu(np.ones((len(Q),) * 2, bool)), Q @ K.T / np.sqrt(Q.shape[1]),
                                               -np.inf)) @ V, "al revés"),
            (lambda Q, K, V: _softmax(np.where(np.tril(np.ones((len(Q),) * 2, bool)), Q @ K.T, -np.inf)) @ V,
             "falta dividir"),
            (lambda Q, K, V: _softmax(np.where(np.tril(np.ones((len(Q),) * 2, bool)), Q @ K.T / Q.shape[1],
                                               -np.inf)) @ V, "no entre d"),
            (_strict_mask_attention, "sí misma"),
        ],
        fresh=_fresh_attention,
        forbidden=("course_lib.nn.MultiHeadAttention", "torch.nn.functional.scaled_dot_product_attention",
                   "torch.nn.MultiheadAttention"),
    ),
    Exercise(
        id="13.3",
        title="Parámetros de una LSTM",
        verify=_verify_lstm_params,
        solution=lstm_params,
        hint=("una LSTM son cuatro bloques iguales que una SimpleRNN (las tres puertas y el candidato), cada uno con "
              "sus propios pesos.",
              "cuenta primero los parámetros de UN bloque: una matriz para la entrada x, otra para el estado anterior "
              "h y un sesgo; comprueba la forma de cada una en la LSTM desde cero del cuaderno."),
        mistakes=[
            (lambda f, u: u * (f + u) + u, "eso es una SimpleRNN"),
            (lambda f, u: 4 * u * (f + u), "te faltan los sesgos"),
            (lambda f, u: 4 * (u * (f + u) + 2 * u), "PyTorch"),
            (lambda f, u: 3 * (u * (f + u) + u), "GRU"),
            (lambda f, u: 4 * (f * u + u), "falta la matriz recurrente"),
            (lambda f, u: 4 * u * (f + u) + u, "sus propios sesgos"),
        ],
        fresh=lambda rng: (int(rng.integers(1, 400)), int(rng.integers(1, 300))),
        forbidden=PARAMETER_COUNTERS,
    ),
    Exercise(
        id="13.4",
        title="El gradiente a través de atajos residuales",
        verify=_verify_chain_gradient,
        solution=chain_gradient,
        hint=("por la regla de la cadena, ∂h_L/∂x es el producto de las derivadas locales ∂h_l/∂h_{l−1} de todas las "
              "capas; cada una se evalúa en el punto por el que pasa la pasada hacia delante.",
              "recorre las capas hacia delante guardando cada preactivación z_l = w_l·h_{l−1}; deriva cada capa "
              "respecto a su entrada (con atajo, la capa suma h_{l−1}: ¿qué aporta ese sumando a la derivada?) y "
              "ve multiplicando."),
        mistakes=[
            (_chain_no_identity, "«+ 1»"),
            (_chain_derivative_at_h, "preactivación"),
            (_chain_no_w, "falta el factor w_l"),
            (_chain_plain_forward, "sumar también el atajo"),
            (_chain_sum, "MULTIPLICA"),
        ],
        fresh=_fresh_chain,
    ),
    Exercise(
        id="13.5",
        title="Qué familia de red elegir",
        verify=_verify_family_choice,
        solution="b",
        hint=("antes de elegir la red, mira los datos: ¿hay ejemplos etiquetados de las dos clases?",
              "¿qué familia de la tabla «Las familias, de un vistazo» aprende solo con ejemplos normales y da, para una señal nueva, una medida de "
              "«cuánto se parece a lo normal»?"),
        mistakes=[
            ("a", "etiquetados"),
            ("c", "no da una medida"),
            ("d", "sigue necesitando"),
            ("e", "debe ser una de"),
        ],
    ),
]
