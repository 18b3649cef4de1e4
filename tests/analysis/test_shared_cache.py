"""Figures computed once for a room of viewers: the tenth kernel of the same view computes nothing, an import
makes every earlier entry unused."""

from __future__ import annotations

import shutil
import sys

import duckdb
import pandas as pd

from gloact_lib.analysis import shared_cache
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.analysis.shared_cache import cache_folder, data_version, shared
from gloact_lib.data.database import connect

SELECTION = Selection(unit="detections", data="real")


def _counting(con, calls):
    def compute():
        calls.append(1)
        return Flows.from_db(con, SELECTION, level="country")

    return compute


def test_a_database_in_memory_is_not_cached():
    con = duckdb.connect()
    assert data_version(con) is None and cache_folder(con) is None
    calls = []
    assert shared(con, "n", 1, lambda: calls.append(1) or 7) == 7
    assert shared(con, "n", 1, lambda: calls.append(1) or 7) == 7
    assert len(calls) == 2


def test_the_tenth_viewer_computes_nothing_and_an_import_starts_again(built_db, tmp_path):
    db = tmp_path / "workbook.duckdb"
    shutil.copyfile(built_db, db)
    calls = []
    first = None
    for _ in range(10):  # ten kernels: ten connections of their own
        con = connect(db, read_only=True)
        flows = shared(con, "flows", (SELECTION, "country"), _counting(con, calls))
        first = first or flows
        assert flows.summary == first.summary and flows.legs.equals(first.legs) and flows.roles.equals(first.roles)
        con.close()
    assert len(calls) == 1
    con = connect(db, read_only=True)
    old = cache_folder(con)
    assert old.parent == tmp_path / ".gloact-cache" and len(list(old.glob("flows-*.pickle"))) == 1
    # another key, another kind: computed apart
    smuggling = SELECTION.replace(crime=("smuggling",))
    other = shared(con, "flows", (smuggling, "country"),
                   lambda: calls.append(1) or Flows.from_db(con, smuggling, level="country"))  # fmt: skip
    assert len(calls) == 2 and other.selection.crime == ("smuggling",)
    assert shared(con, "count", (SELECTION, "country"), lambda: 3) == 3
    con.close()

    writer = connect(db)  # an import: the data changes, so does its version
    writer.execute("UPDATE journeys SET persons = persons + 1 WHERE journey_id = (SELECT min(journey_id) FROM journeys "
                   "WHERE source LIKE 'Frontex%')")  # fmt: skip
    writer.close()
    con = connect(db, read_only=True)
    assert cache_folder(con) != old
    again = shared(con, "flows", (SELECTION, "country"), _counting(con, calls))
    assert len(calls) == 3 and again.summary["persons"] == first.summary["persons"] + 1
    assert not old.exists()  # the earlier version's entries are removed
    con.close()


def test_an_entry_that_cannot_be_read_is_computed_again(built_db, tmp_path, monkeypatch):
    db = tmp_path / "workbook.duckdb"
    shutil.copyfile(built_db, db)
    con = connect(db, read_only=True)
    calls = []
    shared(con, "flows", (SELECTION, "country"), _counting(con, calls))
    for entry in cache_folder(con).glob("*.pickle"):
        entry.write_bytes(b"not a pickle")  # a half-written file from a crash (entries are renamed into place)
    flows = shared(con, "flows", (SELECTION, "country"), _counting(con, calls))
    assert len(calls) == 2 and not flows.empty
    monkeypatch.setattr(shared_cache, "FORMAT", shared_cache.FORMAT + 1)  # a workbook of another version
    shared(con, "flows", (SELECTION, "country"), _counting(con, calls))
    assert len(calls) == 3
    con.close()


def test_viewers_of_the_same_view_share_its_flows(built_db, tmp_path, monkeypatch):
    from gloact_lib.dashboards import RoutesDashboard

    db = tmp_path / "workbook.duckdb"
    shutil.copyfile(built_db, db)
    calls = []
    real = shared_cache.flow_counts  # what reads the journeys for the flows (shared_flows)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(shared_cache, "flow_counts", counted)
    views = []
    for _ in range(3):
        con = connect(db, read_only=True)
        views.append(RoutesDashboard(con=con))
        con.close()
    assert len(calls) == 1
    assert views[0].kpis.value == views[1].kpis.value == views[2].kpis.value


# -- the shared figures' own functions (shared_flows, shared_od_pairs, shared_monthly) ------------------------------

_NEXT_KERNEL = """
import json, sys
from gloact_lib.analysis import shared_cache as sc
from gloact_lib.analysis.flows import Selection
from gloact_lib.data.database import connect

computed = []
for name in ("flow_counts", "od_pairs", "monthly"):  # what would read the journeys
    real = getattr(sc, name)
    setattr(sc, name, lambda *a, _name=name, _real=real, **k: computed.append(_name) or _real(*a, **k))
con = connect(sys.argv[1], read_only=True)
selection = Selection(unit="detections", data="real")
flows = sc.shared_flows(con, selection, "country")
pairs, months = sc.shared_od_pairs(con, selection), sc.shared_monthly(con, selection)
print(json.dumps({"computed": computed, "persons": flows.summary["persons"], "legs": len(flows.legs),
                  "pairs": int(pairs["persons"].sum()), "months": len(months)}))
"""


def _next_kernel(db) -> dict:
    """The figures of a new process (as a new viewer's kernel), and what it had to compute."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _NEXT_KERNEL, str(db)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_shared_figures_keep_their_key_across_processes_and_an_import_starts_again(built_db, tmp_path):
    from gloact_lib.analysis.counts import monthly, od_pairs
    from gloact_lib.analysis.shared_cache import shared_flows, shared_monthly, shared_od_pairs

    db = tmp_path / "workbook.duckdb"
    shutil.copyfile(built_db, db)
    con = connect(db, read_only=True)
    flows = shared_flows(con, SELECTION, "country")
    direct = Flows.from_db(con, SELECTION, "country")
    assert flows.summary == direct.summary and flows.legs.equals(direct.legs) and flows.roles.equals(direct.roles)
    kinds = sorted(p.name.split("-")[0] for p in cache_folder(con).glob("*.pickle"))
    assert kinds == ["flows", "od_pairs"]  # the view's pairs are kept with its flows: no second reading
    pairs, months = shared_od_pairs(con, SELECTION), shared_monthly(con, SELECTION)
    pd.testing.assert_frame_equal(pairs, od_pairs(con, SELECTION))
    pd.testing.assert_frame_equal(months, monthly(con, SELECTION))
    con.close()

    first = _next_kernel(db)  # a second call in a new process reads every figure the first computed
    assert first["computed"] == []
    assert (first["persons"], first["legs"], first["pairs"], first["months"]) == (
        flows.summary["persons"], len(flows.legs), int(pairs["persons"].sum()), len(months))  # fmt: skip

    writer = connect(db)  # an import: a new version of the data, every figure computed again
    writer.execute("UPDATE journeys SET persons = persons + 1 WHERE journey_id = (SELECT min(journey_id) FROM journeys "
                   "WHERE source LIKE 'Frontex%')")  # fmt: skip
    writer.close()
    again = _next_kernel(db)
    assert again["computed"] == ["flow_counts", "monthly"]  # the pairs come with the flows
    assert again["pairs"] == first["pairs"] + 1
    assert _next_kernel(db)["computed"] == []


def test_entries_of_arrow_and_python_strings_never_mix(built_db, tmp_path, monkeypatch):
    """A served kernel's pandas keeps text without pyarrow (``gloact_lib/_lean.py``) and could not read a frame an
    analyst's process pickled with Arrow strings: the two kinds of process key their entries apart."""
    db = tmp_path / "workbook.duckdb"
    shutil.copyfile(built_db, db)
    con = connect(db, read_only=True)
    made = []
    for loaded in (object(), None, object(), None):  # pyarrow loaded (an analyst), not (a served kernel), again
        monkeypatch.setitem(sys.modules, "pyarrow", loaded)
        assert shared(con, "n", 1, lambda: made.append(shared_cache._strings()) or len(made)) in (1, 2)
    con.close()
    assert made == ["arrow", "python"]  # each kind computed once, then read its own entry
