"""La tabla de «Cuántos estudiantes caben» sale de las medidas guardadas, no de una cifra escrita a mano."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("dimensionado", ROOT / "benchmarks" / "dimensionado.py")
dimensionado = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dimensionado)


def test_stored_measurements_say_where_when_and_with_what():
    runs, chapters = dimensionado.load()
    assert runs, "no hay medidas guardadas en benchmarks/resultados/ (make benchmark-clase)"
    for run in runs + ([chapters] if chapters else []):
        assert run["date"] and run["machine"]["cores"] >= 1 and run["machine"]["memory_gib"] > 0
        assert run["machine"]["cpu"] and len(run["machine"]["load_average"]) == 3
        assert run["versions"]["python"] and run["versions"]["jupyterhub"]
    assert chapters, "falta benchmarks/resultados/memoria-capitulos.json (make memoria-capitulos)"
    measured = {row["notebook"] for row in chapters["rows"]}
    assert {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")} <= measured, \
        "hay capítulos sin su pico de memoria medido: make memoria-capitulos"


def test_the_guide_table_is_computed_from_the_stored_measurements():
    assert dimensionado.update_docs(check=True), (
        "docs/despliegue.md no coincide con benchmarks/resultados/: python benchmarks/dimensionado.py")


def test_the_limit_covers_the_hungriest_chapter():
    runs, chapters = dimensionado.load()
    numbers = dimensionado.rule(runs, chapters)
    worst = max(row["kernel_peak_mib"] for row in chapters["rows"]) / 1024
    assert numbers["limit_gib"] >= worst + numbers["server_gib"]
    assert numbers["guarantee_gib"] * 1024 >= max(row["memory_mib"] for run in runs for row in run["rows"])


def test_the_rule_counts_students_per_core_from_fluid_rounds(tmp_path, monkeypatch):
    """Con medidas inventadas: 4 estudiantes en 2 núcleos fluidos (p95 ≤ 250 ms) y 8 no → 2 por núcleo."""
    run = {"date": "2026-01-01", "machine": {"cores": 2}, "rows": [
        {"n": 4, "update_p95_ms": 200, "memory_mib": 700, "server_mib": 100, "kernel_peak_mib": 600},
        {"n": 8, "update_p95_ms": 400, "memory_mib": 650, "server_mib": 100, "kernel_peak_mib": 600}]}
    chapters = {"rows": [{"notebook": "10_x.ipynb", "kernel_peak_mib": 1200}]}  # (1200 + 100) · 1,1 → 1,5 GiB
    numbers = dimensionado.rule([run], chapters)
    assert numbers["per_core"] == 2 and numbers["guarantee_gib"] == 0.75 and numbers["limit_gib"] == 1.5
    active, cores, memory = dimensionado.class_row(100, numbers)
    assert (active, cores, memory) == (50, 25, 79)  # memoria: máx(100 · 0,75; 50 · 1,5) + 4 GiB


def test_the_guide_configuration_uses_the_computed_memory():
    """Los valores de memoria de TLJH y de Zero to JupyterHub en la guía son los de la regla."""
    runs, chapters = dimensionado.load()
    numbers = dimensionado.rule(runs, chapters)
    text = dimensionado.DOCS.read_text(encoding="utf-8")
    limit = numbers["limit_gib"]
    assert f"tljh-config set limits.memory {limit:g}G" in text
    assert f"guarantee: {int(numbers['guarantee_gib'] * 1024)}M" in text
    assert f"limit: {int(limit * 1024)}M" in text
