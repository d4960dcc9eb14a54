"""Demostración: capacidad del modelo, subajuste y sobreajuste con un ajuste polinómico.

Se ajusta por mínimos cuadrados un polinomio de grado d a m puntos de entrenamiento con ruido,
y = sin(2πx) + ruido (como en Bishop, 2006, cap. 1). A la izquierda, la función verdadera, los
puntos y el polinomio ajustado; a la derecha, el error cuadrático medio (ECM) de entrenamiento y
de validación para **todos** los grados, con una marca en el grado elegido:

- subajuste: el modelo es demasiado simple; ambos errores son altos;
- buen ajuste: el error de validación está cerca de su mínimo;
- sobreajuste: el error de entrenamiento sigue bajando, pero el de validación sube.

Las funciones puras (``fit_polynomial``, ``error_curves``, ``verdict``) no saben nada de widgets.
"""

import warnings

import numpy as np
import ipywidgets as widgets

from ..data import make_regression_1d
from .base import ROOM_MODE, Demo, decimal_comma_ticks, font, slider_style
from .rastertext import RasterText

MAX_DEGREE = 15
N_VALIDATION = 200
NOISE_LEVELS = [round(0.05 * k, 2) for k in range(21)]  # 0, 0,05, …, 1
ERROR_LIMITS = (1e-3, 1e3)
ERROR_FLOOR = 1.5e-3  # los errores casi nulos (sin ruido o interpolando) se dibujan en el borde inferior

# --- Cálculo puro ------------------------------------------------------------------------------


def fit_polynomial(x, y, degree):
    """Polinomio de grado ``degree`` que minimiza Σ (p(xᵢ) − yᵢ)² (mínimos cuadrados).

    Usa ``np.polynomial.Polynomial.fit``, que reescala x a [−1, 1] antes de resolver con
    ``lstsq``: así el sistema está bien condicionado incluso en grado 15. Si hay menos puntos
    que coeficientes, ``lstsq`` devuelve la solución de norma mínima que pasa por todos.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RankWarning cuando hay menos puntos que coeficientes
        return np.polynomial.Polynomial.fit(x, y, degree)


def mse(y_true, y_pred):
    """Error cuadrático medio: ECM = (1/m) Σ (ŷᵢ − yᵢ)²."""
    return float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))


def error_curves(x_train, y_train, x_val, y_val, degrees=range(1, MAX_DEGREE + 1)):
    """ECM de entrenamiento y de validación de un ajuste por cada grado: dos arrays (len(degrees),)."""
    train, val = [], []
    for degree in degrees:
        p = fit_polynomial(x_train, y_train, degree)
        train.append(mse(y_train, p(x_train)))
        val.append(mse(y_val, p(x_val)))
    return np.array(train), np.array(val)


def verdict(degree, train_errors, val_errors, degrees=None, tolerance=1.25, negligible=1e-3):
    """«subajuste», «buen ajuste» o «sobreajuste» según las curvas de error.

    Sea d* el grado de menor error de validación. Si el error de validación en ``degree`` no
    supera ``tolerance``·mínimo + ``negligible``, es buen ajuste; si lo supera, es subajuste por
    debajo de d* y sobreajuste por encima. ``negligible`` (un ECM de 10⁻³, invisible en la
    gráfica) evita llamar sobreajuste a un ajuste casi perfecto de datos sin ruido.
    """
    degrees = list(range(1, len(val_errors) + 1)) if degrees is None else list(degrees)
    best = int(np.argmin(val_errors))
    here = degrees.index(degree)
    if val_errors[here] <= tolerance * val_errors[best] + negligible:
        return "buen ajuste"
    return "subajuste" if here < best else "sobreajuste"


# --- La demostración ---------------------------------------------------------------------------

VERDICT_COLORS = {"subajuste": "#b35806", "buen ajuste": "#1a9850", "sobreajuste": "#d73027"}


class CapacityDemo(Demo):
    """Ajuste polinómico de grado d y curvas de error de entrenamiento y validación."""

    title = "Capacidad del modelo: subajuste y sobreajuste"
    room_height_px = 400

    def __init__(self, degree=3, n_points=15, noise=0.25, sample=0):
        style = slider_style()
        controls = {
            "degree": widgets.IntSlider(value=degree, min=1, max=MAX_DEGREE, description="Grado del polinomio d:",
                                        style=style),
            "n_points": widgets.IntSlider(value=n_points, min=8, max=100, description="Puntos de entrenamiento m:",
                                          style=style),
            # SelectionSlider y no FloatSlider: así la lectura del control sale con coma decimal
            "noise": widgets.SelectionSlider(options=[(f"{v:.2f}".replace(".", ","), v) for v in NOISE_LEVELS],
                                             value=noise, description="Ruido σ:", style=style),
            "sample": widgets.IntSlider(value=sample, min=0, max=20, description="Muestra (semilla):", style=style),
        }
        self._cache = {}
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["degree"], c["n_points"]], [c["noise"], c["sample"]]]

    def setup(self, figure):
        room = self.mode == ROOM_MODE  # en la sala: etiquetas más cortas para la letra de 20 px
        self.ax_fit, self.ax_err = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        grid = np.linspace(0, 1, 300)
        self.x_grid = grid
        ax = self.ax_fit
        ax.plot(grid, np.sin(2 * np.pi * grid), color="#31a354", lw=2, ls="--",
                label="verdadera sin(2πx)" if room else "función verdadera sin(2πx)")
        self.val_points, = ax.plot([], [], "o", color="#9e9e9e", ms=3, alpha=0.45, label="validación")
        self.train_points, = ax.plot([], [], "o", color="#08519c", ms=8, mec="white", mew=1.2, zorder=4,
                                     label="entrenamiento")
        self.curve, = ax.plot([], [], color="#d62728", lw=2.5, label="polinomio" if room else "polinomio ajustado")
        ax.set_xlim(0, 1)
        ax.set_ylim(-2.2, 2.2)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), fontsize=font(10), ncol=2, frameon=False,
                  borderaxespad=0, handlelength=1.2 if room else 1.6, columnspacing=1.0 if room else 2.0)
        # El veredicto cambia a menudo: se pinta con PIL (RasterText), más barato que un Text
        self.verdict_text = RasterText(ax, [0.45, 0.85, 0.53, 0.13] if room else [0.6, 0.87, 0.38, 0.11],
                                       fontsize=17, ha="right", bold=True, background=(1, 1, 1, 0.85))

        ax = self.ax_err
        degrees = np.arange(1, MAX_DEGREE + 1)
        self.train_line, = ax.plot(degrees, np.ones(MAX_DEGREE), "o-", color="#3182bd", ms=5, label="entrenamiento")
        self.val_line, = ax.plot(degrees, np.ones(MAX_DEGREE), "o-", color="#ff7f0e", ms=5, label="validación")
        self.marker_line = ax.axvline(1, color="#555555", lw=1.5, ls=":")
        self.marker, = ax.plot([1, 1], [1, 1], "o", ms=12, mfc="none", mec="black", mew=2)
        ax.set_yscale("log")
        ax.set_xlim(0.5, MAX_DEGREE + 0.5)
        ax.set_xticks(degrees[::2])
        ax.set_xlabel("grado d (capacidad)" if room else "grado del polinomio d (capacidad)")
        ax.set_ylabel("ECM (escala log)")
        if room:  # en la sala, la leyenda en una fila hace de título: dentro taparía las curvas
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.01), ncol=2, frameon=False, borderaxespad=0,
                      handlelength=1.2, columnspacing=1.0, fontsize=font(11))
        else:
            ax.set_title("Error frente a capacidad")
            ax.legend(loc="upper center", fontsize=11)
        ax.set_ylim(ERROR_LIMITS)  # fijos: cambiar los límites obligaría a redibujar todo (≈ 60 ms)
        decimal_comma_ticks(self.ax_fit, self.ax_err)  # 0,5 y −1 (solo en los ejes lineales)
        self.animate(self.val_points, self.train_points, self.curve, self.verdict_text.artist, self.marker_line,
                     self.marker, self.train_line, self.val_line)

    def _data(self, n_points, noise, sample):
        """Entrenamiento, validación y curvas de error para unos datos (en caché por sus parámetros)."""
        key = (n_points, round(noise, 4), sample)
        if key not in self._cache:
            x, y = make_regression_1d(n=n_points, noise=noise, seed=sample)
            x_val, y_val = make_regression_1d(n=N_VALIDATION, noise=noise, seed=10_000 + sample)
            train, val = error_curves(x, y, x_val, y_val)
            if len(self._cache) > 50:
                self._cache.clear()
            self._cache[key] = (x, y, x_val, y_val, train, val)
        return self._cache[key]

    def update(self):
        v = self.values()
        x, y, x_val, y_val, train, val = self._data(v["n_points"], v["noise"], v["sample"])
        degree = v["degree"]
        p = fit_polynomial(x, y, degree)
        self.train_points.set_data(x, y)
        self.val_points.set_data(x_val, y_val)
        self.curve.set_data(self.x_grid, np.clip(p(self.x_grid), -10, 10))

        floor = ERROR_FLOOR
        self.train_line.set_ydata(np.maximum(train, floor))
        self.val_line.set_ydata(np.maximum(val, floor))
        self.marker_line.set_xdata([degree, degree])
        self.marker.set_data([degree, degree], [max(train[degree - 1], floor), max(val[degree - 1], floor)])
        word = verdict(degree, train, val)
        self.verdict_text.set_text(word.capitalize(), color=VERDICT_COLORS[word])
        self._state = (degree, len(x), train[degree - 1], val[degree - 1], int(np.argmin(val)) + 1, word)

    def caption(self):
        degree, m, train, val, best, word = self._state
        fmt = lambda e: f"{e:.3g}".replace(".", ",")
        extra = " (más coeficientes que puntos: pasa por todos)" if degree + 1 > m else ""
        return (f"Grado {degree} ({degree + 1} coeficientes, m = {m} puntos){extra}: ECM de entrenamiento "
                f"{fmt(train)}, de validación {fmt(val)}; el mejor grado en validación es {best} → {word}.")


def capacity(**initial_values):
    """Demostración de capacidad: grado del polinomio, puntos, ruido y curvas de error."""
    return CapacityDemo(**initial_values)
