"""Demostración: una neurona con dos entradas clasifica puntos del plano.

La neurona calcula z = w₁·x₁ + w₂·x₂ + b y a = f(z). Se muestra a en todo el plano (mapa de
calor), la frontera de decisión w₁·x₁ + w₂·x₂ + b = 0, el vector w (perpendicular a la frontera)
y cuántos puntos quedan mal clasificados. Con «xor» se ve que ninguna recta separa las clases.

Regla de decisión (la misma para todas las activaciones, porque todas son crecientes): la neurona
predice la clase 1 si a ≥ f(0), es decir, si z ≥ 0. Umbrales: escalón y sigmoide, a ≥ 0,5;
tanh y lineal, a ≥ 0; ReLU, a > 0 (su salida nunca es negativa, así que a ≥ 0 no separaría nada).
"""

import ipywidgets as widgets
import numpy as np

from ..data import make_classification_2d
from ..nn import activations
from .base import Demo, decimal_comma_ticks, decimal_slider, number, slider_style


#: Activaciones que se pueden elegir: etiqueta en español → nombre del motor.
ACTIVATION_CHOICES = [
    ("escalón", "step"), ("sigmoide", "sigmoid"), ("tanh", "tanh"), ("ReLU", "relu"), ("lineal", "linear"),
]
ACTIVATION_LABELS = {name: label for label, name in ACTIVATION_CHOICES}

#: Umbral sobre a para predecir la clase 1 (equivale a z ≥ 0; en ReLU, a > 0 ⇔ z > 0).
THRESHOLDS = {"step": 0.5, "sigmoid": 0.5, "tanh": 0.0, "relu": 0.0, "linear": 0.0}

DATASET_CHOICES = [("dos nubes gaussianas", "gaussianas"), ("XOR", "xor")]
#: Límites del eje a del panel derecho: las activaciones con el mismo rango comparten fondo.
Y_LIMITS = {"step": (-0.15, 1.2), "sigmoid": (-0.15, 1.2), "tanh": (-1.2, 1.3),
            "relu": (-10.5, 12.5), "linear": (-10.5, 12.5)}
LIMIT = 6.0  # el plano que se dibuja: [−6, 6]²
Z_LIMIT = 10.0  # el eje z del panel derecho: [−10, 10]


def neuron_output(X, w, b, activation):
    """Pasada hacia delante de una neurona: z = X·w + b y a = f(z).

    X: (m, 2) puntos; w: (2,) pesos; b: sesgo; activation: nombre del motor ("sigmoid"…).
    Devuelve (z, a), ambos de forma (m,).
    """
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b)
    return z, activations.get(activation)(z)


def predict_class(a, activation):
    """Clase predicha (0 o 1) a partir de la salida a: 1 si a ≥ umbral (ReLU: a > 0)."""
    threshold = THRESHOLDS[activation]
    return (a > threshold if activation == "relu" else a >= threshold).astype(int)


def count_misclassified(X, y, w, b, activation):
    """Número de puntos cuya clase predicha no coincide con la etiqueta y ∈ {0, 1}."""
    _, a = neuron_output(X, w, b, activation)
    return int(np.sum(predict_class(a, activation) != np.asarray(y)))


def color_value(a, activation):
    """Valor de color del mapa de calor en [0, 1], con el umbral siempre en 0,5 (blanco).

    Escalón y sigmoide: a; tanh: (a + 1)/2; ReLU y lineal: 0,5 + a/10 (recortado a [0, 1]).
    """
    if activation in ("step", "sigmoid"):
        return a
    if activation == "tanh":
        return (a + 1) / 2
    return np.clip(0.5 + a / 10, 0, 1)


def decision_line(w, b, limit=LIMIT):
    """Dos puntos de la recta w₁·x₁ + w₂·x₂ + b = 0 que cruzan el cuadrado [−limit, limit]².

    Devuelve ((x1_a, x1_b), (x2_a, x2_b)), o ``None`` si w = (0, 0): entonces z = b en todo
    el plano y no hay frontera.
    """
    w1, w2 = float(w[0]), float(w[1])
    if w1 == 0 and w2 == 0:
        return None
    far = 10 * limit
    if abs(w2) >= abs(w1):  # más horizontal que vertical: x₂ en función de x₁
        x1 = np.array([-far, far])
        return x1, -(w1 * x1 + b) / w2
    x2 = np.array([-far, far])
    return -(w2 * x2 + b) / w1, x2




class NeuronDemo(Demo):
    title = "Una neurona: z = w·x + b, a = f(z)"

    def __init__(self, w1=1.0, w2=-0.5, b=0.0, activation="sigmoid", dataset="gaussianas"):
        style = slider_style()
        controls = {
            "w1": decimal_slider(w1, -3.0, 3.0, 0.05, "peso w₁"),
            "w2": decimal_slider(w2, -3.0, 3.0, 0.05, "peso w₂"),
            "b": decimal_slider(b, -8.0, 8.0, 0.1, "sesgo b"),
            "activation": widgets.Dropdown(options=ACTIVATION_CHOICES, value=activation, description="activación f",
                                           style=style),
            "dataset": widgets.Dropdown(options=DATASET_CHOICES, value=dataset, description="datos", style=style),
        }
        self._data = {name: make_classification_2d(name, n=100, seed=0) for _, name in DATASET_CHOICES}
        self._shown = None  # límites verticales del panel derecho que tiene el fondo
        self._backgrounds = {}  # límites → fondo ya dibujado
        super().__init__(controls)
        # Los tres fondos posibles (uno por escala vertical) se dibujan ya: así el primer cambio de
        # activación en clase es tan rápido como los demás (antes, ≈ 175 ms la primera vez).
        self.precompute_backgrounds(sorted(set(Y_LIMITS.values())), self._show_limits)

    def control_rows(self):
        c = self.controls
        return [[c["w1"], c["w2"], c["b"]], [c["activation"], c["dataset"]]]

    def setup(self, figure):
        self.plane, self.curve_axes = figure.subplots(1, 2, width_ratios=[1.1, 1])
        grid = np.linspace(-LIMIT, LIMIT, 121)
        self._grid = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)

        ax = self.plane
        self.heat = ax.imshow(
            np.zeros((121, 121)), extent=(-LIMIT, LIMIT, -LIMIT, LIMIT), origin="lower",
            cmap="RdBu_r", vmin=0, vmax=1, alpha=0.75, interpolation="bilinear",
        )
        bar = figure.colorbar(self.heat, ax=ax, shrink=0.9, ticks=[0, 0.5, 1])
        bar.ax.set_yticklabels(["a baja", "umbral", "a alta"])
        bar.ax.tick_params(labelsize=11)
        X, y = self._data["gaussianas"]
        self.points = [
            ax.scatter(*X[y == k].T, s=36, c=color, marker=marker, edgecolors="white", linewidths=0.8,
                       label=f"clase {k}", zorder=3)
            for k, color, marker in ((0, "#1f4e9c", "o"), (1, "#c0392b", "s"))
        ]
        self.wrong = ax.scatter([], [], s=170, facecolors="none", edgecolors="black", linewidths=2,
                                label="mal clasificado", zorder=4)
        (self.line,) = ax.plot([], [], color="black", lw=3, label="frontera z = 0", zorder=5)
        self.arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=6,
                                 arrowprops=dict(arrowstyle="-|>", color="black", lw=2.5, mutation_scale=20))
        self.arrow_label = ax.text(0, 0, "w", fontsize=15, fontweight="bold", zorder=6)
        self.no_line = ax.text(0, 0, "", ha="center", va="center", fontsize=13, zorder=7,
                               bbox=dict(boxstyle="round", fc="white", ec="#b00020"))
        ax.set(xlim=(-LIMIT, LIMIT), ylim=(-LIMIT, LIMIT), xlabel="x₁", ylabel="x₂", aspect="equal")
        ax.set_title("a = f(w₁·x₁ + w₂·x₂ + b) en el plano")
        ax.grid(False)

        cx = self.curve_axes
        self.z_grid = np.linspace(-Z_LIMIT, Z_LIMIT, 401)
        (self.f_curve,) = cx.plot([], [], color="0.3", lw=2.5, label="a = f(z)")
        self.threshold_line = cx.axhline(0.5, color="0.4", ls="--", lw=1.5, label="umbral")
        cx.axvline(0, color="0.6", lw=1)
        self.z_points = [
            cx.scatter([], [], s=30, c=color, marker=marker, edgecolors="white", linewidths=0.6, zorder=3)
            for color, marker in (("#1f4e9c", "o"), ("#c0392b", "s"))
        ]
        self.z_wrong = cx.scatter([], [], s=120, facecolors="none", edgecolors="black", linewidths=1.8, zorder=4)
        self.formula = cx.text(
            0.02, 0.97, "", transform=cx.transAxes, va="top", ha="left", fontsize=13, zorder=6,
            bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.9),
        )
        cx.set(xlim=(-Z_LIMIT, Z_LIMIT), xlabel="preactivación z  (|z| > 10, en el borde)",
               ylabel="salida a")
        cx.set_title("Cada punto según su z = w·x + b")
        handles = [self.f_curve, self.threshold_line, *self.points, self.wrong, self.line]
        cx.legend(handles=handles, labels=[h.get_label() for h in handles], loc="lower right", fontsize=10)

        decimal_comma_ticks(self.plane, self.curve_axes)
        self.animate(self.heat, *self.points, self.wrong, self.line, self.arrow, self.arrow_label,
                     self.no_line, self.f_curve, self.threshold_line, *self.z_points, self.z_wrong, self.formula)

    def background_key(self):
        return self._shown

    def _update_background(self, activation):
        """Escala vertical del panel derecho según el rango de la activación (parte del fondo)."""
        self._show_limits(Y_LIMITS[activation])

    def _show_limits(self, limits):
        if self._shown != limits:
            self._shown = limits
            self.curve_axes.set_ylim(*limits)
            self.redraw_all()

    def update(self):
        v = self.values()
        w, b, activation = np.array([v["w1"], v["w2"]]), v["b"], v["activation"]
        X, y = self._data[v["dataset"]]
        self._update_background(activation)
        f = activations.get(activation)

        _, a_grid = neuron_output(self._grid, w, b, activation)
        self.heat.set_data(color_value(a_grid, activation).reshape(121, 121))

        z, a = neuron_output(X, w, b, activation)
        predicted = predict_class(a, activation)
        wrong = predicted != y
        self.errors, self.total = int(wrong.sum()), len(y)
        for k in (0, 1):
            self.points[k].set_offsets(X[y == k])
            z_shown = np.clip(z[y == k], -Z_LIMIT, Z_LIMIT)
            self.z_points[k].set_offsets(np.column_stack([z_shown, f(z_shown)]))
        self.wrong.set_offsets(X[wrong])
        z_wrong = np.clip(z[wrong], -Z_LIMIT, Z_LIMIT)
        self.z_wrong.set_offsets(np.column_stack([z_wrong, f(z_wrong)]))

        self.f_curve.set_data(self.z_grid, f(self.z_grid))
        self.threshold_line.set_ydata([THRESHOLDS[activation]] * 2)

        line = decision_line(w, b)
        has_line = line is not None
        self.line.set_visible(has_line)
        self.arrow.set_visible(has_line)
        self.arrow_label.set_visible(has_line)
        self.no_line.set_visible(not has_line)
        if has_line:
            self.line.set_data(*line)
            # w sale del punto de la frontera más cercano al origen y apunta hacia la clase 1.
            foot = -b * w / (w @ w)
            tip = foot + 2.0 * w / np.linalg.norm(w)
            visible = np.all(np.abs(foot) < LIMIT - 0.5)
            self.arrow.set_visible(bool(visible))
            self.arrow_label.set_visible(bool(visible))
            self.arrow.xy, self.arrow.xyann = tuple(tip), tuple(foot)
            self.arrow_label.set_position(tuple(tip + 0.35 * w / np.linalg.norm(w) - [0.2, 0.2]))
        else:
            self.no_line.set_text(
                f"w₁ = w₂ = 0: z = b = {number(b)} en todo el plano,\nasí que no hay frontera: "
                f"todos los puntos\nreciben la clase {int(predicted[0]) if len(predicted) else 0}"
            )

        self.formula.set_text(
            f"z = {number(w[0])}·x₁ {'+' if w[1] >= 0 else '−'} {number(abs(w[1]))}·x₂ "
            f"{'+' if b >= 0 else '−'} {number(abs(b))}\n"
            f"a = {ACTIVATION_LABELS[activation]}(z); clase 1 si {self._rule(activation)}\n"
            f"mal clasificados: {self.errors} de {self.total}"
        )

    @staticmethod
    def _rule(activation):
        if activation == "relu":
            return "a > 0"
        return f"a ≥ {number(THRESHOLDS[activation], 1 if activation in ('step', 'sigmoid') else 0)}"

    def caption(self):
        v = self.values()
        accuracy = 100 * (1 - self.errors / self.total)
        note = " Ninguna recta separa el XOR: hace falta una capa oculta." if v["dataset"] == "xor" else ""
        return (
            f"{ACTIVATION_LABELS[v['activation']]}: clase 1 si {self._rule(v['activation'])} "
            f"(equivale a z {'>' if v['activation'] == 'relu' else '≥'} 0). "
            f"{self.errors} de {self.total} puntos mal clasificados "
            f"(exactitud {number(accuracy, 0)} %).{note}"
        )


def neuron(**initial_values):
    """Demostración de una neurona de dos entradas (controles w1, w2, b, activation, dataset)."""
    return NeuronDemo(**initial_values)
