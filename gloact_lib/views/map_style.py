"""How a route map looks, for both route maps: colours, the basemap, the flows drawn, the bounds, the subtitle.

The folium maps (:mod:`gloact_lib.views.route_map`: ``build-maps``, the briefing packs, presenter mode) and the
live map of the routes dashboard (:mod:`gloact_lib.views.live_map`) take their styling from here, so that the
two agree.  Nothing here imports folium, branca or Jinja: a dashboard kernel that shows only the live map never
loads them.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import pandas as pd

from gloact_lib import config
from gloact_lib.analysis.flows import Flows
from gloact_lib.i18n import t
from gloact_lib.views.map_text import fmt_number

__all__ = ["ARC", "DEFAULT_BOUNDS", "HIDDEN_ARC", "INCIDENT", "MIN_SPAN", "NEUTRAL_FILL", "REGION", "ROLES",
           "ROLE_COLOURS", "basemap_features", "drawable", "map_bounds", "read_basemap", "subtitle"]  # fmt: skip

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
ROLE_COLOURS = {"origin": "#E69F00", "transit": "#56B4E9", "destination": "#009E73", "domestic": "#CC79A7"}
ROLES = tuple(ROLE_COLOURS)
NEUTRAL_FILL, ARC, HIDDEN_ARC, INCIDENT = "#efeee9", "#a23b2a", "#8c8c8c", "#6a1b4d"
DEFAULT_BOUNDS = [[2.0, -26.0], [48.0, 36.0]]  # West Africa, the Sahel, the Mediterranean
#: The region maps open on ([[south, west], [north, east]]): the user pans to the rest of the world.
REGION = [[-5.0, -32.0], [72.0, 55.0]]
#: The smallest span (degrees) a map opens on.
MIN_SPAN = 12.0


def read_basemap() -> tuple:
    """The Natural Earth countries of :data:`gloact_lib.config.BASEMAP_FILE`, read from the file each call.

    For a caller that keeps what it makes of them (the live map's compact basemap): the features themselves,
    a few megabytes as Python objects, are not kept.

    Returns
    -------
    tuple of dict
        GeoJSON features, each with ``properties["iso3"]``.
    """
    with open(config.BASEMAP_FILE, encoding="utf-8") as fh:
        return tuple(json.load(fh)["features"])


@lru_cache(maxsize=1)
def basemap_features() -> tuple:
    """:func:`read_basemap`, read once and kept: for the folium maps, which draw it again for every map.

    Returns
    -------
    tuple of dict
    """
    return read_basemap()


def arc(p0: tuple[float, float], p1: tuple[float, float], bend: float = 0.22, n: int = 24):
    """Points of a quadratic curve from p0 to p1 (lon, lat), bent to the right of travel (``live_map.js``'s
    ``arc`` too)."""
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 + bend * dy, (y0 + y1) / 2 - bend * dx
    pts = []
    for i in range(n + 1):
        s = i / n
        x = (1 - s) ** 2 * x0 + 2 * (1 - s) * s * cx + s**2 * x1
        y = (1 - s) ** 2 * y0 + 2 * (1 - s) * s * cy + s**2 * y1
        pts.append([round(x, 4), round(y, 4)])
    return pts


def arrowhead(points: list, size: float) -> list:
    """A triangle pointing along the curve, 80% of the way to the target: its ring (lon, lat), closed."""
    k = int(len(points) * 0.8)
    (x0, y0), (x1, y1) = points[k - 1], points[k]
    angle = math.atan2(y1 - y0, x1 - x0)
    tip = (x1 + size * math.cos(angle), y1 + size * math.sin(angle))
    left = (x1 + size * 0.55 * math.cos(angle + 2.5), y1 + size * 0.55 * math.sin(angle + 2.5))
    right = (x1 + size * 0.55 * math.cos(angle - 2.5), y1 + size * 0.55 * math.sin(angle - 2.5))
    return [[round(a, 4), round(b, 4)] for a, b in (tip, left, right, tip)]


def drawable(flows: Flows, max_flows: int | None) -> pd.DataFrame:
    """Legs with coordinates at both ends; the largest ``max_flows`` of them (hidden legs last).

    Parameters
    ----------
    flows : Flows
    max_flows : int or None
        None: all of them.

    Returns
    -------
    DataFrame
        Rows of ``flows.legs``, largest first.
    """
    legs = flows.legs[~flows.legs["source"].isin(flows.unmapped) & ~flows.legs["target"].isin(flows.unmapped)]
    legs = legs.sort_values("persons", ascending=False, na_position="last")
    return legs if max_flows is None else legs.head(max_flows)


def map_bounds(flows: Flows, extra: list[tuple[float, float]] = ()) -> list:
    """The bounds a map opens on, ``[[south, west], [north, east]]``.

    The nodes in the region (the map opens on it; the user pans to Kabul or Dhaka), or every node when none is
    in the region (a selection of Asian or American journeys); ``extra`` points (the incidents shown) are fitted
    too.  At least :data:`MIN_SPAN` degrees across, so that one country (a domestic view) shows with its
    neighbours.

    Parameters
    ----------
    flows : Flows
    extra : list of (lat, lon), optional

    Returns
    -------
    list
    """
    points = [(n.lat, n.lon) for n in flows.nodes.values() if n.lon is not None] + list(extra)
    (south, west), (north, east) = REGION
    inside = [(la, lo) for la, lo in points if south <= la <= north and west <= lo <= east]
    points = inside or points
    if not points:
        return DEFAULT_BOUNDS
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    pad_lat = max(1.5, (max(lats) - min(lats)) * 0.08, (MIN_SPAN - (max(lats) - min(lats))) / 2)
    pad_lon = max(1.5, (max(lons) - min(lons)) * 0.08, (MIN_SPAN - (max(lons) - min(lons))) / 2)
    return [[min(lats) - pad_lat, min(lons) - pad_lon], [max(lats) + pad_lat, max(lons) + pad_lon]]


def subtitle(flows: Flows, lang: str) -> str:
    """The legend's subtitle: the crime, the period the data covers and the published total.

    Parameters
    ----------
    flows : Flows
    lang : {"en", "fr"}

    Returns
    -------
    str
        Plain text (the caller escapes it).
    """
    s, info = flows.selection, flows.summary
    crimes = info["crimes"] or s.crime or ("trafficking", "smuggling")
    crime = t(crimes[0], lang) if len(crimes) == 1 else t("all_crimes", lang)
    # the period actually covered: the selection's range clipped to the data
    start = max(filter(None, (s.start, info["start"])), default=None)
    end = min(filter(None, (s.end, info["end"])), default=None)
    period = f"{start:%Y-%m} – {end:%Y-%m}" if start and end else ""
    total = info["persons"]
    count = (f"{fmt_number(total, lang)} {t(s.unit, lang)}" if total is not None
             else t("hidden", lang, n=s.threshold))  # fmt: skip
    return " · ".join(p for p in (crime, period, count) if p)
