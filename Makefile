# The two commands of the README: `make run` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= demo-byra-2026

.PHONY: run test install services lint worker beat receive-mail messages bench lock audit clean

## One set of versions for every install: requirements/dev.txt (make run, make test) and
## requirements/main.txt (the Dockerfile), both with hashes, made by `make lock`.
$(VENV)/.installed: pyproject.toml requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

## The portal with demo data on its embedded defaults: SQLite, tasks in-process, local outbox.
run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo --password '$(DEMO_PASSWORD)'
	$(PY) manage.py runserver 127.0.0.1:8000

## Every test, against PostgreSQL and Redis, with Chromium for the browser tests; then the
## few of tests/sqlite/ on SQLite, the database of `make run`.
test: install
	scripts/ensure_test_services.sh
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	$(VENV)/bin/pytest -q --ds=config.settings.test_sqlite tests/sqlite

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## English catalogue from the Swedish msgids (needs GNU gettext); the .mo is committed too, so
## `make run` works without gettext. Swedish needs no catalogue: the msgids are Swedish, with
## the same plural rule (n != 1). The JavaScript has no text of its own, hence no djangojs.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

## Every benchmark on PostgreSQL and Redis, then one table: figure, target, reference, ratio.
## BENCH_DATABASE_URL and BENCH_BROKER_URL (its Redis database is flushed) say where.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/byraportalen_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/7
bench: install
	scripts/ensure_test_services.sh
	BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' BENCH_BROKER_URL='$(BENCH_BROKER_URL)' \
		$(PY) benchmarks/run_all.py

## After changing pyproject.toml's dependencies: resolve them again (newest allowed versions).
## UPGRADE=--upgrade-package=NAME (or --upgrade) moves locked ones on.
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet $(UPGRADE)
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet uv
	$(LOCK) --extra dev -o requirements/dev.txt
	$(LOCK) --constraint requirements/dev.txt -o requirements/main.txt

## Known vulnerabilities in the locked set (PyPI's advisory database; needs the internet).
audit: install
	$(VENV)/bin/uv tool run pip-audit --disable-pip --require-hashes -r requirements/main.txt
	$(VENV)/bin/uv tool run pip-audit --disable-pip --require-hashes -r requirements/dev.txt

## A Celery worker and scheduler for a run with a broker (CELERY_BROKER_URL set).
worker: install
	$(VENV)/bin/celery -A config worker --pool=prefork -c 2 -Q celery,email,sms -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

## The local receiver of underlag by e-mail: SMTP on 127.0.0.1:2525 (beside `make run`).
receive-mail: install
	$(PY) manage.py receive_mail --port 2525

clean:
	rm -rf var/outbox var/db.sqlite3
