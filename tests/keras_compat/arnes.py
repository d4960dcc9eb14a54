"""Arnés de la prueba de compatibilidad con Keras: el mismo código en Keras 3 y en course_lib.

Un *fragmento* es una función corta que recibe el motor como ``keras`` y usa solo lo que un
tutorial de Keras usaría (``keras.layers.Dense``, ``keras.Sequential``, ``model.fit``…). Se
ejecuta dos veces: con ``keras`` = Keras 3 (sobre PyTorch) y con ``keras`` = ``course_lib.nn``,
que es lo que hace un estudiante al cambiar ``import keras`` por ``from course_lib import nn as
keras``. Devuelve los hechos que se comparan::

    @fragmento("Dense: forma de salida y número de parámetros")
    def dense_forma(keras):
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
        return {"forma": model.output_shape, "parametros": model.count_params()}

Qué se compara: formas, recuentos, nombres y textos tal cual; números con tolerancia (``rtol``,
``atol`` del fragmento). Los pesos iniciales de Keras y de course_lib salen de generadores
distintos, así que un número solo se compara si no depende del azar: pesos fijados igual en los
dos (:func:`pesos_fijos`), entrenamiento sin barajar (``shuffle=False``) y sin Dropout activo.
Lo que depende del azar se devuelve envuelto en :class:`SinComparar` (se exige que exista, no que
coincida).

Resultado de cada fragmento en course_lib: «bien» (corre y coincide con Keras), o «falta» (lanza
una excepción o da otro resultado). Lo que aún falta está listado en ``pendientes.txt``: la prueba
lo marca como fallo esperado (xfail) y falla si algo que no está en la lista no funciona (una
regresión, o un fragmento nuevo que falla). Lo que está en la lista y ya funciona pasa, y el resumen
de pytest lo señala para quitarlo (``python tests/keras_compat/informe.py --escribir`` rehace la
lista): así la prueba no depende del orden en que se integran las ramas del motor.
"""

import contextlib
import importlib
import io
import math
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CARPETA = Path(__file__).resolve().parent
PENDIENTES = CARPETA / "pendientes.txt"

#: Todos los fragmentos registrados, por identificador ``grupo.nombre``.
FRAGMENTOS = {}


@dataclass
class Fragmento:
    """Un fragmento registrado: su función, el grupo (módulo) y qué comprueba (en español)."""

    id: str
    grupo: str
    titulo: str
    funcion: object
    rtol: float = 1e-4
    atol: float = 1e-5


def fragmento(titulo, rtol=1e-4, atol=1e-5):
    """Registra la función decorada como fragmento de la prueba de compatibilidad."""

    def registrar(funcion):
        grupo = funcion.__module__.rsplit(".", 1)[-1].removeprefix("test_compat_")
        ident = f"{grupo}.{funcion.__name__}"
        if ident in FRAGMENTOS:
            raise ValueError(f"fragmento repetido: {ident}")
        FRAGMENTOS[ident] = Fragmento(ident, grupo, titulo, funcion, rtol, atol)
        return funcion

    return registrar


def del_grupo(grupo):
    """Los fragmentos de un grupo, en el orden en que se definieron."""
    return [f for f in FRAGMENTOS.values() if f.grupo == grupo]


class SinComparar:
    """Un valor que debe existir en los dos motores, pero que depende del azar: no se compara."""

    def __init__(self, valor):
        self.valor = valor

    def __repr__(self):
        return f"SinComparar({self.valor!r})"


# ----------------------------------------------------------------------------- los dos motores
def cargar_keras():
    """Keras 3 sobre PyTorch (importado una sola vez por proceso), o None si no está instalado."""
    from course_lib.frameworks import load_keras

    return load_keras()


def cargar_course_lib():
    return importlib.import_module("course_lib.nn")


def es_keras(motor):
    return getattr(motor, "__name__", "") == "keras"


def preparar(motor, semilla=0):
    """Estado limpio antes de cada fragmento: nombres automáticos desde cero, semilla, float32.

    Usa lo que ya existe en cada motor por su nombre interno (no lo que el fragmento comprueba).
    """
    if es_keras(motor):
        motor.backend.clear_session(free_memory=False)  # sin gc.collect(): medio segundo menos
        motor.utils.set_random_seed(semilla)
        motor.config.set_floatx("float32")
    else:
        from course_lib.nn import config, layer

        layer.reset_names()
        config.set_seed(semilla)
        config.set_floatx("float32")
    np.random.seed(semilla)


# ----------------------------------------------------------------------------- ayudas para fragmentos
def datos(forma, semilla=0, escala=1.0):
    """Un array float32 reproducible de la forma pedida (los mismos números en los dos motores)."""
    rng = np.random.default_rng(semilla)
    return (escala * rng.standard_normal(forma)).astype("float32")


def enteros(forma, maximo, semilla=0):
    """Enteros reproducibles en [0, maximo) (etiquetas, índices de palabras)."""
    return np.random.default_rng(semilla).integers(0, maximo, size=forma)


def pesos_fijos(modelo, semilla=0, escala=0.3, positivos=False):
    """Fija todos los pesos de ``modelo`` (o de una capa) a números reproducibles, iguales en los dos motores.

    Usa solo ``get_weights``/``set_weights``, así que exige el mismo orden y las mismas formas que
    Keras. ``positivos=True`` da valores en [escala/2, escala] (p. ej. varianzas de BatchNormalization).
    """
    rng = np.random.default_rng(semilla)
    nuevos = []
    for w in modelo.get_weights():
        w = np.asarray(w)
        if positivos:
            valor = rng.uniform(escala / 2, escala, size=w.shape)
        else:
            valor = rng.uniform(-escala, escala, size=w.shape)
        nuevos.append(valor.astype(w.dtype))
    modelo.set_weights(nuevos)
    return modelo


def numpy(x):
    """Convierte tensores de PyTorch, variables de Keras y listas en arrays de NumPy."""
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    if hasattr(x, "numpy") and callable(x.numpy):
        return np.asarray(x.numpy())
    return np.asarray(x)


def formas(arrays):
    """Las formas de una lista de arrays (p. ej. ``model.get_weights()``)."""
    return [tuple(np.shape(numpy(a))) for a in arrays]


# ----------------------------------------------------------------------------- normalizar y comparar
def normalizar(valor):
    """Lleva el resultado de un fragmento a tipos simples: dict, list, int, float, str, bool, None, ndarray."""
    if isinstance(valor, SinComparar):
        return SinComparar(normalizar(valor.valor))
    if isinstance(valor, dict):
        return {str(k): normalizar(v) for k, v in valor.items()}
    if isinstance(valor, (list, tuple)):
        return [normalizar(v) for v in valor]
    if valor is None or isinstance(valor, (bool, str)):
        return valor
    if isinstance(valor, (np.bool_,)):
        return bool(valor)
    if isinstance(valor, (int, np.integer)):
        return int(valor)
    if isinstance(valor, (float, np.floating)):
        return float(valor)
    if isinstance(valor, np.ndarray) or hasattr(valor, "detach") or hasattr(valor, "numpy"):
        arr = numpy(valor)
        return arr.item() if arr.ndim == 0 else arr
    raise TypeError(f"el fragmento devolvió un {type(valor).__name__}, que el arnés no sabe comparar")


def diferencias(a, b, rtol, atol, camino="resultado"):
    """Lista de diferencias (en español) entre el resultado de Keras ``a`` y el de course_lib ``b``."""
    if isinstance(a, SinComparar) or isinstance(b, SinComparar):
        if isinstance(a, SinComparar) != isinstance(b, SinComparar):
            return [f"{camino}: un motor lo marca como aleatorio y el otro no"]
        return []
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)):
            return [f"{camino}: Keras da {_breve(a)} y course_lib {_breve(b)}"]
        if set(a) != set(b):
            return [f"{camino}: claves distintas; Keras {sorted(a)}, course_lib {sorted(b)}"]
        return [d for k in a for d in diferencias(a[k], b[k], rtol, atol, f"{camino}[{k!r}]")]
    numericos = (int, float, np.ndarray)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{camino}: longitudes distintas; Keras {_breve(a)}, course_lib {_breve(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diferencias(x, y, rtol, atol, f"{camino}[{i}]")]
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if isinstance(a, list):
            a = np.asarray(a, dtype=float)
        if isinstance(b, list):
            b = np.asarray(b, dtype=float)
        if not (isinstance(a, numericos) and isinstance(b, numericos)) or isinstance(a, bool) or isinstance(b, bool):
            return [f"{camino}: Keras da {_breve(a)} y course_lib {_breve(b)}"]
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if a.shape != b.shape:
            return [f"{camino}: formas distintas; Keras {a.shape}, course_lib {b.shape}"]
        if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
            peor = float(np.max(np.abs(a - b))) if a.size else 0.0
            return [f"{camino}: valores distintos (máxima diferencia {peor:.3g})"]
        return []
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (bool, str)) or isinstance(b, (bool, str)) or a is None or b is None:
            return [f"{camino}: Keras da {_breve(a)} y course_lib {_breve(b)}"]
        if isinstance(a, list) or isinstance(b, list):
            return [f"{camino}: Keras da {_breve(a)} y course_lib {_breve(b)}"]
        if math.isnan(a) and math.isnan(b):
            return []
        if not math.isclose(a, b, rel_tol=rtol, abs_tol=atol):
            return [f"{camino}: Keras da {a!r} y course_lib {b!r}"]
        return []
    if type(a) is not type(b) or a != b:
        return [f"{camino}: Keras da {_breve(a)} y course_lib {_breve(b)}"]
    return []


def _breve(valor):
    texto = repr(valor)
    return texto if len(texto) <= 120 else texto[:117] + "..."


# ----------------------------------------------------------------------------- ejecutar
@dataclass
class Resultado:
    """Lo que pasó al ejecutar un fragmento en un motor."""

    valor: object = None
    error: str | None = None      # primera línea de la excepción, o None
    detalle: str | None = None    # la traza completa (para el informe de un fallo)


def ejecutar(frag, motor):
    """Ejecuta el fragmento en ``motor`` y devuelve un :class:`Resultado` (nunca lanza)."""
    preparar(motor)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # lo que imprima el motor (avisos de Keras, barras)
            valor = normalizar(frag.funcion(motor))
    except Exception as exc:  # noqa: BLE001 - cualquier fallo del motor es un dato
        primera = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        return Resultado(error=primera, detalle=traceback.format_exc())
    finally:
        preparar(motor)
    return Resultado(valor=valor)


def comparar(frag, en_keras, en_course_lib):
    """Las diferencias entre los dos resultados (lista vacía si coinciden o si no hay Keras)."""
    if en_keras is None:
        return []
    return diferencias(en_keras.valor, en_course_lib.valor, frag.rtol, frag.atol)


def leer_pendientes():
    """Los identificadores de ``pendientes.txt`` (uno por línea; ``#`` empieza un comentario)."""
    if not PENDIENTES.exists():
        return {}
    pendientes = {}
    for linea in PENDIENTES.read_text(encoding="utf-8").splitlines():
        ident, _, nota = linea.partition("#")
        if ident.strip():
            pendientes[ident.strip()] = nota.strip()
    return pendientes


def cargar_fragmentos():
    """Importa todos los módulos ``test_compat_*.py`` para que registren sus fragmentos."""
    import sys

    if str(CARPETA) not in sys.path:
        sys.path.insert(0, str(CARPETA))
    for ruta in sorted(CARPETA.glob("test_compat_*.py")):
        importlib.import_module(ruta.stem)
    return FRAGMENTOS


# ----------------------------------------------------------------------------- la prueba de pytest
_PENDIENTES = None


def prueba(grupo):
    """La función de prueba de pytest de un grupo: un caso por fragmento, en los dos motores.

    Cada módulo ``test_compat_<grupo>.py`` termina con ``test_fragmento = prueba("<grupo>")``.
    """
    import pytest

    frags = del_grupo(grupo)

    @pytest.mark.parametrize("frag", frags, ids=[f.id.split(".", 1)[1] for f in frags])
    def test_fragmento(frag, motores, record_property):
        global _PENDIENTES
        if _PENDIENTES is None:
            _PENDIENTES = leer_pendientes()
        keras, course_lib = motores
        record_property("fragmento", frag.id)
        record_property("titulo", frag.titulo)
        en_keras = None
        if keras is not None:
            en_keras = ejecutar(frag, keras)
            record_property("keras", "bien" if en_keras.error is None else "falla")
            if en_keras.error is not None:
                pytest.fail(f"El fragmento no funciona en Keras 3 (hay que corregir el fragmento):\n{en_keras.detalle}")
        en_course_lib = ejecutar(frag, course_lib)
        difs = [] if en_course_lib.error else comparar(frag, en_keras, en_course_lib)
        bien = en_course_lib.error is None and not difs
        record_property("course_lib", "bien" if bien else "falta")
        motivo = en_course_lib.error or "; ".join(difs[:4])
        if frag.id in _PENDIENTES:
            if bien:   # ya funciona: el resumen lo lista para quitarlo de pendientes.txt
                record_property("pendiente_obsoleto", True)
                return
            pytest.xfail(f"pendiente: {motivo}")
        if not bien:
            pytest.fail(f"«{frag.id}» ({frag.titulo}) no funciona igual en course_lib: {motivo}\n"
                        f"{en_course_lib.detalle or ''}")

    return test_fragmento
