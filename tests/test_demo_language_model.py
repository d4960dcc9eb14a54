"""La demostración del capítulo 16 y sus piezas: la inferencia con caché de claves y valores da lo mismo
que el Transformer del motor, el muestreo hace lo que dice, y ningún texto tecleado (vacío, con caracteres
que el modelo no conoce, más largo que su contexto) produce un error o un aviso."""

import time

import numpy as np
import pytest

from course_lib import demos
from course_lib.demos.language_model import LanguageModel, wrap
from course_lib.lenguaje import (CharTransformer, FastTransformer, load_pretrained, next_char_probabilities,
                                 sample_index, set_transformer_weights)

pytestmark = pytest.mark.filterwarnings(
    "error", "ignore::DeprecationWarning", "ignore::PendingDeprecationWarning",
    "error::DeprecationWarning:course_lib", "error::PendingDeprecationWarning:course_lib")


@pytest.fixture(scope="module")
def pretrained():
    return load_pretrained()


def test_kv_cache_gives_the_same_logits_as_the_engine(pretrained):
    vocabulary, weights, info = pretrained
    model = CharTransformer(len(vocabulary), context=info["context"], d_model=info["d_model"],
                            num_heads=info["num_heads"], num_blocks=info["num_blocks"])
    ids = np.random.default_rng(0).integers(0, len(vocabulary), size=(1, info["context"]))
    model.predict(ids, verbose=0)
    set_transformer_weights(model, weights)
    fast = FastTransformer(weights, num_heads=info["num_heads"])
    np.testing.assert_allclose(fast.logits_for_all_positions(ids[0]), model.predict(ids, verbose=0)[0], atol=1e-3)
    # Leer de una vez o carácter a carácter es lo mismo.
    np.testing.assert_allclose(fast.read(ids[0, :10]), fast.logits_for_all_positions(ids[0, :10])[-1])


def test_generation_goes_past_the_context(pretrained):
    vocabulary, weights, info = pretrained
    fast = FastTransformer(weights, num_heads=info["num_heads"])
    out = fast.generate([vocabulary.index("Y")], 3 * info["context"], temperature=1.0, rng=np.random.default_rng(1))
    assert len(out) == 3 * info["context"] and all(0 <= i < len(vocabulary) for i in out)
    assert len(fast.ids) <= info["context"]


def test_sampling_greedy_temperature_and_top_k():
    z = np.array([0.5, 3.0, -1.0, 2.9, 0.0])
    rng = np.random.default_rng(0)
    assert sample_index(z, 0, None, rng) == 1
    assert {sample_index(z, 1.0, 1, rng) for _ in range(50)} == {1}
    assert {sample_index(z, 1.0, 2, rng) for _ in range(200)} == {1, 3}
    p = next_char_probabilities(z, 0.5, 3)
    assert np.isclose(p.sum(), 1) and np.count_nonzero(p) == 3
    # La temperatura afila (T < 1) o aplana (T > 1) la distribución.
    assert next_char_probabilities(z, 0.5).max() > next_char_probabilities(z, 1.0).max() > next_char_probabilities(z, 2.0).max()
    # Las frecuencias del sorteo siguen a las probabilidades.
    draws = np.bincount([sample_index(z, 1.0, None, rng) for _ in range(4000)], minlength=len(z)) / 4000
    np.testing.assert_allclose(draws, next_char_probabilities(z), atol=0.03)


def test_the_model_has_learnt_spanish(pretrained):
    lm = LanguageModel()
    ids, unknown = lm.encode("Y dijo Jeh")
    assert unknown == []
    p = next_char_probabilities(lm.read(ids))
    assert lm.chars[int(np.argmax(p))] == "o"          # «Jeh» → «Jehová»


@pytest.mark.parametrize("prompt", ["", "ordenador €🙂", "x" * 500, "Y dijo Dios:\n\n"])
def test_any_prompt_works_without_warnings(prompt):
    demo = demos.language_model()
    for temperature, top_k in [(0.0, 1), (2.0, 78), (0.05, 3)]:
        demo.controls["temperature"].value = temperature
        demo.controls["top_k"].value = min(top_k, demo.controls["top_k"].max)
        demo.controls["prompt"].value = prompt
        assert demo.failures == [], demo.failures
        assert "No se pudo" not in demo.message.value
        assert len(demo.result["sampled"]) == 100


def test_greedy_does_not_depend_on_the_draw():
    demo = demos.language_model(temperature=0.0)
    first = demo.result["sampled"]
    demo.controls["seed"].value = 7
    assert demo.result["sampled"] == first
    demo.controls["temperature"].value = 1.0
    assert demo.result["sampled"] != first


def test_moving_a_slider_answers_at_once():
    demo = demos.language_model()
    demo.controls["temperature"].value = 0.8           # el comienzo ya está leído: solo se sortea y se dibuja
    start = time.perf_counter()
    for seed in range(1, 6):
        demo.controls["seed"].value = seed
    assert (time.perf_counter() - start) / 5 < 1.0


def test_wrap_keeps_line_breaks_visible():
    assert wrap("ab\ncd", width=10) == ["ab↵", "cd"]
