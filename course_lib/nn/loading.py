"""``load_model(ruta)``: reconstruye un modelo guardado con ``model.save`` (el formato está en ``saving.py``).

Lee la arquitectura (JSON), vuelve a crear cada capa con sus argumentos y a llamarla sobre los mismos
tensores (así se rehace el grafo), copia los pesos y, si el modelo estaba compilado, lo compila igual y
recupera el estado del optimizador. Una capa o un modelo propios (subclases) se buscan en
``custom_objects`` o, si no, importando su módulo (en un cuaderno, la clase tiene que estar definida).
Se siguen cargando los archivos de las versiones 1 (solo Sequential) y 2 (sin capas compartidas).
"""

import importlib
import os

import numpy as np

from . import config
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .input_layer import Input
from .layers import LAYER_CLASSES
from .model import Model
from .saving import FILE_FORMAT, FILE_FORMATS, read_npz, restore_weights
from .sequential import Sequential
from .symbolic import OPERATION_CLASSES, Constant, GetItem, placeholder, symbolic_call
from .validation import CourseError


def _class_for(entry, custom_objects, kind="capa"):
    """La clase de una entrada: de custom_objects, del motor o importando su módulo."""
    name = entry["class_name"]
    if name in custom_objects:
        return custom_objects[name]
    if "module" not in entry:
        if name in ("Model", "Functional"):
            return Model
        if name == "Sequential":
            return Sequential
        if name in LAYER_CLASSES:
            return LAYER_CLASSES[name]
        raise CourseError(f"load_model: tipo de {kind} desconocido {name!r}.")
    try:
        obj = importlib.import_module(entry["module"])
        for part in entry["qualname"].split("."):
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError):
        raise CourseError(
            f"load_model: el modelo usa la clase propia {name!r} (del módulo {entry['module']!r}), que no se encuentra. "
            f"Define la clase antes de cargar o pásala en load_model(ruta, custom_objects={{'{name}': {name}}})."
        ) from None


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
    cls = _class_for(entry, custom_objects)
    if issubclass(cls, Model):
        model = _model_from_architecture(entry["config"], custom_objects, cls)
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


def _functional(arch, custom_objects, cls=Model):
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

    model = Model(pick(arch["inputs"]), pick(arch["outputs"]), name=arch.get("name"))
    if cls is not Model:
        model.__class__ = cls
    return model


def _model_from_architecture(arch, custom_objects, cls=None):
    """Reconstruye un modelo (sin pesos) a partir de :meth:`Model.architecture`."""
    kind = arch.get("class_name", "Sequential")
    if kind == "Sequential":
        model = Sequential([_layer_from_entry(entry, custom_objects) for entry in arch["layers"]],
                           name=arch.get("name"))
        if arch.get("input_shape") is not None:
            model.build(tuple(arch["input_shape"]), dtype=arch.get("input_dtype"))
    elif "layers" in arch:
        model = _functional(arch, custom_objects)
    else:   # una subclase de Model: se crea con sus argumentos y se traza con las formas guardadas
        cls = cls if cls is not None and cls is not Model else _class_for(arch, custom_objects, "modelo")
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


def _compile_value(value):
    """Deshace ``saving._compile_value``."""
    if isinstance(value, list):
        return [_compile_value(v) for v in value]
    if isinstance(value, dict):
        if "class_name" in value:                            # versión 2: el config de la pérdida
            return losses_module.from_config(value)
        if "loss" in value:
            return losses_module.from_config(value["loss"])
        if "metric" in value:
            return metrics_module.METRIC_CLASSES[value["metric"]](**value["config"])
        if "dict" in value:
            return {k: _compile_value(v) for k, v in value["dict"].items()}
    return value


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Carga un modelo guardado con ``model.save(ruta)`` (Sequential, funcional o subclase, con modelos
    anidados): arquitectura, pesos, compilación y estado del optimizador."""
    path = os.fspath(filepath)
    expected = "un modelo guardado con model.save(ruta) (un archivo .npz de course_lib.nn)"
    model_config, arrays = read_npz(path, "load_model", expected, "__config__")
    if not isinstance(model_config, dict) or model_config.get("format") not in FILE_FORMATS:
        raise CourseError(f"load_model: {path!r} no tiene el formato {FILE_FORMAT!r}; se esperaba {expected}.")
    custom_objects = dict(custom_objects or {})

    previous_floatx = config.floatx()
    try:
        config.set_floatx(model_config["floatx"])  # los pesos se crean con la precisión con que se guardaron
        model = _model_from_architecture(model_config, custom_objects)
        model._check_built_for("cargar sus pesos")
        owners = restore_weights(model, arrays, path, "load_model")
        compile_config = model_config.get("compile")
        if compile_config and compile:
            model.compile(
                optimizer=optimizers_module.from_config(compile_config["optimizer"]),
                loss=_compile_value(compile_config["loss"]),
                loss_weights=_compile_value(compile_config.get("loss_weights")),
                metrics=_compile_value(compile_config.get("metrics")) or None,
                weighted_metrics=_compile_value(compile_config.get("weighted_metrics")),
            )
            model.optimizer.iterations = int(model_config.get("optimizer_iterations", 0))
            for name, value in arrays.items():
                if name.startswith("optimizer/"):
                    owner_path, key, slot = name[len("optimizer/"):].rsplit("/", 2)
                    model.optimizer._slots[(id(owners[owner_path]), key, slot)] = value.copy()
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CourseError):
            raise
        raise CourseError(
            f"load_model: la configuración guardada en {path!r} no es válida ({type(exc).__name__}: {exc}); "
            f"se esperaba {expected}."
        ) from None
    finally:
        config.set_floatx(previous_floatx)
    return model
