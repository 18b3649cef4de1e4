"""Measurement 4: bytes of the self-contained overview map against ``geopandas.GeoDataFrame.explore()``.

:func:`gloact_lib.views.route_map.route_map` of the shipped data against ``explore()`` of the
same arcs and countries, and the time to draw and save each.  Also the Frontex overview map
drawn on the world basemap (``config.BASEMAP_FILE``) against the same map on the former
regional basemap (``baselines/countries_region_before.geojson``), in the same run.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from pathlib import Path

from common import REPEATS, Context, Result, Row, paired_times, shipped_db

TITLE = "4. overview map size against GeoDataFrame.explore(); world against regional basemap"
#: The regional basemap (lon -32..55, lat -5..72) that the world basemap replaced, kept as the baseline.
REGIONAL_BASEMAP = Path(__file__).resolve().parent / "baselines" / "countries_region_before.geojson"


def bench_map(tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Measurement 4: the overview map's HTML against ``GeoDataFrame.explore()`` of the same data.

    Parameters
    ----------
    tmp : Path
        Scratch folder (HTML files; the database of :func:`shipped_db`).
    log : callable
        Progress messages.

    Returns
    -------
    rows : list of Row
    details : dict
        Sizes, feature counts and external references of both pages.
    """
    import geopandas

    from gloact_lib import config
    from gloact_lib.analysis.flows import Flows, Selection
    from gloact_lib.data.database import connect
    from gloact_lib.views.route_map import route_map

    con = connect(shipped_db(tmp), read_only=True)
    try:
        flows = Flows.from_db(con, Selection(data="illustrative"))
    finally:
        con.close()
    ours, theirs = tmp / "route_map.html", tmp / "explore.html"
    basemap = geopandas.read_file(config.BASEMAP_FILE)

    def draw_ours():
        route_map(flows).save(str(ours))

    def draw_explore():
        explore_map(flows, basemap).save(str(theirs))

    try:
        t_ours, theirs_times, _ = paired_times(draw_ours, draw_explore, REPEATS)
        t_theirs = statistics.median(theirs_times)
    except ImportError as exc:  # explore() needs matplotlib and mapclassify
        log(f"  skipped the explore() comparison: {exc}")
        draw_ours()
        size = ours.stat().st_size
        return [], {"route_map_bytes": size, "explore": f"skipped: {exc}"}
    details = {}
    for name, path in (("route_map", ours), ("explore", theirs)):
        text = path.read_text(encoding="utf-8")
        details[name] = {
            "bytes": path.stat().st_size,
            "external_scripts": text.count('<script src="http'),
            "external_stylesheets": text.count('<link rel="stylesheet" href="http'),
            "web_tiles": "tile.openstreetmap.org" in text or "{s}.tile" in text,
        }
    details["legs"] = len(flows.legs)
    details["unmapped"] = list(flows.unmapped)
    b_ours, b_theirs = details["route_map"]["bytes"], details["explore"]["bytes"]
    note = (f"external <script src=http…>: ours {details['route_map']['external_scripts']}, "
            f"explore {details['explore']['external_scripts']}")  # fmt: skip
    rows = [
        Row("map", f"overview HTML bytes ({details['legs']} legs)", "bytes", b_ours, b_theirs, b_ours / b_theirs,
            1, "GeoDataFrame.explore()", note),
        Row("map", "overview draw + save", "s", t_ours, t_theirs, t_ours / t_theirs, REPEATS,
            "GeoDataFrame.explore()"),
    ]  # fmt: skip
    log(
        f"  route_map {b_ours / 1e6:.2f} MB vs explore() {b_theirs / 1e6:.2f} MB, ratio {b_ours / b_theirs:.2f}; {note}"
    )
    return rows, details


def explore_map(flows, countries):
    """The same flows drawn with :meth:`geopandas.GeoDataFrame.explore`.

    Countries of the Natural Earth basemap are coloured by their dominant role
    (as :func:`gloact_lib.views.route_map.route_map` does); every drawn leg becomes a
    straight LineString between its nodes, with a ``persons`` column (empty
    where suppressed) and a width scaled like ours.  Default explore() settings
    otherwise: OpenStreetMap tiles and CDN scripts.

    Parameters
    ----------
    flows : gloact_lib.analysis.flows.Flows
    countries : geopandas.GeoDataFrame
        The basemap's countries (``iso3``, ``name``, geometry), read once by the caller.

    Returns
    -------
    folium.Map
    """
    import geopandas as gpd
    from shapely.geometry import LineString

    from gloact_lib.views.route_map import ARC, NEUTRAL_FILL, ROLE_COLOURS

    roles: dict[str, dict[str, int]] = {}
    for r in flows.roles.itertuples(index=False):
        roles.setdefault(r.iso3, {})[r.role] = 0 if r.suppressed else int(r.persons)
    countries = countries[["iso3", "name", "geometry"]].copy()
    countries["role"] = [max(roles[c], key=lambda k: (roles[c][k], k == "destination")) if c in roles else ""
                         for c in countries["iso3"]]  # fmt: skip
    countries["fill"] = [ROLE_COLOURS.get(role, NEUTRAL_FILL) for role in countries["role"]]

    point = {key: (node.lon, node.lat) for key, node in flows.nodes.items()}
    drawn = flows.legs[~flows.legs["source"].isin(flows.unmapped) & ~flows.legs["target"].isin(flows.unmapped)]
    top = max(1, int(drawn["persons"].max())) if drawn["persons"].notna().any() else 1
    lines = gpd.GeoDataFrame(
        {
            "source": drawn["source"].to_numpy(),
            "target": drawn["target"].to_numpy(),
            "persons": [None if s else int(p) for p, s in zip(drawn["persons"], drawn["suppressed"], strict=True)],
            "geometry": [LineString([point[a], point[b]])
                         for a, b in zip(drawn["source"], drawn["target"], strict=True)],
        },
        crs="EPSG:4326",
    )  # fmt: skip

    def width(feature: dict) -> dict:
        persons = feature["properties"]["persons"]
        return {"weight": 1.5 if persons is None else round(1.5 + 12 * math.sqrt(persons / top), 1)}

    m = countries.explore(color="fill", tooltip=["name", "role"], style_kwds={"color": "#ffffff", "weight": 0.8})
    return lines.explore(m=m, color=ARC, tooltip=["source", "target", "persons"],
                         style_kwds={"style_function": width, "opacity": 0.75})  # fmt: skip


def bench_basemap(tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """The Frontex overview map's HTML on the world basemap against the former regional basemap.

    Each page is drawn from a database built with its basemap (the ``countries`` table takes its
    label points, the ends of the flows, from the basemap), and with ``config.BASEMAP_FILE``
    pointing at that basemap while the map is drawn (``route_map`` caches the basemap: its cache
    is cleared around the switch).

    Parameters
    ----------
    tmp : Path
        Scratch folder (HTML files, the databases).
    log : callable
        Progress messages.

    Returns
    -------
    rows : list of Row
    details : dict
        For each basemap: file bytes, features, page bytes, countries not drawn.
    """
    from gloact_lib import config
    from gloact_lib.analysis.flows import Flows, Selection
    from gloact_lib.data.database import connect
    from gloact_lib.imports.build import build_db
    from gloact_lib.views import map_style
    from gloact_lib.views import route_map as rm

    world = config.BASEMAP_FILE
    details = {}
    for name, basemap in (("regional", REGIONAL_BASEMAP), ("world", world)):
        config.BASEMAP_FILE = basemap
        map_style.basemap_features.cache_clear()
        try:
            if name == "world":
                db = shipped_db(tmp)
            else:
                db = tmp / "gloact-regional-basemap.duckdb"
                build_db(db, report_dir=tmp / "reports-regional-basemap")
            con = connect(db, read_only=True)
            try:
                flows = Flows.from_db(con, Selection(unit="detections"), level="country")
            finally:
                con.close()
            page = tmp / f"overview-frontex-{name}.html"
            rm.route_map(flows).save(str(page))
            details[name] = {
                "basemap": basemap.name,
                "basemap_bytes": basemap.stat().st_size,
                "basemap_features": len(map_style.basemap_features()),
                "page_bytes": page.stat().st_size,
                "not_drawn": len(flows.unmapped),
            }
        finally:
            config.BASEMAP_FILE = world
            map_style.basemap_features.cache_clear()
    before, after = details["regional"], details["world"]
    ratio = after["page_bytes"] / before["page_bytes"]
    details["ratio"] = ratio
    note = (f"basemap {after['basemap_features']} countries, {after['basemap_bytes']:,} bytes vs "
            f"{before['basemap_features']}, {before['basemap_bytes']:,}; countries not drawn "
            f"{after['not_drawn']} vs {before['not_drawn']}")  # fmt: skip
    rows = [
        Row("map", "Frontex overview HTML bytes, world basemap", "bytes", after["page_bytes"], before["page_bytes"],
            ratio, 1, "regional basemap (before)", note),
    ]  # fmt: skip
    log(f"  Frontex overview: world basemap {after['page_bytes']:,} bytes, regional {before['page_bytes']:,} bytes, "
        f"ratio {ratio:.3f}; {note}")  # fmt: skip
    return rows, details


def run(ctx: Context) -> Result:
    """Measurement 4 (on the shipped data, whatever ``ctx.scale``)."""
    rows, details = bench_map(ctx.tmp, ctx.log)
    basemap_rows, basemap = bench_basemap(ctx.tmp, ctx.log)
    return Result(rows + basemap_rows, {"map": details, "basemap": basemap})
