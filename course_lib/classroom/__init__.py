"""La edición de aula: ejercicios corregidos sin distribuir las soluciones.

En la edición de autoestudio (la del repositorio) cada ejercicio guarda su solución de referencia
y una función ``verify`` que la usa. Para una clase con tareas calificadas eso no sirve: el
estudiante podría leer la solución con ``show_solution`` o con ``inspect.getsource``. Este paquete
construye, a partir de la MISMA fuente de verdad, una edición sin soluciones:

- :mod:`.codec`: valores de NumPy y de Python como JSON (y cómo comparar y describir respuestas);
- :mod:`.record`: ejecuta la comprobación de cada ejercicio con su solución de referencia y graba
  las entradas que recibe la función del estudiante, las salidas esperadas y los argumentos de
  cada comparación (con los diagnósticos de los errores típicos);
- :mod:`.replay`: en la edición de aula, repite esa comprobación con la respuesta del estudiante a
  partir de lo grabado, con los mismos diagnósticos en español;
- :mod:`.release`: construye la edición de aula (paquete instalable y cuadernos);
- :mod:`.source`: el código de una función con lo que usa de su módulo (la solución en una tarea
  de nbgrader; las comprobaciones que no usan ninguna solución, en la edición de aula);
- :mod:`.assignments`: construye las tareas de nbgrader de cada capítulo.
"""
