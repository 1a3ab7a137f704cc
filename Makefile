# Two commands for a new user: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: install demo lint test test-slow test-all bench eval clean help

help:
	@echo "make demo       offline mirror -> crawl -> extract -> knowledge base -> Datasette at http://127.0.0.1:8001"
	@echo "make test       ruff, then the test suite (fast tests)"
	@echo "make test-slow  the slower suites: Redis, Scrapyd, kill/resume, browser"
	@echo "make bench      side-by-side benchmarks (bench/README.md)"
	@echo "make eval       score the extractor on ../shared/corpus when that folder exists"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/thidua demo

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) lint
	$(BIN)/pytest -q -m "not slow"

test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

test-all: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

eval: $(STAMP)
	../shared/eval/dev-score $(BIN)/thidua

clean:
	rm -rf data/thidua.db* .pytest_cache test-artifacts
