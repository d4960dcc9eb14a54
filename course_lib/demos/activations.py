"""Demostración: funciones de activación f(z) y sus derivadas f'(z).

Dos paneles: a la izquierda a = f(z) y a la derecha f'(z), con un marcador móvil en z que
muestra los dos valores, otra función opcional para comparar (línea discontinua) y, sombreadas,
las zonas donde el gradiente se desvanece: |f'(z)| < umbral (0,01 por defecto). Es lo que pasa en
la retropropagación: el gradiente que llega a z se multiplica por f'(z), así que donde f'(z) ≈ 0
la neurona casi no aprende.

Las funciones son las del motor (``course_lib.nn.activations``). Softmax es vectorial (K entradas
y K salidas que suman 1), así que aquí se muestra la primera componente de softmax([z, 0]),
que es e^z / (e^z + e^0) = σ(z): softmax con dos clases es la sigmoide, y su derivada
∂a₁/∂z = a₁(1 − a₁) es la de la sigmoide.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from ..nn import activations as engine
from .base import ROOM_MODE, Demo, decimal_comma_ticks, decimal_slider, font, number, slider_style, value_slider


#: Etiqueta en español → nombre del motor.
ACTIVATION_CHOICES = [
    ("lineal", "linear"),
    ("escalón", "step"),
    ("sigmoide", "sigmoid"),
    ("tanh", "tanh"),
    ("ReLU", "relu"),
    ("Leaky ReLU (α = 0,01)", "leaky_relu"),
    ("ELU (α = 1)", "elu"),
    ("Swish (SiLU)", "swish"),
    ("GELU", "gelu"),
    ("softmax de (z, 0), 1.ª componente", "softmax"),
]
LABELS = dict((name, label) for label, name in ACTIVATION_CHOICES)
BOUNDED = {"step", "sigmoid", "tanh", "softmax"}  # rango dentro de [−1, 1]

#: Una observación por función, para el panel de la derivada.
NOTES = {
    "linear": "f'(z) = 1: el gradiente nunca se desvanece,\npero capas lineales apiladas = una capa lineal",
    "step": "f'(z) = 0 si z ≠ 0 y no existe en z = 0:\nno sirve para la retropropagación",
    "sigmoid": "máximo de σ'(z): 0,25 en z = 0",
    "tanh": "máximo de tanh'(z): 1 en z = 0",
    "relu": "f'(z) = 0 si z < 0 (neurona muerta si siempre\nz < 0); en z = 0 se toma f'(0) = 0",
    "leaky_relu": "f'(z) = α = 0,01 si z < 0: nunca es 0",
    "elu": "f'(z) = f(z) + α si z ≤ 0;\nsi z → −∞, f → −α y f' → 0",
    "swish": "no monótona: mínimo de f ≈ −0,278 en z ≈ −1,28",
    "gelu": "no monótona: mínimo de f ≈ −0,170 en z ≈ −0,75",
    "softmax": "∂a₁/∂z = a₁(1 − a₁): la derivada de σ(z)",
}
#: Las mismas observaciones, en líneas cortas para la letra de 20 px de la sala (base.projector_mode).
ROOM_NOTES = {
    "linear": "f' = 1: nunca se desvanece, pero\napilarlas da una capa lineal",
    "step": "f' = 0 si z ≠ 0 (en 0 no existe):\nno sirve para retropropagar",
    "sigmoid": "máximo de σ'(z): 0,25 en z = 0",
    "tanh": "máximo de tanh'(z): 1 en z = 0",
    "relu": "f' = 0 si z ≤ 0: neurona muerta\nsi siempre z < 0",
    "leaky_relu": "f' = α = 0,01 si z < 0: nunca 0",
    "elu": "f' = f + α si z ≤ 0;\nsi z → −∞, f → −α y f' → 0",
    "swish": "no monótona: mín. de f ≈ −0,278\nen z ≈ −1,28",
    "gelu": "no monótona: mín. de f ≈ −0,170\nen z ≈ −0,75",
    "softmax": "∂a₁/∂z = a₁(1 − a₁) = σ'(z)",
}

Z_MIN, Z_MAX = -6.0, 6.0
THRESHOLDS = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1]   # escala logarítmica 1-2-5
F_LIMITS = {True: (-1.25, 1.3), False: (-1.6, 6.3)}  # ¿acotadas? → límites del panel de f
DF_LIMITS = (-0.15, 1.65)  # hueco arriba para el recuadro de texto
MAIN_COLOR, COMPARE_COLOR = "#1f4e9c", "#d35400"
MAX_BANDS = 6  # tramos sombreados como mucho (GELU y Swish tienen 3)


def evaluate(name, z):
    """f(z) y f'(z) de la activación ``name`` (nombre del motor) en los puntos z.

    Para "softmax" se toma la primera componente de softmax([z, 0]) y ∂a₁/∂z (la diagonal de
    la jacobiana), que coinciden con σ(z) y σ'(z).
    """
    z = np.asarray(z, dtype=float)
    if name == "softmax":
        softmax = engine.get("softmax")
        pairs = np.stack([z, np.zeros_like(z)], axis=-1)
        return softmax(pairs)[..., 0], softmax.derivative(pairs)[..., 0, 0]
    function = engine.get(name)
    return function(z), function.derivative(z)


def vanishing_mask(derivative, threshold=0.01):
    """Dónde se desvanece el gradiente: |f'(z)| < umbral."""
    return np.abs(derivative) < threshold


def mask_intervals(z, mask):
    """Los tramos [z_inicio, z_fin] donde ``mask`` es verdadera (z ordenada), como lista de pares."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(z[a]), float(z[b])) for a, b in zip(starts, ends)]


def break_jumps(z, values, jump=0.5):
    """Inserta NaN entre dos puntos consecutivos que saltan más de ``jump`` (el escalón en z = 0),
    para que la línea no dibuje un tramo vertical que la función no tiene."""
    gaps = np.flatnonzero(np.abs(np.diff(values)) > jump) + 1
    return np.insert(z, gaps, np.nan), np.insert(values, gaps, np.nan)


def _num(value, decimals=3):
    return number(value, decimals)


class ActivationsDemo(Demo):
    title = "Funciones de activación y sus derivadas"
    room_height_px = 400

    def __init__(self, function="sigmoid", compare="ninguna", z=1.0, threshold=0.01):
        style = slider_style()
        controls = {
            "function": widgets.Dropdown(options=ACTIVATION_CHOICES, value=function, description="función f",
                                         style=style),
            "compare": widgets.Dropdown(options=[("ninguna", "ninguna")] + ACTIVATION_CHOICES, value=compare,
                                        description="comparar con", style=style),
            "z": decimal_slider(z, Z_MIN, Z_MAX, 0.1, "preactivación z"),
            "threshold": value_slider(threshold, THRESHOLDS, "umbral de |f'(z)|"),
        }
        self._bounded = None  # ¿el fondo actual es el de funciones acotadas?
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["function"], c["compare"]], [c["z"], c["threshold"]]]

    def setup(self, figure):
        self.f_axes, self.df_axes = figure.subplots(1, 2)
        self.z_grid = np.linspace(Z_MIN, Z_MAX, 601)
        self.shades, self.main, self.other, self.markers, self.guides = [], [], [], [], []
        for ax in (self.f_axes, self.df_axes):
            # Bandas grises (x en datos, y de 0 a 1 en el eje): se recolocan en cada actualización.
            self.shades.append([
                ax.add_patch(Rectangle((0, 0), 0, 1, transform=ax.get_xaxis_transform(), color="0.55", alpha=0.3, lw=0,
                                       zorder=0, visible=False))
                for _ in range(MAX_BANDS)
            ])
            self.main.append(ax.plot([], [], color=MAIN_COLOR, lw=3, zorder=3)[0])
            self.other.append(ax.plot([], [], color=COMPARE_COLOR, lw=2.5, ls="--", zorder=2)[0])
            self.guides.append(ax.axvline(0, color="0.35", lw=1.5, ls=":", zorder=1))
            self.markers.append(ax.plot([], [], "o", ms=11, color=MAIN_COLOR, mec="white", mew=2, zorder=4)[0])
            ax.axhline(0, color="0.5", lw=1)
            ax.set_xlim(Z_MIN, Z_MAX)
            ax.set_xlabel("preactivación z")
        room = self.mode == ROOM_MODE  # en la sala, títulos cortos y observaciones en dos líneas
        self.notes = ROOM_NOTES if room else NOTES
        self.f_axes.set(ylabel="a = f(z)", title="Activación f(z)" if room else "Función de activación f(z)")
        self.df_axes.set(ylabel="f'(z)", title="Derivada f'(z)  (gris: f' ≈ 0)" if room
                         else "Derivada f'(z)  (sombreado: gradiente ≈ 0)",
                         ylim=(DF_LIMITS[0], 2.0) if room else DF_LIMITS)  # sala: sitio para 3 líneas de 20 px
        box = dict(boxstyle="round", fc="white", ec="0.7", alpha=0.9)
        self.f_text = self.f_axes.text(0.03, 0.96, "", transform=self.f_axes.transAxes, va="top", fontsize=font(13),
                                       bbox=box, zorder=5)
        self.df_text = self.df_axes.text(0.03, 0.96, "", transform=self.df_axes.transAxes, va="top",
                                         fontsize=font(12), bbox=box, zorder=5)
        self.name_main = self.f_axes.text(0.97, 0.05, "", transform=self.f_axes.transAxes, ha="right",
                                          fontsize=font(13), color=MAIN_COLOR, fontweight="bold", zorder=5)
        self.name_other = self.f_axes.text(0.97, 0.15 if room else 0.14, "", transform=self.f_axes.transAxes,
                                           ha="right", fontsize=font(13), color=COMPARE_COLOR, zorder=5)
        decimal_comma_ticks(self.f_axes, self.df_axes)
        self._set_f_limits(True)
        self.animate(*self.shades[0], *self.shades[1], *self.guides, *self.other, *self.main, *self.markers,
                     self.f_text, self.df_text, self.name_main, self.name_other)

    def background_key(self):
        return self._bounded

    def _set_f_limits(self, bounded):
        if bounded != self._bounded:
            self._bounded = bounded
            self.f_axes.set_ylim(*F_LIMITS[bounded])
            self.redraw_all()

    def update(self):
        v = self.values()
        name, other, z0, threshold = v["function"], v["compare"], v["z"], v["threshold"]
        has_other = other != "ninguna"
        self._set_f_limits(name in BOUNDED and (not has_other or other in BOUNDED))

        f, df = evaluate(name, self.z_grid)
        mask = vanishing_mask(df, threshold)
        self.vanishing_fraction = float(mask.mean())
        bands = mask_intervals(self.z_grid, mask)[:MAX_BANDS]
        for patches in self.shades:
            for patch, band in zip(patches, bands + [None] * (MAX_BANDS - len(bands))):
                patch.set_visible(band is not None)
                if band is not None:
                    patch.set_x(band[0])
                    patch.set_width(band[1] - band[0])
        self.main[0].set_data(*break_jumps(self.z_grid, f))
        self.main[1].set_data(*break_jumps(self.z_grid, df))

        for line, values in zip(self.other, evaluate(other, self.z_grid) if has_other else (None, None)):
            # (también la derivada: la de ReLU o Leaky ReLU salta en z = 0)
            line.set_visible(has_other)
            if has_other:
                line.set_data(*break_jumps(self.z_grid, values))
        self.name_other.set_visible(has_other)
        self.name_other.set_text(f"- - {LABELS[other]}" if has_other else "")
        self.name_main.set_text(f"── {LABELS[name]}")

        f0, df0 = (float(x) for x in evaluate(name, z0))
        self.values_at_z = (z0, f0, df0)
        self.markers[0].set_data([z0], [f0])
        self.markers[1].set_data([z0], [df0])
        for guide in self.guides:
            guide.set_xdata([z0, z0])
        self.f_text.set_text(f"z = {_num(z0, 2)}\nf(z) = {_num(f0)}")
        derivative_text = "no existe" if name == "step" and z0 == 0 else _num(df0)
        self.df_text.set_text(f"f'({_num(z0, 2)}) = {derivative_text}\n{self.notes[name]}")

    def caption(self):
        v = self.values()
        z0, f0, df0 = self.values_at_z
        percent = _num(100 * self.vanishing_fraction, 0)
        threshold = f"{v['threshold']:.2g}".replace(".", ",")
        return (
            f"{LABELS[v['function']]}: f({_num(z0, 2)}) = {_num(f0)}, f'({_num(z0, 2)}) = {_num(df0)}. "
            f"|f'(z)| < {threshold} (zona sombreada) en el {percent} % del "
            f"intervalo [−6, 6]."
        )


def activations(**initial_values):
    """Demostración de las activaciones (controles function, compare, z, threshold)."""
    return ActivationsDemo(**initial_values)
