# Kiosque: `make run` sets everything up and serves; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format check bench bench-sync fuzz loadtest faults clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

test: lint check
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py

# Needs DATABASE_URL=postgres://... (its own database); writes docs/benchmarks-sync.md.
bench-sync: install
	$(BIN)/python bench/sync_bench.py

fuzz: install
	KIOSQUE_FUZZ_EXAMPLES=5000 $(BIN)/pytest tests/test_fuzz_graphql.py -q

# Loopback only, bounded in time; needs PostgreSQL, Redis and wrk (docs/reliability.md).
loadtest: install
	$(BIN)/python bench/loadtest.py

faults: install
	$(BIN)/python bench/faults.py

clean:
	rm -rf $(VENV) db.sqlite3 media static var
