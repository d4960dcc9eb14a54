"""Ejercicios del capítulo 07: datos y preprocesamiento."""

import numpy as np

from ..checks import Exercise, Incorrect, call, expect_choice, expect_close

# --- 07.1 — ¿Con qué datos se ajusta el escalador? ----------------------------------------------

OPCIONES_ESCALADOR = ["todos", "entrenamiento", "entrenamiento y validación", "prueba"]
EXPLICACIONES_ESCALADOR = {
    "todos": (
        "si μ y σ se calculan con todos los datos, la información de validación y prueba se filtra "
        "en el entrenamiento (fuga de datos) y la evaluación sale optimista."
    ),
    "entrenamiento y validación": (
        "la validación sirve para elegir el modelo como si fueran datos nuevos: si el escalador la ha "
        "visto, esa estimación deja de ser fiable (sale optimista)."
    ),
    "prueba": "la prueba solo se usa al final, una vez, para medir el rendimiento real; nunca para ajustar nada.",
}


SINONIMOS_ESCALADOR = {
    "train": "entrenamiento", "training": "entrenamiento", "training set": "entrenamiento",
    "datos de entrenamiento": "entrenamiento", "solo entrenamiento": "entrenamiento",
    "solo el de entrenamiento": "entrenamiento", "ent": "entrenamiento",
    "todos los datos": "todos", "all": "todos", "el conjunto completo": "todos",
    "validación y entrenamiento": "entrenamiento y validación", "train y validación": "entrenamiento y validación",
    "training and validation": "entrenamiento y validación",
    "test": "prueba", "testing": "prueba", "test set": "prueba", "datos de prueba": "prueba",
}


def _verify_escalador(answer):
    expect_choice(answer, "entrenamiento", OPCIONES_ESCALADOR, EXPLICACIONES_ESCALADOR, synonyms=SINONIMOS_ESCALADOR)


# --- 07.2 — Estandarizar con los estadísticos del entrenamiento ----------------------------------

def estandarizar(X_train, X_nuevo):
    """Estandariza X_nuevo con μ y σ de cada columna de X_train: (x − μ_train) / σ_train."""
    X_train = np.asarray(X_train, dtype=float)
    mu = X_train.mean(axis=0)
    sigma = X_train.std(axis=0)
    return (np.asarray(X_nuevo, dtype=float) - mu) / sigma


def _datos_estandarizar():
    rng = np.random.default_rng(7)
    X_train = rng.normal([40.0, 17.0, 4000.0], [5.0, 2.0, 800.0], size=(20, 3))
    X_nuevo = rng.normal([46.0, 15.0, 5000.0], [3.0, 1.0, 400.0], size=(7, 3))
    return X_train, X_nuevo


def _fresh_estandarizar(rng):
    n = int(rng.integers(2, 5))
    centro, escala = rng.normal(0, 50, size=n), rng.uniform(0.5, 20, size=n)
    return (rng.normal(centro, escala, size=(int(rng.integers(8, 30)), n)),
            rng.normal(centro, escala, size=(int(rng.integers(2, 8)), n)))


def _verify_estandarizar(function):
    X_train, X_nuevo = _datos_estandarizar()
    got = call(function, X_train.copy(), X_nuevo.copy())
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    expect_close(
        got,
        (X_nuevo - mu) / sigma,
        name="X_nuevo estandarizado",
        mistakes=[
            ((X_nuevo - X_nuevo.mean(axis=0)) / X_nuevo.std(axis=0),
             "calculaste μ y σ con los datos nuevos: hay que usar los del entrenamiento (si no, cada "
             "conjunto se escala distinto y, con la prueba, hay fuga de datos)."),
            ((X_nuevo - mu) / X_train.std(axis=0, ddof=1),
             "usaste la desviación típica muestral (ddof=1, la de pandas .std()); StandardScaler usa "
             "ddof=0, la de NumPy np.std por defecto."),
            (X_nuevo - mu, "solo restaste la media: falta dividir entre σ de cada columna."),
            ((X_nuevo - X_train.mean()) / X_train.std(),
             "calculaste una sola media y una sola σ para toda la matriz: usa axis=0 (una por columna)."),
            ((X_nuevo - X_train.min(axis=0)) / (X_train.max(axis=0) - X_train.min(axis=0)),
             "eso es normalizar (min-max), no estandarizar: z = (x − μ) / σ."),
        ],
    )


# --- 07.3 — Codificación one-hot de las etiquetas -----------------------------------------------

def one_hot(y, K):
    """Matriz (m, K) con un 1 en la columna de la clase de cada ejemplo y 0 en las demás."""
    y = np.asarray(y, dtype=int)
    Y = np.zeros((y.size, K))
    Y[np.arange(y.size), y] = 1.0
    return Y


def _verify_one_hot(function):
    for y, K in (([2, 0, 1, 1, 0], 3), ([3, 1, 4, 0, 2, 4, 1], 5), ([0, 0, 1], 2)):
        y = np.array(y)
        got = call(function, y.copy(), K)
        expected = np.eye(K)[y]
        expect_close(
            got,
            expected,
            name=f"one_hot({y.tolist()}, {K})",
            mistakes=[
                (expected[:, 1:], "quitaste la primera columna (como drop_first): para las etiquetas de "
                                  "salida hacen falta las K columnas, una probabilidad por clase."),
                (np.eye(K)[y - 1], "el 1 está una columna desplazado: la clase k va en la columna k "
                                   "(empezando en 0)."),
                (1.0 - expected, "invertiste ceros y unos: la columna de la clase lleva el 1."),
            ],
        )


# --- 07.4 — Distancia haversine ------------------------------------------------------------------

RADIO_TIERRA_KM = 6371.0


def haversine(lat1, lon1, lat2, lon2):
    """Distancia de círculo máximo en km entre puntos dados en grados (radio medio 6371 km).

    a = sin²(Δφ/2) + cos φ₁ · cos φ₂ · sin²(Δλ/2);  d = 2R · arcsin(√a).
    """
    phi1, lam1, phi2, lam2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    return 2 * RADIO_TIERRA_KM * np.arcsin(np.sqrt(a))


# Madrid, Barcelona, Sevilla, Buenos Aires, Ciudad de México, Bogotá (latitud, longitud en grados).
_CIUDADES = np.array([
    [40.4168, -3.7038], [41.3874, 2.1686], [37.3891, -5.9845],
    [-34.6037, -58.3816], [19.4326, -99.1332], [4.7110, -74.0721],
])


def _haversine_grados_sin_convertir(lat1, lon1, lat2, lon2):
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * RADIO_TIERRA_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _verify_haversine(function):
    origen = np.repeat(_CIUDADES[:1], len(_CIUDADES) - 1, axis=0)
    destino = _CIUDADES[1:]
    args = (origen[:, 0], origen[:, 1], destino[:, 0], destino[:, 1])
    got = call(function, *(a.copy() for a in args))
    expected = haversine(*args)
    if np.ndim(got) == 0:
        raise Incorrect("devolviste un solo número: la función debe aceptar arrays y devolver una distancia por par.")
    expect_close(
        got,
        expected,
        name="la distancia (km)",
        rtol=1e-4,
        mistakes=[
            (_haversine_grados_sin_convertir(*args),
             "no pasaste los grados a radianes: np.sin y np.cos esperan radianes (usa np.radians)."),
            (expected / 2, "falta el factor 2: d = 2R · arcsin(√a)."),
            (expected / RADIO_TIERRA_KM, "devolviste el ángulo central en radianes: multiplica por el radio (6371 km)."),
            (111.195 * np.hypot(destino[:, 0] - origen[:, 0], destino[:, 1] - origen[:, 1]),
             "eso es la distancia euclídea en grados (×111 km): no sirve, porque un grado de longitud "
             "mide menos cuanto más lejos del ecuador."),
        ],
    )


# --- 07.5 — Atípicos con la puntuación z robusta (mediana y MAD) -----------------------------------

def atipicos_mad(x, umbral=3.5):
    """Máscara de los valores con |z robusta| > umbral, z = 0,6745·(x − mediana)/MAD (Iglewicz y Hoaglin, 1993).

    MAD = mediana de |x − mediana| (desviación absoluta mediana); 0,6745 la hace comparable con σ en datos normales.
    """
    x = np.asarray(x, dtype=float)
    mediana = np.median(x)
    mad = np.median(np.abs(x - mediana))
    return np.abs(0.6745 * (x - mediana) / mad) > umbral


def _datos_atipicos():
    # 60 lecturas alrededor de 20 (°C) y seis fallos a distintas distancias; dos de ellos enormes.
    base = 20 + 0.5 * np.sin(np.arange(60)) + np.linspace(-0.4, 0.4, 60)
    return np.concatenate([base, [22.2, 17.9, 24.0, 15.5, 95.0, -20.0]])


def _mad_con_media(x, umbral=3.5):
    x = np.asarray(x, dtype=float)
    return np.abs(0.6745 * (x - x.mean()) / np.median(np.abs(x - x.mean()))) > umbral


def _mad_sin_constante(x, umbral=3.5):
    x = np.asarray(x, dtype=float)
    mediana = np.median(x)
    return np.abs((x - mediana) / np.median(np.abs(x - mediana))) > umbral


def _mad_sin_valor_absoluto(x, umbral=3.5):
    x = np.asarray(x, dtype=float)
    mediana = np.median(x)
    return 0.6745 * (x - mediana) / np.median(np.abs(x - mediana)) > umbral


def _mask_zscore(x, umbral=3.5):
    x = np.asarray(x, dtype=float)
    return np.abs((x - x.mean()) / x.std()) > umbral


def _verify_atipicos(function):
    x = _datos_atipicos()
    for umbral in (8.0, 3.5):
        got = np.asarray(call(function, x.copy(), umbral))
        if got.shape != x.shape:
            raise Incorrect(
                f"se esperaba una máscara con un valor por dato, forma {x.shape}; recibí forma {got.shape} "
                "(¿devolviste los valores atípicos en lugar de la máscara booleana?)."
            )
        expected = atipicos_mad(x, umbral)
        expect_close(
            got.astype(float),
            expected.astype(float),
            name=f"la máscara con umbral {umbral}",
            mistakes=[
                (atipicos_mad(x, 3.5).astype(float) if umbral != 3.5 else np.full(x.shape, np.nan),
                 "ignoras el argumento umbral: con un umbral mayor deben salir menos atípicos."),
                (_mask_zscore(x, umbral).astype(float),
                 "eso es la puntuación z con la media y σ: los dos fallos enormes inflan σ y esconden a los demás "
                 "(enmascaramiento). Usa la mediana y la MAD, que apenas se mueven."),
                (_mad_con_media(x, umbral).astype(float),
                 "centraste con la MEDIA, que los fallos enormes arrastran; la z robusta se centra en la mediana."),
                (_mad_sin_constante(x, umbral).astype(float),
                 "falta el factor 0,6745, que hace la MAD comparable con σ en datos normales."),
                (_mad_sin_valor_absoluto(x, umbral).astype(float),
                 "solo marcas los atípicos por arriba: compara |z| con el umbral, también los muy bajos."),
                ((~expected).astype(float), "la máscara está invertida: True debe marcar los atípicos."),
            ],
        )


def _fresh_one_hot(rng):
    K = int(rng.integers(2, 7))
    return rng.integers(0, K, size=int(rng.integers(3, 15))), K


def _fresh_haversine(rng):
    n = int(rng.integers(2, 6))
    return (rng.uniform(-80, 80, size=n), rng.uniform(-180, 180, size=n),
            rng.uniform(-80, 80, size=n), rng.uniform(-180, 180, size=n))


EXERCISES = [
    Exercise(
        id="07.1",
        title="¿Con qué datos se ajusta el escalador?",
        verify=_verify_escalador,
        solution="entrenamiento",
        hint=("el escalador también «aprende» de los datos (su media y su desviación): trátalo como a los pesos de "
              "la red.",
              "la validación y la prueba deben simular datos que llegarán en el futuro: ¿los conocerías al "
              "preparar el modelo?"),
        mistakes=[
            ("todos", "fuga de datos"),
            ("prueba", "solo se usa al final"),
            ("entrenamiento y validación", "deja de ser fiable"),
            ("test", "solo se usa al final"),
            ("validación", "debe ser una de"),
        ],
    ),
    Exercise(
        id="07.2",
        title="Estandarizar con los estadísticos del entrenamiento",
        verify=_verify_estandarizar,
        solution=estandarizar,
        hint=("la media y la desviación típica se calculan UNA vez, con el entrenamiento, y se aplican a cualquier "
              "conjunto nuevo: así todos se escalan igual y no hay fuga de datos.",
              "una media y una desviación por columna (característica): con `axis=0`. Ojo con la desviación: "
              "StandardScaler usa la de NumPy por defecto (ddof=0), no la de pandas."),
        mistakes=[
            (lambda Xt, Xn: (Xn - Xn.mean(axis=0)) / Xn.std(axis=0), "datos nuevos"),
            (lambda Xt, Xn: (Xn - Xt.mean(axis=0)) / Xt.std(axis=0, ddof=1), "ddof=1"),
            (lambda Xt, Xn: Xn - Xt.mean(axis=0), "solo restaste la media"),
            (lambda Xt, Xn: (Xn - Xt.mean()) / Xt.std(), "axis=0"),
            (lambda Xt, Xn: (Xn - Xt.min(axis=0)) / (Xt.max(axis=0) - Xt.min(axis=0)), "min-max"),
            (lambda Xt, Xn: ((Xn - Xt.mean(axis=0)) / Xt.std(axis=0)).T, "traspuesta"),
        ],
        fresh=_fresh_estandarizar,
        forbidden=("sklearn.preprocessing.StandardScaler", "course_lib.data.standardize",
                   "sklearn.preprocessing.scale"),
    ),
    Exercise(
        id="07.3",
        title="Codificación one-hot",
        verify=_verify_one_hot,
        solution=one_hot,
        hint=("cada fila de la matriz es un ejemplo y cada columna, una clase; en cada fila hay un único 1, en la "
              "columna de su clase.",
              "parte de una matriz de ceros de forma (m, K) y pon los unos con el indexado de NumPy: en la fila i, "
              "la columna y[i] (`np.arange(m)` da todas las filas a la vez)."),
        mistakes=[
            (lambda y, K: np.eye(K)[y][:, 1:], "primera columna"),
            (lambda y, K: np.eye(K)[y - 1], "desplazado"),
            (lambda y, K: 1.0 - np.eye(K)[y], "invertiste"),
            (lambda y, K: np.eye(K)[y].T, "traspuesta"),
        ],
        fresh=_fresh_one_hot,
        forbidden=("course_lib.nn.to_categorical", "pandas.get_dummies", "pandas.core.reshape.encoding.get_dummies",
                   "sklearn.preprocessing.OneHotEncoder", "sklearn.preprocessing.LabelBinarizer",
                   "keras.src.utils.numerical_utils.to_categorical"),
    ),
    Exercise(
        id="07.4",
        title="Distancia haversine",
        verify=_verify_haversine,
        solution=haversine,
        hint=("es la fórmula de la sección 11 tal cual; el error más frecuente está en las unidades de los ángulos.",
              "np.sin y np.cos trabajan en radianes y los datos vienen en grados: convierte las cuatro coordenadas "
              "(`np.radians`) antes de nada. Comprueba Madrid–Barcelona: unos 505 km."),
        mistakes=[
            (_haversine_grados_sin_convertir, "radianes"),
            (lambda *a: haversine(*a) / 2, "factor 2"),
            (lambda *a: haversine(*a) / RADIO_TIERRA_KM, "multiplica por el radio"),
            (lambda la1, lo1, la2, lo2: 111.195 * np.hypot(la2 - la1, lo2 - lo1), "euclídea"),
            (lambda *a: 505.0, "un solo número"),
        ],
        fresh=_fresh_haversine,
    ),
    Exercise(
        id="07.5",
        title="Atípicos con la puntuación z robusta",
        verify=_verify_atipicos,
        solution=atipicos_mad,
        hint=("es la puntuación z de siempre con dos cambios: el centro es la mediana (no la media) y la escala es "
              "la MAD (no la desviación típica); las dos apenas se mueven aunque haya atípicos enormes.",
              "calcula la mediana, después la MAD (la mediana de las distancias a la mediana), después z con el factor "
              "0,6745, y compara |z| con el umbral: el resultado es un array de True/False del tamaño de x."),
        mistakes=[
            (_mask_zscore, "enmascaramiento"),
            (_mad_con_media, "centraste con la MEDIA"),
            (_mad_sin_constante, "0,6745"),
            (_mad_sin_valor_absoluto, "|z|"),
            (lambda x, umbral=3.5: ~atipicos_mad(x, umbral), "invertida"),
            (lambda x, umbral=3.5: atipicos_mad(x, 3.5), "ignoras el argumento umbral"),
            (lambda x, umbral=3.5: np.asarray(x)[atipicos_mad(x, umbral)], "máscara con un valor por dato"),
        ],
        fresh=lambda rng: (np.concatenate([rng.normal(20, 1, size=40), rng.normal(20, 15, size=4)]),
                           float(rng.uniform(2.5, 6.0))),
        forbidden=("scipy.stats.median_abs_deviation",),
    ),
]
