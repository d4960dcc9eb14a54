"""Demostración: regularización L1, L2 y dropout en un ajuste polinómico de grado 12.

Un polinomio de grado 12 con pocos puntos sobreajusta: pasa cerca de cada punto con pesos
enormes (miles) y oscila entre ellos. Se penaliza el coste con

    J(w) = (1/m) Σᵢ (ŷᵢ − yᵢ)² + λ·Σⱼ |wⱼ|     (L1)      o      + λ·Σⱼ wⱼ²     (L2)

(sin el ½, como Keras y ``course_lib.nn``; el sesgo b no se penaliza). Las 12 características
x, x², …, x¹² (con x llevado a [−1, 1]) se **estandarizan** con la media y la desviación típica
del entrenamiento, como se haría con una red; ŷ = b + X·w con b = ȳ.

- L2 (ridge) tiene forma cerrada: (XᵀX + m·λ·I)·w = Xᵀ(y − ȳ). **Encoge todos** los pesos y
  ninguno llega a 0; con λ moderada la curva se suaviza.
- L1 (lasso) no tiene forma cerrada: se calcula su camino exacto para todas las λ a la vez con
  LARS (``sklearn.linear_model.lars_path``) y se guarda (≈ 10–20 ms por cada par m, p). Deja
  pesos **exactamente en 0**.

**Dropout sin red (decisión de diseño).** Entrenar redes con dropout en cada cambio de un control
es demasiado lento para una demostración en clase, así que se usa su análogo exacto en un modelo
lineal: apagar cada característica con probabilidad p (y escalar las demás por 1/(1 − p))
equivale, **en promedio sobre las máscaras**, a una penalización L2 de coeficiente
p/(1 − p)·(1/m)Σᵢ xᵢⱼ² para cada peso (Srivastava et al., 2014, §9.1; Wager et al., 2013). Con
características estandarizadas, (1/m)Σᵢ xᵢⱼ² = 1: E[J_dropout] = J + p/(1 − p)·Σⱼ wⱼ². Los tests
lo comprueban promediando máscaras al azar.
"""

import warnings

import numpy as np
import ipywidgets as widgets
from sklearn.linear_model import lars_path

from ..data import make_regression_1d
from .base import ROOM_MODE, Demo, decimal_comma_ticks, font, slider_style
from .rastertext import RasterText

DEGREE = 12
NOISE = 0.3
DATA_SEED = 10  # una muestra sin grandes huecos entre puntos (los huecos hacen oscilar cualquier ajuste)
STRENGTHS = [0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
DROPOUT_RATES = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]

# --- Cálculo puro ------------------------------------------------------------------------------


class PolynomialFeatures:
    """Las características x, x², …, x^grado, estandarizadas con la media y la σ de ``x_train``.

    x ∈ [0, 1] se lleva antes a t = 2x − 1 ∈ [−1, 1] para que las potencias no se disparen.
    """

    def __init__(self, x_train, degree=DEGREE):
        self.degree = degree
        raw = self._powers(x_train)
        self.mean, self.std = raw.mean(axis=0), raw.std(axis=0)

    def _powers(self, x):
        t = 2 * np.asarray(x, dtype=float) - 1
        return t[:, None] ** np.arange(1, self.degree + 1)

    def __call__(self, x):
        """X (len(x), grado): columnas de media 0 y varianza 1 en el entrenamiento."""
        return (self._powers(x) - self.mean) / self.std


def ridge_weights(X, y, strength):
    """Mínimo de (1/m)‖y − ȳ − Xw‖² + λ‖w‖²: resuelve (XᵀX + m·λ·I)·w = Xᵀ(y − ȳ).

    Con λ = 0 es mínimos cuadrados (``lstsq`` da la solución de norma mínima si hay más pesos que
    puntos).
    """
    m, d = X.shape
    yc = y - y.mean()
    return np.linalg.lstsq(X.T @ X + m * strength * np.eye(d), X.T @ yc, rcond=None)[0]


def lasso_weights(X, y, strengths, ridge=0.0):
    """Mínimo de (1/m)‖y − ȳ − Xw‖² + λ‖w‖₁ + ridge·‖w‖² para cada λ de ``strengths``.

    Devuelve un dict λ → w. Usa el camino exacto del lasso (LARS, ``sklearn.linear_model.lars_path``
    con ``method="lasso"``): los pesos son lineales a trozos en λ, así que se calculan los puntos de
    quiebre una vez y se interpola. Con características tan correladas (x, x², …, x¹²), el descenso por
    coordenadas tarda en converger con λ pequeñas; LARS no. El término ridge (el del dropout) se añade
    con datos aumentados: las filas √(m·ridge)·I con objetivo 0. scikit-learn minimiza
    (1/2N)‖·‖² + α‖w‖₁ con N filas, así que α = λ·m/(2N).
    """
    m, d = X.shape
    yc = y - y.mean()
    if ridge > 0:
        X_fit = np.vstack([X, np.sqrt(m * ridge) * np.eye(d)])
        y_fit = np.concatenate([yc, np.zeros(d)])
    else:
        X_fit, y_fit = X, yc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # avisos de LARS por la fuerte correlación de las potencias
        alphas, _, coefs = lars_path(X_fit, y_fit, method="lasso")
    weights = {}
    for lam in strengths:
        if lam == 0:
            weights[lam] = ridge_weights(X, y, ridge)
            continue
        alpha = lam * m / (2 * len(y_fit))
        # alphas decrece a lo largo del camino; np.interp necesita abscisas crecientes
        weights[lam] = np.array([np.interp(alpha, alphas[::-1], path[::-1]) for path in coefs])
    return weights


def dropout_equivalent_ridge(rate):
    """Coeficiente L2 equivalente, en promedio, a dropout p sobre características estandarizadas: p/(1 − p)."""
    if not 0 <= rate < 1:
        raise ValueError(f"La tasa de dropout debe estar en [0, 1); se recibió {rate}.")
    return rate / (1 - rate)


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
    room_height_px = 400

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
        self._lasso_cache = {}
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["penalty"], c["strength"]], [c["dropout"], c["n_points"]]]

    def setup(self, figure):
        room = self.mode == ROOM_MODE  # en la sala: una leyenda para los dos paneles y menos marcas
        self.ax_fit, self.ax_w = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1] if room else [1.1, 1]})
        self.x_grid = np.linspace(0, 1, 300)
        ax = self.ax_fit
        ax.plot(self.x_grid, np.sin(2 * np.pi * self.x_grid), color="#31a354", lw=2, ls="--",
                label="función verdadera")
        self.plain_curve, = ax.plot([], [], color="#9e9e9e", lw=1.8, label="sin regularizar")
        self.curve, = ax.plot([], [], color="#d62728", lw=2.8, label="regularizado")
        self.points, = ax.plot([], [], "o", color="#08519c", ms=7, mec="white", zorder=4, label="entrenamiento")
        ax.set_xlim(0, 1)
        ax.set_ylim(-2, 2)  # fijos: el polinomio sin regularizar se sale (y se recorta)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        if not room:
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=2, fontsize=10, frameon=False, borderaxespad=0)
        # Los textos que cambian se pintan con PIL (RasterText): un Text de matplotlib cuesta 3–5 ms
        self.cost_text = RasterText(ax, [0.02, 0.03, 0.67, 0.2] if room else [0.02, 0.03, 0.66, 0.14], fontsize=13,
                                    ha="left", background=(1, 1, 1, 0.85))

        ax = self.ax_w
        index = np.arange(1, DEGREE + 1)
        self.plain_bars = ax.bar(index, np.zeros(DEGREE), width=0.8, color="none", edgecolor="#9e9e9e", lw=1.5,
                                 ls="--", label="sin regularizar")
        self.bars = ax.bar(index, np.zeros(DEGREE), width=0.55, color="#d62728", label="regularizado")
        self.zeros = ax.scatter([], [], marker="x", s=80, color="black", linewidths=2.5, zorder=5,
                                label="peso exactamente 0")
        ax.axhline(0, color="black", lw=1)
        ax.set_xticks(index)
        # Sin regularizar hay pesos de miles; regularizados, de décimas: escala logarítmica simétrica
        # (lineal cerca de 0), fija para no tener que redibujar el fondo.
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_xlabel("j (peso wⱼ de la potencia xʲ)")
        if room:  # los pesos sin regularizar no pasan de ≈ 3500 (m = 15): sin sitio para leyenda dentro
            ax.set_ylim(-1e4, 1e4)
            ax.set_yticks([-1e3, -1, 0, 1, 1e3], ["−10³", "−1", "0", "1", "10³"])
            ax.set_ylabel("peso wⱼ (escala log.)")
            figure.legend([self.ax_fit.lines[0], self.points, self.plain_curve, self.curve, self.zeros],
                          ["función verdadera", "entrenamiento", "sin regularizar", "regularizado", "peso = 0"],
                          loc="outside upper center", ncols=5, fontsize=font(10), frameon=False, handlelength=1.2,
                          columnspacing=1.0, handletextpad=0.4)
        else:
            ax.set_ylim(-2e4, 4e5)  # arriba sobra un poco de sitio para la leyenda
            ax.set_ylabel("valor del peso (escala log. simétrica)")
            ax.legend(loc="upper center", fontsize=10, ncol=3, columnspacing=1.0, handlelength=1.5, borderaxespad=0.2)
        ax.set_title(" ")  # reserva el sitio del título
        self.weights_title = RasterText(ax, [-0.05, 1.02, 1.1, 0.1] if room else [-0.1, 1.01, 1.2, 0.1])
        decimal_comma_ticks(self.ax_fit, self.ax_w)  # 0,5 y −1 (solo en los ejes lineales)
        self.animate(self.plain_curve, self.curve, self.points, self.cost_text.artist, *self.plain_bars, *self.bars,
                     self.zeros, self.weights_title.artist)

    def _data(self, n_points):
        """Datos, características y pesos sin regularizar para m puntos (en caché)."""
        if n_points not in self._data_cache:
            x, y = make_regression_1d(n=n_points, noise=NOISE, seed=DATA_SEED)
            features = PolynomialFeatures(x)
            X = features(x)
            # Los polinomios se dibujan (y se validan) solo entre el primer y el último punto: fuera de
            # ahí (extrapolación) un polinomio de grado 12 se dispara, regularizado o no.
            x_grid = np.linspace(x.min(), x.max(), 300)
            x_val, y_val = make_regression_1d(n=400, noise=NOISE, seed=DATA_SEED + 1)
            inside = (x_val >= x.min()) & (x_val <= x.max())
            self._data_cache[n_points] = dict(x=x, y=y, X=X, x_grid=x_grid, X_grid=features(x_grid),
                                              X_val=features(x_val[inside]), y_val=y_val[inside],
                                              plain=ridge_weights(X, y, 0.0))
        return self._data_cache[n_points]

    def _weights(self, n_points, penalty, strength, rate):
        data = self._data(n_points)
        ridge = dropout_equivalent_ridge(rate)
        if penalty == "L2":
            return ridge_weights(data["X"], data["y"], strength + ridge)
        key = (n_points, rate)  # L1: el camino entero de λ, una vez por (m, p)
        if key not in self._lasso_cache:
            if len(self._lasso_cache) > 200:
                self._lasso_cache.clear()
            self._lasso_cache[key] = lasso_weights(data["X"], data["y"], STRENGTHS, ridge=ridge)
        return self._lasso_cache[key][strength]

    def update(self):
        v = self.values()
        penalty, strength, rate = PENALTIES[v["penalty"]], v["strength"], v["dropout"]
        data = self._data(v["n_points"])
        x, y, X, b = data["x"], data["y"], data["X"], data["plain"]
        w = self._weights(v["n_points"], penalty, strength, rate)
        self.points.set_data(x, y)
        self.plain_curve.set_data(data["x_grid"], np.clip(y.mean() + data["X_grid"] @ b, -5, 5))
        self.curve.set_data(data["x_grid"], np.clip(y.mean() + data["X_grid"] @ w, -5, 5))
        for bar, value in zip(self.plain_bars, b):
            bar.set_height(value)
        for bar, value in zip(self.bars, w):
            bar.set_height(value)
        zero = np.flatnonzero(w == 0)
        self.zeros.set_offsets(np.column_stack([zero + 1, np.zeros(len(zero))]))
        train_mse = float(np.mean((y.mean() + X @ w - y) ** 2))
        val_mse = float(np.mean((y.mean() + data["X_val"] @ w - data["y_val"]) ** 2))
        if self.mode == ROOM_MODE:  # letra de 20 px: textos más cortos (λ y p ya se leen en los controles)
            self.cost_text.set_text(f"ECM entrenamiento: {_num(train_mse, 3)}\nECM validación: {_num(val_mse, 3)}")
            self.weights_title.set_text(f"{penalty}: {len(zero)} de {DEGREE} pesos = 0")
        else:
            self.cost_text.set_text(f"ECM de entrenamiento: {_num(train_mse, 3)}\n"
                                    f"ECM de validación: {_num(val_mse, 3)}")
            self.weights_title.set_text(f"{penalty}, λ = {_fmt(strength)}, p = {_fmt(rate)}: "
                                        f"{len(zero)} de {DEGREE} pesos = 0")
        self._state = (penalty, strength, rate, len(zero), float(np.abs(w).max()), float(np.abs(b).max()))

    def caption(self):
        penalty, strength, rate, n_zero, biggest, biggest_plain = self._state
        if strength == 0 and rate == 0:
            return (f"Sin regularización (λ = 0, p = 0): pesos de hasta {_num(biggest)}; la curva pasa cerca de "
                    "cada punto y oscila entre ellos. Sube λ o el dropout.")
        rule = ("L1 lleva pesos a exactamente 0" if penalty == "L1"
                else "L2 encoge todos los pesos y ninguno llega a 0")
        extra = (f"; dropout p = {_fmt(rate)} equivale en promedio a añadir L2 con λ = p/(1 − p) = "
                 f"{_num(dropout_equivalent_ridge(rate))}") if rate else ""
        return (f"{rule}{extra}. Mayor |peso|: {_num(biggest)} (sin regularizar, {_num(biggest_plain)}); "
                f"pesos nulos: {n_zero} de {DEGREE}.")


def _num(value, decimals=2):
    """Número con coma decimal: _num(0.125) → «0,13»; los enormes, en notación científica."""
    text = f"{value:.{decimals}f}" if abs(value) < 1e5 else f"{value:.2e}"
    return text.replace(".", ",").replace("-", "−")


def regularization(**initial_values):
    """Demostración de regularización: L1/L2 con intensidad λ, dropout y número de puntos."""
    return RegularizationDemo(**initial_values)
