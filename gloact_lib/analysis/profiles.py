"""Profiles: the queries the views need beyond flows (member countries, country profiles, meetings).

Every function takes a connection and returns plain Python values or DataFrames; views and
dashboards never write SQL themselves.
"""

from __future__ import annotations

__all__ = ["member_countries"]


def member_countries(con) -> list[str]:
    """The countries the workbook serves: Niamey 2018 delegations and the Mali-Morocco-Niger group."""
    rows = con.execute(
        "SELECT DISTINCT iso3 FROM groups WHERE group_id IN ('niamey_2018', 'mali_morocco_niger') ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]
