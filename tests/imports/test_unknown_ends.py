"""Issue 11: every person in a file is stored, counted and placed (or listed), never counted twice.

A CTDC file as downloaded (semicolons, CRLF, a Terms-of-Use sentence as the first column name,
blank and odd unknown codes, domestic cases, identical rows) gives the same persons per origin,
destination and domestic country as a plain pandas count of the file; the same file saved again
with LF endings is refused as a repeat; unknown ends are accepted in every format.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pycountry
import pytest

from gloact_lib import config
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.data.countries import STATELESS, SUBSAHARAN, UNKNOWN
from gloact_lib.data.sql import scalar
from gloact_lib.imports.pipeline import import_file
from gloact_lib.imports.repeats import RepeatError
from gloact_lib.views.map_text import key_figures
from gloact_lib.views.route_map import route_map
from tests.conftest import journey
from tests.imports.ctdc_download import HEADER, UNKNOWN_CODES, ctdc_rows, write_ctdc

EXACT = {"perturb": False, "threshold": 1}


def _iso3(code: str) -> str | None:
    """The reference's own reading of a CTDC code: ISO alpha-2 -> alpha-3; the unknown spellings -> None."""
    if code in UNKNOWN_CODES:
        return None
    return pycountry.countries.get(alpha_2=code).alpha_3


def _pandas_counts(path) -> dict[str, pd.Series]:
    """Persons per origin, destination and domestic country, counted with pandas alone."""
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    assert len(df.columns) == len(HEADER)
    cit, dest = df["citizenship"].map(_iso3), df["CountryOfExploitation"].map(_iso3)
    home = cit.notna() & (cit == dest)
    return {  # as a Selection(origin=...) counts: every journey from a country, domestic ones included
        "total": len(df),
        "origin": cit[cit.notna()].value_counts().sort_index(),
        "destination": dest[dest.notna()].value_counts().sort_index(),
        "domestic": cit[home].value_counts().sort_index(),
    }


@pytest.fixture
def ctdc_file(tmp_path):
    return write_ctdc(tmp_path / "CTDC_global_dataset.csv", ctdc_rows(600))


def test_ctdc_download_counts_like_pandas(con, ctdc_file):
    result = import_file(con, ctdc_file)
    assert result.format == "ctdc" and result.rejected == 0 and result.accepted == 600
    expected = _pandas_counts(ctdc_file)
    flows = Flows.from_db(con, Selection(**EXACT), level="country")
    roles = flows.roles.pivot_table(index="iso3", columns="role", values="persons", aggfunc="sum")
    for role in ("origin", "destination", "domestic"):
        got = roles[role].dropna().astype(int)
        got = got[got > 0].sort_index()
        got.index.name, got.name = None, None
        want = expected[role].rename(None)
        want.index.name = None
        assert got.to_dict() == want.to_dict(), role
    # the total is the file's, and every person is on the map or listed beside it
    assert flows.summary["persons"] == expected["total"]
    a = flows.accounting
    assert a["on_map"] + a["listed"] == a["total"] == expected["total"] and a["hidden"] == 0
    assert a["domestic"] == int(expected["domestic"].sum()) > 0
    # the domestic figure is a key figure, and the map draws a ring per domestic country
    cards = dict((label, value) for value, label in key_figures(flows))
    assert cards["domestic (within one country)"] == f"{int(expected['domestic'].sum()):,}"
    assert set(flows.domestic["iso3"]) == set(expected["domestic"].index)
    page = route_map(flows).get_root().render()
    for iso3, n in expected["domestic"].items():  # every domestic country has its ring, with the pandas count
        assert f"domestic: {n} persons" in page, iso3
    for iso3, n in expected["origin"].items():  # every country of origin its tooltip
        assert f"Origin: {n:,} persons" in page, iso3


def test_ctdc_download_keeps_unknowns_and_identical_rows(con, ctdc_file):
    result = import_file(con, ctdc_file)
    stored = con.execute("SELECT origin_country, destination_country, period_start FROM journeys").df()
    assert len(stored) == 600  # identical rows are separate victims
    assert (stored["destination_country"] == UNKNOWN).mean() > 0.3  # blank country of exploitation: kept
    assert stored["period_start"].isna().any()  # blank year: kept, with no period
    assert scalar(con, "SELECT count(DISTINCT journey_id) FROM journeys") == 600
    assert scalar(con, "SELECT min(journey_id) FROM journeys") == f"ctdc:{result.import_id}:10"  # format:import:row
    # no date: in the whole period, not in a dated one
    assert Flows.from_db(con, Selection(**EXACT)).summary["persons"] == 600
    dated = Flows.from_db(con, Selection(start=pd.Timestamp("2002-01-01").date(), **EXACT)).summary["persons"]
    assert dated == 600 - int(stored["period_start"].isna().sum())


def test_same_file_with_lf_endings_is_refused_as_repeats(con, ctdc_file, tmp_path):
    first = import_file(con, ctdc_file)
    resaved = write_ctdc(tmp_path / "ctdc (copy).csv", ctdc_rows(600), newline="\n")
    assert resaved.read_bytes() != ctdc_file.read_bytes()
    before = scalar(con, "SELECT count(*) FROM journeys"), scalar(con, "SELECT count(*) FROM imports")
    with pytest.raises(RepeatError) as err:
        import_file(con, resaved)
    message = str(err.value)
    assert f"import {first.import_id} ({ctdc_file.name}" in message and "600 row(s) repeat" in message
    assert "--allow-repeats" in message
    assert (scalar(con, "SELECT count(*) FROM journeys"), scalar(con, "SELECT count(*) FROM imports")) == before
    # stored knowingly, and recorded
    again = import_file(con, resaved, allow_repeats=True)
    assert again.repeated == 600 and again.accepted == 600
    assert scalar(con, "SELECT rows_repeated FROM imports WHERE import_id = ?", [again.import_id]) == 600
    assert scalar(con, "SELECT count(*) FROM journeys") == 1200


def test_a_file_sharing_some_rows_names_how_many(con, tmp_path):
    rows = ctdc_rows(200, seed=3)
    a, b = rows[:120], rows[100:]
    import_file(con, write_ctdc(tmp_path / "a.csv", a))
    with pytest.raises(RepeatError) as err:
        import_file(con, write_ctdc(tmp_path / "b.csv", b))
    # identical rows are separate persons: a row of b repeats a row of a only as often as a holds it; rows are
    # compared by what is stored (unknown spellings alike, age bands as child/adult, unstored columns left out)
    def stored(row):
        year, gender, age, cit, dest, *flags = [row[HEADER.index(c)] for c in (
            "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation", "isForcedLabour",
            "isSexualExploit", "isOtherExploit", "typeOfLabourDomesticWork")]  # fmt: skip
        band = "" if not age else ("child" if int(age.split("-")[0].rstrip("+")) < 18 else "adult")
        return year, gender, band, _iso3(cit), _iso3(dest), *flags

    in_a, in_b = Counter(map(stored, a)), Counter(map(stored, b))
    assert err.value.repeated == sum(min(n, in_a[row]) for row, n in in_b.items()) >= 20


@pytest.mark.parametrize("text", ["00", "-99", "unknown", "Unknown", "N/A", "", "OOO"])
def test_unknown_spellings_in_the_journeys_format(con, write_csv, text):
    path = write_csv([journey(journey_id="a", destination=text, via=""), journey(journey_id="b", origin=text, via="")])
    result = import_file(con, path)
    assert result.rejected == 0
    rows = con.execute("SELECT journey_id, origin_country, destination_country, scope FROM journeys "
                       "ORDER BY 1").fetchall()  # fmt: skip
    assert rows == [("a", "NGA", UNKNOWN, "unknown"), ("b", UNKNOWN, "LBY", "unknown")]
    flows = Flows.from_db(con, Selection(**EXACT))
    assert flows.legs.empty  # never a line to nowhere
    assert set(flows.listed["reason"]) == {"origin_unknown", "destination_unknown"}


def test_stateless_and_subsaharan_ends(con, write_csv):
    path = write_csv([journey(journey_id="a", origin="stateless", via=""), journey(journey_id="b", origin="OOS")])
    import_file(con, path)
    assert con.execute("SELECT origin_country, scope FROM journeys ORDER BY journey_id").fetchall() == [
        (STATELESS, "unknown"), (SUBSAHARAN, "cross_border")]  # fmt: skip
    flows = Flows.from_db(con, Selection(**EXACT))
    assert SUBSAHARAN in set(flows.legs["source"])  # placed on its region
    assert flows.listed["reason"].tolist() == ["stateless"]


def test_return_through_a_third_country_is_not_domestic(con, write_csv):
    path = write_csv([journey(journey_id="r", origin="NER", via="LBY", destination="NER", persons="7"),
                      journey(journey_id="d", origin="NER", via="agadez", destination="NER", persons="9")])  # fmt: skip
    import_file(con, path)
    assert dict(con.execute("SELECT journey_id, scope FROM journeys").fetchall()) == {
        "r": "cross_border", "d": "domestic"}  # fmt: skip
    flows = Flows.from_db(con, Selection(**EXACT), level="country")
    assert {(r.source, r.target, r.persons) for r in flows.legs.itertuples()} == {("NER", "LBY", 7), ("LBY", "NER", 7)}
    roles = {(r.iso3, r.role): r.persons for r in flows.roles.itertuples()}
    assert roles[("NER", "origin")] == 16 and roles[("NER", "destination")] == 16  # both journeys start and end there
    assert roles[("LBY", "transit")] == 7 and roles[("NER", "transit")] == 9  # Agadez is in Niger
    assert roles[("NER", "domestic")] == 9
    assert flows.domestic[["iso3", "persons"]].values.tolist() == [["NER", 9]]
    assert Flows.from_db(con, Selection(scope="domestic", **EXACT)).summary["persons"] == 9
    assert Flows.from_db(con, Selection(scope="cross_border", **EXACT)).summary["persons"] == 7


def test_nothing_usable_is_still_rejected(con, write_csv):
    path = write_csv([journey(journey_id="x", origin="", destination="", via="", persons="")])
    result = import_file(con, path)
    assert result.rejected == 1 and scalar(con, "SELECT count(*) FROM journeys") == 0


def test_frontex_unknown_nationalities_stay_in_the_totals(con):
    path = config.REFERENCE_DIR / "frontex_detections.csv"
    file_total = int(pd.read_csv(path, usecols=["detections"])["detections"].sum())
    result = import_file(con, path)
    assert result.rejected == 0
    sel = Selection(unit="detections")
    flows = Flows.from_db(con, sel, level="country")
    assert flows.summary["persons"] == file_total
    codes = dict(con.execute("SELECT origin_country, sum(persons) FROM journeys WHERE origin_country IN "
                             "('XXX', 'XXA', 'XSS') GROUP BY 1").fetchall())  # fmt: skip
    assert codes[SUBSAHARAN] == 87_098 and codes[UNKNOWN] > 0 and codes[STATELESS] > 0
    a = flows.accounting
    assert a["on_map"] + a["listed"] + a["hidden"] == a["total"] == file_total


def test_a_focal_points_file_with_another_countrys_rows(con, write_csv):
    """Issue 12: importing as Mali's focal point, rows reported by Niger are rejected and reported (not dropped);
    rows with no reporting country are recorded as Mali's."""
    from tests.conftest import read_report

    path = write_csv([journey(journey_id="m", reporting_country="MLI"),
                      journey(journey_id="n", reporting_country="NER"),
                      journey(journey_id="e", reporting_country="")])  # fmt: skip
    result = import_file(con, path, country="MLI")
    assert (result.accepted, result.rejected) == (2, 1)
    stored = dict(con.execute("SELECT journey_id, reporting_country FROM journeys").fetchall())
    assert stored == {"m": "MLI", "e": "MLI"}
    [row] = read_report(result.report)
    assert (row["row"], row["column"], row["value"]) == ("3", "reporting_country", "NER")
    assert "focal point of MLI" in row["reason"]


def test_review_mends_for_focal_points_checks_and_ids(con, write_csv, tmp_path):
    """The same CTDC download imported as another focal point is still a repeat; HTCDS journeys get the
    importer's country; a check works on a read-only connection and changes nothing; a file cannot use the
    ids the workbook gives rows without ids; every synthetic format's ids have that reserved form."""
    import re

    from gloact_lib.data.database import connect
    from gloact_lib.imports.formats import FORMATS
    from gloact_lib.imports.formats.base import SYNTHETIC_ID
    from gloact_lib.imports.pipeline import check_file

    ctdc = config.SAMPLE_DIR / "examples" / "ctdc_example.csv"
    import_file(con, ctdc)
    with pytest.raises(RepeatError):
        import_file(con, ctdc, country="NER")
    htcds = import_file(con, config.SAMPLE_DIR / "examples" / "htcds_example.csv", country="NER")
    assert con.execute("SELECT DISTINCT reporting_country FROM journeys WHERE import_id = ?",
                       [htcds.import_id]).fetchall() == [("NER",)]  # fmt: skip
    reserved = write_csv([journey(journey_id="ctdc:99:2"), journey(journey_id="ctdc-like:1")])
    result = import_file(con, reserved)
    assert (result.accepted, result.rejected) == (1, 1)
    for fmt in FORMATS.values():
        if fmt.synthetic_ids:
            assert re.match(SYNTHETIC_ID, f"{fmt.name}:12:34"), fmt.name
    db = tmp_path / "ro.duckdb"
    con.execute(f"ATTACH '{db}' AS ro_copy")
    con.execute("COPY FROM DATABASE memory TO ro_copy")
    con.execute("DETACH ro_copy")
    before = db.read_bytes()
    ro = connect(db, read_only=True)
    checked = check_file(ro, write_csv([journey(journey_id="new-one")], name="chk.csv"))
    ro.close()
    assert checked.accepted == 1 and db.read_bytes() == before


def test_an_updated_download_stores_only_its_new_rows_with_skip_repeats(con, tmp_path):
    """A cumulative download (what was imported, plus new rows): refused by default; --skip-repeats stores the
    new rows only and reports each repeated one with the import that stored it."""
    from tests.conftest import read_report

    rows = ctdc_rows(300, seed=8)
    first = import_file(con, write_ctdc(tmp_path / "v1.csv", rows[:200]))
    updated = write_ctdc(tmp_path / "v2.csv", rows, newline="\n")
    with pytest.raises(RepeatError, match="--skip-repeats"):
        import_file(con, updated)
    result = import_file(con, updated, allow_repeats="skip")
    assert result.rows == 300 and result.accepted + result.rejected == 300 and result.repeated == 0
    assert scalar(con, "SELECT count(*) FROM journeys") == first.accepted + result.accepted
    report = read_report(result.report)
    assert len(report) == result.rejected >= 100
    assert all(r["reason"] == f"already stored by import {first.import_id} (--skip-repeats)" for r in report)
    # every person of the download is stored exactly once: as many as a fresh import of v2 alone
    fresh = import_file(connect_memory_with_places(), updated)
    assert scalar(con, "SELECT count(*) FROM journeys") == fresh.accepted


def connect_memory_with_places():
    from gloact_lib.imports.build import scratch

    return scratch()
