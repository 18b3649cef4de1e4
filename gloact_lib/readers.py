"""Reading tabular files row by row: CSV (any common dialect and encoding) and Excel.

A reader yields the header and then ``(row_number, fields)`` records in batches,
so that a file of millions of rows is never held in memory.  Row numbers are
those a person sees in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["META_SHEET", "ReadError", "Source", "open_source", "sha256_of"]

_SNIFF_BYTES = 64 * 1024
_BLOCK = 1 << 20


class ReadError(Exception):
    """The file could not be read at all (empty, binary, no header, missing columns...).

    The message is one line, names the file, and says what to do.
    """


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
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
        Text encoding (CSV only).
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

    def batches(self, size: int) -> Iterator[list[tuple[int, list[str]]]]:
        """Yield lists of at most ``size`` ``(row_number, fields)`` records.

        Blank lines are skipped (they are not rows); every other record is
        yielded, including those with too few or too many fields.
        """
        records = self._csv_records() if self.kind == "csv" else self._xlsx_records()
        batch: list[tuple[int, list[str]]] = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    # -- CSV -----------------------------------------------------------------
    def _csv_reader(self, fh):
        return csv.reader(fh, delimiter=self.delimiter, quotechar='"', strict=False)

    def _csv_records(self) -> Iterator[tuple[int, list[str]]]:
        with open(self.path, encoding=self.encoding, newline="", errors="strict") as fh:
            reader = self._csv_reader(fh)
            last_line = 0
            header_seen = False
            for fields in reader:
                start = last_line + 1
                last_line = reader.line_num
                if not "".join(fields).strip():
                    continue  # blank lines and all-empty rows are not rows
                if not header_seen:
                    header_seen = True
                    continue
                yield start, fields

    # -- Excel ---------------------------------------------------------------
    def _xlsx_records(self) -> Iterator[tuple[int, list[str]]]:
        wb = _open_workbook(self.path)
        try:
            ws = wb.worksheets[0]
            header_seen = False
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                fields = [_cell_text(v) for v in values]
                while fields and fields[-1] == "":
                    fields.pop()
                if not fields:
                    continue
                if not header_seen:
                    header_seen = True
                    continue
                # Excel leaves trailing empty cells out: a short row is padded, a long one kept (and rejected)
                width = len(self.header or ())
                yield number, fields + [""] * (width - len(fields))
        finally:
            wb.close()


def _open_workbook(path: Path):
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("reading Excel needs openpyxl: pip install openpyxl") from exc
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ReadError(f"{path.name}: not a readable Excel .xlsx file ({type(exc).__name__}: {exc})") from exc


def _cell_text(value) -> str:
    """Excel cell value as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _detect_encoding(path: Path, head: bytes) -> str:
    """UTF-8 (with or without BOM) if every byte decodes, else Windows-1252 / Latin-1."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(_BLOCK), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(_BLOCK), b""):
                block.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


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
        If the file is missing, empty, binary, or has no header row.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise ReadError(f"{path.name}: the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    is_zip = head.startswith(b"PK\x03\x04")
    if path.suffix.lower() in (".xlsx", ".xlsm") or is_zip:
        if not is_zip:
            raise ReadError(f"{path.name}: not a readable Excel .xlsx file (no zip signature)")
        source = Source(path, "xlsx")
        source.header, source.meta = _xlsx_header(path)
        return source
    if path.suffix.lower() == ".xls":
        raise ReadError(f"{path.name}: old binary .xls is not supported; save it as .xlsx or CSV")
    encoding = _detect_encoding(path, head)
    nul = head.find(b"\x00")
    if encoding != "utf-16" and nul >= 0:
        raise ReadError(
            f"{path.name}: binary content (NUL byte at offset {nul}); expected a CSV text file or an .xlsx workbook"
        )
    text = head.decode(encoding, errors="replace")
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first_line:
        raise ReadError(f"{path.name}: the file has no header row")
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    source = Source(path, "csv", encoding=encoding, delimiter=delimiter)
    with open(path, encoding=encoding, newline="", errors="replace") as fh:
        for fields in source._csv_reader(fh):
            if any(f.strip() for f in fields):
                source.header = [f.strip().lstrip("\ufeff") for f in fields]
                break
    if not source.header:
        raise ReadError(f"{path.name}: the file has no header row")
    return source


def _xlsx_header(path: Path) -> tuple[list[str], dict[str, str]]:
    """The first sheet's header row, and the ``_gloact`` sheet's key-value pairs if any."""
    wb = _open_workbook(path)
    try:
        if not wb.worksheets:
            raise ReadError(f"{path.name}: the workbook has no sheet")
        meta = {}
        if META_SHEET in wb.sheetnames:
            for row in wb[META_SHEET].iter_rows(values_only=True):
                if row and row[0] is not None:
                    meta[_cell_text(row[0]).strip()] = _cell_text(row[1] if len(row) > 1 else None).strip()
        for values in wb.worksheets[0].iter_rows(values_only=True):
            fields = [_cell_text(v).strip() for v in values]
            while fields and fields[-1] == "":
                fields.pop()
            if fields:
                return fields, meta
    finally:
        wb.close()
    raise ReadError(f"{path.name}: the first sheet is empty")


#: Hidden sheet where a form written by the workbook records what it is for (e.g. its country).
META_SHEET = "_gloact"
