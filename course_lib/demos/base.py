"""Base común de las demostraciones interactivas.

Cada demostración hace tres cosas: crea sus controles, crea su figura **una sola vez**
(``setup``) y, en ``update``, recalcula y cambia los artistas existentes (``set_data``,
``set_text``…). Lo que comparten todas vive aquí una vez:

- la figura es un ``matplotlib.figure.Figure`` sin pyplot, dibujada con Agg y mostrada como PNG
  en un ``ipywidgets.Image`` (funciona en JupyterLab, Voilà, VS Code y Colab sin ipympl);
- cada control llama a ``refresh()`` al cambiar su ``.value``, también desde Python (los tests
  mueven los controles sin navegador);
- ``refresh()`` nunca lanza excepciones: un error se convierte en un mensaje en español junto a
  la figura. Una combinación imposible se señala con ``raise DemoMessage("…")`` en ``update``.

Velocidad: dibujar los textos (ejes, títulos, marcas) es lo más caro de matplotlib (≈ 50 ms por
figura aquí). Por eso una demostración puede registrar con ``self.animate(*artistas)`` los
artistas que cambian en cada actualización: el fondo (ejes, textos fijos) se dibuja una vez y
se guarda, y en cada cambio solo se pintan encima esos artistas (*blitting*). Si ``update``
cambia algo del fondo (límites de los ejes, un título), debe llamar a ``self.redraw_all()``.
Si el fondo solo puede tener unos pocos aspectos (una escala por activación, una superficie…),
``background_key()`` puede devolver una clave para cada uno: cada fondo se dibuja la primera vez
y se reutiliza al volver a él.

Los números que lee el estudiante van con coma decimal y signo menos tipográfico (−0,5):
``number()`` para los textos y ``decimal_comma_ticks()`` para las marcas de los ejes.
"""

import contextlib
import html
import io
import json
import threading
import time
import warnings

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FuncFormatter
from PIL import Image as PILImage

# Tamaños pensados para un proyector: texto grande y líneas gruesas.
PROJECTOR_STYLE = {
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.formatter.use_locale": False,
}


# --- Modo sala: la misma demostración, dibujada para un proyector -----------------------------------
#
# En un cuaderno la figura mide unos 800 px de ancho con letra de 12–15 px: se lee bien a medio metro.
# En la sala de demostraciones (``make clase``) se proyecta en 1024×768 para una clase entera, y desde el
# fondo hace falta letra de 20 px o más. Dentro de ``projector_mode()`` (lo usa la sala) cada
# demostración se crea con una figura de 990 px de ancho (cabe en un proyector de 1024 px sin
# reducirse) y todos sus textos pasan por ``font()``: un tamaño de cuaderno en puntos se multiplica por
# ROOM_SCALE y nunca baja de ROOM_MIN_PX. La figura se dibuja a 72 ppp, así que 1 punto = 1 píxel.

NOTEBOOK_MODE, ROOM_MODE = "cuaderno", "sala"
ROOM_MIN_PX = 20          # ningún texto de la figura por debajo de 20 px en la sala
ROOM_SCALE = 20 / 13      # el texto normal de un cuaderno (13 px) pasa a 20 px
ROOM_WIDTH_PX = 990       # ancho de la figura en la sala: cabe en 1024 px con los márgenes de la página
_mode = threading.local()


def display_mode():
    """«cuaderno» o «sala»: el modo en que se está creando o dibujando una demostración."""
    return getattr(_mode, "value", NOTEBOOK_MODE)


@contextlib.contextmanager
def projector_mode(mode=ROOM_MODE):
    """Las demostraciones creadas dentro de este bloque se dibujan para la sala (letra ≥ 20 px)."""
    previous = display_mode()
    _mode.value = mode
    try:
        yield
    finally:
        _mode.value = previous


def font(size):
    """Tamaño de letra en px para el modo actual: ``size`` en un cuaderno; en la sala, ``size`` ×
    ROOM_SCALE y nunca menos de ROOM_MIN_PX. Todo texto de una figura de demostración pasa por aquí."""
    if display_mode() != ROOM_MODE:
        return size
    return max(ROOM_MIN_PX, int(round(size * ROOM_SCALE)))


def _scaled_style(style):
    sizes = ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize")
    room = dict(style, **{key: font(style[key]) for key in sizes})
    room.update({"lines.linewidth": 3.2, "lines.markersize": 9, "xtick.major.size": 6, "ytick.major.size": 6,
                 "axes.linewidth": 1.2})
    return room


def number(value, decimals=2):
    """Número con coma decimal y signo menos tipográfico: ``number(-1.5)`` → ``"−1,50"``."""
    return f"{value:.{decimals}f}".replace("-", "−").replace(".", ",")


def fmt(value, decimals=2):
    """Número con coma decimal y sin ceros de sobra: 0.5 → «0,5», 3.0 → «3», −0.111 → «−0,11»."""
    text = f"{value:.{decimals}f}"
    if "." in text:  # sin decimales no hay ceros de sobra (10 sigue siendo «10»)
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",").replace("-", "−")


def decimal_comma_ticks(*axes):
    """Marcas de los ejes lineales con coma decimal (0,5) y signo menos tipográfico (−1)."""
    formatter = FuncFormatter(lambda x, _: f"{x + 0.0:.10g}".replace(".", ",").replace("-", "−"))
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "linear" and not isinstance(axis.get_major_formatter(), FixedFormatter):
                axis.set_major_formatter(formatter)


def reaches_a_student(warning):
    """¿Vería el estudiante este aviso (un ``warnings.WarningMessage``)?

    Python oculta los DeprecationWarning que nacen dentro de una biblioteca (solo enseña los del
    propio cuaderno): los de matplotlib, pyparsing o ipykernel en versiones antiguas no llegan.
    Los demás avisos, y cualquiera que nazca en course_lib, sí cuentan.
    """
    hidden = issubclass(warning.category, (DeprecationWarning, PendingDeprecationWarning))
    return not hidden or "course_lib" in str(warning.filename)


def _label(value, decimals):
    """Etiqueta de un valor de deslizador: coma decimal, sin ceros de sobra, signo menos tipográfico."""
    if isinstance(value, str):
        return value
    if decimals is None:
        text = f"{value:.6g}"
        if "e" in text:  # 3e-09 → «3·10⁻⁹»
            mantissa, exponent = f"{value:.2e}".split("e")
            superscript = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
            return f"{fmt(float(mantissa), 2)}·10{superscript}"
        return text.replace(".", ",").replace("-", "−")
    return fmt(value, decimals)


def decimal_slider(value, low, high, step, description, decimals=None, **options):
    """Un ``value_slider`` de ``low`` a ``high`` de ``step`` en ``step`` (la lectura con coma decimal)."""
    values = np.round(np.arange(low, high + step / 2, step), 6) + 0.0  # + 0,0: sin «−0»
    return value_slider(value, values, description, decimals, **options)


def value_slider(value, values, description, decimals=None, labels=None, **options):
    """Un deslizador sobre una **lista** de valores, con la etiqueta escrita con coma decimal.

    Por qué no ``FloatSlider``: su lectura sale con punto («0.100») y no se puede cambiar, y un
    deslizador de pocos píxeles con muchos valores (o logarítmico) no deja llegar con el ratón a los
    valores que enseñan algo (0,5 o 1). Con una lista, cada valor es una parada: el teclado y el
    ratón llegan a todos, y la lista incluye los que importan. Si ``value`` no está en la lista, se
    añade en su sitio (así ``demos.x(eta=0.37)`` sigue funcionando).
    """
    values = sorted(set(float(v) for v in values) | {float(value)})
    options_list = [(labels(v) if labels else _label(v, decimals), v) for v in values]
    seen = {}
    for label, v in options_list:  # dos valores con la misma etiqueta: se escriben con más cifras
        seen.setdefault(label, []).append(v)
    if any(len(group) > 1 for group in seen.values()):
        options_list = [(_label(v, None), v) for v in values]
    options.setdefault("continuous_update", True)
    options.setdefault("style", slider_style())
    return widgets.SelectionSlider(options=options_list, value=float(value), description=description, **options)


def int_slider(value, low, high, description, step=1, **options):
    """Un ``IntSlider`` con el estilo de las demostraciones (los enteros no llevan coma decimal)."""
    options.setdefault("continuous_update", True)
    options.setdefault("style", slider_style())
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=description, **options)


SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider, widgets.SelectionSlider,
           widgets.IntRangeSlider, widgets.FloatRangeSlider)
SLIDER_TRACK_PX = 170     # pista mínima: con 20 paradas, más de 8 px por parada
CHAR_PX = 7.6             # ancho medio de un carácter de la etiqueta (letra de 13 px de JupyterLab)


def size_slider(control, track_px=SLIDER_TRACK_PX):
    """Da al deslizador un ancho con sitio para su etiqueta, su lectura y una pista de ``track_px``.

    ipywidgets da a todos los deslizadores el mismo ancho (300 px) con la etiqueta dentro: con una
    etiqueta larga («Puntos de entrenamiento m:») la pista quedaba en unos pocos píxeles.
    """
    if not isinstance(control, SLIDERS) or control.layout.width:
        return
    label = len(control.description) * CHAR_PX + 12
    if isinstance(control, widgets.SelectionSlider):
        longest = max((len(str(option[0] if isinstance(option, tuple) else option)) for option in control.options),
                      default=4)
    else:
        longest = max(len(str(control.max)), len(str(control.min))) + (3 if isinstance(control, widgets.FloatSlider) else 0)
    readout = max(4, longest) * CHAR_PX + 14
    control.layout.width = f"{int(label + track_px + readout)}px"


def _enlarge_small_texts(figure):
    """En la sala, ningún texto de matplotlib por debajo de ROOM_MIN_PX (también los de tamaño fijo:
    leyendas y recuadros que una demostración creó con ``fontsize=9``)."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):   # también los vacíos, que se escriben después
        if text.get_fontsize() < ROOM_MIN_PX:
            text.set_fontsize(ROOM_MIN_PX)


class DemoMessage(Exception):
    """Una combinación de controles que no se puede dibujar; el texto se muestra al estudiante."""


class Demo:
    """Base de una demostración: ``controls`` (dict nombre → widget), ``figure`` y ``widget``.

    Las subclases definen ``setup(figure)`` (crear ejes y artistas) y ``update()`` (recalcular
    y cambiar los artistas en su sitio). ``caption()`` puede devolver un texto breve en español
    que resume el estado actual (se muestra bajo la figura).
    """

    title = ""
    figsize = (11, 4.8)
    #: Alto de la figura en la sala (px); el ancho es siempre ROOM_WIDTH_PX.
    room_height_px = 370
    dpi = 72
    #: Nombres de los controles que llevan la lección (uno o dos). El sitio web precalcula la
    #: figura a lo largo de cada uno y la mueve con un deslizador sin Python. ``None``: el primer
    #: deslizador de ``controls`` (scripts/construir_web.py, ``lesson_controls``).
    lesson_controls = None

    def __init__(self, controls):
        self.mode = display_mode()
        self.style = _scaled_style(PROJECTOR_STYLE) if self.mode == ROOM_MODE else dict(PROJECTOR_STYLE)
        self._lock = threading.RLock()  # una actualización a la vez (los ajustes en segundo plano también)
        self.controls = dict(controls)
        self.updates = 0
        self.last_update_seconds = 0.0
        self.failures = []  # excepciones inesperadas (se muestran como mensaje, nunca se lanzan)
        self._animated = []
        self._background = None
        self._backgrounds = {}  # fondos guardados por background_key()
        self._after_image = []   # cambios de otros controles que esperan a que salga la imagen
        size = (ROOM_WIDTH_PX / self.dpi, self.room_height_px / self.dpi) if self.mode == ROOM_MODE else self.figsize
        with self._drawing():
            self.figure = Figure(figsize=size, dpi=self.dpi, layout="constrained")
            FigureCanvasAgg(self.figure)
            self.setup(self.figure)
            if self.mode == ROOM_MODE:
                _enlarge_small_texts(self.figure)
            # La disposición se calcula una vez; recalcularla en cada dibujo cuesta ≈ 50 ms.
            self.figure.canvas.draw()
            self.figure.set_layout_engine("none")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.image.add_class("course-demo-figure")
        for control in self.controls.values():
            size_slider(control)
        self.message = widgets.HTML()
        self.status = widgets.HTML()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self._widget = None
        self.refresh()

    def after_image(self, action):
        """Hace ``action()`` cuando la imagen nueva ya se envió (p. ej. cambiar el rango de otro deslizador):
        el navegador pinta antes la imagen, que es lo que el estudiante espera ver."""
        self._after_image.append(action)

    # --- Para las subclases -------------------------------------------------------------------
    def setup(self, figure):
        raise NotImplementedError

    def update(self):
        raise NotImplementedError

    def caption(self):
        return ""

    def animate(self, *artists):
        """Registra artistas que cambian en cada actualización (se repintan sobre el fondo)."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        self._background = None

    def background_key(self):
        """Clave del aspecto actual del fondo, para guardarlo y reutilizarlo (``None``: no guardar)."""
        return None

    def precompute_backgrounds(self, keys, show):
        """Dibuja una vez el fondo de cada clave de ``keys``; ``show(key)`` pone la figura en ese
        aspecto. Cuesta ≈ 0,1 s por fondo al crear la demostración, y a cambio pasar de uno a otro
        en clase es tan rápido como mover cualquier otro control."""
        current = self.background_key()
        with self._drawing():  # los títulos toman su tamaño del estilo
            for key in keys:
                if key != current:
                    show(key)
                    self.draw()
            show(current)

    def redraw_all(self):
        """Pide redibujar también el fondo en el próximo dibujo (límites, títulos…)."""
        self._background = None

    def control_rows(self):
        """Filas de controles; por defecto, todos en una fila que se pliega."""
        return [list(self.controls.values())]

    # --- Mecánica común -----------------------------------------------------------------------
    def values(self):
        """Los valores actuales de los controles, como diccionario."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        self.refresh()

    _in_style = False
    #: La sala lo pone a True antes de mostrarla: su botón ya dice qué demostración es (sin título).
    in_room = False

    @contextlib.contextmanager
    def _drawing(self):
        """El estilo y el modo (cuaderno o sala) con que se creó esta demostración."""
        if self._in_style:
            yield
            return
        with projector_mode(self.mode), mpl.rc_context(self.style):
            self._in_style = True
            try:
                yield
            finally:
                self._in_style = False

    def refresh(self):
        """Recalcula, redibuja y muestra. Nunca lanza: los errores se ven como mensajes."""
        with self._lock:
            self._refresh()

    def _refresh(self):
        # Un solo contexto de estilo para todo (crear un ``rc_context`` copia rcParams: ≈ 3 ms cada vez).
        with self._drawing():
            self._refresh_in_style()

    def _refresh_in_style(self):
        start, start_cpu = time.perf_counter(), time.process_time()
        problem = ""
        try:
            with self._no_warnings_to_students():
                self.update()
        except DemoMessage as exc:
            problem = str(exc)
        except Exception as exc:  # red de seguridad: en clase nunca se ve una traza
            self.failures.append(exc)
            problem = f"No se pudo actualizar con estos valores ({type(exc).__name__}: {exc})."
        try:
            self.image.value = self.render_png()
        except Exception as exc:
            self.failures.append(exc)
            problem = problem or f"No se pudo dibujar la figura ({type(exc).__name__}: {exc})."
        while self._after_image:
            try:
                self._after_image.pop(0)()
            except Exception as exc:
                self.failures.append(exc)
        self.updates += 1
        size = 20 if self.mode == ROOM_MODE else 15  # en la sala, la línea de estado también a 20 px
        self.message.value = (
            f'<div style="color:#b00020;font-size:{size}px;font-weight:bold;">⚠ {html.escape(problem)}</div>'
            if problem
            else ""
        )
        try:
            caption = "" if problem else self.caption()
        except Exception:
            caption = ""
        self.status.value = (
            f'<div class="course-demo-status" data-updates="{self.updates}" style="font-size:{size}px;'
            f'line-height:1.3">{html.escape(caption)}</div>'
        )
        self.last_update_seconds = time.perf_counter() - start
        self.last_update_cpu_seconds = time.process_time() - start_cpu  # sin la espera por otros procesos

    @contextlib.contextmanager
    def _no_warnings_to_students(self):
        """Ningún aviso (de NumPy, de matplotlib…) llega al estudiante: se guarda en ``failures``,
        donde las pruebas lo ven y fallan."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        self.failures.extend(item.category(str(item.message)) for item in caught if reaches_a_student(item))

    def draw(self):
        """Dibuja con Agg: el fondo solo si hace falta y, encima, los artistas animados."""
        canvas = self.figure.canvas
        key = self.background_key()
        if self._background is None and key is not None:
            self._background = self._backgrounds.get(key)
        with self._drawing():
            if self._background is None:
                canvas.draw()  # dibuja todo menos los artistas animados
                if self._animated:
                    self._background = canvas.copy_from_bbox(self.figure.bbox)
            else:
                canvas.restore_region(self._background)
            for artist in self._animated:
                if artist.get_visible():
                    self.figure.draw_artist(artist)
        if key is not None and self._background is not None:
            self._backgrounds[key] = self._background

    def render_png(self):
        """Dibuja la figura y la codifica en PNG."""
        self.draw()
        return encode_png(self.figure.canvas.buffer_rgba())

    @property
    def widget(self):
        """La caja de ipywidgets con los controles, la figura y los mensajes."""
        if self._widget is None:
            # En la sala, el botón del capítulo ya dice qué demostración es: el título no gasta altura.
            show_title = self.title and self.mode != ROOM_MODE and not self.in_room
            header = [widgets.HTML(f"<h3 style='margin:4px 0'>{html.escape(self.title)}</h3>")] if show_title else []
            rows = [
                widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
                for row in self.control_rows()
            ]
            for row in self.control_rows():
                for control in row:
                    size_slider(control)
            self._widget = widgets.VBox(header + rows + [self.message, self.image, self.status])
            self._widget.add_class("course-demo")
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Lo que ve cada lector: los controles vivos donde hay núcleo (JupyterLab, Colab, VS Code,
        Voilà eligen la vista del widget) y, en un visor estático (el sitio web, GitHub), una
        imagen fija del estado inicial con una línea que dice cómo moverla."""
        import base64

        png = base64.b64encode(self.image.value).decode("ascii")
        name = f"«{self.title}»" if self.title else "interactiva"
        alt = f"Estado inicial de la demostración {name}"
        live = ("Demostración interactiva: esta es una imagen fija de su estado inicial. Para mover "
                "los controles, abre el cuaderno en Colab o Binder (botones de arriba) o en "
                "JupyterLab y ejecuta sus celdas.")
        view = {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
        # Qué demostración es y con qué valores empezó: el sitio web la rehace con su propio código.
        values = json.dumps(self.values(), ensure_ascii=False, default=lambda value: None)
        origin = f' data-demo="{html.escape(type(self).__module__)}" data-values="{html.escape(values)}"'
        return {
            "application/vnd.jupyter.widget-view+json": view,
            "text/html": (f'<figure class="course-demo-still"{origin}><img src="data:image/png;base64,{png}" '
                          f'alt="{html.escape(alt)}" style="max-width:100%"><figcaption>{html.escape(live)}</figcaption></figure>'),
            "image/png": png,
            "text/plain": f"{alt} — {live}",
        }


def encode_png(rgba):
    """PNG pequeño y rápido de una imagen RGBA de matplotlib: paleta de 256 colores y compresión 1.

    Una figura tiene pocos colores (fondo, texto, líneas), salvo los mapas de calor: con la paleta
    (cuantización FASTOCTREE de PIL) el PNG ocupa de 3 a 5 veces menos (neurona: de 130 a 28 KiB) y
    se codifica antes, porque hay 4 veces menos bytes que comprimir. Viaja menos al navegador y el
    navegador decodifica menos. El coste: en un degradado continuo se pueden notar escalones suaves.
    """
    rgba = np.ascontiguousarray(rgba)
    if rgba.shape[-1] == 3:  # ya es RGB (las demostraciones que pintan con PIL)
        image = PILImage.fromarray(rgba, "RGB")
    else:
        image = PILImage.frombuffer("RGBA", rgba.shape[1::-1], rgba, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(256, method=PILImage.Quantize.FASTOCTREE).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def slider_style():
    """Estilo común de los controles: etiquetas anchas y legibles."""
    return {"description_width": "initial"}
