"""The shipped world basemap (``data/basemap/``, built by ``scripts/build_basemap.py``): every country the
workbook needs, valid shapes that Leaflet can draw in Web Mercator, shared borders, and its size."""

from __future__ import annotations

import importlib.util
import json
import sys

import numpy as np
import pycountry
import pytest
import shapely
from shapely.geometry import shape

from gloact_lib import config

SCRIPT = config.ROOT / "scripts" / "build_basemap.py"
#: The countries the issue names, and the workbook's member states.
NEEDED = ("AFG", "PAK", "BGD", "IND", "USA", "BRA", "CHN", "ESH", "XKX")
#: (lat, lon) inside Afghanistan, India, the USA, Brazil, China, Siberia and Australia.
LAND = [(33.9, 65.6), (22.0, 79.0), (39.0, -99.0), (-12.0, -50.0), (35.0, 100.0), (62.0, 100.0), (-25.0, 134.0)]
#: (lat, lon) in open oceans, where a polygon sweeping across the map would show.
SEA_POINTS = [(0.0, -140.0), (30.0, -150.0), (20.0, -40.0), (-30.0, 80.0), (50.0, -165.0), (-50.0, 175.0)]
#: Size of the former regional basemap, which a map page must not outgrow.
REGIONAL_BYTES = 380_073


def _script():
    """``scripts/build_basemap.py`` as a module (it is not part of the package)."""
    if "build_basemap" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_basemap", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_basemap"] = module
        spec.loader.exec_module(module)
    return sys.modules["build_basemap"]


@pytest.fixture(scope="module")
def features() -> dict[str, dict]:
    data = json.loads(config.BASEMAP_FILE.read_text(encoding="utf-8"))
    return {f["properties"]["iso3"]: f for f in data["features"]}


@pytest.fixture(scope="module")
def shapes(features) -> dict[str, shapely.Geometry]:
    return {code: shape(f["geometry"]) for code, f in features.items()}


def test_one_feature_per_line_sorted_with_only_the_properties_the_map_needs():
    lines = config.BASEMAP_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"type":"FeatureCollection","features":[' and lines[-1] == "]}"
    feats = [json.loads(line.rstrip(",")) for line in lines[1:-1]]
    codes = [f["properties"]["iso3"] for f in feats]
    assert codes == sorted(set(codes)) and len(codes) > 230
    assert all(set(f["properties"]) == {"iso3", "name", "label_lon", "label_lat"} for f in feats)


@pytest.mark.parametrize("iso3", sorted({*NEEDED, *_script().MEMBER_STATES, *_script().REQUIRED_ISO3}))
def test_needed_country_is_drawn_with_its_label_point_inside(features, shapes, iso3):
    assert iso3 in features
    geom, props = shapes[iso3], features[iso3]["properties"]
    assert geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid and not geom.is_empty
    assert geom.covers(shapely.Point(props["label_lon"], props["label_lat"]))


def test_every_label_point_is_inside_the_largest_part(features, shapes):
    for code, geom in shapes.items():
        largest = max(shapely.get_parts(geom), key=lambda p: p.area)
        props = features[code]["properties"]
        assert largest.covers(shapely.Point(props["label_lon"], props["label_lat"])), code


def test_every_code_is_iso_3166_alpha_3_or_kosovo(features):
    for code in features:
        assert code == "XKX" or pycountry.countries.get(alpha_3=code) is not None, code


def test_leaflet_can_draw_it_no_part_sweeps_across_the_map(shapes):
    for code, geom in shapes.items():
        xy = shapely.get_coordinates(geom)
        assert (np.abs(xy[:, 0]) <= 180).all(), code
        assert (np.abs(xy[:, 1]) <= 85.05).all(), code  # Web Mercator's limit
        for part in shapely.get_parts(geom):
            xmin, _, xmax, _ = part.bounds
            assert xmax - xmin <= 180, code


def test_antimeridian_countries_are_split_not_shifted(shapes):
    xmin, _, xmax, _ = shapes["RUS"].bounds  # parts on both sides of the antimeridian
    assert xmin == -180 and xmax == 180
    assert shapes["RUS"].covers(shapely.Point(-175, 66.5))  # Chukotka, east of 180
    assert shapes["USA"].covers(shapely.Point(-100, 40))
    assert shapes["ATA"].bounds[1] >= -85 and shapes["ATA"].bounds[3] < -60


def test_neighbours_form_a_valid_coverage(shapes):
    assert shapely.coverage_is_valid(np.array(list(shapes.values()), dtype=object))


@pytest.mark.parametrize(
    "a, b",
    [
        ("TUR", "IRN"),
        ("EGY", "SDN"),
        ("IRN", "AFG"),
        ("IRN", "TKM"),
        ("KEN", "TZA"),
        ("AFG", "PAK"),
        ("PAK", "IND"),
        ("IND", "CHN"),
        ("RUS", "UKR"),
        ("MAR", "ESH"),
    ],
)
def test_neighbours_share_one_border(shapes, a, b):
    """Detailed and coarse neighbours meet on identical vertices: no gap, no overlap."""
    shared = shapes[a].boundary.intersection(shapes[b].boundary)
    assert shared.length > 1.0
    assert shapes[a].intersection(shapes[b]).area < 1e-9
    near_a = shapes[a].boundary.intersection(shapes[b].buffer(1e-6)).length
    near_b = shapes[b].boundary.intersection(shapes[a].buffer(1e-6)).length
    assert near_a == pytest.approx(shared.length, rel=1e-6) and near_b == pytest.approx(shared.length, rel=1e-6)


def test_the_file_stays_under_its_limit():
    size = config.BASEMAP_FILE.stat().st_size
    assert size < _script().MAX_BYTES <= REGIONAL_BYTES


def test_split_antimeridian_cuts_instead_of_shifting():
    bm = _script()
    parts = bm.split_antimeridian(shapely.Polygon([(170, 0), (-170, 0), (-170, 10), (170, 10)]))
    assert sorted(p.bounds for p in parts) == [(-180, 0, -170, 10), (170, 0, 180, 10)]
    ring = [(x, -70 - (x % 7) / 10) for x in range(-180, 180, 10)] + [(-180, -70)]
    (polar,) = bm.split_antimeridian(shapely.Polygon(ring))
    assert polar.bounds[0] == -180 and polar.bounds[1] == -90 and polar.covers(shapely.Point(0, -89))


@pytest.mark.browser
def test_world_map_in_chromium(tmp_path):
    """Drawn in Chromium: the open oceans are sea, countries far from the core region are land."""
    import io

    from PIL import Image

    from gloact_lib.analysis.flows import Flows
    from gloact_lib.data.database import connect
    from gloact_lib.views.assets import SEA
    from gloact_lib.views.route_map import NEUTRAL_FILL, route_map

    from ..browser import chromium, watched_page
    from ..conftest import ARTIFACTS

    path = tmp_path / "world.html"
    route_map(Flows.from_db(connect(":memory:"))).save(str(path))
    points = {"land": LAND, "sea": SEA_POINTS}
    with chromium() as browser:
        page, watch = watched_page(browser, width=1200, height=800)
        page.goto(path.as_uri())
        page.wait_for_selector("path.gloact-country", state="attached", timeout=10_000)
        page.wait_for_timeout(800)  # the page's own fit (FitWhenShown) first, so that it does not move ours
        pixels = page.evaluate(
            """(points) => {
                const key = Object.keys(window).find(k => k.startsWith("map_") && window[k] && window[k].fitBounds);
                const map = window[key];
                map.fitBounds([[-60, -179], [80, 179]], {animate: false});
                const out = {};
                for (const [kind, list] of Object.entries(points)) {
                    out[kind] = list.map(([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]);
                                                          return [Math.round(p.x), Math.round(p.y)]; });
                }
                return out;
            }""",
            points,
        )
        page.add_style_tag(content=".leaflet-control:not(.leaflet-control-zoom){display:none!important}")
        page.wait_for_timeout(300)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        image = Image.open(io.BytesIO(page.screenshot(path=str(ARTIFACTS / "basemap-world.png")))).convert("RGB")
        drawn = page.locator("path.gloact-country").count()
        assert watch.external == [] and watch.errors == []
        page.close()
    assert drawn == len(json.loads(config.BASEMAP_FILE.read_text(encoding="utf-8"))["features"])

    def rgb(colour: str) -> tuple[int, ...]:
        return tuple(int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))

    for kind, colour in (("land", NEUTRAL_FILL), ("sea", SEA)):
        for (x, y), where in zip(pixels[kind], points[kind], strict=True):
            got = image.getpixel((x, y))
            assert max(abs(g - w) for g, w in zip(got, rgb(colour), strict=True)) < 12, (kind, where, got)
