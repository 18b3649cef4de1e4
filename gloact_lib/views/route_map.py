"""Route maps: origin, transit and destination flows on a folium map that works offline.

:func:`route_map` draws a :class:`~gloact_lib.analysis.flows.Flows` (already suppressed):
Natural Earth countries shaded by their role, curved arcs whose width scales with
the number of persons and whose arrowheads show direction, hub circles sized by
throughput, an optional layer of Missing Migrants incidents, a legend with the
sources and caveats, and a layer control.  Each layer is one GeoJSON object, not
one object per flow.

Every name that came from data reaches the page as JSON and is put into the DOM
with ``textContent`` (tooltips), or is escaped with :func:`html.escape` before
it is written as HTML (legend, notes): a place named ``<img src=x onerror=...>``
shows as text.
"""

from __future__ import annotations

import html
import math

import folium
import pandas as pd

from gloact_lib.analysis.flows import Flows
from gloact_lib.data.countries import country_name
from gloact_lib.i18n import t
from gloact_lib.views.assets import MAP_HELPERS, SEA, make_offline, offline_map
from gloact_lib.views.map_elements import FitWhenShown, GeoLayer, Literal, MapBox
from gloact_lib.views.map_style import (
    ARC,
    HIDDEN_ARC,
    INCIDENT,
    NEUTRAL_FILL,
    ROLE_COLOURS,
    ROLES,
    arc,
    arrowhead,
    basemap_features,
    drawable,
    map_bounds,
    subtitle,
)
from gloact_lib.views.map_text import fmt_number, leaflet_words, off_map_box
from gloact_lib.views.sources import route_text, source_html

__all__ = ["route_map", "ARC", "NEUTRAL_FILL", "ROLE_COLOURS", "SEA"]

#: The bounds a map opens on (:func:`gloact_lib.views.map_style.map_bounds`), by its former name here.
_bounds = map_bounds


def _feature(geometry: dict, style: dict, tip: list | None, kind: str, label: str | None = None) -> dict:
    """A GeoJSON feature; ``kind`` becomes the SVG class (tests and CSS find it); ``label`` is always shown."""
    properties = {"style": {**style, "className": kind}, "tip": tip}
    if label:
        properties["label"] = label
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _country_layer(flows: Flows, lang: str) -> dict:
    roles: dict[str, dict[str, object]] = {}
    for r in flows.roles.itertuples(index=False):
        roles.setdefault(r.iso3, {})[r.role] = None if r.suppressed else int(r.persons)
    unit = t(flows.selection.unit, lang)
    hidden = t("hidden", lang, n=flows.selection.threshold)
    features = []
    for f in basemap_features():
        iso3 = f["properties"]["iso3"]
        mine = roles.get(iso3, {})
        style = {"color": "#ffffff", "weight": 0.8, "fillColor": NEUTRAL_FILL, "fillOpacity": 1}
        tip = None
        if mine:
            dominant = max(mine, key=lambda k: (mine[k] or 0, k == "destination"))
            style.update(fillColor=ROLE_COLOURS[dominant], fillOpacity=0.55)
            if len(mine) > 1:
                style.update(color="#333333", weight=2, dashArray="5 3")
            tip = [country_name(iso3, lang)] + [
                f"{t(role, lang)}: {fmt_number(v, lang) + ' ' + unit if v is not None else hidden}"
                for role, v in sorted(mine.items(), key=lambda kv: ROLES.index(kv[0]))
            ]
        features.append(_feature(f["geometry"], style, tip, "gloact-country" + (" gloact-role" if mine else "")))
    return {"type": "FeatureCollection", "features": features}


def _flow_layer(flows: Flows, lang: str, max_flows: int | None = None) -> dict:
    unit = t(flows.selection.unit, lang)
    drawn = drawable(flows, max_flows)
    top = drawn["persons"].max()
    top = int(top) if pd.notna(top) and top > 0 else 1
    features = []
    for leg in drawn.sort_values("persons", na_position="first").itertuples(index=False):
        a, b = flows.nodes[leg.source], flows.nodes[leg.target]
        points = arc((a.lon, a.lat), (b.lon, b.lat))
        length = math.dist((a.lon, a.lat), (b.lon, b.lat))
        title = f"{a.name(lang)} → {b.name(lang)}"
        if leg.suppressed:
            style = {"color": HIDDEN_ARC, "weight": 1.5, "opacity": 0.8, "dashArray": "4 4", "fill": False}
            tip = [title, t("hidden", lang, n=flows.selection.threshold)]
            width = 1.5
        else:
            width = 1.5 + 12 * math.sqrt(int(leg.persons) / top)
            style = {"color": ARC, "weight": round(width, 1), "opacity": 0.75, "lineCap": "round", "fill": False}
            tip = [title, f"{fmt_number(leg.persons, lang)} {unit}"]
        features.append(_feature({"type": "LineString", "coordinates": points}, style, tip, "gloact-arc"))
        size = min(1.2, max(0.25, length * 0.05)) * (0.8 + width / 14)
        head = {"color": style["color"], "weight": 1, "fillColor": style["color"], "fillOpacity": 0.9, "opacity": 0.9}
        arrow = {"type": "Polygon", "coordinates": [arrowhead(points, size)]}
        features.append(_feature(arrow, head, tip, "gloact-arrow"))
    return {"type": "FeatureCollection", "features": features}


def _hub_layer(flows: Flows, lang: str) -> dict:
    unit = t(flows.selection.unit, lang)
    # places, and regions (a point in the sea for Frontex's unidentified sub-Saharan nationals): named on the map
    region = flows.hubs["node"].map(lambda n: n in flows.nodes and flows.nodes[n].is_region).astype(bool)
    hubs = flows.hubs[(flows.hubs["is_place"] | region) & ~flows.hubs["node"].isin(flows.unmapped)]
    top = max([1, *(max(h.inflow, h.outflow) for h in hubs.itertuples())])
    features = []
    for h in hubs.itertuples(index=False):
        node = flows.nodes[h.node]
        volume = max(h.inflow, h.outflow)
        tip = [f"{node.name(lang)} ({country_name(node.country, lang)})",
               f"{t('inflow', lang)} {fmt_number(h.inflow, lang)} · {t('outflow', lang)} {fmt_number(h.outflow, lang)}"
               f" {unit}"]  # fmt: skip
        if h.hidden:
            tip.append("+ " + t("some_hidden", lang))
        style = {"radius": round(4 + 14 * math.sqrt(volume / top), 1), "color": "#222222", "weight": 1.5,
                 "fillColor": "#ffffff", "fillOpacity": 0.95}  # fmt: skip
        if not h.is_place:  # a region, not a place
            style.update(dashArray="4 3", fillOpacity=0.6)
        point = {"type": "Point", "coordinates": [node.lon, node.lat]}
        features.append(_feature(point, style, tip, "gloact-hub", label=node.name(lang).split(" (")[0]))
    return {"type": "FeatureCollection", "features": features}


def _domestic_layer(flows: Flows, lang: str) -> dict:
    """Domestic journeys: a ring at each country, sized by persons on the same scale as the arcs."""
    unit = t(flows.selection.unit, lang)
    home = flows.domestic[flows.domestic["iso3"].map(lambda c: c in flows.nodes and flows.nodes[c].lon is not None)]
    shown = pd.concat([home["persons"], flows.legs["persons"]]).dropna()  # on the arcs' scale
    top = max(1, int(shown.max())) if not shown.empty else 1
    features = []
    for r in home.itertuples(index=False):
        node = flows.nodes[r.iso3]
        if r.suppressed:
            value, radius = t("hidden", lang, n=flows.selection.threshold), 9
            style = {"radius": radius, "color": HIDDEN_ARC, "weight": 2, "dashArray": "3 3", "fillOpacity": 0}
        else:
            value = f"{fmt_number(r.persons, lang)} {unit}"
            radius = round(9 + 22 * math.sqrt(int(r.persons) / top), 1)  # never lost under a hub circle
            style = {"radius": radius, "color": ROLE_COLOURS["domestic"], "weight": 3, "fillColor": ROLE_COLOURS[
                "domestic"], "fillOpacity": 0.25}  # fmt: skip
        tip = [country_name(r.iso3, lang), t("domestic_tip", lang, n=value)]
        point = {"type": "Point", "coordinates": [node.lon, node.lat]}
        features.append(_feature(point, style, tip, "gloact-domestic"))
    return {"type": "FeatureCollection", "features": features}


def _incident_layer(incidents: pd.DataFrame, lang: str) -> dict:
    features = []
    for r in incidents.itertuples(index=False):
        n = int(r.dead_and_missing)
        period = f"{r.first:%Y-%m}" if r.first == r.last else f"{r.first:%Y-%m} – {r.last:%Y-%m}"
        tip = [
            f"{fmt_number(n, lang)} {t('dead_missing', lang)}",
            f"{fmt_number(r.incidents, lang)} {t('incident_count', lang)} · {period}",
            route_text(r.route, lang),
        ]
        if r.location and lang == "en":  # the source describes the place in English only: the point shows it
            tip.append(str(r.location))
        style = {"radius": round(2 + 0.9 * math.sqrt(n), 1), "color": INCIDENT, "weight": 0.6,
                 "fillColor": INCIDENT, "fillOpacity": 0.35, "opacity": 0.6}  # fmt: skip
        point = {"type": "Point", "coordinates": [r.lon, r.lat]}
        features.append(_feature(point, style, tip, "gloact-incident"))
    return {"type": "FeatureCollection", "features": features}


def _legend(flows: Flows, lang: str, title: str | None, with_incidents: bool, compact: bool = False) -> str:
    e = html.escape
    unit = t(flows.selection.unit, lang)
    parts = [f"<h4>{e(title or t('title', lang))}</h4>", f"<div class='sub'>{e(subtitle(flows, lang))}</div>"]
    for role, colour in ROLE_COLOURS.items():
        if role == "domestic" and flows.domestic.empty:
            continue
        parts.append(f"<div><span class='sw' style='background:{colour}'></span>{e(t(role, lang))}</div>")
    parts.append(f"<div><span class='sw' style='background:#fff;border:2px dashed #333'></span>"
                 f"{e(t('several_roles', lang))}</div>")  # fmt: skip
    parts.append(f"<div><span class='sw' style='background:{ARC};height:4px;border:0'></span>"
                 f"{e(t('arc_width', lang, unit=unit))}</div>")  # fmt: skip
    parts.append(f"<div><span class='sw' style='border-radius:50%;background:#fff;border:2px solid #222'></span>"
                 f"{e(t('hub_size', lang, unit=unit))}</div>")  # fmt: skip
    if not flows.domestic.empty:
        parts.append(f"<div><span class='sw' style='border-radius:50%;background:{ROLE_COLOURS['domestic']}40;"
                     f"border:3px solid {ROLE_COLOURS['domestic']}'></span>{e(t('domestic_size', lang, unit=unit))}"
                     "</div>")  # fmt: skip
    if with_incidents:
        parts.append(f"<div><span class='sw' style='border-radius:50%;background:{INCIDENT};opacity:.6'></span>"
                     f"{e(t('incidents', lang))}</div>")  # fmt: skip
    if compact:  # the page around the map shows the notes and sources
        return "".join(parts)
    notes = [t("suppression_note", lang, n=flows.selection.threshold)]
    if flows.selection.unit == "detections":
        notes += [t("caveat_detections", lang), t("caveat_routes", lang)]
    else:
        notes.append(t("caveat_cases", lang))
    if flows.summary["illustrative"]:
        notes.append(t("caveat_illustrative", lang))
    if with_incidents:
        notes.append(t("caveat_incidents", lang))
    sources = flows.summary["sources"] + (["IOM Missing Migrants Project"] if with_incidents else [])
    label = t("sources" if len(sources) > 1 else "source", lang)
    parts.append("<div class='small'>" + "<br>".join(e(n) for n in notes) + "</div>")
    if sources:
        parts.append(f"<div class='small'><b>{e(label)}:</b> "
                     + "; ".join(dict.fromkeys(source_html(s, lang) for s in sources)) + "</div>")  # fmt: skip
    parts.append(f"<div class='small'>{e(t('basemap_credit', lang))}</div>")
    return "".join(parts)


def route_map(flows: Flows, *, lang: str = "en", incidents: pd.DataFrame | None = None,
              show_incidents: bool = True, m: folium.Map | None = None, tiles: str | None = None,
              title: str | None = None, max_flows: int | None = 80, compact: bool = False,
              map_kwds: dict | None = None) -> folium.Map:  # fmt: skip
    """Draw flows on a folium map that works with no network.

    Parameters
    ----------
    flows : Flows
        From :meth:`gloact_lib.analysis.flows.Flows.from_db` (already suppressed).
    lang : {"en", "fr"}, default "en"
        Language of every label.
    incidents : DataFrame, optional
        Missing Migrants incidents (:func:`gloact_lib.analysis.flows.incidents`) to draw as a layer.
    show_incidents : bool, default True
        Whether that layer is on when the map opens (it can be switched in the layer control).
    m : folium.Map, optional
        Draw onto this map instead of a new one.
    tiles : str, optional
        Web tiles (need the network); default none: the Natural Earth basemap.
    title : str, optional
        Legend title (default "Routes" / "Itinéraires").
    max_flows : int or None, default 80
        Draw only the largest flows (a note says how many are not drawn); None draws all.
    compact : bool, default False
        A legend without notes and sources, for pages that show them beside the map.
    map_kwds : dict, optional
        Passed to :class:`folium.Map`.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> from gloact_lib.analysis.flows import Flows
    >>> m = route_map(Flows.from_db(connect(":memory:")), lang="fr")
    >>> "Aucune donnée" in m.get_root().render()
    True
    """
    if m is None:
        m = offline_map(tiles=tiles, control_scale=True, zoom_snap=0.25, **(map_kwds or {}))
    elif tiles is None:
        make_offline(m)
    root = m.get_root()
    if "gloact_helpers" not in root.header._children:
        root.header.add_child(Literal(MAP_HELPERS), name="gloact_helpers")
        root.header.add_child(Literal(leaflet_words(lang)), name="gloact_leaflet_words")  # zoom buttons, credit
    GeoLayer(_country_layer(flows, lang), t("countries", lang)).add_to(m)
    with_incidents = incidents is not None and not incidents.empty
    if with_incidents:  # under the flows, so that it never hides them
        GeoLayer(_incident_layer(incidents, lang), t("incidents", lang), show=show_incidents).add_to(m)
    GeoLayer(_flow_layer(flows, lang, max_flows), t("flows", lang)).add_to(m)
    GeoLayer(_hub_layer(flows, lang), t("hubs", lang)).add_to(m)
    if not flows.domestic.empty:
        GeoLayer(_domestic_layer(flows, lang), t("domestic", lang)).add_to(m)
    MapBox(_legend(flows, lang, title, with_incidents, compact), "bottomleft").add_to(m)
    if flows.summary["illustrative"]:
        MapBox(html.escape(t("illustrative_badge", lang)), "topright", "gloact-badge").add_to(m)
    if not flows.empty and flows.accounting["total"] is not None:
        MapBox(off_map_box(flows, lang), "bottomright", "gloact-offmap").add_to(m)
    notes = []
    if flows.empty:
        notes.append(t("no_data", lang))
    can_draw = len(drawable(flows, None))
    if max_flows is not None and can_draw > max_flows:
        notes.append(t("largest_flows", lang, n=max_flows, total=can_draw))
    if flows.unmapped:
        names = [flows.nodes[n].name(lang) if n in flows.nodes else n for n in flows.unmapped]
        shown = ", ".join(names[:8]) + (t("and_more", lang, n=len(names) - 8) if len(names) > 8 else "")
        notes.append(t("unmapped", lang, names=shown))
    if notes:
        MapBox("<br>".join(html.escape(n) for n in notes), "topleft", "gloact-note").add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    shown = incidents[["lat", "lon"]].dropna().itertuples(index=False) if with_incidents and show_incidents else ()
    bounds = map_bounds(flows, [(p.lat, p.lon) for p in shown])
    m.fit_bounds(bounds)
    FitWhenShown(bounds).add_to(m)
    return m
