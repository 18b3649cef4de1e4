"""Issue 11: every person is on the map or named beside it.

For any selection, the journeys on the map (drawn, or domestic at their country) and those listed
beside it (an end unknown, stateless, or with no place) are all the journeys: ``on_map + listed ==
total`` in raw counts; the published parts add up to the published total with the hidden remainder
named (``on_map + listed + hidden == total``); and where nothing is perturbed (detections, or
perturbation off) the hidden remainder is exactly the hidden cells, never negative.  The map's
side panel shows the three parts.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gloact_lib.analysis.counts import accounting, listed
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.analysis.selection import SCOPES
from gloact_lib.data.database import connect
from gloact_lib.imports.pipeline import import_file
from gloact_lib.views.map_text import account_lines, fmt_number
from gloact_lib.views.route_map import route_map
from tests.conftest import journey
from tests.imports.ctdc_download import ctdc_rows, write_ctdc


@pytest.fixture(scope="module")
def mixed(built_db, tmp_path_factory):
    """The shipped database plus a CTDC download (domestic, unknown ends, no year) and a few odd journeys."""
    folder = tmp_path_factory.mktemp("mixed")
    path = folder / "w.duckdb"
    shutil.copy(built_db, path)
    con = connect(path)
    import_file(con, write_ctdc(folder / "ctdc.csv", ctdc_rows(800, seed=5)), report=folder / "r1.csv")
    import csv

    rows = [journey(journey_id="ret", origin="NER", via="LBY", destination="NER", persons="6"),
            journey(journey_id="home", origin="NER", via="agadez", destination="NER", persons="40"),
            journey(journey_id="nowhere", origin="NGA", via="", destination="unknown", persons="3"),
            journey(journey_id="stl", origin="stateless", via="", destination="ITA", persons="12")]  # fmt: skip
    with open(folder / "odd.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_file(con, folder / "odd.csv", report=folder / "r2.csv")
    con.close()
    con = connect(path, read_only=True)
    yield con
    con.close()


selections = st.builds(
    Selection,
    unit=st.sampled_from(["persons", "detections"]),
    scope=st.sampled_from([(), *[(s,) for s in SCOPES]]),
    data=st.sampled_from(["all", "real", "illustrative"]),
    crime=st.sampled_from([(), ("trafficking",), ("smuggling",)]),
    country=st.sampled_from([(), ("NER",), ("NGA",), ("USA",), ("AFG",), ("ITA",), ("MLI",)]),
    start=st.sampled_from([None, dt.date(2015, 1, 1), dt.date(2019, 6, 1)]),
    end=st.sampled_from([None, dt.date(2016, 12, 31), dt.date(2024, 12, 31)]),
    perturb=st.booleans(),
    threshold=st.sampled_from([1, 5, 20]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(selection=selections, level=st.sampled_from(["place", "country"]))
def test_every_person_is_on_the_map_or_listed(mixed, selection, level):
    raw = accounting(mixed, selection)
    assert raw["on_map"] + raw["listed"] == raw["total"]
    assert int(listed(mixed, selection)["persons"].sum()) == raw["listed"]
    flows = Flows.from_db(mixed, selection, level=level)
    a = flows.accounting
    assert a["total"] == flows.summary["persons"]
    if a["total"] is None or flows.empty:  # below the threshold, or nothing: nothing to account for
        assert account_lines(flows) == []
        return
    assert a["on_map"] is None or a["on_map"] >= 0
    assert (a["on_map"] or 0) + a["listed"] + a["hidden"] == a["total"]
    exact = selection.unit == "detections" or not selection.perturb
    if exact:
        hidden_true = int(listed(mixed, selection).loc[flows.listed["suppressed"].to_numpy(), "persons"].sum())
        hidden_true += raw["on_map"] if a["on_map"] is None else 0
        assert a["hidden"] == hidden_true >= 0
        assert a["listed"] == raw["listed"] - int(listed(mixed, selection).loc[
            flows.listed["suppressed"].to_numpy(), "persons"].sum())  # fmt: skip
    # the side panel shows the three parts and the total
    page = route_map(flows).get_root().render()
    assert "gloact-offmap" in page
    for label, value in account_lines(flows):
        assert html.escape(label) in page and html.escape(value.split(" ")[0]) in page


def test_domestic_and_unknown_ends_on_the_page(mixed):
    flows = Flows.from_db(mixed, Selection(country=("NER",), perturb=False, threshold=1))
    home = dict(zip(flows.domestic["iso3"], flows.domestic["persons"], strict=True))
    assert home["NER"] >= 40  # NER -> Agadez -> NER is domestic (with the CTDC file's Nigerien cases)
    page = route_map(flows).get_root().render()
    assert "gloact-domestic" in page and "domestic: " in page
    nga = Flows.from_db(mixed, Selection(origin=("NGA",), perturb=False, threshold=1))
    lines = [x for x in (nga.listed.itertuples()) if x.destination == "XXX"]
    assert lines and all(x.reason == "destination_unknown" for x in lines)
    page = route_map(nga).get_root().render()
    assert "Nigeria → destination unknown: " in page
    assert f"{fmt_number(nga.accounting['total'])} persons" in page
