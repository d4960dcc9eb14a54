# Órdenes del curso. Las dos principales:
#   make lab    prepara todo y abre el curso en JupyterLab
#   make test   prepara todo y ejecuta todas las pruebas
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
COURSE := $(VENV)/.curso-instalado
TESTS  := $(VENV)/.pruebas-instaladas
CLASE  := $(VENV)/.clase-instalada
WEB    := $(VENV)/.web-instalada
DOCENTE := $(VENV)/.docente-instalado
HUB_PROXY := .hub/node_modules/.bin/configurable-http-proxy
# El sitio web sin red: MathJax (fórmulas) y axe-core (prueba de accesibilidad), de npm, fijados.
WEB_NPM := .web/node_modules/.mathjax-3.2.2-axe-core-4.11.0
# JupyterLab del curso en español (ajustes propios, sin tocar los globales del usuario): jupyter/README.md
LAB_SETTINGS := --LabApp.app_settings_dir=$(CURDIR)/jupyter/ajustes
# JupyterLab se niega a arrancar como root sin --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Dos procesos de prueba en dos núcleos: cada uno con un solo hilo de BLAS, sin competir.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# Keras 3 sobre PyTorch (TensorFlow no se instala); los cuadernos lo eligen también solos.
TEST_ENV += KERAS_BACKEND=torch

.PHONY: compat-en-segundo-plano lab presentar test install unit notebooks browser benchmarks clean clase diapositivas web imagenes colab compat afirmaciones pesos pesos-16 pesos-17

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(COURSE): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# Para dar clase: Voilà (sala de demostraciones), RISE (diapositivas) y el paquete de idioma español.
# curso-widgets-en-rise (jupyter/labextensions, un solo archivo JavaScript sin compilar) hace que
# los widgets funcionen dentro de las diapositivas de jupyterlab-rise 0.43.1 con ipywidgets 8.
RISE_WIDGETS := jupyter/labextensions/curso-widgets-en-rise
$(CLASE): $(COURSE) requirements-clase.txt $(RISE_WIDGETS)/package.json $(RISE_WIDGETS)/static/remoteEntry.js
	$(BIN)/python -m pip install --quiet -r requirements-clase.txt
	rm -rf $(VENV)/share/jupyter/labextensions/curso-widgets-en-rise
	mkdir -p $(VENV)/share/jupyter/labextensions
	cp -R $(RISE_WIDGETS) $(VENV)/share/jupyter/labextensions/
	@touch $@

$(TESTS): $(CLASE) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $@

$(WEB): $(TESTS) requirements-web.txt $(WEB_NPM)
	$(BIN)/python -m pip install --quiet -r requirements-web.txt
	@touch $@

$(DOCENTE): $(COURSE) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[docente]"
	@touch $@

# configurable-http-proxy (npm), en .hub/, versión fijada: el proxy de JupyterHub.
$(HUB_PROXY):
	npm install --no-audit --no-fund --silent --prefix .hub configurable-http-proxy@5.3.0

# MathJax 3 (y no 4): sus fuentes van en el propio paquete; MathJax 4 las pide a una CDN.
$(WEB_NPM):
	npm install --no-audit --no-fund --silent --prefix .web mathjax@3.2.2 axe-core@4.11.0
	@touch $@

install: $(COURSE)

lab: $(CLASE)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_SETTINGS) notebooks/00_introduccion.ipynb

# Para dar clase con diapositivas: el mismo JupyterLab con las figuras en «modo clase» (textos de
# ≥ 20 px en el proyector: course_lib.plots.CLASS_MODE_STYLE). En el cuaderno, Alt+R y F.
presentar: $(CLASE)
	CURSO_MODO_CLASE=1 $(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_SETTINGS) notebooks/00_introduccion.ipynb

# La sala de demostraciones para el proyector: una página de Voilà sin código, por capítulos.
clase: $(CLASE)
	$(BIN)/voila --theme=light --VoilaConfiguration.show_tracebacks=False clase/sala_de_demostraciones.ipynb

# Metadatos de diapositivas (RISE) de cada cuaderno, calculados de su estructura y de la altura de sus
# salidas (las de build/ejecutados si existen: tras make test; si no, las registradas).
diapositivas: $(COURSE)
	$(BIN)/python scripts/diapositivas.py notebooks/[0-9][0-9]_*.ipynb
	$(BIN)/python scripts/diapositivas.py --informe notebooks/[0-9][0-9]_*.ipynb

# Tres pasos: pruebas y cuadernos (nbval guarda las copias ejecutadas en build/ejecutados);
# el sitio web y el recorrido de las diapositivas con esas copias (sin ejecutar otra vez); las
# versiones mínimas de pyproject.toml.
# El capítulo 00 no pasa por nbval: lo ejecuta tests/test_ejecucion_web.py por el camino del sitio
# (nbclient, como make web en un clon limpio), y el sitio reutiliza esa copia.
# Los módulos más largos, primero: pytest-xdist reparte en orden, y si uno largo queda para el final, un
# núcleo espera solo al otro (pytest no repite una ruta que ya recogió).
PRIMERO := tests/test_nbgrader_tareas.py tests/test_hub_clase.py tests/test_browser.py tests/test_classroom_edition.py \
	notebooks/12_regularizacion.ipynb notebooks/10_redes_convolucionales.ipynb tests/keras_compat
# El entorno de las versiones mínimas se crea en segundo plano desde el principio (solo necesita python3):
# mientras pip prepara .venv, que apenas usa un núcleo. La versión rápida de benchmarks/clase.py
# (TestFastBenchmark) no va en make test: make benchmark-clase ejecuta el de verdad.
test: compat-en-segundo-plano $(TESTS) $(WEB) $(DOCENTE) $(HUB_PROXY)
	@bash scripts/install_browser.sh
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadscope --nbval-lax -p no:cacheprovider $(PRIMERO) tests notebooks --ignore=tests/test_sitio_web.py --ignore=tests/test_diapositivas_navegador.py --ignore=notebooks/00_introduccion.ipynb --deselect tests/test_hub_clase.py::TestFastBenchmark::test_fast_class_benchmark
	@# El sitio, el recorrido de las diapositivas y las versiones mínimas, a la vez (cada uno con su registro).
	@status=0; \
	$(TEST_ENV) $(BIN)/python -m pytest -p no:cacheprovider tests/test_sitio_web.py > build/prueba-sitio.log 2>&1 & sitio=$$!; \
	$(TEST_ENV) CURSO_DIAPOSITIVAS_TAMANOS=1024x768 CURSO_DIAPOSITIVAS_CAPITULOS=05,07,10,13,16,18 $(BIN)/python -m pytest -p no:cacheprovider -s \
		tests/test_diapositivas_navegador.py > build/prueba-diapositivas.log 2>&1 & diapositivas=$$!; \
	$(TEST_ENV) $(BIN)/python scripts/compatibilidad.py > build/prueba-compat.log 2>&1 & compat=$$!; \
	wait $$sitio || status=1; wait $$diapositivas || status=1; wait $$compat || status=1; \
	for registro in sitio diapositivas compat; do echo "=== $$registro"; tail -n 60 build/prueba-$$registro.log; done; \
	exit $$status

compat-en-segundo-plano:
	@mkdir -p build && ($(PYTHON) scripts/compatibilidad.py --instalar > build/compat-instalacion.log 2>&1 &)

unit: $(TESTS) $(DOCENTE) $(HUB_PROXY)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadscope -p no:cacheprovider tests --ignore=tests/test_browser.py --ignore=tests/test_sitio_web.py --ignore=tests/test_diapositivas_navegador.py

notebooks: $(TESTS)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadscope --nbval-lax -p no:cacheprovider notebooks

browser: $(TESTS)
	@bash scripts/install_browser.sh
	$(TEST_ENV) $(BIN)/python -m pytest -p no:cacheprovider -s tests/test_browser.py tests/test_diapositivas_navegador.py

# Los modelos que los capítulos «más allá de los apuntes» traen ya entrenados en data/ (deterministas,
# minutos; cada capítulo, su script). Capítulo 16: scripts/pesos_cap16.py.
pesos: pesos-16 pesos-17

pesos-16: $(COURSE)
	$(TEST_ENV) $(BIN)/python scripts/pesos_cap16.py

# El sitio web en build/web/html (reutiliza los cuadernos que make test ya ejecutó).
web: $(WEB)
	$(TEST_ENV) $(BIN)/python scripts/construir_web.py

# Las imágenes de images/ (se guardan en git).
imagenes: $(COURSE)
	$(BIN)/python scripts/imagenes.py

# Tras cambiar la dirección del repositorio en pyproject.toml o añadir cuadernos: celda de Colab
# en cada cuaderno e insignias del README.
colab: $(COURSE)
	$(BIN)/python scripts/colab.py

# Las pruebas y los cuadernos con las versiones mínimas de pyproject.toml (entorno build/compat).
compat: $(TESTS)
	$(TEST_ENV) $(BIN)/python scripts/compatibilidad.py --completo

# Las afirmaciones del texto con otras semillas (papermill cambia SEMILLA en la celda «parameters»):
# make afirmaciones, o make afirmaciones CAPITULOS="12 13" SEMILLAS="3 4".
SEMILLAS ?= 1 2
afirmaciones: $(TESTS)
	$(TEST_ENV) $(BIN)/python scripts/afirmaciones.py $(CAPITULOS) --semillas $(SEMILLAS)

# Los pesos que los capítulos 16–18 cargan ya entrenados (cada capítulo, su script; deterministas).
pesos-17: $(COURSE)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python scripts/pesos_17.py

benchmarks: $(COURSE)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/demos.py

clean:
	rm -rf $(VENV) build .pytest_cache

# --- Aula: edición sin respuestas, tareas de nbgrader y JupyterHub (docs/despliegue.md) --------
# build/aula: la edición de aula, un repositorio git con historia continua (cada make aula, un commit).
# build/entorno-estudiante: un Python con solo esa edición (sus núcleos no llegan a las soluciones).
.PHONY: aula entorno-estudiante tareas hub benchmark-clase memoria-capitulos pesos pesos-17
ESTUDIANTE_PY := build/entorno-estudiante/bin/python
aula: $(COURSE)
	$(BIN)/python -m course_lib.classroom.release build/aula

$(ESTUDIANTE_PY): requirements.txt pyproject.toml
	$(MAKE) aula
	$(BIN)/python -m course_lib.classroom.entorno build/entorno-estudiante --aula build/aula

entorno-estudiante: $(ESTUDIANTE_PY)

tareas: $(DOCENTE) $(ESTUDIANTE_PY)
	rm -rf build/tareas
	$(BIN)/python -m course_lib.classroom.assignments build/tareas
	cd build/tareas && PATH="$(abspath $(BIN)):$$PATH" nbgrader generate_assignment 'cap*' --force
	@echo "Tareas para el estudiante en build/tareas/release/ (las fuentes, con soluciones, en build/tareas/source/)."

hub: $(DOCENTE) $(HUB_PROXY) aula $(ESTUDIANTE_PY)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyterhub -f jupyterhub_config.py

# Una clase simulada con N estudiantes a la vez (make benchmark-clase N="1 2 4"); guarda las cifras
# en benchmarks/resultados/ y rehace la tabla de docs/despliegue.md.
N ?= 1 2 4 8 16
benchmark-clase: $(DOCENTE) $(HUB_PROXY)
	$(TEST_ENV) $(BIN)/python benchmarks/clase.py --alumnos $(N)

# La memoria máxima del núcleo de cada capítulo (benchmarks/resultados/memoria-capitulos.json);
# make memoria-capitulos CAPITULOS="16 18" mide solo esos y conserva las demás filas.
memoria-capitulos: $(TESTS)
	$(TEST_ENV) $(BIN)/python benchmarks/clase.py --memoria-capitulos $(if $(CAPITULOS),--solo $(CAPITULOS))
