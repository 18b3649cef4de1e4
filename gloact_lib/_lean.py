"""Lean dashboard kernels: the kernels ``gloact serve`` starts hold only what a dashboard uses (issue 14).

Two settings, in the environment the server's kernels inherit (:data:`LEAN_KERNEL`):

- pandas without pyarrow (below);
- Python with ``PYTHONOPTIMIZE=2`` (``python -OO``): no docstrings kept in memory (pandas' alone are megabytes;
  nobody reads ``help()`` in a served dashboard) and no ``assert`` run (the package validates with exceptions,
  never asserts: ``tests/test_layout.py`` checks it).  The first kernel writes the ``.opt-2.pyc`` files once.

Measured in-process on the shipped data (routes dashboard built): 185 MB RSS as before, 144 MB without pyarrow,
134 MB with ``-OO`` as well; a served kernel holds about 10 MB more (its connection, the widgets' messages).

pandas 3 imports pyarrow whenever it is installed (for its default string type): 35 MB of every viewer's kernel
(measured: pandas alone 101 MB RSS with pyarrow, 66 MB without), which a dashboard never uses: its tables are small
and DuckDB does the counting.  Without pyarrow pandas keeps strings as Python objects, with the same ``str`` type
and the same missing-value rules.  Imports hand their batches to DuckDB as Arrow tables (as frames where pyarrow is
absent); they run in an analyst's kernel or the ``gloact`` command, never in a served dashboard.

The package's entry points load their heavier names on first use (:func:`lazy_names`), so a dashboard's kernel
loads its own dashboard and nothing it does not draw.

This module is imported by ``gloact_lib/__init__.py`` before anything that imports pandas.
"""

import importlib
import os
import sys
from collections.abc import Callable, Iterable

#: Set to ``"1"`` by :func:`gloact_lib.app.serve.serve` for the dashboards' kernels (they inherit its environment).
LEAN_KERNEL_ENV = "GLOACT_LEAN_KERNEL"
#: The environment :func:`gloact_lib.app.serve.serve` gives its kernels.
LEAN_KERNEL = {LEAN_KERNEL_ENV: "1", "PYTHONOPTIMIZE": "2"}

_LEAN = os.environ.get(LEAN_KERNEL_ENV) == "1"

if _LEAN and "pandas" not in sys.modules:
    sys.modules.setdefault("pyarrow", None)  # ``import pyarrow`` then raises ImportError, which pandas expects


def _libc_trim():
    """glibc's ``malloc_trim``, or None where there is none (another C library, another system)."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _libc_trim() if _LEAN else None


def give_back_memory() -> bool:
    """In a lean kernel, hand the memory a drawing freed back to the system (glibc keeps it otherwise).

    A dashboard calls it when a drawing ends (its connection closed): the query's and the frames' memory, freed
    by then, would stay in the kernel's heap until the next drawing (measured: 3 MB of a preheated kernel).

    Returns
    -------
    bool
        Whether memory was trimmed (False outside a lean kernel, or without glibc).
    """
    if _TRIM is None:
        return False
    _TRIM(0)
    return True



def lazy_names(module: str, names: dict[str, str], public: Iterable[str] = ()) -> tuple[Callable, Callable]:
    """A module's ``__getattr__`` and ``__dir__`` (PEP 562) for names imported from their own module on first use.

    Parameters
    ----------
    module : str
        The module that gets them (its ``__name__``).
    names : dict
        Each lazy name and the module it is imported from.
    public : iterable of str, default ()
        Names ``dir(module)`` lists besides the module's globals (its ``__all__``).

    Returns
    -------
    (callable, callable)
        ``__getattr__`` (the object, kept in the module's globals from then on; ``AttributeError`` for any other
        name) and ``__dir__``.

    Examples
    --------
    >>> import types
    >>> sys.modules["lazy_demo"] = types.ModuleType("lazy_demo")
    >>> getattr_, dir_ = lazy_names("lazy_demo", {"sqrt": "math"})
    >>> getattr_("sqrt")(4.0), "sqrt" in dir_()
    (2.0, True)
    >>> del sys.modules["lazy_demo"]
    """
    public = set(public)

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), name)
        setattr(sys.modules[module], name, value)  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[module])) | public)

    return __getattr__, __dir__
