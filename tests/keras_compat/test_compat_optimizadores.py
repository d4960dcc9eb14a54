"""Compatibilidad con Keras: optimizadores (keras.optimizers) y programas de la tasa de aprendizaje
(keras.optimizers.schedules), usables dondequiera que va una tasa de aprendizaje."""

import numpy as np

from arnes import datos, fragmento, pesos_fijos, prueba

X = datos((16, 3), semilla=20)
Y = datos((16, 1), semilla=21)
PASOS = [0, 1, 5, 10, 25, 50, 99, 100, 150]


def _entrenar(keras, optimizer, epochs=3, batch_size=4):
    """Una red pequeña con pesos fijos entrenada sin barajar: la pérdida por época y los pesos finales."""
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    pesos_fijos(model, escala=0.5)
    model.compile(optimizer=optimizer, loss="mse")
    historia = model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    return {"loss": historia.history["loss"], "pesos": model.get_weights()}


def _valores(keras, schedule):
    return [float(keras.ops.convert_to_numpy(schedule(paso))) for paso in PASOS]


# ----------------------------------------------------------------------------- optimizadores
@fragmento("SGD(learning_rate, momentum=0.9)")
def sgd_momento(keras):
    return _entrenar(keras, keras.optimizers.SGD(learning_rate=0.05, momentum=0.9))


@fragmento("SGD(momentum=0.9, nesterov=True)")
def sgd_nesterov(keras):
    return _entrenar(keras, keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True))


@fragmento("RMSprop y Adagrad con sus valores por defecto")
def rmsprop_adagrad(keras):
    return {"rmsprop": _entrenar(keras, keras.optimizers.RMSprop()), "adagrad": _entrenar(keras, keras.optimizers.Adagrad(0.05))}


@fragmento("Adam(learning_rate=1e-3)")
def adam(keras):
    return _entrenar(keras, keras.optimizers.Adam(learning_rate=1e-3))


@fragmento("Adam(amsgrad=True)")
def adam_amsgrad(keras):
    return _entrenar(keras, keras.optimizers.Adam(learning_rate=0.01, amsgrad=True))


@fragmento("AdamW con su weight_decay por defecto (0,004)")
def adamw(keras):
    return _entrenar(keras, keras.optimizers.AdamW(learning_rate=0.01))


@fragmento("AdamW(weight_decay=0.1)")
def adamw_decaimiento(keras):
    return _entrenar(keras, keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.1))


@fragmento("Nadam")
def nadam(keras):
    return _entrenar(keras, keras.optimizers.Nadam(learning_rate=0.01))


@fragmento("optimizadores por nombre: 'adamw' y 'nadam'")
def por_nombre(keras):
    return {"adamw": _entrenar(keras, "adamw")["loss"], "nadam": _entrenar(keras, "nadam")["loss"]}


@fragmento("clipnorm y clipvalue en Adam")
def recortes(keras):
    return {"clipnorm": _entrenar(keras, keras.optimizers.Adam(0.01, clipnorm=0.1))["loss"],
            "clipvalue": _entrenar(keras, keras.optimizers.Adam(0.01, clipvalue=0.05))["loss"]}


@fragmento("SGD(weight_decay=0.01): decaimiento de pesos en cualquier optimizador")
def sgd_weight_decay(keras):
    return _entrenar(keras, keras.optimizers.SGD(0.05, weight_decay=0.01))


@fragmento("optimizer.iterations cuenta los pasos dados")
def iteraciones(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=2, batch_size=5, verbose=0)
    return int(keras.ops.convert_to_numpy(model.optimizer.iterations))


@fragmento("leer y cambiar model.optimizer.learning_rate")
def cambiar_eta(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    antes = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    model.optimizer.learning_rate = 0.01
    return {"antes": antes, "despues": float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))}


@fragmento("optimizer.get_config() con la tasa y los β")
def optimizador_config(keras):
    config = keras.optimizers.Adam(learning_rate=0.002, beta_1=0.8).get_config()
    return {k: config[k] for k in ("learning_rate", "beta_1", "beta_2", "epsilon")}


# ----------------------------------------------------------------------------- programas de la tasa
@fragmento("ExponentialDecay: η₀·r^(t/T)")
def exponential_decay(keras):
    return _valores(keras, keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5))


@fragmento("ExponentialDecay(staircase=True): escalones")
def exponential_decay_escalera(keras):
    return _valores(keras, keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5,
                                                                       staircase=True))


@fragmento("CosineDecay(initial_learning_rate, decay_steps, alpha)")
def cosine_decay(keras):
    return _valores(keras, keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1))


@fragmento("CosineDecay con calentamiento (warmup_target, warmup_steps)")
def cosine_decay_calentamiento(keras):
    return _valores(keras, keras.optimizers.schedules.CosineDecay(0.0, decay_steps=90, warmup_target=0.1,
                                                                  warmup_steps=10))


@fragmento("PiecewiseConstantDecay(boundaries, values)")
def piecewise(keras):
    return _valores(keras, keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[10, 50],
                                                                             values=[0.1, 0.01, 0.001]))


@fragmento("InverseTimeDecay y PolynomialDecay")
def inverse_polynomial(keras):
    s = keras.optimizers.schedules
    return {"inverse": _valores(keras, s.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)),
            "polynomial": _valores(keras, s.PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01, power=2.0))}


@fragmento("CosineDecayRestarts")
def cosine_restarts(keras):
    return _valores(keras, keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=20))


@fragmento("un programa como learning_rate de SGD: el entrenamiento lo sigue paso a paso")
def sgd_con_programa(keras):
    programa = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    return _entrenar(keras, keras.optimizers.SGD(learning_rate=programa))


@fragmento("un programa como learning_rate de Adam")
def adam_con_programa(keras):
    programa = keras.optimizers.schedules.CosineDecay(0.02, decay_steps=12)
    return _entrenar(keras, keras.optimizers.Adam(learning_rate=programa))


@fragmento("un programa como learning_rate de AdamW")
def adamw_con_programa(keras):
    programa = keras.optimizers.schedules.PiecewiseConstantDecay([4, 8], [0.02, 0.01, 0.005])
    return _entrenar(keras, keras.optimizers.AdamW(learning_rate=programa, weight_decay=0.01))


@fragmento("la tasa que da el optimizador con programa después de entrenar")
def eta_tras_programa(keras):
    programa = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(programa), loss="mse")
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


@fragmento("un programa propio: subclase de LearningRateSchedule")
def programa_propio(keras):
    class Calentamiento(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, eta, pasos):
            self.eta = eta
            self.pasos = pasos

        def __call__(self, step):
            step = keras.ops.cast(step, "float32")
            return self.eta * keras.ops.minimum(1.0, (step + 1) / self.pasos)

    return {"valores": _valores(keras, Calentamiento(0.1, 10)),
            "entreno": _entrenar(keras, keras.optimizers.SGD(Calentamiento(0.1, 6)))["loss"]}


test_fragmento = prueba("optimizadores")
