"""Which journeys to look at: :class:`Selection`, and the SQL that filters the journeys table by it."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gloact_lib import config
from gloact_lib.data.countries import CountryError, all_countries, country_name, normalise_name
from gloact_lib.data.ends import resolve_end, special_ends

__all__ = ["COUNTRY_FILTERS", "SCOPES", "Selection", "resolve_countries", "selected_sql"]

#: Kinds of journey (the ``scope`` column): one country, across borders, an end unknown.
SCOPES = ("domestic", "cross_border", "unknown")

#: The filters that take countries: each value is resolved to its ISO alpha-3 code.
COUNTRY_FILTERS = ("origin", "transit", "destination", "reporting", "country")


def _tuple(value) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every country's English and French name (normalised) and codes, to its alpha-3 code."""
    names = {}
    for c in (*all_countries(), *special_ends()):
        for key in (normalise_name(c.name_en), normalise_name(c.name_fr), c.iso3.lower(), c.iso2.lower()):
            if key:
                names.setdefault(key, c.iso3)
    return names


def _close_names(value: str) -> list[str]:
    """Up to three countries whose name or code is close to ``value``: ``"Nigeria (NGA)"``."""
    names, key = _names(), normalise_name(value)

    def score(name: str) -> float:  # in order, and letters in any order (a transposition: "Lybia")
        if len(key) >= 4 and name.startswith(key):
            return 0.95
        return (difflib.SequenceMatcher(None, key, name).ratio()
                + difflib.SequenceMatcher(None, sorted(key), sorted(name)).ratio()) / 2  # fmt: skip

    scored = sorted(((score(k), k) for k in names), reverse=True)
    best = scored[0][0] if scored else 0
    close = [k for s, k in scored if s >= max(0.6, best - 0.2)]
    codes = list(dict.fromkeys(names[k] for k in close))[:3]
    return [f"{country_name(code)} ({code})" for code in codes]


def resolve_countries(role: str, values) -> tuple[str, ...]:
    """Turn the countries of one filter into ISO alpha-3 codes, or refuse them with a message.

    A country may be given by ISO alpha-3, alpha-2 or numeric code or by its English or French
    name, in any case (``"Nigeria"``, ``"nigéria"``, ``"NG"``, ``"nga"``); the ends that are no
    country by their codes or words (``XXX``/``unknown``, ``XXA``/``stateless``,
    ``XSS``/``OOS``, as an import reads them, :func:`gloact_lib.data.ends.resolve_end`).

    Parameters
    ----------
    role : str
        The filter (``origin``...), named in the message.
    values : iterable of str

    Returns
    -------
    tuple of str
        The codes, in order, each once.

    Raises
    ------
    ValueError
        A value that names no country, or more than one: the message names the filter and the
        value, and suggests close names.  A selection is never silently empty because of a name.

    Examples
    --------
    >>> resolve_countries("origin", ["Nigeria", "ne", "Côte d'Ivoire", "NGA"])
    ('NGA', 'NER', 'CIV')
    >>> resolve_countries("origin", ["Nigria"])
    Traceback (most recent call last):
    ...
    ValueError: origin: 'Nigria' is no known country; did you mean Nigeria (NGA), Niger (NER)?
    """
    codes = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{role}: expected a country code or name, not {value!r}")
        try:
            codes.append(resolve_end(value))
        except CountryError as exc:
            reason = "no known country" if exc.reason.startswith("unknown") else f"an {exc.reason}"
            close = _close_names(value)
            hint = f"did you mean {', '.join(close)}?" if close else "give an ISO code or an English or French name"
            raise ValueError(f"{role}: {value!r} is {reason}; {hint}") from None
    return tuple(dict.fromkeys(codes))


@dataclass(frozen=True)
class Selection:
    """Which journeys to look at.  Empty filters mean "all".

    Parameters
    ----------
    start, end : datetime.date, optional
        Journeys whose period overlaps [start, end].  Journeys with no date (a source that
        gives none) are in a selection only when neither is set.
    crime : tuple of str
        ``trafficking`` and/or ``smuggling``.
    origin, transit, destination, reporting : tuple of str
        Countries in that role (transit: anywhere in ``via``): ISO alpha-3 codes, or any code or
        English or French name :func:`resolve_countries` turns into one (a name that is no
        country is a ValueError, never an empty selection).
    country : tuple of str
        Countries in any role (origin, transit or destination), as above.
    sex, age_group, exploitation : tuple of str
        Values of those columns.
    route : tuple of str
        Named routes (e.g. ``"Central Mediterranean Route"``).
    scope : tuple of str
        ``domestic`` (origin and destination in one country), ``cross_border``, ``unknown``
        (an end unknown or stateless); see :mod:`gloact_lib.data.derived`.
    source : str, optional
        Case-insensitive text the ``source`` must contain.
    data : {"all", "real", "illustrative"}
    unit : {"persons", "detections"}
        Persons and detections are never added together.
    threshold : int
        Disclosure threshold: published counts below it are hidden.
    perturb : bool
        Perturb counts of persons by the cell-key method (:mod:`gloact_lib.analysis.disclosure`).
        Switch off only to show, in tests, what it prevents.

    Examples
    --------
    >>> Selection(crime="trafficking", origin=["NGA"]).crime
    ('trafficking',)
    >>> Selection(origin=["Nigeria"], destination="espagne").destination
    ('ESP',)
    """

    start: dt.date | None = None
    end: dt.date | None = None
    crime: tuple[str, ...] = ()
    origin: tuple[str, ...] = ()
    transit: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()
    reporting: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    sex: tuple[str, ...] = ()
    age_group: tuple[str, ...] = ()
    exploitation: tuple[str, ...] = ()
    route: tuple[str, ...] = ()
    scope: tuple[str, ...] = ()
    source: str | None = None
    data: str = "all"
    unit: str = "persons"
    threshold: int = field(default=config.DISCLOSURE_THRESHOLD)
    perturb: bool = True

    def __post_init__(self):
        for name in ("crime", "origin", "transit", "destination", "reporting", "country", "sex", "age_group",
                     "exploitation", "route", "scope"):  # fmt: skip
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        for name in COUNTRY_FILTERS:
            object.__setattr__(self, name, resolve_countries(name, getattr(self, name)))
        wrong = set(self.scope) - set(SCOPES)
        if wrong:
            raise ValueError(f"scope must be among {', '.join(SCOPES)}, not {', '.join(sorted(wrong))}")
        if self.data not in ("all", "real", "illustrative"):
            raise ValueError(f"data must be 'all', 'real' or 'illustrative', not {self.data!r}")
        if self.unit not in ("persons", "detections"):
            raise ValueError(f"unit must be 'persons' or 'detections', not {self.unit!r}")
        if self.threshold < 1:
            raise ValueError(f"threshold must be at least 1, not {self.threshold!r}")

    @property
    def disclosure(self) -> dict:
        """How this selection's counts are published: ``publish(cells, **selection.disclosure)``."""
        return {"unit": self.unit, "threshold": self.threshold, "perturb": self.perturb}

    def replace(self, **changes) -> Selection:
        """A copy with some filters changed."""
        return replace(self, **changes)

    def period_where(self, first: str, last: str) -> tuple[list[str], list]:
        """SQL clauses and parameters keeping rows whose ``[first, last]`` overlaps the selection's period.

        Examples
        --------
        >>> Selection(start=dt.date(2018, 1, 1)).period_where("date", "date")
        (['date >= ?'], [datetime.date(2018, 1, 1)])
        """
        clauses, params = [], []
        if self.start is not None:
            clauses.append(f"{last} >= ?")
            params.append(self.start)
        if self.end is not None:
            clauses.append(f"{first} <= ?")
            params.append(self.end)
        return clauses, params

    def where(self) -> tuple[str, list]:
        """SQL ``WHERE`` clause and parameters for the journeys table."""
        clauses, params = self.period_where("period_start", "period_end")
        clauses.insert(0, "unit = ?")
        params.insert(0, self.unit)
        for column, values in (("crime", self.crime), ("origin_country", self.origin),
                               ("destination_country", self.destination), ("reporting_country", self.reporting),
                               ("sex", self.sex), ("age_group", self.age_group),
                               ("exploitation", self.exploitation), ("route", self.route),
                               ("scope", self.scope)):  # fmt: skip
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self.transit:
            clauses.append(f"list_has_any(string_split(via_countries, ';'), [{', '.join('?' * len(self.transit))}])")
            params.extend(self.transit)
        if self.country:
            marks = ", ".join("?" * len(self.country))
            clauses.append(
                f"(origin_country IN ({marks}) OR destination_country IN ({marks}) OR "
                f"list_has_any(string_split(via_countries, ';'), [{marks}]))"
            )
            params.extend(self.country * 3)
        if self.source:
            clauses.append("source ILIKE ?")
            params.append(f"%{self.source}%")
        if self.data != "all":
            clauses.append("illustrative" if self.data == "illustrative" else "NOT illustrative")
        return " AND ".join(clauses), params


def selected_sql(selection: Selection) -> tuple[str, list]:
    """``SELECT * FROM journeys`` filtered by ``selection``, and its parameters."""
    where, params = selection.where()
    return f"SELECT * FROM journeys WHERE {where}", params
