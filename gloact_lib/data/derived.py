"""Columns the workbook derives from what a row says: a journey's ``scope``, a row's ``content_key``.

Both are SQL expressions over a row's own columns, so the importer sets them when it
stores rows and :func:`gloact_lib.data.database.connect` fills them in for rows stored
before they existed: one definition for both.

``scope``
    ``domestic``: origin and destination in the same country, with no other country on
    the way (transit places inside that country are fine); ``unknown``: an end is unknown
    or stateless (no place on a map); ``cross_border`` otherwise (a journey that leaves
    and comes back, ``NER -> LBY -> NER``, is cross-border).  The sub-Saharan region
    (``XSS``) is an end with a place, never a country of its own, so never domestic.
``content_key``
    What a row says, whatever file or bytes it came from: the first 64 bits of the MD5 of
    the format's name, every column except ``source`` and audit columns, and the row's rank
    among the identical rows of its import (identical rows in one file are separate persons:
    CTDC rows have no case id).  The row's id is part of what it says when the file gave it
    (the journeys format, Frontex), not when it was made from the file's bytes or row
    numbers (CTDC, HTCDS, Missing Migrants incidents): the same download saved again gets
    new ids of that kind, and the same content.  An import whose rows' keys are
    already stored repeats an earlier import (:mod:`gloact_lib.imports.repeats`).
"""

from __future__ import annotations

from gloact_lib.data.countries import NOT_PLACED, SUBSAHARAN
from gloact_lib.data.schema import TABLES

__all__ = ["CONTENT_EXCLUDED", "ID_LESS_FORMATS", "content_columns", "content_key_sql", "content_sql", "scope_sql"]

#: Columns that say nothing about the persons: provenance, audit, derived (the id is handled apart).
CONTENT_EXCLUDED = frozenset({"source", "import_id", "rkey", "content_key", "scope"})
#: Formats of databases made before content keys whose ids came from the file's bytes or row numbers
#: (used once, to key the rows such a database holds; a format says so itself: ``Format.content_ids``).
ID_LESS_FORMATS = ("ctdc", "htcds", "incidents")


def _quoted(codes) -> str:
    return ", ".join(f"'{c}'" for c in sorted(codes))


def scope_sql(prefix: str = "") -> str:
    """SQL for a journey's scope from ``origin_country``, ``via_countries`` and ``destination_country``.

    Parameters
    ----------
    prefix : str
        Table alias with its dot (``"s."``), if any.

    Examples
    --------
    >>> import duckdb
    >>> rows = [("NER", "", "NER"), ("NER", "NER", "NER"), ("NER", "LBY", "NER"), ("NGA", "", "XXX")]
    >>> con = duckdb.connect()
    >>> [con.execute(f"SELECT {scope_sql()} FROM (SELECT ? AS origin_country, ? AS via_countries, "
    ...              f"? AS destination_country)", list(r)).fetchone()[0] for r in rows]
    ['domestic', 'domestic', 'cross_border', 'unknown']
    """
    o, v, d = f"{prefix}origin_country", f"{prefix}via_countries", f"{prefix}destination_country"
    return (
        f"(CASE WHEN {o} IN ({_quoted(NOT_PLACED)}) OR {d} IN ({_quoted(NOT_PLACED)}) THEN 'unknown' "
        f"WHEN {o} = {d} AND {o} <> '{SUBSAHARAN}' AND list_bool_and(list_transform("
        f"list_filter(string_split(coalesce({v}, ''), ';'), lambda x: x <> ''), lambda x: x = {o})) "
        f"IS NOT FALSE THEN 'domestic' ELSE 'cross_border' END)"
    )


def content_columns(table: str) -> list[str]:
    """The columns of ``table`` that :func:`content_key_sql` hashes, in declaration order.

    Examples
    --------
    >>> content_columns("incidents")[:3]
    ['date', 'type', 'route']
    """
    key = TABLES[table].key
    return [c for c in TABLES[table].column_names if c not in CONTENT_EXCLUDED and c not in key]


def content_sql(table: str, format_sql: str = "?", id_sql: str | None = None) -> str:
    """SQL for what a row says (an MD5 text): the format, the id (``id_sql``: the key column, or ``''`` for
    a format whose ids are not content), every :func:`content_columns` value."""
    id_sql = f'CAST("{TABLES[table].key[0]}" AS VARCHAR)' if id_sql is None else id_sql
    parts = [format_sql, id_sql] + [f"coalesce(CAST(\"{c}\" AS VARCHAR), '\\N')" for c in content_columns(table)]
    return "md5(" + " || chr(31) || ".join(parts) + ")"


def content_key_sql(content: str, rank_sql: str = "rank") -> str:
    """SQL for the ``content_key`` (a UBIGINT) of a row whose :func:`content_sql` is ``content``, given its rank
    among the identical rows of its import (1, 2, ...)."""
    return f"('0x' || left(md5({content} || chr(30) || CAST({rank_sql} AS VARCHAR)), 16))::UBIGINT"
