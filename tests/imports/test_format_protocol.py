"""The Format protocol: the pipeline knows a format only through its fields and hooks."""

from __future__ import annotations

import pandas as pd
import pytest

from gloact_lib.data.schema import TABLES
from gloact_lib.data.sql import scalar
from gloact_lib.imports.formats import FORMATS, Context, Format, detect_format
from gloact_lib.imports.formats.base import table_frame
from gloact_lib.imports.pipeline import ReadError, import_file
from gloact_lib.imports.validate import Batch

from ..conftest import read_report


def test_every_registered_format_follows_the_protocol():
    for name, fmt in FORMATS.items():
        assert isinstance(fmt, Format) and fmt.name == name
        assert fmt.table in TABLES
        assert fmt.signature and all(c == c.lower() for c in fmt.signature)
    assert [n for n, f in FORMATS.items() if f.group] == ["htcds"]
    assert [n for n, f in FORMATS.items() if f.check_source] == ["commitments"]


def _members(b: Batch, ctx: Context) -> pd.DataFrame:
    data = {"group_id": b.text("team", required=True), "name_en": b.text("team"), "name_fr": b.text("team"),
            "iso3": b.country("country"), "source": f"roster {ctx.file_name}"}  # fmt: skip
    return table_frame("groups", data, b.df.index)


def _one_per_team_and_country(frame: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows naming the same team and country are one record; a team with a bad row is reported whole."""
    records, errors = [], []
    for team, rows in frame.groupby("group_id", sort=False):
        if rows["_bad"].any():
            reason = "another row of this team was rejected"
            errors += [(r, "team", team, reason) for r in rows.loc[~rows["_bad"], "_row"]]
            continue
        for _, same in rows.groupby("iso3", sort=False):
            record = same.iloc[0].drop(["_bad"]).to_dict()
            records.append({**record, "_row": int(same["_row"].min()), "_members": [int(r) for r in same["_row"]]})
    return pd.DataFrame(records), pd.DataFrame(errors, columns=["row", "column", "value", "reason"])


def _refuse_secret(source, ctx: Context) -> None:
    if "secret" in [h.lower() for h in source.header]:
        raise ReadError(f"{ctx.file_name}: a roster must not have a secret column")


ROSTER = Format("roster", "groups", frozenset({"team", "country"}), ("team", "country"), _members,
                aliases={"squad": "team"}, group=_one_per_team_and_country, check_source=_refuse_secret)  # fmt: skip


@pytest.fixture
def roster(monkeypatch):
    """A format plugged in by one registry entry, as CONTRIBUTING.md says."""
    monkeypatch.setitem(FORMATS, "roster", ROSTER)
    return ROSTER


def test_a_new_format_is_detected_and_grouped_through_its_hook(con, roster, write_csv):
    path = write_csv([{"squad": "a", "country": "MLI"}, {"squad": "a", "country": "Mali"},
                      {"squad": "a", "country": "NER"}, {"squad": "b", "country": "NER"},
                      {"squad": "b", "country": "Atlantis"}, {"squad": "c", "country": "TCD"}])  # fmt: skip
    assert detect_format({"team", "country"}) is roster
    result = import_file(con, path)
    assert (result.format, result.rows, result.accepted, result.rejected, result.stored) == ("roster", 6, 4, 2, 3)
    assert con.execute("SELECT group_id, iso3 FROM groups ORDER BY ALL").fetchall() == [
        ("a", "MLI"), ("a", "NER"), ("c", "TCD")]  # fmt: skip
    report = read_report(result.report)
    assert {(r["row"], r["column"]) for r in report} == {("5", "squad"), ("6", "country")}  # as the file spells it


def test_a_duplicate_record_is_reported_on_every_row_it_was_made_of(con, roster, write_csv):
    import_file(con, write_csv([{"team": "a", "country": "MLI"}], name="first.csv"))
    again = import_file(con, write_csv([{"team": "a", "country": "MLI"}, {"team": "a", "country": "Mali"}]))
    assert (again.accepted, again.rejected, again.stored) == (0, 2, 0)
    assert all("already in the database" in r["reason"] for r in read_report(again.report))


def test_check_source_refuses_the_whole_file_before_any_row(con, roster, write_csv):
    path = write_csv([{"team": "a", "country": "MLI", "secret": "x"}])
    imports = scalar(con, "SELECT count(*) FROM imports")
    with pytest.raises(ReadError, match="secret column"):
        import_file(con, path)
    assert scalar(con, "SELECT count(*) FROM groups") == 0
    assert scalar(con, "SELECT count(*) FROM imports") == imports
