"""Piezas que comparten los ejercicios de varios capítulos."""

# Herramientas que cuentan parámetros por el estudiante (en los ejercicios que piden contarlos a mano).
PARAMETER_COUNTERS = (
    "course_lib.nn.layer.Layer.count_params",
    "course_lib.nn.model.Model.count_params",
    "course_lib.nn.model.Model.summary",
    "keras.src.layers.layer.Layer.count_params",
    "keras.src.models.model.Model.summary",
)
