param name string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  properties: {
    tenantId: tenant().tenantId
  // the closing brace of properties is missing
}
