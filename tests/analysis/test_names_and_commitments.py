"""Issue 13: a country given by name is resolved or refused, never silently empty; the commitments of both meetings."""

from __future__ import annotations

import csv
import re

import pytest

from gloact_lib import config
from gloact_lib.analysis.commitments import latest_status, progress, recommendations_for, status_matrix
from gloact_lib.analysis.profiles import member_countries
from gloact_lib.analysis.selection import COUNTRY_FILTERS, Selection, resolve_countries, selected_sql

NIAMEY = config.REFERENCE_DIR / "recommendations_niamey2018.csv"
ARTICLE = 'UNODC news "International meeting in Niger against smuggling of migrants and trafficking in persons"'


# -- names where a code is expected ------------------------------------------------------------------


@pytest.mark.parametrize("role", COUNTRY_FILTERS)
@pytest.mark.parametrize("value", ["Nigeria", "nigeria", "NIGERIA", "Nigéria", "  Nigeria ", "NG", "ng", "nga", "566"])
def test_a_country_by_name_or_code_is_resolved_in_every_country_filter(role, value):
    assert getattr(Selection(**{role: [value]}), role) == ("NGA",)
    assert getattr(Selection(**{role: value}), role) == ("NGA",)  # one country as a string


def test_names_in_english_and_french_and_variants():
    s = Selection(origin=["Côte d'Ivoire", "Ivory Coast"], destination=["Espagne", "Maroc"],
                  transit=["Guinea Conakry"], country=["Tchad", "Mali", "MLI"])  # fmt: skip
    assert s.origin == ("CIV",)  # the same country once
    assert s.destination == ("ESP", "MAR") and s.transit == ("GIN",) and s.country == ("TCD", "MLI")


def test_the_ends_that_are_no_country_are_read_as_an_import_reads_them():
    assert Selection(origin=["unknown", "XXX"]).origin == ("XXX",)
    assert Selection(origin=["stateless"], destination=["OOS"]).origin == ("XXA",)
    assert Selection(destination=["OOS"]).destination == ("XSS",)


@pytest.mark.parametrize("role", COUNTRY_FILTERS)
def test_a_misspelt_name_is_refused_naming_the_value_and_close_names(role):
    with pytest.raises(ValueError) as err:
        Selection(**{role: ["Nigria"]})
    message = str(err.value)
    assert message.startswith(f"{role}: 'Nigria'")
    assert "Nigeria (NGA)" in message and "Niger (NER)" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Congo", ["ambiguous", "Congo (COG)", "DR Congo (COD)"]), ("Marocco", ["Morocco (MAR)"]),
     ("Lybia", ["Libya (LBY)"]), ("Burkina", ["Burkina Faso (BFA)"]), ("Mauretania", ["Mauritania (MRT)"]),
     ("Atlantis", ["'Atlantis' is no known country"])],
)  # fmt: skip
def test_refusals_say_why_and_suggest(value, expected):
    with pytest.raises(ValueError) as err:
        Selection(destination=[value])
    assert all(part in str(err.value) for part in expected), str(err.value)


@pytest.mark.parametrize("value", ["", "  ", None, 566])
def test_a_value_that_is_no_text_is_refused(value):
    with pytest.raises(ValueError, match="origin: expected a country code or name"):
        Selection(origin=["NGA", value])


def test_replace_resolves_names_too():
    assert Selection().replace(country="Niger").country == ("NER",)
    with pytest.raises(ValueError, match="transit: 'Agadès'"):
        Selection().replace(transit="Agadès")  # a town, not a country


def test_resolve_countries_keeps_order_and_drops_repeats():
    assert resolve_countries("country", ["Niger", "NE", "562", "Mali"]) == ("NER", "MLI")


def _count(con, selection):
    sql, params = selected_sql(selection)
    return con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def test_a_selection_by_name_counts_what_the_code_counts(built_con):
    """The issue's case: Selection(origin=['Nigeria']) returned nothing; now it counts Nigeria's journeys."""
    by_code = _count(built_con, Selection(origin=["NGA"]))
    assert by_code > 0
    assert _count(built_con, Selection(origin=["Nigeria"])) == by_code
    assert _count(built_con, Selection(origin=["nigéria"], unit="detections")) == _count(
        built_con, Selection(origin=["NGA"], unit="detections"))  # fmt: skip


# -- the commitments of both meetings -------------------------------------------------------------------


def _rows():
    with open(NIAMEY, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_niamey_file_is_in_the_reference_format():
    raw = NIAMEY.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == 7  # CRLF, like the other workbook CSVs; header and 6 rows
    with open(config.REFERENCE_DIR / "recommendations.csv", encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh).fieldnames) == list(_rows()[0])
    rows = _rows()
    assert [r["rec_id"] for r in rows] == [f"niamey2018-r{i}" for i in range(1, 7)]
    assert {r["meeting_id"] for r in rows} == {"niamey-2018-06"}
    assert {r["theme"] for r in rows} <= {"protection", "judicial_cooperation", "security_cooperation",
                                          "data_and_identification", "institutional"}  # fmt: skip
    for r in rows:
        assert r["source"].startswith(ARTICLE) and re.search(r'\): ".+"$', r["source"]), r["source"]
        assert "not an official UNODC text" in r["translation_note"]


def test_niamey_rows_say_when_the_wording_is_a_summary():
    """The article publishes no recommendation's wording: the texts that are the workbook's summaries say so."""
    rows = _rows()
    assert "taken from the article" in rows[0]["translation_note"]
    assert "validated the establishment of a permanent mechanism" in rows[0]["source"]
    for r in rows[1:]:
        assert r["text_en"].endswith("(summary)") and r["text_fr"].endswith("(résumé)")
        assert r["translation_note"].startswith("Summary by the workbook team")
        assert "adopted recommendations aimed at intensifying efforts" in r["source"]


def test_niamey_rows_concern_its_sixteen_delegations(built_con):
    delegations = {r[0] for r in built_con.execute(
        "SELECT iso3 FROM participants WHERE meeting_id = 'niamey-2018-06' AND participant_kind = 'country'"
    ).fetchall()}  # fmt: skip
    assert len(delegations) == 16 and "MAR" not in delegations
    for r in _rows():
        assert set(r["countries"].split(";")) == delegations


def test_every_member_country_has_recommendations_to_follow(built_con):
    members = member_countries(built_con)
    assert len(members) == 17
    for iso3 in members:
        recs = recommendations_for(built_con, iso3)
        expected = {"MAR": (8, 0), "MLI": (8, 6), "NER": (8, 6)}.get(iso3, (0, 6))
        assert (sum(recs["meeting_id"] == "casablanca-2019"), sum(recs["meeting_id"] == "niamey-2018-06")) == expected


def test_recommendations_for_a_country_by_name_in_meeting_order(built_con):
    mali = recommendations_for(built_con, "Mali")
    assert list(mali["rec_id"]) == [f"niamey2018-r{i}" for i in range(1, 7)] + [f"casa2019-r{i}" for i in range(1, 9)]
    assert recommendations_for(built_con, "Nigéria")["rec_id"].str.startswith("niamey2018-").all()
    with pytest.raises(ValueError, match="'Nigria'"):
        recommendations_for(built_con, "Nigria")


def test_latest_status_progress_and_grid_show_both_meetings(built_con):
    status = latest_status(built_con)
    assert len(status) == 16 * 6 + 3 * 8
    niamey = status[status["meeting_id"] == "niamey-2018-06"]
    assert set(niamey["status"]) == {"not_started"}  # no update shipped: nothing reported yet
    assert niamey["adopted"].astype(str).eq("2018-06-19").all()
    prog = progress(built_con, status=status).set_index("iso3")
    assert len(prog) == 17 and prog.loc["NGA", "items"] == 6 and prog.loc["MLI", "items"] == 14
    recs, grid = status_matrix(status)
    assert list(recs["rec_id"])[:6] == [f"niamey2018-r{i}" for i in range(1, 7)]  # the earlier meeting first
    assert grid.shape == (17, 14)
    assert grid.isna().loc["MAR", "niamey2018-r1"] and grid.isna().loc["NGA", "casa2019-r1"]


def test_commitments_dashboard_lists_the_niamey_rows(built_con):
    from gloact_lib.dashboards import CommitmentsDashboard

    d = CommitmentsDashboard(con=built_con)
    nigeria = d.grids["niamey-2018-06"].value.split(">Nigeria</th>")[1].split("</tr>")[0]
    assert nigeria.count("data-status='not_started'") == 6 and "not_concerned" not in nigeria
    assert ">Nigeria</th>" not in d.grids["casablanca-2019"].value  # not a Casablanca 2019 participant
    assert "title='niamey2018-r1: not started'" in nigeria
    assert "permanent mechanism to monitor commitments" in d.grids["niamey-2018-06"].value
