"""Colab y Binder: la dirección del repositorio en un solo sitio (pyproject.toml), la primera celda
de cada cuaderno (instala el curso solo en Colab) y la configuración de repo2docker."""

import os
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import colab  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_cells_and_badges_follow_the_address_in_pyproject():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "colab.py"), "--comprobar"],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"{result.stdout}\nRegenera con: python scripts/colab.py"


def _first_cell(path):
    """La celda de Colab: tras el título y los objetivos, antes de cualquier otra celda de código, plegada."""
    cells = nbformat.read(path, as_version=4).cells
    marked = [i for i, c in enumerate(cells) if c.metadata.get("curso") == colab.CELL_MARK]
    assert len(marked) == 1, f"{path.name}: regenera con python scripts/colab.py"
    index = marked[0]
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), f"{path.name}: primero, el título"
    assert all(c.cell_type == "markdown" for c in cells[:index]), f"{path.name}: código antes de la celda de Colab"
    assert cells[index].metadata["jupyter"]["source_hidden"] and cells[index].metadata["cellView"] == "form"
    return cells[index].source


def test_the_colab_cell_is_short_and_collapsed():
    for path in NOTEBOOKS:
        source = _first_cell(path)
        assert len(source.splitlines()) <= 10, f"{path.name}: {len(source.splitlines())} líneas"


@pytest.mark.parametrize("path", NOTEBOOKS[:1] + NOTEBOOKS[-1:], ids=lambda p: p.stem)
def test_the_first_cell_does_nothing_outside_colab(path, monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    before = (os.getcwd(), list(sys.path))
    exec(compile(_first_cell(path), path.name, "exec"), {})
    assert calls == [] and (os.getcwd(), sys.path) == before


def test_in_colab_it_clones_the_repository_and_installs_the_course(monkeypatch):
    calls, moves = [], []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda command, **k: calls.append(command))
    monkeypatch.setattr(os, "chdir", moves.append)
    monkeypatch.setattr(os.path, "isdir", lambda p: False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(_first_cell(NOTEBOOKS[0]), "celda", "exec"), {})
    assert calls[0][:2] == ["git", "clone"] and colab.repository_url() in calls[0]
    assert calls[1][1:] == ["-m", "pip", "install", "--quiet", "-e", "/content/curso"]
    assert sys.path[0] == "/content/curso" and moves == ["/content/curso/notebooks"]


def test_repo2docker_reads_the_binder_folder():
    """repo2docker sin motor de contenedores: --no-build escribe el Dockerfile que construiría."""
    pytest.importorskip("repo2docker", reason="repo2docker está en requirements-web.txt")
    result = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--no-run", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "python=3.11" in log  # binder/runtime.txt
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in log
    requirements = (ROOT / "binder" / "requirements.txt").read_text().split()
    assert "../requirements.txt" in requirements and "." in requirements  # versiones fijadas + course_lib
    assert "binder/postBuild" in log  # JupyterLab en español


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_binder_installs_what_the_chapters_execute_with_the_tested_versions():
    """Keras, PyTorch (CPU), las bibliotecas del capítulo 14 y el paquete de idioma, con las versiones
    de las pruebas y de la clase; JupyterLab en español con los ajustes del curso."""
    binder = _pins(ROOT / "binder" / "requirements.txt")
    tested = _pins(ROOT / "requirements-test.txt") | _pins(ROOT / "requirements-clase.txt")
    assert binder.pop("torch") == f"{tested['torch']}+cpu"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in (ROOT / "binder" / "requirements.txt").read_text()
    for name in ["keras", "jupyterlab-language-pack-es-es", "xgboost-cpu", "lightgbm", "nltk", "gensim", "statsmodels"]:
        assert binder.get(name) == tested[name], name
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "jupyter/ajustes/overrides.json" in post_build and os.access(ROOT / "binder" / "postBuild", os.X_OK)
