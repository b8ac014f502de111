"""The benchmark, outside the app: `python -m benchmarks` (see README)."""
