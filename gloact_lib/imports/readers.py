"""Reading tabular files row by row: CSV (any common dialect and encoding) and Excel.

A reader yields the header and then ``(row_number, fields, problems)`` records in
batches, so that a file of millions of rows is never held in memory.  Row numbers
are those a person sees in a spreadsheet: the header is row 1, and a CSV record
is numbered by the line where it starts.

Nothing is lost silently:

- a row the reader cannot take as it stands is passed on with its *problems*
  (column, value, reason) so that the import reports it: bytes that are not valid
  in the file's encoding, control characters other than tab, CR and LF, a
  record that runs over several lines and has the wrong number of fields;
- a file whose structure is broken (a quote that never closes) or that exceeds
  one of the limits in :mod:`gloact_lib.config` (``MAX_FIELD_CHARS``,
  ``MAX_RECORD_CHARS``, ``MAX_ROWS``, ``XLSX_MAX_*``) is not read at all:
  :class:`ReadError`, one line naming the file and, where it has one, the row.

This module is the front door (:func:`open_source`, :class:`Source`); the CSV reader,
with the rule deciding a CSV file's encoding, is :mod:`gloact_lib.imports.csv_reader`,
the Excel reader :mod:`gloact_lib.imports.xlsx_reader`, and what both share
:mod:`gloact_lib.imports.read_common`.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gloact_lib import config
from gloact_lib.imports.csv_reader import csv_header, csv_records, detect_delimiter, detect_encoding
from gloact_lib.imports.read_common import BLOCK, Problem, ReadError, Record, encoding_name
from gloact_lib.imports.xlsx_reader import META_SHEET, check_xlsx, xlsx_header, xlsx_records

__all__ = ["META_SHEET", "Problem", "ReadError", "Record", "Source", "encoding_name", "open_source", "sha256_of"]

_SNIFF_BYTES = 64 * 1024


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Source:
    """An opened input file: how to read it and its header.

    Attributes
    ----------
    path : Path
    kind : {"csv", "xlsx"}
    encoding : str
        Text encoding (CSV only): ``utf-8``, ``utf-8-sig``, ``cp1252`` or ``utf-16``.
    delimiter : str
        Field delimiter (CSV only).
    header : list of str
        Column names as written in the file, stripped.
    meta : dict
        Key-value pairs from a workbook's hidden ``_gloact`` sheet (forms the workbook wrote).
    """

    path: Path
    kind: str
    encoding: str = "utf-8"
    delimiter: str = ","
    header: list[str] | None = None
    meta: dict[str, str] = field(default_factory=dict)
    _workbook: object = field(default=None, repr=False, compare=False)

    def batches(self, size: int) -> Iterator[list[Record]]:
        """Yield lists of at most ``size`` ``(row_number, fields, problems)`` records.

        Blank lines are skipped (they are not rows); every other record is
        yielded, including those with too few or too many fields.  ``problems``
        is None for a row read as written, else the reasons to reject it.  A
        batch also ends after ``config.IMPORT_CHUNK_CHARS`` characters, so that
        long rows cannot make it large.

        Raises
        ------
        ReadError
            When the file turns out to be unreadable or over a limit part way.
        """
        records = csv_records(self) if self.kind == "csv" else xlsx_records(self)
        batch: list[Record] = []
        chars = count = 0
        budget, most = config.IMPORT_CHUNK_CHARS, config.MAX_ROWS
        for record, length in records:
            count += 1
            if count > most:
                raise ReadError(
                    f"{self.path.name}: row {record[0]}: more than {most:,} data rows, the limit for one file "
                    "(MAX_ROWS); split the file"
                )
            batch.append(record)
            chars += length
            if len(batch) >= size or chars >= budget:
                yield batch
                batch, chars = [], 0
        if batch:
            yield batch

    def close(self) -> None:
        """Release the workbook opened for the header, when the rows will not be read."""
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None


def open_source(path: str | Path) -> Source:
    """Open a CSV or Excel file and read its header.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt``/``.tsv`` or ``.xlsx`` file.

    Returns
    -------
    Source

    Raises
    ------
    ReadError
        If the file is missing, empty, binary, has no header row, or exceeds a
        limit of :mod:`gloact_lib.config`.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    try:
        if path.stat().st_size == 0:
            raise ReadError(f"{path.name}: the file is empty")
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ReadError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    is_zip = head.startswith(b"PK\x03\x04")
    if path.suffix.lower() in (".xlsx", ".xlsm") or is_zip:
        if not is_zip:
            raise ReadError(f"{path.name}: not a readable Excel .xlsx file (no zip signature)")
        check_xlsx(path)  # before openpyxl holds anything in memory
        source = Source(path, "xlsx")
        source.header, source.meta = xlsx_header(source)
        return source
    if path.suffix.lower() == ".xls":
        raise ReadError(f"{path.name}: old binary .xls is not supported; save it as .xlsx or CSV")
    nul = head.find(b"\x00")
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and nul >= 0:
        raise ReadError(
            f"{path.name}: binary content (NUL byte at offset {nul}); expected a CSV text file or an .xlsx workbook"
        )
    encoding = detect_encoding(path, head)
    source = Source(path, "csv", encoding=encoding, delimiter=detect_delimiter(path, head, encoding))
    source.header = csv_header(source)
    return source
