"""The figures of a view to take away: CSV and Excel files of its published figures, with sources and caveats.

Each dashboard gives its figures as one long table (:data:`COLUMNS`: section, item, value, unit, note,
source), made here by :func:`routes_table`, :func:`country_table` or :func:`commitments_table`, whose
``attrs`` hold what the file says about them: the title, the selection (filters), the sources, the
caveats and the language.  :func:`to_csv` and :func:`to_xlsx` write the same layout: the title, the
date of the data, the language, the selection, the sources and the caveats, a blank row, then the
table under headers in the view's language.

Only published figures are written: counts of persons as :class:`~gloact_lib.analysis.flows.Flows`
and :func:`~gloact_lib.analysis.disclosure.publish` give them (perturbed), a hidden cell as ``<5``
with a note, never a true small count or a cell key.  Every text cell goes through
:func:`gloact_lib.spreadsheet.safe_row` (CSV) or :func:`gloact_lib.spreadsheet.write_cell` (Excel), so
that a text from the database is never a formula.  :func:`download_file` names and writes one file when a viewer
asks for it (:class:`gloact_lib.views.download_buttons.DownloadButtons`: nothing is fetched, it works offline).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd

from gloact_lib.analysis import profiles
from gloact_lib.analysis.commitments import latest_status, progress
from gloact_lib.analysis.counts import od_pairs
from gloact_lib.analysis.disclosure import publish
from gloact_lib.analysis.flows import Selection
from gloact_lib.analysis.shared_cache import shared_flows, shared_monthly, shared_od_pairs
from gloact_lib.data.countries import country_name
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.i18n import LANGUAGE_NAMES, t
from gloact_lib.spreadsheet import safe_row, xlsx_sheet
from gloact_lib.views.html import text, treaty_text
from gloact_lib.views.map_text import end_name, pair_names
from gloact_lib.views.sources import evidence_text, source_text, sources_text, unit_text

__all__ = ["COLUMNS", "commitments_table", "country_table", "download_file", "figures_table", "routes_table",
           "selection_lines", "to_csv", "to_xlsx"]  # fmt: skip

#: The columns of every view's table (headers ``dl_col_<column>`` in :mod:`gloact_lib.i18n`).
COLUMNS = ("section", "item", "value", "unit", "note", "source")

_MMP = "IOM Missing Migrants Project"


def figures_table(rows, *, name: str, title: str, lang: str, selection=(), sources=(), caveats=(),
                  illustrative: bool = False) -> pd.DataFrame:  # fmt: skip
    """A view's table of figures with what its file says about them (in ``attrs``).

    Parameters
    ----------
    rows : iterable of tuples
        One tuple per figure, in the order of :data:`COLUMNS`; a value is an int, a text, or "".
    name : str
        The file's name, without date, language and extension (``routes``, ``country-NER``).
    title : str
        The view's title; ``illustrative`` adds the "illustrative data" badge to it.
    lang : {"en", "fr"}
    selection : iterable of (str, str)
        The filters: (label, value).
    sources, caveats : iterable of str

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, with ``attrs`` ``name``, ``title``, ``lang``, ``selection``, ``sources``, ``caveats``.
    """
    frame = pd.DataFrame([tuple(_plain(v) for v in row) for row in rows], columns=list(COLUMNS), dtype=object)
    badge = f" — {t('illustrative_badge', lang)}" if illustrative else ""
    frame.attrs.update(name=name, title=title + badge, lang=lang, selection=list(selection),
                       sources=sources_text(sources, lang), caveats=list(caveats))  # fmt: skip
    return frame


def _plain(value):
    """A cell as a file holds it: a Python int or float, a text, or "" for a missing value."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    return value


def _published(persons, suppressed, threshold: int, lang: str) -> tuple:
    """(value, note) of a published cell: the value, or ``<5`` and "fewer than 5 (hidden)"."""
    if suppressed or persons is None or pd.isna(persons):
        return f"<{threshold}", t("hidden", lang, n=threshold)
    return int(persons), ""


# -- what a selection is ----------------------------------------------------------------------------------------------


def selection_lines(s: Selection, lang: str) -> list[tuple[str, str]]:
    """The filters of a selection as (label, value) in ``lang``: counting, data and period always, others when set.

    Examples
    --------
    >>> selection_lines(Selection(crime="smuggling", origin="NER"), "fr")[-2:]
    [('Infraction', 'trafic illicite de migrants'), ('Origine', 'Niger')]
    """
    if s.start is None and s.end is None:
        period = t("all", lang)
    else:
        period = f"{s.start or ''} – {s.end or ''}".strip()
    lines = [(t("measure", lang), t(s.unit, lang)), (t("data", lang), t(f"data_{s.data}", lang)),
             (t("period", lang), period)]  # fmt: skip
    names = {r.name: (r.name_fr if lang == "fr" else r.name) for r in FRONTEX_ROUTES.values()}
    for key, values, show in (("crime", s.crime, lambda v: t(v, lang)),
                              ("scope", s.scope, lambda v: t(f"scope_{v}", lang)),
                              ("country", s.country, lambda v: country_name(v, lang)),
                              ("origin", s.origin, lambda v: country_name(v, lang)),
                              ("transit", s.transit, lambda v: country_name(v, lang)),
                              ("destination", s.destination, lambda v: country_name(v, lang)),
                              ("sex", s.sex, lambda v: t(v, lang)), ("age_group", s.age_group, lambda v: t(v, lang)),
                              ("route", s.route, lambda v: names.get(v, v))):  # fmt: skip
        if values:
            lines.append((t(key, lang), ", ".join(show(v) for v in values)))
    return lines


# -- the views' tables -------------------------------------------------------------------------------------------------


def routes_table(con, selection: Selection, lang: str = "en", level: str | None = None) -> pd.DataFrame:
    """The routes view's figures: key figures, countries by role, routes, flows on the map, what is not on it,
    and months, as published.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    selection : Selection
    lang : {"en", "fr"}
    level : {"place", "country"}, optional
        The map's level (default: places for persons, countries for detections, as the dashboard draws).
    """
    s, n = selection, selection.threshold
    level = level or ("country" if s.unit == "detections" else "place")
    flows = shared_flows(con, s, level)  # as the view drew them
    unit, sources = t(s.unit, lang), "; ".join(sources_text(flows.summary["sources"], lang))
    rows = []

    def add(section, item, value, note="", unit_=unit):
        rows.append((section, item, value, unit_, note, sources))

    key = t("briefing_figures", lang)
    add(key, t("kpi_total", lang, unit=unit), *_published(flows.summary["persons"], False, n, lang))
    add(key, t("kpi_routes", lang), flows.summary["routes"], unit_="")
    account = flows.accounting
    if account["total"] is not None and not flows.empty:
        perturbed = s.unit == "persons" and s.perturb
        for label, value in (("account_on_map", account["on_map"]), ("account_listed", account["listed"]),
                             ("account_adjusted" if perturbed else "account_hidden", account["hidden"])):  # fmt: skip
            add(key, t(label, lang, n=n), *_published(value, False, n, lang))
    if account.get("domestic"):
        add(key, t("kpi_domestic", lang), account["domestic"])
    roles = flows.roles.dropna(subset=["persons"])
    for role in ("origin", "transit", "destination"):
        top = roles[roles["role"] == role].sort_values("persons", ascending=False).head(1)
        if not top.empty:
            add(key, f"{t(f'kpi_top_{role}', lang)}: {country_name(top.iloc[0]['iso3'], lang)}",
                int(top.iloc[0]["persons"]))  # fmt: skip
    section = t("dl_roles", lang)
    for r in flows.roles.itertuples():
        add(section, f"{country_name(r.iso3, lang)} ({t(r.role, lang).lower()})",
            *_published(r.persons, r.suppressed, n, lang))  # fmt: skip
    cells = shared_od_pairs(con, s)
    pairs = publish(cells, **s.disclosure)  # as the view's top routes: ranked by published counts
    pairs = pairs.sort_values(["persons", "origin", "destination"], ascending=[False, True, True], na_position="last")
    section = t("dl_routes", lang)
    for r in pairs.itertuples():
        add(section, " → ".join(pair_names(r.origin, r.destination, r.scope, lang)),
            *_published(r.persons, r.suppressed, n, lang))  # fmt: skip
    section = t("dl_legs", lang)
    for r in flows.legs.itertuples():
        ends = (flows.nodes[x].name(lang) if x in flows.nodes else country_name(x, lang) for x in (r.source, r.target))
        add(section, " → ".join(ends), *_published(r.persons, r.suppressed, n, lang))
    section = t("off_map_title", lang)
    for r in flows.listed.itertuples():
        where = f"{end_name(r.origin, lang, 'origin')} → {end_name(r.destination, lang, 'destination')}"
        value, note = _published(r.persons, r.suppressed, n, lang)
        add(section, where, value, "; ".join(x for x in (note, t("no_place", lang) if r.reason == "no_place" else "")
                                             if x))  # fmt: skip
    series = shared_monthly(con, s)
    section = t("trend", lang)
    for r in (series if series.empty else publish(series, **s.disclosure)).itertuples():
        add(section, f"{r.month:%Y-%m}", *_published(r.persons, r.suppressed, n, lang))
    caveats = [t("suppression_note", lang, n=n), t("caveat_detections" if s.unit == "detections" else "caveat_cases",
                                                   lang)]  # fmt: skip
    if flows.summary["illustrative"]:
        caveats.append(t("caveat_illustrative", lang))
    return figures_table(rows, name="routes", title=t("dashboard_title", lang), lang=lang,
                         selection=selection_lines(s, lang), sources=flows.summary["sources"], caveats=caveats,
                         illustrative=flows.summary["illustrative"])  # fmt: skip


def country_table(con, iso3: str, lang: str = "en") -> pd.DataFrame:
    """The country profile's figures: Frontex detections and journeys by role, partners, national figures,
    treaties, deaths."""
    name = country_name(iso3, lang)
    mine, fx = Selection(country=iso3), Selection(country=iso3, unit="detections", data="real")
    flows = shared_flows(con, mine, "place")
    n, persons = flows.selection.threshold, t("persons", lang)
    journeys = "; ".join(sources_text(flows.summary["sources"], lang))
    real = shared_flows(con, fx, "country")
    rows, sources = [], [*real.summary["sources"], *flows.summary["sources"]]
    frontex = real.roles[real.roles["iso3"] == iso3]
    for role in ("origin", "transit", "destination"):  # real data first, as the profile shows them
        row = frontex[frontex["role"] == role]
        value, note = (0, "") if row.empty else _published(row.iloc[0]["persons"], row.iloc[0]["suppressed"], n, lang)
        rows.append((t("briefing_frontex", lang), t(role, lang), value, t("detections", lang), note,
                     "; ".join(sources_text(real.summary["sources"], lang))))  # fmt: skip
    mine = flows.roles[flows.roles["iso3"] == iso3]
    for role in ("origin", "transit", "destination", "domestic"):
        row = mine[mine["role"] == role]
        value, note = (0, "") if row.empty else _published(row.iloc[0]["persons"], row.iloc[0]["suppressed"], n, lang)
        rows.append((t("role_on_routes", lang), t(role, lang), value, persons, note, journeys))
    for label, selection, column in (("partners_out", Selection(origin=iso3), "destination"),
                                     ("partners_in", Selection(destination=iso3), "origin")):  # fmt: skip
        cells = publish(od_pairs(con, selection), **selection.disclosure)
        cells = cells.sort_values(["persons", column], ascending=[False, True], na_position="last")
        for r in cells.itertuples():
            other = pair_names(r.origin, r.destination, r.scope, lang)[1 if column == "destination" else 0]
            value, note = _published(r.persons, r.suppressed, n, lang)
            rows.append((t(label, lang, country=name), other, value, persons, note, journeys))
    figures = profiles.indicators(con, iso3)
    for r in figures.itertuples():
        period = f"{r.period_start:%Y-%m-%d} – {r.period_end:%Y-%m-%d}"
        note = period + (f" · {t('illustrative_badge', lang)}" if r.illustrative else "")
        rows.append((t("indicators", lang), text(r.label_fr if lang == "fr" else r.label_en), _plain(r.value),
                     unit_text(r.unit, lang), note, source_text(text(r.source), lang)))  # fmt: skip
        sources.append(text(r.source))
    for r in profiles.treaty_status(con, iso3).itertuples():
        rows.append((t("treaty_status", lang), t(r.instrument, lang) if r.instrument in ("UNTOC", "TIP_Protocol",
                     "SOM_Protocol") else text(r.instrument), treaty_text(r.action_date, r.action_type, r.verified,
                     lang), "", "", source_text(text(r.source), lang)))  # fmt: skip
        sources.append(text(r.source))
    found = profiles.incident_summary(con, iso3)
    if found["incidents"]:
        period = f"{found['first']:%Y-%m-%d} – {found['last']:%Y-%m-%d}"
        section, mmp = t("deaths_nearby", lang, country=name), source_text(_MMP, lang)
        rows.append((section, t("dead_missing", lang), found["dead"], t("dead_missing", lang), period, mmp))
        rows.append((section, t("incident_count", lang), found["incidents"], t("incident_count", lang), period, mmp))
        sources.append(_MMP)
    illustrative = bool(flows.summary["illustrative"] or (not figures.empty and figures["illustrative"].any()))
    caveats = [t("suppression_note", lang, n=n), t("caveat_cases", lang)]
    caveats += [t("caveat_detections", lang), t("caveat_routes", lang)] if not real.empty else []
    caveats += [t("caveat_illustrative", lang)] if illustrative else []
    caveats += [t("caveat_incidents", lang)] if found["incidents"] else []
    return figures_table(rows, name=f"country-{iso3}", title=f"{t('country_title', lang)}: {name}", lang=lang,
                         selection=[(t("country", lang), name)], sources=sources, caveats=caveats,
                         illustrative=illustrative)  # fmt: skip


def commitments_table(con, lang: str = "en") -> pd.DataFrame:
    """The commitments view's figures: the status of each recommendation in each country, and progress."""
    status = latest_status(con)
    illustrative = bool(status["illustrative"].any())
    rows, section = [], t("status_grid", lang)
    for r in status.sort_values(["iso3", "number"]).itertuples():
        when = f"{r.date:%Y-%m-%d}" if pd.notna(r.date) else t("no_status", lang)
        note = "; ".join(x for x in (when, evidence_text(r.evidence, lang),
                                     t("illustrative_badge", lang) if r.illustrative else "") if x)  # fmt: skip
        rows.append((section, f"{country_name(r.iso3, lang)} · {t('recommendation', lang)} {r.number}",
                     t(r.status, lang), "", note, source_text(text(r.source), lang)))  # fmt: skip
    for r in progress(con, status=status).itertuples():
        rows.append((t("progress_by_country", lang), country_name(r.iso3, lang), round(100 * r.share_achieved),
                     "%", t("share_achieved", lang, pct=round(100 * r.share_achieved)), ""))  # fmt: skip
    caveats = [t("translation_note", lang)] + ([t("caveat_status_illustrative", lang)] if illustrative else [])
    return figures_table(rows, name="commitments", title=t("commitments_title", lang), lang=lang,
                         selection=[(t("country", lang), t("all", lang))],
                         sources=sorted(set(status["source"].map(text))), caveats=caveats,
                         illustrative=illustrative)  # fmt: skip


# -- files ------------------------------------------------------------------------------------------------------------


def _rows(frame: pd.DataFrame, when: dt.datetime | None) -> list[list]:
    """The file's rows: about the figures, a blank row, the headers, the figures."""
    a, lang = frame.attrs, frame.attrs["lang"]
    rows = [[a["title"]], [t("dl_data_as_of", lang), f"{when:%Y-%m-%d %H:%M} UTC" if when else ""],
            [t("language", lang), LANGUAGE_NAMES[lang]]]  # fmt: skip
    for heading, lines in ((t("dl_selection", lang), a["selection"]), (t("sources", lang), a["sources"]),
                           (t("dl_caveats", lang), a["caveats"])):  # fmt: skip
        for i, line in enumerate(lines):
            rows.append([heading if i == 0 else "", *((line,) if isinstance(line, str) else line)])
    rows += [[], [t(f"dl_col_{c}", lang) for c in COLUMNS]]
    return rows + [[_plain(v) for v in row] for row in frame.itertuples(index=False)]


def to_csv(frame: pd.DataFrame, when: dt.datetime | None = None) -> bytes:
    """The figures as CSV (UTF-8 with a byte-order mark, for spreadsheet programs); every text cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in _rows(frame, when):
        writer.writerow(safe_row(row))
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, when: dt.datetime | None = None) -> bytes:
    """The figures as an Excel workbook: one sheet, laid out as :func:`to_csv`; text stored as text, never a formula.

    Written by :func:`gloact_lib.spreadsheet.xlsx_sheet`, without openpyxl: a dashboard writes its downloads after
    every drawing, and its kernel never loads openpyxl (nor Pillow, which openpyxl imports) for them.
    """
    rows = _rows(frame, when)
    head = len(rows) - len(frame)  # the headers' row (1-based)
    return xlsx_sheet(rows, title=t("dl_sheet", frame.attrs["lang"]), bold_rows=(1, head), freeze_rows=head,
                      widths=(34, 44, 14, 14, 40, 50))  # fmt: skip


def download_file(frame: pd.DataFrame, kind: str, when: dt.datetime | None = None) -> tuple[str, bytes]:
    """A view's figures as a file to download: its name and its bytes (what a click on "Download CSV" or
    "Download Excel" saves, see :class:`gloact_lib.views.download_buttons.DownloadButtons`).

    Parameters
    ----------
    frame : pandas.DataFrame
        A table of this module (its ``attrs`` name the view and the language).
    kind : {"csv", "xlsx"}
    when : datetime, optional
        The data's date: in the file's name and its header.

    Returns
    -------
    name : str
        ``gloact-<view>[-<date>]-<lang>.<kind>``.
    data : bytes

    Examples
    --------
    >>> frame = figures_table([("s", "=1+1", 5, "persons", "", "src")], name="x", title="X", lang="en")
    >>> download_file(frame, "csv")[0]
    'gloact-x-en.csv'
    """
    write = {"csv": to_csv, "xlsx": to_xlsx}[kind]
    stem = f"gloact-{frame.attrs['name']}{f'-{when:%Y-%m-%d}' if when else ''}-{frame.attrs['lang']}"
    return f"{stem}.{kind}", write(frame, when)
