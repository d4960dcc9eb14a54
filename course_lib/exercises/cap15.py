"""Ejercicios del capítulo 15: el proyecto final aplicado a casos nuevos.

- 15.1: el umbral de la teoría de la decisión cuando también cuestan los aciertos (una matriz de costes
  completa), que generaliza el p* = c_FP/(c_FP + c_FN) del cuaderno.
- 15.2: el proyecto entero, como una función, con otros costes y en un segundo conjunto de datos; la
  comprobación no compara con una solución única: verifica que la prueba se usa una sola vez, al final, y que
  las decisiones dependen de los costes.
- 15.3: encontrar las fugas de información en el proyecto de otra persona.
"""

import numpy as np

from ..checks import Exercise, Incorrect, _match_key, _number, call, expect_close, expect_letters

# --- 15.1 — El umbral de menor coste esperado con una matriz de costes completa -------------------------
#      Decir «positivo» cuesta p·c_VP + (1 − p)·c_FP; decir «negativo», p·c_FN + (1 − p)·c_VN. Conviene decir
#      «positivo» si p ≥ p* = (c_FP − c_VN) / ((c_FP − c_VN) + (c_FN − c_VP)) (con c_FN > c_VP y c_FP > c_VN).

CLAVES_COSTES = ("VP", "FN", "FP", "VN")


def umbral_optimo(costes):
    """p* = (c_FP − c_VN) / ((c_FP − c_VN) + (c_FN − c_VP)): el umbral que iguala los costes esperados."""
    evitar_fp = costes["FP"] - costes["VN"]
    evitar_fn = costes["FN"] - costes["VP"]
    return evitar_fp / (evitar_fp + evitar_fn)


_CASOS_COSTES = [
    {"VP": 0.0, "FN": 10.0, "FP": 1.0, "VN": 0.0},      # el del cuaderno: p* = 1/11
    {"VP": 2.0, "FN": 10.0, "FP": 3.0, "VN": 0.0},      # tratar a un enfermo también cuesta
    {"VP": 1.0, "FN": 4.0, "FP": 3.0, "VN": 1.0},       # hasta la prueba de un sano cuesta algo
    {"VP": 5.0, "FN": 50.0, "FP": 8.0, "VN": 0.5},
]


def _verify_umbral_optimo(function):
    for costes in _CASOS_COSTES:
        got = call(function, dict(costes))
        fp, fn, vp, vn = costes["FP"], costes["FN"], costes["VP"], costes["VN"]
        expect_close(
            got,
            umbral_optimo(costes),
            name="el umbral con costes " + ", ".join(f"{k} = {_number(v, 'g')}" for k, v in costes.items()),
            mistakes=[
                (fp / (fp + fn), "esa es la fórmula del cuaderno, que supone que acertar no cuesta nada; aquí los "
                                 "aciertos también cuestan. Escribe el coste esperado de decir «positivo» y el de decir "
                                 "«negativo» con los cuatro costes, e iguálalos."),
                ((fn - vp) / ((fp - vn) + (fn - vp)), "está al revés (es 1 − p*): con un falso negativo más caro, el "
                                                      "umbral debe BAJAR, para decir «positivo» con menos probabilidad."),
                ((fp - vn) / (fn - vp), "falta sumar en el denominador: p* = (c_FP − c_VN) / ((c_FP − c_VN) + "
                                        "(c_FN − c_VP)); con c_VP = c_VN = 0 debe salir c_FP/(c_FP + c_FN)."),
                ((fp + vn) / ((fp + vn) + (fn + vp)), "los costes de acertar se RESTAN: lo que importa es cuánto más "
                                                      "cuesta equivocarse que acertar (c_FP − c_VN y c_FN − c_VP)."),
                ((fp - vp) / ((fp - vp) + (fn - vn)), "emparejaste mal los costes: el falso positivo se compara con el "
                                                      "verdadero NEGATIVO (los dos son pacientes sanos), y el falso "
                                                      "negativo con el verdadero positivo (enfermos)."),
            ],
        )


def _fresh_costes(rng):
    vp, vn = float(rng.uniform(0, 5)), float(rng.uniform(0, 2))
    return ({"VP": vp, "FN": vp + float(rng.uniform(0.5, 50)), "FP": vn + float(rng.uniform(0.5, 20)), "VN": vn},)


# --- 15.2 — El proyecto con otros costes y en otro conjunto de datos ----------------------------------
#      proyecto(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp) → {"umbral", "probabilidades_prueba",
#      "coste_prueba"}: todo se decide con el entrenamiento y la prueba se usa una vez, al final.

UMBRALES = np.round(np.arange(0.01, 1.0, 0.01), 2)


def proyecto(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp):
    """Una solución de referencia (hay muchas válidas): regresión logística con estandarización; el umbral, el
    de menor coste en las predicciones fuera de pliegue (5 pliegues) del entrenamiento, y entre empates el más
    cercano a p* = c_FP/(c_FP + c_FN); la prueba, solo al final."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    modelo = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    fuera_de_pliegue = cross_val_predict(modelo, X_ent, y_ent, cv=StratifiedKFold(5), method="predict_proba")[:, 1]
    costes = np.array([coste_total(y_ent, fuera_de_pliegue, u, coste_fn, coste_fp) for u in UMBRALES])
    empatados = UMBRALES[costes == costes.min()]
    umbral = float(empatados[np.argmin(np.abs(empatados - coste_fp / (coste_fp + coste_fn)))])
    probabilidades = modelo.fit(X_ent, y_ent).predict_proba(X_pru)[:, 1]        # la prueba, una vez
    return {"umbral": umbral, "probabilidades_prueba": probabilidades,
            "coste_prueba": coste_total(y_pru, probabilidades, umbral, coste_fn, coste_fp)}


def coste_total(y, probabilidades, umbral, coste_fn, coste_fp):
    """coste_fn·FN + coste_fp·FP decidiendo «positivo» cuando la probabilidad es ≥ umbral."""
    positivo = np.asarray(probabilidades) >= umbral
    y = np.asarray(y)
    return float(coste_fn * np.sum(~positivo & (y == 1)) + coste_fp * np.sum(positivo & (y == 0)))


def _problemas():
    """Los dos problemas de la comprobación: el del cuaderno (cáncer de mama) y dígitos (¿es un 8?)."""
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.model_selection import train_test_split

    cancer = load_breast_cancer()
    digitos = load_digits()
    problemas = {}
    for nombre, X, y in [("cáncer de mama", cancer.data, 1 - cancer.target),       # 1 = maligno
                         ("dígitos (¿es un 8?)", digitos.data, (digitos.target == 8).astype(int))]:
        X_ent, X_pru, y_ent, y_pru = train_test_split(X, y, test_size=0.25, stratify=y, random_state=15)
        problemas[nombre] = (X_ent, y_ent, X_pru, y_pru)
    return problemas


_CLAVES_15_2 = ("umbral", "probabilidades_prueba", "coste_prueba")


def _resultado(result, n_pru):
    """(umbral, probabilidades, coste) de lo que devuelve la función del estudiante, o un Incorrect claro."""
    if isinstance(result, dict):
        dado = {}
        for clave, valor in result.items():
            propia = _match_key(clave, list(_CLAVES_15_2))
            if propia is not None:
                dado[propia] = valor
        faltan = [clave for clave in _CLAVES_15_2 if clave not in dado]
        if faltan:
            raise Incorrect(f"al diccionario le faltan las claves {', '.join(repr(f) for f in faltan)}.")
        umbral, probabilidades, coste = (dado[clave] for clave in _CLAVES_15_2)
    elif isinstance(result, (tuple, list)) and len(result) == 3:
        umbral, probabilidades, coste = result
    else:
        raise Incorrect('devuelve un diccionario {"umbral": …, "probabilidades_prueba": …, "coste_prueba": …}.')
    try:
        umbral, coste = float(umbral), float(coste)
        probabilidades = np.asarray(probabilidades, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Incorrect("el umbral y el coste deben ser números, y las probabilidades, un array de números.") from None
    if not 0 < umbral < 1:
        raise Incorrect(f"el umbral debe estar entre 0 y 1; recibí {_number(umbral, 'g')}.")
    if probabilidades.shape != (n_pru,):
        raise Incorrect(f"se esperaba una probabilidad por paciente de la prueba ({n_pru}); recibí un array de forma "
                        f"{probabilidades.shape}. Con predict_proba, quédate con la columna de la clase positiva: [:, 1].")
    if not np.all(np.isfinite(probabilidades)) or probabilidades.min() < 0 or probabilidades.max() > 1:
        raise Incorrect("las probabilidades deben estar entre 0 y 1.")
    return umbral, probabilidades, coste


def _auc(y, scores):
    """Área bajo la curva ROC por rangos (Mann–Whitney), sin scikit-learn."""
    y = np.asarray(y)
    ranks = np.empty(len(scores))
    order = np.argsort(scores, kind="mergesort")
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):                       # empates: rango medio
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    positives = y == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _verify_proyecto(function):
    rng = np.random.default_rng(152)   # una permutación fija de las etiquetas de la prueba (determinista)
    for nombre, (X_ent, y_ent, X_pru, y_pru) in _problemas().items():
        coste_fn, coste_fp = 3.0, 1.0
        args = (X_ent.copy(), y_ent.copy(), X_pru.copy(), y_pru.copy(), coste_fn, coste_fp)
        umbral, probabilidades, coste = _resultado(call(function, *args), len(y_pru))
        if _auc(y_pru, probabilidades) < 0.5:
            raise Incorrect(f"[{nombre}] tus probabilidades ordenan al revés a los pacientes: parecen las de la clase "
                            "NEGATIVA. Con predict_proba, la de la clase positiva (1) es la columna [:, 1].")
        propio = coste_total(y_pru, probabilidades, umbral, coste_fn, coste_fp)
        if not np.isclose(coste, propio):
            if np.isclose(coste, coste_total(y_pru, probabilidades, umbral, coste_fp, coste_fn)):
                raise Incorrect(f"[{nombre}] intercambiaste los costes al calcular el de la prueba: un falso negativo "
                                "cuesta coste_fn y un falso positivo, coste_fp.")
            if np.isclose(coste, propio / len(y_pru)):
                raise Incorrect(f"[{nombre}] diste el coste medio por paciente; se pide el coste total de la prueba, "
                                "coste_fn·FN + coste_fp·FP.")
            raise Incorrect(f"[{nombre}] el coste que das no es el de tus propias decisiones en la prueba (las "
                            "probabilidades que devuelves, con tu umbral y «positivo» si p ≥ umbral): ¿lo mediste en "
                            "otro conjunto, o con otros costes?")
        barajadas = y_pru.copy()
        while np.array_equal(barajadas, y_pru):
            barajadas = rng.permutation(y_pru)
        # Siempre las mismas llamadas y en el mismo orden (la edición de aula repite la comprobación llamada a
        # llamada): con las etiquetas de la prueba barajadas y, otra vez, con las de verdad.
        otra = call(function, X_ent.copy(), y_ent.copy(), X_pru.copy(), barajadas, coste_fn, coste_fp)
        repetida = call(function, *args)
        umbral_b, probabilidades_b, _ = _resultado(otra, len(y_pru))
        umbral_r, probabilidades_r, _ = _resultado(repetida, len(y_pru))
        if umbral_r != umbral or not np.allclose(probabilidades_r, probabilidades, atol=1e-9):
            raise Incorrect(f"[{nombre}] con los mismos datos, dos llamadas dan resultados distintos: fija las "
                            "semillas (random_state, nn.set_seed, fit(seed=…)) para que el proyecto se pueda "
                            "repetir y comprobar.")
        if umbral_b != umbral or not np.allclose(probabilidades_b, probabilidades, atol=1e-9):
            raise Incorrect(f"[{nombre}] tu umbral o tus probabilidades cambian cuando cambian las etiquetas de la "
                            "PRUEBA: las estás usando para decidir algo. Con la prueba no se elige nada (ni el umbral, "
                            "ni el modelo, ni cuándo parar): se mide una vez, al final.")
        if nombre.startswith("dígitos"):
            contrario = call(function, X_ent.copy(), y_ent.copy(), X_pru.copy(), y_pru.copy(), coste_fp, coste_fn)
            umbral_c, _, _ = _resultado(contrario, len(y_pru))
            if not umbral < umbral_c:
                raise Incorrect(f"[{nombre}] con un falso negativo 3 veces más caro que un falso positivo tu umbral es "
                                f"{_number(umbral, 'g')}, y con los costes al revés, {_number(umbral_c, 'g')}: debería "
                                "ser MÁS BAJO cuando perder un positivo cuesta más. ¿Usa tu umbral coste_fn y coste_fp?")


def _proyecto_umbral_fijo(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp):
    """Error típico: el umbral de siempre, 0,5, sin mirar los costes."""
    resultado = proyecto(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp)
    p = resultado["probabilidades_prueba"]
    return {"umbral": 0.5, "probabilidades_prueba": p, "coste_prueba": coste_total(y_pru, p, 0.5, coste_fn, coste_fp)}


def _proyecto_mirando_la_prueba(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp):
    """Error típico: elegir el umbral con el coste de la PRUEBA."""
    resultado = proyecto(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp)
    p = resultado["probabilidades_prueba"]
    costes = [coste_total(y_pru, p, u, coste_fn, coste_fp) for u in UMBRALES]
    umbral = float(UMBRALES[int(np.argmin(costes))])
    return {"umbral": umbral, "probabilidades_prueba": p, "coste_prueba": min(costes)}


def _proyecto_coste_de_validacion(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp):
    """Error típico: dar como «coste de prueba» el de la validación cruzada."""
    resultado = proyecto(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp)
    return {**resultado, "coste_prueba": resultado["coste_prueba"] + 7.0}


def _proyecto_clase_negativa(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp):
    resultado = proyecto(X_ent, y_ent, X_pru, y_pru, coste_fn, coste_fp)
    p = 1 - resultado["probabilidades_prueba"]
    return {**resultado, "probabilidades_prueba": p,
            "coste_prueba": coste_total(y_pru, p, resultado["umbral"], coste_fn, coste_fp)}


# --- 15.3 — ¿Dónde se fuga la información? -----------------------------------------------------------------

FUGAS_OPCIONES = ("a", "b", "c", "d", "e", "f", "g")
FUGAS = ("a", "c", "d", "g")
_EXPLICACIONES_FUGAS = {
    "b": "elegir el umbral con validación cruzada DENTRO del entrenamiento es justo lo que hay que hacer: la prueba "
         "no interviene.",
    "e": "parar con la validación (un trozo del entrenamiento) es correcto: la prueba sigue sin tocarse.",
    "f": "medir la prueba una sola vez, al final, es lo correcto; la fuga sería repetirla para decidir algo.",
}


def _verify_fugas(answer):
    expect_letters(answer, FUGAS, FUGAS_OPCIONES, _EXPLICACIONES_FUGAS,
                   missing="hay más pasos que dejan pasar información de la prueba al modelo: para cada paso que no "
                           "marcaste, pregúntate si algo de lo que se decide en él «ha visto» los datos de prueba.")


EXERCISES = [
    Exercise(
        id="15.1",
        title="El umbral de menor coste con una matriz de costes",
        verify=_verify_umbral_optimo,
        solution=umbral_optimo,
        hint=("es la misma deducción del cuaderno con dos términos más: con probabilidad p de que sea positivo, escribe "
              "el coste esperado de decir «positivo» y el de decir «negativo», ahora con los cuatro costes.",
              "el umbral es la p en la que los dos costes esperados son iguales: iguálalos y despeja p. Comprueba tu "
              "fórmula con c_VP = c_VN = 0, que debe dar la del cuaderno."),
        mistakes=[
            (lambda c: c["FP"] / (c["FP"] + c["FN"]), "acertar no cuesta nada"),
            (lambda c: 1 - umbral_optimo(c), "al revés"),
            (lambda c: (c["FP"] - c["VN"]) / (c["FN"] - c["VP"]), "falta sumar"),
            (lambda c: (c["FP"] + c["VN"]) / (c["FP"] + c["VN"] + c["FN"] + c["VP"]), "se RESTAN"),
            (lambda c: (c["FP"] - c["VP"]) / ((c["FP"] - c["VP"]) + (c["FN"] - c["VN"])), "emparejaste mal"),
        ],
        fresh=_fresh_costes,
    ),
    Exercise(
        id="15.2",
        title="El proyecto, en otro problema y con otros costes",
        verify=_verify_proyecto,
        solution=proyecto,
        hint=("separa las decisiones de la medida: el modelo y el umbral se eligen solo con el entrenamiento (y lo que "
              "saques de él, como una validación o una validación cruzada); la prueba entra en la última línea.",
              "empieza por el umbral p* = c_FP/(c_FP + c_FN) del cuaderno; si quieres afinarlo, calcula probabilidades "
              "fuera de pliegue del entrenamiento (`cross_val_predict` con `method=\"predict_proba\"`) y busca el "
              "umbral de menor coste con ellas. Fija las semillas."),
        mistakes=[
            (_proyecto_umbral_fijo, "debería ser MÁS BAJO"),
            (_proyecto_mirando_la_prueba, "cambian cuando cambian las etiquetas de la PRUEBA"),
            (_proyecto_coste_de_validacion, "no es el de tus propias decisiones"),
            (_proyecto_clase_negativa, "ordenan al revés"),
            (lambda *args: 0.5, "devuelve un diccionario"),
        ],
    ),
    Exercise(
        id="15.3",
        title="¿Dónde se fuga la información?",
        verify=_verify_fugas,
        solution="a, c, d, g",
        hint=("una fuga es cualquier paso en el que algo que el modelo usa (un escalador, una selección, un umbral, una "
              "arquitectura) se decide habiendo visto los datos de prueba, aunque sea de forma indirecta.",
              "repasa cada paso preguntándote con QUÉ datos se calcula lo que decide; y piensa que varias lecturas de "
              "la misma máquina se parecen mucho entre sí: ¿dónde acaban?"),
        mistakes=[
            ("a, c, d, g, b", "«b»"),
            ("a, c, d, e, g", "«e»"),
            ("a, c, d, f, g", "«f»"),
            ("a, d, g", "hay más pasos"),
            ("a, c, d, g, h", "las opciones son las letras"),
        ],
    ),
]
