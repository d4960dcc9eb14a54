"""Modelos de lenguaje por caracteres del capítulo 16: el Transformer decodificador, su inferencia
rápida y el muestreo.

El cuaderno escribe estas mismas piezas para enseñarlas y comprueba que dan lo mismo que estas; aquí
viven para que las usen también el script de pesos (``scripts/pesos_cap16.py``, ``make pesos``) y la
demostración (``course_lib.demos.language_model``).

- :class:`TransformerBlock` y :class:`CharTransformer`: un Transformer decodificador (tipo GPT) con
  ``course_lib.nn``: embedding de caracteres + embedding de posiciones aprendido, bloques con
  **prenormalización** x + MHA(LN(x)) y x + MLP(LN(x)) con máscara causal, normalización final y la
  proyección a los logits del vocabulario.
- :func:`transformer_weights` / :func:`set_transformer_weights`: los pesos con nombres legibles
  (``bloque0/Wq``…), los mismos que usa :class:`FastTransformer`.
- :class:`FastTransformer`: la pasada hacia delante en NumPy **con caché de claves y valores** (*KV
  cache*): al añadir un carácter solo se calculan su consulta, su clave y su valor, no toda la ventana;
  es lo que hace que la demostración responda al instante.
- :func:`sample_index`: elegir el siguiente carácter (voraz, temperatura, top-k).
- :func:`load_pretrained`: el modelo entrenado por ``make pesos`` (``data/cap16_transformer_semilla0.npz``).
"""

import json
from pathlib import Path

import numpy as np

from . import nn

DATA = Path(__file__).resolve().parent.parent / "data"
WEIGHTS_FILE = DATA / "cap16_transformer_semilla0.npz"


def pretrained_files(seed):
    """Los archivos que escribe ``make pesos`` para una semilla: (Transformer, GRU)."""
    return DATA / f"cap16_transformer_semilla{seed}.npz", DATA / f"cap16_gru_semilla{seed}.weights.npz"


# --- El modelo, con el motor del curso --------------------------------------------------------------

class TransformerBlock(nn.Layer):
    """Bloque decodificador con prenormalización: x ← x + MHA(LN₁(x)) con máscara causal; x ← x + MLP(LN₂(x)).

    MLP(x) = ReLU(x·W₁ + b₁)·W₂ + b₂, con 4·d neuronas ocultas (como el Transformer original).
    """

    def __init__(self, d_model, num_heads, **kwargs):
        super().__init__(**kwargs)
        self.d_model, self.num_heads = d_model, num_heads
        self.ln1 = nn.LayerNormalization()
        self.attention = nn.MultiHeadAttention(num_heads, d_model // num_heads)
        self.ln2 = nn.LayerNormalization()
        self.hidden = nn.Dense(4 * d_model, activation="relu")
        self.project = nn.Dense(d_model)

    def call(self, x):
        a = self.ln1(x)
        x = x + self.attention(a, a, use_causal_mask=True)
        return x + self.project(self.hidden(self.ln2(x)))

    def get_config(self):
        return {**super().get_config(), "d_model": self.d_model, "num_heads": self.num_heads}


class CharTransformer(nn.Model):
    """Transformer decodificador por caracteres: (N, T) enteros → (N, T, V) logits del carácter siguiente."""

    def __init__(self, vocab_size, context=64, d_model=64, num_heads=4, num_blocks=2, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.context = vocab_size, context
        self.d_model, self.num_heads, self.num_blocks = d_model, num_heads, num_blocks
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(context, d_model)
        self.blocks = [TransformerBlock(d_model, num_heads) for _ in range(num_blocks)]
        self.final_norm = nn.LayerNormalization()
        self.head = nn.Dense(vocab_size)

    def call(self, x):
        h = self.token_embedding(x) + self.position_embedding(np.arange(self.context))
        for block in self.blocks:
            h = block(h)
        return self.head(self.final_norm(h))

    def get_config(self):
        return {"vocab_size": self.vocab_size, "context": self.context, "d_model": self.d_model,
                "num_heads": self.num_heads, "num_blocks": self.num_blocks}


def char_gru(vocab_size, context=64, units=128, embedding_dim=32):
    """La red recurrente del capítulo: Embedding → GRU (una salida por paso) → Dense (logits)."""
    return nn.Sequential([nn.Input(shape=(context,), dtype="int64"), nn.Embedding(vocab_size, embedding_dim),
                          nn.GRU(units, return_sequences=True), nn.Dense(vocab_size)])


def _layer_arrays(block):
    att = block.attention.params
    return {"ln1_gamma": block.ln1.params["gamma"], "ln1_beta": block.ln1.params["beta"],
            "Wq": att["Wq"], "bq": att["bq"], "Wk": att["Wk"], "bk": att["bk"], "Wv": att["Wv"], "bv": att["bv"],
            "Wo": att["Wo"], "bo": att["bo"],
            "ln2_gamma": block.ln2.params["gamma"], "ln2_beta": block.ln2.params["beta"],
            "W1": block.hidden.params["W"], "b1": block.hidden.params["b"],
            "W2": block.project.params["W"], "b2": block.project.params["b"]}


def transformer_weights(model):
    """Los pesos de un :class:`CharTransformer` ya construido, con nombres legibles: ``tokens``,
    ``posiciones``, ``bloque0/Wq``…, ``norma_final_gamma``, ``W_salida``, ``b_salida`` (copias)."""
    weights = {"tokens": model.token_embedding.params["W"], "posiciones": model.position_embedding.params["W"]}
    for i, block in enumerate(model.blocks):
        weights.update({f"bloque{i}/{k}": v for k, v in _layer_arrays(block).items()})
    weights.update({"norma_final_gamma": model.final_norm.params["gamma"],
                    "norma_final_beta": model.final_norm.params["beta"],
                    "W_salida": model.head.params["W"], "b_salida": model.head.params["b"]})
    return {k: np.array(v) for k, v in weights.items()}


def set_transformer_weights(model, weights):
    """Copia en ``model`` (un :class:`CharTransformer` ya construido) los pesos de :func:`transformer_weights`."""
    for name, target in transformer_weights_views(model).items():
        if target.shape != weights[name].shape:
            raise ValueError(f"El peso {name} tiene forma {weights[name].shape}; el modelo espera {target.shape}.")
        target[...] = weights[name]


def transformer_weights_views(model):
    """Como :func:`transformer_weights`, pero los arrays del propio modelo (sin copiar)."""
    views = {"tokens": model.token_embedding.params["W"], "posiciones": model.position_embedding.params["W"]}
    for i, block in enumerate(model.blocks):
        views.update({f"bloque{i}/{k}": v for k, v in _layer_arrays(block).items()})
    views.update({"norma_final_gamma": model.final_norm.params["gamma"],
                  "norma_final_beta": model.final_norm.params["beta"],
                  "W_salida": model.head.params["W"], "b_salida": model.head.params["b"]})
    return views


# --- Inferencia rápida con caché de claves y valores --------------------------------------------------

def _layer_norm(x, gamma, beta, epsilon=1e-3):
    """LN(x) = (x − μ)/√(σ² + ε)·γ + β sobre el último eje (como ``nn.LayerNormalization``)."""
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    variance = (centered * centered).mean(axis=-1, keepdims=True)
    return centered / np.sqrt(variance + epsilon) * gamma + beta


class FastTransformer:
    """La pasada hacia delante de :class:`CharTransformer` en NumPy, un carácter cada vez, con caché.

    En un modelo causal, la clave y el valor de la posición j no cambian cuando llegan caracteres
    nuevos; se guardan (``K``, ``V`` de cada bloque) y cada carácter nuevo solo calcula los suyos:
    O(T·d) por carácter en vez de O(T²·d) por ventana. Las posiciones son absolutas (0…contexto − 1):
    cuando la ventana se llena, se vuelve a leer desde los últimos ``context // 2`` caracteres.

    Para ir deprisa con vectores de 64 números (donde cuenta más cada llamada a NumPy que las cuentas):
    Q, K y V salen de un solo producto por [Wq | Wk | Wv], con 1/√d_k ya dentro de Wq y bq; la caché
    está reservada de antemano; y la normalización usa sumas en vez de ``mean``.
    """

    def __init__(self, weights, num_heads, epsilon=1e-3):
        self.w = {k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}
        self.num_heads = num_heads
        self.epsilon = epsilon
        self.context, self.d_model = self.w["posiciones"].shape
        self.num_blocks = len({k.split("/")[0] for k in self.w if k.startswith("bloque")})
        d_k = self.d_model // num_heads
        self._blocks = []
        for i in range(self.num_blocks):
            w = {k.split("/")[1]: v for k, v in self.w.items() if k.startswith(f"bloque{i}/")}
            scale = 1.0 / np.sqrt(d_k)
            self._blocks.append({
                "ln1": (w["ln1_gamma"], w["ln1_beta"]), "ln2": (w["ln2_gamma"], w["ln2_beta"]),
                "Wqkv": np.concatenate([w["Wq"] * scale, w["Wk"], w["Wv"]], axis=1),
                "bqkv": np.concatenate([w["bq"] * scale, w["bk"], w["bv"]]),
                "Wo": w["Wo"], "bo": w["bo"], "W1": w["W1"], "b1": w["b1"], "W2": w["W2"], "b2": w["b2"]})
        self.reset()

    def reset(self):
        """Vacía la caché (ningún carácter leído)."""
        self.ids = []
        shape = (self.num_heads, self.context, self.d_model // self.num_heads)
        self.keys = [np.zeros(shape) for _ in range(self.num_blocks)]
        self.values = [np.zeros(shape) for _ in range(self.num_blocks)]

    def _norm(self, x, gamma, beta):
        centered = x - x.sum() / self.d_model
        return centered * (gamma / np.sqrt(centered @ centered / self.d_model + self.epsilon)) + beta

    def _step(self, token):
        """Lee un carácter (en la posición t = len(self.ids)) y devuelve los logits del siguiente: (V,)."""
        t = len(self.ids)
        H, d = self.num_heads, self.d_model
        d_k = d // H
        x = self.w["tokens"][token] + self.w["posiciones"][t]
        for block, K, V in zip(self._blocks, self.keys, self.values):
            qkv = self._norm(x, *block["ln1"]) @ block["Wqkv"] + block["bqkv"]
            q = qkv[:d].reshape(H, d_k, 1)
            K[:, t] = qkv[d:2 * d].reshape(H, d_k)                # la caché: la clave y el valor de t
            V[:, t] = qkv[2 * d:].reshape(H, d_k)
            scores = (K[:, :t + 1] @ q)[..., 0]                   # (H, t + 1): solo existen j ≤ t
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            weights = scores / scores.sum(axis=1, keepdims=True)
            heads = np.einsum("hj,hjd->hd", weights, V[:, :t + 1]).reshape(d)   # [O_1 | … | O_H]
            x = x + heads @ block["Wo"] + block["bo"]             # W_O: la proyección de salida
            hidden = self._norm(x, *block["ln2"]) @ block["W1"] + block["b1"]
            x = x + np.maximum(hidden, 0.0) @ block["W2"] + block["b2"]
        x = self._norm(x, self.w["norma_final_gamma"], self.w["norma_final_beta"])
        self.ids.append(int(token))
        return x @ self.w["W_salida"] + self.w["b_salida"]

    def read(self, ids):
        """Lee una secuencia desde cero (los últimos ``context`` caracteres); devuelve los logits del siguiente."""
        self.reset()
        ids = [int(i) for i in np.asarray(ids).ravel()][-self.context:]
        if not ids:
            raise ValueError("Hace falta al menos un carácter de contexto.")
        for token in ids:
            logits = self._step(token)
        return logits

    def logits_for_all_positions(self, ids):
        """Los logits tras cada carácter de ``ids`` (a lo sumo ``context``): (T, V), para comprobaciones."""
        self.reset()
        return np.stack([self._step(int(t)) for t in np.asarray(ids).ravel()[: self.context]])

    def append(self, token):
        """Añade un carácter a lo leído y devuelve los logits del siguiente (rehace la caché si se llena)."""
        if len(self.ids) >= self.context:
            return self.read(self.ids[-(self.context // 2):] + [int(token)])
        return self._step(token)

    def state(self):
        """Una copia de lo leído (para volver a ello con :meth:`restore`)."""
        return list(self.ids), [k.copy() for k in self.keys], [v.copy() for v in self.values]

    def restore(self, state):
        ids, keys, values = state
        self.ids, self.keys, self.values = list(ids), [k.copy() for k in keys], [v.copy() for v in values]

    def generate(self, ids, n, temperature=1.0, top_k=None, rng=None):
        """Continúa ``ids`` con ``n`` caracteres muestreados (ver :func:`sample_index`); devuelve sus índices."""
        rng = np.random.default_rng() if rng is None else rng
        logits = self.read(ids)
        out = []
        for _ in range(n):
            token = sample_index(logits, temperature, top_k, rng)
            out.append(token)
            logits = self.append(token)
        return out


# --- Muestreo ---------------------------------------------------------------------------------------

def sample_index(logits, temperature=1.0, top_k=None, rng=None):
    """El índice del siguiente carácter a partir de los logits z (V,).

    - ``temperature == 0``: **voraz** (*greedy*), el más probable: argmax z.
    - si no: p = softmax(z / T) y se sortea un índice con esas probabilidades; T < 1 afila la
      distribución (más conservador), T > 1 la aplana (más sorpresas).
    - ``top_k``: antes de sortear, solo quedan los k caracteres más probables (los demás, p = 0).
    """
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    if top_k is not None and top_k < len(z):
        z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)   # fuera los que no están entre los k mayores
    p = np.exp(z - z.max())
    cumulative = np.cumsum(p)           # sorteo por la inversa de la distribución acumulada
    u = (rng or np.random.default_rng()).random() * cumulative[-1]
    return int(min(np.searchsorted(cumulative, u, side="right"), len(p) - 1))


def next_char_probabilities(logits, temperature=1.0, top_k=None):
    """Las probabilidades con las que :func:`sample_index` elige: softmax(z / T) tras el filtro top-k
    (con T = 0, todo el peso en el máximo)."""
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        p = np.zeros_like(logits)
        p[np.argmax(logits)] = 1.0
        return p
    z = logits / temperature
    if top_k is not None and top_k < len(z):
        z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)
    p = np.exp(z - z.max())
    return p / p.sum()


# --- El modelo ya entrenado -------------------------------------------------------------------------

def load_pretrained(path=WEIGHTS_FILE):
    """El Transformer que entrena ``make pesos``: ``(vocabulario, pesos, información)``.

    ``vocabulario`` es el str con los caracteres en orden (índice → carácter); ``información``, un dict
    con la configuración, los pasos y el tiempo de entrenamiento y la perplejidad medida.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No encuentro los pesos {path}: genéralos con «make pesos» (scripts/pesos_cap16.py).")
    with np.load(path, allow_pickle=False) as archivo:
        info = json.loads(str(archivo["info"]))
        vocabulary = str(archivo["vocabulario"])
        weights = {k: archivo[k] for k in archivo.files if k not in ("info", "vocabulario")}
    return vocabulary, weights, info


# --- Fechas en palabras → ISO: el codificador–decodificador -----------------------------------------

DATES_SEED = 16                 # las fechas son fijas: SEMILLA solo cambia pesos iniciales y lotes
PAD, START = "·", "^"
OUTPUT_CHARS = list("0123456789-") + [START]


def dates_task(n_train=3000, n_test=1000, seed=DATES_SEED):
    """La tarea de las fechas, ya codificada (las mismas cuentas que el cuaderno, que las escribe a la vista).

    Devuelve un dict con ``words_train``, ``iso_train``, ``words_test``, ``iso_test`` (listas), el
    vocabulario de entrada ``input_vocab`` (``PAD`` y las palabras, en orden), ``X_train``/``X_test``
    (palabras como enteros, rellenadas por la izquierda con ``PAD`` = 0), ``D_train`` (la salida
    desplazada que recibe el decodificador con *teacher forcing*, empezando por ``START``) e
    ``Y_train``/``Y_test`` (los 10 caracteres ISO como enteros de ``OUTPUT_CHARS``). Ninguna fecha de
    prueba está en el entrenamiento.
    """
    from .texto import dates_dataset

    rng = np.random.default_rng(seed)
    words_train, iso_train = dates_dataset(n_train, rng)
    words_test, iso_test = dates_dataset(n_test, rng, exclude=iso_train)
    vocab = [PAD] + sorted({w for date in words_train + words_test for w in date.split()})
    length = max(len(date.split()) for date in words_train + words_test)

    def encode_words(dates):
        X = np.zeros((len(dates), length), dtype=np.int64)
        for i, date in enumerate(dates):
            symbols = [vocab.index(w) for w in date.split()]
            X[i, length - len(symbols):] = symbols
        return X

    def encode_iso(dates):
        Y = np.array([[OUTPUT_CHARS.index(c) for c in date] for date in dates], dtype=np.int64)
        D = np.concatenate([np.full((len(Y), 1), OUTPUT_CHARS.index(START)), Y[:, :-1]], axis=1)
        return D, Y

    D_train, Y_train = encode_iso(iso_train)
    _, Y_test = encode_iso(iso_test)
    return {"words_train": words_train, "iso_train": iso_train, "words_test": words_test, "iso_test": iso_test,
            "input_vocab": vocab, "X_train": encode_words(words_train), "X_test": encode_words(words_test),
            "D_train": D_train, "Y_train": Y_train, "Y_test": Y_test}


def date_translator(input_vocab_size, input_length, attention, units=64):
    """Codificador–decodificador GRU para las fechas; con ``attention``, atención cruzada (capa «atencion»).

    Entradas: las palabras (N, input_length) y la salida desplazada (N, 10); salida: logits (N, 10, 12).
    """
    words = nn.Input(shape=(input_length,), dtype="int64")
    previous = nn.Input(shape=(10,), dtype="int64")
    states, last = nn.GRU(units, return_sequences=True, return_state=True)(nn.Embedding(input_vocab_size, 32)(words))
    h = nn.GRU(units, return_sequences=True)(nn.Embedding(len(OUTPUT_CHARS), 16)(previous), initial_state=last)
    if attention:
        context = nn.MultiHeadAttention(1, units, name="atencion")(h, states)
        h = nn.Concatenate()([h, context])
    return nn.Model([words, previous], nn.Dense(len(OUTPUT_CHARS))(h))


def greedy_decode(model, X):
    """Decodificación voraz: 10 pasos, cada uno con los caracteres que el propio modelo eligió antes."""
    D = np.full((len(X), 10), OUTPUT_CHARS.index(START))
    for t in range(10):
        chosen = model.predict([X, D], verbose=0)[:, t].argmax(axis=-1)
        if t < 9:
            D[:, t + 1] = chosen
    return np.concatenate([D[:, 1:], chosen[:, None]], axis=1)


def translator_file(seed, attention):
    """El archivo de pesos de un traductor de fechas entrenado por ``make pesos``."""
    return DATA / f"cap16_fechas_{'con' if attention else 'sin'}_atencion_semilla{seed}.weights.npz"


# --- El modelo neuronal de contexto fijo (Bengio et al., 2003), en NumPy ------------------------------

MLP_CONTEXT, MLP_EMBEDDING, MLP_HIDDEN = 8, 16, 96


def mlp_init(vocab_size, seed, k=MLP_CONTEXT, e=MLP_EMBEDDING, h=MLP_HIDDEN):
    """Pesos iniciales del MLP de contexto fijo: tabla C (V × E), W1 (k·E × H), b1, W2 (H × V), b2."""
    g = np.random.default_rng(seed)
    return {"C": g.normal(0, 0.1, (vocab_size, e)), "W1": g.normal(0, 1 / np.sqrt(k * e), (k * e, h)),
            "b1": np.zeros(h), "W2": g.normal(0, 0.01, (h, vocab_size)), "b2": np.zeros(vocab_size)}


def mlp_contexts(X, pad, k=MLP_CONTEXT):
    """(N, T) → (N, T, k): en cada posición, los k caracteres que terminan en ella (con ``pad`` delante)."""
    from numpy.lib.stride_tricks import sliding_window_view

    padded = np.concatenate([np.full((len(X), k - 1), pad), X], axis=1)
    return sliding_window_view(padded, k, axis=1)


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def mlp_forward(P, ctx):
    """ctx (…, k) enteros → (e, h, z): embeddings juntos, capa oculta tanh y logits (M, V)."""
    e = P["C"][ctx].reshape(-1, P["W1"].shape[0])
    h = np.tanh(e @ P["W1"] + P["b1"])
    return e, h, h @ P["W2"] + P["b2"]


def mlp_loss_and_gradients(P, ctx, y):
    """J = −media de log softmax(z)[y] y sus gradientes respecto de C, W1, b1, W2 y b2."""
    k = P["W1"].shape[0] // P["C"].shape[1]
    ctx, y = np.asarray(ctx).reshape(-1, k), np.asarray(y).ravel()
    e, h, z = mlp_forward(P, ctx)
    log_p = _log_softmax(z)
    loss = -log_p[np.arange(len(y)), y].mean()
    dz = np.exp(log_p)
    dz[np.arange(len(y)), y] -= 1
    dz /= len(y)
    G = {"W2": h.T @ dz, "b2": dz.sum(axis=0)}
    dh = (dz @ P["W2"].T) * (1 - h ** 2)
    G["W1"], G["b1"] = e.T @ dh, dh.sum(axis=0)
    G["C"] = np.zeros_like(P["C"])
    np.add.at(G["C"], ctx, (dh @ P["W1"].T).reshape(len(y), k, -1))
    return loss, G


def mlp_log_probabilities(P, X, Y, pad):
    """log P(Y[n, t] | contexto) del MLP para ventanas (N, T): (N, T)."""
    k = P["W1"].shape[0] // P["C"].shape[1]
    log_p = _log_softmax(mlp_forward(P, mlp_contexts(X, pad, k))[2]).reshape(X.shape + (-1,))
    return np.take_along_axis(log_p, Y[..., None], axis=-1)[..., 0]


class NumpyAdam:
    """Adam (capítulo 06) sobre un diccionario de arrays de NumPy."""

    def __init__(self, params, eta, b1=0.9, b2=0.999, eps=1e-7):
        self.eta, self.b1, self.b2, self.eps, self.t = eta, b1, b2, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        self.t += 1
        for k in params:
            self.m[k] = self.b1 * self.m[k] + (1 - self.b1) * grads[k]
            self.v[k] = self.b2 * self.v[k] + (1 - self.b2) * grads[k] ** 2
            m_hat, v_hat = self.m[k] / (1 - self.b1 ** self.t), self.v[k] / (1 - self.b2 ** self.t)
            params[k] -= self.eta * m_hat / (np.sqrt(v_hat) + self.eps)


def mlp_file(seed):
    """El archivo de pesos del MLP de contexto fijo entrenado por ``make pesos``."""
    return DATA / f"cap16_mlp_semilla{seed}.npz"


# --- Las ventanas de evaluación -----------------------------------------------------------------------

EVALUATION_WINDOWS, EVALUATION_LENGTH = 512, 64


def evaluation_windows(validation, test):
    """Las ventanas fijas con que se miden todos los modelos del capítulo (las mismas en el cuaderno y en
    ``make pesos``): 512 ventanas de 64 caracteres de la validación y otras tantas de la prueba.

    Son datos, no azar del experimento: no dependen de la semilla del cuaderno, para que las cifras de los
    modelos ya entrenados se puedan comprobar. Devuelve ``(X_val, Y_val), (X_test, Y_test)``.
    """
    from .texto import random_windows

    return (random_windows(validation, EVALUATION_WINDOWS, EVALUATION_LENGTH, np.random.default_rng(1000)),
            random_windows(test, EVALUATION_WINDOWS, EVALUATION_LENGTH, np.random.default_rng(2000)))
