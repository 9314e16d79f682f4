"""Pages to files: the output profiles, archive specifics, atomic writes, preflight, previews."""
