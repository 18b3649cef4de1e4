"""Briefing packs: one HTML that works with the network cut, a PNG per view, an A4-landscape PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from gloact_lib.views.briefing import briefing_html, build_briefing

from ..browser import chromium, distinct_colours, watched_page
from ..conftest import ARTIFACTS

VIEWS = ["title", "routes", "frontex", "figures", "off_map", "commitments", "treaties", "sources"]


def test_briefing_is_parameterised(built_con):
    page, views = briefing_html(built_con, "niamey-2018-06", "en", countries=["NER", "MLI"],
                                start=dt.date(2017, 1, 1), end=dt.date(2018, 6, 19))  # fmt: skip
    assert views == VIEWS
    assert "Niger, Mali" in page and "2017-01-01 – 2018-06-19" in page
    fr, _ = briefing_html(built_con, "casablanca-2019", "fr")
    assert "Engagements des participants" in fr and "Maroc, Mali, Niger" in fr
    with pytest.raises(ValueError, match="unknown meeting"):
        briefing_html(built_con, "lagos-2030")


@pytest.mark.browser
def test_pack_opens_offline_and_prints_one_page_per_view(built_con, tmp_path):
    pack = build_briefing(built_con, "casablanca-2019", "fr", out=tmp_path)
    assert [p.name for p in pack.pngs] == [f"casablanca-2019-fr-{i:02d}-{v}.png" for i, v in enumerate(VIEWS, 1)]
    with chromium() as browser:
        page, watch = watched_page(browser)
        page.goto(pack.html.as_uri())
        assert page.locator("section.view").count() == len(VIEWS)
        maps = [f for f in page.frames[1:]]
        assert len(maps) == 2
        for frame in maps:
            frame.wait_for_selector("path.gloact-arc", timeout=20_000)
            assert frame.locator("path.gloact-country").count() > 100
        assert watch.external == [] and watch.errors == []
    pages = subprocess.run(["pdfinfo", str(pack.pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {len(VIEWS)}" in pages and "A4" in pages
    assert shutil.which("pdftoppm"), "pdftoppm (Debian poppler-utils) is needed to check the PDF"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pack.pdf), str(tmp_path / "page")], check=True)
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == len(VIEWS)
    colours = [distinct_colours(p.read_bytes(), step=3) for p in rendered]
    assert colours[1] > 30 and colours[2] > 30, colours  # the two map pages are drawn, not blank frames
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for p in rendered[:3]:
        shutil.copy(p, ARTIFACTS / f"briefing-pdf-{p.name}")
