"""Measurement 9: a shared workbook, on DuckDB and on PostgreSQL: imports while a dashboard draws.

The same measures on both engines, each engine's figures as ratios to its own baseline, and the
PostgreSQL ones also as ratios to the DuckDB ones of the same run:

* an import of ``ROWS`` journeys (the ``gloact import`` command, in its own process) alone, and the
  same import while a "viewer" process redraws the routes dashboard's figures in a loop (open the
  workbook read-only, ``Flows.from_db``, ``route_map`` rendered to HTML, as a dashboard does on each
  filter change): rows/s, the viewer's time to map, and the longest a redraw waited to open the
  workbook (DuckDB: the file held by the import's final append; PostgreSQL: the version check and,
  once the import has committed, the rebuild of the viewer's replica);
* time to map in a new process (open the workbook, ``Flows.from_db``, map HTML): on PostgreSQL the
  opening builds the process's replica;
* PostgreSQL only: the replica refresh alone (``connect(url)`` after a change) at ``REFRESH_SIZES``
  generated journeys, against opening the same workbook file on DuckDB and a bare ``COPY`` out of its
  journeys;
* three focal points importing ``ROWS`` journeys each at the same time (their own country's rows),
  against one of them alone, on both engines.

PostgreSQL runs on a throwaway cluster (``tests/pg_cluster.py``: Debian's server, 127.0.0.1, fsync off);
without a server installed those rows are skipped with a message.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from common import REPEATS, Context, Result, Row, shipped_db, size_label, survive
from dashboards import dashboard_db

TITLE = "9. a shared workbook: imports while a dashboard draws (DuckDB and PostgreSQL)"
ROWS = 100_000
#: Generated journeys (on top of the shipped non-illustrative rows) of the workbooks whose replica refresh is timed.
REFRESH_SIZES = (100_000, 300_000)
#: The three focal points that import at the same time (each its own country's rows).
FOCAL_COUNTRIES = ("MLI", "NER", "MAR")
#: Seconds the viewer redraws with nothing else running (its idle time to map); halved with ``--quick``.
IDLE_SECONDS = 8.0
#: The cluster helper shared with the tests (loaded from its file: ``tests`` is not an installed package).
PG_CLUSTER = Path(__file__).resolve().parent.parent / "tests" / "pg_cluster.py"

#: The viewer: redraws until told to stop, printing one JSON line per redraw (when it started, on the wall clock;
#: seconds opening the workbook; seconds to map).
VIEWER = r"""
import json, sys, time
from pathlib import Path
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.data.database import open_waiting
from gloact_lib.views.route_map import route_map
db, stop = sys.argv[1], Path(sys.argv[2])
while not stop.exists():
    started, t0 = time.time(), time.perf_counter()
    con = open_waiting(db, read_only=True)
    t1 = time.perf_counter()
    try:
        route_map(Flows.from_db(con, Selection())).get_root().render()
    finally:
        con.close()
    print(json.dumps({"start": started, "wait": t1 - t0, "map": time.perf_counter() - t0}), flush=True)
"""

#: One first drawing in a new process (after its imports): seconds to open, to the flows, to the map's HTML.
FIRST_MAP = r"""
import json, sys, time
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.data.database import open_waiting
from gloact_lib.views.route_map import route_map
t0 = time.perf_counter()
con = open_waiting(sys.argv[1], read_only=True)
t1 = time.perf_counter()
flows = Flows.from_db(con, Selection())
t2 = time.perf_counter()
route_map(flows).get_root().render()
t3 = time.perf_counter()
journeys = con.execute("SELECT count(*) FROM journeys").fetchall()[0][0]
con.close()
print(json.dumps({"open": t1 - t0, "flows": t2 - t1, "map": t3 - t0, "journeys": journeys}))
"""

DUCK, PG = "DuckDB", "PostgreSQL"


# --- Files, imports and viewers (both engines: ``db`` is a file or a postgresql:// address) ----------------------


def _journeys_file(path: Path, rows: int, tag: str, country: str = "NER") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["journey_id", "crime", "persons", "period_start", "origin", "via", "destination", "sex",
                         "reporting_country", "source"])  # fmt: skip
        for i in range(rows):
            writer.writerow([f"{tag}-{i}", "trafficking", 1 + i % 3, f"2019-{1 + i % 12:02d}-01",
                             ["NGA", "MLI", "NER", "GIN"][i % 4], "", ["LBY", "ITA", "ESP"][i % 3],
                             "female" if i % 2 else "male", country, "benchmark"])  # fmt: skip
    return path


def _start_import(db: str | Path, path: Path, as_country: str | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gloact_lib.app.cli", "import", "--db", str(db), "--json",
           "--report", str(path.with_suffix(".rej.csv")), str(path)]  # fmt: skip
    if as_country:
        cmd += ["--as-country", as_country]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def _end_import(proc: subprocess.Popen, rows: int) -> None:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(err.strip() or f"import exited with {proc.returncode}")
    summary = json.loads(out.strip().splitlines()[-1])
    if summary.get("accepted") != rows:
        raise RuntimeError(f"import stored {summary.get('accepted')} of {rows} rows: {summary}")


def _import(db: str | Path, path: Path, rows: int, as_country: str | None = None) -> float:
    """Seconds of one ``gloact import`` (its process included: the command, as a user runs it)."""
    start = time.perf_counter()
    _end_import(_start_import(db, path, as_country), rows)
    return time.perf_counter() - start


def _imports_at_once(jobs: list[tuple[str | Path, Path, str | None]], rows: int) -> tuple[float, list[float]]:
    """Wall seconds of several imports started together, and each one's seconds."""
    start = time.perf_counter()
    procs = [_start_import(db, path, country) for db, path, country in jobs]
    each = [0.0] * len(procs)
    pending = dict(enumerate(procs))
    while pending:
        for i, proc in list(pending.items()):
            if proc.poll() is not None:
                each[i] = time.perf_counter() - start
                del pending[i]
        time.sleep(0.05)
    for proc in procs:
        _end_import(proc, rows)
    return time.perf_counter() - start, each


def _viewer(db: str | Path, stop: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", VIEWER, str(db), str(stop)], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ))  # fmt: skip


def _stop(viewer: subprocess.Popen, stop: Path) -> list[dict]:
    stop.touch()
    out, _ = viewer.communicate(timeout=300)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _first_map(db: str | Path) -> dict:
    done = subprocess.run([sys.executable, "-c", FIRST_MAP, str(db)], capture_output=True, text=True,
                          env=dict(os.environ))  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "first map failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _imports_with_viewer(db: str | Path, alone_db: str | Path, tmp: Path, rows: int, engine: str,
                         idle_seconds: float = IDLE_SECONDS) -> dict:  # fmt: skip
    """One engine: the import alone (on ``alone_db``); then on ``db`` a viewer that has drawn once (on PostgreSQL:
    made its replica) redraws for ``idle_seconds`` with nothing else running, then during the same import.

    The redraws *during* the import are those that started while it ran, and the first one after it (the first
    to see the new rows: on PostgreSQL, the one that rebuilds the replica, whenever the commit fell in a redraw)."""
    tag = "d" if engine == DUCK else "p"
    t_alone = _import(alone_db, _journeys_file(tmp / f"shared-{tag}a.csv", rows, f"{tag}a"), rows)
    stop = tmp / f"shared-stop-{tag}"
    viewer = _viewer(db, stop)
    try:
        first = viewer.stdout.readline()  # its first drawing: the process's start, and a PostgreSQL replica made
        if not first:
            raise RuntimeError(f"the viewer drew nothing on {engine}")
        idle_from = time.time()
        time.sleep(idle_seconds)
        import_from = time.time()
        t_busy = _import(db, _journeys_file(tmp / f"shared-{tag}b.csv", rows, f"{tag}b"), rows)
        import_to = time.time()
        time.sleep(2.0)  # the redraw that sees the new rows
    finally:
        redraws = _stop(viewer, stop)
    idle = [r for r in redraws if r["start"] >= idle_from and r["start"] + r["map"] <= import_from]
    busy = [r for r in redraws if import_from <= r["start"] <= import_to]
    busy += [r for r in redraws if r["start"] > import_to][:1]
    if not idle or not busy:
        raise RuntimeError(f"the viewer drew nothing on {engine} ({len(idle)} idle, {len(busy)} during the import)")
    return {"engine": engine, "rows": rows, "import_alone_seconds": t_alone, "import_with_viewer_seconds": t_busy,
            "viewer_redraws_idle": len(idle), "viewer_redraws_during_import": len(busy),
            "time_to_map_idle_seconds": statistics.median(r["map"] for r in idle),
            "time_to_map_during_import_seconds": statistics.median(r["map"] for r in busy),
            "longest_wait_seconds": max(r["wait"] for r in busy),
            "longest_redraw_during_import_seconds": max(r["map"] for r in busy),
            "open_idle_seconds": statistics.median(r["wait"] for r in idle),
            # every redraw after the first: seconds from the import's start, seconds opening, seconds to map
            "redraws": [[round(r["start"] - import_from, 3), round(r["wait"], 3), round(r["map"], 3)]
                        for r in redraws if r["start"] >= idle_from]}  # fmt: skip


# --- PostgreSQL: the throwaway cluster and its workbooks ---------------------------------------------------------


def _cluster_module():
    """``tests/pg_cluster.py`` loaded from its file, or why not (a string)."""
    if not PG_CLUSTER.exists():
        return f"{PG_CLUSTER} is missing (the throwaway cluster helper of the tests)"
    spec = importlib.util.spec_from_file_location("gloact_bench_pg_cluster", PG_CLUSTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if module.server_binaries() is None:
        return "PostgreSQL server not installed (make postgres: Debian's postgresql package)"
    return module


class Server:
    """A throwaway cluster holding one database per workbook (the superuser builds it, a user of a role reads and
    imports)."""

    def __init__(self, module):
        self.cluster = module.Cluster()

    def workbook(self, name: str, source: Path, users: dict[str, tuple[str, str | None]]) -> dict[str, str]:
        """A database ``name`` holding a copy of the workbook file ``source``; the address of each user
        (``{user: (role, country)}``)."""
        import psycopg

        from gloact_lib.data.server_access import users_add
        from gloact_lib.data.transfer import copy_workbook

        url = self.cluster.create_database(name)
        copy_workbook(source, url)
        urls = {}
        with psycopg.connect(url) as pg:
            for user, (role, country) in users.items():
                urls[user] = self.cluster.url(name, user, users_add(pg, user, role, country))
        return urls

    def change(self, name: str) -> None:
        """A statement that changes data (and so the data version every replica compares with)."""
        import psycopg

        with psycopg.connect(self.cluster.url(name), autocommit=True) as pg:
            pg.execute("UPDATE countries SET name_en = name_en WHERE iso3 = 'MLI'")

    def remove(self) -> None:
        self.cluster.remove()


def _bare_copy_out(url: str) -> float:
    """Seconds of ``COPY journeys TO STDOUT`` (CSV, what a replica's copy reads), the rows read and dropped."""
    import psycopg

    from gloact_lib.data.schema import TABLES

    cols = ", ".join(f'"{c}"' for c in TABLES["journeys"].column_names)
    with psycopg.connect(url) as pg, pg.cursor() as cur:
        start = time.perf_counter()
        with cur.copy(f"COPY (SELECT {cols} FROM journeys) TO STDOUT (FORMAT csv, FORCE_QUOTE *)") as copy:
            for _ in copy:
                pass
        return time.perf_counter() - start


def _replica_refresh(server: Server, tmp: Path, n: int, log: Callable[[str], None]) -> dict:
    """``connect(url)`` after a change (the replica made again), against opening the same workbook file on DuckDB;
    a bare ``COPY`` out of the journeys for scale."""
    from gloact_lib.data.database import connect, open_waiting

    source = dashboard_db(tmp, n)  # the shipped workbook with n generated journeys
    name = f"refresh_{size_label(n).lower()}"
    user = f"analyst_{name}"
    url = server.workbook(name, source, {user: ("analyst", None)})[user]
    con = connect(url)  # this process's replica, made once
    journeys = con.execute("SELECT count(*) FROM journeys").fetchall()[0][0]
    con.close()
    refresh, duck_open, copy_out = [], [], []
    for _ in range(REPEATS):
        server.change(name)
        start = time.perf_counter()
        connect(url).close()
        refresh.append(time.perf_counter() - start)
        start = time.perf_counter()
        open_waiting(source, read_only=True).close()
        duck_open.append(time.perf_counter() - start)
        copy_out.append(_bare_copy_out(url))
    start = time.perf_counter()
    connect(url).close()  # nothing changed: the version check only
    unchanged = time.perf_counter() - start
    out = {"generated": n, "journeys": journeys, "refresh_seconds": statistics.median(refresh),
           "duckdb_open_seconds": statistics.median(duck_open), "bare_copy_out_seconds": statistics.median(copy_out),
           "unchanged_connect_seconds": unchanged, "refresh_all_seconds": refresh}  # fmt: skip
    log(f"  replica refresh, {journeys:,} journeys: {out['refresh_seconds']:.2f} s (DuckDB open "
        f"{out['duckdb_open_seconds'] * 1000:.0f} ms, bare COPY out {out['bare_copy_out_seconds']:.2f} s, "
        f"unchanged {unchanged * 1000:.0f} ms)")  # fmt: skip
    return out


# --- The measurement ---------------------------------------------------------------------------------------------


def _engine_rows(d: dict, label: str) -> list[Row]:
    e = d["engine"]
    wait_is = "the file's lock" if e == DUCK else "version check, replica rebuilt after the commit"
    return [
        Row("shared", f"{e}: import of {label}: rows/s with a dashboard redrawing", "rows/s",
            d["rows"] / d["import_with_viewer_seconds"], d["rows"] / d["import_alone_seconds"],
            d["import_with_viewer_seconds"] / d["import_alone_seconds"], 1, f"the same import alone ({e})"),
        Row("shared", f"{e}: dashboard time to map during the import (median)", "s",
            d["time_to_map_during_import_seconds"], d["time_to_map_idle_seconds"],
            d["time_to_map_during_import_seconds"] / d["time_to_map_idle_seconds"], d["viewer_redraws_during_import"],
            f"the same redraw with no import ({e})",
            f"longest wait to open {d['longest_wait_seconds']:.3f} s ({wait_is}) over "
            f"{d['viewer_redraws_during_import']} redraws"),
    ]  # fmt: skip


def _versus_rows(duck: dict, pg: dict, label: str) -> list[Row]:
    vs = "the same on DuckDB"
    out = [
        Row("shared", f"PostgreSQL vs DuckDB: import of {label} alone", "rows/s",
            pg["rows"] / pg["import_alone_seconds"], duck["rows"] / duck["import_alone_seconds"],
            pg["import_alone_seconds"] / duck["import_alone_seconds"], 1, vs,
            f"{pg['import_alone_seconds']:.1f} s against {duck['import_alone_seconds']:.1f} s, process start included"),
        Row("shared", f"PostgreSQL vs DuckDB: import of {label} with a dashboard redrawing", "rows/s",
            pg["rows"] / pg["import_with_viewer_seconds"], duck["rows"] / duck["import_with_viewer_seconds"],
            pg["import_with_viewer_seconds"] / duck["import_with_viewer_seconds"], 1, vs),
        Row("shared", "PostgreSQL vs DuckDB: longest a redraw waited to open the workbook during the import", "s",
            pg["longest_wait_seconds"], duck["longest_wait_seconds"],
            pg["longest_wait_seconds"] / duck["longest_wait_seconds"], 1, vs,
            "PostgreSQL: the replica rebuilt once the import committed; DuckDB: the file held by the final append"),
        Row("shared", "PostgreSQL vs DuckDB: dashboard redraw with no import (median)", "s",
            pg["time_to_map_idle_seconds"], duck["time_to_map_idle_seconds"],
            pg["time_to_map_idle_seconds"] / duck["time_to_map_idle_seconds"], pg["viewer_redraws_idle"], vs,
            f"opening {pg['open_idle_seconds'] * 1000:.0f} ms (version check) against "
            f"{duck['open_idle_seconds'] * 1000:.0f} ms (file)"),
    ]  # fmt: skip
    if "first_map" in duck and "first_map" in pg:
        d, p = duck["first_map"], pg["first_map"]
        out.append(Row("shared", f"PostgreSQL vs DuckDB: time to map in a new process, {p['journeys']:,} journeys",
                       "s", p["map"], d["map"], p["map"] / d["map"], p["runs"], vs,
                       f"open (replica made) {p['open']:.2f} s against {d['open']:.3f} s; flows + map "
                       f"{p['map'] - p['open']:.2f} s against {d['map'] - d['open']:.2f} s"))  # fmt: skip
    return out


def _focal_rows(duck: dict, pg: dict | None, label: str) -> list[Row]:
    n = len(FOCAL_COUNTRIES)
    out = []
    for d in (duck, pg):
        if d is None:
            continue
        out.append(Row("shared", f"{d['engine']}: {n} focal points import {label} each at once (wall time)", "s",
                       d["at_once_seconds"], d["one_alone_seconds"], d["at_once_seconds"] / d["one_alone_seconds"], 1,
                       f"one of the imports alone ({d['engine']})",
                       f"each import done after {', '.join(f'{s:.1f}' for s in d['each_seconds'])} s "
                       f"(one after the other: ratio {n})"))  # fmt: skip
    if pg is not None:
        p, d = pg["at_once_seconds"], duck["at_once_seconds"]
        out.append(Row("shared", f"PostgreSQL vs DuckDB: {n} focal points import {label} each at once (wall time)",
                       "s", p, d, p / d, 1, "the same on DuckDB"))  # fmt: skip
    return out


def _refresh_rows(refresh: list[dict]) -> list[Row]:
    return [Row("shared", f"PostgreSQL: replica refresh after a change (connect), {r['journeys']:,} journeys", "s",
                r["refresh_seconds"], r["duckdb_open_seconds"], r["refresh_seconds"] / r["duckdb_open_seconds"],
                REPEATS, "DuckDB: opening the same workbook file read-only",
                f"{size_label(r['generated'])} generated; bare COPY of the journeys out "
                f"{r['bare_copy_out_seconds']:.2f} s "
                f"({r['refresh_seconds'] / r['bare_copy_out_seconds']:.1f}x of it); unchanged: "
                f"{r['unchanged_connect_seconds'] * 1000:.0f} ms")
            for r in refresh]  # fmt: skip


def bench_shared(tmp: Path, rows: int, refresh_sizes: tuple[int, ...], log: Callable[[str], None],
                 idle_seconds: float = IDLE_SECONDS) -> tuple[list[Row], dict]:  # fmt: skip
    """Both engines, phase by phase (DuckDB, then PostgreSQL, in each phase, so that a slow spell of the machine
    falls on both); a PostgreSQL step that fails is recorded, the next ones skipped and every figure measured so
    far kept."""
    base = shipped_db(tmp)
    label = f"{size_label(rows)} journeys"
    details: dict = {"rows": rows, DUCK: {"engine": DUCK}, PG: {"engine": PG}}
    files = {}
    for name in ("alone", "busy", "focal-one", "focal-all"):
        files[name] = tmp / f"shared-{name}.duckdb"
        shutil.copy(base, files[name])
    server: Server | None = None
    urls: dict[str, str] = {}

    def pg_step(what: str, fn: Callable[[], object]):
        """Run a PostgreSQL step unless one has failed; on failure say so and record it."""
        if "skipped" in details[PG]:
            return None
        try:
            return fn()
        except Exception as exc:  # recorded; the other figures stand
            log(f"  PostgreSQL: {what} FAILED: {traceback.format_exc()}")
            first = str(exc).splitlines()[0] if str(exc) else ""
            details[PG]["skipped"] = f"{what} failed: {type(exc).__name__}: {first}"
            return None

    module = _cluster_module()
    if isinstance(module, str):
        log(f"  PostgreSQL skipped: {module}")
        details[PG]["skipped"] = module

    def setup():
        nonlocal server
        start = time.perf_counter()
        server = Server(module)
        for name in ("alone", "busy"):
            urls[name] = server.workbook(name, base, {f"analyst_{name}": ("analyst", None)})[f"analyst_{name}"]
        urls["focal_one"] = server.workbook("focal_one", base, {"focal_one_mli": ("focal", "MLI")})["focal_one_mli"]
        focal = server.workbook("focal_all", base, {f"focal_{c.lower()}": ("focal", c) for c in FOCAL_COUNTRIES})
        urls.update({f"focal_all_{c}": focal[f"focal_{c.lower()}"] for c in FOCAL_COUNTRIES})
        log(f"  PostgreSQL: throwaway cluster and 4 workbooks made in {time.perf_counter() - start:.1f} s")

    def focal(engine: str) -> None:
        c0 = FOCAL_COUNTRIES[0]
        if engine == DUCK:  # a focal point of a workbook file imports --as-country
            one = _import(files["focal-one"], paths[c0], rows, c0)
            jobs = [(files["focal-all"], paths[c], c) for c in FOCAL_COUNTRIES]
        else:  # the server knows a focal point's country
            one = _import(urls["focal_one"], paths[c0], rows)
            jobs = [(urls[f"focal_all_{c}"], paths[c], None) for c in FOCAL_COUNTRIES]
        wall, each = _imports_at_once(jobs, rows)
        details[engine].update(one_alone_seconds=one, at_once_seconds=wall, each_seconds=each)
        log(f"  {engine}, {len(jobs)} focal imports of {label} at once: {wall:.1f} s against {one:.1f} s for one")

    try:
        pg_step("cluster and workbooks", setup)
        # 1. Imports alone and with a viewer redrawing.
        for engine in (DUCK, PG):
            dbs = (files["busy"], files["alone"]) if engine == DUCK else (urls.get("busy"), urls.get("alone"))
            measure = lambda dbs=dbs, engine=engine: _imports_with_viewer(*dbs, tmp, rows, engine, idle_seconds)  # noqa: E731
            d = measure() if engine == DUCK else pg_step("imports with a viewer", measure)
            if d:
                details[engine].update(d)
                log(f"  {engine}, import of {label}: alone {d['import_alone_seconds']:.1f} s, with a viewer "
                    f"{d['import_with_viewer_seconds']:.1f} s; time to map {d['time_to_map_idle_seconds']:.2f} s idle, "
                    f"{d['time_to_map_during_import_seconds']:.2f} s during; longest wait to open "
                    f"{d['longest_wait_seconds']:.3f} s")  # fmt: skip
        # 2. Time to map in a new process, on the workbook after the import, the engines alternated.
        firsts: dict[str, list[dict]] = {DUCK: [], PG: []}
        for _ in range(REPEATS):
            firsts[DUCK].append(_first_map(files["busy"]))
            got = pg_step("time to map", lambda: _first_map(urls["busy"]))
            if got:
                firsts[PG].append(got)
        for engine, runs in firsts.items():
            if len(runs) == REPEATS:
                f = {k: statistics.median(r[k] for r in runs) for k in ("open", "flows", "map")}
                details[engine]["first_map"] = {**f, "journeys": runs[0]["journeys"], "runs": len(runs)}
                log(f"  {engine}, time to map in a new process: {f['map']:.2f} s (open {f['open']:.3f} s)")
        # 3. The replica refresh alone (PostgreSQL's own cost).
        refresh = [pg_step(f"replica refresh at {size_label(n)}", lambda n=n: _replica_refresh(server, tmp, n, log))
                   for n in refresh_sizes]  # fmt: skip
        if refresh and all(refresh):
            details[PG]["replica_refresh"] = refresh
        # 4. Three focal points at once, against one of them alone.
        paths = {c: _journeys_file(tmp / f"shared-focal-{c}.csv", rows, f"focal-{c}", c) for c in FOCAL_COUNTRIES}
        focal(DUCK)
        pg_step("focal imports at once", lambda: focal(PG))
    finally:
        if server is not None:
            server.remove()
    duck, pg = details[DUCK], details[PG]
    result = _engine_rows(duck, label)
    if "import_alone_seconds" in pg:
        result += _engine_rows(pg, label) + _versus_rows(duck, pg, label)
    result += _refresh_rows(pg.get("replica_refresh", []))
    result += _focal_rows(duck, pg if "at_once_seconds" in pg else None, label)
    return result, details


def _markdown(details: dict) -> list[str]:
    if not details or "skipped" in details and DUCK not in details:
        return []
    duck, pg = details[DUCK], details[PG]
    engines = [duck] + ([pg] if "import_alone_seconds" in pg else [])
    md = ["", "## Shared workbook (DuckDB and PostgreSQL)", "",
          f"Imports of {details['rows']:,} journeys (seconds, the `gloact import` process included; one run each), "
          "the viewer's redraws (median) and the longest it waited to open the workbook during the import; time to "
          f"map in a new process (median of {REPEATS}, engines alternated):", "",
          "| engine | import alone | with a viewer | redraws idle / during | time to map idle | during | longest wait "
          "| longest redraw | new process: open | flows + map | time to map |",
          "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    for d in engines:
        f = d.get("first_map", {"open": float("nan"), "map": float("nan")})
        md.append(f"| {d['engine']} | {d['import_alone_seconds']:.1f} | {d['import_with_viewer_seconds']:.1f} | "
                  f"{d['viewer_redraws_idle']} / {d['viewer_redraws_during_import']} | "
                  f"{d['time_to_map_idle_seconds']:.2f} | {d['time_to_map_during_import_seconds']:.2f} | "
                  f"{d['longest_wait_seconds']:.3f} | {d['longest_redraw_during_import_seconds']:.2f} | "
                  f"{f['open']:.3f} | {f['map'] - f['open']:.2f} | {f['map']:.2f} |")  # fmt: skip
    if "skipped" in pg:
        md += ["", f"PostgreSQL: {pg['skipped']} (what follows was not measured on it)."]
    if "replica_refresh" in pg:
        md += ["", "PostgreSQL replica refresh: `connect(url)` after a change (median of "
               f"{REPEATS}), against opening the same workbook file read-only on DuckDB and a bare `COPY` of its "
               "journeys out (seconds):", "",
               "| generated | journeys | refresh | DuckDB open | bare COPY out | unchanged (version check) |",
               "|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
        for r in pg["replica_refresh"]:
            md.append(f"| {size_label(r['generated'])} | {r['journeys']:,} | {r['refresh_seconds']:.2f} | "
                      f"{r['duckdb_open_seconds']:.3f} | {r['bare_copy_out_seconds']:.2f} | "
                      f"{r['unchanged_connect_seconds']:.3f} |")  # fmt: skip
    md += ["", f"{len(FOCAL_COUNTRIES)} focal points ({', '.join(FOCAL_COUNTRIES)}) importing "
           f"{details['rows']:,} journeys each at once (seconds; *each* is when each import had finished):", "",
           "| engine | one alone | all at once | each | at once ÷ one |", "|---|--:|--:|---|--:|"]  # fmt: skip
    for d in engines:
        if "at_once_seconds" in d:
            md.append(f"| {d['engine']} | {d['one_alone_seconds']:.1f} | {d['at_once_seconds']:.1f} | "
                      f"{', '.join(f'{s:.1f}' for s in d['each_seconds'])} | "
                      f"{d['at_once_seconds'] / d['one_alone_seconds']:.2f} |")  # fmt: skip
    return md


def run(ctx: Context) -> Result:
    """Measurement 9 (``ROWS`` and ``REFRESH_SIZES`` divided by ``ctx.scale``); a failure is recorded."""
    sizes = tuple(n // ctx.scale for n in REFRESH_SIZES)
    idle = IDLE_SECONDS if ctx.scale == 1 else IDLE_SECONDS / 2
    rows, details = survive(lambda: bench_shared(ctx.tmp, ROWS // ctx.scale, sizes, ctx.log, idle), ctx.log)
    return Result(rows, {"shared": details}, _markdown(details))
