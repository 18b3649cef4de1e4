"""The live route map (gloact_lib/views/live_map.py): its payload, its size per change, text from data, no network."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.imports.pipeline import import_file
from gloact_lib.views.live_basemap import basemap_payload
from gloact_lib.views.live_map import _JS, HIDDEN, LiveMap, flow_scale, map_payload, module_text
from gloact_lib.views.route_map import ROLE_COLOURS

from ..conftest import journey

HOSTILE = ("<img src=x onerror=alert(1)>", "{{7*7}}")
#: Bytes one filter change may send (issue 14).
MAX_CHANGE_BYTES = 50_000


def _real(**kw) -> Selection:
    return Selection(unit="detections", data="real", **kw)


def _sent(live: LiveMap, change) -> list[dict]:
    """The messages a change sends to the front end (``Widget._send`` recorded, as the kernel would send them)."""
    sent = []
    live._send = lambda msg, buffers=None: sent.append(msg)
    change()
    return sent


def _size(messages: list[dict]) -> int:
    return sum(len(json.dumps(m, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) for m in messages)


def test_payload_counts_are_the_published_flows(built_con):
    for selection, level in ((_real(), "country"), (Selection(data="all"), "place")):
        flows = Flows.from_db(built_con, selection, level=level)
        p = map_payload(flows, "en")
        nodes, lines = p["nodes"], p["flows"]
        legs = flows.legs[~flows.legs["source"].isin(flows.unmapped) & ~flows.legs["target"].isin(flows.unmapped)]
        assert len(lines["n"]) == len(legs) > 20
        published = sorted(HIDDEN if s else int(n) for n, s in zip(legs["persons"], legs["suppressed"], strict=True))
        assert sorted(lines["n"]) == published
        # each flow joins the right places, with its published count
        pairs = {(r.source, r.target): HIDDEN if r.suppressed else int(r.persons) for r in legs.itertuples()}
        ids = nodes["id"]
        assert {(ids[s], ids[t]): n for s, t, n in zip(lines["s"], lines["t"], lines["n"], strict=True)} == pairs
        for i, node in enumerate(ids):
            at = flows.nodes[node]
            assert (nodes["lon"][i], nodes["lat"][i]) == (round(at.lon, 2), round(at.lat, 2))
        # location totals: a place's in and out are its published legs' sums
        hubs = flows.hubs.set_index("node")
        for i, node in enumerate(ids):
            if node in hubs.index:
                assert (nodes["in"][i], nodes["out"][i]) == (hubs.loc[node, "inflow"], hubs.loc[node, "outflow"])
        # the countries' roles: the published counts and the folium maps' colours
        roles = p["roles"]
        for r in flows.roles.itertuples():
            i = roles["iso3"].index(r.iso3)
            assert roles[r.role][i] == (HIDDEN if r.suppressed else int(r.persons))
        assert p["legend"]["colours"]["roles"] == list(ROLE_COLOURS.values())
        assert len(p["nodes"]["bounds"]) == 2


def test_legend_scale_has_three_round_counts():
    assert flow_scale(1_737_995) == [[1_000_000, "1,000,000"], [400_000, "400,000"], [60_000, "60,000"]]
    assert flow_scale(4124, "fr") == [[4000, "4\u202f000"], [1000, "1\u202f000"], [100, "100"]]
    assert flow_scale(3) == [[3, "3"], [1, "1"]]


def test_basemap_is_sent_once_compactly():
    base = basemap_payload()
    assert len(base["iso3"]) > 200 and "NER" in base["iso3"]
    size = len(json.dumps(base, separators=(",", ":")))
    assert size < 150_000, size
    ring = base["shapes"][base["iso3"].index("NER")][0][0]
    assert all(isinstance(v, int) for v in ring)
    lon, lat = sum(ring[0::2]) / 100, sum(ring[1::2]) / 100  # the ring's last point: its first (closed)
    assert (lon, lat) == (ring[0] / 100, ring[1] / 100)
    points = [(sum(ring[0:i + 1:2]) / 100, sum(ring[1:i + 2:2]) / 100) for i in range(0, len(ring), 2)]
    assert all(0 <= x <= 16.1 and 11.6 <= y <= 23.6 for x, y in points)  # Niger's box, in degrees


def test_bytes_per_filter_change_on_the_shipped_data(built_con):
    """A change sends one message with the data that changed: never Leaflet, the basemap or the module again."""
    live = LiveMap(Flows.from_db(built_con, _real(), level="country"))
    changes = [
        (_real(start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31)), "country", "en"),
        (_real(country=("NER",)), "country", "en"),
        (_real(), "country", "fr"),  # the language too: the country names once more
        (Selection(data="all"), "place", "fr"),
        (_real(), "country", "fr"),  # back to the largest view
    ]
    sizes = []
    for selection, level, lang in changes:
        flows = Flows.from_db(built_con, selection, level=level)
        sent = _sent(live, lambda f=flows, lg=lang: live.show(f, lg))
        assert len(sent) == 1  # one message per change
        state = sent[0]["state"]
        assert not {"_esm", "_css", "basemap"} & set(state)
        sizes.append(_size(sent))
    assert max(sizes) <= MAX_CHANGE_BYTES, sizes
    # the same selection again sends nothing
    assert _sent(live, lambda: live.show(Flows.from_db(built_con, _real(), level="country"), "fr")) == []


@pytest.fixture
def hostile(con, write_csv, tmp_path):
    """Places named with markup and a template, and journeys through them."""
    hub = tmp_path / "hubs.csv"
    hub.write_text("name,iso3,lat,lon,role_in_routes\n" + "".join(f'"{n}",NER,{17 + i},{9 + i},x\n'
                                                                   for i, n in enumerate(HOSTILE)), encoding="utf-8")
    import_file(con, hub)
    rows = []
    for k, name in enumerate(HOSTILE):
        place = con.execute("SELECT place_id FROM places WHERE name = ?", [name]).fetchall()[0][0]
        rows += [journey(journey_id=f"x{k}{i}", persons="9", via=place) for i in range(3)]
    import_file(con, write_csv(rows))
    return con


def test_names_from_data_stay_text(hostile):
    live = LiveMap(Flows.from_db(hostile, Selection()))
    names = live.nodes["name"] + live.nodes["label"]
    for text in HOSTILE:
        assert any(n.startswith(text) for n in names)  # as written: neither escaped nor evaluated
    assert "49" not in json.dumps(live.nodes)
    # the front end puts text into the page as text only
    js = _JS.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js, sink
    assert ".setContent(make(" in js and "bindTooltip(() => tipBox(" in js


def test_module_needs_no_network():
    text = module_text()
    assert text.startswith("const L = (function")  # Leaflet bundled in, from the xstatic-leaflet package
    assert "export default { render }" in text
    own = _JS.read_text(encoding="utf-8").replace('"http://www.w3.org/2000/svg"', "SVG_NS", 1)  # an XML name
    for word in ("import ", "import(", "fetch(", "XMLHttpRequest", "esm.sh", "unpkg", "jsdelivr", "cdn", "http"):
        assert word not in own, word
    # In Leaflet's own text, two addresses, neither of them loaded: the SVG namespace (an XML name that
    # createElementNS needs) and Leaflet's home in its licence header and its credit link (the map shows no credit
    # control). Anything else would be a request to the network.
    addresses = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[\w/.-]*", text))
    assert addresses <= {"http://www.w3.org/2000/svg", "https://leafletjs.com"}, addresses
    assert "sourceMappingURL" not in text
