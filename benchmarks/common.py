"""What every benchmark area shares: synthetic journeys, the results row, timing, the table and the runner's
context.

The areas (``imports``, ``flows``, ``maps``, ``dashboards``, ``briefing``) each have
``TITLE`` and ``run(ctx) -> Result``; ``run.py`` runs them and writes the results.
"""

from __future__ import annotations

import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gloact_lib.views.chromium import CHROMIUM

#: Repeats of every timing; the median is reported.
REPEATS = 3

# --- Synthetic journeys in DuckDB ----------------------------------------------------------------------------------

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
    gives it (:func:`gloact_lib.data.record_keys.record_key_sql`).

    Returns
    -------
    sql : str
    params : list
        The parameters after the first (the number of journeys).
    """
    from gloact_lib.data.derived import scope_sql
    from gloact_lib.data.record_keys import record_key_sql

    journey_id = "'bench-' || lpad(i::VARCHAR, 9, '0')"
    key_sql, key_params = record_key_sql(con, journey_id)
    u = _uniform
    vias = _sql_list([r[0] for r in SQL_ROUTES])
    via_countries = _sql_list([r[1] for r in SQL_ROUTES])
    dests = "[" + ", ".join(_sql_list(r[2]) for r in SQL_ROUTES) + "]"
    return f"""
    INSERT INTO journeys (journey_id, crime, persons, unit, period_start, period_end, origin, origin_country, via,
                          via_countries, destination, destination_country, sex, age_group, exploitation,
                          reporting_country, route, source, illustrative, rkey, scope, content_key)
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
    ), rows AS (
    SELECT {journey_id} AS journey_id,
           CASE WHEN uc < 0.55 THEN 'smuggling' ELSE 'trafficking' END AS crime,
           1 + floor(-ln(1 - up) * 3)::BIGINT AS persons,
           'persons' AS unit, start AS period_start, last_day(start) AS period_end,
           origin_c AS origin, origin_c AS origin_country,
           {vias}[r] AS via, {via_countries}[r] AS via_countries,
           dest_choices[1 + floor(ud * len(dest_choices))::INT] AS destination,
           dest_choices[1 + floor(ud * len(dest_choices))::INT] AS destination_country,
           ['male', 'male', 'female', 'unknown'][1 + floor(us * 4)::INT] AS sex,
           ['adult', 'adult', 'adult', 'child', 'unknown'][1 + floor(ua * 5)::INT] AS age_group,
           CASE WHEN uc < 0.55 THEN 'unknown' ELSE {_sql_list(EXPLOITATIONS)}[1 + floor(ue * {len(EXPLOITATIONS)})::INT]
           END AS exploitation,
           ['MLI', 'MAR', 'NER'][1 + floor(ur * 3)::INT] AS reporting_country, '' AS route,
           'benchmark: synthetic journeys' AS source, false AS illustrative, {key_sql} AS rkey
    FROM h)
    SELECT *, {scope_sql()}, ('0x' || left(md5(journey_id), 16))::UBIGINT FROM rows""", key_params



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


def survive(measure: Callable[[], tuple[list[Row], dict]], log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Run a browser measurement; if it fails (a page that never draws, a server that does not start), say so and
    keep the results of the others (its servers are stopped on the way out)."""
    try:
        return measure()
    except Exception as exc:  # reported in the results; the run goes on
        log(f"  FAILED: {traceback.format_exc()}")
        return [], {"skipped": f"failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}


def size_label(n: int) -> str:
    """``100k``, ``1M``: a size as the results name it."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def shipped_db(tmp: Path) -> Path:
    """The workbook database built from the shipped data by :func:`gloact_lib.data.database.build_db` (once per run)."""
    from gloact_lib.imports.build import build_db

    db = tmp / "gloact.duckdb"
    if not db.exists():
        build_db(db, report_dir=tmp / "reports")
    return db


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


# --- The runner's context and an area's result ---------------------------------------------------------------------


@dataclass
class Context:
    """What ``run.py`` gives every area.

    Attributes
    ----------
    tmp : Path
        Scratch folder of the run (removed at its end).
    scale : int
        1, or 10 with ``--quick``: every size is divided by it.
    log : callable
        Progress messages (``log(str)``).
    """

    tmp: Path
    scale: int
    log: Callable[[str], None]


@dataclass
class Result:
    """What an area measured.

    Attributes
    ----------
    rows : list of Row
        Lines of the results table.
    data : dict
        Top-level entries of ``results.json``.
    markdown : list of str
        Lines of ``results.md`` after the table (its own section; may be empty).
    meta : dict
        Entries of ``results.json``'s ``meta``.
    """

    rows: list[Row]
    data: dict
    markdown: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


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
