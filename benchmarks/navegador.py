"""Latencia de las demostraciones en el navegador: de la tecla a la imagen nueva en pantalla.

Uso: python benchmarks/navegador.py [--pulsaciones 30] [--donde lab,sala] [--demos neuron,losses]

En el JupyterLab real del curso y en la sala de demostraciones de Voilà (Chromium sin pantalla,
Playwright, como la prueba en navegador), para cada demostración:

1. enfoca su primer deslizador y pulsa 30 veces → y ← alternas (cada pulsación cambia el valor);
   mide, en la página, desde el evento de la tecla hasta que la imagen nueva está decodificada y
   pintada (``img.decode()`` y el siguiente ``requestAnimationFrame``); imprime mediana y p95;
2. el tamaño del PNG mostrado (KiB);
3. arrastra el deslizador con el ratón durante un segundo y mide cuánto tarda, tras soltarlo, en
   dejar de cambiar la imagen (si el núcleo acumula actualizaciones viejas, la imagen sigue
   cambiando después de soltar); cuenta también las imágenes que cambiaron durante el arrastre,
   para comprobar que el arrastre movió de verdad el deslizador.

Objetivo (2 núcleos sin otra carga): p95 ≤ 100 ms, mediana ≤ 70 ms y asentada en ≤ 150 ms.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import navegador  # noqa: E402  (servidores y Chromium compartidos con las pruebas)

from course_lib.demos import DEMO_NAMES  # noqa: E402
from course_lib.demos.room import ROOM  # noqa: E402

TIMEOUT_MS = 120_000

# Instrumentos en la página: hora de cada tecla y de cada imagen nueva ya pintada.
PROBE = """(out) => {
    const img = out.querySelector('.widget-image');
    window.__curso = {keys: [], shown: [], changes: []};
    document.addEventListener('keydown', () => window.__curso.keys.push(performance.now()), true);
    new MutationObserver(() => {
        const t = performance.now();
        window.__curso.changes.push(t);
        img.decode().catch(() => null).then(() => requestAnimationFrame(
            () => window.__curso.shown.push(performance.now())));
    }).observe(img, {attributes: true, attributeFilter: ['src']});
}"""
PNG_BYTES = """async (out) => {
    const img = out.querySelector('.widget-image');
    const blob = await (await fetch(img.src)).blob();
    return blob.size;
}"""


def percentile(values, q):
    return float(np.percentile(values, q)) if values else float("nan")


def measure_output(page, output, presses):
    """Mide las pulsaciones y el arrastre sobre la salida ``output`` de una demostración."""
    output.scroll_into_view_if_needed()
    page.evaluate(PROBE, output.element_handle())
    handle = output.locator(".widget-slider .noUi-handle").first
    handle.focus()
    latencies = []
    for k in range(presses):
        shown_before = page.evaluate("window.__curso.shown.length")
        page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
        try:
            page.wait_for_function(f"window.__curso.shown.length > {shown_before}", timeout=10_000)
        except Exception:
            continue  # la tecla no cambió nada (p. ej. en un extremo): no cuenta
        key, shown = page.evaluate("[window.__curso.keys.at(-1), window.__curso.shown.at(-1)]")
        latencies.append(shown - key)
        time.sleep(0.05)
    png = page.evaluate(PNG_BYTES, output.element_handle())

    # Arrastre continuo de un segundo y espera a que la imagen deje de cambiar.
    box = handle.bounding_box()
    track = output.locator(".widget-slider .noUi-base").first.bounding_box()
    x0, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y)
    pressed = page.evaluate("performance.now()")
    page.mouse.down()
    steps = 40
    for i in range(steps):
        phase = np.sin(np.pi * (i + 1) / steps * 2)  # va y vuelve por la pista
        page.mouse.move(x0 + phase * 0.35 * track["width"], y)
        time.sleep(1.0 / steps)
    released = page.evaluate("performance.now()")
    page.mouse.up()
    time.sleep(2.0)
    changes = page.evaluate("window.__curso.changes")
    during = sum(pressed < t <= released for t in changes)
    after = [t - released for t in changes if t > released]
    settle = max(after) if after else 0.0
    return latencies, png, settle, during


def report(where, name, latencies, png, settle, during):
    median, p95 = statistics.median(latencies) if latencies else float("nan"), percentile(latencies, 95)
    print(f"{where:<6}{name:<18}{median:>9.0f}{p95:>8.0f}{len(latencies):>8d}{png / 1024:>9.1f}{settle:>10.0f}"
          f"{during:>9d}", flush=True)
    if during == 0:
        print(f"      ¡{name}: el arrastre no cambió la imagen; su «asentada» no mide nada!", flush=True)
    return median, p95, settle


def run_lab(browser, names, presses):
    with tempfile.TemporaryDirectory() as folder:
        navegador.write_all_demos_notebook(folder, names)
        with navegador.jupyterlab(folder) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab/tree/todas_las_demos.ipynb?reset&token={navegador.TOKEN}", timeout=TIMEOUT_MS)
            page.wait_for_selector(".jp-Notebook", timeout=TIMEOUT_MS)
            navegador.wait_idle(page)
            page.locator(".lm-MenuBar-item", has_text="Run").or_(
                page.locator(".lm-MenuBar-item", has_text="Ejecutar")).first.click()
            page.locator(".lm-Menu-item", has_text="Run All Cells").or_(
                page.locator(".lm-Menu-item", has_text="Ejecutar todas las celdas")).first.click()
            page.wait_for_function(f"document.querySelectorAll('.course-demo-status').length >= {len(names)}",
                                   timeout=TIMEOUT_MS)
            navegador.wait_idle(page)
            outputs = page.locator(".jp-OutputArea-output").filter(has=page.locator(".course-demo-status"))
            results = {}
            for index, name in enumerate(names):
                results[name] = report("lab", name, *measure_output(page, outputs.nth(index), presses))
            page.close()
    return results


def run_room(browser, names, presses):
    results = {}
    with navegador.voila(navegador.ROOT / "clase" / "sala_de_demostraciones.ipynb") as url:
        for index, (_, _, name, hint) in enumerate(ROOM):
            if name not in names:
                continue
            page = browser.new_page(viewport={"width": 1280, "height": 720})  # página nueva: sondas limpias
            page.goto(url, timeout=TIMEOUT_MS)
            page.wait_for_selector(".course-demo-status", timeout=TIMEOUT_MS)
            page.locator(".course-room-chapters button").nth(index).click()
            page.wait_for_function("h => document.querySelector('.course-room').innerText.includes(h)", arg=hint,
                                   timeout=TIMEOUT_MS)
            demo = page.locator(".course-room .widget-vbox").filter(has=page.locator(".course-demo-status")).last
            demo.wait_for(timeout=TIMEOUT_MS)
            time.sleep(0.5)
            results[name] = report("sala", name, *measure_output(page, demo, presses))
            page.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pulsaciones", type=int, default=30)
    parser.add_argument("--donde", default="lab,sala", help="lab, sala o ambos separados por comas")
    parser.add_argument("--demos", default=",".join(DEMO_NAMES))
    args = parser.parse_args()
    names = [n for n in args.demos.split(",") if n]
    from playwright.sync_api import sync_playwright

    print(f"{'dónde':<6}{'demostración':<18}{'mediana':>9}{'p95':>8}{'teclas':>8}{'PNG KiB':>9}{'asentada':>10}"
          f"{'imágenes':>9}   (ms; tecla → imagen pintada; asentada = tras soltar el arrastre; imágenes = "
          "las que cambiaron durante el arrastre)", flush=True)
    results = {}
    with sync_playwright() as p, navegador.chromium(p) as browser:
        if "lab" in args.donde:
            results.update({("lab", k): v for k, v in run_lab(browser, names, args.pulsaciones).items()})
        if "sala" in args.donde:
            results.update({("sala", k): v for k, v in run_room(browser, names, args.pulsaciones).items()})
    if results:
        worst_p95 = max(v[1] for v in results.values())
        worst_median = max(v[0] for v in results.values())
        worst_settle = max(v[2] for v in results.values())
        print(f"peor mediana {worst_median:.0f} ms (objetivo ≤ 70), peor p95 {worst_p95:.0f} ms (≤ 100), "
              f"peor asentamiento {worst_settle:.0f} ms (≤ 150)")


if __name__ == "__main__":
    main()
