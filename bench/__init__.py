"""Benchmarks at national scale (about 1,600 QPV in about 450 contracts): run with `make bench`."""
