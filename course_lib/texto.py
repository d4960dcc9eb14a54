"""Texto en español para los modelos de lenguaje (capítulo 16).

- :func:`load_spanish_corpus`: la Reina-Valera de 1909 (dominio público), 3,8 millones de caracteres,
  un capítulo por línea (``data/reina_valera_1909.txt.gz``; procedencia en ``data/README.md``).
- :class:`CharVocabulary`: de caracteres a números enteros y de vuelta (``encode``/``decode``).
- :func:`split_corpus`: entrenamiento, validación y prueba en bloques intercalados.
- :func:`random_windows`: lotes de ventanas de texto y su versión desplazada un carácter (lo que
  se predice: x₁…x_T → x₂…x_{T+1}).
- :func:`date_in_words` y :func:`dates_dataset`: fechas escritas en palabras y en formato ISO, para
  el codificador–decodificador («siete de diciembre de dos mil veintiséis» → «2026-12-07»).
"""

import calendar
import gzip
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data"
CORPUS_FILE = DATA / "reina_valera_1909.txt.gz"


def load_spanish_corpus():
    """El corpus del capítulo 16 como un ``str``: la Biblia de Reina-Valera (revisión de 1909)."""
    if not CORPUS_FILE.exists():
        raise FileNotFoundError(
            f"No encuentro el corpus {CORPUS_FILE}. Viene con el repositorio del curso: instala course_lib "
            "en modo editable desde el repositorio (pip install -e .) o regenéralo con "
            "python scripts/corpus_reina_valera.py.")
    with gzip.open(CORPUS_FILE, "rt", encoding="utf-8") as archivo:
        return archivo.read()


class CharVocabulary:
    """Vocabulario de caracteres: ``encode("hola")`` → array de enteros, ``decode(ids)`` → texto.

    Los caracteres se ordenan por su código (el salto de línea y el espacio quedan los primeros).
    ``encode(texto, unknown="error")`` falla con un mensaje si aparece un carácter que el vocabulario
    no tiene; con ``unknown="skip"`` lo omite (lo que hace la demostración con lo que se teclea).
    """

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self):
        return len(self.chars)

    def __contains__(self, char):
        return char in self.index

    def unknown(self, text):
        """Los caracteres de ``text`` que no están en el vocabulario, sin repetir, en orden de aparición."""
        return list(dict.fromkeys(c for c in text if c not in self.index))

    def encode(self, text, unknown="error"):
        missing = self.unknown(text)
        if missing and unknown == "error":
            raise ValueError(
                f"Estos caracteres no están en el vocabulario ({len(self)} caracteres): "
                f"{''.join(missing)!r}. Quítalos o usa encode(texto, unknown='skip').")
        return np.array([self.index[c] for c in text if c in self.index], dtype=np.int64)

    def decode(self, ids):
        return "".join(self.chars[int(i)] for i in np.asarray(ids).ravel())


def split_corpus(ids, validation=0.05, test=0.05, block=10_000):
    """Divide una secuencia en entrenamiento, validación y prueba, en bloques de ``block`` símbolos.

    De cada 20 bloques consecutivos, 18 van a entrenamiento, 1 a validación y 1 a prueba (con los valores
    por defecto): así los tres conjuntos recorren todo el texto, y ninguna ventana cruza de uno a otro.
    Devuelve tres arrays (cada uno, sus bloques unidos en orden).
    """
    ids = np.asarray(ids)
    period = int(round(1 / min(validation, test)))
    n_val, n_test = int(round(validation * period)), int(round(test * period))
    blocks = [ids[i:i + block] for i in range(0, len(ids), block)]
    role = [(i % period) for i in range(len(blocks))]
    train = [b for b, r in zip(blocks, role) if r < period - n_val - n_test]
    val = [b for b, r in zip(blocks, role) if period - n_val - n_test <= r < period - n_test]
    tst = [b for b, r in zip(blocks, role) if r >= period - n_test]
    return np.concatenate(train), np.concatenate(val), np.concatenate(tst)


def random_windows(ids, n, length, rng):
    """``n`` ventanas al azar de ``length`` símbolos y su continuación: X[i, t] = ids[s + t] e
    Y[i, t] = ids[s + t + 1] (el símbolo siguiente), ambas de forma (n, length)."""
    starts = rng.integers(0, len(ids) - length - 1, size=n)
    offsets = np.arange(length + 1)
    windows = np.asarray(ids)[starts[:, None] + offsets]
    return windows[:, :-1], windows[:, 1:]


# --- Fechas en palabras ----------------------------------------------------------------------------

UNITS = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
         "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve",
         "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis",
         "veintisiete", "veintiocho", "veintinueve"]
TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre"]


def number_in_words(n):
    """Un número de 0 a 99 en palabras: 7 → «siete», 26 → «veintiséis», 31 → «treinta y uno»."""
    if not 0 <= n <= 99:
        raise ValueError(f"number_in_words sabe escribir de 0 a 99; recibí {n}.")
    if n < 30:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    return TENS[tens] if unit == 0 else f"{TENS[tens]} y {UNITS[unit]}"


def year_in_words(year):
    """Un año de 1900 a 2099: 1987 → «mil novecientos ochenta y siete», 2026 → «dos mil veintiséis»."""
    if not 1900 <= year <= 2099:
        raise ValueError(f"year_in_words sabe escribir los años de 1900 a 2099; recibí {year}.")
    head = "mil novecientos" if year < 2000 else "dos mil"
    rest = year % 100
    return head if rest == 0 else f"{head} {number_in_words(rest)}"


def date_in_words(year, month, day):
    """«siete de diciembre de dos mil veintiséis» para (2026, 12, 7). El día 1 se dice «uno»."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"{year}-{month:02d}-{day:02d} no es una fecha válida.")
    return f"{number_in_words(day)} de {MONTHS[month - 1]} de {year_in_words(year)}"


def dates_dataset(n, rng, years=(1900, 2099), exclude=()):
    """``n`` fechas distintas al azar entre ``years`` (incluidos), ninguna en ``exclude``.

    Devuelve dos listas: las fechas en palabras y en formato ISO («2026-12-07»).
    """
    excluded = set(exclude)
    first = np.datetime64(f"{years[0]}-01-01")
    days = int((np.datetime64(f"{years[1] + 1}-01-01") - first).astype(int))
    if n > days - len(excluded):
        raise ValueError(f"Solo hay {days - len(excluded)} fechas disponibles; se pidieron {n}.")
    words, iso = [], []
    seen = set(excluded)
    while len(iso) < n:
        for offset in rng.permutation(days)[: 2 * n]:
            text = str(first + int(offset))
            if text in seen:
                continue
            seen.add(text)
            year, month, day = (int(p) for p in text.split("-"))
            words.append(date_in_words(year, month, day))
            iso.append(text)
            if len(iso) == n:
                break
    return words, iso
