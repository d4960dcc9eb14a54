"""Números con coma decimal, como se escriben en español (0,25 y no 0.25).

Dos caras de un mismo mecanismo (``con_coma``: formatea con las reglas de Python y después
cambia el punto decimal por una coma):

- para imprimir: ``numero(x, 3)`` → ``'0,125'``; en una f-string, ``f"{coma(x):.3f}"``; con arrays,
  ``numero(np.array([0.5, 1.25]), 2)`` → ``'[0,50; 1,25]'`` (con coma decimal, los elementos de
  una lista se separan con punto y coma); una matriz, en varias líneas y alineada, con
  ``matriz(A, 2)``;
- para las figuras: :class:`FormateadorComa`, el formateador de marcas de los ejes que
  ``course_lib.plots.use_course_style()`` instala en toda escala lineal;
- para las tablas de pandas: :func:`usar_coma_en_tablas` (también la llama ``use_course_style``);
- para una cifra muy grande o muy pequeña dentro de una frase: ``cientifico(7.47e-11, 3)`` →
  ``'7,47·10⁻¹¹'`` (la notación ``7,47e-11`` queda para tablas y columnas de números); y
  ``legible(x)``, que solo usa la potencia de 10 cuando hace falta (``'1,3'``, ``'4,0·10³'``).

El separador de miles de Python (``f"{x:,.0f}"``) se convierte en un espacio
(1 234 567), y el porcentaje lleva un espacio delante (25,0 %), como recomienda la RAE.
"""

import math
import numbers

import numpy as np
from matplotlib.ticker import ScalarFormatter

ESPACIO = " "  # separa los miles y el signo % (un espacio normal: se copia y se imprime bien en todas partes)


def con_coma(texto):
    """Cambia la notación inglesa de un número ya formateado por la española.

    ``'1,234.5'`` → ``'1 234,5'`` (miles con espacio) y ``'25.0%'`` → ``'25,0 %'``.
    """
    texto = texto.translate({ord("."): ",", ord(","): ESPACIO})
    if texto.endswith("%"):
        texto = texto[:-1].rstrip() + ESPACIO + "%"
    return texto


def _formatea_escalar(x, especificacion):
    if isinstance(x, (bool, np.bool_)):
        return "sí" if x else "no"
    if isinstance(x, numbers.Integral) and not especificacion:
        return con_coma(format(int(x), ""))
    valor = float(x)
    if math.isnan(valor):
        return "NaN"
    if math.isinf(valor):
        return "∞" if valor > 0 else "−∞"
    return con_coma(format(valor, especificacion))


def _especificacion(decimales, cifras):
    if decimales is not None and cifras is not None:
        raise ValueError("numero: indica decimales o cifras significativas, no las dos cosas.")
    if decimales is not None:
        return f".{int(decimales)}f"
    if cifras is not None:
        return f".{int(cifras)}g"
    return ".4g"


def numero(x, decimales=None, cifras=None):
    """Un número (o un array) como texto con coma decimal.

    ``decimales``: cifras tras la coma (``numero(2/7, 3)`` → ``'0,286'``). ``cifras``: cifras
    significativas (``numero(12345.6, cifras=3)`` → ``'1,23e+04'``). Sin ninguno de los dos, 4
    cifras significativas. Un array se escribe entre corchetes con los elementos separados por
    «; » (``'[0,5; 1,25]'``); un entero sin decimales pedidos se escribe tal cual.
    """
    especificacion = _especificacion(decimales, cifras)
    if isinstance(x, (list, tuple, np.ndarray)):
        array = np.asarray(x)
        if array.ndim == 0:
            return numero(array.item(), decimales, cifras)
        if array.dtype.kind in "iu" and decimales is None and cifras is None:
            return "[" + "; ".join(numero(v) for v in array) + "]"
        return "[" + "; ".join(numero(v, decimales, cifras) for v in array) + "]"
    if isinstance(x, numbers.Integral) and decimales is None and cifras is None:
        return _formatea_escalar(x, "")
    if not isinstance(x, numbers.Real):
        raise TypeError(f"numero: se esperaba un número o un array de números; se recibió {type(x).__name__}.")
    return _formatea_escalar(x, especificacion)


def matriz(x, decimales=None, cifras=None):
    """Un array de dos dimensiones como texto de varias líneas, alineado y con coma decimal.

    Como ``print`` de NumPy, pero en español: ``matriz([[30.0, 0.0], [-30.0, 2.5]])`` →
    ``'[[ 30    0]\n [-30  2,5]]'``. ``decimales`` y ``cifras`` como en :func:`numero`; sin ellos,
    4 cifras significativas (los enteros guardados como reales se escriben sin decimales).
    Las columnas se separan con dos espacios: con coma decimal no hace falta otro separador.
    """
    array = np.asarray(x)
    if array.ndim != 2:
        raise ValueError(f"matriz: se esperaba un array de 2 dimensiones; se recibió uno de {array.ndim}. "
                         "Para una lista de números, usa numero(x).")
    if array.dtype.kind == "f":
        array = array + 0.0  # −0,0 se escribe 0
    textos = [[numero(v, decimales, cifras) for v in fila] for fila in array]
    ancho = max((len(t) for fila in textos for t in fila), default=0)
    filas = ["[" + "  ".join(t.rjust(ancho) for t in fila) + "]" for fila in textos]
    return "[" + "\n ".join(filas) + "]"


_SUPERINDICES = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def cientifico(x, cifras=2):
    """Un número en notación científica, como se escribe en un texto: mantisa con coma por una potencia de 10.

    ``cientifico(7.47e-11, 3)`` → ``'7,47·10⁻¹¹'``; ``cientifico(1.2e5, 1)`` → ``'10⁵'`` (con una sola cifra
    significativa y mantisa 1 basta la potencia); ``cientifico(-3.99e3)`` → ``'-4,0·10³'``. ``cifras`` son las
    cifras significativas de la mantisa. Cero, infinito y NaN se escriben como ``numero`` los escribe.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"cientifico: se esperaba un número real; se recibió {type(x).__name__}.")
    if int(cifras) < 1:
        raise ValueError(f"cientifico: cifras debe ser 1 o más; se recibió {cifras}.")
    valor = float(x)
    if valor == 0 or not math.isfinite(valor):
        return _formatea_escalar(valor, "g")
    mantisa, exponente = format(valor, f".{int(cifras) - 1}e").split("e")
    potencia = "10" + str(int(exponente)).translate(_SUPERINDICES)
    if mantisa in ("1", "-1"):
        return ("-" if mantisa == "-1" else "") + potencia
    return f"{con_coma(mantisa)}·{potencia}"


def legible(x, cifras=2):
    """Un número de cualquier tamaño, para una frase: con ``cifras`` cifras significativas y coma decimal, y
    en notación científica solo si es muy pequeño o muy grande (|x| < 0,01 o |x| ≥ 1000).

    ``legible(1.26)`` → ``'1,3'``; ``legible(0.0421)`` → ``'0,042'``; ``legible(3993.2)`` → ``'4,0·10³'``;
    ``legible(1.8e-4)`` → ``'1,8·10⁻⁴'``.
    """
    valor = cientifico(x, cifras)          # valida la entrada
    magnitud = abs(float(x))
    if magnitud == 0 or not math.isfinite(magnitud) or not (0.01 <= magnitud < 1000):
        return valor
    texto = format(float(x), f".{int(cifras)}g")
    if "e" in texto:                       # p. ej. 999,7 con 2 cifras: «1e+03»
        return valor
    return con_coma(texto)


class coma:
    """Envoltorio para f-strings: ``f"{coma(x):.3f}"`` escribe ``x`` con coma decimal.

    Acepta cualquier especificación de formato de Python (``.2f``, ``.3g``, ``.1%``, ``,.0f``,
    ``>8.3f``…) y también arrays: ``f"{coma(np.array([0.5, 1.25])):.2f}"`` → ``'[0,50; 1,25]'``.
    """

    __slots__ = ("valor",)

    def __init__(self, valor):
        self.valor = valor

    def __format__(self, especificacion):
        if isinstance(self.valor, (list, tuple, np.ndarray)) and np.ndim(self.valor) > 0:
            return "[" + "; ".join(format(coma(v), especificacion) for v in np.asarray(self.valor)) + "]"
        valor = self.valor.item() if isinstance(self.valor, np.generic) else self.valor
        if isinstance(valor, float) and (math.isnan(valor) or math.isinf(valor)):
            return _formatea_escalar(valor, "")
        return con_coma(format(valor, especificacion or ("" if isinstance(valor, numbers.Integral) else ".4g")))

    def __str__(self):
        return format(self, "")

    __repr__ = __str__


class FormateadorComa(ScalarFormatter):
    """El formateador de marcas por defecto de matplotlib, con coma decimal (0,5 y no 0.5).

    Cambia solo el texto: las posiciones de las marcas, el desplazamiento (offset) y la
    notación científica son los de ``ScalarFormatter``.
    """

    @staticmethod
    def _a_coma(texto):
        if texto.startswith("$"):  # texto matemático: {,} evita el espacio tras la coma
            return texto.replace(".", "{,}")
        return texto.replace(".", ",")

    def __call__(self, x, pos=None):
        return self._a_coma(super().__call__(x, pos))

    def get_offset(self):
        return self._a_coma(super().get_offset())

    def format_data(self, value):
        return self._a_coma(super().format_data(value))

    def format_data_short(self, value):
        return self._a_coma(super().format_data_short(value))


def usar_coma_en_tablas(cifras=6):
    """Las tablas de pandas (``DataFrame``) muestran sus números reales con coma decimal.

    Cambia la opción ``display.float_format`` de pandas: solo la presentación, nunca los datos.
    """
    import pandas as pd  # solo al usarla: course_lib no necesita pandas para lo demás

    pd.set_option("display.float_format", lambda x: numero(x, cifras=cifras))
