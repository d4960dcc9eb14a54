"""El proyecto final (capítulo 15): datos, división, modelos, probabilidades fuera de pliegue y coste.

El cálculo reutilizable del cuaderno 15, en un solo sitio, para que el cuaderno, su demostración
(umbral y costes) y sus ejercicios usen exactamente lo mismo:

- los datos: *Breast Cancer Wisconsin (Diagnostic)*, 569 pacientes y 30 medidas; ``y = 1`` es
  **maligno** (scikit-learn usa 0 = malignant, así que se invierte);
- la división: desarrollo (80 %) y prueba (20 %), estratificadas;
- los modelos: la regresión logística de referencia y la red de la receta del capítulo
  (:class:`RedDiagnostico`), las dos con el escalado dentro, ajustado solo con lo que ven;
- las probabilidades **fuera de pliegue** (*out-of-fold*) con validación cruzada de k pliegues:
  cada paciente de desarrollo recibe la probabilidad de un modelo que no lo vio al entrenar;
- el coste de decidir «maligno» cuando p ≥ u: ``coste_fn·FN + coste_fp·FP``, y el umbral de
  Bayes p* = c_FP / (c_FP + c_FN), el óptimo si las probabilidades están calibradas;
- la regla de casi empate: una opción más complicada solo sustituye a la más sencilla si mejora
  por más de dos errores típicos, medidos paciente a paciente;
- :func:`resultado_del_proyecto`: todo lo anterior junto (búsqueda, elección y umbral) para una
  semilla, guardado en memoria y en disco, porque cuesta unos segundos.

El cuaderno escribe a mano la validación cruzada y la regla de casi empate, y comprueba que dan
lo mismo que las de aquí.
"""

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import nn
from .nn.validation import CourseError, check_number, check_positive_int

COSTE_FN = 10   # un falso negativo: un cáncer que se va a casa sin diagnosticar
COSTE_FP = 1    # un falso positivo: una biopsia que no hacía falta
UMBRALES = np.round(np.arange(0.01, 1.0, 0.01), 2)     # 0,01 … 0,99
ERRORES_TIPICOS = 2.0                                  # la regla de casi empate
# Cambia al cambiar la receta: invalida lo guardado en disco por resultado_del_proyecto.
VERSION_DE_LA_RECETA = 1


# --- Datos y división ----------------------------------------------------------------------------

def cargar_datos():
    """Las 569 pacientes: ``(tabla, y)``, con la tabla de 30 medidas (DataFrame) e ``y`` = 1 si es maligno."""
    cancer = load_breast_cancer(as_frame=True)
    return cancer.data, (cancer.target == 0).astype(int).to_numpy()


def dividir(X, y, semilla=0, prueba=0.2):
    """Desarrollo y prueba estratificados: ``X_des, X_pru, y_des, y_pru``.

    La prueba es la misma que separa primero ``course_lib.data.train_val_test_split`` con la misma
    semilla y ``test_size=prueba``.
    """
    prueba = check_number(prueba, "prueba", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    return train_test_split(X, y, test_size=prueba, random_state=semilla, stratify=y)


# --- Coste y umbral ------------------------------------------------------------------------------

def _costes_validos(coste_fn, coste_fp):
    coste_fn = check_number(coste_fn, "coste_fn", 0.0, low_inclusive=False)
    coste_fp = check_number(coste_fp, "coste_fp", 0.0, low_inclusive=False)
    return coste_fn, coste_fp


def umbral_de_bayes(coste_fn=COSTE_FN, coste_fp=COSTE_FP):
    """p* = c_FP / (c_FP + c_FN): decidir «positivo» cuesta en promedio (1 − p)·c_FP y «negativo»,
    p·c_FN; con probabilidades calibradas, lo más barato es «positivo» cuando p ≥ p*."""
    coste_fn, coste_fp = _costes_validos(coste_fn, coste_fp)
    return coste_fp / (coste_fp + coste_fn)


def _etiquetas_y_probabilidades(y, p):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if y.ndim != 1 or y.shape != p.shape:
        raise CourseError("se esperaban etiquetas y probabilidades de forma (m,), una por paciente; se "
                          f"recibieron formas {y.shape} y {p.shape}. Prueba con .ravel().")
    if not np.isin(y, (0, 1)).all():
        raise CourseError("las etiquetas deben ser 0 (benigno) o 1 (maligno); se recibieron "
                          f"{sorted(set(np.unique(y).tolist()) - {0, 1})[:5]}.")
    return y, p


def costes_por_paciente(y, p, umbral, coste_fn=COSTE_FN, coste_fp=COSTE_FP):
    """Lo que cuesta cada paciente al decidir «maligno» si p ≥ umbral: c_FN si es un FN, c_FP si es un FP, 0 si no."""
    y, p = _etiquetas_y_probabilidades(y, p)
    coste_fn, coste_fp = _costes_validos(coste_fn, coste_fp)
    positivo = p >= umbral
    return np.where(~positivo & (y == 1), coste_fn, 0.0) + np.where(positivo & (y == 0), coste_fp, 0.0)


def recuento(y, p, umbral):
    """La matriz de confusión al decidir «maligno» si p ≥ umbral, como diccionario: VP, FN, VN y FP."""
    y, p = _etiquetas_y_probabilidades(y, p)
    positivo = p >= umbral
    return {"VP": int(np.sum(positivo & (y == 1))), "FN": int(np.sum(~positivo & (y == 1))),
            "VN": int(np.sum(~positivo & (y == 0))), "FP": int(np.sum(positivo & (y == 0)))}


def coste(y, p, umbral, coste_fn=COSTE_FN, coste_fp=COSTE_FP):
    """Coste total c_FN·FN + c_FP·FP de decidir «maligno» cuando p ≥ umbral.

    ``umbral`` puede ser un número o un array de umbrales (devuelve entonces un coste por umbral).
    """
    y, p = _etiquetas_y_probabilidades(y, p)
    coste_fn, coste_fp = _costes_validos(coste_fn, coste_fp)
    umbrales = np.asarray(umbral, dtype=float)
    positivo = p[None, :] >= umbrales.reshape(-1, 1)                    # (umbrales, pacientes)
    total = coste_fn * np.sum(~positivo & (y == 1), axis=1) + coste_fp * np.sum(positivo & (y == 0), axis=1)
    total = total.astype(float)
    return float(total[0]) if umbrales.ndim == 0 else total.reshape(umbrales.shape)


# --- Modelos -------------------------------------------------------------------------------------

def crear_logistica():
    """La referencia: estandarizar y regresión logística con la regularización L2 por defecto."""
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


class RedDiagnostico:
    """La red del proyecto, con la interfaz de scikit-learn (``fit`` y ``predict_proba``).

    30 entradas → ``neuronas`` ReLU → [dropout] → 1 sigmoide; Adam con η = 0,01, entropía cruzada
    binaria, lotes de 32 y parada temprana (paciencia 20, con los mejores pesos) sobre un 20 %
    estratificado de lo que recibe ``fit``: ni la validación ni la prueba del proyecto intervienen.
    El escalador se ajusta con ese mismo 80 % de entrenamiento. (``fit(X, y, validacion=(X_val,
    y_val))`` para con otra validación y entrena con todo ``X``: es la receta con una sola validación.)
    """

    def __init__(self, neuronas=16, dropout=0.2, semilla=0, epocas=300, paciencia=20, tasa=0.01):
        self.neuronas = check_positive_int(neuronas, "neuronas")
        self.dropout = check_number(dropout, "dropout", 0.0, 1.0, high_inclusive=False)
        self.semilla, self.epocas, self.paciencia, self.tasa = int(semilla), epocas, paciencia, tasa

    def crear_red(self, entradas=30):
        """La red sin entrenar, compilada (la receta de arriba)."""
        nn.set_seed(self.semilla)
        capas = [nn.Dense(self.neuronas, activation="relu", input_shape=(entradas,))]
        if self.dropout:
            capas.append(nn.Dropout(self.dropout))
        capas.append(nn.Dense(1, activation="sigmoid"))
        red = nn.Sequential(capas)
        red.compile(optimizer=nn.Adam(learning_rate=self.tasa), loss="binary_crossentropy")
        return red

    def fit(self, X, y, validacion=None):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if validacion is None:
            X_ent, X_val, y_ent, y_val = train_test_split(X, y, test_size=0.2, random_state=self.semilla, stratify=y)
        else:
            (X_ent, y_ent), (X_val, y_val) = (X, y), (np.asarray(validacion[0], dtype=float), np.asarray(validacion[1]))
        self.escalador = StandardScaler().fit(X_ent)
        self.red = self.crear_red(X.shape[1])
        parada = nn.EarlyStopping(monitor="val_loss", patience=self.paciencia, restore_best_weights=True)
        self.historia = self.red.fit(self.escalador.transform(X_ent), y_ent, epochs=self.epocas, batch_size=32,
                                     validation_data=(self.escalador.transform(X_val), y_val),
                                     callbacks=[parada], verbose=0, seed=self.semilla)
        return self

    def predict_proba(self, X):
        """Probabilidades de las dos clases, forma (m, 2), como en scikit-learn: la columna 1 es «maligno»."""
        if not hasattr(self, "red"):
            raise CourseError("RedDiagnostico: entrena la red con fit(X, y) antes de pedir probabilidades.")
        p = self.red.predict(self.escalador.transform(np.asarray(X, dtype=float))).ravel().astype(float)
        return np.column_stack([1 - p, p])

    def count_params(self):
        return self.red.count_params() if hasattr(self, "red") else self.crear_red().count_params()


def candidatas(semilla=0):
    """La búsqueda del proyecto, fijada de antemano: la referencia y 6 redes (8, 16 o 32 neuronas, con o sin dropout).

    Devuelve un diccionario nombre → (función sin argumentos que crea el modelo, número de parámetros).
    """
    resultado = {"regresión logística": (crear_logistica, 31)}
    for neuronas in (8, 16, 32):
        for dropout in (0.0, 0.2):
            nombre = f"red de {neuronas} neuronas" + (", dropout 0,2" if dropout else "")
            crear = (lambda n, d: lambda: RedDiagnostico(n, d, semilla))(neuronas, dropout)
            resultado[nombre] = (crear, 30 * neuronas + neuronas + neuronas + 1)
    return resultado


# --- Validación cruzada y regla de casi empate ---------------------------------------------------------

def pliegues(y, k=5, semilla=0):
    """Los k pliegues estratificados del desarrollo: lista de (índices de entrenamiento, índices de validación)."""
    k = check_positive_int(k, "k", minimum=2)
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=semilla).split(np.zeros(len(y)), y))


def probabilidades_fuera_de_pliegue(crear_modelo, X, y, k=5, semilla=0):
    """La probabilidad de «maligno» de cada paciente, dada por un modelo entrenado **sin** él.

    ``crear_modelo()`` devuelve un modelo nuevo con ``fit`` y ``predict_proba``; se entrena k veces,
    una por pliegue, con los otros k − 1.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    p = np.full(len(y), np.nan)
    for entrenamiento, validacion in pliegues(y, k, semilla):
        modelo = crear_modelo().fit(X[entrenamiento], y[entrenamiento])
        p[validacion] = modelo.predict_proba(X[validacion])[:, 1]
    return p


def perdida_por_paciente(y, p):
    """Entropía cruzada binaria de cada paciente, −[y·log p + (1 − y)·log(1 − p)] (p recortada a [10⁻⁷, 1 − 10⁻⁷])."""
    y, p = _etiquetas_y_probabilidades(y, p)
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def regla_de_casi_empate(perdidas, complejidad, errores_tipicos=ERRORES_TIPICOS):
    """Elige entre opciones medidas paciente a paciente; ante un casi empate, la más sencilla.

    - ``perdidas``: nombre → array con la pérdida (o el coste) de cada paciente, los mismos pacientes
      en todas; ``complejidad``: nombre → número (menos es más sencilla).
    - La mejor es la de menor media. Otra queda «casi igual» si su diferencia media con la mejor
      no supera ``errores_tipicos`` errores típicos de esa diferencia, sd(d)/√m.
    - Gana la más sencilla de las casi iguales (a igual sencillez, la de menor media).

    Devuelve ``(elegida, tabla)``; la tabla (lista de diccionarios) tiene, por opción, la media,
    la diferencia con la mejor, su error típico y si queda casi igual.
    """
    if not perdidas or set(perdidas) != set(complejidad):
        raise CourseError("regla_de_casi_empate necesita las mismas opciones en perdidas y en complejidad; se "
                          f"recibieron {sorted(perdidas)} y {sorted(complejidad)}.")
    medias = {nombre: float(np.mean(v)) for nombre, v in perdidas.items()}
    mejor = min(medias, key=medias.get)
    tabla = []
    for nombre, v in perdidas.items():
        d = np.asarray(v, dtype=float) - np.asarray(perdidas[mejor], dtype=float)
        error_tipico = float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
        tabla.append({"opción": nombre, "complejidad": complejidad[nombre], "media": medias[nombre],
                      "diferencia": float(d.mean()), "error típico": error_tipico,
                      "casi igual": bool(d.mean() <= errores_tipicos * error_tipico)})
    casi_iguales = [fila for fila in tabla if fila["casi igual"]]
    elegida = min(casi_iguales, key=lambda fila: (fila["complejidad"], fila["media"]))["opción"]
    return elegida, tabla


def umbral_ajustado(y, p, coste_fn=COSTE_FN, coste_fp=COSTE_FP, umbrales=UMBRALES,
                    errores_tipicos=ERRORES_TIPICOS):
    """El umbral del proyecto a partir de probabilidades fuera de pliegue: p*, salvo que otro baje claramente el coste.

    1. El umbral de ``umbrales`` con menor coste (si empatan varios, el más cercano a p*).
    2. La regla de casi empate entre ese y p*, con el coste de cada paciente: p* es la opción más
       sencilla (no usa los datos), así que solo pierde si el otro ahorra más de ``errores_tipicos``
       errores típicos.

    Devuelve ``(umbral, tabla)`` con la tabla de la regla.
    """
    p_bayes = umbral_de_bayes(coste_fn, coste_fp)
    costes = coste(y, p, np.asarray(umbrales), coste_fn, coste_fp)
    empatados = np.asarray(umbrales)[costes == costes.min()]
    mejor = float(empatados[np.argmin(np.abs(empatados - p_bayes))])
    perdidas = {"p*": costes_por_paciente(y, p, p_bayes, coste_fn, coste_fp),
                "mínimo fuera de pliegue": costes_por_paciente(y, p, mejor, coste_fn, coste_fp)}
    elegida, tabla = regla_de_casi_empate(perdidas, {"p*": 0, "mínimo fuera de pliegue": 1}, errores_tipicos)
    return (p_bayes if elegida == "p*" else mejor), tabla


# --- Todo junto, con caché ------------------------------------------------------------------------

def _carpeta_de_cache():
    if os.environ.get("COURSE_LIB_CACHE"):
        return Path(os.environ["COURSE_LIB_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "course_lib"


def _clave(semilla, k):
    import sklearn

    texto = json.dumps({"receta": VERSION_DE_LA_RECETA, "semilla": int(semilla), "k": int(k),
                        "numpy": np.__version__, "sklearn": sklearn.__version__})
    return hashlib.sha256(texto.encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _resultado(semilla, k, usar_disco):
    ruta = _carpeta_de_cache() / f"proyecto_{_clave(semilla, k)}.npz"
    if usar_disco and ruta.exists():
        try:
            with np.load(ruta, allow_pickle=False) as datos:
                nombres = [str(n) for n in datos["nombres"]]
                return {"y": datos["y"], "modelo": str(datos["modelo"]), "umbral": float(datos["umbral"]),
                        "probabilidades": {n: datos[f"p{i}"] for i, n in enumerate(nombres)}}
        except (OSError, KeyError, ValueError):
            pass                                    # un archivo a medias o de otra versión: se recalcula
    tabla, y = cargar_datos()
    X_des, _, y_des, _ = dividir(tabla.to_numpy(), y, semilla)
    busqueda = candidatas(semilla)
    probabilidades = {nombre: probabilidades_fuera_de_pliegue(crear, X_des, y_des, k, semilla)
                      for nombre, (crear, _) in busqueda.items()}
    modelo, _ = regla_de_casi_empate({n: perdida_por_paciente(y_des, p) for n, p in probabilidades.items()},
                                     {n: params for n, (_, params) in busqueda.items()})
    umbral, _ = umbral_ajustado(y_des, probabilidades[modelo])
    resultado = {"y": y_des, "modelo": modelo, "umbral": float(umbral), "probabilidades": probabilidades}
    if usar_disco:
        try:
            ruta.parent.mkdir(parents=True, exist_ok=True)
            temporal = ruta.with_suffix(".tmp.npz")
            np.savez(temporal, y=y_des, modelo=modelo, umbral=umbral, nombres=np.array(list(probabilidades)),
                     **{f"p{i}": p for i, p in enumerate(probabilidades.values())})
            os.replace(temporal, ruta)
        except OSError:
            pass                                    # sin permiso de escritura: solo queda en memoria
    return resultado


def resultado_del_proyecto(semilla=0, k=5, usar_disco=True):
    """El proyecto del capítulo 15 con esa semilla, hecho con los datos de desarrollo (nunca con la prueba).

    Devuelve un diccionario con:

    - ``"y"``: las etiquetas de los pacientes de desarrollo (1 = maligno);
    - ``"probabilidades"``: nombre de cada candidata → sus probabilidades fuera de pliegue;
    - ``"modelo"``: la candidata elegida por la regla de casi empate (pérdida logarítmica);
    - ``"umbral"``: el umbral elegido con :func:`umbral_ajustado` para esa candidata.

    Tarda unos segundos (35 entrenamientos); se guarda en memoria y, si ``usar_disco``, en
    ``~/.cache/course_lib`` (o en la carpeta de la variable ``COURSE_LIB_CACHE``), así que la
    segunda vez es inmediato. Los arrays devueltos son de solo lectura: cópialos para cambiarlos.
    """
    resultado = _resultado(int(semilla), check_positive_int(k, "k", minimum=2), bool(usar_disco))
    for array in [resultado["y"], *resultado["probabilidades"].values()]:
        array.setflags(write=False)
    return resultado
