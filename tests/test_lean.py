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


#: Run in the dashboards' kernel: what it loaded, whether IPython keeps a history, and a dashboard built.
KERNEL_PROBE = """
import json, sys
from gloact_lib.dashboards import RoutesDashboard
dashboard = RoutesDashboard()
print(json.dumps({"loaded": sorted(m for m in ("debugpy", "pydevd", "sqlite3", "pyarrow") if sys.modules.get(m)),
                  "history": get_ipython().history_manager.enabled, "status": dashboard.status}))
"""


def test_the_served_kernel_is_ipykernel_without_debugger_or_history(built_db, monkeypatch):
    """``gloact serve`` puts the dashboards' kernelspec first on its ``JUPYTER_PATH`` (``dashboard_kernel.py``):
    Voilà's ``python3`` is then a kernel without debugpy (pydevd) and without IPython's SQLite history, which
    builds a dashboard as the stock one does."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import start_new_kernel

    from gloact_lib.app.dashboard_kernel import KERNEL_ROOT

    spec = KernelSpecManager(kernel_dirs=[str(KERNEL_ROOT / "kernels")]).get_kernel_spec("python3")
    assert spec.argv[:3] == ["python", "-m", "gloact_lib.app.dashboard_kernel"]
    monkeypatch.setenv("JUPYTER_PATH", str(KERNEL_ROOT))  # as gloact serve sets it for Voilà
    env = {**os.environ, **LEAN_KERNEL, "GLOACT_DB": str(built_db)}
    manager, client = start_new_kernel(kernel_name="python3", env=env, startup_timeout=120)
    try:
        assert "gloact_lib.app.dashboard_kernel" in manager.format_kernel_cmd()
        reply = client.execute_interactive(KERNEL_PROBE, timeout=120, output_hook=_collect(out := []))
        assert reply["content"]["status"] == "ok", out
        shown = json.loads("".join(out))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert shown == {"loaded": [], "history": False, "status": "Updated."}


def _collect(out: list):
    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("\n".join(msg["content"]["traceback"]))

    return hook
