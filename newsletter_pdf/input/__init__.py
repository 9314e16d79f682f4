"""Reading the editor's files: YAML with positions, strict models, located problems, lint."""
