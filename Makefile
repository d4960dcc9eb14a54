# Órdenes del curso. Las dos principales:
#   make lab    prepara todo y abre el curso en JupyterLab
#   make test   prepara todo y ejecuta todas las pruebas
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
COURSE := $(VENV)/.curso-instalado
TESTS  := $(VENV)/.pruebas-instaladas
# JupyterLab se niega a arrancar como root sin --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Dos procesos de prueba en dos núcleos: cada uno con un solo hilo de BLAS, sin competir.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# Keras 3 sobre PyTorch (TensorFlow no se instala); los cuadernos lo eligen también solos.
TEST_ENV += KERAS_BACKEND=torch

.PHONY: lab test install unit notebooks browser benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(COURSE): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(TESTS): $(COURSE) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $@

install: $(COURSE)

lab: $(COURSE)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/00_introduccion.ipynb

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
