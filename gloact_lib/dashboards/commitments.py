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
from gloact_lib.data.countries import country_name
from gloact_lib.i18n import t
from gloact_lib.views.assets import STATUS_COLOURS
from gloact_lib.views.html import (
    Markup,
    notes,
    page_title,
    recommendation_list,
    status_legend,
    status_table,
    table,
    text,
)

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
        self.grid = w.HTML()
        self.bars = w.HTML()
        self.changes = w.HTML()
        self.timeline = w.HTML()
        self._relabel(lang)
        self.since.observe(lambda c: setattr(self, "meeting", c["new"]), names="value")
        return [self.header], [self.grid, self.bars, self.since, self.changes, self.timeline], [
            self.grid, self.bars, self.changes, self.timeline]  # fmt: skip

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
            self.grid.value = self._grid(status, overdue(self.con), illustrative)
            self.bars.value = self._bars(progress(self.con, status=status))
            self.changes.value = (self._changes(changes_since(self.con, self.meeting)) if self.meeting
                                  else f"<p>{html.escape(t('no_changes', lang))}</p>")  # fmt: skip
            self.timeline.value = self._timeline()
            self._ok()
        except Exception as exc:  # the viewer sees a sentence, never a traceback
            self._fail(exc)

    def _grid(self, status: pd.DataFrame, late: pd.DataFrame, illustrative: bool) -> str:
        lang, e = self.lang, html.escape
        lines = [t("overdue", lang, months=12) + " (!)"]
        if illustrative:
            lines.append(t("caveat_status_illustrative", lang))
        return (f"<h3>{e(t('status_grid', lang))}</h3>{status_table(status, lang, late)}"
                f"<div class='gloact-notes'>{status_legend(status, lang)}<br>{'<br>'.join(e(n) for n in lines)}</div>"
                + recommendation_list(status_matrix(status)[0], lang, themes=True)
                + notes([t("translation_note", lang)], lang))  # fmt: skip

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
        m = self._meetings[self._meetings["meeting_id"] == self.meeting].iloc[0]  # IndexError: an unknown meeting
        title = f"<h3>{e(t('changes_since', lang, meeting=m.title_fr if lang == 'fr' else m.title_en))}</h3>"
        if changes.empty:
            return title + f"<p>{e(t('no_changes', lang))}</p>"
        rows = [(f"{r.date:%Y-%m-%d}", country_name(r.iso3, lang), r.number,
                 Markup(f"{e(t(r.previous_status, lang))} → <b>{e(t(r.status, lang))}</b>"), text(r.evidence))
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
                f"{e('; '.join(sorted(set(updates['source'].map(text)))))}</div>")  # fmt: skip

    def published_table(self):
        """The view's figures as published (:func:`gloact_lib.views.downloads.commitments_table`), for its downloads."""
        from gloact_lib.views.downloads import commitments_table

        return commitments_table(self.con, self.lang)
