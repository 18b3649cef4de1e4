"""Issue 12, done when: `gloact serve` is running, a browser has the routes dashboard open, and three focal
points (Mali, Morocco, Niger: one process each) import 100k journeys each at the same time.  Every row is
stored or reported, the dashboard keeps answering while they run, and after a filter change it shows the
new totals.

Twice: on a workbook file (the embedded engine, each import ``--as-country``), and on a PostgreSQL server,
where each focal point imports as its own login role (the server knows its country, and row-level security
keeps the rows of other countries out) while the dashboard reads as an analyst."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from gloact_lib.analysis.flows import Selection, published_total
from gloact_lib.app.harness import LIVE_MAP_DRAWN, voila_server, wait_drawn
from gloact_lib.data.database import connect
from gloact_lib.data.sql import scalar
from gloact_lib.views.map_text import fmt_number

from ..browser import chromium, watched_page
from ..conftest import ARTIFACTS, JOURNEY_HEADER, read_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = 100_000
FOREIGN = 10  # rows of each file reported by another country: rejected and reported, never stored
COUNTRIES = ("MLI", "MAR", "NER")
SOURCE = "shared workbook test"
ORIGINS = ["NGA", "MLI", "NER", "GIN", "CIV", "SEN", "BFA", "CMR"]
DESTINATIONS = ["LBY", "DZA", "MAR", "ITA", "ESP", "FRA", "NER"]

#: Records every error the status line ever shows (a failed redraw is retried: it may not last).
WATCH_STATUS = """() => {
  window.__gloactErrors = [];
  const seen = () => document.querySelectorAll('.gloact-status.error').forEach(
    e => window.__gloactErrors.push(e.innerText));
  new MutationObserver(seen).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def _file(path, country: str, foreign: int = FOREIGN) -> None:
    """``ROWS`` journeys reported by ``country``, the last ``foreign`` of them by another country."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(JOURNEY_HEADER)
        for i in range(ROWS):
            reporter = country if i < ROWS - foreign else "TCD"
            writer.writerow([f"{country}-{i}", "trafficking", 1 + i % 3, f"2019-{1 + i % 12:02d}-01", "",
                             ORIGINS[i % len(ORIGINS)], "", DESTINATIONS[(i // 7) % len(DESTINATIONS)],
                             "female" if i % 2 else "male", "adult", "unknown", reporter, SOURCE])  # fmt: skip


def _total(page) -> str:
    return page.locator(".gloact-kpi b").first.inner_text()


@dataclass
class Imported:
    country: str
    seconds: float
    returncode: int
    out: str
    err: str

    @property
    def result(self) -> dict:
        assert self.returncode == 0, self.err
        assert "Traceback" not in self.err
        return json.loads(self.out)


def _run_import(country: str, argv: list[str]) -> Imported:
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ), timeout=600)
    return Imported(country, time.monotonic() - start, done.returncode, done.stdout, done.stderr)


def _import_argv(db: str, path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "gloact_lib.app.cli", "import", "--db", db, "--json", *extra, str(path)]


def _open_routes(browser, base: str):
    """The routes dashboard, drawn, in a watched page whose status line errors are recorded."""
    page, watch = watched_page(browser, 1366, 900)
    page.goto(base + "/voila/render/routes.ipynb?unit=persons&data=all")  # every journey: imported and sample
    page.locator(".gloact-kpi").first.wait_for(timeout=90_000)
    wait_drawn(page, LIVE_MAP_DRAWN, timeout=60)
    page.evaluate(WATCH_STATUS)
    return page, watch


def _switch(page, unit: str, timeout: float = 60_000) -> float:
    """Click the unit ``unit`` and wait for the key figures to say it: the seconds the redraw took."""
    start = time.monotonic()
    page.get_by_role("button", name=unit).click()
    page.wait_for_function(f"document.querySelector('.gloact-kpis').innerText.includes('{unit} in this')",
                           timeout=timeout)  # fmt: skip
    return time.monotonic() - start


def _answer_while(page, imports: dict, limit: int | None = None) -> list[float]:
    """Change a filter again and again while the imports run (at most ``limit`` times): each redraw's seconds.

    Each answer is checked: no error in the status line, no traceback on the page."""
    redraws: list[float] = []
    while not all(f.done() for f in imports.values()) and (limit is None or len(redraws) < limit):
        redraws.append(_switch(page, "detections" if len(redraws) % 2 == 0 else "persons"))
        assert page.locator(".gloact-status.error").count() == 0, page.locator(".gloact-status").inner_text()
        assert "Traceback" not in page.inner_text("body")
    return redraws


def _shows_new_totals(page, expected: int | None, before: str) -> None:
    """A filter change after the imports shows ``expected`` (persons, the default selection) as the page does."""
    page.get_by_role("button", name="persons").click()
    _switch(page, "detections")
    page.get_by_role("button", name="persons").click()
    page.wait_for_function(f"document.querySelector('.gloact-kpi b').innerText === '{fmt_number(expected)}'",
                           timeout=60_000)  # fmt: skip
    assert _total(page) != before
    assert "Data as of" in page.inner_text("body")
    # the key figures come first: the map of the same drawing follows (persons, not the detections before)
    page.locator(".gloact-legend-live", has_text="arc width: number of persons").wait_for(state="attached",
                                                                                         timeout=60_000)  # fmt: skip
    wait_drawn(page, LIVE_MAP_DRAWN, timeout=60)


def _page_was_clean(page, watch) -> None:
    assert watch.external == [] and watch.errors == []
    assert "Traceback" not in page.inner_text("body")
    assert page.evaluate("window.__gloactErrors") == []


def _report_timings(label: str, imported: list[Imported], redraws: list[float]) -> None:
    print(f"\n[{label}] imports: " + ", ".join(f"{i.country} {i.seconds:.1f}s" for i in imported)
          + f"; {len(redraws)} redraws during them, longest {max(redraws, default=0):.2f}s, "
          f"median {sorted(redraws)[len(redraws) // 2] if redraws else 0:.2f}s")  # fmt: skip


def test_three_focal_points_import_while_the_dashboard_answers(built_db, tmp_path):
    db = tmp_path / "shared.duckdb"
    shutil.copy(built_db, db)
    files = {c: tmp_path / f"{c}.csv" for c in COUNTRIES}
    for c, f in files.items():
        _file(f, c)
    with voila_server(db, tmp_path / "serve.log") as server, chromium() as browser, ThreadPoolExecutor(3) as pool:
        page, watch = _open_routes(browser, server[0])
        before = _total(page)
        imports = {c: pool.submit(_run_import, c, _import_argv(str(db), f, "--as-country", c))
                   for c, f in files.items()}  # fmt: skip
        # the dashboard keeps answering while the three imports run: each filter change is redrawn
        redraws = _answer_while(page, imports, limit=6)
        imported = [imports[c].result() for c in COUNTRIES]
        _report_timings("duckdb", imported, redraws)
        assert redraws
        # every row stored or reported; the other country's rows rejected, not dropped
        for r in (i.result for i in imported):
            assert r["rows"] == ROWS == r["accepted"] + r["rejected"] + r["unchanged"]
            assert r["rejected"] == FOREIGN
        con = connect(db, read_only=True)
        assert scalar(con, f"SELECT count(*) FROM journeys WHERE source = '{SOURCE}'") == 3 * (ROWS - FOREIGN)
        expected = published_total(con, Selection())
        con.close()
        # a filter change shows the new totals
        _shows_new_totals(page, expected, before)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "shared-workbook-after-imports.png"))
        _page_was_clean(page, watch)
        page.close()


@pytest.mark.postgres
def test_three_focal_points_import_on_a_server_while_the_dashboard_answers(pg_cluster, pg_db, built_db, tmp_path):
    import psycopg

    from gloact_lib.data.server_access import users_add
    from gloact_lib.data.transfer import copy_workbook

    name = pg_db.rsplit("/", 1)[1]
    n0 = copy_workbook(built_db, pg_db)["journeys"]  # the superuser owns the workbook
    suffix = uuid.uuid4().hex[:6]  # login roles are the cluster's: one set per run
    with psycopg.connect(pg_db) as pg:
        focal = {c: (f"sw_{c.lower()}_{suffix}", users_add(pg, f"sw_{c.lower()}_{suffix}", "focal", c))
                 for c in COUNTRIES}  # fmt: skip
        analyst = pg_cluster.url(name, f"sw_analyst_{suffix}", users_add(pg, f"sw_analyst_{suffix}", "analyst"))
    files = {c: tmp_path / f"{c}.csv" for c in COUNTRIES}
    for c, f in files.items():
        _file(f, c)
    with voila_server(analyst, tmp_path / "serve.log") as server, chromium() as browser, ThreadPoolExecutor(3) as pool:
        page, watch = _open_routes(browser, server[0])
        before = _total(page)
        # each focal point as its own role, no --as-country: the server knows the role's country
        imports = {c: pool.submit(_run_import, c, _import_argv(pg_cluster.url(name, *focal[c]), f, "--report",
                                                               str(tmp_path / f"{c}-rejected.csv")))
                   for c, f in files.items()}  # fmt: skip
        redraws = _answer_while(page, imports)
        imported = [imports[c].result() for c in COUNTRIES]
        _report_timings("postgresql", imported, redraws)
        assert redraws
        # every row stored or reported: the other country's rows rejected and in the report, not dropped
        for c, r in zip(COUNTRIES, (i.result for i in imported), strict=True):
            assert r["rows"] == ROWS == r["accepted"] + r["rejected"] and r["unchanged"] == 0, r
            assert r["rejected"] == FOREIGN and r["accepted"] == ROWS - FOREIGN, r
            reported = read_report(tmp_path / f"{c}-rejected.csv")
            assert {int(x["row"]) for x in reported} == set(range(ROWS - FOREIGN + 2, ROWS + 2))  # header is row 1
            assert all("TCD" in " ".join(x.values()) for x in reported), reported[:3]
        with psycopg.connect(pg_db) as pg:
            assert pg.execute("SELECT count(*) FROM journeys").fetchone()[0] == n0 + sum(
                i.result["accepted"] for i in imported)  # fmt: skip
            by_country = dict(pg.execute("SELECT reporting_country, count(*) FROM journeys WHERE source = %s "
                                         "GROUP BY 1", [SOURCE]).fetchall())  # fmt: skip
        assert by_country == {c: ROWS - FOREIGN for c in COUNTRIES}
        con = connect(analyst)
        expected = published_total(con, Selection())
        con.close()
        # a filter change shows the new totals, as the analyst's own replica computes them
        _shows_new_totals(page, expected, before)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "shared-workbook-postgres.png"))
        _page_was_clean(page, watch)
        page.close()
