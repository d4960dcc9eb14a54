"""Atención de varias cabezas (*multi-head attention*), como ``keras.layers.MultiHeadAttention``.

Para una consulta (query) de forma (N, T_q, D_q) y unos valores (value) de forma (N, T_k, D_v), con
claves (key) que por defecto son los mismos valores:

    Q = query·Wq + bq,   K = key·Wk + bk,   V = value·Wv + bv     (proyecciones de todas las cabezas)
    para cada cabeza h:  A_h = softmax(Q_h·K_hᵀ / √d_k),   O_h = A_h·V_h
    salida = [O_1 | … | O_H]·Wo + bo                                  -> (N, T_q, D_q)

A_h[i, j] es cuánto mira la posición i de la consulta a la posición j de las claves; cada fila
suma 1. Con ``use_causal_mask=True`` la posición i solo puede mirar a j ≤ i (A_h[i, j] = 0 si j > i):
es lo que usa un modelo que genera texto, que no debe ver el futuro. Si query, value y key son el
mismo tensor, es autoatención (*self-attention*); si no, atención cruzada (*cross-attention*).

El código sigue el bloque de atención de minGPT: proyectar, separar las cabezas con un reshape y
un transpose, puntuaciones escaladas, máscara, softmax, suma ponderada, juntar cabezas y proyectar.
"""

import numpy as np

from . import config, initializers
from .layer import Layer
from .validation import CourseError, as_float_array, check_number, check_positive_int


def _softmax(scores):
    """softmax sobre el último eje, restando el máximo de cada fila (las posiciones con −∞ dan 0).

    Trabaja en su sitio sobre ``scores`` (el tensor más grande de la capa: N·cabezas·T_q·T_k valores).
    """
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return scores


class MultiHeadAttention(Layer):
    """Atención de ``num_heads`` cabezas con claves y consultas de ``key_dim`` componentes por cabeza.

    Se llama como en Keras: ``mha(query, value, key=None, use_causal_mask=False, training=False)``.
    Pesos (en 2-D; Keras guarda los mismos valores con forma (D, cabezas, key_dim)):
    ``Wq`` (D_q, cabezas·key_dim), ``Wk`` (D_k, cabezas·key_dim), ``Wv`` (D_v, cabezas·value_dim),
    ``Wo`` (cabezas·value_dim, D_q) y los sesgos ``bq``, ``bk``, ``bv``, ``bo``.
    Tras cada llamada, ``mha.last_attention_scores`` guarda los pesos de atención A, de forma
    (N, cabezas, T_q, T_k), para dibujarlos; ``return_attention_scores=True`` los devuelve además.
    ``backward(grad)`` devuelve (∂L/∂query, ∂L/∂value), o (∂L/∂query, ∂L/∂value, ∂L/∂key) si se pasó key.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.num_heads = check_positive_int(num_heads, "MultiHeadAttention: num_heads (número de cabezas)")
        self.key_dim = check_positive_int(key_dim, "MultiHeadAttention: key_dim (tamaño de cada cabeza)")
        self.value_dim = self.key_dim if value_dim is None else check_positive_int(
            value_dim, "MultiHeadAttention: value_dim")
        self.dropout = check_number(dropout, "MultiHeadAttention: dropout", low=0.0, high=1.0, high_inclusive=False)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.last_attention_scores = None

    # ------------------------------------------------------------------ construcción
    def build(self, query_shape, value_shape=None, key_shape=None):
        """Crea los pesos para consultas de forma (T_q, D_q), valores (T_k, D_v) y claves (T_k, D_k)."""
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        shapes = [tuple(int(n) for n in s) for s in (query_shape, value_shape, key_shape)]
        self._check_shapes(*shapes, use_causal_mask=False)
        (_, d_q), (_, d_v), (_, d_k) = shapes
        heads_k, heads_v = self.num_heads * self.key_dim, self.num_heads * self.value_dim
        for name, shape in (("q", (d_q, heads_k)), ("k", (d_k, heads_k)), ("v", (d_v, heads_v)), ("o", (heads_v, d_q))):
            self.params["W" + name] = self.kernel_initializer(shape)
            if self.use_bias:
                self.params["b" + name] = self.bias_initializer((shape[1],))
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.input_shape = shapes[0]
        self.output_shape = shapes[0]
        self.built = True

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return tuple(query_shape)

    def symbolic_output_shape(self, query, value=None, key=None, use_causal_mask=False,
                              return_attention_scores=False):
        """Forma de la salida para tensores simbólicos de formas query, value y key (sin el lote)."""
        query_shape, value_shape, key_shape = query, value, key
        if value_shape is None:
            raise CourseError(f"MultiHeadAttention ('{self.name}') necesita query y value: mha(query, value).")
        if return_attention_scores:
            raise CourseError(
                "En un modelo funcional, MultiHeadAttention devuelve un solo tensor: quita "
                "return_attention_scores=True y lee los pesos de la última llamada en mha.last_attention_scores."
            )
        key_shape = value_shape if key_shape is None else key_shape
        self._check_shapes(tuple(query_shape), tuple(value_shape), tuple(key_shape), use_causal_mask)
        return tuple(query_shape)

    def _check_shapes(self, query_shape, value_shape, key_shape, use_causal_mask):
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 2:
                raise CourseError(
                    f"MultiHeadAttention ('{self.name}'): {what} debe ser un lote de secuencias de forma "
                    f"(ejemplos, pasos, características); se recibió un array con forma de ejemplo {tuple(shape)} "
                    f"(forma completa {self._received(shape)})."
                )
        if key_shape[0] != value_shape[0]:
            raise CourseError(
                f"MultiHeadAttention ('{self.name}'): key y value deben tener el mismo número de pasos (cada clave "
                f"va con su valor), pero key tiene {key_shape[0]} y value {value_shape[0]}."
            )
        if use_causal_mask and query_shape[0] != key_shape[0]:
            raise CourseError(
                f"MultiHeadAttention ('{self.name}'): la máscara causal (use_causal_mask=True) hace que la posición i "
                f"de la consulta solo mire a las posiciones j ≤ i de las claves, así que query y key deben tener la "
                f"misma longitud; se recibió query con {query_shape[0]} pasos y key con {key_shape[0]}. Usa la "
                "máscara causal en la autoatención (mha(x, x, use_causal_mask=True)) o quítala en la atención cruzada."
            )
        if self.built:
            expected = {"query": self.params["Wq"].shape[0], "value": self.params["Wv"].shape[0],
                        "key": self.params["Wk"].shape[0]}
            for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
                if shape[1] != expected[what]:
                    raise CourseError(
                        f"MultiHeadAttention ('{self.name}') esperaba {what} con {expected[what]} características "
                        f"por paso, pero recibió {shape[1]}."
                    )

    def _prepare_inputs(self, query, value, key, use_causal_mask):
        arrays = []
        for what, x in (("query", query), ("value", value), ("key", key)):
            if not (isinstance(x, np.ndarray) and x.dtype == config.dtype()):
                x = as_float_array(x, f"MultiHeadAttention ('{self.name}'): {what}")
            if x.ndim != 3:
                raise CourseError(
                    f"MultiHeadAttention ('{self.name}'): {what} debe tener forma (ejemplos, pasos, "
                    f"características); se recibió un array de forma {x.shape}."
                )
            arrays.append(x)
        q, v, k = arrays
        if not (q.shape[0] == v.shape[0] == k.shape[0]):
            raise CourseError(
                f"MultiHeadAttention ('{self.name}'): query, value y key deben tener el mismo número de ejemplos; "
                f"se recibió {q.shape[0]}, {v.shape[0]} y {k.shape[0]}."
            )
        self._check_shapes(q.shape[1:], v.shape[1:], k.shape[1:], use_causal_mask)
        if not self.built:
            self.build(q.shape[1:], v.shape[1:], k.shape[1:])
        self.input_shape = self.output_shape = q.shape[1:]
        self._batch_size = q.shape[0]
        return q, v, k

    # ------------------------------------------------------------------ pasadas
    def _split_heads(self, x, size):
        """(N, T, cabezas·size) -> (N, cabezas, T, size)."""
        N, T, _ = x.shape
        return x.reshape(N, T, self.num_heads, size).transpose(0, 2, 1, 3)

    def _merge_heads(self, x):
        """(N, cabezas, T, size) -> (N, T, cabezas·size)."""
        N, H, T, size = x.shape
        return x.transpose(0, 2, 1, 3).reshape(N, T, H * size)

    def _project(self, x, name):
        """x: (N, T, D) -> x·W + b: (N, T, ancho), como un solo producto de matrices (N·T, D)·(D, ancho)."""
        W = self.params["W" + name]
        y = (x.reshape(-1, W.shape[0]) @ W).reshape(x.shape[:-1] + (W.shape[1],))
        if self.use_bias:
            y += self.params["b" + name]
        return y

    def forward(self, query, value=None, key=None, use_causal_mask=False, training=False,
                return_attention_scores=False):
        """query: (N, T_q, D_q), value: (N, T_k, D_v), key: (N, T_k, D_k) (por defecto value) -> (N, T_q, D_q)."""
        if value is None:
            raise CourseError(
                f"MultiHeadAttention ('{self.name}') necesita al menos query y value: mha(query, value). Para "
                "autoatención pasa el mismo tensor dos veces: mha(x, x)."
            )
        has_key = key is not None
        q, v, k = self._prepare_inputs(query, value, key if has_key else value, use_causal_mask)
        # Q ya escalada por 1/√d_k (como Keras): es más barato escalar Q que la matriz de puntuaciones.
        Q = self._split_heads(self._project(q, "q"), self.key_dim) / np.sqrt(self.key_dim)   # (N, H, T_q, d_k)
        K = self._split_heads(self._project(k, "k"), self.key_dim)            # (N, H, T_k, d_k)
        V = self._split_heads(self._project(v, "v"), self.value_dim)          # (N, H, T_k, d_v)
        scores = Q @ K.transpose(0, 1, 3, 2)                                  # (N, H, T_q, T_k)
        if use_causal_mask:
            scores[..., ~np.tril(np.ones(scores.shape[-2:], dtype=bool))] = -np.inf   # prohibido j > i
        A = _softmax(scores)
        keep = None
        if training and self.dropout > 0:   # dropout sobre los pesos de atención, como Keras
            keep = (config.rng().random(A.shape) >= self.dropout).astype(A.dtype) / (1.0 - self.dropout)
        O = (A if keep is None else A * keep) @ V                             # (N, H, T_q, d_v)
        merged = self._merge_heads(O)                                         # (N, T_q, H·d_v)
        y = self._project(merged, "o")
        self.last_attention_scores = A
        self._cache = (q, v, k, has_key, Q, K, V, A, keep, merged)
        return (y, A) if return_attention_scores else y

    def backward(self, grad_y):
        """∂L/∂salida: (N, T_q, D_q) -> (∂L/∂query, ∂L/∂value[, ∂L/∂key]). Rellena los 8 gradientes.

        ∂L/∂O = ∂L/∂y·Woᵀ;  ∂L/∂A = ∂L/∂O·Vᵀ;  ∂L/∂V = Aᵀ·∂L/∂O;
        ∂L/∂S = A ⊙ (∂L/∂A − Σ_j ∂L/∂A ⊙ A)  (softmax);  ∂L/∂Q = ∂L/∂S·K/√d_k;  ∂L/∂K = ∂L/∂Sᵀ·Q/√d_k;
        y cada proyección X·W + b devuelve ∂L/∂X = ∂L/∂(XW)·Wᵀ, ∂L/∂W = Xᵀ·∂L/∂(XW), ∂L/∂b = Σ ∂L/∂(XW).
        Si key no se pasó, las claves salen de value y ∂L/∂value suma los dos caminos.
        (∂L/∂bk es siempre 0: sumar el mismo vector a todas las claves suma una constante a cada
        fila de puntuaciones, y el softmax no cambia. Keras también tiene bk.)
        """
        grad_y = self._check_backward(grad_y)
        q, v, k, has_key, Q, K, V, A, keep, merged = self._cache
        scale = 1.0 / np.sqrt(self.key_dim)
        d_merged = self._project_backward(merged, grad_y, "o")
        dO = self._split_heads(d_merged, self.value_dim)
        dA = dO @ V.transpose(0, 1, 3, 2)
        if keep is None:
            dV = A.transpose(0, 1, 3, 2) @ dO
        else:
            dA *= keep
            dV = (A * keep).transpose(0, 1, 3, 2) @ dO
        dS = dA   # ∂L/∂S = A ⊙ (∂L/∂A − Σ_j ∂L/∂A ⊙ A), en su sitio sobre dA
        dS -= np.sum(dA * A, axis=-1, keepdims=True)
        dS *= A
        dQ = dS @ K * scale
        dK = dS.transpose(0, 1, 3, 2) @ Q             # Q ya lleva el factor 1/√d_k
        d_query = self._project_backward(q, self._merge_heads(dQ), "q")
        d_key = self._project_backward(k, self._merge_heads(dK), "k")
        d_value = self._project_backward(v, self._merge_heads(dV), "v")
        if has_key:
            return d_query, d_value, d_key
        return d_query, d_value + d_key

    def _project_backward(self, x, grad, name):
        """Para y = x·W + b con x: (N, T, D): rellena grads de W y b y devuelve ∂L/∂x."""
        D, width = self.params["W" + name].shape
        grad_2d = grad.reshape(-1, width)
        self.grads["W" + name] = x.reshape(-1, D).T @ grad_2d
        if self.use_bias:
            self.grads["b" + name] = grad_2d.sum(axis=0)
        return (grad_2d @ self.params["W" + name].T).reshape(x.shape)

    def get_config(self):
        config_ = super().get_config()
        config_.pop("input_shape", None)
        return {**config_, "num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
                "dropout": self.dropout, "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}
