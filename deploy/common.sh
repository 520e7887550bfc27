#!/usr/bin/env bash
# Shared helpers for the deploy/ scripts. Sourced, never run.
# Every script works on one azd environment: --env NAME, else $AZURE_ENV_NAME, else "prod".

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

info() {
  printf '==> %s\n' "$*" >&2
}

require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed (see docs/deployment-guide.md)"
  done
}

# Fails early with a clear message instead of a stack of az errors.
require_login() {
  az account show --output none 2>/dev/null || die "not signed in: run 'az login' (and 'azd auth login')"
}

env_exists() {
  # Captured first: `azd ... | grep -q` under pipefail fails when grep closes the pipe early.
  local envs
  envs="$(azd env list --output json)"
  grep -q "\"Name\": *\"$1\"" <<<"$envs"
}

# Selects the azd environment, creating it when missing (idempotent).
use_env() {
  local name="$1"
  if env_exists "$name"; then
    azd env select "$name" >/dev/null
  else
    info "creating azd environment '$name'"
    azd env new "$name" --no-prompt >/dev/null
  fi
}

# Reads a value azd stored for the current environment (an output of infra/main.bicep or a setting).
env_value() {
  azd env get-value "$1" 2>/dev/null || true
}

require_value() {
  local value
  value="$(env_value "$1")"
  [[ -n "$value" ]] || die "$1 is not set in azd environment '$AZD_ENV': run deploy/azure-setup.sh first"
  printf '%s' "$value"
}
