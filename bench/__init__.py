"""Benchmarks that print JSON (`make bench` runs `python -m bench.run`)."""
