"""Envoltorios (*wrappers*): capas que aplican otra capa de una forma nueva, como en Keras.

- ``TimeDistributed(capa)``: la misma capa (los mismos pesos) en cada paso de una secuencia.
- ``Bidirectional(rnn)``: una capa recurrente que lee la secuencia hacia delante y otra que la lee
  hacia atrás; junta sus salidas (concatenándolas, por defecto).

Los pesos son los de las capas de dentro: ``params`` y ``grads`` del envoltorio son una vista de los
suyos (las mismas arrays, no copias), así que el optimizador, ``save``/``load_model`` y
``gradient_check`` los tratan como los de cualquier capa. En ``Bidirectional`` llevan delante el nombre
de la dirección: ``forward_W``, ``forward_U``, ``forward_b``, ``backward_W``… (el orden de Keras).
"""

from collections.abc import MutableMapping

import numpy as np

from .layer import Layer
from .validation import CourseError, CourseTypeError, describe


class _JoinedDict(MutableMapping):
    """Los dicts ``params`` (o ``grads``, ``state``) de varias capas vistos como uno solo, con claves
    «prefijo_clave». Leer y escribir una clave lee y escribe en el dict de la capa que le toca."""

    def __init__(self, parts, attribute):
        self._parts = parts            # [(prefijo, capa), …]
        self._attribute = attribute

    def _locate(self, key):
        for prefix, layer in self._parts:
            if key.startswith(prefix + "_"):
                return getattr(layer, self._attribute), key[len(prefix) + 1:]
        raise KeyError(key)

    def __getitem__(self, key):
        store, inner = self._locate(key)
        return store[inner]

    def __setitem__(self, key, value):
        store, inner = self._locate(key)
        store[inner] = value

    def __delitem__(self, key):
        store, inner = self._locate(key)
        del store[inner]

    def __iter__(self):
        for prefix, layer in self._parts:
            for key in getattr(layer, self._attribute):
                yield f"{prefix}_{key}"

    def __len__(self):
        return sum(len(getattr(layer, self._attribute)) for _, layer in self._parts)

    def __repr__(self):
        return repr(dict(self))


def _layer_class(name):
    """La subclase de ``Layer`` que se llama ``name`` (entre las ya importadas, que son todas las del motor):
    así este módulo no importa ``layers.py``, que lo importa a él."""
    pending = [Layer]
    while pending:
        cls = pending.pop()
        if cls.__name__ == name:
            return cls
        pending.extend(cls.__subclasses__())
    raise CourseError(f"No hay ninguna capa que se llame {name!r} para reconstruir el envoltorio.")


def _layer_from_config(value, who):
    """Una capa a partir de ella misma o del dict {"class_name", "config"} con que se guardó."""
    if isinstance(value, Layer):
        return value
    if isinstance(value, dict) and "class_name" in value:
        return _layer_class(value["class_name"])(**value.get("config", {}))
    raise CourseTypeError(f"{who} envuelve una capa, p. ej. {who}(LSTM(32)); se recibió {describe(value)}.")


def _call_state(layer, method):
    """Lo que deja (o dejará) una llamada de ``layer`` para su backward."""
    if hasattr(layer, method):
        return getattr(layer, method)()
    return {"_cache": None if method == "new_call_state" else layer._cache}


#: Los nombres de Keras de las claves del motor, para las capas que no dicen otros (``keras_weight_name``).
KERAS_WEIGHT_NAMES = {"W": "kernel", "U": "recurrent_kernel", "b": "bias"}


def keras_weight_name(layer, key):
    """El nombre que Keras da al peso ``key`` de ``layer`` ("kernel", "recurrent_kernel", "embeddings"…)."""
    method = getattr(layer, "keras_weight_name", None)
    return method(key) if method is not None else KERAS_WEIGHT_NAMES.get(key, key)


def _serialize_layer(layer):
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


class _Wrapper(Layer):
    """Lo común: ``params``, ``grads`` y ``state`` son vistas de los de las capas de dentro."""

    def _inner_layers(self):
        raise NotImplementedError

    def _views(self, attribute):
        raise NotImplementedError

    @property
    def params(self):
        return self._views("params")

    @params.setter
    def params(self, value):
        self._assign("params", value)

    @property
    def grads(self):
        return self._views("grads")

    @grads.setter
    def grads(self, value):
        self._assign("grads", value)

    @property
    def state(self):
        return self._views("state")

    @state.setter
    def state(self, value):
        self._assign("state", value)

    def _assign(self, attribute, value):
        """``capa.grads = {...}`` (p. ej. al poner los gradientes a cero) reparte las claves entre las capas."""
        if not hasattr(self, "_ready"):
            return                      # Layer.__init__ crea dicts vacíos: aquí los dicts son los de dentro
        view = self._views(attribute)
        for key in list(view):
            if key not in value:
                del view[key]
        for key, array in value.items():
            view[key] = array

    def regularization_loss(self):
        return float(sum(layer.regularization_loss() for layer in self._inner_layers()))

    # Una capa usada en dos nodos de un grafo (compartida) guarda por separado lo que deja cada llamada para su
    # backward; en un envoltorio, eso incluye lo que guardan las capas de dentro.
    def get_call_state(self):
        """Lo que la última llamada dejó para su backward: lo propio y lo de cada capa de dentro."""
        own = super().get_call_state() if hasattr(super(), "get_call_state") else {"_cache": self._cache}
        return {"own": own, "inner": [_call_state(layer, "get_call_state") for layer in self._inner_layers()]}

    def set_call_state(self, state):
        """Restaura lo que dejó una llamada (antes de su backward, en una capa compartida)."""
        if hasattr(super(), "set_call_state"):
            super().set_call_state(state["own"])
        else:
            self._cache = state["own"]["_cache"]
        for layer, inner in zip(self._inner_layers(), state["inner"]):
            if hasattr(layer, "set_call_state"):
                layer.set_call_state(inner)
            else:
                layer._cache = inner["_cache"]

    def new_call_state(self):
        """El estado de una llamada que aún no ha ocurrido."""
        own = super().new_call_state() if hasattr(super(), "new_call_state") else {"_cache": None}
        return {"own": own, "inner": [_call_state(layer, "new_call_state") for layer in self._inner_layers()]}

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in getattr(self, "_wrapped", ()):
            layer.trainable = self._trainable


class TimeDistributed(_Wrapper):
    """Aplica la misma capa a cada paso de una secuencia, como ``keras.layers.TimeDistributed``:

        y[:, t] = capa(x[:, t])   para t = 1 … T,   con los mismos pesos en todos los pasos

    x: (N, T, …) -> y: (N, T, …). Se calcula de una vez juntando lote y tiempo, (N·T, …), que es lo mismo
    para cualquier capa sin estado (Dense, Conv2D, Flatten…): ``TimeDistributed(Conv2D(…))`` procesa cada
    fotograma de un vídeo (N, T, H, W, C). Hacia atrás, el gradiente de los pesos suma el de todos los
    pasos. (Con BatchNormalization dentro, la media del lote es la de los N·T ejemplos juntos; Keras la
    calcula paso a paso.) Los pesos son los de la capa envuelta: ``params`` tiene sus mismas claves.
    """

    def __init__(self, layer, **kwargs):
        layer = _layer_from_config(layer, "TimeDistributed")
        super().__init__(**kwargs)
        self.layer = layer
        self._wrapped = (layer,)
        self._ready = True
        self._trainable = layer.trainable

    def _inner_layers(self):
        return [self.layer]

    def keras_weight_name(self, key):
        """El de la capa envuelta (los pesos son los suyos): "kernel", "bias"…"""
        return keras_weight_name(self.layer, key)

    def _views(self, attribute):
        return getattr(self.layer, attribute)

    def _assign(self, attribute, value):
        if hasattr(self, "_ready"):
            setattr(self.layer, attribute, value)

    def check_input_shape(self, input_shape):
        if len(input_shape) < 2:
            raise CourseError(
                f"TimeDistributed ('{self.name}') esperaba secuencias de forma (N, pasos, …) con al menos un eje "
                f"por paso, pero recibió un array de forma {self._received(input_shape)}."
            )
        self.layer.symbolic_output_shape(tuple(input_shape[1:]))

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        self.check_input_shape(input_shape)
        if not self.layer.built:
            self.layer.build(input_shape[1:])
        self.input_shape = input_shape
        self.output_shape = self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(self.layer.symbolic_output_shape(tuple(input_shape[1:])))

    def forward(self, x, training=False):
        """x: (N, T, …) -> y: (N, T, …): la capa sobre (N·T, …) y vuelta a separar lote y tiempo."""
        x = self._prepare_input(x)
        N, T = x.shape[:2]
        y = self.layer.forward(x.reshape((N * T,) + x.shape[2:]), training=training)
        self._cache = (N, T)
        return y.reshape((N, T) + y.shape[1:])

    def backward(self, grad_y):
        """∂L/∂y: (N, T, …) -> ∂L/∂x: (N, T, …). Los gradientes de los pesos suman los de todos los pasos."""
        grad_y = self._check_backward(grad_y)
        N, T = self._cache
        grad_x = self.layer.backward(grad_y.reshape((N * T,) + grad_y.shape[2:]))
        return None if grad_x is None else grad_x.reshape((N, T) + grad_x.shape[1:])

    def get_config(self):
        return {**super().get_config(), "layer": _serialize_layer(self.layer)}


class Bidirectional(_Wrapper):
    """Lee la secuencia en los dos sentidos, como ``keras.layers.Bidirectional``:

        y→ = rnn→(x_1 … x_T),   y← = rnn←(x_T … x_1),   y = [y→ | y←]   (``merge_mode="concat"``)

    La salida en cada paso combina lo que hay antes (y→) y después (y←) de él. La capa que se pasa sirve de
    modelo: se crean dos capas nuevas con su configuración, ``forward_<nombre>`` y ``backward_<nombre>`` (esta
    con ``go_backwards=True``), como en Keras. Con ``return_sequences=True`` la salida hacia atrás se da la
    vuelta antes de juntarla, para que el paso t de las dos hable del mismo x_t.

    ``merge_mode``: "concat" (por defecto; 2·units), "sum", "mul", "ave" o None (lista [y→, y←]). Con
    ``return_state=True`` devuelve además los estados finales de las dos: [y, h→ (, c→), h← (, c←)].
    Hacia atrás, cada dirección recibe su parte del gradiente (en "mul", ∂L/∂y→ = ∂L/∂y ⊙ y←) y ∂L/∂x es la
    suma de las dos.
    """

    MERGE_MODES = ("concat", "sum", "mul", "ave", None)

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        layer = _layer_from_config(layer, "Bidirectional")
        if not hasattr(layer, "go_backwards"):
            raise CourseError(
                f"Bidirectional envuelve una capa recurrente (SimpleRNN, LSTM o GRU); se recibió "
                f"{type(layer).__name__}, que no sabe recorrer la secuencia hacia atrás (go_backwards)."
            )
        if merge_mode not in self.MERGE_MODES:
            raise CourseError(
                f"Bidirectional: merge_mode debe ser 'concat', 'sum', 'mul', 'ave' o None; se recibió {merge_mode!r}."
            )
        if kwargs.get("input_shape") is None and layer.input_shape is not None:
            kwargs["input_shape"] = layer.input_shape        # LSTM(…, input_shape=…) dentro de Bidirectional
        super().__init__(**kwargs)
        base = layer.name
        for prefix in ("forward_", "backward_"):
            base = base[len(prefix):] if base.startswith(prefix) else base
        forward_config = {**layer.get_config(), "name": f"forward_{base}"}
        forward_config.pop("input_shape", None)
        self.forward_layer = type(layer)(**forward_config)
        if backward_layer is None:
            self.backward_layer = type(layer)(**{**forward_config, "name": f"backward_{base}",
                                                 "go_backwards": not layer.go_backwards})
        else:
            self.backward_layer = _layer_from_config(backward_layer, "Bidirectional")
        fw, bw = self.forward_layer, self.backward_layer
        if fw.go_backwards == bw.go_backwards:
            raise CourseError("Bidirectional: la capa de ida y la de vuelta deben tener go_backwards distinto.")
        for attribute in ("return_sequences", "return_state"):
            if getattr(fw, attribute) != getattr(bw, attribute):
                raise CourseError(
                    f"Bidirectional: la capa de ida y la de vuelta deben tener el mismo {attribute}; se recibió "
                    f"{getattr(fw, attribute)} y {getattr(bw, attribute)}."
                )
        self.merge_mode = merge_mode
        self.return_sequences = fw.return_sequences
        self.return_state = fw.return_state
        self._wrapped = (fw, bw)
        self._ready = True
        self._trainable = layer.trainable
        self._initial_weights = None if weights is None else list(weights)

    def _inner_layers(self):
        return [self.forward_layer, self.backward_layer]

    def keras_weight_name(self, key):
        """"forward_W" -> el nombre de Keras de "W" en la capa de ida ("kernel"), como las variables de Keras."""
        direction, inner = key.split("_", 1)
        layer = self.forward_layer if direction == "forward" else self.backward_layer
        return keras_weight_name(layer, inner)

    def _views(self, attribute):
        return _JoinedDict([("forward", self.forward_layer), ("backward", self.backward_layer)], attribute)

    # ------------------------------------------------------------------ formas
    def check_input_shape(self, input_shape):
        self.forward_layer.check_input_shape(tuple(input_shape))

    def build(self, input_shape, initial_state_shape=None, **kwargs):
        input_shape = tuple(input_shape)
        self.check_input_shape(input_shape)
        for layer in self._inner_layers():
            if not layer.built:
                layer.build(input_shape)
        if self._initial_weights is not None:
            arrays = list(self.params.values())
            if len(arrays) != len(self._initial_weights):
                raise CourseError(f"Bidirectional: weights debe traer {len(arrays)} arrays; trae {len(self._initial_weights)}.")
            for target, value in zip(arrays, self._initial_weights):
                target[...] = value
            self._initial_weights = None
        self.input_shape = input_shape
        self.output_shape = self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        """La forma de la salida combinada (sin los estados)."""
        shape = tuple(self.forward_layer.compute_output_shape(tuple(input_shape)))
        if self.merge_mode == "concat":
            shape = shape[:-1] + (2 * shape[-1],)
        return shape

    def symbolic_output_shape(self, input_shape, initial_state=None, **kwargs):
        Layer.symbolic_output_shape(self, input_shape)
        single = tuple(self.forward_layer.compute_output_shape(tuple(input_shape)))
        outputs = [single, single] if self.merge_mode is None else [self.compute_output_shape(input_shape)]
        if self.return_state:
            outputs += [(self.forward_layer.units,)] * (2 * len(self.forward_layer.state_names))
        return outputs if len(outputs) > 1 else outputs[0]

    # ------------------------------------------------------------------ pasadas
    def forward(self, x, training=False, initial_state=None):
        """x: (N, T, F) -> y: la combinación de las dos direcciones (y los estados, con return_state).

        ``initial_state``: la lista de estados de la ida seguida de los de la vuelta, como en Keras."""
        x = self._prepare_input(x)
        forward_state = backward_state = None
        if initial_state is not None:
            states = list(initial_state)
            half = len(states) // 2
            forward_state, backward_state = states[:half], states[half:]
        y = self.forward_layer.forward(x, training=training, initial_state=forward_state)
        y_rev = self.backward_layer.forward(x, training=training, initial_state=backward_state)
        states = []
        if self.return_state:
            states = y[1:] + y_rev[1:]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
        self._cache = (y, y_rev, initial_state is not None)
        if self.merge_mode == "concat":
            output = [np.concatenate([y, y_rev], axis=-1)]
        elif self.merge_mode == "sum":
            output = [y + y_rev]
        elif self.merge_mode == "ave":
            output = [(y + y_rev) / 2]
        elif self.merge_mode == "mul":
            output = [y * y_rev]
        else:
            output = [y, np.ascontiguousarray(y_rev)]
        outputs = output + states
        return outputs if len(outputs) > 1 else outputs[0]

    def backward(self, grad_y):
        """∂L/∂y (y los de los estados) -> ∂L/∂x = ∂L/∂x por la ida + ∂L/∂x por la vuelta."""
        if self._cache is None:
            return self._check_backward(grad_y)
        y, y_rev, had_initial = self._cache
        n_outputs = 2 if self.merge_mode is None else 1
        n_states = len(self.forward_layer.state_names) if self.return_state else 0
        grads = list(grad_y) if n_outputs + 2 * n_states > 1 else [grad_y]
        if len(grads) != n_outputs + 2 * n_states:
            raise CourseError(
                f"Bidirectional ('{self.name}'): backward esperaba {n_outputs + 2 * n_states} gradientes (uno por "
                f"salida); se recibieron {len(grads)}."
            )
        zeros = np.zeros_like(y)
        if self.merge_mode is None:
            g_forward = zeros if grads[0] is None else np.asarray(grads[0], dtype=y.dtype)
            g_backward = zeros if grads[1] is None else np.asarray(grads[1], dtype=y.dtype)
        else:
            g = np.zeros(self._merged_shape(y), dtype=y.dtype) if grads[0] is None else np.asarray(grads[0], dtype=y.dtype)
            expected = self._merged_shape(y)
            if g.shape != expected:
                raise CourseError(
                    f"Bidirectional ('{self.name}'): backward esperaba grad_y con la forma de la salida, {expected}, "
                    f"pero recibió {g.shape}."
                )
            if self.merge_mode == "concat":
                units = y.shape[-1]
                g_forward, g_backward = g[..., :units], g[..., units:]
            elif self.merge_mode == "sum":
                g_forward, g_backward = g, g
            elif self.merge_mode == "ave":
                g_forward = g_backward = g / 2
            else:   # mul: ∂(y→ ⊙ y←)/∂y→ = y←
                g_forward, g_backward = g * y_rev, g * y
        if self.return_sequences:
            g_backward = g_backward[:, ::-1]
        g_forward, g_backward = np.ascontiguousarray(g_forward), np.ascontiguousarray(g_backward)
        state_grads = grads[n_outputs:]
        if self.return_state:
            g_forward = [g_forward] + state_grads[:n_states]
            g_backward = [g_backward] + state_grads[n_states:]
        from_forward = self.forward_layer.backward(g_forward)
        from_backward = self.backward_layer.backward(g_backward)
        if not had_initial:
            return from_forward + from_backward
        return [from_forward[0] + from_backward[0]] + list(from_forward[1:]) + list(from_backward[1:])

    def _merged_shape(self, y):
        return y.shape[:-1] + (2 * y.shape[-1],) if self.merge_mode == "concat" else y.shape

    def get_config(self):
        return {**super().get_config(), "layer": _serialize_layer(self.forward_layer), "merge_mode": self.merge_mode,
                "backward_layer": _serialize_layer(self.backward_layer)}
