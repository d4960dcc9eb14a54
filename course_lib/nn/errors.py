"""Los dos tipos de error del motor, en un módulo sin dependencias para que todos puedan importarlo.

Los mensajes se escriben con una sola voz (qué se esperaba, qué se recibió, qué probar): las
comprobaciones y las ayudas para redactarlos están en ``validation.py``.
"""


class CourseError(ValueError):
    """Error de uso de ``course_lib`` con un mensaje en español para el estudiante."""


class CourseTypeError(CourseError, TypeError):
    """Error de tipo (por ejemplo, texto donde se esperaban números)."""


class CourseAttributeError(CourseError, AttributeError):
    """Un atributo que no existe (p. ej. un nombre de Keras que course_lib no tiene), explicado en español."""
