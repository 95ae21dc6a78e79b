# Two commands on a fresh machine: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test score bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spacy,bench]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(PY) -m pipeline seeds/

test: setup
	$(PY) -m pytest

score: setup
	rm -rf out/pred && $(PY) -m pipeline seeds/ --emit gold -o out/pred
	$(PY) -m pipeline.score out/pred --gold gold/

bench: setup
	$(PY) bench/bench_quantities.py

clean:
	rm -rf $(VENV) out .pytest_cache
