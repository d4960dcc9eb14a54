"""Ejercicios del curso, un módulo por capítulo (``capNN.py`` con una lista ``EXERCISES``).

Cada ejercicio guarda su solución, que es la única fuente de verdad: el profesorado la consulta
con ``course_lib.checks.show_solution("NN.k")`` y los tests comprueban que la supera.
"""

import importlib
import pkgutil


def all_exercises():
    """Todos los ejercicios de todos los capítulos, en orden de capítulo."""
    exercises = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cap"):
            exercises.extend(importlib.import_module(f"{__name__}.{info.name}").EXERCISES)
    return exercises
