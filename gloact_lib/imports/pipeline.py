"""Import a file into the workbook database: all or nothing, nothing lost.

:func:`import_file` reads a CSV or Excel file in batches, validates every row
with its :class:`~gloact_lib.imports.formats.Format`, and in **one transaction** stores
the accepted rows, an audit row in ``imports`` and every rejected row in
``rejections``; it also writes a rejection report (CSV) naming the row, column,
value and reason of each rejection.  If anything fails midway the transaction is
rolled back and the database is exactly as before.  :func:`check_file` runs the
same pipeline and always rolls back.

Every row read is either stored, reported, or (an untouched row of a returned form) counted as
unchanged: ``accepted + rejected + unchanged == rows``.  An import that repeats rows an earlier
import stored (the same content, whatever the bytes or the file name) is refused
(:mod:`gloact_lib.imports.repeats`) unless ``allow_repeats``.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from gloact_lib.data.database import database_path, open_waiting, reports_dir
from gloact_lib.data.derived import scope_sql
from gloact_lib.data.record_keys import record_key_sql
from gloact_lib.data.schema import TABLES
from gloact_lib.data.sql import open_duckdb, scalar
from gloact_lib.imports.formats import FORMATS, Context, Format, detect_format
from gloact_lib.imports.places import Places
from gloact_lib.imports.readers import ReadError, Source, open_source, sha256_of
from gloact_lib.imports.repeats import RepeatError, add_content_keys, reject_duplicates, repeated_rows
from gloact_lib.imports.server_import import finish_on_server, my_country, reference_tables, server_address
from gloact_lib.imports.stage import stage_rows
from gloact_lib.spreadsheet import safe_cell, safe_row

__all__ = ["ImportResult", "ReadError", "RepeatError", "check_file", "import_file", "safe_cell"]


@dataclass
class ImportResult:
    """What an import (or a check) did.

    Attributes
    ----------
    file : str
    format : str
    rows : int
        Data rows read.
    accepted : int
        Rows stored (for a check: that would be stored).
    rejected : int
        Rows listed in the report.
    report : str
        Path of the rejection report.
    import_id : int or None
        Id in the ``imports`` table (None for a check).
    stored : int
        Records written to the target table (for a format with a ``group`` hook, e.g. HTCDS: the
        records formed, e.g. journeys, not the rows read, e.g. events).
    encoding : str
        How a CSV file was read (``utf-8``, ``utf-8-sig``, ``cp1252``, ``utf-16``); '' for Excel.
    unchanged : int
        Rows that asked for no change (an untouched row of a returned commitments form): neither
        stored nor rejected.  ``rows == accepted + rejected + unchanged``.
    repeated : int
        Stored rows that repeat rows of an earlier import (only with ``allow_repeats``).
    """

    file: str
    format: str
    rows: int
    accepted: int
    rejected: int
    report: str
    import_id: int | None
    stored: int
    encoding: str = ""
    unchanged: int = 0
    repeated: int = 0

    def summary(self) -> dict:
        """The JSON the CLI prints: rows, accepted, rejected, unchanged, report; encoding if not UTF-8; repeated."""
        out = {"rows": self.rows, "accepted": self.accepted, "rejected": self.rejected, "unchanged": self.unchanged,
               "report": self.report}  # fmt: skip
        if self.repeated:
            out["repeated"] = self.repeated
        if self.encoding not in ("", "utf-8", "utf-8-sig"):
            out["encoding"] = self.encoding
        return out

    def as_dict(self) -> dict:
        """Every field."""
        return asdict(self)


def _resolve_format(source, fmt: str) -> tuple[Format, dict[str, str]]:
    """Choose the format and map file columns to canonical names."""
    header = source.header or []
    lowered = [h.strip().lower() for h in header]
    dupes = sorted({h for h in lowered if lowered.count(h) > 1 and h})
    if dupes:
        raise ReadError(f"{source.path.name}: duplicate column name(s) in the header: {', '.join(dupes)}")
    aliases: dict[str, str] = {}
    for f in FORMATS.values():
        aliases.update(f.aliases)
    canonical = {h: aliases.get(h, h) for h in lowered}
    if fmt == "auto":
        chosen = detect_format(set(canonical.values()))
        if chosen is None:
            raise ReadError(f"{source.path.name}: cannot tell the format from the header "
                            f"({', '.join(header[:12])}); pass --format ({', '.join(FORMATS)})")  # fmt: skip
    else:
        if fmt not in FORMATS:
            raise ReadError(f"unknown format {fmt!r}: expected auto or one of {', '.join(FORMATS)}")
        chosen = FORMATS[fmt]
    missing = [c for c in chosen.required if c not in canonical.values()]
    if missing:
        raise ReadError(f"{source.path.name}: missing required column(s) for format {chosen.name}: "
                        f"{', '.join(missing)} (found: {', '.join(header)})")  # fmt: skip
    return chosen, canonical


def _original_names(header: list[str]) -> dict[str, str]:
    """File column name -> canonical name, for the columns whose spelling differs."""
    aliases: dict[str, str] = {}
    for f in FORMATS.values():
        aliases.update(f.aliases)
    out = {}
    for h in header:
        canon = aliases.get(h.strip().lower(), h.strip().lower())
        if canon != h:
            out[h] = canon
    return out


def _places(con: duckdb.DuckDBPyConnection) -> Places:
    rows = con.execute("SELECT place_id, name, country_iso3 FROM places").fetchall()
    return Places(rows)


_TURNS: dict[str, threading.Lock] = {}
_TURNS_LOCK = threading.Lock()


@contextmanager
def _turn(con):
    """One final compare-and-append at a time per workbook in this process."""
    key = str(database_path(con) or id(con))
    with _TURNS_LOCK:
        lock = _TURNS.setdefault(key, threading.Lock())
    with lock:
        yield


@contextmanager
def _workbook(workbook, read_only: bool, on_wait=None):
    """A connection for one unit of work: the caller's (kept open), or one opened for it (waiting while
    another process holds the database) and closed after."""
    if isinstance(workbook, duckdb.DuckDBPyConnection):
        yield workbook
        return
    con = open_waiting(workbook, read_only=read_only, on_wait=on_wait)
    try:
        yield con
    finally:
        con.close()


def _run(workbook, path: Path, fmt: str, report: Path | None, dry_run: bool, country: str | None = None,
         source: Source | None = None, allow_repeats: bool | str = False, on_wait=None) -> ImportResult:  # fmt: skip
    """Open the file (unless the caller already has), import or check it, and always release it."""
    if allow_repeats not in (False, True, "skip"):
        raise ValueError(f"allow_repeats must be False, True or 'skip', not {allow_repeats!r}")
    allow_repeats = "allow" if allow_repeats is True else (allow_repeats or "")
    source = source or open_source(path)
    try:
        return _run_source(workbook, path, source, fmt, report, dry_run, country, allow_repeats, on_wait)
    finally:
        source.close()


def _run_source(workbook, path: Path, source: Source, fmt: str, report: Path | None, dry_run: bool,
                country: str | None, allow_repeats: str, on_wait=None) -> ImportResult:  # fmt: skip
    chosen, canonical = _resolve_format(source, fmt)
    url = server_address(workbook)
    if country is None and url:  # a focal point on a server imports as its country's focal point
        country = my_country(url)
    digest = sha256_of(path)
    target = TABLES[chosen.table]
    small = url and not isinstance(workbook, duckdb.DuckDBPyConnection)  # a server: only the tables needed here
    with reference_tables(url) if small else _workbook(workbook, True, on_wait) as con:  # read in a moment
        rows = con.execute("SELECT rec_id, countries FROM recommendations").fetchall()
        recommendations = {rec: tuple(countries.split(";")) for rec, countries in rows}
        ctx = Context(file_name=path.name, sha256=digest, places=_places(con), recommendations=recommendations,
                      meta=source.meta, country=country)  # fmt: skip
    if chosen.check_source is not None:  # e.g. a returned form is refused as a whole before any row is read
        chosen.check_source(source, ctx)
    # The rows are validated and staged in a database of their own (a temporary file), so that the
    # workbook is not held while a file of millions of rows is read: it is opened only at the end, to
    # compare with what it holds and append, in one transaction.  The stage is always removed.
    folder = Path(tempfile.mkdtemp(prefix="gloact-stage-"))
    derived = ("import_id", "rkey", "scope", "content_key")  # set when stored
    staged_cols = [c for c in target.column_names if c not in derived]
    try:
        stage_con = open_duckdb(folder / "stage.duckdb")
        try:
            rows_read, unchanged, members = stage_rows(stage_con, source, chosen, canonical, ctx, target, staged_cols)
        finally:
            stage_con.close()
        if url:  # a server: compare and append in one server transaction, one import at a time (server_import.py)
            return finish_on_server(url, _finish, folder / "stage.duckdb", path, source, chosen, target, staged_cols,
                                    digest, report, dry_run, allow_repeats, rows_read, unchanged, members, country,
                                    on_wait)
        # a check only reads the workbook; an import holds it, and imports of this process take turns (DuckDB
        # shares one database between a process's connections: the file lock does not separate them)
        with _workbook(workbook, dry_run, on_wait) as con, _turn(con):
            return _finish(con, folder / "stage.duckdb", path, source, chosen, target, staged_cols, digest, report,
                           dry_run, allow_repeats, rows_read, unchanged, members, country)  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _finish(con, stage_file: Path, path: Path, source: Source, chosen: Format, target, staged_cols: list[str],
            digest: str, report: Path | None, dry_run: bool, allow_repeats: str, rows_read: int, unchanged: int,
            members, country: str | None = None, push=None, import_id: int | None = None) -> ImportResult:  # fmt: skip
    """Compare the staged rows with the workbook, then (unless a check) append them in one transaction; on a
    server's replica, ``push(con, import_id)`` sends them on (``import_id`` drawn from the server)."""
    alias = f"gloact_stage_{uuid.uuid4().hex[:12]}"
    con.execute(f"ATTACH ? AS {alias} (READ_WRITE)", [str(stage_file)])  # writable even on a read-only connection
    stage, rej = f"{alias}.stage", f"{alias}.rej"
    in_transaction = False
    try:
        # these change only the stage (DuckDB writes one database per transaction); the workbook is held
        # by this connection, so nothing changes it in between
        reject_duplicates(con, target, stage, rej, members)
        repeated = 0
        if "content_key" in target.column_names:
            add_content_keys(con, stage, target.name, chosen.name, chosen.content_ids and not chosen.synthetic_ids)
            repeated = repeated_rows(con, stage, target.name, path.name, allow_repeats == "allow",
                                     allow_repeats == "skip", rej, members)  # fmt: skip
        for canon, original in {v: k for k, v in _original_names(source.header).items()}.items():
            con.execute(f'UPDATE {rej} SET "column" = ? WHERE "column" = ?', [original, canon])
        rejected = scalar(con, f'SELECT count(DISTINCT "row") FROM {rej}')
        stored = scalar(con, f"SELECT count(*) FROM {stage}")
        accepted = rows_read - rejected - unchanged
        if chosen.group is None and stored != accepted:
            raise RuntimeError(f"internal error: {stored} rows staged but {accepted} accepted")
        if import_id is None and not dry_run:
            import_id = scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")
        report_path = report or _default_report(path, import_id, con)
        _write_report(con, rej, report_path)
        if not dry_run:
            con.execute("BEGIN TRANSACTION")
            in_transaction = True
            _store(con, target.name, stage, staged_cols, import_id, chosen, country)
            con.execute(
                "INSERT INTO imports (import_id, file_name, sha256, format, target_table, imported_at, rows_read, "
                "rows_accepted, rows_rejected, report_path, rows_unchanged, rows_repeated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, path.name, digest, chosen.name, target.name,
                 dt.datetime.now(dt.UTC).replace(tzinfo=None), rows_read, accepted, rejected,
                 str(report_path), unchanged, repeated],
            )  # fmt: skip
            con.execute(f'INSERT INTO rejections SELECT ?, "row", "column", "value", reason FROM {rej}', [import_id])
            con.execute("COMMIT")
            in_transaction = False
            if push is not None:
                try:
                    push(con, import_id)
                except BaseException:  # not stored: no report named after an import that does not exist
                    report_path.unlink(missing_ok=True)
                    raise
    except BaseException:
        if in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS _dupes")
        con.execute(f"DETACH {alias}")
    return ImportResult(
        file=str(path), format=chosen.name, rows=rows_read, accepted=accepted, rejected=rejected,
        report=str(report_path), import_id=import_id, stored=stored,
        encoding=source.encoding if source.kind == "csv" else "", unchanged=unchanged, repeated=repeated,
    )  # fmt: skip


def _store(con, table: str, stage: str, staged_cols: list[str], import_id: int, chosen: Format,
           country: str | None = None) -> None:  # fmt: skip
    """Append the staged rows with what is set when stored: the import, ids, record keys, scope, content key,
    and (for a focal point's file) the importer's country where the file gives none."""
    target = TABLES[table]
    names = list(staged_cols)
    values = [f'"{c}"' for c in staged_cols]
    params: list = []
    if country and "reporting_country" in names:
        values[names.index("reporting_country")] = "coalesce(nullif(reporting_country, ''), ?)"
        params.append(country)
    key = target.key[0] if target.key else None
    if chosen.synthetic_ids and key in names:  # rows without ids of their own: <format>:<import>:<row>
        values[names.index(key)] = f"'{chosen.name}:{int(import_id)}:' || CAST(_row AS VARCHAR)"
    names.append("import_id")
    values.append(str(int(import_id)))
    if "rkey" in target.column_names:  # each journey's secret record key (disclosure.py, cell-key method)
        key_sql, key_params = record_key_sql(con, values[names.index("journey_id")])
        names.append("rkey")
        values.append(key_sql)
        params += key_params
    if "scope" in target.column_names:
        names.append("scope")
        values.append(scope_sql())
    if "content_key" in target.column_names:
        names.append("content_key")
        values.append("content_key")
    cols = ", ".join(f'"{c}"' for c in names)
    con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {", ".join(values)} FROM {stage} ORDER BY _row', params)


def _default_report(path: Path, import_id: int | None, con) -> Path:
    """``<database folder>/reports/<file>.<import|check>.<time>.rejections.csv`` (never the checkout's, for a
    database elsewhere)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    tag = f"import{import_id}" if import_id else "check"
    return reports_dir(database_path(con)) / f"{path.stem}.{tag}.{stamp}.rejections.csv"


def _write_report(con, rej: str, report: Path) -> None:
    """Write every rejection, formula-safe, ordered by row."""
    report = Path(report)
    report.parent.mkdir(parents=True, exist_ok=True)
    cur = con.execute(f'SELECT "row", "column", "value", reason FROM {rej} ORDER BY "row", "column"')
    with open(report, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "column", "value", "reason"])
        while chunk := cur.fetchmany(50_000):  # every text through the one neutralisation (spreadsheet.py)
            writer.writerows(safe_row(record) for record in chunk)


def import_file(con: duckdb.DuckDBPyConnection | str | Path, path: str | Path, fmt: str = "auto",
                report: str | Path | None = None, country: str | None = None,
                source: Source | None = None, allow_repeats: bool | str = False,
                on_wait=None) -> ImportResult:  # fmt: skip
    """Import a CSV or Excel file into the database in one transaction.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, str or Path
        An open workbook database (see :func:`gloact_lib.data.database.connect`), or the path of one:
        then it is opened only for as long as needed (a moment to read the places, the final compare
        and append), waiting while another process holds it, so that dashboards and other imports are
        not blocked while the file is read and validated.
    path : str or Path
        The file.
    fmt : str, default "auto"
        ``auto`` (from the header) or one of :data:`gloact_lib.imports.formats.FORMATS`.
    report : str or Path, optional
        Where to write the rejection report (default: a ``reports`` folder beside the database,
        :func:`gloact_lib.data.database.reports_dir`).
    country : str, optional
        ISO alpha-3: the importer is this country's focal point.  For commitments (status
        updates), rows of any other country are rejected and a form written for another
        country is refused; see :func:`gloact_lib.imports.formats.commitments.verify_form` for what the
        form checks can and cannot protect.  Other formats ignore it.
    source : Source, optional
        ``path`` already opened with :func:`gloact_lib.imports.readers.open_source` (the
        command line opens it first, to refuse an unreadable file before any database work):
        it is not opened and scanned again.
    allow_repeats : bool or "skip", default False
        Rows that repeat rows an earlier import stored (same content: the same download saved again,
        renamed...): by default the import is refused (:class:`RepeatError`); True stores them too;
        ``"skip"`` (an updated download) stores only the new rows and reports the repeated ones.
    on_wait : callable, optional
        With a path: called once with a sentence when the database is busy and the import waits.

    Returns
    -------
    ImportResult

    Raises
    ------
    ReadError
        When the file cannot be read at all, or is a commitments form that cannot be trusted
        (hidden sheet missing or changed, another country's form); the database is unchanged.
    RepeatError
        (a ReadError) When rows repeat an earlier import's and ``allow_repeats`` is False; the
        message names that import.  The database is unchanged.

    Examples
    --------
    >>> import tempfile
    >>> from gloact_lib import config
    >>> from gloact_lib.imports.build import scratch
    >>> con = scratch()  # in memory, with the shipped places
    >>> result = import_file(con, config.SAMPLE_DIR / "journeys_sample.csv", report=tempfile.mkdtemp() + "/r.csv")
    >>> result.rejected, result.accepted > 2000
    (0, True)
    """
    return _run(con, Path(path), fmt, Path(report) if report else None, dry_run=False, country=country,
                source=source, allow_repeats=allow_repeats, on_wait=on_wait)


def check_file(con: duckdb.DuckDBPyConnection | str | Path, path: str | Path, fmt: str = "auto",
               report: str | Path | None = None, country: str | None = None,
               source: Source | None = None, allow_repeats: bool | str = False,
               on_wait=None) -> ImportResult:  # fmt: skip
    """Validate a file exactly as :func:`import_file` would, and store nothing.

    Duplicates against the database are checked too.  Parameters and return
    value as for :func:`import_file` (``import_id`` is None).
    """
    return _run(con, Path(path), fmt, Path(report) if report else None, dry_run=True, country=country,
                source=source, allow_repeats=allow_repeats, on_wait=on_wait)
