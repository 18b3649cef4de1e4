"""Ask by touching (issue 14, item 3), kernel side: a flow clicked on the live map gets its monthly series, the play
button steps through months as well as years.  The browser side is in test_live_map_browser.py."""

from __future__ import annotations

import datetime as dt

from gloact_lib.analysis.flow_series import flow_monthly, published_flow_monthly
from gloact_lib.analysis.flows import Selection
from gloact_lib.dashboards.routes import RoutesDashboard
from gloact_lib.data.regions import subregion, subregion_name
from gloact_lib.views.live_basemap import basemap_payload
from gloact_lib.views.live_map import HIDDEN, series_payload

from ..views.test_live_map import HOSTILE


def _largest(d: RoutesDashboard) -> tuple[str, str, int]:
    n, f = d.live.nodes, d.live.flows
    k = max(range(len(f["n"])), key=lambda i: f["n"][i])
    return n["id"][f["s"][k]], n["id"][f["t"][k]], f["n"][k]


def test_a_clicked_flow_gets_its_monthly_series(built_con):
    d = RoutesDashboard(con=built_con)
    source, target, count = _largest(d)
    assert (source, target) == ("TUR", "GRC")
    d.live.picked = {"s": [source], "t": [target], "region": False}
    x = d.live.series
    assert x["title"] == "Türkiye → Greece"
    assert x["months"][0] == "2009-01" and len(x["months"]) > 150
    assert sum(v for v in x["values"] if v >= 0) == count  # Frontex detections are exact: the months add up
    assert f"{count:,} detections" in x["total"] and "Frontex" in x["source"]
    # a pair of regions: every leg from one to the other
    west_asia = [i for i in d.live.nodes["id"] if subregion(i) == "Western Asia"]
    south_europe = [i for i in d.live.nodes["id"] if subregion(i) == "Southern Europe"]
    d.live.picked = {"s": west_asia, "t": south_europe, "region": True}
    assert d.live.series["title"] == "Western Asia → Southern Europe (UN regions)"
    assert sum(d.live.series["values"]) > count
    # a new selection: the series of the flow clicked before is gone
    d.country.value = "NER"
    assert d.live.series == {} and d.live.picked == {}


def test_a_picked_flow_is_only_ever_node_ids_of_the_map(built_con):
    d = RoutesDashboard(con=built_con)
    for picked in ({"s": [HOSTILE[0]], "t": ["GRC"]}, {"s": ["TUR"], "t": []}, {"s": [1], "t": ["GRC"]},
                   {"s": ["TUR"]}, {}):  # fmt: skip
        d.live.picked = picked
        assert d.live.series == {}, picked
    assert "gloact-error" not in d.status_line.value


def test_series_in_french_with_hidden_months(built_con):
    s = Selection(data="all")
    raw = flow_monthly(built_con, s, ["agadez"], ["sebha"], "place")
    assert len(raw) > 3
    frame = published_flow_monthly(built_con, s, ["agadez"], ["sebha"], "place")
    frame.loc[1, "persons"], frame.loc[1, "suppressed"] = None, True  # as a small month is published
    x = series_payload(frame, "Agadez → Sebha", "personnes", ["échantillon"], 5, "fr")
    assert x["values"][1] == HIDDEN and x["words"]["hidden"] == "moins de 5 (masqué)"
    shown = sum(v for v in x["values"] if v >= 0)
    assert x["total"].startswith(f"{shown:,}".replace(",", "\u202f")) and "par mois" in x["subtitle"]
    assert x["peak"].startswith("mois le plus élevé")


def test_play_steps_through_months_and_years(built_con):
    d = RoutesDashboard(con=built_con)
    first = d.period.min
    whole = d.kpis.value
    d.player.by.value = "month"
    assert (d.player.play.min, d.player.play.max) == (first * 12, d.period.max * 12 + 11)
    d.player.play.value = first * 12 + 2  # March of the first year
    assert (d.selection.start, d.selection.end) == (dt.date(first, 3, 1), dt.date(first, 3, 31))
    assert f"{first}-03" in d.live.legend["subtitle"] and d.kpis.value != whole
    assert d.player.now.value.endswith(f"{first}-03</span>")
    d.player.play.value += 11  # February of the next year: its last day
    assert d.selection.end == dt.date(first + 1, 2, 28 if (first + 1) % 4 else 29)
    # the viewer moves the period: years again
    d.period.value = (first, first + 2)
    assert (d.selection.start, d.selection.end) == (dt.date(first, 1, 1), dt.date(first + 2, 12, 31))
    d.player.by.value = "year"
    assert (d.player.play.min, d.player.play.max) == (first, d.period.max)
    d.player.play.value = first + 1
    assert (d.selection.start, d.selection.end) == (dt.date(first + 1, 1, 1), dt.date(first + 1, 12, 31))


def test_regions_of_the_basemap():
    base = basemap_payload()
    region = dict(zip(base["iso3"], base["region"], strict=True))
    assert region["NER"] == region["MLI"] != region["MAR"] == region["LBY"]
    assert all(r >= 0 for r in base["region"])
    assert len(base["anchors"]) == len(base["regions"]) > 20
    lon, lat = base["anchors"][region["NER"]]
    assert -10 < lon < 10 and 5 < lat < 20  # Western Africa's anchor is in Western Africa
    assert subregion_name(base["regions"][region["NER"]], "fr") == "Afrique occidentale"
