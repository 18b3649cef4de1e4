"""The page's address: its query-string parameters and a country given in a link by code or name."""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from gloact_lib.i18n import LANGUAGES

__all__ = ["url_country", "url_parameters"]


def url_parameters() -> dict[str, str]:
    """Query-string parameters of the page (``?country=NER&lang=fr``), or {} outside Voilà.

    With a preheated kernel the notebook runs before any request: Voilà's
    ``get_query_string`` waits for the visitor's request first.
    """
    query = ""
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import get_query_string

        query = get_query_string() or ""
    else:
        query = os.environ.get("QUERY_STRING", "")
    return {k: v[-1] for k, v in parse_qs(query).items()}


def url_country(value: str) -> str:
    """A country given in a link, as its ISO alpha-3 code: a code or a name in English or French
    (``?country=Nigeria``); what is no country is returned upper-cased (and then ignored by the dashboard).

    Examples
    --------
    >>> url_country("nigeria"), url_country("Maroc"), url_country("ner"), url_country("nowhere")
    ('NGA', 'MAR', 'NER', 'NOWHERE')
    """
    from gloact_lib.data.countries import CountryError, resolve_country

    try:
        return resolve_country(value)
    except (CountryError, ValueError):
        return value.strip().upper()


def _url_lang(params: dict[str, str]) -> str:
    return params["lang"] if params.get("lang") in LANGUAGES else "en"
