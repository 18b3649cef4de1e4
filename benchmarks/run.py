"""Benchmarks of the GLO.ACT workbook, reported as ratios to baselines measured in the same run.

Eight measurements (see ``benchmarks/README.md``):

1. **import** -- :func:`gloact_lib.imports.pipeline.import_file` of journey CSV files
   (100k and 1M rows, about 0.1% bad rows) into :func:`gloact_lib.data.database.scratch`
   and into an on-disk database, against DuckDB's own ``read_csv`` of the same
   file with no validation.  Each import runs in a fresh subprocess, which also
   reports the growth of its peak resident set size.
2. **od_pairs** -- :func:`gloact_lib.analysis.counts.od_pairs` on 10M journeys against a
   plain ``GROUP BY`` of the same table.
3. **flows** -- :meth:`gloact_lib.analysis.flows.Flows.from_db` and
   :func:`gloact_lib.analysis.counts.legs` at 100k, 1M and 10M journeys against the same
   plain ``GROUP BY``, with a breakdown of ``Flows.from_db`` into its queries.
4. **map** -- bytes of the self-contained overview map of
   :func:`gloact_lib.views.route_map.route_map` against ``geopandas.GeoDataFrame.explore()``
   of the same arcs and countries.
5. **dashboard** -- in Chromium, ``gloact serve`` of the shipped data: seconds
   from navigation to the map of ``routes.ipynb`` drawn (preheated kernel),
   against a bare Voilà notebook showing one plain folium map.
6. **memory** -- RSS of the server's kernel processes per viewer (3 viewers
   open), against the same for the bare notebook.
7. **redraw** -- the routes dashboard served on 100k and 1M journeys: a change
   of its Country filter to the map redrawn in the browser, against the same
   selection's ``Flows.from_db`` + map rendering in this process; and the bytes
   of map HTML sent per redraw.
8. **briefing** -- :func:`gloact_lib.views.briefing.build_briefing` (HTML, PNGs, PDF)
   against saving the overview map, and the pack's sizes.

Timings are medians of repeated runs; only ratios are meant to be compared
between machines.  Usage::

    .venv/bin/python benchmarks/run.py [--quick] [--out DIR] [AREA ...]

``--quick`` divides every size by ten (a smoke run of a few minutes: the browser
measurements keep their visits and viewers).  AREA is one of :data:`AREAS`
(``imports`` is 1, ``flows`` 2-3, ``maps`` 4, ``dashboards`` 5-7, ``briefing`` 8, ``shared`` 9, ``room`` 10,
``audience`` 11;
each measured by the module of that name); without one, all run.  Results are
printed and written to ``DIR/results.json`` and ``DIR/results.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import duckdb
from common import Context, Result, Row, markdown_table, table, text_table

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"
#: The areas, in the order they run and are reported: each is the module of that name (next to this file), with
#: ``TITLE`` and ``run(ctx: common.Context) -> common.Result``.
AREAS = ["imports", "flows", "maps", "dashboards", "briefing", "shared", "room", "audience"]


def _code_measured(state: dict) -> str:
    if not state["commit"]:
        return f"Code measured: gloact_lib from {state['source']}."
    changed = f" with uncommitted changes to {', '.join(state['uncommitted'])}" if state["uncommitted"] else ""
    return f"Code measured: commit {state['commit']}{changed}."


def write_results(out: Path, meta: dict, results: list[Result]) -> None:
    """Write ``results.json`` and ``results.md`` to ``out``.

    Parameters
    ----------
    out : Path
    meta : dict
        The run: date, mode, areas, machine, versions, code, load averages.
    results : list of common.Result
        What each area measured, in order.
    """
    out.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = [r for result in results for r in result.rows]
    payload = {"meta": meta, "results": [asdict(r) for r in rows]}
    for result in results:
        payload.update(result.data)
    (out / "results.json").write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    areas = "" if meta["areas"] == AREAS else f" of {', '.join(meta['areas'])}"
    md = [
        "# Benchmark results",
        "",
        f"{meta['date']} · {meta['mode']} run{areas} · {meta['cpus']} CPUs · Python {meta['python']} · "
        f"DuckDB {meta['duckdb']} · total {meta['total_seconds']:.0f} s",
        "",
        _code_measured(meta["git"]),
        "",
        f"Load average (1, 5, 15 min) at the start {meta['load_average']['start']}, "
        f"at the end {meta['load_average']['end']}; the benchmark alone accounts for up to {meta['cpus']}, "
        "more means other work competed for the CPUs.",
        "",
        "Ratio = gloact ÷ baseline of time or bytes (above 1: gloact costs more). For rows/s, it is the baseline's "
        "rows/s ÷ gloact's.",
        "",
        markdown_table(table(rows)),
    ]
    for result in results:
        md += result.markdown
    (out / "results.md").write_text("\n".join(md) + "\n", encoding="utf-8")


def git_state() -> dict:
    """Which code was measured: the commit of the imported ``gloact_lib`` and its uncommitted files.

    Returns
    -------
    dict
        ``source`` (folder holding the imported ``gloact_lib``), ``commit`` and
        ``uncommitted`` (files of ``gloact_lib/`` changed since the commit); the
        last two are empty when that folder is not a git checkout.
    """
    import gloact_lib

    root = Path(gloact_lib.__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        except OSError:
            return ""
        return done.stdout if done.returncode == 0 else ""

    state = {"source": str(root), "commit": "", "uncommitted": []}
    if (root / ".git").exists():
        changed = git("status", "--porcelain", "--", "gloact_lib").splitlines()
        state.update(commit=git("rev-parse", "--short", "HEAD").strip(), uncommitted=[line[3:] for line in changed])
    return state

# --- Entry point ---------------------------------------------------------------------------------------------------


def _load() -> list[float] | None:
    """1, 5 and 15-minute load averages (other work on the machine skews the ratios)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="GLO.ACT workbook benchmarks (ratios to same-run baselines).")
    parser.add_argument("areas", nargs="*", metavar="AREA",
                        help=f"areas to run, in their own order (default: all): {', '.join(AREAS)}")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="ten times smaller sizes (smoke run)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    unknown = [a for a in args.areas if a not in AREAS]
    if unknown:
        parser.error(f"unknown area {', '.join(unknown)} (choose from {', '.join(AREAS)})")
    args.areas = [a for a in AREAS if a in args.areas] if args.areas else AREAS
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table and write the results.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    args = parse_args(argv)
    load_before = _load()
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", flush=True)

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="gloact-bench-") as name:
        ctx = Context(tmp=Path(name), scale=10 if args.quick else 1, log=log)
        os.environ["GLOACT_MAPS"] = str(ctx.tmp / "maps")
        for area in args.areas:
            module = importlib.import_module(area)
            log(module.TITLE)
            results.append(module.run(ctx))
    meta = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "areas": args.areas,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "git": git_state(),
        "build_seconds": {},
    }
    for result in results:
        meta.update(result.meta)
    meta.update(total_seconds=time.perf_counter() - started, load_average={"start": load_before, "end": _load()})
    print()
    print(text_table(table([r for result in results for r in result.rows])))
    write_results(args.out, meta, results)
    print(f"\nTotal {meta['total_seconds']:.0f} s; results in {args.out}/results.json and results.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
