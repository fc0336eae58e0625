# Keywork: the verbs a newcomer needs. Everything installs into ./.venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_CLIENTS ?= 300
DEMO_SEED ?= 1
PG_URL ?= postgres://postgres@127.0.0.1:5432/keywork
export KEYWORK_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint typecheck test-sqlite test-postgres test-browser bench install \
	install-test browser-deps messages clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade "pip<26" >&2

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/constraints.txt
	@$(BIN)/pip install --quiet -c requirements/constraints.txt -e . >&2
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[test,bench]" >&2
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

## demo: install, migrate, load the demo service and serve it on http://127.0.0.1:$(PORT)
demo: $(VENV)/.installed var/secret_key
	@export SECRET_KEY="$$(cat var/secret_key)" SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
	  SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=127.0.0.1,localhost \
	  SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(BIN)/keywork migrate --verbosity 0 && \
	$(BIN)/keywork collectstatic --noinput --verbosity 0 && \
	$(BIN)/keywork seed_demo --clients $(DEMO_CLIENTS) --seed $(DEMO_SEED) --if-empty \
	  --evaluate && \
	$(BIN)/keywork evaluate_signals --no-progress && \
	$(BIN)/keywork check_safeguarding && \
	$(BIN)/keywork demo_logins && \
	echo "Keywork is at http://127.0.0.1:$(PORT)  (Ctrl-C stops it)" && \
	$(BIN)/keywork runserver 127.0.0.1:$(PORT) --noreload

## browser-deps: Debian's Chromium and axe-core from npm, when missing
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium >/dev/null; fi; fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then npm ci --silent --no-audit --no-fund; fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python scripts/check_messages.py

typecheck: $(VENV)/.installed-test
	KEYWORK_TESTING=1 $(BIN)/mypy

test-sqlite: $(VENV)/.installed-test
	KEYWORK_TESTING=1 DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 \
	  $(BIN)/pytest -m "not browser" -n 2 -q

test-postgres: $(VENV)/.installed-test
	KEYWORK_TESTING=1 KEYWORK_REQUIRE_POSTGRES=$${KEYWORK_REQUIRE_POSTGRES:-1} \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" -n 2 -q

test-browser: $(VENV)/.installed-test browser-deps
	KEYWORK_TESTING=1 KEYWORK_REQUIRE_BROWSER=$${KEYWORK_REQUIRE_BROWSER:-1} \
	  DATABASE_URL=sqlite:///$(CURDIR)/var/browser.sqlite3 \
	  DJANGO_ALLOW_ASYNC_UNSAFE=1 $(BIN)/pytest -m browser -n 2 -q

## test: lint, type check, the suite on SQLite and PostgreSQL, the browser tests
test: lint typecheck test-sqlite test-postgres test-browser

## bench: speed and memory figures as one JSON object
bench: $(VENV)/.installed-test
	@KEYWORK_TESTING=1 $(BIN)/python -m bench.run

messages: $(VENV)/.installed
	cd src/keywork && DEBUG=1 ../../$(BIN)/keywork makemessages -l sv --no-obsolete \
	  --add-location file && DEBUG=1 ../../$(BIN)/keywork compilemessages -l sv

clean:
	rm -rf $(VENV) var node_modules
