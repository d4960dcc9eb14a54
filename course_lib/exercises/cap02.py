"""Ejercicios del capítulo 02: funciones de activación."""

import numpy as np

from ..checks import Exercise, call, expect_close

Z_TEST = np.linspace(-6.0, 6.0, 25)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# 02.1 — Derivada de la sigmoide: σ'(z) = σ(z)·(1 − σ(z)).

def sigmoid_derivative(z):
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 - s)


def _verify_sigmoid_derivative(function):
    got = call(function, Z_TEST.copy())
    s = _sigmoid(Z_TEST)
    expect_close(
        got,
        s * (1 - s),
        name="σ'(z)",
        mistakes=[
            (s, "devolviste σ(z), no su derivada σ'(z) = σ(z)·(1 − σ(z))."),
            (Z_TEST * (1 - Z_TEST), "aplicaste la fórmula a z en lugar de a σ(z): σ'(z) = σ(z)·(1 − σ(z))."),
            (s * (1 + s), "revisa el signo: es σ(z)·(1 − σ(z)), no σ(z)·(1 + σ(z))."),
        ],
    )


EXERCISES = [
    Exercise(
        id="02.1",
        title="Derivada de la sigmoide",
        verify=_verify_sigmoid_derivative,
        solution=sigmoid_derivative,
        hint="calcula primero s = σ(z) y usa σ'(z) = s·(1 − s).",
        mistakes=[
            (_sigmoid, "devolviste σ(z)"),
            (lambda z: z * (1 - z), "aplicaste la fórmula a z"),
            (lambda z: _sigmoid(z) * (1 + _sigmoid(z)), "revisa el signo"),
            (lambda z: _sigmoid(z)[:-1], "forma"),
            (lambda z: "hola", "número o un array"),
        ],
    ),
]
