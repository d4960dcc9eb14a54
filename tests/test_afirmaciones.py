"""course_lib.afirmaciones: una afirmación que no se cumple detiene el cuaderno, salvo al contarlas."""

import json

import numpy as np
import pytest

from course_lib.afirmaciones import ENV_VARIABLE, AfirmacionNoCumplida, afirmar


def test_a_claim_that_holds_returns_true(monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    assert afirmar(3 > 2, "tres es mayor que dos") is True


def test_a_claim_that_fails_stops_with_a_spanish_message(monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    with pytest.raises(AfirmacionNoCumplida, match="«la red generaliza mejor».*Medido: 0,8 frente a 0,9"):
        afirmar(False, "la red generaliza mejor", "0,8 frente a 0,9")
    assert issubclass(AfirmacionNoCumplida, AssertionError)


def test_when_counting_every_claim_is_logged_and_none_stops(monkeypatch, tmp_path):
    registro = tmp_path / "registro.jsonl"
    monkeypatch.setenv(ENV_VARIABLE, str(registro))
    assert afirmar(np.float64(1.0) > 0, "uno es positivo") is True
    assert afirmar(False, "falsa", 7) is False
    lineas = [json.loads(l) for l in registro.read_text(encoding="utf-8").splitlines()]
    assert lineas == [{"afirmacion": "uno es positivo", "cumplida": True, "detalle": ""},
                      {"afirmacion": "falsa", "cumplida": False, "detalle": "7"}]


def test_a_condition_that_is_not_one_truth_value_is_refused(monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    with pytest.raises(TypeError, match="np.all"):
        afirmar(np.array([True, False]), "varias")
    with pytest.raises(TypeError, match="texto de la afirmación"):
        afirmar(True, "")
