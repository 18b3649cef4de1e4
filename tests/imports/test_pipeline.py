"""Bad input, each with a test: every row is stored or reported, a failed import changes nothing."""

from __future__ import annotations

import json
from types import SimpleNamespace

import openpyxl
import pytest

from gloact_lib import config
from gloact_lib.data.sql import scalar
from gloact_lib.imports.pipeline import ReadError, check_file, import_file, safe_cell

from ..conftest import JOURNEY_HEADER, journey, read_report


def snapshot(con) -> dict:
    """Everything an import may touch."""
    return {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("journeys", "imports", "rejections", "places")
    }


def reasons(result) -> dict[tuple[int, str], str]:
    return {(int(r["row"]), r["column"]): r["reason"] for r in read_report(result.report)}


def test_valid_file_is_stored_with_audit(con, write_csv):
    path = write_csv([journey(journey_id="a"), journey(journey_id="b", via="")])
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (2, 2, 0)
    rows = con.execute("SELECT journey_id, origin, via, via_countries, destination, period_end FROM journeys "
                       "ORDER BY 1").fetchall()  # fmt: skip
    assert rows[0][:5] == ("a", "NGA", "NER;agadez", "NER;NER", "LBY")
    assert str(rows[0][5]) == "2018-06-18"  # an empty period_end is the end of period_start's period
    audit = con.execute("SELECT file_name, format, rows_read, rows_accepted, rows_rejected, sha256 FROM imports "
                        "WHERE file_name = 'input.csv'").fetchall()  # fmt: skip
    assert audit[0][:5] == ("input.csv", "journeys", 2, 2, 0)
    assert len(audit[0][5]) == 64


@pytest.mark.parametrize(
    "override, column, reason",
    [
        ({"origin": "Atlantis"}, "origin", "unknown place or country"),
        ({"origin": "Congo"}, "origin", "ambiguous"),
        ({"destination": "Nigerr"}, "destination", "unknown place or country"),
        ({"via": "agadez;Timbuktoo"}, "via", "unknown place or country 'Timbuktoo' in via"),
        ({"persons": "0"}, "persons", "at least 1"),
        ({"persons": "-4"}, "persons", "at least 1"),
        ({"persons": "three"}, "persons", "not a whole number"),
        ({"persons": "2.5"}, "persons", "not a whole number"),
        ({"persons": ""}, "persons", "required"),
        ({"period_start": "05/06/2018"}, "period_start", "ambiguous date"),
        ({"period_start": "2018-02-30"}, "period_start", "not a valid date"),
        ({"period_start": "2019-01-01", "period_end": "2018-12-31"}, "period_end", "before period_start"),
        ({"crime": "theft"}, "crime", "not one of"),
        ({"sex": "x"}, "sex", "not one of"),
        ({"reporting_country": "Narnia"}, "reporting_country", "unknown country"),
        ({"journey_id": ""}, "journey_id", "required"),
    ],
)
def test_bad_values_are_reported_with_row_column_value_reason(con, write_csv, override, column, reason):
    path = write_csv([journey(journey_id="ok"), journey(**({"journey_id": "bad"} | override))])
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (2, 1, 1)
    report = read_report(result.report)
    assert [(r["row"], r["column"]) for r in report] == [("3", column)]
    assert reason in report[0]["reason"]
    assert report[0]["value"] == safe_cell(override.get(column, ""))
    stored = [r[0] for r in con.execute("SELECT journey_id FROM journeys").fetchall()]
    assert stored == ["ok"]
    assert scalar(con, "SELECT count(*) FROM rejections WHERE row = 3") == 1


@pytest.mark.parametrize(
    "start, expected",
    [("2018-06-18", "2018-06-18"), ("18/06/2018", "2018-06-18"), ("June 2018", "2018-06-01")],
)
def test_three_date_forms_accepted(con, write_csv, start, expected):
    import_file(con, write_csv([journey(period_start=start)]))
    assert str(scalar(con, "SELECT period_start FROM journeys")) == expected


def test_several_errors_on_one_row_count_once(con, write_csv):
    path = write_csv([journey(origin="Atlantis", persons="0", sex="x")])
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (1, 0, 1)
    assert {c for _, c in reasons(result)} == {"origin", "persons", "sex"}


def test_duplicate_ids_within_the_file(con, write_csv):
    path = write_csv([journey(journey_id="x"), journey(journey_id="y"), journey(journey_id="x")])
    result = import_file(con, path)
    assert (result.accepted, result.rejected) == (2, 1)
    assert reasons(result) == {(4, "journey_id"): "duplicate journey_id: first seen on row 2"}


def test_duplicate_ids_against_the_database(con, write_csv, tmp_path):
    import_file(con, write_csv([journey(journey_id="x")], name="first.csv"))
    second = import_file(con, write_csv([journey(journey_id="x"), journey(journey_id="z")], name="second.csv"))
    assert (second.accepted, second.rejected) == (1, 1)
    assert "already in the database" in reasons(second)[(2, "journey_id")]
    assert scalar(con, "SELECT count(*) FROM journeys") == 2


def test_missing_required_columns_is_one_clear_error(con, write_csv):
    path = write_csv([{"journey_id": "a", "origin": "NGA", "destination": "LBY"}])
    before = snapshot(con)
    with pytest.raises(ReadError) as err:
        import_file(con, path)
    message = str(err.value)
    assert "input.csv" in message and "missing required column" in message
    for column in ("crime", "persons", "period_start"):
        assert column in message
    assert "\n" not in message
    assert snapshot(con) == before


def test_empty_file(con, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match="empty.csv: the file is empty"):
        import_file(con, path)


def test_header_only_file_reads_zero_rows(con, write_csv):
    result = import_file(con, write_csv([]))
    assert (result.rows, result.accepted, result.rejected) == (0, 0, 0)


def test_binary_file_renamed_csv(con, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    before = snapshot(con)
    with pytest.raises(ReadError, match="photo.csv: binary content"):
        import_file(con, path)
    assert snapshot(con) == before


def test_unknown_format_is_a_read_error(con, write_csv):
    with pytest.raises(ReadError, match="cannot tell the format"):
        import_file(con, write_csv([{"a": "1", "b": "2"}]))


def test_wrong_field_count_rows_are_reported(con, tmp_path):
    path = tmp_path / "ragged.csv"
    good = ",".join(journey().get(h, "") for h in JOURNEY_HEADER)
    path.write_text(",".join(JOURNEY_HEADER) + "\n" + good + "\n" + "j2,trafficking,3\n", encoding="utf-8")
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (2, 1, 1)
    assert "expected 13 fields, found 3" in reasons(result)[(3, "")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_encodings_and_delimiters(con, write_csv, encoding, delimiter):
    path = write_csv([journey(origin="Côte d'Ivoire", source="Ministère de la Justice")],
                     encoding=encoding, delimiter=delimiter)  # fmt: skip
    result = import_file(con, path)
    assert result.rejected == 0
    assert con.execute("SELECT origin, source FROM journeys").fetchall() == [("CIV", "Ministère de la Justice")]


def test_excel_file(con, tmp_path):
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(JOURNEY_HEADER)
    row = journey()
    row["period_start"] = dt.datetime(2018, 6, 18)
    row["persons"] = 3
    ws.append([row[h] for h in JOURNEY_HEADER])
    ws.append([journey(journey_id="j2", persons="-1")[h] for h in JOURNEY_HEADER])
    path = tmp_path / "figures.xlsx"
    wb.save(path)
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (2, 1, 1)
    assert reasons(result) == {(3, "persons"): "must be at least 1"}
    assert str(scalar(con, "SELECT period_start FROM journeys")) == "2018-06-18"


def test_html_and_formulas_are_stored_as_text_and_neutralised_on_export(con, write_csv):
    html = "<img src=x onerror=alert(1)>"
    formula = '=HYPERLINK("http://evil.example","click")'
    path = write_csv([journey(journey_id="a", source=html), journey(journey_id="b", source=formula),
                      journey(journey_id="c", origin=formula)])  # fmt: skip
    result = import_file(con, path)
    assert scalar(con, "SELECT source FROM journeys WHERE journey_id = 'a'") == html
    assert scalar(con, "SELECT source FROM journeys WHERE journey_id = 'b'") == formula
    report = read_report(result.report)
    assert report[0]["value"] == "'" + formula  # never a live formula in the spreadsheet report
    assert not any(cell.startswith("=") for r in report for cell in r.values())


@pytest.mark.parametrize("value, safe", [("=1+1", "'=1+1"), ("+A1", "'+A1"), ("@SUM(A1)", "'@SUM(A1)"),
                                         ("-2+3", "'-2+3"), ("-5", "-5"), ("Niger", "Niger")])  # fmt: skip
def test_safe_cell(value, safe):
    assert safe_cell(value) == safe


def test_crash_midway_leaves_the_database_as_before(con, write_csv, monkeypatch):
    import_file(con, write_csv([journey(journey_id="existing")], name="first.csv"))
    before = snapshot(con)
    monkeypatch.setattr(config, "IMPORT_CHUNK_ROWS", 2)
    rows = [journey(journey_id=f"n{i}") for i in range(7)]
    path = write_csv(rows, name="big.csv")

    from gloact_lib.imports import stage as staging

    real = staging.insert_frame
    calls = {"n": 0}

    def failing_insert(con_, table, frame):
        if table == "stage":
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError("disk full (simulated)")
        return real(con_, table, frame)

    monkeypatch.setattr(staging, "insert_frame", failing_insert)
    with pytest.raises(OSError, match="simulated"):
        import_file(con, path)
    assert calls["n"] == 3  # two batches were staged before the failure
    assert snapshot(con) == before
    monkeypatch.setattr(staging, "insert_frame", real)
    assert import_file(con, path).accepted == 7  # and the connection is still usable


def test_check_stores_nothing_but_reports_the_same(con, write_csv):
    path = write_csv([journey(journey_id="a"), journey(journey_id="b", persons="0")])
    before = snapshot(con)
    checked = check_file(con, path)
    assert snapshot(con) == before
    assert checked.import_id is None
    imported = import_file(con, path)
    assert checked.summary() | {"report": ""} == imported.summary() | {"report": ""}


def test_places_table_untouched_by_journey_import(con, write_csv):
    assert scalar(con, "SELECT count(*) FROM places") == 18
    import_file(con, write_csv([journey()]))
    assert scalar(con, "SELECT count(*) FROM places") == 18


def test_result_summary_is_the_cli_json(con, write_csv):
    result = import_file(con, write_csv([journey()]))
    assert json.loads(json.dumps(result.summary())) == {
        "rows": 1, "accepted": 1, "rejected": 0, "unchanged": 0, "report": result.report}  # fmt: skip


def test_staging_left_by_a_killed_import_is_cleaned_on_open(tmp_path):
    from gloact_lib.data.database import connect

    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("CREATE TABLE _stage_journeys_dead (x INT)")
    con.execute("CREATE TABLE _rej_dead (x INT)")
    con.close()
    con = connect(db)
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert not {"_stage_journeys_dead", "_rej_dead"} & names
    assert "journeys" in names


#: An import in a process whose pandas runs without pyarrow (as in a served kernel, ``gloact_lib/_lean.py``).
_LEAN_IMPORT = """
import json, sys
from gloact_lib.imports.build import scratch
from gloact_lib.imports.pipeline import import_file
assert sys.modules.get("pyarrow") is None
con = scratch()
result = import_file(con, sys.argv[1])
rows = con.execute("SELECT * EXCLUDE (import_id, rkey) FROM journeys ORDER BY journey_id").fetchall()
print(json.dumps([[result.rows, result.accepted, result.rejected], str(result.report), rows], default=str))
"""


def test_an_import_without_pyarrow_stores_the_same_rows(con, write_csv):
    """Batches go to DuckDB as Arrow tables, or as frames where pyarrow cannot be imported (a process whose pandas
    runs without it, as a served kernel's): the same rows stored, the same rows reported (record keys aside: their
    secret is one per database)."""
    import os
    import subprocess
    import sys

    from gloact_lib._lean import LEAN_KERNEL_ENV

    path = write_csv([journey(journey_id="a"), journey(journey_id="b", via="", persons="x"),
                      journey(journey_id="c", origin="Côte d'Ivoire", destination="=cmd|' /C calc'!A0")])  # fmt: skip
    result = import_file(con, path)
    rows = con.execute("SELECT * EXCLUDE (import_id, rkey) FROM journeys ORDER BY journey_id").fetchall()
    here = json.loads(json.dumps([[result.rows, result.accepted, result.rejected], rows], default=str))
    env = {**os.environ, LEAN_KERNEL_ENV: "1"}
    done = subprocess.run([sys.executable, "-c", _LEAN_IMPORT, str(path)], env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    counts, report, stored = json.loads(done.stdout)
    assert here[0] == [3, 1, 2] and [counts, stored] == here
    assert reasons(SimpleNamespace(report=report)) == reasons(result) and len(reasons(result)) == 2
