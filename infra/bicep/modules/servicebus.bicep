// The Service Bus namespace and every queue a function.json triggers on or writes to, read from
// infra/bicep/queues.json (the same file DevHost reads, so local runs redeliver and dead-letter alike).
// Local (SAS) authentication is off: the app connects with its managed identity.

@description('Name of the namespace.')
param name string

@description('Region.')
param location string

@description('Tags for the namespace.')
param tags object

@description('Tier of the namespace.')
@allowed([
  'Standard'
  'Premium'
])
param skuName string

@description('The queues of queues.json: name, maxDeliveryCount, lockDuration, defaultMessageTimeToLive, deadLetteringOnMessageExpiration.')
param queues array

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// The defaults below are Service Bus's own; tests/Deployment.Tests requires queues.json to set each explicitly.
resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for q in queues: {
  parent: namespace
  name: q.name
  properties: {
    maxDeliveryCount: q.?maxDeliveryCount ?? 10
    lockDuration: q.?lockDuration ?? 'PT1M'
    defaultMessageTimeToLive: q.?defaultMessageTimeToLive ?? 'P14D'
    deadLetteringOnMessageExpiration: q.?deadLetteringOnMessageExpiration ?? true
    requiresSession: false
    requiresDuplicateDetection: false
    enablePartitioning: false
    enableBatchedOperations: true
  }
}]

output name string = namespace.name
output id string = namespace.id
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/ (other clouds: their suffix).
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output queueNames array = [for q in queues: q.name]
