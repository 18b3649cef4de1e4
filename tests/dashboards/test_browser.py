"""The dashboards served by a real `gloact serve`, driven in Chromium with the network cut."""

from __future__ import annotations

import time
import urllib.error

import pytest

from gloact_lib.app.harness import LIVE_MAP_DRAWN, get, kernel_pids, leave_page, post, voila_server, wait_drawn

from ..browser import distinct_colours, watched_page
from ..conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(built_db):
    """``gloact serve`` of the shipped data: (base URL, server pid)."""
    with voila_server(built_db, built_db.parent / "serve.log") as served:
        yield served


def _open(browser, url, watched=True):
    if watched:
        page, watch = watched_page(browser, 1500, 1100)
    else:  # request interception would also catch (and lose) the unload beacon
        page, watch = browser.new_page(viewport={"width": 1500, "height": 1100}), None
    page.goto(url)
    page.locator(".gloact-kpi").first.wait_for(timeout=90_000)
    wait_drawn(page, LIVE_MAP_DRAWN, timeout=30)
    return page, watch


def test_landing_page_lists_the_dashboards(server, browser):
    base, _ = server
    page, watch = watched_page(browser)
    page.goto(base + "/")
    # the front door (tests/app/test_front_door.py has the rest): one card per dashboard, nothing else
    page.locator("li.card").first.wait_for(timeout=90_000)
    assert page.locator("li.card").count() == 3
    listed = page.inner_text("body")
    assert "analyst_workbook" not in listed and "Voil" not in listed  # only the dashboards, no developer text
    assert watch.external == [] and watch.errors == []
    page.close()


def test_routes_dashboard_filters_and_french(server, browser):
    # persons of every journey, chosen in the link: the dashboard itself opens on the real detections
    page, watch = _open(browser, server[0] + "/voila/render/routes.ipynb?unit=persons&data=all")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(path=str(ARTIFACTS / "dashboard-routes-en.png"), full_page=True)
    assert distinct_colours(png) > 20
    kpis = page.locator(".gloact-kpis").inner_text()
    assert "persons in this selection" in kpis
    legend = page.locator(".gloact-legend-live").text_content()  # the live map's legend (folded or not)
    assert "persons" in legend

    # a filter change redraws the figures and the map
    page.get_by_role("button", name="detections").click()
    page.wait_for_function("document.querySelector('.gloact-kpis').innerText.includes('detections')", timeout=30_000)
    page.locator(".gloact-legend-live", has_text="detections").wait_for(state="attached", timeout=30_000)
    assert page.locator(".gloact-kpis").inner_text() != kpis

    # the French switch relabels everything, the map included
    page.get_by_role("button", name="Français").click()
    page.wait_for_function("document.querySelector('.gloact-kpis').innerText.includes('détections dans cette')",
                           timeout=30_000)  # fmt: skip
    page.locator(".gloact-legend-live", has_text="Itinéraires").wait_for(state="attached", timeout=30_000)
    assert "Comptage" in page.inner_text("body") and "Counting" not in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "dashboard-routes-fr.png"), full_page=True)
    assert watch.external == []
    assert watch.errors == []
    assert "Traceback" not in page.inner_text("body")
    page.close()


def test_deep_link_sets_country_and_language(server, browser):
    page, watch = _open(browser, server[0] + "/voila/render/routes.ipynb?country=NER&lang=fr")
    assert "dans cette sélection" in page.locator(".gloact-kpis").inner_text()
    values = page.eval_on_selector_all("select", "els => els.map(e => e.options[e.selectedIndex].text)")
    assert "Niger" in values
    assert watch.external == []
    page.close()


def test_ten_visits_do_not_leave_ten_kernels(server, browser):
    base, pid = server
    before = len(kernel_pids(pid))
    assert before >= 1  # the preheated kernel
    for _ in range(10):
        page, _ = _open(browser, base + "/voila/render/routes.ipynb", watched=False)
        leave_page(page)  # leaving the page unloads it: Voila posts the kernel shutdown (a beacon)
    deadline = time.time() + 30
    while time.time() < deadline and len(kernel_pids(pid)) > before + 1:
        time.sleep(1)
    assert len(kernel_pids(pid)) <= before + 1, "kernels of closed pages were not shut down"


def test_xsrf_protection_stays_on(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(server[0] + "/voila/api/shutdown/not-a-kernel")
    assert refused.value.code == 403


def test_country_profile(server, browser):
    page, watch = watched_page(browser, 1500, 1100)
    page.goto(server[0] + "/voila/render/country.ipynb?country=MLI")
    page.locator(".gloact-kpi").first.wait_for(timeout=90_000)
    page.frame_locator("iframe.gloact-map").locator("path.gloact-role").first.wait_for(timeout=30_000)
    body = page.inner_text("body")
    assert "Country profile: Mali" in body
    assert "Trafficking in Persons Protocol" in body and "Casablanca" in body
    page.get_by_role("button", name="Français").click()
    page.wait_for_function("document.body.innerText.includes('Profil de pays\u202f: Mali')", timeout=30_000)
    # every panel is redrawn in French (the header first, the treaty table a moment later)
    page.wait_for_function("document.body.innerText.includes('Protocole relatif à la traite des personnes')",
                           timeout=30_000)  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-country-fr.png"), full_page=True)
    assert watch.external == [] and watch.errors == []
    page.close()


def test_commitments_dashboard(server, browser):
    page, watch = watched_page(browser, 1500, 1100)
    page.goto(server[0] + "/voila/render/commitments.ipynb?lang=fr")
    page.locator(".gloact-cell").first.wait_for(timeout=90_000)
    # one grid per meeting: 16 delegations x 6 recommendations of Niamey 2018, 3 countries x 8 of Casablanca 2019
    assert page.locator(".gloact-cell").count() == 16 * 6 + 3 * 8
    assert "Progrès par pays" in page.inner_text("body")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(path=str(ARTIFACTS / "dashboard-commitments-fr.png"), full_page=True)
    assert distinct_colours(png) > 8
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.body.innerText.includes('Progress by country')", timeout=30_000)
    assert watch.external == [] and watch.errors == []
    page.close()


def test_only_the_dashboards_are_served(server):
    """An analyst's notebook in notebooks/ is neither listed nor rendered for a visitor."""
    base, _ = server
    for path in ("/voila/render/analyst_workbook.ipynb", "/voila/tree/analyst_workbook.ipynb",
                 "/voila/files/analyst_workbook.ipynb"):  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as caught:
            get(base + path)
        assert caught.value.code in (403, 404), path
