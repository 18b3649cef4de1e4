"""The gloact command: --json output, exit codes, --db isolation."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gloact_lib import config
from gloact_lib.app.cli import main

from ..conftest import journey, read_report


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gloact_lib.app.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_import_json_and_exit_zero_with_rejections(tmp_path, write_csv):
    db = tmp_path / "w.duckdb"
    path = write_csv([journey(journey_id="a"), journey(journey_id="b", persons="0")])
    report = tmp_path / "rej.csv"
    done = run("import", str(path), "--db", str(db), "--json", "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"rows": 2, "accepted": 1, "rejected": 1, "unchanged": 0, "report": str(report)}
    assert report.exists()


def test_unreadable_file_exits_two_with_one_line(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    done = run("import", str(path), "--db", str(tmp_path / "w.duckdb"), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "data.csv" in done.stderr


def test_missing_file_exits_two(tmp_path):
    done = run("check", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2 and "no such file" in done.stderr


def test_check_without_a_database_creates_none(tmp_path, write_csv):
    db = tmp_path / "absent.duckdb"
    assert main(["check", str(write_csv([journey()])), "--db", str(db), "--json"]) == 0
    assert not db.exists()


def test_commands_never_touch_the_default_database(tmp_path, write_csv, monkeypatch):
    default = config.DEFAULT_DB
    stamp = default.stat().st_mtime_ns if default.exists() else None
    db = tmp_path / "second.duckdb"
    assert main(["import", str(write_csv([journey()])), "--db", str(db)]) == 0
    assert db.exists()
    assert (default.stat().st_mtime_ns if default.exists() else None) == stamp


def test_build_db_refuses_to_overwrite(tmp_path, capsys):
    db = tmp_path / "b.duckdb"
    db.write_bytes(b"")
    assert main(["build-db", "--db", str(db)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["build-db", "--db", str(db), "--if-missing"]) == 0


@pytest.mark.parametrize("fmt", ["journeys", "frontex"])
def test_explicit_format_checks_required_columns(tmp_path, write_csv, fmt):
    path = write_csv([journey()])
    done = run("check", str(path), "--format", fmt, "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == (0 if fmt == "journeys" else 2)


# Rejection reports go beside the database given with --db, never into the checkout. The commands
# run in a subprocess: there config.REPORTS_DIR is the checkout's maps/reports (the autouse fixture
# points it at tmp_path only in this process), so a report going there would be seen.

CHECKOUT_REPORTS = Path(__file__).resolve().parents[2] / "maps" / "reports"


def _snapshot(stems) -> dict[str, int]:
    """Files under the checkout's maps/reports from these inputs (others' runs may write other files)."""
    if not CHECKOUT_REPORTS.exists():
        return {}
    return {str(p.relative_to(CHECKOUT_REPORTS)): p.stat().st_mtime_ns for p in CHECKOUT_REPORTS.rglob("*")
            if p.is_file() and p.name.split(".")[0] in stems}  # fmt: skip


def test_build_db_writes_its_reports_beside_the_database(tmp_path):
    from gloact_lib.imports.build import REFERENCE_FILES

    stems = {Path(rel).stem for rel in REFERENCE_FILES}
    before = _snapshot(stems)
    db = tmp_path / "w" / "gloact.duckdb"
    done = run("build-db", "--db", str(db))
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in (tmp_path / "w" / "reports").rglob("*.csv"))
    assert written == sorted(f"{stem}.rejections.csv" for stem in stems)  # one report per file imported
    assert _snapshot(stems) == before


@pytest.mark.parametrize(("command", "with_db"), [("import", True), ("check", True), ("check", False)])
def test_import_and_check_write_their_report_beside_the_database(tmp_path, write_csv, built_db, command, with_db):
    stem = f"beside_{command}_{with_db}"
    path = write_csv([journey(journey_id="a"), journey(journey_id="b", persons="0")], name=f"{stem}.csv")
    db = tmp_path / "w" / "gloact.duckdb"
    if with_db:
        db.parent.mkdir()
        shutil.copy(built_db, db)
    before = _snapshot({stem})
    done = run(command, str(path), "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    report = Path(json.loads(done.stdout)["report"])
    assert report.parent == tmp_path / "w" / "reports"
    assert report.name.startswith(f"{stem}.{command}.") and report.name.endswith(".rejections.csv")
    assert [r["reason"] for r in read_report(report)] != []
    assert db.exists() == with_db  # a check creates no database
    assert _snapshot({stem}) == before


@pytest.mark.parametrize("command", ["import", "check"])
def test_report_option_wins_over_the_folder_beside_the_database(tmp_path, write_csv, built_db, command):
    db = tmp_path / "w" / "gloact.duckdb"
    db.parent.mkdir()
    shutil.copy(built_db, db)
    report = tmp_path / "elsewhere" / "mine.csv"
    path = write_csv([journey(journey_id="a"), journey(journey_id="b", persons="0")])
    done = run(command, str(path), "--db", str(db), "--report", str(report), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["report"] == str(report) and len(read_report(report)) == 1
    assert not (tmp_path / "w" / "reports").exists()


def test_two_checks_in_one_second_keep_both_reports(tmp_path, write_csv, capsys):
    path = write_csv([journey(persons="0")])
    db = tmp_path / "w" / "gloact.duckdb"
    for _ in range(3):
        assert main(["check", str(path), "--db", str(db), "--json"]) == 0
    reports = {json.loads(line)["report"] for line in capsys.readouterr().out.splitlines()}
    assert len(reports) == 3 and all(Path(r).parent == db.parent / "reports" and Path(r).exists() for r in reports)


def test_reports_dir_and_database_path(tmp_path):
    from gloact_lib.data.database import connect, database_path, reports_dir

    assert reports_dir(tmp_path / "w" / "gloact.duckdb") == tmp_path / "w" / "reports"
    assert reports_dir(None) == reports_dir(":memory:") == config.REPORTS_DIR
    con = connect(tmp_path / "x.duckdb")
    try:
        assert database_path(con) == (tmp_path / "x.duckdb").resolve()
        assert reports_dir(database_path(con)) == (tmp_path / "reports").resolve()
    finally:
        con.close()
    assert database_path(connect(":memory:")) is None


def test_import_refuses_a_repeated_download_and_allow_repeats_stores_it(tmp_path):
    """Issue 11: the same CTDC download saved with LF endings is refused (exit 2, one line naming the earlier
    import); --allow-repeats stores it and says so; --json counts unchanged rows."""
    from tests.imports.ctdc_download import ctdc_rows, write_ctdc

    db = tmp_path / "w.duckdb"
    rows = ctdc_rows(120)
    first = write_ctdc(tmp_path / "ctdc.csv", rows)
    again = write_ctdc(tmp_path / "ctdc-lf.csv", rows, newline="\n")
    assert run("build-db", "--db", str(db)).returncode == 0
    done = run("import", "--db", str(db), "--json", str(first))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["accepted"] == 120
    refused = run("import", "--db", str(db), str(again))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert all(part in refused.stderr for part in ("ctdc.csv", "120 row(s) repeat", "--allow-repeats"))
    checked = run("check", "--db", str(db), str(again))
    assert checked.returncode == 2 and "repeat" in checked.stderr
    stored = run("import", "--db", str(db), "--json", "--allow-repeats", str(again))
    assert stored.returncode == 0, stored.stderr
    summary = json.loads(stored.stdout)
    assert summary["repeated"] == 120 and summary["rows"] == summary["accepted"] + summary["rejected"] + summary[
        "unchanged"]  # fmt: skip
