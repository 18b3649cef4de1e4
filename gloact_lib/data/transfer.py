"""``gloact copy``: move a whole workbook between a DuckDB file and a PostgreSQL server, either way.

Every table of :mod:`gloact_lib.data.schema` is copied, audit tables (``imports``,
``rejections``) and the disclosure secret included, so that the copy publishes the same figures
(the same record keys, hence the same cell keys).  The rows of each table are counted on both
sides after the copy, and the record keys summed: a copy that differs is undone and reported.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from gloact_lib.data.replica import load_replica, push_rows
from gloact_lib.data.schema import TABLES
from gloact_lib.data.server import install_schema, is_server, pg_connect, redact, set_secret

__all__ = ["CopyError", "copy_workbook"]


class CopyError(Exception):
    """A copy that cannot be made, or whose counts differ (the target is left as it was)."""


def _counts(fetch) -> dict[str, int]:
    """Rows of every workbook table and the sum of the record keys; ``fetch(sql)`` gives a query's one value."""
    out = {t: fetch(f'SELECT count(*) FROM "{t}"') for t in TABLES}
    out["sum(rkey)"] = int(fetch("SELECT coalesce(sum(rkey), 0) FROM journeys"))
    return out


def _counts_duck(duck: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return _counts(lambda sql: duck.execute(sql).fetchall()[0][0])


def _counts_pg(pg) -> dict[str, int]:
    return _counts(lambda sql: pg.execute(sql).fetchone()[0])


def _compare(source: dict, target: dict, where: str) -> None:
    wrong = [f"{t}: {source[t]} -> {target.get(t)}" for t in source if source[t] != target.get(t)]
    if wrong:
        raise CopyError(f"copy to {where} differs from its source ({'; '.join(wrong)}); nothing was kept")


def _held(pg) -> dict[str, int]:
    """Rows of each workbook table the server holds already (none when it holds no workbook)."""
    if not pg.execute("SELECT to_regclass('public.journeys') IS NOT NULL").fetchone()[0]:
        return {}
    return {t: pg.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def _to_server(source: str, url: str, force: bool) -> dict[str, int]:
    import psycopg

    from gloact_lib.data.database import open_waiting
    from gloact_lib.data.server import IMPORT_LOCK

    duck = open_waiting(source, read_only=True)
    pg = None
    try:
        counts = _counts_duck(duck)
        secret = duck.execute("SELECT secret, created_at FROM disclosure_secret ORDER BY created_at LIMIT 1").fetchall()
        pg = pg_connect(url)
        held = {t: n for t, n in _held(pg).items() if n}
        pg.rollback()
        if held and not force:  # before anything is made or changed there
            raise CopyError(f"{redact(url)} already holds a workbook ("
                            + ", ".join(f"{n} {t}" for t, n in held.items()) + "); give --force to replace it")
        install_schema(pg)
        with pg.transaction():
            pg.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])  # no import's final step meanwhile
            pg.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in TABLES) + ", disclosure_hmac")
            if secret:
                set_secret(pg, bytes(secret[0][0]), secret[0][1])
            folder = Path(tempfile.mkdtemp(prefix="gloact-copy-"))
            try:
                for table in TABLES:
                    if table != "disclosure_secret":
                        push_rows(duck, pg, table, folder)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            pg.execute("SELECT setval('import_ids', greatest((SELECT max(import_id) FROM imports), 1))")
            _compare(counts, _counts_pg(pg), redact(url))
        pg.execute("SELECT gloact_publish_flows()")
        pg.commit()
    except psycopg.Error as exc:
        from gloact_lib.data.server import server_error

        known = server_error(exc, url)
        if known is not None:
            raise known from None
        raise CopyError(f"copy to {redact(url)} refused by the server ({' '.join(str(exc).split())[:200]}); "
                        "nothing was kept") from None  # fmt: skip
    finally:
        if pg is not None:
            pg.close()
        duck.close()
    return counts


def _from_server(url: str, target: Path, force: bool) -> dict[str, int]:
    if target.exists() and not force:
        raise CopyError(f"{target}: exists; give --force to replace it")
    pg = pg_connect(url)
    folder = Path(tempfile.mkdtemp(prefix="gloact-copy-", dir=target.parent))
    try:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        can_read = "SELECT has_table_privilege(%s, 'SELECT')"
        unreadable = [t for t in TABLES if not pg.execute(can_read, [t]).fetchone()[0]]
        if unreadable:
            raise CopyError(f"{redact(url)}: this user may not read {', '.join(unreadable)}; copy a whole workbook "
                            "as its owner (the role that built it)")  # fmt: skip
        counts = _counts_pg(pg)
        duck = load_replica(pg, folder / target.name, None, None)
        try:
            duck.execute("DROP TABLE _workbook_server")
            _compare(counts, _counts_duck(duck), str(target))
        finally:
            duck.close()
        pg.execute("COMMIT")
        os.replace(folder / target.name, target)
        return counts
    finally:
        pg.close()
        shutil.rmtree(folder, ignore_errors=True)


def copy_workbook(source: str | Path, target: str | Path, force: bool = False) -> dict[str, int]:
    """Copy a whole workbook from ``source`` to ``target`` (a DuckDB file or a ``postgresql://`` address).

    Parameters
    ----------
    source, target : str or Path
        One of them a server, the other a DuckDB file.
    force : bool, default False
        Replace a workbook the target already holds.

    Returns
    -------
    dict
        Rows per table (and ``sum(rkey)``), the same on both sides.

    Raises
    ------
    CopyError
        Both files or both servers, a target that holds a workbook (without ``force``), or counts
        that differ after the copy (then nothing is kept).
    gloact_lib.data.database.DatabaseError
        A server that cannot be reached or refuses the user; a file that is missing or busy.
    """
    source, target = str(source), str(target)
    if is_server(source) == is_server(target):
        raise CopyError("copy goes between a workbook file and a server (postgresql://...): give one of each")
    if is_server(target):
        return _to_server(source, target, force)
    return _from_server(source, Path(target).expanduser().resolve(), force)

