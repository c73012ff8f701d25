# Two commands on a fresh machine: `make run` and `make test` (see README).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate demo lint format bench screenshots lock messages clean

$(PY):
	@python=$$(scripts/find-python) && echo "Using $$python" && "$$python" -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock | $(PY)
	$(VENV)/bin/pip install --quiet -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock requirements.lock | $(PY)
	$(VENV)/bin/pip install --quiet -r requirements-dev.lock
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	DEBUG=1 $(MANAGE) migrate --noinput

demo: migrate
	DEBUG=1 $(MANAGE) seed_demo --if-empty
	DEBUG=1 $(MANAGE) demo_accounts

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/"
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

# Browser tests use Debian's Chromium, never a downloaded browser.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
		else echo "Chromium (/usr/bin/chromium) is missing: apt-get install chromium" >&2; fi; \
	fi

test: install-dev chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install-dev
	$(MANAGE) makemessages -l de -l en --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv

bench: install-dev
	bash scripts/bench.sh

screenshots: install-dev chromium
	$(PY) scripts/screenshots.py

lock:
	rm -rf /tmp/jobsite-lock && $$(scripts/find-python) -m venv /tmp/jobsite-lock
	/tmp/jobsite-lock/bin/pip install --quiet -e . --group dev 2>/dev/null || /tmp/jobsite-lock/bin/pip install --quiet .
	@echo "Review /tmp/jobsite-lock/bin/pip freeze and update requirements*.lock"

clean:
	rm -rf $(VENV) var/
