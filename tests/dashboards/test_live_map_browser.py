"""The live route map in Chromium with the network cut: alone (its front end with a stand-in model), then served in
the routes dashboard."""

from __future__ import annotations

import json

import pytest

from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.views.live_map import LiveMap, _css, module_text

from ..browser import watched_page
from ..views.test_live_map import HOSTILE, hostile  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

#: anywidget's side of a widget, enough for the map: get, set, save_changes, on; the module loaded from a blob.
_MOUNT = """async ([esm, css, state]) => {
  const style = document.createElement('style'); style.textContent = css; document.head.appendChild(style);
  const listeners = {};
  window.__saved = [];
  window.__model = {
    get: (k) => state[k],
    set: (k, v) => { state[k] = v; (listeners['change:' + k] || []).forEach((f) => f()); },
    save_changes: () => window.__saved.push(state.selected),
    on: (ev, f) => { (listeners[ev] = listeners[ev] || []).push(f); },
    off: () => {}, send: () => {},
  };
  const url = URL.createObjectURL(new Blob([esm], {type: 'text/javascript'}));
  const mod = await import(url);
  mod.default.render({model: window.__model, el: document.getElementById('root')});
}"""
_UPDATE = "(s) => { for (const [k, v] of Object.entries(s)) { window.__model.set(k, v); } }"
_DRAWS = "Number(document.querySelector('.gloact-live').dataset.draws)"


def _state(live: LiveMap) -> dict:
    keep = ("basemap", "nodes", "flows", "roles", "legend", "names", "lang", "height", "selected", "picked", "series",
            "region_names")
    return json.loads(json.dumps({k: v for k, v in live.get_state().items() if k in keep}))


def _mount(browser, live: LiveMap):
    page, watch = watched_page(browser, 1366, 768)
    page.set_content("<div id='root' style='width:1200px'></div>")
    page.evaluate(_MOUNT, [module_text(), _css(), _state(live)])
    page.wait_for_function(f"{_DRAWS} >= 1", timeout=10_000)
    return page, watch


def _hover_path(page, selector: str) -> None:
    """Move the mouse onto the middle of an SVG path's stroke (not its bounding box's centre)."""
    x, y = page.eval_on_selector(selector, """p => { const m = p.getScreenCTM(),
        q = p.getPointAtLength(p.getTotalLength() / 2); return [q.x * m.a + m.e, q.y * m.d + m.f]; }""")
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y, steps=3)


#: The index of the last flow drawn whose middle is inside the map (the viewer's zoom may leave others out of view).
_LAST_ARC_IN_VIEW = """() => {
  const box = document.querySelector('.gloact-live').getBoundingClientRect();
  const arcs = [...document.querySelectorAll('.gloact-live path.gloact-arc')];
  for (let i = arcs.length - 1; i >= 0; i--) {
    const p = arcs[i], m = p.getScreenCTM(), q = p.getPointAtLength(p.getTotalLength() / 2);
    const x = q.x * m.a + m.e, y = q.y * m.d + m.f;
    if (x > box.left + 60 && x < box.right - 60 && y > box.top + 60 && y < box.bottom - 60) { return i; }
  }
  return -1;
}"""


def _level(page) -> str:
    return page.evaluate("document.querySelector('.gloact-live').dataset.level")


def test_front_end_alone_redraws_in_place_and_keeps_text_as_text(browser, built_con, hostile):  # noqa: F811
    live = LiveMap(Flows.from_db(built_con, Selection(unit="detections", data="real"), level="country"))
    page, watch = _mount(browser, live)
    assert page.locator("path.gloact-country").count() == len(live.countries)
    # zoomed out on 600+ flows: countries grouped into UN regions, a flow per pair of regions
    assert _level(page) == "region"
    regional = page.locator("path.gloact-arc").count()
    assert 20 < regional < len(live.flows["n"]) / 3
    _hover_path(page, "path.gloact-arc >> nth=-1")  # the largest pair of regions: its total and its largest flows
    tip = page.locator(".leaflet-tooltip").last
    tip.wait_for(timeout=5_000)
    text = tip.inner_text()
    assert "Western Asia → Southern Europe" in text and "Türkiye → Greece: 1,737,995" in text, text
    page.mouse.move(5, 5)
    # zoomed in: every country's flow
    page.evaluate("window.__gloactMap.setZoom(5, {animate: false})")
    assert _level(page) == "country"
    assert page.locator("path.gloact-arc").count() == len(live.flows["n"]) > 100
    # hover the largest flow (drawn last, on top): it stands out, the rest fade, its count shows
    largest = max(live.flows["n"])
    _hover_path(page, "path.gloact-arc >> nth=-1")
    tip = page.locator(".leaflet-tooltip").last
    tip.wait_for(timeout=5_000)
    assert f"{largest:,} detections" in tip.inner_text()
    faded = page.eval_on_selector_all("path.gloact-arc",
                                      "ps => ps.filter(p => p.getAttribute('stroke-opacity') < 0.1).length")
    assert faded >= len(live.flows["n"]) - 2
    # click it: the flow is asked for (the kernel answers with its series, drawn in a box on the map)
    page.evaluate("""() => { const ls = Object.values(window.__gloactMap._layers)
                               .filter((l) => l.options && l.options.className === 'gloact-arc');
                             ls.sort((a, b) => b.options.weight - a.options.weight)[0].fire('click'); }""")
    assert page.evaluate("window.__model.get('picked')") == {"s": ["TUR"], "t": ["GRC"], "region": False}
    months = [f"2020-{m:02d}" for m in range(1, 13)]
    series = {"title": HOSTILE[0], "subtitle": HOSTILE[1], "months": months, "values": [5, -1, *range(10, 20)],
              "total": HOSTILE[1], "peak": "", "source": HOSTILE[0], "words": {"close": "x", "hidden": "h", "sep": ","}}
    page.evaluate(_UPDATE, {"series": series})
    assert page.locator(".gloact-series rect.gloact-series-bar").count() == 11
    assert page.locator(".gloact-series rect.gloact-series-hidden").count() == 1
    shown = page.locator(".gloact-series").inner_text()
    assert HOSTILE[0] in shown and HOSTILE[1] in shown and "2020-01" in shown and "2020-12" in shown
    page.locator(".gloact-series button").click()  # closed: the flow is no longer asked for
    assert page.locator(".gloact-series").is_hidden() and page.evaluate("window.__model.get('picked')") == {}
    # a change redraws in place: the same map, the viewer's zoom kept
    page.evaluate("window.__gloactMap.__mark = 42; window.__gloactMap.setZoom(5, {animate: false})")
    live.show(Flows.from_db(built_con, Selection(data="all"), level="place"), "fr")
    page.evaluate(_UPDATE, {k: v for k, v in _state(live).items() if k != "basemap"})
    page.wait_for_function(f"{_DRAWS} >= 2", timeout=10_000)
    assert page.evaluate("[window.__gloactMap.__mark, window.__gloactMap.getZoom()]") == [42, 5]
    assert page.locator("path.gloact-arc").count() == len(live.flows["n"])
    assert "Légende" in page.locator(".gloact-legend-live button").inner_text()
    # a click on a country selects it (and writes it into the address); again clears it
    page.evaluate("window.__gloactMap.setView([17, 9], 5, {animate: false}); window.__saved = []")  # Niger central
    page.evaluate("""() => { const l = Object.values(window.__gloactMap._layers).find(x => x.iso3 === 'NER');
                            l.fire('click'); }""")  # fmt: skip
    assert page.evaluate("window.__model.get('selected')") == "NER"
    page.evaluate("() => Object.values(window.__gloactMap._layers).find(x => x.iso3 === 'NER').fire('click')")
    assert page.evaluate("window.__saved") == ["NER", ""]
    # names from data: shown as written, never markup
    live.show(Flows.from_db(hostile, Selection()), "en")
    page.evaluate(_UPDATE, {k: v for k, v in _state(live).items() if k != "basemap"})
    page.wait_for_function(f"{_DRAWS} >= 3", timeout=10_000)
    labels = page.locator(".gloact-label").all_inner_texts()
    for text in HOSTILE:
        assert any(text in label for label in labels), labels
    assert page.locator(".gloact-live img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert watch.external == [] and watch.errors == []
    page.close()


# -- served: the routes dashboard ------------------------------------------------------------------------------------

#: A point of a country's shape where a click reaches it (not a flow or a circle drawn over it), in page pixels.
_CLICKABLE = """(iso3) => {
  const map = window.__gloactMap, layer = Object.values(map._layers).find((l) => l.iso3 === iso3);
  const b = layer.getBounds();
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const p = map.latLngToContainerPoint([b.getSouth() + (b.getNorth() - b.getSouth()) * i / 12,
                                          b.getWest() + (b.getEast() - b.getWest()) * j / 12]);
    const r = map.getContainer().getBoundingClientRect(), x = r.left + p.x, y = r.top + p.y;
    if (document.elementFromPoint(x, y) === layer._path) { return [x, y]; }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def server(built_db):
    """``gloact serve`` of the shipped data: (base URL, server pid)."""
    from gloact_lib.app.harness import voila_server

    with voila_server(built_db, built_db.parent / "serve-live.log") as served:
        yield served


def _draws(page) -> int:
    return page.evaluate(_DRAWS)


def test_routes_dashboard_live_map(server, browser):
    page, watch = watched_page(browser, 1366, 768)
    page.goto(server[0] + "/voila/render/routes.ipynb")
    page.locator(".gloact-live path.gloact-arc").first.wait_for(timeout=90_000)
    assert page.locator("iframe.gloact-map").count() == 0  # no page rebuilt per change
    # the whole map shows without scrolling at 1366 x 768
    box = page.locator(".gloact-live").bounding_box()
    assert box["y"] > 0 and box["y"] + box["height"] <= 768 and box["height"] >= 400, box
    kpis = page.locator(".gloact-kpis").inner_text()

    # hover a flow: its count
    _hover_path(page, ".gloact-live path.gloact-arc >> nth=-1")
    tip = page.locator(".gloact-live .leaflet-tooltip").last
    tip.wait_for(timeout=5_000)
    assert "detections" in tip.inner_text() and any(ch.isdigit() for ch in tip.inner_text())
    page.mouse.move(5, 5)

    # click Niger: the Country filter, the address and the key figures follow
    draws = _draws(page)
    x, y = page.evaluate(_CLICKABLE, "NER")
    page.mouse.click(x, y)
    page.wait_for_function(f"{_DRAWS} > {draws}", timeout=30_000)
    page.wait_for_function("document.querySelector('.gloact-kpis').innerText !== " + json.dumps(kpis), timeout=30_000)
    chosen = page.eval_on_selector_all("select", "els => els.map(e => e.options[e.selectedIndex].text)")
    assert "Niger" in chosen
    assert "country=NER" in page.url

    # another filter redraws in place: the same map, the zoom the viewer chose
    page.evaluate("window.__gloactMap.__mark = 42; window.__gloactMap.setZoom(4, {animate: false})")
    draws = _draws(page)
    page.locator("select").nth(chosen.index("Niger")).select_option(label="Mali")
    page.wait_for_function(f"{_DRAWS} > {draws}", timeout=30_000)
    assert page.evaluate("[window.__gloactMap.__mark, window.__gloactMap.getZoom()]") == [42, 4]
    page.wait_for_function("location.search.includes('country=MLI')", timeout=5_000)

    # click a flow (the last drawn whose middle is in view): its monthly series, in a box on the map
    arc = page.evaluate(_LAST_ARC_IN_VIEW)
    assert arc >= 0
    _hover_path(page, f".gloact-live path.gloact-arc >> nth={arc}")
    page.mouse.down()
    page.mouse.up()
    page.locator(".gloact-series svg").wait_for(timeout=30_000)
    assert "→" in page.locator(".gloact-series h4").inner_text()
    assert page.locator(".gloact-series rect").count() >= 12
    assert "Frontex" in page.locator(".gloact-series").inner_text()

    # play by months: the months follow one another on the map and in the key figures
    page.locator(".widget-toggle-buttons button", has_text="months").click()
    page.locator(".widget-play button").first.click()
    seen, figures = set(), set()
    for _ in range(80):
        seen.add(page.locator(".gloact-legend-live .sub").inner_text())
        figures.add(page.locator(".gloact-kpis").inner_text())
        if len(seen) >= 4:
            break
        page.wait_for_timeout(250)
    months = {s.split(" – ")[0][-7:] for s in seen if " – " in s}
    assert len({m for m in months if m[4:5] == "-"}) >= 3, seen
    assert len(figures) >= 3
    assert page.locator(".gloact-play-now").inner_text()[4:5] == "-"
    page.locator(".widget-play button").nth(1).click()  # stop
    assert page.evaluate("window.__gloactMap.__mark") == 42
    assert watch.external == [] and watch.errors == []
    page.close()
