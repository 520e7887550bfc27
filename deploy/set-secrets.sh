#!/usr/bin/env bash
# Stores the service's secrets in Key Vault and points the app settings at them. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/common.sh
source deploy/common.sh

usage() {
  cat <<'USAGE'
Usage: deploy/set-secrets.sh [--env NAME] [--prompt] [--notification-webhook-url URL]

Reads secrets from environment variables (never from arguments, which other users can see):
  REPLICATE_API_KEY             required the first time; Replicate API token (r8_...)
  REPLICATE_WEBHOOK_SECRET      optional; whsec_... (else the app asks Replicate for it at start)
  TELEGRAM_BOT_TOKEN            optional; set it to let the service deliver notifications itself
  NOTIFICATION_WEBHOOK_SECRET   optional; shared secret header for the N8N notification webhook
Each one that is set is written to Key Vault as ReplicateApiKey, ReplicateWebhookSecret,
TelegramBotToken or NotificationWebhookSecret; then `azd provision` turns the optional ones'
app settings into Key Vault references.

Options:
  -e, --env NAME                    azd environment [AZURE_ENV_NAME, default prod]
  -p, --prompt                      ask for each secret that is not set (input hidden)
  -w, --notification-webhook-url U  N8N webhook for notifications [NOTIFICATION_WEBHOOK_URL]
  -h, --help                        show this help
USAGE
}

AZD_ENV="${AZURE_ENV_NAME:-prod}"
PROMPT=false
WEBHOOK_URL="${NOTIFICATION_WEBHOOK_URL:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -e | --env) AZD_ENV="${2:?--env needs a value}"; shift 2 ;;
    -p | --prompt) PROMPT=true; shift ;;
    -w | --notification-webhook-url) WEBHOOK_URL="${2:?needs a value}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

require az azd
require_login
use_env "$AZD_ENV"
VAULT="$(require_value AZURE_KEY_VAULT_NAME)"
reprovision=false

# store SECRET_NAME VALUE [AZD_FLAG]: the value goes through a pipe, never onto a command line.
store() {
  local name="$1" value="$2" flag="${3:-}"
  [[ -n "$value" ]] || return 0
  info "storing $name in $VAULT"
  printf '%s' "$value" | az keyvault secret set --vault-name "$VAULT" --name "$name" \
    --file /dev/stdin --encoding utf-8 --output none
  if [[ -n "$flag" && "$(env_value "$flag")" != "true" ]]; then
    azd env set "$flag" true
    reprovision=true
  fi
}

ask() {
  local var="$1" value
  if [[ -z "${!var:-}" && "$PROMPT" == true ]]; then
    read -rsp "$var (empty to skip): " value
    printf '\n' >&2
    printf -v "$var" '%s' "$value"
  fi
}

for var in REPLICATE_API_KEY REPLICATE_WEBHOOK_SECRET TELEGRAM_BOT_TOKEN NOTIFICATION_WEBHOOK_SECRET; do
  ask "$var"
done

if [[ -z "${REPLICATE_API_KEY:-}" ]] &&
  ! az keyvault secret show --vault-name "$VAULT" --name ReplicateApiKey --output none 2>/dev/null; then
  die "REPLICATE_API_KEY is not set and Key Vault has no ReplicateApiKey yet"
fi
store ReplicateApiKey "${REPLICATE_API_KEY:-}"
store ReplicateWebhookSecret "${REPLICATE_WEBHOOK_SECRET:-}" REPLICATE_WEBHOOK_SECRET_IN_VAULT
store TelegramBotToken "${TELEGRAM_BOT_TOKEN:-}" TELEGRAM_BOT_TOKEN_IN_VAULT
store NotificationWebhookSecret "${NOTIFICATION_WEBHOOK_SECRET:-}" NOTIFICATION_WEBHOOK_SECRET_IN_VAULT

if [[ -n "$WEBHOOK_URL" && "$(env_value NOTIFICATION_WEBHOOK_URL)" != "$WEBHOOK_URL" ]]; then
  azd env set NOTIFICATION_WEBHOOK_URL "$WEBHOOK_URL"
  reprovision=true
fi

if [[ "$reprovision" == true ]]; then
  info "updating app settings to the new Key Vault references"
  azd provision --no-prompt --environment "$AZD_ENV"
else
  # References resolve when the app restarts; a restart picks up new secret versions.
  APP="$(require_value AZURE_FUNCTION_APP_NAME)"
  GROUP="$(require_value AZURE_RESOURCE_GROUP)"
  info "restarting $APP so it reads the current secret versions"
  az functionapp restart --name "$APP" --resource-group "$GROUP" --output none
fi
info "secrets stored in $VAULT"
