// A well-formed file: strings with braces, interpolation with nested objects, comments with brackets ( [ {.
@description('Name with a brace } and a quote \' inside.')
param name string

@secure()
@description('A secret without default.')
param adminPassword string

param location string = resourceGroup().location

module child 'valid-child.bicep' = {
  name: 'child-${uniqueString(resourceGroup().id, '}')}'
  params: {
    value: '${name}-${length({ a: 1 })}'
    password: adminPassword
    location: location
  }
}

/* a block comment with an unbalanced ( bracket */
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: name
}

output VAULT_ID string = vault.id
output MULTILINE string = '''
a multi-line string with { and ' and ${not interpolated}
'''
