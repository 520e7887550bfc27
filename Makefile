# Two commands matter on a fresh machine: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: deps run test lint format bench demo clean openapi faces

$(PY_STAMP): requirements.txt requirements-dev.txt tools/durable-host/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Headless Chromium drives the monitor page tests; Debian's package, installed once.
.local/chromium.ok:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
	@mkdir -p .local && touch $@

deps: $(PY_STAMP) $(NODE_STAMP)

run: deps
	$(BIN)/python -m devstack

# The whole flow against `make run` (it starts the stack itself when none is running).
demo: deps
	$(BIN)/python -m devstack.demo

# Real faces for the photo-check tests: the test photos inside face_recognition 1.3.0's source
# distribution on the package registry (fetched once, never committed).
FACES := .local/faces/face_recognition-1.3.0/tests/test_images
$(FACES)/obama.jpg:
	@mkdir -p .local/faces
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-binary :all: --no-deps \
		face_recognition==1.3.0 -d .local/faces
	tar -xzf .local/faces/face_recognition-1.3.0.tar.gz -C .local/faces face_recognition-1.3.0/tests/test_images
	@touch $@

faces: deps $(FACES)/obama.jpg

test: deps .local/chromium.ok $(FACES)/obama.jpg
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the committed OpenAPI document from the route table and the pydantic models.
openapi: deps
	$(BIN)/python -m calendary.openapi docs/openapi.json

bench: deps $(FACES)/obama.jpg
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .azurite .devhost .local .pytest_cache .ruff_cache
