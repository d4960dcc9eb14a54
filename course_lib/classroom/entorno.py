"""El entorno del estudiante: un Python con la edición de aula y nada del repositorio del profesorado.

Los núcleos de los estudiantes (en JupyterHub) y las entregas al calificarlas se ejecutan con este
entorno, no con el del profesorado: en el del profesorado está instalada la edición completa (con
las soluciones) en modo editable, y cinco líneas en un núcleo bastarían para leerlas.

Dos formas de crearlo (``make entorno-estudiante``)::

    python -m course_lib.classroom.entorno build/entorno-estudiante --aula build/aula
    python -m course_lib.classroom.entorno build/entorno-estudiante --aula build/aula --vista

- por defecto, un entorno virtual propio: ``pip install -r requirements.txt`` de la edición de
  aula (las versiones del curso, más JupyterHub, nbgitpuller, nbgrader y el idioma) y la edición
  de aula (sin soluciones);
- ``--vista`` (las pruebas, y una máquina donde ya está el entorno del profesorado): un entorno
  virtual sin pip que **ve** las bibliotecas del entorno del profesorado a través de una carpeta
  de enlaces a cada una, salvo ``course_lib`` y su instalación editable, y la edición de aula. Se
  crea en un segundo y no copia gigas de bibliotecas.

Las dos necesitan un intérprete de Python que los estudiantes puedan ejecutar: si el del
profesorado está en una carpeta privada (``pyenv`` en ``/root``), se busca otro de la misma versión
(``/usr/bin/python3.11``) o, si no hay, se copia.
"""

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

EXCLUDED = ("course_lib", "__editable__", "__editable___course_lib")
VERSION = f"python{sys.version_info.major}.{sys.version_info.minor}"


def readable_by_everyone(path):
    """¿Puede cualquier usuario llegar a ``path`` (x en cada carpeta) y leerlo?"""
    path = Path(path).resolve()
    return all(p.stat().st_mode & 0o001 for p in path.parents) and bool(path.stat().st_mode & 0o004)


def shared_interpreter(target):
    """Un Python de esta misma versión que cualquier usuario puede ejecutar (lo copia si hace falta)."""
    own = Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    candidates = [own, Path(f"/usr/bin/{VERSION}"), Path(f"/usr/local/bin/{VERSION}")]
    for candidate in candidates:
        if candidate.exists() and readable_by_everyone(candidate) and _stdlib_ok(candidate):
            return candidate, {}
    # Copia del intérprete y de su biblioteca estándar en target/python (legible por todos).
    base = Path(sys.base_prefix)
    copy = Path(target) / "python"
    (copy / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(own, copy / "bin" / VERSION)
    shutil.copytree(base / "lib" / VERSION, copy / "lib" / VERSION, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("site-packages", "test", "__pycache__", "idlelib", "tkinter"))
    for lib in (base / "lib").glob("libpython*"):
        shutil.copy2(lib, copy / "lib" / lib.name, follow_symlinks=True)
    return copy / "bin" / VERSION, {"LD_LIBRARY_PATH": str(copy / "lib")}


def _stdlib_ok(python):
    """¿Arranca ese Python y tiene ``venv``? (Debian lo separa en el paquete python3-venv)."""
    return subprocess.run([str(python), "-c", "import venv"], capture_output=True).returncode == 0


def _site_packages(prefix):
    return Path(prefix) / "lib" / VERSION / "site-packages"


def create_view(target, aula):
    """Entorno ``target`` que ve las bibliotecas de este entorno (menos course_lib) y la edición ``aula``.

    Devuelve (python, variables de entorno que necesita).
    """
    target, aula = Path(target).resolve(), Path(aula).resolve()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    interpreter, env = shared_interpreter(target)
    subprocess.run([str(interpreter), "-m", "venv", "--without-pip", str(target)], check=True,
                   env={**os.environ, **env})
    libraries = target / "bibliotecas"
    libraries.mkdir()
    teacher_site = Path(sysconfig.get_paths()["purelib"])
    for entry in teacher_site.iterdir():
        if entry.name.startswith(EXCLUDED) or entry.suffix == ".pth" or entry.name == "__pycache__":
            continue
        (libraries / entry.name).symlink_to(entry)
    site = _site_packages(target)
    (site / "curso-bibliotecas.pth").write_text(f"{libraries}\n", encoding="utf-8")
    (site / "curso-aula.pth").write_text(f"{aula}\n", encoding="utf-8")
    for folder in ("share/jupyter", "etc/jupyter"):
        origin = Path(sys.prefix) / folder
        if origin.exists():
            (target / folder).parent.mkdir(parents=True, exist_ok=True)
            (target / folder).symlink_to(origin)
    _write_variables(target, env)
    return target / "bin" / "python", env


def create_with_pip(target, aula):
    """Entorno ``target`` propio: las versiones del curso con pip y la edición ``aula`` (sin soluciones)."""
    target, aula = Path(target).resolve(), Path(aula).resolve()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    interpreter, env = shared_interpreter(target)
    full_env = {**os.environ, **env}
    subprocess.run([str(interpreter), "-m", "venv", str(target)], check=True, env=full_env)
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run(pip + ["-r", str(aula / "requirements.txt")], check=True, env=full_env)
    # La edición de aula en modo editable: course_lib lee data/ junto al paquete; no tiene soluciones.
    subprocess.run(pip + ["--no-deps", "-e", str(aula)], check=True, env=full_env)
    _write_variables(target, env)
    return target / "bin" / "python", env


def _write_variables(target, env):
    """Las variables que necesita el intérprete (una copia necesita LD_LIBRARY_PATH), para quien lo use."""
    lines = [f"{name}={value}" for name, value in env.items()]
    (Path(target) / "curso-variables.env").write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def variables(python):
    """Las variables de entorno que necesita el Python de un entorno creado aquí (``{}`` si ninguna)."""
    path = Path(python).parent.parent / "curso-variables.env"
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Crea el entorno del estudiante (solo la edición de aula).")
    parser.add_argument("target")
    parser.add_argument("--aula", required=True, help="la edición de aula (make aula)")
    parser.add_argument("--vista", action="store_true", help="ver las bibliotecas de este entorno en vez de instalarlas")
    args = parser.parse_args(argv)
    python, _ = (create_view if args.vista else create_with_pip)(args.target, args.aula)
    print(f"Entorno del estudiante: {python}")


if __name__ == "__main__":
    main()
