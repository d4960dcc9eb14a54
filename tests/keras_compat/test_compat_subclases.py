"""Compatibilidad con Keras: capas y modelos propios (subclases de keras.layers.Layer y keras.Model)
cuyo ``call`` compone capas, aritmética de tensores y keras.ops."""

import numpy as np

from arnes import datos, enteros, fragmento, pesos_fijos, prueba


def _bloque_mlp(keras):
    class BloqueMLP(keras.layers.Layer):
        def __init__(self, unidades, **kwargs):
            super().__init__(**kwargs)
            self.oculta = keras.layers.Dense(unidades, activation="relu")
            self.salida = keras.layers.Dense(unidades)

        def call(self, inputs):
            return self.salida(self.oculta(inputs))

    return BloqueMLP


@fragmento("una Layer propia que compone dos Dense en call")
def layer_compone(keras):
    BloqueMLP = _bloque_mlp(keras)
    model = keras.Sequential([keras.Input(shape=(4,)), BloqueMLP(4), keras.layers.Dense(1)])
    pesos_fijos(model)
    return {"parametros": model.count_params(), "salida": model.predict(datos((3, 4)), verbose=0)}


@fragmento("una Layer residual: return x + self.capa(x)")
def layer_residual(keras):
    class Residual(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.capa = keras.layers.Dense(3)

        def call(self, x):
            return x + self.capa(x)

    x = keras.Input(shape=(3,))
    model = keras.Model(x, Residual()(x))
    pesos_fijos(model)
    return model.predict(datos((2, 3)), verbose=0)


@fragmento("un bloque Transformer como Layer (atención, normalización, red densa, atajos)")
def bloque_transformer(keras):
    layers = keras.layers

    class BloqueTransformer(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
            super().__init__(**kwargs)
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
            self.norm1 = layers.LayerNormalization(epsilon=1e-6)
            self.norm2 = layers.LayerNormalization(epsilon=1e-6)
            self.drop1 = layers.Dropout(rate)
            self.drop2 = layers.Dropout(rate)

        def call(self, inputs, training=False):
            atencion = self.drop1(self.att(inputs, inputs), training=training)
            x = self.norm1(inputs + atencion)
            return self.norm2(x + self.drop2(self.ffn(x), training=training))

    x = keras.Input(shape=(5, 8))
    y = layers.GlobalAveragePooling1D()(BloqueTransformer(8, 2, 16)(x))
    model = keras.Model(x, layers.Dense(2, activation="softmax")(y))
    pesos_fijos(model)
    return {"parametros": model.count_params(), "salida": model.predict(datos((2, 5, 8)), verbose=0)}


@fragmento("un Model propio: capas en __init__ y call")
def model_propio(keras):
    class MiModelo(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense1 = keras.layers.Dense(8, activation="relu")
            self.dense2 = keras.layers.Dense(3, activation="softmax")

        def call(self, inputs):
            return self.dense2(self.dense1(inputs))

    model = MiModelo()
    y = model(datos((2, 4)))
    pesos_fijos(model)
    return {"forma": tuple(y.shape), "parametros": model.count_params(), "salida": model.predict(datos((2, 4)), verbose=0)}


@fragmento("un Model propio se entrena con compile y fit")
def model_propio_fit(keras):
    class Regresor(keras.Model):
        def __init__(self):
            super().__init__()
            self.oculta = keras.layers.Dense(4, activation="tanh")
            self.salida = keras.layers.Dense(1)

        def call(self, x):
            return self.salida(self.oculta(x))

    model = Regresor()
    model(datos((1, 2)))
    pesos_fijos(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    historia = model.fit(datos((16, 2)), datos((16, 1), semilla=1), epochs=2, batch_size=8, shuffle=False, verbose=0)
    return historia.history["loss"]


@fragmento("una Layer propia con keras.ops en call (media y raíz)")
def layer_con_ops(keras):
    ops = keras.ops

    class Estandarizar(keras.layers.Layer):
        def call(self, x):
            media = ops.mean(x, axis=-1, keepdims=True)
            desv = ops.sqrt(ops.mean(ops.square(x - media), axis=-1, keepdims=True) + 1e-6)
            return (x - media) / desv

    x = keras.Input(shape=(4,))
    model = keras.Model(x, Estandarizar()(keras.layers.Dense(4)(x)))
    pesos_fijos(model)
    return model.predict(datos((2, 4)), verbose=0)


@fragmento("una Layer con pesos propios (add_weight) y ops.matmul, como la Linear de la guía")
def layer_add_weight(keras):
    class Lineal(keras.layers.Layer):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return keras.ops.matmul(inputs, self.w) + self.b

    model = keras.Sequential([keras.Input(shape=(3,)), Lineal(4)])
    pesos_fijos(model)
    return {"parametros": model.count_params(), "salida": model.predict(datos((2, 3)), verbose=0)}


@fragmento("get_config de una Layer propia con sus argumentos")
def layer_get_config(keras):
    class Escala(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            config = super().get_config()
            config.update({"factor": self.factor})
            return config

    capa = Escala(3.0, name="escala")
    config = capa.get_config()
    return {"factor": config["factor"], "nombre": config["name"], "salida": keras.ops.convert_to_numpy(capa(np.ones((1, 2))))}


@fragmento("capas de incrustación de palabras y de posiciones (Layer propia)")
def embedding_posicional(keras):
    layers = keras.layers
    ops = keras.ops

    class PalabrasYPosiciones(layers.Layer):
        def __init__(self, maxlen, vocab, dim, **kwargs):
            super().__init__(**kwargs)
            self.palabras = layers.Embedding(input_dim=vocab, output_dim=dim)
            self.posiciones = layers.Embedding(input_dim=maxlen, output_dim=dim)

        def call(self, x):
            posiciones = ops.arange(0, ops.shape(x)[-1])
            return self.palabras(x) + self.posiciones(posiciones)

    x = keras.Input(shape=(6,))
    model = keras.Model(x, PalabrasYPosiciones(6, 30, 4)(x))
    pesos_fijos(model)
    return {"parametros": model.count_params(), "salida": model.predict(enteros((2, 6), 30), verbose=0)}


@fragmento("una Layer propia con training: Dropout solo al entrenar")
def layer_training(keras):
    class Ruido(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.drop = keras.layers.Dropout(0.5)

        def call(self, x, training=False):
            return self.drop(x, training=training)

    model = keras.Sequential([keras.Input(shape=(4,)), Ruido()])
    x = datos((3, 4))
    return {"prediccion": model.predict(x, verbose=0)}


@fragmento("una Layer sin pesos con ops.relu y ops.softmax")
def layer_solo_ops(keras):
    ops = keras.ops

    class Atenuar(keras.layers.Layer):
        def call(self, x):
            return ops.softmax(ops.relu(x) * 2.0, axis=-1)

    x = keras.Input(shape=(5,))
    model = keras.Model(x, Atenuar()(x))
    return model.predict(datos((2, 5)), verbose=0)


test_fragmento = prueba("subclases")
