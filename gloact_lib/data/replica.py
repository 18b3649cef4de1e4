"""Moving rows between a PostgreSQL workbook and DuckDB: replicas for reading, ``COPY`` both ways.

A *replica* is what one role may read of a server workbook, copied into a private DuckDB file and
opened read-only, so that every figure is computed by the same DuckDB SQL as for a workbook file
(:mod:`gloact_lib.data.server` says why).  :func:`open_replica` keeps one per server address and
process and makes a new one only when :func:`gloact_lib.data.server.data_version` has changed: a
dashboard's redraw costs the server one small query.

Rows travel as CSV through ``COPY``: every non-empty value quoted, so an empty text and a missing
value stay apart; ``bytea``/``BLOB`` as ``\\x``-hex text; unsigned 64-bit content keys as
``numeric(20,0)`` on the server.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from gloact_lib.data.schema import TABLES, create_sql
from gloact_lib.data.sql import open_duckdb

__all__ = ["SERVER_TABLE", "load_replica", "open_replica", "pull_table", "push_rows", "server_of"]

#: Table of a replica naming the server it copies (its address, data version and time of copy).
SERVER_TABLE = "_workbook_server"
_CHUNK = 1 << 20


def _names_and_types(table: str, columns: list[str] | None) -> tuple[list[str], dict[str, str]]:
    """The columns to move (default: all declared) and the declared type of each."""
    return columns or TABLES[table].column_names, {c.name: c.type for c in TABLES[table].columns}


def pull_table(pg, duck: duckdb.DuckDBPyConnection, table: str, folder: Path, where: str = "",
               params: list | None = None, columns: list[str] | None = None) -> int:  # fmt: skip
    """Append the rows of a server table (``WHERE where``; only ``columns``, if given) to the DuckDB table of
    the same name.

    Returns
    -------
    int
        Rows copied.
    """
    names, types = _names_and_types(table, columns)
    path = Path(folder) / f"pull-{table}.csv"
    cols = ", ".join(f'"{c}"' for c in names)
    sql = f'SELECT {cols} FROM "{table}"' + (f" WHERE {where}" if where else "")
    with open(path, "wb") as fh, pg.cursor() as cur:
        with cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, FORCE_QUOTE *)", params or None) as copy:
            for chunk in copy:
                fh.write(chunk)
    read_types = {c: ("VARCHAR" if types[c] == "BLOB" else types[c]) for c in names}
    values = ", ".join(f"unhex(substr(\"{c}\", 3))" if types[c] == "BLOB" else f'"{c}"' for c in names)
    before = duck.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    duck.execute(
        f'INSERT INTO "{table}" ({cols}) SELECT {values} FROM read_csv(?, header = false, columns = ?, '
        "quote = '\"', escape = '\"', delim = ',', allow_quoted_nulls = false, auto_detect = false)",
        [str(path), read_types],
    )
    path.unlink()
    return duck.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0] - before


def push_rows(duck: duckdb.DuckDBPyConnection, pg, table: str, folder: Path, where: str = "",
              params: list | None = None, columns: list[str] | None = None) -> int:  # fmt: skip
    """Append rows of a DuckDB table (``WHERE where``) to the server table of the same name, with ``COPY``
    (into a temporary table, then ``INSERT``: row-level security checks every row).

    Parameters
    ----------
    columns : list of str, optional
        Columns to send (default all declared); the others take the server's default or trigger
        (a journey's ``rkey`` is always set by the server).

    Returns
    -------
    int
        Rows sent.
    """
    names, types = _names_and_types(table, columns)
    path = Path(folder) / f"push-{table}.csv"
    values = ", ".join(f"CASE WHEN \"{c}\" IS NOT NULL THEN '\\x' || hex(\"{c}\") END" if types[c] == "BLOB"
                       else f'"{c}"' for c in names)  # fmt: skip
    sql = f'SELECT {values} FROM "{table}"' + (f" WHERE {where}" if where else "")
    duck.execute(f"COPY ({sql}) TO '{path}' (FORMAT csv, HEADER false)", params or [])
    cols = ", ".join(f'"{c}"' for c in names)
    # PostgreSQL refuses COPY into a table with row-level security for the roles it applies to: the rows go
    # to a temporary table first, then into the table with INSERT, where the policies check each of them.
    temp = f"_push_{table}"
    with open(path, "rb") as fh, pg.cursor() as cur:
        cur.execute(f'CREATE TEMP TABLE "{temp}" AS SELECT {cols} FROM "{table}" WITH NO DATA')
        with cur.copy(f'COPY "{temp}" ({cols}) FROM STDIN (FORMAT csv)') as copy:
            while chunk := fh.read(_CHUNK):
                copy.write(chunk)
        cur.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{temp}"')
        sent = cur.rowcount
        cur.execute(f'DROP TABLE "{temp}"')
    path.unlink()
    return sent


def _readable(pg) -> list[str]:
    rows = pg.execute("SELECT t FROM unnest(%s::text[]) t WHERE to_regclass(quote_ident(t)) IS NOT NULL AND "
                      "has_table_privilege(quote_ident(t), 'SELECT')", [list(TABLES)]).fetchall()  # fmt: skip
    return [r[0] for r in rows]


def load_replica(pg, path: Path, url: str | None, version: int | None, tables: list[str] | None = None,
                 narrow: dict[str, list[str]] | None = None) -> duckdb.DuckDBPyConnection:  # fmt: skip
    """A new DuckDB file at ``path`` with the workbook's tables, holding every row ``pg``'s role may read
    (of ``tables`` only, if given; of a table in ``narrow``, only those columns, the others empty: an
    import's comparison needs the keys and content keys of its target, and ``imports``).

    Tables the role may not read at all (the secret; journeys for a viewer) are there, empty.  The
    copy is one snapshot: the tables are read in one repeatable-read transaction.

    Returns
    -------
    duckdb.DuckDBPyConnection
        Writable (the caller reopens it read-only, or appends an import to it).
    """
    duck = open_duckdb(path)
    for table in TABLES.values():  # a narrowed table holds empty columns: no NOT NULL there
        ddl = create_sql(table)
        duck.execute(ddl.replace(" NOT NULL", "") if table.name in (narrow or {}) else ddl)
    duck.execute(f"CREATE TABLE {SERVER_TABLE} (url VARCHAR, version BIGINT, copied_at TIMESTAMP)")
    duck.execute(f"INSERT INTO {SERVER_TABLE} VALUES (?, ?, ?)",
                 [url, version, dt.datetime.now(dt.UTC).replace(tzinfo=None)])  # fmt: skip
    from psycopg.pq import TransactionStatus

    # the caller's transaction (an import's, under its lock), or a snapshot of our own
    in_transaction = pg.info.transaction_status != TransactionStatus.IDLE
    if not in_transaction:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        for table in _readable(pg):
            if tables is None or table in tables:
                pull_table(pg, duck, table, path.parent, columns=(narrow or {}).get(table))
    finally:
        if not in_transaction:
            pg.execute("COMMIT")
    return duck


def server_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The server address a replica copies, or None for a workbook file."""
    try:
        rows = con.execute(f"SELECT url FROM {SERVER_TABLE}").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


@dataclass
class _Replica:
    version: int
    folder: Path
    con: duckdb.DuckDBPyConnection


_REPLICAS: dict[str, _Replica] = {}
_LOCK = threading.Lock()


def _forget(replica: _Replica) -> None:
    # Cursors handed out keep the database open after the file is gone; it closes with the last of them.
    shutil.rmtree(replica.folder, ignore_errors=True)


def open_replica(url: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to this process's replica of a server workbook, made again if the data changed.

    Raises
    ------
    gloact_lib.data.database.DatabaseError
        The server cannot be reached, refuses this user, or holds no workbook (one line, no password).
    """
    import psycopg

    from gloact_lib.data.server import data_version, pg_connect, server_error

    with _LOCK:
        pg = pg_connect(url, autocommit=True)
        try:
            version = data_version(pg)
            replica = _REPLICAS.get(url)
            if replica is None or replica.version != version:
                folder = Path(tempfile.mkdtemp(prefix="gloact-replica-"))
                try:
                    load_replica(pg, folder / "replica.duckdb", url, version).close()
                    fresh = _Replica(version, folder, open_duckdb(folder / "replica.duckdb", read_only=True))
                except BaseException:
                    shutil.rmtree(folder, ignore_errors=True)
                    raise
                if replica is not None:
                    _forget(replica)
                _REPLICAS[url] = replica = fresh
        except psycopg.Error as exc:
            raise (server_error(exc, url) or exc) from None
        finally:
            pg.close()
        return replica.con.cursor()


@atexit.register
def _remove_all() -> None:
    for replica in _REPLICAS.values():
        _forget(replica)
    _REPLICAS.clear()
