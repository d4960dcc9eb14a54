"""Demostración: el siguiente carácter según un Transformer entrenado, con temperatura y top-k.

El estudiante escribe un comienzo (el *prompt*); el Transformer del capítulo 16 (entrenado por
``make pesos`` con la Reina-Valera de 1909) da la probabilidad de cada carácter siguiente,

    p = softmax(z / T)   restringida a los k caracteres más probables (top-k),

y con esas probabilidades se sortea una continuación, carácter a carácter (con T = 0, voraz: siempre
el más probable). A la izquierda, las probabilidades del modelo (T = 1, sin filtro, en gris) y las
que se usan para sortear (en azul); a la derecha, el texto con su continuación.

Velocidad: la caché de claves y valores (``course_lib.lenguaje.FastTransformer``) hace que cada
carácter nuevo cueste una fila de atención, no una ventana entera; leer el comienzo se hace una vez
por texto (se guarda), así que mover la temperatura, k o el sorteo solo vuelve a sortear.
"""

import textwrap

import ipywidgets as widgets
import numpy as np

from ..lenguaje import FastTransformer, load_pretrained, next_char_probabilities, sample_index
from .base import ROOM_MODE, Demo, decimal_comma_ticks, decimal_slider, fmt, font, slider_style
from .rastertext import CellLabels, RasterText

SHOWN = 12             # caracteres en el gráfico de barras
ROOM_SHOWN = 8         # en la sala: con 12 filas, sus letras no llegarían a 20 px
ROOM_LINE_WIDTH = 46   # en la sala, caracteres por línea del texto (letra de 20 px)
CONTINUATION = 100     # caracteres que se sortean
LINE_WIDTH = 44        # caracteres por línea en el panel del texto
PROMPT_SHOWN = 120     # caracteres del comienzo que se muestran (los últimos)
BLUE, GREY = "#0072B2", "#BBBBBB"
VISIBLE = {" ": "␣", "\n": "↵"}


def visible(char):
    """Un carácter que se vea en una etiqueta: el espacio como «␣» y el salto de línea como «↵»."""
    return VISIBLE.get(char, char)


class LanguageModel:
    """El Transformer entrenado con su vocabulario: leer un texto, dar probabilidades y continuar.

    Cálculo puro (sin widgets), para la demostración, las pruebas y el cuaderno.
    """

    def __init__(self):
        vocabulary, weights, self.info = load_pretrained()
        self.chars = list(vocabulary)
        self.index = {c: i for i, c in enumerate(self.chars)}
        self.model = FastTransformer(weights, num_heads=self.info["num_heads"])
        self._read_cache = {}

    def encode(self, text):
        """Los índices de los caracteres de ``text`` que el modelo conoce y la lista de los que no."""
        unknown = list(dict.fromkeys(c for c in text if c not in self.index))
        return [self.index[c] for c in text if c in self.index], unknown

    def read(self, ids):
        """Lee ``ids`` (los últimos ``contexto`` caracteres); devuelve los logits del siguiente (guardado)."""
        key = tuple(ids[-self.model.context:])
        if key not in self._read_cache:
            logits = self.model.read(list(key))
            state = self.model.state()
            if len(self._read_cache) > 64:
                self._read_cache.clear()
            self._read_cache[key] = (logits, state)
        logits, state = self._read_cache[key]
        self.model.restore(state)
        return logits

    def continuation(self, ids, n, temperature, top_k, seed):
        """Lee ``ids`` y sortea ``n`` caracteres más; devuelve (logits tras ``ids``, texto sorteado)."""
        logits = self.read(ids)
        rng = np.random.default_rng(seed)
        out, current = [], logits
        for _ in range(n):
            token = sample_index(current, temperature, top_k, rng)
            out.append(self.chars[token])
            current = self.model.append(token)
        return logits, "".join(out)


def wrap(text, width=LINE_WIDTH, max_lines=None):
    """Parte ``text`` en líneas de ``width`` caracteres respetando los saltos de línea («↵» a la vista)."""
    lines = []
    for k, paragraph in enumerate(text.split("\n")):
        piece = paragraph + ("↵" if k < text.count("\n") else "")
        lines.extend(textwrap.wrap(piece, width, drop_whitespace=False, replace_whitespace=False) or [""])
    return lines if max_lines is None else lines[-max_lines:]


class LanguageModelDemo(Demo):
    title = "El siguiente carácter según un Transformer entrenado con la Reina-Valera"
    figsize = (12, 5.4)
    room_height_px = 420

    def __init__(self, prompt="Y dijo Dios: ", temperature=1.0, top_k=None, seed=0):
        self.lm = LanguageModel()
        vocab = len(self.lm.chars)
        style = slider_style()
        controls = {
            "prompt": widgets.Text(value=prompt, description="comienzo", continuous_update=True, style=style,
                                   layout=widgets.Layout(width="520px")),
            # Un deslizador sobre una lista de valores: su lectura sale con coma decimal (1,05; FloatSlider, «1.05»).
            "temperature": decimal_slider(temperature, 0.0, 2.0, 0.05, "temperatura T (0 = voraz)", decimals=2),
            "top_k": widgets.IntSlider(value=vocab if top_k is None else top_k, min=1, max=vocab, step=1,
                                       description=f"top-k ({vocab} = sin filtro)", continuous_update=True,
                                       style=style),
            "seed": widgets.IntSlider(value=seed, min=0, max=99, step=1, description="sorteo",
                                      continuous_update=True, style=style),
        }
        self.result = None
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["prompt"], c["seed"]], [c["temperature"], c["top_k"]]]

    def setup(self, figure):
        # En la sala (letra ≥ 20 px): 8 caracteres en las barras, títulos cortos y líneas de 46 caracteres.
        room = self.mode == ROOM_MODE
        self.bar_rows, self.line_width = (ROOM_SHOWN, ROOM_LINE_WIDTH) if room else (SHOWN, LINE_WIDTH)
        grid = figure.add_gridspec(1, 3, width_ratios=[0.09, 1.0, 1.45])
        self.label_axes = figure.add_subplot(grid[0, 0])
        self.bar_axes = figure.add_subplot(grid[0, 1], sharey=self.label_axes)
        self.text_axes = figure.add_subplot(grid[0, 2])
        ax = self.bar_axes
        rows = np.arange(self.bar_rows)
        self.model_bars = ax.barh(rows, np.zeros(self.bar_rows), height=0.8, color=GREY, label="modelo (T = 1, sin filtro)")
        self.sample_bars = ax.barh(rows, np.zeros(self.bar_rows), height=0.45, color=BLUE, label="para sortear (T y top-k)")
        ax.set(xlim=(0, 1), ylim=(self.bar_rows - 0.5, -0.5),
               xlabel="probabilidad" if room else "probabilidad del siguiente carácter",
               title="¿Qué carácter viene ahora?")
        ax.tick_params(axis="y", left=False, labelleft=False)
        ax.legend(loc="lower right", fontsize=font(11))
        self.label_axes.axis("off")
        self.label_axes.set_xlim(-0.5, 0.5)
        self.labels = CellLabels(self.label_axes, max_font_px=20)
        self.label_axes.set_aspect("auto")   # imshow la pone «equal»: las letras, a la altura de sus barras
        self.text_axes.axis("off")
        self.text_axes.set_title("Lo que escribe el modelo (azul)" if room else
                                 "El comienzo (negro) y lo que el modelo escribe (azul)")
        size = 13 if room else 15    # 20 px en la sala: 46 caracteres por línea caben en el panel
        self.prompt_text = RasterText(self.text_axes, [0.0, 0.69, 1.0, 0.3] if room else [0.0, 0.72, 1.0, 0.26],
                                      fontsize=size, ha="left")
        self.sample_text = RasterText(self.text_axes, [0.0, 0.0, 1.0, 0.67] if room else [0.0, 0.0, 1.0, 0.7],
                                      fontsize=size, color=BLUE, ha="left")
        decimal_comma_ticks(ax)
        self.animate(*self.model_bars, *self.sample_bars, self.labels.artist, self.prompt_text.artist,
                     self.sample_text.artist)

    def update(self):
        v = self.values()
        temperature, top_k, seed = float(v["temperature"]), int(v["top_k"]), int(v["seed"])
        text = str(v["prompt"])
        ids, unknown = self.lm.encode(text)
        note = ""
        if unknown:
            note = f"El modelo no conoce {''.join(unknown)!r}: se omite{'n' if len(unknown) > 1 else ''}. "
        if not ids:
            ids = [self.lm.index["\n"]]   # sin comienzo: como al principio de un capítulo
            note += "Sin comienzo, el modelo empieza como al principio de un capítulo. "
        logits, sampled = self.lm.continuation(ids, CONTINUATION, temperature, top_k, seed)
        model_p = next_char_probabilities(logits)
        sample_p = next_char_probabilities(logits, temperature, top_k)
        order = np.argsort(-model_p, kind="stable")[:self.bar_rows]
        for bar, p in zip(self.model_bars, model_p[order]):
            bar.set_width(p)
        for bar, p in zip(self.sample_bars, sample_p[order]):
            bar.set_width(p)
        self.labels.show([[visible(self.lm.chars[i])] for i in order], np.zeros((self.bar_rows, 1), dtype=bool))
        shown = text[-PROMPT_SHOWN:]
        self.prompt_text.set_text("\n".join(wrap(("…" if len(text) > PROMPT_SHOWN else "") + shown, self.line_width,
                                                 max_lines=4)))
        self.sample_text.set_text("\n".join(wrap(sampled, self.line_width, max_lines=8)))
        best = int(order[0])
        self.result = {"best": self.lm.chars[best], "p_best": float(model_p[best]), "sampled": sampled,
                       "kept": int(np.count_nonzero(sample_p)), "note": note}

    def caption(self):
        if self.result is None:
            return ""
        r = self.result
        v = self.values()
        mode = "voraz (siempre el más probable)" if v["temperature"] == 0 else \
            f"T = {fmt(v['temperature'])}, se sortea entre {r['kept']} caracteres"
        return (f"{r['note']}Lo más probable ahora es «{visible(r['best'])}» (p = {fmt(r['p_best'], 2)}); {mode}.")


def language_model(**initial_values):
    """Demostración del siguiente carácter (controles prompt, temperature, top_k, seed)."""
    return LanguageModelDemo(**initial_values)
