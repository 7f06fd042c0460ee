"""Benchmarks: ``python -m bench.NAME [--quick]``; each ends with one ``RESULT key=value`` line."""
