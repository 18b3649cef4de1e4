"""The command line on a shared workbook: build-db, users, copy and every reading command with ``--db
postgresql://…`` or ``GLOACT_DB``; refusals are one line and exit 2, never a password."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest

from gloact_lib.app.cli import main
from gloact_lib.data.database import connect

pytestmark = pytest.mark.postgres


def _gloact(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "gloact_lib.app.cli", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd)  # fmt: skip


def test_build_db_on_a_server_then_users_then_reading_as_a_focal_point(pg_cluster, tmp_path, capsys):
    url = pg_cluster.create_database("cli_build")
    assert main(["build-db", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "built postgresql://gloact_super:***@" in out and pg_cluster.password not in out
    assert main(["build-db", "--db", url]) == 1  # a second build does not replace it silently
    assert "already holds a workbook" in capsys.readouterr().err

    assert main(["users", "add", "focal_mli_cli", "--role", "focal", "--country", "mli", "--db", url]) == 0
    out = capsys.readouterr().out
    password = out.split("privately): ", 1)[1].strip()
    assert "added focal_mli_cli (focal for MLI)" in out
    assert main(["users", "list", "--db", url]) == 0
    assert "focal_mli_cli" in capsys.readouterr().out
    assert main(["users", "add", "focal_x", "--role", "focal", "--country", "ZZZ", "--db", url]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1

    mine = pg_cluster.url("cli_build", "focal_mli_cli", password)
    maps = _gloact("build-maps", "--out", tmp_path / "maps", env={"GLOACT_DB": mine})  # the address from GLOACT_DB
    assert maps.returncode == 0, maps.stderr
    assert (tmp_path / "maps" / "en").is_dir()
    seen = connect(mine).execute("SELECT DISTINCT reporting_country FROM journeys").fetchall()
    assert seen == [("MLI",)]  # a focal point reads its own country's journeys only
    wrong = _gloact("build-maps", "--db", pg_cluster.url("cli_build", "focal_mli_cli", "not-it"), "--out", tmp_path)
    assert wrong.returncode == 2 and "refused the password" in wrong.stderr and "not-it" not in wrong.stderr


def test_copy_there_and_back_and_refusals(pg_cluster, built_db, tmp_path, capsys):
    url = pg_cluster.create_database("cli_copy")
    assert main(["copy", "--from", str(built_db), "--to", url]) == 0
    assert "counted on both sides: journeys" in capsys.readouterr().out
    back = tmp_path / "back.duckdb"
    assert main(["copy", "--from", url, "--to", str(back)]) == 0
    capsys.readouterr()
    q = "SELECT count(*), sum(rkey), sum(persons) FROM journeys"
    assert connect(back, read_only=True).execute(q).fetchall() == connect(built_db, read_only=True).execute(
        q).fetchall()
    assert main(["copy", "--from", str(built_db), "--to", str(back)]) == 2  # two files
    assert main(["copy", "--from", str(built_db), "--to", url]) == 2  # already holds one
    assert main(["copy", "--from", str(built_db), "--to", url, "--force"]) == 0
    with psycopg.connect(url) as pg:
        password = __import__("gloact_lib.data.server_access", fromlist=["x"]).users_add(pg, "viewer_cli", "viewer")
    viewer = pg_cluster.url("cli_copy", "viewer_cli", password)
    assert main(["copy", "--from", viewer, "--to", str(tmp_path / "v.duckdb")]) == 2  # a viewer reads no journeys
    assert "may not read" in capsys.readouterr().err
    assert main(["users", "add", "x", "--role", "viewer", "--db", str(built_db)]) == 2
