# Two commands matter on a fresh machine: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# n8n lives apart (2.4 GB): `make test` and `make n8n` install it, `make run` does not.
N8N_STAMP := tools/n8n/node_modules/.installed

.PHONY: deps run test lint format bench demo clean openapi n8n faces

$(PY_STAMP): requirements.txt requirements-dev.txt tools/durable-host/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(N8N_STAMP): tools/n8n/package.json tools/n8n/package-lock.json
	cd tools/n8n && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Wheels for the host package's install test: it installs into a fresh venv with --no-index, so
# the test reaches no registry and gets exactly the versions this project pins.
WHEELHOUSE := .local/wheelhouse
$(WHEELHOUSE)/.ok: $(PY_STAMP) tools/durable-host/pyproject.toml
	@mkdir -p $(WHEELHOUSE)
	$(BIN)/python -m pip freeze --exclude-editable --exclude devhost > $(WHEELHOUSE)/constraints.txt
	$(BIN)/python -m pip download --quiet --disable-pip-version-check -d $(WHEELHOUSE) \
		-c $(WHEELHOUSE)/constraints.txt ./tools/durable-host pytest "setuptools>=68"
	@touch $@

# Headless Chromium drives the monitor page tests; Debian's package, installed once.
.local/chromium.ok:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
	@mkdir -p .local && touch $@

deps: $(PY_STAMP) $(NODE_STAMP)

# `make run N8N=1` sends the notifications to `make n8n` (started in a second terminal).
run: deps
	$(BIN)/python -m tools.devstack $(if $(N8N),--with-n8n)

# n8n on 127.0.0.1:5678 with the workflows of docs/n8n/, beside `make run N8N=1`.
n8n: deps $(N8N_STAMP)
	$(BIN)/python -m tools.devstack.n8n_run

# The whole flow against `make run` (it starts the stack itself when none is running).
demo: deps
	$(BIN)/python -m tools.devstack.demo

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

test: deps .local/chromium.ok $(N8N_STAMP) $(WHEELHOUSE)/.ok $(FACES)/obama.jpg
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the committed OpenAPI document from the route table and the pydantic models.
openapi: deps
	$(BIN)/python -m api.openapi_spec docs/openapi.json

bench: deps $(FACES)/obama.jpg
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .azurite .devhost .local .pytest_cache .ruff_cache
