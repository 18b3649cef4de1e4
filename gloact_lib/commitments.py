"""The monitoring mechanism: recommendations, their status per country over time, and measures.

The Niamey 2018 conference set up "a permanent mechanism to monitor commitments and to
periodically measure the progress made by each country"; the Casablanca 2019 workshop adopted
eight operational recommendations.  Status updates (``status_updates`` table) record, per
recommendation and country, a status on a date with its evidence and source.

Measures: :func:`latest_status` (as of a date), :func:`progress` (per country or per
recommendation), :func:`changes_since` (a date or a meeting), :func:`overdue`.  Focal points
update their country's rows with the Excel form :func:`write_template` writes, imported back
with ``gloact import`` (format ``commitments``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from .countries import country_name
from .readers import META_SHEET
from .schema import STATUSES

__all__ = ["STATUS_LABELS", "changes_since", "latest_status", "overdue", "progress", "write_template"]

STATUS_LABELS = {
    "not_started": {"en": "not started", "fr": "non commencé"},
    "in_progress": {"en": "in progress", "fr": "en cours"},
    "achieved": {"en": "achieved", "fr": "réalisé"},
    "not_applicable": {"en": "not applicable", "fr": "sans objet"},
}


def _items_sql() -> str:
    """Every (recommendation, country concerned) pair, with the date of the meeting that adopted it."""
    return """SELECT r.rec_id, r.number, r.theme, r.text_en, r.text_fr, r.meeting_id, m.end_date AS adopted,
                     unnest(string_split(r.countries, ';')) AS iso3
              FROM recommendations r JOIN meetings m USING (meeting_id)"""


def latest_status(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None, data: str = "all") -> pd.DataFrame:
    """The status of every recommendation in every country it concerns, as of a date.

    Parameters
    ----------
    as_of : datetime.date, optional
        Default: today.
    data : {"all", "real", "illustrative"}
        Which updates to count.

    Returns
    -------
    DataFrame
        ``rec_id``, ``number``, ``theme``, ``text_en``, ``text_fr``, ``meeting_id``, ``adopted``,
        ``iso3``, ``status`` (``not_started`` when no update), ``date``, ``evidence``, ``source``,
        ``illustrative``.

    Examples
    --------
    >>> from gloact_lib.store import connect
    >>> latest_status(connect(":memory:")).empty
    True
    """
    as_of = as_of or dt.date.today()
    flag = {"all": "TRUE", "real": "NOT illustrative", "illustrative": "illustrative"}[data]
    return con.execute(
        f"""WITH items AS ({_items_sql()}),
            last AS (SELECT * FROM status_updates WHERE date <= ? AND {flag}
                     QUALIFY row_number() OVER (PARTITION BY rec_id, iso3 ORDER BY date DESC) = 1)
            SELECT i.rec_id, i.number, i.theme, i.text_en, i.text_fr, i.meeting_id, i.adopted, i.iso3,
                   coalesce(l.status, 'not_started') AS status, l.date, l.evidence, l.source,
                   coalesce(l.illustrative, FALSE) AS illustrative
            FROM items i LEFT JOIN last l USING (rec_id, iso3)
            ORDER BY i.iso3, i.meeting_id, i.number""",
        [as_of],
    ).df()


def progress(con: duckdb.DuckDBPyConnection, by: str = "iso3", as_of: dt.date | None = None,
             data: str = "all") -> pd.DataFrame:  # fmt: skip
    """Share of items achieved and in progress, per country or per recommendation.

    Items marked ``not_applicable`` are left out of the shares.

    Parameters
    ----------
    by : {"iso3", "rec_id"}

    Returns
    -------
    DataFrame
        ``by`` column, ``items``, one count column per status, ``share_achieved``,
        ``share_in_progress`` (0-1, of the applicable items).
    """
    if by not in ("iso3", "rec_id"):
        raise ValueError(f"by must be 'iso3' or 'rec_id', not {by!r}")
    status = latest_status(con, as_of, data)
    counts = status.pivot_table(index=by, columns="status", values="number", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts.insert(0, "items", counts.sum(axis=1))
    applicable = (counts["items"] - counts["not_applicable"]).clip(lower=1)
    counts["share_achieved"] = counts["achieved"] / applicable
    counts["share_in_progress"] = counts["in_progress"] / applicable
    return counts.reset_index().rename_axis(columns=None)


def _meeting_date(con: duckdb.DuckDBPyConnection, since) -> dt.date:
    if isinstance(since, dt.date):
        return since
    rows = con.execute("SELECT end_date FROM meetings WHERE meeting_id = ?", [since]).fetchall()
    if not rows:
        raise ValueError(f"unknown meeting {since!r}")
    return rows[0][0]


def changes_since(con: duckdb.DuckDBPyConnection, since, data: str = "all") -> pd.DataFrame:
    """Updates dated after ``since`` (a date or a meeting id), with the status each replaced.

    Returns
    -------
    DataFrame
        ``rec_id``, ``number``, ``iso3``, ``date``, ``status``, ``previous_status``, ``evidence``,
        ``source``, ``illustrative``; newest first.
    """
    start = _meeting_date(con, since)
    flag = {"all": "TRUE", "real": "NOT illustrative", "illustrative": "illustrative"}[data]
    return con.execute(
        f"""SELECT u.rec_id, r.number, u.iso3, u.date, u.status,
                   coalesce(lag(u.status) OVER (PARTITION BY u.rec_id, u.iso3 ORDER BY u.date), 'not_started')
                     AS previous_status, u.evidence, u.source, u.illustrative
            FROM status_updates u JOIN recommendations r USING (rec_id)
            WHERE {flag}
            QUALIFY u.date > ?
            ORDER BY u.date DESC, u.iso3, r.number""",
        [start],
    ).df()


def overdue(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None, months: int = 12,
            data: str = "all") -> pd.DataFrame:  # fmt: skip
    """Items neither achieved nor inapplicable with no news for ``months``.

    An item is overdue when its latest update (or, with none, the meeting that adopted it) is
    older than ``months`` months before ``as_of``.

    Returns
    -------
    DataFrame
        The :func:`latest_status` rows that are overdue, with ``since`` (the date of the last news).
    """
    as_of = as_of or dt.date.today()
    status = latest_status(con, as_of, data)
    last = pd.to_datetime(status["date"]).fillna(pd.to_datetime(status["adopted"]))
    limit = pd.Timestamp(as_of) - pd.DateOffset(months=months)
    open_items = ~status["status"].isin(["achieved", "not_applicable"])
    return status[open_items & (last < limit)].assign(since=last[open_items & (last < limit)].dt.date)


_TEMPLATE_TEXT = {
    "en": {
        "sheet": "commitments",
        "intro": "Commitments form for {country}. For each recommendation whose status changed, choose the new "
        "status, give the date and the evidence, then return the file; leave the other rows as they are. Rows "
        "of another country are not accepted. Columns rec_id and iso3 must not be changed.",
        "header_help": {
            "recommendation": "The recommendation (for reading; not imported).",
            "current_status": "Status recorded in the workbook today (for reading).",
            "status": "New status: choose from the list.",
            "date": "Date of the new status (YYYY-MM-DD).",
            "evidence": "What shows it: decree, meeting, agreement signed...",
            "source": "Who reports it (institution, focal point).",
        },
    },
    "fr": {
        "sheet": "engagements",
        "intro": "Formulaire de suivi des engagements pour {country}. Pour chaque recommandation dont le statut a "
        "changé, choisissez le nouveau statut, indiquez la date et la preuve, puis renvoyez le fichier ; laissez "
        "les autres lignes telles quelles. Les lignes d'un autre pays ne sont pas acceptées. Les colonnes rec_id "
        "et iso3 ne doivent pas être modifiées.",
        "header_help": {
            "recommendation": "La recommandation (pour lecture ; non importée).",
            "current_status": "Statut enregistré aujourd'hui dans le classeur (pour lecture).",
            "status": "Nouveau statut : choisir dans la liste.",
            "date": "Date du nouveau statut (AAAA-MM-JJ).",
            "evidence": "Ce qui le montre : décret, réunion, accord signé...",
            "source": "Qui le signale (institution, point focal).",
        },
    },
}

TEMPLATE_COLUMNS = ["rec_id", "iso3", "recommendation", "current_status", "current_date", "status", "date",
                    "evidence", "source"]  # fmt: skip


def write_template(con: duckdb.DuckDBPyConnection, country: str, lang: str, out: str | Path) -> Path:
    """Write the Excel form a country's focal point fills in.

    One row per recommendation concerning the country, pre-filled with its current status;
    the ``status`` column has a drop-down list (in ``lang``); a hidden ``_gloact`` sheet
    records the country, so that rows of another country are rejected on import.

    Parameters
    ----------
    country : str
        ISO alpha-3.
    lang : {"en", "fr"}
    out : str or Path
        The ``.xlsx`` file to write.

    Returns
    -------
    Path
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    if lang not in _TEMPLATE_TEXT:
        raise ValueError(f"lang must be 'en' or 'fr', not {lang!r}")
    text = _TEMPLATE_TEXT[lang]
    status = latest_status(con)
    mine = status[status["iso3"] == country]
    if mine.empty:
        raise ValueError(f"no recommendation concerns {country!r}")
    wb = Workbook()
    ws = wb.active
    ws.title = text["sheet"]
    ws.append(TEMPLATE_COLUMNS)
    for r in mine.itertuples():
        ws.append([
            r.rec_id, r.iso3, f"{r.number}. {r.text_fr if lang == 'fr' else r.text_en}",
            STATUS_LABELS[r.status][lang], f"{r.date:%Y-%m-%d}" if pd.notna(r.date) else "", "", "", "", "",
        ])  # fmt: skip
    grey = PatternFill("solid", fgColor="EEEEEE")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        help_text = text["header_help"].get(cell.value)
        if help_text:
            cell.comment = Comment(help_text, "gloact")
    for row in ws.iter_rows(min_row=2):
        for cell in row[:5]:
            cell.fill = grey
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHI", (14, 7, 70, 16, 13, 16, 13, 40, 28), strict=True):
        ws.column_dimensions[column].width = width
    choices = ",".join(STATUS_LABELS[s][lang] for s in STATUSES)
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    validation.add(f"F2:F{ws.max_row}")
    ws.add_data_validation(validation)
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    dates.add(f"G2:G{ws.max_row}")
    ws.add_data_validation(dates)
    ws.freeze_panes = "C2"
    about = wb.create_sheet("info" if lang == "en" else "mode d'emploi")
    about["A1"] = text["intro"].format(country=country_name(country, lang))
    about["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 100
    meta = wb.create_sheet(META_SHEET)
    for key, value in (("kind", "commitments"), ("country", country), ("lang", lang),
                       ("written", dt.date.today().isoformat())):  # fmt: skip
        meta.append([key, value])
    meta.sheet_state = "hidden"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
