"""Demostración: escalar las entradas cambia el camino del descenso de gradiente (capítulo 07).

Regresión lineal de la longitud de la aleta (mm) de los pingüinos a partir de su masa (g) y de la
profundidad del pico (mm): ŷ = w₁·x₁ + w₂·x₂ + b con el ECM J(θ) = (1/m) Σ (ŷᵢ − yᵢ)², θ = (w₁, w₂, b).
Las entradas se usan sin escalar, normalizadas al rango [0, 1] (mín-máx, x' = (x − mín)/(máx − mín))
o estandarizadas (x' = (x − μ)/σ). Las tres versiones describen **los mismos modelos** (escalar es
un cambio de variables afín), así que llegan al mismo coste mínimo J*; lo que cambia es la forma de
J: su hessiana H = (2/m)·AᵀA (A = [x₁ x₂ 1]) tiene un número de condición κ = λ_max/λ_min que va
de ≈ 3·10⁹ sin escalar a ≈ 70 con mín-máx (que no centra) y ≈ 3 estandarizando.

El descenso de gradiente θ ← θ − η·∇J(θ) solo es estable con η < 2/λ_max, y con esa η la dirección de
curvatura λ_min avanza un factor (1 − η·λ_min) por paso: con κ enorme, nada que no diverja avanza.
A la izquierda, el camino en el plano (w₁, w₂) sobre las curvas de nivel de J con el mejor b para
cada (w₁, w₂); a la derecha, J(θₜ) − J* de las tres versiones con la misma η.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator

from ..data import load_penguins
from .base import ROOM_MODE, Demo, decimal_comma_ticks, font, slider_style, value_slider
from .rastertext import RasterText
from .gradient_descent import LOSS_CEILING, LOSS_FLOOR, _short, classify_trajectory, descend

SCALING_CHOICES = [("sin escalar", "none"), ("mín-máx [0, 1]", "minmax"), ("estandarizar", "standard")]
SCALING_LABELS = {key: label for label, key in SCALING_CHOICES}
COLORS = {"none": "#7f8c8d", "minmax": "#e67e22", "standard": "#1f4e9c"}
FEATURES = ["body_mass_g", "bill_depth_mm"]
TARGET = "flipper_length_mm"
VERDICTS = {"converge": "converge", "oscila": "oscila", "diverge": "diverge", "lento": "va lento"}


def penguin_regression_data():
    """(X, y): masa (g) y profundidad del pico (mm) → longitud de la aleta (mm), sin faltantes."""
    penguins = load_penguins().dropna(subset=FEATURES + [TARGET])
    return penguins[FEATURES].to_numpy(float), penguins[TARGET].to_numpy(float)


def scale_features(X, method):
    """Escala cada columna: "none" (igual), "minmax" ((x − mín)/(máx − mín)) o "standard" ((x − μ)/σ)."""
    X = np.asarray(X, dtype=float)
    if method == "none":
        return X.copy()
    if method == "minmax":
        low, high = X.min(axis=0), X.max(axis=0)
        return (X - low) / (high - low)
    if method == "standard":
        return (X - X.mean(axis=0)) / X.std(axis=0)
    raise ValueError(f"Escalado desconocido: {method!r}; usa 'none', 'minmax' o 'standard'.")


class LinearProblem:
    """ECM de ŷ = A·θ con A = [X 1]: J(θ), ∇J(θ) = (2/m)·Aᵀ(Aθ − y), el óptimo θ* y la hessiana."""

    def __init__(self, X, y):
        self.A = np.column_stack([X, np.ones(len(y))])
        self.y = np.asarray(y, dtype=float)
        self.m = len(y)
        self.hessian = 2 * self.A.T @ self.A / self.m
        eigenvalues = np.linalg.eigvalsh(self.hessian)
        self.lambda_min, self.lambda_max = float(eigenvalues[0]), float(eigenvalues[-1])
        self.optimum = np.linalg.lstsq(self.A, self.y, rcond=None)[0]
        self.minimum = self.loss(self.optimum)
        # Para las curvas de nivel: J con el mejor b para cada (w₁, w₂) es una cuadrática en (w₁, w₂).
        self._x_mean = self.A[:, :2].mean(axis=0)
        self._y_mean = self.y.mean()

    @property
    def condition(self):
        return self.lambda_max / self.lambda_min

    def loss(self, theta):
        theta = np.asarray(theta, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            residuals = theta @ self.A.T - self.y if theta.ndim > 1 else self.A @ theta - self.y
            return np.mean(residuals**2, axis=-1)

    def gradient(self, theta):
        return 2 * self.A.T @ (self.A @ theta - self.y) / self.m

    def profile(self, w1, w2):
        """min_b J(w₁, w₂, b): el mejor b es media(y) − w·media(x); queda la varianza del residuo."""
        w = np.stack([w1, w2], axis=-1)
        centered_X = self.A[:, :2] - self._x_mean
        residuals = w @ centered_X.T - (self.y - self._y_mean)
        return np.mean(residuals**2, axis=-1)


#: η de 10⁻⁹ a 1 en escala logarítmica 1-3 (sin escalar hacen falta η diminutas; escalando, 0,1).
LEARNING_RATES = [float(f"{mantissa}e{exponent}") for exponent in range(-9, 0) for mantissa in (1, 3)] + [1.0]

class ScalingDemo(Demo):
    title = "Escalar las entradas: el camino del descenso de gradiente"
    figsize = (11, 4.8)
    room_height_px = 400

    def __init__(self, scaling="standard", learning_rate=0.1, steps=100):
        style = slider_style()
        controls = {
            "scaling": widgets.ToggleButtons(options=SCALING_CHOICES, value=scaling, description="entradas",
                                             style=style),
            "learning_rate": value_slider(learning_rate, LEARNING_RATES, "tasa de aprendizaje η"),
            "steps": widgets.IntSlider(value=steps, min=1, max=300, step=1, description="pasos",
                                       continuous_update=True, style=style),
        }
        controls["learning_rate"].layout.width = "430px"
        X, y = penguin_regression_data()
        self.problems = {key: LinearProblem(scale_features(X, key), y) for _, key in SCALING_CHOICES}
        self._shown = None
        super().__init__(controls)
        self.precompute_backgrounds([key for _, key in SCALING_CHOICES], self._show_scaling)

    def control_rows(self):
        c = self.controls
        return [[c["scaling"]], [c["learning_rate"], c["steps"]]]

    def setup(self, figure):
        room = self.mode == ROOM_MODE
        self.plane, self.curve_axes = figure.subplots(1, 2, width_ratios=[1, 1.25 if room else 1.1])
        self.contours, self.limits = {}, {}
        for _, key in SCALING_CHOICES:
            problem = self.problems[key]
            # El dibujo abarca el inicio, θ* y el mejor w sin sesgo (adonde va primero el camino sin escalar).
            w_no_bias = np.linalg.lstsq(problem.A[:, :2], problem.y, rcond=None)[0]
            corners = np.stack([np.zeros(2), problem.optimum[:2], w_no_bias])
            low, high = corners.min(axis=0), corners.max(axis=0)
            pad = 0.2 * (high - low)
            self.limits[key] = (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])
            x0, x1, y0, y1 = self.limits[key]
            grid_w1, grid_w2 = np.meshgrid(np.linspace(x0, x1, 90), np.linspace(y0, y1, 90))
            excess = problem.profile(grid_w1, grid_w2) - problem.minimum + 1e-12
            levels = np.geomspace(max(excess.min(), 1e-3) * 1.5, excess.max(), 12)
            self.contours[key] = self.plane.contour(grid_w1, grid_w2, excess, levels=levels, cmap="viridis",
                                                    linewidths=1.2)
            self.contours[key].set_visible(False)
        (self.star,) = self.plane.plot([], [], "*", color="black", ms=16, zorder=5, label="mínimo θ*")
        (self.path_line,) = self.plane.plot([], [], "-o", color="#c0392b", ms=3.5, lw=2, zorder=4,
                                            label="camino de θ")
        (self.start_dot,) = self.plane.plot([0], [0], "s", color="#c0392b", ms=8, zorder=5, label="inicio θ₀ = 0")
        # Las etiquetas más largas (sin escalar), para que la disposición les deje sitio.
        self.plane.set(xlabel="w₁ (masa) en mm/g", ylabel="w₂ (pico) en mm/mm",
                       title=f"{SCALING_LABELS['none']}: κ = {_short(self.problems['none'].condition)}")
        if room:  # en la sala, sin leyenda que tape las curvas de nivel: etiquetas junto a θ* y θ₀
            offset = dict(textcoords="offset points", fontsize=font(13), fontweight="bold", zorder=6,
                          bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))
            self.star_label = self.plane.annotate("θ*", (0, 0), xytext=(12, -26), **offset)
            self.plane.annotate("θ₀", (0, 0), xytext=(8, 6), color="#c0392b", **offset)
        else:
            self.star_label = None
            self.plane.legend(loc="lower left", fontsize=10)

        cx = self.curve_axes
        self.curves = {}
        for label, key in SCALING_CHOICES:
            (self.curves[key],) = cx.plot([], [], color=COLORS[key], lw=2.5, label=label)
        cx.set(yscale="log", ylim=(LOSS_FLOOR, LOSS_CEILING), xlim=(0, 300), xlabel="paso t", ylabel="J(θₜ) − J*",
               title="Coste que falta (misma η)" if room else "Coste que falta por bajar (misma η)")
        cx.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
        # El resumen cambia con cada η: se pinta con PIL (RasterText), más barato que un Text.
        if room:  # en la sala, una línea por escalado, del color de su curva: hace de leyenda
            self.summaries = {key: RasterText(cx, [0.01, 0.2 - 0.09 * i, 0.98, 0.085], fontsize=13, ha="left",
                                              color=COLORS[key], background=(1, 1, 1, 0.9))
                              for i, (_, key) in enumerate(SCALING_CHOICES)}
            self.summary = None
        else:
            cx.legend(loc="center right", fontsize=10)
            self.summary = RasterText(cx, [0.01, 0.02, 0.8, 0.22], fontsize=12, ha="left", background=(1, 1, 1, 0.9))
            self.summaries = {}
        self.warning = self.plane.text(0.5, 0.96, "", transform=self.plane.transAxes, ha="center", va="top",
                                       fontsize=font(12), color="#b00020", zorder=7,
                                       bbox=dict(boxstyle="round", fc="white", ec="#b00020"))
        decimal_comma_ticks(self.plane)
        texts = [self.summary] if self.summary else list(self.summaries.values())
        self.animate(self.path_line, self.star, self.start_dot, *self.curves.values(), *(t.artist for t in texts),
                     self.warning)

    def background_key(self):
        return self._shown

    def _show_scaling(self, key):
        if key == self._shown:
            return
        self._shown = key
        for other, contour in self.contours.items():
            contour.set_visible(other == key)
        x0, x1, y0, y1 = self.limits[key]
        self.plane.set(xlim=(x0, x1), ylim=(y0, y1))
        self.plane.set_xlabel("w₁ (masa)" + (" en mm/g" if key == "none" else ""))
        self.plane.set_ylabel("w₂ (pico)" + (" en mm/mm" if key == "none" else ""))
        self.plane.set_title(f"{SCALING_LABELS[key]}: κ = {_short(self.problems[key].condition)}")
        if self.star_label is not None:
            self.star_label.xy = tuple(self.problems[key].optimum[:2])
        self.redraw_all()

    def _run(self, key, learning_rate, steps):
        problem = self.problems[key]
        path = descend(problem.gradient, np.zeros(3), learning_rate, steps)
        excess = np.maximum(problem.loss(path) - problem.minimum, 0.0)
        verdict = classify_trajectory(excess, path)
        if verdict == "converge" and excess[-1] > 1e-2 * problem.minimum:
            # Baja en cada paso, pero aún está a más de un 1 % del coste mínimo J* (medir contra el camino
            # recorrido, J(θ₀) − J* ≈ 4·10⁴, daba «converge» a mín-máx con J − J* ≈ 12 y J* ≈ 45).
            verdict = "lento"
        return path, excess, verdict

    def update(self):
        v = self.values()
        key, eta, steps = v["scaling"], float(v["learning_rate"]), int(v["steps"])
        self._show_scaling(key)
        self.results = {k: self._run(k, eta, steps) for _, k in SCALING_CHOICES}
        path, _, verdict = self.results[key]
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.star.set_data([self.problems[key].optimum[0]], [self.problems[key].optimum[1]])
        self.warning.set_text("¡diverge! θ se sale del dibujo" if verdict == "diverge" else "")
        self.warning.set_visible(verdict == "diverge")
        lines = []
        for label, k in SCALING_CHOICES:
            _, excess, k_verdict = self.results[k]
            shown = np.clip(np.nan_to_num(excess, nan=LOSS_CEILING, posinf=LOSS_CEILING), LOSS_FLOOR, LOSS_CEILING)
            self.curves[k].set_data(np.arange(len(shown)), shown)
            problem = self.problems[k]
            lines.append(f"{label}: η máx = {_short(2 / problem.lambda_max)}, {VERDICTS[k_verdict]}")
            if k in self.summaries:
                self.summaries[k].set_text(lines[-1])
        if self.summary is not None:
            self.summary.set_text("\n".join(lines))

    def caption(self):
        v = self.values()
        problem = self.problems[v["scaling"]]
        _, excess, verdict = self.results[v["scaling"]]
        return (
            f"{SCALING_LABELS[v['scaling']]}: número de condición κ = {_short(problem.condition)}; "
            f"con η = {_short(v['learning_rate'])} el descenso {VERDICTS[verdict]} "
            f"(η estable si η < 2/λ_max = {_short(2 / problem.lambda_max)}); tras {len(excess) - 1} pasos, "
            f"J − J* = {_short(float(excess[-1])) if np.isfinite(excess[-1]) else '∞'}."
        )


def scaling(**initial_values):
    """Demostración del escalado de las entradas (controles scaling, learning_rate, steps)."""
    return ScalingDemo(**initial_values)
