"""Modelos generativos del capítulo 17: las recetas en un solo sitio.

El cuaderno 17 deriva a mano los gradientes de la reparametrización y del término KL (y los comprueba
contra PyTorch), enseña el código de los pasos de entrenamiento de aquí y entrena con ellos versiones
cortas. Este módulo los guarda para quien los usa fuera del cuaderno:

- ``scripts/pesos_17.py`` (``make pesos``) entrena con estas funciones, más tiempo, los modelos que
  se guardan en ``data/generativos/``;
- la demostración ``course_lib.demos.latent_space`` carga el VAE guardado.

Contenido:

- :func:`division_mnist`: la división fija de los 10 000 dígitos MNIST (8000 de entrenamiento y 2000
  de prueba, estratificada), la misma para los pesos guardados y para el cuaderno, así ningún modelo
  guardado ha visto los dígitos de prueba;
- las arquitecturas: el codificador y el decodificador convolucionales (uno es el espejo del otro),
  el generador y el discriminador de la DCGAN (Radford, Metz y Chintala, 2016) y el clasificador de
  la receta del capítulo 10, que sirve de instrumento de medida;
- los pasos de entrenamiento: :func:`paso_vae` (reparametrización, término KL y ELBO) y
  :func:`paso_dcgan` (un turno del discriminador y otro del generador);
- los bucles (:func:`entrenar_autocodificador`, :func:`entrenar_vae`, :func:`entrenar_dcgan`) y la
  carga de los pesos guardados (:func:`cargar_modelo`).

Las imágenes del VAE y del autocodificador están en [0, 1] y sus decodificadores devuelven *logits*
(la sigmoide va en la pérdida, que así es estable); las de la DCGAN, en [−1, 1], con tanh a la salida.
"""

import json
import os
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from . import nn
from .data import load_mnist
from .nn.validation import CourseError, check_positive_int

# La carpeta de los pesos guardados; la variable de entorno CURSO_PESOS_17 la cambia (para probar pesos nuevos).
DATA_DIR = Path(os.environ.get("CURSO_PESOS_17") or Path(__file__).resolve().parent.parent / "data" / "generativos")
LATENTE_VAE = 2          # para poder dibujar el espacio latente
LATENTE_GAN = 32
FILTROS = (16, 32)       # canales de las dos convoluciones (y, al revés, de las traspuestas)
NUCLEO = 4               # 4×4 con paso 2: el núcleo es múltiplo del paso (sin tablero de ajedrez)
SEMILLA_DIVISION = 17    # la división de MNIST es fija, como la oficial; el resto del azar, no
# Cambia al cambiar una receta: el cuaderno y las pruebas comprueban que los pesos guardados son de esta.
VERSION_DE_LA_RECETA = 1

# La receta de cada modelo (el script la guarda junto a los pesos, con lo que tardó).
RECETA = {
    "autocodificador": {"latente": LATENTE_VAE, "filtros": FILTROS, "optimizador": "Adam(3e-3)",
                        "lote": 64, "perdida": "entropía cruzada binaria por píxel"},
    "vae": {"latente": LATENTE_VAE, "filtros": FILTROS, "optimizador": "Adam(3e-3)", "lote": 64, "beta": 1.0},
    "dcgan": {"latente": LATENTE_GAN, "optimizador": "Adam(2e-4, beta_1=0,5)", "lote": 64,
              "etiqueta_real": 0.9, "inicializacion": "N(0; 0,02)"},
    "clasificador": {"receta": "CNN del capítulo 10", "optimizador": "Adam(3e-3)", "lote": 32},
}


# --- Datos -----------------------------------------------------------------------------------------

def division_mnist():
    """``(X_ent, y_ent, X_prueba, y_prueba)``: 8000 y 2000 dígitos de 28×28×1 en [0, 1] (float32).

    La división es fija (estratificada, con la semilla ``SEMILLA_DIVISION``), como la de entrenamiento y
    prueba oficial de MNIST: los pesos de ``data/generativos/`` se entrenaron solo con ``X_ent``.
    """
    X, y = load_mnist()
    X_ent, X_prueba, y_ent, y_prueba = train_test_split(X.astype(np.float32), y, test_size=0.2, stratify=y,
                                                        random_state=SEMILLA_DIVISION)
    return X_ent, y_ent, X_prueba, y_prueba


# --- Arquitecturas ---------------------------------------------------------------------------------

def crear_codificador(salidas, nombre="codificador"):
    """28×28×1 → 14×14×16 → 7×7×32 → ``salidas`` números (2 en el autocodificador; μ y log σ², 4, en el VAE)."""
    f1, f2 = FILTROS
    return nn.Sequential([
        nn.Conv2D(f1, NUCLEO, strides=2, padding="same", activation="relu", input_shape=(28, 28, 1)),
        nn.Conv2D(f2, NUCLEO, strides=2, padding="same", activation="relu"),
        nn.Flatten(),
        nn.Dense(salidas),
    ], name=nombre)


def crear_decodificador(latente=LATENTE_VAE, nombre="decodificador"):
    """El espejo del codificador: ``latente`` → 7×7×32 → 14×14×16 → 28×28×1 (*logits* de cada píxel)."""
    f1, f2 = FILTROS
    return nn.Sequential([
        nn.Dense(7 * 7 * f2, activation="relu", input_shape=(latente,)),
        nn.Reshape((7, 7, f2)),
        nn.Conv2DTranspose(f1, NUCLEO, strides=2, padding="same", activation="relu"),
        nn.Conv2DTranspose(1, NUCLEO, strides=2, padding="same"),
    ], name=nombre)


def _normal_002():
    return nn.initializers.RandomNormal(mean=0.0, stddev=0.02)


def crear_generador(latente=LATENTE_GAN, nombre="generador"):
    """DCGAN: z → 7×7×32 → 14×14×16 → 28×28×1 en [−1, 1]; normalización por lotes y ReLU salvo a la salida (tanh)."""
    return nn.Sequential([
        nn.Dense(7 * 7 * 32, use_bias=False, kernel_initializer=_normal_002(), input_shape=(latente,)),
        nn.BatchNormalization(momentum=0.9),
        nn.ReLU(),
        nn.Reshape((7, 7, 32)),
        nn.Conv2DTranspose(16, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_normal_002()),
        nn.BatchNormalization(momentum=0.9),
        nn.ReLU(),
        nn.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh", kernel_initializer=_normal_002()),
    ], name=nombre)


def crear_discriminador(nombre="discriminador"):
    """DCGAN: 28×28×1 → 14×14×16 → 7×7×32 → un *logit*; convoluciones con paso (sin pooling), LeakyReLU(0,2)
    y normalización por lotes salvo en la primera capa."""
    return nn.Sequential([
        nn.Conv2D(16, 4, strides=2, padding="same", kernel_initializer=_normal_002(), input_shape=(28, 28, 1)),
        nn.LeakyReLU(negative_slope=0.2),
        nn.Conv2D(32, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_normal_002()),
        nn.BatchNormalization(momentum=0.9),
        nn.LeakyReLU(negative_slope=0.2),
        nn.Flatten(),
        nn.Dense(1, kernel_initializer=_normal_002()),
    ], name=nombre)


def crear_clasificador(nombre="clasificador"):
    """La CNN del capítulo 10 (dos convoluciones 5×5 con max pooling y una softmax de 10 clases)."""
    return nn.Sequential([
        nn.Conv2D(8, 5, activation="relu", input_shape=(28, 28, 1)),
        nn.MaxPooling2D(2),
        nn.Conv2D(16, 5, activation="relu"),
        nn.MaxPooling2D(2),
        nn.Flatten(),
        nn.Dense(10, activation="softmax"),
    ], name=nombre)


# --- Pasos de entrenamiento ------------------------------------------------------------------------

def sigmoide(z):
    """σ(z) = 1 / (1 + e^(−z)), sin desbordamientos para z muy negativos."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def entropia_cruzada_binaria_logits(logits, x):
    """Σ_píxeles [máx(ℓ, 0) − ℓ·x + log(1 + e^(−|ℓ|))] de cada ejemplo: −log p(x | z) de píxeles de Bernoulli."""
    por_pixel = np.maximum(logits, 0) - logits * x + np.log1p(np.exp(-np.abs(logits)))
    return por_pixel.reshape(len(x), -1).sum(axis=1)


def kl_normal_estandar(mu, log_var):
    """KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), por ejemplo."""
    return -0.5 * np.sum(1.0 + log_var - mu ** 2 - np.exp(log_var), axis=1)


def paso_vae(codificador, decodificador, optimizador, x, eps, beta=1.0, entrenar=True):
    """Un paso del VAE sobre el lote ``x`` con el ruido ``eps`` (de la forma de μ).

    Pérdida por ejemplo (la ELBO cambiada de signo, con β = 1): J = −log p(x | z) + β·KL, z = μ + σ·ε.
    Devuelve ``(reconstruccion, kl)``, las medias del lote de los dos términos. Con ``entrenar=False``
    solo calcula (para validar).
    """
    m, latente = len(x), eps.shape[1]
    h = codificador.forward(x, training=entrenar)
    mu, log_var = h[:, :latente], h[:, latente:]
    sigma = np.exp(0.5 * log_var)
    z = mu + sigma * eps                                     # la reparametrización
    logits = decodificador.forward(z, training=entrenar)
    reconstruccion = entropia_cruzada_binaria_logits(logits, x)
    kl = kl_normal_estandar(mu, log_var)
    if entrenar:
        d_z = decodificador.backward((sigmoide(logits) - x) / m)       # ∂J/∂z, de la reconstrucción
        d_mu = d_z + beta * mu / m                                      # ∂z/∂μ = 1
        d_log_var = d_z * eps * sigma / 2 + beta * (np.exp(log_var) - 1) / (2 * m)   # ∂z/∂log σ² = ε·σ/2
        codificador.backward(np.concatenate([d_mu, d_log_var], axis=1))
        optimizador.step(codificador.layers + decodificador.layers)
    return float(reconstruccion.mean()), float(kl.mean())


def _grads_copia(modelo):
    return [{k: g.copy() for k, g in capa.grads.items()} for capa in modelo.layers]


def paso_dcgan(generador, discriminador, opt_g, opt_d, reales, z_d, z_g, etiqueta_real=0.9):
    """Un turno del discriminador y uno del generador. Imágenes en [−1, 1]; D da *logits*.

    - Discriminador: entropía cruzada binaria con etiqueta ``etiqueta_real`` (0,9: suavizado por un
      lado) para las reales y 0 para ``G(z_d)``; reales y generadas en lotes separados (cada lote
      tiene su propia normalización por lotes) y los gradientes de los dos se suman.
    - Generador: la pérdida no saturante −log D(G(z_g)) (etiqueta 1), retropropagada a través de D sin
      actualizar D.

    Devuelve ``(perdida_d, perdida_g, d_real, d_falsa)``: las dos pérdidas y la probabilidad media de
    «real» que D da a las reales y a las generadas en su turno.
    """
    bce = nn.BinaryCrossentropy(from_logits=True)
    m = len(reales)
    falsas = generador.forward(z_d, training=True)
    s_real = discriminador.forward(reales, training=True)
    y_real = np.full((m, 1), etiqueta_real, dtype=s_real.dtype)
    perdida_real = bce(y_real, s_real)
    discriminador.backward(bce.gradient(y_real, s_real))
    grads_reales = _grads_copia(discriminador)
    s_falsa = discriminador.forward(falsas, training=True)
    y_falsa = np.zeros((len(falsas), 1), dtype=s_falsa.dtype)
    perdida_falsa = bce(y_falsa, s_falsa)
    discriminador.backward(bce.gradient(y_falsa, s_falsa))
    for capa, grads in zip(discriminador.layers, grads_reales):
        for clave, g in grads.items():
            capa.grads[clave] += g
    opt_d.step(discriminador.layers)

    s_g = discriminador.forward(generador.forward(z_g, training=True), training=True)
    y_uno = np.ones((len(z_g), 1), dtype=s_g.dtype)
    perdida_g = bce(y_uno, s_g)
    generador.backward(discriminador.backward(bce.gradient(y_uno, s_g)))   # D no se actualiza
    opt_g.step(generador.layers)
    return (float(perdida_real + perdida_falsa), float(perdida_g),
            float(sigmoide(s_real).mean()), float(sigmoide(s_falsa).mean()))


# --- Bucles ----------------------------------------------------------------------------------------

def _generador_de(semilla, k):
    return np.random.default_rng([int(semilla), 17, k])


def entrenar_autocodificador(X, semilla, epocas, lote=64):
    """El autocodificador (codificador con 2 salidas + decodificador), con ``fit``: ``(codificador, decodificador, historia)``."""
    nn.set_seed(semilla)
    codificador, decodificador = crear_codificador(LATENTE_VAE), crear_decodificador(LATENTE_VAE)
    autocodificador = nn.Sequential([nn.Input(shape=(28, 28, 1)), codificador, decodificador], name="autocodificador")
    autocodificador.compile(optimizer=nn.Adam(learning_rate=3e-3), loss=nn.BinaryCrossentropy(from_logits=True))
    historia = autocodificador.fit(X, X, epochs=epocas, batch_size=lote, verbose=0, seed=semilla)
    return codificador, decodificador, historia.history


def entrenar_vae(X, semilla, epocas, lote=64, beta=1.0, al_final_de_cada_epoca=None):
    """El VAE con :func:`paso_vae`: ``(codificador, decodificador, historia)``, con la reconstrucción y el KL
    medios de cada época en ``historia["reconstruccion"]`` y ``historia["kl"]``."""
    check_positive_int(epocas, "entrenar_vae: epocas")
    nn.set_seed(semilla)
    codificador, decodificador = crear_codificador(2 * LATENTE_VAE), crear_decodificador(LATENTE_VAE)
    optimizador = nn.Adam(learning_rate=3e-3)
    rng = _generador_de(semilla, 1)
    historia = {"reconstruccion": [], "kl": []}
    for epoca in range(epocas):
        orden = rng.permutation(len(X))
        suma_r = suma_kl = 0.0
        for inicio in range(0, len(X), lote):
            x = X[orden[inicio:inicio + lote]]
            eps = rng.standard_normal((len(x), LATENTE_VAE)).astype(x.dtype)
            r, kl = paso_vae(codificador, decodificador, optimizador, x, eps, beta)
            suma_r, suma_kl = suma_r + r * len(x), suma_kl + kl * len(x)
        historia["reconstruccion"].append(suma_r / len(X))
        historia["kl"].append(suma_kl / len(X))
        if al_final_de_cada_epoca is not None:
            al_final_de_cada_epoca(epoca, historia)
    return codificador, decodificador, historia


def entrenar_dcgan(X, semilla, pasos, lote=64, cada=None, al_mirar=None):
    """La DCGAN con :func:`paso_dcgan` sobre ``X`` en [0, 1] (se lleva a [−1, 1]).

    Devuelve ``(generador, discriminador, historia)``; la historia guarda, por paso, las dos pérdidas y
    D(x) y D(G(z)). Cada ``cada`` pasos llama a ``al_mirar(paso, generador)`` (para ver el progreso).
    """
    check_positive_int(pasos, "entrenar_dcgan: pasos")
    nn.set_seed(semilla)
    generador, discriminador = crear_generador(), crear_discriminador()
    opt_g = nn.Adam(learning_rate=2e-4, beta_1=0.5)
    opt_d = nn.Adam(learning_rate=2e-4, beta_1=0.5)
    rng = _generador_de(semilla, 2)
    reales = 2.0 * X - 1.0
    historia = {"perdida_d": [], "perdida_g": [], "d_real": [], "d_falsa": []}
    for paso in range(1, pasos + 1):
        x = reales[rng.integers(0, len(reales), lote)]
        z_d = rng.standard_normal((lote, LATENTE_GAN)).astype(x.dtype)
        z_g = rng.standard_normal((lote, LATENTE_GAN)).astype(x.dtype)
        for clave, valor in zip(historia, paso_dcgan(generador, discriminador, opt_g, opt_d, x, z_d, z_g)):
            historia[clave].append(valor)
        if cada and al_mirar is not None and paso % cada == 0:
            al_mirar(paso, generador)
    return generador, discriminador, historia


def entrenar_clasificador(X, y, semilla, epocas=3):
    """La CNN del capítulo 10 con 3 épocas: el instrumento que mide si un dígito generado «parece» un dígito."""
    nn.set_seed(semilla)
    clasificador = crear_clasificador()
    clasificador.compile(optimizer=nn.Adam(learning_rate=3e-3), loss="sparse_categorical_crossentropy",
                         metrics=["accuracy"])
    clasificador.fit(X, y, epochs=epocas, batch_size=32, verbose=0, seed=semilla)
    return clasificador


# --- Pesos guardados (make pesos) --------------------------------------------------------------------

MODELOS = {
    "autocodificador_codificador": lambda: crear_codificador(LATENTE_VAE),
    "autocodificador_decodificador": lambda: crear_decodificador(LATENTE_VAE),
    "vae_codificador": lambda: crear_codificador(2 * LATENTE_VAE),
    "vae_decodificador": lambda: crear_decodificador(LATENTE_VAE),
    "generador": crear_generador,
    "clasificador": crear_clasificador,
}
_FORMAS_DE_ENTRADA = {"autocodificador_codificador": (28, 28, 1), "vae_codificador": (28, 28, 1),
                      "autocodificador_decodificador": (LATENTE_VAE,), "vae_decodificador": (LATENTE_VAE,),
                      "generador": (LATENTE_GAN,), "clasificador": (28, 28, 1)}


def ruta_de_pesos(nombre, semilla, carpeta=None):
    return Path(carpeta or DATA_DIR) / f"{nombre}_semilla{int(semilla)}.weights.npz"


def leer_entrenamiento(carpeta=None):
    """Lo que guardó ``make pesos`` en ``entrenamiento.json``: receta, semillas, épocas, pasos y segundos."""
    ruta = Path(carpeta or DATA_DIR) / "entrenamiento.json"
    if not ruta.exists():
        raise CourseError(f"No se encontró {ruta}: genera los pesos del capítulo 17 con «make pesos» "
                          "(o instala el curso desde el repositorio clonado, que ya los trae).")
    return json.loads(ruta.read_text(encoding="utf-8"))


def cargar_modelo(nombre, semilla=0, carpeta=None):
    """Un modelo guardado por ``make pesos`` (``nombre`` de ``MODELOS``), con sus pesos, listo para ``forward``."""
    if nombre not in MODELOS:
        raise CourseError(f"No hay un modelo guardado llamado {nombre!r}; los que hay: {', '.join(MODELOS)}.")
    info = leer_entrenamiento(carpeta)
    if info.get("version_de_la_receta") != VERSION_DE_LA_RECETA:
        raise CourseError(f"Los pesos de {Path(carpeta or DATA_DIR)} son de otra versión de la receta "
                          f"({info.get('version_de_la_receta')}, esta es la {VERSION_DE_LA_RECETA}): "
                          "vuelve a generarlos con «make pesos».")
    if int(semilla) not in info["semillas"]:
        raise CourseError(f"No hay pesos guardados con la semilla {semilla}; las guardadas: {info['semillas']}.")
    modelo = MODELOS[nombre]()
    modelo.build(_FORMAS_DE_ENTRADA[nombre])
    modelo.load_weights(ruta_de_pesos(nombre, semilla, carpeta))
    return modelo
