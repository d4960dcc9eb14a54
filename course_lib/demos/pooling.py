"""Demostración: agrupación máxima (max pooling) y agrupación media (average pooling).

Una ventana f×f recorre el mapa de características con paso s y, en cada posición, se queda con
el máximo (o la media) de sus valores. El lado de la salida es

    salida = ⌊(n − f)/s⌋ + 1

(sin relleno, como ``MaxPooling2D(pool_size=f, strides=s)`` de Keras con ``padding="valid"``). Si
las ventanas no llegan al final del mapa, las últimas filas o columnas se descartan; la figura
las sombrea. En la agrupación máxima se marcan en la entrada los valores elegidos.
"""

import numpy as np
import ipywidgets as widgets
from matplotlib.patches import Rectangle
from numpy.lib.stride_tricks import sliding_window_view

from .base import ROOM_MODE, Demo, fmt, slider_style
from .convolution import photo_image
from .rastertext import CellLabels, RasterText, dark_cells, fit_to_axes

# --- Cálculo puro ------------------------------------------------------------------------------


def pool_output_size(n, f, stride):
    """⌊(n − f)/s⌋ + 1, o 0 si la ventana no cabe (f > n)."""
    return 0 if f > n else (n - f) // stride + 1


def pool2d(x, size=2, stride=None, mode="max"):
    """Agrupación 2-D de un mapa ``x`` (alto, ancho) con ventanas size×size y paso ``stride``.

    max:   salida[i, j] = max_{u,v} x[i·s + u, j·s + v]
    media: salida[i, j] = (1/f²) Σ_{u,v} x[i·s + u, j·s + v]

    ``stride=None`` usa s = f (ventanas sin solapar, como Keras). Devuelve ``(salida, posiciones)``,
    donde ``posiciones`` (salida.shape + (2,)) da la fila y la columna en ``x`` del máximo de cada
    ventana (la primera si hay empate; en la media, ``None``).

    Vectorizada con ``sliding_window_view``: todas las ventanas a la vez, sin bucles.
    """
    x = np.asarray(x, dtype=float)
    stride = size if stride is None else stride
    if x.ndim != 2:
        raise ValueError(f"Se esperaba un mapa 2-D; se recibió la forma {x.shape}.")
    if size < 1 or stride < 1:
        raise ValueError(f"El tamaño de la ventana y el paso deben ser ≥ 1; se recibió f = {size}, s = {stride}.")
    if size > min(x.shape):
        raise ValueError(f"La ventana {size}×{size} no cabe en un mapa {x.shape[0]}×{x.shape[1]}.")
    windows = sliding_window_view(x, (size, size))[::stride, ::stride]  # (H', W', f, f)
    flat = windows.reshape(windows.shape[:2] + (-1,))
    if mode == "media":
        return flat.mean(axis=-1), None
    if mode != "max":
        raise ValueError(f"Modo de agrupación desconocido: {mode!r}; usa «max» o «media».")
    best = flat.argmax(axis=-1)
    rows = np.arange(flat.shape[0])[:, None] * stride + best // size
    cols = np.arange(flat.shape[1])[None, :] * stride + best % size
    return flat.max(axis=-1), np.stack([rows, cols], axis=-1)


def random_map(side, seed=0):
    """Mapa de enteros 0–9 al azar (con semilla), como los de los ejemplos de clase."""
    return np.random.default_rng(seed).integers(0, 10, (side, side)).astype(float)


def stripes_map(side=8):
    """Mapa «estructurado»: una diagonal de valores altos sobre un fondo bajo (un rasgo detectado)."""
    i, j = np.indices((side, side))
    return np.clip(9 - 3 * np.abs(i - j), 0, 9) + (i + j) % 2


# --- La demostración ---------------------------------------------------------------------------

MAPS = {
    "enteros al azar 8×8": lambda: random_map(8, seed=3),
    "enteros al azar 7×7": lambda: random_map(7, seed=5),
    "rasgo diagonal 8×8": lambda: stripes_map(8),
    "foto (templo, 106×160)": lambda: np.round(photo_image("china.jpg") * 255),
}
MODES = {"máximo (max pooling)": "max", "media (average pooling)": "media"}
WINDOW_COLORS = ("#e6550d", "#3182bd")


class PoolingDemo(Demo):
    """El mapa de entrada con las ventanas y los máximos elegidos, y la salida reducida."""

    title = "Agrupación (pooling): máximo y media"
    room_height_px = 440  # en la sala: celdas de 8×8 (y la salida media 7×7, «3,25») con números de 20 px
    #: En el sitio web: la ventana y el paso (la salida mide ⌊(n − f)/s⌋ + 1).
    lesson_controls = ("size", "stride")

    def __init__(self, feature_map="enteros al azar 8×8", mode="máximo (max pooling)", size=2, stride=2):
        style = slider_style()
        controls = {
            "feature_map": widgets.Dropdown(options=list(MAPS), value=feature_map,
                                            description="Mapa de entrada:", style=style),
            "mode": widgets.ToggleButtons(options=list(MODES), value=mode, description="Agrupación:",
                                          style={**style, "button_width": "190px"}),
            "size": widgets.IntSlider(value=size, min=2, max=4, description="Ventana f:", style=style),
            "stride": widgets.IntSlider(value=stride, min=1, max=4, description="Paso s:", style=style),
        }
        self._maps = {name: make() for name, make in MAPS.items()}  # todos al crear: cambiar de mapa es instantáneo
        self._shapes = None  # (forma de la entrada, forma de la salida) del fondo dibujado
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["feature_map"], c["mode"]], [c["size"], c["stride"]]]

    def setup(self, figure):
        self.ax_in, self.ax_out = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 0.75]})
        for ax in (self.ax_in, self.ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            ax.set_title(" ")  # reserva el sitio del título en la disposición
        # La entrada se pinta como RGBA ya coloreado: así las celdas descartadas se agrisan sin otra capa.
        self.im_in = self.ax_in.imshow(np.zeros((8, 8, 4)), interpolation="nearest")
        self.im_out = self.ax_out.imshow(np.zeros((4, 4)), cmap="viridis", vmin=0, vmax=9)
        self.in_labels = CellLabels(self.ax_in)
        self.out_labels = CellLabels(self.ax_out, max_font_px=15)
        self.maxima = self.ax_in.scatter([], [], marker="s", s=100, facecolors="none", edgecolors="#e6550d",
                                         linewidths=2.5, zorder=4)
        self.windows = [Rectangle((0, 0), 1, 1, fill=False, ec=color, lw=3, ls=ls, zorder=5)
                        for color, ls in zip(WINDOW_COLORS, ("-", "--"))]
        for window in self.windows:
            self.ax_in.add_patch(window)
        self.first_cells = [Rectangle((0, 0), 1, 1, fill=False, ec=color, lw=3, ls=ls, zorder=5)
                            for color, ls in zip(WINDOW_COLORS, ("-", "--"))]
        for cell in self.first_cells:
            self.ax_out.add_patch(cell)
        # Los títulos cambian con el tamaño: se animan para no redibujar el fondo (≈ 50 ms).
        size = 13 if self.mode == ROOM_MODE else 15  # en la sala, 20 px (base.font): caben en su recuadro
        self.title_in = RasterText(self.ax_in, [-0.1, 1.01, 1.2, 0.1], fontsize=size)
        self.title_out = RasterText(self.ax_out, [-0.3, 1.01, 1.3, 0.1], fontsize=size)
        self.animate(self.title_in.artist, self.title_out.artist, self.im_in, self.im_out, self.in_labels.artist,
                     self.out_labels.artist,
                     self.maxima, *self.windows, *self.first_cells)

    def background_key(self):
        # Los ejes de la foto no son cuadrados: cada forma de entrada y salida tiene su fondo (sus bordes)
        return self._shapes

    def update(self):
        v = self.values()
        x = self._maps[v["feature_map"]]
        f, s, mode = v["size"], v["stride"], MODES[v["mode"]]
        out, where = pool2d(x, f, s, mode)
        if (x.shape, out.shape) != self._shapes:
            self._shapes = (x.shape, out.shape)
            self.redraw_all()
        n_rows, n_cols = x.shape
        is_grid = max(x.shape) <= 8
        vmax = 9 if is_grid else 255
        self.im_out.set_cmap("viridis" if is_grid else "gray")
        self.im_out.set_data(out)
        self.im_out.set_clim(0, vmax)
        self.im_out.set_extent((-0.5, out.shape[1] - 0.5, out.shape[0] - 0.5, -0.5))
        self.ax_in.set_xlim(-0.5, n_cols - 0.5)
        self.ax_in.set_ylim(n_rows - 0.5, -0.5)
        self.ax_out.set_xlim(-0.5, out.shape[1] - 0.5)
        self.ax_out.set_ylim(out.shape[0] - 0.5, -0.5)

        # Celdas que ninguna ventana cubre (se descartan), sombreadas en gris
        rows_covered = np.zeros(n_rows, dtype=bool)
        cols_covered = np.zeros(n_cols, dtype=bool)
        for k in range(out.shape[0]):
            rows_covered[k * s:k * s + f] = True
        for k in range(out.shape[1]):
            cols_covered[k * s:k * s + f] = True
        covered = rows_covered[:, None] & cols_covered[None, :]
        colors = self.im_out.cmap(self.im_out.norm(x))
        colors[~covered, :3] = 0.15 * colors[~covered, :3] + 0.85 * 0.82  # gris claro: no entra en ninguna ventana
        self.im_in.set_data(colors)
        self.im_in.set_extent((-0.5, n_cols - 0.5, n_rows - 0.5, -0.5))

        fit_to_axes(self.ax_in, self.title_in)
        fit_to_axes(self.ax_out, self.title_out)
        if is_grid:
            self.in_labels.show([[fmt(a, 0) for a in line] for line in x], dark_cells(self.im_out, x) & covered)
            decimals = 0 if mode == "max" else 2
            self.out_labels.show([[fmt(a, decimals) for a in line] for line in out], dark_cells(self.im_out, out))
        else:
            self.in_labels.hide()
            self.out_labels.hide()

        # Máximos elegidos (solo en las cuadrículas: en la foto serían miles)
        if mode == "max" and is_grid:
            chosen = np.unique(where.reshape(-1, 2), axis=0)
            self.maxima.set_offsets(chosen[:, ::-1])
            cell_px = self.ax_in.get_window_extent().height / n_rows
            self.maxima.set_sizes([(0.8 * cell_px) ** 2])  # el tamaño va en puntos² (72 ppp: 1 punto = 1 píxel)
            self.maxima.set_visible(True)
        else:
            self.maxima.set_visible(False)

        # Las dos primeras ventanas (para ver f y s) y las celdas de salida que producen
        for k, (window, cell) in enumerate(zip(self.windows, self.first_cells)):
            visible = is_grid and k < out.shape[1]
            window.set_bounds(k * s - 0.5, -0.5, f, f)
            cell.set_bounds(k - 0.5, -0.5, 1, 1)
            window.set_visible(visible)
            cell.set_visible(visible)

        self._note_text = self._note(x.shape, f, s, is_grid, mode)

        word = "máximo" if mode == "max" else "media"
        formula = f" = ⌊({n_rows} − {f})/{s}⌋ + 1" if n_rows == n_cols else ""
        titles = (f"Entrada {n_rows}×{n_cols}", f"Salida {out.shape[0]}×{out.shape[1]}{formula} ({word})")
        self.title_in.set_text(titles[0])
        self.title_out.set_text(titles[1])
        self._state = (n_rows, n_cols, f, s, out.shape)

    @staticmethod
    def _note(shape, f, s, is_grid, mode):
        """Una frase sobre cómo encajan ventana y paso en el mapa (para el pie de la figura)."""
        leftover = ((shape[0] - f) % s, (shape[1] - f) % s)
        if s > f:
            return (f"Con s = {s} > f = {f} las ventanas dejan huecos: las celdas en gris no se miran nunca.")
        if any(leftover):
            return (f"f = {f} y s = {s} no encajan en {shape[0]}×{shape[1]}: sobran {leftover[0]} fila(s) y "
                    f"{leftover[1]} columna(s) (en gris), que se descartan, como con padding='valid' en Keras.")
        if not is_grid:
            return "Cada píxel de la salida resume una ventana de la foto: menos resolución, mismo contenido."
        if s == f:
            return "Las ventanas no se solapan y cubren todo el mapa."
        if mode == "max":
            return "Con s < f las ventanas se solapan: un mismo valor puede elegirse más de una vez."
        return "Con s < f las ventanas se solapan: cada valor entra en la media de varias ventanas."

    def caption(self):
        n_rows, n_cols, f, s, shape = self._state
        rows = f"⌊({n_rows} − {f})/{s}⌋ + 1 = {shape[0]}"
        if n_rows == n_cols:
            size = f"Salida {shape[0]}×{shape[1]}, con {rows} (fórmula ⌊(n − f)/s⌋ + 1, sin relleno)."
        else:
            size = (f"Salida {shape[0]}×{shape[1]}: filas {rows}, columnas ⌊({n_cols} − {f})/{s}⌋ + 1 = "
                    f"{shape[1]} (fórmula ⌊(n − f)/s⌋ + 1, sin relleno).")
        return f"{size} {self._note_text}"


def pooling(**initial_values):
    """Demostración de la agrupación máxima y media: ventana f, paso s y tamaño de la salida."""
    return PoolingDemo(**initial_values)
