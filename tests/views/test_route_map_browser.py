"""The saved map in a real browser with the network cut: drawn, no request leaves, no console error."""

from __future__ import annotations

import pytest

from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.views.route_map import route_map

from ..browser import distinct_colours, watched_page
from ..conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_overview_map_offline(built_con, browser, tmp_path, lang):
    path = tmp_path / f"overview-{lang}.html"
    route_map(Flows.from_db(built_con, Selection(data="illustrative")), lang=lang).save(str(path))
    page, watch = watched_page(browser)
    page.goto(path.as_uri())
    page.wait_for_selector("path.gloact-arc", timeout=10_000)
    assert page.locator("path.gloact-arc").count() > 20
    assert page.locator("path.gloact-country").count() > 100
    assert page.locator("path.gloact-role").count() > 10
    assert page.locator(".gloact-hub").count() > 5
    legend = page.locator(".gloact-legend").inner_text()
    assert ("Origin" if lang == "en" else "Origine") in legend
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(path=str(ARTIFACTS / f"overview-map-{lang}.png"))
    assert distinct_colours(png) > 20  # a drawn map, not a blank frame
    assert watch.external == [] and watch.errors == []
    page.close()


def test_hostile_names_show_as_text(browser, tmp_path, con, write_csv):
    from gloact_lib.imports.pipeline import import_file

    from ..conftest import journey

    xss = "<img src=x onerror=alert(1)>"
    hub = tmp_path / "hubs.csv"
    hub.write_text(f'name,iso3,lat,lon\n"{xss}",NER,17.5,9.0\n', encoding="utf-8")
    import_file(con, hub, fmt="places")
    place = con.execute("SELECT place_id FROM places WHERE name = ?", [xss]).fetchall()[0][0]
    rows = [journey(journey_id=f"x{i}", persons="9", via=place, source=xss) for i in range(2)]
    import_file(con, write_csv(rows))
    path = tmp_path / "hostile.html"
    route_map(Flows.from_db(con, Selection())).save(str(path))
    page, watch = watched_page(browser)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector(".gloact-label", timeout=10_000)
    assert xss in page.locator(".gloact-label").all_inner_texts()
    assert xss in page.locator(".gloact-legend").inner_text()
    assert page.locator("img[src=x]").count() == 0 and dialogs == []
    assert watch.external == [] and watch.errors == []
