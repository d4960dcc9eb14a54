"""Guardar en el servidor de cada estudiante con un mensaje claro cuando el disco está lleno.

JupyterHub arranca el servidor de Jupyter de cada estudiante con
``--ServerApp.contents_manager_class=course_lib.classroom.contents.CourseContentsManager``
(ver ``jupyterhub_config.py``). Es el gestor de ficheros de siempre (``AsyncLargeFileManager``)
con una diferencia: si al guardar el disco o la cuota están llenos, JupyterLab no muestra
«Unexpected error while saving file … [Errno 28]», sino qué ha pasado y qué hacer, en español.
"""

import errno
import json
import os
import shutil

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

DISK_FULL = (
    "No se pudo guardar «{path}»: tu espacio en disco está lleno. Lo que guardaste antes sigue a "
    "salvo, pero este cambio NO se ha guardado. Libera espacio (borra datos o modelos grandes, o "
    "limpia las salidas con «Edit → Clear Outputs of All Cells») y vuelve a guardar, o avisa a tu "
    "profesor o profesora."
)


class CourseContentsManager(AsyncLargeFileManager):
    """``AsyncLargeFileManager`` que explica en español un disco lleno (HTTP 507)."""

    async def save(self, model, path=""):
        try:
            return await super().save(model, path)
        except web.HTTPError as exc:
            if _disk_full(exc, self._get_os_path(path), model):
                raise web.HTTPError(507, DISK_FULL.format(path=path)) from exc
            raise


def _disk_full(exc, os_path, model):
    """¿Falló el guardado por falta de espacio? (ENOSPC/EDQUOT en la cadena, o no cabe el fichero)."""
    seen = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        seen = seen.__cause__ or seen.__context__
    try:
        free = shutil.disk_usage(os.path.dirname(os_path)).free
    except OSError:
        return False
    content = model.get("content")
    size = len(json.dumps(content)) if content is not None else 0
    return free < max(size, 64 * 1024)
