"""Todo el azar de un cuaderno sale de su parámetro SEMILLA (papermill), y las afirmaciones se comprueban.

Cada cuaderno tiene una sola celda con la etiqueta ``parameters`` que define ``SEMILLA = 0``, justo después
de la celda de preparación (los ``import``), y ninguna semilla escrita a mano en su código: así
``make afirmaciones`` puede ejecutarlo con otra semilla y comprobar que lo que dice el texto sigue siendo
cierto. Vale para todos los capítulos, también los que se añadan.
"""

import re
from pathlib import Path

import nbformat
import pytest

RAIZ = Path(__file__).resolve().parent.parent
CUADERNOS = sorted((RAIZ / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SEMILLA_A_MANO = re.compile(
    r"default_rng\(\s*\d|set_seed\(\s*\d|manual_seed\(\s*\d|set_random_seed\(\s*\d|random_state\s*=\s*\d"
    r"|\bseed\s*=\s*\d|\bsemilla\s*=\s*\d|np\.random\.(seed|rand|randn|randint|normal|uniform|choice|shuffle)\("
)


def _celdas_de_codigo(cuaderno):
    return [c for c in nbformat.read(cuaderno, as_version=4).cells if c.cell_type == "code"]


def test_los_capitulos_estan_todos():
    numeros = [int(c.name[:2]) for c in CUADERNOS]
    assert numeros[:16] == list(range(16)), "faltan capítulos de 00–15"
    assert set(numeros[16:]) <= {16, 17, 18}, "más allá de los apuntes solo están 16–18 (DESIGN.md)"



@pytest.mark.parametrize("cuaderno", CUADERNOS, ids=lambda c: c.stem)
def test_una_celda_parameters_con_la_semilla_tras_la_preparacion(cuaderno):
    celdas = [c for c in _celdas_de_codigo(cuaderno) if "google.colab" not in c.source]
    parametros = [i for i, c in enumerate(celdas) if "parameters" in c.metadata.get("tags", [])]
    assert len(parametros) == 1, f"{cuaderno.name}: debe haber exactamente una celda «parameters»"
    i = parametros[0]
    lineas = [l.strip() for l in celdas[i].source.strip().splitlines()]
    codigo = [l for l in lineas if not l.startswith("#")]
    assert len(codigo) == 1 and re.fullmatch(r"SEMILLA = 0(\s+# .+)?", codigo[0]) and len(lineas) <= 3, (
        f"{cuaderno.name}: la celda «parameters» debe ser `SEMILLA = 0` con un comentario breve que diga qué controla")
    assert "#" in celdas[i].source, f"{cuaderno.name}: la celda «parameters» dice en un comentario qué controla"
    assert i == 1 and re.search(r"^(import|from)\s", celdas[0].source, flags=re.M), (
        f"{cuaderno.name}: la celda «parameters» va justo después de la de preparación (los import)")
    assert not re.search(r"\bSEMILLA\b", celdas[0].source), "la preparación no puede usar SEMILLA: aún no existe"


@pytest.mark.parametrize("cuaderno", CUADERNOS, ids=lambda c: c.stem)
def test_ninguna_semilla_escrita_a_mano(cuaderno):
    for celda in _celdas_de_codigo(cuaderno):
        for linea in celda.source.splitlines():
            codigo = linea.split("#")[0]
            encontrada = SEMILLA_A_MANO.search(codigo)
            # Una semilla derivada de SEMILLA (semilla=1000 + 10 * SEMILLA + k) no está escrita a mano.
            assert not encontrada or "SEMILLA" in codigo[encontrada.start():], (
                f"{cuaderno.name}: semilla escrita a mano (debe salir de SEMILLA): {linea.strip()}")


@pytest.mark.parametrize("cuaderno", CUADERNOS, ids=lambda c: c.stem)
def test_pista_y_afirmar_importadas(cuaderno):
    codigo = "\n".join(c.source for c in _celdas_de_codigo(cuaderno))
    preparacion = next(c.source for c in _celdas_de_codigo(cuaderno)
                       if re.search(r"^from course_lib\.checks import", c.source, flags=re.M))
    assert re.search(r"^from course_lib\.checks import .*\bpista\b", preparacion, flags=re.M)
    texto = "\n".join(c.source for c in nbformat.read(cuaderno, as_version=4).cells)
    assert not re.search(r"\bhint\(", texto), f"{cuaderno.name}: usa pista(…), no hint(…), en el código y en el texto"
    if "afirmar(" in codigo:
        assert "from course_lib.afirmaciones import afirmar" in preparacion


def test_las_diapositivas_omiten_la_semilla():
    import importlib.util

    spec = importlib.util.spec_from_file_location("diapositivas", RAIZ / "scripts" / "diapositivas.py")
    diapositivas = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(diapositivas)
    parametros = nbformat.v4.new_code_cell("SEMILLA = 0  # semilla")
    parametros.metadata["tags"] = ["parameters"]
    cuaderno = [nbformat.v4.new_markdown_cell("# 99 · Título"), parametros,
                nbformat.v4.new_code_cell("rng = np.random.default_rng(SEMILLA)   # azar\nnn.set_seed(SEMILLA)"),
                nbformat.v4.new_code_cell("x = rng.normal()")]
    assert diapositivas.slide_types(cuaderno) == ["slide", "skip", "skip", "-"]
