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

Dentro del bucle los estados van traspuestos, de forma (units, N), y z_tᵀ = Uᵀ·h_{t−1}ᵀ + (x_t·W + b)ᵀ:
así cada puerta de la LSTM es un bloque de filas contiguo en memoria y las diez operaciones pequeñas
de cada paso no saltan por ella (cuestan la mitad). Las formas que ve el usuario son las de Keras.
"""

import numpy as np

from . import activations, initializers, regularizers
from .layer import Layer
from .validation import CourseError, check_positive_int


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
        """x: (N, T, F) -> x en orden temporal (T, N, F) y z sin la parte recurrente, (x_t·W + b)ᵀ, de todos
        los pasos a la vez: (T, bloques·units, N)."""
        N, T, F = x.shape
        W = self.params["W"]
        x_steps = self._workspace("x_steps", (T, N, F), x.dtype)
        x_steps[...] = x.transpose(1, 0, 2)
        zs = np.matmul(W.T, x_steps.transpose(0, 2, 1), out=self._workspace("z", (T, W.shape[1], N), x.dtype))
        if self.use_bias:
            zs += self.params["b"][:, None]
        return x_steps, zs

    def _states(self, T, N, dtype, name="h"):
        """Estados traspuestos de todos los pasos, (T + 1, units, N), con el estado inicial [0] = 0."""
        states = self._workspace(name, (T + 1, self.units, N), dtype)
        states[0] = 0.0
        return states

    def _output(self, hs):
        """hs: (T + 1, units, N) -> la salida: h_T (N, units) o todos los estados h_1 … h_T (N, T, units)."""
        return np.ascontiguousarray(hs[1:].transpose(2, 0, 1)) if self.return_sequences else hs[-1].T.copy()

    def _output_gradient(self, grad_y, t, T):
        """∂L/∂h_t que llega de la salida, traspuesto (units, N), o None si h_t no es una salida."""
        if self.return_sequences:
            return grad_y[:, t].T
        return grad_y.T if t == T - 1 else None

    def _parameter_gradients(self, x_steps, hs, dz):
        """Gradientes de W, U y b y ∂L/∂x a partir de ∂L/∂z de todos los pasos, traspuesto: (T, bloques·units, N).

        x_steps: (T, N, F); hs: (T + 1, units, N), de donde salen h_0 … h_{T−1}.
        ∂L/∂W = Σ_t x_tᵀ·∂L/∂z_t,  ∂L/∂U = Σ_t h_{t−1}ᵀ·∂L/∂z_t,  ∂L/∂b = Σ_t Σ_n ∂L/∂z_t,
        ∂L/∂x_t = ∂L/∂z_t·Wᵀ: cada suma sobre el tiempo es un único producto de matrices.
        """
        T, width, N = dz.shape
        dz_flat = self._workspace("dz_flat", (width, T, N), dz.dtype)   # columnas en el orden (t, n)
        dz_flat[...] = dz.transpose(1, 0, 2)
        dz_flat = dz_flat.reshape(width, T * N)
        h_prev = np.ascontiguousarray(hs[:-1].transpose(1, 0, 2)).reshape(self.units, T * N)
        self.grads["W"] = x_steps.reshape(T * N, -1).T @ dz_flat.T
        self.grads["U"] = h_prev @ dz_flat.T
        if self.use_bias:
            self.grads["b"] = dz_flat.sum(axis=1)
        self._add_regularization_gradient()
        return np.ascontiguousarray((dz_flat.T @ self.params["W"].T).reshape(T, N, -1).transpose(1, 0, 2))

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

    def step_forward(self, z, h_prev, h, UT):
        """Un paso, con los estados traspuestos. z: (units, N) llega con (x_t·W + b)ᵀ y sale con z_tᵀ;
        h_prev: (units, N) -> escribe h_tᵀ = f(z_tᵀ) en h."""
        z += UT @ h_prev
        h[...] = self.activation.forward(z)

    def step_backward(self, dh, z, h, dz, U):
        """∂L/∂h_t total (units, N), en dh -> escribe ∂L/∂z_t = ∂L/∂h_t ⊙ f'(z_t) en dz y deja en dh
        ∂L/∂h_{t−1} = (∂L/∂z_t·Uᵀ)ᵀ = U·∂L/∂z_tᵀ."""
        dz[...] = self.activation.backward(dh, z, h)
        np.matmul(U, dz, out=dh)

    def forward(self, x, training=False):
        """x: (N, T, F) -> h_T: (N, units) o (N, T, units)."""
        x = self._prepare_input(x)
        x_steps, zs = self._input_projection(x)
        T, _, N = zs.shape
        hs = self._states(T, N, zs.dtype)               # hs[t + 1] = h_tᵀ
        UT = np.ascontiguousarray(self.params["U"].T)
        for t in range(T):
            self.step_forward(zs[t], hs[t], hs[t + 1], UT)
        self._cache = (x_steps, zs, hs)
        return self._output(hs)

    def backward(self, grad_y):
        """BPTT: ∂L/∂salida -> ∂L/∂x: (N, T, F). Rellena grads["W"], grads["U"] y grads["b"]."""
        grad_y = self._check_backward(grad_y)
        x_steps, zs, hs = self._cache
        T, units, N = zs.shape
        dz = self._workspace("dz", zs.shape, zs.dtype)
        dh = np.zeros((units, N), dtype=zs.dtype)       # ∂L/∂h_t que llega del paso siguiente
        for t in reversed(range(T)):
            from_output = self._output_gradient(grad_y, t, T)
            if from_output is not None:
                dh += from_output
            self.step_backward(dh, zs[t], hs[t + 1], dz[t], self.params["U"])
        return self._parameter_gradients(x_steps, hs, dz)


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

    def _default_activations(self):
        """¿Son las de Keras por defecto (σ en las puertas, tanh en la celda)? Entonces hay un atajo."""
        return isinstance(self.recurrent_activation, activations.Sigmoid) and isinstance(self.activation, activations.Tanh)

    def step_forward(self, z, h_prev, c_prev, h, c, tanh_c, UT, z_copy=None):
        """Un paso, con los estados traspuestos (units, N). z: (4·units, N) llega con (x_t·W + b)ᵀ y sale con
        las puertas [i; f; g; o]; h_prev, c_prev: (units, N) -> escribe h_tᵀ, c_tᵀ y tanh(c_t)ᵀ en h, c y tanh_c.

        Con σ y tanh (lo de Keras) basta una sola tanh para las cuatro puertas, porque σ(z) = (1 + tanh(z/2))/2.
        (Keras también tiene un camino rápido, el de cuDNN, solo con estas activaciones.)
        """
        u = self.units
        z += UT @ h_prev
        if z_copy is not None:                           # otras activaciones: backward necesita z
            z_copy[...] = z
        if self._default_activations():
            sigmoid_blocks = (z[:2 * u], z[3 * u:])      # i, f y o; g (z[2u:3u]) lleva tanh
            for block in sigmoid_blocks:
                block *= 0.5
            np.tanh(z, out=z)
            for block in sigmoid_blocks:
                block *= 0.5
                block += 0.5
        else:
            z[2 * u:3 * u] = self.activation.forward(z[2 * u:3 * u])
            z[:2 * u] = self.recurrent_activation.forward(z[:2 * u])
            z[3 * u:] = self.recurrent_activation.forward(z[3 * u:])
        i, f, g, o = z[:u], z[u:2 * u], z[2 * u:3 * u], z[3 * u:]
        np.multiply(f, c_prev, out=c)                    # c_t = f ⊙ c_{t−1} + i ⊙ g
        c += i * g
        tanh_c[...] = self.activation.forward(c)        # h_t = o ⊙ tanh(c_t)
        np.multiply(o, tanh_c, out=h)

    def step_backward(self, dh, dc, z, gates, c_prev, c, tanh_c, dz, U, work):
        """∂L/∂h_t y ∂L/∂c_t (en dh y dc, traspuestos) -> deja ∂L/∂h_{t−1} y ∂L/∂c_{t−1} en dh y dc y escribe
        ∂L/∂z_t en dz. z son las entradas de las puertas (None con σ y tanh, que se derivan desde su salida);
        work: (4·units, N), espacio de trabajo.

        ∂L/∂c = ∂L/∂c_sig + ∂L/∂h ⊙ o ⊙ tanh'(c);  ∂L/∂o = ∂L/∂h ⊙ tanh(c);
        ∂L/∂i = ∂L/∂c ⊙ g;  ∂L/∂f = ∂L/∂c ⊙ c_{t−1};  ∂L/∂g = ∂L/∂c ⊙ i;  ∂L/∂c_{t−1} = ∂L/∂c ⊙ f;
        ∂L/∂z = [∂L/∂i; ∂L/∂f; ∂L/∂g; ∂L/∂o] ⊙ [σ'(z_i); σ'(z_f); tanh'(z_c); σ'(z_o)];  ∂L/∂h_{t−1} = U·∂L/∂z.
        """
        u = self.units
        i, f, g, o = gates[:u], gates[u:2 * u], gates[2 * u:3 * u], gates[3 * u:]
        dc += self.activation.backward(dh * o, c, tanh_c)
        np.multiply(dc, g, out=dz[:u])
        np.multiply(dc, c_prev, out=dz[u:2 * u])
        np.multiply(dc, i, out=dz[2 * u:3 * u])
        np.multiply(dh, tanh_c, out=dz[3 * u:])
        if z is None:   # σ y tanh: σ' = σ(1 − σ) y tanh' = 1 − tanh², desde las puertas y sin arrays nuevos
            derivative = np.subtract(1.0, gates, out=work)
            derivative *= gates
            np.multiply(g, g, out=derivative[2 * u:3 * u])
            np.subtract(1.0, derivative[2 * u:3 * u], out=derivative[2 * u:3 * u])
            dz *= derivative
        else:
            for block, activation in ((slice(0, 2 * u), self.recurrent_activation), (slice(2 * u, 3 * u), self.activation),
                                      (slice(3 * u, 4 * u), self.recurrent_activation)):
                dz[block] = activation.backward(dz[block], z[block], gates[block])
        np.matmul(U, dz, out=dh)
        dc *= f

    def forward(self, x, training=False):
        """x: (N, T, F) -> h_T: (N, units) o (N, T, units)."""
        x = self._prepare_input(x)
        x_steps, gates = self._input_projection(x)      # gates[t] = (x_t·W + b)ᵀ; el paso t lo convierte en [i; f; g; o]
        T, _, N = gates.shape
        hs = self._states(T, N, gates.dtype, "h")        # hs[t + 1] = h_tᵀ, hs[0] = 0
        cs = self._states(T, N, gates.dtype, "c")        # cs[t + 1] = c_tᵀ, cs[0] = 0
        tanh_cs = self._workspace("tanh_c", (T, self.units, N), gates.dtype)
        # σ y tanh se derivan a partir de su salida; otras activaciones necesitan guardar z.
        zs = None if self._default_activations() else self._workspace("z_copy", gates.shape, gates.dtype)
        UT = np.ascontiguousarray(self.params["U"].T)
        for t in range(T):
            self.step_forward(gates[t], hs[t], cs[t], hs[t + 1], cs[t + 1], tanh_cs[t], UT,
                              None if zs is None else zs[t])
        self._cache = (x_steps, zs, gates, cs, tanh_cs, hs)
        return self._output(hs)

    def backward(self, grad_y):
        """BPTT: ∂L/∂salida -> ∂L/∂x: (N, T, F). Rellena grads["W"], grads["U"] y grads["b"]."""
        grad_y = self._check_backward(grad_y)
        x_steps, zs, gates, cs, tanh_cs, hs = self._cache
        T, _, N = gates.shape
        dz = self._workspace("dz", gates.shape, gates.dtype)
        dh = np.zeros((self.units, N), dtype=gates.dtype)   # ∂L/∂h_t y ∂L/∂c_t que llegan del paso siguiente
        dc = np.zeros((self.units, N), dtype=gates.dtype)
        work = np.empty_like(gates[0])
        for t in reversed(range(T)):
            from_output = self._output_gradient(grad_y, t, T)
            if from_output is not None:
                dh += from_output
            self.step_backward(dh, dc, None if zs is None else zs[t], gates[t], cs[t], cs[t + 1], tanh_cs[t],
                               dz[t], self.params["U"], work)
        return self._parameter_gradients(x_steps, hs, dz)

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
