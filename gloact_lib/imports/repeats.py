"""Duplicates and repeated imports: the same record or the same rows stored twice.

:func:`reject_duplicates` rejects, row by row, a key seen earlier in the file or already stored
(ids the file gives).  The rest of this module is about repeats:

Row ids made from a file's bytes (or its row numbers) cannot tell that a download saved
again with other line endings, re-exported by Excel or renamed is the same data.  Every
stored journey and incident has a ``content_key`` (:mod:`gloact_lib.data.derived`): what
the row says, and its rank among the identical rows of its import.  An import whose rows'
keys are already stored repeats an earlier import and is refused as a whole, naming it;
``allow_repeats=True`` (``gloact import --allow-repeats``) stores them knowingly and the
``imports`` row records how many; ``skip_repeats=True`` (``--skip-repeats``, for an updated
download that repeats what was stored and adds new rows) stores only the new rows and reports
the others.

Identical rows inside one file stay separate persons (ranks 1, 2, 3...); a second file
holding the same identical rows again repeats them.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from gloact_lib.data.derived import content_key_sql, content_sql
from gloact_lib.data.schema import Table
from gloact_lib.imports.readers import ReadError

__all__ = ["RepeatError", "add_content_keys", "reject_duplicates", "repeated_rows"]


class RepeatError(ReadError):
    """An import repeats rows an earlier import stored; nothing was stored.

    Attributes
    ----------
    repeated : int
        Rows of the file already stored.
    earlier : list of (import_id, file_name, imported_at, rows)
        The earlier imports they were stored by, most rows first.
    """

    def __init__(self, message: str, repeated: int, earlier: list[tuple]):
        super().__init__(message)
        self.repeated = repeated
        self.earlier = earlier


def add_content_keys(con: duckdb.DuckDBPyConnection, stage: str, table: str, fmt: str, with_ids: bool) -> None:
    """Fill ``content_key`` of every staged row (the rank is by file row, ``_row``).

    ``with_ids``: the file's ids are part of what its rows say (``Format.content_ids``).
    """
    content = content_sql(table, "?", None if with_ids else "''")
    con.execute(
        f"""UPDATE {stage} AS s SET content_key = k.key FROM (
              SELECT _row AS r, {content_key_sql("c", "rank")} AS key FROM (
                SELECT _row, c, row_number() OVER (PARTITION BY c ORDER BY _row) AS rank
                FROM (SELECT _row, {content} AS c FROM {stage}))) k
            WHERE s._row = k.r""",
        [fmt],
    )


def repeated_rows(con: duckdb.DuckDBPyConnection, stage: str, table: str, file_name: str,
                  allow: bool, skip: bool = False, rej: str | None = None,
                  members: pd.DataFrame | None = None) -> int:  # fmt: skip
    """How many staged rows repeat stored ones; refuse the import unless ``allow`` or ``skip``.

    With ``skip`` (an updated download: the rows already stored are left out, the new ones stored), the
    repeated rows are taken out of the stage and reported in ``rej`` with the import that stored them.

    Raises
    ------
    RepeatError
        When rows repeat and neither ``allow`` nor ``skip``; the message names the earlier import(s).
    """
    repeated = con.execute(
        f'SELECT count(*) FROM {stage} s SEMI JOIN "{table}" t ON t.content_key = s.content_key'
    ).fetchall()[0][0]
    if repeated and skip:
        _skip(con, stage, table, rej, members)
        return 0
    if repeated and not allow:
        earlier = con.execute(  # only to name them: a second look at the stored rows when something repeats
            f"""SELECT r.import_id, coalesce(i.file_name, '(unknown file)'), i.imported_at, r.n
                FROM (SELECT t.import_id, count(DISTINCT s._row) AS n
                      FROM {stage} s JOIN "{table}" t ON t.content_key = s.content_key GROUP BY t.import_id) r
                LEFT JOIN imports i ON i.import_id = r.import_id
                ORDER BY r.n DESC, r.import_id""",
        ).fetchall()
        first = earlier[0]
        when = f", {first[2]:%Y-%m-%d %H:%M} UTC" if first[2] is not None else ""
        others = f" (and {len(earlier) - 1} other import(s))" if len(earlier) > 1 else ""
        raise RepeatError(
            f"{file_name}: {repeated:,} row(s) repeat rows already stored by import {first[0]} ({first[1]}{when})"
            f"{others}: the same data imported again (saved again, renamed or re-exported?); nothing was imported. "
            "Store only the new rows with --skip-repeats (an updated download), or everything with --allow-repeats "
            "only if these are new persons.",
            repeated,
            earlier,
        )
    return int(repeated)


def _skip(con: duckdb.DuckDBPyConnection, stage: str, table: str, rej: str, members: pd.DataFrame | None) -> None:
    """Take the repeated rows out of the stage and report each (every file row of a grouped record)."""
    con.execute(
        f"""CREATE TEMP TABLE _repeats AS
            SELECT s._row, min(t.import_id) AS import_id
            FROM {stage} s JOIN "{table}" t ON t.content_key = s.content_key GROUP BY s._row"""
    )
    try:
        reason = "'already stored by import ' || coalesce(CAST(r.import_id AS VARCHAR), '?') || ' (--skip-repeats)'"
        if members is not None:
            con.register("_repeat_members", members)
            con.execute(f"""INSERT INTO {rej} SELECT m.member_row, '', '', {reason}
                            FROM _repeats r JOIN _repeat_members m ON m._row = r._row""")
            con.unregister("_repeat_members")
        else:
            con.execute(f"INSERT INTO {rej} SELECT r._row, '', '', {reason} FROM _repeats r")
        con.execute(f"DELETE FROM {stage} WHERE _row IN (SELECT _row FROM _repeats)")
    finally:
        con.execute("DROP TABLE IF EXISTS _repeats")


def reject_duplicates(con: duckdb.DuckDBPyConnection, target: Table, stage: str, rej: str,
                      members: pd.DataFrame | None) -> None:  # fmt: skip
    """Reject repeated keys within the file (keeping the first) and keys already stored."""
    if not target.key:
        return
    key = ", ".join(f'"{k}"' for k in target.key)
    label = "+".join(target.key)
    value = " || '|' || ".join(f'CAST("{k}" AS VARCHAR)' for k in target.key)
    s_value = " || '|' || ".join(f's."{k}"::VARCHAR' for k in target.key)
    join = " AND ".join(f's."{k}" = t."{k}"' for k in target.key)
    con.execute(
        f"""CREATE TEMP TABLE _dupes AS
        SELECT _row, {value} AS value,
               'duplicate {label}: first seen on row ' || CAST(first_row AS VARCHAR) AS reason
        FROM (SELECT _row, {key}, min(_row) OVER (PARTITION BY {key}) AS first_row FROM {stage})
        WHERE _row <> first_row
        UNION ALL
        SELECT s._row, {s_value}, '{label} already in the database (import ' ||
               coalesce(CAST(t.import_id AS VARCHAR), 'build') || ')'
        FROM {stage} s JOIN "{target.name}" t ON {join}"""
    )
    if members is not None:
        con.register("_members_df", members)
        con.execute(
            f"""INSERT INTO {rej} SELECT m.member_row, '{label}', d.value, d.reason
            FROM _dupes d JOIN _members_df m ON m._row = d._row"""
        )
        con.unregister("_members_df")
    else:
        con.execute(f"""INSERT INTO {rej} SELECT _row, '{label}', value, reason FROM _dupes""")
    con.execute(f'DELETE FROM {stage} WHERE _row IN (SELECT _row FROM _dupes)')
    con.execute("DROP TABLE _dupes")
