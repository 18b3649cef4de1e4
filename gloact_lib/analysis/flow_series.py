"""The monthly series of one flow of the route map: what a viewer asks by clicking it.

A flow of the map is a *leg* (:func:`gloact_lib.analysis.counts.legs`): consecutive steps of journeys, from a
place or country to the next.  When the map groups countries into regions, a flow is every leg from a country of
one region to a country of the other; :func:`flow_monthly` takes the sources and targets as sets, so one function
serves both.  Counts are raw, with their cell keys: publish them with
:func:`gloact_lib.analysis.disclosure.publish` (:func:`published_flow_monthly` does).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from gloact_lib.analysis.counts import _path_sql
from gloact_lib.analysis.disclosure import cell_key_sql, publish
from gloact_lib.analysis.selection import Selection

__all__ = ["flow_monthly", "published_flow_monthly"]


def flow_monthly(con: duckdb.DuckDBPyConnection, selection: Selection, sources: Iterable[str],
                 targets: Iterable[str], level: str = "country") -> pd.DataFrame:  # fmt: skip
    """Persons (or detections) per month on the legs from any of ``sources`` to any of ``targets``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    selection : Selection
    sources, targets : iterable of str
        Node ids of the map (ISO3 codes at country level, place ids at place level).
    level : {"country", "place"}, default "country"
        As for :func:`~gloact_lib.analysis.counts.legs`.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``persons``, ``ckey`` (cell key); by month.  Journeys with no date are left out.

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> flow_monthly(connect(":memory:"), Selection(), ["NER"], ["LBY"]).columns.tolist()
    ['month', 'persons', 'ckey']
    """
    sources, targets = sorted(set(sources)), sorted(set(targets))
    if not sources or not targets:
        return pd.DataFrame({"month": [], "persons": [], "ckey": []})
    path, params = _path_sql(selection, level, by_month=True)  # the journeys the map draws as legs, per month
    src = ", ".join("?" for _ in sources)
    dst = ", ".join("?" for _ in targets)
    return con.execute(
        f"""WITH p AS ({path}),
            steps AS (SELECT month, persons, ckey, path[i] AS source, path[i + 1] AS target
                      FROM p, range(1, len(path)) AS r(i))
            SELECT month, sum(persons)::BIGINT AS persons, {cell_key_sql("ckey")} AS ckey
            FROM steps WHERE month IS NOT NULL AND source <> target AND source IN ({src}) AND target IN ({dst})
            GROUP BY month ORDER BY month""",
        [*params, *sources, *targets],
    ).df()


def published_flow_monthly(con: duckdb.DuckDBPyConnection, selection: Selection, sources: Iterable[str],
                           targets: Iterable[str], level: str = "country") -> pd.DataFrame:  # fmt: skip
    """:func:`flow_monthly` as it may be shown: ``month``, ``persons`` (``<NA>`` where hidden), ``suppressed``.

    Parameters
    ----------
    con, selection, sources, targets, level
        As for :func:`flow_monthly`.

    Returns
    -------
    DataFrame
    """
    return publish(flow_monthly(con, selection, sources, targets, level), **selection.disclosure)
