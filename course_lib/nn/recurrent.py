"""Capas recurrentes: ``SimpleRNN``, ``LSTM`` y ``GRU``, con los nombres, argumentos y pesos de Keras.

Entradas de forma (N, T, F): N ejemplos (secuencias), T pasos de tiempo y F características por paso.
Cada capa recorre los pasos t = 1 … T con un estado h_t (y c_t en la LSTM) que empieza en 0 (o en
``initial_state``):

    SimpleRNN:  h_t = tanh(x_t·W + h_{t−1}·U + b)
    LSTM:       z_t = x_t·W + h_{t−1}·U + b, partido en cuatro bloques (i, f, c, o) como en Keras
                i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)
                c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
    GRU:        z = σ(x_t·W_z + h_{t−1}·U_z + b_z),  r = σ(x_t·W_r + h_{t−1}·U_r + b_r)
                h̃ = tanh(x_t·W_h + b_h + r ⊙ (h_{t−1}·U_h + b'_h)),   h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃

La salida es h_T, de forma (N, units), o todos los estados (N, T, units) con ``return_sequences=True``;
con ``return_state=True`` la capa devuelve además los estados finales, ``[salida, h_T]`` (o
``[salida, h_T, c_T]`` en la LSTM), como en Keras: es lo que pasa un codificador a su decodificador
con ``decoder(x, initial_state=[h, c])``. ``go_backwards=True`` recorre la secuencia del último paso al
primero (y con ``return_sequences`` devuelve los estados en ese orden, como Keras).

``dropout`` y ``recurrent_dropout`` son el *dropout variacional* (Gal y Ghahramani, 2016) de Keras:
una máscara por secuencia, la misma en todos los pasos, sobre x_t (``dropout``) y sobre h_{t−1} antes
de multiplicarlo por U (``recurrent_dropout``); solo con ``training=True``.

Como en CS231n, cada capa tiene un ``step_forward`` y un ``step_backward`` para un solo paso (con
las formas que toman y devuelven); ``forward`` y ``backward`` los llaman en un bucle sobre el tiempo
(el bucle es inherente: h_t necesita h_{t−1}). Dentro de un paso todo está vectorizado sobre el lote,
y x_t·W se calcula para todos los pasos a la vez, antes del bucle. La retropropagación a través del
tiempo (BPTT) recorre los pasos al revés sumando, en cada uno, el gradiente que llega de la salida
y el que llega del paso siguiente a través de h_t (y de c_t).

Dentro del bucle los estados van traspuestos, de forma (units, N), y z_tᵀ = Uᵀ·h_{t−1}ᵀ + (x_t·W + b)ᵀ:
así cada puerta es un bloque de filas contiguo en memoria y las diez operaciones pequeñas de cada
paso no saltan por ella (cuestan la mitad). Las formas que ve el usuario son las de Keras.
"""

import numpy as np

from . import activations, config, initializers, regularizers
from .layer import Layer
from .validation import CourseError, as_float_array, check_number, check_positive_int


class _Recurrent(Layer):
    """Lo común a SimpleRNN, LSTM y GRU: argumentos, validación de la forma, pesos W, U, b, las máscaras de
    dropout, el estado inicial, ``go_backwards`` y ``return_state``. Cada subclase escribe su paso."""

    #: Bloques de z por paso: 1 en SimpleRNN, 4 (i, f, c, o) en LSTM, 3 (z, r, h) en GRU.
    gates = 1
    #: Estados que lleva de un paso a otro: h (y c en la LSTM).
    state_names = ("h",)

    def __init__(self, units, activation="tanh", return_sequences=False, return_state=False, go_backwards=False,
                 use_bias=True, kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 stateful=False, unroll=False, **kwargs):
        for ignored in ("implementation", "use_cudnn", "time_major", "zero_output_for_mask"):
            kwargs.pop(ignored, None)   # detalles de rendimiento de Keras que aquí no cambian nada
        super().__init__(**kwargs)
        who = type(self).__name__
        if stateful:
            raise CourseError(
                f"{who}: este motor no tiene capas con estado entre lotes (stateful=True). Cada lote empieza con el "
                "estado a cero; para seguir una secuencia larga, pasa el estado final de un trozo como "
                "initial_state del siguiente (return_state=True)."
            )
        self.units = check_positive_int(units, f"{who}: units (tamaño del estado oculto)")
        self.activation = activations.get(activation)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.dropout = check_number(dropout, f"{who}: dropout", low=0.0, high=1.0, high_inclusive=False)
        self.recurrent_dropout = check_number(recurrent_dropout, f"{who}: recurrent_dropout", low=0.0, high=1.0,
                                              high_inclusive=False)
        self.seed = None if seed is None else check_positive_int(seed, f"{who}: seed", minimum=0)
        self._seed_rng = None if seed is None else np.random.default_rng(seed)
        self.unroll = bool(unroll)   # Keras desenrolla el bucle para ir más rápido; aquí no cambia nada

    # ------------------------------------------------------------------ formas y pesos
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
        # U bloque a bloque: cada puerta con su matriz (units, units) ortogonal. (Keras 3 aplica orthogonal a la
        # matriz entera (units, bloques·units), cuyas filas son ortonormales pero cuyos bloques no lo son.)
        self.params["U"] = np.concatenate(
            [self.recurrent_initializer((self.units, self.units)) for _ in range(self.gates)], axis=1)
        if self.use_bias:
            self.params["b"] = self.bias_initializer((width,))

    def build(self, input_shape, initial_state_shape=None, **kwargs):
        """Crea W, U y b para secuencias de forma ``input_shape`` (los estados iniciales no cambian los pesos)."""
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        """La forma de la salida principal (sin los estados de ``return_state``)."""
        return (input_shape[0], self.units) if self.return_sequences else (self.units,)

    def symbolic_output_shape(self, input_shape, initial_state=None, **kwargs):
        """En el API funcional: la forma de la salida o, con ``return_state``, la lista [salida, h (, c)]."""
        output = super().symbolic_output_shape(input_shape)
        if initial_state is not None:
            several = isinstance(initial_state, list) or (
                isinstance(initial_state, tuple) and all(isinstance(s, tuple) for s in initial_state))
            states = list(initial_state) if several else [initial_state]
            self._check_initial_shapes([tuple(s) for s in states], "N")
        if not self.return_state:
            return output
        return [output] + [(self.units,)] * len(self.state_names)

    # ------------------------------------------------------------------ lo común de forward
    def _mask(self, training, rate, shape, dtype):
        """Máscara de dropout m / (1 − rate) (m = 1 con probabilidad 1 − rate), o None si no hay dropout."""
        if not training or rate == 0.0:
            return None
        rng = self._seed_rng if self._seed_rng is not None else config.rng()
        return (rng.random(shape) >= rate).astype(dtype) / dtype.type(1.0 - rate)

    def _check_initial_shapes(self, shapes, batch):
        who = f"{type(self).__name__} ('{self.name}')"
        expected = len(self.state_names)
        if len(shapes) != expected:
            names = ", ".join(f"{s}_0" for s in self.state_names)
            raise CourseError(
                f"{who}: initial_state debe ser una lista de {expected} estado{'s' if expected > 1 else ''} "
                f"([{names}]), cada uno de forma (N, {self.units}); se recibieron {len(shapes)}."
            )
        for shape in shapes:
            if tuple(shape) != (self.units,):
                raise CourseError(
                    f"{who}: cada estado inicial debe tener forma ({batch}, {self.units}) (units={self.units}); se "
                    f"recibió un estado de forma ({batch}, {', '.join(map(str, shape))})."
                )

    def _initial_states(self, initial_state, N, dtype):
        """Los estados iniciales traspuestos, (units, N) cada uno, o None si empiezan en 0."""
        if initial_state is None:
            return None
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        arrays = [as_float_array(s, f"{type(self).__name__} ('{self.name}'): initial_state") for s in states]
        if any(a.ndim != 2 or a.shape[0] != N for a in arrays):
            raise CourseError(
                f"{type(self).__name__} ('{self.name}'): cada estado inicial debe tener forma ({N}, {self.units}), "
                f"un vector por secuencia del lote; se recibieron formas {[a.shape for a in arrays]}."
            )
        self._check_initial_shapes([a.shape[1:] for a in arrays], N)
        return [np.ascontiguousarray(a.T) for a in arrays]

    def forward(self, x, training=False, initial_state=None, mask=None):
        """x: (N, T, F) -> h_T: (N, units) o (N, T, units); con ``return_state``, [salida, h_T (, c_T)]."""
        if mask is not None:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}'): este motor no propaga máscaras (mask=…). Rellena las "
                "secuencias al principio (pad_sequences(..., padding='pre')) para que los ceros queden antes de "
                "los datos."
            )
        x = self._prepare_input(x)
        N, T, F = x.shape
        if self.go_backwards:
            x = x[:, ::-1]
        input_mask = self._mask(training, self.dropout, (N, F), x.dtype)
        if input_mask is not None:
            x = x * input_mask[:, None, :]
        recurrent_mask = self._mask(training, self.recurrent_dropout, (N, self.units), x.dtype)
        recurrent_mask = None if recurrent_mask is None else np.ascontiguousarray(recurrent_mask.T)
        initial = self._initial_states(initial_state, N, x.dtype)
        x_steps, zs = self._input_projection(x)
        states, run_cache = self._run(x_steps, zs, initial, recurrent_mask)
        self._cache = ((input_mask, recurrent_mask, initial is not None), run_cache)
        output = self._output(states[0])
        if not self.return_state:
            return output
        return [output] + [s[-1].T.copy() for s in states]

    def backward(self, grad_y):
        """BPTT: ∂L/∂salida -> ∂L/∂x: (N, T, F). Rellena grads["W"], grads["U"] y grads["b"].

        Con ``return_state``, grad_y es la lista [∂L/∂salida, ∂L/∂h_T (, ∂L/∂c_T)] (None donde no llega nada).
        Si la llamada llevó ``initial_state``, devuelve [∂L/∂x, ∂L/∂h_0 (, ∂L/∂c_0)].
        """
        grad_output, grad_states = self._split_gradients(grad_y)
        (input_mask, recurrent_mask, had_initial), run_cache = self._cache
        grad_x, grad_initial = self._run_backward(run_cache, grad_output, grad_states, recurrent_mask)
        if input_mask is not None:
            grad_x *= input_mask[:, None, :]
        if self.go_backwards:
            grad_x = np.ascontiguousarray(grad_x[:, ::-1])
        if not had_initial:
            return grad_x
        return [grad_x] + [g.T.copy() for g in grad_initial]

    def _split_gradients(self, grad_y):
        """grad_y -> (∂L/∂salida o None, [∂L/∂estado_final traspuesto (units, N) o None, …])."""
        if not self.return_state:
            return self._check_backward(grad_y), [None] * len(self.state_names)
        n = 1 + len(self.state_names)
        if not isinstance(grad_y, (list, tuple)) or len(grad_y) != n:
            raise CourseError(
                f"{type(self).__name__} ('{self.name}') tiene return_state=True, así que backward espera una lista "
                f"de {n} gradientes (salida y estados finales, None donde no llega ninguno)."
            )
        if self._cache is None:
            self._check_backward(None)   # el mensaje de «llama a forward antes»
        dtype = config.dtype()
        grad_output = None if grad_y[0] is None else self._check_backward(grad_y[0])
        states = []
        for g in grad_y[1:]:
            if g is None:
                states.append(None)
                continue
            g = np.asarray(g, dtype=dtype)
            if g.shape != (self._batch_size, self.units):
                raise CourseError(
                    f"{type(self).__name__} ('{self.name}'): el gradiente de un estado final debe tener forma "
                    f"{(self._batch_size, self.units)}; se recibió {g.shape}."
                )
            states.append(np.ascontiguousarray(g.T))
        return grad_output, states

    # ------------------------------------------------------------------ piezas de forward/backward
    def _input_projection(self, x):
        """x: (N, T, F) -> x en orden temporal (T, N, F) y z sin la parte recurrente, (x_t·W + b)ᵀ, de todos
        los pasos a la vez: (T, bloques·units, N)."""
        N, T, F = x.shape
        W = self.params["W"]
        x_steps = self._workspace("x_steps", (T, N, F), x.dtype)
        x_steps[...] = x.transpose(1, 0, 2)
        zs = np.matmul(W.T, x_steps.transpose(0, 2, 1), out=self._workspace("z", (T, W.shape[1], N), x.dtype))
        if self.use_bias:
            zs += self._input_bias()[:, None]
        return x_steps, zs

    def _input_bias(self):
        """El sesgo que se suma a x_t·W (en la GRU, la primera fila de b)."""
        return self.params["b"]

    def _states(self, T, N, dtype, name="h", initial=None):
        """Estados traspuestos de todos los pasos, (T + 1, units, N), con el estado inicial en [0] (0 por defecto)."""
        states = self._workspace(name, (T + 1, self.units, N), dtype)
        states[0] = 0.0 if initial is None else initial
        return states

    def _output(self, hs):
        """hs: (T + 1, units, N) -> la salida: h_T (N, units) o todos los estados h_1 … h_T (N, T, units)."""
        return np.ascontiguousarray(hs[1:].transpose(2, 0, 1)) if self.return_sequences else hs[-1].T.copy()

    def _output_gradient(self, grad_y, t, T):
        """∂L/∂h_t que llega de la salida, traspuesto (units, N), o None si h_t no es una salida."""
        if grad_y is None:
            return None
        if self.return_sequences:
            return grad_y[:, t].T
        return grad_y.T if t == T - 1 else None

    def _start_gradients(self, grad_states, N, dtype):
        """∂L/∂h (y ∂L/∂c) que llegan del «paso siguiente» al último: los gradientes de los estados finales."""
        return [np.zeros((self.units, N), dtype=dtype) if g is None else g.astype(dtype, copy=True)
                for g in grad_states]

    def _time_major(self, dz, name):
        """(T, w, N) -> (w, T·N), con las columnas en el orden (t, n): para sumar sobre el tiempo con un producto."""
        T, width, N = dz.shape
        flat = self._workspace(name, (width, T, N), dz.dtype)
        flat[...] = dz.transpose(1, 0, 2)
        return flat.reshape(width, T * N)

    def _previous_states(self, hs, recurrent_mask):
        """h_0 … h_{T−1} (con la máscara de recurrent_dropout si la hay), como matriz (units, T·N)."""
        h_prev = hs[:-1] if recurrent_mask is None else hs[:-1] * recurrent_mask
        T, units, N = h_prev.shape
        return np.ascontiguousarray(h_prev.transpose(1, 0, 2)).reshape(units, T * N)

    def _parameter_gradients(self, x_steps, dz_flat):
        """∂L/∂W = Σ_t x_tᵀ·∂L/∂z_t y ∂L/∂x_t = ∂L/∂z_t·Wᵀ a partir de ∂L/∂z (w, T·N): cada suma sobre el tiempo es
        un único producto de matrices. Devuelve ∂L/∂x (N, T, F), en el orden en que se recorrieron los pasos."""
        T, N, F = x_steps.shape
        self.grads["W"] = x_steps.reshape(T * N, F).T @ dz_flat.T
        self._add_regularization_gradient()
        return np.ascontiguousarray((dz_flat.T @ self.params["W"].T).reshape(T, N, F).transpose(1, 0, 2))

    def get_config(self):
        config_ = {
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
        # Solo lo que no es el valor por defecto: los archivos guardados antes siguen siendo iguales.
        for key, default in (("return_state", False), ("go_backwards", False), ("dropout", 0.0),
                             ("recurrent_dropout", 0.0), ("seed", None)):
            if getattr(self, key) != default:
                config_[key] = getattr(self, key)
        return config_


class SimpleRNN(_Recurrent):
    """Red recurrente simple (Elman), como ``keras.layers.SimpleRNN``.

    h_t = f(x_t·W + h_{t−1}·U + b), h_0 = 0, f = tanh por defecto.
    Pesos: W (características, units), U (units, units), b (units,).
    x: (N, T, F) -> (N, units), o (N, T, units) con ``return_sequences=True``.
    """

    def step_forward(self, z, h_prev, h, UT, mask=None):
        """Un paso, con los estados traspuestos. z: (units, N) llega con (x_t·W + b)ᵀ y sale con z_tᵀ;
        h_prev: (units, N) -> escribe h_tᵀ = f(z_tᵀ) en h. ``mask``: la de recurrent_dropout, o None."""
        z += UT @ (h_prev if mask is None else h_prev * mask)
        h[...] = self.activation.forward(z)

    def step_backward(self, dh, z, h, dz, U, mask=None):
        """∂L/∂h_t total (units, N), en dh -> escribe ∂L/∂z_t = ∂L/∂h_t ⊙ f'(z_t) en dz y deja en dh
        ∂L/∂h_{t−1} = (∂L/∂z_t·Uᵀ)ᵀ ⊙ m = U·∂L/∂z_tᵀ ⊙ m."""
        dz[...] = self.activation.backward(dh, z, h)
        np.matmul(U, dz, out=dh)
        if mask is not None:
            dh *= mask

    def _run(self, x_steps, zs, initial, mask):
        T, _, N = zs.shape
        hs = self._states(T, N, zs.dtype, "h", None if initial is None else initial[0])   # hs[t + 1] = h_tᵀ
        UT = np.ascontiguousarray(self.params["U"].T)
        for t in range(T):
            self.step_forward(zs[t], hs[t], hs[t + 1], UT, mask)
        return [hs], (x_steps, zs, hs)

    def _run_backward(self, cache, grad_y, grad_states, mask):
        x_steps, zs, hs = cache
        T, units, N = zs.shape
        dz = self._workspace("dz", zs.shape, zs.dtype)
        (dh,) = self._start_gradients(grad_states, N, zs.dtype)   # ∂L/∂h_t que llega del paso siguiente
        for t in reversed(range(T)):
            from_output = self._output_gradient(grad_y, t, T)
            if from_output is not None:
                dh += from_output
            self.step_backward(dh, zs[t], hs[t + 1], dz[t], self.params["U"], mask)
        dz_flat = self._time_major(dz, "dz_flat")
        self.grads["U"] = self._previous_states(hs, mask) @ dz_flat.T
        if self.use_bias:
            self.grads["b"] = dz_flat.sum(axis=1)
        return self._parameter_gradients(x_steps, dz_flat), [dh]


class LSTM(_Recurrent):
    """Memoria a corto y largo plazo (*long short-term memory*), como ``keras.layers.LSTM``.

    Puertas en el orden de Keras (y de PyTorch): entrada i, olvido f, candidata c (g) y salida o.
        z_t = x_t·W + h_{t−1}·U + b = [z_i | z_f | z_c | z_o]
        i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)
        c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t),   h_0 = c_0 = 0
    Pesos: W (características, 4·units), U (units, 4·units), b (4·units,). Con
    ``unit_forget_bias=True`` (como Keras) el sesgo de la puerta de olvido empieza en 1: al principio
    la celda recuerda. σ es ``recurrent_activation`` y tanh es ``activation``.
    Con ``return_state=True`` devuelve [salida, h_T, c_T]; ``initial_state=[h_0, c_0]`` fija el punto de partida.
    """

    gates = 4
    state_names = ("h", "c")

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

    def step_forward(self, z, h_prev, c_prev, h, c, tanh_c, UT, z_copy=None, mask=None):
        """Un paso, con los estados traspuestos (units, N). z: (4·units, N) llega con (x_t·W + b)ᵀ y sale con
        las puertas [i; f; g; o]; h_prev, c_prev: (units, N) -> escribe h_tᵀ, c_tᵀ y tanh(c_t)ᵀ en h, c y tanh_c.
        ``mask``: la de recurrent_dropout (se aplica a h_{t−1} antes de multiplicar por U), o None.

        Con σ y tanh (lo de Keras) basta una sola tanh para las cuatro puertas, porque σ(z) = (1 + tanh(z/2))/2.
        (Keras también tiene un camino rápido, el de cuDNN, solo con estas activaciones.)
        """
        u = self.units
        z += UT @ (h_prev if mask is None else h_prev * mask)
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

    def step_backward(self, dh, dc, z, gates, c_prev, c, tanh_c, dz, U, work, mask=None):
        """∂L/∂h_t y ∂L/∂c_t (en dh y dc, traspuestos) -> deja ∂L/∂h_{t−1} y ∂L/∂c_{t−1} en dh y dc y escribe
        ∂L/∂z_t en dz. z son las entradas de las puertas (None con σ y tanh, que se derivan desde su salida);
        work: (4·units, N), espacio de trabajo.

        ∂L/∂c = ∂L/∂c_sig + ∂L/∂h ⊙ o ⊙ tanh'(c);  ∂L/∂o = ∂L/∂h ⊙ tanh(c);
        ∂L/∂i = ∂L/∂c ⊙ g;  ∂L/∂f = ∂L/∂c ⊙ c_{t−1};  ∂L/∂g = ∂L/∂c ⊙ i;  ∂L/∂c_{t−1} = ∂L/∂c ⊙ f;
        ∂L/∂z = [∂L/∂i; ∂L/∂f; ∂L/∂g; ∂L/∂o] ⊙ [σ'(z_i); σ'(z_f); tanh'(z_c); σ'(z_o)];
        ∂L/∂h_{t−1} = U·∂L/∂z (⊙ m con recurrent_dropout).
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
        if mask is not None:
            dh *= mask
        dc *= f

    def _run(self, x_steps, gates, initial, mask):
        """gates[t] llega con (x_t·W + b)ᵀ y el paso t lo convierte en [i; f; g; o]."""
        T, _, N = gates.shape
        h0, c0 = (None, None) if initial is None else initial
        hs = self._states(T, N, gates.dtype, "h", h0)    # hs[t + 1] = h_tᵀ
        cs = self._states(T, N, gates.dtype, "c", c0)    # cs[t + 1] = c_tᵀ
        tanh_cs = self._workspace("tanh_c", (T, self.units, N), gates.dtype)
        # σ y tanh se derivan a partir de su salida; otras activaciones necesitan guardar z.
        zs = None if self._default_activations() else self._workspace("z_copy", gates.shape, gates.dtype)
        UT = np.ascontiguousarray(self.params["U"].T)
        for t in range(T):
            self.step_forward(gates[t], hs[t], cs[t], hs[t + 1], cs[t + 1], tanh_cs[t], UT,
                              None if zs is None else zs[t], mask)
        return [hs, cs], (x_steps, zs, gates, cs, tanh_cs, hs)

    def _run_backward(self, cache, grad_y, grad_states, mask):
        x_steps, zs, gates, cs, tanh_cs, hs = cache
        T, _, N = gates.shape
        dz = self._workspace("dz", gates.shape, gates.dtype)
        dh, dc = self._start_gradients(grad_states, N, gates.dtype)   # ∂L/∂h_t y ∂L/∂c_t del paso siguiente
        work = np.empty_like(gates[0])
        for t in reversed(range(T)):
            from_output = self._output_gradient(grad_y, t, T)
            if from_output is not None:
                dh += from_output
            self.step_backward(dh, dc, None if zs is None else zs[t], gates[t], cs[t], cs[t + 1], tanh_cs[t],
                               dz[t], self.params["U"], work, mask)
        dz_flat = self._time_major(dz, "dz_flat")
        self.grads["U"] = self._previous_states(hs, mask) @ dz_flat.T
        if self.use_bias:
            self.grads["b"] = dz_flat.sum(axis=1)
        return self._parameter_gradients(x_steps, dz_flat), [dh, dc]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRU(_Recurrent):
    """Unidad recurrente con puertas (*gated recurrent unit*, Cho et al., 2014), como ``keras.layers.GRU``.

    Bloques en el orden de Keras: actualización z, reinicio r y candidato h. Con ``reset_after=True`` (el
    valor por defecto de Keras 3 y la fórmula de PyTorch y cuDNN), r se aplica después de multiplicar por U:

        [x_z | x_r | x_h] = x_t·W + b[0],   [u_z | u_r | u_h] = h_{t−1}·U + b[1]
        z = σ(x_z + u_z),   r = σ(x_r + u_r),   h̃ = tanh(x_h + r ⊙ u_h)
        h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃

    Pesos: W (características, 3·units), U (units, 3·units) y b (2, 3·units): una fila para el sesgo de la
    entrada y otra para el de la parte recurrente, como Keras. Con ``reset_after=False`` (la GRU original),
    h̃ = tanh(x_h + (r ⊙ h_{t−1})·U_h) y b tiene forma (3·units,).

    Hacia atrás, con δ = ∂L/∂h_t: ∂L/∂h̃ = δ ⊙ (1 − z); ∂L/∂z = δ ⊙ (h_{t−1} − h̃); ∂L/∂r = ∂L/∂(pre h̃) ⊙ u_h;
    ∂L/∂h_{t−1} = δ ⊙ z + U·[∂L/∂(pre z); ∂L/∂(pre r); r ⊙ ∂L/∂(pre h̃)].
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", return_sequences=False,
                 reset_after=True, **kwargs):
        super().__init__(units, activation=activation, return_sequences=return_sequences, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def create_params(self, input_shape):
        super().create_params(input_shape)
        if self.use_bias and self.reset_after:
            self.params["b"] = self.bias_initializer((2, 3 * self.units))

    def _input_bias(self):
        return self.params["b"][0] if self.reset_after else self.params["b"]

    def _default_activations(self):
        return isinstance(self.recurrent_activation, activations.Sigmoid) and isinstance(self.activation, activations.Tanh)

    def step_forward(self, z, h_prev, h, inner, UT, pre=None, mask=None):
        """Un paso, con los estados traspuestos (units, N). z: (3·units, N) llega con (x_t·W + b[0])ᵀ y sale con
        [z; r; h̃]; h_prev: (units, N) -> escribe h_tᵀ en h y en ``inner`` (units, N) lo que backward necesita de
        la parte recurrente del candidato: u_h (reset_after) o r ⊙ h_{t−1} (sin reset_after).
        ``pre``: (3·units, N) donde guardar las entradas de las activaciones (solo con activaciones que no son
        σ y tanh); ``mask``: la de recurrent_dropout, o None."""
        u = self.units
        h_in = h_prev if mask is None else h_prev * mask
        if self.reset_after:
            recurrent = UT @ h_in                                  # [u_z; u_r; u_h]
            if self.use_bias:
                recurrent += self.params["b"][1][:, None]
            z[:2 * u] += recurrent[:2 * u]
            self._activate(z[:2 * u], self.recurrent_activation, None if pre is None else pre[:2 * u])
            inner[...] = recurrent[2 * u:]
            z[2 * u:] += z[u:2 * u] * inner                         # x_h + r ⊙ u_h
        else:
            z[:2 * u] += UT[:2 * u] @ h_in
            self._activate(z[:2 * u], self.recurrent_activation, None if pre is None else pre[:2 * u])
            np.multiply(z[u:2 * u], h_in, out=inner)                # r ⊙ h_{t−1}
            z[2 * u:] += UT[2 * u:] @ inner
        self._activate(z[2 * u:], self.activation, None if pre is None else pre[2 * u:])
        gate, candidate = z[:u], z[2 * u:]
        np.subtract(h_prev, candidate, out=h)                      # h_t = h̃ + z ⊙ (h_{t−1} − h̃)
        h *= gate
        h += candidate

    @staticmethod
    def _activate(block, activation, pre):
        """Aplica la activación en su sitio; guarda antes su entrada en ``pre`` si hace falta para backward."""
        if pre is not None:
            pre[...] = block
        if isinstance(activation, activations.Sigmoid):
            block *= 0.5                                   # σ(z) = (1 + tanh(z/2))/2, sin exponenciales aparte
            np.tanh(block, out=block)
            block *= 0.5
            block += 0.5
        elif isinstance(activation, activations.Tanh):
            np.tanh(block, out=block)
        else:
            block[...] = activation.forward(block)

    def step_backward(self, dh, gates, h_prev, inner, pre, dz_x, dz_h, U, mask=None):
        """∂L/∂h_t total (units, N), en dh -> deja ∂L/∂h_{t−1} en dh; escribe ∂L/∂(x_t·W) en dz_x (3·units, N) y,
        con reset_after, ∂L/∂(h_{t−1}·U) en dz_h (3·units, N)."""
        u = self.units
        z, r, candidate = gates[:u], gates[u:2 * u], gates[2 * u:]
        pre = (None, None, None) if pre is None else (pre[:u], pre[u:2 * u], pre[2 * u:])
        d_candidate = self.activation.backward(dh * (1.0 - z), pre[2], candidate)          # ∂L/∂(pre h̃)
        dz_x[2 * u:] = d_candidate
        dz_x[:u] = self.recurrent_activation.backward(dh * (h_prev - candidate), pre[0], z)
        if self.reset_after:
            dz_x[u:2 * u] = self.recurrent_activation.backward(d_candidate * inner, pre[1], r)
            dz_h[:2 * u] = dz_x[:2 * u]
            np.multiply(d_candidate, r, out=dz_h[2 * u:])                                   # ∂L/∂u_h
            recurrent = U @ dz_h
        else:
            d_rh = U[:, 2 * u:] @ d_candidate                                                 # ∂L/∂(r ⊙ h_{t−1})
            h_in = h_prev if mask is None else h_prev * mask
            dz_x[u:2 * u] = self.recurrent_activation.backward(d_rh * h_in, pre[1], r)
            recurrent = U[:, :2 * u] @ dz_x[:2 * u] + d_rh * r
        if mask is not None:
            recurrent *= mask
        dh *= z
        dh += recurrent

    def _run(self, x_steps, gates, initial, mask):
        T, _, N = gates.shape
        hs = self._states(T, N, gates.dtype, "h", None if initial is None else initial[0])
        inner = self._workspace("inner", (T, self.units, N), gates.dtype)
        pre = None if self._default_activations() else self._workspace("pre", gates.shape, gates.dtype)
        UT = np.ascontiguousarray(self.params["U"].T)
        for t in range(T):
            self.step_forward(gates[t], hs[t], hs[t + 1], inner[t], UT, None if pre is None else pre[t], mask)
        return [hs], (x_steps, gates, hs, inner, pre)

    def _run_backward(self, cache, grad_y, grad_states, mask):
        x_steps, gates, hs, inner, pre = cache
        T, width, N = gates.shape
        u = self.units
        dz_x = self._workspace("dz", gates.shape, gates.dtype)
        dz_h = self._workspace("dz_h", gates.shape, gates.dtype) if self.reset_after else None
        (dh,) = self._start_gradients(grad_states, N, gates.dtype)
        U = self.params["U"]
        for t in reversed(range(T)):
            from_output = self._output_gradient(grad_y, t, T)
            if from_output is not None:
                dh += from_output
            self.step_backward(dh, gates[t], hs[t], inner[t], None if pre is None else pre[t], dz_x[t],
                               None if dz_h is None else dz_h[t], U, mask)
        dx_flat = self._time_major(dz_x, "dz_flat")
        h_prev = self._previous_states(hs, mask)
        if self.reset_after:
            dh_flat = self._time_major(dz_h, "dz_h_flat")
            self.grads["U"] = h_prev @ dh_flat.T
            if self.use_bias:
                self.grads["b"] = np.stack([dx_flat.sum(axis=1), dh_flat.sum(axis=1)])
        else:
            rh = np.ascontiguousarray(inner.transpose(1, 0, 2)).reshape(u, T * N)   # r ⊙ h_{t−1} de cada paso
            self.grads["U"] = np.concatenate([h_prev @ dx_flat[:2 * u].T, rh @ dx_flat[2 * u:].T], axis=1)
            if self.use_bias:
                self.grads["b"] = dx_flat.sum(axis=1)
        return self._parameter_gradients(x_steps, dx_flat), [dh]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}
