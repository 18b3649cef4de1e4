"""Area ``room``: a room of viewers opening the same view (issue 14, item 4).

Measured on the shipped data, each viewer a fresh process (as each Voilà kernel is), ratios in one run:

1. **The next viewer of the same view**: building and drawing the routes dashboard in a new process when another
   process has already drawn the same view (its figures read from the cache shared by kernels,
   :mod:`gloact_lib.analysis.shared_cache`), against the first viewer, who computes them (baseline).
2. **The view before its files**: the drawing a viewer waits for (key figures, map, table, chart, notes), against
   the same drawing followed by writing its CSV and Excel files (baseline: what every redraw cost before the files
   were written after the view had reached the viewer).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from common import Context, Result, Row, shipped_db, survive

TITLE = "10. a room of viewers: the next viewer of the same view, the view before its files"
REPEATS = 5

#: One viewer: a new process that builds the routes dashboard (which draws it once) and says how long it took,
#: and how long writing the view's downloads takes when a viewer asks for them (a click: CSV, then Excel).
VIEWER = """
import json, sys, time
t0 = time.perf_counter()
from gloact_lib.dashboards import RoutesDashboard
from gloact_lib.data.database import connect
con = connect(sys.argv[1], read_only=True)
t1 = time.perf_counter()
d = RoutesDashboard(con=con)  # built and drawn: what a viewer waits for
t2 = time.perf_counter()
answers = [d.downloads.answer(kind) for kind in ("csv", "xlsx")]  # what the two links' clicks write
assert all("file" in message for message, _ in answers), answers
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "draw": t2 - t1, "files": t3 - t2}))
"""


def _viewer(db: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", VIEWER, str(db)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_room(tmp: Path, log) -> tuple[list[Row], dict]:
    base = shipped_db(tmp)
    db = tmp / "room.duckdb"
    shutil.copy(base, db)
    first, next_ = [], []
    for k in range(REPEATS):
        shutil.rmtree(tmp / ".gloact-cache", ignore_errors=True)  # a new version of the data: nobody computed yet
        first.append(_viewer(db))
        next_.append(_viewer(db))
        log(f"  room: viewer pair {k + 1}/{REPEATS}: first {first[-1]['draw']:.2f} s, next "
            f"{next_[-1]['draw']:.2f} s")
    med = {name: {key: statistics.median(v[key] for v in runs) for key in runs[0]}
           for name, runs in (("first", first), ("next", next_))}  # fmt: skip
    # the drawing alone: what the viewer waits for now (the files are written when a link is clicked)
    drawn_first, drawn_next = med["first"]["draw"], med["next"]["draw"]
    rows = [
        Row("room", "next viewer of the same view: drawing", "s", drawn_next, drawn_first, drawn_next / drawn_first,
            REPEATS, "first viewer (computes the figures)", "figures read from the cache shared by kernels"),
        Row("room", "a viewer waits for the view, not its files", "s", drawn_first,
            drawn_first + med["first"]["files"], drawn_first / (drawn_first + med["first"]["files"]), REPEATS,
            "drawing then writing CSV and Excel (as every drawing did)", "the files written when asked for"),
    ]  # fmt: skip
    return rows, {"median_seconds": med, "repeats": REPEATS}


def run(ctx: Context) -> Result:
    """The room's measurements (on the shipped data, whatever ``ctx.scale``); a failure is recorded."""
    rows, details = survive(lambda: bench_room(ctx.tmp, ctx.log), ctx.log)
    md = []
    if details.get("median_seconds"):
        m = details["median_seconds"]
        md = ["## A room of viewers", "",
              f"A viewer's process imports the dashboard in {m['first']['imports']:.2f} s (median); the first viewer "
              f"of a view draws it in {m['first']['draw']:.2f} s, the next one in {m['next']['draw']:.2f} s; writing "
              f"the view's CSV and Excel takes {m['first']['files']:.2f} s, only when a viewer clicks a link.",
              ""]  # fmt: skip
    return Result(rows, {"room": details}, md)
