// Everything the Function App needs, in one resource group. Identity-based access throughout:
// the storage account has shared keys disabled and no secret sits in an app setting.

param location string
param tags object
@description('Short unique token that makes global names (storage, vault, app) unique.')
param resourceToken string
param principalId string
param principalType string
param replicateOwner string
param replicateTrainerModel string
param replicateTrainerVersion string
param imageUrlAllowedHosts string
param notificationLanguage string
param notificationWebhookUrl string
param replicateWebhookSecretInVault bool
param telegramBotTokenInVault bool
param notificationWebhookSecretInVault bool
param maximumInstanceCount int
param instanceMemoryMB int

// Names of the storage objects the code uses (DataContainer, TrainingsTable, GenerationsTable,
// NotificationDeliveriesTable, NotificationsQueue). Change both here and in the app setting if you rename one.
var dataContainerName = 'data'
var deploymentContainerName = 'app-package'
var trainingsTableName = 'Trainings'
var generationsTableName = 'Generations'
var notificationDeliveriesTableName = 'NotificationDeliveries'
var notificationsQueueName = 'telegram-notifications'

var functionAppName = 'func-calendary-${resourceToken}'
var storageAccountName = 'stcal${resourceToken}'
var keyVaultName = 'kv-cal-${resourceToken}'

// Built-in role definition ids (the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-calendary-${resourceToken}'
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-calendary-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-calendary-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Telemetry is accepted only with an Entra token (the app's identity), not the key alone.
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource dataContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: dataContainerName
  properties: { publicAccess: 'None' }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource trainingsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: trainingsTableName
}

resource generationsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: generationsTableName
}

resource notificationDeliveriesTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: notificationDeliveriesTableName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource notificationsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: notificationsQueueName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

// The app's identity: storage data roles (host, Durable task hub, blobs, tables, queue,
// user delegation SAS), reading secrets, and publishing telemetry.
var identityStorageRoles = [
  roles.storageBlobDataOwner
  roles.storageBlobDelegator
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in identityStorageRoles: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// Whoever runs azd may write secrets (deploy/set-secrets.sh), never the app.
resource vaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(keyVault.id, principalId, roles.keyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-calendary-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'python', version: '3.11' }
    }
  }
  dependsOn: [deploymentContainer]
}

func kvRef(vault string, secret string) string => '@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})'

var webhookUrl = 'https://${functionApp.properties.defaultHostName}/api/ReplicateWebHook'

// Every setting the code reads (tests/deploy/test_settings_crosscheck.py keeps this list,
// calendary/settings.py and local.settings.example.json in step). Secrets are Key Vault references.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  AZURE_CLIENT_ID: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  DataContainer: dataContainerName
  TrainingsTable: trainingsTableName
  GenerationsTable: generationsTableName
  NotificationDeliveriesTable: notificationDeliveriesTableName
  NotificationsQueue: notificationsQueueName
  ReplicateApiKey: kvRef(keyVault.name, 'ReplicateApiKey')
  ReplicateBaseUrl: 'https://api.replicate.com/v1'
  ReplicateOwner: replicateOwner
  ReplicateTrainerModel: replicateTrainerModel
  ReplicateTrainerVersion: replicateTrainerVersion
  ReplicateWebhookSecret: replicateWebhookSecretInVault ? kvRef(keyVault.name, 'ReplicateWebhookSecret') : ''
  WebhookUrl: webhookUrl
  TelegramBotToken: telegramBotTokenInVault ? kvRef(keyVault.name, 'TelegramBotToken') : ''
  TelegramApiBaseUrl: 'https://api.telegram.org'
  NotificationWebhookUrl: notificationWebhookUrl
  NotificationWebhookSecret: notificationWebhookSecretInVault ? kvRef(keyVault.name, 'NotificationWebhookSecret') : ''
  NotificationLanguage: notificationLanguage
  TrainingProgressNotifications: ''
  ImageUrlAllowedHosts: imageUrlAllowedHosts
  MinTrainingImages: '5'
  MaxImagesPerRequest: '20'
  MaxImagesPerChat: '100'
  MaxImageBytes: '20971520'
  MinImageSide: '256'
  MaxImagePixels: '50000000'
  ImageDownloadTimeout: 'PT60S'
  MaxPromptLength: '2000'
  PhotoGate: 'true'
  FaceMinRatio: '0.08'
  FaceSmallRatio: '0.15'
  FaceMinSharpness: '40'
  FaceMinSide: '512'
  FaceMinBrightness: '60'
  FaceMaxBrightness: '210'
  FaceMaxDistance: '0.55'
  FaceMinSetSize: '3'
  LikenessMaxDistance: '0.6'
  LikenessRetry: 'false'
  LikenessRetryDistance: '0.6'
  TrainingTimeout: 'PT2H'
  GenerationTimeout: 'PT10M'
  UploadWaitTimeout: 'PT30S'
  TrainWaitTimeout: 'PT10S'
  GenerateWaitTimeout: 'PT60S'
  EraseWaitTimeout: 'PT60S'
  ErasuresTable: 'Erasures'
  UploadRetentionDays: '30'
  GeneratedRetentionDays: '90'
  RetentionSchedule: '0 0 3 * * *'
}

resource functionAppSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: appSettings
  // Roles first, so the first start can reach storage and resolve Key Vault references.
  dependsOn: [storageRoleAssignments, vaultSecretsUser, metricsPublisher]
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output webhookUrl string = webhookUrl
output storageAccountName string = storage.name
output keyVaultName string = keyVault.name
output applicationInsightsName string = appInsights.name
output logAnalyticsName string = logAnalytics.name
output identityClientId string = identity.properties.clientId
