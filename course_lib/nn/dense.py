"""Capa densa (totalmente conectada): z = x·W + b, a = f(z)."""

from . import activations, initializers, regularizers
from .layer import Layer
from .validation import CourseError, check_positive_int


class Dense(Layer):
    """Capa densa: cada una de las ``units`` neuronas está conectada a todas las entradas.

    Para un lote x de forma (N, entradas):  z = x·W + b,  a = f(z),
    con W de forma (entradas, units) y b de forma (units,), como ``keras.layers.Dense``.

    Argumentos: ``units``, ``activation`` (nombre o None = lineal), ``use_bias``,
    ``kernel_initializer`` ("glorot_uniform" por defecto, como Keras), ``bias_initializer``,
    ``kernel_regularizer`` (L1, L2, L1L2, "l1", "l2" o None) e ``input_shape`` (solo en la primera capa;
    ``input_dim=n``, el nombre de Keras 2, equivale a ``input_shape=(n,)``).
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, input_dim=None, **kwargs):
        if input_dim is not None and kwargs.get("input_shape") is None:
            kwargs["input_shape"] = (input_dim,)
        super().__init__(**kwargs)
        self.units = check_positive_int(units, "Dense: units (número de neuronas)")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)

    @property
    def W(self):
        return self.params["W"]

    @property
    def b(self):
        return self.params["b"]

    def check_input_shape(self, input_shape):
        if len(input_shape) not in (1, 2):
            raise CourseError(
                f"Dense esperaba entradas de forma (N, características) (o secuencias (N, pasos, características)), "
                f"pero recibió un array de forma {self._received(input_shape)}. Si son imágenes o mapas de "
                "características, añade una capa Flatten() antes de Dense."
            )
        if self.built and input_shape[-1] != self.params["W"].shape[0]:
            raise CourseError(
                f"Dense esperaba entradas con {self.params['W'].shape[0]} características, pero recibió "
                f"{input_shape[-1]} (forma de x: {self._received(input_shape)}; capa '{self.name}', W de forma "
                f"{self.params['W'].shape})."
            )

    def create_params(self, input_shape):
        n_inputs = input_shape[-1]
        self.params["W"] = self.kernel_initializer((n_inputs, self.units))
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.units,))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False):
        """x: (N, entradas) -> a: (N, units), con z = x·W + b y a = f(z).

        Con secuencias x: (N, T, entradas), como Keras, se aplica la misma capa a cada paso: (N, T, units).
        """
        x = self._prepare_input(x)
        z = (x.reshape(-1, x.shape[-1]) @ self.params["W"]).reshape(x.shape[:-1] + (self.units,))
        if self.use_bias:
            z += self.params["b"]
        a = self.activation.forward(z)
        self._cache = (x, z, a)
        return a

    def backward(self, grad_y):
        """∂L/∂a: (N, units) -> ∂L/∂x: (N, entradas). Rellena grads["W"] y grads["b"].

        ∂L/∂z = f'(z) ⊙ ∂L/∂a;  ∂L/∂W = xᵀ·∂L/∂z (+ gradiente del regularizador);
        ∂L/∂b = Σ_n ∂L/∂z;  ∂L/∂x = ∂L/∂z·Wᵀ.
        """
        grad_a = self._check_backward(grad_y)
        x, z, a = self._cache
        grad_z = self.activation.backward(grad_a, z, a)
        if x.ndim == 2:
            self.grads["W"] = x.T @ grad_z
            if self.use_bias:
                self.grads["b"] = grad_z.sum(axis=0)
        else:   # secuencias: los pasos cuentan como más ejemplos
            self.grads["W"] = x.reshape(-1, x.shape[-1]).T @ grad_z.reshape(-1, self.units)
            if self.use_bias:
                self.grads["b"] = grad_z.reshape(-1, self.units).sum(axis=0)
        self._add_regularization_gradient()
        return (grad_z.reshape(-1, self.units) @ self.params["W"].T).reshape(x.shape)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
        }
