"""Measurements 5-7, in Chromium: the dashboards' page load, memory per viewer and filter change → map redrawn.

5. **dashboard** -- ``gloact serve`` of the shipped data: seconds from
   navigation to the map of ``routes.ipynb`` drawn (preheated kernel), against a
   bare Voilà notebook showing one plain folium map.
6. **memory** -- RSS of the server's kernel processes per viewer (3 viewers
   open), against the same for the bare notebook; the floor notebook (the imports
   every dashboard needs and the workbook opened, no gloact_lib) in the notes.
7. **redraw** -- the routes dashboard served on 100k and 10M journeys: a change
   of its Country filter to the live map redrawn in the browser (median of 5, each
   view computed afresh), against the same selection's ``Flows.from_db`` + folium
   map rendering in this process (the whole-page approach); and the bytes the page
   receives per change, against the map page that approach sent.

The servers are :class:`gloact_lib.app.harness.VoilaServer`; Chromium is Debian's, with
every host name but 127.0.0.1 resolving to nothing (:data:`gloact_lib.views.chromium.OFFLINE_FLAGS`).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from common import Context, Result, Row, browser_missing, journeys_sql, shipped_db, size_label, survive

from gloact_lib.app.harness import LIVE_MAP_DRAWN, MAP_VISIBLE, VoilaServer, leave_page, rss_kb, wait_drawn
from gloact_lib.views.chromium import OFFLINE_FLAGS, launch

TITLE = "5-7. dashboards in Chromium: page load, memory per viewer, filter change → map redrawn"

#: Page visits per server (median), and viewers opened at once for the memory per viewer.
VISITS = 3
VIEWERS = 3
#: The filter change timed: the routes dashboard's Country dropdown (option labels), to Niger and back to "all".
COUNTRY_CHANGES = [("Niger", "NER"), ("all", "")]
#: The baseline dashboard: one plain folium map.  No CDN is reachable (with folium's CDN scripts the map never
#: appears), so Leaflet is written into the page from the same PyPI package as ours, without importing gloact_lib
#: (whose imports, pandas and DuckDB, would weigh on the baseline kernel's memory).
BARE_NOTEBOOK = "bare.ipynb"
BARE_CELL = """import folium
from branca.element import Element
from xstatic.pkg import leaflet  # Leaflet from PyPI, inlined: no CDN is reachable


class Raw(Element):  # as gloact adds page text: not compiled as a template on every render
    def __init__(self, text):
        super().__init__()
        self.text = text

    def render(self, **kwargs):
        return self.text


m = folium.Map(location=[15, 5], zoom_start=4, tiles=None)
m.default_js, m.default_css = [], []
with open(f"{leaflet.BASE_DIR}/leaflet.css") as css, open(f"{leaflet.BASE_DIR}/leaflet.js") as js:
    m.get_root().header.add_child(Raw(f"<style>{css.read()}</style><script>{js.read()}</script>"), index=0)
m"""
ROUTES_NOTEBOOK = "routes.ipynb"
#: The plain folium map is drawn: Leaflet made its container in the iframe.
BARE_DRAWN = ("iframe", ".leaflet-container")
#: The least a dashboard kernel holds, served beside the bare notebook for the memory per viewer: the imports every
#: dashboard needs (pandas, DuckDB, ipywidgets, anywidget) and the workbook opened for one query, no gloact_lib;
#: pandas without pyarrow, as in the kernels of ``gloact serve`` (``gloact_lib/_lean.py``).
FLOOR_NOTEBOOK = "floor.ipynb"
FLOOR_CELL = """import sys
sys.modules.setdefault("pyarrow", None)
import anywidget, duckdb, ipywidgets, pandas

con = duckdb.connect({db!r}, read_only=True)
con.execute("SELECT origin_country, destination_country, sum(persons) FROM journeys GROUP BY ALL").df()
con.close()
ipywidgets.HTML("<p class='gloact-floor'>floor</p>")"""
FLOOR_DRAWN = (None, "p.gloact-floor")
#: How the memory readings are named in the results.
MEMORY_NAMES = {"bare": "bare folium notebook", "gloact": "routes.ipynb, shipped data",
                "floor": "floor: pandas + DuckDB + widgets kernel"}  # fmt: skip
#: JavaScript: Navigation Timing of the page (seconds from navigation) and bytes of its files.
PAGE_TIMING_JS = """() => { const n = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource');
  return {html_received: n.responseEnd / 1000, dom_content_loaded: n.domContentLoadedEventEnd / 1000,
          load: n.loadEventEnd / 1000, html_bytes: n.encodedBodySize, files: files.length,
          files_bytes: files.reduce((sum, f) => sum + f.encodedBodySize, 0)}; }"""
#: JavaScript: remember how many times the routes dashboard's live map has drawn (gloact_lib/views/live_map.js).
MARK_MAP_JS = """() => { window.__benchDraws = Number(document.querySelector('.gloact-live').dataset.draws);
  return 0; }"""
#: JavaScript: false until the live map has drawn again; then how long its front end took to draw (ms, live_map.js).
MAP_REDRAWN_JS = """() => { const m = document.querySelector('.gloact-live');
  return m && Number(m.dataset.draws) > window.__benchDraws ? {ms: Number(m.dataset.drawMs)} : false; }"""
#: JavaScript: choose ``label`` in the routes dashboard's Country dropdown (as a viewer's pick does: the option
#: selected and a "change" event, which ipywidgets' dropdown listens to), and resolve when the live map has drawn
#: again (its ``data-draws`` counter), with the milliseconds between the two on the page's clock and the front
#: end's own drawing time (``data-draw-ms``).  Playwright's round trips and polling are outside this time.
CHANGE_JS = """(label) => new Promise((resolve, reject) => {
  const map = document.querySelector('.gloact-live'), before = Number(map.dataset.draws);
  const box = [...document.querySelectorAll('.widget-dropdown')].find((d) => d.textContent.includes('Country'));
  const select = box.querySelector('select');
  const index = [...select.options].findIndex((o) => o.textContent.replace(/\\s+/g, ' ').trim() === label);
  if (index < 0) { reject(new Error('no option ' + label)); return; }
  let start = 0;
  const seen = new MutationObserver(() => {
    if (Number(map.dataset.draws) > before) {
      seen.disconnect();
      resolve({ms: performance.now() - start, draw_ms: Number(map.dataset.drawMs)});
    }
  });
  seen.observe(map, {attributes: true, attributeFilter: ['data-draws']});
  start = performance.now();
  select.selectedIndex = index;
  select.dispatchEvent(new Event('change', {bubbles: true}));
})"""
#: What the websocket messages of a change carry, by a text found in them: the live map's data (its legend is in
#: every message it gets), and the view's downloads (the links' state, gloact_lib/views/download_buttons.py: their
#: files are written only when clicked, so nothing is expected here unless the links are shown or hidden).
FRAME_KINDS = {"map": b'"legend": {', "downloads": b'"ready": '}
#: Filter changes of each kind per size (median), each computing its view afresh (issue 14: median of 5).
CHANGES = 5
#: Issue 14's "done when", by journeys: seconds from the change to the map redrawn, and bytes per change (or None).
REDRAW_TARGETS = {100_000: (0.15, 50_000), 10_000_000: (1.0, None)}



@dataclass
class Visit:
    """A dashboard page opened by :meth:`Visit.open`.

    ``seconds``: from navigation to the map drawn; ``timing``: when the page's HTML
    had arrived, DOMContentLoaded, load (seconds from navigation, Navigation Timing),
    bytes of the HTML and of the other files, bytes received over websockets until the
    map was drawn, and when the first and the largest websocket message arrived (seconds
    from navigation, this process's clock: the kernel answering, then the widgets' state);
    ``frames``: (time, bytes) of every websocket message received.
    """

    page: object
    seconds: float = 0.0
    timing: dict = field(default_factory=dict)
    frames: list = field(default_factory=list)

    def received(self, payload) -> None:
        self.frames.append((time.perf_counter(), len(payload) if isinstance(payload, bytes) else len(payload.encode())))

    @classmethod
    def open(cls, browser, server: VoilaServer, notebook: str, drawn: tuple[str, str],
             visible: tuple[str, str] | None = None) -> Visit:  # fmt: skip
        """Open ``notebook`` in a new browser context and wait until its map is drawn; with ``visible``, first until
        that shows (the routes dashboard's first paint, :data:`MAP_VISIBLE`), timed as ``map_visible``."""
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        visit = cls(page)
        page.on("websocket", lambda ws: ws.on("framereceived", visit.received))
        url = server.visit_url(notebook)
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        if visible is not None:
            wait_drawn(page, visible, timeout=180)
        shown = time.perf_counter() - start
        wait_drawn(page, drawn, timeout=180)
        visit.seconds = time.perf_counter() - start
        visit.timing = page.evaluate(PAGE_TIMING_JS)
        visit.timing["websocket_bytes"] = sum(size for _, size in visit.frames)
        visit.timing["map_drawn"] = visit.seconds
        visit.timing["map_visible"] = shown if visible is not None else visit.seconds
        first, largest = (visit.frames[0], max(visit.frames, key=lambda f: f[1])) if visit.frames else ((start, 0),) * 2
        visit.timing.update(websocket_first=first[0] - start, websocket_largest=largest[0] - start,
                            websocket_largest_bytes=largest[1])  # fmt: skip
        return visit


def bare_server(folder: Path, log_path: Path, db: Path | None = None) -> VoilaServer:
    """Plain ``voila`` serving the one-cell folium notebook, with the same pool and the workbook's template (the
    lab template without its CDN stylesheets), so that only the notebook differs from ``gloact serve``; with
    ``db``, the floor notebook (:data:`FLOOR_CELL` on that workbook) beside it, with its own preheated kernel."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = {BARE_NOTEBOOK: BARE_CELL, **({FLOOR_NOTEBOOK: FLOOR_CELL.format(db=str(db))} if db else {})}
    for name, source in cells.items():
        notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "bare", "metadata": {},
                               "outputs": [], "source": source}],
                    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
                    "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
        (folder / name).write_text(json.dumps(notebook), encoding="utf-8")
    return VoilaServer.voila(folder, log_path, template="gloact", pool_size=1)


def dashboard_db(tmp: Path, n: int) -> Path:
    """A copy of :func:`shipped_db` whose illustrative journeys are replaced by ``n`` generated ones.

    The reference data (places, so that the map draws hubs; meetings; countries) and
    the shipped Frontex detection rows stay; the ``n`` journeys of :func:`journeys_sql`
    are the only ``persons`` journeys.
    """
    path = tmp / f"dashboard_{size_label(n)}.duckdb"
    shutil.copyfile(shipped_db(tmp), path)
    con = duckdb.connect(str(path))
    try:
        con.execute("DELETE FROM journeys WHERE illustrative")
        sql, params = journeys_sql(con)
        con.execute(sql, [n, *params])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def viewers_memory(browser, server: VoilaServer, notebook: str, drawn: tuple[str, str]) -> dict:
    """RSS of the server's kernels before and after :data:`VIEWERS` pages are opened (each in its own context).

    "After" is measured once the pool has been refilled and every kernel is idle.

    Returns
    -------
    dict
        ``kernels_before``/``kernels_after`` (counts), ``kernels_rss_before_mb``/``kernels_rss_after_mb``,
        ``per_viewer_mb`` (RSS), the same for the PSS (``kernels_pss_*``, ``per_viewer_pss_mb``),
        ``server_rss_before_mb``/``server_rss_after_mb`` (the Voilà process itself),
        ``new_kernel_anon_mb``/``new_kernel_file_mb`` (the kernels started meanwhile, on average: their private
        memory and their pages of files, shared libraries mostly, which every kernel's RSS counts again) and
        ``kernels_after_closing`` (a few seconds after the pages were left).
    """
    server.wait_ready(notebook)
    before = set(server.kernels())
    kernels, (rss, pss), server_rss = len(before), server.kernels_kb(), rss_kb(server.pid)
    pages = [Visit.open(browser, server, notebook, drawn).page for _ in range(VIEWERS)]
    server.wait_ready(notebook)
    rss_after, pss_after = server.kernels_kb()
    new = [_status_mb(pid) for pid in server.kernels() if pid not in before]
    out = {
        "viewers": VIEWERS,
        "kernels_before": kernels, "kernels_after": len(server.kernels()),
        "kernels_rss_before_mb": rss / 1024, "kernels_rss_after_mb": rss_after / 1024,
        "per_viewer_mb": (rss_after - rss) / 1024 / VIEWERS,
        "kernels_pss_before_mb": pss / 1024, "kernels_pss_after_mb": pss_after / 1024,
        "per_viewer_pss_mb": (pss_after - pss) / 1024 / VIEWERS,
        "server_rss_before_mb": server_rss / 1024, "server_rss_after_mb": rss_kb(server.pid) / 1024,
        "new_kernel_anon_mb": statistics.fmean(n["RssAnon"] for n in new) if new else 0.0,
        "new_kernel_file_mb": statistics.fmean(n["RssFile"] for n in new) if new else 0.0,
    }  # fmt: skip
    for page in pages:
        leave_page(page)
    deadline = time.monotonic() + 10
    while len(server.kernels()) > kernels and time.monotonic() < deadline:
        time.sleep(0.5)
    out["kernels_after_closing"] = len(server.kernels())
    return out


def _status_mb(pid: int) -> dict[str, float]:
    """``RssAnon`` and ``RssFile`` of a process (MB; 0 when it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines()
    except OSError:
        return {"RssAnon": 0.0, "RssFile": 0.0}
    fields = {k: float(v.split()[0]) / 1024 for k, _, v in (line.partition(":") for line in lines)
              if k in ("RssAnon", "RssFile")}  # fmt: skip
    return {k: fields.get(k, 0.0) for k in ("RssAnon", "RssFile")}


class _Frames(Visit):
    """A :class:`Visit` that also keeps every websocket message the page receives (``payloads``, as bytes)."""

    def received(self, payload) -> None:
        super().received(payload)
        self.__dict__.setdefault("payloads", []).append(payload if isinstance(payload, bytes) else payload.encode())


def redraw_latency(browser, server: VoilaServer, db: Path, log: Callable[[str], None]) -> dict:
    """Filter change to map redrawn, in the browser, and the same change's cost in this process.

    The routes dashboard is opened once and switched to persons (the generated journeys; it opens on the Frontex
    detections); then the Country dropdown is set to each of :data:`COUNTRY_CHANGES` in turn, :data:`CHANGES`
    times.  Before every change the figures shared by kernels (``.gloact-cache`` beside ``db``) are removed, so
    that each change computes its view as the first viewer of it would.  The change is made in the page
    (:data:`CHANGE_JS`), and timed on the page's clock.  Per change: the seconds from the change to the live map
    drawn again (its ``data-draws`` counter; ``wall_seconds``: the same from this process, Playwright's round trip
    included), the front end's own drawing time (``data-draw-ms``) and so when the map's data had reached it
    (``map_message_seconds``), the bytes of the websocket messages the page received for the change (every panel
    and the downloads' links' state; of which ``map_message_bytes``, the live map's, and
    ``downloads_bytes``: :data:`FRAME_KINDS`); once the kernel is idle again, the same change in an
    in-process :class:`gloact_lib.dashboards.RoutesDashboard` (``refresh()`` of every panel;
    ``kernel_map_seconds``: up to the live map's message), and, for the same selection, the previous whole-page
    approach: ``Flows.from_db`` and the folium map's ``route_map(...).get_root().render()`` (``render_bytes``: the
    page it sent per change).

    Returns
    -------
    dict
        ``open``: the timing of the page's opening (as :class:`Visit`); ``changes``: one dict per change.
    """
    from gloact_lib.analysis.flows import Flows
    from gloact_lib.dashboards import RoutesDashboard
    from gloact_lib.data.database import connect
    from gloact_lib.views.route_map import route_map

    cache = db.parent / ".gloact-cache"
    server.wait_ready(ROUTES_NOTEBOOK)
    visit = _Frames.open(browser, server, ROUTES_NOTEBOOK, LIVE_MAP_DRAWN)
    page, frames = visit.page, visit.payloads
    con = connect(db, read_only=True)
    changes = []
    try:
        dashboard = RoutesDashboard(con=con)
        shown = []
        show = dashboard.live.show
        dashboard.live.show = lambda *a, **k: (show(*a, **k), shown.append(time.perf_counter()))
        dashboard.unit.value = "persons"
        page.evaluate(MARK_MAP_JS)
        page.locator(".widget-toggle-buttons button").filter(has_text=re.compile(r"^\s*persons\s*$", re.I)).click()
        page.wait_for_function(MAP_REDRAWN_JS, polling="raf", timeout=180_000)
        server.wait_quiet()
        for _ in range(CHANGES):
            for label, iso3 in COUNTRY_CHANGES:
                shutil.rmtree(cache, ignore_errors=True)  # a view no kernel has computed yet
                first = len(frames)
                start = time.perf_counter()
                drawn = page.evaluate(CHANGE_JS, label)
                wall = time.perf_counter() - start
                seconds, draw_ms = drawn["ms"] / 1000, drawn["draw_ms"]
                server.wait_quiet()  # the table, chart and notes are made after the map
                page.evaluate("0")  # Playwright hands the frames received meanwhile over to this process
                received = frames[first:]
                size = {kind: sum(len(f) for f in received if marker in f) for kind, marker in FRAME_KINDS.items()}
                change = {"country": label, "seconds": seconds, "wall_seconds": wall, "draw_ms": draw_ms,
                          "map_message_seconds": seconds - draw_ms / 1000,
                          "websocket_bytes": sum(len(f) for f in received), "websocket_messages": len(received),
                          "map_message_bytes": size["map"], "downloads_bytes": size["downloads"]}  # fmt: skip
                shutil.rmtree(cache, ignore_errors=True)
                shown.clear()
                t0 = time.perf_counter()
                dashboard.country.value = iso3
                t1 = time.perf_counter()
                flows = Flows.from_db(con, dashboard.selection, level="place")
                t2 = time.perf_counter()
                html_page = route_map(flows, lang="en", compact=True).get_root().render()
                t3 = time.perf_counter()
                change.update(refresh_seconds=t1 - t0, kernel_map_seconds=(shown or [t1])[0] - t0,
                              flows_seconds=t2 - t1, render_seconds=t3 - t2, python_seconds=t3 - t1,
                              render_bytes=len(html_page.encode()))  # fmt: skip
                changes.append(change)
                log(
                    f"    → {label}: {seconds:.3f} s in the browser ({wall:.3f} s with Playwright; map message at "
                    f"{change['map_message_seconds']:.3f}"
                    f" s, drawn in {draw_ms:.0f} ms), in-process: map sent at {change['kernel_map_seconds']:.3f} s, "
                    f"refresh() {t1 - t0:.3f} s; whole-page Flows + map {t3 - t1:.3f} s; websocket "
                    f"{change['websocket_bytes'] / 1e3:.1f} kB in {len(received)} messages (map "
                    f"{size['map'] / 1e3:.1f} kB, downloads {size['downloads'] / 1e3:.1f} kB)"
                )
    finally:
        con.close()
        leave_page(page)
    return {"open": visit.timing, "changes": changes}


def redraw_rows(n: int, changes: list[dict]) -> list[Row]:
    """The results rows of :func:`redraw_latency` at ``n`` journeys: per kind of change, the browser's time to the
    map redrawn against the previous whole-page approach in this process (``Flows.from_db`` + the folium map's
    HTML); the bytes received per change against that approach's map page; issue 14's targets in the notes."""
    size, rows = size_label(n), []
    target = REDRAW_TARGETS.get(n)
    for label, _ in COUNTRY_CHANGES:
        mine = [c for c in changes if c["country"] == label]
        med = {k: statistics.median(c[k] for c in mine) for k in ("seconds", "python_seconds", "refresh_seconds",
                                                                 "kernel_map_seconds", "draw_ms")}  # fmt: skip
        note = (f"in-process: map sent at {med['kernel_map_seconds']:.3f} s, refresh() of every panel "
                f"{med['refresh_seconds']:.3f} s; front end drew in {med['draw_ms']:.0f} ms")  # fmt: skip
        if target:
            note += f"; target ≤ {target[0]} s: {'met' if med['seconds'] <= target[0] else 'NOT met'}"
        name = "every country" if label == "all" else label
        rows.append(Row("redraw", f"Country → {name}: change → map redrawn, {size} journeys", "s", med["seconds"],
                        med["python_seconds"], med["seconds"] / med["python_seconds"], len(mine),
                        "in-process Flows.from_db + folium map render (the whole-page approach)", note))  # fmt: skip
    ws, page = (statistics.median(c[k] for c in changes) for k in ("websocket_bytes", "render_bytes"))
    map_kb, links_kb = (statistics.median(c[k] for c in changes) / 1e3
                        for k in ("map_message_bytes", "downloads_bytes"))  # fmt: skip
    note = f"of which the map's message {map_kb:.1f} kB, the downloads' links {links_kb:.1f} kB"
    if target and target[1]:
        note += f"; target ≤ {target[1] / 1e3:.0f} kB: {'met' if ws <= target[1] else 'NOT met'}"
    rows.append(Row("redraw", f"bytes received per change (every panel), {size} journeys", "bytes", ws, page,
                    ws / page, len(changes), "the folium map page the whole-page approach sent per change",
                    note))  # fmt: skip
    return rows


def bench_browser(sizes: list[int], tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Measurements 5-7, in a real browser: page load, redraw latency and memory per viewer of the dashboards.

    Parameters
    ----------
    sizes : list of int
        Journeys of the databases served for the redraw latency (100k and 10M); the
        memory per viewer is also measured at the last size.
    tmp : Path
        Scratch folder (databases, the bare notebook, server logs).
    log : callable
        Progress messages.

    Returns
    -------
    rows : list of Row
    details : dict
        Every visit, change and memory reading.
    """
    missing = browser_missing()
    if missing:
        log(f"  skipped the browser measurements: {missing}")
        return [], {"skipped": missing}
    rows: list[Row] = []
    details: dict = {"visits": {"gloact": [], "bare": []}, "memory": {}, "redraws": {}}
    with launch(OFFLINE_FLAGS) as browser:
        # 5. Page load with the preheated pool, and 6. memory per viewer, against the bare folium notebook.
        with (VoilaServer.gloact(shipped_db(tmp), tmp / "serve-shipped.log") as ours,
              bare_server(tmp / "bare", tmp / "serve-bare.log", shipped_db(tmp)) as bare):  # fmt: skip
            pages = [("gloact", ours, ROUTES_NOTEBOOK, LIVE_MAP_DRAWN), ("bare", bare, BARE_NOTEBOOK, BARE_DRAWN)]
            for i in range(VISITS):
                for name, server, notebook, drawn in pages if i % 2 else pages[::-1]:
                    ours.wait_ready(ROUTES_NOTEBOOK)
                    bare.wait_ready(BARE_NOTEBOOK)
                    visit = Visit.open(browser, server, notebook, drawn, MAP_VISIBLE if name == "gloact" else None)
                    if name == "bare":
                        details["bare_srcdoc_bytes"] = visit.page.evaluate(
                            "new TextEncoder().encode(document.querySelector('iframe').srcdoc).length"
                        )
                    details["visits"][name].append(visit.timing)
                    leave_page(visit.page)
            g, b = (statistics.median(v["map_drawn"] for v in details["visits"][k]) for k in ("gloact", "bare"))
            shown = statistics.median(v["map_visible"] for v in details["visits"]["gloact"])
            log(f"  routes.ipynb: navigation → map visible {shown:.2f} s, live map drawn {g:.2f} s, bare folium "
                f"notebook {b:.2f} s (visits: {details['visits']})")  # fmt: skip
            rows.append(Row("dashboard", "routes.ipynb: navigation → map visible (the page's first paint)", "s", shown,
                            b, shown / b, VISITS, "bare Voilà notebook, one folium map",
                            "the map, title and key figures drawn from the page's HTML "
                            "(gloact_lib/views/live_preview.py)"))  # fmt: skip
            rows.append(Row("dashboard", "routes.ipynb: navigation → live map drawn (preheated kernel)", "s", g, b,
                            g / b, VISITS, "bare Voilà notebook, one folium map",
                            "the widgets connected: the map answers clicks"))  # fmt: skip
            for name, server, notebook, drawn in [*pages[::-1], ("floor", bare, FLOOR_NOTEBOOK, FLOOR_DRAWN)]:
                details["memory"][name] = viewers_memory(browser, server, notebook, drawn)
            bare_viewer = details["memory"]["bare"]["per_viewer_mb"]
            floor = details["floor_per_viewer_mb"] = details["memory"]["floor"]["per_viewer_mb"]
            rows.append(_memory_row(details["memory"]["gloact"], bare_viewer, "shipped data", floor))
            details["memory"] = {MEMORY_NAMES.get(k, k): v for k, v in details["memory"].items()}
            log(f"  memory per viewer: {details['memory']}")
        # 7. Filter change to map redrawn, at each size; memory per viewer again at the largest.
        for n in sizes:
            start = time.perf_counter()
            db, size = dashboard_db(tmp, n), size_label(n)
            log(f"  served database with {size} journeys built in {time.perf_counter() - start:.1f} s")
            with VoilaServer.gloact(db, tmp / f"serve-{size}.log") as server:
                details["redraws"][size] = redraw = redraw_latency(browser, server, db, log)
                rows += redraw_rows(n, redraw["changes"])
                if n == sizes[-1]:
                    details["memory"][f"routes.ipynb, {size} journeys"] = memory = viewers_memory(
                        browser, server, ROUTES_NOTEBOOK, LIVE_MAP_DRAWN
                    )
                    rows.append(_memory_row(memory, bare_viewer, f"{size} journeys"))
                    log(f"  memory per viewer at {size}: {memory}")
            db.unlink(missing_ok=True)
            Path(str(db) + ".wal").unlink(missing_ok=True)
    return rows, details


def _memory_row(memory: dict, bare_mb: float, data: str, floor_mb: float | None = None) -> Row:
    mb = memory["per_viewer_mb"]
    closed = "yes" if memory["kernels_after_closing"] <= memory["kernels_before"] else "no"
    floor = f"; floor (pandas + DuckDB + widgets, no gloact_lib) {floor_mb:.0f} MB" if floor_mb else ""
    return Row("memory", f"kernel RSS per viewer, routes.ipynb, {data}", "bytes", mb * 1e6, bare_mb * 1e6,
               mb / bare_mb, 1, f"bare folium notebook, {VIEWERS} viewers",
               f"{VIEWERS} viewers; their kernels shut down on leaving: {closed}; new kernel: "
               f"{memory.get('new_kernel_anon_mb', 0):.0f} MB own, {memory.get('new_kernel_file_mb', 0):.0f} MB of "
               f"files (shared libraries){floor}")  # fmt: skip


def browser_markdown(browser: dict) -> list[str]:
    """The page loads, memory readings and redraws of :func:`bench_browser`, as Markdown lines."""
    if "skipped" in browser:
        return ["", f"Browser measurements not run: {browser['skipped']}"]
    md = ["", "## Dashboards in Chromium: page load (seconds from navigation, median of the visits)", "",
          "| page | visits | HTML received | DOMContentLoaded | load | first websocket message | largest message "
          "| map visible | map drawn | HTML kB | other files | files kB | websocket kB | largest message kB |",
          "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    pages = [(("routes.ipynb, shipped data" if k == "gloact" else "bare folium notebook"), v)
             for k, v in browser["visits"].items()]  # fmt: skip
    pages += [(f"routes.ipynb, {size} journeys", [r["open"]]) for size, r in browser["redraws"].items()]
    for name, visits in pages:
        med = {k: statistics.median(v[k] for v in visits) for k in visits[0]}
        ws = [med.get(k, float("nan")) for k in ("websocket_first", "websocket_largest", "websocket_largest_bytes")]
        md.append(f"| {name} | {len(visits)} | {med['html_received']:.2f} | {med['dom_content_loaded']:.2f} "
                  f"| {med['load']:.2f} | {ws[0]:.2f} | {ws[1]:.2f} | {med.get('map_visible', med['map_drawn']):.2f} "
                  f"| {med['map_drawn']:.2f} "
                  f"| {med['html_bytes'] / 1e3:.0f} | {med['files']:.0f} | {med['files_bytes'] / 1e3:.0f} "
                  f"| {med['websocket_bytes'] / 1e3:.0f} | {ws[2] / 1e3:.0f} |")  # fmt: skip
    md += ["", f"## Memory per viewer ({VIEWERS} viewers; sums over the server's kernel processes, MB)", "",
           "| server | kernels before | after | RSS before | after | RSS per viewer | PSS before | after "
           "| PSS per viewer | new kernel: own | files | Voilà process RSS before | after "
           "| kernels once the pages are left |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    for name, m in browser["memory"].items():
        md.append(f"| {name} | {m['kernels_before']} | {m['kernels_after']} | {m['kernels_rss_before_mb']:.0f} "
                  f"| {m['kernels_rss_after_mb']:.0f} | {m['per_viewer_mb']:.0f} | {m['kernels_pss_before_mb']:.0f} "
                  f"| {m['kernels_pss_after_mb']:.0f} | {m['per_viewer_pss_mb']:.0f} "
                  f"| {m.get('new_kernel_anon_mb', 0):.0f} | {m.get('new_kernel_file_mb', 0):.0f} "
                  f"| {m['server_rss_before_mb']:.0f} | {m['server_rss_after_mb']:.0f} "
                  f"| {m['kernels_after_closing']} |")  # fmt: skip
    md += [
        "",
        "## Filter change → map redrawn: where the time goes (seconds, median per change; bytes per change)",
        "",
        "| journeys | Country → | changes | browser: map redrawn | map data reached the page | front end drew (ms) "
        "| in-process: map sent | refresh() | whole page: Flows.from_db | map render | websocket kB | map message kB "
        "| downloads kB | whole page kB |",
        "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for size, redraw in browser["redraws"].items():
        for label, _ in COUNTRY_CHANGES:
            mine = [c for c in redraw["changes"] if c["country"] == label]
            med = {k: statistics.median(c[k] for c in mine) for k in mine[0] if k != "country"}
            md.append(f"| {size} | {label} | {len(mine)} | {med['seconds']:.3f} | {med['map_message_seconds']:.3f} "
                      f"| {med['draw_ms']:.0f} | {med['kernel_map_seconds']:.3f} | {med['refresh_seconds']:.3f} "
                      f"| {med['flows_seconds']:.3f} | {med['render_seconds']:.3f} "
                      f"| {med['websocket_bytes'] / 1e3:.1f} | {med['map_message_bytes'] / 1e3:.1f} "
                      f"| {med['downloads_bytes'] / 1e3:.1f} | {med['render_bytes'] / 1e3:.0f} |")  # fmt: skip
    return md


def run(ctx: Context) -> Result:
    """Measurements 5-7 (the redraws at 100k and 10M journeys, divided by ``ctx.scale``); a failure is recorded."""
    sizes = [100_000 // ctx.scale, 10_000_000 // ctx.scale]
    rows, details = survive(lambda: bench_browser(sizes, ctx.tmp, ctx.log), ctx.log)
    return Result(rows, {"browser": details}, browser_markdown(details))
