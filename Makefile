# Everything runs in a local virtual environment built from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench bench-history clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cxokr check --workspace examples/retail-cx
	$(BIN)/cxokr report --workspace examples/retail-cx --as-of 2026-11-20

lint: $(STAMP)
	$(BIN)/ruff check cxokr tests benchmarks
	$(BIN)/ruff format --check cxokr tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-history: $(STAMP)
	$(BIN)/python benchmarks/history.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
