# Órdenes del curso. Las dos principales:
#   make lab    prepara todo y abre el curso en JupyterLab
#   make test   prepara todo y ejecuta todas las pruebas
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
COURSE := $(VENV)/.curso-instalado
TESTS  := $(VENV)/.pruebas-instaladas
CLASE  := $(VENV)/.clase-instalada
# JupyterLab del curso en español (ajustes propios, sin tocar los globales del usuario): jupyter/README.md
LAB_SETTINGS := --LabApp.app_settings_dir=$(CURDIR)/jupyter/ajustes
# JupyterLab se niega a arrancar como root sin --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Dos procesos de prueba en dos núcleos: cada uno con un solo hilo de BLAS, sin competir.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: lab test install unit notebooks browser benchmarks clean clase diapositivas

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

install: $(COURSE)

lab: $(CLASE)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_SETTINGS) notebooks/00_introduccion.ipynb

# La sala de demostraciones para el proyector: una página de Voilà sin código, por capítulos.
clase: $(CLASE)
	$(BIN)/voila --theme=light --VoilaConfiguration.show_tracebacks=False clase/sala_de_demostraciones.ipynb

# Metadatos de diapositivas (RISE) de cada cuaderno, calculados de su estructura.
diapositivas: $(COURSE)
	$(BIN)/python scripts/diapositivas.py notebooks/[0-9][0-9]_*.ipynb

test: $(TESTS)
	@bash scripts/install_browser.sh
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadscope --nbval-lax -p no:cacheprovider tests notebooks

unit: $(TESTS)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadscope -p no:cacheprovider tests --ignore=tests/test_browser.py

notebooks: $(TESTS)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadscope --nbval-lax -p no:cacheprovider notebooks

browser: $(TESTS)
	@bash scripts/install_browser.sh
	$(TEST_ENV) $(BIN)/python -m pytest -p no:cacheprovider tests/test_browser.py

benchmarks: $(COURSE)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/demos.py

clean:
	rm -rf $(VENV) build .pytest_cache
