# The two commands of the README: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)
# A dummy, long, non-default key: `check --deploy` must judge the production settings, not the key.
DEPLOY_CHECK_ENV := DJANGO_SETTINGS_MODULE=config.settings DJANGO_SECRET_KEY=deploy-check-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ PORTAL_PII_KEYS=k1:ZGVwbG95LWNoZWNrLW9ubHktMDEyMzQ1Njc4OWFiY2Q PORTAL_PII_HASH_KEY=ZGVwbG95LWNoZWNrLW9ubHktMDEyMzQ1Njc4OWFiY2Q

.PHONY: run test bench venv locale lint format stop-db

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || { PYTHON=$(PYTHON) scripts/ensure_venv.sh && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

locale: venv
	$(BIN)/python scripts/compile_messages.py

# The portal runs without the report's fonts, but its PDFs cannot be built: say so and go on.
run: venv locale
	scripts/ensure_fonts.sh || echo "warning: without fonts-noto-cjk the annual report's PDF cannot be generated" >&2
	$(BIN)/python scripts/run_portal.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: venv locale
	scripts/ensure_fonts.sh
	scripts/ensure_browser.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest

# The embedded PostgreSQL (no DATABASE_URL) outlives `make run` so the next start reuses it at once;
# SIGINT is PostgreSQL's fast shutdown (pg_ctl refuses to run as root).
stop-db:
	@if [ -f var/pgdata/postmaster.pid ]; then \
	  kill -INT "$$(head -1 var/pgdata/postmaster.pid)" && echo "embedded PostgreSQL stopping (fast shutdown)"; \
	else echo "the embedded PostgreSQL is not running"; fi

SCALE ?= 1
bench: venv locale
	$(BIN)/python bench/run.py --scale $(SCALE)
