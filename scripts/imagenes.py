"""Genera images/: el cartel, una imagen por capítulo (00–18) y los diagramas que un lector ve
primero (la neurona, la red 4-5-5-3 de los pingüinos y las capas de una CNN), con el estilo del
curso (course_lib.plots: paleta de Okabe e Ito, trazos distintos). ``make imagenes``.

    python scripts/imagenes.py                  # escribe en images/
    python scripts/imagenes.py --salida /tmp/x  # en otra carpeta (la prueba lo usa así)

Cada imagen tiene su texto alternativo en español en ``DESCRIPTIONS`` (el sitio web lo usa y
images/README.md lo lista). Los PNG no guardan la versión de matplotlib: si nada cambia, los
ficheros salen idénticos.
"""

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course_lib.demos.base import decimal_comma_ticks  # noqa: E402
from course_lib.plots import CLASS_COLORS, CLASS_MARKERS, COURSE_STYLE, draw_network  # noqa: E402

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK = CLASS_COLORS

DESCRIPTIONS = {
    "banner.png": "Cartel del curso: una red neuronal de cuatro capas junto al título «Fundamentos de "
                  "aprendizaje profundo».",
    "neurona.png": "Diagrama de una neurona artificial: tres entradas x₁, x₂, x₃ multiplicadas por sus pesos, "
                   "la suma z = w·x + b y la activación a = f(z).",
    "red_pinguinos_4-5-5-3.png": "Red densa 4-5-5-3 para los pingüinos: cuatro medidas de entrada, dos capas "
                                 "ocultas de cinco neuronas y tres salidas, una por especie.",
    "capas_cnn.png": "Capas de una red convolucional: entrada 32×32×3, convolución y ReLU, max pooling, otra "
                     "convolución y pooling, aplanado, capa densa y softmax con 10 clases.",
    "capitulo_00.png": "Capítulo 00: la inteligencia artificial contiene al aprendizaje automático, que "
                       "contiene al aprendizaje profundo.",
    "capitulo_01.png": "Capítulo 01: una neurona con tres entradas, sus pesos, la suma y la activación.",
    "capitulo_02.png": "Capítulo 02: las funciones de activación sigmoide, tanh y ReLU, cada una con su trazo.",
    "capitulo_03.png": "Capítulo 03: el error cuadrático frente al error de predicción y la entropía cruzada "
                       "frente a la probabilidad de la clase correcta.",
    "capitulo_04.png": "Capítulo 04: curvas de nivel de una pérdida con el camino del descenso del gradiente "
                       "hacia el mínimo.",
    "capitulo_05.png": "Capítulo 05: una red pequeña con la pasada hacia delante (izquierda a derecha) y la "
                       "retropropagación del gradiente (derecha a izquierda).",
    "capitulo_06.png": "Capítulo 06: en un valle alargado, el descenso del gradiente simple zigzaguea y el "
                       "momento llega antes al mínimo.",
    "capitulo_07.png": "Capítulo 07: dos variables en escalas muy distintas y las mismas estandarizadas, "
                       "centradas en cero con desviación uno.",
    "capitulo_08.png": "Capítulo 08: los ocho pasos para construir una red, de los datos a guardar el modelo.",
    "capitulo_09.png": "Capítulo 09: una imagen de un cuadrado, el filtro de bordes verticales de 3×3 y el "
                       "mapa de características con los bordes izquierdo y derecho.",
    "capitulo_10.png": "Capítulo 10: las capas de una red convolucional, de la imagen de entrada a la softmax.",
    "capitulo_11.png": "Capítulo 11: ajustes de grado 1, 3 y 9 a diez puntos con ruido: subajuste, buen "
                       "ajuste y sobreajuste.",
    "capitulo_12.png": "Capítulo 12: dropout: una red en la que algunas neuronas ocultas están apagadas en "
                       "este paso de entrenamiento.",
    "capitulo_13.png": "Capítulo 13: tipos de redes: prealimentada, recurrente con su bucle y autocodificador "
                       "con su cuello de botella.",
    "capitulo_14.png": "Capítulo 14: bibliotecas del aprendizaje automático: Keras, PyTorch, scikit-learn, "
                       "XGBoost, LightGBM, NLTK y Gensim.",
    "capitulo_15.png": "Capítulo 15: el proyecto final de principio a fin: datos, preparación, modelo, "
                       "entrenamiento, evaluación y conclusiones.",
    "capitulo_16.png": "Capítulo 16: la máscara causal sobre «la tierra», en la que cada posición solo mira a las "
                       "anteriores, y un Transformer decodificador (caracteres más posiciones, dos bloques de "
                       "atención causal y MLP con sus atajos, y la softmax) que en cada posición predice el "
                       "carácter siguiente.",
    "capitulo_17.png": "Capítulo 17: un autocodificador variacional: el codificador lleva un dígito de 28×28 a μ y "
                       "σ, el código z = μ + σ·ε cae en un espacio latente de dos dimensiones con los dígitos "
                       "agrupados por clase, y el decodificador lo reconstruye; para generar, z se saca de "
                       "N(0, I).",
    "capitulo_18.png": "Capítulo 18: el bloque residual básico de ResNet: la rama con dos convoluciones 3×3, "
                       "cada una con normalización por lotes y ReLU entre ellas, se suma al atajo (la identidad, "
                       "o una convolución 1×1 con BN si cambia la forma) y después va otra ReLU.",
}


def _figure(size=(6, 3.4)):
    fig, ax = plt.subplots(figsize=size)
    return fig, ax


def _box(ax, x, y, w, h, text, color, fontsize=11):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=color, edgecolor="black", alpha=0.9))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize,
            color="white" if color in (BLUE, VERMILLION, PURPLE, BLACK, GREEN) else "black")


def _arrow(ax, start, end, color="black", style="-|>", lw=1.8, linestyle="-"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=16, color=color, lw=lw,
                                 linestyle=linestyle))


def neuron(ax):
    inputs = [(0, 1.6), (0, 0.5), (0, -0.6)]
    for i, (x, y) in enumerate(inputs, start=1):
        ax.add_patch(Circle((x, y), 0.32, facecolor=BLUE, edgecolor="black"))
        ax.text(x, y, f"$x_{i}$", ha="center", va="center", color="white", fontsize=14)
        _arrow(ax, (x + 0.34, y), (2.45, 0.5 + (y - 0.5) * 0.15))
        ax.text(1.2, 0.5 + (y - 0.5) * 0.62 + 0.12, f"$w_{i}$", fontsize=13, ha="center")
    ax.add_patch(Circle((3, 0.5), 0.55, facecolor=ORANGE, edgecolor="black"))
    ax.text(3, 0.5, "$\\Sigma$", ha="center", va="center", fontsize=20)
    ax.text(3, -0.35, "$z = w\\cdot x + b$", ha="center", va="top", fontsize=12)
    _arrow(ax, (3.57, 0.5), (4.45, 0.5))
    _box(ax, 4.5, 0.1, 1.0, 0.8, "$f(z)$", GREEN, fontsize=14)
    _arrow(ax, (5.52, 0.5), (6.3, 0.5))
    ax.text(6.4, 0.5, "$a$", va="center", fontsize=16)
    ax.set_xlim(-0.5, 6.8)
    ax.set_ylim(-1.1, 2.1)
    ax.set_aspect("equal")
    ax.set_axis_off()


def cnn_layers(ax):
    layers = [("entrada\n32×32×3", 3.0, SKY), ("conv 3×3\n+ ReLU\n32×32×8", 3.0, BLUE),
              ("max pooling\n16×16×8", 2.0, ORANGE), ("conv 3×3\n+ ReLU\n16×16×16", 2.0, BLUE),
              ("max pooling\n8×8×16", 1.3, ORANGE), ("aplanado\n1024", 3.2, "#bbbbbb"),
              ("densa\n64", 2.0, GREEN), ("softmax\n10", 1.2, VERMILLION)]
    x = 0
    for i, (label, height, color) in enumerate(layers):
        width = 0.35 if "aplanado" in label or "densa" in label or "softmax" in label else 0.9
        ax.add_patch(FancyBboxPatch((x, -height / 2), width, height, boxstyle="round,pad=0.02",
                                    facecolor=color, edgecolor="black"))
        ax.text(x + width / 2, -1.9, label, ha="center", va="top", fontsize=9)
        if i:
            _arrow(ax, (x - 0.45, 0), (x - 0.05, 0), lw=1.4)
        x += width + 0.55
    ax.set_xlim(-0.2, x - 0.3)
    ax.set_ylim(-3.4, 1.9)
    ax.set_axis_off()


def chapter_00(ax):
    # Tres círculos que se tocan abajo; cada nombre, en la parte de su círculo que no tapa el siguiente.
    for radius, color, label, y in [(2.0, SKY, "inteligencia artificial", 1.45),
                                    (1.35, ORANGE, "aprendizaje automático", 0.2),
                                    (0.7, BLUE, "aprendizaje\nprofundo", -1.3)]:
        ax.add_patch(Circle((0, -2.0 + radius), radius, facecolor=color, edgecolor="black", alpha=0.9))
        ax.text(0, y, label, ha="center", va="center", fontsize=11, color="white" if color == BLUE else "black")
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-2.1, 2.1)
    ax.set_aspect("equal")
    ax.set_axis_off()


def chapter_02(ax):
    z = np.linspace(-4, 4, 400)
    ax.plot(z, 1 / (1 + np.exp(-z)), label="sigmoide")
    ax.plot(z, np.tanh(z), label="tanh")
    ax.plot(z, np.maximum(0, z), label="ReLU")
    ax.set_ylim(-1.2, 2.2)
    ax.set_xlabel("z")
    ax.set_ylabel("f(z)")
    ax.legend(loc="upper left")


def chapter_03(axes):
    error = np.linspace(-2, 2, 200)
    p = np.linspace(0.02, 1, 200)
    axes[0].plot(error, error ** 2, color=BLUE)
    axes[0].set_title("error cuadrático", fontsize=12)
    axes[0].set_xlabel("y − ŷ")
    axes[1].plot(p, -np.log(p), color=ORANGE, linestyle="--")
    axes[1].set_title("entropía cruzada", fontsize=12)
    axes[1].set_xlabel("p de la clase correcta")
    axes[0].set_ylabel("pérdida")


def _bowl(scale_y):
    x, y = np.meshgrid(np.linspace(-3, 3, 200), np.linspace(-2, 2, 200))
    return x, y, x ** 2 + scale_y * y ** 2


def _descent(scale_y, rate, momentum, steps=25):
    point, velocity, path = np.array([-2.7, 1.6]), np.zeros(2), []
    for _ in range(steps):
        path.append(point.copy())
        gradient = np.array([2 * point[0], 2 * scale_y * point[1]])
        velocity = momentum * velocity - rate * gradient
        point = point + velocity
    return np.array(path)


def chapter_04(ax):
    x, y, loss = _bowl(2.0)
    ax.contour(x, y, loss, levels=12, colors="0.6", linewidths=1)
    path = _descent(2.0, 0.12, 0.0, steps=15)
    ax.plot(path[:, 0], path[:, 1], marker="o", color=VERMILLION, label="descenso del gradiente")
    ax.plot(0, 0, marker="*", markersize=16, color=BLACK, linestyle="none", label="mínimo")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(loc="lower right")


def chapter_05(ax):
    draw_network([2, 3, 1], ax=ax, layer_labels=["entrada", "oculta", "salida"])
    _arrow(ax, (-0.3, 1.55), (2.3, 1.55), color=BLUE, lw=2.5)
    ax.text(1, 1.75, "hacia delante: predicción", ha="center", color=BLUE, fontsize=11)
    _arrow(ax, (2.3, -2.75), (-0.3, -2.75), color=VERMILLION, lw=2.5)
    ax.text(1, -3.0, "hacia atrás: gradientes", ha="center", va="top", color=VERMILLION, fontsize=11)
    ax.set_ylim(-3.6, 2.1)


def chapter_06(ax):
    x, y, loss = _bowl(12.0)
    ax.contour(x, y, loss, levels=14, colors="0.6", linewidths=1)
    plain = _descent(12.0, 0.075, 0.0)
    momentum = _descent(12.0, 0.02, 0.8)
    ax.plot(plain[:, 0], plain[:, 1], marker="o", markersize=4, color=VERMILLION, label="GD simple")
    ax.plot(momentum[:, 0], momentum[:, 1], marker="s", markersize=4, linestyle="--", color=BLUE,
            label="con momento")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(loc="lower right")


def chapter_07(axes):
    rng = np.random.default_rng(7)
    height = rng.normal(170, 9, 150)
    income = rng.normal(30000, 8000, 150)
    standard = lambda v: (v - v.mean()) / v.std()  # noqa: E731
    axes[0].scatter(height, income, s=12, color=ORANGE, marker="s")
    axes[0].set_title("originales", fontsize=12)
    axes[0].set_xlabel("altura (cm)")
    axes[0].set_ylabel("ingresos (€)")
    axes[1].scatter(standard(height), standard(income), s=12, color=BLUE, marker="o")
    axes[1].set_title("estandarizadas", fontsize=12)
    axes[1].set_xlabel("altura (z)")
    axes[1].set_ylabel("ingresos (z)")


def chapter_08(ax):
    steps = ["1 datos", "2 preparar", "3 arquitectura", "4 compilar",
             "5 entrenar", "6 evaluar", "7 ajustar", "8 guardar"]
    colors = [SKY, SKY, BLUE, BLUE, ORANGE, ORANGE, GREEN, GREEN]
    # En serpentina: la primera fila de izquierda a derecha, la segunda de vuelta.
    for i, (step, color) in enumerate(zip(steps, colors)):
        row, k = divmod(i, 4)
        col = k if row == 0 else 3 - k
        _box(ax, col * 1.6, 1.2 - row * 1.3, 1.4, 0.8, step, color, fontsize=9)
        y = 1.6 - row * 1.3
        if k < 3 and row == 0:
            _arrow(ax, (col * 1.6 + 1.42, y), (col * 1.6 + 1.58, y))
        elif k < 3:
            _arrow(ax, (col * 1.6 - 0.02, y), (col * 1.6 - 0.18, y))
    _arrow(ax, (5.5, 1.18), (5.5, 0.72))
    ax.set_xlim(-0.1, 6.4)
    ax.set_ylim(-0.3, 2.2)
    ax.set_axis_off()


def chapter_09(axes):
    image = np.zeros((8, 8))
    image[2:6, 2:6] = 1
    kernel = np.array([[1, 0, -1]] * 3, dtype=float)
    out = np.array([[np.sum(image[i:i + 3, j:j + 3] * kernel) for j in range(6)] for i in range(6)])
    for ax, data, title, cmap in [(axes[0], image, "imagen 8×8", "gray"), (axes[1], kernel, "filtro 3×3", "cividis"),
                                  (axes[2], out, "mapa 6×6", "cividis")]:
        ax.imshow(data, cmap=cmap)
        ax.set_title(title, fontsize=12)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)


def chapter_11(ax):
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(0, 1, 10))
    y = np.sin(2 * np.pi * x) + rng.normal(0, 0.2, 10)
    grid = np.linspace(0, 1, 300)
    ax.scatter(x, y, color=BLACK, zorder=3, label="datos")
    for degree, name in [(1, "grado 1: subajuste"), (3, "grado 3: buen ajuste"), (9, "grado 9: sobreajuste")]:
        ax.plot(grid, np.polyval(np.polyfit(x, y, degree), grid), label=name)
    ax.set_ylim(-1.8, 1.8)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="lower left", fontsize=9)


def chapter_12(ax):
    draw_network([3, 5, 5, 2], ax=ax)
    for layer, neuron_index in [(1, 1), (1, 3), (2, 0), (2, 2)]:
        y = (5 - 1) / 2 - neuron_index
        ax.plot([layer - 0.2, layer + 0.2], [y - 0.2, y + 0.2], color=VERMILLION, lw=3, linestyle="-", zorder=3)
        ax.plot([layer - 0.2, layer + 0.2], [y + 0.2, y - 0.2], color=VERMILLION, lw=3, linestyle="-", zorder=3)


def chapter_13(ax):
    # Prealimentada
    for i, x in enumerate([0, 1, 2]):
        ax.add_patch(Circle((x, 2), 0.25, facecolor=BLUE, edgecolor="black"))
        if i:
            _arrow(ax, (x - 0.75, 2), (x - 0.27, 2))
    ax.text(1, 1.45, "prealimentada", ha="center", fontsize=11)
    # Recurrente
    ax.add_patch(Circle((4.5, 2), 0.3, facecolor=ORANGE, edgecolor="black"))
    ax.add_patch(FancyArrowPatch((4.7, 2.25), (4.3, 2.25), connectionstyle="arc3,rad=1.8",
                                 arrowstyle="-|>", mutation_scale=14, lw=1.6))
    _arrow(ax, (3.6, 2), (4.18, 2))
    _arrow(ax, (4.82, 2), (5.4, 2))
    ax.text(4.5, 1.45, "recurrente", ha="center", fontsize=11)
    # Autocodificador
    for x, n in [(1.7, 5), (2.7, 2), (3.7, 5)]:
        for j in range(n):
            ax.add_patch(Circle((x, 0.3 + (j - (n - 1) / 2) * 0.32), 0.13, facecolor=GREEN, edgecolor="black"))
    ax.text(2.7, -0.5, "autocodificador (cuello de botella)", ha="center", va="top", fontsize=11)
    ax.set_xlim(-0.5, 6)
    ax.set_ylim(-1.1, 3.2)
    ax.set_aspect("equal")
    ax.set_axis_off()


def chapter_14(ax):
    libraries = [("Keras", VERMILLION), ("PyTorch", ORANGE), ("scikit-learn", BLUE), ("XGBoost", GREEN),
                 ("LightGBM", SKY), ("NLTK", PURPLE), ("Gensim", "#bbbbbb")]
    for i, (name, color) in enumerate(libraries):
        row, col = divmod(i, 4)
        _box(ax, col * 1.55 + row * 0.75, 1.1 - row * 1.1, 1.35, 0.75, name, color, fontsize=11)
    ax.set_xlim(-0.1, 6.2)
    ax.set_ylim(-0.2, 2.0)
    ax.set_axis_off()


def chapter_15(ax):
    steps = [("datos", SKY), ("preparación", BLUE), ("modelo", ORANGE), ("entrenamiento", GREEN),
             ("evaluación", PURPLE), ("conclusiones", VERMILLION)]
    for i, (name, color) in enumerate(steps):
        _box(ax, i * 1.75, 0, 1.45, 0.7, name, color, fontsize=9)
        if i:
            _arrow(ax, (i * 1.75 - 0.29, 0.35), (i * 1.75 - 0.01, 0.35), lw=1.3)
    ax.set_xlim(-0.1, 10.4)
    ax.set_ylim(-0.1, 0.8)
    ax.set_axis_off()


def chapter_16(ax):
    # Izquierda: la máscara causal sobre «la tierra» (el Génesis de la Reina-Valera abre el corpus).
    # Derecha: el Transformer decodificador que, en cada posición, predice el carácter siguiente.
    text = "la tierra"
    inputs, targets = [c if c != " " else "␣" for c in text[:-1]], [c if c != " " else "␣" for c in text[1:]]
    n, cell = len(inputs), 0.42
    top = 4.3
    for i in range(n):                      # fila i: la posición que predice; columna j: lo que mira
        for j in range(n):
            ax.add_patch(Rectangle((j * cell, top - (i + 1) * cell), cell, cell, edgecolor="white", lw=1.2,
                                   facecolor=BLUE if j <= i else "0.88"))
        ax.text(-0.12, top - (i + 0.5) * cell, inputs[i], ha="right", va="center", fontsize=10)
        ax.text((i + 0.5) * cell, top + 0.12, inputs[i], ha="center", va="bottom", fontsize=10)
    ax.text(n * cell / 2, top + 0.62, "máscara causal", ha="center", va="bottom", fontsize=12)
    ax.text(-0.6, top - n * cell / 2, "posición", ha="right", va="center", fontsize=9, rotation=90)
    for k, (color, label) in enumerate([(BLUE, "puede mirar"), ("0.88", "oculto (−∞)")]):
        y = top - n * cell - 0.55 - k * 0.45
        ax.add_patch(Rectangle((0, y - 0.15), 0.3, 0.3, facecolor=color, edgecolor="0.5", lw=0.8))
        ax.text(0.42, y, label, va="center", fontsize=9)
    # El decodificador, de abajo arriba.
    x0, step, size = 4.9, 0.56, 0.44
    centers = [x0 + i * step + size / 2 for i in range(n)]
    width = centers[-1] - centers[0] + size
    for i, c in enumerate(inputs):
        _box(ax, centers[i] - size / 2, 0, size, size, c, SKY, fontsize=10)
        _box(ax, centers[i] - size / 2, 4.45, size, size, targets[i], VERMILLION, fontsize=10)
        _arrow(ax, (centers[i], size + 0.02), (centers[i], 0.7), lw=1.1)
        _arrow(ax, (centers[i], 4.12), (centers[i], 4.43), lw=1.1)
    left, middle = x0, x0 + width / 2
    _box(ax, left, 0.72, width, 0.42, "caracteres + posiciones", ORANGE, fontsize=10)
    ax.add_patch(FancyBboxPatch((left - 0.08, 1.42), width + 0.16, 1.98, boxstyle="round,pad=0.02,rounding_size=0.1",
                                facecolor="none", edgecolor="0.4", linestyle="--", lw=1.3))
    _box(ax, left + 0.1, 1.58, width - 0.2, 0.55, "LN → atención causal, + atajo", BLUE, fontsize=10)
    _box(ax, left + 0.1, 2.68, width - 0.2, 0.55, "LN → MLP, + atajo", GREEN, fontsize=10)
    _arrow(ax, (middle, 1.16), (middle, 1.56), lw=1.4)
    _arrow(ax, (middle, 2.15), (middle, 2.66), lw=1.4)
    _arrow(ax, (middle, 3.25), (middle, 3.68), lw=1.4)
    ax.text(left + width + 0.2, 2.41, "× 2\nbloques", ha="left", va="center", fontsize=10)
    _box(ax, left, 3.7, width, 0.42, "LN → cabeza → softmax", PURPLE, fontsize=10)
    ax.text(left + width + 0.2, 0.22, "entrada", ha="left", va="center", fontsize=10)
    ax.text(left + width + 0.2, 4.67, "carácter\nsiguiente", ha="left", va="center", fontsize=10)
    ax.set_xlim(-1.0, left + width + 1.6)
    ax.set_ylim(-0.2, 5.2)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _stroke_digit(segments, thickness):
    """Un «dígito» de 28×28 hecho de trazos rectos (la tinta cae como una gaussiana lejos del trazo)."""
    rows, cols = np.mgrid[0:28, 0:28].astype(float)
    distance = np.full((28, 28), np.inf)
    for (r0, c0), (r1, c1) in segments:
        dr, dc = r1 - r0, c1 - c0
        t = np.clip(((rows - r0) * dr + (cols - c0) * dc) / (dr * dr + dc * dc), 0, 1)
        distance = np.minimum(distance, np.hypot(rows - r0 - t * dr, cols - c0 - t * dc))
    return np.exp(-(distance / thickness) ** 2)


def chapter_17(ax):
    seven = [((6, 7), (6, 21)), ((6, 21), (23, 12))]
    original = _stroke_digit(seven, 1.6)
    rebuilt = 0.8 * _stroke_digit(seven, 2.6)   # la reconstrucción de un VAE sale algo borrosa
    side = 1.5
    for x, image, label in [(0, original, "x (28×28)"), (9.1, rebuilt, "x̂ reconstruida")]:
        ax.imshow(image, cmap="gray", vmin=0, vmax=1, extent=(x, x + side, 0, side), interpolation="nearest")
        ax.add_patch(Rectangle((x, 0), side, side, facecolor="none", edgecolor="black", lw=1))
        ax.text(x + side / 2, -0.15, label, ha="center", va="top", fontsize=10)
    # Codificador (se estrecha) y decodificador (se ensancha).
    ax.add_patch(Polygon([(1.85, -0.05), (3.25, 0.4), (3.25, 1.1), (1.85, 1.55)], facecolor=BLUE, edgecolor="black"))
    ax.text(2.55, 0.75, "codi-\nficador", ha="center", va="center", fontsize=9, color="white")
    ax.add_patch(Polygon([(7.35, 0.4), (8.75, -0.05), (8.75, 1.55), (7.35, 1.1)], facecolor=ORANGE, edgecolor="black"))
    ax.text(8.05, 0.75, "decodi-\nficador", ha="center", va="center", fontsize=9)
    _arrow(ax, (1.55, 0.75), (1.83, 0.75), lw=1.4)
    _arrow(ax, (8.77, 0.75), (9.07, 0.75), lw=1.4)
    ax.text(3.3, 0.75, "μ, σ", ha="left", va="center", fontsize=11)
    _arrow(ax, (3.85, 0.75), (4.15, 0.75), lw=1.4)
    # El espacio latente de 2 dimensiones: cuatro clases, cada una con su color y su marcador.
    lo, hi = 4.2, 6.9
    middle = (lo + hi) / 2
    ax.add_patch(Rectangle((lo, -0.6), hi - lo, hi - lo, facecolor="white", edgecolor="black", lw=1))
    ax.plot([lo, hi], [-0.6 + (hi - lo) / 2] * 2, color="0.75", lw=0.8, linestyle="-")
    ax.plot([middle, middle], [-0.6, -0.6 + hi - lo], color="0.75", lw=0.8, linestyle="-")
    center_y = -0.6 + (hi - lo) / 2
    rng = np.random.default_rng(17)
    for k, angle in enumerate(np.deg2rad([35, 125, 215, 305])):
        points = rng.normal(0, 0.17, (18, 2)) + 0.62 * np.array([np.cos(angle), np.sin(angle)])
        ax.scatter(middle + points[:, 0], center_y + points[:, 1], s=14, color=CLASS_COLORS[k],
                   marker=CLASS_MARKERS[k], edgecolor="white", linewidth=0.4, zorder=3)
    z = (middle + 0.62 * np.cos(np.deg2rad(35)) + 0.1, center_y + 0.62 * np.sin(np.deg2rad(35)) - 0.05)
    ax.plot(*z, marker="*", markersize=15, color=BLACK, markeredgecolor="white", linestyle="none", zorder=4)
    ax.text(z[0] + 0.16, z[1] + 0.02, "z", fontsize=11, ha="left", va="bottom", zorder=4)
    ax.text(middle, -0.72, "espacio latente (2-D)\nz = μ + σ·ε", ha="center", va="top", fontsize=10)
    _arrow(ax, (hi + 0.05, 0.75), (7.33, 0.75), lw=1.4)
    # Para generar, basta con sacar z de la normal estándar.
    ax.text(middle, 2.75, "para generar: z ∼ N(0, I)", ha="center", va="bottom", fontsize=10, color=VERMILLION)
    _arrow(ax, (middle, 2.72), (middle, hi - lo - 0.6 + 0.04), color=VERMILLION, lw=1.4, linestyle="--")
    ax.set_xlim(-0.1, 10.7)
    ax.set_ylim(-1.4, 3.15)
    ax.set_aspect("equal")
    ax.set_axis_off()


def chapter_18(ax):
    # El bloque básico de ResNet: y = ReLU(BN(conv(ReLU(BN(conv(x))))) + P(x)).
    branch = [("conv 3×3", BLUE, 1.15), ("BN", ORANGE, 0.6), ("ReLU", GREEN, 0.8),
              ("conv 3×3", BLUE, 1.15), ("BN", ORANGE, 0.6)]
    ax.text(0, 0.4, "x", ha="center", va="center", fontsize=15)
    x, gap, height = 0.6, 0.35, 0.8
    _arrow(ax, (0.18, 0.4), (x - 0.02, 0.4), lw=1.4)
    for i, (label, color, width) in enumerate(branch):
        _box(ax, x, 0, width, height, label, color, fontsize=10)
        x += width
        _arrow(ax, (x + 0.02, 0.4), (x + gap - 0.02, 0.4), lw=1.4)
        x += gap
    plus = x + 0.25
    ax.add_patch(Circle((plus, 0.4), 0.25, facecolor="white", edgecolor="black", lw=1.4))
    ax.text(plus, 0.4, "+", ha="center", va="center", fontsize=16)
    _arrow(ax, (plus + 0.27, 0.4), (plus + 0.27 + gap, 0.4), lw=1.4)
    _box(ax, plus + 0.29 + gap, 0, 0.8, height, "ReLU", GREEN, fontsize=10)
    end = plus + 0.29 + gap + 0.8
    _arrow(ax, (end + 0.02, 0.4), (end + 0.35, 0.4), lw=1.4)
    ax.text(end + 0.5, 0.4, "y", ha="center", va="center", fontsize=15)
    ax.text((0.6 + x - gap) / 2, -0.15, "F(x): la rama (la primera convolución puede tener paso 2)",
            ha="center", va="top", fontsize=10)
    # El atajo, con trazo discontinuo: la identidad, o una proyección 1×1 si cambia la forma.
    shortcut_y, left, width = 1.75, 3.75, 2.5
    ax.plot(0.3, 0.4, marker="o", markersize=5, color=BLACK)
    ax.plot([0.3, 0.3, left], [0.4, shortcut_y, shortcut_y], color=BLACK, linestyle="--", lw=1.4)
    ax.text((0.3 + left) / 2, shortcut_y + 0.1, "atajo P(x): la identidad", ha="center", va="bottom", fontsize=10)
    _box(ax, left, shortcut_y - 0.4, width, 0.8, "o conv 1×1 + BN\n(si cambia la forma)", PURPLE, fontsize=10)
    ax.plot([left + width, plus], [shortcut_y, shortcut_y], color=BLACK, linestyle="--", lw=1.4)
    _arrow(ax, (plus, shortcut_y), (plus, 0.67), lw=1.4, linestyle="--")
    ax.set_xlim(-0.3, end + 0.8)
    ax.set_ylim(-0.7, 2.4)
    ax.set_aspect("equal")
    ax.set_axis_off()


def banner(fig):
    ax = fig.add_axes([0.0, 0.05, 0.38, 0.9])
    draw_network([4, 5, 5, 3], ax=ax, layer_labels=["", "", "", ""])
    text = fig.add_axes([0.38, 0, 0.62, 1])
    text.set_axis_off()
    text.text(0.02, 0.62, "Fundamentos de\naprendizaje profundo", fontsize=30, fontweight="bold", va="center")
    text.text(0.02, 0.2, "curso interactivo en español · NumPy, Keras y PyTorch", fontsize=15, color="0.3")


def build_all():
    """Devuelve {nombre de fichero: figura} con todas las imágenes."""
    figures = {}
    fig = plt.figure(figsize=(12, 3.2))
    banner(fig)
    figures["banner.png"] = fig
    fig, ax = _figure((7, 3.4))
    neuron(ax)
    figures["neurona.png"] = fig
    fig, ax = _figure((8, 5))
    draw_network([4, 5, 5, 3], ax=ax, layer_labels=["entrada:\n4 medidas", "oculta 1", "oculta 2", "salida:\n3 especies"],
                 title="Red 4-5-5-3 de los pingüinos")
    figures["red_pinguinos_4-5-5-3.png"] = fig
    fig, ax = _figure((11, 3.6))
    cnn_layers(ax)
    figures["capas_cnn.png"] = fig
    simple = {"00": chapter_00, "01": neuron, "02": chapter_02, "04": chapter_04,
              "05": chapter_05, "06": chapter_06, "08": chapter_08, "10": cnn_layers,
              "11": chapter_11, "12": chapter_12, "13": chapter_13, "14": chapter_14, "15": chapter_15,
              "16": chapter_16, "17": chapter_17, "18": chapter_18}
    panels = {"03": (chapter_03, 2, (7, 3)), "07": (chapter_07, 2, (8, 3.2)), "09": (chapter_09, 3, (6, 2.6))}
    sizes = {"10": (9, 3.4), "15": (9, 1.6), "16": (8, 3.8), "17": (8, 3.4), "18": (9, 2.8)}
    for chapter in [f"{i:02d}" for i in range(19)]:
        if chapter in panels:
            draw, ncols, size = panels[chapter]
            fig, axes = plt.subplots(1, ncols, figsize=size, layout="constrained")
            draw(axes)
        else:
            fig, ax = _figure(sizes.get(chapter, (6, 3.4)))
            simple[chapter](ax)
        figures[f"capitulo_{chapter}.png"] = fig
    return figures


def write_readme(folder):
    lines = ["# Imágenes del curso", "",
             "Generadas por `scripts/imagenes.py` (`make imagenes`) con el estilo del curso; no se editan a mano.",
             "", "| fichero | descripción (texto alternativo) |", "|---|---|"]
    lines += [f"| [`{name}`]({name}) | {text} |" for name, text in DESCRIPTIONS.items()]
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Genera las imágenes del curso.")
    parser.add_argument("--salida", type=Path, default=ROOT / "images", help="carpeta de destino")
    args = parser.parse_args(argv)
    args.salida.mkdir(parents=True, exist_ok=True)
    # Todas las figuras existen a la vez antes de guardarlas: sin el aviso de «más de 20 figuras».
    with plt.rc_context({**COURSE_STYLE, "figure.max_open_warning": 0}):
        figures = build_all()
        assert set(figures) == set(DESCRIPTIONS), set(figures) ^ set(DESCRIPTIONS)
        for name, fig in figures.items():
            decimal_comma_ticks(*fig.axes)  # 0,5 y −1 en las marcas, como en todo el curso
            fig.savefig(args.salida / name, dpi=100, bbox_inches="tight", metadata={"Software": None})
            plt.close(fig)
    write_readme(args.salida)
    print(f"{len(figures)} imágenes en {args.salida}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
