"""A workbook on a PostgreSQL server: several analysts, countries and dashboards on one database.

``--db postgresql://user:password@host:port/database`` (or ``GLOACT_DB``) puts every command and
:func:`gloact_lib.data.database.connect` on a server instead of a DuckDB file.

**One query engine, two kinds of storage.**  The server stores the rows, decides who may read and
write which of them (:mod:`gloact_lib.data.server_access`: row-level security) and serialises
writers.  The figures are computed by the same DuckDB SQL as for a workbook file, on a
*replica*: the rows the connected role may read, copied out with ``COPY`` into a private,
read-only DuckDB file (:mod:`gloact_lib.data.replica`), made again only when the data has changed
(:func:`data_version`).  So there is one source of query logic and the figures are the same on
both engines by construction (a parity test checks it on the shipped data and random
selections): cell keys are sums of unsigned 32-bit keys modulo 2**32, content keys 64-bit MD5
prefixes, transit a list test -- each would need a second, subtly different PostgreSQL
expression in a portable subset or from a transpiler, and ibis is a heavy dependency outside
the chosen stack for queries DuckDB already runs.  Twenty viewers' filter changes cost the
server nothing (one cheap version check per drawing); the cost is a copy of the visible rows
per process after each change (measured in ``benchmarks/``, area 9).

**Writes.**  An import validates and stages the file locally as on DuckDB, then, in one server
transaction holding the workbook's import lock, compares with what is stored, appends with
``COPY`` and records the import (:func:`gloact_lib.imports.pipeline.import_file`).  A record key
(the cell-key method's secret per-journey number) is set by the server (:data:`TRIGGERS`) from
a secret no login role can read.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

from gloact_lib.data.schema import TABLES, create_sql

__all__ = ["IMPORT_LOCK", "SCHEMES", "data_version", "install_schema", "is_server", "pg_connect", "publish",
           "redact", "server_error"]  # fmt: skip

#: What a server's address starts with.
SCHEMES = ("postgresql://", "postgres://")
#: Key of the advisory lock an import holds for its final compare-and-append (one at a time).
IMPORT_LOCK = 0x61_0AC7
#: Session settings the CSV round trips rely on, whatever the server's or the client's defaults (a
#: ``datestyle`` of ``SQL, DMY`` or ``bytea_output = escape`` would change what ``COPY`` writes).
SESSION_OPTIONS = ("-c datestyle=ISO,MDY -c bytea_output=hex -c extra_float_digits=3 -c TimeZone=UTC "
                   "-c IntervalStyle=postgres -c search_path=public")  # fmt: skip
#: Seconds to wait for a server to answer a connection.
CONNECT_TIMEOUT = int(os.environ.get("GLOACT_CONNECT_TIMEOUT", "5"))


def is_server(target) -> bool:
    """Whether ``--db`` names a PostgreSQL server rather than a DuckDB file.

    Examples
    --------
    >>> is_server("postgresql://focal_mli@db.example.org/gloact"), is_server("data/gloact.duckdb")
    (True, False)
    """
    return isinstance(target, str) and target.startswith(SCHEMES)


def redact(url: str) -> str:
    """The address without its password (in the user part or a ``password=`` parameter), for messages and logs.

    Examples
    --------
    >>> redact("postgresql://focal_mli:s3cret@db.example.org:5432/gloact")
    'postgresql://focal_mli:***@db.example.org:5432/gloact'
    >>> redact("postgresql://focal_mli@db.example.org/gloact?sslmode=require&password=s3cret")
    'postgresql://focal_mli@db.example.org/gloact?sslmode=require&password=***'
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
    query = re.sub(r"(^|&)(password)=[^&]*", r"\1\2=***", parts.query, flags=re.IGNORECASE)
    return urlunsplit(parts._replace(netloc=netloc, query=query))


_REASONS = (  # (pattern in the server's or libpq's message, kind, what to say)
    (r"password authentication failed for user \"([^\"]*)\"", "denied",
     "the server refused the password of {0}; check the user and password"),
    (r"role \"([^\"]*)\" does not exist", "denied", "no user {0} on this server; an administrator adds one with "
     "`gloact users add`"),
    (r"database \"([^\"]*)\" does not exist", "missing", "no database {0} on this server; create it, then "
     "`gloact build-db --db <address>`"),
    (r"permission denied for database", "denied", "this user may not connect to this workbook"),
    (r"no password supplied", "denied", "the server asks for a password: give it in the address or in ~/.pgpass"),
    (r"could not translate host name \"([^\"]*)\"", "unreachable", "unknown host {0}"),
    (r"failed to resolve host '([^']*)'", "unreachable", "unknown host {0}"),
    (r"(Connection refused|timeout expired|No route to host|Network is unreachable|server closed the connection|"
     r"terminating connection|connection is lost|the connection is closed|could not receive data|"
     r"consuming input failed|server conn crashed|the database system is (?:starting up|shutting down))",
     "unreachable", "cannot reach the database server ({0}); is it running? try again when it is"),
)  # fmt: skip


def server_error(exc: Exception, url: str):
    """The :class:`~gloact_lib.data.database.DatabaseError` (one line, no password) that a psycopg error stands
    for, or None if it is none of them.

    Kinds: ``unreachable`` (no server answers, or it went away), ``denied`` (wrong password, unknown
    user, no right), ``missing`` (no such database, or no workbook in it).

    Examples
    --------
    >>> import psycopg
    >>> err = server_error(psycopg.OperationalError('connection failed: password authentication failed for '
    ...                    'user "focal_mli"'), "postgresql://focal_mli:x@h/gloact")
    >>> err.kind, str(err).split(";")[0]
    ('denied', 'postgresql://focal_mli:***@h/gloact: the server refused the password of focal_mli')
    """
    import psycopg

    from gloact_lib.data.database import DatabaseError

    if isinstance(exc, DatabaseError):
        return exc
    if not isinstance(exc, psycopg.Error):
        return None
    text = " ".join(str(exc).split())
    for pattern, kind, say in _REASONS:
        found = re.search(pattern, text)
        if found:
            return DatabaseError(f"{redact(url)}: {say.format(*found.groups())}", kind)
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return DatabaseError(f"{redact(url)}: not allowed for this user ({text.split(chr(10))[0][:160]})", "denied")
    if isinstance(exc, psycopg.errors.UndefinedTable):
        return DatabaseError(f"{redact(url)}: no workbook in this database; run `gloact build-db --db <address>`",
                             "missing")  # fmt: skip
    if isinstance(exc, psycopg.OperationalError):
        return DatabaseError(f"{redact(url)}: cannot reach the database server ({text[:160]})", "unreachable")
    return None


def pg_connect(url: str, autocommit: bool = False):
    """A psycopg connection to the server, or a one-line DatabaseError (unreachable, denied, missing).

    Parameters
    ----------
    url : str
        ``postgresql://user:password@host:port/database``.
    autocommit : bool, default False
    """
    import psycopg

    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT, application_name="gloact",
                               options=SESSION_OPTIONS)  # fmt: skip
    except psycopg.Error as exc:
        raise (server_error(exc, url) or exc) from None


#: The server's own parts of the workbook, made once by :func:`install_schema`.  Functions that run with the
#: owner's rights search ``pg_catalog`` only and name the workbook's tables with their schema, so that no
#: function or operator another user made can stand in for a built-in one.  The record keys
#: (set by the server from a secret no login role reads, so that no file and no crafted INSERT chooses
#: them), the data version (one row per statement that changes data: readers compare counts), and which of
#: a file's journey ids are stored already, by whichever country (an importer reports those rows; it may not
#: read the journeys themselves).
TRIGGERS = r"""
CREATE TABLE IF NOT EXISTS workbook_changes (changed_at timestamptz NOT NULL DEFAULT now(), by_user text NOT NULL
  DEFAULT session_user, on_table text NOT NULL);
CREATE TABLE IF NOT EXISTS disclosure_hmac (outer_key bytea NOT NULL, inner_key bytea NOT NULL);
CREATE SEQUENCE IF NOT EXISTS import_ids;
ALTER TABLE imports ADD COLUMN IF NOT EXISTS imported_by text NOT NULL DEFAULT session_user;
CREATE OR REPLACE FUNCTION gloact_record_key(id text) RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
  SELECT ('x' || left(encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(id, 'UTF8'::name))), 'hex'),
          8))::bit(32)::bigint & 4294967295 FROM public.disclosure_hmac k LIMIT 1 $$;
CREATE OR REPLACE FUNCTION gloact_set_rkey() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
  BEGIN
    NEW.rkey := public.gloact_record_key(NEW.journey_id);
    IF NEW.rkey IS NULL THEN RAISE EXCEPTION 'workbook has no disclosure secret'; END IF;
    RETURN NEW;
  END $$;
DROP TRIGGER IF EXISTS gloact_rkey ON journeys;
CREATE TRIGGER gloact_rkey BEFORE INSERT OR UPDATE OF journey_id, rkey ON journeys
  FOR EACH ROW EXECUTE FUNCTION gloact_set_rkey();
CREATE OR REPLACE FUNCTION gloact_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
  BEGIN INSERT INTO public.workbook_changes (on_table) VALUES (TG_TABLE_NAME); RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION gloact_stored_journeys(ids text[]) RETURNS TABLE (journey_id text, import_id bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT j.journey_id, j.import_id FROM public.journeys j WHERE j.journey_id = ANY(ids) $$;
CREATE OR REPLACE FUNCTION gloact_data_version() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$ SELECT count(*) FROM public.workbook_changes $$;
"""


def _refuse_open_schema(pg) -> None:
    """Refuse a ``public`` schema where workbook users may create objects (PostgreSQL 13/14 left it open)."""
    from gloact_lib.data.database import DatabaseError
    from gloact_lib.data.server_access import GROUPS

    can = "SELECT has_schema_privilege(%s, 'public', 'CREATE')"
    open_to = [g for g in GROUPS if pg.execute(can, [g]).fetchone()[0]]
    if open_to:
        raise DatabaseError(f"schema public lets {', '.join(open_to)} create objects, which could stand in for the "
                            "workbook's own; as its owner run `REVOKE CREATE ON SCHEMA public FROM PUBLIC`, then "
                            "build or copy the workbook again", "denied")  # fmt: skip


def publish(url: str) -> int:
    """Make ``published_flows`` again from committed data (after an import or a correction); its cells."""
    pg = pg_connect(url, autocommit=True)
    try:
        return int(pg.execute("SELECT gloact_publish_flows()").fetchone()[0])
    finally:
        pg.close()


def install_schema(pg) -> None:
    """Make the workbook's tables, keys, triggers and access rules in an empty database (idempotent).

    Run by the workbook's owner (``gloact build-db`` / ``gloact copy`` as an administrator of the
    server): the tables are the declarations of :mod:`gloact_lib.data.schema`; the record-key and
    data-version triggers :data:`TRIGGERS`; the roles and row-level security
    :func:`gloact_lib.data.server_access.install_access`.  Commits.
    """
    with pg.transaction():
        for table in TABLES.values():
            pg.execute(create_sql(table, dialect="postgres"))
        pg.execute(TRIGGERS)
        for table in TABLES:
            pg.execute(f'DROP TRIGGER IF EXISTS gloact_changed ON "{table}"')
            pg.execute(f'CREATE TRIGGER gloact_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                       "FOR EACH STATEMENT EXECUTE FUNCTION gloact_changed()")  # fmt: skip
        from gloact_lib.data import server_access

        server_access.install_access(pg)
        _refuse_open_schema(pg)
        # import ids come from the server's sequence: never behind the stored ones (a workbook made before it)
        pg.execute("SELECT setval('import_ids', m) FROM (SELECT max(import_id) AS m FROM imports) s "
                   "WHERE m > (SELECT last_value FROM import_ids)")
    pg.execute("SELECT gloact_publish_flows()")  # in a transaction of its own: committed data only
    pg.commit()


def set_secret(pg, secret: bytes, created_at) -> None:
    """Store the workbook's disclosure secret (and the HMAC pads the server's record keys use); idempotent
    for the same secret, refused for another (the stored record keys depend on it)."""
    from gloact_lib.data.record_keys import hmac_pads

    row = pg.execute("SELECT secret FROM disclosure_secret ORDER BY created_at LIMIT 1").fetchone()
    if row is not None:
        if bytes(row[0]) != secret:
            raise ValueError("this server workbook already has another disclosure secret")
        return
    outer, inner = hmac_pads(secret)
    pg.execute("INSERT INTO disclosure_secret VALUES (%s, %s)", [secret, created_at])
    pg.execute("DELETE FROM disclosure_hmac")
    pg.execute("INSERT INTO disclosure_hmac VALUES (%s, %s)", [outer, inner])


def data_version(pg) -> int:
    """A number that changes whenever data changes (any role, any table); readers compare it with their replica's."""
    return int(pg.execute("SELECT gloact_data_version()").fetchone()[0])
