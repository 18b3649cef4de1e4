"""The live map's basemap, as it is sent once per viewer: :func:`basemap_payload`, held as text (:func:`basemap_text`).

Natural Earth's countries (:func:`gloact_lib.views.map_style.read_basemap`), each with its UN M49 sub-region, and
an anchor per sub-region where the live map draws it when zoomed out; coordinates as small whole numbers
(:func:`_ring`), decoded by ``rings()`` in ``live_map.js``.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import NamedTuple

from gloact_lib.data.regions import subregion
from gloact_lib.views.map_style import read_basemap as _basemap  # not kept: basemap_text keeps what it sends

__all__ = ["DIGITS", "Basemap", "basemap_payload", "basemap_text"]

#: Decimals of the coordinates sent (0.01 degree: about a kilometre).
DIGITS = 2


def _area(ring) -> float:
    """A ring's area in square degrees (shoelace): how much a country weighs in its region's anchor."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))) / 2


def _ring(ring) -> list[int]:
    """A ring as whole hundredths of a degree, the first point's then each next point's difference from the one
    before (small numbers: a third of the bytes of the coordinates); points that round onto the one before are left
    out.

    Examples
    --------
    >>> _ring([(2.0, 13.5), (2.004, 13.501), (2.5, 13.0), (2.0, 13.5)])
    [200, 1350, 50, -50, -50, 50]
    """
    scale, out, last = 10**DIGITS, [], None
    for lon, lat in ring:
        point = (round(lon * scale), round(lat * scale))
        if point == last:
            continue
        out += [point[0], point[1]] if last is None else [point[0] - last[0], point[1] - last[1]]
        last = point
    return out


def basemap_payload() -> dict:
    """The basemap as columns, sent once per viewer (about 140 kB as compact JSON), made again at each call.

    Returns
    -------
    dict
        ``iso3``; ``shapes`` (per country its polygons, each a list of rings, each a flat list of whole
        hundredths of a degree: ``[lon, lat, dlon, dlat, ...]``, see :func:`_ring`); ``region`` (per country
        the index of its UN M49 sub-region in ``regions``, or -1); ``regions`` (the sub-regions' English
        names, their keys) and ``anchors`` (per sub-region ``[lon, lat]``: the mean of its countries' label
        points weighted by the square roots of their areas, where the map draws it when zoomed out).
    """
    iso3, shapes, region, regions, points = [], [], [], [], {}
    for f in _basemap():
        g, props = f["geometry"], f["properties"]
        polygons = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        iso3.append(props["iso3"])
        shapes.append([[_ring(r) for r in polygon] for polygon in polygons])
        name = subregion(props["iso3"])
        if name is not None and name not in regions:
            regions.append(name)
        region.append(regions.index(name) if name is not None else -1)
        if name is not None and props.get("label_lon") is not None:
            area = math.sqrt(sum(_area(polygon[0]) for polygon in polygons))
            points.setdefault(name, []).append((props["label_lon"] * area, props["label_lat"] * area, area))
    anchors = [[round(sum(p[k] for p in points[r]) / sum(p[2] for p in points[r]), DIGITS) for k in (0, 1)]
               for r in regions]  # fmt: skip
    return {"iso3": iso3, "shapes": shapes, "region": region, "regions": regions, "anchors": anchors}


class Basemap(NamedTuple):
    """The basemap as a kernel keeps it: the text sent, and the two lists the kernel reads itself."""

    #: :func:`basemap_payload` as compact JSON: one string of ~140 kB instead of ~40,000 Python numbers in lists.
    text: str
    #: The countries (ISO3), in the order of the text's ``iso3``.
    iso3: tuple[str, ...]
    #: The UN M49 sub-regions' English names, in the order of the text's ``regions``.
    regions: tuple[str, ...]


@lru_cache(maxsize=1)
def basemap_text() -> Basemap:
    """The basemap, made once per kernel and kept as the text the page receives.

    Kept as text, the basemap costs a kernel the bytes it sends (the page parses it); kept as the payload's
    nested lists, it cost megabytes of small objects (measured: 4 MB of a kernel, of 150).

    Returns
    -------
    Basemap

    Examples
    --------
    >>> base = basemap_text()
    >>> json.loads(base.text)["iso3"] == list(base.iso3), "NER" in base.iso3
    (True, True)
    """
    payload = basemap_payload()
    return Basemap(json.dumps(payload, separators=(",", ":")), tuple(payload["iso3"]), tuple(payload["regions"]))
