# routemap: the two set-up commands are `make demo` and `make test`.
# Each creates its own virtual environment (.venv) and installs what it needs.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
SUDO    = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
EXAMPLES = $(sort $(wildcard examples/*.txt examples/*.html))

.PHONY: demo test bench browser clean

$(VENV)/.installed-%: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$*]'
	touch $@

## demo: render the bundled example articles into maps/ (HTML + GeoJSON) and print their checks
demo: $(VENV)/.installed-test
	$(VENV)/bin/routemap gazetteer check
	$(VENV)/bin/routemap route Pyongyang "Dong Dang" --mode rail
	$(VENV)/bin/routemap check $(EXAMPLES)
	$(VENV)/bin/routemap map $(EXAMPLES) -o maps/ --geojson

## browser: Debian's chromium for the browser tests and --png (never `playwright install`)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## test: the whole test suite, browser tests included
test: $(VENV)/.installed-test browser
	$(VENV)/bin/pytest -q

## bench: benchmarks; writes docs/benchmarks.md
bench: $(VENV)/.installed-bench
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache bench/out bench/corpus
