"""El código fuente de una función del curso con lo que usa de su módulo, listo para otro sitio.

Sirve para dos cosas: copiar la solución de referencia en la celda de solución de una tarea de
nbgrader (:mod:`.assignments`) y llevar a la edición de aula las comprobaciones que no usan
ninguna solución (:mod:`.release`). El código resultante funciona fuera del paquete: los
``import`` relativos pasan a absolutos y lo que la función usa de su módulo (funciones
auxiliares, constantes, módulos, funciones y clases importadas) se copia o se importa.
"""

import ast
import dis
import importlib.util
import inspect
import sys
import textwrap
import types

import numpy as np


class Forbidden(Exception):
    """La función usa un objeto que no debe copiarse (por ejemplo, una solución de referencia)."""


def literal(value):
    """Código Python que vale ``value`` (para las soluciones y constantes que son un valor)."""
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, np.generic):
        return repr(value.item())
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = ", ".join(literal(v) for v in value)
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    return repr(value)


def _global_names(code):
    """Los nombres globales que lee el código (y sus funciones internas); no los atributos (``x.__name__``)."""
    names = {ins.argval for ins in dis.get_instructions(code) if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def absolute_imports(source, package):
    """El código con cada ``from .. import x`` cambiado por su forma absoluta (``from course_lib import x``).

    En una celda de un cuaderno no hay paquete, así que un import relativo fallaría.
    """
    lines = source.splitlines()
    for node in sorted(ast.walk(ast.parse(source)), key=lambda n: -getattr(n, "lineno", 0)):
        if isinstance(node, ast.ImportFrom) and node.level:
            module = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
            lines[node.lineno - 1:node.end_lineno] = [f"{' ' * node.col_offset}from {module} import {names}"]
    return "\n".join(lines)


class Collector:
    """Reúne el código de varias funciones de un módulo sin repetir lo que comparten.

    ``forbidden``: ids de objetos que no deben copiarse; si una función los usa, :class:`Forbidden`.
    """

    def __init__(self, forbidden=()):
        self.forbidden = set(forbidden)
        self.seen = set()
        self.imports, self.constants, self.functions = [], [], []

    def add(self, function):
        self.seen.add(function.__name__)
        self._collect(function)
        return self

    def source(self):
        """Primero todos los import, luego las constantes y al final las funciones.

        Una constante puede usar un módulo (``np.array(...)``) y, dentro de otra función, un nombre
        que se asigna después de usarse sería una variable local sin valor.
        """
        parts = ["\n".join(self.imports), "\n".join(self.constants), "\n\n\n".join(self.functions)]
        return "\n\n".join(part for part in parts if part)

    def _import(self, line):
        if line not in self.imports:
            self.imports.append(line)

    def _collect(self, function):
        for name in sorted(_global_names(function.__code__)):
            if name in self.seen or name not in function.__globals__:
                continue
            value = function.__globals__[name]
            if id(value) in self.forbidden:
                raise Forbidden(f"{function.__name__} usa {name}")
            self.seen.add(name)
            if isinstance(value, types.ModuleType):
                alias = "" if value.__name__ == name else f" as {name}"
                self._import(f"import {value.__name__}{alias}")
            elif isinstance(value, types.FunctionType) and value.__module__ == function.__module__:
                self._collect(value)
            elif isinstance(value, (types.FunctionType, type)) and value.__module__ in sys.modules:
                real = value.__name__
                if getattr(sys.modules[value.__module__], real, None) is not value:
                    raise Forbidden(f"no sé importar {name} de {value.__module__}")
                self._import(f"from {value.__module__} import {real}" + (f" as {name}" if real != name else ""))
            elif isinstance(value, (int, float, str, tuple, list, dict, np.ndarray, np.generic)):
                self.constants.append(f"{name} = {literal(value)}")
                if isinstance(value, (np.ndarray, np.generic)) and "np" not in self.seen:
                    self.seen.add("np")
                    self._import("import numpy as np")
        package = function.__module__.rpartition(".")[0]
        self.functions.append(absolute_imports(textwrap.dedent(inspect.getsource(function)).rstrip(), package))


def reference_source(function):
    """El código de una solución y de lo que usa de su módulo (import, constantes, funciones auxiliares)."""
    return Collector().add(function).source()
