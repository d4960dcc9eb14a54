"""Ejercicios del capítulo 16: modelos de lenguaje y Transformers.

Cada uno lleva una idea del cuaderno a un caso que el cuaderno no resuelve: trigramas (el cuaderno
cuenta unigramas y bigramas), el muestreo top-p (el cuaderno hace voraz, temperatura y top-k), los
parámetros de un Transformer de cualquier tamaño (el cuaderno cuenta uno) y la atención causal con
ventana, la de Longformer y Mistral (el cuaderno usa la máscara causal completa).
"""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_close

# 16.1 — Trigramas con suavizado de Laplace:
#   P[a, b, c] = (N(a, b, c) + α) / (Σ_c' N(a, b, c') + V·α)


def _trigram_counts(ids, V):
    ids = np.asarray(ids)
    counts = np.zeros((V, V, V))
    np.add.at(counts, (ids[:-2], ids[1:-1], ids[2:]), 1)
    return counts


def trigram_probabilities(ids, V, alfa):
    counts = _trigram_counts(ids, V)
    return (counts + alfa) / (counts.sum(axis=2, keepdims=True) + V * alfa)


def _trigram_case():
    rng = np.random.default_rng(16)
    return rng.integers(0, 5, size=60), 5, 0.5


def _verify_trigram(function):
    ids, V, alfa = _trigram_case()
    got = call(function, ids.copy(), V, alfa)
    counts = _trigram_counts(ids, V)
    got_array = np.asarray(got, dtype=float) if not isinstance(got, (str, bytes)) else None
    if got_array is not None and got_array.shape == (V, V, V) and np.all(np.isfinite(got_array)):
        sums = got_array.sum(axis=2)
        if not np.allclose(sums, 1) and np.allclose(got_array.sum(axis=0), 1):
            raise Incorrect("cada distribución P[a, b, ·] debe sumar 1 sobre el ÚLTIMO eje (el carácter c que "
                            "sigue a a y b); tú normalizaste sobre el primero.")
    expect_close(
        got,
        trigram_probabilities(ids, V, alfa),
        name="P",
        mistakes=[
            ((counts + alfa) / (counts.sum(axis=2, keepdims=True) + alfa),
             "en el denominador se suma V·α, no α: cada uno de los V caracteres posibles recibió α en el numerador, "
             "y así cada fila vuelve a sumar 1."),
            ((counts + alfa) / counts.sum(axis=2, keepdims=True).clip(min=1),
             "falta sumar V·α en el denominador: con α en el numerador, las probabilidades ya no suman 1."),
            (counts / counts.sum(axis=2, keepdims=True).clip(min=1),
             "falta el suavizado: suma α a cada recuento (y V·α al total de cada fila)."),
            (trigram_probabilities(ids[::-1], V, alfa),
             "contaste los tríos al revés: N(a, b, c) cuenta las veces que c viene DESPUÉS de a y b."),
            ((counts + alfa) / (counts.sum() + V ** 3 * alfa),
             "normalizaste todo el array a la vez (una distribución conjunta): aquí se pide la condicionada, "
             "cada fila P[a, b, ·] sumando 1."),
        ],
    )


# 16.2 — Muestreo top-p (de núcleo): los más probables hasta que la probabilidad acumulada llega a p.


def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    keep = order[: int(np.searchsorted(cumulative, p - 1e-12)) + 1]     # hasta el primero que llega a p
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()


def _top_p_unnormalized(probs, p):
    filtered = top_p_filter(probs, p)
    return np.where(filtered > 0, probs, 0.0)


def _top_p_short(probs, p):
    """El error de uno: se queda con los que ACUMULAN menos de p (sin el que cruza el umbral)."""
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    keep = order[cumulative < p]
    if len(keep) == 0:
        return np.zeros_like(probs)
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()


def _top_p_ascending(probs, p):
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    keep = order[: int(np.searchsorted(cumulative, p - 1e-12)) + 1]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()


def _top_p_unsorted(probs, p):
    probs = np.asarray(probs, dtype=float)
    cumulative = np.cumsum(probs)
    keep = np.arange(int(np.searchsorted(cumulative, p - 1e-12)) + 1)
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()


_TOP_P_CASES = [
    (np.array([0.05, 0.4, 0.1, 0.25, 0.2]), 0.6),
    (np.array([0.1, 0.1, 0.5, 0.05, 0.15, 0.1]), 0.9),
    (np.array([0.7, 0.1, 0.1, 0.05, 0.05]), 0.5),
    (np.array([0.02, 0.08, 0.3, 0.35, 0.25]), 0.65),
]


def _verify_top_p(function):
    for probs, p in _TOP_P_CASES:
        got = call(function, probs.copy(), p)
        expect_close(
            got,
            top_p_filter(probs, p),
            name=f"el resultado con p = {str(p).replace('.', ',')}",
            mistakes=[
                (_top_p_unnormalized(probs, p), "el núcleo es el correcto, pero falta repartir de nuevo la "
                                                "probabilidad: divide entre la suma de lo que queda para que sume 1."),
                (_top_p_short(probs, p), "te quedas corto por uno: el núcleo incluye el carácter con el que la suma "
                                         "acumulada LLEGA a p (o lo pasa), no solo los que quedan por debajo."),
                (_top_p_ascending(probs, p), "ordenaste de menos a más probable: el núcleo son los MÁS probables."),
                (_top_p_unsorted(probs, p), "acumulaste en el orden del vocabulario; primero hay que ordenar de más a "
                                            "menos probable."),
            ],
        )


# 16.3 — Parámetros de un Transformer decodificador con prenormalización.


def gpt_params(V, T, d, blocks):
    per_block = 2 * d + 3 * (d * d + d) + (d * d + d) + 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d)
    return V * d + T * d + blocks * per_block + 2 * d + d * V + V


def _gpt_variant(V, T, d, blocks, w_o=True, biases=True, norms=True, positions=True, head=True, mlp=4):
    b = 1 if biases else 0
    per_block = (2 * d if norms else 0) * 2 + 3 * (d * d + b * d) + (d * d + b * d if w_o else 0) \
        + (d * mlp * d + b * mlp * d) + (mlp * d * d + b * d)
    return V * d + (T * d if positions else 0) + blocks * per_block + (2 * d if norms else 0) \
        + ((d * V + b * V) if head else 0)


_GPT_CASES = [(78, 64, 64, 2), (50257, 1024, 768, 12), (100, 32, 16, 3)]


def _verify_gpt_params(function):
    for V, T, d, blocks in _GPT_CASES:
        got = call(function, V, T, d, blocks)
        expect_close(
            got,
            gpt_params(V, T, d, blocks),
            name=f"los parámetros con V = {V}, T = {T}, d = {d} y {blocks} bloques",
            rtol=0, atol=0.5,
            mistakes=[
                (_gpt_variant(V, T, d, blocks, w_o=False), "falta W_O, la proyección de salida de la atención "
                                                            "(d × d y su sesgo, en cada bloque)."),
                (_gpt_variant(V, T, d, blocks, biases=False), "faltan los sesgos: cada capa densa y cada proyección de "
                                                              "la atención tiene uno."),
                (_gpt_variant(V, T, d, blocks, norms=False), "faltan las normalizaciones: cada LayerNorm tiene γ y β "
                                                             "(2·d), dos por bloque y una al final."),
                (_gpt_variant(V, T, d, blocks, positions=False), "faltan las posiciones aprendidas: una tabla T × d."),
                (_gpt_variant(V, T, d, blocks, head=False), "falta la cabeza de salida (d × V y su sesgo), que da "
                                                            "los logits; aquí no comparte pesos con el embedding."),
                (_gpt_variant(V, T, d, blocks, mlp=1), "la MLP de cada bloque tiene 4·d neuronas ocultas, no d."),
            ],
        )


# 16.4 — Atención causal con ventana (local): la posición i ve las j con i − w < j ≤ i.


def local_causal_mask(T, w):
    i, j = np.arange(T)[:, None], np.arange(T)[None, :]
    return (j <= i) & (j > i - w)


def _local_mask_mistakes(T, w):
    i, j = np.arange(T)[:, None], np.arange(T)[None, :]
    return [
        (np.abs(i - j) < w, "tu ventana mira también al futuro: en un modelo de lenguaje la posición i solo puede "
                            "ver j ≤ i (la máscara sigue siendo causal)."),
        ((j <= i) & (j >= i - w), "cada posición ve una de más: con la suya, son w posiciones en total (la suya y "
                                  "las w − 1 anteriores), no w + 1."),
        ((j < i) & (j > i - w - 1), "cada posición se ve también a sí misma: la diagonal va incluida."),
        (local_causal_mask(T, w).T, "está traspuesta: las filas son las consultas (la posición i que mira) y las "
                                    "columnas las claves (las posiciones j que puede ver)."),
        (j <= i, "falta el límite de la ventana: esta es la máscara causal completa, que deja ver todo el pasado."),
    ]


def _verify_local_mask(function):
    for T, w in [(6, 2), (5, 1), (7, 3), (4, 10)]:
        got = call(function, T, w)
        expected = local_causal_mask(T, w)
        expect_close(
            got,
            expected,
            name=f"la máscara con T = {T} y w = {w}",
            mistakes=[(m, text) for m, text in _local_mask_mistakes(T, w) if not np.array_equal(m, expected)],
        )


def _fresh_local_mask(rng):
    # T de 8 a 15: más larga que todos los casos fijos (T ≤ 7), así que una tabla de esos casos no acierta.
    T = int(rng.integers(8, 16))
    return T, int(rng.integers(1, T + 2))


def _fresh_trigram(rng):
    V = int(rng.integers(3, 7))
    return rng.integers(0, V, size=int(rng.integers(30, 90))), V, float(rng.choice([0.1, 0.5, 1.0, 2.0]))


def _fresh_top_p(rng):
    return rng.dirichlet(np.ones(int(rng.integers(4, 10)))), float(rng.choice([0.3, 0.5, 0.75, 0.9]))


def _fresh_gpt_params(rng):
    return int(rng.integers(20, 200)), int(rng.integers(8, 128)), 4 * int(rng.integers(2, 40)), int(rng.integers(1, 7))


EXERCISES = [
    Exercise(
        id="16.1",
        title="Trigramas con suavizado de Laplace",
        verify=_verify_trigram,
        solution=trigram_probabilities,
        hint=("Lo mismo que los bigramas de la sección 3, con un índice más: cuenta cada trío (a, b, c) seguido y "
              "normaliza cada fila P[a, b, ·] para que sume 1.",
              "np.add.at(N, (ids[:-2], ids[1:-1], ids[2:]), 1) cuenta los tríos en un array (V, V, V); después, α "
              "arriba y V·α abajo, con la suma sobre el último eje (keepdims=True)."),
        mistakes=[
            (lambda ids, V, a: (_trigram_counts(ids, V) + a) / (_trigram_counts(ids, V).sum(axis=2, keepdims=True) + a),
             "V·α"),
            (lambda ids, V, a: _trigram_counts(ids, V) / _trigram_counts(ids, V).sum(axis=2, keepdims=True).clip(min=1),
             "falta el suavizado"),
            (lambda ids, V, a: trigram_probabilities(np.asarray(ids)[::-1], V, a), "al revés"),
            (lambda ids, V, a: np.swapaxes(trigram_probabilities(ids, V, a), 0, 2) /
             np.swapaxes(trigram_probabilities(ids, V, a), 0, 2).sum(axis=0, keepdims=True), "primero"),
        ],
        fresh=_fresh_trigram,
    ),
    Exercise(
        id="16.2",
        title="Muestreo top-p (de núcleo)",
        verify=_verify_top_p,
        solution=top_p_filter,
        hint=("Ordena de más a menos probable y ve sumando: el núcleo son los primeros hasta que la suma llega a p. "
              "Todo lo demás, a cero, y lo que queda se vuelve a normalizar.",
              "np.argsort(-probs) da el orden; np.cumsum la suma acumulada; el primer índice donde llega a p "
              "(np.searchsorted) dice cuántos entran, contando ese."),
        mistakes=[
            (_top_p_unnormalized, "repartir de nuevo"),
            (_top_p_short, "corto por uno"),
            (_top_p_ascending, "MÁS probables"),
            (_top_p_unsorted, "orden del vocabulario"),
        ],
        fresh=_fresh_top_p,
    ),
    Exercise(
        id="16.3",
        title="Parámetros de un Transformer decodificador",
        verify=_verify_gpt_params,
        solution=gpt_params,
        hint=("Suma pieza a pieza como en la tabla de la sección 6.4: dos embeddings, lo de un bloque multiplicado "
              "por el número de bloques, la normalización final y la cabeza de salida.",
              "Por bloque: 2 LayerNorm (2·d cada una), W_Q, W_K, W_V y W_O (d·d + d cada una) y la MLP "
              "(d·4d + 4d y 4d·d + d)."),
        mistakes=[
            (lambda V, T, d, n: _gpt_variant(V, T, d, n, w_o=False), "falta W_O"),
            (lambda V, T, d, n: _gpt_variant(V, T, d, n, biases=False), "faltan los sesgos"),
            (lambda V, T, d, n: _gpt_variant(V, T, d, n, norms=False), "faltan las normalizaciones"),
            (lambda V, T, d, n: _gpt_variant(V, T, d, n, positions=False), "faltan las posiciones"),
            (lambda V, T, d, n: _gpt_variant(V, T, d, n, head=False), "falta la cabeza de salida"),
            (lambda V, T, d, n: _gpt_variant(V, T, d, n, mlp=1), "4·d neuronas"),
        ],
        fresh=_fresh_gpt_params,
    ),
    Exercise(
        id="16.4",
        title="Atención causal con ventana",
        verify=_verify_local_mask,
        solution=local_causal_mask,
        hint=("Es la máscara causal de la sección 6.1 con un límite más: la fila i (la consulta) deja ver la columna j "
              "(la clave) solo si j no está en el futuro y no está más de w − 1 pasos atrás.",
              "Con los índices de fila en una columna y los de columna en una fila, dos comparaciones por difusión "
              "dan dos matrices booleanas de (T, T); la máscara es su «y» (&)."),
        mistakes=[
            (lambda T, w: np.abs(np.arange(T)[:, None] - np.arange(T)[None, :]) < w, "futuro"),
            (lambda T, w: local_causal_mask(T, w + 1), "una de más"),
            (lambda T, w: local_causal_mask(T, w).T, "traspuesta"),
            (lambda T, w: np.tril(np.ones((T, T), dtype=bool)), "límite de la ventana"),
        ],
        fresh=_fresh_local_mask,
    ),
]
