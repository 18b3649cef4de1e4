"""Profiles: the queries the views need beyond flows (member countries, country profiles, meetings).

Every function takes a connection and returns plain Python values or DataFrames; views and
dashboards never write SQL themselves.  Dates in the DataFrames are pandas timestamps (``NaT``
where the database has none); texts are as stored, never escaped (the views escape them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd

from gloact_lib.analysis.selection import Selection, selected_sql
from gloact_lib.data.countries import NOT_PLACED

__all__ = ["country_box", "first_view", "frontex_latest", "frontex_routes", "frontex_years", "incident_summary",
           "incident_years", "indicators", "journey_count", "journey_countries", "journey_years", "meeting",
           "meetings", "meetings_attended", "member_countries", "participants", "real_data",
           "treaty_status"]  # fmt: skip

#: The order treaties are listed in: the Convention, then its two protocols.
INSTRUMENTS = ("UNTOC", "TIP_Protocol", "SOM_Protocol")


def _codes(countries: str | Iterable[str]) -> list[str]:
    return [countries] if isinstance(countries, str) else list(countries)


def member_countries(con) -> list[str]:
    """The countries the workbook serves: Niamey 2018 delegations and the Mali-Morocco-Niger group."""
    rows = con.execute(
        "SELECT DISTINCT iso3 FROM groups WHERE group_id IN ('niamey_2018', 'mali_morocco_niger') ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def journey_years(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The first and last year the journeys cover.

    Returns
    -------
    (int, int)
        From the earliest ``period_start`` to the latest ``period_end``; 2009 and the current
        year when there is no journey.
    """
    first, last = con.execute("SELECT min(year(period_start)), max(year(period_end)) FROM journeys").fetchall()[0]
    # journeys with no date (period_start empty) are left out here: they count when the whole period is chosen
    return (first or 2009, last or dt.date.today().year)


def journey_countries(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every country some journey starts or ends in (ISO alpha-3, sorted; the sub-Saharan region ``XSS`` too, not
    the unknown and stateless ends).

    Returns
    -------
    list of str
    """
    rows = con.execute("SELECT DISTINCT origin_country FROM journeys UNION "
                       "SELECT DISTINCT destination_country FROM journeys ORDER BY 1").fetchall()  # fmt: skip
    return [r[0] for r in rows if r[0] not in NOT_PLACED]


def journey_count(con: duckdb.DuckDBPyConnection, selection: Selection) -> int:
    """How many journey rows a selection holds (0: nothing to show; never published, only tested).

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> journey_count(connect(":memory:"), Selection())
    0
    """
    sql, params = selected_sql(selection)
    return con.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0]


def real_data(con: duckdb.DuckDBPyConnection, unit: str) -> str:
    """The data a view counting ``unit`` opens on: ``"real"`` where there is some, else ``"all"`` (the sample,
    labelled illustrative wherever it shows).

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> real_data(connect(":memory:"), "detections")
    'all'
    """
    return "real" if journey_count(con, Selection(unit=unit, data="real")) else "all"


def first_view(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """The ``(unit, data)`` a dashboard opens on: real data first.

    Frontex detections (the real flow data) where there are some, else real counts of persons, else
    every journey (the illustrative sample, labelled as such).

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> first_view(connect(":memory:"))
    ('persons', 'all')
    """
    if real_data(con, "detections") == "real":
        return "detections", "real"
    return "persons", real_data(con, "persons")


def _real_detections(iso3: str) -> tuple[str, list]:
    """SQL over the real detections where a country is the nationality, a transit (via) or the destination."""
    where = ("unit = 'detections' AND NOT illustrative AND (origin_country = ? OR destination_country = ? "
             "OR list_contains(string_split(via_countries, ';'), ?))")  # fmt: skip
    return where, [iso3, iso3, iso3]


def frontex_years(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Real Frontex detections concerning a country, per year.

    ``nationals`` are detections of its nationals (the journey's origin is the nationality);
    ``transit`` are detections on the routes whose assigned departure country it is (Frontex gives each
    route one, :mod:`gloact_lib.data.frontex_routes`); ``destination`` are detections entering it.
    Detections are not persons: one person may be detected several times.

    Returns
    -------
    DataFrame
        ``year``, ``nationals``, ``transit``, ``destination`` (exact counts, int); a row per year with
        any, oldest first; empty with none.
    """
    where, params = _real_detections(iso3)
    return con.execute(
        "SELECT year(period_start) AS year, "
        "coalesce(sum(persons) FILTER (WHERE origin_country = ?), 0)::BIGINT AS nationals, "
        "coalesce(sum(persons) FILTER (WHERE list_contains(string_split(via_countries, ';'), ?)), 0)::BIGINT "
        "AS transit, coalesce(sum(persons) FILTER (WHERE destination_country = ?), 0)::BIGINT AS destination "
        f"FROM journeys WHERE {where} AND period_start IS NOT NULL GROUP BY 1 ORDER BY 1",
        [iso3, iso3, iso3, *params],
    ).df()  # fmt: skip


def frontex_routes(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """The Frontex routes on which a country's nationals were detected, and the routes assigned to it.

    Returns
    -------
    DataFrame
        ``route``, ``nationals`` (detections of its nationals on it), ``transit`` (detections on it
        when the country is its assigned departure country, else 0); most nationals first.
    """
    where, params = _real_detections(iso3)
    return con.execute(
        "SELECT route, coalesce(sum(persons) FILTER (WHERE origin_country = ?), 0)::BIGINT AS nationals, "
        "coalesce(sum(persons) FILTER (WHERE list_contains(string_split(via_countries, ';'), ?)), 0)::BIGINT "
        f"AS transit FROM journeys WHERE {where} AND route IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1",
        [iso3, iso3, *params],
    ).df()  # fmt: skip


def frontex_latest(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The last day the real detections cover (the latest year may be partial); None with none."""
    return con.execute("SELECT max(period_end) FROM journeys WHERE unit = 'detections' AND NOT illustrative"
                       ).fetchall()[0][0]  # fmt: skip


def incident_years(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """IOM Missing Migrants figures of a country, per year: recorded in it, and of its nationals anywhere.

    An incident whose victims have several nationalities counts for each of them with all its dead and
    missing (the source gives no split).

    Returns
    -------
    DataFrame
        ``year``, ``dead`` and ``incidents`` (recorded in the country), ``nationals_dead`` and
        ``nationals_incidents`` (incidents involving its nationals, anywhere); oldest first; exact public
        figures, empty with none.
    """
    mine = "list_contains(string_split(nationality_iso3, ','), ?)"
    return con.execute(
        "SELECT year(date) AS year, "
        "coalesce(sum(dead_and_missing) FILTER (WHERE incident_iso3 = ?), 0)::BIGINT AS dead, "
        "count(*) FILTER (WHERE incident_iso3 = ?) AS incidents, "
        f"coalesce(sum(dead_and_missing) FILTER (WHERE {mine}), 0)::BIGINT AS nationals_dead, "
        f"count(*) FILTER (WHERE {mine}) AS nationals_incidents "
        f"FROM incidents WHERE incident_iso3 = ? OR {mine} GROUP BY 1 ORDER BY 1",
        [iso3] * 6,
    ).df()  # fmt: skip


def treaty_status(con: duckdb.DuckDBPyConnection, countries: str | Iterable[str]) -> pd.DataFrame:
    """The UN treaty actions of some countries.

    Parameters
    ----------
    countries : str or iterable of str
        ISO alpha-3 code(s).

    Returns
    -------
    DataFrame
        ``iso3``, ``instrument``, ``action_date`` (``NaT`` when not a party), ``action_type``,
        ``status``, ``verified``, ``source``; by country, then UNTOC, the trafficking protocol,
        the smuggling protocol.
    """
    return con.execute(
        "SELECT iso3, instrument, action_date, action_type, status, verified, source FROM treaties "
        "WHERE list_contains(?::VARCHAR[], iso3) "
        "ORDER BY iso3, list_position(?::VARCHAR[], instrument)", [_codes(countries), list(INSTRUMENTS)]
    ).df()  # fmt: skip


def indicators(con: duckdb.DuckDBPyConnection, countries: str | Iterable[str]) -> pd.DataFrame:
    """National figures of some countries (prosecutions, vehicles immobilised, flow monitoring...).

    Parameters
    ----------
    countries : str or iterable of str
        ISO alpha-3 code(s).

    Returns
    -------
    DataFrame
        ``iso3``, ``label_en``, ``label_fr``, ``value``, ``unit``, ``period_start``, ``period_end``,
        ``illustrative``, ``source``; by country, period and indicator id.
    """
    return con.execute(
        "SELECT iso3, label_en, label_fr, value, unit, period_start, period_end, illustrative, source "
        "FROM indicators WHERE list_contains(?::VARCHAR[], iso3) ORDER BY iso3, period_start, indicator_id",
        [_codes(countries)],
    ).df()


def incident_summary(con: duckdb.DuckDBPyConnection, iso3: str) -> dict:
    """Migrants dead and missing recorded in a country (IOM Missing Migrants Project).

    Returns
    -------
    dict
        ``dead`` (dead and missing, 0 with no incident), ``incidents`` (their number), ``first``
        and ``last`` (dates of the first and last incidents, None with no incident).
    """
    dead, n, first, last = con.execute(
        "SELECT coalesce(sum(dead_and_missing), 0), count(*), min(date), max(date) FROM incidents "
        "WHERE incident_iso3 = ?", [iso3]
    ).fetchall()[0]  # fmt: skip
    return {"dead": dead, "incidents": n, "first": first, "last": last}


def country_box(con: duckdb.DuckDBPyConnection, iso3: str, pad: float = 6.0) -> list | None:
    """A box around a country's label point (for the incidents drawn on its map).

    Returns
    -------
    list or None
        ``[[south, west], [north, east]]``, ``pad`` degrees around the point; None for a
        country with no label point.
    """
    row = con.execute("SELECT label_lat, label_lon FROM countries WHERE iso3 = ?", [iso3]).fetchall()
    if not row or row[0][0] is None:
        return None
    lat, lon = row[0]
    return [[lat - pad, lon - pad], [lat + pad, lon + pad]]


def meetings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every meeting, oldest first.

    Returns
    -------
    DataFrame
        ``meeting_id``, ``title_en``, ``title_fr``, ``city``, ``start_date``, ``end_date``, ``source``.
    """
    return con.execute(
        "SELECT meeting_id, title_en, title_fr, city, start_date, end_date, source FROM meetings ORDER BY start_date"
    ).df()


def meeting(con: duckdb.DuckDBPyConnection, meeting_id: str) -> dict:
    """One meeting, as a dict of its columns (dates as :class:`datetime.date`).

    Raises
    ------
    ValueError
        For an unknown meeting: the message lists the known ones.
    """
    cur = con.execute("SELECT * FROM meetings WHERE meeting_id = ?", [meeting_id])
    rows = cur.fetchall()
    if not rows:
        known = ", ".join(r[0] for r in con.execute("SELECT meeting_id FROM meetings ORDER BY 1").fetchall())
        if not known:
            raise ValueError(f"unknown meeting {meeting_id!r}: no meeting in the database (import meetings.csv)")
        raise ValueError(f"unknown meeting {meeting_id!r}: expected one of {known}")
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def participants(con: duckdb.DuckDBPyConnection, meeting_id: str) -> pd.DataFrame:
    """Who took part in a meeting: countries and organisations.

    Returns
    -------
    DataFrame
        ``participant_kind`` (``country`` or ``organisation``), ``iso3``, ``organisation``;
        by country code, then organisation.
    """
    return con.execute(
        "SELECT participant_kind, iso3, organisation FROM participants WHERE meeting_id = ? ORDER BY 2, 3",
        [meeting_id],
    ).df()


def meetings_attended(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """The meetings a country took part in, oldest first.

    Returns
    -------
    DataFrame
        ``meeting_id``, ``title_en``, ``title_fr``, ``city``, ``start_date``.
    """
    return con.execute(
        "SELECT m.meeting_id, m.title_en, m.title_fr, m.city, m.start_date FROM participants p "
        "JOIN meetings m USING (meeting_id) WHERE p.iso3 = ? ORDER BY m.start_date", [iso3]
    ).df()  # fmt: skip
