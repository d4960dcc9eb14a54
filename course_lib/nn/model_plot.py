"""``keras.utils.plot_model``: el grafo de un modelo dibujado con matplotlib.

Keras dibuja el modelo con graphviz (pydot y el programa ``dot``, que hay que instalar aparte); aquí
basta matplotlib, que el curso ya usa. Cada capa es una caja con su nombre y su tipo (y, con
``show_shapes=True``, la forma de su salida), y una flecha va de cada capa a las que leen su salida.
Las cajas se colocan por niveles: el nivel de una capa es el camino más largo desde una entrada,
así que una conexión residual se ve como una flecha que salta niveles.
"""

import os

from .validation import CourseError


def _shape_text(shape):
    return "(" + ", ".join("None" if n is None else str(n) for n in shape) + ")"


def _graph_nodes(model):
    """[(nombre, tipo, forma de salida, [índices de los padres])] en orden topológico."""
    graph = getattr(model, "_graph", None)
    if graph is None:  # una pila Sequential sin grafo: una cadena
        rows = []
        for i, layer in enumerate(model.layers):
            shape = (None,) + tuple(layer.output_shape) if layer.output_shape is not None else ()
            rows.append((layer.name, type(layer).__name__, shape, [i - 1] if i else []))
        if rows and getattr(model, "input_shape", None) is not None:
            entrada = ("input_layer", "InputLayer", (None,) + tuple(model.input_shape), [])
            rows = [entrada] + [(n, t, s, [p + 1 for p in parents] or [0]) for n, t, s, parents in rows]
        return rows
    position = {}
    rows = []
    for node in graph.nodes:
        operation = getattr(node, "operation", None) or node.layer
        outputs = getattr(node, "outputs", None) or [node.output]
        for tensor in outputs:
            position[id(tensor)] = len(rows)
        parents = sorted({position[id(t)] for t in node.inputs if id(t) in position})
        type_name = getattr(operation, "type_name", type(operation).__name__)
        shape = tuple(outputs[0].shape) if outputs else ()
        rows.append((operation.name, type_name, shape, parents))
    return rows


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Dibuja el grafo de ``model`` y lo guarda en ``to_file`` (PNG, PDF o SVG, según la extensión).

    Como ``keras.utils.plot_model``: ``show_shapes`` añade la forma de la salida de cada capa,
    ``show_layer_names`` su nombre (si no, solo el tipo) y ``rankdir`` elige la dirección ("TB", de
    arriba abajo; "LR", de izquierda a derecha). En un cuaderno devuelve la imagen para mostrarla.
    Se dibuja con matplotlib (Keras usa graphviz); ``show_dtype``, ``expand_nested``,
    ``show_layer_activations`` y ``show_trainable`` se aceptan por compatibilidad y no cambian el dibujo.
    """
    from matplotlib.figure import Figure  # una figura suelta: no toca la de pyplot ni su backend
    from matplotlib.patches import FancyBboxPatch

    if rankdir not in ("TB", "LR"):
        raise CourseError(f"plot_model: rankdir debe ser 'TB' (vertical) o 'LR' (horizontal); se recibió {rankdir!r}.")
    if hasattr(model, "_check_built_for"):
        model._check_built_for("dibujarlo")
    rows = _graph_nodes(model)
    if not rows:
        raise CourseError("plot_model: el modelo no tiene capas que dibujar.")

    level = []
    for _, _, _, parents in rows:
        level.append(1 + max((level[p] for p in parents), default=-1))
    by_level = {}
    for i, lv in enumerate(level):
        by_level.setdefault(lv, []).append(i)
    labels = []
    for name, type_name, shape, _ in rows:
        text = f"{name} ({type_name})" if show_layer_names else type_name
        if show_shapes and shape:
            text += "\n" + _shape_text(shape)
        labels.append(text)

    n_levels, width = len(by_level), max(len(v) for v in by_level.values())
    box_w, box_h, gap_w, gap_h = 3.2, 0.9 if show_shapes else 0.6, 0.6, 0.7
    centres = {}
    for lv, members in by_level.items():
        for k, i in enumerate(members):
            offset = k - (len(members) - 1) / 2
            if rankdir == "TB":
                centres[i] = (offset * (box_w + gap_w), -lv * (box_h + gap_h))
            else:
                centres[i] = (lv * (box_w + gap_w), -offset * (box_h + gap_h))

    if rankdir == "TB":
        size = (max(3.0, width * (box_w + gap_w) * 0.55), max(1.5, n_levels * (box_h + gap_h) * 0.55))
    else:
        size = (max(3.0, n_levels * (box_w + gap_w) * 0.55), max(1.5, width * (box_h + gap_h) * 0.7))
    fig = Figure(figsize=size)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    for i, (x, y) in centres.items():
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h, boxstyle="round,pad=0.05",
                                    facecolor="#e8f1fa", edgecolor="#0072b2", linewidth=1.2))
        ax.text(x, y, labels[i], ha="center", va="center", fontsize=8)
    for i, (_, _, _, parents) in enumerate(rows):
        for p in parents:
            (x0, y0), (x1, y1) = centres[p], centres[i]
            if rankdir == "TB":
                start, end = (x0, y0 - box_h / 2 - 0.05), (x1, y1 + box_h / 2 + 0.05)
            else:
                start, end = (x0 + box_w / 2 + 0.05, y0), (x1 - box_w / 2 - 0.05, y1)
            ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 1.0})
    xs = [c[0] for c in centres.values()]
    ys = [c[1] for c in centres.values()]
    ax.set_xlim(min(xs) - box_w / 2 - 0.3, max(xs) + box_w / 2 + 0.3)
    ax.set_ylim(min(ys) - box_h / 2 - 0.3, max(ys) + box_h / 2 + 0.3)

    folder = os.path.dirname(os.path.abspath(to_file))
    if not os.path.isdir(folder):
        raise CourseError(f"plot_model: la carpeta {folder!r} no existe; créala antes o elige otra ruta en to_file.")
    fig.savefig(to_file, dpi=dpi)
    try:
        from IPython import get_ipython
        from IPython.display import Image
    except ImportError:
        return None
    if get_ipython() is None or not str(to_file).lower().endswith(".png"):
        return None
    return Image(filename=to_file)
