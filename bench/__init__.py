"""Benchmarks of the service and its tooling: `python -m bench` prints their tables."""
