"""Demostración: descenso de gradiente θ ← θ − η·∇J(θ) en 1-D, en 2-D y en una regresión lineal.

A la izquierda, la trayectoria completa sobre la curva J(θ) (1-D) o sobre las curvas de nivel de
J (2-D); a la derecha, J(θₜ) − J* en cada paso, en escala logarítmica (J* es el mínimo global).
Un veredicto en español (converge, oscila o diverge) se calcula a partir de la trayectoria.

En un cuenco cuadrático J(θ) = ½ θᵀHθ, el descenso de gradiente converge si η < 2/λ_max (λ_max,
el mayor autovalor de la hessiana H), rebota sin acercarse si η = 2/λ_max y diverge si es mayor.

El modo «SGD en regresión lineal» ajusta ŷ = w·x + b a m = 32 puntos con el ECM
J(w, b) = (1/m) Σ (w·xᵢ + b − yᵢ)² y mini-lotes de tamaño B: B = 1 es el SGD estocástico puro,
B = m el descenso por lotes (el gradiente exacto) y lo de en medio, mini-lotes. Se dibuja el
camino en el plano (w, b) y el coste al final de cada época.

Las funciones de cálculo (``descend``, ``sgd_linear_regression``, ``classify_trajectory``…) no
saben nada de widgets: los cuadernos y los tests las llaman directamente.
"""

from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator
from scipy.optimize import minimize

from ..nn.validation import check_number, check_positive_int
from .base import Demo, decimal_comma_ticks, decimal_slider, number, slider_style, value_slider


BOUND = 1e3  # si |θ| supera este valor, la trayectoria se da por divergente y se detiene
LOSS_FLOOR, LOSS_CEILING = 1e-10, 1e5  # rango del eje logarítmico de J − J*
REACHED = 1e-6  # «ha llegado al mínimo» si J − J* < 10⁻⁶


# --- Cálculo puro ----------------------------------------------------------------------------

def descend(gradient, start, learning_rate, steps, bound=BOUND):
    """Descenso de gradiente: θₜ₊₁ = θₜ − η·∇J(θₜ), desde θ₀ = ``start``, durante ``steps`` pasos.

    ``gradient(θ)`` devuelve ∇J(θ) con la forma de θ. Devuelve la trayectoria, un array
    (pasos + 1, d) con θ₀ … θ_T. Si algún |θ| supera ``bound`` (o deja de ser finito), se
    detiene ahí: la trayectoria es más corta y ese último punto es el que se escapó.
    """
    learning_rate = check_number(learning_rate, "learning_rate (η)", low=0.0, low_inclusive=False)
    steps = check_positive_int(steps, "steps", minimum=0)
    theta = np.array(start, dtype=float).reshape(-1)
    path = [theta.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            theta = theta - learning_rate * np.asarray(gradient(theta), dtype=float)
            path.append(theta.copy())
            if not np.all(np.isfinite(theta)) or np.max(np.abs(theta)) > bound:
                break
    return np.array(path)


def classify_trajectory(losses, path=None, tolerance=1e-10):
    """Veredicto sobre una sucesión de pérdidas J(θ₀) − J*, …, J(θ_T) − J* (todas ≥ 0).

    - "diverge": no es finita, o crece en cada uno de los últimos pasos y acaba por encima del
      inicio, o acaba más de mil veces por encima del inicio;
    - "converge": llega a ≤ ``tolerance``, o baja en cada paso del último cuarto, o se queda
      quieta (con ruido pequeño frente a lo que ya bajó) por debajo del inicio;
    - "oscila": el resto (rebota sin bajar de forma sostenida).

    Si se pasa la trayectoria ``path`` (T + 1, d), un camino que en el último cuarto da la vuelta
    en cada paso sin que los pasos se acorten (menos de la mitad) también «oscila», aunque J baje:
    es lo que pasa con η = 2/λ_max en un cuenco alargado (rebota en θ₂ y avanza en θ₁).
    """
    L = np.asarray(losses, dtype=float)
    if L.size < 2:
        return "converge"
    if not np.all(np.isfinite(L)):
        return "diverge"
    first, last = L[0], L[-1]
    if last <= tolerance:
        return "converge"
    k = max(3, L.size // 4)
    rising = last > first * (1 + 1e-9) and np.all(np.diff(L[-(k + 1):]) > 0)
    if rising or last > 1e3 * max(first, tolerance):
        return "diverge"
    tail = L[-k:]
    drop = first - tail.min()
    if last < first and np.all(np.diff(tail) <= 1e-12 * first):
        settled = True
    else:
        settled = drop > 0 and tail.max() < first and tail.max() - tail.min() <= 0.1 * drop
    if not settled:
        return "oscila"
    if path is not None and len(path) > k + 1:
        moves = np.diff(np.asarray(path, dtype=float), axis=0)[-(k + 1):]
        turns = np.sum(moves[1:] * moves[:-1], axis=1) < 0
        sizes = np.linalg.norm(moves, axis=1)
        if np.all(turns) and sizes[-1] > 0.5 * sizes[0]:
            return "oscila"
    return "converge"


def steps_to_reach(losses, tolerance=REACHED):
    """Primer paso t en que J(θₜ) − J* ≤ ``tolerance`` (``None`` si no llega)."""
    hits = np.flatnonzero(np.asarray(losses) <= tolerance)
    return int(hits[0]) if hits.size else None


def make_regression_data(m=32, seed=0):
    """Regresión lineal de juguete: x uniforme en [−2, 2], y = 2x − 1 + ruido N(0; 0,5²)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, m)
    return x, 2 * x - 1 + rng.normal(0, 0.5, m)


def mse_cost(x, y, w, b):
    """ECM J(w, b) = (1/m) Σ (w·xᵢ + b − yᵢ)²; w y b pueden ser arrays (una rejilla)."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    errors = w[..., None] * x + b[..., None] - y
    return np.mean(errors**2, axis=-1)


def regression_curvature(x):
    """λ_max de la hessiana del ECM en (w, b): H = 2·[[media(x²), media(x)], [media(x), 1]]."""
    hessian = 2 * np.array([[np.mean(x**2), np.mean(x)], [np.mean(x), 1.0]])
    return float(np.linalg.eigvalsh(hessian).max())


def sgd_linear_regression(x, y, start, learning_rate, epochs, batch_size, seed=0, bound=BOUND):
    """SGD por mini-lotes para ŷ = w·x + b con el ECM, barajando los datos en cada época.

    En cada mini-lote B: g = (2/|B|) Σ_{i∈B} (w·xᵢ + b − yᵢ)·(xᵢ, 1) y θ ← θ − η·g, con θ = (w, b).
    Devuelve ``(path, costs)``: todas las θ visitadas (una por actualización, más la inicial) y el
    coste J sobre los m datos al empezar y al final de cada época. Se detiene si |θ| > ``bound``.
    """
    learning_rate = check_number(learning_rate, "learning_rate (η)", low=0.0, low_inclusive=False)
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    m = len(x)
    batch_size = min(check_positive_int(batch_size, "batch_size"), m)
    rng = np.random.default_rng(seed)
    theta = np.array(start, dtype=float)
    path, costs = [theta.copy()], [float(mse_cost(x, y, *theta))]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(m)
            for first in range(0, m, batch_size):
                batch = order[first:first + batch_size]
                errors = theta[0] * x[batch] + theta[1] - y[batch]
                g = 2 * np.array([np.mean(errors * x[batch]), np.mean(errors)])
                theta = theta - learning_rate * g
                path.append(theta.copy())
                if not np.all(np.isfinite(theta)) or np.max(np.abs(theta)) > bound:
                    costs.append(float(mse_cost(x, y, *theta)))
                    return np.array(path), np.array(costs)
            costs.append(float(mse_cost(x, y, *theta)))
    return np.array(path), np.array(costs)


@dataclass
class Surface:
    """Una pérdida de prueba J(θ) con su gradiente, para dibujar y descender por ella."""

    label: str
    loss: callable  # J(θ) con θ de forma (..., d): se evalúa en rejillas
    gradient: callable  # ∇J(θ) para θ de forma (d,)
    dimension: int
    curvature: float = None  # λ_max de la hessiana si es cuadrática (entonces η crítica = 2/λ_max)
    view: tuple = (-4.0, 4.0)
    minimum: np.ndarray = field(default=None)  # θ* (mínimo global), se calcula si falta
    local_start: tuple = None  # un punto en la cuenca de un mínimo local (no global), si lo hay

    def __post_init__(self):
        if self.minimum is None:
            self.minimum = _global_minimum(self)
        self.minimum_value = float(self.loss(np.asarray(self.minimum, dtype=float)))
        self.local_minimum = None
        if self.local_start is not None:
            self.local_minimum = minimize(self.loss, np.array(self.local_start, dtype=float), jac=self.gradient,
                                          method="BFGS", tol=1e-14).x

    def excess(self, thetas):
        """J(θ) − J* ≥ 0 para cada θ de la trayectoria (con errores de redondeo recortados a 0)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.maximum(self.loss(np.asarray(thetas, dtype=float)) - self.minimum_value, 0.0)


def _global_minimum(surface):
    """Mínimo global numérico: el mejor punto de una rejilla, refinado con BFGS (scipy)."""
    lo, hi = surface.view
    grid = np.linspace(lo, hi, 161)
    points = (np.stack(np.meshgrid(grid, grid), -1).reshape(-1, 2) if surface.dimension == 2
              else grid[:, None])
    best = points[np.argmin(surface.loss(points))]
    return minimize(surface.loss, best, jac=surface.gradient, method="BFGS", tol=1e-14).x


def _double_well(t):
    """Pozo doble inclinado (t² − 4)²/16 + 0,3·t: mínimo global cerca de t = −2,07, local en t ≈ 1,92."""
    return (t**2 - 4) ** 2 / 16 + 0.3 * t


def _double_well_slope(t):
    return t * (t**2 - 4) / 4 + 0.3


#: η en escala logarítmica, con las paradas que cuentan la lección (0,5, 1, el paso a la divergencia).
LEARNING_RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1,
                  1.2, 1.5, 2.0, 2.5, 3.0]

SURFACES = {
    "parabola": Surface("parábola J(θ) = θ²", lambda t: t[..., 0] ** 2, lambda t: 2 * t, 1, curvature=2.0,
                        minimum=np.zeros(1)),
    "double_well": Surface("1-D no convexa: (θ² − 4)²/16 + 0,3·θ", lambda t: _double_well(t[..., 0]),
                           lambda t: _double_well_slope(t), 1, local_start=(2.0,)),
    "bowl": Surface("cuenco J = θ₁² + θ₂²", lambda t: t[..., 0] ** 2 + t[..., 1] ** 2, lambda t: 2 * t, 2,
                    curvature=2.0, minimum=np.zeros(2)),
    "elongated": Surface("cuenco alargado J = 0,1·θ₁² + θ₂²", lambda t: 0.1 * t[..., 0] ** 2 + t[..., 1] ** 2,
                         lambda t: np.array([0.2, 2.0]) * t, 2, curvature=2.0, minimum=np.zeros(2)),
    "nonconvex": Surface("no convexa: (θ₁² − 4)²/16 + 0,3·θ₁ + ½θ₂²",
                         lambda t: _double_well(t[..., 0]) + 0.5 * t[..., 1] ** 2,
                         lambda t: np.array([_double_well_slope(t[0]), t[1]]), 2, local_start=(2.0, 0.0)),
}
SGD_MODE = "sgd_regression"
SURFACE_CHOICES = [(surface.label, key) for key, surface in SURFACES.items()] + [
    ("SGD en regresión lineal (w, b)", SGD_MODE)]
VERDICT_COLORS = {"converge": "#1e8449", "oscila": "#d35400", "diverge": "#b00020"}




def _short(value):
    """Número breve con coma decimal: 0,35; 2,1·10⁻⁴; 1,2·10⁵."""
    if value == 0:
        return "0"
    exponent = int(np.floor(np.log10(abs(value))))
    if -3 <= exponent <= 3:
        return f"{value:.2g}".replace("-", "−").replace(".", ",") if abs(value) < 10 else number(value, 0)
    superscript = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{value / 10**exponent:.1f}".replace(".", ",") + "·10" + str(exponent).translate(superscript)


# --- La demostración -------------------------------------------------------------------------

class GradientDescentDemo(Demo):
    title = "Descenso de gradiente: θ ← θ − η·∇J(θ)"

    def __init__(self, surface="elongated", learning_rate=0.1, steps=30, start_x=3.0, start_y=2.0,
                 batch_size=4):
        style = slider_style()
        self.x_data, self.y_data = make_regression_data()
        m = len(self.x_data)
        controls = {
            "surface": widgets.Dropdown(options=SURFACE_CHOICES, value=surface, description="pérdida",
                                        style=style, layout=widgets.Layout(width="430px")),
            "learning_rate": value_slider(learning_rate, LEARNING_RATES, "tasa de aprendizaje η"),
            "steps": widgets.IntSlider(value=steps, min=1, max=100, description="pasos (épocas en SGD)",
                                       continuous_update=True, style=style),
            "start_x": decimal_slider(start_x, -4, 4, 0.1, "inicio θ₁ (w)"),
            "start_y": decimal_slider(start_y, -4, 4, 0.1, "inicio θ₂ (b)"),
            "batch_size": widgets.IntSlider(value=batch_size, min=1, max=m, description=f"lote B (SGD; m = {m})",
                                            continuous_update=True, style=style),
        }
        for control in controls.values():  # pista del deslizador legible aunque la etiqueta sea larga
            if isinstance(control, (widgets.SelectionSlider, widgets.IntSlider)):
                control.layout.width = "380px"
        self._regression = Surface(
            "ECM de la regresión lineal", lambda t: mse_cost(self.x_data, self.y_data, t[..., 0], t[..., 1]),
            lambda t: 2 * np.array([np.mean((t[0] * self.x_data + t[1] - self.y_data) * self.x_data),
                                    np.mean(t[0] * self.x_data + t[1] - self.y_data)]), 2,
            minimum=np.polyfit(self.x_data, self.y_data, 1),
            curvature=regression_curvature(self.x_data),
        )
        self._shown = None
        super().__init__(controls)
        self.precompute_backgrounds([key for _, key in SURFACE_CHOICES], self._show_surface)

    def control_rows(self):
        c = self.controls
        return [[c["surface"], c["learning_rate"], c["steps"]], [c["start_x"], c["start_y"], c["batch_size"]]]

    def _surface(self, key):
        return self._regression if key == SGD_MODE else SURFACES[key]

    # --- Figura -------------------------------------------------------------------------------
    def setup(self, figure):
        self.ax, self.loss_axes = figure.subplots(1, 2, width_ratios=[1.1, 1])
        self._drawings = {}  # superficie → artistas de fondo propios (curva o curvas de nivel)
        self._y_limits = {}  # superficie 1-D → límites verticales de su curva
        (self.path_line,) = self.ax.plot([], [], "o-", color="#d35400", lw=1.8, ms=5, zorder=4)
        (self.start_dot,) = self.ax.plot([], [], "o", color="#1e8449", ms=12, mec="white", mew=2, zorder=5,
                                         label="inicio θ₀")
        (self.end_dot,) = self.ax.plot([], [], "X", color="black", ms=12, mec="white", mew=1.5, zorder=5,
                                       label="último θ")
        self.ax.xaxis.set_major_locator(MaxNLocator(5))
        self.ax.yaxis.set_major_locator(MaxNLocator(5))

        lx = self.loss_axes
        lx.set_yscale("log")
        lx.set_ylim(LOSS_FLOOR, LOSS_CEILING)
        lx.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
        lx.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        lx.set_ylabel("J(θₜ) − J*  (escala log.)")
        lx.set_title("Pérdida en cada paso")
        (self.loss_line,) = lx.plot([], [], "o-", color="#d35400", lw=2, ms=4, zorder=3)
        self.reached_line = lx.axhline(REACHED, color="0.5", ls="--", lw=1.2)
        lx.text(0.99, REACHED * 1.6, "10⁻⁶", transform=lx.get_yaxis_transform(), ha="right", fontsize=10,
                color="0.4")
        self.verdict = lx.text(0.97, 0.95, "", transform=lx.transAxes, ha="right", va="top", fontsize=15,
                               fontweight="bold", zorder=6,
                               bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.95))
        # El eje x de la pérdida cambia con el número de pasos: se repinta en cada actualización
        # (≈ 12 ms) en vez de redibujar todo el fondo.
        decimal_comma_ticks(self.ax, lx)
        self.animate(lx.xaxis, self.path_line, self.start_dot, self.end_dot, self.loss_line, self.verdict)
        self._show_surface(self.controls["surface"].value)

    def _surface_drawing(self, key):
        """Curva (1-D) o curvas de nivel (2-D) de una superficie; se crean la primera vez."""
        if key in self._drawings:
            return self._drawings[key]
        surface, ax = self._surface(key), self.ax
        lo, hi = surface.view
        grid = np.linspace(lo, hi, 201 if surface.dimension == 1 else 121)
        if surface.dimension == 1:
            values = surface.loss(grid[:, None])
            artists = ax.plot(grid, values, color="#1f4e9c", lw=3, zorder=2)
            artists += ax.plot(surface.minimum, [surface.minimum_value], "*", color="gold", ms=18, mec="black",
                               zorder=3)
            self._y_limits[key] = (values.min() - 0.08 * np.ptp(values), values.max() + 0.08 * np.ptp(values))
        else:
            mesh = np.stack(np.meshgrid(grid, grid), axis=-1)
            excess = surface.excess(mesh)
            levels = np.geomspace(max(excess.max(), 1e-3) * 1e-3, excess.max(), 13)
            filled = ax.contourf(grid, grid, excess, levels=np.concatenate([[0], levels]), cmap="Blues_r",
                                 alpha=0.55, zorder=1)
            lines = ax.contour(grid, grid, excess, levels=levels, colors="#1f4e9c", linewidths=0.8, alpha=0.6,
                               zorder=1)
            star = ax.plot(*surface.minimum, "*", color="gold", ms=20, mec="black", zorder=3)
            artists = [filled, lines, *star]
        self._drawings[key] = artists
        return artists

    def _show_surface(self, key):
        """Cambia el fondo del panel izquierdo (curva o curvas de nivel, límites, títulos)."""
        if key == self._shown:
            return
        self._shown = key
        for drawing_key, artists in self._drawings.items():
            for artist in artists:
                _set_visible(artist, False)
        for artist in self._surface_drawing(key):
            _set_visible(artist, True)
        surface, ax = self._surface(key), self.ax
        ax.set_xlim(*surface.view)
        if surface.dimension == 1:
            ax.set_ylim(*self._y_limits[key])
            ax.set(xlabel="θ", ylabel="J(θ)")
        elif key == SGD_MODE:
            ax.set_ylim(*surface.view)
            ax.set(xlabel="peso w", ylabel="sesgo b")
        else:
            ax.set_ylim(*surface.view)
            ax.set(xlabel="θ₁", ylabel="θ₂")
        ax.set_title(surface.label if key != SGD_MODE else "Camino de (w, b) sobre el ECM", fontsize=14)
        self.loss_axes.set_xlabel("época" if key == SGD_MODE else "paso t")
        self.loss_axes.set_title("Coste al final de cada época" if key == SGD_MODE else "Pérdida en cada paso")
        self.redraw_all()

    def background_key(self):
        return self._shown

    # --- Actualización ------------------------------------------------------------------------
    def update(self):
        v = self.values()
        key, eta, steps = v["surface"], v["learning_rate"], v["steps"]
        self._show_surface(key)
        surface = self._surface(key)
        if key == SGD_MODE:
            path, costs = sgd_linear_regression(self.x_data, self.y_data, (v["start_x"], v["start_y"]), eta, steps,
                                                v["batch_size"])
            losses = np.maximum(costs - surface.minimum_value, 0.0)
        else:
            start = [v["start_x"]] if surface.dimension == 1 else [v["start_x"], v["start_y"]]
            path = descend(surface.gradient, start, eta, steps)
            losses = surface.excess(path)
        self.path, self.losses = path, losses
        # En SGD los pasos van y vienen por el ruido del mini-lote: se juzga solo por el coste.
        self.result = classify_trajectory(losses, path=None if key == SGD_MODE else path)
        self.escaped = bool(np.max(np.abs(path[-1])) > BOUND or not np.all(np.isfinite(path[-1])))

        lo, hi = surface.view
        shown = np.clip(np.nan_to_num(path, nan=0.0), 10 * lo, 10 * hi)  # fuera de la vista, recortado
        if surface.dimension == 1:
            heights = np.clip(surface.excess(shown) + surface.minimum_value, -1e4, 1e4)
            xy = np.column_stack([shown[:, 0], heights])
        else:
            xy = shown
        self.path_line.set_data(xy[:, 0], xy[:, 1])
        self.start_dot.set_data(xy[:1, 0], xy[:1, 1])
        self.end_dot.set_data(xy[-1:, 0], xy[-1:, 1])

        self.loss_axes.set_xlim(-0.02 * steps, 1.05 * steps)  # margen: la última etiqueta cabe
        plotted = np.clip(np.nan_to_num(losses, nan=LOSS_CEILING, posinf=LOSS_CEILING), LOSS_FLOOR,
                          LOSS_CEILING * 0.8)
        self.loss_line.set_data(np.arange(len(plotted)), plotted)
        self.verdict.set_text(self.result)
        self.verdict.set_color(VERDICT_COLORS[self.result])

    def caption(self):
        v = self.values()
        key, eta = v["surface"], v["learning_rate"]
        surface = self._surface(key)
        unit = "épocas" if key == SGD_MODE else "pasos"
        text = f"η = {f'{eta:.3g}'.replace('.', ',')} → {self.result}"
        reached = steps_to_reach(self.losses)
        final = float(self.losses[-1])
        if self.result == "diverge":
            where = f": |θ| supera {_short(BOUND)} en la actualización {len(self.path) - 1}" if self.escaped else ""
            text += where + " (η demasiado grande)."
        elif self.result == "oscila":
            text += f": J − J* no baja de forma sostenida (ahora {_short(final)})."
        elif reached is not None:
            text += f" en {reached} {unit} (J − J* < 10⁻⁶)."
        elif key == SGD_MODE and v["batch_size"] < len(self.x_data):
            text += f", con el ruido del mini-lote: J − J* = {_short(final)} en la última época."
        elif surface.local_minimum is not None and (np.linalg.norm(self.path[-1] - surface.local_minimum)
                                                    < np.linalg.norm(self.path[-1] - surface.minimum)):
            point = "; ".join(number(c, 2) for c in surface.local_minimum)
            text += f" hacia un mínimo local, θ ≈ ({point}), no hacia el global (★)."
        else:
            text += f", pero aún no ha llegado: J − J* = {_short(final)} tras {len(self.losses) - 1} {unit}."
        if surface.curvature is not None:
            text += f" η crítica = 2/λ_max = {_short(2 / surface.curvature)}."
        if key == SGD_MODE:
            b, m = v["batch_size"], len(self.x_data)
            kind = ("SGD estocástico (un ejemplo por paso)" if b == 1 else
                    "descenso por lotes (todo el conjunto)" if b == m else "mini-lotes")
            updates = -(-m // b)  # ⌈m/B⌉
            text += f" B = {b}: {kind}, {updates} actualizaci{'ón' if updates == 1 else 'ones'} por época."
        else:
            text += f" (El lote B = {v['batch_size']} solo se usa en «SGD en regresión lineal»"
            if surface.dimension == 1:
                text += f"; θ₂ inicial = {number(v['start_y'], 1)} no se usa en 1-D"
            text += ".)"
        return text


def _set_visible(artist, visible):
    """Muestra u oculta un artista (también un ContourSet de matplotlib 3.7, que no es un Artist)."""
    if hasattr(artist, "set_visible"):
        artist.set_visible(visible)
    for collection in getattr(artist, "collections", []) if not hasattr(artist, "set_visible") else []:
        collection.set_visible(visible)


def gradient_descent(**initial_values):
    """Demostración del descenso de gradiente (controles surface, learning_rate, steps, start_x,
    start_y, batch_size)."""
    return GradientDescentDemo(**initial_values)
