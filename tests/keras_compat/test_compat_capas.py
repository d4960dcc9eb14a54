"""Compatibilidad con Keras: las capas (keras.layers), con sus argumentos, formas, número de
parámetros y, con los pesos fijados igual en los dos motores, sus salidas."""

import numpy as np

from arnes import datos, enteros, formas, fragmento, numpy, pesos_fijos, prueba


def _pila(keras, capas, forma, x=None, positivos=False, escala=0.3):
    """Sequential([Input(forma), *capas]) con pesos fijos: forma de salida, parámetros y salida."""
    model = keras.Sequential([keras.Input(shape=forma), *capas])
    pesos_fijos(model, positivos=positivos, escala=escala)
    x = datos((2, *forma)) if x is None else x
    return {"forma": model.output_shape, "parametros": model.count_params(), "salida": model.predict(x, verbose=0),
            "pesos": formas(model.get_weights())}


# ----------------------------------------------------------------------------- densas
@fragmento("Dense(units, activation): forma, parámetros y salida")
def dense(keras):
    return _pila(keras, [keras.layers.Dense(5, activation="tanh")], (3,))


@fragmento("Dense(use_bias=False): solo el núcleo")
def dense_sin_sesgo(keras):
    return _pila(keras, [keras.layers.Dense(4, use_bias=False)], (3,))


@fragmento("Dense sobre una entrada 3-D (N, T, D): actúa sobre el último eje")
def dense_3d(keras):
    return _pila(keras, [keras.layers.Dense(4)], (5, 3))


@fragmento("Dense(input_dim=…) como primera capa de Sequential (estilo Keras 2)")
def dense_input_dim(keras):
    model = keras.Sequential([keras.layers.Dense(4, input_dim=3), keras.layers.Dense(1)])
    model.build((None, 3))
    return model.count_params()


@fragmento("Dense(input_shape=…) como primera capa (estilo Keras 2, Keras 3 avisa)")
def dense_input_shape(keras):
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)), keras.layers.Dense(1)])
    return {"parametros": model.count_params(), "forma": model.output_shape}


@fragmento("Activation('relu') como capa")
def activation_capa(keras):
    return _pila(keras, [keras.layers.Dense(4), keras.layers.Activation("relu")], (3,))


@fragmento("ReLU, LeakyReLU(negative_slope), ELU y Softmax como capas")
def activaciones_capas(keras):
    layers = keras.layers
    return _pila(keras, [layers.Dense(6), layers.ReLU(), layers.Dense(6), layers.LeakyReLU(negative_slope=0.2),
                         layers.Dense(6), layers.ELU(), layers.Dense(3), layers.Softmax()], (4,), escala=1.0)


@fragmento("Dropout: en predict no hace nada")
def dropout_prediccion(keras):
    return _pila(keras, [keras.layers.Dense(4), keras.layers.Dropout(0.5)], (3,))


# ----------------------------------------------------------------------------- convolución 2-D
@fragmento("Conv2D(filters, kernel_size) con padding='valid'")
def conv2d_valid(keras):
    return _pila(keras, [keras.layers.Conv2D(3, 3, activation="relu")], (6, 6, 2))


@fragmento("Conv2D con padding='same' y strides=2")
def conv2d_same_strides(keras):
    return _pila(keras, [keras.layers.Conv2D(4, (3, 3), strides=2, padding="same")], (7, 7, 1))


@fragmento("Conv2D(dilation_rate=2)")
def conv2d_dilatada(keras):
    return _pila(keras, [keras.layers.Conv2D(2, 3, dilation_rate=2)], (9, 9, 1))


@fragmento("MaxPooling2D y AveragePooling2D")
def pooling2d(keras):
    layers = keras.layers
    return {"max": _pila(keras, [layers.MaxPooling2D(pool_size=(2, 2))], (6, 6, 2)),
            "avg": _pila(keras, [layers.AveragePooling2D(2)], (6, 6, 2))}


@fragmento("MaxPooling2D con strides y padding='same'")
def maxpooling_same(keras):
    return _pila(keras, [keras.layers.MaxPooling2D(pool_size=3, strides=2, padding="same")], (7, 7, 1))


@fragmento("Flatten tras la convolución y una Dense")
def flatten(keras):
    layers = keras.layers
    return _pila(keras, [layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)], (5, 5, 1))


@fragmento("GlobalAveragePooling2D y GlobalMaxPooling2D")
def global_pooling2d(keras):
    layers = keras.layers
    return {"avg": _pila(keras, [layers.GlobalAveragePooling2D()], (4, 4, 3)),
            "max": _pila(keras, [layers.GlobalMaxPooling2D()], (4, 4, 3))}


@fragmento("Conv2DTranspose(strides=2, padding='same'): duplica el tamaño")
def conv2d_transpuesta(keras):
    return _pila(keras, [keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same")], (4, 4, 3))


@fragmento("Conv2DTranspose con padding='valid'")
def conv2d_transpuesta_valid(keras):
    return _pila(keras, [keras.layers.Conv2DTranspose(3, (3, 3), strides=1)], (4, 4, 2))


@fragmento("UpSampling2D(size=2)")
def upsampling2d(keras):
    return _pila(keras, [keras.layers.UpSampling2D(size=(2, 2))], (3, 3, 2))


@fragmento("ZeroPadding2D(padding=1) y ((1, 2), (0, 1))")
def zeropadding2d(keras):
    layers = keras.layers
    return {"uno": _pila(keras, [layers.ZeroPadding2D(padding=1)], (3, 3, 1)),
            "asimetrico": _pila(keras, [layers.ZeroPadding2D(padding=((1, 2), (0, 1)))], (3, 3, 1))}


@fragmento("Rescaling(1/255): de píxeles a [0, 1]")
def rescaling(keras):
    x = np.arange(2 * 4 * 4 * 1, dtype="float32").reshape(2, 4, 4, 1) * 8
    return _pila(keras, [keras.layers.Rescaling(1.0 / 255)], (4, 4, 1), x=x)


@fragmento("Rescaling(scale, offset): a [−1, 1]")
def rescaling_offset(keras):
    return _pila(keras, [keras.layers.Rescaling(scale=1 / 127.5, offset=-1)], (3,), x=np.array([[0, 127.5, 255]] * 2))


# ----------------------------------------------------------------------------- normalización
@fragmento("BatchNormalization en inferencia, con medias móviles fijadas")
def batchnorm_inferencia(keras):
    return _pila(keras, [keras.layers.BatchNormalization()], (4,), positivos=True)


@fragmento("BatchNormalization: 4 arrays de pesos, 2 entrenables")
def batchnorm_pesos(keras):
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.BatchNormalization()])
    return {"pesos": formas(model.get_weights()), "entrenables": len(model.trainable_weights),
            "parametros": model.count_params()}


@fragmento("BatchNormalization tras Conv2D (normaliza por canal)")
def batchnorm_conv(keras):
    layers = keras.layers
    return _pila(keras, [layers.Conv2D(3, 3), layers.BatchNormalization()], (5, 5, 1), positivos=True)


@fragmento("LayerNormalization sobre el último eje")
def layernorm(keras):
    return _pila(keras, [keras.layers.LayerNormalization()], (3, 4))


@fragmento("Normalization().adapt(datos): media y varianza de cada característica")
def normalization_adapt(keras):
    x = datos((50, 3), semilla=5) * np.array([1.0, 10.0, 0.1], dtype="float32") + 3
    capa = keras.layers.Normalization()
    capa.adapt(x)
    return numpy(capa(x[:4]))


@fragmento("Normalization(axis=-1) dentro de un modelo, adaptada antes")
def normalization_modelo(keras):
    x = datos((40, 2), semilla=6) * 5 + 1
    norm = keras.layers.Normalization(axis=-1)
    norm.adapt(x)
    model = keras.Sequential([keras.Input(shape=(2,)), norm, keras.layers.Dense(1)])
    return {"parametros": model.count_params(), "entrenables": sum(int(np.prod(w.shape)) for w in model.trainable_weights)}


# ----------------------------------------------------------------------------- remodelar
@fragmento("Reshape((4, 3)) y Reshape((-1,))")
def reshape(keras):
    layers = keras.layers
    return {"fija": _pila(keras, [layers.Reshape((4, 3))], (12,)), "menos1": _pila(keras, [layers.Reshape((-1,))], (3, 4))}


@fragmento("RepeatVector(n): (N, D) → (N, n, D)")
def repeat_vector(keras):
    return _pila(keras, [keras.layers.RepeatVector(3)], (2,))


@fragmento("Permute((2, 1)): intercambia los ejes")
def permute(keras):
    return _pila(keras, [keras.layers.Permute((2, 1))], (3, 4))


# ----------------------------------------------------------------------------- secuencias
@fragmento("Embedding(input_dim, output_dim): forma y parámetros")
def embedding(keras):
    x = enteros((2, 5), 10)
    return _pila(keras, [keras.layers.Embedding(10, 4)], (5,), x=x)


@fragmento("Embedding(mask_zero=True) seguido de una capa recurrente")
def embedding_mask_zero(keras):
    layers = keras.layers
    x = np.array([[3, 4, 0, 0], [1, 2, 5, 0]])
    return _pila(keras, [layers.Embedding(8, 3, mask_zero=True), layers.SimpleRNN(2)], (4,), x=x)


@fragmento("SimpleRNN(units): solo el último estado")
def simple_rnn(keras):
    return _pila(keras, [keras.layers.SimpleRNN(4)], (5, 3))


@fragmento("SimpleRNN(return_sequences=True)")
def simple_rnn_secuencias(keras):
    return _pila(keras, [keras.layers.SimpleRNN(3, return_sequences=True)], (4, 2))


@fragmento("LSTM(units): pesos W, U, b con el orden de puertas de Keras")
def lstm(keras):
    return _pila(keras, [keras.layers.LSTM(3)], (5, 2))


@fragmento("LSTM apiladas con return_sequences=True")
def lstm_apiladas(keras):
    layers = keras.layers
    return _pila(keras, [layers.LSTM(4, return_sequences=True), layers.LSTM(2)], (6, 3))


@fragmento("LSTM(return_state=True): salida, h y c")
def lstm_return_state(keras):
    layers = keras.layers
    x = keras.Input(shape=(5, 2))
    salida, h, c = layers.LSTM(3, return_state=True)(x)
    model = keras.Model(x, [salida, h, c])
    pesos_fijos(model)
    resultado = model.predict(datos((2, 5, 2)), verbose=0)
    return {"formas": [r.shape for r in resultado], "salida_igual_h": bool(np.allclose(resultado[0], resultado[1]))}


@fragmento("LSTM(dropout, recurrent_dropout): en predict no cambian nada")
def lstm_dropout(keras):
    return _pila(keras, [keras.layers.LSTM(3, dropout=0.2, recurrent_dropout=0.2)], (4, 2))


@fragmento("LSTM(go_backwards=True): recorre la secuencia al revés")
def lstm_go_backwards(keras):
    return _pila(keras, [keras.layers.LSTM(3, go_backwards=True)], (4, 2))


@fragmento("GRU(units) con la disposición de Keras (reset_after=True)")
def gru(keras):
    return _pila(keras, [keras.layers.GRU(3)], (5, 2))


@fragmento("GRU(return_sequences=True)")
def gru_secuencias(keras):
    return _pila(keras, [keras.layers.GRU(2, return_sequences=True)], (4, 3))


@fragmento("Bidirectional(LSTM(units)): concatena las dos direcciones")
def bidirectional(keras):
    return _pila(keras, [keras.layers.Bidirectional(keras.layers.LSTM(3))], (5, 2))


@fragmento("Bidirectional(LSTM(return_sequences=True)) apiladas")
def bidirectional_secuencias(keras):
    layers = keras.layers
    return _pila(keras, [layers.Bidirectional(layers.LSTM(2, return_sequences=True)),
                         layers.Bidirectional(layers.LSTM(2))], (4, 3))


@fragmento("TimeDistributed(Dense(k)) sobre cada paso")
def time_distributed(keras):
    layers = keras.layers
    return _pila(keras, [layers.TimeDistributed(layers.Dense(2))], (4, 3))


@fragmento("GlobalAveragePooling1D y GlobalMaxPooling1D")
def global_pooling1d(keras):
    layers = keras.layers
    return {"avg": _pila(keras, [layers.GlobalAveragePooling1D()], (5, 3)),
            "max": _pila(keras, [layers.GlobalMaxPooling1D()], (5, 3))}


# ----------------------------------------------------------------------------- convolución 1-D
@fragmento("Conv1D(filters, kernel_size) sobre (N, T, C)")
def conv1d(keras):
    return _pila(keras, [keras.layers.Conv1D(4, 3, activation="relu")], (10, 2))


@fragmento("Conv1D(padding='same', strides=2)")
def conv1d_same(keras):
    return _pila(keras, [keras.layers.Conv1D(3, 5, strides=2, padding="same")], (9, 2))


@fragmento("Conv1D(padding='causal') para series temporales")
def conv1d_causal(keras):
    return _pila(keras, [keras.layers.Conv1D(2, 3, padding="causal", dilation_rate=2)], (8, 1))


@fragmento("MaxPooling1D y AveragePooling1D")
def pooling1d(keras):
    layers = keras.layers
    return {"max": _pila(keras, [layers.MaxPooling1D(2)], (8, 3)),
            "avg": _pila(keras, [layers.AveragePooling1D(pool_size=2)], (8, 3))}


# ----------------------------------------------------------------------------- atención
@fragmento("MultiHeadAttention(num_heads, key_dim): autoatención")
def multi_head_attention(keras):
    x = keras.Input(shape=(4, 6))
    y = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)
    model = keras.Model(x, y)
    pesos_fijos(model)
    return {"forma": model.output_shape, "parametros": model.count_params(),
            "salida": model.predict(datos((2, 4, 6)), verbose=0)}


@fragmento("MultiHeadAttention con use_causal_mask=True")
def multi_head_attention_causal(keras):
    x = keras.Input(shape=(5, 4))
    y = keras.layers.MultiHeadAttention(num_heads=1, key_dim=4)(x, x, use_causal_mask=True)
    model = keras.Model(x, y)
    pesos_fijos(model)
    return model.predict(datos((2, 5, 4)), verbose=0)


# ----------------------------------------------------------------------------- capas que juntan
def _dos_entradas(keras, capa, forma=(4,)):
    a, b = keras.Input(shape=forma), keras.Input(shape=forma)
    model = keras.Model([a, b], capa([a, b]))
    x = [datos((3, *forma), semilla=1), datos((3, *forma), semilla=2)]
    return {"forma": model.output_shape, "salida": model.predict(x, verbose=0)}


@fragmento("Add() y Concatenate()")
def add_concatenate(keras):
    return {"add": _dos_entradas(keras, keras.layers.Add()), "concat": _dos_entradas(keras, keras.layers.Concatenate())}


@fragmento("Multiply() y Subtract()")
def multiply_subtract(keras):
    return {"mul": _dos_entradas(keras, keras.layers.Multiply()), "sub": _dos_entradas(keras, keras.layers.Subtract())}


@fragmento("Average(), Maximum() y Minimum()")
def average_maximum(keras):
    layers = keras.layers
    return {"avg": _dos_entradas(keras, layers.Average()), "max": _dos_entradas(keras, layers.Maximum()),
            "min": _dos_entradas(keras, layers.Minimum())}


@fragmento("Dot(axes=1): producto escalar de dos vectores")
def dot(keras):
    return _dos_entradas(keras, keras.layers.Dot(axes=1))


@fragmento("Dot(axes=1, normalize=True): similitud coseno")
def dot_coseno(keras):
    return _dos_entradas(keras, keras.layers.Dot(axes=1, normalize=True))


@fragmento("Concatenate(axis=1) sobre secuencias")
def concatenate_eje(keras):
    return _dos_entradas(keras, keras.layers.Concatenate(axis=1), forma=(2, 3))


@fragmento("layers.add, layers.concatenate, layers.multiply y layers.subtract (funciones)")
def funciones_que_juntan(keras):
    layers = keras.layers
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    salidas = [layers.add([a, b]), layers.concatenate([a, b]), layers.multiply([a, b]), layers.subtract([a, b])]
    model = keras.Model([a, b], salidas)
    return [r for r in model.predict([datos((2, 3), semilla=1), datos((2, 3), semilla=2)], verbose=0)]


@fragmento("layers.average, layers.maximum y layers.dot (funciones)")
def funciones_que_juntan_2(keras):
    layers = keras.layers
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    salidas = [layers.average([a, b]), layers.maximum([a, b]), layers.dot([a, b], axes=1)]
    model = keras.Model([a, b], salidas)
    return [r for r in model.predict([datos((2, 3), semilla=1), datos((2, 3), semilla=2)], verbose=0)]


# ----------------------------------------------------------------------------- llamar a una capa sobre arrays
@fragmento("una capa llamada sobre un array (modo inmediato)")
def capa_sobre_array(keras):
    capa = keras.layers.Dense(3)
    y = capa(datos((2, 4)))
    pesos_fijos(capa)
    return {"forma": tuple(y.shape), "salida": numpy(capa(datos((2, 4))))}


@fragmento("layer.get_weights() y layer.set_weights() de una Dense")
def capa_get_set_weights(keras):
    capa = keras.layers.Dense(2)
    model = keras.Sequential([keras.Input(shape=(3,)), capa])
    w, b = capa.get_weights()
    capa.set_weights([np.ones_like(w), np.full_like(b, 0.5)])
    return {"formas": [w.shape, b.shape], "salida": model.predict(np.ones((1, 3)), verbose=0)}


@fragmento("layer.count_params() y layer.name")
def capa_count_params(keras):
    capa = keras.layers.Conv2D(8, 3, name="mi_conv")
    keras.Sequential([keras.Input(shape=(6, 6, 3)), capa])
    return {"parametros": capa.count_params(), "nombre": capa.name}


@fragmento("nombres automáticos: dense, dense_1, conv2d…")
def nombres_automaticos(keras):
    layers = keras.layers
    return [layers.Dense(1).name, layers.Dense(1).name, layers.Conv2D(1, 1).name, layers.LSTM(1).name,
            layers.BatchNormalization().name]


@fragmento("layer.trainable = False congela la capa")
def capa_congelada(keras):
    capa = keras.layers.Dense(3)
    model = keras.Sequential([keras.Input(shape=(2,)), capa, keras.layers.Dense(1)])
    capa.trainable = False
    return {"entrenables": len(model.trainable_weights), "no_entrenables": len(model.non_trainable_weights)}


# ----------------------------------------------------------------------------- más capas de Keras
@fragmento("Conv1DTranspose(strides=2, padding='same')")
def conv1d_transpuesta(keras):
    return _pila(keras, [keras.layers.Conv1DTranspose(2, 3, strides=2, padding="same")], (5, 3))


@fragmento("DepthwiseConv2D y SeparableConv2D (las de MobileNet)")
def convoluciones_separables(keras):
    layers = keras.layers
    return {"depthwise": _pila(keras, [layers.DepthwiseConv2D(3, depth_multiplier=2)], (5, 5, 2)),
            "separable": _pila(keras, [layers.SeparableConv2D(4, 3, padding="same")], (5, 5, 2))}


@fragmento("Cropping1D, Cropping2D, UpSampling1D y ZeroPadding1D")
def recortes_y_rellenos(keras):
    layers = keras.layers
    return {"crop1d": _pila(keras, [layers.Cropping1D((1, 2))], (6, 2)),
            "crop2d": _pila(keras, [layers.Cropping2D(((1, 0), (0, 2)))], (5, 5, 1)),
            "up1d": _pila(keras, [layers.UpSampling1D(2)], (3, 2)),
            "pad1d": _pila(keras, [layers.ZeroPadding1D(2)], (3, 2))}


@fragmento("SpatialDropout1D, GaussianNoise y GaussianDropout: en predict no hacen nada")
def ruido_en_inferencia(keras):
    layers = keras.layers
    return _pila(keras, [layers.SpatialDropout1D(0.3), layers.GaussianNoise(0.5), layers.GaussianDropout(0.2)],
                 (4, 3))


@fragmento("capas de aumento de datos (RandomFlip, RandomRotation, RandomZoom): identidad en predict")
def aumento_en_inferencia(keras):
    layers = keras.layers
    return _pila(keras, [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.1),
                         layers.Conv2D(2, 3)], (8, 8, 1))


@fragmento("PReLU: la pendiente de los negativos se aprende")
def prelu(keras):
    return _pila(keras, [keras.layers.Dense(3), keras.layers.PReLU()], (4,))


@fragmento("Resizing y CenterCrop sobre imágenes")
def resizing_center_crop(keras):
    layers = keras.layers
    return {"crop": _pila(keras, [layers.CenterCrop(4, 4)], (6, 6, 1)),
            "resize_forma": _pila(keras, [layers.Resizing(3, 5)], (6, 6, 1))["forma"]}


test_fragmento = prueba("capas")
