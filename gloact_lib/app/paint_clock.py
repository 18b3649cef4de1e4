"""When a page's map reached the screen, on the page's own clock, with nothing polling the page meanwhile.

Playwright's ``locator.wait_for(state="visible")`` checks the page on every animation frame until the element shows.
For one page that costs little; for a room of 20 pages on this machine's 2 cores it made each page produce frames
all along, and the maps came seconds later than with nobody watching (``benchmarks/README.md``, section 11).  And a
time read by the harness is when the harness, itself short of processor, got round to noticing.

:data:`PAINT_CLOCK_JS`, given to a browser context as an init script, clocks instead the moment the map was
*presented*: a mutation observer finds the map's element; at the next animation frame, if it is laid out and not
hidden, a one-character probe with an ``elementtiming`` attribute goes into that same frame, and the probe's
Element Timing ``renderTime`` is when that frame, the map with it, reached the screen.  :func:`painted` waits on the
page's promise: one evaluation, answered when the map has shown.
"""

from __future__ import annotations

import asyncio
import json

from gloact_lib.app.harness import LIVE_MAP_DRAWN, MAP_VISIBLE

__all__ = ["PAINT_CLOCK_JS", "painted"]

#: The init script: ``window.__gloactPainted.visible`` (:data:`~gloact_lib.app.harness.MAP_VISIBLE`) and
#: ``.drawn`` (:data:`~gloact_lib.app.harness.LIVE_MAP_DRAWN`) are promises of seconds since the navigation began
#: (``performance.timeOrigin``).  A probe that reports nothing within 10 s resolves with its frame's own time and
#: sets ``window.__gloactPaint.<key>_fallback``.
PAINT_CLOCK_JS = """(() => {
  if (window.top !== window) { return; }
  const times = window.__gloactPaint = {}, done = {}, pending = {};
  const promise = (key) => new Promise((resolve) => { done[key] = resolve; });
  window.__gloactPainted = {visible: promise("visible"), drawn: promise("drawn")};
  const wanted = {visible: VISIBLE_SELECTOR, drawn: DRAWN_SELECTOR};
  const settle = (key, seconds) => { if (!(key in times)) { times[key] = seconds; done[key](seconds); } };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const key = entry.identifier.replace("gloact-probe-", "");
      if (key in done) { settle(key, entry.renderTime / 1000); }
    }
  }).observe({type: "element", buffered: true});
  const shown = (el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  function look() {
    for (const key of Object.keys(wanted)) {
      if (key in times || pending[key]) { continue; }
      const el = document.querySelector(wanted[key]);
      if (!el) { continue; }
      pending[key] = true;
      requestAnimationFrame(() => {
        if (!el.isConnected || !shown(el)) { pending[key] = false; look(); return; }
        const frame = times[key + "_frame"] = performance.now() / 1000;
        const probe = document.createElement("span");
        probe.setAttribute("elementtiming", "gloact-probe-" + key);
        probe.textContent = "\\u00b7";
        probe.style.cssText = "position:fixed;left:0;bottom:0;font-size:4px;line-height:4px;color:#888;" +
          "z-index:2147483647;pointer-events:none";
        document.documentElement.appendChild(probe);
        setTimeout(() => { if (!(key in times)) { times[key + "_fallback"] = true; settle(key, frame); } }, 10000);
      });
    }
  }
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true,
                                                attributeFilter: ["style", "class"]});
})();"""
PAINT_CLOCK_JS = PAINT_CLOCK_JS.replace("VISIBLE_SELECTOR", json.dumps(MAP_VISIBLE[1]))
PAINT_CLOCK_JS = PAINT_CLOCK_JS.replace("DRAWN_SELECTOR", json.dumps(LIVE_MAP_DRAWN[1]))


async def painted(page, key: str, timeout: float) -> float:
    """Seconds from the navigation to the map ``key`` (``"visible"`` or ``"drawn"``) presented on an async
    Playwright page whose context has :data:`PAINT_CLOCK_JS`.

    Parameters
    ----------
    page : playwright.async_api.Page
    key : {"visible", "drawn"}
    timeout : float
        Seconds; :class:`TimeoutError` after that.

    Returns
    -------
    float
    """
    if key not in ("visible", "drawn"):
        raise ValueError(f"key must be 'visible' or 'drawn', not {key!r}")
    return await asyncio.wait_for(page.evaluate(f"window.__gloactPainted.{key}"), timeout)
