"""Demostración: la convolución 2-D de una imagen con un filtro 3×3, con relleno y paso.

A la izquierda la entrada (una cuadrícula 7×7 como la de los apuntes o una foto en grises), en el
centro el filtro y a la derecha la salida, cuyo tamaño es

    salida = ⌊(n + 2p − f)/s⌋ + 1

(n = lado de la entrada, f = lado del filtro, p = relleno por lado, s = paso). En la cuadrícula se
resaltan la ventana de la entrada que produce la celda elegida de la salida y la suma de
productos que da su valor.

Las funciones puras (``convolve2d``, ``output_size``, ``parse_kernel``) no saben nada de widgets.
"""

import functools

import numpy as np
import ipywidgets as widgets
from matplotlib.patches import Rectangle
from numpy.lib.stride_tricks import sliding_window_view

from ..data import load_sample_photo
from .base import ROOM_MODE, Demo, DemoMessage, fmt, slider_style
from .rastertext import CellLabels, RasterText, dark_cells, fit_to_axes

# --- Cálculo puro ------------------------------------------------------------------------------

KERNELS = {
    "identidad": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "bordes horizontales": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "bordes verticales": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "Sobel horizontal": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "Sobel vertical": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "desenfoque (media 3×3)": (np.ones((3, 3)) / 9).tolist(),
    "enfoque": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
}
EDITABLE = "editable 3×3"


def resolve_padding(padding, f):
    """Relleno por lado como entero: ``"valid"`` → 0; ``"same"`` → (f − 1)/2 (f impar, paso 1)."""
    if padding == "valid":
        return 0
    if padding == "same":
        if f % 2 == 0:
            raise ValueError(f"El relleno «same» simétrico necesita un filtro de lado impar; el filtro mide {f}.")
        return (f - 1) // 2
    if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)) or padding < 0:
        raise ValueError(f"El relleno debe ser un entero ≥ 0, «valid» o «same»; se recibió {padding!r}.")
    return int(padding)


def output_size(n, f, stride=1, padding=0):
    """Lado de la salida: ⌊(n + 2p − f)/s⌋ + 1 (0 si el filtro no cabe en la entrada rellenada)."""
    p = resolve_padding(padding, f)
    if n + 2 * p < f:
        return 0
    return (n + 2 * p - f) // stride + 1


def convolve2d(image, kernel, stride=1, padding=0):
    """Convolución 2-D de una imagen en grises con un filtro, como la de una capa Conv2D.

    salida[i, j] = Σ_u Σ_v entrada_rellenada[i·s + u, j·s + v] · K[u, v]

    Ojo: lo que en aprendizaje profundo se llama «convolución» es en rigor una **correlación
    cruzada** (cross-correlation): el filtro no se voltea, como en ``scipy.signal.correlate2d``
    y en Keras/PyTorch. Con filtros simétricos da lo mismo.

    ``image``: (alto, ancho); ``kernel``: (f_h, f_w); ``stride`` s ≥ 1; ``padding``: p ≥ 0 ceros
    por lado, ``"valid"`` (p = 0) o ``"same"`` (p = (f − 1)/2). Devuelve (⌊(H + 2p − f_h)/s⌋ + 1,
    ⌊(W + 2p − f_w)/s⌋ + 1).

    Vectorizada: ``sliding_window_view`` da una vista (sin copiar) de todas las ventanas f×f; se
    toma una de cada s en cada eje y ``tensordot`` hace la suma de productos de todas a la vez.
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(
            f"Se esperaban una imagen y un filtro 2-D; se recibieron formas {image.shape} y {kernel.shape}."
        )
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise ValueError(f"El paso debe ser un entero ≥ 1; se recibió {stride!r}.")
    p = resolve_padding(padding, kernel.shape[0])
    padded = np.pad(image, p) if p else image
    if padded.shape[0] < kernel.shape[0] or padded.shape[1] < kernel.shape[1]:
        raise ValueError(
            f"El filtro {kernel.shape[0]}×{kernel.shape[1]} no cabe en la entrada rellenada "
            f"{padded.shape[0]}×{padded.shape[1]}."
        )
    windows = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return np.tensordot(windows, kernel, axes=([2, 3], [0, 1]))


def parse_kernel(text):
    """Lee un filtro 3×3 escrito como texto: tres filas (una por línea o separadas por «;»).

    Los números de una fila se separan con espacios (entonces la coma vale como coma decimal:
    «0,5») o con comas si no hay espacios («1,0,-1»). Lanza ``ValueError`` con un mensaje en
    español si el texto no describe una matriz 3×3 de números finitos.
    """
    rows = [row.strip() for row in str(text).replace(";", "\n").splitlines() if row.strip()]
    if len(rows) != 3:
        raise ValueError(
            f"El filtro editable necesita 3 filas de 3 números (una fila por línea); hay {len(rows)} fila(s)."
        )
    matrix = []
    for number, row in enumerate(rows, start=1):
        tokens = row.split()
        if len(tokens) == 1 and "," in row:
            tokens = row.split(",")
        try:
            values = [float(token.replace(",", ".")) for token in tokens]
        except ValueError:
            raise ValueError(
                f"La fila {number} del filtro («{row}») no son números; escribe, p. ej., «1 0 -1»."
            ) from None
        if len(values) != 3:
            raise ValueError(f"La fila {number} del filtro tiene {len(values)} número(s); se esperaban 3.")
        matrix.append(values)
    kernel = np.array(matrix)
    if not np.all(np.isfinite(kernel)):
        raise ValueError("El filtro contiene valores no finitos (nan o infinito); usa números normales.")
    if np.abs(kernel).max() > 1e6:
        raise ValueError("Los valores del filtro son enormes (más de un millón); usa números más pequeños.")
    return kernel


def grid_image():
    """La cuadrícula 7×7 de ejemplo: un rectángulo de unos sobre fondo de ceros (bordes en 4 lados)."""
    image = np.zeros((7, 7))
    image[1:5, 2:6] = 1
    image[5, 2:4] = 1  # una «pata» para que el dibujo no sea simétrico
    return image


@functools.lru_cache(maxsize=4)
def photo_image(name="china.jpg", step=4):
    """Foto de scikit-learn en grises (valores en [0, 1]), reducida ``step`` veces en cada eje.

    Cada píxel nuevo es la media de un bloque step×step (427×640 → 106×160 con step = 4).
    """
    photo = load_sample_photo(name, gray=True)
    h, w = (photo.shape[0] // step) * step, (photo.shape[1] // step) * step
    small = photo[:h, :w].reshape(h // step, step, w // step, step).mean(axis=(1, 3))
    small.flags.writeable = False  # se comparte entre demostraciones (caché): que nadie la cambie
    return small


# --- La demostración ---------------------------------------------------------------------------

IMAGES = {"cuadrícula 7×7": None, "foto: templo (china.jpg)": "china.jpg", "foto: flor (flower.jpg)": "flower.jpg"}
MAX_SIDE = 7 + 2 * 2  # la cuadrícula con el mayor relleno
MAX_OUT = MAX_SIDE - 3 + 1
MAX_BACKGROUNDS = 12  # fondos guardados (≈ 1,7 MB cada uno en la sala): p. ej. los 9 de paso × relleno


class ConvolutionDemo(Demo):
    """Entrada, filtro y salida de una convolución 2-D, con relleno, paso y la celda elegida."""

    title = "Convolución 2-D: filtro, relleno y paso"
    room_height_px = 420  # en la sala: una entrada 9×9 (relleno p = 1) con números de 20 px
    #: En el sitio web: el relleno y el paso, que cambian el tamaño de la salida (⌊(n + 2p − f)/s⌋ + 1).
    lesson_controls = ("padding", "stride")

    def __init__(self, image="cuadrícula 7×7", kernel="bordes verticales", stride=1, padding=0,
                 custom_kernel="1 0 -1\n2 0 -2\n1 0 -1", row=1, column=1):
        style = slider_style()
        controls = {
            "image": widgets.Dropdown(options=list(IMAGES), value=image, description="Entrada:", style=style),
            "kernel": widgets.Dropdown(options=list(KERNELS) + [EDITABLE], value=kernel,
                                       description="Filtro:", style=style),
            "custom_kernel": widgets.Textarea(value=custom_kernel, description="Filtro editable (3 filas):",
                                              rows=3, style=style, layout=widgets.Layout(width="300px")),
            "stride": widgets.IntSlider(value=stride, min=1, max=3, description="Paso s:", style=style),
            "padding": widgets.Dropdown(
                options=[("0 (valid)", 0), ("1 (same con f = 3)", 1), ("2", 2)], value=padding,
                description="Relleno p:", style=style),
            # El máximo de fila y columna sigue al tamaño de la salida (lo ajusta update)
            "row": widgets.IntSlider(value=row, min=1, max=max(row, column, MAX_OUT), description="Fila de la salida:",
                                     style=style),
            "column": widgets.IntSlider(value=column, min=1, max=max(row, column, MAX_OUT),
                                        description="Columna de la salida:", style=style),
        }
        self._syncing = False
        for source in IMAGES.values():  # leer las fotos al crear (≈ 40 ms cada una), no al elegirlas
            if source is not None:
                photo_image(source)
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["image"], c["kernel"], c["stride"], c["padding"]], [c["row"], c["column"], c["custom_kernel"]]]

    def _on_change(self, change):
        if not self._syncing:  # los cambios de rango de las filas/columnas los hace update
            super()._on_change(change)

    # --- figura --------------------------------------------------------------------------------
    def setup(self, figure):
        room = self.mode == ROOM_MODE
        if room:
            # En la sala, la suma de productos va bajo el filtro, una fila de K por línea: así la entrada
            # y la salida ocupan todo el alto y sus números llegan a 20 px.
            grid = figure.add_gridspec(2, 3, width_ratios=[1, 0.82, 0.88], height_ratios=[0.47, 0.53])
            self.ax_in = figure.add_subplot(grid[:, 0])
            self.ax_k = figure.add_subplot(grid[0, 1])
            self.ax_out = figure.add_subplot(grid[:, 2])
            self.ax_text = figure.add_subplot(grid[1, 1])
        else:
            grid = figure.add_gridspec(2, 3, width_ratios=[1, 0.42, 1], height_ratios=[1, 0.2])
            self.ax_in = figure.add_subplot(grid[0, 0])
            self.ax_k = figure.add_subplot(grid[0, 1])
            self.ax_out = figure.add_subplot(grid[0, 2])
            self.ax_text = figure.add_subplot(grid[1, :])
        self.ax_text.axis("off")
        for ax in (self.ax_in, self.ax_k, self.ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        blank = np.zeros((MAX_SIDE, MAX_SIDE))
        self.im_in = self.ax_in.imshow(blank, cmap="gray", vmin=0, vmax=1)
        self.im_k = self.ax_k.imshow(np.zeros((3, 3)), cmap="RdBu_r", vmin=-1, vmax=1)
        self.im_out = self.ax_out.imshow(blank, cmap="gray", vmin=0, vmax=1)
        self.ax_k.set_title("Filtro K (3×3)")
        self.ax_in.set_title(" ")  # reserva el sitio del título en la disposición; el texto lo pinta PIL
        self.ax_out.set_title(" ")
        size = 13 if room else 15  # en la sala, 20 px (base.font): los títulos caben en su recuadro
        self.title_in = RasterText(self.ax_in, [-0.1, 1.01, 1.2, 0.1], fontsize=size)
        # En la sala la salida llega al borde derecho de la figura: su título se corre a la izquierda.
        self.title_out = RasterText(self.ax_out, [-0.25, 1.01, 1.25, 0.1] if room else [-0.1, 1.01, 1.2, 0.1],
                                    fontsize=size)
        self.ax_k.set_xlim(-0.5, 2.5)
        self.ax_k.set_ylim(2.5, -0.5)
        self.in_labels = CellLabels(self.ax_in)
        self.out_labels = CellLabels(self.ax_out)
        self.k_labels = CellLabels(self.ax_k, max_font_px=13 if room else 15)  # en la sala, 20 px: «0,11» cabe
        self.original_frame = Rectangle((0, 0), 1, 1, fill=False, ec="#1f77b4", lw=2, ls="--")
        self.patch_frame = Rectangle((0, 0), 1, 1, fill=False, ec="#e6550d", lw=3.5)
        self.cell_frame = Rectangle((0, 0), 1, 1, fill=False, ec="#e6550d", lw=3.5)
        self.ax_in.add_patch(self.original_frame)
        self.ax_in.add_patch(self.patch_frame)
        self.ax_out.add_patch(self.cell_frame)
        # La suma de productos (≈ 110 caracteres) también se pinta con PIL: como texto de matplotlib
        # costaría ≈ 15 ms en cada cambio.
        if room:
            self.sum_text = RasterText(self.ax_text, [0, 0, 1, 1], fontsize=13, ha="left")
            sum_artist = self.sum_text.artist
        else:
            self.sum_labels = CellLabels(self.ax_text, max_font_px=15)
            self.ax_text.set_aspect("auto")
            sum_artist = self.sum_labels.artist
        self._layers = [self.title_in.artist, self.title_out.artist, self.im_in, self.im_k, self.im_out,
                        self.original_frame, self.patch_frame, self.cell_frame, sum_artist,
                        self.in_labels.artist, self.out_labels.artist, self.k_labels.artist]
        # Al mover la fila o la columna solo cambian la ventana, la celda y la suma: se animan y lo demás
        # (imágenes, números, títulos) va en el fondo, que se redibuja solo cuando cambian la entrada, el
        # filtro, el relleno o el paso (``_structure``; se guardan los últimos fondos para volver a ellos).
        # Así arrastrar la fila cuesta unos 15 ms de CPU en la sala, no 35.
        self.animate(self.patch_frame, self.cell_frame, sum_artist)
        self._structure = None

    # --- cálculo y dibujo ----------------------------------------------------------------------
    def _image(self, name):
        source = IMAGES[name]
        return grid_image() if source is None else photo_image(source)

    def _kernel(self, v):
        if v["kernel"] != EDITABLE:
            return np.array(KERNELS[v["kernel"]], dtype=float)
        try:
            return parse_kernel(v["custom_kernel"])
        except ValueError as exc:
            raise DemoMessage(f"{exc}") from None

    def _sync_cell_sliders(self, shape):
        """El rango de «fila» y «columna» sigue al tamaño de la salida (sin disparar otra actualización).

        Devuelve la fila y la columna elegidas (dentro de la salida). Los deslizadores se cambian cuando
        la imagen ya salió: así el navegador la pinta antes de rehacer los deslizadores."""
        chosen = [min(self.controls[name].value, n_out) for name, n_out in zip(("row", "column"), shape)]

        def sync():
            self._syncing = True
            try:
                for name, n_out in zip(("row", "column"), shape):
                    slider = self.controls[name]
                    if slider.max != n_out:
                        if slider.value > n_out:
                            slider.value = n_out
                        slider.max = n_out
            finally:
                self._syncing = False

        self.after_image(sync)
        return chosen

    def update(self):
        v = self.values()
        image = self._image(v["image"])
        is_grid = IMAGES[v["image"]] is None
        stride, p = v["stride"], v["padding"]
        n, f = image.shape[0], 3
        try:
            kernel = self._kernel(v)
        except DemoMessage:
            self._hide_all()
            raise
        for artist in self._layers:
            artist.set_visible(True)
        structure = (v["image"], kernel.tobytes(), stride, p)
        if structure != self._structure:
            self._structure = structure
            if len(self._backgrounds) >= MAX_BACKGROUNDS:
                self._backgrounds.clear()
            self.redraw_all()
        out = convolve2d(image, kernel, stride, p)
        padded = np.pad(image, p)
        row, col = (k - 1 for k in self._sync_cell_sliders(out.shape))

        # Entrada (rellenada), filtro y salida
        self.im_in.set_data(padded)
        side_in = padded.shape
        self.im_in.set_extent((-0.5, side_in[1] - 0.5, side_in[0] - 0.5, -0.5))
        self.im_k.set_data(kernel)
        kmax = max(np.abs(kernel).max(), 1e-12)
        self.im_k.set_clim(-kmax, kmax)
        self.im_out.set_data(out)
        self.im_out.set_extent((-0.5, out.shape[1] - 0.5, out.shape[0] - 0.5, -0.5))
        if out.min() < -1e-12:  # valores con signo: mapa divergente centrado en 0
            # En las fotos, el percentil 99 de |salida| da más contraste que el máximo (unos pocos bordes fuertes)
            omax = max(np.abs(out).max() if is_grid else np.percentile(np.abs(out), 99), 1e-12)
            self.im_out.set_cmap("RdBu_r")
            self.im_out.set_clim(-omax, omax)
        else:
            self.im_out.set_cmap("gray")
            self.im_out.set_clim(min(out.min(), 0), max(out.max(), 1e-12))
        self.ax_in.set_xlim(-0.5, side_in[1] - 0.5)
        self.ax_in.set_ylim(side_in[0] - 0.5, -0.5)
        self.ax_out.set_xlim(-0.5, out.shape[1] - 0.5)
        self.ax_out.set_ylim(out.shape[0] - 0.5, -0.5)

        fit_to_axes(self.ax_in, self.title_in)
        fit_to_axes(self.ax_out, self.title_out)
        # (en la sala, una cuadrícula cuyos números no llegan a 20 px se queda sin números: CellLabels)
        self.k_labels.show([[fmt(k) for k in line] for line in kernel], dark_cells(self.im_k, kernel))
        if is_grid:
            self.in_labels.show([[fmt(a, 0) for a in line] for line in padded], dark_cells(self.im_in, padded))
            self.out_labels.show([[fmt(a) for a in line] for line in out], dark_cells(self.im_out, out))
        else:
            self.in_labels.hide()
            self.out_labels.hide()

        # Marco de la imagen original dentro de la rellenada, ventana y celda elegidas
        self.original_frame.set_bounds(p - 0.5, p - 0.5, n, image.shape[1])
        self.original_frame.set_visible(p > 0)
        self.patch_frame.set_bounds(col * stride - 0.5, row * stride - 0.5, f, f)
        self.cell_frame.set_bounds(col - 0.5, row - 0.5, 1, 1)
        self.patch_frame.set_visible(True)
        self.cell_frame.set_visible(True)
        patch = padded[row * stride:row * stride + f, col * stride:col * stride + f]
        if self.mode == ROOM_MODE:
            self.sum_text.set_text(self._sum_by_rows(patch, kernel, out[row, col], row, col))
        else:
            lines = self._sum_of_products(patch, kernel, out[row, col], row, col, is_grid)
            self.sum_labels.show([[line] for line in lines], [[False], [False]])

        padding = f", p = {p} → " if self.mode == ROOM_MODE else f" con relleno p = {p} → "
        titles = (
            f"Entrada {n}×{image.shape[1]}" + (f"{padding}{side_in[0]}×{side_in[1]}" if p else ""),
            f"Salida {out.shape[0]}×{out.shape[1]} = ⌊({n} + 2·{p} − 3)/{stride}⌋ + 1" if is_grid
            else f"Salida {out.shape[0]}×{out.shape[1]}",
        )
        self.title_in.set_text(titles[0])
        self.title_out.set_text(titles[1])
        self._state = (n, image.shape[1], p, stride, out.shape)

    @staticmethod
    def _terms(patch, kernel):
        def factor(value):
            return f"({fmt(value, 2)})" if value < 0 else fmt(value, 2)

        return [f"{factor(a)}·{factor(k)}" for a, k in zip(patch.ravel(), kernel.ravel())]

    def _sum_by_rows(self, patch, kernel, result, row, col):
        """En la sala: la suma de productos con una fila del filtro por línea (si una fila no cabe en
        el recuadro, se abrevia con «…»)."""
        terms = self._terms(patch, kernel)
        lines = [f"Salida[{row + 1}, {col + 1}] ="]
        for r in range(3):
            part = terms[3 * r:3 * r + 3]
            plus = "+ " if r else ""
            lines.append(self.sum_text.first_fitting(plus + " + ".join(part), f"{plus}{part[0]} + … + {part[-1]}",
                                                     plus + "…"))
        lines.append(f"= {fmt(result, 3)}")
        return "\n".join(lines)

    def _sum_of_products(self, patch, kernel, result, row, col, is_grid):
        terms = self._terms(patch, kernel)
        head = (f"Salida[fila {row + 1}, columna {col + 1}] = suma de (ventana naranja × filtro K), "
                "elemento a elemento:")
        if is_grid:
            return head, " + ".join(terms) + f" = {fmt(result, 3)}"
        return head, " + ".join(terms[:4]) + " + … + " + terms[-1] + f" = {fmt(result, 3)}"

    def background_key(self):
        return self._structure

    def _hide_all(self):
        for artist in self._layers:
            artist.set_visible(False)
        self._structure = None
        self.redraw_all()

    def caption(self):
        h, w, p, s, shape = self._state
        if h == w:
            text = f"Salida {shape[0]}×{shape[1]}, con ⌊({h} + 2·{p} − 3)/{s}⌋ + 1 = {shape[0]}"
        else:
            text = (f"Salida {shape[0]}×{shape[1]}: filas ⌊({h} + 2·{p} − 3)/{s}⌋ + 1 = {shape[0]}, "
                    f"columnas ⌊({w} + 2·{p} − 3)/{s}⌋ + 1 = {shape[1]}")
        return (text + " (fórmula ⌊(n + 2p − f)/s⌋ + 1). En aprendizaje profundo la «convolución» es una "
                "correlación cruzada: el filtro no se voltea.")


def convolution(**initial_values):
    """Demostración de la convolución 2-D: entrada, filtro 3×3, relleno, paso y salida."""
    return ConvolutionDemo(**initial_values)
