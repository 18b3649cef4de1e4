"""Format ``htcds``: IOM Human Trafficking Case Data Standard "historic trafficking events".

Each row is an event of a case (``hte_Type`` Recruitment/Transit/Exploitation, ``hte_City``,
``hte_Country``, ``hte_Date``); the :func:`htcds_journeys` hook groups a case's events into one
journey (origin, via, destination) once the whole file is read.  Personal fields (names,
birth date) are never stored: the birth date only decides child or adult at the first event.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gloact_lib.data.countries import UNKNOWN
from gloact_lib.imports.formats.base import SEX, Context, Format
from gloact_lib.imports.validate import Batch

__all__ = ["FORMAT", "htcds_journeys"]

#: Other spellings of ``case_id`` in HTCDS exports.
CASE_ID_ALIASES = {"cas_caseid": "case_id", "cas_id": "case_id", "cas_casenumber": "case_id",
                   "casenumber": "case_id", "caseid": "case_id"}  # fmt: skip
HTCDS_TYPES = {"recruitment": "recruitment", "transit": "transit", "exploitation": "exploitation"}


def _htcds_events(b: Batch, ctx: Context) -> pd.DataFrame:
    """Validate HTCDS event rows; journeys are formed from all events at the end."""
    country = b.end("hte_country")  # unknown or empty: XXX (the event is kept, its place is unknown)
    city = b.raw("hte_city")
    location = []
    for c, iso3 in zip(city, country, strict=True):
        place = ctx.places.find(c) if c and iso3 is not None else None
        if place is not None and ctx.places.country[place] == iso3:
            location.append(place)
        else:
            location.append(iso3)
    start, end = b.period("hte_date", required=False)
    birth = b.date("prs_birthdate", required=False) if b.has("prs_birthdate") else None
    labour = b.raw("vic_typeoflabourexploitation").str.lower()
    sex_type = b.raw("vic_typeofsexexploitation")
    exploitation = np.select(
        [sex_type != "", labour.str.contains("domestic"), labour.str.contains("begging"), labour != ""],
        ["sexual", "domestic_work", "begging", "forced_labour"],
        default="unknown",
    )
    return pd.DataFrame(
        {
            "case_id": b.text("case_id", required=True),
            "type": b.choice("hte_type", HTCDS_TYPES),
            "location": location,
            "country": country,
            "start": start,
            "end": end,
            "birth": pd.to_datetime(birth) if birth is not None else pd.NaT,
            "sex": b.choice("prs_gender", SEX, default="unknown"),
            "exploitation": exploitation,
        },
        index=b.df.index,
    )


def htcds_journeys(events: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group HTCDS events (with their ``_row`` and ``_bad`` flag) into journeys: the format's ``group`` hook.

    A case becomes one journey only when every one of its events is valid; the
    valid events of a case with a rejected event are reported too, so a case is
    never stored with a missing step.

    Parameters
    ----------
    events : DataFrame
        The ``transform`` output of every batch, with ``_row`` and ``_bad``.
    ctx : Context

    Returns
    -------
    journeys : DataFrame
        Journey rows with ``_row`` (first event row) and ``_members`` (all rows).
    errors : DataFrame
        Rows of cases that cannot form a journey (row, column, value, reason).
    """
    rank = {"recruitment": 0, "transit": 1, "exploitation": 2}
    journeys, errors = [], []
    events = events[events["case_id"] != ""]  # rows without a case id are already rejected
    for case_id, ev in events.groupby("case_id", sort=False):
        bad = ev[ev["_bad"]]
        if not bad.empty:
            rows = ", ".join(str(r) for r in bad["_row"])
            reason = f"case {case_id}: another event of this case was rejected (row {rows})"
            errors += [(r, "case_id", case_id, reason) for r in ev.loc[~ev["_bad"], "_row"]]
            continue
        ev = ev.assign(_rank=ev["type"].map(rank)).sort_values(["start", "_rank", "_row"], na_position="last")
        rec, exp = ev[ev["type"] == "recruitment"], ev[ev["type"] == "exploitation"]
        # A case without a Recruitment (or Exploitation) event has an unknown origin (or destination):
        # it is stored and listed beside the map, never dropped.  Without any date it counts only in
        # selections of the whole period.
        first = rec.iloc[0] if not rec.empty else None
        last = exp.iloc[-1] if not exp.empty else None
        ends = {r["_row"] for r in (first, last) if r is not None}
        middle = ev[~ev["_row"].isin(ends)]
        end_places = {r["location"] for r in (first, last) if r is not None}
        via = [loc for loc in middle["location"] if loc not in end_places and loc != UNKNOWN]
        via = [v for i, v in enumerate(via) if i == 0 or v != via[i - 1]]
        places = ctx.places
        via_countries = [places.country.get(v, v) for v in via]
        origin = (first["location"], first["country"]) if first is not None else (UNKNOWN, UNKNOWN)
        destination = (last["location"], last["country"]) if last is not None else (UNKNOWN, UNKNOWN)
        birth = ev["birth"].dropna()
        age = "unknown"
        if not birth.empty and pd.notna(ev["start"].min()):
            years = (ev["start"].min() - birth.iloc[0]).days / 365.25
            age = "child" if years < 18 else "adult"
        journeys.append(
            {
                "journey_id": f"htcds:{ctx.sha256[:12]}:{case_id}",
                "crime": "trafficking",
                "persons": 1,
                "unit": "persons",
                "period_start": ev["start"].min(),
                "period_end": ev["end"].max(),
                "origin": origin[0],
                "origin_country": origin[1],
                "via": ";".join(via),
                "via_countries": ";".join(via_countries),
                "destination": destination[0],
                "destination_country": destination[1],
                "sex": ev["sex"].iloc[0],
                "age_group": age,
                "exploitation": exp["exploitation"].iloc[-1] if not exp.empty else "unknown",
                "reporting_country": None,
                "route": None,
                "source": f"HTCDS case data ({ctx.file_name})",
                "illustrative": False,
                "_row": int(ev["_row"].min()),
                "_members": [int(r) for r in ev["_row"]],
            }
        )
    err = pd.DataFrame(errors, columns=["row", "column", "value", "reason"])
    return pd.DataFrame(journeys), err


FORMAT = Format(
    name="htcds",
    table="journeys",
    signature=frozenset({"hte_type", "hte_country"}),
    required=("case_id", "hte_type", "hte_country"),
    transform=_htcds_events,
    aliases=CASE_ID_ALIASES,
    group=htcds_journeys,
    content_ids=False,
)
