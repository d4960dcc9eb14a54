"""Guardar un modelo: ``model.save(ruta)``, ``model.save_weights(ruta)`` y ``model.load_weights(ruta)``.

``model.save`` escribe un único archivo ``.npz`` (arrays de NumPy, sin pickle) con:

- ``__config__``: la arquitectura y la compilación en JSON (qué capa lee qué tensor; los argumentos de
  cada capa; para una capa o un modelo propios, su clase y los argumentos con que se creó);
- ``layers/<ruta>/params/<clave>`` y ``layers/<ruta>/state/<clave>``: los pesos de cada capa, por su
  ruta dentro del modelo ("3", o "3/0" dentro de un modelo anidado);
- ``optimizer/<ruta>/<clave>/<ranura>``: el estado del optimizador (momentos de Adam…).

El archivo se escribe primero en uno temporal de la misma carpeta y después se renombra, así que un
fallo a mitad nunca deja un archivo a medias. ``save_weights`` escribe solo los pesos (el mismo
formato, aunque la ruta termine en ``.weights.h5`` como en Keras). Cargar está en ``loading.py``.
"""

import json
import os
import tempfile
import zipfile

import numpy as np

from . import config
from .losses import Loss, LossFunctionWrapper
from .metrics import Metric
from .serialization import architecture
from .validation import CourseError

#: Identifica los archivos que escribe ``model.save`` (la versión 1 solo guardaba Sequential).
FILE_FORMAT = "course_lib.nn.Model"
FILE_FORMATS = (FILE_FORMAT, "course_lib.nn.Sequential")
FILE_VERSION = 3
WEIGHTS_FORMAT = "course_lib.nn.weights"


def _write_npz(file, arrays):
    """Escribe los arrays en formato .npz (comprimido). Separado para poder simular fallos en los tests."""
    np.savez_compressed(file, **arrays)


def write_atomically(path, arrays, who="save"):
    """Escribe ``arrays`` en ``path`` a través de un archivo temporal de la misma carpeta y ``os.replace``."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CourseError(f"{who}: la carpeta {folder!r} no existe; créala antes (os.makedirs) o elige otra ruta.")
    fd, tmp_path = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            _write_npz(f, arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def read_npz(path, who, expected, config_key):
    """(configuración JSON, {nombre: array}) de un archivo de este formato; errores claros si no lo es."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise CourseError(f"{who}: no existe el archivo {path!r}; se esperaba {expected}.")
    try:
        with np.load(path, allow_pickle=False) as data:
            if config_key not in data.files:
                raise CourseError(
                    f"{who}: {path!r} es un archivo .npz, pero no contiene {'la configuración de un modelo' if config_key == '__config__' else 'pesos de course_lib'} "
                    f"(falta '{config_key}'); se esperaba {expected}."
                )
            meta = json.loads(str(data[config_key]))
            arrays = {name: data[name] for name in data.files if name != config_key}
    except CourseError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, json.JSONDecodeError,
            AttributeError, TypeError) as exc:
        raise CourseError(
            f"{who}: no se pudo leer {path!r} ({type(exc).__name__}); el archivo está dañado o truncado, "
            f"o no es de este formato. Se esperaba {expected}."
        ) from None
    return meta, arrays


def weight_arrays(model):
    """{"layers/<ruta>/params|state/<clave>": array} y {id(capa): ruta} de todas las capas con pesos."""
    arrays, path_of = {}, {}
    for owner_path, layer in model._weight_owners():
        path_of[id(layer)] = owner_path
        for key, value in layer.params.items():
            arrays[f"layers/{owner_path}/params/{key}"] = value
        for key, value in layer.state.items():
            arrays[f"layers/{owner_path}/state/{key}"] = value
    return arrays, path_of


def restore_weights(model, arrays, path, who):
    """Copia los arrays guardados en las capas del modelo (comprobando que están todos y con su forma)."""
    owners = dict(model._weight_owners())
    for owner_path, layer in owners.items():
        for group, store in (("params", layer.params), ("state", layer.state)):
            for key in store:
                saved = arrays.get(f"layers/{owner_path}/{group}/{key}")
                if saved is None or saved.shape != store[key].shape:
                    raise CourseError(
                        f"{who}: faltan los pesos {key!r} de la capa {layer.name!r} o no tienen la forma "
                        f"esperada en {path!r}; el archivo está incompleto, dañado o es de otro modelo."
                    )
                store[key][...] = saved
    return owners


class ModelSaving:
    """``save``, ``save_weights`` y ``load_weights`` (parte de ``Model``)."""

    def _file_config(self):
        """Lo que ``save`` escribe en ``__config__``: formato, precisión, arquitectura y compilación."""
        compile_config = None
        if self.compiled:
            arguments = self._compile_arguments
            serializable = {key: _compile_value(value) for key, value in arguments.items()}
            compile_config = {"optimizer": self.optimizer.get_config(), **serializable}
        return {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "floatx": config.floatx(),
            **architecture(self),
            "compile": compile_config,
            "optimizer_iterations": getattr(self.optimizer, "iterations", 0),
        }

    def save(self, filepath, overwrite=True, **kwargs):
        """Guarda arquitectura, pesos (incluidas las medias móviles), compilación y estado del optimizador.

        Un único archivo ``.npz`` (sin pickle), escrito de forma atómica: primero en un archivo temporal
        de la misma carpeta y luego renombrado, así que un fallo a mitad nunca deja un archivo a medias.
        """
        self._check_built_for("guardar el modelo")
        path = os.fspath(filepath)
        _check_overwrite(path, overwrite, "save")
        arrays, path_of = weight_arrays(self)
        arrays["__config__"] = np.array(json.dumps(self._file_config(), ensure_ascii=False))
        if self.optimizer is not None:
            for (layer_id, key, slot), value in self.optimizer._slots.items():
                if layer_id in path_of:
                    arrays[f"optimizer/{path_of[layer_id]}/{key}/{slot}"] = value
        write_atomically(path, arrays, "save")

    def save_weights(self, filepath, overwrite=True):
        """Guarda solo los pesos (y las medias móviles), capa a capa, en un archivo .npz (cualquier extensión).

        Se cargan con ``load_weights`` en un modelo con la misma arquitectura.
        """
        self._check_built_for("guardar sus pesos")
        path = os.fspath(filepath)
        _check_overwrite(path, overwrite, "save_weights")
        arrays, _ = weight_arrays(self)
        meta = {"format": WEIGHTS_FORMAT, "model": self.name, "floatx": config.floatx()}
        arrays["__weights__"] = np.array(json.dumps(meta, ensure_ascii=False))
        write_atomically(path, arrays, "save_weights")

    def load_weights(self, filepath, skip_mismatch=False):
        """Carga los pesos guardados con ``save_weights`` (o con ``save``) en este modelo, que debe tener la
        misma arquitectura (y estar construido: tras ``build``, ``fit`` o ``predict``)."""
        self._check_built_for("cargar sus pesos")
        path = os.fspath(filepath)
        expected = "un archivo de pesos de course_lib (model.save_weights o model.save)"
        try:
            _, arrays = read_npz(path, "load_weights", expected, "__weights__")
        except CourseError as error:
            if "falta '__weights__'" not in str(error):
                raise
            _, arrays = read_npz(path, "load_weights", expected, "__config__")
        restore_weights(self, arrays, path, "load_weights")


def _check_overwrite(path, overwrite, who):
    if not overwrite and os.path.exists(path):
        raise CourseError(f"{who}: {path!r} ya existe y overwrite=False; elige otra ruta o pasa overwrite=True.")


def _compile_value(value):
    """Lo que se pasó a compile (nombres, objetos, listas o dicts de ellos) en tipos JSON."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, LossFunctionWrapper):   # una función propia: al cargar, en custom_objects
        return {"function": value.name}
    if isinstance(value, Loss):
        return {"loss": value.get_config()}
    if isinstance(value, Metric):
        return {"metric": type(value).__name__, "config": value.get_config()}
    if isinstance(value, (list, tuple)):
        return [_compile_value(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {k: _compile_value(v) for k, v in value.items()}}
    if callable(value) and hasattr(value, "loss_class"):
        return value.__name__
    if callable(value):
        return {"function": getattr(value, "__name__", repr(value))}
    raise CourseError(f"save: no se puede guardar {value!r} de compile; usa nombres de Keras u objetos del motor.")
