"""Demostración: error cuadrático medio frente a entropía cruzada en un mismo ejemplo.

Un pingüino Adelie tiene la etiqueta one-hot y = [1, 0, 0] (Adelie, Chinstrap, Gentoo). La red
predice ŷ = [p, (1 − p)·r, (1 − p)·(1 − r)]: p es la probabilidad de la clase correcta y r reparte
el resto entre las otras dos. Se comparan, con las pérdidas del motor (``course_lib.nn.losses``):

- el ECM de las 3 salidas: (1/3) Σₖ (ŷₖ − yₖ)², que depende de cómo se reparte el error;
- la entropía cruzada categórica: −Σₖ yₖ ln ŷₖ = −ln p, que solo mira la clase correcta;
- la entropía cruzada binaria de una sola salida sigmoide («¿es Adelie?», y = 1):
  −[y ln p + (1 − y) ln(1 − p)] = −ln p. Con y = 1 coincide con la categórica.

Y sus gradientes, respecto a la predicción ŷ₁ o respecto al logit z₁ (la entrada de softmax).
Respecto al logit se ve por qué la entropía cruzada entrena mejor: su gradiente es ŷ₁ − 1,
proporcional al error, mientras que el del ECM lleva el factor de la derivada de softmax y se
anula cuando p → 0, justo cuando la predicción es peor.

La casilla «ejemplo de los apuntes» pone ŷ = [0,4, 0,3, 0,3]: ECM = 0,18 y entropía cruzada
−ln 0,4 ≈ 0,916 (revisión de fuentes, errata LOS-05 y Anexo C).
"""

import ipywidgets as widgets
import numpy as np

from ..nn import activations as engine_activations
from ..nn.losses import BinaryCrossentropy, CategoricalCrossentropy, MeanSquaredError
from .base import Demo, decimal_comma_ticks, decimal_slider, slider_style


CLASSES = ["Adelie", "Chinstrap", "Gentoo"]
Y_TRUE = np.array([1.0, 0.0, 0.0])
NOTES_EXAMPLE = {"probability": 0.4, "split": 0.5}  # ŷ = [0,4, 0,3, 0,3]
COLORS = {"mse": "#1f4e9c", "categorical": "#c0392b", "binary": "#f39c12"}
GRADIENT_LIMITS = {"prediction": (-5.2, 0.6), "logits": (-1.1, 0.15)}


def prediction_vector(probability, split=0.5):
    """ŷ = [p, (1 − p)·r, (1 − p)·(1 − r)]: p para la clase correcta y el resto repartido."""
    p = float(probability)
    return np.array([p, (1 - p) * split, (1 - p) * (1 - split)])


def loss_values(y_true, y_pred):
    """ECM, entropía cruzada categórica y binaria (de la clase 1 como salida sigmoide) con el motor.

    y_true, y_pred: vectores de K probabilidades de **un** ejemplo. La binaria usa solo la primera
    componente: etiqueta y₁ y predicción ŷ₁.
    """
    y_true = np.asarray(y_true, dtype=float)[None, :]
    y_pred = np.asarray(y_pred, dtype=float)[None, :]
    return {
        "mse": MeanSquaredError()(y_true, y_pred),
        "categorical": CategoricalCrossentropy()(y_true, y_pred),
        "binary": BinaryCrossentropy()(y_true[:, :1], y_pred[:, :1]),
    }


def loss_curves(p, split=0.5):
    """Las tres pérdidas en función de p = ŷ₁ (y = [1, 0, 0]), en forma cerrada.

    ECM = (1 − p)²·(1 + r² + (1 − r)²)/3;  categórica = binaria = −ln p.
    """
    p = np.asarray(p, dtype=float)
    cross_entropy = -np.log(p)
    return {"mse": (1 - p) ** 2 * (1 + split**2 + (1 - split) ** 2) / 3,
            "categorical": cross_entropy, "binary": cross_entropy}


def gradient_curves(p, split=0.5, wrt="prediction"):
    """Derivada de cada pérdida respecto a ŷ₁ (``wrt="prediction"``) o al logit z₁ (``"logits"``).

    Respecto a ŷ₁: ∂ECM/∂ŷ₁ = 2(p − 1)/3;  ∂(−ln p)/∂ŷ₁ = −1/p (binaria y categórica).
    Respecto a z₁, con ŷ = softmax(z): ∂ECM/∂z = ŷ ⊙ (g − Σₖ gₖŷₖ) con g = 2(ŷ − y)/3 (el paso
    hacia atrás de softmax del motor); entropía cruzada: ŷ₁ − 1 (la binaria con sigmoide, igual).
    """
    p = np.asarray(p, dtype=float)
    if wrt == "prediction":
        return {"mse": 2 * (p - 1) / 3, "categorical": -1 / p, "binary": -1 / p}
    y_pred = np.stack([prediction_vector(value, split) for value in np.atleast_1d(p)])
    softmax = engine_activations.get("softmax")
    with np.errstate(divide="ignore"):  # r = 0 o r = 1 dejan una ŷₖ = 0: su logit es −∞ (e^−∞ = 0)
        z = np.log(y_pred)  # unos logits cuyo softmax es ŷ (softmax no cambia al sumar una constante)
    mse_logits = softmax.backward(2 * (y_pred - Y_TRUE) / 3, z, y_pred)[:, 0]
    return {"mse": mse_logits.reshape(p.shape), "categorical": p - 1, "binary": p - 1}


def _num(value):
    """Con coma decimal: tres cifras significativas si |x| < 1 (0,18; 0,916) y dos decimales si no (3,00)."""
    text = f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return text.replace("-", "−").replace(".", ",")


def _vector(values, decimals=2):
    return "[" + "; ".join(f"{v:.{decimals}f}".replace(".", ",") for v in values) + "]"


class LossesDemo(Demo):
    title = "Pérdidas: error cuadrático medio frente a entropía cruzada"

    def __init__(self, probability=0.7, split=0.5, gradient_of="logits", notes_example=False):
        style = slider_style()
        controls = {
            "probability": decimal_slider(probability, 0.01, 0.99, 0.01, "ŷ₁ = p (clase correcta)"),
            "split": decimal_slider(split, 0.0, 1.0, 0.05, "parte del resto para Chinstrap"),
            "gradient_of": widgets.ToggleButtons(options=[("gradiente ∂L/∂ŷ₁", "prediction"), ("∂L/∂z₁ (logit)", "logits")],
                                                 tooltips=["respecto a la probabilidad ŷ₁",
                                                           "respecto al logit z₁ (la entrada de softmax)"],
                                                 value=gradient_of, style=style),
            "notes_example": widgets.Checkbox(value=notes_example, description="ejemplo de los apuntes",
                                              indent=False, style=style),
        }
        for control in controls.values():  # pista del deslizador legible aunque la etiqueta sea larga
            if isinstance(control, (widgets.SelectionSlider, widgets.IntSlider)):
                control.layout.width = "420px"
        self._silent = False
        self._wrt_shown = None
        super().__init__(controls)
        if notes_example:
            self._apply_notes_example()

    def control_rows(self):
        c = self.controls
        return [[c["probability"], c["split"]], [c["gradient_of"], c["notes_example"]]]

    # --- La casilla del ejemplo de los apuntes fija p y r; mover p o r la desmarca ------------
    def _on_change(self, change):
        if self._silent:
            return
        owner = change["owner"]
        if owner is self.controls["notes_example"] and change["new"]:
            self._apply_notes_example()  # ya actualiza la figura: una sola vez por clic
            return
        elif owner in (self.controls["probability"], self.controls["split"]) and self.controls["notes_example"].value:
            if not self._is_notes_example():
                self._set_silently(notes_example=False)
        self.refresh()

    def _is_notes_example(self):
        return all(abs(self.controls[name].value - value) < 1e-9 for name, value in NOTES_EXAMPLE.items())

    def _apply_notes_example(self):
        self._set_silently(**NOTES_EXAMPLE)
        self.refresh()

    def _set_silently(self, **values):
        self._silent = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._silent = False

    # --- Figura -------------------------------------------------------------------------------
    def setup(self, figure):
        self.bars_axes, self.loss_axes, self.grad_axes = figure.subplots(1, 3, width_ratios=[0.75, 1, 1])
        ax = self.bars_axes
        decimal_comma_ticks(ax)  # antes de poner los nombres de las clases en el eje x
        x = np.arange(3)
        self.bars = ax.bar(x, [0, 0, 0], width=0.6, color=["#2e86c1", "#95a5a6", "#95a5a6"], label="ŷ (predicción)")
        ax.bar(x, Y_TRUE, width=0.75, fill=False, edgecolor="black", lw=2, ls="--", label="y (etiqueta)")
        ax.set_xticks(x, CLASSES, fontsize=11)
        ax.set(ylim=(0, 1.25), ylabel="probabilidad", title="ŷ frente a y")
        ax.legend(loc="upper right", fontsize=10)
        self.bar_labels = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=12) for i in x]

        self.p_grid = np.linspace(0.01, 0.99, 197)
        names = {"mse": "ECM (3 salidas)", "categorical": "entropía cruzada categórica",
                 "binary": "entr. cruzada binaria (1 salida, y = 1)"}
        self.loss_lines, self.grad_lines, self.loss_dots, self.grad_dots = {}, {}, {}, {}
        for key in ("mse", "categorical", "binary"):
            style = dict(color=COLORS[key], lw=3 if key != "binary" else 2, ls=":" if key == "binary" else "-")
            self.loss_lines[key] = self.loss_axes.plot([], [], label=names[key], **style)[0]
            self.grad_lines[key] = self.grad_axes.plot([], [], **style)[0]
            self.loss_dots[key] = self.loss_axes.plot([], [], "o", color=COLORS[key], ms=9, mec="white", mew=1.5)[0]
            self.grad_dots[key] = self.grad_axes.plot([], [], "o", color=COLORS[key], ms=9, mec="white", mew=1.5)[0]
        self.loss_axes.set(xlim=(0, 1), ylim=(0, 4.8), xlabel="ŷ₁ = p (probabilidad de la clase correcta)",
                           ylabel="pérdida L", title="Pérdida de este ejemplo")
        self.loss_axes.legend(loc="upper right", fontsize=10)
        self.grad_axes.set(xlim=(0, 1), xlabel="ŷ₁ = p")
        self.grad_axes.axhline(0, color="0.5", lw=1)
        self.values_text = self.loss_axes.text(
            0.97, 0.72, "", transform=self.loss_axes.transAxes, ha="right", va="top", fontsize=11.5,
            bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.95), zorder=6)
        self.grad_text = self.grad_axes.text(
            0.97, 0.05, "", transform=self.grad_axes.transAxes, ha="right", va="bottom", fontsize=11,
            bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.95), zorder=6)
        decimal_comma_ticks(self.loss_axes, self.grad_axes)
        self.animate(*self.bars, *self.bar_labels, *self.loss_lines.values(), *self.grad_lines.values(),
                     *self.loss_dots.values(), *self.grad_dots.values(), self.values_text, self.grad_text)

    def background_key(self):
        return self._wrt_shown

    def _show_gradient_axes(self, wrt):
        if wrt == self._wrt_shown:
            return
        self._wrt_shown = wrt
        self.grad_axes.set_ylim(*GRADIENT_LIMITS[wrt])
        if wrt == "prediction":
            self.grad_axes.set(title="Gradiente ∂L/∂ŷ₁", ylabel="∂L/∂ŷ₁")
        else:
            self.grad_axes.set(title="Gradiente ∂L/∂z₁ (logit)", ylabel="∂L/∂z₁")
        self.redraw_all()

    def update(self):
        v = self.values()
        p, split, wrt = v["probability"], v["split"], v["gradient_of"]
        self._show_gradient_axes(wrt)
        y_pred = prediction_vector(p, split)
        for bar, label, height in zip(self.bars, self.bar_labels, y_pred):
            bar.set_height(height)
            label.set_position((label.get_position()[0], height + 0.02))
            label.set_text(f"{height:.2f}".replace(".", ","))

        self.losses = loss_values(Y_TRUE, y_pred)
        curves = loss_curves(self.p_grid, split)
        gradients = gradient_curves(self.p_grid, split, wrt)
        here = gradient_curves(np.array([p]), split, wrt)
        low = GRADIENT_LIMITS[wrt][0]
        for key in curves:
            self.loss_lines[key].set_data(self.p_grid, curves[key])
            self.loss_dots[key].set_data([p], [self.losses[key]])
            self.grad_lines[key].set_data(self.p_grid, np.maximum(gradients[key], low - 1))
            self.grad_dots[key].set_data([p], [max(float(here[key][0]), low - 1)])
        self.gradients = {key: float(value[0]) for key, value in here.items()}

        text = f"ECM = {_num(self.losses['mse'])}\nentropía cruzada = {_num(self.losses['categorical'])}"
        if v["notes_example"]:
            errors = Y_TRUE - y_pred
            squares = " + ".join(f"{abs(e):.1f}²".replace(".", ",") for e in errors)
            text = (f"Ejemplo de los apuntes\ny = [1; 0; 0], ŷ = {_vector(y_pred, 1)}\n"
                    f"ECM = ({squares})/3\n        = {_num(self.losses['mse'])}\n"
                    f"entropía cruzada = −ln {_num(p)}\n        ≈ {_num(self.losses['categorical'])}")
        self.values_text.set_text(text)
        g = self.gradients
        self.grad_text.set_text(
            f"en p = {_num(p)}:\nECM: {_num(g['mse'])}\nentropía cruzada: {_num(g['categorical'])}"
            + ("\n(−1/p → −∞ si p → 0)" if wrt == "prediction" else "\n(softmax + ECM → 0 si p → 0)")
        )

    def caption(self):
        v = self.values()
        y_pred = prediction_vector(v["probability"], v["split"])
        wrt = "ŷ₁" if v["gradient_of"] == "prediction" else "z₁"
        return (
            f"y = [1; 0; 0], ŷ = {_vector(y_pred)}: ECM = {_num(self.losses['mse'])}, entropía cruzada "
            f"categórica = {_num(self.losses['categorical'])}, binaria (salida «Adelie», y = 1) = "
            f"{_num(self.losses['binary'])}. Gradientes respecto a {wrt}: ECM {_num(self.gradients['mse'])}, "
            f"entropía cruzada {_num(self.gradients['categorical'])}."
        )


def losses(**initial_values):
    """Demostración de las pérdidas (controles probability, split, gradient_of, notes_example)."""
    return LossesDemo(**initial_values)
