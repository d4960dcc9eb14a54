"""Textos que cambian en cada actualización, pintados con PIL como imágenes.

Dibujar un ``Text`` de matplotlib cuesta aquí de 1 a 5 ms; una cuadrícula de 11×11 números son
121 textos. Estas clases escriben todos los textos de una vez con PIL en una imagen transparente
del tamaño en píxeles de los ejes y la muestran con un único ``imshow``: menos de 1 ms.
"""

import numpy as np
from matplotlib import font_manager
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from PIL import Image, ImageDraw, ImageFont

from .base import ROOM_MIN_PX, ROOM_MODE, display_mode, font


class CellLabels:
    """Los números de las celdas de una cuadrícula, pintados como **una** imagen encima de los ejes.

    Un texto de matplotlib cuesta ≈ 1 ms al dibujarse; una cuadrícula 11×11 son 121 textos. Aquí
    se escriben todos con PIL en una imagen transparente del tamaño en píxeles de los ejes y se
    muestran con un único ``imshow``: unos pocos milisegundos en total.
    """

    def __init__(self, ax, max_font_px=13):
        self.ax = ax
        self.max_font_px = font(max_font_px)  # en la sala, más grande (base.font)
        self._font_path = font_manager.findfont("DejaVu Sans")  # la misma letra que matplotlib
        self._fonts = {}
        self._last_key = None  # si los textos no cambian, no se vuelve a pintar la imagen
        self.size = None  # la letra (px) del último pintado: la sala exige ≥ 20 px (tests/test_sala_proyector.py)
        # En la sala, unos números de menos de 20 px no se leerían desde el fondo: la cuadrícula se queda con
        # sus colores y sin números.
        self.min_font_px = ROOM_MIN_PX if display_mode() == ROOM_MODE else 0
        self.artist = ax.imshow(np.zeros((1, 1, 4)), interpolation="nearest", zorder=3)

    def _font(self, size):
        if size not in self._fonts:
            self._fonts[size] = ImageFont.truetype(self._font_path, size)
        return self._fonts[size]

    def show(self, texts, dark):
        """``texts``: matriz (filas, columnas) de cadenas; ``dark``: dónde el fondo es oscuro (texto blanco)."""
        rows, cols = len(texts), len(texts[0])
        bbox = self.ax.get_window_extent()
        width, height = max(int(round(bbox.width)), 1), max(int(round(bbox.height)), 1)
        key = (width, height, tuple(map(tuple, texts)), np.asarray(dark, dtype=bool).tobytes())
        cell_w, cell_h = width / cols, height / rows
        longest = max(len(t) for line in texts for t in line) or 1
        size = int(max(6, min(self.max_font_px, cell_h * 0.55, cell_w * 1.6 / longest)))
        if size < self.min_font_px:
            self.hide()
            return
        self.artist.set_visible(True)
        if key == self._last_key:
            return
        self._last_key = key
        self.size = size
        font = self._font(size)
        masks = {True: Image.new("L", (width, height), 0), False: Image.new("L", (width, height), 0)}
        pens = {key: ImageDraw.Draw(mask) for key, mask in masks.items()}
        for i in range(rows):
            for j in range(cols):
                if texts[i][j]:
                    pens[bool(dark[i][j])].text(((j + 0.5) * cell_w, (i + 0.5) * cell_h), texts[i][j],
                                                fill=255, font=font, anchor="mm")
        white = np.asarray(masks[True], dtype=np.float32) / 255
        black = np.asarray(masks[False], dtype=np.float32) / 255
        rgba = np.zeros((height, width, 4), dtype=np.float32)
        rgba[..., :3] = white[..., None]
        rgba[..., 3] = np.maximum(white, black)
        self.artist.set_data(rgba)
        self.artist.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))

    def hide(self):
        self.artist.set_visible(False)

    def smallest_px(self):
        """La letra (px) de los números que se ven ahora (``None`` si no se ve ninguno)."""
        return self.size if self.artist.get_visible() and self._last_key is not None else None


class RasterText:
    """Un texto que cambia en cada actualización, pintado con PIL en una imagen (como ``CellLabels``).

    Ocupa la caja ``bounds`` = [x0, y0, ancho, alto] en fracciones de los ejes ``ax`` (puede quedar
    fuera, p. ej. encima como título). Dibujar un ``Text`` de matplotlib cuesta 3–5 ms; esto, < 1 ms.
    ``ha``: "left", "center" o "right"; ``background``: color RGBA de fondo o ``None`` (transparente).
    """

    _ANCHORS = {"left": "lm", "center": "mm", "right": "rm"}

    def __init__(self, ax, bounds, fontsize=15, color="black", ha="center", bold=False, background=None):
        self.box = ax.inset_axes(bounds)
        self.box.axis("off")
        self.box.set_in_layout(False)  # no debe cambiar la disposición de la figura
        fontsize = font(fontsize)  # en la sala, más grande (base.font)
        self.fontsize, self.color, self.ha = fontsize, to_rgba(color), ha
        self.background = background
        path = font_manager.findfont(FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"))
        self._font = ImageFont.truetype(path, fontsize)
        self.artist = self.box.imshow(np.zeros((1, 1, 4)), extent=(0, 1, 0, 1), aspect="auto",
                                      interpolation="nearest")
        self._last = None
        self.last_text = ""

    def set_text(self, text, color=None):
        """Escribe ``text`` (puede tener varias líneas, separadas por «\\n»)."""
        color = self.color if color is None else color
        bbox = self.box.get_window_extent()
        width, height = max(int(round(bbox.width)), 1), max(int(round(bbox.height)), 1)
        key = (text, color, width, height)
        if key == self._last:
            return
        self._last = key
        self.last_text = str(text)
        mask = Image.new("L", (width, height), 0)
        pen = ImageDraw.Draw(mask)
        lines = str(text).split("\n")
        step = 1.25 * self.fontsize
        top = height / 2 - step * (len(lines) - 1) / 2
        x = {"left": 2, "center": width / 2, "right": width - 2}[self.ha]
        for k, line in enumerate(lines):
            pen.text((x, top + k * step), line, fill=255, font=self._font, anchor=self._ANCHORS[self.ha])
        alpha = np.asarray(mask, dtype=np.float32) / 255
        rgba = np.zeros((height, width, 4), dtype=np.float32)
        rgba[..., :3] = to_rgba(color)[:3]
        rgba[..., 3] = alpha
        if self.background is not None and text:
            back = np.array(self.background, dtype=np.float32)
            out_alpha = alpha + back[3] * (1 - alpha)
            rgba[..., :3] = (rgba[..., :3] * alpha[..., None] + back[:3] * (back[3] * (1 - alpha))[..., None]) \
                / np.maximum(out_alpha, 1e-6)[..., None]
            rgba[..., 3] = out_alpha
        self.artist.set_data(rgba)

    def smallest_px(self):
        """La letra (px) con que se pinta el texto."""
        return self.fontsize if self.last_text.strip() and self.box.get_visible() else None

    def fits_width(self, text):
        """¿Cabe cada línea de ``text`` a lo ancho del recuadro? (la tinta de la línea más ancha, más los 2 px
        que ``set_text`` deja al borde si alinea a un lado; 1 px cortado por lado no se nota)"""
        lines = [line for line in str(text).split("\n") if line]
        if not lines:
            return True
        widest = max(right - left for left, _, right, _ in (self._font.getbbox(line) for line in lines))
        margin = 0 if self.ha == "center" else 2
        return widest + margin <= self.box.get_window_extent().width + 2

    def first_fitting(self, *candidates):
        """El primero de ``candidates`` (de más largo a más corto) que cabe a lo ancho; si ninguno, el último."""
        return next((text for text in candidates if self.fits_width(text)), candidates[-1])

    def overflows(self):
        """¿Se corta el último texto? (alguna línea más ancha que el recuadro, o más líneas de las que caben)"""
        if not self.last_text.strip() or not self.box.get_visible():
            return False
        lines = self.last_text.split("\n")
        tall = 1.25 * self.fontsize * (len(lines) - 1) + self.fontsize
        return not self.fits_width(self.last_text) or tall > self.box.get_window_extent().height + 1


def fit_to_axes(ax, *texts):
    """Coloca ya los ejes ``ax`` con su proporción (una foto no es cuadrada) y los recuadros de sus
    ``RasterText``: así los textos se pintan al tamaño en píxeles del recuadro en que se verán (si no,
    se pintarían para el recuadro anterior y se verían estirados)."""
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    for text in texts:
        locator = text.box.get_axes_locator()
        text.box.apply_aspect(locator(text.box, renderer) if locator else None)


def dark_cells(image_artist, values):
    """Qué celdas quedan oscuras con el mapa de colores de ``image_artist`` (luminancia < 0,5)."""
    rgba = image_artist.cmap(image_artist.norm(values))
    return rgba[..., :3] @ np.array([0.299, 0.587, 0.114]) < 0.5


class TextStamps:
    """Textos de PIL guardados como máscaras: cada texto distinto se rasteriza una vez y después se
    «estampa» (``Image.paste`` con máscara, unas decenas de µs) en vez de volver a trazarlo (≈ 0,1 ms).

    Sirve a las demostraciones que pintan decenas de números con PIL en cada actualización: muchos
    se repiten de una vez a otra (etiquetas, «?», los valores que no cambian). ``anchor`` como en PIL:
    la primera letra, "l", "m" o "r" (horizontal); la segunda, "a" (arriba), "m" (centro) o "s" (línea base).
    """

    def __init__(self, limit=4000):
        self.limit = limit
        self._masks = {}
        self._smallest = None  # la letra más pequeña estampada (px): la sala exige ≥ 20 px

    def mask(self, text, font):
        key = (text, id(font))
        mask = self._masks.get(key)
        if mask is None:
            if len(self._masks) >= self.limit:
                self._masks.clear()
            ascent, descent = font.getmetrics()
            width = int(np.ceil(font.getlength(text))) + 4
            mask = Image.new("L", (max(width, 1), ascent + descent), 0)
            ImageDraw.Draw(mask).text((2, ascent), text, font=font, fill=255, anchor="ls")
            mask = (mask, ascent, descent)
            self._masks[key] = mask
        return mask

    def stamp(self, image, xy, text, font, fill, anchor="la"):
        """Escribe ``text`` en ``image`` (RGB) en la posición ``xy`` con el ancla ``anchor``."""
        if not text:
            return
        self._smallest = font.size if self._smallest is None else min(self._smallest, font.size)
        mask, ascent, descent = self.mask(text, font)
        x, y = xy
        width = mask.size[0] - 4
        x -= {"l": 0, "m": width / 2, "r": width}[anchor[0]] + 2
        y -= {"a": 0, "m": (ascent + descent) / 2, "s": ascent}[anchor[1]]
        image.paste(fill, (int(round(x)), int(round(y))), mask)

    def smallest_px(self):
        """La letra más pequeña (px) que se ha estampado (``None``: ninguna todavía)."""
        return self._smallest

    def length(self, text, font):
        return self.mask(text, font)[0].size[0] - 4
