param name string

module gone 'modules/not-there.bicep' = {
  name: name
}
