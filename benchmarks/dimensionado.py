"""Qué máquina hace falta para una clase, calculado de las medidas guardadas en ``benchmarks/resultados/``.

Lee todas las medidas de ``benchmarks/clase.py`` (``clase-*.json``: una clase simulada con N
estudiantes a la vez) y la de la memoria de cada capítulo (``memoria-capitulos.json``), y escribe en
``docs/despliegue.md``, entre las marcas ``<!-- dimensionado -->`` y ``<!-- fin del dimensionado -->``,
las tablas medidas y la regla que sale de ellas. ``clase.py`` lo llama después de cada medida; a
mano::

    python benchmarks/dimensionado.py            # rehace la tabla de docs/despliegue.md
    python benchmarks/dimensionado.py --comprobar   # falla si la tabla no sale de las medidas guardadas

La regla (cada paso dice qué es medida y qué es supuesto):

- **memoria garantizada** por estudiante: la mayor memoria medida por estudiante (servidor y
  núcleo, PSS) con un capítulo y su demostración, redondeada hacia arriba a 0,25 GiB;
- **límite** por estudiante: el mayor pico de un núcleo en todos los capítulos (medido, VmHWM) más el
  servidor (medido), con un 10 % de margen, redondeado hacia arriba a 0,5 GiB: ningún capítulo se
  queda sin memoria;
- **núcleos**: cuántos estudiantes calculando a la vez por núcleo mantienen el p95 de la demo por
  debajo de 250 ms (medido); con la **mitad de la clase calculando a la vez** (supuesto, no medido);
- **memoria de la máquina**: la garantizada por cada estudiante más 4 GiB para el sistema y el hub
  (supuesto), y al menos lo que necesitan los que calculan a la vez con su límite.
"""

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "resultados"
DOCS = ROOT / "docs" / "despliegue.md"
START = "<!-- dimensionado: generado por benchmarks/dimensionado.py a partir de benchmarks/resultados/ -->"
END = "<!-- fin del dimensionado -->"
FLUID_P95_MS = 250          # por debajo, mover un deslizador se percibe inmediato
ACTIVE_FRACTION = 0.5       # supuesto: en el peor momento, la mitad de la clase calcula a la vez
SYSTEM_GIB = 4              # supuesto: sistema operativo, hub y proxy
LIMIT_MARGIN = 0.10         # el pico medido varía de una ejecución a otra: un 10 % de margen
CLASS_SIZES = (30, 100, 300)


def fmt(value, digits=1):
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def load():
    """(medidas de clase, memoria por capítulo o None), leídas de ``benchmarks/resultados/``."""
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RESULTS.glob("clase-*.json"))]
    runs = [r for r in runs if r.get("rows")]
    chapters = RESULTS / "memoria-capitulos.json"
    return runs, json.loads(chapters.read_text(encoding="utf-8")) if chapters.exists() else None


def _ceil_to(value, step):
    return math.ceil(value / step - 1e-9) * step


def rule(runs, chapters):
    """Los números de la regla, cada uno con su origen."""
    rows = [row for run in runs for row in run["rows"]]
    per_student_gib = max(row["memory_mib"] for row in rows) / 1024
    server_gib = max(row.get("server_mib", 0) for row in rows) / 1024
    chapter_peak = max(chapters["rows"], key=lambda r: r["kernel_peak_mib"]) if chapters else None
    kernel_peak_gib = (chapter_peak["kernel_peak_mib"] if chapter_peak else max(r["kernel_peak_mib"] for r in rows)) / 1024
    fluid = [row["n"] / run["machine"]["cores"] for run in runs for row in run["rows"]
             if row["update_p95_ms"] <= FLUID_P95_MS]
    per_core = max(fluid) if fluid else min(row["n"] / run["machine"]["cores"] for run in runs for row in run["rows"])
    return {
        "guarantee_gib": _ceil_to(per_student_gib, 0.25),
        "limit_gib": _ceil_to((kernel_peak_gib + server_gib) * (1 + LIMIT_MARGIN), 0.5),
        "per_student_gib": per_student_gib,
        "server_gib": server_gib,
        "kernel_peak_gib": kernel_peak_gib,
        "peak_chapter": chapter_peak["notebook"] if chapter_peak else None,
        "per_core": per_core,
        "max_measured": max(row["n"] for row in rows),
    }


def class_row(size, numbers):
    active = math.ceil(size * ACTIVE_FRACTION)
    cores = max(2, math.ceil(active / numbers["per_core"]))
    memory = max(size * numbers["guarantee_gib"], active * numbers["limit_gib"]) + SYSTEM_GIB
    return active, cores, math.ceil(memory)


def render(runs, chapters):
    """El bloque de docs/despliegue.md: medidas, regla y tabla por tamaño de clase."""
    if not runs:
        return [START, "", "Aún no hay medidas guardadas: `make benchmark-clase`.", "", END]
    lines = [START, "", "**Medido** (cada fila, un fichero de `benchmarks/resultados/`; mediana de los estudiantes,",
             "entre paréntesis el más lento; memoria por estudiante: PSS de su servidor y su núcleo; pico: el",
             "mayor VmHWM de un núcleo):", "",
             "| fecha | máquina (carga media) | N a la vez | servidor listo | capítulo entero | demo p50 / p95 "
             "| memoria por estudiante | pico del núcleo |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for run in runs:
        machine = run["machine"]
        where = f"{machine['cores']} núcleos, {fmt(machine['memory_gib'], 0)} GiB ({fmt(machine['load_average'][0])})"
        for row in run["rows"]:
            lines.append(
                f"| {run['date'][:10]} | {where} | {row['n']} | {fmt(row['ready_s'])} s ({fmt(row['ready_max_s'])}) "
                f"| {fmt(row['notebook_s'])} s ({fmt(row['notebook_max_s'])}) "
                f"| {fmt(row['update_p50_ms'], 0)} / {fmt(row['update_p95_ms'], 0)} ms "
                f"| {fmt(row['memory_mib'], 0)} MiB | {fmt(row['kernel_peak_mib'], 0)} MiB |")
    versions = runs[-1]["versions"]
    student = f" (el de los estudiantes, {versions['python_estudiante']})" if versions.get("python_estudiante") else ""
    lines += ["", f"Versiones de la última medida: Python {versions['python']}{student}, JupyterHub {versions['jupyterhub']}, "
                  f"JupyterLab {versions['jupyterlab']}, NumPy {versions['numpy']} (curso en {versions['curso']}). "
                  f"Capítulo ejecutado: `{runs[-1]['chapter']}`, demostración `{runs[-1]['demo']}`."]
    if chapters:
        frameworks = [f"{name} {chapters['versions'][key]}" for key, name in (("torch", "PyTorch"), ("keras", "Keras"))
                      if chapters["versions"].get(key)]
        with_frameworks = (f", con {' y '.join(frameworks)} (sus celdas se ejecutan: el caso que más memoria pide)"
                           if frameworks else "")
        lines += ["", f"**Pico de memoria del núcleo de cada capítulo** (medido el {chapters['date'][:10]}, el "
                      f"cuaderno entero con el entorno del estudiante{with_frameworks}; VmHWM):", "",
                  "| capítulo | pico del núcleo | tiempo |", "|---|---:|---:|"]
        for row in chapters["rows"]:
            lines.append(f"| `{row['notebook']}` | {fmt(row['kernel_peak_mib'], 0)} MiB | {fmt(row['seconds'])} s |")
    numbers = rule(runs, chapters)
    peak_source = (f"el del capítulo `{numbers['peak_chapter']}`" if numbers["peak_chapter"]
                   else "el mayor de la clase simulada (falta `make memoria-capitulos`)")
    lines += [
        "", "**La regla** (medido: memoria, picos, estudiantes por núcleo; supuesto: cuántos calculan a la vez):", "",
        f"- **Memoria garantizada por estudiante: {fmt(numbers['guarantee_gib'], 2)} GiB** (medido: hasta "
        f"{fmt(numbers['per_student_gib'] * 1024, 0)} MiB por estudiante con un capítulo y su demo).",
        f"- **Límite por estudiante: {fmt(numbers['limit_gib'], 1)} GiB** (medido: el mayor pico de un núcleo, "
        f"{fmt(numbers['kernel_peak_gib'] * 1024, 0)} MiB, {peak_source}, más el servidor, "
        f"{fmt(numbers['server_gib'] * 1024, 0)} MiB, y un {int(LIMIT_MARGIN * 100)} % de margen).",
        f"- **Estudiantes calculando a la vez por núcleo: {fmt(numbers['per_core'], 1)}** (medido: el mayor N/núcleos "
        f"con la demo por debajo de {FLUID_P95_MS} ms en el 95 % de los movimientos).",
        f"- **Supuesto:** en el peor momento («ejecutad ahora la demo») calcula a la vez el "
        f"{int(ACTIVE_FRACTION * 100)} % de la clase; {SYSTEM_GIB} GiB para el sistema y el hub.",
        "", f"| clase | calculando a la vez | núcleos | memoria | qué es |", "|---:|---:|---:|---:|---|"]
    for size in CLASS_SIZES:
        active, cores, memory = class_row(size, numbers)
        kind = ("medido" if active <= numbers["max_measured"] else
                f"extrapolado (medido hasta {numbers['max_measured']} a la vez)")
        lines.append(f"| {size} | {active} | {cores} | {memory} GiB | {kind} |")
    lines += ["", "Para la configuración: `tljh-config set limits.memory "
                  f"{numbers['limit_gib']:g}G` (TLJH); en Zero to JupyterHub, "
                  f"`singleuser.memory.guarantee: {int(numbers['guarantee_gib'] * 1024)}M` y "
                  f"`singleuser.memory.limit: {int(numbers['limit_gib'] * 1024)}M`.", "", END]
    return lines


def update_docs(check=False):
    """Rehace el bloque de docs/despliegue.md (o, con ``check``, dice si está al día)."""
    text = DOCS.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"docs/despliegue.md no tiene las marcas del dimensionado ({START} … {END}).")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    new = before + "\n".join(render(*load())) + after
    if check:
        return new == text
    DOCS.write_text(new, encoding="utf-8")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description="Dimensionado de la clase a partir de las medidas guardadas.")
    parser.add_argument("--comprobar", action="store_true", help="fallar si docs/despliegue.md no está al día")
    args = parser.parse_args(argv)
    if args.comprobar:
        if not update_docs(check=True):
            sys.exit("La tabla de docs/despliegue.md no sale de benchmarks/resultados/: python benchmarks/dimensionado.py")
        print("docs/despliegue.md está al día con benchmarks/resultados/.")
        return
    update_docs()
    print("docs/despliegue.md rehecho a partir de benchmarks/resultados/.")


if __name__ == "__main__":
    main()
