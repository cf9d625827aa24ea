"""One module per ``newsarchive`` subcommand."""
