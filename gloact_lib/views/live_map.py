"""The live route map: a widget whose Leaflet and basemap reach the browser once, and whose data change in place.

:class:`LiveMap` is an :class:`anywidget.AnyWidget`.  Its front end (``live_map.js`` beside this file) is sent
once per viewer with Leaflet bundled into it (from the ``xstatic-leaflet`` package, as
:func:`gloact_lib.views.assets.leaflet_assets` gives it to the folium maps: no CDN, no tiles, no network), and
so is the Natural Earth basemap (:attr:`LiveMap.basemap`, set at construction).  :meth:`LiveMap.show` then sends
only what a selection changes, as compact columns of numbers (:func:`map_payload`): the flows (node indices and
counts), the location totals (in, out, through, domestic), the countries' roles, and the legend's words.  The
front end redraws its layers in place: the map fits the first selection (again while
the page settles), and a later one only if part of it is out of view; once the viewer has moved or zoomed the
map, their view stays.  The first drawing waits until the page has placed the map, so that the basemap and the
layers are projected once, at the zoom they are seen at.  Zoomed out on many flows, the front end groups
countries into their UN M49 sub-regions (:mod:`~gloact_lib.views.live_basemap` sends each country's), in the page alone.

The colours are :mod:`gloact_lib.views.map_style`'s (the same constants as the folium maps of ``build-maps``
and the briefing packs), and so are the bounds the map opens on and the flows that can be drawn.  Every text
the map shows comes from here, already in the viewer's language; the front end puts it into the page with
``textContent`` only, never as HTML.

Clicking a country (or a place's circle: its country) sets :attr:`LiveMap.selected` to its ISO3 code
(clicking the selected country again clears it); the dashboard observes it, and the front end writes
``country=ISO3`` into the page's address (``history.replaceState``) so that the view can be shared.  Clicking a
flow sets :attr:`LiveMap.picked` (its node ids); the dashboard answers with :attr:`LiveMap.series`, the flow's
monthly series, which the front end draws in a box on the map.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import anywidget
import pandas as pd
import traitlets as tr

from gloact_lib.analysis.flows import Flows
from gloact_lib.data.countries import country_name
from gloact_lib.data.regions import subregion_name
from gloact_lib.i18n import t
from gloact_lib.views.assets import SEA, leaflet_assets
from gloact_lib.views.live_basemap import DIGITS, basemap_text
from gloact_lib.views.map_style import ARC, HIDDEN_ARC, NEUTRAL_FILL, ROLE_COLOURS, ROLES
from gloact_lib.views.map_style import drawable as _drawable
from gloact_lib.views.map_style import map_bounds as _bounds
from gloact_lib.views.map_style import subtitle as _subtitle
from gloact_lib.views.map_text import colon, fmt_number

__all__ = ["FLOW_OPACITY", "FLOW_WIDTH", "HIDDEN", "LiveMap", "flow_scale", "map_payload",
           "module_text"]  # fmt: skip

#: A flow's width in pixels: ``FLOW_WIDTH[0] + FLOW_WIDTH[1] * sqrt(count / largest)`` (the folium maps' scale).
FLOW_WIDTH = (1.5, 12.0)
#: A flow's opacity, by the same square-root scale: small flows fade, large ones stand out.
FLOW_OPACITY = (0.15, 0.75)
#: A hidden count (published below the threshold) in the payload's columns of numbers.
HIDDEN = -1

_JS = Path(__file__).with_name("live_map.js")


@lru_cache(maxsize=1)
def module_text() -> str:
    """The widget's ES module: Leaflet (from ``xstatic-leaflet``, run as a script, its ``L`` kept in the module)
    followed by ``live_map.js``.

    Returns
    -------
    str
    """
    _, leaflet = leaflet_assets()
    bundle = ("const L = (function () {\n  const exports = {}, module = {exports: exports}, define = undefined;\n"
              f"{leaflet}\n  return module.exports;\n}}).call(globalThis);\n")  # fmt: skip
    return bundle + _JS.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _css() -> str:
    css, _ = leaflet_assets()
    return css + _LIVE_CSS.replace("SEA_COLOUR", SEA)


_LIVE_CSS = """
.gloact-live { position: relative; width: 100%; background: SEA_COLOUR; }
.gloact-live.leaflet-container { background: SEA_COLOUR; font: 13px/1.35 system-ui, -apple-system, "Segoe UI",
  Roboto, sans-serif; }
.gloact-live .gloact-box { background: rgba(255,255,255,.94); padding: 6px 9px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); color: #222; max-width: 250px; }
.gloact-live .gloact-box h4 { margin: 2px 0 2px; font-size: 14px; }
.gloact-live .gloact-box .sub { color: #444; margin-bottom: 4px; font-size: 12px; }
.gloact-live .gloact-box .row { display: flex; align-items: center; gap: 6px; font-size: 12px; }
.gloact-live .gloact-box .sw { flex: none; width: 14px; height: 11px; border: 1px solid #666; }
.gloact-live .gloact-box .line { flex: none; width: 34px; border-radius: 4px; }
.gloact-live .gloact-box .small { font-size: 11.5px; color: #444; margin-top: 4px; }
.gloact-live .gloact-box button.gloact-toggle { font: inherit; font-size: 12.5px; font-weight: 600;
  background: none; border: 0; padding: 2px 0; cursor: pointer; color: #222; }
.gloact-live .gloact-box.collapsed .body { display: none; }
.gloact-live .gloact-note { background: #fff8e1; border: 1px solid #e0c060; padding: 6px 10px; border-radius: 4px;
  max-width: 420px; }
.gloact-live .gloact-badge { background: #b00020; color: #fff; font-weight: 700; padding: 4px 10px;
  border-radius: 4px; letter-spacing: .04em; }
.gloact-live .gloact-label { background: rgba(255,255,255,.8); border: 0; box-shadow: none; padding: 0 3px;
  font-size: 12px; font-weight: 600; color: #222; }
.gloact-live .gloact-label:before { display: none; }
.gloact-live path.gloact-country, .gloact-live path.gloact-arc, .gloact-live path.gloact-arrow { cursor: pointer; }
.gloact-live .gloact-box.gloact-series { max-width: 320px; width: 320px; }
.gloact-live .gloact-caption { background: rgba(255,255,255,.85); padding: 2px 7px; border-radius: 4px;
  font-size: 12px; color: #333; max-width: 360px; }
.gloact-live .gloact-series-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 8px; }
.gloact-live .gloact-series-head button.gloact-toggle { font-size: 18px; line-height: 1; padding: 0 2px; }
.gloact-live .gloact-series svg { display: block; margin: 4px 0; }
.gloact-live .gloact-series svg text { fill: #333; }
.gloact-live .leaflet-control-scale-line { font-size: 11px; overflow: visible; }
.gloact-live .leaflet-right .leaflet-control-scale { margin-right: 16px; }
"""


def _thousands(lang: str) -> str:
    """The thousands separator the front end writes counts with (as :func:`~gloact_lib.views.map_text.fmt_number`)."""
    return "\u202f" if lang == "fr" else ","


def _count(value, suppressed) -> int:
    """A published count for the payload: an int, or :data:`HIDDEN`."""
    return HIDDEN if suppressed or pd.isna(value) else int(value)


def _nice(value: float) -> int:
    """``value`` rounded down to one significant digit (1,737,995 -> 1,000,000), at least 1."""
    if value < 1:
        return 1
    step = 10 ** math.floor(math.log10(value))
    return int(value // step * step)


def flow_scale(top: int, lang: str = "en") -> list[list]:
    """Three reference counts for the legend, largest first, as ``[count, text]``: each a round number, about
    the largest flow, a quarter of it and a twenty-fifth (widths of about 1, 1/2 and 1/5 of the scale)."""
    counts = list(dict.fromkeys(_nice(top / k) for k in (1, 4, 25)))
    return [[n, fmt_number(n, lang)] for n in counts]


def map_payload(flows: Flows, lang: str = "en", hint: str | None = None) -> dict:
    """What a selection changes on the live map, as compact columns (see :class:`LiveMap`).

    Parameters
    ----------
    flows : Flows
        Published flows (:meth:`gloact_lib.analysis.flows.Flows.from_db`).
    lang : {"en", "fr"}, default "en"
    hint : str, optional
        What to choose instead of an empty selection, shown on the map.

    Returns
    -------
    dict
        ``nodes``, ``flows``, ``roles`` and ``legend``: the values of the widget's traits of those names.
        Counts are ints, :data:`HIDDEN` for a hidden count, or None where there is none.
    """
    # smallest first (drawn under the larger); ties in a fixed order, not the order the database returned the rows
    # in (which varies between runs): every viewer's map lists a region's places and largest flows alike
    drawn = _drawable(flows, None).sort_values(["persons", "source", "target"], na_position="first", kind="stable")
    used = list(dict.fromkeys([*drawn["source"], *drawn["target"]]))
    hubs = flows.hubs.set_index("node") if not flows.hubs.empty else None
    roles: dict[str, dict[str, int | None]] = {}
    for r in flows.roles.itertuples(index=False):
        roles.setdefault(r.iso3, {})[r.role] = _count(r.persons, r.suppressed)
    home = {r.iso3: _count(r.persons, r.suppressed) for r in flows.domestic.itertuples(index=False)}
    used += [c for c in home if c not in used and c in flows.nodes and flows.nodes[c].lon is not None]
    index = {n: i for i, n in enumerate(used)}
    node = {k: [] for k in ("id", "iso3", "name", "label", "lon", "lat", "in", "out", "through", "domestic", "hidden")}
    for n in used:
        p = flows.nodes[n]
        hub = hubs.loc[n] if hubs is not None and n in hubs.index else None
        mine = roles.get(n, {}) if not p.is_place else {}
        name = f"{p.name(lang)} ({country_name(p.country, lang)})" if p.is_place else p.name(lang)
        node["id"].append(n)
        node["iso3"].append(p.country)
        node["name"].append(name)
        node["label"].append(p.name(lang).split(" (")[0] if p.is_place or p.is_region else "")
        node["lon"].append(round(p.lon, DIGITS))
        node["lat"].append(round(p.lat, DIGITS))
        node["in"].append(int(hub["inflow"]) if hub is not None else 0)
        node["out"].append(int(hub["outflow"]) if hub is not None else 0)
        node["through"].append(mine.get("transit"))
        node["domestic"].append(home.get(n))
        node["hidden"].append(int(bool(hub["hidden"])) if hub is not None else 0)
    node["bounds"] = [[round(v, DIGITS) for v in corner] for corner in _bounds(flows)]
    counts = [_count(n, s) for n, s in zip(drawn["persons"], drawn["suppressed"], strict=True)]
    lines = {"s": [index[s] for s in drawn["source"]], "t": [index[x] for x in drawn["target"]], "n": counts}
    country = {k: [] for k in ("iso3", "name", "fill", "multi", *ROLES)}
    for iso3, mine in sorted(roles.items()):
        dominant = max(mine, key=lambda k: (max(mine[k], 0), k == "destination"))  # as the folium maps choose
        country["iso3"].append(iso3)
        country["name"].append(country_name(iso3, lang))
        country["fill"].append(ROLES.index(dominant))
        country["multi"].append(int(len(mine) > 1))
        for role in ROLES:
            country[role].append(mine.get(role))
    return {"nodes": node, "flows": lines, "roles": country, "legend": _legend(flows, lang, counts, hint)}


def _legend(flows: Flows, lang: str, counts: list, hint: str | None) -> dict:
    """The legend's model and every word the front end shows (see ``live_map.js``)."""
    unit = t(flows.selection.unit, lang)
    top = max([c for c in counts if c is not None and c > 0], default=1)
    notes = [hint] if hint else []
    if flows.empty and not hint:
        notes.append(t("no_data", lang))
    if flows.unmapped:
        names = [flows.nodes[n].name(lang) if n in flows.nodes else n for n in flows.unmapped]
        shown = ", ".join(names[:8]) + (t("and_more", lang, n=len(names) - 8) if len(names) > 8 else "")
        notes.append(t("unmapped", lang, names=shown))
    roles = [[t(r, lang), ROLE_COLOURS[r]] for r in ROLES if r != "domestic" or not flows.domestic.empty]
    words = {w: t(k, lang) for w, k in (("in", "inflow"), ("out", "outflow"), ("through", "through"),
                                        ("domestic", "domestic"), ("some_hidden", "some_hidden"),
                                        ("legend", "legend"), ("hide", "live_hide_legend"),
                                        ("click", "live_click_hint"), ("zoom_in", "zoom_in"),
                                        ("zoom_out", "zoom_out"), ("map", "live_map_label"),
                                        ("within", "live_within"), ("grouped", "live_grouped"),
                                        ("largest", "live_largest"), ("click_flow", "live_click_flow"),
                                        ("click_region", "live_click_region"))}  # fmt: skip
    words.update(unit=unit, hidden=t("hidden", lang, n=flows.selection.threshold),
                 sep=_thousands(lang), colon=colon(lang))
    return {
        "title": t("title", lang), "subtitle": _subtitle(flows, lang), "roles": roles,
        "role_names": [t(r, lang) for r in ROLES],
        "several": t("several_roles", lang), "width_title": t("arc_width", lang, unit=unit),
        "circle_title": t("live_circle_size", lang, unit=unit), "hidden_title": words["hidden"],
        "scale": flow_scale(top, lang), "top": top, "width": list(FLOW_WIDTH), "opacity": list(FLOW_OPACITY),
        "colours": {"arc": ARC, "hidden": HIDDEN_ARC, "neutral": NEUTRAL_FILL, "domestic": ROLE_COLOURS["domestic"],
                    "roles": [ROLE_COLOURS[r] for r in ROLES]},
        "notes": notes, "badge": t("illustrative_badge", lang) if flows.summary["illustrative"] else "",
        "words": words,
    }  # fmt: skip


def series_payload(series: pd.DataFrame, title: str, unit: str, sources: list[str], threshold: int,
                   lang: str = "en") -> dict:  # fmt: skip
    """A clicked flow's monthly series for the map's chart box (see :class:`LiveMap`, ``series``).

    Parameters
    ----------
    series : DataFrame
        Published monthly counts: ``month``, ``persons`` (``<NA>`` where hidden), ``suppressed``
        (:func:`gloact_lib.analysis.flow_series.published_flow_monthly`).
    title : str
        The flow, "Niger → Libya".
    unit : str
        The unit's words, in ``lang``.
    sources : list of str
        The sources' names for readers, in ``lang``.
    threshold : int
        The disclosure threshold (a hidden month is "fewer than ``threshold``").
    lang : {"en", "fr"}, default "en"

    Returns
    -------
    dict
        ``title``, ``subtitle``, ``months`` ("2016-03"), ``values`` (ints, :data:`HIDDEN` for a hidden month),
        ``total`` (the published months' total, in words), ``peak`` (the largest month, in words),
        ``source`` and ``words`` (close button, hidden month, no data).
    """
    months = [f"{m:%Y-%m}" for m in pd.to_datetime(series["month"])] if len(series) else []
    values = [_count(v, h) for v, h in zip(series["persons"], series["suppressed"], strict=True)] if months else []
    shown = [v for v in values if v >= 0]
    peak = max(range(len(values)), key=lambda i: values[i]) if shown else None
    return {
        "title": title,
        "subtitle": t("live_series_sub", lang, unit=unit),
        "months": months,
        "values": values,
        "total": t("live_series_total", lang, n=fmt_number(sum(shown), lang), unit=unit,
                   first=months[0], last=months[-1]) if shown else t("no_data", lang),  # fmt: skip
        "peak": t("live_series_peak", lang, n=fmt_number(values[peak], lang), month=months[peak]) if shown else "",
        "source": f"{t('sources', lang)}{colon(lang)}{'; '.join(sources)}" if sources else "",
        "words": {"close": t("live_series_close", lang), "hidden": t("hidden", lang, n=threshold),
                  "sep": _thousands(lang)},
    }  # fmt: skip


class LiveMap(anywidget.AnyWidget):
    """The route map as a live widget: Leaflet and the basemap sent once, each selection's data sent alone.

    Parameters
    ----------
    flows : Flows, optional
        The first selection to draw (:meth:`show`).
    lang : {"en", "fr"}, default "en"
    height : str, default "640px"
        CSS height of the map, or ``"fill"``: down to the bottom of the window from wherever the map starts
        (at least 420 px), so that the whole map shows without scrolling.
    **kwargs
        Passed to :class:`anywidget.AnyWidget`.

    Attributes
    ----------
    basemap : str
        The basemap the front end draws (:func:`~gloact_lib.views.live_basemap.basemap_text`, set at construction).
    countries : tuple of str
        The basemap's countries (ISO3), in its order.
    nodes, flows, roles, legend : dict
        What the front end draws of one selection (:func:`map_payload`).
    names : dict
        Country names in ``lang`` by ISO3 (sent again only when the language changes).
    selected : str
        The country clicked on the map (ISO3), or "" for none; set it to outline a country.
    picked : dict
        The flow clicked on the map: ``{"s": [node ids], "t": [node ids], "region": bool}`` (several ids when the
        map groups countries into regions), or {} for none.  The dashboard answers with ``series``.
    series : dict
        The picked flow's monthly series (:func:`series_payload`), drawn in a box on the map; {} for none.
    region_names : list of str
        The M49 sub-regions' names in ``lang``, in the order of the basemap's ``regions``.

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> live = LiveMap(Flows.from_db(connect(":memory:")), lang="fr")
    >>> live.legend["words"]["sep"] == "\\u202f", len(live.countries) > 200
    (True, True)
    """

    _esm = tr.Unicode().tag(sync=True)
    _css = tr.Unicode().tag(sync=True)
    basemap = tr.Unicode().tag(sync=True)
    nodes = tr.Dict().tag(sync=True)
    flows = tr.Dict().tag(sync=True)
    roles = tr.Dict().tag(sync=True)
    legend = tr.Dict().tag(sync=True)
    names = tr.Dict().tag(sync=True)
    lang = tr.Unicode("en").tag(sync=True)
    height = tr.Unicode("640px").tag(sync=True)
    selected = tr.Unicode("").tag(sync=True)
    picked = tr.Dict().tag(sync=True)
    series = tr.Dict().tag(sync=True)
    region_names = tr.List().tag(sync=True)

    def __init__(self, flows: Flows | None = None, lang: str = "en", height: str = "640px", **kwargs):
        base = basemap_text()
        super().__init__(_esm=module_text(), _css=_css(), basemap=base.text, height=height, lang=lang, **kwargs)
        self.countries, self._regions = base.iso3, base.regions
        self.add_class("gloact-live-map")
        if flows is not None:
            self.show(flows, lang)

    def show(self, flows: Flows, lang: str | None = None, hint: str | None = None) -> None:
        """Draw a selection: one message with what changed (unchanged traits are not sent again).

        Parameters
        ----------
        flows : Flows
        lang : {"en", "fr"}, optional
            Default: the current language.
        hint : str, optional
            What to choose instead of an empty selection.
        """
        lang = lang or self.lang
        payload = map_payload(flows, lang, hint)
        with self.hold_sync():
            if lang != self.lang or not self.names:
                self.names = {c: country_name(c, lang) for c in self.countries}
                self.region_names = [subregion_name(r, lang) for r in self._regions]
            self.picked, self.series = {}, {}  # a new selection: the series of the flow clicked before is gone
            self.lang = lang
            self.nodes, self.flows, self.roles = payload["nodes"], payload["flows"], payload["roles"]
            self.legend = payload["legend"]

    def texts(self) -> list[str]:
        """Every text the map can show for the current data (legend, notes, tooltips' names and words), to check
        its language."""
        g = self.legend
        if not g:
            return []
        out = [g["title"], g["subtitle"], g["several"], g["width_title"], g["circle_title"], g["hidden_title"],
               g["badge"], *g["notes"], *g["role_names"], *(text for _, text in g["scale"])]
        out += [v for k, v in g["words"].items() if k not in ("sep", "colon")]
        out += self.nodes.get("name", []) + self.nodes.get("label", []) + self.roles.get("name", [])
        out += list(self.region_names)
        if self.series:
            x = self.series
            out += [x["title"], x["subtitle"], x["total"], x["peak"], x["source"], x["words"]["close"],
                    x["words"]["hidden"]]  # fmt: skip
        return [x for x in out if x and x.strip()]
