"""The routes dashboard: the route map with filters, key figures, top routes, a monthly trend, sources.

It opens on real data where there is some (:func:`gloact_lib.analysis.profiles.first_view`: the Frontex
detections), the illustrative sample behind the Data switch and labelled wherever it shows; an empty
selection says what to choose instead.

The page's map is the live map (:class:`gloact_lib.views.live_map.LiveMap`): a filter change sends only the data
that changed and the map redraws in place, keeping the viewer's zoom; clicking a country sets the Country filter
(and the page's address), clicking a flow shows its monthly series on the map, and the play button steps through
the years or the months.  Presenter mode shows the folium map as a slide.  Served by ``gloact serve``, its page
carries a first paint of the same map, shown before the widgets connect (:mod:`gloact_lib.views.live_preview`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re

import ipywidgets as w
from traitlets import Instance, observe

from gloact_lib.analysis.disclosure import publish
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.analysis.profiles import first_view, journey_count, journey_countries, journey_years, real_data
from gloact_lib.analysis.selection import SCOPES
from gloact_lib.analysis.shared_cache import shared_flows, shared_monthly, shared_od_pairs
from gloact_lib.dashboards.base import Panel, url_country
from gloact_lib.dashboards.deck import Deck, map_slide
from gloact_lib.dashboards.player import Player
from gloact_lib.data.countries import country_name, name_key
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.i18n import t
from gloact_lib.views.html import illustrative_badge, key_figure_cards, notes, page_title, table, trend_chart
from gloact_lib.views.live_map import LiveMap
from gloact_lib.views.live_preview import FirstPaint
from gloact_lib.views.map_text import colon, fmt_number, key_figures, off_map_lines, pair_names

__all__ = ["RoutesDashboard"]


class RoutesDashboard(FirstPaint, Panel):
    """The route map with filters, key figures, top routes, a monthly trend, sources and caveats.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
        Default: the workbook database, read-only.
    lang : {"en", "fr"}, default "en"
    selection : Selection, optional
        The starting filters (default: real data first, :func:`~gloact_lib.analysis.profiles.first_view`).
    present : bool, default False
        Presenter mode.

    Examples
    --------
    >>> from gloact_lib.data.database import build_db  # doctest: +SKIP
    >>> RoutesDashboard(lang="fr")  # doctest: +SKIP
    """

    selection = Instance(Selection)

    URL_PARAMETERS = ("country", "role", "unit", "data", "scope")

    def __init__(self, con=None, lang: str = "en", selection: Selection | None = None, present: bool = False,
                 **kwargs):  # fmt: skip
        self._initial = selection
        super().__init__(con, lang, present, **kwargs)

    def _layout(self, lang: str):
        first, last = journey_years(self.con)
        self._countries = journey_countries(self.con)
        self.unit = w.ToggleButtons()
        self.data = w.Dropdown()
        self.period = w.IntRangeSlider(min=first, max=last, value=(first, last), continuous_update=False)
        self.crime = w.Dropdown()
        self.country = w.Dropdown()
        self.role = w.Dropdown()
        self.sex = w.Dropdown()
        self.age = w.Dropdown()
        self.route = w.Dropdown()
        self.scope = w.Dropdown()
        self._controls = (self.unit, self.data, self.period, self.crime, self.scope, self.country, self.role, self.sex,
                          self.age, self.route)  # fmt: skip
        self.title = w.HTML()
        self.kpis = w.HTML()
        self.kpis.add_class("gloact-kpis-compact")
        self.map = w.HTML(layout=w.Layout(width="100%"))  # presenter mode: the folium map, a slide
        self.live = LiveMap(lang=lang, height="fill")  # the page: the live map, redrawn in place
        self.live.observe(self._map_selected, names="selected")
        self.live.observe(self._flow_picked, names="picked")
        self._month: tuple[int, int] | None = None  # the month the play button shows, when it steps by months
        self.player = Player(first, last, self._play_step, lang)
        self.table = w.HTML(layout=w.Layout(width="44%"))
        self.chart = w.HTML(layout=w.Layout(width="54%"))
        self.notes = w.HTML()
        self._relabel(lang)
        unit, data = first_view(self.con)  # real data first: the sample is behind the Data switch
        for control, value in ((self.unit, unit), (self.data, data), (self.crime, ""), (self.scope, ""),
                               (self.country, ""), (self.role, ""), (self.sex, ""), (self.age, ""),
                               (self.route, "")):  # fmt: skip
            control.value = value
        for control in self._controls:
            control.observe(self._filters_changed, names="value")
        filters = w.VBox([*self._controls[:3], *self.player.rows, *self._controls[3:]],
                         layout=w.Layout(width="300px", min_width="300px"))  # fmt: skip
        filters.add_class("gloact-filters")
        panels = [self.kpis, self.live, self.map, w.HBox([self.table, self.chart]), self.notes]
        slides = [self.kpis, self.map, self.table, self.chart, self.notes]  # presenter mode: table and chart apart
        return [self.title], [w.HBox([filters, w.VBox(panels, layout=w.Layout(flex="1"))])], slides

    def _start(self) -> None:
        if self._initial is not None:
            self._show(self._initial)
            self.selection = self._initial
        else:
            self._filters_changed()

    def _show(self, s: Selection) -> None:
        """Set the controls to a given selection where they can show it (each control holds one value)."""
        with self._quietly():
            self.unit.value, self.data.value = s.unit, s.data
            for control, values in ((self.crime, s.crime), (self.sex, s.sex), (self.age, s.age_group),
                                    (self.route, s.route), (self.scope, s.scope)):  # fmt: skip
                if len(values) == 1 and values[0] in dict(control.options).values():
                    control.value = values[0]
            if s.start is not None or s.end is not None:
                first, last = self.period.value
                self.period.value = (s.start.year if s.start else first, s.end.year if s.end else last)

    def _apply_parameters(self, params: dict[str, str]) -> None:
        if params.get("unit") in ("persons", "detections"):
            self.unit.value = params["unit"]
            self.data.value = real_data(self.con, params["unit"])  # real where there is some, unless asked
        if params.get("data") in ("all", "real", "illustrative"):
            self.data.value = params["data"]
        if url_country(params.get("country", "")) in self._countries:  # a code or a name (EN/FR)
            self.country.value = url_country(params["country"])
        if params.get("role") in ("origin", "transit", "destination", "domestic"):
            self.role.value = params["role"]
        if params.get("scope") in SCOPES:
            self.scope.value = params["scope"]
        for name, widget in (("crime", self.crime), ("sex", self.sex), ("age", self.age), ("route", self.route)):
            if params.get(name) and params[name] in [value for _, value in widget.options]:
                widget.value = params[name]
        years = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", params.get("period", ""))  # period=2016-2020 or 2019
        if years:
            first = min(max(int(years[1]), self.period.min), self.period.max)
            last = min(max(int(years[2] or years[1]), first), self.period.max)
            self.period.value = (first, last)

    def _settle(self) -> None:
        self._filters_changed()  # redraws only when the filters changed

    # -- labels ---------------------------------------------------------------
    def _relabel(self, lang: str) -> None:
        saved = {c: c.value for c in self._controls if c.value is not None and c is not self.period}

        def opts(values):
            return [(t(v, lang) if v else t("all", lang), v) for v in values]

        self.unit.options = [(t("persons", lang), "persons"), (t("detections", lang), "detections")]
        self.unit.description = t("measure", lang)
        self.data.options = [(t("data_all", lang), "all"), (t("data_real", lang), "real"),
                             (t("data_illustrative", lang), "illustrative")]  # fmt: skip
        self.data.description = t("data", lang)
        self.period.description = t("period", lang)
        self.crime.options = opts(["", "trafficking", "smuggling"])
        self.crime.description = t("crime", lang)
        self.scope.options = [(t(f"scope_{v or 'all'}", lang), v) for v in ("", *SCOPES)]
        self.scope.description = t("scope", lang)
        self.country.options = [(t("all", lang), "")] + sorted(
            ((country_name(c, lang), c) for c in self._countries), key=lambda o: name_key(o[0])
        )
        self.country.description = t("country", lang)
        roles = ("origin", "transit", "destination", "domestic")
        self.role.options = [(t("any_role", lang), "")] + [(t(r, lang), r) for r in roles]
        self.role.description = t("role", lang)
        self.sex.options = opts(["", "female", "male", "other", "unknown"])
        self.sex.description = t("sex", lang)
        self.age.options = opts(["", "child", "adult", "unknown"])
        self.age.description = t("age_group", lang)
        self.route.options = [(t("all", lang), "")] + [
            (r.name_fr if lang == "fr" else r.name, r.name) for r in FRONTEX_ROUTES.values()
        ]
        self.route.description = t("route", lang)
        self.player.relabel(lang)
        for control in self._controls:  # "Route Frontex" in full, and the period's read-out whole (the stylesheet)
            control.style = {"description_width": "104px"}
            control.layout = w.Layout(width="295px")
        self.unit.style = {"description_width": "104px", "button_width": "88px"}
        for control, value in saved.items():
            control.value = value

    # -- selection ------------------------------------------------------------
    def _filters_changed(self, change=None) -> None:
        if self._updating:
            return
        # The role "domestic" and the Journeys filter must agree: the control changed last wins, and the
        # other follows (its own change then builds the selection).
        owner = getattr(change, "owner", None) if change is not None else None
        if owner is self.period:  # the viewer chose years: no month of the play button any more
            self._month = None
        if owner is self.role and self.role.value == "domestic" and self.scope.value not in ("", "domestic"):
            self.scope.value = "domestic"
            return
        if owner is self.scope and self.scope.value not in ("", "domestic") and self.role.value == "domestic":
            self.role.value = ""
            return
        try:
            first, last = self.period.value
            whole = (first, last) == (self.period.min, self.period.max)  # then journeys with no date count too
            start, end = (None, None) if whole else (dt.date(first, 1, 1), dt.date(last, 12, 31))
            if self._month is not None and self._month[0] == first == last:  # the play button's month
                year, month = self._month
                start, end = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
            role = self.role.value
            country = (self.country.value,) if self.country.value else ()
            scope = ("domestic",) if role == "domestic" else (self.scope.value or ())
            self.selection = Selection(
                start=start, end=end,
                unit=self.unit.value, data=self.data.value, scope=scope,
                crime=self.crime.value or (), sex=self.sex.value or (), age_group=self.age.value or (),
                route=self.route.value or (),
                country=country if not role else (),
                origin=country if role in ("origin", "domestic") else (),
                transit=country if role == "transit" else (),
                destination=country if role == "destination" else (),
            )  # fmt: skip
        except Exception as exc:
            self._fail(exc)

    @observe("selection")
    def _selection_changed(self, change) -> None:
        self._redraw()

    def _map_selected(self, change) -> None:
        """A country clicked on the live map: the Country filter follows, and with it the figures."""
        iso3 = change["new"]
        if iso3 == self.country.value or self._updating:
            return
        if iso3 == "" or iso3 in self._countries:
            self.country.value = iso3
        else:  # a country no journey concerns: nothing to select
            self.live.selected = self.country.value

    def _play_step(self, year: int, month: int | None) -> None:
        """The play button's step: the period is that year, or that month (the map and the key figures follow)."""
        if self._updating:
            return
        self._month = None if month is None else (year, month)
        with self._quietly():
            self.period.value = (year, year)
        self._filters_changed()

    def _flow_picked(self, change) -> None:
        """A flow clicked on the live map: its monthly series, drawn in a box on the map."""
        picked = change["new"] or {}
        try:
            self.live.series = self._series(picked) if picked.get("s") and picked.get("t") else {}
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _series(self, picked: dict) -> dict:
        """The monthly series of the flow ``picked`` (node ids of the current flows; anything else is ignored)."""
        from gloact_lib.analysis.flow_series import published_flow_monthly
        from gloact_lib.data.regions import subregion, subregion_name
        from gloact_lib.views.live_map import series_payload
        from gloact_lib.views.sources import sources_text

        flows, s, lang = self._flows, self.selection, self.lang
        ends = [[x for x in picked[k] if isinstance(x, str) and x in flows.nodes] for k in ("s", "t")]
        if not all(ends):
            return {}

        def name(ids: list[str]) -> str:
            region = subregion(flows.nodes[ids[0]].country) if picked.get("region") else None
            return subregion_name(region, lang) if region else flows.nodes[ids[0]].name(lang)

        a, b = name(ends[0]), name(ends[1])
        title = t("live_series_regions", lang, a=a, b=b) if picked.get("region") else f"{a} → {b}"
        level = "country" if s.unit == "detections" else "place"
        series = published_flow_monthly(self.con, s, ends[0], ends[1], level)
        return series_payload(series, title, t(s.unit, lang), sources_text(flows.summary["sources"], lang),
                              s.threshold, lang)

    def _present(self) -> None:
        super()._present()
        self.live.layout.display = "none"  # a slide shows the folium map, sized for the projector

    # -- drawing ---------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute flows for the current selection and redraw every panel."""
        lang, s = self.lang, self.selection
        try:
            level = "country" if s.unit == "detections" else "place"
            # computed once for every viewer of the same view and data (gloact_lib.analysis.shared_cache)
            flows = self._flows = shared_flows(self.con, s, level)
            sample = flows.summary["illustrative"]
            hint = self._hint(s) if flows.empty else None
            self.title.value = page_title(t("dashboard_title", lang), lang, sample)
            self.kpis.value = self._kpis(flows, hint)
            if self.presenting:  # folium: loaded by presenter mode only
                from gloact_lib.views.map_elements import MapBox
                from gloact_lib.views.route_map import route_map

                m = route_map(flows, lang=lang, compact=True)
                if hint:
                    MapBox(html.escape(hint), "topleft", "gloact-note").add_to(m)
                self.map.value = map_slide(m, t("title", lang), flows.summary["sources"], lang)
            else:  # only what changed is sent; the viewer's zoom stays
                self.live.show(flows, lang, hint)
                self.live.selected = self.country.value
            cite = notes([], lang, sources=flows.summary["sources"]) if not flows.empty else ""  # every figure's source
            self.table.value = self._top_routes(s, hint, sample) + cite
            series = shared_monthly(self.con, s)
            self.chart.value = self._chart(series, hint) + cite
            self.notes.value = self._notes(flows)
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _kpis(self, flows: Flows, hint: str | None) -> str:
        """Key figures; above them what to choose when the selection is empty, below them the sample's badge
        or, for Frontex detections, how their transit countries were assigned."""
        lang, e = self.lang, html.escape
        top = (f"<div class='gloact-nodata' role='status' style='font-size:1.15em;font-weight:600;color:#7a2b1f;"
               f"margin:4px 0'>{e(hint)}</div>") if hint else ""  # fmt: skip
        lines = []
        if flows.summary["illustrative"]:
            lines.append(f"{illustrative_badge(lang)} {e(t('caveat_illustrative', lang))}")
        if flows.selection.unit == "detections" and not flows.empty:
            lines.append(e(t("caveat_transit_routes", lang)))
        below = f"<div class='gloact-notes'>{'<br>'.join(lines)}</div>" if lines else ""
        return top + key_figure_cards(key_figures(flows, lang)) + below

    def _chart(self, series, hint: str | None) -> str:
        """The monthly trend, or what to choose when there is none."""
        if not series.empty:
            return trend_chart(publish(series, **self.selection.disclosure), self.lang)
        said = hint or t("no_data", self.lang)
        return f"<h4>{html.escape(t('trend', self.lang))}</h4><p>{html.escape(said)}</p>"

    def _hint(self, s: Selection) -> str:
        """What to choose instead of an empty selection: the first single filter that, widened, shows data."""
        lang = self.lang

        def choice(control, value) -> str:
            return f"{control.description}{colon(lang)}{dict((v, k) for k, v in control.options)[value]}"

        other = "detections" if s.unit == "persons" else "persons"
        if s.unit == "persons" and s.data == "real" and journey_count(self.con, s.replace(unit=other)):
            if not journey_count(self.con, Selection(unit="persons", data="real")):
                return t("no_real_persons", lang, choice=choice(self.unit, other), sample=choice(self.data, "all"))
        anywhere = {"country": s.country or s.origin or s.transit or s.destination, "origin": (), "transit": (),
                    "destination": ()}  # fmt: skip
        for control, value, wider in (
            (self.unit, other, s.replace(unit=other)), (self.data, "all", s.replace(data="all")),
            (self.crime, "", s.replace(crime=())), (self.sex, "", s.replace(sex=())),
            (self.age, "", s.replace(age_group=())), (self.route, "", s.replace(route=())),
            (self.scope, "", s.replace(scope=())), (self.role, "", s.replace(**anywhere)),
            (self.country, "", s.replace(country=(), origin=(), transit=(), destination=())),
        ):  # fmt: skip
            if control.value != value and journey_count(self.con, wider):
                return t("no_data_choose", lang, choice=choice(control, value))
        if (s.start or s.end) and journey_count(self.con, s.replace(start=None, end=None)):
            return t("no_data_choose", lang, choice=f"{self.period.description}{colon(lang)}"
                                                    f"{self.period.min} – {self.period.max}")  # fmt: skip
        return t("no_data_widen", lang)

    def _top_routes(self, s: Selection, hint: str | None = None, sample: bool = False) -> str:
        lang = self.lang
        pairs = shared_od_pairs(self.con, s)
        cells = publish(pairs, **s.disclosure)  # ranked by published, not true, counts
        top = cells.dropna(subset=["persons"]).sort_values(["persons", "origin", "destination"],
                                                           ascending=[False, True, True]).head(10)  # fmt: skip
        rows = [(*pair_names(r.origin, r.destination, r.scope, lang), fmt_number(r.persons, lang))
                for r in top.itertuples()]  # fmt: skip
        badge = f" {illustrative_badge(lang)}" if sample else ""
        title = f"<h4>{html.escape(t('top_routes', lang))}{badge}</h4>"
        if not rows:  # what to choose instead, not an empty table
            return title + f"<p>{html.escape(hint or t('no_data', lang))}</p>"
        return title + table(rows, head=(t("from", lang), t("to", lang), t(s.unit, lang)), numeric=(2,))

    def _notes(self, flows: Flows) -> str:
        lang = self.lang
        lines = [t("suppression_note", lang, n=flows.selection.threshold)]
        lines.append(t("caveat_detections", lang) if flows.selection.unit == "detections" else t("caveat_cases", lang))
        if flows.summary["illustrative"]:
            lines.append(t("caveat_illustrative", lang))
        off_map = off_map_lines(flows, lang, limit=3 if self.presenting else None)  # a slide has room for a few
        if off_map:
            lines.append(f"{t('off_map_title', lang)}: " + "; ".join(off_map))
        return notes(lines, lang, sources=flows.summary["sources"])

    def _deck(self) -> Deck:
        """Presenter mode: the title, what the filters choose, the sources, and the key messages."""
        from gloact_lib.views.key_messages import route_messages
        from gloact_lib.views.sources import source_name

        lang, flows = self.lang, self._flows
        chosen = [f"{c.description}{colon(lang)}{dict((v, k) for k, v in c.options)[c.value]}"
                  for c in self._controls if c is not self.period and c.value]  # fmt: skip
        first, last = self.period.value
        chosen.append(f"{self.period.description}{colon(lang)}{first} – {last}")
        named = dict.fromkeys(source_name(s, lang) for s in flows.summary["sources"])
        sources = f"{t('sources', lang)}{colon(lang)}{'; '.join(named)}"
        return Deck(t("dashboard_title", lang), [" · ".join(chosen), sources], route_messages(flows, lang),
                    bool(flows.summary["illustrative"]))  # fmt: skip

    def published_table(self):
        """The view's figures as published (:func:`gloact_lib.views.downloads.routes_table`), for its downloads."""
        from gloact_lib.views.downloads import routes_table

        return routes_table(self.con, self.selection, self.lang)
