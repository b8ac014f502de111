"""`python -m benchmarks`: one run, one table."""
from .benchmark import benchmark_command

benchmark_command(prog_name="python -m benchmarks")
