# 江城助手 — `make run` starts the assistant, `make test` runs every test. Both set up first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export RASA_TELEMETRY_ENABLED ?= false
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONPATH := $(CURDIR)

# Python 3.10: python3.10 on PATH if it really runs, else pyenv's, else stop with a clear message.
PYTHON310 := $(shell for p in python3.10 /root/.pyenv/versions/3.10.13/bin/python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)

.PHONY: help setup run run-prod test test-fast lint eval bench records artefacts model validate chromium nginx clean

help:
	@echo "make run    set up, build the records database, train if needed, start the assistant"
	@echo "make test   set up, then run every test (pytest, rasa data validate, rasa test)"
	@echo "make test-fast  the tests that need no server, database server, browser or model (under 2 minutes)"
	@echo "make lint   ruff (lint and format) and mypy, as CI runs them"
	@echo "make eval   set up, then print NLU, test-story and blind end-to-end figures (reports/)"
	@echo "make bench  set up, then drive simulated residents at 1, 10 and 50 at once (reports/bench/)"
	@echo "make run-prod  production layout: PostgreSQL, Redis lock store, two Rasa and two action servers behind nginx"

$(VENV)/.installed: requirements.lock pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 not found: install python3.10 on PATH or at /root/.pyenv/versions/3.10.13/bin/python (Rasa 3.6 needs 3.10)." >&2; exit 1; fi
	@printf '%s' "· installing the pinned packages into $(VENV) with $(PYTHON310) (about 3 minutes the first time) …"
	@mkdir -p var/logs
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	@$(PY) -m pip install --disable-pip-version-check -q -r requirements.lock > var/logs/pip.log 2>&1 \
		|| { echo " failed; the last lines of var/logs/pip.log:"; tail -30 var/logs/pip.log; exit 1; }
	@echo " done"
	@touch $@

setup: $(VENV)/.installed records artefacts model

# each step prints one line; its output goes to var/logs/<step>.log, whose tail is shown if it fails
STEP := $(PY) -m bot.steps

records: $(VENV)/.installed
	@$(STEP) "building the records database" records -- $(PY) -m bot.records build

artefacts: $(VENV)/.installed
	@$(STEP) "generating the NLU artefacts from the records" artefacts -- $(PY) -m bot.nlp generate

model: artefacts
	@$(STEP) "training the model when its inputs changed (about 2 minutes)" training -- $(PY) -m bot.training

validate: artefacts
	@$(RASA) data validate --config config.yml --domain domain --data data/nlu data/rules data/stories build/nlu --fail-on-warnings

run: setup
	@$(PY) -m bot.launcher run

# Production layout on this machine: records and conversations in PostgreSQL (schema by Alembic
# migrations), the atomic Redis lock store, two Rasa servers behind nginx (Debian's package) on 8080
# and two action servers behind nginx on 8081. Every value can be overridden from the environment.
PROD_ENV = DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/jiangcheng} \
	RASA_ENDPOINTS=endpoints.prod.yml RASA_PORTS=$${RASA_PORTS:-5005,5006} NGINX_PORT=$${NGINX_PORT:-8080} \
	ACTION_PORTS=$${ACTION_PORTS:-5055,5056} NGINX_ACTION_PORT=$${NGINX_ACTION_PORT:-8081} \
	ACTION_ENDPOINT_URL=$${ACTION_ENDPOINT_URL:-http://127.0.0.1:8081/webhook} \
	WEB_ALLOWED_ORIGINS=$${WEB_ALLOWED_ORIGINS:-http://127.0.0.1:8080,http://localhost:8080}

nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "Installing Debian's nginx..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx > var/apt-nginx.log 2>&1 \
		|| { tail -20 var/apt-nginx.log; exit 1; }; }

run-prod: $(VENV)/.installed artefacts model nginx
	@export $(PROD_ENV); $(PY) -m bot.records build && $(PY) -m bot.launcher run

# Browser tests use Debian's Chromium (never a browser downloaded by a test tool) and CJK fonts
# so that screenshots show Chinese text.
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || [ "$$(fc-list 2>/dev/null | grep -ci "noto.*cjk")" = 0 ]; then \
		echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk > var/apt.log 2>&1 \
		|| { tail -20 var/apt.log; exit 1; }; fi

test: setup chromium nginx
	@$(PY) -m pytest
	@$(MAKE) --no-print-directory validate
	@$(PY) -m bot.launcher exec -- $(RASA) test core --model models/jiangcheng.tar.gz --stories tests/stories \
		--out reports/core --fail-on-prediction-errors
	@echo "make test: all checks passed"

# No server, no PostgreSQL, no browser, no trained model: what a contributor runs before every commit.
test-fast: $(VENV)/.installed
	@$(PY) -m pytest -q -n auto --dist loadfile -m "not servers and not postgres" -p no:cacheprovider

LINTED := bot actions scripts tests
lint: $(VENV)/.installed
	@$(VENV)/bin/ruff check $(LINTED)
	@$(VENV)/bin/ruff format --check $(LINTED)
	@$(VENV)/bin/mypy
	@echo "make lint: ruff and mypy passed"

eval: setup
	@$(PY) scripts/evaluate.py
	@$(PY) scripts/evaluate_e2e.py

bench: setup
	@$(PY) scripts/benchmark.py

clean:
	rm -rf build models var reports
