"""Disclosure control, in one place: the cell-key method, and small-count hiding.

Every count of persons a view publishes goes through :func:`publish` (or
:func:`publish_value` for a single figure).  Hiding small cells in each table
on its own is not enough: the dashboards let a viewer ask for many overlapping
tables, and a hidden cell comes back by subtraction (total 264, male 263,
other 0, unknown 0, female hidden: so 1 girl).  Secondary suppression cannot
stop that across tables; perturbation can (Fraser and Wooton 2005).

**The cell-key method** (the ABS TableBuilder method, used by ONS for the 2021
census flexible tables):

1. Every journey row has a fixed random *record key* ``rkey`` (32 bits),
   HMAC-SHA256(database secret, ``journey_id``) truncated to its first 4 bytes.
   The secret (32 random bytes) is made once, when the database is created,
   and kept in the table ``disclosure_secret``; no view shows a key or the secret.
2. A cell's *cell key* is the sum of the record keys of the rows it counts,
   modulo 2\\ :sup:`32` (:func:`cell_key_sql`, computed in SQL next to every
   ``sum(persons)``).  The same rows always give the same cell key, so a cell
   gets the same published value in every view that shows it, and asking for
   it again tells nothing new.
3. The published value is ``n + d``, where ``d`` is read from the
   perturbation table :data:`PTABLE` at row ``min(n, 3)`` and at the position
   ``cell key / 2**32`` of its cumulative probabilities (:func:`perturbation`).
4. Published values ``1 .. threshold - 1`` are hidden ("fewer than 5").

The perturbation table (``d``: probability, in percent)::

    n = 0        0: 100                                  zeros stay zero
    n = 1        0: 70   +1: 25  +2: 5                   never 0 or less
    n = 2       -1: 35    0: 35  +1: 25  +2: 5           mean 0, never 0
    n >= 3      -2: 5    -1: 30   0: 30  +1: 30  +2: 5   mean 0, variance 1.0

So ``|d| <= 2``, a count of at least one is never published as zero or less,
the mean change is zero from n = 2 up (+0.35 at n = 1, which is always hidden at
the default threshold), and the chance that two independent cells get the same
``d`` (the chance that one subtraction lands on the true value) is 27.5 % for
n >= 3.  A hidden cell may be a true 1 to 6 (a true 3 or 4 may be published as
5 or 6), so "hidden" no longer tells that a count is small.

**What is perturbed.** Only counts of persons (``unit == "persons"``).  Frontex
detections and Missing Migrants figures are public aggregates; they stay exact
(and small detection counts are still hidden, for one way of showing every map).
Totals are cells of their own (perturbed by their own cell key), never the
sum of perturbed cells, so published parts may not add up exactly to a
published total; a sum of published values (a hub's inflow) is shown only as
such.  Secondary suppression (:func:`suppress`) is no longer used by the views:
with perturbation a subtraction does not give a hidden cell away, and across
tables secondary suppression never could.  :func:`suppress` stays for exact
two-way tables.

References
----------
Fraser, B. and Wooton, J. (2005). *A proposed method for confidentialising
tabular output to protect against differencing.* UNECE/Eurostat Work Session
on Statistical Data Confidentiality, Geneva.

Australian Bureau of Statistics. *TableBuilder: perturbation* (how counts are
perturbed so that they cannot be differenced).

Office for National Statistics (2022). *Protecting personal data in Census 2021
results*: the cell-key perturbation of the flexible tables.

Examples
--------
>>> cells = pd.DataFrame({"o": ["A", "B", "C"], "persons": [0, 2, 40], "ckey": [0, 7, 3_000_000_000]})
>>> published = publish(cells)
>>> published["persons"].tolist(), published["suppressed"].tolist()
([0, <NA>, 41], [False, True, False])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gloact_lib import config
from gloact_lib.data.record_keys import BOUND, MODULUS, PTABLE, ptable_lookup

__all__ = [
    "BOUND",
    "MODULUS",
    "PTABLE",
    "cell_key_sql",
    "perturbation",
    "publish",
    "publish_counts",
    "publish_value",
    "suppress",
]


_LAST_ROW = max(PTABLE)
_lookup = ptable_lookup

_ROWS = _lookup()


def cell_key_sql(column: str = "rkey") -> str:
    """SQL aggregate for the cell key of a group: ``sum(column)`` modulo 2**32, as BIGINT (0 for no row).

    Also adds up cell keys of sub-groups (the sum of sums is the same modulo 2**32).

    Examples
    --------
    >>> cell_key_sql()
    '(coalesce(sum(rkey), 0) % 4294967296)::BIGINT'
    """
    return f"(coalesce(sum({column}), 0) % {MODULUS})::BIGINT"


# -- perturbation -----------------------------------------------------------------------------------------------------


def perturbation(n, ckey) -> np.ndarray:
    """The change ``d`` :data:`PTABLE` makes to counts ``n`` with cell keys ``ckey``.

    Parameters
    ----------
    n, ckey : array-like of int
        Counts (>= 0) and their cell keys (0 <= ckey < 2**32).

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> perturbation([0, 1, 10, 10], [123, 0, 0, 2**32 - 1]).tolist()
    [0, 0, -2, 2]
    """
    n = np.asarray(n, dtype=np.int64)
    ckey = np.asarray(ckey, dtype=np.int64) % MODULUS
    row = np.minimum(n, _LAST_ROW)
    d = np.zeros(n.shape, dtype=np.int64)
    for r, (changes, bounds) in _ROWS.items():
        mine = row == r
        if mine.any():
            d[mine] = changes[np.searchsorted(bounds, ckey[mine], side="right")]
    return d


def publish_counts(n, ckey, unit: str = "persons", threshold: int = config.DISCLOSURE_THRESHOLD,
                   perturb: bool = True) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Published values of counts: perturbed (persons only), and which are hidden.

    Parameters
    ----------
    n, ckey : array-like of int
        True counts and their cell keys.
    unit : {"persons", "detections"}
        Only persons are perturbed; detections are public figures and stay exact.
    threshold : int, default 5
        Published values ``1 .. threshold - 1`` are hidden.
    perturb : bool, default True
        False publishes exact counts (only to show, in tests, what perturbation prevents).

    Returns
    -------
    values : ndarray of int64
        The published values (meaningless where hidden).
    hidden : ndarray of bool
    """
    n = np.asarray(n, dtype=np.int64)
    values = n + perturbation(n, ckey) if (perturb and unit == "persons") else n.copy()
    return values, (values > 0) & (values < threshold)


def publish(cells: pd.DataFrame, value: str = "persons", key: str = "ckey", unit: str = "persons",
            threshold: int = config.DISCLOSURE_THRESHOLD, perturb: bool = True) -> pd.DataFrame:  # fmt: skip
    """The cells of a table as they may be shown.

    Parameters
    ----------
    cells : DataFrame
        One row per cell, with the true count in ``value`` and its cell key in ``key``.
    value, key : str
        Column names.
    unit, threshold, perturb
        As for :func:`publish_counts` (a :class:`~gloact_lib.analysis.flows.Selection` gives them:
        ``publish(cells, **selection.disclosure)``).

    Returns
    -------
    DataFrame
        ``cells`` without the cell key, with ``value`` as nullable Int64 (``<NA>`` where
        hidden) and a boolean ``suppressed`` column.  Rows keep their order: sort by the
        published value, not the true one, before showing a ranking.
    """
    out = cells.drop(columns=[key]).reset_index(drop=True)
    values, hidden = publish_counts(cells[value].to_numpy(), cells[key].to_numpy(), unit, threshold, perturb)
    out[value] = pd.arrays.IntegerArray(np.where(hidden, 0, values), hidden.copy())  # <NA> where hidden
    out["suppressed"] = hidden
    return out


def publish_value(n: int, ckey: int, unit: str = "persons", threshold: int = config.DISCLOSURE_THRESHOLD,
                  perturb: bool = True) -> int | None:  # fmt: skip
    """One published figure (a total), or None when hidden.  Arguments as for :func:`publish_counts`.

    Examples
    --------
    >>> publish_value(264, 0), publish_value(264, 0, unit="detections"), publish_value(2, 99)
    (262, 264, None)
    """
    values, hidden = publish_counts([int(n)], [int(ckey)], unit, threshold, perturb)
    return None if hidden[0] else int(values[0])


# -- exact two-way tables ---------------------------------------------------------------------------------------------


def suppress(table: pd.DataFrame, row: str, col: str, value: str = "persons",
             threshold: int = config.DISCLOSURE_THRESHOLD) -> tuple[pd.DataFrame, dict]:  # fmt: skip
    """Small-count suppression for one exact two-way table published with its margins.

    Not used by the views any more (see the module notes: it protects one table,
    not tables against each other); kept for exact tables published once.

    Primary: every cell with ``0 < value < threshold`` is hidden.  Secondary:
    in every row, every column and the whole table, wherever anything is
    hidden, more cells are hidden (preferring cells whose other line already
    hides something, then the smallest) until the hidden cells add up to at
    least ``threshold`` and number at least two; where no cell is left to hide,
    that total is hidden instead.  So no hidden cell can be worked out from the
    published cells and totals, and the hidden part of any total is never small.

    Parameters
    ----------
    table : DataFrame
        One row per cell with columns ``row``, ``col`` and ``value``.
    row, col, value : str
        Column names.
    threshold : int, default 5

    Returns
    -------
    cells : DataFrame
        The input with ``value`` as nullable Int64 (``<NA>`` where hidden) and a
        boolean ``suppressed`` column.
    totals : dict
        ``{"rows": {key: total or None}, "cols": {...}, "total": grand total or None}``,
        None where a total is hidden.

    Examples
    --------
    >>> t = pd.DataFrame({"o": list("AAABBBCCC"), "d": list("XYZXYZXYZ"),
    ...                   "persons": [2, 40, 12, 30, 50, 9, 20, 15, 60]})
    >>> cells, totals = suppress(t, "o", "d")
    >>> cells.loc[cells["suppressed"], ["o", "d"]].agg("".join, axis=1).tolist()
    ['AX', 'AZ', 'CX', 'CZ']
    """
    cells = table.reset_index(drop=True).copy()
    v = cells[value].to_numpy(dtype=np.int64)
    hidden = (v > 0) & (v < threshold)
    groups = {"rows": cells[row].to_numpy(), "cols": cells[col].to_numpy(), "total": np.zeros(len(cells), dtype=int)}
    margin_hidden: dict[str, set] = {"rows": set(), "cols": set(), "total": set()}
    for kind, keys in groups.items():
        for key in pd.unique(keys):
            total = v[keys == key].sum()
            if 0 < total < threshold:
                margin_hidden[kind].add(key)
    changed = True
    while changed:
        changed = False
        for kind, keys in groups.items():
            for key in pd.unique(keys[hidden]):
                if key in margin_hidden[kind]:
                    continue
                members = np.flatnonzero(keys == key)
                in_hidden = members[hidden[members]]
                if v[in_hidden].sum() >= threshold and len(in_hidden) >= 2:
                    continue
                candidates = members[~hidden[members] & (v[members] > 0)]
                # Prefer cells whose other line already hides something: fewer cascades.
                other = groups["cols" if kind == "rows" else "rows"]
                busy = set(other[hidden]) if kind != "total" else set()
                order = sorted(candidates, key=lambda i: (other[i] not in busy, v[i]))
                candidates = np.array(order, dtype=np.int64)
                for idx in candidates:
                    hidden[idx] = True
                    in_hidden = np.append(in_hidden, idx)
                    if v[in_hidden].sum() >= threshold and len(in_hidden) >= 2:
                        break
                if v[in_hidden].sum() < threshold or len(in_hidden) < 2:
                    margin_hidden[kind].add(key)  # nothing left to hide: hide the total
                changed = True
    totals = {
        kind: {key: (None if key in margin_hidden[kind] else int(v[keys == key].sum())) for key in pd.unique(keys)}
        for kind, keys in groups.items()
        if kind != "total"
    }
    totals["total"] = None if margin_hidden["total"] or len(v) == 0 else int(v.sum())
    cells[value] = pd.array(np.where(hidden, 0, v), dtype="Int64")
    cells.loc[hidden, value] = pd.NA
    cells["suppressed"] = hidden
    return cells, totals
