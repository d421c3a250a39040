# Two commands: `make run` (set up everything and serve the demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1
TESTENV := DJANGO_SETTINGS_MODULE=config.test_settings
# The browser tests drive this Chromium (Debian's package); none is downloaded.
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test setup migrate demo lint browser db-stop clean backup restore outage replica

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.installed

migrate: setup
	$(DEV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV) $(BIN)/python manage.py seed_demo

# The web server and, beside it, the task-queue worker (person imports, periodic housekeeping).
# However the server ends (Ctrl-C included), the trap stops the worker with it.
run: demo
	@$(DEV) $(BIN)/python manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker; exit' INT TERM; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser tests are part of `make test`: without Chromium it stops here, saying so,
# rather than running the rest and skipping them. (.ci/run installs it first.)
browser:
	@test -x $(CHROMIUM) || { echo "The browser tests need Chromium at $(CHROMIUM)." \
		"Install it with 'apt-get install -y chromium' (as root), or set CHROMIUM=/path/to/it."; \
		exit 1; }

test: lint browser
	$(TESTENV) $(BIN)/python manage.py check
	$(TESTENV) $(BIN)/python manage.py makemigrations --check --dry-run
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest
	$(BIN)/python bench/outage.py

# Stop the embedded PostgreSQL (it keeps running between commands otherwise).
db-stop: setup
	$(BIN)/python -m core.db.embedded stop

clean: db-stop
	rm -rf var/pg

# Back up the database (the embedded one, or DATABASE_URL's) to var/backups/ledger-<UTC time>.dump.
backup: setup
	$(DEV) $(BIN)/python manage.py backup

# Replace the database's contents with a backup: make restore FILE=var/backups/ledger-….dump
# It asks first; YES=1 answers for scripts. Stop the app while it runs.
restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/ledger-….dump [YES=1]"; exit 1; }
	$(DEV) $(BIN)/python manage.py restore "$(FILE)" $(if $(YES),--yes)

# Stop a private PostgreSQL (var/pg-outage, never the shared var/pg) for 10 s under a write
# load: every answer must be 2xx or a 503, every 2xx stored whole, nothing half-written.
# About 45 s; `make test` runs it after pytest.
outage: setup
	$(BIN)/python bench/outage.py

# A real streaming replica: a private primary (var/pg-rp) and a hot standby cloned from it by
# pg_basebackup (var/pg-rs), the app reading the standby for the public. Shows the routing, the
# lag under a write load and the fallback to the primary when the standby stops. About two
# minutes, so not part of `make test`.
replica: setup
	$(BIN)/python bench/replica.py
