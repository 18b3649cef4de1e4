"""The workbook database: one DuckDB file, built from ``data/``.

:func:`connect` opens (and if needed creates) a database with the schema of
:mod:`gloact_lib.data.schema`; :func:`build_db` fills a new one from the shipped
reference data and the illustrative sample, through the same importers an
analyst uses, so every shipped row is audited in ``imports`` too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from gloact_lib import config
from gloact_lib.data.countries import SUBSAHARAN, SUBSAHARAN_POINT, all_countries
from gloact_lib.data.ends import special_ends
from gloact_lib.data.record_keys import add_record_keys, ensure_secret
from gloact_lib.data.schema import TABLES, create_sql
from gloact_lib.data.server import is_server
from gloact_lib.data.sql import open_duckdb, scalar
from gloact_lib.data.upgrade import upgrade

__all__ = ["DatabaseError", "connect", "data_as_of", "database_error", "database_path", "open_waiting", "query",
           "reports_dir", "snapshot", "verify", "workbook_target"]


class DatabaseError(Exception):
    """The workbook database cannot be used as asked.

    The message is one line for the analyst: it names the file and says what to
    do.  ``kind`` says why, so that a dashboard can show its own short sentence
    instead (a viewer never sees a path or a process id).

    Attributes
    ----------
    kind : {"missing", "busy", "damaged", "foreign"}
    """

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


_LOCK_PID = re.compile(r"\(PID (\d+)\)")


def database_error(exc: Exception, path: str | Path) -> DatabaseError | None:
    """The :class:`DatabaseError` that a DuckDB exception stands for, or None if it is none of them.

    Examples
    --------
    >>> database_error(duckdb.IOException('Could not set lock on file "x": Conflicting lock is held in '
    ...                                   'python (PID 12)'), "x.duckdb").kind
    'busy'
    """
    if isinstance(exc, DatabaseError):
        return exc
    if not isinstance(exc, duckdb.Error):
        if type(exc).__module__.startswith("psycopg"):  # a workbook on a server
            from gloact_lib.data.server import server_error

            return server_error(exc, str(path))
        return None
    text = str(exc)
    if "Could not set lock" in text or "Conflicting lock" in text:
        pid = _LOCK_PID.search(text)
        holder = f"another process (PID {pid.group(1)})" if pid else "another process"
        return DatabaseError(f"{path}: in use by {holder}, e.g. an import or `gloact serve`; "
                             "try again when it has finished", "busy")  # fmt: skip
    if "different configuration" in text:
        return DatabaseError(f"{path}: already open in this process in another mode (read-only or not); use that "
                             "connection, or close it first", "busy")  # fmt: skip
    if "not a valid DuckDB database" in text or "Corrupt database file" in text or "checksum" in text.lower():
        return DatabaseError(f"{path}: damaged or not a workbook database; rebuild it with "
                             f"`gloact build-db --force --db {path}` or restore a copy", "damaged")  # fmt: skip
    if isinstance(exc, duckdb.IOException) and "No such file" in text:
        return DatabaseError(f"{path}: no workbook database here; run `gloact build-db --db {path}`", "missing")
    return None


def reports_dir(db: str | os.PathLike | None) -> Path:
    """The folder where the rejection reports of imports into a database go: beside its file.

    A database file keeps its reports in a ``reports/`` folder next to it, so that a
    second workbook (``--db elsewhere``) never writes into the checkout and the default
    database's reports stay in ``data/reports/`` (not committed).

    Parameters
    ----------
    db : str, os.PathLike or None
        The database file, or None or ``":memory:"`` for a database with no file.

    Returns
    -------
    pathlib.Path
        ``<folder of db>/reports``; :data:`gloact_lib.config.REPORTS_DIR` when there is no file.

    Examples
    --------
    >>> reports_dir("/tmp/w/gloact.duckdb").as_posix()
    '/tmp/w/reports'
    >>> reports_dir(None) == reports_dir(":memory:") == config.REPORTS_DIR
    True
    """
    if db is None or str(db) == ":memory:" or is_server(str(db)):
        return Path(config.REPORTS_DIR)
    return Path(db).expanduser().parent / "reports"


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file a connection has open (its current database), or None for an in-memory database or a
    server's replica (:mod:`gloact_lib.data.replica`: a private copy, not the workbook).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection

    Returns
    -------
    pathlib.Path or None

    Examples
    --------
    >>> database_path(connect(":memory:")) is None
    True
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     con = connect(Path(tmp) / "w.duckdb")
    ...     found = database_path(con) == Path(tmp, "w.duckdb").resolve()
    ...     con.close()
    >>> found
    True
    """
    from gloact_lib.data.replica import server_of

    if server_of(con):
        return None
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(row[0][0]).resolve() if row and row[0][0] else None


def workbook_target(db: str | Path | None = None) -> str:
    """The workbook a ``--db`` names (default :data:`gloact_lib.config.DEFAULT_DB`), as text.

    A file's path, ``:memory:``, or a PostgreSQL server's address (``postgresql://…``).

    Raises
    ------
    DatabaseError
        For another kind of address (``mysql://…``): never made into a folder named ``mysql:``.

    Examples
    --------
    >>> workbook_target("postgresql://focal_mli@db.example.org/gloact")
    'postgresql://focal_mli@db.example.org/gloact'
    """
    target = str(db if db is not None else config.DEFAULT_DB)
    if "://" in target and not is_server(target):
        scheme = target.split("://", 1)[0]
        raise DatabaseError(f"--db {scheme}://…: not a workbook; give the path of a workbook file (e.g. "
                            "data/gloact.duckdb) or a PostgreSQL server (postgresql://user@host/database)",
                            "missing")  # fmt: skip
    return target


def _has_journeys(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database ``con`` opened has a ``journeys`` table (or view)."""
    try:
        con.execute("SELECT 1 FROM journeys LIMIT 0")
    except duckdb.CatalogException:
        return False
    return True


def connect(db: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a workbook database, creating its tables if they are missing.

    Parameters
    ----------
    db : str or Path, optional
        Database file, ``":memory:"``, or a PostgreSQL server's address (then a read-only replica of
        what this user may read, :func:`gloact_lib.data.replica.open_replica`; imports go to the server
        through :func:`gloact_lib.imports.pipeline.import_file`).  Default
        :data:`gloact_lib.config.DEFAULT_DB`.
    read_only : bool, default False
        Open read-only (dashboards); the file must exist.

    Returns
    -------
    duckdb.DuckDBPyConnection

    Raises
    ------
    DatabaseError
        The file is missing (read-only), held by another process, damaged, or a
        DuckDB file that is not a workbook.

    Examples
    --------
    >>> con = connect(":memory:")
    >>> scalar(con, "SELECT count(*) FROM journeys")
    0
    """
    target = str(workbook_target(db))
    if is_server(target):  # figures come from a read-only replica of what this user may read (replica.py)
        from gloact_lib.data.replica import open_replica

        return open_replica(target)
    existed = False
    if target != ":memory:":
        path = Path(target)
        existed = path.exists() and path.stat().st_size > 0
        if read_only and not path.exists():
            raise DatabaseError(f"{path}: no workbook database here; run `gloact build-db --db {path}`", "missing")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = open_duckdb(target, read_only=read_only)  # no progress bar in a command's --json output
        # A workbook has its journeys table: one look-up (listing the catalog costs ~10 ms a connection, and a
        # dashboard opens one per redraw); the tables are listed only when it is missing.
        tables = {"journeys"} if _has_journeys(con) else {
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}  # fmt: skip
    except duckdb.Error as exc:
        raise (database_error(exc, target) or exc) from None
    if existed and tables and "journeys" not in tables:  # a DuckDB file, but not a workbook: leave it alone
        con.close()
        raise DatabaseError(f"{target}: a DuckDB file, but not a workbook database (no journeys table); "
                            "give the path of a workbook database", "foreign")  # fmt: skip
    if not read_only:
        for table in TABLES.values():
            con.execute(create_sql(table))
        # An import killed while staging leaves its staging tables behind; they hold nothing
        # the workbook uses (the stored rows are written in one final transaction).
        leftovers = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '\\_stage\\_%' ESCAPE '\\' "
            "OR table_name LIKE '\\_rej\\_%' ESCAPE '\\'"
        ).fetchall()
        for (name,) in leftovers:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        upgrade(con)  # a database made by an earlier version gets the columns added since
        if scalar(con, "SELECT count(*) FROM countries") == 0:
            _load_countries(con)
        ensure_secret(con)  # the cell-key method's secret, made once per database (disclosure.py)
        add_record_keys(con)  # journeys stored before record keys existed get theirs
    return con


def open_waiting(db: str | Path | None = None, read_only: bool = False, wait: float | None = None,
                 on_wait=None) -> duckdb.DuckDBPyConnection:  # fmt: skip
    """:func:`connect`, waiting while another process holds the database (an import's final append).

    A workbook database is held only for short units of work (a dashboard's redraw, an import's
    final append), so a busy database is tried again every ``config.LOCK_RETRY_SECONDS`` for up to
    ``wait`` seconds; ``on_wait(message)`` is called once, when the waiting starts.

    Parameters
    ----------
    db : str or Path, optional
    read_only : bool
    wait : float, optional
        Seconds to wait at most (default :data:`gloact_lib.config.LOCK_WAIT_SECONDS`; 0: no wait).
    on_wait : callable, optional
        Called with a sentence ("waiting for another process to finish with ...") when the wait starts.

    Raises
    ------
    DatabaseError
        ``kind="busy"`` after the wait, saying what holds the file; any other failure at once.

    Examples
    --------
    >>> open_waiting(":memory:").close()
    """
    limit = config.LOCK_WAIT_SECONDS if wait is None else wait
    deadline = time.monotonic() + limit
    told = False
    while True:
        try:
            return connect(db, read_only=read_only)
        except DatabaseError as exc:
            if exc.kind != "busy" or time.monotonic() >= deadline:
                if exc.kind == "busy" and limit > 0:
                    raise DatabaseError(f"{exc} (waited {limit:g} s)", "busy") from None
                raise
            if not told and on_wait is not None:
                on_wait(f"waiting for {str(exc).split('in use by ', 1)[-1].split(',')[0]} to finish with "
                        f"{db or config.DEFAULT_DB}…")  # fmt: skip
            told = True
            time.sleep(config.LOCK_RETRY_SECONDS)


@contextmanager
def snapshot(db: str | Path | None = None, on_wait=None):
    """A private read-only copy of the workbook, for long reads (map builds, briefing packs).

    The file is copied while a read-only connection keeps writers out (a moment: about a second
    for a million journeys), then let go: an import can append while the maps are drawn from the copy.

    Yields
    ------
    duckdb.DuckDBPyConnection
        Read-only, on the copy (removed afterwards).
    """
    if is_server(workbook_target(db)):  # a replica is a private copy already
        con = connect(db)
        try:
            yield con
        finally:
            con.close()
        return
    source = Path(db or config.DEFAULT_DB)
    folder = Path(tempfile.mkdtemp(prefix="gloact-snapshot-"))
    try:
        holding = open_waiting(source, read_only=True, on_wait=on_wait)
        try:
            for suffix in ("", ".wal"):
                if Path(f"{source}{suffix}").exists():
                    shutil.copyfile(f"{source}{suffix}", folder / f"{source.name}{suffix}")
        finally:
            holding.close()
        con = connect(folder / source.name, read_only=True)
        try:
            yield con
        finally:
            con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def data_as_of(con: duckdb.DuckDBPyConnection):
    """When the data last changed: the time of the latest import (UTC), or None for an empty database."""
    return con.execute("SELECT max(imported_at) FROM imports").fetchall()[0][0]


def verify(con: duckdb.DuckDBPyConnection, path: str | Path = "database") -> None:
    """Read every stored row once, so that a damaged block is found now, not halfway through a job.

    DuckDB checks each block's checksum when it reads it; a query touching every
    column of every table reads them all (about 0.1 s for the shipped data).

    Raises
    ------
    DatabaseError
        ``kind="damaged"`` when a block fails its check.

    Examples
    --------
    >>> verify(connect(":memory:"))
    """
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
    try:
        for table in tables:
            con.execute(f'SELECT count(*) FROM "{table}" t WHERE hash(t) IS NOT NULL').fetchall()
    except duckdb.Error as exc:
        raise (database_error(exc, path) or DatabaseError(
            f"{path}: damaged ({str(exc).splitlines()[0][:120]}); rebuild it with `gloact build-db --force`",
            "damaged")) from None  # fmt: skip


def _label_points() -> dict[str, tuple[float, float]]:
    if not config.BASEMAP_FILE.exists():
        return {}
    with open(config.BASEMAP_FILE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return {f["properties"]["iso3"]: (f["properties"]["label_lon"], f["properties"]["label_lat"]) for f in features}


#: Label points (lon, lat; rounded to 0.01 degree) of the ISO 3166-1 territories Natural Earth 1:50m has no
#: shape for (``data/basemap/SOURCE.md``), so that their flows can still be drawn to a point.
POINTS_WITHOUT_SHAPE = {
    "BVT": (3.36, -54.42),  # Bouvet Island
    "CCK": (96.83, -12.19),  # Cocos (Keeling) Islands
    "GIB": (-5.35, 36.14),  # Gibraltar
    "TKL": (-171.85, -9.2),  # Tokelau
    "UMI": (166.63, 19.29),  # United States Minor Outlying Islands (Wake Island)
    "VAT": (12.45, 41.9),  # Holy See
}


def _country_rows() -> pd.DataFrame:
    points = {**POINTS_WITHOUT_SHAPE, **_label_points(), SUBSAHARAN: SUBSAHARAN_POINT}
    rows = [(c.iso3, c.iso2, c.numeric, c.name_en, c.name_fr, *points.get(c.iso3, (None, None)), "country")
            for c in all_countries()]  # fmt: skip
    rows += [(c.iso3, c.iso2, c.numeric, c.name_en, c.name_fr, *points.get(c.iso3, (None, None)),
              "region" if c.iso3 == SUBSAHARAN else "unknown") for c in special_ends()]  # fmt: skip
    return pd.DataFrame(rows, columns=TABLES["countries"].column_names)


def _load_countries(con: duckdb.DuckDBPyConnection) -> None:
    con.register("_countries", _country_rows())
    cols = ", ".join(f'"{c}"' for c in TABLES["countries"].column_names)
    con.execute(f"INSERT INTO countries ({cols}) SELECT {cols} FROM _countries")
    con.unregister("_countries")


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run SQL and return a DataFrame (a convenience for notebooks)."""
    return con.execute(sql, params or []).df()
