"""Building a workbook database from the shipped data, through the same importers an analyst uses.

:func:`build_db` fills a new database from ``data/`` (reference data and the illustrative
sample), so that every shipped row is audited in ``imports`` too; :func:`scratch` is an
in-memory database that knows the shipped places, for checking a file without a database.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from gloact_lib import config
from gloact_lib.data.database import DatabaseError, connect, database_error, reports_dir, workbook_target
from gloact_lib.imports.pipeline import ImportResult, import_file
from gloact_lib.progress import Callback, reporting, tell

__all__ = ["REFERENCE_FILES", "build_db", "scratch"]

#: Shipped files loaded by :func:`build_db`, in dependency order (places before journeys).
REFERENCE_FILES = (
    "reference/groups.csv",
    "reference/hubs.csv",
    "reference/treaties.csv",
    "reference/meetings.csv",
    "reference/participants.csv",
    "reference/recommendations.csv",
    "reference/recommendations_niamey2018.csv",
    "sample/status_updates_sample.csv",
    "reference/indicators.csv",
    "reference/missing_migrants_incidents.csv",
    "reference/frontex_detections.csv",
    "sample/journeys_sample.csv",
)


def scratch() -> duckdb.DuckDBPyConnection:
    """An in-memory database holding the countries and the shipped places.

    Used to check a file when no workbook database exists yet.
    """
    con = connect(":memory:")
    with tempfile.TemporaryDirectory(prefix="gloact-") as tmp:
        import_file(con, config.REFERENCE_DIR / "hubs.csv", report=Path(tmp) / "hubs.rejections.csv")
    return con


def build_db(db: str | Path | None = None, force: bool = False, report_dir: str | Path | None = None,
             progress: Callback | None = None) -> list[ImportResult]:  # fmt: skip
    """Build the workbook database from the shipped data.

    Parameters
    ----------
    db : str or Path, optional
        Target file (default :data:`gloact_lib.config.DEFAULT_DB`).
    force : bool, default False
        Replace an existing file; otherwise an existing file is an error.
    report_dir : str or Path, optional
        Where the rejection reports go, one per file (default ``reports/build/`` beside the
        database, see :func:`gloact_lib.data.database.reports_dir`: ``data/reports/build/`` for
        the default database).
    progress : callable, optional
        ``progress(done, total, file_name)`` before each file and once at the end
        (:mod:`gloact_lib.progress`).

    Returns
    -------
    list of ImportResult
        One per shipped file, in :data:`REFERENCE_FILES` order.
    """
    target = Path(workbook_target(db))
    guard = None
    if str(target) != ":memory:" and target.exists():
        if not force:
            raise FileExistsError(f"{target} exists; pass --force to rebuild it")
        # Hold the old file's write lock while building: an import that is writing it makes
        # this refuse, and no import can start on the file that is about to be replaced.
        try:
            guard = duckdb.connect(str(target))
        except duckdb.Error as exc:
            err = database_error(exc, target)
            if err is not None and err.kind == "busy":
                raise DatabaseError(f"{target}: not replaced: {str(err).split(': ', 1)[1]}", "busy") from None
            guard = None  # damaged or not a database: nothing to protect, replace it
    reports = Path(report_dir) if report_dir else reports_dir(target) / "build"
    tmp = target.with_name(target.name + ".building")
    tmp.unlink(missing_ok=True)
    try:
        con = connect(tmp)
        try:
            results = []
            with reporting(None):  # the rows of each file are not this work's steps
                for done, rel in enumerate(REFERENCE_FILES):
                    path = config.DATA_DIR / rel
                    tell(progress, done, len(REFERENCE_FILES), path.name)
                    results.append(import_file(con, path, report=reports / f"{path.stem}.rejections.csv"))
            con.execute("CHECKPOINT")
            tell(progress, len(REFERENCE_FILES), len(REFERENCE_FILES))
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        Path(str(target) + ".wal").unlink(missing_ok=True)
        os.replace(tmp, target)  # atomic: a reader sees the old database or the new one
    finally:
        if guard is not None:
            guard.close()
    return results
