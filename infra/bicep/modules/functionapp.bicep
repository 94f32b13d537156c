// The Flex Consumption plan and the function app running Vigil's custom handler (runtime 'custom' 1.0).
// The deployment package (the zip of artifacts/app: host.json, <Function>/function.json, the self-contained
// linux-x64 handler Vigil.Functions) is read from a blob container with the user-assigned identity.
// Every connection is identity-based; receiver secrets are Key Vault references.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region.')
param location string

@description('Tags for the plan and the app.')
param tags object

@description('azd service name (azure.yaml): tagged azd-service-name so azd deploy finds the app.')
param serviceName string

@description('Resource ID of the user-assigned identity.')
param identityId string

@description('Client ID of the user-assigned identity (the __clientId of every identity-based connection).')
param identityClientId string

@description('Storage account for AzureWebJobsStorage and VigilStorage.')
param storageAccountName string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Service Bus namespace host name, e.g. sb-vigil-abc.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Application Insights connection string (holds no key usable for ingestion: local auth is off).')
param applicationInsightsConnectionString string

@description('Key Vault holding the receiver secrets.')
param keyVaultName string

@description('Plain app settings (appsettings.json "settings").')
param settings object

@description('Names of the app settings whose values are Key Vault secrets (appsettings.json "secrets").')
param secretSettings array

@description('Memory of each instance, in MB.')
param instanceMemoryMB int

@description('Most instances the app scales out to.')
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }
}

// Identity-based connections, as the Functions host and Vigil's own clients read them:
// <Connection>__accountName / __fullyQualifiedNamespace, __credential = managedidentity, __clientId.
// Flex Consumption sets the runtime itself: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not app settings here.
var connectionSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  VigilStorage__accountName: storageAccountName
  VigilStorage__credential: 'managedidentity'
  VigilStorage__clientId: identityClientId
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// SLACK_WEBHOOK_URL -> @Microsoft.KeyVault(VaultName=kv-...;SecretName=slack-webhook-url): versionless, so a
// new secret version is picked up without a deployment. Secret names allow only letters, digits and '-'.
var secretReferences = toObject(secretSettings, s => s, s => '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${toLower(replace(s, '_', '-'))})')

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(settings, secretReferences, connectionSettings)
}

output name string = site.name
output id string = site.id
output baseUrl string = 'https://${site.properties.defaultHostName}'
