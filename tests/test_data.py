"""Los datos del curso: sin conexión, con la forma documentada y reproducibles con semilla."""

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import OneHotEncoder

from course_lib import data
from course_lib.nn import CourseError


def test_penguins_load_offline_with_the_documented_columns():
    df = data.load_penguins()
    assert isinstance(df, pd.DataFrame)
    assert df.shape == (344, 8)
    assert list(df.columns) == ["species", "island", *data.PENGUIN_FEATURES, "sex", "year"]
    assert sorted(df["species"].unique()) == data.PENGUIN_SPECIES
    # Faltantes documentados en data/README.md: 2 pingüinos sin medidas y 11 sin sexo.
    assert df[data.PENGUIN_FEATURES].isna().all(axis=1).sum() == 2
    assert df["sex"].isna().sum() == 11
    assert data.load_penguins(dropna=True).shape == (333, 8)


def test_penguins_xy_encodes_species_in_order():
    X, y = data.penguins_xy()
    df = data.load_penguins().dropna(subset=data.PENGUIN_FEATURES)
    assert X.shape == (342, 4) and y.shape == (342,)
    assert np.array_equal(np.bincount(y), df["species"].value_counts()[data.PENGUIN_SPECIES].to_numpy())
    gentoo = X[y == 2]
    assert gentoo[:, 3].mean() > X[y == 0][:, 3].mean()  # los papúa (Gentoo) pesan más que los Adelia


def test_digits_are_nhwc_images_in_unit_range():
    X, y = data.load_digits_images()
    assert X.shape == (1797, 8, 8, 1)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


@pytest.mark.parametrize("gray", [False, True])
def test_sample_photo(gray):
    photo = data.load_sample_photo("flower.jpg", gray=gray)
    assert photo.shape == ((427, 640) if gray else (427, 640, 3))
    assert 0.0 <= photo.min() and photo.max() <= 1.0


def test_unknown_photo_suggests_the_closest_name():
    with pytest.raises(CourseError, match="flower.jpg"):
        data.load_sample_photo("flower.png")


@pytest.mark.parametrize("name", list(data.CLASSIFICATION_DATASETS))
def test_toy_classification_sets_are_balanced_reproducible_and_noisy(name):
    X, y = data.make_classification_2d(name, n=200, noise=0.0, seed=3)
    assert X.shape == (200, 2) and set(np.unique(y)) == {0, 1}
    assert abs(y.mean() - 0.5) <= 0.05
    assert np.abs(X).max() < 8
    again, _ = data.make_classification_2d(name, n=200, noise=0.0, seed=3)
    assert np.array_equal(X, again)
    other, _ = data.make_classification_2d(name, n=200, noise=0.0, seed=4)
    noisy, _ = data.make_classification_2d(name, n=200, noise=0.5, seed=3)
    assert not np.array_equal(X, noisy)
    if name != "espiral":  # la espiral sin ruido es la misma curva con cualquier semilla
        assert not np.array_equal(X, other)


def test_xor_labels_follow_the_sign_rule():
    X, y = data.make_classification_2d("xor", n=300, seed=0)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))


@pytest.mark.parametrize("name", list(data.REGRESSION_DATASETS))
def test_toy_regression_sets(name):
    X, y = data.make_regression_2d(name, n=150, noise=0.0, seed=1)
    assert X.shape == (150, 2) and y.shape == (150,)
    assert np.allclose(y, data.REGRESSION_DATASETS[name](X))
    _, noisy = data.make_regression_2d(name, n=150, noise=0.3, seed=1)
    assert 0.2 < np.std(noisy - y) < 0.4


def test_regression_1d_is_sorted_and_follows_the_sine():
    x, y = data.make_regression_1d(n=50, noise=0.0, seed=0)
    assert np.all(np.diff(x) >= 0)
    assert np.allclose(y, np.sin(2 * np.pi * x))


def test_unknown_dataset_names_and_bad_arguments_are_clear():
    with pytest.raises(CourseError, match="desconocido.*círculo"):
        data.make_classification_2d("circulo")
    with pytest.raises(CourseError, match="noise"):
        data.make_classification_2d("xor", noise=2.0)
    with pytest.raises(CourseError, match="n debe ser"):
        data.make_regression_2d("plano", n=0)


def test_split_is_stratified_with_the_requested_proportions():
    X, y = data.penguins_xy()
    X_train, X_val, X_test, y_train, y_val, y_test = data.train_val_test_split(X, y, 0.2, 0.2, seed=0)
    assert len(X_train) + len(X_val) + len(X_test) == len(X)
    assert abs(len(X_test) / len(X) - 0.2) < 0.01 and abs(len(X_val) / len(X) - 0.2) < 0.01
    overall = np.bincount(y) / len(y)
    for part in (y_train, y_val, y_test):
        assert np.allclose(np.bincount(part, minlength=3) / len(part), overall, atol=0.03)
    with pytest.raises(CourseError, match="menor que 1"):
        data.train_val_test_split(X, y, 0.6, 0.5)


def test_one_hot_matches_scikit_learn_and_rejects_bad_labels():
    y = np.array([2, 0, 1, 2])
    expected = OneHotEncoder(sparse_output=False).fit_transform(y.reshape(-1, 1))
    assert np.array_equal(data.one_hot(y), expected)
    assert data.one_hot(y, num_classes=5).shape == (4, 5)
    with pytest.raises(CourseError, match="solo 2 clases"):
        data.one_hot(y, num_classes=2)
    with pytest.raises(CourseError, match="enteras"):
        data.one_hot(np.array([0.5, 1.0]))


def test_standardize_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal(10, 2, (100, 3))
    X_test = rng.normal(20, 5, (40, 3))
    train_scaled, test_scaled, scaler = data.standardize(X_train, X_test)
    assert np.allclose(train_scaled.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(train_scaled.std(axis=0), 1)
    assert np.allclose(test_scaled, (X_test - X_train.mean(axis=0)) / X_train.std(axis=0))
    assert not np.allclose(test_scaled.mean(axis=0), 0, atol=0.5)  # la prueba no se centra en sí misma


def test_mnist_ships_offline_as_nhwc_images_with_the_documented_counts():
    X, y = data.load_mnist()
    assert X.shape == (10000, 28, 28, 1) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    # Recuentos por dígito documentados en data/README.md (el orden del paquete npm, agrupado por dígito).
    assert tuple(np.bincount(y)) == data.MNIST_COUNTS
    assert np.all(np.diff(y) >= 0)
    # Son dígitos de verdad: el fondo (los bordes) está vacío y la tinta ocupa el centro.
    assert X[:, :2].mean() < 0.01 and X[:, 10:18, 10:18].mean() > 5 * X[:, :4].mean()
    # Los píxeles son múltiplos exactos de 1/255 (el archivo guarda enteros de 8 bits).
    assert np.allclose(X * 255, np.rint(X * 255))
    # Un 1 tiene menos tinta que un 0, en promedio.
    assert X[y == 1].mean() < 0.6 * X[y == 0].mean()
