"""The gloact command: --json output, exit codes, --db isolation."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gloact_lib import config
from gloact_lib.app.cli import main

from ..conftest import journey


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gloact_lib.app.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_import_json_and_exit_zero_with_rejections(tmp_path, write_csv):
    db = tmp_path / "w.duckdb"
    path = write_csv([journey(journey_id="a"), journey(journey_id="b", persons="0")])
    report = tmp_path / "rej.csv"
    done = run("import", str(path), "--db", str(db), "--json", "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"rows": 2, "accepted": 1, "rejected": 1, "report": str(report)}
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
