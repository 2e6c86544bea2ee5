"""Benchmarks. Speed is measured here, with numbers written to bench/reports/, never asserted
in unit tests. Run with `make bench` (all) or `python -m bench.<name>`."""
