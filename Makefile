# The two commands: `make run` and `make test`. Both create .venv when needed.
# `make bench` runs every bench at full size and writes bench/RESULTS.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-requirements
INSTALLED_DEV := $(VENV)/.installed-requirements-dev
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs the suite in one process per core, up to 4 (pytest-xdist);
# `make test PARALLEL=` runs it in one.
PARALLEL ?= -n auto --maxprocesses=4
# The background worker `make run` starts beside the web server.
ifeq ($(TASKS_BACKEND),rq)
WORKER := rqworker --job-class django_tasks_rq.Job --with-scheduler
else
WORKER := db_worker
endif

.PHONY: run test bench install install-dev lint format migrate demo clean

run: install
	@DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	@DEBUG=$${DEBUG:-1} $(PY) manage.py create_demo_users
	@DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	@echo "Serving at http://$(HOST):$(PORT)/ with a background worker (Ctrl-C stops both)"
	@# The worker in its own process group (its autoreloader has a child),
	@# stopped with the group when runserver ends.
	@export DEBUG=$${DEBUG:-1}; \
	setsid $(PY) manage.py $(WORKER) & worker=$$!; \
	trap 'kill -TERM -$$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev lint
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium is missing, so the browser tests will be SKIPPED (apt-get install chromium)."
	$(VENV)/bin/pytest $(PARALLEL)

# Every bench in bench/ at full size (PostgreSQL on 127.0.0.1:5432, or
# BENCH_POSTGRES_URL); writes bench/RESULTS.md, which the README links.
bench: install-dev
	$(PY) bench/run_all.py

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Runtime pins (requirements.txt) for `make run`; tests and tooling
# (requirements-dev.txt) on top of them for `make test`.
install: $(INSTALLED)

install-dev: $(INSTALLED_DEV)

$(INSTALLED): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(INSTALLED_DEV): $(INSTALLED) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts .pytest_cache .ruff_cache
