"""What a viewer sees when the database is busy, missing, damaged or not a workbook, and how it recovers.

A viewer reads one translated sentence (no path, no process id, no exception text) and the
dashboard builds itself as soon as the cause has gone; the analyst's command says what is
wrong in one line and exits 2.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import duckdb
import pytest

from gloact_lib import config
from gloact_lib.app.serve import serve_folder
from gloact_lib.dashboards import CommitmentsDashboard, CountryDashboard, Recovering, RoutesDashboard
from gloact_lib.data.database import DatabaseError, connect, verify
from gloact_lib.i18n import t
from gloact_lib.imports.build import build_db

DASHBOARDS = (RoutesDashboard, CountryDashboard, CommitmentsDashboard)


def run(*args):
    return subprocess.run([sys.executable, "-m", "gloact_lib.app.cli", *args], capture_output=True, text=True)


@pytest.fixture
def db_copy(built_db, tmp_path, monkeypatch):
    """A copy of the built database, made the default (as ``GLOACT_DB`` does for the dashboards)."""
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(built_db, path)
    monkeypatch.setattr(config, "DEFAULT_DB", path)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "lang=fr")
    return path


class _Holder:
    """Another process holding the database's write lock, as an import does."""

    def __init__(self, path):
        self.proc = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                                      " print('held', flush=True); time.sleep(120)", str(path)],
                                     stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert self.proc.stdout.readline().strip() == "held"

    def release(self):
        self.proc.kill()
        self.proc.wait()


def _visible_text(widget) -> str:
    return widget.message.value


def _damage(path):
    """Overwrite data in every block after the first two: the block checksums no longer match."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        for offset in range(12288 + 2 * 262144 + 5000, size, 262144):
            fh.seek(offset)
            fh.write(b"\xff" * 64)


@pytest.mark.parametrize("cls", DASHBOARDS, ids=lambda c: c.__name__)
def test_busy_database_says_so_and_the_dashboard_builds_itself_when_released(db_copy, cls):
    holder = _Holder(db_copy)
    try:
        shown = cls.from_url()
        assert isinstance(shown, Recovering)
        text = _visible_text(shown)
        assert t("err_busy", "fr") in text
        for leak in ("PID", str(db_copy), "duckdb", "lock", "Error"):
            assert leak not in text
        assert shown.retry() is False  # still held
    finally:
        holder.release()
    assert shown.retry() is True
    assert isinstance(shown.dashboard, cls)
    assert shown.children == (shown.dashboard,)
    assert shown.dashboard.status == t("status_ok", "fr")


def test_missing_database_then_built(tmp_path, monkeypatch, built_db):
    path = tmp_path / "later.duckdb"
    monkeypatch.setattr(config, "DEFAULT_DB", path)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "")
    shown = RoutesDashboard.from_url()
    assert isinstance(shown, Recovering)
    assert t("err_missing", "en") in _visible_text(shown)
    assert str(path) not in _visible_text(shown)
    shutil.copyfile(built_db, path)
    assert shown.retry()


def test_damaged_database_is_a_sentence_on_every_dashboard(db_copy):
    with open(db_copy, "r+b") as fh:  # every block after the header: nothing reads
        for offset in range(12288 + 262144 + 100, db_copy.stat().st_size, 65536):
            fh.seek(offset)
            fh.write(b"\xff" * 64)
    for cls in DASHBOARDS:
        shown = cls.from_url()  # a stand-in, or the dashboard with its status line
        text = _visible_text(shown) if isinstance(shown, Recovering) else shown.status_line.value
        assert t("err_damaged", "fr").replace("'", "&#x27;") in text, cls
        assert "checksum" not in text and str(db_copy) not in text


def test_failure_while_open_recovers_with_a_new_connection(db_copy):
    dashboard = RoutesDashboard()
    dashboard.con.close()  # e.g. the file was replaced under it
    dashboard.refresh()
    assert dashboard.status == t("err_other", "en")
    dashboard.refresh()  # the next refresh (a filter change, or the timer) opens a new connection
    assert dashboard.status == t("status_ok", "en")


def test_random_bytes_as_database_is_one_line_exit_two(tmp_path):
    path = tmp_path / "random.duckdb"
    path.write_bytes(bytes(range(256)) * 2000)
    for args in (["build-maps", "--out", str(tmp_path / "maps")], ["import", "data/reference/hubs.csv"],
                 ["briefing", "--meeting", "casablanca-2019", "--no-images", "--out", str(tmp_path)],
                 ["commitments", "template", "--country", "MLI", "--out", str(tmp_path / "f.xlsx")],
                 ["serve", "--port", "1"]):  # fmt: skip
        done = run(*args, "--db", str(path))
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "damaged or not a workbook database" in done.stderr
        assert "Traceback" not in done.stderr


def test_foreign_duckdb_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.close()
    with pytest.raises(DatabaseError, match="not a workbook database") as caught:
        connect(path)
    assert caught.value.kind == "foreign"
    con = duckdb.connect(str(path), read_only=True)
    assert [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()] == ["accounts"]
    done = run("build-maps", "--db", str(path), "--out", str(tmp_path / "maps"))
    assert done.returncode == 2 and "not a workbook database" in done.stderr


def test_damaged_block_is_found_when_opened_not_halfway(db_copy, tmp_path):
    _damage(db_copy)
    con = duckdb.connect(str(db_copy), read_only=True)  # opens: the damage is in data blocks
    con.close()
    with pytest.raises(DatabaseError) as caught:
        verify(connect(db_copy, read_only=True), db_copy)
    assert caught.value.kind == "damaged"
    out = tmp_path / "maps"
    done = run("build-maps", "--db", str(db_copy), "--out", str(out))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "damaged" in done.stderr
    assert not out.exists()  # refused before writing anything


def test_build_db_force_refuses_a_database_being_written(db_copy):
    before = db_copy.read_bytes()
    holder = _Holder(db_copy)
    try:
        done = run("build-db", "--force", "--db", str(db_copy))
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert "not replaced" in done.stderr and "in use by another process" in done.stderr
    finally:
        holder.release()
    assert db_copy.read_bytes() == before


def test_build_db_force_holds_the_lock_while_building(db_copy, monkeypatch):
    """No import can start on the file being replaced (it would write to the old file and be lost)."""
    from gloact_lib.imports import build as store

    seen = []
    real_import = store.import_file

    def import_and_probe(con, path, **kwargs):
        if not seen:
            probe = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])",
                                    str(db_copy)], capture_output=True, text=True)  # fmt: skip
            seen.append(probe)
        return real_import(con, path, **kwargs)

    monkeypatch.setattr(store, "import_file", import_and_probe)
    build_db(db_copy, force=True, report_dir=db_copy.parent / "reports")
    assert seen[0].returncode != 0 and "lock" in seen[0].stderr
    with connect(db_copy, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM journeys").fetchall()[0][0] > 0


def test_only_the_dashboards_are_served(tmp_path):
    folder = serve_folder(tmp_path / "served")
    assert sorted(p.name for p in folder.iterdir()) == sorted(config.DASHBOARDS)
    assert (config.NOTEBOOKS_DIR / "analyst_workbook.ipynb").exists()  # it exists, and is not served


def test_lock_waits_are_bounded_in_time(db_copy):
    """A dashboard never blocks on a held lock: the failure is immediate, the retry is scheduled."""
    holder = _Holder(db_copy)
    try:
        started = time.perf_counter()
        shown = RoutesDashboard.from_url()
        assert isinstance(shown, Recovering)
        assert time.perf_counter() - started < 30
    finally:
        holder.release()
