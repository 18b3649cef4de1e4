"""Reading an Excel ``.xlsx`` workbook row by row: its first sheet, and the hidden ``_gloact`` sheet.

Before openpyxl opens a workbook, :func:`check_xlsx` refuses one that would unpack to too
much (the ``XLSX_MAX_*`` limits of :mod:`gloact_lib.config`).  The rows of the first sheet
are read whatever its ``<dimension>`` says, up to Excel's last row.

Used through :func:`gloact_lib.imports.readers.open_source`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from gloact_lib import config
from gloact_lib.imports.read_common import BLOCK, SUSPECT, ReadError, Record, check_field_sizes, row_problems

if TYPE_CHECKING:
    from gloact_lib.imports.readers import Source

__all__ = ["META_SHEET", "check_xlsx", "xlsx_header", "xlsx_records"]

#: Hidden sheet where a form written by the workbook records what it is for (e.g. its country).
META_SHEET = "_gloact"
#: Excel's last row: a sheet that numbers a row beyond it is damaged.
_EXCEL_ROWS = 1_048_576
#: A zip member smaller than this is never refused for its compression ratio.
_RATIO_FLOOR = 1 << 20

#: The start of a shared string (``<si>``, ``<si/>``, ``<x:si>``...) in a sharedStrings part.
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb"""PartName\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _xlsx_rows(source: Source, wb) -> Iterator[tuple[Record, int]]:
    """Every non-empty row of the first sheet, the header included, whatever its ``<dimension>`` says."""
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # read every row the sheet holds, not the rows it claims to hold
        rows = ws.iter_rows(values_only=True)
    except Exception as exc:
        raise _not_xlsx(source.path, exc) from None
    number = 0
    while True:
        try:
            values = next(rows, None)
        except Exception as exc:  # openpyxl raises many types for a damaged sheet
            raise _not_xlsx(source.path, exc, number + 1) from None
        if values is None:
            return
        number += 1
        if number > _EXCEL_ROWS:
            raise ReadError(f"{source.path.name}: the first sheet numbers a row beyond Excel's last row "
                            f"({_EXCEL_ROWS:,}): the file is damaged")  # fmt: skip
        fields = [_cell_text(v) for v in values]
        while fields and fields[-1] == "":
            fields.pop()
        if not fields:
            continue
        length = sum(map(len, fields))
        if length > config.MAX_FIELD_CHARS:
            check_field_sizes(source, number, fields)
        problems = row_problems(source, fields) if SUSPECT.search("".join(fields)) else None
        yield (number, fields, problems or None), length


def xlsx_records(source: Source) -> Iterator[tuple[Record, int]]:
    """Every data row of the first sheet (padded to the header's width) with its length in characters.

    Uses the workbook :func:`xlsx_header` left open in ``source``, and closes it.
    """
    wb, source._workbook = source._workbook or _open_workbook(source.path), None
    try:
        rows = _xlsx_rows(source, wb)
        next(rows, None)  # the header
        width = len(source.header or ())
        for (number, fields, problems), length in rows:
            # Excel leaves trailing empty cells out: a short row is padded, a long one kept (and rejected)
            yield (number, fields + [""] * (width - len(fields)), problems), length
    finally:
        wb.close()


def _not_xlsx(path: Path, exc: BaseException, row: int | None = None) -> ReadError:
    where = f"row {row}: " if row else ""
    detail = " ".join(str(exc).split())[:200]
    return ReadError(f"{path.name}: not a readable Excel .xlsx file ({where}{type(exc).__name__}: {detail})")


def _size(n: int) -> str:
    return f"{n / (1 << 20):,.1f} MiB"


def check_xlsx(path: Path) -> None:
    """Refuse a workbook that would unpack to too much, before openpyxl opens it.

    The sizes are those the zip's directory declares; :mod:`zipfile` (which
    openpyxl uses) never unpacks a member beyond its declared size.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > config.XLSX_MAX_UNCOMPRESSED:
                limit = _size(config.XLSX_MAX_UNCOMPRESSED)
                raise ReadError(f"{name}: the workbook unpacks to {_size(total)}, more than the limit of {limit} "
                                "(XLSX_MAX_UNCOMPRESSED); save the data as CSV")  # fmt: skip
            for info in infos:
                ratio = info.file_size // max(info.compress_size, 1)
                if info.file_size > _RATIO_FLOOR and ratio > config.XLSX_MAX_RATIO:
                    raise ReadError(f"{name}: part {info.filename} is compressed {ratio:,}:1, more than the limit of "
                                    f"{config.XLSX_MAX_RATIO}:1 (XLSX_MAX_RATIO): not a normal workbook")  # fmt: skip
            strings = _shared_strings_parts(zf)
            for info in infos:
                if info.filename in strings:
                    limit, what = config.XLSX_MAX_SHARED_STRINGS_BYTES, "XLSX_MAX_SHARED_STRINGS_BYTES"
                elif info.filename.lower().endswith((".xml", ".rels", ".vml")) and not _is_worksheet(info.filename):
                    limit, what = config.XLSX_MAX_PART_BYTES, "XLSX_MAX_PART_BYTES"
                else:
                    continue
                if info.file_size > limit:
                    raise ReadError(f"{name}: part {info.filename} unpacks to {_size(info.file_size)}, more than the "
                                    f"limit of {_size(limit)} ({what}); save the data as CSV")  # fmt: skip
            for part in sorted(strings):
                _count_shared_strings(zf, part, name)
    except ReadError:
        raise
    except Exception as exc:  # zipfile raises many types for a damaged archive
        raise _not_xlsx(path, exc) from None


def _is_worksheet(part: str) -> bool:
    return re.search(r"(^|/)worksheets/[^/]+\.xml$", part, re.IGNORECASE) is not None


def _shared_strings_parts(zf: zipfile.ZipFile) -> set[str]:
    """Members that openpyxl may read as the shared strings table."""
    names = set(zf.namelist())
    parts = {n for n in names if n.lower().endswith("sharedstrings.xml")}
    if "[Content_Types].xml" in names:
        types = zf.read("[Content_Types].xml")  # its size is bounded by XLSX_MAX_PART_BYTES
        for tag in _OVERRIDE.findall(types):
            m = _PART_NAME.search(tag)
            if b"sharedStrings" in tag and m:
                part = html.unescape((m.group(1) or m.group(2) or b"").decode("utf-8", "replace")).lstrip("/")
                if part in names:
                    parts.add(part)
    return parts


def _count_shared_strings(zf: zipfile.ZipFile, part: str, name: str) -> None:
    """Count the strings of a shared strings part as it streams; refuse more than the limit."""
    limit, count, carry = config.XLSX_MAX_SHARED_STRINGS, 0, b""
    with zf.open(part) as fh:
        for block in iter(lambda: fh.read(BLOCK), b""):
            data = carry + block
            cut = data.rfind(b"<")  # a tag that may be cut in two is counted with the next block
            if cut < 0:
                carry = b""
                continue
            count += len(_SI.findall(data, 0, cut))
            carry = data[cut:][:BLOCK]
            if count > limit:
                break
        count += len(_SI.findall(carry))
    if count > limit:
        raise ReadError(f"{name}: more than {limit:,} shared strings, the limit (XLSX_MAX_SHARED_STRINGS); "
                        "save the data as CSV")  # fmt: skip


def _open_workbook(path: Path):
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("reading Excel needs openpyxl: pip install openpyxl") from exc
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except ValueError as exc:
        cause = exc.__cause__ or exc.__context__  # openpyxl wraps what failed
        if "not a valid coordinate or range" not in f"{exc} {cause}":
            raise _not_xlsx(path, exc) from None
        first = exc
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise _not_xlsx(path, exc) from None
    # A <dimension> that is not a cell range (written by a careless tool) stops openpyxl at load,
    # though the rows are read whatever it says: load once more, ignoring it.
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    sized = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = _ignore_bad_dimension(sized)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise _not_xlsx(path, first) from None
    finally:
        ReadOnlyWorksheet._get_size = sized


def _ignore_bad_dimension(sized):
    def get_size(ws) -> None:
        try:
            sized(ws)
        except ValueError:
            ws._min_column = ws._min_row = 1
            ws._max_column = ws._max_row = None

    return get_size


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


def xlsx_header(source: Source) -> tuple[list[str], dict[str, str]]:
    """The first sheet's header row, and the ``_gloact`` sheet's key-value pairs if any.

    The workbook stays open in ``source`` for its rows to be read without loading it again.
    """
    path = source.path
    wb = _open_workbook(path)
    try:
        if not wb.worksheets:
            raise ReadError(f"{path.name}: the workbook has no sheet")
        meta = {}
        try:
            if META_SHEET in wb.sheetnames:
                meta_sheet = wb[META_SHEET]
                meta_sheet.reset_dimensions()
                for row in meta_sheet.iter_rows(values_only=True):
                    if row and row[0] is not None:
                        meta[_cell_text(row[0]).strip()] = _cell_text(row[1] if len(row) > 1 else None).strip()
        except Exception as exc:
            raise _not_xlsx(path, exc) from None
        rows = _xlsx_rows(source, wb)
        try:
            for (row, fields, problems), _ in rows:
                if problems:
                    raise ReadError(f"{path.name}: row {row}, the header: {problems[0][2]}")
                source._workbook = wb  # its rows are read next, without loading the workbook again
                return [f.strip() for f in fields], meta
        finally:
            rows.close()
    except BaseException:
        wb.close()
        raise
    wb.close()
    raise ReadError(f"{path.name}: the first sheet is empty")
