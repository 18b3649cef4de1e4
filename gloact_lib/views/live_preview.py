"""The page's first paint: the live map drawn into the dashboard page's own HTML, before the widgets connect.

A Voilà page shows nothing of a dashboard until its front end (about 100 files, 5 MB of JavaScript) has loaded,
connected to the kernel and built the widgets: 1.5-2 s alone on this machine, most of a minute for a room of 20
viewers on its 2 cores (``benchmarks/README.md``, sections 5 and 11), longer over a conference's Wi-Fi.  A served
dashboard therefore puts into the page itself (:func:`preview_html`, given to the page as the output's
:data:`PREVIEW_MIME`; the workbook's Voilà template writes it where the dashboard will be) the map the live widget
will draw, as SVG written by the server (:func:`gloact_lib.views.live_sketch.sketch`, from the live map's traits as
they are when the page is sent), with the dashboard's title and key figures above it.  A small script gives it the
live map's view on the page's size and shows the same tooltips on hover; clicks do nothing yet, and a line says
the filters are loading.  When the live map has drawn (its ``gloact:live-drawn`` event), the first paint is taken
away: it lies over the place where the live dashboard is built, so the page does not jump.

Only :func:`gloact_lib.app.serve.serve`'s kernels add it (:func:`wanted`): in JupyterLab the widgets are there at
once, and a notebook saved there should not carry a copy of the map.  Presenter mode has none (its slides are
another layout).

Every text in it is the dashboard's own, already escaped for HTML where the widgets take HTML (title, key
figures), and otherwise escaped by :mod:`~gloact_lib.views.live_sketch` (the tooltips' lines are attributes the
script reads into ``textContent``).  The one script is the module's own text: nothing from the data is in it.
"""

from __future__ import annotations

import html
import os
from functools import lru_cache

from gloact_lib._lean import LEAN_KERNEL_ENV
from gloact_lib.i18n import t
from gloact_lib.views.assets import STYLESHEET
from gloact_lib.views.live_map import _css as live_css
from gloact_lib.views.live_sketch import TRAITS, UNITS, sketch

__all__ = ["PREVIEW_MIME", "FirstPaint", "preview_html", "wanted"]

#: The mimetype of the first paint in a displayed dashboard's bundle (read by the workbook's Voilà template,
#: ``gloact_lib/app/share/jupyter/voila/templates/gloact/index.html.j2``, and taken out of the output it sends on).
PREVIEW_MIME = "application/vnd.gloact.preview+html"

#: The script that places the first paint (the SVG of :func:`~gloact_lib.views.live_sketch.sketch`) on the page:
#: the view Leaflet's ``fitBounds`` gives the live map on this size (zoom snapped to quarters, 1 to 9), circles and
#: labels sized in screen pixels, labels that would cover one another hidden (the smaller place's), a hovered
#: shape's lines shown as the live map's tooltips (``textContent``).  It takes the first paint away when the live
#: map has drawn.  The page's spinner goes and its cells show at once: they hold only this and the notebook's
#: introduction, written by the server.
_STARTER = """(function () {
  var script = document.currentScript, shell = script.parentElement, host = shell.parentElement;
  var spinner = document.getElementById("loading"), cells = document.getElementById("rendered_cells");
  if (spinner) { spinner.remove(); }
  if (cells) { cells.style.display = ""; }
  host.classList.add("gloact-pre-host");  /* the live dashboard is built under the first paint, at its place */
  var box = shell.querySelector(".gloact-pre"), svg = box.querySelector("svg"), U = UNITS, last = "";
  var fit = box.dataset.fit ? JSON.parse(box.dataset.fit) : null, tip = null;
  var labels = Array.prototype.slice.call(box.querySelectorAll(".gloact-label"));
  var circles = Array.prototype.slice.call(box.querySelectorAll("circle[data-r]"));
  function place() {
    var height = box.dataset.height;
    if (height !== "fill") { box.style.height = height; }
    else {
      var top = box.getBoundingClientRect().top + window.scrollY;
      box.style.height = Math.max(420, Math.floor(window.innerHeight - top - 12)) + "px";
    }
    var W = box.clientWidth, H = box.clientHeight;
    if (!fit || !W || !H || last === W + "x" + H) { return; }
    last = W + "x" + H;
    var bw = (fit[2] - fit[0]) / U, bh = (fit[3] - fit[1]) / U;
    var zoom = Math.log2(Math.min(bw ? W / bw : Infinity, bh ? H / bh : Infinity));
    zoom = Math.round(zoom / 0.0025) * 0.0025;
    zoom = Math.max(1, Math.min(9, isFinite(zoom) ? Math.floor(zoom / 0.25) * 0.25 : 9));
    var k = Math.pow(2, zoom) / U, x0 = (fit[0] + fit[2]) / 2 - W / 2 / k, y0 = (fit[1] + fit[3]) / 2 - H / 2 / k;
    svg.setAttribute("viewBox", [x0, y0, W / k, H / k].join(" "));
    svg.setAttribute("width", W);
    svg.setAttribute("height", H);
    circles.forEach(function (c) { c.setAttribute("r", Number(c.dataset.r) / k); });
    var sizes = labels.map(function (el) { el.style.visibility = ""; return [el.offsetWidth, el.offsetHeight]; });
    labels.forEach(function (el, i) {  /* Leaflet's permanent tooltips: direction "auto", offset [8, 0] */
      var x = (Number(el.dataset.x) - x0) * k, y = (Number(el.dataset.y) - y0) * k, right = x < W / 2;
      el.className = "leaflet-tooltip gloact-label leaflet-tooltip-" + (right ? "right" : "left");
      el.style.left = Math.round(right ? x + 8 : x - sizes[i][0] + 8) + "px";
      el.style.top = Math.round(y - sizes[i][1] / 2) + "px";
    });
    var kept = [];
    labels.slice().sort(function (a, b) { return Number(b.dataset.v) - Number(a.dataset.v); }).forEach(function (el) {
      var r = el.getBoundingClientRect();
      var clash = kept.some(function (q) {
        return r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top;
      });
      if (clash) { el.style.visibility = "hidden"; } else { kept.push(r); }
    });
  }
  function show(ev) {
    var target = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (!target) { if (tip) { tip.remove(); tip = null; } return; }
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "leaflet-tooltip gloact-pre-tip";
      box.appendChild(tip);
    }
    if (tip.source !== target) {
      tip.source = target;
      tip.replaceChildren();
      target.dataset.tip.split("\\n").forEach(function (line, i) {
        var el = document.createElement(i ? "div" : "strong");
        el.textContent = line;
        tip.appendChild(el);
      });
    }
    var r = box.getBoundingClientRect();
    tip.style.left = (ev.clientX - r.left + 14) + "px";
    tip.style.top = (ev.clientY - r.top - 14) + "px";
  }
  box.addEventListener("mousemove", show);
  box.addEventListener("mouseleave", function () { if (tip) { tip.remove(); tip = null; } });
  var observer = new ResizeObserver(place);
  function done() {
    document.removeEventListener("gloact:live-drawn", done);
    observer.disconnect();
    window.removeEventListener("resize", place);
    shell.remove();
    host.classList.remove("gloact-pre-host");
  }
  document.addEventListener("gloact:live-drawn", done);
  place();
  observer.observe(box);
  window.addEventListener("resize", place);
})();""".replace("UNITS", str(UNITS))

#: The first paint's layout: the dashboard's (filters on the left, 300 px; key figures above the map), over the
#: live dashboard, which Voilà's front end builds in the same element (its output, laid at the same top).
_LAYOUT_CSS = """
.gloact-pre-host { position: relative; }
.gloact-pre-host > .jp-OutputArea-output { position: absolute; top: 0; left: 0; right: 0; }
.gloact-preview { position: relative; z-index: 5; background: #fff; }
.gloact-preview .gloact-pre-head { box-sizing: border-box; min-height: 56px; padding: 8px 0 0 2px; }
.gloact-preview .gloact-kpis-compact { line-height: 28px; }  /* as in the widgets' HTML, so nothing moves */
.gloact-preview .gloact-pre-body { display: flex; gap: 4px; }
.gloact-preview .gloact-pre-side { width: 300px; min-width: 300px; box-sizing: border-box; padding: 10px 12px;
  color: #4a5868; font-size: 13px; line-height: 1.4; }
.gloact-preview .gloact-pre-main { flex: 1; min-width: 0; }
.gloact-pre { overflow: hidden; }
.gloact-pre svg.gloact-pre-svg { position: absolute; left: 0; top: 0; display: block; }
.gloact-pre svg path, .gloact-pre svg circle { vector-effect: non-scaling-stroke; stroke-linecap: round;
  stroke-linejoin: round; }
.gloact-pre .gloact-pre-labels { position: absolute; left: 0; top: 0; z-index: 650; pointer-events: none; }
.gloact-pre .gloact-pre-tip { z-index: 700; pointer-events: none; }
.gloact-pre .leaflet-disabled { cursor: default; }
"""


def wanted() -> bool:
    """Whether this kernel's dashboards put a first paint into the page: only the kernels of ``gloact serve``.

    Returns
    -------
    bool
    """
    return os.environ.get(LEAN_KERNEL_ENV) == "1"


@lru_cache(maxsize=1)
def _style() -> str:
    """Leaflet's and the live map's rules for the first paint's own class, the dashboards' stylesheet, the
    layout."""
    return live_css().replace(".gloact-live", ".gloact-pre") + STYLESHEET + _LAYOUT_CSS


def preview_html(live, title_html: str, kpis_html: str, lang: str) -> str:
    """The first paint of a dashboard with a live map, as the HTML the page is given.

    Parameters
    ----------
    live : gloact_lib.views.live_map.LiveMap
        The dashboard's live map, drawn: its traits (:data:`TRAITS`) are what the first paint draws.
    title_html, kpis_html : str
        The dashboard's title and key figures as its HTML widgets hold them (their texts already escaped).
    lang : {"en", "fr"}

    Returns
    -------
    str
        A ``<div class="gloact-preview">`` with its style, the map (:func:`~gloact_lib.views.live_sketch.sketch`)
        and the script that places it.

    Examples
    --------
    >>> from gloact_lib.analysis.flows import Flows
    >>> from gloact_lib.data.database import connect
    >>> from gloact_lib.views.live_map import LiveMap
    >>> page = preview_html(LiveMap(Flows.from_db(connect(":memory:"))), "<h2>Routes</h2>", "", "en")
    >>> page.startswith('<div class="gloact-preview"'), page.count("<script"), "Loading the filters" in page
    (True, 1, True)
    """
    values = {name: getattr(live, name) for name in TRAITS}
    wait = html.escape(t("live_preview_wait", lang))
    return (f'<div class="gloact-preview" lang="{html.escape(lang)}" aria-busy="true"><style>{_style()}</style>'
            f'<div class="gloact-pre-head">{title_html}</div><div class="gloact-pre-body">'
            f'<div class="gloact-pre-side" role="status">{wait}</div>'
            f'<div class="gloact-pre-main"><div class="gloact-kpis-compact">{kpis_html}</div>'
            f'<div class="gloact-pre-map">{sketch(values)}</div></div></div>'
            f"<script>{_STARTER}</script></div>")  # fmt: skip


class FirstPaint:
    """A dashboard whose page carries the first paint of its live map (mixed in before the dashboard's widget class).

    The dashboard provides ``live`` (a drawn :class:`~gloact_lib.views.live_map.LiveMap`), ``title`` and ``kpis``
    (HTML widgets), ``lang`` and ``presenting``.

    A preheated kernel writes the first paint of its dashboard as built before it waits for its visitor
    (:meth:`_before_visitor`): a visitor who asks for that view (the dashboard's address with no parameters, the
    one a room opens) gets the page with no drawing left to do in the kernel.  Any other view is written at the
    visit, from the shapes the kernel has already made.
    """

    def _first_paint(self) -> str:
        """:func:`preview_html` of the dashboard as it is now, written again only when what it draws has changed:
        the live map's traits and the texts (kept by reference: a drawing assigns new values)."""
        drawn = (*(getattr(self.live, name) for name in TRAITS), self.title.value, self.kpis.value, self.lang)
        kept = getattr(self, "_first_paint_kept", None)
        if kept is None or any(a is not b for a, b in zip(kept[0], drawn, strict=True)):
            kept = self._first_paint_kept = (drawn, preview_html(self.live, self.title.value, self.kpis.value,
                                                                 self.lang))  # fmt: skip
        return kept[1]

    def _carries_first_paint(self) -> bool:
        """A kernel of ``gloact serve`` (:func:`wanted`), not in presenter mode."""
        return wanted() and not self.presenting

    def _before_visitor(self) -> None:
        """Write the first paint of the dashboard as built, if its page carries one."""
        super()._before_visitor()
        if self._carries_first_paint():
            self._first_paint()

    def _repr_mimebundle_(self, **kwargs):
        """The widget's bundle, with the page's first paint beside it if it carries one, drawn as the dashboard is
        now."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None and self._carries_first_paint():
            bundle[PREVIEW_MIME] = self._first_paint()
        return bundle
