# `make build`: set up .venv and build the example program; `make test`: set up and run the tests.
# Installs are pinned by constraints.txt; `make upgrade` re-resolves and rewrites it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip --disable-pip-version-check
# two test workers (the machines this project runs on have two cores), a test file to a worker
# so that module and session fixtures (one cold build each) are made once, not once per worker
JOBS ?= 2
XDIST := -n $(JOBS) --dist loadfile
# axe-core for tests/test_axe.py, from npm's lock file (skipped where there is no npm)
AXE := if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/axe --no-audit --no-fund --silent; fi

.PHONY: build check test test-fast reference schemas bench upgrade clean

build: $(VENV)/.installed
	$(PY) build.py

check: $(VENV)/.installed
	$(PY) build.py check

test: $(VENV)/.installed
	$(AXE)
	$(PY) -m mypy src
	$(PY) -m pytest $(XDIST)

# the edit-test loop: everything but the tests marked slow (browser, LibreOffice, portfolios, signed
# builds, fuzzing, scale, the benchmark); tests/conftest.py SLOW_FILES and @pytest.mark.slow say which
test-fast: $(VENV)/.installed
	$(PY) -m mypy src
	$(PY) -m pytest $(XDIST) -m "not slow"

schemas: $(VENV)/.installed
	$(PY) -m pmodocs.cli schema --out schemas

reference: $(VENV)/.installed
	$(PY) -m pmodocs.branding reference > templates/reference.docx.new
	mv templates/reference.docx.new templates/reference.docx

bench: $(VENV)/.installed
	$(PY) bench/run.py

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c constraints.txt --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Re-resolve every dependency to today's releases in a scratch venv, and pin the result.
upgrade:
	rm -rf .venv-upgrade
	$(PYTHON) -m venv .venv-upgrade
	.venv-upgrade/bin/pip install --quiet --upgrade pip
	.venv-upgrade/bin/pip install --quiet -e '.[test]'
	.venv-upgrade/bin/pip freeze --all --exclude-editable > constraints.txt
	rm -rf .venv-upgrade
	@echo "constraints.txt rewritten; run 'make test' (it reinstalls .venv from the new pins)"

clean:
	rm -rf site site_src dist mkdocs.yml .pmodocs.lock
