"""The ends of a journey that are no country: unknown, stateless, a region.

Files write "not known" in many ways (empty, ``unknown``, ``N/A``, CTDC's ``00``, Natural
Earth's ``-99``, Frontex's ``OOO``); Frontex also counts stateless persons (``STL``) and
"unidentified sub-Saharan" nationals (``OOS``).  :func:`resolve_end` turns any of them into
one of the codes of :mod:`gloact_lib.data.countries` (``XXX``, ``XXA``, ``XSS``), or a country.
"""

from __future__ import annotations

from functools import lru_cache

from gloact_lib.data.countries import (
    NOT_PLACED,
    SPECIAL_ENDS,
    STATELESS,
    SUBSAHARAN,
    UNKNOWN,
    Country,
    normalise_name,
    resolve_country,
)

__all__ = ["is_unknown", "resolve_end", "special_ends"]

# How files write an unknown end (normalised), and Frontex's codes for nationalities that are no country.
_UNKNOWN_TEXT = {
    "", "unknown", "unk", "n a", "not known", "not available", "missing", "none", "null", "nan",
    "inconnu", "inconnue", "non connu", "non connue", "nd", "non disponible", "00", "0", "000", "99",
    "xx", "zz", "xxx", "ooo",
}  # fmt: skip
_UNKNOWN_MARKS = {"-", "--", "?", "-99", "-9", "-1", "."}
_STATELESS_TEXT = {"stateless", "apatride", "stl", "xxa"}
_SUBSAHARAN_TEXT = {"oos", "xss", "sub saharan africa", "unidentified sub saharan", "afrique subsaharienne"}


def special_ends() -> tuple[Country, ...]:
    """The ends that are not countries: unknown (``XXX``), stateless (``XXA``), sub-Saharan Africa (``XSS``).

    Examples
    --------
    >>> [c.iso3 for c in special_ends()]
    ['XXX', 'XXA', 'XSS']
    """
    return tuple(SPECIAL_ENDS)


def is_unknown(code: str | None) -> bool:
    """Whether an end has no place on a map (unknown or stateless).

    Examples
    --------
    >>> is_unknown("XXX"), is_unknown("XSS"), is_unknown("NER")
    (True, False, False)
    """
    return code in NOT_PLACED


@lru_cache(maxsize=4096)
def resolve_end(value: str) -> str:
    """Resolve the origin or destination of a journey: a country, or an end that is no country.

    Unlike :func:`resolve_country`, an empty or unknown value is accepted: files write
    ``unknown``, ``N/A``, ``00`` (CTDC), ``-99`` (Natural Earth), ``OOO`` (Frontex) or
    nothing at all for "not known".  Stateless (Frontex ``STL``) and "unidentified
    sub-Saharan" (Frontex ``OOS``) have codes of their own.  A country code wins over a
    word: ``NA`` is Namibia (write ``N/A`` for "not available").

    Parameters
    ----------
    value : str

    Returns
    -------
    str
        An ISO alpha-3 code, :data:`UNKNOWN` (``XXX``), :data:`STATELESS` (``XXA``) or
        :data:`SUBSAHARAN` (``XSS``).

    Raises
    ------
    CountryError
        If the value is neither a country nor a way of saying "unknown".

    Examples
    --------
    >>> [resolve_end(v) for v in ("", "N/A", "00", "-99", "OOO", "STL", "OOS", "Niger")]
    ['XXX', 'XXX', 'XXX', 'XXX', 'XXX', 'XXA', 'XSS', 'NER']
    """
    text = (value or "").strip()
    if text in _UNKNOWN_MARKS:
        return UNKNOWN
    key = normalise_name(text)
    if key in _UNKNOWN_TEXT or text.upper() in {"OOO", "XXX"}:
        return UNKNOWN
    if key in _STATELESS_TEXT:
        return STATELESS
    if key in _SUBSAHARAN_TEXT:
        return SUBSAHARAN
    return resolve_country(text)
