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

Tres detalles de velocidad, que no cambian las cuentas:
- Las proyecciones que leen el mismo array se hacen con un solo producto de matrices (en la
  autoatención, Q, K y V salen de x·[Wq | Wk | Wv]).
- Las puntuaciones se guardan traspuestas, Sᵀ de forma (N, cabezas, T_k, T_q): el softmax reduce
  sobre el penúltimo eje, que NumPy recorre de forma vectorizada (sobre el último, el máximo por
  filas de 64 números es 3 veces más lento). ``last_attention_scores`` las da en la forma de Keras.
- Hacia atrás, Σ_j ∂L/∂A_ij·A_ij = ∂L/∂O_i·O_i (el truco de FlashAttention), que no recorre la
  matriz de atención entera.
"""

import numpy as np

from . import config, initializers
from .layer import Layer
from .validation import CourseError, as_float_array, check_number, check_positive_int


ROLES = ("q", "k", "v")


def _softmax_over_keys(scores_t):
    """softmax sobre el penúltimo eje (las claves) de Sᵀ: (N, cabezas, T_k, T_q), restando el máximo de
    cada columna (las posiciones con −∞ dan 0). Trabaja en su sitio: es el tensor más grande de la capa."""
    scores_t -= scores_t.max(axis=-2, keepdims=True)
    np.exp(scores_t, out=scores_t)
    # Σ sobre las claves con einsum (4 veces más rápido que .sum(axis=-2)); multiplicar por 1/Σ es más barato que dividir.
    scores_t *= 1.0 / np.einsum("nhkq->nhq", scores_t)[:, :, None, :]
    return scores_t


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
        arrays = {}   # un array ya convertido por cada objeto distinto: la autoatención recibe tres veces el mismo
        for what, x in (("query", query), ("value", value), ("key", key)):
            if id(x) in arrays:
                continue
            if not (isinstance(x, np.ndarray) and x.dtype == config.dtype()):
                x_array = as_float_array(x, f"MultiHeadAttention ('{self.name}'): {what}")
            else:
                x_array = x
            if x_array.ndim != 3:
                raise CourseError(
                    f"MultiHeadAttention ('{self.name}'): {what} debe tener forma (ejemplos, pasos, "
                    f"características); se recibió un array de forma {x_array.shape}."
                )
            arrays[id(x)] = x_array
        q, v, k = arrays[id(query)], arrays[id(value)], arrays[id(key)]
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
    def _heads(self, x, size):
        """(N, T, cabezas·size) -> (N, cabezas, T, size), sin copiar (una vista)."""
        N, T, _ = x.shape
        return x.reshape(N, T, self.num_heads, size).transpose(0, 2, 1, 3)

    def _head_size(self, role):
        """Componentes por cabeza de un papel: value_dim para V, key_dim para Q y K."""
        return self.value_dim if role == "v" else self.key_dim

    def _weights(self, roles, name="W"):
        """[W_papel | …] (o [b_papel | …] con name="b") para los papeles de un grupo. Wq y bq van multiplicados
        por 1/√d_k, así que Q = (query·Wq + bq)/√d_k sale ya escalada, como en Keras."""
        parts = [self.params[name + r] * self.key_dim ** -0.5 if r == "q" else self.params[name + r]
                 for r in roles]
        return np.concatenate(parts, axis=-1) if len(parts) > 1 else parts[0]

    def _project_inputs(self, inputs):
        """inputs: {"q": q, "k": k, "v": v} -> grupos [(x, papeles, x·[W_papel | …] + [b_papel | …])] y, por
        papel, su bloque de columnas en la salida del grupo: un producto de matrices por cada array distinto."""
        groups, columns = [], {}
        for role in ROLES:
            for group in groups:
                if group[0] is inputs[role]:
                    group[1].append(role)
                    break
            else:
                groups.append((inputs[role], [role]))
        projected = []
        for x, roles in groups:
            W = self._weights(roles)
            y = (x.reshape(-1, x.shape[-1]) @ W).reshape(x.shape[:-1] + (W.shape[1],))
            if self.use_bias:
                y += self._weights(roles, "b")
            start = 0
            for r in roles:
                width = self.num_heads * self._head_size(r)
                columns[r] = (len(projected), slice(start, start + width))
                start += width
            projected.append((x, roles, y))
        return projected, columns

    def _role_view(self, arrays, columns, role):
        """El bloque de columnas de un papel (q, k o v) en arrays[grupo], separado en cabezas: (N, H, T, tamaño)."""
        group, cols = columns[role]
        return self._heads(arrays[group][..., cols], self._head_size(role))

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
        projected, columns = self._project_inputs({"q": q, "k": k, "v": v})
        outputs = [y for _, _, y in projected]
        Q = self._role_view(outputs, columns, "q")                            # (N, H, T_q, d_k), ya /√d_k
        K = self._role_view(outputs, columns, "k")                            # (N, H, T_k, d_k)
        V = self._role_view(outputs, columns, "v")                            # (N, H, T_k, d_v)
        A_t = K @ Q.transpose(0, 1, 3, 2)                                     # Sᵀ: (N, H, T_k, T_q)
        if use_causal_mask:   # la consulta i no mira a las claves j > i: Sᵀ[j, i] = −∞
            A_t[..., np.tril(np.ones(A_t.shape[-2:], dtype=bool), k=-1)] = -np.inf
        _softmax_over_keys(A_t)                                               # Aᵀ, en su sitio
        keep = None
        if training and self.dropout > 0:   # dropout sobre los pesos de atención, como Keras
            keep = (config.rng().random(A_t.shape) >= self.dropout).astype(A_t.dtype) / (1.0 - self.dropout)
        N, T_q = q.shape[:2]
        merged = np.empty((N, T_q, self.num_heads * self.value_dim), dtype=A_t.dtype)   # [O_1 | … | O_H]
        np.matmul((A_t if keep is None else A_t * keep).transpose(0, 1, 3, 2), V,
                  out=self._heads(merged, self.value_dim))                    # O = A·V, escrita ya junta
        y = (merged.reshape(-1, merged.shape[-1]) @ self.params["Wo"]).reshape(merged.shape[:-1] + (-1,))
        if self.use_bias:
            y += self.params["bo"]
        A = A_t.transpose(0, 1, 3, 2)                                         # (N, H, T_q, T_k), como Keras
        self.last_attention_scores = A
        self._cache = (q, v, k, has_key, projected, columns, A_t, keep, merged)
        return (y, A) if return_attention_scores else y

    def backward(self, grad_y):
        """∂L/∂salida: (N, T_q, D_q) -> (∂L/∂query, ∂L/∂value[, ∂L/∂key]). Rellena los 8 gradientes.

        ∂L/∂O = ∂L/∂y·Woᵀ;  ∂L/∂A = ∂L/∂O·Vᵀ;  ∂L/∂V = Aᵀ·∂L/∂O;
        ∂L/∂S = A ⊙ (∂L/∂A − D) con D_i = Σ_j ∂L/∂A_ij·A_ij = ∂L/∂O_i·O_i  (softmax);
        ∂L/∂Q = ∂L/∂S·K/√d_k;  ∂L/∂K = ∂L/∂Sᵀ·Q/√d_k;
        y cada proyección X·W + b devuelve ∂L/∂X = ∂L/∂(XW)·Wᵀ, ∂L/∂W = Xᵀ·∂L/∂(XW), ∂L/∂b = Σ ∂L/∂(XW).
        Si key no se pasó, las claves salen de value y ∂L/∂value suma los dos caminos.
        (∂L/∂bk es siempre 0: sumar el mismo vector a todas las claves suma una constante a cada
        fila de puntuaciones, y el softmax no cambia. Keras también tiene bk.)
        """
        grad_y = self._check_backward(grad_y)
        q, v, k, has_key, projected, columns, A_t, keep, merged = self._cache
        outputs = [y for _, _, y in projected]
        Q, K, V = (self._role_view(outputs, columns, r) for r in ROLES)
        # Salida: y = merged·Wo + bo
        grad_2d = grad_y.reshape(-1, grad_y.shape[-1])
        merged_2d = merged.reshape(-1, merged.shape[-1])
        self.grads["Wo"] = merged_2d.T @ grad_2d
        if self.use_bias:
            self.grads["bo"] = grad_2d.sum(axis=0)
        d_merged = grad_2d @ self.params["Wo"].T                              # (N·T_q, H·d_v)
        dO = self._heads(d_merged.reshape(merged.shape), self.value_dim)
        # D_i = ∂L/∂O_i·O_i por cabeza: (N, T_q, H) -> (N, H, 1, T_q), para restarlo a cada columna de ∂L/∂Aᵀ
        D = np.einsum("nthd,nthd->nht", *(a.reshape(merged.shape[:2] + (self.num_heads, self.value_dim))
                                          for a in (d_merged.reshape(merged.shape), merged)))[:, :, None, :]
        d_projected = [self._workspace(f"d_projected_{i}", y.shape, y.dtype) for i, y in enumerate(outputs)]
        dQ, dK, dV = (self._role_view(d_projected, columns, r) for r in ROLES)
        dA_t = np.matmul(V, dO.transpose(0, 1, 3, 2),                         # ∂L/∂Aᵀ: (N, H, T_k, T_q)
                         out=self._workspace("dA_t", A_t.shape, A_t.dtype))
        if keep is None:
            np.matmul(A_t, dO, out=dV)
        else:
            dA_t *= keep
            np.matmul(A_t * keep, dO, out=dV)
        dS_t = dA_t   # ∂L/∂Sᵀ = Aᵀ ⊙ (∂L/∂Aᵀ − D), en su sitio
        dS_t -= D
        dS_t *= A_t
        np.matmul(dS_t.transpose(0, 1, 3, 2), K, out=dQ)                      # ∂L/∂(Q/√d_k)
        np.matmul(dS_t, Q, out=dK)                                            # Q ya lleva el factor 1/√d_k
        # Proyecciones de entrada: un producto de matrices para los pesos de cada grupo y uno por cada
        # gradiente que se devuelve. Si key no se pasó, ∂L/∂value suma los caminos de K y V, que en el
        # grupo de value son columnas contiguas [K | V]: ∂L/∂value = ∂L/∂[K | V]·[Wk | Wv]ᵀ.
        for (x, roles, _), d_y in zip(projected, d_projected):
            d_2d = d_y.reshape(-1, d_y.shape[-1])
            d_W = x.reshape(-1, x.shape[-1]).T @ d_2d
            d_b = d_2d.sum(axis=0) if self.use_bias else None
            for role in roles:   # Q = (x·Wq + bq)/√d_k: los gradientes de Wq y bq llevan ese factor
                cols, factor = columns[role][1], self.key_dim ** -0.5 if role == "q" else 1.0
                self.grads["W" + role] = d_W[:, cols] * factor
                if self.use_bias:
                    self.grads["b" + role] = d_b[cols] * factor
        returned = [("q",), ("v",), ("k",)] if has_key else [("q",), ("k", "v")]
        d_inputs = []
        for roles in returned:
            group, first = columns[roles[0]]
            cols = slice(first.start, columns[roles[-1]][1].stop)
            x, d_y = projected[group][0], d_projected[group]
            W = self._weights(roles)
            d_inputs.append((d_y.reshape(-1, d_y.shape[-1])[:, cols] @ W.T).reshape(x.shape))
        return tuple(d_inputs)

    def get_config(self):
        config_ = super().get_config()
        config_.pop("input_shape", None)
        return {**config_, "num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
                "dropout": self.dropout, "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}
