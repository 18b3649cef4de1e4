"""The UN M49 geographic sub-regions of countries, for maps that group countries when zoomed out.

Read from ``data/reference/un_subregions.csv`` (see the README beside it for its source and caveats).  M49 is a
statistical grouping, not a political one.

Examples
--------
>>> subregion("NER")
'Western Africa'
>>> subregion_name("Western Africa", "fr")
'Afrique occidentale'
>>> subregion("XXX") is None
True
"""

from __future__ import annotations

import csv
from functools import lru_cache

from gloact_lib import config

__all__ = ["REGIONS_FILE", "subregion", "subregion_name", "subregions"]

#: The reference file: ``iso3, subregion, subregion_fr, source``.
REGIONS_FILE = config.REFERENCE_DIR / "un_subregions.csv"


@lru_cache(maxsize=1)
def subregions() -> dict[str, tuple[str, str]]:
    """Each ISO3 code's M49 sub-region, as ``(English name, French name)``.

    Returns
    -------
    dict
    """
    with open(REGIONS_FILE, encoding="utf-8", newline="") as f:
        return {r["iso3"]: (r["subregion"], r["subregion_fr"]) for r in csv.DictReader(f)}


def subregion(iso3: str) -> str | None:
    """The English name of a country's M49 sub-region (the region's key), or None for a code with none.

    Parameters
    ----------
    iso3 : str

    Returns
    -------
    str or None
    """
    found = subregions().get(iso3)
    return found[0] if found else None


def subregion_name(region: str, lang: str = "en") -> str:
    """A sub-region's name in ``lang`` (its English name is its key).

    Parameters
    ----------
    region : str
        English name, as :func:`subregion` returns it.
    lang : {"en", "fr"}, default "en"

    Returns
    -------
    str
    """
    if lang != "fr":
        return region
    french = {en: fr for en, fr in subregions().values()}
    return french.get(region, region)
