"""Capas recurrentes: ``SimpleRNN`` y ``LSTM``, con los nombres, argumentos y pesos de Keras.

Entradas de forma (N, T, F): N ejemplos (secuencias), T pasos de tiempo y F características por paso.
Cada capa recorre los pasos t = 1 … T con un estado h_t (y c_t en la LSTM) que empieza en 0:

    SimpleRNN:  h_t = tanh(x_t·W + h_{t−1}·U + b)
    LSTM:       z_t = x_t·W + h_{t−1}·U + b, partido en cuatro bloques (i, f, c, o) como en Keras
                i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)
                c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)

La salida es h_T, de forma (N, units), o todos los estados (N, T, units) con ``return_sequences=True``.

Como en CS231n, cada capa tiene un ``step_forward`` y un ``step_backward`` para un solo paso (con
las formas que toman y devuelven); ``forward`` y ``backward`` los llaman en un bucle sobre el tiempo
(el bucle es inherente: h_t necesita h_{t−1}). Dentro de un paso todo está vectorizado sobre el lote,
y x_t·W se calcula para todos los pasos a la vez, antes del bucle. La retropropagación a través del
tiempo (BPTT) recorre los pasos al revés sumando, en cada uno, el gradiente que llega de la salida
y el que llega del paso siguiente a través de h_t (y de c_t).
"""

import numpy as np

from . import activations, initializers, regularizers
from .layer import Layer
from .validation import CourseError, check_positive_int


def _derivative(activation, z, a):
    """f'(z) elemento a elemento para todos los pasos a la vez (lo que ``backward`` multiplica por ∂L/∂a)."""
    return np.broadcast_to(activation.backward(np.ones((), dtype=z.dtype), z, a), z.shape)


class _Recurrent(Layer):
    """Lo común a SimpleRNN y LSTM: argumentos, validación de la forma y pesos W, U, b."""

    #: Bloques de z por paso: 1 en SimpleRNN, 4 (i, f, c, o) en LSTM.
    gates = 1

    def __init__(self, units, activation="tanh", return_sequences=False, use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.units = check_positive_int(units, f"{who}: units (tamaño del estado oculto)")
        self.activation = activations.get(activation)
        self.return_sequences = bool(return_sequences)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)

    def check_input_shape(self, input_shape):
        who = type(self).__name__
        if len(input_shape) != 2:
            hint = (" Si cada ejemplo es una sola secuencia de números, añade el eje de las características "
                    "con x[..., None]." if len(input_shape) == 1 else "")
            raise CourseError(
                f"{who} esperaba secuencias de forma (ejemplos, pasos, características), pero recibió un "
                f"array de forma {self._received(input_shape)}.{hint}"
            )
        if self.built and input_shape[1] != self.params["W"].shape[0]:
            raise CourseError(
                f"{who} ('{self.name}') esperaba {self.params['W'].shape[0]} características por paso, pero "
                f"recibió {input_shape[1]} (forma {self._received(input_shape)})."
            )

    def create_params(self, input_shape):
        features, width = input_shape[1], self.gates * self.units
        self.params["W"] = self.kernel_initializer((features, width))
        # Keras inicializa U bloque a bloque: (units, units) por cada puerta.
        self.params["U"] = np.concatenate(
            [self.recurrent_initializer((self.units, self.units)) for _ in range(self.gates)], axis=1)
        if self.use_bias:
            self.params["b"] = self.bias_initializer((width,))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units) if self.return_sequences else (self.units,)

    def _input_projection(self, x):
        """x: (N, T, F) -> x_t·W + b para todos los pasos a la vez, en orden temporal: (T, N, bloques·units)."""
        xw = np.ascontiguousarray(x.transpose(1, 0, 2)) @ self.params["W"]
        if self.use_bias:
            xw += self.params["b"]
        return xw

    def _output(self, hs):
        """hs: (T, N, units) -> la salida: h_T (N, units) o todos los estados (N, T, units)."""
        return np.ascontiguousarray(hs.transpose(1, 0, 2)) if self.return_sequences else hs[-1].copy()

    def _grad_per_step(self, grad_y, T):
        """∂L/∂salida -> ∂L/∂h_t que llega de la salida en cada paso: (T, N, units)."""
        if self.return_sequences:
            return grad_y.transpose(1, 0, 2)
        grad_h = np.zeros((T,) + grad_y.shape, dtype=grad_y.dtype)
        grad_h[-1] = grad_y
        return grad_h

    def _parameter_gradients(self, x, h_prev, dz):
        """Gradientes de W, U y b y ∂L/∂x a partir de ∂L/∂z de todos los pasos (T, N, bloques·units).

        ∂L/∂W = Σ_t x_tᵀ·∂L/∂z_t,  ∂L/∂U = Σ_t h_{t−1}ᵀ·∂L/∂z_t,  ∂L/∂b = Σ_t Σ_n ∂L/∂z_t,
        ∂L/∂x_t = ∂L/∂z_t·Wᵀ: cada suma sobre el tiempo es un único producto de matrices.
        """
        T, N, width = dz.shape
        dz_flat = dz.reshape(T * N, width)
        x_flat = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(T * N, -1)
        self.grads["W"] = x_flat.T @ dz_flat
        self.grads["U"] = h_prev.reshape(T * N, -1).T @ dz_flat
        if self.use_bias:
            self.grads["b"] = dz_flat.sum(axis=0)
        self._add_regularization_gradient()
        return np.ascontiguousarray((dz @ self.params["W"].T).transpose(1, 0, 2))

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "return_sequences": self.return_sequences,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
        }


class SimpleRNN(_Recurrent):
    """Red recurrente simple (Elman), como ``keras.layers.SimpleRNN``.

    h_t = f(x_t·W + h_{t−1}·U + b), h_0 = 0, f = tanh por defecto.
    Pesos: W (características, units), U (units, units), b (units,).
    x: (N, T, F) -> (N, units), o (N, T, units) con ``return_sequences=True``.
    """

    def step_forward(self, xw_t, h_prev):
        """Un paso. xw_t = x_t·W + b: (N, units); h_prev: (N, units) -> z_t, h_t: (N, units)."""
        z = xw_t + h_prev @ self.params["U"]
        return z, self.activation.forward(z)

    def step_backward(self, dh, dh_dz):
        """∂L/∂h_t (total): (N, units) y f'(z_t) -> ∂L/∂z_t = ∂L/∂h_t ⊙ f'(z_t) y ∂L/∂h_{t−1} = ∂L/∂z_t·Uᵀ."""
        dz = dh * dh_dz
        return dz, dz @ self.params["U"].T

    def forward(self, x, training=False):
        """x: (N, T, F) -> h_T: (N, units) o (N, T, units)."""
        x = self._prepare_input(x)
        xw = self._input_projection(x)
        T, N, units = xw.shape
        zs = np.empty_like(xw)
        hs = np.empty((T + 1, N, units), dtype=xw.dtype)   # hs[0] = h_0 = 0, hs[t + 1] = h_t
        hs[0] = 0.0
        for t in range(T):
            zs[t], hs[t + 1] = self.step_forward(xw[t], hs[t])
        self._cache = (x, zs, hs)
        return self._output(hs[1:])

    def backward(self, grad_y):
        """BPTT: ∂L/∂salida -> ∂L/∂x: (N, T, F). Rellena grads["W"], grads["U"] y grads["b"]."""
        grad_y = self._check_backward(grad_y)
        x, zs, hs = self._cache
        T = zs.shape[0]
        grad_h = self._grad_per_step(grad_y, T)
        dh_dz = _derivative(self.activation, zs, hs[1:])   # f'(z_t) de todos los pasos a la vez
        dz = np.empty_like(zs)
        dh_next = np.zeros_like(hs[0])
        for t in reversed(range(T)):
            dz[t], dh_next = self.step_backward(grad_h[t] + dh_next, dh_dz[t])
        return self._parameter_gradients(x, hs[:-1], dz)


class LSTM(_Recurrent):
    """Memoria a corto y largo plazo (*long short-term memory*), como ``keras.layers.LSTM``.

    Puertas en el orden de Keras (y de PyTorch): entrada i, olvido f, candidata c (g) y salida o.
        z_t = x_t·W + h_{t−1}·U + b = [z_i | z_f | z_c | z_o]
        i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)
        c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t),   h_0 = c_0 = 0
    Pesos: W (características, 4·units), U (units, 4·units), b (4·units,). Con
    ``unit_forget_bias=True`` (como Keras) el sesgo de la puerta de olvido empieza en 1: al principio
    la celda recuerda. σ es ``recurrent_activation`` y tanh es ``activation``.
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", return_sequences=False,
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, return_sequences=return_sequences, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def create_params(self, input_shape):
        super().create_params(input_shape)
        if self.use_bias and self.unit_forget_bias:
            self.params["b"][self.units:2 * self.units] = 1.0

    def step_forward(self, xw_t, h_prev, c_prev):
        """Un paso. xw_t: (N, 4·units); h_prev, c_prev: (N, units) -> z, puertas [i|f|g|o], c_t, tanh(c_t), h_t."""
        u = self.units
        z = xw_t + h_prev @ self.params["U"]
        gates = self.recurrent_activation.forward(z)                  # i, f y o (el bloque c se sustituye)
        gates[:, 2 * u:3 * u] = self.activation.forward(z[:, 2 * u:3 * u])
        i, f, g, o = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:3 * u], gates[:, 3 * u:]
        c = f * c_prev + i * g
        tanh_c = self.activation.forward(c)
        return z, gates, c, tanh_c, o * tanh_c

    def step_backward(self, dh, dc_next, gates, c_prev, tanh_c, dgates_dz, dtanh_dc, dz):
        """∂L/∂h_t y ∂L/∂c_t (lo que llega del paso siguiente) -> ∂L/∂h_{t−1}, ∂L/∂c_{t−1}; escribe ∂L/∂z_t en dz.

        ∂L/∂o = ∂L/∂h ⊙ tanh(c);  ∂L/∂c = ∂L/∂c_sig + ∂L/∂h ⊙ o ⊙ tanh'(c);
        ∂L/∂i = ∂L/∂c ⊙ g;  ∂L/∂f = ∂L/∂c ⊙ c_{t−1};  ∂L/∂g = ∂L/∂c ⊙ i;  ∂L/∂c_{t−1} = ∂L/∂c ⊙ f;
        ∂L/∂z = [∂L/∂i | ∂L/∂f | ∂L/∂g | ∂L/∂o] ⊙ [σ'(z_i) | σ'(z_f) | tanh'(z_c) | σ'(z_o)]  (dgates_dz).
        """
        u = self.units
        i, f, g, o = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:3 * u], gates[:, 3 * u:]
        dc = dc_next + dh * o * dtanh_dc
        np.multiply(dc, g, out=dz[:, :u])
        np.multiply(dc, c_prev, out=dz[:, u:2 * u])
        np.multiply(dc, i, out=dz[:, 2 * u:3 * u])
        np.multiply(dh, tanh_c, out=dz[:, 3 * u:])
        dz *= dgates_dz
        return dz @ self.params["U"].T, dc * f

    def forward(self, x, training=False):
        """x: (N, T, F) -> h_T: (N, units) o (N, T, units)."""
        x = self._prepare_input(x)
        xw = self._input_projection(x)
        T, N, width = xw.shape
        u = self.units
        zs, all_gates = np.empty_like(xw), np.empty_like(xw)
        hs = np.empty((T + 1, N, u), dtype=xw.dtype)     # hs[t + 1] = h_t; hs[0] = 0
        cs = np.empty((T + 1, N, u), dtype=xw.dtype)     # cs[t + 1] = c_t; cs[0] = 0
        tanh_cs = np.empty((T, N, u), dtype=xw.dtype)
        hs[0] = cs[0] = 0.0
        for t in range(T):
            zs[t], all_gates[t], cs[t + 1], tanh_cs[t], hs[t + 1] = self.step_forward(xw[t], hs[t], cs[t])
        self._cache = (x, zs, all_gates, hs, cs, tanh_cs)
        return self._output(hs[1:])

    def backward(self, grad_y):
        """BPTT: ∂L/∂salida -> ∂L/∂x: (N, T, F). Rellena grads["W"], grads["U"] y grads["b"]."""
        grad_y = self._check_backward(grad_y)
        x, zs, all_gates, hs, cs, tanh_cs = self._cache
        T = zs.shape[0]
        grad_h = self._grad_per_step(grad_y, T)
        # Las derivadas de las activaciones no dependen del gradiente: se calculan para todos los pasos a la vez.
        u = self.units
        dgates_dz = np.array(_derivative(self.recurrent_activation, zs, all_gates))
        dgates_dz[..., 2 * u:3 * u] = _derivative(self.activation, zs[..., 2 * u:3 * u], all_gates[..., 2 * u:3 * u])
        dtanh_dc = _derivative(self.activation, cs[1:], tanh_cs)
        dz = np.empty_like(zs)
        dh_next = np.zeros_like(hs[0])
        dc_next = np.zeros_like(cs[0])
        for t in reversed(range(T)):
            dh_next, dc_next = self.step_backward(grad_h[t] + dh_next, dc_next, all_gates[t], cs[t], tanh_cs[t],
                                                  dgates_dz[t], dtanh_dc[t], dz[t])
        return self._parameter_gradients(x, hs[:-1], dz)

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
