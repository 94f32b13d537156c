// Vigil on Azure: a Flex Consumption function app running the custom handler, its storage account, the
// Service Bus queues from queues.json, Application Insights on Log Analytics, a Key Vault for the receiver
// secrets, one user-assigned identity for every data-plane call, and the role assignments that identity needs.
//
// Scope: one resource group. `azd up` deploys it into the group named by AZURE_RESOURCE_GROUP (azd asks for
// one the first time); `az deployment group create --resource-group <rg> --template-file main.bicep` works too.
// See docs/deployment.md.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (AZURE_ENV_NAME). Tagged on every resource and part of the unique token in their names.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption: az functionapp list-flexconsumption-locations.')
param location string = resourceGroup().location

@description('Object ID of whoever runs the deployment (azd passes AZURE_PRINCIPAL_ID). It gets Key Vault Secrets Officer so it can set the receiver secrets. Empty: no assignment.')
param principalId string = ''

@description('Kind of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Memory of each Flex Consumption instance, in MB. Vigil needs little: 2048 is the plan default.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app may scale out to. Flex Consumption accepts 40 to 1000; an alerting pipeline rarely needs more than a few.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Service Bus tier. Standard is enough: Vigil uses queues with dead-lettering and 256 KB messages.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('Days the Log Analytics workspace keeps Vigil logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var abbrs = loadJsonContent('abbreviations.json')
var queueDefinitions = loadJsonContent('queues.json').queues
var appSettingsFile = loadJsonContent('appsettings.json')
var resourceToken = toLower(uniqueString(resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var serviceName = 'vigil'
var deploymentContainerName = 'app-package-${resourceToken}'

// Built-in role definitions (IDs are the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}vigil-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: '${abbrs.serviceBusNamespaces}vigil-${resourceToken}'
    location: location
    tags: tags
    skuName: serviceBusSku
    queues: queueDefinitions
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}vigil-${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}vigil-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
  }
}

// Least privilege for the app identity: one line per data-plane access (docs/deployment.md says why each).
var appRoleAssignments = [
  {
    target: 'storage'
    roleDefinitionId: roles.storageBlobDataOwner
    description: 'AzureWebJobsStorage (host leases, timer schedule state) and the deployment package container'
  }
  {
    target: 'storage'
    roleDefinitionId: roles.storageQueueDataContributor
    description: 'AzureWebJobsStorage queues used by the Functions host'
  }
  {
    target: 'storage'
    roleDefinitionId: roles.storageTableDataContributor
    description: 'VigilStorage: the tables the app creates on first use and reads and writes'
  }
  {
    target: 'serviceBus'
    roleDefinitionId: roles.serviceBusDataReceiver
    description: 'ServiceBusConnection: serviceBusTrigger functions receive from the queues'
  }
  {
    target: 'serviceBus'
    roleDefinitionId: roles.serviceBusDataSender
    description: 'ServiceBusConnection: serviceBus output bindings send to the queues'
  }
  {
    target: 'serviceBus'
    roleDefinitionId: roles.serviceBusDataOwner
    description: 'Queue depth and dead-letter counts for /api/health and accurate trigger scaling'
  }
  {
    target: 'keyVault'
    roleDefinitionId: roles.keyVaultSecretsUser
    description: 'Key Vault references in app settings (receiver secrets)'
  }
  {
    target: 'applicationInsights'
    roleDefinitionId: roles.monitoringMetricsPublisher
    description: 'Entra-only telemetry ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING)'
  }
]

var deployerRoleAssignments = empty(principalId) ? [] : [
  {
    target: 'keyVault'
    roleDefinitionId: roles.keyVaultSecretsOfficer
    description: 'The deploying principal sets the receiver secrets'
  }
]

var appAssignmentsWithPrincipal = map(appRoleAssignments, a => union(a, {
  principalId: identity.outputs.principalId
  principalType: 'ServicePrincipal'
}))

var deployerAssignmentsWithPrincipal = map(deployerRoleAssignments, a => union(a, {
  principalId: principalId
  principalType: principalType
}))

module roleAssignments 'modules/roleassignments.bicep' = {
  name: 'roleassignments'
  params: {
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    assignments: concat(appAssignmentsWithPrincipal, deployerAssignmentsWithPrincipal)
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: '${abbrs.webSitesFunctions}vigil-${resourceToken}'
    planName: '${abbrs.webServerFarms}vigil-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultName: keyVault.outputs.name
    settings: appSettingsFile.settings
    secretSettings: appSettingsFile.secrets
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // Key Vault references are resolved when the app starts and then only every 24 hours: the identity must
  // already hold its roles, or the first start caches a failed reference. The queues must exist before the
  // triggers start listening.
  dependsOn: [
    roleAssignments
    serviceBus
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_VIGIL_NAME string = functionApp.outputs.name
output VIGIL_BASE_URL string = functionApp.outputs.baseUrl
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
