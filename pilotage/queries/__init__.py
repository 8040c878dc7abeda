"""Reads, one module per area: typed functions returning DataFrames or frozen dataclasses."""
