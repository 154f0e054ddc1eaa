"""``make bench``: synthetic permits through the real pipeline, then the API under load.

Run with ``python -m bench.run``; the result is written to docs/benchmarks.md.
"""
