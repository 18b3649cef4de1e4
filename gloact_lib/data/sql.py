"""Small DuckDB helpers shared by the data layer.

DuckDB 2.0 keeps a result open after ``fetchone()`` and refuses other work on
the connection until it is drained, so single values are read with
``fetchall()``.
"""

from __future__ import annotations

import duckdb

__all__ = ["scalar"]


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The single value of a one-row, one-column query.

    Examples
    --------
    >>> scalar(duckdb.connect(), "SELECT 41 + 1")
    42
    """
    return con.execute(sql, params or []).fetchall()[0][0]
