"""La clase: edición de aula sin respuestas, tareas de nbgrader calificadas fuera del núcleo y JupyterHub.

En la edición de autoestudio (la del repositorio) cada ejercicio guarda su solución de referencia
y una comprobación que la usa. Para una clase con nota eso no sirve: el estudiante podría leerla,
y en su núcleo podría cambiar la comprobación. Este paquete separa las dos cosas (el porqué, en
``docs/decisiones.md``, «Aula»; el manual, en ``docs/despliegue.md``):

Lo que recibe el estudiante (la edición de aula, sin ninguna respuesta):

- :mod:`.estudiante`: las comprobaciones que se pueden hacer sin la respuesta (formato, reglas);
- :mod:`.ejecutor`: el proceso que, al calificar, ejecuta sus respuestas y solo devuelve datos;
- :mod:`.codec`: esos datos (números, arrays, textos, redes del motor) en JSON, sin pickle;
- :mod:`.contents`: guardar en JupyterHub con un mensaje claro cuando el disco está lleno.

Lo que usa el profesorado (no viaja a la edición de aula):

- :mod:`.release`: construye y publica la edición de aula (un repositorio con historia continua);
- :mod:`.assignments`: las tareas de nbgrader de cada capítulo, con pruebas ocultas;
- :mod:`.calificacion`: la nota, decidida en un proceso que el código del estudiante no alcanza;
- :mod:`.aislamiento`: ejecutar las entregas en el entorno del estudiante y con un usuario sin permisos;
- :mod:`.entorno`: crear el entorno del estudiante (un Python con solo la edición de aula);
- :mod:`.source`: el código de una función con lo que usa de su módulo (las soluciones de las
  tareas, las reglas que viajan a la edición de aula).
"""
