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
    keep = ("basemap", "nodes", "flows", "roles", "legend", "names", "lang", "height", "selected")
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


def test_front_end_alone_redraws_in_place_and_keeps_text_as_text(browser, built_con, hostile):  # noqa: F811
    live = LiveMap(Flows.from_db(built_con, Selection(unit="detections", data="real"), level="country"))
    page, watch = _mount(browser, live)
    assert page.locator("path.gloact-arc").count() == len(live.flows["n"]) > 100
    assert page.locator("path.gloact-country").count() == len(live.basemap["iso3"])
    # hover the largest flow (drawn last, on top): it stands out, the rest fade, its count shows
    largest = max(live.flows["n"])
    _hover_path(page, "path.gloact-arc >> nth=-1")
    tip = page.locator(".leaflet-tooltip").last
    tip.wait_for(timeout=5_000)
    assert f"{largest:,} detections" in tip.inner_text()
    faded = page.eval_on_selector_all("path.gloact-arc", "ps => ps.filter(p => p.getAttribute('stroke-opacity') < 0.1).length")
    assert faded >= len(live.flows["n"]) - 2
    # a change redraws in place: the same map, the viewer's zoom kept
    page.evaluate("window.__gloactMap.__mark = 42; window.__gloactMap.setZoom(5, {animate: false})")
    live.show(Flows.from_db(built_con, Selection(data="all"), level="place"), "fr")
    page.evaluate(_UPDATE, {k: v for k, v in _state(live).items() if k != "basemap"})
    page.wait_for_function(f"{_DRAWS} >= 2", timeout=10_000)
    assert page.evaluate("[window.__gloactMap.__mark, window.__gloactMap.getZoom()]") == [42, 5]
    assert page.locator("path.gloact-arc").count() == len(live.flows["n"])
    assert "Légende" in page.locator(".gloact-legend-live button").inner_text()
    # a click on a country selects it (and writes it into the address); again clears it
    page.evaluate("window.__gloactMap.setView([17, 9], 5, {animate: false})")  # Niger in the middle
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
