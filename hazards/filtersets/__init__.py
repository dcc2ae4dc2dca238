"""Workplace-safety filtersets, one module per feature."""
