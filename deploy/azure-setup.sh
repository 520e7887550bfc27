#!/usr/bin/env bash
# Provisions (or updates) everything in infra/ for one azd environment. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/common.sh
source deploy/common.sh

usage() {
  cat <<'USAGE'
Usage: deploy/azure-setup.sh [--env NAME] [--location REGION] [--subscription ID] [--replicate-owner OWNER]

Creates or selects the azd environment and runs `azd provision` (infra/main.bicep): resource group,
Flex Consumption Function App, storage (container data, tables Trainings/Generations, queue
telegram-notifications), Key Vault, Application Insights, managed identity and its roles.

Options (environment variable in brackets):
  -e, --env NAME            azd environment name [AZURE_ENV_NAME, default prod]
  -l, --location REGION     Azure region, e.g. westeurope [AZURE_LOCATION]
  -s, --subscription ID     subscription to use [AZURE_SUBSCRIPTION_ID, default: az's current one]
  -o, --replicate-owner O   Replicate account that owns the models [REPLICATE_OWNER]
  -h, --help                show this help
USAGE
}

AZD_ENV="${AZURE_ENV_NAME:-prod}"
LOCATION="${AZURE_LOCATION:-}"
SUBSCRIPTION="${AZURE_SUBSCRIPTION_ID:-}"
OWNER="${REPLICATE_OWNER:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -e | --env) AZD_ENV="${2:?--env needs a value}"; shift 2 ;;
    -l | --location) LOCATION="${2:?--location needs a value}"; shift 2 ;;
    -s | --subscription) SUBSCRIPTION="${2:?--subscription needs a value}"; shift 2 ;;
    -o | --replicate-owner) OWNER="${2:?--replicate-owner needs a value}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

require az azd
require_login
[[ -n "$SUBSCRIPTION" ]] || SUBSCRIPTION="$(az account show --query id --output tsv)"
use_env "$AZD_ENV"

# Values given now win; otherwise what the environment already holds stays.
[[ -n "$LOCATION" ]] || LOCATION="$(env_value AZURE_LOCATION)"
[[ -n "$OWNER" ]] || OWNER="$(env_value REPLICATE_OWNER)"
[[ -n "$LOCATION" ]] || die "no region: pass --location (e.g. westeurope) or set AZURE_LOCATION"
[[ -n "$OWNER" ]] || die "no Replicate owner: pass --replicate-owner or set REPLICATE_OWNER"

azd env set AZURE_SUBSCRIPTION_ID "$SUBSCRIPTION"
azd env set AZURE_LOCATION "$LOCATION"
azd env set REPLICATE_OWNER "$OWNER"
if [[ -z "$(env_value AZURE_PRINCIPAL_ID)" ]]; then
  # The signed-in user may write Key Vault secrets (set-secrets.sh); a pipeline sets its own id.
  principal="$(az ad signed-in-user show --query id --output tsv 2>/dev/null || true)"
  [[ -z "$principal" ]] || azd env set AZURE_PRINCIPAL_ID "$principal"
fi

info "provisioning azd environment '$AZD_ENV' in $LOCATION"
azd provision --no-prompt --environment "$AZD_ENV"

info "done: function app $(env_value AZURE_FUNCTION_APP_NAME), key vault $(env_value AZURE_KEY_VAULT_NAME)"
info "next: deploy/set-secrets.sh --env $AZD_ENV, then deploy/azure-deploy-code.sh --env $AZD_ENV"
