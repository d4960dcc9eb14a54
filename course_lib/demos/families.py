"""Demostración: los mismos datos, distintas familias de modelos (capítulo 14, las bibliotecas).

Un conjunto de juguete en 2-D (lunas, círculo, espiral, gaussianas o xor, con ruido) se divide en
entrenamiento (2/3) y prueba (1/3), y se ajusta con un modelo de cada familia que el capítulo
presenta: regresión logística, SVM con núcleo RBF, bosque aleatorio, *gradient boosting* y k vecinos
(scikit-learn), y la red del curso (un perceptrón multicapa de ``course_lib.nn``). Dos paneles lado a
lado: a la derecha el modelo elegido y a la izquierda el anterior, **sobre los mismos datos**, cada
uno con su frontera de decisión, su exactitud de entrenamiento y de prueba y lo que tardó en
ajustarse.

Cada ajuste se guarda (datos, ruido y modelo): volver a una combinación ya vista es inmediato. Los
modelos lentos (bosque, *boosting*, la red: décimas de segundo o más en una CPU compartida) se
ajustan en un hilo aparte y por tramos, con el progreso a la vista, mientras los controles siguen
respondiendo. ``fit_family`` es el cálculo puro, sin widgets: las pruebas lo comparan con
scikit-learn directamente.
"""

import threading
import time
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from .. import nn
from ..data import make_classification_2d
from .base import ROOM_MODE, Demo, fmt, font, number, slider_style, value_slider
from .playground import BACKGROUND_CMAP
from .rastertext import RasterText

DATASETS = ["lunas", "círculo", "espiral", "gaussianas", "xor"]
NOISE_LEVELS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
N_POINTS = 300
GRID = 80
LIMIT = 6.5                                # la cuadrícula cubre [−6,5, 6,5]²
MLP_EPOCHS, MLP_CHUNK = 400, 50            # la red se entrena en tramos de 50 épocas (el progreso)
ENSEMBLE_SIZE, ENSEMBLE_CHUNK = 100, 20    # árboles del bosque y del boosting, de 20 en 20
CLASS_COLORS = ["#f59322", "#0877bd"]      # naranja (0) y azul (1), los del laboratorio (y de Playground)


class CourseMLP:
    """La red del curso con la interfaz de scikit-learn: 2 → 16 → 16 → 1 (tanh, tanh, sigmoide), Adam.

    ``partial_fit(epochs)`` entrena unas épocas más (así se puede enseñar el progreso)."""

    def __init__(self, seed=0):
        self.seed = seed
        self.scaler = None

    def _build(self, X, y):
        nn.set_seed(self.seed)
        self.scaler = StandardScaler().fit(X)
        self.net = nn.Sequential([nn.Dense(16, activation="tanh", input_shape=(2,)),
                                  nn.Dense(16, activation="tanh"), nn.Dense(1, activation="sigmoid")])
        self.net.compile(optimizer=nn.Adam(learning_rate=0.02), loss="binary_crossentropy")
        self._data = (self.scaler.transform(X), np.asarray(y, dtype=float).reshape(-1, 1))
        self.epochs_done = 0

    def partial_fit(self, X, y, epochs):
        if self.scaler is None:
            self._build(X, y)
        self.net.fit(*self._data, epochs=epochs, batch_size=32, verbose=0, seed=self.seed + self.epochs_done)
        self.epochs_done += epochs
        return self

    def fit(self, X, y):
        return self.partial_fit(X, y, MLP_EPOCHS)

    def predict_proba(self, X):
        p = self.net.predict(self.scaler.transform(X), verbose=0).ravel()
        return np.column_stack([1 - p, p])


def _grown(estimator_class, **options):
    """Un bosque o un boosting que crece de ENSEMBLE_CHUNK en ENSEMBLE_CHUNK estimadores (warm_start)."""
    return estimator_class(n_estimators=ENSEMBLE_CHUNK, warm_start=True, **options)


#: modelo → (crear(semilla), ¿se ajusta por tramos?)
MODELS = {
    "regresión logística": lambda seed: make_pipeline(StandardScaler(), LogisticRegression()),
    "SVM con núcleo RBF": lambda seed: make_pipeline(StandardScaler(), SVC(C=1.0, gamma="scale")),
    "k vecinos (k = 15)": lambda seed: make_pipeline(StandardScaler(), KNeighborsClassifier(15)),
    "bosque aleatorio": lambda seed: _grown(RandomForestClassifier, random_state=seed, n_jobs=1),
    "gradient boosting": lambda seed: _grown(GradientBoostingClassifier, random_state=seed),
    "red del curso (MLP)": CourseMLP,
}
SLOW = ("bosque aleatorio", "gradient boosting", "red del curso (MLP)")


@dataclass
class Fit:
    """Un ajuste: la probabilidad de la clase 1 en la cuadrícula (GRID × GRID), las exactitudes y el tiempo."""

    model: str
    grid: np.ndarray
    train_accuracy: float
    test_accuracy: float
    seconds: float


def split_dataset(dataset, noise, seed=0):
    """``X_ent, X_pru, y_ent, y_pru``: N_POINTS puntos del conjunto, 2/3 para entrenar y 1/3 de prueba."""
    X, y = make_classification_2d(dataset, n=N_POINTS, noise=noise, seed=seed)
    return train_test_split(X, y, test_size=1 / 3, random_state=seed, stratify=y)


def grid_points():
    axis = np.linspace(-LIMIT, LIMIT, GRID)
    xx, yy = np.meshgrid(axis, axis)
    return np.column_stack([xx.ravel(), yy.ravel()])


def class_one_score(model, X):
    """La probabilidad de la clase 1 (o, en la SVM, su puntuación pasada por una sigmoide: 0,5 es la frontera)."""
    if hasattr(model, "predict_proba") and not isinstance(getattr(model, "steps", [[None, None]])[-1][1], SVC):
        return model.predict_proba(X)[:, 1]
    return 1 / (1 + np.exp(-2 * model.decision_function(X)))


def fit_steps(model_name, X, y, seed=0):
    """Ajusta el modelo por tramos: genera la fracción hecha (0–1) y, al final, devuelve el modelo."""
    model = MODELS[model_name](seed)
    if model_name == "red del curso (MLP)":
        for done in range(MLP_CHUNK, MLP_EPOCHS + 1, MLP_CHUNK):
            model.partial_fit(X, y, MLP_CHUNK)
            yield done / MLP_EPOCHS
    elif model_name in SLOW:
        for size in range(ENSEMBLE_CHUNK, ENSEMBLE_SIZE + 1, ENSEMBLE_CHUNK):
            model.set_params(n_estimators=size)
            model.fit(X, y)
            yield size / ENSEMBLE_SIZE
    else:
        model.fit(X, y)
        yield 1.0
    return model


def fit_family(dataset, noise, model_name, seed=0, progress=None):
    """Ajusta ``model_name`` a los datos y devuelve un :class:`Fit`. ``progress(fracción)`` si se da."""
    X_train, X_test, y_train, y_test = split_dataset(dataset, noise, seed)
    start = time.perf_counter()
    steps = fit_steps(model_name, X_train, y_train, seed)
    while True:
        try:
            fraction = next(steps)
        except StopIteration as end:
            model = end.value
            break
        if progress is not None:
            progress(fraction)
    seconds = time.perf_counter() - start
    accuracy = {name: float(np.mean((class_one_score(model, X) >= 0.5) == y))
                for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test))}
    grid = class_one_score(model, grid_points()).reshape(GRID, GRID)
    return Fit(model_name, grid, accuracy["train"], accuracy["test"], seconds)


# --- La demostración ----------------------------------------------------------------------------

class FamiliesDemo(Demo):
    title = "Los mismos datos, distintas familias de modelos"
    figsize = (11.5, 4.7)
    room_height_px = 420

    def __init__(self, dataset="lunas", noise=0.2, model="SVM con núcleo RBF", previous="regresión logística",
                 seed=0, background=True):
        style = slider_style()
        controls = {
            "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="datos", style=style),
            "noise": value_slider(noise, NOISE_LEVELS, "ruido", 1),
            "model": widgets.Dropdown(options=list(MODELS), value=model, description="modelo", style=style,
                                      layout=widgets.Layout(width="330px")),
        }
        self.seed, self.background = seed, background
        self.previous, self.current = previous, model
        self.fits, self.progress = {}, {}
        self._cache_lock = threading.Lock()
        self._queue, self._worker = [], None
        self._worker_lock = threading.Lock()
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["dataset"], c["noise"], c["model"]]]

    def setup(self, figure):
        # Disposición a mano, en píxeles: dos paneles cuadrados con su título de tres líneas encima.
        figure.set_layout_engine("none")
        width, height = figure.bbox.width, figure.bbox.height
        size = font(12)
        title, label = 3 * 1.3 * size + 6, 1.7 * size
        side = min(height - title - label - 6, width / 2 - 3 * size)
        self.panels, self.images, self.train_points, self.test_points, self.titles = [], [], [], [], []
        marker = 26 if size > 12 else 16
        for center in (width / 4, 3 * width / 4):
            ax = figure.add_axes([(center - side / 2) / width, (label + 4) / height, side / width, side / height])
            ax.set(xlim=(-LIMIT, LIMIT), ylim=(-LIMIT, LIMIT), xticks=[], yticks=[])
            ax.set_xlabel("○ entrenamiento   △ prueba", labelpad=2)
            self.panels.append(ax)
            self.images.append(ax.imshow(np.full((GRID, GRID), 0.5), extent=(-LIMIT, LIMIT, -LIMIT, LIMIT),
                                         origin="lower", cmap=BACKGROUND_CMAP, vmin=0, vmax=1, aspect="auto",
                                         interpolation="bilinear"))
            self.train_points.append(ax.scatter([], [], s=marker, edgecolors="white", linewidths=0.6))
            self.test_points.append(ax.scatter([], [], s=marker * 1.6, marker="^", edgecolors="black",
                                               linewidths=0.8))
            # El título es de PIL (RasterText): cambia en cada actualización. Más ancho que el panel (en la
            # sala, toda su mitad de la figura: la línea de la exactitud a 20 px no cabe en 1,5 paneles).
            wide = (width / 2 - 8) / side if self.mode == ROOM_MODE else 1.5
            self.titles.append(RasterText(ax, [0.5 - wide / 2, 1.0, wide, title / side], fontsize=12, ha="center"))
        # Solo los títulos se repintan en cada actualización. Las fronteras y los puntos van en el fondo,
        # que se guarda por (datos, modelos, ¿ajustados?): volver a una pareja ya vista es inmediato.
        self.animate(*(t.artist for t in self.titles))
        self._data_key = self._key = None

    def background_key(self):
        return self._key

    def _points(self, key):
        dataset, noise = key
        X_train, X_test, y_train, y_test = split_dataset(dataset, noise, self.seed)
        colors = np.array(CLASS_COLORS)
        for train, test in zip(self.train_points, self.test_points):
            train.set_offsets(X_train)
            train.set_facecolors(colors[y_train])
            test.set_offsets(X_test)
            test.set_facecolors(colors[y_test])
        self._data_key = key

    # -- ajustes: al instante los rápidos; los lentos, en un hilo aparte -----------------------------

    def _fit(self, key):
        """El ajuste de ``key`` = (datos, ruido, modelo) si ya está; si no, lo pide y devuelve ``None``."""
        with self._cache_lock:
            if key in self.fits:
                return self.fits[key]
        if not self.background or key[2] not in SLOW:
            fit = fit_family(*key, seed=self.seed)
            with self._cache_lock:
                self.fits[key] = fit
            return fit
        with self._worker_lock:
            if key not in self._queue:
                self._queue.append(key)
                self.progress.setdefault(key, 0.0)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, daemon=True)
                self._worker.start()
        return None

    def _work(self):
        while True:
            with self._worker_lock:
                # Lo que ya no está a la vista (se cambió de modelo o de datos mientras esperaba) no se ajusta.
                while self._queue and self._queue[0] not in self._shown_keys():
                    self.progress.pop(self._queue.pop(0), None)
                if not self._queue:
                    return
                key = self._queue[0]

            def report(fraction, key=key):
                self.progress[key] = fraction
                if key in self._shown_keys():
                    self.refresh()          # el progreso a la vista (la actualización es rápida)

            try:
                fit = fit_family(*key, seed=self.seed, progress=report)
            except Exception as exc:       # nunca una traza: se ve como mensaje
                self.failures.append(exc)
                fit = None
            with self._cache_lock:
                if fit is not None:
                    self.fits[key] = fit
            with self._worker_lock:
                self._queue.remove(key)
                self.progress.pop(key, None)
            if key in self._shown_keys():
                self.refresh()

    def wait(self, timeout=120):
        """Espera a que terminen los ajustes pendientes (para las pruebas y las imágenes fijas)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _shown_keys(self):
        v = self.values()
        return [(v["dataset"], float(v["noise"]), name) for name in (self.previous, self.current)]

    def update(self):
        v = self.values()
        if v["model"] != self.current:
            self.previous, self.current = self.current, v["model"]
        data_key = (v["dataset"], float(v["noise"]))
        if data_key != self._data_key:
            self._points(data_key)
        self.shown = []
        for image, title, name, role in zip(self.images, self.titles, (self.previous, self.current),
                                            ("antes", "ahora")):
            fit = self._fit(data_key + (name,))
            self.shown.append(fit)
            if fit is None:
                done = self.progress.get(data_key + (name,), 0.0)
                image.set_data(np.full((GRID, GRID), 0.5))
                title.set_text(f"{role}: {name}\najustando… {fmt(100 * done, 0)} %\n(la primera vez; después, al instante)")
            else:
                image.set_data(fit.grid)
                title.set_text(f"{role}: {name}\nexactitud: entrenamiento {number(fit.train_accuracy, 2)} · "
                               f"prueba {number(fit.test_accuracy, 2)}\ntiempo de ajuste: {_duration(fit.seconds)}")
        key = (data_key, self.previous, self.current, self.shown[0] is not None, self.shown[1] is not None)
        if key != self._key:
            self._key, self._background = key, None

    def caption(self):
        before, now = self.shown
        if before is None or now is None:
            return "Ajustando en segundo plano: puedes seguir moviendo los controles."
        gap = now.train_accuracy - now.test_accuracy
        text = (f"{now.model[0].upper() + now.model[1:]}: prueba {number(now.test_accuracy, 2)} frente a {number(before.test_accuracy, 2)} "
                f"de {before.model} ({N_POINTS * 1 // 3} puntos de prueba: una diferencia de 0,02 son 2 puntos).")
        if gap > 0.08:
            text += f" Entrenamiento {number(now.train_accuracy, 2)}: se aprende el ruido (sobreajuste)."
        return text


def _duration(seconds):
    return f"{fmt(1000 * seconds, 0)} ms" if seconds < 1 else f"{fmt(seconds, 1)} s"


def families(**initial_values):
    """Demostración de las familias de modelos (controles dataset, noise, model)."""
    return FamiliesDemo(**initial_values)
