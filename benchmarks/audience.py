"""Area ``audience``: a room arriving together, and plain GETs leaving no kernel (issue 14, "done when").

Measured on the shipped data, in one run:

1. **A room at once**: ``gloact serve --audience N`` (N = 20, 5 with ``--quick``), its pools preheated (every
   kernel started and idle again: the routes dashboard built in each, waiting for its visitor), then N Chromium
   pages (one browser, a context each: a cold cache, as N laptops) open ``/voila/render/routes.ipynb`` at the same
   moment.  Per page: seconds from its navigation to its map on screen, the page's first paint
   (:data:`gloact_lib.app.harness.MAP_VISIBLE`) and the live map (:data:`gloact_lib.app.harness.LIVE_MAP_DRAWN`),
   on the page's own clock, with nothing polling the pages (:mod:`gloact_lib.app.paint_clock`); over the room:
   median, p95, max, pages that showed their map,
   and the kernels' memory (RSS and PSS sums).  Baseline: one viewer alone on a server started the same way, the
   same browser (median of :data:`SOLO_VISITS`, one after the other).
2. **Where the time goes**: each page's Navigation Timing and websocket messages, and the CPU used during the room
   by the Voilà process, the kernels, Chromium, Playwright and the rest of the machine.  Then the same room with
   no browser: N headless viewers (:func:`_headless`) asking the server for what Voilà's front end asks, until
   the map's data are received, against one alone: the server's part of the wait, the rest being the browsers'
   (here on the same 2 cores); and against the same room on a server refilling its pool as Voilà does (each
   kernel taken replaced a second after its visit, :data:`VOILA_REFILL`), the baseline of ``--audience``'s later
   refill (:data:`gloact_lib.app.serve.AUDIENCE_REFILL_SECONDS`).
3. **Plain GETs**: ``gloact serve`` as shipped (a preheated kernel per dashboard, culling after
   :data:`gloact_lib.config.KERNEL_CULL_SECONDS`, never shortened here), :data:`GETS` plain HTTP GETs of
   ``routes.ipynb`` at once (no browser: nothing ever closes their pages), then the server's kernels are counted
   every second for up to :data:`GET_WATCH` seconds.  Reported: the GETs' kernels left after 2 minutes (the
   preheated pool kernels waiting for visitors counted apart), when they were gone, and the memory they held.

Each part runs on a server of its own, in its own process group, stopped with its kernels, also on failure
(:class:`gloact_lib.app.harness.VoilaServer`).
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import Context, Result, Row, browser_missing, shipped_db, survive

from gloact_lib import config
from gloact_lib.app.harness import (
    VoilaServer,
    cpu_ticks,
    get,
    is_kernel,
    proc_fields,
    pss_kb,
    rss_kb,
)
from gloact_lib.app.paint_clock import PAINT_CLOCK_JS, painted
from gloact_lib.app.serve import AUDIENCE_REFILL_SECONDS
from gloact_lib.views.chromium import CHROMIUM, CHROMIUM_FLAGS, OFFLINE_FLAGS

TITLE = "11. a room arriving together: viewers opening the routes dashboard at once; plain GETs leave no kernel"

NOTEBOOK = "routes.ipynb"
#: Viewers arriving together (full run, ``--quick``).
VIEWERS, QUICK_VIEWERS = 20, 5
#: Visits of one viewer alone, one after the other (the baseline: their median).
SOLO_VISITS = 3
#: Plain GETs at once (full run, ``--quick``), how long their kernels are watched, and when they are counted.
GETS, QUICK_GETS = 10, 3
GET_WATCH, GONE_BY = 150, 120
#: Seconds a page may take to show its map (then it counts as not shown).
PAGE_TIMEOUT = 240
#: Seconds for a preheated pool to be started and idle (20 kernels building the dashboard on 2 cores).
PREHEAT_TIMEOUT = 900
#: CPU clock ticks per second (``/proc`` times are in ticks).
HZ = os.sysconf("SC_CLK_TCK")
#: JavaScript: a page's Navigation Timing (seconds from its navigation) and its files.
PAGE_TIMING_JS = """() => { const n = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource');
  return {time_origin: performance.timeOrigin / 1000, response_start: n.responseStart / 1000,
          html_received: n.responseEnd / 1000, dom_content_loaded: n.domContentLoadedEventEnd / 1000,
          load: n.loadEventEnd / 1000, html_bytes: n.encodedBodySize, files: files.length,
          files_bytes: files.reduce((sum, f) => sum + f.encodedBodySize, 0),
          fallback: Object.keys(window.__gloactPaint || {}).filter((k) => k.endsWith('_fallback'))}; }"""


# --- Processes: who used the CPU ------------------------------------------------------------------------------------


def _ticks(pid: int) -> int:
    """User + system CPU of a process (clock ticks; 0 when gone).  Not its children's: the Voilà server would be
    counted the whole life of every kernel it has reaped."""
    fields = proc_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def _machine_busy() -> int:
    """Busy clock ticks of the whole machine (every CPU) since boot: all but idle and iowait."""
    values = [int(v) for v in Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]]
    return sum(values) - values[3] - values[4]


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (children, their children...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = proc_fields(int(entry.name))
            if fields and len(fields) > 1:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


class CpuWatch:
    """CPU used by each party of a measurement, read from ``/proc`` every second in a thread of its own.

    Parties: ``voila`` (the server process), ``viewer kernels`` (the server's kernels alive when the watch started:
    the preheated pool the viewers take), ``new kernels`` (kernels the server started since), ``chromium`` (every
    Chromium process), ``playwright`` (its driver), ``benchmark`` (this process: Playwright's client), ``other``
    (the rest of the machine: other engineers' work).  A process that ends during the watch loses its last second.
    """

    def __init__(self, server: VoilaServer, interval: float = 1.0):
        self.server, self.interval = server, interval
        self.viewer_kernels = set(server.kernels())
        self.samples: list[tuple[float, dict[str, int]]] = []
        self.first: dict[int, int] = {}  # ticks of each process when first seen
        self.last: dict[int, int] = {}
        self.party: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _classify(self, pid: int) -> str:
        if pid == self.server.pid:
            return "voila"
        if is_kernel(pid):
            return "viewer kernels" if pid in self.viewer_kernels else "new kernels"
        if b"chromium" in _cmdline(pid):
            return "chromium"
        return "playwright"

    def read(self) -> dict[str, int]:
        """Ticks used by each party since the watch started."""
        for pid in _descendants(os.getpid()):
            ticks = _ticks(pid)
            if not ticks and pid not in self.last:
                continue
            if pid not in self.party:
                self.party[pid] = self._classify(pid)
                # a process born during the watch counts from 0; one alive at the start from its ticks then
                self.first[pid] = ticks if not self.samples else 0
            self.last[pid] = max(ticks, self.last.get(pid, 0))
        used: dict[str, int] = {}
        for pid, party in self.party.items():
            used[party] = used.get(party, 0) + self.last[pid] - self.first[pid]
        used["benchmark"] = _ticks(os.getpid()) - self._self0
        used["machine"] = _machine_busy() - self._machine0
        used["other"] = used["machine"] - sum(v for k, v in used.items() if k != "machine")
        return used

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append((time.perf_counter() - self.start, self.read()))

    def __enter__(self) -> CpuWatch:
        self._self0, self._machine0 = _ticks(os.getpid()), _machine_busy()
        self.read()  # every process alive now: its starting ticks
        self.samples.append((0.0, self.read()))
        self.start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.perf_counter() - self.start, self.read()))

    def until(self, seconds: float) -> dict[str, float]:
        """CPU seconds of each party from the start to the first sample at or after ``seconds``."""
        t, used = next((s for s in self.samples if s[0] >= seconds), self.samples[-1])
        return {k: v / HZ for k, v in used.items()} | {"window": t}


# --- The servers -----------------------------------------------------------------------------------------------------


def _shipped_env() -> dict:
    """This process's environment without ``GLOACT_CULL_SECONDS``: the cull time as shipped."""
    return {k: v for k, v in os.environ.items() if k != "GLOACT_CULL_SECONDS"}


#: ``gloact serve --audience N`` with Voilà's own refill, each kernel taken replaced a second after its visit (the
#: baseline of :data:`gloact_lib.app.serve.AUDIENCE_REFILL_SECONDS`): arguments DB PORT N.
VOILA_REFILL = ("import sys; from gloact_lib.app import serve; serve.paced_pools = lambda *args: {}; "
                "serve.serve(sys.argv[1], int(sys.argv[2]), 1, int(sys.argv[3]))")  # fmt: skip


def gloact_server(db: Path, log_path: Path, audience: int = 0, paced: bool = True) -> VoilaServer:
    """``gloact serve --db DB [--audience N]`` as shipped (``python -m gloact_lib.app.cli``); with ``paced=False``,
    the same with Voilà's own refill of the audience's pool (:data:`VOILA_REFILL`)."""
    argv = [sys.executable, "-m", "gloact_lib.app.cli", "serve", "--db", str(db), "--port", "{port}"]
    if audience:
        argv += ["--audience", str(audience)]
    if not paced:
        argv = [sys.executable, "-c", VOILA_REFILL, str(db), "{port}", str(audience)]
    return VoilaServer(argv, log_path, env=_shipped_env(), timeout=180)


def wait_preheated(server: VoilaServer, kernels: int, timeout: float = PREHEAT_TIMEOUT) -> dict:
    """Wait until every pool is filled (Voilà's log), the server runs ``kernels`` kernels and all is idle.

    Idle: the server and its kernels used at most 2 clock ticks a second per kernel for 3 s in a row (the
    notebook has run in every kernel as far as it runs before a visit: the dashboard built, waiting for its
    visitor's address).

    Returns
    -------
    dict
        ``seconds`` waited, ``kernels``, each kernel's CPU seconds so far (``kernel_cpu_s``, sorted).
    """
    start = time.monotonic()
    while True:
        log = server.log()
        filled = {nb for nb in config.DASHBOARDS if f"Kernel pool of {nb} is filled" in log}
        if len(filled) == len(config.DASHBOARDS) and len(server.kernels()) >= kernels:
            break
        if time.monotonic() - start > timeout or server.proc.poll() is not None:
            raise RuntimeError(f"the pools were not filled ({len(server.kernels())} kernels of {kernels}):\n"
                               f"{log[-3000:]}")  # fmt: skip
        time.sleep(0.5)
    server.wait_quiet(timeout=max(30.0, timeout - (time.monotonic() - start)), max_ticks=2 * kernels + 3, windows=3)
    pids = server.kernels()
    return {"seconds": time.monotonic() - start, "kernels": len(pids),
            "kernel_cpu_s": sorted(cpu_ticks([pid]) / HZ for pid in pids)}  # fmt: skip


def _memory(pids) -> dict:
    pids = list(pids)
    return {"count": len(pids), "rss_mb": sum(rss_kb(p) for p in pids) / 1024,
            "pss_mb": sum(pss_kb(p) for p in pids) / 1024}  # fmt: skip


def _p95(values: list[float]) -> float:
    """95th percentile, interpolated between the two nearest values (as numpy's default)."""
    s = sorted(values)
    rank = 0.95 * (len(s) - 1)
    low = int(rank)
    return s[low] + (s[min(low + 1, len(s) - 1)] - s[low]) * (rank - low)


# --- 1. A room at once ---------------------------------------------------------------------------------------------


async def _open_pages(browser, count: int) -> list[dict]:
    """``count`` pages, each in a context of its own (a cold cache, as each viewer's own laptop), recording the
    websocket messages each receives."""
    pages = []
    for _ in range(count):
        context = await browser.new_context(viewport={"width": 1366, "height": 768})
        await context.add_init_script(PAINT_CLOCK_JS)
        page = await context.new_page()
        visit = {"page": page, "frames": []}

        def on_ws(ws, visit=visit):
            ws.on("framereceived", lambda payload, visit=visit: visit["frames"].append(
                (time.perf_counter(), len(payload) if isinstance(payload, bytes) else len(payload.encode()))))

        page.on("websocket", on_ws)
        pages.append(visit)
    return pages


async def _visit(visit: dict, url: str) -> None:
    """Navigate, wait for the map visible (the page's first paint, or the live map) and then for the live map:
    ``start``, ``committed``, ``visible`` and ``drawn`` (seconds from the navigation to the map on screen, on the
    page's clock: :mod:`gloact_lib.app.paint_clock`), ``visible_seen`` and ``drawn_seen`` (when the harness knew,
    on its clock) or ``error``."""
    page = visit["page"]
    visit["start"] = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT * 1000)
        visit["committed"] = time.perf_counter() - visit["start"]
        for key in ("visible", "drawn"):
            remaining = PAGE_TIMEOUT - (time.perf_counter() - visit["start"])
            visit[key] = await painted(page, key, max(1.0, remaining))
            visit[f"{key}_seen"] = time.perf_counter() - visit["start"]
    except Exception as exc:  # a page that never shows its map is counted, not fatal
        visit["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


async def _describe(visit: dict) -> dict:
    """What a visit measured: its times, Navigation Timing and websocket messages (seconds from its navigation)."""
    out = {k: visit[k] for k in ("committed", "visible", "drawn", "visible_seen", "drawn_seen", "error") if k in visit}
    try:
        out.update(await visit["page"].evaluate(PAGE_TIMING_JS))
    except Exception as exc:  # a page that failed may not answer
        out["timing_error"] = type(exc).__name__
    frames = [(t - visit["start"], size) for t, size in visit["frames"]]
    drawn = visit.get("drawn_seen", float("inf"))
    before = [f for f in frames if f[0] <= drawn]
    out["websocket_bytes"] = sum(size for _, size in before)
    out["websocket_messages"] = len(before)
    if before:
        out["first_message"] = before[0][0]
        out["largest_message"], out["largest_message_bytes"] = max(before, key=lambda f: f[1])
    return out


async def _leave(visits: list[dict]) -> None:
    """Leave every page (Voilà's front end posts its kernel's shutdown) and close its context."""
    for visit in visits:
        page = visit["page"]
        try:
            await page.goto("about:blank")
        except Exception:  # leaving a broken page: its context is closed all the same
            pass
        await page.context.close()


async def _wait_kernels(server: VoilaServer, count: int, timeout: float) -> int:
    """Wait until the server runs at most ``count`` kernels (pages left: their kernels shut down); how many now."""
    deadline = time.monotonic() + timeout
    while len(server.kernels()) > count and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    return len(server.kernels())


async def _refilled(server: VoilaServer, count: int, timeout: float) -> float:
    """Wait until ``count`` kernels wait in the server's pools (see :func:`visit_kernels`) and all is idle; the
    seconds waited.

    ``gloact serve --audience`` replaces the kernels taken from the audience's pool together,
    :data:`gloact_lib.app.serve.AUDIENCE_REFILL_SECONDS` after the first was taken.
    """
    start = time.monotonic()
    while len(visit_kernels(server)[1]) < count:
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"the pools were not refilled: {len(visit_kernels(server)[1])} kernels of {count}")
        await asyncio.sleep(0.5)
    await asyncio.to_thread(server.wait_quiet, PREHEAT_TIMEOUT, 1.0, 2 * len(server.kernels()) + 3, 3)
    return time.monotonic() - start


# --- The same room with no browser: the server's part ---------------------------------------------------------------


#: JavaScript: the page's own files (its origin; not the page nor the kernels' API), which a headless viewer fetches.
FILES_JS = """() => performance.getEntriesByType('resource').map(e => e.name)
  .filter(u => u.startsWith(location.origin + '/') && !u.includes('/api/') && !u.includes('/voila/render/'))
  .map(u => u.slice(location.origin.length))"""


async def _headless(base: str, files: list[str], out: dict, leave: asyncio.Event | None = None) -> dict:
    """One viewer with no browser: what Voilà's front end asks the server for until the live map can be drawn.

    The page (a pool kernel handed out, the notebook's last cell rendered), the page's files (from a Chromium visit,
    6 at a time, as a browser per host), the kernel's websocket, and the widgets' state (``request_states`` on a
    ``jupyter.widget.control`` comm, as ipywidgets' manager does: the reply holds every widget, the live map's
    Leaflet and basemap included).  Then, once ``leave`` is set, it leaves as a page does
    (``/voila/api/shutdown/<kernel>``).

    Parameters
    ----------
    base : str
    files : list of str
        Paths of the page's files.
    out : dict
        Filled with the seconds from the request: ``html_received``, ``files_received``, ``websocket_open``,
        ``state_received`` (the map's data are in the browser's hands); ``state_bytes``, ``files_bytes``; or
        ``error``.
    leave : asyncio.Event, optional
        Set when the viewer may leave (default: at once).

    Returns
    -------
    dict
        ``out``.
    """
    import datetime as dt
    import json
    import uuid

    from ipywidgets._version import __control_protocol_version__
    from tornado.httpclient import HTTPRequest
    from tornado.simple_httpclient import SimpleAsyncHTTPClient
    from tornado.websocket import websocket_connect

    client = SimpleAsyncHTTPClient(force_instance=True, max_clients=6)
    start = time.perf_counter()
    try:
        page = await client.fetch(f"{base}/voila/render/{NOTEBOOK}", request_timeout=PAGE_TIMEOUT,
                                  connect_timeout=PAGE_TIMEOUT)
        out["html_received"] = time.perf_counter() - start
        kernel = re.search(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"', page.body.decode()).group(1)
        xsrf = next(c.split(";")[0].split("=", 1)[1] for c in page.headers.get_list("Set-Cookie")
                    if c.startswith("_xsrf="))  # fmt: skip
        cookie = {"Cookie": f"_xsrf={xsrf}"}
        # connect_timeout too: Tornado's client also gives up a request still queued after it (20 s by default),
        # which a slow server's viewers reached with 97 files each, 6 at a time (the Voilà-refill room: 0 of 20)
        sizes = await asyncio.gather(*(client.fetch(base + f, request_timeout=PAGE_TIMEOUT, raise_error=False,
                                                    connect_timeout=PAGE_TIMEOUT) for f in files))  # fmt: skip
        out["files_received"] = time.perf_counter() - start
        out["files_bytes"] = sum(len(r.body or b"") for r in sizes)
        session = str(uuid.uuid4())
        ws = await websocket_connect(HTTPRequest(f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels"
                                                 f"?session_id={session}", headers=cookie),
                                     max_message_size=256 * 2**20)  # fmt: skip
        out["websocket_open"] = time.perf_counter() - start

        def message(kind: str, content: dict, metadata: dict | None = None) -> str:
            header = {"msg_id": uuid.uuid4().hex, "username": "", "session": session, "msg_type": kind,
                      "version": "5.3", "date": dt.datetime.now(dt.UTC).isoformat()}  # fmt: skip
            return json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content,
                               "channel": "shell", "buffers": []})  # fmt: skip

        comm = uuid.uuid4().hex
        await ws.write_message(message("kernel_info_request", {}))
        await ws.write_message(message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                                     "data": {}}, {"version": __control_protocol_version__}))
        await ws.write_message(message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
        while True:
            received = await asyncio.wait_for(ws.read_message(), PAGE_TIMEOUT)
            if received is None:
                raise RuntimeError("the kernel's websocket closed before the widgets' state came")
            if isinstance(received, str) and '"method": "update_states"' in received:
                out["state_received"] = time.perf_counter() - start
                out["state_bytes"] = len(received.encode())
                break
        if leave is not None:
            await leave.wait()
        await ws.write_message(message("comm_close", {"comm_id": comm, "data": {}}))
        ws.close()
        await client.fetch(f"{base}/voila/api/shutdown/{kernel}", method="POST", body="", raise_error=False,
                           headers={**cookie, "X-XSRFToken": xsrf})  # fmt: skip
    except Exception as exc:  # a viewer that never gets its state is counted, not fatal
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    finally:
        client.close()
    return out


# --- The room --------------------------------------------------------------------------------------------------------


async def _chromium(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, *OFFLINE_FLAGS])


async def _alone(server: VoilaServer, visits: int, log: Callable[[str], None]) -> dict:
    """The baselines: ``visits`` Chromium visits one after the other, then as many headless ones, each when the
    server is idle (``--audience`` replaces the kernels taken only later: nothing else starts meanwhile).

    Returns
    -------
    dict
        ``solo`` and ``headless_solo`` (one dict per visit, with its ``cpu_s``), and ``files``: the page's files
        (from the first Chromium visit), which the headless viewers fetch.
    """
    from playwright.async_api import async_playwright

    url = f"{server.url}/voila/render/{NOTEBOOK}"
    out: dict = {"solo": [], "headless_solo": [], "files": []}
    async with async_playwright() as p:
        browser = await _chromium(p)
        try:
            for k in range(visits):
                await asyncio.to_thread(server.wait_quiet, 300, 1.0, 2 * len(server.kernels()) + 3, 3)
                pages = await _open_pages(browser, 1)
                with CpuWatch(server) as watch:
                    await _visit(pages[0], url)
                solo = await _describe(pages[0])
                solo["cpu_s"] = watch.until(solo.get("drawn_seen", PAGE_TIMEOUT))
                if not out["files"]:
                    out["files"] = await pages[0]["page"].evaluate(FILES_JS)
                out["solo"].append(solo)
                log(f"  audience: one viewer alone, visit {k + 1}/{visits}: "
                    f"{solo.get('drawn', float('nan')):.2f} s to the map {solo.get('error', '')}")  # fmt: skip
                await _leave(pages)
        finally:
            await browser.close()
    for k in range(visits):
        await asyncio.to_thread(server.wait_quiet, 300, 1.0, 2 * len(server.kernels()) + 3, 3)
        with CpuWatch(server) as watch:
            solo = await _headless(server.url, out["files"], {})
        solo["cpu_s"] = watch.until(solo.get("state_received", PAGE_TIMEOUT))
        out["headless_solo"].append(solo)
        log(f"  audience: one headless viewer alone, visit {k + 1}/{visits}: the map's data after "
            f"{solo.get('state_received', float('nan')):.2f} s {solo.get('error', '')}")  # fmt: skip
    return out


async def _room(server: VoilaServer, viewers: int, refilled: bool, log: Callable[[str], None]) -> dict:
    """``viewers`` Chromium pages at once, on a server whose pools are full and idle; memory at the last map and,
    when ``refilled``, once the server has refilled its pool with the pages still open."""
    from playwright.async_api import async_playwright

    url = f"{server.url}/voila/render/{NOTEBOOK}"
    pooled = len(server.kernels())
    out: dict = {"kernels_before": _memory(server.kernels())}
    async with async_playwright() as p:
        browser = await _chromium(p)
        try:
            visits = await _open_pages(browser, viewers)
            with CpuWatch(server) as watch:
                await asyncio.gather(*(_visit(v, url) for v in visits))
                drawn = [v["drawn"] for v in visits if "drawn" in v]
                out["kernels_at_last_map"] = _memory(server.kernels())
            out["room"] = [await _describe(v) for v in visits]
            last = max((v["drawn_seen"] for v in visits if "drawn_seen" in v), default=PAGE_TIMEOUT)
            out["cpu_s"] = watch.until(last)
            out["cpu_timeline"] = [(round(t, 2), {k: v / HZ for k, v in used.items()}) for t, used in watch.samples]
            out["start_spread_s"] = max(v["start"] for v in visits) - min(v["start"] for v in visits)
            origins = [r["time_origin"] for r in out["room"] if "time_origin" in r]
            out["navigation_spread_s"] = max(origins) - min(origins) if origins else None
            log(f"  audience: {len(drawn)}/{viewers} maps shown; median {statistics.median(drawn or [0]):.2f} s, "
                f"max {last:.2f} s; CPU s in the room: "
                f"{ {k: round(v, 1) for k, v in out['cpu_s'].items()} }")  # fmt: skip
            taken, waiting = visit_kernels(server)
            out["viewer_kernels"], out["pool_kernels"] = _memory(taken), _memory(waiting)
            if refilled:  # the pages still open: the server as it stands once ready for the next room
                await _refilled(server, pooled, PREHEAT_TIMEOUT + 120)
                out["refilled_after_s"] = time.perf_counter() - min(v["start"] for v in visits)
                out["kernels_open"] = _memory(server.kernels())
                taken, waiting = visit_kernels(server)
                out["viewer_kernels"], out["pool_kernels"] = _memory(taken), _memory(waiting)
            out["chromium_rss_mb"] = sum(rss_kb(pid) for pid in _descendants(os.getpid())
                                         if b"chromium" in _cmdline(pid)) / 1024  # fmt: skip
            await _leave(visits)
            out["kernels_after_leaving"] = await _wait_kernels(server, pooled if refilled else pooled - viewers, 30)
        finally:
            await browser.close()
    return out


async def _headless_room(server: VoilaServer, viewers: int, files: list[str], log: Callable[[str], None]) -> dict:
    """``viewers`` headless viewers at once (:func:`_headless`); they leave once the last has the map's data."""
    rooms: list[dict] = [{} for _ in range(viewers)]
    leave = asyncio.Event()  # the viewers stay until the last has the map's data, as the pages do
    with CpuWatch(server) as watch:
        tasks = [asyncio.create_task(_headless(server.url, files, r, leave)) for r in rooms]
        while not all("state_received" in r or "error" in r for r in rooms):
            await asyncio.sleep(0.05)
    got = [v["state_received"] for v in rooms if "state_received" in v]
    cpu = watch.until(max(got, default=PAGE_TIMEOUT))
    leave.set()
    await asyncio.gather(*tasks)
    log(f"  audience: {len(got)}/{viewers} headless viewers at once had the map's data: median "
        f"{statistics.median(got or [0]):.2f} s, max {max(got, default=0):.2f} s; CPU s: "
        f"{ {k: round(v, 1) for k, v in cpu.items()} }")  # fmt: skip
    return {"headless_room": rooms, "headless_cpu_s": cpu}


def _preheated(db: Path, log_path: Path, viewers: int, log: Callable[[str], None], paced: bool = True):
    """A started ``gloact serve --audience viewers`` whose pools are full and idle (a context manager); ``paced``:
    see :func:`gloact_server`."""
    import contextlib

    @contextlib.contextmanager
    def serving():
        started = time.monotonic()
        with gloact_server(db, log_path, audience=viewers, paced=paced) as server:
            preheat = wait_preheated(server, viewers + len(config.DASHBOARDS) - 1)
            preheat["since_start_s"] = time.monotonic() - started
            log(f"  audience: gloact serve --audience {viewers}{'' if paced else ' with Voilà refill'} preheated "
                f"after {preheat['since_start_s']:.0f} s: "
                f"{preheat['kernels']} kernels, each {preheat['kernel_cpu_s'][0]:.1f}-"
                f"{preheat['kernel_cpu_s'][-1]:.1f} s of CPU")  # fmt: skip
            yield server, preheat

    return serving()


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p95": _p95(values), "max": max(values)}


def bench_room(db: Path, tmp: Path, viewers: int, solo_visits: int, refilled: bool,
               log: Callable[[str], None]) -> tuple[list[Row], dict]:  # fmt: skip
    """A room of ``viewers`` on ``gloact serve --audience viewers``, against one viewer alone on such a server; in
    Chromium and with headless viewers (the server's part).  ``refilled``: also the memory once the server has
    refilled its pool, the pages still open (two minutes more)."""
    missing = browser_missing()
    if missing:
        log(f"  skipped the room: {missing}")
        return [], {"skipped": missing}
    # each part on a server of its own, started the same way (a fresh server preheats in less time than the pool
    # refills): the baselines, the room in Chromium, the room of headless viewers
    with _preheated(db, tmp / "serve-alone.log", viewers, log) as (server, _):
        details = asyncio.run(_alone(server, solo_visits, log))
    with _preheated(db, tmp / "serve-room.log", viewers, log) as (server, preheat):
        details.update(asyncio.run(_room(server, viewers, refilled, log)), viewers=viewers, preheat=preheat)
    with _preheated(db, tmp / "serve-headless.log", viewers, log) as (server, _):
        details.update(asyncio.run(_headless_room(server, viewers, details["files"], log)))
    with _preheated(db, tmp / "serve-voila-refill.log", viewers, log, paced=False) as (server, _):
        unpaced = asyncio.run(_headless_room(server, viewers, details["files"], log))
        details.update(voila_refill_room=unpaced["headless_room"], voila_refill_cpu_s=unpaced["headless_cpu_s"])
    solo = [s["drawn"] for s in details["solo"] if "drawn" in s]
    drawn = [r["drawn"] for r in details["room"] if "drawn" in r]
    if not solo or not drawn:
        raise RuntimeError(f"no map drawn: alone {len(solo)}/{solo_visits}, in the room {len(drawn)}/{viewers}")
    base = statistics.median(solo)
    stats = _stats(drawn)
    details["summary"] = {**stats, "shown": len(drawn), "solo_median": base}
    seen = [r["visible"] for r in details["room"] if "visible" in r]
    seen_base = statistics.median(s["visible"] for s in details["solo"] if "visible" in s)
    details["summary"]["visible"] = {**_stats(seen), "shown": len(seen), "solo_median": seen_base}
    known = [r["visible_seen"] for r in details["room"] if "visible_seen" in r]
    details["summary"]["visible_seen"] = _stats(known)
    details["summary"]["fallbacks"] = sum(bool(r.get("fallback")) for r in details["room"])
    rows = [
        Row("audience", f"{viewers} viewers at once (Chromium): navigation → map visible (the page's first paint), "
            f"{name}", "s", value, seen_base, value / seen_base, len(seen),
            f"one viewer alone, same server command (median of {len(solo)})",
            f"{len(seen)}/{viewers} pages showed their map; drawn from the page's HTML "
            f"(gloact_lib/views/live_preview.py); on the pages' clocks, when on screen (gloact_lib/app/paint_clock.py);"
            f" the harness knew after median {details['summary']['visible_seen']['median']:.2f} s, p95 "
            f"{details['summary']['visible_seen']['p95']:.2f} s" if name == "median" else "")
        for name, value in _stats(seen).items()
    ]  # fmt: skip
    rows += [
        Row("audience", f"{viewers} viewers at once (Chromium): navigation → live map drawn, {name}", "s", value, base,
            value / base, len(drawn), f"one viewer alone, same server command (median of {len(solo)})",
            f"{len(drawn)}/{viewers} pages showed their map" if name == "median" else "")
        for name, value in stats.items()
    ]  # fmt: skip
    h_solo = [s["state_received"] for s in details["headless_solo"] if "state_received" in s]
    h_room = [r["state_received"] for r in details["headless_room"] if "state_received" in r]
    if h_solo and h_room:
        h_base, h_stats = statistics.median(h_solo), _stats(h_room)
        details["summary"].update(headless={**h_stats, "shown": len(h_room), "solo_median": h_base})
        rows += [
            Row("audience", f"{viewers} headless viewers at once (no browser): request → the map's data received, "
                f"{name}", "s", value, h_base, value / h_base, len(h_room),
                f"one headless viewer alone (median of {len(h_solo)})",
                f"{len(h_room)}/{viewers} got it" if name == "median" else "")
            for name, value in h_stats.items()
        ]  # fmt: skip
        v_room = [r["state_received"] for r in details["voila_refill_room"] if "state_received" in r]
        if v_room:
            v_stats = _stats(v_room)
            details["summary"].update(voila_refill={**v_stats, "shown": len(v_room)})
            new = details["voila_refill_cpu_s"].get("new kernels", 0)
            rows.append(Row("audience", f"{viewers} headless viewers at once: the map's data received, p95, kernels "
                            f"taken replaced after {AUDIENCE_REFILL_SECONDS} s", "s", h_stats["p95"], v_stats["p95"],
                            h_stats["p95"] / v_stats["p95"], len(h_room),
                            "the same with Voilà's refill (each replaced a second after its visit)",
                            f"medians {h_stats['median']:.2f} s against {v_stats['median']:.2f} s; with Voilà's refill "
                            f"{len(v_room)}/{viewers} got it and its new kernels used {new:.1f} CPU s"))  # fmt: skip
    before = details["kernels_before"]
    open_ = details.get("kernels_open", details["kernels_at_last_map"])
    when = "pools refilled" if "kernels_open" in details else "at the last map"
    rows.append(Row("audience", f"kernel memory (RSS) with {viewers} viewers' pages open, {when}", "bytes",
                    open_["rss_mb"] * 1048576, before["rss_mb"] * 1048576, open_["rss_mb"] / before["rss_mb"], 1,
                    f"the preheated server before anyone came ({before['count']} kernels)",
                    f"{open_['count']} kernels: {details['viewer_kernels']['count']} viewers', "
                    f"{details['pool_kernels']['count']} waiting in the pools; "
                    f"PSS {open_['pss_mb'] / 1024:.2f} GB against {before['pss_mb'] / 1024:.2f} GB"))  # fmt: skip
    cpu = details["cpu_s"]
    browser = cpu.get("chromium", 0) + cpu.get("playwright", 0)
    rows.append(Row("audience", f"{viewers} viewers at once: CPU used by Chromium and Playwright until the last map",
                    "s", browser, cpu["machine"], browser / cpu["machine"], 1,
                    "the whole machine's CPU time in the same window",
                    f"window {cpu['window']:.1f} s on {os.cpu_count()} CPUs; kernels "
                    f"{cpu.get('viewer kernels', 0) + cpu.get('new kernels', 0):.1f} s (new ones "
                    f"{cpu.get('new kernels', 0):.1f} s), Voilà {cpu.get('voila', 0):.1f} s, "
                    f"other work {cpu.get('other', 0):.1f} s"))  # fmt: skip
    return rows, details


# --- 2. Plain GETs ---------------------------------------------------------------------------------------------------


def _kernel_id(pid: int) -> str:
    """The kernel id in a kernel's command line (its connection file ``kernel-<id>.json``)."""
    found = re.search(rb"kernel-([0-9a-f-]{36})\.json", _cmdline(pid))
    return found.group(1).decode() if found else ""


def _started_for_a_visit(pid: int) -> bool:
    """Whether Voilà started this kernel for a visit (``VOILA_PREHEAT=False``), not for its pool."""
    try:
        return b"\0VOILA_PREHEAT=False\0" in b"\0" + Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False


def visit_kernels(server: VoilaServer) -> tuple[list[int], list[int]]:
    """The server's kernels given to visits (a pool kernel Voilà handed out, as its log says, or one it started for
    a visit when the pool was empty), and those waiting in its pools for a visitor."""
    handed = set(re.findall(r"Using pre-heated kernel: ([0-9a-f-]{36}) for", server.log()))
    visits, waiting = [], []
    for pid in server.kernels():
        (visits if _kernel_id(pid) in handed or _started_for_a_visit(pid) else waiting).append(pid)
    return visits, waiting


def bench_gets(db: Path, tmp: Path, gets: int, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """``gets`` plain GETs of the routes dashboard at once on ``gloact serve`` as shipped; their kernels watched for
    :data:`GET_WATCH` seconds (until they are gone, and at least :data:`GONE_BY`)."""
    env_cull = _shipped_env().get("GLOACT_CULL_SECONDS")
    with gloact_server(db, tmp / "serve-gets.log") as server:
        preheat = wait_preheated(server, len(config.DASHBOARDS))
        url = f"{server.url}/voila/render/{NOTEBOOK}"

        def one(_) -> dict:
            start = time.monotonic()
            try:
                body = get(url, timeout=PAGE_TIMEOUT)
                return {"seconds": time.monotonic() - start, "bytes": len(body), "dashboard": b"gloact" in body}
            except OSError as exc:
                return {"seconds": time.monotonic() - start, "error": f"{type(exc).__name__}: {exc}"}

        start = time.monotonic()
        with ThreadPoolExecutor(gets) as threads:
            answers = list(threads.map(one, range(gets)))
        answered = time.monotonic()
        visits, waiting = visit_kernels(server)
        right_after = {"visit_kernels": _memory(visits), "waiting": len(waiting)}
        log(f"  GETs: {gets} plain GETs answered in {answered - start:.1f} s; right after: {len(visits)} visit "
            f"kernels, {len(waiting)} waiting in the pools")  # fmt: skip
        seen, gone_at, timeline = set(visits), {}, []
        at_limit = None
        while True:
            t = time.monotonic() - answered
            visits, waiting = visit_kernels(server)
            seen.update(visits)
            for pid in seen - set(visits) - set(gone_at):
                gone_at[pid] = t
            timeline.append((round(t, 1), len(visits), len(waiting)))
            if at_limit is None and t >= GONE_BY:
                at_limit = {"seconds": t, "visit_kernels": _memory(visits), "waiting": len(waiting)}
            if t >= GET_WATCH or (at_limit is not None and not visits):
                break
            time.sleep(1.0)
        log_text = server.log()
    culled = len(re.findall(r"Culling '[^']*' (?:dead )?kernel '", log_text))
    details = {"gets": gets, "answers": answers, "answered_in_s": answered - start, "preheat": preheat,
               "cull_seconds": int(env_cull) if env_cull else config.KERNEL_CULL_SECONDS,
               "right_after": right_after, f"after_{GONE_BY}_s": at_limit, "timeline": timeline,
               "gone_after_s": sorted(round(t, 1) for t in gone_at.values()),
               "left_at_end": timeline[-1][1], "watched_s": timeline[-1][0], "culled_in_log": culled}  # fmt: skip
    kernels0 = right_after["visit_kernels"]
    left = at_limit["visit_kernels"]
    gone = details["gone_after_s"]
    all_gone = f"all gone {max(gone):.0f} s after the GETs" if gone and not left["count"] else \
        f"{left['count']} still there at {at_limit['seconds']:.0f} s"
    log(f"  GETs: {kernels0['count']} visit kernels right after the GETs, {left['count']} after {GONE_BY} s; "
        f"gone after {gone} s; {culled} culled by the server")  # fmt: skip
    rows = [Row("audience", f"{gets} plain GETs of routes.ipynb: their kernels' memory (RSS) after {GONE_BY // 60} min",
                "bytes", left["rss_mb"] * 1048576, kernels0["rss_mb"] * 1048576,
                left["rss_mb"] / kernels0["rss_mb"] if kernels0["rss_mb"] else 0.0, 1,
                f"the same kernels right after the GETs ({kernels0['count']} kernels)",
                f"{left['count']} kernels left after {GONE_BY} s ({all_gone}; cull {details['cull_seconds']} s); "
                f"{at_limit['waiting']} pool kernels waiting for visitors, not counted")]  # fmt: skip
    return rows, details


# --- Results -------------------------------------------------------------------------------------------------------


def _median(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else None


def _cell(value: float | None, fmt: str = "{:.2f}") -> str:
    return "" if value is None else fmt.format(value)


def _kb(value: float | None) -> str:
    return "" if value is None else f"{value / 1e3:.0f}"


def _cpu(used: dict, party: str) -> str:
    """CPU seconds of a party; *other* (the machine's minus ours, read a moment apart) is never shown below 0."""
    return f"{max(0.0, used.get(party, 0)) if party == 'other' else used.get(party, 0):.1f}"


def markdown(room: dict, gets: dict) -> list[str]:
    """The section of ``results.md``: the room's pages (medians), who used the CPU, memory, and the GETs' kernels."""
    md = ["", "## A room arriving together (section 11)", ""]
    if "skipped" in room:
        md += [f"The room was not measured: {room['skipped']}", ""]
    elif room.get("summary"):
        n, s = room["viewers"], room["summary"]
        pre = room["preheat"]
        md += [
            f"`gloact serve --audience {n}`: preheated after {pre['since_start_s']:.0f} s ({pre['kernels']} kernels, "
            f"each {pre['kernel_cpu_s'][0]:.1f}-{pre['kernel_cpu_s'][-1]:.1f} s of CPU so far); the {n} navigations "
            f"started within {room['start_spread_s'] * 1000:.0f} ms (the pages' own clocks: "
            f"{(room['navigation_spread_s'] or 0) * 1000:.0f} ms). {s['shown']}/{n} pages showed their map: median "
            f"{s['median']:.2f} s, p95 {s['p95']:.2f} s, max {s['max']:.2f} s; alone {s['solo_median']:.2f} s "
            f"(the live map); the map visible (the page's first paint, or the live map if it came first): median "
            f"{s['visible']['median']:.2f} s, p95 {s['visible']['p95']:.2f} s, max {s['visible']['max']:.2f} s; alone "
            f"{s['visible']['solo_median']:.2f} s. Times are the pages' own, from the navigation to the frame with the "
            f"map on screen (`gloact_lib/app/paint_clock.py`; pages whose probe reported no paint, timed at their "
            f"frame instead: {s.get('fallbacks', 0)}); the harness knew of the map visible after median "
            f"{s['visible_seen']['median']:.2f} s, p95 {s['visible_seen']['p95']:.2f} s.",
            "",
            "Seconds from each page's navigation (median over the pages; *largest message* is the websocket message "
            "carrying the map's basemap and flows):",
            "",
            "| viewers | pages | HTML first byte | HTML received | DOMContentLoaded | load | first websocket message "
            "| largest message | its kB | map visible | map drawn | files | files kB | websocket kB |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]  # fmt: skip
        for name, rows in ((f"1 alone (median of {len(room['solo'])})", room["solo"]), (f"{n} at once", room["room"])):
            med = {k: _median(rows, k) for k in ("response_start", "html_received", "dom_content_loaded", "load",
                                                 "first_message", "largest_message", "largest_message_bytes",
                                                 "visible", "drawn", "files", "files_bytes",
                                                 "websocket_bytes")}  # fmt: skip
            md.append(f"| {name} | {len(rows)} | {_cell(med['response_start'])} | {_cell(med['html_received'])} "
                      f"| {_cell(med['dom_content_loaded'])} | {_cell(med['load'])} | {_cell(med['first_message'])} "
                      f"| {_cell(med['largest_message'])} | {_kb(med['largest_message_bytes'])} "
                      f"| {_cell(med['visible'])} | {_cell(med['drawn'])} | {_cell(med['files'], '{:.0f}')} "
                      f"| {_kb(med['files_bytes'])} "
                      f"| {_kb(med['websocket_bytes'])} |")  # fmt: skip
        parties = ["chromium", "playwright", "benchmark", "voila", "viewer kernels", "new kernels", "other", "machine"]
        md += ["", f"CPU seconds from the navigations to the last map drawn ({os.cpu_count()} CPUs; *viewer kernels*: "
               "the kernels waiting when the room came; *new kernels*: those started meanwhile, to refill the pool or "
               "for a visitor it could not serve; *other*: the rest of the machine):",
               "", "| viewers | window s | " + " | ".join(parties) + " |",
               "|---|--:|" + "--:|" * len(parties)]  # fmt: skip
        solo_cpu = [v["cpu_s"] for v in room["solo"] if "cpu_s" in v]
        for name, cpu in ((f"1 alone (median of {len(solo_cpu)})", {k: statistics.median(c.get(k, 0) for c in solo_cpu)
                                                                  for k in [*parties, "window"]}),
                          (f"{n} at once", room["cpu_s"])):  # fmt: skip
            md.append(f"| {name} | {cpu['window']:.1f} | " + " | ".join(_cpu(cpu, k) for k in parties) + " |")
        if room.get("headless_room"):
            md += ["", "The same with no browser: headless viewers asking the server for what Voilà's front end asks "
                   f"(the page, its {len(room.get('files', []))} files, the kernel's websocket, the widgets' state); "
                   "seconds from the request (median over the viewers), and the CPU seconds until the last one had "
                   "the map's data (*benchmark*: the headless viewers themselves; *Voilà's refill*: the same room on "
                   "a server whose audience pool is refilled as Voilà does, each kernel taken replaced a second after "
                   "its visit):", "",
                   "| viewers | got the state | HTML received | files received | websocket open | map's data received "
                   "| state kB | files kB | voila | viewer kernels | new kernels | benchmark | other |",
                   "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
            hsolo = [v["cpu_s"] for v in room["headless_solo"] if "cpu_s" in v]
            for name, rows, cpu in (
                (f"1 alone (median of {len(room['headless_solo'])})", room["headless_solo"],
                 {k: statistics.median(c.get(k, 0) for c in hsolo) for k in parties} if hsolo else {}),
                (f"{n} at once", room["headless_room"], room["headless_cpu_s"]),
                (f"{n} at once, Voilà's refill", room.get("voila_refill_room", []), room.get("voila_refill_cpu_s", {})),
            ):  # fmt: skip
                if not rows:
                    continue
                med = {k: _median(rows, k) for k in ("html_received", "files_received", "websocket_open",
                                                     "state_received", "state_bytes", "files_bytes")}  # fmt: skip
                got = sum("state_received" in r for r in rows)
                md.append(f"| {name} | {got}/{len(rows)} | {_cell(med['html_received'])} "
                          f"| {_cell(med['files_received'])} | {_cell(med['websocket_open'])} "
                          f"| {_cell(med['state_received'])} | {_kb(med['state_bytes'])} | {_kb(med['files_bytes'])} | "
                          + " | ".join(_cpu(cpu, k) for k in ("voila", "viewer kernels", "new kernels", "benchmark",
                                                               "other")) + " |")  # fmt: skip
        b, last, v, w = (room[k] for k in ("kernels_before", "kernels_at_last_map", "viewer_kernels", "pool_kernels"))
        md += ["", "Memory of the server's kernels (sums, MB):", "",
               "| when | kernels | RSS | PSS |", "|---|--:|--:|--:|",
               f"| preheated, before anyone came | {b['count']} | {b['rss_mb']:.0f} | {b['pss_mb']:.0f} |",
               f"| at the last map drawn | {last['count']} | {last['rss_mb']:.0f} | {last['pss_mb']:.0f} |"]
        if "kernels_open" in room:
            o = room["kernels_open"]
            md.append(f"| {n} pages open, pools refilled ({room['refilled_after_s']:.0f} s after the navigations) "
                      f"| {o['count']} | {o['rss_mb']:.0f} | {o['pss_mb']:.0f} |")
        md += [f"| of which the viewers' | {v['count']} | {v['rss_mb']:.0f} | {v['pss_mb']:.0f} |",
               f"| and those waiting in the pools | {w['count']} | {w['rss_mb']:.0f} | {w['pss_mb']:.0f} |",
               "", f"Chromium's own RSS with the {n} pages open: {room['chromium_rss_mb']:.0f} MB; kernels a few "
               f"seconds after the pages were left: {room['kernels_after_leaving']}.", ""]  # fmt: skip
    if "skipped" in gets:
        md += [f"The plain GETs were not measured: {gets['skipped']}", ""]
    elif gets.get("right_after"):
        ra, late = gets["right_after"], gets[f"after_{GONE_BY}_s"]
        gone = gets["gone_after_s"]
        md += [f"{gets['gets']} plain GETs of `routes.ipynb` at once on `gloact serve` as shipped (cull "
               f"{gets['cull_seconds']} s), answered in {gets['answered_in_s']:.1f} s: right after, "
               f"{ra['visit_kernels']['count']} kernels given to the GETs ({ra['visit_kernels']['rss_mb']:.0f} MB RSS) "
               f"and {ra['waiting']} waiting in the pools; after {late['seconds']:.0f} s, "
               f"{late['visit_kernels']['count']} of the GETs' kernels ({late['visit_kernels']['rss_mb']:.0f} MB) and "
               f"{late['waiting']} waiting. The GETs' kernels were gone after "
               f"{', '.join(f'{t:.0f}' for t in gone) or 'never'} s (seconds after the GETs were answered; "
               f"{gets['culled_in_log']} culled by the server, as its log says).", ""]  # fmt: skip
    return md


def run(ctx: Context) -> Result:
    """The room (``VIEWERS`` viewers, ``QUICK_VIEWERS`` with ``--quick``) and the plain GETs; a failure is recorded."""
    viewers = VIEWERS if ctx.scale == 1 else QUICK_VIEWERS
    gets = GETS if ctx.scale == 1 else QUICK_GETS
    db = shipped_db(ctx.tmp)
    solo = SOLO_VISITS if ctx.scale == 1 else 1
    room_rows, room = survive(lambda: bench_room(db, ctx.tmp, viewers, solo, ctx.scale == 1, ctx.log), ctx.log)
    get_rows, got = survive(lambda: bench_gets(db, ctx.tmp, gets, ctx.log), ctx.log)
    return Result(room_rows + get_rows, {"audience": {"room": room, "gets": got}}, markdown(room, got))
