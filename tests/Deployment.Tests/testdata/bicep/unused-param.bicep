param name string
param location string

output n string = name
