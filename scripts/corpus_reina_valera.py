"""Prepara ``data/reina_valera_1909.txt.gz``, el corpus del capítulo 16, desde el paquete de Debian.

El texto es la Biblia de Reina-Valera en su revisión de 1909 (dominio público), tal como la trae el
paquete ``sword-text-sparv`` 2.60-1 de Debian (módulo SWORD ``spaRV1909eb``, texto de eBible.org).
Uso::

    python scripts/corpus_reina_valera.py                     # apt-get download + extracción
    python scripts/corpus_reina_valera.py --deb ruta/al.deb   # con el .deb ya descargado

Pasos: comprueba la suma SHA-256 del .deb, lo extrae con ``dpkg-deb -x``, descomprime los bloques
del módulo zText (un bloque zlib por libro: el índice ``.bzs`` da su posición y su tamaño), quita el
marcado OSIS (números de Strong, palabras añadidas por los traductores, títulos de los libros), deja
un salto de línea por capítulo y escribe el texto con gzip (sin fecha en la cabecera: el archivo sale
idéntico bit a bit cada vez).
"""

import argparse
import gzip
import hashlib
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

PAQUETE = "sword-text-sparv"
VERSION = "2.60-1"
SHA256_DEB = "5c87f9b2bc97457e8a872f5bae7ea7ce59cb3de1dcee73e4d4740451863694cf"
MODULO = Path("usr/share/sword/modules/texts/ztext/spaRV1909eb")
SALIDA = Path(__file__).resolve().parent.parent / "data" / "reina_valera_1909.txt.gz"


def bloques_ztext(carpeta, testamento):
    """Los bloques de texto (OSIS) de un módulo zText: ``ot`` (Antiguo) o ``nt`` (Nuevo Testamento).

    ``.bzs``: una entrada de 12 bytes por bloque (posición, tamaño comprimido, tamaño sin comprimir,
    enteros de 32 bits little-endian); ``.bzz``: los bloques comprimidos con zlib, uno tras otro.
    """
    indice = (carpeta / f"{testamento}.bzs").read_bytes()
    datos = (carpeta / f"{testamento}.bzz").read_bytes()
    for i in range(len(indice) // 12):
        posicion, tamano, _ = struct.unpack("<III", indice[12 * i:12 * i + 12])
        yield zlib.decompress(datos[posicion:posicion + tamano]).decode("utf-8")


def mayusculas_a_nombre_propio(match):
    """«EN el principio», «Y FUERON»: la primera palabra de cada capítulo va en versalitas; se escribe
    como una palabra normal («En», «Fueron»)."""
    palabra = match.group(0)
    return palabra[0] + palabra[1:].lower()


def limpiar(osis):
    """Texto plano a partir del OSIS del módulo: un capítulo por línea."""
    texto = re.sub(r"<title[^>]*>.*?</title>", "\n", osis)        # títulos de los libros
    texto = re.sub(r"<chapter[^>]*/>", "\n", texto)                  # un capítulo por línea
    texto = re.sub(r"<[^>]+>", "", texto)                            # el resto del marcado
    texto = re.sub(r"\b[A-ZÁÉÍÓÚÑ]{2,}\b", mayusculas_a_nombre_propio, texto)
    texto = re.sub(r"[ \t]+", " ", texto)
    texto = re.sub(r" *\n *", "\n", texto)
    return re.sub(r"\n+", "\n", texto).strip() + "\n"


def descargar(carpeta):
    subprocess.run(["apt-get", "download", f"{PAQUETE}={VERSION}"], cwd=carpeta, check=True)
    return next(Path(carpeta).glob(f"{PAQUETE}_*.deb"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=Path, help="el .deb de sword-text-sparv ya descargado")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporal:
        deb = args.deb or descargar(temporal)
        suma = hashlib.sha256(deb.read_bytes()).hexdigest()
        if suma != SHA256_DEB:
            sys.exit(f"La suma SHA-256 de {deb} es {suma}; se esperaba {SHA256_DEB} ({PAQUETE} {VERSION}).")
        destino = Path(temporal) / "extraido"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(destino)], check=True)
        osis = "".join(b for t in ("ot", "nt") for b in bloques_ztext(destino / MODULO, t))
    texto = limpiar(osis)
    with open(SALIDA, "wb") as archivo, gzip.GzipFile(fileobj=archivo, mode="wb", mtime=0, filename="") as gz:
        gz.write(texto.encode("utf-8"))
    print(f"{SALIDA.name}: {len(texto):,} caracteres, {len(set(texto))} distintos, "
          f"{SALIDA.stat().st_size:,} bytes; SHA-256 {hashlib.sha256(SALIDA.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
