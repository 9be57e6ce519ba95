# 12351 worker service assistant — every task starts here. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED := false

# Rasa 3.6 needs Python 3.10: python3.10 on PATH, else the newest 3.10 under pyenv. Each
# candidate must really run (a pyenv shim on PATH may exist without a 3.10 selected).
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
PYTHON310 := $(shell for p in $$(command -v python3.10) $$(ls -d $(PYENV_ROOT)/versions/3.10.*/bin/python3.10 2>/dev/null | sort -rV); do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: help install run train chat call admin menu test bench bench-faults lint lock clean migrate

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 is required (Rasa 3.6): put python3.10 on PATH or install it with pyenv." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<24.1" setuptools==70.3.0 wheel==0.45.1
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

install: $(STAMP) ## create .venv and install the locked dependencies

train: $(STAMP) ## train a model into models/ (skipped when data and config are unchanged)
	$(PY) -m bot.training

run: train ## start Redis, action server, Rasa and console; restart any that dies (Ctrl-C stops all)
	$(PY) -m bot.launcher

chat: $(STAMP) ## talk to the running bot in the terminal over the WeChat protocol
	$(PY) -m channels.wechat_sim.terminal_chat

call: $(STAMP) ## phone the running bot in the terminal over the hotline protocol (--speak: espeak-ng)
	$(PY) -m channels.hotline_sim.terminal_phone $(ARGS)

admin: $(STAMP) ## create a console admin: make admin NAME=<username> (asks for the password)
	$(PY) -m bot.console.create_admin $(NAME)

menu: $(STAMP) ## push the official account's menu (channels/wechat/menu.json)
	$(PY) -m channels.wechat.menu

test: train ## run the whole suite (unit, NLU accuracy gate, conversations, integration)
	$(PY) -m pytest

bench: train ## NLU, WeChat load, turn cost vs history length (vs Rasa's Redis store), turn profile (py-spy), hotline calls
	$(PY) -m benchmarks.bench_nlu
	$(PY) -m benchmarks.bench_crisis
	$(PY) -m benchmarks.bench_answers
	$(PY) -m benchmarks.bench_wechat
	$(PY) -m benchmarks.bench_history
	$(PY) -m benchmarks.profile_turn
	$(PY) -m benchmarks.bench_insight
	$(PY) -m benchmarks.bench_hotline
	$(PY) -m benchmarks.bench_retrain

migrate: $(STAMP) ## move trackers of Rasa's RedisTrackerStore into the event log (idempotent)
	$(PY) -m bot.trackers.migrate

bench-faults: train ## kill -9 each process in turn under 200 WeChat conversations; recovery, silent turns, appeals
	$(PY) -m benchmarks.bench_faults

lint: $(STAMP) ## validate the training data and domain
	$(RASA) data validate -c config.yml -d bot/domain --data nlu_data

lock: $(STAMP) ## re-pin requirements.lock from the current venv
	$(PY) -m pip freeze | grep -v '^-e' > requirements.lock

clean: ## remove models, caches and test output (keeps .venv and var/)
	rm -rf models .pytest_cache .rasa
