"""Demostración: la retropropagación, nodo a nodo, sobre el grafo de una neurona con su pérdida.

El cálculo, con dos entradas, es el del capítulo 05 dibujado como grafo computacional:

    u₁ = w₁·x₁,   u₂ = w₂·x₂,   z = u₁ + u₂ + b,   a = f(z),   L = pérdida(a, y)

con f lineal, sigmoide o ReLU y la pérdida cuadrática (a − y)² o la entropía cruzada
−[y·ln a + (1 − y)·ln(1 − a)]. La pasada hacia delante da el valor de cada nodo; la pasada hacia
atrás empieza en ∂L/∂L = 1 y, nodo a nodo de derecha a izquierda, multiplica el gradiente que llega
por la derivada local (regla de la cadena):

    ∂L/∂n = Σ_c ∂L/∂c · ∂c/∂n        (c: los nodos que leen n; aquí cada nodo tiene uno)

«Paso hacia atrás» recorre esa pasada: en el paso k se procesa el k-ésimo nodo y se escribe su
producto. A la derecha, cada gradiente de las hojas (pesos, sesgo y entradas) se compara con la
estimación por diferencias centrales [L(θ + h) − L(θ − h)] / 2h, h = 10⁻⁵, y su error relativo
|g − ĝ| / (|g| + |ĝ|), el mismo de ``course_lib.nn.gradient_check``.

Todo el dibujo (cajas, flechas y números) se pinta con PIL en una sola imagen: son unos cuarenta
textos que cambian a la vez, y con textos de matplotlib cada actualización costaría más de 100 ms.
Las funciones de cálculo (``neuron_graph``, ``forward``, ``backward_steps``, ``finite_differences``)
no saben nada de widgets: las pruebas las comparan con PyTorch y con diferencias finitas propias.
"""

import math
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from PIL import Image, ImageDraw, ImageFont

from .base import Demo, DemoMessage, encode_png, font, fmt, int_slider, slider_style, value_slider
from .rastertext import TextStamps
from .rnn_gradient import scientific

#: Cálculos que se pueden elegir: etiqueta → (activación, pérdida).
EXPRESSIONS = {
    "neurona sigmoide + pérdida cuadrática": ("sigmoid", "mse"),
    "neurona sigmoide + entropía cruzada": ("sigmoid", "bce"),
    "neurona ReLU + pérdida cuadrática": ("relu", "mse"),
    "neurona lineal + pérdida cuadrática": ("linear", "mse"),
}
LEAVES = ("w1", "w2", "b", "x1", "x2")        # lo que se deriva y se comprueba con diferencias finitas
STEP = 1e-5                                   # h de las diferencias centrales
INPUT_VALUES = np.round(np.arange(-2.0, 2.0001, 0.1), 1)
WEIGHT_VALUES = np.round(np.arange(-3.0, 3.0001, 0.1), 1)
SUBSCRIPT = str.maketrans("12", "₁₂")


# --- Cálculo puro ------------------------------------------------------------------------------

@dataclass
class Node:
    """Un nodo del grafo: su nombre, su fórmula, qué nodos lee y las dos funciones que necesita.

    ``function(*entradas)`` da el valor; ``local(*entradas)`` da las derivadas locales
    ∂nodo/∂entrada, una por entrada y en el mismo orden; ``local_text`` las escribe en símbolos.
    """

    name: str
    formula: str
    inputs: tuple = ()
    function: callable = None
    local: callable = None
    local_text: tuple = ()
    kind: str = "operación"      # "peso", "entrada", "etiqueta" u "operación"


def _sigmoid(z):
    # Estable para |z| grande: nunca calcula exp de un número positivo.
    e = math.exp(-abs(z))
    return 1 / (1 + e) if z >= 0 else e / (1 + e)


ACTIVATIONS = {
    # nombre: (f, f', fórmula de a, fórmula de la derivada local)
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)), "a = σ(z)", "σ(z)(1 − σ(z))"),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0, "a = ReLU(z)", "1 si z > 0; si no, 0"),
    "linear": (lambda z: z, lambda z: 1.0, "a = z", "1"),
}
LOSSES = {
    # nombre: (L(a, y), ∂L/∂a, fórmula de L en la caja, fórmula de la derivada local)
    "mse": (lambda a, y: (a - y) ** 2, lambda a, y: 2 * (a - y), "L = (a − y)²", "2(a − y)"),
    "bce": (lambda a, y: -(y * math.log(a) + (1 - y) * math.log(1 - a)),
            lambda a, y: -y / a + (1 - y) / (1 - a), "L = EC(a, y)", "−y/a + (1 − y)/(1 − a)"),
}


def neuron_graph(activation="sigmoid", loss="mse"):
    """Los nodos del grafo de una neurona de dos entradas con su pérdida, en orden topológico."""
    if activation not in ACTIVATIONS or loss not in LOSSES:
        raise ValueError(f"Cálculo desconocido: activación {activation!r}, pérdida {loss!r}.")
    if loss == "bce" and activation != "sigmoid":
        raise ValueError("La entropía cruzada necesita 0 < a < 1: úsala con la sigmoide.")
    f, f_prime, a_formula, f_text = ACTIVATIONS[activation]
    L, dL_da, L_formula, L_text = LOSSES[loss]
    return [
        Node("x1", "x₁", kind="entrada"), Node("w1", "w₁", kind="peso"),
        Node("x2", "x₂", kind="entrada"), Node("w2", "w₂", kind="peso"),
        Node("b", "b", kind="peso"), Node("y", "y", kind="etiqueta"),
        Node("u1", "u₁ = w₁·x₁", ("w1", "x1"), lambda w, x: w * x, lambda w, x: (x, w), ("x₁", "w₁")),
        Node("u2", "u₂ = w₂·x₂", ("w2", "x2"), lambda w, x: w * x, lambda w, x: (x, w), ("x₂", "w₂")),
        Node("z", "z = u₁ + u₂ + b", ("u1", "u2", "b"), lambda p, q, b: p + q + b, lambda p, q, b: (1.0, 1.0, 1.0),
             ("1", "1", "1")),
        Node("a", a_formula, ("z",), f, lambda z: (f_prime(z),), (f_text,)),
        Node("L", L_formula, ("a", "y"), L, lambda a, y: (dL_da(a, y), None), (L_text, None)),
    ]


def forward(graph, leaves):
    """Pasada hacia delante: el valor de cada nodo (dict nombre → número) a partir de las hojas."""
    values = {}
    for node in graph:
        if node.function is None:
            values[node.name] = float(leaves[node.name])
        else:
            values[node.name] = float(node.function(*(values[i] for i in node.inputs)))
    return values


@dataclass
class BackwardStep:
    """Un paso de la pasada hacia atrás: el nodo, su gradiente ∂L/∂nodo y los términos de la regla de
    la cadena que lo forman, cada uno (nodo que lo lee c, ∂L/∂c, ∂c/∂nodo, ∂c/∂nodo en símbolos)."""

    node: str
    gradient: float
    terms: list = field(default_factory=list)


def backward_steps(graph, values, output="L"):
    """Pasada hacia atrás, un paso por nodo derivable, en el orden en que se pueden procesar.

    Un nodo se procesa cuando ya se procesaron todos los que lo leen (orden topológico inverso,
    recorrido en anchura desde la salida): ∂L/∂n = Σ_c ∂L/∂c · ∂c/∂n. La etiqueta y no se deriva.
    """
    by_name = {node.name: node for node in graph}
    readers = {node.name: [] for node in graph}
    for node in graph:
        for position, name in enumerate(node.inputs):
            readers[name].append((node.name, position))
    differentiable = {name for name, node in by_name.items() if node.kind != "etiqueta"}
    steps, gradients, pending = [], {}, [output]
    while pending:
        name = pending.pop(0)
        if name in gradients:
            continue
        if name == output:
            step = BackwardStep(name, 1.0)
        else:
            terms = []
            for reader, position in readers[name]:
                node = by_name[reader]
                local = node.local(*(values[i] for i in node.inputs))[position]
                terms.append((reader, gradients[reader], float(local), node.local_text[position]))
            step = BackwardStep(name, float(sum(up * local for _, up, local, _ in terms)), terms)
        gradients[name] = step.gradient
        steps.append(step)
        for child in by_name[name].inputs:
            ready = all(reader in gradients for reader, _ in readers[child])
            if child in differentiable and ready and child not in pending:
                pending.append(child)
    return steps


def loss_value(graph, leaves):
    """L para unas hojas dadas (lo que se evalúa en las diferencias finitas)."""
    return forward(graph, leaves)[graph[-1].name]


def finite_differences(graph, leaves, names=LEAVES, h=STEP):
    """∂L/∂θ ≈ [L(θ + h) − L(θ − h)] / 2h para cada hoja θ de ``names`` (dict nombre → estimación)."""
    estimates = {}
    for name in names:
        plus, minus = dict(leaves), dict(leaves)
        plus[name] += h
        minus[name] -= h
        estimates[name] = (loss_value(graph, plus) - loss_value(graph, minus)) / (2 * h)
    return estimates


def relative_error(analytic, numeric):
    """|g − ĝ| / (|g| + |ĝ|), el error relativo de ``gradient_check`` (0 si los dos son 0)."""
    denominator = abs(analytic) + abs(numeric)
    return 0.0 if denominator == 0 else abs(analytic - numeric) / denominator


# --- Dibujo con PIL -----------------------------------------------------------------------------

# Columna de cada nodo y su fila (0–3, repartidas en el alto del grafo).
COLUMNS = {"x1": 0, "w1": 0, "x2": 0, "w2": 0, "u1": 1, "b": 1, "u2": 1, "z": 2, "a": 3, "y": 3, "L": 4}
ROWS = {"x1": 0, "w1": 1, "x2": 2, "w2": 3, "u1": 0.35, "b": 1.5, "u2": 2.65, "z": 1.5, "a": 1.5, "y": 3,
        "L": 1.5}
COLUMNS["y"] = 4          # la etiqueta, justo debajo de la pérdida que la lee
VALUE_COLOR = (0, 0, 0)
GRADIENT_COLOR = (213, 94, 0)          # bermellón de Okabe e Ito: el gradiente, como en CS231n
WAITING_COLOR = (150, 150, 150)
FILLS = {"peso": (219, 233, 246), "entrada": (232, 244, 234), "etiqueta": (238, 238, 238),
         "operación": (255, 255, 255)}
CURRENT_FILL, CURRENT_EDGE = (255, 243, 214), (230, 159, 0)
WIDEST_NUMBER = ("−0,2926", "−3,2·10⁻⁵", "−12,34")   # lo más ancho que cabe en una caja


def _font(size, bold=False):
    path = font_manager.findfont(FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"))
    return ImageFont.truetype(path, size)


def _leaf_label(node, value):
    """La primera línea de una hoja: «w₁ = 0,5»."""
    return f"{node.formula} = {_short(value)}"


class GraphPainter:
    """Pinta el grafo, la explicación del paso y la comprobación numérica en una imagen RGB.

    Arriba el grafo (con la leyenda de colores en su esquina libre), debajo las dos líneas del paso
    y, al pie, la tabla θ | g | ĝ | error en horizontal. La disposición se mide una vez con las
    fuentes reales (la más ancha de las fórmulas y de los números posibles en cada columna), así
    que nada se solapa ni en el cuaderno (letra de 13 px) ni en la sala (letra de 20 px).
    """

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.size = font(13)
        self.fonts = {"normal": _font(self.size), "bold": _font(self.size, bold=True)}
        self.stamps = TextStamps()
        self.line = int(round(self.size * 1.3))
        length = self.stamps.length
        # Ancho de las cajas por columna y hueco entre columnas.
        texts = {0: ["x₁ = −2,5", "w₁ = −2,5"], 1: ["u₁ = w₁·x₁", "b = −2,5"], 2: ["z = u₁ + u₂ + b"],
                 3: [ACTIVATIONS[name][2] for name in ACTIVATIONS] + ["y = 1"],
                 4: [LOSSES[name][2] for name in LOSSES]}
        self.box_widths = {
            column: int(max(length(t, self.fonts["bold"]) for t in labels + list(WIDEST_NUMBER)) + self.size)
            for column, labels in texts.items()}
        self.gap = max((width - 4 - sum(self.box_widths.values())) / 4, 8)
        self.column_x, x = {}, 2
        for column in range(5):
            self.column_x[column] = x + self.box_widths[column] / 2
            x += self.box_widths[column] + self.gap
        # De abajo arriba: la tabla (4 líneas) y la explicación del paso (2 líneas).
        self.table_top = height - 4 * self.line - 2
        self.explain_top = self.table_top - 2 * self.line - 6
        self.top = 2
        self.leaf_h, self.box_h = 2 * self.line + 6, 3 * self.line + 6
        self.row_step = (self.explain_top - 6 - self.top - self.leaf_h) / 3
        label = max(length(text, self.fonts["bold"]) for text in TABLE_ROWS) + self.size
        number = max(length(text, self.fonts["normal"]) for text in WIDEST_NUMBER[:3]) + self.size
        self.table_columns = [4 + label + k * number for k in range(len(LEAVES))]

    def center(self, name):
        return self.column_x[COLUMNS[name]], self.top + self.leaf_h / 2 + ROWS[name] * self.row_step

    def half(self, name, kind):
        return self.box_widths[COLUMNS[name]] / 2, (self.box_h if kind == "operación" else self.leaf_h) / 2

    def _text(self, xy, text, font, fill, anchor="la"):
        self.stamps.stamp(self.image, xy, text, font, fill, anchor)

    def paint(self, graph, values, steps, shown, checks):
        """``shown``: cuántos pasos de ``steps`` se han hecho; ``checks``: nombre → diferencia finita."""
        image = self.image = Image.new("RGB", (self.width, self.height), "white")
        pen = ImageDraw.Draw(image)
        done = {step.node: step for step in steps[:shown]}
        current = steps[shown - 1] if shown else None
        f = self.fonts
        # La leyenda, en la esquina de arriba a la derecha (libre: z, a y L están más abajo).
        legend_x = self.column_x[2] - self.box_widths[2] / 2
        self._text((legend_x, self.top), "negro: valor (pasada hacia delante)", f["normal"], VALUE_COLOR)
        self._text((legend_x, self.top + self.line), "bermellón: ∂L/∂nodo (pasada hacia atrás)", f["normal"],
                   GRADIENT_COLOR)
        kinds = {node.name: node.kind for node in graph}
        for node in graph:
            for source in node.inputs:
                used = current is not None and current.node == source
                self._edge(pen, source, node.name, kinds, done, used)
        for node in graph:
            self._box(pen, node, values[node.name], done.get(node.name),
                      current is not None and node.name == current.node)
        for k, text in enumerate(explanation(graph, steps, shown, values)):
            color = GRADIENT_COLOR if k == 1 and shown else VALUE_COLOR
            self._text((4, self.explain_top + k * self.line), text, f["normal"], color)
        self._table(pen, done, checks)
        return np.asarray(image)

    def _edge(self, pen, source, target, kinds, done, used):
        (x0, y0), (x1, y1) = self.center(source), self.center(target)
        (w0, h0), (w1, h1) = self.half(source, kinds[source]), self.half(target, kinds[target])
        if abs(x1 - x0) < 1:          # y, debajo de su lector: flecha vertical
            start, end = (x0, y0 - h0), (x1, y1 + h1)
        else:
            start, end = (x0 + w0, y0), (x1 - w1, y1)
        flowed = source in done                          # el gradiente ya bajó por esta arista
        color = CURRENT_EDGE if used else (GRADIENT_COLOR if flowed else (130, 130, 130))
        pen.line([start, end], fill=color, width=5 if used else (3 if flowed else 2))
        angle = math.atan2(end[1] - start[1], end[0] - start[0])
        tip = max(9, self.size * 0.7)
        left = (end[0] - tip * math.cos(angle - 0.4), end[1] - tip * math.sin(angle - 0.4))
        right = (end[0] - tip * math.cos(angle + 0.4), end[1] - tip * math.sin(angle + 0.4))
        pen.polygon([end, left, right], fill=color)

    def _box(self, pen, node, value, step, is_current):
        x, y = self.center(node.name)
        w, h = self.half(node.name, node.kind)
        fill = CURRENT_FILL if is_current else FILLS[node.kind]
        edge = CURRENT_EDGE if is_current else (GRADIENT_COLOR if step else (110, 110, 110))
        pen.rounded_rectangle([x - w, y - h, x + w, y + h], radius=8, fill=fill, outline=edge,
                              width=4 if is_current else 2)
        f, line = self.fonts, self.line
        if node.kind == "etiqueta":
            text, color = "fija", WAITING_COLOR
        elif step is None:
            text, color = "?", WAITING_COLOR
        else:
            text, color = _short(step.gradient), GRADIENT_COLOR
        if node.kind == "operación":
            self._text((x, y - line), node.formula, f["bold"], VALUE_COLOR, anchor="mm")
            self._text((x, y), _short(value), f["normal"], VALUE_COLOR, anchor="mm")
            self._text((x, y + line), text, f["bold"], color, anchor="mm")
        else:
            self._text((x, y - line / 2), _leaf_label(node, value), f["normal"], VALUE_COLOR, anchor="mm")
            self._text((x, y + line / 2), text, f["bold"], color, anchor="mm")

    def _table(self, pen, done, checks):
        f, line, top = self.fonts, self.line, self.table_top
        pen.line([(4, top - 3), (self.width - 4, top - 3)], fill=(170, 170, 170), width=1)
        for k, (text, color) in enumerate(zip(TABLE_ROWS, [VALUE_COLOR, GRADIENT_COLOR, VALUE_COLOR, VALUE_COLOR])):
            self._text((4, top + k * line), text, f["bold"], color)
        for column, name in zip(self.table_columns, LEAVES):
            step = done.get(name)
            self._text((column, top), _name(name), f["bold"], VALUE_COLOR)
            self._text((column, top + 2 * line), _short(checks[name]), f["normal"], VALUE_COLOR)
            if step is None:
                self._text((column, top + line), "?", f["normal"], WAITING_COLOR)
                self._text((column, top + 3 * line), "—", f["normal"], WAITING_COLOR)
            else:
                self._text((column, top + line), _short(step.gradient), f["normal"], GRADIENT_COLOR)
                error = scientific(relative_error(step.gradient, checks[name]))
                self._text((column, top + 3 * line), error, f["normal"], VALUE_COLOR)


#: Las filas de la tabla de comprobación (la primera es la cabecera).
TABLE_ROWS = ["parámetro o entrada θ", "retropropagación g", "dif. finitas ĝ (h = 10⁻⁵)", "error relativo"]


def _wrap(text, font, width, stamps):
    """Parte ``text`` en líneas que caben en ``width`` píxeles."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if current and stamps.length(candidate, font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + [current] if current else lines


def _short(value):
    """Un número para una caja: 4 cifras significativas con coma, o notación científica si es extremo."""
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return scientific(value)
    decimals = max(0, 3 - int(math.floor(math.log10(abs(value)))))
    return fmt(value, min(decimals, 4))


def _name(name):
    return name.translate(SUBSCRIPT)


def explanation(graph, steps, shown, values):
    """Las dos líneas que explican el paso ``shown`` (0 = solo la pasada hacia delante)."""
    total = len(steps)
    if shown == 0:
        return [f"Pasada hacia delante: cada nodo calcula su valor con el de sus entradas; L = {_short(values['L'])}.",
                "Mueve «paso hacia atrás» (o pulsa ▶) para recorrer la retropropagación desde L."]
    step = steps[shown - 1]
    if not step.terms:
        return [f"Paso 1 de {total} · nodo L: la pasada hacia atrás empieza en la salida.",
                "∂L/∂L = 1"]
    reader, up, local, local_text = step.terms[0]
    n, c = _name(step.node), _name(reader)
    first = f"Paso {shown} de {total} · nodo {n}: su derivada local es ∂{c}/∂{n} = {local_text} = {_short(local)}"
    if len(step.terms) == 1:
        second = f"∂L/∂{n} = ∂L/∂{c} · ∂{c}/∂{n} = ({_short(up)}) · ({_short(local)}) = {_short(step.gradient)}"
    else:
        parts = " + ".join(f"({_short(u)})·({_short(d)})" for _, u, d, _ in step.terms)
        second = f"∂L/∂{n} = {parts} = {_short(step.gradient)}"
    return [first, second]


# --- La demostración ----------------------------------------------------------------------------

class BackpropagationDemo(Demo):
    title = "La retropropagación, nodo a nodo"
    figsize = (12.5, 4.9)
    room_height_px = 420

    def __init__(self, expression="neurona sigmoide + pérdida cuadrática", step=0, x1=2.0, x2=-1.0, w1=0.5,
                 w2=1.0, b=-0.5, y=1):
        style = slider_style()
        controls = {
            "step": int_slider(step, 0, 10, "paso hacia atrás"),
            "expression": widgets.Dropdown(options=list(EXPRESSIONS), value=expression, description="cálculo",
                                           style=style),
            "y": widgets.ToggleButtons(options=[("0", 0), ("1", 1)], value=int(y), description="etiqueta y",
                                       style={"button_width": "3em", "description_width": "initial"}),
            "w1": value_slider(w1, WEIGHT_VALUES, "peso w₁", 1),
            "w2": value_slider(w2, WEIGHT_VALUES, "peso w₂", 1),
            "b": value_slider(b, WEIGHT_VALUES, "sesgo b", 1),
            "x1": value_slider(x1, INPUT_VALUES, "entrada x₁", 1),
            "x2": value_slider(x2, INPUT_VALUES, "entrada x₂", 1),
        }
        # ▶ recorre los pasos en el navegador (jslink), sin ida y vuelta por el núcleo para avanzar.
        self.play = widgets.Play(value=step, min=0, max=10, step=1, interval=1200, description="Recorrer",
                                 layout=widgets.Layout(width="auto"))
        widgets.jslink((self.play, "value"), (controls["step"], "value"))
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[self.play, c["step"], c["expression"], c["y"]], [c["w1"], c["w2"], c["b"]], [c["x1"], c["x2"]]]

    def setup(self, figure):
        # Una sola imagen, del tamaño exacto de la figura: figimage la copia píxel a píxel, sin
        # remuestrearla (imshow la remuestrearía en cada dibujo: ≈ 40 ms).
        figure.set_layout_engine("none")
        width, height = (int(round(v)) for v in figure.bbox.size)
        self.painter = GraphPainter(width, height)
        self.canvas_image = figure.figimage(np.full((height, width, 3), 255, dtype=np.uint8), origin="upper")
        self.animate(self.canvas_image)

    def render_png(self):
        # La figura es una sola imagen de PIL: se codifica tal cual, sin pasar por Agg (que la
        # volvería a muestrear: ≈ 130 ms). ``self.figure`` tiene la misma imagen, por si se guarda.
        return encode_png(self.pixels)

    def leaves(self):
        v = self.values()
        return {name: float(v[name]) for name in LEAVES} | {"y": float(v["y"])}

    def update(self):
        v = self.values()
        activation, loss = EXPRESSIONS[v["expression"]]
        graph = neuron_graph(activation, loss)
        leaves = self.leaves()
        values = forward(graph, leaves)
        steps = backward_steps(graph, values)
        shown = min(int(v["step"]), len(steps))
        checks = finite_differences(graph, leaves)
        self.graph, self.node_values, self.steps, self.shown, self.checks = graph, values, steps, shown, checks
        self.pixels = self.painter.paint(graph, values, steps, shown, checks)
        self.canvas_image.set_data(self.pixels)
        if not all(np.isfinite(list(values.values()))):
            raise DemoMessage("Con estos valores la pérdida no es finita.")

    def caption(self):
        v = self.values()
        activation, loss = EXPRESSIONS[v["expression"]]
        z, a = self.node_values["z"], self.node_values["a"]
        total = len(self.steps)
        text = (f"{v['expression'].capitalize()}: z = {_short(z)}, a = {_short(a)}, L = {_short(self.node_values['L'])}. "
                f"Paso {self.shown} de {total} de la pasada hacia atrás.")
        if activation == "relu" and z <= 0:
            text += " Con z ≤ 0 la ReLU deja pasar 0: ningún gradiente llega a los pesos (neurona «muerta»)."
            if abs(z) < 2 * STEP:
                text += " En z = 0, justo en el pliegue, la diferencia finita promedia las dos pendientes (0 y 1)."
        elif activation == "sigmoid" and abs(z) > 4:
            dz = self.node_values["a"] * (1 - self.node_values["a"])
            if loss == "mse":
                text += (f" Sigmoide saturada: ∂a/∂z = {_short(dz)}, y todo lo que llega a los pesos se "
                         "multiplica por ese número tan pequeño.")
            else:
                text += (f" Sigmoide saturada (∂a/∂z = {_short(dz)}), pero con la entropía cruzada "
                         f"∂L/∂z = a − y = {_short(a - v['y'])}: el gradiente no se apaga.")
        if self.shown == total:
            worst = max(relative_error(step.gradient, self.checks[step.node]) for step in self.steps
                        if step.node in LEAVES)
            text += f" Mayor error relativo frente a las diferencias finitas: {scientific(worst)}."
        return text


def backpropagation(**initial_values):
    """Demostración de la retropropagación sobre un grafo (controles step, expression, y, w1, w2, b, x1, x2)."""
    return BackpropagationDemo(**initial_values)
