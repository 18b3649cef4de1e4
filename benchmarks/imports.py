"""Measurement 1: import throughput and memory of journey CSV files, against DuckDB's ``read_csv``.

:func:`gloact_lib.imports.pipeline.import_file` of journey CSV files (100k and 1M rows,
about 0.1% bad rows) into :func:`gloact_lib.data.database.scratch` and into an on-disk
database, against DuckDB's own ``read_csv`` of the same file with no validation.
Each import runs in a fresh subprocess (this file run as a script, with the import's
spec as JSON), which also reports the growth of its peak resident set size.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
from common import EXPLOITATIONS, REPEATS, Context, Result, Row, size_label

TITLE = "1. import throughput"
#: Imports at or above this many rows run once (each takes tens of seconds).
SINGLE_IMPORT_ROWS = 1_000_000
#: DuckDB reading the CSV with no validation at all: the import baseline.
READ_CSV_SQL = "CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar=true)"

# --- Synthetic CSV files -------------------------------------------------------------------------------------------

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



# --- Measuring -----------------------------------------------------------------------------------------------------


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
    from gloact_lib.data.database import connect
    from gloact_lib.imports.build import scratch
    from gloact_lib.imports.pipeline import import_file

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
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), json.dumps(spec)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"import worker failed ({tool}, {csv_path.name}, {db}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])



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
        csv_path = tmp / f"journeys_{size_label(n)}.csv"
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
                    db = ":memory:" if target == "memory" else str(tmp / f"{tool}_{size_label(n)}_{r}.duckdb")
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
            rows.append(Row("import", f"{size_label(n)} rows, {where}", "rows/s", n / g, n / b, g / b,
                            repeats, "DuckDB read_csv, all_varchar", note))  # fmt: skip
            memory.append({
                "rows": n, "target": target,
                "gloact_rss_growth_mb": max(x["rss_growth_kb"] for x in runs["gloact"]) / 1024,
                "read_csv_rss_growth_mb": max(x["rss_growth_kb"] for x in runs["duckdb"]) / 1024,
                "gloact_peak_rss_mb": max(x["peak_kb"] for x in runs["gloact"]) / 1024,
            })  # fmt: skip
            log(f"  import {size_label(n)} {target}: gloact {g:.2f} s, read_csv {b:.2f} s, ratio {g / b:.1f}; "
                f"RSS growth {memory[-1]['gloact_rss_growth_mb']:.0f} MB vs "
                f"{memory[-1]['read_csv_rss_growth_mb']:.0f} MB")  # fmt: skip
        csv_path.unlink()
    return rows, memory



def memory_markdown(memory: list[dict]) -> list[str]:
    """The peak RSS growth of every import, as Markdown lines."""
    md = ["", "## Import memory (peak RSS growth during the import)", "",
          "| rows | target | gloact MB | read_csv MB | gloact peak RSS MB |", "|--:|---|--:|--:|--:|"]  # fmt: skip
    md += [f"| {m['rows']:,} | {m['target']} | {m['gloact_rss_growth_mb']:.0f} | {m['read_csv_rss_growth_mb']:.0f} "
           f"| {m['gloact_peak_rss_mb']:.0f} |" for m in memory]  # fmt: skip
    return md


def run(ctx: Context) -> Result:
    """Measurement 1 at 100k and 1M rows (divided by ``ctx.scale``)."""
    rows, memory = bench_import([100_000 // ctx.scale, 1_000_000 // ctx.scale], ctx.tmp, ctx.log)
    return Result(rows, {"import_memory": memory}, memory_markdown(memory))


if __name__ == "__main__":  # one import in this fresh process: see run_import
    print(json.dumps(import_worker(json.loads(sys.argv[1]))))
