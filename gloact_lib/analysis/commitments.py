"""The monitoring mechanism: recommendations, their status per country over time, and measures.

The Niamey 2018 conference set up "a permanent mechanism to monitor commitments and to
periodically measure the progress made by each country"; its commitments are six
recommendations for its 16 delegations (``data/reference/recommendations_niamey2018.csv``: the
mechanism in the article's words, the others summaries of what the article reports, since it
does not publish their wording).  The Casablanca 2019 workshop adopted eight operational
recommendations for Mali, Morocco and Niger.  Status updates (``status_updates`` table) record,
per recommendation and country, a status on a date with its evidence and source.

Measures: :func:`latest_status` (as of a date), :func:`status_matrix`, :func:`progress` (per
country or per recommendation), :func:`changes_since` (a date or a meeting), :func:`overdue`.
Focal points update their country's rows with the Excel form
:func:`gloact_lib.views.forms.write_template` writes, imported back with ``gloact import
--as-country ISO3`` (format ``commitments``);
:func:`gloact_lib.imports.formats.commitments.verify_form` says what is checked and what
cannot be.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from gloact_lib.analysis.selection import resolve_countries
from gloact_lib.data.schema import STATUSES

__all__ = ["changes_since", "latest_status", "latest_updates", "overdue", "progress", "recommendations_for",
           "status_matrix"]  # fmt: skip


def _items_sql() -> str:
    """Every (recommendation, country concerned) pair, with the date of the meeting that adopted it."""
    return """SELECT r.rec_id, r.number, r.theme, r.text_en, r.text_fr, r.meeting_id, m.end_date AS adopted,
                     unnest(string_split(r.countries, ';')) AS iso3
              FROM recommendations r JOIN meetings m USING (meeting_id)"""


def latest_status(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None, data: str = "all") -> pd.DataFrame:
    """The status of every recommendation in every country it concerns, as of a date.

    Parameters
    ----------
    as_of : datetime.date, optional
        Default: today.
    data : {"all", "real", "illustrative"}
        Which updates to count.

    Returns
    -------
    DataFrame
        ``rec_id``, ``number``, ``theme``, ``text_en``, ``text_fr``, ``meeting_id``, ``adopted``,
        ``iso3``, ``status`` (``not_started`` when no update), ``date``, ``evidence``, ``source``,
        ``illustrative``.

    Examples
    --------
    >>> from gloact_lib.data.database import connect
    >>> latest_status(connect(":memory:")).empty
    True
    """
    as_of = as_of or dt.date.today()
    flag = {"all": "TRUE", "real": "NOT illustrative", "illustrative": "illustrative"}[data]
    return con.execute(
        f"""WITH items AS ({_items_sql()}),
            last AS (SELECT * FROM status_updates WHERE date <= ? AND {flag}
                     QUALIFY row_number() OVER (PARTITION BY rec_id, iso3 ORDER BY date DESC) = 1)
            SELECT i.rec_id, i.number, i.theme, i.text_en, i.text_fr, i.meeting_id, i.adopted, i.iso3,
                   coalesce(l.status, 'not_started') AS status, l.date, l.evidence, l.source,
                   coalesce(l.illustrative, FALSE) AS illustrative
            FROM items i LEFT JOIN last l USING (rec_id, iso3)
            ORDER BY i.iso3, i.adopted, i.meeting_id, i.number""",
        [as_of],
    ).df()


def status_matrix(status: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country x recommendation grid of a :func:`latest_status` frame.

    A recommendation may concern only some of its meeting's countries (``countries`` column
    of ``recommendations``): the cells of the countries it does not concern are empty, not
    an error.

    Parameters
    ----------
    status : DataFrame
        Rows of :func:`latest_status` (possibly filtered, possibly empty).

    Returns
    -------
    recs : DataFrame
        One row per recommendation present, ordered by meeting (date adopted) and number (the
        :func:`latest_status` columns of its first row).
    grid : DataFrame
        Index ``iso3`` (sorted), one column per ``rec_id`` in ``recs`` order; each cell is the
        status, or missing (``pd.isna``) when the recommendation does not concern that country.

    Examples
    --------
    >>> s = pd.DataFrame({"rec_id": ["a", "a", "b"], "meeting_id": "m", "number": [1, 1, 2],
    ...                   "iso3": ["MLI", "NER", "MLI"], "status": ["achieved", "not_started", "in_progress"]})
    >>> pd.isna(status_matrix(s)[1].loc["NER", "b"])
    True
    """
    order = [c for c in ("adopted", "meeting_id", "number", "rec_id") if c in status.columns]
    recs = status.drop_duplicates("rec_id").sort_values(order)
    columns = list(recs["rec_id"])
    if status.empty:
        return recs, pd.DataFrame(columns=columns, index=pd.Index([], name="iso3"), dtype=object)
    grid = status.drop_duplicates(["iso3", "rec_id"]).pivot(index="iso3", columns="rec_id", values="status")
    grid = grid.reindex(columns=columns).sort_index().astype(object)
    return recs, grid.rename_axis(columns=None)


def progress(con: duckdb.DuckDBPyConnection, by: str = "iso3", as_of: dt.date | None = None,
             data: str = "all", status: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """Share of items achieved and in progress, per country or per recommendation.

    Items marked ``not_applicable`` are left out of the shares.

    Parameters
    ----------
    by : {"iso3", "rec_id"}
    status : DataFrame, optional
        :func:`latest_status` for the same ``as_of`` and ``data``, when the caller already has it
        (not read again).

    Returns
    -------
    DataFrame
        ``by`` column, ``items``, one count column per status, ``share_achieved``,
        ``share_in_progress`` (0-1, of the applicable items).
    """
    if by not in ("iso3", "rec_id"):
        raise ValueError(f"by must be 'iso3' or 'rec_id', not {by!r}")
    if status is None:
        status = latest_status(con, as_of, data)
    counts = status.pivot_table(index=by, columns="status", values="number", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts.insert(0, "items", counts.sum(axis=1))
    applicable = (counts["items"] - counts["not_applicable"]).clip(lower=1)
    counts["share_achieved"] = counts["achieved"] / applicable
    counts["share_in_progress"] = counts["in_progress"] / applicable
    return counts.reset_index().rename_axis(columns=None)


def _meeting_date(con: duckdb.DuckDBPyConnection, since) -> dt.date:
    if isinstance(since, dt.date):
        return since
    rows = con.execute("SELECT end_date FROM meetings WHERE meeting_id = ?", [since]).fetchall()
    if not rows:
        raise ValueError(f"unknown meeting {since!r}")
    return rows[0][0]


def changes_since(con: duckdb.DuckDBPyConnection, since, data: str = "all") -> pd.DataFrame:
    """Updates dated after ``since`` (a date or a meeting id), with the status each replaced.

    Returns
    -------
    DataFrame
        ``rec_id``, ``number``, ``iso3``, ``date``, ``status``, ``previous_status``, ``evidence``,
        ``source``, ``illustrative``; newest first.
    """
    start = _meeting_date(con, since)
    flag = {"all": "TRUE", "real": "NOT illustrative", "illustrative": "illustrative"}[data]
    return con.execute(
        f"""SELECT u.rec_id, r.number, u.iso3, u.date, u.status,
                   coalesce(lag(u.status) OVER (PARTITION BY u.rec_id, u.iso3 ORDER BY u.date), 'not_started')
                     AS previous_status, u.evidence, u.source, u.illustrative
            FROM status_updates u JOIN recommendations r USING (rec_id)
            WHERE {flag}
            QUALIFY u.date > ?
            ORDER BY u.date DESC, u.iso3, r.number""",
        [start],
    ).df()


def overdue(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None, months: int = 12,
            data: str = "all") -> pd.DataFrame:  # fmt: skip
    """Items neither achieved nor inapplicable with no news for ``months``.

    An item is overdue when its latest update (or, with none, the meeting that adopted it) is
    older than ``months`` months before ``as_of``.

    Returns
    -------
    DataFrame
        The :func:`latest_status` rows that are overdue, with ``since`` (the date of the last news).
    """
    as_of = as_of or dt.date.today()
    status = latest_status(con, as_of, data)
    last = pd.to_datetime(status["date"]).fillna(pd.to_datetime(status["adopted"]))
    limit = pd.Timestamp(as_of) - pd.DateOffset(months=months)
    open_items = ~status["status"].isin(["achieved", "not_applicable"])
    return status[open_items & (last < limit)].assign(since=last[open_items & (last < limit)].dt.date)


def recommendations_for(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """The recommendations that concern a country (``countries`` column of ``recommendations``).

    Parameters
    ----------
    iso3 : str
        The country: its ISO alpha-3 code, or any code or name
        :func:`~gloact_lib.analysis.selection.resolve_countries` turns into one (``"Mali"``);
        a name that is no country is a ValueError, not an empty answer.

    Returns
    -------
    DataFrame
        ``rec_id``, ``meeting_id``, ``number``, ``theme``, ``text_en``, ``text_fr``, ``source``; by
        meeting (the earliest first), then number.
    """
    return con.execute(
        "SELECT r.rec_id, r.meeting_id, r.number, r.theme, r.text_en, r.text_fr, r.source FROM recommendations r "
        "LEFT JOIN meetings m USING (meeting_id) WHERE list_contains(string_split(r.countries, ';'), ?) "
        "ORDER BY m.end_date, r.meeting_id, r.number", [resolve_countries("iso3", [iso3])[0]]
    ).df()  # fmt: skip


def latest_updates(con: duckdb.DuckDBPyConnection, limit: int = 12) -> pd.DataFrame:
    """The most recent status updates, whatever their country.

    Parameters
    ----------
    limit : int, default 12

    Returns
    -------
    DataFrame
        ``date``, ``iso3``, ``number`` (of the recommendation), ``status``, ``source``; newest first.
    """
    return con.execute(
        "SELECT u.date, u.iso3, r.number, u.status, u.source FROM status_updates u JOIN recommendations r "
        "USING (rec_id) ORDER BY u.date DESC, u.iso3, r.number LIMIT ?", [limit]
    ).df()  # fmt: skip
