"""La estructura del motor: sus módulos se importan en una sola dirección (sin círculos, tampoco con
importaciones dentro de funciones), y ``model.py`` está repartido como en Keras 3."""

import ast
import pathlib

import course_lib.nn

ENGINE = pathlib.Path(course_lib.nn.__file__).parent


def engine_imports():
    """{módulo: módulos del motor que importa}, mirando todas las importaciones del archivo (también las
    que están dentro de una función, que esconden un círculo en vez de quitarlo)."""
    graph = {}
    for path in ENGINE.glob("*.py"):
        name = path.stem
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course_lib.nn."):
                found.add(node.module.split(".")[2])
        graph[name] = {m for m in found if (ENGINE / f"{m}.py").exists() and m != name}
    return graph


def find_cycle(graph):
    """Un ciclo de importaciones (lista de módulos) o None."""
    state = {}

    def visit(module, path):
        state[module] = "visiting"
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "visiting":
                return path + [module, other]
            if other not in state:
                cycle = visit(other, path + [module])
                if cycle:
                    return cycle
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [])
            if cycle:
                return cycle
    return None


def test_the_engine_modules_import_in_one_direction_only():
    graph = {name: deps for name, deps in engine_imports().items() if name != "__init__"}
    cycle = find_cycle(graph)
    assert cycle is None, "círculo de importaciones: " + " -> ".join(cycle)


def test_the_circles_of_the_issue_are_gone():
    graph = engine_imports()
    assert "validation" not in graph["config"] and "config" in graph["validation"]
    assert "layer" not in graph["graph"] and "graph" in graph["layer"]


def test_a_detected_cycle_is_reported():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_model_is_split_like_keras():
    """El modelo, el entrenador, el guardado, la carga y el resumen son archivos distintos y ninguno es enorme."""
    for name in ("model", "sequential", "trainer", "compile_utils", "saving", "loading", "summary", "callback_list"):
        lines = (ENGINE / f"{name}.py").read_text(encoding="utf-8").count("\n")
        assert lines < 600, f"{name}.py tiene {lines} líneas"
    assert "def fit(" in (ENGINE / "trainer.py").read_text(encoding="utf-8")
    assert "def fit(" not in (ENGINE / "model.py").read_text(encoding="utf-8")


#: Los módulos de esta parte del motor (el modelo, el grafo y el entrenamiento).
MODEL_AND_TRAINING = ["errors", "config", "validation", "symbolic", "graph", "layer", "input_layer", "variables",
                      "model", "sequential", "trainer", "compile_utils", "saving", "serialization", "loading",
                      "summary", "callback_list", "callbacks", "losses", "metrics"]
#: De los módulos compartidos, solo lo que es de esta parte (callbacks.py tiene también los callbacks de Keras).
ONLY = {"callbacks": ("Callback", "History")}


def test_every_public_name_has_a_docstring():
    """El sitio web genera la referencia de la API desde el código: cada nombre público necesita su docstring
    (los métodos que redefinen uno documentado heredan el suyo, como en Sphinx)."""
    import importlib
    import inspect

    missing = []
    for name in MODEL_AND_TRAINING:
        module = importlib.import_module(f"course_lib.nn.{name}")
        if not module.__doc__:
            missing.append(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) or attr not in ONLY.get(name, (attr,)):
                continue
            if not inspect.getdoc(obj):
                missing.append(f"{name}.{attr}")
            if inspect.isclass(obj):
                for method, value in vars(obj).items():
                    documented = value.__doc__ if isinstance(value, property) else inspect.getdoc(getattr(obj, method))
                    if not method.startswith("_") and (inspect.isfunction(value) or isinstance(value, property)) \
                            and not documented:
                        missing.append(f"{name}.{attr}.{method}")
    assert not missing, "sin docstring: " + ", ".join(missing)
