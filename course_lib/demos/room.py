"""La sala de demostraciones: todas las demostraciones del curso en una página, por capítulos.

``make clase`` la abre con Voilà (``clase/sala_de_demostraciones.ipynb`` solo llama a
``demo_room()``), sin código a la vista, pensada para un proyector de 1024×768 o de 1280×720. Cada capítulo tiene
un botón y una línea de qué probar; la demostración se crea al elegir su capítulo (crearlas
todas al cargar la página tardaría medio minuto).

Añadir una demostración a la sala es añadir **una línea** a ``ROOM``.
"""

import html

import ipywidgets as widgets

from .base import ROOM_MODE, projector_mode

#: (capítulo, título corto, función de ``course_lib.demos``, qué probar), en el orden del curso.
ROOM = [
    ("01", "La neurona", "neuron",
     "Prueba a girar la frontera con w₁ y w₂, a desplazarla con b y a elegir «XOR»: ninguna recta lo separa."),
    ("02", "Activaciones", "activations",
     "Prueba a llevar z a los extremos con la sigmoide y mira cómo se desvanece su derivada; compárala con ReLU."),
    ("03", "Pérdidas", "losses",
     "Prueba a bajar p hacia 0: la entropía cruzada se dispara y su gradiente no se apaga; el del ECM, sí."),
    ("04", "Descenso del gradiente", "gradient_descent",
     "Prueba a subir la tasa de aprendizaje η hasta que el camino oscile y después diverja."),
    ("05", "Retropropagación", "backpropagation", "Prueba a pulsar ▶ y a saturar la sigmoide (w₁ = 3): ∂a/∂z se apaga; con la entropía cruzada, no."),
    ("06", "Optimizadores", "optimizers",
     "Prueba la función de Rosenbrock y compara cuánto avanza cada optimizador por su valle curvo."),
    ("07", "Escalado de datos", "scaling",
     "Prueba a quitar el escalado: ninguna η sirve; estandarizando converge en unos pocos pasos."),
    ("08", "Laboratorio", "playground",
     "Prueba el ejemplo «xor con 2 neuronas: falla», pulsa ▶ para entrenar y después añade neuronas."),
    ("09", "Convolución", "convolution",
     "Prueba el filtro de bordes verticales sobre la foto y cambia el relleno p y el paso s."),
    ("10", "Agrupación", "pooling",
     "Prueba a cambiar la ventana f y el paso s, y compara la agrupación máxima con la media."),
    ("11", "Subajuste y sobreajuste", "capacity",
     "Prueba a subir el grado del polinomio con pocos puntos: el error de validación se dispara."),
    ("12", "Regularización", "regularization",
     "Prueba a subir λ con L2 y con L1 y mira cómo se aplana el polinomio de grado 12."),
    ("13", "Gradiente en una RNN", "rnn_gradient",
     "Prueba la activación lineal con ρ < 1 y ρ > 1: el gradiente se desvanece o explota como ρᵏ; luego tanh."),
    ("14", "Familias de modelos", "families", "Prueba la espiral con la regresión logística y después con la SVM, el bosque y la red: ¿cuál generaliza mejor?"),
    ("15", "Umbral y coste", "threshold_cost", "Prueba u = 0,5 y después u = p*: ¿cuántos malignos se escapan? Cambia el coste de un FN y mira moverse p*."),
    ("16", "Modelo de lenguaje", "language_model",
     "Prueba a escribir un comienzo y subir la temperatura a 2; después baja top-k a 3 y mira cómo vuelven las palabras."),
    ("17", "Espacio latente de un VAE", "latent_space",
     "Prueba a mover z del centro del «0» al del «1» y mira dónde cambia de opinión la CNN; después, |z| > 3."),
    ("18", "Gradiente en profundidad", "gradient_flow",
     "Prueba Glorot sin BN y sube los bloques: la red plana pierde el gradiente y la residual no; luego marca BN."),
]

# Pensada para 1024×768 y 1280×720: botones compactos (dos o tres filas), la línea de qué probar en
# una, y la figura (990 px de ancho, letra ≥ 20 px) sin reducirse en 1024 px.
PAGE_STYLE = """<style>
.course-room { max-width: 1260px; margin: 0 auto; }
body { margin: 0; }
.course-room .widget-image { align-self: center; width: auto; max-width: 100%; height: auto; }
.course-room-hint { font-size: 20px; line-height: 1.25; margin: 2px 0 4px 0; }
.course-room-chapters .widget-toggle-button { font-size: 14px; margin: 1px; padding: 0 8px; height: 28px; }
.course-room .widget-hbox, .course-room .widget-inline-hbox { margin-top: 0; margin-bottom: 0; }
.course-room-playground .widget-image { max-height: 280px; width: auto; }
</style>"""


class DemoRoom:
    """Un botón por capítulo (se pliegan en filas) y debajo su demostración, que se crea la
    primera vez que se elige. ``room.demos`` guarda las creadas (función → demostración),
    ``room.selector`` es la fila de botones y ``room.page`` lo que se muestra debajo.
    """

    def __init__(self, entries=None, first=0):
        from course_lib import demos as demo_module

        self._module = demo_module
        self.entries = list(ROOM if entries is None else entries)
        self.demos = {}
        self._pages = {}
        self.selector = widgets.ToggleButtons(
            options=[(f"{chapter} · {short}", index) for index, (chapter, short, _, _) in enumerate(self.entries)],
            value=first, style={"button_width": "auto"}, layout=widgets.Layout(flex_flow="row wrap"),
        )
        self.selector.add_class("course-room-chapters")
        self.page = widgets.VBox()
        self.selector.observe(self._on_select, names="value")
        self.widget = widgets.VBox([widgets.HTML(PAGE_STYLE), self.selector, self.page])
        self.widget.add_class("course-room")
        self._open(first)

    def _on_select(self, change):
        if change["new"] is not None:
            self._open(change["new"])

    def _open(self, index):
        if index not in self._pages:
            self.page.children = [widgets.HTML("<p class='course-room-hint'>Creando la demostración…</p>")]
            self._pages[index] = self._build(index)
        self.page.children = self._pages[index]

    def _build(self, index):
        chapter, _, name, hint = self.entries[index]
        try:
            # Todas se dibujan para el proyector: figura de 990 px y letra ≥ 20 px (tests/test_sala_proyector.py).
            with projector_mode(ROOM_MODE):
                demo = getattr(self._module, name)()
        except Exception as exc:  # en clase nunca se ve una traza
            return [widgets.HTML(
                f"<p style='color:#b00020'>⚠ No se pudo crear la demostración del capítulo {chapter} "
                f"({html.escape(type(exc).__name__)}: {html.escape(str(exc))}).</p>")]
        self.demos[name] = demo
        demo.in_room = True
        demo.widget.add_class(f"course-room-{name}")
        return [widgets.HTML(f"<p class='course-room-hint'>{html.escape(hint)}</p>"), demo.widget]

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def demo_room(**options):
    """La sala de demostraciones (un botón por capítulo). Ver ``DemoRoom``."""
    return DemoRoom(**options)
