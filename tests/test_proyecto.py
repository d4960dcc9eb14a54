"""course_lib.proyecto: el cálculo del proyecto final (capítulo 15), comprobado con cuentas directas."""

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from course_lib import proyecto
from course_lib.nn.validation import CourseError


@pytest.fixture(scope="module")
def datos():
    tabla, y = proyecto.cargar_datos()
    return tabla.to_numpy(), y


def test_the_data_has_malignant_as_the_positive_class(datos):
    X, y = datos
    assert X.shape == (569, 30) and y.sum() == 212          # 212 malignos, 357 benignos


def test_the_split_is_stratified_and_keeps_every_patient_once(datos):
    X, y = datos
    X_des, X_pru, y_des, y_pru = proyecto.dividir(X, y, semilla=3)
    assert len(y_des) == 455 and len(y_pru) == 114
    assert abs(y_des.mean() - y_pru.mean()) < 0.01
    filas = {tuple(fila) for fila in np.vstack([X_des, X_pru])}
    assert len(filas) == 569


@pytest.mark.parametrize("coste_fn, coste_fp, esperado", [(10, 1, 1 / 11), (1, 1, 0.5), (3, 1, 0.25), (1, 4, 0.8)])
def test_bayes_threshold_is_where_both_expected_costs_meet(coste_fn, coste_fp, esperado):
    p = proyecto.umbral_de_bayes(coste_fn, coste_fp)
    assert np.isclose(p, esperado)
    assert np.isclose((1 - p) * coste_fp, p * coste_fn)      # decir «positivo» y «negativo» cuestan lo mismo en p*


def test_costs_against_direct_counts():
    rng = np.random.default_rng(0)
    y = (rng.random(300) < 0.4).astype(int)
    p = np.clip(0.6 * y + 0.5 * rng.random(300) - 0.1, 0, 1)
    for u in (0.05, 1 / 11, 0.3, 0.5, 0.9):
        fn = sum(1 for yi, pi in zip(y, p) if yi == 1 and pi < u)
        fp = sum(1 for yi, pi in zip(y, p) if yi == 0 and pi >= u)
        assert proyecto.coste(y, p, u) == 10 * fn + fp
        assert proyecto.costes_por_paciente(y, p, u).sum() == 10 * fn + fp
        assert proyecto.recuento(y, p, u) == {"VP": int(y.sum()) - fn, "FN": fn, "VN": int((1 - y).sum()) - fp, "FP": fp}
        assert proyecto.coste(y, p, u, coste_fn=3, coste_fp=2) == 3 * fn + 2 * fp
    costes = proyecto.coste(y, p, proyecto.UMBRALES)
    assert costes.shape == proyecto.UMBRALES.shape
    assert all(costes[i] == proyecto.coste(y, p, u) for i, u in enumerate(proyecto.UMBRALES))


def test_bad_inputs_get_a_spanish_message():
    with pytest.raises(CourseError, match="una por paciente"):
        proyecto.coste(np.array([0, 1]), np.array([0.2, 0.3, 0.4]), 0.5)
    with pytest.raises(CourseError, match="0 \\(benigno\\) o 1 \\(maligno\\)"):
        proyecto.coste(np.array([0, 2]), np.array([0.2, 0.3]), 0.5)
    with pytest.raises(CourseError, match="coste_fn"):
        proyecto.umbral_de_bayes(0, 1)
    with pytest.raises(CourseError, match="fit"):
        proyecto.RedDiagnostico().predict_proba(np.zeros((2, 30)))


def test_out_of_fold_probabilities_match_a_hand_written_loop(datos):
    X, y = datos
    X_des, _, y_des, _ = proyecto.dividir(X, y, semilla=1)
    a_mano = np.zeros(len(y_des))
    for entrenamiento, validacion in StratifiedKFold(5, shuffle=True, random_state=1).split(X_des, y_des):
        modelo = proyecto.crear_logistica().fit(X_des[entrenamiento], y_des[entrenamiento])
        a_mano[validacion] = modelo.predict_proba(X_des[validacion])[:, 1]
    assert np.allclose(proyecto.probabilidades_fuera_de_pliegue(proyecto.crear_logistica, X_des, y_des, semilla=1), a_mano)


def test_out_of_fold_means_no_model_saw_its_patient():
    """Un «modelo» que recuerda lo que vio delata cualquier fuga: fuera de pliegue nunca reconoce a nadie."""

    class Memoria:
        def fit(self, X, y):
            self.vistos = {tuple(fila) for fila in X}
            return self

        def predict_proba(self, X):
            p = np.array([1.0 if tuple(fila) in self.vistos else 0.0 for fila in X])
            return np.column_stack([1 - p, p])

    X = np.arange(200, dtype=float).reshape(100, 2)
    y = np.tile([0, 1], 50)
    assert np.all(proyecto.probabilidades_fuera_de_pliegue(Memoria, X, y) == 0)


def test_the_net_recipe_is_deterministic_and_stops_early(datos):
    X, y = datos
    X_des, X_pru, y_des, _ = proyecto.dividir(X, y, semilla=0)
    a = proyecto.RedDiagnostico(8, 0.2, semilla=4).fit(X_des, y_des)
    b = proyecto.RedDiagnostico(8, 0.2, semilla=4).fit(X_des, y_des)
    assert np.array_equal(a.predict_proba(X_pru), b.predict_proba(X_pru))
    assert len(a.historia.epoch) < 300 and a.count_params() == 30 * 8 + 8 + 8 + 1
    assert np.allclose(a.predict_proba(X_pru).sum(axis=1), 1)


def test_near_tie_rule_prefers_the_simpler_option_unless_clearly_worse():
    rng = np.random.default_rng(0)
    base = rng.exponential(1.0, 400)
    # Casi igual: la compleja es un poco mejor, pero menos de dos errores típicos.
    ruido = rng.normal(0, 1, 400)
    ruido -= ruido.mean()                                   # la diferencia media es exactamente 0,02
    casi = {"sencilla": base, "compleja": base - 0.02 + 0.5 * ruido}   # error típico ≈ 0,025
    elegida, tabla = proyecto.regla_de_casi_empate(casi, {"sencilla": 1, "compleja": 2})
    fila = {f["opción"]: f for f in tabla}
    assert fila["sencilla"]["diferencia"] > 0 and fila["sencilla"]["casi igual"]
    assert elegida == "sencilla"
    # Claramente mejor: la compleja gana.
    claro = {"sencilla": base, "compleja": base - 0.3 + 0.01 * ruido}
    assert proyecto.regla_de_casi_empate(claro, {"sencilla": 1, "compleja": 2})[0] == "compleja"
    # A igual complejidad, la de menor media.
    assert proyecto.regla_de_casi_empate(casi, {"sencilla": 1, "compleja": 1})[0] == "compleja"
    with pytest.raises(CourseError, match="mismas opciones"):
        proyecto.regla_de_casi_empate(casi, {"sencilla": 1})


def test_adjusted_threshold_stays_at_bayes_when_the_data_cannot_tell():
    # Probabilidades calibradas por construcción: p* es el óptimo y el ajuste no debe moverse de él.
    rng = np.random.default_rng(1)
    p = rng.beta(0.5, 0.8, 2000)
    y = (rng.random(2000) < p).astype(int)
    umbral, _ = proyecto.umbral_ajustado(y, p)
    assert umbral == proyecto.umbral_de_bayes()
    # Muy descalibradas (todas las probabilidades divididas por 20): el mínimo está lejos de p* y el ajuste lo encuentra.
    umbral_mal, _ = proyecto.umbral_ajustado(y, p / 20)
    assert umbral_mal < 0.02


def test_project_result_is_cached_in_memory_and_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_LIB_CACHE", str(tmp_path))
    llamadas = []
    original = proyecto.probabilidades_fuera_de_pliegue

    def contar(*args, **kwargs):
        llamadas.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(proyecto, "probabilidades_fuera_de_pliegue", contar)
    monkeypatch.setattr(proyecto, "candidatas", lambda semilla=0: {"regresión logística": (proyecto.crear_logistica, 31)})
    proyecto._resultado.cache_clear()
    primero = proyecto.resultado_del_proyecto(semilla=2)
    assert len(llamadas) == 1 and list(tmp_path.glob("proyecto_*.npz"))
    assert proyecto.resultado_del_proyecto(semilla=2) is primero and len(llamadas) == 1     # en memoria
    proyecto._resultado.cache_clear()
    del primero
    desde_disco = proyecto.resultado_del_proyecto(semilla=2)
    assert len(llamadas) == 1                                                              # del disco
    assert desde_disco["modelo"] == "regresión logística" and len(desde_disco["y"]) == 455
    assert not desde_disco["probabilidades"]["regresión logística"].flags.writeable
    assert desde_disco["umbral"] == proyecto.umbral_ajustado(desde_disco["y"],
                                                             desde_disco["probabilidades"]["regresión logística"])[0]
    proyecto._resultado.cache_clear()
