"""The command line: thin Typer commands, the console report, watch and scaffolding."""
