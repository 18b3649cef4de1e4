"""Benchmarks of the GLO.ACT workbook, reported as ratios to baselines measured in the same run.

Four measurements (see ``benchmarks/README.md``):

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

Timings are medians of repeated runs; only ratios are meant to be compared
between machines.  Usage::

    .venv/bin/python benchmarks/run.py [--quick] [--out DIR]

``--quick`` divides every size by ten (a smoke run of about a minute).  Results
are printed and written to ``DIR/results.json`` and ``DIR/results.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"

#: Repeats of every timing; the median is reported.
REPEATS = 3
#: Imports at or above this many rows run once (each takes tens of seconds).
SINGLE_IMPORT_ROWS = 1_000_000
#: legs and Flows.from_db at or above this many journeys are timed once (each takes tens of seconds).
SINGLE_FLOWS_ROWS = 10_000_000

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


def journeys_sql() -> str:
    """``INSERT ... SELECT`` that generates ``?`` journeys in DuckDB.

    Origins are skewed towards the first of :data:`SQL_ORIGINS`; each journey
    follows one of :data:`SQL_ROUTES` (skewed too) to one of its destinations;
    months are spread over 2010-2024; persons follow a geometric-like law.
    Everything is a function of the row number, so a smaller table is a prefix
    of a larger one.

    Returns
    -------
    str
    """
    u = _uniform
    vias = _sql_list([r[0] for r in SQL_ROUTES])
    via_countries = _sql_list([r[1] for r in SQL_ROUTES])
    dests = "[" + ", ".join(_sql_list(r[2]) for r in SQL_ROUTES) + "]"
    return f"""
    INSERT INTO journeys (journey_id, crime, persons, unit, period_start, period_end, origin, origin_country, via,
                          via_countries, destination, destination_country, sex, age_group, exploitation,
                          reporting_country, route, source, illustrative)
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
    SELECT 'bench-' || lpad(i::VARCHAR, 9, '0'),
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
           'benchmark: synthetic journeys', false
    FROM h"""


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
        con.execute(journeys_sql(), [n])
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
        Per size, seconds of each query of ``Flows.from_db`` (legs, suppression,
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
            slow = n >= SINGLE_FLOWS_ROWS
            measured, returned, runs, base_times = {}, {}, {}, []
            for section, name, fn in candidates:
                runs[section] = 1 if slow and section != "od_pairs" else REPEATS
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
            steps = flows_breakdown(con, selection, baseline, 1 if slow else REPEATS, measured["legs"],
                                    returned["legs"])  # fmt: skip
            parts.append({"journeys": n, "runs": 1 if slow else REPEATS, **steps})
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
        What that call returned (the input of the legs' suppression).

    Returns
    -------
    dict
        ``legs``, ``suppress_legs``, ``country_roles``, ``suppress_roles``,
        ``summary``, ``nodes`` and ``baseline`` in seconds.
    """
    from gloact_lib import flows

    raw_roles = flows.country_roles(con, selection).melt("iso3", var_name="role", value_name="persons")
    raw_roles = raw_roles[raw_roles["persons"] > 0]
    names = sorted(set(raw_legs["source"]) | set(raw_legs["target"]))
    steps = {
        "suppress_legs": lambda: flows.suppress(raw_legs, "source", "target", threshold=selection.threshold),
        "country_roles": lambda: flows.country_roles(con, selection),
        "suppress_roles": lambda: flows.suppress(raw_roles, "iso3", "role", threshold=selection.threshold),
        "summary": lambda: flows.summary(con, selection),
        "nodes": lambda: flows._nodes(con, names),
        "baseline": baseline,
    }
    return {"legs": legs_seconds, **{name: median_time(fn, repeats) for name, fn in steps.items()}}


def bench_map(tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Measurement 4: the overview map's HTML against ``GeoDataFrame.explore()`` of the same data.

    Parameters
    ----------
    tmp : Path
        Scratch folder (database, reports, HTML files).
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
    from gloact_lib.store import build_db, connect

    db = tmp / "gloact.duckdb"
    build_db(db, report_dir=tmp / "reports")
    con = connect(db, read_only=True)
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
                  map_details: dict) -> None:  # fmt: skip
    """Write ``results.json`` and ``results.md`` to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "results": [asdict(r) for r in rows], "import_memory": memory,
               "flows_breakdown_seconds": parts, "map": map_details}  # fmt: skip
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
    rows = import_rows + query_rows + map_rows
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
    write_results(args.out, meta, rows, memory, parts, map_details)
    print(f"\nTotal {meta['total_seconds']:.0f} s; results in {args.out}/results.json and results.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
