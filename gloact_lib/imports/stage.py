"""Staging an import: the rows of a file validated, batch by batch, into a database of their own.

:func:`stage_rows` reads a file in batches, validates each with its format and writes the rows to
store (table ``stage``) and the rejections (table ``rej``) into a stage database, a temporary file
apart from the workbook: the workbook is not held while millions of rows are read
(:mod:`gloact_lib.imports.pipeline` opens it only to compare and append).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from gloact_lib import config
from gloact_lib.data.schema import create_sql
from gloact_lib.imports.formats import Context, Format
from gloact_lib.imports.readers import Source
from gloact_lib.imports.validate import Batch
from gloact_lib.progress import Callback, current, tell
from gloact_lib.spreadsheet import safe_cell

__all__ = ["insert_frame", "stage_rows"]


def _frame(records: list[tuple[int, list[str], list | None]], header: list[str], canonical: dict[str, str]):
    """Split a batch into well-formed rows (as a frame) and rows to reject.

    Rejected here: the rows the reader could not take as written (their problems
    name the column, value and reason) and the rows with the wrong field count.
    """
    width = len(header)
    good = [r for r in records if r[2] is None and len(r[1]) == width]
    wrong = [r for r in records if r[2] is None and len(r[1]) != width]
    unread = [(r[0], *problem) for r in records if r[2] is not None for problem in r[2]]
    frame = pd.DataFrame([r[1] for r in good], columns=[canonical[h.strip().lower()] for h in header], dtype=object)
    rows = np.fromiter((r[0] for r in good), dtype=np.int64, count=len(good))
    errors = pd.DataFrame(
        {
            "row": [r[0] for r in wrong] + [u[0] for u in unread],
            "column": [""] * len(wrong) + [u[1] for u in unread],
            "value": [safe_cell((r[1] + [""])[0])[:200] for r in wrong] + [safe_cell(u[2])[:200] for u in unread],
            "reason": [f"expected {width} fields, found {len(r[1])}" for r in wrong] + [u[3] for u in unread],
        }
    )
    return frame, rows, errors.astype({"row": "int64"})


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a frame's rows to a table of the stage database (columns by name)."""
    if frame.empty:
        return
    try:  # as an Arrow table: DuckDB reads it faster than a frame of Python strings
        import pyarrow as pa

        batch = pa.Table.from_pandas(frame, preserve_index=False)
    except ImportError:  # a served kernel's pandas runs without pyarrow (gloact_lib/_lean.py)
        batch = frame
    con.register("_batch", batch)
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _batch')
    finally:
        con.unregister("_batch")


def _other_country(batch: Batch, reporting, country: str) -> None:
    """A focal point's file: rows reported by another country are rejected (reported with their value, never
    silently dropped).  Rows with no reporting country are recorded as the importer's when stored (after the
    repeat check, which compares what the file says)."""
    other = (reporting.notna() & (reporting != "") & (reporting != country)).to_numpy()
    batch.reject(other, "reporting_country", f"you import as the focal point of {country}: rows reported by "
                 "another country are not accepted")  # fmt: skip


def stage_rows(con, source: Source, chosen: Format, canonical: dict, ctx: Context, target, staged_cols: list[str],
               progress: Callback | None = None):  # fmt: skip
    """Validate every row into the stage database (``stage``: rows to store, ``rej``: rejections).

    Parameters
    ----------
    progress : callable, optional
        ``progress(rows_read, None, "rows read")`` after each batch; default the callback of the
        enclosing :func:`gloact_lib.progress.reporting` block, if any.

    Returns
    -------
    rows_read, unchanged : int
    members : DataFrame or None
        For a format with a group hook: each record's file rows.
    """
    con.execute(create_sql(target, name="stage", temporary=True).replace("TEMP TABLE", "TABLE"))
    con.execute('ALTER TABLE stage ADD COLUMN _row BIGINT')
    con.execute('CREATE TABLE rej ("row" BIGINT, "column" VARCHAR, "value" VARCHAR, reason VARCHAR)')
    rows_read = unchanged = 0
    parts: list[pd.DataFrame] = []  # rows to group (format with a group hook)
    progress = progress if progress is not None else current()
    for records in source.batches(config.IMPORT_CHUNK_ROWS):
        rows_read += len(records)
        tell(progress, rows_read, None, "rows read")
        frame, rownums, wrong = _frame(records, source.header, canonical)
        insert_frame(con, "rej", wrong)
        if frame.empty:
            continue
        batch = Batch(frame, rownums)
        out = chosen.transform(batch, ctx)
        if ctx.country and "reporting_country" in out.columns:
            _other_country(batch, out["reporting_country"], ctx.country)
        insert_frame(con, "rej", batch.errors().astype({"row": "int64"}))
        if chosen.group is not None:  # grouped records are judged once every row is read
            parts.append(out.assign(_row=rownums, _bad=batch.bad))
            continue
        unchanged += int((batch.unchanged & ~batch.bad).sum())
        keep = ~batch.bad & ~batch.unchanged
        out = out[keep].copy()
        out["_row"] = rownums[keep]
        insert_frame(con, "stage", out[staged_cols + ["_row"]])
    members = None
    if chosen.group is not None and parts:
        grouped, errors = chosen.group(pd.concat(parts, ignore_index=True), ctx)
        insert_frame(con, "rej", errors)
        if not grouped.empty:
            members = grouped[["_row", "_members"]].explode("_members")
            members.columns = ["_row", "member_row"]
            members = members.astype("int64")
            insert_frame(con, "stage", grouped[staged_cols + ["_row"]])
    return rows_read, unchanged, members


