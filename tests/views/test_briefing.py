"""Briefing packs: one HTML that works with the network cut, a PNG per page, an A4-landscape PDF.

Issue 13: every page numbered and titled with the meeting, a key-messages page, speaker notes (``N``), no map
control printed, legends hiding no country of the meeting, no table cut across pages, the illustrative sample
said in the title of exactly the pages that show it, no internal reference anywhere.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess

import pytest

from gloact_lib import config
from gloact_lib.data.database import connect
from gloact_lib.i18n import t
from gloact_lib.views.briefing import briefing_html, build_briefing

from ..browser import distinct_colours, watched_page
from ..conftest import ARTIFACTS

#: The pages of the Casablanca 2019 pack on the shipped data whose figures come (at least partly) from the sample:
#: the journeys, the commitments' status updates; not the Frontex detections, nor Niamey 2018's unreported rows.
SAMPLE_PAGES = {"messages", "routes", "figures", "off_map", "commitments"}
INTERNAL = ("FACTS.md", "github.com", ".csv", "gloact_lib", "seed ", "UNVERIFIED", "data/reference")


def _sections(page: str) -> dict[str, str]:
    """Each page's HTML (the maps' own pages left out), by id."""
    page = re.sub(r'srcdoc="[^"]*"', "", page)
    return dict(re.findall(r"<section class='view' id='([\w-]+)'.*?>(.*?)</section>", page, re.S))


def _printed(section: str) -> str:
    """The text of a page as printed: no speaker notes, no screen-only line, no tags."""
    section = re.sub(r"<aside class='gloact-speaker-notes'>.*?</aside>", "", section, flags=re.S)
    section = re.sub(r"<p class='small gloact-screen-only'>.*?</p>", "", section, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_briefing_is_parameterised(built_con):
    page, views = briefing_html(built_con, "niamey-2018-06", "en", countries=["NER", "MLI"],
                                start=dt.date(2017, 1, 1), end=dt.date(2018, 6, 19))  # fmt: skip
    assert views[:5] == ["title", "messages", "routes", "frontex", "figures"] and views[-1] == "sources"
    assert {"off_map", "commitments", "treaties"} <= set(views) and len(set(views)) == len(views)
    assert "Niger, Mali" in page and "2017-01-01 – 2018-06-19" in page
    fr, _ = briefing_html(built_con, "casablanca-2019", "fr")
    assert "Engagements : Casablanca 2019" in fr and "Maroc, Mali, Niger" in fr
    with pytest.raises(ValueError, match="unknown meeting"):
        briefing_html(built_con, "lagos-2030")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_numbered_titled_noted_and_free_of_internal_references(built_con, lang):
    page, views = briefing_html(built_con, "casablanca-2019", lang)
    sections = _sections(page)
    assert list(sections) == views
    title = "Second GLO.ACT sub-regional workshop" if lang == "en" else "Deuxième atelier sous-régional GLO.ACT"
    for number, (vid, section) in enumerate(sections.items(), 1):
        foot = re.search(r"<footer class='gloact-pagefoot'>(.*?)</footer>", section).group(1)
        assert f"Casablanca 2019 — {title}" in foot and f"{number} / {len(views)}" in foot, vid
        notes = re.search(r"<aside class='gloact-speaker-notes'>(.*?)</aside>", section, re.S).group(1)
        assert len(_printed(notes)) > 80, vid  # a few sentences: what the page shows, how to read it, caveat
        printed = _printed(section)
        assert not [word for word in INTERNAL if word in printed], (vid, printed)
    marked = {vid for vid, section in sections.items() if t("bp_marker", lang) in _printed(section)}
    assert marked == SAMPLE_PAGES
    for vid in SAMPLE_PAGES:  # in the title itself
        assert t("bp_marker", lang) in re.search(r"<h2>(.*?)</h2>", sections[vid]).group(1), vid
    messages = re.findall(r"<li>(.*?)</li>", sections["messages"])
    assert 3 <= len(messages) <= 5
    assert all(re.search(r"\d", m) and "class='cite'>(" in m for m in messages), messages  # a figure, a source


def _country_boxes(codes) -> dict[str, list[float]]:
    """Each country's largest polygon as [west, south, east, north] (France without Guiana, and so on)."""
    with open(config.BASEMAP_FILE, encoding="utf-8") as fh:
        features = {f["properties"]["iso3"]: f["geometry"] for f in json.load(fh)["features"]}
    boxes = {}
    for code in codes:
        geometry = features[code]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [[p for p in poly[0]] for poly in polygons]
        box = [[min(x for x, _ in r), min(y for _, y in r), max(x for x, _ in r), max(y for _, y in r)] for r in rings]
        boxes[code] = max(box, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    return boxes


_FIT = """() => {
  const bad = [];
  for (const v of document.querySelectorAll('section.view')) {
    const body = v.querySelector('.body'), limit = body.getBoundingClientRect();
    for (const box of [v, body, ...v.querySelectorAll('.gloact-side')]) {
      if (box.scrollHeight > box.clientHeight + 1) { bad.push([v.id, box.className, box.scrollHeight]); }
    }
    for (const el of body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.height > 0 && (r.bottom > limit.bottom + 1 || r.right > limit.right + 1)) {
        bad.push([v.id, el.tagName, Math.round(r.bottom - limit.bottom), Math.round(r.right - limit.right)]);
      }
    }
    let last = body; while (last.lastElementChild) { last = last.lastElementChild; }
    if (last.getBoundingClientRect().bottom > limit.bottom + 1) { bad.push([v.id, 'last element cut']); }
  }
  return bad;
}"""

_COVERED = """(boxes) => {
  const name = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
  const map = window[name], origin = map.getContainer().getBoundingClientRect();
  const out = [];
  const controls = Array.from(document.querySelectorAll('.leaflet-control'))
    .filter(c => getComputedStyle(c).display !== 'none' && c.getBoundingClientRect().width > 0);
  for (const [code, [w, s, e, n]] of Object.entries(boxes)) {
    const a = map.latLngToContainerPoint([n, w]), b = map.latLngToContainerPoint([s, e]);
    for (const c of controls) {
      const r = c.getBoundingClientRect();
      const x0 = r.left - origin.left, x1 = r.right - origin.left, y0 = r.top - origin.top, y1 = r.bottom - origin.top;
      if (x0 < b.x && x1 > a.x && y0 < b.y && y1 > a.y) { out.push([code, c.className]); }
    }
  }
  return [controls.length, out];
}"""

_HIDDEN_IN_PRINT = (".leaflet-control-zoom", ".leaflet-control-layers", ".leaflet-control-attribution")


@pytest.fixture(scope="module")
def packs(built_db, tmp_path_factory):
    """The Casablanca 2019 pack in French (HTML, PNG, PDF) and the Niamey 2018 conference's (16 countries) in
    English (HTML only)."""
    out = tmp_path_factory.mktemp("briefing")
    with connect(built_db, read_only=True) as con:
        casablanca = build_briefing(con, "casablanca-2019", "fr", out=out)
        niamey = build_briefing(con, "niamey-2018-06", "en", out=out, images=False)
        countries = {"casablanca-2019": ["MAR", "MLI", "NER"],
                     "niamey-2018-06": sorted(con.execute("SELECT iso3 FROM participants WHERE meeting_id = "
                                                          "'niamey-2018-06' AND iso3 <> ''").df()["iso3"])}  # fmt: skip
    return casablanca, niamey, countries


@pytest.mark.browser
def test_pages_fit_notes_toggle_and_maps_print_without_controls_or_covered_countries(packs, browser):
    casablanca, niamey, countries = packs
    for pack, meeting in ((casablanca, "casablanca-2019"), (niamey, "niamey-2018-06")):
        page, watch = watched_page(browser, 1366, 768)
        page.goto(pack.html.as_uri())
        maps = page.frames[1:]
        assert len(maps) == 2
        for frame in maps:
            frame.wait_for_selector("path.gloact-arc", state="attached", timeout=20_000)
            assert frame.locator(".leaflet-control-zoom").is_visible()  # on screen, the map is interactive
        notes = page.locator("#messages .gloact-speaker-notes")
        assert not notes.is_visible()
        page.locator("#messages").scroll_into_view_if_needed()
        page.keyboard.press("n")
        assert notes.is_visible() and len(notes.inner_text()) > 80
        page.emulate_media(media="print")
        assert not notes.is_visible()  # never printed
        assert page.evaluate(_FIT) == [], meeting
        boxes = _country_boxes(countries[meeting])
        for frame in maps:
            for selector in _HIDDEN_IN_PRINT:
                assert frame.eval_on_selector(selector, "c => getComputedStyle(c).display") == "none", selector
            visible, covered = frame.evaluate(_COVERED, boxes)
            assert visible <= 1 and covered == [], (meeting, covered)  # the scale only, over no meeting country
        # the legends are beside the maps, not on them
        for view in ("routes", "frontex"):
            frame_box = page.locator(f"#{view} iframe").bounding_box()
            legend = page.locator(f"#{view} .gloact-side .gloact-legend").bounding_box()
            assert legend["x"] >= frame_box["x"] + frame_box["width"], view
        page.keyboard.press("n")
        assert watch.external == [] and watch.errors == []
        page.close()


@pytest.mark.browser
def test_pdf_one_page_per_view_with_numbers_meeting_and_sample_said_in_titles(packs, tmp_path):
    pack = packs[0]
    views = pack.views
    assert [p.name for p in pack.pngs] == [f"casablanca-2019-fr-{i:02d}-{v}.png" for i, v in enumerate(views, 1)]
    info = subprocess.run(["pdfinfo", str(pack.pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {len(views)}" in info and "A4" in info
    assert shutil.which("pdftotext"), "pdftotext (Debian poppler-utils) is needed to check the PDF"
    text = subprocess.run(["pdftotext", str(pack.pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [" ".join(p.split()) for p in text.split("\f")][: len(views)]
    marker = t("bp_marker", "fr")
    for number, (vid, printed) in enumerate(zip(views, pages, strict=True), 1):
        assert f"{number} / {len(views)}" in printed, vid
        assert "Casablanca 2019 — Deuxième atelier sous-régional GLO.ACT" in printed, vid
        assert (marker in printed) == (vid in SAMPLE_PAGES), (vid, printed[:200])
        assert not [word for word in INTERNAL if word in printed], vid
        assert "Leaflet" not in printed or vid.startswith("sources"), vid  # no attribution control on the maps
    figures = pages[views.index("figures")]
    assert "Les cas détectés ne mesurent pas la prévalence" in figures  # the caveats under the figures print
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pack.pdf), str(tmp_path / "page")], check=True)
    rendered = sorted(tmp_path.glob("page-*.png"))
    colours = [distinct_colours(p.read_bytes(), step=3) for p in rendered]
    assert colours[views.index("routes")] > 30 and colours[views.index("frontex")] > 30, colours  # maps drawn
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for p in rendered[:4]:
        shutil.copy(p, ARTIFACTS / f"briefing-pdf-{p.name}")


@pytest.mark.browser
def test_pack_opens_offline(packs, browser):
    page, watch = watched_page(browser)
    page.goto(packs[1].html.as_uri())
    assert page.locator("section.view").count() == len(packs[1].views)
    for frame in page.frames[1:]:
        frame.wait_for_selector("path.gloact-arc", state="attached", timeout=20_000)
        assert frame.locator("path.gloact-country").count() > 100
    assert watch.external == [] and watch.errors == []
    page.close()
