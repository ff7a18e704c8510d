# Two entry points for a new user on Debian with Python 3.11:
#   make run   - install everything, build the warehouse if missing or stale, open the dashboard
#   make test  - install everything and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501

.PHONY: run test setup system build bench lock clean

run: setup
	$(PY) -m etl build --if-stale
	$(PY) -m streamlit run serve.py --server.port $(PORT)

test: setup
	$(PY) -m pytest -q

setup: system $(VENV)/.installed

# Debian packages: Chromium (end-to-end tests, PNG/SVG export) and CJK fonts.
system:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk fontconfig >/dev/null; \
	fi

# Exact versions from requirements.lock (what the suite was run with); a half-made venv is rebuilt.
$(VENV)/.installed: requirements.lock
	@[ -x $(PY) ] && $(PY) -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $@

# Re-resolve requirements.txt in a fresh venv and write its exact versions to requirements.lock.
# Then run `make test`; commit both files when it passes.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --upgrade pip
	.lock-venv/bin/python -m pip install -q -r requirements.txt
	{ echo "# Exact versions resolved from requirements.txt by \`make lock\` (Python $$(.lock-venv/bin/python -c 'import platform; print(platform.python_version())'))."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable; } > requirements.lock
	rm -rf .lock-venv

build: setup
	$(PY) -m etl build

bench: setup
	$(PY) benchmarks/etl_throughput.py

clean:
	rm -rf $(VENV) .lock-venv warehouse.duckdb .pytest_cache
