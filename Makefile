# The two commands of the README: `make serve` and `make test`.
# Each installs what it needs into .venv first (only python3 and make are required).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: serve test reliability bench clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed: bootstrapping pip without ensurepip"; \
	  rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) && \
	  $(PYTHON) .ci/get_pip.py $(BIN)/python; }

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[embedded,dev]'
	@touch $@

serve: $(VENV)/.installed
	$(BIN)/vtex-linio serve

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Faults, property tests, schemathesis and canary secrets on their own (docs/reliability.md).
reliability: $(VENV)/.installed
	$(BIN)/pytest tests/reliability

bench: $(VENV)/.installed
	$(BIN)/vtex-linio bench
	$(BIN)/python -m bench.log_page

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
