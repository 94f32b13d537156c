param value string

@secure()
param password string

param location string

output text string = '${value}${length(password)}${location}'
