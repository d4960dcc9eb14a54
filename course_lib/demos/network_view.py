"""La red del laboratorio dibujada como en TensorFlow Playground: neuronas y pesos.

Cada neurona es un mapa de calor pequeño de su salida sobre el plano de entrada [−6, 6]² (las
entradas: el valor de su característica; las ocultas: su activación; la salida: ŷ). Cada peso es
una línea entre dos neuronas: su grosor crece con |w| y su color da el signo (azul positivo,
naranja negativo, como en Playground).

Velocidad: una red de 7 entradas y 6 capas de 8 neuronas tiene 56 mapas y más de 400 pesos.
Dibujar 56 ``imshow`` y 400 líneas costaría decenas de milisegundos; aquí todos los mapas se pegan
en **una** imagen RGBA del tamaño en píxeles de los ejes (un ``imshow``) y todas las líneas son
**una** ``LineCollection``: unos pocos milisegundos por fotograma.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgba

NEURON_CMAP = LinearSegmentedColormap.from_list("playground", ["#f59322", "#e8eaeb", "#0877bd"])
POSITIVE, NEGATIVE = np.array(to_rgba("#0877bd")), np.array(to_rgba("#f59322"))
MAP_SIDE = 16  # cada mapa pequeño se calcula en una rejilla 16×16 del plano


def scaled_maps(values, bounded):
    """Cada columna de ``values`` (n, k) llevada a [−1, 1] para colorearla.

    ``bounded``: (bajo, alto) si la salida tiene un rango fijo (tanh: (−1, 1); sigmoide: (0, 1)),
    que se conserva para que dos neuronas se comparen; si es ``None`` (ReLU, lineal, entradas),
    cada neurona se escala por su máximo |valor| (el signo se conserva).
    """
    values = np.nan_to_num(np.asarray(values, dtype=float))
    if bounded is not None:
        low, high = bounded
        return np.clip(2 * (values - low) / (high - low) - 1, -1, 1)
    peak = np.max(np.abs(values), axis=0, keepdims=True)
    return values / np.where(peak > 0, peak, 1.0)


class NetworkView:
    """Dibuja en ``ax`` las neuronas (mapas) y los pesos (líneas) de una red de capas densas."""

    def __init__(self, ax):
        self.ax = ax
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")
        self.lines = LineCollection([], zorder=1, capstyle="round")
        ax.add_collection(self.lines)
        self.image = ax.imshow(np.zeros((1, 1, 4)), extent=(0, 1, 0, 1), aspect="auto", interpolation="nearest",
                               zorder=2)
        self.boxes = {}  # (columna, neurona) → (x0, y0, lado) en píxeles del lienzo (y hacia abajo)
        self.artists = (self.lines, self.image)

    def _layout(self, sizes, width, height):
        """Centro de cada neurona (píxeles) y lado de sus mapas, para columnas de ``sizes`` neuronas."""
        columns = len(sizes)
        side = int(max(8, min(0.8 * height / max(max(sizes), 1) - 4, 0.55 * width / columns, 44)))
        xs = np.linspace(side / 2 + 2, width - side / 2 - 2, columns) if columns > 1 else [width / 2]
        centers = []
        for x, size in zip(xs, sizes):
            gap = min(height / max(size, 1), side * 1.6)
            top = height / 2 - gap * (size - 1) / 2
            centers.append([(float(x), float(top + gap * i)) for i in range(size)])
        return centers, side

    def show(self, maps, weights, selected=None):
        """``maps``: lista por columna de arrays (k, MAP_SIDE, MAP_SIDE) en [−1, 1] (entradas,
        capas ocultas y salida); ``weights``: lista de matrices W (entradas, salidas) entre columnas
        consecutivas; ``selected``: (columna, neurona) que se recuadra, o ``None``."""
        bbox = self.ax.get_window_extent()
        width, height = max(int(round(bbox.width)), 1), max(int(round(bbox.height)), 1)
        sizes = [len(m) for m in maps]
        centers, side = self._layout(sizes, width, height)
        canvas = np.zeros((height, width, 4), dtype=np.float32)
        self.boxes = {}
        for c, column in enumerate(maps):
            colors = NEURON_CMAP((np.asarray(column) + 1) / 2).astype(np.float32)  # (k, 16, 16, 4)
            for j, (x, y) in enumerate(centers[c]):
                x0, y0 = int(round(x - side / 2)), int(round(y - side / 2))
                x0, y0 = min(max(x0, 0), width - side), min(max(y0, 0), height - side)
                rows = np.linspace(0, MAP_SIDE - 1, side).round().astype(int)
                tile = colors[j][::-1][rows][:, rows]  # fila 0 = x₂ alta (arriba)
                canvas[y0:y0 + side, x0:x0 + side] = tile
                border = (0.1, 0.1, 0.1, 1.0) if (c, j) != selected else (0.0, 0.0, 0.0, 1.0)
                thick = 1 if (c, j) != selected else 3
                for edge in (canvas[y0:y0 + thick, x0:x0 + side], canvas[y0 + side - thick:y0 + side, x0:x0 + side],
                             canvas[y0:y0 + side, x0:x0 + thick], canvas[y0:y0 + side, x0 + side - thick:x0 + side]):
                    edge[...] = border
                self.boxes[(c, j)] = (x0, y0, side)
        self.image.set_data(canvas[::-1])  # el lienzo tiene y hacia abajo; los ejes, hacia arriba

        segments, widths, colors = [], [], []
        peak = max((float(np.max(np.abs(W))) for W in weights if W.size), default=1.0) or 1.0
        for c, W in enumerate(weights):
            for i, (x1, y1) in enumerate(centers[c]):
                for j, (x2, y2) in enumerate(centers[c + 1]):
                    w = float(W[i, j]) if np.isfinite(W[i, j]) else 0.0
                    segments.append([(x1 / width, 1 - y1 / height), (x2 / width, 1 - y2 / height)])
                    widths.append(0.4 + 4.0 * min(abs(w) / peak, 1.0))
                    colors.append(POSITIVE if w >= 0 else NEGATIVE)
        self.lines.set_segments(segments)
        self.lines.set_linewidths(widths)
        self.lines.set_colors(colors if colors else "none")
