#!/usr/bin/env bash
# Instala Chromium de Debian para la prueba en navegador real, si falta y se puede.
# Playwright no puede descargar navegadores aquí: se usa /usr/bin/chromium.
set -u
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Instalando Chromium (paquete de Debian) para la prueba en el navegador…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "Aviso: no hay Chromium ni permisos para instalarlo; la prueba en el navegador se omitirá." >&2
fi
exit 0
