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

**Encoding of a CSV file**, decided once per file: a byte-order mark decides
(UTF-8 or UTF-16).  Otherwise the whole file is scanned: it is read as UTF-8 unless
it has more bytes that are not valid UTF-8 than characters that are valid non-ASCII
UTF-8, in which case it is read as Windows-1252 (a superset of Latin-1 for text).
Either way the rows that do not fit the chosen encoding are rejected with their row
number and the byte at fault (and, in a Windows-1252 file, the values that are
really UTF-8), and every other row is kept.  One stray Latin-1 byte in a UTF-8 file
thus costs one row, not the whole file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import html
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gloact_lib import config

__all__ = ["META_SHEET", "ReadError", "Source", "encoding_name", "open_source", "sha256_of"]

_SNIFF_BYTES = 64 * 1024
_BLOCK = 1 << 20
#: Excel's last row: a sheet that numbers a row beyond it is damaged.
_EXCEL_ROWS = 1_048_576
#: A zip member smaller than this is never refused for its compression ratio.
_RATIO_FLOOR = 1 << 20

#: Characters a value may not hold: C0 and C1 controls except tab, LF and CR, DEL, and
#: surrogates (the bytes a file's encoding cannot decode, kept by the ``gloact-escape`` handler).
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNDECODED = re.compile("[\udc00-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
#: The start of a shared string (``<si>``, ``<si/>``, ``<x:si>``...) in a sharedStrings part.
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb"""PartName\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _escape_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: each byte that does not decode becomes U+DC00 + byte, to be reported.

    Like ``surrogateescape``, but for any byte (a UTF-16 file can hold an odd ASCII byte too).
    """
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error("gloact-escape", _escape_bytes)

_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}

#: A reason a row is reported: (column as written in the header, value as shown, reason).
Problem = tuple[str, str, str]
Record = tuple[int, list[str], list[Problem] | None]


class ReadError(Exception):
    """The file could not be read at all (empty, binary, no header, over a limit...).

    The message is one line, names the file, and says what to do.
    """

    def __init__(self, message: str):
        text = re.sub(r"\s*[\r\n]+\s*", " ", str(message)).strip()
        super().__init__(text if len(text) <= 600 else text[:599] + "…")


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def encoding_name(encoding: str) -> str:
    """The name a person knows an encoding by (``cp1252`` is "Windows-1252")."""
    return _ENCODING_NAMES.get(encoding, encoding)


class _Lines:
    """The physical lines of a text file for :func:`csv.reader`, watched as they are read.

    Each record may take at most ``limit`` characters (the quoted line breaks it
    spans included): beyond that the file is refused, having read no more than
    that.  Lines holding a character that may need reporting are flagged, so that
    clean rows (nearly all) are not looked at twice.
    """

    def __init__(self, fh, name: str, limit: int, cp1252: bool):
        self.fh, self.name, self.limit, self.cp1252 = fh, name, limit, cp1252
        self.number = 0  # lines handed out so far
        self.eof = False
        # the record being read: its first line, its characters so far, whether to look at it closely
        self.first, self.chars, self.flagged = 1, 0, False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.fh.readline(self.limit + 1)
        if not line:
            self.eof = True
            raise StopIteration
        self.number += 1
        self.chars += len(line)
        if self.chars > self.limit:
            span = f" (it runs over lines {self.first}-{self.number}: is a quote never closed?)" \
                if self.number > self.first else ""  # fmt: skip
            raise ReadError(
                f"{self.name}: row {self.first}: a row longer than {self.limit:,} characters, the limit "
                f"(MAX_RECORD_CHARS){span}; check that the file is a CSV table"
            )
        if not self.flagged and (_SUSPECT.search(line) or (self.cp1252 and _is_utf8(line))):
            self.flagged = True
        return line


def _is_utf8(text: str) -> bool:
    """Whether text read as Windows-1252 is really non-ASCII UTF-8 ("CÃ´te" for "Côte")."""
    if text.isascii():
        return False
    try:
        text.encode("cp1252", "surrogateescape").decode("utf-8")
    except (UnicodeError, ValueError):
        return False
    return True


def _visible(value: str) -> str:
    """A value as the report shows it: undecodable bytes as ``\\xE9``, controls as ``\\x00``."""

    def show(m: re.Match) -> str:
        code = ord(m.group())
        if 0xDC00 <= code <= 0xDCFF:
            return f"\\x{code - 0xDC00:02X}"
        return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"

    return _SUSPECT.sub(show, value)


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
        records = self._csv_records() if self.kind == "csv" else self._xlsx_records()
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

    def _column(self, index: int) -> str:
        return self.header[index] if self.header and index < len(self.header) else ""

    def _problems(self, fields: list[str]) -> list[Problem]:
        """Why each value of a flagged row cannot be taken as it is (empty if it can)."""
        found = []
        for i, value in enumerate(fields):
            reason = self._bad_value(value)
            if reason:
                found.append((self._column(i), _visible(value), reason))
        return found

    def _bad_value(self, value: str) -> str | None:
        """Why a value cannot be taken as read (bytes not in the file's encoding, a control character), or None."""
        m = _SUSPECT.search(value)
        name = encoding_name(self.encoding)
        why = "as most of it is" if self.encoding in ("utf-8", "cp1252") else "from its byte-order mark"
        if m:
            code, at = ord(m.group()), m.start() + 1
            if 0xDC00 <= code <= 0xDCFF and self.encoding == "cp1252":
                return (f"byte 0x{code - 0xDC00:02X} at character {at} is not a {name} character (the file is "
                        f"read as {name}, {why}); save the file as UTF-8")  # fmt: skip
            if 0xDC00 <= code <= 0xDCFF:
                return (f"not valid {name}: byte 0x{code - 0xDC00:02X} at character {at} (the file is read as "
                        f"{name}, {why}); save the file as {name}")  # fmt: skip
            if 0xD800 <= code <= 0xDFFF:
                return f"not valid {name} at character {at}; save the file as UTF-8"
            return f"control character U+{code:04X} at character {at}; remove it"
        if self.encoding == "cp1252" and _is_utf8(value):
            utf8 = value.encode("cp1252", "surrogateescape").decode("utf-8")
            return (f"this value is UTF-8 ({utf8[:60]!r}) in a file read as Windows-1252 ({why}); "
                    "save the whole file as UTF-8")  # fmt: skip
        return None

    def _check_field_sizes(self, row: int, fields: list[str]) -> None:
        limit = config.MAX_FIELD_CHARS
        for i, value in enumerate(fields):
            if len(value) > limit:
                column = self._column(i) or f"field {i + 1}"
                hint = " (it holds line breaks: is a quote never closed?)" if "\n" in value or "\r" in value else ""
                raise ReadError(
                    f"{self.path.name}: row {row}, column {column}: a value of {len(value):,} characters, "
                    f"more than the limit of {limit:,} (MAX_FIELD_CHARS){hint}"
                )

    # -- CSV -----------------------------------------------------------------
    def _csv_rows(self) -> Iterator[tuple[Record, int]]:
        """Every non-blank record, the header included, with its length in characters."""
        name, max_field = self.path.name, config.MAX_FIELD_CHARS
        try:
            fh = open(self.path, encoding=self.encoding, errors="gloact-escape", newline="")
        except OSError as exc:
            raise ReadError(f"{name}: cannot be read ({exc.strerror or exc})") from None
        with fh:
            lines = _Lines(fh, name, config.MAX_RECORD_CHARS, cp1252=self.encoding == "cp1252")
            reader = csv.reader(lines, delimiter=self.delimiter, quotechar='"', strict=False)
            width = len(self.header) if self.header else 0
            while True:
                start = lines.first = lines.number + 1
                lines.chars, lines.flagged = 0, False
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # cannot happen within the limits; never a traceback
                    raise ReadError(f"{name}: row {start}: not a readable CSV record ({exc})") from None
                if lines.eof:  # the reader reached the end of the file inside a quoted value
                    raise ReadError(
                        f"{name}: row {start}: a quoted value that starts in this row is never closed (the rest "
                        f"of the file, lines {start}-{lines.number}, would be one value); close the quote or remove it"
                    )
                chars = lines.chars
                if chars > max_field:
                    self._check_field_sizes(start, fields)
                problems = self._problems(fields) if lines.flagged else None
                if problems:
                    yield (start, fields, problems), chars
                    continue
                if not "".join(fields).strip():
                    continue  # blank lines and all-empty rows are not rows
                if width and lines.number > start and len(fields) != width:
                    reason = (f"expected {width} fields, found {len(fields)}; the row runs over lines {start}-"
                              f"{lines.number} (a quoted value with line breaks: is a quote not closed?)")  # fmt: skip
                    yield (start, fields, [("", _visible(fields[0]) if fields else "", reason)]), chars
                    continue
                yield (start, fields, None), chars

    def _csv_records(self) -> Iterator[tuple[Record, int]]:
        return itertools.islice(self._csv_rows(), 1, None)  # all but the header

    # -- Excel ---------------------------------------------------------------
    def _xlsx_rows(self, wb) -> Iterator[tuple[Record, int]]:
        """Every non-empty row of the first sheet, the header included, whatever its ``<dimension>`` says."""
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # read every row the sheet holds, not the rows it claims to hold
            rows = ws.iter_rows(values_only=True)
        except Exception as exc:
            raise _not_xlsx(self.path, exc) from None
        number = 0
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:  # openpyxl raises many types for a damaged sheet
                raise _not_xlsx(self.path, exc, number + 1) from None
            if values is None:
                return
            number += 1
            if number > _EXCEL_ROWS:
                raise ReadError(f"{self.path.name}: the first sheet numbers a row beyond Excel's last row "
                                f"({_EXCEL_ROWS:,}): the file is damaged")  # fmt: skip
            fields = [_cell_text(v) for v in values]
            while fields and fields[-1] == "":
                fields.pop()
            if not fields:
                continue
            length = sum(map(len, fields))
            if length > config.MAX_FIELD_CHARS:
                self._check_field_sizes(number, fields)
            problems = self._problems(fields) if _SUSPECT.search("".join(fields)) else None
            yield (number, fields, problems or None), length

    def _xlsx_records(self) -> Iterator[tuple[Record, int]]:
        wb, self._workbook = self._workbook or _open_workbook(self.path), None
        try:
            rows = self._xlsx_rows(wb)
            next(rows, None)  # the header
            width = len(self.header or ())
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


def _check_xlsx(path: Path) -> None:
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
        for block in iter(lambda: fh.read(_BLOCK), b""):
            data = carry + block
            cut = data.rfind(b"<")  # a tag that may be cut in two is counted with the next block
            if cut < 0:
                carry = b""
                continue
            count += len(_SI.findall(data, 0, cut))
            carry = data[cut:][:_BLOCK]
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


def _detect_encoding(path: Path, head: bytes) -> str:
    """The encoding a CSV file is read in (the rule is in the module's docstring).

    A byte-order mark decides; otherwise UTF-8, unless the file has more bytes
    that are not valid UTF-8 than non-ASCII characters that are: then
    Windows-1252.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")("gloact-escape")
    valid = invalid = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(_BLOCK)
            text = decoder.decode(block, final=not block)
            if not text.isascii():
                bad = len(_UNDECODED.findall(text))
                invalid += bad
                valid += len(_NON_ASCII.findall(text)) - bad
            if not block:
                break
    return "utf-8" if invalid <= valid else "cp1252"


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
        _check_xlsx(path)  # before openpyxl holds anything in memory
        source = Source(path, "xlsx")
        source.header, source.meta = _xlsx_header(source)
        return source
    if path.suffix.lower() == ".xls":
        raise ReadError(f"{path.name}: old binary .xls is not supported; save it as .xlsx or CSV")
    nul = head.find(b"\x00")
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and nul >= 0:
        raise ReadError(
            f"{path.name}: binary content (NUL byte at offset {nul}); expected a CSV text file or an .xlsx workbook"
        )
    encoding = _detect_encoding(path, head)
    text = head.decode(encoding, errors="replace")
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first_line:
        raise ReadError(f"{path.name}: the file has no header row")
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    source = Source(path, "csv", encoding=encoding, delimiter=delimiter)
    rows = source._csv_rows()
    try:
        for (row, fields, problems), _ in rows:
            if problems:
                raise ReadError(f"{path.name}: row {row}, the header: {problems[0][2]}")
            source.header = [f.strip().lstrip("\ufeff") for f in fields]
            break
    finally:
        rows.close()
    if not source.header:
        raise ReadError(f"{path.name}: the file has no header row")
    return source


def _xlsx_header(source: Source) -> tuple[list[str], dict[str, str]]:
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
        rows = source._xlsx_rows(wb)
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


#: Hidden sheet where a form written by the workbook records what it is for (e.g. its country).
META_SHEET = "_gloact"
