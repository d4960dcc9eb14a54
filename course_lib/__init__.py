"""course_lib: biblioteca de apoyo del curso interactivo de aprendizaje profundo.

Partes (cada una importa solo hacia abajo):
- ``course_lib.nn``: motor de redes neuronales escrito desde cero con NumPy (API similar a Keras).
- ``course_lib.data``: conjuntos de datos del curso y utilidades de preparación.
- ``course_lib.plots``: figuras estáticas con el estilo del curso.
- ``course_lib.demos``: demostraciones interactivas (ipywidgets).
- ``course_lib.checks``: corrección automática de ejercicios con mensajes en español.
"""

__version__ = "0.1.0"
