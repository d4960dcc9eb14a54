"""Las afirmaciones del texto, comprobadas en el cuaderno y con otras semillas.

Un cuaderno afirma cosas que dependen del azar («la LSTM resuelve la tarea en al menos 8 de 10
semillas», «la red con normalización por lotes generaliza mejor»). Cada una se comprueba con
:func:`afirmar`, con la misma fuerza con que la dice el texto (una dirección, un margen, una
proporción), nunca con los dígitos de una semilla::

    afirmar(exitos >= 8, "la LSTM resuelve la tarea en al menos 8 de 10 semillas",
            f"resolvió {exitos} de 10")

Cada cuaderno toma sus semillas de ``SEMILLA``, definida en su celda con la etiqueta
``parameters`` (la convención de papermill). ``make afirmaciones`` ejecuta los cuadernos con
otros valores de ``SEMILLA`` y cuenta qué afirmaciones se siguen cumpliendo
(``scripts/afirmaciones.py``).

- Normalmente, una afirmación que no se cumple detiene el cuaderno con un ``AssertionError``
  en español (así fallan las pruebas).
- Si la variable de entorno ``CURSO_AFIRMACIONES`` nombra un archivo, cada afirmación se anota
  en él (una línea JSON) y el cuaderno sigue: así se cuentan todas, también las que vienen
  después de una que falla.

Las identidades matemáticas (un gradiente igual al de PyTorch, una forma, una fórmula) no dependen
de la semilla: siguen siendo ``assert``.
"""

import json
import os

ENV_VARIABLE = "CURSO_AFIRMACIONES"


class AfirmacionNoCumplida(AssertionError):
    """Una afirmación del texto no se cumple con esta semilla."""


def afirmar(condicion, afirmacion, detalle=""):
    """Comprueba una afirmación del texto del cuaderno.

    - ``condicion``: verdadera si la afirmación se cumple (se evalúa como booleano).
    - ``afirmacion``: la afirmación tal como la dice el texto, en español.
    - ``detalle``: lo medido (por ejemplo ``"0,93 ± 0,06 frente a 0,88 ± 0,14"``), para saber
      cuánto faltó si no se cumple.

    Devuelve ``True`` si se cumple. Si no, lanza :class:`AfirmacionNoCumplida`, salvo cuando
    ``make afirmaciones`` la anota (variable ``CURSO_AFIRMACIONES``): entonces devuelve ``False``.
    """
    if not isinstance(afirmacion, str) or not afirmacion.strip():
        raise TypeError("afirmar necesita el texto de la afirmación (un str no vacío) como segundo "
                        f"argumento; recibí {afirmacion!r}.")
    try:
        cumplida = bool(condicion)
    except (TypeError, ValueError) as exc:  # p. ej. un array de varios valores
        raise TypeError("la condición de afirmar debe ser un solo valor verdadero o falso; recibí "
                        f"{type(condicion).__name__} ({exc}). Prueba con np.all(...) o np.any(...).") from None
    registro = os.environ.get(ENV_VARIABLE)
    if registro:
        with open(registro, "a", encoding="utf-8") as archivo:
            archivo.write(json.dumps({"afirmacion": afirmacion, "cumplida": cumplida,
                                      "detalle": str(detalle)}, ensure_ascii=False) + "\n")
        return cumplida
    if not cumplida:
        mensaje = f"No se cumple la afirmación del texto: «{afirmacion}»."
        if detalle:
            mensaje += f" Medido: {detalle}."
        raise AfirmacionNoCumplida(mensaje)
    return True
