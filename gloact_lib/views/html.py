"""HTML pieces shared by the dashboards and the briefing packs, each written once.

Every function takes DataFrames or values and a language, and returns HTML in which every
text from data or from the label table is escaped; the classes it uses are styled by
:data:`gloact_lib.views.assets.STYLESHEET`.  :class:`Markup` marks a string that is already
HTML (built here from escaped parts), so that :func:`table` keeps it as it is.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

from gloact_lib.analysis.commitments import status_matrix
from gloact_lib.data.countries import country_name, name_key
from gloact_lib.i18n import label_or, t
from gloact_lib.views.assets import STATUS_COLOURS
from gloact_lib.views.map_text import fmt_number
from gloact_lib.views.sources import source_html, unit_text

__all__ = ["Markup", "illustrative_badge", "indicator_table", "key_figure_cards", "map_frame", "notes",
           "page_title", "recommendation_list", "status_legend", "status_table", "table", "text", "theme_label",
           "treaty_matrix", "treaty_section", "treaty_text", "trend_chart"]  # fmt: skip


class Markup(str):
    """A string that is already HTML (made of escaped parts): :func:`table` does not escape it again."""


def text(value) -> str:
    """A value from data as text: ``""`` for a missing one (None, NaN, NaT)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _e(value) -> str:
    return value if isinstance(value, Markup) else html.escape(text(value))


def _date(value) -> str:
    return f"{value:%Y-%m-%d}"


def theme_label(theme, lang: str) -> str:
    """A recommendation's theme in ``lang``; a theme with no label is shown as written."""
    return label_or("theme_" + str(theme), lang, str(theme or ""))


def illustrative_badge(lang: str) -> Markup:
    """The red "ILLUSTRATIVE DATA" badge."""
    return Markup(f"<span class='gloact-badge-inline'>{html.escape(t('illustrative_badge', lang))}</span>")


def page_title(title: str, lang: str, illustrative: bool = False) -> str:
    """A dashboard's title, with the illustrative badge when some of its figures are generated."""
    badge = f" {illustrative_badge(lang)}" if illustrative else ""
    return f"<h2 class='gloact-title'>{html.escape(title)}{badge}</h2>"


def notes(lines: Iterable[str], lang: str = "en", sources: Iterable[str] | None = None) -> str:
    """Caveats, one per line, then (when ``sources`` is given) the sources, or "none"."""
    body = "<br>".join(html.escape(line) for line in lines)
    if sources is not None:
        listed = "; ".join(dict.fromkeys(source_html(s, lang) for s in sources)) or html.escape(t("none", lang))
        body += f"<br><b>{html.escape(t('sources', lang))}:</b> {listed}"
    return f"<div class='gloact-notes'>{body}</div>"


def key_figure_cards(figures: Iterable[tuple[str, str]]) -> str:
    """Key-figure cards from (value, label) pairs, e.g. :func:`gloact_lib.views.route_map.key_figures`."""
    cards = "".join(f"<div class='gloact-kpi'><b>{_e(v)}</b><span>{_e(label)}</span></div>" for v, label in figures)
    return f"<div class='gloact-kpis'>{cards}</div>"


def map_frame(m, title: str, height: str = "640px") -> str:
    """A folium map as an iframe whose page is written inline (``srcdoc``): no request, no file."""
    page = m.get_root().render()
    return (f'<iframe class="gloact-map" title="{html.escape(title)}" srcdoc="{html.escape(page)}" '
            f'style="width:100%;height:{height};border:0"></iframe>')  # fmt: skip


def table(rows: Iterable[Sequence], head: Sequence | None = None, numeric: Iterable[int] = (),
          row_heads: bool = False, cls: str = "gloact-table", empty: str | None = None) -> str:  # fmt: skip
    """A table; every cell is escaped unless it is :class:`Markup`.

    Parameters
    ----------
    rows : iterable of sequences
        The cells of each row.
    head : sequence, optional
        Column headings.
    numeric : iterable of int
        Columns aligned right (counts).
    row_heads : bool, default False
        The first cell of each row is a heading (``<th>``).
    cls : str
        The table's classes.
    empty : str, optional
        One cell shown when there is no row.
    """
    numeric = set(numeric)

    def cell(i: int, value) -> str:
        if row_heads and i == 0:
            return f"<th>{_e(value)}</th>"
        return f"<td class='n'>{_e(value)}</td>" if i in numeric else f"<td>{_e(value)}</td>"

    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    if not body and empty is not None:
        body = f"<tr><td>{html.escape(empty)}</td></tr>"
    top = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>" if head is not None else ""
    return f"<table class='{cls}'>{top}{body}</table>"


def trend_chart(cells: pd.DataFrame, lang: str) -> str:
    """Monthly bars as inline SVG (no plotting library, nothing to download).

    Parameters
    ----------
    cells : DataFrame
        ``month`` and the published ``persons`` (:func:`gloact_lib.analysis.disclosure.publish`
        of :func:`gloact_lib.analysis.flows.monthly`): a hidden month is drawn as a grey stub.
    """
    e = html.escape
    title = f"<h4>{e(t('trend', lang))}</h4>"
    if cells.empty:
        return title + f"<p>{e(t('no_data', lang))}</p>"
    width, height, pad = 560, 170, 24
    months = pd.date_range(cells["month"].min(), cells["month"].max(), freq="MS")
    values = dict(zip(pd.to_datetime(cells["month"]), cells["persons"], strict=True))
    top = max(int(v) for v in cells["persons"].dropna()) if cells["persons"].notna().any() else 1
    bar = (width - pad) / max(len(months), 1)
    hidden = e(t("hidden_month", lang))
    parts = []
    for i, month in enumerate(months):
        v = values.get(month)
        x = pad + i * bar
        if v is None or pd.isna(v):
            if month in values:  # hidden, not zero
                parts.append(f"<rect x='{x:.1f}' y='{height - pad - 6}' width='{max(bar - 1, 1):.1f}' height='6' "
                             f"fill='#cfcfcf'><title>{hidden}</title></rect>")  # fmt: skip
            continue
        h = (height - 2 * pad) * int(v) / top
        label = e(f"{month:%Y-%m}: {fmt_number(v, lang)}")
        parts.append(f"<rect x='{x:.1f}' y='{height - pad - h:.1f}' width='{max(bar - 1, 1):.1f}' "
                     f"height='{h:.1f}' fill='#a23b2a'><title>{label}</title></rect>")  # fmt: skip
    for year in sorted({m.year for m in months}):
        i = next(k for k, m in enumerate(months) if m.year == year)
        if pad + i * bar > width - 30:  # no room for a last year that starts at the right edge: no cut label
            continue
        parts.append(f"<text x='{pad + i * bar:.1f}' y='{height - 6}' font-size='11' fill='#444'>{year}</text>")
    parts.append(f"<text x='2' y='14' font-size='11' fill='#444'>{e(fmt_number(top, lang))}</text>")
    svg = (f"<svg role='img' aria-label='{e(t('trend', lang))}' viewBox='0 0 {width} {height}' "
           f"width='100%' style='max-width:{width}px'>{''.join(parts)}</svg>")  # fmt: skip
    return title + svg


# -- legal frameworks ---------------------------------------------------------------------------


def treaty_text(action_date, action_type, verified, lang: str) -> str:
    """A country's status for one treaty: "party (ratification, 2004-08-19)", "not a party..."."""
    if pd.notna(action_date):
        action = label_or(f"action_{text(action_type)}", lang, text(action_type))
        status = t("party_since", lang, action=action, date=_date(action_date))
    else:
        status = t("not_party", lang)
    return status if verified else f"{status} — {t('unverified', lang)}"


def treaty_section(treaties: pd.DataFrame, lang: str) -> str:
    """One country's treaty status (rows of :func:`gloact_lib.analysis.profiles.treaty_status`), with sources."""
    rows = [(label_or(r.instrument, lang, r.instrument), treaty_text(r.action_date, r.action_type, r.verified, lang))
            for r in treaties.itertuples()]  # fmt: skip
    named = dict.fromkeys(source_html(s, lang) for s in sorted(set(treaties["source"])))  # one per collection
    sources = "".join(f"<div class='gloact-notes'>{html.escape(t('source', lang))}: {s}</div>" for s in named)
    return (f"<h3>{html.escape(t('treaty_status', lang))}</h3>{table(rows, empty=t('none', lang))}"
            f"{sources}")  # fmt: skip


def treaty_matrix(treaties: pd.DataFrame, countries: Sequence[str], lang: str,
                  instruments: Sequence[str] = ("UNTOC", "TIP_Protocol", "SOM_Protocol")) -> str:  # fmt: skip
    """Several countries' treaty status: one row per country, one column per treaty."""
    by_country: dict[str, dict[str, str]] = {}
    for r in treaties.itertuples():
        by_country.setdefault(r.iso3, {})[r.instrument] = treaty_text(r.action_date, r.action_type, r.verified, lang)
    rows = [[country_name(c, lang)] + [by_country.get(c, {}).get(i, "—") for i in instruments] for c in countries]
    head = [""] + [t(i, lang) for i in instruments]
    note = t("treaty_source", lang, unverified=t("unverified", lang))
    return (table(rows, head, row_heads=True, cls="gloact-table small")
            + f"<p class='small'>{html.escape(note)}</p>")  # fmt: skip


# -- national figures ---------------------------------------------------------------------------


def indicator_table(figures: pd.DataFrame, lang: str, by_country: bool = False) -> str:
    """National figures (rows of :func:`gloact_lib.analysis.profiles.indicators`) under a heading.

    ``by_country`` adds the country and leaves out the unit and the source (the briefing's
    short table); otherwise each row gives its unit, source and, for generated figures, the
    illustrative badge.
    """
    title = f"<h3>{html.escape(t('indicators', lang))}</h3>"
    if figures.empty:
        return title + f"<p>{html.escape(t('none', lang))}</p>"
    rows = []
    for r in figures.itertuples():
        label = r.label_fr if lang == "fr" else r.label_en
        period = f"{_date(r.period_start)} – {_date(r.period_end)}"
        if by_country:
            rows.append((country_name(r.iso3, lang), label, fmt_number(r.value, lang), period))
        else:
            badge = f" · {html.escape(t('illustrative_badge', lang))}" if r.illustrative else ""
            source = Markup(f"<span class='gloact-notes'>{source_html(text(r.source), lang)}{badge}</span>")
            rows.append((label, fmt_number(r.value, lang), unit_text(r.unit, lang), period, source))
    return title + table(rows, numeric=(2,) if by_country else (1,))


# -- commitments --------------------------------------------------------------------------------


#: A status as a sign, for a grid too wide for words (presenter mode); the colours say it too.
STATUS_SIGNS = {"achieved": "✓", "in_progress": "◐", "not_started": "○", "not_applicable": "⊘"}


def status_table(status: pd.DataFrame, lang: str, late: pd.DataFrame | None = None, printable: bool = False,
                 symbols: bool = False) -> str:  # fmt: skip
    """The country x recommendation status grid of :func:`gloact_lib.analysis.commitments.latest_status` rows.

    A recommendation may concern only some countries: its other cells read "not concerned".
    On screen, each cell is coloured, says its date in a tooltip and is marked ``!`` when
    overdue (``late``, rows of :func:`~gloact_lib.analysis.commitments.overdue`);
    ``printable`` cells are styled by class (``st <status>``) and say their status in words;
    with ``symbols`` a cell shows its sign (:data:`STATUS_SIGNS`, explained by :func:`status_legend`), and a
    grid of more countries than recommendations has a column per country (its code; its name in a tooltip).
    """
    e = html.escape
    recs, grid = status_matrix(status)
    grid = grid.loc[sorted(grid.index, key=lambda iso3: name_key(country_name(iso3, lang)))]  # by name, in lang
    dates = dict(zip(zip(status["iso3"], status["rec_id"], strict=True), status["date"], strict=True))
    late_keys = set(zip(late["rec_id"], late["iso3"], strict=True)) if late is not None else set()

    def cell(iso3: str, rec_id: str, state) -> str:
        if printable:
            key = "not_concerned" if pd.isna(state) else state
            return f"<td class='st {e(key)}'>{e(t(key, lang))}</td>"
        if pd.isna(state):
            return (f"<td class='gloact-cell' data-status='not_concerned' title='{e(rec_id)}: "
                    f"{e(t('not_concerned', lang))}' style='text-align:center;color:#999;border:1px solid #ddd'>–</td>")
        date = dates.get((iso3, rec_id))
        tip = f"{rec_id}: {t(state, lang)}" + (f" ({_date(date)})" if pd.notna(date) else "")
        mark = " <b class='gloact-late' style='color:#b00020'>!</b>" if (rec_id, iso3) in late_keys else ""
        shown = STATUS_SIGNS[state] if symbols else t(state, lang)
        return (f"<td class='gloact-cell' data-status='{e(state)}' title='{e(tip)}' "
                f"style='background:{STATUS_COLOURS[state]};text-align:center;"
                f"border:1px solid #bbb'>{e(shown)}{mark}</td>")  # fmt: skip

    if printable:
        head = "".join(f"<th>{r.number}</th>" for r in recs.itertuples())
    else:
        head = "".join(f"<th title='{e(r.text_fr if lang == 'fr' else r.text_en)}'>{r.number}</th>"
                       for r in recs.itertuples())  # fmt: skip
    row_head = "<th>{}</th>" if printable else "<th style='text-align:left'>{}</th>"
    if symbols and len(grid) > len(recs):  # more countries than recommendations: a column per country, by code
        head = "".join(f"<th title='{e(country_name(iso3, lang))}'>{e(iso3)}</th>" for iso3 in grid.index)
        rows = "".join(f"<tr>{row_head.format(r.number)}" + "".join(
            cell(iso3, r.rec_id, grid.loc[iso3, r.rec_id]) for iso3 in grid.index) + "</tr>"
            for r in recs.itertuples())  # fmt: skip
        return f"<table class='gloact-table gloact-grid'><tr><th></th>{head}</tr>{rows}</table>"
    rows = "".join(f"<tr>{row_head.format(e(country_name(iso3, lang)))}"
                   + "".join(cell(iso3, rec_id, state) for rec_id, state in statuses.items()) + "</tr>"
                   for iso3, statuses in grid.iterrows())  # fmt: skip
    return f"<table class='gloact-table gloact-grid'><tr><th></th>{head}</tr>{rows}</table>"


def status_legend(status: pd.DataFrame, lang: str, symbols: bool = False) -> str:
    """The colours (and with ``symbols`` the signs) of the on-screen grid, and "– not concerned" when a cell is."""
    legend = " ".join(f"<span class='gloact-swatch' style='background:{colour}'></span> "
                      + (f"{STATUS_SIGNS[s]} " if symbols else "") + html.escape(t(s, lang))
                      for s, colour in STATUS_COLOURS.items())  # fmt: skip
    if status_matrix(status)[1].isna().any().any():
        legend += f" – {html.escape(t('not_concerned', lang))}"
    return legend


#: Meetings whose recommendations the source does not word: the workbook team's summaries
#: (``data/reference/recommendations_niamey2018.csv``), marked "summary", never quoted as adopted.
SUMMARISED_MEETINGS = frozenset({"niamey-2018-06"})


def _recommendation_text(r, lang: str) -> str:
    """A recommendation's text (HTML): a summary says so; a text as adopted, shown in English, is a citation."""
    words = text(r.text_fr if lang == "fr" else r.text_en)
    if getattr(r, "meeting_id", None) in SUMMARISED_MEETINGS or text(r.text_en).endswith("(summary)"):
        marker = f"({t('rec_summary', lang)})"
        return html.escape(words if words.endswith(marker) else f"{words} {marker}")
    if lang == "en":
        return f"<q lang='en' class='gloact-citation'>{html.escape(words)}</q>"
    return html.escape(words)  # the workbook team's translation (see the label translation_note)


def recommendation_list(recs: pd.DataFrame, lang: str, themes: bool = False,
                        states: dict[str, str] | None = None) -> str:  # fmt: skip
    """Recommendations as a numbered list, in ``lang``; "none" when there is none.

    A text as adopted is quoted in English (``<q lang="en">``); a summary of the workbook team (a meeting of
    :data:`SUMMARISED_MEETINGS`, whose source gives no wording) is marked "summary".

    Parameters
    ----------
    recs : DataFrame
        ``number``, ``text_en``, ``text_fr``, ``meeting_id`` (and ``theme`` with ``themes``, ``rec_id`` with
        ``states``).
    themes : bool, default False
        Add each recommendation's theme.
    states : dict, optional
        A status text per ``rec_id``, added in bold.
    """
    e = html.escape
    items = []
    for r in recs.itertuples():
        item = f"<li>{r.number}. {_recommendation_text(r, lang)}"
        if themes:
            item += f" <i>({e(theme_label(r.theme, lang))})</i>"
        if states is not None:
            item += f" <b>({e(states[r.rec_id])})</b>"
        items.append(item + "</li>")
    return f"<ol class='gloact-recs'>{''.join(items) or '<li>' + e(t('none', lang)) + '</li>'}</ol>"
