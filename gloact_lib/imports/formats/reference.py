"""Formats of the reference tables shipped in ``data/reference/``.

``places``
    Hubs and places of the routes, with coordinates and their sources.
``treaties``
    UNTOC and its protocols: signature and ratification per country.
``meetings``, ``participants``, ``recommendations``, ``indicators``, ``groups``
    Validated by the column types the schema declares (:func:`generic_format`).
"""

from __future__ import annotations

import pandas as pd

from gloact_lib.data.countries import CountryError, normalise_name, resolve_country
from gloact_lib.data.schema import TABLES, Table
from gloact_lib.imports.formats.base import Context, Format, Transform, table_frame
from gloact_lib.imports.validate import Batch

__all__ = ["GROUPS", "INDICATORS", "MEETINGS", "PARTICIPANTS", "PLACES", "RECOMMENDATIONS", "TREATIES",
           "generic_format"]  # fmt: skip


def _slug(name: str) -> str:
    """A place's id: its normalised name before any bracket, spaces as hyphens (``Agadez (town)`` -> ``agadez``)."""
    return normalise_name(name.split("(")[0]).replace(" ", "-")


def _places(b: Batch, ctx: Context) -> pd.DataFrame:
    name = b.text("name", required=True)
    coord = b.text("coord_source")
    url = b.text("coord_source_url_or_path")
    data = {
        "place_id": name.map(_slug),
        "name": name,
        "country_iso3": b.country("iso3"),
        "lat": b.number("lat", -90, 90),
        "lon": b.number("lon", -180, 180),
        "role": b.text("role_in_routes"),
        "role_source": b.text("role_source"),
        "coord_source": (coord + " " + url).str.strip(),
        "confidence": b.text("confidence"),
        "notes": b.text("notes"),
        "source": b.text("source", default=f"{ctx.file_name} (data/reference)"),
    }
    return table_frame("places", data, b.df.index)


INSTRUMENTS = {"untoc": "UNTOC", "tip_protocol": "TIP_Protocol", "som_protocol": "SOM_Protocol"}


def _treaties(b: Batch, ctx: Context) -> pd.DataFrame:
    status = b.text("status", required=True)
    confidence = b.text("confidence")
    unverified = status.str.contains("UNVERIFIED", case=False) | confidence.str.contains("UNVERIFIED", case=False)
    data = {
        "iso3": b.country("iso3"),
        "instrument": b.choice("instrument", INSTRUMENTS),
        "mtdsg_no": b.text("untc_mtdsg_no"),
        "signature_date": pd.to_datetime(b.date("signature_date", required=False)),
        "action_date": pd.to_datetime(b.date("ratification_or_accession_date", required=False)),
        "action_type": b.text("action_type"),
        "status": status,
        "verified": ~unverified,
        "confidence": confidence,
        "notes": b.text("notes"),
        "source": b.text("source", required=True),
    }
    return table_frame("treaties", data, b.df.index)


def _country_list(text: str) -> str:
    codes = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        try:
            codes.append(resolve_country(part))
        except CountryError as exc:
            raise ValueError(f"{exc.reason}: {part!r}") from None
    return ";".join(codes)


def _generic(table: Table) -> Transform:
    """Validate a reference table by its declared column types."""

    def transform(b: Batch, ctx: Context) -> pd.DataFrame:
        data = {}
        for col in table.columns:
            name, req = col.name, col.required
            if name == "import_id":
                continue
            if name in ("iso3", "country_iso3"):
                data[name] = b.country(name, required=req)
            elif name == "countries":
                data[name] = b.map_unique(name, _country_list, req)
            elif col.type == "DATE":
                data[name] = pd.to_datetime(b.date(name, req))
            elif col.type == "BIGINT":
                data[name] = b.integer(name, required=req)
            elif col.type == "DOUBLE":
                data[name] = b.number(name, required=req)
            elif col.type == "BOOLEAN":
                data[name] = b.boolean(name)
            else:
                data[name] = b.text(name, required=req)
        return table_frame(table.name, data, b.df.index)

    return transform


def generic_format(name: str, signature: set[str]) -> Format:
    """A format named after its table, validated by the table's declared columns.

    Parameters
    ----------
    name : str
        The table (:data:`gloact_lib.data.schema.TABLES`) and the format's name.
    signature : set of str
        Header names that identify the format.

    Returns
    -------
    Format
        Its required columns are the table's required columns.
    """
    table = TABLES[name]
    required = tuple(c.name for c in table.columns if c.required and c.name != "import_id")
    return Format(name, name, frozenset(signature), required, _generic(table))


PLACES = Format(
    name="places",
    table="places",
    signature=frozenset({"name", "iso3", "lat", "lon", "role_in_routes"}),
    required=("name", "iso3", "lat", "lon"),
    transform=_places,
)
TREATIES = Format(
    name="treaties",
    table="treaties",
    signature=frozenset({"iso3", "instrument", "ratification_or_accession_date"}),
    required=("iso3", "instrument", "status", "source"),
    transform=_treaties,
)
MEETINGS = generic_format("meetings", {"meeting_id", "title_en"})
PARTICIPANTS = generic_format("participants", {"meeting_id", "participant_kind"})
RECOMMENDATIONS = generic_format("recommendations", {"rec_id", "text_en"})
INDICATORS = generic_format("indicators", {"indicator_id", "indicator", "value"})
GROUPS = generic_format("groups", {"group_id", "iso3"})
