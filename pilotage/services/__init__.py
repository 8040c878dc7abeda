"""Writes. Every service checks the right, validates, writes an audit row and commits once."""
