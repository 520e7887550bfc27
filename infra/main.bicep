// Entry point for `azd up` / `azd provision`: one resource group per azd environment.
// No subscription or tenant id is written here; azd and the ARM functions supply them.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name (e.g. prod, dev); names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource, e.g. westeurope.')
param location string

@description('Object id of the person or pipeline running azd; gets Key Vault Secrets Officer so set-secrets.sh can write. Empty: none.')
param principalId string = ''

@description('Principal type of principalId.')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Resource group name; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Replicate account or organisation that owns the per-chat models (ReplicateOwner).')
param replicateOwner string

@description('Trainer model (ReplicateTrainerModel).')
param replicateTrainerModel string = 'replicate/fast-flux-trainer'

@description('Trainer version id (ReplicateTrainerVersion).')
param replicateTrainerVersion string = 'f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db'

@description('Comma-separated hosts image URLs may come from (ImageUrlAllowedHosts).')
param imageUrlAllowedHosts string = 'api.telegram.org'

@description('Language of Telegram notification texts (NotificationLanguage).')
@allowed(['uk', 'en'])
param notificationLanguage string = 'uk'

@description('N8N webhook that receives queued notifications (NotificationWebhookUrl). Empty: off.')
param notificationWebhookUrl string = ''

@description('True once set-secrets.sh stored ReplicateWebhookSecret in Key Vault; false: read from Replicate at start.')
param replicateWebhookSecretInVault bool = false

@description('True once set-secrets.sh stored TelegramBotToken; true enables direct Telegram delivery.')
param telegramBotTokenInVault bool = false

@description('True once set-secrets.sh stored NotificationWebhookSecret (the N8N webhook shared secret).')
param notificationWebhookSecretInVault bool = false

@description('Flex Consumption: most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption: memory per instance (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var tags = { 'azd-env-name': environmentName, app: 'calendary-kaizen' }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'calendary-resources'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: toLower(uniqueString(subscription().id, environmentName, location))
    principalId: principalId
    principalType: principalType
    replicateOwner: replicateOwner
    replicateTrainerModel: replicateTrainerModel
    replicateTrainerVersion: replicateTrainerVersion
    imageUrlAllowedHosts: imageUrlAllowedHosts
    notificationLanguage: notificationLanguage
    notificationWebhookUrl: notificationWebhookUrl
    replicateWebhookSecretInVault: replicateWebhookSecretInVault
    telegramBotTokenInVault: telegramBotTokenInVault
    notificationWebhookSecretInVault: notificationWebhookSecretInVault
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

// azd writes these outputs into .azure/<env>/.env; the deploy/ scripts read them from there.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output AZURE_FUNCTION_APP_URL string = resources.outputs.functionAppUrl
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
output AZURE_APPLICATION_INSIGHTS_NAME string = resources.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_NAME string = resources.outputs.logAnalyticsName
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = resources.outputs.identityClientId
output REPLICATE_WEBHOOK_URL string = resources.outputs.webhookUrl
