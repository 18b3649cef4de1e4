"""Lean dashboard kernels: pandas without pyarrow in the kernels ``gloact serve`` starts (issue 14).

pandas 3 imports pyarrow whenever it is installed (for its default string type): 35 MB of every viewer's kernel
(measured: pandas alone 101 MB RSS with pyarrow, 66 MB without), which a dashboard never uses: its tables are small
and DuckDB does the counting.  Without pyarrow pandas keeps strings as Python objects, with the same ``str`` type
and the same missing-value rules.  Imports hand their batches to DuckDB as Arrow tables; they run in an analyst's
kernel or the ``gloact`` command, never in a served dashboard, so nothing there changes.

This module is imported by ``gloact_lib/__init__.py`` before anything that imports pandas.
"""

import os
import sys

#: Set to ``"1"`` by :func:`gloact_lib.app.serve.serve` for the dashboards' kernels (they inherit its environment).
LEAN_KERNEL_ENV = "GLOACT_LEAN_KERNEL"

if os.environ.get(LEAN_KERNEL_ENV) == "1" and "pandas" not in sys.modules:
    sys.modules.setdefault("pyarrow", None)  # ``import pyarrow`` then raises ImportError, which pandas expects
