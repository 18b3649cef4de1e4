"""Key messages: the few sentences a speaker reads out, each with its figure and its source.

Shared by the briefing packs (:mod:`gloact_lib.views.briefing`, the key-messages page) and the presenter
mode of the dashboards (a key-message slide per dashboard), so that both say the same thing the same way:

- :func:`route_messages`: the total, the largest flow, the top origin and destination, the top transit
  country (said to be assumed for Frontex detections) of a :class:`~gloact_lib.analysis.flows.Flows`;
- :func:`commitment_messages`: per meeting, how many commitments are achieved, in progress, with no
  report yet, and which countries are furthest ahead and behind;
- :func:`country_messages`: one country's profile (its nationals detected, the routes assigned to it,
  its commitments, migrants dead and missing there);
- sources are named by :func:`gloact_lib.views.sources.source_name` (short, for a message's citation).

Only published figures are used (``Flows`` is already through disclosure control); a hidden count is
said as hidden.  Sentences are plain text: the caller escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from gloact_lib.analysis.flows import Flows
from gloact_lib.data.countries import country_name
from gloact_lib.i18n import t
from gloact_lib.views.map_text import fmt_number
from gloact_lib.views.sources import source_name

__all__ = ["commitment_messages", "country_messages", "meeting_label", "period_text", "route_messages"]

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}  # fmt: skip

def _cite(sources: Iterable[str], lang: str, sample: str | None = None) -> str:
    """The short names of ``sources``; ``sample`` (a label key) is added when some figures are generated."""
    names = list(dict.fromkeys(source_name(s, lang, short=True) for s in sources if s))
    if sample and t(sample, lang) not in names:
        names.append(t(sample, lang))
    return "; ".join(names)


def _flows_cite(flows: Flows, lang: str) -> str:
    return _cite(flows.summary["sources"], lang, "km_cite_sample" if flows.summary["illustrative"] else None) or t(
        "km_cite_reports", lang)


def period_text(start, end, lang: str = "en") -> str:
    """" from January 2017 to April 2019" (with its leading space), or "" when a date is missing.

    Examples
    --------
    ``period_text(date(2017, 4, 1), date(2019, 4, 25), "fr")`` is ``" d'avril 2017 à avril 2019"``.
    """
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return ""
    first, last = (f"{MONTHS[lang][d.month - 1]} {d.year}" for d in (start, end))
    key = "km_period_vowel" if lang == "fr" and first[0] in "aeiouéâ" else "km_period"
    return t(key, lang, start=first, end=last)


def _period(flows: Flows, lang: str) -> str:
    """The period the selection covers in the data: the selection's range clipped to the data."""
    s, info = flows.selection, flows.summary
    start = max(filter(None, (s.start, info["start"])), default=None)
    end = min(filter(None, (s.end, info["end"])), default=None)
    return period_text(start, end, lang)


def _count(value, flows: Flows, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("hidden", lang, n=flows.selection.threshold)
    return fmt_number(value, lang)


def _names(codes: Iterable[str], lang: str) -> tuple[str, int]:
    codes = list(codes)
    if len(codes) > 4:
        return t("km_n_countries", lang, n=len(codes)), len(codes)
    return ", ".join(country_name(c, lang) for c in codes), len(codes)


def _total(flows: Flows, lang: str, cite: str) -> str:
    s = flows.selection
    unit = t(s.unit, lang)
    values = {"n": _count(flows.summary["persons"], flows, lang), "unit": unit, "period": _period(flows, lang),
              "cite": cite}  # fmt: skip
    filters = {k: getattr(s, k) for k in ("country", "origin", "transit", "destination") if getattr(s, k)}
    if not filters:
        return t("km_total_all", lang, **values)
    if len(filters) > 1:
        return t("km_total_selection", lang, **values)
    (kind, codes), = filters.items()
    names, n = _names(codes, lang)
    many = "many" if n > 1 else "one"
    values.update(names=names, these=t(f"km_these_{many}", lang), its=t(f"km_its_{many}", lang))
    if kind == "origin":
        kind = "nationals" if s.unit == "detections" else "origin"
    return t(f"km_total_{kind}", lang, **values)


def _top(flows: Flows, role: str) -> tuple[str, int] | None:
    """The country with the largest published count in ``role`` (ties: by code)."""
    roles = flows.roles.dropna(subset=["persons"])
    roles = roles[roles["role"] == role].sort_values(["persons", "iso3"], ascending=[False, True])
    return None if roles.empty else (roles.iloc[0]["iso3"], int(roles.iloc[0]["persons"]))


def route_messages(flows: Flows, lang: str = "en") -> list[str]:
    """Up to four sentences on a selection's routes, each with its figure and source.

    The published total (persons or detections, for the countries of the selection, over the period the data
    cover), the largest flow drawn on the map, the top origin (nationality, for detections) and destination,
    and the top transit country (for Frontex detections, said to rest on one assumed departure country per
    route).  Figures of the illustrative sample cite it as such.

    Parameters
    ----------
    flows : Flows
        From :meth:`gloact_lib.analysis.flows.Flows.from_db` (published figures only are used).
    lang : {"en", "fr"}

    Returns
    -------
    list of str
        Plain text (escape it before writing HTML); one sentence when the selection is empty.

    Examples
    --------
    For the Casablanca 2019 countries' Frontex detections, the first sentence reads "Morocco, Mali, Niger:
    102,956 detections were recorded on routes involving these countries (origin, transit or destination)
    from January 2017 to April 2019 (Frontex)." and the last "Top transit country: Morocco (67,900
    detections). This is assumed: Frontex gives each route one departure country, whatever the actual
    departure (Frontex)."
    """
    unit = t(flows.selection.unit, lang)
    if flows.empty:
        return [t("km_none", lang, unit=unit)]
    cite = _flows_cite(flows, lang)
    detections = flows.selection.unit == "detections"
    out = [_total(flows, lang, cite)]
    legs = flows.legs.dropna(subset=["persons"])
    if not legs.empty:
        leg = legs.iloc[0]
        a, b = (flows.nodes[n].name(lang) if n in flows.nodes else country_name(n, lang)
                for n in (leg["source"], leg["target"]))  # fmt: skip
        out.append(t("km_largest_assumed" if detections else "km_largest", lang, a=a, b=b,
                     n=fmt_number(leg["persons"], lang), unit=unit, cite=cite))  # fmt: skip
    origin, destination = _top(flows, "origin"), _top(flows, "destination")
    if origin and destination:
        first = f"{country_name(origin[0], lang)} ({fmt_number(origin[1], lang)} {unit})"
        last = f"{country_name(destination[0], lang)} ({fmt_number(destination[1], lang)})"
        out.append(t("km_ends_detections" if detections else "km_ends_persons", lang, origin=first,
                     destination=last, cite=cite))  # fmt: skip
    transit = _top(flows, "transit")
    if transit:
        out.append(t("km_transit_assumed" if detections else "km_transit", lang, country=country_name(transit[0], lang),
                     n=fmt_number(transit[1], lang), unit=unit, cite=cite))  # fmt: skip
    return out


def meeting_label(meeting_id: str) -> str:
    """A meeting's short name from its id: ``"niamey-2018-06"`` is ``"Niamey 2018"``."""
    parts = str(meeting_id).split("-")
    year = next((p for p in parts[1:] if len(p) == 4 and p.isdigit()), "")
    return f"{parts[0].capitalize()} {year}".strip()


def _plural(key: str, n: int, lang: str) -> str:
    one = n == 1 or (n == 0 and lang == "fr")  # "0 réalisé", "0 achieved"
    return t(f"{key}_{'one' if one else 'many'}", lang, n=fmt_number(n, lang))


def _tally(rows: pd.DataFrame, lang: str) -> tuple[int, str]:
    """The commitments that apply among ``rows`` (latest_status rows), and "10 achieved, 13 in progress, ..."."""
    rows = rows[rows["status"].notna() & (rows["status"] != "not_applicable")]
    reported = rows["date"].notna()
    counts = [("km_achieved", int((rows["status"] == "achieved").sum())),
              ("km_in_progress", int((rows["status"] == "in_progress").sum())),
              ("km_not_started", int(((rows["status"] == "not_started") & reported).sum())),
              ("km_no_report", int((~reported).sum()))]  # fmt: skip
    return len(rows), ", ".join(_plural(key, n, lang) for key, n in counts
                                if n or key in ("km_achieved", "km_in_progress"))  # fmt: skip


def _status_cite(rows: pd.DataFrame, lang: str) -> str:
    sample = "km_cite_status_sample" if "illustrative" in rows and rows["illustrative"].any() else None
    sources = rows["source"].dropna().astype(str) if "source" in rows else ()
    return _cite(sources, lang, sample) or t("km_cite_reports", lang)


def _share(rows: pd.DataFrame) -> float:
    applicable = rows[rows["status"] != "not_applicable"]
    return float((applicable["status"] == "achieved").mean()) if len(applicable) else 0.0


def commitment_messages(status: pd.DataFrame, lang: str = "en", meetings: Mapping[str, str] | None = None) -> list[str]:
    """Sentences on where the commitments stand: one per meeting (newest first), then the furthest ahead and behind.

    Parameters
    ----------
    status : DataFrame
        Rows of :func:`gloact_lib.analysis.commitments.latest_status` (filter them to the countries and
        meetings wanted first).  A commitment is one recommendation in one country it concerns; "no report
        yet" counts those with no status update at all, "reported not started" those reported so.
    lang : {"en", "fr"}
    meetings : mapping, optional
        A name per ``meeting_id`` (default from the id, "Casablanca 2019").

    Returns
    -------
    list of str
        Empty when ``status`` is.

    Examples
    --------
    For Mali, Morocco and Niger: "Casablanca 2019 commitments (8 recommendations, 3 countries, 24 in all):
    10 achieved, 13 in progress, 1 with no report yet (illustrative sample of status updates, not real
    reporting)." and "Furthest ahead: Niger (50%); furthest behind: Morocco, Mali (38%) (...)".
    """
    if status.empty:
        return []
    meetings = dict(meetings or {})
    out = []
    order = status.sort_values(["adopted", "meeting_id"], ascending=False)["meeting_id"].drop_duplicates()
    for meeting_id in order:
        rows = status[status["meeting_id"] == meeting_id]
        items, counts = _tally(rows, lang)
        if not items:
            continue
        out.append(t("km_commitments", lang, meeting=meetings.get(meeting_id) or meeting_label(meeting_id),
                     recs=_plural("km_recs", rows["rec_id"].nunique(), lang),
                     countries=_plural("km_countries", rows["iso3"].nunique(), lang),
                     items=fmt_number(items, lang), counts=counts, cite=_status_cite(rows, lang)))  # fmt: skip
    shares = {iso3: round(100 * _share(rows)) for iso3, rows in status.groupby("iso3", sort=False)}
    if len(set(shares.values())) > 1:
        pct = "\u202f%" if lang == "fr" else "%"
        top, bottom = max(shares.values()), min(shares.values())
        ahead = ", ".join(country_name(c, lang) for c, v in shares.items() if v == top) + f" ({top}{pct})"
        behind = ", ".join(country_name(c, lang) for c, v in shares.items() if v == bottom) + f" ({bottom}{pct})"
        out.append(t("km_ahead", lang, ahead=ahead, behind=behind, cite=_status_cite(status, lang)))
    return out


def country_messages(iso3: str, real: Flows, status: pd.DataFrame | None = None, deaths: dict | None = None,
                     lang: str = "en") -> list[str]:  # fmt: skip
    """Sentences on one country's profile: its nationals detected, the routes assigned to it, its commitments, deaths.

    Parameters
    ----------
    iso3 : str
    real : Flows
        The country's real Frontex detections, as the country profile draws them:
        ``Flows.from_db(con, Selection(country=iso3, unit="detections", data="real"), level="country")``.
    status : DataFrame, optional
        :func:`gloact_lib.analysis.commitments.latest_status` rows (the country's are used).
    deaths : dict, optional
        :func:`gloact_lib.analysis.profiles.incident_summary` of the country (IOM Missing Migrants Project).
    lang : {"en", "fr"}

    Returns
    -------
    list of str

    Examples
    --------
    "Mali: 95,844 detections of its nationals were recorded from January 2009 to April 2025 (Frontex)." and,
    in French, "Mali : sur ses 14 engagements, 3 réalisés, 5 en cours, 6 sans rapport à ce jour (...)".
    """
    name = country_name(iso3, lang)
    out = []
    mine = real.roles[real.roles["iso3"] == iso3].set_index("role")
    unit = t(real.selection.unit, lang)
    cite = _flows_cite(real, lang)
    values = {"names": name, "unit": unit, "period": _period(real, lang), "cite": cite,
              "these": t("km_these_one", lang), "its": t("km_its_one", lang)}  # fmt: skip
    if real.empty or mine.empty:
        out.append(t("fx_none", lang, country=name))
    for role, key in (("origin", "km_total_nationals" if real.selection.unit == "detections" else "km_total_origin"),
                      ("destination", "km_total_destination")):  # fmt: skip
        if role in mine.index:
            out.append(t(key, lang, n=_count(mine.loc[role, "persons"], real, lang), **values))
    if "transit" in mine.index:
        n = _count(mine.loc["transit", "persons"], real, lang)
        if real.selection.unit == "detections":
            out.append(t("km_country_transit", lang, country=name, n=n, unit=unit, period=values["period"],
                         cite=cite))  # fmt: skip
        else:
            out.append(t("km_transit", lang, country=name, n=n, unit=unit, cite=cite))
    if status is not None and not status.empty:
        rows = status[status["iso3"] == iso3]
        items, counts = _tally(rows, lang) if not rows.empty else (0, "")
        if items:
            out.append(t("km_country_commitments", lang, country=name, items=fmt_number(items, lang), counts=counts,
                         cite=_status_cite(rows, lang)))  # fmt: skip
    if deaths and deaths.get("incidents"):
        out.append(t("km_country_deaths", lang, country=name, dead=fmt_number(deaths["dead"], lang),
                     n=fmt_number(deaths["incidents"], lang), first=deaths["first"].year, last=deaths["last"].year,
                     cite=t("source_mmp", lang)))  # fmt: skip
    return out
