"""Places (transit hubs) by id and name, and the resolver of a location: a country or a place."""

from __future__ import annotations

import re

from gloact_lib.data.countries import CountryError, normalise_name, resolve_country
from gloact_lib.data.ends import resolve_end
from gloact_lib.data.place_names import place_name

__all__ = ["Places", "resolve_location"]


class Places:
    """Known places (transit hubs) by id and by name, with their countries.

    Parameters
    ----------
    rows : iterable of (place_id, name, country_iso3)
    """

    def __init__(self, rows):
        self.country: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        for place_id, name, iso3 in rows:
            self.country[place_id] = iso3
            self._keys[place_id.lower()] = place_id
            for key in _place_keys(name) | _place_keys(place_name(place_id, name, "fr")):  # "Tanger" is tangier
                self._keys.setdefault(key, place_id)

    def find(self, text: str) -> str | None:
        """The place id for an id or name, or None."""
        t = text.strip()
        return self._keys.get(t.lower()) or self._keys.get(normalise_name(t))


def _place_keys(name: str) -> set[str]:
    """Keys for "Sebha (Sabha)": "sebha sabha", "sebha", "sabha"."""
    keys = {normalise_name(name)}
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
    if m:
        keys |= {normalise_name(m.group(1)), normalise_name(m.group(2))}
    return {k for k in keys if k}


def resolve_location(text: str, places: Places, end: bool = False) -> tuple[str, str]:
    """Resolve a country reference or a place to ``(id, country)``.

    Countries are tried first (so "Niger" is the country), then places.

    Parameters
    ----------
    text : str
    places : Places
    end : bool, default False
        The origin or destination of a journey: "unknown", ``N/A``, ``OOO``, stateless...
        are accepted (:func:`gloact_lib.data.countries.resolve_end`).

    Raises
    ------
    ValueError
        When it is neither; the reason of the country resolver is kept.
    """
    try:
        iso3 = resolve_end(text) if end else resolve_country(text)
        return iso3, iso3
    except CountryError as exc:
        place = places.find(text)
        if place is not None:
            return place, places.country[place]
        if "ambiguous" in exc.reason:
            raise ValueError(exc.reason) from None
        raise ValueError("unknown place or country") from None
