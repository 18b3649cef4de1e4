"""The country profile: role on the routes, partners, treaties, national figures, commitments, deaths."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
from traitlets import Unicode, observe

from gloact_lib.analysis import profiles
from gloact_lib.analysis.commitments import latest_status, recommendations_for
from gloact_lib.analysis.counts import incidents, od_pairs
from gloact_lib.analysis.disclosure import publish
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.dashboards.base import Panel
from gloact_lib.data.countries import country_name
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
from gloact_lib.views.map_text import fmt_number, pair_names
from gloact_lib.views.route_map import route_map

__all__ = ["CountryDashboard"]


class CountryDashboard(Panel):
    """One country: its role on the routes, partners, treaty status, national figures,
    commitments, and migrants dead and missing recorded there.

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
        self.map = w.HTML(layout=w.Layout(width="100%"))
        self.partners = w.HTML()
        self.legal = w.HTML()
        self.figures = w.HTML()
        self.commitments = w.HTML()
        self.deaths = w.HTML()
        self.picker.observe(lambda c: setattr(self, "country", c["new"]), names="value")
        slides = [self.roles, self.map, self.partners, self.legal, self.figures, self.commitments, self.deaths]
        return [self.header, self.picker], slides, slides

    def _start(self) -> None:
        with self._quietly():
            self.country = self.picker.value
        self.refresh()

    def _served(self, country: str) -> str:
        """``country`` if the workbook serves it, else the first country it serves."""
        return country if country in self._choices else self._choices[0]

    def _options(self, lang: str):
        return sorted(((country_name(c, lang), c) for c in self._choices), key=lambda o: o[0])

    def _relabel(self, lang: str) -> None:
        value = self.picker.value
        self.picker.options = self._options(lang)
        self.picker.value = value

    def _apply_parameters(self, params: dict[str, str]) -> None:
        self.picker.value = self._served(params.get("country", "NER").upper())

    @observe("country")
    def _country_changed(self, change) -> None:
        self._redraw()

    def refresh(self) -> None:
        """Redraw every panel for the current country and language."""
        lang, iso3 = self.lang, self.country
        name = country_name(iso3, lang)
        try:
            self.header.value = page_title(f"{t('country_title', lang)}: {name}", lang)
            flows = Flows.from_db(self.con, Selection(country=iso3), level="place")
            self.roles.value = self._roles(flows)
            near = incidents(self.con, flows.selection, profiles.country_box(self.con, iso3))
            self.map.value = map_frame(route_map(flows, lang=lang, compact=True, title=name, incidents=near,
                                                 show_incidents=True), name, height="560px")  # fmt: skip
            self.partners.value = self._partners(iso3)
            self.legal.value = treaty_section(profiles.treaty_status(self.con, iso3), lang)
            self.figures.value = indicator_table(profiles.indicators(self.con, iso3), lang)
            self.commitments.value = self._commitments(iso3)
            self.deaths.value = self._deaths(iso3)
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _roles(self, flows: Flows) -> str:
        lang, e = self.lang, html.escape
        mine = flows.roles[flows.roles["iso3"] == self.country]
        cards = []
        for role in ("origin", "transit", "destination", "domestic"):
            row = mine[mine["role"] == role]
            if row.empty:
                value = "0"
            elif row.iloc[0]["suppressed"]:
                value = t("hidden", lang, n=flows.selection.threshold)
            else:
                value = fmt_number(row.iloc[0]["persons"], lang)
            cards.append((value, f"{t(role, lang)} · {t('persons', lang)}"))
        badge = (f"<div class='gloact-notes'>{illustrative_badge(lang)} {e(t('caveat_illustrative', lang))}</div>"
                 if flows.summary["illustrative"] else "")  # fmt: skip
        return (f"<h3>{e(t('role_on_routes', lang))}</h3>{key_figure_cards(cards)}{badge}"
                + notes([t("suppression_note", lang, n=flows.selection.threshold)], lang))  # fmt: skip

    def _partners(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        parts = []
        for label, selection, column in (("partners_out", Selection(origin=iso3), "destination"),
                                         ("partners_in", Selection(destination=iso3), "origin")):  # fmt: skip
            cells = publish(od_pairs(self.con, selection), **selection.disclosure)
            top = cells.dropna(subset=["persons"]).sort_values(["persons", column], ascending=[False, True]).head(5)
            rows = [(pair_names(r.origin, r.destination, r.scope, lang)[1 if column == "destination" else 0],
                     fmt_number(r.persons, lang)) for r in top.itertuples()]  # fmt: skip
            parts.append(f"<div style='flex:1'><h4>{e(t(label, lang, country=country_name(iso3, lang)))}</h4>"
                         f"{table(rows, numeric=(1,), empty=t('none', lang))}</div>")  # fmt: skip
        return (f"<div style='display:flex;gap:24px'>{''.join(parts)}</div>"
                + notes([t("suppression_note", lang, n=Selection().threshold)], lang))  # fmt: skip

    def _commitments(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        met = profiles.meetings_attended(self.con, iso3)
        status = latest_status(self.con)
        current = {r.rec_id: r for r in status[status["iso3"] == iso3].itertuples()}
        recs = recommendations_for(self.con, iso3)

        def state(rec_id: str) -> str:
            r = current.get(rec_id)
            if r is None or pd.isna(r.date):
                return t("no_status", lang)
            flag = f", {t('illustrative_badge', lang).lower()}" if r.illustrative else ""
            return f"{t(r.status, lang)}, {r.date:%Y-%m-%d}{flag}"

        attended = "".join(f"<li>{e(text(m.title_fr if lang == 'fr' else m.title_en))} — {e(text(m.city))}, "
                           f"{m.start_date:%Y-%m-%d}</li>" for m in met.itertuples())  # fmt: skip
        note = ("" if recs.empty else notes([f"{t('translation_note', lang)} {t('source', lang)}: "
                                             f"{'; '.join(sorted(set(recs['source'].map(text))))}"], lang))  # fmt: skip
        return (f"<h3>{e(t('meetings_attended', lang))}</h3><ul>{attended or '<li>' + e(t('none', lang)) + '</li>'}"
                f"</ul><h3>{e(t('commitments', lang))}</h3>"
                + recommendation_list(recs, lang, states={r: state(r) for r in recs["rec_id"]}) + note)  # fmt: skip

    def _deaths(self, iso3: str) -> str:
        lang, e = self.lang, html.escape
        found = profiles.incident_summary(self.con, iso3)
        title = f"<h3>{e(t('deaths_nearby', lang, country=country_name(iso3, lang)))}</h3>"
        if not found["incidents"]:
            return title + f"<p>{e(t('none', lang))}</p>"
        total = t("incidents_total", lang, dead=fmt_number(found["dead"], lang), n=fmt_number(found["incidents"], lang),
                  first=found["first"].year, last=found["last"].year)  # fmt: skip
        return title + f"<p>{e(total)}</p>" + notes([f"{t('caveat_incidents', lang)} {t('source', lang)}: "
                                                    "IOM Missing Migrants Project."], lang)  # fmt: skip
