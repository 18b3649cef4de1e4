"""A million-row file completes with bounded memory (ratio to a 100k-row file, not a timed assertion)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRIPT = r"""
import csv, json, resource, sys
from gloact_lib.config import REFERENCE_DIR
from gloact_lib.imports.pipeline import import_file
from gloact_lib.data.database import connect
n, path, report = int(sys.argv[1]), sys.argv[2], sys.argv[3]
origins = ["NGA", "MLI", "NER", "GIN", "CIV", "SEN"]
with open(path, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["journey_id", "crime", "persons", "period_start", "origin", "via", "destination"])
    for i in range(n):
        persons = "0" if i % 1000 == 7 else str(1 + i % 9)  # one bad row in a thousand
        w.writerow([f"j{i}", "smuggling", persons, f"20{10 + i % 15}-{1 + i % 12:02d}", origins[i % 6],
                    "agadez;sebha" if i % 2 else "", "LBY"])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
con = connect(path + ".duckdb")  # a database file, as analysts use it
import_file(con, REFERENCE_DIR / "hubs.csv", report=report + ".hubs")
r = import_file(con, path, report=report)
stored = con.execute("SELECT count(*) FROM journeys").fetchall()[0][0]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": r.rows, "accepted": r.accepted, "rejected": r.rejected, "stored": stored,
                  "import_kb": peak - base, "peak_kb": peak}))
"""


def _run(n, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(n), str(tmp_path / f"j{n}.csv"), str(tmp_path / f"r{n}.csv")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.mark.slow
def test_million_rows_complete_with_bounded_memory(tmp_path):
    small = _run(100_000, tmp_path)
    large = _run(1_000_000, tmp_path)
    assert large["rows"] == 1_000_000
    assert large["rejected"] == 1000
    assert large["accepted"] == large["stored"] == 999_000
    # Ten times the rows must not need anywhere near ten times the memory: batches bound it
    # (measured here: about 1.6 times the peak of the 100k-row import).
    assert large["peak_kb"] < 2 * small["peak_kb"], (small, large)
