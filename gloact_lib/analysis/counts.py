"""Raw counts of a selection, aggregated in DuckDB: exact, never shown as they are.

:func:`summary`, :func:`od_pairs`, :func:`legs`, :func:`hubs`, :func:`country_roles`,
:func:`domestic`, :func:`listed`, :func:`accounting` and :func:`monthly` add persons up (in SQL,
so it stays fast to tens of millions of journeys) and return each count with its *cell key*
(``ckey``: the sum of the rows' secret record keys,
:func:`gloact_lib.analysis.disclosure.cell_key_sql`).  They are for analysts and for the
publishing code: a view shows only what :class:`gloact_lib.analysis.flows.Flows`,
:func:`gloact_lib.analysis.flows.published_total` or
:func:`gloact_lib.analysis.disclosure.publish` return (never a cell key: it would undo the
perturbation).  :func:`incidents` (IOM Missing Migrants, public figures) is exact by design.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from gloact_lib.analysis.disclosure import MODULUS, cell_key_sql
from gloact_lib.analysis.selection import Selection, selected_sql
from gloact_lib.data.countries import NOT_PLACED, STATELESS, UNKNOWN

__all__ = ["accounting", "country_roles", "domestic", "ends", "facts", "hubs", "incidents", "legs", "listed", "monthly",
           "od_pairs", "od_pairs_of", "summary", "summary_of"]  # fmt: skip

#: The cell key of a group of journeys (SQL aggregate).
_CK = cell_key_sql()
_NOT_PLACED = ", ".join(f"'{c}'" for c in sorted(NOT_PLACED))

#: Why a journey is listed beside the map rather than drawn (SQL over o = origin, d = destination country).
_REASON = (f"CASE WHEN o = '{STATELESS}' THEN 'stateless' WHEN o = '{UNKNOWN}' AND d = '{UNKNOWN}' "
           f"THEN 'both_unknown' WHEN o = '{UNKNOWN}' THEN 'origin_unknown' WHEN d IN ({_NOT_PLACED}) "
           "THEN 'destination_unknown' ELSE 'no_place' END")  # fmt: skip


def ends(con: duckdb.DuckDBPyConnection, selection: Selection) -> pd.DataFrame:
    """Persons per (origin country, destination country, scope), and where they go on a map.

    One small table (a row per pair) from which :func:`accounting`, :func:`domestic` and :func:`listed`
    are derived without reading the journeys again.

    Returns
    -------
    DataFrame
        ``o``, ``d``, ``scope``, ``persons``, ``journeys``, ``ckey``; ``category``: ``drawn`` (cross-border,
        both ends with a place), ``domestic`` (its country has a place) or ``listed``; ``reason`` (for listed
        pairs: ``origin_unknown``, ``destination_unknown``, ``both_unknown``, ``stateless``, ``no_place``).
    """
    sql, params = selected_sql(selection)
    return con.execute(
        f"""SELECT *, CASE WHEN category = 'listed' THEN {_REASON} END AS reason FROM (
              SELECT g.*, CASE WHEN scope = 'domestic' AND co.label_lon IS NOT NULL THEN 'domestic'
                               WHEN scope = 'cross_border' AND co.label_lon IS NOT NULL
                                    AND cd.label_lon IS NOT NULL THEN 'drawn' ELSE 'listed' END AS category
              FROM (SELECT origin_country AS o, destination_country AS d, scope, sum(persons)::BIGINT AS persons,
                           count(*) AS journeys, {_CK} AS ckey
                    FROM ({sql}) GROUP BY ALL) g
              LEFT JOIN countries co ON co.iso3 = g.o LEFT JOIN countries cd ON cd.iso3 = g.d)
            ORDER BY o, d, scope""",
        params,
    ).df()


def _cell(frame: pd.DataFrame, mask=None) -> tuple[int, int]:
    part = frame if mask is None else frame[mask]
    return int(part["persons"].sum()), int(part["ckey"].sum()) % MODULUS


def accounting(con: duckdb.DuckDBPyConnection, selection: Selection, frame: pd.DataFrame | None = None) -> dict:
    """Where the persons of a selection are: on the map (drawn or domestic), or listed beside it.

    Parameters
    ----------
    frame : DataFrame, optional
        :func:`ends` of the selection, when the caller has it.

    Returns
    -------
    dict
        ``total``, ``on_map``, ``domestic`` (every domestic journey, placed or not), ``listed``
        (persons) and their cell keys ``total_ckey``, ``on_map_ckey``, ``domestic_ckey``,
        ``listed_ckey``.  Every journey is in exactly one of on the map and listed:
        ``on_map + listed == total``.
    """
    f = ends(con, selection) if frame is None else frame
    out = {}
    for name, mask in (("total", None), ("on_map", f["category"] != "listed"), ("domestic", f["scope"] == "domestic"),
                       ("listed", f["category"] == "listed")):  # fmt: skip
        out[name], out[f"{name}_ckey"] = _cell(f, mask)
    return out


def domestic(con: duckdb.DuckDBPyConnection, selection: Selection, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Persons per country of domestic journeys (origin and destination in that country).

    Returns
    -------
    DataFrame
        ``iso3``, ``persons``, ``journeys``, ``ckey`` (cell key), ``placed`` (the country has a place
        on the map); largest first.
    """
    f = ends(con, selection) if frame is None else frame
    f = f[f["scope"] == "domestic"].assign(placed=lambda x: x["category"] == "domestic")
    out = f.groupby("o", as_index=False).agg(persons=("persons", "sum"), journeys=("journeys", "sum"),
                                              ckey=("ckey", "sum"), placed=("placed", "all"))  # fmt: skip
    out = out.rename(columns={"o": "iso3"}).assign(ckey=lambda x: x["ckey"] % MODULUS)
    return out.sort_values(["persons", "iso3"], ascending=[False, True], ignore_index=True)


def listed(con: duckdb.DuckDBPyConnection, selection: Selection, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Journeys that cannot be drawn, per known end: an end unknown or stateless, or a country with no place.

    Returns
    -------
    DataFrame
        ``origin``, ``destination`` (countries, or ``XXX`` unknown / ``XXA`` stateless), ``reason``
        (``origin_unknown``, ``destination_unknown``, ``both_unknown``, ``stateless``, ``no_place``),
        ``persons``, ``journeys``, ``ckey``; largest first.
    """
    f = ends(con, selection) if frame is None else frame
    f = f[f["category"] == "listed"]
    out = f.groupby(["o", "d", "reason"], as_index=False).agg(persons=("persons", "sum"),
                                                             journeys=("journeys", "sum"), ckey=("ckey", "sum"))
    out = out.rename(columns={"o": "origin", "d": "destination"}).assign(ckey=lambda x: x["ckey"] % MODULUS)
    return out.sort_values(["persons", "origin", "destination"], ascending=[False, True, True], ignore_index=True)


def summary(con: duckdb.DuckDBPyConnection, selection: Selection, frame: pd.DataFrame | None = None) -> dict:
    """Headline figures of a selection (raw; publish ``persons`` with :func:`published_total`).

    Parameters
    ----------
    frame : DataFrame, optional
        :func:`ends` of the selection, when the caller has it (the counts come from it).

    Returns
    -------
    dict
        ``persons``, ``ckey`` (its cell key), ``journeys``, ``routes`` (distinct origin-destination country pairs
        of cross-border journeys),
        ``start``, ``end``, ``illustrative`` (any illustrative row), ``real`` (any real row),
        ``sources`` (distinct sources, at most 10), ``crimes`` (present in the selection).
    """
    return summary_of(ends(con, selection) if frame is None else frame, facts(con, selection))


def facts(con: duckdb.DuckDBPyConnection, selection: Selection) -> dict:
    """What :func:`summary` says besides the counts: ``start``, ``end``, ``illustrative``, ``real``, ``sources``
    (every distinct source, sorted) and ``crimes``."""
    sql, params = selected_sql(selection)
    row = con.execute(
        f"""SELECT min(period_start), max(period_end), bool_or(illustrative), bool_or(NOT illustrative),
                   array_agg(DISTINCT source ORDER BY source), array_agg(DISTINCT crime ORDER BY crime)
            FROM ({sql})""",
        params,
    ).fetchall()[0]
    return {"start": row[0], "end": row[1], "illustrative": bool(row[2]), "real": bool(row[3]),
            "sources": list(row[4] or []), "crimes": list(row[5] or [])}  # fmt: skip


def summary_of(frame: pd.DataFrame, facts: dict) -> dict:
    """:func:`summary` from the selection's :func:`ends` and its :func:`facts`, with no query."""
    persons, ckey = _cell(frame)
    return {"persons": persons, "ckey": ckey, "journeys": int(frame["journeys"].sum()),
            "routes": int((frame["scope"] == "cross_border").sum()), "start": facts["start"], "end": facts["end"],
            "illustrative": facts["illustrative"], "real": facts["real"], "sources": facts["sources"][:10],
            "crimes": facts["crimes"]}  # fmt: skip


def od_pairs(con: duckdb.DuckDBPyConnection, selection: Selection, level: str = "country") -> pd.DataFrame:
    """Persons per origin-destination pair.

    Parameters
    ----------
    level : {"country", "place"}
        Aggregate by countries, or by the places recorded (hub ids or countries).

    Returns
    -------
    DataFrame
        ``origin``, ``destination``, ``scope`` (``domestic``, ``cross_border``, ``unknown``: a journey that
        leaves and comes back is a cross-border pair of one country), ``persons``, ``journeys``, ``ckey``
        (cell key); largest first.
    """
    o, d = ("origin_country", "destination_country") if level == "country" else ("origin", "destination")
    sql, params = selected_sql(selection)
    return con.execute(
        f"""SELECT {o} AS origin, {d} AS destination, scope, sum(persons)::BIGINT AS persons, count(*) AS journeys,
                   {_CK} AS ckey
            FROM ({sql}) GROUP BY {o}, {d}, scope ORDER BY persons DESC, origin, destination, scope""",
        params,
    ).df()


def od_pairs_of(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`od_pairs` at country level from the selection's :func:`ends` (the same cells), with no query."""
    out = frame[["o", "d", "scope", "persons", "journeys", "ckey"]].rename(columns={"o": "origin", "d": "destination"})
    return out.sort_values(["persons", "origin", "destination", "scope"], ascending=[False, True, True, True],
                           ignore_index=True)  # fmt: skip


def _path_sql(selection: Selection, level: str, by_month: bool = False) -> tuple[str, list]:
    """The selection's drawable paths (``persons``, ``journeys``, ``ckey``, ``path``), also per ``month`` (of
    ``period_start``, NULL where none) when ``by_month``."""
    o, v, d = (("origin_country", "via_countries", "destination_country") if level == "country"
               else ("origin", "via", "destination"))  # fmt: skip
    month = "date_trunc('month', period_start)::DATE" if by_month else None
    sql, params = selected_sql(selection)
    # Only cross-border journeys are drawn as legs: a domestic journey is a flow of its own (domestic()),
    # a journey with an unknown end is listed beside the map (listed()), never drawn as a line to nowhere.
    placed = "(SELECT iso3 FROM countries WHERE label_lon IS NOT NULL)"  # an end with no place is listed (listed())
    sql = (f"SELECT * FROM ({sql}) WHERE scope = 'cross_border' AND origin_country IN {placed} "
           f"AND destination_country IN {placed}")
    # Journeys share few distinct paths: add them up per path first, then cut paths into legs.
    keys = f"{o}, {v}, {d}" + (f", {month}" if month else "")
    return (
        f"""SELECT persons, journeys, ckey{", month" if month else ""},
                   list_concat([{o}], list_filter(string_split({v}, ';'), lambda x: x <> ''), [{d}]) AS path
            FROM (SELECT {keys}{" AS month" if month else ""}, sum(persons) AS persons, count(*) AS journeys,
                         {_CK} AS ckey
                  FROM ({sql}) GROUP BY {keys})""",
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
    """Each country's volume as origin, transit and destination, and as the country of domestic journeys.

    The roles are those a :class:`~gloact_lib.analysis.selection.Selection` filters by, so that a country's
    role on the map is the total of the selection of that country in that role: ``origin`` counts every
    journey starting there (domestic ones too), ``transit`` every journey through it, ``destination``
    every journey ending there; ``domestic`` the journeys that stay in it (also in its origin and
    destination).  Unknown and stateless ends (``XXX``, ``XXA``) are no country and have no row.

    Returns
    -------
    DataFrame
        ``iso3``, ``origin``, ``transit``, ``destination``, ``domestic`` (persons), and their cell keys
        ``origin_ckey``, ``transit_ckey``, ``destination_ckey``, ``domestic_ckey``; by total volume.
    """
    sql, params = selected_sql(selection)
    return con.execute(
        f"""WITH s AS (SELECT origin_country, via_countries, destination_country, scope, sum(persons) AS persons,
                              {_CK} AS k
                       FROM ({sql}) GROUP BY origin_country, via_countries, destination_country, scope),
            x AS (SELECT * FROM s),
            t AS (SELECT persons, k, unnest(list_distinct(string_split(via_countries, ';'))) AS iso3
                  FROM x WHERE via_countries <> '')
            SELECT iso3, coalesce(sum(o), 0)::BIGINT AS origin, coalesce(sum(tr), 0)::BIGINT AS transit,
                   coalesce(sum(d), 0)::BIGINT AS destination, coalesce(sum(dm), 0)::BIGINT AS domestic,
                   {cell_key_sql("ko")} AS origin_ckey, {cell_key_sql("kt")} AS transit_ckey,
                   {cell_key_sql("kd")} AS destination_ckey, {cell_key_sql("kdm")} AS domestic_ckey
            FROM (SELECT origin_country AS iso3, persons AS o, 0 AS tr, 0 AS d, 0 AS dm, k AS ko, 0 AS kt, 0 AS kd,
                         0 AS kdm FROM x
                  UNION ALL SELECT destination_country, 0, 0, persons, 0, 0, 0, k, 0 FROM x
                  UNION ALL SELECT iso3, 0, persons, 0, 0, 0, k, 0, 0 FROM t
                  UNION ALL SELECT origin_country, 0, 0, 0, persons, 0, 0, 0, k FROM s WHERE scope = 'domestic')
            WHERE iso3 NOT IN ({_NOT_PLACED})
            GROUP BY iso3 ORDER BY origin + transit + destination + domestic DESC, iso3""",
        params,
    ).df()


def monthly(con: duckdb.DuckDBPyConnection, selection: Selection) -> pd.DataFrame:
    """Persons per month of ``period_start`` (for trend charts); journeys with no date are left out.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``persons``, ``ckey`` (cell key).
    """
    sql, params = selected_sql(selection)
    return con.execute(
        f"""SELECT date_trunc('month', period_start)::DATE AS month, sum(persons)::BIGINT AS persons, {_CK} AS ckey
            FROM ({sql}) WHERE period_start IS NOT NULL GROUP BY 1 ORDER BY 1""",
        params,
    ).df()


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
    clauses, params = selection.period_where("date", "date")
    clauses.insert(0, "TRUE")
    if bounds is not None:
        (south, west), (north, east) = bounds
        clauses.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
        params += [south, north, west, east]
    key = "floor(lat / ?), floor(lon / ?)" if cell > 0 else "rowid"
    key_params = [cell, cell] if cell > 0 else []
    # the most frequent route of a cell, ties to the first by name (mode() would pick by scan order, which
    # differs between a file and a server's replica of it)
    return con.execute(
        f"""SELECT round(avg(lon), 3) AS lon, round(avg(lat), 3) AS lat,
                   sum(dead_and_missing)::BIGINT AS dead_and_missing, count(*) AS incidents,
                   min(date) AS first, max(date) AS last, first(route ORDER BY n_route DESC, route) AS route,
                   CASE WHEN count(*) = 1 THEN any_value(location) ELSE '' END AS location
            FROM (SELECT *, {key} AS cell_key, count(*) OVER (PARTITION BY {key}, route) AS n_route
                  FROM incidents WHERE {" AND ".join(clauses)})
            GROUP BY cell_key ORDER BY dead_and_missing, lat, lon, first, last, incidents""",
        key_params + key_params + params,
    ).df()
