"""One resolver for every country reference.

Files name countries by ISO 3166-1 alpha-2, alpha-3 or numeric code, or by
English or French name with many spellings ("Côte d'Ivoire", "Cote d'Ivoire",
"Ivory Coast", "Gambia, The", "Guinée Conakry").  :func:`resolve_country` turns
any of them into an ISO alpha-3 code, exactly or not at all: there is no fuzzy
matching, so "Niger" and "Nigeria" can never be confused, and a name that could
mean two countries ("Congo", "Korea") is rejected as ambiguous.

Names come from ``pycountry`` (ISO 3166) and its French gettext catalogue, plus a
small alias table of common variants that ISO does not list.  Western Sahara
(``ESH``) is a valid territory and is labelled neutrally; Kosovo uses the
user-assigned code ``XKX`` (Frontex and the EU use it).

Examples
--------
>>> resolve_country("Ivory Coast")
'CIV'
>>> resolve_country("Gambia, The")
'GMB'
>>> country_name("MAR", "fr")
'Maroc'
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

__all__ = ["NOT_PLACED", "SPECIAL_ENDS", "STATELESS", "SUBSAHARAN", "SUBSAHARAN_POINT", "UNKNOWN", "CountryError",
           "Country", "all_countries", "country_name", "name_key", "normalise_name", "resolve_country"]


class CountryError(ValueError):
    """A country reference that is unknown or ambiguous.

    Parameters
    ----------
    value : str
        The text that was received.
    reason : str
        Why it could not be resolved.
    """

    def __init__(self, value: str, reason: str):
        super().__init__(f"{reason}: {value!r}")
        self.value = value
        self.reason = reason


@dataclass(frozen=True)
class Country:
    """A country or territory with its codes and display names."""

    iso3: str
    iso2: str
    numeric: str
    name_en: str
    name_fr: str


# Territories outside ISO 3166-1 that the reference data uses.
_EXTRA = [Country("XKX", "XK", "", "Kosovo (UNSCR 1244)", "Kosovo (RCSNU 1244)")]

# Ends of a journey that are not a country.  ICAO Doc 9303 (machine-readable travel documents)
# reserves XXX for "person of unspecified nationality" and XXA for "stateless person"; ISO 3166-1
# leaves X-codes to users (Kosovo is XKX).  Frontex's OOS ("unidentified sub-Saharan nationals")
# is a region, not a country: XSS, placed on the map off the West African coast.
UNKNOWN, STATELESS, SUBSAHARAN = "XXX", "XXA", "XSS"
SPECIAL_ENDS = [
    Country(UNKNOWN, "", "", "Unknown", "Inconnu"),
    Country(STATELESS, "", "", "Stateless", "Apatride"),
    Country(SUBSAHARAN, "", "", "Sub-Saharan Africa (nationality not identified)",
            "Afrique subsaharienne (nationalité non identifiée)"),
]  # fmt: skip
#: Ends with no place on any map (their journeys are listed beside the map, never drawn).
NOT_PLACED = frozenset({UNKNOWN, STATELESS})
#: Where XSS is drawn (lon, lat): in the Gulf of Guinea, so that it is never read as a country.
SUBSAHARAN_POINT = (2.0, 1.5)

# Display names where ISO's inverted or official form reads badly on a map.
_DISPLAY_EN = {
    "BOL": "Bolivia",
    "COD": "DR Congo",
    "COG": "Congo",
    "FSM": "Micronesia",
    "GBR": "United Kingdom",
    "IRN": "Iran",
    "KOR": "Republic of Korea",
    "LAO": "Lao PDR",
    "MDA": "Republic of Moldova",
    "PRK": "DPR Korea",
    "PSE": "State of Palestine",
    "RUS": "Russian Federation",
    "SYR": "Syria",
    "TWN": "Taiwan",
    "TZA": "Tanzania",
    "VEN": "Venezuela",
    "VGB": "British Virgin Islands",
    "VIR": "US Virgin Islands",
}
_DISPLAY_FR = {
    "BOL": "Bolivie",
    "COD": "RD Congo",
    "COG": "Congo",
    "IRN": "Iran",
    "KOR": "République de Corée",
    "LAO": "RDP lao",
    "MDA": "République de Moldavie",
    "PRK": "RPD de Corée",
    "PSE": "État de Palestine",
    "RUS": "Fédération de Russie",
    "SYR": "Syrie",
    "TWN": "Taïwan",
    "TZA": "Tanzanie",
    "VEN": "Venezuela",
}

# Common variants that ISO names do not cover (normalised form -> alpha-3).
_ALIASES = {
    "ivory coast": "CIV",
    "cote d ivoire": "CIV",
    "guinea conakry": "GIN",
    "guinee conakry": "GIN",
    "republique de guinee": "GIN",
    "cape verde": "CPV",
    "cap vert": "CPV",
    "uk": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "royaume uni": "GBR",
    "usa": "USA",
    "us": "USA",
    "united states of america": "USA",
    "etats unis": "USA",
    "etats unis d amerique": "USA",
    "russia": "RUS",
    "russie": "RUS",
    "syria": "SYR",
    "syrie": "SYR",
    "iran": "IRN",
    "laos": "LAO",
    "lao pdr": "LAO",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "bolivia": "BOL",
    "bolivie": "BOL",
    "tanzania": "TZA",
    "tanzanie": "TZA",
    "venezuela": "VEN",
    "moldova": "MDA",
    "moldavie": "MDA",
    "south korea": "KOR",
    "coree du sud": "KOR",
    "north korea": "PRK",
    "coree du nord": "PRK",
    "dr congo": "COD",
    "drc": "COD",
    "rd congo": "COD",
    "rdc": "COD",
    "congo kinshasa": "COD",
    "democratic republic of congo": "COD",
    "congo brazzaville": "COG",
    "turkey": "TUR",
    "turquie": "TUR",
    "czech republic": "CZE",
    "republique tcheque": "CZE",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "macedoine du nord": "MKD",
    "palestine": "PSE",
    "occupied palestinian territory": "PSE",
    "kosovo": "XKX",
    "burma": "MMR",
    "kyrgyz republic": "KGZ",
    "holland": "NLD",
    "the gambia": "GMB",
    "sahara occidental": "ESH",
    "western sahara": "ESH",
}

# Names people use for more than one country: never guess.
_AMBIGUOUS = {
    "congo": ("COG", "COD"),
    "korea": ("KOR", "PRK"),
    "coree": ("KOR", "PRK"),
}


def normalise_name(text: str) -> str:
    """Return the matching key for a country name.

    Accents, case, punctuation and a leading or trailing "the" are dropped;
    "X, Y" forms are not reordered here (see :func:`_name_keys`).

    Parameters
    ----------
    text : str
        A country name as written in a file.

    Returns
    -------
    str
        Lower-case ASCII words separated by single spaces.

    Examples
    --------
    >>> normalise_name("  Côte d’Ivoire ")
    'cote d ivoire'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[^0-9a-z]+", " ", ascii_text.casefold()).split()
    if words[:1] == ["the"]:
        words = words[1:]
    if words[-1:] == ["the"]:
        words = words[:-1]
    return " ".join(words)


def _name_keys(name: str) -> set[str]:
    """All keys for one name: as written, and "X, Y" turned into "Y X"."""
    keys = {normalise_name(name)}
    if ", " in name:
        head, _, tail = name.partition(", ")
        keys.add(normalise_name(f"{tail} {head}"))
        keys.add(normalise_name(head))
    return {k for k in keys if k}


def _display(name: str) -> str:
    """Turn ISO's inverted "Iran, Islamic Republic of" into reading order."""
    if ", " in name:
        head, _, tail = name.partition(", ")
        return f"{tail} {head}"
    return name


@lru_cache(maxsize=1)
def _french() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


@lru_cache(maxsize=1)
def all_countries() -> tuple[Country, ...]:
    """Every ISO 3166-1 country plus the extra territories, sorted by alpha-3.

    Returns
    -------
    tuple of Country
    """
    fr = _french()
    out = []
    for c in pycountry.countries:
        en = _DISPLAY_EN.get(c.alpha_3) or getattr(c, "common_name", None) or _display(c.name)
        fr_name = _DISPLAY_FR.get(c.alpha_3) or _display(fr.gettext(c.name))
        out.append(Country(c.alpha_3, c.alpha_2, c.numeric, en, fr_name))
    out.extend(_EXTRA)
    return tuple(sorted(out, key=lambda c: c.iso3))


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Build the key -> alpha-3 table; keys claimed by two countries are ambiguous."""
    fr = _french()
    claims: dict[str, set[str]] = {}

    def claim(key: str, iso3: str) -> None:
        claims.setdefault(key, set()).add(iso3)

    for c in pycountry.countries:
        names = {c.name, fr.gettext(c.name)}
        for attr in ("official_name", "common_name"):
            if getattr(c, attr, None):
                names.add(getattr(c, attr))
                names.add(fr.gettext(getattr(c, attr)))
        for name in names:
            for key in _name_keys(name):
                claim(key, c.alpha_3)
    for extra in _EXTRA:
        for name in (extra.name_en, extra.name_fr):
            claim(normalise_name(name), extra.iso3)
    for country in all_countries():
        for name in (country.name_en, country.name_fr):
            claim(normalise_name(name), country.iso3)

    exact: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for key, codes in claims.items():
        if len(codes) == 1:
            exact[key] = next(iter(codes))
        else:
            ambiguous[key] = tuple(sorted(codes))
    exact.update(_ALIASES)
    for key in _ALIASES:
        ambiguous.pop(key, None)
    for key, codes in _AMBIGUOUS.items():
        exact.pop(key, None)
        ambiguous[key] = codes
    return exact, ambiguous


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    table: dict[str, str] = {}
    for c in all_countries():
        table[c.iso3] = c.iso3
        table[c.iso2] = c.iso3
        if c.numeric:
            table[c.numeric] = c.iso3
    return table


@lru_cache(maxsize=4096)
def resolve_country(value: str) -> str:
    """Resolve a country reference to its ISO 3166-1 alpha-3 code.

    Parameters
    ----------
    value : str
        ISO alpha-2 (``"NE"``), alpha-3 (``"NER"``), numeric (``"562"``), or an
        English or French name or common variant (``"Niger"``, ``"Maroc"``,
        ``"Ivory Coast"``, ``"Gambia, The"``).

    Returns
    -------
    str
        The alpha-3 code, e.g. ``"NER"``.

    Raises
    ------
    CountryError
        If the value is empty, unknown, or names more than one country.

    Examples
    --------
    >>> resolve_country("562"), resolve_country("Nigéria")
    ('NER', 'NGA')
    """
    text = (value or "").strip()
    if not text:
        raise CountryError(value, "empty country reference")
    codes = _codes()
    upper = text.upper()
    if upper in codes and (len(upper) in (2, 3)) and upper.isalpha():
        return codes[upper]
    if text.isdigit() and len(text) <= 3:
        padded = text.zfill(3)
        if padded in codes:
            return codes[padded]
        raise CountryError(value, "unknown ISO numeric country code")
    key = normalise_name(text)
    exact, ambiguous = _index()
    if key in exact:
        return exact[key]
    if key in ambiguous:
        options = " or ".join(ambiguous[key])
        raise CountryError(value, f"ambiguous country name (could be {options})")
    raise CountryError(value, "unknown country: expected ISO alpha-2/alpha-3/numeric code or an English or French name")


@lru_cache(maxsize=1)
def _by_iso3() -> dict[str, Country]:
    return {c.iso3: c for c in (*all_countries(), *SPECIAL_ENDS)}


def country_name(iso3: str, lang: str = "en") -> str:
    """Display name of a country in English or French.

    Parameters
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code.
    lang : {"en", "fr"}, default "en"

    Returns
    -------
    str
        The name, or the code itself when it is not a known country.

    Examples
    --------
    >>> country_name("ESH", "fr")
    'Sahara occidental'
    """
    country = _by_iso3().get(iso3)
    if country is None:
        return iso3
    return country.name_fr if lang == "fr" else country.name_en


def name_key(name: str) -> tuple[str, str]:
    """Sort key for names in alphabetical order, accents and case aside (French collation, no system locale).

    Examples
    --------
    >>> sorted(["Zimbabwe", "Égypte", "Espagne", "Djibouti", "Érythrée"], key=name_key)
    ['Djibouti', 'Égypte', 'Érythrée', 'Espagne', 'Zimbabwe']
    """
    folded = name.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    plain = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return plain.casefold(), name
