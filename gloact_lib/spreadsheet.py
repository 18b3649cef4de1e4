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
treats any ``str`` starting with ``=`` as a formula.  :func:`xlsx_sheet` writes a one-sheet
workbook without openpyxl (a dashboard's Excel download: openpyxl and Pillow are never loaded
in a viewer's kernel), every text an inline string: it has no way to write a formula at all.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

__all__ = ["SEPARATORS", "is_dangerous", "safe_cell", "safe_row", "safe_value", "write_cell", "write_row",
           "xlsx_sheet"]  # fmt: skip

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


# -- a one-sheet Excel workbook, without openpyxl ----------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold, and a literal "_xHHHH_" (which Excel would read as one): written as Excel's escapes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{_RELS}/officeDocument"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_RELS}/worksheet"/>'
        f'<Relationship Id="rId2" Target="styles.xml" Type="{_RELS}/styles"/></Relationships>'),
    "xl/styles.xml": (  # style 0: plain; style 1: bold
        f'<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}  # fmt: skip


def _column(i: int) -> str:
    """The letters of the 0-based column ``i`` (0 -> A, 26 -> AA)."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value, style: str) -> str:
    """One ``<c>`` element: a number as a number, anything else as an inline string (never a formula)."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float, Decimal)) and math.isfinite(value):
        number = repr(value) if isinstance(value, float) else str(value)  # repr: every digit of a float
        return f'<c r="{ref}"{style}><v>{number}</v></c>'
    text = _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", safe_cell(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def xlsx_sheet(rows: Iterable[Sequence], *, title: str = "Sheet1", bold_rows: Iterable[int] = (),
               freeze_rows: int = 0, widths: Sequence[float] = ()) -> bytes:  # fmt: skip
    """A one-sheet Excel workbook (``.xlsx``) of ``rows``, written without openpyxl.

    Every value goes through :func:`safe_value`: numbers stay numbers, any other value is
    written as a neutralised inline string, so no cell is ever a formula; an empty text or
    None leaves the cell empty.

    Parameters
    ----------
    rows : iterable of sequences
        The cells of each row, from column A.
    title : str, default "Sheet1"
        The sheet's name (at most 31 characters, none of ``[]:*?/\\``).
    bold_rows : iterable of int
        1-based numbers of the rows written in bold.
    freeze_rows : int, default 0
        Rows kept in view when scrolling (the top ``freeze_rows`` rows).
    widths : sequence of float
        Widths of the first columns, in characters.

    Returns
    -------
    bytes
        The workbook, the same bytes for the same arguments.

    Examples
    --------
    >>> data = xlsx_sheet([["Title"], ["=1+1", 5]], title="figures", bold_rows=[1])
    >>> data[:2], b"<f>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    (b'PK', False)
    """
    bold = set(bold_rows)
    lines = []
    for r, row in enumerate(rows, start=1):
        style = ' s="1"' if r in bold else ""
        cells = "".join(_cell(f"{_column(c)}{r}", value, style) for c, value in enumerate(row)
                        if value is not None and value != "")  # fmt: skip
        lines.append(f'<row r="{r}">{cells}</row>')
    view = (f'<pane ySplit="{freeze_rows}" topLeftCell="A{freeze_rows + 1}" activePane="bottomLeft" state="frozen"/>'
            if freeze_rows else "")  # fmt: skip
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    cols = f"<cols>{cols}</cols>" if cols else ""
    sheet = (f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
             f'{cols}<sheetData>{"".join(lines)}</sheetData></worksheet>')  # fmt: skip
    workbook = (f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
                f'<sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, xml in (*_PARTS.items(), ("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", sheet)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            book.writestr(info, _XML + xml)
    return out.getvalue()
