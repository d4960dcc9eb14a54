"""Figuras estáticas con el estilo del curso (textos en español, legibles en un proyector)."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import scale as mscale

from .formato import FormateadorComa, usar_coma_en_tablas
from .modo_clase import class_mode_on

COURSE_STYLE = {
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.labelsize": 12,
    "legend.fontsize": 11,
    "lines.linewidth": 2.2,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "viridis",
    # Paleta de Okabe e Ito (2008), distinguible con cualquier tipo de daltonismo, y cada curva
    # con su propio trazo: dos curvas nunca se distinguen solo por el color.
    "axes.prop_cycle": mpl.cycler(
        color=["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"],
        linestyle=["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2))],
    ),
}

# Clases: los colores del ciclo (azul y naranja primero, como en TensorFlow Playground).
CLASS_COLORS = COURSE_STYLE["axes.prop_cycle"].by_key()["color"]
CLASS_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]  # y cada clase con su marcador


class _LinearScaleWithComma(mscale.LinearScale):
    """La escala lineal de matplotlib con marcas en coma decimal (:class:`FormateadorComa`)."""

    name = "linear"

    def __init__(self, *args):
        # matplotlib ≥ 3.11 construye las escalas sin el eje; las versiones anteriores, con él.
        super().__init__(*args[:1])

    def set_default_locators_and_formatters(self, axis):
        super().set_default_locators_and_formatters(axis)
        axis.set_major_formatter(FormateadorComa())


# «Modo clase»: las mismas figuras, dibujadas para el proyector. Un texto de t puntos en una figura
# de d ppp mide t·d/72 píxeles; con 15 pt a 100 ppp, 20,8 px: el mínimo para leer las marcas y las
# etiquetas desde el fondo de un aula de 60 plazas. 9 × 5 pulgadas a 100 ppp son 900 × 500 px, que
# caben en el ancho de una diapositiva de 1024×768 junto a una línea de texto.
CLASS_MODE_STYLE = {
    "figure.figsize": (9, 5),
    "figure.dpi": 100,
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "figure.titlesize": 17,
    "lines.linewidth": 3,
    "lines.markersize": 8,
}


def _fixed_size(points):
    """Un tamaño de letra fijo de una figura del curso (etiquetas de capa, títulos de una rejilla):
    el de cuaderno, y en modo clase nunca menos que el texto normal del modo clase (15 pt ≈ 21 px)."""
    body = mpl.rcParams["font.size"]
    return max(points, body) if body >= CLASS_MODE_STYLE["font.size"] else points


def use_course_style(modo_clase=None):
    """Aplica el estilo del curso a todas las figuras de matplotlib que se creen después.

    Además de los parámetros de ``COURSE_STYLE``, registra como escala lineal por defecto una
    que escribe las marcas con coma decimal (0,5), así que toda figura estática del curso,
    también las barras de color, sigue la norma española sin hacer nada más. Las tablas de pandas
    también muestran la coma (:func:`course_lib.formato.usar_coma_en_tablas`).

    ``modo_clase=True`` (o, si no se dice, la variable ``CURSO_MODO_CLASE=1`` que pone
    ``make presentar``) añade ``CLASS_MODE_STYLE``: textos de 15 pt a 100 ppp (≥ 20 px en pantalla) y
    trazos más gruesos, para que la figura se lea desde el fondo del aula en el proyector.
    """
    mpl.rcParams.update({key: mpl.rcParamsDefault[key] for key in CLASS_MODE_STYLE})  # sin restos de otro modo
    mpl.rcParams.update(COURSE_STYLE)
    if class_mode_on() if modo_clase is None else modo_clase:
        mpl.rcParams.update(CLASS_MODE_STYLE)
    mscale.register_scale(_LinearScaleWithComma)
    usar_coma_en_tablas()
    _describe_figures_in_ipython()


def _number(value):
    return f"{value:.3g}".replace(".", ",").replace("-", "−")


def describe_figure(fig):
    """Descripción en español de una figura, leída de la propia figura: su título y, por panel, el
    título, los ejes (etiqueta y rango) y lo que dibuja. Es el texto alternativo del sitio web.

    >>> describe_figure(fig)  # doctest: +SKIP
    'Figura «Pérdida»: eje x «época» de 0 a 50; eje y «pérdida» de 0 a 1,2; 2 curvas (entrenamiento, validación).'
    """
    suptitle = fig._suptitle.get_text().strip() if getattr(fig, "_suptitle", None) else ""
    panels = []
    for ax in fig.get_axes():
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        parts = []
        title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t).strip()
        if title:
            parts.append(f"«{title}»")
        if ax.axison:
            for name, label, limits in (("x", ax.get_xlabel(), ax.get_xlim()), ("y", ax.get_ylabel(), ax.get_ylim())):
                text = f"eje {name} «{label}»" if label else f"eje {name}"
                parts.append(f"{text} de {_number(min(limits))} a {_number(max(limits))}")
        lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
        drawn = []
        if lines:
            drawn.append(f"{len(lines)} curva{'s' if len(lines) > 1 else ''} ({', '.join(l.get_label() for l in lines[:6])})")
        if ax.images:
            drawn.append("una imagen o mapa de calor")
        if ax.collections:
            drawn.append("puntos o regiones")
        if ax.patches and not ax.images:
            drawn.append("barras o formas")
        if drawn:
            parts.append("dibuja " + ", ".join(drawn))
        if parts:
            panels.append("; ".join(parts))
    head = f"Figura «{suptitle}»" if suptitle else "Figura"
    if len(panels) == 1:
        return f"{head}: {panels[0]}."
    return f"{head} con {len(panels)} paneles: " + " | ".join(f"({i}) {p}" for i, p in enumerate(panels, 1)) + "."


def _describe_figures_in_ipython():
    """En un cuaderno, la forma de texto de cada figura (``text/plain``, la que acompaña a su PNG)
    pasa a ser su descripción: un lector de pantalla o el sitio web (texto alternativo) la usan."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def register(*_):
        shell.display_formatter.formatters["text/plain"].for_type(
            mpl.figure.Figure, lambda fig, printer, cycle: printer.text(describe_figure(fig)))

    # Al cargarse, el backend «inline» (matplotlib-inline) quita de todos los formateadores lo
    # registrado para Figure: se carga antes (si es el backend elegido) y se vuelve a registrar
    # tras cada celda por si otra lo reactiva (``%matplotlib inline``).
    backend = str(mpl.rcParams["backend"])
    if backend.startswith("module://"):
        import importlib

        importlib.import_module(backend.removeprefix("module://"))
    register()
    if register.__qualname__ not in [getattr(f, "__qualname__", "") for f in shell.events.callbacks["post_run_cell"]]:
        shell.events.register("post_run_cell", register)


def _axes(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def draw_network(layer_sizes, ax=None, layer_labels=None, title=None):
    """Dibuja una red densa: un círculo por neurona y una línea por conexión (peso).

    ``layer_sizes``: neuronas por capa, p. ej. ``[4, 5, 5, 3]``. ``layer_labels``: un nombre por
    capa; por defecto «entrada», «oculta 1»…, «salida».
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"draw_network: se esperaban al menos 2 capas con 1 o más neuronas; se recibió {layer_sizes}.")
    ax = _axes(ax, figsize=(1.9 * len(sizes) + 1, 0.65 * max(sizes) + 1.5))
    if layer_labels is None:
        layer_labels = ["entrada"] + [f"oculta {i}" for i in range(1, len(sizes) - 1)] + ["salida"]
    top = max(sizes)
    # Cada capa, centrada en vertical: la neurona j de una capa de n está en y = (n − 1)/2 − j.
    positions = [[(i, (n - 1) / 2 - j) for j in range(n)] for i, n in enumerate(sizes)]
    for left, right in zip(positions[:-1], positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="0.6", lw=0.8, linestyle="-", zorder=1)
    for i, layer in enumerate(positions):
        color = CLASS_COLORS[0] if i == 0 else CLASS_COLORS[1] if i == len(sizes) - 1 else "#7f7f7f"
        xs, ys = zip(*layer)
        ax.scatter(xs, ys, s=500, color=color, edgecolor="black", zorder=2)
        ax.text(i, -(top - 1) / 2 - 0.7, f"{layer_labels[i]}\n({sizes[i]})", ha="center", va="top",
                fontsize=_fixed_size(11))
    ax.set_xlim(-0.6, len(sizes) - 0.4)
    ax.set_ylim(-(top - 1) / 2 - 1.8, (top - 1) / 2 + 0.7)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, title=None, margin=0.5):
    """Colorea el plano según la predicción del modelo y dibuja los puntos con su clase real.

    ``predict`` recibe un array (n, 2) y devuelve probabilidades (n,) o (n, K), o clases enteras.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel()
    ax = _axes(ax, figsize=(6, 5))
    x_min, y_min = X.min(axis=0) - margin
    x_max, y_max = X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    out = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()])), dtype=float)
    if out.ndim == 2 and out.shape[1] > 1:
        classes = out.argmax(axis=1)
        ax.contourf(gx, gy, classes.reshape(gx.shape), levels=np.arange(out.shape[1] + 1) - 0.5,
                    colors=CLASS_COLORS[: out.shape[1]], alpha=0.25)
    else:
        out = out.reshape(gx.shape)
        ax.contourf(gx, gy, out, levels=20, cmap="RdBu_r", alpha=0.35)
        if out.min() < 0.5 < out.max():
            ax.contour(gx, gy, out, levels=[0.5], colors="black", linewidths=1.5)
    for k in np.unique(y):
        mask = y == k
        ax.scatter(X[mask, 0], X[mask, 1], s=25, color=CLASS_COLORS[int(k) % len(CLASS_COLORS)],
                   marker=CLASS_MARKERS[int(k) % len(CLASS_MARKERS)],
                   edgecolor="white", linewidth=0.5, label=f"clase {int(k)}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best")
    ax.set_title(title or "Frontera de decisión")
    return ax


_METRIC_NAMES = {"loss": "pérdida", "accuracy": "exactitud", "mae": "error absoluto medio", "mse": "ECM"}


def plot_history(history, metric="loss", ax=None, title=None):
    """Curvas de entrenamiento y validación de una métrica por época (de un ``History`` o un dict)."""
    values = getattr(history, "history", history)
    if metric not in values:
        raise KeyError(f"plot_history: la historia no tiene {metric!r}; tiene {', '.join(values)}.")
    ax = _axes(ax)
    epochs = np.arange(1, len(values[metric]) + 1)
    ax.plot(epochs, values[metric], label="entrenamiento")
    if f"val_{metric}" in values:
        ax.plot(epochs, values[f"val_{metric}"], label="validación", linestyle="--")
    name = _METRIC_NAMES.get(metric, metric)
    ax.set_xlabel("época")
    ax.set_ylabel(name)
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    if title is None:
        title = f"Evolución de la {name}" if name in ("pérdida", "exactitud") else f"Evolución de «{name}»"
    ax.set_title(title)
    ax.legend()
    return ax


def show_images(images, titles=None, ncols=8, cmap="gray", suptitle=None, size=1.4):
    """Muestra una rejilla de imágenes (n, alto, ancho[, canales]) sin ejes; devuelve la figura."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if suptitle else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < n:
            ax.imshow(images[i], cmap=cmap if images[i].ndim == 2 else None)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=_fixed_size(10))
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
