"""Imports: readers, validation, one module per format, and the all-or-nothing pipeline.

Depends on :mod:`gloact_lib.data` only.
"""
