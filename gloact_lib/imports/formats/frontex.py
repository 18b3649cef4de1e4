"""Format ``frontex``: Frontex monthly detections of illegal border-crossings by route and nationality.

Each row becomes a smuggling journey counted in ``detections``, its via and destination
taken from the route (:mod:`gloact_lib.data.frontex_routes`).
"""

from __future__ import annotations

import pandas as pd

from gloact_lib.data.countries import CountryError
from gloact_lib.data.ends import resolve_end
from gloact_lib.data.frontex_routes import frontex_route
from gloact_lib.imports.formats.base import Context, Format, table_frame
from gloact_lib.imports.validate import Batch

__all__ = ["FORMAT"]



def _nationality(v: str) -> str:
    """A nationality: a country, or Frontex's OOO (unknown: ``XXX``), STL (stateless: ``XXA``), OOS
    (unidentified sub-Saharan: ``XSS``), kept in every total and listed or placed on its region."""
    try:
        return resolve_end(v)
    except CountryError as exc:
        raise ValueError(exc.reason) from None


def _frontex(b: Batch, ctx: Context) -> pd.DataFrame:
    routes = b.map_unique("route", frontex_route)
    origin = b.map_unique("nationality", _nationality, required=False).fillna(resolve_end(""))
    year = b.integer("year", minimum=1950)
    month = b.integer("month", minimum=1)
    b.reject((month > 12).fillna(False).to_numpy(), "month", "must be 1-12")
    ym = pd.Series(
        [
            f"{y:04d}-{m:02d}" if pd.notna(y) and pd.notna(m) and 1 <= m <= 12 else None
            for y, m in zip(year, month, strict=True)
        ],
        index=b.df.index,
    )
    start = pd.to_datetime(ym, format="%Y-%m", errors="coerce")
    end = start + pd.offsets.MonthEnd(0)
    kind = b.text("type").str.lower()
    via, dest = [], []
    for route, o in zip(routes, origin, strict=True):
        if route is None or o is None:
            via.append("")
            dest.append(None)
            continue
        via.append(";".join(c for c in route.via if c != o))
        dest.append(route.destination)
    code = routes.map(lambda r: r.code if r is not None else "")
    ids = "frontex:" + code + ":" + kind + ":" + origin.fillna("") + ":" + ym.fillna("")
    data = {
        "journey_id": ids,
        "crime": "smuggling",
        "persons": b.integer("detections", minimum=1),
        "unit": "detections",
        "period_start": start,
        "period_end": end,
        "origin": origin,
        "origin_country": origin,
        "via": via,
        "via_countries": via,
        "destination": dest,
        "destination_country": dest,
        "sex": "unknown",
        "age_group": "unknown",
        "exploitation": "unknown",
        "reporting_country": None,
        "route": routes.map(lambda r: r.name if r is not None else None),
        "source": b.text("source", default=f"Frontex, detections of illegal border-crossings ({ctx.file_name})"),
        "illustrative": False,
    }
    return table_frame("journeys", data, b.df.index)


FORMAT = Format(
    name="frontex",
    table="journeys",
    signature=frozenset({"route", "nationality", "year", "month", "detections"}),
    required=("route", "nationality", "year", "month", "detections"),
    transform=_frontex,
)
