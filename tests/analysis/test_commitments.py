"""The monitoring mechanism: measures, the focal points' Excel round trip, and bad forms."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from gloact_lib import config
from gloact_lib.analysis.commitments import changes_since, latest_status, overdue, progress
from gloact_lib.imports.pipeline import ReadError, import_file
from gloact_lib.imports.readers import META_SHEET
from gloact_lib.views.forms import write_template

from ..conftest import read_report

D = dt.date


@pytest.fixture
def mech(con, write_csv):
    """Meetings and the eight Casablanca recommendations, with a few hand-made updates."""
    for name in ("meetings.csv", "recommendations.csv"):
        import_file(con, config.REFERENCE_DIR / name)
    rows = [
        {"rec_id": "casa2019-r1", "iso3": "MLI", "date": "2019-10-01", "status": "in_progress", "source": "t"},
        {"rec_id": "casa2019-r1", "iso3": "MLI", "date": "2021-05-01", "status": "achieved", "source": "t"},
        {"rec_id": "casa2019-r2", "iso3": "MLI", "date": "2020-01-15", "status": "in_progress", "source": "t"},
        {"rec_id": "casa2019-r6", "iso3": "MAR", "date": "2019-06-01", "status": "not_applicable", "source": "t"},
        {"rec_id": "casa2019-r3", "iso3": "NER", "date": "2019-01-10", "status": "in_progress", "source": "t"},
    ]
    result = import_file(con, write_csv(rows, name="updates.csv"))
    assert result.rejected == 0 and result.format == "commitments"
    return con


def test_latest_status_as_of(mech):
    now = latest_status(mech, D(2022, 1, 1)).set_index(["rec_id", "iso3"])
    assert len(now) == 24  # 8 recommendations x 3 countries
    assert now.loc[("casa2019-r1", "MLI"), "status"] == "achieved"
    assert now.loc[("casa2019-r4", "NER"), "status"] == "not_started"
    then = latest_status(mech, D(2020, 1, 1)).set_index(["rec_id", "iso3"])
    assert then.loc[("casa2019-r1", "MLI"), "status"] == "in_progress"
    assert then.loc[("casa2019-r2", "MLI"), "status"] == "not_started"


def test_progress_per_country_and_recommendation(mech):
    by_country = progress(mech, "iso3", D(2022, 1, 1)).set_index("iso3")
    assert by_country.loc["MLI", ["achieved", "in_progress", "not_started"]].tolist() == [1, 1, 6]
    assert by_country.loc["MLI", "share_achieved"] == pytest.approx(1 / 8)
    assert by_country.loc["MAR", "share_achieved"] == 0 and by_country.loc["MAR", "not_applicable"] == 1
    assert by_country.loc["MAR", "items"] == 8
    by_rec = progress(mech, "rec_id", D(2022, 1, 1)).set_index("rec_id")
    assert by_rec.loc["casa2019-r1", "share_achieved"] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="by must be"):
        progress(mech, "theme")


def test_changes_since_a_meeting_or_a_date(mech):
    since = changes_since(mech, "casablanca-2019")
    assert list(zip(since["rec_id"], since["iso3"], since["status"], since["previous_status"], strict=True)) == [
        ("casa2019-r1", "MLI", "achieved", "in_progress"),
        ("casa2019-r2", "MLI", "in_progress", "not_started"),
        ("casa2019-r1", "MLI", "in_progress", "not_started"),
        ("casa2019-r6", "MAR", "not_applicable", "not_started"),
    ]
    assert len(changes_since(mech, D(2021, 1, 1))) == 1
    with pytest.raises(ValueError, match="unknown meeting"):
        changes_since(mech, "nowhere-2030")


def test_overdue_items(mech):
    late = overdue(mech, as_of=D(2021, 6, 1), months=18).set_index(["rec_id", "iso3"])
    assert ("casa2019-r3", "NER") in late.index  # in progress since January 2019, no news since
    assert ("casa2019-r2", "MLI") not in late.index  # news in January 2020
    assert ("casa2019-r1", "MLI") not in late.index  # achieved
    assert ("casa2019-r6", "MAR") not in late.index  # not applicable
    assert ("casa2019-r5", "MLI") in late.index  # never started, adopted in April 2019


def _fill(path, edits):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for cell, value in edits.items():
        ws[cell] = value
    wb.save(path)


def test_template_round_trip(mech, tmp_path):
    form = write_template(mech, "MLI", "fr", tmp_path / "mli.xlsx")
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    assert ws.title == "engagements"
    assert [c.value for c in ws[1]] == ["code de la recommandation", "code du pays", "recommandation",
                                        "statut actuel", "date du statut actuel", "nouveau statut", "date", "preuve",
                                        "source"] and ws.max_row == 9  # fmt: skip
    assert ws["D2"].value == "réalisé"  # r1 is achieved: its current status, in French
    assert ws["G1"].comment.text.startswith("Date du nouveau statut")
    assert wb[META_SHEET].sheet_state == "hidden"
    assert any("en cours" in v.formula1 for v in ws.data_validations.dataValidation)
    # a month is a date too (README): "juin 2024" is read as its first day, as Excel reads it
    _fill(form, {"F4": "en cours", "G4": "juin 2024", "H4": "Accord signé", "I4": "Point focal MLI"})  # r3
    result = import_file(mech, form)
    assert (result.rows, result.accepted, result.rejected, result.unchanged) == (8, 1, 0, 7)  # seven untouched
    assert read_report(result.report) == []  # an untouched row is no error
    status = latest_status(mech, D(2024, 12, 31)).set_index(["rec_id", "iso3"])
    assert status.loc[("casa2019-r3", "MLI"), ["status", "evidence"]].tolist() == ["in_progress", "Accord signé"]
    assert mech.execute("SELECT format, rows_accepted FROM imports ORDER BY import_id DESC LIMIT 1").fetchall() == [
        ("commitments", 1)]  # fmt: skip
    # ... and the dashboard shows it: Mali's cell for recommendation 3 is now "in progress"
    from gloact_lib.dashboards import CommitmentsDashboard

    grid = CommitmentsDashboard(con=mech).grids["casablanca-2019"].value
    mali = grid.split("<th style='text-align:left'>Mali</th>")[1].split("</tr>")[0]
    assert mali.count("data-status='in_progress'") == 2  # r2 (hand-made update) and r3 (the form)
    assert "title='casa2019-r3: in progress (2024-06-01)'" in mali


@pytest.mark.parametrize(
    "edits, column, reason",
    [
        ({"F2": "bientôt", "G2": "2024-03-01"}, "status", "not one of"),
        ({"A2": "casa2019-r99", "F2": "en cours", "G2": "2024-03-01"}, "rec_id", "unknown recommendation"),
        ({"B2": "NER", "F2": "en cours", "G2": "2024-03-01"}, "iso3", "this form is for MLI"),
        ({"F2": "en cours"}, "date", "a date is required"),
        ({"F2": "en cours", "G2": "05/06/2024"}, "date", "ambiguous"),
    ],
)
def test_bad_forms_are_reported(mech, tmp_path, edits, column, reason):
    form = write_template(mech, "MLI", "en", tmp_path / "mli.xlsx")
    _fill(form, edits)
    before = latest_status(mech)
    result = import_file(mech, form)
    row2 = [r for r in read_report(result.report) if r["row"] == "2"]
    assert [r["column"] for r in row2] == [column] and reason in row2[0]["reason"]
    assert result.accepted == 0
    assert latest_status(mech).equals(before)


def test_a_csv_of_another_country_is_checked_against_the_recommendation(mech, write_csv):
    rows = [{"rec_id": "casa2019-r1", "iso3": "FRA", "date": "2024-01-01", "status": "achieved", "source": "x"}]
    result = import_file(mech, write_csv(rows, name="fra.csv"))
    assert "does not concern this country" in read_report(result.report)[0]["reason"]


def test_shipped_updates_are_illustrative(built_con):
    assert built_con.execute("SELECT count(*), bool_and(illustrative) FROM status_updates").fetchall()[0][1] is True


# -- returned forms: the hidden sheet, the form's country and the importer's country ------------------


def _meta(path, edits=None, delete=False):
    """Edit (or delete) a form's hidden sheet, as anyone with Excel can."""
    wb = openpyxl.load_workbook(path)
    if delete:
        del wb[META_SHEET]
    else:
        meta = wb[META_SHEET]
        for row in meta.iter_rows():
            if row[0].value in (edits or {}):
                row[1].value = edits[row[0].value]
    wb.save(path)


def test_hidden_sheet_records_and_signs_what_the_form_is_for(mech, tmp_path):
    form = write_template(mech, "MLI", "en", tmp_path / "mli.xlsx")
    meta = {r[0]: r[1] for r in openpyxl.load_workbook(form)[META_SHEET].iter_rows(values_only=True)}
    assert meta["kind"] == "commitments" and meta["country"] == "MLI"
    assert meta["rec_ids"] == ";".join(f"casa2019-r{i}" for i in range(1, 9))
    assert len(meta["checksum"]) == 64
    assert config.FORM_KEY_FILE.exists() and config.FORM_KEY_FILE.read_text().strip() not in meta.values()


@pytest.mark.parametrize("edits", [{"country": "NER"}, {"rec_ids": "casa2019-r1"}, {"checksum": "0" * 64},
                                   {"kind": "journeys"}])  # fmt: skip
def test_a_form_whose_hidden_sheet_was_edited_is_refused(mech, tmp_path, edits):
    form = write_template(mech, "MLI", "en", tmp_path / "mli.xlsx")
    _meta(form, edits)
    _fill(form, {"B2": "NER", "F2": "achieved", "G2": "2024-03-01", "B3": "MAR", "F3": "achieved", "G3": "2024-03-01"})
    before = latest_status(mech)
    with pytest.raises(ReadError, match="hidden _gloact sheet"):
        import_file(mech, form)
    assert latest_status(mech).equals(before)


@pytest.mark.parametrize(("save_as", "lang"), [("xlsx", "en"), ("csv", "en"), ("csv", "fr")])
def test_a_form_without_its_hidden_sheet_is_refused(mech, tmp_path, save_as, lang):
    form = write_template(mech, "MLI", lang, tmp_path / "mli.xlsx")
    _meta(form, delete=True)
    _fill(form, {"B2": "NER", "F2": "achieved", "G2": "2024-03-01"})
    if save_as == "csv":  # "Save as CSV" drops the hidden sheet: still a form (it has the form's columns)
        rows = list(openpyxl.load_workbook(form).worksheets[0].iter_rows(values_only=True))
        form = tmp_path / "mli.csv"
        with open(form, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["" if v is None else v for v in r] for r in rows])
    with pytest.raises(ReadError, match="must keep its hidden _gloact sheet"):
        import_file(mech, form)


def test_importer_country_refuses_another_countrys_form(mech, tmp_path):
    form = write_template(mech, "MLI", "en", tmp_path / "mli.xlsx")
    _fill(form, {"F2": "achieved", "G2": "2024-03-01"})
    with pytest.raises(ReadError, match="this form is for MLI, and you import as the focal point of NER"):
        import_file(mech, form, country="NER")
    result = import_file(mech, form, country="MLI")
    assert result.accepted == 1


def test_importer_country_rejects_rows_of_other_countries(mech, write_csv):
    rows = [{"rec_id": "casa2019-r4", "iso3": iso3, "date": "2024-01-01", "status": "achieved", "source": "x"}
            for iso3 in ("MLI", "NER", "MAR")]  # fmt: skip
    result = import_file(mech, write_csv(rows, name="bulk.csv"), country="MLI")  # a bulk CSV, not a form
    assert (result.accepted, result.rejected) == (1, 2)
    reasons = {r["value"]: r["reason"] for r in read_report(result.report)}
    assert reasons["NER"] == "you import as the focal point of MLI: rows of another country are not accepted"
    assert mech.execute("SELECT iso3 FROM status_updates WHERE date = '2024-01-01'").fetchall() == [("MLI",)]


def test_a_recommendation_not_in_the_form_is_rejected(mech, tmp_path, write_csv):
    form = write_template(mech, "MLI", "en", tmp_path / "mli.xlsx")
    rec = {"rec_id": "casa2019-r9", "meeting_id": "casablanca-2019", "number": "9", "theme": "protection",
           "text_en": "later", "text_fr": "plus tard", "countries": "MLI", "source": "t"}  # fmt: skip
    assert import_file(mech, write_csv([rec], name="recs.csv")).rejected == 0  # adopted after the form was sent
    _fill(form, {"A2": "casa2019-r9", "F2": "achieved", "G2": "2024-03-01"})
    result = import_file(mech, form, country="MLI")
    row2 = [r for r in read_report(result.report) if r["row"] == "2"]
    assert [(r["column"], r["reason"]) for r in row2] == [("rec_id", "this recommendation is not one of this form's")]


def test_cli_refuses_a_form_in_one_line(mech, tmp_path, capsys):
    from gloact_lib.app.cli import main
    from gloact_lib.data.database import connect

    db = tmp_path / "w.duckdb"
    con = connect(db)
    for name in ("meetings.csv", "recommendations.csv"):
        import_file(con, config.REFERENCE_DIR / name)
    form = write_template(con, "MLI", "fr", tmp_path / "mli.xlsx")
    con.close()
    _fill(form, {"F2": "en cours", "G2": "2024-03-01"})
    assert main(["import", str(form), "--db", str(db), "--as-country", "NER"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "this form is for MLI" in err
    assert main(["import", str(form), "--db", str(db), "--as-country", "Congo"]) == 2
    assert "ambiguous" in capsys.readouterr().err
    _meta(form, delete=True)
    assert main(["check", str(form), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must keep its hidden _gloact sheet" in err
