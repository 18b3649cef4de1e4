"""Issue 12, the embedded default: analysts import while officials watch, and nobody is blocked.

A dashboard holds the database only while it draws; an import validates and stages its rows apart
and holds the database only for its final append; whoever finds it held waits with a message, then
says clearly what holds it.  Each test uses its own copy of the built database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from gloact_lib import config
from gloact_lib.analysis.flows import Selection, published_total
from gloact_lib.dashboards import RoutesDashboard
from gloact_lib.data.database import connect
from gloact_lib.data.sql import scalar
from tests.imports.ctdc_download import ctdc_rows, write_ctdc


@pytest.fixture
def db(built_db, tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    shutil.copy(built_db, path)
    monkeypatch.setattr(config, "DEFAULT_DB", path)
    return path


def _gloact(*args, env=None, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "gloact_lib.app.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, **kwargs)


def _holder(path, seconds):
    """Another process holding the write lock for ``seconds``, as a long writer would."""
    proc = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                             " print('held', flush=True); time.sleep(float(sys.argv[2]))", str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout.readline().strip() == "held"
    return proc


def _persons(path) -> int:
    con = connect(path, read_only=True)
    try:
        return published_total(con, Selection(perturb=False, threshold=1))
    finally:
        con.close()


def test_import_while_a_dashboard_is_open_and_the_dashboard_sees_it(db, tmp_path):
    dashboard = RoutesDashboard()  # the default database, as `gloact serve` opens it
    before = dashboard.selection
    assert dashboard._open_con is None  # nothing held between drawings
    rows = write_ctdc(tmp_path / "ctdc.csv", ctdc_rows(3000))
    proc = _gloact("import", "--db", str(db), "--json", str(rows))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "waiting" not in err and "Traceback" not in err
    dashboard.refresh()  # the refresh button, or the next filter change
    assert dashboard.status == "Updated." and "Data as of" in dashboard.status_line.value
    assert dashboard.selection == before
    assert _persons(db) > 0 and scalar(connect(db, read_only=True), "SELECT count(*) FROM journeys "
                                       "WHERE journey_id LIKE 'ctdc:%'") == 3000  # fmt: skip


def test_two_imports_at_once_both_land(db, tmp_path):
    files = [write_ctdc(tmp_path / f"c{i}.csv", ctdc_rows(20_000, seed=i)) for i in (1, 2)]
    procs = [_gloact("import", "--db", str(db), "--json", "--allow-repeats", str(f)) for f in files]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    con = connect(db, read_only=True)
    assert scalar(con, "SELECT count(*) FROM journeys WHERE journey_id LIKE 'ctdc:%'") == 40_000
    assert scalar(con, "SELECT count(*) FROM imports WHERE format = 'ctdc'") == 2
    con.close()


def test_an_import_waits_for_a_held_database_with_a_message(db, tmp_path):
    holder = _holder(db, 3)
    proc = _gloact("import", "--db", str(db), str(write_ctdc(tmp_path / "c.csv", ctdc_rows(50))))
    out, err = proc.communicate(timeout=120)
    holder.wait()
    assert proc.returncode == 0, err
    assert "waiting for another process" in err and "Traceback" not in err


def test_an_import_gives_up_after_its_wait_and_says_what_holds_the_file(db, tmp_path):
    holder = _holder(db, 60)
    try:
        started = time.monotonic()
        proc = _gloact("import", "--db", str(db), str(write_ctdc(tmp_path / "c.csv", ctdc_rows(50))),
                       env={"GLOACT_LOCK_WAIT": "1.5"})
        out, err = proc.communicate(timeout=60)
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2 and "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert "in use by another process" in last and "waited 1.5 s" in last


def test_a_killed_import_changes_nothing(db, tmp_path):
    before = _persons(db), scalar(connect(db, read_only=True), "SELECT count(*) FROM imports")
    big = write_ctdc(tmp_path / "big.csv", ctdc_rows(200_000, seed=9))
    proc = _gloact("import", "--db", str(db), str(big))
    time.sleep(2.0)  # reading and staging: the workbook is not even open
    proc.kill()
    proc.wait()
    assert (_persons(db), scalar(connect(db, read_only=True), "SELECT count(*) FROM imports")) == before


def test_an_unreachable_server_is_one_line_and_exit_2_not_a_folder(tmp_path):
    """`--db postgresql://…` with a host that does not answer: one line naming it (no password), exit 2; another
    kind of address is refused the same way; nothing is created."""
    rows = write_ctdc(tmp_path / "c.csv", ctdc_rows(5))
    for url, said in (("postgresql://nobody:s3cret@unreachable.invalid:5432/gloact", "unknown host"),
                      ("postgresql://nobody:s3cret@127.0.0.1:1/gloact", "cannot reach the database server"),
                      ("mysql://nobody@db.example.org/gloact", "not a workbook")):  # fmt: skip
        for command in ("import", "check", "build-maps", "build-db"):
            args = [command, "--db", url] + {"build-maps": ["--out", str(tmp_path / "m")], "build-db": []}.get(
                command, [str(rows)])
            done = subprocess.run([sys.executable, "-m", "gloact_lib.app.cli", *args], capture_output=True,
                                  text=True, cwd=tmp_path)  # fmt: skip
            assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (command, url, done.stderr)
            assert said in done.stderr and "s3cret" not in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]  # no folder "postgresql:", no database
