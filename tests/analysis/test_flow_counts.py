"""One pass over the journeys (flow_counts) gives every count the per-table queries of counts.py give, so the
published flows are those they published: on the shipped data with random selections, and on odd paths."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from gloact_lib.analysis import counts
from gloact_lib.analysis.disclosure import publish
from gloact_lib.analysis.flow_counts import flow_counts, node_rows
from gloact_lib.analysis.flows import Flows, _nodes
from gloact_lib.analysis.selection import Selection
from gloact_lib.data.derived import scope_sql
from gloact_lib.data.record_keys import record_key_sql

KINDS = ("origin", "transit", "destination", "domestic")


def _roles(wide: pd.DataFrame) -> pd.DataFrame:
    """counts.country_roles in long form, as Flows.from_db published it before flow_counts."""
    raw = pd.DataFrame({"iso3": np.tile(wide["iso3"].to_numpy(), len(KINDS)), "role": np.repeat(KINDS, len(wide)),
                        "persons": np.concatenate([wide[k].to_numpy() for k in KINDS]),
                        "ckey": np.concatenate([wide[f"{k}_ckey"].to_numpy() for k in KINDS])})  # fmt: skip
    return raw[raw["persons"].to_numpy() > 0].reset_index(drop=True)


def assert_as_counts(con, selection: Selection, level: str) -> None:
    raw = flow_counts(con, selection, level)
    pd.testing.assert_frame_equal(raw.legs, counts.legs(con, selection, level))
    pd.testing.assert_frame_equal(raw.roles, _roles(counts.country_roles(con, selection)))
    ends = counts.ends(con, selection)
    pd.testing.assert_frame_equal(raw.ends, ends)
    pd.testing.assert_frame_equal(raw.domestic, counts.domestic(con, selection, ends))
    pd.testing.assert_frame_equal(raw.listed, counts.listed(con, selection, ends))
    assert raw.accounting == counts.accounting(con, selection, ends)
    assert raw.facts == counts.facts(con, selection)
    pd.testing.assert_frame_equal(counts.od_pairs_of(raw.ends), counts.od_pairs(con, selection))
    home = raw.domestic[raw.domestic["persons"] > 0]
    names = sorted(set(raw.legs["source"]) | set(raw.legs["target"]) | set(home["iso3"]))
    assert [r[0] for r in raw.nodes] == names
    flows = Flows.from_counts(selection, raw)
    assert {n: vars(v) for n, v in flows.nodes.items()} == {n: vars(v) for n, v in _nodes(con, names).items()}
    shown = publish(counts.legs(con, selection, level), **selection.disclosure)
    assert dict(zip(zip(shown["source"], shown["target"], strict=True), shown["persons"], strict=True)) == dict(
        zip(zip(flows.legs["source"], flows.legs["target"], strict=True), flows.legs["persons"], strict=True))


def _selections(con, n: int, seed: int) -> list[Selection]:
    rng = random.Random(seed)
    countries = [r[0] for r in con.execute("SELECT DISTINCT origin_country FROM journeys UNION "
                                           "SELECT DISTINCT destination_country FROM journeys ORDER BY 1").fetchall()]
    out = [Selection(), Selection(unit="detections", data="real"), Selection(data="illustrative"),
           Selection(data="real"), Selection(scope="unknown"), Selection(threshold=1, perturb=False)]  # fmt: skip
    for _ in range(n):
        kw: dict = {"unit": rng.choice(["persons", "detections"]), "data": rng.choice(["all", "real", "illustrative"])}
        role = rng.choice(["country", "origin", "transit", "destination", None])
        if role:
            kw[role] = [rng.choice(countries)]
        if rng.random() < 0.3:
            kw["crime"] = rng.choice(["smuggling", "trafficking"])
        if rng.random() < 0.3:
            year = rng.randint(2012, 2022)
            kw["start"], kw["end"] = dt.date(year, 1, 1), dt.date(year + rng.randint(0, 2), 12, 31)
        if rng.random() < 0.2:
            kw["scope"] = rng.choice(["domestic", "cross_border", "unknown"])
        out.append(Selection(**kw))
    return out


def test_the_one_pass_counts_what_each_query_counts(built_con):
    for selection in _selections(built_con, 24, seed=14):
        for level in ("place", "country"):
            assert_as_counts(built_con, selection, level)


ODD = [  # origin, via, destination, their countries, persons
    ("NGA", None, "LBY", "NGA", None, "LBY", 4),  # no via at all
    ("NGA", "", "LBY", "NGA", "", "LBY", 6),
    ("NGA", "agadez;;sebha", "ITA", "NGA", "NER;;LBY", "ITA", 9),  # an empty step
    ("NER", "agadez", "NER", "NER", "NER", "NER", 12),  # domestic, through a hub of its own
    ("NER", "sebha", "NER", "NER", "LBY", "NER", 3),  # leaves and comes back: cross-border
    ("XXX", "agadez", "LBY", "XXX", "NER", "LBY", 7),  # unknown origin: listed, NER still a transit
    ("XXA", "", "ESP", "XXA", "", "ESP", 2),  # stateless
    ("MLI", "gao", "XXX", "MLI", "MLI", "XXX", 5),  # unknown destination
    ("XSS", "agadez", "LBY", "XSS", "NER", "LBY", 8),  # the sub-Saharan region
    ("ATA", "", "ESP", "ATA", "", "ESP", 1),  # a country with no place on the map (if it has none)
    ("NGA", "kano;kano;agadez", "NGA", "NGA", "NGA;NGA;NER", "NGA", 11),  # a repeated step
]


def test_odd_paths(con):
    key, key_params = record_key_sql(con, "journey_id")
    for i, (o, v, d, oc, vc, dc, persons) in enumerate(ODD * 2):
        con.execute(
            f"""INSERT INTO journeys (journey_id, crime, persons, unit, period_start, period_end, origin,
                                      origin_country, via, via_countries, destination, destination_country, sex,
                                      age_group, exploitation, source, illustrative, rkey, scope, content_key)
                SELECT *, {scope_sql()}, ? FROM (SELECT ? AS journey_id, ? AS crime, ? AS persons, ? AS unit,
                       ?::DATE AS period_start, ?::DATE AS period_end, ? AS origin, ? AS origin_country, ? AS via,
                       ? AS via_countries, ? AS destination, ? AS destination_country, 'female' AS sex,
                       'adult' AS age_group, 'unknown' AS exploitation, ? AS source, false AS illustrative,
                       {key} AS rkey)""",
            [i, f"odd-{i}", "smuggling" if i % 3 else "trafficking", persons + i % 2, "persons",
             None if i % 4 == 0 else dt.date(2015 + i % 5, 1 + i % 12, 1), None, o, oc, v, vc, d, dc,
             f"source {i % 3}", *key_params],
        )  # fmt: skip
    assert con.execute("SELECT count(DISTINCT scope) FROM journeys").fetchone()[0] == 3
    for selection in (Selection(), Selection(country="NER"), Selection(transit="NER"), Selection(scope="domestic"),
                      Selection(start=dt.date(2016, 1, 1)), Selection(origin="XXX"), Selection(crime="nothing")):
        for level in ("place", "country"):
            assert_as_counts(con, selection, level)


def test_an_empty_workbook(con):
    for level in ("place", "country"):
        assert_as_counts(con, Selection(), level)
    assert node_rows(con, []) == []


@pytest.mark.parametrize("level", ["place", "country"])
def test_flows_from_counts_is_from_db(built_con, level):
    selection = Selection(country="NER")
    a, b = Flows.from_db(built_con, selection, level), Flows.from_counts(selection, flow_counts(built_con, selection,
                                                                                                 level))  # fmt: skip
    assert a.summary == b.summary and a.accounting == b.accounting and a.unmapped == b.unmapped
    for name in ("legs", "hubs", "roles", "domestic", "listed"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
