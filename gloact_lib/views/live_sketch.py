"""The live map's picture drawn by the server, as SVG: the page's first paint needs no script to be seen.

A room of viewers opening a dashboard together shares one machine's processors with the server (and, when it is
measured on this 2-core machine, with every viewer's browser).  Drawn by ``live_map.js`` in the page, the first
paint cost each page about 0.45 s of processor (Leaflet building and projecting 200 country shapes, twice when the
page settled) before anything showed; written here, the same picture costs the page only reading its HTML
(``benchmarks/README.md``, section 11).

:func:`sketch` writes what ``live_map.js`` draws first, from the same traits (:data:`TRAITS`) and by the same rules
(its ``countryView``, ``regionView``, ``layers`` and ``paintCountries``, ported here line for line and checked
against the live map in ``tests/dashboards/test_first_paint.py``): the countries coloured by role, the flows as
arcs with their arrowheads (width and opacity by count), the places' circles and rings, their labels, the legend
(folded), the notes, the badge and the caption.  Coordinates are Web Mercator pixels at zoom 0 times
:data:`UNITS`, as Leaflet projects them; the small script of :mod:`gloact_lib.views.live_preview` gives the SVG the
view Leaflet's ``fitBounds`` will give the live map on the page's actual size, so that nothing moves when the live
map takes its place.  Strokes and circles keep their widths in screen pixels (``vector-effect``, and each circle's
``data-r``), as Leaflet's do.

Every text is written with :func:`html.escape` (names, counts and words reach the page as text, never markup); a
hovered shape's lines are in its ``data-tip``, shown by the same script with ``textContent``.
"""

from __future__ import annotations

import html
import json
import math
from functools import lru_cache

from gloact_lib.views.live_basemap import basemap_text
from gloact_lib.views.map_style import arc, arrowhead

__all__ = ["GUESS_BOX", "TRAITS", "UNITS", "fit_zoom", "project", "sketch"]

#: The live map's traits the sketch draws from (``live_map.js`` reads them with ``model.get``; the basemap, the
#: same in every kernel, is read once per kernel: :func:`_base`).
TRAITS = ("nodes", "flows", "roles", "legend", "names", "height", "selected", "region_names")

#: SVG user units per Web Mercator pixel at zoom 0 (whole numbers keep the country shapes' paths short).
UNITS = 100
#: ``live_map.js``: zoomed out past this many degrees of longitude in view, with more than REGION_MIN_FLOWS flows,
#: the map groups countries into UN M49 sub-regions.
REGION_SPAN = 75
REGION_MIN_FLOWS = 40
#: The map's size the server assumes to choose grouping and arrowheads (the routes dashboard at 1366x768: the
#: filters' 300 px column beside it, the key figures above).  The view itself is fitted on the page's real size.
GUESS_BOX = (1030, 450)
_MAX_LAT = 85.0511287798


def project(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator as Leaflet's ``L.CRS.EPSG3857`` at zoom 0, in :data:`UNITS`.

    Examples
    --------
    >>> project(0, 0), project(-180, 85.0511287798)
    ((12800.0, 12800.0), (0.0, 0.0))
    """
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    s = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    return round((lon + 180) / 360 * 256 * UNITS, 3), round(y * 256 * UNITS, 3)


def fit_zoom(bounds, box: tuple[int, int] = GUESS_BOX) -> float:
    """The zoom Leaflet's ``fitBounds`` gives ``bounds`` (``[[lat, lon], [lat, lon]]``) on a map of ``box`` pixels
    (zoom snapped to quarters, 1 to 9, as the live map's options), as ``live_preview``'s script computes it.

    Examples
    --------
    >>> fit_zoom([[0, -10], [10, 10]], (1000, 500)), fit_zoom([[5, 5], [5, 5]])
    (6.0, 9)
    """
    (s, w), (n, e) = bounds
    x0, y0 = project(w, n)
    x1, y1 = project(e, s)
    width, height = abs(x1 - x0) / UNITS, abs(y1 - y0) / UNITS
    scale = min(box[0] / width if width else math.inf, box[1] / height if height else math.inf)
    if math.isinf(scale):
        return 9
    zoom = math.log2(scale)
    zoom = round(zoom / 0.0025) * 0.0025
    return max(1, min(9, math.floor(zoom / 0.25) * 0.25))


@lru_cache(maxsize=1)
def _base() -> dict:
    """The live map's basemap (:func:`~gloact_lib.views.live_basemap.basemap_payload`), read once per kernel."""
    return json.loads(basemap_text().text)


@lru_cache(maxsize=1)
def _shapes() -> tuple[tuple[str, str, int], ...]:
    """Every basemap country as ``(iso3, path d, region index)``: made once per kernel (about 120 kB)."""
    base = _base()
    out = []
    for iso3, shape, region in zip(base["iso3"], base["shapes"], base["region"], strict=True):
        parts = []
        for polygon in shape:
            for flat in polygon:
                lon = lat = 0
                last = None
                for i in range(0, len(flat), 2):
                    lon += flat[i]
                    lat += flat[i + 1]
                    x, y = project(lon / 100, lat / 100)
                    point = (round(x), round(y))
                    if last is None:
                        parts.append(f"M{point[0]} {point[1]}l")
                    elif point != last:
                        parts.append(f"{point[0] - last[0]} {point[1] - last[1]} ")
                    last = point
                parts.append("z")
        out.append((iso3, "".join(parts), region))
    return tuple(out)


def _fmt(n, w) -> str:
    """``live_map.js``'s ``fmt``: a count with the separator the legend's words give (the same as
    :func:`~gloact_lib.views.map_text.fmt_number`'s), or the words for a hidden one."""
    if n is None:
        return ""
    return w["hidden"] if n < 0 else f"{round(n):,}".replace(",", w["sep"])


def _d(points, close: bool = False) -> str:
    """An SVG path through ``[lon, lat]`` points."""
    xy = [project(lon, lat) for lon, lat in points]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy) + ("z" if close else "")


def _country_view(v: dict) -> tuple[list[dict], list[dict]]:
    """``live_map.js``'s ``countryView``: a node per place, a flow per drawn route (tips without the click hints)."""
    n, f, w = v["nodes"], v["flows"], v["legend"]["words"]
    nodes = []
    for i in range(len(n["iso3"])):
        tip = [n["name"][i], f"{w['in']} {_fmt(n['in'][i], w)} · {w['out']} {_fmt(n['out'][i], w)} {w['unit']}"]
        if n["through"][i] is not None:
            tip.append(f"{w['through']}{w['colon']}{_fmt(n['through'][i], w)}")
        if n["domestic"][i] is not None:
            tip.append(f"{w['domestic']}{w['colon']}{_fmt(n['domestic'][i], w)}")
        if n["hidden"][i]:
            tip.append("+ " + w["some_hidden"])
        nodes.append({"key": i, "lon": n["lon"][i], "lat": n["lat"][i], "volume": max(n["in"][i], n["out"][i]),
                      "label": n["label"][i], "region_label": "", "domestic": n["domestic"][i], "within": None,
                      "tip": tip})  # fmt: skip
    flows = []
    for s, t, count in zip(f["s"], f["t"], f["n"], strict=True):
        tip = [f"{n['name'][s]} → {n['name'][t]}", w["hidden"] if count < 0 else f"{_fmt(count, w)} {w['unit']}"]
        flows.append({"s": s, "t": t, "a": (n["lon"][s], n["lat"][s]), "b": (n["lon"][t], n["lat"][t]),
                      "count": count, "tip": tip})  # fmt: skip
    return nodes, flows


def _region_view(v: dict, base: dict) -> tuple[list[dict], list[dict]]:
    """``live_map.js``'s ``regionView``: countries grouped into their UN M49 sub-regions."""
    n, f, w = v["nodes"], v["flows"], v["legend"]["words"]
    names = v.get("region_names") or []
    region_of = dict(zip(base["iso3"], base["region"], strict=True))
    groups: dict[str, dict] = {}
    key_of = []
    for i, iso3 in enumerate(n["iso3"]):
        r = region_of.get(iso3)
        key = f"r{r}" if r is not None and r >= 0 else f"n{i}"
        key_of.append(key)
        if key not in groups:
            region = r if key[0] == "r" else None
            lon, lat = base["anchors"][region] if region is not None else (n["lon"][i], n["lat"][i])
            name = (names[region] if region < len(names) else "") if region is not None else n["name"][i]
            groups[key] = {"key": key, "region": region, "lon": lon, "lat": lat, "name": name, "members": [],
                           "in": 0, "out": 0, "within": 0, "within_hidden": False, "hidden": False}  # fmt: skip
        groups[key]["members"].append(i)
    pairs: dict[str, dict] = {}
    for k, (s, t, c) in enumerate(zip(f["s"], f["t"], f["n"], strict=True)):
        gs, gt = groups[key_of[s]], groups[key_of[t]]
        if gs is gt:
            if c >= 0:
                gs["within"] += c
            else:
                gs["within_hidden"] = True
            continue
        p = pairs.setdefault(f"{gs['key']}>{gt['key']}", {"gs": gs, "gt": gt, "count": 0, "shown": 0,
                                                           "hidden": False, "members": []})  # fmt: skip
        p["members"].append(k)
        if c >= 0:
            p["count"] += c
            p["shown"] += 1
            gs["out"] += c
            gt["in"] += c
        else:
            p["hidden"] = gs["hidden"] = gt["hidden"] = True
    flows = []
    for p in sorted(pairs.values(), key=lambda p: p["count"]):  # stable, as Array.prototype.sort
        largest = sorted((k for k in p["members"] if f["n"][k] >= 0), key=lambda k: -f["n"][k])[:3]
        tip = [f"{p['gs']['name']} → {p['gt']['name']}", f"{_fmt(p['count'], w)} {w['unit']}" if p["shown"]
               else w["hidden"]]  # fmt: skip
        if p["hidden"] and p["shown"]:
            tip.append("+ " + w["some_hidden"])
        if len(p["members"]) > 1 and largest:
            tip.append(f"{w['largest']}{w['colon']}")
            tip += [f"{n['name'][f['s'][k]]} → {n['name'][f['t'][k]]}: {_fmt(f['n'][k], w)}" for k in largest]
        flows.append({"s": p["gs"]["key"], "t": p["gt"]["key"], "a": (p["gs"]["lon"], p["gs"]["lat"]),
                      "b": (p["gt"]["lon"], p["gt"]["lat"]), "count": p["count"] if p["shown"] else -1, "tip": tip})
    nodes = []
    for g in groups.values():
        tip = [g["name"], f"{w['in']} {_fmt(g['in'], w)} · {w['out']} {_fmt(g['out'], w)} {w['unit']}"]
        if g["within"] > 0 or g["within_hidden"]:
            tip.append(f"{w['within']}{w['colon']}{_fmt(g['within'], w) if g['within'] > 0 else w['hidden']}")
        if g["hidden"]:
            tip.append("+ " + w["some_hidden"])
        if g["region"] is not None:
            members = [n["name"][i] for i in g["members"]]
            tip.append(", ".join(members[:6]) + (", …" if len(members) > 6 else ""))
        within = g["within"] if g["within"] > 0 else (-1 if g["within_hidden"] else None)
        nodes.append({"key": g["key"], "lon": g["lon"], "lat": g["lat"], "volume": max(g["in"], g["out"]),
                      "label": n["label"][g["members"][0]] if g["region"] is None else "",
                      "region_label": g["name"] if g["region"] is not None else "", "domestic": None,
                      "within": within, "tip": tip})  # fmt: skip
    return nodes, flows


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _tip(lines) -> str:
    return f' data-tip="{_attr(chr(10).join(str(x) for x in lines))}"'


def _countries(v: dict, base: dict) -> list[str]:
    """``paintCountries``: each country filled by its main role (outlined when it has several), the selected one
    outlined; its tip: its name and its counts by role."""
    r, g, w = v["roles"], v["legend"], v["legend"]["words"]
    at = {iso3: i for i, iso3 in enumerate(r["iso3"])}
    names, selected = v.get("names") or {}, v.get("selected") or ""
    out = []
    for iso3, d, _ in _shapes():
        i = at.get(iso3)
        style = {"fill": g["colours"]["neutral"], "fill-opacity": 1, "stroke": "#ffffff", "stroke-width": 0.8}
        tip = [names.get(iso3, iso3)]
        if i is not None:
            style.update({"fill": g["colours"]["roles"][r["fill"][i]], "fill-opacity": 0.55})
            if r["multi"][i]:
                style.update({"stroke": "#333333", "stroke-width": 2, "stroke-dasharray": "5 3"})
            for k, role in enumerate(("origin", "transit", "destination", "domestic")):
                value = r[role][i]
                if value is not None:
                    unit = " " + w["unit"] if value >= 0 else ""
                    tip.append(f"{g['role_names'][k]}{w['colon']}{_fmt(value, w)}{unit}")
        if iso3 == selected:
            style.update({"stroke": "#111111", "stroke-width": 3.5})
            style.pop("stroke-dasharray", None)
        style = " ".join(f'{k}="{_attr(x)}"' for k, x in style.items())
        out.append(f'<path class="gloact-country" data-iso3="{_attr(iso3)}" d="{d}" {style}{_tip(tip)}/>')
    return out


def sketch(v: dict) -> str:
    """The live map's first drawing as HTML and SVG, from its traits.

    Parameters
    ----------
    v : dict
        The live map's traits (:data:`TRAITS`), as :class:`~gloact_lib.views.live_map.LiveMap` holds them.

    Returns
    -------
    str
        A ``<div class="gloact-pre leaflet-container">`` whose ``data-fit`` is the selection's bounds in
        :data:`UNITS` (``[x0, y0, x1, y1]``) and ``data-height`` the map's height (``"fill"`` or CSS).

    Examples
    --------
    >>> from gloact_lib.analysis.flows import Flows
    >>> from gloact_lib.data.database import connect
    >>> from gloact_lib.views.live_map import LiveMap
    >>> live = LiveMap(Flows.from_db(connect(":memory:")))
    >>> page = sketch({k: getattr(live, k) for k in TRAITS})
    >>> page.startswith('<div class="gloact-pre'), page.count('class="gloact-country"') == len(live.countries)
    (True, True)
    """
    base = _base()
    g = v["legend"]
    if not g or not v["nodes"].get("iso3") and not v["nodes"].get("bounds"):
        return '<div class="gloact-pre leaflet-container" data-height="640px"></div>'
    w, colours = g["words"], g["colours"]
    (s, west), (north, e) = v["nodes"]["bounds"]
    x0, y0 = project(west, north)
    x1, y1 = project(e, s)
    zoom = fit_zoom(v["nodes"]["bounds"])
    span = GUESS_BOX[0] / (256 * 2**zoom) * 360
    grouped = bool(base.get("anchors")) and len(v["flows"]["s"]) > REGION_MIN_FLOWS and span > REGION_SPAN
    nodes, flows = _region_view(v, base) if grouped else _country_view(v)
    top = max([1, *(f["count"] for f in flows)]) if grouped else g["top"]

    def width(c):
        return g["width"][0] + g["width"][1] * math.sqrt(max(c, 0) / top)

    def opacity(c):
        return g["opacity"][0] + g["opacity"][1] * math.sqrt(max(c, 0) / top)

    per_degree = 256 * 2**zoom / 360
    svg = _countries(v, base)
    for f in flows:
        points, count = arc(f["a"], f["b"]), f["count"]
        if count < 0:
            svg.append(f'<path class="gloact-arc gloact-hidden-arc" d="{_d(points)}" fill="none" '
                       f'stroke="{_attr(colours["hidden"])}" stroke-width="1" stroke-opacity="0.35" '
                       f'stroke-dasharray="3 5"{_tip(f["tip"])}/>')  # fmt: skip
            continue
        px, op = width(count), opacity(count)
        svg.append(f'<path class="gloact-arc" d="{_d(points)}" fill="none" stroke="{_attr(colours["arc"])}" '
                   f'stroke-width="{px:.2f}" stroke-opacity="{op:.3f}"{_tip(f["tip"])}/>')  # fmt: skip
        length = math.hypot(f["b"][0] - f["a"][0], f["b"][1] - f["a"][1])
        size = min(min(1.2, max(0.25, length * 0.05)) * (0.8 + px / 14), (6 + px) / per_degree)
        svg.append(f'<path class="gloact-arrow" d="{_d(arrowhead(points, size), close=True)}" '
                   f'fill="{_attr(colours["arc"])}" fill-opacity="{op:.3f}" stroke="{_attr(colours["arc"])}" '
                   f'stroke-width="1" stroke-opacity="{op:.3f}"{_tip(f["tip"])}/>')  # fmt: skip
    home = [x["domestic"] if x["domestic"] is not None and x["domestic"] > 0 else 0 for x in nodes]
    within = [x["within"] if x["within"] is not None and x["within"] > 0 else 0 for x in nodes]
    volume = max([1, *(x["volume"] for x in nodes)])
    top_home = max([1, top, *home, *within])
    labels = []
    for x in nodes:
        cx, cy = project(x["lon"], x["lat"])
        at = f'cx="{cx:.1f}" cy="{cy:.1f}"'
        tip = _tip(x["tip"])
        for value, colour, cls in ((x["domestic"], colours["domestic"], "gloact-domestic"),
                                   (x["within"], colours["arc"], "gloact-within")):  # fmt: skip
            if value is None:
                continue
            if value < 0:
                svg.append(f'<circle class="{cls}" {at} data-r="9" fill="none" stroke="{_attr(colours["hidden"])}" '
                           f'stroke-width="2" stroke-dasharray="3 3"{tip}/>')  # fmt: skip
            else:
                dash = ' stroke-dasharray="6 4"' if cls == "gloact-within" else ""
                svg.append(f'<circle class="{cls}" {at} data-r="{9 + 22 * math.sqrt(value / top_home):.2f}" '
                           f'fill="{_attr(colour)}" fill-opacity="0.2" stroke="{_attr(colour)}" stroke-width="3"'
                           f"{dash}{tip}/>")  # fmt: skip
        if x["volume"] <= 0 and (x["domestic"] is not None or x["within"] is not None or grouped):
            continue
        cls = "gloact-node gloact-region" if grouped else "gloact-node"
        svg.append(f'<circle class="{cls}" {at} data-r="{3 + 13 * math.sqrt(x["volume"] / volume):.2f}" '
                   f'fill="#ffffff" fill-opacity="0.9" stroke="#222222" stroke-width="1.2"{tip}/>')  # fmt: skip
        text = x["region_label"] or x["label"]
        if text and (not grouped or x["volume"] >= volume / 50):
            labels.append(f'<div class="leaflet-tooltip gloact-label" data-x="{cx:.1f}" data-y="{cy:.1f}" '
                          f'data-v="{x["volume"]}"><span>{html.escape(text)}</span></div>')  # fmt: skip
    notes = "".join(f"<div>{html.escape(n)}</div>" for n in g["notes"])
    top_left = f'<div class="gloact-note leaflet-control">{notes}</div>' if notes else ""
    badge = f'<div class="gloact-badge leaflet-control">{html.escape(g["badge"])}</div>' if g["badge"] else ""
    caption = f'<div class="gloact-caption leaflet-control">{html.escape(w["grouped"])}</div>' if grouped else ""
    legend = (f'<div class="gloact-box gloact-legend-live collapsed leaflet-control"><button class="gloact-toggle" '
              f'type="button" aria-expanded="false" disabled>{html.escape(w["legend"])} ▸</button></div>')  # fmt: skip
    zoom_buttons = (f'<div class="leaflet-control-zoom leaflet-bar leaflet-control">'
                    f'<a class="leaflet-control-zoom-in leaflet-disabled" aria-label="{_attr(w["zoom_in"])}">+</a>'
                    f'<a class="leaflet-control-zoom-out leaflet-disabled" aria-label="{_attr(w["zoom_out"])}">−</a>'
                    f"</div>")  # fmt: skip
    fit = json.dumps([round(min(x0, x1), 1), round(min(y0, y1), 1), round(max(x0, x1), 1), round(max(y0, y1), 1)])
    return (f'<div class="gloact-pre leaflet-container" role="img" aria-label="{_attr(w["map"])}" '
            f'data-fit="{_attr(fit)}" data-height="{_attr(v.get("height") or "640px")}" '
            f'data-level="{"region" if grouped else "country"}">'
            f'<svg class="gloact-pre-svg" xmlns="http://www.w3.org/2000/svg">{"".join(svg)}</svg>'
            f'<div class="gloact-pre-labels">{"".join(labels)}</div>'
            f'<div class="leaflet-control-container"><div class="leaflet-top leaflet-left">{zoom_buttons}{top_left}'
            f'</div><div class="leaflet-top leaflet-right">{badge}</div>'
            f'<div class="leaflet-bottom leaflet-left">{legend}</div>'
            f'<div class="leaflet-bottom leaflet-right">{caption}</div></div></div>')  # fmt: skip
