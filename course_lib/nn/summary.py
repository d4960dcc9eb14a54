"""``model.summary()``: la tabla de Keras en español (capas, formas de salida, parámetros y conexiones).

Como en Keras 3, aparecen también las operaciones aritméticas del grafo (``add (Add)`` para ``a + b``),
con 0 parámetros, aunque no están en ``model.layers``. Los totales cuentan cada capa una sola vez
aunque esté compartida, y los pesos de las capas congeladas van como no entrenables.
"""

from .symbolic import Constant, shape_text


def format_thousands(n):
    """17091 -> '17 091' (norma del español: grupos de tres cifras separados por un espacio, desde 10 000)."""
    digits = str(int(n))
    if len(digits) <= 4:
        return digits
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return " ".join(groups)


def format_bytes(n_bytes):
    """Tamaño en memoria con coma decimal: '66,76 KB'."""
    size, unit = float(n_bytes), "B"
    for next_unit in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, next_unit
    return f"{size:.2f}".replace(".", ",") + f" {unit}"


def _leaves(operation):
    return list(operation.flat_layers()) if getattr(operation, "_graph_backed", False) else (
        [operation] if hasattr(operation, "params") else [])


def _type_name(operation):
    return getattr(operation, "type_name", type(operation).__name__)


def _rows(model):
    """(operación, forma de salida, «conectada a») de cada fila."""
    graph = model._graph
    if getattr(model, "_is_sequential", False):
        shapes = {id(node.operation): node.outputs[0].shape for node in graph.nodes}
        return [(layer, shape_text(shapes[id(layer)]), None) for layer in model.layers]
    if not model._functional:   # subclase: sus capas, con la forma de su primera llamada en el grafo
        rows = []
        for layer in model.layers:
            node = next((n for n in graph.nodes if n.operation is layer), None)
            rows.append((layer, shape_text(node.outputs[0].shape) if node else "?", None))
        return rows
    nodes_of, index_in_graph = {}, {}
    for node in graph.nodes:
        nodes_of.setdefault(id(node.operation), []).append(node)
        index_in_graph[id(node)] = len(nodes_of[id(node.operation)]) - 1
    rows = []
    for operation in graph.operations:
        nodes = nodes_of[id(operation)]
        if isinstance(operation, Constant):
            continue   # las constantes (arrays usados dentro de call) no son filas
        connected = [f"{t.name}[{index_in_graph[id(t.node)]}][{t.index}]" for node in nodes for t in node.inputs
                     if not isinstance(t.node.operation, Constant)]
        outputs = nodes[0].outputs
        shape = shape_text(outputs[0].shape) if len(outputs) == 1 else ", ".join(shape_text(t.shape) for t in outputs)
        rows.append((operation, shape, ", ".join(connected) or "-"))
    return rows


def print_summary(model, print_fn=None):
    """Imprime (o pasa a ``print_fn``, línea a línea) la tabla del modelo."""
    rows_data = _rows(model)
    connections = any(connected is not None for _, _, connected in rows_data)
    header = ("Capa (tipo)", "Forma de salida", "Parámetros") + (("Conectada a",) if connections else ())
    rows = [header]
    for operation, shape, connected in rows_data:
        n_layer = sum(sum(p.size for p in leaf.params.values()) + sum(s.size for s in leaf.state.values())
                      for leaf in _leaves(operation))
        row = (f"{operation.name} ({_type_name(operation)})", shape, format_thousands(n_layer))
        rows.append(row + ((connected or "-",) if connections else ()))
    trainable = non_trainable = trainable_bytes = non_trainable_bytes = 0
    for leaf in model.flat_layers():
        n_params = sum(p.size for p in leaf.params.values())
        bytes_params = sum(p.nbytes for p in leaf.params.values())
        if leaf.trainable:
            trainable, trainable_bytes = trainable + n_params, trainable_bytes + bytes_params
        else:
            non_trainable, non_trainable_bytes = non_trainable + n_params, non_trainable_bytes + bytes_params
        non_trainable += sum(s.size for s in leaf.state.values())
        non_trainable_bytes += sum(s.nbytes for s in leaf.state.values())
    minimums = (28, 22, 14, 20)[:len(header)]
    widths = [max(minimum, max(len(r[i]) for r in rows) + 3) for i, minimum in enumerate(minimums)]
    width = sum(widths)

    def line(row):
        text = row[0].ljust(widths[0]) + row[1].ljust(widths[1]) + row[2].rjust(widths[2] - 3)
        return text + ("   " + row[3] if len(row) > 3 else "")

    out = [f'Modelo: "{model.name}"', "_" * width, line(rows[0]), "=" * width]
    for i, row in enumerate(rows[1:]):
        out.append(line(row))
        out.append("_" * width if i < len(rows) - 2 else "=" * width)
    out += [
        f"Parámetros totales: {format_thousands(trainable + non_trainable)} "
        f"({format_bytes(trainable_bytes + non_trainable_bytes)})",
        f"Parámetros entrenables: {format_thousands(trainable)} ({format_bytes(trainable_bytes)})",
        f"Parámetros no entrenables: {format_thousands(non_trainable)} ({format_bytes(non_trainable_bytes)})",
        "_" * width,
    ]
    for text in out:
        (print_fn or print)(text)
