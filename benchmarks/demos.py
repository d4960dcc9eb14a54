"""Tiempo de respuesta de cada demostración a un cambio de control (cálculo + dibujo + PNG).

Uso: python benchmarks/demos.py [repeticiones]. Imprime la mediana y el percentil 95 en ms.
Objetivo: p95 ≤ 100 ms en una máquina de 2 núcleos.
"""

import sys
import time

import numpy as np

from course_lib import demos
from course_lib.demos.drive import random_changes


def measure(name, changes):
    start = time.perf_counter()
    demo = getattr(demos, name)()
    created = time.perf_counter() - start
    times, cpu = [], []
    for seed in range(changes):
        before = demo.updates
        random_changes(demo, 1, seed=seed)
        if demo.updates > before:
            times.append(demo.last_update_seconds)
            cpu.append(demo.last_update_cpu_seconds)
    times, cpu = np.array(times) * 1000, np.array(cpu) * 1000
    return (created * 1000, np.median(times), np.percentile(times, 95), np.percentile(cpu, 95), len(times),
            len(demo.failures))


def main():
    changes = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    print(f"{'demostración':<18}{'creación':>10}{'mediana':>10}{'p95':>8}{'p95 CPU':>9}{'cambios':>9}{'fallos':>8}"
          "   (ms; «p95 CPU»: tiempo de CPU del proceso, sin la espera por otros procesos)")
    worst = 0.0
    for name in demos.DEMO_NAMES:
        created, median, p95, p95_cpu, count, failures = measure(name, changes)
        worst = max(worst, p95)
        print(f"{name:<18}{created:>10.0f}{median:>10.1f}{p95:>8.1f}{p95_cpu:>9.1f}{count:>9d}{failures:>8d}")
    print(f"peor p95: {worst:.1f} ms ({'cumple' if worst <= 100 else 'NO cumple'} el objetivo de 100 ms)")


if __name__ == "__main__":
    main()
