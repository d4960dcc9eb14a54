"""La referencia de course_lib en el sitio web, generada del código (Sphinx autodoc).

Cada sección es un módulo público de course_lib; sus nombres se leen del propio módulo (su
``__all__`` o, si no tiene, las clases y funciones de course_lib que expone sin guion bajo), así
que una capa, pérdida o retrollamada nueva aparece sola. Cada nombre sale una sola vez (en la
primera sección que lo expone), con su firma, su docstring en español y un enlace a su código
(``sphinx.ext.viewcode``). Un nombre público sin docstring detiene la construcción.
"""

import importlib
import inspect

from imagenes import DESCRIPTIONS

# (fichero, título, módulo, entradillas, nombres fijos o None para leerlos del módulo)
SECTIONS = [
    ("modelos", "Modelos y entrenamiento", "course_lib.nn",
     "Cómo se arma un modelo (``Sequential``, ``Model`` con ``Input``), se entrena y se guarda.",
     ["Sequential", "Model", "Input", "load_model", "set_seed", "gradient_check", "to_categorical"]),
    ("capas", "Capas", "course_lib.nn.layers", "Las capas del motor, con la misma firma que en Keras.", None),
    ("activaciones", "Activaciones", "course_lib.nn.activations", "Funciones de activación y sus derivadas.", None),
    ("perdidas", "Pérdidas", "course_lib.nn.losses", "Funciones de pérdida y sus gradientes.", None),
    ("metricas", "Métricas", "course_lib.nn.metrics", "Métricas que se siguen durante el entrenamiento.", None),
    ("optimizadores", "Optimizadores", "course_lib.nn.optimizers", "Reglas de actualización de los pesos.", None),
    ("regularizadores", "Regularizadores", "course_lib.nn.regularizers", "Penalizaciones L1 y L2 de los pesos.", None),
    ("retrollamadas", "Retrollamadas (callbacks)", "course_lib.nn.callbacks",
     "Lo que se ejecuta durante ``fit``: historial, parada temprana…", None),
    ("datos", "Datos", "course_lib.data", "Conjuntos de datos del curso y utilidades para prepararlos.", None),
    ("graficas", "Gráficas", "course_lib.plots", "Las figuras del curso (estilo, fronteras de decisión, curvas).", None),
    ("demostraciones", "Demostraciones", "course_lib.demos",
     "Las demostraciones interactivas (``demos.nombre()`` en un cuaderno).", None),
]
# Figuras de images/ que ilustran una sección (la neurona de Dense, la red de los pingüinos, una CNN).
FIGURES = {"modelos": ["red_pinguinos_4-5-5-3.png"], "capas": ["neurona.png", "capas_cnn.png"]}
MEMBERS = {"Sequential", "Model"}  # sus métodos (compile, fit, evaluate…) también se documentan


def public_names(module, fixed=None):
    """Los nombres públicos de ``module`` que son clases o funciones de course_lib."""
    names = fixed or getattr(module, "__all__", None) or sorted(dir(module))
    chosen = []
    for name in names:
        obj = getattr(module, name, None)
        if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if getattr(obj, "__module__", "").startswith("course_lib"):
            chosen.append(name)
    return chosen


def pages():
    """{fichero: texto MyST} de cada sección y del índice de la referencia; falla si un nombre
    público no tiene docstring."""
    seen, missing, result, toc = set(), [], {}, []
    for filename, title, module_name, intro, fixed in SECTIONS:
        module = importlib.import_module(module_name)
        directives = []
        for name in public_names(module, fixed):
            obj = getattr(module, name)
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if not (obj.__doc__ or "").strip():
                missing.append(f"{module_name}.{name}")
            kind = "autoclass" if inspect.isclass(obj) else "autofunction"
            options = "\n   :members:" if name in MEMBERS else ""
            directives.append(f".. {kind}:: {module_name}.{name}{options}")
        if not directives:
            continue
        toc.append(filename)
        body = "\n\n".join(directives)
        figures = "".join(f"![{DESCRIPTIONS[name]}](../images/{name})\n\n" for name in FIGURES.get(filename, []))
        result[f"{filename}.md"] = (f"# {title}\n\n`{module_name}`: {intro.replace('``', '`')}\n\n{figures}"
                                    f"```{{eval-rst}}\n{body}\n```\n")
    if missing:
        raise SystemExit("Nombres públicos sin docstring (la referencia del sitio los necesita):\n  "
                         + "\n  ".join(missing))
    listing = "\n".join(toc)
    result["index.md"] = (
        "# Referencia de course_lib\n\nCada clase y función pública del paquete del curso, con su firma, "
        "lo que hace (con la fórmula que implementa) y un enlace a su código ([fuente]). Se genera del "
        "propio código al construir el sitio.\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{listing}\n```\n")
    return result
