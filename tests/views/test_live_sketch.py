"""The live map's first drawing written by the server (gloact_lib/views/live_sketch.py): what it draws, by the
live map's rules; its view and positions against the live map's are checked in Chromium
(tests/dashboards/test_first_paint.py)."""

from __future__ import annotations

import re

import pytest

from gloact_lib.dashboards.routes import RoutesDashboard
from gloact_lib.views.live_sketch import TRAITS, fit_zoom, project, sketch


@pytest.fixture
def traits(built_con):
    live = RoutesDashboard(con=built_con).live
    return {k: getattr(live, k) for k in TRAITS}


def _few(v: dict, count: int) -> dict:
    """The same traits with only the ``count`` largest flows (a selection the map draws country by country)."""
    f = v["flows"]
    return {**v, "flows": {k: f[k][-count:] for k in ("s", "t", "n")}}


def test_leaflets_projection_and_fit():
    assert project(180, 0) == (25600.0, 12800.0)
    assert project(0, 89) == project(0, 85.0511287798)  # clamped as Leaflet does
    assert fit_zoom([[10, 0], [20, 40]], (1000, 400)) == 5.0
    assert fit_zoom([[0, -179], [60, 179]]) == 2.0 and fit_zoom([[1, 1], [1, 1]]) == 9


def test_the_shipped_selection_is_grouped_by_region_as_the_live_map_groups_it(traits):
    page = sketch(traits)
    assert 'data-level="region"' in page  # > 40 flows over more than 75 degrees: regions
    assert page.count('class="gloact-node gloact-region"') >= 5
    assert "Northern Africa" in page and len(traits["flows"]["s"]) > page.count('class="gloact-arc')


def test_a_small_selection_draws_each_flow_with_its_arrowhead_and_count(traits):
    v = _few(traits, 12)
    page = sketch(v)
    assert 'data-level="country"' in page
    shown = [n for n in v["flows"]["n"] if n >= 0]
    assert page.count('class="gloact-arc"') == len(shown) == page.count('class="gloact-arrow"')
    assert page.count('class="gloact-arc gloact-hidden-arc"') == len(v["flows"]["n"]) - len(shown)
    widths = [float(w) for w in re.findall(r'class="gloact-arc" d="[^"]*" fill="none" stroke="[^"]*" '
                                           r'stroke-width="([\d.]+)"', page)]  # fmt: skip
    assert widths == sorted(widths)  # drawn smallest first, wider by count (the flows arrive sorted by count)
    s, t, n = v["flows"]["s"][-1], v["flows"]["t"][-1], v["flows"]["n"][-1]
    names = v["nodes"]["name"]
    assert f'data-tip="{names[s]} → {names[t]}\n{n:,} ' in page  # the tooltip: where, and how many


def test_hidden_counts_say_so_and_never_show_a_number(traits):
    v = _few(traits, 6)
    v["flows"] = {**v["flows"], "n": [-1] * 6}
    page = sketch(v)
    assert page.count('class="gloact-arc gloact-hidden-arc"') == 6 and 'class="gloact-arc"' not in page
    hidden = v["legend"]["words"]["hidden"]
    tips = re.findall(r'class="gloact-arc gloact-hidden-arc"[^>]*data-tip="([^"]*)"', page)
    assert all(tip.endswith(hidden.replace("<", "&lt;")) for tip in tips)


def test_french_counts_and_countries_coloured_by_role(built_con):
    live = RoutesDashboard(con=built_con, lang="fr").live
    page = sketch({k: getattr(live, k) for k in TRAITS})
    assert "\u202f" in page  # counts with the French thousands separator
    filled = r'class="gloact-country" data-iso3="\w+" d="[^"]*" fill="[^"]*" fill-opacity="0.55"'
    coloured = len(re.findall(filled, page))
    assert coloured == len(set(live.roles["iso3"]) & set(live.countries))  # (a few have no shape on the basemap)
