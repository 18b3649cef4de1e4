"""Flows: what a selection of journeys says about routes, evaluated in DuckDB.

A :class:`Selection` (period, crime, countries by role, sex, age group,
exploitation, source, real or illustrative data, unit) filters the journeys
table; :func:`od_pairs`, :func:`legs`, :func:`hubs` and :func:`country_roles`
aggregate it.  All aggregation happens in SQL, so it stays fast to tens of
millions of journeys.

Every count of persons comes with its *cell key* (``ckey``: the sum of the
rows' secret record keys, :func:`gloact_lib.analysis.disclosure.cell_key_sql`), and
:class:`Flows` publishes it through :func:`gloact_lib.analysis.disclosure.publish`:
perturbed by the cell-key method, hidden when the published value is below the
threshold (default 5).  The raw functions here are for analysts (exact counts;
never publish a cell key, it would undo the perturbation); views publish only
what :class:`Flows` and :func:`published_total` return, or what they pass
through :func:`~gloact_lib.analysis.disclosure.publish` themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from gloact_lib import config
from gloact_lib.analysis.disclosure import cell_key_sql, publish, publish_value, suppress

__all__ = [
    "Flows",
    "Node",
    "Selection",
    "country_roles",
    "hubs",
    "incidents",
    "legs",
    "monthly",
    "od_pairs",
    "published_total",
    "summary",
    "suppress",
]

_CK = cell_key_sql()


def _tuple(value) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Selection:
    """Which journeys to look at.  Empty filters mean "all".

    Parameters
    ----------
    start, end : datetime.date, optional
        Journeys whose period overlaps [start, end].
    crime : tuple of str
        ``trafficking`` and/or ``smuggling``.
    origin, transit, destination, reporting : tuple of str
        ISO alpha-3 countries in that role (transit: anywhere in ``via``).
    country : tuple of str
        Countries in any role (origin, transit or destination).
    sex, age_group, exploitation : tuple of str
        Values of those columns.
    route : tuple of str
        Named routes (e.g. ``"Central Mediterranean Route"``).
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
    source: str | None = None
    data: str = "all"
    unit: str = "persons"
    threshold: int = field(default=config.DISCLOSURE_THRESHOLD)
    perturb: bool = True

    def __post_init__(self):
        for name in ("crime", "origin", "transit", "destination", "reporting", "country", "sex", "age_group",
                     "exploitation", "route"):  # fmt: skip
            object.__setattr__(self, name, _tuple(getattr(self, name)))
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

    def where(self) -> tuple[str, list]:
        """SQL ``WHERE`` clause and parameters for the journeys table."""
        clauses, params = ["unit = ?"], [self.unit]
        if self.start is not None:
            clauses.append("period_end >= ?")
            params.append(self.start)
        if self.end is not None:
            clauses.append("period_start <= ?")
            params.append(self.end)
        for column, values in (("crime", self.crime), ("origin_country", self.origin),
                               ("destination_country", self.destination), ("reporting_country", self.reporting),
                               ("sex", self.sex), ("age_group", self.age_group),
                               ("exploitation", self.exploitation), ("route", self.route)):  # fmt: skip
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


def _selected(selection: Selection) -> tuple[str, list]:
    where, params = selection.where()
    return f"SELECT * FROM journeys WHERE {where}", params


def summary(con: duckdb.DuckDBPyConnection, selection: Selection) -> dict:
    """Headline figures of a selection (raw; publish ``persons`` with :func:`published_total`).

    Returns
    -------
    dict
        ``persons``, ``ckey`` (its cell key), ``journeys``, ``routes`` (distinct origin-destination country pairs),
        ``start``, ``end``, ``illustrative`` (any illustrative row), ``real`` (any real row),
        ``sources`` (distinct sources, at most 10), ``crimes`` (present in the selection).
    """
    sql, params = _selected(selection)
    row = con.execute(
        f"""SELECT coalesce(sum(persons), 0), {_CK}, count(*),
                   count(DISTINCT origin_country || '>' || destination_country),
                   min(period_start), max(period_end), bool_or(illustrative), bool_or(NOT illustrative)
            FROM ({sql})""",
        params,
    ).fetchall()[0]
    sources = [r[0] for r in con.execute(f"SELECT DISTINCT source FROM ({sql}) ORDER BY 1 LIMIT 10", params).fetchall()]
    crimes = [r[0] for r in con.execute(f"SELECT DISTINCT crime FROM ({sql}) ORDER BY 1", params).fetchall()]
    keys = ("persons", "ckey", "journeys", "routes", "start", "end", "illustrative", "real")
    out = dict(zip(keys, row, strict=True))
    out["illustrative"] = bool(out["illustrative"])
    out["real"] = bool(out["real"])
    out["sources"] = sources
    out["crimes"] = crimes
    return out


def od_pairs(con: duckdb.DuckDBPyConnection, selection: Selection, level: str = "country") -> pd.DataFrame:
    """Persons per origin-destination pair.

    Parameters
    ----------
    level : {"country", "place"}
        Aggregate by countries, or by the places recorded (hub ids or countries).

    Returns
    -------
    DataFrame
        ``origin``, ``destination``, ``persons``, ``journeys``, ``ckey`` (cell key); largest first.
    """
    o, d = ("origin_country", "destination_country") if level == "country" else ("origin", "destination")
    sql, params = _selected(selection)
    return con.execute(
        f"""SELECT {o} AS origin, {d} AS destination, sum(persons)::BIGINT AS persons, count(*) AS journeys,
                   {_CK} AS ckey
            FROM ({sql}) GROUP BY {o}, {d} ORDER BY persons DESC, origin, destination""",
        params,
    ).df()


def _path_sql(selection: Selection, level: str) -> tuple[str, list]:
    o, v, d = (("origin_country", "via_countries", "destination_country") if level == "country"
               else ("origin", "via", "destination"))  # fmt: skip
    sql, params = _selected(selection)
    # Journeys share few distinct paths: add them up per path first, then cut paths into legs.
    return (
        f"""SELECT persons, journeys, ckey,
                   list_concat([{o}], list_filter(string_split({v}, ';'), lambda x: x <> ''), [{d}]) AS path
            FROM (SELECT {o}, {v}, {d}, sum(persons) AS persons, count(*) AS journeys, {_CK} AS ckey
                  FROM ({sql}) GROUP BY {o}, {v}, {d})""",
        params,
    )


def legs(con: duckdb.DuckDBPyConnection, selection: Selection, level: str = "place") -> pd.DataFrame:
    """Persons per leg: consecutive steps origin -> each via -> destination.

    Steps that stay in the same place (or country, at country level) are not legs.

    Returns
    -------
    DataFrame
        ``source``, ``target``, ``persons``, ``journeys``, ``ckey`` (cell key); largest first.
    """
    path, params = _path_sql(selection, level)
    return con.execute(
        f"""WITH p AS ({path}),
            steps AS (SELECT persons, journeys, ckey, path[i] AS source, path[i + 1] AS target
                      FROM p, range(1, len(path)) AS r(i))
            SELECT source, target, sum(persons)::BIGINT AS persons, sum(journeys)::BIGINT AS journeys,
                   {cell_key_sql("ckey")} AS ckey
            FROM steps WHERE source <> target GROUP BY source, target ORDER BY persons DESC, source, target""",
        params,
    ).df()


def hubs(con: duckdb.DuckDBPyConnection, selection: Selection, level: str = "place") -> pd.DataFrame:
    """Per place: persons arriving (``inflow``), leaving (``outflow``) and passing through (``through``).

    Returns
    -------
    DataFrame
        ``node``, ``inflow``, ``outflow``, ``through``, and their cell keys ``inflow_ckey``,
        ``outflow_ckey``, ``through_ckey``; by ``through + inflow + outflow``.
    """
    path, params = _path_sql(selection, level)
    ck = cell_key_sql("ckey")
    return con.execute(
        f"""WITH p AS ({path}),
            steps AS (SELECT persons, ckey, path[i] AS source, path[i + 1] AS target
                      FROM p, range(1, len(path)) AS r(i)),
            moves AS (SELECT source, target, persons, ckey FROM steps WHERE source <> target),
            thru AS (SELECT unnest(path[2:len(path) - 1]) AS node, persons, ckey FROM p)
            SELECT node, coalesce(i.inflow, 0)::BIGINT AS inflow, coalesce(o.outflow, 0)::BIGINT AS outflow,
                   coalesce(t.through, 0)::BIGINT AS through, coalesce(i.k, 0) AS inflow_ckey,
                   coalesce(o.k, 0) AS outflow_ckey, coalesce(t.k, 0) AS through_ckey
            FROM (SELECT target AS node, sum(persons) AS inflow, {ck} AS k FROM moves GROUP BY 1) i
            FULL JOIN (SELECT source AS node, sum(persons) AS outflow, {ck} AS k FROM moves GROUP BY 1) o USING (node)
            FULL JOIN (SELECT node, sum(persons) AS through, {ck} AS k FROM thru GROUP BY 1) t USING (node)
            ORDER BY inflow + outflow + through DESC, node""",
        params,
    ).df()


def country_roles(con: duckdb.DuckDBPyConnection, selection: Selection) -> pd.DataFrame:
    """Each country's volume as origin, transit and destination.

    Returns
    -------
    DataFrame
        ``iso3``, ``origin``, ``transit``, ``destination`` (persons), and their cell keys
        ``origin_ckey``, ``transit_ckey``, ``destination_ckey``; by total volume.
    """
    sql, params = _selected(selection)
    return con.execute(
        f"""WITH s AS (SELECT origin_country, via_countries, destination_country, sum(persons) AS persons,
                              {_CK} AS k
                       FROM ({sql}) GROUP BY origin_country, via_countries, destination_country),
            t AS (SELECT persons, k, unnest(list_distinct(string_split(via_countries, ';'))) AS iso3
                  FROM s WHERE via_countries <> '')
            SELECT iso3, coalesce(sum(o), 0)::BIGINT AS origin, coalesce(sum(tr), 0)::BIGINT AS transit,
                   coalesce(sum(d), 0)::BIGINT AS destination, {cell_key_sql("ko")} AS origin_ckey,
                   {cell_key_sql("kt")} AS transit_ckey, {cell_key_sql("kd")} AS destination_ckey
            FROM (SELECT origin_country AS iso3, persons AS o, 0 AS tr, 0 AS d, k AS ko, 0 AS kt, 0 AS kd FROM s
                  UNION ALL SELECT destination_country, 0, 0, persons, 0, 0, k FROM s
                  UNION ALL SELECT iso3, 0, persons, 0, 0, k, 0 FROM t)
            GROUP BY iso3 ORDER BY origin + transit + destination DESC, iso3""",
        params,
    ).df()


def monthly(con: duckdb.DuckDBPyConnection, selection: Selection) -> pd.DataFrame:
    """Persons per month of ``period_start`` (for trend charts).

    Returns
    -------
    DataFrame
        ``month`` (first day), ``persons``, ``ckey`` (cell key).
    """
    sql, params = _selected(selection)
    return con.execute(
        f"""SELECT date_trunc('month', period_start)::DATE AS month, sum(persons)::BIGINT AS persons, {_CK} AS ckey
            FROM ({sql}) GROUP BY 1 ORDER BY 1""",
        params,
    ).df()


def published_total(con: duckdb.DuckDBPyConnection, selection: Selection) -> int | None:
    """The total a view shows for a selection: perturbed (persons), or None when hidden.

    :meth:`Flows.from_db` publishes ``summary["persons"]`` with this same function.
    """
    sql, params = _selected(selection)
    total, ckey = con.execute(f"SELECT coalesce(sum(persons), 0), {_CK} FROM ({sql})", params).fetchall()[0]
    return publish_value(total, ckey, **selection.disclosure)


@dataclass
class Node:
    """A point flows start, pass or end at: a place (hub) or a country's label point."""

    node: str
    country: str
    lon: float | None
    lat: float | None
    name_en: str
    name_fr: str
    is_place: bool

    def name(self, lang: str = "en") -> str:
        """Display name in ``lang``."""
        return self.name_fr if lang == "fr" else self.name_en


@dataclass
class Flows:
    """Everything a route map publishes for one selection, already through disclosure control.

    Build it with :meth:`from_db`; the map and dashboards draw only what is here.

    Attributes
    ----------
    selection : Selection
    legs : DataFrame
        ``source``, ``target``, ``persons`` (published: Int64, perturbed for persons, ``<NA>`` where
        hidden), ``suppressed``; largest published first.
    hubs : DataFrame
        ``node``, ``inflow``, ``outflow`` (sums of published legs), ``hidden`` (a hidden leg
        touches it), ``is_place``.
    roles : DataFrame
        ``iso3``, ``role``, ``persons`` (published: Int64 or ``<NA>``), ``suppressed``.
    summary : dict
        :func:`summary` with ``persons`` published (:func:`published_total`; None when hidden) and
        no cell key.
    nodes : dict of str to Node
    unmapped : list of str
        Nodes of published legs with no coordinates (their legs are not drawn).
    """

    selection: Selection
    legs: pd.DataFrame
    hubs: pd.DataFrame
    roles: pd.DataFrame
    summary: dict
    nodes: dict[str, Node]
    unmapped: list[str]

    @property
    def empty(self) -> bool:
        """True when the selection holds no journey."""
        return self.summary["journeys"] == 0

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection, selection: Selection | None = None,
                level: str = "place") -> Flows:  # fmt: skip
        """Compute the flows of ``selection`` and publish them (:func:`gloact_lib.analysis.disclosure.publish`).

        Parameters
        ----------
        con : duckdb.DuckDBPyConnection
        selection : Selection, optional
            Default: every journey counted in persons.
        level : {"place", "country"}
            Draw legs between hubs (``place``) or between countries.

        Examples
        --------
        >>> from gloact_lib.data.database import connect
        >>> Flows.from_db(connect(":memory:")).empty
        True
        """
        selection = selection or Selection()
        rule = selection.disclosure
        published = publish(legs(con, selection, level), **rule)[["source", "target", "persons", "suppressed"]]
        # Largest published first, then by name: an order by the true counts would tell which of two
        # equal published values is the larger.
        order = np.lexsort((published["target"].to_numpy(), published["source"].to_numpy(),
                            -published["persons"].to_numpy(dtype="float64", na_value=-1)))  # fmt: skip
        published = published.take(order)

        wide = country_roles(con, selection)
        kinds = ("origin", "transit", "destination")
        raw_roles = pd.DataFrame({
            "iso3": np.tile(wide["iso3"].to_numpy(), len(kinds)),
            "role": np.repeat(kinds, len(wide)),
            "persons": np.concatenate([wide[k].to_numpy() for k in kinds]),
            "ckey": np.concatenate([wide[f"{k}_ckey"].to_numpy() for k in kinds]),
        })  # fmt: skip
        roles = publish(raw_roles[raw_roles["persons"].to_numpy() > 0], **rule)

        info = summary(con, selection)
        info["persons"] = publish_value(info["persons"], info.pop("ckey"), **rule)

        visible = published.dropna(subset=["persons"])
        hidden_nodes = set(published.loc[published["suppressed"], "source"]) | set(
            published.loc[published["suppressed"], "target"]
        )
        inflow = visible.groupby("target")["persons"].sum()
        outflow = visible.groupby("source")["persons"].sum()
        names = sorted(set(published["source"]) | set(published["target"]))
        nodes = _nodes(con, names)
        hub_rows = [
            {
                "node": n,
                "inflow": int(inflow.get(n, 0)),
                "outflow": int(outflow.get(n, 0)),
                "hidden": n in hidden_nodes,
                "is_place": nodes[n].is_place if n in nodes else False,
            }
            for n in names
        ]
        hubs_frame = pd.DataFrame(hub_rows, columns=["node", "inflow", "outflow", "hidden", "is_place"])
        unmapped = [n for n in names if n not in nodes or nodes[n].lon is None]
        return cls(selection, published.reset_index(drop=True), hubs_frame, roles.reset_index(drop=True), info,
                   nodes, unmapped)  # fmt: skip


def _nodes(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, Node]:
    """Coordinates and names of places and countries."""
    if not names:
        return {}
    con.register("_names", pd.DataFrame({"node": names}))
    try:
        rows = con.execute(
            """SELECT n.node, coalesce(p.country_iso3, c.iso3), coalesce(p.lon, c.label_lon),
                      coalesce(p.lat, c.label_lat), coalesce(p.name, c.name_en), coalesce(p.name, c.name_fr),
                      p.place_id IS NOT NULL
               FROM _names n LEFT JOIN places p ON p.place_id = n.node LEFT JOIN countries c ON c.iso3 = n.node"""
        ).fetchall()
    finally:
        con.unregister("_names")
    return {r[0]: Node(r[0], r[1] or "", r[2], r[3], r[4] or r[0], r[5] or r[0], bool(r[6])) for r in rows}


def incidents(con: duckdb.DuckDBPyConnection, selection: Selection, bounds: list | None = None,
              cell: float = 0.5) -> pd.DataFrame:  # fmt: skip
    """Missing Migrants incidents in the selection's period, grouped on a grid.

    Thousands of incidents cluster on the same coasts and desert tracks; grouping
    them by grid cell keeps the map readable and the page small.

    Parameters
    ----------
    bounds : [[south, west], [north, east]], optional
        Only incidents inside.
    cell : float, default 0.5
        Grid cell size in degrees (0 keeps each incident).

    Returns
    -------
    DataFrame
        ``lon``, ``lat`` (mean of the cell's incidents), ``dead_and_missing``, ``incidents``,
        ``first``, ``last`` (dates), ``route`` (most frequent), ``location`` (only for a single incident).
    """
    clauses, params = ["TRUE"], []
    if selection.start is not None:
        clauses.append("date >= ?")
        params.append(selection.start)
    if selection.end is not None:
        clauses.append("date <= ?")
        params.append(selection.end)
    if bounds is not None:
        (south, west), (north, east) = bounds
        clauses.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
        params += [south, north, west, east]
    key = "floor(lat / ?), floor(lon / ?)" if cell > 0 else "rowid"
    key_params = [cell, cell] if cell > 0 else []
    return con.execute(
        f"""SELECT round(avg(lon), 3) AS lon, round(avg(lat), 3) AS lat,
                   sum(dead_and_missing)::BIGINT AS dead_and_missing, count(*) AS incidents,
                   min(date) AS first, max(date) AS last, mode(route) AS route,
                   CASE WHEN count(*) = 1 THEN any_value(location) ELSE '' END AS location
            FROM incidents WHERE {" AND ".join(clauses)}
            GROUP BY {key} ORDER BY dead_and_missing""",
        params + key_params,
    ).df()
