"""The monitoring mechanism: recommendations, their status per country over time, and measures.

The Niamey 2018 conference set up "a permanent mechanism to monitor commitments and to
periodically measure the progress made by each country"; the Casablanca 2019 workshop adopted
eight operational recommendations.  Status updates (``status_updates`` table) record, per
recommendation and country, a status on a date with its evidence and source.

Measures: :func:`latest_status` (as of a date), :func:`progress` (per country or per
recommendation), :func:`changes_since` (a date or a meeting), :func:`overdue`.  Focal points
update their country's rows with the Excel form :func:`write_template` writes, imported back
with ``gloact import --as-country ISO3`` (format ``commitments``); :func:`verify_form` says
what is checked and what cannot be.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pandas as pd

from gloact_lib.data.countries import country_name
from gloact_lib.data.schema import STATUSES
from gloact_lib.imports.readers import META_SHEET

__all__ = ["STATUS_LABELS", "changes_since", "form_checksum", "latest_status", "overdue", "progress",
           "status_matrix", "verify_form", "write_template"]  # fmt: skip

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
    >>> from gloact_lib.data.database import connect
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


def status_matrix(status: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country x recommendation grid of a :func:`latest_status` frame.

    A recommendation may concern only some of its meeting's countries (``countries`` column
    of ``recommendations``): the cells of the countries it does not concern are empty, not
    an error.

    Parameters
    ----------
    status : DataFrame
        Rows of :func:`latest_status` (possibly filtered, possibly empty).

    Returns
    -------
    recs : DataFrame
        One row per recommendation present, ordered by meeting (date adopted) and number (the
        :func:`latest_status` columns of its first row).
    grid : DataFrame
        Index ``iso3`` (sorted), one column per ``rec_id`` in ``recs`` order; each cell is the
        status, or missing (``pd.isna``) when the recommendation does not concern that country.

    Examples
    --------
    >>> s = pd.DataFrame({"rec_id": ["a", "a", "b"], "meeting_id": "m", "number": [1, 1, 2],
    ...                   "iso3": ["MLI", "NER", "MLI"], "status": ["achieved", "not_started", "in_progress"]})
    >>> pd.isna(status_matrix(s)[1].loc["NER", "b"])
    True
    """
    order = [c for c in ("adopted", "meeting_id", "number", "rec_id") if c in status.columns]
    recs = status.drop_duplicates("rec_id").sort_values(order)
    columns = list(recs["rec_id"])
    if status.empty:
        return recs, pd.DataFrame(columns=columns, index=pd.Index([], name="iso3"), dtype=object)
    grid = status.drop_duplicates(["iso3", "rec_id"]).pivot(index="iso3", columns="rec_id", values="status")
    grid = grid.reindex(columns=columns).sort_index().astype(object)
    return recs, grid.rename_axis(columns=None)


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
    the ``status`` column has a drop-down list (in ``lang``).  A hidden ``_gloact`` sheet
    records what the form is for: ``kind``, ``country``, ``lang``, ``written``, the
    ``rec_ids`` it lists, and a ``checksum`` (HMAC-SHA256 with this installation's key, see
    :func:`form_checksum`) binding them, so that an edit of the hidden sheet is detected on
    import (:func:`verify_form`).  Every cell is written through
    :func:`gloact_lib.spreadsheet.write_row` (texts neutralised, stored as strings).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    country : str
        ISO alpha-3.
    lang : {"en", "fr"}
    out : str or Path
        The ``.xlsx`` file to write.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        For an unknown language, or a country no recommendation concerns.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from gloact_lib.spreadsheet import safe_cell, write_cell, write_row

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
    write_row(ws, TEMPLATE_COLUMNS)
    for r in mine.itertuples():
        write_row(ws, [
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
    write_cell(about["A1"], text["intro"].format(country=country_name(country, lang)))
    about["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 100
    meta = wb.create_sheet(META_SHEET)
    fields = {"kind": FORM_KIND, "country": country, "lang": lang, "written": dt.date.today().isoformat(),
              "rec_ids": ";".join(mine["rec_id"])}  # fmt: skip
    fields = {k: safe_cell(v) for k, v in fields.items()}  # sign exactly what the sheet will hold
    fields["checksum"] = form_checksum(fields)
    for key, value in fields.items():
        write_row(meta, [key, value])
    meta.sheet_state = "hidden"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# -- returned forms ------------------------------------------------------------------------------

FORM_KIND = "commitments"

#: Header columns only the form has (a bulk CSV of status updates has none of them).
FORM_ONLY_COLUMNS = frozenset({"recommendation", "current_status", "current_date"})

#: The hidden-sheet fields the checksum binds, in order.
SIGNED_FIELDS = ("kind", "country", "lang", "written", "rec_ids")


def _form_key() -> bytes:
    """This installation's secret for signing forms (:data:`gloact_lib.config.FORM_KEY_FILE`), made on first use."""
    import secrets

    from gloact_lib import config

    path = Path(config.FORM_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ValueError(f"{path}: the forms' signing key is empty; delete the file to make a new one")
    return key.encode("ascii")


def form_checksum(meta: dict[str, str]) -> str:
    """HMAC-SHA256 of a form's hidden-sheet fields (:data:`SIGNED_FIELDS`) with this installation's key.

    Parameters
    ----------
    meta : dict
        ``kind``, ``country``, ``lang``, ``written``, ``rec_ids`` (``;``-separated).

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    import hashlib
    import hmac

    message = "\n".join(f"{k}={meta.get(k, '')}" for k in SIGNED_FIELDS).encode("utf-8")
    return hmac.new(_form_key(), message, hashlib.sha256).hexdigest()


def is_form(kind: str, header: list[str], meta: dict[str, str]) -> bool:
    """Whether a commitments file is a returned form (an Excel file, or one with the form's columns)."""
    lowered = {h.strip().lower() for h in header}
    return kind == "xlsx" or bool(meta) or bool(lowered & FORM_ONLY_COLUMNS)


def verify_form(file_name: str, kind: str, header: list[str], meta: dict[str, str],
                country: str | None = None) -> None:  # fmt: skip
    """Refuse a commitments file that cannot be trusted as a whole, before any row is read.

    What is checked:

    - a returned form (:func:`is_form`: Excel, or a file with the form's own columns, e.g. the
      form saved as CSV) must still have its hidden ``_gloact`` sheet;
    - that sheet must be intact: its ``checksum`` must be the :func:`form_checksum` of its
      other fields, so a form whose sheet was edited (``country`` changed from MLI to NER, a
      recommendation added) is refused;
    - with ``country`` (the importer is that country's focal point), a form for another
      country is refused.

    Rows are then checked one by one (:mod:`gloact_lib.imports.formats`, format ``commitments``):
    a row whose ``iso3`` is not the form's country, not the importer's ``country``, or whose
    recommendation is not one the form lists, or does not concern the country, is rejected.

    What this protects, and what it does not.  The hidden sheet travels with the file and
    anyone with Excel can unhide and edit it; the checksum only proves that the sheet is the
    one this installation wrote (the key never leaves it), not who filled the rows in.  A
    focal point holding a genuine form of another country (forwarded by e-mail, say) can fill
    it in and it will verify.  The real enforcement is therefore the importer's country:
    import each focal point's return with ``country=`` (``gloact import --as-country ISO3``),
    so that only that country's rows can be stored, whatever the file says.  A bulk CSV of
    status updates (no form columns, no hidden sheet) is not a form: its rows are checked
    against the recommendations and, with ``country=``, against the importer's country.

    Parameters
    ----------
    file_name : str
        For the messages.
    kind : {"csv", "xlsx"}
    header : list of str
    meta : dict
        The hidden sheet's key-value pairs (empty when there is none).
    country : str, optional
        ISO alpha-3 of the importing focal point's country.

    Raises
    ------
    ReadError
        One line saying why the file is refused and what to do.
    """
    from gloact_lib.imports.readers import ReadError

    again = "ask for a new form (`gloact commitments template --country ISO3`)"
    if not is_form(kind, header, meta):
        return
    if not meta:
        raise ReadError(f"{file_name}: a commitments form must keep its hidden {META_SHEET} sheet (it records the "
                        f"form's country); this one has none: {again}")  # fmt: skip
    if meta.get("kind") != FORM_KIND or not meta.get("country"):
        raise ReadError(f"{file_name}: the hidden {META_SHEET} sheet is not a commitments form's: {again}")
    import hmac

    if not hmac.compare_digest(meta.get("checksum", ""), form_checksum(meta)):
        raise ReadError(f"{file_name}: the hidden {META_SHEET} sheet was changed (its checksum does not match), or the "
                        f"form was written by another installation of the workbook: {again}")  # fmt: skip
    if country and meta["country"] != country:
        raise ReadError(f"{file_name}: this form is for {meta['country']}, and you import as the focal point of "
                        f"{country}: import your own country's form")  # fmt: skip
