"""The page's first paint (gloact_lib/views/live_preview.py), in Chromium on a real ``gloact serve`` with the network
cut: the routes dashboard's map, title and key figures are in the page's HTML and drawn before Voilà's front end has
loaded; once the live map has drawn, the first paint is gone and the live map is where it was."""

from __future__ import annotations

import re

import pytest

from gloact_lib.app.harness import LIVE_MAP_DRAWN, get, voila_server, wait_drawn
from gloact_lib.app.paint_clock import PAINT_CLOCK_JS

from ..browser import watched_page

pytestmark = pytest.mark.browser

#: The first paint's map, drawn.
PREVIEW_DRAWN = ".gloact-pre path.gloact-arc"
#: Where a selector's first element is on the page (CSS pixels).
_RECT = """(s) => { const r = document.querySelector(s).getBoundingClientRect();
  return [r.left, r.top, r.width, r.height]; }"""
#: The centre and size of the largest place's circle in a map (CSS pixels), and how many flows it draws.
_LARGEST = """(map) => { const box = document.querySelector(map);
  const circles = [...box.querySelectorAll('.gloact-node')].map((c) => c.getBoundingClientRect());
  const r = circles.sort((a, b) => b.width - a.width)[0];
  return [r.left + r.width / 2, r.top + r.height / 2, r.width, box.querySelectorAll('.gloact-arc').length]; }"""


@pytest.fixture(scope="module")
def served(built_db, tmp_path_factory):
    with voila_server(built_db, tmp_path_factory.mktemp("first_paint") / "serve.log") as (base, _pid):
        yield base


def _without_front_end(page) -> None:
    """Voilà's JavaScript and the kernels' websockets never answer: what the page's HTML alone shows."""
    page.route(re.compile(r".*/(static/.*\.js|api/kernels/.*)(\?.*)?$"), lambda route: route.abort())


def test_the_page_alone_shows_the_map_title_and_key_figures_in_french(browser, served):
    page, watch = watched_page(browser, 1366, 768)
    _without_front_end(page)
    page.goto(served + "/voila/render/routes.ipynb?lang=fr&country=NER", wait_until="commit")
    page.locator(PREVIEW_DRAWN).first.wait_for(timeout=90_000)
    assert page.locator(".gloact-live").count() == 0  # no widget: the page's own HTML drew this
    assert page.locator("#loading").count() == 0  # the spinner made way for the map
    shell = page.locator(".gloact-preview")
    assert "Itinéraires de la traite" in shell.inner_text()
    assert "Chargement des filtres" in shell.inner_text()  # it says what is not there yet
    kpis = page.locator(".gloact-preview .gloact-kpi")
    assert kpis.count() == 5 and "Niger" in kpis.nth(2).inner_text()  # the visitor's selection, not the preheated one
    left, top, width, height = page.evaluate(_RECT, ".gloact-pre")
    assert width > 900 and top + height <= 768  # the whole map without scrolling at 1366x768
    # the same tooltips as the live map, from the page alone (whatever is drawn over Niger: its own, or a flow's)
    page.hover('.gloact-pre path.gloact-country[data-iso3="NER"]', force=True)
    assert page.locator(".gloact-pre-tip").count() == 1 and page.locator(".gloact-pre-tip strong").inner_text()
    assert page.locator(".gloact-pre .gloact-legend, .gloact-pre .gloact-box").count() >= 1
    assert watch.external == []
    page.close()


def test_the_live_map_takes_its_place_and_the_first_paint_goes(browser, served):
    page, watch = watched_page(browser, 1366, 768)
    page.goto(served + "/voila/render/routes.ipynb", wait_until="commit")
    page.locator(PREVIEW_DRAWN).first.wait_for(timeout=90_000)
    first, sketched = page.evaluate(_RECT, ".gloact-pre"), page.evaluate(_LARGEST, ".gloact-pre")
    wait_drawn(page, LIVE_MAP_DRAWN, timeout=90)
    page.wait_for_function("document.querySelectorAll('.gloact-preview').length === 0", timeout=10_000)
    assert page.locator(".leaflet-container").count() == 1  # one map: the live one
    live = page.evaluate(_RECT, ".gloact-live")
    assert abs(live[1] - first[1]) <= 12 and abs(live[0] - first[0]) <= 12  # where the first paint was: no jump
    assert abs(live[3] - first[3]) <= 12
    # the server's drawing and the live map's agree: the same flows, the largest place at the same point and size
    drawn = page.evaluate(_LARGEST, ".gloact-live")
    assert sketched[3] == drawn[3] and abs(sketched[2] - drawn[2]) <= 2
    assert abs(sketched[0] - drawn[0]) <= 3 and abs(sketched[1] - drawn[1]) <= 3
    assert page.locator(".gloact-dashboard select").count() >= 8  # the filters, live
    assert page.evaluate("window.__gloactMap.getContainer().classList.contains('gloact-live')")
    assert watch.external == [] and watch.errors == []
    page.close()


def test_only_the_served_page_carries_it_and_once(served):
    """The page's HTML holds the first paint once (not again in the output Voilà's front end renders); the tree and
    presenter mode have none."""
    page = get(served + "/voila/render/routes.ipynb").decode()
    assert page.count('class="gloact-preview"') == 1
    assert "vnd.gloact.preview" not in page  # taken out of the output sent on
    assert page.index('class="gloact-preview"') < page.index("voila.js")  # drawn before Voilà's scripts load
    present = get(served + "/voila/render/routes.ipynb?present=1").decode()
    assert 'class="gloact-preview"' not in present


def test_the_front_end_is_asked_for_once_the_first_paint_is_on_screen(browser, served):
    """Voila's scripts and stylesheets wait in an inert <template> and are put into the page at its first frame: none
    is fetched before the map has shown, and the front end still starts (its "load" listener, added after the
    window's load, runs)."""
    page_html = get(served + "/voila/render/routes.ipynb").decode()
    head, template = page_html.split('<template id="gloact-front-end">')
    template = template.split("</template>")[0]
    assert not re.search(r"<script[^>]*\ssrc=|<link[^>]*stylesheet", head)  # nothing fetched while parsing the page
    assert "voila.js" in template and "voila-style.js" in template and "theme-light.css" in template
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        context.add_init_script(PAINT_CLOCK_JS)
        page = context.new_page()
        page.goto(served + "/voila/render/routes.ipynb", wait_until="commit")
        frame = page.evaluate("window.__gloactPainted.visible.then(() => window.__gloactPaint.visible_frame)")
        wait_drawn(page, LIVE_MAP_DRAWN, timeout=90)  # the front end ran: the live map drew
        fetched = dict(page.evaluate("performance.getEntriesByType('resource')"
                                     ".map((e) => [e.name, e.startTime / 1000])"))  # fmt: skip
        named = [url for url in fetched if re.search(r"/(voila[.]js|voila-style[.]js|theme-light[.]css)", url)]
        assert len(named) == 3 and len(fetched) > 50  # Voila's entry, its style script, the theme; and the rest
        assert min(fetched.values()) >= frame  # all asked for after the frame that showed the map
    finally:
        context.close()
