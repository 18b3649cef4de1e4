"""Flows: what a selection of journeys says about routes, as published.

A :class:`~gloact_lib.analysis.selection.Selection` filters the journeys table;
:mod:`gloact_lib.analysis.counts` adds persons up (raw, exact);
:class:`Flows` holds what a route map publishes (legs, hubs, country roles,
summary), already through disclosure control.

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

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from gloact_lib.analysis.counts import _CK, summary_of
from gloact_lib.analysis.disclosure import publish, publish_value, suppress
from gloact_lib.analysis.flow_counts import FlowCounts, flow_counts, node_rows
from gloact_lib.analysis.selection import Selection, selected_sql
from gloact_lib.data.place_names import place_name

__all__ = ["Flows", "Node", "Selection", "published_total", "suppress"]


def published_total(con: duckdb.DuckDBPyConnection, selection: Selection) -> int | None:
    """The total a view shows for a selection: perturbed (persons), or None when hidden.

    :meth:`Flows.from_db` publishes ``summary["persons"]`` with this same function.
    """
    sql, params = selected_sql(selection)
    total, ckey = con.execute(f"SELECT coalesce(sum(persons), 0), {_CK} FROM ({sql})", params).fetchall()[0]
    return publish_value(total, ckey, **selection.disclosure)


@dataclass
class Node:
    """A point flows start, pass or end at: a place (hub), a country's label point, or a region's (``is_region``:
    Frontex's unidentified sub-Saharan nationals, drawn and named like a hub)."""

    node: str
    country: str
    lon: float | None
    lat: float | None
    name_en: str
    name_fr: str
    is_place: bool
    is_region: bool = False

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
        ``iso3``, ``role`` (``origin``, ``transit``, ``destination``, ``domestic``), ``persons`` (published:
        Int64 or ``<NA>``), ``suppressed``.
    summary : dict
        :func:`summary` with ``persons`` published (:func:`published_total`; None when hidden) and
        no cell key.
    nodes : dict of str to Node
    unmapped : list of str
        Nodes of published legs with no coordinates (their legs are not drawn).
    domestic : DataFrame
        Domestic journeys (origin and destination in one country) per country: ``iso3``, ``persons``
        (published), ``suppressed``, ``placed``; drawn at the country, never as a leg.
    listed : DataFrame
        Journeys that cannot be drawn, per known end: ``origin``, ``destination``, ``reason``, ``persons``
        (published), ``suppressed`` (:func:`gloact_lib.analysis.counts.listed`).
    accounting : dict
        Where the published total is: ``total`` (= ``summary["persons"]``), ``on_map`` (drawn or domestic, a
        cell of its own), ``domestic``, ``listed`` (the sum of the listed values shown) and ``hidden`` (the rest:
        ``total - on_map - listed``, i.e. hidden cells and, for persons, the cell-key perturbation), so that
        ``on_map + listed + hidden == total``; every value None when the total is hidden.
    """

    selection: Selection
    legs: pd.DataFrame
    hubs: pd.DataFrame
    roles: pd.DataFrame
    summary: dict
    nodes: dict[str, Node]
    unmapped: list[str]
    domestic: pd.DataFrame
    listed: pd.DataFrame
    accounting: dict

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
        return cls.from_counts(selection, flow_counts(con, selection, level))

    @classmethod
    def from_counts(cls, selection: Selection, raw: FlowCounts) -> Flows:
        """Publish the raw counts of ``selection`` (:func:`~gloact_lib.analysis.flow_counts.flow_counts`): what
        :meth:`from_db` does once it has read them."""
        rule = selection.disclosure
        published = publish(raw.legs, **rule)[["source", "target", "persons", "suppressed"]]
        # Largest published first, then by name: an order by the true counts would tell which of two
        # equal published values is the larger.
        order = np.lexsort((published["target"].to_numpy(), published["source"].to_numpy(),
                            -published["persons"].to_numpy(dtype="float64", na_value=-1)))  # fmt: skip
        published = published.take(order)
        roles = publish(raw.roles, **rule)

        info = summary_of(raw.ends, raw.facts)
        info["persons"] = publish_value(info["persons"], info.pop("ckey"), **rule)
        home = raw.domestic
        home = publish(home[home["persons"] > 0], **rule)[["iso3", "persons", "suppressed", "placed"]]
        off_map = publish(raw.listed, **rule)[["origin", "destination", "reason", "persons", "suppressed"]]
        account = _account(raw.accounting, info["persons"], off_map, rule)

        inflow: dict = {}
        outflow: dict = {}
        hidden_nodes = set()
        for source, target, persons, hidden in zip(published["source"], published["target"], published["persons"],
                                                   published["suppressed"], strict=True):  # fmt: skip
            if hidden:  # a hidden leg touches both its ends (its count is <NA>)
                hidden_nodes.update((source, target))
            else:  # the sums of published legs
                inflow[target] = inflow.get(target, 0) + int(persons)
                outflow[source] = outflow.get(source, 0) + int(persons)
        names = sorted(set(published["source"]) | set(published["target"]))
        nodes = {row[0]: _node(row) for row in raw.nodes}  # legs' ends, and countries with domestic journeys
        hub_rows = [
            {
                "node": n,
                "inflow": inflow.get(n, 0),
                "outflow": outflow.get(n, 0),
                "hidden": n in hidden_nodes,
                "is_place": nodes[n].is_place if n in nodes else False,
            }
            for n in names
        ]
        hubs_frame = pd.DataFrame(hub_rows, columns=["node", "inflow", "outflow", "hidden", "is_place"])
        unmapped = [n for n in names if n not in nodes or nodes[n].lon is None]
        return cls(selection, published.reset_index(drop=True), hubs_frame, roles.reset_index(drop=True), info,
                   nodes, unmapped, home.reset_index(drop=True), off_map.reset_index(drop=True), account)  # fmt: skip


def _account(raw: dict, total: int | None, off_map: pd.DataFrame, rule: dict) -> dict:
    """The published accounting: on the map + listed + hidden = the published total (see :class:`Flows`)."""
    if total is None:
        return {"total": None, "on_map": None, "domestic": None, "listed": None, "hidden": None}
    on_map = publish_value(raw["on_map"], raw["on_map_ckey"], **rule)
    home = publish_value(raw["domestic"], raw["domestic_ckey"], **rule)
    shown = int(off_map["persons"].sum(skipna=True)) if not off_map.empty else 0
    return {"total": total, "on_map": on_map, "domestic": home, "listed": shown,
            "hidden": total - (on_map or 0) - shown}  # fmt: skip


def _nodes(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, Node]:
    """Coordinates and names of places and countries (:func:`~gloact_lib.analysis.flow_counts.node_rows`)."""
    return {r[0]: _node(r) for r in node_rows(con, names)}


def _node(r: tuple) -> Node:
    """A :class:`Node` from ``(node, country, lon, lat, name_en, name_fr, is_place, is_region)``; a place's French
    form is gloact_lib/data/place_names.py's."""
    return Node(r[0], r[1] or "", r[2], r[3], r[4] or r[0], (place_name(r[0], r[5], "fr") if r[6] else r[5]) or r[0],
                bool(r[6]), bool(r[7]))  # fmt: skip
