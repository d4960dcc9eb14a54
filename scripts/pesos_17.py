"""Los pesos del capítulo 17 (``make pesos``): autocodificador, VAE, DCGAN y clasificador.

El cuaderno 17 entrena en directo versiones cortas (unos segundos cada una); estos son los mismos modelos,
con la misma receta (``course_lib/generativos.py``), entrenados con los 8000 dígitos de entrenamiento de
``generativos.division_mnist()`` durante más épocas y más pasos, con varias semillas. Se guardan en
``data/generativos/``: un ``.weights.npz`` por modelo y semilla y ``entrenamiento.json`` con la receta,
las épocas, los pasos y los segundos de CPU que tardó cada uno.

Es determinista: cada semilla fija los pesos iniciales, el orden de los lotes y el ruido, y BLAS usa
un hilo. Uso::

    python scripts/pesos_17.py                        # semillas 0, 1 y 2 (unos 4 minutos de CPU por semilla)
    python scripts/pesos_17.py --semillas 0 --pasos-gan 300 --carpeta /tmp/prueba   # una prueba rápida
"""

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))

EPOCAS_AUTOCODIFICADOR = 15
EPOCAS_VAE = 20
PASOS_DCGAN = 3000
EPOCAS_CLASIFICADOR = 3


def entrenar_una_semilla(semilla, carpeta, epocas_ac, epocas_vae, pasos_gan):
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    import numpy as np

    from course_lib import generativos as gen

    X_ent, _, _, _ = gen.division_mnist()
    segundos = {}

    inicio = time.process_time()
    cod, dec, historia_ac = gen.entrenar_autocodificador(X_ent, semilla, epocas_ac)
    segundos["autocodificador"] = time.process_time() - inicio
    cod.save_weights(gen.ruta_de_pesos("autocodificador_codificador", semilla, carpeta))
    dec.save_weights(gen.ruta_de_pesos("autocodificador_decodificador", semilla, carpeta))

    inicio = time.process_time()
    cod, dec, historia_vae = gen.entrenar_vae(X_ent, semilla, epocas_vae)
    segundos["vae"] = time.process_time() - inicio
    cod.save_weights(gen.ruta_de_pesos("vae_codificador", semilla, carpeta))
    dec.save_weights(gen.ruta_de_pesos("vae_decodificador", semilla, carpeta))

    inicio = time.process_time()
    generador, _, historia_gan = gen.entrenar_dcgan(X_ent, semilla, pasos_gan)
    segundos["dcgan"] = time.process_time() - inicio
    generador.save_weights(gen.ruta_de_pesos("generador", semilla, carpeta))

    inicio = time.process_time()
    X_ent, y_ent, X_prueba, y_prueba = gen.division_mnist()
    clasificador = gen.entrenar_clasificador(X_ent, y_ent, semilla, EPOCAS_CLASIFICADOR)
    segundos["clasificador"] = time.process_time() - inicio
    clasificador.save_weights(gen.ruta_de_pesos("clasificador", semilla, carpeta))
    exactitud = float(np.mean(clasificador.predict(X_prueba, verbose=0).argmax(axis=1) == y_prueba))

    ultimos = slice(-min(200, pasos_gan), None)
    resumen = {
        "segundos_cpu": {k: round(v, 1) for k, v in segundos.items()},
        "autocodificador_perdida_final": round(float(historia_ac["loss"][-1]), 5),
        "vae_reconstruccion_final": round(historia_vae["reconstruccion"][-1], 3),
        "vae_kl_final": round(historia_vae["kl"][-1], 3),
        "dcgan_d_real_ultimos_200": round(float(np.mean(historia_gan["d_real"][ultimos])), 3),
        "dcgan_d_falsa_ultimos_200": round(float(np.mean(historia_gan["d_falsa"][ultimos])), 3),
        "clasificador_exactitud_prueba": round(exactitud, 4),
    }
    print(f"semilla {semilla}: {json.dumps(resumen, ensure_ascii=False)}", flush=True)
    return semilla, resumen


def main(argumentos=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semillas", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epocas-ac", type=int, default=EPOCAS_AUTOCODIFICADOR)
    parser.add_argument("--epocas-vae", type=int, default=EPOCAS_VAE)
    parser.add_argument("--pasos-gan", type=int, default=PASOS_DCGAN)
    parser.add_argument("--carpeta", type=Path, default=None, help="por defecto, data/generativos")
    parser.add_argument("--procesos", type=int, default=2, help="semillas a la vez (una por núcleo)")
    args = parser.parse_args(argumentos)

    from course_lib import generativos as gen

    carpeta = args.carpeta or gen.DATA_DIR
    carpeta.mkdir(parents=True, exist_ok=True)
    inicio = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, min(args.procesos, len(args.semillas)))) as grupo:
        resultados = dict(grupo.map(entrenar_una_semilla, args.semillas, [carpeta] * len(args.semillas),
                                    [args.epocas_ac] * len(args.semillas), [args.epocas_vae] * len(args.semillas),
                                    [args.pasos_gan] * len(args.semillas)))
    import numpy
    import sklearn

    info = {
        "version_de_la_receta": gen.VERSION_DE_LA_RECETA,
        "semillas": sorted(resultados),
        "datos": "los 8000 dígitos de entrenamiento de course_lib.generativos.division_mnist()",
        "epocas_autocodificador": args.epocas_ac,
        "epocas_vae": args.epocas_vae,
        "pasos_dcgan": args.pasos_gan,
        "epocas_clasificador": EPOCAS_CLASIFICADOR,
        "receta": gen.RECETA,
        "por_semilla": {str(s): resultados[s] for s in sorted(resultados)},
        "versiones": {"numpy": numpy.__version__, "scikit-learn": sklearn.__version__,
                      "python": sys.version.split()[0]},
    }
    (carpeta / "entrenamiento.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
    print(f"Pesos en {carpeta} ({time.perf_counter() - inicio:.0f} s de reloj).")


if __name__ == "__main__":
    main()
