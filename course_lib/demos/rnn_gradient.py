"""Demostración: cómo se desvanece (o explota) el gradiente a lo largo del tiempo en una RNN.

Una red recurrente simple de n unidades, h_t = f(h_{t−1}·U + x_t), h_0 = 0, recibe T entradas
aleatorias x_t (normales, con desviación típica «escala de la entrada»). La matriz recurrente es
U = ρ·Q, con Q ortogonal (fija, con semilla): todos sus valores singulares valen ρ. La
retropropagación a través del tiempo multiplica, paso a paso, las jacobianas

    ∂h_t/∂h_{t−1} = diag(f'(z_t))·Uᵀ,     z_t = h_{t−1}·U + x_t,

así que ‖∂h_T/∂h_{T−k}‖ ≤ (ρ·max|f'|)^k: con f lineal es exactamente ρ^k (se desvanece si ρ < 1
y explota si ρ > 1); con tanh, la saturación (|f'| < 1) lo reduce todavía más; con la sigmoide,
|f'| ≤ 0,25. Es el análisis de Bengio, Simard y Frasconi (1994) y de Pascanu, Mikolov y
Bengio (2013).

Panel izquierdo: ‖∂h_T/∂h_{T−k}‖₂ frente a la distancia k (escala logarítmica) y la recta ρ^k.
Panel derecho: la saturación, que es lo que separa la curva de ρ^k: la media de f'(z_t) sobre las
unidades en cada paso t, con el máximo de f' (1 en tanh, ReLU y lineal; 0,25 en la sigmoide). Cada
paso hacia atrás multiplica el gradiente por algo del orden de ρ·f'(z_t).
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ..nn import activations as engine
from .base import ROOM_MODE, Demo, DemoMessage, decimal_comma_ticks, decimal_slider, fmt, font, slider_style
from .rastertext import RasterText

ACTIVATION_CHOICES = [("tanh", "tanh"), ("sigmoide", "sigmoid"), ("ReLU", "relu"), ("lineal", "linear")]
LABELS = {name: label for label, name in ACTIVATION_CHOICES}
UNITS = 16
MAX_STEPS = 100
GRADIENT_LIMITS = (1e-12, 1e12)
MAX_DERIVATIVE = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}  # máx f'(z)
COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]  # paleta de Okabe e Ito (daltónicos)


def orthogonal_matrix(n, seed=0):
    """Una matriz n×n ortogonal fija (QR de una normal, con el signo de la diagonal de R corregido)."""
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def rnn_gradient_norms(rho, activation="tanh", steps=50, input_scale=1.0, units=UNITS, seed=0,
                       with_derivatives=False):
    """Recorre la RNN y devuelve ``(h, normas)`` (y ``f'(z)``, forma (steps, units), si ``with_derivatives``).

    h: (steps + 1, units), con h[0] = 0.  normas: (steps,), normas[k − 1] = ‖∂h_T/∂h_{T−k}‖₂
    (norma espectral) para k = 1 … T, calculada multiplicando las jacobianas diag(f'(z_t))·Uᵀ
    desde t = T hacia atrás, como hace la retropropagación a través del tiempo.
    """
    if steps < 1:
        raise ValueError(f"Se necesita al menos un paso de tiempo; se recibió {steps}.")
    f = engine.get(activation)
    U = rho * orthogonal_matrix(units, seed)
    x = input_scale * np.random.default_rng(seed + 1).normal(size=(steps, units))
    h = np.zeros((steps + 1, units))
    derivatives = np.empty((steps, units))
    for t in range(steps):
        z = h[t] @ U + x[t]
        h[t + 1] = f(z)
        derivatives[t] = f.derivative(z)
    product = np.eye(units)
    norms = np.empty(steps)
    for k in range(1, steps + 1):
        t = steps - k  # la jacobiana del paso t + 1: ∂h_{t+1}/∂h_t = diag(f'(z_{t+1}))·Uᵀ
        product = product @ (derivatives[t][:, None] * U.T)
        norms[k - 1] = np.linalg.norm(product, 2)
    return (h, norms, derivatives) if with_derivatives else (h, norms)


def scientific(value):
    """Número en notación científica para el estudiante: 3,2·10⁻⁵ (o «0» si es cero)."""
    if value == 0 or not np.isfinite(value):
        return "0" if value == 0 else "∞"
    exponent = int(np.floor(np.log10(abs(value))))
    if -2 <= exponent <= 3:
        return fmt(value, 3 if exponent < 0 else 2)
    mantissa = value / 10 ** exponent
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{fmt(mantissa, 1)}·10{superscript}"


def verdict(norm):
    """Palabra para el estudiante según el factor total ‖∂h_T/∂h_0‖."""
    if norm < 1e-3:
        return "se desvanece"
    if norm > 1e3:
        return "explota"
    return "se conserva más o menos"


class RNNGradientDemo(Demo):
    title = "El gradiente a través del tiempo en una red recurrente"
    room_height_px = 430

    def __init__(self, rho=0.9, activation="tanh", steps=50, input_scale=1.0):
        style = slider_style()
        controls = {
            "rho": decimal_slider(rho, 0.1, 2.5, 0.05, "escala de U (ρ)"),
            "activation": widgets.Dropdown(options=ACTIVATION_CHOICES, value=activation, description="activación f",
                                           style=style),
            "steps": widgets.IntSlider(value=steps, min=0, max=MAX_STEPS, step=1, description="pasos de tiempo T",
                                       continuous_update=True, style=style),
            "input_scale": decimal_slider(input_scale, 0.0, 3.0, 0.1, "escala de la entrada"),
        }
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["rho"], c["activation"]], [c["steps"], c["input_scale"]]]

    def setup(self, figure):
        # En la sala (letra ≥ 20 px): títulos y leyendas más cortos, menos marcas y sitio para el recuadro.
        room = self.mode == ROOM_MODE
        self.grad_axes, self.state_axes = figure.subplots(1, 2)
        ax = self.grad_axes
        ax.set_yscale("log")
        # En la sala, por encima de 10¹² queda una franja para el recuadro y la leyenda (sin tapar las curvas).
        ax.set(xlim=(0, MAX_STEPS), ylim=(GRADIENT_LIMITS[0], 1e25 if room else GRADIENT_LIMITS[1]),
               xlabel="distancia en el tiempo k" if room else "distancia en el tiempo k (pasos)",
               ylabel=r"$\Vert\partial h_T\,/\,\partial h_{T-k}\Vert$",
               title="Gradiente que llega k pasos atrás" if room else "Norma del gradiente que llega k pasos atrás")
        if room:  # 10⁻¹² … 10¹²; encima, el sitio del recuadro
            ax.set_yticks([1e-12, 1e-6, 1, 1e6, 1e12])
            ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.axhline(1.0, color="0.5", lw=1)
        self.reference = ax.plot([], [], color="0.45", ls="--", lw=2,
                                 label=r"$\rho^k$ (f lineal)" if room else r"$\rho^k$ (exacta con f lineal)")[0]
        self.norm_line = ax.plot([], [], color=COLORS[0], lw=3,
                                 label="la RNN" if room else "RNN con la activación elegida")[0]
        if room:  # las curvas se cortan en 10¹², debajo de la franja del recuadro y la leyenda
            for line in (self.reference, self.norm_line):
                line.set_clip_path(Rectangle((0, GRADIENT_LIMITS[0]), MAX_STEPS, GRADIENT_LIMITS[1] - GRADIENT_LIMITS[0],
                                             transform=ax.transData))
        # La leyenda, animada: se pinta después de las curvas, así ninguna curva la tapa.
        self.legend = ax.legend(fontsize=font(11), framealpha=1,
                                **({"loc": "upper left", "bbox_to_anchor": (0, 0.76), "ncols": 2, "borderaxespad": 0.2,
                                    "handlelength": 1.5, "columnspacing": 1} if room else {"loc": "lower left"}))
        # Textos que cambian en cada actualización: con PIL (RasterText), mucho más rápidos que un Text.
        box = (1.0, 1.0, 1.0, 0.85)
        self.grad_text = RasterText(ax, [0.02, 0.76, 0.97, 0.23] if room else [0.02, 0.75, 0.9, 0.23],
                                    fontsize=13 if room else 14, ha="left", background=box)
        ax = self.state_axes
        ax.set(xlim=(0, MAX_STEPS), ylim=(0, 1.45), yticks=[0, 0.25, 0.5, 0.75, 1], xlabel="paso de tiempo t",
               ylabel=r"media de $f\,'(z_t)$",
               title="La saturación: f′ en cada paso" if room else "La saturación: la derivada en cada paso")
        if room:
            ax.set(ylim=(0, 1.6), yticks=[0, 0.5, 1])
            ax.xaxis.set_major_locator(MaxNLocator(4))
        self.maximum_line = ax.plot([], [], color="0.45", ls="--", lw=2, label="máximo de f′")[0]
        self.derivative_line = ax.plot([], [], color=COLORS[1], lw=3,
                                       label="media de f′(zₜ)" if room else "media de f′(zₜ) en las 16 unidades")[0]
        self.derivative_legend = ax.legend(loc="upper right", fontsize=font(11), framealpha=1,
                                           **({"ncols": 2, "borderaxespad": 0.2, "handlelength": 1.5,
                                               "columnspacing": 1} if room else {}))
        decimal_comma_ticks(self.grad_axes, self.state_axes)
        # En la sala las leyendas quedan por encima de las curvas (en su franja): van en el fondo, que no se repinta.
        legends = [] if room else [self.legend, self.derivative_legend]
        self.animate(self.reference, self.norm_line, self.maximum_line, self.derivative_line, *legends,
                     self.grad_text.artist)

    def update(self):
        v = self.values()
        rho, name, steps, scale = v["rho"], v["activation"], int(v["steps"]), v["input_scale"]
        if steps < 1:
            for line in [self.reference, self.norm_line, self.maximum_line, self.derivative_line]:
                line.set_data([], [])
            self.grad_text.set_text("")
            self.result = None
            raise DemoMessage("Con T = 0 pasos no hay secuencia: elige al menos 1 paso de tiempo.")
        with np.errstate(over="ignore", invalid="ignore"):
            h, norms, derivatives = rnn_gradient_norms(rho, name, steps, scale, with_derivatives=True)
        k = np.arange(1, steps + 1)
        low, high = GRADIENT_LIMITS
        self.reference.set_data(k, np.clip(rho ** k, low / 10, high * 10))
        self.norm_line.set_data(k, np.clip(np.nan_to_num(norms, nan=high * 10, posinf=high * 10), low / 10, high * 10))
        t = np.arange(1, steps + 1)
        mean_derivative = derivatives.mean(axis=1)
        peak = MAX_DERIVATIVE[name]
        self.maximum_line.set_data([0, MAX_STEPS], [peak, peak])
        self.derivative_line.set_data(t, mean_derivative)
        total = float(norms[-1])
        self.result = (total, verdict(total), float(mean_derivative.mean()))
        outside = "" if total == 0 or low <= total <= high else " (fuera)"
        if self.mode == ROOM_MODE:  # líneas más cortas: a 20 px caben unos 33 caracteres
            self.grad_text.set_text(f"{LABELS[name]}, ρ = {fmt(rho)}, T = {steps}\ngradiente × {scientific(total)}"
                                    f"{outside}\n{verdict(total)}")
        else:
            self.grad_text.set_text(f"{LABELS[name]}, ρ = {fmt(rho)}\nen {steps} pasos: × {scientific(total)}{outside}\n"
                                    f"el gradiente {verdict(total)}")

    def caption(self):
        if self.result is None:
            return ""
        total, word, mean = self.result
        v = self.values()
        rho = v["rho"]
        trend = "tiende a encogerlo" if rho * mean < 1 else "tiende a agrandarlo"
        return (f"{LABELS[v['activation']]}, ρ = {fmt(rho)}, T = {v['steps']}: el gradiente que vuelve "
                f"{v['steps']} pasos atrás se multiplica por {scientific(total)}; {word}. Media de f′ = "
                f"{fmt(mean, 2)}: cada paso atrás multiplica por algo del orden de ρ · f′ = {fmt(rho * mean, 2)}, "
                f"que {trend}.")


def rnn_gradient(**initial_values):
    """Demostración del gradiente a través del tiempo (controles rho, activation, steps, input_scale)."""
    return RNNGradientDemo(**initial_values)
