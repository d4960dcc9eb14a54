"""Capa de incrustación (*embedding*): convierte índices enteros (palabras, símbolos) en vectores."""

import numpy as np

from . import initializers
from .layer import Layer
from .validation import CourseError, check_positive_int, describe


class Embedding(Layer):
    """Tabla de vectores aprendidos, como ``keras.layers.Embedding``.

    Para índices enteros k de forma (N, T) (cada uno entre 0 e ``input_dim`` − 1):

        y[n, t] = W[k[n, t]],   W de forma (input_dim, output_dim)   ->   y: (N, T, output_dim)

    Equivale a multiplicar el one-hot de k por W, sin construirlo. En el paso hacia atrás, la fila
    W[k] acumula el gradiente de cada posición donde apareció k: ∂L/∂W[k] = Σ_{n,t: k[n,t]=k} ∂L/∂y[n, t].
    Los índices no son derivables, así que ``backward`` devuelve None (no hay ∂L/∂x).
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", mask_zero=False, input_length=None,
                 **kwargs):
        if mask_zero:
            raise CourseError(
                "Embedding(mask_zero=True): este motor no propaga máscaras, así que no puede hacer que las capas "
                "siguientes se salten los ceros de relleno. Quita mask_zero=True: el 0 se tratará como una palabra "
                "más (la red aprende a no darle importancia). Con una capa recurrente, rellena al principio "
                "(pad_sequences(..., padding='pre'), el valor por defecto) para que los ceros queden lejos del "
                "último paso, que es el que se usa."
            )
        if input_length is not None and kwargs.get("input_shape") is None:
            kwargs["input_shape"] = (input_length,)     # el argumento de Keras 2: la longitud de las secuencias
        super().__init__(**kwargs)
        self.input_dim = check_positive_int(input_dim, "Embedding: input_dim (tamaño del vocabulario)")
        self.output_dim = check_positive_int(output_dim, "Embedding: output_dim (dimensión de cada vector)")
        self.embeddings_initializer = initializers.get(embeddings_initializer)

    def keras_weight_name(self, key):
        """El nombre de Keras del peso: ``embeddings``."""
        return {"W": "embeddings"}[key]

    def create_params(self, input_shape):
        self.params["W"] = self.embeddings_initializer((self.input_dim, self.output_dim))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def _prepare_input(self, x):
        """Índices enteros en [0, input_dim): enteros o reales con valor entero; si no, error en español."""
        raw = np.asarray(x.to_numpy() if hasattr(x, "to_numpy") else x)
        if raw.dtype.kind not in "biuf":
            raise CourseError(f"Embedding ('{self.name}') esperaba índices enteros; se recibió {describe(raw)}.")
        if raw.ndim < 1:   # (N,) son N índices sueltos (p. ej. las posiciones 0…T−1 de un Transformer), como Keras
            raise CourseError(
                f"Embedding ('{self.name}') esperaba índices enteros de forma (ejemplos,) o (ejemplos, pasos); "
                f"se recibió un solo número. Pásalo como array: np.array([{raw!r}])."
            )
        if raw.dtype.kind == "f":
            if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
                bad = raw[~np.isfinite(raw) | (raw != np.round(raw))].ravel()[0]
                raise CourseError(
                    f"Embedding ('{self.name}') esperaba índices enteros (0, 1, …, {self.input_dim - 1}), pero "
                    f"recibió valores no enteros como {bad!r}. Convierte el texto en índices con un vocabulario "
                    "(p. ej. {palabra: índice}) antes de la capa."
                )
        indices = raw.astype(np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= self.input_dim):
            bad = indices[(indices < 0) | (indices >= self.input_dim)].ravel()[0]
            raise CourseError(
                f"Embedding ('{self.name}') tiene input_dim={self.input_dim}, así que los índices van de 0 a "
                f"{self.input_dim - 1}, pero recibió el índice {int(bad)}. Aumenta input_dim al tamaño del "
                "vocabulario (el índice mayor + 1) o revisa cómo se numeraron los símbolos."
            )
        if not self.built:
            self.build(indices.shape[1:])
        else:
            self.input_shape = indices.shape[1:]
            self.output_shape = self.compute_output_shape(self.input_shape)
        self._batch_size = indices.shape[0]
        return indices

    def forward(self, x, training=False):
        """k: (N, T) enteros -> y = W[k]: (N, T, output_dim)."""
        indices = self._prepare_input(x)
        self._cache = indices
        return self.params["W"][indices]

    def backward(self, grad_y):
        """∂L/∂y: (N, T, output_dim) -> None. Rellena grads["W"] sumando cada ∂L/∂y[n, t] en la fila k[n, t]."""
        grad_y = self._check_backward(grad_y)
        grad_W = np.zeros_like(self.params["W"])
        np.add.at(grad_W, self._cache.ravel(), grad_y.reshape(-1, self.output_dim))
        self.grads["W"] = grad_W
        return None

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer)}
