param name string

resource account 'Microsoft.Storage/storageAccounts@2021-09-01' existing = {
  name: name
}

output id string = account.id
