"""The workbook database: one DuckDB file, built from ``data/``.

:func:`connect` opens (and if needed creates) a database with the schema of
:mod:`gloact_lib.schema`; :func:`build_db` fills a new one from the shipped
reference data and the illustrative sample, through the same importers an
analyst uses, so every shipped row is audited in ``imports`` too.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from . import config
from .countries import all_countries
from .importers import ImportResult, import_file
from .schema import TABLES, create_sql
from .sql import scalar

__all__ = ["connect", "build_db", "scratch", "REFERENCE_FILES", "query"]

#: Shipped files loaded by :func:`build_db`, in dependency order (places before journeys).
REFERENCE_FILES = (
    "reference/groups.csv",
    "reference/hubs.csv",
    "reference/treaties.csv",
    "reference/meetings.csv",
    "reference/participants.csv",
    "reference/recommendations.csv",
    "sample/status_updates_sample.csv",
    "reference/indicators.csv",
    "reference/missing_migrants_incidents.csv",
    "reference/frontex_detections.csv",
    "sample/journeys_sample.csv",
)


def connect(db: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a workbook database, creating its tables if they are missing.

    Parameters
    ----------
    db : str or Path, optional
        Database file, or ``":memory:"``.  Default :data:`gloact_lib.config.DEFAULT_DB`.
    read_only : bool, default False
        Open read-only (dashboards); the file must exist.

    Returns
    -------
    duckdb.DuckDBPyConnection

    Examples
    --------
    >>> con = connect(":memory:")
    >>> scalar(con, "SELECT count(*) FROM journeys")
    0
    """
    target = str(db if db is not None else config.DEFAULT_DB)
    if target != ":memory:":
        path = Path(target)
        if read_only and not path.exists():
            raise FileNotFoundError(f"{path}: no workbook database here; run `gloact build-db --db {path}`")
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target, read_only=read_only)
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
        if scalar(con, "SELECT count(*) FROM countries") == 0:
            _load_countries(con)
    return con


def scratch() -> duckdb.DuckDBPyConnection:
    """An in-memory database holding the countries and the shipped places.

    Used to check a file when no workbook database exists yet.
    """
    con = connect(":memory:")
    with tempfile.TemporaryDirectory(prefix="gloact-") as tmp:
        import_file(con, config.REFERENCE_DIR / "hubs.csv", report=Path(tmp) / "hubs.rejections.csv")
    return con


def _label_points() -> dict[str, tuple[float, float]]:
    if not config.BASEMAP_FILE.exists():
        return {}
    with open(config.BASEMAP_FILE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return {f["properties"]["iso3"]: (f["properties"]["label_lon"], f["properties"]["label_lat"]) for f in features}


def _load_countries(con: duckdb.DuckDBPyConnection) -> None:
    points = _label_points()
    frame = pd.DataFrame(
        [(c.iso3, c.iso2, c.numeric, c.name_en, c.name_fr, *points.get(c.iso3, (None, None))) for c in all_countries()],
        columns=TABLES["countries"].column_names,
    )
    con.register("_countries", frame)
    con.execute("INSERT INTO countries SELECT * FROM _countries")
    con.unregister("_countries")


def build_db(db: str | Path | None = None, force: bool = False, report_dir: str | Path | None = None
             ) -> list[ImportResult]:  # fmt: skip
    """Build the workbook database from the shipped data.

    Parameters
    ----------
    db : str or Path, optional
        Target file (default :data:`gloact_lib.config.DEFAULT_DB`).
    force : bool, default False
        Replace an existing file; otherwise an existing file is an error.
    report_dir : str or Path, optional
        Where the rejection reports go (default ``maps/reports/build``).

    Returns
    -------
    list of ImportResult
        One per shipped file, in :data:`REFERENCE_FILES` order.
    """
    target = Path(db if db is not None else config.DEFAULT_DB)
    if str(target) != ":memory:" and target.exists():
        if not force:
            raise FileExistsError(f"{target} exists; pass --force to rebuild it")
        target.unlink()
        Path(str(target) + ".wal").unlink(missing_ok=True)
    reports = Path(report_dir) if report_dir else Path(config.REPORTS_DIR) / "build"
    tmp = target.with_name(target.name + ".building")
    tmp.unlink(missing_ok=True)
    con = connect(tmp)
    try:
        results = []
        for rel in REFERENCE_FILES:
            path = config.DATA_DIR / rel
            results.append(import_file(con, path, report=reports / f"{path.stem}.rejections.csv"))
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    tmp.rename(target)
    return results


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run SQL and return a DataFrame (a convenience for notebooks)."""
    return con.execute(sql, params or []).df()
