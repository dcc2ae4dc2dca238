"""Workplace-safety forms, one module per feature."""
