"""Demostraciones que se mueven en el sitio web sin Python: cuadros precalculados.

Cada demostración de un cuaderno ejecutado deja en su imagen fija (``Demo._repr_mimebundle_``)
qué demostración es (``data-demo``, su módulo) y con qué valores empezó (``data-values``). Al
construir el sitio, este módulo la rehace con su propio código, con esos valores, y mueve uno a
uno los controles que llevan la lección (``Demo.lesson_controls``; si la demostración no lo dice,
su primer deslizador) por unas 15 posiciones, con los demás controles en su valor inicial. De
cada posición guarda la imagen (el PNG que ve el estudiante en el cuaderno) y el pie de figura
(``caption()``, o el mensaje si esa combinación no se puede dibujar). La página lleva un
deslizador de verdad (``<input type="range">``) con la etiqueta del control en español, y
web/_static/demos.js cambia la imagen y el pie al moverlo.

Sirve para cualquier demostración de ``course_lib.demos.DEMO_NAMES``, presente o futura, sin código
propio de cada una. Los cuadros se guardan en build/web/cuadros con una huella (código de las
demostraciones y valores iniciales): solo se recalculan si algo cambió.
"""

import hashlib
import html
import json
import math
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "web" / "cuadros"
POSITIONS = 15  # posiciones de cada deslizador (más el valor inicial, si no cae en ellas)
SLIDERS = ("FloatSlider", "IntSlider", "FloatLogSlider", "SelectionSlider")
CHOICES = ("SelectionSlider", "Dropdown", "ToggleButtons", "RadioButtons")
STILL = re.compile(r'<figure class="course-demo-still" data-demo="([^"]+)" data-values="([^"]*)">.*?</figure>',
                   flags=re.S)
VERSION = 1  # cambia si cambia la forma de los cuadros guardados


def lesson_controls(demo):
    """Los controles que llevan la lección: los que declara la demostración (hasta dos) o, si no
    declara ninguno, su primer deslizador."""
    if demo.lesson_controls:
        return [name for name in demo.lesson_controls if name in demo.controls][:2]
    return next(([name] for name, control in demo.controls.items() if type(control).__name__ in SLIDERS), [])


def _number(value):
    """Número con coma decimal, sin ceros de sobra (0,05; 1,5; 3; 1e−4 → 0,0001)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value)).replace("-", "−")
    text = f"{value:.4g}" if abs(value) >= 1e-4 else f"{value:.2e}"
    return text.replace(".", ",").replace("-", "−")


def positions(control, count=POSITIONS):
    """(valor, etiqueta) de cada posición del control, en orden, incluido su valor actual."""
    kind = type(control).__name__
    if kind in CHOICES:
        options = list(zip(control._options_labels, control._options_values))
        if len(options) > count:
            keep = {round(i * (len(options) - 1) / (count - 1)) for i in range(count)}
            keep.add(control._options_values.index(control.value))
            options = [option for i, option in enumerate(options) if i in keep]
        return [(value, str(label)) for label, value in options]
    low, high, step = control.min, control.max, control.step
    if kind == "FloatLogSlider":
        values = [control.base ** (low + (high - low) * i / (count - 1)) for i in range(count)]
        values = [float(f"{v:.3g}") for v in values]
    elif kind == "IntSlider":
        steps = (high - low) // step
        values = sorted({low + step * round(steps * i / (count - 1)) for i in range(count)}
                        if steps >= count else range(low, high + 1, step))
    else:
        steps = round((high - low) / step)
        grid = sorted({round(steps * i / (count - 1)) for i in range(count)})
        decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
        values = [round(low + step * k, decimals + 2) for k in grid]
    if control.value not in values:
        values = sorted(values + [control.value])
    return [(value, _number(value)) for value in values]


def _text(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment or "")).strip().lstrip("⚠").strip()


def _fingerprint(module, values):
    demos = ROOT / "course_lib" / "demos"
    digest = hashlib.sha256(f"{VERSION} {POSITIONS} {module} {values}".encode())
    for path in sorted(demos.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def compute(job):
    """Rehace una demostración y guarda sus cuadros en ``folder``; devuelve su descripción."""
    module, values, folder = job
    import importlib

    from course_lib import demos

    factories = {getattr(demos, name).__module__: getattr(demos, name) for name in demos.DEMO_NAMES}
    demo = factories[module]()
    initial = json.loads(values)
    for name, value in initial.items():  # los valores con que empezó en el cuaderno
        control = demo.controls.get(name)
        if control is not None and value is not None and control.value != value:
            try:
                control.value = tuple(value) if isinstance(control.value, tuple) else value
            except Exception:  # un valor que ya no es válido: se queda el de la demostración
                pass
    start = demo.values()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    description = {"title": demo.title, "controls": []}
    for name in lesson_controls(demo):
        control = demo.controls[name]
        frames, current = [], None
        for index, (value, label) in enumerate(positions(control)):
            control.value = value
            image = f"{name}-{index:02d}.png"
            (folder / image).write_bytes(demo.image.value)
            caption = _text(demo.message.value) or _text(demo.status.value)
            frames.append({"src": image, "label": label, "caption": caption})
            if value == start[name]:
                current = index
        control.value = start[name]
        description["controls"].append({"name": name, "label": control.description or name,
                                        "frames": frames, "initial": current or 0})
    importlib.import_module("matplotlib.pyplot").close("all")
    (folder / "cuadros.json").write_text(json.dumps(description, ensure_ascii=False), encoding="utf-8")
    return description


def _figure(description, key, still_alt, live):
    """El HTML de una demostración con cuadros: imagen, pie y un deslizador por control."""
    base = f"../_static/demos/{key}"
    title = description["title"] or "interactiva"
    controls, first = [], None
    for control in description["controls"]:
        frames = [dict(frame, src=f"{base}/{frame['src']}",
                       alt=f"Demostración «{title}» con {control['label'].rstrip(':')} = {frame['label']}: "
                           f"{frame['caption']}".rstrip(": "))
                  for frame in control["frames"]]
        initial = frames[control["initial"]]
        first = first or initial
        ident = f"demo-{key}-{control['name']}"
        controls.append(
            f'<span class="course-demo-control"><label for="{ident}">{html.escape(control["label"].rstrip(":"))}</label>'
            f'<input type="range" id="{ident}" min="0" max="{len(frames) - 1}" step="1" value="{control["initial"]}" '
            f'aria-valuetext="{html.escape(initial["label"])}" data-frames="{html.escape(json.dumps(frames, ensure_ascii=False))}">'
            f'<output for="{ident}">{html.escape(initial["label"])}</output></span>')
    if first is None:
        return None
    return (f'<figure class="course-demo-still course-demo-frames">'
            f'<img src="{first["src"]}" alt="{html.escape(first["alt"] or still_alt)}" style="max-width:100%">'
            f'<figcaption><span class="course-demo-caption" aria-live="polite">{html.escape(first["caption"])}</span>'
            f'<span class="course-demo-controls">{"".join(controls)}</span>'
            f'<em class="course-demo-live">{html.escape(live)}</em></figcaption></figure>')


LIVE = ("Demostración interactiva: el deslizador recorre figuras calculadas de antemano con el código de la "
        "demostración. Para mover todos sus controles, abre el cuaderno en Colab o Binder (botones de "
        "arriba) o en JupyterLab y ejecuta sus celdas.")


def frames_for_pages(pages, static):
    """``pages``: {nombre de página: [(índice de salida, html de la imagen fija)]}. Calcula (o
    reutiliza) los cuadros de cada demostración, los copia a ``static``/demos y devuelve
    {(página, índice): html nuevo}. Dos procesos a la vez."""
    jobs, places = [], []
    for page, stills in pages.items():
        for number, (index, fragment) in enumerate(stills, start=1):
            match = STILL.search(fragment)
            if not match:
                continue
            module, values = html.unescape(match.group(1)), html.unescape(match.group(2))
            folder = CACHE / _fingerprint(module, values)
            key = f"{page[:2]}-{number}"
            places.append((page, index, fragment, match, folder, key))
            if not (folder / "cuadros.json").exists():
                jobs.append((module, values, str(folder)))
    if jobs:
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(compute, list(dict.fromkeys(jobs))))
    result = {}
    for page, index, fragment, match, folder, key in places:
        description = json.loads((folder / "cuadros.json").read_text(encoding="utf-8"))
        alt = re.search(r'alt="([^"]*)"', match.group(0))
        figure = _figure(description, key, html.unescape(alt.group(1)) if alt else "", LIVE)
        if figure is None:
            continue
        target = Path(static) / "demos" / key
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns("*.json"), dirs_exist_ok=True)
        result[(page, index)] = fragment[:match.start()] + figure + fragment[match.end():]
    return result
