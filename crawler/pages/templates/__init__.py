"""One module per outlet template. Importing this package registers them all, in order."""

# The order of the imports is the order in which templates are tried for an outlet.
