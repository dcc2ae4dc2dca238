"""Workplace-safety tables, one module per feature."""
