"""newsletter-pdf: typeset a community newsletter issue from YAML and Markdown into print-ready PDF."""

__version__ = "0.1.0"
