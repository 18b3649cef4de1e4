"""Measurements 5-7, in Chromium: the dashboards' page load, memory per viewer and filter change → map redrawn.

5. **dashboard** -- ``gloact serve`` of the shipped data: seconds from
   navigation to the map of ``routes.ipynb`` drawn (preheated kernel), against a
   bare Voilà notebook showing one plain folium map.
6. **memory** -- RSS of the server's kernel processes per viewer (3 viewers
   open), against the same for the bare notebook.
7. **redraw** -- the routes dashboard served on 100k and 1M journeys: a change
   of its Country filter to the map redrawn in the browser, against the same
   selection's ``Flows.from_db`` + map rendering in this process; and the bytes
   of map HTML sent per redraw.

The servers are :class:`gloact_lib.app.harness.VoilaServer`; Chromium is Debian's, with
every host name but 127.0.0.1 resolving to nothing (:data:`gloact_lib.views.chromium.OFFLINE_FLAGS`).
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from common import Context, Result, Row, browser_missing, journeys_sql, shipped_db, size_label, survive

from gloact_lib.app.harness import LIVE_MAP_DRAWN, VoilaServer, leave_page, rss_kb, wait_drawn
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
#: How the memory readings are named in the results.
MEMORY_NAMES = {"bare": "bare folium notebook", "gloact": "routes.ipynb, shipped data"}
#: JavaScript: Navigation Timing of the page (seconds from navigation) and bytes of its files.
PAGE_TIMING_JS = """() => { const n = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource');
  return {html_received: n.responseEnd / 1000, dom_content_loaded: n.domContentLoadedEventEnd / 1000,
          load: n.loadEventEnd / 1000, html_bytes: n.encodedBodySize, files: files.length,
          files_bytes: files.reduce((sum, f) => sum + f.encodedBodySize, 0)}; }"""
#: JavaScript: remember how many times the routes dashboard's live map has drawn (gloact_lib/views/live_map.js).
MARK_MAP_JS = """() => { window.__benchDraws = Number(document.querySelector('.gloact-live').dataset.draws);
  return 0; }"""
#: JavaScript: false until the live map has drawn again; then the bytes of a map page rebuilt for it: none (the
#: live map redraws in place from the data sent; the websocket bytes of the change say what was sent).
MAP_REDRAWN_JS = """() => { const m = document.querySelector('.gloact-live');
  return m && Number(m.dataset.draws) > window.__benchDraws ? {page_bytes: 0} : false; }"""



@dataclass
class Visit:
    """A dashboard page opened by :meth:`Visit.open`.

    ``seconds``: from navigation to the map drawn; ``timing``: when the page's HTML
    had arrived, DOMContentLoaded, load (seconds from navigation, Navigation Timing),
    bytes of the HTML and of the other files, and bytes received over websockets
    until the map was drawn; ``frames``: (time, bytes) of every websocket message
    received.
    """

    page: object
    seconds: float = 0.0
    timing: dict = field(default_factory=dict)
    frames: list = field(default_factory=list)

    def received(self, payload) -> None:
        self.frames.append((time.perf_counter(), len(payload) if isinstance(payload, bytes) else len(payload.encode())))

    @classmethod
    def open(cls, browser, server: VoilaServer, notebook: str, drawn: tuple[str, str]) -> Visit:
        """Open ``notebook`` in a new browser context and wait until its map is drawn."""
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        visit = cls(page)
        page.on("websocket", lambda ws: ws.on("framereceived", visit.received))
        url = server.visit_url(notebook)
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        wait_drawn(page, drawn, timeout=180)
        visit.seconds = time.perf_counter() - start
        visit.timing = page.evaluate(PAGE_TIMING_JS)
        visit.timing["websocket_bytes"] = sum(size for _, size in visit.frames)
        visit.timing["map_drawn"] = visit.seconds
        return visit


def bare_server(folder: Path, log_path: Path) -> VoilaServer:
    """Plain ``voila`` serving the one-cell folium notebook, with the same pool and the workbook's template (the
    lab template without its CDN stylesheets), so that only the notebook differs from ``gloact serve``."""
    folder.mkdir(parents=True, exist_ok=True)
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "bare", "metadata": {}, "outputs": [],
                           "source": BARE_CELL}],
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    (folder / BARE_NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")
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
        ``server_rss_before_mb``/``server_rss_after_mb`` (the Voilà process itself) and
        ``kernels_after_closing`` (a few seconds after the pages were left).
    """
    server.wait_ready(notebook)
    kernels, (rss, pss), server_rss = len(server.kernels()), server.kernels_kb(), rss_kb(server.pid)
    pages = [Visit.open(browser, server, notebook, drawn).page for _ in range(VIEWERS)]
    server.wait_ready(notebook)
    rss_after, pss_after = server.kernels_kb()
    out = {
        "viewers": VIEWERS,
        "kernels_before": kernels, "kernels_after": len(server.kernels()),
        "kernels_rss_before_mb": rss / 1024, "kernels_rss_after_mb": rss_after / 1024,
        "per_viewer_mb": (rss_after - rss) / 1024 / VIEWERS,
        "kernels_pss_before_mb": pss / 1024, "kernels_pss_after_mb": pss_after / 1024,
        "per_viewer_pss_mb": (pss_after - pss) / 1024 / VIEWERS,
        "server_rss_before_mb": server_rss / 1024, "server_rss_after_mb": rss_kb(server.pid) / 1024,
    }  # fmt: skip
    for page in pages:
        leave_page(page)
    deadline = time.monotonic() + 10
    while len(server.kernels()) > kernels and time.monotonic() < deadline:
        time.sleep(0.5)
    out["kernels_after_closing"] = len(server.kernels())
    return out


def redraw_latency(browser, server: VoilaServer, db: Path, log: Callable[[str], None]) -> dict:
    """Filter change to map redrawn, in the browser, and the same selection's cost in this process.

    The routes dashboard is opened once; then the Country dropdown is set to each of
    :data:`COUNTRY_CHANGES` in turn, :data:`VISITS` times.  Per change: the seconds from
    the change to the live map drawn again (no map page is rebuilt: ``srcdoc_bytes`` is 0),
    the bytes the page received over its websockets for the change (every panel) and when
    the largest message arrived; once the kernel is idle again, the same change in an
    in-process :class:`gloact_lib.dashboards.RoutesDashboard` (``refresh()``: every panel)
    and, for the same selection, ``Flows.from_db`` and the folium map's
    ``route_map(...).get_root().render()`` (what presenter mode and the static maps still draw).

    Returns
    -------
    dict
        ``open``: the timing of the page's opening (as :class:`Visit`); ``changes``: one dict per change.
    """
    from gloact_lib.analysis.flows import Flows
    from gloact_lib.dashboards import RoutesDashboard
    from gloact_lib.data.database import connect
    from gloact_lib.views.route_map import route_map

    server.wait_ready(ROUTES_NOTEBOOK)
    visit = Visit.open(browser, server, ROUTES_NOTEBOOK, LIVE_MAP_DRAWN)
    page, frames = visit.page, visit.frames
    con = connect(db, read_only=True)
    changes = []
    try:
        dashboard = RoutesDashboard(con=con)
        select = page.locator(".widget-dropdown").filter(has_text="Country").locator("select")
        server.wait_quiet()
        for _ in range(VISITS):
            for label, iso3 in COUNTRY_CHANGES:
                page.evaluate(MARK_MAP_JS)
                first = len(frames)
                start = time.perf_counter()
                select.select_option(label=label)
                srcdoc = page.wait_for_function(MAP_REDRAWN_JS, polling="raf",
                                                timeout=180_000).json_value()["page_bytes"]  # fmt: skip
                seconds = time.perf_counter() - start
                server.wait_quiet()  # the table, chart and notes are drawn after the map
                received = frames[first:]
                biggest = max(received, key=lambda f: f[1]) if received else (start, 0)
                change = {"country": label, "seconds": seconds, "srcdoc_bytes": srcdoc,
                          "websocket_bytes": sum(f[1] for f in received), "websocket_messages": len(received),
                          "map_message_seconds": biggest[0] - start}  # fmt: skip
                t0 = time.perf_counter()
                dashboard.country.value = iso3
                t1 = time.perf_counter()
                flows = Flows.from_db(con, dashboard.selection, level="place")
                t2 = time.perf_counter()
                html_page = route_map(flows, lang="en", compact=True).get_root().render()
                t3 = time.perf_counter()
                change.update(refresh_seconds=t1 - t0, flows_seconds=t2 - t1, render_seconds=t3 - t2,
                              python_seconds=t3 - t1, render_bytes=len(html_page.encode()))  # fmt: skip
                changes.append(change)
                log(
                    f"    → {label}: {seconds:.2f} s in the browser (map message at {change['map_message_seconds']:.2f}"
                    f" s), in-process refresh() {t1 - t0:.2f} s, Flows + map {t3 - t1:.2f} s, "
                    f"srcdoc {srcdoc / 1e6:.2f} MB, websocket {change['websocket_bytes'] / 1e6:.2f} MB"
                )
    finally:
        con.close()
        leave_page(page)
    return {"open": visit.timing, "changes": changes}


def bench_browser(sizes: list[int], tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Measurements 5-7, in a real browser: page load, redraw latency and memory per viewer of the dashboards.

    Parameters
    ----------
    sizes : list of int
        Journeys of the databases served for the redraw latency (100k and 1M); the
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
              bare_server(tmp / "bare", tmp / "serve-bare.log") as bare):  # fmt: skip
            pages = [("gloact", ours, ROUTES_NOTEBOOK, LIVE_MAP_DRAWN), ("bare", bare, BARE_NOTEBOOK, BARE_DRAWN)]
            for i in range(VISITS):
                for name, server, notebook, drawn in pages if i % 2 else pages[::-1]:
                    ours.wait_ready(ROUTES_NOTEBOOK)
                    bare.wait_ready(BARE_NOTEBOOK)
                    visit = Visit.open(browser, server, notebook, drawn)
                    if name == "bare":
                        details["bare_srcdoc_bytes"] = visit.page.evaluate(
                            "new TextEncoder().encode(document.querySelector('iframe').srcdoc).length"
                        )
                    details["visits"][name].append(visit.timing)
                    leave_page(visit.page)
            g, b = (statistics.median(v["map_drawn"] for v in details["visits"][k]) for k in ("gloact", "bare"))
            log(f"  routes.ipynb: navigation → map drawn {g:.2f} s, bare folium notebook {b:.2f} s "
                f"(visits: {details['visits']})")  # fmt: skip
            rows.append(Row("dashboard", "routes.ipynb: navigation → map drawn (preheated kernel)", "s", g, b, g / b,
                            VISITS, "bare Voilà notebook, one folium map"))  # fmt: skip
            for name, server, notebook, drawn in pages[::-1]:
                details["memory"][name] = viewers_memory(browser, server, notebook, drawn)
            bare_viewer = details["memory"]["bare"]["per_viewer_mb"]
            rows.append(_memory_row(details["memory"]["gloact"], bare_viewer, "shipped data"))
            details["memory"] = {MEMORY_NAMES.get(k, k): v for k, v in details["memory"].items()}
            log(f"  memory per viewer: {details['memory']}")
        # 7. Filter change to map redrawn, at each size; memory per viewer again at the largest.
        for n in sizes:
            start = time.perf_counter()
            db, size = dashboard_db(tmp, n), size_label(n)
            log(f"  served database with {size} journeys built in {time.perf_counter() - start:.1f} s")
            with VoilaServer.gloact(db, tmp / f"serve-{size}.log") as server:
                details["redraws"][size] = redraw = redraw_latency(browser, server, db, log)
                changes = redraw["changes"]
                for label, _ in COUNTRY_CHANGES:
                    mine = [c for c in changes if c["country"] == label]
                    g = statistics.median(c["seconds"] for c in mine)
                    b = statistics.median(c["python_seconds"] for c in mine)
                    refresh = statistics.median(c["refresh_seconds"] for c in mine)
                    target = "every country" if label == "all" else label
                    rows.append(Row("redraw", f"Country → {target}: change → map redrawn, {size} journeys", "s",
                                    g, b, g / b, len(mine), "in-process Flows.from_db + map render",
                                    f"in-process refresh() of every panel {refresh:.2f} s"))  # fmt: skip
                if n == sizes[-1]:
                    srcdoc = statistics.median(c["srcdoc_bytes"] for c in changes)
                    ws = statistics.median(c["websocket_bytes"] for c in changes)
                    rows.append(Row("redraw", f"map HTML sent per redraw (iframe srcdoc), {size} journeys",
                                    "bytes", srcdoc, details["bare_srcdoc_bytes"],
                                    srcdoc / details["bare_srcdoc_bytes"], len(changes),
                                    "the bare folium map's srcdoc",
                                    f"websocket received per change {ws / 1e6:.2f} MB"))  # fmt: skip
                    details["memory"][f"routes.ipynb, {size} journeys"] = memory = viewers_memory(
                        browser, server, ROUTES_NOTEBOOK, LIVE_MAP_DRAWN
                    )
                    rows.append(_memory_row(memory, bare_viewer, f"{size} journeys"))
                    log(f"  memory per viewer at {size}: {memory}")
            db.unlink(missing_ok=True)
            Path(str(db) + ".wal").unlink(missing_ok=True)
    return rows, details


def _memory_row(memory: dict, bare_mb: float, data: str) -> Row:
    mb = memory["per_viewer_mb"]
    closed = "yes" if memory["kernels_after_closing"] <= memory["kernels_before"] else "no"
    return Row("memory", f"kernel RSS per viewer, routes.ipynb, {data}", "bytes", mb * 1e6, bare_mb * 1e6,
               mb / bare_mb, 1, f"bare folium notebook, {VIEWERS} viewers",
               f"{VIEWERS} viewers; their kernels shut down on leaving: {closed}")  # fmt: skip


def browser_markdown(browser: dict) -> list[str]:
    """The page loads, memory readings and redraws of :func:`bench_browser`, as Markdown lines."""
    if "skipped" in browser:
        return ["", f"Browser measurements not run: {browser['skipped']}"]
    md = ["", "## Dashboards in Chromium: page load (seconds from navigation, median of the visits)", "",
          "| page | visits | HTML received | DOMContentLoaded | load | map drawn | HTML kB | other files | files kB "
          "| websocket kB |", "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    pages = [(("routes.ipynb, shipped data" if k == "gloact" else "bare folium notebook"), v)
             for k, v in browser["visits"].items()]  # fmt: skip
    pages += [(f"routes.ipynb, {size} journeys", [r["open"]]) for size, r in browser["redraws"].items()]
    for name, visits in pages:
        med = {k: statistics.median(v[k] for v in visits) for k in visits[0]}
        md.append(f"| {name} | {len(visits)} | {med['html_received']:.2f} | {med['dom_content_loaded']:.2f} "
                  f"| {med['load']:.2f} | {med['map_drawn']:.2f} | {med['html_bytes'] / 1e3:.0f} | {med['files']:.0f} "
                  f"| {med['files_bytes'] / 1e3:.0f} | {med['websocket_bytes'] / 1e3:.0f} |")  # fmt: skip
    md += ["", f"## Memory per viewer ({VIEWERS} viewers; sums over the server's kernel processes, MB)", "",
           "| server | kernels before | after | RSS before | after | RSS per viewer | PSS before | after "
           "| PSS per viewer | Voilà process RSS before | after | kernels once the pages are left |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    for name, m in browser["memory"].items():
        md.append(f"| {name} | {m['kernels_before']} | {m['kernels_after']} | {m['kernels_rss_before_mb']:.0f} "
                  f"| {m['kernels_rss_after_mb']:.0f} | {m['per_viewer_mb']:.0f} | {m['kernels_pss_before_mb']:.0f} "
                  f"| {m['kernels_pss_after_mb']:.0f} | {m['per_viewer_pss_mb']:.0f} "
                  f"| {m['server_rss_before_mb']:.0f} | {m['server_rss_after_mb']:.0f} "
                  f"| {m['kernels_after_closing']} |")  # fmt: skip
    md += [
        "",
        "## Filter change → map redrawn: where the time goes (seconds, median per change; bytes per change)",
        "",
        "| journeys | Country → | changes | browser: map redrawn | map message received | in-process refresh() "
        "| Flows.from_db | map render | srcdoc kB | websocket kB |",
        "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for size, redraw in browser["redraws"].items():
        for label, _ in COUNTRY_CHANGES:
            mine = [c for c in redraw["changes"] if c["country"] == label]
            med = {k: statistics.median(c[k] for c in mine) for k in mine[0] if k != "country"}
            md.append(f"| {size} | {label} | {len(mine)} | {med['seconds']:.3f} | {med['map_message_seconds']:.3f} "
                      f"| {med['refresh_seconds']:.3f} | {med['flows_seconds']:.3f} | {med['render_seconds']:.3f} "
                      f"| {med['srcdoc_bytes'] / 1e3:.0f} | {med['websocket_bytes'] / 1e3:.0f} |")  # fmt: skip
    return md


def run(ctx: Context) -> Result:
    """Measurements 5-7 (the redraws at 100k and 1M journeys, divided by ``ctx.scale``); a failure is recorded."""
    sizes = [100_000 // ctx.scale, 1_000_000 // ctx.scale]
    rows, details = survive(lambda: bench_browser(sizes, ctx.tmp, ctx.log), ctx.log)
    return Result(rows, {"browser": details}, browser_markdown(details))
