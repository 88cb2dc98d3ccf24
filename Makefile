# Everything runs in a local virtual environment installed from the lock,
# requirements.lock.txt: every dependency, direct and transitive, pinned with its hashes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock.txt
# `make lock` only: uv, in a venv of its own.
TOOLS := .venv-tools
UV_VERSION := 0.13.9
# `make test-latest` only: the newest releases pyproject.toml allows, in a venv of its own.
LATEST := .venv-latest

.PHONY: demo test lint typecheck bench bench-history lock test-latest clean

# A changed lock or pyproject.toml rebuilds the venv from scratch, so nothing stale stays in it.
# cxokr itself goes in last, editable, built by the locked hatchling (no build isolation).
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Then a sync of the example's exports (DuckDB, no server), on a copy in a throwaway git
# repository, so the example itself stays as the report above shows it.
demo: $(STAMP)
	$(BIN)/cxokr check --workspace examples/retail-cx
	$(BIN)/cxokr report --workspace examples/retail-cx --as-of 2026-11-20
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  cp -R examples/retail-cx "$$tmp/retail-cx" && cd "$$tmp/retail-cx" && \
	  export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
	    GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=etl@northwind.example \
	    GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=etl@northwind.example && \
	  git init -q && git add -A && git commit -q -m "The example workspace" && \
	  echo "cxokr sync  (in a copy of examples/retail-cx)" && \
	  $(abspath $(BIN))/cxokr sync

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

# Re-resolve the lock to the newest releases pyproject.toml allows (runtime, the test extra
# and the build backend with `editables`, which hatchling needs for an editable install),
# for every platform pip may install on, with every file's hash.
lock:
	test -x $(TOOLS)/bin/uv || { $(PYTHON) -m venv $(TOOLS) && \
	  $(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	$(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], "editables", sep="\n")' \
	  | $(TOOLS)/bin/uv pip compile --quiet pyproject.toml - --extra test \
	      --universal --python-version 3.11 --generate-hashes --upgrade \
	      --custom-compile-command "make lock" --output-file $(LOCK)

# The same checks against the newest releases, not the lock: a preview of what `make lock`
# would bring. Never the default; its venv is separate and rebuilt each time.
test-latest:
	$(PYTHON) -m venv --clear $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade -e '.[test]'
	$(LATEST)/bin/python -m pip list --format freeze
	$(LATEST)/bin/ruff check cxokr tests benchmarks
	$(LATEST)/bin/ruff format --check cxokr tests benchmarks
	$(LATEST)/bin/mypy
	$(LATEST)/bin/pytest

clean:
	rm -rf $(VENV) $(TOOLS) $(LATEST) .mypy_cache .pytest_cache .ruff_cache
