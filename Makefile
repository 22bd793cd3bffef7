# The two commands a newcomer needs:  make run   (app with demo data)   and   make test   (every test).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install translations vendor run test lint extract-messages clean

install: $(VENV)/.installed translations vendor

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d casetrack/translations --statistics 2>&1 | tail -1

# Browser libraries (ECharts) are served from our own static files: the users' network reaches no CDN.
# Fetched again only when package.json or package-lock.json changes.
ECHARTS := casetrack/static/vendor/echarts/echarts.min.js

vendor: $(ECHARTS)

$(ECHARTS): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo 'make vendor: npm is not installed; install Node.js 20 with npm' \
		'(e.g. apt-get install nodejs npm), then run make again.' >&2; exit 1; }
	npm ci --no-audit --no-fund
	mkdir -p $(@D)
	cp node_modules/echarts/dist/echarts.min.js $@

run: install
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

test: install
	scripts/test.sh

lint: install
	$(BIN)/ruff check casetrack tests benchmarks

# After changing user-facing text: extract, merge into the catalogue, then translate the new entries.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k NP_:1c,2 -k lazy_gettext --no-location --sort-output \
		-o casetrack/translations/messages.pot .
	$(BIN)/pybabel update -i casetrack/translations/messages.pot -d casetrack/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules casetrack/static/vendor
