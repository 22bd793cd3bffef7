# The two commands a newcomer needs:  make run   (app with demo data)   and   make test   (every test).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install translations run test lint extract-messages clean

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d casetrack/translations --statistics 2>&1 | tail -1

run: install
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

test: install
	scripts/test.sh

lint: install
	$(BIN)/ruff check casetrack tests benchmarks

# After changing user-facing text: extract, merge into the catalogue, then translate the new entries.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext --no-location --sort-output \
		-o casetrack/translations/messages.pot .
	$(BIN)/pybabel update -i casetrack/translations/messages.pot -d casetrack/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache
