"""Taking the figures away, in Chromium on a real `gloact serve` with the network cut: the routes view's CSV holds
the published figures the page shows, in the page's language; the files are written when their links are clicked
(:class:`gloact_lib.views.download_buttons.DownloadButtons`), and reach the browser as its downloads."""

from __future__ import annotations

import re

import openpyxl
import pytest

from gloact_lib.app.harness import LIVE_MAP_DRAWN, voila_server, wait_drawn

from ..browser import distinct_colours, download_rows, watched_page
from ..conftest import ROOT

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "tests" / "artifacts"  # docs/screenshots/ is made by `make screenshots`


@pytest.fixture(scope="module")
def server(built_db):
    """``gloact serve`` of the shipped data: (base URL, server pid)."""
    with voila_server(built_db, built_db.parent / "serve-downloads.log") as served:
        yield served


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_routes_csv_holds_the_figures_the_page_shows(server, browser, tmp_path):
    page, watch = watched_page(browser, 1366, 768)
    page.goto(server[0] + "/voila/render/routes.ipynb", timeout=120_000)  # a busy server renders slowly
    page.locator(".gloact-kpi").first.wait_for(timeout=90_000)
    wait_drawn(page, LIVE_MAP_DRAWN, timeout=60)
    page.get_by_role("link", name="Download CSV").wait_for(timeout=30_000)
    assert page.get_by_role("link", name="Download Excel").is_visible()
    assert page.locator("a[href^='data:'], a[href^='blob:']").count() == 0  # no file in the page until asked for
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(path=str(SCREENSHOTS / "routes-downloads-1366.png"))
    assert distinct_colours(png) > 20

    total = page.locator(".gloact-kpi").first
    shown_total, total_label = total.locator("b").inner_text(), total.locator("span").inner_text()
    top = [[c.inner_text() for c in row.locator("td").all()]
           for row in page.locator("table.gloact-table").first.locator("tr").all()[1:4]]  # fmt: skip
    assert top and all(len(r) == 3 for r in top)

    rows = download_rows(page, "Download CSV", tmp_path)
    assert rows[0][0].startswith("Trafficking and smuggling routes")
    assert any(r[:1] == ["Data as of"] and r[1].endswith("UTC") for r in rows)
    table = rows[rows.index(["Table", "Item", "Value", "Unit", "Note", "Source"]) + 1:]
    figures = {(r[0], r[1]): r[2] for r in table}
    assert figures[("Key figures", total_label)] == _digits(shown_total)  # the total the page shows
    for origin, destination, value in top:  # the page's top routes, as published
        assert figures[("Origin–destination routes", f"{origin} → {destination}")] == _digits(value)
    assert all(r[5] for r in table)  # every figure with its source
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("link", name="Download Excel").click()
    assert info.value.suggested_filename.endswith("-en.xlsx")
    info.value.save_as(tmp_path / info.value.suggested_filename)
    sheet = openpyxl.load_workbook(tmp_path / info.value.suggested_filename).active
    assert int(_digits(shown_total)) in [row[2] for row in sheet.iter_rows(values_only=True) if len(row) > 2]

    page.get_by_role("button", name="Français").click()
    page.get_by_role("link", name="Télécharger (CSV)").wait_for(timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "routes-downloads-fr-1366.png"))
    french = download_rows(page, "Télécharger (CSV)", tmp_path)
    assert ["Tableau", "Élément", "Valeur", "Unité", "Note", "Source"] in french and ["Langue", "Français"] in french
    assert _digits(page.locator(".gloact-kpi b").first.inner_text()) in [r[2] for r in french if len(r) > 2]
    assert watch.external == [] and watch.errors == []
    page.close()
