"""No cell the workbook writes for a spreadsheet can become a formula, whatever the separator or Unicode form.

Every writer is tried with hostile values and read back as a spreadsheet program would:
the Excel form with openpyxl (no cell of type ``f``), the CSV files with the csv module split
on ``,`` and also on ``;``, tab and ``|`` (a French Excel splits a comma-separated file on
``;``), every field checked after NFKC.
"""

from __future__ import annotations

import csv
import unicodedata

import openpyxl
import pytest

from gloact_lib import config
from gloact_lib.data import sample
from gloact_lib.imports.pipeline import import_file
from gloact_lib.spreadsheet import is_dangerous, safe_cell, safe_value, write_row
from gloact_lib.views.forms import write_template

from .conftest import journey, read_report

HOSTILE = ["=1+1", "+1", "-1+1", "@SUM(A1)", "x;=1+1", "a,=2", "\uff1d1+1", "\t=1", '=HYPERLINK("http://x","y")',
           "\uff0b1", "\uff201", "\ufe661", " =1", "x| =1", "x\r\n=1", "a\uff1b\uff1d1", "\r@A1",
           "=cmd|' /C calc'!A0", "-2+3", "\u3000=1"]  # fmt: skip
HARMLESS = ["Niger", "-5", "-2.5", "e-mail", "A-1", "", "Côte d'Ivoire", "1+1", "x=1"]


def _live(text: str) -> bool:
    """Whether a spreadsheet splitting ``text`` on any separator could meet a formula (the rule, independently)."""
    norm = unicodedata.normalize("NFKC", text)
    if norm[:1] in ("\t", "\r"):
        return True
    for sep in ",;\t|\r\n":
        norm = norm.replace(sep, "\x00")
    for segment in norm.split("\x00"):
        s = segment.strip()
        if s[:1] in ("=", "+", "@"):
            return True
        if s[:1] == "-":
            try:
                float(s)
            except ValueError:
                return True
    return False


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_neutralised(value):
    assert _live(value) and is_dangerous(value)
    safe = safe_cell(value)
    assert not _live(safe), repr(safe)
    assert safe.replace("'", "") == value.replace("'", "")  # only apostrophes are added
    assert safe_cell(safe) == safe  # once is enough


@pytest.mark.parametrize("value", HARMLESS)
def test_harmless_values_are_unchanged(value):
    assert safe_cell(value) == value and not is_dangerous(value)


def test_numbers_stay_numbers():
    assert safe_value(-5) == -5 and isinstance(safe_value(-5), int)
    assert safe_value(-2.5) == -2.5 and safe_value(None) is None
    wb = openpyxl.Workbook()
    write_row(wb.active, [-5, "-5", "=1+1", 2.5])
    a, b, c, d = wb.active[1]
    assert (a.value, a.data_type) == (-5, "n") and (d.value, d.data_type) == (2.5, "n")
    assert b.data_type == "s" and c.data_type == "s" and c.value == "'=1+1"


def _csv_cells(path, delimiter: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh, delimiter=delimiter) for cell in row]


def _assert_csv_safe(path) -> None:
    for delimiter in (",", ";", "\t", "|"):
        for cell in _csv_cells(path, delimiter):
            assert not _live(cell), (delimiter, cell)


def test_rejection_report(con, write_csv):
    rows = [journey(journey_id=f"j{i}", origin=value) for i, value in enumerate(HOSTILE)]
    rows.append(journey(journey_id="n", persons="-5"))
    result = import_file(con, write_csv(rows))
    assert result.rejected == len(rows)
    report = read_report(result.report)
    values = {r["row"]: r["value"] for r in report}
    assert [r["value"] for r in report if r["column"] == "persons"] == ["-5"]  # a negative number stays as it was
    assert values["2"] == "'=1+1" and values["6"] == "x;'=1+1" and values["8"] == "'\uff1d1+1"
    _assert_csv_safe(result.report)


def test_rejection_report_of_a_row_with_the_wrong_field_count(con, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(",".join(journey()) + "\n" + '"x;=1+1",trafficking\n', encoding="utf-8")
    result = import_file(con, path)
    assert read_report(result.report)[0]["value"] == "x;'=1+1"
    _assert_csv_safe(result.report)


@pytest.fixture
def hostile_recs(con, write_csv):
    import_file(con, config.REFERENCE_DIR / "meetings.csv")
    rows = [{"rec_id": f"casa2019-r{i}", "meeting_id": "casablanca-2019", "number": str(i), "theme": "protection",
             "text_en": value, "text_fr": value, "countries": "MLI", "translation_note": "", "source": value}
            for i, value in enumerate(HOSTILE, 1)]  # fmt: skip
    rows.append({**rows[0], "rec_id": '=HYPERLINK("http://x","y")', "number": "99"})  # a hostile id too
    assert import_file(con, write_csv(rows, name="recommendations.csv")).rejected == 0
    return con


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_excel_form(hostile_recs, tmp_path, lang):
    form = write_template(hostile_recs, "MLI", lang, tmp_path / "mli.xlsx")
    wb = openpyxl.load_workbook(form)  # not data_only: a formula would come back as one
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("=")
                    assert not _live(cell.value), (ws.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    assert "1. '=1+1" not in texts  # the number prefix makes the text harmless as it is ...
    assert '5. x;\'=1+1' in texts  # ... but a segment after a separator is still neutralised
    assert '\'=HYPERLINK("http://x","y")' in texts  # the hostile rec_id, in column A and in the hidden sheet


def test_sample_writers(tmp_path, monkeypatch):
    hostile = {c: HOSTILE[i % len(HOSTILE)] for i, c in enumerate(sample.COLUMNS)}
    monkeypatch.setattr(sample, "sample_rows", lambda n, seed: [hostile])
    path = sample.write_sample(tmp_path / "j.csv")
    _assert_csv_safe(path)
    monkeypatch.setattr(sample, "status_rows", lambda seed: [dict.fromkeys(sample.STATUS_COLUMNS, "a,=2")])
    path = sample.write_status_sample(tmp_path / "s.csv")
    _assert_csv_safe(path)
