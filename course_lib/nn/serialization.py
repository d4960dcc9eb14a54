"""La arquitectura de un modelo en JSON, de ida y vuelta: ``model.get_config()``, ``Model.from_config``,
``model.to_json()``, ``model_from_json`` y ``clone_model`` (y lo que usan ``save`` y ``load_model``).

- Una capa se describe por su clase y sus argumentos (``get_config``); una capa o un modelo propios
  (subclases), por su clase (módulo y nombre) y los argumentos con que se crearon.
- Un modelo funcional, por sus operaciones en orden, cada una con las llamadas (nodos) que hace:
  qué tensores lee, como ``{"tensor": [operación, llamada, salida]}``. Al reconstruirlo, cada capa
  se vuelve a crear y a llamar sobre los mismos tensores, y así se rehace el grafo.
- Una pila ``Sequential``, por sus capas y la forma de su entrada; una subclase de ``Model``, por sus
  argumentos y las formas de sus entradas (se traza de nuevo).

Las clases se buscan por su nombre entre las del motor (todas las subclases de ``Layer``), en
``custom_objects`` o importando su módulo; así este módulo no necesita importar ``model.py``.
"""

import importlib
import inspect
import json

import numpy as np

from .input_layer import Input
from .layer import Layer
from .symbolic import OPERATION_CLASSES, Constant, GetItem, KerasTensor, map_structure, placeholder, symbolic_call
from .validation import CourseError


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def find_class(entry, custom_objects=None, kind="capa"):
    """La clase de una entrada ({"class_name", "module", "qualname"}): de ``custom_objects``, del motor,
    importando su módulo o, si no, cualquier subclase de Layer con ese nombre ya definida."""
    name = entry["class_name"]
    custom_objects = custom_objects or {}
    if name in custom_objects:
        return custom_objects[name]
    if name == "Functional":
        name = "Model"
    engine = {cls.__name__: cls for cls in _all_subclasses(Layer) if cls.__module__.startswith("course_lib.nn")}
    if "module" not in entry and name in engine:
        return engine[name]
    if "module" in entry:
        try:
            obj = importlib.import_module(entry["module"])
            for part in entry["qualname"].split("."):
                obj = getattr(obj, part)
            return obj
        except (ImportError, AttributeError):
            pass
    defined = [cls for cls in _all_subclasses(Layer) if cls.__name__ == name]
    if defined:
        return defined[-1]
    if "module" in entry:
        raise CourseError(
            f"No se encuentra la clase propia {name!r} (del módulo {entry['module']!r}). Defínela antes de cargar el "
            f"modelo o pásala en custom_objects={{'{name}': {name}}}."
        )
    raise CourseError(f"Tipo de {kind} desconocido: {name!r}.")


# ----------------------------------------------------------------------------- de modelo a JSON
def _serialize_call(structure, refs):
    """Argumentos de una llamada en JSON: cada tensor como {"tensor": [operación, nodo, salida]}."""
    if isinstance(structure, KerasTensor):
        return {"tensor": list(refs[id(structure)])}
    if isinstance(structure, (list, tuple)):
        return [_serialize_call(item, refs) for item in structure]
    if isinstance(structure, dict):
        return {"dict": {key: _serialize_call(value, refs) for key, value in structure.items()}}
    return structure


def _jsonable(value):
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def init_config(layer):
    """Los argumentos con que se creó una capa o modelo propio (para volver a crearlo al cargar)."""
    if layer._defined_by_user("get_config"):
        config_ = layer.get_config()
    else:
        args, kwargs = getattr(layer, "_init_args", ((), {}))
        try:
            bound = inspect.signature(type(layer).__init__).bind_partial(layer, *args, **kwargs)
            config_ = {k: v for k, v in bound.arguments.items() if k != "self"}
            extra = config_.pop(next((p.name for p in inspect.signature(type(layer).__init__).parameters.values()
                                      if p.kind is p.VAR_KEYWORD), "__none__"), {})
            config_.update(extra)
        except TypeError:
            config_ = dict(kwargs)
        config_["name"] = layer.name
    if not _jsonable(config_):
        raise CourseError(
            f"save: no se pueden guardar los argumentos de '{layer.name}' ({type(layer).__name__}) en JSON. Define "
            "get_config() en tu clase (devolviendo solo números, textos y listas) para poder guardarla."
        )
    return config_


def _is_user_class(obj):
    return not type(obj).__module__.startswith("course_lib.")


def layer_entry(layer):
    """La entrada de una capa en la arquitectura (un modelo anidado guarda su propia arquitectura)."""
    if layer._is_container:
        entry = {"class_name": type(layer).__name__, "config": architecture(layer)}
    elif layer._graph_backed:
        entry = {"class_name": type(layer).__name__, "config": init_config(layer)}
    else:
        entry = {"class_name": type(layer).__name__, "config": layer.get_config()}
    if _is_user_class(layer):
        entry["module"] = type(layer).__module__
        entry["qualname"] = type(layer).__qualname__
    if not layer.trainable:
        entry["trainable"] = False
    return entry


def functional_architecture(model):
    """Las operaciones del grafo en orden, cada una con las llamadas (nodos) que hace en él."""
    graph = model._graph
    refs, count, calls = {}, {}, {}
    for node in graph.nodes:
        index = count.get(id(node.operation), 0)
        count[id(node.operation)] = index + 1
        for t in node.outputs:
            refs[id(t)] = (node.operation.name, index, t.index)
        calls.setdefault(id(node.operation), []).append(node)
    entries = []
    for operation in graph.operations:
        if hasattr(operation, "_is_container"):
            entry = layer_entry(operation)
        else:
            entry = {"operation": type(operation).__name__, "config": operation.get_config()}
        if not getattr(operation, "is_input", False):
            entry["inbound"] = [{"args": _serialize_call(node.args, refs), "kwargs": _serialize_call(node.kwargs, refs)}
                                for node in calls[id(operation)]]
        entries.append(entry)
    return {
        "layers": entries,
        "inputs": _serialize_call(model._input_structure, refs),
        "outputs": _serialize_call(model._output_structure, refs),
    }


def architecture(model):
    """La arquitectura en tipos JSON: capas, sus argumentos y qué tensores lee cada una."""
    if getattr(model, "_is_sequential", False):
        body = {
            "class_name": "Sequential",
            "input_shape": None if model._example_input_shape() is None else list(model._example_input_shape()),
            "input_dtype": model._input_dtype(),
            "layers": [layer_entry(layer) for layer in model.layers],
        }
    elif model._functional:
        body = {"class_name": "Model", **functional_architecture(model)}
    else:
        model._check_built_for("guardarlo")
        body = {
            "class_name": type(model).__name__,
            "module": type(model).__module__,
            "qualname": type(model).__qualname__,
            "init": init_config(model),
            "build_inputs": map_structure(model._input_structure, lambda t: {"shape": list(t.shape),
                                                                            "dtype": t.dtype}),
        }
    return {**body, "name": model.name, "trainable": model.trainable}


# ----------------------------------------------------------------------------- de JSON a modelo
def _deserialize_call(structure, tensors):
    if isinstance(structure, list):
        return [_deserialize_call(item, tensors) for item in structure]
    if isinstance(structure, dict) and "tensor" in structure:
        ref = structure["tensor"]
        key = (ref, 0, 0) if isinstance(ref, str) else tuple(ref)   # versión 2: solo el nombre de la capa
        return tensors[key]
    if isinstance(structure, dict) and "dict" in structure:
        return {key: _deserialize_call(value, tensors) for key, value in structure["dict"].items()}
    return structure


def _layer_from_entry(entry, custom_objects):
    cls = find_class(entry, custom_objects)
    if cls._is_container:
        model = model_from_architecture(entry["config"], custom_objects, cls)
        if entry.get("trainable") is False:
            model.trainable = False
        return model
    layer = cls(**entry["config"])
    layer.trainable = entry.get("trainable", True)
    return layer


def _operation_from_entry(entry):
    cls = OPERATION_CLASSES[entry["operation"]]
    config_ = dict(entry["config"])
    if cls is Constant:
        return Constant(np.asarray(config_["value"], dtype=config_["dtype"]), name=config_["name"])
    if cls is GetItem:
        return GetItem(GetItem.decode_key(config_["key"]), name=config_["name"])
    return cls(**config_)


def _functional(arch, custom_objects, cls):
    tensors = {}
    for entry in arch["layers"]:
        if entry.get("class_name") == "InputLayer":
            tensor = Input(**entry["config"])
            tensors[(tensor.name, 0, 0)] = tensor
            continue
        operation = (_operation_from_entry(entry) if "operation" in entry
                     else _layer_from_entry(entry, custom_objects))
        calls = entry["inbound"] if isinstance(entry["inbound"], list) else [entry["inbound"]]
        for index, call in enumerate(calls):
            args = _deserialize_call(call["args"], tensors)
            kwargs = _deserialize_call(call["kwargs"], tensors)
            result = (symbolic_call(operation, tuple(args), kwargs) if "operation" in entry
                      else operation(*args, **kwargs))
            for i, tensor in enumerate(result if isinstance(result, list) else [result]):
                tensors[(operation.name, index, i)] = tensor

    def pick(refs):
        if isinstance(refs, str):                         # versión 2
            return tensors[(refs, 0, 0)]
        if isinstance(refs, list) and refs and all(isinstance(r, str) for r in refs):
            return [tensors[(r, 0, 0)] for r in refs]
        return _deserialize_call(refs, tensors)

    model_class = find_class({"class_name": "Model"})
    model = model_class(pick(arch["inputs"]), pick(arch["outputs"]), name=arch.get("name"))
    if cls is not None and cls is not model_class and issubclass(cls, model_class):
        model.__class__ = cls   # una subclase funcional propia: el mismo grafo, con su clase
    return model


def model_from_architecture(arch, custom_objects=None, cls=None):
    """Reconstruye un modelo (sin pesos) a partir de :func:`architecture` (lo que da ``model.get_config()``)."""
    custom_objects = custom_objects or {}
    kind = arch.get("class_name", "Sequential")
    if kind == "Sequential":
        sequential = find_class({"class_name": "Sequential"})
        model = sequential([_layer_from_entry(entry, custom_objects) for entry in arch["layers"]],
                           name=arch.get("name"))
        if arch.get("input_shape") is not None:
            model.build(tuple(arch["input_shape"]), dtype=arch.get("input_dtype"))
    elif "layers" in arch:
        model = _functional(arch, custom_objects, cls)
    else:   # una subclase de Model: se crea con sus argumentos y se traza con las formas guardadas
        if cls is None or cls is find_class({"class_name": "Model"}):
            cls = find_class(arch, custom_objects, "modelo")
        model = cls(**arch["init"])
        model._trace((_placeholders(arch["build_inputs"]),), {})
    if not arch.get("trainable", True):
        model.trainable = False
    return model


def _placeholders(specs):
    """Tensores de entrada con las formas y tipos guardados ({"shape", "dtype"}, en listas o dicts)."""
    if isinstance(specs, dict) and "shape" in specs:
        return placeholder(tuple(specs["shape"]), specs["dtype"])
    if isinstance(specs, list):
        return [_placeholders(s) for s in specs]
    return {key: _placeholders(value) for key, value in specs.items()}




def model_from_json(json_string, custom_objects=None):
    """Un modelo (sin pesos) a partir de ``model.to_json()``, como ``keras.models.model_from_json``."""
    return model_from_architecture(json.loads(json_string), custom_objects)


def clone_model(model, custom_objects=None):
    """Un modelo con la misma arquitectura y pesos nuevos (sin copiar), como ``keras.models.clone_model``."""
    return model_from_architecture(json.loads(json.dumps(architecture(model))), custom_objects)
