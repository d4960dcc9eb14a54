"""Entrena los modelos de lenguaje que el capítulo 16 trae ya entrenados (``make pesos``).

El cuaderno entrena en directo versiones con pocos pasos (para quedar por debajo de 90 s); aquí se
entrenan los mismos modelos, con los mismos datos y la misma pérdida, durante más pasos:

- el Transformer decodificador (``course_lib.lenguaje.CharTransformer``: d = 64, 4 cabezas, 2 bloques,
  contexto de 64 caracteres) → ``data/cap16_transformer_semillaS.npz`` (el de la semilla 0 lo usa también
  la demostración);
- la GRU de 128 unidades (``course_lib.lenguaje.char_gru``) → ``data/cap16_gru_semillaS.weights.npz``.

Con las semillas 0, 1 y 2, para dar la perplejidad como media ± desviación típica.
Determinista: la semilla fija los pesos iniciales y los lotes, un hilo de BLAS, Adam (η = 0,003, ``clipnorm=1``), lotes de 32 ventanas de 64
caracteres al azar del texto de entrenamiento. Guarda en el archivo del Transformer los pasos, los
segundos que tardó y la perplejidad en validación y en prueba de los dos modelos. Uso::

    python scripts/pesos_cap16.py                             # los dos modelos, semillas 0, 1 y 2
    python scripts/pesos_cap16.py --pasos 200 --semillas 0   # una prueba rápida
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from course_lib import nn  # noqa: E402
from course_lib.lenguaje import CharTransformer, char_gru, transformer_weights  # noqa: E402
from course_lib.texto import CharVocabulary, load_spanish_corpus, random_windows, split_corpus  # noqa: E402

PASOS = 3000
CONTEXTO, LOTE, ETA = 64, 32, 3e-3
DATOS = RAIZ / "data"


def salida_transformer(semilla):
    return DATOS / f"cap16_transformer_semilla{semilla}.npz"


def salida_gru(semilla):
    return DATOS / f"cap16_gru_semilla{semilla}.weights.npz"


def perplejidad(modelo, X, Y):
    """exp(media de −log p(carácter siguiente)) sobre todas las posiciones de las ventanas (X, Y)."""
    perdida = nn.SparseCategoricalCrossentropy(from_logits=True)
    return float(np.exp(perdida(Y, modelo.predict(X, verbose=0))))


def entrenar(modelo, entrenamiento, pasos, semilla):
    modelo.compile(optimizer=nn.Adam(ETA, clipnorm=1.0), loss=nn.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(semilla)
    inicio = time.perf_counter()
    for paso in range(1, pasos + 1):
        X, Y = random_windows(entrenamiento, LOTE, CONTEXTO, rng)
        perdida = modelo.train_on_batch(X, Y)
        if paso % 250 == 0 or paso == pasos:
            print(f"  paso {paso}/{pasos}: pérdida {perdida:.3f} ({time.perf_counter() - inicio:.0f} s)", flush=True)
    return time.perf_counter() - inicio


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pasos", type=int, default=PASOS)
    parser.add_argument("--semillas", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    threadpool_limits(1)
    texto = load_spanish_corpus()
    vocabulario = CharVocabulary(texto)
    entrenamiento, validacion, prueba = split_corpus(vocabulario.encode(texto))
    # Las mismas ventanas de evaluación que el cuaderno (semillas 1000 y 2000).
    X_val, Y_val = random_windows(validacion, 512, CONTEXTO, np.random.default_rng(1000))
    X_prueba, Y_prueba = random_windows(prueba, 512, CONTEXTO, np.random.default_rng(2000))
    for semilla in args.semillas:
        info = {"context": CONTEXTO, "d_model": 64, "num_heads": 4, "num_blocks": 2, "pasos": args.pasos,
                "lote": LOTE, "eta": ETA, "semilla": semilla}
        print(f"Semilla {semilla}. Transformer: {args.pasos} pasos")
        nn.set_seed(semilla)
        transformer = CharTransformer(len(vocabulario), context=CONTEXTO, d_model=64, num_heads=4, num_blocks=2)
        info["segundos_transformer"] = round(entrenar(transformer, entrenamiento, args.pasos, semilla), 1)
        info["perplejidad_transformer"] = {"validacion": perplejidad(transformer, X_val, Y_val),
                                           "prueba": perplejidad(transformer, X_prueba, Y_prueba)}
        info["parametros_transformer"] = int(transformer.count_params())

        print(f"Semilla {semilla}. GRU: {args.pasos} pasos")
        nn.set_seed(semilla)
        gru = char_gru(len(vocabulario), context=CONTEXTO)
        info["segundos_gru"] = round(entrenar(gru, entrenamiento, args.pasos, semilla), 1)
        info["perplejidad_gru"] = {"validacion": perplejidad(gru, X_val, Y_val),
                                   "prueba": perplejidad(gru, X_prueba, Y_prueba)}
        info["parametros_gru"] = int(gru.count_params())
        gru.save_weights(salida_gru(semilla))

        pesos = {k: v.astype(np.float32) for k, v in transformer_weights(transformer).items()}
        np.savez_compressed(salida_transformer(semilla), info=json.dumps(info),
                            vocabulario="".join(vocabulario.chars), **pesos)
        print(json.dumps(info, indent=1, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
