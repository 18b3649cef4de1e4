"""The page's first paint: the live map drawn from the dashboard page's own HTML, before the widgets connect.

A Voilà page shows nothing of a dashboard until its front end (about 100 files, 5 MB of JavaScript) has loaded,
connected to the kernel and built the widgets: 1.5-2 s alone on this machine, most of a minute for a room of 20
viewers on its 2 cores (``benchmarks/README.md``, sections 5 and 11), longer over a conference's Wi-Fi.  A served
dashboard therefore puts into the page itself (:func:`preview_html`, given to the page as the output's
:data:`PREVIEW_MIME`; the workbook's Voilà template writes it where the dashboard will be) the same map the live
widget will draw: ``live_map.js``'s own drawing, run at once by a small script on the same data (the live map's
traits as they are when the page is sent), with the dashboard's title and key figures above it.  Hovering shows
the same tooltips; clicks do nothing yet, and a line says the filters are loading.  When the live map has drawn
(its ``gloact:live-drawn`` event), the first paint is taken away: it lies over the place where the live dashboard
is built, so the page does not jump.

Only :func:`gloact_lib.app.serve.serve`'s kernels add it (:func:`wanted`): in JupyterLab the widgets are there at
once, and a notebook saved there should not carry a copy of the map.  Presenter mode has none (its slides are
another layout).

Every text in it is the dashboard's own, already escaped for HTML where the widgets take HTML (title, key
figures), and otherwise data read by ``live_map.js`` into ``textContent``; the data travel as JSON inside a
``<script type="application/json">`` element, with ``<``, ``>`` and ``&`` written as JSON escapes so that no text
can close it (:func:`script_json`).
"""

from __future__ import annotations

import html
import json
import os
from functools import lru_cache

from gloact_lib._lean import LEAN_KERNEL_ENV
from gloact_lib.i18n import t
from gloact_lib.views.assets import STYLESHEET
from gloact_lib.views.live_map import _css as live_css
from gloact_lib.views.live_map import module_text

__all__ = ["PREVIEW_MIME", "FirstPaint", "preview_html", "script_json", "wanted"]

#: The mimetype of the first paint in a displayed dashboard's bundle (read by the workbook's Voilà template,
#: ``gloact_lib/app/share/jupyter/voila/templates/gloact/index.html.j2``, and taken out of the output it sends on).
PREVIEW_MIME = "application/vnd.gloact.preview+html"

#: The live map's traits the first paint draws from (``live_map.js`` reads them with ``model.get``).
TRAITS = ("basemap", "nodes", "flows", "roles", "legend", "names", "lang", "height", "selected", "series",
          "region_names")  # fmt: skip

#: The script that draws the first paint (``RENDER`` is ``live_map.js``'s ``render``), then takes it away when the
#: live map has drawn.  The page's spinner goes and its cells show at once: they hold only this and the
#: notebook's introduction, written by the server.
_STARTER = """(function () {
  var script = document.currentScript, shell = script.parentElement, host = shell.parentElement;
  var spinner = document.getElementById("loading"), cells = document.getElementById("rendered_cells");
  if (spinner) { spinner.remove(); }
  if (cells) { cells.style.display = ""; }
  host.classList.add("gloact-pre-host");  /* the live dashboard is built under the first paint, at its place */
  var values = JSON.parse(shell.querySelector("script.gloact-pre-model").textContent);
  values.preview = true;
  var model = { get: function (k) { return values[k]; }, set: function () {}, save_changes: function () {},
                on: function () {}, off: function () {} };
  var dispose = null;
  function done() {
    document.removeEventListener("gloact:live-drawn", done);
    try { if (dispose) { dispose(); } } catch (err) { /* the first paint goes anyway */ }
    shell.remove();
    host.classList.remove("gloact-pre-host");
  }
  document.addEventListener("gloact:live-drawn", done);
  try { dispose = (RENDER)({ model: model, el: shell.querySelector(".gloact-pre-map") }); }
  catch (err) { shell.querySelector(".gloact-pre-map").remove(); }  /* the title and figures still show */
})();"""

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
"""


def wanted() -> bool:
    """Whether this kernel's dashboards put a first paint into the page: only the kernels of ``gloact serve``.

    Returns
    -------
    bool
    """
    return os.environ.get(LEAN_KERNEL_ENV) == "1"


def script_json(value) -> str:
    """``value`` as JSON that can sit inside a ``<script>`` element of an HTML page.

    Examples
    --------
    >>> text = script_json({"name": "</script><script>alert(1)</script> & <!--"})
    >>> "<" in text or ">" in text or "&" in text, json.loads(text)["name"][:9]
    (False, '</script>')
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=1)
def _drawing_script() -> str:
    """The starter with ``live_map.js``'s ``render`` (and Leaflet) in it, as one classic script: it runs while the
    page is read, before Voilà's own scripts."""
    module = module_text()
    end = "export default { render };"
    if not module.rstrip().endswith(end) or "</script" in module.lower():
        raise RuntimeError("live_map.js must end with 'export default { render };' and hold no '</script'")
    drawing = "(function () {\n" + module.rstrip()[: -len(end)] + "\nreturn render;\n})()"
    return _STARTER.replace("(RENDER)", drawing)


@lru_cache(maxsize=1)
def _style() -> str:
    """The live map's rules for the first paint's own class, the dashboards' stylesheet, the layout."""
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
        A ``<div class="gloact-preview">`` with its style, the map's data (:func:`script_json`) and the script
        that draws it.

    Examples
    --------
    >>> from gloact_lib.analysis.flows import Flows
    >>> from gloact_lib.data.database import connect
    >>> from gloact_lib.views.live_map import LiveMap
    >>> page = preview_html(LiveMap(Flows.from_db(connect(":memory:"))), "<h2>Routes</h2>", "", "en")
    >>> page.startswith('<div class="gloact-preview"'), page.count("<script"), "Loading the filters" in page
    (True, 2, True)
    """
    values = {name: getattr(live, name) for name in TRAITS}
    wait = html.escape(t("live_preview_wait", lang))
    return (f'<div class="gloact-preview" lang="{html.escape(lang)}" aria-busy="true"><style>{_style()}</style>'
            f'<div class="gloact-pre-head">{title_html}</div><div class="gloact-pre-body">'
            f'<div class="gloact-pre-side" role="status">{wait}</div>'
            f'<div class="gloact-pre-main"><div class="gloact-kpis-compact">{kpis_html}</div>'
            f'<div class="gloact-pre-map"></div></div></div>'
            f'<script type="application/json" class="gloact-pre-model">{script_json(values)}</script>'
            f"<script>{_drawing_script()}</script></div>")  # fmt: skip


class FirstPaint:
    """A dashboard whose page carries the first paint of its live map (mixed in before the dashboard's widget class).

    The dashboard provides ``live`` (a drawn :class:`~gloact_lib.views.live_map.LiveMap`), ``title`` and ``kpis``
    (HTML widgets), ``lang`` and ``presenting``.
    """

    def _repr_mimebundle_(self, **kwargs):
        """The widget's bundle; in a kernel of ``gloact serve`` (:func:`wanted`), with the page's first paint beside
        it, drawn as the dashboard is now (presenter mode: none)."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None and wanted() and not self.presenting:
            bundle[PREVIEW_MIME] = preview_html(self.live, self.title.value, self.kpis.value, self.lang)
        return bundle
