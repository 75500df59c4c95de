"""The typer commands: thin wrappers that parse options and call the library."""
