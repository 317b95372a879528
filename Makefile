# The two commands of the quickstart are `make run` and `make test`; the rest are their steps.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
# Embedded defaults for `make run`: SQLite, tasks in-process, email to the console.
RUN_ENV := DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=config.settings.test

.PHONY: help install assets messages keys migrate load run test test-e2e lint format check up bench scale clean

help:
	@echo "make run    install, migrate, load the Mamat campaign and serve http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole test suite against PostgreSQL and Redis on localhost"
	@echo "make lint   ruff, djLint and mypy;  make format  rewrite the code in house style"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Bytecode compiled once here, so that every process (gunicorn, Celery, manage.py, a test's child)
# starts without compiling Django where PYTHONDONTWRITEBYTECODE keeps Python from caching it.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/static/css/site.css build/static/css/site.rtl.css: node_modules/.installed $(wildcard assets/scss/*.scss assets/scss/*/*.scss)
	@mkdir -p build/static/css
	npm run --silent build:css

install: $(VENV)/.synced node_modules/.installed

assets: build/static/css/site.css

messages: $(VENV)/.synced
	$(RUN_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --verbosity=0

# Development keys (DEBUG only): private/development-keys.json, made once and kept. With DEBUG
# off (`make up` as production runs) the keys come from the environment: nothing is written.
keys: $(VENV)/.synced
	$(RUN_ENV) $(MANAGE) development_keys --unless-production

migrate: keys
	$(RUN_ENV) $(MANAGE) migrate --no-input

load: migrate
	$(RUN_ENV) $(MANAGE) load_campaign

# With no Celery beat here, `schedule_run` runs the periodic tasks beside the server (sweeps,
# sealing, retention, expired exports); stopping `make run` stops both.
run: install assets messages load
	@echo "Serving the campaign on http://127.0.0.1:$(PORT) (admin: make createsuperuser first)"
	$(RUN_ENV) $(MANAGE) schedule_run & schedule=$$!; \
	trap 'kill $$schedule 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

createsuperuser: $(VENV)/.synced
	$(RUN_ENV) $(MANAGE) createsuperuser

test: install assets messages
	$(TEST_SETTINGS) $(VENV)/bin/pytest $(PYTEST_ARGS)

check: $(VENV)/.synced assets
	$(TEST_SETTINGS) $(MANAGE) check --fail-level WARNING
	$(TEST_SETTINGS) $(MANAGE) makemigrations --check --dry-run

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(TEST_SETTINGS) $(VENV)/bin/mypy

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

makemessages: $(VENV)/.synced
	$(RUN_ENV) $(MANAGE) makemessages --locale=fr --locale=en --locale=ug --ignore=.venv --ignore=node_modules --ignore=build --no-obsolete

clean:
	rm -rf .tools $(VENV) node_modules build staticfiles

# `make up`: the site as production runs it, on one machine: gunicorn, a Celery worker and
# Celery beat (the Procfile, through honcho) against PostgreSQL and Redis on localhost.
UP_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mamat
UP_ENV := $(RUN_ENV) DATABASE_URL=$${DATABASE_URL:-$(UP_DATABASE_URL)} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}

up: install assets messages keys
	@pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not running on 127.0.0.1:5432 (see README, 'Tests')"; exit 3; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Redis is not running on 127.0.0.1:6379 (see README, 'Tests')"; exit 3; }
	@$(UP_ENV) bash -c 'psql "$$DATABASE_URL" -c "select 1" >/dev/null 2>&1 || createdb "$${DATABASE_URL##*/}" --maintenance-db="$${DATABASE_URL%/*}/postgres"'
	$(UP_ENV) $(MANAGE) migrate --no-input
	$(UP_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	$(UP_ENV) $(MANAGE) load_campaign
	@echo "Serving the campaign on http://127.0.0.1:$(PORT) with a Celery worker and beat (Ctrl-C stops all three)"
	$(UP_ENV) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --procfile Procfile --port $(PORT)

# Issue 6's load test: the site as production runs it, on its own database and Redis DBs
# (PostgreSQL and Redis on localhost, as for `make test`). Installs Debian's wrk if missing.
# `BENCH_ARGS="--duration 30"` passes options to bench/run.py.
bench: install assets messages
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m bench.run $(BENCH_ARGS)

# Issue 18: the site on several nodes behind nginx, from the files of deploy/: a web node and a
# worker SIGKILLed mid-surge, two beats, staff editing the case page; checks that nothing was
# lost or done twice and writes bench/scale-results.json (docs/performance.md). Its own
# database (mamat_scale) and redis-server; installs Debian's nginx and wrk if missing.
# `SCALE_ARGS="--duration 60"` passes options to bench/scale.py.
scale: install assets messages
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null; if [ -f /run/nginx.pid ]; then nginx -s quit || true; fi; }
	$(PY) -m bench.scale $(SCALE_ARGS)
