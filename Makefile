# `make build`: set up .venv and build the example program; `make test`: set up and run the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: build check test reference schemas bench clean

build: $(VENV)/.installed
	$(PY) build.py

check: $(VENV)/.installed
	$(PY) build.py check

test: $(VENV)/.installed
	$(PY) -m pytest

schemas: $(VENV)/.installed
	$(PY) -m pmodocs.cli schema --out schemas

reference: $(VENV)/.installed
	$(PY) -m pmodocs.render.reference templates/reference.docx

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf site site_src dist mkdocs.yml .pmodocs.lock
