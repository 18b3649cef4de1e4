"""Dashboard panels for Voilà: widget classes whose state lives in traitlets.

A served notebook is a few lines::

    from gloact_lib.dashboards import RoutesDashboard
    RoutesDashboard.from_url()

Every label comes from :mod:`gloact_lib.i18n` and is switched by the ``lang``
trait; every figure comes from :class:`gloact_lib.analysis.flows.Flows` or goes through
:func:`gloact_lib.analysis.disclosure.publish` (counts of persons perturbed, small ones hidden);
every text from data is escaped.  A failure shows the viewer a short translated
sentence (no path, no process id, no exception text; the details go to the server
log) and the dashboard tries again by itself: a dashboard that could not be built
(the database busy, missing or being replaced) is stood in for by
:class:`Recovering`, which retries until the cause has gone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import os
import sys
from urllib.parse import parse_qs

import ipywidgets as w
import pandas as pd
from traitlets import Instance, Unicode, observe

from gloact_lib.analysis.disclosure import publish
from gloact_lib.analysis.flows import Flows, Selection, monthly, od_pairs
from gloact_lib.data.countries import country_name
from gloact_lib.data.database import connect
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.i18n import t
from gloact_lib.views.route_map import fmt_number, key_figures, route_map

__all__ = ["CommitmentsDashboard", "CountryDashboard", "RoutesDashboard", "url_parameters"]

_CSS = """
<style>
.gloact-kpis { display: flex; gap: 10px; flex-wrap: wrap; margin: 4px 0 8px; }
.gloact-kpi { background: #f6f7f9; border-left: 4px solid #a23b2a; padding: 6px 12px; min-width: 150px; }
.gloact-kpi b { display: block; font-size: 22px; color: #222; }
.gloact-kpi span { color: #555; font-size: 12.5px; }
.gloact-table { border-collapse: collapse; font-size: 13px; width: 100%; }
.gloact-table td, .gloact-table th { padding: 3px 8px; border-bottom: 1px solid #e3e3e3; text-align: left; }
.gloact-table td.n { text-align: right; font-variant-numeric: tabular-nums; }
.gloact-notes { font-size: 12px; color: #444; }
.gloact-status { font-size: 12.5px; color: #555; }
.gloact-status.error { color: #b00020; font-weight: 600; }
.gloact-badge-inline { background: #b00020; color: #fff; font-weight: 700; padding: 2px 8px; border-radius: 4px; }
</style>
"""


log = logging.getLogger("gloact_lib.dashboards")
if not log.handlers:  # a kernel's stderr is the server's log
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s gloact dashboard %(levelname)s: %(message)s"))
    log.addHandler(_handler)
    log.propagate = False

_MESSAGES = {"busy": "err_busy", "missing": "err_missing", "damaged": "err_damaged", "foreign": "err_damaged"}


def viewer_message(exc: Exception, lang: str) -> str:
    """The sentence a viewer reads for a failure; the details go to the server log.

    Examples
    --------
    >>> from gloact_lib.data.database import DatabaseError
    >>> viewer_message(DatabaseError("/srv/x.duckdb: in use by PID 12", "busy"), "fr")
    'Les données sont en cours de mise à jour. Cette vue réessaiera dans un instant.'
    """
    from gloact_lib.data.database import database_error

    err = database_error(exc, "workbook database")
    kind = err.kind if err is not None else "other"
    log.error("%s (%s): %s", type(exc).__name__, kind, exc, exc_info=kind == "other")
    return t(_MESSAGES.get(kind, "err_other"), lang)


def _error_html(exc: Exception, lang: str) -> str:
    """A sentence for the viewer, never a traceback."""
    return f"<div class='gloact-status error' role='alert'>{html.escape(viewer_message(exc, lang))}</div>"


def _later(seconds: float, callback) -> bool:
    """Call ``callback`` after ``seconds`` on the kernel's event loop; False where none runs (tests)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(seconds, callback)
    return True


class Recovering(w.VBox):
    """Stands in for a dashboard that could not be built, and builds it as soon as it can.

    It shows the viewer a short sentence and a "Try again" button, and tries again
    by itself every ``interval`` seconds (up to ``attempts`` times); when the build
    succeeds, the dashboard takes its place.

    Parameters
    ----------
    build : callable
        Returns the dashboard widget, or raises.
    error : Exception
        Why the last build failed.
    lang : {"en", "fr"}
    interval : float, default 5
    attempts : int, default 360
        Half an hour at the default interval.
    """

    def __init__(self, build, error: Exception, lang: str = "en", interval: float = 5.0, attempts: int = 360):
        self._build, self.lang, self._interval, self._left = build, lang, interval, attempts
        self.dashboard = None
        self.message = w.HTML(_error_html(error, lang))
        self.button = w.Button(description=t("try_again", lang))
        self.button.on_click(lambda _: self.retry())
        super().__init__([self.message, self.button])
        self.add_class("gloact-recovering")
        _later(interval, self._tick)

    def retry(self) -> bool:
        """Try to build the dashboard now; True when it is shown."""
        if self.dashboard is not None:
            return True
        try:
            dashboard = self._build()
        except Exception as exc:
            self.message.value = _error_html(exc, self.lang)
            return False
        self.dashboard = dashboard
        self.children = [dashboard]
        return True

    def _tick(self) -> None:
        self._left -= 1
        if not self.retry() and self._left > 0:
            _later(self._interval, self._tick)


def _build_or_recover(build, lang: str):
    """The dashboard ``build()`` returns, or a :class:`Recovering` stand-in if it fails."""
    try:
        return build()
    except Exception as exc:
        return Recovering(build, exc, lang)


def _theme(theme: str, lang: str) -> str:
    """A recommendation's theme in ``lang``; a theme with no label is shown as written."""
    from gloact_lib.i18n import LABELS

    return t("theme_" + theme, lang) if "theme_" + str(theme) in LABELS else str(theme or "")


def url_parameters() -> dict[str, str]:
    """Query-string parameters of the page (``?country=NER&lang=fr``), or {} outside Voilà.

    With a preheated kernel the notebook runs before any request: Voilà's
    ``get_query_string`` waits for the visitor's request first.
    """
    query = ""
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import get_query_string

        query = get_query_string() or ""
    else:
        query = os.environ.get("QUERY_STRING", "")
    return {k: v[-1] for k, v in parse_qs(query).items()}


def _years(con) -> tuple[int, int]:
    row = con.execute("SELECT min(year(period_start)), max(year(period_end)) FROM journeys").fetchall()[0]
    return (row[0] or 2009, row[1] or dt.date.today().year)


class _Panel(w.VBox):
    """What every dashboard shares: a ``lang`` and a ``status`` trait, and a status line."""

    lang = Unicode("en")
    status = Unicode("")

    def _ok(self) -> None:
        self.status = t("status_ok", self.lang)
        self.status_line.value = f"<div class='gloact-status'>{html.escape(self.status)}</div>"

    def _fail(self, exc: Exception) -> None:
        """Show a sentence the viewer can read (details to the server log); try again in a moment."""
        self.status = viewer_message(exc, self.lang)
        self.status_line.value = f"<div class='gloact-status error' role='alert'>{html.escape(self.status)}</div>"
        self._reconnect = True
        if not getattr(self, "_retry_pending", False):
            self._retry_pending = _later(5.0, self._retry)

    def _retry(self) -> None:
        self._retry_pending = False
        self.refresh()

    def _connection(self):
        """The database connection; after a failure, a new one (the file may have been rebuilt)."""
        if getattr(self, "_reconnect", False) and getattr(self, "_owns_con", False):
            try:
                self.con.close()
            except Exception:  # already closed or broken: a new one is what we want
                pass
            self.con = connect(read_only=True)
        self._reconnect = False
        return self.con


class RoutesDashboard(_Panel):
    """The route map with filters, key figures, top routes, a monthly trend, sources and caveats.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
        Default: the workbook database, read-only.
    lang : {"en", "fr"}, default "en"
    selection : Selection, optional
        The starting filters.

    Examples
    --------
    >>> from gloact_lib.data.database import build_db  # doctest: +SKIP
    >>> RoutesDashboard(lang="fr")  # doctest: +SKIP
    """

    selection = Instance(Selection)

    def __init__(self, con=None, lang: str = "en", selection: Selection | None = None, present: bool = False,
                 **kwargs):  # fmt: skip
        self._owns_con = con is None
        self.con = con or connect(read_only=True)
        first, last = _years(self.con)
        self._countries = [r[0] for r in self.con.execute(
            "SELECT DISTINCT origin_country FROM journeys UNION SELECT DISTINCT destination_country FROM journeys "
            "ORDER BY 1").fetchall()]  # fmt: skip
        self.lang_toggle = w.ToggleButtons(options=[("English", "en"), ("Français", "fr")], value=lang)
        self.unit = w.ToggleButtons()
        self.data = w.Dropdown()
        self.period = w.IntRangeSlider(min=first, max=last, value=(first, last), continuous_update=False)
        self.crime = w.Dropdown()
        self.country = w.Dropdown()
        self.role = w.Dropdown()
        self.sex = w.Dropdown()
        self.age = w.Dropdown()
        self.route = w.Dropdown()
        self._controls = (self.unit, self.data, self.period, self.crime, self.country, self.role, self.sex, self.age,
                          self.route)  # fmt: skip
        self.title = w.HTML()
        self.kpis = w.HTML()
        self.map = w.HTML(layout=w.Layout(width="100%"))
        self.table = w.HTML(layout=w.Layout(width="44%"))
        self.chart = w.HTML(layout=w.Layout(width="54%"))
        self.notes = w.HTML()
        self.status_line = w.HTML()
        self._relabel(lang)
        for control, value in ((self.unit, "persons"), (self.data, "all"), (self.crime, ""), (self.country, ""),
                               (self.role, ""), (self.sex, ""), (self.age, ""), (self.route, "")):  # fmt: skip
            control.value = value
        filters = w.VBox(list(self._controls), layout=w.Layout(width="300px", min_width="300px"))
        filters.add_class("gloact-filters")
        panels = [self.kpis, self.map, w.HBox([self.table, self.chart]), self.notes]
        for panel in panels:
            panel.add_class("gloact-slide")
        main = w.VBox(panels, layout=w.Layout(flex="1"))
        super().__init__(
            [w.HTML(_CSS), w.HBox([self.title, self.lang_toggle]), w.HBox([filters, main]), self.status_line],
            **kwargs,
        )
        self.add_class("gloact-dashboard")
        if present:
            self.add_class("gloact-present")
        self.lang = lang
        for control in self._controls:
            control.observe(self._filters_changed, names="value")
        self.lang_toggle.observe(lambda change: setattr(self, "lang", change["new"]), names="value")
        self._ready = True
        if selection is not None:
            self.selection = selection
        else:
            self._filters_changed()

    # -- construction from the page URL -------------------------------------
    @classmethod
    def from_url(cls, con=None) -> RoutesDashboard:
        """A dashboard set from the page's URL parameters: ``lang``, ``country``, ``role``, ``unit``, and
        ``present=1`` for presenter mode (one panel per slide, arrow keys, F for full screen)."""
        # Build first: a preheated kernel does this before anyone visits, and only then waits
        # for the visitor's address (Voila's get_query_string blocks until the request comes).
        try:
            dashboard = cls(con=con)
        except Exception:  # built again for the visitor: the cause may have gone since the preheat
            params = url_parameters()
            lang = params.get("lang") if params.get("lang") in ("en", "fr") else "en"
            return _build_or_recover(lambda: cls._configured(cls(con=con), params), lang)
        return cls._configured(dashboard, url_parameters())

    @staticmethod
    def _configured(dashboard: RoutesDashboard, params: dict) -> RoutesDashboard:
        """Apply the URL parameters to a built dashboard."""
        try:
            if params.get("present") in ("1", "true", "yes"):
                dashboard.add_class("gloact-present")
            dashboard._updating = True  # set the controls without a redraw each
            try:
                if params.get("unit") in ("persons", "detections"):
                    dashboard.unit.value = params["unit"]
                if params.get("country", "").upper() in dashboard._countries:
                    dashboard.country.value = params["country"].upper()
                if params.get("role") in ("origin", "transit", "destination"):
                    dashboard.role.value = params["role"]
            finally:
                dashboard._updating = False
            if params.get("lang") in ("en", "fr"):
                dashboard.lang = params["lang"]  # relabels and redraws when it changes
            dashboard._filters_changed()  # redraws only when the filters changed
        except Exception as exc:  # a bad link must not break the page
            dashboard._fail(exc)
        return dashboard

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
        self.country.options = [(t("all", lang), "")] + sorted(
            ((country_name(c, lang), c) for c in self._countries), key=lambda o: o[0]
        )
        self.country.description = t("country", lang)
        self.role.options = [(t("any_role", lang), "")] + [(t(r, lang), r) for r in ("origin", "transit",
                                                                                       "destination")]  # fmt: skip
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

    @observe("lang")
    def _lang_changed(self, change) -> None:
        if not getattr(self, "_ready", False):
            return  # still being built: __init__ draws once at the end
        self.lang_toggle.value = change["new"]
        with self.hold_trait_notifications():
            self._updating = True
            try:
                self._relabel(change["new"])
            finally:
                self._updating = False
        self.refresh()  # same selection, new language: redraw every label

    # -- selection ------------------------------------------------------------
    def _filters_changed(self, change=None) -> None:
        if getattr(self, "_updating", False):
            return
        try:
            first, last = self.period.value
            role = self.role.value
            country = (self.country.value,) if self.country.value else ()
            self.selection = Selection(
                start=dt.date(first, 1, 1), end=dt.date(last, 12, 31), unit=self.unit.value, data=self.data.value,
                crime=self.crime.value or (), sex=self.sex.value or (), age_group=self.age.value or (),
                route=self.route.value or (),
                country=country if not role else (),
                origin=country if role == "origin" else (),
                transit=country if role == "transit" else (),
                destination=country if role == "destination" else (),
            )  # fmt: skip
        except Exception as exc:
            self._fail(exc)

    @observe("selection")
    def _selection_changed(self, change) -> None:
        self.refresh()

    # -- drawing ---------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute flows for the current selection and redraw every panel."""
        lang, s = self.lang, self.selection
        try:
            self._connection()
            level = "country" if s.unit == "detections" else "place"
            flows = Flows.from_db(self.con, s, level=level)
            self.title.value = self._title(flows)
            self.kpis.value = self._kpis(flows)
            page = route_map(flows, lang=lang, compact=True).get_root().render()
            self.map.value = (
                f'<iframe class="gloact-map" title="{html.escape(t("title", lang))}" '
                f'srcdoc="{html.escape(page)}" style="width:100%;height:640px;border:0"></iframe>'
            )
            self.table.value = self._top_routes(s)
            self.chart.value = self._trend(s)
            self.notes.value = self._notes(flows)
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _title(self, flows: Flows) -> str:
        badge = (f" <span class='gloact-badge-inline'>{html.escape(t('illustrative_badge', self.lang))}</span>"
                 if flows.summary["illustrative"] else "")  # fmt: skip
        return f"<h2 style='margin:4px 12px 4px 0'>{html.escape(t('dashboard_title', self.lang))}{badge}</h2>"

    def _kpis(self, flows: Flows) -> str:
        e = html.escape
        cards = "".join(
            f"<div class='gloact-kpi'><b>{e(v)}</b><span>{e(label)}</span></div>"
            for v, label in key_figures(flows, self.lang)
        )
        return f"<div class='gloact-kpis'>{cards}</div>"

    def _top_routes(self, s: Selection) -> str:
        lang, e = self.lang, html.escape
        cells = publish(od_pairs(self.con, s), **s.disclosure)  # ranked by published, not true, counts
        top = cells.dropna(subset=["persons"]).sort_values(["persons", "origin", "destination"],
                                                           ascending=[False, True, True]).head(10)  # fmt: skip
        rows = "".join(
            f"<tr><td>{e(country_name(r.origin, lang))}</td><td>{e(country_name(r.destination, lang))}</td>"
            f"<td class='n'>{e(fmt_number(r.persons, lang))}</td></tr>"
            for r in top.itertuples()
        )
        head = f"<tr><th>{e(t('from', lang))}</th><th>{e(t('to', lang))}</th><th>{e(t(s.unit, lang))}</th></tr>"
        return f"<h4>{e(t('top_routes', lang))}</h4><table class='gloact-table'>{head}{rows}</table>"

    def _trend(self, s: Selection) -> str:
        """Monthly bars as inline SVG (no plotting library, nothing to download)."""
        lang, e = self.lang, html.escape
        series = monthly(self.con, s)
        title = f"<h4>{e(t('trend', lang))}</h4>"
        if series.empty:
            return title + f"<p>{e(t('no_data', lang))}</p>"
        cells = publish(series, **s.disclosure)
        width, height, pad = 560, 170, 24
        months = pd.date_range(series["month"].min(), series["month"].max(), freq="MS")
        values = dict(zip(pd.to_datetime(cells["month"]), cells["persons"], strict=True))
        top = max(int(v) for v in cells["persons"].dropna()) if cells["persons"].notna().any() else 1
        bar = (width - pad) / max(len(months), 1)
        parts = []
        for i, month in enumerate(months):
            v = values.get(month)
            x = pad + i * bar
            if v is None or pd.isna(v):
                if month in values:  # hidden, not zero
                    parts.append(f"<rect x='{x:.1f}' y='{height - pad - 6}' width='{max(bar - 1, 1):.1f}' height='6' "
                                 "fill='#cfcfcf'><title>hidden</title></rect>")  # fmt: skip
                continue
            h = (height - 2 * pad) * int(v) / top
            label = e(f"{month:%Y-%m}: {fmt_number(v, lang)}")
            parts.append(f"<rect x='{x:.1f}' y='{height - pad - h:.1f}' width='{max(bar - 1, 1):.1f}' "
                         f"height='{h:.1f}' fill='#a23b2a'><title>{label}</title></rect>")  # fmt: skip
        for year in sorted({m.year for m in months}):
            i = next(k for k, m in enumerate(months) if m.year == year)
            parts.append(f"<text x='{pad + i * bar:.1f}' y='{height - 6}' font-size='11' fill='#444'>{year}</text>")
        parts.append(f"<text x='2' y='14' font-size='11' fill='#444'>{e(fmt_number(top, lang))}</text>")
        svg = (f"<svg role='img' aria-label='{e(t('trend', lang))}' viewBox='0 0 {width} {height}' "
               f"width='100%' style='max-width:{width}px'>{''.join(parts)}</svg>")  # fmt: skip
        return title + svg

    def _notes(self, flows: Flows) -> str:
        lang, e = self.lang, html.escape
        notes = [t("suppression_note", lang, n=flows.selection.threshold)]
        notes.append(t("caveat_detections", lang) if flows.selection.unit == "detections" else t("caveat_cases", lang))
        if flows.summary["illustrative"]:
            notes.append(t("caveat_illustrative", lang))
        sources = "; ".join(e(s) for s in flows.summary["sources"]) or e(t("none", lang))
        return (f"<div class='gloact-notes'>{'<br>'.join(e(n) for n in notes)}<br>"
                f"<b>{e(t('sources', lang))}:</b> {sources}</div>")  # fmt: skip


class CountryDashboard(_Panel):
    """One country: its role on the routes, partners, treaty status, national figures,
    commitments, and migrants dead and missing recorded there.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
    country : str, default "NER"
        ISO alpha-3 code.
    lang : {"en", "fr"}, default "en"
    """

    country = Unicode("NER")

    def __init__(self, con=None, country: str = "NER", lang: str = "en", present: bool = False, **kwargs):
        from gloact_lib.analysis.profiles import member_countries

        self._owns_con = con is None
        self.con = con or connect(read_only=True)
        self._choices = member_countries(self.con) or [country]
        self.picker = w.Dropdown(options=self._options(lang), value=country if country in self._choices else
                                 self._choices[0])  # fmt: skip
        self.lang_toggle = w.ToggleButtons(options=[("English", "en"), ("Français", "fr")], value=lang)
        self.header = w.HTML()
        self.roles = w.HTML()
        self.map = w.HTML(layout=w.Layout(width="100%"))
        self.partners = w.HTML()
        self.legal = w.HTML()
        self.figures = w.HTML()
        self.commitments = w.HTML()
        self.deaths = w.HTML()
        self.status_line = w.HTML()
        super().__init__(
            [w.HTML(_CSS), w.HBox([self.header, self.picker, self.lang_toggle]), self.roles, self.map,
             self.partners, self.legal, self.figures, self.commitments, self.deaths, self.status_line],
            **kwargs,
        )  # fmt: skip
        self.add_class("gloact-dashboard")
        for panel in (self.roles, self.map, self.partners, self.legal, self.figures, self.commitments, self.deaths):
            panel.add_class("gloact-slide")
        if present:
            self.add_class("gloact-present")
        self.picker.observe(lambda c: setattr(self, "country", c["new"]), names="value")
        self.lang_toggle.observe(lambda c: setattr(self, "lang", c["new"]), names="value")
        self.country = self.picker.value
        self.lang = lang
        self._ready = True
        self.refresh()

    @classmethod
    def from_url(cls, con=None):
        """A profile set from the page's URL parameters ``country`` and ``lang``."""
        params = url_parameters()
        lang = params.get("lang") if params.get("lang") in ("en", "fr") else "en"
        present = params.get("present") in ("1", "true", "yes")
        return _build_or_recover(
            lambda: cls(con=con, country=params.get("country", "NER").upper(), lang=lang, present=present), lang)

    def _options(self, lang: str):
        return sorted(((country_name(c, lang), c) for c in self._choices), key=lambda o: o[0])

    @observe("lang", "country")
    def _changed(self, change) -> None:
        if not getattr(self, "_ready", False):
            return
        if change["name"] == "lang":
            value = self.picker.value
            self.picker.options = self._options(change["new"])
            self.picker.value = value
            self.lang_toggle.value = change["new"]
        self.refresh()

    def refresh(self) -> None:
        """Redraw every panel for the current country and language."""
        lang, iso3, e = self.lang, self.country, html.escape
        name = country_name(iso3, lang)
        try:
            self._connection()
            self.header.value = (f"<h2 style='margin:4px 12px 4px 0'>{e(t('country_title', lang))}: "
                                 f"{e(name)}</h2>")  # fmt: skip
            flows = Flows.from_db(self.con, Selection(country=iso3), level="place")
            self.roles.value = self._roles(flows)
            from gloact_lib.analysis.flows import incidents

            page = route_map(flows, lang=lang, compact=True, title=name,
                             incidents=incidents(self.con, flows.selection, _country_box(self.con, iso3)),
                             show_incidents=True).get_root().render()  # fmt: skip
            self.map.value = (
                f'<iframe class="gloact-map" title="{e(name)}" srcdoc="{e(page)}" '
                'style="width:100%;height:560px;border:0"></iframe>'
            )
            self.partners.value = self._partners(iso3)
            self.legal.value = self._legal(iso3)
            self.figures.value = self._figures(iso3)
            self.commitments.value = self._commitments(iso3)
            self.deaths.value = self._deaths(iso3)
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _roles(self, flows: Flows) -> str:
        lang, e = self.lang, html.escape
        mine = flows.roles[flows.roles["iso3"] == self.country]
        cards = []
        for role in ("origin", "transit", "destination"):
            row = mine[mine["role"] == role]
            if row.empty:
                value = "0"
            elif row.iloc[0]["suppressed"]:
                value = t("hidden", lang, n=flows.selection.threshold)
            else:
                value = fmt_number(row.iloc[0]["persons"], lang)
            cards.append((value, f"{t(role, lang)} · {t('persons', lang)}"))
        badge = (f"<div class='small'><span class='gloact-badge-inline'>{e(t('illustrative_badge', lang))}</span> "
                 f"{e(t('caveat_illustrative', lang))}</div>" if flows.summary["illustrative"] else "")  # fmt: skip
        note = f"<div class='gloact-notes'>{e(t('suppression_note', lang, n=flows.selection.threshold))}</div>"
        return (f"<h3>{e(t('role_on_routes', lang))}</h3><div class='gloact-kpis'>"
                + "".join(f"<div class='gloact-kpi'><b>{e(v)}</b><span>{e(k)}</span></div>" for v, k in cards)
                + f"</div>{badge}{note}")  # fmt: skip

    def _partners(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        parts = []
        for label, selection, column in (("partners_out", Selection(origin=iso3), "destination"),
                                         ("partners_in", Selection(destination=iso3), "origin")):  # fmt: skip
            cells = publish(od_pairs(self.con, selection), **selection.disclosure)
            top = cells.dropna(subset=["persons"]).sort_values(["persons", column], ascending=[False, True]).head(5)
            rows = "".join(
                f"<tr><td>{e(country_name(getattr(r, column), lang))}</td>"
                f"<td class='n'>{e(fmt_number(r.persons, lang))}</td></tr>"
                for r in top.itertuples()
            )
            body = rows or f"<tr><td>{e(t('none', lang))}</td></tr>"
            parts.append(f"<div style='flex:1'><h4>{e(t(label, lang, country=country_name(iso3, lang)))}</h4>"
                         f"<table class='gloact-table'>{body}</table></div>")  # fmt: skip
        note = t("suppression_note", lang, n=Selection().threshold)
        return (f"<div style='display:flex;gap:24px'>{''.join(parts)}</div>"
                f"<div class='gloact-notes'>{e(note)}</div>")  # fmt: skip

    def _legal(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        rows = self.con.execute(
            "SELECT instrument, action_date, action_type, status, verified, source FROM treaties WHERE iso3 = ? "
            "ORDER BY CASE instrument WHEN 'UNTOC' THEN 0 WHEN 'TIP_Protocol' THEN 1 ELSE 2 END", [iso3]
        ).fetchall()  # fmt: skip
        lines, sources = [], set()
        for instrument, date, action, _status, verified, source in rows:
            if date is not None:
                text = t("party_since", lang, action=action or "", date=f"{date:%Y-%m-%d}")
            else:
                text = t("not_party", lang)
            if not verified:
                text += f" — {t('unverified', lang)}"
            lines.append(f"<tr><td>{e(t(instrument, lang))}</td><td>{e(text)}</td></tr>")
            sources.add(source)
        if not lines:
            lines.append(f"<tr><td>{e(t('none', lang))}</td></tr>")
        note = "".join(f"<div class='gloact-notes'>{e(t('source', lang))}: {e(s)}</div>" for s in sorted(sources))
        return f"<h3>{e(t('treaty_status', lang))}</h3><table class='gloact-table'>{''.join(lines)}</table>{note}"

    def _figures(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        rows = self.con.execute(
            "SELECT label_en, label_fr, value, unit, period_start, period_end, illustrative, source FROM indicators "
            "WHERE iso3 = ? ORDER BY period_start, indicator_id", [iso3]
        ).fetchall()  # fmt: skip
        if not rows:
            return f"<h3>{e(t('indicators', lang))}</h3><p>{e(t('none', lang))}</p>"
        body = "".join(
            f"<tr><td>{e(fr if lang == 'fr' else en)}</td><td class='n'>{e(fmt_number(v, lang))}</td>"
            f"<td>{e(unit)}</td><td>{start:%Y-%m-%d} – {end:%Y-%m-%d}</td>"
            f"<td class='gloact-notes'>{e(source)}{' · ' + e(t('illustrative_badge', lang)) if ill else ''}</td></tr>"
            for en, fr, v, unit, start, end, ill, source in rows
        )
        return f"<h3>{e(t('indicators', lang))}</h3><table class='gloact-table'>{body}</table>"

    def _commitments(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        meetings = self.con.execute(
            "SELECT m.title_en, m.title_fr, m.city, m.start_date FROM participants p "
            "JOIN meetings m USING (meeting_id) WHERE p.iso3 = ? ORDER BY m.start_date", [iso3]
        ).fetchall()  # fmt: skip
        from gloact_lib.analysis.commitments import latest_status

        status = latest_status(self.con)
        status = status[status["iso3"] == iso3]
        recs = self.con.execute(
            "SELECT number, theme, text_en, text_fr, source, rec_id FROM recommendations "
            "WHERE list_contains(string_split(countries, ';'), ?) ORDER BY meeting_id, number", [iso3]
        ).fetchall()  # fmt: skip
        current = {r.rec_id: r for r in status.itertuples()}
        met = "".join(f"<li>{e(fr if lang == 'fr' else en)} — {e(city)}, {d:%Y-%m-%d}</li>"
                      for en, fr, city, d in meetings) or f"<li>{e(t('none', lang))}</li>"  # fmt: skip

        def state(rec_id: str) -> str:
            r = current.get(rec_id)
            if r is None or pd.isna(r.date):
                return t("no_status", lang)
            flag = f", {t('illustrative_badge', lang).lower()}" if r.illustrative else ""
            return f"{t(r.status, lang)}, {r.date:%Y-%m-%d}{flag}"

        items = "".join(
            f"<li>{number}. {e(fr if lang == 'fr' else en)} <b>({e(state(rec_id))})</b></li>"
            for number, _theme, en, fr, _src, rec_id in recs
        )
        sources = sorted({r[4] for r in recs})
        note = (f"<div class='gloact-notes'>{e(t('translation_note', lang))} "
                f"{e(t('source', lang))}: {e('; '.join(sources))}</div>" if recs else "")  # fmt: skip
        return (f"<h3>{e(t('meetings_attended', lang))}</h3><ul>{met}</ul>"
                f"<h3>{e(t('commitments', lang))}</h3><ol style='list-style:none;padding-left:0'>"
                f"{items or '<li>' + e(t('none', lang)) + '</li>'}</ol>{note}")  # fmt: skip

    def _deaths(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        dead, n, first, last = self.con.execute(
            "SELECT coalesce(sum(dead_and_missing), 0), count(*), min(date), max(date) FROM incidents "
            "WHERE incident_iso3 = ?", [iso3]
        ).fetchall()[0]  # fmt: skip
        title = f"<h3>{e(t('deaths_nearby', lang, country=country_name(iso3, lang)))}</h3>"
        if not n:
            return title + f"<p>{e(t('none', lang))}</p>"
        text = t("incidents_total", lang, dead=fmt_number(dead, lang), n=fmt_number(n, lang), first=first.year,
                 last=last.year)  # fmt: skip
        return (title + f"<p>{e(text)}</p><div class='gloact-notes'>{e(t('caveat_incidents', lang))} "
                f"{e(t('source', lang))}: IOM Missing Migrants Project.</div>")  # fmt: skip


def _country_box(con, iso3: str, pad: float = 6.0):
    """A box around a country's label point (for the incidents drawn on its map)."""
    row = con.execute("SELECT label_lat, label_lon FROM countries WHERE iso3 = ?", [iso3]).fetchall()
    if not row or row[0][0] is None:
        return None
    lat, lon = row[0]
    return [[lat - pad, lon - pad], [lat + pad, lon + pad]]


STATUS_COLOURS = {"achieved": "#009E73", "in_progress": "#E69F00", "not_started": "#d0d0d0",
                  "not_applicable": "#ffffff"}  # fmt: skip


class CommitmentsDashboard(_Panel):
    """Follow-up of the recommendations: a country x recommendation status grid, progress bars,
    the latest updates, and what changed since a meeting.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
    lang : {"en", "fr"}, default "en"
    """

    meeting = Unicode("casablanca-2019")

    def __init__(self, con=None, lang: str = "en", present: bool = False, **kwargs):
        self._owns_con = con is None
        self.con = con or connect(read_only=True)
        self._meetings = self.con.execute(
            "SELECT meeting_id, title_en, title_fr, city, end_date FROM meetings ORDER BY start_date"
        ).fetchall()
        self.lang_toggle = w.ToggleButtons(options=[("English", "en"), ("Français", "fr")], value=lang)
        self.since = w.Dropdown(options=self._meeting_options(lang),
                                value=self._meetings[-1][0] if self._meetings else None,
                                layout=w.Layout(width="520px"))  # fmt: skip
        self.header = w.HTML()
        self.grid = w.HTML()
        self.bars = w.HTML()
        self.changes = w.HTML()
        self.timeline = w.HTML()
        self.status_line = w.HTML()
        super().__init__([w.HTML(_CSS), w.HBox([self.header, self.lang_toggle]), self.grid, self.bars, self.since,
                          self.changes, self.timeline, self.status_line], **kwargs)  # fmt: skip
        self.add_class("gloact-dashboard")
        for panel in (self.grid, self.bars, self.changes, self.timeline):
            panel.add_class("gloact-slide")
        if present:
            self.add_class("gloact-present")
        self.lang_toggle.observe(lambda c: setattr(self, "lang", c["new"]), names="value")
        self.since.observe(lambda c: setattr(self, "meeting", c["new"]), names="value")
        self.lang = lang
        self.meeting = self.since.value or ""  # no meeting at all in an empty database
        self._ready = True
        self.refresh()

    @classmethod
    def from_url(cls, con=None):
        """A dashboard set from the ``lang`` URL parameter."""
        params = url_parameters()
        lang = params.get("lang") if params.get("lang") in ("en", "fr") else "en"
        present = params.get("present") in ("1", "true", "yes")
        return _build_or_recover(lambda: cls(con=con, lang=lang, present=present), lang)

    def _meeting_options(self, lang: str):
        return [(f"{fr if lang == 'fr' else en} ({city}, {end:%Y-%m})", mid) for mid, en, fr, city, end in
                self._meetings]  # fmt: skip

    @observe("lang", "meeting")
    def _changed(self, change) -> None:
        if not getattr(self, "_ready", False):
            return
        if change["name"] == "lang":
            value = self.since.value
            self.since.options = self._meeting_options(change["new"])
            self.since.value = value
            self.lang_toggle.value = change["new"]
        elif self.since.value != change["new"]:
            self.since.value = change["new"]  # set from code: keep the control in step
        self.refresh()

    def refresh(self) -> None:
        """Redraw every panel."""
        from gloact_lib.analysis.commitments import changes_since, latest_status, overdue, progress

        lang, e = self.lang, html.escape
        try:
            self._connection()
            status = latest_status(self.con)
            illustrative = bool(status["illustrative"].any())
            badge = (f" <span class='gloact-badge-inline'>{e(t('illustrative_badge', lang))}</span>"
                     if illustrative else "")  # fmt: skip
            self.header.value = f"<h2 style='margin:4px 12px 4px 0'>{e(t('commitments_title', lang))}{badge}</h2>"
            late = overdue(self.con)
            self.grid.value = self._grid(status, late, illustrative)
            self.bars.value = self._bars(progress(self.con))
            self.since.description = t("since_meeting", lang)
            self.changes.value = (self._changes(changes_since(self.con, self.meeting)) if self.meeting
                                  else f"<p>{e(t('no_changes', lang))}</p>")  # fmt: skip
            self.timeline.value = self._timeline()
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _grid(self, status: pd.DataFrame, late: pd.DataFrame, illustrative: bool) -> str:
        from gloact_lib.analysis.commitments import status_matrix

        lang, e = self.lang, html.escape
        # A recommendation may concern only some countries: its other cells are "not concerned".
        recs, grid = status_matrix(status)
        dates = dict(zip(zip(status["iso3"], status["rec_id"], strict=True), status["date"], strict=True))
        late_keys = set(zip(late["rec_id"], late["iso3"], strict=True))
        head = "".join(
            f"<th title='{e(r.text_fr if lang == 'fr' else r.text_en)}'>{r.number}</th>" for r in recs.itertuples()
        )
        rows = []
        for iso3, statuses in grid.iterrows():
            cells = []
            for rec_id, state in statuses.items():
                if pd.isna(state):
                    label = t("not_concerned", lang)
                    cells.append(f"<td class='gloact-cell' data-status='not_concerned' title='{e(rec_id)}: "
                                 f"{e(label)}' style='text-align:center;color:#999;border:1px solid #ddd'>–</td>")
                    continue  # fmt: skip
                label = t(state, lang)
                date = dates.get((iso3, rec_id))
                tip = f"{rec_id}: {label}" + (f" ({date:%Y-%m-%d})" if pd.notna(date) else "")
                mark = " <b class='gloact-late' style='color:#b00020'>!</b>" if (rec_id, iso3) in late_keys else ""
                cells.append(
                    f"<td class='gloact-cell' data-status='{e(state)}' title='{e(tip)}' "
                    f"style='background:{STATUS_COLOURS[state]};text-align:center;"
                    f"border:1px solid #bbb'>{e(label)}{mark}</td>"
                )  # fmt: skip  (mark is fixed markup)
            rows.append(f"<tr><th style='text-align:left'>{e(country_name(iso3, lang))}</th>{''.join(cells)}</tr>")
        legend = " ".join(f"<span class='sw' style='display:inline-block;width:12px;height:12px;border:1px solid #999;"
                          f"background:{c}'></span> {e(t(s, lang))}" for s, c in STATUS_COLOURS.items())  # fmt: skip
        if grid.isna().any().any():
            legend += f" – {e(t('not_concerned', lang))}"
        notes = [t("overdue", lang, months=12) + " (!)"]
        if illustrative:
            notes.append(t("caveat_status_illustrative", lang))
        texts = "".join(f"<li>{r.number}. {e(r.text_fr if lang == 'fr' else r.text_en)} "
                        f"<i>({e(_theme(r.theme, lang))})</i></li>" for r in recs.itertuples())  # fmt: skip
        return (f"<h3>{e(t('status_grid', lang))}</h3><table class='gloact-table gloact-grid'>"
                f"<tr><th></th>{head}</tr>{''.join(rows)}</table><div class='gloact-notes'>{legend}<br>"
                f"{'<br>'.join(e(n) for n in notes)}</div><ol style='list-style:none;padding-left:0;font-size:13px'>"
                f"{texts}</ol><div class='gloact-notes'>{e(t('translation_note', lang))}</div>")  # fmt: skip

    def _bars(self, prog: pd.DataFrame) -> str:
        lang, e = self.lang, html.escape
        rows = []
        for r in prog.itertuples():
            applicable = max(r.items - r.not_applicable, 1)
            segments = "".join(
                f"<div title='{e(t(s, lang))}: {getattr(r, s)}' style='width:{100 * getattr(r, s) / applicable:.1f}%;"
                f"background:{STATUS_COLOURS[s]}'></div>" for s in ("achieved", "in_progress", "not_started")
            )  # fmt: skip
            pct = round(100 * r.share_achieved)
            rows.append(f"<div style='display:flex;align-items:center;gap:10px;margin:4px 0'>"
                        f"<div style='width:160px'>{e(country_name(r.iso3, lang))}</div>"
                        f"<div class='gloact-bar' style='display:flex;width:420px;height:16px;border:1px solid #999'>"
                        f"{segments}</div><div>{e(t('share_achieved', lang, pct=pct))}</div></div>")  # fmt: skip
        return f"<h3>{e(t('progress_by_country', lang))}</h3>" + "".join(rows)

    def _changes(self, changes: pd.DataFrame) -> str:
        lang, e = self.lang, html.escape
        name = next((fr if lang == "fr" else en) for mid, en, fr, _c, _d in self._meetings if mid == self.meeting)
        title = f"<h3>{e(t('changes_since', lang, meeting=name))}</h3>"
        if changes.empty:
            return title + f"<p>{e(t('no_changes', lang))}</p>"
        rows = "".join(
            f"<tr><td>{r.date:%Y-%m-%d}</td><td>{e(country_name(r.iso3, lang))}</td><td>{r.number}</td>"
            f"<td>{e(t(r.previous_status, lang))} → <b>{e(t(r.status, lang))}</b></td><td>{e(r.evidence or '')}</td>"
            f"</tr>" for r in changes.itertuples()
        )  # fmt: skip
        head = (f"<tr><th>{e(t('date', lang))}</th><th>{e(t('country', lang))}</th><th>{e(t('recommendation', lang))}"
                f"</th><th></th><th>{e(t('evidence', lang))}</th></tr>")  # fmt: skip
        return f"{title}<table class='gloact-table'>{head}{rows}</table>"

    def _timeline(self) -> str:
        lang, e = self.lang, html.escape
        rows = self.con.execute(
            "SELECT u.date, u.iso3, r.number, u.status, u.source FROM status_updates u JOIN recommendations r "
            "USING (rec_id) ORDER BY u.date DESC, u.iso3, r.number LIMIT 12").fetchall()  # fmt: skip
        items = "".join(f"<li>{d:%Y-%m-%d} · {e(country_name(iso3, lang))} · {n} · {e(t(s, lang))}</li>"
                        for d, iso3, n, s, _src in rows)  # fmt: skip
        sources = sorted({r[4] for r in rows})
        return (f"<h3>{e(t('timeline', lang))}</h3><ul style='font-size:13px'>{items}</ul>"
                f"<div class='gloact-notes'>{e(t('sources', lang))}: {e('; '.join(sources))}</div>")  # fmt: skip
