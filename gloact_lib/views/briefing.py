"""Briefing packs: a meeting's pages as files that open with no network and no kernel.

:func:`build_briefing` renders, for a meeting (its countries and a period, in English or
French): a title page, key messages (each with its figure and source), the route map of the
meeting's countries, the Frontex detections map, key figures, national figures, everyone counted,
the commitments of the participants, treaty status, and sources — as

- one self-contained HTML file (every map interactive, no network, arrow keys move between
  pages, ``F`` for full screen, ``N`` shows the speaker notes),
- one PNG per page, as printed (no map controls), and
- one PDF, one A4 landscape page per page, printed by headless Chromium.

Every page has the meeting's name and its number at its foot; a page with figures from the
illustrative sample says so in its title; a long table goes on over continuation pages; maps
keep their legends beside them, where they hide no country of the meeting.  The pages are built
by :mod:`gloact_lib.views.briefing_pages`, their sentences by :mod:`gloact_lib.views.key_messages`.

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
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.i18n import t
from gloact_lib.views.assets import STYLESHEET
from gloact_lib.views.briefing_pages import (
    Context,
    commitment_pages,
    commitment_status,
    figure_pages,
    map_page,
    message_page,
    off_map_page,
    source_pages,
    title_page,
    treaty_pages,
)
from gloact_lib.views.html import text

__all__ = ["Briefing", "build_briefing", "briefing_html"]

e = html.escape


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
    """The briefing pack as one self-contained HTML page, and the ids of its pages.

    Every page is one A4-landscape sheet with the meeting's name and its number ("3 / 11") at its foot, and
    speaker notes that ``N`` shows on screen (never printed).  A page with figures from the illustrative
    sample says so in its title; a long table goes on over continuation pages ("Legal frameworks (continued)").

    Parameters
    ----------
    meeting : str
        A meeting id (``meetings`` table), e.g. ``"casablanca-2019"``.
    lang : {"en", "fr"}
    countries : list of str, optional
        ISO alpha-3 codes; default the meeting's participating countries.
    start, end : datetime.date, optional
        The period; default from 1 January two years before the meeting to its last day.

    Returns
    -------
    (str, list of str)
        The page, and its pages' ids: ``title``, ``messages``, ``routes``, ``frontex``, ``figures``,
        ``national`` (``national-2``...), ``off_map``, ``commitments`` (``commitments-2``...), ``treaties``
        (``treaties-2``...), ``sources`` (``sources-2``...).
    """
    info = profiles.meeting(con, meeting)
    parts = profiles.participants(con, meeting)
    countries = list(countries or parts.loc[parts["participant_kind"] == "country", "iso3"])
    end = end or info["end_date"]
    start = start or dt.date(end.year - 2, 1, 1)
    known = profiles.meetings(con)
    ctx = Context(con, lang, meeting, info, countries,
                  list(parts.loc[parts["participant_kind"] == "organisation", "organisation"].map(text)), start, end,
                  Flows.from_db(con, Selection(country=countries, start=start, end=end)),
                  Flows.from_db(con, Selection(country=countries, start=start, end=end, unit="detections"),
                                level="country"),
                  {r.meeting_id: f"{text(r.city)} {r.start_date:%Y}" for r in known.itertuples()})  # fmt: skip
    status = commitment_status(ctx)
    pages = [title_page(ctx), message_page(ctx, status),
             map_page(ctx, "routes", ctx.journeys, t("briefing_routes", lang), "bp_notes_routes", 80),
             map_page(ctx, "frontex", ctx.frontex, t("briefing_frontex", lang), "bp_notes_frontex", 60),
             *figure_pages(ctx), off_map_page(ctx), *commitment_pages(ctx, status), *treaty_pages(ctx),
             *source_pages(ctx, status)]  # fmt: skip
    title = pages[0].title
    running = f"{ctx.meetings.get(meeting, meeting)} — {title}"
    sections, seen = [], set()
    for number, page in enumerate(pages, 1):
        heading = page.title
        if page.title in seen and page.id != "title":
            heading = t("bp_continued", lang, title=heading)
        seen.add(page.title)
        if page.sample:
            heading = t("bp_title_sample" if page.sample == "all" else "bp_title_some_sample", lang, title=heading)
        said = f"<h4>{e(t('bp_notes', lang))}</h4>" + "".join(f"<p>{e(n)}</p>" for n in page.notes)
        sections.append(
            f"<section class='view' id='{page.id}' data-view='{page.id}'><h2>{e(heading)}</h2>"
            f"<div class='body'>{page.body}</div>"
            f"<footer class='gloact-pagefoot'><span>{e(running)}</span>"
            f"<span class='gloact-pageno'>{number} / {len(pages)}</span></footer>"
            f"<aside class='gloact-speaker-notes'>{said}</aside></section>")  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{e(running)}</title><style>{STYLESHEET}</style></head>
<body class="gloact-briefing">{''.join(sections)}<script>{_JS}</script></body></html>"""
    return page, [p.id for p in pages]


_JS = """
document.addEventListener('keydown', function (ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
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
  } else if (ev.key === 'n' || ev.key === 'N') {
    document.body.classList.toggle('gloact-show-notes');
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
            frame.wait_for_selector("path.gloact-country", state="attached", timeout=30_000)
        page.emulate_media(media="print")  # the PNGs are the printed pages: no map controls, no notes
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
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    return pdf, pngs
