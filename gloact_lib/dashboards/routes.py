"""The routes dashboard: the route map with filters, key figures, top routes, a monthly trend, sources."""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as w
from traitlets import Instance, observe

from gloact_lib.analysis.counts import monthly, od_pairs
from gloact_lib.analysis.disclosure import publish
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.analysis.profiles import journey_countries, journey_years
from gloact_lib.analysis.selection import SCOPES
from gloact_lib.dashboards.base import Panel
from gloact_lib.data.countries import country_name
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.i18n import t
from gloact_lib.views.html import key_figure_cards, map_frame, notes, page_title, table, trend_chart
from gloact_lib.views.map_text import fmt_number, key_figures, off_map_lines, pair_names
from gloact_lib.views.route_map import route_map

__all__ = ["RoutesDashboard"]


class RoutesDashboard(Panel):
    """The route map with filters, key figures, top routes, a monthly trend, sources and caveats.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
        Default: the workbook database, read-only.
    lang : {"en", "fr"}, default "en"
    selection : Selection, optional
        The starting filters.
    present : bool, default False
        Presenter mode.

    Examples
    --------
    >>> from gloact_lib.data.database import build_db  # doctest: +SKIP
    >>> RoutesDashboard(lang="fr")  # doctest: +SKIP
    """

    selection = Instance(Selection)

    URL_PARAMETERS = ("country", "role", "unit", "scope")

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
        self.map = w.HTML(layout=w.Layout(width="100%"))
        self.table = w.HTML(layout=w.Layout(width="44%"))
        self.chart = w.HTML(layout=w.Layout(width="54%"))
        self.notes = w.HTML()
        self._relabel(lang)
        for control, value in ((self.unit, "persons"), (self.data, "all"), (self.crime, ""), (self.scope, ""),
                               (self.country, ""), (self.role, ""), (self.sex, ""), (self.age, ""),
                               (self.route, "")):  # fmt: skip
            control.value = value
        for control in self._controls:
            control.observe(self._filters_changed, names="value")
        filters = w.VBox(list(self._controls), layout=w.Layout(width="300px", min_width="300px"))
        filters.add_class("gloact-filters")
        slides = [self.kpis, self.map, w.HBox([self.table, self.chart]), self.notes]
        return [self.title], [w.HBox([filters, w.VBox(slides, layout=w.Layout(flex="1"))])], slides

    def _start(self) -> None:
        if self._initial is not None:
            self.selection = self._initial
        else:
            self._filters_changed()

    def _apply_parameters(self, params: dict[str, str]) -> None:
        if params.get("unit") in ("persons", "detections"):
            self.unit.value = params["unit"]
        if params.get("country", "").upper() in self._countries:
            self.country.value = params["country"].upper()
        if params.get("role") in ("origin", "transit", "destination", "domestic"):
            self.role.value = params["role"]
        if params.get("scope") in SCOPES:
            self.scope.value = params["scope"]

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
            ((country_name(c, lang), c) for c in self._countries), key=lambda o: o[0]
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
        for control in self._controls:
            control.style = {"description_width": "90px"}
            control.layout = w.Layout(width="295px")
        self.unit.style = {"description_width": "90px", "button_width": "95px"}
        for control, value in saved.items():
            control.value = value

    # -- selection ------------------------------------------------------------
    def _filters_changed(self, change=None) -> None:
        if self._updating:
            return
        # The role "domestic" and the Journeys filter must agree: the control changed last wins, and the
        # other follows (its own change then builds the selection).
        owner = getattr(change, "owner", None) if change is not None else None
        if owner is self.role and self.role.value == "domestic" and self.scope.value not in ("", "domestic"):
            self.scope.value = "domestic"
            return
        if owner is self.scope and self.scope.value not in ("", "domestic") and self.role.value == "domestic":
            self.role.value = ""
            return
        try:
            first, last = self.period.value
            whole = (first, last) == (self.period.min, self.period.max)  # then journeys with no date count too
            role = self.role.value
            country = (self.country.value,) if self.country.value else ()
            scope = ("domestic",) if role == "domestic" else (self.scope.value or ())
            self.selection = Selection(
                start=None if whole else dt.date(first, 1, 1), end=None if whole else dt.date(last, 12, 31),
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

    # -- drawing ---------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute flows for the current selection and redraw every panel."""
        lang, s = self.lang, self.selection
        try:
            level = "country" if s.unit == "detections" else "place"
            flows = Flows.from_db(self.con, s, level=level)
            self.title.value = page_title(t("dashboard_title", lang), lang, flows.summary["illustrative"])
            self.kpis.value = key_figure_cards(key_figures(flows, lang))
            self.map.value = map_frame(route_map(flows, lang=lang, compact=True), t("title", lang), height="640px")
            self.table.value = self._top_routes(s)
            series = monthly(self.con, s)
            self.chart.value = trend_chart(series if series.empty else publish(series, **s.disclosure), lang)
            self.notes.value = self._notes(flows)
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _top_routes(self, s: Selection) -> str:
        lang = self.lang
        cells = publish(od_pairs(self.con, s), **s.disclosure)  # ranked by published, not true, counts
        top = cells.dropna(subset=["persons"]).sort_values(["persons", "origin", "destination"],
                                                           ascending=[False, True, True]).head(10)  # fmt: skip
        rows = [(*pair_names(r.origin, r.destination, r.scope, lang), fmt_number(r.persons, lang))
                for r in top.itertuples()]  # fmt: skip
        return (f"<h4>{html.escape(t('top_routes', lang))}</h4>"
                + table(rows, head=(t("from", lang), t("to", lang), t(s.unit, lang)), numeric=(2,)))  # fmt: skip

    def _notes(self, flows: Flows) -> str:
        lang = self.lang
        lines = [t("suppression_note", lang, n=flows.selection.threshold)]
        lines.append(t("caveat_detections", lang) if flows.selection.unit == "detections" else t("caveat_cases", lang))
        if flows.summary["illustrative"]:
            lines.append(t("caveat_illustrative", lang))
        off_map = off_map_lines(flows, lang)
        if off_map:
            lines.append(f"{t('off_map_title', lang)}: " + "; ".join(off_map))
        return notes(lines, lang, sources=flows.summary["sources"])
