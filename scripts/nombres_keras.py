"""Escribe course_lib/nn/keras_api.py: los nombres públicos de Keras 3 que un programa puede pedir.

course_lib.nn los usa para distinguir, cuando falta un nombre, entre «existe en Keras pero
course_lib no lo tiene» (y decir qué usar en su lugar) y «no existe en Keras» (una errata, con
sugerencia). Se genera con la versión de Keras de requirements-test.txt:

    KERAS_BACKEND=torch .venv/bin/python scripts/nombres_keras.py

No hace falta Keras para usar course_lib: el archivo generado se guarda en git.
"""

import os
import pprint
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

DESTINO = Path(__file__).resolve().parent.parent / "course_lib" / "nn" / "keras_api.py"

#: Módulos de Keras cuyos nombres se guardan (los que usan los tutoriales).
MODULOS = [
    "", "layers", "models", "utils", "ops", "losses", "metrics", "optimizers", "optimizers.schedules",
    "callbacks", "activations", "initializers", "regularizers", "constraints", "backend", "config", "random",
    "saving", "preprocessing", "preprocessing.sequence", "preprocessing.image", "datasets", "applications",
    "mixed_precision", "visualization", "export", "tree", "distribution", "quantizers", "dtype_policies",
    "wrappers", "legacy",
]


def publicos(objeto):
    return sorted(n for n in dir(objeto) if not n.startswith("_"))


def main():
    import keras
    import torch
    from keras.src import activations, initializers, losses, metrics, optimizers, regularizers

    modulos = {}
    for nombre in MODULOS:
        modulo = keras
        for parte in filter(None, nombre.split(".")):
            modulo = getattr(modulo, parte)
        modulos[nombre] = [n for n in publicos(modulo) if n != "src"]

    # Atributos de un modelo y de una capa de Keras, sin los que añade torch.nn.Module (motor PyTorch).
    de_torch = set(publicos(torch.nn.Module))
    x = keras.Input(shape=(2,))
    modelo = keras.Model(x, keras.layers.Dense(1)(x))
    modelo.compile(optimizer="adam", loss="mse")
    atributos_modelo = sorted(set(publicos(modelo)) - de_torch)
    atributos_capa = sorted(set(publicos(keras.layers.Dense(1))) - de_torch)

    def identificadores(modulo):
        return sorted(k for k in modulo.ALL_OBJECTS_DICT if k[:1].islower())

    nombres = {
        "version": keras.__version__,
        "modules": modulos,
        "model_attributes": atributos_modelo,
        "layer_attributes": atributos_capa,
        # Lo que aceptan compile(loss=…), activation=…, etc. como texto.
        "identifiers": {
            "losses": identificadores(losses),
            "metrics": identificadores(metrics),
            "activations": identificadores(activations),
            "optimizers": identificadores(optimizers),
            "initializers": identificadores(initializers),
            "regularizers": identificadores(regularizers) + ["l1_l2"],
        },
    }
    texto = (
        '"""Nombres públicos de Keras {v} (generado por scripts/nombres_keras.py; no editar a mano).\n\n'
        "Sirven para decir, cuando a course_lib le falta un nombre, si existe en Keras (y qué usar en su\n"
        'lugar) o es una errata. Ver ``missing.py``.\n"""\n\n'
        "KERAS_API = {d}\n"
    ).format(v=keras.__version__, d=pprint.pformat(nombres, width=110, compact=True))
    DESTINO.write_text(texto, encoding="utf-8")
    total = sum(len(v) for v in modulos.values())
    print(f"Escrito {DESTINO} ({total} nombres de módulos, Keras {keras.__version__}).")


if __name__ == "__main__":
    sys.exit(main())
