"""Route maps: offline, escaped, bilingual, drawn as one layer per kind."""

from __future__ import annotations

import re

import folium
import pytest

from gloact_lib.analysis.counts import incidents
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.i18n import LABELS, t
from gloact_lib.imports.pipeline import import_file
from gloact_lib.views.build_maps import build_maps
from gloact_lib.views.route_map import GeoLayer, route_map

from ..conftest import journey

XSS = "<img src=x onerror=alert(1)>"


def html_of(m: folium.Map) -> str:
    return m.get_root().render()


def external_refs(page: str) -> list[str]:
    """Resources the page would load from the network (links a reader may click are not loads)."""
    tags = re.findall(
        r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", page
    )
    css = re.findall(r"""url\(\s*["']?((?:https?:)?//[^"')]+)""", page)
    imports = re.findall(r"""@import\s+["']?((?:https?:)?//[^"';]+)""", page)
    return tags + css + imports


@pytest.fixture
def hostile(con, write_csv, tmp_path):
    """A database with a place whose name is markup, and a journey through it."""
    hub = tmp_path / "hubs.csv"
    hub.write_text(f'name,iso3,lat,lon,role_in_routes\n"{XSS}",NER,17.5,9.0,"<b>bold</b>"\n', encoding="utf-8")
    import_file(con, hub)
    place = con.execute("SELECT place_id FROM places WHERE name = ?", [XSS]).fetchall()[0][0]
    rows = [journey(journey_id=f"x{i}", persons="9", via=place, source=f"{XSS} report") for i in range(3)]
    import_file(con, write_csv(rows))
    return con


def test_bare_call_draws_a_good_offline_map(built_con):
    m = route_map(Flows.from_db(built_con, Selection(data="illustrative")))
    page = html_of(m)
    assert external_refs(page) == []
    assert "cdn." not in page and "tile.openstreetmap" not in page
    assert page.count("gloactLayer(") == 4 + 1  # countries, flows, hubs, domestic (+ the helper's definition)
    assert "ILLUSTRATIVE DATA" in page
    assert "fitBounds" in page


def test_each_layer_is_one_object_not_one_per_flow(built_con):
    flows = Flows.from_db(built_con, Selection(data="illustrative"))
    m = route_map(flows)
    layers = [c for c in m._children.values() if isinstance(c, GeoLayer)]
    assert len(layers) == 4  # countries, flows, hubs, domestic rings
    assert len(flows.legs) > 20 and len(flows.domestic) > 1


def test_markup_from_data_is_never_markup(hostile):
    flows = Flows.from_db(hostile, Selection())
    page = html_of(route_map(flows))
    assert XSS not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page  # JSON-escaped, put in the DOM as text
    # the source in the legend: HTML-escaped, then JSON-escaped for the script
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt; report" in page


def test_french_labels(built_con):
    page = html_of(route_map(Flows.from_db(built_con, Selection(data="illustrative")), lang="fr"))
    for key in ("countries", "flows", "hubs", "origin", "transit", "destination", "illustrative_badge"):
        assert t(key, "fr") in page
    assert "Itinéraires" in page and "Routes<" not in page


def test_every_label_has_french():
    for key, text in LABELS.items():
        assert text.get("fr") and text.get("en"), key
        assert text["fr"] != "" and set(re.findall(r"{(\w+)}", text["en"])) == set(re.findall(r"{(\w+)}", text["fr"]))


def test_empty_selection_says_so(built_con):
    page = html_of(route_map(Flows.from_db(built_con, Selection(origin=["ISL"]))))
    assert "No data for this selection." in page


def test_the_world_is_drawn_and_what_has_no_place_is_listed(built_con):
    """Issue 11: the Frontex overview draws Afghanistan, Pakistan and Bangladesh; what is not drawn is listed
    beside the map with its reason (unknown and stateless nationalities), never a line to nowhere."""
    flows = Flows.from_db(built_con, Selection(unit="detections"), level="country")
    drawn = set(flows.legs["source"]) | set(flows.legs["target"])
    assert {"AFG", "PAK", "BGD", "IND", "SYR", "XSS"} <= drawn and flows.unmapped == []
    assert not drawn & {"XXX", "XXA"}
    # only unknown and stateless nationalities (and Frontex's route "Other": no destination) are not drawn;
    # Gibraltar, which has no shape at 1:50m, is drawn to its point
    assert set(flows.listed["reason"]) == {"origin_unknown", "stateless", "destination_unknown"}
    assert set(flows.listed.loc[flows.listed["reason"] == "destination_unknown", "destination"]) == {"XXX"}
    assert "GIB" in drawn
    page = html_of(route_map(flows))
    assert "origin unknown → Hungary: " in page and "stateless → " in page
    assert "Not drawn (no coordinates)" not in page


def test_detections_carry_their_caveat(built_con):
    page = html_of(route_map(Flows.from_db(built_con, Selection(unit="detections"), level="country")))
    assert "Detections are not persons" in page
    assert "Frontex" in page


def test_draws_on_an_existing_map(built_con):
    base = folium.Map(tiles=None)
    m = route_map(Flows.from_db(built_con, Selection(data="illustrative")), m=base)
    assert m is base
    assert base.default_js == [] and external_refs(html_of(base)) == []


def test_tiles_only_when_asked(built_con):
    flows = Flows.from_db(built_con, Selection(data="illustrative"))
    assert "openstreetmap" not in html_of(route_map(flows)).lower()
    assert "openstreetmap" in html_of(route_map(flows, tiles="OpenStreetMap")).lower()


def test_incident_layer(built_con):
    flows = Flows.from_db(built_con, Selection(data="illustrative"))
    extra = incidents(built_con, flows.selection, [[0, -30], [50, 40]])
    assert extra["dead_and_missing"].sum() > 1000
    page = html_of(route_map(flows, incidents=extra))
    assert "Migrants dead and missing" in page and "minimum estimates" in page


def test_build_maps_writes_overview_routes_and_countries(built_con, tmp_path):
    written = build_maps(built_con, tmp_path, "fr")
    names = {p.relative_to(tmp_path / "fr").as_posix() for p in written}
    assert {"overview.html", "routes/CMR.html", "routes/WAR.html", "countries/MLI.html", "countries/MAR.html",
            "countries/NER-frontex.html"} <= names  # fmt: skip
    assert all(external_refs(p.read_text(encoding="utf-8")) == [] for p in written)


def test_largest_flows_only_and_the_note_says_so(built_con):
    flows = Flows.from_db(built_con, Selection(unit="detections"), level="country")
    page = html_of(route_map(flows, max_flows=30))
    assert "Showing the 30 largest of" in page
    assert page.count('"className":"gloact-arc"') == 30
    assert "and " in page and " more" in page  # the list of unmapped countries is cut short


def test_compact_legend_leaves_notes_to_the_page(built_con):
    flows = Flows.from_db(built_con, Selection(data="illustrative"))
    assert "counts below 5 are hidden" in html_of(route_map(flows))
    assert "perturbed (cell-key method)" in html_of(route_map(flows))  # says which figures are perturbed
    assert "counts below 5 are hidden" not in html_of(route_map(flows, compact=True))
