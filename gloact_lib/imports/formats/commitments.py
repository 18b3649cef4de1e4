"""Format ``commitments``: status updates of the recommendations, and the returned forms' check.

Rows are status updates (``rec_id``, ``iso3``, ``status``, ``date``, ``evidence``, ``source``)
for the ``status_updates`` table: a bulk CSV, or the Excel form a focal point fills in
(written by :func:`gloact_lib.views.forms.write_template`).  A returned form is refused as a
whole before any row is read when its hidden ``_gloact`` sheet is missing or was changed, or
when it is another country's (:func:`verify_form`, the format's ``check_source`` hook).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

from gloact_lib import config
from gloact_lib.i18n import LANGUAGES, t
from gloact_lib.imports.formats.base import Context, Format, table_frame
from gloact_lib.imports.readers import META_SHEET, ReadError, Source
from gloact_lib.imports.validate import Batch

__all__ = ["FORMAT", "FORM_COLUMNS", "FORM_HEADERS", "FORM_KIND", "FORM_ONLY_COLUMNS", "SIGNED_FIELDS", "STATUS",
           "form_checksum", "form_header", "is_form", "verify_form"]  # fmt: skip

STATUS = {"not_started": "not_started", "not started": "not_started", "non commencé": "not_started",
          "non commence": "not_started", "pas commencé": "not_started",
          "in_progress": "in_progress", "in progress": "in_progress", "en cours": "in_progress",
          "achieved": "achieved", "réalisé": "achieved", "realise": "achieved", "atteint": "achieved",
          "not_applicable": "not_applicable", "not applicable": "not_applicable", "sans objet": "not_applicable",
          "non applicable": "not_applicable"}  # fmt: skip


def _commitments(b: Batch, ctx: Context) -> pd.DataFrame:
    """Status updates, from the form ``gloact commitments template`` writes (or any file with its columns)."""
    rec_id = b.text("rec_id", required=True)
    iso3 = b.country("iso3")
    unknown = (rec_id != "") & ~rec_id.isin(list(ctx.recommendations))
    b.reject(unknown.to_numpy(), "rec_id", "unknown recommendation")
    concerns = [r in ctx.recommendations and c is not None and c in ctx.recommendations[r]
                for r, c in zip(rec_id, iso3, strict=True)]  # fmt: skip
    not_concerned = (~unknown & iso3.notna() & ~pd.Series(concerns, index=b.df.index)).to_numpy()
    b.reject(not_concerned, "iso3", "this recommendation does not concern this country")
    # The hidden sheet was verified before any row was read (verify_form, the check_source hook); the
    # importer's own country is the check a focal point cannot get round by editing the file.
    form_country = ctx.meta.get("country")
    if form_country:
        other = (iso3.notna() & (iso3 != form_country)).to_numpy()
        b.reject(other, "iso3", f"this form is for {form_country}: rows of another country are not accepted")
    if ctx.country and ctx.country != form_country:
        other = (iso3.notna() & (iso3 != ctx.country)).to_numpy()
        b.reject(other, "iso3", f"you import as the focal point of {ctx.country}: rows of another country are "
                 "not accepted")  # fmt: skip
    if ctx.meta.get("rec_ids"):
        listed = set(ctx.meta["rec_ids"].split(";"))
        b.reject((~unknown & (rec_id != "") & ~rec_id.isin(listed)).to_numpy(), "rec_id",
                 "this recommendation is not one of this form's")  # fmt: skip
    status, date, evidence = b.raw("status"), b.raw("date"), b.raw("evidence")
    # A row left as the form wrote it asks for no change: counted as unchanged, neither stored nor rejected.
    b.skip(((status == "") & (date == "") & (evidence == "")).to_numpy())
    b.reject(((status == "") & (date == "") & (evidence != "")).to_numpy(), "status",
             "evidence given without a status and a date")  # fmt: skip
    b.reject(((status == "") & (date != "")).to_numpy(), "status", "a status is required with a date")
    b.reject(((status != "") & (date == "")).to_numpy(), "date", "a date is required with a status")
    data = {
        "rec_id": rec_id,
        "iso3": iso3,
        "date": pd.to_datetime(b.date("date", required=False, month=True)),  # "juin 2024" is 2024-06-01
        "status": b.choice("status", STATUS, default=""),
        "evidence": b.text("evidence"),
        "source": b.text("source", default=f"form {ctx.file_name}"),
        "illustrative": b.boolean("illustrative"),
    }
    return table_frame("status_updates", data, b.df.index)


# -- returned forms --------------------------------------------------------------------------------

#: The ``kind`` a commitments form's hidden sheet records.
FORM_KIND = "commitments"

#: Header columns only the form has (a bulk CSV of status updates has none of them).
FORM_ONLY_COLUMNS = frozenset({"recommendation", "current_status", "current_date"})

#: The form's columns, in order (:func:`gloact_lib.views.forms.write_template`).
FORM_COLUMNS = ("rec_id", "iso3", "recommendation", "current_status", "current_date", "status", "date", "evidence",
                "source")  # fmt: skip
#: A header of the form in any language (lower case) -> its column: a French form's "nouveau statut" is ``status``.
FORM_HEADERS = {t(f"form_col_{c}", lang).lower(): c for c in FORM_COLUMNS for lang in LANGUAGES}


def form_header(column: str, lang: str = "en") -> str:
    """A column's header in the form written in ``lang`` ("status", "nouveau statut")."""
    return t(f"form_col_{column}", lang)

#: The hidden-sheet fields the checksum binds, in order.
SIGNED_FIELDS = ("kind", "country", "lang", "written", "rec_ids")


def _form_key() -> bytes:
    """This installation's secret for signing forms (:data:`gloact_lib.config.FORM_KEY_FILE`), made on first use."""
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
    message = "\n".join(f"{k}={meta.get(k, '')}" for k in SIGNED_FIELDS).encode("utf-8")
    return hmac.new(_form_key(), message, hashlib.sha256).hexdigest()


def is_form(kind: str, header: list[str], meta: dict[str, str]) -> bool:
    """Whether a commitments file is a returned form (an Excel file, or one with the form's columns)."""
    lowered = {FORM_HEADERS.get(h.strip().lower(), h.strip().lower()) for h in header}
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

    Rows are then checked one by one (the format's ``transform``): a row whose ``iso3`` is not
    the form's country, not the importer's ``country``, or whose recommendation is not one the
    form lists, or does not concern the country, is rejected.

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
    again = "ask for a new form (`gloact commitments template --country ISO3`)"
    if not is_form(kind, header, meta):
        return
    if not meta:
        raise ReadError(f"{file_name}: a commitments form must keep its hidden {META_SHEET} sheet (it records the "
                        f"form's country); this one has none: {again}")  # fmt: skip
    if meta.get("kind") != FORM_KIND or not meta.get("country"):
        raise ReadError(f"{file_name}: the hidden {META_SHEET} sheet is not a commitments form's: {again}")
    if not hmac.compare_digest(meta.get("checksum", ""), form_checksum(meta)):
        raise ReadError(f"{file_name}: the hidden {META_SHEET} sheet was changed (its checksum does not match), or the "
                        f"form was written by another installation of the workbook: {again}")  # fmt: skip
    if country and meta["country"] != country:
        raise ReadError(f"{file_name}: this form is for {meta['country']}, and you import as the focal point of "
                        f"{country}: import your own country's form")  # fmt: skip


def _check_source(source: Source, ctx: Context) -> None:
    """The format's ``check_source`` hook: :func:`verify_form` on the opened file."""
    verify_form(ctx.file_name, source.kind, source.header or [], source.meta, ctx.country)


FORMAT = Format(
    name="commitments",
    table="status_updates",
    signature=frozenset({"rec_id", "iso3", "status", "date"}),
    required=("rec_id", "iso3", "status", "date"),
    transform=_commitments,
    aliases={header: column for header, column in FORM_HEADERS.items() if header != column},
    check_source=_check_source,
)
