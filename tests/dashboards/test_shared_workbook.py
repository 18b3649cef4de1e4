"""Issue 12, done when (the embedded engine): `gloact serve` is running, a browser has the routes
dashboard open, and three focal points (Mali, Morocco, Niger: one process each, `--as-country`) import
100k journeys each at the same time.  Every row is stored or reported, the dashboard keeps answering
while they run, and after a filter change it shows the new totals."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from gloact_lib.analysis.flows import Selection, published_total
from gloact_lib.app.harness import MAP_DRAWN, voila_server, wait_drawn
from gloact_lib.data.database import connect
from gloact_lib.data.sql import scalar
from gloact_lib.views.map_text import fmt_number

from ..browser import chromium, watched_page
from ..conftest import ARTIFACTS, JOURNEY_HEADER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = 100_000
ORIGINS = ["NGA", "MLI", "NER", "GIN", "CIV", "SEN", "BFA", "CMR"]
DESTINATIONS = ["LBY", "DZA", "MAR", "ITA", "ESP", "FRA", "NER"]


def _file(path, country: str, foreign: int) -> None:
    """``ROWS`` journeys reported by ``country``, the last ``foreign`` of them by another country."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(JOURNEY_HEADER)
        for i in range(ROWS):
            reporter = country if i < ROWS - foreign else "TCD"
            writer.writerow([f"{country}-{i}", "trafficking", 1 + i % 3, f"2019-{1 + i % 12:02d}-01", "",
                             ORIGINS[i % len(ORIGINS)], "", DESTINATIONS[(i // 7) % len(DESTINATIONS)],
                             "female" if i % 2 else "male", "adult", "unknown", reporter, "shared workbook test"])


def _total(page) -> str:
    return page.locator(".gloact-kpi b").first.inner_text()


def test_three_focal_points_import_while_the_dashboard_answers(built_db, tmp_path):
    db = tmp_path / "shared.duckdb"
    shutil.copy(built_db, db)
    files = {c: tmp_path / f"{c}.csv" for c in ("MLI", "MAR", "NER")}
    for c, f in files.items():
        _file(f, c, foreign=10)
    with voila_server(db, tmp_path / "serve.log") as server, chromium() as browser:
        page, watch = watched_page(browser, 1366, 900)
        page.goto(server[0] + "/voila/render/routes.ipynb")
        page.locator(".gloact-kpi").first.wait_for(timeout=90_000)
        wait_drawn(page, MAP_DRAWN, timeout=60)
        before = _total(page)
        importers = [subprocess.Popen([sys.executable, "-m", "gloact_lib.app.cli", "import", "--db", str(db), "--json",
                                       "--as-country", c, str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=dict(os.environ))  # fmt: skip
                     for c, f in files.items()]
        # the dashboard keeps answering while the three imports run: each filter change is redrawn
        answered = 0
        while any(p.poll() is None for p in importers) and answered < 6:
            unit = "detections" if answered % 2 == 0 else "persons"
            page.get_by_role("button", name=unit).click()
            page.wait_for_function(f"document.querySelector('.gloact-kpis').innerText.includes('{unit} in this')",
                                   timeout=30_000)  # fmt: skip
            answered += 1
        results = []
        for p in importers:
            out, err = p.communicate(timeout=600)
            assert p.returncode == 0, err
            assert "Traceback" not in err
            results.append(json.loads(out))
        assert answered >= 1
        # every row stored or reported; the other country's rows rejected, not dropped
        for r in results:
            assert r["rows"] == ROWS == r["accepted"] + r["rejected"] + r["unchanged"]
            assert r["rejected"] == 10
        con = connect(db, read_only=True)
        assert scalar(con, "SELECT count(*) FROM journeys WHERE source = 'shared workbook test'") == 3 * (ROWS - 10)
        expected = published_total(con, Selection())
        con.close()
        # a filter change shows the new totals
        page.get_by_role("button", name="persons").click()
        page.get_by_role("button", name="detections").click()
        page.wait_for_function("document.querySelector('.gloact-kpis').innerText.includes('detections in this')",
                               timeout=30_000)  # fmt: skip
        page.get_by_role("button", name="persons").click()
        page.wait_for_function(f"document.querySelector('.gloact-kpi b').innerText === '{fmt_number(expected)}'",
                               timeout=60_000)  # fmt: skip
        assert _total(page) != before
        assert "Data as of" in page.inner_text("body")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "shared-workbook-after-imports.png"))
        assert watch.external == [] and watch.errors == []
        assert "Traceback" not in page.inner_text("body")
        page.close()
