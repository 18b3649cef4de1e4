"""Benchmarks of the GLO.ACT workbook, reported as ratios to baselines measured in the same run.

Eight measurements (see ``benchmarks/README.md``):

1. **import** -- :func:`gloact_lib.importers.import_file` of journey CSV files
   (100k and 1M rows, about 0.1% bad rows) into :func:`gloact_lib.store.scratch`
   and into an on-disk database, against DuckDB's own ``read_csv`` of the same
   file with no validation.  Each import runs in a fresh subprocess, which also
   reports the growth of its peak resident set size.
2. **od_pairs** -- :func:`gloact_lib.flows.od_pairs` on 10M journeys against a
   plain ``GROUP BY`` of the same table.
3. **flows** -- :meth:`gloact_lib.flows.Flows.from_db` and
   :func:`gloact_lib.flows.legs` at 100k, 1M and 10M journeys against the same
   plain ``GROUP BY``, with a breakdown of ``Flows.from_db`` into its queries.
4. **map** -- bytes of the self-contained overview map of
   :func:`gloact_lib.maps.route_map` against ``geopandas.GeoDataFrame.explore()``
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
8. **briefing** -- :func:`gloact_lib.briefing.build_briefing` (HTML, PNGs, PDF)
   against saving the overview map, and the pack's sizes.

Timings are medians of repeated runs; only ratios are meant to be compared
between machines.  Usage::

    .venv/bin/python benchmarks/run.py [--quick] [--out DIR]

``--quick`` divides every size by ten (a smoke run of a few minutes: the browser
measurements keep their visits and viewers).  Results are printed and written to
``DIR/results.json`` and ``DIR/results.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"

#: Repeats of every timing; the median is reported.
REPEATS = 3
#: Imports at or above this many rows run once (each takes tens of seconds).
SINGLE_IMPORT_ROWS = 1_000_000
#: legs and Flows.from_db at or above this many journeys are tried once first, and timed once only when that try
#: took more than SLOW_SECONDS (tens of seconds each before flows.py added journeys up per path); else 3 times.
SINGLE_FLOWS_ROWS = 10_000_000
SLOW_SECONDS = 5.0

#: The plain aggregation every query benchmark is compared with.
BASELINE_SQL = "SELECT origin_country, destination_country, sum(persons), count(*) FROM journeys GROUP BY ALL"
#: DuckDB reading the CSV with no validation at all: the import baseline.
READ_CSV_SQL = "CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar=true)"

# --- Synthetic data ------------------------------------------------------------------------------------------------

#: Origins as written in analysts' files: ISO codes mostly, some English and French names.
CSV_ORIGINS = ["NGA", "NGA", "NGA", "MLI", "MLI", "NER", "NER", "GIN", "GIN", "CIV", "CIV", "SEN", "GMB", "BFA",
               "GHA", "CMR", "SLE", "LBR", "TGO", "BEN", "Nigeria", "Mali", "Côte d'Ivoire", "Guinée", "Sénégal",
               "Burkina Faso", "Gambie"]  # fmt: skip
#: Via hubs as written in files (place ids or names), empty for a direct journey.
CSV_VIAS = ["", "", "", "agadez;sebha", "agadez;sebha", "kano;agadez;sebha;tripoli", "niamey;agadez;sebha;tripoli",
            "bamako;gao;tamanrasset", "bamako;gao;oujda;tangier", "nouadhibou", "niamey;agadez;arlit;assamaka",
            "Agadez;Dirkou;Sebha", "dakar;nouadhibou;laayoune"]  # fmt: skip
CSV_DESTINATIONS = ["LBY", "LBY", "DZA", "MAR", "ESP", "ESP", "ITA", "ITA", "FRA", "tripoli", "tangier", "Algérie"]
#: Bad values, one kind per bad row in turn; each is rejected by the importer for its own reason.
CSV_BAD = [("persons", "0"), ("origin", "Congo"), ("period_start", "05/06/2018"), ("via", "agadez;atlantis")]
CSV_COLUMNS = ["journey_id", "crime", "persons", "period_start", "origin", "via", "destination", "sex", "age_group",
               "exploitation"]  # fmt: skip

#: About 30 origin countries for the SQL-generated tables, most frequent first.
SQL_ORIGINS = (
    "NGA GIN CIV MLI SEN NER CMR GMB BFA GHA SDN ERI MAR DZA TUN "
    "EGY SLE LBR TGO BEN TCD MRT GNB SOM ETH COD CAF BGD SYR AFG"
).split()
#: Hub lists (place ids and their countries) with the destinations reached through them (15 in all).
SQL_ROUTES = [
    ("", "", ["LBY", "DZA", "MAR", "SEN", "NER"]),
    ("agadez;sebha", "NER;LBY", ["LBY", "ITA", "MLT"]),
    ("kano;agadez;sebha;tripoli", "NGA;NER;LBY;LBY", ["ITA", "MLT", "DEU"]),
    ("niamey;agadez;sebha;tripoli", "NER;NER;LBY;LBY", ["ITA", "FRA", "DEU"]),
    ("bamako;gao;tamanrasset", "MLI;MLI;DZA", ["DZA", "FRA"]),
    ("bamako;gao;tamanrasset;oujda;tangier", "MLI;MLI;DZA;MAR;MAR", ["ESP", "FRA", "BEL"]),
    ("bamako;gao;oujda", "MLI;MLI;MAR", ["MAR", "ESP"]),
    ("nouadhibou", "MRT", ["ESP"]),
    ("dakar;nouadhibou;laayoune", "SEN;MRT;ESH", ["ESP", "NLD"]),
    ("niamey;agadez;arlit;assamaka", "NER;NER;NER;NER", ["DZA", "TUN"]),
    ("agadez;dirkou;madama;sebha", "NER;NER;NER;LBY", ["LBY", "ITA", "GRC"]),
    ("tangier", "MAR", ["ESP", "FRA", "GBR"]),
]
EXPLOITATIONS = ["sexual", "forced_labour", "domestic_work", "begging", "forced_criminality", "unknown"]


def write_journeys_csv(path: Path, n: int, seed: int = 2018) -> int:
    """Write ``n`` journeys in the workbook's journey CSV format.

    A realistic mix: West African origins (ISO codes, English and French names),
    via hub lists or empty, months or days as dates.  Row ``i`` with
    ``i % 1000 == 500`` carries one bad value (kinds in :data:`CSV_BAD` in turn),
    so about 0.1% of rows are rejected.

    Parameters
    ----------
    path : Path
        File to write (UTF-8, comma-separated, no quoting needed).
    n : int
        Data rows.
    seed : int, default 2018
        Random seed.

    Returns
    -------
    int
        The number of bad rows written (the importer must reject exactly these).
    """
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> np.ndarray:
        return np.asarray(values, dtype=object)[rng.integers(len(values), size=n)]

    years = rng.integers(2010, 2025, size=n)
    months = rng.integers(1, 13, size=n)
    days = rng.integers(1, 29, size=n)
    daily = rng.random(n) < 0.3
    dates = [f"{y}-{m:02d}-{d:02d}" if full else f"{y}-{m:02d}"
             for y, m, d, full in zip(years, months, days, daily, strict=True)]  # fmt: skip
    crime = np.where(rng.random(n) < 0.55, "smuggling", "trafficking").astype(object)
    exploitation = np.where(crime == "smuggling", "unknown", pick(EXPLOITATIONS))
    columns = {
        "journey_id": [f"J{i:08d}" for i in range(n)],
        "crime": crime,
        "persons": (1 + rng.geometric(0.25, size=n)).astype(str).astype(object),
        "period_start": np.asarray(dates, dtype=object),
        "origin": pick(CSV_ORIGINS),
        "via": pick(CSV_VIAS),
        "destination": pick(CSV_DESTINATIONS),
        "sex": pick(["female", "male", "male", "unknown", ""]),
        "age_group": pick(["adult", "adult", "child", "unknown"]),
        "exploitation": exploitation,
    }
    bad_rows = np.arange(500, n, 1000)
    for k, i in enumerate(bad_rows):
        column, value = CSV_BAD[k % len(CSV_BAD)]
        columns[column][i] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(CSV_COLUMNS) + "\n")
        step = 200_000
        for lo in range(0, n, step):
            parts = [columns[c][lo : lo + step] for c in CSV_COLUMNS]
            fh.write("".join(",".join(row) + "\n" for row in zip(*parts, strict=True)))
    return len(bad_rows)


def _sql_list(values: list[str]) -> str:
    """A DuckDB list literal of constant strings."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _uniform(k: int) -> str:
    """SQL for a uniform number in [0, 1) drawn from row ``i`` and stream ``k``."""
    return f"((hash(i, {k}) % 1000003)::DOUBLE / 1000003)"


def journeys_sql(con) -> tuple[str, list]:
    """``INSERT ... SELECT`` that generates ``?`` journeys in DuckDB, and its other parameters.

    Origins are skewed towards the first of :data:`SQL_ORIGINS`; each journey
    follows one of :data:`SQL_ROUTES` (skewed too) to one of its destinations;
    months are spread over 2010-2024; persons follow a geometric-like law.
    Everything is a function of the row number, so a smaller table is a prefix
    of a larger one.  Each journey gets its record key under ``con``'s secret, as an import
    gives it (:func:`gloact_lib.disclosure.record_key_sql`).

    Returns
    -------
    sql : str
    params : list
        The parameters after the first (the number of journeys).
    """
    from gloact_lib.disclosure import record_key_sql

    journey_id = "'bench-' || lpad(i::VARCHAR, 9, '0')"
    key_sql, key_params = record_key_sql(con, journey_id)
    u = _uniform
    vias = _sql_list([r[0] for r in SQL_ROUTES])
    via_countries = _sql_list([r[1] for r in SQL_ROUTES])
    dests = "[" + ", ".join(_sql_list(r[2]) for r in SQL_ROUTES) + "]"
    return f"""
    INSERT INTO journeys (journey_id, crime, persons, unit, period_start, period_end, origin, origin_country, via,
                          via_countries, destination, destination_country, sex, age_group, exploitation,
                          reporting_country, route, source, illustrative, rkey)
    WITH g AS (
        SELECT i,
               1 + floor({len(SQL_ORIGINS)} * pow({u(1)}, 2))::INT AS o,
               1 + floor({len(SQL_ROUTES)} * pow({u(2)}, 1.5))::INT AS r,
               {u(3)} AS ud, {u(4)} AS up, {u(5)} AS um, {u(6)} AS uc, {u(7)} AS us, {u(8)} AS ua, {u(9)} AS ue,
               {u(10)} AS ur
        FROM range(?) t(i)
    ), h AS (
        SELECT *, {_sql_list(SQL_ORIGINS)}[o] AS origin_c, {dests}[r] AS dest_choices,
               (DATE '2010-01-01' + to_months(floor(um * 180)::INT))::DATE AS start
        FROM g
    )
    SELECT {journey_id},
           CASE WHEN uc < 0.55 THEN 'smuggling' ELSE 'trafficking' END,
           1 + floor(-ln(1 - up) * 3)::BIGINT,
           'persons', start, last_day(start),
           origin_c, origin_c,
           {vias}[r], {via_countries}[r],
           dest_choices[1 + floor(ud * len(dest_choices))::INT], dest_choices[1 + floor(ud * len(dest_choices))::INT],
           ['male', 'male', 'female', 'unknown'][1 + floor(us * 4)::INT],
           ['adult', 'adult', 'adult', 'child', 'unknown'][1 + floor(ua * 5)::INT],
           CASE WHEN uc < 0.55 THEN 'unknown' ELSE {_sql_list(EXPLOITATIONS)}[1 + floor(ue * {len(EXPLOITATIONS)})::INT]
           END,
           ['MLI', 'MAR', 'NER'][1 + floor(ur * 3)::INT], '',
           'benchmark: synthetic journeys', false, {key_sql}
    FROM h""", key_params


def build_journeys_db(path: Path, n: int, reports: Path) -> float:
    """Create a workbook database at ``path`` holding ``n`` generated journeys.

    The database is made by :func:`gloact_lib.store.connect` (the real schema,
    primary key included) with the shipped places, then filled by
    :func:`journeys_sql`.

    Returns
    -------
    float
        Seconds spent generating and inserting the journeys.
    """
    from gloact_lib import config
    from gloact_lib.importers import import_file
    from gloact_lib.store import connect

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


# --- Measuring -----------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table.

    ``ratio`` is always gloact ÷ baseline of a cost (seconds or bytes): above 1
    gloact costs more.  For throughputs, ``gloact`` and ``baseline`` are rows/s
    and ``ratio`` is the baseline's rows/s ÷ gloact's (the same time ratio).
    """

    section: str
    case: str
    unit: str
    gloact: float
    baseline: float
    ratio: float
    repeats: int
    baseline_name: str
    note: str = ""


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``fn``.

    Parameters
    ----------
    fn : callable
        Called with no argument.
    repeats : int

    Returns
    -------
    float
    """
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_times(candidate: Callable[[], object], baseline: Callable[[], object],
                 repeats: int) -> tuple[float, list[float], object]:  # fmt: skip
    """Median seconds of a candidate and its baseline, run alternately.

    One untimed warm-up run of the baseline comes first (it loads the table into
    DuckDB's buffers), and of the candidate too when it is timed more than once
    (a single timed run is kept for the slow cases).  Alternating the two keeps
    slow drifts of the machine (other processes, the page cache) from favouring
    either.  The baseline is always timed at least :data:`REPEATS` times: it is
    cheap, and a single timing of it would make the ratio as noisy as that one
    run.

    Parameters
    ----------
    candidate, baseline : callable
        Called with no argument.
    repeats : int
        Timed runs of each.

    Returns
    -------
    (float, list of float, object)
        Median seconds of the candidate, every timing of the baseline, and
        what the candidate returned last.
    """
    baseline()
    if repeats > 1:
        candidate()
    cand, base = [], []
    result = None
    for i in range(max(repeats, REPEATS)):
        start = time.perf_counter()
        baseline()
        base.append(time.perf_counter() - start)
        if i < repeats:
            start = time.perf_counter()
            result = candidate()
            cand.append(time.perf_counter() - start)
    return statistics.median(cand), base, result


def _status_kb(key: str) -> int | None:
    """A ``kB`` field of ``/proc/self/status`` (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def start_peak_rss() -> tuple[str, int]:
    """Start measuring peak memory from now; returns how, and the resident set size now (KB).

    On Linux the kernel's high-water mark is reset to the current RSS
    (``/proc/self/clear_refs``), so that the peak is that of what follows.
    ``getrusage``'s ``ru_maxrss`` cannot be reset, and a child process starts
    with its parent's mark (the parent held the generated CSV columns), so it is
    only the fallback.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
        now = _status_kb("VmRSS")
        if now is not None:
            return "vmhwm", now
    except OSError:
        pass
    return "maxrss", _maxrss_kb()


def peak_rss_kb(how: str) -> int:
    """Peak resident set size (KB) since :func:`start_peak_rss` (``how`` as it returned)."""
    peak = _status_kb("VmHWM") if how == "vmhwm" else None
    return peak if peak is not None else _maxrss_kb()


def _maxrss_kb() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KB on Linux


def import_worker(spec: dict) -> dict:
    """Run one import in this (fresh) process and measure it.

    Parameters
    ----------
    spec : dict
        ``tool`` (``gloact`` or ``duckdb``), ``csv``, ``db`` (``:memory:`` or a
        file path), ``tmp`` (a folder for reports).

    Returns
    -------
    dict
        ``seconds``, ``rss_growth_kb`` (peak RSS during the import minus the RSS
        before it), ``peak_kb`` (that peak), ``rss_method`` and, for gloact, ``rows``, ``accepted``,
        ``rejected`` and ``stored``.  On disk the time includes a ``CHECKPOINT``.
    """
    from gloact_lib import config
    from gloact_lib.importers import import_file
    from gloact_lib.store import connect, scratch

    tmp = Path(spec["tmp"])
    on_disk = spec["db"] != ":memory:"
    out: dict = {}
    if spec["tool"] == "gloact":
        if on_disk:
            con = connect(spec["db"])
            import_file(con, config.REFERENCE_DIR / "hubs.csv", report=tmp / "hubs.rejections.csv")
        else:
            con = scratch()
        how, before = start_peak_rss()
        start = time.perf_counter()
        result = import_file(con, spec["csv"], report=tmp / "import.rejections.csv")
        if on_disk:
            con.execute("CHECKPOINT")
        out["seconds"] = time.perf_counter() - start
        stored = con.execute("SELECT count(*) FROM journeys").fetchall()[0][0]
        out.update(rows=result.rows, accepted=result.accepted, rejected=result.rejected, stored=stored)
    else:
        con = duckdb.connect(spec["db"])
        how, before = start_peak_rss()
        start = time.perf_counter()
        con.execute(READ_CSV_SQL, [spec["csv"]])
        if on_disk:
            con.execute("CHECKPOINT")
        out["seconds"] = time.perf_counter() - start
        out["rows"] = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    out["peak_kb"] = peak_rss_kb(how)
    out["rss_growth_kb"] = out["peak_kb"] - before
    out["rss_method"] = how
    con.close()
    return out


def run_import(tool: str, csv_path: Path, db: str, tmp: Path) -> dict:
    """Run :func:`import_worker` in a fresh Python process and return its measurements."""
    spec = {"tool": tool, "csv": str(csv_path), "db": db, "tmp": str(tmp)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"import worker failed ({tool}, {csv_path.name}, {db}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _label(n: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def bench_import(sizes: list[int], tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], list[dict]]:
    """Measurement 1: import throughput and memory, in memory and on disk, against ``read_csv``.

    Parameters
    ----------
    sizes : list of int
        Rows per file.
    tmp : Path
        Scratch folder (files, databases, reports).
    log : callable
        Progress messages.

    Returns
    -------
    rows : list of Row
    memory : list of dict
        Per size and target: peak RSS growth of gloact and of ``read_csv`` (MB).
    """
    rows, memory = [], []
    for n in sizes:
        csv_path = tmp / f"journeys_{_label(n)}.csv"
        start = time.perf_counter()
        bad = write_journeys_csv(csv_path, n)
        log(f"  wrote {csv_path.name} ({csv_path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
        repeats = 1 if n >= SINGLE_IMPORT_ROWS else REPEATS
        for target in ("memory", "disk"):
            runs: dict[str, list[dict]] = {"gloact": [], "duckdb": []}
            for r in range(max(repeats, REPEATS)):
                for tool in ("duckdb", "gloact"):
                    if tool == "gloact" and r >= repeats:
                        continue
                    db = ":memory:" if target == "memory" else str(tmp / f"{tool}_{_label(n)}_{r}.duckdb")
                    runs[tool].append(run_import(tool, csv_path, db, tmp))
                    if db != ":memory:":
                        Path(db).unlink(missing_ok=True)
                        Path(db + ".wal").unlink(missing_ok=True)
            first = runs["gloact"][0]
            if not (first["rows"] == n and first["rejected"] == bad and first["stored"] == n - bad):
                raise RuntimeError(f"import of {csv_path.name} did not store what it should: {first}")
            g = statistics.median(x["seconds"] for x in runs["gloact"])
            b = statistics.median(x["seconds"] for x in runs["duckdb"])
            where = "scratch() in memory" if target == "memory" else "connect(file) on disk"
            note = f"{bad} bad rows rejected" + ("; 1 gloact run" if repeats == 1 else "")
            rows.append(Row("import", f"{_label(n)} rows, {where}", "rows/s", n / g, n / b, g / b,
                            repeats, "DuckDB read_csv, all_varchar", note))  # fmt: skip
            memory.append({
                "rows": n, "target": target,
                "gloact_rss_growth_mb": max(x["rss_growth_kb"] for x in runs["gloact"]) / 1024,
                "read_csv_rss_growth_mb": max(x["rss_growth_kb"] for x in runs["duckdb"]) / 1024,
                "gloact_peak_rss_mb": max(x["peak_kb"] for x in runs["gloact"]) / 1024,
            })  # fmt: skip
            log(f"  import {_label(n)} {target}: gloact {g:.2f} s, read_csv {b:.2f} s, ratio {g / b:.1f}; "
                f"RSS growth {memory[-1]['gloact_rss_growth_mb']:.0f} MB vs "
                f"{memory[-1]['read_csv_rss_growth_mb']:.0f} MB")  # fmt: skip
        csv_path.unlink()
    return rows, memory


def bench_queries(sizes: list[int], od_size: int, tmp: Path,
                  log: Callable[[str], None]) -> tuple[list[Row], list[dict], dict]:  # fmt: skip
    """Measurements 2 and 3: od_pairs, legs and Flows.from_db against a plain GROUP BY.

    Parameters
    ----------
    sizes : list of int
        Journeys per table (each built in its own database file).
    od_size : int
        The size at which :func:`gloact_lib.flows.od_pairs` is the headline.
    tmp : Path
        Scratch folder for the database files.
    log : callable
        Progress messages.

    Returns
    -------
    rows : list of Row
    parts : list of dict
        Per size, seconds of each query of ``Flows.from_db`` (legs, publication,
        country_roles, summary, nodes) and of the baseline.
    builds : dict
        Seconds to generate each table.
    """
    from gloact_lib import flows
    from gloact_lib.store import connect

    rows, parts, builds = [], [], {}
    selection = flows.Selection()
    for n in sizes:
        path = tmp / f"journeys_{_label(n)}.duckdb"
        builds[_label(n)] = build_journeys_db(path, n, tmp)
        log(f"  built {_label(n)} journeys in {builds[_label(n)]:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
        con = connect(path)
        try:
            stored = con.execute("SELECT count(*) FROM journeys").fetchall()[0][0]
            if stored != n:
                raise RuntimeError(f"expected {n} journeys, found {stored}")

            def baseline(con=con):
                return con.execute(BASELINE_SQL).df()

            candidates = [
                ("od_pairs", "flows.od_pairs(con, Selection())", lambda con=con: flows.od_pairs(con, selection)),
                ("legs", "flows.legs(con, Selection())", lambda con=con: flows.legs(con, selection)),
                ("flows", "Flows.from_db(con, Selection())", lambda con=con: flows.Flows.from_db(con, selection)),
            ]
            measured, returned, runs, base_times = {}, {}, {}, []
            for section, name, fn in candidates:
                runs[section] = REPEATS
                if n >= SINGLE_FLOWS_ROWS and section != "od_pairs":
                    start = time.perf_counter()
                    fn()  # the try (it also warms up)
                    if time.perf_counter() - start > SLOW_SECONDS:
                        runs[section] = 1
                measured[section], times, returned[section] = paired_times(fn, baseline, runs[section])
                base_times += times
                log(f"  {name} {_label(n)}: {measured[section]:.3f} s (GROUP BY {statistics.median(times):.3f} s)")
            # One baseline per table: the median of all its timings, alternated with the candidates
            # (a sub-second query timed a dozen times is steadier than three timings of it).
            b = statistics.median(base_times)
            for section, name, _ in candidates:
                g = measured[section]
                note = "headline" if section == "od_pairs" and n == od_size else ""
                if runs[section] == 1:
                    note = "1 timed run (slow)"
                rows.append(Row(section, f"{name}, {_label(n)} journeys", "s", g, b, g / b, runs[section],
                                "plain GROUP BY", note))  # fmt: skip
            log(f"  GROUP BY {_label(n)}: median {b:.3f} s of {len(base_times)} runs")
            step_runs = min(runs.values())
            steps = flows_breakdown(con, selection, baseline, step_runs, measured["legs"], returned["legs"])
            parts.append({"journeys": n, "runs": step_runs, **steps})
        finally:
            con.close()
            path.unlink(missing_ok=True)
            Path(str(path) + ".wal").unlink(missing_ok=True)
    return rows, parts, builds


def flows_breakdown(con: duckdb.DuckDBPyConnection, selection, baseline: Callable[[], object], repeats: int,
                    legs_seconds: float, raw_legs) -> dict:  # fmt: skip
    """Seconds of each step of :meth:`Flows.from_db`, timed one by one.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    selection : gloact_lib.flows.Selection
    baseline : callable
        The plain GROUP BY, timed alongside for scale.
    repeats : int
        Runs of each step (median).
    legs_seconds : float
        The time of :func:`gloact_lib.flows.legs` already measured at this size
        (not run again: at 10M journeys it takes tens of seconds).
    raw_legs : DataFrame
        What that call returned (the input of the legs' publication).

    Returns
    -------
    dict
        ``legs``, ``publish_legs``, ``country_roles``, ``publish_roles`` (the cell-key perturbation,
        :func:`gloact_lib.disclosure.publish`),
        ``summary``, ``nodes`` and ``baseline`` in seconds.
    """
    import pandas as pd

    from gloact_lib import flows
    from gloact_lib.disclosure import publish

    wide = flows.country_roles(con, selection)
    raw_roles = pd.concat([wide[["iso3", r, f"{r}_ckey"]].set_axis(["iso3", "persons", "ckey"], axis=1).assign(role=r)
                           for r in ("origin", "transit", "destination")], ignore_index=True)  # fmt: skip
    raw_roles = raw_roles[raw_roles["persons"] > 0]
    names = sorted(set(raw_legs["source"]) | set(raw_legs["target"]))
    steps = {
        "publish_legs": lambda: publish(raw_legs, **selection.disclosure),
        "country_roles": lambda: flows.country_roles(con, selection),
        "publish_roles": lambda: publish(raw_roles, **selection.disclosure),
        "summary": lambda: flows.summary(con, selection),
        "nodes": lambda: flows._nodes(con, names),
        "baseline": baseline,
    }
    return {"legs": legs_seconds, **{name: median_time(fn, repeats) for name, fn in steps.items()}}


def shipped_db(tmp: Path) -> Path:
    """The workbook database built from the shipped data by :func:`gloact_lib.store.build_db` (once per run)."""
    from gloact_lib.store import build_db

    db = tmp / "gloact.duckdb"
    if not db.exists():
        build_db(db, report_dir=tmp / "reports")
    return db


def bench_map(tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Measurement 4: the overview map's HTML against ``GeoDataFrame.explore()`` of the same data.

    Parameters
    ----------
    tmp : Path
        Scratch folder (HTML files; the database of :func:`shipped_db`).
    log : callable
        Progress messages.

    Returns
    -------
    rows : list of Row
    details : dict
        Sizes, feature counts and external references of both pages.
    """
    import geopandas

    from gloact_lib import config
    from gloact_lib.flows import Flows, Selection
    from gloact_lib.maps import route_map
    from gloact_lib.store import connect

    con = connect(shipped_db(tmp), read_only=True)
    try:
        flows = Flows.from_db(con, Selection(data="illustrative"))
    finally:
        con.close()
    ours, theirs = tmp / "route_map.html", tmp / "explore.html"
    basemap = geopandas.read_file(config.BASEMAP_FILE)

    def draw_ours():
        route_map(flows).save(str(ours))

    def draw_explore():
        explore_map(flows, basemap).save(str(theirs))

    try:
        t_ours, theirs_times, _ = paired_times(draw_ours, draw_explore, REPEATS)
        t_theirs = statistics.median(theirs_times)
    except ImportError as exc:  # explore() needs matplotlib and mapclassify
        log(f"  skipped the explore() comparison: {exc}")
        draw_ours()
        size = ours.stat().st_size
        return [], {"route_map_bytes": size, "explore": f"skipped: {exc}"}
    details = {}
    for name, path in (("route_map", ours), ("explore", theirs)):
        text = path.read_text(encoding="utf-8")
        details[name] = {
            "bytes": path.stat().st_size,
            "external_scripts": text.count('<script src="http'),
            "external_stylesheets": text.count('<link rel="stylesheet" href="http'),
            "web_tiles": "tile.openstreetmap.org" in text or "{s}.tile" in text,
        }
    details["legs"] = len(flows.legs)
    details["unmapped"] = list(flows.unmapped)
    b_ours, b_theirs = details["route_map"]["bytes"], details["explore"]["bytes"]
    note = (f"external <script src=http…>: ours {details['route_map']['external_scripts']}, "
            f"explore {details['explore']['external_scripts']}")  # fmt: skip
    rows = [
        Row("map", f"overview HTML bytes ({details['legs']} legs)", "bytes", b_ours, b_theirs, b_ours / b_theirs,
            1, "GeoDataFrame.explore()", note),
        Row("map", "overview draw + save", "s", t_ours, t_theirs, t_ours / t_theirs, REPEATS,
            "GeoDataFrame.explore()"),
    ]  # fmt: skip
    log(
        f"  route_map {b_ours / 1e6:.2f} MB vs explore() {b_theirs / 1e6:.2f} MB, ratio {b_ours / b_theirs:.2f}; {note}"
    )
    return rows, details


def explore_map(flows, countries):
    """The same flows drawn with :meth:`geopandas.GeoDataFrame.explore`.

    Countries of the Natural Earth basemap are coloured by their dominant role
    (as :func:`gloact_lib.maps.route_map` does); every drawn leg becomes a
    straight LineString between its nodes, with a ``persons`` column (empty
    where suppressed) and a width scaled like ours.  Default explore() settings
    otherwise: OpenStreetMap tiles and CDN scripts.

    Parameters
    ----------
    flows : gloact_lib.flows.Flows
    countries : geopandas.GeoDataFrame
        The basemap's countries (``iso3``, ``name``, geometry), read once by the caller.

    Returns
    -------
    folium.Map
    """
    import geopandas as gpd
    from shapely.geometry import LineString

    from gloact_lib.maps import ARC, NEUTRAL_FILL, ROLE_COLOURS

    roles: dict[str, dict[str, int]] = {}
    for r in flows.roles.itertuples(index=False):
        roles.setdefault(r.iso3, {})[r.role] = 0 if r.suppressed else int(r.persons)
    countries = countries[["iso3", "name", "geometry"]].copy()
    countries["role"] = [max(roles[c], key=lambda k: (roles[c][k], k == "destination")) if c in roles else ""
                         for c in countries["iso3"]]  # fmt: skip
    countries["fill"] = [ROLE_COLOURS.get(role, NEUTRAL_FILL) for role in countries["role"]]

    point = {key: (node.lon, node.lat) for key, node in flows.nodes.items()}
    drawn = flows.legs[~flows.legs["source"].isin(flows.unmapped) & ~flows.legs["target"].isin(flows.unmapped)]
    top = max(1, int(drawn["persons"].max())) if drawn["persons"].notna().any() else 1
    lines = gpd.GeoDataFrame(
        {
            "source": drawn["source"].to_numpy(),
            "target": drawn["target"].to_numpy(),
            "persons": [None if s else int(p) for p, s in zip(drawn["persons"], drawn["suppressed"], strict=True)],
            "geometry": [LineString([point[a], point[b]])
                         for a, b in zip(drawn["source"], drawn["target"], strict=True)],
        },
        crs="EPSG:4326",
    )  # fmt: skip

    def width(feature: dict) -> dict:
        persons = feature["properties"]["persons"]
        return {"weight": 1.5 if persons is None else round(1.5 + 12 * math.sqrt(persons / top), 1)}

    m = countries.explore(color="fill", tooltip=["name", "role"], style_kwds={"color": "#ffffff", "weight": 0.8})
    return lines.explore(m=m, color=ARC, tooltip=["source", "target", "persons"],
                         style_kwds={"style_function": width, "opacity": 0.75})  # fmt: skip


# --- In a browser: dashboards, redraws, memory per viewer; briefing packs ------------------------------------------

#: Debian's Chromium (never a Playwright download) with the flags of the project's browser tests; every host name
#: but 127.0.0.1 resolves to nothing, so no page reaches the network (and a CDN file fails at once, not on a timeout).
from gloact_lib.chromium import CHROMIUM  # noqa: E402

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

m = folium.Map(location=[15, 5], zoom_start=4, tiles=None)
m.default_js, m.default_css = [], []
with open(f"{leaflet.BASE_DIR}/leaflet.css") as css, open(f"{leaflet.BASE_DIR}/leaflet.js") as js:
    m.get_root().header.add_child(Element(f"<style>{css.read()}</style><script>{js.read()}</script>"), index=0)
m"""
ROUTES_NOTEBOOK = "routes.ipynb"
#: The map of the routes dashboard is drawn: an arc is visible in its iframe.
MAP_DRAWN = ("iframe.gloact-map", "path.gloact-arc")
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
#: JavaScript: remember the map iframe on the page now (its srcdoc); returns the srcdoc's UTF-8 bytes.
MARK_MAP_JS = """() => { const f = document.querySelector('iframe.gloact-map'); f.dataset.benchOld = '1';
  window.__benchOld = f.srcdoc; return new TextEncoder().encode(f.srcdoc).length; }"""
#: JavaScript: false until the map iframe is a new one (or its srcdoc changed) with an arc drawn; then its srcdoc bytes.
MAP_REDRAWN_JS = """() => { const f = document.querySelector('iframe.gloact-map');
  if (!f || (f.dataset.benchOld && f.srcdoc === window.__benchOld)) return false;
  const arc = f.contentDocument && f.contentDocument.querySelector('path.gloact-arc');
  if (!arc) return false; const box = arc.getBoundingClientRect();
  return box.width > 0 || box.height > 0 ? new TextEncoder().encode(f.srcdoc).length : false; }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _cpu_ticks(pids: list[int]) -> int:
    """User + system CPU time of these processes, in clock ticks (vanished processes count 0)."""
    total = 0
    for pid in pids:
        fields = _proc_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
    return total


def _rss_kb(pid: int) -> int:
    """Resident set size of a process (``VmRSS``, KB), 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size of a process (``Pss`` of ``smaps_rollup``, KB: shared pages divided among the processes
    sharing them), 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class VoilaServer:
    """A Voilà server (``gloact serve`` or plain ``voila``) on 127.0.0.1, in a process group of its own.

    A context manager: it starts the server and waits for its first page, and
    stops it at the end (``SIGTERM`` to the group: Voilà shuts its kernels down;
    a kernel still alive after that is ended by its pid).  The server's output
    goes to a log file, read to follow Voilà's kernel pool.

    Parameters
    ----------
    argv : list of str
        Command; ``{port}`` in it is replaced by a free port.
    log_path : Path
    env : dict, optional
        Environment (default: this process's).
    """

    def __init__(self, argv: list[str], log_path: Path, env: dict | None = None):
        self.port = _free_port()
        self.argv = [a.replace("{port}", str(self.port)) for a in argv]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path, self.env = log_path, env
        self.visits: dict[str, int] = {}
        self.seen: set[int] = set()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> VoilaServer:
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(self.argv, stdout=self._log, stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=True)  # fmt: skip
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only, never a proxy
        deadline = time.monotonic() + 120
        while True:
            try:
                opener.open(self.url + "/", timeout=10).read()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.argv[2:4]} did not start:\n{self.log()[-3000:]}") from None
                time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        self.stop()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kernels(self) -> list[int]:
        """Pids of the server's kernel processes (its children running ipykernel)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                fields = _proc_fields(int(entry.name))
                if fields and int(fields[1]) == self.proc.pid and _is_kernel(int(entry.name)):
                    pids.append(int(entry.name))
        self.seen.update(pids)
        return pids

    def kernels_kb(self) -> tuple[int, int]:
        """Sums of the RSS and of the PSS of the server's kernels (KB)."""
        kernels = self.kernels()
        return sum(_rss_kb(pid) for pid in kernels), sum(_pss_kb(pid) for pid in kernels)

    def wait_quiet(self, timeout: float = 180, window: float = 1.0, max_ticks: int = 3, windows: int = 2) -> float:
        """Wait until the server and its kernels use (almost) no CPU for ``windows`` windows in a row.

        Returns the seconds waited (at most ``timeout``: on a busy machine the run goes on).
        """
        start, streak = time.monotonic(), 0
        while time.monotonic() - start < timeout and streak < windows:
            pids = [self.proc.pid, *self.kernels()]
            before = _cpu_ticks(pids)
            time.sleep(window)
            streak = streak + 1 if _cpu_ticks(pids) - before <= max_ticks else 0
        return time.monotonic() - start

    def wait_ready(self, notebook: str, timeout: float = 240) -> float:
        """Wait until ``notebook``'s pool holds a preheated kernel again (one pool fill per visit so far, plus the
        first) and every kernel is idle, i.e. the notebook has run in it.  Returns the seconds waited."""
        start = time.monotonic()
        marker = f"Kernel pool of {notebook} is filled"
        while self.log().count(marker) < 1 + self.visits.get(notebook, 0):
            if time.monotonic() - start > timeout or self.proc.poll() is not None:
                raise RuntimeError(f"the kernel pool of {notebook} was not refilled:\n{self.log()[-3000:]}")
            time.sleep(0.2)
        return time.monotonic() - start + self.wait_quiet()

    def open(self, browser, notebook: str, drawn: tuple[str, str]) -> Visit:
        """Open ``notebook`` in a new browser context and wait until its map is drawn."""
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        visit = Visit(page)
        page.on("websocket", lambda ws: ws.on("framereceived", visit.received))
        self.visits[notebook] = self.visits.get(notebook, 0) + 1
        start = time.perf_counter()
        page.goto(f"{self.url}/voila/render/{notebook}", wait_until="commit")
        page.frame_locator(drawn[0]).first.locator(drawn[1]).first.wait_for(state="visible", timeout=180_000)
        visit.seconds = time.perf_counter() - start
        visit.timing = page.evaluate(PAGE_TIMING_JS)
        visit.timing["websocket_bytes"] = sum(size for _, size in visit.frames)
        visit.timing["map_drawn"] = visit.seconds
        return visit

    def stop(self) -> None:
        if self.proc is None:
            return
        self.kernels()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        for pid in self.seen:  # kernels run in sessions of their own
            if _is_kernel(pid):
                os.kill(pid, signal.SIGKILL)
        self._log.close()
        self.proc = None


@dataclass
class Visit:
    """A dashboard page opened by :meth:`VoilaServer.open`.

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


def close_page(page) -> None:
    """Leave a dashboard page (unloading it makes Voilà's front end post its kernel's shutdown) and close it."""
    page.goto("about:blank")
    context = page.context
    page.close()
    context.close()


def gloact_server(db: Path, log_path: Path) -> VoilaServer:
    """``gloact serve --db DB --port P`` (every notebook of ``notebooks/`` with a preheated kernel)."""
    return VoilaServer([sys.executable, "-m", "gloact_lib.cli", "serve", "--db", str(db), "--port", "{port}"],
                       log_path)  # fmt: skip


def bare_server(folder: Path, log_path: Path) -> VoilaServer:
    """Plain ``voila`` serving the one-cell folium notebook, with the same pool and the workbook's template (the
    lab template without its CDN stylesheets), so that only the notebook differs from ``gloact serve``."""
    from gloact_lib.serve import TEMPLATE_ROOT

    folder.mkdir(parents=True, exist_ok=True)
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "bare", "metadata": {}, "outputs": [],
                           "source": BARE_CELL}],
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    (folder / BARE_NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH")])),
    }
    return VoilaServer([sys.executable, "-m", "voila", str(folder), "--port={port}", "--Voila.ip=127.0.0.1",
                        "--no-browser", "--preheat_kernel=True", "--pool_size=1", "--template=gloact"],
                       log_path, env)  # fmt: skip


def chromium_browser():
    """A headless Chromium through Playwright (Debian's, never a download)."""
    from gloact_lib.chromium import launch

    return launch()


def browser_missing() -> str:
    """Why the browser measurements cannot run here ("" when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright is not installed ({exc})"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (make chromium: Debian's chromium package)"
    if not Path("/proc/self/stat").exists():
        return "no /proc (the servers' kernels are found and measured there)"
    return ""


def dashboard_db(tmp: Path, n: int) -> Path:
    """A copy of :func:`shipped_db` whose illustrative journeys are replaced by ``n`` generated ones.

    The reference data (places, so that the map draws hubs; meetings; countries) and
    the shipped Frontex detection rows stay; the ``n`` journeys of :func:`journeys_sql`
    are the only ``persons`` journeys.
    """
    path = tmp / f"dashboard_{_label(n)}.duckdb"
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
    kernels, (rss, pss), server_rss = len(server.kernels()), server.kernels_kb(), _rss_kb(server.proc.pid)
    pages = [server.open(browser, notebook, drawn).page for _ in range(VIEWERS)]
    server.wait_ready(notebook)
    rss_after, pss_after = server.kernels_kb()
    out = {
        "viewers": VIEWERS,
        "kernels_before": kernels, "kernels_after": len(server.kernels()),
        "kernels_rss_before_mb": rss / 1024, "kernels_rss_after_mb": rss_after / 1024,
        "per_viewer_mb": (rss_after - rss) / 1024 / VIEWERS,
        "kernels_pss_before_mb": pss / 1024, "kernels_pss_after_mb": pss_after / 1024,
        "per_viewer_pss_mb": (pss_after - pss) / 1024 / VIEWERS,
        "server_rss_before_mb": server_rss / 1024, "server_rss_after_mb": _rss_kb(server.proc.pid) / 1024,
    }  # fmt: skip
    for page in pages:
        close_page(page)
    deadline = time.monotonic() + 10
    while len(server.kernels()) > kernels and time.monotonic() < deadline:
        time.sleep(0.5)
    out["kernels_after_closing"] = len(server.kernels())
    return out


def redraw_latency(browser, server: VoilaServer, db: Path, log: Callable[[str], None]) -> dict:
    """Filter change to map redrawn, in the browser, and the same selection's cost in this process.

    The routes dashboard is opened once; then the Country dropdown is set to each of
    :data:`COUNTRY_CHANGES` in turn, :data:`VISITS` times.  Per change: the seconds from
    the change to a new map iframe with an arc drawn, the srcdoc bytes of that
    iframe, the bytes the page received over its websockets for the change (every
    panel) and when the largest message (the map) arrived; once the kernel is idle
    again, the same change in an in-process :class:`gloact_lib.dashboard.RoutesDashboard`
    (``refresh()``: every panel) and, for the same selection, ``Flows.from_db`` and the
    map's ``route_map(...).get_root().render()`` as the dashboard calls them.

    Returns
    -------
    dict
        ``open``: the timing of the page's opening (as :class:`Visit`); ``changes``: one dict per change.
    """
    from gloact_lib.dashboard import RoutesDashboard
    from gloact_lib.flows import Flows
    from gloact_lib.maps import route_map
    from gloact_lib.store import connect

    server.wait_ready(ROUTES_NOTEBOOK)
    visit = server.open(browser, ROUTES_NOTEBOOK, MAP_DRAWN)
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
                srcdoc = page.wait_for_function(MAP_REDRAWN_JS, polling="raf", timeout=180_000).json_value()
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
        close_page(page)
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
    with chromium_browser() as browser:
        # 5. Page load with the preheated pool, and 6. memory per viewer, against the bare folium notebook.
        with (gloact_server(shipped_db(tmp), tmp / "serve-shipped.log") as ours,
              bare_server(tmp / "bare", tmp / "serve-bare.log") as bare):  # fmt: skip
            pages = [("gloact", ours, ROUTES_NOTEBOOK, MAP_DRAWN), ("bare", bare, BARE_NOTEBOOK, BARE_DRAWN)]
            for i in range(VISITS):
                for name, server, notebook, drawn in pages if i % 2 else pages[::-1]:
                    ours.wait_ready(ROUTES_NOTEBOOK)
                    bare.wait_ready(BARE_NOTEBOOK)
                    visit = server.open(browser, notebook, drawn)
                    if name == "bare":
                        details["bare_srcdoc_bytes"] = visit.page.evaluate(
                            "new TextEncoder().encode(document.querySelector('iframe').srcdoc).length"
                        )
                    details["visits"][name].append(visit.timing)
                    close_page(visit.page)
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
            db = dashboard_db(tmp, n)
            log(f"  served database with {_label(n)} journeys built in {time.perf_counter() - start:.1f} s")
            with gloact_server(db, tmp / f"serve-{_label(n)}.log") as server:
                details["redraws"][_label(n)] = redraw = redraw_latency(browser, server, db, log)
                changes = redraw["changes"]
                for label, _ in COUNTRY_CHANGES:
                    mine = [c for c in changes if c["country"] == label]
                    g = statistics.median(c["seconds"] for c in mine)
                    b = statistics.median(c["python_seconds"] for c in mine)
                    refresh = statistics.median(c["refresh_seconds"] for c in mine)
                    target = "every country" if label == "all" else label
                    rows.append(Row("redraw", f"Country → {target}: change → map redrawn, {_label(n)} journeys", "s",
                                    g, b, g / b, len(mine), "in-process Flows.from_db + map render",
                                    f"in-process refresh() of every panel {refresh:.2f} s"))  # fmt: skip
                if n == sizes[-1]:
                    srcdoc = statistics.median(c["srcdoc_bytes"] for c in changes)
                    ws = statistics.median(c["websocket_bytes"] for c in changes)
                    rows.append(Row("redraw", f"map HTML sent per redraw (iframe srcdoc), {_label(n)} journeys",
                                    "bytes", srcdoc, details["bare_srcdoc_bytes"],
                                    srcdoc / details["bare_srcdoc_bytes"], len(changes),
                                    "the bare folium map's srcdoc",
                                    f"websocket received per change {ws / 1e6:.2f} MB"))  # fmt: skip
                    details["memory"][f"routes.ipynb, {_label(n)} journeys"] = memory = viewers_memory(
                        browser, server, ROUTES_NOTEBOOK, MAP_DRAWN
                    )
                    rows.append(_memory_row(memory, bare_viewer, f"{_label(n)} journeys"))
                    log(f"  memory per viewer at {_label(n)}: {memory}")
            db.unlink(missing_ok=True)
            Path(str(db) + ".wal").unlink(missing_ok=True)
    return rows, details


def _memory_row(memory: dict, bare_mb: float, data: str) -> Row:
    mb = memory["per_viewer_mb"]
    closed = "yes" if memory["kernels_after_closing"] <= memory["kernels_before"] else "no"
    return Row("memory", f"kernel RSS per viewer, routes.ipynb, {data}", "bytes", mb * 1e6, bare_mb * 1e6,
               mb / bare_mb, 1, f"bare folium notebook, {VIEWERS} viewers",
               f"{VIEWERS} viewers; their kernels shut down on leaving: {closed}")  # fmt: skip


def _chromium_alone() -> None:
    """Start Playwright and Chromium, open a blank page, stop: the fixed cost of every PNG and PDF rendering."""
    with chromium_browser() as browser:
        browser.new_page().close()


def bench_briefing(tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Measurement 8: a meeting's briefing pack (HTML, PNG per view, PDF) against saving the overview map.

    ``build_briefing(con, "casablanca-2019", "fr", out=...)`` on the shipped data,
    against ``route_map(Flows.from_db(con, Selection(data="illustrative"))).save(...)``,
    alternated; and the pack's HTML alone (``images=False``) to show what Chromium costs.
    """
    from gloact_lib.briefing import build_briefing
    from gloact_lib.flows import Flows, Selection
    from gloact_lib.maps import route_map
    from gloact_lib.store import connect

    missing = browser_missing()
    if missing:
        log(f"  skipped the briefing pack: {missing}")
        return [], {"skipped": missing}
    out, overview = tmp / "briefing", tmp / "briefing-overview.html"
    con = connect(shipped_db(tmp), read_only=True)
    try:

        def baseline():
            route_map(Flows.from_db(con, Selection(data="illustrative"))).save(str(overview))

        t_pack, base_times, pack = paired_times(lambda: build_briefing(con, "casablanca-2019", "fr", out=out),
                                                baseline, REPEATS)  # fmt: skip
        t_html = median_time(lambda: build_briefing(con, "casablanca-2019", "fr", out=tmp / "briefing-html",
                                                    images=False), REPEATS)  # fmt: skip
        t_chromium = median_time(_chromium_alone, REPEATS)
    finally:
        con.close()
    t_base = statistics.median(base_times)
    sizes = {"html": pack.html.stat().st_size, "pdf": pack.pdf.stat().st_size,
             "png": sum(p.stat().st_size for p in pack.pngs), "overview": overview.stat().st_size}  # fmt: skip
    details = {"seconds": t_pack, "html_only_seconds": t_html, "chromium_start_stop_seconds": t_chromium,
               "baseline_seconds": t_base, "bytes": sizes,
               "views": list(pack.views), "pngs": len(pack.pngs)}  # fmt: skip
    base = "overview map HTML (route_map save)"
    rows = [
        Row("briefing", "casablanca-2019 fr: build HTML + PNGs + PDF", "s", t_pack, t_base, t_pack / t_base, REPEATS,
            "Flows.from_db + route_map + save",
            f"HTML alone {t_html:.2f} s, Chromium start + stop {t_chromium:.2f} s; {len(pack.pngs)} PNG views"),
        Row("briefing", "casablanca-2019 fr: HTML bytes", "bytes", sizes["html"], sizes["overview"],
            sizes["html"] / sizes["overview"], 1, base),
        Row("briefing", "casablanca-2019 fr: PDF bytes", "bytes", sizes["pdf"], sizes["overview"],
            sizes["pdf"] / sizes["overview"], 1, base),
        Row("briefing", f"casablanca-2019 fr: PNG bytes ({len(pack.pngs)} views)", "bytes", sizes["png"],
            sizes["overview"], sizes["png"] / sizes["overview"], 1, base),
    ]  # fmt: skip
    log(
        f"  briefing pack {t_pack:.2f} s (HTML alone {t_html:.2f} s, Chromium start + stop {t_chromium:.2f} s), "
        f"overview map {t_base:.2f} s; bytes {sizes}"
    )
    return rows, details


# --- Reporting -----------------------------------------------------------------------------------------------------


def _fmt(value: float, unit: str) -> str:
    if unit == "rows/s":
        return f"{value:,.0f}"
    if unit == "bytes":
        return f"{value / 1e6:,.2f} MB"
    return f"{value:.3f} s" if value < 100 else f"{value:.0f} s"


def table(rows: list[Row]) -> list[list[str]]:
    """The results as text cells: header first."""
    out = [["measure", "gloact", "baseline", "ratio", "runs", "baseline is", "note"]]
    for r in rows:
        out.append([f"{r.section}: {r.case}", _fmt(r.gloact, r.unit), _fmt(r.baseline, r.unit), f"{r.ratio:.2f}",
                    str(r.repeats), r.baseline_name, r.note])  # fmt: skip
    return out


def text_table(cells: list[list[str]]) -> str:
    """Fixed-width text table."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(cells: list[list[str]]) -> str:
    """Markdown table; numeric columns right-aligned."""
    lines = ["| " + " | ".join(cells[0]) + " |", "|---|--:|--:|--:|--:|---|---|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells[1:]]
    return "\n".join(lines)


def _code_measured(state: dict) -> str:
    if not state["commit"]:
        return f"Code measured: gloact_lib from {state['source']}."
    changed = f" with uncommitted changes to {', '.join(state['uncommitted'])}" if state["uncommitted"] else ""
    return f"Code measured: commit {state['commit']}{changed}."


def write_results(out: Path, meta: dict, rows: list[Row], memory: list[dict], parts: list[dict],
                  map_details: dict, browser: dict, briefing: dict) -> None:  # fmt: skip
    """Write ``results.json`` and ``results.md`` to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "results": [asdict(r) for r in rows], "import_memory": memory,
               "flows_breakdown_seconds": parts, "map": map_details, "browser": browser,
               "briefing": briefing}  # fmt: skip
    (out / "results.json").write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    md = [
        "# Benchmark results",
        "",
        f"{meta['date']} · {meta['mode']} run · {meta['cpus']} CPUs · Python {meta['python']} · "
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
        "",
        "## Import memory (peak RSS growth during the import)",
        "",
        "| rows | target | gloact MB | read_csv MB | gloact peak RSS MB |",
        "|--:|---|--:|--:|--:|",
    ]
    md += [f"| {m['rows']:,} | {m['target']} | {m['gloact_rss_growth_mb']:.0f} | {m['read_csv_rss_growth_mb']:.0f} "
           f"| {m['gloact_peak_rss_mb']:.0f} |" for m in memory]  # fmt: skip
    if parts:
        keys = [k for k in parts[0] if k not in ("journeys", "runs")]
        md += ["", "## Flows.from_db, step by step (seconds, median of the runs)", "",
               "| journeys | runs | " + " | ".join(keys) + " |", "|--:|--:|" + "--:|" * len(keys)]  # fmt: skip
        md += [f"| {p['journeys']:,} | {p['runs']} | " + " | ".join(f"{p[k]:.3f}" for k in keys) + " |"
               for p in parts]  # fmt: skip
    md += browser_markdown(browser) + briefing_markdown(briefing)
    (out / "results.md").write_text("\n".join(md) + "\n", encoding="utf-8")


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


def briefing_markdown(briefing: dict) -> list[str]:
    """The briefing pack's breakdown, as Markdown lines."""
    if "skipped" in briefing:
        return ["", f"Briefing pack not measured: {briefing['skipped']}"]
    b = briefing
    return ["", "## Briefing pack (seconds, median of the runs; bytes)", "",
            "| pack | HTML alone | Chromium start + stop | overview map | HTML kB | PDF kB | PNG kB | PNG views |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|",
            f"| {b['seconds']:.2f} | {b['html_only_seconds']:.2f} | {b['chromium_start_stop_seconds']:.2f} "
            f"| {b['baseline_seconds']:.3f} | {b['bytes']['html'] / 1e3:.0f} | {b['bytes']['pdf'] / 1e3:.0f} "
            f"| {b['bytes']['png'] / 1e3:.0f} | {b['pngs']} |"]  # fmt: skip


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


def _survive(measure: Callable[[], tuple[list[Row], dict]], log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Run a browser measurement; if it fails (a page that never draws, a server that does not start), say so and
    keep the results of the others (its servers are stopped on the way out)."""
    try:
        return measure()
    except Exception as exc:  # reported in the results; the run goes on
        log(f"  FAILED: {traceback.format_exc()}")
        return [], {"skipped": f"failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="GLO.ACT workbook benchmarks (ratios to same-run baselines).")
    parser.add_argument("--quick", action="store_true", help="ten times smaller sizes (smoke run)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results folder (default {DEFAULT_OUT})")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: one import in a fresh process
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark, print the table and write the results.

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
    if args.worker:
        print(json.dumps(import_worker(json.loads(args.worker))))
        return 0
    load_before = _load()
    scale = 10 if args.quick else 1
    import_sizes = [100_000 // scale, 1_000_000 // scale]
    query_sizes = [100_000 // scale, 1_000_000 // scale, 10_000_000 // scale]
    dashboard_sizes = [100_000 // scale, 1_000_000 // scale]
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", flush=True)

    with tempfile.TemporaryDirectory(prefix="gloact-bench-") as name:
        tmp = Path(name)
        os.environ["GLOACT_MAPS"] = str(tmp / "maps")
        log("1. import throughput")
        import_rows, memory = bench_import(import_sizes, tmp, log)
        log("2-3. od_pairs, legs and Flows.from_db against a plain GROUP BY")
        query_rows, parts, builds = bench_queries(query_sizes, query_sizes[-1], tmp, log)
        log("4. overview map size against GeoDataFrame.explore()")
        map_rows, map_details = bench_map(tmp, log)
        log("5-7. dashboards in Chromium: page load, memory per viewer, filter change → map redrawn")
        browser_rows, browser_details = _survive(lambda: bench_browser(dashboard_sizes, tmp, log), log)
        log("8. briefing pack against saving the overview map")
        briefing_rows, briefing_details = _survive(lambda: bench_briefing(tmp, log), log)
    rows = import_rows + query_rows + map_rows + browser_rows + briefing_rows
    meta = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "git": git_state(),
        "build_seconds": builds,
        "total_seconds": time.perf_counter() - started,
        "load_average": {"start": load_before, "end": _load()},
    }
    print()
    print(text_table(table(rows)))
    write_results(args.out, meta, rows, memory, parts, map_details, browser_details, briefing_details)
    print(f"\nTotal {meta['total_seconds']:.0f} s; results in {args.out}/results.json and results.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
