"""``load_model(ruta)``: reconstruye un modelo guardado con ``model.save`` (el formato está en ``saving.py``).

Lee la arquitectura (JSON), vuelve a crear cada capa con sus argumentos y a llamarla sobre los mismos
tensores (así se rehace el grafo), copia los pesos y, si el modelo estaba compilado, lo compila igual y
recupera el estado del optimizador. Una capa o un modelo propios (subclases) se buscan en
``custom_objects`` o, si no, importando su módulo (en un cuaderno, la clase tiene que estar definida).
Se siguen cargando los archivos de las versiones 1 (solo Sequential) y 2 (sin capas compartidas).
"""

import os

from . import config
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .saving import FILE_FORMAT, FILE_FORMATS, read_npz, restore_weights
from .serialization import clone_model, model_from_architecture, model_from_json  # noqa: F401 (keras.models)
from .validation import CourseError


def _compile_value(value, custom_objects):
    """Deshace ``saving._compile_value``."""
    if isinstance(value, list):
        return [_compile_value(v, custom_objects) for v in value]
    if isinstance(value, dict) and "function" in value:
        if value["function"] not in custom_objects:
            raise CourseError(
                f"load_model: el modelo se compiló con la función propia {value['function']!r}. Pásala en "
                f"custom_objects={{'{value['function']}': {value['function']}}} o carga sin compilar (compile=False)."
            )
        return custom_objects[value["function"]]
    if isinstance(value, dict):
        if "class_name" in value:                            # versión 2: el config de la pérdida
            return losses_module.from_config(value)
        if "loss" in value:
            return losses_module.from_config(value["loss"])
        if "metric" in value:
            return metrics_module.METRIC_CLASSES[value["metric"]](**value["config"])
        if "dict" in value:
            return {k: _compile_value(v, custom_objects) for k, v in value["dict"].items()}
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
        model = model_from_architecture(model_config, custom_objects)
        model._check_built_for("cargar sus pesos")
        owners = restore_weights(model, arrays, path, "load_model")
        compile_config = model_config.get("compile")
        if compile_config and compile:
            model.compile(
                optimizer=optimizers_module.from_config(compile_config["optimizer"]),
                loss=_compile_value(compile_config["loss"], custom_objects),
                loss_weights=_compile_value(compile_config.get("loss_weights"), custom_objects),
                metrics=_compile_value(compile_config.get("metrics"), custom_objects) or None,
                weighted_metrics=_compile_value(compile_config.get("weighted_metrics"), custom_objects),
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
