"""Two people at once, in Chromium on a real ``gloact serve`` with the network cut: an analyst imports a file with
``gloact import`` (another process) while an official has the routes dashboard open, and a second official opens it
afterwards.  Nobody waits for anybody; the open page answers during the import and shows the new data when asked
(the refresh button), the new page shows it at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from gloact_lib.app.harness import LIVE_MAP_DRAWN, voila_server, wait_drawn
from tests.imports.ctdc_download import ctdc_rows, write_ctdc

from ..browser import download_rows, watched_page

pytestmark = pytest.mark.browser


def _open(browser, base: str):
    page, watch = watched_page(browser, 1366, 768)
    page.goto(base + "/voila/render/routes.ipynb", timeout=120_000)
    page.locator(".gloact-kpi").first.wait_for(timeout=90_000)
    wait_drawn(page, LIVE_MAP_DRAWN, timeout=60)
    return page, watch


def _as_of(rows: list[list[str]]) -> str:
    return next(r[1] for r in rows if r[:1] == ["Data as of"])


def test_an_import_lands_while_an_official_watches_and_both_pages_show_it(built_db, browser, tmp_path):
    db = tmp_path / "watched.duckdb"
    shutil.copy(built_db, db)
    with voila_server(db, tmp_path / "serve.log") as (base, _pid):
        page, watch = _open(browser, base)
        status = page.locator(".gloact-status").first
        shown_before = status.inner_text()
        assert "Data as of" in shown_before
        csv_before = download_rows(page, "Download CSV", tmp_path)

        rows = write_ctdc(tmp_path / "ctdc.csv", ctdc_rows(3000))
        importing = subprocess.Popen([sys.executable, "-m", "gloact_lib.app.cli", "import", "--db", str(db),
                                      "--json", str(rows)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ})  # fmt: skip
        during = download_rows(page, "Download CSV", tmp_path)  # the open page answers while the import runs
        assert during[0] == csv_before[0]
        _, err = importing.communicate(timeout=180)
        assert importing.returncode == 0, err[-2000:]
        assert "Traceback" not in err

        page.get_by_role("button", name="Refresh").click()
        page.wait_for_function("(before) => { const s = document.querySelector('.gloact-status');"
                               " return s && s.innerText.includes('Data as of') && s.innerText !== before; }",
                               arg=shown_before, timeout=60_000)  # fmt: skip
        csv_after = download_rows(page, "Download CSV", tmp_path)
        assert _as_of(csv_after) != _as_of(csv_before)  # the file taken away says which data it holds

        second, second_watch = _open(browser, base)  # a second official, after the import: the new data at once
        assert _as_of(download_rows(second, "Download CSV", tmp_path)) == _as_of(csv_after)
        assert watch.external == second_watch.external == []
        assert watch.errors == second_watch.errors == []
        second.close()
        page.close()
