"""Access to a server workbook is enforced by PostgreSQL: each test logs in as a user of one role and
tries, with plain SQL, what that role must and must not be able to do (row-level security, grants,
the record-key secret, the published aggregates)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import psycopg
import pytest
from psycopg import errors

from gloact_lib.analysis.disclosure import _lookup, publish_counts
from gloact_lib.data.database import DatabaseError
from gloact_lib.data.record_keys import MODULUS, record_key
from gloact_lib.data.schema import TABLES
from gloact_lib.data.server import install_schema, pg_connect, server_error, set_secret
from gloact_lib.data.server_access import (
    GROUPS,
    PUBLISHED_VIEW,
    REFERENCE_TABLES,
    ROW_TABLES,
    install_access,
    users_add,
    users_list,
)

pytestmark = pytest.mark.postgres

DENIED = errors.InsufficientPrivilege
DENIED_OR_STATE = (errors.InsufficientPrivilege, errors.ObjectNotInPrerequisiteState)  # currval not drawn yet
PRIVATE = ("disclosure_secret", "disclosure_hmac", "workbook_users", "workbook_changes", "published_cells")
COUNTRIES = [  # iso3, iso2, numeric, name_en, name_fr, kind
    ("MLI", "ML", "466", "Mali", "Mali", "country"), ("NER", "NE", "562", "Niger", "Niger", "country"),
    ("MAR", "MA", "504", "Morocco", "Maroc", "country"), ("NGA", "NG", "566", "Nigeria", "Nigéria", "country"),
    ("LBY", "LY", "434", "Libya", "Libye", "country"), ("XXX", "XX", None, "Unknown", "Inconnu", "unknown"),
]  # fmt: skip
JOURNEY_COLUMNS = ["journey_id", "crime", "persons", "unit", "period_start", "period_end", "origin", "origin_country",
                   "destination", "destination_country", "scope", "sex", "age_group", "exploitation",
                   "reporting_country", "source", "illustrative", "content_key"]  # fmt: skip


def journey(journey_id, reporting, origin="NGA", destination="LBY", persons=3, unit="persons", crime="trafficking",
            year=2018) -> dict:  # fmt: skip
    """A journey row as a server import would store it (the server sets ``rkey``)."""
    start = dt.date(year, 6, 1) if year else None
    return {"journey_id": journey_id, "crime": crime, "persons": persons, "unit": unit, "period_start": start,
            "period_end": start, "origin": origin, "origin_country": origin, "destination": destination,
            "destination_country": destination, "scope": "cross_border", "sex": "female", "age_group": "adult",
            "exploitation": "sexual", "reporting_country": reporting, "source": "test", "illustrative": False,
            "content_key": random.getrandbits(64)}  # fmt: skip


def insert_journey(con, row: dict):
    """INSERT one journey with plain SQL; the cursor (``rowcount``, ``RETURNING rkey``)."""
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join(["%s"] * len(row))
    return con.execute(f"INSERT INTO journeys ({columns}) VALUES ({marks}) RETURNING rkey", list(row.values()))


@dataclass
class Workbook:
    cluster: object
    db: str
    secret: bytes
    suffix: str
    users: dict = field(default_factory=dict)  # key -> (login, password)

    def url(self, key: str | None = None, password: str | None = None, db: str | None = None) -> str:
        if key is None:
            return self.cluster.url(db or self.db)
        name, stored = self.users.get(key, (key, None))
        return self.cluster.url(db or self.db, name, password or stored)

    def connect(self, key: str | None = None, db: str | None = None, autocommit: bool = True):
        return psycopg.connect(self.url(key, db=db), autocommit=autocommit)

    def scalar(self, query: str, params=()):
        with self.connect() as con:
            return con.execute(query, params).fetchone()[0]


@pytest.fixture(scope="module")
def wb(pg_cluster):
    """One workbook for the module: schema (installed twice: idempotent), secret, countries, journeys of
    MLI, NER and MAR (and one without reporting country), status updates, an import, users of every role."""
    suffix = uuid.uuid4().hex[:6]
    db = f"t_access_{suffix}"
    pg_cluster.create_database(db)
    book = Workbook(pg_cluster, db, bytes(range(32)), suffix)
    rng = random.Random(20180618)
    try:
        with book.connect(autocommit=False) as pg:
            install_schema(pg)
            install_schema(pg)
            set_secret(pg, book.secret, dt.datetime(2024, 1, 1))
            with pg.cursor() as cur:
                cur.executemany("INSERT INTO countries (iso3, iso2, numeric, name_en, name_fr, kind) "
                                "VALUES (%s, %s, %s, %s, %s, %s)", COUNTRIES)  # fmt: skip
                for i in range(150):
                    row = journey(f"j{i:03d}", rng.choice(["MLI", "NER", "MAR"]), rng.choice(["NGA", "MLI", "NER"]),
                                  rng.choice(["LBY", "MAR"]), rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 15]),
                                  rng.choice(["persons"] * 4 + ["detections"]),
                                  rng.choice(["trafficking", "smuggling"]), rng.choice([2017, 2018, None]))
                    insert_journey(cur, row)
                insert_journey(cur, journey("j_nobody", None))
                cur.executemany("INSERT INTO status_updates VALUES (%s, %s, %s, 'in_progress', NULL, 'test', false)",
                                [("r1", c, dt.date(2019, 1, 1)) for c in ("MLI", "NER", "MAR")])  # fmt: skip
                cur.execute("INSERT INTO imports (import_id, file_name, sha256, format, target_table, imported_at, "
                            "rows_read, rows_accepted, rows_rejected) VALUES (1, 'a.csv', 'x', 'csv', 'journeys', "
                            "now(), 2, 1, 1)")  # fmt: skip
                cur.execute("INSERT INTO rejections VALUES (1, 3, 'persons', 'Aminata, 14', 'not a number')")
                cur.execute("SELECT setval('import_ids', 1)")  # as gloact copy does after the rows it copies
            pg.commit()
            for key, role, country in [("admin", "admin", None), ("analyst", "analyst", None),
                                       ("focal_mli", "focal", "MLI"), ("focal_ner", "focal", "ner"),
                                       ("viewer", "viewer", None)]:  # fmt: skip
                name = f"{key}_{suffix}"
                book.users[key] = (name, users_add(pg, name, role, country))
        yield book
    finally:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as su:
            su.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            for (name,) in su.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [f"%\\_{suffix}"]):
                su.execute(f'DROP ROLE "{name}"')


def raw_cells(wb) -> dict:
    """True counts and cell keys of the published cells, computed here from the rows (as the superuser)."""
    cells = defaultdict(lambda: [0, 0])
    with wb.connect() as su:
        for *key, persons, rkey in su.execute(
            "SELECT origin_country, destination_country, crime, unit, illustrative, "
            "extract(year FROM period_start)::int, persons, rkey FROM journeys"
        ):
            cells[tuple(key)][0] += persons
            cells[tuple(key)][1] = (cells[tuple(key)][1] + rkey) % MODULUS
    return cells


# -- the catalogue ---------------------------------------------------------------------------------------------------


def test_every_table_has_a_decision():
    decided = set(ROW_TABLES) | set(REFERENCE_TABLES) | {"imports", "rejections", "disclosure_secret"}
    assert decided == set(TABLES)


def test_grants_and_row_security_in_the_catalogue(wb):
    expected = {  # table -> group -> privileges it has
        **{t: {g: {"SELECT"} | ({"INSERT"} if g in ("gloact_admin", "gloact_analyst") else set()) for g in GROUPS}
           for t in REFERENCE_TABLES},
        **{t: {"gloact_admin": {"SELECT", "INSERT", "UPDATE", "DELETE"}, "gloact_analyst": {"SELECT", "INSERT"},
               "gloact_focal": {"SELECT", "INSERT", "UPDATE"}, "gloact_viewer": set()} for t in ROW_TABLES},
        "imports": {"gloact_admin": {"SELECT", "INSERT"}, "gloact_analyst": {"SELECT", "INSERT"},
                    "gloact_focal": {"SELECT", "INSERT"}, "gloact_viewer": set()},
        "rejections": {"gloact_admin": {"SELECT", "INSERT"}, "gloact_analyst": {"SELECT", "INSERT"},
                       "gloact_focal": {"INSERT"}, "gloact_viewer": set()},
        PUBLISHED_VIEW: {g: {"SELECT"} for g in GROUPS},
        **{t: {g: set() for g in GROUPS} for t in PRIVATE},
    }  # fmt: skip
    with wb.connect() as su:
        for table, groups in expected.items():
            for group, privileges in groups.items():
                for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
                    has = su.execute("SELECT has_table_privilege(%s, %s, %s)", [group, table, privilege]).fetchone()
                    assert has[0] == (privilege in privileges), (table, group, privilege)
        flags = su.execute("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)",
                           [list(ROW_TABLES)]).fetchall()  # fmt: skip
        assert sorted(flags) == [("journeys", True, False), ("status_updates", True, False)]
        logins = su.execute("SELECT bool_or(rolcanlogin), count(*) FROM pg_roles WHERE rolname = ANY(%s)",
                            [list(GROUPS)]).fetchone()  # fmt: skip
        assert logins == (False, 4)
        for group in GROUPS:
            for function, allowed in [("gloact_record_key(text)", False), ("gloact_set_rkey()", False),
                                      ("gloact_data_version()", True), ("gloact_my_country()", True),
                                      ("gloact_users()", group == "gloact_admin")]:  # fmt: skip
                has = su.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')", [group, function]).fetchone()
                assert has[0] is allowed, (group, function)
            assert su.execute("SELECT has_database_privilege(%s, current_database(), 'CONNECT')", [group]).fetchone()[0]
        assert not su.execute("SELECT has_database_privilege('public', current_database(), 'CONNECT')").fetchone()[0]
        columns = su.execute(f"SELECT * FROM {PUBLISHED_VIEW} LIMIT 0").description
        assert [c.name for c in columns] == ["origin_country", "destination_country", "crime", "unit", "illustrative",
                                             "year", "persons", "hidden", "published_at"]  # fmt: skip


# -- a focal point ---------------------------------------------------------------------------------------------------


def test_focal_point_sees_its_own_country_only(wb):
    mli = wb.scalar("SELECT count(*) FROM journeys WHERE reporting_country = 'MLI'")
    with wb.connect("focal_mli") as con:
        assert con.execute("SELECT gloact_my_country()").fetchone() == ("MLI",)
        for where in ("", "WHERE true OR reporting_country <> 'MLI'", "WHERE reporting_country IS DISTINCT FROM 'MLI' "
                      "OR reporting_country IS NULL OR true", "WHERE journey_id IN (SELECT journey_id FROM journeys)"):
            rows = con.execute(f"SELECT reporting_country FROM journeys {where}").fetchall()
            assert {r[0] for r in rows} == {"MLI"} and len(rows) == mli, where
        assert con.execute("SELECT count(*) FROM journeys WHERE reporting_country = 'NER'").fetchone() == (0,)
        assert con.execute("SELECT DISTINCT iso3 FROM status_updates").fetchall() == [("MLI",)]
        assert con.execute("SELECT count(*) FROM countries").fetchone() == (len(COUNTRIES),)
    with wb.connect("focal_ner") as con:  # given as "ner": stored in upper case
        assert {r[0] for r in con.execute("SELECT reporting_country FROM journeys")} == {"NER"}


def test_focal_point_cannot_write_another_country(wb):
    with wb.connect("focal_mli") as con:
        with pytest.raises(DENIED, match="row-level security"):
            insert_journey(con, journey(f"x_{wb.suffix}", "NER"))
        with pytest.raises(DENIED, match="row-level security"):
            con.execute("INSERT INTO status_updates VALUES ('r2', 'NER', '2020-01-01', 'achieved', NULL, 't', false)")
        own = con.execute("SELECT journey_id FROM journeys LIMIT 1").fetchone()[0]
        with pytest.raises(DENIED, match="row-level security"):
            con.execute("UPDATE journeys SET reporting_country = 'NER' WHERE journey_id = %s", [own])
        with pytest.raises(DENIED, match="row-level security"):
            con.execute("UPDATE status_updates SET iso3 = 'NER'")
        assert con.execute("UPDATE journeys SET persons = 99 WHERE reporting_country = 'NER'").rowcount == 0
        assert con.execute("UPDATE journeys SET persons = 99 WHERE reporting_country IS NULL").rowcount == 0
        for table in ROW_TABLES:
            with pytest.raises(DENIED):
                con.execute(f"DELETE FROM {table}")
            with pytest.raises(DENIED):
                con.execute(f"TRUNCATE {table}")
        with pytest.raises(DENIED):
            con.execute("INSERT INTO countries (iso3, iso2, name_en, name_fr, kind) VALUES ('FRA', 'FR', 'F', 'F', "
                        "'country')")  # fmt: skip
    assert wb.scalar("SELECT count(*) FROM journeys WHERE persons = 99") == 0


def test_focal_point_cannot_reach_the_secret_or_another_role(wb):
    with wb.connect("focal_mli") as con:
        for table in (*PRIVATE, "rejections"):
            with pytest.raises(DENIED):
                con.execute(f"SELECT * FROM {table}")
        for call in ("gloact_record_key('j001')", "gloact_users()", "gloact_add_user('x', 'focal', 'NER')"):
            with pytest.raises(DENIED):
                con.execute(f"SELECT {call}")
        for role in ("gloact_analyst", "gloact_admin", wb.users["focal_ner"][0]):
            with pytest.raises(DENIED):
                con.execute(f'SET ROLE "{role}"')
        with pytest.raises(DENIED):
            con.execute("CREATE ROLE sneaky")
        with pytest.raises(DENIED):
            con.execute("CREATE TABLE public.disclosure_copy (x int)")
        con.execute("SET row_security = off")
        with pytest.raises(DENIED, match="row-level security"):
            con.execute("SELECT count(*) FROM journeys")


def test_focal_point_inserts_and_the_server_sets_the_record_key(wb):
    before = wb.scalar("SELECT gloact_data_version()")
    new_id = f"mli_{wb.suffix}"
    with wb.connect("focal_mli") as con:
        row = journey(new_id, "MLI") | {"rkey": 12345}  # a chosen key is overwritten by the trigger
        assert insert_journey(con, row).fetchone() == (record_key(wb.secret, new_id),)
        assert con.execute("UPDATE journeys SET source = 'corrected', rkey = 1 WHERE journey_id = %s "
                           "RETURNING rkey", [new_id]).fetchone() == (record_key(wb.secret, new_id),)  # fmt: skip
        assert con.execute("SELECT gloact_data_version()").fetchone()[0] > before
        assert con.execute("SELECT max(import_id) FROM imports").fetchone() == (1,)
        insert = ("INSERT INTO imports (import_id, file_name, sha256, format, target_table, imported_at, rows_read, "
                  "rows_accepted, rows_rejected) VALUES (%s, 'mli.csv', 'y', 'csv', 'journeys', now(), 1, 1, 0)")
        with pytest.raises(DENIED_OR_STATE):  # an audit row only for the import whose id it drew
            con.execute(insert, [9223372036854775807])
        drawn = con.execute("SELECT nextval('import_ids')").fetchone()[0]
        with pytest.raises(DENIED):  # not a forged id that would block every later import
            con.execute(insert, [9223372036854775807])
        con.execute(insert, [drawn])
        con.execute("INSERT INTO rejections VALUES (%s, 5, 'sex', 'x', 'unknown sex')", [drawn])
        with pytest.raises(DENIED):
            con.execute("INSERT INTO rejections VALUES (1, 5, 'sex', 'x', 'forged')")
    assert wb.scalar("SELECT rkey FROM journeys WHERE journey_id = %s", [new_id]) == record_key(wb.secret, new_id)
    assert wb.scalar("SELECT count(*) FROM rejections WHERE import_id = %s", [drawn]) == 1
    assert wb.scalar("SELECT imported_by FROM imports WHERE import_id = %s", [drawn]) == wb.users["focal_mli"][0]


def test_published_flows_count_committed_rows_only(wb):
    """A focal point that adds rows and reads the published flows before rolling back learns nothing: they are made
    from committed data, and may not be made again by a transaction that has written."""
    with wb.connect("focal_mli", autocommit=False) as con:
        before = con.execute(f"SELECT * FROM {PUBLISHED_VIEW} ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
        insert_journey(con, journey(f"probe_{wb.suffix}", "MLI", persons=1000))
        assert con.execute(f"SELECT * FROM {PUBLISHED_VIEW} ORDER BY 1, 2, 3, 4, 5, 6").fetchall() == before
        with pytest.raises(psycopg.errors.RaiseException, match="committed data"):
            con.execute("SELECT gloact_publish_flows()")
        con.rollback()


# -- a viewer, and the published flows -------------------------------------------------------------------------------


def test_viewer_reads_published_flows_only(wb):
    with wb.connect("viewer") as con:
        for table in (*ROW_TABLES, *PRIVATE, "imports", "rejections"):
            with pytest.raises(DENIED):
                con.execute(f"SELECT count(*) FROM {table}")
        with pytest.raises(DENIED):
            con.execute("SELECT gloact_record_key('j001')")
        assert con.execute("SELECT gloact_my_country()").fetchone() == (None,)
        wb.scalar("SELECT gloact_publish_flows()")  # from the rows other tests added too
        published = con.execute(f"SELECT * FROM {PUBLISHED_VIEW}").fetchall()
    cells = raw_cells(wb)
    assert len(published) == len(cells)
    perturbed = hidden_cells = 0
    for *key, persons, hidden, _ in published:
        n, ckey = cells[tuple(key)]
        values, hide = publish_counts([n], [ckey], unit=key[3])
        assert hidden == bool(hide[0]) and persons == (None if hide[0] else int(values[0])), key
        assert persons is None or not 1 <= persons <= 4
        perturbed += persons is not None and persons != n
        hidden_cells += hidden
    assert perturbed and hidden_cells  # the comparison is not vacuous


def test_published_flows_keep_their_barrier(wb):
    """A viewer's own function in a WHERE clause sees cells, never the rows under them (without the barrier,
    an immutable function on grouping columns is evaluated on every journey: 151 notices, not 53)."""
    seen = []
    wb.scalar("SELECT gloact_publish_flows()")
    with wb.connect("viewer") as con:
        con.add_notice_handler(lambda notice: seen.append(notice.message_primary))
        con.execute("CREATE FUNCTION pg_temp.peek(text, text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE "
                    "COST 0.0001 AS $$ BEGIN RAISE NOTICE 'peek % %', $1, $2; RETURN true; END $$")
        query = f"SELECT count(*) FROM {PUBLISHED_VIEW} WHERE pg_temp.peek(crime, origin_country)"
        cells = con.execute(query).fetchone()[0]
    assert len(seen) == cells == len(raw_cells(wb))


def test_publish_function_is_the_disclosure_table(wb):
    """``gloact_publish`` against :func:`publish_counts` at every boundary of the perturbation table."""
    keys = {0, 1, MODULUS - 1, MODULUS, -1, 7 * MODULUS + 5}
    for _, bounds in _lookup().values():
        keys |= {int(b) + d for b in bounds for d in (-1, 0, 1)}
    ns = list(range(0, 9)) + [40, 264]
    grid = [(n, k, unit) for n in ns for k in sorted(keys) for unit in ("persons", "detections")]
    with wb.connect() as su:
        got = su.execute("SELECT gloact_publish(n, k, u) FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) "
                         "WITH ORDINALITY AS g(n, k, u, i) ORDER BY i",
                         [[g[0] for g in grid], [g[1] for g in grid], [g[2] for g in grid]]).fetchall()  # fmt: skip
    for (n, k, unit), (value,) in zip(grid, got, strict=True):
        values, hidden = publish_counts([n], [k], unit)
        assert value == (None if hidden[0] else int(values[0])), (n, k, unit)


# -- an analyst and an administrator ---------------------------------------------------------------------------------


def test_analyst_reads_every_country_and_adds(wb):
    total = wb.scalar("SELECT count(*) FROM journeys")
    with wb.connect("analyst") as con:
        assert con.execute("SELECT count(*) FROM journeys").fetchone() == (total,)
        assert {r[0] for r in con.execute("SELECT DISTINCT reporting_country FROM journeys")} >= {"MLI", "NER", "MAR"}
        insert_journey(con, journey(f"ner_{wb.suffix}", "NER"))
        assert con.execute("SELECT count(*) FROM rejections").fetchone()[0] >= 1
        assert con.execute("SELECT gloact_my_country()").fetchone() == (None,)
        with pytest.raises(DENIED):
            con.execute("UPDATE journeys SET persons = 99")
        with pytest.raises(DENIED):
            con.execute("DELETE FROM journeys")
        for table in PRIVATE:
            with pytest.raises(DENIED):
                con.execute(f"SELECT * FROM {table}")
        with pytest.raises(DENIED):
            con.execute(f'CREATE ROLE "sneaky_{wb.suffix}"')
        with pytest.raises(DENIED):
            users_add(con, f"sneaky_{wb.suffix}", "admin")


def test_administrator_changes_rows_and_adds_users(wb):
    total = wb.scalar("SELECT count(*) FROM journeys")
    with wb.connect("admin", autocommit=False) as con:
        assert con.execute("SELECT count(*) FROM journeys").fetchone() == (total,)
        assert con.execute("UPDATE journeys SET source = 'admin'").rowcount == total
        assert con.execute("DELETE FROM status_updates WHERE iso3 = 'NER'").rowcount == 1
        con.rollback()
        for table in ("disclosure_secret", "disclosure_hmac"):
            with pytest.raises(DENIED):
                con.execute(f"SELECT * FROM {table}")
            con.rollback()
        name = f"focal_mar_{wb.suffix}"
        password = users_add(con, name, "focal", "MAR")
        assert {"name": name, "role": "focal", "country": "MAR"}.items() <= {
            u["name"]: u for u in users_list(con)}[name].items()  # fmt: skip
    with psycopg.connect(wb.cluster.url(wb.db, name, password)) as con:
        assert {r[0] for r in con.execute("SELECT reporting_country FROM journeys")} == {"MAR"}


# -- users -----------------------------------------------------------------------------------------------------------


def test_users_are_listed_with_their_role_and_country(wb):
    with wb.connect() as su:
        users = {u["name"]: (u["role"], u["country"]) for u in users_list(su)}
        assert {users[wb.users[k][0]] for k in ("admin", "analyst", "focal_mli", "focal_ner", "viewer")} == {
            ("admin", None), ("analyst", None), ("focal", "MLI"), ("focal", "NER"), ("viewer", None)}  # fmt: skip
        flags = su.execute("SELECT rolname, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = ANY(%s)",
                           [[wb.users["admin"][0], wb.users["analyst"][0]]]).fetchall()  # fmt: skip
        assert dict((n, (c, lg)) for n, c, lg in flags) == {wb.users["admin"][0]: (True, True),
                                                            wb.users["analyst"][0]: (False, True)}  # fmt: skip


@pytest.mark.parametrize("args, message", [
    (("Focal", "focal", "MLI"), "lower-case letters"),
    (("1focal", "focal", "MLI"), "lower-case letters"),
    (("x; DROP TABLE journeys", "viewer"), "lower-case letters"),
    (("gloact_admin", "admin"), "server's own"),
    (("someone", "superuser"), "one of admin, analyst, focal, viewer"),
    (("someone", "focal"), "needs its country"),
    (("someone", "focal", "Mali"), "needs its country"),
    (("someone", "focal", "FRA"), "no country of this workbook"),
    (("someone", "focal", "XXX"), "no country of this workbook"),
    (("someone", "analyst", "MLI"), "only a focal point has a country"),
])  # fmt: skip
def test_users_add_refuses(wb, args, message):
    with wb.connect() as su:
        with pytest.raises(ValueError, match=message) as caught:
            users_add(su, *args)
    assert "\n" not in str(caught.value)


def test_users_add_refuses_an_existing_role(wb):
    with wb.connect() as su:
        for name in (wb.users["viewer"][0], wb.users["admin"][0]):
            with pytest.raises(ValueError, match=f"a role named {name} already exists"):
                users_add(su, name, "viewer")


# -- logging in ------------------------------------------------------------------------------------------------------


def test_wrong_password_unknown_user_and_no_group_are_denied(wb):
    outsider = f"outsider_{wb.suffix}"
    with wb.connect() as su:
        su.execute(f"CREATE ROLE \"{outsider}\" LOGIN PASSWORD 'pw'")
    for url in (wb.url("focal_mli", password="wrong"), wb.url(f"nobody_{wb.suffix}", password="pw"),
                wb.cluster.url(wb.db, outsider, "pw")):  # fmt: skip
        with pytest.raises(psycopg.OperationalError) as caught:
            psycopg.connect(url)
        assert server_error(caught.value, url).kind == "denied"
        with pytest.raises(DatabaseError) as caught:
            pg_connect(url)
        assert caught.value.kind == "denied" and ":wrong@" not in str(caught.value)


def test_access_installs_again_next_to_another_workbook(wb, pg_db):
    """The group roles exist already (another workbook made them): installing is still possible, twice, and a
    focal point of the first workbook has no country in the second."""
    with psycopg.connect(pg_db) as pg:
        install_schema(pg)
        with pg.transaction():
            install_access(pg)
        set_secret(pg, wb.secret, dt.datetime(2024, 1, 1))
        insert_journey(pg, journey("j1", "MLI"))
        pg.commit()
        policies = pg.execute("SELECT policyname, cmd FROM pg_policies WHERE tablename = 'journeys'").fetchall()
        assert sorted(policies) == [("gloact_admin_all", "ALL"), ("gloact_analyst_add", "INSERT"),
                                    ("gloact_analyst_read", "SELECT"), ("gloact_focal_add", "INSERT"),
                                    ("gloact_focal_change", "UPDATE"), ("gloact_focal_read", "SELECT")]
    with psycopg.connect(wb.url("focal_mli", db=pg_db.rsplit("/", 1)[1])) as con:
        assert con.execute("SELECT count(*) FROM journeys").fetchone() == (0,)
