"""The pages of a briefing pack (:mod:`gloact_lib.views.briefing`), each one A4-landscape page.

Each builder returns :class:`Page` objects: an id, a title, an HTML body in which every text from data is
escaped, speaker notes (plain text) and how much of it comes from the illustrative sample (its title says
so).  A long table is split over continuation pages by an estimate of its rows' heights in millimetres
(``tests/views/test_briefing.py`` checks in Chromium that every page's content fits).  Maps carry no box:
their legend, notes and badge are beside them, where they hide no country of the meeting.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from gloact_lib.analysis import profiles
from gloact_lib.analysis.commitments import latest_status, status_matrix
from gloact_lib.analysis.flows import Flows
from gloact_lib.data.countries import country_name
from gloact_lib.i18n import t
from gloact_lib.views.html import (
    illustrative_badge,
    indicator_table,
    key_figure_cards,
    map_frame,
    notes,
    recommendation_list,
    status_table,
    text,
    treaty_matrix,
    treaty_text,
)
from gloact_lib.views.key_messages import commitment_messages, route_messages
from gloact_lib.views.map_elements import Literal, take_boxes
from gloact_lib.views.map_text import key_figures, off_map_box
from gloact_lib.views.route_map import route_map
from gloact_lib.views.sources import organisation_text, source_html, source_name

__all__ = ["BUDGET", "Context", "Page", "commitment_pages", "commitment_status", "figure_pages", "map_page",
           "message_page", "off_map_page", "source_pages", "title_page", "treaty_pages"]  # fmt: skip

e = html.escape
#: Height (mm) a page's body may fill: 210 mm less the margins, a title on two lines and the footer (161 mm),
#: less room for the estimates' errors.
BUDGET = 150.0
#: Map controls that are for the screen only: not printed, not on the PNGs.
PRINT_STYLE = ("<style>@media print { .leaflet-control-zoom, .leaflet-control-layers, .leaflet-control-attribution "
               "{ display: none !important; } }</style>")  # fmt: skip


@dataclass
class Page:
    """One page of the pack: ``sample`` is "" (real figures only), "some" or "all" (from the illustrative sample)."""

    id: str
    title: str
    body: str
    notes: list[str] = field(default_factory=list)
    sample: str = ""


@dataclass
class Context:
    """What every page of one pack is about: the meeting, its countries and period, and their flows."""

    con: object
    lang: str
    meeting: str
    info: dict
    countries: list[str]
    organisations: list[str]
    start: dt.date
    end: dt.date
    journeys: Flows
    frontex: Flows
    meetings: dict[str, str]  # a short name per meeting id: "Casablanca 2019"


def sample_level(*flags: tuple[bool, bool]) -> str:
    """"all", "some" or "" from (illustrative, real) pairs of the figures a page shows."""
    shown = [f for f in flags if f[0] or f[1]]
    if not any(f[0] for f in shown):
        return ""
    return "all" if not any(f[1] for f in shown) else "some"


def _flags(flows: Flows) -> tuple[bool, bool]:
    return bool(flows.summary["illustrative"]), bool(flows.summary["real"])


def _greedy(heights: list[float], budget: float) -> list[list[int]]:
    pages: list[list[int]] = [[]]
    used = 0.0
    for i, h in enumerate(heights):
        if pages[-1] and used + h > budget:
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += h
    return pages


def _pack(heights: list[float], budget: float) -> list[list[int]]:
    """Indices of items (rows of ``heights`` mm) over as few pages of ``budget`` mm as they need, evenly filled
    (16 rows on two pages are 8 and 8, not 15 and 1)."""
    pages = _greedy(heights, budget)
    target = sum(heights) / len(pages)
    while len(balanced := _greedy(heights, target)) > len(pages):
        target += 1.0
    return balanced


def _lines(value, per_line: int) -> int:
    return max(1, math.ceil(len(text(value)) / per_line))


def title_page(ctx: Context) -> Page:
    info, lang = ctx.info, ctx.lang
    names = ", ".join(country_name(c, lang) for c in ctx.countries)
    when = f"{info['start_date']:%Y-%m-%d} – {info['end_date']:%Y-%m-%d}"
    period = f"{ctx.start:%Y-%m-%d} – {ctx.end:%Y-%m-%d}"
    body = (f"<p class='lead'>{e(text(info['city']))}, {e(when)}</p>"
            f"<p><b>{e(t('briefing_participants', lang))}:</b> {e(names)}</p>"
            + (f"<p><b>{e(t('briefing_organisations', lang))}:</b> "
               f"{e(', '.join(organisation_text(o, lang) for o in ctx.organisations))}</p>"
               if ctx.organisations else "")
            + f"<p><b>{e(t('briefing_period', lang))}:</b> {e(period)}</p>"
            f"<p class='small'>{e(t('briefing_prepared', lang, date=dt.date.today().isoformat()))}</p>"
            f"<p class='small gloact-screen-only'>{e(t('bp_keys', lang))}</p>"
            f"<p class='small'>{e(t('source', lang))}: "
            f"{source_html(source_name(text(info['source']), lang), lang)}</p>")  # fmt: skip
    title = text(info["title_fr"] if lang == "fr" else info["title_en"])
    return Page("title", title, body, [t("bp_notes_title", lang, period=period)])


def commitment_status(ctx: Context) -> pd.DataFrame:
    """The latest status of the commitments of the meeting's countries adopted by the end of the meeting."""
    status = latest_status(ctx.con)
    adopted = pd.to_datetime(status["adopted"]) <= pd.Timestamp(ctx.info["end_date"])
    return status[status["iso3"].isin(ctx.countries) & adopted]


def message_page(ctx: Context, status: pd.DataFrame) -> Page:
    """3-5 sentences a speaker reads out: the real routes first, then where the commitments stand."""
    lang = ctx.lang
    real_journeys = ctx.journeys.summary["real"] and not ctx.journeys.summary["illustrative"]  # never the sample
    said = route_messages(ctx.frontex, lang)[: 2 if real_journeys else 4] if not ctx.frontex.empty else []
    flags = [_flags(ctx.frontex)] if said else []
    if real_journeys:
        said += route_messages(ctx.journeys, lang)[: 4 - len(said)]
        flags.append(_flags(ctx.journeys))
    said = said or route_messages(ctx.frontex, lang)  # "no detections recorded for this selection"
    commitments = commitment_messages(status, lang, ctx.meetings)
    if commitments:
        said.append(commitments[0])
        flags.append(_status_flags(status))
    items = []
    for sentence in said:
        found = re.match(r"^(.*) \(([^()]*)\)\.$", sentence, re.S)
        main, cite = (found.group(1), f"({found.group(2)})") if found else (sentence, "")
        items.append(f"<li>{e(main)} <span class='cite'>{e(cite)}</span></li>")
    body = f"<ol class='gloact-messages'>{''.join(items)}</ol>"
    return Page("messages", t("bp_messages", lang), body, [t("bp_notes_messages", lang)], sample_level(*flags))


def map_page(ctx: Context, vid: str, flows: Flows, title: str, notes_key: str, max_flows: int) -> Page:
    """A route map with its legend, notes, totals, caveats and sources beside it (never on it)."""
    lang = ctx.lang
    m = route_map(flows, lang=lang, title=t("legend", lang), max_flows=max_flows, compact=True)
    boxes = take_boxes(m)
    m.get_root().header.add_child(Literal(PRINT_STYLE), name="gloact_print")
    side = [f"<div class='gloact-badge'>{e(t('illustrative_badge', lang))}</div>"] if flows.summary[
        "illustrative"] else []  # fmt: skip
    side += [f"<div class='gloact-legend'>{box}</div>" for box in boxes.get("gloact-legend", [])]
    side += [f"<div class='gloact-note'>{box}</div>" for box in boxes.get("gloact-note", [])]
    if not flows.empty and flows.accounting["total"] is not None:
        shown = int((~flows.listed["suppressed"]).sum())  # the largest two listed, or three rather than "1 more"
        side.append(f"<div class='gloact-offmap'>{off_map_box(flows, lang, 2 if shown > 3 else None)}</div>")
    # the caveats of what the map draws (disclosure control is said on the key-figures and sources pages)
    caveats = ([t("caveat_detections", lang), t("caveat_transit_routes", lang)] if flows.selection.unit == "detections"
               else [t("caveat_cases", lang)])  # fmt: skip
    if flows.summary["illustrative"]:
        caveats.append(t("caveat_illustrative", lang))
    sources = [source_name(s, lang) for s in flows.summary["sources"]]
    side.append(notes(caveats, lang, sources=list(dict.fromkeys(sources))))
    body = (f"<div class='gloact-mapview'><div class='gloact-mapcol'>{map_frame(m, title, height='100%')}</div>"
            f"<div class='gloact-side'>{''.join(side)}</div></div>")  # fmt: skip
    page_notes = [t(notes_key, lang)] + ([t("bp_notes_sample", lang)] if flows.summary["illustrative"] else [])
    return Page(vid, title, body, page_notes, sample_level(_flags(flows)))


def figure_pages(ctx: Context) -> list[Page]:
    """The key figures (persons, detections), then the national figures over as many pages as they need."""
    lang, journeys, frontex = ctx.lang, ctx.journeys, ctx.frontex
    sample = journeys.summary["illustrative"]
    persons = t("bp_persons_sample" if sample and not journeys.summary["real"] else "bp_persons", lang)
    badge = f" {illustrative_badge(lang)}" if sample else ""
    body = (f"<h3>{e(persons)}{badge}</h3>{key_figure_cards(key_figures(journeys, lang))}"
            f"<h3>{e(t('bp_detections', lang))}</h3>{key_figure_cards(key_figures(frontex, lang))}")
    caveats = [t("caveat_cases", lang), t("caveat_detections", lang), t("caveat_transit_routes", lang),
               t("suppression_note", lang, n=journeys.selection.threshold)]  # fmt: skip
    if sample:
        caveats.append(t("caveat_illustrative", lang))
    page_notes = [t("bp_notes_figures", lang)] + ([t("bp_notes_sample", lang)] if sample else [])
    pages = [Page("figures", t("briefing_figures", lang), body + notes(caveats, lang), page_notes,
                  sample_level(_flags(journeys), _flags(frontex)))]  # fmt: skip
    national = profiles.indicators(ctx.con, ctx.countries)
    if national.empty:
        return pages
    per_line, heights, seen = (92 if lang == "en" else 85), [], set()  # characters on a line of the label column
    for r in national.itertuples():  # a row, and its source's lines under the table the first time it is cited
        cost = 2.5 + 5.5 * _lines(r.label_fr if lang == "fr" else r.label_en, per_line)
        source = source_name(text(r.source), lang)  # the sources are one paragraph, about 150 characters a line
        heights.append(cost + (0 if source in seen else 4.6 * (len(source) + 2) / 150))
        seen.add(source)
    for n, rows in enumerate(_pack(heights, BUDGET - 10), 1):
        chunk = national.iloc[rows]
        sources = sorted({source_name(text(s), lang) for s in chunk["source"]})
        lines = [t("caveat_illustrative", lang)] if chunk["illustrative"].any() else []
        real = bool((~chunk["illustrative"]).any())
        pages.append(Page("national" if n == 1 else f"national-{n}", t("bp_national", lang),
                          "<div class='gloact-national'>"
                          + indicator_table(chunk, lang, by_country=True).split("</h3>", 1)[-1] + "</div>"
                          + notes(lines, lang, sources=sources), [t("bp_notes_national", lang)],
                          sample_level((bool(chunk["illustrative"].any()), real))))  # fmt: skip
    return pages


def off_map_page(ctx: Context) -> Page:
    lang = ctx.lang
    boxes = "".join(f"<div class='gloact-offmap'>{off_map_box(f, lang, 10, t(key, lang))}</div>"
                    for f, key in ((ctx.journeys, "off_map_persons"), (ctx.frontex, "off_map_detections"))
                    if not f.empty)  # fmt: skip
    lines = [t("off_map_note", lang, n=ctx.journeys.selection.threshold)]
    if ctx.journeys.summary["illustrative"]:
        lines.append(t("caveat_illustrative", lang))
    shown = [_flags(f) for f in (ctx.journeys, ctx.frontex) if not f.empty]
    body = f"<div class='gloact-offmaps'>{boxes}</div>" + notes(lines, lang)
    return Page("off_map", t("briefing_off_map", lang), body, [t("bp_notes_off_map", lang)], sample_level(*shown))


def _status_flags(rows: pd.DataFrame) -> tuple[bool, bool]:
    """(illustrative, real) of the status updates among ``rows`` (a commitment with no update is neither)."""
    reported = rows["date"].notna()
    return bool((rows["illustrative"] & reported).any()), bool((~rows["illustrative"] & reported).any())


def _shares(rows: pd.DataFrame, lang: str) -> str:
    parts = []
    for iso3, mine in rows.groupby("iso3", sort=False):
        applicable = mine[mine["status"] != "not_applicable"]
        if len(applicable):
            parts.append(f"{country_name(iso3, lang)} {round(100 * (applicable['status'] == 'achieved').mean())}"
                         + ("\u202f%" if lang == "fr" else "%"))  # fmt: skip
    return f"<p class='small'><b>{e(t('bp_shares', lang))}:</b> {e(' · '.join(parts))}</p>" if parts else ""


def commitment_pages(ctx: Context, status: pd.DataFrame) -> list[Page]:
    """Per meeting (this one first, then the earlier ones that concern its countries): the status grid, the share
    achieved per country, and the recommendations, over as many pages as they need."""
    lang = ctx.lang
    notes_text = [t("bp_notes_commitments", lang)]
    if status.empty:
        return [Page("commitments", t("briefing_commitments", lang), f"<p>{e(t('none', lang))}</p>", notes_text)]
    pages: list[Page] = []
    order = status.sort_values(["adopted", "meeting_id"], ascending=False)["meeting_id"].drop_duplicates()
    for meeting_id in order:
        rows = status[status["meeting_id"] == meeting_id]
        title = t("bp_commitments_of", lang, meeting=ctx.meetings.get(meeting_id, meeting_id))
        level = sample_level(_status_flags(rows))
        caveat = [t("caveat_status_illustrative", lang)] if rows["illustrative"].any() else []
        silent = int((rows["date"].isna() & (rows["status"] == "not_started")).sum())
        if silent:
            caveat.append(t("bp_no_report", lang, n=silent))
        foot = notes([*caveat, t("translation_note", lang)], lang)
        recs = status_matrix(rows)[0]
        rec_heights = [1.5 + 4.6 * _lines(r.text_fr if lang == "fr" else r.text_en, 150) for r in recs.itertuples()]
        countries = list(dict.fromkeys(rows["iso3"]))
        grids = _pack([7.0] * len(countries), BUDGET - 25)
        for chunk in grids:
            part = rows[rows["iso3"].isin([countries[i] for i in chunk])]
            pages.append(Page("", title, status_table(part, lang, printable=True) + _shares(part, lang), notes_text,
                              level))  # fmt: skip
        used = 14 + 7.0 * len(grids[-1]) + 10
        listed = recommendation_list(recs, lang)
        heading = f"<h3>{e(t('bp_recommendations', lang))}</h3>"
        if used + sum(rec_heights) + 12 <= BUDGET:
            pages[-1].body += heading + listed + foot
        else:
            pages.append(Page("", title, heading + listed + foot, notes_text, level))
    for n, page in enumerate(pages, 1):
        page.id = "commitments" if n == 1 else f"commitments-{n}"
    return pages


def treaty_pages(ctx: Context) -> list[Page]:
    lang = ctx.lang
    treaties = profiles.treaty_status(ctx.con, ctx.countries)
    lines = {r.iso3: 0 for r in treaties.itertuples()}
    for r in treaties.itertuples():  # a cell is about 40 characters wide
        lines[r.iso3] = max(lines[r.iso3], _lines(treaty_text(r.action_date, r.action_type, r.verified, lang), 40))
    heights = [4.0 + 4.6 * lines.get(c, 1) for c in ctx.countries]
    pages = []
    for n, rows in enumerate(_pack(heights, BUDGET - 30), 1):
        chunk = [ctx.countries[i] for i in rows]
        pages.append(Page("treaties" if n == 1 else f"treaties-{n}", t("briefing_treaties", lang),
                          "<div class='gloact-treaties'>"
                          + treaty_matrix(treaties[treaties["iso3"].isin(chunk)], chunk, lang) + "</div>",
                          [t("bp_notes_treaties", lang)]))  # fmt: skip
    return pages


def source_pages(ctx: Context, status: pd.DataFrame) -> list[Page]:
    """Every source by its reader-facing name, then the caveats of every page (on more pages when they need it)."""
    lang = ctx.lang
    data = [*ctx.journeys.summary["sources"], *ctx.frontex.summary["sources"], *status["source"].dropna().astype(str)]
    national = profiles.indicators(ctx.con, ctx.countries)
    data += list(national["source"].dropna().astype(str))
    names = [source_name(s, lang) for s in data] + [t("source_mmp", lang), t("src_treaties", lang),
                                                     source_name(text(ctx.info["source"]), lang)]  # fmt: skip
    names = sorted(set(names), key=str.lower)
    caveats = [t("caveat_detections", lang), t("caveat_transit_routes", lang), t("caveat_cases", lang),
               t("caveat_incidents", lang), t("suppression_note", lang, n=ctx.journeys.selection.threshold),
               t("basemap_credit", lang), t("src_leaflet", lang)]  # fmt: skip
    listed = "<ul class='small'>" + "".join(f"<li>{e(c)}</li>" for c in caveats) + "</ul>"
    heights = [0.5 + 5.6 * _lines(s, 118) for s in names]  # 13 pt, about 118 characters a line
    chunks = _pack(heights, BUDGET - 8)
    pages = [Page("sources" if n == 1 else f"sources-{n}", t("briefing_sources", lang),
                  "<ul class='gloact-sources'>" + "".join(f"<li>{source_html(names[i], lang)}</li>" for i in chunk)
                  + "</ul>", [t("bp_notes_sources", lang)]) for n, chunk in enumerate(chunks, 1)]  # fmt: skip
    used = sum(heights[i] for i in chunks[-1])
    if used + sum(4.5 * _lines(c, 190) for c in caveats) + 6 <= BUDGET + 10:  # a title on one line: 10 mm more
        pages[-1].body += listed
    else:
        pages.append(Page(f"sources-{len(pages) + 1}", t("briefing_sources", lang), listed,
                          [t("bp_notes_sources", lang)]))  # fmt: skip
    return pages
