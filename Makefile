# The two set-up commands are `make run` and `make test`; both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck pytest bench clean browser postgres

# The tests start their own PostgreSQL server (tests/postgres.py) from Debian's binaries:
# installed here when missing (as root, as CI runs; otherwise the command to run is printed).
PG_BINARIES := $(wildcard /usr/lib/postgresql/*/bin/initdb)
postgres:
ifeq ($(PG_BINARIES),)
	@if [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL server binaries missing: sudo apt-get install postgresql"; exit 1; \
	fi
endif

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/posyandu run

# The dasbor's browser tests (tests/e2e/test_dasbor_browser.py) drive Debian's chromium through
# chromium-driver: installed here when missing (as root, from the package registry alone); when
# it cannot be, those tests fail and say why.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium chromium-driver; } || echo "chromium could not be installed: the browser tests will fail"

test: $(STAMP) postgres browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

# The unit layer alone (tests/fast_layer.py): nothing marked slow, so no subprocess, no server
# (uvicorn, the fake channel servers, PostgreSQL: storage tests run on SQLite
# only) and no browser; a unit test that starts one fails. Both layers run on two processes.
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -m "not slow"

bench: $(STAMP) postgres
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .mypy_cache .pytest_cache .ruff_cache
