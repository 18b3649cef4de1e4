"""Bringing a workbook file made by an earlier version up to this one's schema (idempotent, cheap when done)."""

from __future__ import annotations

import duckdb

from gloact_lib.data.derived import ID_LESS_FORMATS, content_key_sql, content_sql, scope_sql
from gloact_lib.data.schema import TABLES

__all__ = ["upgrade"]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?",
                                      [table]).fetchall()}  # fmt: skip


def upgrade(con: duckdb.DuckDBPyConnection) -> None:
    """Add what later versions added to a database made by an earlier one (idempotent, cheap when done).

    The countries (with label points and the ends that are no country) are reloaded; journeys may have
    no period; journeys get their ``scope`` and journeys and incidents their ``content_key``
    (:mod:`gloact_lib.data.derived`); ``imports`` its counts of unchanged and repeated rows.  Each step
    adds its column and fills it in one transaction: an upgrade cut short leaves no half-filled column.
    """
    nullable = dict(con.execute("SELECT column_name, is_nullable FROM duckdb_columns() WHERE table_name = 'journeys' "
                                "AND column_name IN ('period_start', 'period_end')").fetchall())  # fmt: skip
    for column, ok in nullable.items():
        if not ok:  # journeys with no date (a CTDC row with no year) are kept since issue 11
            con.execute(f"ALTER TABLE journeys ALTER COLUMN {column} DROP NOT NULL")
    steps = []
    if "kind" not in _columns(con, "countries"):
        steps.append(["ALTER TABLE countries ADD COLUMN kind VARCHAR", "DELETE FROM countries"])
    missing = [c for c in ("rows_unchanged", "rows_repeated") if c not in _columns(con, "imports")]
    if missing:
        steps.append([f"ALTER TABLE imports ADD COLUMN {c} BIGINT" for c in missing])
    if "scope" not in _columns(con, "journeys"):
        steps.append(["ALTER TABLE journeys ADD COLUMN scope VARCHAR", f"UPDATE journeys SET scope = {scope_sql()}"])
    for table in ("journeys", "incidents"):
        if "content_key" in _columns(con, table):
            continue
        key = TABLES[table].key[0]
        id_less = ", ".join(f"'{f}'" for f in ID_LESS_FORMATS)
        content = content_sql(table, "coalesce(i.format, '')",
                              f"CASE WHEN i.format IN ({id_less}) THEN '' ELSE CAST(t.\"{key}\" AS VARCHAR) END")
        steps.append([f"ALTER TABLE {table} ADD COLUMN content_key UBIGINT",
                      f"""UPDATE {table} SET content_key = k.content_key FROM (
                            SELECT id, {content_key_sql("c", "rank")} AS content_key FROM (
                              SELECT id, c, row_number() OVER (PARTITION BY import_id, c ORDER BY id) AS rank FROM (
                                SELECT t."{key}" AS id, t.import_id, {content} AS c
                                FROM {table} t LEFT JOIN imports i USING (import_id)))) k
                          WHERE {table}."{key}" = k.id"""])  # fmt: skip
    for statements in steps:
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in statements:
                con.execute(sql)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
