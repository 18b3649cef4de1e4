"""The self-contained HTML maps of ``gloact build-maps``: overview, one per Frontex route, one per member country."""

from __future__ import annotations

from pathlib import Path

from gloact_lib import config
from gloact_lib.analysis.counts import incidents
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.analysis.profiles import member_countries
from gloact_lib.data.countries import country_name
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.views.route_map import _bounds, route_map

__all__ = ["build_maps"]


def build_maps(con, out=None, lang: str = "en") -> list:
    """Write the self-contained HTML maps: overview, one per Frontex route, one per member country.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    out : str or Path, optional
        Output folder (default ``maps/``); files go to ``out/<lang>/``.
    lang : {"en", "fr"}

    Returns
    -------
    list of Path
        The files written.
    """

    folder = Path(out or config.MAPS_DIR) / lang
    jobs = [
        ("overview.html", Selection(), "place", True, None),
        ("overview-frontex.html", Selection(unit="detections"), "country", False, None),
    ]
    for route in FRONTEX_ROUTES.values():
        title = route.name_fr if lang == "fr" else route.name
        jobs.append((f"routes/{route.code}.html", Selection(unit="detections", route=route.name), "country", False,
                     title))  # fmt: skip
    for iso3 in member_countries(con):
        name = country_name(iso3, lang)
        jobs.append((f"countries/{iso3}.html", Selection(country=iso3), "place", True, name))
        jobs.append((f"countries/{iso3}-frontex.html", Selection(unit="detections", country=iso3), "country",
                     False, f"{name} · Frontex"))  # fmt: skip
    written = []
    for name, selection, level, with_incidents, title in jobs:
        flows = Flows.from_db(con, selection, level=level)
        extra = incidents(con, selection, _bounds(flows)) if with_incidents else None
        m = route_map(flows, lang=lang, incidents=extra, show_incidents=False, title=title)
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        m.save(str(path))
        written.append(path)
    return written
