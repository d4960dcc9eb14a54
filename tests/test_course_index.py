"""El índice (notebooks/README.md) y la tabla de capítulos del README cubren todos los capítulos.

Un estudiante llega a cada cuaderno desde el índice: cada cuaderno debe estar enlazado, cada enlace
debe llevar a un cuaderno que existe y ningún capítulo puede quedar «en preparación».
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
INDEX = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
CHAPTERS = [p.name[:2] for p in NOTEBOOKS]   # 00–15 y los de más allá de los apuntes que existan


def _index_links():
    return re.findall(r"^\| (\d\d) \| \[[^]]+\]\(([^)]+\.ipynb)\) \|", INDEX, flags=re.M)


def _readme_rows():
    return re.findall(r"^\| (\d\d) \| `(\d\d_\w+)` \|", README, flags=re.M)


def test_nothing_is_left_in_preparation():
    assert "en preparación" not in INDEX.lower()
    assert "en preparación" not in README.lower()


def test_index_lists_every_chapter_in_order():
    assert CHAPTERS[:16] == [f"{i:02d}" for i in range(16)]
    assert [number for number, _ in _index_links()] == CHAPTERS


def test_index_links_every_notebook_and_only_real_ones():
    links = {target for _, target in _index_links()}
    assert {p.name for p in NOTEBOOKS} <= links, "hay cuadernos sin enlace en el índice"
    assert links <= {p.name for p in NOTEBOOKS}, f"enlaces a cuadernos que no existen: {sorted(links - {p.name for p in NOTEBOOKS})}"


def test_readme_table_names_each_chapter_and_its_notebook():
    rows = _readme_rows()
    assert [number for number, _ in rows] == CHAPTERS
    assert all(stem.startswith(number + "_") for number, stem in rows)
    assert {stem for _, stem in rows} == {number + "_" + target.split("_", 1)[1].removesuffix(".ipynb")
                                         for number, target in _index_links()}, "el README y el índice no coinciden"
