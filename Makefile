# `make build`: set up .venv and build the example program; `make test`: set up and run the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: build check test reference bench clean

build: $(VENV)/.installed
	$(PY) build.py

check: $(VENV)/.installed
	$(PY) build.py check

test: $(VENV)/.installed
	# axe-core for tests/test_axe.py, from npm's lock file (skipped where there is no npm)
	if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/axe --no-audit --no-fund --silent; fi
	$(PY) -m pytest

reference: $(VENV)/.installed
	$(PY) -m pmodocs.render.reference templates/reference.docx

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf site site_src dist mkdocs.yml .pmodocs.lock
