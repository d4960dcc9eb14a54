"""Regularizadores L1 y L2 de los pesos, con las mismas fórmulas que Keras.

Un regularizador añade al coste una penalización que depende solo de los pesos W:

    J_total = J + penalización(W),   penalización = l1·Σ|W| + l2·Σ W²

Ojo: Keras (y este motor) no multiplican L2 por ½; su gradiente es por tanto
∂penalización/∂W = l1·sign(W) + 2·l2·W. Se aplica al núcleo (W), nunca a los sesgos, y la capa
suma ese gradiente a ``grads["W"]`` en su paso hacia atrás.
"""

import numpy as np

from .validation import CourseTypeError, check_number, unknown_name_error


class L1L2:
    """Penalización l1·Σ|W| + l2·Σ W² (``keras.regularizers.L1L2``)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = check_number(l1, "l1", low=0.0)
        self.l2 = check_number(l2, "l2", low=0.0)

    def __call__(self, W):
        """Penalización que se suma al coste."""
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * np.sum(np.abs(W))
        if self.l2:
            penalty += self.l2 * np.sum(W * W)
        return float(penalty)

    def gradient(self, W):
        """∂penalización/∂W = l1·sign(W) + 2·l2·W (con sign(0) = 0)."""
        grad = np.zeros_like(W)
        if self.l1:
            grad += self.l1 * np.sign(W)
        if self.l2:
            grad += 2.0 * self.l2 * W
        return grad

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}

    def __repr__(self):
        args = ", ".join(f"{k}={v:g}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1(L1L2):
    """Regularización L1 (LASSO): penalización l1·Σ|W|; empuja pesos a exactamente 0."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """Regularización L2 (Ridge, decaimiento de pesos): penalización l2·Σ W²; encoge los pesos."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


#: Los nombres en minúscula de Keras: ``regularizers.l2(0.01)`` es ``L2(0.01)``.
l1 = L1
l2 = L2


def l1_l2(l1=0.01, l2=0.01):  # noqa: F811 - los argumentos se llaman como en Keras
    """``keras.regularizers.l1_l2``: penalización l1·Σ|W| + l2·Σ W² (por defecto 0,01 y 0,01)."""
    return L1L2(l1=l1, l2=l2)


REGULARIZERS = {"l1": L1, "l2": L2, "l1_l2": L1L2}


def get(identifier):
    """Devuelve un regularizador a partir de un nombre, un dict de :func:`serialize`, un objeto o ``None``.

    Los nombres usan los valores por defecto: "l1" → L1(0.01), "l2" → L2(0.01) y
    "l1_l2" → L1L2(l1=0.01, l2=0.01) (como la función ``keras.regularizers.l1_l2`` de Keras 2).
    """
    if identifier is None or isinstance(identifier, L1L2):
        return identifier
    if isinstance(identifier, dict):
        classes = {"L1": L1, "L2": L2, "L1L2": L1L2}
        return classes[identifier["class_name"]](**identifier["config"])
    if not isinstance(identifier, str):
        raise CourseTypeError(
            "kernel_regularizer debe ser L1(...), L2(...), L1L2(...), uno de los nombres 'l1', 'l2', "
            f"'l1_l2' o None; se recibió un valor de tipo {type(identifier).__name__}."
        )
    name = identifier.lower()
    if name not in REGULARIZERS:
        raise unknown_name_error("regularización", identifier, REGULARIZERS)
    return L1L2(0.01, 0.01) if name == "l1_l2" else REGULARIZERS[name]()


def serialize(regularizer):
    """Dict JSON que :func:`get` convierte de nuevo en el mismo regularizador (o None)."""
    if regularizer is None:
        return None
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}
