"""The French forms of the places' names (the transit hubs of ``data/reference/hubs.csv``).

``hubs.csv`` names each place once, as its sources write it in English ("Tangier", "Laayoune (El Aaiún)");
a place with a French form of its own is shown with it in French ("Tanger", "Laâyoune (El Aaiún)"), and a file
that names it so is read as the same place (:class:`gloact_lib.imports.places.Places`).  A place whose name
is the same in both languages (Agadez, Séguédine, Tripoli) is not listed.
"""

from __future__ import annotations

__all__ = ["FRENCH_NAMES", "place_name"]

#: place id -> the French name (with the same alternative in brackets as the English one).
FRENCH_NAMES = {
    "tangier": "Tanger",
    "laayoune": "Laâyoune (El Aaiún)",
}


def place_name(place_id: str, name: str, lang: str = "en") -> str:
    """A place's name in ``lang``: its French form where it has one, else its name as the data writes it.

    Examples
    --------
    >>> place_name("tangier", "Tangier", "fr"), place_name("tangier", "Tangier"), place_name("agadez", "Agadez", "fr")
    ('Tanger', 'Tangier', 'Agadez')
    """
    return FRENCH_NAMES.get(place_id, name) if lang == "fr" else name
