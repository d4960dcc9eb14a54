"""Entrena los modelos de lenguaje que el capítulo 16 trae ya entrenados (``make pesos``).

El cuaderno entrena en directo versiones con pocos pasos (para quedar por debajo de 90 s); aquí se
entrenan los mismos modelos, con los mismos datos y la misma pérdida, durante más pasos:

- el Transformer decodificador (``course_lib.lenguaje.CharTransformer``: d = 64, 4 cabezas, 2 bloques,
  contexto de 64 caracteres) → ``data/cap16_transformer_semillaS.npz`` (el de la semilla 0 lo usa también
  la demostración);
- el MLP de contexto fijo de la sección 4 (``course_lib.lenguaje.mlp_*``, NumPy, 8 caracteres de
  contexto) → ``data/cap16_mlp_semillaS.npz``;
- la GRU de 128 unidades (``course_lib.lenguaje.char_gru``) → ``data/cap16_gru_semillaS.weights.npz``;
- los traductores de fechas en palabras → ISO (``course_lib.lenguaje.date_translator``), con y sin
  atención, 10 épocas cada uno → ``data/cap16_fechas_{con,sin}_atencion_semillaS.weights.npz``, y su
  acierto exacto en las 1000 fechas de prueba tras cada época → ``data/cap16_fechas.json``.

Con las semillas 0, 1 y 2, para dar cada cifra como media ± desviación típica.
Determinista: la semilla fija los pesos iniciales y los lotes, un hilo de BLAS, Adam (η = 0,003, ``clipnorm=1``), lotes de 32 ventanas de 64
caracteres al azar del texto de entrenamiento. Guarda en el archivo del Transformer los pasos, los
segundos que tardó y la perplejidad en validación y en prueba de los dos modelos. Uso::

    python scripts/pesos_cap16.py                             # los dos modelos, semillas 0, 1 y 2
    python scripts/pesos_cap16.py --pasos 200 --semillas 0   # una prueba rápida
    python scripts/pesos_cap16.py --modelos fechas             # solo los traductores de fechas
    python scripts/pesos_cap16.py --modelos mlp                # solo el MLP
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
from course_lib.lenguaje import (CharTransformer, NumpyAdam, char_gru, date_translator, dates_task,  # noqa: E402
                                 evaluation_windows,
                                 greedy_decode, mlp_contexts, mlp_file, mlp_init, mlp_log_probabilities,
                                 mlp_loss_and_gradients, transformer_weights, translator_file)
from course_lib.texto import CharVocabulary, load_spanish_corpus, random_windows, split_corpus  # noqa: E402

PASOS = 500
EPOCAS_FECHAS = 10
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


def mlps(semillas, pasos, vocabulario, entrenamiento, evaluacion):
    """El MLP de contexto fijo en NumPy: los mismos lotes, Adam (η = 0,003) y la misma pérdida."""
    salto = vocabulario.encode("\n")[0]
    for semilla in semillas:
        P = mlp_init(len(vocabulario), semilla)
        adam, rng = NumpyAdam(P, ETA), np.random.default_rng(semilla)
        inicio = time.perf_counter()
        for paso in range(1, pasos + 1):
            X, Y = random_windows(entrenamiento, LOTE, CONTEXTO, rng)
            perdida, G = mlp_loss_and_gradients(P, mlp_contexts(X, salto), Y)
            adam.step(P, G)
            if paso % 500 == 0 or paso == pasos:
                print(f"  MLP, semilla {semilla}, paso {paso}/{pasos}: pérdida {perdida:.3f}", flush=True)
        info = {"pasos": pasos, "lote": LOTE, "eta": ETA, "semilla": semilla,
                "segundos": round(time.perf_counter() - inicio, 1),
                "perplejidad": {nombre: float(np.exp(-mlp_log_probabilities(P, X, Y, salto).mean()))
                                for nombre, (X, Y) in evaluacion.items()}}
        np.savez_compressed(mlp_file(semilla), info=json.dumps(info), **{k: v.astype(np.float32) for k, v in P.items()})
        print(json.dumps(info, ensure_ascii=False), flush=True)


def traductores_de_fechas(semillas, epocas=EPOCAS_FECHAS):
    """Entrena los traductores con y sin atención (Adam η = 0,01, lotes de 64) y mide el acierto exacto
    de la decodificación voraz en las fechas de prueba tras cada época."""
    tarea = dates_task()
    X, D, Y = tarea["X_train"], tarea["D_train"], tarea["Y_train"]
    info = {"epocas": epocas, "lote": 64, "eta": 0.01, "semillas": list(semillas), "acierto": {}, "segundos": {}}
    for atencion in (True, False):
        clave = "con" if atencion else "sin"
        info["acierto"][clave], info["segundos"][clave] = [], []
        for semilla in semillas:
            nn.set_seed(semilla)
            modelo = date_translator(len(tarea["input_vocab"]), X.shape[1], atencion)
            modelo.compile(optimizer=nn.Adam(0.01), loss=nn.SparseCategoricalCrossentropy(from_logits=True))
            curva, segundos = [], 0.0
            for epoca in range(epocas):
                inicio = time.perf_counter()
                modelo.fit([X, D], Y, epochs=1, batch_size=64, verbose=0, seed=1000 * semilla + epoca)
                segundos += time.perf_counter() - inicio
                curva.append(float((greedy_decode(modelo, tarea["X_test"]) == tarea["Y_test"]).all(axis=1).mean()))
            print(f"Fechas, {clave} atención, semilla {semilla}: acierto exacto por época {curva}", flush=True)
            info["acierto"][clave].append(curva)
            info["segundos"][clave].append(round(segundos, 1))
            modelo.save_weights(translator_file(semilla, atencion))
    (DATOS / "cap16_fechas.json").write_text(json.dumps(info, indent=1) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pasos", type=int, default=PASOS)
    parser.add_argument("--semillas", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--modelos", nargs="+", choices=["lenguaje", "mlp", "fechas"],
                        default=["lenguaje", "mlp", "fechas"])
    args = parser.parse_args()
    threadpool_limits(1)
    if "fechas" in args.modelos:
        traductores_de_fechas(args.semillas)
    texto = load_spanish_corpus()
    vocabulario = CharVocabulary(texto)
    entrenamiento, validacion, prueba = split_corpus(vocabulario.encode(texto))
    # Las mismas ventanas de evaluación que el cuaderno.
    (X_val, Y_val), (X_prueba, Y_prueba) = evaluation_windows(validacion, prueba)
    if "mlp" in args.modelos:
        mlps(args.semillas, args.pasos, vocabulario, entrenamiento,
             {"validacion": (X_val, Y_val), "prueba": (X_prueba, Y_prueba)})
    if "lenguaje" not in args.modelos:
        return
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
