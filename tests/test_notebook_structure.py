"""Cada cuaderno sigue la plantilla del curso y se guarda sin salidas.

La ejecución de los cuadernos la prueba nbval; aquí se comprueba su forma: que un estudiante
encuentre siempre objetivos, requisitos, tiempo, demostración, ejercicios corregibles, resumen y
referencias, y que los ejercicios citados existan en course_lib.exercises.
"""

import re
from pathlib import Path

import nbformat
import pytest

from course_lib.checks import chapter_exercises

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REQUIRED_HEADINGS = ["Objetivos", "Requisitos previos", "Ejercicios", "Resumen", "Para saber más"]


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def _markdown(path):
    return "\n".join(c.source for c in _cells(path) if c.cell_type == "markdown")


def _code(path):
    return "\n".join(c.source for c in _cells(path) if c.cell_type == "code")


def test_the_chapters_exist():
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers[:16] == [f"{i:02d}" for i in range(16)]        # 00–15: los de los apuntes, todos
    assert set(numbers[16:]) <= {"16", "17", "18"}                # más allá de los apuntes (DESIGN.md)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_saved_without_outputs(path):
    for cell in _cells(path):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: celda con salidas"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_course_template(path):
    markdown = _markdown(path)
    assert markdown.lstrip().startswith(f"# {path.name[:2]}"), "el título debe empezar por «# NN»"
    headings = re.findall(r"^#{2,3}\s+(.+)$", markdown, flags=re.M)
    for required in REQUIRED_HEADINGS:
        assert any(h.strip().startswith(required) for h in headings), f"{path.name}: falta «{required}»"
    assert "Tiempo estimado" in markdown
    assert "Prueba a" in markdown, f"{path.name}: la demostración debe decir qué probar"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_a_demo_and_three_checked_exercises(path):
    code = _code(path)
    chapter = path.name[:2]
    assert re.search(r"demos\.\w+\(|interactive\(|interact\(", code), f"{path.name}: sin demostración"
    checked = set(re.findall(r'check\("(\d\d\.\d+)"', code))
    assert len(checked) >= 3, f"{path.name}: se esperaban al menos 3 ejercicios; hay {sorted(checked)}"
    defined = chapter_exercises(chapter)
    assert checked <= set(defined), f"{path.name}: ejercicios sin definir: {sorted(checked - set(defined))}"
    assert all(exercise_id.startswith(chapter + ".") for exercise_id in checked)
