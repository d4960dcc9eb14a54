"""Velocidad del motor ``course_lib.nn``: un paso de entrenamiento de una CNN tipo LeNet, un MLP, una LSTM y un bloque Transformer.

Un paso = pasada hacia delante, pérdida (softmax + entropía cruzada), pasada hacia atrás (incluido
el gradiente respecto de la entrada) y actualización SGD de todos los parámetros. Se mide la mediana
de muchas repeticiones en float32, con lotes de 64, y se compara con PyTorch en CPU con el mismo
número de hilos haciendo el mismo trabajo (si PyTorch está instalado; no es una dependencia del curso).

Las medidas se repiten en varias rondas alternando los dos motores y se da la mejor mediana de cada
uno: así una carga pasajera de la máquina no favorece a ninguno. Con la máquina ocupada por otros
procesos, las bibliotecas multihilo (OpenBLAS, OpenMP) se degradan mucho; ``--hilos 1`` da una
comparación más estable.

Casos: LeNet y MLP con lotes de 64; LSTM (lote 64, 50 pasos, 16 características, 64 unidades, más una
Dense de 10 salidas); bloque codificador Transformer (lote 32, 64 posiciones, tamaño 64, 4 cabezas,
red densa de 128, post-normalización como ``torch.nn.TransformerEncoderLayer``, más media y Dense 10).

Dos casos pasan además por el bucle de entrenamiento completo (``model.train_on_batch``: validación de
los datos, pérdida, ``backward`` por el grafo y el optimizador), no solo por las capas:
``lenet_fit`` (la misma LeNet como ``Sequential``) y ``transformer_seq``, un modelo de lenguaje de
juguete: el bloque Transformer escrito como subclase de ``Layer`` (como en los ejemplos de Keras), con
una Dense de 32 salidas en cada posición y la entropía cruzada con etiquetas enteras sobre (N, T)
(la pérdida de una secuencia, ``from_logits=True``), frente a PyTorch con ``CrossEntropyLoss`` sobre
las N·T posiciones.

Uso:  python benchmarks/engine.py [--repeticiones 100] [--rondas 3] [--hilos 2] [--desglose] [--perfil]
      [--solo cnn,mlp,lstm,transformer,lenet_fit,transformer_seq]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from course_lib.nn import Add, GlobalAveragePooling1D, Input, LayerNormalization, Model, Sequential, config  # noqa: E402
from course_lib.nn.layers import LSTM, Conv2D, Dense, Flatten, Layer, MaxPooling2D, MultiHeadAttention  # noqa: E402
from course_lib.nn.losses import SparseCategoricalCrossentropy  # noqa: E402
from course_lib.nn.optimizers import SGD  # noqa: E402

VOCABULARY = 32

BATCH = 64
LEARNING_RATE = 0.01


def lenet_layers():
    return [
        Conv2D(6, 5, activation="relu"), MaxPooling2D(2),
        Conv2D(16, 5, activation="relu"), MaxPooling2D(2),
        Flatten(),
        Dense(120, activation="relu"), Dense(84, activation="relu"), Dense(10),
    ]


def mlp_layers():
    return [Dense(256, activation="relu"), Dense(128, activation="relu"), Dense(10)]


def lstm_layers():
    return [LSTM(64), Dense(10)]


def transformer_block(positions=64, size=64, heads=4, hidden=128):
    """x → autoatención → suma y LayerNorm → densa (relu) → densa → suma y LayerNorm → media → Dense 10."""
    x = Input(shape=(positions, size))
    h = LayerNormalization(epsilon=1e-5)(Add()([x, MultiHeadAttention(heads, size // heads)(x, x)]))
    h = LayerNormalization(epsilon=1e-5)(Add()([h, Dense(size)(Dense(hidden, activation="relu")(h))]))
    return Model(x, Dense(10)(GlobalAveragePooling1D()(h)))


class TransformerBlock(Layer):
    """El bloque codificador escrito como en los ejemplos de Keras: una subclase de Layer con call()."""

    def __init__(self, size=64, heads=4, hidden=128, **kwargs):
        super().__init__(**kwargs)
        self.attention = MultiHeadAttention(heads, size // heads)
        self.dense1, self.dense2 = Dense(hidden, activation="relu"), Dense(size)
        self.norm1, self.norm2 = LayerNormalization(epsilon=1e-5), LayerNormalization(epsilon=1e-5)

    def call(self, x):
        h = self.norm1(x + self.attention(x, x))
        return self.norm2(h + self.dense2(self.dense1(h)))


def sequence_model(positions=64, size=64):
    """Bloque Transformer (subclase) y una Dense de VOCABULARY logits por posición, con la pérdida por paso."""
    x = Input(shape=(positions, size))
    model = Model(x, Dense(VOCABULARY)(TransformerBlock(size)(x)))
    model.compile(optimizer=SGD(LEARNING_RATE), loss=SparseCategoricalCrossentropy(from_logits=True))
    return model


def lenet_sequential():
    model = Sequential([Input(shape=(28, 28, 1)), *lenet_layers()])
    model.compile(optimizer=SGD(LEARNING_RATE), loss=SparseCategoricalCrossentropy(from_logits=True))
    return model


def softmax_cross_entropy_gradient(logits, labels):
    """∂J/∂logits de la entropía cruzada media con softmax: (softmax(z) − y_one_hot) / N."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = e / e.sum(axis=1, keepdims=True)
    probabilities[np.arange(len(labels)), labels] -= 1.0
    return probabilities / len(labels)


def train_step(layers, x, labels):
    """Un paso con una lista de capas en fila o con un Model (grafo); un Model compilado, con train_on_batch."""
    if isinstance(layers, Model) and layers.compiled:
        return layers.train_on_batch(x, labels)
    if isinstance(layers, Model):
        grad = layers.backward(softmax_cross_entropy_gradient(layers.forward(x, training=True), labels))
        layers = list(layers.flat_layers())
    else:
        out = x
        for layer in layers:
            out = layer.forward(out, training=True)
        grad = softmax_cross_entropy_gradient(out, labels)
        for layer in reversed(layers):
            grad = layer.backward(grad)
    for layer in layers:
        for name, value in layer.params.items():
            value -= LEARNING_RATE * layer.grads[name]
    return grad


def median_ms(step, repetitions, warmup=10):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def print_layer_breakdown(layers, x, labels, repetitions):
    """Mediana por capa de forward y backward: dónde se va el tiempo de un paso."""
    forward_times = {layer.name: [] for layer in layers}
    backward_times = {layer.name: [] for layer in layers}
    for _ in range(repetitions):
        out = x
        for layer in layers:
            start = time.perf_counter()
            out = layer.forward(out, training=True)
            forward_times[layer.name].append(time.perf_counter() - start)
        grad = softmax_cross_entropy_gradient(out, labels)
        for layer in reversed(layers):
            start = time.perf_counter()
            grad = layer.backward(grad)
            backward_times[layer.name].append(time.perf_counter() - start)
    print("    desglose por capa (ms):      hacia delante   hacia atrás")
    for layer in layers:
        forward_ms = 1e3 * statistics.median(forward_times[layer.name])
        backward_ms = 1e3 * statistics.median(backward_times[layer.name])
        print(f"      {layer.name:<22} {forward_ms:12.3f} {backward_ms:13.3f}")


def print_profile(step, repetitions, top=10):
    """Las funciones con más tiempo propio (cProfile) en ``repetitions`` pasos."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repetitions):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("tottime")
    total = sum(v[2] for v in stats.stats.values())
    print(f"    perfil ({repetitions} pasos, tiempo propio de cada función):")
    for (file, line, name), (_, calls, own, _, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]:
        where = f"{os.path.basename(file)}:{line} {name}" if line else name
        print(f"      {100 * own / total:5.1f} %  {calls:7d} llamadas  {where}")


def torch_step(kind, x_nhwc, labels):
    """El mismo paso en PyTorch (NCHW), con requires_grad en la entrada para calcular también ∂J/∂x."""
    import torch

    nn = torch.nn
    if kind in ("cnn", "lenet_fit"):
        model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84),
                              nn.ReLU(), nn.Linear(84, 10))
        x = torch.tensor(x_nhwc.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    elif kind == "lstm":
        class LastState(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm, self.dense = nn.LSTM(16, 64, batch_first=True), nn.Linear(64, 10)

            def forward(self, x):
                return self.dense(self.lstm(x)[0][:, -1])

        model = LastState()
        x = torch.tensor(x_nhwc, requires_grad=True)
    elif kind == "transformer_seq":
        class LanguageModel(nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, dropout=0.0, batch_first=True)
                self.dense = nn.Linear(64, VOCABULARY)

            def forward(self, x):
                return self.dense(self.encoder(x)).reshape(-1, VOCABULARY)

        model = LanguageModel()
        x = torch.tensor(x_nhwc, requires_grad=True)
        labels = labels.reshape(-1)
    elif kind == "transformer":
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, dropout=0.0, batch_first=True)
                self.dense = nn.Linear(64, 10)

            def forward(self, x):
                return self.dense(self.encoder(x).mean(dim=1))

        model = Block()
        x = torch.tensor(x_nhwc, requires_grad=True)
    else:
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        x = torch.tensor(x_nhwc, requires_grad=True)
    y = torch.tensor(labels)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        x.grad = None
        loss_fn(model(x), y).backward()
        optimizer.step()

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeticiones", type=int, default=100)
    parser.add_argument("--rondas", type=int, default=3)
    parser.add_argument("--hilos", type=int, default=2)
    parser.add_argument("--desglose", action="store_true", help="tiempo de cada capa de la CNN")
    parser.add_argument("--perfil", action="store_true", help="funciones que más tiempo gastan (cProfile)")
    parser.add_argument("--solo", default="cnn,mlp,lstm,transformer,lenet_fit,transformer_seq",
                        help="casos separados por comas")
    args = parser.parse_args()
    config.set_floatx("float32")
    config.set_seed(0)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, size=BATCH)
    images = rng.random((BATCH, 28, 28, 1), dtype=np.float32)
    vectors = images.reshape(BATCH, -1)
    sequences = rng.standard_normal((BATCH, 50, 16)).astype(np.float32)
    tokens = rng.standard_normal((32, 64, 64)).astype(np.float32)
    next_symbols = rng.integers(0, VOCABULARY, size=(32, 64))
    cases = {
        "cnn": ("CNN tipo LeNet (28×28×1: conv 5×5×6, pool 2, conv 5×5×16, pool 2, 120, 84, 10)",
                lenet_layers(), images, labels),
        "mlp": ("MLP 784-256-128-10", mlp_layers(), vectors, labels),
        "lstm": ("LSTM (lote 64, 50 pasos, 16 características, 64 unidades) + Dense 10", lstm_layers(), sequences, labels),
        "transformer": ("Bloque Transformer (lote 32, 64 posiciones, tamaño 64, 4 cabezas, densa 128) + Dense 10",
                        transformer_block(), tokens, labels[:32]),
        "lenet_fit": ("La misma LeNet como Sequential, con train_on_batch (el bucle de entrenamiento completo)",
                      lenet_sequential(), images, labels),
        "transformer_seq": ("Bloque Transformer (subclase de Layer) + Dense 32 por posición, pérdida por paso "
                            "(N, T) con train_on_batch", sequence_model(), tokens, next_symbols),
    }

    try:
        import torch
        torch.set_num_threads(args.hilos)
    except ImportError:
        torch = None

    print(f"Un paso de entrenamiento (lote de {BATCH}, float32, {args.hilos} hilo(s)): mejor mediana de "
          f"{args.rondas} rondas de {args.repeticiones} repeticiones")
    with threadpool_limits(limits=args.hilos):
        for kind in args.solo.split(","):
            title, layers, x, y = cases[kind]
            ours_step = lambda: train_step(layers, x, y)  # noqa: E731
            theirs_step = torch_step(kind, x, y) if torch else None
            ours, theirs = [], []
            for _ in range(args.rondas):
                ours.append(median_ms(ours_step, args.repeticiones))
                if theirs_step:
                    theirs.append(median_ms(theirs_step, args.repeticiones))
            line = f"  {title}\n    course_lib.nn: {min(ours):7.2f} ms"
            if theirs:
                line += f"   PyTorch CPU: {min(theirs):7.2f} ms   cociente: {min(ours) / min(theirs):4.2f}×"
            else:
                line += "   (PyTorch no está instalado: sin comparación)"
            print(line)
            if args.desglose and kind == "cnn":
                print_layer_breakdown(layers, x, y, args.repeticiones)
            if args.perfil:
                print_profile(ours_step, args.repeticiones)

if __name__ == "__main__":
    main()
