# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXPORT ?= demo-export

.PHONY: install demo test lint typecheck pytest chromium bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[web,spark,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f demo.duckdb
	$(BIN)/recoupe analyze examples/corpus --db demo.duckdb --export $(EXPORT)
	$(BIN)/recoupe stories --db demo.duckdb
	$(BIN)/recoupe quotes --db demo.duckdb --min-outlets 2

# Debian's Chromium drives the web UI tests; installed when missing (root, as on CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

lint: install
	$(BIN)/ruff check recoupe tests benchmarks

typecheck: install
	$(BIN)/mypy recoupe

pytest: install chromium
	$(BIN)/pytest

test: lint typecheck pytest

bench: install
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) demo.duckdb $(EXPORT) .pytest_cache .mypy_cache .ruff_cache
