"""Format ``incidents``: IOM Missing Migrants Project incidents (dead and missing, coordinates)."""

from __future__ import annotations

import pandas as pd

from gloact_lib.imports.formats.base import Context, Format, table_frame
from gloact_lib.imports.validate import Batch

__all__ = ["FORMAT"]


def _incidents(b: Batch, ctx: Context) -> pd.DataFrame:
    data = {
        "incident_id": "incidents:" + pd.Series(b.rows, index=b.df.index).astype(str),  # the pipeline adds the import
        "date": pd.to_datetime(b.date("date")),
        "type": b.text("type"),
        "route": b.text("route"),
        "incident_iso3": b.text("incident_iso3"),
        "dead_and_missing": b.integer("dead_and_missing", minimum=0),
        "survivors": b.integer("survivors", minimum=0, required=False),
        "cause": b.text("cause"),
        "nationality_iso3": b.text("nationality_iso3"),
        "location": b.text("location"),
        "lon": b.number("lon", -180, 180),
        "lat": b.number("lat", -90, 90),
        "source": f"IOM Missing Migrants Project ({ctx.file_name})",
    }
    return table_frame("incidents", data, b.df.index)


FORMAT = Format(
    name="incidents",
    table="incidents",
    signature=frozenset({"date", "dead_and_missing", "lon", "lat"}),
    required=("date", "dead_and_missing", "lon", "lat"),
    transform=_incidents,
    synthetic_ids=True,
    content_ids=False,
)
