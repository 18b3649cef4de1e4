"""Valid data never crashes: every dashboard and the briefing draw, with no error text, on

1. a recommendation that concerns only some of its meeting's countries,
2. a meeting with one country,
3. a member country with no data at all (no journeys, indicators, treaties, commitments),
4. an empty database (schema only, no rows).
"""

from __future__ import annotations

import pytest
from ipywidgets import HTML

from gloact_lib import config
from gloact_lib.analysis.commitments import latest_status, progress, status_matrix
from gloact_lib.app.cli import main
from gloact_lib.dashboards import CommitmentsDashboard, CountryDashboard, RoutesDashboard
from gloact_lib.data.database import connect
from gloact_lib.imports.pipeline import import_file
from gloact_lib.views.briefing import briefing_html

ERROR_TEXT = ("Could not update", "Mise à jour impossible", "Traceback", "KeyError", "not in index", "role='alert'")

MEETING = {"kind": "subregional_workshop", "title_en": "Bamako follow-up", "title_fr": "Suivi de Bamako",
           "city": "Bamako", "country_iso3": "MLI", "start_date": "2020-02-10", "end_date": "2020-02-11",
           "organiser": "UNODC", "source": "test"}  # fmt: skip
REC = {"meeting_id": "casablanca-2019", "theme": "protection", "text_en": "Only two", "text_fr": "Deux seulement",
       "translation_note": "", "source": "test"}  # fmt: skip


def _import(con, path):
    result = import_file(con, path)
    assert result.rejected == 0, (path, result)
    return result


@pytest.fixture
def data(con, write_csv):
    """Reference data, sample journeys and status updates, plus the edge cases.

    - ``casa2019-r9`` concerns MLI and NER only (not MAR), with an update for NER;
    - meeting ``bamako-2020`` has one country (MLI) and a recommendation for it alone;
    - Guinea-Bissau (GNB) is a member country (group ``niamey_2018``) with no data at all.
    """
    for rel in ("reference/groups.csv", "reference/treaties.csv", "reference/meetings.csv",
                "reference/participants.csv", "reference/recommendations.csv", "sample/status_updates_sample.csv",
                "reference/indicators.csv", "sample/journeys_sample.csv"):  # fmt: skip
        _import(con, config.DATA_DIR / rel)
    _import(con, write_csv([{"meeting_id": "bamako-2020", **MEETING}], name="meetings.csv"))
    _import(con, write_csv([{"meeting_id": "bamako-2020", "participant_kind": "country", "iso3": "MLI",
                             "organisation": "", "source": "test"}], name="participants.csv"))  # fmt: skip
    _import(con, write_csv([
        {"rec_id": "casa2019-r9", "number": "9", "countries": "MLI;NER", **REC},
        {"rec_id": "bamako2020-r1", "number": "1", "countries": "MLI", **REC, "meeting_id": "bamako-2020"},
    ], name="recommendations.csv"))  # fmt: skip
    _import(con, write_csv([{"rec_id": "casa2019-r9", "iso3": "NER", "date": "2020-03-01", "status": "achieved",
                             "source": "test"}], name="updates.csv"))  # fmt: skip
    _import(con, write_csv([{"group_id": "niamey_2018", "name_en": "x", "name_fr": "x", "iso3": "GNB",
                             "source": "test"}], name="groups.csv"))  # fmt: skip
    return con


@pytest.fixture
def empty():
    """A database with the schema and no rows at all (not even the countries)."""
    connection = connect(":memory:")
    connection.execute("DELETE FROM countries")
    yield connection
    connection.close()


def _clean(dashboard) -> None:
    """The dashboard drew: its status is the success sentence and no panel shows an error."""
    assert dashboard.status in ("Updated.", "Mis à jour."), dashboard.status
    text = "".join(c.value for c in _widgets(dashboard) if isinstance(c, HTML))
    for bad in ERROR_TEXT:
        assert bad not in text, bad


def _widgets(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _widgets(child)


def _every_dashboard(con, country: str = "MLI") -> dict[str, str]:
    """Build every dashboard in both languages; return their visible HTML by name."""
    out = {}
    routes = RoutesDashboard(con=con)
    _clean(routes)
    if country in routes._countries:
        routes.country.value = country
        _clean(routes)
    profile = CountryDashboard(con=con, country=country)
    _clean(profile)
    commitments = CommitmentsDashboard(con=con)
    _clean(commitments)
    for d in (routes, profile, commitments):
        d.lang = "fr"
        _clean(d)
        d.lang = "en"
        _clean(d)
    out["country"] = profile.commitments.value + profile.legal.value + profile.figures.value
    out["grid"] = "".join(grid.value for grid in commitments.grids.values()) + commitments.no_grid.value
    out["bars"] = commitments.bars.value
    return out


def _briefing_clean(con, meeting, **kwargs) -> str:
    for lang in ("en", "fr"):
        page, views = briefing_html(con, meeting, lang, **kwargs)
        assert views[0] == "title" and views[1] == "messages" and views[-1] == "sources"
        for bad in ("Traceback", "KeyError", "not in index", "nan</td>"):
            assert bad not in page, bad
    return briefing_html(con, meeting, "en", **kwargs)[0]


# -- 1. a recommendation concerning a subset of the meeting's countries -----------------------------


def test_status_matrix_leaves_unconcerned_cells_empty(data):
    recs, grid = status_matrix(latest_status(data))
    assert list(recs["rec_id"])[-1] == "bamako2020-r1"  # ordered by meeting, then number
    assert grid.loc["NER", "casa2019-r9"] == "achieved"
    assert grid.loc["MLI", "casa2019-r9"] == "not_started"
    assert grid.isna().loc["MAR", "casa2019-r9"] and grid.isna().loc["NER", "bamako2020-r1"]
    by_country = progress(data).set_index("iso3")
    assert by_country.loc["MAR", "items"] == 8 and by_country.loc["MLI", "items"] == 10


def test_recommendation_for_some_countries_on_every_dashboard(data):
    html = _every_dashboard(data, "MAR")
    morocco = html["grid"].split("<th style='text-align:left'>Morocco</th>")[1].split("</tr>")[0]
    assert "title='casa2019-r9: not concerned'" in morocco
    niger = html["grid"].split("<th style='text-align:left'>Niger</th>")[1].split("</tr>")[0]
    assert "title='casa2019-r9: achieved (2020-03-01)'" in niger
    assert "Only two" not in html["country"]  # Morocco's profile does not list r9


def test_recommendation_for_some_countries_in_the_briefing(data):
    page = _briefing_clean(data, "casablanca-2019")
    assert "<td class='st not_concerned'>not concerned</td>" in page
    assert "Only two" in page


def test_commitments_dashboard_changes_since_and_language(data):
    d = CommitmentsDashboard(con=data)
    d.meeting = "bamako-2020"
    _clean(d)
    assert "casa2019-r9" not in d.changes.value  # dated 2020-03-01: after Bamako, shown as number 9
    assert ">9</td>" in d.changes.value


# -- 2. a meeting with one country -------------------------------------------------------------------


def test_meeting_with_one_country(data):
    page = _briefing_clean(data, "bamako-2020")
    assert "<b>Participants:</b> Mali</p>" in page
    page = _briefing_clean(data, "bamako-2020", countries=["MLI"])
    _every_dashboard(data, "MLI")


def test_meeting_with_one_country_and_nothing_else(con, write_csv):
    _import(con, write_csv([{"meeting_id": "bamako-2020", **MEETING}], name="meetings.csv"))
    _import(con, write_csv([{"meeting_id": "bamako-2020", "participant_kind": "country", "iso3": "MLI",
                             "organisation": "", "source": "test"}], name="participants.csv"))  # fmt: skip
    _briefing_clean(con, "bamako-2020")
    _every_dashboard(con, "MLI")


# -- 3. a country with no data at all ----------------------------------------------------------------


def test_member_country_with_no_data(data):
    html = _every_dashboard(data, "GNB")
    assert "Guinea-Bissau" not in html["grid"]  # no recommendation concerns it: no row, no error
    d = CountryDashboard(con=data, country="GNB")
    assert all(">none<" in v for v in (d.legal.value, d.figures.value, d.commitments.value))
    _briefing_clean(data, "casablanca-2019", countries=["GNB"])
    _briefing_clean(data, "niamey-2018-06", countries=["GNB", "MLI"])


# -- 4. an empty database -----------------------------------------------------------------------------


def test_empty_database_dashboards(empty):
    html = _every_dashboard(empty, "NER")
    assert "Status by country and recommendation</h3><p>none</p>" in html["grid"]


def test_empty_database_briefing_is_a_clear_error(empty, tmp_path):
    with pytest.raises(ValueError, match="no meeting in the database"):
        briefing_html(empty, "casablanca-2019")


def test_empty_database_briefing_cli(tmp_path, capsys):
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    assert main(["briefing", "--db", str(db), "--meeting", "casablanca-2019", "--no-images",
                 "--out", str(tmp_path)]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no meeting in the database" in err


def test_empty_database_with_a_meeting(empty, write_csv):
    _import(empty, write_csv([{"meeting_id": "bamako-2020", **MEETING}], name="meetings.csv"))
    _briefing_clean(empty, "bamako-2020")
    _every_dashboard(empty, "MLI")
