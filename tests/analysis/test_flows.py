"""Flows on a small hand-made database, and disclosure control that cannot be undone."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gloact_lib.analysis.counts import country_roles, hubs, legs, od_pairs, summary
from gloact_lib.analysis.flows import Flows, Selection, suppress
from gloact_lib.imports.pipeline import import_file

from ..conftest import journey


@pytest.fixture
def small(con, write_csv):
    rows = [
        journey(journey_id="a", persons="10", origin="NGA", via="kano;agadez", destination="LBY"),
        journey(journey_id="b", persons="7", origin="NGA", via="agadez", destination="LBY", sex="male"),
        journey(journey_id="c", persons="3", origin="MLI", via="gao", destination="DZA", period_start="2020-01-05"),
        journey(journey_id="d", persons="20", origin="SEN", via="", destination="ESP", crime="smuggling"),
    ]
    import_file(con, write_csv(rows))
    return con


def as_dict(frame, key, value):
    return dict(zip(frame[key], frame[value], strict=True))


def test_od_pairs_and_legs(small):
    od = od_pairs(small, Selection())
    assert {(r.origin, r.destination): r.persons for r in od.itertuples()} == {
        ("NGA", "LBY"): 17, ("MLI", "DZA"): 3, ("SEN", "ESP"): 20}  # fmt: skip
    lg = legs(small, Selection())
    got = {(r.source, r.target): r.persons for r in lg.itertuples()}
    assert got == {("NGA", "kano"): 10, ("kano", "agadez"): 10, ("NGA", "agadez"): 7, ("agadez", "LBY"): 17,
                   ("MLI", "gao"): 3, ("gao", "DZA"): 3, ("SEN", "ESP"): 20}  # fmt: skip
    country = {(r.source, r.target): r.persons for r in legs(small, Selection(), level="country").itertuples()}
    assert country == {("NGA", "NER"): 17, ("NER", "LBY"): 17, ("MLI", "DZA"): 3, ("SEN", "ESP"): 20}


def test_hubs_and_country_roles(small):
    h = hubs(small, Selection()).set_index("node")
    assert (h.loc["agadez", "inflow"], h.loc["agadez", "outflow"], h.loc["agadez", "through"]) == (17, 17, 17)
    roles = country_roles(small, Selection()).set_index("iso3")[["origin", "transit", "destination"]]
    assert roles.loc["NER"].tolist() == [0, 17, 0]  # transit only
    assert roles.loc["NGA"].tolist() == [17, 10, 0]  # origin, and transit via Kano
    assert roles.loc["LBY"].tolist() == [0, 0, 17]


def test_every_count_comes_with_its_cell_key(small):
    """A cell key is the sum of the rows' record keys modulo 2**32, whichever query counts the rows."""
    keys = dict(small.execute("SELECT journey_id, rkey FROM journeys").fetchall())
    assert len(keys) == 4 and all(0 <= k < 2**32 for k in keys.values())

    def ck(*ids):
        return sum(keys[i] for i in ids) % 2**32

    lg = legs(small, Selection()).set_index(["source", "target"])["ckey"]
    assert lg[("agadez", "LBY")] == ck("a", "b") and lg[("MLI", "gao")] == ck("c")
    assert od_pairs(small, Selection()).set_index(["origin", "destination"])["ckey"][("NGA", "LBY")] == ck("a", "b")
    roles = country_roles(small, Selection()).set_index("iso3")
    assert roles.loc["NGA", "origin_ckey"] == ck("a", "b") and roles.loc["NGA", "transit_ckey"] == ck("a")
    assert hubs(small, Selection()).set_index("node").loc["agadez", "through_ckey"] == ck("a", "b")
    assert summary(small, Selection())["ckey"] == ck("a", "b", "c", "d")


@pytest.mark.parametrize(
    "selection, persons",
    [
        (Selection(crime="smuggling"), 20),
        (Selection(origin=["NGA"]), 17),
        (Selection(transit=["NER"]), 17),
        (Selection(destination=["DZA", "ESP"]), 23),
        (Selection(country=["NER"]), 17),
        (Selection(sex=["male"]), 7),
        (Selection(start=dt.date(2019, 1, 1)), 3),
        (Selection(end=dt.date(2018, 6, 1)), 0),
        (Selection(data="illustrative"), 0),
        (Selection(unit="detections"), 0),
        (Selection(source="test"), 40),
    ],
)
def test_selection_filters(small, selection, persons):
    assert summary(small, selection)["persons"] == persons


def test_bad_selection_values():
    with pytest.raises(ValueError, match="data must be"):
        Selection(data="fake")
    with pytest.raises(ValueError, match="unit must be"):
        Selection(unit="people")


def test_flows_publish_only_suppressed_values(small):
    flows = Flows.from_db(small, Selection(perturb=False))  # exact counts: small ones hidden
    published = flows.legs.set_index(["source", "target"])
    assert published.loc[("MLI", "gao"), "suppressed"]  # 3 < 5
    assert pd.isna(published.loc[("MLI", "gao"), "persons"])
    gao = flows.hubs.set_index("node").loc["gao"]
    assert gao["hidden"] and gao["inflow"] == 0
    assert flows.summary["persons"] == 40
    assert all(n in flows.nodes for n in ("agadez", "NGA"))


def test_flows_publish_perturbed_counts_of_persons(small):
    """Perturbed: within 2 of the truth, never 0 or less, hidden exactly when the published value is below 5."""
    flows = Flows.from_db(small, Selection())
    true = {(r.source, r.target): r.persons for r in legs(small, Selection()).itertuples()}
    assert "ckey" not in flows.legs.columns and set(flows.legs["source"] + ">" + flows.legs["target"]) == {
        f"{s}>{t}" for s, t in true}  # fmt: skip
    for r in flows.legs.itertuples():
        if r.suppressed:
            assert pd.isna(r.persons) and true[(r.source, r.target)] <= 6
        else:
            assert 5 <= r.persons and abs(r.persons - true[(r.source, r.target)]) <= 2
    assert 38 <= flows.summary["persons"] <= 42 and "ckey" not in flows.summary
    hubs_ = flows.hubs.set_index("node")  # a hub's flows are sums of published legs, not totals of their own
    visible = flows.legs.dropna(subset=["persons"])
    assert hubs_.loc["agadez", "inflow"] == visible.loc[visible["target"] == "agadez", "persons"].sum()
    assert Flows.from_db(small, Selection()).legs.equals(flows.legs)  # the same cells, the same values


def test_empty_selection(small):
    flows = Flows.from_db(small, Selection(origin=["FRA"]))
    assert flows.empty and flows.legs.empty and flows.unmapped == []


# -- disclosure control -------------------------------------------------------


def recover(cells: pd.DataFrame, totals: dict, row: str, col: str) -> set[int]:
    """The classic attack: any published total with exactly one unknown cell gives it away; repeat."""
    known = {i: (None if s else int(v)) for i, (v, s) in enumerate(zip(cells["persons"], cells["suppressed"],
                                                                         strict=True))}  # fmt: skip
    true_unknown = set()
    margins = [(kind, key_col, key, total) for kind, key_col in (("rows", row), ("cols", col))
               for key, total in totals[kind].items()]  # fmt: skip
    margins.append(("total", None, None, totals["total"]))
    changed = True
    while changed:
        changed = False
        for _kind, key_col, key, total in margins:
            if total is None:
                continue
            members = [i for i in known if key_col is None or cells[key_col].iloc[i] == key]
            unknown = [i for i in members if known[i] is None]
            if len(unknown) == 1:
                known[unknown[0]] = total - sum(known[i] for i in members if known[i] is not None)
                true_unknown.add(unknown[0])
                changed = True
    return true_unknown


tables = st.lists(
    st.tuples(st.sampled_from("ABCDE"), st.sampled_from("VWXYZ"), st.integers(min_value=0, max_value=40)),
    min_size=1, max_size=25, unique_by=lambda c: (c[0], c[1]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cells=tables, threshold=st.integers(min_value=2, max_value=10))
def test_no_suppressed_value_can_be_recovered(cells, threshold):
    table = pd.DataFrame(cells, columns=["o", "d", "persons"])
    published, totals = suppress(table, "o", "d", threshold=threshold)
    raw = table["persons"].to_numpy()
    hidden = published["suppressed"].to_numpy()
    # every small non-zero cell is hidden
    assert not np.any((raw > 0) & (raw < threshold) & ~hidden)
    # nothing hidden can be worked out from the published cells and totals
    assert recover(published, totals, "o", "d") == set()
    # and the hidden part of any published total is never small
    for kind, key_col in (("rows", "o"), ("cols", "d")):
        for key, total in totals[kind].items():
            part = raw[(table[key_col] == key).to_numpy() & hidden].sum()
            if total is not None and part > 0:
                assert part >= threshold
            if total is not None:
                assert 0 == total or total >= threshold
    if totals["total"] is not None:
        assert raw[hidden].sum() == 0 or raw[hidden].sum() >= threshold


def test_suppression_example_from_the_docstring():
    t = pd.DataFrame({"o": list("AAABBBCCC"), "d": list("XYZXYZXYZ"), "persons": [2, 40, 12, 30, 50, 9, 20, 15, 60]})
    cells, totals = suppress(t, "o", "d")
    assert cells["suppressed"].sum() == 4
    assert totals["total"] == 238
