"""`python -m benchmarks`: one run, one table (see benchmark.py)."""
from .benchmark import benchmark_command

benchmark_command(prog_name="python -m benchmarks")
