"""Demostración: el umbral y el coste de una decisión (capítulo 15, el proyecto final).

Un modelo da a cada paciente una probabilidad p de que su tumor sea maligno; se decide «maligno»
cuando p ≥ u. Con un coste c_FN por cada maligno que se escapa (falso negativo) y c_FP por cada
benigno enviado a biopsia sin necesidad (falso positivo), el coste total del umbral u es

    C(u) = c_FN·FN(u) + c_FP·FP(u).

La teoría de la decisión da el umbral sin mirar los datos: decidir «maligno» cuesta en promedio
(1 − p)·c_FP y decidir «benigno», p·c_FN; lo más barato es «maligno» cuando p ≥ p*, con

    p* = c_FP / (c_FP + c_FN)          (1/11 ≈ 0,091 con c_FN = 10 y c_FP = 1),

que es el óptimo si las probabilidades están calibradas. La demostración enseña, para las
probabilidades **fuera de pliegue** (*out-of-fold*) del proyecto, la matriz de confusión del
umbral elegido con lo que cuesta cada casilla, la curva C(u) con p* y su mínimo marcados, y la curva
ROC con el punto de funcionamiento del umbral (y el de p*).

Los datos por defecto son los del proyecto con la semilla 0 (``course_lib.proyecto``), guardados en
``data/proyecto_fuera_de_pliegue.npz`` para que la demostración se abra al instante (calcularlos son
35 entrenamientos, unos 20–45 s); ``guardar_probabilidades()`` los vuelve a generar. Otra semilla
los calcula con ``proyecto.resultado_del_proyecto``. El cuaderno 15 le pasa sus propias
probabilidades. Las funciones de cálculo (``costs_over_thresholds``, ``operating_point``,
``roc_points``) no saben nada de widgets: las pruebas las comparan con recuentos directos.
"""

from pathlib import Path

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import proyecto
from .base import Demo, DemoMessage, decimal_comma_ticks, fmt, font, slider_style, value_slider
from .rastertext import RasterText

THRESHOLDS = proyecto.UMBRALES                       # 0,01 … 0,99
COSTS_FN = [1, 2, 3, 5, 10, 20, 50, 100]
COSTS_FP = [1, 2, 5, 10]
DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "proyecto_fuera_de_pliegue.npz"
CELLS = {  # casilla → (fila, columna) en la matriz: filas = real (benigno, maligno); columnas = decisión
    "VN": (0, 0), "FP": (0, 1), "FN": (1, 0), "VP": (1, 1)}
CELL_NAMES = {"VN": "verdaderos negativos", "FP": "falsos positivos", "FN": "falsos negativos",
              "VP": "verdaderos positivos"}
RIGHT_COLOR, WRONG_COLOR = "#d9efe0", "#f9d5c4"
CURVE_COLOR, BAYES_COLOR, CURRENT_COLOR = "#0072B2", "#009E73", "#D55E00"    # Okabe e Ito


# --- Cálculo puro ------------------------------------------------------------------------------

def bayes_threshold(cost_fn, cost_fp):
    """p* = c_FP / (c_FP + c_FN)."""
    return proyecto.umbral_de_bayes(cost_fn, cost_fp)


def costs_over_thresholds(y, p, cost_fn, cost_fp, thresholds=THRESHOLDS):
    """C(u) = c_FN·FN(u) + c_FP·FP(u) para cada umbral u de ``thresholds`` (array de la misma forma)."""
    return proyecto.coste(y, p, np.asarray(thresholds), cost_fn, cost_fp)


def operating_point(y, p, threshold):
    """(tasa de falsos positivos, tasa de verdaderos positivos) al decidir «maligno» si p ≥ umbral."""
    counts = proyecto.recuento(y, p, threshold)
    return counts["FP"] / max(counts["FP"] + counts["VN"], 1), counts["VP"] / max(counts["VP"] + counts["FN"], 1)


def roc_points(y, p):
    """La curva ROC: (FPR, TPR) de todos los umbrales que cambian algo (cada p distinta), de (0, 0) a (1, 1),
    y el área bajo ella (AUC, por la regla del trapecio)."""
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="mergesort")
    y_sorted, p_sorted = y[order], p[order]
    last_of_each = np.r_[np.flatnonzero(np.diff(p_sorted)), len(p_sorted) - 1]   # empates juntos
    tp = np.cumsum(y_sorted)[last_of_each]
    fp = np.cumsum(1 - y_sorted)[last_of_each]
    tpr = np.r_[0.0, tp / max(y.sum(), 1)]
    fpr = np.r_[0.0, fp / max(len(y) - y.sum(), 1)]
    return fpr, tpr, float(np.trapezoid(tpr, fpr) if hasattr(np, "trapezoid") else np.trapz(tpr, fpr))


def guardar_probabilidades(semilla=0, ruta=DATA_FILE):
    """Guarda en ``ruta`` las probabilidades fuera de pliegue del proyecto (lo que la demostración usa por defecto)."""
    resultado = proyecto.resultado_del_proyecto(semilla)
    nombres = list(resultado["probabilidades"])
    np.savez_compressed(ruta, y=resultado["y"].astype(np.int8), modelo=resultado["modelo"], semilla=semilla,
                        version=proyecto.VERSION_DE_LA_RECETA, nombres=np.array(nombres),
                        **{f"p{i}": resultado["probabilidades"][n].astype(np.float32) for i, n in enumerate(nombres)})


def project_probabilities(semilla=0):
    """``(y, {modelo: probabilidades}, modelo elegido)`` del proyecto con esa semilla.

    Con la semilla 0 y el archivo de ``data/`` al día, se leen de él (al instante); si no, se calculan
    con ``proyecto.resultado_del_proyecto`` (que los guarda en la caché de disco).
    """
    if semilla == 0 and DATA_FILE.exists():
        with np.load(DATA_FILE, allow_pickle=False) as data:
            if int(data["version"]) == proyecto.VERSION_DE_LA_RECETA:
                names = [str(n) for n in data["nombres"]]
                return (data["y"].astype(int), {n: data[f"p{i}"].astype(float) for i, n in enumerate(names)},
                        str(data["modelo"]))
    resultado = proyecto.resultado_del_proyecto(semilla)
    return np.asarray(resultado["y"]), dict(resultado["probabilidades"]), resultado["modelo"]


# --- La demostración ----------------------------------------------------------------------------

class ThresholdCostDemo(Demo):
    title = "El umbral y el coste de decidir"
    figsize = (12.5, 4.4)
    room_height_px = 400

    def __init__(self, y=None, probabilities=None, model=None, threshold=None, cost_fn=10, cost_fp=1, semilla=0):
        if y is None or probabilities is None:
            y, probabilities, chosen = project_probabilities(semilla)
        else:
            chosen = None
        if not isinstance(probabilities, dict):
            probabilities = {"modelo": probabilities}
        self.y = np.asarray(y).astype(int).ravel()
        self.probabilities = {}
        for name, p in probabilities.items():
            p = np.asarray(p, dtype=float).ravel()
            proyecto.recuento(self.y, p, 0.5)          # valida formas y etiquetas (error en español)
            self.probabilities[name] = p
        names = list(self.probabilities)
        model = model or (chosen if chosen in names else names[0])
        if threshold is None:
            threshold = bayes_threshold(cost_fn, cost_fp)
        threshold = float(THRESHOLDS[np.argmin(np.abs(THRESHOLDS - threshold))])
        style = slider_style()
        controls = {
            "threshold": value_slider(threshold, THRESHOLDS, "umbral u", 2, layout=widgets.Layout(width="560px")),
            "cost_fn": value_slider(cost_fn, COSTS_FN, "coste de un FN", 0),
            "cost_fp": value_slider(cost_fp, COSTS_FP, "coste de un FP", 0),
            "model": widgets.Dropdown(options=names, value=model, description="modelo", style=style,
                                      layout=widgets.Layout(width="360px")),
        }
        self.to_bayes = widgets.Button(description="u = p*", tooltip="Lleva el umbral al de la teoría de la decisión",
                                       layout=widgets.Layout(width="auto"))
        self.to_half = widgets.Button(description="u = 0,5", layout=widgets.Layout(width="auto"))
        self.to_bayes.on_click(lambda _: self._set_threshold(bayes_threshold(*self._costs())))
        self.to_half.on_click(lambda _: self._set_threshold(0.5))
        self._key = None
        super().__init__(controls)

    def _costs(self):
        return float(self.controls["cost_fn"].value), float(self.controls["cost_fp"].value)

    def _set_threshold(self, value):
        self.controls["threshold"].value = float(THRESHOLDS[np.argmin(np.abs(THRESHOLDS - value))])

    def control_rows(self):
        c = self.controls
        return [[c["threshold"], self.to_bayes, self.to_half], [c["cost_fn"], c["cost_fp"], c["model"]]]

    def setup(self, figure):
        marker = 9 * (1.4 if font(9) > 9 else 1)         # marcadores más grandes en la sala
        self.matrix_axes, self.cost_axes, self.roc_axes = figure.subplots(
            1, 3, gridspec_kw={"width_ratios": [1.05, 1.35, 1]})
        ax = self.matrix_axes
        ax.set(xlim=(0, 2), ylim=(2, 0), xticks=[0.5, 1.5], yticks=[0.5, 1.5], title="Matriz de confusión",
               xlabel="decisión del modelo", ylabel="diagnóstico real")
        ax.set_xticklabels(["benigno", "maligno"])
        ax.set_yticklabels(["benigno", "maligno"], rotation=90, va="center")
        ax.tick_params(length=0)
        self.cell_texts = {}
        for cell, (row, column) in CELLS.items():
            right = cell in ("VN", "VP")
            ax.add_patch(Rectangle((column, row), 1, 1, facecolor=RIGHT_COLOR if right else WRONG_COLOR,
                                   edgecolor="white", linewidth=3))
            # Textos de PIL (RasterText): cuatro textos de matplotlib de varias líneas costarían ≈ 25 ms.
            self.cell_texts[cell] = RasterText(ax, [column / 2 + 0.02, 1 - (row + 1) / 2 + 0.02, 0.46, 0.46],
                                               fontsize=13)
        ax = self.cost_axes
        ax.set(xlim=(0, 1), xlabel="umbral u", ylabel="coste total",
               title=r"$C(u) = c_{FN}\,FN + c_{FP}\,FP$")
        self.cost_line = ax.plot([], [], color=CURVE_COLOR, lw=2.5)[0]
        self.bayes_line = ax.axvline(0.1, color=BAYES_COLOR, ls="--", lw=2, label="p*")
        self.current_line = ax.axvline(0.5, color=CURRENT_COLOR, lw=2, label="umbral u")
        self.minimum_marker = ax.plot([], [], "o", color="0.2", ms=marker * 0.8, label="mínimo")[0]
        ax.legend(loc="upper center", fontsize=font(11), framealpha=0.95, ncols=3, handlelength=1.2,
                  columnspacing=0.8, borderaxespad=0.2)
        ax = self.roc_axes
        ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="tasa de FP", ylabel="tasa de VP (sensibilidad)",
               title="Curva ROC")
        ax.plot([0, 1], [0, 1], color="0.7", lw=1, ls=":")
        self.roc_line = ax.plot([], [], color=CURVE_COLOR, lw=2.5, drawstyle="steps-post")[0]
        self.roc_bayes = ax.plot([], [], "s", color=BAYES_COLOR, ms=marker, label="p*")[0]
        self.roc_current = ax.plot([], [], "o", color=CURRENT_COLOR, ms=marker, label="umbral u")[0]
        ax.legend(loc="lower right", fontsize=font(11))
        decimal_comma_ticks(self.cost_axes, self.roc_axes)
        self.animate(*(text.artist for text in self.cell_texts.values()), self.bayes_line, self.current_line, self.minimum_marker,
                     self.roc_bayes, self.roc_current)

    def background_key(self):
        return self._key

    def _show_background(self, key):
        """Lo que solo cambia con el modelo y los costes: la curva de coste, su escala y la ROC."""
        model, cost_fn, cost_fp = key
        y, p = self.y, self.probabilities[model]
        self.curve = costs_over_thresholds(y, p, cost_fn, cost_fp)
        self.cost_line.set_data(THRESHOLDS, self.curve)
        self.cost_axes.set_ylim(0, max(float(self.curve.max()), 1.0) * 1.25)     # sitio para la leyenda
        fpr, tpr, self.auc = roc_points(y, p)
        self.roc_line.set_data(fpr, tpr)
        self.roc_axes.set_title(f"ROC (AUC = {fmt(self.auc, 3)})")
        self._key = key

    def update(self):
        v = self.values()
        cost_fn, cost_fp = self._costs()
        key = (v["model"], cost_fn, cost_fp)
        if key != self._key:
            self._show_background(key)
            self._background = None
        y, p, u = self.y, self.probabilities[v["model"]], float(v["threshold"])
        counts = proyecto.recuento(y, p, u)
        self.counts = counts
        self.total = cost_fn * counts["FN"] + cost_fp * counts["FP"]
        for cell, text in self.cell_texts.items():
            line = f"{cell} = {counts[cell]}"
            if cell in ("FN", "FP"):       # lo que cuesta la casilla: recuento × coste de cada error
                unit = cost_fn if cell == "FN" else cost_fp
                line += f"\n× {fmt(unit, 0)}\n= {fmt(unit * counts[cell], 0)}"
            text.set_text(line)
        self.p_star = bayes_threshold(cost_fn, cost_fp)
        self.bayes_line.set_xdata([self.p_star, self.p_star])
        self.current_line.set_xdata([u, u])
        best = int(np.argmin(self.curve))
        self.best_threshold, self.best_cost = float(THRESHOLDS[best]), float(self.curve[best])
        self.minimum_marker.set_data([self.best_threshold], [self.best_cost])
        self.roc_current.set_data(*([value] for value in operating_point(y, p, u)))
        self.roc_bayes.set_data(*([value] for value in operating_point(y, p, self.p_star)))
        if len(np.unique(y)) < 2:
            raise DemoMessage("Hacen falta pacientes de las dos clases para contar errores de los dos tipos.")

    def caption(self):
        cost_fn, cost_fp = self._costs()
        u = float(self.values()["threshold"])
        near_bayes = abs(u - self.p_star) < 0.005
        at_bayes = " (es p*)" if near_bayes else ""
        bayes_cost = costs_over_thresholds(self.y, self.probabilities[self.values()["model"]], cost_fn, cost_fp,
                                           [self.p_star])[0]
        return (f"Umbral {fmt(u, 2)}{at_bayes}: {self.counts['FN']} FN y {self.counts['FP']} FP, coste "
                f"{fmt(cost_fn, 0)}·{self.counts['FN']} + {fmt(cost_fp, 0)}·{self.counts['FP']} = {fmt(self.total, 0)}. "
                f"p* = {fmt(cost_fp, 0)}/({fmt(cost_fp, 0)} + {fmt(cost_fn, 0)}) = {fmt(self.p_star, 3)}, coste "
                f"{fmt(bayes_cost, 0)}; el mínimo de la curva, {fmt(self.best_cost, 0)} en u = {fmt(self.best_threshold, 2)} "
                "(elegido mirando estos mismos datos: en pacientes nuevos suele costar más).")


def threshold_cost(y=None, probabilities=None, **initial_values):
    """Demostración del umbral y el coste (controles threshold, cost_fn, cost_fp, model).

    Sin argumentos usa las probabilidades fuera de pliegue del proyecto del capítulo 15 (semilla 0);
    ``y`` y ``probabilities`` (un array o un dict modelo → array) permiten pasarle otras.
    """
    return ThresholdCostDemo(y=y, probabilities=probabilities, **initial_values)
