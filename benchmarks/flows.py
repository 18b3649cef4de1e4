"""Measurements 2 and 3: od_pairs, legs and Flows.from_db against a plain GROUP BY.

2. **od_pairs** -- :func:`gloact_lib.analysis.counts.od_pairs` on 10M journeys against a
   plain ``GROUP BY`` of the same table.
3. **flows** -- :meth:`gloact_lib.analysis.flows.Flows.from_db` and
   :func:`gloact_lib.analysis.counts.legs` at 100k, 1M and 10M journeys against the same
   plain ``GROUP BY``, with a breakdown of ``Flows.from_db`` into its steps (:func:`flows_breakdown`).

The tables are generated in DuckDB by :func:`common.journeys_sql`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
from common import REPEATS, Context, Result, Row, journeys_sql, median_time, paired_times, size_label

TITLE = "2-3. od_pairs, legs and Flows.from_db against a plain GROUP BY"
#: legs and Flows.from_db at or above this many journeys are tried once first, and timed once only when that try
#: took more than SLOW_SECONDS (tens of seconds each before flows.py added journeys up per path); else 3 times.
SINGLE_FLOWS_ROWS = 10_000_000
SLOW_SECONDS = 5.0

#: The plain aggregation every query benchmark is compared with.
BASELINE_SQL = "SELECT origin_country, destination_country, sum(persons), count(*) FROM journeys GROUP BY ALL"


def build_journeys_db(path: Path, n: int, reports: Path) -> float:
    """Create a workbook database at ``path`` holding ``n`` generated journeys.

    The database is made by :func:`gloact_lib.data.database.connect` (the real schema,
    primary key included) with the shipped places, then filled by
    :func:`journeys_sql`.

    Returns
    -------
    float
        Seconds spent generating and inserting the journeys.
    """
    from gloact_lib import config
    from gloact_lib.data.database import connect
    from gloact_lib.imports.pipeline import import_file

    con = connect(path)
    try:
        import_file(con, config.REFERENCE_DIR / "hubs.csv", report=reports / "hubs.rejections.csv")
        start = time.perf_counter()
        sql, params = journeys_sql(con)
        con.execute(sql, [n, *params])
        con.execute("CHECKPOINT")
        return time.perf_counter() - start
    finally:
        con.close()



def bench_queries(sizes: list[int], od_size: int, tmp: Path,
                  log: Callable[[str], None]) -> tuple[list[Row], list[dict], dict]:  # fmt: skip
    """Measurements 2 and 3: od_pairs, legs and Flows.from_db against a plain GROUP BY.

    Parameters
    ----------
    sizes : list of int
        Journeys per table (each built in its own database file).
    od_size : int
        The size at which :func:`gloact_lib.analysis.counts.od_pairs` is the headline.
    tmp : Path
        Scratch folder for the database files.
    log : callable
        Progress messages.

    Returns
    -------
    rows : list of Row
    parts : list of dict
        Per size, seconds of each step of ``Flows.from_db`` (:func:`flows_breakdown`) and of the baseline.
    builds : dict
        Seconds to generate each table.
    """
    from gloact_lib.analysis import counts, flows
    from gloact_lib.data.database import connect

    rows, parts, builds = [], [], {}
    selection = flows.Selection()
    for n in sizes:
        path = tmp / f"journeys_{size_label(n)}.duckdb"
        builds[size_label(n)] = build_journeys_db(path, n, tmp)
        log(f"  built {size_label(n)} journeys in {builds[size_label(n)]:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
        con = connect(path)
        try:
            stored = con.execute("SELECT count(*) FROM journeys").fetchall()[0][0]
            if stored != n:
                raise RuntimeError(f"expected {n} journeys, found {stored}")

            def baseline(con=con):
                return con.execute(BASELINE_SQL).df()

            candidates = [
                ("od_pairs", "counts.od_pairs(con, Selection())", lambda con=con: counts.od_pairs(con, selection)),
                ("legs", "counts.legs(con, Selection())", lambda con=con: counts.legs(con, selection)),
                ("flows", "Flows.from_db(con, Selection())", lambda con=con: flows.Flows.from_db(con, selection)),
            ]
            measured, runs, base_times = {}, {}, []
            for section, name, fn in candidates:
                runs[section] = REPEATS
                if n >= SINGLE_FLOWS_ROWS and section != "od_pairs":
                    start = time.perf_counter()
                    fn()  # the try (it also warms up)
                    if time.perf_counter() - start > SLOW_SECONDS:
                        runs[section] = 1
                measured[section], times, _ = paired_times(fn, baseline, runs[section])
                base_times += times
                log(f"  {name} {size_label(n)}: {measured[section]:.3f} s (GROUP BY {statistics.median(times):.3f} s)")
            # One baseline per table: the median of all its timings, alternated with the candidates
            # (a sub-second query timed a dozen times is steadier than three timings of it).
            b = statistics.median(base_times)
            for section, name, _ in candidates:
                g = measured[section]
                note = "headline" if section == "od_pairs" and n == od_size else ""
                if runs[section] == 1:
                    note = "1 timed run (slow)"
                rows.append(Row(section, f"{name}, {size_label(n)} journeys", "s", g, b, g / b, runs[section],
                                "plain GROUP BY", note))  # fmt: skip
            log(f"  GROUP BY {size_label(n)}: median {b:.3f} s of {len(base_times)} runs")
            step_runs = min(runs.values())
            steps = flows_breakdown(con, selection, baseline, step_runs, measured["legs"])
            parts.append({"journeys": n, "runs": step_runs, **steps})
        finally:
            con.close()
            path.unlink(missing_ok=True)
            Path(str(path) + ".wal").unlink(missing_ok=True)
    return rows, parts, builds


def flows_breakdown(con: duckdb.DuckDBPyConnection, selection, baseline: Callable[[], object], repeats: int,
                    legs_seconds: float) -> dict:  # fmt: skip
    """Seconds of each step of :meth:`Flows.from_db`, timed one by one.

    ``Flows.from_db`` is :func:`gloact_lib.analysis.flow_counts.flow_counts` (one read of the journeys, added up
    per path, and everything derived from those groups) followed by :meth:`Flows.from_counts` (the publication).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    selection : gloact_lib.analysis.flows.Selection
    baseline : callable
        The plain GROUP BY, timed alongside for scale.
    repeats : int
        Runs of each step (median).
    legs_seconds : float
        The time of :func:`gloact_lib.analysis.counts.legs` already measured at this size (the former query of
        the legs alone, for scale).

    Returns
    -------
    dict
        ``legs`` (as measured), ``flow_counts`` (all of the reading), of which ``paths`` (the one query over the
        journeys: their sums per path), ``texts`` (the selection's sources and crimes: two columns) and ``nodes``
        (the places of the map's points); ``publish`` (:meth:`Flows.from_counts`: the cell-key perturbation of
        every table, the hubs), and ``baseline``, in seconds.
    """
    from gloact_lib.analysis import flow_counts as fc
    from gloact_lib.analysis.flows import Flows

    raw = fc.flow_counts(con, selection)
    sql, params = fc._paths_sql(selection)
    names = [n[0] for n in raw.nodes]
    steps = {
        "flow_counts": lambda: fc.flow_counts(con, selection),
        "paths": lambda: con.execute(sql, params).fetchall(),
        "texts": lambda: fc.texts(con, selection),
        "nodes": lambda: fc.node_rows(con, names),
        "publish": lambda: Flows.from_counts(selection, raw),
        "baseline": baseline,
    }
    return {"legs": legs_seconds, **{name: median_time(fn, repeats) for name, fn in steps.items()}}


def breakdown_markdown(parts: list[dict]) -> list[str]:
    """The step-by-step seconds of ``Flows.from_db``, as Markdown lines."""
    if not parts:
        return []
    keys = [k for k in parts[0] if k not in ("journeys", "runs")]
    md = ["", "## Flows.from_db, step by step (seconds, median of the runs)", "",
          "| journeys | runs | " + " | ".join(keys) + " |", "|--:|--:|" + "--:|" * len(keys)]  # fmt: skip
    md += [f"| {p['journeys']:,} | {p['runs']} | " + " | ".join(f"{p[k]:.3f}" for k in keys) + " |"
           for p in parts]  # fmt: skip
    return md


def run(ctx: Context) -> Result:
    """Measurements 2 and 3 at 100k, 1M and 10M journeys (divided by ``ctx.scale``; od_pairs' headline at the last)."""
    sizes = [100_000 // ctx.scale, 1_000_000 // ctx.scale, 10_000_000 // ctx.scale]
    rows, parts, builds = bench_queries(sizes, sizes[-1], ctx.tmp, ctx.log)
    return Result(rows, {"flows_breakdown_seconds": parts}, breakdown_markdown(parts), {"build_seconds": builds})
