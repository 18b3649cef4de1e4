"""Briefing packs: a meeting's views as files that open with no network and no kernel.

:func:`build_briefing` renders, for a meeting (its countries and a period, in English or
French): a title page, the route map of the meeting's countries, the Frontex detections map,
key figures, the commitments status of the participants, treaty status, and sources — as

- one self-contained HTML file (every map interactive, no network, arrow keys move between
  views, ``F`` for full screen),
- one PNG per view, and
- one PDF, one A4 landscape page per view, printed by headless Chromium.

Every parameter (meeting, countries, period, language) is an argument, so the next meeting's
pack is prepared by changing parameters, not code.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gloact_lib import config
from gloact_lib.analysis import profiles
from gloact_lib.analysis.commitments import latest_status, progress, status_matrix
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.data.countries import country_name
from gloact_lib.i18n import t
from gloact_lib.views.assets import STYLESHEET
from gloact_lib.views.html import (
    indicator_table,
    key_figure_cards,
    map_frame,
    notes,
    recommendation_list,
    status_table,
    text,
    treaty_matrix,
)
from gloact_lib.views.map_text import key_figures, off_map_box
from gloact_lib.views.route_map import route_map

__all__ = ["Briefing", "build_briefing", "briefing_html"]


@dataclass
class Briefing:
    """The files of a briefing pack."""

    html: Path
    pdf: Path | None = None
    pngs: list[Path] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    seconds: float = 0.0


def briefing_html(con: duckdb.DuckDBPyConnection, meeting: str, lang: str = "en", countries=None,
                  start: dt.date | None = None, end: dt.date | None = None) -> tuple[str, list[str]]:  # fmt: skip
    """The briefing pack as one self-contained HTML page, and the ids of its views.

    Parameters
    ----------
    meeting : str
        A meeting id (``meetings`` table), e.g. ``"casablanca-2019"``.
    lang : {"en", "fr"}
    countries : list of str, optional
        ISO alpha-3 codes; default the meeting's participating countries.
    start, end : datetime.date, optional
        The period; default from 1 January two years before the meeting to its last day.
    """
    e = html.escape
    info = profiles.meeting(con, meeting)
    parts = profiles.participants(con, meeting)
    countries = list(countries or parts.loc[parts["participant_kind"] == "country", "iso3"])
    organisations = list(parts.loc[parts["participant_kind"] == "organisation", "organisation"].map(text))
    end = end or info["end_date"]
    start = start or dt.date(end.year - 2, 1, 1)
    title = info["title_fr"] if lang == "fr" else info["title_en"]
    journeys = Flows.from_db(con, Selection(country=countries, start=start, end=end))
    frontex = Flows.from_db(con, Selection(country=countries, start=start, end=end, unit="detections"),
                            level="country")  # fmt: skip
    views: list[tuple[str, str, str]] = []

    names = ", ".join(country_name(c, lang) for c in countries)
    when = f"{info['start_date']:%Y-%m-%d} – {info['end_date']:%Y-%m-%d}"
    views.append(("title", title, (
        f"<p class='lead'>{e(info['city'])}, {e(when)}</p>"
        f"<p><b>{e(t('briefing_participants', lang))}:</b> {e(names)}</p>"
        + (f"<p><b>{e(t('briefing_organisations', lang))}:</b> {e(', '.join(organisations))}</p>"
           if organisations else "")
        + f"<p><b>{e(t('briefing_period', lang))}:</b> {start:%Y-%m-%d} – {end:%Y-%m-%d}</p>"
        f"<p class='small'>{e(t('briefing_prepared', lang, date=dt.date.today().isoformat()))} "
        f"{e(t('briefing_keys', lang))}</p>"
        f"<p class='small'>{e(t('source', lang))}: {e(info['source'])}</p>"
    )))  # fmt: skip
    views.append(("routes", t("briefing_routes", lang),
                  map_frame(route_map(journeys, lang=lang, title=title), title, height="100%")))  # fmt: skip
    views.append(("frontex", t("briefing_frontex", lang),
                  map_frame(route_map(frontex, lang=lang, title="Frontex", max_flows=60), "Frontex",
                            height="100%")))  # fmt: skip

    figures = (f"<h3>{e(t('persons', lang))}</h3>{key_figure_cards(key_figures(journeys, lang))}"
               f"<h3>{e(t('detections', lang))} (Frontex)</h3>{key_figure_cards(key_figures(frontex, lang))}")
    national = profiles.indicators(con, countries)
    if not national.empty:
        figures += indicator_table(national.head(8), lang, by_country=True)
    caveats = [t("caveat_cases", lang), t("caveat_detections", lang),
               t("suppression_note", lang, n=journeys.selection.threshold)]  # fmt: skip
    if journeys.summary["illustrative"]:
        caveats.append(t("caveat_illustrative", lang))
    views.append(("figures", t("briefing_figures", lang), figures + notes(caveats, lang)))
    # every person on the maps or named: the totals in their parts, and what is listed rather than drawn
    views.append(("off_map", t("briefing_off_map", lang), "<div class='gloact-offmaps'>" + "".join(
        f"<div class='gloact-offmap'>{off_map_box(f, lang, 12, t(title, lang))}</div>"
        for f, title in ((journeys, "off_map_persons"), (frontex, "off_map_detections")) if not f.empty) + "</div>"
        + notes([t("off_map_note", lang, n=journeys.selection.threshold)], lang)))  # fmt: skip

    everyone = latest_status(con)
    status = everyone[everyone["iso3"].isin(countries)]
    if status.empty:
        commitments = f"<p>{e(t('none', lang))}</p>"
    else:
        prog = progress(con, status=everyone)
        prog = prog[prog["iso3"].isin(countries)]
        shares = "".join(f"<li>{e(country_name(r.iso3, lang))}: "
                         f"{e(t('share_achieved', lang, pct=round(100 * r.share_achieved)))}</li>"
                         for r in prog.itertuples())  # fmt: skip
        caveat = t("caveat_status_illustrative", lang) if status["illustrative"].any() else ""
        commitments = (status_table(status, lang, printable=True) + f"<ul>{shares}</ul>"
                       + recommendation_list(status_matrix(status)[0], lang)
                       + notes([f"{caveat} {t('translation_note', lang)}"], lang))  # fmt: skip
    views.append(("commitments", t("briefing_commitments", lang), commitments))
    views.append(("treaties", t("briefing_treaties", lang),
                  treaty_matrix(profiles.treaty_status(con, countries), countries, lang)))  # fmt: skip

    sources = sorted(set(journeys.summary["sources"]) | set(frontex.summary["sources"]) | {
        "Natural Earth (public domain)", "IOM Missing Migrants Project", str(info["source"])})  # fmt: skip
    caveats = [t("caveat_detections", lang), t("caveat_routes", lang), t("caveat_cases", lang),
               t("caveat_incidents", lang), t("suppression_note", lang, n=journeys.selection.threshold),
               t("basemap_credit", lang)]  # fmt: skip
    views.append(("sources", t("briefing_sources", lang),
                  "<ul>" + "".join(f"<li>{e(s)}</li>" for s in sources) + "</ul><ul class='small'>"
                  + "".join(f"<li>{e(c)}</li>" for c in caveats) + "</ul>"))  # fmt: skip

    sections = "".join(f"<section class='view' id='{vid}' data-view='{vid}'><h2>{e(heading)}</h2>"
                       f"<div class='body'>{body}</div></section>" for vid, heading, body in views)  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{e(title)}</title><style>{STYLESHEET}</style></head>
<body class="gloact-briefing">{sections}<script>{_JS}</script></body></html>"""
    return page, [v[0] for v in views]


_JS = """
document.addEventListener('keydown', function (ev) {
  var views = Array.prototype.slice.call(document.querySelectorAll('.view'));
  var current = views.findIndex(function (v) { return v.getBoundingClientRect().top > -50; });
  if (current < 0) { current = views.length - 1; }
  if (ev.key === 'ArrowRight' || ev.key === 'PageDown' || ev.key === ' ') {
    views[Math.min(current + 1, views.length - 1)].scrollIntoView(); ev.preventDefault();
  } else if (ev.key === 'ArrowLeft' || ev.key === 'PageUp') {
    views[Math.max(current - 1, 0)].scrollIntoView(); ev.preventDefault();
  } else if (ev.key === 'f' || ev.key === 'F') {
    if (!document.fullscreenElement) { document.documentElement.requestFullscreen(); }
    else { document.exitFullscreen(); }
  }
});
"""


def build_briefing(con: duckdb.DuckDBPyConnection, meeting: str, lang: str = "en", countries=None,
                   start: dt.date | None = None, end: dt.date | None = None, out: str | Path | None = None,
                   images: bool = True, progress=None) -> Briefing:  # fmt: skip
    """Write a meeting's briefing pack: HTML, one PNG per view, and a PDF.

    Parameters
    ----------
    meeting, lang, countries, start, end
        As for :func:`briefing_html`.
    out : str or Path, optional
        Folder (default ``maps/briefings/``); files are named ``<meeting>-<lang>.*``.
    images : bool, default True
        Also render the PNGs and the PDF with headless Chromium (Debian's ``chromium``).
    progress : callable, optional
        ``progress(done, total, step)``: the HTML page (total not known yet), then each PNG view and the
        PDF, and once at the end (:mod:`gloact_lib.progress`).

    Returns
    -------
    Briefing
    """
    started = time.perf_counter()
    folder = Path(out or config.MAPS_DIR / "briefings")
    folder.mkdir(parents=True, exist_ok=True)
    if progress is not None:
        progress(0, None, "HTML page")
    page, views = briefing_html(con, meeting, lang, countries, start, end)
    stem = f"{meeting}-{lang}"
    html_path = folder / f"{stem}.html"
    html_path.write_text(page, encoding="utf-8")
    pack = Briefing(html=html_path, views=views)
    total = 1 + (len(views) + 1 if images else 0)  # the page, then each PNG and the PDF
    if images:
        pack.pdf, pack.pngs = _render(html_path, folder, stem, views, progress, total)
    if progress is not None:
        progress(total, total, "")
    pack.seconds = time.perf_counter() - started
    return pack


def _render(html_path: Path, folder: Path, stem: str, views: list[str], progress=None,
            total: int = 0) -> tuple[Path, list[Path]]:  # fmt: skip
    """PNG per view and an A4-landscape PDF, printed by headless Chromium with the network cut."""
    from gloact_lib.views.chromium import launch

    if progress is not None:
        progress(1, total, "Chromium")
    with launch() as browser:
        page = browser.new_page(viewport={"width": 1123, "height": 794})  # A4 landscape at 96 dpi
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:"))
                   else r.abort())  # fmt: skip
        page.goto(html_path.as_uri())
        for frame in page.frames[1:]:
            frame.wait_for_selector(".gloact-legend", timeout=30_000)
        page.wait_for_timeout(500)
        pngs = []
        for number, view in enumerate(views, 1):
            path = folder / f"{stem}-{number:02d}-{view}.png"
            if progress is not None:
                progress(number, total, f"{view}.png")
            page.locator(f"#{view}").screenshot(path=str(path))
            pngs.append(path)
        pdf = folder / f"{stem}.pdf"
        if progress is not None:
            progress(total - 1, total, pdf.name)
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    return pdf, pngs
