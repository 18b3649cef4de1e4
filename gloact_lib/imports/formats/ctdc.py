"""Format ``ctdc``: Counter Trafficking Data Collaborative victim rows, one row per victim.

``citizenship`` -> ``CountryOfExploitation`` in ``yearOfRegistration``, with ``gender``,
``ageBroad`` and the exploitation flags.  As downloaded, many rows have no country of
exploitation (a country of origin's report), some no citizenship or no year: they are stored
with the end unknown (``XXX``) or no period, never rejected; a citizenship equal to the country
of exploitation is domestic trafficking.  Rows have no id (identical rows are separate victims):
each stored row is ``ctdc:<import>:<row>``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gloact_lib.imports.formats.base import SEX, Context, Format, table_frame
from gloact_lib.imports.validate import Batch

__all__ = ["FORMAT"]


def _flag(b: Batch, column: str) -> np.ndarray:
    values = b.raw(column).str.lower()
    return values.isin(["1", "1.0", "true", "yes"]).to_numpy()


def _ctdc_age(text: str) -> str:
    digits = "".join(ch if ch.isdigit() else " " for ch in text).split()
    if not digits:
        raise ValueError("unrecognised age band (expected e.g. 9--17 or 48+)")
    return "child" if int(digits[0]) < 18 else "adult"


def _ctdc(b: Batch, ctx: Context) -> pd.DataFrame:
    start, end = b.period("yearofregistration", required=False)
    sexual, labour = _flag(b, "issexualexploit"), _flag(b, "isforcedlabour")
    other, domestic = _flag(b, "isotherexploit"), _flag(b, "typeoflabourdomesticwork")
    exploitation = np.select(
        [sexual & ~labour & ~other, labour & domestic & ~sexual, labour & ~sexual, other & ~sexual & ~labour,
         sexual | labour | other],
        ["sexual", "domestic_work", "forced_labour", "other", "other"],
        default="unknown",
    )  # fmt: skip
    age = b.map_unique("agebroad", _ctdc_age, required=False).fillna("unknown")
    origin = b.end("citizenship")
    dest = b.end("countryofexploitation")
    data = {
        "journey_id": "ctdc:" + pd.Series(b.rows, index=b.df.index).astype(str),  # the pipeline adds the import
        "crime": "trafficking",
        "persons": 1,
        "unit": "persons",
        "period_start": start,
        "period_end": end,
        "origin": origin,
        "origin_country": origin,
        "via": "",
        "via_countries": "",
        "destination": dest,
        "destination_country": dest,
        "sex": b.choice("gender", SEX, default="unknown"),
        "age_group": age,
        "exploitation": exploitation,
        "reporting_country": None,
        "source": "Counter Trafficking Data Collaborative (CTDC)",
        "illustrative": False,
    }
    return table_frame("journeys", data, b.df.index)


FORMAT = Format(
    name="ctdc",
    table="journeys",
    signature=frozenset({"citizenship", "countryofexploitation"}),
    required=("citizenship", "countryofexploitation", "yearofregistration"),
    transform=_ctdc,
    synthetic_ids=True,
    content_ids=False,
)
