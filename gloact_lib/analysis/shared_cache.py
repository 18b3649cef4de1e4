"""Figures computed once for a room of viewers: a cache on disk shared by every kernel, keyed by the data's version.

Each viewer of a dashboard has a kernel of its own (Voilà); twenty officials opening the same view would compute
the same published flows twenty times.  :func:`shared` keeps what one kernel computed in a folder beside the
workbook, under the data's version: the next kernel that needs the same figures reads them (a few milliseconds)
instead of querying, and an import (a new version) makes every earlier entry unused; the folders of earlier
versions are removed when a new one is written.

The figures the dashboards share have a function each here, which owns its key: :func:`shared_flows`,
:func:`shared_od_pairs` and :func:`shared_monthly` (the same figures, for every kernel and every view that shows
them: a dashboard and its downloads read one entry).

The data's version of a workbook file is its file's size and modification time (with its write-ahead log's): an
import changes them, a read never does.  A database with no file (in memory) is not cached.  Entries are written
to a temporary file and renamed, so that a reader sees a whole entry or none; two kernels computing the same entry
at once both write it, the same figures.  The entries are pickles written by the workbook itself into the
workbook's own folder (``.gloact-cache`` beside ``gloact.duckdb``, readable by whoever reads the workbook): a folder
an attacker can write to would be a workbook an attacker can write to.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from gloact_lib.analysis.counts import monthly, od_pairs, od_pairs_of
from gloact_lib.analysis.flow_counts import flow_counts
from gloact_lib.analysis.flows import Flows
from gloact_lib.analysis.selection import Selection

__all__ = ["cache_folder", "data_version", "shared", "shared_flows", "shared_monthly", "shared_od_pairs"]

#: Bump when a cached value's class changes shape: entries of another format are never read.
FORMAT = 1


def _database_file(con) -> Path | None:
    try:
        rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    except Exception:  # not a DuckDB connection
        return None
    return Path(rows[0][0]) if rows and rows[0][0] else None


def data_version(con) -> str | None:
    """The version of the data ``con`` reads: the file's size and modification time (and its log's), or None.

    Examples
    --------
    >>> import duckdb
    >>> data_version(duckdb.connect()) is None
    True
    """
    path = _database_file(con)
    if path is None or not path.exists():
        return None
    parts = []
    for file in (path, path.with_name(path.name + ".wal")):
        if file.exists():
            stat = file.stat()
            parts.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _strings() -> str:
    """How this process's pandas holds text: ``"arrow"``, or ``"python"`` in a served kernel without pyarrow
    (``gloact_lib/_lean.py``), which could not read a frame pickled with Arrow strings: entries never mix them."""
    return "arrow" if sys.modules.get("pyarrow") is not None else "python"


def cache_folder(con) -> Path | None:
    """The folder of ``con``'s current version (``.gloact-cache/<file>-<version>`` beside the workbook), or None."""
    path, version = _database_file(con), data_version(con)
    if path is None or version is None:
        return None
    return path.parent / ".gloact-cache" / f"{path.stem}-{version}"


def shared(con, kind: str, key, compute):
    """``compute()``, or what a kernel already computed for the same ``kind`` and ``key`` of the same data.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The workbook the figures come from (its version keys the cache).
    kind : str
        What is cached (``"flows"``): entries of different kinds never mix.
    key : object
        What the figures depend on besides the data, with a stable ``repr`` (a
        :class:`~gloact_lib.analysis.selection.Selection` and a level).
    compute : callable
        Makes the value when no kernel has.

    Returns
    -------
    object
        The value (a copy read from disk, or the one just computed).
    """
    folder = cache_folder(con)
    if folder is None:
        return compute()
    name = hashlib.sha256(f"{FORMAT}|{_strings()}|{kind}|{key!r}".encode()).hexdigest()[:32]
    entry = folder / f"{kind}-{name}.pickle"
    try:
        with entry.open("rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        pass  # none yet (or written by another version of the workbook): computed below
    value = compute()
    try:
        _prune(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", delete=False) as tmp:
            pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, entry)
    except OSError:  # a read-only folder, a full disk: the viewer still gets the figures
        pass
    return value


def _prune(folder: Path) -> None:
    """Remove the folders of this workbook's earlier versions (its entries will never be read again)."""
    stem = folder.name.rsplit("-", 1)[0]
    for other in folder.parent.glob(f"{stem}-*") if folder.parent.exists() else ():
        if other != folder and other.name.rsplit("-", 1)[0] == stem:
            shutil.rmtree(other, ignore_errors=True)


# -- the figures the dashboards share: each function owns its kind and key ----------------------------------------


def shared_flows(con: duckdb.DuckDBPyConnection, selection: Selection, level: str = "place") -> Flows:
    """:meth:`Flows.from_db(con, selection, level) <gloact_lib.analysis.flows.Flows.from_db>`, computed once per
    view and version of the data for every kernel (:func:`shared`, kind ``"flows"``, key ``(selection, level)``).

    The journeys read for the flows also give the view's origin-destination pairs
    (:func:`gloact_lib.analysis.counts.od_pairs_of`): they are kept for :func:`shared_od_pairs`, which then reads
    them instead of reading the journeys again.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    selection : Selection
    level : {"place", "country"}, default "place"

    Returns
    -------
    Flows

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> shared_flows(connect(":memory:"), Selection(), "country").empty
    True
    """

    def compute() -> Flows:
        raw = flow_counts(con, selection, level)
        pairs = od_pairs_of(raw.ends)
        shared(con, "od_pairs", selection, lambda: pairs)  # kept beside the flows (computed nowhere else)
        return Flows.from_counts(selection, raw)

    return shared(con, "flows", (selection, level), compute)


def shared_od_pairs(con: duckdb.DuckDBPyConnection, selection: Selection) -> pd.DataFrame:
    """:func:`od_pairs(con, selection) <gloact_lib.analysis.counts.od_pairs>` (countries; raw, with cell keys:
    publish before showing), shared by every kernel (kind ``"od_pairs"``, key ``selection``); kept by
    :func:`shared_flows` for the same selection.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> list(shared_od_pairs(connect(":memory:"), Selection()).columns)
    ['origin', 'destination', 'scope', 'persons', 'journeys', 'ckey']
    """
    return shared(con, "od_pairs", selection, lambda: od_pairs(con, selection))


def shared_monthly(con: duckdb.DuckDBPyConnection, selection: Selection) -> pd.DataFrame:
    """:func:`monthly(con, selection) <gloact_lib.analysis.counts.monthly>` (raw, with cell keys: publish before
    showing), shared by every kernel (kind ``"monthly"``, key ``selection``).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> shared_monthly(connect(":memory:"), Selection()).empty
    True
    """
    return shared(con, "monthly", selection, lambda: monthly(con, selection))
