"""Disclosure control that survives differencing (issue #9): the cell-key method of disclosure.py.

The attack: a hidden count is the published total minus the published other parts
(total 264, male 263, other 0, unknown 0, female hidden: 1 girl).  These tests run it
on every selection the routes dashboard can make of the shipped database, and over
every partition of generated tables, and check that

- without perturbation (the control) it gives every hidden count exactly, and
- with perturbation the attacker's figure is exact in well under half of the cases,
  and leaves at least two possible values except when every figure used happened to
  move by the full bound (probability 0.05 per figure).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import shutil

import numpy as np
import pandas as pd
import pytest

from gloact_lib.analysis.counts import country_roles, legs, od_pairs, summary
from gloact_lib.analysis.disclosure import (
    BOUND,
    MODULUS,
    PTABLE,
    perturbation,
    publish,
    publish_counts,
    publish_value,
)
from gloact_lib.analysis.flows import Flows, Selection, published_total
from gloact_lib.dashboards import RoutesDashboard
from gloact_lib.data.database import connect
from gloact_lib.data.record_keys import add_record_keys, record_key
from gloact_lib.imports.build import scratch
from gloact_lib.imports.pipeline import import_file

from ..conftest import journey

THRESHOLD = 5
DIMS = {"data": ("real", "illustrative"), "crime": ("trafficking", "smuggling"),
        "sex": ("female", "male", "other", "unknown"), "age_group": ("child", "adult", "unknown")}  # fmt: skip
ALL = "*"
ROLES = {"any": "country", "origin": "origin", "transit": "transit", "destination": "destination"}


# -- the perturbation table --------------------------------------------------------------------------------------------


def test_the_perturbation_table_keeps_its_promises():
    for n, row in PTABLE.items():
        assert sum(row.values()) == 100
        assert all(abs(d) <= BOUND == 2 for d in row)
        assert all(n + d >= (1 if n else 0) for d in row)  # zero stays zero; nothing else becomes 0 or less
        if n >= 2:
            assert sum(d * p for d, p in row.items()) == 0  # no bias from 2 up (so at and above the threshold)
    # the table is read at position cell key / 2**32: over uniform keys, each change comes as often as it says
    keys = np.random.default_rng(0).integers(0, MODULUS, 200_000)
    for n in (1, 2, 3, 264):
        d = perturbation(np.full(keys.size, n), keys)
        row = PTABLE[min(n, 3)]
        for change, percent in row.items():
            assert abs((d == change).mean() - percent / 100) < 0.005
        assert set(np.unique(d)) == set(row)


def test_only_persons_are_perturbed_and_small_published_values_are_hidden():
    n = np.array([0, 1, 2, 3, 4, 5, 6, 7, 50, 264])
    keys = np.random.default_rng(1).integers(0, MODULUS, n.size)
    values, hidden = publish_counts(n, keys, "persons", THRESHOLD)
    assert values[0] == 0 and not hidden[0]
    assert np.all(np.abs(values - n) <= BOUND) and np.all(values[1:] >= 1)
    assert np.array_equal(hidden, (values > 0) & (values < THRESHOLD))
    exact, hidden = publish_counts(n, keys, "detections", THRESHOLD)  # Frontex detections: public, exact
    assert np.array_equal(exact, n) and np.array_equal(hidden, (n > 0) & (n < THRESHOLD))
    assert publish_value(264, 12345, perturb=False) == 264 and publish_value(3, 12345, perturb=False) is None
    cells = publish(pd.DataFrame({"c": ["a", "b"], "persons": [40, 2], "ckey": [1, 2]}))
    assert list(cells.columns) == ["c", "persons", "suppressed"]  # the cell key never leaves


# -- record keys ------------------------------------------------------------------------------------------------------


def test_record_keys_are_the_hmac_of_the_journey_id_under_the_database_secret(tmp_path, write_csv):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    import_file(con, write_csv([journey(journey_id=f"k{i}", via="") for i in range(20)]))
    secret = bytes(con.execute("SELECT secret FROM disclosure_secret").fetchall()[0][0])
    keys = dict(con.execute("SELECT journey_id, rkey FROM journeys").fetchall())
    assert keys == {j: record_key(secret, j) for j in keys} and len(set(keys.values())) == 20
    con.close()
    again = connect(path)  # made once: the same secret and keys when the database is opened again
    assert again.execute("SELECT count(*) FROM disclosure_secret").fetchall()[0][0] == 1
    assert dict(again.execute("SELECT journey_id, rkey FROM journeys").fetchall()) == keys
    # a database made before record keys existed gets them when opened for writing
    again.execute("ALTER TABLE journeys DROP COLUMN rkey")
    again.close()
    old = connect(path)
    assert dict(old.execute("SELECT journey_id, rkey FROM journeys").fetchall()) == keys
    assert add_record_keys(old) == 0
    old.close()
    other = scratch()  # another database, another secret: other keys
    assert bytes(other.execute("SELECT secret FROM disclosure_secret").fetchall()[0][0]) != secret


# -- the attack -------------------------------------------------------------------------------------------------------


def reachable_cells(con) -> pd.DataFrame:
    """True count and cell key of every selection the routes dashboard can make (persons).

    Period: every range of whole years of its slider (ranges holding the same journeys
    are kept once); country: none, or one of its list in any role, as origin, transit or
    destination; data, crime, sex and age group: all or one value (``*`` is all).
    """
    first, last = con.execute("SELECT min(year(period_start)), max(year(period_end)) FROM journeys").fetchall()[0]
    countries = {r[0] for r in con.execute("SELECT DISTINCT origin_country FROM journeys UNION "
                                           "SELECT DISTINCT destination_country FROM journeys").fetchall()}  # fmt: skip
    sets = ", ".join("(place" + "".join(f", {d}" for d in c) + ")" for k in range(5) for c in
                     itertools.combinations(DIMS, k))  # fmt: skip
    frames, seen = [], set()
    for a in range(first, last + 1):
        for b in range(a, last + 1):
            period = [dt.date(a, 1, 1), dt.date(b, 12, 31)]
            ids = con.execute("SELECT count(*), coalesce(sum(hash(journey_id)), 0) FROM journeys WHERE unit = "
                              "'persons' AND period_end >= ? AND period_start <= ?", period).fetchall()[0]  # fmt: skip
            if ids in seen or not ids[0]:
                continue
            seen.add(ids)
            frame = con.execute(
                f"""WITH j AS (SELECT persons, rkey, crime, sex, age_group,
                                      CASE WHEN illustrative THEN 'illustrative' ELSE 'real' END AS data,
                                      origin_country, destination_country,
                                      list_filter(string_split(via_countries, ';'), lambda x: x <> '') AS via
                               FROM journeys WHERE unit = 'persons' AND period_end >= ? AND period_start <= ?),
                    p AS (SELECT *, '' AS place FROM j
                          UNION ALL SELECT *, 'any:' || unnest(list_distinct([origin_country, destination_country]
                                                                             || via)) FROM j
                          UNION ALL SELECT *, 'origin:' || origin_country FROM j
                          UNION ALL SELECT *, 'destination:' || destination_country FROM j
                          UNION ALL SELECT *, 'transit:' || unnest(list_distinct(via)) FROM j)
                    SELECT place, data, crime, sex, age_group, sum(persons)::BIGINT AS n,
                           (sum(rkey) % 4294967296)::BIGINT AS ckey
                    FROM p GROUP BY GROUPING SETS ({sets})""",
                period,
            ).df()  # fmt: skip
            frames.append(frame.assign(start=a, end=b))
    cells = pd.concat(frames, ignore_index=True).fillna({d: ALL for d in DIMS})
    return cells[(cells["place"] == "") | cells["place"].str.split(":").str[1].isin(countries)].reset_index(drop=True)


def selection_of(cell) -> Selection:
    """The Selection the routes dashboard makes for a cell of :func:`reachable_cells`."""
    role, _, country = cell.place.partition(":")
    where = {ROLES[role]: country} if country else {}
    return Selection(start=dt.date(cell.start, 1, 1), end=dt.date(cell.end, 12, 31),
                     data="all" if cell.data == ALL else cell.data, crime=() if cell.crime == ALL else cell.crime,
                     sex=() if cell.sex == ALL else cell.sex, age_group=() if cell.age_group == ALL else cell.age_group,
                     **where)  # fmt: skip


def feasible(derived: int, terms: int, perturb: bool) -> list[int]:
    """What the attacker can tell of a hidden count from one subtraction, knowing the method.

    A hidden count is 1 to threshold - 1 + BOUND (published below the threshold, never
    zero); each of the ``terms`` published non-zero figures used may be off by BOUND.
    """
    slack = BOUND * terms if perturb else 0
    top = THRESHOLD - 1 + (BOUND if perturb else 0)
    return [n for n in range(derived - slack, derived + slack + 1) if 1 <= n <= top]


def partition_attack(cells: pd.DataFrame, perturb: bool) -> pd.DataFrame:
    """Published total minus the published other parts, along each of data, crime, sex and age group.

    Returns one row per subtraction that isolates exactly one hidden part under a published
    total: ``true`` (the hidden part's count), ``derived`` (the attacker's figure), ``terms``
    (published non-zero figures used: zeros are exact).
    """
    values, hidden = publish_counts(cells["n"], cells["ckey"], "persons", THRESHOLD, perturb)
    cells = cells.assign(pub=values, hidden=hidden)
    key = ["start", "end", "place", *DIMS]
    out = []
    for dim in DIMS:
        others = [k for k in key if k != dim]
        parts = cells[cells[dim] != ALL]
        shown = parts[~parts["hidden"]]
        grouped = pd.concat([
            parts.groupby(others)["hidden"].sum().rename("n_hidden"),
            shown.groupby(others)["pub"].sum().rename("shown"),
            shown[shown["pub"] > 0].groupby(others).size().rename("nonzero"),
            parts[parts["hidden"]].groupby(others)["n"].first().rename("true"),
        ], axis=1)  # fmt: skip
        base = cells[(cells[dim] == ALL) & ~cells["hidden"]].set_index(others)["pub"].rename("total")
        m = grouped.join(base, how="inner")
        m = m[m["n_hidden"] == 1].fillna({"shown": 0, "nonzero": 0})
        out.append(pd.DataFrame({"true": m["true"], "derived": m["total"] - m["shown"], "terms": 1 + m["nonzero"],
                                 "dim": dim}).reset_index(drop=True))  # fmt: skip
    return pd.concat(out, ignore_index=True).astype({"true": int, "derived": int, "terms": int})


def judge(instances: pd.DataFrame, perturb: bool) -> dict:
    small = instances[instances["true"].between(1, THRESHOLD - 1)]
    sets = [feasible(d, t, perturb) for d, t in zip(small["derived"], small["terms"], strict=True)]
    single = np.array([len(s) == 1 for s in sets], dtype=bool)
    edge = (small["derived"] - small["true"]).abs() == BOUND * small["terms"]
    return {"n": len(small), "exact": float((small["derived"] == small["true"]).mean()),
            "single": float(single.mean()), "single_off_edge": int((single & ~edge.to_numpy()).sum()),
            "contains_truth": all(t in s for t, s in zip(small["true"], sets, strict=True))}  # fmt: skip


@pytest.fixture(scope="module")
def shipped_cells(built_db):
    con = connect(built_db, read_only=True)
    yield reachable_cells(con)
    con.close()


def test_issue_9_the_girl_is_no_longer_given_away(built_con):
    """Routes dashboard, 2023-2024, smuggling, children: total minus male, other, unknown."""
    board = RoutesDashboard(con=built_con)
    board.unit.value, board.data.value = "persons", "all"  # it opens on the real detections (issue 13)
    board.period.value, board.crime.value, board.age.value = (2023, 2024), "smuggling", "child"
    chosen = {}
    for sex in ("", "male", "female", "other", "unknown"):
        board.sex.value = sex
        chosen[sex] = board.selection
    exact = {sex: Flows.from_db(built_con, s.replace(perturb=False)).summary["persons"] for sex, s in chosen.items()}
    assert exact == {"": 264, "male": 263, "female": None, "other": 0, "unknown": 0}
    assert exact[""] - exact["male"] - exact["other"] - exact["unknown"] == 1  # control: the attack works

    shown = {sex: Flows.from_db(built_con, s).summary["persons"] for sex, s in chosen.items()}
    assert shown == {sex: published_total(built_con, s) for sex, s in chosen.items()}  # one publishing function
    assert shown["female"] is None and shown["other"] == shown["unknown"] == 0
    assert abs(shown[""] - 264) <= BOUND and abs(shown["male"] - 263) <= BOUND
    assert 1 in feasible(shown[""] - shown["male"], 2, perturb=True)

    # The same subtraction under 2,000 other secrets (the keys of the very rows these cells count).
    ids = {sex: [r[0] for r in built_con.execute(
        f"SELECT journey_id FROM journeys WHERE {chosen[sex].where()[0]}", chosen[sex].where()[1]).fetchall()]
        for sex in ("", "male")}  # fmt: skip
    rng, derived, single = random.Random(9), [], 0
    for _ in range(2000):
        secret = rng.randbytes(32)
        total, male = (publish_value(n, sum(record_key(secret, j) for j in ids[sex]) % MODULUS)
                       for sex, n in (("", 264), ("male", 263)))  # fmt: skip
        derived.append(total - male)
        single += len(feasible(total - male, 2, perturb=True)) == 1
    derived = np.array(derived)
    assert (derived == 1).mean() < 0.35  # about 0.275: the chance that both cells move alike
    assert len(set(derived)) >= 7 and single / 2000 < 0.01  # pinned only if total -2 and male +2 (0.25 %)


def test_differencing_every_reachable_selection_of_the_shipped_database(shipped_cells, built_con):
    control = judge(partition_attack(shipped_cells, perturb=False), perturb=False)
    assert control["n"] > 1000 and control["exact"] == 1.0 and control["single"] == 1.0  # the attack works
    result = judge(partition_attack(shipped_cells, perturb=True), perturb=True)
    assert result["n"] > 1000 and result["contains_truth"]
    # well under half: 0.21-0.37 over twelve builds (each build draws its own secret, hence its own noise), so the
    # bound is the claim, not one build's figure; what must never happen is the attacker knowing (``single``)
    assert result["exact"] < 0.5
    assert result["single"] < 0.02 and result["single_off_edge"] == 0  # pinned only at the bound's edge

    # the cells attacked are those the dashboard publishes: same counts, same published values
    for cell in shipped_cells.sample(40, random_state=3).itertuples():
        selection = selection_of(cell)
        raw = summary(built_con, selection)
        assert (raw["persons"], raw["ckey"]) == (cell.n, cell.ckey)
        values, hidden = publish_counts([cell.n], [cell.ckey], "persons", THRESHOLD)
        assert published_total(built_con, selection) == (None if hidden[0] else values[0])


# -- the generalisation: every pair and partition of generated tables ------------------------------------------------


def generated_db(seed: int, write_csv, rows: int = 500):
    """A scratch database of random journeys, mostly of one to three persons (many small cells)."""
    rng = random.Random(seed)
    con = scratch()
    con.execute("UPDATE disclosure_secret SET secret = ?", [random.Random(seed + 100).randbytes(32)])
    data = [journey(journey_id=f"g{seed}-{i}", crime=rng.choice(DIMS["crime"]), sex=rng.choice(DIMS["sex"]),
                    age_group=rng.choice(DIMS["age_group"]), persons=str(rng.choice([1, 1, 1, 2, 2, 3, 5, 8])),
                    origin=rng.choice(["NGA", "MLI", "GIN"]), destination=rng.choice(["LBY", "DZA"]),
                    via=rng.choice(["", "NER"]), illustrative=rng.choice(["true", "false"]),
                    period_start=f"{rng.choice([2020, 2021])}-{rng.randint(1, 12):02d}-01")
            for i in range(rows)]  # fmt: skip
    import_file(con, write_csv(data, name=f"gen{seed}.csv"))
    return con


def chain_attack(cells: pd.DataFrame, perturb: bool) -> pd.DataFrame:
    """Every subtraction of a hidden cell from a published total through partitions of its other parts.

    For a hidden cell C and any set S of its fixed dimensions, the total B (C with S set to
    "all") minus (a) every other cell of the grid of S within B, or (b) for each order of S,
    the siblings met when fixing one dimension of S after another (e.g. total - male -
    female adult - female unknown age = female child).  Pairs are the partitions of a
    dimension of two values.
    """
    values, hidden = publish_counts(cells["n"], cells["ckey"], "persons", THRESHOLD, perturb)
    out = []
    for _, group in cells.assign(pub=values, hidden=hidden).groupby(["start", "end", "place"]):
        table = {tuple(r[:4]): (r[4], r[5], r[6]) for r in
                 group[[*DIMS, "pub", "hidden", "n"]].itertuples(index=False)}  # fmt: skip

        def get(key, table=table):
            return table.get(key, (0, False, 0))  # absent: no journey, published 0

        for key, (_, is_hidden, true) in table.items():
            fixed = [i for i, v in enumerate(key) if v != ALL]
            if not is_hidden or not fixed:
                continue
            seen = set()
            for k in range(1, len(fixed) + 1):
                for subset in itertools.combinations(fixed, k):
                    total_key = tuple(ALL if i in subset else v for i, v in enumerate(key))
                    if get(total_key)[1]:
                        continue
                    dims = list(DIMS.values())
                    grid = [tuple(dict(zip(subset, combo, strict=True)).get(i, v) for i, v in enumerate(total_key))
                            for combo in itertools.product(*(dims[i] for i in subset))]  # fmt: skip
                    ways = [[g for g in grid if g != key]]
                    for order in itertools.permutations(subset):
                        siblings, current = [], total_key
                        for i in order:
                            siblings += [current[:i] + (v,) + current[i + 1:] for v in dims[i] if v != key[i]]
                            current = current[:i] + (key[i],) + current[i + 1:]
                        ways.append(siblings)
                    for others in ways:
                        if frozenset(others) in seen or any(get(o)[1] for o in others):
                            continue
                        seen.add(frozenset(others))
                        pubs = [get(o)[0] for o in others]
                        out.append((true, get(total_key)[0] - sum(pubs), 1 + sum(p > 0 for p in pubs), len(others)))
    return pd.DataFrame(out, columns=["true", "derived", "terms", "parts"])


@pytest.mark.parametrize("seed", [1, 2])
def test_differencing_every_partition_of_generated_tables(seed, write_csv):
    con = generated_db(seed, write_csv)
    cells = reachable_cells(con)
    control = chain_attack(cells, perturb=False)
    verdict = judge(control, perturb=False)
    assert verdict["n"] > 300 and verdict["exact"] == 1.0 and verdict["single"] == 1.0  # the attack works
    assert (control["parts"] > 1).sum() > 100  # and not only by pairs
    attacked = chain_attack(cells, perturb=True)
    verdict = judge(attacked, perturb=True)
    assert verdict["n"] > 300 and verdict["contains_truth"]
    assert verdict["exact"] < 0.35
    assert verdict["single"] < 0.02 and verdict["single_off_edge"] == 0
    con.close()


# -- one cell, one published value, in every view ---------------------------------------------------------------------


def test_the_same_cell_gets_the_same_value_in_every_view(built_con):
    everything = Selection()
    flows = Flows.from_db(built_con, everything, level="country")
    top_routes = publish(od_pairs(built_con, everything), **everything.disclosure)  # the dashboard's table

    # a leg of the map and the same origin-destination pair in the top routes (journeys that go direct)
    raw_legs = legs(built_con, everything, level="country").set_index(["source", "target"])
    raw_od = od_pairs(built_con, everything).set_index(["origin", "destination"])
    cols = ["persons", "ckey"]
    same = [k for k in raw_legs.index.intersection(raw_od.index) if raw_legs.loc[k, cols].equals(raw_od.loc[k, cols])]
    assert len(same) >= 3
    shown_legs = flows.legs.set_index(["source", "target"])["persons"]
    shown_od = top_routes.set_index(["origin", "destination"])["persons"]
    for k in same:
        assert shown_legs[k] is shown_od[k] or shown_legs[k] == shown_od[k]
        # and that pair as a selection of its own: the total on its summary
        pair = Selection(origin=k[0], destination=k[1])
        assert Flows.from_db(built_con, pair).summary["persons"] == (None if pd.isna(shown_od[k]) else shown_od[k])

    # a country's role on the map, and the total of the selection of that country in that role
    roles = flows.roles.set_index(["iso3", "role"])["persons"]
    raw_roles = country_roles(built_con, everything).set_index("iso3")
    for iso3 in raw_roles.index[:12]:
        for role in ("origin", "transit", "destination"):
            if raw_roles.loc[iso3, role] == 0:
                continue
            total = Flows.from_db(built_con, Selection(**{role: iso3})).summary["persons"]
            assert total == (None if pd.isna(roles[(iso3, role)]) else roles[(iso3, role)])

    # the country profile's partners table and the routes dashboard's table agree
    partners = publish(od_pairs(built_con, Selection(origin="NGA")), **Selection().disclosure)
    for r in partners.itertuples():
        other = shown_od[(r.origin, r.destination)]
        assert (pd.isna(r.persons) and pd.isna(other)) or r.persons == other


def test_detections_stay_exact(built_con):
    selection = Selection(unit="detections")
    flows = Flows.from_db(built_con, selection, level="country")
    raw = legs(built_con, selection, level="country").set_index(["source", "target"])["persons"]
    shown = flows.legs.dropna(subset=["persons"]).set_index(["source", "target"])["persons"]
    assert len(shown) > 50 and all(shown[k] == raw[k] for k in shown.index)
    assert flows.summary["persons"] == summary(built_con, selection)["persons"]


def test_every_view_says_which_figures_are_perturbed(built_con):
    from gloact_lib.dashboards import CountryDashboard
    from gloact_lib.views.briefing import briefing_html

    routes = RoutesDashboard(con=built_con)
    assert "perturbed (cell-key method)" in routes.notes.value and "Frontex detections" in routes.notes.value
    routes.lang = "fr"
    assert "méthode des clés de cellule" in routes.notes.value
    profile = CountryDashboard(con=built_con, country="NER")
    assert "perturbed (cell-key method)" in profile.journeys.value and "perturbed" in profile.partners.value
    page, _ = briefing_html(built_con, "casablanca-2019", "en")
    assert "perturbed (cell-key method)" in page


def test_opening_a_database_for_writing_keeps_its_keys(built_db, tmp_path):
    """A built database copied and opened for writing keeps its secret and keys: nothing is re-keyed."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built_db, copy)
    before = connect(built_db, read_only=True)
    keys = before.execute("SELECT sum(rkey), count(*) FROM journeys").fetchall()
    before.close()
    con = connect(copy)
    assert con.execute("SELECT sum(rkey), count(*) FROM journeys").fetchall() == keys
    con.close()
