"""Reading a CSV file row by row, in any common dialect and encoding.

**Encoding of a CSV file**, decided once per file: a byte-order mark decides
(UTF-8 or UTF-16).  Otherwise the whole file is scanned: it is read as UTF-8 unless
it has more bytes that are not valid UTF-8 than characters that are valid non-ASCII
UTF-8, in which case it is read as Windows-1252 (a superset of Latin-1 for text).
Either way the rows that do not fit the chosen encoding are rejected with their row
number and the byte at fault (and, in a Windows-1252 file, the values that are
really UTF-8), and every other row is kept.  One stray Latin-1 byte in a UTF-8 file
thus costs one row, not the whole file.

Used through :func:`gloact_lib.imports.readers.open_source`.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from gloact_lib import config
from gloact_lib.imports.read_common import (
    BLOCK,
    SUSPECT,
    ReadError,
    Record,
    check_field_sizes,
    is_utf8,
    row_problems,
    visible,
)

if TYPE_CHECKING:
    from gloact_lib.imports.readers import Source

__all__ = ["csv_header", "csv_records", "detect_delimiter", "detect_encoding"]

_UNDECODED = re.compile("[\udc00-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _escape_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: each byte that does not decode becomes U+DC00 + byte, to be reported.

    Like ``surrogateescape``, but for any byte (a UTF-16 file can hold an odd ASCII byte too).
    """
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error("gloact-escape", _escape_bytes)


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
        if not self.flagged and (SUSPECT.search(line) or (self.cp1252 and is_utf8(line))):
            self.flagged = True
        return line


def detect_encoding(path: Path, head: bytes) -> str:
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
            block = fh.read(BLOCK)
            text = decoder.decode(block, final=not block)
            if not text.isascii():
                bad = len(_UNDECODED.findall(text))
                invalid += bad
                valid += len(_NON_ASCII.findall(text)) - bad
            if not block:
                break
    return "utf-8" if invalid <= valid else "cp1252"


def detect_delimiter(path: Path, head: bytes, encoding: str) -> str:
    """The field delimiter (``,``, ``;`` or tab): the one the first non-blank line holds most of.

    Raises
    ------
    ReadError
        When the file has no non-blank line in its first bytes (no header row).
    """
    text = head.decode(encoding, errors="replace")
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first_line:
        raise ReadError(f"{path.name}: the file has no header row")
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get)


def _csv_rows(source: Source) -> Iterator[tuple[Record, int]]:
    """Every non-blank record, the header included, with its length in characters."""
    name, max_field = source.path.name, config.MAX_FIELD_CHARS
    try:
        fh = open(source.path, encoding=source.encoding, errors="gloact-escape", newline="")
    except OSError as exc:
        raise ReadError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    with fh:
        lines = _Lines(fh, name, config.MAX_RECORD_CHARS, cp1252=source.encoding == "cp1252")
        reader = csv.reader(lines, delimiter=source.delimiter, quotechar='"', strict=False)
        width = len(source.header) if source.header else 0
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
                check_field_sizes(source, start, fields)
            problems = row_problems(source, fields) if lines.flagged else None
            if problems:
                yield (start, fields, problems), chars
                continue
            if not "".join(fields).strip():
                continue  # blank lines and all-empty rows are not rows
            if width and lines.number > start and len(fields) != width:
                reason = (f"expected {width} fields, found {len(fields)}; the row runs over lines {start}-"
                          f"{lines.number} (a quoted value with line breaks: is a quote not closed?)")  # fmt: skip
                yield (start, fields, [("", visible(fields[0]) if fields else "", reason)]), chars
                continue
            yield (start, fields, None), chars


def csv_records(source: Source) -> Iterator[tuple[Record, int]]:
    """Every data record (all but the header) with its length in characters."""
    return itertools.islice(_csv_rows(source), 1, None)


def csv_header(source: Source) -> list[str]:
    """The header row's names, stripped (a byte-order mark too).

    Raises
    ------
    ReadError
        When the header row cannot be taken as written, or the file has none.
    """
    path = source.path
    rows = _csv_rows(source)
    try:
        for (row, fields, problems), _ in rows:
            if problems:
                raise ReadError(f"{path.name}: row {row}, the header: {problems[0][2]}")
            return [f.strip().lstrip("\ufeff") for f in fields]
    finally:
        rows.close()
    raise ReadError(f"{path.name}: the file has no header row")
