"""The country profile: role on the routes, partners, treaties, national figures, commitments, deaths.

Real data first: the country's Frontex detections (of its nationals, on the routes assigned to it, entering it)
and its IOM Missing Migrants figures, by year, with their sources and caveats; the journeys of persons after
them, labelled illustrative where they are generated.
"""

from __future__ import annotations

import html
import textwrap

import ipywidgets as w
import pandas as pd
from traitlets import Unicode, observe

from gloact_lib.analysis import profiles
from gloact_lib.analysis.commitments import latest_status, recommendations_for
from gloact_lib.analysis.counts import incidents, od_pairs
from gloact_lib.analysis.disclosure import publish, publish_value
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.analysis.shared_cache import shared_flows
from gloact_lib.dashboards.base import Panel, url_country
from gloact_lib.dashboards.deck import Deck, map_slide
from gloact_lib.data.countries import country_name, name_key
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.i18n import t
from gloact_lib.views.html import (
    illustrative_badge,
    indicator_table,
    key_figure_cards,
    map_frame,
    notes,
    page_title,
    recommendation_list,
    table,
    text,
    treaty_section,
)
from gloact_lib.views.map_text import colon, fmt_number, pair_names

__all__ = ["CountryDashboard"]


class CountryDashboard(Panel):
    """One country: its role on the routes (Frontex detections first: real data), partners, treaty status,
    national figures, commitments, and migrants dead and missing recorded there or among its nationals.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
    country : str, default "NER"
        ISO alpha-3 code; a country the workbook does not serve shows the first one that it does.
    lang : {"en", "fr"}, default "en"
    present : bool, default False
        Presenter mode.
    """

    country = Unicode("NER")

    URL_PARAMETERS = ("country",)

    def __init__(self, con=None, country: str = "NER", lang: str = "en", present: bool = False, **kwargs):
        self._initial = country
        super().__init__(con, lang, present, **kwargs)

    def _layout(self, lang: str):
        self._choices = profiles.member_countries(self.con) or [self._initial]
        self.picker = w.Dropdown(options=self._options(lang), value=self._served(self._initial))
        self.header = w.HTML()
        self.roles = w.HTML()
        self.journeys = w.HTML()  # the roles in persons' journeys, apart from the Frontex ones (a slide each)
        self.map = w.HTML(layout=w.Layout(width="100%"))
        self.frontex = w.HTML()
        self.partners = w.HTML()
        self.legal = w.HTML()
        self.figures = w.HTML()
        self.commitments = w.HTML()
        self.deaths = w.HTML()
        self.picker.observe(lambda c: setattr(self, "country", c["new"]), names="value")
        slides = [self.roles, self.journeys, self.map, self.frontex, self.deaths, self.partners, self.legal,
                  self.figures, self.commitments]  # fmt: skip
        return [self.header, self.picker], slides, slides

    def _start(self) -> None:
        with self._quietly():
            self.country = self.picker.value
        self.refresh()

    def _served(self, country: str) -> str:
        """``country`` if the workbook serves it, else the first country it serves."""
        return country if country in self._choices else self._choices[0]

    def _options(self, lang: str):
        return sorted(((country_name(c, lang), c) for c in self._choices), key=lambda o: name_key(o[0]))

    def _relabel(self, lang: str) -> None:
        value = self.picker.value
        self.picker.options = self._options(lang)
        self.picker.value = value

    def _apply_parameters(self, params: dict[str, str]) -> None:
        self.picker.value = self._served(url_country(params.get("country", "NER")))

    @observe("country")
    def _country_changed(self, change) -> None:
        self._redraw()

    def refresh(self) -> None:
        """Redraw every panel for the current country and language."""
        lang, iso3 = self.lang, self.country
        name = country_name(iso3, lang)
        try:
            self.header.value = page_title(f"{t('country_title', lang)}{colon(lang)}{name}", lang)
            fx, mine = Selection(country=iso3, unit="detections", data="real"), Selection(country=iso3)
            real = self._real = shared_flows(self.con, fx, "country")
            flows = shared_flows(self.con, mine, "place")
            self.roles.value, self.journeys.value = self._roles(real, flows)
            shown = flows if real.empty else real  # the map of real detections where the country has some
            near = incidents(self.con, shown.selection, profiles.country_box(self.con, iso3))
            from gloact_lib.views.route_map import route_map  # folium: loaded by the first drawing, not the import

            m = route_map(shown, lang=lang, compact=True, title=name, incidents=near, show_incidents=True)
            sources = [*shown.summary["sources"], *(["IOM Missing Migrants Project"] if len(near) else [])]
            self.map.value = (map_slide(m, name, sources, lang) if self.presenting
                              else map_frame(m, name, height="560px"))  # fmt: skip
            self.frontex.value = self._frontex(iso3)
            self.partners.value = self._partners(iso3)
            self.legal.value = treaty_section(profiles.treaty_status(self.con, iso3), lang)
            self.figures.value = indicator_table(profiles.indicators(self.con, iso3), lang)
            self.commitments.value = self._commitments(iso3)
            self.deaths.value = self._deaths(iso3)
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _cards(self, flows: Flows, labels: dict[str, str]) -> tuple[list, list[str]]:
        """Key-figure cards of the country's roles in ``flows``, and the roles in which it has none."""
        mine = flows.roles[flows.roles["iso3"] == self.country].set_index("role")
        cards, missing = [], []
        for role, label in labels.items():
            if role not in mine.index:
                missing.append(t(role, self.lang).lower())
            elif mine.loc[role, "suppressed"]:
                cards.append((t("hidden", self.lang, n=flows.selection.threshold), label))
            else:
                cards.append((fmt_number(mine.loc[role, "persons"], self.lang), label))
        return cards, missing

    def _assigned(self) -> str:
        """The Frontex routes whose assigned departure country this country is, by name."""
        return ", ".join(r.name_fr if self.lang == "fr" else r.name for r in FRONTEX_ROUTES.values()
                         if self.country in r.via)  # fmt: skip

    def _roles(self, real: Flows, flows: Flows) -> tuple[str, str]:
        """The country's roles in the Frontex detections, and in the persons' journeys (two panels)."""
        lang, e = self.lang, html.escape
        name = country_name(self.country, lang)
        out = f"<h3>{e(t('role_on_routes', lang))}</h3><h4>{e(t('frontex_real', lang))}</h4>"
        if real.empty:
            out += f"<p>{e(t('fx_none', lang, country=name))}</p>"
        else:
            cards, missing = self._cards(real, {"origin": t("fx_nationals", lang), "transit": t("fx_transit", lang),
                                                "destination": t("fx_destination", lang)})  # fmt: skip
            lines = [t("none_recorded", lang, roles=", ".join(missing))] if missing else []
            if "transit" not in missing:
                lines.append(t("caveat_transit_country", lang, country=name, routes=self._assigned()))
            out += key_figure_cards(cards) + notes([*lines, t("caveat_detections", lang)], lang,
                                                   sources=[t("source_frontex", lang)])  # fmt: skip
        badge = f" {illustrative_badge(lang)}" if flows.summary["illustrative"] else ""
        frontex, out = out, f"<h4>{e(t('persons_journeys', lang))}{badge}</h4>"
        if flows.empty:
            return frontex, out + f"<p>{e(t('no_persons_journeys', lang, country=name))}</p>"
        cards, missing = self._cards(flows, {r: f"{t(r, lang)} · {t('persons', lang)}"
                                             for r in ("origin", "transit", "destination", "domestic")})  # fmt: skip
        lines = [t("none_recorded", lang, roles=", ".join(missing))] if missing else []
        if flows.summary["illustrative"]:
            lines.append(t("caveat_illustrative", lang))
        lines.append(t("suppression_note", lang, n=flows.selection.threshold))
        return frontex, out + key_figure_cards(cards) + notes(lines, lang)

    def _by_year(self, years: pd.DataFrame, rows: dict[str, str], shown) -> str:
        """A table with a column per year (and the total), a row per non-empty column of ``years``."""
        lang = self.lang
        rows = {column: label for column, label in rows.items() if years[column].sum() > 0}
        if self.presenting:  # a slide is not wide enough for a column per year: a row per year, the latest first
            body = [(t("account_total", lang), *(shown(years[c].sum()) for c in rows))] + [
                (str(y.year), *(shown(getattr(y, c)) for c in rows)) for y in years[::-1].itertuples()]
            return table(body, head=(t("year", lang), *rows.values()), numeric=range(1, len(rows) + 1),
                         row_heads=True)  # fmt: skip
        body = [(label, *(shown(v) for v in years[column]), shown(years[column].sum()))
                for column, label in rows.items()]  # fmt: skip
        head = (t("year", lang), *years["year"].astype(str), t("account_total", lang))
        years_table = table(body, head=head, numeric=range(1, len(head)), row_heads=True,
                            cls="gloact-table gloact-years")  # fmt: skip
        return ("<style>.gloact-years th { text-align: right; } .gloact-years th:first-child { text-align: left; }"
                f"</style><div style='overflow-x:auto'>{years_table}</div>")  # fmt: skip

    def _frontex(self, iso3: str) -> str:
        """The country's real Frontex detections by year, the routes of its nationals, sources and caveats."""
        lang, e = self.lang, html.escape
        name = country_name(iso3, lang)
        title = f"<h3>{e(t('frontex_by_year', lang, country=name))}</h3>"
        years = profiles.frontex_years(self.con, iso3)
        source = [t("source_frontex", lang)]
        if years.empty:
            return title + f"<p>{e(t('fx_none', lang, country=name))}</p>" + notes([], lang, sources=source)

        def shown(n) -> str:
            value = publish_value(int(n), 0, unit="detections")  # exact; small counts hidden as on every map
            return t("hidden_month", lang) if value is None else fmt_number(value, lang)

        out = title + self._by_year(years, {c: t(f"fx_{c}", lang) for c in ("nationals", "transit", "destination")},
                                    shown)  # fmt: skip
        routes = profiles.frontex_routes(self.con, iso3)
        routes = routes[routes["nationals"] >= Selection().threshold].head(3)
        names = {r.name: (r.name_fr if lang == "fr" else r.name) for r in FRONTEX_ROUTES.values()}
        lines = [t("caveat_detections", lang)]
        if not routes.empty:
            lines.insert(0, t("fx_routes_of_nationals", lang, routes="; ".join(
                f"{names.get(r.route, r.route)}{colon(lang)}{fmt_number(r.nationals, lang)}"
                for r in routes.itertuples())))  # fmt: skip
        if years["transit"].sum() > 0:
            lines.append(t("caveat_transit_country", lang, country=name, routes=self._assigned()))
        latest = profiles.frontex_latest(self.con)
        if latest is not None and (latest.month, latest.day) != (12, 31):
            lines.append(t("figures_until", lang, date=f"{latest:%Y-%m-%d}"))
        return out + notes(lines, lang, sources=source)

    def _partners(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        parts = []
        for label, selection, column in (("partners_out", Selection(origin=iso3), "destination"),
                                         ("partners_in", Selection(destination=iso3), "origin")):  # fmt: skip
            cells = publish(od_pairs(self.con, selection), **selection.disclosure)
            top = cells.dropna(subset=["persons"]).sort_values(["persons", column], ascending=[False, True]).head(5)
            rows = [(pair_names(r.origin, r.destination, r.scope, lang)[1 if column == "destination" else 0],
                     fmt_number(r.persons, lang)) for r in top.itertuples()]  # fmt: skip
            sample = f" {illustrative_badge(lang)}" if profiles.journey_count(
                self.con, selection.replace(data="illustrative")) else ""  # fmt: skip
            parts.append(f"<div style='flex:1'><h4>{e(t(label, lang, country=country_name(iso3, lang)))} · "
                         f"{e(t('persons', lang))}{sample}</h4>"
                         f"{table(rows, numeric=(1,), empty=t('none', lang))}</div>")  # fmt: skip
        return (f"<div style='display:flex;gap:24px'>{''.join(parts)}</div>"
                + notes([t("suppression_note", lang, n=Selection().threshold)], lang))  # fmt: skip

    def _commitments(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        met = profiles.meetings_attended(self.con, iso3)
        status = latest_status(self.con)
        current = {r.rec_id: r for r in status[status["iso3"] == iso3].itertuples()}
        recs = recommendations_for(self.con, iso3)
        if self.presenting:  # a slide has room for the gist: the whole texts are on the commitments dashboard
            recs = recs.assign(**{c: recs[c].map(lambda s: textwrap.shorten(text(s), 70, placeholder=" …"))
                                  for c in ("text_en", "text_fr")})  # fmt: skip

        def state(rec_id: str) -> str:
            r = current.get(rec_id)
            if r is None or pd.isna(r.date):
                return t("no_status", lang)
            flag = f", {t('illustrative_badge', lang).lower()}" if r.illustrative else ""
            return f"{t(r.status, lang)}, {r.date:%Y-%m-%d}{flag}"

        attended = "".join(f"<li>{e(text(m.title_fr if lang == 'fr' else m.title_en))} — {e(text(m.city))}, "
                           f"{m.start_date:%Y-%m-%d}</li>" for m in met.itertuples())  # fmt: skip
        note = "" if recs.empty else notes([t("translation_note", lang)], lang, sources=sorted(set(recs["source"])))
        return (f"<h3>{e(t('meetings_attended', lang))}</h3><ul>{attended or '<li>' + e(t('none', lang)) + '</li>'}"
                f"</ul><h3>{e(t('commitments', lang))}</h3>"
                + recommendation_list(recs, lang, states={r: state(r) for r in recs["rec_id"]}) + note)  # fmt: skip

    def _deaths(self, iso3: str) -> str:
        """IOM Missing Migrants figures: recorded in the country, and of its nationals anywhere, by year."""
        lang, e = self.lang, html.escape
        name = country_name(iso3, lang)
        found = profiles.incident_summary(self.con, iso3)
        years = profiles.incident_years(self.con, iso3)
        title = f"<h3>{e(t('deaths_nearby', lang, country=name))}</h3>"
        source = [t("source_mmp", lang)]
        if years.empty:
            return title + f"<p>{e(t('mmp_none', lang, country=name))}</p>" + notes([], lang, sources=source)
        said = [t("incidents_total", lang, dead=fmt_number(found["dead"], lang), n=fmt_number(found["incidents"], lang),
                  first=found["first"].year, last=found["last"].year) if found["incidents"]
                else f"{t('mmp_incidents_in', lang).capitalize()}{colon(lang)}{t('none', lang)}"]  # fmt: skip
        theirs = years[years["nationals_incidents"] > 0]
        if not theirs.empty:
            said.append(t("mmp_nationals_total", lang, dead=fmt_number(theirs["nationals_dead"].sum(), lang),
                          n=fmt_number(theirs["nationals_incidents"].sum(), lang), first=theirs["year"].min(),
                          last=theirs["year"].max()))  # fmt: skip
        rows = {"dead": t("mmp_dead_in", lang), "incidents": t("mmp_incidents_in", lang),
                "nationals_dead": t("mmp_dead_nationals", lang), "nationals_incidents": t("mmp_incidents_nationals",
                                                                                          lang)}  # fmt: skip
        lines = [t("caveat_incidents", lang)] + ([t("caveat_nationalities", lang)] if not theirs.empty else [])
        return (title + "".join(f"<p>{e(line)}</p>" for line in said)
                + self._by_year(years, rows, lambda n: fmt_number(n, lang))
                + notes(lines, lang, sources=source))  # fmt: skip

    def _deck(self) -> Deck:
        """Presenter mode: the country's title, its sources, and the key messages of its profile."""
        from gloact_lib.views.key_messages import country_messages

        lang = self.lang
        sources = [t("source_frontex", lang), t("source_mmp", lang)]
        return Deck(f"{t('country_title', lang)}{colon(lang)}{country_name(self.country, lang)}",
                    [f"{t('sources', lang)}{colon(lang)}{'; '.join(sources)}"],
                    country_messages(self.country, self._real, latest_status(self.con),
                                     profiles.incident_summary(self.con, self.country), lang))  # fmt: skip

    def published_table(self):
        """The view's figures as published (:func:`gloact_lib.views.downloads.country_table`), for its downloads."""
        from gloact_lib.views.downloads import country_table

        return country_table(self.con, self.country, self.lang)
