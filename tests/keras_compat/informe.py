"""Informe de la prueba de compatibilidad con Keras, sin pytest.

    .venv/bin/python tests/keras_compat/informe.py              # cuenta y lista de lo que falta
    .venv/bin/python tests/keras_compat/informe.py -k capas     # solo los fragmentos que contienen «capas»
    .venv/bin/python tests/keras_compat/informe.py -v           # además, el motivo de cada fallo
    .venv/bin/python tests/keras_compat/informe.py --escribir   # rehace pendientes.txt con lo que falta

Ejecuta cada fragmento en Keras 3 (sobre PyTorch; KERAS_BACKEND=torch si no se eligió otro) y en
course_lib, compara y escribe el recuento: cuántos funcionan en Keras, cuántos en course_lib y la
lista de los que faltan. Los seis programas completos se ejecutan aquí solo con course_lib (en
Keras los ejecuta la prueba de pytest, test_compat_programas.py); ``--sin-programas`` los omite.
"""

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("KERAS_BACKEND", "torch")

import arnes  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="filtro", default="", help="solo los fragmentos cuyo identificador contiene esto")
    parser.add_argument("-v", dest="detalle", action="store_true", help="escribe el motivo de cada fallo")
    parser.add_argument("--escribir", action="store_true", help="rehace pendientes.txt")
    parser.add_argument("--sin-programas", action="store_true", help="no ejecuta los programas completos")
    args = parser.parse_args(argv)

    fragmentos = [f for f in arnes.cargar_fragmentos().values() if args.filtro in f.id]
    keras = arnes.cargar_keras()
    course_lib = arnes.cargar_course_lib()
    pendientes = arnes.leer_pendientes()
    en_keras = en_course_lib = 0
    faltan, fallan_en_keras = [], []
    inicio = time.perf_counter()
    for frag in fragmentos:
        rk = arnes.ejecutar(frag, keras) if keras is not None else None
        if rk is not None and rk.error is None:
            en_keras += 1
        elif rk is not None:
            fallan_en_keras.append((frag, rk.error))
        rc = arnes.ejecutar(frag, course_lib)
        difs = [] if rc.error or rk is None or rk.error else arnes.comparar(frag, rk, rc)
        if rc.error is None and not difs:
            en_course_lib += 1
        else:
            faltan.append((frag, rc.error or "; ".join(difs[:3])))
    segundos = time.perf_counter() - inicio

    print(f"Compatibilidad con Keras: {len(fragmentos)} fragmentos; funcionan en Keras 3: "
          f"{en_keras if keras else 'sin Keras'}; en course_lib: {en_course_lib} ({segundos:.1f} s).")
    programas_que_faltan = []
    if args.sin_programas:
        programas_que_faltan = [(None, i) for i in pendientes if i.startswith("programas.")]
    elif not args.filtro or "programas" in args.filtro:
        programas_que_faltan = programas_en_course_lib(course_lib)
        print(f"Programas completos en course_lib: {6 - len(programas_que_faltan)} de 6.")
        for motivo, ident in programas_que_faltan:
            print(f"  {ident}" + (f" — {motivo}" if args.detalle else ""))
    for frag, error in fallan_en_keras:
        print(f"  FALLA EN KERAS {frag.id}: {error}")
    if faltan:
        print(f"Faltan en course_lib ({len(faltan)}):")
        for frag, motivo in faltan:
            marca = "" if frag.id in pendientes else "  [NO ESTÁ EN pendientes.txt]"
            print(f"  {frag.id} — {frag.titulo}{marca}")
            if args.detalle:
                print(f"      {motivo}")
    ya = [i for i in pendientes if i not in {f.id for f, _ in faltan} and any(i == f.id for f in fragmentos)]
    for ident in ya:
        print(f"  YA FUNCIONA (quítalo de pendientes.txt): {ident}")

    if args.escribir:
        if args.filtro:
            raise SystemExit("--escribir rehace la lista entera: úsalo sin -k.")
        lineas = [
            "# Fragmentos de la prueba de compatibilidad que aún no funcionan (o no dan lo mismo) en course_lib.",
            "# Lo escribe «python tests/keras_compat/informe.py --escribir»; la prueba falla si algo que no está",
            "# aquí deja de funcionar, y su resumen señala lo que está aquí y ya funciona.",
        ]
        for frag, motivo in faltan:
            motivo = " ".join(motivo.split())
            lineas.append(f"{frag.id}  # {motivo[:150]}")
        for motivo, ident in programas_que_faltan:
            nota = pendientes.get(ident, "") if motivo is None else " ".join(motivo.split())[:150]
            lineas.append(f"{ident}  # {nota}")
        arnes.PENDIENTES.write_text("\n".join(lineas) + "\n", encoding="utf-8")
        print(f"Escrito {arnes.PENDIENTES} ({len(faltan)} pendientes).")
    return 1 if fallan_en_keras else 0


def programas_en_course_lib(course_lib):
    """[(motivo, "programas.nombre")] de los programas que no corren (o no aprenden) en course_lib."""
    import test_compat_programas as programas

    faltan = []
    for nombre, comprobar in programas.COMPROBACIONES.items():
        texto, _ = programas.cambiar_import((programas.PROGRAMAS / f"{nombre}.py").read_text(encoding="utf-8"))
        anterior = os.getcwd()
        with tempfile.TemporaryDirectory() as carpeta:
            os.chdir(carpeta)
            arnes.preparar(course_lib)
            try:
                ns = {"__name__": "__main__"}
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(texto, f"{nombre}.py", "exec"), ns)  # noqa: S102
                comprobar(ns, Path(carpeta))
            except Exception as exc:  # noqa: BLE001
                primera = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                faltan.append((f"{type(exc).__name__}: {primera}", f"programas.{nombre}"))
            finally:
                os.chdir(anterior)
                arnes.preparar(course_lib)
    return faltan


if __name__ == "__main__":
    sys.exit(main())
