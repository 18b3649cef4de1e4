"""Measurement 9: a shared workbook on the embedded engine (DuckDB): imports while a dashboard draws.

An import of 100k journeys (the command, in its own process) alone, against the same import while a
"viewer" process redraws the routes dashboard's figures in a loop (a short read-only connection, then
``Flows.from_db``, then ``route_map``, as a dashboard does on each filter change): the import's
slowdown, the longest time a redraw waited for the database (an import's final append), and the
viewer's time to map while the import runs against its time to map alone.
PostgreSQL is not measured yet (issue 12: the second engine is still to come).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from common import Context, Result, Row, shipped_db, survive

TITLE = "9. imports while a dashboard draws (DuckDB)"
ROWS = 100_000

#: The viewer: redraws until told to stop, printing one JSON line per redraw (seconds waiting, seconds to map).
VIEWER = r"""
import json, sys, time
from pathlib import Path
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.data.database import open_waiting
from gloact_lib.views.route_map import route_map
db, stop = sys.argv[1], Path(sys.argv[2])
while not stop.exists():
    t0 = time.perf_counter()
    con = open_waiting(db, read_only=True)
    t1 = time.perf_counter()
    try:
        route_map(Flows.from_db(con, Selection())).get_root().render()
    finally:
        con.close()
    print(json.dumps({"wait": t1 - t0, "map": time.perf_counter() - t0}), flush=True)
"""


def _journeys_file(path: Path, rows: int, tag: str) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["journey_id", "crime", "persons", "period_start", "origin", "via", "destination", "sex",
                         "reporting_country", "source"])  # fmt: skip
        for i in range(rows):
            writer.writerow([f"{tag}-{i}", "trafficking", 1 + i % 3, f"2019-{1 + i % 12:02d}-01",
                             ["NGA", "MLI", "NER", "GIN"][i % 4], "", ["LBY", "ITA", "ESP"][i % 3],
                             "female" if i % 2 else "male", "NER", "benchmark"])  # fmt: skip
    return path


def _import(db: Path, path: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gloact_lib.app.cli", "import", "--db", str(db), "--json",
                           "--report", str(path.with_suffix(".rej.csv")), str(path)],
                          capture_output=True, text=True, env=dict(os.environ))  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip())
    return time.perf_counter() - start


def _viewer(db: Path, stop: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", VIEWER, str(db), str(stop)], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ))  # fmt: skip


def _stop(viewer: subprocess.Popen, stop: Path) -> list[dict]:
    stop.touch()
    out, _ = viewer.communicate(timeout=300)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def bench_shared(tmp: Path, rows: int, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Import alone, then with a viewer redrawing; the viewer alone for its time to map."""
    base = shipped_db(tmp)
    alone_db, busy_db = tmp / "shared-alone.duckdb", tmp / "shared-busy.duckdb"
    shutil.copy(base, alone_db)
    shutil.copy(base, busy_db)
    t_alone = _import(alone_db, _journeys_file(tmp / "shared-a.csv", rows, "a"))
    stop = tmp / "shared-stop-idle"
    viewer = _viewer(busy_db, stop)
    time.sleep(8.0)  # the viewer's redraws with nothing else running
    idle = _stop(viewer, stop)
    stop = tmp / "shared-stop-busy"
    viewer = _viewer(busy_db, stop)
    time.sleep(3.0)
    t_busy = _import(busy_db, _journeys_file(tmp / "shared-b.csv", rows, "b"))
    busy = _stop(viewer, stop)
    if not idle or not busy:
        raise RuntimeError("the viewer drew nothing")
    map_idle = statistics.median(r["map"] for r in idle)
    map_busy = statistics.median(r["map"] for r in busy)
    longest_wait = max(r["wait"] for r in busy)
    details = {"rows": rows, "import_alone_seconds": t_alone, "import_with_viewer_seconds": t_busy,
               "viewer_redraws_idle": len(idle), "viewer_redraws_during_import": len(busy),
               "time_to_map_idle_seconds": map_idle, "time_to_map_during_import_seconds": map_busy,
               "longest_wait_seconds": longest_wait}  # fmt: skip
    label = f"{rows // 1000}k journeys"
    result = [
        Row("shared", f"import of {label}: rows/s with a dashboard redrawing", "rows/s", rows / t_busy,
            rows / t_alone, t_busy / t_alone, 1, "the same import alone"),
        Row("shared", "dashboard: time to map during the import (median)", "s", map_busy, map_idle,
            map_busy / map_idle, len(busy), "the same redraw with no import",
            f"longest wait for the database {longest_wait:.3f} s over {len(busy)} redraws"),
    ]  # fmt: skip
    log(f"  import {label}: alone {t_alone:.1f} s, with a viewer {t_busy:.1f} s; time to map {map_idle:.2f} s idle, "
        f"{map_busy:.2f} s during the import; longest wait {longest_wait:.3f} s ({len(busy)} redraws)")
    return result, details


def run(ctx: Context) -> Result:
    """Measurement 9 (``ROWS`` divided by ``ctx.scale``); a failure is recorded."""
    rows, details = survive(lambda: bench_shared(ctx.tmp, ROWS // ctx.scale, ctx.log), ctx.log)
    md = [] if not details or "skipped" in details else [
        "", "## Shared workbook (DuckDB)", "",
        f"Import of {details['rows']:,} journeys: {details['import_alone_seconds']:.1f} s alone, "
        f"{details['import_with_viewer_seconds']:.1f} s while a viewer redraws; the viewer's time to map "
        f"{details['time_to_map_idle_seconds']:.2f} s idle and {details['time_to_map_during_import_seconds']:.2f} s "
        f"during the import; the longest a redraw waited for the database: {details['longest_wait_seconds']:.3f} s."]
    return Result(rows, {"shared": details}, md)
