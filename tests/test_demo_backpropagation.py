"""La demostración de la retropropagación (capítulo 05): sus gradientes, comprobados contra PyTorch
y contra diferencias finitas escritas aquí aparte; el orden de la pasada hacia atrás; lo que muestra
en cada paso; y que en la sala su letra no baja de 20 px."""

import itertools
import math

import numpy as np
import pytest

from course_lib.demos import backpropagation
from course_lib.demos.backpropagation import (
    EXPRESSIONS,
    LEAVES,
    GraphPainter,
    backward_steps,
    explanation,
    finite_differences,
    forward,
    neuron_graph,
    relative_error,
)
from course_lib.demos.base import projector_mode

POINTS = [
    {"x1": 2.0, "x2": -1.0, "w1": 0.5, "w2": 1.0, "b": -0.5, "y": 1.0},
    {"x1": -1.3, "x2": 0.7, "w1": -2.2, "w2": 0.4, "b": 1.9, "y": 0.0},
    {"x1": 2.0, "x2": 2.0, "w1": 3.0, "w2": 3.0, "b": 3.0, "y": 0.0},     # sigmoide saturada
    {"x1": 0.3, "x2": -0.8, "w1": -1.0, "w2": 1.5, "b": 0.2, "y": 1.0},
]


def loss_by_hand(activation, loss, p):
    """La misma cuenta escrita de corrido, sin grafo (referencia independiente)."""
    z = p["w1"] * p["x1"] + p["w2"] * p["x2"] + p["b"]
    a = {"sigmoid": 1 / (1 + math.exp(-z)), "relu": max(z, 0.0), "linear": z}[activation]
    if loss == "mse":
        return (a - p["y"]) ** 2
    # Entropía cruzada de σ(z) escrita sin restar 1 − a (estable con la sigmoide saturada):
    # −[y·ln σ(z) + (1 − y)·ln(1 − σ(z))] = ln(1 + e^z) − y·z.
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))) - p["y"] * z


def gradients(activation, loss, point):
    graph = neuron_graph(activation, loss)
    steps = backward_steps(graph, forward(graph, point))
    return {step.node: step.gradient for step in steps}


@pytest.mark.parametrize("expression", list(EXPRESSIONS))
@pytest.mark.parametrize("point", POINTS)
def test_gradients_match_pytorch(expression, point):
    torch = pytest.importorskip("torch")
    activation, loss = EXPRESSIONS[expression]
    leaves = {name: torch.tensor(point[name], dtype=torch.float64, requires_grad=True) for name in LEAVES}
    z = leaves["w1"] * leaves["x1"] + leaves["w2"] * leaves["x2"] + leaves["b"]
    a = {"sigmoid": torch.sigmoid, "relu": torch.relu, "linear": lambda t: t}[activation](z)
    y = torch.tensor(point["y"], dtype=torch.float64)
    L = (a - y) ** 2 if loss == "mse" else torch.nn.functional.binary_cross_entropy(a, y)
    L.backward()
    ours = gradients(activation, loss, point)
    assert forward(neuron_graph(activation, loss), point)["L"] == pytest.approx(L.item(), rel=1e-12, abs=1e-14)
    for name in LEAVES:
        assert ours[name] == pytest.approx(leaves[name].grad.item(), rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("expression", list(EXPRESSIONS))
@pytest.mark.parametrize("point", POINTS)
def test_gradients_match_independent_finite_differences(expression, point):
    activation, loss = EXPRESSIONS[expression]
    ours = gradients(activation, loss, point)
    demo_estimates = finite_differences(neuron_graph(activation, loss), point)
    for name in LEAVES:
        h = 1e-6
        plus, minus = dict(point, **{name: point[name] + h}), dict(point, **{name: point[name] - h})
        estimate = (loss_by_hand(activation, loss, plus) - loss_by_hand(activation, loss, minus)) / (2 * h)
        assert ours[name] == pytest.approx(estimate, rel=1e-5, abs=1e-7), name
        assert demo_estimates[name] == pytest.approx(estimate, rel=1e-5, abs=1e-7), name
        # Umbral de gradient_check: con la sigmoide saturada (g ≈ 10⁻⁶) el redondeo de h = 10⁻⁵ pesa más.
        assert relative_error(ours[name], demo_estimates[name]) < 1e-4


def test_backward_pass_goes_from_the_loss_to_the_leaves_and_never_before_its_readers():
    graph = neuron_graph("sigmoid", "mse")
    steps = backward_steps(graph, forward(graph, POINTS[0]))
    order = [step.node for step in steps]
    assert order[0] == "L" and order[:3] == ["L", "a", "z"]
    assert sorted(order) == sorted(["L", "a", "z", "u1", "u2", "b", "w1", "x1", "w2", "x2"])  # y no se deriva
    readers = {node.name: [n.name for n in graph if node.name in n.inputs] for node in graph}
    for position, name in enumerate(order):
        assert all(order.index(reader) < position for reader in readers[name])
    # Cada paso es la regla de la cadena: gradiente que llega × derivada local.
    for step in steps[1:]:
        assert step.gradient == pytest.approx(sum(up * local for _, up, local, _ in step.terms))


def test_the_explanation_writes_the_chain_rule_product_with_decimal_commas():
    graph = neuron_graph("sigmoid", "mse")
    values = forward(graph, POINTS[0])
    steps = backward_steps(graph, values)
    assert "Pasada hacia delante" in explanation(graph, steps, 0, values)[0]
    first, second = explanation(graph, steps, 3, values)          # nodo z
    assert "nodo z" in first and "σ(z)(1 − σ(z))" in first
    assert second.startswith("∂L/∂z = ∂L/∂a · ∂a/∂z = ") and "," in second and "." not in second


def test_the_demo_walks_the_backward_pass_and_reports_the_check():
    demo = backpropagation()
    assert demo.shown == 0 and "Paso 0 de 10" in demo.status.value
    for step in range(11):
        demo.controls["step"].value = step
        assert demo.shown == step and demo.failures == []
    assert "Mayor error relativo" in demo.status.value
    demo.controls["expression"].value = "neurona ReLU + pérdida cuadrática"
    demo.controls["w1"].value, demo.controls["w2"].value, demo.controls["b"].value = -3.0, -3.0, -3.0
    assert "muerta" in demo.status.value


def test_saturated_sigmoid_is_explained_with_and_without_cross_entropy():
    demo = backpropagation(w1=3.0, w2=3.0, b=3.0, x1=2.0, x2=2.0, y=0)
    assert "Sigmoide saturada" in demo.status.value and "pequeño" in demo.status.value
    demo.controls["expression"].value = "neurona sigmoide + entropía cruzada"
    assert "no se apaga" in demo.status.value


@pytest.mark.parametrize("room", [False, True])
def test_nothing_overlaps_and_room_text_is_at_least_20_px(room):
    """Las cajas de una columna no se tocan, las columnas no se solapan y todo cabe en la imagen."""
    if room:
        with projector_mode():
            demo = backpropagation()
    else:
        demo = backpropagation()
    painter = demo.painter
    assert painter.size >= (20 if room else 12)
    assert painter.gap >= 12
    graph = neuron_graph()
    kinds = {node.name: node.kind for node in graph}
    boxes = {}
    for name in kinds:
        (x, y), (w, h) = painter.center(name), painter.half(name, kinds[name])
        boxes[name] = (x - w, y - h, x + w, y + h)
        assert x - w >= 0 and x + w <= painter.width and y - h >= 0 and y + h <= painter.explain_top
    for a, b in itertools.combinations(boxes, 2):
        A, B = boxes[a], boxes[b]
        assert A[2] <= B[0] or B[2] <= A[0] or A[3] <= B[1] or B[3] <= A[1], (a, b)
    assert painter.table_columns[-1] + 100 <= painter.width
    assert demo.pixels.shape[:2] == (painter.height, painter.width)


def test_painter_measures_the_widest_text_of_every_expression():
    painter = GraphPainter(900, 350)
    for activation, loss in EXPRESSIONS.values():
        for node in neuron_graph(activation, loss):
            if node.kind == "operación":
                assert painter.stamps.length(node.formula, painter.fonts["bold"]) <= 2 * painter.half(node.name, node.kind)[0]
