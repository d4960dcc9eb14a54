"""Prueba de compatibilidad: el curso con las versiones MÁS ANTIGUAS que permite pyproject.toml.

``pip install -e .`` en Colab o en un JupyterHub no instala requirements.txt: se queda con lo que
ya haya si cumple los rangos de pyproject.toml. Esta prueba comprueba que esos rangos son
verdad: crea un entorno aparte (build/compat), instala en él cada dependencia en su versión
mínima (``numpy>=1.26`` → ``numpy==1.26``; ipywidgets 7.7, la de Colab), y ejecuta allí las
pruebas que pasan por esas bibliotecas y tres cuadernos (``--completo``: todas las pruebas de course_lib
y de las demostraciones y los 19 cuadernos; nbval, dos procesos).

    python scripts/compatibilidad.py             # crea el entorno si falta y ejecuta las pruebas
                                                 # (las pruebas de PRUEBAS_EN_MAKE_TEST y 3 cuadernos; --completo: todo)
    python scripts/compatibilidad.py --instalar  # solo crea el entorno (make test lo lanza en
                                                 # segundo plano mientras se instala .venv)
    python scripts/compatibilidad.py --lista     # solo escribe las versiones mínimas
"""

import argparse
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import time
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / "build" / "compat"
PYTHON = ENV / "bin" / "python"
STAMP = ENV / ".instalado"
LOCK = ROOT / "build" / "compat.lock"  # una sola instalación a la vez (la de segundo plano y esta)
# De las pruebas: las mismas versiones fijadas que el entorno principal.
TEST_TOOLS = ("pytest", "pytest-xdist", "nbval", "ipykernel")
# Pruebas que no van aquí: el navegador y el sitio web prueban el entorno principal.
NOT_HERE = ["tests/test_browser.py", "tests/test_sitio_web.py", "tests/test_notebook_structure.py",
            "tests/test_imagenes.py", "tests/test_colab_binder.py",
            # exige torch y keras, que son del entorno de pruebas y no del curso: aquí no se instalan
            "tests/test_frameworks.py", "tests/keras_compat",
            # herramientas del docente y del sitio (nbgrader, JupyterHub, la edición del alumno, RISE): no se
            # instalan con `pip install -e .` de un estudiante, así que sus versiones mínimas no aplican
            "tests/test_nbgrader_tareas.py", "tests/test_hub_clase.py", "tests/test_classroom_edition.py",
            "tests/test_dimensionado.py", "tests/test_ejecucion_web.py", "tests/test_diapositivas_navegador.py"]
# Lo que make test ejecuta aquí, para caber en sus 15 minutos (`make compat`, o `--completo`, ejecuta todas
# las pruebas de course_lib y de las demostraciones y los 19 cuadernos): las pruebas que pasan por las APIs de
# terceros cuya versión mínima declaramos (matplotlib, ipywidgets y Pillow en las demostraciones y las
# figuras; pandas en los datos y las tablas; scikit-learn en el proyecto, las familias y el umbral; NumPy en
# el motor, sus gradientes y las comprobaciones de los ejercicios) y los cuadernos que más API de terceros usan:
# widgets en 00, pandas en 07, scikit-learn en 11. El resto del motor y de las demostraciones llama a las
# mismas funciones de esas bibliotecas.
PRUEBAS_EN_MAKE_TEST = ["tests/test_demos.py", "tests/test_demo_room.py", "tests/test_demo_imagen_fija.py",
                        "tests/test_demo_families.py", "tests/test_demo_threshold_cost.py", "tests/test_proyecto.py",
                        "tests/test_data.py", "tests/test_formato.py", "tests/test_formato_cientifico.py",
                        "tests/test_modo_clase.py", "tests/test_layers_gradients.py", "tests/test_model.py",
                        "tests/test_losses.py", "tests/test_checks_variants.py"]
CUADERNOS_EN_MAKE_TEST = ["00_introduccion", "07_datos_y_preprocesamiento", "11_subajuste_y_sobreajuste"]
# (las imágenes guardadas son las de las versiones fijadas; matplotlib 3.7 dibuja distinto)


def minimum_versions():
    """``nombre==mínima`` para cada dependencia de pyproject.toml con cota inferior."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    pins = []
    for requirement in dependencies:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)\s*(,.*)?", requirement)
        if not match:
            raise SystemExit(f"pyproject.toml: «{requirement}» no tiene la forma nombre>=versión.")
        pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins


def pinned_test_tools():
    pins = []
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text().splitlines():
            package = line.split("==")[0].strip().lower()
            if package in TEST_TOOLS:
                pins.append(line.strip())
    return pins


def install():
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # espera a una instalación que ya esté en marcha
        _install()


def _install():
    requirements = minimum_versions() + pinned_test_tools()
    fingerprint = hashlib.sha256("\n".join(requirements).encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        print("Entorno de compatibilidad al día:", ", ".join(minimum_versions()), flush=True)
        return
    print("Creando build/compat con", ", ".join(requirements), flush=True)
    venv.create(ENV, with_pip=True, clear=True)
    # Solo ruedas (sin compilar): lo que un estudiante instala de verdad con pip.
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-qq", "--only-binary=:all:", *requirements],
                   check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-qq", "--no-deps", "-e",
                    str(ROOT)], check=True)
    STAMP.write_text(fingerprint)


def run_tests(extra, completo=False):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1", CURSO_NO_GUARDAR_EJECUTADOS="1")
    ignore = [f"--ignore={path}" for path in NOT_HERE]
    tests = ["tests"] if completo else PRUEBAS_EN_MAKE_TEST
    command = [str(PYTHON), "-m", "pytest", "-n", "2", "--dist", "loadscope", "--nbval-lax", "-p",
               "no:cacheprovider", "-q", *ignore, *tests,
               *(["notebooks"] if completo else [f"notebooks/{n}.ipynb" for n in CUADERNOS_EN_MAKE_TEST]), *extra]
    versions = subprocess.run([str(PYTHON), "-m", "pip", "list", "--format=freeze"], capture_output=True,
                              text=True).stdout
    wanted = {p.split("==")[0].lower() for p in minimum_versions()}
    print("Versiones en el entorno:", ", ".join(line for line in versions.split() if line.split("==")[0].lower()
                                                in wanted), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lista", action="store_true", help="solo escribe las versiones mínimas")
    parser.add_argument("--instalar", action="store_true", help="solo crea el entorno")
    parser.add_argument("--completo", action="store_true",
                        help="todos los cuadernos (make test ejecuta solo CUADERNOS_EN_MAKE_TEST)")
    args, extra = parser.parse_known_args(argv)
    if args.lista:
        print("\n".join(minimum_versions()))
        return 0
    start = time.perf_counter()
    install()
    if args.instalar:
        print(f"Entorno de compatibilidad listo en {time.perf_counter() - start:.0f} s", flush=True)
        return 0
    code = run_tests(extra, completo=args.completo)
    print(f"Compatibilidad (versiones mínimas): {'bien' if code == 0 else 'FALLA'} en "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
