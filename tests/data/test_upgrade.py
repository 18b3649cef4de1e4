"""A database made by the previous version (no scope, no content keys, no special ends, no unchanged
counts) is upgraded when opened for writing: the derived columns get the values an import gives today,
so a repeated import is still refused and domestic journeys are still found."""

from __future__ import annotations

import shutil

import pytest

from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.data.database import connect
from gloact_lib.data.sql import scalar
from gloact_lib.imports.pipeline import import_file
from gloact_lib.imports.repeats import RepeatError
from tests.imports.ctdc_download import ctdc_rows, write_ctdc


def _derived(con) -> tuple:
    """Each journey's scope, and the content keys as a multiset (identical rows of an import may get their
    ranks in another order: the keys are the same set)."""
    scopes = dict(con.execute("SELECT journey_id, scope FROM journeys").fetchall())
    keys = sorted(r[0] for r in con.execute("SELECT content_key FROM journeys").fetchall())
    return scopes, keys


def _make_old(con) -> None:
    """Turn a current database into what the previous version made."""
    for table, column in (("journeys", "scope"), ("journeys", "content_key"), ("incidents", "content_key"),
                          ("countries", "kind"), ("imports", "rows_unchanged"), ("imports", "rows_repeated")):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("DELETE FROM countries WHERE iso3 IN ('XXX', 'XXA', 'XSS')")


@pytest.fixture
def old_db(built_db, tmp_path):
    path = tmp_path / "old.duckdb"
    shutil.copy(built_db, path)
    con = connect(path)
    ctdc = write_ctdc(tmp_path / "ctdc.csv", ctdc_rows(150, seed=2))
    import_file(con, ctdc, report=tmp_path / "r.csv")
    expected = _derived(con)
    _make_old(con)
    con.close()
    return path, ctdc, expected


def test_an_old_database_is_upgraded_on_open(old_db, tmp_path):
    path, ctdc, expected = old_db
    con = connect(path)
    assert _derived(con) == expected
    assert scalar(con, "SELECT count(*) FROM countries WHERE iso3 IN ('XXX', 'XXA', 'XSS')") == 3
    assert scalar(con, "SELECT count(*) FROM countries WHERE kind IS NULL") == 0
    with pytest.raises(RepeatError):  # the content keys filled in recognise the same download again
        import_file(con, write_ctdc(tmp_path / "again.csv", ctdc_rows(150, seed=2), newline="\n"))
    assert Flows.from_db(con, Selection(unit="detections")).summary["persons"] > 4_000_000
    con.close()
    connect(path).close()  # a second open has nothing left to do


def test_an_upgraded_database_takes_journeys_with_no_date(built_db, tmp_path):
    """The previous schema required a period; once upgraded, a CTDC row with no year is stored."""
    path = tmp_path / "old.duckdb"
    shutil.copy(built_db, path)
    con = connect(path)
    _make_old(con)
    for column in ("period_start", "period_end"):
        con.execute(f"ALTER TABLE journeys ALTER COLUMN {column} SET NOT NULL")
    con.close()
    con = connect(path)
    result = import_file(con, write_ctdc(tmp_path / "c.csv", ctdc_rows(200, seed=4)))
    assert result.rejected == 0
    assert scalar(con, "SELECT count(*) FROM journeys WHERE period_start IS NULL") > 0
    con.close()
