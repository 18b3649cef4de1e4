"""Presenter mode on a 1366×768 projector: every slide of every dashboard, in English and French.

Each slide is checked as the back row of a room would see it: one slide at a time with its number,
no control on it, body text of at least 24 px and nothing under 16 px (the map's text and the chart's
included), and nothing overflowing or cut at the slide's edge.
"""

from __future__ import annotations

import pytest

from gloact_lib.app.harness import voila_server

from ..browser import watched_page
from ..conftest import ARTIFACTS
from ..test_french_everywhere import english_strings, shown_texts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: What is measured on the slide shown (run in the page).
MEASURE = """() => {
  const slides = [...document.querySelectorAll('.gloact-present .gloact-slide')]
    .filter(s => s.textContent.trim() || s.querySelector('iframe, svg'));
  const active = slides.filter(s => s.classList.contains('gloact-active') && s.getClientRects().length);
  const slide = active[0];
  const box = slide.getBoundingClientRect();
  const seen = el => { const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'
      && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth; };
  const texts = (doc, root, scale) => {
    const out = [], walk = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement, text = n.textContent.trim();
      if (!text || !el || !seen(el)) continue;
      let size = parseFloat(getComputedStyle(el).fontSize);
      if (el.closest('svg')) { const ctm = el.getScreenCTM(); size *= ctm ? ctm.a : 1; }
      const r = el.getBoundingClientRect();
      out.push({text: text.slice(0, 60), size: size * scale, svg: !!el.closest('svg'),
                bottom: r.bottom, right: r.right});
    }
    return out;
  };
  const own = texts(document, slide, 1);
  let map = [];
  for (const frame of slide.querySelectorAll('iframe.gloact-map')) {
    const doc = frame.contentDocument;
    if (doc && doc.body) map = map.concat(texts(doc, doc.body, 1));
  }
  const controls = [...document.querySelectorAll('input, select, button, textarea, .widget-dropdown')]
    .filter(seen).map(el => el.outerHTML.slice(0, 80));
  const cut = own.filter(t => t.bottom > box.bottom + 1 || t.right > box.right + 1).map(t => t.text);
  const footer = document.querySelector('.gloact-deck-footer');
  return {count: active.length, total: slides.length, footer: footer ? footer.innerText : '',
          overflow: slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1,
          html: own.filter(t => !t.svg), svg: own.filter(t => t.svg), map, controls, cut,
          text: slide.innerText};
}"""

PAGES = [
    ("routes", "routes.ipynb?present=1&lang=en", "Trafficking"),
    ("routes-fr", "routes.ipynb?present=1&lang=fr&period=2016-2019", "Itinéraires"),
    ("routes-sample", "routes.ipynb?present=1&lang=en&unit=persons&data=all", "ILLUSTRATIVE"),
    ("country-fr", "country.ipynb?present=1&lang=fr&country=MLI", "Mali"),
    ("commitments", "commitments.ipynb?present=1&lang=en", "ommitments"),
]


@pytest.fixture(scope="module")
def server(built_db):
    with voila_server(built_db, built_db.parent / "serve-presenter.log") as served:
        yield served[0]


@pytest.mark.parametrize(("name", "path", "title"), PAGES, ids=[p[0] for p in PAGES])
def test_every_slide_reads_from_the_back_of_the_room(server, browser, name, path, title):
    page, watch = watched_page(browser, 1366, 768)
    page.goto(f"{server}/voila/render/{path}")
    page.wait_for_function("document.querySelector('.gloact-deck-footer .n') && "
                           "document.querySelector('.gloact-deck-meta')", timeout=90_000)  # fmt: skip
    page.wait_for_timeout(800)
    first = page.evaluate(MEASURE)
    assert first["total"] >= 5 and first["footer"].endswith(f"1 / {first['total']}"), first["footer"]
    assert title in first["text"]  # the title slide
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for k in range(1, first["total"] + 1):
        if k > 1:
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(400)
        if page.locator(".gloact-active iframe.gloact-map").count():
            frame = page.frame_locator(".gloact-active iframe.gloact-map")
            frame.locator(".leaflet-overlay-pane svg").wait_for(timeout=30_000)
            page.wait_for_timeout(600)
            scale = frame.locator(".leaflet-control-scale").inner_text()
            if "5000 km" in scale or "10000 km" in scale:  # fitted to the data, not the whole world
                problems.append(f"{name} slide {k}: the map shows the whole world ({scale})")
        m = page.evaluate(MEASURE)
        page.screenshot(path=str(ARTIFACTS / f"present-{name}-{k}.png"))
        where = f"{name} slide {k}"
        if m["count"] != 1:
            problems.append(f"{where}: {m['count']} slides shown")
        if not m["footer"].endswith(f"{k} / {m['total']}"):
            problems.append(f"{where}: slide number {m['footer']!r}")
        if m["overflow"] or m["cut"]:
            problems.append(f"{where}: overflows, cut: {m['cut'][:3]}")
        if m["controls"]:
            problems.append(f"{where}: controls shown {m['controls'][:2]}")
        small = [(t["text"], round(t["size"], 1)) for t in m["html"] if t["size"] < 24]
        tiny = [(t["text"], round(t["size"], 1)) for t in m["svg"] + m["map"] if t["size"] < 16]
        if small or tiny:
            problems.append(f"{where}: text too small {(small + tiny)[:4]}")
        if not (m["html"] or m["map"]):
            problems.append(f"{where}: empty")
        if name.endswith("-fr"):  # French on every slide (citations marked lang="en" aside)
            shown = [(" ".join(text.split()), lang) for _, text, lang in shown_texts(page, where)]
            problems += english_strings(where, shown)
    page.keyboard.press("Home")
    page.wait_for_timeout(300)
    assert page.evaluate(MEASURE)["footer"].endswith(f"1 / {first['total']}")
    assert not problems, "\n".join(problems)
    assert watch.external == [] and watch.errors == []
    page.close()
