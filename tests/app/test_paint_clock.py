"""The benchmarks' paint clock (gloact_lib/app/paint_clock.py), in Chromium: a map counts once it is on screen."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from gloact_lib.app.paint_clock import PAINT_CLOCK_JS

pytestmark = pytest.mark.browser

#: A page whose first-paint map is in the HTML but hidden until 0.4 s, then a live map drawn at 0.8 s, first with
#: ``visibility: hidden`` (not shown) and shown at 1.2 s.
PAGE = """<!DOCTYPE html><body>
<div id="cells" style="display: none"><div class="gloact-pre"><svg width="300" height="150">
<path class="gloact-arc" d="M10 10L200 120" stroke="#000" stroke-width="3"/></svg></div></div>
<script>
setTimeout(() => { document.getElementById("cells").style.display = ""; }, 400);
setTimeout(() => { const live = document.createElement("div");
  live.className = "gloact-live"; live.style.visibility = "hidden";
  live.innerHTML = '<svg width="300" height="150"><path class="gloact-arc" d="M10 10L200 120" stroke="#000"/></svg>';
  document.body.appendChild(live);
  setTimeout(() => { live.style.visibility = ""; }, 400); }, 800);
</script></body>"""
WAIT = "(key) => Promise.race([window.__gloactPainted[key], new Promise((r) => setTimeout(() => r(-1), 20000))])"


def test_a_map_counts_when_it_is_on_screen_not_when_it_is_in_the_page(browser):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    try:
        context.add_init_script(PAINT_CLOCK_JS)
        page = context.new_page()
        page.goto("data:text/html," + quote(PAGE))
        visible, drawn = page.evaluate(WAIT, "visible"), page.evaluate(WAIT, "drawn")
        clock = page.evaluate("window.__gloactPaint")
        assert 0.4 <= visible < 5, visible  # in the page from the start, on screen from 0.4 s
        assert 1.2 <= drawn < 6, drawn  # hidden from 0.8 s: not yet
        assert clock["visible_frame"] <= visible and clock["drawn_frame"] <= drawn  # presented after its frame
        assert not any(k.endswith("_fallback") for k in clock)  # the probes' Element Timing reported
    finally:
        context.close()
