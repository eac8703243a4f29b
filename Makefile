# Kiosque: `make run` sets everything up and serves; `make test` runs the whole suite.
PY ?= python3
# `make run PORT=8080`: the server, the demo Site and absolute media URLs all follow it.
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format check messages browser bench bench-admin bench-matrix \
	bench-before-after bench-execution bench-archive bench-redirect-plans bench-renders bench-sync \
	bench-peak bench-tail fuzz loadtest faults bench-suite clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content
	$(BIN)/python manage.py ensure_roles --demo-accounts
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Both admin catalogues after a label changed (needs Debian's gettext): the newsroom apps write
# French, translated in locale/en; the newsletter writes English, translated in locale/fr.
messages: install
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemessages -l en -l fr \
		--add-location file -i .venv -i "*/migrations/*" -i tests -i bench -i var -i ops \
		-i static -i media
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py compilemessages -l en -l fr \
		--ignore .venv

# Random order (pytest-randomly prints its seed; replay with PYTEST_ARGS=--randomly-seed=N).
# The browser test fails, never skips, when Chromium is missing: `make browser`.
test: lint check
	$(BIN)/pytest $(PYTEST_ARGS)

# Debian's Chromium for tests/test_editor_flow_browser.py (apt-get; Playwright downloads nothing).
browser:
	.ci/setup-browser

bench: install
	$(BIN)/python bench/run.py

# The article form with 5,000 topics next to a minimal Wagtail page (docs/benchmarks-admin.md).
bench-admin: install
	$(BIN)/python bench/admin_form.py

# Database effect vs cache-backend effect: SQLite/PostgreSQL x local memory/Redis, one run each,
# written into docs/benchmarks.md. Needs wrk, PostgreSQL and Redis (docs/benchmarks.md).
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/kiosque_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/4
bench-matrix: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
	$(BIN)/python bench/run.py --matrix --database-url $(BENCH_PG_URL) \
		--redis-url $(BENCH_REDIS_URL) --duration 5 --write-section docs/benchmarks.md

# Cached listing against a static file of the same bytes, local memory and Redis, written into
# docs/benchmarks.md (issue 15, item 4). Needs wrk and Redis.
TAIL_REDIS_URL ?= redis://127.0.0.1:6379/4
bench-tail: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
	$(BIN)/python bench/run.py --tail --redis-url $(TAIL_REDIS_URL) --duration 4 --rounds 6 \
		--write-section docs/benchmarks.md

# Needs PostgreSQL; builds its databases once (docs/benchmarks-archive.md).
# This tree against BEFORE (default main), in-process, alternating, one SQLite database.
BEFORE ?= main
bench-before-after: install
	$(BIN)/python bench/before_after.py --before $(BEFORE) --write docs/benchmarks-layers.md

# The executor's per-field path and the settled heap, this tree against BEFORE: listing, full
# article and a change-feed page of 100 full articles (docs/benchmarks-execution.md).
bench-execution: install
	$(BIN)/python bench/before_after.py --before $(BEFORE) --settled --rounds 3 --iterations 15 \
		--cases kiosque_listing,kiosque_article,kiosque_sync_page --write docs/benchmarks-execution.md

# Stored renders: rebuild_renders at 100,000 articles and the publishing cost, on PostgreSQL
# (BENCH_RENDERS_PG, its own database); writes docs/benchmarks-renders.md.
BENCH_RENDERS_PG ?= postgres://postgres@127.0.0.1:5432/kiosque_bench_renders
bench-renders: install
	$(BIN)/python bench/renders_bench.py --database-url $(BENCH_RENDERS_PG)

bench-archive: install
	$(BIN)/python bench/archive.py

# Executed plans of the admin redirect search on bench-archive's PostgreSQL archives (built
# first); writes docs/benchmarks-redirect-plans.md.
bench-redirect-plans: install
	$(BIN)/python bench/redirect_plans.py

# Needs DATABASE_URL=postgres://... (its own database); writes docs/benchmarks-sync.md.
bench-sync: install
	$(BIN)/python bench/sync_bench.py

# The property tests at full size (the suite runs a smaller budget: tests/fuzz_budget.py).
FUZZ_TESTS := tests/test_fuzz_graphql.py tests/test_fragment_limits.py \
	tests/test_newsletter_fuzz.py tests/test_newsletter_canonical_addresses.py \
	tests/test_security_limits.py tests/test_cache_invalidation_property.py \
	tests/test_renders_property.py
fuzz: install
	KIOSQUE_FUZZ=full $(BIN)/pytest $(FUZZ_TESTS) -q -p no:randomly

# Breaking news at peak traffic: tag invalidation vs the global generation, same run; writes
# docs/benchmarks-peak.md (about 5 minutes: 60 s per phase, as the issue asks). Loopback only;
# needs PostgreSQL, Redis and wrk. PEAK_ARGS=--duration 15 for a shorter, noisier run.
bench-peak: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
	$(BIN)/python bench/peak.py $(PEAK_ARGS)

# Loopback only, bounded in time; needs PostgreSQL, Redis and wrk (docs/reliability.md).
loadtest: install
	$(BIN)/python bench/loadtest.py

faults: install
	$(BIN)/python bench/faults.py

# Where the suite's time goes on each CI leg, this tree against SUITE_BEFORE (default main),
# written into docs/benchmarks-suite.md. Needs PostgreSQL and Redis; runs the suite four times.
SUITE_BEFORE ?= main
SUITE_PG_URL ?= postgres://postgres@127.0.0.1:5432/kiosque_bench_suite
SUITE_REDIS_URL ?= redis://127.0.0.1:6379/4
bench-suite: install
	$(BIN)/python bench/suite_time.py run --label before --leg sqlite --ref $(SUITE_BEFORE)
	$(BIN)/python bench/suite_time.py run --label after --leg sqlite
	$(BIN)/python bench/suite_time.py run --label before --leg pg --ref $(SUITE_BEFORE) \
		--database-url $(SUITE_PG_URL) --redis-url $(SUITE_REDIS_URL)
	$(BIN)/python bench/suite_time.py run --label after --leg pg \
		--database-url $(SUITE_PG_URL) --redis-url $(SUITE_REDIS_URL)
	$(BIN)/python bench/suite_time.py report --write docs/benchmarks-suite.md

clean:
	rm -rf $(VENV) db.sqlite3 media static var
