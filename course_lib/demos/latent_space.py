"""Demostración: el espacio latente de un autocodificador variacional (VAE).

El VAE del capítulo 17 comprime cada dígito de 28×28 en un punto z = (z₁, z₂) del plano y su
decodificador convierte cualquier punto del plano en una imagen. Como el término KL empuja los códigos
hacia una normal N(0, I), el plano queda «relleno»: cerca del origen casi cualquier z se decodifica en
algo con forma de dígito, y al moverse de un dígito a otro la imagen cambia poco a poco.

Panel izquierdo: los códigos μ(x) de 2000 dígitos de prueba, coloreados por su clase; la cruz es el z de
los deslizadores y el segmento une los centros de dos clases (la interpolación). Centro: el dígito que el
decodificador dibuja en z. Derecha: el dígito en el punto z(t) = (1 − t)·z_origen + t·z_destino del
segmento. Bajo cada imagen, lo que la CNN del capítulo 10 lee en ella y con qué probabilidad.

Todo lo caro se calcula al crear la demostración (cargar los pesos, codificar los dígitos de prueba,
los centros de cada clase); cada cambio de un deslizador son dos pasadas del decodificador y dos del
clasificador sobre una sola imagen (unos milisegundos).
"""

import ipywidgets as widgets
import numpy as np

from .base import ROOM_MODE, Demo, decimal_comma_ticks, decimal_slider, fmt, font, slider_style
from .rastertext import RasterText

LIMITE = 3.5                     # el plano que se dibuja: [−3,5; 3,5]², más de 3 σ de la normal a priori
COLORES = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]   # tab10: una por dígito


def _sigmoide(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class EspacioLatente:
    """Lo que la demostración precalcula: el VAE y el clasificador guardados y los códigos de prueba."""

    def __init__(self, semilla=0):
        from .. import generativos as gen

        self.decodificador = gen.cargar_modelo("vae_decodificador", semilla)
        codificador = gen.cargar_modelo("vae_codificador", semilla)
        self.clasificador = gen.cargar_modelo("clasificador", semilla)
        _, _, X_prueba, y_prueba = gen.division_mnist()
        self.mu = codificador.predict(X_prueba, batch_size=250, verbose=0)[:, :gen.LATENTE_VAE].astype(float)
        self.y = y_prueba
        self.centros = np.array([self.mu[self.y == d].mean(axis=0) for d in range(10)])

    def decodificar(self, z):
        """La imagen (28×28, en [0, 1]) que el decodificador dibuja en cada fila de ``z`` (n, 2)."""
        logits = self.decodificador.forward(np.asarray(z, dtype=np.float32).reshape(-1, 2), training=False)
        return _sigmoide(logits[..., 0])

    def leer(self, imagenes):
        """(dígito, probabilidad) que da el clasificador a cada imagen."""
        p = self.clasificador.forward(imagenes[..., None].astype(np.float32), training=False)
        return p.argmax(axis=1), p.max(axis=1)


def separar_etiquetas(centros, distancia, pasos=300):
    """Dónde escribir la etiqueta de cada centro para que ninguna pise a otra (a ``distancia`` o más).

    Los centros de 4, 7 y 9 (y los de 3, 5 y 8) casi coinciden: escritas en su sitio, unas etiquetas
    tapan a otras. Aquí se apartan poco a poco las que están demasiado cerca (sin azar: el resultado
    es siempre el mismo) y una línea fina las une después con su centro.
    """
    centros = np.asarray(centros, dtype=float)
    pos = centros.copy()
    n = len(pos)
    for _ in range(pasos):
        movido = False
        for i in range(n):
            for j in range(i + 1, n):
                d = pos[j] - pos[i]
                r = float(np.hypot(*d))
                if r >= distancia:
                    continue
                # Si coinciden, se separan en una dirección fija que depende del par.
                u = d / r if r > 1e-9 else np.array([np.cos(i + 2 * j), np.sin(i + 2 * j)])
                empuje = 0.5 * (distancia - r) + 1e-3
                pos[i] -= empuje * u
                pos[j] += empuje * u
                movido = True
        if not movido:
            break
    return pos


def interpolar(z_origen, z_destino, t):
    """z(t) = (1 − t)·z_origen + t·z_destino, con t en [0, 1]."""
    return (1.0 - t) * np.asarray(z_origen, dtype=float) + t * np.asarray(z_destino, dtype=float)


class LatentSpaceDemo(Demo):
    title = "El espacio latente de un VAE: mueve z y mira el dígito"
    figsize = (13, 4.6)
    room_height_px = 400

    def __init__(self, z1=0.0, z2=0.0, origen=1, destino=7, t=0.5, semilla=0):
        self.espacio = EspacioLatente(semilla)
        style = slider_style()
        digitos = [(str(d), d) for d in range(10)]
        # Deslizadores sobre listas de valores: su lectura sale con coma decimal (−1,25; FloatSlider, «-1.25»).
        controls = {
            "z1": decimal_slider(z1, -LIMITE, LIMITE, 0.05, "z₁", decimals=2),
            "z2": decimal_slider(z2, -LIMITE, LIMITE, 0.05, "z₂", decimals=2),
            "origen": widgets.Dropdown(options=digitos, value=origen, description="interpolar del",
                                       style=style),
            "destino": widgets.Dropdown(options=digitos, value=destino, description="al", style=style),
            "t": decimal_slider(t, 0.0, 1.0, 0.02, "t", decimals=2),
        }
        super().__init__(controls)

    def control_rows(self):
        c = self.controls
        return [[c["z1"], c["z2"]], [c["origen"], c["destino"], c["t"]]]

    def setup(self, figure):
        e = self.espacio
        # En la sala (letra ≥ 20 px), títulos cortos. Las etiquetas de los centros, apartadas para no pisarse.
        sala = self.mode == ROOM_MODE
        self.ax_mapa, self.ax_z, self.ax_t = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.35, 1, 1]})
        ax = self.ax_mapa
        ax.scatter(e.mu[:, 0], e.mu[:, 1], c=[COLORES[d] for d in e.y], s=10 if sala else 6, alpha=0.5, linewidths=0)
        etiquetas = separar_etiquetas(e.centros, 0.8 if sala else 0.65)
        for d, ((cx, cy), (ex, ey)) in enumerate(zip(e.centros, etiquetas)):
            if np.hypot(ex - cx, ey - cy) > 0.05:   # la etiqueta se apartó: una línea la une con su centro
                ax.plot([cx, ex], [cy, ey], color=COLORES[d], lw=1.5)
                ax.plot([cx], [cy], "o", ms=5, color=COLORES[d], mec="white", mew=0.8)
            ax.text(ex, ey, str(d), fontsize=font(15) if sala else 15, fontweight="bold", ha="center", va="center",
                    color=COLORES[d],
                    bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "ec": COLORES[d], "alpha": 0.85})
        ax.set(xlim=(-LIMITE, LIMITE), ylim=(-LIMITE, LIMITE), xlabel="z₁", ylabel="z₂",
               title="Códigos μ(x) de prueba" if sala else "Códigos μ(x) de 2000 dígitos de prueba")
        ax.set_aspect("equal")
        decimal_comma_ticks(ax)
        self.segmento = ax.plot([], [], color="0.2", lw=2, ls="--")[0]
        self.punto_t = ax.plot([], [], "o", ms=11, mfc="white", mec="0.1", mew=2.5)[0]
        self.punto_z = ax.plot([], [], "+", ms=22, mew=3.5, color="black")[0]
        self.imagenes = []
        self.textos = []
        titulos = ("El dígito en z", "El dígito en z(t)") if sala else ("El dígito en z = (z₁, z₂)", "El dígito en z(t)")
        for ax, titulo in zip((self.ax_z, self.ax_t), titulos):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            ax.set_title(titulo)
            self.imagenes.append(ax.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=0, vmax=1))
            self.textos.append(RasterText(ax, [-0.05, -0.17, 1.1, 0.15] if sala else [0.0, -0.16, 1.0, 0.13],
                                          fontsize=13 if sala else 14))
        self.animate(self.segmento, self.punto_t, self.punto_z, *self.imagenes, *(t.artist for t in self.textos))

    def update(self):
        v = self.values()
        e = self.espacio
        z = np.array([v["z1"], v["z2"]])
        z_origen, z_destino = e.centros[v["origen"]], e.centros[v["destino"]]
        z_t = interpolar(z_origen, z_destino, v["t"])
        imagenes = e.decodificar(np.stack([z, z_t]))
        digitos, probabilidades = e.leer(imagenes)
        for imagen, artista in zip(imagenes, self.imagenes):
            artista.set_data(imagen)
        self.lecturas = list(zip(digitos.tolist(), probabilidades.tolist()))
        for (digito, p), texto in zip(self.lecturas, self.textos):
            texto.set_text(f"la CNN lee un {digito} (p = {fmt(p)})")
        self.punto_z.set_data([z[0]], [z[1]])
        self.segmento.set_data([z_origen[0], z_destino[0]], [z_origen[1], z_destino[1]])
        self.punto_t.set_data([z_t[0]], [z_t[1]])
        self._z, self._z_t = z, z_t

    def caption(self):
        v = self.values()
        (d_z, p_z), (d_t, p_t) = self.lecturas
        lejos = float(np.hypot(*self._z))
        nota = (" Estás lejos del origen (|z| > 3): ahí el VAE casi no ha visto códigos y los dígitos se deforman."
                if lejos > 3 else "")
        return (f"z = ({fmt(v['z1'])}; {fmt(v['z2'])}): la CNN lee un {d_z} con p = {fmt(p_z)}. "
                f"Del {v['origen']} al {v['destino']} con t = {fmt(v['t'])}: lee un {d_t} (p = {fmt(p_t)}).{nota}")


def latent_space(**initial_values):
    """Demostración del espacio latente del VAE (controles z1, z2, origen, destino, t)."""
    return LatentSpaceDemo(**initial_values)
