"""Record keys: a secret, fixed random number per journey row, the basis of the cell-key method.

A journey's key is HMAC-SHA256 of its id under a per-database secret (made once, stored in
the ``disclosure_secret`` table, never shown), first 4 bytes.  They are a storage concern
(given when rows are stored, kept with them); :mod:`gloact_lib.analysis.disclosure` adds them
up into cell keys and perturbs published counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import duckdb
import numpy as np

__all__ = ["BOUND", "MODULUS", "PTABLE", "SECRET_TABLE", "add_record_keys",
           "ensure_secret", "hmac_pads", "ptable_lookup", "record_key", "record_key_sql"]

#: Cell keys and record keys are 32-bit: sums are taken modulo this.
MODULUS = 2**32

#: Table holding the per-database secret of the record keys (declared in :mod:`gloact_lib.data.schema`).
SECRET_TABLE = "disclosure_secret"

#: The cell-key method's perturbation table (applied in :mod:`gloact_lib.analysis.disclosure`, and on a server
#: by :mod:`gloact_lib.data.server_access`), kept with the keys so that both layers read one table.
#: Row (n, or 3 for every n >= 3) -> {change d: probability in percent}.
PTABLE: dict[int, dict[int, int]] = {
    0: {0: 100},
    1: {0: 70, 1: 25, 2: 5},
    2: {-1: 35, 0: 35, 1: 25, 2: 5},
    3: {-2: 5, -1: 30, 0: 30, 1: 30, 2: 5},
}

#: The largest change :data:`PTABLE` makes to a count (a viewer may know it).
BOUND = max(abs(d) for row in PTABLE.values() for d in row)


def ptable_lookup() -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per row: the changes, and the cell-key boundaries between them (cumulative probability x 2**32)."""
    out = {}
    for row, probs in PTABLE.items():
        if sum(probs.values()) != 100:
            raise ValueError(f"PTABLE row {row}: probabilities add up to {sum(probs.values())}, not 100")
        changes = np.array(sorted(probs), dtype=np.int64)
        cumulative = np.cumsum([probs[d] for d in changes])[:-1]
        out[row] = changes, (cumulative * MODULUS) // 100
    return out


def ensure_secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The database's secret, made (32 random bytes) and stored the first time.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A workbook database open for writing (if it has no secret yet).

    Returns
    -------
    bytes
    """
    rows = con.execute(f"SELECT secret FROM {SECRET_TABLE} ORDER BY created_at LIMIT 1").fetchall()
    if rows:
        return bytes(rows[0][0])
    secret = secrets.token_bytes(32)
    con.execute(f"INSERT INTO {SECRET_TABLE} VALUES (?, ?)", [secret, dt.datetime.now(dt.UTC).replace(tzinfo=None)])
    return secret


def record_key(secret: bytes, journey_id: str) -> int:
    """A journey's record key: HMAC-SHA256(secret, journey_id), first 4 bytes, big-endian.

    The reference for :func:`record_key_sql`, which computes the same in DuckDB.

    Examples
    --------
    >>> record_key(b"k" * 32, "j1")
    740099278
    """
    return int.from_bytes(hmac.new(secret, journey_id.encode("utf-8"), hashlib.sha256).digest()[:4], "big")


def hmac_pads(secret: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's outer and inner padded keys for ``secret`` (RFC 2104), so that SQL can compute
    ``sha256(outer || sha256(inner || message))`` (DuckDB here, PostgreSQL in :mod:`gloact_lib.data.server`).

    Examples
    --------
    >>> outer, inner = hmac_pads(b"k" * 32)
    >>> len(outer), outer[:1], inner[:1]
    (64, b'7', b']')
    """
    key = hashlib.sha256(secret).digest() if len(secret) > 64 else secret.ljust(64, b"\0")
    return bytes(b ^ 0x5C for b in key), bytes(b ^ 0x36 for b in key)


def record_key_sql(con: duckdb.DuckDBPyConnection, id_sql: str = "journey_id") -> tuple[str, list]:
    """SQL for the record key of each row (HMAC-SHA256 of ``id_sql`` under the database secret).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database whose secret keys the rows.
    id_sql : str, default "journey_id"
        SQL expression of the journey id.

    Returns
    -------
    sql : str
        A ``UINTEGER`` expression with two ``?`` placeholders.
    params : list
        Their values (the HMAC's outer and inner padded keys), in order.
    """
    outer, inner = hmac_pads(ensure_secret(con))
    sql = f"('0x' || left(sha256(?::BLOB || unhex(sha256(?::BLOB || encode({id_sql})))), 8))::UINTEGER"
    return sql, [outer, inner]


def add_record_keys(con: duckdb.DuckDBPyConnection) -> int:
    """Give a record key to every journey that has none (a database made before record keys existed).

    Returns
    -------
    int
        Journeys keyed now.
    """
    # Keyed journeys have a NOT NULL rkey (declared so, and set so below): the catalogue says
    # whether there is anything to do, without scanning the table on every open.
    nullable = con.execute("SELECT is_nullable FROM duckdb_columns() WHERE table_name = 'journeys' "
                           "AND column_name = 'rkey'").fetchall()  # fmt: skip
    if nullable and not nullable[0][0]:
        return 0
    # Three steps (DuckDB cannot add the NOT NULL constraint in the transaction that filled the
    # column); a run cut short leaves the column nullable, so the next open finishes it.
    sql, params = record_key_sql(con)
    con.execute("ALTER TABLE journeys ADD COLUMN IF NOT EXISTS rkey UINTEGER")
    keyed = con.execute(f"UPDATE journeys SET rkey = {sql} WHERE rkey IS NULL", params).fetchall()[0][0]
    con.execute("ALTER TABLE journeys ALTER COLUMN rkey SET NOT NULL")
    return int(keyed)
