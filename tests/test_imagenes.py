"""images/: toda imagen citada en el repositorio existe, y scripts/imagenes.py las genera tal
cual están guardadas (si no, se regeneran con ``make imagenes``)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
SKIP_DIRS = {".git", ".venv", "build", "node_modules", "__pycache__", ".ipynb_checkpoints"}
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
HTML_IMAGE = re.compile(r"<img[^>]*\bsrc=[\"']([^\"']+)")
REPO_IMAGE = re.compile(r"[\"'(]((?:\.\./)*images/[\w.-]+\.(?:png|svg|jpe?g|gif))")


def _files():
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIP_DIRS]  # sin entrar en .venv ni build
        for name in names:
            if Path(name).suffix in {".md", ".ipynb", ".py", ".html", ".rst", ".txt", ".toml"}:
                yield Path(folder) / name


def _references():
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (MARKDOWN_IMAGE, HTML_IMAGE, REPO_IMAGE):
            for target in pattern.findall(text):
                target = target.replace("\\/", "/")
                if re.match(r"^[a-z]+:|^//|^#", target) or "{" in target:
                    continue  # web, data:, o una ruta que se compone en el código
                yield path, target


def test_every_image_referenced_in_the_repository_exists():
    missing = []
    found = 0
    for path, target in _references():
        found += 1
        candidates = [(path.parent / target).resolve(), (ROOT / target.lstrip("./")).resolve()]
        if not any(c.exists() for c in candidates):
            missing.append(f"{path.relative_to(ROOT)} → {target}")
    assert found >= 2, "no se encontró ninguna referencia a imágenes (¿falla la búsqueda?)"
    assert not missing, "imágenes citadas que no existen:\n" + "\n".join(missing)


def test_every_image_has_a_description_and_is_listed():
    from imagenes import DESCRIPTIONS

    on_disk = {p.name for p in (ROOT / "images").glob("*.png")}
    assert on_disk == set(DESCRIPTIONS), f"sobran o faltan: {on_disk ^ set(DESCRIPTIONS)} (make imagenes)"
    assert {f"capitulo_{i:02d}.png" for i in range(19)} <= on_disk  # 00–18: todos los capítulos
    listing = (ROOT / "images" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in listing for name in DESCRIPTIONS)


def test_the_script_regenerates_the_committed_images(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "imagenes.py"), "--salida", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for committed in (ROOT / "images").glob("*.png"):
        fresh = tmp_path / committed.name
        assert fresh.exists(), committed.name
        if fresh.read_bytes() != committed.read_bytes():
            pytest.fail(f"images/{committed.name} no corresponde al script: regenera con «make imagenes»")
