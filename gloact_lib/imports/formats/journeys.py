"""Format ``journeys``: the workbook's own journey format (DESIGN.md), one row per journey.

Places (``origin``, ``destination``, ``;``-separated ``via``) are place names of the
``places`` table or countries; the period is ``period_start`` (and optionally ``period_end``).
"""

from __future__ import annotations

import pandas as pd

from gloact_lib.imports.formats.base import (
    AGE,
    CRIME,
    EXPLOITATION,
    SEX,
    SYNTHETIC_ID,
    UNIT,
    Context,
    Format,
    locations,
    table_frame,
)
from gloact_lib.imports.places import resolve_location
from gloact_lib.imports.validate import Batch

__all__ = ["FORMAT"]


def _via_parser(ctx: Context):
    def parse(text: str) -> tuple[str, str]:
        ids, countries = [], []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            try:
                pid, iso3 = resolve_location(part, ctx.places)
            except ValueError as exc:
                raise ValueError(f"{exc} {part!r} in via") from None
            ids.append(pid)
            countries.append(iso3)
        return ";".join(ids), ";".join(countries)

    return parse


def _check_order(b: Batch, start: pd.Series, end: pd.Series, column: str) -> None:
    before = (end < start).fillna(False).to_numpy()
    b.reject(before, column, "period_end is before period_start")


def _journeys(b: Batch, ctx: Context) -> pd.DataFrame:
    start, end = b.period("period_start")
    if b.has("period_end"):
        _, e_end = b.period("period_end", required=False)
        end = e_end.where(e_end.notna(), end)
        _check_order(b, start, end, "period_end")
    origin, origin_country = locations(b, "origin", ctx, end=True)
    dest, dest_country = locations(b, "destination", ctx, end=True)
    via, via_countries = b.map_unique("via", _via_parser(ctx), required=False, parts=2)
    ids = b.text("journey_id", required=True)
    b.reject(ids.str.match(SYNTHETIC_ID).to_numpy(), "journey_id",
             "reserved form of id (<format>:<import>:<row> is given by the workbook to rows without ids)")
    data = {
        "journey_id": ids,
        "crime": b.choice("crime", CRIME),
        "persons": b.integer("persons", minimum=1),
        "unit": b.choice("unit", UNIT, default="persons"),
        "period_start": start,
        "period_end": end,
        "origin": origin,
        "origin_country": origin_country,
        "via": via.fillna(""),
        "via_countries": via_countries.fillna(""),
        "destination": dest,
        "destination_country": dest_country,
        "sex": b.choice("sex", SEX, default="unknown"),
        "age_group": b.choice("age_group", AGE, default="unknown"),
        "exploitation": b.choice("exploitation", EXPLOITATION, default="unknown"),
        "reporting_country": b.country("reporting_country", required=False),
        "route": b.text("route"),
        "source": b.text("source", default=f"file {ctx.file_name}"),
        "illustrative": b.boolean("illustrative"),
    }
    return table_frame("journeys", data, b.df.index)


FORMAT = Format(
    name="journeys",
    table="journeys",
    signature=frozenset({"journey_id", "origin", "destination"}),
    required=("journey_id", "crime", "persons", "period_start", "origin", "destination"),
    transform=_journeys,
)
