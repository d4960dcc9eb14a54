"""Conjuntos de datos del curso y utilidades de preparación.

Todo funciona sin conexión: los pingüinos y 10 000 dígitos MNIST viajan con el curso
(``data/penguins.csv``, ``data/mnist_10k.npz``), los dígitos 8×8 y las fotos de ejemplo vienen con scikit-learn, y los conjuntos de juguete en 2-D se generan aquí
con ruido y semilla. Las divisiones, el escalado y el one-hot reutilizan scikit-learn.
"""

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .nn.validation import CourseError, check_number, check_positive_int, unknown_name_error

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PENGUIN_FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
PENGUIN_SPECIES = ["Adelie", "Chinstrap", "Gentoo"]


def _penguins_path():
    """Ruta del CSV que viaja con el curso."""
    path = DATA_DIR / "penguins.csv"
    if not path.exists():
        raise CourseError(
            f"No se encontró {path}. Se esperaba la carpeta data/ junto a course_lib (instala el "
            "curso con «pip install -e .» desde el repositorio clonado)."
        )
    return path


def load_penguins(dropna=False):
    """Palmer Penguins (Horst, Hill y Gorman, 2020; licencia CC0) como ``DataFrame`` de pandas.

    344 pingüinos de 3 especies (Adelie, Chinstrap, Gentoo) con las columnas ``species``,
    ``island``, ``bill_length_mm``, ``bill_depth_mm``, ``flipper_length_mm``, ``body_mass_g``,
    ``sex`` y ``year``. Con ``dropna=True`` se eliminan las filas con algún valor faltante (333).
    """
    df = pd.read_csv(_penguins_path())
    return df.dropna().reset_index(drop=True) if dropna else df


def penguins_xy():
    """Las 4 medidas numéricas (``X``, forma (m, 4)) y la especie codificada 0, 1, 2 (``y``).

    Elimina las filas sin medidas; el orden de las clases es ``PENGUIN_SPECIES``.
    """
    df = load_penguins().dropna(subset=PENGUIN_FEATURES + ["species"])
    X = df[PENGUIN_FEATURES].to_numpy(dtype=np.float64)
    y = df["species"].map({name: i for i, name in enumerate(PENGUIN_SPECIES)}).to_numpy()
    return X, y


def load_digits_images():
    """Los dígitos manuscritos de scikit-learn como imágenes NHWC.

    Devuelve ``(X, y)`` con ``X`` de forma (1797, 8, 8, 1) y valores en [0, 1] (el original va de
    0 a 16) e ``y`` con el dígito 0–9.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = (digits.images / 16.0)[..., np.newaxis]
    return X, digits.target


MNIST_COUNTS = (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)


def load_mnist():
    """10 000 dígitos manuscritos MNIST de 28×28 (LeCun, Cortes y Burges; CC BY-SA 3.0) como imágenes NHWC.

    Devuelve ``(X, y)`` con ``X`` de forma (10000, 28, 28, 1) y valores en [0, 1] (el archivo guarda
    enteros 0–255: x = píxel / 255) e ``y`` con el dígito 0–9. Vienen ordenados por dígito (primero
    los 1001 ceros, después los 1127 unos…): baraja o divide con estratificación antes de usarlos.
    Procedencia y licencia en ``data/README.md``.
    """
    path = DATA_DIR / "mnist_10k.npz"
    if not path.exists():
        raise CourseError(
            f"No se encontró {path}. Se esperaba la carpeta data/ junto a course_lib (instala el "
            "curso con «pip install -e .» desde el repositorio clonado)."
        )
    with np.load(path) as archive:
        images, labels = archive["images"], archive["labels"]
    return (images / 255.0)[..., np.newaxis], labels.astype(np.int64)


def load_sample_photo(name="china.jpg", gray=False):
    """Una de las dos fotos que incluye scikit-learn (``"china.jpg"`` o ``"flower.jpg"``).

    Devuelve un array (alto, ancho, 3) con valores en [0, 1]; con ``gray=True``, (alto, ancho) en
    escala de grises (luminancia ITU-R BT.601: 0,299·R + 0,587·G + 0,114·B).
    """
    from sklearn.datasets import load_sample_image

    if name not in ("china.jpg", "flower.jpg"):
        raise unknown_name_error("foto", name, ["china.jpg", "flower.jpg"])
    image = load_sample_image(name).astype(np.float64) / 255.0
    if gray:
        return image @ np.array([0.299, 0.587, 0.114])
    return image


# --- Conjuntos de juguete en 2-D (los de TensorFlow Playground y alguno más) -------------------

def _circle(n, rng):
    """Clase 1 dentro de un círculo de radio 0,5·r; clase 0 en un anillo exterior."""
    radius = 5.0
    inner = rng.uniform(0, radius * 0.5, n // 2)
    outer = rng.uniform(radius * 0.7, radius, n - n // 2)
    r = np.concatenate([inner, outer])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    y = np.concatenate([np.ones(n // 2), np.zeros(n - n // 2)])
    return X, y


def _xor(n, rng):
    """Clase 1 si x1 y x2 tienen el mismo signo (el problema que un perceptrón no resuelve)."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.sign(X) * 0.3  # un pequeño margen alrededor de los ejes, como en Playground
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X, y


def _gaussians(n, rng):
    """Dos nubes gaussianas centradas en (2, 2) y (−2, −2)."""
    half = n // 2
    X = np.vstack([rng.normal(2, 1, (half, 2)), rng.normal(-2, 1, (n - half, 2))])
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    return X, y


def _spiral(n, rng):
    """Dos espirales entrelazadas."""
    half = n // 2
    parts, labels = [], []
    for label, delta, count in ((1, 0.0, half), (0, np.pi, n - half)):
        t = np.linspace(0, 1, count)
        r = 5 * t
        angle = 1.75 * t * 2 * np.pi + delta
        parts.append(np.column_stack([r * np.sin(angle), r * np.cos(angle)]))
        labels.append(np.full(count, label, dtype=float))
    return np.vstack(parts), np.concatenate(labels)


def _moons(n, rng):
    """Dos medias lunas (``sklearn.datasets.make_moons``), escaladas al rango de las demás."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n, noise=0.0, random_state=int(rng.integers(2**31)))
    return (X - [0.5, 0.25]) * 3.0, y.astype(float)


CLASSIFICATION_DATASETS = {
    "círculo": _circle,
    "xor": _xor,
    "gaussianas": _gaussians,
    "espiral": _spiral,
    "lunas": _moons,
}


def make_classification_2d(name="círculo", n=200, noise=0.0, seed=0):
    """Conjunto de clasificación binaria en 2-D: ``X`` (n, 2) en torno a [−6, 6]² e ``y`` ∈ {0, 1}.

    ``name``: ``"círculo"``, ``"xor"``, ``"gaussianas"``, ``"espiral"`` o ``"lunas"``.
    ``noise`` ∈ [0, 1]: desviación típica del ruido gaussiano añadido, en unidades de 1/2 del
    radio de los datos (como el ruido 0–50 de TensorFlow Playground dividido entre 100).
    """
    if name not in CLASSIFICATION_DATASETS:
        raise unknown_name_error("conjunto de datos", name, CLASSIFICATION_DATASETS, masculine=True)
    n = check_positive_int(n, "n", minimum=2)
    noise = check_number(noise, "noise", 0.0, 1.0)
    rng = np.random.default_rng(seed)
    X, y = CLASSIFICATION_DATASETS[name](n, rng)
    X = X + rng.normal(0, noise * 2.5, X.shape)
    return X, y.astype(int)


def _plane(X):
    return X[:, 0] / 10 + X[:, 1] / 10


def _gaussian_bumps(X):
    centers = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    return sum(sign * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / 2) for cx, cy, sign in centers)


REGRESSION_DATASETS = {"plano": _plane, "gaussiana": _gaussian_bumps}


def make_regression_2d(name="plano", n=200, noise=0.0, seed=0):
    """Conjunto de regresión en 2-D: ``X`` uniforme en [−6, 6]² e ``y`` = f(X) + ruido.

    ``"plano"``: y = x1/10 + x2/10; ``"gaussiana"``: seis campanas de signo alterno.
    """
    if name not in REGRESSION_DATASETS:
        raise unknown_name_error("conjunto de datos", name, REGRESSION_DATASETS, masculine=True)
    n = check_positive_int(n, "n", minimum=2)
    noise = check_number(noise, "noise", 0.0, 1.0)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-6, 6, (n, 2))
    y = REGRESSION_DATASETS[name](X) + rng.normal(0, noise, n)
    return X, y


def make_regression_1d(n=30, noise=0.3, seed=0, function="seno"):
    """Regresión en 1-D para ajustes polinómicos: x uniforme en [0, 1], y = f(x) + ruido.

    ``function``: ``"seno"`` (y = sin(2πx)), como en Bishop (2006, cap. 1), o ``"lineal"``.
    """
    functions = {"seno": lambda x: np.sin(2 * np.pi * x), "lineal": lambda x: 2 * x - 1}
    if function not in functions:
        raise unknown_name_error("función", function, functions)
    n = check_positive_int(n, "n", minimum=2)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 1, n))
    return x, functions[function](x) + rng.normal(0, noise, n)


# --- Divisiones, escalado y one-hot (con scikit-learn) ----------------------------------------

def train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=0, stratify=True):
    """Divide en entrenamiento, validación y prueba, estratificando por ``y`` si se pide.

    Devuelve ``X_train, X_val, X_test, y_train, y_val, y_test``. Usa dos llamadas a
    ``sklearn.model_selection.train_test_split``: primero se separa la prueba y luego, del resto,
    la validación, de modo que las proporciones finales son las pedidas.
    """
    val_size = check_number(val_size, "val_size", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    test_size = check_number(test_size, "test_size", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    if val_size + test_size >= 1:
        raise CourseError(
            f"val_size + test_size debe ser menor que 1; se recibió {val_size} + {test_size}."
        )
    strat = y if stratify else None
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=strat
    )
    strat = y_rest if stratify else None
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_size / (1 - test_size), random_state=seed, stratify=strat
    )
    return X_train, X_val, X_test, y_train, y_val, y_test


def one_hot(y, num_classes=None):
    """Codificación one-hot de etiquetas enteras 0…K−1: forma (m,) → (m, K).

    Es lo que hace ``keras.utils.to_categorical``; aquí se apoya en ``OneHotEncoder``.
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu" or (y.size and y.min() < 0):
        raise CourseError(
            f"one_hot: se esperaban etiquetas enteras no negativas de forma (m,); "
            f"se recibió un array de forma {y.shape} y tipo {y.dtype}."
        )
    k = int(y.max()) + 1 if num_classes is None else check_positive_int(num_classes, "num_classes")
    if y.size and y.max() >= k:
        raise CourseError(f"one_hot: hay una etiqueta {int(y.max())} pero solo {k} clases (0…{k - 1}).")
    encoder = OneHotEncoder(categories=[np.arange(k)], sparse_output=False, dtype=np.float64)
    return encoder.fit_transform(y.reshape(-1, 1))


def standardize(X_train, *others):
    """Estandariza con la media y la desviación típica del **entrenamiento** (sin fuga de datos).

    x' = (x − μ_train) / σ_train. Devuelve los arrays transformados y el ``StandardScaler``
    ajustado, para aplicarlo después a datos nuevos.
    """
    scaler = StandardScaler().fit(X_train)
    return (scaler.transform(X_train), *(scaler.transform(X) for X in others), scaler)
