"""Who may read and write what in a server workbook, enforced by PostgreSQL itself.

A shared workbook: member states feed one database, each through its own login role.  Every
login role belongs to one of four group roles (NOLOGIN, cluster-wide, made by
:func:`install_access` when missing), and the database, not this library, decides what it sees:

* ``admin``: every row of ``journeys`` and ``status_updates`` (SELECT, INSERT, UPDATE, DELETE); reads and adds
  to the reference tables, ``imports`` and ``rejections``; adds users (:func:`users_add`).
* ``analyst``: every row of ``journeys`` and ``status_updates``, SELECT and INSERT; otherwise as ``admin``.
* ``focal``: the rows of its own country only (row-level security on ``reporting_country`` /
  ``iso3``; a journey without a reporting country is nobody's), SELECT, INSERT and UPDATE, no DELETE;
  reads the reference tables; reads and adds to ``imports``; adds to ``rejections`` but does not
  read them (rejected values may be personal).
* ``viewer``: no right on ``journeys`` and ``status_updates``; reads the reference tables.

Every group reads :data:`PUBLISHED_VIEW` (``published_flows``): flows of all countries, counted with the
owner's rights from committed rows after each import and published as
:func:`gloact_lib.analysis.disclosure.publish_counts` publishes them (cell-key perturbation of persons, small
values hidden); it never shows a record key, a cell key or an exact count of persons. No group has any right
on the secret (``disclosure_secret``, ``disclosure_hmac``), on ``workbook_users`` or ``workbook_changes``, nor
may call ``gloact_record_key``: record keys are set by the server's trigger only. ``CONNECT`` on the database
is taken from ``PUBLIC`` and given to the four groups.

A focal point's country is its row in ``workbook_users`` (:func:`users_add`), read by
``gloact_my_country()`` for the *login* role (``session_user``: inside a SECURITY DEFINER function
``current_user`` is the function's owner).  A member of ``gloact_focal`` without a country, or a
login that sets its role to a focal point, sees no journey (fails closed).

Limits, by construction of PostgreSQL 15:

* the group roles are cluster-wide: a user of one workbook may connect to another workbook on the
  same cluster and read its reference tables and published flows (not its journeys: no country
  there).  One cluster per workbook keeps them apart.
* ``CREATEROLE`` (given to administrators, who add users) is almost a superuser on PostgreSQL 15
  (it can grant any non-superuser role, including predefined ones): administrators are trusted.
* a focal point can learn that a journey id is taken, and by which import (``gloact_stored_journeys``:
  an importer reports such rows one by one; ``imports`` is read by every writer), and the record key
  of an id *not yet stored* (``INSERT ... RETURNING rkey`` then ``ROLLBACK``), since it reads the
  record keys of its own rows (a replica needs them); never of a stored journey.
* ``published_flows`` is made from committed rows only (``gloact_publish_flows()`` refuses to run in
  a transaction that has written), so adding rows and rolling back tells nothing.  A writer can still
  add rows, commit, and compare published values before and after: each such import is in ``imports``
  under its login (``imported_by``), and the perturbation keeps a single comparison from giving a
  count away (``disclosure.py``), not a long series of them.
* ``imports`` and ``rejections``: a non-owner writes an audit row only for the import id it has just
  drawn from ``import_ids`` (``currval``), as itself; it cannot forge another import's rows.
"""

from __future__ import annotations

import re
import secrets

from gloact_lib import config
from gloact_lib.data.record_keys import MODULUS, ptable_lookup

__all__ = ["GROUPS", "PUBLISHED_VIEW", "REFERENCE_TABLES", "ROLES", "ROW_TABLES", "install_access",
           "publish_function_sql", "users_add", "users_list"]  # fmt: skip

#: What a workbook user may be; the group role of each is ``gloact_<role>``.
ROLES = ("admin", "analyst", "focal", "viewer")
#: The group roles, in the order of :data:`ROLES`.
GROUPS = tuple(f"gloact_{role}" for role in ROLES)
#: Tables with row-level security, and their country column.
ROW_TABLES = {"journeys": "reporting_country", "status_updates": "iso3"}
#: Public reference tables: every group reads them, administrators and analysts add to them.
REFERENCE_TABLES = ("places", "countries", "groups", "treaties", "meetings", "participants", "recommendations",
                    "indicators", "incidents")  # fmt: skip
#: The published aggregate every group may read (made again from committed data after each import:
#: ``gloact_publish_flows()``, :func:`gloact_lib.data.server.publish`).
PUBLISHED_VIEW = "published_flows"
#: Key of the advisory lock of ``gloact_publish_flows()`` (one remaking at a time).
PUBLISH_LOCK = 0x61_0AC8
#: Audit tables a non-owner writes only for the import it is making (the id it drew from ``import_ids``),
#: under its own name (``imported_by``): no forged audit row, no id that blocks later imports.
_AUDIT_SQL = """
ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE rejections ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS gloact_admin_all ON imports;
DROP POLICY IF EXISTS gloact_read ON imports;
DROP POLICY IF EXISTS gloact_add ON imports;
DROP POLICY IF EXISTS gloact_admin_all ON rejections;
DROP POLICY IF EXISTS gloact_read ON rejections;
DROP POLICY IF EXISTS gloact_add ON rejections;
CREATE POLICY gloact_admin_all ON imports FOR ALL TO gloact_admin USING (true) WITH CHECK (true);
CREATE POLICY gloact_read ON imports FOR SELECT TO gloact_analyst, gloact_focal USING (true);
CREATE POLICY gloact_add ON imports FOR INSERT TO gloact_analyst, gloact_focal
  WITH CHECK (import_id = currval('public.import_ids') AND imported_by = session_user);
CREATE POLICY gloact_admin_all ON rejections FOR ALL TO gloact_admin USING (true) WITH CHECK (true);
CREATE POLICY gloact_read ON rejections FOR SELECT TO gloact_analyst USING (true);
CREATE POLICY gloact_add ON rejections FOR INSERT TO gloact_analyst, gloact_focal
  WITH CHECK (import_id = currval('public.import_ids'));
"""

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")

_ROLES_SQL = ", ".join(f"'{r}'" for r in ROLES)
_GROUPS_SQL = ", ".join(GROUPS)
_EDITABLE = {  # group -> (commands, policies as (name, command, USING, WITH CHECK)); {c} = the country column
    "gloact_admin": ("SELECT, INSERT, UPDATE, DELETE", [("all", "ALL", "true", "true")]),
    "gloact_analyst": ("SELECT, INSERT", [("read", "SELECT", "true", None), ("add", "INSERT", None, "true")]),
    "gloact_focal": ("SELECT, INSERT, UPDATE", [
        ("read", "SELECT", "{c} = (SELECT gloact_my_country())", None),
        ("add", "INSERT", None, "{c} = (SELECT gloact_my_country())"),
        ("change", "UPDATE", "{c} = (SELECT gloact_my_country())", "{c} = (SELECT gloact_my_country())"),
    ]),
}  # fmt: skip

_USERS_SQL = f"""
CREATE TABLE IF NOT EXISTS workbook_users (
  role_name text PRIMARY KEY,
  role text NOT NULL CHECK (role IN ({_ROLES_SQL})),
  country text,
  added_at timestamptz DEFAULT now(),
  CHECK (role <> 'focal' OR country IS NOT NULL)
);
CREATE OR REPLACE FUNCTION gloact_my_country() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
  SELECT country FROM public.workbook_users WHERE role_name = session_user $$;
CREATE OR REPLACE FUNCTION gloact_add_user(who text, what text, land text) RETURNS void LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  BEGIN
    IF what IS NULL OR what NOT IN ({_ROLES_SQL}) THEN RAISE EXCEPTION 'unknown workbook role %', what; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who) OR NOT pg_has_role(who, 'gloact_' || what, 'MEMBER')
      THEN RAISE EXCEPTION 'role % is not a member of gloact_%', who, what; END IF;
    IF what = 'focal' AND NOT EXISTS (SELECT 1 FROM public.countries WHERE iso3 = land AND kind = 'country')
      THEN RAISE EXCEPTION 'a focal point needs a country of table countries, not %', land; END IF;
    IF what <> 'focal' AND land IS NOT NULL THEN RAISE EXCEPTION 'only a focal point has a country'; END IF;
    INSERT INTO public.workbook_users (role_name, role, country) VALUES (who, what, land)
      ON CONFLICT (role_name) DO UPDATE SET role = EXCLUDED.role, country = EXCLUDED.country, added_at = now();
  END $$;
CREATE OR REPLACE FUNCTION gloact_users() RETURNS TABLE (role_name text, role text, country text,
  added_at timestamptz) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT role_name, role, country, added_at FROM public.workbook_users ORDER BY role_name $$;
"""

_GROUPS_DDL = """
DO $$ DECLARE g text; BEGIN
  FOREACH g IN ARRAY ARRAY[{groups}] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
      BEGIN EXECUTE format('CREATE ROLE %I NOLOGIN', g);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- made meanwhile by another workbook
      END;
    END IF;
  END LOOP;
END $$
""".format(groups=", ".join(f"'{g}'" for g in GROUPS))

_FUNCTIONS_SQL = f"""
REVOKE ALL ON FUNCTION gloact_record_key(text), gloact_set_rkey(), gloact_changed(), gloact_data_version(),
  gloact_my_country(), gloact_add_user(text, text, text), gloact_users(), gloact_stored_journeys(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gloact_data_version(), gloact_my_country() TO {_GROUPS_SQL};
GRANT EXECUTE ON FUNCTION gloact_stored_journeys(text[]) TO gloact_admin, gloact_analyst, gloact_focal;
GRANT EXECUTE ON FUNCTION gloact_add_user(text, text, text), gloact_users() TO gloact_admin;
REVOKE ALL ON disclosure_secret, disclosure_hmac, workbook_users, workbook_changes FROM PUBLIC, {_GROUPS_SQL};
GRANT SELECT ON {", ".join(REFERENCE_TABLES)} TO {_GROUPS_SQL};
GRANT INSERT ON {", ".join(REFERENCE_TABLES)} TO gloact_admin, gloact_analyst;
GRANT SELECT, INSERT ON imports TO gloact_admin, gloact_analyst, gloact_focal;
GRANT INSERT ON rejections TO gloact_admin, gloact_analyst, gloact_focal;
GRANT SELECT ON rejections TO gloact_admin, gloact_analyst;
GRANT USAGE ON SEQUENCE import_ids TO gloact_admin, gloact_analyst, gloact_focal;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
"""


def publish_function_sql(threshold: int = config.DISCLOSURE_THRESHOLD) -> str:
    """``CREATE FUNCTION gloact_publish(n bigint, ckey bigint, unit text)``: the published value of a count, or
    NULL when hidden, exactly as :func:`~gloact_lib.analysis.disclosure.publish_counts` gives it.

    Generated from the perturbation table of :mod:`gloact_lib.analysis.disclosure` (its cumulative
    probabilities times 2**32), so the two cannot drift apart: the change ``d`` is read from row
    ``min(n, 3)`` at the position of ``ckey`` modulo 2**32; only ``unit = 'persons'`` is perturbed; a
    published value ``1 .. threshold - 1`` is hidden.  Every role may call it (the callers of a view need
    the right to call its functions): it holds no key, only the published table.

    Parameters
    ----------
    threshold : int, default config.DISCLOSURE_THRESHOLD

    Returns
    -------
    str

    Examples
    --------
    >>> sql = publish_function_sql()
    >>> "WHEN 0 THEN 0" in sql, "WHEN k < 3006477107 THEN 0 WHEN k < 4080218931 THEN 1 ELSE 2" in sql
    (True, True)
    >>> "v > 0 AND v < 5" in sql
    True
    """
    table, rows = ptable_lookup(), []
    for row, (changes, bounds) in sorted(table.items()):
        steps = " ".join(f"WHEN k < {int(b)} THEN {int(d)}" for d, b in zip(changes[:-1], bounds, strict=True))
        rows.append(f"WHEN {row} THEN " + (f"CASE {steps} ELSE {int(changes[-1])} END" if steps else
                                           str(int(changes[-1]))))  # fmt: skip
    last = max(table)
    return f"""CREATE OR REPLACE FUNCTION gloact_publish(n bigint, ckey bigint, unit text) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v > 0 AND v < {int(threshold)} THEN NULL ELSE v END
  FROM (SELECT n + CASE WHEN unit IS DISTINCT FROM 'persons' THEN 0 ELSE
          CASE least(n, {last}) {" ".join(rows)} ELSE 0 END END AS v
        FROM (SELECT ((ckey % {MODULUS}) + {MODULUS}) % {MODULUS} AS k) keyed) perturbed $$"""


_VIEW_SQL = f"""
CREATE TABLE IF NOT EXISTS published_cells (origin_country text, destination_country text, crime text, unit text,
  illustrative boolean, year int, persons bigint, hidden boolean, published_at timestamptz NOT NULL);
REVOKE ALL ON published_cells FROM PUBLIC, {_GROUPS_SQL};
CREATE OR REPLACE FUNCTION gloact_publish_flows() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
  DECLARE made bigint;
  BEGIN
    -- committed rows only: a transaction that has written (rows of its own, not yet committed, would be
    -- counted) may not publish, so no one learns an exact count by adding rows and rolling back
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      RAISE EXCEPTION 'published flows are made from committed data: call gloact_publish_flows() in a transaction '
        'that has written nothing';
    END IF;
    PERFORM pg_advisory_xact_lock({PUBLISH_LOCK});
    DELETE FROM public.published_cells;
    INSERT INTO public.published_cells
    SELECT origin_country, destination_country, crime, unit, illustrative, year, value, value IS NULL, now()
    FROM (SELECT origin_country, destination_country, crime, unit, illustrative, year,
                 public.gloact_publish(n, ckey, unit) AS value
          FROM (SELECT origin_country, destination_country, crime, unit, illustrative,
                       extract(year FROM period_start)::int AS year, sum(persons)::bigint AS n,
                       (coalesce(sum(rkey), 0) % {MODULUS})::bigint AS ckey
                FROM public.journeys GROUP BY 1, 2, 3, 4, 5, 6) cells) published;
    GET DIAGNOSTICS made = ROW_COUNT;
    RETURN made;
  END $$;
REVOKE ALL ON FUNCTION gloact_publish_flows() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gloact_publish_flows() TO gloact_admin, gloact_analyst, gloact_focal;
CREATE OR REPLACE VIEW {PUBLISHED_VIEW} WITH (security_barrier) AS
SELECT origin_country, destination_country, crime, unit, illustrative, year, persons, hidden, published_at
FROM published_cells;
REVOKE ALL ON {PUBLISHED_VIEW} FROM PUBLIC;
GRANT SELECT ON {PUBLISHED_VIEW} TO {_GROUPS_SQL};
"""


def install_access(pg) -> None:
    """Make the group roles, ``workbook_users``, the row-level security, the grants and ``published_flows``.

    Called by :func:`gloact_lib.data.server.install_schema` in its transaction, as the tables' owner
    (who is not subject to row-level security: it is enabled, not forced).  Idempotent: the group
    roles are made only when missing (they are cluster-wide: another workbook may have made them),
    policies are dropped and made again.  Run by the database's owner (or a superuser) for the
    ``CONNECT`` rights to change, by a role with ``CREATEROLE`` where the groups are missing.

    Parameters
    ----------
    pg : psycopg.Connection
        Connected to the workbook's database, in a transaction the caller commits.
    """
    from psycopg import sql

    pg.execute(_GROUPS_DDL)
    pg.execute(_USERS_SQL)
    pg.execute(_FUNCTIONS_SQL)
    database = sql.Identifier(pg.execute("SELECT current_database()").fetchone()[0])
    pg.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(database))
    pg.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO " + _GROUPS_SQL).format(database))
    for table, column in ROW_TABLES.items():
        name = sql.Identifier(table)
        pg.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
        pg.execute(sql.SQL("REVOKE ALL ON {} FROM PUBLIC, " + _GROUPS_SQL).format(name))
        old = pg.execute("SELECT policyname FROM pg_policies WHERE schemaname = current_schema() AND tablename = %s "
                         "AND policyname LIKE 'gloact\\_%%'", [table]).fetchall()  # fmt: skip
        for (policy,) in old:
            pg.execute(sql.SQL("DROP POLICY {} ON {}").format(sql.Identifier(policy), name))
        for group, (commands, policies) in _EDITABLE.items():
            pg.execute(sql.SQL(f"GRANT {commands} ON {{}} TO {group}").format(name))
            for label, command, using, check in policies:
                text = f"CREATE POLICY {{}} ON {{}} AS PERMISSIVE FOR {command} TO {group}"
                text += f" USING ({using})" if using else ""
                text += f" WITH CHECK ({check})" if check else ""
                policy = sql.Identifier(f"{group}_{label}")
                pg.execute(sql.SQL(text.replace("{c}", '"' + column + '"')).format(policy, name))
    pg.execute(publish_function_sql())
    pg.execute(f"DROP VIEW IF EXISTS {PUBLISHED_VIEW}")  # made over journeys by an earlier version
    pg.execute(_VIEW_SQL)
    pg.execute(_AUDIT_SQL)


def _check_user(name: str, role: str, country: str | None) -> str | None:
    """Refuse a bad name, role or country (ValueError, one line); the country in upper case."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"user name {name!r}: lower-case letters, digits and _, not starting with a digit, "
                         "63 at most")  # fmt: skip
    if name.startswith(("gloact_", "pg_")):
        raise ValueError(f"user name {name!r}: gloact_ and pg_ names are the server's own")
    if role not in ROLES:
        raise ValueError(f"role {role!r}: one of {', '.join(ROLES)}")
    if role != "focal":
        if country:
            article = "an" if role[0] in "aeiou" else "a"
            raise ValueError(f"only a focal point has a country: {article} {role} works on every country")
        return None
    if not country or not isinstance(country, str) or not _ISO3.match(country.strip().upper()):
        raise ValueError(f"a focal point needs its country as ISO alpha-3 (e.g. MLI), not {country!r}")
    return country.strip().upper()


def users_add(pg, name: str, role: str, country: str | None = None, password: str | None = None) -> str:
    """Add a login role to the workbook as an administrator, analyst, focal point or viewer.

    The role is made with ``LOGIN`` (administrators also ``CREATEROLE``, to add users), put in its
    group ``gloact_<role>`` and recorded in ``workbook_users`` (through ``gloact_add_user``, the one
    way an administrator writes it).  The password is sent as a SCRAM-SHA-256 verifier made here,
    never as text.  Commits.

    Policy: a focal point must have a country, an ISO alpha-3 of table ``countries`` of kind
    ``country`` (lower case is accepted); the other roles work on every country and are refused
    one, so that nobody believes an analyst is confined to a country.

    Parameters
    ----------
    pg : psycopg.Connection
        As the workbook's owner, a superuser or an administrator (``gloact_admin`` with ``CREATEROLE``).
    name : str
        The new login: ``^[a-z_][a-z0-9_]{0,62}$``, not ``gloact_*`` nor ``pg_*``.
    role : {"admin", "analyst", "focal", "viewer"}
    country : str, optional
        For a focal point only.
    password : str, optional
        Made with :func:`secrets.token_urlsafe` (18 bytes) when not given.

    Returns
    -------
    str
        The password, to hand to the user.

    Raises
    ------
    ValueError
        A bad name, role or country, or a role of that name already on the server (one line).

    Examples
    --------
    >>> users_add(None, "Focal-MLI", "focal", "MLI")
    Traceback (most recent call last):
    ...
    ValueError: user name 'Focal-MLI': lower-case letters, digits and _, not starting with a digit, 63 at most
    >>> users_add(None, "analyst_2", "analyst", "MLI")
    Traceback (most recent call last):
    ...
    ValueError: only a focal point has a country: an analyst works on every country
    """
    import psycopg
    from psycopg import sql

    country = _check_user(name, role, country)
    if password is None:
        password = secrets.token_urlsafe(18)
    elif not isinstance(password, str) or not password:
        raise ValueError("the password must be a non-empty text")
    if pg.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
        raise ValueError(f"a role named {name} already exists on this server; choose another name")
    if country and not pg.execute("SELECT 1 FROM countries WHERE iso3 = %s AND kind = 'country'",
                                  [country]).fetchone():  # fmt: skip
        raise ValueError(f"{country} is no country of this workbook's table countries")
    verifier = pg.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
    options = sql.SQL(" CREATEROLE" if role == "admin" else "")
    try:
        with pg.transaction():
            pg.execute(sql.SQL("CREATE ROLE {} LOGIN{} PASSWORD {}").format(sql.Identifier(name), options,
                                                                             sql.Literal(verifier)))  # fmt: skip
            pg.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(f"gloact_{role}"), sql.Identifier(name)))
            pg.execute("SELECT gloact_add_user(%s, %s, %s)", [name, role, country])
    except psycopg.errors.DuplicateObject:
        raise ValueError(f"a role named {name} already exists on this server; choose another name") from None
    if not pg.autocommit:
        pg.commit()
    return password


def users_list(pg) -> list[dict]:
    """The workbook's users: ``name``, ``role``, ``country`` (focal points only) and ``added_at``, by name.

    Parameters
    ----------
    pg : psycopg.Connection
        As the workbook's owner, a superuser or an administrator (through ``gloact_users()``).

    Returns
    -------
    list of dict
    """
    rows = pg.execute("SELECT role_name, role, country, added_at FROM gloact_users()").fetchall()
    return [{"name": n, "role": r, "country": c, "added_at": a} for n, r, c, a in rows]
