"""The benchmark harness of `make bench`: see bench/run.py and the README's "Benchmarks"."""
