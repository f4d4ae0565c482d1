# frontdesk: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed

.PHONY: demo test install install-test chromium dovecot lint typecheck test-sqlite test-postgres bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test,redis]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	FRONTDESK_DEMO=1 $(BIN)/frontdesk migrate --no-input -v0
	FRONTDESK_DEMO=1 $(BIN)/frontdesk demo
	FRONTDESK_DEMO=1 $(BIN)/frontdesk serve

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's Dovecot for the IMAP polling tests (run by the tests themselves, never as a service).
dovecot:
	@test -x /usr/sbin/dovecot || { \
	  echo "Installing Debian dovecot-imapd for IMAP tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dovecot-imapd >/dev/null; }

lint: install
	$(BIN)/ruff check frontdesk bench e2e conftest.py
	$(BIN)/mypy frontdesk

test-sqlite: install
	$(BIN)/pytest -n 2 -q

test-postgres: install
	FRONTDESK_DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q -m "not browser"

test: install chromium dovecot lint test-sqlite test-postgres

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data
