"""Validation of imported rows, a batch at a time.

A :class:`Batch` holds the text of up to ``IMPORT_CHUNK_ROWS`` rows as a pandas
DataFrame.  Each checker (``text``, ``integer``, ``period``, ``country``...)
returns the parsed column and records, for every row it cannot accept, the row
number, column, value and reason.  A row with any error is rejected as a whole;
nothing is silently dropped or coerced.

Parsing goes through the distinct values of a column, not every row: files
repeat the same countries and dates many times, so this keeps a million-row
import fast.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from gloact_lib.data.countries import CountryError, normalise_name, resolve_country
from gloact_lib.data.ends import resolve_end

__all__ = ["Batch", "parse_period", "parse_date", "parse_day_or_month"]

_MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # French (accents are removed before lookup)
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7,
}  # fmt: skip

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_NUMERIC_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTH_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{4})$")
_INTEGER = re.compile(r"^[+]?\d+$")

MIN_YEAR, MAX_YEAR = 1950, 2100


def _day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"not a valid date (no day {day} in {year}-{month:02d})") from None


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """Parse a date or a period into its first and last day.

    Accepted: ``2018-06-18`` (a day), ``18/06/2018`` or ``06/18/2018`` when the
    day is unambiguous (one part above 12, or both equal), ``2018-06`` and
    ``June 2018`` / ``juin 2018`` (a month), ``2018`` (a year).  ``05/06/2018``
    could be 5 June or 6 May and is rejected.

    Parameters
    ----------
    text : str

    Returns
    -------
    (datetime.date, datetime.date)
        First and last day of the period.

    Raises
    ------
    ValueError
        With a reason a person can act on.

    Examples
    --------
    >>> parse_period("June 2018")
    (datetime.date(2018, 6, 1), datetime.date(2018, 6, 30))
    """
    s = text.strip()
    if m := _ISO_DAY.match(s):
        y, mo, d = map(int, m.groups())
        start = end = _checked(y, mo, lambda: _day(y, mo, d))
    elif m := _ISO_MONTH.match(s):
        y, mo = map(int, m.groups())
        start, end = _month(y, mo)
    elif m := _YEAR.match(s):
        y = int(m.group(1))
        _check_year(y)
        start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    elif m := _NUMERIC_DAY.match(s):
        a, b, y = map(int, m.groups())
        if a > 12 and b <= 12:
            day, month = a, b
        elif b > 12 and a <= 12:
            day, month = b, a
        elif a == b:
            day = month = a
        elif a > 12 and b > 12:
            raise ValueError("not a valid date (neither part can be a month)")
        else:
            raise ValueError("ambiguous date: day and month could be swapped; write it as YYYY-MM-DD")
        start = end = _checked(y, month, lambda: _day(y, month, day))
    elif m := _MONTH_YEAR.match(s):
        word = normalise_name(m.group(1)).replace(" ", "")
        if word not in _MONTHS:
            raise ValueError(f"unknown month name {m.group(1)!r}")
        start, end = _month(int(m.group(2)), _MONTHS[word])
    else:
        raise ValueError("unrecognised date: use YYYY-MM-DD, DD/MM/YYYY, YYYY-MM, 'June 2018' or YYYY")
    return start, end


def parse_date(text: str) -> dt.date:
    """Parse one day; a month or a year is rejected (see :func:`parse_period`)."""
    start, end = parse_period(text)
    if start != end:
        raise ValueError("a single day is required (YYYY-MM-DD)")
    return start


def parse_day_or_month(text: str) -> dt.date:
    """Parse a day, or a month (``2024-06``, ``June 2024``, ``juin 2024``) as its first day, as Excel reads a
    month typed in a date cell; a year alone is rejected.

    Examples
    --------
    >>> parse_day_or_month("juin 2024"), parse_day_or_month("18/06/2024")
    (datetime.date(2024, 6, 1), datetime.date(2024, 6, 18))
    """
    start, end = parse_period(text)
    if start != end and (start.year, start.month) != (end.year, end.month):
        raise ValueError("a day or a month is required (YYYY-MM-DD, or a month: 2024-06, June 2024, juin 2024)")
    return start


def _check_year(y: int) -> None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(f"implausible year {y} (expected {MIN_YEAR}-{MAX_YEAR})")


def _checked(y: int, mo: int, make: Callable[[], dt.date]) -> dt.date:
    _check_year(y)
    if not 1 <= mo <= 12:
        raise ValueError(f"not a valid date (no month {mo})")
    return make()


def _month(y: int, mo: int) -> tuple[dt.date, dt.date]:
    _check_year(y)
    if not 1 <= mo <= 12:
        raise ValueError(f"not a valid month ({mo})")
    return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])


class Batch:
    """Up to a chunk of rows being validated.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text of the rows, one column per canonical input column.
    rows : numpy.ndarray
        File row number of each row.
    """

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray):
        frame = frame.astype(object).fillna("")
        for col in frame.columns:
            frame[col] = frame[col].str.strip()
        self.df = frame
        self.rows = rows
        self.bad = np.zeros(len(frame), dtype=bool)
        self.unchanged = np.zeros(len(frame), dtype=bool)
        self._errors: list[pd.DataFrame] = []

    def __len__(self) -> int:
        return len(self.df)

    def has(self, column: str) -> bool:
        """Whether the file has this (optional) column."""
        return column in self.df.columns

    def raw(self, column: str) -> pd.Series:
        """The stripped text of a column ('' when the file lacks it)."""
        if column not in self.df.columns:
            return pd.Series([""] * len(self.df), index=self.df.index, dtype=object)
        return self.df[column]

    def reject(self, mask, column: str, reason, values: pd.Series | None = None) -> None:
        """Record an error for the rows in ``mask``.

        Parameters
        ----------
        mask : array of bool
        column : str
            Column at fault ('' for the whole row).
        reason : str or Series
            One reason for all, or a reason per row (aligned with the batch).
        values : Series, optional
            Values to report (default: the column's text).
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        if values is None:
            values = self.raw(column) if column else pd.Series([""] * len(self.df), index=self.df.index)
        reasons = reason[mask].to_numpy() if isinstance(reason, pd.Series) else reason
        self._errors.append(
            pd.DataFrame(
                {
                    "row": self.rows[mask],
                    "column": column,
                    "value": np.asarray(values, dtype=object)[mask],
                    "reason": reasons,
                }
            )
        )
        self.bad |= mask

    def skip(self, mask) -> None:
        """Mark rows that ask for no change (an untouched row of a returned form): neither stored nor rejected.

        A row that is also rejected counts as rejected.
        """
        self.unchanged |= np.asarray(mask, dtype=bool)

    def errors(self) -> pd.DataFrame:
        """All errors recorded so far (row, column, value, reason)."""
        if not self._errors:
            return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []})
        return pd.concat(self._errors, ignore_index=True)

    # -- checkers -------------------------------------------------------------
    def text(self, column: str, required: bool = False, default: str = "") -> pd.Series:
        """Text as given (stripped); empty is an error when ``required``."""
        values = self.raw(column)
        empty = values == ""
        if required:
            self.reject(empty, column, "required value is empty")
        elif default:
            values = values.mask(empty, default)
        return values

    def integer(self, column: str, minimum: int | None = None, required: bool = True) -> pd.Series:
        """Whole numbers (``12``, ``+12``, ``12.0`` from Excel), optionally bounded below."""
        values = self.raw(column)
        empty = values == ""
        cleaned = values.str.replace(r"\.0+$", "", regex=True)
        ok = cleaned.str.match(_INTEGER.pattern) & ~empty
        negative = cleaned.str.match(r"^-\d+$")
        numbers = pd.to_numeric(cleaned.where(ok | negative), errors="coerce")
        if required:
            self.reject(empty, column, "required value is empty")
        self.reject(~ok & ~empty & ~negative, column, "not a whole number")
        if minimum is not None:
            self.reject((numbers < minimum).fillna(False), column, f"must be at least {minimum}")
        return numbers.astype("Int64")

    def number(self, column: str, lo: float | None = None, hi: float | None = None,
               required: bool = True) -> pd.Series:  # fmt: skip
        """Decimal numbers (a decimal comma is accepted), optionally within [lo, hi]."""
        values = self.raw(column)
        empty = values == ""
        numbers = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
        if required:
            self.reject(empty, column, "required value is empty")
        self.reject(numbers.isna() & ~empty, column, "not a number")
        if lo is not None:
            self.reject((numbers < lo).fillna(False).to_numpy(), column, f"must be at least {lo}")
        if hi is not None:
            self.reject((numbers > hi).fillna(False).to_numpy(), column, f"must be at most {hi}")
        return numbers

    def map_unique(self, column: str, parse: Callable[[str], object], required: bool = True,
                   values: pd.Series | None = None, parts: int = 0):  # fmt: skip
        """Apply ``parse`` to each distinct value; a ``ValueError`` rejects its rows.

        Empty values give None (an error when ``required``).  With ``parts=n``,
        ``parse`` returns an n-tuple and n Series are returned.
        """
        values = self.raw(column) if values is None else values
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        width = max(parts, 1)
        results = [np.full(len(uniques), None, dtype=object) for _ in range(width)]
        reasons = np.full(len(uniques), None, dtype=object)
        empty_code = -1
        for j, v in enumerate(uniques):
            if v == "":
                empty_code = j
                continue
            try:
                parsed = parse(v)
            except ValueError as exc:
                reasons[j] = str(exc)
                continue
            if parts:
                for k in range(parts):
                    results[k][j] = parsed[k]
            else:
                results[0][j] = parsed
        if required and empty_code >= 0:
            self.reject(codes == empty_code, column, "required value is empty", values)
        why = reasons[codes]
        failed = why != None  # noqa: E711  (element-wise on an object array)
        if failed.any():
            self.reject(failed, column, pd.Series(why, index=self.df.index), values)
        out = [pd.Series(r[codes], index=self.df.index, dtype=object) for r in results]
        return tuple(out) if parts else out[0]

    def period(self, column: str, required: bool = True) -> tuple[pd.Series, pd.Series]:
        """First and last day (datetime64) of each value's period (see :func:`parse_period`)."""

        def parse(v: str):
            start, end = parse_period(v)
            return np.datetime64(start, "s"), np.datetime64(end, "s")

        start, end = self.map_unique(column, parse, required, parts=2)
        return start.astype("datetime64[s]"), end.astype("datetime64[s]")

    def date(self, column: str, required: bool = True, month: bool = False) -> pd.Series:
        """Single days (``YYYY-MM-DD`` or an unambiguous DD/MM/YYYY); with ``month``, also a month (its first
        day, :func:`parse_day_or_month`)."""
        return self.map_unique(column, parse_day_or_month if month else parse_date, required)

    def country(self, column: str, required: bool = True) -> pd.Series:
        """ISO alpha-3 codes (see :func:`gloact_lib.data.countries.resolve_country`)."""

        def parse(v: str) -> str:
            try:
                return resolve_country(v)
            except CountryError as exc:
                raise ValueError(exc.reason) from None

        return self.map_unique(column, parse, required)

    def end(self, column: str) -> pd.Series:
        """Origins or destinations: ISO alpha-3 codes, or ``XXX`` (unknown, also for an empty value),
        ``XXA`` (stateless), ``XSS`` (sub-Saharan Africa): :func:`gloact_lib.data.countries.resolve_end`."""

        def parse(v: str) -> str:
            try:
                return resolve_end(v)
            except CountryError as exc:
                raise ValueError(exc.reason) from None

        out = self.map_unique(column, parse, required=False)
        return out.fillna(resolve_end(""))

    def choice(self, column: str, allowed: Mapping[str, str], default: str | None = None) -> pd.Series:
        """One of a closed list; ``allowed`` maps accepted spellings (lower case) to values.

        Empty gives ``default``, or an error when there is no default.
        """
        values = self.raw(column)
        keys = values.str.lower()
        out = keys.map(allowed)
        empty = values == ""
        if default is None:
            self.reject(empty, column, "required value is empty")
        else:
            out = out.mask(empty, default)
        expected = ", ".join(sorted(set(allowed.values())))
        self.reject(out.isna() & ~empty, column, f"not one of: {expected}")
        return out

    def boolean(self, column: str, default: bool = False) -> pd.Series:
        """true/false, yes/no, oui/non, 1/0; empty gives ``default``."""
        truth = {"true": True, "yes": True, "oui": True, "vrai": True, "1": True, "y": True,
                 "false": False, "no": False, "non": False, "faux": False, "0": False, "n": False}  # fmt: skip
        values = self.raw(column)
        out = values.str.lower().map(truth)
        empty = values == ""
        out = out.mask(empty, default)
        self.reject(out.isna() & ~empty, column, "not true/false")
        return out.astype(object)
