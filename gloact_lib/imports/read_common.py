"""What the CSV and Excel readers share: the error, the record type, and the checks of a value as read.

See :mod:`gloact_lib.imports.readers` for what reading guarantees.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gloact_lib import config

if TYPE_CHECKING:
    from gloact_lib.imports.readers import Source

__all__ = ["BLOCK", "SUSPECT", "Problem", "ReadError", "Record", "check_field_sizes", "encoding_name", "is_utf8",
           "row_problems", "visible"]  # fmt: skip

#: Bytes read at a time from a file or a zip member.
BLOCK = 1 << 20

#: Characters a value may not hold: C0 and C1 controls except tab, LF and CR, DEL, and
#: surrogates (the bytes a file's encoding cannot decode, kept by the ``gloact-escape`` handler).
SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}

#: A reason a row is reported: (column as written in the header, value as shown, reason).
Problem = tuple[str, str, str]
#: A row as read: (row number, fields, problems or None when it was read as written).
Record = tuple[int, list[str], list[Problem] | None]


class ReadError(Exception):
    """The file could not be read at all (empty, binary, no header, over a limit...).

    The message is one line, names the file, and says what to do.
    """

    def __init__(self, message: str):
        text = re.sub(r"\s*[\r\n]+\s*", " ", str(message)).strip()
        super().__init__(text if len(text) <= 600 else text[:599] + "…")


def encoding_name(encoding: str) -> str:
    """The name a person knows an encoding by (``cp1252`` is "Windows-1252")."""
    return _ENCODING_NAMES.get(encoding, encoding)


def is_utf8(text: str) -> bool:
    """Whether text read as Windows-1252 is really non-ASCII UTF-8 ("CÃ´te" for "Côte")."""
    if text.isascii():
        return False
    try:
        text.encode("cp1252", "surrogateescape").decode("utf-8")
    except (UnicodeError, ValueError):
        return False
    return True


def visible(value: str) -> str:
    """A value as the report shows it: undecodable bytes as ``\\xE9``, controls as ``\\x00``."""

    def show(m: re.Match) -> str:
        code = ord(m.group())
        if 0xDC00 <= code <= 0xDCFF:
            return f"\\x{code - 0xDC00:02X}"
        return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"

    return SUSPECT.sub(show, value)


def _column(source: Source, index: int) -> str:
    return source.header[index] if source.header and index < len(source.header) else ""


def row_problems(source: Source, fields: list[str]) -> list[Problem]:
    """Why each value of a flagged row cannot be taken as it is (empty if it can)."""
    found = []
    for i, value in enumerate(fields):
        reason = _bad_value(source.encoding, value)
        if reason:
            found.append((_column(source, i), visible(value), reason))
    return found


def _bad_value(encoding: str, value: str) -> str | None:
    """Why a value cannot be taken as read (bytes not in the file's encoding, a control character), or None."""
    m = SUSPECT.search(value)
    name = encoding_name(encoding)
    why = "as most of it is" if encoding in ("utf-8", "cp1252") else "from its byte-order mark"
    if m:
        code, at = ord(m.group()), m.start() + 1
        if 0xDC00 <= code <= 0xDCFF and encoding == "cp1252":
            return (f"byte 0x{code - 0xDC00:02X} at character {at} is not a {name} character (the file is "
                    f"read as {name}, {why}); save the file as UTF-8")  # fmt: skip
        if 0xDC00 <= code <= 0xDCFF:
            return (f"not valid {name}: byte 0x{code - 0xDC00:02X} at character {at} (the file is read as "
                    f"{name}, {why}); save the file as {name}")  # fmt: skip
        if 0xD800 <= code <= 0xDFFF:
            return f"not valid {name} at character {at}; save the file as UTF-8"
        return f"control character U+{code:04X} at character {at}; remove it"
    if encoding == "cp1252" and is_utf8(value):
        utf8 = value.encode("cp1252", "surrogateescape").decode("utf-8")
        return (f"this value is UTF-8 ({utf8[:60]!r}) in a file read as Windows-1252 ({why}); "
                "save the whole file as UTF-8")  # fmt: skip
    return None


def check_field_sizes(source: Source, row: int, fields: list[str]) -> None:
    """Refuse the file (:class:`ReadError`) when a value of the row is over ``config.MAX_FIELD_CHARS``."""
    limit = config.MAX_FIELD_CHARS
    for i, value in enumerate(fields):
        if len(value) > limit:
            column = _column(source, i) or f"field {i + 1}"
            hint = " (it holds line breaks: is a quote never closed?)" if "\n" in value or "\r" in value else ""
            raise ReadError(
                f"{source.path.name}: row {row}, column {column}: a value of {len(value):,} characters, "
                f"more than the limit of {limit:,} (MAX_FIELD_CHARS){hint}"
            )
