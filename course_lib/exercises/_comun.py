"""Piezas que comparten los ejercicios de varios capítulos."""

# Herramientas que cuentan parámetros por el estudiante (en los ejercicios que piden contarlos a mano).
PARAMETER_COUNTERS = (
    "course_lib.nn.Layer.count_params",
    "course_lib.nn.Model.count_params",
    "course_lib.nn.Model.summary",
    "keras.src.layers.layer.Layer.count_params",
    "keras.src.models.model.Model.summary",
)
