"""La demostración del umbral y el coste (capítulo 15): p*, los costes, la matriz de confusión y la
curva ROC, comprobados contra recuentos directos escritos aquí y contra scikit-learn; los datos que
trae por defecto son los del proyecto."""

import re

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score, roc_curve

from course_lib import proyecto
from course_lib.demos import threshold_cost
from course_lib.demos.threshold_cost import (
    COSTS_FN,
    COSTS_FP,
    THRESHOLDS,
    bayes_threshold,
    costs_over_thresholds,
    operating_point,
    project_probabilities,
    roc_points,
)

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 300)
P = np.clip(0.35 * Y + RNG.uniform(0, 0.65, 300), 0, 1).round(2)   # con empates, como las reales


def direct_counts(y, p, u):
    decide = [pi >= u for pi in p]
    fn = sum(1 for yi, d in zip(y, decide) if yi == 1 and not d)
    fp = sum(1 for yi, d in zip(y, decide) if yi == 0 and d)
    tp = sum(1 for yi, d in zip(y, decide) if yi == 1 and d)
    tn = sum(1 for yi, d in zip(y, decide) if yi == 0 and not d)
    return fn, fp, tp, tn


@pytest.mark.parametrize("cost_fn, cost_fp", [(10, 1), (1, 1), (100, 2), (1, 10)])
def test_bayes_threshold_and_costs_match_direct_counts(cost_fn, cost_fp):
    assert bayes_threshold(cost_fn, cost_fp) == pytest.approx(cost_fp / (cost_fp + cost_fn))
    curve = costs_over_thresholds(Y, P, cost_fn, cost_fp)
    for u, c in zip(THRESHOLDS, curve):
        fn, fp, _, _ = direct_counts(Y, P, u)
        assert c == cost_fn * fn + cost_fp * fp


def test_operating_point_and_roc_match_scikit_learn():
    fpr, tpr, auc = roc_points(Y, P)
    assert auc == pytest.approx(roc_auc_score(Y, P))
    ref_fpr, ref_tpr, _ = roc_curve(Y, P, drop_intermediate=False)
    np.testing.assert_allclose(fpr, ref_fpr)
    np.testing.assert_allclose(tpr, ref_tpr)
    for u in (0.05, 0.37, 0.5, 0.9):
        fn, fp, tp, tn = direct_counts(Y, P, u)
        assert operating_point(Y, P, u) == pytest.approx((fp / (fp + tn), tp / (tp + fn)))


def test_the_demo_shows_the_counts_and_the_cost_of_the_threshold():
    demo = threshold_cost(Y, {"a": P, "b": 1 - P}, cost_fn=10, cost_fp=1)
    assert demo.values()["threshold"] == pytest.approx(0.09)          # empieza en p* = 1/11, redondeado
    for u in (0.01, 0.3, 0.5, 0.99):
        demo.controls["threshold"].value = u
        fn, fp, tp, tn = direct_counts(Y, P, u)
        assert demo.counts == {"FN": fn, "FP": fp, "VP": tp, "VN": tn}
        assert demo.total == 10 * fn + fp
        assert f"coste 10·{fn} + 1·{fp} = {10 * fn + fp}." in demo.status.value
    demo.controls["cost_fn"].value = 100
    assert demo.p_star == pytest.approx(1 / 101) and "p* = 1/(1 + 100) = 0,01" in demo.status.value
    demo.to_bayes.click()
    assert demo.values()["threshold"] == pytest.approx(0.01)
    demo.to_half.click()
    assert demo.values()["threshold"] == pytest.approx(0.5)
    demo.controls["model"].value = "b"
    best = int(np.argmin(costs_over_thresholds(Y, 1 - P, 100, 1)))
    assert demo.best_threshold == pytest.approx(THRESHOLDS[best])
    assert demo.failures == [] and re.search(r"\d\.\d", demo.caption()) is None     # coma decimal


def test_the_cost_sliders_hold_the_lessons_values():
    assert {1, 10, 100} <= set(COSTS_FN) and {1, 10} <= set(COSTS_FP)
    demo = threshold_cost(Y, P)
    labels = [label for label, _ in demo.controls["threshold"].options]
    assert "0,5" in labels and "0,09" in labels and all("." not in label for label in labels)


def test_bad_data_gets_a_spanish_error():
    with pytest.raises(Exception, match="forma"):
        threshold_cost(Y, P[:10])


def test_the_default_data_are_the_projects_out_of_fold_probabilities():
    """El archivo de data/ es el de ``proyecto`` con la semilla 0: las etiquetas son las del desarrollo y
    la regresión logística (rápida de recalcular) da exactamente las mismas probabilidades."""
    y, probabilities, chosen = project_probabilities(0)
    tabla, y_all = proyecto.cargar_datos()
    X_des, _, y_des, _ = proyecto.dividir(tabla.to_numpy(), y_all, 0)
    np.testing.assert_array_equal(y, y_des)
    assert chosen in probabilities and len(probabilities) == len(proyecto.candidatas(0))
    logistic = proyecto.probabilidades_fuera_de_pliegue(proyecto.crear_logistica, X_des, y_des, 5, 0)
    # Con la versión fijada de scikit-learn, las mismas cifras; con la mínima de pyproject.toml (la prueba de
    # compatibilidad), el optimizador se detiene a milésimas de distancia (medido: 0,006 como mucho).
    import sklearn
    fijada = "scikit-learn==" + sklearn.__version__ in (Path(__file__).resolve().parent.parent / "requirements.txt").read_text()
    np.testing.assert_allclose(probabilities["regresión logística"], logistic, atol=1e-6 if fijada else 0.02)
