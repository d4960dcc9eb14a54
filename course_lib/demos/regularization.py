"""Demostración: regularización L1, L2 y dropout en un ajuste polinómico de grado 12.

Un polinomio de grado 12 con pocos puntos sobreajusta. Se penaliza el coste con

    J(w) = (1/m) Σᵢ (ŷᵢ − yᵢ)² + λ·Σⱼ |wⱼ|     (L1)      o      + λ·Σⱼ wⱼ²     (L2)

(sin el ½, como Keras y ``course_lib.nn``; el sesgo b no se penaliza).

**Decisión de diseño (rapidez y claridad).** Las 12 características (x, x², …, x¹²) se
ortonormalizan sobre los puntos de entrenamiento (descomposición QR de la matriz de Vandermonde
estandarizada, escalada para que XᵀX = m·I). El modelo sigue siendo el mismo polinomio de grado
12, pero con esa base el mínimo tiene forma cerrada y se calcula al instante en cada cambio:

- sin regularización: w = b, con b = Xᵀy/m (mínimos cuadrados);
- L2 (ridge): w = b/(1 + λ): **encoge todos** los pesos en la misma proporción, ninguno llega a 0;
- L1 (lasso): w = signo(b)·max(|b| − λ/2, 0): **resta** λ/2 a cada |peso| y deja **exactamente
  en 0** los que no llegan (umbral suave, *soft thresholding*).

**Dropout sin red.** Entrenar redes con dropout en cada cambio de un control es demasiado lento
para una demostración en clase, así que se usa su análogo exacto en un modelo lineal: apagar cada
característica con probabilidad p (y escalar las demás por 1/(1 − p)) equivale, en promedio, a
una penalización L2 de coeficiente p/(1 − p) por el tamaño de cada característica (Srivastava et
al., 2014, §9.1; Wager et al., 2013). Con esta base, E[J_dropout] = J + (p/(1 − p))·Σⱼ wⱼ², y el
mínimo se encoge por (1 − p): w = umbral(b)·(1 − p). Los tests lo comprueban promediando máscaras.
"""

import numpy as np
import ipywidgets as widgets

from ..data import make_regression_1d
from .base import Demo, slider_style
from .convolution import RasterText

DEGREE = 12
NOISE = 0.3
DATA_SEED = 10  # una muestra sin grandes huecos entre puntos (los huecos hacen oscilar cualquier ajuste)
STRENGTHS = [0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
DROPOUT_RATES = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]

# --- Cálculo puro ------------------------------------------------------------------------------


class OrthonormalPolynomialBasis:
    """Las características x, x², …, x^grado, estandarizadas y ortonormalizadas sobre ``x_train``.

    ``features(x)`` devuelve X (len(x), grado) con Xᵀ X = m·I en los puntos de entrenamiento y
    columnas de media 0; es el mismo espacio de polinomios de grado ≤ ``degree`` (más el sesgo).
    """

    def __init__(self, x_train, degree=DEGREE):
        x_train = np.asarray(x_train, dtype=float)
        if len(x_train) <= degree:
            raise ValueError(
                f"Hacen falta más de {degree} puntos para una base de grado {degree}; hay {len(x_train)}."
            )
        self.degree = degree
        raw = self._powers(x_train)
        self.mean, self.std = raw.mean(axis=0), raw.std(axis=0)
        q, r = np.linalg.qr((raw - self.mean) / self.std)
        self.r = r
        self.m = len(x_train)

    def _powers(self, x):
        t = 2 * np.asarray(x, dtype=float) - 1  # x ∈ [0, 1] → t ∈ [−1, 1]: potencias bien condicionadas
        return t[:, None] ** np.arange(1, self.degree + 1)

    def features(self, x):
        standardized = (self._powers(x) - self.mean) / self.std
        return np.sqrt(self.m) * np.linalg.solve(self.r.T, standardized.T).T  # √m · V·R⁻¹


def least_squares_weights(X, y):
    """b = Xᵀ(y − ȳ)/m: los pesos de mínimos cuadrados cuando XᵀX = m·I (y el sesgo es ȳ)."""
    return X.T @ (y - y.mean()) / len(y)


def regularized_weights(b, penalty="L2", strength=0.0, dropout=0.0):
    """Mínimo de J(w) = (1/m)‖y − Xw‖² + penalización, con XᵀX = m·I (forma cerrada).

    L2: w = b/(1 + λ).   L1: w = signo(b)·max(|b| − λ/2, 0).
    Dropout p (en promedio, L2 de coeficiente p/(1 − p)): divide además por 1 + p/(1 − p) = 1/(1 − p).
    """
    if strength < 0 or not 0 <= dropout < 1:
        raise ValueError(f"Se esperaban λ ≥ 0 y 0 ≤ p < 1; se recibió λ = {strength}, p = {dropout}.")
    b = np.asarray(b, dtype=float)
    if penalty == "L2":
        w = b / (1 + strength)
    elif penalty == "L1":
        w = np.sign(b) * np.maximum(np.abs(b) - strength / 2, 0.0)
    else:
        raise ValueError(f"Penalización desconocida: {penalty!r}; usa «L1» o «L2».")
    return w * (1 - dropout)


def penalized_cost(X, y, w, penalty="L2", strength=0.0):
    """J(w) = (1/m) Σ (ŷ − y)² + λ·Σ|w| (L1) o + λ·Σ w² (L2), con ŷ = ȳ + X·w."""
    residual = y.mean() + X @ w - y
    term = np.abs(w).sum() if penalty == "L1" else (w ** 2).sum()
    return float(np.mean(residual ** 2) + strength * term)


def dropout_cost(X, y, w, rate, masks):
    """Coste medio con dropout de las características: ŷ = ȳ + (M ⊙ X / (1 − p))·w, M ~ Bernoulli(1 − p).

    ``masks``: array (k, m, d) de 0/1; devuelve la media del ECM sobre las k máscaras.
    """
    predictions = y.mean() + np.einsum("kmd,d->km", masks * X / (1 - rate), w)
    return float(np.mean((predictions - y) ** 2))


# --- La demostración ---------------------------------------------------------------------------

PENALTIES = {"L1 (lasso)": "L1", "L2 (ridge)": "L2"}


def _fmt(value):
    return f"{value:g}".replace(".", ",")


class RegularizationDemo(Demo):
    """El polinomio regularizado frente al sin regularizar, y sus 12 pesos."""

    title = "Regularización L1, L2 y dropout (polinomio de grado 12)"

    def __init__(self, penalty="L2 (ridge)", strength=0.0, dropout=0.0, n_points=20):
        style = slider_style()
        controls = {
            "penalty": widgets.ToggleButtons(options=list(PENALTIES), value=penalty, description="Penalización:",
                                             style={**style, "button_width": "110px"}),
            "strength": widgets.SelectionSlider(options=[(_fmt(s), s) for s in STRENGTHS], value=strength,
                                                description="Intensidad λ:", style=style,
                                                layout=widgets.Layout(width="420px")),
            "dropout": widgets.SelectionSlider(options=[(_fmt(p), p) for p in DROPOUT_RATES], value=dropout,
                                               description="Dropout p:", style=style),
            "n_points": widgets.IntSlider(value=n_points, min=15, max=80, description="Puntos de entrenamiento m:",
                                          style=style),
        }
        self._data_cache = {}
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["penalty"], c["strength"]], [c["dropout"], c["n_points"]]]

    def setup(self, figure):
        self.ax_fit, self.ax_w = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        self.x_grid = np.linspace(0, 1, 300)
        ax = self.ax_fit
        ax.plot(self.x_grid, np.sin(2 * np.pi * self.x_grid), color="#31a354", lw=2, ls="--",
                label="función verdadera")
        self.plain_curve, = ax.plot([], [], color="#9e9e9e", lw=1.8, label="sin regularizar")
        self.curve, = ax.plot([], [], color="#d62728", lw=2.8, label="regularizado")
        self.points, = ax.plot([], [], "o", color="#08519c", ms=7, mec="white", zorder=4, label="entrenamiento")
        ax.set_xlim(0, 1)
        ax.set_ylim(-2, 2)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=2, fontsize=10, frameon=False, borderaxespad=0)
        # Los textos que cambian se pintan con PIL (RasterText): un Text de matplotlib cuesta 3–5 ms
        self.cost_text = RasterText(ax, [0.02, 0.03, 0.62, 0.08], fontsize=13, ha="left",
                                    background=(1, 1, 1, 0.85))

        ax = self.ax_w
        index = np.arange(1, DEGREE + 1)
        self.plain_bars = ax.bar(index, np.zeros(DEGREE), width=0.8, color="none", edgecolor="#9e9e9e", lw=1.5,
                                 ls="--", label="sin regularizar")
        self.bars = ax.bar(index, np.zeros(DEGREE), width=0.55, color="#d62728", label="regularizado")
        self.zeros = ax.scatter([], [], marker="x", s=80, color="black", linewidths=2.5, zorder=5,
                                label="peso exactamente 0")
        ax.axhline(0, color="black", lw=1)
        ax.set_xticks(index)
        ax.set_ylim(-0.9, 0.9)  # con esta base y estos datos, |b| < 0,8 para todo m (fijo: no hay que redibujar)
        ax.set_xlabel("j (peso wⱼ del polinomio ortogonal de grado j)")
        ax.set_ylabel("valor del peso")
        ax.legend(loc="upper right", fontsize=10)
        ax.set_title(" ")  # reserva el sitio del título
        self.weights_title = RasterText(ax, [-0.1, 1.01, 1.2, 0.1])
        self.animate(self.plain_curve, self.curve, self.points, self.cost_text.artist, *self.plain_bars, *self.bars,
                     self.zeros, self.weights_title.artist)

    def _data(self, n_points):
        if n_points not in self._data_cache:
            x, y = make_regression_1d(n=n_points, noise=NOISE, seed=DATA_SEED)
            basis = OrthonormalPolynomialBasis(x)
            X = basis.features(x)
            # Los polinomios se dibujan solo entre el primer y el último punto: fuera de ahí (extrapolación)
            # cualquier polinomio de grado 12 se dispara, regularizado o no.
            x_grid = np.linspace(x.min(), x.max(), 300)
            self._data_cache[n_points] = (x, y, X, x_grid, basis.features(x_grid), least_squares_weights(X, y))
        return self._data_cache[n_points]

    def update(self):
        v = self.values()
        penalty, strength, rate = PENALTIES[v["penalty"]], v["strength"], v["dropout"]
        x, y, X, x_grid, X_grid, b = self._data(v["n_points"])
        w = regularized_weights(b, penalty, strength, rate)
        self.points.set_data(x, y)
        self.plain_curve.set_data(x_grid, np.clip(y.mean() + X_grid @ b, -5, 5))
        self.curve.set_data(x_grid, np.clip(y.mean() + X_grid @ w, -5, 5))
        for bar, value in zip(self.plain_bars, b):
            bar.set_height(value)
        for bar, value in zip(self.bars, w):
            bar.set_height(value)
        zero = np.flatnonzero(w == 0)
        self.zeros.set_offsets(np.column_stack([zero + 1, np.zeros(len(zero))]))
        train_mse = float(np.mean((y.mean() + X @ w - y) ** 2))
        self.cost_text.set_text(f"ECM de entrenamiento = {train_mse:.3f}".replace(".", ","))
        n_zero = len(zero)
        self.weights_title.set_text(f"{penalty}, λ = {_fmt(strength)}, p = {_fmt(rate)}: "
                                    f"{n_zero} de {DEGREE} pesos = 0")
        self._state = (penalty, strength, rate, n_zero, float(np.abs(w).sum()), float((w ** 2).sum()),
                       float(np.abs(b).sum()))

    def caption(self):
        penalty, strength, rate, n_zero, l1, l2, l1_plain = self._state
        rule = ("L1 resta λ/2 a cada |peso| y anula los pequeños" if penalty == "L1"
                else "L2 divide todos los pesos entre 1 + λ: los encoge y ninguno llega a 0")
        extra = (f"; dropout p = {_fmt(rate)} equivale en promedio a L2 con λ = p/(1 − p) = "
                 f"{_num(rate / (1 - rate))}") if rate else ""
        return (f"{rule}{extra}. Σ|w| = {_num(l1)} (sin regularizar, {_num(l1_plain)}); Σw² = {_num(l2)}; "
                f"pesos nulos: {n_zero} de {DEGREE}.")


def _num(value):
    """Número con dos decimales y coma decimal: 0.125 → «0,13»."""
    return f"{value:.2f}".replace(".", ",")


def regularization(**initial_values):
    """Demostración de regularización: L1/L2 con intensidad λ, dropout y número de puntos."""
    return RegularizationDemo(**initial_values)
