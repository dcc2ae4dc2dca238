"""Benchmarks (`make bench`): scale data, measured operations and results (DESIGN.md §8)."""
