"""The words and numbers beside a route map: key figures, the total in its parts, what is not drawn.

Shared by the map (:mod:`gloact_lib.views.route_map`), the dashboards and the briefing packs, so
that every view says the same thing the same way.  Text only; the callers escape it.
"""

from __future__ import annotations

import html
import json

from gloact_lib.analysis.flows import Flows
from gloact_lib.data.countries import STATELESS, UNKNOWN, country_name
from gloact_lib.i18n import t

__all__ = ["OFF_MAP_LINES", "account_lines", "colon", "end_name", "fmt_number", "key_figures", "leaflet_words",
           "off_map_box", "off_map_lines", "pair_names"]  # fmt: skip

#: Listed entries shown in the map's side panel (the rest are summed in one line).
OFF_MAP_LINES = 6


def fmt_number(value, lang: str = "en") -> str:
    """12,673 in English, 12 673 in French."""
    text = f"{int(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def key_figures(flows: Flows, lang: str = "en") -> list[tuple[str, str]]:
    """The headline figures of a selection as (value, label) pairs, ready to show.

    Total (or "fewer than 5 (hidden)"), origin-destination routes, and the top origin,
    transit and destination countries with their published counts.
    """
    total = flows.summary["persons"]
    shown = fmt_number(total, lang) if total is not None else t("hidden", lang, n=flows.selection.threshold)
    cards = [
        (shown, t("kpi_total", lang, unit=t(flows.selection.unit, lang))),
        (fmt_number(flows.summary["routes"], lang), t("kpi_routes", lang)),
    ]
    roles = flows.roles.dropna(subset=["persons"])
    home = flows.accounting.get("domestic")
    if home:
        cards.append((fmt_number(home, lang), t("kpi_domestic", lang)))
    for role in ("origin", "transit", "destination"):
        top = roles[roles["role"] == role].sort_values("persons", ascending=False).head(1)
        value = (
            f"{country_name(top.iloc[0]['iso3'], lang)} ({fmt_number(top.iloc[0]['persons'], lang)})"
            if not top.empty
            else t("none", lang)
        )
        cards.append((value, t(f"kpi_top_{role}", lang)))
    return cards


def end_name(code: str, lang: str = "en", role: str = "origin") -> str:
    """The name of a journey's end: a country, or "origin unknown", "destination unknown", "stateless".

    Examples
    --------
    >>> end_name("XXX", "fr", "destination"), end_name("XXA"), end_name("NER", "fr")
    ('destination inconnue', 'stateless', 'Niger')
    """
    if code == UNKNOWN:
        return t(f"{role}_unknown", lang)
    if code == STATELESS:
        return t("stateless", lang)
    return country_name(code, lang)


def colon(lang: str = "en") -> str:
    """": " in English, " : " in French (a narrow no-break space before the colon)."""
    return "\u202f: " if lang == "fr" else ": "


def pair_names(origin: str, destination: str, scope: str, lang: str = "en") -> tuple[str, str]:
    """A route's two ends as a table shows them.

    A domestic pair says so on both sides ("Niger (domestic)"); a journey that leaves its country and
    comes back says so too ("Niger (return via another country)"); an unknown end is named.

    Examples
    --------
    >>> pair_names("NER", "NER", "domestic", "fr")
    ('Niger (interne)', 'Niger (interne)')
    >>> pair_names("NGA", "XXX", "unknown")
    ('Nigeria', 'destination unknown')
    """
    o, d = end_name(origin, lang, "origin"), end_name(destination, lang, "destination")
    if origin == destination and scope in ("domestic", "cross_border"):
        note = t("domestic", lang).lower() if scope == "domestic" else t("return_trip", lang)
        o, d = f"{o} ({note})", f"{d} ({note})"
    return o, d


def off_map_lines(flows: Flows, lang: str = "en", limit: int | None = None) -> list[str]:
    """The journeys listed beside the map, one line per known end: "Niger → destination unknown: 120".

    Hidden entries are counted in one line ("3 more groups of fewer than 5"); with ``limit``, the rest
    of the shown entries are summed in one line too.
    """
    unit = t(flows.selection.unit, lang)
    listed = flows.listed
    shown, hidden = listed[~listed["suppressed"]], int(listed["suppressed"].sum())
    lines = []
    for r in shown.itertuples(index=False):
        where = f"{end_name(r.origin, lang, 'origin')} → {end_name(r.destination, lang, 'destination')}"
        if r.reason == "no_place":
            where += f" ({t('no_place', lang)})"
        lines.append(f"{where}{colon(lang)}{fmt_number(r.persons, lang)} {unit}")
    if limit is not None and len(lines) > limit:
        rest = int(shown["persons"].iloc[limit:].sum())
        more = t("and_more", lang, n=len(shown) - limit).strip()
        lines = lines[:limit] + [f"{more}{colon(lang)}{fmt_number(rest, lang)} {unit}"]
    if hidden:
        lines.append(t("listed_hidden" if hidden > 1 else "listed_hidden_one", lang, k=hidden,
                       n=flows.selection.threshold))  # fmt: skip
    return lines


def account_lines(flows: Flows, lang: str = "en") -> list[tuple[str, str]]:
    """The published total and its three parts, as (label, value): on the map + listed + hidden = total.

    Empty when the total itself is hidden, or there is nothing to account for.
    """
    a = flows.accounting
    if a["total"] is None or flows.empty:
        return []
    unit = t(flows.selection.unit, lang)
    perturbed = flows.selection.unit == "persons" and flows.selection.perturb
    hidden_label = t("account_adjusted" if perturbed else "account_hidden", lang, n=flows.selection.threshold)
    on_map = fmt_number(a["on_map"], lang) if a["on_map"] is not None else t("hidden", lang,
                                                                               n=flows.selection.threshold)
    hidden = a["hidden"]
    hidden_text = ("−" if hidden < 0 else "") + fmt_number(abs(hidden), lang)
    return [
        (t("account_total", lang), f"{fmt_number(a['total'], lang)} {unit}"),
        (t("account_on_map", lang), on_map),
        (t("account_listed", lang), fmt_number(a["listed"], lang)),
        (hidden_label, hidden_text),
    ]


def off_map_box(flows: Flows, lang: str, limit: int | None = OFF_MAP_LINES, title: str | None = None) -> str:
    """The side panel (HTML, escaped): the total in three parts, then what is listed rather than drawn
    (the ``limit`` largest entries; None for all, as the briefing's key-figures page shows them)."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(label)}</td><td class='n'>{e(value)}</td></tr>"
                   for label, value in account_lines(flows, lang))  # fmt: skip
    parts = [f"<h4>{e(title or t('off_map_title', lang))}</h4>", f"<table class='gloact-account'>{rows}</table>"]
    lines = off_map_lines(flows, lang, limit)
    if lines:
        parts.append("<div class='small'>" + "<br>".join(e(x) for x in lines) + "</div>")
    return "".join(parts)


def leaflet_words(lang: str = "en") -> str:
    """A script for a map page's header, after Leaflet and before the map: Leaflet's own words in ``lang`` (the
    zoom buttons' titles, the credit's tooltip).

    Examples
    --------
    >>> "Zoom avant" in leaflet_words("fr") and "interactive maps" not in leaflet_words("fr")
    True
    """
    zoom = {"zoomInTitle": t("zoom_in", lang), "zoomOutTitle": t("zoom_out", lang)}
    credit = f'<a href="https://leafletjs.com" title="{html.escape(t("leaflet_credit", lang))}">Leaflet</a>'
    script = (f"L.Control.Zoom.mergeOptions({json.dumps(zoom, ensure_ascii=False)});\n"
              f"L.Control.Attribution.mergeOptions({{prefix: {json.dumps(credit, ensure_ascii=False)}}});")
    return "<script>\n" + script.replace("<", "\\u003c") + "\n</script>"
