"""Fotogramas por segundo del laboratorio tipo Playground al entrenar con «Play».

Cada fotograma (un cambio del valor del ``widgets.Play``) entrena hasta una época (100 mini-lotes
como mucho), recalcula el mapa de calor y las curvas y codifica el PNG. Objetivo: ≥ 10 fotogramas
por segundo, es decir, ≤ 100 ms por fotograma, en una máquina de 2 núcleos.

Uso: python benchmarks/playground_ticks.py [fotogramas]. Imprime la mediana y el percentil 95 del
tiempo real (reloj de pared) y del tiempo de CPU por fotograma: si la máquina está cargada, el de
pared sube y el de CPU dice cuánto cuesta de verdad.
"""

import sys
import time

import numpy as np

from course_lib.demos.playground import playground

ALL_FEATURES = ("X1", "X2", "X1²", "X2²", "X1·X2", "sin X1", "sin X2")
CASES = {
    "por defecto (círculo, 2 → 4 → 4 → 1)": {},
    "espiral profunda (4 capas de 8)": {"preset": "espiral profunda"},
    "peor caso (6 capas de 8, B = 1, 7 entradas)": {
        "dataset": "espiral", "hidden_layers": 6, "neurons": 8, "batch_size": 1, "train_ratio": 90,
        "features": ALL_FEATURES},
}


def measure(settings, frames):
    demo = playground(**settings)
    wall, cpu = [], []
    for frame in range(1, frames + 1):
        start = time.process_time()
        demo.controls["play"].value = frame
        cpu.append(time.process_time() - start)
        wall.append(demo.last_update_seconds)
    return np.array(wall) * 1000, np.array(cpu) * 1000, demo


def main():
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"{'caso':<46}{'pared med.':>11}{'p95':>7}{'CPU med.':>10}{'p95':>7}{'fps (p95)':>11}   (ms)")
    worst = 0.0
    for name, settings in CASES.items():
        wall, cpu, demo = measure(settings, frames)
        p95 = np.percentile(wall, 95)
        worst = max(worst, p95)
        print(f"{name:<46}{np.median(wall):>11.1f}{p95:>7.1f}{np.median(cpu):>10.1f}"
              f"{np.percentile(cpu, 95):>7.1f}{1000 / p95:>11.1f}")
        assert not demo.failures, demo.failures
    verdict = "cumple" if worst <= 100 else "NO cumple"
    print(f"peor p95: {worst:.1f} ms → {1000 / worst:.1f} fotogramas/s ({verdict} el objetivo de 10 por segundo)")


if __name__ == "__main__":
    main()
