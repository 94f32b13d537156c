// Every role assignment of the deployment, from ONE list (main.bicep: appRoleAssignments and
// deployerRoleAssignments). Each entry: target ('storage' | 'serviceBus' | 'keyVault' | 'applicationInsights'),
// roleDefinitionId (a built-in role's GUID), principalId, principalType, description. Each assignment is
// scoped to the one resource it is for (least privilege) and named guid(scope, principal, role), so
// re-deploying is idempotent.

@description('Storage account the storage roles are scoped to.')
param storageAccountName string

@description('Service Bus namespace the Service Bus roles are scoped to.')
param serviceBusNamespaceName string

@description('Key Vault the Key Vault roles are scoped to.')
param keyVaultName string

@description('Application Insights component the monitoring roles are scoped to.')
param applicationInsightsName string

@description('The assignments: { target, roleDefinitionId, principalId, principalType, description }.')
param assignments array

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource serviceBusNamespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var storageAssignments = filter(assignments, a => a.target == 'storage')
var serviceBusAssignments = filter(assignments, a => a.target == 'serviceBus')
var keyVaultAssignments = filter(assignments, a => a.target == 'keyVault')
var applicationInsightsAssignments = filter(assignments, a => a.target == 'applicationInsights')

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in storageAssignments: {
  name: guid(storageAccount.id, a.principalId, a.roleDefinitionId)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleDefinitionId)
    principalId: a.principalId
    principalType: a.principalType
    description: a.description
  }
}]

resource serviceBusRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in serviceBusAssignments: {
  name: guid(serviceBusNamespace.id, a.principalId, a.roleDefinitionId)
  scope: serviceBusNamespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleDefinitionId)
    principalId: a.principalId
    principalType: a.principalType
    description: a.description
  }
}]

resource keyVaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in keyVaultAssignments: {
  name: guid(keyVault.id, a.principalId, a.roleDefinitionId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleDefinitionId)
    principalId: a.principalId
    principalType: a.principalType
    description: a.description
  }
}]

resource applicationInsightsRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in applicationInsightsAssignments: {
  name: guid(applicationInsights.id, a.principalId, a.roleDefinitionId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleDefinitionId)
    principalId: a.principalId
    principalType: a.principalType
    description: a.description
  }
}]

output count int = length(storageAssignments) + length(serviceBusAssignments) + length(keyVaultAssignments) + length(applicationInsightsAssignments)
