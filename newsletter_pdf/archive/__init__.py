"""The publish store: published archive PDFs, their checksums and records, never replaced."""
