"""Demostración: el gradiente a través de la profundidad, con y sin atajos (capítulo 18).

Dos redes convolucionales idénticas salvo por los atajos reciben el mismo lote de 8 dígitos
MNIST reducidos a 7×7: un tallo (convolución 3×3, de 1 a 8 canales, ReLU) y L bloques de dos
convoluciones 3×3 de 8 canales,

    plana:     h_l = ReLU(BN(conv(ReLU(BN(conv(h_{l−1}))))))
    residual:  h_l = ReLU(BN(conv(ReLU(BN(conv(h_{l−1}))))) + h_{l−1})

(sin BN si se desactiva), y al final pooling global promedio, una capa densa de 10 salidas y la
entropía cruzada con las etiquetas de verdad. Con los pesos iniciales (antes de entrenar) se hace
una pasada hacia delante y otra hacia atrás, con la estadística del lote en la normalización (como
en el primer paso de entrenamiento), y se mide en cada bloque:

- ‖∂J/∂h_l‖: el gradiente que llega a la salida del bloque l (el que sigue hacia la entrada);
- ‖∂J/∂W_l‖: el gradiente de los pesos de la primera convolución del bloque (lo que aprende);
- la desviación típica de h_l: la señal hacia delante.

Hacia atrás, el atajo suma: ∂J/∂h_{l−1} = (lo que vuelve por la rama) + ∂J/∂(suma del bloque).
Con una inicialización que encoge la señal (Glorot con ReLU: cada capa multiplica la varianza por
≈ 1/2; la normal pequeña, por ≈ 0,004), la red plana sin normalización pierde el gradiente
exponencialmente con la profundidad; la residual lo conserva por el camino de la identidad.

La convolución está escrita aquí con NumPy (im2col con ``sliding_window_view``, en float64) para
que cada actualización tarde unos milisegundos; las pruebas comparan sus gradientes con los de las
capas del motor (``Conv2D``, ``BatchNormalization``).
"""

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import nn
from ..data import load_mnist
from .base import ROOM_MODE, Demo, decimal_comma_ticks, font, slider_style
from .rastertext import RasterText
from .rnn_gradient import scientific

#: (etiqueta, nombre): las inicializaciones de los pesos de las convoluciones de los bloques.
INITIALIZATION_CHOICES = [
    ("He (normal)", "he"),
    ("Glorot (uniforme; la de Keras)", "glorot"),
    ("normal pequeña (σ = 0,01)", "small"),
]
INITIALIZATION_LABELS = {name: label for label, name in INITIALIZATION_CHOICES}
MEASURE_CHOICES = [("‖∂J/∂hₗ‖ (lo que sigue hacia la entrada)", "activations"),
                   ("‖∂J/∂Wₗ‖ (lo que aprende el bloque)", "weights")]
MAX_BLOCKS = 30
WIDTH = 8
BATCH = 8
EPSILON = 1e-3  # el de BatchNormalization de Keras y del motor
GRADIENT_LIMITS = (1e-14, 1e8)
STD_LIMITS = (1e-14, 1e8)
PLAIN, RESIDUAL = "#D55E00", "#0072B2"  # bermellón y azul de Okabe e Ito


def initializer(name, seed):
    """El inicializador del motor para ``name`` ("he", "glorot" o "small"), con semilla."""
    if name == "he":
        return nn.initializers.HeNormal(seed=seed)
    if name == "glorot":
        return nn.initializers.GlorotUniform(seed=seed)
    if name == "small":
        return nn.initializers.RandomNormal(stddev=0.01, seed=seed)
    raise ValueError(f"Inicialización desconocida: {name!r}; se esperaba una de {[n for _, n in INITIALIZATION_CHOICES]}.")


@lru_cache(maxsize=1)
def digit_batch(n=BATCH, seed=0):
    """``n`` dígitos MNIST reducidos a 7×7 (media de bloques 4×4), (n, 7, 7, 1) en float64, y sus etiquetas."""
    images, labels = load_mnist()
    chosen = np.random.default_rng(seed).choice(len(images), n, replace=False)
    small = images[chosen].reshape(n, 7, 4, 7, 4, 1).mean(axis=(2, 4))
    return small.astype(np.float64), labels[chosen]


def conv3x3(x, W):
    """Convolución 3×3 con relleno "same" y paso 1. x: (N, H, A, C), W: (3, 3, C, F) → (N, H, A, F).

    im2col: ``sliding_window_view`` da, sin copiar, las ventanas (N, H, A, C, 3, 3) de la entrada
    rellena; copiadas como (N·H·A, C·3·3) basta un producto de matrices por W ordenada igual, (C·3·3, F).
    """
    n, h, w, c = x.shape
    windows = sliding_window_view(np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))), (3, 3), axis=(1, 2))
    columns = windows.reshape(n * h * w, c * 9)
    return (columns @ W.transpose(2, 0, 1, 3).reshape(c * 9, -1)).reshape(n, h, w, -1), columns


def conv3x3_backward(g, columns, W, x_shape):
    """Paso hacia atrás de :func:`conv3x3`: (∂J/∂x, ∂J/∂W) a partir de g = ∂J/∂salida."""
    n, h, w, c = x_shape
    g2 = g.reshape(n * h * w, -1)
    grad_W = (columns.T @ g2).reshape(c, 3, 3, -1).transpose(1, 2, 0, 3)
    grad_columns = (g2 @ W.transpose(2, 0, 1, 3).reshape(c * 9, -1).T).reshape(n, h, w, c, 3, 3)
    grad_padded = np.zeros((n, h + 2, w + 2, c))
    for u in range(3):          # col2im: cada ventana devuelve su gradiente a los píxeles que leyó
        for v in range(3):
            grad_padded[:, u:u + h, v:v + w, :] += grad_columns[..., u, v]
    return grad_padded[:, 1:-1, 1:-1, :], grad_W


def batchnorm(x):
    """Normalización por lotes en entrenamiento con γ = 1 y β = 0 (sus valores iniciales)."""
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    inv_std = 1.0 / np.sqrt(var + EPSILON)
    x_hat = (x - mean) * inv_std
    return x_hat, (x_hat, inv_std)


def batchnorm_backward(g, cache):
    """∂J/∂x = (1/σ)·(g − media(g) − x̂·media(g·x̂)), con las medias sobre el lote y los píxeles."""
    x_hat, inv_std = cache
    axes = (0, 1, 2)
    return inv_std * (g - g.mean(axis=axes) - x_hat * (g * x_hat).mean(axis=axes))


@lru_cache(maxsize=8)
def _all_block_weights(initialization, seed, width=WIDTH):
    stem = nn.initializers.HeNormal(seed=seed)((3, 3, 1, width)).astype(np.float64)
    blocks = tuple(tuple(initializer(initialization, seed + 1000 * (l + 1) + j)((3, 3, width, width)).astype(np.float64)
                         for j in range(2)) for l in range(MAX_BLOCKS))
    dense = nn.initializers.GlorotUniform(seed=seed + 7)((width, 10)).astype(np.float64)
    return stem, blocks, dense


def block_weights(depth, initialization, seed=0):
    """Los pesos iniciales: el tallo (3, 3, 1, 8), los de los bloques [(W1, W2), …] y la capa densa (8, 10).

    Los del bloque l no dependen de la profundidad total: con 10 bloques, los 10 primeros son los
    mismos que con 30. Las dos redes (plana y residual) usan los mismos pesos.
    """
    if depth > MAX_BLOCKS:
        raise ValueError(f"Como mucho {MAX_BLOCKS} bloques; se recibió {depth}.")
    stem, blocks, dense = _all_block_weights(initialization, seed)
    return stem, blocks[:depth], dense


def gradient_flow_norms(depth, initialization="he", batchnorm_on=True, residual=True, seed=0, images=None, labels=None,
                        weights=None):
    """Una pasada hacia delante y otra hacia atrás de la red de ``depth`` bloques con sus pesos iniciales.

    Devuelve un diccionario con arrays de longitud ``depth`` (índice 0 = el bloque junto a la entrada):
    ``"activations"`` = ‖∂J/∂h_l‖, ``"weights"`` = ‖∂J/∂W_l‖ (primera convolución del bloque l),
    ``"std"`` = desviación típica de h_l, y ``"loss"`` (la entropía cruzada del lote). ``weights``, si se
    da, sustituye a los pesos iniciales: ``(tallo, [(W1, W2), …], densa)``, como :func:`block_weights`.
    """
    if not 1 <= depth <= MAX_BLOCKS:
        raise ValueError(f"La profundidad debe estar entre 1 y {MAX_BLOCKS} bloques; se recibió {depth}.")
    if images is None:
        images, labels = digit_batch()
    stem, blocks, dense = block_weights(depth, initialization, seed) if weights is None else weights
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        # Hacia delante, guardando lo que necesita el paso hacia atrás.
        z, stem_columns = conv3x3(images, stem)
        h = np.maximum(z, 0.0)
        caches, stds = [], []
        for W1, W2 in blocks:
            z1, cols1 = conv3x3(h, W1)
            bn1 = None
            if batchnorm_on:
                z1, bn1 = batchnorm(z1)
            a1 = np.maximum(z1, 0.0)
            z2, cols2 = conv3x3(a1, W2)
            bn2 = None
            if batchnorm_on:
                z2, bn2 = batchnorm(z2)
            s = z2 + h if residual else z2              # el atajo: y = F(x) + x
            caches.append((h.shape, cols1, bn1, z1 > 0, cols2, bn2, s > 0))
            h = np.maximum(s, 0.0)
            stds.append(h.std())
        pooled = h.mean(axis=(1, 2))                    # pooling global promedio: (N, canales)
        logits = pooled @ dense
        logits = logits - logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        n = len(images)
        loss = float(-np.mean(np.log(probabilities[np.arange(n), labels] + 1e-300)))
        # Hacia atrás: softmax + entropía cruzada, densa, pooling global y los bloques al revés.
        g_logits = probabilities.copy()
        g_logits[np.arange(n), labels] -= 1.0
        g_logits /= n
        g = np.broadcast_to((g_logits @ dense.T)[:, None, None, :] / (h.shape[1] * h.shape[2]), h.shape)
        activation_norms, weight_norms = np.empty(depth), np.empty(depth)
        for l in range(depth - 1, -1, -1):
            W1, W2 = blocks[l]
            shape, cols1, bn1, active1, cols2, bn2, active_out = caches[l]
            activation_norms[l] = np.linalg.norm(g)       # ‖∂J/∂h_l‖
            g_sum = g * active_out                          # a través de la ReLU final
            g_branch = bn_backward_or_same(g_sum, bn2)
            g_a1, _ = conv3x3_backward(g_branch, cols2, W2, shape)
            g_z1 = bn_backward_or_same(g_a1 * active1, bn1)
            g_in, grad_W1 = conv3x3_backward(g_z1, cols1, W1, shape)
            weight_norms[l] = np.linalg.norm(grad_W1)
            g = g_in + g_sum if residual else g_in          # el atajo suma su gradiente
    return {"activations": activation_norms, "weights": weight_norms, "std": np.array(stds), "loss": loss}


def bn_backward_or_same(g, cache):
    return g if cache is None else batchnorm_backward(g, cache)


def ratio_text(values):
    """«×…»: cuánto vale la medida en el bloque 1 respecto del último."""
    first, last = float(values[0]), float(values[-1])
    if not np.isfinite(first) or not np.isfinite(last):
        return "desborda"
    if last == 0:
        return "el último bloque no recibe nada"
    return f"× {scientific(first / last)}"


class GradientFlowDemo(Demo):
    title = "El gradiente a través de la profundidad, con y sin atajos"
    figsize = (12, 4.9)
    room_height_px = 420

    def __init__(self, depth=10, initialization="glorot", batchnorm=False, measure="activations"):
        style = slider_style()
        controls = {
            "depth": widgets.IntSlider(value=depth, min=2, max=MAX_BLOCKS, step=1,
                                       description="bloques L (profundidad)", continuous_update=True, style=style),
            "initialization": widgets.Dropdown(options=INITIALIZATION_CHOICES, value=initialization,
                                               description="inicialización", style=style),
            "batchnorm": widgets.Checkbox(value=batchnorm, description="normalización por lotes (BN)",
                                          indent=False, style=style),
            "measure": widgets.Dropdown(options=MEASURE_CHOICES, value=measure, description="se mide",
                                        style=style, layout=widgets.Layout(width="420px")),
        }
        self._cache = {}
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["depth"], c["initialization"]], [c["batchnorm"], c["measure"]]]

    def setup(self, figure):
        # En la sala (letra ≥ 20 px): menos marcas y recuadros más altos, con líneas más cortas.
        room = self.mode == ROOM_MODE
        self.grad_axes, self.std_axes = figure.subplots(1, 2)
        for ax, limits in ((self.grad_axes, GRADIENT_LIMITS), (self.std_axes, STD_LIMITS)):
            ax.set_yscale("log")
            ax.set(xlim=(0.5, MAX_BLOCKS + 0.5), ylim=limits, xlabel="bloque l (1 = junto a la entrada)")
            if room:
                ax.set_yticks([1e-12, 1e-8, 1e-4, 1, 1e4])
        self.grad_axes.set_title("Norma del gradiente en cada bloque")
        self.std_axes.set(title="La señal hacia delante", ylabel="desviación típica de $h_l$")
        self.grad_lines, self.std_lines = {}, {}
        for name, color, marker, label in (("plain", PLAIN, "o", "plana"), ("residual", RESIDUAL, "s", "residual")):
            self.grad_lines[name] = self.grad_axes.plot([], [], marker + "-", color=color, ms=5, label=label)[0]
            self.std_lines[name] = self.std_axes.plot([], [], marker + "-", color=color, ms=5, label=label)[0]
        self.grad_axes.legend(loc="lower right", fontsize=font(12))
        self.std_axes.legend(loc="lower right", fontsize=font(12))
        box = (1.0, 1.0, 1.0, 0.85)
        self.grad_text = RasterText(self.grad_axes, [0.02, 0.7, 0.96, 0.29] if room else [0.02, 0.78, 0.96, 0.2],
                                    fontsize=13, ha="left", background=box)
        self.std_text = RasterText(self.std_axes, [0.02, 0.8, 0.96, 0.19] if room else [0.02, 0.85, 0.96, 0.13],
                                   fontsize=13, ha="left", background=box)
        self._measure = None
        decimal_comma_ticks(self.grad_axes, self.std_axes)
        self.animate(*self.grad_lines.values(), *self.std_lines.values(), self.grad_text.artist, self.std_text.artist)

    def background_key(self):
        return self._measure

    def _set_measure(self, measure):
        if measure != self._measure:
            self._measure = measure
            self.grad_axes.set_ylabel(r"$\Vert\partial J/\partial h_l\Vert$" if measure == "activations"
                                      else r"$\Vert\partial J/\partial W_l\Vert$")
            self.redraw_all()

    def results(self, depth, initialization, batchnorm_on):
        """Las dos redes (plana y residual) para esos valores, calculadas una vez y guardadas."""
        key = (depth, initialization, batchnorm_on)
        if key not in self._cache:
            self._cache[key] = {name: gradient_flow_norms(depth, initialization, batchnorm_on, residual=name == "residual")
                                for name in ("plain", "residual")}
        return self._cache[key]

    def update(self):
        v = self.values()
        depth, measure = int(v["depth"]), v["measure"]
        self._set_measure(measure)
        runs = self.results(depth, v["initialization"], bool(v["batchnorm"]))
        blocks = np.arange(1, depth + 1)
        low, high = GRADIENT_LIMITS
        for name, run in runs.items():
            values = np.nan_to_num(run[measure], nan=high * 10, posinf=high * 10)
            self.grad_lines[name].set_data(blocks, np.clip(values, low / 10, high * 10))
            stds = np.nan_to_num(run["std"], nan=high * 10, posinf=high * 10)
            self.std_lines[name].set_data(blocks, np.clip(stds, STD_LIMITS[0] / 10, STD_LIMITS[1] * 10))
        plain, residual = runs["plain"][measure], runs["residual"][measure]
        self.result = {name: run[measure] for name, run in runs.items()}
        hidden = [label for label, values in (("plana", plain), ("residual", residual))
                  if np.any((values < low) | (values > high) | ~np.isfinite(values))]
        plain_std, residual_std = (scientific(float(runs[name]["std"][-1])) for name in ("plain", "residual"))
        if self.mode == ROOM_MODE:  # a 20 px, unos 34 caracteres por línea
            both = f"plana {ratio_text(plain)} · residual {ratio_text(residual)}"
            both = both if len(both) <= 34 else both.replace(" · ", "\n")
            note = f"\n({' y '.join(hidden)}: fuera de escala)" if hidden else ""
            self.grad_text.set_text(f"bloque 1 frente al {depth}:\n{both}{note}")
            self.std_text.set_text(f"en el bloque {depth}:\nplana {plain_std} · residual {residual_std}")
            return
        note = f"\n({' y '.join(hidden)}: hay valores fuera de la escala)" if hidden else ""
        self.grad_text.set_text(f"bloque 1 frente al bloque {depth}:\nplana {ratio_text(plain)}   ·   "
                                f"residual {ratio_text(residual)}{note}")
        self.std_text.set_text(f"bloque {depth}: plana {plain_std}   ·   residual {residual_std}")

    def caption(self):
        v = self.values()
        depth = int(v["depth"])
        plain, residual = self.result["plain"], self.result["residual"]
        what = "el gradiente que llega" if v["measure"] == "activations" else "el gradiente de los pesos"
        return (f"{depth} bloques, {INITIALIZATION_LABELS[v['initialization']]}, "
                f"{'con' if v['batchnorm'] else 'sin'} BN: {what} al bloque 1 es {ratio_text(plain)} el del último "
                f"en la red plana y {ratio_text(residual)} en la residual.")


def gradient_flow(**initial_values):
    """Demostración del flujo del gradiente (controles depth, initialization, batchnorm, measure)."""
    return GradientFlowDemo(**initial_values)
