"""Lean dashboard kernels (``gloact_lib/_lean.py``): what ``gloact serve`` gives its kernels, and only them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from gloact_lib._lean import LEAN_KERNEL, LEAN_KERNEL_ENV, give_back_memory

PROBE = """
import json, sys
from gloact_lib._lean import give_back_memory  # a dashboard notebook's first import is gloact_lib's
import pandas
print(json.dumps({"pyarrow": sys.modules.get("pyarrow") is not None, "optimize": sys.flags.optimize,
                  "doc": pandas.DataFrame.__doc__ is not None, "trimmed": give_back_memory(),
                  "str": str(pandas.Series(["a"]).dtype)}))
"""


def _probe(env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_served_kernel_runs_pandas_without_pyarrow_or_docstrings_and_trims_its_heap():
    lean = _probe(LEAN_KERNEL)
    assert lean == {"pyarrow": False, "optimize": 2, "doc": False, "trimmed": sys.platform == "linux",
                    "str": "str"}  # fmt: skip


def test_any_other_process_keeps_pandas_defaults():
    full = _probe({LEAN_KERNEL_ENV: "", "PYTHONOPTIMIZE": ""})
    assert full == {"pyarrow": True, "optimize": 0, "doc": True, "trimmed": False, "str": "str"}
    assert give_back_memory() is False  # this test process is not a served kernel


def test_the_kernels_bytecode_is_compiled_for_python_oo_before_they_start(monkeypatch):
    """``gloact serve`` writes the ``.opt-2.pyc`` files of what its kernels import when they are missing: the
    compiling process imports every dashboard under the kernels' settings (-OO, no pyarrow) and succeeds."""
    from gloact_lib.app import serve

    checks = []
    monkeypatch.setattr(serve, "_compiled", lambda path: checks.append(path) or len(checks) > 1)
    assert serve.compile_for_kernels() is True  # missing at first: compiled, then found
    assert len(checks) == 2  # pandas missing (routes not looked at), then pandas found
    monkeypatch.setattr(serve, "_compiled", lambda path: True)
    assert serve.compile_for_kernels() is False  # there already: nothing run
