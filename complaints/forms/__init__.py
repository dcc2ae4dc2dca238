"""Forms of the citizen-complaints pages, one module per feature."""
