"""Frontex migratory routes mapped to transit and destination countries.

Frontex counts *detections of illegal border-crossing* by route, nationality and
month.  To place them on the journey model, each route is given one documented
path: the country where the crossing into the EU starts (its main departure
country, ``via``) and the EU country where it is detected (``destination``).
The origin is the detected person's nationality.

This is a simplification to read with care: the real departure country varies
by nationality and by year (for example, Tunisia overtook Libya on the Central
Mediterranean in 2023; Senegal, Mauritania and Western Sahara all feed the
Western African route), and detections are not persons.

Sources: Frontex "Migratory routes" pages (route definitions quoted in
``data/reference/FACTS.md`` section 3.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from gloact_lib.data.countries import UNKNOWN

__all__ = ["FrontexRoute", "FRONTEX_ROUTES", "frontex_route"]


@dataclass(frozen=True)
class FrontexRoute:
    """A Frontex route as a path of countries."""

    name: str
    code: str
    name_fr: str
    via: tuple[str, ...]
    destination: str
    basis: str


FRONTEX_ROUTES: dict[str, FrontexRoute] = {
    r.name: r
    for r in [
        FrontexRoute(
            "Western African Route", "WAR", "Route de l'Afrique de l'Ouest", ("MRT",), "ESP",
            "sea route from the West African coast to the Canary Islands (Spain); Mauritania "
            "(Nouadhibou) stands for the departure coast, which also includes Senegal, the Gambia "
            "and Western Sahara",
        ),
        FrontexRoute(
            "Western Mediterranean Route", "WMR", "Route de la Méditerranée occidentale", ("MAR",), "ESP",
            "crossings from North Africa, mainly Morocco (also Algeria), to mainland Spain, Ceuta and Melilla",
        ),
        FrontexRoute(
            "Central Mediterranean Route", "CMR", "Route de la Méditerranée centrale", ("LBY",), "ITA",
            "sea crossings from North Africa to Italy and Malta; Libya is the main departure "
            "country (Tunisia in some years)",
        ),
        FrontexRoute(
            "Eastern Mediterranean Route", "EMR", "Route de la Méditerranée orientale", ("TUR",), "GRC",
            "crossings from Türkiye to Greece, Cyprus and Bulgaria",
        ),
        FrontexRoute(
            "Western Balkan Route", "WBR", "Route des Balkans occidentaux", ("SRB",), "HUN",
            "land crossings through the Western Balkans into the EU (Hungary stands for the EU border)",
        ),
        FrontexRoute(
            "Circular Route from Albania to Greece", "ALG", "Route circulaire de l'Albanie vers la Grèce",
            (), "GRC", "land crossings from Albania to Greece",
        ),
        FrontexRoute(
            "Eastern Borders Route", "EBR", "Route des frontières orientales", ("BLR",), "POL",
            "land borders with Belarus, Ukraine, Moldova and Russia (Poland stands for the EU border)",
        ),
        FrontexRoute(
            "Black Sea Route", "BSR", "Route de la mer Noire", ("TUR",), "ROU",
            "sea crossings from Türkiye to Romania and Bulgaria",
        ),
        FrontexRoute(
            "Other", "OTH", "Autres", (), UNKNOWN,
            "detections Frontex does not assign to a route: no documented transit or destination country, so "
            "they count in every total and are listed beside the map (destination unknown), never drawn",
        ),
    ]
}  # fmt: skip


def frontex_route(name: str) -> FrontexRoute:
    """Look up a route by its Frontex name (case-insensitive).

    "Other" is a route whose destination is unknown (``XXX``).

    Raises
    ------
    ValueError
        For unknown names.
    """
    for route in FRONTEX_ROUTES.values():
        if route.name.lower() == name.strip().lower() or route.code == name.strip().upper():
            return route
    raise ValueError("unknown Frontex route (see gloact_lib/data/frontex_routes.py for the documented routes)")
