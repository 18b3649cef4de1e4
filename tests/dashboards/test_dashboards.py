"""Dashboard panels in-process: state in traitlets, bilingual, errors as a sentence."""

from __future__ import annotations

import pytest

from gloact_lib.analysis.flows import Selection
from gloact_lib.dashboards import CountryDashboard, RoutesDashboard, url_parameters
from gloact_lib.i18n import t


@pytest.fixture
def routes(built_con):
    """The routes dashboard on persons, every journey (the sample): it opens on real detections by itself."""
    return RoutesDashboard(con=built_con, selection=Selection(unit="persons", data="all"))


def test_routes_draws_everything(routes):
    assert routes.status == "Updated."
    assert "persons in this selection" in routes.kpis.value
    assert routes.live.flows["n"] and routes.map.value == ""  # the live map; the folium page is for presenting
    assert "<table" in routes.table.value and "<svg" in routes.chart.value
    assert "Illustrative data" in routes.notes.value


def test_filters_change_the_selection_and_the_figures(routes):
    before = routes.kpis.value
    routes.country.value = "MLI"
    routes.role.value = "origin"
    assert routes.selection.origin == ("MLI",) and routes.selection.country == ()
    assert routes.kpis.value != before
    routes.unit.value = "detections"
    assert routes.selection.unit == "detections"
    assert "detections in this selection" in routes.kpis.value


def test_french_switch_relabels_and_keeps_the_filters(routes):
    routes.country.value = "NER"
    routes.lang = "fr"
    assert routes.country.value == "NER"
    assert routes.country.description == "Pays"
    assert ("Niger", "NER") in routes.country.options
    assert "personnes dans cette sélection" in routes.kpis.value
    assert routes.live.legend["title"] == "Itinéraires" and routes.live.lang == "fr"
    assert routes.lang_toggle.value == "fr"


def test_errors_reach_the_status_line_not_a_traceback(routes):
    routes.con.close()
    routes.refresh()
    assert routes.status == t("err_other", "en")  # a sentence, not the exception's text
    assert "role='alert'" in routes.status_line.value
    for leak in ("Traceback", "Connection", "closed", "duckdb", "/"):
        assert leak not in routes.status_line.value.replace("</div>", "")


def test_given_selection_is_used(built_con):
    d = RoutesDashboard(con=built_con, selection=Selection(unit="detections", route="Central Mediterranean Route"))
    assert "detections in this selection" in d.kpis.value


def test_url_parameters_outside_voila(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "country=NER&lang=fr")
    assert url_parameters() == {"country": "NER", "lang": "fr"}


def test_from_url_presets(monkeypatch, built_con):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "country=ner&lang=fr&role=transit&unit=detections")
    d = RoutesDashboard.from_url(con=built_con)
    assert (d.lang, d.country.value, d.role.value, d.unit.value) == ("fr", "NER", "transit", "detections")
    assert d.selection.transit == ("NER",)


def test_every_filter_can_be_set_from_a_link(monkeypatch, built_con):
    """A presenter prepares links: country by name, period, crime, sex, age, data and unit."""
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "country=Nigeria&period=2016-2019&crime=trafficking&sex=female&age=adult"
                                       "&unit=persons&data=illustrative&role=origin")  # fmt: skip
    d = RoutesDashboard.from_url(con=built_con)
    s = d.selection
    assert (s.origin, s.crime, s.sex, s.age_group, s.unit, s.data) == (("NGA",), ("trafficking",), ("female",),
                                                                       ("adult",), "persons", "illustrative")
    assert (s.start.year, s.end.year) == (2016, 2019) and d.status == "Updated."
    monkeypatch.setenv("QUERY_STRING", "period=1990-2100&crime=nonsense")  # out of range: clamped; unknown: ignored
    d = RoutesDashboard.from_url(con=built_con)
    assert d.period.value == (d.period.min, d.period.max) and d.selection.crime == ()
    monkeypatch.setenv("QUERY_STRING", "country=Maroc")
    assert CountryDashboard.from_url(con=built_con).country == "MAR"


def test_country_profile_panels(built_con):
    d = CountryDashboard(con=built_con, country="MAR")
    assert d.status == "Updated."
    assert "Smuggling of Migrants Protocol" in d.legal.value and "unverified" in d.legal.value
    assert "Casablanca" in d.commitments.value and "illustrative data" in d.commitments.value
    assert "dead and missing" in d.deaths.value
    d.lang = "fr"
    assert "Protocole contre le trafic illicite de migrants" in d.legal.value
    assert "non officiel" in d.commitments.value
    d.country = "NER"
    assert "68" in d.figures.value  # traffickers brought before Nigerien tribunals, Jan-Jun 2018


def test_commitments_dashboard(built_con):
    from gloact_lib.dashboards import CommitmentsDashboard

    d = CommitmentsDashboard(con=built_con)
    assert d.status == "Updated."
    # one grid per meeting, each numbered from 1 under its meeting's name: 16 delegations x 6 recommendations of
    # Niamey 2018, 3 countries x 8 of Casablanca 2019; each concerns its meeting's countries only
    niamey, casablanca = d.grids["niamey-2018-06"].value, d.grids["casablanca-2019"].value
    assert niamey.count("class='gloact-cell'") == 16 * 6 and casablanca.count("class='gloact-cell'") == 3 * 8
    assert "not_concerned" not in niamey + casablanca
    assert niamey.index("Niamey") < niamey.index("<table")
    assert casablanca.index("Casablanca") < casablanca.index("<table")
    assert "ILLUSTRATIVE DATA" in d.header.value and "illustrative (generated)" in casablanca
    assert "Changes since Second GLO.ACT" in d.changes.value
    d.meeting = "niamey-2018-06"
    assert "Changes since" in d.changes.value and "regional conference" in d.changes.value.lower()
    d.lang = "fr"
    assert "Progrès par pays" in d.bars.value and "Changements depuis" in d.changes.value
    assert d.since.value == "niamey-2018-06"


def test_journeys_filter_and_domestic_role_agree(routes):
    """Issue 11: the Journeys filter (all, cross-border, domestic, an end unknown) and the role "domestic" never
    contradict each other: the control changed last wins, the other follows."""
    routes.scope.value = "cross_border"
    assert routes.selection.scope == ("cross_border",)
    routes.country.value = "NER"
    routes.role.value = "domestic"
    assert routes.scope.value == "domestic"
    assert routes.selection.scope == ("domestic",) and routes.selection.origin == ("NER",)
    routes.scope.value = "unknown"
    assert routes.role.value == "" and routes.selection.scope == ("unknown",)
    assert routes.selection.country == ("NER",)
    # the whole period counts journeys with no date; a narrower one does not
    assert routes.selection.start is None and routes.selection.end is None
    routes.period.value = (routes.period.min + 1, routes.period.max)
    assert routes.selection.start is not None
