"""Demostración: SGD, momento, RMSProp, Adagrad y Adam sobre la misma superficie.

Como en «Why Momentum Really Works» (Goh, Distill, 2017), cada cambio de un control recalcula
el camino completo de cada optimizador desde el mismo punto de partida. A la izquierda, los
caminos sobre las curvas de nivel; a la derecha, J(θₜ) − J* en cada paso (escala logarítmica).

Superficies: un cuenco alargado (las curvaturas difieren 10 veces), la función de Rosenbrock
(un valle curvo y estrecho, mínimo en (1, 1)) y un punto de silla en el origen con dos mínimos
en (0, ±√2): cerca de la silla el gradiente es casi 0 y se ve quién escapa antes.

Reglas de actualización (las del Anexo A de la revisión; g = ∇J(θ), t = 1, 2, …):

- SGD:      θ ← θ − η·g
- momento:  v ← β·v + g;  θ ← θ − η·v
- Adagrad:  G ← G + g²;  θ ← θ − η·g / (√G + ε)
- RMSProp:  r ← ρ·r + (1 − ρ)·g²;  θ ← θ − η·g / (√r + ε)
- Adam:     m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
            m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η·m̂ / (√v̂ + ε)

Todas empiezan con v, G, r, m = 0 (Keras empieza el acumulador de Adagrad en 0,1 y escribe el
momento como v ← β·v − η·g, θ ← θ + v, que con η fija es lo mismo). Los optimizadores del
motor (``course_lib.nn.optimizers``) actualizan capas; aquí se escriben sobre un vector θ de
dos componentes para poder dibujar su camino.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator

from ..nn.validation import check_number, check_positive_int, unknown_name_error
from .base import Demo, DemoMessage, decimal_comma_ticks, decimal_slider, slider_style, value_slider
from .gradient_descent import (BOUND, LOSS_CEILING, LOSS_FLOOR, Surface, _set_visible, _short,
                               classify_trajectory)

OPTIMIZERS = ["sgd", "momentum", "rmsprop", "adagrad", "adam"]
NAMES = {"sgd": "SGD", "momentum": "momento", "rmsprop": "RMSProp", "adagrad": "Adagrad", "adam": "Adam"}
COLORS = {"sgd": "#7f8c8d", "momentum": "#c0392b", "rmsprop": "#8e44ad", "adagrad": "#27ae60", "adam": "#e67e22"}
VIEW = (-3.2, 3.2)


def optimize_path(name, gradient, start, steps, learning_rate=0.01, momentum=0.9, rho=0.9, beta_1=0.9,
                  beta_2=0.999, epsilon=1e-7, bound=BOUND):
    """Camino θ₀, θ₁, …, θ_T de un optimizador sobre J, dado su gradiente ``gradient(θ)``.

    ``name``: "sgd", "momentum", "rmsprop", "adagrad" o "adam" (fórmulas en la cabecera del
    módulo). Devuelve un array (pasos + 1, d); si |θ| supera ``bound`` se detiene ahí.
    """
    if name not in OPTIMIZERS:
        raise unknown_name_error("optimizador", name, OPTIMIZERS)
    eta = check_number(learning_rate, "learning_rate (η)", low=0.0, low_inclusive=False)
    steps = check_positive_int(steps, "steps", minimum=0)
    decays = ((momentum, "momentum (β)"), (rho, "rho (ρ)"), (beta_1, "beta_1 (β₁)"), (beta_2, "beta_2 (β₂)"))
    for value, label in decays:
        check_number(value, label, low=0.0, high=1.0, high_inclusive=False)
    theta = np.array(start, dtype=float).reshape(-1)
    first, second = np.zeros_like(theta), np.zeros_like(theta)  # v, G, r o m; y v de Adam
    path = [theta.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = np.asarray(gradient(theta), dtype=float)
            if name == "sgd":
                step = eta * g
            elif name == "momentum":
                first = momentum * first + g
                step = eta * first
            elif name == "adagrad":
                first = first + g * g
                step = eta * g / (np.sqrt(first) + epsilon)
            elif name == "rmsprop":
                first = rho * first + (1 - rho) * g * g
                step = eta * g / (np.sqrt(first) + epsilon)
            else:  # adam
                first = beta_1 * first + (1 - beta_1) * g
                second = beta_2 * second + (1 - beta_2) * g * g
                m_hat = first / (1 - beta_1**t)
                v_hat = second / (1 - beta_2**t)
                step = eta * m_hat / (np.sqrt(v_hat) + epsilon)
            theta = theta - step
            path.append(theta.copy())
            if not np.all(np.isfinite(theta)) or np.max(np.abs(theta)) > bound:
                break
    return np.array(path)


def _rosenbrock(t):
    return (1 - t[..., 0]) ** 2 + 100 * (t[..., 1] - t[..., 0] ** 2) ** 2


def _rosenbrock_gradient(t):
    x, y = t
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


#: η en escala logarítmica 1-2-5 y los factores de decaimiento que se usan de verdad (0,9, 0,99, 0,999).
LEARNING_RATES = [1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
DECAYS = [0.0, 0.5, 0.8, 0.9, 0.95, 0.99]

SURFACES = {
    "elongated": Surface("cuenco alargado: 0,1·θ₁² + θ₂²", lambda t: 0.1 * t[..., 0] ** 2 + t[..., 1] ** 2,
                         lambda t: np.array([0.2, 2.0]) * t, 2, curvature=2.0, view=VIEW, minimum=np.zeros(2)),
    "rosenbrock": Surface("Rosenbrock: (1 − θ₁)² + 100·(θ₂ − θ₁²)²", _rosenbrock, _rosenbrock_gradient, 2,
                          view=VIEW, minimum=np.ones(2)),
    "saddle": Surface("punto de silla: θ₁² − θ₂² + θ₂⁴/4",
                      lambda t: t[..., 0] ** 2 - t[..., 1] ** 2 + t[..., 1] ** 4 / 4,
                      lambda t: np.array([2 * t[0], -2 * t[1] + t[1] ** 3]), 2, view=VIEW,
                      minimum=np.array([0.0, np.sqrt(2.0)])),
}
SURFACE_CHOICES = [(surface.label, key) for key, surface in SURFACES.items()]


class OptimizersDemo(Demo):
    title = "Optimizadores: SGD, momento, RMSProp, Adagrad y Adam"

    def __init__(self, surface="elongated", learning_rate=0.05, steps=100, start_x=-2.8, start_y=2.0,
                 momentum=0.9, rho=0.9, beta_1=0.9, beta_2=0.999, sgd=True, momentum_on=True, rmsprop=True,
                 adagrad=True, adam=True):
        style = slider_style()
        slider = dict(continuous_update=True, style=style)
        controls = {
            "surface": widgets.Dropdown(options=SURFACE_CHOICES, value=surface, description="superficie", style=style,
                                        layout=widgets.Layout(width="420px")),
            "learning_rate": value_slider(learning_rate, LEARNING_RATES, "tasa de aprendizaje η"),
            "steps": widgets.IntSlider(value=steps, min=5, max=300, step=5, description="pasos", **slider),
            "start_x": decimal_slider(start_x, -3, 3, 0.1, "inicio θ₁"),
            "start_y": decimal_slider(start_y, -3, 3, 0.1, "inicio θ₂"),
            "sgd": widgets.Checkbox(value=sgd, description="SGD", indent=False),
            "momentum_on": widgets.Checkbox(value=momentum_on, description="momento", indent=False),
            "rmsprop": widgets.Checkbox(value=rmsprop, description="RMSProp", indent=False),
            "adagrad": widgets.Checkbox(value=adagrad, description="Adagrad", indent=False),
            "adam": widgets.Checkbox(value=adam, description="Adam", indent=False),
            "momentum": value_slider(momentum, DECAYS, "momento β"),
            "rho": value_slider(rho, DECAYS + [0.999], "RMSProp ρ"),
            "beta_1": value_slider(beta_1, DECAYS, "Adam β₁"),
            "beta_2": value_slider(beta_2, [0.9, 0.99, 0.999, 0.9999], "Adam β₂"),
        }
        for name in ("sgd", "momentum_on", "rmsprop", "adagrad", "adam"):
            controls[name].layout.width = "auto"
        self._shown = None
        super().__init__(controls)
        self.precompute_backgrounds([key for _, key in SURFACE_CHOICES], self._show_surface)

    def control_rows(self):
        c = self.controls
        return [
            [c["surface"], c["learning_rate"], c["steps"]],
            [c["sgd"], c["momentum_on"], c["rmsprop"], c["adagrad"], c["adam"]],
            [c["start_x"], c["start_y"]],
            [c["momentum"], c["rho"], c["beta_1"], c["beta_2"]],
        ]

    def _enabled(self):
        keys = {"sgd": "sgd", "momentum": "momentum_on", "rmsprop": "rmsprop", "adagrad": "adagrad", "adam": "adam"}
        return [name for name in OPTIMIZERS if self.controls[keys[name]].value]

    # --- Figura -------------------------------------------------------------------------------
    def setup(self, figure):
        self.ax, self.loss_axes = figure.subplots(1, 2, width_ratios=[1.05, 1])
        self._drawings = {}
        self.paths, self.loss_lines = {}, {}
        for name in OPTIMIZERS:
            self.paths[name] = self.ax.plot([], [], "o-", color=COLORS[name], lw=2, ms=3, zorder=4)[0]
            self.loss_lines[name] = self.loss_axes.plot([], [], color=COLORS[name], lw=2.5, label=NAMES[name])[0]
        (self.start_dot,) = self.ax.plot([], [], "o", color="black", ms=11, mec="white", mew=2, zorder=5)
        self.ax.set(xlim=VIEW, ylim=VIEW, xlabel="θ₁", ylabel="θ₂")
        self.ax.xaxis.set_major_locator(MaxNLocator(5))
        self.ax.yaxis.set_major_locator(MaxNLocator(5))
        lx = self.loss_axes
        lx.set_yscale("log")
        lx.set_ylim(LOSS_FLOOR, LOSS_CEILING)
        lx.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
        lx.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        lx.set(xlabel="paso t", ylabel="J(θₜ) − J*  (escala log.)", title="Pérdida en cada paso")
        lx.legend(loc="lower left", fontsize=11, ncols=2)
        decimal_comma_ticks(self.ax, lx)
        self.animate(lx.xaxis, *self.paths.values(), self.start_dot, *self.loss_lines.values())

    def _surface_drawing(self, key):
        if key not in self._drawings:
            surface, ax = SURFACES[key], self.ax
            grid = np.linspace(*VIEW, 121)
            excess = surface.excess(np.stack(np.meshgrid(grid, grid), axis=-1))
            levels = np.geomspace(max(excess.max(), 1e-3) * 1e-4, excess.max(), 14)
            filled = ax.contourf(grid, grid, excess, levels=np.concatenate([[0], levels]), cmap="Blues_r",
                                 alpha=0.5, zorder=1)
            lines = ax.contour(grid, grid, excess, levels=levels, colors="#1f4e9c", linewidths=0.7, alpha=0.5,
                               zorder=1)
            minima = [surface.minimum] + ([surface.minimum * [1, -1]] if key == "saddle" else [])
            star = ax.plot(*np.array(minima).T, "*", color="gold", ms=18, mec="black", zorder=3, ls="none")
            self._drawings[key] = [filled, lines, *star]
        return self._drawings[key]

    def _show_surface(self, key):
        if key == self._shown:
            return
        self._shown = key
        for artists in self._drawings.values():
            for artist in artists:
                _set_visible(artist, False)
        for artist in self._surface_drawing(key):
            _set_visible(artist, True)
        self.ax.set_title(SURFACES[key].label, fontsize=14)
        self.redraw_all()

    def background_key(self):
        return self._shown

    # --- Actualización ------------------------------------------------------------------------
    def hyperparameters(self):
        v = self.values()
        return dict(learning_rate=v["learning_rate"], momentum=v["momentum"], rho=v["rho"], beta_1=v["beta_1"],
                    beta_2=v["beta_2"])

    def update(self):
        v = self.values()
        self._show_surface(v["surface"])
        surface = SURFACES[v["surface"]]
        enabled = self._enabled()
        start = np.array([v["start_x"], v["start_y"]])
        self.start_dot.set_data([start[0]], [start[1]])
        self.loss_axes.set_xlim(-0.02 * v["steps"], 1.05 * v["steps"])
        self.results = {}
        for name in OPTIMIZERS:
            visible = name in enabled
            self.paths[name].set_visible(visible)
            self.loss_lines[name].set_visible(visible)
            if not visible:
                continue
            path = optimize_path(name, surface.gradient, start, v["steps"], **self.hyperparameters())
            losses = surface.excess(path)
            shown = np.clip(path, 10 * VIEW[0], 10 * VIEW[1])
            self.paths[name].set_data(shown[:, 0], shown[:, 1])
            plotted = np.clip(np.nan_to_num(losses, nan=LOSS_CEILING, posinf=LOSS_CEILING), LOSS_FLOOR,
                              LOSS_CEILING * 0.8)
            self.loss_lines[name].set_data(np.arange(len(plotted)), plotted)
            self.results[name] = (classify_trajectory(losses, path), float(losses[-1]), len(path) - 1)
        if not enabled:
            raise DemoMessage(
                "Marca al menos un optimizador (SGD, momento, RMSProp, Adagrad o Adam) para ver su camino.")

    def caption(self):
        v = self.values()
        details = {"sgd": "", "momentum": f" (β = {_short(v['momentum'])})", "rmsprop": f" (ρ = {_short(v['rho'])})",
                   "adagrad": "", "adam": f" (β₁ = {_short(v['beta_1'])}; β₂ = {v['beta_2']:.4f})".replace(".", ",")}
        parts = []
        for name in OPTIMIZERS:
            label = NAMES[name] + details[name]
            if name not in self.results:
                parts.append(f"{label}: oculto")
                continue
            verdict, final, steps = self.results[name]
            if verdict == "diverge":
                parts.append(f"{label}: diverge")
            else:
                parts.append(f"{label}: {_short(final)}{' (oscila)' if verdict == 'oscila' else ''}")
        finite = {name: r[1] for name, r in self.results.items() if r[0] != "diverge"}
        best = f" Más cerca del mínimo: {NAMES[min(finite, key=finite.get)]}." if finite else ""
        eta = f"{v['learning_rate']:.3g}".replace(".", ",")
        return f"η = {eta}, {v['steps']} pasos. J − J* al final: " + " · ".join(parts) + "." + best


def optimizers(**initial_values):
    """Demostración de los optimizadores (controles surface, learning_rate, steps, start_x, start_y,
    sgd, momentum_on, rmsprop, adagrad, adam, momentum, rho, beta_1, beta_2)."""
    return OptimizersDemo(**initial_values)
