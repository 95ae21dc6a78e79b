# Two commands on a fresh machine: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test score gate bench clean

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

# The gold gate: figures on seeds/ may not fall below gold/thresholds.json.
gate: setup
	rm -rf out/pred && $(PY) -m pipeline seeds/ --emit gold -o out/pred --workers 1
	$(PY) -m pipeline.score out/pred --gold gold/ --thresholds gold/thresholds.json

bench: setup
	$(PY) bench/bench_quantities.py

clean:
	rm -rf $(VENV) out .pytest_cache

.PHONY: report browser-setup test-browser

# The HTML review pages of the seeds, scored against gold/: open report/index.html.
report: setup
	$(PY) -m pipeline.review seeds/ -o report/ --gold gold/

# Headless Chromium for tests/test_browser.py (Debian packages; idempotent, quiet).
browser-setup:
	bash tests/browser_setup.sh

# The browser test alone; it also refreshes the README's screenshot, docs/review.png.
test-browser: setup browser-setup
	$(PY) -m pytest tests/test_browser.py

.PHONY: bench-pipeline bench-quick profile

bench-pipeline: setup
	$(PY) bench/bench_pipeline.py

bench-quick: setup
	$(PY) bench/bench_pipeline.py --mb 4 --rounds 1

profile: setup
	$(PY) bench/profile_pipeline.py --mb 5
