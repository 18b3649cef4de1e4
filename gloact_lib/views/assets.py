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

__all__ = ["MAP_HELPERS", "leaflet_assets", "offline_map", "make_offline"]


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


#: The map's own JavaScript (plain Leaflet: layers, text-only tooltips, boxes) and CSS, written once per page.
MAP_HELPERS = """
<script>
function gloactTip(lines) {
  var box = document.createElement('div');
  lines.forEach(function (line, i) {
    var el = document.createElement(i === 0 ? 'strong' : 'div');
    el.textContent = line;
    box.appendChild(el);
  });
  return box;
}
function gloactLayer(data) {
  var group = L.geoJSON(data, {
    style: function (f) { return f.properties.style; },
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties.style); },
    onEachFeature: function (f, layer) {
      if (f.properties.tip) { layer.bindTooltip(gloactTip(f.properties.tip), {sticky: true}); }
    }
  });
  group.eachLayer(function (layer) {
    var label = layer.feature.properties.label;
    if (!label) { return; }
    var text = document.createElement('span');
    text.textContent = label;
    group.addLayer(L.tooltip({permanent: true, direction: 'right', offset: [8, 0], className: 'gloact-label',
                              interactive: false}).setLatLng(layer.getLatLng()).setContent(text));
  });
  return group;
}
function gloactControl(map, position, className, markup) {
  var Box = L.Control.extend({onAdd: function () {
    var div = L.DomUtil.create('div', className);
    div.innerHTML = markup;
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  }});
  new Box({position: position}).addTo(map);
}
</script>
<style>
.leaflet-container { background: SEA_COLOUR; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.gloact-legend { background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px; max-width: 320px;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); color: #222; }
.gloact-legend h4 { margin: 0 0 2px; font-size: 15px; }
.gloact-legend .sub { color: #444; margin-bottom: 6px; }
.gloact-legend .sw { display: inline-block; width: 14px; height: 12px; margin-right: 6px; vertical-align: -1px;
  border: 1px solid #666; }
.gloact-legend .small { font-size: 11.5px; color: #444; margin-top: 6px; }
.gloact-badge { background: #b00020; color: #fff; font-weight: 700; padding: 4px 10px; border-radius: 4px;
  letter-spacing: .04em; }
.gloact-label { background: rgba(255,255,255,.8); border: 0; box-shadow: none; padding: 0 3px; font-size: 12px;
  font-weight: 600; color: #222; }
.gloact-label:before { display: none; }
.leaflet-attribution-flag { display: none !important; }
.gloact-note { background: #fff8e1; border: 1px solid #e0c060; padding: 6px 10px; border-radius: 4px; }
</style>
""".replace("SEA_COLOUR", "#d9e4ec")
