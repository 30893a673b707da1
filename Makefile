# The two commands: `make run` (set up and start the bot) and `make test` (set up and run the tests).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the project's dependencies change.
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

# pip says nothing unless something fails: a new user sees the bot start, nothing to read.
PIP := $(BIN)/python -m pip -qq --disable-pip-version-check --no-input

.PHONY: run test lint bench clean

$(BIN)/python:
	@echo "Setting up $(VENV) (first run only, about a minute)…"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	@echo "Installing the bot and its dependencies…"
	@$(PIP) install -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	@echo "Installing the bot, its dependencies and the test tools…"
	@$(PIP) install -e '.[dev]'
	@touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	@$(BIN)/communitybot run

# Two workers: the suite spends its time on CPU (bots started as processes, embeddings), and
# CI has two cores; on two cores it takes about four and a half minutes, six with PostgreSQL
# (three workers are no faster: the waits that a third would fill are few).
# One OpenMP thread per process: the embedding engine otherwise starts one per core in each
# worker, and four threads spinning on two cores made every embedding twice as slow.
test: $(STAMP_DEV)
	$(BIN)/ruff check .
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP_DEV)
	$(BIN)/python bench/qa.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
