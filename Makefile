# The two commands of the README: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
DEMO_PASSWORD ?= linli-demo-2026
DEMO_ARGS ?= --streets 1 --communities 2 --residents 3000 --seed 1
PORT ?= 8000

.PHONY: demo install install-test system-deps lint test test-unit test-e2e messages bench clean

$(BIN)/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/pip
	$(BIN)/pip install -q -e .

install-test: $(BIN)/pip
	$(BIN)/pip install -q -e '.[test]'

# Installs, migrates, seeds a demo street (replacing earlier demo data) and serves on :$(PORT).
demo: install
	$(BIN)/linli manage migrate --noinput -v0
	$(BIN)/linli seed $(DEMO_ARGS) --password $(DEMO_PASSWORD) --reset
	$(BIN)/linli serve --port $(PORT)

# Debian's chromium, a CJK font and gettext, when missing.
system-deps:
	bash scripts/system-deps.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy linli tests
	$(BIN)/linli manage makemigrations --check --dry-run -v1

# The whole suite: quality gates, then every test, browser tests included, on $(TEST_WORKERS)
# cores (pytest-xdist; a module's tests on one worker, the browser tests all on one:
# tests/conftest.py). TEST_WORKERS=0 runs them in this one process. tests/conftest.py fails the
# run if fewer tests report than were collected.
TEST_WORKERS ?= 2
test: install-test system-deps lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

messages: install-test
	cd linli && ../$(BIN)/django-admin makemessages -l zh_Hans -l en --no-location --no-obsolete --settings=linli.settings
	cd linli && ../$(BIN)/django-admin compilemessages --settings=linli.settings

bench: install-test
	$(BIN)/python bench/seed.py

clean:
	rm -rf $(VENV) var test-artifacts
