"""The focal points' Excel form: one row per recommendation concerning a country, to fill in.

:func:`write_template` writes the form (``gloact commitments template``); a returned form is
imported back with ``gloact import --as-country ISO3`` (format ``commitments``), which first
checks its hidden sheet (:func:`gloact_lib.imports.formats.commitments.verify_form`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from gloact_lib.analysis.commitments import latest_status
from gloact_lib.data.countries import country_name
from gloact_lib.data.schema import STATUSES
from gloact_lib.i18n import LABELS, LANGUAGES, t
from gloact_lib.imports.formats.commitments import FORM_COLUMNS, FORM_KIND, form_checksum, form_header
from gloact_lib.imports.readers import META_SHEET

__all__ = ["TEMPLATE_COLUMNS", "write_template"]

#: The form's columns, in order (``rec_id`` and ``iso3`` must not be changed); their headers are in the form's
#: language (:func:`~gloact_lib.imports.formats.commitments.form_header`), and the import reads both languages.
TEMPLATE_COLUMNS = list(FORM_COLUMNS)


def write_template(con: duckdb.DuckDBPyConnection, country: str, lang: str, out: str | Path) -> Path:
    """Write the Excel form a country's focal point fills in.

    One row per recommendation concerning the country, pre-filled with its current status;
    the headers are in ``lang`` and the ``status`` column has a drop-down list (in ``lang``).  A hidden
    ``_gloact`` sheet records what the form is for: ``kind``, ``country``, ``lang``, ``written``, the
    ``rec_ids`` it lists, and a ``checksum`` (HMAC-SHA256 with this installation's key, see
    :func:`~gloact_lib.imports.formats.commitments.form_checksum`) binding them, so that an edit
    of the hidden sheet is detected on import
    (:func:`~gloact_lib.imports.formats.commitments.verify_form`).  Every cell is written through
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

    if lang not in LANGUAGES:
        raise ValueError(f"lang must be 'en' or 'fr', not {lang!r}")
    status = latest_status(con)
    mine = status[status["iso3"] == country]
    if mine.empty:
        raise ValueError(f"no recommendation concerns {country!r}")
    wb = Workbook()
    ws = wb.active
    ws.title = t("form_sheet", lang)
    write_row(ws, [form_header(column, lang) for column in TEMPLATE_COLUMNS])
    for r in mine.itertuples():
        write_row(ws, [
            r.rec_id, r.iso3, f"{r.number}. {r.text_fr if lang == 'fr' else r.text_en}",
            t(r.status, lang), f"{r.date:%Y-%m-%d}" if pd.notna(r.date) else "", "", "", "", "",
        ])  # fmt: skip
    grey = PatternFill("solid", fgColor="EEEEEE")
    for cell, column in zip(ws[1], TEMPLATE_COLUMNS, strict=True):
        cell.font = Font(bold=True)
        if f"form_help_{column}" in LABELS:
            cell.comment = Comment(t(f"form_help_{column}", lang), "GLO.ACT")
    for row in ws.iter_rows(min_row=2):
        for cell in row[:5]:
            cell.fill = grey
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHI", (14, 7, 70, 16, 13, 16, 13, 40, 28), strict=True):
        ws.column_dimensions[column].width = width
    choices = ",".join(t(s, lang) for s in STATUSES)
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    validation.add(f"F2:F{ws.max_row}")
    ws.add_data_validation(validation)
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    dates.add(f"G2:G{ws.max_row}")
    ws.add_data_validation(dates)
    ws.freeze_panes = "C2"
    about = wb.create_sheet(t("form_info_sheet", lang))
    write_cell(about["A1"], t("form_intro", lang, country=country_name(country, lang)))
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
