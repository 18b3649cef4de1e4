"""Offline folium maps: Leaflet inlined from a registry package, no CDN, no tiles.

folium's defaults reference about ten CDN files (Leaflet, jQuery, Bootstrap,
Font Awesome...); with no network the page is blank.  :func:`offline_map`
replaces them in one place: the map instance gets empty ``default_js`` and
``default_css`` (never the class lists, which are module globals), and Leaflet's
JS and CSS from the ``xstatic-leaflet`` package are written inline into the page
header, with the CSS images as data URIs.  The map elements of
:mod:`gloact_lib.views.route_map` use plain Leaflet only (no jQuery, no Bootstrap).
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element

__all__ = ["leaflet_assets", "offline_map", "make_offline"]


def _leaflet_dir() -> Path:
    try:
        from xstatic.pkg import leaflet
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("offline maps need Leaflet from PyPI: pip install xstatic-leaflet") from exc
    return Path(leaflet.BASE_DIR)


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's CSS (images inlined) and minified JS, as text.

    Returns
    -------
    (str, str)
        CSS and JavaScript, without source-map comments.
    """
    base = _leaflet_dir()
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        image = base / match.group(1)
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w\-.]+\.png)\)", inline, css)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    return css, js


def make_offline(m: folium.Map) -> folium.Map:
    """Strip a map's CDN dependencies and inline Leaflet; returns the same map."""
    m.default_js = []
    m.default_css = []
    css, js = leaflet_assets()
    header = m.get_root().header
    if "gloact_leaflet_css" not in header._children:
        header.add_child(Element(f"<style>{css}</style>"), name="gloact_leaflet_css", index=0)
        header.add_child(Element(f"<script>{js}</script>"), name="gloact_leaflet_js", index=1)
    return m


def offline_map(tiles: str | None = None, **kwargs) -> folium.Map:
    """A folium map that needs no network: Leaflet inline, no tiles unless asked.

    Parameters
    ----------
    tiles : str, optional
        A folium tile name; default None (no web tiles: the Natural Earth
        basemap is drawn instead).  Tiles need the network.
    **kwargs
        Passed to :class:`folium.Map`.

    Returns
    -------
    folium.Map
    """
    m = folium.Map(tiles=tiles, **kwargs)
    return make_offline(m)
