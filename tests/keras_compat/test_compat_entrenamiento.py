"""Compatibilidad con Keras: compile, fit, evaluate y predict; pérdidas y métricas.

Para comparar números del entrenamiento, los pesos se fijan igual en los dos motores y ``fit`` no
baraja (``shuffle=False``): el resultado es entonces determinista y debe coincidir.
"""

import numpy as np

from arnes import SinComparar, datos, enteros, fragmento, pesos_fijos, prueba

X = datos((24, 4), semilla=10)
Y_REG = datos((24, 1), semilla=11)
Y_CLASE = enteros((24,), 3, semilla=12)
Y_BIN = enteros((24, 1), 2, semilla=13).astype("float32")


def _clasificador(keras, salida="softmax", unidades=3):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(unidades, activation=salida)])
    return pesos_fijos(model, escala=0.5)


def _regresor(keras):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(6, activation="tanh"), keras.layers.Dense(1)])
    return pesos_fijos(model, escala=0.5)


# ----------------------------------------------------------------------------- fit y su historial
@fragmento("fit con SGD: la pérdida de cada época (pesos fijos, sin barajar)")
def fit_sgd(keras):
    model = _regresor(keras)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    return model.fit(X, Y_REG, epochs=3, batch_size=8, shuffle=False, verbose=0).history


@fragmento("fit con Adam y metrics=['accuracy']: claves y valores del historial")
def fit_adam_accuracy(keras):
    model = _clasificador(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(X, Y_CLASE, epochs=2, batch_size=6, shuffle=False, verbose=0).history


@fragmento("fit con validation_split: las claves val_ y los últimos ejemplos como validación")
def fit_validation_split(keras):
    model = _clasificador(keras)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(X, Y_CLASE, epochs=2, batch_size=8, validation_split=0.25, shuffle=False, verbose=0).history


@fragmento("fit con validation_data=(x_val, y_val)")
def fit_validation_data(keras):
    model = _regresor(keras)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model.fit(X[:16], Y_REG[:16], validation_data=(X[16:], Y_REG[16:]), epochs=2, batch_size=4, shuffle=False,
                     verbose=0).history


@fragmento("history.epoch y history.params['epochs']")
def history_epoch(keras):
    model = _regresor(keras)
    model.compile(optimizer="sgd", loss="mse")
    historia = model.fit(X, Y_REG, epochs=3, verbose=0)
    return {"epoch": historia.epoch, "epochs": historia.params["epochs"]}


@fragmento("fit(initial_epoch=2, epochs=4) entrena las épocas 3 y 4")
def fit_initial_epoch(keras):
    model = _regresor(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    historia = model.fit(X, Y_REG, epochs=4, initial_epoch=2, shuffle=False, verbose=0)
    return {"epoch": historia.epoch, "loss": historia.history["loss"]}


@fragmento("fit con class_weight={0: 1, 1: 3}")
def fit_class_weight(keras):
    model = _clasificador(keras, salida="sigmoid", unidades=1)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    return model.fit(X, Y_BIN, epochs=2, batch_size=8, class_weight={0: 1.0, 1: 3.0}, shuffle=False, verbose=0).history


@fragmento("fit con sample_weight")
def fit_sample_weight(keras):
    model = _regresor(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    pesos = np.linspace(0.5, 2.0, len(X)).astype("float32")
    return model.fit(X, Y_REG, sample_weight=pesos, epochs=2, batch_size=8, shuffle=False, verbose=0).history


@fragmento("fit con batch_size mayor que el número de ejemplos")
def fit_lote_grande(keras):
    model = _regresor(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model.fit(X, Y_REG, epochs=2, batch_size=100, verbose=0).history["loss"]


@fragmento("fit baraja por defecto: la pérdida sigue siendo finita")
def fit_barajando(keras):
    model = _regresor(keras)
    model.compile(optimizer="adam", loss="mse")
    perdida = model.fit(X, Y_REG, epochs=1, verbose=0).history["loss"][0]
    return {"finita": bool(np.isfinite(perdida)), "valor": SinComparar(perdida)}


# ----------------------------------------------------------------------------- evaluate, predict, *_on_batch
@fragmento("evaluate devuelve [pérdida, métrica]")
def evaluate_lista(keras):
    model = _clasificador(keras)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.evaluate(X, Y_CLASE, verbose=0)


@fragmento("evaluate sin métricas devuelve un número")
def evaluate_numero(keras):
    model = _regresor(keras)
    model.compile(optimizer="adam", loss="mse")
    return model.evaluate(X, Y_REG, verbose=0)


@fragmento("evaluate(return_dict=True)")
def evaluate_dict(keras):
    model = _clasificador(keras)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.evaluate(X, Y_CLASE, return_dict=True, verbose=0)


@fragmento("predict: forma y valores con pesos fijos")
def predict(keras):
    model = _clasificador(keras)
    return model.predict(X, batch_size=5, verbose=0)


@fragmento("train_on_batch y test_on_batch")
def on_batch(keras):
    model = _regresor(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    entrenado = model.train_on_batch(X[:8], Y_REG[:8])
    probado = model.test_on_batch(X[8:16], Y_REG[8:16])
    return {"train": entrenado, "test": probado}


@fragmento("predict_on_batch")
def predict_on_batch(keras):
    model = _regresor(keras)
    return model.predict_on_batch(X[:3])


@fragmento("model.metrics_names tras entrenar: una lista que empieza por 'loss'")
def metrics_names(keras):
    model = _clasificador(keras)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, Y_CLASE, epochs=1, verbose=0)
    # Keras 3 agrupa las métricas de compile en 'compile_metrics'; el primero es siempre 'loss'.
    return {"es_lista": isinstance(model.metrics_names, list), "primero": model.metrics_names[0]}


# ----------------------------------------------------------------------------- pérdidas
def _perdida(keras, loss, y, p):
    valor = loss(y, p)
    return float(keras.ops.convert_to_numpy(valor))


@fragmento("keras.losses.MeanSquaredError y MeanAbsoluteError como objetos")
def perdidas_regresion(keras):
    l = keras.losses
    y, p = datos((5, 2), semilla=1), datos((5, 2), semilla=2)
    return {"mse": _perdida(keras, l.MeanSquaredError(), y, p), "mae": _perdida(keras, l.MeanAbsoluteError(), y, p)}


@fragmento("keras.losses.Huber(delta=1.0)")
def perdida_huber(keras):
    y, p = datos((6, 1), semilla=1), datos((6, 1), semilla=2) * 2
    return _perdida(keras, keras.losses.Huber(delta=1.0), y, p)


@fragmento("BinaryCrossentropy(from_logits=True) y con probabilidades")
def perdida_binaria(keras):
    l = keras.losses
    y = np.array([[1.0], [0.0], [1.0]])
    z = np.array([[2.0], [-1.0], [-0.5]])
    p = 1 / (1 + np.exp(-z))
    return {"logits": _perdida(keras, l.BinaryCrossentropy(from_logits=True), y, z),
            "probs": _perdida(keras, l.BinaryCrossentropy(), y, p)}


@fragmento("CategoricalCrossentropy(label_smoothing=0.1)")
def perdida_suavizado(keras):
    y = keras.utils.to_categorical([0, 2, 1], 3)
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    return _perdida(keras, keras.losses.CategoricalCrossentropy(label_smoothing=0.1), y, p)


@fragmento("BinaryCrossentropy(label_smoothing=0.2)")
def perdida_binaria_suavizado(keras):
    y = np.array([[1.0], [0.0]])
    p = np.array([[0.8], [0.3]])
    return _perdida(keras, keras.losses.BinaryCrossentropy(label_smoothing=0.2), y, p)


@fragmento("SparseCategoricalCrossentropy(from_logits=True)")
def perdida_sparse_logits(keras):
    z = datos((4, 5), semilla=3)
    return _perdida(keras, keras.losses.SparseCategoricalCrossentropy(from_logits=True), np.array([0, 4, 2, 1]), z)


@fragmento("compile(loss='mae') y compile(loss='huber') por nombre")
def perdidas_por_nombre(keras):
    resultado = {}
    for nombre in ("mae", "huber", "mean_absolute_error"):
        model = _regresor(keras)
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss=nombre)
        resultado[nombre] = model.fit(X, Y_REG, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]
    return resultado


@fragmento("mse sobre salidas de secuencia (N, T, D): media sobre todo")
def perdida_secuencia_mse(keras):
    model = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(4, return_sequences=True),
                              keras.layers.Dense(2)])
    pesos_fijos(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x, y = datos((8, 5, 3), semilla=1), datos((8, 5, 2), semilla=2)
    return model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0).history["loss"]


@fragmento("entropía cruzada dispersa por paso (N, T, V) con etiquetas (N, T)")
def perdida_secuencia_sparse(keras):
    layers = keras.layers
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Embedding(10, 4), layers.SimpleRNN(5, return_sequences=True),
                              layers.Dense(10)])
    pesos_fijos(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    x, y = enteros((8, 6), 10, semilla=1), enteros((8, 6), 10, semilla=2)
    return model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0).history


@fragmento("compile(loss=una función propia de y_true, y_pred con keras.ops)")
def perdida_funcion_propia(keras):
    ops = keras.ops

    def error_cuartico(y_true, y_pred):
        return ops.mean(ops.square(ops.square(y_true - y_pred)), axis=-1)

    model = _regresor(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss=error_cuartico)
    return model.fit(X, Y_REG, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]


# ----------------------------------------------------------------------------- métricas
@fragmento("metrics=[keras.metrics.SparseCategoricalAccuracy()]: su nombre en el historial")
def metrica_sparse_objeto(keras):
    model = _clasificador(keras)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model.fit(X, Y_CLASE, epochs=1, batch_size=8, shuffle=False, verbose=0).history


@fragmento("metrics=['sparse_categorical_accuracy'] por nombre")
def metrica_sparse_nombre(keras):
    model = _clasificador(keras)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
    return model.evaluate(X, Y_CLASE, return_dict=True, verbose=0)


@fragmento("Precision y Recall con nombre propio")
def metrica_precision_recall(keras):
    model = _clasificador(keras, salida="sigmoid", unidades=1)
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=[keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall")])
    return model.evaluate(X, Y_BIN, return_dict=True, verbose=0)


@fragmento("keras.metrics.AUC() en evaluate", rtol=2e-3, atol=2e-3)
def metrica_auc(keras):
    model = _clasificador(keras, salida="sigmoid", unidades=1)
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[keras.metrics.AUC()])
    return model.evaluate(X, Y_BIN, return_dict=True, verbose=0)


@fragmento("metrics=['mae', 'mse'] en regresión")
def metricas_regresion(keras):
    model = _regresor(keras)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
    return model.evaluate(X, Y_REG, return_dict=True, verbose=0)


@fragmento("una métrica usada sola: update_state, result y reset_state")
def metrica_estado(keras):
    m = keras.metrics.SparseCategoricalAccuracy()
    m.update_state(np.array([0, 1, 2]), np.array([[0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]))
    primero = float(keras.ops.convert_to_numpy(m.result()))
    m.update_state(np.array([1]), np.array([[0.1, 0.8, 0.1]]))
    segundo = float(keras.ops.convert_to_numpy(m.result()))
    m.reset_state()
    return {"primero": primero, "segundo": segundo, "reiniciada": float(keras.ops.convert_to_numpy(m.result()))}


@fragmento("keras.metrics.BinaryAccuracy(threshold=0.3)")
def metrica_binaria_umbral(keras):
    m = keras.metrics.BinaryAccuracy(threshold=0.3)
    m.update_state(np.array([[1.0], [0.0], [1.0]]), np.array([[0.4], [0.35], [0.1]]))
    return float(keras.ops.convert_to_numpy(m.result()))


@fragmento("metrics=['accuracy'] con salida sigmoide: exactitud binaria")
def accuracy_binaria(keras):
    model = _clasificador(keras, salida="sigmoid", unidades=1)
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model.evaluate(X, Y_BIN, return_dict=True, verbose=0)


# ----------------------------------------------------------------------------- varias salidas
def _dos_salidas(keras):
    layers = keras.layers
    entrada = keras.Input(shape=(4,), name="entrada")
    h = layers.Dense(5, activation="relu")(entrada)
    numero = layers.Dense(1, name="numero")(h)
    clase = layers.Dense(3, activation="softmax", name="clase")(h)
    model = keras.Model(entrada, [numero, clase])
    return pesos_fijos(model, escala=0.5)


@fragmento("dos salidas con loss como lista y loss_weights")
def varias_salidas_lista(keras):
    model = _dos_salidas(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[1.0, 0.5])
    historia = model.fit(X, [Y_REG, Y_CLASE], epochs=2, batch_size=8, shuffle=False, verbose=0)
    return historia.history


@fragmento("dos salidas con loss y metrics como diccionarios por nombre de salida")
def varias_salidas_dict(keras):
    model = _dos_salidas(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05),
                  loss={"numero": "mse", "clase": "sparse_categorical_crossentropy"},
                  loss_weights={"numero": 2.0, "clase": 1.0}, metrics={"clase": ["accuracy"]})
    historia = model.fit(X, {"numero": Y_REG, "clase": Y_CLASE}, epochs=2, batch_size=8, shuffle=False, verbose=0)
    return historia.history


@fragmento("evaluate con dos salidas devuelve la pérdida total y la de cada salida")
def varias_salidas_evaluate(keras):
    model = _dos_salidas(keras)
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    return model.evaluate(X, [Y_REG, Y_CLASE], return_dict=True, verbose=0)


@fragmento("fit con dos entradas en una lista")
def dos_entradas_fit(keras):
    layers = keras.layers
    a, b = keras.Input(shape=(2,)), keras.Input(shape=(2,))
    model = keras.Model([a, b], layers.Dense(1)(layers.concatenate([a, b])))
    pesos_fijos(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model.fit([X[:, :2], X[:, 2:]], Y_REG, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]


@fragmento("fit con entradas en un diccionario {nombre: array}")
def entradas_dict_fit(keras):
    layers = keras.layers
    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(2,), name="b")
    model = keras.Model({"a": a, "b": b}, layers.Dense(1)(layers.concatenate([a, b])))
    pesos_fijos(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model.fit({"a": X[:, :2], "b": X[:, 2:]}, Y_REG, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]


# ----------------------------------------------------------------------------- compile
@fragmento("compile sin argumentos de optimizador: 'rmsprop' por defecto")
def compile_por_defecto(keras):
    model = _regresor(keras)
    model.compile(loss="mse")
    return {"optimizador": type(model.optimizer).__name__,
            "loss": model.fit(X, Y_REG, epochs=1, batch_size=8, shuffle=False, verbose=0).history["loss"]}


@fragmento("compile con metrics como cadena suelta en una lista de varias")
def compile_varias_metricas(keras):
    model = _clasificador(keras)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy", "categorical_accuracy"])
    y = keras.utils.to_categorical(Y_CLASE, 3)
    return model.evaluate(X, y, return_dict=True, verbose=0)


@fragmento("volver a compilar conserva los pesos")
def recompilar(keras):
    model = _regresor(keras)
    model.compile(optimizer="sgd", loss="mse")
    antes = model.predict(X, verbose=0)
    model.compile(optimizer="adam", loss="mae")
    return bool(np.allclose(antes, model.predict(X, verbose=0)))


# ----------------------------------------------------------------------------- más pérdidas y métricas
@fragmento("keras.losses.KLDivergence, Poisson y LogCosh")
def perdidas_otras(keras):
    l = keras.losses
    y = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    p = np.array([[0.3, 0.3, 0.4], [0.5, 0.25, 0.25]])
    return {"kld": _perdida(keras, l.KLDivergence(), y, p), "poisson": _perdida(keras, l.Poisson(), y, p),
            "logcosh": _perdida(keras, l.LogCosh(), y, p)}


@fragmento("MeanAbsolutePercentageError y MeanSquaredLogarithmicError")
def perdidas_porcentuales(keras):
    l = keras.losses
    y, p = np.abs(datos((5, 2), semilla=1)) + 0.5, np.abs(datos((5, 2), semilla=2)) + 0.5
    return {"mape": _perdida(keras, l.MeanAbsolutePercentageError(), y, p),
            "msle": _perdida(keras, l.MeanSquaredLogarithmicError(), y, p)}


@fragmento("metrics=['top_k_categorical_accuracy'] y RootMeanSquaredError")
def metricas_otras(keras):
    model = _clasificador(keras)
    model.compile(optimizer="sgd", loss="categorical_crossentropy",
                  metrics=[keras.metrics.TopKCategoricalAccuracy(k=2), "categorical_accuracy"])
    y = keras.utils.to_categorical(Y_CLASE, 3)
    a = model.evaluate(X, y, return_dict=True, verbose=0)
    regresion = _regresor(keras)
    regresion.compile(optimizer="sgd", loss="mse", metrics=[keras.metrics.RootMeanSquaredError()])
    return {"clasificacion": a, "regresion": regresion.evaluate(X, Y_REG, return_dict=True, verbose=0)}


@fragmento("TruePositives, FalsePositives, TrueNegatives y FalseNegatives")
def metricas_de_recuento(keras):
    m = keras.metrics
    y, p = np.array([1, 0, 1, 1, 0, 0]), np.array([0.9, 0.6, 0.2, 0.7, 0.1, 0.4])
    resultado = {}
    for clase in (m.TruePositives, m.FalsePositives, m.TrueNegatives, m.FalseNegatives):
        metrica = clase()
        metrica.update_state(y, p)
        resultado[clase.__name__] = float(keras.ops.convert_to_numpy(metrica.result()))
    return resultado


@fragmento("una subclase de keras.losses.Loss con call (la CustomMSE de la guía)")
def perdida_subclase(keras):
    ops = keras.ops

    class ECMRegularizado(keras.losses.Loss):
        def __init__(self, factor=0.1, name="ecm_regularizado"):
            super().__init__(name=name)
            self.factor = factor

        def call(self, y_true, y_pred):
            ecm = ops.mean(ops.square(y_true - y_pred), axis=-1)
            return ecm + self.factor * ops.mean(ops.square(0.5 - y_pred), axis=-1)

    model = _regresor(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=ECMRegularizado())
    return model.fit(X, Y_REG, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]


test_fragmento = prueba("entrenamiento")
