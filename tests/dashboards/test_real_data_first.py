"""Issue 13, part 2, "Real data first": the dashboards open on real data where there is some, the sample stays behind
the Data switch and labelled; a country's profile shows its real Frontex and Missing Migrants figures with their
sources and caveats; "no data" always says what to choose instead.  Figures are checked against SQL on the built
workbook."""

from __future__ import annotations

import html
import re

import pytest

from gloact_lib.analysis import profiles
from gloact_lib.analysis.flows import Selection
from gloact_lib.dashboards import CountryDashboard, RoutesDashboard
from gloact_lib.data.database import connect
from gloact_lib.views.map_text import fmt_number

BADGE = "ILLUSTRATIVE DATA"
DETECTIONS = "unit = 'detections' AND NOT illustrative"


def _text(value: str) -> str:
    """The text of some HTML, entities decoded (as a viewer reads it)."""
    return re.sub(r"[ \n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", value)))


def _query(con, sql: str, params=()) -> int:
    return int(con.execute(sql, list(params)).fetchall()[0][0] or 0)


@pytest.fixture
def routes(built_con):
    return RoutesDashboard(con=built_con)


# -- 1. the routes dashboard opens on the Frontex detections ---------------------------------------------------------


def test_routes_open_on_real_detections(routes, built_con):
    assert (routes.unit.value, routes.data.value) == ("detections", "real")
    assert (routes.selection.unit, routes.selection.data) == ("detections", "real")
    total = _query(built_con, f"SELECT sum(persons) FROM journeys WHERE {DETECTIONS}")
    assert total > 1_000_000
    assert f"<b>{fmt_number(total)}</b><span>detections in this selection</span>" in routes.kpis.value
    for panel in (routes.title, routes.kpis, routes.table):
        assert BADGE not in panel.value, panel  # nothing generated is shown: nothing labelled so
    assert routes.live.legend["badge"] == ""  # the map too
    assert "Frontex" in routes.notes.value
    # the assumed departure country of each route is said next to "top transit"
    assert "top transit" in routes.kpis.value and "each route is given one departure country" in routes.kpis.value


def test_the_sample_is_behind_the_data_switch_and_labelled(routes, built_con):
    routes.unit.value = "persons"
    routes.data.value = "illustrative"
    total = _query(built_con, "SELECT sum(persons) FROM journeys WHERE unit = 'persons' AND illustrative")
    assert total > 0 and "persons in this selection" in routes.kpis.value
    for panel in (routes.title, routes.kpis, routes.table):
        assert BADGE in panel.value, panel  # every view of the sample says so
    assert routes.live.legend["badge"] == BADGE  # the map too
    assert "Illustrative data: generated figures" in routes.kpis.value + routes.notes.value


def test_url_presets_still_open_the_sample(monkeypatch, built_con):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "unit=persons&data=illustrative")
    d = RoutesDashboard.from_url(con=built_con)
    assert (d.unit.value, d.data.value, d.selection.unit, d.selection.data) == ("persons", "illustrative") * 2
    assert BADGE in d.title.value and "persons in this selection" in d.kpis.value
    # a unit with no real data opens on every journey of that unit (the sample, labelled), not on nothing
    monkeypatch.setenv("QUERY_STRING", "unit=persons&lang=fr")
    d = RoutesDashboard.from_url(con=built_con)
    assert (d.selection.unit, d.selection.data) == ("persons", "all")
    assert "DONNÉES ILLUSTRATIVES" in d.title.value
    monkeypatch.setenv("QUERY_STRING", "data=all")
    d = RoutesDashboard.from_url(con=built_con)
    assert (d.selection.unit, d.selection.data) == ("detections", "all")


def test_a_given_selection_is_shown_by_the_controls(built_con):
    d = RoutesDashboard(con=built_con, selection=Selection(unit="persons", data="all", crime="smuggling"))
    assert (d.unit.value, d.data.value, d.crime.value) == ("persons", "all", "smuggling")
    d.country.value = "NER"  # a change of filter keeps what the controls show
    assert (d.selection.unit, d.selection.data, d.selection.crime) == ("persons", "all", ("smuggling",))


# -- 2. "no data" says what to choose instead ------------------------------------------------------------------------


def test_real_persons_says_choose_detections(routes, built_con):
    assert _query(built_con, "SELECT count(*) FROM journeys WHERE unit = 'persons' AND NOT illustrative") == 0
    routes.unit.value = "persons"
    hint = "No real counts of persons; Frontex counts detections: choose Counting: detections"
    for panel in (routes.kpis, routes.table, routes.chart):
        assert hint in _text(panel.value), panel
    assert any(hint in note for note in routes.live.legend["notes"])  # on the map too
    assert "Data: all for the illustrative sample" in _text(routes.kpis.value)
    routes.lang = "fr"
    said = _text(routes.kpis.value)
    assert ("Aucun effectif réel de personnes ; Frontex compte des détections : choisissez Comptage\u202f: "
            "détections") in said
    assert "Données\u202f: toutes" in said
    # doing what it says shows the figures
    routes.unit.value = "detections"
    assert "Aucun effectif" not in _text(routes.kpis.value) and "détections dans cette sélection" in routes.kpis.value


def test_other_empty_selections_name_the_filter_to_change(routes):
    routes.crime.value = "trafficking"  # Frontex detections are all smuggling
    assert "No data for this selection: choose Crime: all." in _text(routes.kpis.value)
    routes.crime.value = ""
    routes.data.value = "illustrative"  # the sample counts persons
    assert "No data for this selection: choose Counting: persons." in _text(routes.table.value)
    routes.lang = "fr"
    assert "Aucune donnée pour cette sélection : choisissez Comptage\u202f: personnes." in _text(routes.chart.value)


def test_an_empty_workbook_says_widen_the_selection():
    con = connect(":memory:")
    try:
        assert profiles.first_view(con) == ("persons", "all")
        d = RoutesDashboard(con=con)
        assert d.status == "Updated."
        assert "No data for this selection: widen the period or choose all countries." in _text(d.kpis.value)
        d.lang = "fr"
        assert "élargissez la période ou choisissez tous les pays" in _text(d.table.value)
    finally:
        con.close()


# -- 3. a country's real figures ------------------------------------------------------------------------------------


def test_mali_shows_its_frontex_detections(built_con):
    total = _query(built_con, f"SELECT sum(persons) FROM journeys WHERE {DETECTIONS} AND origin_country = 'MLI'")
    assert total == 95_844
    d = CountryDashboard(con=built_con, country="MLI")
    assert d.status == "Updated."
    roles, frontex = _text(d.roles.value), _text(d.frontex.value)
    assert "95,844" in roles and "detections of its nationals (origin)" in roles
    assert "Frontex detections (real data)" in roles and "None recorded: transit, destination." in roles
    by_year = built_con.execute(f"SELECT year(period_start), sum(persons) FROM journeys WHERE {DETECTIONS} AND "
                                "origin_country = 'MLI' GROUP BY 1 ORDER BY 1").fetchall()  # fmt: skip
    cells = re.findall(r"<td class='n'>([^<]*)</td>", d.frontex.value)
    assert cells == [fmt_number(n) for _, n in by_year] + ["95,844"]  # one row: its nationals, then the total
    assert [f"<th>{y}</th>" in d.frontex.value for y, _ in by_year] == [True] * len(by_year)
    # sources named, caveats said
    assert "Sources: Frontex, detections of illegal border-crossings" in frontex
    assert "Detections are not persons" in frontex and "the last year is partial" in frontex
    top = built_con.execute(f"SELECT route, sum(persons) FROM journeys WHERE {DETECTIONS} AND origin_country = 'MLI' "
                            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchall()[0]  # fmt: skip
    assert f"mainly on: {top[0]}: {fmt_number(top[1])}" in frontex
    # the map shows the real detections, unlabelled; the journeys of persons that follow are labelled
    assert "number of detections" in d.map.value and BADGE not in d.map.value
    assert BADGE not in d.roles.value and BADGE in d.journeys.value and BADGE in d.partners.value
    d.lang = "fr"
    assert "95\u202f844" in d.roles.value and "Détections Frontex (données réelles)" in _text(d.roles.value)
    assert "Détections Frontex par année : Mali" in _text(d.frontex.value)


def test_transit_figures_say_the_route_has_one_assumed_departure_country(built_con):
    via = _query(built_con, f"SELECT sum(persons) FROM journeys WHERE {DETECTIONS} AND "
                            "list_contains(string_split(via_countries, ';'), 'MAR')")  # fmt: skip
    d = CountryDashboard(con=built_con, country="MAR")
    roles = _text(d.roles.value + d.journeys.value)
    transit = roles.index(f"{fmt_number(via)} on the routes assigned to it (transit)")
    caveat = roles.index("Frontex gives each route one departure country")
    assert transit < caveat < roles.index("Journeys of persons")  # next to the transit figure
    assert "(Western Mediterranean Route)" in roles
    assert "Frontex gives each route one departure country" in _text(d.frontex.value)


def test_chad_does_not_show_zeros_silently(built_con):
    d = CountryDashboard(con=built_con, country="TCD")
    roles = _text(d.roles.value + d.journeys.value)
    nationals = _query(built_con, f"SELECT sum(persons) FROM journeys WHERE {DETECTIONS} AND origin_country = 'TCD'")
    assert nationals > 0 and fmt_number(nationals) in roles
    assert "<b>0</b>" not in d.roles.value
    assert "None recorded: transit, destination." in roles
    assert "No journey of persons recorded for Chad." in roles


def test_missing_migrants_figures_of_a_country(built_con):
    d = CountryDashboard(con=built_con, country="TCD")
    deaths = _text(d.deaths.value)
    dead = _query(built_con, "SELECT sum(dead_and_missing) FROM incidents WHERE incident_iso3 = 'TCD'")
    n = _query(built_con, "SELECT count(*) FROM incidents WHERE incident_iso3 = 'TCD'")
    mine = "list_contains(string_split(nationality_iso3, ','), 'TCD')"
    theirs = _query(built_con, f"SELECT sum(dead_and_missing) FROM incidents WHERE {mine}")
    n_theirs = _query(built_con, f"SELECT count(*) FROM incidents WHERE {mine}")
    assert f"{fmt_number(dead)} dead and missing in {fmt_number(n)} incidents" in deaths
    assert f"{fmt_number(theirs)} dead and missing in {fmt_number(n_theirs)} incidents involving its nationals" in (
        deaths)
    per_year = dict(built_con.execute("SELECT year(date), sum(dead_and_missing) FROM incidents WHERE incident_iso3 = "
                                      "'TCD' GROUP BY 1").fetchall())  # fmt: skip
    row = d.deaths.value.split("<th>dead and missing in the country</th>")[1].split("</tr>")[0]
    shown = re.findall(r"<td class='n'>([^<]*)</td>", row)
    years = [int(y) for y in re.findall(r"<th>(\d{4})</th>", d.deaths.value)]
    assert shown == [fmt_number(per_year.get(y, 0)) for y in years] + [fmt_number(dead)]
    assert "Sources: IOM Missing Migrants Project" in deaths and "minimum estimates" in deaths


def test_a_country_with_no_real_figures_says_so(built_con):
    assert _query(built_con, f"SELECT count(*) FROM journeys WHERE {DETECTIONS} AND 'DEU' IN (origin_country, "
                             "destination_country)") == 0  # fmt: skip
    d = CountryDashboard(con=built_con, country="DEU")
    assert "No Frontex detection concerns Germany" in _text(d.roles.value)
    assert "No Frontex detection concerns Germany" in _text(d.frontex.value)
    assert "Sources: Frontex" in _text(d.frontex.value)


def test_real_figures_of_every_member_country(built_con):
    """Each member country's detections as nationality, transit and destination, in French, as SQL counts them."""
    where = {"nationals": "origin_country = ?", "transit": "list_contains(string_split(via_countries, ';'), ?)",
             "destination": "destination_country = ?"}  # fmt: skip
    d = CountryDashboard(con=built_con, lang="fr")
    for iso3 in profiles.member_countries(built_con):
        d.country = iso3
        assert d.status == "Mis à jour.", iso3
        for role, clause in where.items():
            total = _query(built_con, f"SELECT sum(persons) FROM journeys WHERE {DETECTIONS} AND {clause}", [iso3])
            if total >= 5:
                assert f"<b>{fmt_number(total, 'fr')}</b>" in d.roles.value, (iso3, role)
                assert f"<td class='n'>{fmt_number(total, 'fr')}</td></tr>" in d.frontex.value, (iso3, role)
        assert "<b>0</b>" not in d.roles.value, iso3
