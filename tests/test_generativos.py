"""course_lib.generativos (capítulo 17): el paso del VAE da el gradiente de su pérdida, la división de MNIST
es fija y los pesos guardados se cargan (o fallan con un mensaje en español)."""

import numpy as np
import pytest

from course_lib import generativos as gen
from course_lib.demos.latent_space import interpolar
from course_lib.nn.validation import CourseError


class _SinActualizar:
    """Un optimizador que no mueve nada: deja los gradientes en ``capa.grads`` para mirarlos."""

    def step(self, layers):
        pass


def test_the_mnist_split_is_fixed_stratified_and_in_range():
    X_ent, y_ent, X_prueba, y_prueba = gen.division_mnist()
    assert X_ent.shape == (8000, 28, 28, 1) and X_prueba.shape == (2000, 28, 28, 1)
    assert X_ent.dtype == np.float32 and 0 <= X_ent.min() and X_ent.max() <= 1
    assert np.all(np.abs(4 * np.bincount(y_prueba, minlength=10) - np.bincount(y_ent, minlength=10)) <= 4)
    assert np.array_equal(gen.division_mnist()[3], y_prueba)        # la misma división cada vez


def test_the_vae_step_gives_the_gradient_of_reconstruction_plus_beta_kl():
    rng = np.random.default_rng(3)
    gen.nn.set_seed(3)
    cod, dec = gen.crear_codificador(2 * gen.LATENTE_VAE), gen.crear_decodificador(gen.LATENTE_VAE)
    x = rng.uniform(size=(6, 28, 28, 1)).astype(np.float32)
    eps = rng.standard_normal((6, gen.LATENTE_VAE)).astype(np.float32)
    beta = 0.7
    gen.paso_vae(cod, dec, _SinActualizar(), x, eps, beta)
    capa = cod.layers[-1]                       # la Dense que da μ y log σ²: su sesgo recibe ∂J/∂μ y ∂J/∂log σ²
    analitico = capa.grads["b"].astype(float).copy()

    def J():
        r, kl = gen.paso_vae(cod, dec, None, x, eps, beta, entrenar=False)
        return r + beta * kl

    numerico = np.empty_like(analitico)
    h = 1e-2
    for k in range(len(analitico)):
        original = capa.params["b"][k].copy()
        capa.params["b"][k] = original + h
        mas = J()
        capa.params["b"][k] = original - h
        menos = J()
        capa.params["b"][k] = original
        numerico[k] = (mas - menos) / (2 * h)
    assert np.allclose(analitico, numerico, rtol=2e-2, atol=2e-2), (analitico, numerico)


def test_stable_losses_match_their_definitions():
    s = np.array([[-8.0, -1.0, 0.0, 2.0, 9.0]])
    x = np.array([[0.0, 0.3, 1.0, 0.5, 1.0]])
    p = 1 / (1 + np.exp(-s))
    ingenua = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=1)
    assert np.allclose(gen.entropia_cruzada_binaria_logits(s, x), ingenua, rtol=1e-6)
    assert np.isfinite(gen.entropia_cruzada_binaria_logits(np.array([[-1000.0, 1000.0]]), np.array([[1.0, 0.0]]))).all()
    assert np.allclose(gen.kl_normal_estandar(np.zeros((2, 3)), np.zeros((2, 3))), 0)


def test_saved_weights_load_and_wrong_requests_are_explained_in_spanish():
    info = gen.leer_entrenamiento()
    assert info["version_de_la_receta"] == gen.VERSION_DE_LA_RECETA and len(info["semillas"]) >= 2
    dec = gen.cargar_modelo("vae_decodificador", info["semillas"][0])
    assert dec.forward(np.zeros((2, 2), np.float32), training=False).shape == (2, 28, 28, 1)
    with pytest.raises(CourseError, match="No hay un modelo guardado"):
        gen.cargar_modelo("transformer")
    with pytest.raises(CourseError, match="semilla 99"):
        gen.cargar_modelo("generador", 99)


def test_interpolation_goes_from_one_code_to_the_other():
    a, b = np.array([1.0, -2.0]), np.array([3.0, 0.5])
    assert np.allclose(interpolar(a, b, 0), a) and np.allclose(interpolar(a, b, 1), b)
    assert np.allclose(interpolar(a, b, 0.5), (a + b) / 2)
