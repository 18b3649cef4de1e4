"""Cells a spreadsheet will never run: the one neutralisation every writer uses.

Whatever the workbook writes for a spreadsheet program — the Excel forms (openpyxl), the
rejection reports (CSV), the sample files — goes through :func:`safe_cell` (text) or
:func:`safe_value` (any cell value), so that data from an imported file cannot become a
live formula (``=HYPERLINK(...)``, ``=cmd|'/c calc'!A1``, ``@SUM(...)``) in Excel or
LibreOffice.

The rule
--------
A text is split into *segments* at every separator a spreadsheet program may split a line
on: ``,`` ``;`` tab ``|`` CR LF (a French Excel opens a comma-separated file splitting on
``;``, so ``x;=1+1`` would be two cells, the second a formula).  Each character is read in
its NFKC form (``unicodedata.normalize("NFKC", ...)``), so full-width ``＝`` (U+FF1D),
``＋``, ``－``, ``＠``, small ``﹦`` and the like count as ``=`` ``+`` ``-`` ``@``, and
full-width separators (``；`` ``，`` ``｜``) as separators.  A segment is dangerous when its
first non-blank character is ``=``, ``+`` or ``@``, or ``-`` not followed only by a plain
number (``-5`` and ``-2.5`` are numbers, ``-1+1`` is a formula).  A text starting with a tab
or a carriage return is dangerous too.

Each dangerous position gets a ``'`` inserted before it; nothing else changes (the original
characters are kept, only apostrophes are added), so the spreadsheet shows text and the
report still shows what the file held.  Numbers, dates and booleans passed to
:func:`safe_value` stay what they are (``-5`` as an int stays the number -5).

For openpyxl, :func:`write_row` also forces every text cell to the string type: openpyxl
treats any ``str`` starting with ``=`` as a formula.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

__all__ = ["SEPARATORS", "is_dangerous", "safe_cell", "safe_row", "safe_value", "write_cell", "write_row"]

#: Characters a spreadsheet program may split a line into cells on (after NFKC).
SEPARATORS = frozenset(",;\t|\r\n")
_TRIGGERS = frozenset("=+-@")
_ASCII_RISK = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"-\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*")


def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch


def _positions(text: str) -> list[int]:
    """Indexes in ``text`` before which an apostrophe neutralises a formula."""
    if text.isascii() and not _ASCII_RISK.search(text):
        return []  # the common case, decided in C: nothing a formula could start with
    chars = [_nfkc(c) for c in text]
    found: list[int] = []
    if chars and chars[0][:1] in ("\t", "\r"):
        found.append(0)
    start = 0
    n = len(chars)
    while start <= n:
        end = start
        while end < n and not (chars[end] and chars[end][0] in SEPARATORS):
            end += 1
        first = start
        while first < end and (not chars[first] or chars[first].isspace()):
            first += 1
        if first < end and chars[first][0] in _TRIGGERS:
            segment = "".join(chars[first:end])
            if not (segment[0] == "-" and _NUMBER.fullmatch(segment)):
                found.append(first)
        start = end + 1
    return found


def is_dangerous(value) -> bool:
    """Whether a spreadsheet could read ``value`` (as text) as a formula; see the module rule.

    Examples
    --------
    >>> [is_dangerous(v) for v in ("=1+1", "x;=1+1", "\\uff1d1", "-5", "Niger")]
    [True, True, True, False, False]
    """
    return bool(_positions("" if value is None else str(value)))


def safe_cell(value) -> str:
    """Text that no spreadsheet will run: a ``'`` before every segment that would start a formula.

    Parameters
    ----------
    value : object
        Anything; ``None`` is the empty text, other values are ``str(value)``.

    Returns
    -------
    str
        The text, with an apostrophe inserted before each dangerous position (see the
        module docstring); unchanged when harmless.

    Examples
    --------
    >>> safe_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> safe_cell("x;=1+1"), safe_cell("a, @SUM(A1)"), safe_cell("-5"), safe_cell("-1+1")
    ("x;'=1+1", "a, '@SUM(A1)", '-5', "'-1+1")
    >>> safe_cell("\\uff1d1+1") == "'\\uff1d1+1"
    True
    """
    text = "" if value is None else str(value)
    positions = _positions(text)
    if not positions:
        return text
    out, last = [], 0
    for p in sorted(set(positions)):
        out.append(text[last:p])
        out.append("'")
        last = p
    out.append(text[last:])
    return "".join(out)


def safe_value(value):
    """A cell value to write: numbers, dates, booleans and None as they are; anything else as :func:`safe_cell`.

    Examples
    --------
    >>> safe_value(-5), safe_value("-5"), safe_value("=1"), safe_value(None)
    (-5, '-5', "'=1", None)
    """
    if value is None or isinstance(value, (bool, int, float, Decimal, dt.date, dt.datetime, dt.time)):
        return value
    return safe_cell(value)


def safe_row(values: Iterable) -> list:
    """:func:`safe_value` of every value of a row (for ``csv.writer.writerow``)."""
    return [safe_value(v) for v in values]


def write_row(ws, values: Iterable) -> None:
    """Append a row to an openpyxl worksheet, every text neutralised and stored as a string.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
    values : iterable
        Cell values; numbers and dates are kept as such.
    """
    row = safe_row(values)
    ws.append(row)
    for cell, value in zip(ws[ws.max_row], row, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would otherwise take a text starting with "=" as a formula


def write_cell(cell, value) -> None:
    """Set one openpyxl cell to a neutralised value (text stored as a string)."""
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
