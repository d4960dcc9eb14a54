"""Ejecuta los cuadernos con otras semillas y dice qué afirmaciones del texto se siguen cumpliendo.

Cada cuaderno define ``SEMILLA`` en su celda con la etiqueta ``parameters``; papermill la cambia.
Las afirmaciones (``course_lib.afirmaciones.afirmar``) se anotan en un archivo en vez de detener
el cuaderno, así que se cuentan todas. Uso::

    python scripts/afirmaciones.py                       # todos los cuadernos, semillas 1 y 2
    python scripts/afirmaciones.py 12 13 --semillas 3 4  # solo esos capítulos

Escribe las copias ejecutadas y los registros en ``build/afirmaciones/`` y termina con código 1
si alguna afirmación no se cumple o algún cuaderno falla (un ``assert`` de una identidad, un error).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
CUADERNOS = RAIZ / "notebooks"
SALIDA = RAIZ / "build" / "afirmaciones"
sys.path.insert(0, str(RAIZ))

from course_lib.afirmaciones import ENV_VARIABLE  # noqa: E402


def cuadernos_elegidos(capitulos):
    todos = sorted(CUADERNOS.glob("[0-9][0-9]_*.ipynb"))
    if not capitulos:
        return todos
    elegidos = [c for c in todos if c.name[:2] in {n.zfill(2) for n in capitulos}]
    if not elegidos:
        sys.exit(f"No hay cuadernos de los capítulos {', '.join(capitulos)} en notebooks/.")
    return elegidos


def tiene_parametro_semilla(cuaderno):
    """¿Tiene el cuaderno una celda con la etiqueta ``parameters`` que define ``SEMILLA``?"""
    celdas = json.loads(cuaderno.read_text(encoding="utf-8"))["cells"]
    return any("parameters" in c.get("metadata", {}).get("tags", []) and "SEMILLA" in "".join(c["source"])
               for c in celdas)


def ejecutar(cuaderno, semilla, tiempo_maximo):
    """Ejecuta un cuaderno con ``SEMILLA = semilla``; devuelve (afirmaciones, error, segundos)."""
    if not tiene_parametro_semilla(cuaderno):
        return [], "no tiene una celda con la etiqueta «parameters» que defina SEMILLA", 0.0
    nombre = f"{cuaderno.stem}_semilla{semilla}"
    registro = SALIDA / f"{nombre}.jsonl"
    registro.unlink(missing_ok=True)
    entorno = {**os.environ, ENV_VARIABLE: str(registro), "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1", "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "torch")}
    orden = [sys.executable, "-m", "papermill", str(cuaderno), str(SALIDA / f"{nombre}.ipynb"),
             "-p", "SEMILLA", str(semilla), "--cwd", str(CUADERNOS), "-k", "python3",
             "--no-progress-bar", "--execution-timeout", str(tiempo_maximo)]
    inicio = time.perf_counter()
    proceso = subprocess.run(orden, env=entorno, capture_output=True, text=True)
    segundos = time.perf_counter() - inicio
    afirmaciones = []
    if registro.exists():
        afirmaciones = [json.loads(linea) for linea in registro.read_text(encoding="utf-8").splitlines() if linea]
    error = ""
    if proceso.returncode != 0:
        lineas = [l for l in proceso.stderr.splitlines() if l.strip()]
        utiles = [l for l in lineas if "Error" in l or "error" in l] or lineas
        error = utiles[-1][:300] if utiles else f"papermill terminó con código {proceso.returncode}"
    return afirmaciones, error, segundos


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capitulos", nargs="*", help="números de capítulo (por defecto, todos)")
    parser.add_argument("--semillas", nargs="+", type=int, default=[1, 2])
    parser.add_argument("-j", "--trabajos", type=int, default=2, help="cuadernos a la vez (2 núcleos: 2)")
    parser.add_argument("--tiempo-maximo", type=int, default=600, help="segundos por celda")
    args = parser.parse_args()

    SALIDA.mkdir(parents=True, exist_ok=True)
    trabajos = [(c, s) for c in cuadernos_elegidos(args.capitulos) for s in args.semillas]
    print(f"Ejecutando {len(trabajos)} cuadernos ({', '.join(map(str, args.semillas))} como SEMILLA), "
          f"{args.trabajos} a la vez…", flush=True)
    with ThreadPoolExecutor(args.trabajos) as grupo:
        futuros = {trabajo: grupo.submit(ejecutar, *trabajo, args.tiempo_maximo) for trabajo in trabajos}
        resultados = {}
        for trabajo, futuro in futuros.items():
            resultados[trabajo] = futuro.result()
            afirmaciones, error, segundos = resultados[trabajo]
            cumplidas = sum(a["cumplida"] for a in afirmaciones)
            estado = "ERROR" if error else ("bien" if cumplidas == len(afirmaciones) else "FALLA")
            print(f"  {trabajo[0].stem} con SEMILLA = {trabajo[1]}: {cumplidas}/{len(afirmaciones)} "
                  f"afirmaciones, {segundos:.0f} s, {estado}", flush=True)

    print("\n| cuaderno | " + " | ".join(f"SEMILLA = {s}" for s in args.semillas) + " |")
    print("|---|" + "---|" * len(args.semillas))
    fallos = []
    for cuaderno in cuadernos_elegidos(args.capitulos):
        celdas = []
        for semilla in args.semillas:
            afirmaciones, error, _ = resultados[(cuaderno, semilla)]
            cumplidas = sum(a["cumplida"] for a in afirmaciones)
            celda = f"{cumplidas}/{len(afirmaciones)}"
            if error:
                celda += " y un error"
                fallos.append(f"{cuaderno.stem}, SEMILLA = {semilla}: el cuaderno se detuvo: {error}")
            for a in afirmaciones:
                if not a["cumplida"]:
                    detalle = f" (medido: {a['detalle']})" if a["detalle"] else ""
                    fallos.append(f"{cuaderno.stem}, SEMILLA = {semilla}: no se cumple «{a['afirmacion']}»{detalle}")
            celdas.append(celda)
        print(f"| {cuaderno.stem} | " + " | ".join(celdas) + " |")
    if fallos:
        print("\nNo se cumplen:")
        for fallo in fallos:
            print(" -", fallo)
        return 1
    total = sum(len(r[0]) for r in resultados.values())
    print(f"\nTodas las afirmaciones se cumplen ({total} comprobaciones).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
