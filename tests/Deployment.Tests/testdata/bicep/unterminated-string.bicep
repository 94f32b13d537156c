param name string = 'no end

output n string = name
