#!/usr/bin/env bash
# Deletes everything one azd environment created (resource group, purged Key Vault). Asks first.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/common.sh
source deploy/common.sh

usage() {
  cat <<'USAGE'
Usage: deploy/azure-teardown.sh [--env NAME] [--yes]

Runs `azd down --purge`: deletes the resource group with the Function App, storage (all photos,
archives, generated images, tables, queue and Durable history), Key Vault (purged, so its name can
be reused) and monitoring. Running it again when nothing is left is harmless.

Options:
  -e, --env NAME   azd environment [AZURE_ENV_NAME, default prod]
  -y, --yes        do not ask for confirmation
  -h, --help       show this help
USAGE
}

AZD_ENV="${AZURE_ENV_NAME:-prod}"
ASSUME_YES=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    -e | --env) AZD_ENV="${2:?--env needs a value}"; shift 2 ;;
    -y | --yes) ASSUME_YES=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

require az azd
require_login
if ! env_exists "$AZD_ENV"; then
  info "no azd environment '$AZD_ENV': nothing to delete"
  exit 0
fi
azd env select "$AZD_ENV" >/dev/null
GROUP="$(env_value AZURE_RESOURCE_GROUP)"
if [[ -z "$GROUP" ]]; then
  info "azd environment '$AZD_ENV' has nothing provisioned"
  exit 0
fi
if [[ "$ASSUME_YES" != true ]]; then
  read -rp "Delete resource group '$GROUP' and ALL its data? Type the environment name to confirm: " answer
  [[ "$answer" == "$AZD_ENV" ]] || die "not confirmed; nothing deleted"
fi
info "deleting azd environment '$AZD_ENV' (resource group $GROUP)"
azd down --force --purge --no-prompt --environment "$AZD_ENV"
