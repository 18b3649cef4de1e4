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
import pandas as pd

from gloact_lib import config
from gloact_lib.analysis.commitments import STATUS_LABELS, latest_status, progress, status_matrix
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.data.countries import country_name
from gloact_lib.i18n import t
from gloact_lib.views.route_map import fmt_number, key_figures, route_map

__all__ = ["Briefing", "build_briefing", "briefing_html"]

_TEXT = {
    "participants": {"en": "Participants", "fr": "Participants"},
    "organisations": {"en": "Organisations", "fr": "Organisations"},
    "period_label": {"en": "Period covered", "fr": "Période couverte"},
    "prepared": {"en": "Briefing pack prepared on {date} with the GLO.ACT route workbook.",
                 "fr": "Dossier de réunion préparé le {date} avec le classeur des itinéraires GLO.ACT."},
    "routes_view": {"en": "Routes of the meeting's countries (journeys)",
                    "fr": "Itinéraires des pays de la réunion (parcours)"},
    "frontex_view": {"en": "Detections at the EU's external borders (Frontex)",
                     "fr": "Détections aux frontières extérieures de l'UE (Frontex)"},
    "figures_view": {"en": "Key figures", "fr": "Chiffres clés"},
    "commitments_view": {"en": "Commitments of the participants", "fr": "Engagements des participants"},
    "treaties_view": {"en": "Legal frameworks", "fr": "Cadres juridiques"},
    "sources_view": {"en": "Sources and caveats", "fr": "Sources et mises en garde"},
    "keys": {"en": "Use ← → to move between views, F for full screen.",
             "fr": "← → pour passer d'une vue à l'autre, F pour le plein écran."},
}  # fmt: skip


def _x(key: str, lang: str, **values) -> str:
    text = _TEXT[key][lang]
    return text.format(**values) if values else text


@dataclass
class Briefing:
    """The files of a briefing pack."""

    html: Path
    pdf: Path | None = None
    pngs: list[Path] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _meeting(con, meeting_id: str) -> dict:
    cur = con.execute("SELECT * FROM meetings WHERE meeting_id = ?", [meeting_id])
    rows = cur.fetchall()
    if not rows:
        known = ", ".join(r[0] for r in con.execute("SELECT meeting_id FROM meetings ORDER BY 1").fetchall())
        if not known:
            raise ValueError(f"unknown meeting {meeting_id!r}: no meeting in the database (import meetings.csv)")
        raise ValueError(f"unknown meeting {meeting_id!r}: expected one of {known}")
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def _iframe(m, title: str) -> str:
    page = m.get_root().render()
    return (f'<iframe class="gloact-map" title="{html.escape(title)}" srcdoc="{html.escape(page)}" '
            'style="width:100%;height:100%;border:0"></iframe>')  # fmt: skip


def _kpis(flows: Flows, lang: str) -> str:
    e = html.escape
    cards = "".join(f"<div class='kpi'><b>{e(v)}</b><span>{e(k)}</span></div>" for v, k in key_figures(flows, lang))
    return f"<div class='kpis'>{cards}</div>"


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
    info = _meeting(con, meeting)
    parts = con.execute(
        "SELECT participant_kind, iso3, organisation FROM participants WHERE meeting_id = ? ORDER BY 2, 3", [meeting]
    ).fetchall()  # fmt: skip
    countries = list(countries or [p[1] for p in parts if p[0] == "country"])
    organisations = [p[2] for p in parts if p[0] == "organisation"]
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
        f"<p><b>{e(_x('participants', lang))}:</b> {e(names)}</p>"
        + (f"<p><b>{e(_x('organisations', lang))}:</b> {e(', '.join(organisations))}</p>" if organisations else "")
        + f"<p><b>{e(_x('period_label', lang))}:</b> {start:%Y-%m-%d} – {end:%Y-%m-%d}</p>"
        f"<p class='small'>{e(_x('prepared', lang, date=dt.date.today().isoformat()))} {e(_x('keys', lang))}</p>"
        f"<p class='small'>{e(t('source', lang))}: {e(info['source'])}</p>"
    )))  # fmt: skip
    views.append(("routes", _x("routes_view", lang), _iframe(route_map(journeys, lang=lang, title=title), title)))
    views.append(("frontex", _x("frontex_view", lang),
                  _iframe(route_map(frontex, lang=lang, title="Frontex", max_flows=60), "Frontex")))  # fmt: skip

    figures = (f"<h3>{e(t('persons', lang))}</h3>{_kpis(journeys, lang)}"
               f"<h3>{e(t('detections', lang))} (Frontex)</h3>{_kpis(frontex, lang)}")  # fmt: skip
    indicators = con.execute(
        f"SELECT iso3, label_en, label_fr, value, unit, period_start, period_end, source FROM indicators "
        f"WHERE iso3 IN ({', '.join('?' * len(countries))}) ORDER BY iso3, period_start", countries
    ).fetchall() if countries else []  # fmt: skip
    if indicators:
        rows = "".join(f"<tr><td>{e(country_name(i, lang))}</td><td>{e(fr if lang == 'fr' else en)}</td>"
                       f"<td class='n'>{e(fmt_number(v, lang))}</td><td>{s:%Y-%m-%d} – {t_:%Y-%m-%d}</td></tr>"
                       for i, en, fr, v, _u, s, t_, _src in indicators[:8])  # fmt: skip
        figures += f"<h3>{e(t('indicators', lang))}</h3><table>{rows}</table>"
    notes = [t("caveat_cases", lang), t("caveat_detections", lang),
             t("suppression_note", lang, n=journeys.selection.threshold)]  # fmt: skip
    if journeys.summary["illustrative"]:
        notes.append(t("caveat_illustrative", lang))
    figures += "<p class='small'>" + "<br>".join(e(n) for n in notes) + "</p>"
    views.append(("figures", _x("figures_view", lang), figures))

    status = latest_status(con)
    status = status[status["iso3"].isin(countries)]
    if status.empty:
        commitments = f"<p>{e(t('none', lang))}</p>"
    else:
        # A recommendation may concern only some of the countries: their other cells are "not concerned".
        recs, grid = status_matrix(status)
        head = "".join(f"<th>{r.number}</th>" for r in recs.itertuples())
        body = ""
        for iso3, statuses in grid.iterrows():
            cells = "".join(f"<td class='st {s}'>{e(STATUS_LABELS[s][lang])}</td>" if not pd.isna(s)
                            else f"<td class='st not_concerned'>{e(t('not_concerned', lang))}</td>"
                            for s in statuses)  # fmt: skip
            body += f"<tr><th>{e(country_name(iso3, lang))}</th>{cells}</tr>"
        prog = progress(con)
        prog = prog[prog["iso3"].isin(countries)]
        bars = "".join(
            f"<li>{e(country_name(r.iso3, lang))}: {e(t('share_achieved', lang, pct=round(100 * r.share_achieved)))}"
            "</li>"
            for r in prog.itertuples()
        )
        texts = "".join(
            f"<li>{r.number}. {e(r.text_fr if lang == 'fr' else r.text_en)}</li>" for r in recs.itertuples()
        )
        caveat = t("caveat_status_illustrative", lang) if status["illustrative"].any() else ""
        commitments = (
            f"<table class='grid'><tr><th></th>{head}</tr>{body}</table><ul>{bars}</ul><ol class='recs'>{texts}</ol>"
            f"<p class='small'>{e(caveat)} {e(t('translation_note', lang))}</p>"
        )
    views.append(("commitments", _x("commitments_view", lang), commitments))

    treaties = con.execute(
        f"SELECT iso3, instrument, action_date, action_type, verified FROM treaties WHERE iso3 IN "
        f"({', '.join('?' * len(countries))}) ORDER BY iso3", countries
    ).fetchall() if countries else []  # fmt: skip
    by_country: dict[str, dict[str, str]] = {}
    for iso3, instrument, date, action, verified in treaties:
        text = (t("party_since", lang, action=action or "", date=f"{date:%Y-%m-%d}") if date is not None
                else t("not_party", lang)) + ("" if verified else f" — {t('unverified', lang)}")  # fmt: skip
        by_country.setdefault(iso3, {})[instrument] = text
    instruments = ("UNTOC", "TIP_Protocol", "SOM_Protocol")
    rows = "".join(
        f"<tr><th>{e(country_name(c, lang))}</th>"
        + "".join(f"<td>{e(by_country.get(c, {}).get(i, '—'))}</td>" for i in instruments)
        + "</tr>"
        for c in countries
    )
    legal = (f"<table class='small'><tr><th></th>{''.join(f'<th>{e(t(i, lang))}</th>' for i in instruments)}</tr>"
             f"{rows}</table><p class='small'>UN Treaty Collection (2014 snapshot, github.com/zmjones/untreaties); "
             f"{e(t('unverified', lang))}: UNVERIFIED in data/reference/FACTS.md.</p>")  # fmt: skip
    views.append(("treaties", _x("treaties_view", lang), legal))

    sources = sorted(set(journeys.summary["sources"]) | set(frontex.summary["sources"]) | {
        "Natural Earth (public domain)", "IOM Missing Migrants Project", str(info["source"])})  # fmt: skip
    caveats = [t("caveat_detections", lang), t("caveat_routes", lang), t("caveat_cases", lang),
               t("caveat_incidents", lang), t("suppression_note", lang, n=journeys.selection.threshold),
               t("basemap_credit", lang)]  # fmt: skip
    views.append(("sources", _x("sources_view", lang),
                  "<ul>" + "".join(f"<li>{e(s)}</li>" for s in sources) + "</ul><ul class='small'>"
                  + "".join(f"<li>{e(c)}</li>" for c in caveats) + "</ul>"))  # fmt: skip

    sections = "".join(f"<section class='view' id='{vid}' data-view='{vid}'><h2>{e(heading)}</h2>"
                       f"<div class='body'>{body}</div></section>" for vid, heading, body in views)  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{e(title)}</title><style>{_CSS}</style></head><body>{sections}<script>{_JS}</script></body></html>"""
    return page, [v[0] for v in views]


_CSS = """
@page { size: A4 landscape; margin: 0; }
html, body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
.view { box-sizing: border-box; width: 297mm; height: 210mm; padding: 12mm 14mm; overflow: hidden;
  page-break-after: always; break-after: page; display: flex; flex-direction: column; background: #fff; }
.view h2 { margin: 0 0 6mm; font-size: 22pt; color: #7a2b1f; }
.view .body { flex: 1; min-height: 0; font-size: 13pt; }
#title h2 { font-size: 28pt; margin-top: 30mm; }
.lead { font-size: 18pt; }
.small { font-size: 10pt; color: #444; }
.kpis { display: flex; gap: 6mm; flex-wrap: wrap; margin-bottom: 4mm; }
.kpi { background: #f6f7f9; border-left: 4px solid #a23b2a; padding: 3mm 5mm; min-width: 45mm; }
.kpi b { display: block; font-size: 18pt; } .kpi span { font-size: 10pt; color: #555; }
table { border-collapse: collapse; font-size: 11pt; } td, th { border-bottom: 1px solid #ddd; padding: 1.5mm 3mm;
  text-align: left; } td.n { text-align: right; }
.grid td.st { text-align: center; border: 1px solid #bbb; font-size: 10pt; }
.st.achieved { background: #009E73; color: #fff; } .st.in_progress { background: #E69F00; }
.st.not_started { background: #d0d0d0; } .st.not_applicable { background: #fff; }
.st.not_concerned { background: #fff; color: #999; }
.recs { font-size: 10pt; list-style: none; padding-left: 0; }
@media screen { body { background: #555; } .view { margin: 8mm auto; box-shadow: 0 2px 10px rgba(0,0,0,.4); } }
"""

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
                   images: bool = True) -> Briefing:  # fmt: skip
    """Write a meeting's briefing pack: HTML, one PNG per view, and a PDF.

    Parameters
    ----------
    meeting, lang, countries, start, end
        As for :func:`briefing_html`.
    out : str or Path, optional
        Folder (default ``maps/briefings/``); files are named ``<meeting>-<lang>.*``.
    images : bool, default True
        Also render the PNGs and the PDF with headless Chromium (Debian's ``chromium``).

    Returns
    -------
    Briefing
    """
    started = time.perf_counter()
    folder = Path(out or config.MAPS_DIR / "briefings")
    folder.mkdir(parents=True, exist_ok=True)
    page, views = briefing_html(con, meeting, lang, countries, start, end)
    stem = f"{meeting}-{lang}"
    html_path = folder / f"{stem}.html"
    html_path.write_text(page, encoding="utf-8")
    pack = Briefing(html=html_path, views=views)
    if images:
        pack.pdf, pack.pngs = _render(html_path, folder, stem, views)
    pack.seconds = time.perf_counter() - started
    return pack


def _render(html_path: Path, folder: Path, stem: str, views: list[str]) -> tuple[Path, list[Path]]:
    """PNG per view and an A4-landscape PDF, printed by headless Chromium with the network cut."""
    from gloact_lib.app.chromium import launch

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
            page.locator(f"#{view}").screenshot(path=str(path))
            pngs.append(path)
        pdf = folder / f"{stem}.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    return pdf, pngs
