"""The kernel ``gloact serve`` starts for a dashboard: ipykernel without its debugger and without IPython's history.

``gloact serve`` puts :data:`KERNEL_ROOT` on its ``JUPYTER_PATH``, before every other folder: its
``kernels/python3/kernel.json`` is then the notebooks' ``python3`` kernel for the served dashboards only, run as
``python -m gloact_lib.app.dashboard_kernel ... --HistoryManager.enabled=False``.  An analyst's JupyterLab, the
``gloact`` command and plain Voilà keep the stock kernel.

Measured (routes dashboard built in a lean kernel, ``gloact_lib/_lean.py``): 149 MB RSS with the stock kernel,
140 MB with this one.  ipykernel imports debugpy (and its pydevd) whenever it is installed, for a debugger nobody
opens on a served page; IPython's history keeps SQLite and a thread for cells nobody types.
"""

import sys
from pathlib import Path

#: The folder holding the dashboards' kernelspec (``kernels/python3/kernel.json``), first on the server's
#: ``JUPYTER_PATH``.
KERNEL_ROOT = Path(__file__).resolve().parent / "share" / "kernel"


def main() -> None:
    """Run ipykernel as ``ipykernel_launcher`` does, its debugger unavailable.

    ``import debugpy`` then fails, which ipykernel expects where debugpy is not installed: the kernel runs without
    a debugger and says so to the front end (the kernelspec's ``"debugger": false`` too).
    """
    sys.modules.setdefault("debugpy", None)
    if sys.path[0] in ("", str(Path.cwd())):  # as ipykernel_launcher: the kernel puts its folder back itself
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
