"""Demostración: un laboratorio al estilo de TensorFlow Playground, hecho con ``course_lib.nn``.

Se elige un conjunto de datos en 2-D, las características de entrada (X1, X2, X1², X2², X1·X2,
sin X1, sin X2), la arquitectura (0 a 6 capas ocultas de 1 a 8 neuronas), la activación, la tasa
de aprendizaje η, la regularización y el tamaño del lote, y se entrena con el motor del curso:
``Sequential``, ``Dense``, la pérdida y el optimizador ``SGD``, paso a paso. El mapa de calor
muestra la salida de la red sobre todo el plano, como en Playground, y a su izquierda la red
dibujada (``network_view``): cada neurona como un mapa pequeño de su salida sobre el plano y cada
peso como una línea (grosor |w|, color el signo). «Mapa grande» amplía una neurona oculta.

Como en Playground: cambiar la tasa de aprendizaje conserva la red; cualquier otro cambio la
reinicia con pesos aleatorios nuevos (salvo «mostrar datos de prueba» y «discretizar salida», que
solo cambian el dibujo). Cada fotograma de «Play» (un tic del ``widgets.Play``, que corre en el
navegador) o cada «Paso» entrena hasta el final de la época en curso, con 100 mini-lotes como
mucho, y redibuja: ≈ 30 ms de CPU, de modo que se llega a 10 fotogramas por segundo incluso con
la máquina cargada (``benchmarks/playground_ticks.py``).

- Clasificación (círculo, xor, gaussianas, espiral): salida Dense(1) lineal (logit z) y
  ``BinaryCrossentropy(from_logits=True)``, la forma numéricamente estable; ŷ = σ(z).
- Regresión (plano, gaussiana): salida Dense(1) lineal y ``MeanSquaredError``.

Entradas: los datos viven en [−6, 6]²; para que η tenga el mismo efecto en todas, X1 y X2 se
dividen entre 6 (u = x/6 ∈ [−1, 1]) y X1² = u1², X1·X2 = u1·u2; sin X1 usa x sin escalar (dos
periodos en el rango, como en Playground).

``PlaygroundTrainer`` es la máquina de estados del entrenamiento y no sabe nada de widgets.
"""

import math

import numpy as np
import ipywidgets as widgets
from matplotlib.colors import LinearSegmentedColormap, Normalize

from .. import nn
from ..data import make_classification_2d, make_regression_2d
from ..nn import initializers
from ..nn.validation import unknown_name_error
from .base import ROOM_MODE, Demo, DemoMessage, font, slider_style
from .network_view import MAP_SIDE, NetworkView, scaled_maps
from .rastertext import RasterText

# Listas de valores de TensorFlow Playground
LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]

DATASETS = {
    "círculo": ("clasificación", "círculo"),
    "xor": ("clasificación", "xor"),
    "gaussianas": ("clasificación", "gaussianas"),
    "espiral": ("clasificación", "espiral"),
    "regresión: plano": ("regresión", "plano"),
    "regresión: gaussiana": ("regresión", "gaussiana"),
}

FEATURES = {
    "X1": lambda x: x[:, 0] / 6,
    "X2": lambda x: x[:, 1] / 6,
    "X1²": lambda x: (x[:, 0] / 6) ** 2,
    "X2²": lambda x: (x[:, 1] / 6) ** 2,
    "X1·X2": lambda x: x[:, 0] * x[:, 1] / 36,
    "sin X1": lambda x: np.sin(x[:, 0]),
    "sin X2": lambda x: np.sin(x[:, 1]),
}

ACTIVATIONS = {"ReLU": "relu", "tanh": "tanh", "sigmoide": "sigmoid", "lineal": None}
REGULARIZERS = {"ninguna": None, "L1": nn.L1, "L2": nn.L2}
N_SAMPLES = 400
MAX_STEPS_PER_TICK = 100  # mini-lotes por fotograma como máximo (≈ 0,1 ms cada uno: ≥ 10 fotogramas/s)


def feature_matrix(x, names):
    """Matriz (n, k) de las características ``names`` calculadas a partir de los puntos x (n, 2)."""
    return np.column_stack([FEATURES[name](x) for name in names]).astype(nn.floatx())


def _glorot_uniform(rng):
    """Inicialización de Glorot uniforme (la de Keras) con un generador propio (reproducible)."""
    def glorot_uniform(shape):
        fan_in, fan_out = initializers.compute_fans(shape)
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype(nn.floatx())
    return glorot_uniform


class PlaygroundTrainer:
    """Datos, red y bucle de entrenamiento de un experimento de Playground (sin widgets).

    Cada paso es un mini-lote: ŷ = red(x_B); J = pérdida(y_B, ŷ) + penalización;
    retropropagación con ``model.backward``; θ ← θ − η·∂J/∂θ con ``SGD.step``.
    ``epoch`` cuenta pasadas completas por los datos de entrenamiento.
    """

    def __init__(self, dataset="círculo", noise=0, train_ratio=0.5, batch_size=10, features=("X1", "X2"),
                 hidden=(4, 2), activation="tanh", learning_rate=0.03, regularization="ninguna",
                 regularization_rate=0.0, seed=0, data_seed=0, n_samples=N_SAMPLES):
        choices = (("opción de conjunto de datos", dataset, DATASETS), ("activación", activation, ACTIVATIONS),
                   ("regularización", regularization, REGULARIZERS))
        for kind, value, options in choices:
            if value not in options:
                raise unknown_name_error(kind, value, options)
        if not features:
            raise nn.CourseError("Elige al menos una característica de entrada (por ejemplo X1 y X2).")
        for feature in features:
            if feature not in FEATURES:
                raise unknown_name_error("característica", feature, FEATURES)
        if not 0 < train_ratio < 1:
            raise nn.CourseError(f"La proporción de entrenamiento debe estar entre 0 y 1; se recibió {train_ratio}.")
        self.dataset, self.features, self.hidden = dataset, tuple(features), tuple(hidden)
        self.activation, self.batch_size = activation, int(batch_size)
        self.regularization, self.regularization_rate = regularization, float(regularization_rate)
        self.problem, name = DATASETS[dataset]

        # Datos (la semilla de los datos no cambia al reiniciar la red, como en Playground)
        if self.problem == "clasificación":
            x, y = make_classification_2d(name, n=n_samples, noise=noise, seed=data_seed)
        else:
            x, y = make_regression_2d(name, n=n_samples, noise=noise, seed=data_seed)
        order = np.random.default_rng(data_seed + 1).permutation(len(x))
        n_train = min(max(int(round(train_ratio * len(x))), 1), len(x) - 1)
        self.x_train, self.x_test = x[order[:n_train]], x[order[n_train:]]
        self.y_train, self.y_test = y[order[:n_train]].astype(float), y[order[n_train:]].astype(float)
        self.f_train = feature_matrix(self.x_train, self.features)
        self.f_test = feature_matrix(self.x_test, self.features)

        # Red: capas ocultas Dense(neuronas, activación) y una salida Dense(1) lineal
        rng = np.random.default_rng(seed)
        regularizer = REGULARIZERS[regularization]
        layers = []
        for units in self.hidden:
            layers.append(nn.Dense(units, activation=ACTIVATIONS[activation], kernel_initializer=_glorot_uniform(rng),
                                   kernel_regularizer=regularizer(self.regularization_rate) if regularizer else None))
        layers.append(nn.Dense(1, kernel_initializer=_glorot_uniform(rng),
                               kernel_regularizer=regularizer(self.regularization_rate) if regularizer else None))
        self.model = nn.Sequential(layers)
        self.model.build((len(self.features),))
        self.loss = (nn.BinaryCrossentropy(from_logits=True) if self.problem == "clasificación"
                     else nn.MeanSquaredError())
        self.optimizer = nn.SGD(learning_rate=learning_rate)
        self.t_train = self.loss.prepare_targets(self.y_train, (len(self.y_train), 1))
        self.t_test = self.loss.prepare_targets(self.y_test, (len(self.y_test), 1))

        self._rng = np.random.default_rng(seed + 10_000)
        self._order = self._rng.permutation(len(self.f_train))
        self._cursor = 0
        self.epoch = 0
        self.steps = 0
        self.diverged = False
        self.history = {"epoch": [], "loss": [], "val_loss": []}
        self._record()

    # --- estado ----------------------------------------------------------------------------------
    @property
    def progress(self):
        """Épocas transcurridas, con fracción (p. ej. 3,5 = a mitad de la cuarta pasada)."""
        return self.epoch + self._cursor / len(self.f_train)

    def set_learning_rate(self, learning_rate):
        """Cambia η sin tocar la red (como en Playground)."""
        self.optimizer.learning_rate = float(learning_rate)

    def weights(self):
        """Copia de todos los parámetros, en orden (para comparar redes)."""
        return [p.copy() for layer in self.model.layers for p in layer.params.values()]

    def count_params(self):
        return int(sum(p.size for layer in self.model.layers for p in layer.params.values()))

    def architecture(self):
        return " → ".join(str(n) for n in (len(self.features),) + self.hidden + (1,))

    # --- cálculo ---------------------------------------------------------------------------------
    def _output(self, f):
        with np.errstate(all="ignore"):
            return self.model.forward(f, training=False)

    def predict(self, x):
        """ŷ en los puntos x (n, 2): probabilidad de la clase 1 (clasificación) o valor (regresión)."""
        z = self._output(feature_matrix(x, self.features))[:, 0].astype(float)
        if self.problem == "clasificación":
            with np.errstate(all="ignore"):
                return 1.0 / (1.0 + np.exp(-z))
        return z

    def layer_outputs(self, x):
        """Salida de cada capa (tras su activación) en los puntos x (n, 2); la última es la de la red."""
        a = feature_matrix(x, self.features)
        outputs = []
        with np.errstate(all="ignore"):
            for layer in self.model.layers:
                a = layer.forward(a, training=False)
                outputs.append(np.asarray(a, dtype=float))
        return outputs

    def neuron_maps(self, x, side):
        """Mapas en [−1, 1] de cada neurona sobre la rejilla x (side², 2): entradas, capas ocultas y
        salida (ŷ en clasificación). Las activaciones acotadas conservan su escala; las demás, cada
        neurona la suya (``network_view.scaled_maps``)."""
        bounds = {"tanh": (-1, 1), "sigmoid": (0, 1)}
        columns = [scaled_maps(feature_matrix(x, self.features), (-1, 1))]
        outputs = self.layer_outputs(x)
        for a in outputs[:-1]:
            columns.append(scaled_maps(a, bounds.get(ACTIVATIONS[self.activation])))
        z = outputs[-1]
        if self.problem == "clasificación":
            with np.errstate(all="ignore"):
                columns.append(scaled_maps(1 / (1 + np.exp(-z)), (0, 1)))
        else:
            columns.append(scaled_maps(z, (-1, 1)))
        return [column.T.reshape(-1, side, side) for column in columns]

    def losses(self):
        """(J de entrenamiento, J de prueba), sin la penalización de la regularización."""
        with np.errstate(all="ignore"):
            return (self.loss.value(self.t_train, self._output(self.f_train)),
                    self.loss.value(self.t_test, self._output(self.f_test)))

    def _record(self):
        train, test = self.losses()
        if not (np.isfinite(train) and np.isfinite(test)):
            self.diverged = True
        self.history["epoch"].append(self.progress)
        self.history["loss"].append(train)
        self.history["val_loss"].append(test)

    def train_steps(self, n):
        """Entrena ``n`` mini-lotes (recorre los datos barajados; al acabarlos, nueva época)."""
        if self.diverged:
            return
        with np.errstate(all="ignore"):
            for _ in range(n):
                batch = self._order[self._cursor:self._cursor + self.batch_size]
                y_hat = self.model.forward(self.f_train[batch], training=True)
                self.model.backward(self.loss.grad(self.t_train[batch], y_hat))
                self.optimizer.step(self.model.trainable_layers)
                self.steps += 1
                self._cursor += len(batch)
                if self._cursor >= len(self._order):
                    self.epoch += 1
                    self._cursor = 0
                    self._order = self._rng.permutation(len(self._order))
                if not np.all(np.isfinite(y_hat)):
                    self.diverged = True
                    break
        self._record()

    def tick(self, max_steps=MAX_STEPS_PER_TICK):
        """Un fotograma: hasta el final de la época en curso, con ``max_steps`` mini-lotes como mucho."""
        remaining = math.ceil((len(self._order) - self._cursor) / self.batch_size)
        self.train_steps(max(1, min(remaining, max_steps)))

    def run_epochs(self, epochs):
        """Entrena ``epochs`` épocas completas (para cuadernos y tests)."""
        for _ in range(epochs):
            self.train_steps(math.ceil((len(self._order) - self._cursor) / self.batch_size))
            if self.diverged:
                break


# --- Ejemplos para el profesor ---------------------------------------------------------------

BASE_SETTINGS = dict(dataset="círculo", noise=0, train_ratio=50, batch_size=10, hidden_layers=2, neurons=4,
                     activation="tanh", learning_rate=0.03, regularization="ninguna", regularization_rate=0,
                     features=("X1", "X2"))

PRESETS = {
    "xor con 2 neuronas: falla": (
        dict(dataset="xor", hidden_layers=1, neurons=2, learning_rate=0.1),
        "Con una sola capa de 2 neuronas la frontera no puede formar la cruz del xor: la pérdida se estanca "
        "y parte de los puntos quedan mal clasificados."),
    "xor con X1·X2: lineal basta": (
        dict(dataset="xor", hidden_layers=0, features=("X1·X2",), learning_rate=0.3),
        "Con la característica X1·X2 basta una neurona de salida: la clase es el signo de x1·x2."),
    "círculo con X1² y X2²": (
        dict(dataset="círculo", hidden_layers=0, features=("X1²", "X2²"), learning_rate=0.3),
        "Con X1² y X2² la frontera x1² + x2² = r² es lineal en las entradas: sin capas ocultas."),
    "espiral profunda": (
        dict(dataset="espiral", hidden_layers=4, neurons=8, learning_rate=0.03, batch_size=10,
             features=("X1", "X2", "sin X1", "sin X2")),
        "La espiral necesita una red profunda (4 capas de 8) o buenas características; tarda cientos de épocas."),
    "tasa de aprendizaje demasiado alta": (
        dict(dataset="gaussianas", hidden_layers=2, neurons=4, learning_rate=10, activation="tanh"),
        "Con η = 10 cada paso se pasa del mínimo: la pérdida salta de un valor alto a otro sin bajar y las tanh "
        "se saturan. Bajar η ya no basta (la red saturada se queda en la pérdida del azar, 0,693): pulsa "
        "«Reiniciar» con η = 0,03 y converge en unas 20 épocas."),
    "ruido y sobreajuste": (
        dict(dataset="círculo", noise=50, train_ratio=10, hidden_layers=6, neurons=8, learning_rate=0.1,
             features=("X1", "X2", "X1²", "X2²", "X1·X2", "sin X1", "sin X2")),
        "Pocos datos con ruido y una red grande: la pérdida de prueba se separa de la de entrenamiento. "
        "Prueba con L2."),
}
NO_PRESET = "(elige un ejemplo)"

# Colores de Playground: naranja para la clase 0 (o valores negativos), azul para la clase 1
PLAYGROUND_CMAP = LinearSegmentedColormap.from_list("playground", ["#f59322", "#e8eaeb", "#0877bd"])
BACKGROUND_CMAP = LinearSegmentedColormap.from_list("playground_light", ["#f8c489", "#f3f4f4", "#83b8dd"])
GRID_SIDE = 60
LOSS_TOP = 1.18  # alto del eje de la pérdida normalizada (1 = pérdida máxima de la historia)
DISPLAY_ONLY = ("show_test", "discretize", "neuron")
OUTPUT_CHOICE = ("la salida de la red", "salida")
FEATURE_CONTROLS = {"x1": "X1", "x2": "X2", "x1_sq": "X1²", "x2_sq": "X2²", "x1x2": "X1·X2",
                    "sin_x1": "sin X1", "sin_x2": "sin X2"}


def _fmt(value, digits=3):
    return f"{value:.{digits}f}".replace(".", ",") if np.isfinite(value) else "∞"


class PlaygroundDemo(Demo):
    """Controles de Playground, mapa de calor de la salida y curva de pérdida."""

    title = "Laboratorio de redes neuronales (al estilo de TensorFlow Playground)"
    figsize = (13, 4.8)
    room_height_px = 280  # en la sala van encima seis filas de controles (en 1024×768, diez: caben justas)

    def __init__(self, preset=NO_PRESET, dataset="círculo", noise=0, train_ratio=50, batch_size=10,
                 features=("X1", "X2"), hidden_layers=2, neurons=4, activation="tanh", learning_rate=0.03,
                 regularization="ninguna", regularization_rate=0, show_test=False, discretize=False):
        style = slider_style()
        narrow = widgets.Layout(width="auto")
        controls = {
            "preset": widgets.Dropdown(options=[NO_PRESET] + list(PRESETS), value=preset,
                                       description="Ejemplo:", style=style),
            "dataset": widgets.Dropdown(options=list(DATASETS), value=dataset, description="Datos:", style=style),
            "noise": widgets.IntSlider(value=noise, min=0, max=50, step=5, description="Ruido (%):", style=style),
            "train_ratio": widgets.IntSlider(value=train_ratio, min=10, max=90, step=10,
                                             description="Entrenamiento (%):", style=style),
            "batch_size": widgets.IntSlider(value=batch_size, min=1, max=30, description="Tamaño del lote B:",
                                            style=style),
        }
        for name, label in FEATURE_CONTROLS.items():
            controls[name] = widgets.Checkbox(value=label in features, description=label, indent=False,
                                              style=style, layout=narrow)
        controls.update({
            "hidden_layers": widgets.IntSlider(value=hidden_layers, min=0, max=6, description="Capas ocultas:",
                                               style=style),
            "neurons": widgets.IntSlider(value=neurons, min=1, max=8, description="Neuronas por capa:", style=style),
            "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation, description="Activación:",
                                           style=style),
            "learning_rate": widgets.SelectionSlider(options=[(f"{v:g}".replace(".", ","), v) for v in LEARNING_RATES],
                                                     value=learning_rate, description="Tasa de aprendizaje η:",
                                                     style=style),
            "regularization": widgets.Dropdown(options=list(REGULARIZERS), value=regularization,
                                               description="Regularización:", style=style),
            "regularization_rate": widgets.SelectionSlider(
                options=[(f"{v:g}".replace(".", ","), v) for v in REGULARIZATION_RATES], value=regularization_rate,
                description="Tasa de regularización λ:", style=style),
            "show_test": widgets.Checkbox(value=show_test, description="mostrar datos de prueba", indent=False,
                                          style=style, layout=narrow),
            "discretize": widgets.Checkbox(value=discretize, description="discretizar salida", indent=False,
                                           style=style, layout=narrow),
            "neuron": widgets.Dropdown(options=[OUTPUT_CHOICE], value="salida", description="Mapa grande:",
                                       style=style),
            "play": widgets.Play(value=0, min=0, max=1_000_000, step=1, interval=100,
                                 description="Entrenar", layout=narrow),
        })
        # Los botones no tienen valor: no van en ``controls`` (que se mueven y leen por su .value)
        self.step_button = widgets.Button(description="Paso", icon="step-forward",
                                          tooltip="Entrena una época (como mucho 100 mini-lotes)")
        self.reset_button = widgets.Button(description="Reiniciar", icon="refresh",
                                           tooltip="Reinicia la red con pesos aleatorios nuevos")
        self.step_button.on_click(self._on_step)
        self.reset_button.on_click(self._on_reset)
        self.trainer = None
        self._seed = 0
        self._changed = "preset" if preset != NO_PRESET else None  # un ejemplo inicial se aplica al crear
        self._applying = False
        self._note = ""
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [
            [c["play"], self.step_button, self.reset_button, c["preset"], c["dataset"]],
            [c["noise"], c["train_ratio"], c["batch_size"]],
            [widgets.HTML("<b>Entradas:</b>&nbsp;")] + [c[name] for name in FEATURE_CONTROLS],
            [c["hidden_layers"], c["neurons"], c["activation"]],
            [c["learning_rate"], c["regularization"], c["regularization_rate"]],
            [c["show_test"], c["discretize"], c["neuron"]],
        ]

    # --- eventos ---------------------------------------------------------------------------------
    def _on_change(self, change):
        if self._applying:
            return
        self._changed = next((name for name, c in self.controls.items() if c is change["owner"]), None)
        super()._on_change(change)

    def _on_step(self, _button=None):
        self._changed = "step"
        self.refresh()

    def _on_reset(self, _button=None):
        self._changed = "reset"
        self.refresh()

    def _apply_preset(self, name):
        settings = dict(BASE_SETTINGS, **PRESETS[name][0])
        self._applying = True
        try:
            for key, value in settings.items():
                if key == "features":
                    for control, label in FEATURE_CONTROLS.items():
                        self.controls[control].value = label in value
                else:
                    self.controls[key].value = value
        finally:
            self._applying = False

    # --- figura ----------------------------------------------------------------------------------
    def setup(self, figure):
        # En la sala (letra de 20 px) los textos son más cortos y cada uno en su sitio: el número de
        # parámetros sobre la red, la pérdida que se mide sobre su gráfico y, en vez de la leyenda, las
        # pérdidas de entrenamiento y de prueba escritas con el color de su curva.
        room = self.mode == ROOM_MODE
        tall = 0.13 if room else 0.1   # alto de los recuadros de los títulos (fracción del alto de los ejes)
        self.ax_net, self.ax_map, self.ax_loss = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.25, 1, 1.1]})
        self.ax_net.set_title(" " if room else "Red: cada neurona sobre el plano", fontsize=font(13))
        self.net_title = RasterText(self.ax_net, [0, 1.01, 1, tall], fontsize=13) if room else None
        self.network = NetworkView(self.ax_net)
        ax = self.ax_map
        self.heat = ax.imshow(np.zeros((GRID_SIDE, GRID_SIDE)), extent=(-6, 6, -6, 6), origin="lower",
                              cmap=BACKGROUND_CMAP, vmin=0, vmax=1, interpolation="bilinear")
        self.train_points = ax.scatter(np.zeros(1), np.zeros(1), s=26, edgecolors="white", linewidths=0.8)
        self.test_points = ax.scatter(np.zeros(1), np.zeros(1), s=26, edgecolors="black", linewidths=1.0)
        ax.set_xlim(-6, 6)
        ax.set_ylim(-6, 6)
        ticks = [-3, 0, 3] if room else [-6, -3, 0, 3, 6]  # en la sala, los dos «−6» se pisarían en la esquina
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.grid(False)
        ax.set_title(" ")  # reserva el sitio del título; los textos que cambian los pinta PIL (RasterText)
        self.heat_title = RasterText(ax, [-0.35, 1.01, 1.7, tall] if room else [-0.1, 1.01, 1.2, 0.1],
                                     fontsize=13 if room else 15)
        grid = np.linspace(-6, 6, GRID_SIDE)
        g1, g2 = np.meshgrid(grid, grid)
        self.grid_points = np.column_stack([g1.ravel(), g2.ravel()])
        small = np.linspace(-6, 6, MAP_SIDE)
        s1, s2 = np.meshgrid(small, small)
        self.small_grid = np.column_stack([s1.ravel(), s2.ravel()])

        ax = self.ax_loss
        self.train_curve, = ax.plot([], [], color="#333333", label="entrenamiento")
        self.test_curve, = ax.plot([], [], color="#0877bd", ls="--", label="prueba")
        ax.set_xlim(0, 1.0)
        ax.set_xticks([])
        ax.set_xlabel("épocas" if room else "épocas (toda la historia)")
        ax.set_ylabel("pérdida J")
        ax.set_ylim(0, LOSS_TOP)  # la curva llega hasta 1; encima quedan la leyenda y el máximo
        ax.set_yticks([])
        ax.axhline(1.0, color="#bbbbbb", lw=1, ls=":")
        self.loss_top = RasterText(ax, [0.01, 1.0 / LOSS_TOP + (0.01 if room else 0), 0.6 if room else 0.4,
                                        0.12 if room else 0.07],
                                   fontsize=12, ha="left", color="#555555")
        if not room:
            ax.legend(loc="upper right", ncol=2, fontsize=font(11), borderaxespad=0.2, handlelength=1.5)
        ax.set_title(" ")
        self.loss_title = RasterText(ax, [-0.05, 1.01, 1.05, tall] if room else [-0.25, 1.01, 1.3, 0.1],
                                     fontsize=13)
        self._loss_kind = None
        ax.text(0.0, -0.02, "0", transform=ax.transAxes, ha="left", va="top", fontsize=font(12))
        self.epoch_span = RasterText(ax, [0.6, -0.14, 0.4, 0.12] if room else [0.7, -0.075, 0.3, 0.06],
                                     fontsize=12, ha="right")
        white = (1, 1, 1, 0.85)
        if room:
            self.info = RasterText(ax, [0.02, 0.16, 0.85, 0.12], fontsize=13, ha="left", color="#333333",
                                   background=white)
            self.info_test = RasterText(ax, [0.02, 0.03, 0.85, 0.12], fontsize=13, ha="left", color="#0877bd",
                                        background=white)
        else:
            self.info = RasterText(ax, [0.02, 0.03, 0.6, 0.14], fontsize=13, ha="left", background=white)
            self.info_test = None
        texts = [t for t in (self.heat_title, self.info, self.info_test, self.loss_title, self.epoch_span,
                             self.loss_top, self.net_title) if t is not None]
        self.animate(*self.network.artists, self.heat, self.train_points, self.test_points, self.train_curve,
                     self.test_curve, *(text.artist for text in texts))

    # --- actualización ---------------------------------------------------------------------------
    def _features(self):
        return tuple(label for name, label in FEATURE_CONTROLS.items() if self.controls[name].value)

    def _rebuild(self):
        v = self.values()
        self._seed += 1
        self.trainer = None
        features = self._features()
        if not features:
            raise DemoMessage("Elige al menos una característica de entrada (por ejemplo X1 y X2).")
        self.trainer = PlaygroundTrainer(
            dataset=v["dataset"], noise=v["noise"] / 100, train_ratio=v["train_ratio"] / 100,
            batch_size=v["batch_size"], features=features, hidden=(v["neurons"],) * v["hidden_layers"],
            activation=v["activation"], learning_rate=v["learning_rate"], regularization=v["regularization"],
            regularization_rate=v["regularization_rate"], seed=self._seed)
        self._neuron_choices()

    def _neuron_choices(self):
        """Las neuronas ocultas de la red actual como opciones de «Mapa grande» (sin reiniciar nada)."""
        options = [OUTPUT_CHOICE] + [(f"capa {layer + 1}, neurona {unit + 1}", f"{layer}:{unit}")
                                     for layer, units in enumerate(self.trainer.hidden) for unit in range(units)]
        control = self.controls["neuron"]
        if list(control.options) != options:
            previous = control.value
            self._applying = True
            try:
                control.options = options
                control.value = previous if previous in dict(options).values() else "salida"
            finally:
                self._applying = False

    def update(self):
        changed, self._changed = self._changed, None
        if changed == "preset":
            preset = self.controls["preset"].value
            self._note = PRESETS[preset][1] if preset in PRESETS else ""
            if preset in PRESETS:
                self._apply_preset(preset)
            self._rebuild()
        elif changed == "learning_rate" and self.trainer is not None:
            self.trainer.set_learning_rate(self.controls["learning_rate"].value)
        elif changed in ("play", "step") and self.trainer is not None:
            self.trainer.tick()
        elif changed in DISPLAY_ONLY and self.trainer is not None:
            pass
        else:  # cualquier otro cambio (o Reiniciar) reinicia la red con pesos nuevos
            if changed not in (None, "reset") and self.controls["preset"].value != NO_PRESET:
                self._applying = True  # el ejemplo ya no describe lo que se ve
                try:
                    self.controls["preset"].value = NO_PRESET
                finally:
                    self._applying = False
                self._note = ""
            self._rebuild()
        self._draw_state()
        if self.trainer.diverged:
            raise DemoMessage("El entrenamiento divergió: la pérdida se hizo infinita o NaN. Baja la tasa de "
                              "aprendizaje η y pulsa «Reiniciar».")

    def _draw_state(self):
        trainer = self.trainer
        classification = trainer.problem == "clasificación"
        discretize = self.controls["discretize"].value
        # La red: un mapa pequeño por neurona y una línea por peso
        selected = self.controls["neuron"].value
        chosen = None if selected == "salida" else tuple(int(k) for k in selected.split(":"))
        self.network.show(trainer.neuron_maps(self.small_grid, MAP_SIDE),
                          [layer.params["W"] for layer in trainer.model.layers],
                          selected=(chosen[0] + 1, chosen[1]) if chosen else (len(trainer.hidden) + 1, 0))
        # Mapa de calor grande: ŷ sobre el plano, o la neurona elegida (ampliada, con su escala)
        output = trainer.predict(self.grid_points).reshape(GRID_SIDE, GRID_SIDE)
        output = np.nan_to_num(output, nan=0.5 if classification else 0.0)
        low, high = (0.0, 1.0) if classification else (-1.0, 1.0)
        if chosen:
            bounds = {"tanh": (-1, 1), "sigmoid": (0, 1)}.get(ACTIVATIONS[trainer.activation])
            activation = trainer.layer_outputs(self.grid_points)[chosen[0]][:, chosen[1]]
            output = scaled_maps(activation[:, None], bounds)[:, 0].reshape(GRID_SIDE, GRID_SIDE)
            low, high = -1.0, 1.0
        if discretize:
            threshold = 0.5 if classification else 0.0
            output = np.where(output > threshold, high, low)
        self.heat.set_data(output)
        self.heat.set_clim(low, high)
        self.heat.set_interpolation("nearest" if discretize else "bilinear")
        # Puntos de entrenamiento y de prueba, coloreados por su etiqueta
        norm = Normalize(low, high, clip=True)
        self.train_points.set_offsets(trainer.x_train)
        self.train_points.set_facecolors(PLAYGROUND_CMAP(norm(trainer.y_train)))
        self.test_points.set_offsets(trainer.x_test)
        self.test_points.set_facecolors(PLAYGROUND_CMAP(norm(trainer.y_test)))
        self.test_points.set_visible(self.controls["show_test"].value)
        # Curvas de pérdida
        history = trainer.history
        epochs = np.array(history["epoch"])
        train, test = np.array(history["loss"]), np.array(history["val_loss"])
        # Como en Playground, la curva ocupa siempre todo el gráfico: x = época / época actual e
        # y = J / J máxima (con su valor escrito arriba). Así los ejes no cambian nunca y no hay que
        # redibujar el fondo (≈ 50 ms) aunque la pérdida crezca o se reinicie la red.
        x_scale = max(epochs[-1], 1e-9)
        finite = np.concatenate([train, test])
        finite = finite[np.isfinite(finite)]
        y_scale = max(float(finite.max()) if finite.size else 1.0, 1e-12)
        self.train_curve.set_data(epochs / x_scale, train / y_scale)
        self.test_curve.set_data(epochs / x_scale, test / y_scale)
        self.epoch_span.set_text(f"{epochs[-1]:.4g}".replace(".", ","))
        self.loss_top.set_text(f"máx. {_fmt(y_scale)}")
        loss_train, loss_test = train[-1], test[-1]
        where = f"capa {chosen[0] + 1}, neurona {chosen[1] + 1}" if chosen else "salida"
        kind = "entropía cruzada binaria" if classification else "error cuadrático medio"
        if self.mode == ROOM_MODE:  # textos cortos, cada uno sobre su gráfico (ver setup)
            self.net_title.set_text(f"Red: {trainer.count_params()} parámetros")
            self.loss_title.set_text(kind)
            self.heat_title.set_text(self.heat_title.first_fitting(f"Época {trainer.epoch} · {where}",
                                                                   f"Época {trainer.epoch}"))
            self.info.set_text(f"entrenamiento: {_fmt(loss_train)}")
            self.info_test.set_text(f"prueba: {_fmt(loss_test)}")
        else:
            self.loss_title.set_text(f"Red {trainer.architecture()}: {trainer.count_params()} parámetros")
            self.heat_title.set_text(f"Época {trainer.epoch} · {where}")
            self.info.set_text(f"entrenamiento: {_fmt(loss_train)}\nprueba: {_fmt(loss_test)}")
            if kind != self._loss_kind:  # solo al pasar de clasificación a regresión o al revés
                self.ax_loss.set_ylabel(f"pérdida J ({kind})")
                self._loss_kind = kind
                self.redraw_all()
        self._state = (trainer.epoch, loss_train, loss_test)

    def caption(self):
        epoch, train, test = self._state
        trainer = self.trainer
        eta = f"{trainer.optimizer.learning_rate:g}".replace(".", ",")
        if self.mode == ROOM_MODE:
            # En la sala la figura ya dice la época, las pérdidas y los parámetros, y la línea de estado (a
            # 20 px) debe caber bajo la figura en 1024×768: la nota del ejemplo, o un resumen corto.
            return self._note or (f"{trainer.steps} pasos de SGD con B = {trainer.batch_size}; red "
                                  f"{trainer.architecture()}, activación {trainer.activation}, η = {eta}.")
        text = (f"Época {epoch} ({trainer.steps} pasos de SGD con B = {trainer.batch_size}): pérdida de "
                f"entrenamiento {_fmt(train)}, de prueba {_fmt(test)}. Red {trainer.architecture()} "
                f"({trainer.count_params()} parámetros, activación {trainer.activation}, η = {eta}).")
        return f"{text} {self._note}" if self._note else text


def playground(**initial_values):
    """Laboratorio al estilo de TensorFlow Playground sobre ``course_lib.nn`` (datos, red, entrenamiento)."""
    return PlaygroundDemo(**initial_values)
