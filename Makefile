# The two commands: `make run` and `make test`. Everything else they need, they set up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
# The pages' front-end files, from the npm registry as web/package-lock.json pins them.
NHSUK := web/node_modules/nhsuk-frontend/dist/nhsuk
VENDOR := app/web/static/vendor
VENDORED := $(VENDOR)/.built-$(shell cksum < web/package-lock.json | cut -d' ' -f1)

.PHONY: run test lint pytest pytest-postgres openapi bench clean vendor

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

# NHS.UK frontend's stylesheet names its fonts on the NHS's servers and its images at /assets:
# the pages use this site's files alone (the Frutiger fonts are not in the package, so text
# falls back to Arial, as the stylesheet's font stack says).
$(VENDORED): web/package-lock.json web/package.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/nhsuk-frontend $(VENDOR)/chart.js $(VENDOR)/dagre
	sed -E -e 's#@font-face\{[^}]*\}##g' -e 's#url\(/assets/#url(assets/#g' \
		-e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
		$(NHSUK)/nhsuk-frontend.min.css > $(VENDOR)/nhsuk-frontend/nhsuk-frontend.min.css
	cp $(NHSUK)/nhsuk-frontend.min.js $(NHSUK)/nhsuk-frontend.min.js.map $(VENDOR)/nhsuk-frontend/
	cp -R $(NHSUK)/assets $(VENDOR)/nhsuk-frontend/assets
	cp web/node_modules/chart.js/dist/chart.umd.min.js \
		web/node_modules/chart.js/dist/chart.umd.min.js.map $(VENDOR)/chart.js/
	cp web/node_modules/@dagrejs/dagre/dist/dagre.min.js \
		web/node_modules/@dagrejs/dagre/dist/dagre.min.js.map $(VENDOR)/dagre/
	touch $@

vendor: $(VENDORED)

# The worker runs beside the server; stopping make (Ctrl-C, or SIGTERM with no terminal) stops
# both. Both run in the background so the shell's `wait` returns at once on a signal.
run: $(INSTALLED) $(VENDORED)
	$(BIN)/bpv migrate
	$(BIN)/bpv demo
	@trap 'kill $$server $$worker 2>/dev/null' INT TERM HUP; \
	$(BIN)/bpv worker & worker=$$!; \
	$(BIN)/bpv serve & server=$$!; \
	wait $$server; status=$$?; \
	kill $$server $$worker 2>/dev/null; wait; exit $$status

test: $(INSTALLED) $(VENDORED) lint pytest pytest-postgres

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Two processes; then the browser tests in one (one Chromium, a demo server per module); then
# the tests that assert wall-clock bounds on their own.
PYTEST := $(BIN)/pytest -q -p no:cacheprovider

pytest: $(INSTALLED) $(VENDORED)
	$(PYTEST) -n 2 -m "not timing and not browser"
	$(PYTEST) -m "browser and not timing"
	$(PYTEST) -m "timing"

# The database tests again on PostgreSQL, each run in a database of its own. When
# BPV_REQUIRE_POSTGRES is set (CI), a server that does not answer fails the run.
pytest-postgres: $(INSTALLED)
	@if $(BIN)/python -m tests.databases; then \
		BPV_TEST_DATABASE=postgresql $(PYTEST) -n 2 -m "db and not once and not browser and not timing" && \
		BPV_TEST_DATABASE=postgresql $(PYTEST) -m "db and not once and not browser and timing"; \
	elif [ -n "$$BPV_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL did not answer at 127.0.0.1:5432 and BPV_REQUIRE_POSTGRES is set"; exit 1; \
	else \
		echo "PostgreSQL did not answer at 127.0.0.1:5432: database tests ran on SQLite only"; \
	fi

openapi: $(INSTALLED)
	$(BIN)/bpv openapi --output openapi/openapi.json

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_logic_model.py
	$(BIN)/python benchmarks/bench_appraisal.py
	$(BIN)/python benchmarks/bench_heaviest_requests.py
	$(BIN)/python benchmarks/bench_ranking.py
	$(BIN)/python benchmarks/bench_benefits_report.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_pages.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache $(VENDOR) web/node_modules
