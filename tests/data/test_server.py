"""A workbook on a PostgreSQL server gives the same figures as the file it was copied from, and imports into it
are all or nothing, one final step at a time, whoever imports."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import psycopg
import pytest
from openpyxl import load_workbook

from gloact_lib.analysis import commitments, counts, profiles
from gloact_lib.analysis.flows import Flows, published_total
from gloact_lib.analysis.selection import Selection
from gloact_lib.dashboards import CommitmentsDashboard, CountryDashboard, RoutesDashboard
from gloact_lib.data.database import DatabaseError, connect, data_as_of
from gloact_lib.data.record_keys import record_key
from gloact_lib.data.replica import server_of
from gloact_lib.data.server_access import users_add
from gloact_lib.data.transfer import CopyError, copy_workbook
from gloact_lib.imports.pipeline import import_file
from gloact_lib.views.briefing import build_briefing
from gloact_lib.views.forms import write_template
from tests.conftest import journey, read_report
from tests.imports.ctdc_download import ctdc_rows, write_ctdc

pytestmark = pytest.mark.postgres

COUNTRIES = ["NGA", "NER", "MLI", "MAR", "LBY", "DZA", "ESP", "ITA", "SEN", "GIN", "XXX", "XSS"]


@pytest.fixture(scope="module")
def server(pg_cluster, built_db):
    """The built sample workbook copied to a database of its own: its owner's address."""
    url = pg_cluster.create_database("parity")
    copy_workbook(built_db, url)
    return url


def _random_selection(rng: random.Random) -> Selection:
    pick = lambda values, k=2: tuple(rng.sample(values, rng.randint(0, k)))  # noqa: E731
    start = dt.date(rng.randint(2009, 2022), rng.randint(1, 12), 1) if rng.random() < 0.5 else None
    return Selection(
        start=start, end=start + dt.timedelta(days=rng.randint(30, 2000)) if start and rng.random() < 0.7 else None,
        crime=pick(["trafficking", "smuggling"], 1), origin=pick(COUNTRIES), transit=pick(COUNTRIES, 1),
        destination=pick(COUNTRIES), country=pick(COUNTRIES, 1), sex=pick(["female", "male", "unknown"], 1),
        age_group=pick(["child", "adult"], 1), scope=pick(["domestic", "cross_border", "unknown"], 1),
        data=rng.choice(["all", "real", "illustrative"]), unit=rng.choice(["persons", "persons", "detections"]),
        threshold=rng.choice([1, 5, 10]),
    )  # fmt: skip


def _same(a, b, what):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, obj=what)
    else:
        assert a == b, what


def test_the_replica_is_of_the_server_and_read_only(server):
    con = connect(server)
    assert server_of(con) == server
    with pytest.raises(Exception, match="read-only"):
        con.execute("DELETE FROM journeys")


@pytest.mark.parametrize("seed", range(4))
def test_flows_and_counts_are_the_same_on_both_engines(server, built_db, seed):
    """Random selections (periods, roles, scopes, units, thresholds): every figure a map or table is drawn from."""
    rng = random.Random(seed)
    on_server, on_file = connect(server), connect(built_db, read_only=True)
    for _ in range(6):
        s = _random_selection(rng)
        a, b = Flows.from_db(on_server, s), Flows.from_db(on_file, s)
        for name in ("legs", "hubs", "roles", "domestic", "listed"):
            _same(getattr(a, name), getattr(b, name), f"{name} of {s}")
        for name in ("summary", "nodes", "unmapped", "accounting"):
            _same(getattr(a, name), getattr(b, name), f"{name} of {s}")
        assert published_total(on_server, s) == published_total(on_file, s)
        for f in (counts.ends, counts.od_pairs, counts.monthly, counts.country_roles, counts.legs, counts.hubs):
            _same(f(on_server, s), f(on_file, s), f"{f.__name__} of {s}")
        _same(counts.incidents(on_server, s), counts.incidents(on_file, s), f"incidents of {s}")


def test_profiles_commitments_briefing_and_forms_are_the_same(server, built_db, tmp_path):
    on_server, on_file = connect(server), connect(built_db, read_only=True)
    for iso3 in ("MLI", "MAR", "NER"):
        for f in (profiles.treaty_status, profiles.indicators, profiles.meetings_attended,
                  commitments.recommendations_for):  # fmt: skip
            _same(f(on_server, iso3), f(on_file, iso3), f"{f.__name__} {iso3}")
        _same(profiles.incident_summary(on_server, iso3), profiles.incident_summary(on_file, iso3), iso3)
    _same(commitments.latest_status(on_server), commitments.latest_status(on_file), "latest_status")
    _same(commitments.progress(on_server), commitments.progress(on_file), "progress")
    _same(commitments.overdue(on_server), commitments.overdue(on_file), "overdue")
    _same(profiles.journey_years(on_server), profiles.journey_years(on_file), "years")
    assert data_as_of(on_server) == data_as_of(on_file)
    packs = [build_briefing(c, "niamey-2018-06", "fr", out=tmp_path / n, images=False)
             for c, n in ((on_server, "s"), (on_file, "f"))]  # fmt: skip
    # the same pack but for the map elements' random ids (folium's)
    texts = [re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", "_ID", p.html.read_text(encoding="utf-8")) for p in packs]
    assert texts[0] == texts[1] and "Niamey" in texts[0]
    forms = [write_template(c, "MLI", "fr", tmp_path / f"{n}.xlsx") for c, n in ((on_server, "s"), (on_file, "f"))]
    sheets = [[[c.value for c in row] for row in load_workbook(f).active.iter_rows()] for f in forms]
    assert sheets[0] == sheets[1]


def test_dashboards_show_the_same_on_both_engines(server, built_db):
    on_server, on_file = connect(server), connect(built_db, read_only=True)
    for make in (lambda c: RoutesDashboard(con=c), lambda c: CountryDashboard(con=c, country="NER"),
                 lambda c: CommitmentsDashboard(con=c)):  # fmt: skip
        a, b = make(on_server), make(on_file)
        assert a.status == b.status == "Updated."
        assert a.kpis.value == b.kpis.value if hasattr(a, "kpis") else True
        if isinstance(a, RoutesDashboard):
            for d in (a, b):
                d.country.value, d.role.value = "MLI", "transit"
            assert a.kpis.value == b.kpis.value and a.table.value == b.table.value


def test_an_import_on_the_server_is_seen_at_the_next_opening(pg_cluster, built_db, tmp_path):
    url = pg_cluster.create_database("imports")
    copy_workbook(built_db, url)
    before = connect(url)
    n = before.execute("SELECT count(*) FROM journeys").fetchall()[0][0]
    result = import_file(url, write_ctdc(tmp_path / "c.csv", ctdc_rows(300, seed=4)), report=tmp_path / "r.csv")
    assert result.rejected == 0 and result.accepted == 300
    after = connect(url)
    assert after.execute("SELECT count(*) FROM journeys").fetchall()[0][0] == n + 300
    assert before.execute("SELECT count(*) FROM journeys").fetchall()[0][0] == n  # a replica is one snapshot
    # record keys are the server's, from the secret, as on a file; content keys are the importer's
    secret = _secret(url)
    ids = after.execute(f"SELECT journey_id, rkey FROM journeys WHERE import_id = {result.import_id}").fetchall()
    assert all(rkey == record_key(secret, jid) for jid, rkey in ids)
    with pytest.raises(Exception, match="repeat"):  # the same download again is refused, as on a file
        import_file(url, tmp_path / "c.csv", report=tmp_path / "r2.csv")
    assert connect(url).execute("SELECT count(*) FROM imports").fetchall() == after.execute(
        "SELECT count(*) FROM imports").fetchall()


def _secret(url: str) -> bytes:
    with psycopg.connect(url) as pg:
        return bytes(pg.execute("SELECT secret FROM disclosure_secret").fetchone()[0])


def test_a_focal_points_file_with_other_countries_rows_is_reported_not_stored(pg_cluster, built_db, tmp_path):
    url = pg_cluster.create_database("focal")
    copy_workbook(built_db, url)
    with psycopg.connect(url) as pg:
        password = users_add(pg, "focal_mli_t", "focal", "MLI")
    mine = pg_cluster.url("focal", "focal_mli_t", password)
    rows = ctdc_rows(40, seed=9)
    path = write_ctdc(tmp_path / "mixed.csv", rows)
    result = import_file(mine, path, report=tmp_path / "r.csv")  # no --as-country: the server knows the role's
    reported = result.rejected
    assert result.accepted + reported == 40 and result.accepted > 0
    stored = connect(url).execute(f"SELECT DISTINCT reporting_country FROM journeys WHERE import_id = "
                                  f"{result.import_id}").fetchall()  # fmt: skip
    assert stored == [("MLI",)]
    assert connect(mine).execute("SELECT DISTINCT reporting_country FROM journeys WHERE reporting_country IS NOT "
                                 "NULL").fetchall() == [("MLI",)]  # fmt: skip


def test_copy_back_gives_the_same_workbook_and_a_full_target_is_refused(server, built_db, tmp_path):
    back = tmp_path / "back.duckdb"
    counts_back = copy_workbook(server, back)
    a, b = connect(back, read_only=True), connect(built_db, read_only=True)
    for table in ("journeys", "imports", "rejections", "disclosure_secret", "status_updates"):
        q = f"SELECT * FROM {table} ORDER BY ALL"
        _same(a.execute(q).df(), b.execute(q).df(), table)
        assert counts_back[table] == len(b.execute(q).fetchall())
    with pytest.raises(CopyError, match="already holds a workbook"):
        copy_workbook(built_db, server)
    with pytest.raises(CopyError, match="exists"):
        copy_workbook(server, back)


def _import_process(url, path, report):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "gloact_lib.app.cli", "import", "--db", url, str(path),
                             "--report", str(report), "--json"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_an_import_killed_at_any_moment_leaves_the_server_as_it_was(pg_cluster, built_db, tmp_path):
    url = pg_cluster.create_database("killed")
    copy_workbook(built_db, url)
    path = write_ctdc(tmp_path / "big.csv", ctdc_rows(30_000, seed=5))
    with psycopg.connect(url) as pg:
        n0 = pg.execute("SELECT count(*) FROM journeys").fetchone()[0]
    outcomes = set()
    for delay in (0.8, 1.6, 2.4, 3.2, 4.0, 5.0):
        p = _import_process(url, path, tmp_path / f"r{delay}.csv")
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        with psycopg.connect(url) as pg:
            n, imports = pg.execute("SELECT (SELECT count(*) FROM journeys), (SELECT count(*) FROM imports)").fetchone()
        assert n in (n0, n0 + 30_000), delay
        outcomes.add(n - n0)
        if n > n0:
            break
    assert 0 in outcomes  # at least one kill fell before the commit
    done = _import_process(url, path, tmp_path / "last.csv")
    out, err = done.communicate(timeout=300)
    with psycopg.connect(url) as pg:
        n = pg.execute("SELECT count(*) FROM journeys").fetchone()[0]
    assert (done.returncode == 0 and n == n0 + 30_000) or ("repeat" in err and n == n0 + 30_000), err


def test_the_server_stopped_is_one_line_and_a_dashboard_comes_back(pg_cluster, built_db, monkeypatch):
    """With the server stopped a dashboard says so in its status line (no traceback, no address); when the
    server is back, the next drawing shows the figures again."""
    from gloact_lib import config

    url = pg_cluster.create_database("stopping")
    copy_workbook(built_db, url)
    monkeypatch.setattr(config, "DEFAULT_DB", url)
    d = RoutesDashboard()
    assert d.status == "Updated."
    figures = d.kpis.value
    pg_cluster.stop()
    try:
        with pytest.raises(DatabaseError) as err:
            connect(url)
        assert err.value.kind == "unreachable" and pg_cluster.password not in str(err.value)
        d.country.value = "MLI"
        assert "database server cannot be reached" in d.status_line.value
        assert "Traceback" not in d.status_line.value and str(pg_cluster.port) not in d.status_line.value
    finally:
        pg_cluster.start()
    d.country.value = ""  # all countries again
    assert d.status == "Updated." and d.kpis.value == figures


def test_an_id_another_country_stored_is_reported_not_a_failure(pg_cluster, built_db, write_csv, tmp_path):
    """A focal point cannot read Niger's journeys, but a file reusing one of their ids gets that row rejected and
    reported (naming the import that stored it), the rest stored, as on a workbook file."""
    url = pg_cluster.create_database("clash")
    copy_workbook(built_db, url)
    with psycopg.connect(url) as pg:
        password = users_add(pg, "focal_mli_clash", "focal", "MLI")
    mine = pg_cluster.url("clash", "focal_mli_clash", password)
    path = write_csv([journey(journey_id="mli-new-1", reporting_country="MLI"),
                      journey(journey_id="sample-00003", reporting_country="MLI")])  # Niger's id  # fmt: skip
    result = import_file(mine, path, report=tmp_path / "r.csv")
    assert (result.accepted, result.rejected) == (1, 1)
    (rejected,) = read_report(tmp_path / "r.csv")
    assert rejected["value"] == "sample-00003" and "already in the database (import " in rejected["reason"]
    stored = connect(url).execute("SELECT journey_id, reporting_country FROM journeys WHERE journey_id IN "
                                  "('mli-new-1', 'sample-00003') ORDER BY 1").fetchall()  # fmt: skip
    assert stored == [("mli-new-1", "MLI"), ("sample-00003", "NER")]


def test_an_import_waits_for_another_ones_final_step_and_says_who_holds_it(pg_cluster, built_db, tmp_path,
                                                                           monkeypatch):  # fmt: skip
    from gloact_lib import config
    from gloact_lib.data.server import IMPORT_LOCK

    url = pg_cluster.create_database("waiting")
    copy_workbook(built_db, url)
    monkeypatch.setattr(config, "LOCK_WAIT_SECONDS", 1.0)
    said = []
    with psycopg.connect(url) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])  # another import's final step
        with pytest.raises(DatabaseError) as err:
            import_file(url, write_ctdc(tmp_path / "c.csv", ctdc_rows(20, seed=2)), report=tmp_path / "r.csv",
                        on_wait=said.append)  # fmt: skip
    assert err.value.kind == "busy" and f"an import by {pg_cluster.superuser}" in str(err.value)
    assert said and said[0].startswith("waiting for another import to finish")
    assert not (tmp_path / "r.csv").exists()


def test_server_settings_do_not_change_what_is_copied(pg_cluster, built_db):
    """A server whose dates read day first and whose bytes print as escapes gives the same replica."""
    url = pg_cluster.create_database("styles")
    copy_workbook(built_db, url)
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("ALTER DATABASE styles SET datestyle = 'SQL, DMY'")
        pg.execute("ALTER DATABASE styles SET bytea_output = 'escape'")
        pg.execute("ALTER DATABASE styles SET extra_float_digits = -10")
    q = "SELECT min(period_start), max(period_end), sum(persons), max(imported_at) FROM journeys, imports"
    assert connect(url).execute(q).fetchall() == connect(built_db, read_only=True).execute(q).fetchall()
    q = "SELECT sum(lat), sum(lon) FROM places"
    assert connect(url).execute(q).fetchall() == connect(built_db, read_only=True).execute(q).fetchall()


def test_a_public_schema_open_to_users_is_refused(pg_cluster, built_db):
    """On a server whose schema public lets anyone create (PostgreSQL 13/14), a user's function could stand in for
    a built-in one in the owner's functions: the workbook is not installed there."""
    url = pg_cluster.create_database("open_schema")
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("CREATE ROLE open_schema_owner LOGIN CREATEROLE PASSWORD 'pw'")
        pg.execute("ALTER DATABASE open_schema OWNER TO open_schema_owner")
        # as on 13/14: public belongs to the superuser, with CREATE for everyone, not the owner's to close
        pg.execute(f"ALTER SCHEMA public OWNER TO {pg_cluster.superuser}")
        pg.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    owner = pg_cluster.url("open_schema", "open_schema_owner", "pw")
    with pytest.raises(DatabaseError, match="REVOKE CREATE ON SCHEMA public"):
        copy_workbook(built_db, owner)


def test_serving_as_a_viewer_is_refused_in_one_line(pg_cluster, built_db):
    from gloact_lib.app.serve import serve

    url = pg_cluster.create_database("viewer_serve")
    copy_workbook(built_db, url)
    with psycopg.connect(url) as pg:
        viewer = pg_cluster.url("viewer_serve", "viewer_serve_v", users_add(pg, "viewer_serve_v", "viewer"))
    with pytest.raises(DatabaseError, match="reads no journeys"):
        serve(viewer)
