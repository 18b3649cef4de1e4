"""Small DuckDB helpers shared by the data layer.

DuckDB 2.0 keeps a result open after ``fetchone()`` and refuses other work on
the connection until it is drained, so single values are read with
``fetchall()``.
"""

from __future__ import annotations

import duckdb

__all__ = ["open_duckdb", "scalar"]


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The single value of a one-row, one-column query.

    Examples
    --------
    >>> scalar(duckdb.connect(), "SELECT 41 + 1")
    42
    """
    return con.execute(sql, params or []).fetchall()[0][0]


def open_duckdb(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection without a progress bar: DuckDB draws one on stdout for a long query on a file
    database (a busy machine makes a query long), which would break a command's ``--json`` output.

    Examples
    --------
    >>> open_duckdb(":memory:").execute("SELECT current_setting('enable_progress_bar')").fetchall()
    [(False,)]
    """
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    return con
