"""La demostración de las familias de modelos (capítulo 14): los ajustes comparados con
scikit-learn hecho a mano, la caché, y que los modelos lentos se ajustan en segundo plano sin
bloquear los controles."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from course_lib.data import make_classification_2d
from course_lib.demos import families
from course_lib.demos.families import GRID, MODELS, N_POINTS, SLOW, fit_family, split_dataset


@pytest.mark.parametrize("name, reference", [
    ("regresión logística", LogisticRegression()),
    ("SVM con núcleo RBF", SVC(C=1.0, gamma="scale")),
    ("k vecinos (k = 15)", KNeighborsClassifier(15)),
])
@pytest.mark.parametrize("dataset", ["lunas", "espiral"])
def test_fast_fits_match_scikit_learn_by_hand(name, reference, dataset):
    X, y = make_classification_2d(dataset, n=N_POINTS, noise=0.2, seed=3)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=1 / 3, random_state=3, stratify=y)
    scaler = StandardScaler().fit(X_train)
    reference.fit(scaler.transform(X_train), y_train)
    fit = fit_family(dataset, 0.2, name, seed=3)
    assert fit.test_accuracy == pytest.approx(np.mean(reference.predict(scaler.transform(X_test)) == y_test))
    assert fit.train_accuracy == pytest.approx(np.mean(reference.predict(scaler.transform(X_train)) == y_train))
    assert fit.grid.shape == (GRID, GRID) and np.all((fit.grid >= 0) & (fit.grid <= 1))


def test_split_is_stratified_two_thirds_and_reproducible():
    X_train, X_test, y_train, y_test = split_dataset("círculo", 0.1, seed=1)
    assert len(X_train) == 2 * N_POINTS // 3 and len(X_test) == N_POINTS // 3
    assert abs(y_train.mean() - y_test.mean()) < 0.02
    np.testing.assert_array_equal(split_dataset("círculo", 0.1, seed=1)[0], X_train)


@pytest.mark.parametrize("name", SLOW)
def test_slow_models_learn_the_moons_in_steps(name):
    seen = []
    fit = fit_family("lunas", 0.1, name, seed=0, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 1        # progreso por tramos
    assert fit.train_accuracy >= 0.95 and fit.test_accuracy >= 0.9


def test_the_previous_choice_stays_beside_and_fits_are_cached():
    demo = families(background=False)
    assert [fit.model for fit in demo.shown] == ["regresión logística", "SVM con núcleo RBF"]
    demo.controls["model"].value = "k vecinos (k = 15)"
    assert [fit.model for fit in demo.shown] == ["SVM con núcleo RBF", "k vecinos (k = 15)"]
    fits = dict(demo.fits)
    demo.controls["model"].value = "SVM con núcleo RBF"
    assert demo.fits == fits                     # volver a un modelo ya visto no vuelve a ajustar
    demo.controls["dataset"].value = "espiral"
    assert {fit.model for fit in demo.shown} == {"k vecinos (k = 15)", "SVM con núcleo RBF"}
    assert "SVM con núcleo RBF: prueba" in demo.status.value and demo.failures == []


def test_a_slow_fit_runs_in_the_background_and_shows_progress():
    demo = families(dataset="círculo", noise=0.0)
    demo.controls["model"].value = "red del curso (MLP)"
    assert demo.shown[1] is None                 # no bloqueó: la actualización volvió sin ajustar
    assert "segundo plano" in demo.status.value
    demo.wait()
    demo.refresh()
    assert demo.shown[1] is not None and demo.shown[1].model == "red del curso (MLP)"
    assert demo.failures == [] and "Red del curso (MLP): prueba" in demo.status.value


def test_every_family_of_the_chapter_is_offered():
    assert list(MODELS) == ["regresión logística", "SVM con núcleo RBF", "k vecinos (k = 15)", "bosque aleatorio",
                            "gradient boosting", "red del curso (MLP)"]
