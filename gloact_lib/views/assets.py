"""Offline assets: Leaflet inlined from a registry package (no CDN, no tiles), and the stylesheets.

folium's defaults reference about ten CDN files (Leaflet, jQuery, Bootstrap,
Font Awesome...); with no network the page is blank.  :func:`offline_map`
replaces them in one place: the map instance gets empty ``default_js`` and
``default_css`` (never the class lists, which are module globals), and Leaflet's
JS and CSS from the ``xstatic-leaflet`` package are written inline into the page
header, with the CSS images as data URIs.  The map elements of
:mod:`gloact_lib.views.route_map` use plain Leaflet only (no jQuery, no Bootstrap).

Two stylesheets, each written once: :data:`MAP_HELPERS` inside every map page, and
:data:`STYLESHEET` for the pages around the maps (the dashboards and the briefing packs).
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # folium is imported by the functions that make a folium map: a live-map page never loads it
    import folium

__all__ = ["MAP_HELPERS", "SEA", "STATUS_COLOURS", "STYLESHEET", "leaflet_assets", "offline_map",
           "make_offline"]

#: The sea: the map's background where there are no tiles.
SEA = "#d9e4ec"


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
    from gloact_lib.views.map_elements import Literal

    m.default_js = []
    m.default_css = []
    css, js = leaflet_assets()
    header = m.get_root().header
    if "gloact_leaflet_css" not in header._children:
        header.add_child(Literal(f"<style>{css}</style>"), name="gloact_leaflet_css", index=0)
        header.add_child(Literal(f"<script>{js}</script>"), name="gloact_leaflet_js", index=1)
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
    import folium

    m = folium.Map(tiles=tiles, **kwargs)
    return make_offline(m)


#: The map's own JavaScript (plain Leaflet: layers, text-only tooltips, boxes) and CSS, written once per page.
MAP_HELPERS = """
<script>
L.Control.Scale.mergeOptions({imperial: false});  // the scale in kilometres only, in every language
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
.gloact-legend, .gloact-offmap { background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px;
  max-width: 320px; box-shadow: 0 1px 4px rgba(0,0,0,.25); color: #222; }
.gloact-legend h4, .gloact-offmap h4 { margin: 0 0 2px; font-size: 15px; }
.gloact-legend .sub { color: #444; margin-bottom: 6px; }
.gloact-legend .sw { display: inline-block; width: 14px; height: 12px; margin-right: 6px; vertical-align: -1px;
  border: 1px solid #666; }
.gloact-legend .small, .gloact-offmap .small { font-size: 11.5px; color: #444; margin-top: 6px; }
.gloact-badge { background: #b00020; color: #fff; font-weight: 700; padding: 4px 10px; border-radius: 4px;
  letter-spacing: .04em; }
.gloact-label { background: rgba(255,255,255,.8); border: 0; box-shadow: none; padding: 0 3px; font-size: 12px;
  font-weight: 600; color: #222; }
.gloact-label:before { display: none; }
.leaflet-attribution-flag { display: none !important; }
.gloact-note { background: #fff8e1; border: 1px solid #e0c060; padding: 6px 10px; border-radius: 4px; }
.gloact-offmap { max-width: 300px; font-size: 12px; }
.gloact-offmap h4 { font-size: 13px; }
.gloact-account { border-collapse: collapse; }
.gloact-account td { padding: 0 4px 0 0; vertical-align: top; }
.gloact-account td.n { text-align: right; white-space: nowrap; padding-left: 8px; font-variant-numeric: tabular-nums; }
.gloact-account tr:first-child td { font-weight: 600; }
</style>
""".replace("SEA_COLOUR", SEA)


#: Colour of each commitment status (the grid and the progress bars; Okabe-Ito, readable by colour-blind viewers).
STATUS_COLOURS = {"achieved": "#009E73", "in_progress": "#E69F00", "not_started": "#d0d0d0",
                  "not_applicable": "#ffffff"}  # fmt: skip

#: The stylesheet of the dashboards and the briefing packs (the pieces of :mod:`gloact_lib.views.html`).
#: Rules for the briefing packs only are scoped to ``.gloact-briefing`` (one A4-landscape page per view);
#: presenter mode's are :data:`gloact_lib.dashboards.deck.DECK_CSS`.
STYLESHEET = (
    """
.gloact-title { margin: 4px 12px 4px 0; }
.gloact-filters .widget-readout { min-width: 92px; max-width: none; overflow: visible; text-overflow: clip; }
.gloact-play-label { text-align: right; padding-right: 8px; line-height: 28px; }
.gloact-kpis { display: flex; gap: 10px; flex-wrap: wrap; margin: 4px 0 8px; }
.gloact-kpi { background: #f6f7f9; border-left: 4px solid #a23b2a; padding: 6px 12px; min-width: 150px; }
.gloact-kpi b { display: block; font-size: 22px; color: #222; }
.gloact-kpi span { color: #555; font-size: 12.5px; }
/* key figures in one compact row above the live map (not in presenter mode), so that the map shows whole; the same
   in the page's first paint (gloact_lib/views/live_preview.py) */
:is(.gloact-dashboard:not(.gloact-present), .gloact-preview) .gloact-kpis-compact .gloact-kpis { gap: 6px;
  margin: 2px 0 4px; }
:is(.gloact-dashboard:not(.gloact-present), .gloact-preview) .gloact-kpis-compact .gloact-kpi { min-width: 0;
  padding: 3px 10px; }
:is(.gloact-dashboard:not(.gloact-present), .gloact-preview) .gloact-kpis-compact .gloact-kpi b { font-size: 17px; }
:is(.gloact-dashboard:not(.gloact-present), .gloact-preview) .gloact-kpis-compact .gloact-kpi span {
  font-size: 11.5px; }
.gloact-table { border-collapse: collapse; font-size: 13px; width: 100%; }
.gloact-table td, .gloact-table th { padding: 3px 8px; border-bottom: 1px solid #e3e3e3; text-align: left; }
.gloact-table td.n { text-align: right; font-variant-numeric: tabular-nums; }
.gloact-notes { font-size: 12px; color: #444; }
.gloact-status { font-size: 12.5px; color: #555; }
.gloact-status.error { color: #b00020; font-weight: 600; }
.gloact-badge-inline { background: #b00020; color: #fff; font-weight: 700; padding: 2px 8px; border-radius: 4px; }
.gloact-recs { list-style: none; padding-left: 0; font-size: 13px; }
.gloact-swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #999; }
.gloact-table.gloact-grid td.st { text-align: center; border: 1px solid #bbb; font-size: 10pt; }
.st.achieved { color: #fff; } .st.not_concerned { color: #999; }
"""
    + "".join(f".st.{status} {{ background: {colour}; }}\n" for status, colour in STATUS_COLOURS.items())
    + ".st.not_concerned { background: #fff; }\n"
    + """
/* briefing packs: one A4-landscape page per view */
@page gloact-a4 { size: A4 landscape; margin: 0; }
body.gloact-briefing { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
.gloact-briefing .view { position: relative; box-sizing: border-box; width: 297mm; height: 210mm;
  padding: 11mm 14mm 6mm; overflow: hidden; page: gloact-a4; page-break-after: always; break-after: page;
  display: flex; flex-direction: column; background: #fff; }
.gloact-briefing .view h2 { margin: 0 0 5mm; font-size: 21pt; line-height: 1.2; color: #7a2b1f; }
.gloact-briefing .view .body { flex: 1; min-height: 0; font-size: 13pt; }
.gloact-briefing .view h3 { margin: 2mm 0 2.5mm; font-size: 14pt; }
.gloact-briefing .gloact-pagefoot { display: flex; justify-content: space-between; gap: 10mm; margin-top: 3mm;
  padding-top: 1.5mm; border-top: 1px solid #ccc; font-size: 9pt; color: #555; }
.gloact-briefing .gloact-pageno { white-space: nowrap; font-variant-numeric: tabular-nums; }
.gloact-briefing #title h2 { font-size: 28pt; margin-top: 25mm; }
.gloact-briefing .lead { font-size: 18pt; }
.gloact-briefing .gloact-messages { margin: 2mm 0 0; padding-left: 10mm; font-size: 17.5pt; line-height: 1.35; }
.gloact-briefing .gloact-messages li { margin-bottom: 7mm; padding-left: 2mm; }
.gloact-briefing .gloact-messages .cite { color: #555; font-size: 13pt; }
.gloact-briefing .gloact-kpis { gap: 5mm; margin: 0 0 3mm; }
.gloact-briefing .gloact-kpi { padding: 2.5mm 5mm; min-width: 45mm; }
.gloact-briefing .gloact-kpi b { font-size: 17pt; } .gloact-briefing .gloact-kpi span { font-size: 10.5pt; }
.gloact-briefing .gloact-table { font-size: 11pt; width: auto; }
.gloact-briefing .gloact-table td, .gloact-briefing .gloact-table th { border-bottom: 1px solid #ddd;
  padding: 1.5mm 3mm; }
.gloact-briefing .gloact-table.gloact-grid td.st { font-size: 10pt; padding: 1.2mm 2mm; }
.gloact-briefing .gloact-national td.n, .gloact-briefing .gloact-national td:last-child { white-space: nowrap; }
.gloact-briefing .gloact-national .gloact-table { margin-bottom: 3mm; }
.gloact-briefing .gloact-treaties .gloact-table { width: 100%; margin-bottom: 3mm; }
.gloact-briefing .small, .gloact-briefing .gloact-notes { font-size: 10pt; color: #444; }
.gloact-briefing .gloact-recs { font-size: 10.5pt; margin: 0 0 3mm; }
.gloact-briefing .gloact-recs li { margin-bottom: 1mm; }
.gloact-briefing .gloact-sources { margin: 0 0 4mm; }
.gloact-offmaps { display: flex; gap: 10mm; font-size: 12pt; margin: 2mm 0; }
.gloact-offmaps .gloact-offmap { flex: 1; }
.gloact-offmaps h4 { margin: 0 0 2mm; font-size: 15pt; }
.gloact-offmaps .gloact-account td.n { text-align: right; padding-left: 4mm; }
/* a map page: the map, and beside it its legend, notes, totals, caveats and sources (never over a country) */
.gloact-briefing .gloact-mapview { display: flex; gap: 5mm; height: 100%; }
.gloact-briefing .gloact-mapcol { flex: 1; min-width: 0; }
.gloact-briefing .gloact-mapcol iframe { display: block; }
.gloact-briefing .gloact-side { flex: none; width: 72mm; font-size: 9.5pt; line-height: 1.3; display: flex;
  flex-direction: column; gap: 2.5mm; }
.gloact-briefing .gloact-side h4 { margin: 0 0 1mm; font-size: 11pt; }
.gloact-briefing .gloact-side .sub { color: #444; margin-bottom: 1.5mm; }
.gloact-briefing .gloact-side .sw { display: inline-block; box-sizing: border-box; width: 4mm; height: 3.2mm;
  margin-right: 2mm; vertical-align: -0.4mm; border: 1px solid #666; }
.gloact-briefing .gloact-side .gloact-badge { align-self: flex-start; background: #b00020; color: #fff;
  font-weight: 700; padding: 1mm 3mm; border-radius: 1mm; letter-spacing: .04em; }
.gloact-briefing .gloact-side .gloact-note { background: #fff8e1; border: 1px solid #e0c060; padding: 1.5mm 2.5mm; }
.gloact-briefing .gloact-side .gloact-notes { font-size: 8.5pt; }
.gloact-briefing .gloact-side .small { font-size: 8.5pt; }
.gloact-briefing .gloact-account { border-collapse: collapse; width: 100%; }
.gloact-briefing .gloact-account td { padding: 0 1mm 0 0; vertical-align: top; }
.gloact-briefing .gloact-account td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.gloact-briefing .gloact-account tr:first-child td { font-weight: 600; }
/* speaker notes: N shows them on screen; never printed */
.gloact-briefing .gloact-speaker-notes { display: none; }
body.gloact-briefing.gloact-show-notes .gloact-speaker-notes { display: block; position: absolute; left: 10mm;
  right: 10mm; bottom: 12mm; max-height: 60%; overflow: auto; z-index: 10; background: #fffbe6;
  border: 2px solid #c9a227; border-radius: 2mm; padding: 3mm 6mm; font-size: 14pt; line-height: 1.35;
  box-shadow: 0 2px 12px rgba(0,0,0,.35); }
.gloact-briefing .gloact-speaker-notes h4 { margin: 0 0 1mm; font-size: 11pt; color: #7a5c00; }
.gloact-briefing .gloact-speaker-notes p { margin: 0 0 2mm; }
@media print { .gloact-briefing .gloact-speaker-notes, .gloact-briefing .gloact-screen-only {
  display: none !important; } }
@media screen { body.gloact-briefing { background: #555; }
  .gloact-briefing .view { margin: 8mm auto; box-shadow: 0 2px 10px rgba(0,0,0,.4); } }
"""
)
