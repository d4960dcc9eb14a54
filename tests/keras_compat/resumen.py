"""El recuento de la prueba de compatibilidad con Keras al final de pytest.

tests/conftest.py importa :func:`pytest_terminal_summary` (con pytest-xdist, el proceso que
escribe el resumen solo carga los conftest de la raíz de las pruebas). Lee las propiedades que
anota cada caso (``record_property``), que viajan con los informes de los procesos de xdist.
"""


def pytest_terminal_summary(terminalreporter):
    fragmentos, programas, obsoletos = {}, {}, []
    for informes in terminalreporter.stats.values():
        for informe in informes:
            if getattr(informe, "when", None) != "call" or "keras_compat" not in getattr(informe, "nodeid", ""):
                continue
            props = dict(getattr(informe, "user_properties", []))
            if "fragmento" in props:
                fragmentos[props["fragmento"]] = props
            elif "programa" in props:
                programas.setdefault(props["programa"], {})[props["motor"]] = props.get("course_lib", "bien") \
                    if props["motor"] == "course_lib" else informe.outcome
                if props.get("pendiente_obsoleto"):
                    obsoletos.append(f"programas.{props['programa']}")
            if props.get("pendiente_obsoleto") and "fragmento" in props:
                obsoletos.append(props["fragmento"])
    if not fragmentos and not programas:
        return
    escribir = terminalreporter.write_line
    terminalreporter.section("Compatibilidad con Keras")
    if fragmentos:
        en_keras = sum(p.get("keras") == "bien" for p in fragmentos.values())
        sin_keras = all("keras" not in p for p in fragmentos.values())
        en_course_lib = sum(p.get("course_lib") == "bien" for p in fragmentos.values())
        escribir(f"{len(fragmentos)} fragmentos: funcionan en Keras 3 {'(sin Keras)' if sin_keras else en_keras}, "
                 f"en course_lib {en_course_lib}.")
        faltan = sorted(i for i, p in fragmentos.items() if p.get("course_lib") == "falta")
        if faltan:
            grupos = {}
            for ident in faltan:
                grupo, nombre = ident.split(".", 1)
                grupos.setdefault(grupo, []).append(nombre)
            escribir(f"Faltan en course_lib ({len(faltan)}):")
            for grupo, nombres in grupos.items():
                escribir(f"  {grupo} ({len(nombres)}): {', '.join(nombres)}")
    if obsoletos:
        escribir(f"Ya funcionan y siguen en pendientes.txt ({len(obsoletos)}; quítalos con "
                 f"«python tests/keras_compat/informe.py --escribir»): {', '.join(sorted(obsoletos))}")
    if programas:
        en_course_lib = sorted(n for n, m in programas.items() if m.get("course_lib") == "bien")
        escribir(f"Programas completos: {len(programas)}; corren y aprenden en course_lib {len(en_course_lib)}"
                 + (f"; faltan: {', '.join(sorted(set(programas) - set(en_course_lib)))}."
                    if len(en_course_lib) < len(programas) else "."))
