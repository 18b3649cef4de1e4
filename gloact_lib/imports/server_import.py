"""The last step of an import into a workbook on a PostgreSQL server: compare, append, record, in one transaction.

The file has been read, validated and staged locally (:mod:`gloact_lib.imports.stage`), as for a
workbook file.  Then, in one server transaction holding the workbook's import lock (one final
step at a time, whoever imports, from whichever machine):

1. what this user may read of the target table and of ``imports`` is copied into a private DuckDB
   file (:func:`gloact_lib.data.replica.load_replica`), and the pipeline's own comparison
   (:func:`gloact_lib.imports.pipeline._finish`: duplicates, repeats, the report) runs on it;
2. the new rows, the import's audit row and its rejections are sent with ``COPY``
   (:func:`gloact_lib.data.replica.push_rows`); row-level security checks each row (a focal point
   appends only its country's), the server sets each journey's record key;
3. the transaction commits.  Killed or failing anywhere before, the server rolls it back: the
   workbook is as it was.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from gloact_lib import config
from gloact_lib.data.replica import load_replica, push_rows
from gloact_lib.data.schema import TABLES
from gloact_lib.data.server import IMPORT_LOCK, pg_connect, redact, server_error
from gloact_lib.data.sql import open_duckdb

__all__ = ["finish_on_server", "my_country", "reference_tables", "server_address"]


def server_address(workbook) -> str | None:
    """The server of a workbook given as an address or as a replica's connection; None for a workbook file."""
    from gloact_lib.data.replica import server_of
    from gloact_lib.data.server import is_server

    if isinstance(workbook, duckdb.DuckDBPyConnection):
        return server_of(workbook)
    return str(workbook) if is_server(str(workbook)) else None


@contextmanager
def reference_tables(url: str):
    """A local copy of what validation reads (places, recommendations), not a whole replica: an import's
    first moment does not grow with the workbook."""
    folder = Path(tempfile.mkdtemp(prefix="gloact-server-import-"))
    pg = pg_connect(url)
    try:
        con = load_replica(pg, folder / "reference.duckdb", url, None, tables=["places", "recommendations"])
        pg.rollback()
        try:
            yield con
        finally:
            con.close()
    finally:
        pg.close()
        shutil.rmtree(folder, ignore_errors=True)


def my_country(url: str) -> str | None:
    """The country of a focal point connected to ``url`` (row-level security's), or None for other roles."""
    pg = pg_connect(url, autocommit=True)
    try:
        return pg.execute("SELECT gloact_my_country()").fetchone()[0]
    finally:
        pg.close()


def _push(pg, folder: Path, table: str):
    def push(con, import_id: int) -> None:
        columns = [c for c in TABLES[table].column_names if c != "rkey"]  # the server sets record keys
        push_rows(con, pg, table, folder, "import_id = ?", [import_id], columns)
        push_rows(con, pg, "imports", folder, "import_id = ?", [import_id])
        push_rows(con, pg, "rejections", folder, "import_id = ?", [import_id])

    return push


def _add_invisible_ids(pg, local, stage_file: Path) -> None:
    """Add to the comparison the file's journey ids stored by imports this user may not read (another country's),
    so that those rows are rejected and reported one by one, as on a workbook file."""
    stage = open_duckdb(stage_file, read_only=True)
    try:
        ids = [r[0] for r in stage.execute("SELECT DISTINCT journey_id FROM stage").fetchall()]
    finally:
        stage.close()
    taken = pg.execute("SELECT journey_id, import_id FROM gloact_stored_journeys(%s)", [ids]).fetchall()
    if taken:
        local.execute("CREATE TEMP TABLE _taken (journey_id VARCHAR, import_id BIGINT)")
        local.executemany("INSERT INTO _taken VALUES (?, ?)", taken)
        local.execute("INSERT INTO journeys (journey_id, import_id) SELECT journey_id, import_id FROM _taken "
                      "WHERE journey_id NOT IN (SELECT journey_id FROM journeys)")  # fmt: skip
        local.execute("DROP TABLE _taken")


def _rollback(pg) -> None:
    try:
        pg.rollback()
    except Exception:  # the connection is gone: the server has rolled back already
        pass


def _take_turn(pg, url: str, on_wait=None) -> None:
    """Hold the workbook's import lock for this transaction, waiting for another import's final step (saying so
    once), up to ``config.LOCK_WAIT_SECONDS``; then say who holds it."""
    from gloact_lib.data.database import DatabaseError

    limit = config.LOCK_WAIT_SECONDS
    deadline, told = time.monotonic() + limit, False
    while not pg.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK]).fetchone()[0]:
        if time.monotonic() >= deadline:
            holder = pg.execute(
                "SELECT a.usename, extract(epoch FROM now() - a.xact_start)::int FROM pg_locks l "
                "JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.objid = %s AND l.pid <> pg_backend_pid()", [IMPORT_LOCK]).fetchone()  # fmt: skip
            who = f"an import by {holder[0]} (for {holder[1]} s)" if holder else "another import"
            raise DatabaseError(f"{redact(url)}: {who} is finishing; try again when it has (waited {limit:g} s)",
                                "busy")  # fmt: skip
        if not told and on_wait is not None:
            on_wait(f"waiting for another import to finish with {redact(url)}…")
        told = True
        time.sleep(config.LOCK_RETRY_SECONDS)


def finish_on_server(url: str, finish, stage_file: Path, path: Path, source, chosen, target, staged_cols, digest,
                     report, dry_run: bool, allow_repeats: str, rows_read: int, unchanged: int, members,
                     country: str | None, on_wait=None):  # fmt: skip
    """Run the pipeline's final step (``finish``) against the server at ``url``; see the module's description.

    Raises
    ------
    gloact_lib.data.database.DatabaseError
        The server cannot be reached or refuses a row (``conflict``: an id another import stored,
        which this user may not see; ``denied``: a row this user may not write); nothing is stored.
    """
    import psycopg

    from gloact_lib.data.database import DatabaseError

    folder = Path(tempfile.mkdtemp(prefix="gloact-server-import-"))
    pg = pg_connect(url)
    try:
        import_id = None
        if not dry_run:
            _take_turn(pg, url, on_wait)
            import_id = pg.execute("SELECT nextval('import_ids')").fetchone()[0]
        # what the comparison reads of the stored rows: their keys, content keys and imports
        compared = [c for c in TABLES[target.name].column_names if c in (*target.key, "content_key", "import_id")]
        local = load_replica(pg, folder / "workbook.duckdb", url, None, tables=[target.name, "imports"],
                             narrow={target.name: compared})  # fmt: skip
        if target.name == "journeys" and not chosen.synthetic_ids:
            _add_invisible_ids(pg, local, stage_file)
        try:
            result = finish(local, stage_file, path, source, chosen, target, staged_cols, digest, report, dry_run,
                            allow_repeats, rows_read, unchanged, members, country,
                            push=None if dry_run else _push(pg, folder, target.name), import_id=import_id)  # fmt: skip
        finally:
            local.close()
        pg.commit()
        if not dry_run:  # the published flows, from committed data (server_access.py)
            pg.execute("SELECT gloact_publish_flows()")
            pg.commit()
        return result
    except psycopg.errors.UniqueViolation as exc:
        _rollback(pg)
        detail = (exc.diag.message_detail or "").replace("Key ", "", 1)
        raise DatabaseError(f"{redact(url)}: {target.name}: {detail} (stored by an import this user may not see); "
                            "nothing was imported", "conflict") from None  # fmt: skip
    except psycopg.errors.InsufficientPrivilege as exc:
        _rollback(pg)
        raise DatabaseError(f"{redact(url)}: {target.name}: this user may not store these rows "
                            f"({' '.join(str(exc).split())[:160]}); nothing was imported", "denied") from None
    except psycopg.Error as exc:
        _rollback(pg)
        raise (server_error(exc, url) or exc) from None
    except BaseException:
        _rollback(pg)
        raise
    finally:
        pg.close()
        shutil.rmtree(folder, ignore_errors=True)
