"""Every raw count a route map needs, from one pass over the journeys: what :meth:`Flows.from_db` publishes.

:mod:`gloact_lib.analysis.counts` has one query per table (:func:`~gloact_lib.analysis.counts.legs`,
:func:`~gloact_lib.analysis.counts.country_roles`, :func:`~gloact_lib.analysis.counts.ends`), each reading the
selected journeys again, and :func:`~gloact_lib.analysis.counts.summary` once more: four scans of ten million
rows for one redraw.  :func:`flow_counts` reads them once: the selected journeys are added up per *path*
(origin, via and destination, their countries and the scope: a few thousand groups, however many journeys),
with their period and kinds of data and what the path's ends are on a map (whether they have a place, why it
is listed beside the map); the legs, the countries' roles, the origin-destination ends and what is derived
from them (:func:`~gloact_lib.analysis.counts.domestic`, :func:`~gloact_lib.analysis.counts.listed`,
:func:`~gloact_lib.analysis.counts.accounting`) are then added up from those groups in Python.  Sums of
persons and of journeys add up over sub-groups, and so do cell keys (sums modulo 2**32), so every count is
the one those functions give (``tests/analysis/test_flow_counts.py`` compares them, frame for frame, on random
selections and odd paths).  Two small queries follow: the sources and crimes (two columns) and the nodes'
places.

Like :mod:`~gloact_lib.analysis.counts`, these are exact counts with their cell keys: never shown as they are
(:class:`~gloact_lib.analysis.flows.Flows` publishes them).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from gloact_lib.analysis.counts import _CK, _REASON
from gloact_lib.analysis.disclosure import MODULUS
from gloact_lib.analysis.selection import Selection, selected_sql
from gloact_lib.data.countries import NOT_PLACED

__all__ = ["FlowCounts", "flow_counts", "node_rows", "texts"]

#: The roles of :func:`gloact_lib.analysis.counts.country_roles`, in its order.
ROLE_NAMES = ("origin", "transit", "destination", "domestic")

_KEYS = "origin, via, destination, origin_country, via_countries, destination_country, scope"


@dataclass
class FlowCounts:
    """The raw counts of one selection (exact, with cell keys: publish before showing).

    Attributes
    ----------
    legs : DataFrame
        As :func:`gloact_lib.analysis.counts.legs` (``source``, ``target``, ``persons``, ``journeys``, ``ckey``;
        largest first).
    roles : DataFrame
        :func:`gloact_lib.analysis.counts.country_roles` in long form: ``iso3``, ``role`` (``origin``,
        ``transit``, ``destination``, ``domestic``), ``persons``, ``ckey``; only roles with persons, the roles in
        that order and, within a role, the countries by total volume then code (the wide table's order).
    ends : DataFrame
        As :func:`gloact_lib.analysis.counts.ends`.
    facts : dict
        :func:`gloact_lib.analysis.counts.facts`: the period, the kinds of data, the sources and crimes.
    nodes : list of tuple
        :func:`node_rows` of every end of a leg and every country with domestic journeys, by name: the points to
        place on a map.
    domestic, listed : DataFrame
        As :func:`gloact_lib.analysis.counts.domestic` and :func:`gloact_lib.analysis.counts.listed`.
    accounting : dict
        As :func:`gloact_lib.analysis.counts.accounting`.
    """

    legs: pd.DataFrame
    roles: pd.DataFrame
    ends: pd.DataFrame
    facts: dict
    nodes: list
    domestic: pd.DataFrame
    listed: pd.DataFrame
    accounting: dict


def _paths_sql(selection: Selection) -> tuple[str, list]:
    """The selected journeys per path, with what each path's ends are on a map (:func:`counts.ends`' SQL)."""
    sql, params = selected_sql(selection)
    return (
        f"""SELECT persons, journeys, ckey, origin, via, destination, o, via_countries, d, scope, o_placed, d_placed,
                   category, CASE WHEN category = 'listed' THEN {_REASON} END AS reason, first, last, sample, real
            FROM (SELECT g.*, g.origin_country AS o, g.destination_country AS d,
                         co.label_lon IS NOT NULL AS o_placed, cd.label_lon IS NOT NULL AS d_placed,
                         CASE WHEN scope = 'domestic' AND co.label_lon IS NOT NULL THEN 'domestic'
                              WHEN scope = 'cross_border' AND co.label_lon IS NOT NULL
                                   AND cd.label_lon IS NOT NULL THEN 'drawn' ELSE 'listed' END AS category
                  FROM (SELECT {_KEYS}, sum(persons)::BIGINT AS persons, count(*)::BIGINT AS journeys, {_CK} AS ckey,
                               min(period_start) AS first, max(period_end) AS last, bool_or(illustrative) AS sample,
                               bool_or(NOT illustrative) AS real
                        FROM ({sql}) GROUP BY {_KEYS}) g
                  LEFT JOIN countries co ON co.iso3 = g.origin_country
                  LEFT JOIN countries cd ON cd.iso3 = g.destination_country)""",
        params,
    )


def _steps(first: str, via: str | None, last: str) -> list[str]:
    """A path's steps: ``list_concat([first], list_filter(string_split(via, ';'), lambda x: x <> ''), [last])``."""
    return [first, *(x for x in (via or "").split(";") if x), last]


def _add(cells: dict, key, persons: int, journeys: int, ckey: int) -> None:
    cell = cells.get(key)
    if cell is None:
        cells[key] = [persons, journeys, ckey]
    else:
        cell[0] += persons
        cell[1] += journeys
        cell[2] += ckey


def _frame(rows: list, columns: list[str], text: dict | None = None) -> pd.DataFrame:
    """Rows as DuckDB gives them to pandas (:meth:`duckdb.DuckDBPyConnection.df`): counts as int64, texts inferred
    (as objects where a value is missing or there is no row), or typed as ``text`` says."""
    data = {}
    for name, values in zip(columns, zip(*rows, strict=True) if rows else [()] * len(columns), strict=True):
        if name in ("persons", "journeys", "ckey"):
            data[name] = np.array(values, dtype=np.int64)
        elif name == "placed":
            data[name] = np.array(values, dtype=bool)
        elif text and name in text and not pd.api.types.is_object_dtype(text[name]):
            data[name] = pd.array(values, dtype=text[name])
        elif not values or None in values or (text and name in text):
            data[name] = np.array(values, dtype=object)
        else:
            data[name] = list(values)
    return pd.DataFrame(data, columns=columns)


def flow_counts(con: duckdb.DuckDBPyConnection, selection: Selection, level: str = "place") -> FlowCounts:
    """The raw counts :meth:`gloact_lib.analysis.flows.Flows.from_db` publishes (see the module).

    Three queries: the selected journeys per path (with their period and kinds of data), the selection's sources
    and crimes, and the places of the nodes (:func:`node_rows`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    selection : Selection
    level : {"place", "country"}
        Legs between hubs (``place``) or between countries.

    Returns
    -------
    FlowCounts

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> counts = flow_counts(connect(":memory:"), Selection())
    >>> len(counts.legs), counts.facts["sources"], counts.accounting["total"]
    (0, [], 0)
    """
    sql, params = _paths_sql(selection)
    by_country = level == "country"
    legs: dict = {}
    ends: dict = {}
    roles: dict = {}
    kinds = {}
    rows = con.execute(sql, params).fetchall()
    for (persons, journeys, ckey, origin, via, destination, o, via_countries, d, scope, o_placed, d_placed, category,
         reason, *_) in rows:  # fmt: skip
        _add(ends, (o, d, scope), persons, journeys, ckey)
        kinds[(o, d, scope)] = (category, reason)
        if scope == "cross_border" and o_placed and d_placed:  # only these are drawn as legs (counts.legs)
            path = _steps(o, via_countries, d) if by_country else _steps(origin, via, destination)
            for step in zip(path, path[1:], strict=False):
                if step[0] != step[1]:
                    _add(legs, step, persons, journeys, ckey)
        transit = set(via_countries.split(";")) if via_countries else ()  # list_distinct(string_split(...))
        for key in ((o, 0), *((x, 1) for x in transit), (d, 2), *(((o, 3),) if scope == "domestic" else ())):
            if key[0] not in NOT_PLACED:  # unknown and stateless ends are no country (counts.country_roles)
                cell = roles.get(key)
                if cell is None:
                    roles[key] = [persons, ckey]
                else:
                    cell[0] += persons
                    cell[1] += ckey
    starts, lasts = [r[14] for r in rows if r[14] is not None], [r[15] for r in rows if r[15] is not None]
    facts = {"start": min(starts, default=None), "end": max(lasts, default=None),
             "illustrative": any(r[16] for r in rows), "real": any(r[17] for r in rows), **texts(con, selection)}
    return _counts(con, legs, ends, roles, kinds, facts)


def texts(con: duckdb.DuckDBPyConnection, selection: Selection) -> dict:
    """The ``sources`` and ``crimes`` of :func:`gloact_lib.analysis.counts.facts` (a scan of two columns)."""
    sql, params = selected_sql(selection)
    sources, crimes = con.execute(f"SELECT array_agg(DISTINCT source ORDER BY source), "
                                  f"array_agg(DISTINCT crime ORDER BY crime) FROM ({sql})", params).fetchone()
    return {"sources": list(sources or []), "crimes": list(crimes or [])}


def _counts(con, legs: dict, ends: dict, roles: dict, kinds: dict, facts: dict) -> FlowCounts:
    """The :class:`FlowCounts` of the cells added up by :func:`flow_counts`, in the orders of :mod:`counts`."""
    leg_rows = sorted(((s, t, n, j, k % MODULUS) for (s, t), (n, j, k) in legs.items()),
                      key=lambda r: (-r[2], r[0], r[1]))  # fmt: skip
    end_rows = sorted((*key, n, j, k % MODULUS, *kinds[key]) for key, (n, j, k) in ends.items())
    total = {}
    for (iso3, _), (n, _) in roles.items():
        total[iso3] = total.get(iso3, 0) + n
    role_rows = sorted(((iso3, ROLE_NAMES[role], n, k % MODULUS, role) for (iso3, role), (n, k) in roles.items()
                        if n > 0), key=lambda r: (r[4], -total[r[0]], r[0]))  # fmt: skip
    roles_frame = _frame([r[:4] for r in role_rows], ["iso3", "role", "persons", "ckey"], {"role": "str"})
    home: dict = {}
    placed: dict = {}
    off_map: dict = {}
    account = {name: [0, 0] for name in ("total", "on_map", "domestic", "listed")}
    for o, d, scope, n, j, k, category, reason in end_rows:
        if scope == "domestic":
            _add(home, o, n, j, k)
            placed[o] = placed.get(o, True) and category == "domestic"  # every pair of the country has a place
        if category == "listed":
            _add(off_map, (o, d, reason), n, j, k)
        for name in ("total", "on_map" if category != "listed" else "listed", *(("domestic",) if scope == "domestic"
                                                                               else ())):  # fmt: skip
            account[name][0] += n
            account[name][1] += k
    home_rows = sorted(((o, n, j, k % MODULUS, placed[o]) for o, (n, j, k) in home.items()),
                       key=lambda r: (-r[1], r[0]))  # fmt: skip
    off_rows = sorted(((o, d, r, n, j, k % MODULUS) for (o, d, r), (n, j, k) in off_map.items()),
                      key=lambda r: (-r[3], r[0], r[1]))  # fmt: skip
    names = {*(s for s, _ in legs), *(t for _, t in legs), *(r[0] for r in home_rows if r[1] > 0)}
    pairs = _frame(end_rows, ["o", "d", "scope", "persons", "journeys", "ckey", "category", "reason"])
    text = pairs.dtypes  # the derived tables' texts are typed as the ends' (pandas keeps a grouped key's type)
    return FlowCounts(
        legs=_frame(leg_rows, ["source", "target", "persons", "journeys", "ckey"]),
        roles=roles_frame,
        ends=pairs,
        facts=facts,
        nodes=node_rows(con, sorted(names)),
        domestic=_frame(home_rows, ["iso3", "persons", "journeys", "ckey", "placed"], {"iso3": text["o"]}),
        listed=_frame(off_rows, ["origin", "destination", "reason", "persons", "journeys", "ckey"],
                      {"origin": text["o"], "destination": text["d"], "reason": text["reason"]}),
        accounting={f"{name}{suffix}": value % MODULUS if suffix else value
                    for name, (n, k) in account.items() for suffix, value in (("", n), ("_ckey", k))},
    )  # fmt: skip


def node_rows(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[tuple]:
    """Where and what each of ``names`` is: ``(node, country, lon, lat, name_en, name_fr, is_place, is_region)``
    of the place of that id, else of the country of that code (its label point); unknown names with no more."""
    if not names:
        return []
    return con.execute(
        """SELECT n.node, coalesce(p.country_iso3, c.iso3), coalesce(p.lon, c.label_lon),
                  coalesce(p.lat, c.label_lat), coalesce(p.name, c.name_en), coalesce(p.name, c.name_fr),
                  p.place_id IS NOT NULL, coalesce(c.kind = 'region', false)
           FROM unnest(?::VARCHAR[]) n(node) LEFT JOIN places p ON p.place_id = n.node
                LEFT JOIN countries c ON c.iso3 = n.node ORDER BY n.node""",
        [list(names)],
    ).fetchall()
