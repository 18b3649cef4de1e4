"""The commitments dashboard: follow-up of the recommendations, country by country."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
from traitlets import Unicode, observe

from gloact_lib.analysis import profiles
from gloact_lib.analysis.commitments import (
    changes_since,
    latest_status,
    latest_updates,
    overdue,
    progress,
    status_matrix,
)
from gloact_lib.dashboards.base import Panel
from gloact_lib.dashboards.deck import Deck
from gloact_lib.data.countries import country_name, name_key
from gloact_lib.i18n import t
from gloact_lib.views.assets import STATUS_COLOURS
from gloact_lib.views.html import (
    Markup,
    illustrative_badge,
    notes,
    page_title,
    recommendation_list,
    status_legend,
    status_table,
    table,
    text,
)
from gloact_lib.views.map_text import colon
from gloact_lib.views.sources import evidence_text, source_html

__all__ = ["CommitmentsDashboard"]


class CommitmentsDashboard(Panel):
    """Follow-up of the recommendations: a country x recommendation status grid, progress bars,
    the latest updates, and what changed since a meeting.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
    lang : {"en", "fr"}, default "en"
    present : bool, default False
        Presenter mode.
    """

    meeting = Unicode("casablanca-2019")

    def _layout(self, lang: str):
        self._meetings = profiles.meetings(self.con)
        self.since = w.Dropdown(options=self._meeting_options(lang),
                                value=self._meetings["meeting_id"].iloc[-1] if len(self._meetings) else None,
                                layout=w.Layout(width="520px"))  # fmt: skip
        self.header = w.HTML()
        self.grids = {m: w.HTML() for m in self._meetings["meeting_id"]}  # one grid per meeting: its own numbering
        self.texts = {m: w.HTML() for m in self._meetings["meeting_id"]}  # and the texts of its recommendations
        self.bars = w.HTML()
        self.changes = w.HTML()
        self.timeline = w.HTML()
        self._relabel(lang)
        self.since.observe(lambda c: setattr(self, "meeting", c["new"]), names="value")
        self.no_grid = w.HTML()  # a sentence in place of the grids when no meeting has recommendations
        grids = [panel for m in self.grids for panel in (self.grids[m], self.texts[m])] + [self.no_grid]
        return [self.header], [*grids, self.bars, self.since, self.changes, self.timeline], [
            *grids, self.bars, self.changes, self.timeline]  # fmt: skip

    def _start(self) -> None:
        with self._quietly():
            self.meeting = self.since.value or ""  # no meeting at all in an empty database
        self.refresh()

    def _meeting_options(self, lang: str):
        return [(f"{m.title_fr if lang == 'fr' else m.title_en} ({m.city}, {m.end_date:%Y-%m})", m.meeting_id)
                for m in self._meetings.itertuples()]  # fmt: skip

    def _relabel(self, lang: str) -> None:
        value = self.since.value
        self.since.options = self._meeting_options(lang)
        self.since.value = value
        self.since.description = t("since_meeting", lang)

    @observe("meeting")
    def _meeting_changed(self, change) -> None:
        if change["new"] and self.since.value != change["new"]:
            self.since.value = change["new"]  # set from code: keep the control in step
        self._redraw()

    def refresh(self) -> None:
        """Redraw every panel."""
        lang = self.lang
        try:
            status = latest_status(self.con)
            illustrative = bool(status["illustrative"].any())
            self.header.value = page_title(t("commitments_title", lang), lang, illustrative)
            late = overdue(self.con)
            for meeting, grid in self.grids.items():
                mine = status[status["meeting_id"] == meeting]
                grid.value = self._grid(mine, late, bool(mine["illustrative"].any()), meeting) if len(mine) else ""
                self.texts[meeting].value = self._texts(mine, meeting) if len(mine) else ""
            shown = any(grid.value for grid in self.grids.values())
            self.no_grid.value = "" if shown else (f"<h3>{html.escape(t('status_grid', lang))}</h3>"
                                                   f"<p>{html.escape(t('none', lang))}</p>")  # fmt: skip
            self._status = status
            self.bars.value = self._bars(progress(self.con, status=status))
            self.changes.value = (self._changes(changes_since(self.con, self.meeting)) if self.meeting
                                  else f"<p>{html.escape(t('no_changes', lang))}</p>")  # fmt: skip
            self.timeline.value = self._timeline()
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _meeting_name(self, meeting: str) -> str:
        m = self._meetings[self._meetings["meeting_id"] == meeting].iloc[0]  # IndexError: an unknown meeting
        return f"{m.title_fr if self.lang == 'fr' else m.title_en} ({m.city}, {m.end_date:%Y})"

    def _grid(self, status: pd.DataFrame, late: pd.DataFrame, illustrative: bool, meeting: str) -> str:
        """One meeting's status grid (its recommendations are numbered from 1) and its legend."""
        lang, e = self.lang, html.escape
        lines = [t("overdue", lang, months=12) + " (!)"]
        countries = sorted(status["iso3"].unique(), key=lambda c: name_key(country_name(c, lang)))  # the grid's order
        if self.presenting and len(countries) > status["rec_id"].nunique():  # the grid's columns are codes
            lines.insert(0, " · ".join(f"{c} {country_name(c, lang)}" for c in countries))
        if illustrative:
            lines.append(t("caveat_status_illustrative", lang))
        badge = f" {illustrative_badge(lang)}" if illustrative else ""
        return (f"<h3>{e(self._meeting_name(meeting))}{colon(lang)}{e(t('status_grid', lang).lower())}{badge}</h3>"
                f"{status_table(status, lang, late, symbols=self.presenting)}"
                f"<div class='gloact-notes'>{status_legend(status, lang, symbols=self.presenting)}<br>"
                f"{'<br>'.join(e(n) for n in lines)}</div>")  # fmt: skip

    def _texts(self, status: pd.DataFrame, meeting: str) -> str:
        """The texts of one meeting's recommendations, by number, with their themes."""
        lang, e = self.lang, html.escape
        return (f"<h3>{e(self._meeting_name(meeting))}{colon(lang)}{e(t('recommendations', lang).lower())}</h3>"
                + recommendation_list(status_matrix(status)[0], lang, themes=True)
                + notes([t("translation_note", lang)], lang))  # fmt: skip

    def _bars(self, prog: pd.DataFrame) -> str:
        lang, e = self.lang, html.escape
        rows = []
        for r in sorted(prog.itertuples(), key=lambda r: name_key(country_name(r.iso3, lang))):  # by name, in lang
            applicable = max(r.items - r.not_applicable, 1)
            segments = "".join(
                f"<div title='{e(t(s, lang))}: {getattr(r, s)}' style='width:{100 * getattr(r, s) / applicable:.1f}%;"
                f"background:{STATUS_COLOURS[s]}'></div>" for s in ("achieved", "in_progress", "not_started")
            )  # fmt: skip
            pct = round(100 * r.share_achieved)
            rows.append(f"<div class='gloact-row' style='display:flex;align-items:center;gap:10px;margin:4px 0'>"
                        f"<div style='width:160px'>{e(country_name(r.iso3, lang))}</div>"
                        f"<div class='gloact-bar' style='display:flex;width:420px;height:16px;border:1px solid #999'>"
                        f"{segments}</div><div>{e(t('share_achieved', lang, pct=pct))}</div></div>")  # fmt: skip
        return f"<h3>{e(t('progress_by_country', lang))}</h3>" + "".join(rows)

    def _changes(self, changes: pd.DataFrame) -> str:
        lang, e = self.lang, html.escape
        m = self._meetings[self._meetings["meeting_id"] == self.meeting].iloc[0]  # IndexError: an unknown meeting
        title = f"<h3>{e(t('changes_since', lang, meeting=m.title_fr if lang == 'fr' else m.title_en))}</h3>"
        if changes.empty:
            return title + f"<p>{e(t('no_changes', lang))}</p>"
        rows = [(f"{r.date:%Y-%m-%d}", country_name(r.iso3, lang), r.number,
                 Markup(f"{e(t(r.previous_status, lang))} → <b>{e(t(r.status, lang))}</b>"),
                 evidence_text(r.evidence, lang))
                for r in changes.itertuples()]  # fmt: skip
        head = (t("date", lang), t("country", lang), t("recommendation", lang), "", t("evidence", lang))
        return title + table(rows, head)

    def _timeline(self) -> str:
        lang, e = self.lang, html.escape
        updates = latest_updates(self.con, 12)
        items = "".join(f"<li>{r.date:%Y-%m-%d} · {e(country_name(r.iso3, lang))} · {r.number} · "
                        f"{e(t(r.status, lang))}</li>" for r in updates.itertuples())  # fmt: skip
        return (f"<h3>{e(t('timeline', lang))}</h3><ul style='font-size:13px'>{items}</ul>"
                f"<div class='gloact-notes'>{e(t('sources', lang))}: "
                f"{'; '.join(sorted({source_html(s, lang) for s in updates['source'].map(text)}))}</div>")  # fmt: skip

    def _deck(self) -> Deck:
        """Presenter mode: the title, the meetings followed and the sources, the key messages."""
        from gloact_lib.views.key_messages import commitment_messages
        from gloact_lib.views.sources import source_name

        lang, status = self.lang, self._status
        meetings = [self._meeting_name(m) for m in self.grids if (status["meeting_id"] == m).any()]
        named = dict.fromkeys(source_name(s, lang) for s in sorted(set(status["source"].dropna().map(str))))
        sources = "; ".join(named)
        return Deck(t("commitments_title", lang), [" · ".join(meetings), f"{t('sources', lang)}{colon(lang)}{sources}"],
                    commitment_messages(status, lang), bool(status["illustrative"].any()))  # fmt: skip

    def published_table(self):
        """The view's figures as published (:func:`gloact_lib.views.downloads.commitments_table`), for its downloads."""
        from gloact_lib.views.downloads import commitments_table

        return commitments_table(self.con, self.lang)
