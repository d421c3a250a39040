# Two commands: `make run` (set up everything and serve the demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1
TESTENV := DJANGO_SETTINGS_MODULE=config.test_settings

.PHONY: run test setup migrate demo lint db-stop clean

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
	$(DEV) $(BIN)/python manage.py createcachetable

demo: migrate
	$(DEV) $(BIN)/python manage.py seed_demo

run: demo
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(TESTENV) $(BIN)/python manage.py check
	$(TESTENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Stop the embedded PostgreSQL (it keeps running between commands otherwise).
db-stop: setup
	$(BIN)/python -m config.database stop

clean: db-stop
	rm -rf var/pg
