"""Cuántos estudiantes a la vez aguanta una máquina: una clase simulada en un JupyterHub real.

Arranca el JupyterHub del repositorio (``jupyterhub_config.py``) solo en 127.0.0.1, en una carpeta
temporal, con la edición de aula y un entorno del estudiante, y para cada N (1, 2, 4, 8, 16…) hace
a la vez, con N estudiantes, lo que haría cada uno:

1. entrar y arrancar su servidor (mide el **tiempo hasta tener el servidor listo**);
2. traer el curso con nbgitpuller (la API ``/git-pull/api`` que usa el enlace de la clase);
3. abrir un núcleo y ejecutar, celda a celda, un capítulo (mide el **tiempo del cuaderno**);
4. mover los controles de una demostración a través del núcleo, como quien arrastra un
   deslizador (mide el **p50 y el p95 de la actualización**: del envío de la orden a la respuesta);
5. medir la **memoria por estudiante**: PSS (memoria proporcional, que reparte las bibliotecas
   compartidas) de su servidor y su núcleo, y el **pico del núcleo** (VmHWM: memoria residente máxima).

Imprime una tabla, para todo lo que arrancó y comprueba que no queda ningún proceso suyo. Las cifras
se guardan, con la máquina (procesador, núcleos, memoria, carga), las versiones y la fecha, en
``benchmarks/resultados/`` (un fichero por medida, que se guarda en el repositorio), y la tabla de
``docs/despliegue.md`` se rehace a partir de todos esos ficheros (``benchmarks/dimensionado.py``).

``--memoria-capitulos`` mide otra cosa: el pico de memoria del núcleo de cada capítulo, ejecutado
entero con el entorno del estudiante (``benchmarks/resultados/memoria-capitulos.json``).

Uso::

    python benchmarks/clase.py --alumnos 1 2 4 8 16        # make benchmark-clase N="1 2 4 8 16"
    python benchmarks/clase.py --alumnos 2 --capitulo 02 --actualizaciones 10 --resultados /tmp/x.json
    python benchmarks/clase.py --memoria-capitulos          # make memoria-capitulos
"""

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
MAX_STUDENTS = 32

DEMO_CODE = """
import numpy as _np
from course_lib import demos as _demos
from course_lib.demos.drive import random_value as _random_value
_demo = _demos.{demo}()
_rng = _np.random.default_rng(0)
_names = [n for n, w in _demo.controls.items() if _random_value(w, _rng) is not None]
"""
PEAK_CODE = "import re as _re; print(_re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"
UPDATE_CODE = "_n = _names[_rng.integers(len(_names))]; _demo.controls[_n].value = _random_value(_demo.controls[_n], _rng)"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Procesos y memoria (Linux, /proc) -------------------------------------------------------------

def children_of(pid):
    """Todos los descendientes de un proceso (pid), leyendo /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return found


def pss_mib(pid):
    """Memoria proporcional (PSS) de un proceso en MiB; 0 si ya no existe."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def alive(pid):
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]
    except (OSError, ProcessLookupError):
        return False


# --- El hub ---------------------------------------------------------------------------------------

class Hub:
    """Un JupyterHub del repositorio en una carpeta temporal, solo en 127.0.0.1."""

    def __init__(self, workdir, course_repo, aula, mode="prueba", extra_env=None):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(16)
        self.env = {
            **os.environ,
            "CURSO_HUB_MODO": mode,
            "CURSO_HUB_PUERTO": str(self.port),
            "CURSO_HUB_DIR": str(self.workdir / "hub"),
            "CURSO_HUB_REPO": str(course_repo),
            "CURSO_AULA": str(aula),
            "CURSO_HUB_TOKEN": self.token,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **(extra_env or {}),
        }
        if mode == "prueba":  # en el modo sistema, cada estudiante entra con su contraseña (PAM)
            self.env.setdefault("CURSO_HUB_CLAVE", secrets.token_hex(8))
        elif "CURSO_HUB_CLAVE" not in (extra_env or {}):
            self.env.pop("CURSO_HUB_CLAVE", None)
        self.process = None
        self.log = None

    def start(self, timeout=90):
        self.log = open(self.workdir / "jupyterhub.log", "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(ROOT / "jupyterhub_config.py"),
             f"--JupyterHub.hub_port={free_port()}", f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}"],
            cwd=self.workdir, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub terminó al arrancar; mira {self.workdir / 'jupyterhub.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError("JupyterHub no respondió a tiempo")

    def processes(self):
        return children_of(self.process.pid) if self.process else []

    def stop(self):
        """Para el hub (y con él los servidores y el proxy); después, lo que quede, por su pid."""
        if self.process is None:
            return []
        started = self.processes()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in started):
            time.sleep(0.2)
        for pid in started:
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.log.close()
        return [p for p in started if alive(p)]


class Api:
    """La API REST del hub y de los servidores, con la ficha del servicio de medida."""

    def __init__(self, hub):
        self.hub = hub
        self.client = AsyncHTTPClient(max_clients=64)

    async def request(self, method, path, body=None, timeout=300, raise_error=True, streaming=None):
        headers = {"Authorization": f"token {self.hub.token}"}
        request = HTTPRequest(
            self.hub.url + path, method=method, headers=headers, request_timeout=timeout,
            body=None if body is None and method not in ("POST", "PUT", "PATCH") else json.dumps(body or {}),
            streaming_callback=streaming, follow_redirects=False,
        )
        response = await self.client.fetch(request, raise_error=raise_error)
        return response


# --- Un estudiante --------------------------------------------------------------------------------

class Kernel:
    """Un núcleo abierto por WebSocket, como lo abre JupyterLab."""

    def __init__(self, api, user):
        self.api, self.user, self.session = api, user, uuid.uuid4().hex

    async def open(self):
        response = await self.api.request("POST", f"/user/{self.user}/api/kernels", {"name": "python3"})
        self.id = json.loads(response.body)["id"]
        url = self.api.hub.url.replace("http", "ws") + f"/user/{self.user}/api/kernels/{self.id}/channels"
        self.ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.api.hub.token}"}))

    async def execute(self, code, timeout=240):
        """Ejecuta código y espera su respuesta; devuelve los segundos. Lanza si el código falla."""
        msg_id = uuid.uuid4().hex
        message = {
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.user,
                       "session": self.session, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }
        start = time.perf_counter()
        await self.ws.write_message(json.dumps(message))
        error = None
        self.output = ""
        replied = idle = False
        while not (replied and idle):  # la respuesta (shell) y el «idle» (iopub) pueden llegar en cualquier orden
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise RuntimeError(f"{self.user}: se cerró la conexión con el núcleo")
            if isinstance(raw, bytes):
                continue
            reply = json.loads(raw)
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = reply["msg_type"]
            if kind == "stream":
                self.output += reply["content"]["text"]
            elif kind == "error":
                error = f"{reply['content']['ename']}: {reply['content']['evalue']}"
            elif kind == "status" and reply["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
                elapsed = time.perf_counter() - start
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"{self.user}: una celda falló: {error}")
        return elapsed

    def close(self):
        self.ws.close()


async def student(api, user, args, results):
    record = {"user": user}
    start = time.perf_counter()
    await api.request("POST", f"/hub/api/users/{user}/server")
    while True:  # el servidor está listo cuando el hub lo dice
        info = json.loads((await api.request("GET", f"/hub/api/users/{user}")).body)
        if info.get("servers", {}).get("", {}).get("ready"):
            break
        await asyncio.sleep(0.25)
    record["ready_s"] = time.perf_counter() - start
    record["server_pid"] = info["servers"][""].get("state", {}).get("pid")
    progress(args, f"{user}: servidor listo en {record['ready_s']:.1f} s")

    link = {"repo": args.repo, "branch": "main", "targetpath": "curso"}
    page = await api.request("GET", f"/user/{user}/git-pull?" + urlencode(link))  # el enlace de la clase
    if b"git-pull" not in page.body:
        raise RuntimeError(f"{user}: el enlace de nbgitpuller no abrió su página")
    pull = await api.request("GET", f"/user/{user}/git-pull/api?" + urlencode(link))  # lo que pide esa página
    if b'"phase": "finished"' not in pull.body:
        raise RuntimeError(f"{user}: nbgitpuller no terminó: {pull.body[-300:]!r}")
    progress(args, f"{user}: curso copiado con nbgitpuller")
    path = f"curso/notebooks/{args.notebook}"
    notebook = json.loads((await api.request("GET", f"/user/{user}/api/contents/{quote(path)}")).body)["content"]

    kernel = Kernel(api, user)
    await kernel.open()
    try:
        await kernel.execute(f"import os; os.chdir(os.path.expanduser('~/curso/notebooks'))")
        start = time.perf_counter()
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and source.strip():
                await kernel.execute(source)
        record["notebook_s"] = time.perf_counter() - start
        progress(args, f"{user}: cuaderno ejecutado en {record['notebook_s']:.1f} s")
        await kernel.execute(DEMO_CODE.format(demo=args.demo))
        record["updates_s"] = [await kernel.execute(UPDATE_CODE) for _ in range(args.updates)]
        await kernel.execute(PEAK_CODE)
        record["kernel_peak_mib"] = int(kernel.output.split()[-1]) / 1024
        record["kernel"] = kernel.id
    finally:
        kernel.close()
    results.append(record)


def progress(args, text):
    if args.verbose:
        print(f"  · {text}", file=sys.stderr, flush=True)


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))]


async def one_round(api, hub, n, args):
    users = [f"estudiante{i:02d}" for i in range(n)]
    for user in users:
        await api.request("POST", f"/hub/api/users/{user}")
    results = []
    baseline = {p: pss_mib(p) for p in hub.processes()}
    try:
        await asyncio.wait_for(asyncio.gather(*(student(api, u, args, results) for u in users)), args.time_limit)
        memory = sum(pss_mib(p) for p in hub.processes() if p not in baseline) / n
        servers = [pss_mib(r["server_pid"]) for r in results if r.get("server_pid")]
        server = statistics.median(servers) if servers else 0.0
    finally:
        for user in users:
            await api.request("DELETE", f"/hub/api/users/{user}/server", raise_error=False)
        for _ in range(120):  # esperar a que se paren
            infos = [json.loads((await api.request("GET", f"/hub/api/users/{u}", raise_error=False)).body or b"{}")
                     for u in users]
            if not any(i.get("servers") for i in infos):
                break
            await asyncio.sleep(0.5)
        for user in users:
            await api.request("DELETE", f"/hub/api/users/{user}", raise_error=False)
    updates = [u for r in results for u in r["updates_s"]]
    return {
        "n": n,
        "ready_s": statistics.median(r["ready_s"] for r in results),
        "ready_max_s": max(r["ready_s"] for r in results),
        "notebook_s": statistics.median(r["notebook_s"] for r in results),
        "notebook_max_s": max(r["notebook_s"] for r in results),
        "update_p50_ms": 1000 * statistics.median(updates),
        "update_p95_ms": 1000 * percentile(updates, 95),
        "memory_mib": memory,
        "server_mib": server,
        "kernel_peak_mib": max(r["kernel_peak_mib"] for r in results),
    }


def fmt(value, digits=1):
    return f"{value:.{digits}f}".replace(".", ",")


def machine():
    """La máquina de la medida: procesador, núcleos, memoria y carga (las cifras dependen de ella)."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "desconocido")
    total = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                 if line.startswith("MemTotal"))
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(total / 1024 ** 2, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()], "host": socket.gethostname()}


def versions():
    from importlib.metadata import version

    found = {"python": sys.version.split()[0]}
    # torch y keras: si están, el entorno del estudiante de la medida (una vista del de pruebas) los ve y
    # las celdas de PyTorch y Keras de los capítulos se ejecutan (el caso que más memoria pide).
    for package in ("jupyterhub", "jupyterlab", "jupyter_server", "ipykernel", "nbgitpuller", "numpy", "matplotlib",
                    "torch", "keras"):
        try:
            found[package] = version(package)
        except Exception:  # noqa: BLE001
            found[package] = None
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    found["curso"] = done.stdout.strip() or None
    found["python_estudiante"] = STUDENT_PYTHON_VERSION[0]
    return found


def default_results_path(kind):
    stamp = time.strftime("%Y-%m-%d-%H%M")
    return ROOT / "benchmarks" / "resultados" / f"{kind}-{stamp}-{socket.gethostname()}.json"


def classroom_edition(workdir):
    """La edición de aula (un repositorio) y un entorno del estudiante en ``workdir``: (aula, python, variables)."""
    from course_lib.classroom import entorno, release

    aula = workdir / "aula"
    release.publish(aula)
    python, env = entorno.create_view(workdir / "entorno", aula)
    done = subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, env={**os.environ, **env})
    STUDENT_PYTHON_VERSION[0] = done.stdout.strip() or None
    return aula, python, env


STUDENT_PYTHON_VERSION = [None]  # la versión del Python de los estudiantes, para guardarla con las cifras


async def main_async(args):
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    before = machine()
    with tempfile.TemporaryDirectory(prefix="clase-") as workdir:
        workdir = Path(workdir)
        aula, python, env = classroom_edition(workdir)
        args.repo = str(aula)
        hub = Hub(workdir, aula, aula, extra_env={"CURSO_HUB_PYTHON": str(python), **env})
        rows, leftovers = [], []
        try:
            hub.start()
            api = Api(hub)
            print(f"Clase simulada: capítulo {args.notebook}, demostración {args.demo}, "
                  f"{args.updates} movimientos por estudiante; {os.cpu_count()} núcleos.", flush=True)
            print(f"{'N':>3} | {'servidor listo (s)':>19} | {'cuaderno (s)':>14} | {'demo p50 / p95 (ms)':>20} | "
                  f"{'memoria/estudiante (MiB)':>24} | {'pico del núcleo (MiB)':>21}", flush=True)
            for n in args.students:
                try:
                    row = await one_round(api, hub, n, args)
                except asyncio.TimeoutError:
                    print(f"{n:>3} | la ronda pasó de {args.time_limit} s: la máquina no da para más; paro aquí.")
                    print("Últimas líneas del registro del hub:\n" + "".join(
                        (workdir / "jupyterhub.log").read_text().splitlines(True)[-15:]))
                    break
                rows.append(row)
                print(f"{n:>3} | {fmt(row['ready_s']):>8} (máx {fmt(row['ready_max_s']):>5}) | "
                      f"{fmt(row['notebook_s']):>5} (máx {fmt(row['notebook_max_s']):>5}) | "
                      f"{fmt(row['update_p50_ms'], 0):>8} / {fmt(row['update_p95_ms'], 0):>6} | "
                      f"{fmt(row['memory_mib'], 0):>24} | {fmt(row['kernel_peak_mib'], 0):>21}", flush=True)
        finally:
            leftovers = hub.stop()
        print(f"Procesos que quedan vivos: {len(leftovers)}.")
    after = machine()
    figures = {"kind": "clase", "date": started, "machine": {**before, "load_average_after": after["load_average"]},
               "versions": versions(), "chapter": args.notebook, "demo": args.demo, "updates": args.updates,
               "rows": rows, "leftovers": leftovers}
    target = Path(args.results) if args.results else default_results_path("clase")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Cifras guardadas en {target}.")
    if not args.results:
        import dimensionado

        dimensionado.update_docs()
        print("Tabla de docs/despliegue.md rehecha con todas las medidas guardadas.")
    return 1 if leftovers else 0


def code_fingerprint(path):
    """Huella de las celdas de código de un cuaderno del curso: dice si una medida es de su versión actual."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    code = "\n\x00".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


def chapter_memory(args):
    """El pico de memoria (VmHWM) del núcleo de cada capítulo, ejecutado entero con el entorno del estudiante."""
    import nbformat
    from nbclient import NotebookClient

    from course_lib.classroom import aislamiento

    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    before = machine()
    rows = []
    with tempfile.TemporaryDirectory(prefix="memoria-") as workdir:
        workdir = Path(workdir)
        aula, python, env = classroom_edition(workdir)
        aislamiento.write_kernelspec(workdir / "jupyter" / "kernels", python, "")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(workdir / "jupyter"),
                                                                   os.environ.get("JUPYTER_PATH")]))
        os.environ.update(env)
        print(f"{'capítulo':<40} | {'pico del núcleo (MiB)':>21} | {'tiempo (s)':>10}", flush=True)
        for path in sorted((aula / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            if args.only and path.name[:2] not in args.only:
                continue
            notebook = nbformat.read(path, as_version=4)
            notebook.cells.append(nbformat.v4.new_code_cell(PEAK_CODE))  # al final: el pico de su núcleo
            # Con allow_errors, una celda que falla no para la medida; se anota (la edición de aula
            # debe ejecutarse entera: un error aquí es un fallo de la edición, no de la medida).
            client = NotebookClient(notebook, kernel_name="curso-estudiante", timeout=600, allow_errors=True,
                                    resources={"metadata": {"path": str(path.parent)}})
            start = time.perf_counter()
            client.execute()
            peak = int(notebook.cells[-1].outputs[-1]["text"].split()[-1]) / 1024
            errors = [cell.source.splitlines()[0][:60] for cell in notebook.cells if cell.cell_type == "code"
                      and any(out.get("output_type") == "error" for out in cell.get("outputs", []))]
            row = {"notebook": path.name, "kernel_peak_mib": round(peak, 1),
                   "seconds": round(time.perf_counter() - start, 1), "cells_with_errors": errors,
                   "code_sha256": code_fingerprint(ROOT / "notebooks" / path.name),
                   "date": time.strftime("%Y-%m-%d")}
            rows.append(row)
            print(f"{path.name:<40} | {fmt(peak, 0):>21} | {fmt(row['seconds']):>10}"
                  + (f"  (celdas con error: {errors})" if errors else ""), flush=True)
    target = Path(args.results) if args.results else ROOT / "benchmarks" / "resultados" / "memoria-capitulos.json"
    if args.only and target.exists():  # solo algunos capítulos: las demás filas se conservan
        measured = {row["notebook"] for row in rows}
        kept = [row for row in json.loads(target.read_text(encoding="utf-8"))["rows"] if row["notebook"] not in measured]
        rows = sorted(kept + rows, key=lambda row: row["notebook"])
    figures = {"kind": "memoria-capitulos", "date": started,
               "machine": {**before, "load_average_after": machine()["load_average"]},
               "versions": versions(), "rows": rows}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Cifras guardadas en {target}.")
    if not args.results:
        import dimensionado

        dimensionado.update_docs()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mide una clase simulada en JupyterHub.")
    parser.add_argument("--alumnos", dest="students", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--capitulo", default="04", help="capítulo cuyo cuaderno ejecuta cada estudiante")
    parser.add_argument("--demo", default=None, help="demostración que mueven (por defecto, la del capítulo)")
    parser.add_argument("--actualizaciones", dest="updates", type=int, default=30)
    parser.add_argument("--limite", dest="time_limit", type=float, default=600, help="segundos por ronda")
    parser.add_argument("--detalle", dest="verbose", action="store_true", help="contar cada paso")
    parser.add_argument("--resultados", dest="results",
                        help="fichero de las cifras (por defecto, uno nuevo en benchmarks/resultados/, y se "
                             "rehace la tabla de docs/despliegue.md)")
    parser.add_argument("--memoria-capitulos", dest="chapters", action="store_true",
                        help="medir el pico de memoria del núcleo de cada capítulo")
    parser.add_argument("--solo", dest="only", nargs="+", default=None, metavar="NN",
                        help="con --memoria-capitulos: medir solo estos capítulos (las demás filas se conservan)")
    args = parser.parse_args(argv)
    if args.chapters:
        return chapter_memory(args)
    if max(args.students) > MAX_STUDENTS:
        parser.error(f"como mucho {MAX_STUDENTS} estudiantes simulados")
    found = sorted((ROOT / "notebooks").glob(f"{args.capitulo}_*.ipynb"))
    if not found:
        parser.error(f"no hay cuaderno del capítulo {args.capitulo}")
    args.notebook = found[0].name
    if args.demo is None:
        args.demo = DEFAULT_DEMOS.get(args.capitulo, "gradient_descent")
    return asyncio.run(main_async(args))


DEFAULT_DEMOS = {"01": "neuron", "02": "activations", "03": "losses", "04": "gradient_descent",
                 "06": "optimizers", "09": "convolution", "10": "pooling", "11": "capacity",
                 "12": "regularization", "08": "playground"}

if __name__ == "__main__":
    sys.exit(main())
