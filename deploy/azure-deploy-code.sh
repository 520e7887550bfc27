#!/usr/bin/env bash
# Packages this repository and deploys it to the Function App of one azd environment.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/common.sh
source deploy/common.sh

usage() {
  cat <<'USAGE'
Usage: deploy/azure-deploy-code.sh [--env NAME]

Runs `azd deploy api`: builds the package from the repository root (requirements.txt, .funcignore)
and publishes it to the Flex Consumption app created by deploy/azure-setup.sh. Redeploying the same
code is harmless. Then prints the endpoints and how to read the function key.

Options:
  -e, --env NAME   azd environment [AZURE_ENV_NAME, default prod]
  -h, --help       show this help
USAGE
}

AZD_ENV="${AZURE_ENV_NAME:-prod}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -e | --env) AZD_ENV="${2:?--env needs a value}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

require az azd
require_login
use_env "$AZD_ENV"
APP="$(require_value AZURE_FUNCTION_APP_NAME)"
URL="$(require_value AZURE_FUNCTION_APP_URL)"

info "deploying to $APP"
azd deploy api --no-prompt --environment "$AZD_ENV"

cat >&2 <<DONE
==> deployed
    API:       $URL/api/UploadImages, CreateAndTrainModel, GenerateImage, chats/{userId}/status
    OpenAPI:   $URL/api/openapi.json
    Health:    $URL/api/health
    Webhook:   $(env_value REPLICATE_WEBHOOK_URL)
    Function key for N8N (keep it in an N8N credential, never in a workflow file):
      az functionapp keys list --name $APP --resource-group $(env_value AZURE_RESOURCE_GROUP) --query functionKeys.default --output tsv
DONE
